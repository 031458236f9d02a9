#!/usr/bin/env bash
# The command line as users run it: exit codes and the shape of the output.
set -u
hsicho=$1
inputs=$2
. "$(dirname "$0")/lib.sh"

for deck in "$inputs"/*.yaml; do
  check "validate $(basename "$deck")" 0 "$hsicho" validate --no-data "$deck"
  contains "validate $(basename "$deck") says valid" "valid deck"
done
# With its data read: generated data always; image sets where their files are absent say so.
for deck in "$inputs"/demo.yaml "$inputs"/runge*.yaml "$inputs"/bateman*.yaml; do
  check "validate with data $(basename "$deck")" 0 "$hsicho" validate "$deck"
done
if [ ! -e data/cifar10 ]; then
  check "validate without the CIFAR-10 files" 2 "$hsicho" validate "$inputs/cifar10_small.yaml"
  contains "missing data named" "data/cifar10"
fi
# validate says which early stopping mode a deck runs, and under mode: auto why.
autodeck=$(mktemp --suffix=.yaml)
grep -v '^  mode:' "$inputs/early_stopping.yaml" >"$autodeck"
check "validate, pruning without a mode" 0 "$hsicho" validate --no-data "$autodeck"
contains "auto runs halving for hsicho's trainer" \
  "early stopping: halving (pruning.mode auto: hsicho's trainer pauses and continues trainings)"
sed -i 's/^model:.*/training: {command: [\/bin\/true]}/; /^data:/d; s/^training: {epochs.*//' "$autodeck"
check "validate, a command without the checkpoint contract" 0 "$hsicho" validate --no-data "$autodeck"
contains "auto runs ordered for it" "early stopping: ordered (pruning.mode auto: your command does not keep"
check "validate, pruning.mode named" 0 "$hsicho" validate --no-data "$inputs/early_stopping.yaml"
contains "a named mode as it is" "early stopping: halving"
if grep -q "early stopping: halving (" <<<"$out"; then bad "a named mode gave a reason: $out"; else ok; fi
rm -f "$autodeck"
# The complete example of docs/deck.md is a valid deck.
docdeck=$(mktemp --suffix=.yaml)
awk '/^```yaml/{f=1;next}/^```/{if(f)exit}f' "$inputs/../docs/deck.md" >"$docdeck"
check "docs/deck.md example validates" 0 "$hsicho" validate "$docdeck"
rm -f "$docdeck"
check "design csv" 0 "$hsicho" design "$inputs/demo.yaml" --n 5 --csv
header=$(head -n 1 <<<"$out")
contains "design csv header" "config,"
lines=$(grep -c '^[0-9]' <<<"$out")
if [ "$lines" -eq 5 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL design --n 5 gave $lines rows"; fi
check "design table" 0 "$hsicho" design "$inputs/demo.yaml"
contains "design table names the method" "lhs, n ="
check "help" 0 "$hsicho" help
for command in run validate design eval analyze report export; do
  contains "help lists $command" "  $command "
done
check "design --help" 0 "$hsicho" design --help
contains "design --help shows its usage" "hsicho design [OPTIONS] DECK"
check "run --help" 0 "$hsicho" run --help
contains "run --help names --resume" "--resume"
check "no command" 2 "$hsicho"
check "unknown command" 2 "$hsicho" desing "$inputs/demo.yaml"
contains "unknown command suggestion" "did you mean 'design'"
check "unknown option" 2 "$hsicho" design "$inputs/demo.yaml" --cvs
contains "unknown option suggestion" "did you mean '--csv'"
check "bad --n" 2 "$hsicho" design "$inputs/demo.yaml" --n 1
contains "bad --n message" "--n must be at least 2, got 1"
check "--n in any number notation" 0 "$hsicho" design "$inputs/demo.yaml" --n 1e1 --csv
check "--n not a number" 2 "$hsicho" design "$inputs/demo.yaml" --n x
check "missing deck" 2 "$hsicho" validate /nonexistent.yaml
contains "missing deck message" "cannot read deck '/nonexistent.yaml'"
check "two decks" 2 "$hsicho" validate a.yaml b.yaml
check "negative seed" 2 "$hsicho" eval "$inputs/demo.yaml" --seed -1
contains "negative seed message" "--seed must be a whole number >= 0, got '-1'"
deckcopy=$(mktemp --suffix=.yaml)
cp "$inputs/demo.yaml" "$deckcopy"
check "--out is the deck" 2 "$hsicho" run "$deckcopy" --out "$deckcopy"
contains "--out is the deck: said" "is the deck itself"
cmp -s "$inputs/demo.yaml" "$deckcopy" && ok || bad "--out overwrote the deck"
rm -f "$deckcopy"
check "version" 0 "$hsicho" version
contains "version text" "hsicho "
summary
