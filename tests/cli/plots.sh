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

# What people read (issue 42): categories in the deck's order (8, 16, 32, 64, not the text
# order), one bar per layer count, captions under the figures, the early-stopping line in the
# HTML summary, stopped trainings not listed as failures, column headers without raw names,
# values to 4 significant digits.
sed 's/, batch_size: 16}/}/' "$tmp/pruned.yaml" >"$tmp/b.yaml"
echo "  - {name: batch_size, type: categorical, values: [8, 16, 32, 64]}" >>"$tmp/b.yaml"
"$hsicho" run "$tmp/b.yaml" --out "$tmp/b.h5" >"$tmp/b.log" 2>&1 || bad "run with batch sizes: $(tail -3 "$tmp/b.log")"
check "the HTML report of a pruned study" 0 /usr/bin/python3 "$root/scripts/plot_study.py" "$tmp/b.h5" --html "$tmp/b.html"
MPLBACKEND=Agg /usr/bin/python3 - "$tmp/b.h5" "$tmp/b.html" "$(cat "$tmp/b.log")" <<'PY' && ok || bad "what people read in the figures and the HTML report"
import re, sys
import matplotlib.pyplot as plt
import hsicho
from hsicho import figures
s = hsicho.load(sys.argv[1])
free = [s.space["name"][k] for k in figures._free(s)]
fig, axes = plt.subplots(1, len(free))
figures.distributions(s, axes)
ticks = {a.get_title(): [t.get_text() for t in a.get_xticklabels()] for a in axes}
assert ticks["batch_size"] == ["8", "16", "32", "64"], ticks
assert ticks["layers"] == ["1", "2"], ticks
text = open(sys.argv[2], encoding="utf-8").read()
body = re.sub(r"data:image/png;base64,[^\"]*", "", text)
# The mode the study ran: pruning.mode auto, halving for hsicho's trainer.
assert "<b>Early stopping (halving)</b>:" in body and "trainings stopped (after epoch 3:" in body, "no early-stopping line"
assert "stopped early" in body.split("<h2>Summary</h2>")[1].split("<h2>")[0]
assert "did not finish" not in body, "stopped trainings listed as not finished"
heads = re.findall(r"<th>([^<]*)</th>", body)
assert heads and not [h for h in heads if "_" in h and h not in free], heads
assert body.count("<img") == body.count("<figcaption>") > 0
run_log = sys.argv[3]
long = [m for m in re.findall(r"\d+\.\d+", body + run_log) if len(m.replace(".", "").lstrip("0")) > 6]
assert not long, long[:3]
PY
summary
