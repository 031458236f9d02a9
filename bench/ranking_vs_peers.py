#!/usr/bin/env python3
"""hsicho's ranking against the importance evaluators users already have (issue 37).

For each case of bench/ranking_cases.py (known truth) and the real-training case, each n and each
seed, one data set; every method ranks the hyperparameters of the same rows:
  hsicho        `hsicho analyze CSV --target error --alpha 0.1 --conditional --space DECK --json`,
                ranked by the `rank` it reports (its default ranking)
  hsicho_index  the same JSON ranked as hsicho did before issue 37: by index, conditional last
  fanova, mdi   Optuna 3.1's FanovaImportanceEvaluator, MeanDecreaseImpurityImportanceEvaluator
  ped           PED-ANOVA (Watanabe et al. 2023; bench/ranking_peers.py), top gamma' = 0.1
  mdi+, ped+    the same, but given momentum (Optuna drops a hyperparameter missing in some trials)
  hsicho:LABEL=ARGS  more hsicho variants: extra arguments of `hsicho analyze` (--method)
One JSON line per (case, n, seed, method): the ranking and the seconds it took. Resumable: lines
already in --out are not run again. bench/summarize_ranking.py makes the tables.

The real case (real_demo): 1024 trainings of inputs/demo.yaml (bench/results/ranking_real_demo1024.csv,
made once by --make-real); each data set is n of them drawn without replacement. Every
hyperparameter of that deck changes the error somewhat, so three dummy columns (a continuous, an
integer and a categorical one, drawn per training from a fixed seed and used by no training) are
the known-irrelevant inputs. The relevant ones come from the 1024, by a test none of the methods
uses: a chi-square test of "in the best 10%" against the hyperparameter (levels, or quartiles of
a continuous one; momentum on the SGD rows with the quantile recomputed there) at p < 1e-6. The
other real hyperparameters are left out of the measures (neither relevant nor irrelevant).

Usage: OMP_NUM_THREADS=1 /usr/bin/python3 bench/ranking_vs_peers.py --seeds 101-120 \\
           --out bench/results/ranking_seeds_101-120.jsonl [--cases a,b] [--n 32,64] [--methods ...]
       /usr/bin/python3 bench/ranking_vs_peers.py --make-real   (2 MPI ranks, ~10 minutes)
"""
import argparse
import csv
import itertools
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ranking_cases as rc  # noqa: E402
import ranking_peers as rp  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# HSICHO_BIN: a frozen copy of the program, so that a rebuild does not change a long run midway.
HSICHO = os.environ.get("HSICHO_BIN", os.path.join(ROOT, "build", "hsicho"))
REAL_CSV = os.path.join(ROOT, "bench", "results", "ranking_real_demo1024.csv")
ENV = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")

# inputs/demo.yaml's space, for the real case.
REAL_SPACE = [
    ("layers", "integer", {"range": [1, 3]}),
    ("units", "integer_log", {"range": [4, 64]}),
    ("activation", "categorical", {"values": ["relu", "tanh", "silu"]}),
    ("optimizer", "categorical", {"values": ["sgd", "adam"]}),
    ("momentum", "continuous", {"range": [0.0, 0.95], "when": "optimizer == sgd"}),
    ("lr", "log", {"range": [1e-4, 1e-1]}),
    ("batch_size", "categorical", {"values": [16, 32, 64]}),
]
DUMMIES = [
    ("dummy_c", "continuous", {"range": [0.0, 1.0]}),
    ("dummy_i", "integer", {"range": [1, 5]}),
    ("dummy_k", "categorical", {"values": ["a", "b", "c"]}),
]
PEERS = ["fanova", "mdi", "ped", "mdi+", "ped+"]


# --- the real case ----------------------------------------------------------------------------

def make_real():
    """Trains inputs/demo.yaml with 1024 samples on 2 ranks; keeps unit-cube rows and errors."""
    work = tempfile.mkdtemp(prefix="ranking_real_")
    deck = open(os.path.join(ROOT, "inputs", "demo.yaml")).read()
    deck = deck.replace("samples: 64 ", "samples: 1024").replace("name: demo", "name: demo1024")
    path = os.path.join(work, "demo1024.yaml")
    open(path, "w").write(deck)
    env = dict(ENV, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    subprocess.run(["mpiexec", "-n", "2", HSICHO, "run", path, "--out", work + "/demo1024.h5"],
                   check=True, env=env, cwd=work)
    write_real(work + "/demo1024.h5")


def write_real(h5):
    import h5py
    f = h5py.File(h5, "r")
    names = list(f["configs/columns"].asstr()[()])
    unit = f["configs/normalized"][()]  # the HSIC input: NaN where inactive
    err = f["results/val_error"][()]
    stage = f["configs/stage"][()]
    keep = stage == 1
    with open(REAL_CSV, "w", newline="") as out:
        w = csv.writer(out)
        w.writerow([s[0] for s in REAL_SPACE] + ["val_error"])
        for row, e in zip(unit[keep], err[keep]):
            w.writerow([repr(float(row[names.index(s[0])])) for s in REAL_SPACE] + [repr(float(e))])


def real_rows():
    """Unit-cube rows (the deck's hyperparameters, then the dummies) and validation errors."""
    with open(REAL_CSV) as f:
        r = list(csv.reader(f))
    a = np.array([[float(v) for v in row] for row in r[1:]])
    n = len(a)
    rng = np.random.default_rng(20261206)
    dummies = (np.argsort(rng.random((len(DUMMIES), n)), axis=1).T + rng.random((n, len(DUMMIES)))) / n
    return np.hstack([a[:, :-1], dummies]), a[:, -1]


def real_truth():
    """Relevant names from the 1024 trainings (chi-square, not any method); the dummies."""
    from scipy.stats import chi2_contingency
    u, y = real_rows()
    relevant, irrelevant = set(), {d[0] for d in DUMMIES}
    for k, (name, kind, spec) in enumerate(REAL_SPACE):
        x = u[:, k]
        a = ~np.isnan(x)
        ya = y[a]
        q = np.sort(ya)[int(np.floor(rc.ALPHA * (len(ya) - 1)))]
        z = ya <= q
        nl = rc.levels(name, REAL_SPACE)
        if nl and nl <= 8:
            b = np.minimum((x[a] * nl).astype(int), nl - 1)
        else:
            b = np.searchsorted(np.quantile(x[a], [0.25, 0.5, 0.75]), x[a])
        table = np.array([[np.sum((b == j) & z), np.sum((b == j) & ~z)] for j in np.unique(b)])
        p = chi2_contingency(table)[1]
        if p < 1e-6:
            relevant.add(name)
    return relevant, irrelevant


# --- one data set -----------------------------------------------------------------------------

def data(case, n, seed):
    """(space, unit rows, errors, relevant, irrelevant) of one data set."""
    if case == "real_demo":
        u, y = real_rows()
        rng = np.random.default_rng([seed, n, 99])
        pick = rng.choice(len(y), size=n, replace=False)
        rel, irr = REAL_TRUTH
        return REAL_SPACE + DUMMIES, u[pick], y[pick], rel, irr
    u, y = rc.data_set(case, n, seed)
    rel = rc.CASES[case][1]
    return rc.SPACE, u, y, rel, set(rc.NAMES) - rel


def write_csv(path, space, u, y):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow([s[0] for s in space] + ["error"])
        for row, e in zip(rc.values(u, space), y):
            w.writerow(["" if row[s[0]] is None else row[s[0]] for s in space] + [repr(float(e))])


def hsicho_json(space, u, y, extra):
    with tempfile.TemporaryDirectory() as tmp:
        deck, table = os.path.join(tmp, "space.yaml"), os.path.join(tmp, "trials.csv")
        open(deck, "w").write(rc.deck_yaml(space))
        write_csv(table, space, u, y)
        t = time.perf_counter()
        r = subprocess.run([HSICHO, "analyze", table, "--target", "error", "--alpha", str(rc.ALPHA),
                            "--conditional", "--space", deck, "--json"] + extra,
                           capture_output=True, text=True, env=ENV)
        sec = time.perf_counter() - t
    if r.returncode != 0:
        raise RuntimeError(f"hsicho analyze failed: {r.stderr.strip()}")
    return json.loads(r.stdout), sec


def by_rank(j):
    return [i["name"] for i in sorted(j["inputs"], key=lambda i: i["rank"])]


def by_index_conditional_last(j):
    """hsicho's ranking before issue 37 (render.cpp): by index, conditional inputs after."""
    key = lambda i: (0 if i["conditional"] else 1, -np.inf if i["hsic"] is None else i["hsic"])
    return [i["name"] for i in sorted(j["inputs"], key=key, reverse=True)]


def run_method(method, space, u, y, seed):
    """{method: (ranking, seconds)}; the hsicho call also gives hsicho_index."""
    if method == "hsicho" or method.startswith("hsicho:"):
        label, extra = "hsicho", []
        if ":" in method:
            label, args = method.split(":", 1)[1].split("=", 1)
            label, extra = "hsicho:" + label, args.split()
        j, sec = hsicho_json(space, u, y, extra)
        out = {label: (by_rank(j), sec)}
        if method == "hsicho":
            out["hsicho_index"] = (by_index_conditional_last(j), sec)
        return out
    t = time.perf_counter()
    if method in ("fanova", "mdi"):
        r = rp.optuna_ranking(u, y, method, seed, space=space)
    elif method == "mdi+":
        r = rp.optuna_ranking(u, y, "mdi", seed, impute_conditional=True, space=space)
    elif method == "ped":
        r = rp.ped_ranking(u, y, seed, space=space)
    elif method == "ped+":
        r = rp.ped_ranking(u, y, seed, conditional=True, space=space)
    else:
        raise SystemExit(f"unknown method {method}")
    return {method: (r, time.perf_counter() - t)}


REAL_TRUTH = (set(), set())


def main():
    global REAL_TRUTH
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seeds", default="101-120")
    ap.add_argument("--n", default="32,64,128,256")
    ap.add_argument("--cases", default=",".join(list(rc.CASES) + ["real_demo"]))
    ap.add_argument("--methods", default=",".join(["hsicho"] + PEERS))
    ap.add_argument("--out")
    ap.add_argument("--make-real", action="store_true")
    ap.add_argument("--real-from", help="write the real case's CSV from this study file")
    a = ap.parse_args()
    if a.real_from:
        return write_real(a.real_from)
    if a.make_real:
        return make_real()
    if not a.out:
        ap.error("--out is needed")
    if "real_demo" in a.cases.split(","):
        REAL_TRUTH = real_truth()
        print(f"real_demo truth: relevant {sorted(REAL_TRUTH[0])}, irrelevant "
              f"{sorted(REAL_TRUTH[1])}", file=sys.stderr)
    lo, hi = (int(v) for v in a.seeds.split("-"))
    done = set()
    if os.path.exists(a.out):
        for line in open(a.out):
            r = json.loads(line)
            done.add((r["case"], r["n"], r["seed"], r["method"]))
    methods = a.methods.split(",")
    with open(a.out, "a") as f:
        for n, case, seed in itertools.product([int(v) for v in a.n.split(",")],
                                               a.cases.split(","), range(lo, hi + 1)):
            space, u, y, rel, irr = data(case, n, seed)
            for m in methods:
                label = m if ":" not in m else "hsicho:" + m.split(":", 1)[1].split("=", 1)[0]
                if (case, n, seed, label) in done:
                    continue
                for name, (ranking, sec) in run_method(m, space, u, y, seed).items():
                    f.write(json.dumps({"case": case, "n": n, "seed": seed, "method": name,
                                        "ranking": ranking, "seconds": round(sec, 4),
                                        "relevant": sorted(rel), "irrelevant": sorted(irr)}) + "\n")
                    f.flush()


if __name__ == "__main__":
    main()
