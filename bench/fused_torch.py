#!/usr/bin/python3
"""hsicho's fused training against PyTorch from Python (Debian's python3-torch 1.13), on one
core, in one command (issue 32). Two parts:

1. A study's networks: runge_small's 48 configurations (seed 1) trained by `hsicho run` with
   study.fuse 1 and 16, and the same networks (layers, widths, activation, optimizer, rate,
   momentum, batch size, epochs, data sizes) trained one after another by a plain PyTorch loop.
2. One group of identical architectures, where functorch's vmap (1.13 has it as functorch) can
   train an ensemble: 16 MLPs 1 x 32 relu, Adam with per-network rates, 20 epochs of 256 Runge
   rows in batches of 32: PyTorch one after another, PyTorch vmap, and hsicho's
   build/hsicho_fused_micro (fused and one at a time; `cmake --build build --target
   hsicho_fused_micro`).

Prints one JSON line per measurement; appends them to bench/results/fused_torch.jsonl.
    /usr/bin/python3 bench/fused_torch.py [--hsicho build/hsicho] [--repeats 3]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import h5py
import numpy as np
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bench"))
import fused_compare  # noqa: E402  (the deck writer)

torch.set_num_threads(1)
ACT = {"relu": torch.nn.ReLU, "tanh": torch.nn.Tanh, "silu": torch.nn.SiLU, "gelu": torch.nn.GELU,
       "sigmoid": torch.nn.Sigmoid, "elu": torch.nn.ELU}


def runge_data(n, seed):
    g = torch.Generator().manual_seed(seed)
    x = torch.rand(n, 1, generator=g) * 2 - 1
    return x, 1 / (1 + 25 * x ** 2)


def train_torch(cfg, x, y, xv, yv, epochs, seed):
    torch.manual_seed(seed)
    layers, units = int(cfg["layers"]), int(cfg["units"])
    mods, width = [], 1
    for _ in range(layers):
        mods += [torch.nn.Linear(width, units), ACT[cfg["activation"]]()]
        width = units
    net = torch.nn.Sequential(*mods, torch.nn.Linear(width, 1))
    if cfg["optimizer"] == "sgd":
        opt = torch.optim.SGD(net.parameters(), lr=cfg["lr"], momentum=cfg.get("momentum") or 0)
    else:
        opt = torch.optim.Adam(net.parameters(), lr=cfg["lr"])
    batch = int(cfg.get("batch_size") or 32)
    for _ in range(epochs):
        order = torch.randperm(len(x))
        for s in range(0, len(x), batch):
            idx = order[s:s + batch]
            opt.zero_grad()
            loss = torch.nn.functional.mse_loss(net(x[idx]), y[idx])
            loss.backward()
            opt.step()
        with torch.no_grad():
            torch.nn.functional.mse_loss(net(xv), yv).item()


def study_part(hsicho, repeats):
    out = []
    work = tempfile.mkdtemp()
    text = open(os.path.join(ROOT, "inputs", "runge_small.yaml")).read()
    epochs = int(text.split("epochs:")[1].split(",")[0])
    for rep in range(repeats):
        for mode, fuse in (("hsicho one at a time", 1), ("hsicho fused", 16)):
            deck = os.path.join(work, "d%d.yaml" % fuse)
            open(deck, "w").write(fused_compare.deck_text("runge_small", 1, fuse))
            h5 = os.path.join(work, "s%d_%d.h5" % (fuse, rep))
            env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
            subprocess.run([hsicho, "run", deck, "--out", h5], cwd=work, env=env, check=True,
                           capture_output=True)
            with h5py.File(h5, "r") as f:
                seconds = float(f["results/seconds"][()].sum())
                names = list(f["configs/names"].asstr()[()]) if "names" in f["configs"] else \
                    list(f["space/names"].asstr()[()])
                values = f["configs/values"].asstr()[()].reshape(len(f["results/val_error"]), -1)
            out.append({"part": "study", "what": mode, "repeat": rep, "trainings": len(values),
                        "seconds": seconds})
        configs = []
        for row in values:
            cfg = {}
            for n, v in zip(names, row):
                try:
                    cfg[n] = float(v)
                except ValueError:
                    cfg[n] = None if v in ("", "nan") else v
            configs.append(cfg)
        x, y = runge_data(256, 1)
        xv, yv = runge_data(256, 2)
        t0 = time.perf_counter()
        for k, cfg in enumerate(configs):
            train_torch(cfg, x, y, xv, yv, epochs, k + 1)
        out.append({"part": "study", "what": "pytorch one after another", "repeat": rep,
                    "trainings": len(configs), "seconds": time.perf_counter() - t0})
    return out


def vmap_part(repeats):
    import functorch
    out = []
    g, epochs, batch = 16, 20, 32
    x, y = runge_data(256, 1)
    lrs = torch.tensor([1e-3 * (k + 1) for k in range(g)])
    for rep in range(repeats):
        t0 = time.perf_counter()
        for k in range(g):
            train_torch({"layers": 1, "units": 32, "activation": "relu", "optimizer": "adam",
                         "lr": float(lrs[k]), "batch_size": batch}, x, y, x, y, epochs, k + 1)
        out.append({"part": "identical", "what": "pytorch one after another", "repeat": rep,
                    "trainings": g, "seconds": time.perf_counter() - t0})
        # vmap: the ensemble's parameters stacked, one functional model, Adam by hand per rate.
        t0 = time.perf_counter()
        models = [torch.nn.Sequential(torch.nn.Linear(1, 32), torch.nn.ReLU(), torch.nn.Linear(32, 1))
                  for _ in range(g)]
        fmodel, params, buffers = functorch.combine_state_for_ensemble(models)
        params = [p.detach().requires_grad_() for p in params]
        m = [torch.zeros_like(p) for p in params]
        v = [torch.zeros_like(p) for p in params]
        step = 0

        def loss_of(ps, bs, xb, yb):
            return torch.nn.functional.mse_loss(fmodel(ps, bs, xb), yb)

        grad_fn = functorch.vmap(functorch.grad(loss_of), in_dims=(0, 0, 0, 0))
        for _ in range(epochs):
            orders = torch.stack([torch.randperm(len(x)) for _ in range(g)])
            for s in range(0, len(x), batch):
                idx = orders[:, s:s + batch]
                grads = grad_fn(params, buffers, x[idx], y[idx])
                step += 1
                with torch.no_grad():
                    for p, gr, mm, vv in zip(params, grads, m, v):
                        mm.mul_(0.9).add_(gr, alpha=0.1)
                        vv.mul_(0.999).addcmul_(gr, gr, value=0.001)
                        denom = (vv / (1 - 0.999 ** step)).sqrt_().add_(1e-8)
                        rate = (lrs / (1 - 0.9 ** step)).view(-1, *([1] * (p.dim() - 1)))
                        p.sub_(rate * mm / denom)
            with torch.no_grad():
                functorch.vmap(fmodel, in_dims=(0, 0, None))(params, buffers, x)
        out.append({"part": "identical", "what": "pytorch vmap (functorch)", "repeat": rep,
                    "trainings": g, "seconds": time.perf_counter() - t0})
        micro = os.path.join(ROOT, "build", "hsicho_fused_micro")
        if os.path.exists(micro):
            env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
            text = subprocess.run([micro, "16", "1", "32", "identical"], env=env, check=True,
                                  capture_output=True, text=True).stdout
            line = [l for l in text.splitlines() if "ratio" in l][0]
            alone = float(line.split("one at a time ")[1].split(" s")[0])
            fused = float(line.split("fused ")[1].split(" s")[0])
            out.append({"part": "identical", "what": "hsicho one at a time", "repeat": rep,
                        "trainings": g, "seconds": alone})
            out.append({"part": "identical", "what": "hsicho fused", "repeat": rep,
                        "trainings": g, "seconds": fused})
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hsicho", default=os.path.join(ROOT, "build", "hsicho"))
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    path = os.path.join(ROOT, "bench", "results", "fused_torch.jsonl")
    for r in study_part(args.hsicho, args.repeats) + vmap_part(args.repeats):
        r["per_second"] = r["trainings"] / r["seconds"]
        print(json.dumps(r), flush=True)
        with open(path, "a") as fh:
            fh.write(json.dumps(r) + "\n")


if __name__ == "__main__":
    main()
