#!/usr/bin/env bash
# A study's life (issue 18): a deck without a study block runs and resumes, with its log file
# beside the study file; a second run on a
# live study is refused, with or without --resume; Ctrl-C (SIGINT) stops like SIGTERM, counting
# every finished training; the lock of a run killed with SIGKILL is stale, and so is the lock of
# this very Slurm job (a requeued job keeps its id).
#   lifecycle.sh HSICHO ROOT
set -u
hsicho=$1
root=$2
. "$root/tests/cli/lib.sh"
tmp=$(mktemp -d)
trap 'pkill -9 -f "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
# Slow enough to be caught running: 12 trainings of about a second each, one at a time (fused,
# the 12 would end together in about a second).
printf 'study: {fuse: 1}\ndata: {name: runge, train: 512, validation: 64, test: 64}\ndesign: {samples: 12}\ntraining: {epochs: 300}\nspace:\n  - {name: lr, type: log, range: [1.0e-4, 1.0e-1]}\n' >slow.yaml

"$hsicho" run "$tmp/slow.yaml" >first.log 2>&1 &
first=$!
for _ in $(seq 200); do
  [ "$(records slow.h5)" -ge 1 ] && break
  sleep 0.05
done
check "the default study file sits beside where it runs, its journal beside it" 0 test -d slow.h5.journal
check "status while it runs" 0 "$hsicho" status slow.h5
contains "  says running, by whom" "running: host $(hostname), pid $first (alive)"
contains "  counts against the plan" " of 12 (0 failed)"
contains "  shows the rank" "0 on $(hostname): "
check "  and the journal folder works too, as JSON" 0 "$hsicho" status slow.h5.journal/ --json
contains "  (JSON)" '"state": "running"'
check "a second run on a live study is refused" 2 "$hsicho" run "$tmp/slow.yaml"
contains "  naming the live run" "is being written by a live run (host $(hostname)"
check "  also with --resume" 2 "$hsicho" run "$tmp/slow.yaml" --resume
kill -INT $first
wait $first
rc=$?
check "Ctrl-C stops the run with exit 3 (stopped, to resume)" 0 test "$rc" -eq 3
done_now=$(records slow.h5)
out=$(cat first.log)
contains "  saying so and counting every finished training" "stopped by a signal with $done_now trainings done"
contains "  with the resume command: this hsicho, no launcher on one process" "continue with: $(readlink -f "$hsicho") run $tmp/slow.yaml --resume"
check "  and no 'once the cause is fixed' after a deliberate stop" 1 grep -q "once the cause is fixed" first.log
check "  and no progress line after its stop message (a training ending then says 'stopping')" 0 \
  test -z "$(sed -n '/hsicho: stopping after the trainings in progress/,$p' first.log | grep '^progress:')"
check "  and the lock is gone" 0 test ! -e slow.h5.journal/lock
check "status after the stop" 0 "$hsicho" status slow.h5
contains "  says stopped, with the resume command" "no live run; continue with: $(readlink -f "$hsicho") run $tmp/slow.yaml --resume"
contains "  counting every finished training" "$done_now of 12 (0 failed), $((12 - done_now)) left"
out=$(cat slow.h5.log)
contains "the log beside the study file echoes the deck" "==== deck $tmp/slow.yaml:"
contains "  and holds the progress" "progress: 1/12 done"
contains "  and the stop" "stopped by a signal with $done_now trainings done"

# A run killed with SIGKILL leaves its lock; the process is gone, so the lock is stale.
"$hsicho" run "$tmp/slow.yaml" --resume >second.log 2>&1 &
second=$!
for _ in $(seq 400); do
  [ -e slow.h5.journal/lock ] && break
  sleep 0.05
done
kill -9 $second
wait $second 2>/dev/null
check "a SIGKILL leaves the lock behind" 0 test -e slow.h5.journal/lock
# The lock of this Slurm job (pid 1 is alive, but the job id is ours): stale too.
printf '{"host":"%s","pid":1,"slurm_job_id":"4242"}\n' "$(hostname)" >slow.h5.journal/lock
check "a requeued Slurm job takes over its own lock" 0 env SLURM_JOB_ID=4242 "$hsicho" run "$tmp/slow.yaml" --resume
contains "  and finishes the study" "done: 12 trainings"
out=$(cat slow.h5.log)
contains "the log appends the resumed runs" "resumed on 1 rank"
contains "  to their end" "study file: slow.h5"
check "the lock is removed at the end" 0 test ! -e slow.h5.journal/lock
check "status of a finished study" 0 "$hsicho" status slow.h5
contains "  says finished" "finished: $(readlink -f "$hsicho") report slow.h5"
check "status without a journal says what it needs" 2 "$hsicho" status nothing.h5
contains "  (message)" "no journal folder 'nothing.h5.journal'"
printf '{"host":"%s","pid":1,"slurm_job_id":""}\n' "$(hostname)" >slow.h5.journal/lock
check "a live process's lock is respected" 2 "$hsicho" run "$tmp/slow.yaml" --resume
summary
