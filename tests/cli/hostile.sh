#!/usr/bin/env bash
# Hostile or careless use of the command line, decks whose numbers exceed the machine, and CSV
# corners of `hsicho analyze` (issue 17): each refused with exit 2 and a message that says what
# to do, or read right. Cases whose message depends on the machine (its memory) live here rather
# than in tests/decks/bad, whose messages docs/reliability.md lists verbatim.
#   hostile.sh HSICHO ROOT
set -u
hsicho=$1
root=$2
. "$root/tests/cli/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
space='space:
  - {name: lr, type: log, range: [1.0e-4, 1.0e-1]}'
printf 'data: {name: runge, train: 16, validation: 16, test: 16}\ndesign: {samples: 4}\ntraining: {epochs: 1}\n%s\n' "$space" >small.yaml

# The study file: decided and checked before any training.
check "--out with a forgotten value" 2 "$hsicho" run small.yaml --out --resume
contains "  says what happened" "--out: needs a value, got the option-like '--resume'"
mkdir -p existing
check "--out naming a folder" 2 "$hsicho" run small.yaml --out existing
contains "  says so" "is a folder: give a file name, e.g. existing/small.h5"
check "--out ending in /" 2 "$hsicho" run small.yaml --out newdir/
check "--out in a folder that does not exist" 2 "$hsicho" run small.yaml --out nowhere/x.h5
contains "  says which" "would go into 'nowhere', which does not exist"
check "nothing was trained or journaled for them" 0 test ! -e existing.journal -a ! -e nowhere
check "a deck without a study block runs" 0 "$hsicho" run small.yaml
check "  and writes <deck name>.h5 beside where it runs" 0 test -f small.h5 -a -d small.h5.journal

# Numbers beyond the machine, refused by validate before any work.
printf 'data: {name: runge, dim: 1e9}\n%s\n' "$space" >dim.yaml
check "a data set beyond memory" 2 "$hsicho" validate dim.yaml
contains "  with its size" "needs 2.87e+04 GB, more than half of this machine's"
printf 'data: {name: runge, train: 1e9}\n%s\n' "$space" >rows.yaml
check "a billion generated rows" 2 "$hsicho" validate rows.yaml
contains "  at the key that asks for them" "rows.yaml:1:28: train: the data set (1000000000 + 256 + 1024 rows"
printf 'data: {name: runge}\nmodel: {layers: 3, units: 1000000}\n%s\n' "$space" >wide.yaml
check "a network beyond memory" 2 "$hsicho" validate wide.yaml
contains "  with its size" "3 hidden layers of up to 1000000 units need about"
printf 'data: {name: runge}\ndesign: {samples: 20000}\n%s\n' "$space" >many.yaml
start=$(date +%s)
check "a 20000-point design" 0 "$hsicho" design many.yaml --csv
check "  takes seconds, not minutes (the search is skipped above 10000 points)" 0 test $(($(date +%s) - start)) -lt 60
check "  and says so" 0 "$hsicho" design many.yaml
contains "  (the report)" "skipped: more than 10000 points"
check "a folder given as the deck" 2 "$hsicho" validate existing
contains "  is named" "'existing' is a folder, not a deck file"

# CSV corners of hsicho analyze.
printf '\xef\xbb\xbfa,y\r0.1,1\r0.2,3\r0.3,2\r0.4,5\r0.5,4\r0.6,6\r' >bom_cr.csv
check "a UTF-8 BOM and CR-only line ends" 0 "$hsicho" analyze bom_cr.csv --target y --alpha 0.4 --json
contains "  read all 6 rows" '"n": 6'
contains "  and the first column's name without the BOM" '"name": "a"'
printf 'caf\xe9,y\n0.1,1\n0.2,3\n0.3,2\n0.4,5\n0.5,4\n' >latin1.csv
check "a Latin-1 header gives valid JSON" 0 bash -c "'$hsicho' analyze latin1.csv --target y --alpha 0.4 --json 2>/dev/null | /usr/bin/python3 -c 'import json, sys; assert json.load(sys.stdin)[\"inputs\"][0][\"name\"] == \"caf\\u00e9\"'"
/usr/bin/python3 -c "
import random
random.seed(3)
print(',a,y')
for i in range(50): print(f'{i},{random.random()},{\"inf\" if i < 40 else i}')" >inf.csv
check "40 of 50 targets +inf, with a pandas index column" 0 "$hsicho" analyze inf.csv --target y --alpha 0.5
contains "  the unnamed index column is left out" "column 1 ('') has no name: taken for a row index and left out"
contains "  only finite rows are in the goal set" "threshold inf, 10 rows in the goal set"
/usr/bin/python3 -c "
import random
random.seed(4)
print('id,a,y')
for i in range(100): print(f'{i + 1},{random.random()},{0 if i % 10 else 1}')" >ties.csv
check "a 0/1 target with 90% zeros at alpha 0.1" 0 "$hsicho" analyze ties.csv --target y
contains "  warns of the ties" "ties at the threshold 0 put 90 of 100 rows in the goal set"
contains "  and of the id column" "column 'id' counts 1, 2, 3, ... like a row index or an id"
check "a folder given as the CSV" 2 "$hsicho" analyze existing --target y
summary
