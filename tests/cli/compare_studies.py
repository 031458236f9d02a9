#!/usr/bin/env python3
"""Exit 0 if two study files hold the same configurations, results and analysis (timings, ranks
and fused group sizes aside), bit for bit. Usage: compare_studies.py [--ignore-attempts] [--ignore GROUP/NAME]... A.h5 B.h5
(--ignore-attempts: a study whose failed trainings were retried against one where they passed
the first time: the attempt numbers differ, and the attempts/ group is not compared. --ignore: a
data set that says how it ran, such as a metric holding the process id.)"""
import sys

import h5py
import numpy as np

args = sys.argv[1:]
ignore_attempts = "--ignore-attempts" in args
args = [x for x in args if x != "--ignore-attempts"]
ignored = set()
while "--ignore" in args:
    at = args.index("--ignore")
    ignored.add(args[at + 1])
    del args[at:at + 2]
a, b = h5py.File(args[0], "r"), h5py.File(args[1], "r")
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
        # How it ran, not what it computed: a resumed fused group trains fewer networks at once.
        if group == "results" and name in ("seconds", "rank", "device", "host", "group_size"):
            continue
        if ignore_attempts and group == "results" and name == "attempt":
            continue
        if f"{group}/{name}" in ignored:
            continue
        x, y = a[group][name][()], b[group][name][()]
        equal = np.array_equal(x, y, equal_nan=True) if x.dtype.kind == "f" else np.array_equal(x, y)
        if not equal:
            print(f"differ: {group}/{name}")
            same = False
if "best" in a or "best" in b:
    for key in ("config", "values", "val_error", "test_error", "parameters"):
        x, y = a["best"].attrs[key], b["best"].attrs[key]
        if x != y and not (isinstance(x, float) and np.isnan(x) and np.isnan(y)):
            print(f"differ: best@{key}")
            same = False
sys.exit(0 if same else 1)
