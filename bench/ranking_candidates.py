#!/usr/bin/env python3
"""Tuning record of issue 37: candidate evidence statistics for hsicho's default ranking,
prototyped in NumPy on the tuning seeds (1-10) of the cases that are not held out.

For every data set and input it stores the permutation p-value and the standardized statistic of
several goal-oriented tests (resumable JSON lines); --summary then ranks the inputs by each
combination of tests and prints the benchmark's measures. The chosen rule was then written in C++
(src/hsic/evidence.cpp) and measured on fresh seeds by bench/ranking_vs_peers.py.

Tests (V statistics, Gaussian kernels at the median bandwidth, a delta kernel on categories, a
linear kernel on the goal weight w; p-values by B permutations):
  ind        indicator of the best alpha = 0.1 (the paper's index)
  ind_m8     the same with a goal set of at least 8 rows
  ind_2a     indicator at 2 alpha
  smooth05   w = exp(-max(0, y - q) / (0.5 sd(y)))  (OpenTURNS's exponential filter)
  rank       w = exp(-max(0, F(y) - alpha) / alpha), F the empirical distribution (ranks)
  pair_X     the input's total effect within each pair (HSIC-ANOVA: first order + interaction,
             kernel K0_i o (1 + K0_j)), tested by permuting the input's column, best pair with a
             Bonferroni factor d - 1; X the goal weight (ind, smooth05, rank)
Conditional inputs: on the rows where they exist, goal recomputed there; no pair tests.

Usage: /usr/bin/python3 bench/ranking_candidates.py --seeds 1-10 --out bench/results/ranking_candidates_seeds_1-10.jsonl
       /usr/bin/python3 bench/ranking_candidates.py --summary bench/results/ranking_candidates_seeds_1-10.jsonl
"""
import argparse
import itertools
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ranking_cases as rc  # noqa: E402

B1, B2 = 1000, 200  # version 2: 300 and 200 (its Gamma p-values need only the moments)


def median_bw(x):
    d = np.abs(x[:, None] - x[None, :]).ravel()
    s = np.median(d)
    return s if s > 0 else 1.0


def kernel(x, name):
    nl = rc.levels(name)
    if rc.SPACE[rc.COL[name]][1] == "categorical":
        lv = np.minimum((x * nl).astype(int), nl - 1)
        return (lv[:, None] == lv[None, :]).astype(float)
    if nl:
        x = (np.minimum((x * nl).astype(int), nl - 1) + 0.5) / nl
    s = median_bw(x)
    return np.exp(-(x[:, None] - x[None, :]) ** 2 / (2 * s * s))


def goals(y, alpha=rc.ALPHA):
    n = len(y)
    srt = np.sort(y)
    q = srt[int(np.floor(alpha * (n - 1)))]
    fin = y[np.isfinite(y)]
    sd = np.std(fin, ddof=1) if fin.size > 1 else 1.0
    sd = sd if sd > 0 else 1.0
    out = {"ind": (y <= q).astype(float)}
    q8 = srt[min(n - 1, max(int(np.floor(alpha * (n - 1))), 7))]
    out["ind_m8"] = (y <= q8).astype(float)
    out["ind_2a"] = (y <= srt[int(np.floor(2 * alpha * (n - 1)))]).astype(float)
    with np.errstate(invalid="ignore"):
        out["smooth05"] = np.where(np.isfinite(y), np.exp(-np.maximum(0, y - q) / (0.5 * sd)), 0.0)
    f = (np.argsort(np.argsort(y, kind="stable"), kind="stable") + 1) / n
    out["rank"] = np.where(np.isfinite(y), np.exp(-np.maximum(0, f - alpha) / alpha), 0.0)
    # A robust spread (heavy tails and +inf do not inflate it): the interquartile range.
    q75, q25 = np.quantile(fin, [0.75, 0.25]) if fin.size > 1 else (1.0, 0.0)
    rs = (q75 - q25) / 1.349 if q75 > q25 else sd
    with np.errstate(invalid="ignore", over="ignore"):
        for label, s in [("smoothr05", 0.5), ("smoothr1", 1.0), ("smoothr2", 2.0)]:
            out[label] = np.where(np.isfinite(y), np.exp(-np.maximum(0, y - q) / (s * rs)), 0.0)
    return out


def rank_target(y):
    """The centred Gaussian kernel matrix of the errors' ranks (global, robust to tails)."""
    n = len(y)
    f = (np.argsort(np.argsort(y, kind="stable"), kind="stable") + 0.5) / n
    s = median_bw(f)
    L = np.exp(-(f[:, None] - f[None, :]) ** 2 / (2 * s * s))
    H = np.eye(n) - 1.0 / n
    return H @ L @ H


def perm_test_matrix(K, Lc, rng, b):
    """HSIC_V = sum(K o Lc) / n^2 with a centred target matrix; permutations of the rows."""
    n = len(K)
    t = np.sum(K * Lc) / n ** 2
    tb = np.empty(b)
    for i in range(b):
        p_ = rng.permutation(n)
        tb[i] = np.sum(K * Lc[np.ix_(p_, p_)]) / n ** 2
    p = (1 + np.sum(tb >= t - 1e-15 * abs(t))) / (1 + b)
    sd = tb.std()
    return p, (t - tb.mean()) / sd if sd > 0 else 0.0, gamma_p(t, tb)


def pair_interaction_matrix(K0, Lc, rng, b):
    """For each input i: the smallest p over j of the pure interaction term K0_i o K0_j under a
    centred target matrix, permuting x_i (Bonferroni d - 1)."""
    d, n = len(K0), len(Lc)
    out = []
    for i in range(d):
        others = [j for j in range(d) if j != i]
        A = np.stack([K0[j].ravel() for j in others])
        t = (K0[i] * Lc).ravel() @ A.T
        cnt = np.zeros(len(others))
        tb_all = []
        for _ in range(b):
            p_ = rng.permutation(n)
            tb = (K0[i][np.ix_(p_, p_)] * Lc).ravel() @ A.T
            cnt += tb >= t - 1e-15 * np.abs(t)
            tb_all.append(tb)
        tb_all = np.array(tb_all)
        ps = (1 + cnt) / (1 + b)
        z = (t - tb_all.mean(0)) / np.where(tb_all.std(0) > 0, tb_all.std(0), 1)
        pg = np.array([gamma_p(t[j], tb_all[:, j]) for j in range(len(others))])
        j = int(np.argmin(ps - 1e-9 * z))
        out.append((min(1.0, ps[j] * len(others)), float(z[j]),
                    min(1.0, float(pg.min()) * len(others))))
    return out


def gamma_p(t, tb):
    """p of t under a Gamma law with the permutations' mean and variance (normal if the mean is
    not positive): a p-value without the permutations' floor, for ranking."""
    from scipy.stats import gamma, norm
    mu, var = tb.mean(), tb.var()
    if var <= 0:
        return 1.0
    if mu <= 0:
        return float(norm.sf((t - mu) / np.sqrt(var)))
    return float(gamma.sf(t, mu * mu / var, scale=var / mu))


def perm_test(K, w, rng, b):
    n = len(w)
    wc = w - w.mean()
    t = wc @ K @ wc / n ** 2
    W = np.stack([rng.permutation(wc) for _ in range(b)], axis=1)
    tb = np.einsum("ib,ib->b", W, K @ W) / n ** 2
    p = (1 + np.sum(tb >= t - 1e-15 * abs(t))) / (1 + b)
    sd = tb.std()
    return p, (t - tb.mean()) / sd if sd > 0 else 0.0, gamma_p(t, tb)


def anova(K):
    k = K.sum(axis=1)
    return K - np.outer(k, k) / k.sum()


def pair_tests(K0, w, rng, b):
    """For each input i: the smallest pair p-value over j (Bonferroni), permuting x_i."""
    d, n = len(K0), len(w)
    wc = w - w.mean()
    W = np.outer(wc, wc)
    out = []
    for i in range(d):
        others = [j for j in range(d) if j != i]
        A = np.stack([(1 + K0[j]).ravel() for j in others])  # (d-1, n^2)
        t = (K0[i] * W).ravel() @ A.T
        cnt = np.zeros(len(others))
        tb_all = []
        for _ in range(b):
            p_ = rng.permutation(n)
            tb = (K0[i][np.ix_(p_, p_)] * W).ravel() @ A.T
            cnt += tb >= t - 1e-15 * np.abs(t)
            tb_all.append(tb)
        tb_all = np.array(tb_all)
        ps = (1 + cnt) / (1 + b)
        z = (t - tb_all.mean(0)) / np.where(tb_all.std(0) > 0, tb_all.std(0), 1)
        pg = np.array([gamma_p(t[j], tb_all[:, j]) for j in range(len(others))])
        j = int(np.argmin(ps - 1e-9 * z))
        out.append((min(1.0, ps[j] * len(others)), float(z[j]),
                    min(1.0, float(pg.min()) * len(others))))
    return out


def rank_tests(x, target, categorical):
    """Classical rank tests of x against a target (two-sided p): Spearman for an ordered input,
    Kruskal-Wallis for a categorical one (the target's ranks across its levels)."""
    from scipy.stats import kruskal, spearmanr
    if categorical:
        groups = [target[x == v] for v in np.unique(x)]
        groups = [g for g in groups if len(g) > 0]
        if len(groups) < 2 or np.ptp(target) == 0:
            return 1.0
        return float(kruskal(*groups).pvalue)
    if np.ptp(x) == 0 or np.ptp(target) == 0:
        return 1.0
    return float(spearmanr(x, target).pvalue)


def legendre_ranks(y):
    """The errors' normalized ranks through the Legendre polynomials of degree 1 to 3 (columns):
    a rank kernel L = F F' that holds a monotone, a U-shaped and an S-shaped trend."""
    n = len(y)
    r = 2 * (np.argsort(np.argsort(y, kind="stable"), kind="stable") + 0.5) / n - 1
    f = np.stack([r, (3 * r * r - 1) / 2, (5 * r ** 3 - 3 * r) / 2], axis=1)
    return f - f.mean(axis=0)


def add_prank(u, y, res, seed):
    rng = np.random.default_rng(seed + 7)
    for k, name in enumerate(rc.NAMES):
        a = ~np.isnan(u[:, k])
        if a.sum() < 4:
            continue
        F = legendre_ranks(y[a])
        K = kernel(u[a, k], name)
        Lc = F @ F.T
        res[name]["prank"] = perm_test_matrix(K, Lc, rng, 200)


def add_rank_components(u, y, res):
    """Version 3: Spearman / Kruskal-Wallis of each input against the errors (global) and against
    the smooth goal weight (goal, robust scale 0.5); conditional inputs on their rows."""
    for k, name in enumerate(rc.NAMES):
        x = u[:, k]
        a = ~np.isnan(x)
        if a.sum() < 4:
            continue
        xa, ya = x[a], y[a]
        nl = rc.levels(name)
        cat = rc.SPACE[k][1] == "categorical"
        if nl:
            xa = np.minimum((xa * nl).astype(int), nl - 1)
        r = (np.argsort(np.argsort(ya, kind="stable"), kind="stable") + 0.5) / len(ya)
        w = goals(ya)["smoothr05"]
        res[name]["spear"] = (rank_tests(xa, -r, cat), 0.0)
        res[name]["smono"] = (rank_tests(xa, w, cat), 0.0)


V1 = ["ind", "ind_m8", "ind_2a", "smooth05", "rank"]
V2 = ["ind", "smooth05", "smoothr05", "smoothr1", "smoothr2"]


def analyse(u, y, seed, version=1):
    rng = np.random.default_rng(seed)
    res = {n: {} for n in rc.NAMES}
    plain = [k for k, n in enumerate(rc.NAMES) if n not in rc.CONDITIONAL]
    g_all = goals(y)
    K = {k: kernel(u[:, k], rc.NAMES[k]) for k in plain}
    b1 = B1 if version == 1 else 300
    for k in plain:
        for g in V1 if version == 1 else V2:
            res[rc.NAMES[k]][g] = perm_test(K[k], g_all[g], rng, b1)
    K0 = [anova(K[k]) for k in plain]
    for g in ["ind", "smooth05", "rank"] if version == 1 else ["smooth05", "smoothr05"]:
        for k, r in zip(plain, pair_tests(K0, g_all[g], rng, B2)):
            res[rc.NAMES[k]]["pair_" + g] = r
    if version == 2:
        Lc = rank_target(y)
        for k in plain:
            res[rc.NAMES[k]]["grank"] = perm_test_matrix(K[k], Lc, rng, 200)
        for k, r in zip(plain, pair_interaction_matrix(K0, Lc, rng, B2)):
            res[rc.NAMES[k]]["pairint_grank"] = r
    for name in rc.CONDITIONAL:
        k = rc.COL[name]
        a = ~np.isnan(u[:, k])
        if a.sum() < 4:
            continue
        ga = goals(y[a])
        Ka = kernel(u[a, k], name)
        for g in V1 if version == 1 else V2:
            if ga[g].std() > 0:
                res[name][g] = perm_test(Ka, ga[g], rng, b1)
        if version == 2:
            res[name]["grank"] = perm_test_matrix(Ka, rank_target(y[a]), rng, 200)
    return res


# --- summary ----------------------------------------------------------------------------------

def acat(ps):
    ps = np.clip(np.asarray(ps, float), 1e-15, 1 - 1e-15)
    t = np.mean(np.tan((0.5 - ps) * np.pi))
    return 0.5 - np.arctan(t) / np.pi


def _zp(p):
    from scipy.stats import norm
    return float(norm.isf(min(max(p, 1e-300), 1 - 1e-16)))


def evidence(r, rule):
    """(p, z) of one input under a rule: ("stouffer", parts, "p"|"std"), ("min", [rules]),
    ("acat"|"min", parts) on p-values."""
    from scipy.stats import norm
    kind = rule[0]
    if kind == "stouffer":
        avail = [r[x] for x in rule[1] if x in r]
        if not avail:
            return None
        zs = [_zp(a[2] if len(a) > 2 else a[0]) if rule[2] == "p" else a[1] for a in avail]
        z = sum(zs) / np.sqrt(len(zs))
        return float(norm.sf(z)), z
    if kind == "min":
        subs = [evidence(r, sub) for sub in rule[1]]
        subs = [x for x in subs if x is not None]
        if not subs:
            return None
        p = min(1.0, min(x[0] for x in subs) * len(subs))
        return p, _zp(p)
    return None


def rank_by_rule(res, rule):
    keys = []
    for n in rc.NAMES:
        e = evidence(res[n], rule)
        keys.append((2.0, 0.0, n) if e is None else (e[0], -e[1], n))
    return [k[2] for k in sorted(keys)]


def rank_by(res, parts, how):
    if how == "rule":
        return rank_by_rule(res, parts)
    keys = []
    for n in rc.NAMES:
        r = res[n]
        avail = [r[p] for p in parts if p in r]
        if not avail:
            keys.append((2.0, 0.0, n))
            continue
        ps = [a[0] for a in avail]
        p = acat(ps) if how == "acat" else min(1.0, min(ps) * len(ps))
        z = max(a[1] for a in avail)
        keys.append((p, -z, n))
    return [k[2] for k in sorted(keys)]


def measures(order, relevant):
    k = len(relevant)
    top = set(order[:k])
    recall = len(top & relevant) / k
    sep = float(top == relevant)
    fp = float(any(n in rc.CONDITIONAL and n not in relevant for n in order[:2]))
    return recall, sep, fp


RULES = {
    "ind": (["ind"], "min"),
    "ind_m8": (["ind_m8"], "min"),
    "smooth05": (["smooth05"], "min"),
    "rank": (["rank"], "min"),
    "ind+smooth": (["ind", "smooth05"], "acat"),
    "ind+rank": (["ind", "rank"], "acat"),
    "m8+smooth": (["ind_m8", "smooth05"], "acat"),
    "ind+smooth+pair_ind": (["ind", "smooth05", "pair_ind"], "acat"),
    "ind+smooth+pair_smooth": (["ind", "smooth05", "pair_smooth05"], "acat"),
    "smooth+pair_smooth": (["smooth05", "pair_smooth05"], "acat"),
    "rank+pair_rank": (["rank", "pair_rank"], "acat"),
    "ind+rank+pair_rank": (["ind", "rank", "pair_rank"], "acat"),
    "m8+smooth+pair_smooth": (["ind_m8", "smooth05", "pair_smooth05"], "acat"),
    "ind+ind2a+smooth+pair_smooth": (["ind", "ind_2a", "smooth05", "pair_smooth05"], "acat"),
}


RULES2 = {
    "smoothr05": (("stouffer", ["smoothr05"], "p"), "rule"),
    "smooth05": (("stouffer", ["smooth05"], "p"), "rule"),
    "grank": (("stouffer", ["grank"], "p"), "rule"),
    "S(smoothr05,grank)": (("stouffer", ["smoothr05", "grank"], "p"), "rule"),
    "S(smooth05,grank)": (("stouffer", ["smooth05", "grank"], "p"), "rule"),
    "S(ind,smoothr05,grank)": (("stouffer", ["ind", "smoothr05", "grank"], "p"), "rule"),
    "S(smoothr1,grank)": (("stouffer", ["smoothr1", "grank"], "p"), "rule"),
    "S(smoothr05,grank)std": (("stouffer", ["smoothr05", "grank"], "std"), "rule"),
    "min(S(r05,grank),pair_r05)": (("min", [("stouffer", ["smoothr05", "grank"], "p"),
                                            ("stouffer", ["pair_smoothr05"], "p")]), "rule"),
    "min(S(r05,grank),pairint)": (("min", [("stouffer", ["smoothr05", "grank"], "p"),
                                           ("stouffer", ["pairint_grank"], "p")]), "rule"),
    "min(S(r05,grank),S(pair_r05,pairint))": (("min", [("stouffer", ["smoothr05", "grank"], "p"),
                                     ("stouffer", ["pair_smoothr05", "pairint_grank"], "p")]), "rule"),
    "min(smoothr05,pair_r05)": (("min", [("stouffer", ["smoothr05"], "p"),
                                         ("stouffer", ["pair_smoothr05"], "p")]), "rule"),
    "min(S(r1,grank),pair_r05)": (("min", [("stouffer", ["smoothr1", "grank"], "p"),
                                           ("stouffer", ["pair_smoothr05"], "p")]), "rule"),
}


def summary(path):
    global RULES
    rows = [json.loads(l) for l in open(path)]
    if "grank" in rows[0]["res"]["lr"]:
        RULES = RULES2
    cases = sorted({r["case"] for r in rows})
    ns = sorted({r["n"] for r in rows})
    print(f"{'rule':32s} " + " ".join(f"{c[:10]:>10s}" for c in cases) + "    mean")
    for n in ns:
        print(f"--- n = {n}: recall / separation (fp: conditional false positive in top 2)")
        for rule, (parts, how) in RULES.items():
            cells, tot = [], []
            for c in cases:
                m = [measures(rank_by(r["res"], parts, how), rc.CASES[c][1])
                     for r in rows if r["case"] == c and r["n"] == n]
                if not m:
                    cells.append("-")
                    continue
                rec, sep, fp = np.mean(m, axis=0)
                cells.append(f"{rec:.2f}/{sep:.2f}")
                tot.append(sep)
            print(f"{rule:32s} " + " ".join(f"{x:>10s}" for x in cells) + f"   {np.mean(tot):.3f}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", default="1-10")
    ap.add_argument("--n", default="32,64,128,256")
    ap.add_argument("--cases", default=",".join(c for c in rc.CASES if c not in rc.HELD_OUT))
    ap.add_argument("--out")
    ap.add_argument("--summary")
    ap.add_argument("--version", type=int, default=1)
    ap.add_argument("--extend", help="version 3: add the rank tests to this file's lines")
    a = ap.parse_args()
    if a.summary:
        return summary(a.summary)
    if a.extend:
        with open(a.out, "w") as f:
            for line in open(a.extend):
                r = json.loads(line)
                u, y = rc.data_set(r["case"], r["n"], r["seed"])
                add_rank_components(u, y, r["res"])
                add_prank(u, y, r["res"], r["seed"])
                f.write(json.dumps(r) + "\n")
        return
    lo, hi = (int(v) for v in a.seeds.split("-"))
    done = set()
    if os.path.exists(a.out):
        done = {(r["case"], r["n"], r["seed"]) for r in map(json.loads, open(a.out))}
    with open(a.out, "a") as f:
        for n, case, seed in itertools.product([int(v) for v in a.n.split(",")],
                                               a.cases.split(","), range(lo, hi + 1)):
            if (case, n, seed) in done:
                continue
            u, y = rc.data_set(case, n, seed)
            res = analyse(u, y, seed, a.version)
            f.write(json.dumps({"case": case, "n": n, "seed": seed, "res": res}) + "\n")
            f.flush()


if __name__ == "__main__":
    main()
