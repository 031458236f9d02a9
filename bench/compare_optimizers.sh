#!/usr/bin/env bash
# hsic vs random vs lhs (hsicho run, 2 ranks) vs Optuna TPE (bench/optuna_tpe.py, one process),
# equal budgets, on the Runge and Bateman decks, over seeds. Writes one JSON line per run to
# RESULTS (default out/compare/results.jsonl), then the table of bench/summarize_comparison.py.
# Usage: bench/compare_optimizers.sh [SEEDS (default 5)] [RESULTS] [FIRST_SEED (default 1)]
# HSIC_SETTINGS replaces the decks' "alpha: [...]" settings of the optimizer, e.g.
#   HSIC_SETTINGS="alpha: 0.1, pvalue: 0.2, freeze: best" bench/compare_optimizers.sh
# SKIP_TPE=1 leaves Optuna out (it takes ~15 times longer than the hsicho runs).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seeds=${1:-5}
results=${2:-$root/out/compare/results.jsonl}
first=${3:-1}
settings=${HSIC_SETTINGS:-alpha: [0.2, 0.15, 0.15]}
hsicho=${HSICHO:-$root/build/hsicho}
. "$root/scripts/mpi_env.sh"
work=$(dirname "$results")
mkdir -p "$work"
: >"$results"
for case in runge bateman; do
  for seed in $(seq "$first" $((first + seeds - 1))); do
    for strategy in hsic random lhs; do
      deck=$work/${case}_${strategy}_$seed.yaml
      sed -e "s/strategy: hsic/strategy: $strategy/" -e "s/seed: 1,/seed: $seed,/" \
        -e "s/alpha: \[0.2, 0.15, 0.15\],/$settings,/" \
        "$root/bench/decks/opt_$case.yaml" >"$deck"
      out=$work/${case}_${strategy}_$seed.h5
      rm -rf "$out" "$out.journal"
      start=$(date +%s.%N)
      mpiexec -n 2 "$hsicho" run "$deck" --out "$out" >"$work/${case}_${strategy}_$seed.log" 2>&1
      /usr/bin/python3 - "$out" "$case" "$strategy" "$seed" "$start" >>"$results" <<'PY'
import json, sys, time, h5py
f = h5py.File(sys.argv[1])
b = f["best"].attrs
print(json.dumps({"case": sys.argv[2], "method": sys.argv[3], "seed": int(sys.argv[4]),
                  "val_error": float(b["val_error"]), "test_error": float(b["test_error"]),
                  "parameters": int(b["parameters"]), "values": str(b["values"]),
                  "trainings": int(f["results/val_error"].shape[0] + f["final/val_error"].size),
                  "wall": time.time() - float(sys.argv[5])}))
PY
    done
    [ -n "${SKIP_TPE:-}" ] && continue
    start=$(date +%s.%N)
    deck=$work/${case}_hsic_$seed.yaml
    line=$(/usr/bin/python3 "$root/bench/optuna_tpe.py" "$deck" --seed "$seed" --csv "$work/${case}_tpe_$seed.csv" --hsicho "$hsicho")
    /usr/bin/python3 - "$line" "$case" "$seed" "$start" >>"$results" <<'PY'
import json, sys, time
w = json.loads(sys.argv[1])
print(json.dumps({"case": sys.argv[2], "method": "tpe", "seed": int(sys.argv[3]), "val_error": w["val_error"],
                  "test_error": w["test_error"], "parameters": w["parameters"],
                  "values": " ".join(f"{k}={v}" for k, v in w["values"].items()), "wall": time.time() - float(sys.argv[4])}))
PY
    echo "$case seed $seed done" >&2
  done
done
/usr/bin/python3 "$root/bench/summarize_comparison.py" "$results"
