#!/usr/bin/env bash
# hsicho under a real single-node Slurm, as users run it: slurm/cpu.sbatch unedited but for its
# SITE lines; `sbatch --wait` trains a study on 2 ranks; the time-limit signal (USR1) stops a
# study with exit 3 and run_study.sh requeues it, the requeued job resumes under the same job id
# to the same study file as an uninterrupted run; scancel and resubmission resume too; a job
# that fails before training (exit 2) or fails after an earlier stopped run (exit 1) is not
# requeued; `status` names the Slurm job and knows when it has ended; the batch shell survives
# `scancel --signal=USR1 --batch`.
#
# It starts munged, slurmctld and slurmd of its own (a config written for this machine, ports
# 16817-16818, every file in a temporary folder) and stops them by their pids. Needs root and
# Debian's slurm-wlm and munge (scripts/setup.sh installs them); says skipped (exit 77) elsewhere.
#   slurm_real.sh HSICHO ROOT
set -u
hsicho=$1
root=$2
for tool in slurmctld slurmd munged sbatch srun scontrol squeue scancel; do
  if ! command -v "$tool" >/dev/null; then
    echo "skipped: no $tool (apt-get install slurm-wlm munge, or ./scripts/setup.sh)"
    exit 77
  fi
done
if [ "$(id -u)" -ne 0 ] || ! id munge >/dev/null 2>&1; then
  echo "skipped: a Slurm of its own needs root (and the munge user)"
  exit 77
fi
. "$root/tests/cli/lib.sh"  # before the daemons: they and their steps carry its HSICHO_TEST_TAG
tmp=$(mktemp -d)
chmod 755 "$tmp"
pids=()
cleanup() {
  scancel --quiet "--user=$(id -un)" 2>/dev/null
  for _ in $(seq 50); do [ -z "$(squeue -h 2>/dev/null)" ] && break; sleep 0.2; done
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  sleep 0.5
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
  # What the daemons left (a job step's slurmstepd, its ranks): this test's own processes only.
  for p in $(own_pids "slurmstepd") $(own_pids "hsicho"); do kill -9 "$p" 2>/dev/null; done
  pkill -9 -f "$tmp" 2>/dev/null
  [ -n "${HSICHO_KEEP_TMP:-}" ] && echo "kept $tmp" || rm -rf "$tmp"
}
trap cleanup EXIT

# munge: a key and a socket of its own, run as the munge user.
install -d -o munge -g munge -m 0700 "$tmp/munge"
dd if=/dev/urandom of="$tmp/munge/munge.key" bs=1024 count=1 status=none
chown munge:munge "$tmp/munge/munge.key"
chmod 0400 "$tmp/munge/munge.key"
socket=$tmp/munge/munge.socket
runuser -u munge -- munged --foreground --key-file="$tmp/munge/munge.key" --socket="$socket" \
  --pid-file="$tmp/munge/munged.pid" --log-file="$tmp/munge/munged.log" \
  --seed-file="$tmp/munge/munged.seed" --force >"$tmp/munged.out" 2>&1 &
pids+=($!)
chmod 0755 "$tmp/munge"  # the socket's folder: readable by the Slurm daemons and clients

node=$(hostname -s)
cpus=$(getconf _NPROCESSORS_ONLN)  # not nproc: it follows OMP_NUM_THREADS
mem=$(($(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 512))
export SLURM_CONF=$tmp/slurm.conf
mkdir -p "$tmp/state" "$tmp/spool"
cat >"$SLURM_CONF" <<EOC
ClusterName=hsichotest
SlurmctldHost=$node
SlurmctldPort=16817
SlurmdPort=16818
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$socket
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/slurmctld.log
SlurmdLogFile=$tmp/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
JobRequeue=1
MpiDefault=pmix
ReturnToService=2
SchedulerType=sched/builtin
MinJobAge=600
KillWait=10
NodeName=$node CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOC
for _ in $(seq 50); do [ -S "$socket" ] && break; sleep 0.1; done
slurmctld -D -i -f "$SLURM_CONF" >"$tmp/slurmctld.out" 2>&1 &
pids+=($!)
slurmd -D -f "$SLURM_CONF" >"$tmp/slurmd.out" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
  [ "$(sinfo -h -o %t 2>/dev/null)" = "idle" ] && break
  sleep 0.2
done
if [ "$(sinfo -h -o %t 2>/dev/null)" != "idle" ]; then
  echo "FAIL: the Slurm of this test did not come up:"
  tail -5 "$tmp/munged.out" "$tmp/slurmctld.log" "$tmp/slurmd.log" 2>/dev/null
  exit 1
fi

# The batch script as users have it, but for its SITE lines (here: no partition, no module).
work=$tmp/work
mkdir -p "$work/slurm" "$work/build" "$work/runs"
cp "$root/slurm/cpu.sbatch" "$root/slurm/run_study.sh" "$work/slurm/"
ln -s "$hsicho" "$work/build/hsicho"
ln -s "$(dirname "$hsicho")/hsicho-mpi" "$work/build/hsicho-mpi"
ln -s "$(dirname "$hsicho")/hsicho-mpi-command" "$work/build/hsicho-mpi-command"
cd "$work" || exit 1
state() { scontrol show job "$1" -o 2>/dev/null | grep -o 'JobState=[A-Z_]*' | cut -d= -f2; }
wait_state() {  # wait_state JOB STATE SECONDS
  for _ in $(seq $(($3 * 10))); do
    [ "$(state "$1")" = "$2" ] && return 0
    sleep 0.1
  done
  return 1
}
# Slurm holds a requeued job about 2 minutes before it may start again: start it as soon as it
# is pending (its previous step may still be ending: run_study.sh launches again if it races).
requeued_now() {
  wait_state "$1" PENDING 60 && scontrol update "JobId=$1" StartTime=now >/dev/null 2>&1
}

# A study of the user's command: a few seconds per training, so that signals land mid-study.
cat >study.yaml <<'EOD'
study: {name: slurm_study, seed: 4}
design: {samples: 24}
training:
  command: [sh, -c, 'sleep "$SLEEP"; echo "{\"error\": $HSICHO_ID.5}" > "$HSICHO_RESULT"']
  env: {SLEEP: "0.6"}
space:
  - {name: x, type: continuous, range: [0, 1]}
  - {name: k, type: integer, range: [1, 4]}
EOD

# 1. sbatch --wait on 2 ranks: the study, its log appended, the job id recorded.
check "sbatch --wait cpu.sbatch -n 2 trains the study" 0 \
  timeout 150 sbatch --wait -n 2 --parsable slurm/cpu.sbatch study.yaml --out runs/ref.h5
job=$(tr -d '\n' <<<"$out" | grep -o '^[0-9]*')
check "  24 trainings in the study file" 0 test "$(records runs/ref.h5)" -eq 24
check "  the log is hsicho-JOB.log" 0 grep -q "done: 24 trainings" "hsicho-$job.log"
check "  status --json names the Slurm job" 0 grep -q "\"slurm_job_id\": \"$job\"" <(
  "$hsicho" status runs/ref.h5 --json)
check "  the study file records it" 0 /usr/bin/python3 -c "
import h5py, sys
v = h5py.File('runs/ref.h5').attrs['slurm_job_id']
sys.exit(0 if (v.decode() if isinstance(v, bytes) else v) == '$job' else 1)"
check "  status says the job ended" 0 "$hsicho" status runs/ref.h5
contains "  (finished)" "finished"

# 2. The time-limit signal: USR1 to the steps (as --signal=USR1@120 does before the limit), the
#    study stops with exit 3, run_study.sh requeues the job, which resumes under the same job id
#    and finishes: the same study file as the uninterrupted one.
job=$(sbatch --parsable -n 2 slurm/cpu.sbatch study.yaml --out runs/sig.h5)
for _ in $(seq 300); do [ "$(records runs/sig.h5)" -ge 4 ] && break; sleep 0.1; done
check "  status while it runs: running, Slurm job $job" 0 "$hsicho" status runs/sig.h5
contains "  (the job named)" "Slurm job $job"
scancel --signal=USR1 "$job"
for _ in $(seq 300); do
  grep -q "stopped by a signal" "hsicho-$job.log" 2>/dev/null && break
  sleep 0.1
done
check "the signal stopped the study (exit 3)" 0 grep -q "stopped by a signal" "hsicho-$job.log"
check "  its hint resumes with srun and hsicho's absolute path" 0 \
  grep -q "continue with: srun $(dirname "$hsicho")/hsicho run " "hsicho-$job.log"
check "  (no mpiexec in it)" 1 grep -q "continue with: mpiexec" "hsicho-$job.log"
check "  nothing recorded as failed by it (the commands got USR1 too)" 0 \
  test "$(cat runs/sig.h5.journal/rank-*.jnl | grep -c '"status":"failed"')" -eq 0
requeued_now "$job"
check "  the requeued job ran to its end" 0 wait_state "$job" COMPLETED 120
check "  the log kept both runs (appended), each naming the job" 0 \
  test "$(grep -c "to train on 2 ranks.*; Slurm job $job" "hsicho-$job.log")" -ge 2
check "  the resumed study equals the uninterrupted one" 0 /usr/bin/python3 \
  "$root/tests/cli/compare_studies.py" runs/ref.h5 runs/sig.h5

# 3. A job whose ranks were killed outright (its lock left behind), seen as from a login node
#    (the lock's host another): Slurm says the job ended; the same submission again resumes.
job=$(sbatch --parsable -n 2 slurm/cpu.sbatch study.yaml --out runs/cancel.h5)
for _ in $(seq 300); do [ "$(records runs/cancel.h5)" -ge 4 ] && break; sleep 0.1; done
pkill -9 -f "hsicho run study.yaml --resume --out runs/cancel.h5"  # the ranks, as the OOM killer would
wait_state "$job" FAILED 30
sed -i 's/"host": *"[^"]*"/"host": "another-node"/' runs/cancel.h5.journal/lock
check "status of a killed job's study, from another host: not running" 0 "$hsicho" status runs/cancel.h5
contains "  Slurm says its job ended" "Slurm job $job ended ("
check "the resubmission resumes and finishes" 0 \
  timeout 150 sbatch --wait -n 2 slurm/cpu.sbatch study.yaml --out runs/cancel.h5
check "  the same study file" 0 /usr/bin/python3 "$root/tests/cli/compare_studies.py" runs/ref.h5 runs/cancel.h5
# Then a plain scancel (SIGTERM to the study): stopped, resumed by the next submission.
job=$(sbatch --parsable -n 2 slurm/cpu.sbatch study.yaml --out runs/term.h5)
for _ in $(seq 300); do [ "$(records runs/term.h5)" -ge 4 ] && break; sleep 0.1; done
scancel "$job"
wait_state "$job" CANCELLED 30
check "  nothing recorded as failed by the signal (the commands got it too)" 0 \
  test "$(cat runs/term.h5.journal/rank-*.jnl | grep -c '"status":"failed"')" -eq 0
check "the resubmission resumes and finishes" 0 \
  timeout 150 sbatch --wait -n 2 slurm/cpu.sbatch study.yaml --out runs/term.h5
check "  the same study file" 0 /usr/bin/python3 "$root/tests/cli/compare_studies.py" runs/ref.h5 runs/term.h5

# 4. No requeue on a bad deck (exit 2) nor on a failure after an earlier stopped run (exit 1).
printf 'study: {name: bad}\ndesign: {samples: 4}\n' >bad.yaml
job=$(sbatch --parsable -n 1 slurm/cpu.sbatch bad.yaml --out runs/bad.h5)
wait_state "$job" FAILED 60
check "a bad deck: the job failed, not requeued" 0 test "$(scontrol show job "$job" -o | grep -o 'Restarts=[0-9]*')" = "Restarts=0"
# runs/stopped.h5: a run stopped by a signal, then a run whose ranks fail before the run starts
# (as when MPI_Init fails: an hsicho that exits 1 at `run`): exit 1, and the earlier "stopped by
# a signal" in the study's status must not requeue it.
job=$(sbatch --parsable -n 2 slurm/cpu.sbatch study.yaml --out runs/stopped.h5)
for _ in $(seq 300); do [ "$(records runs/stopped.h5)" -ge 4 ] && break; sleep 0.1; done
scancel --signal=USR1 "$job"
wait_state "$job" PENDING 30
scancel "$job"
wait_state "$job" CANCELLED 30
check "  (the study says it was stopped by a signal)" 0 grep -q '"end": "stopped by a signal"' <(
  "$hsicho" status runs/stopped.h5 --json)
printf '#!/bin/sh\n[ "$1" = run ] && exit 1\nexec %s "$@"\n' "$hsicho" >failing-hsicho
chmod +x failing-hsicho
job=$(sbatch --parsable -n 2 --export=ALL,HSICHO=$work/failing-hsicho,HSICHO_RELAUNCH_WAIT=0 \
  slurm/cpu.sbatch study.yaml --out runs/stopped.h5)
wait_state "$job" FAILED 60
check "a failure after a stopped run: the job failed, not requeued" 0 \
  test "$(scontrol show job "$job" -o | grep -o 'Restarts=[0-9]*')" = "Restarts=0"
check "  (launched 3 times: hsicho never started its run)" 0 grep -q "attempt 3 of 3" "hsicho-$job.log"

# 5. USR1 to the batch shell alone (scancel --signal=USR1 --batch): it survives, passes the
#    signal to the study, and the job is requeued and finishes.
job=$(sbatch --parsable -n 2 slurm/cpu.sbatch study.yaml --out runs/batch.h5)
for _ in $(seq 300); do [ "$(records runs/batch.h5)" -ge 4 ] && break; sleep 0.1; done
scancel --signal=USR1 --batch "$job"
requeued_now "$job"
check "USR1 to the batch shell: requeued, then finished" 0 wait_state "$job" COMPLETED 120
check "  the same study file" 0 /usr/bin/python3 "$root/tests/cli/compare_studies.py" runs/ref.h5 runs/batch.h5
summary
