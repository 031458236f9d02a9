#!/usr/bin/env python3
"""Tables of bench/early_stopping.py's lines: per case, over seeds (median and range), the epochs
and wall time of the pruned study against the full one, the goal-set recall (the share of the
full study's goal set that the pruned one also puts in its goal set), whether the top-2
hyperparameters and the set of significant ones (p < 0.05) agree, and Kendall's tau of the two
rankings (inputs that are not conditional).

Usage: /usr/bin/python3 bench/summarize_early_stopping.py FILE.jsonl [--label L] [--markdown]
"""
import argparse
import collections
import json

import numpy as np
from scipy.stats import kendalltau


def ranking(inputs):
    names = [n for n, v in inputs.items() if not v["conditional"]]
    return sorted(names, key=lambda n: -inputs[n]["hsic"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--label", default="")
    ap.add_argument("--markdown", action="store_true")
    ap.add_argument("--ranks", type=int, default=2, help="the runs' ranks (for busy)")
    a = ap.parse_args()
    runs = {}
    for line in open(a.file):
        r = json.loads(line)
        if r["variant"] == "pruned" and r.get("label", "") != a.label:
            continue
        runs[(r["case"], r["seed"], r["variant"])] = r
    rows = collections.defaultdict(list)
    for (case, seed, variant), p in runs.items():
        if variant != "pruned" or (case, seed, "full") not in runs:
            continue
        f = runs[(case, seed, "full")]
        goal_f, goal_p = set(f["goal"]), set(p["goal"])
        rf, rp = ranking(f["inputs"]), ranking(p["inputs"])
        sig_f = {n for n in rf if f["inputs"][n]["pvalue"] < 0.05}
        sig_p = {n for n in rp if p["inputs"][n]["pvalue"] < 0.05}
        tau = kendalltau([rf.index(n) for n in rf], [rp.index(n) for n in rf]).correlation
        rows[case].append({
            "epochs": p["epochs"] / f["epochs"], "wall": p["wall"] / f["wall"],
            "training_wall": p.get("training_wall", np.nan) / f.get("training_wall", np.nan),
            # The trainings' own seconds, and the share of the ranks' training time they fill.
            "seconds": p["seconds"] / f["seconds"],
            "busy": p["seconds"] / (a.ranks * p.get("training_wall", np.nan)),
            "recall": len(goal_f & goal_p) / len(goal_f) if goal_f else float("nan"),
            "top2": set(rf[:2]) == set(rp[:2]), "sig": sig_f == sig_p, "tau": tau,
            "stopped": p["stopped"] / p["trainings"], "seed": seed})
    def stat(v, fmt="{:.2f}"):
        v = np.array(v, float)
        return (fmt + " (" + fmt + "-" + fmt + ")").format(np.median(v), v.min(), v.max())
    head = ["case", "seeds", "epochs pruned/full", "wall pruned/full", "training wall pruned/full",
            "summed seconds pruned/full", "busy", "stopped", "goal recall",
            "top-2 same", "significant same", "Kendall tau"]
    table = [head]
    for case, rs in rows.items():
        table.append([case, str(len(rs)), stat([r["epochs"] for r in rs]),
                      stat([r["wall"] for r in rs]), stat([r["training_wall"] for r in rs]),
                      stat([r["seconds"] for r in rs]), stat([r["busy"] for r in rs]),
                      stat([r["stopped"] for r in rs], "{:.0%}"),
                      stat([r["recall"] for r in rs]),
                      f"{sum(r['top2'] for r in rs)} of {len(rs)}",
                      f"{sum(r['sig'] for r in rs)} of {len(rs)}",
                      stat([r["tau"] for r in rs])])
    if a.markdown:
        print("| " + " | ".join(head) + " |")
        print("|" + "---|" * len(head))
        for t in table[1:]:
            print("| " + " | ".join(t) + " |")
    else:
        widths = [max(len(t[k]) for t in table) for k in range(len(head))]
        for t in table:
            print("  ".join(c.ljust(w) for c, w in zip(t, widths)))


if __name__ == "__main__":
    main()
