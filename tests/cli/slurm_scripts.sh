#!/usr/bin/env bash
# The Slurm batch scripts' decisions under stub srun and scontrol: they always run hsicho with
# --resume, and requeue the job on exit status 3 (stopped by the time-limit signal) only.
#   slurm_scripts.sh ROOT
set -u
root=$1
. "$root/tests/cli/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/bin"
cat >"$tmp/bin/srun" <<'EOS'
#!/bin/sh
echo "srun $*" >>"$STUB_LOG"
exit "$STUB_RC"
EOS
cat >"$tmp/bin/scontrol" <<'EOS'
#!/bin/sh
echo "scontrol $*" >>"$STUB_LOG"
EOS
chmod +x "$tmp/bin/srun" "$tmp/bin/scontrol"
for script in cpu gpu; do
  for rc in 0 1 2 3; do
    log=$tmp/$script-$rc.log
    : >"$log"
    PATH="$tmp/bin:$PATH" STUB_LOG=$log STUB_RC=$rc SLURM_JOB_ID=77 SLURM_CPUS_PER_TASK=2 \
      SLURM_SUBMIT_DIR=$root bash "$root/slurm/$script.sbatch" deck.yaml >/dev/null 2>&1
    got=$?
    check "$script.sbatch passes on exit $rc" 0 test "$got" -eq "$rc"
    check "$script.sbatch runs hsicho with --resume" 0 grep -q -- "run deck.yaml --resume" "$log"
    if [ "$rc" -eq 3 ]; then
      check "$script.sbatch requeues a stopped study" 0 grep -q "scontrol requeue 77" "$log"
    else
      check "$script.sbatch does not requeue on exit $rc" 1 grep -q "scontrol" "$log"
    fi
  done
done
summary
