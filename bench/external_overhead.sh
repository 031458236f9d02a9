#!/usr/bin/env bash
# What hsicho adds per configuration when it runs the user's command (training.command): work
# folder, params.json, spawn, wait, result.json, journal record, progress. The command does
# nothing but write {"error": ...}. Measured as the slope between a study of N1 and one of N2
# configurations (the fixed start-up cancels), on 1 and 2 ranks, beside the same command started
# N2 - N1 times by a shell loop (the floor: what starting /bin/sh costs on this machine).
#   bench/external_overhead.sh [HSICHO] [N1] [N2]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
hsicho=${1:-$root/build/hsicho}
n1=${2:-100}
n2=${3:-400}
. "$root/scripts/mpi_env.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
deck() {
  cat >"$tmp/d$1.yaml" <<EOD
study: {name: overhead, seed: 1}
design: {samples: $1, criterion: none}
training:
  command: [/bin/sh, -c, 'echo "{\"error\": \$HSICHO_ID}" > "\$HSICHO_RESULT"']
space:
  - {name: x, type: continuous, range: [0, 1]}
EOD
}
deck "$n1"
deck "$n2"
now() { date +%s.%N; }
study() {  # study RANKS N: seconds
  rm -rf runs "$tmp"/s.h5*
  local t0
  t0=$(now)
  mpiexec -n "$1" "$hsicho" run "$tmp/d$2.yaml" --out "$tmp/s.h5" >/dev/null
  echo "$(now) - $t0" | bc -l
}
for ranks in 1 2; do
  a=$(study "$ranks" "$n1")
  b=$(study "$ranks" "$n2")
  per=$(echo "($b - $a) / ($n2 - $n1) * 1000" | bc -l)
  rate=$(echo "60 * ($n2 - $n1) / ($b - $a)" | bc -l)
  printf "hsicho, %d rank(s): %.2f ms per configuration (%.0f per minute); %d configs in %.2f s\n" \
    "$ranks" "$per" "$rate" "$n2" "$b"
done
mkdir -p loop
t0=$(now)
for i in $(seq $((n2 - n1))); do
  HSICHO_ID=$i HSICHO_RESULT=loop/result.json /bin/sh -c 'echo "{\"error\": $HSICHO_ID}" > "$HSICHO_RESULT"'
done
t=$(echo "$(now) - $t0" | bc -l)
printf "shell loop, the same command: %.2f ms per start\n" "$(echo "$t / ($n2 - $n1) * 1000" | bc -l)"
