#!/usr/bin/env bash
# The whole test suite built with AddressSanitizer and UndefinedBehaviorSanitizer (gcc), in
# ./build-asan. Any report fails the test that produced it: UBSan halts on the first error,
# ASan on the first bad access or (at exit) leak. The suppressions, each with its reason, are in
# scripts/sanitizers/. Extra arguments go to ctest (e.g. -R cli_faults).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
build=${HSICHO_ASAN_BUILD_DIR:-$root/build-asan}
flags="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHSICHO_BUILD_BENCH=OFF \
  -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_C_FLAGS="$flags" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null
cmake --build "$build" -j "$(nproc)"
. "$root/scripts/mpi_env.sh"
supp=$root/scripts/sanitizers
export LSAN_OPTIONS="suppressions=$supp/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:suppressions=$supp/ubsan.supp"
asan="abort_on_error=0:exitcode=86:suppressions=$supp/asan.supp"
cd "$build"
# Two passes. Processes without MPI (unit, training and fuzz-replay tests) are also checked for
# leaks. Processes that start MPI are not: OpenMPI 4.1 allocates in components it dlopens at
# MPI_Init and unloads at MPI_Finalize, so LeakSanitizer reports ~120 KB in ~3 300 blocks per
# process at frames it can no longer name ("<unknown module>"), which no suppression can match.
# ASan's other checks and UBSan stay on for them.
mpi_tests='^(mpi_|cli_|plot_|paper_)'
status=0
ASAN_OPTIONS="detect_leaks=1:$asan" ctest --output-on-failure -j "$(nproc)" --timeout 1200 \
  -E "$mpi_tests" "$@" || status=1
ASAN_OPTIONS="detect_leaks=0:$asan" ctest --output-on-failure -j "$(nproc)" --timeout 1200 \
  -R "$mpi_tests" "$@" || status=1
exit $status
