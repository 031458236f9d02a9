#!/usr/bin/env bash
# docs/deck.md holds the table of every deck key as `hsicho keys --markdown` prints it now, and
# `hsicho keys BLOCK` shows one block (an unknown block is refused with a suggestion).
set -u
hsicho=$1
root=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/lib.sh"
"$hsicho" keys --markdown >"$tmp/table.md"
[ "$(wc -l <"$tmp/table.md")" -gt 80 ] && ok || bad "the key table is short: $(cat "$tmp/table.md")"
/usr/bin/python3 -c "import sys; sys.exit(open(sys.argv[2]).read() not in open(sys.argv[1]).read())" \
  "$root/docs/deck.md" "$tmp/table.md" && ok ||
  bad "docs/deck.md's key table is out of date: paste 'build/hsicho keys --markdown' under 'Every key'"
check "one block" 0 "$hsicho" keys optimize
contains "its keys" "optimize.freeze_ratio"
[ "$(grep -c '^training\.' <<<"$out")" -eq 0 ] && ok || bad "another block's keys: $out"
check "an unknown block" 2 "$hsicho" keys dta
contains "a suggestion" "did you mean 'data'"
summary
