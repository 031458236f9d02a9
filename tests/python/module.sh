#!/usr/bin/env bash
# The Python module (python/hsicho) against the command line: load() of a finished, an optimized
# and a stopped study equals `hsicho export --csv` and `report --json`; write_html() makes one
# file that parses, holds every section, embeds its figures and names no external URL; the figures
# are functions of a loaded study that draw into the caller's axes.
#   module.sh HSICHO ROOT
set -u
hsicho=$1
root=$2
. "$root/tests/cli/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export PYTHONPATH=$root/python HSICHO=$hsicho
check "a small study" 0 "$hsicho" run "$root/tests/decks/study_small.yaml" --out "$tmp/s.h5"
check "an optimized study" 0 "$hsicho" run "$root/tests/decks/optimize_small.yaml" --out "$tmp/o.h5"
# A hyperparameter named like a result (epochs) and metrics: the command's own study.
sed -e "s|toy_train.py|$root/examples/external/toy_train.py|" -e 's/samples: 16/samples: 6/' \
  "$root/examples/external/toy.yaml" >"$tmp/toy.yaml"
check "a study with metrics" 0 "$hsicho" run "$tmp/toy.yaml" --out "$tmp/t.h5"
# A stopped study: the journal of a finished one, its study file gone, its plan not finished.
mkdir "$tmp/stopped" && cp -r "$tmp/s.h5.journal" "$tmp/stopped/p.h5.journal"
/usr/bin/python3 - "$tmp/stopped/p.h5.journal/plan.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1])); p["end"] = "stopped by a signal"; json.dump(p, open(sys.argv[1], "w"))
PY
for s in s o t stopped/p; do
  "$hsicho" export "$tmp/$s.h5" --csv >"$tmp/$(basename $s).csv" 2>/dev/null
  "$hsicho" report "$tmp/$s.h5" --json >"$tmp/$(basename $s).json" 2>/dev/null
  /usr/bin/python3 - "$tmp/$s.h5" "$tmp/$(basename $s).csv" "$tmp/$(basename $s).json" <<'PY' && ok || bad "load($s) differs from the command line"
import json, math, sys
import pandas as pd
import hsicho
study = hsicho.load(sys.argv[1])
csv = pd.read_csv(sys.argv[2], keep_default_na=False)
rep = json.load(open(sys.argv[3]))
assert len(study.trials) == len(csv) == rep["trainings"], (len(study.trials), len(csv), rep["trainings"])
assert study.partial == sys.argv[1].endswith("p.h5"), study.partial
def same(a, b):
    if a is None or a is pd.NA or (isinstance(a, float) and math.isnan(a)):
        return b in ("", "nan") or (isinstance(b, float) and math.isnan(b))
    if isinstance(a, bool):
        return str(b).lower() == str(a).lower()
    try:
        fa, fb = float(a), float(b)
        return fa == fb or (math.isinf(fa) and math.isinf(fb)) or abs(fa - fb) <= 1e-12 * abs(fa)
    except (TypeError, ValueError):
        return str(a) == str(b)
# One naming rule: the same columns, in the same order, every value the same.
assert list(study.trials.columns) == list(csv.columns), (list(study.trials.columns), list(csv.columns))
if sys.argv[1].endswith("t.h5"):
    assert "epochs" in csv and "result_epochs" in csv and "metric_final_error" in csv, list(csv.columns)
for col in csv.columns:
    if col in ("seconds", "host"):
        continue  # exact in both, but the CSV writes them as text the float comparison reads
    for i, (a, b) in enumerate(zip(study.trials[col], csv[col])):
        assert same(a, b), (col, i, a, b)
names = [i["name"] for i in rep["analysis"]["inputs"]] if rep.get("analysis") else []
for i in rep.get("analysis", {}).get("inputs", []):
    row = study.indices[study.indices["name"] == i["name"]].iloc[0]
    assert same(row["hsic"], i["hsic"]) and same(row["pvalue"], i["pvalue"]), (i, row)
if rep.get("best"):
    assert study.best["config"] == rep["best"]["config"]
if sys.argv[1].endswith("o.h5"):
    assert len(study.stages) == 2 and len(study.decisions) > 0
PY
done
# The figures: functions of a Study that draw into the caller's axes and return the figure (None
# where a figure does not apply); the module sets no backend; draw() of a Study writes the files
# draw() of its path does.
/usr/bin/python3 - "$tmp" <<'PY' && ok || bad "the figures of a Study"
import os, sys
import matplotlib
matplotlib.use("pdf")
import matplotlib.pyplot as plt
import numpy as np
import hsicho
from hsicho import figures
assert matplotlib.get_backend() == "pdf", matplotlib.get_backend()
tmp = sys.argv[1]
for name in ("s", "o", "stopped/p"):
    study = hsicho.load(os.path.join(tmp, name + ".h5"))
    drawn = set()
    for figure, file, _ in figures.FIGURES:
        fig = figure(study)
        if fig is None:
            continue
        drawn.add(file)
        assert isinstance(fig, matplotlib.figure.Figure), (name, file)
        plt.close(fig)
        if figure is not figures.distributions:  # one axes per free hyperparameter: below
            own, ax = plt.subplots()
            assert figure(study, (plt.subplots()[1], ax) if figure is figures.indices else ax) is own, (name, file)
            plt.close("all")
    assert {"indices.png", "distributions.png", "progress.png", "front.png"} <= drawn, (name, drawn)
    assert ("stages.png" in drawn) == (name == "o") and "rungs.png" not in drawn, (name, drawn)
    # The best error so far ends at the study's best error; every finished training is a point.
    fig, ax = plt.subplots()
    figures.progress(study, ax)
    ends = [line.get_ydata()[-1] for line in ax.get_lines()]
    assert np.isclose(min(ends), np.nanmin(study.results["val_error"])), (ends, name)
    fig, ax = plt.subplots()
    figures.front(study, ax)
    points = sum(len(c.get_offsets()) for c in ax.collections[:2])
    assert points == (study.results["status"] == "ok").sum(), (points, name)
    n = len(figures._free(study))
    fig, axes = plt.subplots(1, n)
    assert figures.distributions(study, axes) is fig and all(a.get_title() for a in axes)
    plt.close("all")
    a = figures.draw(study, os.path.join(tmp, "fa", name))
    b = figures.draw(os.path.join(tmp, name + ".h5"), os.path.join(tmp, "fb", name))
    assert [os.path.basename(x) for x in a] == [os.path.basename(x) for x in b] == \
        [f for _, f, _ in figures.FIGURES if f in drawn], (a, b, drawn)
PY
check "one HTML file" 0 /usr/bin/python3 "$root/scripts/plot_study.py" "$tmp/o.h5" --html "$tmp/o.html"
/usr/bin/python3 - "$tmp/o.html" <<'PY' && ok || bad "the HTML report"
import re, sys
from html.parser import HTMLParser
text = open(sys.argv[1], encoding="utf-8").read()
class P(HTMLParser):
    def __init__(self):
        super().__init__(); self.h2 = []; self.imgs = 0; self.open = []; self.cur = None
    def handle_starttag(self, tag, attrs):
        if tag == "img": self.imgs += 1; assert dict(attrs)["src"].startswith("data:image/png;base64,")
        if tag == "h2": self.cur = ""
    def handle_data(self, d):
        if self.cur is not None: self.cur += d
    def handle_endtag(self, tag):
        if tag == "h2": self.h2.append(self.cur); self.cur = None
p = P(); p.feed(text); p.close()
for section in ("Summary", "What decides landing among the best", "The accuracy-cost front", "Stages", "The optimizer's decisions", "Figures"):
    assert section in p.h2, (section, p.h2)
assert p.imgs >= 6, p.imgs
assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", text.replace("data:image/png;base64,", "")), "an external URL"
PY
summary
