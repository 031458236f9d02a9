#!/usr/bin/env bash
# How space-filling is an extended design? A 4-input study run at 64, extended to 96 and 128,
# against the same study run at 128 at once, and against 64 + 64 uniform random points.
# Centered L2 discrepancy of the unit designs (scipy), lower is better.
#   bench/extend_design.sh [build/hsicho]
set -eu
hsicho=$(realpath "${1:-build/hsicho}")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
deck() {
  printf 'study: {name: grow, seed: 11}\ndesign: {samples: %s}\n' "$1"
  printf 'data: {name: runge, train: 64, validation: 32, test: 32}\ntraining: {epochs: 2}\n'
  printf 'space:\n  - {name: layers, type: integer, range: [1, 2]}\n'
  printf '  - {name: units, type: integer, range: [4, 16]}\n'
  printf '  - {name: weight_decay, type: continuous, range: [0, 0.01]}\n'
  printf '  - {name: lr, type: log, range: [1.0e-3, 1.0e-1]}\n'
}
deck 64 >g.yaml && "$hsicho" run g.yaml --out grown.h5 >/dev/null
deck 96 >g.yaml && "$hsicho" run g.yaml --out grown.h5 --resume >/dev/null
deck 128 >g.yaml && "$hsicho" run g.yaml --out grown.h5 --resume >/dev/null
deck 128 >d.yaml && "$hsicho" run d.yaml --out direct.h5 >/dev/null
/usr/bin/python3 - <<'PY'
import h5py, numpy as np
from scipy.stats import qmc
g = h5py.File("grown.h5")["configs/unit"][()]
d = h5py.File("direct.h5")["configs/unit"][()]
cd = lambda x: qmc.discrepancy(x, method="CD")
rng = np.random.default_rng(0)
r = [cd(np.vstack([g[:64], rng.random((64, g.shape[1]))])) for _ in range(100)]
print(f"centered L2 discrepancy, 128 points in 4 dimensions:")
print(f"  one design of 128                 {cd(d):.3e}")
print(f"  64, extended to 96, then to 128   {cd(g):.3e}")
print(f"  64 + 64 uniform random (median)   {np.median(r):.3e}")
print(f"  the first 64 alone                {cd(g[:64]):.3e}")
PY
