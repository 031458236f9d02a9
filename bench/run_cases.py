#!/usr/bin/env python3
"""Runs every *_small deck of inputs/ (whose data is available) on 2 ranks for 3 study seeds and
prints, per case, the ranked indices with p-values, the strongest interactions, the best network,
and the Kendall tau between the rankings of the seeds (docs/results.md).

Usage: /usr/bin/python3 bench/run_cases.py [--seeds 1 2 3] [--hsicho build/hsicho] [--out out/cases]
"""
import argparse
import itertools
import os
import re
import subprocess
import time

import h5py
import numpy as np
from scipy.stats import kendalltau

ENV = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", OMPI_ALLOW_RUN_AS_ROOT="1",
           OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1", OMPI_MCA_rmaps_base_oversubscribe="1")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    ap.add_argument("--hsicho", default="build/hsicho")
    ap.add_argument("--out", default="out/cases")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    for deck in sorted(f for f in os.listdir("inputs") if f.endswith("_small.yaml")):
        case = deck[:-len("_small.yaml")]
        studies = []
        for seed in a.seeds:
            text = re.sub(r"seed: \d+", f"seed: {seed}", open(os.path.join("inputs", deck)).read(), count=1)
            path = os.path.join(a.out, f"{case}_{seed}.yaml")
            open(path, "w").write(text)
            h5 = os.path.join(a.out, f"{case}_{seed}.h5")
            subprocess.run(["rm", "-rf", h5, h5 + ".journal"], check=True)
            t0 = time.time()
            r = subprocess.run(["mpiexec", "-n", "2", a.hsicho, "run", path, "--out", h5], capture_output=True,
                               text=True, env=ENV)
            if r.returncode != 0:
                why = [l for l in (r.stdout + r.stderr).splitlines() if "hsicho: error" in l]
                print(f"\n### {case}: not run here ({why[0] if why else 'see ' + h5 + '.log'})")
                break
            studies.append((seed, h5py.File(h5, "r"), time.time() - t0))
        if len(studies) < len(a.seeds):
            continue
        seed, f, wall = studies[0]
        an = f["analysis"]
        names = list(an["names"].asstr())
        h, p = an["hsic"][()], an["pvalue"][()]
        cond = an["conditional"][()].astype(bool)
        boot = an.attrs.get("bootstrap", 0) > 0  # version 2 writes the columns always
        order = [k for k in np.argsort(-np.nan_to_num(h, nan=-1)) if not cond[k]]
        metric = f["results"].attrs["metric"]
        print(f"\n### {case} ({deck}, seed {seed}: {f['results/val_error'].shape[0]} trainings on 2 ranks, {wall:.0f} s)\n")
        topk = an.attrs["top_k"] if boot else 0
        print("| rank | hyperparameter | HSIC | p-value |" + (f" 95% interval | top {topk} |" if boot else ""))
        print("|---|---|---|---|" + ("---|---|" if boot else ""))
        for r, k in enumerate(order):
            star = " *" if p[k] < 0.05 else ""
            extra = ""
            if boot:
                share = an["top_share"][k]
                stable = "" if share >= 0.9 or share <= 0.1 else " ~"
                extra = f" [{an['ci_low'][k]:.1e}, {an['ci_high'][k]:.1e}] | {100 * share:.0f}%{stable} |"
            print(f"| {r + 1} | {names[k]} | {h[k]:.2e} | {p[k]:.2g}{star} |{extra}")
        for k in np.where(cond)[0]:
            print(f"\nconditional: {names[k]}, measured on the {an['n'][k]} trainings where it exists: HSIC "
                  f"{h[k]:.2e} (p {p[k]:.2g}); whether it exists: HSIC {an['active_hsic'][k]:.2e} "
                  f"(p {an['active_pvalue'][k]:.2g})")
        if "interactions_anova" in an:
            m, pv = an["interactions_anova"][()], an["interactions_pvalue"][()]
            pairs = sorted(((m[i, j], pv[i, j], names[i], names[j]) for i in range(len(names))
                            for j in range(i + 1, len(names)) if np.isfinite(m[i, j])), reverse=True)[:3]
            print("\ninteractions (beyond main effects): " + "; ".join(
                f"{x} x {y} {v:.2e} (p {q:.2g}{' *' if q < 0.05 else ''})" for v, q, x, y in pairs))
        elif "interactions" in an:
            m = an["interactions"][()]
            pairs = sorted(((m[i, j], names[i], names[j]) for i in range(len(names)) for j in range(i + 1, len(names))
                            if np.isfinite(m[i, j])), reverse=True)[:3]
            print("\nstrongest pairs: " + "; ".join(f"{x} x {y} {v:.2e}" for v, x, y in pairs))
        b = f["best"].attrs
        print(f"\nbest network: {b['values']} — validation {metric} {b['val_error']:.3g}, test {b['test_error']:.3g}, "
              f"{b['parameters']} parameters")
        ranks = []
        for _, g, _ in studies:
            keep = ~g["analysis/conditional"][()].astype(bool)
            hs = g["analysis/hsic"][()][keep]
            ranks.append(np.argsort(np.argsort(-np.nan_to_num(hs, nan=-1))))
        taus = [kendalltau(ranks[i], ranks[j])[0] for i, j in itertools.combinations(range(len(ranks)), 2)]
        tops = [names[int(np.argmax(np.where(g["analysis/conditional"][()].astype(bool), -1,
                                             np.nan_to_num(g["analysis/hsic"][()], nan=-1))))] for _, g, _ in studies]
        print(f"\nstability: Kendall tau between the rankings of seeds {a.seeds} (conditional inputs aside): "
              + ", ".join(f"{t:.2f}" for t in taus) + f" (mean {np.mean(taus):.2f}); top input per seed: {', '.join(tops)}")


if __name__ == "__main__":
    main()
