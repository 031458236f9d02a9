#!/usr/bin/env python3
"""Tables of bench/front_compare.py's lines: per case and method, over seeds, the hypervolume of
the evaluated set in (log10 validation error, log10 parameters) and the pick's test error and
parameters (median and IQR); then hsic paired with each other method on the same seeds (Wilcoxon's
signed-rank test, two-sided) and the issue's goal: hsic's pick at most 0.5x random's parameters
(median of paired ratios) with a median test error inside random's IQR, and its hypervolume at
least NSGA-II's median.

The hypervolume is the area dominated by the set and bounded by one reference point per case,
stated in the output: the 90th percentile of every finite validation error evaluated in the case
(the five methods and all seeds pooled) and the largest parameter count evaluated, both x 1.1. Points
beyond it add nothing. Larger is better.

Usage: /usr/bin/python3 bench/summarize_front.py RESULTS.jsonl [--markdown] (needs python3-scipy)
"""
import argparse
import gzip
import lzma
import json
import math
import statistics

from scipy.stats import norm, wilcoxon

METHODS = ("hsic", "random", "lhs", "tpe", "nsga2", "hsic_tol50", "hsic_halving", "random_halving")


def hypervolume(points, ref):
    """2-D, both minimized: the area of {p <= ref : some point <= p}. A sweep over x: on the strip
    from one point's x to the next, the dominated height is ref_y less the lowest y so far."""
    pts = sorted((x, y) for x, y in points if x < ref[0] and y < ref[1])
    area, low = 0.0, ref[1]
    for k, (x, y) in enumerate(pts):
        low = min(low, y)
        right = pts[k + 1][0] if k + 1 < len(pts) else ref[0]
        area += (right - x) * (ref[1] - low)
    return area


def quartiles(v):
    q = statistics.quantiles(v, n=4, method="inclusive") if len(v) > 1 else [v[0]] * 3
    return q[0], statistics.median(v), q[2]


def power(log_ratios, ratio=1.2):
    """The chance that a paired test at 5% (two-sided) over these seeds detects a true ratio of
    `ratio`, from the observed spread of the log ratios (normal approximation; the Wilcoxon test
    has about 95% of the t test's efficiency)."""
    n = len(log_ratios)
    sd = statistics.stdev(log_ratios) if n > 2 else float("inf")
    if sd == 0:
        return 1.0
    return float(norm.cdf(math.log(ratio) / (sd / math.sqrt(0.95 * n)) - 1.96))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("files", nargs="+", help="JSON lines (.xz, .gz or plain), read together")
    ap.add_argument("--markdown", action="store_true")
    ap.add_argument("--reference", default="hsic", help="the method paired with each other one")
    a = ap.parse_args()
    rows = []
    for path in a.files:
        opener = lzma.open if path.endswith(".xz") else gzip.open if path.endswith(".gz") else open
        rows += [json.loads(l) for l in opener(path, "rt") if l.strip()]
    for case in sorted({r["case"] for r in rows}):
        rs = [r for r in rows if r["case"] == case]
        # The reference point from the five methods of the comparison (variants left out).
        pool = [r for r in rs if r["method"] in METHODS[:5]]
        errors = sorted(e for r in pool for e, _ in r["points"] if math.isfinite(e) and e > 0)
        params = [p for r in pool for _, p in r["points"]]
        ref = (math.log10(errors[int(0.9 * (len(errors) - 1))] * 1.1), math.log10(max(params) * 1.1))
        by = {m: {r["seed"]: r for r in rs if r["method"] == m} for m in METHODS}
        hv = {m: {s: hypervolume([(math.log10(e), math.log10(p)) for e, p in r["points"]
                                  if math.isfinite(e) and e > 0 and p > 0], ref)
                  for s, r in by[m].items()} for m in METHODS}
        seeds = sorted({s for m in METHODS for s in by[m]})
        print(f"\n{case}: seeds {seeds[0]}-{seeds[-1]}; reference point: validation error "
              f"{10 ** ref[0]:.3g}, {10 ** ref[1]:.0f} parameters (hypervolume in decades^2)")
        print("| method | studies | hypervolume | IQR | pick's test error | IQR | pick's parameters | IQR "
              "| pick = lowest-error finalist |")
        print("|---|---|---|---|---|---|---|---|---|")
        for m in METHODS:
            if not by[m]:
                continue
            h1, h2, h3 = quartiles(list(hv[m].values()))
            t1, t2, t3 = quartiles([r["pick"]["test_error"] for r in by[m].values()])
            p1, p2, p3 = quartiles([r["pick"]["parameters"] for r in by[m].values()])
            # With pick: cheapest, hsicho's best/ is the pick: the lowest finalist is "lowest".
            same = sum(r["pick"].get("config") == r["lowest"]["config"] if "lowest" in r
                       else r["pick"]["values"] == r["best"]["values"] for r in by[m].values())
            print(f"| {m} | {len(by[m])} | {h2:.2f} | {h1:.2f} - {h3:.2f} | {t2:.3g} | {t1:.3g} - {t3:.3g} "
                  f"| {p2:.0f} | {p1:.0f} - {p3:.0f} | {same} of {len(by[m])} |")
        R = a.reference
        print(f"\n| {R} against | paired seeds | hypervolume: {R} larger | Wilcoxon p | pick's test error: "
              "median ratio | Wilcoxon p | pick's parameters: median ratio | Wilcoxon p | power for 1.2x: "
              "test error, parameters |")
        print("|---|---|---|---|---|---|---|---|---|")
        for m in METHODS:
            common = sorted(set(by[R]) & set(by[m])) if m != R else []
            if len(common) < 2:
                continue

            def test(d):
                return wilcoxon(d).pvalue if any(x != 0 for x in d) else 1.0
            dh = [hv[R][s] - hv[m][s] for s in common]
            te = [math.log(by[R][s]["pick"]["test_error"] / by[m][s]["pick"]["test_error"]) for s in common]
            pa = [math.log(by[R][s]["pick"]["parameters"] / by[m][s]["pick"]["parameters"]) for s in common]
            print(f"| {m} | {len(common)} | {sum(d > 0 for d in dh)} of {len(common)} | {test(dh):.2g} "
                  f"| {math.exp(statistics.median(te)):.2f} | {test(te):.2g} | {math.exp(statistics.median(pa)):.2f} "
                  f"| {test(pa):.2g} | {power(te):.2f}, {power(pa):.2f} |")
        if by["hsic"] and by["random"]:
            common = sorted(set(by["hsic"]) & set(by["random"]))
            ratio = statistics.median(by["hsic"][s]["pick"]["parameters"] / by["random"][s]["pick"]["parameters"]
                                      for s in common)
            r1, _, r3 = quartiles([r["pick"]["test_error"] for r in by["random"].values()])
            med = statistics.median(r["pick"]["test_error"] for r in by["hsic"].values())
            goal = [f"parameters {ratio:.2f}x random's ({'met' if ratio <= 0.5 else 'missed'})",
                    f"test error {med:.3g} {'inside' if r1 <= med <= r3 else 'outside'} random's IQR"]
            if by["nsga2"]:
                nmed = statistics.median(hv["nsga2"].values())
                hmed = statistics.median(hv["hsic"].values())
                goal.append(f"hypervolume {hmed:.2f} against NSGA-II's median {nmed:.2f} "
                            f"({'met' if hmed >= nmed else 'missed'})")
            print("\ngoal: " + "; ".join(goal))


if __name__ == "__main__":
    main()
