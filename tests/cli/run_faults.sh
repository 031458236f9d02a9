#!/usr/bin/env bash
# Faults of the run are never training results (issue 38): a rung log that cannot be written (it
# sits on a full device: /dev/full) ends the run with exit 1 and the resume command, whether the
# trainings run one at a time or fused; nothing is journaled as a failed training; once the fault
# is gone, --resume gives the study file of an uninterrupted run, bit for bit.
#   run_faults.sh HSICHO ROOT
set -u
hsicho=$1
root=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/lib.sh"
[ -w /dev/full ] || {
  echo "SKIPPED: no /dev/full here"
  exit 77
}
cd "$tmp" || exit 1
compare="/usr/bin/python3 $root/tests/cli/compare_studies.py"
failed_records() {  # journal lines of trainings recorded as failed
  cat "$1".journal/rank-*.jnl 2>/dev/null | grep -c '"status":"failed"' || true
}
for fuse in 1 16; do
  # A small early-stopped study: its first rung at epoch 2.
  sed -e 's/samples: 96/samples: 12/' -e 's/epochs: 100/epochs: 6/' \
    -e 's/min_epochs: 3 /min_epochs: 2 /' -e 's/mode: halving/mode: ordered/' -e 's/train: 256, validation: 256, test: 1024/train: 64, validation: 64, test: 64/' \
    -e "s/^study: {name: early_stopping, seed: 3/study: {name: faults, seed: 3, fuse: $fuse/" \
    "$root/inputs/early_stopping.yaml" >"deck$fuse.yaml"
  check "fuse $fuse: the clean study" 0 "$hsicho" run "deck$fuse.yaml" --out "clean$fuse.h5"
  grep -q "fused in" <<<"$out" && [ "$fuse" = 16 ] || [ "$fuse" = 1 ] && ok ||
    bad "fuse $fuse: no fused group: $out"
  mkdir -p "s$fuse.h5.journal"
  ln -s /dev/full "s$fuse.h5.journal/rungs-00000.log"
  check "fuse $fuse: the rung log on a full device" 1 "$hsicho" run "deck$fuse.yaml" --out "s$fuse.h5" --resume
  contains "fuse $fuse: says why" "No space left on device"
  contains "fuse $fuse: says how to go on" "--resume"
  [ "$(failed_records "s$fuse.h5")" -eq 0 ] && ok ||
    bad "fuse $fuse: the run's fault became a failed training: $(cat "s$fuse.h5".journal/rank-*.jnl)"
  rm "s$fuse.h5.journal/rungs-00000.log"
  check "fuse $fuse: resumed once the fault is gone" 0 "$hsicho" run "deck$fuse.yaml" --out "s$fuse.h5" --resume
  $compare "clean$fuse.h5" "s$fuse.h5" && ok || bad "fuse $fuse: the resumed study differs from the clean one"
done
summary
