#!/usr/bin/env bash
# hsicho eval as users run it: one training, its record as text or JSON, bad settings (exit 2).
set -u
hsicho=$1
root=$2
deck=$root/tests/decks/train_small.yaml
. "$(dirname "$0")/lib.sh"

check "text" 0 "$hsicho" eval "$deck" --set layers=2 --set units=8
contains "text status" "status ok"
contains "text parameters" "97 parameters"   # 1*8+8 + 8*8+8 + 8+1

check "json" 0 "$hsicho" eval "$deck" --set layers=2 --set units=8 --json
first=$out
if /usr/bin/python3 -c '
import json, sys
j = json.loads(sys.argv[1])
assert j["status"] == "ok" and j["parameters"] == 97 and j["epochs"] == 5, j
assert len(j["curves"]) == 5 and j["val_error"] == min(j["curves"])
assert j["seed"] == 3 and j["metrics"] == {} and j["host"], j
assert j["config"] == {"layers": 2, "units": 8, "lr": 0.01, "device": "cpu"}, j["config"]
' "$out"; then ok; else bad "json content: $out"; fi
check "json again" 0 "$hsicho" eval "$deck" --set layers=2 --set units=8 --json
[ "$out" = "$first" ] || [ "$(sed 's/"seconds": [^,]*,//' <<<"$out")" = "$(sed 's/"seconds": [^,]*,//' <<<"$first")" ] && ok || bad "same seed, different result"

check "diverged is a result" 0 "$hsicho" eval "$deck" --set lr=1e8 --json
contains "diverged status" '"status": "diverged"'
contains "diverged error" '"val_error": null'
check "auto device" 0 "$hsicho" eval "$deck" --set device=auto --json
contains "auto is cpu here" '"device": "cpu"'
if ! "$hsicho" eval "$deck" --set device=auto --json | grep -q '"device": "cuda'; then
  check "cuda without GPU" 2 "$hsicho" eval "$deck" --set device=cuda
  contains "cuda message" "device: auto"
fi
check "unknown name" 2 "$hsicho" eval "$deck" --set unitz=4
contains "unknown name suggestion" "did you mean 'units'"
check "outside domain" 2 "$hsicho" eval "$deck" --set units=99
contains "outside domain message" "outside its domain"
summary
