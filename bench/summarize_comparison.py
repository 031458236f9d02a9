#!/usr/bin/env python3
"""Tables of bench/compare_optimizers.sh's JSON lines: per case and method, the median and
interquartile range of the winner's test error and parameter count; then hsic paired with each
other method on the same seeds: how often hsic is better, the median ratio of test errors with a
bootstrap 95% interval, and Wilcoxon's signed-rank test on the log errors (two-sided).
Usage: summarize_comparison.py RESULTS.jsonl [RESULTS.jsonl ...] (needs python3-scipy)"""
import json
import math
import random
import statistics
import sys

from scipy.stats import wilcoxon

rows = [json.loads(l) for path in sys.argv[1:] for l in open(path) if l.strip()]
METHODS = ("hsic", "random", "lhs", "tpe")


def quartiles(v):
    q = statistics.quantiles(v, n=4, method="inclusive") if len(v) > 1 else [v[0]] * 3
    return q[0], statistics.median(v), q[2]


def median_ratio_interval(ratios, draws=10000, seed=1):
    """Percentile bootstrap of the median of paired ratios (resampling seeds)."""
    rng = random.Random(seed)
    meds = sorted(statistics.median(rng.choices(ratios, k=len(ratios))) for _ in range(draws))
    return meds[int(0.025 * draws)], meds[int(0.975 * draws) - 1]


for case in sorted({r["case"] for r in rows}):
    by = {m: {r["seed"]: r for r in rows if r["case"] == case and r["method"] == m} for m in METHODS}
    seeds = sorted({s for m in METHODS for s in by[m]})
    print(f"\n{case}: the winner after the final retraining (mean over its seeds), study seeds "
          f"{seeds[0]}-{seeds[-1]} ({len(seeds)})")
    print("| method | studies | median test error | IQR | median parameters | IQR | median wall (s) |")
    print("|---|---|---|---|---|---|---|")
    for m in METHODS:
        rs = list(by[m].values())
        if not rs:
            continue
        t1, t2, t3 = quartiles([r["test_error"] for r in rs])
        p1, p2, p3 = quartiles([r["parameters"] for r in rs])
        print(f"| {m} | {len(rs)} | {t2:.3g} | {t1:.3g} - {t3:.3g} | {p2:.0f} | {p1:.0f} - {p3:.0f} | "
              f"{statistics.median(r['wall'] for r in rs):.0f} |")
    stages = [r["winner_stage"] for r in by["hsic"].values() if "winner_stage" in r]
    if stages:
        print("\nhsic's winners came from stage " + ", ".join(
            f"{k}: {stages.count(k)}" for k in sorted(set(stages))) + " (of the studies above)")
    print("\n| hsic against | paired seeds | hsic better | median ratio of test errors (hsic / other) [95% CI] "
          "| Wilcoxon p | median ratio of parameters |")
    print("|---|---|---|---|---|---|")
    for m in METHODS[1:]:
        common = sorted(set(by["hsic"]) & set(by[m]))
        if len(common) < 2:
            continue
        ratio = [by["hsic"][s]["test_error"] / by[m][s]["test_error"] for s in common]
        pratio = [by["hsic"][s]["parameters"] / by[m][s]["parameters"] for s in common]
        lo, hi = median_ratio_interval(ratio)
        p = wilcoxon([math.log(r) for r in ratio]).pvalue
        better = sum(r < 1 for r in ratio)
        print(f"| {m} | {len(common)} | {better} of {len(common)} | {statistics.median(ratio):.2f} "
              f"[{lo:.2f}, {hi:.2f}] | {p:.2g} | {statistics.median(pratio):.2f} |")
