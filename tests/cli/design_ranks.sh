#!/usr/bin/env bash
# hsicho design prints the same CSV under 1, 2 and 3 MPI ranks.
set -eu
hsicho=$1
mpiexec=$2
deck=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$hsicho" design "$deck" --csv >"$tmp/serial.csv" 2>/dev/null
for np in 1 2 3; do
  "$mpiexec" -n "$np" "$hsicho" design "$deck" --csv >"$tmp/np$np.csv" 2>/dev/null
  cmp "$tmp/serial.csv" "$tmp/np$np.csv"
done
rows=$(wc -l <"$tmp/serial.csv")
[ "$rows" -gt 10 ]
echo "design identical for 1, 2 and 3 ranks ($rows lines)"
