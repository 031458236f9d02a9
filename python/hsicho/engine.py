"""hsicho's HSIC engine on your own arrays: the analysis `hsicho analyze` runs (target or global
HSIC, V or U statistics, Gamma or permutation p-values, R2, bootstrap intervals, interactions,
conditional inputs), with the same options and the same numbers, without a CSV file.

    from hsicho.engine import analyze
    r = analyze(df[["lr", "units"]], df["val_error"], alpha=0.15, pvalues="permutation:1000")
    r["inputs"][0]["name"], r["inputs"][0]["hsic"], r["inputs"][0]["pvalue"]

Inputs are taken as the numbers given (normalize log-scale ones first, e.g. np.log10); NaN marks
an inactive conditional input (give conditional=True). The compiled part is built by CMake
(build/python/_hsicho_engine*.so) where Debian's pybind11-dev is installed.
"""
import glob
import importlib
import json
import os
import sys

import numpy as np


def _engine():
    try:
        return importlib.import_module("_hsicho_engine")
    except ImportError:
        here = os.path.dirname(os.path.abspath(__file__))
        for folder in (os.environ.get("HSICHO_BUILD"), os.path.join(here, "..", "..", "build")):
            if folder and glob.glob(os.path.join(folder, "python", "_hsicho_engine*.so")):
                sys.path.insert(0, os.path.join(folder, "python"))
                return importlib.import_module("_hsicho_engine")
        raise ImportError("the compiled HSIC engine is not built: install pybind11-dev and build "
                          "(./scripts/build.sh), or set $HSICHO_BUILD to the build folder")


def analyze(x, y, names=None, **options):
    """The result of `hsicho analyze --json` as a dict: n, alpha, threshold, m, the inputs
    (name, hsic, stderr, r2, share, pvalue, ...), interactions when asked. `options` are the
    keys of a deck's analysis block (alpha=0.15, estimator="u", pvalues="permutation:1000",
    bandwidth="std", interactions=True, global_=True for global, bootstrap=0, seed=3, ...)."""
    if names is None:
        names = [str(c) for c in x.columns] if hasattr(x, "columns") else [f"x{k + 1}" for k in range(np.shape(x)[1])]
    xa = np.asarray(x, dtype=float)
    if xa.ndim == 1:
        xa = xa[:, None]
    text = {}
    for key, value in options.items():
        key = key.rstrip("_")  # global_ (a Python keyword)
        text[key] = ("true" if value else "false") if isinstance(value, bool) else str(value)
    return json.loads(_engine().analyze_json(xa, np.asarray(y, dtype=float), list(names), text))
