#!/usr/bin/env bash
# The PyTorch example (examples/pytorch): one configuration through hsicho eval, where Debian's
# python3-torch is installed; skipped (exit 77) where it is not, and says so.
#   pytorch_example.sh HSICHO ROOT
set -u
hsicho=$1
root=$2
if ! /usr/bin/python3 -c "import torch" 2>/dev/null; then
  echo "skipped: /usr/bin/python3 has no torch (apt-get install python3-torch to run this test)"
  exit 77
fi
. "$root/tests/cli/lib.sh"
export PYTHONPATH=$root/python  # this checkout's hsicho.serve, whatever the set-up's .pth names
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
/usr/bin/python3 "$root/examples/oscillator/make_data.py" --rows 600 --out data/oscillator.csv >/dev/null
check "validate the PyTorch deck" 0 "$hsicho" validate "$root/examples/pytorch/mlp.yaml"
check "eval one configuration" 0 "$hsicho" eval "$root/examples/pytorch/mlp.yaml" --set lr=0.01 \
  --set layers=2 --set units=16 --json
contains "the script's result" '"status": "ok"'
contains "its parameter count: (3*16+16) + (16*16+16) + (16*2+2)" '"parameters": 370'
contains "its extra metric" '"final_val_mse"'

# The checkpoint contract (successive halving): a small study with pruning.mode: halving, and the
# same design without pruning; the survivors, paused at each rung and continued from their
# checkpoints, end as the trainings that never paused, bit for bit.
/usr/bin/python3 - "$root/examples/pytorch/mlp.yaml" <<'PY'
import sys
s = open(sys.argv[1]).read().replace("samples: 48", "samples: 12").replace("value: 60", "value: 8")
s = s.replace("train_mlp.py", sys.argv[1].replace("mlp.yaml", "train_mlp.py"))
open("full.yaml", "w").write(s)
s = s.replace("  persistent: true", "  checkpoint: true\n  persistent: true", 1)
open("halving.yaml", "w").write(s.replace("\nspace:", "\npruning: {rungs: [2, 4], keep: [2, 1.5], mode: halving}\nspace:", 1))
PY
check "halving with the script" 0 "$hsicho" run halving.yaml --out halving.h5
contains "  pauses it at the rungs" "your command pauses at each and continues from its checkpoint"
check "  no warning that it trains past a pause" 1 grep -q "without saving a checkpoint" <<<"$out"
check "the same design, no pruning" 0 "$hsicho" run full.yaml --out full.h5
/usr/bin/python3 - halving.h5 full.h5 <<'PY' && ok || bad "the continued trainings differ from the never-paused ones"
import sys, h5py, numpy as np
a, b = h5py.File(sys.argv[1], "r"), h5py.File(sys.argv[2], "r")
ok = a["results/status"].asstr()[()] == "ok"
assert 2 <= ok.sum() < len(ok), ok.sum()  # some stopped at a rung, some went on
ia, ib = a["configs/id"][()], b["configs/id"][()]
for key in ("val_error", "test_error", "best_epoch", "epochs"):
    x, y = dict(zip(ia, a["results/" + key][()])), dict(zip(ib, b["results/" + key][()]))
    assert all(x[i] == y[i] for i in ia[ok]), key
PY
summary
