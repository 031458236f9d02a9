#!/usr/bin/env python3
"""Finalist rules for `pick: cheapest`, replayed on the same searches (issue 43).

bench/finalist_noise.py showed that the goal set's cheapest training, the shipped cheap
finalist, is 2-6x the best's error once retrained, while the cheapest trainings within 1.25x and
1.5x the best search error mostly stay within the best's seed spread. This replays the final
retraining on the stored searches of bench/optimizer_wall.py (out/optimizer_wall/CASE_METHOD_SEED.h5,
hsic and random), so that the rules differ only in their finalists:

- shipped: the 3 lowest search errors and the cheapest of the goal set (alpha = 0.15);
- levels: the same, and the cheapest within 1.25x, 1.5x and 2x the best search error.

Every candidate is retrained with `hsicho eval`, 3 new seeds at twice the epochs (the final
retraining's); each rule's winner is the lowest mean validation error among its finalists and
its pick the cheapest finalist within the winner's mean plus its seeds' sd (hsicho's rule).
Lines (JSONL, resumable): case, method, seed, each candidate's roles, parameters, errors.

Usage: OMP_NUM_THREADS=1 /usr/bin/python3 bench/finalist_rules.py --seeds 16-30 \\
           --out bench/results/finalist_rules_seeds_16-30.jsonl
       /usr/bin/python3 bench/finalist_rules.py --summary bench/results/finalist_rules_seeds_16-30.jsonl
"""
import argparse
import concurrent.futures
import json
import math
import os
import statistics
import sys

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bench"))
sys.path.insert(0, os.path.join(ROOT, "python"))
import front_compare as fc  # noqa: E402
import optuna_tpe as ot  # noqa: E402
from finalist_noise import values_of  # noqa: E402

ALPHA, TOP, SEEDS, LEVELS = 0.15, 3, 3, (1.25, 1.5, 2.0)
RULES = {"shipped": ("top", "goal set"), "levels": ("top", "goal set") + tuple(f"within {k}x" for k in LEVELS)}


def candidates(study):
    """{config: (roles, values, parameters, search error)} of every rule's finalists."""
    t = study.trials
    search = t[(t["stage"] < t["stage"].max()) & (t["status"] == "ok") & t["val_error"].notna()]
    search = search.sort_values("val_error", kind="stable")
    chosen = {}

    def add(role, r):
        values = values_of(r, study.space)
        c = int(r["config"])
        roles = chosen.get(c, ([], values, int(r["parameters"]), float(r["val_error"])))[0]
        chosen[c] = (roles + [role], values, int(r["parameters"]), float(r["val_error"]))

    for _, r in search.head(TOP).iterrows():
        add("top", r)
    cheapest = lambda s: s.sort_values(["parameters", "val_error"], kind="stable").iloc[0]
    goal = search["val_error"].iloc[int(math.floor(ALPHA * (len(search) - 1)))]
    add("goal set", cheapest(search[search["val_error"] <= goal]))
    best = search["val_error"].iloc[0]
    for k in LEVELS:
        add(f"within {k}x", cheapest(search[search["val_error"] <= k * best]))
    return chosen


def measure(hsicho, case, method, seed, work):
    import hsicho as h
    stem = os.path.join(ROOT, "out/optimizer_wall", f"{case}_{method}_{seed}")
    deck = yaml.safe_load(open(stem + ".yaml"))
    deck = {k: v for k, v in deck.items() if k not in ("optimize", "pruning")}
    deck["training"] = dict(deck["training"], epochs=deck["training"]["epochs"] * 2)
    path = os.path.join(work, f"{case}_{method}_{seed}_2x.yaml")
    yaml.safe_dump(deck, open(path, "w"))
    chosen = candidates(h.load(stem + ".h5"))
    jobs = [(c, s) for c in chosen for s in range(SEEDS)]
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        got = list(pool.map(lambda j: ot.evaluate(hsicho, path, chosen[j[0]][1], 7919 * seed + 1000 * j[0] + j[1]),
                            jobs))
    out = []
    for c, (roles, values, params, err) in chosen.items():
        rs = [g for (cc, _), g in zip(jobs, got) if cc == c]
        out.append({"config": c, "roles": roles, "parameters": params, "search_error": err,
                    "val": [r[0] for r in rs], "test": [r[1] for r in rs], "values": values})
    return {"case": case, "method": method, "seed": seed, "candidates": out}


def pick(line, rule, pooled=False):
    """hsicho's pick among a rule's finalists: (parameters, mean test error). pooled: the limit is
    the winner's mean times 1 + the finalists' pooled coefficient of variation over seeds, instead
    of the winner's mean plus its own seeds' sd (3 seeds: a noisy sd, and the winner, the lowest
    of several means, is the one most likely to have had lucky seeds)."""
    fin = [c for c in line["candidates"] if any(r in RULES[rule] for r in c["roles"])]
    mean = lambda v: statistics.mean(v) if all(math.isfinite(a) for a in v) else math.inf
    fin = [c for c in fin if math.isfinite(mean(c["val"]))]
    w = min(fin, key=lambda c: mean(c["val"]))
    spread = statistics.stdev(w["val"])
    if pooled:
        cv = math.sqrt(statistics.mean((statistics.stdev(c["val"]) / mean(c["val"])) ** 2 for c in fin))
        spread = cv * mean(w["val"])
    limit = mean(w["val"]) + spread if spread > 0 else 1.1 * mean(w["val"])
    p = min((c for c in fin if mean(c["val"]) <= limit), key=lambda c: (c["parameters"], mean(c["val"])))
    return p["parameters"], mean(p["test"])


def variant(name):
    """'levels+pooled' -> ('levels', True)."""
    rule, _, pooled = name.partition("+")
    return rule, pooled == "pooled"


def summary(path):
    from scipy.stats import wilcoxon
    lines = [json.loads(l) for l in open(path)]
    by = {(l["case"], l["method"], l["seed"]): l for l in lines}
    geo = lambda v: math.exp(statistics.mean(math.log(x) for x in v))
    print("pick's parameters and test error, geometric mean (median) over seeds of the paired ratio; Wilcoxon p")
    print("| case | comparison | seeds | parameters | p | test error | p |")
    print("|---|---|---|---|---|---|---|")
    for case in sorted({k[0] for k in by}):
        seeds = sorted(s for c, m, s in by if c == case and m == "hsic" and (c, "random", s) in by)
        rows = [("hsic pooled / hsic shipped", [(by[case, "hsic", s], "shipped+pooled", by[case, "hsic", s], "shipped") for s in seeds]),
                ("random pooled / random shipped", [(by[case, "random", s], "shipped+pooled", by[case, "random", s], "shipped") for s in seeds]),
                ("hsic / random, pooled", [(by[case, "hsic", s], "shipped+pooled", by[case, "random", s], "shipped+pooled") for s in seeds]),
                ("hsic levels+pooled / random shipped", [(by[case, "hsic", s], "levels+pooled", by[case, "random", s], "shipped") for s in seeds]),
                ("hsic / random, levels+pooled", [(by[case, "hsic", s], "levels+pooled", by[case, "random", s], "levels+pooled") for s in seeds]),
                (f"hsic levels / hsic shipped", [(by[case, "hsic", s], "levels", by[case, "hsic", s], "shipped") for s in seeds]),
                (f"random levels / random shipped", [(by[case, "random", s], "levels", by[case, "random", s], "shipped") for s in seeds]),
                (f"hsic / random, shipped", [(by[case, "hsic", s], "shipped", by[case, "random", s], "shipped") for s in seeds]),
                (f"hsic / random, levels", [(by[case, "hsic", s], "levels", by[case, "random", s], "levels") for s in seeds])]
        for name, pairs in rows:
            rp, re = [], []
            for a, ra, b, rb in pairs:
                (pa, ea), (pb, eb) = pick(a, *variant(ra)), pick(b, *variant(rb))
                rp.append(pa / pb)
                re.append(ea / eb)
            test = lambda v: wilcoxon([math.log(x) for x in v]).pvalue if any(x != 1 for x in v) else 1.0
            print(f"| {case} | {name} | {len(rp)} | {geo(rp):.2f} ({statistics.median(rp):.2f}) | {test(rp):.2g} | "
                  f"{geo(re):.2f} ({statistics.median(re):.2f}) | {test(re):.2g} |")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", default="16-30")
    ap.add_argument("--cases", default="runge,bateman,runge2d")
    ap.add_argument("--methods", default="hsic,random")
    ap.add_argument("--out")
    ap.add_argument("--summary")
    ap.add_argument("--hsicho", default=os.path.join(ROOT, "build/hsicho"))
    a = ap.parse_args()
    if a.summary:
        return summary(a.summary)
    work = os.path.join(ROOT, "out", "finalist_rules")
    os.makedirs(work, exist_ok=True)
    for case, method, seed in fc.missing(a.out, a.seeds, a.cases, a.methods):
        line = measure(a.hsicho, case, method, seed, work)
        with open(a.out, "a") as f:
            f.write(json.dumps(line, default=lambda o: o.item()) + "\n")
        print(case, method, seed, "shipped", pick(line, "shipped"), "levels", pick(line, "levels"), flush=True)


if __name__ == "__main__":
    main()
