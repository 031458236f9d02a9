#!/usr/bin/env bash
# Builds hsicho (installing what it needs) and runs the small default deck on 2 MPI ranks.
# Usage: ./scripts/run.sh [DECK.yaml]   (default: inputs/demo.yaml)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/build.sh"
. "$root/scripts/mpi_env.sh"
deck=${1:-$root/inputs/demo.yaml}
build=${HSICHO_BUILD_DIR:-$root/build}
"$build/hsicho" validate "$deck"
echo
# Training arrives with the training engine; until then the main job prints the study's design.
mpiexec -n 2 "$build/hsicho" design "$deck"
