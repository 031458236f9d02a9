#!/usr/bin/env bash
# Where intra-op threads start to pay (issue 41): one training of the Runge MLP (2 hidden layers
# of WIDTH units, 2000 training rows, batch 64, 20 epochs) with 1 and with 2 LibTorch threads,
# alone on the machine, for widths 16 to 1024; median seconds of REPEATS runs each, and the
# ratio. `threads: auto` gives one thread to networks below the width where 2 stop losing.
#   bench/threads_by_width.sh [HSICHO] [REPEATS]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
hsicho=${1:-$root/build/hsicho}
repeats=${2:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "width parameters seconds_1_thread seconds_2_threads ratio_2_over_1"
for width in 16 64 128 256 512 1024; do
  for threads in 1 2; do
    cat >"$tmp/d.yaml" <<EOD
study: {name: threads, seed: 1}
data: {name: runge, train: 2000, validation: 200, test: 200}
model: {layers: 2, units: $width}
training: {epochs: 20, batch_size: 64, threads: $threads}
space:
  - {name: lr, type: log, range: [1.0e-3, 1.0e-2]}
EOD
    times=()
    for _ in $(seq "$repeats"); do
      times+=("$("$hsicho" eval "$tmp/d.yaml" --set lr=0.001 --json | /usr/bin/python3 -c 'import json,sys; j=json.load(sys.stdin); print(j["seconds"], j["parameters"])')")
    done
    med=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1; p=$2} END {print a[int((NR+1)/2)], p}')
    eval "s$threads=(\$med)"
  done
  awk -v w="$width" -v p="${s1[1]}" -v a="${s1[0]}" -v b="${s2[0]}" 'BEGIN {printf "%d %d %.3f %.3f %.2f\n", w, p, a, b, b / a}'
done
