#!/usr/bin/env python3
"""The rankings under no effect (issue 37): errors independent of all 8 hyperparameters of
bench/ranking_cases.py's space, so every input is irrelevant. An unbiased ranking puts each input
first in 1/8 and in the top 2 in 1/4 of data sets; a biased one favours some kinds of inputs
whatever the data say, and so looks right on cases whose relevant inputs are of those kinds.

Prints, per method and input, the share of data sets where it ranks first and in the top 2, and
for hsicho the share of its evidence p-values below 0.05 (calibration). hsicho ranks momentum
(conditional, on a quarter of the rows) after the others when it has no evidence, so its share
is below 1/4 by design and the other inputs' a little above.

Usage: OMP_NUM_THREADS=1 /usr/bin/python3 bench/ranking_null.py [--n 32] [--reps 200]
           [--methods hsicho,mdi,fanova,ped]
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
    ap.add_argument("--methods", default="hsicho,mdi,fanova,ped")
    a = ap.parse_args()
    print(f"n = {a.n}, {a.reps} data sets with no effect (unbiased: first 0.125, top 2 0.25)")
    for method in a.methods.split(","):
        top1 = dict.fromkeys(rc.NAMES, 0)
        top2 = dict.fromkeys(rc.NAMES, 0)
        low = dict.fromkeys(rc.NAMES, 0)
        for s in range(a.reps):
            rng = np.random.default_rng([s, a.n, 5])
            u = rc.lhs(a.n, rng)
            y = rng.standard_normal(a.n)
            if method == "hsicho":
                j, _ = rv.hsicho_json(rc.SPACE, u, y, ["--bootstrap", "0"])
                order = rv.by_rank(j)
                for i in j["inputs"]:
                    p = i["evidence_pvalue"]
                    low[i["name"]] += p is not None and p < 0.05
            else:
                order = rv.run_method(method, rc.SPACE, u, y, s)[method][0]
            top1[order[0]] += 1
            for k in order[:2]:
                top2[k] += 1
        print(f"\n{method}\n{'input':12s} {'first':>6s} {'top 2':>6s}" +
              (f" {'p<0.05':>7s}" if method == "hsicho" else ""))
        for k in rc.NAMES:
            print(f"{k:12s} {top1[k] / a.reps:6.3f} {top2[k] / a.reps:6.3f}" +
                  (f" {low[k] / a.reps:7.3f}" if method == "hsicho" else ""))


if __name__ == "__main__":
    main()
