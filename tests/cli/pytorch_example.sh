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
summary
