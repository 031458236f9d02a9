#!/usr/bin/env bash
# hsicho validate on every bad deck: exit code 2, and the message its header announces at the
# announced file:line:column.
set -u
hsicho=$1
dir=$2
pass=0
fail=0
for deck in "$dir"/*.yaml; do
  at=$(sed -n 's/^# expect-at: //p' "$deck")
  expect=$(sed -n 's/^# expect: //p' "$deck")
  out=$("$hsicho" validate "$deck" 2>&1)
  rc=$?
  if [ "$rc" -eq 2 ] && grep -qF -- "$deck:$at: " <<<"$out" && grep -qF -- "$expect" <<<"$out"; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    echo "FAIL $deck (exit $rc): $out"
  fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -ge 30 ]
