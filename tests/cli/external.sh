#!/usr/bin/env bash
# The user's own training program (training.command) end to end: a 16-configuration study of the
# dependency-free example on 2 ranks, killed with SIGKILL mid-run and resumed on 3 ranks, ends
# with the same study file as an uninterrupted run; each kind of fault is a result with its
# status and message; extra metrics reach the study file and the CSV export.
#   external.sh HSICHO MPIEXEC ROOT
set -u
hsicho=$1
mpiexec=$2
root=$3
deck=$root/examples/external/toy.yaml
compare="/usr/bin/python3 $root/tests/cli/compare_studies.py"
tmp=$(mktemp -d)
trap 'pkill -9 -f "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
. "$root/tests/cli/lib.sh"
cd "$tmp" || exit 1

# 1. Uninterrupted, on 2 ranks.
check "the example study runs on 2 ranks" 0 "$mpiexec" -n 2 "$hsicho" run "$deck" --out "$tmp/ref.h5"
contains "it ranks the hyperparameters" "what decides landing among the best"
check "export works" 0 "$hsicho" export "$tmp/ref.h5" --csv
contains "the command's metrics are CSV columns" "metric_final_error,metric_weight_norm"
check "the metrics are in the study file" 0 /usr/bin/python3 -c "
import h5py, numpy as np, sys
m = h5py.File('$tmp/ref.h5')['results/metrics']
sys.exit(0 if set(m) == {'final_error', 'weight_norm'} and np.isfinite(m['weight_norm'][()]).all() else 1)"

# 2. Killed (SIGKILL, every process) after 5 results, resumed on 3 ranks: the same study file.
rm -rf runs
"$mpiexec" -n 2 "$hsicho" run "$deck" --out "$tmp/killed.h5" >"$tmp/killed.log" 2>&1 &
job=$!
for _ in $(seq 600); do
  [ "$(records "$tmp/killed.h5")" -ge 5 ] && break
  sleep 0.05
done
pkill -9 -f "hsicho run $deck --out $tmp/killed.h5"
kill -9 $job 2>/dev/null
wait $job 2>/dev/null
done_before=$(records "$tmp/killed.h5")
check "something was left to resume ($done_before of 16 done)" 0 test "$done_before" -lt 16
check "the resume on 3 ranks succeeds" 0 "$mpiexec" -n 3 "$hsicho" run "$deck" --out "$tmp/killed.h5" --resume
contains "it counts what was done" "resuming: $done_before trainings already done"
check "the resumed study equals the uninterrupted one" 0 $compare "$tmp/ref.h5" "$tmp/killed.h5"
aside=$(ls -d "$tmp"/killed.h5.runs/*.unfinished-* 2>/dev/null | wc -l)
echo "work folders set aside after the kill: $aside"

# 3. Faults are results.
cp "$root/tests/external/faulty.sh" "$root/tests/external/faulty.yaml" .
check "a study of faulty commands runs to its end" 0 "$hsicho" run faulty.yaml --out "$tmp/faulty.h5"
check "export" 0 "$hsicho" export "$tmp/faulty.h5" --csv
csv=$out
row() { grep "^[0-9]*,[0-9]*,[0-9]*,[0-9]*,$1," <<<"$csv"; }  # config,stage,retrains,pareto_rank,mode
expect_row() {  # expect_row MODE STATUS MESSAGE
  local r
  r=$(row "$1")
  if grep -q ",$2," <<<"$r" && grep -qF -- "$3" <<<"$r"; then ok; else bad "mode $1: wanted $2 with '$3', got: $r"; fi
}
expect_row ok ok ",0.25,0.5,7,"
expect_row crash failed "exit code 3: something went wrong in the trainer | Traceback: ValueError: bad shape"
expect_row hang failed "timed out after 2 s (stopped with SIGTERM)"
expect_row garbage failed "result.json: not valid JSON"
expect_row nan diverged "error is NaN"
expect_row none failed "the command exited 0 but wrote no result.json"
expect_row no_error failed "result.json: no 'error'"
expect_row killed failed "killed by signal 9"
check "the hung command was stopped with its group" 0 test -z "$(own_pids "sleep 60")"

# 4. SIGTERM to hsicho (Slurm's warning before the time limit) stops the commands too; nothing is
#    recorded for them, and --resume runs them again in fresh folders (the old ones set aside).
cat >stop.yaml <<EOD
study: {name: stop, seed: 1}
design: {samples: 6}
training:
  command: [sh, -c, 'if [ -e "$tmp/hang" ]; then sleep 300; fi; echo "{\\"error\\": \$HSICHO_ID}" > "\$HSICHO_RESULT"']
  workdir: runs/stop/{id}
space:
  - {name: x, type: continuous, range: [0, 1]}
EOD
touch "$tmp/hang"
"$mpiexec" -n 2 "$hsicho" run stop.yaml --out "$tmp/stop.h5" >"$tmp/stop.log" 2>&1 &
job=$!
for _ in $(seq 200); do
  [ "$(own_pids "sleep 300" | wc -l)" -ge 2 ] && break
  sleep 0.05
done
check "both ranks' commands are running" 0 test "$(own_pids "sleep 300" | wc -l)" -ge 2
pkill -TERM -f "hsicho run stop.yaml"
wait $job
rc=$?
check "a stopped run does not exit 0" 0 test "$rc" -ne 0
out=$(cat "$tmp/stop.log")
contains "it says how to resume" "--resume"
sleep 0.5
check "the commands were stopped with hsicho" 0 test -z "$(own_pids "sleep 300")"
check "nothing was recorded for them" 0 test "$(records "$tmp/stop.h5")" -eq 0
rm "$tmp/hang"
check "the resume finishes the study" 0 "$hsicho" run stop.yaml --out "$tmp/stop.h5" --resume
check "the stopped runs' folders were set aside" 0 test "$(ls -d runs/stop/*.unfinished-1 | wc -l)" -ge 2

# 5. The staged optimizer drives commands too (epochs_factor in the final retraining).
mkdir -p opt
cp "$(dirname "$deck")/toy_train.py" opt/
sed -e 's/^design: .*/optimize: {stages: [12, 8], final_top: 2, final_seeds: 2, final_epochs: 2}/' \
  "$deck" >opt/toy.yaml
check "an optimized study of commands runs" 0 "$mpiexec" -n 2 "$hsicho" run opt/toy.yaml --out "$tmp/opt.h5"
contains "and picks a winner" "best"
check "the final retraining asked for twice the epochs" 0 grep -rq '"epochs_factor": 2.0' "$tmp/opt.h5.runs"

# 6. Decks: no data block needed, any names; eval runs the command once.
check "validate accepts the deck" 0 "$hsicho" validate "$deck"
check "eval runs one configuration" 0 "$hsicho" eval "$deck" --set lr=0.01 --set degree=3 --json
contains "with the command's result" '"status": "ok"'
summary
