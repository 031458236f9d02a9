#!/usr/bin/env bash
# The persistent worker (training.persistent, docs/driver.md): a training function served by
# hsicho.serve (tests/external/served.py) gives the same study file as the same function run as
# a process per configuration, on 1 and 3 ranks; each fault fails its configuration only (a
# raise: the exception's last line; os._exit: the worker started again; a hang past the timeout;
# a restart after max_trainings_per_worker), the others' results unchanged; early stopping goes
# through report(); a kill -9 and --resume give the uninterrupted study; SIGTERM stops the
# workers and exits 3.
#   worker.sh HSICHO MPIEXEC ROOT
set -u
hsicho=$1
mpiexec=$2
root=$3
compare="/usr/bin/python3 $root/tests/cli/compare_studies.py --ignore results/metrics/pid"
tmp=$(mktemp -d)
trap 'pkill -9 -f "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
. "$root/tests/cli/lib.sh"
cd "$tmp" || exit 1

deck() {  # deck NAME SAMPLES EXTRA_TRAINING_KEYS [EXTRA_BLOCK]: a deck of the served function
  cat >"$1.yaml" <<EOD
study: {name: $1, seed: 3}
design: {samples: $2}
training:
  command: [/usr/bin/python3, $root/tests/external/served.py]
  workdir: runs/$1/{id}
  env: {HSICHO_PYTHON_MODULE: $root/python, FAULT: "${FAULT:-}", FAULT_ID: "${FAULT_ID:--1}", EPOCH_SECONDS: "${EPOCH_SECONDS:-0}"}
  $3
${4:-}
space:
  - {name: x, type: continuous, range: [0, 1]}
  - {name: k, type: integer, range: [1, 5]}
  - {name: c, type: categorical, values: [a, b, c]}
  - {name: epochs, type: fixed, value: 8}
EOD
}
# One line per configuration: id status cause val_error pid | message
rows() {
  /usr/bin/python3 - "$1" <<'EOP'
import sys, h5py
f = h5py.File(sys.argv[1], "r")
r = f["results"]
text = lambda v: v.decode() if isinstance(v, bytes) else str(v)
for i, cid in enumerate(f["configs/id"][()]):
    print(cid, text(r["status"][i]), text(r["cause"][i]).replace(" ", "_") or "-", repr(float(r["val_error"][i])),
          int(r["metrics/pid"][i]) if r["metrics/pid"][i] == r["metrics/pid"][i] else "-",
          "|", text(r["message"][i]))
EOP
}
row() { rows "$1" | grep "^$2 "; }
pids() { rows "$1" | awk '$5 != "-" {print $5}' | sort -u | wc -l; }
same_except() {  # same_except A B ID: every configuration but ID has the same result line
  if diff <(rows "$1" | grep -v "^$3 " | cut -d' ' -f1-4) <(rows "$2" | grep -v "^$3 " | cut -d' ' -f1-4) >/dev/null
  then ok; else bad "$1 and $2 differ outside configuration $3"; fi
}

# 1. The same function, a process per configuration (the reference) and persistent, 1 and 3 ranks.
deck once 12 ""
check "a process per configuration" 0 "$hsicho" run once.yaml --out once.h5
deck served 12 "persistent: true"
check "persistent on 1 rank" 0 "$hsicho" run served.yaml --out p1.h5
check "  equals a process per configuration" 0 $compare once.h5 p1.h5
check "  one worker trained them all" 0 test "$(pids p1.h5)" -eq 1
check "  each training's output is in its folder" 0 grep -q "training 4 in $tmp/runs/served/4" runs/served/4/stdout.txt
check "  the worker's own log is in the work root" 0 test -f "$(ls runs/served/worker-*.log | head -1)"
rm -rf runs/served
check "persistent on 3 ranks" 0 "$mpiexec" -n 3 "$hsicho" run served.yaml --out p3.h5
check "  equals a process per configuration" 0 $compare once.h5 p3.h5
check "  one worker per rank" 0 test "$(pids p3.h5)" -eq 3

# 2. Faults, on 1 and 3 ranks: only the configuration in hand fails.
for n in 1 3; do
  launch=("$hsicho")
  [ "$n" -gt 1 ] && launch=("$mpiexec" -n "$n" "$hsicho")
  FAULT=raise FAULT_ID=5 deck raise 12 "persistent: true"
  check "$n rank(s), a raise: the study goes on" 0 "${launch[@]}" run raise.yaml --out raise$n.h5
  check "  the configuration failed with the exception's last line" 0 \
    grep -q "^5 failed exception inf - | ValueError: bad configuration 5$" <<<"$(row raise$n.h5 5)"
  check "  its traceback and output are in its stderr.txt" 0 \
    grep -qz "about to fail.*Traceback.*ValueError: bad configuration 5" runs/raise/5/stderr.txt
  same_except once.h5 raise$n.h5 5
  check "  the worker went on (one per rank)" 0 test "$(pids raise$n.h5)" -eq "$n"

  FAULT=exit FAULT_ID=5 deck exit 12 "persistent: true"
  check "$n rank(s), os._exit in a training" 0 "${launch[@]}" run exit.yaml --out exit$n.h5
  check "  that configuration failed, with the worker's exit code" 0 \
    grep -q "^5 failed exit_code inf - | the worker exited with code 7 during this training" <<<"$(row exit$n.h5 5)"
  same_except once.h5 exit$n.h5 5
  check "  a new worker took the next trainings" 0 test "$(pids exit$n.h5)" -eq "$((n + 1))"

  FAULT=hang FAULT_ID=5 deck hang 12 "persistent: true
  timeout: 2s"
  check "$n rank(s), a hang past the timeout" 0 "${launch[@]}" run hang.yaml --out hang$n.h5
  check "  that configuration timed out" 0 \
    grep -q "^5 failed timeout inf - | timed out after 2 s" <<<"$(row hang$n.h5 5)"
  same_except once.h5 hang$n.h5 5
  check "  the hung worker is gone" 0 test -z "$(own_pids "served.py")"
  rm -rf runs
done
FAULT=leak deck leak 12 "persistent: true
  max_trainings_per_worker: 3"
check "max_trainings_per_worker: 3" 0 "$hsicho" run leak.yaml --out leak.h5
check "  the same results" 0 $compare once.h5 leak.h5
check "  a worker per 3 trainings" 0 test "$(pids leak.h5)" -eq 4

# 3. Early stopping through report(): each progress line waits for hsicho's answer, so the
#    decisions are the design's and the seeds' alone: the same study on 1 and 3 ranks. (With the
#    progress file, a command faster than hsicho's reading can end before its stop.)
deck prune 24 "persistent: true" "pruning: {min_epochs: 2, factor: 2, keep: [1, 1, 1], min_trainings: 4}"
check "pruned, persistent" 0 "$hsicho" run prune.yaml --out prune1.h5
check "  trainings were stopped at rungs" 0 test "$(rows prune1.h5 | grep -c ' stopped rung ')" -ge 4
rm -rf runs/prune
check "pruned, persistent, 3 ranks" 0 "$mpiexec" -n 3 "$hsicho" run prune.yaml --out prune3.h5
check "  the same study" 0 $compare prune1.h5 prune3.h5
stopped=$(rows prune3.h5 | awk '$2 == "stopped" {print $1; exit}')
check "  a stopped training's function returned (report said False)" 0 \
  grep -q "returned after epoch 2" "runs/prune/$stopped/stdout.txt"

# 4. Killed with SIGKILL (hsicho and its workers) mid-run, resumed on 3 ranks: the same study file.
rm -rf runs
EPOCH_SECONDS=0.05 deck slow 24 "persistent: true"
"$mpiexec" -n 2 "$hsicho" run slow.yaml --out killed.h5 >killed.log 2>&1 &
job=$!
for _ in $(seq 600); do
  [ "$(records killed.h5)" -ge 6 ] && break
  sleep 0.05
done
pkill -9 -f "hsicho run slow.yaml --out killed.h5"
kill -9 $job 2>/dev/null
wait $job 2>/dev/null
done_before=$(records killed.h5)
check "something was left to resume ($done_before of 24 done)" 0 test "$done_before" -lt 24
for _ in $(seq 100); do [ -z "$(own_pids "served.py")" ] && break; sleep 0.1; done
check "  the orphaned workers left when hsicho's end of the channel closed" 0 test -z "$(own_pids "served.py")"
check "  the resume on 3 ranks succeeds" 0 "$mpiexec" -n 3 "$hsicho" run slow.yaml --out killed.h5 --resume
rm -rf runs
EPOCH_SECONDS=0 deck slow 24 ""
check "  (a process per configuration, uninterrupted)" 0 "$hsicho" run slow.yaml --out slow_ref.h5
check "  equals the uninterrupted study" 0 $compare slow_ref.h5 killed.h5

# 5. SIGTERM to hsicho (one process: mpiexec has its own exit code): the worker stops, exit 3, --resume finishes.
rm -rf runs
EPOCH_SECONDS=0.2 deck term 12 "persistent: true"
"$hsicho" run term.yaml --out term.h5 >term.log 2>&1 &
job=$!
for _ in $(seq 600); do
  [ "$(records term.h5)" -ge 2 ] && break
  sleep 0.05
done
kill -TERM $job
wait $job
check "SIGTERM: exit 3" 0 test $? -eq 3
check "  no worker left" 0 test -z "$(own_pids "served.py")"
check "  --resume finishes it" 0 "$hsicho" run term.yaml --out term.h5 --resume

summary
