#!/usr/bin/env bash
# A resumed study never joins a result to other values: the space's lines reordered (the same
# set of hyperparameters, another design) is refused on 1 and 3 ranks, the study file and its
# export unchanged; a journal whose values differ from the design (a plan that does not record the
# order, as hsicho 0.1's did) is refused by the values each record carries, by name.
set -u
hsicho=$1
mpiexec=$2
root=$3
tmp=$(mktemp -d)
trap 'pkill -9 -f "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
. "$(dirname "$0")/lib.sh"

deck=$tmp/deck.yaml
sed 's/epochs: 60/epochs: 8/' "$root/tests/decks/study_resume.yaml" >"$deck"
# The same deck with the lr line moved to the top of space.
reordered=$tmp/reordered.yaml
grep -v "name: lr" "$deck" | sed "/^space:/a\\$(grep "name: lr" "$deck")" >"$reordered"
[ "$(grep -c "name:" "$reordered")" = "$(grep -c "name:" "$deck")" ] &&
  [ "$(grep -A1 '^space:' "$reordered" | tail -1 | grep -c 'name: lr')" = 1 ] && ok ||
  bad "the reordered deck was not made: $(cat "$reordered")"

check "first run" 0 "$hsicho" run "$deck" --out "$tmp/s.h5"
"$hsicho" export "$tmp/s.h5" --csv >"$tmp/before.csv" && ok || bad "export before"
cp "$tmp/s.h5.journal/plan.json" "$tmp/plan.json"

for ranks in 1 3; do
  cp "$reordered" "$tmp/run.yaml"
  check "reordered on $ranks ranks" 2 "$mpiexec" -n "$ranks" "$hsicho" run "$tmp/run.yaml" \
    --out "$tmp/s.h5" --resume
  contains "reordered on $ranks ranks names the order" "order of the sampled hyperparameters: layers, units, lr -> lr, layers, units"
  "$hsicho" export "$tmp/s.h5" --csv >"$tmp/after.csv" && ok || bad "export after ($ranks ranks)"
  cmp -s "$tmp/before.csv" "$tmp/after.csv" && ok ||
    bad "export changed after a refused resume on $ranks ranks: $(diff "$tmp/before.csv" "$tmp/after.csv" | head -4)"
done

# A plan without the order (written before hsicho recorded it): the values in the journal catch it.
/usr/bin/python3 - "$tmp/s.h5.journal/plan.json" <<'EOF'
import json, sys
p = json.load(open(sys.argv[1]))
del p["space_order"]
json.dump(p, open(sys.argv[1], "w"))
EOF
for ranks in 1 3; do
  check "reordered, old plan, $ranks ranks" 2 "$mpiexec" -n "$ranks" "$hsicho" run "$reordered" \
    --out "$tmp/s.h5" --resume
  contains "names the configuration" "configuration 0 was trained with other values"
  # The values of configuration 0 as the journal has them, and as the reordered design gives.
  lr0=$(/usr/bin/python3 -c "import csv, sys; print(next(csv.DictReader(open(sys.argv[1])))['lr'])" "$tmp/before.csv")
  contains "names the journaled lr" "lr $lr0 ->"
  "$hsicho" export "$tmp/s.h5" --csv >"$tmp/after.csv" && ok || bad "export after ($ranks ranks)"
  cmp -s "$tmp/before.csv" "$tmp/after.csv" && ok || bad "export changed after the values check"
done

# The deck as it was goes on (nothing left to train: the study file is written again, the same).
cp "$tmp/plan.json" "$tmp/s.h5.journal/plan.json"
check "the first order resumes" 0 "$mpiexec" -n 3 "$hsicho" run "$deck" --out "$tmp/s.h5" --resume
"$hsicho" export "$tmp/s.h5" --csv >"$tmp/after.csv" && ok || bad "export after the resume"
cmp -s "$tmp/before.csv" "$tmp/after.csv" && ok || bad "the resumed study differs from the first"

# Every journal line carries the configuration's values by name, equal to the study file's.
/usr/bin/python3 - "$tmp/s.h5.journal" "$tmp/before.csv" <<'EOF' && ok || bad "journal values"
import csv, glob, json, sys
rows = {int(r["config"]): r for r in csv.DictReader(open(sys.argv[2]))}
seen = 0
for f in glob.glob(sys.argv[1] + "/rank-*.jnl"):
    for line in open(f).read().splitlines()[1:]:
        rec = json.loads(line.rsplit("\t", 1)[0])
        row = rows[rec["config"]]
        for name in ("layers", "units", "lr"):
            assert float(rec["values"][name]) == float(row[name]), (rec["config"], name)
        assert isinstance(rec["values"]["layers"], int) and isinstance(rec["values"]["lr"], float)
        seen += 1
assert seen == 16, seen
EOF
summary
