#!/usr/bin/env python3
"""Training throughput: hsicho's trainer against the same networks and loop in Python PyTorch.

Both use Debian's LibTorch 1.13 (python3-torch for the Python side), one thread, the same data
sizes, batch sizes, optimizer (Adam, lr 1e-3), and per epoch: a random permutation, minibatches
by index_select, forward, loss, a finite-loss check, backward, step, then a validation pass.
Cases: a small MLP (1-64-64-1, tanh) on the 1-D Runge function (4096 samples, batch 32), and a
LeNet-like CNN on MNIST-shaped random data (2048 samples, batch 64).

  /usr/bin/python3 bench/train_vs_pytorch.py [--repeats 3] [--bench build/bench/hsicho_bench_train]
"""
import argparse
import os
import statistics
import subprocess
import time

import torch

torch.set_num_threads(1)


def runge_data(n, gen):
    x = torch.rand(n, 1, generator=gen) * 2 - 1
    return x, 1 / (1 + 25 * x.pow(2))


def mlp():
    return torch.nn.Sequential(torch.nn.Linear(1, 64), torch.nn.Tanh(), torch.nn.Linear(64, 64), torch.nn.Tanh(),
                               torch.nn.Linear(64, 1))


def lenet():
    return torch.nn.Sequential(
        torch.nn.Conv2d(1, 6, 5, padding=2), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(6, 16, 5, padding=2), torch.nn.ReLU(), torch.nn.MaxPool2d(2), torch.nn.Flatten(),
        torch.nn.Linear(16 * 7 * 7, 120), torch.nn.ReLU(), torch.nn.Linear(120, 84), torch.nn.ReLU(),
        torch.nn.Linear(84, 10))


def train(net, x, y, xv, yv, loss_fn, batch, epochs, classification):
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    t0 = time.perf_counter()
    n = x.shape[0]
    for _ in range(epochs):
        order = torch.randperm(n)
        for first in range(0, n, batch):
            idx = order[first:first + batch]
            opt.zero_grad()
            loss = loss_fn(net(x.index_select(0, idx)), y.index_select(0, idx))
            if not torch.isfinite(loss).item():
                raise RuntimeError("diverged")
            loss.backward()
            opt.step()
        with torch.no_grad():
            net.eval()
            out = net(xv)
            err = out.argmax(1).ne(yv).float().mean().item() if classification else (out - yv).pow(2).mean().item()
            net.train()
    return n * epochs / (time.perf_counter() - t0)


def python_case(case, epochs):
    gen = torch.Generator().manual_seed(1)
    torch.manual_seed(1)
    if case == "mlp":
        x, y = runge_data(4096, gen)
        xv, yv = runge_data(64, gen)
        return train(mlp(), x, y, xv, yv, torch.nn.functional.mse_loss, 32, epochs, False)
    x = torch.rand(2048, 1, 28, 28, generator=gen)
    y = torch.randint(0, 10, (2048,), generator=gen)
    xv = torch.rand(64, 1, 28, 28, generator=gen)
    yv = torch.randint(0, 10, (64,), generator=gen)
    return train(lenet(), x, y, xv, yv, torch.nn.functional.cross_entropy, 64, epochs, True)


def hsicho_case(bench, case, epochs):
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    out = subprocess.run([bench, case, str(epochs)], check=True, capture_output=True, text=True, env=env).stdout
    return float(out.split("samples_per_second=")[1].split()[0])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--bench", default="build/bench/hsicho_bench_train")
    a = ap.parse_args()
    print(f"torch {torch.__version__}, one thread; samples per second, median of {a.repeats} runs (higher is better)")
    for case, epochs in (("mlp", 10), ("cnn", 2)):
        h = statistics.median(hsicho_case(a.bench, case, epochs) for _ in range(a.repeats))
        p = statistics.median(python_case(case, epochs) for _ in range(a.repeats))
        name = "small MLP on Runge" if case == "mlp" else "LeNet-like CNN on 28x28"
        print(f"{name:26s} hsicho {h:10.0f}   PyTorch {p:10.0f}   hsicho/PyTorch x{h / p:.2f}")


if __name__ == "__main__":
    main()
