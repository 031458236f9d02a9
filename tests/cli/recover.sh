#!/usr/bin/env bash
# Recovering a study without touching its files by hand (issue 28):
#  - a run that stopped on bad data before its first training leaves nothing that binds the
#    fixed deck (through slurm/run_study.sh with stub srun and scontrol, which always resumes);
#  - training.retries: 3 configurations that failed (a broken script, fixed since) are trained
#    again on resume, on 1 and on 3 ranks, and the study file is the one where they passed the
#    first time (apart from the attempt records, which keep the failures);
#  - design.add: a configuration of the user's own is trained, marked, in the best and export;
#  - a changed training script is refused on resume, then accepted with --accept-program-change;
#  - exit statuses under mpiexec: finished 0, no training succeeded 1 (causes counted), stopped
#    by SIGTERM to the ranks 3, and the study says how its run ended (hsicho status --json).
#   recover.sh HSICHO MPIEXEC ROOT
set -u
hsicho=$1
mpiexec=$2
root=$3
compare="/usr/bin/python3 $root/tests/cli/compare_studies.py --ignore-attempts"
tmp=$(mktemp -d)
trap 'pkill -9 -f "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
. "$root/tests/cli/lib.sh"
cd "$tmp" || exit 1

# --- 1. Bad data, then the fixed deck, through the Slurm script (always --resume) ---
mkdir -p bin data
cat >bin/srun <<'EOS'
#!/bin/sh
# A stub srun: runs the command (one task) and returns its status.
while [ "${1#-}" != "$1" ]; do shift; done  # its options (--mpi=..., --kill-on-bad-exit=1)
"$@"
EOS
cat >bin/scontrol <<'EOS'
#!/bin/sh
echo "scontrol $*" >>"$STUB_LOG"
EOS
chmod +x bin/srun bin/scontrol
printf 'x,y\n' >data/t.csv
for i in $(seq 0 59); do printf '%s,%s\n' "$i" "$((i % 7))" >>data/t.csv; done
cat >table.yaml <<'EOF'
study: {name: table, seed: 2, output: table.h5}
design: {samples: 8}
data: {name: table, path: data/t.csv, x: [xx], y: [y]}
training: {epochs: 3}
space:
  - {name: lr, type: log, range: [1.0e-3, 1.0e-1]}
EOF
run_slurm() {
  PATH="$tmp/bin:$PATH" STUB_LOG=$tmp/stub.log SLURM_JOB_ID=9 SLURM_SUBMIT_DIR=$tmp HSICHO=$hsicho \
    bash "$root/slurm/run_study.sh" "$@"
}
check "a typo in data.x: exit 2" 2 run_slurm table.yaml
contains "names the column" "has no column 'xx'"
sed -i 's/x: \[xx\]/x: [x]/' table.yaml
check "the fixed deck runs (with --resume)" 0 run_slurm table.yaml
contains "the empty journal is said" "held no finished training"
check "the study is whole" 0 "$hsicho" status table.h5 --json
contains "finished" '"state": "finished"'
[ ! -e stub.log ] && ok || bad "a requeue where none was due: $(cat stub.log)"

# --- 2. Retries: 3 configurations fail with a broken script, then pass once it is fixed ---
cat >train.py <<'EOF'
import json, os, sys
job = json.load(open(sys.argv[1]))
if os.path.exists(os.environ["BROKEN"]) and job["id"] in (1, 4, 7):
    sys.exit("ImportError: no module named numpy (the environment of this node)")
p = job["params"]
err = (p["lr"] - 0.03) ** 2 + 0.001 * p["width"]
json.dump({"error": err, "parameters": 10 * p["width"]}, open(sys.argv[2], "w"))
EOF
cat >retry.yaml <<'EOF'
study: {name: retry, seed: 4}
design: {samples: 10}
training:
  command: [python3, train.py, "{params}", "{result}"]
space:
  - {name: lr, type: log, range: [1.0e-3, 1.0e-1]}
  - {name: width, type: integer, range: [1, 9]}
EOF
export BROKEN=$tmp/broken
check "reference: every configuration passes" 0 "$hsicho" run retry.yaml --out ref.h5
for ranks in 1 3; do
  touch broken
  check "$ranks ranks: 3 configurations fail" 0 "$mpiexec" -n "$ranks" "$hsicho" run retry.yaml --out r$ranks.h5
  contains "$ranks ranks: the causes are counted" "failed (exit code): 3"
  rm broken
  check "$ranks ranks: a resume without retries keeps them failed" 0 \
    "$mpiexec" -n "$ranks" "$hsicho" run retry.yaml --out r$ranks.h5 --resume
  "$hsicho" report r$ranks.h5 >report.txt
  grep -q "failed (exit code): 3" report.txt && ok || bad "$ranks ranks: report does not group by cause: $(cat report.txt)"
  sed 's/  command:/  retries: 1\n  command:/' retry.yaml >retry1.yaml
  # Another deck file, the same study (the plan compares what results depend on).
  check "$ranks ranks: resume with training.retries: 1" 0 \
    "$mpiexec" -n "$ranks" "$hsicho" run retry1.yaml --out r$ranks.h5 --resume
  contains "$ranks ranks: the retry is said" "3 failed trainings trained again"
  contains "$ranks ranks: the change of how it runs is said" "training.retries: (not set) -> 1"
  $compare ref.h5 r$ranks.h5 && ok || bad "$ranks ranks: the retried study differs from the reference"
  /usr/bin/python3 - r$ranks.h5 <<'PY' && ok || bad "$ranks ranks: the attempts are not kept"
import sys, h5py
f = h5py.File(sys.argv[1])
a = f["attempts"]
assert sorted(a["config"][()]) == [1, 4, 7], a["config"][()]
assert all(s == b"failed" for s in a["status"][()])
assert all(b"numpy" in m for m in a["message"][()])
assert sorted(f["results/attempt"][()]) == [1] * 7 + [2] * 3
PY
  # A requeue runs the same command line again: nothing is retried twice.
  check "$ranks ranks: the same command again retrains nothing" 0 \
    "$mpiexec" -n "$ranks" "$hsicho" run retry1.yaml --out r$ranks.h5 --resume
  [ "$(cat r$ranks.h5.journal/rank-*.jnl | grep -c '"attempt":2')" -eq 3 ] &&
    ok || bad "$ranks ranks: a configuration was retried twice"
done

# --- 3. design.add: a configuration of the user's own ---
sed 's/design: {samples: 10}/design: {samples: 10, add: [{lr: 0.03, width: 1}]}/' retry.yaml >added.yaml
check "design.add runs" 0 "$hsicho" run added.yaml --out added.h5
contains "said" "design.add: 1 configurations of your own"
check "report marks it" 0 "$hsicho" report added.h5
contains "the best is the added one" "(one of design.add's)"
check "export has it, stage 0" 0 "$hsicho" export added.h5 --csv
/usr/bin/python3 -c "
import csv, sys
row = [r for r in csv.DictReader(sys.stdin) if r['config'] == '1000000000'][0]
assert row['stage'] == '0' and row['lr'] == '0.03' and row['width'] == '1' and row['status'] == 'ok'
" <<<"$out" && ok || bad "its row: $out"
/usr/bin/python3 - added.h5 ref.h5 <<'PY' && ok || bad "design.add changed the indices"
import sys, h5py, numpy as np
a, b = h5py.File(sys.argv[1]), h5py.File(sys.argv[2])
assert np.array_equal(a["analysis/hsic"][()], b["analysis/hsic"][()])  # the added row is no sample
PY

# --- 4. A changed training script: refused, then accepted ---
"$mpiexec" -n 2 "$hsicho" run retry.yaml --out change.h5 >/dev/null 2>&1
echo "# a comment" >>train.py
check "a changed script is refused" 2 "$hsicho" run retry.yaml --out change.h5 --resume
contains "names the file" "train.py:"
contains "says how to go on" "--accept-program-change"
check "accepted with the option" 0 "$hsicho" run retry.yaml --out change.h5 --resume --accept-program-change
contains "the log says so" "training program changed (accepted)"
grep -q "training program changed (accepted)" change.h5.log && ok || bad "not in the log file"

# --- 5. Exit statuses under mpiexec ---
sed 's/err = /err = float("nan") if True else /' train.py >nan.py
sed 's/train.py/nan.py/' retry.yaml >nan.yaml
check "no training succeeded: exit 1" 1 "$mpiexec" -n 2 "$hsicho" run nan.yaml --out nan.h5
contains "the causes" "diverged: 10"
check "status says how it ended" 0 "$hsicho" status nan.h5 --json
contains "ended" '"end": "no training succeeded"'
cat >slow.py <<'EOF'
import json, sys, time
time.sleep(0.5)
p = json.load(open(sys.argv[1]))["params"]
json.dump({"error": p["lr"]}, open(sys.argv[2], "w"))
EOF
sed -e 's/train.py/slow.py/' -e 's/samples: 10/samples: 40/' retry.yaml >slow.yaml
"$mpiexec" -n 2 "$hsicho" run slow.yaml --out slow.h5 >slow.log 2>&1 &
job=$!
for _ in $(seq 200); do [ "$(records slow.h5)" -ge 4 ] && break; sleep 0.1; done
kill -TERM $(pgrep -f "hsicho run slow.yaml" | grep -v "^$job$") 2>/dev/null  # every rank, as Slurm
wait $job
check_rc=$?
[ "$check_rc" -eq 3 ] && ok || bad "SIGTERM to the ranks: exit $check_rc, wanted 3: $(tail -3 slow.log)"
check "status says stopped by a signal" 0 "$hsicho" status slow.yaml --out slow.h5 --json
contains "ended" '"end": "stopped by a signal"'
check "resumed to the end" 0 "$mpiexec" -n 2 "$hsicho" run slow.yaml --out slow.h5 --resume
check "status: finished" 0 "$hsicho" status slow.h5 --json
contains "finished" '"end": "finished"'
summary
