#!/usr/bin/env python3
"""A dependency-free training program for hsicho's external command (standard library only).

It fits the Runge function 1 / (1 + 25 x^2) on [-1, 1] with a polynomial of the given degree,
by stochastic gradient descent on Legendre-like features, and reports the validation and test
mean squared errors. Small and quick (a fraction of a second), but a real training: the error
depends on the learning rate, the degree, the batch size and the epochs, and a learning rate too
large diverges (the script then reports error NaN and hsicho records status diverged).

The contract (docs/driver.md): hsicho writes params.json and runs

    python3 examples/external/toy_train.py PARAMS.json RESULT.json

which reads the hyperparameters from params["params"] and writes {"error": ..., ...}. It also
reports its validation error after each epoch to the progress file (params["progress"]), so that
a deck with a pruning block can stop it early at a rung: it then finds the stop file
(params["stop_file"]) and ends (hsicho also sends SIGTERM).

It keeps the checkpoint contract too (training.checkpoint: true, for pruning.mode: halving):
given params["pause_after"] = E it trains through epoch E, saves everything it needs to go on
(weights, the random generator, the shuffled order, the curve so far) to params["checkpoint"] and
ends; given params["continue_from"] it loads that state and goes on with the next epoch, so that
a paused and continued training is bit for bit the uninterrupted one.
"""
import json
import math
import os
import random
import sys


def features(x, degree):
    # Chebyshev polynomials T_0 .. T_degree: well conditioned on [-1, 1].
    t = [1.0, x]
    while len(t) <= degree:
        t.append(2 * x * t[-1] - t[-2])
    return t[: degree + 1]


def mse(w, data, degree):
    s = 0.0
    for x, y in data:
        s += (sum(a * b for a, b in zip(w, features(x, degree))) - y) ** 2
    return s / len(data)


def main():
    params_path, result_path = sys.argv[1], sys.argv[2]
    job = json.load(open(params_path))
    p = job["params"]
    lr, degree = float(p["lr"]), int(p.get("degree", 4))
    batch, epochs = int(p.get("batch_size", 16)), int(p.get("epochs", 20))
    epochs = max(1, round(epochs * job.get("epochs_factor", 1)))
    rng = random.Random(job["seed"])
    data_rng = random.Random(1)  # the same data for every configuration
    runge = lambda x: 1 / (1 + 25 * x * x)
    train = [(x, runge(x)) for x in (data_rng.uniform(-1, 1) for _ in range(256))]
    val = [(x, runge(x)) for x in (data_rng.uniform(-1, 1) for _ in range(128))]
    test = [(x, runge(x)) for x in (data_rng.uniform(-1, 1) for _ in range(256))]
    w = [rng.gauss(0, 0.1) for _ in range(degree + 1)]
    # Early stopping (docs/driver.md): one line per epoch to the progress file hsicho names, and
    # a stop asked for by the stop file (or SIGTERM, whose default ends the process at once).
    progress_path = job.get("progress") or os.environ.get("HSICHO_PROGRESS")
    stop_path = job.get("stop_file") or os.environ.get("HSICHO_STOP_FILE")
    progress = open(progress_path, "a") if progress_path else None
    curves, best, best_epoch, best_test = [], math.inf, 0, math.inf
    start = 0
    if job.get("continue_from"):  # the checkpoint contract: go on where the pause left it
        st = json.load(open(job["continue_from"]))
        start, w, curves = st["epoch"], st["w"], st["curves"]
        best, best_epoch, best_test = st["best"], st["best_epoch"], st["best_test"]
        train = [tuple(xy) for xy in st["train"]]
        rng.setstate((st["rng"][0], tuple(st["rng"][1]), st["rng"][2]))
    pause_after = job.get("pause_after", 0)
    for epoch in range(start, epochs):
        if stop_path and os.path.exists(stop_path):
            return  # hsicho stopped it at a rung: its result is the progress it reported
        rng.shuffle(train)
        for first in range(0, len(train), batch):
            grad = [0.0] * len(w)
            part = train[first:first + batch]
            for x, y in part:
                f = features(x, degree)
                r = sum(a * b for a, b in zip(w, f)) - y
                for k in range(len(w)):
                    grad[k] += 2 * r * f[k] / len(part)
            w = [a - lr * g for a, g in zip(w, grad)]
        try:
            v = mse(w, val, degree)
        except OverflowError:
            v = math.inf
        if not math.isfinite(v):
            json.dump({"error": float("nan"), "message": f"diverged in epoch {epoch + 1}"},
                      open(result_path, "w"))
            return
        curves.append(v)
        if progress:
            progress.write(json.dumps({"epoch": epoch + 1, "error": v}) + "\n")
            progress.flush()
        if v < best:
            best, best_epoch, best_test = v, epoch + 1, mse(w, test, degree)
        if pause_after and epoch + 1 == pause_after and epoch + 1 < epochs:
            state = {"epoch": epoch + 1, "w": w, "curves": curves, "best": best,
                     "best_epoch": best_epoch, "best_test": best_test, "train": train,
                     "rng": rng.getstate()}
            tmp = job["checkpoint"] + ".tmp"
            json.dump(state, open(tmp, "w"))
            os.replace(tmp, job["checkpoint"])  # whole or absent, even if killed here
            json.dump({"error": best, "epochs": epoch + 1, "curves": curves}, open(result_path, "w"))
            return
    json.dump({"error": best, "test_error": best_test, "parameters": degree + 1,
               "epochs": epochs, "best_epoch": best_epoch, "curves": curves,
               "metrics": {"final_error": curves[-1], "weight_norm": math.sqrt(sum(a * a for a in w))}},
              open(result_path, "w"))


if __name__ == "__main__":
    main()
