#!/usr/bin/env python3
"""PNG figures of an hsicho study file, or one HTML report (Debian's python3-h5py,
python3-matplotlib, python3-pandas). The figures are the functions of
python/hsicho/figures.py, one per figure; this is the command over them.

  /usr/bin/python3 scripts/plot_study.py out/demo.h5 [--out out/demo-figures]
  /usr/bin/python3 scripts/plot_study.py out/demo.h5 --html demo.html

Writes: indices.png (indices with error bars, significance marked), interactions.png (heat map, when
the study computed them), distributions.png (each hyperparameter overall vs among the best),
parallel.png (parallel coordinates, best highlighted), progress.png (best error against the number
of trainings, stage by stage), stages.png (an optimized study's indices stage by stage),
curves.png (validation curves of the best networks), front.png (every training's error against
its cost, the accuracy-cost front, the best and the pick), rungs.png (with early stopping: every
training's curve, where each stopped one ended, and per rung the lowest error stopped there).
A running, stopped or killed study is drawn from a snapshot of its journal (hsicho export --h5).
"""
import argparse
import os
import subprocess
import sys
import textwrap

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))


def main():
    # The docstring's first paragraph, whole (its first line alone was cut mid-sentence), and
    # the rest as the epilog, laid out as written.
    first, _, rest = __doc__.partition("\n\n")
    ap = argparse.ArgumentParser(description=textwrap.fill(" ".join(first.split()), 79), epilog=rest,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("study")
    ap.add_argument("--out", help="folder of the figures (default: STUDY-figures beside the study)")
    ap.add_argument("--html", metavar="FILE.html",
                    help="instead, one self-contained HTML report: summary, ranking, front, stages, "
                         "failures and every figure (python/hsicho)")
    a = ap.parse_args()
    import matplotlib
    matplotlib.use("Agg")  # files only: no display needed
    import hsicho  # the module of this checkout
    from hsicho import figures
    try:
        study = hsicho.load(a.study)
    except (OSError, RuntimeError, subprocess.CalledProcessError) as e:
        sys.exit(f"{a.study}: {getattr(e, 'stderr', None) or e}".strip())
    if study.partial:
        print("the study has not finished: drawing the trainings finished so far")
    if a.html:
        print("wrote " + hsicho.write_html(study, a.html))
        return
    print("wrote " + ", ".join(figures.draw(study, a.out)))


if __name__ == "__main__":
    main()
