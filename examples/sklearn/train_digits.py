#!/usr/bin/env python3
"""A scikit-learn MLP on the handwritten digits scikit-learn ships (load_digits: 1797 8x8 images),
served to hsicho (hsicho.serve). hsicho sends each configuration's hyperparameters to train();
train() fits one epoch at a time, reports the validation error after each (so that the deck's
pruning can stop a hopeless configuration), and returns its result.

With `persistent: true` (examples/sklearn/digits.yaml) this script starts once per rank: the
import of scikit-learn and the data are paid once. Needs Debian's python3-sklearn.
"""
import warnings

import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

import hsicho

# The data, once per process: the same split for every configuration.
X, y = load_digits(return_X_y=True)
X_train, X_rest, y_train, y_rest = train_test_split(X, y, test_size=0.4, random_state=0, stratify=y)
X_val, X_test, y_val, y_test = train_test_split(X_rest, y_rest, test_size=0.5, random_state=0,
                                                stratify=y_rest)
scale = StandardScaler().fit(X_train)
X_train, X_val, X_test = scale.transform(X_train), scale.transform(X_val), scale.transform(X_test)
CLASSES = np.unique(y)


def train(p, report):
    """One configuration: p["units"], p["lr"], ... (p.seed: hsicho's seed for it)."""
    net = MLPClassifier(hidden_layer_sizes=(p["units"],) * p["layers"], activation=p["activation"],
                        solver=p["solver"], learning_rate_init=p["lr"], alpha=p["alpha"],
                        batch_size=p["batch_size"], momentum=p.get("momentum", 0.9),
                        random_state=p.seed % 2**32)
    epochs = round(p["epochs"] * p.epochs_factor)
    curve = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for epoch in range(1, epochs + 1):
            net.partial_fit(X_train, y_train, classes=CLASSES)  # one pass over the training set
            curve.append(1 - net.score(X_val, y_val))
            if not report(epoch, curve[-1]):  # stopped at a rung by hsicho's pruning
                break
    best = int(np.argmin(curve))
    parameters = sum(w.size for w in net.coefs_) + sum(b.size for b in net.intercepts_)
    return {"error": curve[-1], "test_error": 1 - net.score(X_test, y_test), "curves": curve,
            "best_epoch": best + 1, "epochs": len(curve), "parameters": parameters}


if __name__ == "__main__":  # run by hsicho; imported, train() is yours to call (bench/worker_vs_optuna.py)
    hsicho.serve(train)
