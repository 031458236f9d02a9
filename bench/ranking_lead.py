#!/usr/bin/env python3
"""Tuning record of issue 37: how far may the order test lead the goal test (kOrderLead in
src/hsic/evidence.cpp, 1 normal score as shipped)?

collect: runs `hsicho analyze --json --bootstrap 0` on the benchmark's data sets
(bench/ranking_vs_peers.py's cases, n = 32-256) and keeps each input's goal, order, main and pair
p-values (resumable JSON lines). summary: re-ranks every data set offline with other leads (the
main test's p-value recomputed under the joint law of the two tests, their correlation recovered
from the shipped main p-value) and prints the separation per case and n, ties broken by the
shipped rank.

Usage: /usr/bin/python3 bench/ranking_lead.py collect --seeds 1-10 --out F.jsonl   (2-3 min per 10 seeds)
       /usr/bin/python3 bench/ranking_lead.py summary F.jsonl[.gz] [--leads 1,1.5,2,inf]
Records: bench/results/ranking_lead_seeds_1-10.jsonl.gz (tuning), ranking_lead_seeds_201-220.jsonl.gz.
"""
import argparse
import collections
import gzip
import json
import math
import os
import sys

import numpy as np
from scipy.optimize import brentq
from scipy.special import log_ndtr
from scipy.stats import norm

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ranking_cases as rc  # noqa: E402
import ranking_vs_peers as rv  # noqa: E402

# Simpson's rule over a0 .. a0 + 40 in 800 steps, as evidence.cpp's main_pvalue.
_A = np.linspace(0, 40, 801)
_W = np.ones(801)
_W[1:-1:2], _W[2:-1:2] = 4, 2


def _z(p):
    return norm.isf(min(max(p, 1e-300), 1 - 1e-16))


def main_p(gp, op, rho, lead):
    """P(M > m), M = (Zg + min(Zo, Zg + lead)) / sqrt(2), (Zg, Zo) normal with correlation rho."""
    if gp is None:
        return None
    if op is None:
        return gp
    zg, zo, r = _z(gp), _z(op), min(max(rho, -0.99), 0.99)
    if math.isinf(lead):
        return max(float(norm.sf((zg + zo) / math.sqrt(2) / math.sqrt(1 + r))), 1e-300)
    t = zg + min(zo, zg + lead)
    a = (t - lead) / 2 + _A
    logs = -0.5 * a * a - 0.5 * math.log(2 * math.pi) + log_ndtr(-(t - a - r * a) / math.sqrt(1 - r * r))
    peak = logs.max()
    return min(max(math.exp(peak + math.log((_W * np.exp(logs - peak)).sum() * 0.05 / 3)), 1e-300), 1.0)


def rho_of(i):
    """The correlation that gives the shipped main p-value at lead 1."""
    gp, op, mp = i["goal_pvalue"], i["order_pvalue"], i["main_pvalue"]
    if gp is None or op is None or mp is None:
        return 0.0
    g = lambda r: main_p(gp, op, r, 1.0) - mp
    lo, hi = g(-0.99), g(0.99)
    if lo * hi > 0:
        return -0.99 if abs(lo) < abs(hi) else 0.99
    return brentq(g, -0.99, 0.99, xtol=1e-4)


def collect(seeds, out):
    done = set()
    if os.path.exists(out):
        done = {(r["case"], r["n"], r["seed"]) for r in map(json.loads, open(out))}
    rv.REAL_TRUTH = rv.real_truth()
    keys = ("goal_pvalue", "order_pvalue", "main_pvalue", "pair_pvalue", "evidence_pvalue", "rank")
    with open(out, "a") as f:
        for seed in seeds:
            for case in list(rc.CASES) + ["real_demo"]:
                for n in (32, 64, 128, 256):
                    if (case, n, seed) in done:
                        continue
                    space, u, y, rel, irr = rv.data(case, n, seed)
                    j, _ = rv.hsicho_json(space, u, y, ["--bootstrap", "0"])
                    ins = {i["name"]: {k: i[k] for k in keys} for i in j["inputs"]}
                    f.write(json.dumps({"case": case, "n": n, "seed": seed, "relevant": sorted(rel),
                                        "irrelevant": sorted(irr), "inputs": ins}) + "\n")
                    f.flush()


def separated(r, order):
    pos = {n: k for k, n in enumerate(order)}
    return max(pos[n] for n in r["relevant"]) < min(pos[n] for n in r["irrelevant"])


def separation_table(path, orderings):
    """Prints the separation per case and n of each named re-ranking, orderings: {name:
    function(record's inputs) -> the names in order}; "as run" is the program's own rank. Each
    input gets its rho (rho_of) first."""
    recs = [json.loads(line) for line in (gzip.open(path, "rt") if path.endswith(".gz") else open(path))]
    table = collections.defaultdict(list)
    for r in recs:
        ins = r["inputs"]
        for i in ins.values():
            i["rho"] = rho_of(i)
        table[(r["case"], r["n"], "as run")].append(
            separated(r, sorted(ins, key=lambda k: ins[k]["rank"])))
        for name, order in orderings.items():
            table[(r["case"], r["n"], name)].append(separated(r, order(ins)))
    names = ["as run"] + list(orderings)
    print("| case | n | " + " | ".join(names) + " |")
    print("|---|---|" + "---|" * len(names))
    total = collections.Counter()
    for case in sorted({r["case"] for r in recs}):
        for n in (32, 64, 128, 256):
            cells = [np.mean(table[(case, n, m)]) for m in names]
            total.update({m: c for m, c in zip(names, cells)})
            print(f"| {case} | {n} | " + " | ".join(f"{c:.2f}" for c in cells) + " |")
    print("| sum of cells | | " + " | ".join(f"{total[m]:.2f}" for m in names) + " |")


def by_lead(ins, lead):
    score = {}
    for k, i in ins.items():
        mp = main_p(i["goal_pvalue"], i["order_pvalue"], i["rho"], lead)
        best = mp if mp is None or i["pair_pvalue"] is None else min(mp, i["pair_pvalue"])
        score[k] = -1.0 if best is None else -math.log(max(min(1.0, 2 * best), 1e-300))
    return sorted(ins, key=lambda k: (-score[k], ins[k]["rank"]))


def summary(path, leads):
    separation_table(path, {f"lead {lead:g}": (lambda ins, lead=lead: by_lead(ins, lead)) for lead in leads})

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="what", required=True)
    c = sub.add_parser("collect")
    c.add_argument("--seeds", required=True, help="first-last")
    c.add_argument("--out", required=True)
    s = sub.add_parser("summary")
    s.add_argument("records")
    s.add_argument("--leads", default="1,1.5,2,3,inf")
    a = ap.parse_args()
    if a.what == "collect":
        lo, hi = map(int, a.seeds.split("-"))
        collect(range(lo, hi + 1), a.out)
    else:
        summary(a.records, [float(x) for x in a.leads.split(",")])


if __name__ == "__main__":
    main()
