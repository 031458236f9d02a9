#!/usr/bin/env python3
"""Accuracy and cost together: each method's evaluated set and its pick, at equal budgets.

For each case (bench/decks/opt_CASE.yaml), seed and method, runs one study and appends one JSON
line to --out: the best (lowest mean error of the final retraining), the pick (the cheapest
finalist within the spread of the best's seeds, hsicho's `optimize: {pick: cheapest}`), and every
training of the search as [val_error, parameters] (the final retraining left out: it trains
longer). Methods: hsic, random, lhs (hsicho run, 2 ranks, optimize.pick: cheapest), tpe and nsga2
(bench/optuna_tpe.py, Optuna's samplers, the same final retraining and pick rule, --jobs trials at
a time). Lines already in --out are skipped: rerun the same command to go on after a stop.
bench/summarize_front.py makes the tables (hypervolume, pick, paired tests).

Usage: front_compare.py --out bench/results/front_seeds_11-20.jsonl [--seeds 11-20]
         [--cases runge,bateman,runge2d] [--methods hsic,random,lhs,nsga2,tpe]
Needs Debian's python3-h5py, python3-optuna, python3-yaml.
"""
import argparse
import json
import os
import subprocess
import sys
import time

import h5py
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HSICHO_METHODS = ("hsic", "random", "lhs", "hsic_tol50")


def seeds_of(text):
    a, _, b = text.partition("-")
    return list(range(int(a), int(b or a) + 1))


def missing(path, seeds, cases, methods):
    """The (case, method, seed) of a resumable run not yet in its lines at `path`, seeds
    outermost (a stopped run has every case and method of its seeds)."""
    have = done(path)
    return [(case, method, seed) for seed in seeds_of(seeds) for case in cases.split(",")
            for method in methods.split(",") if (case, method, seed) not in have]


def done(path):
    keys = set()
    if os.path.exists(path):
        for line in open(path):
            line = line.strip()
            if line:
                j = json.loads(line)
                keys.add((j["case"], j["method"], j["seed"]))
    return keys


def deck_for(case, method, seed, work):
    text = open(os.path.join(ROOT, "bench/decks", f"opt_{case}.yaml")).read()
    strategy = method if method in ("hsic", "random", "lhs") else "hsic"
    text = text.replace("strategy: hsic, alpha: 0.15,", f"strategy: {strategy}, alpha: 0.15, pick: cheapest,")
    if method == "hsic_tol50":  # hsic with a pick tolerance near the seeds' spread (50%)
        assert "analysis: {alpha: 0.15}" in text
        text = text.replace("analysis: {alpha: 0.15}", "analysis: {alpha: 0.15, tolerance: 0.5}")
    text = text.replace("seed: 1,", f"seed: {seed},")
    assert "pick: cheapest" in text and f"seed: {seed}," in text, "the deck's optimize line changed"
    path = os.path.join(work, f"{case}_{method}_{seed}.yaml")
    open(path, "w").write(text)
    return path


def hsicho_study(hsicho, deck, out, log):
    for p in (out, out + ".journal"):
        subprocess.run(["rm", "-rf", p], check=True)
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    with open(log, "w") as f:
        subprocess.run(["mpiexec", "-n", "2", hsicho, "run", deck, "--out", out], stdout=f,
                       stderr=subprocess.STDOUT, env=env, check=True)
    f = h5py.File(out)
    retrains = f["configs/retrains"][()]
    val = f["results/val_error"][()]
    params = f["results/parameters"][()]
    points = [[float(v), int(p)] for v, p, r in zip(val, params, retrains) if r < 0]

    def group(name):
        a = f[name].attrs
        return {"config": int(a["config"]), "val_error": float(a["val_error"]),
                "test_error": float(a["test_error"]), "parameters": int(a["parameters"]),
                "values": str(a["values"]), "stage": int(a["stage"])}
    return {"best": group("best"), "pick": group("pick"), "lowest": lowest_finalist(f),
            "points": points, "trainings": int(len(val))}


def lowest_finalist(f):
    """The finalist of lowest mean validation error (with pick: cheapest, best/ is the pick)."""
    means = f["final/val_error"][()].mean(axis=1)
    k = int(np.argmin(means))
    return {"config": int(f["final/config"][k]), "val_error": float(means[k]),
            "test_error": float(f["final/test_error"][()][k].mean())}


def backfill(out, work):
    """Adds "lowest" to the hsicho lines that lack it, from their study files in --work."""
    lines = [json.loads(l) for l in open(out) if l.strip()]
    for line in lines:
        if line["method"] in HSICHO_METHODS and "lowest" not in line:
            path = os.path.join(work, f"{line['case']}_{line['method']}_{line['seed']}.h5")
            f = h5py.File(path)
            line["lowest"] = lowest_finalist(f)
            line["pick"]["config"] = int(f["pick"].attrs["config"])
            line["best"]["config"] = int(f["best"].attrs["config"])
    with open(out + ".tmp", "w") as f:
        f.writelines(json.dumps(l) + "\n" for l in lines)
    os.replace(out + ".tmp", out)


def optuna_study(hsicho, deck, method, seed, work):
    csv = os.path.join(work, f"{os.path.basename(deck)[:-5]}.csv")
    cmd = ["/usr/bin/python3", os.path.join(ROOT, "bench/optuna_tpe.py"), deck, "--seed", str(seed),
           "--csv", csv, "--hsicho", hsicho, "--sampler", method, "--pick", "cheapest", "--jobs", "2"]
    w = json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout)
    return {"best": w["best"], "pick": w["pick"], "points": w["points"], "trainings": w["trainings"]}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--seeds", default="11-20")
    ap.add_argument("--cases", default="runge,bateman,runge2d")
    ap.add_argument("--methods", default="hsic,random,lhs,nsga2,tpe")
    ap.add_argument("--hsicho", default=os.path.join(ROOT, "build/hsicho"))
    ap.add_argument("--work", default=os.path.join(ROOT, "out/front"))
    ap.add_argument("--backfill", action="store_true",
                    help="add the lowest finalist to earlier lines from their study files, then stop")
    a = ap.parse_args()
    if a.backfill:
        return backfill(a.out, a.work)
    os.makedirs(a.work, exist_ok=True)
    finished = done(a.out)
    # Method by method: the fast hsicho studies of every seed come before the slow Optuna ones.
    for method in a.methods.split(","):
        for case in a.cases.split(","):
            for seed in seeds_of(a.seeds):
                if (case, method, seed) in finished:
                    continue
                deck = deck_for(case, method, seed, a.work)
                start = time.time()
                if method in HSICHO_METHODS:
                    stem = os.path.join(a.work, f"{case}_{method}_{seed}")
                    r = hsicho_study(a.hsicho, deck, stem + ".h5", stem + ".log")
                else:
                    r = optuna_study(a.hsicho, deck, method, seed, a.work)
                line = {"case": case, "method": method, "seed": seed, **r, "wall": time.time() - start}
                with open(a.out, "a") as f:
                    f.write(json.dumps(line) + "\n")
                print(f"{case} {method} seed {seed}: {line['wall']:.0f} s, pick {r['pick']['parameters']} "
                      f"parameters at {r['pick']['val_error']:.3g}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
