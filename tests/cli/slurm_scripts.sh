#!/usr/bin/env bash
# The Slurm batch scripts' decisions under stub srun, scontrol and hsicho, for what the real
# Slurm of tests/slurm/slurm_real.sh cannot reach (the GPU scripts; exit statuses on demand):
# they always run hsicho with --resume (passing further options on), requeue the job on exit
# status 3 (stopped by the time-limit signal) only, take threads from --cpus-per-task alone,
# launch with PMIx, and leave the site's partition and account as placeholders to fill.
#   slurm_scripts.sh ROOT
set -u
root=$1
. "$root/tests/cli/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/bin"
cat >"$tmp/bin/srun" <<'EOS'
#!/bin/sh
echo "srun $* OMP_NUM_THREADS=$OMP_NUM_THREADS" >>"$STUB_LOG"
[ -z "${STUB_NOSTART:-}" ] && echo run >>"$STUB_LOG.runs"  # the study's run started (its "started" changes)
exit "$STUB_RC"
EOS
cat >"$tmp/bin/hsicho" <<'EOS'
#!/bin/sh
echo "{\"started\": \"$(cat "$STUB_LOG.runs" 2>/dev/null | wc -l)\"}"
EOS
cat >"$tmp/bin/scontrol" <<'EOS'
#!/bin/sh
echo "scontrol $*" >>"$STUB_LOG"
EOS
chmod +x "$tmp/bin/srun" "$tmp/bin/scontrol" "$tmp/bin/hsicho"
for script in cpu gpu gpu_packed; do
  check "$script.sbatch leaves the partition to fill" 0 grep -q "^##SBATCH --partition=PARTITION" "$root/slurm/$script.sbatch"
  check "$script.sbatch leaves the account to fill" 0 grep -q "^##SBATCH --account=ACCOUNT" "$root/slurm/$script.sbatch"
  check "$script.sbatch says where the modules go" 0 grep -q "^# module load" "$root/slurm/$script.sbatch"
  check "$script.sbatch sets no thread count of its own" 1 grep -Eq "threads: [0-9]|NUM_THREADS=[0-9]" "$root/slurm/$script.sbatch"
  for rc in 0 1 2 3; do
    log=$tmp/$script-$rc.log
    : >"$log"
    PATH="$tmp/bin:$PATH" HSICHO=$tmp/bin/hsicho STUB_LOG=$log STUB_RC=$rc SLURM_JOB_ID=77 SLURM_CPUS_PER_TASK=2 \
      SLURM_SUBMIT_DIR=$root bash "$root/slurm/$script.sbatch" deck.yaml --out x.h5 >/dev/null 2>&1
    got=$?
    check "$script.sbatch passes on exit $rc" 0 test "$got" -eq "$rc"
    check "$script.sbatch runs hsicho with --resume and the options given" 0 grep -q -- "run deck.yaml --resume --out x.h5" "$log"
    check "$script.sbatch launches the ranks with PMIx" 0 grep -q -- "srun --mpi=pmix" "$log"
    check "$script.sbatch: OpenMP threads from --cpus-per-task" 0 grep -q -- "OMP_NUM_THREADS=2" "$log"
    if [ "$rc" -eq 3 ]; then
      check "$script.sbatch requeues a stopped study" 0 grep -q "scontrol requeue 77" "$log"
    else
      check "$script.sbatch does not requeue on exit $rc" 1 grep -q "scontrol" "$log"
    fi
  done
done
# A step that never started hsicho (a requeued job's launch racing its previous step): launched
# again, 3 times in all, then a failure, never a success that trained nothing.
log=$tmp/nostart.log
: >"$log"
PATH="$tmp/bin:$PATH" HSICHO=$tmp/bin/hsicho STUB_LOG=$log STUB_RC=0 STUB_NOSTART=1 HSICHO_RELAUNCH_WAIT=0 \
  SLURM_JOB_ID=77 SLURM_SUBMIT_DIR=$root bash "$root/slurm/cpu.sbatch" deck.yaml >"$tmp/nostart.out" 2>&1
got=$?
check "a step that never started hsicho: exit 1" 0 test "$got" -eq 1
check "  after 3 launches" 0 test "$(grep -c "^srun" "$log")" -eq 3
check "  each said" 0 grep -q "before hsicho started its run (attempt 3 of 3)" "$tmp/nostart.out"
check "gpu_packed.sbatch shows every GPU of a node to every rank (no --gpus-per-task)" 1 grep -q "^#SBATCH --gpus-per-task" "$root/slurm/gpu_packed.sbatch"
check "  and asks for the node's GPUs" 0 grep -q "^#SBATCH --gres=gpu:" "$root/slurm/gpu_packed.sbatch"
summary
