#!/usr/bin/env bash
# Class labels written as names (issue 31): a CSV of three well separated blobs labelled
# 'virginica', 'setosa', 'versicolor' in file order, with a validation file of its own. validate
# prints the numbering, a 2-rank study trains on it (a wrong numbering between the two files
# would leave the validation error near chance, 2/3), and the study file, report, report --json
# and the journal folder record the names in sorted order.
#   class_names.sh HSICHO MPIEXEC ROOT
set -u
hsicho=$1
mpiexec=$2
root=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$root/tests/cli/lib.sh"
cd "$tmp" || exit 1
/usr/bin/python3 - <<'PY'
import numpy as np
rng = np.random.default_rng(3)
names = ["virginica", "setosa", "versicolor"]
centres = {"virginica": (3, 0), "setosa": (-3, 0), "versicolor": (0, 3)}
for path, rows in (("flowers.csv", 240), ("flowers_val.csv", 60)):
    with open(path, "w") as f:
        f.write("a,b,species\n")
        for k in range(rows):
            name = names[(k * 7 + len(path)) % 3]
            a, b = np.array(centres[name]) + 0.5 * rng.standard_normal(2)
            f.write(f"{a},{b},{name}\n")
PY
cat >deck.yaml <<'YAML'
study: {name: flowers, seed: 2}
design: {samples: 6}
data: {name: table, path: flowers.csv, x: [a, b], y: species, task: classification,
       split: {validation: flowers_val.csv, test: 0.2}}
model: {type: mlp, units: [16]}
training: {epochs: 8, batch_size: 16}
space:
  - {name: lr, type: log, range: [3e-3, 3e-2]}
  - {name: layers, type: integer, range: [1, 2]}
YAML

check "validate" 0 "$hsicho" validate deck.yaml
contains "validate: classes" "3 classes"
contains "validate: numbering" "0 = setosa, 1 = versicolor, 2 = virginica"
check "run on 2 ranks" 0 "$mpiexec" -n 2 "$hsicho" run deck.yaml --out s.h5
check "journal keeps the names" 0 /usr/bin/python3 -c "
import json, sys
sys.exit(json.load(open('s.h5.journal/class-names.json')) != ['setosa', 'versicolor', 'virginica'])"
check "study file: class_names, and errors far below chance" 0 /usr/bin/python3 -c "
import h5py, sys
import numpy as np
f = h5py.File('s.h5', 'r')
names = [n.decode() for n in f['class_names'][:]]
assert names == ['setosa', 'versicolor', 'virginica'], names
err = f['results/val_error'][:]
assert np.nanmin(err) < 0.1, err  # a mislabelled validation file would sit near 2/3
"
check "report" 0 "$hsicho" report s.h5
contains "report: numbering" "classes (labels were names, numbered in sorted order): 0 = setosa, 1 = versicolor, 2 = virginica"
check "report --json" 0 "$hsicho" report s.h5 --json
check "report --json: class_names" 0 /usr/bin/python3 -c "
import json, sys
sys.exit(json.loads(sys.argv[1])['class_names'] != ['setosa', 'versicolor', 'virginica'])" "$out"
check "Python module: class_names" 0 env PYTHONPATH="$root/python" /usr/bin/python3 -c "
import sys, hsicho
sys.exit(hsicho.load('s.h5').class_names != ['setosa', 'versicolor', 'virginica'])"
summary
