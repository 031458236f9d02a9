"""Read hsicho study files from Python: pandas DataFrames of configurations, results, curves,
indices, stages and decisions, and a one-file HTML report.

    import hsicho
    s = hsicho.load("out/demo.h5")          # finished, running, stopped or killed
    s.trials.sort_values("val_error").head()
    s.indices                               # the headline ranking, with p-values and intervals
    hsicho.write_html(s, "demo.html")       # one self-contained file

Needs Debian's python3-h5py, python3-pandas (and python3-matplotlib for the HTML report).
"""
from .study import Study, load  # noqa: F401
from .html import write_html  # noqa: F401
