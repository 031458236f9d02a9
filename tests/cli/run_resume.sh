#!/usr/bin/env bash
# Nothing finished is lost: runs killed (SIGKILL) at several points, or stopped (SIGTERM), then
# resumed (also on another number of ranks), end with the same study file as an uninterrupted run.
set -u
hsicho=$1
mpiexec=$2
root=$3
deck=$root/tests/decks/study_resume.yaml
compare="/usr/bin/python3 $root/tests/cli/compare_studies.py"
tmp=$(mktemp -d)
trap 'pkill -9 -f "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
. "$(dirname "$0")/lib.sh"

"$hsicho" run "$deck" --out "$tmp/reference.h5" >"$tmp/reference.log" 2>&1 || bad "reference run"

# Start on 2 ranks, wait for K finished trainings, stop with SIGNAL, resume on RESUME_RANKS.
interrupt() {
  local name=$1 signal=$2 k=$3 resume_ranks=$4
  local out=$tmp/$name.h5
  "$mpiexec" -n 2 "$hsicho" run "$deck" --out "$out" >"$tmp/$name.log" 2>&1 &
  local job=$!
  for _ in $(seq 600); do
    [ "$(records "$out")" -ge "$k" ] && break
    sleep 0.05
  done
  local pids
  pids=$(pgrep -f "hsicho run $deck --out $out" | grep -v "^$job$")
  if [ "$signal" = KILL ]; then
    kill -9 $pids $job 2>/dev/null
  else
    kill -TERM $pids 2>/dev/null  # as Slurm does at the time limit: every task gets it
  fi
  wait $job
  local rc=$?
  local done_before
  done_before=$(records "$out")
  if [ "$signal" = TERM ]; then
    [ "$rc" -ne 0 ] && ok || bad "$name: a stopped run must not exit 0"
    grep -q -- "--resume" "$tmp/$name.log" && ok || bad "$name: no resume command in: $(cat "$tmp/$name.log")"
  fi
  [ ! -e "$out" ] && ok || bad "$name: a study file exists after an interrupted run"
  [ "$done_before" -lt 16 ] && ok || bad "$name: nothing was left to resume ($done_before done)"
  "$mpiexec" -n "$resume_ranks" "$hsicho" run "$deck" --out "$out" --resume >"$tmp/$name.resume.log" 2>&1 &&
    ok || bad "$name: resume failed: $(tail -3 "$tmp/$name.resume.log")"
  grep -q "resuming: $done_before trainings already done" "$tmp/$name.resume.log" && ok || bad "$name: resume did not count $done_before done: $(head -2 "$tmp/$name.resume.log")"
  $compare "$tmp/reference.h5" "$out" && ok || bad "$name: resumed study differs from the uninterrupted one"
}

interrupt kill_early KILL 2 2
interrupt kill_middle KILL 7 3
interrupt kill_late KILL 10 1  # 10 of 16: room for the kill to land on a loaded machine
interrupt term TERM 5 2

# A torn last record (a killed writer) is dropped, and its training done again.
cp -r "$tmp/kill_middle.h5.journal" "$tmp/torn.h5.journal"
f=$(ls "$tmp"/torn.h5.journal/rank-*.jnl | head -1)
head -n 4 "$f" >"$f.cut" && printf '{"config":3,"status":"ok","val_' >>"$f.cut" && mv "$f.cut" "$f"
for g in $(ls "$tmp"/torn.h5.journal/rank-*.jnl | tail -n +2); do head -n 1 "$g" >"$g.cut" && mv "$g.cut" "$g"; done
"$hsicho" run "$deck" --out "$tmp/torn.h5" --resume >"$tmp/torn.log" 2>&1 && ok || bad "torn: resume failed"
grep -q "1 torn records dropped" "$tmp/torn.log" && ok || bad "torn: not reported: $(head -2 "$tmp/torn.log")"
$compare "$tmp/reference.h5" "$tmp/torn.h5" && ok || bad "torn: differs"

# A journal of another deck is refused; a second run without --resume too.
sed 's/seed: 5/seed: 6/' "$deck" >"$tmp/other.yaml"
"$hsicho" run "$tmp/other.yaml" --out "$tmp/reference.h5" --resume >"$tmp/other.log" 2>&1
[ $? -eq 2 ] && grep -q "study.seed: 5 -> 6" "$tmp/other.log" && ok || bad "changed deck accepted: $(cat "$tmp/other.log")"
"$hsicho" run "$deck" --out "$tmp/reference.h5" >"$tmp/again.log" 2>&1
[ $? -eq 2 ] && grep -q -- "--resume" "$tmp/again.log" && ok || bad "rerun without --resume accepted"
summary
