#!/usr/bin/env python3
"""A plain PyTorch training script driven by hsicho (training.command): one configuration per run.

It reads hsicho's params.json, trains an MLP surrogate of the damped oscillator table
(examples/oscillator/make_data.py writes data/oscillator.csv: inputs t, omega, zeta; outputs x, v)
and writes result.json: the validation MSE as "error" (what hsicho ranks by), the test MSE, the
parameter count, the validation curve, and one extra metric. Nothing here knows about MPI, the
journal or the study file: hsicho adds those.

    python3 examples/pytorch/train_mlp.py PARAMS.json RESULT.json --data data/oscillator.csv

Needs Debian's python3-torch (use /usr/bin/python3).
"""
import argparse
import csv
import json
import math
import os

import torch

ap = argparse.ArgumentParser()
ap.add_argument("params")
ap.add_argument("result")
ap.add_argument("--data", required=True)
args = ap.parse_args()
job = json.load(open(args.params))
p = job["params"]
torch.manual_seed(job["seed"] % 2**63)
torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "1")))
device = torch.device(job["device"])  # "cpu", or "cuda:0": hsicho set CUDA_VISIBLE_DEVICES

rows = list(csv.DictReader(open(args.data)))
x = torch.tensor([[float(r["t"]), float(r["omega"]), float(r["zeta"])] for r in rows])
y = torch.tensor([[float(r["x"]), float(r["v"])] for r in rows])
split = torch.Generator().manual_seed(1)  # the same split for every configuration
order = torch.randperm(len(rows), generator=split)
n_val = n_test = len(rows) // 5
val, test, train = order[:n_val], order[n_val:n_val + n_test], order[n_val + n_test:]
mean, std = x[train].mean(0), x[train].std(0)
x = ((x - mean) / std).to(device)
y = y.to(device)

act = {"relu": torch.nn.ReLU, "tanh": torch.nn.Tanh, "silu": torch.nn.SiLU}[p.get("activation", "relu")]
layers, width = [], 3
for _ in range(int(p.get("layers", 2))):
    layers += [torch.nn.Linear(width, int(p.get("units", 32))), act()]
    width = int(p.get("units", 32))
net = torch.nn.Sequential(*layers, torch.nn.Linear(width, 2)).to(device)
opt = torch.optim.Adam(net.parameters(), lr=float(p["lr"]), weight_decay=float(p.get("weight_decay", 0)))
batch = int(p.get("batch_size", 32))
epochs = max(1, round(int(p.get("epochs", 40)) * job.get("epochs_factor", 1)))


def mse(idx):
    with torch.no_grad():
        return torch.mean((net(x[idx]) - y[idx]) ** 2).item()


# Early stopping (docs/driver.md): the validation error of each epoch goes to the progress file
# hsicho names; when hsicho stops the training at a rung it creates the stop file (and sends
# SIGTERM, which ends the process at once unless it is caught).
progress = open(job["progress"], "a") if job.get("progress") else None
stop_file = job.get("stop_file")
best, best_epoch, best_test, curves = math.inf, 0, math.inf, []
for epoch in range(epochs):
    if stop_file and os.path.exists(stop_file):
        raise SystemExit(0)  # stopped at a rung: the progress reported is the result
    perm = train[torch.randperm(len(train))]
    for first in range(0, len(perm), batch):
        idx = perm[first:first + batch]
        opt.zero_grad()
        loss = torch.mean((net(x[idx]) - y[idx]) ** 2)
        loss.backward()
        opt.step()
    v = mse(val)
    if not math.isfinite(v):
        json.dump({"error": float("nan"), "message": f"diverged in epoch {epoch + 1}"}, open(args.result, "w"))
        raise SystemExit(0)
    curves.append(v)
    if progress:
        progress.write(json.dumps({"epoch": epoch + 1, "error": v}) + "\n")
        progress.flush()
    if v < best:
        best, best_epoch, best_test = v, epoch + 1, mse(test)
json.dump({"error": best, "test_error": best_test, "best_epoch": best_epoch, "epochs": epochs,
           "parameters": sum(t.numel() for t in net.parameters()), "curves": curves,
           "metrics": {"final_val_mse": curves[-1]}}, open(args.result, "w"))
