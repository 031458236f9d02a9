#!/usr/bin/env bash
# hsicho report and export on a study the test runs: ranked order and numbers as in the file, and
# the exported CSV analysed again gives the study's own indices.
set -u
hsicho=$1
root=$2
deck=$root/tests/decks/study_small.yaml
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/lib.sh"

"$hsicho" run "$deck" --out "$tmp/s.h5" >"$tmp/run.log" 2>&1 || bad "run: $(tail -3 "$tmp/run.log")"
out=$(cat "$tmp/run.log")
contains "run's summary lists the interactions the deck asks for" "what a pair adds beyond its two main effects"
check "analyze with a smooth goal" 0 "$hsicho" analyze "$tmp/s.h5" --goal smooth:0.5 --bootstrap 0
contains "  names it" "smooth goal (S = 0.5)"
contains "  and says its discrete inputs are jittered" "discrete inputs: jittered"
check "report" 0 "$hsicho" report "$tmp/s.h5"
contains "report names the best network" "best network: configuration"
contains "report ranks" "what decides landing among the best"
contains "report says what it ranks by" "ranked by evidence of deciding the best"
contains "report interactions" "what a pair adds beyond its two main effects"
contains "report conditional" "units_2 exists in"
check "report json" 0 "$hsicho" report "$tmp/s.h5" --json
/usr/bin/python3 - "$tmp/s.h5" "$out" <<'PY' && ok || bad "report numbers differ from the file"
import json, sys, h5py, numpy as np
f = h5py.File(sys.argv[1])
j = json.loads(sys.argv[2])
names = list(f["analysis/names"].asstr())
h = f["analysis/hsic"][()]
rank = f["analysis/rank"][()]  # the engine's ranking, by evidence (every input on one scale)
assert sorted(rank) == list(range(1, len(names) + 1)), rank
assert f["analysis"].attrs["ranked_by"] == b"evidence" or f["analysis"].attrs["ranked_by"] == "evidence"
ev = f["analysis/evidence"][()]
ranked = [names[k] for k in np.argsort(rank)]
assert all(ev[np.argsort(rank)][k] >= ev[np.argsort(rank)][k + 1] for k in range(len(names) - 1)), ev
a = j["analysis"]  # the shape of `hsicho analyze --json`, inputs in the file's order
assert [i["name"] for i in a["inputs"]] == names, (a["inputs"], names)
assert [i["name"] for i in sorted(a["inputs"], key=lambda i: i["rank"])] == ranked
for k, i in enumerate(a["inputs"]):
    assert i["hsic"] == h[k] and i["pvalue"] == f["analysis/pvalue"][k]
    assert i["evidence_pvalue"] == f["analysis/evidence_pvalue"][k]
    assert i["significant"] == (i["evidence_pvalue"] < 0.05)
assert a["m"] == f["analysis"].attrs["m"] and a["alpha"] == f["analysis"].attrs["alpha"]
assert j["trainings"] == 12 and j["best"]["val_error"] == f["best"].attrs["val_error"]
assert j["best"]["val_error"] == np.min(f["results/val_error"][()])
PY
check "export" 0 "$hsicho" export "$tmp/s.h5" --csv
printf '%s\n' "$out" >"$tmp/trials.csv"
rows=$(($(wc -l <"$tmp/trials.csv") - 1))
[ "$rows" -eq 12 ] && ok || bad "export wrote $rows rows"
contains "export header" "config,stage,retrains,pareto_rank,layers,units,units_2,activation,lr,status,val_error"
# The exported trials, analysed with the deck's space and the study's seed, give the same indices.
# (stdout only: a warning about the small goal set goes to stderr, the JSON stays clean)
out=$("$hsicho" analyze "$tmp/trials.csv" --target val_error --space "$deck" \
  --inputs layers,units,units_2,activation,lr \
  --conditional --alpha 0.25 \
  --seed 11 --json 2>"$tmp/analyze.err") && ok || bad "analyze the export: $(cat "$tmp/analyze.err")"
grep -q "goal set holds 3 of 12" "$tmp/analyze.err" && ok || bad "no warning for a goal set of 3"
/usr/bin/python3 - "$tmp/s.h5" "$out" <<'PY' && ok || bad "indices of the exported CSV differ from the study's"
import json, sys, h5py
f = h5py.File(sys.argv[1])
j = json.loads(sys.argv[2])
names = list(f["analysis/names"].asstr())
for i in j["inputs"]:
    k = names.index(i["name"])
    assert abs(i["hsic"] - f["analysis/hsic"][k]) <= 1e-12 * max(1, abs(i["hsic"])), (i["name"], i["hsic"], f["analysis/hsic"][k])
PY
check "report of a missing file" 2 "$hsicho" report "$tmp/none.h5"
check "export without --csv" 2 "$hsicho" export "$tmp/s.h5"
summary
