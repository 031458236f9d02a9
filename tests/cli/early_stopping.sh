#!/usr/bin/env bash
# Goal-aware early stopping (issue 29):
#  - the example deck and its twin without a pruning block give the same design;
#  - ordered mode: the same study file on 1, 2 and 3 ranks, and after a SIGKILL and a resume;
#  - a training stopped at a rung is a result: status stopped, its epoch a rung, its error kept,
#    outside the goal set; report, export and status say what was saved;
#  - the user's command: one that reports progress is stopped (the stop file, SIGTERM), one that
#    reports nothing is not, one that ignores SIGTERM is killed after pruning.grace, recorded.
#   early_stopping.sh HSICHO MPIEXEC ROOT
set -u
hsicho=$1
mpiexec=$2
root=$3
compare="/usr/bin/python3 $root/tests/cli/compare_studies.py"
tmp=$(mktemp -d)
trap 'pkill -9 -f "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
. "$root/tests/cli/lib.sh"
cd "$tmp" || exit 1

# 1. The twins: the same design.
"$hsicho" design "$root/inputs/early_stopping.yaml" --csv >a.csv && ok || bad "design of the example"
"$hsicho" design "$root/inputs/early_stopping_full.yaml" --csv >b.csv && ok || bad "design of its twin"
cmp -s a.csv b.csv && ok || bad "the twins' designs differ"

# 2. Ordered decisions: the same on any number of ranks, and after a kill.
sed -e 's/samples: 96/samples: 40/' -e 's/epochs: 100/epochs: 40/' -e 's/mode: halving/mode: ordered/' \
  "$root/inputs/early_stopping.yaml" >deck.yaml
check "1 rank" 0 "$hsicho" run deck.yaml --out r1.h5
contains "the saving is said" "stopped early:"
for ranks in 2 3; do
  check "$ranks ranks" 0 "$mpiexec" -n "$ranks" "$hsicho" run deck.yaml --out r$ranks.h5
  $compare r1.h5 r$ranks.h5 && ok || bad "$ranks ranks differ from 1"
done
"$mpiexec" -n 2 "$hsicho" run deck.yaml --out killed.h5 >killed.log 2>&1 &
job=$!
for _ in $(seq 300); do [ "$(records killed.h5)" -ge 10 ] && break; sleep 0.05; done
kill -9 $(pgrep -f "hsicho run deck.yaml --out killed.h5") $job 2>/dev/null
wait $job 2>/dev/null
[ "$(records killed.h5)" -lt 40 ] && ok || bad "nothing was left after the kill"
check "resumed on 3 ranks" 0 "$mpiexec" -n 3 "$hsicho" run deck.yaml --out killed.h5 --resume
$compare r1.h5 killed.h5 && ok || bad "killed and resumed differs from uninterrupted"
/usr/bin/python3 - r1.h5 <<'PY' && ok || bad "stopped trainings are not what they should be"
import sys, h5py, numpy as np
f = h5py.File(sys.argv[1])
st = np.array([s.decode() for s in f["results/status"][()]])
ep, err = f["results/epochs"][()], f["results/val_error"][()]
stopped = st == "stopped"
assert stopped.sum() >= 10, stopped.sum()
assert set(ep[stopped]) <= {3, 9, 27}, set(ep[stopped])          # at a rung
assert np.isfinite(err[stopped]).all()                           # the error so far, kept
assert all(c == b"rung" for c in f["results/cause"][()][stopped])
assert all(b"stopped early after epoch" in m for m in f["results/message"][()][stopped])
t = f["analysis"].attrs["threshold"]
assert f["analysis"].attrs["m"] == ((st == "ok") & (err <= t)).sum()  # Z = 0 when stopped
assert (f["results/planned_epochs"][()] == 40).all()
PY
check "report" 0 "$hsicho" report r1.h5
contains "report: the saving" "stopped early:"
contains "report: not counted as failures" "0 diverged or failed"
check "status" 0 "$hsicho" status r1.h5
contains "status: the saving" "early stops"
check "export" 0 "$hsicho" export r1.h5 --csv
contains "export: stopped rows" ",stopped,"

# 3. The user's command: progress reported, nothing reported, SIGTERM ignored.
cat >train.py <<'EOF'
import json, os, signal, sys, time
job = json.load(open(sys.argv[1]))
p, mode = job["params"], os.environ["MODE"]
if mode == "stubborn":
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
progress = open(job["progress"], "a")
errors = []
for epoch in range(1, 31):
    if mode == "polite" and os.path.exists(job["stop_file"]):
        sys.exit(0)
    # The error after each epoch: a curve set by lr, settling in a few epochs.
    e = p["lr"] * (1 + 5.0 / epoch)
    errors.append(e)
    if mode != "silent":
        progress.write(json.dumps({"epoch": epoch, "error": e}) + "\n")
        progress.flush()
    time.sleep(0.01)
json.dump({"error": min(errors), "curves": errors, "epochs": 30}, open(sys.argv[2], "w"))
EOF
cat >ext.yaml <<'EOF'
study: {name: ext, seed: 2}
design: {samples: 16}
training: {command: [python3, train.py, "{params}", "{result}"]}
analysis: {alpha: 0.25}
pruning: {rungs: [3], keep: [1.5], min_trainings: 4, grace: 1s}
space:
  - {name: lr, type: log, range: [1.0e-3, 1.0]}
EOF
for mode in polite stubborn silent; do
  check "$mode command" 0 env MODE=$mode "$hsicho" run ext.yaml --out $mode.h5
  /usr/bin/python3 - $mode.h5 $mode <<'PY' && ok || bad "$mode: not recorded as it should be"
import sys, h5py, numpy as np
f = h5py.File(sys.argv[1])
st = np.array([s.decode() for s in f["results/status"][()]])
ep = f["results/epochs"][()]
if sys.argv[2] == "silent":
    assert (st == "ok").all() and (ep == 30).all()     # reports nothing: never stopped
else:
    assert (st == "stopped").sum() >= 4, st          # stopped at the rung
    assert (ep[st == "stopped"] == 3).all(), ep
    assert (st == "ok").sum() >= 4
PY
done
# The stubborn one was killed after the grace; the polite one stopped by itself, at once.
# (Work folders beside each study file: STUDY.h5.runs/{id}.)
[ "$(ls silent.h5.runs/*/stop 2>/dev/null | wc -l)" -eq 0 ] && ok || bad "the silent command got a stop file"
[ "$(ls polite.h5.runs/*/stop 2>/dev/null | wc -l)" -ge 4 ] && ok || bad "the polite command got no stop files"
summary
