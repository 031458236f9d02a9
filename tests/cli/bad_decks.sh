#!/usr/bin/env bash
# hsicho validate on one bad deck (one ctest per deck, so that every failure shows): exit code 2,
# the message its header announces at the announced file:line:column, and its row of the table
# in docs/reliability.md up to date (scripts/update_bad_decks_doc.py rewrites that table).
#   bad_decks.sh HSICHO DECK.yaml
set -u
hsicho=$1
deck=$2
dir=$(cd "$(dirname "$deck")" && pwd)
root=$(cd "$dir/../../.." && pwd)
at=$(sed -n 's/^# expect-at: //p' "$deck")
expect=$(sed -n 's/^# expect: //p' "$deck")
out=$("$hsicho" validate "$deck" 2>&1)
rc=$?
msg=$(head -1 <<<"$out")
msg=${msg#hsicho: error: }
msg=${msg//$(dirname "$deck")\//}
row="| \`$(basename "$deck")\` | $rc | ${msg//|/\\|} |"
pass=0
fail=0
if [ "$rc" -eq 2 ] && grep -qF -- "$deck:$at: " <<<"$out" && grep -qF -- "$expect" <<<"$out"; then
  pass=$((pass + 1))
else
  fail=$((fail + 1))
  echo "FAIL $deck (exit $rc, expected 2 at $at with: $expect): $out"
fi
if grep -qxF -- "$row" "$root/docs/reliability.md"; then
  pass=$((pass + 1))
else
  fail=$((fail + 1))
  echo "FAIL docs/reliability.md lacks (run scripts/update_bad_decks_doc.py): $row"
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
