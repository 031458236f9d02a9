#!/usr/bin/env python3
"""Reference values of the centered L2 discrepancy (squared), from scipy.stats.qmc.

Run with Debian's python3 (python3-scipy); prints the C++ initializer used in
tests/unit/test_lhs.cpp. The points are a fixed 6 x 3 design written out in full there.
"""
import numpy as np
from scipy.stats import qmc

x = np.array([[0.05, 0.61, 0.32],
              [0.21, 0.93, 0.74],
              [0.47, 0.12, 0.55],
              [0.58, 0.44, 0.08],
              [0.79, 0.27, 0.96],
              [0.96, 0.78, 0.19]])
print(f"6x3: {qmc.discrepancy(x, method='CD'):.17g}")
print(f"6x1: {qmc.discrepancy(x[:, :1], method='CD'):.17g}")
