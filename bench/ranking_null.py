#!/usr/bin/env python3
"""The ranking under no effect (issue 37): errors independent of all 8 hyperparameters of
bench/ranking_cases.py's space, so every input is irrelevant and should be as likely as any other
to rank first or in the top 2 (1/8 and 1/4), conditional momentum included.

Prints, per input, the share of data sets where it ranks first and in the top 2, and the share of
its evidence p-values below 0.05 (calibration).

Usage: OMP_NUM_THREADS=1 /usr/bin/python3 bench/ranking_null.py [--n 32] [--reps 200]
"""
import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ranking_cases as rc  # noqa: E402
import ranking_vs_peers as rv  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=32)
    ap.add_argument("--reps", type=int, default=200)
    a = ap.parse_args()
    top1 = dict.fromkeys(rc.NAMES, 0)
    top2 = dict.fromkeys(rc.NAMES, 0)
    low = dict.fromkeys(rc.NAMES, 0)
    for s in range(a.reps):
        rng = np.random.default_rng([s, a.n, 5])
        u = rc.lhs(a.n, rng)
        y = rng.standard_normal(a.n)
        j, _ = rv.hsicho_json(rc.SPACE, u, y, ["--bootstrap", "0"])
        order = rv.by_rank(j)
        top1[order[0]] += 1
        for k in order[:2]:
            top2[k] += 1
        for i in j["inputs"]:
            p = i["evidence_pvalue"]
            low[i["name"]] += p is not None and p < 0.05
    print(f"n = {a.n}, {a.reps} data sets with no effect (expected: first 0.125, top 2 0.25)")
    print(f"{'input':12s} {'first':>6s} {'top 2':>6s} {'p<0.05':>7s}")
    for k in rc.NAMES:
        print(f"{k:12s} {top1[k] / a.reps:6.3f} {top2[k] / a.reps:6.3f} {low[k] / a.reps:7.3f}")


if __name__ == "__main__":
    main()
