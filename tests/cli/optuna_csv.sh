#!/usr/bin/env bash
# Optuna's export read as users have it (issue 39): a trials_dataframe() CSV with user attributes,
# dates, states and categorical parameters, analysed with no hand cleaning, gives the same
# indices as a CSV holding only the parameters and the value; the params_ prefix works with
# --space; an outcome-like column of another CSV is named in a warning; with python3-optuna
# installed, a real study's export and hsicho.engine.analyze(study) too.
#   optuna_csv.sh HSICHO ROOT BUILD
set -u
hsicho=$1
root=$2
build=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$root/tests/cli/lib.sh"
cd "$tmp" || exit 1

# 120 trials as Optuna writes them: lr (log) and solver decide the value; units and activation
# do not; user_attrs_test_error follows the value, user_attrs_parameters the units; 4 failed
# trials (no value) and 2 still running.
/usr/bin/python3 - <<'EOP'
import csv
import numpy as np
rng = np.random.default_rng(5)
n = 120
lr = 10 ** rng.uniform(-4, -1, n)
solver = rng.choice(["adam", "sgd", "lbfgs"], n)
units = rng.integers(8, 129, n)
act = rng.choice(["relu", "tanh"], n)
value = (np.log10(lr) + 2.5) ** 2 + np.where(solver == "adam", 0.0, 1.0) + 0.1 * rng.standard_normal(n)
state = np.array(["COMPLETE"] * n, dtype=object)
state[[7, 30, 61, 90]] = "FAIL"
state[[118, 119]] = "RUNNING"
head = ["number", "value", "datetime_start", "datetime_complete", "duration", "params_activation",
        "params_lr", "params_solver", "params_units", "user_attrs_parameters", "user_attrs_test_error", "state"]
full = csv.writer(open("optuna.csv", "w"))
only = csv.writer(open("params_only.csv", "w"))
full.writerow(head)
only.writerow(["value", "params_activation", "params_lr", "params_solver", "params_units"])
for i in range(n):
    done = state[i] == "COMPLETE"
    v = repr(float(value[i])) if done else ""
    full.writerow([i, v, f"2026-12-07 01:{i // 60:02d}:{i % 60:02d}.{i:06d}",
                   f"2026-12-07 02:{i // 60:02d}:{i % 60:02d}.{i:06d}" if done else "",
                   f"0 days 00:00:0{i % 10}.{i:06d}" if done else "", act[i], repr(float(lr[i])), solver[i],
                   int(units[i]), int(units[i]) * 10 + 3, repr(float(value[i]) * 1.05) if done else "", state[i]])
    if state[i] != "RUNNING":
        only.writerow([v, act[i], repr(float(lr[i])), solver[i], int(units[i])])
EOP
names() { /usr/bin/python3 -c "import json,sys; print(' '.join(i['name'] for i in json.load(sys.stdin)['inputs']))"; }
check "the Optuna export, no cleaning" 0 "$hsicho" analyze optuna.csv --target value --json
contains "  it says it read an Optuna export" "an Optuna export (trials_dataframe): the inputs are its params_ columns"
contains "  the running trials left out" "2 trials still RUNNING or WAITING in the export: left out"
contains "  the words read as categories" "columns params_activation, params_solver hold words: read as categories"
"$hsicho" analyze optuna.csv --target value --json 2>/dev/null >full.json
check "  the inputs are the params_ columns only" 0 test "$(names <full.json | tr ' ' '\n' | sort | tr '\n' ' ')" = \
  "params_activation params_lr params_solver params_units "
"$hsicho" analyze params_only.csv --target value --json 2>/dev/null >only.json
check "  the same indices as the CSV of the parameters only" 0 cmp full.json only.json
check "  (the parameters-only CSV had its categories too)" 0 grep -q '"params_solver"' only.json

cat >space.yaml <<'EOD'
space:
  - {name: lr, type: log, range: [1.0e-4, 1.0e-1]}
  - {name: solver, type: categorical, values: [adam, sgd, lbfgs]}
  - {name: units, type: integer, range: [8, 128]}
  - {name: activation, type: categorical, values: [relu, tanh]}
EOD
check "--space with the deck's names reads the params_ columns" 0 \
  "$hsicho" analyze optuna.csv --target value --space space.yaml
check "  lr (on its log scale) and solver rank first" 0 test "$(grep -E '^[12] ' <<<"$out" | awk '{print $2}' | sort | tr '\n' ' ')" = "params_lr params_solver "
sed 's/{name: units/{name: width/' space.yaml >other.yaml
check "a space without one of the parameters" 2 "$hsicho" analyze optuna.csv --target value --space other.yaml
contains "  names the --inputs the CSV has, as it spells them" "--inputs params_lr,params_solver,params_activation"

# Another tool's table: an outcome next to the hyperparameters is analysed (the user may mean
# it) but named in a warning.
/usr/bin/python3 -c "
import csv; w = csv.writer(open('other.csv', 'w')); w.writerow(['lr', 'depth', 'test_error', 'train_time', 'val_loss'])
for i in range(40): w.writerow([0.001 * (i % 7 + 1), i % 5 + 1, (i % 7) * 0.1 + 0.01 * i, 3.0 + (i % 3), (i % 7) * 0.1 + 0.02 * (i % 5)])"
check "a CSV with outcome columns" 0 "$hsicho" analyze other.csv --target val_loss
contains "  they are named in a warning" "columns test_error, train_time are named like an outcome of the training"
check "--inputs: no warning" 0 "$hsicho" analyze other.csv --target val_loss --inputs lr,depth
check "  none" 1 grep -q "named like an outcome" <<<"$out"

# A real Optuna study, where python3-optuna is installed.
if /usr/bin/python3 -c "import optuna" 2>/dev/null && ls "$build"/python/_hsicho_engine*.so >/dev/null 2>&1; then
  check "a real Optuna study: its CSV and hsicho.engine.analyze(study)" 0 env PYTHONPATH="$root/python" \
    HSICHO_BUILD="$build" /usr/bin/python3 - "$hsicho" <<'EOP'
import json, subprocess, sys
import optuna
from hsicho.engine import analyze
optuna.logging.set_verbosity(optuna.logging.WARNING)
def objective(trial):
    lr = trial.suggest_float("lr", 1e-4, 1e-1, log=True)
    opt = trial.suggest_categorical("optimizer", ["adam", "sgd"])
    trial.suggest_int("units", 8, 128)
    trial.set_user_attr("test_error", (lr - 0.01) ** 2)
    return abs(lr - 0.01) * 100 + (0 if opt == "adam" else 0.5)
study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=1))
study.optimize(objective, n_trials=80)
study.trials_dataframe().to_csv("real.csv", index=False)
cli = json.loads(subprocess.run([sys.argv[1], "analyze", "real.csv", "--target", "value", "--json"],
                                capture_output=True, text=True, check=True).stdout)
names = [i["name"] for i in cli["inputs"]]
assert sorted(names) == ["params_lr", "params_optimizer", "params_units"], names
py = analyze(study)
assert sorted(i["name"] for i in py["inputs"]) == sorted(names), py["inputs"]
assert py["inputs"][-1]["name"] == "params_units", py["inputs"]  # the one that does not matter
assert any("Optuna export" in n for n in py["notes"]), py["notes"]
maxi = optuna.create_study(direction="maximize", sampler=optuna.samplers.RandomSampler(seed=1))
maxi.optimize(lambda t: -objective(t), n_trials=80)
assert analyze(maxi)["inputs"][-1]["name"] == "params_units"  # maximized: negated, the same answer
print("ok")
EOP
else
  echo "skipped: the real Optuna study (no python3-optuna, or no compiled engine: pybind11-dev)"
fi
summary
