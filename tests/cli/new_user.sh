#!/usr/bin/env bash
# A new user's mistakes, each refused at once with exit 2 and a message that names the fix
# (issue 42): a typo in the training command's script path (at validate, before any training);
# a study file name with a control character or longer than the file system takes; a path too
# long for any command; analysis.estimator u (and block HSIC) with fewer trainings than it needs;
# a per-layer hyperparameter beyond any depth, however large its number.
#   new_user.sh HSICHO ROOT
set -u
hsicho=$1
root=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$root/tests/cli/lib.sh"
matches() {  # matches NAME REGEX: the last output holds a line matching REGEX
  if grep -qE -- "$2" <<<"$out"; then ok; else bad "$1: no /$2/ in: $out"; fi
}
cd "$tmp" || exit 1
printf 'print("hi")\n' >train.py

command_deck() {  # command_deck ARGS...: a deck whose training is `python3 ARGS`
  local args
  args=$(printf ', %s' "$@")
  printf 'study: {name: newcomer, seed: 1}\ndesign: {samples: 4}\n'
  printf 'training: {command: [python3%s]}\n' "$args"
  printf 'space:\n  - {name: x, type: continuous, range: [0, 1]}\n'
}

# The script of an interpreter that is not there: every training would fail to start.
command_deck trian.py '"{params}"' >typo.yaml
check "a typo in the script's name: validate refuses" 2 "$hsicho" validate typo.yaml
contains "  naming it, where it looked, and the likely name" "the script 'trian.py' of python3 is neither beside the deck"
contains "  (did you mean)" "did you mean 'train.py'"
check "  run refuses before training" 2 "$hsicho" run typo.yaml --out typo.h5
check "  and trains nothing" 1 test -e typo.h5.journal
command_deck train.py '"{params}"' >good.yaml
check "the script there: valid" 0 "$hsicho" validate good.yaml
command_deck -u train.py >opts.yaml
check "options before the script are skipped" 0 "$hsicho" validate opts.yaml
command_deck -W ignore train.py >warn.yaml
check "  (and -W's value)" 0 "$hsicho" validate warn.yaml
command_deck -c '"print(1)"' >inline.yaml
check "inline code (-c) has no script" 0 "$hsicho" validate inline.yaml

# Study file names: control characters, and names longer than the file system takes.
check "--out with a newline" 2 "$hsicho" run good.yaml --out "$(printf 'a\nb.h5')"
contains "  said" "holds a control character (a newline, a tab)"
check "--out with a tab" 2 "$hsicho" run good.yaml --out "$(printf 'a\tb.h5')"
long=$(printf 'x%.0s' $(seq 250)).h5
check "--out of 253 bytes" 2 "$hsicho" run good.yaml --out "$long"
contains "  said, with the limit" "bytes long: at most 242"
check "  and nothing made" 0 test "$(ls | grep -c '^xxxx')" -eq 0
deep=$(printf 'd%.0s' $(seq 300))/s.h5
check "status of a path with a name over 255 bytes" 2 "$hsicho" status "$deep"
contains "  said: too long, not a failure" "is longer than the file system allows"

# analyze of a FIFO named like a study file: says what it is, whatever the options.
mkfifo pipe.h5
check "analyze of a FIFO named like a study, with --target" 2 timeout 10 "$hsicho" analyze pipe.h5 --target y
contains "  says it is a FIFO" "'pipe.h5' is a FIFO (named pipe), not a study file or a CSV table"
rm pipe.h5

# Estimators that need more rows than the design gives: at validate, at the key's line.
printf 'study: {name: u, seed: 1}\ndesign: {samples: 3}\ndata: {name: runge}\nanalysis: {estimator: u}\nspace:\n  - {name: lr, type: log, range: [1.0e-3, 1.0e-1]}\n' >u.yaml
check "estimator u with 3 trainings: validate refuses" 2 "$hsicho" validate u.yaml
contains "  at the key, with the fix" "u.yaml:4:23: analysis.estimator: u needs at least 4 trainings"
sed 's/samples: 3/samples: 4/' u.yaml >u4.yaml
check "  with 4: valid" 0 "$hsicho" validate u4.yaml
printf 'study: {name: b, seed: 1}\ndesign: {samples: 10}\ndata: {name: runge}\nanalysis: {block: 8}\nspace:\n  - {name: lr, type: log, range: [1.0e-3, 1.0e-1]}\n' >block.yaml
check "blocks of 8 with 10 trainings: refused" 2 "$hsicho" validate block.yaml
contains "  said" "blocks of 8 need at least 16 trainings"

# A per-layer key beyond any depth is refused whatever its number (no silent no-op).
printf 'study: {name: l, seed: 1}\ndesign: {samples: 4}\ndata: {name: runge}\nmodel: {layers: 2}\nspace:\n  - {name: units_99999999999999999999, type: integer, range: [4, 8]}\n' >layer.yaml
check "units_99999999999999999999: refused" 2 "$hsicho" validate layer.yaml
contains "  said" "sets hidden layer 99999999999999999999, but layers is at most 2"
# Names that agree: params.json's stage is the study file's (1 for a plain study); a second eval
# keeps the first one's folder as eval.earlier-1, not as an unfinished run.
mkdir names && cd names || exit 1
printf 'import json, sys\njob = json.load(open(sys.argv[1]))\njson.dump({"error": job["stage"] + 0.5}, open(job["result"], "w"))\n' >stage.py
printf 'study: {name: names, seed: 1}\ndesign: {samples: 4}\ntraining: {command: [python3, stage.py, "{params}"]}\nspace:\n  - {name: x, type: continuous, range: [0, 1]}\n' >d.yaml
check "a study whose command reports its stage" 0 "$hsicho" run d.yaml --out s.h5
check "  params.json's stage is the study file's (1)" 0 test "$("$hsicho" export s.h5 --csv | awk -F, 'NR > 1 {print $2 "," $7}' | sort -u)" = "1,1.5"
sed 's/name: names/name: renamed/' d.yaml >renamed.yaml
check "study.name changed, then --resume: refused" 2 "$hsicho" run renamed.yaml --out s.h5 --resume
contains "  naming the key and both names" "this deck's study.name is 'renamed': to go on with that study, set study.name back to 'names'"
check "eval, once" 0 "$hsicho" eval d.yaml --set x=0.5
check "eval, twice" 0 "$hsicho" eval d.yaml --set x=0.25
check "  the first eval's folder kept as eval.earlier-1" 0 test -d runs/eval.earlier-1
check "  never called unfinished" 1 test -e runs/eval.unfinished-1

# A script with a bug fails every training; the fixed command (another script) may then resume
# the study and retrains them all, since no result depends on the old one. Once a training has a
# result, a changed command is refused as before.
printf 'import sys\nsys.exit("a bug in my script")\n' >buggy.py
printf 'import json, sys\njob = json.load(open(sys.argv[1]))\njson.dump({"error": (job["params"]["x"] - 0.3) ** 2}, open(job["result"], "w"))\n' >fixed.py
command_deck buggy.py '"{params}"' >fix.yaml
check "a study whose script fails every training" 1 "$hsicho" run fix.yaml --out fix.h5
contains "  says a fixed command retrains them" "a fixed training.command or script retrains them all while none has a result"
sed -i 's/buggy.py/fixed.py/' fix.yaml
check "  the fixed command: --resume accepted" 0 "$hsicho" run fix.yaml --out fix.h5 --resume
contains "  the change is named" "training.command: [python3, buggy.py, {params}] -> [python3, fixed.py, {params}]"
contains "  every failed training trained again" "4 failed trainings trained again (the command changed and none had a result"
check "  all four have a result now" 0 test "$("$hsicho" export fix.h5 --csv | grep -c ',ok,')" -eq 4
sed -i 's/fixed.py/buggy.py/' fix.yaml
check "  with results, a changed command is refused" 2 "$hsicho" run fix.yaml --out fix.h5 --resume
contains "  naming the key" "training.command: [python3, fixed.py"

# The pick of a classifier (error rates on 359 validation samples): unset, the tolerance is the
# best rate's standard error, sqrt(p (1 - p) / 359) = 0.0055 at p = 4/359, so the network one
# sample behind with 560 parameters (9x smaller than the best's 5000) is picked; 10% of the best
# error (0.0011) is less than one sample's weight and picks the best itself. One design row per
# eighth of x (a Latin hypercube of 8).
printf 'import json, sys\njob = json.load(open(sys.argv[1]))\nk = min(int(8 * job["params"]["x"]), 7)\njson.dump({"error": [30, 20, 12, 9, 7, 5, 4, 4][k] / 359, "parameters": [50, 80, 100, 150, 300, 560, 5000, 6000][k]}, open(job["result"], "w"))\n' >classes.py
printf 'study: {name: classes, seed: 1}\ndesign: {samples: 8}\ntraining: {command: [python3, classes.py, "{params}"]}\nspace:\n  - {name: x, type: continuous, range: [0, 1]}\n' >classes.yaml
check "a classifier's study" 0 "$hsicho" run classes.yaml --out classes.h5
contains "  run prints the pick: 560 parameters" "pick (the cheapest by parameters, within one standard error of the best error as a rate on 359 samples (0.0055)"
check "  report" 0 "$hsicho" report classes.h5
matches "  its pick row: 560 parameters" "pick  * [0-9]* *0.01393 .* 560 "
check "analyze --tolerance 0.1: the pick it makes" 0 "$hsicho" analyze classes.h5 --tolerance 0.1 --bootstrap 0
matches "  (the best itself: 10% is less than one sample)" "pick  * [0-9]* *0.01114 .* 5000 "
check "analyze --tolerance 1.0" 0 "$hsicho" analyze classes.h5 --tolerance 1.0 --bootstrap 0
matches "  (7 samples wrong, 300 parameters)" "pick  * [0-9]* *0.0195 .* 300 "
summary
