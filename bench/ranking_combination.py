#!/usr/bin/env python3
"""Tuning record of issue 37: how to combine an input's main and pair tests into its evidence.

Re-ranks the data sets of bench/ranking_lead.py's records offline (each input's main and pair
p-values, as `hsicho analyze --json` reported them) with other combinations, the rest of the
shipped ranking kept (a conditional input without evidence, p > 0.1, after the others; ties by
the smaller test p-value), and prints the separation summed over the case x n cells, and per cell
for the kinds named. Rules (z: the normal score of a p-value):
  shipped              p = min(1, 2 min(p_main, p_pair)), ranked by its score
  stouffer             (z_main + z_pair) / sqrt(2)
  stouffer+            the same with each score floored at 0
  main_only            z_main (no pair tests)
  main_plus_half_pair  z_main + max(0, z_pair) / 2

Usage: /usr/bin/python3 bench/ranking_combination.py bench/results/ranking_lead_seeds_1-10.jsonl.gz \\
           [more records] [--cases heavy_noise,weak]
"""
import argparse
import collections
import gzip
import json
import math

import numpy as np
from scipy.stats import norm

RULES = ["shipped", "stouffer", "stouffer+", "main_only", "main_plus_half_pair"]


def score(p):
    return norm.isf(min(max(p, 1e-300), 1 - 1e-16))


def present(p):
    return p is not None and not (isinstance(p, float) and math.isnan(p))


def ranking(inputs, rule):
    keys = {}
    for name, r in inputs.items():
        pm, pp = r["main_pvalue"], r["pair_pvalue"]
        zm = score(pm)
        zp = score(pp) if present(pp) else None
        evidence_p = min(1.0, 2 * min(pm, pp if zp is not None else pm))
        if rule == "shipped":
            s = max(0.0, score(evidence_p))
        elif rule == "stouffer":
            s = (zm + zp) / math.sqrt(2) if zp is not None else zm
        elif rule == "stouffer+":
            s = (max(zm, 0) + max(zp, 0)) / math.sqrt(2) if zp is not None else max(zm, 0)
        elif rule == "main_only":
            s = zm
        else:
            s = zm + 0.5 * max(zp, 0) if zp is not None else zm
        late = r["conditional"] and not evidence_p <= 0.1
        keys[name] = (0 if late else 1, s, -min(pm, pp if zp is not None else 2))
    return sorted(inputs, key=lambda n: keys[n], reverse=True)


def separated(order, relevant, irrelevant):
    at = {n: i for i, n in enumerate(order)}
    return float(max(at[n] for n in relevant) < min(at[n] for n in irrelevant if n in at))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("records", nargs="+")
    ap.add_argument("--cases", default="heavy_noise,held_interaction_lr_bs,goal_only,weak")
    a = ap.parse_args()
    for path in a.records:
        cells = collections.defaultdict(lambda: collections.defaultdict(list))
        for line in (gzip.open(path, "rt") if path.endswith(".gz") else open(path)):
            r = json.loads(line)
            for rule in RULES:
                cells[(r["case"], r["n"])][rule].append(
                    separated(ranking(r["inputs"], rule), r["relevant"], r["irrelevant"]))
        sums = {rule: sum(np.mean(c[rule]) for c in cells.values()) for rule in RULES}
        print(f"{path}: separation summed over {len(cells)} cells: " +
              ", ".join(f"{k} {v:.2f}" for k, v in sums.items()))
        for key in sorted(cells):
            if key[0] in a.cases.split(","):
                print(f"  {key[0]:24s} n = {key[1]:3d}: " +
                      ", ".join(f"{rule} {np.mean(cells[key][rule]):.2f}" for rule in RULES))


if __name__ == "__main__":
    main()
