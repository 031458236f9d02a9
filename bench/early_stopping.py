#!/usr/bin/env python3
"""Goal-aware early stopping against the same study trained to the end (issue 29).

For each case and seed, the same design twice: without a pruning block (every training to its
last epoch) and with one. Each run appends one JSON line to --out (resumable: a line already
there is not run again): wall seconds (the whole run, and its training alone: the study file's
training_wall_s), epochs and training seconds in all, the goal set (the
configurations at or below the analysis' threshold), and each input's index and p-value.
bench/summarize_early_stopping.py turns the lines into the tables of docs/results.md.

Usage (Debian's python3-h5py; mpiexec from openmpi-bin; 2 ranks):
  OMP_NUM_THREADS=1 /usr/bin/python3 bench/early_stopping.py --seeds 11-20 \\
      --out bench/results/early_stopping_seeds_11-20.jsonl [--cases runge,bateman] \\
      [--pruning "min_epochs: 3, factor: 3, keep: [3, 2, 1.5]"]
--pruning without a mode runs `mode: ordered` (the lines before `auto` became hsicho's default).
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import tempfile
import time

import h5py
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Each case: a deck (the study's seed set per run), the pruning block's rungs for its epochs.
CASES = {
    "runge": (open(os.path.join(ROOT, "inputs/early_stopping_full.yaml")).read(),
              "min_epochs: 3, factor: 3"),
    "bateman": (open(os.path.join(ROOT, "inputs/bateman_small.yaml")).read()
                .replace("samples: 40", "samples: 64"), "min_epochs: 2, factor: 3"),
    "runge2d": (open(os.path.join(ROOT, "inputs/runge2d_small.yaml")).read()
                .replace("samples: 40", "samples: 64"), "min_epochs: 2, factor: 3"),
    "oscillator": (open(os.path.join(ROOT, "inputs/table_oscillator_small.yaml")).read()
                   .replace("samples: 48", "samples: 64")
                   .replace("path: data/oscillator.csv", "path: " + "{data}/oscillator.csv"),
                   "min_epochs: 3, factor: 3"),
    "fashion_mnist": (open(os.path.join(ROOT, "inputs/fashion_mnist_small.yaml")).read()
                      .replace("samples: 16", "samples: 32").replace("epochs: 3", "epochs: 9")
                      .replace("train: 2000", "train: 1000").replace("validation: 1000", "validation: 500"),
                      "min_epochs: 1, factor: 3"),
    "pytorch": (open(os.path.join(ROOT, "examples/pytorch/mlp.yaml")).read()
                .replace("train_mlp.py", os.path.join(ROOT, "examples/pytorch/train_mlp.py"))
                .replace("data/oscillator.csv", "{data}/oscillator.csv"),
                "rungs: [3, 9, 27]"),  # a command's rungs are listed (min_epochs 3, factor 3)
}


def deck_text(case, seed, pruning, data):
    text, rungs = CASES[case]
    text = re.sub(r"(study: \{name: [a-z0-9_]+, seed: )\d+", lambda m: m.group(1) + str(seed), text)
    text = text.replace("{data}", data)
    if pruning is not None:
        if "mode:" not in pruning:
            # What every earlier line measured without a mode (hsicho's default was ordered until
            # pruning.mode: auto), so that the documented commands rerun what they measured.
            pruning = (pruning + ", " if pruning else "") + "mode: ordered"
        text = text.replace("\nspace:", "\npruning: {" + rungs + (", " + pruning if pruning else "") +
                            "}\nspace:", 1)
        if "mode: halving" in pruning and "\n  command:" in text:
            # A command under halving keeps the checkpoint contract (examples/pytorch does).
            text = text.replace("\n  command:", "\n  checkpoint: true\n  command:", 1)
    return text


def goal_and_indices(path):
    f = h5py.File(path, "r")
    stage = f["configs/stage"][()]
    status = [s.decode() if isinstance(s, bytes) else s for s in f["results/status"][()]]
    err = f["results/val_error"][()]
    ids = f["configs/id"][()] if "id" in f["configs"] else np.arange(len(err))
    an = f["analysis"]
    t = an.attrs["threshold"]
    goal = sorted(int(i) for i, s, e, st in zip(ids, status, err, stage)
                  if st == 1 and s == "ok" and e <= t)
    names = [n.decode() if isinstance(n, bytes) else n for n in an["names"][()]]
    inputs = {n: {"hsic": float(h), "pvalue": float(p), "conditional": bool(c)}
              for n, h, p, c in zip(names, an["hsic"][()], an["pvalue"][()], an["conditional"][()])}
    epochs = int(np.sum(f["results/epochs"][()]))
    seconds = float(np.sum(f["results/seconds"][()]))
    stopped = sum(s == "stopped" for s in status)
    # The run's training wall time (without start-up, analysis and writing; NaN before it was
    # recorded).
    training_wall = float(f.attrs.get("training_wall_s", np.nan))
    return goal, inputs, epochs, seconds, stopped, len(err), training_wall


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", default="11-20")
    ap.add_argument("--cases", default=",".join(CASES))
    ap.add_argument("--out", required=True)
    ap.add_argument("--pruning", default="", help="further keys of the pruning block")
    ap.add_argument("--label", default="", help="names this pruning setting in the lines")
    ap.add_argument("--ranks", type=int, default=2)
    ap.add_argument("--hsicho", default=os.path.join(ROOT, "build/hsicho"))
    a = ap.parse_args()
    lo, hi = (int(x) for x in a.seeds.split("-"))
    done = set()
    if os.path.exists(a.out):
        for line in open(a.out):
            r = json.loads(line)
            done.add((r["case"], r["seed"], r["variant"], r.get("label", "")))
    data = tempfile.mkdtemp()
    subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "examples/oscillator/make_data.py"),
                    "--out", os.path.join(data, "oscillator.csv")], check=True, capture_output=True)
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_rmaps_base_oversubscribe="1", OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    for case in a.cases.split(","):
        for seed in range(lo, hi + 1):
            for variant in ("full", "pruned"):
                label = a.label if variant == "pruned" else ""
                if (case, seed, variant, label) in done:
                    continue
                work = tempfile.mkdtemp()
                deck = os.path.join(work, "deck.yaml")
                open(deck, "w").write(deck_text(case, seed, None if variant == "full" else a.pruning, data))
                t0 = time.time()
                r = subprocess.run(["mpiexec", "-n", str(a.ranks), a.hsicho, "run", deck, "--out",
                                    os.path.join(work, "s.h5")], cwd=work, env=env,
                                   capture_output=True, text=True)
                wall = time.time() - t0
                if r.returncode != 0:
                    print(f"{case} seed {seed} {variant}: exit {r.returncode}: {r.stderr[-400:]}")
                    shutil.rmtree(work, ignore_errors=True)
                    continue
                goal, inputs, epochs, seconds, stopped, n, training_wall = goal_and_indices(
                    os.path.join(work, "s.h5"))
                line = {"case": case, "seed": seed, "variant": variant, "label": label,
                        "pruning": a.pruning if variant == "pruned" else None, "wall": wall,
                        "training_wall": training_wall,
                        "epochs": epochs, "seconds": seconds, "stopped": stopped, "trainings": n,
                        "goal": goal, "inputs": inputs}
                with open(a.out, "a") as out:
                    out.write(json.dumps(line) + "\n")
                print(f"{case} seed {seed} {variant}: {wall:.1f} s, {epochs} epochs, "
                      f"{stopped} stopped", flush=True)
                shutil.rmtree(work, ignore_errors=True)
    shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
