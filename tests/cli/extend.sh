#!/usr/bin/env bash
# Extending a study (issue 18): design.samples raised 64 -> 96 -> 128 with --resume keeps every
# finished training and adds configurations; the study file is the same on 1 and 3 ranks and
# after a SIGKILL in the middle of an extension. Any other change to the deck is refused, naming
# the key with its old and new value.
#   extend.sh HSICHO MPIEXEC ROOT
set -u
hsicho=$1
mpiexec=$2
root=$3
. "$root/tests/cli/lib.sh"
compare="/usr/bin/python3 $root/tests/cli/compare_studies.py"
tmp=$(mktemp -d)
trap 'pkill -9 -f "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1

deck() {  # deck SAMPLES [EPOCHS]: the study's deck at that size
  # fuse: 4: the extension's 32 trainings end in 8 groups, not 2 at once, so a kill lands mid-way
  printf 'study: {name: grow, seed: 11, fuse: 4}\ndesign: {samples: %s}\n' "$1"
  printf 'data: {name: runge, train: 64, validation: 32, test: 32}\n'
  printf 'training: {epochs: %s, batch_size: 16}\n' "${2:-15}"
  printf 'space:\n  - {name: layers, type: integer, range: [1, 2]}\n'
  printf '  - {name: units, type: integer, range: [4, 16]}\n'
  printf '  - {name: activation, type: categorical, values: [tanh, relu]}\n'
  printf '  - {name: lr, type: log, range: [1.0e-3, 1.0e-1]}\n'
}

# grow NAME RANKS: the study NAME.h5 run at 64, then extended to 96 and 128 on RANKS ranks.
grow() {
  local name=$1 ranks=$2 n
  for n in 64 96 128; do
    deck $n >"$name.yaml"
    local resume=--resume
    [ $n -eq 64 ] && resume=
    "$mpiexec" -n "$ranks" "$hsicho" run "$name.yaml" --out "$name.h5" $resume >"$name.$n.log" 2>&1 ||
      bad "$name: run at $n failed: $(tail -3 "$name.$n.log")"
    cp "$name.h5" "$name.$n.h5"
  done
}

grow one 1
out=$(cat one.96.log)
contains "the extension is announced" "extending the study: design.samples 64 -> 96 (32 new configurations"
contains "  and trains only the new configurations" "96 configurations, 32 to train"
check "the study file keeps the design's sizes" 0 /usr/bin/python3 -c "
import h5py, numpy as np, sys
f = h5py.File('one.128.h5', 'r')
sys.exit(0 if list(f['configs/design_sizes'][()]) == [64, 96, 128] and len(f['results/val_error']) == 128 else 1)"
check "the first 64 configurations and results are those of the first run" 0 /usr/bin/python3 -c "
import h5py, numpy as np, sys
a, b = h5py.File('one.64.h5', 'r'), h5py.File('one.128.h5', 'r')
same = all(np.array_equal(a[k][()], b[k][()][:64]) for k in ('configs/unit', 'configs/values', 'results/val_error', 'configs/seed'))
sys.exit(0 if same else 1)"
check "the 32 points added last each fill a stratum of lr (of 128) that no earlier point holds" 0 /usr/bin/python3 -c "
import h5py, numpy as np, sys
f = h5py.File('one.128.h5', 'r')
cols = [c.decode() for c in f['configs/columns'][()]]
s = np.floor(f['configs/unit'][()][:, cols.index('lr')] * 128).astype(int)
sys.exit(0 if len(set(s[96:])) == 32 and not set(s[96:]) & set(s[:96]) else 1)"

grow three 3
check "extended on 3 ranks: the same study file at 96" 0 $compare one.96.h5 three.96.h5
check "  and at 128" 0 $compare one.128.h5 three.128.h5

# Killed while extending to 96 (2 ranks), resumed on 3 ranks, then extended to 128 on 1 rank.
deck 64 >killed.yaml
"$mpiexec" -n 2 "$hsicho" run killed.yaml --out killed.h5 >killed.64.log 2>&1 || bad "killed: first run"
deck 96 >killed.yaml
"$mpiexec" -n 2 "$hsicho" run killed.yaml --out killed.h5 --resume >killed.96.log 2>&1 &
job=$!
for _ in $(seq 600); do
  [ "$(records killed.h5)" -ge 72 ] && break
  sleep 0.02
done
kill -9 $(pgrep -f "hsicho run killed.yaml" | grep -v "^$job$") $job 2>/dev/null
wait $job 2>/dev/null
left=$(records killed.h5)
check "the kill landed in the middle of the extension ($left of 96 done)" 0 test "$left" -lt 96
check "resumed on 3 ranks" 0 "$mpiexec" -n 3 "$hsicho" run killed.yaml --out killed.h5 --resume
check "  the same study file at 96" 0 $compare one.96.h5 killed.h5
deck 128 >killed.yaml
check "extended to 128 on 1 rank" 0 "$hsicho" run killed.yaml --out killed.h5 --resume
check "  the same study file at 128" 0 $compare one.128.h5 killed.h5

# Any other change: refused, by name, old and new value; a smaller design too.
deck 128 20 >changed.yaml
check "a changed deck is refused" 2 "$hsicho" run changed.yaml --out one.h5 --resume
contains "  naming the key, old and new value" "training.epochs: 15 -> 20"
deck 96 >smaller.yaml
check "a smaller design is refused" 2 "$hsicho" run smaller.yaml --out one.h5 --resume
contains "  saying the study's size" "the study has 128 configurations and the deck asks for 96"
summary
