#!/usr/bin/env bash
# HSIC-guided optimization end to end: stages, decisions, final retraining, budget; a run killed
# in stage 2 and resumed on other ranks ends with the same answer; the random and lhs baselines.
set -u
hsicho=$1
mpiexec=$2
root=$3
deck=$root/tests/decks/optimize_small.yaml
compare="/usr/bin/python3 $root/tests/cli/compare_studies.py"
tmp=$(mktemp -d)
trap 'pkill -9 -f "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
. "$(dirname "$0")/lib.sh"

check "optimize" 0 "$mpiexec" -n 2 "$hsicho" run "$deck" --out "$tmp/ref.h5"
contains "stage 2 announced" "== stage 2 of 2: 12 trainings"
contains "decisions in words" "decisions after stage 1:"
contains "final retraining" "== final: the 2 best configurations, 2 seeds"
contains "winner" "best (mean of 2 seeds, final retraining)"
contains "run counts every training" "done: 32 trainings"
check "report counts the same" 0 "$hsicho" report "$tmp/ref.h5"
contains "  (report)" "32 trainings"
contains "  and every stage's indices" "stage 1 (16 trainings):"
contains "  (stage 2)" "stage 2 (12 trainings):"
check "export has a row for each" 0 bash -c "test \$('$hsicho' export '$tmp/ref.h5' --csv | wc -l) -eq 33"
/usr/bin/python3 - "$tmp/ref.h5" <<'PY' && ok || bad "optimization study content"
import sys, h5py, numpy as np
f = h5py.File(sys.argv[1])
assert list(f["stages/size"][()]) == [16, 12]
# Every training run counted is a row (issue 20): 16 + 12, then the final 2 x 2 as stage 3.
assert f["results/val_error"].shape == (32,)
assert f["final/val_error"].shape == (2, 2)
n = f["results/val_error"].shape[0]
assert n <= 32, n                      # the budget
log = list(f["stages/log"].asstr())
assert any("focused" in l or "explored" in l or "froze" in l for l in log), log
# The same decisions as a table: one row per free input after stage 1, each with its evidence.
dec = f["stages/decisions"]
actions = list(dec["action"].asstr())
assert len(actions) == len(log) and set(actions) <= {"froze", "focused", "explored", "dropped"}, actions
assert list(dec["stage"][()]) == [1] * len(actions)
inputs = list(dec["input"].asstr())
assert set(inputs) <= {"layers", "units", "activation", "optimizer", "momentum", "lr"}, inputs
for i, a in enumerate(actions):
    assert a in log[i], (a, log[i])
    if a != "dropped":
        assert 0 <= dec["pvalue"][i] <= 1 and dec["ratio"][i] >= 0
# Stage 2 never repeats a stage-1 configuration.
vals = f["configs/values"].asstr()[()] if f["configs/values"].dtype.kind == "O" else f["configs/values"][()]
rows = [tuple(map(str, r)) for r in vals[:28]]
assert len(set(rows)) == 28
stage = f["configs/stage"][()]
assert list(np.bincount(stage)[1:]) == [16, 12, 4]
final_rows = f["results/val_error"][()][stage == 3]
assert np.array_equal(np.sort(final_rows), np.sort(f["final/val_error"][()].ravel()))
best = f["best"].attrs
assert best["config"] in list(f["final/config"][()])
assert np.isclose(best["val_error"], f["final/val_error"][()].mean(axis=1).min())
# The retraining rows say which configuration they retrain and train its values; the best says
# where it came from (the stage of that configuration's search row).
retrains = f["configs/retrains"][()]
ids = f["configs/id"][()]
assert list(retrains[stage != 3]) == [-1] * 28, retrains
for k in np.where(stage == 3)[0]:
    src = np.where((ids == retrains[k]) & (stage != 3))[0]
    assert len(src) == 1, (k, retrains[k])
    assert list(map(str, vals[k])) == list(map(str, vals[src[0]])), (vals[k], vals[src[0]])
assert sorted(set(retrains[stage == 3])) == sorted(f["final/config"][()])
src = np.where((ids == best["config"]) & (stage != 3))[0][0]
assert best["stage"] == stage[src]
PY
# The same in the export: columns config, stage, retrains, then the values.
"$hsicho" export "$tmp/ref.h5" --csv >"$tmp/ref.csv" 2>/dev/null
/usr/bin/python3 - "$tmp/ref.csv" <<'PY' && ok || bad "export's retraining rows"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
search = {r["config"]: r for r in rows if r["retrains"] == ""}
final = [r for r in rows if r["retrains"] != ""]
assert len(final) == 4 and all(r["stage"] == "3" for r in final), final
for r in final:
    s = search[r["retrains"]]
    assert all(r[k] == s[k] for k in ("layers", "units", "activation", "optimizer", "lr")), (r, s)
    assert int(r["config"]) != int(r["retrains"])  # a row of its own
PY

# Killed in the middle of stage 2 (after 16 + 4 trainings), resumed on 3 ranks.
run_killed_after 20 600 "$mpiexec" "$hsicho" "$deck" "$tmp/cut.h5"
n=$(records "$tmp/cut.h5")
[ "$n" -ge 20 ] && [ "$n" -lt 32 ] && ok || bad "the kill did not land in stage 2 or the final ($n done)"
check "resume in stage 2" 0 "$mpiexec" -n 3 "$hsicho" run "$deck" --out "$tmp/cut.h5" --resume
$compare "$tmp/ref.h5" "$tmp/cut.h5" && ok || bad "resumed optimization differs"

# Baselines: one stage of the whole budget, then the same final retraining.
for strategy in random lhs; do
  sed "s/strategy: hsic/strategy: $strategy/" "$deck" >"$tmp/$strategy.yaml"
  check "$strategy baseline" 0 "$mpiexec" -n 2 "$hsicho" run "$tmp/$strategy.yaml" --out "$tmp/$strategy.h5"
  contains "$strategy: one stage of 28" "28 configurations"
  contains "$strategy: final" "== final: the 2 best configurations"
done
# A space of 8 configurations: stage 2 trains the 2 that stage 1 left, never one twice.
cat >"$tmp/tiny.yaml" <<'EOF'
study: {name: tiny, seed: 3, progress: 1000}
data: {name: runge, train: 64, validation: 32, test: 32}
model: {type: mlp}
training: {epochs: 5}
optimize: {stages: [6, 6], alpha: 0.5, final_top: 1, final_seeds: 1}
space:
  - {name: layers, type: integer, range: [1, 2]}
  - {name: activation, type: categorical, values: [relu, tanh]}
  - {name: batch_size, type: categorical, values: [16, 32]}
EOF
check "a space that runs out" 0 "$mpiexec" -n 2 "$hsicho" run "$tmp/tiny.yaml" --out "$tmp/tiny.h5"
contains "  says the stage is smaller" "== stage 2 of 2: 2 trainings (of 6: every other configuration of the space is trained already)"
/usr/bin/python3 - "$tmp/tiny.h5" <<'PY2' && ok || bad "tiny space: 8 distinct configurations"
import sys, h5py
f = h5py.File(sys.argv[1])
assert list(f["stages/size"][()]) == [6, 2]
v = f["configs/values"][()]
rows = {tuple(r) for r in v[:8]}
assert len(rows) == 8, v
PY2

# A wall-time budget: stage 1 of 8 trainings per hyperparameter (6 here: 48), each later stage
# sized when the one before ends and kept in the journal folder; killed in stage 2 and resumed
# on 3 ranks, the stages decided before the kill are kept (not measured again). pick: cheapest:
# the cheapest of the goal set joins the finalists.
sed -e 's/stages: \[16, 12\], //' -e 's/budget: 32/budget: 8s, pick: cheapest/' \
  -e 's/epochs: 60/epochs: 20/' "$deck" >"$tmp/time.yaml"
check "wall-time budget" 0 "$mpiexec" -n 2 "$hsicho" run "$tmp/time.yaml" --out "$tmp/time.h5"
contains "  says each size" "wall-time budget: stage 2 of "
contains "  stages without a count" "== stage 2: "
contains "  finalists with the cheapest of the goal set" "configurations (the best, and the cheapest among the best)"
/usr/bin/python3 - "$tmp/time.h5" "$tmp/time.h5.journal/stage-sizes.json" <<'PY' && ok || bad "wall-time budget: stage sizes"
import json, sys, h5py, numpy as np
f = h5py.File(sys.argv[1])
d = json.load(open(sys.argv[2]))
sizes = d["sizes"]
assert sizes[0] == 48 and 2 <= len(sizes) <= 5 and d["last"] and 0 < d["spent"] < 60, d
assert list(f["stages/size"][()]) == sizes, (list(f["stages/size"][()]), sizes)
stage = f["configs/stage"][()]
finals = np.bincount(stage)[len(sizes) + 1]
assert list(np.bincount(stage)[1:len(sizes) + 1]) == sizes and finals in (4, 6), np.bincount(stage)
PY
at_most=$(/usr/bin/python3 -c "import json,sys; print(sum(json.load(open(sys.argv[1]))['sizes']) + 6)" "$tmp/time.h5.journal/stage-sizes.json")
check "wall-time budget: status" 0 "$hsicho" status "$tmp/time.h5"
contains "  counts the stages the budget sized (and a cheap finalist)" "of at most $at_most "
contains "  finished: none left, whatever the bound" "none left (finished)"
run_killed_after 52 1200 "$mpiexec" "$hsicho" "$tmp/time.yaml" "$tmp/tcut.h5"
cp "$tmp/tcut.h5.journal/stage-sizes.json" "$tmp/tcut-sizes.json" 2>/dev/null
n=$(records "$tmp/tcut.h5")
last=$(/usr/bin/python3 -c "import json,sys; d = json.load(open(sys.argv[1])); print(int(d['last']), sum(d['sizes']) + 4)" "$tmp/tcut-sizes.json")
[ "$n" -ge 52 ] && { [ "${last% *}" = 0 ] || [ "$n" -lt "${last#* }" ]; } && ok ||
  bad "the kill did not land after stage 1 and before the end ($n done; last, planned: $last)"
check "wall-time budget: resume on 3 ranks" 0 "$mpiexec" -n 3 "$hsicho" run "$tmp/time.yaml" --out "$tmp/tcut.h5" --resume
/usr/bin/python3 - "$tmp/tcut.h5" "$tmp/tcut-sizes.json" "$tmp/tcut.h5.journal/stage-sizes.json" <<'PY' && ok || bad "wall-time budget: the resume changed the stages decided before the kill"
import json, sys, h5py
f = h5py.File(sys.argv[1])
before, after = (json.load(open(p)) for p in sys.argv[2:4])
assert after["sizes"][:len(before["sizes"])] == before["sizes"], (before, after)
assert after["last"] and after["spent"] >= before["spent"], (before, after)
assert list(f["stages/size"][()]) == after["sizes"]
PY
sed 's/budget: 32/budget: 2x/' "$deck" >"$tmp/badtime.yaml"
check "a budget that is no duration" 2 "$hsicho" validate "$tmp/badtime.yaml"
contains "  names the key" "optimize.budget must be"
sed 's/budget: 32/budget: 10m/' "$deck" >"$tmp/stagestime.yaml"
check "stages and a wall-time budget" 2 "$hsicho" validate "$tmp/stagestime.yaml"
contains "  says why" "is sized by the wall-time budget"

sed 's/budget: 32/budget: 30/' "$deck" >"$tmp/over.yaml"
check "budget exceeded" 2 "$hsicho" validate "$tmp/over.yaml"
contains "budget message" "asks for 32 trainings"
summary
