#!/usr/bin/env python3
"""Why cheap near-best search trainings lose the final retraining (issue 43): noise or epochs?

For each stored hsic study of bench/optimizer_wall.py (out/optimizer_wall/CASE_hsic_SEED.h5), the
search's best training and its cheapest trainings within 1.25x, 1.5x and 2x the best validation
error (and the cheapest of the goal set, alpha = 0.15, the shipped finalist) are retrained with
`hsicho eval`, 3 new seeds each, at the search's epochs (1x) and at the final retraining's (2x).
Per candidate: its search error, its mean error at 1x and 2x, all over the best's.

- If a cheap candidate's 1x mean over the best's 1x mean is well above its search ratio, it was
  chosen for a lucky seed (the winner's curse of taking the cheapest of thousands): a second seed
  inside the search would screen it.
- If its 2x ratio is above its 1x ratio, the longer final training favours the wide networks.

Lines (JSONL, resumable): case, seed, role, parameters, search error, errors at 1x and 2x.

Usage: OMP_NUM_THREADS=1 /usr/bin/python3 bench/finalist_noise.py --seeds 16-25 \\
           --out bench/results/finalist_noise_seeds_16-25.jsonl
       /usr/bin/python3 bench/finalist_noise.py --summary bench/results/finalist_noise_seeds_16-25.jsonl
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

LEVELS = (1.25, 1.5, 2.0)
ALPHA = 0.15
SEEDS = 3


def values_of(row, space):
    """A training's values as `hsicho eval --set` takes them: inactive ones (a conditional input
    whose parent excludes it) left out, integer hyperparameters as whole numbers."""
    integer = set(space["name"][space["type"] == "integer"])
    return {n: int(row[n]) if n in integer else row[n]
            for n in space["name"] if str(row[n]) not in ("<NA>", "nan", "None")}


def candidates(study):
    """The search's best and its cheap candidates, as (role, values, parameters, error)."""
    t = study.trials
    final = t["stage"].max()
    search = t[(t["stage"] < final) & (t["status"] == "ok") & (t["epochs"] == t["planned_epochs"])]
    search = search[search["val_error"].notna()].sort_values("val_error", kind="stable")
    best = search.iloc[0]
    out = [("best", best)]
    for k in LEVELS:
        within = search[search["val_error"] <= k * best["val_error"]]
        out.append((f"within {k}x", within.sort_values(["parameters", "val_error"]).iloc[0]))
    goal = search["val_error"].iloc[int(math.floor(ALPHA * (len(search) - 1)))]
    within = search[search["val_error"] <= goal]
    out.append(("goal set", within.sort_values(["parameters", "val_error"]).iloc[0]))
    rows = []
    for role, r in out:
        rows.append((role, values_of(r, study.space), int(r["parameters"]), float(r["val_error"]), int(r["config"])))
    return rows


def measure(hsicho, case, seed, work):
    import hsicho as h
    study = h.load(os.path.join(ROOT, "out/optimizer_wall", f"{case}_hsic_{seed}.h5"))
    deck = yaml.safe_load(open(os.path.join(ROOT, "out/optimizer_wall", f"{case}_hsic_{seed}.yaml")))
    deck.pop("optimize", None)
    deck.pop("pruning", None)
    decks = {}
    for factor in (1, 2):
        d = dict(deck, training=dict(deck["training"], epochs=deck["training"]["epochs"] * factor))
        decks[factor] = os.path.join(work, f"{case}_{seed}_{factor}x.yaml")
        yaml.safe_dump(d, open(decks[factor], "w"))
    rows = candidates(study)
    jobs = [(i, f, s) for i in range(len(rows)) for f in (1, 2) for s in range(SEEDS)]
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        got = list(pool.map(lambda j: ot.evaluate(hsicho, decks[j[1]], rows[j[0]][1],
                                                  100003 * seed + 101 * j[0] + j[2] + 1), jobs))
    lines = []
    for i, (role, values, params, err, config) in enumerate(rows):
        e = {f: [g[0] for (k, ff, _), g in zip(jobs, got) if k == i and ff == f] for f in (1, 2)}
        lines.append({"case": case, "seed": seed, "role": role, "config": config, "parameters": params,
                      "search_error": err, "errors_1x": e[1], "errors_2x": e[2],
                      "values": values})
    return lines


def summary(path):
    lines = [json.loads(l) for l in open(path)]
    by = {}
    for l in lines:
        by.setdefault((l["case"], l["seed"]), {})[l["role"]] = l
    roles = ["best"] + [f"within {k}x" for k in LEVELS] + ["goal set"]
    print("median over seeds of a candidate's error over the best's (search: one seed; 1x, 2x: the mean of "
          "3 new seeds at the search's and the final's epochs); 'within spread': the share of seeds where its "
          "2x mean is within the best's 2x mean plus its sd (the pick's rule); parameters over the best's")
    print("| case | candidate | seeds | parameters | search | 1x | 2x | within spread (2x) |")
    print("|---|---|---|---|---|---|---|---|")
    for case in sorted({c for c, _ in by}):
        for role in roles:
            r = {k: [] for k in ("p", "s", "1", "2", "ok")}
            for (c, _), d in sorted(by.items()):
                if c != case or role not in d:
                    continue
                b, x = d["best"], d[role]
                m = lambda v: statistics.mean(v) if all(math.isfinite(a) for a in v) else math.inf
                b2 = b["errors_2x"]
                r["p"].append(x["parameters"] / b["parameters"])
                r["s"].append(x["search_error"] / b["search_error"])
                r["1"].append(m(x["errors_1x"]) / m(b["errors_1x"]))
                r["2"].append(m(x["errors_2x"]) / m(b2))
                r["ok"].append(m(x["errors_2x"]) <= m(b2) + statistics.stdev(b2))
            med = lambda v: f"{statistics.median(v):.2f}" if v else "-"
            print(f"| {case} | {role} | {len(r['p'])} | {med(r['p'])} | {med(r['s'])} | {med(r['1'])} | "
                  f"{med(r['2'])} | {sum(r['ok'])} of {len(r['ok'])} |")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", default="16-25")
    ap.add_argument("--cases", default="runge,bateman,runge2d")
    ap.add_argument("--out")
    ap.add_argument("--summary")
    ap.add_argument("--hsicho", default=os.path.join(ROOT, "build/hsicho"))
    a = ap.parse_args()
    if a.summary:
        return summary(a.summary)
    work = os.path.join(ROOT, "out", "finalist_noise")
    os.makedirs(work, exist_ok=True)
    done = {(l["case"], l["seed"]) for l in map(json.loads, open(a.out))} if os.path.exists(a.out) else set()
    for seed in fc.seeds_of(a.seeds):
        for case in a.cases.split(","):
            if (case, seed) in done:
                continue
            lines = measure(a.hsicho, case, seed, work)
            with open(a.out, "a") as f:
                for l in lines:
                    f.write(json.dumps(l, default=lambda o: o.item()) + "\n")
            print(case, seed, [(l["role"], l["parameters"], round(statistics.mean(l["errors_2x"]) / l["search_error"], 2))
                               for l in lines], flush=True)


if __name__ == "__main__":
    main()
