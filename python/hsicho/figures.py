"""The figures of a study, one function per figure (scripts/plot_study.py is the command over
them). Each takes a study (hsicho.load's) and an optional matplotlib `ax` to draw into, and returns
the figure, or None where the figure does not apply to the study (no early stopping: no rungs).

    import hsicho
    from hsicho import figures
    s = hsicho.load("out/demo.h5")
    fig = figures.front(s)                              # one figure, in a notebook
    fig, ax = plt.subplots(); figures.progress(s, ax)   # into your own axes
    figures.draw(s, "out/demo-figures")                 # every figure that applies, as PNGs

indices (the ranking beside the indices with their intervals, significance marked), interactions
(heat map, when the study computed them), distributions (each hyperparameter overall vs among the
best), parallel (parallel coordinates in the hyperparameters' own values, best highlighted),
progress (best error against the number of trainings, stage by stage), stages (an optimized
study's indices stage by stage), front (every training's error against its cost, the accuracy-cost
front, the best and the pick), curves (validation curves of the best networks), rungs (with early
stopping: every training's curve, where each stopped one ended, and per rung the lowest error
stopped there).

The module picks no matplotlib backend: a script without a display sets one first
(matplotlib.use("Agg"), as scripts/plot_study.py does) or runs with MPLBACKEND=Agg.
"""
import os

import matplotlib.pyplot as plt
import matplotlib.ticker
import numpy as np


def short(value):
    """A value for a legend: numbers to 3 significant digits (0.004306819996247769 -> 0.00431)."""
    try:
        v = float(value)
    except ValueError:
        return value
    return str(int(v)) if v == int(v) and abs(v) < 1e9 else f"{v:.3g}"


def _axes(ax, figsize):
    """The figure and axes to draw into: the caller's, or a new figure."""
    if ax is None:
        return plt.subplots(figsize=figsize)
    return ax.figure, ax


def _title(s):
    return s.name if s.complete else f"{s.name} (partial: {len(s.trials)} trainings so far)"


def _stage_sizes(s):
    return list(s.stages["size"]) if "size" in s.stages else []


def _sampled(s):
    """The stages' trainings: an optimizer's final retraining (stage K + 1) repeats chosen
    configurations with more epochs, and design.add's (stage 0) were chosen, not sampled; both are
    left out of the distributions and coordinates."""
    stage = s.configs["stage"].to_numpy()
    k = len(_stage_sizes(s))
    return (stage >= 1) & (stage <= k) if k else stage >= 1


def _errors(s):
    return s.results["val_error"].to_numpy(dtype=float)


def _threshold(s):
    """The goal's threshold q_alpha: the analysis's, else the errors' 10% quantile."""
    if len(s.indices):
        return float(s.indices.attrs["threshold"])
    err = _errors(s)[_sampled(s)]
    return np.quantile(err[np.isfinite(err)], 0.1)


def _values(s):
    """The sampled trainings' values, one column per hyperparameter, as the study file writes
    them: numbers, category names, 'true'/'false', and '' where inactive."""
    def text(v):
        if v is None or (isinstance(v, float) and np.isnan(v)):
            return ""
        return ("true" if v else "false") if isinstance(v, (bool, np.bool_)) else v
    cols = [[text(v) for v in s.configs[name]] for name in s.space["name"]]
    return np.array(cols, dtype=object).T[_sampled(s)]


def _categories(domain, seen):
    """A categorical hyperparameter's values in the deck's order ("{16, 32, 64}"); values the
    domain does not list (an older file) after them, sorted."""
    listed = [x.strip() for x in domain.strip("{}").split(",")] if domain.startswith("{") else []
    return listed + sorted(set(seen) - set(listed))


def _free(s):
    return [k for k, t in enumerate(s.space["type"]) if t != "fixed"]


def indices(s, ax=None):
    """The ranking (each input's evidence, significance marked) beside its index with its interval,
    in the ranking's order. `ax`: two axes (evidence, index), or one: the evidence panel of a study
    ranked by evidence, the index panel of one ranked by index (analysis.rank: index, or a file
    written before the ranking existed)."""
    an = s.indices
    if not len(an):
        return None
    inames = list(an["name"])
    h, se, p = (an[c].to_numpy(dtype=float) for c in ("hsic", "stderr", "pvalue"))
    cond = an["conditional"].to_numpy(dtype=bool)
    boot = an.attrs.get("bootstrap", 0) > 0  # version 2 writes the columns always
    by_evidence = an.attrs.get("ranked_by", "") == "evidence" and "rank" in an
    if by_evidence:
        # The engine's ranking: every input on one scale, conditional ones included.
        order = list(np.argsort(an["rank"].to_numpy()))
        ypos = list(range(len(order)))
        ev, pe = an["evidence"].to_numpy(dtype=float), an["evidence_pvalue"].to_numpy(dtype=float)
        sig = pe
        conds = []
    else:
        # Before the ranking existed: by index, conditional inputs after a gap (their indices come
        # from their own sub-sample and quantile, not comparable with the rest).
        by_index = np.argsort(-np.nan_to_num(h, nan=-1), kind="stable")
        plain = [k for k in by_index if not cond[k]]
        conds = [k for k in by_index if cond[k]]
        order = plain + conds
        ypos = list(range(len(plain))) + [len(plain) + 1 + i for i in range(len(conds))]
        sig = p
    height = 0.45 * (max(ypos) + 2) + 1.8
    ours = ax is None
    if ours and by_evidence:
        fig, (axe, ax) = plt.subplots(1, 2, figsize=(11, height), sharey=True,
                                      gridspec_kw={"width_ratios": [1, 1.1]})
    elif ours:
        fig, ax = plt.subplots(figsize=(7.5, height))
        axe = None
    elif np.ndim(ax) == 1:
        axe, ax = ax
        fig = ax.figure
        if not by_evidence:  # no evidence to draw: the index panel only
            axe.axis("off")
            axe = None
    else:
        fig = ax.figure
        axe, ax = (ax, None) if by_evidence else (None, ax)
    colours = ["tab:red" if sig[k] < 0.05 else "tab:gray" for k in order]
    labels = []
    for k in order:
        lab = inames[k] + (" *" if sig[k] < 0.05 else "")
        if cond[k]:
            lab += f" (where it exists, {an['n'][k]} rows)"
        if boot and np.isfinite(an["top_share"][k]):
            lab += f"  [top {an.attrs['top_k']}: {100 * an['top_share'][k]:.0f}%]"
        labels.append(lab)
    alpha = an.attrs["alpha"]
    # An optimization's headline analysis is its first stage's (docs/optimize.md): say so.
    sizes = _stage_sizes(s)
    where = f" in the optimizer's first stage ({sizes[0]} trainings)" if len(sizes) > 1 else ""
    name = _title(s)
    if axe is not None:
        axe.barh(ypos, np.nan_to_num(ev[order]), color=colours)
        axe.axvline(1.645, color="black", lw=0.8, ls="--", label="p = 0.05")
        axe.set_xlabel("evidence (normal score of its p-value)")
        axe.legend(loc="lower right", fontsize=8)
        axe.set_title("the ranking", fontsize=10)
        axe.set_yticks(ypos, labels)
    shared = axe is not None and ax is not None and ax.get_shared_y_axes().joined(ax, axe)
    if axe is not None and not shared:
        axe.invert_yaxis()
    if ax is not None:
        _index_panel(ax, an, order, ypos, colours, by_evidence, boot, h, se)
        if not shared:
            ax.set_yticks(ypos, labels)
        if conds:
            ax.axhline(len(plain), color="black", lw=0.6, ls=":")
        ax.invert_yaxis()
    if by_evidence:
        if ax is not None:
            ax.set_title("the index (the paper's; a conditional\ninput's on the rows where it exists)",
                         fontsize=10)
        title = (f"{name}: what decides landing among the best {alpha:.0%}{where}\n(ranked by evidence: "
                 "a goal test, supported by the errors' order, or an interaction; red, *: p < 0.05)")
        if ours:
            fig.suptitle(title, fontsize=11)
        elif ax is None:
            axe.set_title(title, fontsize=10)
    else:
        ax.set_title(f"{name}: what decides landing among the best {alpha:.0%}"
                     + (f"\n{where.strip()}" if where else "") + "\n(red, *: p < 0.05"
                     + ("; below the line: conditional,\nmeasured where active, not ranked with the rest)"
                        if conds else ")"))
    return fig


def _index_panel(ax, an, order, ypos, colours, by_evidence, boot, h, se):
    """The indices, with their intervals (bootstrap) or the authors' error estimate."""
    if boot:
        lo, hi = an["ci_low"].to_numpy(dtype=float), an["ci_high"].to_numpy(dtype=float)
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
        n95 = an["null95"].to_numpy(dtype=float)
        pts = [(n95[k], y) for k, y in zip(order, ypos) if np.isfinite(n95[k])]
        if pts:
            ax.plot([v for v, _ in pts], [y for _, y in pts], linestyle="none", marker="|",
                    markersize=18, markeredgewidth=3, color="tab:blue",
                    label="95% quantile under 'no effect'")
            ax.legend(loc="lower right", fontsize=8)
    ax.set_xlabel(xlabel)
    if by_evidence:
        ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(4))
        ax.ticklabel_format(axis="x", style="sci", scilimits=(-2, 2))


def interactions(s, ax=None):
    """Pairs of hyperparameters (when the study computed them)."""
    if "interactions" not in s.interactions:
        return None
    anova = "interactions_anova" in s.interactions
    m = s.interactions["interactions_anova" if anova else "interactions"]
    inames = list(m.columns)
    m = m.to_numpy(dtype=float)
    fig, ax = _axes(ax, (6.5, 5.5))
    name = _title(s)
    if anova:
        # What each pair adds beyond its main effects; the diagonal (first-order terms) would
        # dwarf it, so it is left blank: the indices figure shows main effects.
        pv = s.interactions["interactions_pvalue"].to_numpy(dtype=float)
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
    return fig


def distributions(s, ax=None):
    """Each hyperparameter overall vs among the best. `ax`: one axes per free hyperparameter (an
    array of them), or none for a grid of three columns."""
    names, types = list(s.space["name"]), list(s.space["type"])
    log_scale = s.space["log_scale"].to_numpy()
    values = _values(s)
    best = _errors(s)[_sampled(s)] <= _threshold(s)
    free = _free(s)
    if ax is None:
        cols = 3
        rows = (len(free) + cols - 1) // cols
        fig, axes = plt.subplots(rows, cols, figsize=(4 * cols, 3 * rows), squeeze=False)
        axes = list(axes.flat)
    else:
        axes = list(np.ravel(ax))
        fig = axes[0].figure
    domains, low, high = list(s.space["domain"]), s.space["low"].to_numpy(), s.space["high"].to_numpy()
    for a, k in zip(axes, free):
        v = values[:, k]
        active = v != ""
        few_integers = (types[k] == "integer" and not log_scale[k] and np.isfinite(low[k])
                        and high[k] - low[k] <= 12)
        if types[k] in ("continuous", "log", "integer") and not few_integers:
            x = v[active].astype(float)
            logscale = bool(log_scale[k])
            bins = np.geomspace(x.min(), x.max(), 16) if logscale else np.linspace(x.min(), x.max(), 16)
            # Fractions of each group per bin (not densities): comparable whatever the bin widths.
            xb = v[active & best].astype(float)
            a.hist(x, bins=bins, weights=np.full(len(x), 1 / len(x)), alpha=0.5, label="all", color="tab:gray")
            if len(xb):
                a.hist(xb, bins=bins, weights=np.full(len(xb), 1 / len(xb)), alpha=0.7, label="best",
                       color="tab:red")
            if logscale:
                a.set_xscale("log")
            if types[k] == "integer" and not logscale:  # ticks at whole numbers only
                a.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
        else:
            # Categories in the deck's order (16, 32, 64, 128; not the text order 128, 16, 32,
            # 64); a few integers as one bar per value (no ticks at 1.5).
            if few_integers:
                cats = [str(i) for i in range(int(low[k]), int(high[k]) + 1)]
                v = np.array([str(int(float(x))) if x != "" else "" for x in v], dtype=object)
            else:
                v = np.array([str(x) for x in v], dtype=object)
                cats = _categories(domains[k], v[active])
            allc = [np.mean(v[active] == c) for c in cats]
            bestc = [np.mean(v[active & best] == c) if np.any(active & best) else 0 for c in cats]
            xs = np.arange(len(cats))
            a.bar(xs - 0.2, allc, 0.4, label="all", color="tab:gray")
            a.bar(xs + 0.2, bestc, 0.4, label="best", color="tab:red")
            a.set_xticks(xs, cats)
        a.set_title(names[k])
        a.set_ylabel("fraction of trainings")
        if not np.any(active):
            a.text(0.5, 0.5, "never active", transform=a.transAxes, ha="center")
        a.legend(fontsize=7)
    if ax is None:
        for a in axes[len(free):]:
            a.axis("off")
        fig.suptitle(f"{_title(s)}: each hyperparameter overall vs among the best")
    return fig


def parallel(s, ax=None):
    """Parallel coordinates in each hyperparameter's own values, the best in red."""
    if not len(s.normalized.columns):
        return None
    sampled = _sampled(s)
    err = _errors(s)[sampled]
    best = err <= _threshold(s)
    names, types = list(s.space["name"]), list(s.space["type"])
    domains = list(s.space["domain"])
    low, high = s.space["low"].to_numpy(), s.space["high"].to_numpy()
    log_scale = s.space["log_scale"].to_numpy()
    columns = list(s.normalized.columns)
    norm = s.normalized.to_numpy()[sampled]
    fig, ax = _axes(ax, (1.25 * len(columns) + 1.5, 5))
    for i in np.argsort(-np.nan_to_num(err, nan=np.inf, posinf=1e300)):
        ax.plot(range(len(columns)), norm[i], color="tab:red" if best[i] else "lightgray",
                alpha=0.9 if best[i] else 0.5, lw=1.5 if best[i] else 0.8)
    ax.set_xticks(range(len(columns)), columns, rotation=30, ha="right", fontsize=11)
    ax.set_ylabel("position in the range (values marked)")
    # Category names where a discrete column's levels sit (the middle of their bins).
    for c, col in enumerate(columns):
        k = names.index(col) if col in names else -1
        if k >= 0 and types[k] in ("categorical", "boolean"):
            cats = [x.strip() for x in domains[k].strip("{}").split(",")]
            for j, cat in enumerate(cats):
                ax.text(c + 0.05, (j + 0.5) / len(cats), cat, fontsize=10, va="center",
                        bbox=dict(boxstyle="round,pad=0.1", fc="white", alpha=0.7, lw=0))
        elif (k >= 0 and types[k] == "integer" and not log_scale[k] and np.isfinite(low[k])
              and high[k] - low[k] <= 12):
            # A few whole numbers: each where its level sits (no 2.5 layers).
            levels = range(int(low[k]), int(high[k]) + 1)
            for j, v in enumerate(levels):
                ax.text(c + 0.05, (j + 0.5) / len(levels), str(v), fontsize=10, va="center",
                        bbox=dict(boxstyle="round,pad=0.1", fc="white", alpha=0.7, lw=0))
        elif k >= 0 and np.isfinite(low[k]) and np.isfinite(high[k]):
            # The hyperparameter's own values at the bottom, middle and top of its axis.
            for t in (0.0, 0.5, 1.0):
                v = (low[k] * (high[k] / low[k]) ** t if log_scale[k] and low[k] > 0
                     else low[k] + t * (high[k] - low[k]))
                if types[k] == "integer":
                    v = round(v)
                ax.text(c + 0.05, t, short(v), fontsize=10, va="center",
                        bbox=dict(boxstyle="round,pad=0.1", fc="white", alpha=0.7, lw=0))
    ax.set_title(f"{_title(s)}: every configuration; red: the best")
    return fig


def progress(s, ax=None):
    """The best error against the number of trainings, stage by stage."""
    err_all = _errors(s)
    sampled = _sampled(s)
    stage = s.configs["stage"].to_numpy()
    fig, ax = _axes(ax, (6, 4))
    running = np.minimum.accumulate(np.where(np.isfinite(err_all), err_all, np.inf))
    for st in sorted(set(stage)):
        idx = np.where(stage == st)[0]
        final = not sampled[idx[0]]
        ax.plot(idx + 1, running[idx], drawstyle="steps-post",
                label="final retraining" if final else f"stage {st}")
    ax.set_yscale("log")
    ax.set_xlabel("trainings")
    ax.set_ylabel(f"best validation {s.metric} so far")
    ax.set_title(f"{_title(s)}: best error against the number of trainings")
    ax.legend()
    return fig


def stages(s, ax=None):
    """An optimized study's indices stage by stage: what the optimizer saw before each decision."""
    if len(_stage_sizes(s)) <= 1 or not len(s.stage_indices):
        return None
    sh, sp = s.stage_indices.to_numpy(dtype=float), s.stage_pvalues.to_numpy(dtype=float)
    cols = list(s.stage_indices.columns)
    fig, ax = _axes(ax, (1.1 * len(cols) + 2.5, 0.7 * sh.shape[0] + 2))
    im = ax.imshow(np.ma.masked_invalid(sh), cmap="viridis", aspect="auto")
    # Why a cell has no index: frozen (or dropped) by an earlier decision, or not tested (a
    # conditional input with too few rows where active). Files without the decisions table cannot
    # tell.
    has_decisions = "action" in s.decisions
    gone = {}  # input -> first stage without it
    if has_decisions:
        d = s.decisions
        for st, inp, act in zip(d["stage"], d["input"], d["action"]):
            if act in ("froze", "dropped"):
                gone.setdefault(inp, int(st) + 1)
    for k in range(sh.shape[0]):
        for c in range(sh.shape[1]):
            if np.isnan(sh[k, c]):
                txt = ("frozen" if gone.get(cols[c], 10**9) <= k + 1
                       else "not tested" if has_decisions else "no index")
                ax.text(c, k, txt, ha="center", va="center", fontsize=8, color="gray")
            elif sp[k, c] < 0.05:
                ax.text(c, k, "*", ha="center", va="center", fontsize=14, color="white")
    sizes = _stage_sizes(s)
    ax.set_yticks(range(sh.shape[0]), [f"stage {k + 1} ({sizes[k]})" for k in range(sh.shape[0])])
    ax.set_xticks(range(len(cols)), cols, rotation=30, ha="right")
    fig.colorbar(im, ax=ax, label="target HSIC in that stage")
    ax.set_title(f"{_title(s)}: indices stage by stage (*: p < 0.05)")
    return fig


def _cost(s):
    """Every training's cost as the pick measured it (None where the study file has no such column)."""
    cost_name = s.pick["cost_name"]
    if cost_name in ("parameters", "flops", "seconds") and cost_name in s.results:
        return s.results[cost_name].to_numpy(dtype=float)
    if cost_name.startswith("metric:") and "metric_" + cost_name[7:] in s.results:
        return s.results["metric_" + cost_name[7:]].to_numpy(dtype=float)
    return None


def front(s, ax=None):
    """Every training's error against its cost, the front (no training better in both), the best
    and the pick; log axes where the values span decades."""
    if not s.pick or "cost_name" not in s.pick:
        return None
    cost = _cost(s)
    if cost is None:
        return None
    cost_name = s.pick["cost_name"]
    err_all = _errors(s)
    status = s.results["status"].to_numpy()
    rank = s.configs["pareto_rank"].to_numpy()
    ok = (status == "ok") & np.isfinite(cost) & (cost > 0)
    fig, ax = _axes(ax, (6.5, 4.5))
    ax.scatter(cost[ok & (rank != 1)], err_all[ok & (rank != 1)], s=14, color="0.6", label="a training")
    on = np.where(ok & (rank == 1))[0]
    on = on[np.argsort(cost[on])]
    ax.step(cost[on], err_all[on], where="post", color="tab:blue", lw=1)
    ax.scatter(cost[on], err_all[on], s=24, color="tab:blue", label="the front (no training better in both)")
    for key, colour, size in (("best", "tab:red", 200), ("pick", "tab:green", 90)):
        g = getattr(s, key)
        ax.scatter([g["cost"]], [g["val_error"]], s=size, facecolors="none", edgecolors=colour, lw=2,
                   label=f"{key}: configuration {g['config']}")
    # Log axes from a span of 10: on a linear axis the good region, where the choice is made, is
    # squashed against the bottom by the worst trainings.
    for axis, v in (("x", cost[ok]), ("y", err_all[ok])):
        if len(v) and v.min() > 0 and v.max() / v.min() > 10:
            (ax.set_xscale if axis == "x" else ax.set_yscale)("log")
    ax.set_xlabel(cost_name + (" (per sample)" if cost_name == "flops" else ""))
    ax.set_ylabel(f"validation {s.metric}")
    stopped = int(np.sum(status == "stopped"))
    other = int(np.sum(~ok)) - stopped
    left_out = ([f"{stopped} stopped early (errors of fewer epochs)"] if stopped else []) + \
        ([f"{other} failed, diverged or without a cost"] if other else [])
    ax.set_title(f"{_title(s)}: accuracy and cost ({int(ok.sum())} trainings)" +
                 (f"\nleft out: {'; '.join(left_out)}" if left_out else ""), fontsize=10)
    ax.legend(fontsize=7)
    return fig


def curves(s, ax=None):
    """Validation curves of the 5 best networks."""
    if not len(s.curves):
        return None
    sampled = _sampled(s)
    err = _errors(s)[sampled]
    values = _values(s)
    names = list(s.space["name"])
    curves = s.curves.to_numpy()[sampled]
    fig, ax = _axes(ax, (7, 5.5))
    for i in np.argsort(np.where(np.isfinite(err), err, np.inf))[:5]:
        label = " ".join(f"{names[k]}={short(values[i, k])}" for k in _free(s) if values[i, k] != "")
        ax.plot(np.arange(1, curves.shape[1] + 1), curves[i], label=label)
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel(f"validation {s.metric}")
    ax.set_title(f"{_title(s)}: validation curves of the 5 best networks")
    # Below the axes: inside, five long labels cover the curves' ends, where they matter.
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.14), frameon=False)
    return fig


def rungs(s, ax=None):
    """With early stopping: every training's curve, where each stopped one ended (its rung), and
    at each rung the lowest error stopped there. The rungs are the epochs where trainings stopped.
    (The highest error that went on says less: the first min_trainings never stop.)"""
    sampled = _sampled(s)
    status_all = s.results["status"].to_numpy()[sampled]
    stopped = np.where(status_all == "stopped")[0]
    if not len(stopped) or not len(s.curves):
        return None
    err = _errors(s)[sampled]
    curves = s.curves.to_numpy()[sampled]
    epochs_run = s.results["epochs"].to_numpy()[sampled]
    rung_list = sorted(set(int(epochs_run[i]) for i in stopped))
    threshold = float(s.indices.attrs["threshold"]) if len(s.indices) else np.nan
    goal = np.where((status_all == "ok") & (err <= threshold))[0]
    x = np.arange(1, curves.shape[1] + 1)
    fig, ax = _axes(ax, (7, 4.5))

    def line(i, **style):  # up to the last epoch trained: the rest of the row is padding
        ax.plot(x[:epochs_run[i]], curves[i, :epochs_run[i]], **style)
    for i in range(len(curves)):
        if i not in goal and i not in stopped:
            line(i, color="0.7", lw=0.6)
    for i in stopped:
        line(i, color="tab:red", lw=0.5, alpha=0.5)
    for i in goal:
        line(i, color="tab:blue", lw=0.9)
    ax.scatter([epochs_run[i] for i in stopped], [curves[i, epochs_run[i] - 1] for i in stopped],
               marker="x", color="tab:red", s=18, zorder=3, label=f"stopped at a rung ({len(stopped)} trainings)")
    for r in rung_list:
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
    ax.set_ylabel(f"validation {s.metric}")
    ax.set_title(f"{_title(s)}: early stopping at rungs {', '.join(map(str, rung_list))}")
    ax.legend(fontsize=7, loc="lower left")
    return fig


# Every figure, its file and resolution, in the order draw() writes them.
FIGURES = [(indices, "indices.png", 110), (interactions, "interactions.png", 110),
           (distributions, "distributions.png", 100), (parallel, "parallel.png", 100),
           (progress, "progress.png", 100), (stages, "stages.png", 100), (front, "front.png", 100),
           (curves, "curves.png", 100), (rungs, "rungs.png", 100)]


def draw(study, out=None):
    """Writes every figure that applies to `study` (hsicho.load's, or the path of a study file:
    finished, or running, stopped or killed: what its journal holds so far) into `out` (default:
    STUDY-figures beside it); returns the paths written."""
    if isinstance(study, (str, os.PathLike)):
        from .study import load
        study = load(os.fspath(study))
    out = out or os.path.splitext(study.path)[0] + "-figures"
    os.makedirs(out, exist_ok=True)
    written = []
    for figure, file, dpi in FIGURES:
        fig = figure(study)
        if fig is None:
            continue
        fig.tight_layout()
        fig.savefig(os.path.join(out, file), dpi=dpi)
        plt.close(fig)
        written.append(os.path.join(out, file))
    return written
