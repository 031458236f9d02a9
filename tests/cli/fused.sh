#!/usr/bin/env bash
# Fused training in a study (issue 32): the same study file, bit for bit, on 1 and on 3 ranks
# (groups are formed from the design, not from the ranks), after a kill in the middle of the
# groups and a resume on 3 ranks or on 1 (a killed group loses only its unfinished members, which
# train again padded as before), and the same method as one at a time (study.fuse: 1: every
# configuration's validation error equal to float rounding, the same indices' top 3).
#   fused.sh HSICHO MPIEXEC ROOT
set -u
hsicho=$1
mpiexec=$2
root=$3
compare="/usr/bin/python3 $root/tests/cli/compare_studies.py"
tmp=$(mktemp -d)
trap 'pkill -9 -f "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
. "$root/tests/cli/lib.sh"
cd "$tmp" || exit 1
deck() {  # deck FUSE: mixed depths, widths, activations and optimizers in one batch size
  cat <<YAML
study: {name: fused, seed: 5, fuse: $1}
design: {samples: 24}
data: {name: runge, dim: 1, train: 256, validation: 128, test: 256}
model: {type: mlp}
training: {epochs: 30, batch_size: 32, loss: mse}
analysis: {alpha: 0.2}
space:
  - {name: layers, type: integer, range: [1, 3]}
  - {name: units, type: integer, range: [4, 32], log: true}
  - {name: activation, type: categorical, values: [relu, tanh, silu]}
  - {name: optimizer, type: categorical, values: [sgd, adam]}
  - {name: momentum, type: continuous, range: [0.0, 0.9], when: "optimizer == sgd"}
  - {name: lr, type: log, range: [1.0e-3, 1.0e-1]}
YAML
}
deck 8 >fused.yaml
deck 1 >alone.yaml

check "fused, 1 rank" 0 "$hsicho" run fused.yaml --out ref.h5
check "trained in groups" 0 /usr/bin/python3 -c "
import h5py, sys
g = h5py.File('ref.h5', 'r')['results/group_size'][()]
sys.exit(not (g.max() > 1 and g.max() <= 8))"
check "fused, 3 ranks" 0 "$mpiexec" -n 3 "$hsicho" run fused.yaml --out r3.h5
check "1 and 3 ranks: the same study file" 0 $compare ref.h5 r3.h5

for resume in 3 1; do
  study=kill$resume.h5
  "$mpiexec" -n 2 "$hsicho" run fused.yaml --out "$study" >"kill$resume.log" 2>&1 &
  job=$!
  for _ in $(seq 600); do
    [ "$(records "$study")" -ge 6 ] && break
    sleep 0.05
  done
  pkill -9 -f "run fused.yaml --out $study" 2>/dev/null
  kill -9 $job 2>/dev/null
  wait $job 2>/dev/null
  done_before=$(records "$study")
  [ "$done_before" -ge 6 ] && [ "$done_before" -lt 24 ] && ok || bad "killed with $done_before of 24 done"
  check "resume on $resume ranks" 0 "$mpiexec" -n "$resume" "$hsicho" run fused.yaml --out "$study" --resume
  check "killed at $done_before, resumed on $resume ranks: the clean study file" 0 $compare ref.h5 "$study"
done

check "one at a time" 0 "$hsicho" run alone.yaml --out alone.h5
check "the same method as one at a time" 0 /usr/bin/python3 -c "
import h5py, sys
import numpy as np
a, b = h5py.File('ref.h5', 'r'), h5py.File('alone.h5', 'r')
assert (b['results/group_size'][()] == 1).all()
x, y = a['results/val_error'][()], b['results/val_error'][()]
rel = np.abs(x - y) / np.abs(y)
# float32 in other summation orders over 30 epochs: equal to rounding for nearly all; a training
# on the edge of chaos (high rate) may drift, never the ranking of the study.
assert np.median(rel) < 1e-4 and (rel < 1e-2).mean() >= 0.9, np.sort(rel)
top = lambda f: [n for _, n in sorted(zip(-f['analysis/hsic'][()], f['analysis/names'].asstr()[()]))][:3]
assert top(a) == top(b), (top(a), top(b))
"
summary
