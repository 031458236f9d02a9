#!/usr/bin/env python3
"""The same training function, the same configurations, on 2 cores: hsicho with a persistent
worker, hsicho with a process per configuration, and Optuna in process (issue 39).

For each case (scikit-learn's digits MLP, examples/sklearn; a PyTorch MLP on the oscillator
table, examples/pytorch) and seed: hsicho runs the deck on 2 ranks (persistent, then a process per
configuration); Optuna runs the configurations of hsicho's design (enqueued, so that both train
the very same ones, with hsicho's seeds) in two processes that each take half, as `n_jobs` can
not on two cores with the GIL. Wall time is from the launch to the end of the last process,
start-up and imports included. Each training function is timed inside itself (a wrapper), so
that overhead per configuration = (2 x wall - summed training seconds) / configurations: what
each tool adds to the trainings (process starts, imports, scheduling, files).

    /usr/bin/python3 bench/worker_vs_optuna.py --seeds 1-5 [--cases null,sklearn,torch] [--build build]

(null: a training that does nothing, persistent, on 1 rank: the slope between 100 and 500
configurations is what hsicho adds per configuration, start-up and analysis cancelled.)

Appends one JSON line per (case, seed, tool) to bench/results/worker_vs_optuna.jsonl and skips
what is there (resumable). --summary prints the table of docs/results.md.
"""
import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time

import h5py

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "python"))
import hsicho as hs  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RESULTS = os.path.join(ROOT, "bench", "results", "worker_vs_optuna.jsonl")
CASES = {
    # case: (example folder, deck, samples, epochs, extra command arguments)
    "sklearn": ("examples/sklearn", "digits.yaml", 56, 30),  # the example deck as shipped
    "torch": ("examples/pytorch", "mlp.yaml", 48, 60),  # the example deck as shipped
}

# The wrapper hsicho serves: the example's train(), timed from inside (a metric, train_seconds).
SERVED = r'''
import os, sys, time
sys.path.insert(0, {example!r})
import hsicho
import {module} as m
if {data!r}:
    m.load({data!r})
import torch_threads_guard
def train(p, report):
    t0 = time.perf_counter()
    r = m.train(p, report)
    r.setdefault("metrics", {{}})["train_seconds"] = time.perf_counter() - t0
    return r
hsicho.serve(train)
'''

# One Optuna process: its half of the configurations, enqueued, trained in process.
OPTUNA = r'''
import json, os, sys, time
sys.path.insert(0, {example!r})
import optuna
import {module} as m
if {data!r}:
    m.load({data!r})
import torch_threads_guard
sys.path.insert(0, {python!r})
from hsicho.serve import Params, _seed
jobs = json.load(open({jobs!r}))
optuna.logging.set_verbosity(optuna.logging.WARNING)
study = optuna.create_study()
for job in jobs:
    study.enqueue_trial(job["params"])
seconds, errors = [], []
space = json.load(open({space!r}))
def objective(trial):
    job = dict(jobs[trial.number])
    params = {{}}
    for name, value in job["params"].items():  # the enqueued values, asked as a user's objective does
        kind, *args = space[name]
        if kind == "categorical":
            params[name] = trial.suggest_categorical(name, args[0])
        elif kind == "integer":
            params[name] = trial.suggest_int(name, int(args[0]), int(args[1]), log=args[2])
        elif kind == "fixed":
            params[name] = value
        else:
            params[name] = trial.suggest_float(name, args[0], args[1], log=args[2])
    job["params"] = params
    p = Params(job)
    _seed(p.seed)
    def report(epoch, error):
        trial.report(error, epoch)
        return True
    t0 = time.perf_counter()
    r = m.train(p, report)
    seconds.append(time.perf_counter() - t0)
    errors.append([job["id"], r["error"]])
    return r["error"]
study.optimize(objective, n_trials=len(jobs))
json.dump({{"train_seconds": seconds, "errors": errors}}, open({out!r}, "w"))
'''

GUARD = "import os\ntry:\n    import torch\n    torch.set_num_threads(1)\nexcept ImportError:\n    pass\n"


def run(cmd, cwd, env=None):
    t0 = time.perf_counter()
    p = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({p.returncode}):\n{p.stdout[-2000:]}\n{p.stderr[-2000:]}")
    return wall


def deck_text(case, seed, persistent, script, data):
    folder, deck, samples, epochs = CASES[case]
    text = open(os.path.join(ROOT, folder, deck)).read()
    out = []
    for line in text.splitlines():
        s = line.strip()
        if s.startswith("study:"):
            line = f"study: {{name: bench_{case}, seed: {seed}}}"
        elif s.startswith("design:"):
            line = f"design: {{samples: {samples}}}"
        elif s.startswith("command:"):
            line = f"  command: [/usr/bin/python3, {script}]"
        elif s.startswith("persistent:"):
            continue
        elif "type: fixed" in s and "epochs" in s:
            line = f"  - {{name: epochs, type: fixed, value: {epochs}}}"
        out.append(line)
        if s.startswith("command:") and persistent:
            out.append("  persistent: true")
    return "\n".join(out) + "\n"


def measure(case, seed, build, tmp):
    folder, _, samples, _ = CASES[case]
    example = os.path.join(ROOT, folder)
    module = {"sklearn": "train_digits", "torch": "train_mlp"}[case]
    data = ""
    if case == "torch":
        data = os.path.join(tmp, "oscillator.csv")
        if not os.path.exists(data):
            run(["/usr/bin/python3", os.path.join(ROOT, "examples/oscillator/make_data.py"),
                 "--rows", "2000", "--out", data], tmp)
    open(os.path.join(tmp, "torch_threads_guard.py"), "w").write(GUARD)
    jobs = []
    script = os.path.join(tmp, f"served_{case}.py")
    open(script, "w").write(SERVED.format(example=example, module=module, data=data))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([tmp, os.path.join(ROOT, "python")]),
               OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", OMPI_ALLOW_RUN_AS_ROOT="1",
               OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    hsicho = os.path.join(build, "hsicho")
    rows = []
    for tool, persistent in (("hsicho persistent", True), ("hsicho per configuration", False)):
        name = "persistent" if persistent else "once"
        deck = os.path.join(tmp, f"{case}_{seed}_{name}.yaml")
        open(deck, "w").write(deck_text(case, seed, persistent, script, data))
        out = os.path.join(tmp, f"{case}_{seed}_{name}.h5")
        wall = run(["mpiexec", "-n", "2", hsicho, "run", deck, "--out", out], tmp, env)
        with h5py.File(out, "r") as f:
            ids = [int(i) for i in f["configs/id"][()]]
            rows.append({"case": case, "seed": seed, "tool": tool, "configs": samples, "wall": wall,
                         "train_seconds": float(f["results/metrics/train_seconds"][()].sum()),
                         "errors": [float(x) for x in f["results/val_error"][()]]})
        if persistent:
            # Optuna gets the very jobs hsicho sent (params.json: hyperparameters and seed).
            jobs = [json.load(open(f"{out}.runs/{i}/params.json")) for i in ids]
            space = {}
            for _, v in hs.load(out).space.iterrows():
                if v["type"] == "categorical":
                    values = v["domain"].strip("{}").split(", ")
                    values = [int(x) if x.lstrip("-").isdigit() else x for x in values]
                    space[v["name"]] = ["categorical", values]
                else:
                    space[v["name"]] = [v["type"], v["low"], v["high"], bool(v["log_scale"])]
            json.dump(space, open(os.path.join(tmp, "space.json"), "w"))
    procs, outs = [], []
    t0 = time.perf_counter()
    for half in range(2):
        jf = os.path.join(tmp, f"jobs{half}.json")
        json.dump(jobs[half::2], open(jf, "w"))
        of = os.path.join(tmp, f"optuna{half}.json")
        code = OPTUNA.format(example=example, module=module, data=data, python=os.path.join(ROOT, "python"),
                             jobs=jf, out=of, space=os.path.join(tmp, "space.json"))
        procs.append(subprocess.Popen(["/usr/bin/python3", "-c", code], cwd=tmp, env=env,
                                      stderr=subprocess.PIPE, text=True))
        outs.append(of)
    for p in procs:
        _, err = p.communicate()
        if p.returncode != 0:
            sys.exit(f"optuna process failed:\n{err[-3000:]}")
    wall = time.perf_counter() - t0
    got = [json.load(open(o)) for o in outs]
    errors = dict(e for g in got for e in g["errors"])
    rows.append({"case": case, "seed": seed, "tool": "optuna in process", "configs": samples,
                 "wall": wall, "train_seconds": sum(sum(g["train_seconds"]) for g in got),
                 "errors": [errors[j["id"]] for j in jobs]})
    return rows


NULL_TRAIN = r'''
import sys
sys.path.insert(0, {python!r})
import hsicho
hsicho.serve(lambda p, report: {{"error": p["x"]}})
'''


def overhead(build, tmp, n1=100, n2=500):
    """What hsicho adds per configuration to a training that does nothing, 1 rank, persistent:
    the slope between studies of n1 and n2 configurations (start-up and analysis cancel)."""
    script = os.path.join(tmp, "null.py")
    open(script, "w").write(NULL_TRAIN.format(python=os.path.join(ROOT, "python")))
    walls = {}
    for n in (n1, n2):
        deck = os.path.join(tmp, f"null{n}.yaml")
        open(deck, "w").write(f"study: {{name: empty_training, seed: 1}}\ndesign: {{samples: {n}, criterion: none}}\n"
                              f"training: {{command: [/usr/bin/python3, {script}], persistent: true}}\n"
                              "space:\n  - {name: x, type: continuous, range: [0, 1]}\n")
        walls[n] = run([os.path.join(build, "hsicho"), "run", deck, "--out", os.path.join(tmp, f"null{n}.h5")], tmp)
    return 1000 * (walls[n2] - walls[n1]) / (n2 - n1)


def summary(path):
    rows = [json.loads(line) for line in open(path)]
    nulls = [r["ms_per_config"] for r in rows if r["case"] == "null"]
    if nulls:
        print(f"A training that does nothing, persistent, 1 rank: {statistics.median(nulls):.2f} ms per "
              f"configuration (median of {len(nulls)}; range {min(nulls):.2f}-{max(nulls):.2f})\n")
    print("| case | tool | wall time (s), median [min, max] | x Optuna (median of paired ratios) | "
          "overhead per configuration (ms) | seeds |")
    print("|---|---|---|---|---|---|")
    for case in CASES:
        by = {}
        for r in rows:
            if r["case"] == case:
                by.setdefault(r["tool"], {})[r["seed"]] = r
        if "optuna in process" not in by:
            continue
        for tool in ("hsicho persistent", "hsicho per configuration", "optuna in process"):
            if tool not in by:
                continue
            seeds = sorted(set(by[tool]) & set(by["optuna in process"]))
            walls = [by[tool][s]["wall"] for s in seeds]
            ratios = [by[tool][s]["wall"] / by["optuna in process"][s]["wall"] for s in seeds]
            over = [1000 * (2 * by[tool][s]["wall"] - by[tool][s]["train_seconds"]) / by[tool][s]["configs"]
                    for s in seeds]
            print(f"| {case} | {tool} | {statistics.median(walls):.1f} [{min(walls):.1f}, {max(walls):.1f}] | "
                  f"{statistics.median(ratios):.2f} [{min(ratios):.2f}, {max(ratios):.2f}] | "
                  f"{statistics.median(over):.0f} [{min(over):.0f}, {max(over):.0f}] | {len(seeds)} |")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seeds", default="1-3")
    ap.add_argument("--cases", default="null,sklearn,torch")
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--results", default=RESULTS)
    ap.add_argument("--summary", action="store_true")
    a = ap.parse_args()
    if a.summary:
        return summary(a.results)
    lo, _, hi = a.seeds.partition("-")
    seeds = range(int(lo), int(hi or lo) + 1)
    done = set()
    if os.path.exists(a.results):
        for line in open(a.results):
            r = json.loads(line)
            done.add((r["case"], r["seed"]))
    for case in a.cases.split(","):
        if case == "null":
            for seed in seeds:
                if ("null", seed) in done:
                    continue
                with tempfile.TemporaryDirectory() as tmp:
                    ms = overhead(os.path.abspath(a.build), tmp)
                with open(a.results, "a") as f:
                    f.write(json.dumps({"case": "null", "seed": seed, "ms_per_config": ms}) + "\n")
                print(f"null seed {seed}: {ms:.2f} ms per configuration", flush=True)
            continue
        for seed in seeds:
            if (case, seed) in done:
                continue
            with tempfile.TemporaryDirectory() as tmp:
                rows = measure(case, seed, os.path.abspath(a.build), tmp)
            with open(a.results, "a") as f:
                for r in rows:
                    f.write(json.dumps(r) + "\n")
            same = rows[0]["errors"] == rows[2]["errors"]
            print(f"{case} seed {seed}: " + ", ".join(f"{r['tool']} {r['wall']:.1f} s" for r in rows)
                  + f"; same errors in hsicho and Optuna: {same}", flush=True)
    summary(a.results)


if __name__ == "__main__":
    main()
