#!/usr/bin/env python3
"""Checks a study file against the layout of docs/hdf5.md, with h5py (a reader other than
hsicho's). Usage: study_schema.py STUDY.h5 N_CONFIGS N_HYPERPARAMETERS N_INPUTS"""
import sys

import h5py
import numpy as np

path, n, p, d = sys.argv[1], *map(int, sys.argv[2:])
f = h5py.File(path, "r")
assert f.attrs["format"] == "hsicho-study", f.attrs["format"]
assert f.attrs["format_version"] == 2
for a in ("program_version", "git_commit", "name", "started", "finished", "hosts", "ranks", "seed", "complete"):
    assert a in f.attrs, a
if f.attrs["complete"]:
    # The training's wall time is part of the run's: between started and finished (whole
    # seconds, so within one second more).
    from datetime import datetime
    when = {k: datetime.strptime(f.attrs[k].decode() if isinstance(f.attrs[k], bytes) else f.attrs[k],
                                 "%Y-%m-%dT%H:%M:%SZ") for k in ("started", "finished")}
    wall = float(f.attrs["training_wall_s"])
    assert 0 < wall <= (when["finished"] - when["started"]).total_seconds() + 1, wall
deck = f["deck"][0]
assert b"space" in deck or "space" in str(deck)
# The early stopping mode as run: one of the three where the deck has a pruning block, else "".
text = deck.decode() if isinstance(deck, bytes) else str(deck)
mode = f.attrs["pruning_mode"]
mode = mode.decode() if isinstance(mode, bytes) else str(mode)
has_block = any(line.startswith("pruning:") for line in text.splitlines())
assert mode in (("ordered", "async", "halving") if has_block else ("",)), (mode, has_block)
shapes = {
    "space/names": (p,), "space/types": (p,), "space/domains": (p,), "space/conditions": (p,),
    "space/low": (p,), "space/high": (p,), "space/log_scale": (p,), "space/free": (p,),
    "configs/values": (n, p), "configs/active": (n, p), "configs/columns": (d,), "configs/unit": (n, d),
    "configs/normalized": (n, d), "configs/seed": (n,), "configs/stage": (n,),
    "results/status": (n,), "results/message": (n,), "results/device": (n,), "results/val_error": (n,),
    "results/test_error": (n,), "results/val_rel_l2": (n,), "results/test_rel_l2": (n,), "results/seconds": (n,),
    "results/parameters": (n,), "results/epochs": (n,), "results/best_epoch": (n,), "results/rank": (n,),
    "results/seed": (n,), "results/host": (n,),
    "analysis/names": (d,), "analysis/hsic": (d,), "analysis/stderr": (d,), "analysis/r2": (d,),
    "analysis/share": (d,), "analysis/pvalue": (d,), "analysis/bandwidth": (d,), "analysis/threshold": (d,),
    "analysis/n": (d,), "analysis/m": (d,), "analysis/conditional": (d,), "analysis/active_hsic": (d,),
    "analysis/active_pvalue": (d,), "analysis/null95": (d,), "analysis/ci_low": (d,),
    "analysis/ci_high": (d,), "analysis/top_share": (d,),
}
for name, shape in shapes.items():
    assert name in f, f"missing {name}"
    assert f[name].shape == shape, f"{name}: shape {f[name].shape}, expected {shape}"
assert f["results/curves"].shape[0] == n
assert isinstance(f["results/metrics"], h5py.Group)
assert np.array_equal(f["results/seed"][()], f["configs/seed"][()])
for a in ("alpha", "threshold", "m", "estimator", "bandwidth", "pvalues", "bootstrap", "top_k"):
    assert a in f["analysis"].attrs, a
# Consistency: an inactive value is an empty string and a NaN in the normalized inputs.
active = f["configs/active"][()]
values = f["configs/values"][()].astype(str)
assert np.all((values == "") == (active == 0))
norm = f["configs/normalized"][()]
assert np.all((norm >= 0) | np.isnan(norm)) and np.all((norm <= 1) | np.isnan(norm))
# The goal set holds the m best validation errors (ties aside).
err = f["results/val_error"][()]
m = int(f["analysis"].attrs["m"])
assert np.sum(err <= f["analysis"].attrs["threshold"]) == m
print(f"{path}: layout as documented ({n} configurations, {p} hyperparameters, {d} inputs)")
