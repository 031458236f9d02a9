"""The figures of a study, one function per figure (scripts/plot_study.py is the command over
them): each takes the drawing context of draw() and saves one PNG.

    from hsicho import figures
    figures.draw("out/demo.h5", "out/demo-figures")      # every figure that applies

indices.png (indices with their intervals, significance marked), interactions.png (heat map, when
the study computed them), distributions.png (each hyperparameter overall vs among the best),
parallel.png (parallel coordinates in the hyperparameters' own values, best highlighted),
progress.png (best error against the number of trainings, stage by stage), stages.png (an
optimized study's indices stage by stage), curves.png (validation curves of the best networks),
front.png (every training's error against its cost, the accuracy-cost front, the best and the
pick), rungs.png (with early stopping: every training's curve, where each stopped one ended, and
per rung the lowest error stopped there).
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

import h5py
import matplotlib
import matplotlib.ticker

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def strs(ds):
    return [s.decode() if isinstance(s, bytes) else str(s) for s in ds[()]]


def short(value):
    """A value for a legend: numbers to 3 significant digits (0.004306819996247769 -> 0.00431)."""
    try:
        v = float(value)
    except ValueError:
        return value
    return str(int(v)) if v == int(v) and abs(v) < 1e9 else f"{v:.3g}"


def find_hsicho():
    """The hsicho program: $HSICHO, the build folder beside this script, or the PATH."""
    here = os.path.dirname(os.path.abspath(__file__))
    for c in (os.environ.get("HSICHO"), os.path.join(here, "..", "..", "build", "hsicho"), shutil.which("hsicho")):
        if c and os.access(c, os.X_OK):
            return c
    return None


def study_file(path, tmp):
    """The study file to draw: itself once the study has finished; a snapshot of what its journal
    holds (hsicho export --h5) while it runs, or when it was stopped or killed."""
    if not os.path.isdir(path + ".journal"):
        return path
    hsicho = find_hsicho()
    if hsicho is None:
        if os.path.exists(path):
            return path
        sys.exit(f"{path}: the study has not finished, and reading its journal needs the hsicho "
                 "program (set HSICHO=/path/to/hsicho)")
    state = json.loads(subprocess.run([hsicho, "status", path, "--json"], check=True,
                                      capture_output=True, text=True).stdout)["state"]
    if state == "finished":
        return path
    snap = os.path.join(tmp, "snapshot.h5")
    subprocess.run([hsicho, "export", path, "--h5", snap], check=True)
    print(f"a {state} study: drawing the trainings finished so far")
    return snap


def indices(c):
    """indices.png: the ranking (each input's evidence, significance marked) beside its index with
    its interval, in the ranking's order; returns the threshold."""
    f = c.f
    name = c.name
    save = c.save
    an = f["analysis"]
    inames = strs(an["names"])
    h, se, p = an["hsic"][()], an["stderr"][()], an["pvalue"][()]
    cond = an["conditional"][()].astype(bool)
    boot = an.attrs.get("bootstrap", 0) > 0  # version 2 writes the columns always
    ranked_by = an.attrs.get("ranked_by", b"")
    ranked_by = ranked_by.decode() if isinstance(ranked_by, bytes) else str(ranked_by)
    by_evidence = ranked_by == "evidence" and "rank" in an
    if by_evidence:
        # The engine's ranking: every input on one scale, conditional ones included.
        order = list(np.argsort(an["rank"][()]))
        ypos = list(range(len(order)))
        ev, pe = an["evidence"][()], an["evidence_pvalue"][()]
        sig = pe
        conds = []
    else:
        # Before the ranking existed: by index, conditional inputs after a gap (their indices come
        # from their own sub-sample and quantile, not comparable with the rest).
        plain = [k for k in np.argsort(-np.nan_to_num(h, nan=-1)) if not cond[k]]
        conds = [k for k in np.argsort(-np.nan_to_num(h, nan=-1)) if cond[k]]
        order = plain + conds
        ypos = list(range(len(plain))) + [len(plain) + 1 + i for i in range(len(conds))]
        sig = p
    height = 0.45 * (max(ypos) + 2) + 1.8
    if by_evidence:
        fig, (axe, ax) = plt.subplots(1, 2, figsize=(11, height), sharey=True,
                                      gridspec_kw={"width_ratios": [1, 1.1]})
    else:
        fig, ax = plt.subplots(figsize=(7.5, height))
    colours = ["tab:red" if sig[k] < 0.05 else "tab:gray" for k in order]
    if by_evidence:
        axe.barh(ypos, np.nan_to_num(ev[order]), color=colours)
        axe.axvline(1.645, color="black", lw=0.8, ls="--", label="p = 0.05")
        axe.set_xlabel("evidence (normal score of its p-value)")
        axe.legend(loc="lower right", fontsize=8)
        axe.set_title("the ranking", fontsize=10)
    if boot:
        lo, hi = an["ci_low"][()], an["ci_high"][()]
        bars = np.array([[max(0.0, h[k] - lo[k]) if np.isfinite(lo[k]) else 0.0 for k in order],
                         [max(0.0, hi[k] - h[k]) if np.isfinite(hi[k]) else 0.0 for k in order]])
        xlabel = (f"target HSIC (95% bootstrap interval,\n{an.attrs['bootstrap']} resamples)" if by_evidence
                  else f"target HSIC (bars: 95% bootstrap interval, {an.attrs['bootstrap']} resamples)")
    else:
        bars = np.nan_to_num(se[order])
        xlabel = "target HSIC (bars: the authors' error estimate)"
    ax.barh(ypos, np.nan_to_num(h[order]), xerr=np.nan_to_num(bars),
            color=["tab:blue" if by_evidence else col for col in colours], capsize=3, hatch=None,
            alpha=0.75 if by_evidence else 1.0)
    if "null95" in an and not by_evidence:
        # Where an index becomes significant: the null law's 95% quantile, one tick per input.
        n95 = an["null95"][()]
        pts = [(n95[k], y) for k, y in zip(order, ypos) if np.isfinite(n95[k])]
        if pts:
            ax.plot([v for v, _ in pts], [y for _, y in pts], linestyle="none", marker="|",
                    markersize=18, markeredgewidth=3, color="tab:blue",
                    label="95% quantile under 'no effect'")
            ax.legend(loc="lower right", fontsize=8)
    labels = []
    for k in order:
        lab = inames[k] + (" *" if sig[k] < 0.05 else "")
        if cond[k]:
            lab += f" (where it exists, {an['n'][k]} rows)"
        if boot and np.isfinite(an["top_share"][k]):
            lab += f"  [top {an.attrs['top_k']}: {100 * an['top_share'][k]:.0f}%]"
        labels.append(lab)
    (axe if by_evidence else ax).set_yticks(ypos, labels)
    if conds:
        ax.axhline(len(plain), color="black", lw=0.6, ls=":")
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    alpha = an.attrs["alpha"]
    # An optimization's headline analysis is its first stage's (docs/optimize.md): say so.
    sizes = f["stages/size"][()] if "stages" in f else []
    where = f" in the optimizer's first stage ({sizes[0]} trainings)" if len(sizes) > 1 else ""
    if by_evidence:
        ax.set_title("the index (the paper's; a conditional\ninput's on the rows where it exists)", fontsize=10)
        ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(4))
        ax.ticklabel_format(axis="x", style="sci", scilimits=(-2, 2))
        fig.suptitle(f"{name}: what decides landing among the best {alpha:.0%}{where}\n(ranked by evidence: "
                     "a goal test, supported by the errors' order, or an interaction; red, *: p < 0.05)",
                     fontsize=11)
    else:
        ax.set_title(f"{name}: what decides landing among the best {alpha:.0%}"
                     + (f"\n{where.strip()}" if where else "") + "\n(red, *: p < 0.05"
                     + ("; below the line: conditional,\nmeasured where active, not ranked with the rest)"
                        if conds else ")"))
    save(fig, "indices.png", 110)

    return an.attrs["threshold"]


def interactions(c):
    """interactions.png: pairs of hyperparameters (when the study computed them)."""
    f = c.f
    name = c.name
    save = c.save
    an = f["analysis"]
    inames = strs(an["names"])
    if "interactions" in an:
        anova = "interactions_anova" in an
        m = an["interactions_anova" if anova else "interactions"][()]
        fig, ax = plt.subplots(figsize=(6.5, 5.5))
        if anova:
            # What each pair adds beyond its main effects; the diagonal (first-order terms)
            # would dwarf it, so it is left blank: the indices figure shows main effects.
            pv = an["interactions_pvalue"][()]
            m = m.copy()
            np.fill_diagonal(m, np.nan)
            im = ax.imshow(np.maximum(m, 0), cmap="viridis")
            for i in range(len(inames)):
                for j in range(len(inames)):
                    if i != j and pv[i, j] < 0.05:
                        ax.text(j, i, "*", ha="center", va="center", color="white", fontsize=14)
            fig.colorbar(im, ax=ax, label="interaction: HSIC-ANOVA term of the pair")
            ax.set_title(f"{name}: what pairs add beyond their main effects\n"
                         "(*: p < 0.05, permutations; conditional inputs left out)")
        else:
            im = ax.imshow(m, cmap="viridis")
            fig.colorbar(im, ax=ax, label="joint target HSIC")
            ax.set_title(f"{name}: pairs of hyperparameters (diagonal: single indices)")
        ax.set_xticks(range(len(inames)), inames, rotation=45, ha="right")
        ax.set_yticks(range(len(inames)), inames)
        save(fig, "interactions.png", 110)


def distributions(c):
    """distributions.png: each hyperparameter overall vs among the best."""
    name = c.name
    names = c.names
    values = c.values
    types = c.types
    log_scale = c.log_scale
    save = c.save
    best = c.best
    free = [k for k, t in enumerate(types) if t != "fixed"]
    cols = 3
    rows = (len(free) + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(4 * cols, 3 * rows), squeeze=False)
    for ax, k in zip(axes.flat, free):
        v = values[:, k]
        active = v != ""
        if types[k] in ("continuous", "log", "integer"):
            x = v[active].astype(float)
            logscale = bool(log_scale[k])
            bins = np.geomspace(x.min(), x.max(), 16) if logscale else np.linspace(x.min(), x.max(), 16)
            # Fractions of each group per bin (not densities): comparable whatever the bin widths.
            xb = v[active & best].astype(float)
            ax.hist(x, bins=bins, weights=np.full(len(x), 1 / len(x)), alpha=0.5, label="all", color="tab:gray")
            if len(xb):
                ax.hist(xb, bins=bins, weights=np.full(len(xb), 1 / len(xb)), alpha=0.7, label="best", color="tab:red")
            if logscale:
                ax.set_xscale("log")
        else:
            cats = sorted(set(v[active]))
            allc = [np.mean(v[active] == c) for c in cats]
            bestc = [np.mean(v[active & best] == c) if np.any(active & best) else 0 for c in cats]
            xs = np.arange(len(cats))
            ax.bar(xs - 0.2, allc, 0.4, label="all", color="tab:gray")
            ax.bar(xs + 0.2, bestc, 0.4, label="best", color="tab:red")
            ax.set_xticks(xs, cats)
        ax.set_title(names[k])
        ax.set_ylabel("fraction of trainings")
        if not np.any(active):
            ax.text(0.5, 0.5, "never active", transform=ax.transAxes, ha="center")
        ax.legend(fontsize=7)
    for ax in list(axes.flat)[len(free):]:
        ax.axis("off")
    fig.suptitle(f"{name}: each hyperparameter overall vs among the best")
    save(fig, "distributions.png", 100)



def parallel(c):
    """parallel.png: parallel coordinates in each hyperparameter's own values, the best in red."""
    f = c.f
    name = c.name
    err = c.err
    names = c.names
    types = c.types
    log_scale = c.log_scale
    sampled = c.sampled
    save = c.save
    best = c.best
    norm = f["configs/normalized"][()][sampled]
    columns = strs(f["configs/columns"])
    low, high = f["space/low"][()], f["space/high"][()]
    fig, ax = plt.subplots(figsize=(1.3 * len(columns) + 2, 4))
    for i in np.argsort(-np.nan_to_num(err, nan=np.inf, posinf=1e300)):
        ax.plot(range(len(columns)), norm[i], color="tab:red" if best[i] else "lightgray",
                alpha=0.9 if best[i] else 0.5, lw=1.5 if best[i] else 0.8)
    ax.set_xticks(range(len(columns)), columns, rotation=30, ha="right")
    ax.set_ylabel("position in the range (values marked)")
    # Category names where a discrete column's levels sit (the middle of their bins).
    for c, col in enumerate(columns):
        k = names.index(col) if col in names else -1
        if k >= 0 and types[k] in ("categorical", "boolean"):
            cats = [x.strip() for x in strs(f["space/domains"])[k].strip("{}").split(",")]
            for j, cat in enumerate(cats):
                ax.text(c + 0.05, (j + 0.5) / len(cats), cat, fontsize=7, va="center",
                        bbox=dict(boxstyle="round,pad=0.1", fc="white", alpha=0.7, lw=0))
        elif k >= 0 and np.isfinite(low[k]) and np.isfinite(high[k]):
            # The hyperparameter's own values at the bottom, middle and top of its axis.
            for t in (0.0, 0.5, 1.0):
                v = (low[k] * (high[k] / low[k]) ** t if log_scale[k] and low[k] > 0
                     else low[k] + t * (high[k] - low[k]))
                ax.text(c + 0.05, t, short(v), fontsize=7, va="center",
                        bbox=dict(boxstyle="round,pad=0.1", fc="white", alpha=0.7, lw=0))
    ax.set_title(f"{name}: every configuration; red: the best")
    save(fig, "parallel.png", 100)



def progress(c):
    """progress.png: the best error against the number of trainings, stage by stage."""
    name = c.name
    metric = c.metric
    err_all = c.err_all
    sampled = c.sampled
    stage_all = c.stage_all
    save = c.save
    stage = stage_all
    fig, ax = plt.subplots(figsize=(6, 4))
    running = np.minimum.accumulate(np.where(np.isfinite(err_all), err_all, np.inf))
    for s in sorted(set(stage)):
        idx = np.where(stage == s)[0]
        final = not sampled[idx[0]]
        ax.plot(idx + 1, running[idx], drawstyle="steps-post",
                label="final retraining" if final else f"stage {s}")
    ax.set_yscale("log")
    ax.set_xlabel("trainings")
    ax.set_ylabel(f"best validation {metric} so far")
    ax.set_title(f"{name}: best error against the number of trainings")
    ax.legend()
    save(fig, "progress.png", 100)



def stages(c):
    """stages.png: an optimized study's indices stage by stage."""
    f = c.f
    name = c.name
    save = c.save
    if "stages" in f and len(f["stages/size"][()]) > 1:
        # Every stage's indices: what the optimizer saw before each decision.
        sh, sp = f["stages/hsic"][()], f["stages/pvalue"][()]
        cols = strs(f["configs/columns"])
        fig, ax = plt.subplots(figsize=(1.1 * len(cols) + 2.5, 0.7 * sh.shape[0] + 2))
        im = ax.imshow(np.ma.masked_invalid(sh), cmap="viridis", aspect="auto")
        # Why a cell has no index: frozen (or dropped) by an earlier decision, or not tested (a
        # conditional input with too few rows where active). Files without the decisions table
        # cannot tell.
        gone = {}  # input -> first stage without it
        if "stages/decisions" in f:
            d = f["stages/decisions"]
            for st, inp, act in zip(d["stage"][()], strs(d["input"]), strs(d["action"])):
                if act in ("froze", "dropped"):
                    gone.setdefault(inp, int(st) + 1)
        for k in range(sh.shape[0]):
            for c in range(sh.shape[1]):
                if np.isnan(sh[k, c]):
                    txt = ("frozen" if gone.get(cols[c], 10**9) <= k + 1
                           else "not tested" if "stages/decisions" in f else "no index")
                    ax.text(c, k, txt, ha="center", va="center", fontsize=8, color="gray")
                elif sp[k, c] < 0.05:
                    ax.text(c, k, "*", ha="center", va="center", fontsize=14, color="white")
        sizes = f["stages/size"][()]
        ax.set_yticks(range(sh.shape[0]), [f"stage {k + 1} ({sizes[k]})" for k in range(sh.shape[0])])
        ax.set_xticks(range(len(cols)), cols, rotation=30, ha="right")
        fig.colorbar(im, ax=ax, label="target HSIC in that stage")
        ax.set_title(f"{name}: indices stage by stage (*: p < 0.05)")
        save(fig, "stages.png", 100)



def front(c):
    """front.png: every training's error against its cost, the front, the best and the pick."""
    f = c.f
    name = c.name
    metric = c.metric
    err_all = c.err_all
    save = c.save
    if "pick" in f and "pareto_rank" in f["configs"]:
        # The accuracy-cost front: every training a point, the front (layer 1) drawn, the best
        # and the pick named; log axes where the values span decades.
        cost_name = f["pick"].attrs["cost_name"]
        cost_name = cost_name.decode() if isinstance(cost_name, bytes) else str(cost_name)
        if cost_name in ("parameters", "flops", "seconds") and cost_name in f["results"]:
            cost = f["results/" + cost_name][()].astype(float)
        elif cost_name.startswith("metric:") and cost_name[7:] in f["results/metrics"]:
            cost = f["results/metrics/" + cost_name[7:]][()]
        else:
            cost = None
        if cost is not None:
            status = np.array(strs(f["results/status"]))
            rank = f["configs/pareto_rank"][()]
            ok = (status == "ok") & np.isfinite(cost) & (cost > 0)
            fig, ax = plt.subplots(figsize=(6.5, 4.5))
            ax.scatter(cost[ok & (rank != 1)], err_all[ok & (rank != 1)], s=14, color="0.6",
                       label="a training")
            front = np.where(ok & (rank == 1))[0]
            front = front[np.argsort(cost[front])]
            ax.step(cost[front], err_all[front], where="post", color="tab:blue", lw=1)
            ax.scatter(cost[front], err_all[front], s=24, color="tab:blue",
                       label="the front (no training better in both)")
            for key, colour, size in (("best", "tab:red", 200), ("pick", "tab:green", 90)):
                g = f[key].attrs
                ax.scatter([g["cost"]], [g["val_error"]], s=size, facecolors="none",
                           edgecolors=colour, lw=2, label=f"{key}: configuration {g['config']}")
            for axis, v in (("x", cost[ok]), ("y", err_all[ok])):
                if len(v) and v.min() > 0 and v.max() / v.min() > 100:
                    (ax.set_xscale if axis == "x" else ax.set_yscale)("log")
            ax.set_xlabel(cost_name + (" (per sample)" if cost_name == "flops" else ""))
            ax.set_ylabel(f"validation {metric}")
            ax.set_title(f"{name}: accuracy and cost ({int(ok.sum())} trainings)")
            ax.legend(fontsize=7)
            save(fig, "front.png", 100)



def curves(c):
    """curves.png: validation curves of the 5 best networks."""
    f = c.f
    name = c.name
    metric = c.metric
    err = c.err
    names = c.names
    values = c.values
    sampled = c.sampled
    save = c.save
    free = c.free
    curves = f["results/curves"][()][sampled]
    fig, ax = plt.subplots(figsize=(6, 4))
    for i in np.argsort(np.where(np.isfinite(err), err, np.inf))[:5]:
        label = " ".join(f"{names[k]}={short(values[i, k])}" for k in free if values[i, k] != "")
        ax.plot(np.arange(1, curves.shape[1] + 1), curves[i], label=label)
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel(f"validation {metric}")
    ax.set_title(f"{name}: validation curves of the 5 best networks")
    ax.legend(fontsize=6)
    save(fig, "curves.png", 100)



def rungs(c):
    """rungs.png: with early stopping, every curve, where each stopped training ended."""
    f = c.f
    name = c.name
    metric = c.metric
    err = c.err
    sampled = c.sampled
    save = c.save
    curves = f["results/curves"][()][sampled]
    # Early stopping: every training's curve, where each stopped one ended (its rung), and at each
    # rung the lowest error stopped there. The rungs are the epochs where trainings stopped. (The
    # highest error that went on says less: the first min_trainings never stop.)
    status_all = np.array(strs(f["results/status"]))[sampled]
    stopped = np.where(status_all == "stopped")[0]
    if len(stopped):
        epochs_run = f["results/epochs"][()][sampled]
        rungs = sorted(set(int(epochs_run[i]) for i in stopped))
        threshold = float(f["analysis"].attrs["threshold"]) if "analysis" in f else np.nan
        goal = np.where((status_all == "ok") & (err <= threshold))[0]
        x = np.arange(1, curves.shape[1] + 1)
        fig, ax = plt.subplots(figsize=(7, 4.5))

        def draw(i, **style):  # up to the last epoch trained: the rest of the row is padding
            ax.plot(x[:epochs_run[i]], curves[i, :epochs_run[i]], **style)
        for i in range(len(curves)):
            if i not in goal and i not in stopped:
                draw(i, color="0.7", lw=0.6)
        for i in stopped:
            draw(i, color="tab:red", lw=0.5, alpha=0.5)
        for i in goal:
            draw(i, color="tab:blue", lw=0.9)
        ax.scatter([epochs_run[i] for i in stopped], [curves[i, epochs_run[i] - 1] for i in stopped],
                   marker="x", color="tab:red", s=18, zorder=3,
                   label=f"stopped at a rung ({len(stopped)} trainings)")
        for r in rungs:
            ax.axvline(r, color="0.3", ls=":", lw=0.8)
            at = [curves[i, r - 1] for i in stopped if epochs_run[i] == r]
            ax.plot([r / 1.25, r * 1.25], [min(at)] * 2, color="k", lw=2)
        ax.plot([], [], color="k", lw=2, label="lowest error stopped at the rung (dotted)")
        ax.plot([], [], color="tab:blue", label=f"the goal set ({len(goal)}: error <= q_alpha)")
        ax.plot([], [], color="0.7", label="trained to the end, outside the goal set")
        if np.isfinite(threshold):
            ax.axhline(threshold, color="tab:blue", ls="--", lw=0.8, label="q_alpha (the goal's threshold)")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("epoch")
        ax.set_ylabel(f"validation {metric}")
        ax.set_title(f"{name}: early stopping at rungs {', '.join(map(str, rungs))}")
        ax.legend(fontsize=7, loc="lower left")
        save(fig, "rungs.png", 100)


class _Context:
    """What every figure reads: the study file, its name and metric, errors, typed values."""


def draw(study, out=None):
    """Writes every figure that applies to the study at `study` (finished, or a snapshot of a
    running or stopped one) into `out` (default: STUDY-figures beside it); returns the paths."""
    out = out or os.path.splitext(study)[0] + "-figures"
    os.makedirs(out, exist_ok=True)
    tmp = tempfile.mkdtemp()
    c = _Context()
    try:
        f = c.f = h5py.File(study_file(study, tmp), "r")
        name = f.attrs["name"]
        c.name = name.decode() if isinstance(name, bytes) else str(name)
        metric = f["results"].attrs["metric"]
        c.metric = metric.decode() if isinstance(metric, bytes) else str(metric)
        c.err_all = f["results/val_error"][()]
        if not f.attrs.get("complete", 1):
            c.name += f" (partial: {len(c.err_all)} trainings so far)"
        c.names = strs(f["space/names"])
        values = np.array(f["configs/values"].asstr()[()]).reshape(len(c.err_all), len(c.names))
        # The stages' trainings; an optimizer's final retraining (stage K + 1) repeats chosen
        # configurations with more epochs and is left out of the distributions and coordinates.
        c.stage_all = f["configs/stage"][()]
        # design.add's configurations (stage 0) were chosen, not sampled: left out likewise.
        n_stages = len(f["stages/size"][()]) if "stages" in f else 0
        c.sampled = (c.stage_all >= 1) & (c.stage_all <= n_stages) if n_stages else c.stage_all >= 1
        c.err = c.err_all[c.sampled]
        c.values = values[c.sampled]
        c.types = strs(f["space/types"])
        c.log_scale = f["space/log_scale"][()]
        written = []

        def save(fig, file, dpi):
            fig.tight_layout()
            fig.savefig(os.path.join(out, file), dpi=dpi)
            written.append(os.path.join(out, file))
            plt.close(fig)
        c.save = save

        if "analysis" in f:
            threshold = indices(c)
            if "interactions" in f["analysis"]:
                interactions(c)
        else:
            threshold = np.quantile(c.err[np.isfinite(c.err)], 0.1)
        c.best = c.err <= threshold
        c.free = [k for k, t in enumerate(c.types) if t != "fixed"]
        for figure in (distributions, parallel, progress, stages, front, curves, rungs):
            figure(c)
        f.close()
        return written
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
