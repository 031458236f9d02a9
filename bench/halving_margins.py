#!/usr/bin/env python3
"""Halving's margins, replayed on the full studies' curves (issue 40: epochs against goal recall).

`pruning.mode: halving` decides at each rung with every training of the batch (study/pruning.cpp,
goes_on): a training goes on while its best validation error so far is at most the errors'
sorted[floor(L (n - 1))] among the n others, L = keep x alpha, widened by two standard errors of
a quantile estimated from n values (`se`). In halving the others are the whole batch, not a
sample of it, so that widening guards against no sampling error; what it does in practice is
give more room to late bloomers. This script asks, offline, which margins keep the goal set for
the fewest epochs: each full study (every training to its last epoch, 2 ranks) is run once and
its per-epoch validation curves kept (a training's first k epochs are the same whether it goes
on or not); halving's decisions are then replayed for each schedule of margins, exactly as the
program makes them (the trainings that ended before a rung counting with their error if they
finished, as the worst otherwise). Measures per case: epochs / the full study's, and the goal
recall (the share of the full study's goal set trained to the end).

Usage: OMP_NUM_THREADS=1 /usr/bin/python3 bench/halving_margins.py --seeds 1-10 \\
           --cache /tmp/halving_curves [--cases runge,bateman,runge2d,oscillator] \\
           [--out bench/results/halving_margins_seeds_1-10.jsonl]
The cache folder holds one .npz of curves per study (not kept in the repository); a study
already there is not run again.
"""
import argparse
import json
import math
import os
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import early_stopping as es  # noqa: E402
import early_stopping_vs_optuna as ev  # noqa: E402

ALPHA = 0.15  # the decks' analysis.alpha
RUNG_SETTINGS = {"runge": (3, 3), "bateman": (2, 3), "runge2d": (2, 3), "oscillator": (3, 3)}

# name -> (keep per rung, the last for the rungs after it; the two-standard-error widening: on
# every rung, none, or the first only; the rungs' factor: None for the deck's, 3)
SCHEDULES = {
    "shipped [3, 2, 1.5] + se": ([3, 2, 1.5], True, None),
    "[3, 2, 1.5]": ([3, 2, 1.5], False, None),
    "[4, 3, 2]": ([4, 3, 2], False, None),
    "[5, 3, 1.5]": ([5, 3, 1.5], False, None),
    "[6, 4, 2]": ([6, 4, 2], False, None),
    "[4, 3, 1.5] + se first rung only": ([4, 3, 1.5], "first", None),
    "factor 2, [3, 2, 1.5] + se": ([3, 2, 1.5], True, 2),
    "factor 2, [4, 3, 2, 1.5]": ([4, 3, 2, 1.5], False, 2),
    "factor 2, [5, 4, 3, 2, 1.5]": ([5, 4, 3, 2, 1.5], False, 2),
    "factor 2, [4, 3, 2, 1.5] + se": ([4, 3, 2, 1.5], True, 2),
    "factor 2, [3, 2, 1.5, 1.2] + se": ([3, 2, 1.5, 1.2], True, 2),
    "factor 1.5, [3, 2, 1.5] + se": ([3, 2, 1.5], True, 1.5),
}


def rungs_for(min_epochs, factor, epochs):
    out, r = [], float(min_epochs)
    while r < epochs:
        e = int(round(r))
        if not out or e > out[-1]:
            out.append(e)
        r *= factor
    return out


def replay(curves, keep, se, rungs):
    """Epochs each training runs and whether it reaches its end, under halving with `keep`."""
    n, epochs = curves.shape
    length = np.array([np.sum(np.isfinite(c)) for c in curves])  # ended early: NaN past its end
    alive = np.ones(n, bool)
    ran = length.astype(float).copy()
    for k, rung in enumerate(rungs):
        kk = keep[min(k, len(keep) - 1)]
        widen = se is True or (se == "first" and k == 0)
        best = np.array([np.nanmin(c[:min(rung, max(length[i], 1))]) if length[i] else np.inf
                         for i, c in enumerate(curves)])
        here = alive & (length > rung)
        # Ended before the rung: their error if they finished (alive), the worst if stopped.
        errs = np.where(alive, best, np.inf)
        kept = min(1.0, kk * ALPHA)
        for i in np.where(here)[0]:
            others = np.sort(np.delete(errs, i))
            m = len(others)
            level = min(1.0, kept + (2 * math.sqrt(kept * (1 - kept) / m) if widen else 0.0))
            t = others[int(math.floor(level * (m - 1)))]
            if best[i] > t:
                alive[i] = False
                ran[i] = rung
    return ran, alive


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", default="1-10")
    ap.add_argument("--cases", default="runge,bateman,runge2d,oscillator")
    ap.add_argument("--cache", required=True)
    ap.add_argument("--out")
    ap.add_argument("--hsicho", default=os.path.join(es.ROOT, "build/hsicho"))
    a = ap.parse_args()
    lo, hi = (int(x) for x in a.seeds.split("-"))
    os.makedirs(a.cache, exist_ok=True)
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_rmaps_base_oversubscribe="1", OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    data = tempfile.mkdtemp()
    subprocess.run(["/usr/bin/python3", os.path.join(es.ROOT, "examples/oscillator/make_data.py"),
                    "--out", os.path.join(data, "oscillator.csv")], check=True, capture_output=True)
    results = {}
    for case in a.cases.split(","):
        for seed in range(lo, hi + 1):
            path = os.path.join(a.cache, f"{case}-{seed}.npz")
            if not os.path.exists(path):
                curves, goal = ev.full_study(case, seed, data, env, a.hsicho)
                np.savez_compressed(path, curves=curves, goal=np.array(goal, int))
            z = np.load(path)
            curves, goal = z["curves"], list(z["goal"])
            first, factor = RUNG_SETTINGS[case]
            for name, (keep, se, f) in SCHEDULES.items():
                rungs = rungs_for(first, f or factor, curves.shape[1])
                ran, alive = replay(curves, keep, se, rungs)
                full = np.sum([np.sum(np.isfinite(c)) for c in curves])
                recall = np.mean([alive[i] for i in goal]) if goal else float("nan")
                results.setdefault((case, name), []).append((ran.sum() / full, recall, seed))
    lines = []
    print(f"{'case':11s} {'schedule':34s} epochs  recall (lowest)  seeds")
    for (case, name), v in results.items():
        ep, rec = np.array([x[0] for x in v]), np.array([x[1] for x in v])
        print(f"{case:11s} {name:34s} {np.median(ep):.3f}   {rec.mean():.3f} ({rec.min():.2f})    {len(v)}")
        lines.append({"case": case, "schedule": name, "epochs": [float(x) for x in ep],
                      "recall": [float(x) for x in rec], "seeds": [x[2] for x in v]})
    if a.out:
        with open(a.out, "w") as f:
            for line in lines:
                f.write(json.dumps(line) + "\n")


if __name__ == "__main__":
    main()
