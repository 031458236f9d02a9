#!/usr/bin/env python3
"""Writes a small simulation data set for hsicho's "your own data" example (standard library only).

A damped harmonic oscillator released from x = 1 at rest: for time t, natural frequency omega and
damping ratio zeta (under-damped), the position and velocity are

    x(t) = exp(-zeta omega t) (cos(w t) + zeta omega / w sin(w t)),   w = omega sqrt(1 - zeta^2)
    v(t) = -exp(-zeta omega t) omega^2 / w sin(w t)

Each row draws t in [0, 10], omega in [0.5, 2], zeta in [0.05, 0.5] at random (seeded).

    python3 examples/oscillator/make_data.py [--rows 2000] [--out data/oscillator.csv]
"""
import argparse
import math
import os
import random

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("--rows", type=int, default=2000)
parser.add_argument("--seed", type=int, default=1)
parser.add_argument("--out", default="data/oscillator.csv")
args = parser.parse_args()

rng = random.Random(args.seed)
os.makedirs(os.path.dirname(args.out) or ".", exist_ok=True)
with open(args.out, "w") as f:
    f.write("t,omega,zeta,x,v\n")
    for _ in range(args.rows):
        t, omega, zeta = rng.uniform(0, 10), rng.uniform(0.5, 2), rng.uniform(0.05, 0.5)
        w = omega * math.sqrt(1 - zeta * zeta)
        e = math.exp(-zeta * omega * t)
        x = e * (math.cos(w * t) + zeta * omega / w * math.sin(w * t))
        v = -e * omega * omega / w * math.sin(w * t)
        f.write(f"{t!r},{omega!r},{zeta!r},{x!r},{v!r}\n")
print(f"wrote {args.rows} rows to {args.out}")
