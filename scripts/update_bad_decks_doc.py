#!/usr/bin/env python3
"""Replaces the table of malformed decks in docs/reliability.md with what
scripts/bad_decks_table.sh prints now (run after changing a message or adding a bad deck)."""
import os
import subprocess

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
doc_path = os.path.join(root, "docs", "reliability.md")
table = subprocess.run([os.path.join(root, "scripts", "bad_decks_table.sh")], capture_output=True,
                       text=True, check=True).stdout.strip()
lines = open(doc_path).read().split("\n")
start = lines.index("| deck | exit | message |")
end = start
while end < len(lines) and lines[end].startswith("|"):
    end += 1
lines[start:end] = table.split("\n")
open(doc_path, "w").write("\n".join(lines))
