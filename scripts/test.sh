#!/usr/bin/env bash
# Builds hsicho (installing what it needs) and runs the whole test suite, MPI tests included.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/build.sh"
. "$root/scripts/mpi_env.sh"
build=${HSICHO_BUILD_DIR:-$root/build}
cd "$build"
ctest --output-on-failure -j "$(nproc)" "$@"
