#!/usr/bin/env python3
"""Replays recorded training times through hsicho's scheduling policies for many ranks.

Reads results/seconds, results/parameters and results/epochs of a study file, draws n = 8 P
trainings from them (seeded, with replacement) for P = 16, 256 and 4096 ranks, and computes the
makespan of: static slices (rank r takes r, r + P, ...), dynamic in index order, and dynamic
longest-expected-first (hsicho's cost model: parameters x epochs). Parallel efficiency = total
training time / (P x makespan). Usage: schedule_sim.py STUDY.h5
"""
import heapq
import sys

import h5py
import numpy as np


def makespan_static(times, p):
    return max(times[r::p].sum() for r in range(p))


def makespan_dynamic(times, p):
    free = [0.0] * p  # when each rank is next free
    heapq.heapify(free)
    for t in times:
        heapq.heappush(free, heapq.heappop(free) + t)
    return max(free)


f = h5py.File(sys.argv[1], "r")
seconds = f["results/seconds"][()]
cost = f["results/parameters"][()].astype(float) * f["results/epochs"][()]
rng = np.random.default_rng(1)
print(f"replay of {len(seconds)} recorded trainings (max/min time {seconds.max() / seconds.min():.1f}x), "
      f"8 trainings per rank on average; parallel efficiency:")
print(f"{'ranks':>6s} {'static':>8s} {'dynamic':>8s} {'longest first':>14s}")
for p in (16, 256, 4096):
    pick = rng.integers(0, len(seconds), 8 * p)
    t, c = seconds[pick], cost[pick]
    total = t.sum()
    order = np.argsort(-c, kind="stable")
    eff = [total / (p * m) for m in (makespan_static(t, p), makespan_dynamic(t, p), makespan_dynamic(t[order], p))]
    print(f"{p:6d} {eff[0]:8.2f} {eff[1]:8.2f} {eff[2]:14.2f}")
