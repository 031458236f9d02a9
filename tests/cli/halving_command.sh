#!/usr/bin/env bash
# pruning.mode: halving with a training.command that keeps the checkpoint contract (issue 40,
# docs/driver.md): examples/external/toy_train.py pauses after the rung's epoch, saves its state
# where hsicho says, and continues from it. The same study file on 1 and 2 ranks; killed between
# rungs on 2 ranks and resumed on 3, equal to the uninterrupted run; the survivors' results equal
# the same trainings never paused (a study without pruning), bit for bit; a function served by
# hsicho.serve in a persistent worker, the same; the decks hsicho must refuse (no checkpoint
# contract, no rungs).
#   halving_command.sh HSICHO ROOT
set -u
hsicho=$1
root=$2
. "$root/tests/cli/lib.sh"
tmp=$(mktemp -d)
trap 'pkill -9 -f "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
compare="/usr/bin/python3 $root/tests/cli/compare_studies.py"
cp "$root/examples/external/toy_train.py" .
# survivors_equal HALVED NEVER_PAUSED MIN_OK MIN_STOPPED KEY...: the halved study's trainings that
# ran to the end (at least MIN_OK, not all; at least MIN_STOPPED stopped) have the never-paused
# study's results under each KEY, bit for bit.
survivors_equal() {
  /usr/bin/python3 - "$@" <<'PY'
import sys, h5py, numpy as np
a, b = h5py.File(sys.argv[1], "r"), h5py.File(sys.argv[2], "r")
least_ok, least_stopped, keys = int(sys.argv[3]), int(sys.argv[4]), sys.argv[5:]
sa = a["results/status"].asstr()[()]
ok = sa == "ok"
assert least_ok <= ok.sum() < len(sa), ok.sum()
for key in keys:
    x, y = a["results/" + key][()][ok], b["results/" + key][()][ok]
    assert np.array_equal(x, y), (key, x[:4], y[:4])
assert (sa == "stopped").sum() >= least_stopped, (sa == "stopped").sum()
PY
}
cat >c.yaml <<'DECK'
study: {name: halving_command, seed: 3}
design: {samples: 24}
training: {command: [python3, toy_train.py, "{params}", "{result}"], checkpoint: true}
analysis: {alpha: 0.2}
pruning: {rungs: [3, 8], keep: [2, 1.5], mode: halving}
space:
  - {name: lr, type: log, range: [1.0e-3, 0.5]}
  - {name: degree, type: integer, range: [2, 10]}
  - {name: batch_size, type: categorical, values: [8, 32, 128]}
DECK
check "a command with the checkpoint contract, halving on 1 rank" 0 "$hsicho" run c.yaml --out one.h5
contains "  says the command pauses" "at epochs 3, 8; your command pauses at each and continues from its checkpoint"
contains "  decides at the first rung" "rung 1 (epoch 3): "
contains "  and counts the stopped" "stopped early: "
check "  no checkpoint left" 0 test -z "$(ls one.h5.journal/paused)"
check "  a continued run was told where from" 0 grep -q '"continue_from"' one.h5.runs/*/params.json
check "  the run that paused kept beside it" 0 test -n "$(ls -d one.h5.runs/*.paused-2)"
check "  (none called unfinished)" 0 test -z "$(ls -d one.h5.runs/*.unfinished-* 2>/dev/null)"
check "on 2 ranks" 0 mpiexec -n 2 "$hsicho" run c.yaml --out two.h5
check "  the same study file as on 1 rank" 0 $compare one.h5 two.h5

# Killed between rungs (after the first decision) on 2 ranks, resumed on 3.
mpiexec -n 2 "$hsicho" run c.yaml --out k.h5 >k.log 2>&1 &
for _ in $(seq 1000); do grep -q "rung 1 (epoch 3)" k.log 2>/dev/null && break; sleep 0.02; done
pkill -9 -f "run c.yaml --out k.h5"
wait
check "  killed before the end (no study file yet)" 0 test ! -e k.h5
check "  with checkpoints left to continue from" 0 test -n "$(ls k.h5.journal/paused)"
check "killed between rungs, resumed on 3 ranks" 0 mpiexec -n 3 "$hsicho" run c.yaml --out k.h5 --resume
check "  the same study file as the uninterrupted one" 0 $compare one.h5 k.h5

# Paused and continued: the survivors' results are the never-paused trainings', bit for bit.
sed 's/^pruning:.*//' c.yaml >full.yaml
check "the study without pruning" 0 "$hsicho" run full.yaml --out full.h5
survivors_equal one.h5 full.h5 3 6 val_error test_error best_epoch epochs && ok ||
  bad "the survivors' results differ from the trainings never paused"

# A function served by hsicho.serve keeps the contract too (params.pause_after, checkpoint,
# continue_from): a persistent worker gives the study file of a process per configuration, and
# its survivors are the never-paused trainings'.
served() {  # served NAME EXTRA_TRAINING_KEYS PRUNING_LINE [EXTRA_ENV]
  cat >"$1.yaml" <<EOD
study: {name: served, seed: 3}
design: {samples: 16}
training:
  command: [/usr/bin/python3, $root/tests/external/served.py]
  env: {HSICHO_PYTHON_MODULE: $root/python${4:+, $4}}
  $2
analysis: {alpha: 0.25}
$3
space:
  - {name: x, type: continuous, range: [0, 1]}
  - {name: k, type: integer, range: [1, 5]}
  - {name: c, type: categorical, values: [a, b, c]}
  - {name: epochs, type: fixed, value: 8}
EOD
}
halving="pruning: {rungs: [2, 5], keep: [1.5], mode: halving}"
served worker "checkpoint: true
  persistent: true" "$halving"
served per_process "checkpoint: true" "$halving"
served never_paused "" ""
check "a served function, halving, one persistent worker per rank (2 ranks)" 0 mpiexec -n 2 "$hsicho" run worker.yaml --out worker.h5
check "  the same, a process per configuration" 0 mpiexec -n 2 "$hsicho" run per_process.yaml --out per_process.h5
check "  the same study file" 0 /usr/bin/python3 $root/tests/cli/compare_studies.py --ignore results/metrics/pid worker.h5 per_process.h5
/usr/bin/python3 - worker.h5.runs <<'PY' && ok || bad "a continued worker training did not start after its rung"
import glob, json, sys
continued = [p for p in glob.glob(sys.argv[1] + "/*/params.json") if "continue_from" in json.load(open(p))]
assert continued
for p in continued:
    said = open(p.replace("params.json", "stdout.txt")).read()
    assert "continued after epoch 2" in said or "continued after epoch 5" in said, (p, said)
PY
check "  never paused" 0 "$hsicho" run never_paused.yaml --out never_paused.h5
survivors_equal worker.h5 never_paused.h5 2 0 val_error test_error epochs && ok ||
  bad "the served survivors differ from the trainings never paused"

# training.retries: a training that failed after its first rung (raised when continued) is
# trained again on resume from the start, its first attempt's rung records ignored; it then ends
# as in the study where it never failed.
/usr/bin/python3 - never_paused.h5 worker.h5 >survivor.txt <<'PY'
import sys, h5py
a, b = h5py.File(sys.argv[1], "r"), h5py.File(sys.argv[2], "r")
print(list(b["results/status"].asstr()[()]).index("ok"))  # a row: the configuration's id
PY
sid=$(cat survivor.txt)
served faulty "checkpoint: true
  retries: 1" "$halving" "FAULT: raise_continued, FAULT_ID: \"$sid\""
check "a training that fails when continued" 0 "$hsicho" run faulty.yaml --out faulty.h5
sed 's/FAULT: raise_continued/FAULT: ""/' faulty.yaml >fixed.yaml
check "  resumed with training.retries: 1" 0 "$hsicho" run fixed.yaml --out faulty.h5 --resume
contains "  says it trains it again" "1 failed training trained again (training.retries: 1"
/usr/bin/python3 - faulty.h5 never_paused.h5 "$sid" <<'PY' && ok || bad "the retried training's result is not the never-failed one's"
import sys, h5py, numpy as np
a, b, sid = h5py.File(sys.argv[1], "r"), h5py.File(sys.argv[2], "r"), int(sys.argv[3])
assert a["results/status"].asstr()[()][sid] == "ok", a["results/status"].asstr()[()][sid]
assert a["results/attempt"][()][sid] == 2, a["results/attempt"][()][sid]
assert a["results/val_error"][()][sid] == b["results/val_error"][()][sid]
assert (a["results/attempt"][()] == 1).sum() == len(a["results/attempt"][()]) - 1
PY

# A command that says it keeps the contract but ignores pause_after (the toy without its pause):
# its trainings run to their end, and the run says why halving saves nothing.
sed 's/if pause_after and epoch + 1 == pause_after/if False/' toy_train.py >ignores.py
sed 's/toy_train.py/ignores.py/' c.yaml >ignores.yaml
check "a command that ignores pause_after" 0 "$hsicho" run ignores.yaml --out ignores.h5
contains "  is told so" "warning: your command trained past epoch 3 without saving a checkpoint"

# Refused, at the line that needs changing.
sed 's/, checkpoint: true//' c.yaml >nock.yaml
check "halving with a command without the contract: refused" 2 "$hsicho" validate nock.yaml
contains "  says what to add" "training.checkpoint: true, or use mode: ordered"
sed 's/rungs: \[3, 8\], //' c.yaml >norungs.yaml
check "halving with a command and no rungs: refused" 2 "$hsicho" validate norungs.yaml
contains "  asks for the rungs" "needs pruning.rungs"
summary
