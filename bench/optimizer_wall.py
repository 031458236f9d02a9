#!/usr/bin/env python3
"""The optimizer at equal wall time (issue 43): each method gets the same wall time on 2 cores.

- hsic: `hsicho run` of bench/decks/opt_CASE.yaml with `optimize: {budget: Ts, pick: cheapest}`
  and a pruning block (ordered, first rung 3, factor 3): everything hsicho has (the evidence
  ranking for freezing, early stopping inside each stage, fused training, stages aimed at the
  front, the wall-time budget).
- random: the same with `strategy: random` (random search with hsicho's early stopping).
- tpe: Optuna 3.1's TPESampler with HyperbandPruner(min_resource=1, max_resource=epochs,
  reduction_factor=3), the same networks (an MLP of `layers` x `units`, the activation, SGD with
  momentum or Adam, lr, batch size, MSE, the deck's epochs) trained in PyTorch in process, two
  processes on one study (JournalFileStorage), as a user on 2 cores would run it; each trial
  reports its validation error after every epoch.
- hsic_halving, random_halving: the same with `mode: halving` (successive halving over each stage,
  what hsicho's default `auto` runs for its own trainer).
- nsga2: Optuna's NSGAIISampler (population 20) on (validation error, parameters), the same
  PyTorch trainings (Optuna cannot prune a multi-objective study).

The data: the same functions, sizes and input ranges as hsicho's built-in sets (Runge on
[-1, 1]^dim; Bateman: initial amounts uniform in [0, 1], times in [0, t_max], the amounts at t
by the matrix exponential), drawn here with numpy (another sample of the same distribution), the
inputs standardized on the training rows as hsicho does.
The Optuna methods search for 75% of the wall time, then retrain their finalists with
`hsicho eval` (hsicho's trainer and data: the same test set as hsicho's picks), 2 at a time, with
the rule hsicho's `pick: cheapest` uses: the 3 lowest errors and the cheapest within the goal
set (alpha = 0.15) as finalists, 3 seeds, twice the epochs; the pick is the cheapest finalist
within the best's mean plus its seeds' standard deviation. Every line records the wall time the
method really took.

Lines as bench/front_compare.py's (summarize with bench/summarize_front.py): the best, the pick,
every search training as [validation error, parameters], trainings, wall. Resumable.

Usage: OMP_NUM_THREADS=1 /usr/bin/python3 bench/optimizer_wall.py --seconds 30 --seeds 11-15 \\
           --out bench/results/optimizer_wall_30s_seeds_11-15.jsonl [--cases runge,runge2d,bateman]
           [--methods hsic,random,tpe,nsga2]
"""
import argparse
import concurrent.futures
import json
import math
import os
import statistics
import subprocess
import sys
import time

import numpy as np
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bench"))
import front_compare as fc  # noqa: E402
import optuna_tpe as ot  # noqa: E402

# Ordered, as every line of docs/results.md measured (hsicho's default before pruning.mode: auto);
# the methods hsic_halving and random_halving run successive halving instead.
PRUNING = "pruning: {{min_epochs: 3, factor: 3, mode: {mode}}}\n"
ALPHA = 0.15


def deck_text(case, method, seed, seconds):
    text = open(os.path.join(ROOT, "bench/decks", f"opt_{case}.yaml")).read()
    method, _, variant = method.partition("_")
    pruning = PRUNING.format(mode="halving" if variant == "halving" else "ordered")
    strategy = "random" if method == "random" else "hsic"
    text = text.replace("strategy: hsic, alpha: 0.15,", f"strategy: {strategy}, alpha: 0.15, pick: cheapest,")
    text = text.replace("budget: 113", f"budget: {seconds}s")
    text = text.replace("seed: 1,", f"seed: {seed},")
    text = text.replace("\nspace:", "\n" + pruning + "space:", 1)
    assert f"budget: {seconds}s" in text and "pick: cheapest" in text and pruning in text
    return text


# --- Optuna's side: the same networks in PyTorch, in process -------------------------------------

WORKER = r'''
import json, math, sys, time
import numpy as np, optuna, torch, yaml
torch.set_num_threads(1)
sys.path.insert(0, {bench!r})
import optuna_tpe as ot
import optimizer_wall as ow
deck = yaml.safe_load(open({deck!r}))
data = ow.make_data(deck["data"], {seed})
optuna.logging.set_verbosity(optuna.logging.ERROR)
ow.patch_journal_reader()
storage = optuna.storages.JournalStorage(optuna.storages.JournalFileStorage({journal!r}))
epochs = int(deck["training"]["epochs"])
if {method!r} == "tpe":
    study = optuna.load_study(study_name="s", storage=storage,
        sampler=optuna.samplers.TPESampler(seed={seed} * 2 + {rank}),
        pruner=optuna.pruners.HyperbandPruner(min_resource=1, max_resource=epochs, reduction_factor=3))
else:
    study = optuna.load_study(study_name="s", storage=storage,
        sampler=optuna.samplers.NSGAIISampler(seed={seed} * 2 + {rank}, population_size=20))
points = open({points!r}, "a")
def objective(trial):
    values = ot.suggest(trial, deck["space"])
    err, params, pruned = ow.train(values, data, epochs, {seed} * 100003 + trial.number * 2 + {rank},
                                   trial if {method!r} == "tpe" else None)
    points.write(json.dumps([err, params, trial.number, pruned]) + "\n"); points.flush()
    if pruned:
        raise optuna.TrialPruned()
    return err if {method!r} == "tpe" else (err, float(params))
study.optimize(objective, timeout={timeout})
'''


def patch_journal_reader():
    """Optuna 3.1's JournalFileStorage.read_logs can raise on a line another process is still
    writing (a partial last line, then the rest of it read as a new line): read only complete
    lines, from the offset of the first wanted one."""
    from optuna.storages._journal.file import JournalFileStorage

    def read_logs(self, log_number_from):
        start = max(n for n in self._log_number_offset if n <= log_number_from)
        with open(self._file_path, "rb") as f:
            f.seek(self._log_number_offset[start])
            data = f.read()
        logs, offset = [], self._log_number_offset[start]
        for number, line in enumerate(data.split(b"\n")[:-1], start=start):
            offset += len(line) + 1
            self._log_number_offset[number + 1] = offset
            if number >= log_number_from:
                logs.append(json.loads(line))
        return logs

    JournalFileStorage.read_logs = read_logs


def make_data(spec, seed):
    """Training and validation sets as hsicho's built-in generators draw them (another sample)."""
    rng = np.random.default_rng(seed)

    def runge(n):
        x = rng.uniform(-1, 1, (n, int(spec.get("dim", 1))))
        return x, (1 / (1 + 25 * (x ** 2).sum(1)))[:, None]

    def bateman(n):
        from scipy.linalg import expm
        k = int(spec.get("species", 3))
        decay = [float(d) for d in spec["decay"]]
        a = np.diag([-d for d in decay]) + np.diag(decay[:-1], -1)
        n0 = rng.uniform(0, 1, (n, k))
        t = rng.uniform(0, float(spec.get("t_max", 5)), n)
        y = np.stack([expm(a * ti) @ ni for ni, ti in zip(n0, t)])
        return np.hstack([n0, t[:, None]]), y

    make = runge if spec["name"] == "runge" else bateman
    out = {}
    for split in ("train", "validation"):
        x, y = make(int(spec[split]))
        out[split] = [np.asarray(x, np.float64), np.asarray(y, np.float32)]
    # hsicho standardizes the inputs on the training rows (data.standardize, true by default)
    mean, sd = out["train"][0].mean(0), out["train"][0].std(0)
    for split in out:
        out[split][0] = ((out[split][0] - mean) / np.where(sd > 0, sd, 1)).astype(np.float32)
    return out


def train(values, data, epochs, seed, trial=None):
    """(best validation MSE, parameters, pruned) of one configuration, reported per epoch."""
    import torch
    torch.manual_seed(seed)
    acts = {"relu": torch.nn.ReLU, "tanh": torch.nn.Tanh, "silu": torch.nn.SiLU, "gelu": torch.nn.GELU}
    x, y = (torch.from_numpy(a) for a in data["train"])
    xv, yv = (torch.from_numpy(a) for a in data["validation"])
    layers, width = [], x.shape[1]
    for _ in range(int(values.get("layers", 1))):
        layers += [torch.nn.Linear(width, int(values["units"])), acts[values.get("activation", "tanh")]()]
        width = int(values["units"])
    net = torch.nn.Sequential(*layers, torch.nn.Linear(width, y.shape[1]))
    params = sum(p.numel() for p in net.parameters())
    lr = float(values["lr"])
    opt = (torch.optim.Adam(net.parameters(), lr=lr) if values.get("optimizer", "adam") == "adam"
           else torch.optim.SGD(net.parameters(), lr=lr, momentum=float(values.get("momentum", 0))))
    batch = int(values.get("batch_size", 32))
    gen = torch.Generator().manual_seed(seed)
    best = math.inf
    for epoch in range(1, epochs + 1):
        perm = torch.randperm(len(x), generator=gen)
        for i in range(0, len(x), batch):
            idx = perm[i:i + batch]
            opt.zero_grad()
            loss = torch.nn.functional.mse_loss(net(x[idx]), y[idx])
            if not torch.isfinite(loss):
                return 1e300, params, False  # diverged: the worst value, as optuna_tpe.py does
            loss.backward()
            opt.step()
        with torch.no_grad():
            v = float(torch.nn.functional.mse_loss(net(xv), yv))
        best = min(best, v) if math.isfinite(v) else best
        if trial is not None:
            trial.report(best, epoch)
            if epoch < epochs and trial.should_prune():
                return best, params, True
    return (best if math.isfinite(best) else 1e300), params, False


def optuna_study(case, method, seed, seconds, hsicho, work):
    import optuna
    deck = os.path.join(work, f"{case}_{method}_{seed}.yaml")
    text = open(os.path.join(ROOT, "bench/decks", f"opt_{case}.yaml")).read().replace("seed: 1,", f"seed: {seed},")
    open(deck, "w").write(text)
    d = yaml.safe_load(text)
    journal = os.path.join(work, f"{case}_{method}_{seed}.journal")
    points_path = os.path.join(work, f"{case}_{method}_{seed}.points")
    for p in (journal, points_path):
        if os.path.exists(p):
            os.unlink(p)
    storage = optuna.storages.JournalStorage(optuna.storages.JournalFileStorage(journal))
    optuna.create_study(study_name="s", storage=storage,
                        directions=["minimize"] if method == "tpe" else ["minimize", "minimize"])
    t0 = time.time()
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    procs = []
    for rank in range(2):
        code = WORKER.format(bench=os.path.join(ROOT, "bench"), deck=deck, seed=seed, journal=journal,
                             method=method, rank=rank, points=points_path, timeout=0.75 * seconds)
        procs.append(subprocess.Popen(["/usr/bin/python3", "-c", code], env=env))
    for p in procs:
        if p.wait() != 0:
            raise RuntimeError(f"{case} {method} seed {seed}: an Optuna process failed")
    search = [json.loads(l) for l in open(points_path)]
    done = [(e, p, n) for e, p, n, pruned in search if not pruned and e < 1e300]
    done.sort()
    # The finalists as hsicho's pick: cheapest makes them: the 3 lowest, and the cheapest within
    # the goal set (the alpha-quantile of the finished trials' errors) when it is not among them.
    top, seeds, factor = d["optimize"]["final_top"], d["optimize"]["final_seeds"], d["optimize"]["final_epochs"]
    finalists = [n for _, _, n in done[:top]]
    if done:
        limit = done[int(math.floor(ALPHA * (len(done) - 1)))][0]
        cheap = min((t for t in done if t[0] <= limit), key=lambda t: (t[1], t[0]))[2]
        if cheap not in finalists:
            finalists.append(cheap)
    study = optuna.load_study(study_name="s", storage=storage)
    params_of = {t.number: t.params for t in study.trials}
    longer = dict(d)
    longer["training"] = dict(d["training"], epochs=max(1, round(d["training"]["epochs"] * factor)))
    final_deck = os.path.join(work, f"{case}_{method}_{seed}_final.yaml")
    yaml.safe_dump(longer, open(final_deck, "w"))
    jobs = [(n, s) for n in finalists for s in range(seeds)]
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        out = list(pool.map(lambda j: ot.evaluate(hsicho, final_deck, params_of[j[0]],
                                                  seed * 7919 + 1000 * j[0] + j[1]), jobs))
    wall = time.time() - t0
    results = []
    for n in finalists:
        rs = [o for (m, _), o in zip(jobs, out) if m == n]
        vals = [r[0] for r in rs]
        results.append({"val_error": sum(vals) / seeds, "test_error": sum(r[1] for r in rs) / seeds,
                        "parameters": rs[0][2], "spread": statistics.stdev(vals) if seeds > 1 and
                        all(math.isfinite(v) for v in vals) else 0.0,
                        "values": " ".join(f"{k}={v}" for k, v in params_of[n].items()), "config": n})
    winner = min(results, key=lambda r: r["val_error"])
    limit = winner["val_error"] + winner["spread"] if winner["spread"] > 0 else winner["val_error"] * 1.1
    pick = min((r for r in results if r["val_error"] <= limit), key=lambda r: (r["parameters"], r["val_error"]))
    shown = lambda r: {k: r[k] for k in ("val_error", "test_error", "parameters", "values", "config")}
    return {"best": shown(winner), "pick": shown(pick), "lowest": shown(winner),
            "points": [[e, p] for e, p, _, _ in search if e < 1e300],
            "trainings": len(search) + len(jobs), "wall": wall,
            "pruned": sum(1 for s in search if s[3])}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=int, default=30)
    ap.add_argument("--seeds", default="11-15")
    ap.add_argument("--cases", default="runge,runge2d,bateman")
    ap.add_argument("--methods", default="hsic,random,tpe,nsga2")
    ap.add_argument("--out", required=True)
    ap.add_argument("--hsicho", default=os.path.join(ROOT, "build/hsicho"))
    a = ap.parse_args()
    work = os.path.join(ROOT, "out", "optimizer_wall")
    os.makedirs(work, exist_ok=True)
    for case, method, seed in fc.missing(a.out, a.seeds, a.cases, a.methods):
        if method.partition("_")[0] in ("hsic", "random"):
            deck = os.path.join(work, f"{case}_{method}_{seed}.yaml")
            open(deck, "w").write(deck_text(case, method, seed, a.seconds))
            stem = deck[:-5]
            t0 = time.time()
            r = fc.hsicho_study(a.hsicho, deck, stem + ".h5", stem + ".log")
            r["wall"] = time.time() - t0
        else:
            r = optuna_study(case, method, seed, a.seconds, a.hsicho, work)
        line = {"case": case, "method": method, "seed": seed, "budget_seconds": a.seconds, **r}
        with open(a.out, "a") as f:
            f.write(json.dumps(line) + "\n")
        print(f"{case} {method} seed {seed}: {line['wall']:.0f} s, {line['trainings']} trainings, "
              f"pick {line['pick']['parameters']} parameters at {line['pick']['test_error']:.3g}",
              flush=True)


if __name__ == "__main__":
    main()
