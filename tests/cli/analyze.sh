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
contains "conditional momentum" "where it exists: 32 of 64 rows (whether it exists: HSIC"
check "space csv without --conditional" 2 "$hsicho" analyze "$tmp/trials.csv" --target error --space "$root/inputs/demo.yaml" --ignore config
contains "says --conditional" "--conditional"
check "words without --space" 0 "$hsicho" analyze "$tmp/trials.csv" --target error --ignore config,momentum
contains "says they are read as categories" "columns activation, optimizer hold words: read as categories (--space DECK.yaml types columns yourself)"

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
# Goal pareto on a CSV: the same indices as the indicator goal on the Pareto layer of each row,
# computed here by brute force from the definition (a row is in layer k when no row left after
# layers 1..k-1 beats it: lower or equal in both, lower in one); a row without a cost is in none.
/usr/bin/python3 - "$tmp/pareto.csv" "$tmp/layers.csv" <<'PY'
import random, sys
random.seed(5)
rows = []
for i in range(40):
    a, b = random.random(), random.random()
    y = round((a - 0.3) ** 2 + 0.2 * random.random(), 2)  # rounded: ties in error
    c = "" if i == 7 else str(int(10 + 100 * b + random.randint(0, 3)))
    rows.append((a, b, y, c))
left = [i for i, r in enumerate(rows) if r[3] != ""]
layer = {i: 10 ** 6 for i in range(len(rows))}  # no cost: never in the goal set
k = 0
while left:
    k += 1
    def beaten(i):
        return any(rows[j][2] <= rows[i][2] and float(rows[j][3]) <= float(rows[i][3]) and
                   (rows[j][2] < rows[i][2] or float(rows[j][3]) < float(rows[i][3])) for j in left)
    now = [i for i in left if not beaten(i)]
    for i in now:
        layer[i] = k
    left = [i for i in left if i not in now]
with open(sys.argv[1], "w") as f, open(sys.argv[2], "w") as g:
    f.write("a,b,y,cost\n"), g.write("a,b,layer\n")
    for i, (a, b, y, c) in enumerate(rows):
        f.write(f"{a},{b},{y},{c}\n"), g.write(f"{a},{b},{layer[i]}\n")
PY
"$hsicho" analyze "$tmp/pareto.csv" --target y --goal pareto --cost metric:cost --alpha 0.25 \
  --json >"$tmp/pareto.json" 2>"$tmp/pareto.err" && ok || bad "goal pareto on a CSV: $(cat "$tmp/pareto.err")"
"$hsicho" analyze "$tmp/layers.csv" --target layer --alpha 0.25 --json >"$tmp/layers.json" \
  2>"$tmp/layers.err" && ok || bad "the indicator goal on the layers: $(cat "$tmp/layers.err")"
/usr/bin/python3 - "$tmp/pareto.json" "$tmp/layers.json" <<'PY' && ok || bad "pareto indices differ from the layers' indicator"
import json, sys
p, l = (json.load(open(f)) for f in sys.argv[1:])
assert [i["name"] for i in p["inputs"]] == ["a", "b"], p["inputs"]  # the cost is not an input
for x, y in zip(p["inputs"], l["inputs"]):
    assert x["name"] == y["name"] and abs(x["hsic"] - y["hsic"]) <= 1e-15, (x, y)
PY
check "goal pareto without the cost column" 2 "$hsicho" analyze "$tmp/pareto.csv" --target y \
  --goal pareto --cost flops
contains "the missing cost column named" "goal pareto needs the cost column 'flops'"
# An Optuna trials_dataframe() export: failed trials have an empty value (the worst), the
# columns other than params_* are left out with a note, a log-spread number read as given is
# warned about (tests/cli/optuna_csv.sh: the rest of Optuna's export).
/usr/bin/python3 - "$tmp/optuna.csv" <<'PY'
import random, sys
random.seed(3)
with open(sys.argv[1], "w") as f:
    f.write("number,value,datetime_start,params_lr,params_units,state\n")
    for i in range(30):
        lr = 10 ** random.uniform(-4, -1)
        units = random.randint(4, 64)
        failed = i % 7 == 3
        value = "" if failed else f"{abs(lr - 0.01) + 0.001 * random.random():.6g}"
        f.write(f"{i},{value},2026-12-06 08:{i:02d}:00,{lr:.6g},{units},{'FAIL' if failed else 'COMPLETE'}\n")
PY
check "an Optuna export" 0 "$hsicho" analyze "$tmp/optuna.csv" --target value --ignore number --alpha 0.2
contains "  failed trials counted" "4 trials with an empty target (failed) counted as the worst"
contains "  columns other than params_ left out" "datetime_start, state say how a trial went and are left out"
contains "  a log-spread column warned" "column 'params_lr' spans 2 decades and is read on a linear scale"
check "  and --nan refuse stops on them" 2 "$hsicho" analyze "$tmp/optuna.csv" --target value \
  --ignore number --nan refuse
summary
