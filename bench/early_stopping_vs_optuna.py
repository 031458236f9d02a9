#!/usr/bin/env python3
"""hsicho's early stopping against Optuna's pruners on the same trainings (issue 40, item 4).

For each case and seed of bench/early_stopping.py, the full study (every training to its last
epoch, 2 ranks) is run once; its per-epoch validation curves (the study file's results/curves)
are then replayed through Optuna's pruners (Debian's python3-optuna 3.1) as a user's objective
would report them: one trial per configuration in the design's order, sequentially (n_jobs=1:
every earlier trial finished, the most a pruner can know), trial.report(best validation error so
far, epoch) after each epoch, stopped when trial.should_prune() says so. hsicho's trainings are
deterministic and a training's first k epochs are the same whether it continues or not (pausing
is bit for bit, tests/unit/test_training.cpp [pause]), so the replay gives the epochs and the
decisions a real Optuna run on these trainings would give, without training them again.

Measures per pruner, as bench/summarize_early_stopping.py's for hsicho: epochs run / epochs of
the full study, and the goal-set recall (the share of the full study's goal set, at the analysis'
threshold, that the pruner let train to the end; a stopped training has no final error, so it is
outside the pruned study's goal set, as in hsicho). Wall time is not replayed.

Pruners: SuccessiveHalvingPruner and HyperbandPruner with Optuna's defaults (a user's one line),
and with hsicho's rungs (min_resource = the case's first rung, reduction_factor 3), and
MedianPruner (defaults); and more patient settings that spend more epochs (SHA with reduction
factor 2, or its first rung skipped; PercentilePruner at 75 and 90 after the first rung), to
compare recall at equal epochs. hsicho's own figures on the same seeds come from
bench/results/early_stopping_halving_seeds_11-20.jsonl (labels halving and ordered); `summary`
prints them side by side, with paired tests over seeds.

Usage: OMP_NUM_THREADS=1 /usr/bin/python3 bench/early_stopping_vs_optuna.py collect --seeds 11-20 \\
           --out bench/results/early_stopping_vs_optuna_seeds_11-20.jsonl   (about 10 minutes)
       /usr/bin/python3 bench/early_stopping_vs_optuna.py summary F.jsonl \\
           --hsicho bench/results/early_stopping_halving_seeds_11-20.jsonl [--markdown]
"""
import argparse
import collections
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import early_stopping as es  # noqa: E402

SCIENTIFIC = ["runge", "bateman", "runge2d", "oscillator"]


def first_rung(case):
    return int(re.search(r"min_epochs: (\d+)", es.CASES[case][1]).group(1))


def pruners(case, epochs):
    import optuna.pruners as p
    r0 = first_rung(case)
    return {
        "sha_default": lambda: p.SuccessiveHalvingPruner(),
        "sha_rungs": lambda: p.SuccessiveHalvingPruner(min_resource=r0, reduction_factor=3),
        "hyperband_default": lambda: p.HyperbandPruner(max_resource=epochs),
        "hyperband_rungs": lambda: p.HyperbandPruner(min_resource=r0, max_resource=epochs,
                                                     reduction_factor=3),
        "median_default": lambda: p.MedianPruner(),
        # More patient settings, to compare at equal epochs (a trade-off curve, not a user's line).
        "sha_rungs_rf2": lambda: p.SuccessiveHalvingPruner(min_resource=r0, reduction_factor=2),
        "sha_rungs_rate1": lambda: p.SuccessiveHalvingPruner(min_resource=r0, reduction_factor=3,
                                                             min_early_stopping_rate=1),
        "percentile75": lambda: p.PercentilePruner(75.0, n_warmup_steps=r0),
        "percentile90": lambda: p.PercentilePruner(90.0, n_warmup_steps=r0),
    }


def replay(curves, make_pruner, seed):
    """Epochs each trial ran and whether it ran to the end, under Optuna's pruner."""
    import optuna
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    study = optuna.create_study(direction="minimize", pruner=make_pruner(),
                                sampler=optuna.samplers.RandomSampler(seed=seed))
    ran, finished = [], []
    for curve in curves:
        trial = study.ask()
        best = np.inf
        stopped = False
        for epoch, v in enumerate(curve, start=1):
            best = min(best, float(v))
            trial.report(best, epoch)
            if epoch < len(curve) and trial.should_prune():
                stopped = True
                break
        ran.append(epoch)
        finished.append(not stopped)
        if stopped:
            study.tell(trial, state=optuna.trial.TrialState.PRUNED)
        else:
            study.tell(trial, best)
    return ran, finished


def full_study(case, seed, data, env, hsicho):
    work = tempfile.mkdtemp()
    try:
        deck = os.path.join(work, "deck.yaml")
        open(deck, "w").write(es.deck_text(case, seed, None, data))
        subprocess.run(["mpiexec", "-n", "2", hsicho, "run", deck, "--out",
                        os.path.join(work, "s.h5")], cwd=work, env=env, check=True,
                       capture_output=True, text=True)
        import h5py
        f = h5py.File(os.path.join(work, "s.h5"), "r")
        order = np.argsort(f["configs/id"][()])
        curves = f["results/curves"][()][order]
        goal, *_ = es.goal_and_indices(os.path.join(work, "s.h5"))
        return curves, goal
    finally:
        shutil.rmtree(work, ignore_errors=True)


def collect(a):
    done = set()
    if os.path.exists(a.out):
        done = {(r["case"], r["seed"]) for r in map(json.loads, open(a.out))}
    data = tempfile.mkdtemp()
    subprocess.run(["/usr/bin/python3", os.path.join(es.ROOT, "examples/oscillator/make_data.py"),
                    "--out", os.path.join(data, "oscillator.csv")], check=True, capture_output=True)
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_rmaps_base_oversubscribe="1", OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    lo, hi = (int(x) for x in a.seeds.split("-"))
    for case in a.cases.split(","):
        for seed in range(lo, hi + 1):
            if (case, seed) in done:
                continue
            curves, goal = full_study(case, seed, data, env, a.hsicho)
            n, epochs = curves.shape
            line = {"case": case, "seed": seed, "trainings": n, "epochs_full": int(n * epochs),
                    "goal": goal, "pruners": {}}
            for name, make in pruners(case, epochs).items():
                ran, finished = replay(curves, make, seed)
                kept = [i for i in goal if finished[i]]
                line["pruners"][name] = {"epochs": int(sum(ran)), "stopped": int(n - sum(finished)),
                                         "recall": len(kept) / len(goal) if goal else None}
            with open(a.out, "a") as out:
                out.write(json.dumps(line) + "\n")
            print(case, seed, {k: (round(v["epochs"] / line["epochs_full"], 2), round(v["recall"], 2))
                               for k, v in line["pruners"].items()}, flush=True)
    shutil.rmtree(data, ignore_errors=True)


def hsicho_rows(path):
    """(case, seed) -> {label: (epochs fraction, recall)} from bench/early_stopping.py's lines."""
    runs = {}
    for r in map(json.loads, open(path)):
        runs[(r["case"], r["seed"], r["variant"], r.get("label", ""))] = r
    out = collections.defaultdict(dict)
    for (case, seed, variant, label), p in runs.items():
        f = runs.get((case, seed, "full", ""))
        if variant != "pruned" or f is None:
            continue
        gf = set(f["goal"])
        out[(case, seed)]["hsicho_" + label] = (p["epochs"] / f["epochs"],
                                                len(gf & set(p["goal"])) / len(gf), gf)
    return out


def summary(a):
    import warnings
    from scipy.stats import wilcoxon
    warnings.filterwarnings("ignore", module="scipy")  # ties and n = 10: scipy's normal approximation
    lines = [json.loads(x) for x in open(a.file)]
    hs = hsicho_rows(a.hsicho) if a.hsicho else {}
    table = collections.defaultdict(lambda: collections.defaultdict(dict))
    for r in lines:
        for name, v in r["pruners"].items():
            table[r["case"]][name][r["seed"]] = (v["epochs"] / r["epochs_full"], v["recall"])
        for label, (ep, rec, gf) in hs.get((r["case"], r["seed"]), {}).items():
            if gf != set(r["goal"]):
                print(f"note: {r['case']} seed {r['seed']}: the full study's goal set differs "
                      f"from the hsicho record's", file=sys.stderr)
            table[r["case"]][label][r["seed"]] = (ep, rec)
    ref = "hsicho_halving"
    head = ["case", "method", "epochs / full", "goal recall", "vs halving: epochs p", "recall p"]
    print(("| " + " | ".join(head) + " |\n|" + "---|" * len(head)) if a.markdown else
          "  ".join(head))
    for case in table:
        for name, by_seed in sorted(table[case].items()):
            seeds = sorted(by_seed)
            ep = np.array([by_seed[s][0] for s in seeds])
            rec = np.array([by_seed[s][1] for s in seeds])
            tests = ["", ""]
            if name != ref and ref in table[case]:
                common = [s for s in seeds if s in table[case][ref]]
                for k in (0, 1):
                    d = [by_seed[s][k] - table[case][ref][s][k] for s in common]
                    tests[k] = ("-" if not any(d) else f"{wilcoxon(d).pvalue:.3f}")
            cells = [case, name, f"{np.median(ep):.2f} ({ep.min():.2f}-{ep.max():.2f})",
                     f"{rec.mean():.2f} (min {rec.min():.2f})"] + tests
            print(("| " + " | ".join(cells) + " |") if a.markdown else "  ".join(cells))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("collect")
    c.add_argument("--seeds", default="11-20")
    c.add_argument("--cases", default=",".join(SCIENTIFIC))
    c.add_argument("--out", required=True)
    c.add_argument("--hsicho", default=os.path.join(es.ROOT, "build/hsicho"))
    s = sub.add_parser("summary")
    s.add_argument("file")
    s.add_argument("--hsicho", default="")
    s.add_argument("--markdown", action="store_true")
    a = ap.parse_args()
    collect(a) if a.cmd == "collect" else summary(a)


if __name__ == "__main__":
    main()
