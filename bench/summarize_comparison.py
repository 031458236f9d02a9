#!/usr/bin/env python3
"""Median and spread of the best test error and the chosen network's size, per case and method,
from the JSON lines of bench/compare_optimizers.sh. Usage: summarize_comparison.py RESULTS.jsonl"""
import json
import statistics
import sys

rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
for case in sorted({r["case"] for r in rows}):
    print(f"\n{case}: best network after the final retraining (mean over its seeds), over "
          f"{len({r['seed'] for r in rows if r['case'] == case})} study seeds")
    print("| method | median test error | min - max | median validation error | median parameters | median wall (s) |")
    print("|---|---|---|---|---|---|")
    for m in ("hsic", "random", "lhs", "tpe"):
        rs = [r for r in rows if r["case"] == case and r["method"] == m]
        if not rs:
            continue
        t = [r["test_error"] for r in rs]
        print(f"| {m} | {statistics.median(t):.3e} | {min(t):.2e} - {max(t):.2e} | "
              f"{statistics.median(r['val_error'] for r in rs):.3e} | {statistics.median(r['parameters'] for r in rs):.0f} | "
              f"{statistics.median(r['wall'] for r in rs):.0f} |")
