#!/usr/bin/env python3
"""Is each search's accuracy-cost front as good as its single-seed errors say? (issue 43)

bench/summarize_front.py's hypervolume counts every search training at its own single-seed
validation error. Those errors are lucky draws at the front's low end (bench/finalist_noise.py:
the best search training's mean over 3 new seeds is 1.9-10.8x its search error), and a search
that trains more configurations near the best draws more of them. This retrains every point of
each search's front (the trainings no other training beats on both validation error and
parameters) with 3 new training seeds at the search's epochs, through `hsicho eval` (hsicho's
trainer on the study's own data, for every method: Optuna's configurations come from their
journal), and compares the hypervolume of the same front points at their search errors and at
their retrained means.

The stored searches of bench/optimizer_wall.py (out/optimizer_wall/CASE_METHOD_SEED.*: hsicho's
study files for hsic and random, Optuna's journal and points for tpe and nsga2) are read; nothing
is searched again. Lines (JSON, resumable): case, method, seed, the front's points with their
values, parameters, search error and retrained validation and test errors.

Usage: OMP_NUM_THREADS=1 /usr/bin/python3 bench/front_retrained.py --seeds 16-25 --out F.jsonl
       /usr/bin/python3 bench/front_retrained.py --summary F.jsonl[.xz] [G ...]
Records: bench/results/front_retrained_seeds_{16-25,26-30}.jsonl.xz (--summary reads both)
"""
import argparse
import concurrent.futures
import json
import lzma
import math
import os
import statistics
import sys

import yaml
from scipy.stats import wilcoxon

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bench"))
sys.path.insert(0, os.path.join(ROOT, "python"))
import front_compare as fc  # noqa: E402
import optuna_tpe as ot  # noqa: E402
from finalist_noise import values_of  # noqa: E402
from summarize_front import hypervolume  # noqa: E402

WORK = os.path.join(ROOT, "out", "optimizer_wall")
SEEDS = 3
METHODS = ("hsic", "random", "tpe", "nsga2")


def front(points):
    """The non-dominated points of [(error, parameters, key)], cheapest first."""
    out, best = [], math.inf
    for e, p, key in sorted(points, key=lambda t: (t[1], t[0])):
        if e < best:
            out.append((e, p, key))
            best = e
    return out


def search_points(case, method, seed):
    """[(search error, parameters, values)] of one stored search."""
    stem = os.path.join(WORK, f"{case}_{method}_{seed}")
    if method in ("hsic", "random"):
        import hsicho as h
        study = h.load(stem + ".h5")
        t = study.trials
        # every search training, stopped ones at their last error (as optimizer_wall.py's points)
        t = t[(t["stage"] < t["stage"].max()) & t["status"].isin(["ok", "stopped"]) & t["val_error"].notna()]
        return [(float(r["val_error"]), int(r["parameters"]), values_of(r, study.space))
                for _, r in t.iterrows()]
    import optuna
    import optimizer_wall as ow
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    ow.patch_journal_reader()
    storage = optuna.storages.JournalStorage(optuna.storages.JournalFileStorage(stem + ".journal"))
    params_of = {t.number: t.params for t in optuna.load_study(study_name="s", storage=storage).trials}
    pts = [json.loads(line) for line in open(stem + ".points")]
    return [(e, int(p), params_of[n]) for e, p, n, _ in pts if e < 1e300]


def measure(hsicho, case, method, seed, work):
    for stem in (f"{case}_hsic_{seed}", f"{case}_{method}_{seed}"):
        if not any(os.path.exists(os.path.join(WORK, stem + ext)) for ext in (".h5", ".journal")):
            raise SystemExit(f"no stored search {os.path.join(WORK, stem)}.*: run "
                             f"bench/optimizer_wall.py --seeds {seed} --cases {case} first")
    deck = yaml.safe_load(open(os.path.join(WORK, f"{case}_hsic_{seed}.yaml")))
    deck = {k: v for k, v in deck.items() if k not in ("optimize", "pruning")}  # the search's epochs
    path = os.path.join(work, f"{case}_{seed}_1x.yaml")
    yaml.safe_dump(deck, open(path, "w"))
    searched = search_points(case, method, seed)
    pts = front([(e, p, k) for k, (e, p, _) in enumerate(searched)])
    values = {k: v for k, (_, _, v) in enumerate(searched)}
    jobs = [(i, s) for i in range(len(pts)) for s in range(SEEDS)]
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        got = list(pool.map(lambda j: ot.evaluate(hsicho, path, values[pts[j[0]][2]],
                                                  500009 * seed + 1000 * j[0] + j[1]), jobs))
    out = []
    for i, (e, p, key) in enumerate(pts):
        rs = [g for (ii, _), g in zip(jobs, got) if ii == i]
        out.append({"parameters": p, "search_error": e, "val": [r[0] for r in rs],
                    "test": [r[1] for r in rs], "values": values[key]})
    return {"case": case, "method": method, "seed": seed, "front": out}


def summary(paths):
    lines = []
    for path in paths:
        with (lzma.open if path.endswith(".xz") else open)(path, "rt") as f:
            lines += [json.loads(line) for line in f]
    mean = lambda v: statistics.mean(v) if all(math.isfinite(a) for a in v) else math.inf
    for case in sorted({r["case"] for r in lines}):
        rs = [r for r in lines if r["case"] == case]
        # One reference point per case, as summarize_front.py's: the 90th percentile of the
        # errors (search and retrained pooled) and the largest parameter count, both x 1.1.
        errs = sorted(e for r in rs for q in r["front"] for e in [q["search_error"], mean(q["val"])]
                      if math.isfinite(e) and e > 0)
        ref = (math.log10(errs[int(0.9 * (len(errs) - 1))] * 1.1),
               math.log10(max(q["parameters"] for r in rs for q in r["front"]) * 1.1))
        hv = {}
        for r in rs:
            for kind in ("search", "retrained"):
                pts = [(math.log10(q["search_error"] if kind == "search" else mean(q["val"])),
                        math.log10(q["parameters"])) for q in r["front"]
                       if math.isfinite(mean(q["val"])) and q["search_error"] > 0]
                hv[(r["method"], r["seed"], kind)] = hypervolume(pts, ref)
        print(f"\n{case}: reference point: validation error {10 ** ref[0]:.3g}, {10 ** ref[1]:.0f} "
              "parameters (hypervolume in decades^2); the front at its search errors / at the "
              "mean of 3 new seeds")
        print("| method | studies | front points | hypervolume, search | retrained | "
              "best's retrained / search error |")
        print("|---|---|---|---|---|---|")
        for m in METHODS:
            mine = [r for r in rs if r["method"] == m]
            if not mine:
                continue
            med = lambda kind: statistics.median(hv[(m, r["seed"], kind)] for r in mine)
            lucky = statistics.median(
                mean(min(r["front"], key=lambda q: q["search_error"])["val"]) /
                min(q["search_error"] for q in r["front"]) for r in mine)
            print(f"| {m} | {len(mine)} | {statistics.median(len(r['front']) for r in mine):.0f} | "
                  f"{med('search'):.2f} | {med('retrained'):.2f} | {lucky:.2f} |")
        print("\n| hsic against | paired seeds | search: hsic larger, p | retrained: hsic larger, p |")
        print("|---|---|---|---|")
        for m in METHODS[1:]:
            seeds = sorted({r["seed"] for r in rs if r["method"] == m} &
                           {r["seed"] for r in rs if r["method"] == "hsic"})
            if len(seeds) < 2:
                continue
            cells = []
            for kind in ("search", "retrained"):
                d = [hv[("hsic", s, kind)] - hv[(m, s, kind)] for s in seeds]
                p = wilcoxon(d).pvalue if any(d) else 1.0
                cells.append(f"{sum(x > 0 for x in d)} of {len(d)}, p = {p:.2g}")
            print(f"| {m} | {len(seeds)} | {cells[0]} | {cells[1]} |")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seeds", default="16-25")
    ap.add_argument("--cases", default="runge,bateman,runge2d")
    ap.add_argument("--methods", default=",".join(METHODS))
    ap.add_argument("--out")
    ap.add_argument("--summary", nargs="+", help="line files (.xz or plain), read together")
    ap.add_argument("--hsicho", default=os.environ.get("HSICHO_BIN", os.path.join(ROOT, "build/hsicho")))
    a = ap.parse_args()
    if a.summary:
        return summary(a.summary)
    if not a.out:
        ap.error("--out or --summary is needed")
    work = os.path.join(ROOT, "out", "front_retrained")
    os.makedirs(work, exist_ok=True)
    for case, method, seed in fc.missing(a.out, a.seeds, a.cases, a.methods):
        line = measure(a.hsicho, case, method, seed, work)
        with open(a.out, "a") as f:
            f.write(json.dumps(line) + "\n")
        print(case, method, seed, len(line["front"]), "front points", flush=True)


if __name__ == "__main__":
    main()
