#!/usr/bin/env bash
# A study is readable at any moment (issue 28): a 2-rank study read by every reader while it
# runs, after SIGTERM (stopped), and after SIGKILL of one rank (killed), each time with the
# partial counts of its journal: status, report, report --json, export --csv, export --h5 (a
# snapshot h5py and the figures read), analyze; then finished, the study file itself.
#   readable.sh HSICHO MPIEXEC ROOT
set -u
hsicho=$1
mpiexec=$2
root=$3
tmp=$(mktemp -d)
trap 'pkill -9 -f "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
. "$root/tests/cli/lib.sh"
cd "$tmp" || exit 1
# The default study's space, trainings long enough (~0.7 s) to be read in the middle.
sed -e 's/epochs: 60/epochs: 1000/' -e 's/name: demo/name: readable/' "$root/inputs/demo.yaml" >deck.yaml

# Every reader on the study as it stands; the counts agree with the journal's.
read_all() {
  local moment=$1 want_state=$2
  local n
  n=$("$hsicho" status s.h5 --json | /usr/bin/python3 -c "import json, sys; print(json.load(sys.stdin)['done'])")
  [ "$n" -ge 1 ] && ok || bad "$moment: nothing done yet"
  check "$moment: status" 0 "$hsicho" status s.h5
  contains "$moment: status state" "$want_state"
  check "$moment: report" 0 "$hsicho" report s.h5
  contains "$moment: report says partial" "partial: "
  check "$moment: report --json" 0 "$hsicho" report s.h5 --json
  /usr/bin/python3 -c "
import json, sys
j = json.loads(sys.argv[1])
assert j['state'] == sys.argv[2], j['state']
assert j['partial']['done'] >= int(sys.argv[3]) and j['trainings'] == j['partial']['done']
" "$out" "$want_state" "$n" && ok || bad "$moment: report --json counts: $out"
  "$hsicho" export s.h5 --csv >export.csv 2>export.err && ok || bad "$moment: export --csv: $(cat export.err)"
  grep -q "a partial study" export.err && ok || bad "$moment: export does not say partial"
  rows=$(($(wc -l <export.csv) - 1))
  [ "$rows" -ge "$n" ] && ok || bad "$moment: export has $rows rows for $n done"
  # Each row's config is a configuration of the journal, with its values.
  /usr/bin/python3 - export.csv s.h5.journal <<'PY' && ok || bad "$moment: export rows are not the journal's"
import csv, glob, json, sys
journal = {}
for f in glob.glob(sys.argv[2] + "/rank-*.jnl"):
    for line in open(f).read().splitlines()[1:]:
        try:
            rec = json.loads(line.rsplit("\t", 1)[0])
        except ValueError:
            continue  # a torn last line
        journal.setdefault(rec["config"], rec)
for row in csv.DictReader(open(sys.argv[1])):
    rec = journal[int(row["config"])]
    assert float(row["lr"]) == rec["values"]["lr"], row["config"]
    assert row["status"] == rec["status"]
PY
  rm -f snap.h5
  check "$moment: export --h5" 0 "$hsicho" export s.h5 --h5 snap.h5
  /usr/bin/python3 -c "
import h5py, sys
f = h5py.File('snap.h5')
assert f.attrs['complete'] == 0 and len(f['results/status']) >= int(sys.argv[1])
" "$n" && ok || bad "$moment: the snapshot is not a partial study file"
  check "$moment: the figures of the snapshot" 0 env MPLBACKEND=Agg /usr/bin/python3 "$root/scripts/plot_study.py" snap.h5 --out figs-$moment
  check "$moment: analyze" 0 "$hsicho" analyze s.h5
  contains "$moment: analyze says partial" "a partial study"
}

# 1. Running.
"$mpiexec" -n 2 "$hsicho" run deck.yaml --out s.h5 >run.log 2>&1 &
job=$!
for _ in $(seq 300); do [ "$(records s.h5)" -ge 12 ] && break; sleep 0.1; done
read_all running running
# 2. Stopped by SIGTERM (every rank, as Slurm does).
kill -TERM $(pgrep -f "hsicho run deck.yaml" | grep -v "^$job$") 2>/dev/null
wait $job
read_all stopped stopped
contains "stopped: the resume command, with the launcher it ran under" "resume with mpiexec -n 2 $(readlink -f "$hsicho") run deck.yaml --resume --out s.h5"
# 3. Resumed, then one rank killed with SIGKILL.
"$mpiexec" -n 2 "$hsicho" run deck.yaml --out s.h5 --resume >run2.log 2>&1 &
job=$!
before=$(records s.h5)
for _ in $(seq 300); do [ "$(records s.h5)" -ge $((before + 2)) ] && break; sleep 0.1; done
kill -9 "$(pgrep -f "hsicho run deck.yaml" | grep -v "^$job$" | tail -1)" 2>/dev/null
wait $job
read_all killed stopped
# 4. Finished: the study file.
check "resumed to the end" 0 "$mpiexec" -n 2 "$hsicho" run deck.yaml --out s.h5 --resume
check "finished: report" 0 "$hsicho" report s.h5 --json
contains "finished: the state" '"state": "finished"'
check "finished: status leads" 0 "$hsicho" status s.h5
contains "finished: leading hyperparameters" "leading"
summary
