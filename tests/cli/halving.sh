#!/usr/bin/env bash
# pruning.mode: halving (issue 40): successive halving over the whole batch, fused. The same
# study file on 1, 2 and 3 ranks; killed between rungs on 2 ranks and resumed on 3, equal to the
# uninterrupted run; trained alone, the survivors' results equal those of the same trainings never
# paused (a study without pruning). A command's halving: halving_command.sh.
#   halving.sh HSICHO ROOT
set -u
hsicho=$1
root=$2
. "$root/tests/cli/lib.sh"
tmp=$(mktemp -d)
trap 'pkill -9 -f "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
compare="/usr/bin/python3 $root/tests/cli/compare_studies.py"
cat >h.yaml <<'DECK'
study: {name: halving, seed: 5}
design: {samples: 32}
data: {name: runge, train: 128, validation: 128, test: 128}
model: {type: mlp}
training: {epochs: 24}
analysis: {alpha: 0.15}
pruning: {rungs: [2, 6], keep: [2, 1.5], mode: halving}
space:
  - {name: layers, type: integer, range: [1, 3]}
  - {name: units, type: integer, range: [4, 32], log: true}
  - {name: optimizer, type: categorical, values: [sgd, adam]}
  - {name: lr, type: log, range: [1.0e-4, 1.0e-1]}
DECK
check "halving on 1 rank" 0 "$hsicho" run h.yaml --out one.h5
contains "  says the rungs" "successive halving (pruning.mode: halving) at epochs 2, 6; the survivors of each rung regrouped for fused training"
contains "  decides at the first rung" "rung 1 (epoch 2): "
contains "  and counts the stopped" "stopped early: "
check "  no paused state left" 0 test -z "$(ls one.h5.journal/paused)"
check "  report" 0 "$hsicho" report one.h5
contains "  says the training's wall time, measured" "training wall time: "
contains "  and the mode the study ran" "early stopping mode: halving"
/usr/bin/python3 "$root/tests/cli/study_schema.py" one.h5 32 4 4 && ok || bad "the layout, @pruning_mode"
for n in 2 3; do
  check "on $n ranks" 0 mpiexec -n $n "$hsicho" run h.yaml --out r$n.h5
  check "  the same study file as on 1 rank" 0 $compare one.h5 r$n.h5
done

# A rung whose rule cannot stop anyone: after rung 2, 12 trainings go on; at a third rung each
# has at most 11 others that could rank above it, and the threshold is the 12th lowest of its 31
# others (L = 0.225 + 2 sqrt(0.225 x 0.775 / 31) = 0.375, sorted[floor(0.375 x 30)]): no pause
# there, and the study is the one without that rung, bit for bit (fused: nobody regrouped there).
sed 's/rungs: \[2, 6\]/rungs: [2, 6, 12]/' h.yaml >skip.yaml
check "a rung that cannot stop anyone, 2 ranks" 0 mpiexec -n 2 "$hsicho" run skip.yaml --out skip.h5
contains "  says it does not pause there" "rung 3 (epoch 12): no pause: its rule cannot stop any of the 12 trainings that reach it"
check "  no training recorded there" 1 grep -q '"epochs":12,' skip.h5.journal/halving/rank-00000.jnl
check "  the same study file as without that rung" 0 $compare one.h5 skip.h5
mpiexec -n 2 "$hsicho" run skip.yaml --out skip-k.h5 >skip-k.log 2>&1 &
for _ in $(seq 400); do grep -q "rung 1 (epoch 2)" skip-k.log 2>/dev/null && break; sleep 0.02; done
pkill -9 -f "run skip.yaml --out skip-k.h5"
wait
check "  killed after rung 1, resumed on 1 rank" 0 "$hsicho" run skip.yaml --out skip-k.h5 --resume
contains "  decides the same: no pause at rung 3" "rung 3 (epoch 12): no pause"
check "  the same study file" 0 $compare one.h5 skip-k.h5

# Killed between rungs (after the first decision) on 2 ranks, resumed on 3.
mpiexec -n 2 "$hsicho" run h.yaml --out k.h5 >k.log 2>&1 &
for _ in $(seq 400); do grep -q "rung 1 (epoch 2)" k.log 2>/dev/null && break; sleep 0.02; done
pkill -9 -f "run h.yaml --out k.h5"
wait
check "status of the killed study" 0 "$hsicho" status k.h5
contains "  says the rungs, not a rate" "halving      rung 1 (epoch 2): 32 reached, "
check "  (no time left from quick stops)" 1 grep -q "time left\|trainings per hour" <<<"$out"
check "  a snapshot of it" 0 "$hsicho" export k.h5 --h5 k-snap.h5
check "  names the mode it runs" 0 /usr/bin/python3 -c \
  "import h5py, sys; m = h5py.File(sys.argv[1])['/'].attrs['pruning_mode']; sys.exit(m not in (b'halving', 'halving'))" k-snap.h5
# A kill between writing a rung's states and recording them leaves states of the next rung
# without records: made here by copying the first rung's states forward. The resume must continue
# from the recorded rung, not from those.
for f in k.h5.journal/paused/*.at-2.pt; do
  [ -e "$f" ] && [ ! -e "${f%.at-2.pt}.at-6.pt" ] && cp "$f" "${f%.at-2.pt}.at-6.pt"
done
check "  (states of the next rung without its records)" 0 test -n "$(ls k.h5.journal/paused/*.at-6.pt 2>/dev/null)"
check "killed between rungs, resumed on 3 ranks" 0 mpiexec -n 3 "$hsicho" run h.yaml --out k.h5 --resume
check "  the same study file as the uninterrupted one" 0 $compare one.h5 k.h5

# The survivors trained on from their pauses: trained alone (study.fuse: 1), their results equal
# the same trainings never paused, bit for bit. (Fused, the survivors are regrouped at each rung:
# equal to rounding; tests/train/test_fused.cpp checks a member continued in another group.)
sed 's/^study: {name: halving, seed: 5}/study: {name: halving, seed: 5, fuse: 1}/' h.yaml >alone.yaml
sed 's/^pruning:.*//' alone.yaml >full.yaml
check "halving, each training alone" 0 "$hsicho" run alone.yaml --out alone.h5
check "the study without pruning" 0 "$hsicho" run full.yaml --out full.h5
/usr/bin/python3 - alone.h5 full.h5 <<'PY' && ok || bad "the survivors' results differ from the trainings never paused"
import sys, h5py, numpy as np
a, b = h5py.File(sys.argv[1], "r"), h5py.File(sys.argv[2], "r")
sa = a["results/status"].asstr()[()]
ok = sa == "ok"
assert ok.sum() >= 4, ok.sum()
for key in ("val_error", "test_error", "best_epoch"):
    x, y = a["results/" + key][()][ok], b["results/" + key][()][ok]
    assert np.array_equal(x, y), (key, x[:4], y[:4])
stopped = sa == "stopped"
assert stopped.sum() >= 8, stopped.sum()
# A stopped training's curve is the never-paused one's, up to where it stopped.
ca, cb = a["results/curves"][()], b["results/curves"][()]
ep = a["results/epochs"][()]
for i in np.where(stopped)[0]:
    assert np.array_equal(ca[i, :ep[i]], cb[i, :ep[i]]), i
PY

summary
