#!/usr/bin/env python3
"""Target HSIC + R2 + Gamma p-values: hsicho against OpenTURNS and a dense NumPy V-statistic.

All three get the same data and the same bandwidths (hsicho's median rule, passed to the peers
as fixed values), and their numbers are compared before their times are. One thread everywhere.

  /usr/bin/python3 bench/hsic_vs_peers.py                 # n = 5000, d = 10
  /usr/bin/python3 bench/hsic_vs_peers.py --ot-inputs 10  # OpenTURNS on every input (~15 min)

OpenTURNS takes about 1.5 minutes per input at n = 5000; by default it runs on --ot-inputs 1
input and its time is scaled by d / ot_inputs (its cost is linear in the number of inputs,
each input being analysed alone). Then: hsicho on 2 ranks; permutation p-values with B = 1000 on
2 ranks (OpenTURNS at B = --ot-permutations, scaled linearly to 1000); n = 50 000 exact.
Needs python3-numpy, python3-openturns (Debian) and build/bench/hsicho_bench_hsic.
"""
import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

ENV = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1",
           OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
           OMPI_MCA_rmaps_base_oversubscribe="1")


def make_data(n, d, seed):
    rng = np.random.default_rng(seed)
    x = rng.random((n, d))
    y = x[:, 0] + 0.5 * x[:, 1] ** 2 + 0.3 * np.sin(6 * x[:, 2]) + 0.1 * rng.standard_normal(n)
    return x, y


def write_csv(path, x, y):
    d = x.shape[1]
    np.savetxt(path, np.column_stack([x, y]), delimiter=",", fmt="%.17g",
               header=",".join([f"x{c + 1}" for c in range(d)] + ["y"]), comments="")


def hsicho(bench, csv, ranks, *extra):
    cmd = ["mpiexec", "-n", str(ranks), bench, csv, *extra]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=ENV).stdout
    return json.loads(out)


def numpy_target(x, y, alpha, s):
    """The V-statistic with dense n x n kernels, R2 and the Gamma p-value (Gretton 2008)."""
    n = len(y)
    q = np.sort(y)[int(math.floor(alpha * (n - 1)))]
    z = (y <= q).astype(float)
    L = np.outer(z, z)

    def centre(M):
        return M - M.mean(0, keepdims=True) - M.mean(1, keepdims=True) + M.mean()

    Lc = centre(L)
    hzz = (Lc * Lc).sum() / n**2
    out = []
    for c in range(x.shape[1]):
        K = np.exp(-(x[:, c, None] - x[None, :, c]) ** 2 / (2 * s[c] ** 2))
        Kc = centre(K)
        hsic = (Kc * Lc).sum() / n**2
        hxx = (Kc * Kc).sum() / n**2
        r2 = hsic / math.sqrt(hxx * hzz)
        B = (Kc * Lc) ** 2
        var = 2 * (n - 4) * (n - 5) / (n * (n - 1) * (n - 2) * (n - 3)) * (B.sum() - np.trace(B)) / (n * (n - 1))
        mu_k = (K.sum() - n) / (n * (n - 1))
        mu_l = (L.sum() - np.trace(L)) / (n * (n - 1))
        mean = (1 - mu_k) * (np.trace(L) / n - mu_l) / n
        from scipy.stats import gamma
        p = gamma.sf(n * hsic, mean**2 / var, scale=var * n / mean)
        out.append((hsic, r2, p))
    return out


def openturns_target(x, y, alpha, s, inputs, permutations=0):
    import openturns as ot
    n = len(y)
    q = np.sort(y)[int(math.floor(alpha * (n - 1)))]
    f = ot.ComposedFunction(ot.SymbolicFunction(["d"], ["(d <= 0) * 1"]),
                            ot.DistanceToDomainFunction(ot.Interval(-1e300, float(q))))
    covs = [ot.SquaredExponential([s[c]]) for c in range(inputs)]
    covs.append(ot.SquaredExponential([1 / math.sqrt(2 * math.log(2))]))
    t0 = time.perf_counter()
    h = ot.HSICEstimatorTargetSensitivity(covs, ot.Sample(x[:, :inputs]), ot.Sample(y.reshape(-1, 1)),
                                          ot.HSICVStat(), f)
    hsic, r2, p = list(h.getHSICIndices()), list(h.getR2HSICIndices()), list(h.getPValuesAsymptotic())
    t = time.perf_counter() - t0
    tp = None
    if permutations:
        h.setPermutationSize(permutations)
        t1 = time.perf_counter()
        h.getPValuesPermutation()
        tp = time.perf_counter() - t1
    return list(zip(hsic, r2, p)), t, tp


def rel(a, b):
    return abs(a - b) / max(abs(b), 1e-300)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=5000)
    ap.add_argument("--d", type=int, default=10)
    ap.add_argument("--alpha", type=float, default=0.1)
    ap.add_argument("--ot-inputs", type=int, default=1)
    ap.add_argument("--ot-permutations", type=int, default=2, help="0: skip OpenTURNS permutations")
    ap.add_argument("--large-n", type=int, default=50000, help="0: skip")
    ap.add_argument("--bench", default="build/bench/hsicho_bench_hsic")
    a = ap.parse_args()
    tmp = tempfile.mkdtemp()
    x, y = make_data(a.n, a.d, 1)
    csv = os.path.join(tmp, "data.csv")
    write_csv(csv, x, y)
    print(f"n = {a.n}, d = {a.d}, alpha = {a.alpha}; target HSIC (V) + R2 + Gamma p-values; one thread per process")

    h1 = hsicho(a.bench, csv, 1, "--alpha", str(a.alpha), "--repeat", "3")
    s = [i["bandwidth"] for i in h1["inputs"]]
    t_h1 = h1["seconds"]
    print(f"hsicho, 1 rank:     {t_h1:10.4f} s  (median bandwidths computed inside)")

    # The same engine from Python (python/hsicho/engine.py): the whole analysis call on arrays.
    t_py = None
    try:
        sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
        from hsicho.engine import analyze
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            py = analyze(x, y, alpha=a.alpha, bootstrap=0)
            times.append(time.perf_counter() - t0)
        t_py = sorted(times)[1]
        dev_py = max(rel(p["hsic"], h["hsic"]) for p, h in zip(py["inputs"], h1["inputs"]))
        print(f"hsicho from Python: {t_py:10.4f} s  (the extension, whole analysis; max relative "
              f"difference from the command line {dev_py:.1e})")
    except ImportError as e:
        print(f"hsicho from Python: not built ({e})")

    t0 = time.perf_counter()
    ref = numpy_target(x, y, a.alpha, s)
    t_np = time.perf_counter() - t0
    print(f"NumPy dense:        {t_np:10.4f} s")

    ot_res, t_ot, _ = openturns_target(x, y, a.alpha, s, a.ot_inputs)
    t_ot_all = t_ot * a.d / a.ot_inputs
    note = "" if a.ot_inputs == a.d else f"  ({t_ot:.1f} s for {a.ot_inputs} input(s), scaled x{a.d / a.ot_inputs:g})"
    print(f"OpenTURNS:          {t_ot_all:10.4f} s{note}")

    dev_np = max(max(rel(h["hsic"], r[0]), rel(h["r2"], r[1])) for h, r in zip(h1["inputs"], ref))
    dev_ot = max(max(rel(h["hsic"], r[0]), rel(h["r2"], r[1])) for h, r in zip(h1["inputs"], ot_res))
    # p-values: relative differences where p is representable at all (above 1e-300).
    dev_p_np = max([rel(h["pvalue"], r[2]) for h, r in zip(h1["inputs"], ref) if r[2] > 1e-300] or [0])
    dev_p_ot = max([rel(h["pvalue"], r[2]) for h, r in zip(h1["inputs"], ot_res) if r[2] > 1e-300] or [0])
    print(f"agreement (max relative difference): HSIC and R2 vs NumPy {dev_np:.1e}, vs OpenTURNS {dev_ot:.1e}; "
          f"Gamma p-values vs NumPy/scipy {dev_p_np:.1e}, vs OpenTURNS {dev_p_ot:.1e}")
    print(f"speed-up on one core: x{t_ot_all / t_h1:.0f} vs OpenTURNS, x{t_np / t_h1:.0f} vs NumPy")
    if t_py:
        print(f"from Python, on one core: x{t_ot_all / t_py:.0f} vs OpenTURNS, x{t_np / t_py:.0f} vs NumPy")

    h2 = hsicho(a.bench, csv, 2, "--alpha", str(a.alpha), "--repeat", "3")
    print(f"hsicho, 2 ranks:    {h2['seconds']:10.4f} s  (x{t_h1 / h2['seconds']:.2f} from 1 to 2 ranks)")

    hp = hsicho(a.bench, csv, 2, "--alpha", str(a.alpha), "--pvalues", "permutation:1000")
    line = f"permutation p-values, B = 1000: hsicho 2 ranks {hp['seconds']:.2f} s"
    if a.ot_permutations:
        _, _, t_otp = openturns_target(x, y, a.alpha, s, 1, a.ot_permutations)
        t_otp_all = t_otp * a.d * 1000 / a.ot_permutations
        line += (f"; OpenTURNS {t_otp_all:.0f} s (measured {t_otp:.1f} s for B = {a.ot_permutations} "
                 f"on 1 input, scaled x{a.d * 1000 / a.ot_permutations:g})")
    print(line)

    if a.large_n:
        xl, yl = make_data(a.large_n, a.d, 2)
        big = os.path.join(tmp, "large.csv")
        write_csv(big, xl, yl)
        hl = hsicho(a.bench, big, 1, "--alpha", str(a.alpha), "--pvalues", "none")
        hl2 = hsicho(a.bench, big, 2, "--alpha", str(a.alpha), "--pvalues", "none")
        print(f"n = {a.large_n}, d = {a.d}, exact target HSIC + R2: {hl['seconds']:.3f} s on 1 rank, "
              f"{hl2['seconds']:.3f} s on 2 ranks, peak memory {hl['peak_mib']:.0f} MiB (rank 0, data included)")


if __name__ == "__main__":
    main()
