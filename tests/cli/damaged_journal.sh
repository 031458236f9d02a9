#!/usr/bin/env bash
# A damaged journal folder is refused, never ignored (issue 42): a rank's journal replaced by
# random bytes (with or without a line break) or made a folder, and a lock made a folder or
# filled with other bytes: `run --resume` (on 1 and 3 ranks) and `status` exit 2 naming the file
# and what to do, and train nothing; a journal whose last line was cut by a kill, or whose header
# was cut while it was written, still reads as before.
#   damaged_journal.sh HSICHO MPIEXEC ROOT
set -u
hsicho=$1
mpiexec=$2
root=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$root/tests/cli/lib.sh"
cd "$tmp" || exit 1
cat >d.yaml <<'EOD'
study: {name: damaged, seed: 1}
design: {samples: 6}
training:
  command: [sh, -c, 'echo "{\"error\": $HSICHO_ID.5}" > "$HSICHO_RESULT"']
space:
  - {name: x, type: continuous, range: [0, 1]}
EOD
check "a study" 0 "$hsicho" run d.yaml --out s.h5
cp -r s.h5.journal good
restore() { rm -rf s.h5.journal && cp -r good s.h5.journal; }
journal=s.h5.journal/rank-00000.jnl

damage() {  # damage NAME: the refusals of status and run --resume on 1 and 3 ranks
  check "$1: status refuses" 2 "$hsicho" status s.h5
  contains "  naming the file" "$2"
  contains "  and what to do" "$3"
  for n in 1 3; do
    local before
    before=$(cat s.h5.journal/rank-* 2>/dev/null | md5sum)
    check "$1: run --resume on $n rank(s) refuses" 2 "$mpiexec" -n "$n" "$hsicho" run d.yaml --out s.h5 --resume
    contains "  naming the file" "$2"
    check "  and leaves the journals alone" 0 test "$(cat s.h5.journal/rank-* 2>/dev/null | md5sum)" = "$before"
  done
}

printf 'garbage without a line break \x01\x02' >"$journal"
damage "a journal of other bytes" "journal 's.h5.journal/rank-00000.jnl' is damaged" "move it away and resume"
restore
head -c 2000 /dev/urandom | tr -d '\n' | head -c 300 >"$journal"
printf '\nmore\n' >>"$journal"
damage "random bytes with a line break" "journal 's.h5.journal/rank-00000.jnl' is damaged" "Restore it from a copy"
restore
rm "$journal" && mkdir "$journal"
damage "a journal that is a folder" "journal 's.h5.journal/rank-00000.jnl' is not a file" "move it away"
restore
mkdir s.h5.journal/lock
damage "a lock that is a folder" "'s.h5.journal/lock' is not a file" "move it away"
restore
printf '\x00\x17garbage' >s.h5.journal/lock
damage "a lock of other bytes" "the lock 's.h5.journal/lock' is damaged" "remove it and resume"
restore

# What a kill leaves still reads: a last record cut short, a header cut short.
head -c -20 good/rank-00000.jnl >"$journal"
check "a last record cut by a kill: status reads it" 0 "$hsicho" status s.h5
check "  and the resume finishes the study" 0 "$hsicho" run d.yaml --out s.h5 --resume
rm -rf s.h5 s.h5.journal
mkdir s.h5.journal
cp good/plan.json s.h5.journal/
printf 'hsicho-jour' >"$journal"
check "a header cut by a kill: the resume starts over" 0 "$hsicho" run d.yaml --out s.h5 --resume
contains "  (nothing was recorded)" "held no finished training"
summary
