#!/usr/bin/env python3
"""A training function served by hsicho.serve, for tests/cli/worker.sh: standard library only.

The error is a closed form of the hyperparameters plus noise drawn from `random` (seeded by
serve from the configuration's seed), reported per epoch; the process id is a metric, so that a
test sees which worker trained what. FAULT=raise|raise_continued|exit|hang|leak (the deck's env)
makes the configuration with id FAULT_ID raise (raise_continued: only when continued from a
checkpoint), leave with os._exit, hang, or (leak) every one grow the process's memory. It keeps the checkpoint contract (docs/driver.md): paused after
params.pause_after epochs with its state in params.checkpoint, continued from
params.continue_from.
"""
import json
import math
import os
import random
import sys
import time

sys.path.insert(0, os.environ["HSICHO_PYTHON_MODULE"])
import hsicho  # noqa: E402

fault, fault_id = os.environ.get("FAULT", ""), int(os.environ.get("FAULT_ID", "-1"))
leak = []


def train(params, report):
    if params.id == fault_id:
        if fault == "raise" or (fault == "raise_continued" and params.continue_from):
            print("about to fail", file=sys.stderr)
            raise ValueError(f"bad configuration {params.id}")
        if fault == "exit":
            os._exit(7)
        if fault == "hang":
            time.sleep(300)
    if fault == "leak":
        leak.append(bytearray(1 << 20))
    print(f"training {params.id} in {os.getcwd()}")
    final = (params["x"] - 0.3) ** 2 + 0.1 * params["k"] + {"a": 0.0, "b": 0.5, "c": 1.0}[params["c"]]
    final += 0.01 * random.random()
    epochs, start = int(params.get("epochs", 8)), 0
    if params.continue_from:
        with open(params.continue_from) as f:
            start, final = json.load(f)
        print(f"continued after epoch {start}")
    for epoch in range(start + 1, epochs + 1):
        if not report(epoch, final * (1 + 4 / epoch)):
            print(f"returned after epoch {epoch}")
            break
        time.sleep(float(os.environ.get("EPOCH_SECONDS", "0")))
        if epoch == params.pause_after and epoch < epochs:
            with open(params.checkpoint, "w") as f:
                json.dump([epoch, final], f)
            return {"error": final * (1 + 4 / epoch)}
    return {"error": final * (1 + 4 / epochs), "test_error": final, "parameters": 10 * params["k"],
            "metrics": {"pid": os.getpid()}}


hsicho.serve(train)
