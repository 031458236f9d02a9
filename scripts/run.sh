#!/usr/bin/env bash
# Builds hsicho (installing what it needs) and runs a study on 2 MPI ranks: the small default
# deck unless another is given. The study file lands in out/ (a fresh run each time).
# Usage: ./scripts/run.sh [DECK.yaml]   (default: inputs/demo.yaml)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# What a run needs: the front end and the two MPI programs (LibTorch's, and the one for decks
# with a training.command); the test command builds the rest.
HSICHO_TARGETS="hsicho hsicho-mpi hsicho-mpi-command" "$root/scripts/build.sh"
. "$root/scripts/mpi_env.sh"
deck=${1:-$root/inputs/demo.yaml}
build=${HSICHO_BUILD_DIR:-$root/build}
name=$(basename "$deck" .yaml)
mkdir -p "$root/out"
rm -rf "$root/out/$name.h5" "$root/out/$name.h5.journal"
"$build/hsicho" validate "$deck"
echo
mpiexec -n 2 "$build/hsicho" run "$deck" --out "$root/out/$name.h5"
