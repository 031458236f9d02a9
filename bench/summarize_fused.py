#!/usr/bin/python3
"""Summary of bench/results/fused_seeds_*.jsonl (bench/fused_compare.py): per deck, trainings per
second on one core with study.fuse 16 and 1 (median over seeds, and the median of the per-seed
ratios), the validation errors of both (pooled over seeds: median, IQR, a Mann-Whitney U and a
Kolmogorov-Smirnov two-sample test), and in how many seeds the indices' top 3 agree (as a set, and
in order).
    /usr/bin/python3 bench/summarize_fused.py [FILE.jsonl] [--markdown]
"""
import glob
import json
import os
import sys
from collections import defaultdict

import numpy as np
from scipy import stats

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    files = args or sorted(glob.glob(os.path.join(ROOT, "bench", "results", "fused_seeds_*.jsonl")))
    runs = defaultdict(dict)  # (deck, seed) -> mode -> record
    for path in files:
        for line in open(path):
            r = json.loads(line)
            runs[(r["deck"], r["seed"])][r["mode"]] = r
    decks = sorted({d for d, _ in runs})
    rows = []
    for deck in decks:
        pairs = [m for (d, _), m in sorted(runs.items()) if d == deck and len(m) == 2]
        if not pairs:
            continue
        rate = {mode: [p[mode]["trainings"] / p[mode]["train_seconds"] for p in pairs]
                for mode in ("alone", "fused")}
        ratio = [p["alone"]["train_seconds"] / p["fused"]["train_seconds"] for p in pairs]
        wall = [p["alone"]["wall"] / p["fused"]["wall"] for p in pairs]
        err = {mode: np.concatenate([p[mode]["val_error"] for p in pairs]) for mode in ("alone", "fused")}
        finite = {m: e[np.isfinite(e)] for m, e in err.items()}
        mw = stats.mannwhitneyu(finite["alone"], finite["fused"]).pvalue
        ks = stats.ks_2samp(finite["alone"], finite["fused"]).pvalue
        same_set = sum(set(p["alone"]["ranking"][:3]) == set(p["fused"]["ranking"][:3]) for p in pairs)
        same_order = sum(p["alone"]["ranking"][:3] == p["fused"]["ranking"][:3] for p in pairs)
        q = {m: np.percentile(finite[m], [25, 50, 75]) for m in finite}
        rows.append((deck, len(pairs), pairs[0]["alone"]["trainings"], np.median(rate["alone"]),
                     np.median(rate["fused"]), np.median(ratio), min(ratio), max(ratio),
                     np.median(wall), q["alone"], q["fused"], mw, ks, same_set, same_order))
    if "--markdown" in sys.argv:
        print("| deck | seeds x trainings | trainings/s alone | fused | ratio (min-max) | wall ratio "
              "| val error alone: median [IQR] | fused | Mann-Whitney p | KS p | top 3 same set / order |")
        print("|---|---|---|---|---|---|---|---|---|---|---|")
        for (deck, seeds, n, ra, rf, ratio, lo, hi, wall, qa, qf, mw, ks, s3, o3) in rows:
            print(f"| {deck} | {seeds} x {n} | {ra:.1f} | {rf:.1f} | {ratio:.2f} ({lo:.2f}-{hi:.2f}) | "
                  f"{wall:.2f} | {qa[1]:.3g} [{qa[0]:.3g}, {qa[2]:.3g}] | {qf[1]:.3g} [{qf[0]:.3g}, "
                  f"{qf[2]:.3g}] | {mw:.2f} | {ks:.2f} | {s3} / {o3} of {seeds} |")
    else:
        for row in rows:
            print(row)


if __name__ == "__main__":
    main()
