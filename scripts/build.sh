#!/usr/bin/env bash
# Installs the Debian packages if needed, then configures and builds hsicho in ./build.
# Extra arguments go to cmake (e.g. -DCMAKE_PREFIX_PATH=/path/to/libtorch for a CUDA LibTorch).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
build=${HSICHO_BUILD_DIR:-$root/build}
# hsicho links the serial HDF5 since the study file needs no MPI: a cache made before that still
# names the openmpi HDF5, so it is made anew.
if grep -qs "^HDF5_C_INCLUDE_DIR.*hdf5/openmpi" "$build/CMakeCache.txt"; then
  rm -f "$build/CMakeCache.txt"
fi
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
# HSICHO_TARGETS: only these targets (scripts/run.sh builds what a run needs; the tests,
# benchmarks and fuzz targets are left to the test command).
# shellcheck disable=SC2086
cmake --build "$build" -j "$(nproc)" ${HSICHO_TARGETS:+--target $HSICHO_TARGETS}
