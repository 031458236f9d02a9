#!/usr/bin/env bash
# hsicho validate on every bad deck: exit code 2, and the message its header announces at the
# announced file:line:column; and the table of docs/reliability.md up to date.
set -u
hsicho=$1
dir=$2
pass=0
fail=0
rows=()  # the rows of scripts/bad_decks_table.sh, from the same runs
for deck in "$dir"/*.yaml; do
  at=$(sed -n 's/^# expect-at: //p' "$deck")
  expect=$(sed -n 's/^# expect: //p' "$deck")
  out=$("$hsicho" validate "$deck" 2>&1)
  rc=$?
  msg=$(head -1 <<<"$out")
  msg=${msg#hsicho: error: }
  msg=${msg//$dir\//}
  rows+=("| \`$(basename "$deck")\` | $rc | ${msg//|/\\|} |")
  if [ "$rc" -eq 2 ] && grep -qF -- "$deck:$at: " <<<"$out" && grep -qF -- "$expect" <<<"$out"; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    echo "FAIL $deck (exit $rc): $out"
  fi
done
# docs/reliability.md shows each deck's exact message: its table must be today's.
root=$(cd "$dir/../../.." && pwd)
stale=0
while IFS= read -r row; do
  if ! grep -qxF -- "$row" "$root/docs/reliability.md"; then
    stale=$((stale + 1))
    echo "docs/reliability.md lacks (run scripts/update_bad_decks_doc.py): $row"
  fi
done < <(printf '%s\n' "${rows[@]}")
echo "$pass passed, $fail failed, $stale rows of docs/reliability.md out of date"
[ "$fail" -eq 0 ] && [ "$pass" -ge 30 ] && [ "$stale" -eq 0 ]
