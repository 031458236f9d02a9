#!/usr/bin/env bash
# hsicho analyze as users run it: tables, JSON, typed CSVs with --space, bad input (exit 2), and
# the same JSON on 1, 2 and 3 MPI ranks.
set -u
hsicho=$1
mpiexec=$2
root=$3   # the source tree
data=$root/tests/reference/hsic_data.csv
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/lib.sh"

# A table ranked by index: x1 drives y, x3 does not.
check "table" 0 "$hsicho" analyze "$data" --target y
first=$(awk '$1 == "1" {print $2}' <<<"$out")
[ "$first" = "x1" ] && ok || bad "x1 should rank first, got '$first'"
contains "table marks significance" "*"

# JSON: parsable, with the documented fields, numbers equal to the table's source.
check "json" 0 "$hsicho" analyze "$data" --target y --interactions --json
printf '%s' "$out" >"$tmp/a.json"
if /usr/bin/python3 - "$tmp/a.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
assert j["n"] == 120 and j["m"] == 12 and j["estimator"] == "v"
names = [i["name"] for i in j["inputs"]]
assert names == ["x1", "x2", "x3"], names
for i in j["inputs"]:
    for k in ("hsic", "stderr", "r2", "share", "pvalue", "bandwidth"):
        assert k in i, k
assert abs(sum(i["share"] for i in j["inputs"]) - 1) < 1e-12
h = j["interactions"]["hsic"]
assert all(abs(h[k][k] - j["inputs"][k]["hsic"]) < 1e-15 for k in range(3))
PY
then ok; else bad "json content"; fi

# Same JSON on 1, 2 and 3 ranks (permutation p-values included).
"$hsicho" analyze "$data" --target y --interactions --pvalues permutation:200 --json >"$tmp/serial.json"
for np in 1 2 3; do
  "$mpiexec" -n "$np" "$hsicho" analyze "$data" --target y --interactions --pvalues permutation:200 --json >"$tmp/np$np.json"
  cmp -s "$tmp/serial.json" "$tmp/np$np.json" && ok || bad "analyze JSON differs on $np ranks"
done

# Typed values through a deck's space: a design from 'hsicho design' plus an error column.
"$hsicho" design "$root/inputs/demo.yaml" --n 64 --csv 2>/dev/null >"$tmp/design.csv"
awk -F, 'NR == 1 {print $0 ",error"; next} {e = ($7 + 0) * 10 + ($3 + 0) / 100 + ($4 == "tanh" ? 0 : 1); print $0 "," e}' "$tmp/design.csv" >"$tmp/trials.csv"
check "space csv" 0 "$hsicho" analyze "$tmp/trials.csv" --target error --space "$root/inputs/demo.yaml" --ignore config --conditional
contains "conditional momentum" "active in"
check "space csv without --conditional" 2 "$hsicho" analyze "$tmp/trials.csv" --target error --space "$root/inputs/demo.yaml" --ignore config
contains "says --conditional" "--conditional"
check "words without --space" 2 "$hsicho" analyze "$tmp/trials.csv" --target error --ignore config
contains "says --space" "is not a number; give --space"

# Bad input: each a clear message and exit code 2.
printf 'a,b,y\n0.1,0.2,1\n0.3,0.1,2\n0.5,0.9,3\n' >"$tmp/small.csv"
check "missing target" 2 "$hsicho" analyze "$tmp/small.csv" --target err
contains "missing target names columns" "no column 'err'"
check "no --target" 2 "$hsicho" analyze "$tmp/small.csv"
contains "no --target message" "needs --target"
check "alpha out of range" 2 "$hsicho" analyze "$tmp/small.csv" --target y --alpha 1.5
contains "alpha message" "--alpha must be in (0, 1)"
printf 'a,y\n0.1,1\n' >"$tmp/one.csv"
check "one row" 2 "$hsicho" analyze "$tmp/one.csv" --target y
contains "one row message" "at least 2 rows"
printf 'a,y\n0.1,1\n0.2,nan\n0.3,2\n' >"$tmp/nan.csv"
printf 'a,y\n0.1,1\n0.2,inf\n0.3,2\n' >"$tmp/inf.csv"
# A NaN target (a diverged trial from another tool) is the worst value: the same analysis as inf.
check "NaN target: the worst by default" 0 "$hsicho" analyze "$tmp/nan.csv" --target y --json --alpha 0.5
contains "NaN target: said on stderr" "1 trial with a NaN target counted as the worst"
nan_json=$("$hsicho" analyze "$tmp/nan.csv" --target y --json --alpha 0.5 2>/dev/null)
inf_json=$("$hsicho" analyze "$tmp/inf.csv" --target y --json --alpha 0.5 2>/dev/null)
[ "$nan_json" = "$inf_json" ] && ok || bad "NaN target: analysed unlike inf"
check "NaN target with --nan refuse" 2 "$hsicho" analyze "$tmp/nan.csv" --target y --nan refuse
contains "NaN refused: where" "nan.csv:3: column 'y': the target is NaN"
check "--nan takes worst or refuse" 2 "$hsicho" analyze "$tmp/nan.csv" --target y --nan skip
# --inputs names the input columns; unknown columns are all reported at once.
printf 'a,b,junk1,junk2,y\n0.1,1,x,y,1\n0.2,2,x,y,3\n0.3,3,x,y,2\n0.4,4,x,y,0\n' >"$tmp/cols.csv"
check "--inputs a,b leaves the other columns" 0 "$hsicho" analyze "$tmp/cols.csv" --target y --inputs a,b --alpha 0.5
contains "--inputs: a analysed" " a "
check "--inputs with a missing column" 2 "$hsicho" analyze "$tmp/cols.csv" --target y --inputs a,c
contains "--inputs: the missing name" "no column c"
printf 'space:\n  - {name: a, type: continuous, range: [0, 1]}\n  - {name: b, type: integer, range: [1, 4]}\n' >"$tmp/space_only.yaml"
check "a space-only deck types the columns" 2 "$hsicho" analyze "$tmp/cols.csv" --target y --space "$tmp/space_only.yaml"
contains "every unknown column at once" "columns junk1, junk2 are not hyperparameters of"
check "and --inputs picks the typed ones" 0 "$hsicho" analyze "$tmp/cols.csv" --target y --space "$tmp/space_only.yaml" --inputs a,b --alpha 0.5
printf 'a,y\n0.1,1\nfast,2\n0.3,2\n' >"$tmp/word.csv"
check "word cell" 2 "$hsicho" analyze "$tmp/word.csv" --target y
contains "word cell position" "word.csv:3: column 'a'"
printf 'a,y\n0.1,1\n0.2,1\n0.3,1\n' >"$tmp/ties.csv"
check "goal set is everything" 2 "$hsicho" analyze "$tmp/ties.csv" --target y
contains "ties message" "every row is in the goal set"
printf 'a,y\n0.1,1\n0.2\n' >"$tmp/ragged.csv"
check "ragged row" 2 "$hsicho" analyze "$tmp/ragged.csv" --target y
contains "ragged message" "ragged.csv' line 3 has 1 fields where the header has 2"
check "bad pvalues" 2 "$hsicho" analyze "$tmp/small.csv" --target y --pvalues perm
check "missing file" 2 "$hsicho" analyze "$tmp/none.csv" --target y
summary
