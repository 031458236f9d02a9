#!/usr/bin/env bash
# The user's own data (data.name: table) end to end: the same table as CSV, HDF5, .npy and .npz
# trains bit for bit alike; the example study (inputs/table_oscillator_small.yaml) runs on 2 ranks
# and records its data file; a resume refuses data that changed.
#   table.sh HSICHO MPIEXEC ROOT
set -u
hsicho=$1
mpiexec=$2
root=$3
. "$root/tests/cli/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# 1. Four formats, one training each: identical errors, to the last digit.
for f in csv h5 npy npz; do
  check "eval on the $f table" 0 "$hsicho" eval "$root/tests/decks/table/$f.yaml" --set lr=0.01 \
    --set activation=tanh --json
  grep -E '"(status|val_error|test_error|val_rel_l2|parameters|best_epoch)"' <<<"$out" >"$tmp/$f.txt"
done
out=$(cat "$tmp/csv.txt")
contains "the CSV training is ok" '"status": "ok"'
for f in h5 npy npz; do
  check "$f trains exactly as CSV" 0 cmp "$tmp/csv.txt" "$tmp/$f.txt"
done

# 2. The example study on 2 ranks, from a data file made by its script.
cd "$tmp" || exit 1
/usr/bin/python3 "$root/examples/oscillator/make_data.py" --out data/oscillator.csv >/dev/null
# validate says what it read: the rows of each split add up to the file's, the shapes.
check "validate reads the data" 0 "$hsicho" validate "$root/inputs/table_oscillator_small.yaml"
rows=$(($(wc -l <data/oscillator.csv) - 1))
summary_line=$(grep "^data: table, " <<<"$out")
/usr/bin/python3 - "$summary_line" "$rows" <<'PY' && ok || bad "validate's data summary: $summary_line"
import re, sys
line, rows = sys.argv[1], int(sys.argv[2])
m = re.match(r"data: table, (\d+) training, (\d+) validation, (\d+) test rows; inputs 3; 2 outputs \(regression\)$", line)
assert m and sum(map(int, m.groups())) == rows, (line, rows)
PY
contains "  and names the file" "read $tmp/data/oscillator.csv ("
start=$(date +%s)
check "the example study runs on 2 ranks" 0 "$mpiexec" -n 2 "$hsicho" run \
  "$root/inputs/table_oscillator_small.yaml" --out "$tmp/osc.h5"
echo "example study: $(($(date +%s) - start)) s on 2 ranks"
contains "it ranks the hyperparameters" "what decides landing among the best"
check "report reads its study file" 0 "$hsicho" report "$tmp/osc.h5"
contains "the study file records the data file" "data: $tmp/data/oscillator.csv ("

# 3. Changed data: a resume is refused (exit 2) and says which file.
echo "1.0,1.0,0.1,0.5,0.5" >>data/oscillator.csv
check "a resume on changed data exits 2" 2 "$mpiexec" -n 2 "$hsicho" run \
  "$root/inputs/table_oscillator_small.yaml" --out "$tmp/osc.h5" --resume
contains "and names the file" "data file '$tmp/data/oscillator.csv' changed since this study started"
summary
