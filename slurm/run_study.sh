#!/bin/bash
# The part every batch script shares: run the study with --resume, requeue only when it was
# stopped by the time-limit signal. Called by cpu.sbatch, gpu.sbatch and gpu_packed.sbatch as
#   bash slurm/run_study.sh DECK.yaml [more hsicho run options]
set -euo pipefail
deck=${1:?usage: run_study.sh DECK.yaml [options]}
shift
hsicho=${HSICHO:-$SLURM_SUBMIT_DIR/build/hsicho}
# The one place for threads is --cpus-per-task: the deck's `threads: auto` (the default) reads
# SLURM_CPUS_PER_TASK; OpenMP follows it, OpenBLAS stays at one (LibTorch parallelizes above it).
export OMP_NUM_THREADS=${SLURM_CPUS_PER_TASK:-1} OPENBLAS_NUM_THREADS=1

# Always --resume: it continues a requeued or resubmitted study from its journal, and starts one
# that has none (no need to guess the study file from the deck).
set +e
srun --kill-on-bad-exit=1 "$hsicho" run "$deck" --resume "$@"
rc=$?
set -e
# A launcher may report a stop by signal as another status (mpiexec gives 1): the study itself
# says how its run ended.
if [ $rc -ne 0 ] && [ $rc -ne 2 ] && [ $rc -ne 3 ]; then
  out=()
  prev=""
  for a in "$@"; do
    [ "$prev" = "--out" ] && out=(--out "$a")
    case "$a" in --out=*) out=(--out "${a#--out=}") ;; esac
    prev=$a
  done
  if "$hsicho" status "$deck" "${out[@]}" --json 2>/dev/null | grep -q '"end": "stopped by a signal"'; then
    rc=3
  fi
fi
# Exit 3: stopped by the time-limit signal (or scancel --signal=USR1), every finished training in
# the journal: requeue to finish. Never on 2 (a bad deck or file) or 1 (a failure to look at).
if [ $rc -eq 3 ] && [ -n "${SLURM_JOB_ID:-}" ]; then scontrol requeue "$SLURM_JOB_ID"; fi
exit $rc
