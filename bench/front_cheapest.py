#!/usr/bin/env python3
"""Does hsic's search find cheaper good networks than random search? (issue 43, read offline)

bench/optimizer_wall.py's lines keep every search training of each study as [validation error,
parameters]. For each case and seed, this compares hsic's and random search's searches at the same
error level: the fewest parameters among the trainings within k x the best error either of them
reached (k = 1.5, 2, 4), and, as the `pick: cheapest` rule chooses its cheap finalist, within each
method's own goal set (the alpha = 0.15 quantile of its own errors). Ratios hsic / random, paired
over seeds (Wilcoxon on the log ratios; a seed counts where both have a training at that level).

Usage: /usr/bin/python3 bench/front_cheapest.py bench/results/optimizer_wall_30s_seeds_*.jsonl.xz
"""
import argparse
import gzip
import json
import lzma

import numpy as np
from scipy.stats import wilcoxon


def lines(path):
    opener = lzma.open if path.endswith(".xz") else gzip.open if path.endswith(".gz") else open
    with opener(path, "rt") as f:
        for line in f:
            yield json.loads(line)


def cheapest(points, limit):
    within = points[points[:, 0] <= limit]
    return within[:, 1].min() if len(within) else np.nan


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="+")
    ap.add_argument("--alpha", type=float, default=0.15)
    a = ap.parse_args()
    runs = {}
    for path in a.files:
        for r in lines(path):
            runs[(r["case"], r["method"], r["seed"])] = r
    print("| case | level | seeds | hsic / random, median | hsic lower in | p |\n|---|---|---|---|---|---|")
    for case in sorted({k[0] for k in runs}):
        ratios = {}
        for seed in sorted({k[2] for k in runs if k[0] == case}):
            h, r = runs.get((case, "hsic", seed)), runs.get((case, "random", seed))
            if not h or not r:
                continue
            ph, pr = (np.array(x["points"], float) for x in (h, r))
            ph, pr = ph[np.isfinite(ph[:, 0])], pr[np.isfinite(pr[:, 0])]
            best = min(ph[:, 0].min(), pr[:, 0].min())
            for k in (1.5, 2, 4):
                ratios.setdefault(f"within {k}x the best", []).append(
                    cheapest(ph, k * best) / cheapest(pr, k * best))
            ratios.setdefault("each one's own goal set", []).append(
                cheapest(ph, np.quantile(ph[:, 0], a.alpha)) /
                cheapest(pr, np.quantile(pr[:, 0], a.alpha)))
        for level, v in ratios.items():
            v = np.array(v)
            v = v[np.isfinite(v)]
            p = wilcoxon(np.log(v)).pvalue if len(v) > 1 and (v != 1).any() else float("nan")
            print(f"| {case} | {level} | {len(v)} | {np.median(v):.2f} | {(v < 1).sum()} | {p:.3g} |")


if __name__ == "__main__":
    main()
