#!/usr/bin/env bash
# pruning.mode: halving with a training.command that keeps the checkpoint contract (issue 40,
# docs/driver.md): examples/external/toy_train.py pauses after the rung's epoch, saves its state
# where hsicho says, and continues from it. The same study file on 1 and 2 ranks; killed between
# rungs on 2 ranks and resumed on 3, equal to the uninterrupted run; the survivors' results equal
# the same trainings never paused (a study without pruning), bit for bit; the decks hsicho must
# refuse (no checkpoint contract, no rungs, a persistent worker).
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
/usr/bin/python3 - one.h5 full.h5 <<'PY' && ok || bad "the survivors' results differ from the trainings never paused"
import sys, h5py, numpy as np
a, b = h5py.File(sys.argv[1], "r"), h5py.File(sys.argv[2], "r")
sa = a["results/status"].asstr()[()]
ok = sa == "ok"
assert 3 <= ok.sum() < len(sa), ok.sum()
for key in ("val_error", "test_error", "best_epoch", "epochs"):
    x, y = a["results/" + key][()][ok], b["results/" + key][()][ok]
    assert np.array_equal(x, y), (key, x[:4], y[:4])
assert (sa == "stopped").sum() >= 6, (sa == "stopped").sum()
PY

# Refused, at the line that needs changing.
sed 's/, checkpoint: true//' c.yaml >nock.yaml
check "halving with a command without the contract: refused" 2 "$hsicho" validate nock.yaml
contains "  says what to add" "training.checkpoint: true, or use mode: ordered"
sed 's/rungs: \[3, 8\], //' c.yaml >norungs.yaml
check "halving with a command and no rungs: refused" 2 "$hsicho" validate norungs.yaml
contains "  asks for the rungs" "needs pruning.rungs"
sed 's/checkpoint: true/checkpoint: true, persistent: true/' c.yaml >worker.yaml
check "the contract with a persistent worker: refused" 2 "$hsicho" validate worker.yaml
contains "  says it is not built" "a persistent worker cannot pause and continue yet"
summary
