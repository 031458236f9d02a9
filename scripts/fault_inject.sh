#!/usr/bin/env bash
# Fault injection at full size: builds hsicho, then runs tests/cli/faults.sh with 20 random
# SIGKILLs (whole job or one rank) of a 2-rank study, journal corruption, a full disk (a tmpfs:
# run as root), damaged data files, diverging and throwing trainings and edge cases. Prints one
# line per fault and the figures of docs/reliability.md.
#   scripts/fault_inject.sh [KILLS] [SEED]     (defaults: 20 1)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/build.sh" >/dev/null
. "$root/scripts/mpi_env.sh"
build=${HSICHO_BUILD_DIR:-$root/build}
exec bash "$root/tests/cli/faults.sh" "$build/hsicho" "$(command -v mpiexec)" "$root" "${1:-20}" "${2:-1}"
