"""Your training function, served to hsicho: write `train(params, report)`, call `serve(train)`.

    import hsicho

    def train(params, report):
        model = make(params["units"], params["lr"])       # params: the configuration's hyperparameters
        for epoch in range(1, 41):
            val = fit_one_epoch(model)
            if not report(epoch, val):                     # False: hsicho stopped it at a rung
                break
        return {"error": val, "parameters": size(model)}  # or just the number: the error

    hsicho.serve(train)

The same script works in both of the deck's modes (docs/driver.md):

- `training: {command: [/usr/bin/python3, train.py], persistent: true}`: the script starts once
  per rank and trains configuration after configuration (its imports paid once). hsicho talks to
  it over descriptor $HSICHO_WORKER_FD, one JSON object per line.
- without `persistent`: one process per configuration, reading $HSICHO_PARAMS and writing
  $HSICHO_RESULT, as any command does.

`params` is a dict of the active hyperparameters (an inactive conditional one is absent), with
the rest of params.json as attributes: `seed`, `id`, `stage`, `device` ("cpu" or "cuda:0"),
`gpu`, `workdir`, `epochs_factor` (1.0 unless the optimizer's final retraining asks for more),
`pause_after`, `checkpoint` and `continue_from` (the checkpoint contract of successive halving:
0, None and None unless the deck says `training.checkpoint: true`) and `job` (all of
params.json). Before each training the process is in the configuration's work
folder, its standard output and error go to that folder's stdout.txt and stderr.txt, and
Python's `random`, and NumPy's and PyTorch's generators where they are imported, are seeded from
`params.seed`: a persistent worker gives the same results as a process per configuration.

A training that raises is a failed configuration (its cause: the exception's last line, the
traceback in its stderr.txt) and the worker goes on with the next one.
"""
import json
import math
import os
import random
import socket
import sys
import traceback

__all__ = ["serve", "Params"]


class Params(dict):
    """The configuration's hyperparameters (a dict), and params.json's other keys as attributes."""

    def __init__(self, job):
        super().__init__(job.get("params", {}))
        self.job = job
        self.seed = int(job.get("seed", 0))
        self.id = job.get("id")
        self.stage = job.get("stage", 0)
        self.device = job.get("device", "cpu")
        self.gpu = job.get("gpu", "")
        self.workdir = job.get("workdir", os.getcwd())
        self.epochs_factor = float(job.get("epochs_factor", 1.0))
        # The checkpoint contract (successive halving, docs/driver.md): pause after this epoch
        # (0: never) and save the state to `checkpoint`; start from `continue_from` (None: anew).
        self.pause_after = int(job.get("pause_after", 0))
        self.checkpoint = job.get("checkpoint")
        self.continue_from = job.get("continue_from")


def _plain(value):
    """JSON for what a training returns: NumPy and PyTorch scalars and arrays as numbers."""
    if hasattr(value, "tolist"):
        return value.tolist()
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(f"{type(value).__name__} is not a JSON value")


def _result(value):
    """A training's return value as result.json's object: a number is the error."""
    if isinstance(value, dict):
        return value
    if value is None:
        raise TypeError("the training function returned None: return the validation error, or "
                        "a dict with at least 'error' (docs/driver.md)")
    try:
        return {"error": float(value)}
    except (TypeError, ValueError):
        raise TypeError(f"the training function returned a {type(value).__name__}: return the "
                        "validation error, or a dict with at least 'error'") from None


def _seed(seed):
    """Seeds the generators a training may draw from, as a fresh process would be."""
    random.seed(seed)
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        numpy.random.seed(seed % 2**32)
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.manual_seed(seed % 2**63)


def _error_number(x):
    x = float(x)
    return x if math.isfinite(x) else None  # JSON's null: hsicho reads it as NaN


def serve(train):
    """Trains what hsicho sends with `train(params, report)`; returns when hsicho is done."""
    fd = os.environ.pop("HSICHO_WORKER_FD", None)  # popped: the training's subprocesses are not workers
    if fd is not None:
        return _serve_persistent(train, int(fd))
    params_path = os.environ.get("HSICHO_PARAMS")
    if params_path:
        return _serve_once(train, params_path, os.environ.get("HSICHO_RESULT"))
    sys.exit(f"{sys.argv[0]}: hsicho.serve trains what hsicho sends: run it as a deck's "
             "training.command (docs/driver.md), or try one configuration by hand with "
             "HSICHO_PARAMS=params.json HSICHO_RESULT=result.json")


def _serve_once(train, params_path, result_path):
    """One configuration per process (a command without `persistent`): the files of docs/driver.md."""
    with open(params_path) as f:
        job = json.load(f)
    result_path = result_path or job.get("result") or "result.json"
    progress_path, stop_path = job.get("progress"), job.get("stop_file")
    progress = open(progress_path, "a") if progress_path else None

    def report(epoch, error):
        if progress is not None:
            progress.write(json.dumps({"epoch": int(epoch), "error": _error_number(error)}) + "\n")
            progress.flush()
        return not (stop_path and os.path.exists(stop_path))

    params = Params(job)
    _seed(params.seed)
    result = _result(train(params, report))
    with open(result_path, "w") as f:
        json.dump(result, f, default=_plain)


class _Channel:
    """hsicho's end of the persistent protocol: one JSON object per line each way."""

    def __init__(self, fd):
        os.set_inheritable(fd, False)  # not left open in the training's own subprocesses
        self.sock = socket.socket(fileno=fd)
        self.lines = self.sock.makefile("rb")

    def send(self, type_, **body):
        body = {**body, "type": type_}  # a result's own "type" key cannot change the message
        self.sock.sendall((json.dumps(body, default=_plain) + "\n").encode())

    def receive(self):
        line = self.lines.readline()
        return json.loads(line) if line else None  # None: hsicho closed the channel


class _Redirect:
    """The training's stdout and stderr to its folder's files; the worker's own log after it."""

    def __init__(self, out_path, err_path):
        self.paths = (out_path, err_path)

    def __enter__(self):
        sys.stdout.flush()
        sys.stderr.flush()
        self.saved = (os.dup(1), os.dup(2))
        for fd, path in zip((1, 2), self.paths):
            if path:
                target = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
                os.dup2(target, fd)
                os.close(target)
        return self

    def __exit__(self, *exc):
        sys.stdout.flush()
        sys.stderr.flush()
        for fd, saved in zip((1, 2), self.saved):
            os.dup2(saved, fd)
            os.close(saved)
        return False


def _serve_persistent(train, fd):
    channel = _Channel(fd)
    home = os.getcwd()
    while True:
        message = channel.receive()
        if message is None or message.get("type") == "exit":
            return
        if message.get("type") != "train":
            continue

        def report(epoch, error):
            channel.send("progress", epoch=int(epoch), error=_error_number(error))
            answer = channel.receive()
            if answer is None:  # hsicho went away: nothing to train for
                sys.exit(0)
            return answer.get("type") != "stop"

        params = Params(message)
        with _Redirect(message.get("stdout"), message.get("stderr")):
            try:
                os.chdir(params.workdir)
                _seed(params.seed)
                result = _result(train(params, report))
                reply = ("result", result)
            except Exception as e:  # the configuration's failure, not the worker's
                traceback.print_exc()
                last = traceback.format_exception_only(type(e), e)[-1].strip()
                reply = ("error", {"message": last})
            finally:
                os.chdir(home)
        if reply[0] == "result":
            try:
                channel.send("result", **reply[1])
            except (TypeError, ValueError) as e:  # a value JSON cannot hold
                channel.send("error", message=f"the result cannot be sent: {e}")
        else:
            channel.send("error", **reply[1])
