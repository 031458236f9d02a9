#!/usr/bin/env bash
# Installs the Debian packages if needed, then configures and builds hsicho in ./build.
# Extra arguments go to cmake (e.g. -DCMAKE_PREFIX_PATH=/path/to/libtorch for a CUDA LibTorch).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
build=${HSICHO_BUILD_DIR:-$root/build}
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
cmake --build "$build" -j "$(nproc)"
