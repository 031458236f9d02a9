#!/usr/bin/env bash
# Paths as traps (issue 31): every command given a FIFO, a device, a link to a device or a folder
# where it expects a file refuses it at once (exit 2) instead of blocking or reading for ever;
# --out never replaces what is not a study file of the same study; output lost on a full disk
# is an error; a result.json that is a FIFO, a folder or a device fails that training only; two
# studies at once in one folder keep their work folders and results apart.
#   paths.sh HSICHO ROOT    (a device node and a full disk need root: tests/cli/paths_root.sh)
set -u
hsicho=$1
root=$2
. "$root/tests/cli/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
printf 'data: {name: runge, train: 16, validation: 16, test: 16}\ndesign: {samples: 4}\ntraining: {epochs: 1}\nspace:\n  - {name: lr, type: log, range: [1.0e-4, 1.0e-1]}\n' >small.yaml

# Every command against every kind of path that is not a regular file: refused in seconds.
mkfifo fifo
ln -s /dev/zero zero_link
mkdir folder
for kind in fifo /dev/zero zero_link folder; do
  for cmd in "validate" "design" "eval" "run" "report" "export --csv" "analyze" "status"; do
    extra=""
    [ "$cmd" = analyze ] && extra="--target y"
    # shellcheck disable=SC2086
    check "$cmd $kind" 2 timeout 20 "$hsicho" $cmd "$kind" $extra
    case $kind in
      fifo) contains "  $cmd names the FIFO" "is a FIFO (named pipe)" ;;
      folder) contains "  $cmd names the folder" "folder" ;;  # status: no journal in it
      *) contains "  $cmd names the device" "is a character device" ;;
    esac
  done
done

# --out: nothing there, or a study file of the same study; else refused, and left as it was.
echo "my notes" >notes.txt
check "--out over a text file" 2 "$hsicho" run small.yaml --out notes.txt
contains "  says what it would replace" "exists and is not a study file: hsicho would replace it"
contains "  and how to say so" "--overwrite"
check "  the file is untouched" 0 grep -qx "my notes" notes.txt
check "  and no journal was made" 0 test ! -e notes.txt.journal
mkfifo out_fifo
check "--out a FIFO" 2 timeout 20 "$hsicho" run small.yaml --out out_fifo
contains "  says it" "is a FIFO (named pipe); a study file replaces what it is written over"
ln -s /dev/null null_link
check "--out a link to /dev/null" 2 "$hsicho" run small.yaml --out null_link
contains "  says it" "is a character device"
check "  the link is still a link" 0 test -L null_link
check "a first study" 0 "$hsicho" run small.yaml --out a.h5
sed 's/^data:/study: {name: other}\ndata:/' small.yaml >other.yaml
check "another study over it" 2 "$hsicho" run other.yaml --out a.h5
contains "  names the study there and the key" "'a.h5' is the study file of study 'small', and this deck's study.name is 'other'"
rm -r a.h5.journal
check "the same study again (its journal removed)" 0 "$hsicho" run small.yaml --out a.h5
check "--overwrite replaces the text file" 0 "$hsicho" run small.yaml --out notes.txt --overwrite
check "  now a study file" 0 "$hsicho" report notes.txt
check "export --h5 to a new file" 0 "$hsicho" export a.h5 --h5 other_notes.txt
echo "x" >other_notes.txt
check "export --h5 over a text file" 2 "$hsicho" export a.h5 --h5 other_notes.txt
contains "  refused" "exists and is not a study file"
check "export --h5 --overwrite" 0 "$hsicho" export a.h5 --h5 other_notes.txt --overwrite

# Output lost on a full disk: an error, not exit 0.
if [ -w /dev/full ]; then
  for cmd in "export a.h5 --csv" "report a.h5" "report a.h5 --json" "status a.h5 --json" \
    "analyze a.h5 --json" "design small.yaml --csv" "eval small.yaml --json" "keys"; do
    # shellcheck disable=SC2086
    "$hsicho" $cmd >/dev/full 2>err.txt
    rc=$?
    [ "$rc" -eq 1 ] && ok || bad "$cmd > /dev/full: exit $rc"
    grep -q "cannot write the output (standard output)" err.txt && ok ||
      bad "$cmd > /dev/full: $(cat err.txt)"
  done
fi

# A result.json that is a FIFO, a folder or a link to a device: that training fails (cause
# "result file"), the others finish, and the study ends normally.
cat >bad_result.sh <<'EOF'
#!/bin/sh
# params.json's id decides what result.json becomes.
id=$(sed -n 's/.*"id": \([0-9]*\).*/\1/p' "$1" | head -1)
case $id in
  0) mkfifo "$2" ;;
  1) mkdir "$2" ;;
  2) ln -s /dev/zero "$2" ;;
  *) printf '{"error": 0.5}\n' >"$2" ;;
esac
EOF
chmod +x bad_result.sh
printf 'study: {name: badres, seed: 1}\ndesign: {samples: 6}\ntraining: {command: [./bad_result.sh, "{params}", "{result}"]}\nspace:\n  - {name: lr, type: log, range: [1.0e-4, 1.0e-1]}\n' >badres.yaml
check "results that are traps" 0 timeout 60 "$hsicho" run badres.yaml --out badres.h5
/usr/bin/python3 - badres.h5 <<'PY' && ok || bad "trap results not recorded as failed trainings"
import sys, h5py
f = h5py.File(sys.argv[1])
ids = list(f["configs/id"][()])
st = [s.decode() for s in f["results/status"][()]]
cause = [s.decode() for s in f["results/cause"][()]]
msg = [s.decode() for s in f["results/message"][()]]
for i, want in ((0, "is a FIFO"), (1, "is a folder"), (2, "is a character device")):
    k = ids.index(i)
    assert st[k] == "failed" and cause[k] == "result file" and want in msg[k], (st[k], cause[k], msg[k])
assert sum(s == "ok" for s in st) == 3, st
PY

# Two studies at once in one folder, work folders beside their study files (the default): each
# keeps its own results (the command's error is its lr, so a mixed-up result shows).
cat >lr_is_error.sh <<'EOF'
#!/bin/sh
lr=$(sed -n 's/.*"lr": \([-0-9.e+]*\).*/\1/p' "$1" | head -1)
sleep 0.2
printf '{"error": %s}\n' "$lr" >"$2"
EOF
chmod +x lr_is_error.sh
for s in one two; do
  printf 'study: {name: %s, seed: %s}\ndesign: {samples: 8}\ntraining: {command: [./lr_is_error.sh, "{params}", "{result}"]}\nspace:\n  - {name: lr, type: log, range: [1.0e-4, 1.0e-1]}\n' \
    $s "$([ $s = one ] && echo 1 || echo 2)" >$s.yaml
done
"$hsicho" run one.yaml --out one.h5 >one.log 2>&1 &
p1=$!
"$hsicho" run two.yaml --out two.h5 >two.log 2>&1
rc2=$?
wait $p1
rc1=$?
[ "$rc1$rc2" = 00 ] && ok || bad "two studies at once: exits $rc1 $rc2: $(tail -2 one.log two.log)"
for s in one two; do
  "$hsicho" export $s.h5 --csv >$s.csv 2>/dev/null
  /usr/bin/python3 - $s.csv <<'PY' && ok || bad "$s: results of the other study"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert len(rows) == 8
for r in rows:
    assert abs(float(r["val_error"]) - float(r["lr"])) <= 1e-6 * float(r["lr"]), r
PY
done
check "work folders beside each study file" 0 test -d one.h5.runs/0 -a -d two.h5.runs/0
# The same, with both decks naming one workdir: the second is refused before it trains.
for s in one two; do sed 's|^training: {\(.*\)}$|training: {\1, workdir: "shared/{id}"}|' $s.yaml >${s}_shared.yaml; done
check "a first study in shared/" 0 "$hsicho" run one_shared.yaml --out one_shared.h5
check "a second study in shared/" 2 "$hsicho" run two_shared.yaml --out two_shared.h5
contains "  names the owner" "belongs to the study '$tmp/one_shared.h5'"
check "  the first one's folders untouched" 0 test ! -e shared/0.unfinished-1
# The journal folder deleted while the run writes it: the run stops at the next training, saying
# what happened (not at the end, pointing at a folder that is gone).
printf 'study: {name: gone, seed: 1}\ndesign: {samples: 12}\ntraining: {command: [./lr_is_error.sh, "{params}", "{result}"]}\nspace:\n  - {name: lr, type: log, range: [1.0e-4, 1.0e-1]}\n' >gone.yaml
"$hsicho" run gone.yaml --out gone.h5 >gone.log 2>&1 &
job=$!
for _ in $(seq 200); do
  [ "$(records gone.h5)" -ge 2 ] && break
  sleep 0.05
done
rm -rf gone.h5.journal
wait $job
rc=$?
[ "$rc" -eq 1 ] && ok || bad "a run whose journal was deleted: exit $rc"
grep -q "was removed or replaced while this run wrote it" gone.log && ok || bad "no word of the lost journal: $(tail -3 gone.log)"
check "  and no study file claims to be complete" 0 test ! -e gone.h5
summary
