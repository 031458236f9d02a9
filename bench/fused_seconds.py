#!/usr/bin/env python3
"""How close a fused member's `seconds` is to what its training takes alone (issue 38, item 6).

The same design trained fused (study.fuse 16) and one at a time (study.fuse 1), for several study
seeds: per configuration, the fused member's seconds against its seconds alone. Fused groups take
less time in all than their members alone, so the measures are of the order, not the level: the
Spearman correlation of the two, and the spread of log(fused / alone) around its median (a cost
that is a fixed share of the alone cost has spread 0). With --old, a second program (the one before
the change: equal shares) is measured in the same run.

Usage: /usr/bin/python3 bench/fused_seconds.py [--deck inputs/demo.yaml] [--seeds 1-3]
           [--old /path/to/old/hsicho] [--out bench/results/fused_seconds.jsonl]
"""
import argparse
import csv
import io
import json
import os
import re
import subprocess
import tempfile

import numpy as np
from scipy.stats import spearmanr

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ENV = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1",
           OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
           OMPI_MCA_rmaps_base_oversubscribe="1")


def run(hsicho, deck_text, fuse, seed, work):
    text = re.sub(r"(\n\s*seed:\s*)\d+", lambda m: m.group(1) + str(seed), deck_text, count=1)
    text = text.replace("\nstudy:\n", f"\nstudy:\n  fuse: {fuse}\n", 1)
    deck = os.path.join(work, f"d{fuse}_{seed}.yaml")
    open(deck, "w").write(text)
    out = os.path.join(work, f"s{fuse}_{seed}_{os.path.basename(os.path.dirname(hsicho))}.h5")
    subprocess.run(["mpiexec", "-n", "2", hsicho, "run", deck, "--out", out], check=True, env=ENV,
                   capture_output=True)
    rows = list(csv.DictReader(io.StringIO(subprocess.run(
        [hsicho, "export", out, "--csv"], check=True, capture_output=True, text=True).stdout)))
    return {int(r["config"]): (float(r["seconds"]), int(r["group_size"])) for r in rows}


def measure(fused, alone):
    ids = [k for k in fused if fused[k][1] > 1 and k in alone]
    f = np.array([fused[k][0] for k in ids])
    a = np.array([alone[k][0] for k in ids])
    lr = np.log(f / a)
    return {"members": len(ids), "spearman": float(spearmanr(f, a)[0]),
            "log_spread": float(np.median(np.abs(lr - np.median(lr)))),
            "median_ratio": float(np.exp(np.median(lr)))}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--deck", default=os.path.join(ROOT, "inputs/demo.yaml"))
    ap.add_argument("--seeds", default="1-3")
    ap.add_argument("--old")
    ap.add_argument("--out", default=os.path.join(ROOT, "bench/results/fused_seconds.jsonl"))
    a = ap.parse_args()
    new = os.path.join(ROOT, "build", "hsicho")
    lo, hi = (int(v) for v in a.seeds.split("-"))
    text = open(a.deck).read()
    with tempfile.TemporaryDirectory() as work, open(a.out, "a") as out:
        for seed in range(lo, hi + 1):
            alone = run(new, text, 1, seed, work)
            for label, prog in [("shares by modelled cost", new)] + (
                    [("equal shares (before)", a.old)] if a.old else []):
                m = measure(run(prog, text, 16, seed, work), alone)
                line = {"deck": os.path.basename(a.deck), "seed": seed, "rule": label, **m}
                out.write(json.dumps(line) + "\n")
                print(json.dumps(line))


if __name__ == "__main__":
    main()
