#!/usr/bin/env python3
"""Optuna's TPE (or NSGA-II) sampler on an hsicho deck's space: the peer of `optimize: {strategy: hsic}`.

Each trial calls `hsicho eval DECK --set name=value ... --json` and minimizes the validation error.
The number of trials is the sum of the deck's optimize.stages (with `stages: auto`, the budget less
final_top x final_seeds: the trainings hsicho searches with); then the same final retraining as
hsicho's (the final_top best trials, final_seeds seeds, final_epochs x the epochs), so that the
comparison is fair. Writes every trial (and the final retraining) as CSV, and prints one JSON line
with the winner: {"val_error", "test_error", "parameters", "values"}, and under "best", "pick" and
"points" the winner, the pick and every search trial as [val_error, parameters].

--sampler nsga2 minimizes the validation error and the parameters together (population 20: Optuna's
default of 50 would give two generations in about 100 trials). --pick cheapest follows hsicho's
optimize.pick: the cheapest trial within 10% of the best error joins the finalists, and the pick is
the cheapest finalist whose mean error is within the best's mean plus its seeds' standard deviation.
--jobs N runs N trials at a time (threads, each waiting on an hsicho process).

Usage: optuna_tpe.py DECK.yaml --seed S --csv trials.csv [--hsicho build/hsicho]
         [--sampler tpe|nsga2] [--pick best|cheapest] [--jobs N]
Needs Debian's python3-optuna.
"""
import argparse
import csv
import json
import math
import os
import re
import statistics
import subprocess
import tempfile

import optuna
import yaml


def condition_holds(text, values):
    m = re.match(r"\s*(\w+)\s*(==|!=|<=|>=|<|>| in )\s*(.+)\s*$", text)
    name, op, rhs = m.group(1), m.group(2).strip(), m.group(3).strip().strip('"')
    if name not in values:
        return False
    v = values[name]
    if op == "in":
        return str(v) in [s.strip() for s in rhs.strip("[]").split(",")]
    if op in ("==", "!="):
        return (str(v) == rhs) == (op == "==")
    a, b = float(v), float(rhs)
    return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]


def suggest(trial, space):
    values = {}
    for p in space:  # deck order: parents come before their children
        if "when" in p and not condition_holds(p["when"], values):
            continue
        name, kind = p["name"], p["type"]
        if kind == "fixed":
            continue
        if kind == "continuous":
            values[name] = trial.suggest_float(name, *map(float, p["range"]))
        elif kind == "log":
            values[name] = trial.suggest_float(name, *map(float, p["range"]), log=True)
        elif kind == "integer":
            values[name] = trial.suggest_int(name, *map(int, p["range"]), log=bool(p.get("log", False)))
        elif kind == "categorical":
            values[name] = trial.suggest_categorical(name, [str(v) for v in p["values"]])
        elif kind == "boolean":
            values[name] = trial.suggest_categorical(name, ["false", "true"])
    return values


def evaluate(hsicho, deck, values, seed):
    cmd = [hsicho, "eval", deck, "--json", "--seed", str(seed)]
    for k, v in values.items():
        cmd += ["--set", f"{k}={v}"]
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    out = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if out.returncode not in (0, 1):
        raise RuntimeError(out.stderr)
    r = json.loads(out.stdout)
    inf = float("inf")
    return (r["val_error"] if r["val_error"] is not None else inf,
            r["test_error"] if r["test_error"] is not None else inf, r["parameters"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("deck")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--csv", required=True)
    ap.add_argument("--hsicho", default="build/hsicho")
    ap.add_argument("--sampler", choices=["tpe", "nsga2"], default="tpe")
    ap.add_argument("--pick", choices=["best", "cheapest"], default="best")
    ap.add_argument("--jobs", type=int, default=1)
    a = ap.parse_args()
    deck = yaml.safe_load(open(a.deck))
    opt = deck["optimize"]
    top, seeds, factor = opt.get("final_top", 3), opt.get("final_seeds", 3), opt.get("final_epochs", 2.0)
    stages = opt.get("stages", "auto")
    # stages: auto (or none): hsicho searches with the budget less the final retraining.
    trials = sum(stages) if isinstance(stages, list) else opt["budget"] - top * seeds if stages == "auto" else int(stages)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    if a.sampler == "tpe":
        study = optuna.create_study(direction="minimize", sampler=optuna.samplers.TPESampler(seed=a.seed))
    else:
        study = optuna.create_study(directions=["minimize", "minimize"],
                                    sampler=optuna.samplers.NSGAIISampler(seed=a.seed, population_size=20))
    rows = []
    found = {}  # trial number: (val_error, parameters)

    def objective(trial):
        values = suggest(trial, deck["space"])
        val, test, params = evaluate(a.hsicho, a.deck, values, a.seed * 100003 + trial.number)
        rows.append({"stage": a.sampler, "trial": trial.number, **values, "val_error": val, "test_error": test,
                     "parameters": params})
        found[trial.number] = (val, params)
        v = val if val != float("inf") else 1e300
        return v if a.sampler == "tpe" else (v, float(params))

    study.optimize(objective, n_trials=trials, n_jobs=a.jobs)
    # The same final retraining as hsicho: a deck with the epochs multiplied.
    longer = dict(deck)
    longer["training"] = dict(deck.get("training", {}))
    longer["training"]["epochs"] = max(1, round(deck.get("training", {}).get("epochs", 20) * factor))
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as f:
        yaml.safe_dump(longer, f)
        final_deck = f.name
    ok = sorted((t for t in study.trials if t.number in found and found[t.number][0] < float("inf")),
                key=lambda t: found[t.number][0])
    best = ok[:top]
    if a.pick == "cheapest" and ok:
        limit = found[ok[0].number][0] * 1.1
        cheap = min((t for t in ok if found[t.number][0] <= limit), key=lambda t: found[t.number][1])
        if cheap not in best:
            best.append(cheap)
    finalists = []
    for t in best:
        vals, tests = [], []
        for s in range(seeds):
            v, te, params = evaluate(a.hsicho, final_deck, t.params, a.seed * 7919 + 1000 * t.number + s)
            vals.append(v), tests.append(te)
            rows.append({"stage": "final", "trial": t.number, **t.params, "val_error": v, "test_error": te,
                         "parameters": params})
        finalists.append({"val_error": sum(vals) / seeds, "test_error": sum(tests) / seeds, "parameters": params,
                          "values": t.params, "spread": statistics.stdev(vals) if seeds > 1 and
                          all(math.isfinite(v) for v in vals) else 0.0})
    os.unlink(final_deck)
    winner = min(finalists, key=lambda f: f["val_error"])
    pick = winner
    if a.pick == "cheapest":
        limit = winner["val_error"] + winner["spread"] if winner["spread"] > 0 else winner["val_error"] * 1.1
        pick = min((f for f in finalists if f["val_error"] <= limit), key=lambda f: (f["parameters"], f["val_error"]))
    keys = sorted({k for r in rows for k in r})
    with open(a.csv, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=keys)
        w.writeheader()
        w.writerows(rows)
    def shown(f):
        return {**{k: f[k] for k in ("val_error", "test_error", "parameters")},
                "values": " ".join(f"{k}={v}" for k, v in f["values"].items())}
    print(json.dumps({**{k: winner[k] for k in ("val_error", "test_error", "parameters", "values")},
                      "best": shown(winner), "pick": shown(pick), "trainings": len(rows),
                      "points": [list(found[n]) for n in sorted(found)]}))


if __name__ == "__main__":
    main()
