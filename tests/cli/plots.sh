#!/usr/bin/env bash
# scripts/plot_study.py on a study the test runs (with an optimization, for every figure): each
# PNG is written, non-trivial in size, and drawn in several colours; a study with early stopping
# also gets rungs.png.
set -u
hsicho=$1
root=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/lib.sh"
check "plot_study.py --help" 0 /usr/bin/python3 "$root/scripts/plot_study.py" --help
contains "  its description whole (not cut mid-sentence)" "python3-pandas). The figures are the functions"
contains "  and the figures it writes" "Writes: indices.png"
sed 's/samples: 12}/samples: 24}/' "$root/tests/decks/study_small.yaml" >"$tmp/deck.yaml"
"$hsicho" run "$tmp/deck.yaml" --out "$tmp/s.h5" >"$tmp/run.log" 2>&1 || bad "run: $(tail -3 "$tmp/run.log")"
check "plots" 0 /usr/bin/python3 "$root/scripts/plot_study.py" "$tmp/s.h5" --out "$tmp/fig"
/usr/bin/python3 - "$tmp/fig" <<'PY' && ok || bad "figures"
import os, sys
import matplotlib
matplotlib.use("Agg")
import matplotlib.image as mpimg
import numpy as np
for name in ("indices", "interactions", "distributions", "parallel", "progress", "curves", "front"):
    path = os.path.join(sys.argv[1], name + ".png")
    assert os.path.getsize(path) > 10000, (name, os.path.getsize(path))
    img = mpimg.imread(path)[:, :, :3]
    colours = len(np.unique((img * 255).astype(np.uint8).reshape(-1, 3), axis=0))
    assert colours > 20, (name, colours)
PY
# Early stopping at epoch 3 of 9: the rungs figure, and none without stopped trainings.
sed -e 's/samples: 12}/samples: 24}/' -e 's/epochs: 3,/epochs: 9,/' \
  -e 's/^space:/pruning: {rungs: [3], keep: [1], min_trainings: 4}\nspace:/' \
  "$root/tests/decks/study_small.yaml" >"$tmp/pruned.yaml"
"$hsicho" run "$tmp/pruned.yaml" --out "$tmp/p.h5" >"$tmp/p.log" 2>&1 || bad "pruned run: $(tail -3 "$tmp/p.log")"
check "plots of a pruned study" 0 /usr/bin/python3 "$root/scripts/plot_study.py" "$tmp/p.h5" --out "$tmp/pfig"
[ -s "$tmp/pfig/rungs.png" ] && ok || bad "no rungs.png: $out"
[ ! -e "$tmp/fig/rungs.png" ] && ok || bad "rungs.png without early stopping"
summary
