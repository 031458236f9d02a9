#!/usr/bin/env bash
# Load balance of hsicho run on 2 ranks: static slices vs dynamic (index order) vs dynamic
# longest-first, on a design whose training times differ by over 10x; then the recorded training
# times replayed through each policy for 16, 256 and 4096 ranks (bench/schedule_sim.py).
# Usage: bench/load_balance.sh [build/hsicho]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
hsicho=${1:-$root/build/hsicho}
. "$root/scripts/mpi_env.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
deck=$root/bench/decks/imbalance.yaml
run() {  # run NAME STUDY-KEYS
  sed "s/progress: 1000}/progress: 1000, $2}/" "$deck" >"$tmp/$1.yaml"
  local t0 t1
  t0=$(date +%s.%N)
  mpiexec -n 2 "$hsicho" run "$tmp/$1.yaml" --out "$tmp/$1.h5" >"$tmp/$1.log" 2>&1
  t1=$(date +%s.%N)
  /usr/bin/python3 - "$tmp/$1.h5" "$1" "$t0" "$t1" <<'PY'
import sys, h5py
f = h5py.File(sys.argv[1])
s = f["results/seconds"][()]
ranks = f["results/rank"][()]
busy = max(s[ranks == r].sum() for r in (0, 1))  # the last rank to finish its trainings
wall = float(sys.argv[4]) - float(sys.argv[3])
print(f"{sys.argv[2]:24s} wall {wall:6.2f} s  busiest rank {busy:6.2f} s  trainings {s.sum():6.2f} s "
      f"(max/min {s.max() / s.min():.0f}x)  efficiency {s.sum() / (2 * busy):.2f} (trainings), "
      f"{s.sum() / (2 * wall):.2f} (wall, start-up included)")
PY
}
echo "2 ranks, 32 trainings of widely different length"
run static "scheduling: static"
run dynamic_index "scheduling: dynamic, order: index"
run dynamic_longest_first "scheduling: dynamic, order: longest_first"
echo
/usr/bin/python3 "$root/bench/schedule_sim.py" "$tmp/static.h5"
