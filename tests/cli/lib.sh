# Helpers for the command-line test scripts (sourced): count passes and failures, run a command
# expecting an exit code, look for text in its output.
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() {
  fail=$((fail + 1))
  echo "FAIL $*"
}
check() {  # check NAME EXPECTED_RC COMMAND... ; the output lands in $out
  local name=$1 want=$2
  shift 2
  out=$("$@" 2>&1)
  local rc=$?
  if [ "$rc" -eq "$want" ]; then ok; else bad "$name: exit $rc, wanted $want: $out"; fi
}
contains() {  # contains NAME TEXT: the last output holds TEXT
  if grep -qF -- "$2" <<<"$out"; then ok; else bad "$1: no '$2' in: $out"; fi
}
summary() {  # the closing line, and the exit status
  echo "$pass passed, $fail failed"
  [ "$fail" -eq 0 ]
}
records() {  # records STUDY.h5: finished trainings in its journal
  cat "$1".journal/rank-*.jnl 2>/dev/null | grep -c '^{' || true
}
# run_killed_after N TRIES MPIEXEC HSICHO DECK STUDY: `hsicho run DECK --out STUDY` on 2 ranks in
# the background, killed (SIGKILL, every rank) once STUDY's journal holds N results or after
# TRIES x 0.05 s; the run's output lands in STUDY.log.
run_killed_after() {
  local n=$1 tries=$2 mpiexec=$3 hsicho=$4 deck=$5 study=$6 job
  "$mpiexec" -n 2 "$hsicho" run "$deck" --out "$study" >"$study.log" 2>&1 &
  job=$!
  for _ in $(seq "$tries"); do
    [ "$(records "$study")" -ge "$n" ] && break
    sleep 0.05
  done
  kill -9 $(pgrep -f "hsicho run $deck --out $study") 2>/dev/null
  wait $job 2>/dev/null
}
# This test's own processes whose command line matches PATTERN: the environment of each holds
# the HSICHO_TEST_TAG this file exports (inherited by hsicho, its ranks and its commands), so
# another program's process of the same name (a `sleep 60` elsewhere on the machine) never counts.
export HSICHO_TEST_TAG=${HSICHO_TEST_TAG:-$$.$RANDOM.$RANDOM}
own_pids() {
  local pid
  for pid in $(pgrep -f "$1"); do
    tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -qxF "HSICHO_TEST_TAG=$HSICHO_TEST_TAG" && echo "$pid"
  done
}
