"""A study file (docs/hdf5.md) as pandas DataFrames."""
import json
import os
import shutil
import subprocess
import tempfile

import h5py
import numpy as np
import pandas as pd


def _strs(ds):
    return [v.decode() if isinstance(v, bytes) else str(v) for v in ds[()]]


def _find_hsicho():
    """$HSICHO, the build folder of this checkout, or the PATH."""
    here = os.path.dirname(os.path.abspath(__file__))
    for c in (os.environ.get("HSICHO"), os.path.join(here, "..", "..", "build", "hsicho"),
              shutil.which("hsicho")):
        if c and os.access(c, os.X_OK):
            return c
    return None


def _typed(text, kind):
    """A configuration's value as the space types it; None where inactive."""
    if text == "":
        return None
    if kind == "integer":
        return int(float(text))
    if kind in ("continuous", "log", "fixed"):
        try:
            return float(text)
        except ValueError:
            return text
    if kind == "boolean":
        return text == "true"
    return text  # categorical: as the deck writes it


# The record's fields that are one cell of a table, in the order of include/hsicho/record.hpp
# (hsicho export --csv writes them so).
_RECORD_FIELDS = ["status", "val_error", "test_error", "parameters", "flops", "epochs", "seconds",
                  "seed", "best_epoch", "val_rel_l2", "test_rel_l2", "device", "rank", "host",
                  "message", "cause", "attempt", "planned_epochs", "group_size"]


def _column_names(hyperparameters, fields, metrics):
    """The one naming rule of a table of trainings (docs/hdf5.md "Column names", the same as
    hsicho export --csv): the fixed columns, the hyperparameters, the results, the metrics as
    metric_NAME; a name taken already gets its group's prefix (param_, result_) until free."""
    out = ["config", "stage", "retrains", "pareto_rank"]
    taken = set(out)

    def add(name, prefix):
        while name in taken:
            name = prefix + name
        taken.add(name)
        out.append(name)
    for h in hyperparameters:
        add(h, "param_")
    for f in fields:
        add(f, "result_")
    for m in metrics:
        add("metric_" + m, "result_")
    return out


def _trials(configs, hyperparameters, results, fields, metrics):
    """configs and results side by side under the one naming rule (no name twice)."""
    columns = [configs[c] for c in ("config", "stage", "retrains", "pareto_rank")]
    columns += [configs[h] for h in hyperparameters]
    columns += [results[f] for f in fields] + [results["metric_" + m] for m in metrics]
    table = pd.concat(columns, axis=1)
    table.columns = _column_names(hyperparameters, fields, metrics)
    return table


def _partial(path):
    """Running, stopped or killed: a journal folder whose plan does not say finished (the
    journal stays beside a finished study), or no study file yet."""
    journal = path + ".journal"
    if not os.path.isdir(journal):
        return False
    if not os.path.isfile(path):
        return True
    try:
        with open(os.path.join(journal, "plan.json")) as fh:
            return json.load(fh).get("end") != "finished"
    except (OSError, ValueError):
        return True


class Study:
    """Everything a study file holds, as DataFrames (one row per training where it applies).

    configs: config (the id), stage, retrains (<NA>, or the configuration a final retraining trains
        again), pareto_rank, seed, and each hyperparameter with its typed value (None: inactive).
    results: every field of a training's record (status, val_error, test_error, parameters,
        flops, epochs, seconds, ...) and metrics/NAME as metric_NAME.
    trials: configs and results side by side, with the columns of `hsicho export --csv` (one
        naming rule: a result named like a hyperparameter is result_NAME; docs/hdf5.md).
    curves: validation error per epoch (rows: trainings, columns: epochs; NaN past the end).
    indices, indices_front: the headline analysis (first stage) and the accuracy-cost front's
        (goal pareto): name, hsic, stderr, r2, share, pvalue, ci_low, ci_high, top_share, ...
    interactions: the pairs' matrices where the study computed them (interactions: joint target
        HSIC; interactions_anova: what a pair adds beyond its main effects; interactions_pvalue).
    normalized: the design's columns in [0, 1], one row per training.
    stages, decisions: an optimized study's stages and the optimizer's decisions;
        stage_indices, stage_pvalues: every stage's indices (rows: stages 1..K).
    class_names: class k's name where the labels were written as names (else []).
    metric: the name of the validation error (rmse, error_rate, ...).
    ranks, training_wall: the MPI ranks and the wall seconds of training of the run that wrote the
        file (NaN where not recorded: older files, a study that runs).
    pruning_mode: the early stopping mode the study ran (ordered, async, halving), "" without one.
    best, pick: dicts; partial: whether the study was still running or stopped (read from its
        journal through `hsicho export --h5`).
    """

    def __init__(self, path):
        self.path = path
        self.partial = _partial(path)
        tmp = None
        source = path
        if self.partial:
            hsicho = _find_hsicho()
            if hsicho is None:
                raise RuntimeError("a running or stopped study is read through 'hsicho export "
                                   "--h5'; no hsicho found (set $HSICHO)")
            tmp = tempfile.mkdtemp()
            source = os.path.join(tmp, "snapshot.h5")
            subprocess.run([hsicho, "export", path, "--h5", source], check=True,
                           capture_output=True, text=True)
        try:
            with h5py.File(source, "r") as f:
                self._read(f)
        finally:
            if tmp:
                shutil.rmtree(tmp, ignore_errors=True)

    def _read(self, f):
        a = dict(f.attrs)
        self.name = a.get("name", b"").decode() if isinstance(a.get("name"), bytes) else str(a.get("name", ""))
        self.complete = bool(a.get("complete", 1)) and not self.partial
        self.format_version = int(a.get("format_version", 1))
        self.ranks = int(a.get("ranks", 1))
        # Wall seconds the run that wrote the file spent training (NaN: not recorded).
        self.training_wall = float(a.get("training_wall_s", np.nan))
        mode = a.get("pruning_mode", b"")
        self.pruning_mode = mode.decode() if isinstance(mode, bytes) else str(mode)
        metric = f["results"].attrs.get("metric", b"")
        self.metric = metric.decode() if isinstance(metric, bytes) else str(metric)
        names = _strs(f["space/names"])
        types = _strs(f["space/types"])
        self.space = pd.DataFrame({"name": names, "type": types, "domain": _strs(f["space/domains"]),
                                   "condition": _strs(f["space/conditions"]),
                                   "low": f["space/low"][()], "high": f["space/high"][()],
                                   "log_scale": f["space/log_scale"][()].astype(bool),
                                   "free": f["space/free"][()].astype(bool)})
        n = f["results/val_error"].shape[0]
        values = np.array(f["configs/values"].asstr()[()]).reshape(n, len(names))
        cols = {"config": f["configs/id"][()] if "id" in f["configs"] else np.arange(n),
                "stage": f["configs/stage"][()]}
        retrains = f["configs/retrains"][()] if "retrains" in f["configs"] else np.full(n, -1)
        # None where a row retrains nothing (an empty cell in hsicho export --csv).
        cols["retrains"] = pd.array([None if r < 0 else int(r) for r in retrains], dtype="Int64")
        cols["pareto_rank"] = f["configs/pareto_rank"][()] if "pareto_rank" in f["configs"] else np.zeros(n, int)
        cols["seed"] = f["configs/seed"][()]
        for k, name in enumerate(names):
            cols[name] = [_typed(v, types[k]) for v in values[:, k]]
        self.configs = pd.DataFrame(cols)
        res = {}
        metrics = {}
        for key, ds in f["results"].items():
            if isinstance(ds, h5py.Group):
                for m, mds in ds.items():
                    metrics[m] = mds[()]
            elif ds.ndim == 1:
                res[key] = _strs(ds) if ds.dtype.kind in "OS" else ds[()]
        # The results' fields in the record's order (the columns of hsicho export --csv), then the
        # metrics in sorted order.
        order = [k for k in _RECORD_FIELDS if k in res] + sorted(k for k in res if k not in _RECORD_FIELDS)
        self.results = pd.DataFrame({k: res[k] for k in order})
        for m in sorted(metrics):
            self.results["metric_" + m] = metrics[m]
        self.trials = _trials(self.configs, names, self.results, order, sorted(metrics))
        self.curves = pd.DataFrame(f["results/curves"][()], columns=np.arange(1, f["results/curves"].shape[1] + 1)) \
            if "curves" in f["results"] else pd.DataFrame()
        # The design's columns in [0, 1] (a categorical's level at the middle of its bin).
        self.normalized = pd.DataFrame(f["configs/normalized"][()], columns=_strs(f["configs/columns"])) \
            if "normalized" in f["configs"] and "columns" in f["configs"] else pd.DataFrame()
        self.indices = self._analysis(f, "analysis")
        self.interactions = self._matrices(f, "analysis", names=_strs(f["analysis/names"])) if "analysis" in f else {}
        self.indices_front = self._analysis(f, "analysis_front")
        self.stages = self._table(f, "stages", exclude=("decisions", "hsic", "pvalue", "log"))
        self.decisions = self._table(f["stages"], "decisions") if "stages" in f else pd.DataFrame()
        # Every stage's indices and p-values (rows: stages 1..K, columns: the design's columns).
        stage_m = self._matrices(f, "stages", names=_strs(f["configs/columns"]), rows=True) \
            if "stages" in f and "columns" in f["configs"] else {}
        self.stage_indices = stage_m.get("hsic", pd.DataFrame())
        self.stage_pvalues = stage_m.get("pvalue", pd.DataFrame())
        self.best = self._group(f, "best")
        self.pick = self._group(f, "pick")
        self.deck = _strs(f["deck"])[0] if "deck" in f else ""
        self.class_names = _strs(f["class_names"]) if "class_names" in f else []

    @staticmethod
    def _analysis(f, group):
        if group not in f:
            return pd.DataFrame()
        g = f[group]
        out = {"name": _strs(g["names"])}
        for key, ds in g.items():
            if key != "names" and ds.ndim == 1:
                out[key] = ds[()]
        df = pd.DataFrame(out)
        if "conditional" in df:
            df["conditional"] = df["conditional"].astype(bool)
        df.attrs.update({k: (v.decode() if isinstance(v, bytes) else v) for k, v in g.attrs.items()})
        # The engine's ranking (a file written before it existed: by index).
        if "rank" in df and (df["rank"] > 0).any():
            return df.sort_values("rank").reset_index(drop=True)
        return df.sort_values("hsic", ascending=False, key=lambda s: s.fillna(-1)).reset_index(drop=True)

    @staticmethod
    def _matrices(f, group, names, rows=False):
        """The group's 2-D datasets as DataFrames with the inputs' names as columns (and as the
        index, or stages 1..K where `rows`)."""
        out = {}
        for key, ds in f[group].items():
            if isinstance(ds, h5py.Dataset) and ds.ndim == 2 and ds.shape[1] == len(names):
                index = np.arange(1, ds.shape[0] + 1) if rows else names
                if len(index) == ds.shape[0]:
                    out[key] = pd.DataFrame(ds[()], index=index, columns=names)
        return out

    @staticmethod
    def _table(f, group, exclude=()):
        if group not in f:
            return pd.DataFrame()
        g = f[group]
        out = {}
        for key, ds in g.items():
            if key in exclude or not isinstance(ds, h5py.Dataset) or ds.ndim != 1:
                continue
            out[key] = _strs(ds) if ds.dtype.kind in "OS" else ds[()]
        return pd.DataFrame(out)

    @staticmethod
    def _group(f, group):
        if group not in f:
            return None
        return {k: (v.decode() if isinstance(v, bytes) else v.item() if hasattr(v, "item") else v)
                for k, v in f[group].attrs.items()}

    def __repr__(self):
        return (f"<hsicho study '{self.name}': {len(self.trials)} trainings"
                f"{', partial' if self.partial else ''}>")


def load(path):
    """The study at `path` (its study file, or while it runs, stopped or killed, its journal)."""
    return Study(path)
