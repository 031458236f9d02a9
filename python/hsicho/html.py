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
th { background: #f2f2f2; } td.t { text-align: left; }
.sig { color: #b00; font-weight: bold; } .note { color: #555; font-size: 0.85em; }
img { max-width: 100%; display: block; margin: 0.5em 0; page-break-inside: avoid; }
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


def _table(df, columns=None, numeric_right=True):
    columns = columns or list(df.columns)
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in columns)
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
    parts.append("<h2>Summary</h2><p>" + f"{n} trainings" + (" (partial: the study runs or was stopped)"
                 if s.partial else "") + "; " + ", ".join(f"{v} {k}" for k, v in status.items()) + ".</p>")
    for key, label in (("best", "Best network"), ("pick", "The pick (cheapest within the tolerance)")):
        g = getattr(s, key)
        if g:
            parts.append(f"<p><b>{label}</b>: configuration {_fmt(g.get('config'))}: "
                         f"{html.escape(str(g.get('values', '')))}<br>validation error {_fmt(g.get('val_error'))}, "
                         f"test {_fmt(g.get('test_error'))}, {_fmt(g.get('parameters'))} parameters</p>")
    if len(s.indices):
        a = s.indices.attrs
        by_evidence = a.get("ranked_by", "") == "evidence"
        rule = ("Ranked by evidence of deciding the best (evidence: the normal score of "
                "evidence_pvalue): a goal test, supported by the errors' order, or an interaction "
                "(partner: the input of the best pair test); conditional hyperparameters are ranked "
                "with the others, n: the rows where they exist." if by_evidence else
                "Ranked by the index; conditional hyperparameters apart (below).")
        parts.append("<h2>What decides landing among the best</h2><p class=\"note\">" + rule +
                     f" hsic: the target HSIC index (alpha = {_fmt(a.get('alpha', np.nan))}): how "
                     "differently the hyperparameter is distributed among the best trainings than "
                     "overall, pvalue its p-value; * p &lt; 0.05 (the ranking's); ci_low and ci_high: "
                     "the index's bootstrap 95% interval; top_share: how often it ranks in the top 3.</p>"
                     + _ranking(s.indices))
        cond = s.indices[s.indices["conditional"]] if "conditional" in s.indices else s.indices.iloc[:0]
        if len(cond):
            parts.append("<h2>Conditional hyperparameters</h2><p class=\"note\">Each measured where it "
                         "exists" + (" (ranked above with the others)" if by_evidence else "") +
                         "; 'active' columns: the index of its existence.</p>" +
                         _table(cond, [c for c in ("name", "hsic", "pvalue", "active_hsic", "active_pvalue")
                                       if c in cond]))
    if len(s.indices_front):
        front = s.trials[(s.trials["pareto_rank"] == 1) & s.trials["retrains"].isna()]
        names = [c for c in s.space["name"] if c in front]
        parts.append("<h2>The accuracy-cost front</h2><p class=\"note\">Trainings that no other beats in "
                     "both validation error and cost.</p>" +
                     _table(front.sort_values("parameters"), ["config", "parameters", "val_error"] + names))
        parts.append("<h3>What decides being on the front</h3>" + _ranking(s.indices_front))
    if len(s.stages):
        parts.append("<h2>Stages</h2>" + _table(s.stages))
    if len(s.decisions):
        parts.append("<h2>The optimizer's decisions</h2>" + _table(s.decisions))
    if "status" in s.trials:
        bad = s.trials[s.trials["status"] != "ok"]
        if len(bad):
            by = bad.groupby(["status", "cause"]).size().reset_index(name="trainings")
            parts.append("<h2>Trainings that did not finish</h2>" + _table(by))
    if figures:
        figs, errors = _figures(s)
        parts.append("<h2>Figures</h2>")
        for name, data in figs.items():
            parts.append(f"<h3>{html.escape(name[:-4])}</h3><img alt=\"{html.escape(name)}\" "
                         f"src=\"data:image/png;base64,{data}\">")
        for e in errors:
            parts.append(f"<p class=\"note\">figures: {html.escape(e)}</p>")
    doc = ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
           f"<title>hsicho: {html.escape(s.name)}</title><style>{_STYLE}</style></head><body>"
           + "\n".join(parts) + "</body></html>\n")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(doc)
    return path
