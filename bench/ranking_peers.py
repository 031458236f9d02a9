"""The peers of the ranking benchmark (bench/ranking_vs_peers.py, issue 37).

- Optuna's FanovaImportanceEvaluator and MeanDecreaseImpurityImportanceEvaluator (Debian's
  python3-optuna 3.1 with python3-sklearn), called as a user calls them: a study holding the
  trials, optuna.importance.get_param_importances(study, evaluator=...). Like Optuna, they drop a
  hyperparameter that is not in every trial (momentum): it ranks last. The variants "+" give them
  momentum anyway (0 where inactive), to show what dropping costs them.
- PED-ANOVA (Watanabe, Bansal, Hutter, IJCAI 2023), written here from the paper because Debian's
  Optuna is too old to have it: the importance of a hyperparameter for reaching the top gamma'
  quantile is the Pearson divergence between its density among those trials and among all trials
  (Parzen estimators on a 50-point grid of the unit scale, Scott's rule; categories: counts plus
  a uniform prior of weight 1), normalized to sum 1. "ped" drops momentum as Optuna's evaluators
  do; "ped+" measures it on the trials where it exists.

Errors of +inf (diverged trainings) are given to the peers as the worst finite error plus the
finite errors' range (a random forest refuses infinity): they keep "worse than everything".
"""
import warnings

import numpy as np

import ranking_cases as rc

warnings.filterwarnings("ignore")


def finite_errors(y):
    """+inf replaced by a value worse than every finite error."""
    y = np.asarray(y, float)
    fin = y[np.isfinite(y)]
    worst = fin.max() + (fin.max() - fin.min() if fin.size > 1 else 1.0)
    return np.where(np.isfinite(y), y, worst)


def _optuna_study(u, y, impute_conditional, space):
    import optuna
    from optuna.distributions import (CategoricalDistribution, FloatDistribution,
                                      IntDistribution)
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    dists = {}
    for name, kind, spec in space:
        if kind == "log":
            dists[name] = FloatDistribution(*spec["range"], log=True)
        elif kind == "integer_log":
            dists[name] = IntDistribution(*spec["range"], log=True)
        elif kind == "integer":
            dists[name] = IntDistribution(*spec["range"])
        elif kind == "categorical":
            dists[name] = CategoricalDistribution(spec["values"])
        else:
            dists[name] = FloatDistribution(*spec["range"])
    study = optuna.create_study()
    trials = []
    for row, value in zip(rc.values(u, space), finite_errors(y)):
        params = {}
        for k, v in row.items():
            if v is None:
                if not impute_conditional:
                    continue
                v = dists[k].low
            params[k] = v
        trials.append(optuna.trial.create_trial(
            params=params, distributions={k: dists[k] for k in params}, value=float(value)))
    study.add_trials(trials)
    return study


def optuna_ranking(u, y, evaluator, seed, impute_conditional=False, space=None):
    """Names, most important first; those the evaluator left out come last."""
    import optuna
    from optuna.importance import (FanovaImportanceEvaluator,
                                   MeanDecreaseImpurityImportanceEvaluator)
    space = space or rc.SPACE
    study = _optuna_study(u, y, impute_conditional, space)
    ev = (FanovaImportanceEvaluator(seed=seed) if evaluator == "fanova"
          else MeanDecreaseImpurityImportanceEvaluator(seed=seed))
    imp = optuna.importance.get_param_importances(study, evaluator=ev)
    return _order(imp, seed, [s[0] for s in space])


def _order(importance, seed, names):
    """Sort by importance, ties (and names left out) in a seeded random order."""
    rng = np.random.default_rng(seed)
    tiebreak = {n: t for n, t in zip(names, rng.permutation(len(names)))}
    known = sorted(importance, key=lambda n: (-importance[n], tiebreak[n]))
    rest = sorted((n for n in names if n not in importance), key=lambda n: tiebreak[n])
    return known + rest


# --- PED-ANOVA --------------------------------------------------------------------------------

GRID = 50


def _scott_pdf(x, grid):
    """A Parzen estimate on the grid (Scott's rule), with one uniform pseudo-observation."""
    n = len(x)
    sd = np.std(x, ddof=1) if n > 1 else 1.0
    iqr = np.subtract(*np.percentile(x, [75, 25])) / 1.34 if n > 1 else 1.0
    spread = min(sd, iqr) if min(sd, iqr) > 0 else max(sd, 1.0 / GRID)
    h = max(1.059 * spread * n ** -0.2, 0.5 / GRID)
    pdf = np.exp(-0.5 * ((grid[:, None] - x[None, :]) / h) ** 2).sum(axis=1)
    pdf = pdf / pdf.sum() * n + 1.0 / len(grid)  # the prior: one observation spread evenly
    return pdf / pdf.sum()


def _pmf(levels_, k):
    counts = np.bincount(levels_, minlength=k).astype(float) + 1.0 / k
    return counts / counts.sum()


def ped_anova(u, y, gamma=rc.ALPHA, conditional=False, space=None):
    """Importances {name: value}: Pearson divergence of the top-gamma density from all trials'."""
    y = finite_errors(y)
    space = space or rc.SPACE
    imp = {}
    for k, (name, _, _) in enumerate(space):
        x = u[:, k]
        active = ~np.isnan(x)
        if not active.all() and not conditional:
            continue  # Optuna's evaluators drop a hyperparameter absent from some trials
        x, ya = x[active], y[active]
        if len(ya) < 2:
            continue
        q = np.quantile(ya, gamma, method="lower")
        top = ya <= q
        nl = rc.levels(name, space)
        if nl and nl <= GRID:
            lv = np.minimum((x * nl).astype(int), nl - 1)
            p_top, p_all = _pmf(lv[top], nl), _pmf(lv, nl)
        else:
            grid = (np.arange(GRID) + 0.5) / GRID
            p_top, p_all = _scott_pdf(x[top], grid), _scott_pdf(x, grid)
        ratio = top.mean()
        imp[name] = ratio ** 2 * float(p_all @ ((p_top / p_all - 1) ** 2))
    total = sum(imp.values())
    return {n: v / total if total > 0 else 0.0 for n, v in imp.items()}


def ped_ranking(u, y, seed, conditional=False, space=None):
    space = space or rc.SPACE
    return _order(ped_anova(u, y, conditional=conditional, space=space), seed,
                  [s[0] for s in space])
