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
contains "it ranks the hyperparameters" "what matters"
check "export works" 0 "$hsicho" export "$tmp/ref.h5" --csv
contains "the command's metrics are CSV columns" "final_error,weight_norm"
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
aside=$(ls -d runs/toy/*.unfinished-* 2>/dev/null | wc -l)
echo "work folders set aside after the kill: $aside"

# 3. Faults are results.
cp "$root/tests/external/faulty.sh" "$root/tests/external/faulty.yaml" .
check "a study of faulty commands runs to its end" 0 "$hsicho" run faulty.yaml --out "$tmp/faulty.h5"
check "export" 0 "$hsicho" export "$tmp/faulty.h5" --csv
csv=$out
row() { grep "^[0-9]*,[0-9]*,$1," <<<"$csv"; }
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
check "the hung command was stopped with its group" 1 pgrep -f "sleep 60"

# 4. Decks: no data block needed, any names; eval runs the command once.
check "validate accepts the deck" 0 "$hsicho" validate "$deck"
check "eval runs one configuration" 0 "$hsicho" eval "$deck" --set lr=0.01 --set degree=3 --json
contains "with the command's result" '"status": "ok"'
summary
