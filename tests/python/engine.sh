#!/usr/bin/env bash
# The HSIC engine from Python (python/hsicho/engine.py, the compiled _hsicho_engine): the same
# JSON as `hsicho analyze --json` on the reference data for several option sets, and OpenTURNS's
# values (tests/reference/hsic_openturns.txt, made by make_hsic_reference.py) per input.
#   engine.sh HSICHO ROOT BUILD
set -u
hsicho=$1
root=$2
export PYTHONPATH=$root/python HSICHO_BUILD=$3
data=$root/tests/reference/hsic_data.csv
/usr/bin/python3 - "$hsicho" "$data" "$root/tests/reference/hsic_openturns.txt" <<'PY'
import json, math, subprocess, sys
import numpy as np
import pandas as pd
from hsicho.engine import analyze

hsicho, data, ref_path = sys.argv[1:]
df = pd.read_csv(data, float_precision="round_trip")  # the numbers the command line reads
failed = 0


def same(a, b, path=""):
    """Equal to 1e-12 (relative), recursively."""
    if isinstance(a, dict):
        return all(same(a[k], b.get(k), path + "/" + k) for k in a) and set(a) == set(b)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y, f"{path}[{i}]") for i, (x, y) in enumerate(zip(a, b)))
    if isinstance(a, float) and isinstance(b, (int, float)):
        ok = a == b or (math.isnan(a) and math.isnan(b)) or abs(a - b) <= 1e-12 * max(abs(a), abs(b))
    else:
        ok = a == b
    if not ok:
        print(f"  {path}: {a} != {b}")
    return ok


for options in ({}, {"interactions": True}, {"estimator": "u", "alpha": 0.2},
                {"pvalues": "permutation:200", "seed": 7}, {"global": True, "bootstrap": 0},
                {"bandwidth": "std", "bootstrap": 50}):
    args = [hsicho, "analyze", data, "--target", "y", "--json"]
    for k, v in options.items():
        args += [f"--{k}"] if v is True else [f"--{k}", str(v)]
    cli = json.loads(subprocess.run(args, capture_output=True, text=True, check=True).stdout)
    py = analyze(df[["x1", "x2", "x3"]], df["y"], **{("global_" if k == "global" else k): v for k, v in options.items()})
    if same(py, cli):
        print(f"ok: the command line's JSON with {options}")
    else:
        failed += 1
        print(f"FAIL: differs from the command line with {options}")

ref = {}
for line in open(ref_path):
    key, *values = line.split()
    ref[key] = [float(v) for v in values]
x = df[["x1", "x2", "x3"]].to_numpy()
for est in ("v", "u"):
    for c in range(3):
        r = analyze(x[:, [c]], df["y"], names=["x"], alpha=ref["alpha"][0], estimator=est,
                    bandwidth=ref["bandwidth"][c], bootstrap=0)["inputs"][0]
        checks = [("hsic", 1e-10 if est == "v" else None), ("r2", 1e-10 if est == "v" else None),
                  ("pvalue", 1e-7 if est == "v" else 1e-6)]
        for key, rel in checks:
            want = ref[f"target_{est}_{key}" if key != "pvalue" else f"target_{est}_pvalue_gamma"][c]
            got = r[key]
            ok = abs(got - want) <= (rel * abs(want) if rel else (1e-12 if key == "hsic" else 1e-10))
            if not ok:
                failed += 1
                print(f"FAIL: target {est} {key} of x{c + 1}: {got} against OpenTURNS {want}")
print("ok: target HSIC, R2 and Gamma p-values against OpenTURNS" if not failed else f"{failed} failed")
sys.exit(1 if failed else 0)
PY
