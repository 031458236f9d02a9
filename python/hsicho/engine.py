"""hsicho's HSIC engine on your own arrays: the analysis `hsicho analyze` runs (target or global
HSIC, V or U statistics, Gamma or permutation p-values, R2, bootstrap intervals, interactions,
conditional inputs), with the same options and the same numbers, without a CSV file.

    from hsicho.engine import analyze
    r = analyze(df[["lr", "units"]], df["val_error"], alpha=0.15, pvalues="permutation:1000")
    r["inputs"][0]["name"], r["inputs"][0]["hsic"], r["inputs"][0]["pvalue"]

Inputs are taken as the numbers given (normalize log-scale ones first, e.g. np.log10); NaN marks
an inactive conditional input (give conditional=True). `analyze(study)` takes an optuna.Study:
its parameters typed by Optuna (categories too) against its objective. The compiled part is built by CMake
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


def _options_text(options):
    text = {}
    for key, value in options.items():
        key = key.rstrip("_")  # global_ (a Python keyword)
        text[key] = ("true" if value else "false") if isinstance(value, bool) else str(value)
    return text


def analyze_study(study, **options):
    """`hsicho analyze` of an optuna.Study's trials: its hyperparameters (categorical ones as
    categories, log-scale ones on their log scale) against its objective, the best alpha fraction of finished trials as the goal
    (a maximized objective is negated; failed and pruned trials count as the worst). The result
    has the command line's JSON keys and "notes" (what the reader decided)."""
    import tempfile
    df = study.trials_dataframe(attrs=("number", "value", "params", "state"))
    if "value" not in df.columns:
        raise ValueError("analyze_study needs a study with one objective (a 'value' column)")
    df = df[df["state"].astype(str).str.replace("TrialState.", "", regex=False).isin(
        ["COMPLETE", "PRUNED", "FAIL"])].copy()
    df.loc[df["state"].astype(str).str.endswith("COMPLETE") == False, "value"] = np.nan  # noqa: E712
    if str(study.direction).endswith("MAXIMIZE"):
        df["value"] = -df["value"]
    df["state"] = df["state"].astype(str).str.replace("TrialState.", "", regex=False)
    # Optuna knows which parameters it sampled on a log scale: read on that scale.
    logs = set()
    for trial in study.trials:
        for name, dist in trial.distributions.items():
            if getattr(dist, "log", False):
                logs.add(name)
    for name in logs:
        df["params_" + name] = np.log10(df["params_" + name].astype(float))
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "trials.csv")
        df.to_csv(path, index=False, float_format="%.17g")
        return json.loads(_engine().analyze_csv_json(path, "value", _options_text(options)))


def analyze(x, y=None, names=None, **options):
    """The result of `hsicho analyze --json` as a dict: n, alpha, threshold, m, the inputs
    (name, hsic, stderr, r2, share, pvalue, ...), interactions when asked. `options` are the
    keys of a deck's analysis block (alpha=0.15, estimator="u", pvalues="permutation:1000",
    bandwidth="std", interactions=True, global_=True for global, bootstrap=0, seed=3, ...).
    `analyze(study)` with an optuna.Study analyses its trials (analyze_study)."""
    if y is None and hasattr(x, "trials_dataframe"):
        return analyze_study(x, **options)
    if y is None:
        raise TypeError("analyze(x, y): give the errors y, or an optuna.Study alone")
    if names is None:
        names = [str(c) for c in x.columns] if hasattr(x, "columns") else [f"x{k + 1}" for k in range(np.shape(x)[1])]
    xa = np.asarray(x, dtype=float)
    if xa.ndim == 1:
        xa = xa[:, None]
    return json.loads(_engine().analyze_json(xa, np.asarray(y, dtype=float), list(names),
                                             _options_text(options)))
