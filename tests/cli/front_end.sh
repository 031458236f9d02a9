#!/usr/bin/env bash
# The front end (build/hsicho) links neither LibTorch nor MPI: the commands that do not train run
# without them; run and eval become hsicho-mpi beside it; without hsicho-mpi they say so.
#   front_end.sh HSICHO ROOT
set -u
hsicho=$1
root=$2
. "$root/tests/cli/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Library names only (ldd's first column): its load addresses hold any hex digits, "c10" too.
libs=$(ldd "$hsicho" | awk '{print $1}')
grep -qiE "^lib(torch|c10|mpi)" <<<"$libs" && bad "the front end loads LibTorch or MPI: $libs" || ok
grep -qiE "^lib(torch|c10)" <<<"$(ldd "$(dirname "$hsicho")/hsicho-mpi" | awk '{print $1}')" && ok ||
  bad "hsicho-mpi should hold the training engine"
# Peak memory of a command that does not train: a few MiB, against ~170 MiB with LibTorch loaded.
kib=$( { /usr/bin/time -f "%M" "$hsicho" keys >/dev/null; } 2>&1 | tail -1)
[ "$kib" -lt 60000 ] && ok || bad "hsicho keys used $kib KiB"
check "eval goes to hsicho-mpi" 0 "$hsicho" eval "$root/inputs/demo.yaml" --set lr=0.01 --json
contains "  and trains" '"status": "ok"'
cp "$hsicho" "$tmp/hsicho"
check "the front end alone still answers --help" 0 "$tmp/hsicho" --help
check "  but cannot train" 1 "$tmp/hsicho" eval "$root/inputs/demo.yaml"
contains "  and says what is missing" "cannot start $tmp/hsicho-mpi (the training and MPI part of hsicho"
summary
