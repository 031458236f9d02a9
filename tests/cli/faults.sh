#!/usr/bin/env bash
# Fault injection: what batch users meet, done on purpose, and what hsicho must do about it.
#   faults.sh HSICHO MPIEXEC ROOT [KILLS] [SEED]
# (a) SIGKILL of the whole job or of one rank at KILLS seeded random moments of a 2-rank study
#     (some during the resume too), each resumed on 1, 2 or 3 ranks: the study file must equal
#     the uninterrupted one (timings aside);
# (b) corrupted and torn journal records, a torn header, a header of another study;
# (c) a full disk (a small tmpfs as output folder; skipped where it cannot be mounted): a clear
#     error, the journals intact, and a resume that works once space is freed;
# (d) missing, truncated and wrong-format data files, also on one node only: exit 2 before any
#     training, naming the file;
# (e) trainings that diverge or throw: recorded as such, the study completes;
# (f) more ranks than configurations, a goal set of one training, every training diverged.
# The closing lines ("figure: ...") are the numbers docs/reliability.md reports.
set -u
hsicho=$1
mpiexec=$2
root=$3
kills=${4:-20}
seed=${5:-1}
deck=$root/tests/decks/study_faults.yaml
compare="/usr/bin/python3 $root/tests/cli/compare_studies.py"
tmp=$(mktemp -d)
mounted=""
cleanup() {
  for p in $(job_pids "$tmp"); do kill -9 "$p" 2>/dev/null; done
  [ -n "$mounted" ] && umount "$mounted" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
. "$(dirname "$0")/lib.sh"

# The hsicho processes of the job writing to $1 (the other tests running beside this one aside).
job_pids() {
  for p in $(pgrep -x hsicho); do
    tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -qF -- "$1" && echo "$p"
  done
}
ms() { date +%s%N | cut -c1-13; }
# A 2-rank run in the background; its pid in $job. Bounded: a hang is a failure, not a stuck CI.
start() {  # start OUT LOG [--resume]
  timeout 300 "$mpiexec" -n 2 "$hsicho" run "$deck" --out "$1" ${3:-} >"$2" 2>&1 &
  job=$!
}
# Kills the job writing to OUT after DELAY_MS: the whole job, or one rank (mpiexec must then end
# the other). Echoes what it did.
kill_after() {  # kill_after OUT DELAY_MS MODE
  local out=$1 delay=$2 mode=$3 t0
  t0=$(ms)
  while [ $(($(ms) - t0)) -lt "$delay" ] && kill -0 "$job" 2>/dev/null; do sleep 0.01; done
  local pids
  pids=($(job_pids "$out"))
  if [ ${#pids[@]} -eq 0 ]; then
    echo "finished"
  elif [ "$mode" = rank ]; then
    kill -9 "${pids[$((RANDOM % ${#pids[@]}))]}" 2>/dev/null
    echo "one rank"
  else
    kill -9 "${pids[@]}" 2>/dev/null
    pkill -9 -P "$job" 2>/dev/null  # mpiexec itself, under timeout
    echo "whole job"
  fi
}

# The uninterrupted study, and how long it takes.
t0=$(ms)
"$mpiexec" -n 2 "$hsicho" run "$deck" --out "$tmp/reference.h5" >"$tmp/reference.log" 2>&1 || bad "reference run: $(tail -3 "$tmp/reference.log")"
duration=$(($(ms) - t0))
echo "reference: 2 ranks, $(records "$tmp/reference.h5") trainings, ${duration} ms"

# (a) Random kills.
RANDOM=$seed
identical=0
whole=0
one=0
finished=0
during_resume=0
for i in $(seq "$kills"); do
  out=$tmp/kill$i.h5
  delay=$((RANDOM % (duration * 9 / 10)))  # within the run (its last tenth can end early)
  mode=whole
  [ $((RANDOM % 2)) -eq 0 ] && mode=rank
  start "$out" "$tmp/kill$i.log"
  what=$(kill_after "$out" "$delay" "$mode")
  wait "$job" 2>/dev/null
  rc=$?
  [ "$what" = "whole job" ] && whole=$((whole + 1))
  [ "$what" = "one rank" ] && one=$((one + 1))
  [ "$what" = finished ] && finished=$((finished + 1))
  [ "$rc" -ne 124 ] && ok || bad "kill $i: the job did not end after $what was killed"
  done_before=$(records "$out")
  extra=""
  if [ $((i % 4)) -eq 0 ] && [ "$what" != finished ]; then
    # Killed again while resuming.
    start "$out" "$tmp/kill$i.resume1.log" --resume
    what2=$(kill_after "$out" $((RANDOM % (duration * 9 / 10))) whole)
    wait "$job" 2>/dev/null
    [ "$what2" != finished ] && during_resume=$((during_resume + 1)) && extra=", killed again while resuming"
  fi
  ranks=$((1 + RANDOM % 3))
  "$mpiexec" -n "$ranks" "$hsicho" run "$deck" --out "$out" --resume >"$tmp/kill$i.resume.log" 2>&1
  rc=$?
  if [ "$rc" -eq 0 ] && $compare "$tmp/reference.h5" "$out" >/dev/null; then
    identical=$((identical + 1))
    ok
    result=identical
  else
    bad "kill $i: resume exit $rc or a different study: $(tail -3 "$tmp/kill$i.resume.log")"
    result=DIFFERENT
  fi
  echo "kill $i: $what at ${delay} ms ($done_before trainings in the journals)$extra, resumed on $ranks rank(s): $result"
done
echo "figure: kills $kills ($whole whole job, $one one rank, $finished after the job had ended; $during_resume killed again while resuming), identical $identical of $kills"

# (b) The journal: a flipped bit, a torn tail, a torn header; a header of another study.
fail_before=$fail
cp -r "$tmp/reference.h5.journal" "$tmp/corrupt.h5.journal"
/usr/bin/python3 - "$tmp/corrupt.h5.journal" <<'EOF'
import os, sys
d = sys.argv[1]
f0, f1 = (os.path.join(d, f) for f in sorted(os.listdir(d)) if f.endswith(".jnl"))
lines = open(f0, "rb").read().split(b"\n")
mid = len(lines) // 2
lines[mid] = lines[mid][:20] + bytes([lines[mid][20] ^ 0x04]) + lines[mid][21:]  # a flipped bit
open(f0, "wb").write(b"\n".join(lines))
text = open(f1, "rb").read()
open(f1, "wb").write(text + text.split(b"\n")[1][:37])  # a torn last record
EOF
check "corrupted journal: resume" 0 "$hsicho" run "$deck" --out "$tmp/corrupt.h5" --resume
contains "corrupted journal: reported" "2 torn records dropped"
$compare "$tmp/reference.h5" "$tmp/corrupt.h5" && ok || bad "corrupted journal: a different study"
mkdir -p "$tmp/torn_header.h5.journal"
printf 'hsicho-journ' >"$tmp/torn_header.h5.journal/rank-00000.jnl"
check "torn header: run" 0 "$mpiexec" -n 2 "$hsicho" run "$deck" --out "$tmp/torn_header.h5" --resume
$compare "$tmp/reference.h5" "$tmp/torn_header.h5" && ok || bad "torn header: a different study"
cp -r "$tmp/reference.h5.journal" "$tmp/other.h5.journal"
sed -i '1s/ [0-9a-f]*$/ 0123456789abcdef/' "$tmp/other.h5.journal/rank-00001.jnl"
check "journal of another study" 2 "$hsicho" run "$deck" --out "$tmp/other.h5" --resume
contains "journal of another study: said" "belongs to another study"
echo "figure: journal faults 4 (flipped bit, torn record, torn header, foreign header), handled: $([ "$fail" -eq "$fail_before" ] && echo all || echo NOT all)"

# (c) A full disk.
mkdir -p "$tmp/disk"
if mount -t tmpfs -o size=16k tmpfs "$tmp/disk" 2>/dev/null; then
  mounted=$tmp/disk
  journal_kb=$(du -sk "$tmp/reference.h5.journal" | cut -f1)
  for case in journal study; do
    # 16 KB: the journals fill it; journals + 8 KB: the study file does not fit.
    size=16k
    [ "$case" = study ] && size=$((journal_kb + 8))k
    rm -rf "$tmp/disk/"*
    mount -o remount,size="$size" "$tmp/disk"
    "$mpiexec" -n 2 "$hsicho" run "$deck" --out "$tmp/disk/s.h5" >"$tmp/disk_$case.log" 2>&1
    rc=$?
    [ "$rc" -eq 1 ] && ok || bad "full disk ($case): exit $rc, wanted 1: $(tail -5 "$tmp/disk_$case.log")"
    grep -q "No space left on device" "$tmp/disk_$case.log" && grep -q -- "--resume" "$tmp/disk_$case.log" &&
      ok || bad "full disk ($case): no clear message: $(grep hsicho "$tmp/disk_$case.log" | head -3)"
    [ ! -e "$tmp/disk/s.h5" ] && [ ! -e "$tmp/disk/s.h5.tmp" ] && ok || bad "full disk ($case): a study file was left"
    kept=$(records "$tmp/disk/s.h5")
    mount -o remount,size=64m "$tmp/disk"  # space freed
    "$mpiexec" -n 2 "$hsicho" run "$deck" --out "$tmp/disk/s.h5" --resume >"$tmp/disk_$case.resume.log" 2>&1 &&
      ok || bad "full disk ($case): resume failed: $(tail -3 "$tmp/disk_$case.resume.log")"
    $compare "$tmp/reference.h5" "$tmp/disk/s.h5" && ok || bad "full disk ($case): a different study"
    echo "full disk ($case, $size): $(grep -m1 -o 'cannot write[^;]*' "$tmp/disk_$case.log"); $kept trainings kept; resumed: identical"
  done
  # A training whose own writes fill the disk under the work folders (issue 42): the fault is the
  # run's, not the configuration's: exit 1 naming the disk, nothing journaled as failed, and the
  # resume (space freed) trains every configuration.
  mount -o remount,size=4m "$tmp/disk"
  rm -rf "$tmp/disk/"*
  printf 'import json, sys\njob = json.load(open(sys.argv[1]))\nopen("blob", "wb").write(bytes(6 << 20))\njson.dump({"error": job["params"]["x"]}, open(job["result"], "w"))\n' >"$tmp/fill.py"
  printf 'study: {name: fill, seed: 1}\ndesign: {samples: 4}\ntraining: {command: [python3, %s, "{params}"], workdir: "%s/runs/{id}"}\nspace:\n  - {name: x, type: continuous, range: [0, 1]}\n' \
    "$tmp/fill.py" "$tmp/disk" >"$tmp/fill.yaml"
  "$hsicho" run "$tmp/fill.yaml" --out "$tmp/fill.h5" >"$tmp/fill.log" 2>&1
  rc=$?
  [ "$rc" -eq 1 ] && ok || bad "a training filling the disk: exit $rc, wanted 1: $(tail -5 "$tmp/fill.log")"
  grep -q "on a full disk: .* bytes left under '$tmp/disk/runs/" "$tmp/fill.log" &&
    grep -q "A fault of the run, not of the configuration" "$tmp/fill.log" &&
    ok || bad "a training filling the disk: no clear message: $(grep -m3 hsicho "$tmp/fill.log")"
  [ "$(cat "$tmp/fill.h5.journal"/rank-*.jnl 2>/dev/null | grep -c '"status":"failed"')" -eq 0 ] &&
    ok || bad "a training filling the disk: recorded as failed"
  mount -o remount,size=64m "$tmp/disk"
  "$hsicho" run "$tmp/fill.yaml" --out "$tmp/fill.h5" --resume >"$tmp/fill.resume.log" 2>&1 &&
    [ "$("$hsicho" export "$tmp/fill.h5" --csv | grep -c ',ok,')" -eq 4 ] &&
    ok || bad "a training filling the disk: the resume did not train all 4: $(tail -3 "$tmp/fill.resume.log")"
  umount "$tmp/disk" && mounted=""
  echo "figure: full disk 3 (journal, study file, a training's own writes), each resumed"
else
  echo "SKIPPED full disk: cannot mount a tmpfs here (needs root and CAP_SYS_ADMIN)"
fi

# (d) Data files: missing, truncated, wrong format.
write_deck() {  # write_deck FILE DATA_DIR [SPACE...]: a small CNN study on an MNIST-layout set
  cat >"$1" <<EOF
study: {name: images, seed: 4}
design: {samples: ${3:-8}}
data: {name: mnist, path: $2, validation: 32}
model: {type: cnn, filters: 4, pooling: max, head_units: [16]}
training: {optimizer: sgd, epochs: 1, batch_size: 32}
space:
  - {name: blocks, type: integer, range: [${4:-1}, ${5:-2}]}
  - {name: lr, type: log, range: [1.0e-3, ${6:-1.0e-1}]}
EOF
}
data_faults=0
for damage in missing_folder missing_labels truncated_images wrong_magic bad_gzip count_mismatch; do
  dir=$tmp/data_$damage
  [ "$damage" != missing_folder ] && /usr/bin/python3 "$root/tests/cli/make_idx.py" "$dir" --damage "$damage"
  write_deck "$tmp/$damage.yaml" "$dir"
  check "data $damage: validate" 2 "$hsicho" validate "$tmp/$damage.yaml"
  contains "data $damage: names the deck line" "$tmp/$damage.yaml:3:"
  message=$(head -1 <<<"$out")
  check "data $damage: run" 2 "$mpiexec" -n 2 "$hsicho" run "$tmp/$damage.yaml" --out "$tmp/$damage.h5"
  contains "data $damage: run says" "${message#hsicho: error: }"
  [ "$(records "$tmp/$damage.h5")" -eq 0 ] && ok || bad "data $damage: trainings ran"
  data_faults=$((data_faults + 1))
  echo "data $damage: ${message#hsicho: error: $tmp/}"
done
# Missing on one node only (each rank in its own folder, the data path relative): every rank
# stops, at once, with the failing rank's message.
mkdir -p "$tmp/node_a" "$tmp/node_b"
/usr/bin/python3 "$root/tests/cli/make_idx.py" "$tmp/node_a/images"
write_deck "$tmp/node.yaml" images
check "data on one node only" 2 timeout 120 "$mpiexec" -n 1 -wdir "$tmp/node_a" "$hsicho" run "$tmp/node.yaml" \
  --out "$tmp/node.h5" : -n 1 -wdir "$tmp/node_b" "$hsicho" run "$tmp/node.yaml" --out "$tmp/node.h5"
contains "data on one node only: the rank says" "on rank 1: $tmp/node.yaml:3:"
[ "$(grep -c 'hsicho: error' <<<"$out")" -eq 1 ] && ok || bad "data on one node only: one message, from rank 0: $out"
[ "$(records "$tmp/node.h5")" -eq 0 ] && ok || bad "data on one node only: trainings ran"
data_faults=$((data_faults + 1))
echo "data on one node only: $(grep -m1 'on rank 1' <<<"$out" | sed "s|$tmp/||g")"
echo "figure: data faults $data_faults, each refused before any training (exit 2)"

# (e) Trainings that diverge (lr up to 1e6) or throw (5-7 pooling blocks on a 28x28 image).
/usr/bin/python3 "$root/tests/cli/make_idx.py" "$tmp/data_ok"
write_deck "$tmp/wild.yaml" "$tmp/data_ok" 16 1 7 1.0e+6
check "diverging and throwing trainings: run" 0 "$mpiexec" -n 2 "$hsicho" run "$tmp/wild.yaml" --out "$tmp/wild.h5"
counts=$(/usr/bin/python3 -c "
import h5py, collections
s = [v.decode() for v in h5py.File('$tmp/wild.h5')['results/status'][()]]
print(' '.join(f'{k}={v}' for k, v in sorted(collections.Counter(s).items())))")
grep -q "diverged=" <<<"$counts" && grep -q "failed=" <<<"$counts" && grep -q "ok=" <<<"$counts" &&
  ok || bad "wild trainings: expected ok, diverged and failed, got $counts"
check "wild trainings: report" 0 "$hsicho" report "$tmp/wild.h5"
contains "wild trainings: report gives the cause" "pools a 1x1 map"
echo "figure: wild study of 16: $counts; the study completes and reports the causes"

# (f) More ranks than configurations; a goal set of one; every training diverged.
sed 's/samples: 24/samples: 3/' "$deck" >"$tmp/three.yaml"
check "4 ranks, 3 configurations" 0 "$mpiexec" -n 4 "$hsicho" run "$tmp/three.yaml" --out "$tmp/three4.h5"
check "1 rank, 3 configurations" 0 "$hsicho" run "$tmp/three.yaml" --out "$tmp/three1.h5"
$compare "$tmp/three1.h5" "$tmp/three4.h5" && ok || bad "3 configurations: 4 ranks differ from 1"
sed 's/^design: {samples: 24}/design: {samples: 24}\nanalysis: {alpha: 0.001}/' "$deck" >"$tmp/tiny.yaml"
check "alpha 0.001" 0 "$mpiexec" -n 2 "$hsicho" run "$tmp/tiny.yaml" --out "$tmp/tiny.h5"
contains "alpha 0.001: warned" "the goal set holds 1 of 24 trainings"
check "alpha 0.001: analyze" 0 "$hsicho" analyze "$tmp/tiny.h5" --alpha 0.001
contains "alpha 0.001: analyze warns" "too few for the index"
sed -e 's/range: \[1.0e-3, 1.0e-1\]/range: [1.0e+7, 1.0e+8]/' -e 's/type: categorical, values: \[sgd, adam\]/type: fixed, value: sgd/' \
  "$deck" >"$tmp/diverge.yaml"
# A study that trained nothing usable exits 1 (a batch job can tell it from a finished one),
# with its causes counted, and still writes its study file.
check "every training diverged" 1 "$mpiexec" -n 2 "$hsicho" run "$tmp/diverge.yaml" --out "$tmp/diverge.h5"
contains "every training diverged: said" "all 24 trainings diverged or failed"
contains "every training diverged: exit status said" "no training succeeded (24 of 24"
contains "every training diverged: causes counted" "diverged: 24 (e.g."
[ -e "$tmp/diverge.h5" ] && ok || bad "every training diverged: no study file"
echo "figure: edge cases 3 (4 ranks for 3 trainings: identical to 1 rank; alpha 0.001: warned; all diverged: said, file written, exit 1)"
summary
