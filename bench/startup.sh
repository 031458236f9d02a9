#!/usr/bin/env bash
# Start-up cost of each command on the default study: wall time and peak memory (GNU time's
# maximum resident set), median of 5, through the front end (build/hsicho: no LibTorch, no MPI
# for the commands that do not train) and through the whole program (build/hsicho-mpi, which is
# what every command was before the split), in the same run.
# Usage: bench/startup.sh [RUNS (default 5)]   (needs out/demo.h5: scripts/run.sh makes it)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-5}
study=$root/out/demo.h5
[ -f "$study" ] || { echo "startup.sh: no $study; run scripts/run.sh first" >&2; exit 2; }
. "$root/scripts/mpi_env.sh"
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
measure() {  # measure PROGRAM ARGS...: "median_wall_s median_rss_mib"
  local walls=() rss=()
  for _ in $(seq "$runs"); do
    /usr/bin/time -o "$tmp" -f "%e %M" "$@" >/dev/null 2>&1 || true
    out=$(tail -1 "$tmp")
    walls+=("${out% *}")
    rss+=("${out#* }")
  done
  printf '%s\n' "${walls[@]}" | sort -g | awk '{a[NR]=$1} END {printf "%.3f ", a[int((NR+1)/2)]}'
  printf '%s\n' "${rss[@]}" | sort -g | awk '{a[NR]=$1} END {printf "%.0f\n", a[int((NR+1)/2)]/1024}'
}
echo "| command | hsicho-mpi: wall s | MiB | hsicho: wall s | MiB |"
echo "|---|---|---|---|---|"
while IFS= read -r cmd; do
  # shellcheck disable=SC2086
  read -r w1 m1 <<<"$(measure "$root/build/hsicho-mpi" $cmd)"
  # shellcheck disable=SC2086
  read -r w2 m2 <<<"$(measure "$root/build/hsicho" $cmd)"
  echo "| \`hsicho $cmd\` | $w1 | $m1 | $w2 | $m2 |"
done <<EOC
--help
status $study
report $study
export $study --csv
analyze $study
validate $root/inputs/demo.yaml
design $root/inputs/demo.yaml --csv
keys
EOC
