#!/usr/bin/env python3
"""Writes the study-file fuzz target's seed (a small real study file) and its regressions: the
same file damaged in one way each, as a foreign tool or a broken disk would (datasets removed,
of the wrong length, type, rank or kind; attributes missing; bytes cut or flipped).
fuzz_study must read each to an InputError (exit 2 for users), never crash.

    /usr/bin/python3 fuzz/make_study_seeds.py build/hsicho
Needs h5py and numpy (Debian: python3-h5py python3-numpy).
"""
import os
import shutil
import subprocess
import sys
import tempfile

import h5py
import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
hsicho = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "build", "hsicho")
seeds, regressions = os.path.join(here, "seeds", "study"), os.path.join(here, "regressions", "study")
os.makedirs(seeds, exist_ok=True)
os.makedirs(regressions, exist_ok=True)
tmp = tempfile.mkdtemp()
deck = os.path.join(tmp, "tiny.yaml")
with open(deck, "w") as f:
    f.write("""study: {name: tiny, seed: 3}
data: {name: runge, train: 16, validation: 16, test: 16}
design: {samples: 4}
training: {epochs: 2}
analysis: {alpha: 0.5, interactions: true}
space:
  - {name: lr, type: log, range: [1.0e-3, 1.0e-1]}
  - {name: activation, type: categorical, values: [relu, tanh]}
  - {name: dropout, type: continuous, range: [0, 0.5], when: "activation == relu"}
""")
good = os.path.join(seeds, "tiny.h5")
subprocess.run([hsicho, "run", deck, "--out", os.path.join(tmp, "tiny.h5")], check=True,
               capture_output=True)
shutil.copy(os.path.join(tmp, "tiny.h5"), good)


def mutate(name, change):
    path = os.path.join(regressions, name + ".h5")
    shutil.copy(good, path)
    with h5py.File(path, "r+") as f:
        change(f)


def replace(path, value):
    def change(f):
        del f[path]
        f[path] = value
    return change


mutate("no_val_error", lambda f: f.__delitem__("results/val_error"))
mutate("short_val_error", replace("results/val_error", np.zeros(2)))
mutate("long_status", replace("results/status", np.array([b"ok"] * 40, dtype=object)))
mutate("empty_message", replace("results/message", np.array([], dtype=h5py.string_dtype())))
mutate("text_errors", replace("results/val_error", np.array([b"low"] * 4, dtype=object)))
mutate("fixed_strings", replace("results/status", np.array([b"ok"] * 4, dtype="S2")))
mutate("normalized_1d", replace("configs/normalized", np.zeros(8)))
mutate("normalized_32_columns", replace("configs/normalized", np.zeros((4, 32))))
mutate("values_wrong_width", replace("configs/values", np.array([[b"x"] * 5] * 4, dtype=object)))
mutate("stage_one_entry", replace("configs/stage", np.zeros(1, dtype=np.int64)))
mutate("names_short", replace("analysis/names", np.array([b"lr"], dtype=object)))
mutate("group_for_dataset", lambda f: (f.__delitem__("results/seconds"), f.create_group("results/seconds")))
mutate("compound", replace("results/seconds", np.zeros(4, dtype=[("a", "f8"), ("b", "i4")])))
mutate("scalar", replace("results/epochs", np.int64(3)))
mutate("no_format", lambda f: f.attrs.__delitem__("format"))
mutate("format_number", lambda f: f.attrs.__setitem__("format", 7))
mutate("format_two_values", lambda f: f.attrs.__setitem__("format", [b"hsicho-study", b"x"]))
mutate("seed_as_text", lambda f: f.attrs.__setitem__("seed", "three"))
mutate("no_space", lambda f: f.__delitem__("space"))
mutate("interactions_wrong", replace("analysis/interactions", np.zeros((3, 2))))
mutate("metric_wrong_length", lambda f: f.create_dataset("results/metrics/extra", data=np.zeros(9)))
raw = open(good, "rb").read()
for name, data in [("cut_half", raw[: len(raw) // 2]), ("cut_1k", raw[:1024]),
                   ("flipped", bytes(b ^ 0xFF if 2048 <= i < 2112 else b for i, b in enumerate(raw)))]:
    open(os.path.join(regressions, name + ".h5"), "wb").write(data)
shutil.rmtree(tmp)
print("wrote", good, "and", len(os.listdir(regressions)), "files in", regressions)
