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

# 4. HDF5 external links are followed (issue 42): the inputs of external_link.h5 live in main.h5;
# the study trains, validate names both files, and a resume refuses a changed main.h5 as it
# refuses a changed external_link.h5. A link to a missing file or to a FIFO: exit 2, named.
mkdir -p "$tmp/linked" && cd "$tmp/linked" || exit 1
cp "$root/tests/decks/bad/data/external_link.h5" "$root/tests/decks/bad/data/main.h5" .
printf 'study: {name: linked, seed: 1, fuse: 1}\ndesign: {samples: 3}\ndata: {name: table, path: external_link.h5, x: /inputs, y: /outputs}\ntraining: {epochs: 2}\nspace:\n  - {name: lr, type: log, range: [1.0e-4, 1.0e-1]}\n' >linked.yaml
check "external links: validate follows them" 0 "$hsicho" validate linked.yaml
contains "  naming the linked file as read" "read $tmp/linked/main.h5 ("
check "  the study trains" 0 "$hsicho" run linked.yaml --out linked.h5
/usr/bin/python3 -c "
import h5py, sys
with h5py.File('main.h5', 'a') as f:
    f['inputs'][0, 0] += 1.0
"
check "  a changed linked file: the resume is refused" 2 "$hsicho" run linked.yaml --out linked.h5 --resume
contains "  naming it" "data file '$tmp/linked/main.h5' changed since this study started"
rm main.h5
check "  a link to a missing file: refused" 2 "$hsicho" validate linked.yaml
contains "  naming the link and its target" "'/inputs' is an external link to 'main.h5', which does not read: 'main.h5' does not exist"
mkfifo main.h5
check "  a link to a FIFO: refused at once" 2 timeout 10 "$hsicho" validate linked.yaml
contains "  saying what it is" "FIFO"
summary
