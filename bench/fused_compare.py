#!/usr/bin/python3
"""Fused training against one at a time (issue 32): each small-MLP deck, each seed, trained with
study.fuse: 1 and study.fuse: 16 back to back on one rank (one core), in alternating order, so
that the machine's noise falls on both alike. One JSON line per (deck, seed, mode) in
bench/results/fused_seeds_A-B.jsonl: wall time, training seconds (the study file's sum), the
number of trainings, every validation error, and the indices' ranking. Resumable: lines already
there are not run again. Summarize with bench/summarize_fused.py.

    /usr/bin/python3 bench/fused_compare.py [--seeds 1-5] [--decks demo,runge_small,...]
        [--hsicho build/hsicho]
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
DECKS = ["demo", "runge_small", "bateman_small", "table_oscillator_small"]
MODES = {"alone": 1, "fused": 16}


def deck_text(name, seed, fuse):
    text = open(os.path.join(ROOT, "inputs", name + ".yaml")).read()
    # The study block's seed and fuse, whichever way the deck writes the block.
    if re.search(r"^study:\s*\{", text, re.M):
        text = re.sub(r"^study:\s*\{", "study: {fuse: %d, " % fuse, text, count=1, flags=re.M)
        text = re.sub(r"(^study:.*?)seed:\s*\d+", r"\g<1>seed: %d" % seed, text, count=1, flags=re.M)
    else:
        text = re.sub(r"^study:\s*\n", "study:\n  fuse: %d\n" % fuse, text, count=1, flags=re.M)
        text = re.sub(r"(^study:\n(?:  .*\n)*?)  seed: \d+", r"\g<1>  seed: %d" % seed, text, count=1,
                      flags=re.M)
    assert "fuse: %d" % fuse in text and "seed: %d" % seed in text, name
    return text


def run_one(hsicho, name, seed, mode, work):
    deck = os.path.join(work, "%s_%d_%s.yaml" % (name, seed, mode))
    out = deck[:-5] + ".h5"
    with open(deck, "w") as fh:
        fh.write(deck_text(name, seed, MODES[mode]))
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    t0 = time.perf_counter()
    # From the work folder: the oscillator's data/oscillator.csv is made there.
    subprocess.run([hsicho, "run", deck, "--out", out], cwd=work, env=env,
                   check=True, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    with h5py.File(out, "r") as f:
        seconds = f["results/seconds"][()]
        val = f["results/val_error"][()]
        names = [n.decode() if isinstance(n, bytes) else str(n) for n in f["analysis/names"][()]]
        hsic = f["analysis/hsic"][()]
    ranking = [names[k] for k in np.argsort(-hsic)]
    return {"deck": name, "seed": seed, "mode": mode, "fuse": MODES[mode], "wall": wall,
            "train_seconds": float(np.sum(seconds)), "trainings": int(len(val)),
            "val_error": [float(v) for v in val], "ranking": ranking}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", default="1-5")
    ap.add_argument("--decks", default=",".join(DECKS))
    ap.add_argument("--hsicho", default=os.path.join(ROOT, "build", "hsicho"))
    args = ap.parse_args()
    a, b = (int(v) for v in args.seeds.split("-"))
    path = os.path.join(ROOT, "bench", "results", "fused_seeds_%d-%d.jsonl" % (a, b))
    done = set()
    if os.path.exists(path):
        for line in open(path):
            r = json.loads(line)
            done.add((r["deck"], r["seed"], r["mode"]))
    work = tempfile.mkdtemp()
    subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "examples", "oscillator", "make_data.py")],
                   cwd=work, check=True, capture_output=True)
    try:
        for name in args.decks.split(","):
            for seed in range(a, b + 1):
                modes = ["alone", "fused"] if seed % 2 else ["fused", "alone"]
                for mode in modes:
                    if (name, seed, mode) in done:
                        continue
                    r = run_one(args.hsicho, name, seed, mode, work)
                    with open(path, "a") as fh:
                        fh.write(json.dumps(r) + "\n")
                    print("%s seed %d %s: %d trainings, %.1f s training, %.1f s wall" % (
                        name, seed, mode, r["trainings"], r["train_seconds"], r["wall"]), flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
