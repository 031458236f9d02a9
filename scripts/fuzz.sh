#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan) and fuzzes each for a fixed time.
#   scripts/fuzz.sh [--time SECONDS] [--jobs N] [deck] [csv] [journal] [table] [study]
# Defaults: 600 s per target, all five, as many at once as there are cores. Each target keeps
# its growing corpus in build-fuzz/corpus/TARGET and writes what it finds (crash, hang, leak,
# sanitizer report) to build-fuzz/findings/TARGET/; copy a finding into fuzz/regressions/TARGET/
# once fixed, and the test suite replays it for ever. Exit status 1 when anything was found.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=600
jobs=$(nproc)
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --time) seconds=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    deck | csv | journal | table | study) targets+=("$1"); shift ;;
    *) echo "fuzz.sh: unknown argument '$1' (targets: deck csv journal table study)" >&2; exit 2 ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=(deck csv journal table study)

"$root/scripts/setup.sh" --fuzz
build=${HSICHO_FUZZ_BUILD_DIR:-$root/build-fuzz}
CC=clang CXX=clang++ cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DHSICHO_FUZZ=ON -DHSICHO_WITH_MPI=OFF -DHSICHO_BUILD_TESTS=OFF -DHSICHO_BUILD_BENCH=OFF >/dev/null
cmake --build "$build" -j "$(nproc)" --target "${targets[@]/#/fuzz_}"

seeds_deck=("$root/inputs" "$root/tests/decks")
seeds_csv=("$root/fuzz/seeds/csv")
seeds_journal=("$root/fuzz/seeds/journal")
seeds_table=("$root/fuzz/seeds/table")
seeds_study=("$root/fuzz/seeds/study")
# Inputs up to 8 KiB, except study files (a real one is about 32 KiB).
max_len_study=65536

fuzz_one() {
  local t=$1 corpus=$build/corpus/$1 findings=$build/findings/$1 log=$build/logs/$1.log
  mkdir -p "$corpus" "$findings" "$(dirname "$log")"
  local seeds_var="seeds_$t[@]" dict=() max_len_var="max_len_$t"
  local max_len=${!max_len_var:-8192}
  [ -f "$root/fuzz/$t.dict" ] && dict=(-dict="$root/fuzz/$t.dict")
  # Leaks are findings too; an input slower than 10 s is a hang; 2 GB is a runaway allocation.
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    "$build/fuzz/fuzz_$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -max_len="$max_len" -print_final_stats=1 -artifact_prefix="$findings/" "${dict[@]}" \
    "$corpus" "${!seeds_var}" >"$log" 2>&1 || true
}

stamp=$build/logs/.started
mkdir -p "$build/logs"
touch "$stamp"  # findings of this run are the files newer than this
echo "fuzz: ${targets[*]}, $seconds s each, $jobs at a time; logs in $build/logs"
running=0
for t in "${targets[@]}"; do
  fuzz_one "$t" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then
    wait -n
    running=$((running - 1))
  fi
done
wait

status=0
printf '%-8s %12s %10s %10s %8s %9s\n' target executions exec/s corpus rss_mb findings
for t in "${targets[@]}"; do
  log=$build/logs/$t.log
  runs=$(awk '/stat::number_of_executed_units/ {print $2}' "$log" | tail -1)
  rate=$(awk '/stat::average_exec_per_sec/ {print $2}' "$log" | tail -1)
  rss=$(awk '/stat::peak_rss_mb/ {print $2}' "$log" | tail -1)
  corpus=$(find "$build/corpus/$t" -type f | wc -l)
  found=$(find "$build/findings/$t" -type f -newer "$stamp" | wc -l)
  printf '%-8s %12s %10s %10s %8s %9s\n' "$t" "${runs:-?}" "${rate:-?}" "$corpus" "${rss:-?}" "$found"
  if [ "$found" -gt 0 ] || [ -z "$runs" ]; then
    status=1
    echo "  $t: see $log and $build/findings/$t/" >&2
  fi
done
exit $status
