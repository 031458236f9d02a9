#!/usr/bin/env python3
"""Exit 0 if two study files hold the same configurations, results and analysis (timings and
ranks aside), bit for bit. Usage: compare_studies.py A.h5 B.h5"""
import sys

import h5py
import numpy as np

a, b = h5py.File(sys.argv[1], "r"), h5py.File(sys.argv[2], "r")
same = True
for group in ("configs", "results", "analysis", "stages", "final"):
    if group not in a and group not in b:
        continue
    if (group in a) != (group in b):
        print(f"differ: {group} in one file only")
        same = False
        continue
    names = []
    for name in a[group]:  # datasets, and those of subgroups (results/metrics/...)
        if isinstance(a[group][name], h5py.Group):
            names += [f"{name}/{sub}" for sub in a[group][name]]
            if set(a[group][name]) != set(b[group].get(name, {})):
                print(f"differ: members of {group}/{name}")
                same = False
        else:
            names.append(name)
    for name in names:
        if group == "results" and name in ("seconds", "rank", "device", "host"):
            continue
        x, y = a[group][name][()], b[group][name][()]
        equal = np.array_equal(x, y, equal_nan=True) if x.dtype.kind == "f" else np.array_equal(x, y)
        if not equal:
            print(f"differ: {group}/{name}")
            same = False
if "best" in a or "best" in b:
    for key in ("config", "values", "val_error", "test_error", "parameters"):
        if a["best"].attrs[key] != b["best"].attrs[key]:
            print(f"differ: best@{key}")
            same = False
sys.exit(0 if same else 1)
