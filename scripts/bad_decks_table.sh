#!/usr/bin/env bash
# Prints the table of docs/reliability.md: each malformed deck of tests/decks/bad and the exact
# message `hsicho validate` gives for it (run from the repository root, paths relative to it).
#   scripts/bad_decks_table.sh [HSICHO]      (default: build/hsicho)
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
hsicho=${1:-$root/build/hsicho}
cd "$root"
echo "| deck | exit | message |"
echo "|---|---|---|"
for deck in tests/decks/bad/*.yaml; do
  out=$("$hsicho" validate "$deck" 2>&1 | head -1)
  rc=${PIPESTATUS[0]}
  msg=${out#hsicho: error: }
  msg=${msg//tests\/decks\/bad\//}  # paths relative to the folder of bad decks
  msg=${msg//|/\\|}
  echo "| \`$(basename "$deck")\` | $rc | $msg |"
done
