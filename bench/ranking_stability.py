#!/usr/bin/env python3
"""Does the expected kernel of discrete inputs make rankings more stable across study seeds?
Re-analyses the studies bench/run_cases.py wrote (out/cases/CASE_SEED.h5, seeds 1-3) at their own
alpha, with --discrete jitter (the paper's) and expected (hsicho's default), and prints the Kendall
tau between the rankings of the inputs that are not conditional, pair of seeds by pair.

Usage: /usr/bin/python3 bench/ranking_stability.py   (after bench/run_cases.py)
"""
import itertools
import json
import subprocess

import h5py
import numpy as np
from scipy.stats import kendalltau

for case in ["bateman", "runge", "runge2d"]:
    row = []
    for disc in ["jitter", "expected"]:
        ranks = []
        for seed in [1, 2, 3]:
            path = f"out/cases/{case}_{seed}.h5"
            alpha = str(h5py.File(path)["analysis"].attrs["alpha"])
            r = subprocess.run(["build/hsicho", "analyze", path, "--alpha", alpha, "--discrete", disc,
                                "--bootstrap", "0", "--conditional", "--json"],
                               capture_output=True, text=True, check=True)
            inputs = [i for i in json.loads(r.stdout)["inputs"] if not i["conditional"]]
            ranks.append(np.argsort(np.argsort([-i["hsic"] for i in inputs])))
        taus = [kendalltau(ranks[a], ranks[b])[0] for a, b in itertools.combinations(range(3), 2)]
        row.append(f"{disc}: {', '.join(f'{t:.2f}' for t in taus)} (mean {np.mean(taus):.2f})")
    print(f"{case}: " + "; ".join(row))
