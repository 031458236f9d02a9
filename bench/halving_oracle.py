#!/usr/bin/env python3
"""The least any early-stopping rule that keeps the whole goal set could spend (issue 40).

For each case and seed of bench/early_stopping.py, the full study (every training to its last
epoch, 2 ranks) is run once; then: the full study's goal set trained to the end and every other
training to the first rung only, as a fraction of the full study's epochs, parameters x epochs
and trainings' own seconds (seconds assumed even over a training's epochs), and the goal set's
own share of the parameters x epochs. docs/results.md, "The training's own wall time, and where
it goes", quotes seeds 11-13.

Usage: OMP_NUM_THREADS=1 /usr/bin/python3 bench/halving_oracle.py [--seeds 11-13]
           [--cases runge,bateman,runge2d,oscillator] [--hsicho build/hsicho]
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import early_stopping as es  # noqa: E402

FIRST_RUNG = {"runge": 3, "bateman": 2, "runge2d": 2, "oscillator": 3}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", default="11-13")
    ap.add_argument("--cases", default="runge,bateman,runge2d,oscillator")
    ap.add_argument("--hsicho", default=os.path.join(es.ROOT, "build/hsicho"))
    a = ap.parse_args()
    lo, hi = (int(x) for x in a.seeds.split("-"))
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_rmaps_base_oversubscribe="1", OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    data = tempfile.mkdtemp()
    subprocess.run(["/usr/bin/python3", os.path.join(es.ROOT, "examples/oscillator/make_data.py"),
                    "--out", os.path.join(data, "oscillator.csv")], check=True, capture_output=True)
    for case in a.cases.split(","):
        for seed in range(lo, hi + 1):
            work = tempfile.mkdtemp()
            open(os.path.join(work, "d.yaml"), "w").write(es.deck_text(case, seed, None, data))
            subprocess.run(["mpiexec", "-n", "2", a.hsicho, "run", "d.yaml", "--out", "s.h5"],
                           cwd=work, env=env, capture_output=True, check=True)
            f = h5py.File(os.path.join(work, "s.h5"), "r")
            err, ep = f["results/val_error"][()], f["results/epochs"][()].astype(float)
            par, sec = f["results/parameters"][()].astype(float), f["results/seconds"][()]
            goal = err <= f["analysis"].attrs["threshold"]
            part = FIRST_RUNG[case] / ep

            def least(w):
                return (np.sum(w[goal]) + np.sum(w[~goal] * part[~goal])) / np.sum(w)

            print(f"{case:10s} seed {seed}: goal set {goal.sum()} of {len(err)}; least epochs "
                  f"{least(ep):.2f}, parameters x epochs {least(par * ep):.2f}, seconds "
                  f"{least(sec):.2f}; the goal set's share of parameters x epochs "
                  f"{np.sum((par * ep)[goal]) / np.sum(par * ep):.2f}", flush=True)
            f.close()
            shutil.rmtree(work, ignore_errors=True)
    shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
