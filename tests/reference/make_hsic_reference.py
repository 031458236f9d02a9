#!/usr/bin/env python3
"""Reference HSIC values from OpenTURNS (Debian's python3-openturns), for tests/unit/test_hsic_*.

Writes hsic_data.csv (x1, x2, x3, y) and hsic_openturns.txt (one 'key value...' per line).
Input kernels: Gaussian (ot.SquaredExponential) with fixed bandwidths. Target analysis: the
0/1 indicator of y <= q (q = sorted(y)[floor(alpha (n-1))]) as filter, Gaussian output kernel of
scale 1/sqrt(2 ln 2). Global analysis: Gaussian output kernel of scale std(y).
Run from this folder with /usr/bin/python3.
"""
import math

import numpy as np
import openturns as ot

n, alpha = 120, 0.2
s_in = [0.2, 0.3, 0.25]
rng = np.random.default_rng(2024)
X = rng.random((n, 3))
y = X[:, 0] + 0.3 * X[:, 1] ** 2 + 0.05 * rng.standard_normal(n)
np.savetxt("hsic_data.csv", np.column_stack([X, y]), delimiter=",", header="x1,x2,x3,y",
           comments="", fmt="%.17g")

q = np.sort(y)[int(math.floor(alpha * (n - 1)))]
inside = ot.ComposedFunction(ot.SymbolicFunction(["d"], ["(d <= 0) * 1"]),
                             ot.DistanceToDomainFunction(ot.Interval(-1e300, float(q))))
Xs, Ys = ot.Sample(X), ot.Sample(y.reshape(-1, 1))
lines = [f"n {n}", f"alpha {alpha!r}", f"threshold {q!r}", "bandwidth " + " ".join(map(repr, s_in))]


def row(key, values):
    lines.append(key + " " + " ".join(repr(float(v)) for v in values))


for name, est in [("v", ot.HSICVStat()), ("u", ot.HSICUStat())]:
    covs = [ot.SquaredExponential([s]) for s in s_in]
    covs.append(ot.SquaredExponential([1 / math.sqrt(2 * math.log(2))]))
    t = ot.HSICEstimatorTargetSensitivity(covs, Xs, Ys, est, inside)
    row(f"target_{name}_hsic", t.getHSICIndices())
    row(f"target_{name}_r2", t.getR2HSICIndices())
    row(f"target_{name}_pvalue_gamma", t.getPValuesAsymptotic())
    sy = float(np.std(y, ddof=1))
    covs_g = [ot.SquaredExponential([s]) for s in s_in] + [ot.SquaredExponential([sy])]
    g = ot.HSICEstimatorGlobalSensitivity(covs_g, Xs, Ys, est)
    row(f"global_{name}_hsic", g.getHSICIndices())
    row(f"global_{name}_r2", g.getR2HSICIndices())
    row(f"global_{name}_pvalue_gamma", g.getPValuesAsymptotic())
    lines.append(f"global_output_bandwidth {sy!r}")

# Smooth goal weight: exp(-d / (S std(y))), d the distance from y to (-inf, q]; the same output
# kernel on the weights (hsicho's analysis.goal: smooth:S).
S = 0.5
scale = S * float(np.std(y, ddof=1))
lines.append(f"smooth_relative_scale {S!r}")
smooth = ot.ComposedFunction(ot.SymbolicFunction(["d"], [f"exp(-d / {scale!r})"]),
                             ot.DistanceToDomainFunction(ot.Interval(-1e300, float(q))))
for name, est in [("v", ot.HSICVStat()), ("u", ot.HSICUStat())]:
    covs = [ot.SquaredExponential([s]) for s in s_in]
    covs.append(ot.SquaredExponential([1 / math.sqrt(2 * math.log(2))]))
    t = ot.HSICEstimatorTargetSensitivity(covs, Xs, Ys, est, smooth)
    row(f"smooth_{name}_hsic", t.getHSICIndices())
    row(f"smooth_{name}_r2", t.getR2HSICIndices())
    row(f"smooth_{name}_pvalue_gamma", t.getPValuesAsymptotic())

with open("hsic_openturns.txt", "w") as f:
    f.write("\n".join(lines) + "\n")
print("\n".join(lines))
