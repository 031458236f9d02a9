"""Read hsicho study files from Python: pandas DataFrames of configurations, results, curves,
indices, stages and decisions, and a one-file HTML report.

    import hsicho
    s = hsicho.load("out/demo.h5")          # finished, running, stopped or killed
    s.trials.sort_values("val_error").head()
    s.indices                               # the headline ranking, with p-values and intervals
    hsicho.write_html(s, "demo.html")       # one self-contained file
    from hsicho import figures
    figures.front(s)                        # one figure (a matplotlib Figure); figures.draw(s): all

Your own training code, served to hsicho (a deck's training.command; docs/driver.md):

    def train(params, report):              # params["lr"], params.seed, params.device, ...
        ...                                 # report(epoch, val_error) is False when stopped early
        return {"error": val_error}         # or only the number
    hsicho.serve(train)

Needs Debian's python3-h5py, python3-pandas (and python3-matplotlib for the HTML report).
"""


def load(path):
    """The study at `path` as DataFrames (hsicho.study.Study): needs pandas."""
    from .study import load as _load
    return _load(path)


def write_html(study, path, figures=True):
    """One self-contained HTML report of `study` (hsicho.load's) at `path`."""
    from .html import write_html as _write
    return _write(study, path, figures)


def serve(train):
    """Trains the configurations hsicho sends with `train(params, report)` (hsicho.serve's doc)."""
    from .serve import serve as _serve
    return _serve(train)
