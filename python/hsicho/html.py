"""One self-contained HTML file per study: the summary, the ranking with its intervals,
conditional inputs, interactions, the accuracy-cost front, stages and decisions, failures by
cause, and the figures of scripts/plot_study.py embedded (nothing is fetched when it is opened)."""
import base64
import html
import os
import tempfile

import numpy as np

_STYLE = """
body { font-family: sans-serif; max-width: 60em; margin: 1.5em auto; padding: 0 1em; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; border-bottom: 1px solid #ccc; margin-top: 1.6em; }
table { border-collapse: collapse; font-size: 0.85em; margin: 0.5em 0; }
th, td { border: 1px solid #ddd; padding: 0.2em 0.5em; text-align: right; }
th { background: #f2f2f2; } td { white-space: nowrap; } td.t { text-align: left; }
.sig { color: #b00; font-weight: bold; } .note { color: #555; font-size: 0.85em; }
img { max-width: 100%; display: block; margin: 0.5em 0; }
figure { margin: 1em 0 1.5em; page-break-inside: avoid; } figcaption { font-size: 0.9em; color: #333; }
@media print { body { max-width: none; } h2 { page-break-after: avoid; } }
"""


def _fmt(v):
    if isinstance(v, (bool, np.bool_)):
        return "yes" if v else "no"
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        return "" if np.isnan(v) else f"{v:.4g}"
    return html.escape(str(v))


# Column headers people read (the data frames keep the study file's names, docs/hdf5.md).
_LABELS = {
    "name": "hyperparameter", "evidence_pvalue": "p-value", "hsic": "HSIC index",
    "pvalue": "index p-value", "share": "share of the indices", "ci_low": "index 95% from",
    "ci_high": "index 95% to", "top_share": "in the top 3", "n": "rows", "partner": "through its pair with",
    "active_hsic": "HSIC of its existence", "active_pvalue": "its p-value", "config": "configuration",
    "val_error": "validation error", "alpha": "goal alpha", "first": "first configuration",
    "size": "configurations", "input": "hyperparameter",
}


def _label(column):
    return _LABELS.get(column, str(column).replace("_", " "))


# What each figure shows, under it in the report.
CAPTIONS = {
    "indices": "The ranking: each hyperparameter's evidence that it decides whether a training lands "
               "among the best (red: p < 0.05), beside its HSIC index with the bootstrap interval.",
    "interactions": "What each pair of hyperparameters adds beyond their two main effects "
                    "(HSIC-ANOVA interaction).",
    "distributions": "Each hyperparameter's values among all trainings (grey) and among the best "
                     "(red): where they differ, the hyperparameter matters.",
    "parallel": "Every configuration as a line through its values (each axis spans the range the "
                "deck gives); the best in red.",
    "progress": "The best validation error found so far against the number of trainings.",
    "stages": "The optimizer's indices stage by stage: what it saw before each decision.",
    "front": "Every training's validation error against its cost; the front (no training better in "
             "both), the best and the pick.",
    "curves": "Validation error epoch by epoch of the five best networks.",
    "rungs": "Early stopping: every training's curve, where each stopped one ended (x), and at each "
             "rung the lowest error stopped there, against the goal's threshold.",
}


def _table(df, columns=None, numeric_right=True):
    columns = columns or list(df.columns)
    head = "".join(f"<th>{html.escape(_label(c))}</th>" for c in columns)
    rows = []
    for _, r in df[columns].iterrows():
        cells = []
        for c in columns:
            v = r[c]
            cls = "" if isinstance(v, (int, float, np.integer, np.floating)) and numeric_right else ' class="t"'
            cells.append(f"<td{cls}>{_fmt(v)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><tr>{head}</tr>{''.join(rows)}</table>"


def _ranking(ind):
    cols = [c for c in ("rank", "name", "evidence", "evidence_pvalue", "hsic", "pvalue", "share", "ci_low",
                        "ci_high", "top_share", "n", "partner") if c in ind]
    ranked_by = ind.attrs.get("ranked_by", "index") or "index"
    rows = ind if ranked_by == "evidence" else (ind[~ind["conditional"]] if "conditional" in ind else ind)
    out = _table(rows, cols)
    # Mark the significant ones (p < 0.05, the ranking's p-value) as the command line does.
    pcol = "evidence_pvalue" if ranked_by == "evidence" and "evidence_pvalue" in rows else "pvalue"
    for name in rows.loc[rows[pcol] < 0.05, "name"]:
        out = out.replace(f'<td class="t">{html.escape(name)}</td>', f'<td class="t sig">{html.escape(name)} *</td>', 1)
    return out


def _early_stopping(trials):
    """The line `hsicho report` prints: how many stopped, at which epochs, epochs saved."""
    if "status" not in trials or "planned_epochs" not in trials:
        return ""
    stopped = trials[trials["status"] == "stopped"]
    if not len(stopped):
        return ""
    at = stopped.groupby("epochs").size()
    planned = trials["planned_epochs"].sum()
    run = trials["epochs"].sum()
    return (f"{len(stopped)} of {len(trials)} trainings stopped (after epoch "
            + ", ".join(f"{int(e)}: {c}" for e, c in at.items()) + f"); {int(run)} of {int(planned)} "
            f"planned epochs run ({run / planned:.0%}).")


def _figures(study):
    from . import figures  # one function per figure
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        try:
            written = figures.draw(study, tmp)
        except Exception as e:  # a figure that cannot be drawn: said in the report, not fatal
            return out, [f"{type(e).__name__}: {e}"]
        for file in written:
            with open(file, "rb") as fh:
                out[os.path.basename(file)] = base64.b64encode(fh.read()).decode()
    return out, []


def write_html(study, path, figures=True):
    """Writes `study` (hsicho.load's) as one HTML file at `path`; returns the path."""
    s = study
    parts = [f"<h1>hsicho study '{html.escape(s.name)}'</h1>"]
    n = len(s.trials)
    status = s.trials["status"].value_counts().to_dict() if "status" in s.trials else {}
    words = {"ok": "finished", "stopped": "stopped early"}
    parts.append("<h2>Summary</h2><p>" + f"{n} trainings" + (" (partial: the study runs or was stopped)"
                 if s.partial else "") + "; " + ", ".join(f"{v} {words.get(k, k)}" for k, v in status.items())
                 + ".</p>")
    wall = getattr(s, "training_wall", float("nan"))
    if wall == wall:  # not NaN
        parts.append(f"<p><b>Training wall time</b>: {wall:.3g} s on {s.ranks} "
                     f"rank{'s' if s.ranks != 1 else ''} (the run that wrote the study file)</p>")
    early = _early_stopping(s.trials)
    if early:
        mode = getattr(s, "pruning_mode", "")
        label = f"Early stopping ({html.escape(mode)})" if mode else "Early stopping"
        parts.append(f"<p><b>{label}</b>: {html.escape(early)}</p>")
    for key, label in (("best", "Best network"), ("pick", "The pick (cheapest within the tolerance)")):
        g = getattr(s, key)
        if key == "pick" and g and s.best and g.get("config") == s.best.get("config"):
            parts.append(f"<p><b>{label}</b>: the best network (no cheaper one within the tolerance)</p>")
        elif g:
            parts.append(f"<p><b>{label}</b>: configuration {_fmt(g.get('config'))}: "
                         f"{html.escape(str(g.get('values', '')))}<br>validation error {_fmt(g.get('val_error'))}, "
                         f"test {_fmt(g.get('test_error'))}, {_fmt(g.get('parameters'))} parameters</p>")
    if len(s.indices):
        a = s.indices.attrs
        by_evidence = a.get("ranked_by", "") == "evidence"
        rule = ("Ranked by evidence of deciding the best: a goal test, supported by the errors' "
                "order, or an interaction (through its pair with: the other hyperparameter of the "
                "best pair test); evidence is the normal score of the p-value (1.64 at 0.05). "
                "Conditional hyperparameters are ranked with the others; rows: where they exist."
                if by_evidence else "Ranked by the index; conditional hyperparameters apart (below).")
        parts.append("<h2>What decides landing among the best</h2><p class=\"note\">" + rule +
                     f" HSIC index: the paper's target index (alpha = {_fmt(a.get('alpha', np.nan))}): "
                     "how differently the hyperparameter is distributed among the best trainings "
                     "than overall; index p-value: its test; * p &lt; 0.05 (the ranking's); index 95% "
                     "from/to: the index's bootstrap interval; in the top 3: the share of bootstrap "
                     "resamples where it ranks in the top 3.</p>"
                     + _ranking(s.indices))
        cond = s.indices[s.indices["conditional"]] if "conditional" in s.indices else s.indices.iloc[:0]
        if len(cond):
            parts.append("<h2>Conditional hyperparameters</h2><p class=\"note\">Each measured where it "
                         "exists" + (" (ranked above with the others)" if by_evidence else "") +
                         "; HSIC of its existence: the index of whether it exists at all.</p>" +
                         _table(cond, [c for c in ("name", "hsic", "pvalue", "active_hsic", "active_pvalue")
                                       if c in cond]))
    if len(s.indices_front):
        front = s.trials[(s.trials["pareto_rank"] == 1) & s.trials["retrains"].isna()]
        names = [c for c in s.space["name"] if c in front]
        parts.append("<h2>The accuracy-cost front</h2><p class=\"note\">Trainings that no other beats in "
                     "both validation error and cost.</p>" +
                     _table(front.sort_values("parameters"), ["config", "parameters", "val_error"] + names))
        parts.append("<h3>What decides being on the front</h3>" + _ranking(s.indices_front))
    if len(s.stages) > 1:  # one stage: the design, said in the summary already
        stages = s.stages.copy()
        stages.insert(0, "stage", range(1, len(stages) + 1))
        parts.append("<h2>Stages</h2><p class=\"note\">Each stage's goal (the best alpha fraction), "
                     "its first configuration and how many it sampled.</p>" + _table(stages))
    if len(s.decisions):
        parts.append("<h2>The optimizer's decisions</h2>" + _table(s.decisions))
    if "status" in s.trials:
        # Stopped early is a decision, not a failure: said in the summary.
        bad = s.trials[~s.trials["status"].isin(["ok", "stopped"])]
        if len(bad):
            by = bad.groupby(["status", "cause"]).size().reset_index(name="trainings")
            parts.append("<h2>Trainings that did not finish</h2>" + _table(by))
    if figures:
        figs, errors = _figures(s)
        parts.append("<h2>Figures</h2>")
        for name, data in figs.items():
            key = name[:-4]
            parts.append(f"<figure><img alt=\"{html.escape(name)}\" src=\"data:image/png;base64,{data}\">"
                         f"<figcaption><b>{html.escape(key)}</b>: {html.escape(CAPTIONS.get(key, ''))}"
                         "</figcaption></figure>")
        for e in errors:
            parts.append(f"<p class=\"note\">figures: {html.escape(e)}</p>")
    doc = ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
           f"<title>hsicho: {html.escape(s.name)}</title><style>{_STYLE}</style></head><body>"
           + "\n".join(parts) + "</body></html>\n")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(doc)
    return path
