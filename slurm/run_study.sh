#!/bin/bash
# The part every batch script shares: run the study with --resume, requeue only when this run
# was stopped by the time-limit signal. Called (exec'd) by cpu.sbatch, gpu.sbatch and
# gpu_packed.sbatch as
#   bash slurm/run_study.sh DECK.yaml [more hsicho run options]
set -euo pipefail
deck=${1:?usage: run_study.sh DECK.yaml [options]}
shift
hsicho=${HSICHO:-$SLURM_SUBMIT_DIR/build/hsicho}
# The one place for threads is --cpus-per-task: the deck's `threads: auto` (the default) reads
# SLURM_CPUS_PER_TASK; OpenMP follows it, OpenBLAS stays at one (LibTorch parallelizes above it).
export OMP_NUM_THREADS=${SLURM_CPUS_PER_TASK:-1} OPENBLAS_NUM_THREADS=1
# How srun starts MPI ranks: Debian's OpenMPI (4.1) needs PMIx (slurm/README.md); a site whose
# MPI wants another plugin sets HSICHO_SRUN_MPI (pmi2, none, ...).
launch=(srun "--mpi=${HSICHO_SRUN_MPI:-pmix}" --kill-on-bad-exit=1)
# Ranks: what the submission asked (-n, --ntasks-per-node), else one per core of the allocation
# over --cpus-per-task (cpu.sbatch takes whole nodes).
if [ -z "${SLURM_NTASKS:-}" ] && [ -z "${SLURM_NTASKS_PER_NODE:-}" ] &&
  [ -n "${SLURM_CPUS_ON_NODE:-}" ]; then
  launch+=("--ntasks-per-node=$((SLURM_CPUS_ON_NODE / ${SLURM_CPUS_PER_TASK:-1}))")
fi

# The --out of the options, for `hsicho status` (the deck names the study file otherwise).
out=()
prev=""
for a in "$@"; do
  [ "$prev" = "--out" ] && out=(--out "$a")
  case "$a" in --out=*) out=(--out "${a#--out=}") ;; esac
  prev=$a
done
started() { "$hsicho" status "$deck" "${out[@]}" --json 2>/dev/null | grep '"started"' || true; }
before=$(started)

# Always --resume: it continues a requeued or resubmitted study from its journal, and starts one
# that has none (no need to guess the study file from the deck). srun runs in the background so
# that this shell can pass on a USR1 sent to it alone. A step that never started hsicho (a
# requeued job can start while its previous step's PMIx socket is still there: "task launch
# failed") is launched again, up to 3 times.
set +e
for attempt in 1 2 3; do
  "${launch[@]}" "$hsicho" run "$deck" --resume "$@" &
  step=$!
  trap 'kill -USR1 "$step" 2>/dev/null' USR1
  trap 'kill -TERM "$step" 2>/dev/null' TERM
  wait "$step"
  rc=$?
  while kill -0 "$step" 2>/dev/null; do  # a trapped signal ended the wait, not the step
    wait "$step"
    rc=$?
  done
  trap - USR1 TERM
  if [ $rc -eq 2 ] || [ $rc -eq 3 ] || [ "$(started)" != "$before" ]; then break; fi
  echo "run_study.sh: the step ended with status $rc before hsicho started its run (attempt $attempt of 3)" >&2
  [ $attempt -lt 3 ] && sleep "${HSICHO_RELAUNCH_WAIT:-5}"
  [ $attempt -eq 3 ] && [ $rc -eq 0 ] && rc=1  # never a success that trained nothing
done
set -e
# A launcher may report a stop by signal as another status (mpiexec gives 1): the study itself
# says how its run ended, but only a run that started here counts (an earlier run's "stopped by a
# signal" must not requeue a run that failed before recording its own end).
if [ $rc -ne 0 ] && [ $rc -ne 2 ] && [ $rc -ne 3 ]; then
  after=$(started)
  if [ -n "$after" ] && [ "$after" != "$before" ] &&
    "$hsicho" status "$deck" "${out[@]}" --json 2>/dev/null | grep -q '"end": "stopped by a signal"'; then
    rc=3
  fi
fi
# Exit 3: stopped by the time-limit signal (or scancel --signal=USR1), every finished training in
# the journal: requeue to finish. Never on 2 (a bad deck or file) or 1 (a failure to look at).
if [ $rc -eq 3 ] && [ -n "${SLURM_JOB_ID:-}" ]; then scontrol requeue "$SLURM_JOB_ID"; fi
exit $rc
