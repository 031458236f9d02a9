#!/usr/bin/env python3
"""Optimized Latin hypercube: hsicho against scipy.stats.qmc.LatinHypercube, same n and d.

Both designs are scored by scipy (qmc.discrepancy, method "CD": the centered L2 discrepancy
squared; and the minimum pairwise distance), so the criterion is measured by a third party.
Runs: hsicho with its space-filling search (discrepancy, and maximin), scipy with its own
optimization ("random-cd", its default stopping rule), and plain LHS from both for scale.

Usage: python3 bench/lhs_vs_scipy.py [--n 1000] [--d 20] [--repeats 3] [--bench build/bench/hsicho_bench_lhs]
Needs Debian's python3-scipy (use /usr/bin/python3).
"""
import argparse
import statistics
import subprocess
import time

import numpy as np
from scipy.spatial.distance import pdist
from scipy.stats import qmc


def score(x):
    return qmc.discrepancy(x, method="CD"), pdist(x).min()


def hsicho_runs(bench, n, d, criterion, repeats):
    """Times reported by the C++ binary itself (no process start-up); design scored here."""
    out = subprocess.run([bench, str(n), str(d), criterion, str(repeats)],
                         check=True, capture_output=True, text=True).stdout
    rows = []
    for line in out.splitlines():
        fields = dict(f.split("=") for f in line.split()[2:])
        rows.append((float(fields["seconds"]), float(fields["cd2"]), float(fields["mindist"])))
    return rows


def scipy_runs(n, d, optimization, repeats):
    rows = []
    for r in range(repeats):
        t0 = time.perf_counter()
        x = qmc.LatinHypercube(d, optimization=optimization, seed=1000 + r).random(n)
        t = time.perf_counter() - t0
        cd2, md = score(x)
        rows.append((t, cd2, md))
    return rows


def report(name, rows):
    t = statistics.median(r[0] for r in rows)
    cd2 = statistics.median(r[1] for r in rows)
    md = statistics.median(r[2] for r in rows)
    print(f"{name:34s} {t:9.3f} s   CD^2 {cd2:.6e}   min distance {md:.4f}")
    return t, cd2


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--d", type=int, default=20)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--bench", default="build/bench/hsicho_bench_lhs")
    a = ap.parse_args()
    print(f"n = {a.n}, d = {a.d}, median of {a.repeats} seeds, one core")
    report("scipy LHS (no optimization)", scipy_runs(a.n, a.d, None, a.repeats))
    report("hsicho LHS (no optimization)", hsicho_runs(a.bench, a.n, a.d, "none", a.repeats))
    ts, cs = report("scipy LHS optimization=random-cd", scipy_runs(a.n, a.d, "random-cd", a.repeats))
    th, ch = report("hsicho LHS criterion=discrepancy", hsicho_runs(a.bench, a.n, a.d, "discrepancy", a.repeats))
    report("hsicho LHS criterion=maximin", hsicho_runs(a.bench, a.n, a.d, "maximin", a.repeats))
    print(f"hsicho/scipy (discrepancy): time x{th / ts:.2f}, CD^2 x{ch / cs:.3f} (lower is better)")


if __name__ == "__main__":
    main()
