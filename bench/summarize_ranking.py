#!/usr/bin/env python3
"""Tables of bench/ranking_vs_peers.py's lines (issue 37).

Per case, n and method, over seeds: recall (share of the relevant inputs in the top k, k the
number of relevant ones), separation (share of data sets where every relevant input ranks above
every irrelevant one), the share of data sets where an irrelevant conditional input (momentum) is
in the top 2 (cases where momentum is irrelevant), and the median seconds of one analysis.
Inputs that are neither relevant nor irrelevant (the real case's weaker hyperparameters) are left
out of the ranking before measuring.

Paired comparisons of hsicho's default against each peer, over the same data sets: separation by
an exact McNemar test (two-sided binomial on the discordant data sets), recall by the Wilcoxon
signed-rank test (two-sided, zero differences split). The verdict per case and n:
  ok      hsicho's separation and recall at least the best peer's less one standard error of
          the paired difference
  better  significantly above every peer on both measures... (p < 0.05 on separation or recall,
          never worse than a peer on the other)
  worse   significantly below a peer (p < 0.05)

--kinds pools the cases of one kind (KINDS below) into one row, each case's data sets paired as
before: the kinds' second cases move the relevant inputs between continuous and discrete
hyperparameters, so a kind's row does not reward a method for preferring one type of input.

Usage: /usr/bin/python3 bench/summarize_ranking.py bench/results/ranking_seeds_101-120.jsonl.gz
           [--markdown] [--methods hsicho,fanova,...] [--versus hsicho] [--grid] [--kinds]
"""
import argparse
import gzip
import json
from collections import defaultdict

import numpy as np
from scipy.stats import binomtest, wilcoxon

CONDITIONAL = {"momentum"}
PEERS = ["fanova", "mdi", "ped", "mdi+", "ped+"]
# The kinds, each case in one. Grouped after the held-out cases were measured: a kind
# with two cases has its relevant inputs continuous in one (lr, units, dropout, momentum) and
# discrete in the other (layers, batch size, activation, optimizer), or both kinds of input.
KINDS = {
    "additive": "additive", "goal_only": "goal-only", "diverging": "diverging",
    "categorical": "categorical (steps)", "held_threshold": "categorical (steps)",
    "conditional_relevant": "conditional, relevant child",
    "held_momentum_band": "conditional, relevant child",
    "conditional_irrelevant": "conditional, irrelevant child",
    "interaction": "interaction only",
    "held_interaction_lr_bs": "ridge (interaction with main effects)",
    "held_ridge_discrete": "ridge (interaction with main effects)",
    "weak": "weak single effect", "held_weak_batch": "weak single effect",
    "heavy_noise": "heavy noise", "held_heavy_noise_discrete": "heavy noise",
    "real_demo": "real trainings",
    # the third held-out batch, a kind each
    "held_sharp_band": "sharp band", "held_equal_effects": "equal effects",
    "held_multiplicative": "multiplicative noise",
}


def measures(line):
    rel, irr = set(line["relevant"]), set(line["irrelevant"])
    order = [n for n in line["ranking"] if n in rel or n in irr]
    k = len(rel)
    top = set(order[:k])
    fp = np.nan
    if CONDITIONAL & irr:
        fp = float(any(n in CONDITIONAL for n in order[:2]))
    return len(top & rel) / k, float(top == rel), fp


def paired_p(a, b, binary):
    a, b = np.asarray(a), np.asarray(b)
    if binary:
        wins, losses = int(np.sum(a > b)), int(np.sum(a < b))
        return 1.0 if wins + losses == 0 else binomtest(wins, wins + losses).pvalue
    d = a - b
    if np.all(d == 0):
        return 1.0
    return wilcoxon(a, b, zero_method="zsplit").pvalue


def load(paths, kinds=False):
    """(case, n, method) -> data set -> (recall, sep, fp, seconds); with kinds, (kind, n, method)
    -> (case, seed) -> the same."""
    rows = defaultdict(dict)
    for path in paths:
        for line in (gzip.open(path, "rt") if path.endswith(".gz") else open(path)):
            r = json.loads(line)
            # A case KINDS does not name is a kind of its own.
            group, key = ((KINDS.get(r["case"], r["case"]), (r["case"], r["seed"])) if kinds
                          else (r["case"], r["seed"]))
            rows[(group, r["n"], r["method"])][key] = measures(r) + (r["seconds"],)
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("files", nargs="+")
    ap.add_argument("--markdown", action="store_true")
    ap.add_argument("--methods")
    ap.add_argument("--versus", default="hsicho")
    ap.add_argument("--grid", action="store_true",
                    help="one markdown table instead: a row per case, a cell per n with the "
                         "separation of --versus, of the paper's index ranking and of the best "
                         "peer, and the verdict")
    ap.add_argument("--kinds", action="store_true",
                    help="a row per kind of case (KINDS), its cases' data sets pooled")
    a = ap.parse_args()
    rows = load(a.files, a.kinds)
    cases = list(dict.fromkeys(k[0] for k in rows))
    ns = sorted({k[1] for k in rows})
    methods = a.methods.split(",") if a.methods else list(dict.fromkeys(k[2] for k in rows))
    peers = [m for m in PEERS if m in methods]
    me = a.versus
    sep_cell = "|" if a.markdown else " "
    verdicts = defaultdict(list)
    grid = {}  # (case, n) -> cell
    out = print
    if a.grid:
        def out(*_args, **_kw):  # the per-case tables are not printed
            pass
    for case in cases:
        out(f"\n{'### ' if a.markdown else ''}{case}")
        head = ["n", "method", "recall", "separation", "cond. FP top 2", "seconds", "seeds"]
        if a.markdown:
            out("| " + " | ".join(head) + " |\n|" + "---|" * len(head))
        for n in ns:
            for m in methods:
                s = rows.get((case, n, m))
                if not s:
                    continue
                v = np.array(list(s.values()))
                rec, sep, fp, sec = v[:, 0], v[:, 1], v[:, 2], v[:, 3]
                se = lambda x: np.std(x, ddof=1) / np.sqrt(len(x)) if len(x) > 1 else np.nan
                fp_txt = "-" if np.all(np.isnan(fp)) else f"{np.nanmean(fp):.2f}"
                cells = [str(n), m, f"{rec.mean():.2f} ± {se(rec):.2f}",
                         f"{sep.mean():.2f} ± {se(sep):.2f}", fp_txt, f"{np.median(sec):.3f}",
                         str(len(v))]
                if a.markdown:
                    out("| " + " | ".join(cells) + " |")
                else:
                    out(f"  {cells[0]:>4} {cells[1]:16s} rec {cells[2]:12s} sep {cells[3]:12s} "
                          f"fp {cells[4]:5s} {cells[5]:>7s} s  ({cells[6]})")
            # The paired verdict of `me` against the peers at this n.
            mine = rows.get((case, n, me))
            if not mine or not any((case, n, p) in rows for p in peers):
                continue  # no peer ran this cell
            notes, worse, better_all, ok = [], False, True, True
            for p in peers:
                theirs = rows.get((case, n, p))
                if not theirs:
                    continue
                seeds = sorted(set(mine) & set(theirs))
                x = np.array([mine[s] for s in seeds])
                y = np.array([theirs[s] for s in seeds])
                better_here = False
                for col, binary, label in [(1, True, "sep"), (0, False, "rec")]:
                    d = x[:, col] - y[:, col]
                    pv = paired_p(x[:, col], y[:, col], binary)
                    se_d = np.std(d, ddof=1) / np.sqrt(len(d)) if len(d) > 1 else 0
                    if d.mean() < -se_d - 1e-12:
                        ok = False
                    if pv < 0.05 and d.mean() < 0:
                        worse = True
                        notes.append(f"worse than {p} on {label} (p {pv:.3g})")
                    if pv < 0.05 and d.mean() > 0:
                        better_here = True
                better_all &= better_here
            verdict = "worse" if worse else ("better" if better_all else ("ok" if ok else "below"))
            verdicts[verdict].append(f"{case} n={n}")
            line = f"  -> {me} at n = {n}: {verdict}" + (f" ({'; '.join(notes)})" if notes else "")
            out(line if not a.markdown else f"\n{line.strip()}\n")
            sep_of = {m: np.mean([v[1] for v in rows[(case, n, m)].values()])
                      for m in [me, "hsicho_index"] + peers if (case, n, m) in rows}
            best = max(peers, key=lambda m: sep_of.get(m, -1))
            grid[(case, n)] = (f"{sep_of[me]:.2f} / {sep_of.get('hsicho_index', np.nan):.2f} / "
                               f"{sep_of[best]:.2f} {best}: {verdict}")
    if a.grid:
        print(f"| {'kind' if a.kinds else 'case'} | " + " | ".join(f"n = {n}" for n in ns) + " |\n|---|" + "---|" * len(ns))
        for case in cases:
            print(f"| {case} | " + " | ".join(grid.get((case, n), "-") for n in ns) + " |")
    print()
    for v in ["better", "ok", "below", "worse"]:
        print(f"{v}: {len(verdicts[v])}: {', '.join(verdicts[v])}")


if __name__ == "__main__":
    main()
