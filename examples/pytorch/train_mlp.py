#!/usr/bin/env python3
"""A plain PyTorch training function served to hsicho (hsicho.serve): an MLP surrogate of the
damped oscillator table (examples/oscillator/make_data.py writes data/oscillator.csv: inputs t,
omega, zeta; outputs x, v).

train() gets one configuration's hyperparameters and returns the validation MSE as "error" (what
hsicho ranks by), the test MSE, the parameter count, the validation curve and one extra metric.
With `persistent: true` in the deck (examples/pytorch/mlp.yaml) this script starts once per rank:
`import torch` and the data are paid once, not per configuration. Nothing here knows about MPI,
the journal or the study file: hsicho adds those.

It keeps the checkpoint contract of successive halving (docs/driver.md, "Paused and continued";
the deck says `training.checkpoint: true` under `pruning.mode: halving`): given p.pause_after =
E it trains through epoch E, saves what the next epochs depend on (weights, Adam's state, the
random generator, the best so far and the curve) to p.checkpoint and returns the result so far;
given p.continue_from it loads that and goes on, the same training as one that never paused.

Needs Debian's python3-torch (use /usr/bin/python3), and hsicho's Python module (scripts/setup.sh
makes it importable).
"""
import argparse
import csv
import math
import os

import torch

import hsicho

X = Y = VAL = TEST = TRAIN = None


def load(path):
    """The data, read once per process; the same split for every configuration."""
    global X, Y, VAL, TEST, TRAIN
    rows = list(csv.DictReader(open(path)))
    X = torch.tensor([[float(r["t"]), float(r["omega"]), float(r["zeta"])] for r in rows])
    Y = torch.tensor([[float(r["x"]), float(r["v"])] for r in rows])
    order = torch.randperm(len(rows), generator=torch.Generator().manual_seed(1))
    n_val = n_test = len(rows) // 5
    VAL, TEST, TRAIN = order[:n_val], order[n_val:n_val + n_test], order[n_val + n_test:]
    X = (X - X[TRAIN].mean(0)) / X[TRAIN].std(0)


def train(p, report):
    """One configuration: p holds its hyperparameters (p.seed, p.device: hsicho's)."""
    device = torch.device(p.device)  # "cpu", or "cuda:0": hsicho set CUDA_VISIBLE_DEVICES
    x, y = X.to(device), Y.to(device)
    act = {"relu": torch.nn.ReLU, "tanh": torch.nn.Tanh, "silu": torch.nn.SiLU}[p.get("activation", "relu")]
    layers, width = [], 3
    for _ in range(int(p.get("layers", 2))):
        layers += [torch.nn.Linear(width, int(p.get("units", 32))), act()]
        width = int(p.get("units", 32))
    net = torch.nn.Sequential(*layers, torch.nn.Linear(width, 2)).to(device)
    opt = torch.optim.Adam(net.parameters(), lr=float(p["lr"]), weight_decay=float(p.get("weight_decay", 0)))
    batch = int(p.get("batch_size", 32))
    epochs = max(1, round(int(p.get("epochs", 40)) * p.epochs_factor))

    def mse(idx):
        with torch.no_grad():
            return torch.mean((net(x[idx]) - y[idx]) ** 2).item()

    best, best_epoch, best_test, curves, start = math.inf, 0, math.inf, [], 1
    if p.continue_from:  # the checkpoint contract: go on where the pause left it
        st = torch.load(p.continue_from)
        net.load_state_dict(st["net"])
        opt.load_state_dict(st["opt"])
        torch.set_rng_state(st["rng"])
        best, best_epoch, best_test, curves = st["best"], st["best_epoch"], st["best_test"], st["curves"]
        start = len(curves) + 1

    def result(ran):
        return {"error": best, "test_error": best_test, "best_epoch": best_epoch, "epochs": ran,
                "parameters": sum(t.numel() for t in net.parameters()), "curves": curves,
                "metrics": {"final_val_mse": curves[-1]}}

    for epoch in range(start, epochs + 1):
        perm = TRAIN[torch.randperm(len(TRAIN))]
        for first in range(0, len(perm), batch):
            idx = perm[first:first + batch]
            opt.zero_grad()
            loss = torch.mean((net(x[idx]) - y[idx]) ** 2)
            loss.backward()
            opt.step()
        v = mse(VAL)
        if not math.isfinite(v):
            return {"error": float("nan"), "message": f"diverged in epoch {epoch}"}
        curves.append(v)
        if v < best:
            best, best_epoch, best_test = v, epoch, mse(TEST)
        if not report(epoch, v):  # hsicho stopped it at a rung (pruning): what was reported counts
            break
        if epoch == p.pause_after and epoch < epochs:  # paused at a rung: save, whole or not at all
            torch.save({"net": net.state_dict(), "opt": opt.state_dict(), "rng": torch.get_rng_state(),
                        "best": best, "best_epoch": best_epoch, "best_test": best_test,
                        "curves": curves}, p.checkpoint + ".tmp")
            os.replace(p.checkpoint + ".tmp", p.checkpoint)
            return result(epoch)
    return result(epochs)


if __name__ == "__main__":  # run by hsicho; imported, load() and train() are yours to call
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    load(ap.parse_args().data)
    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "1")))
    hsicho.serve(train)
