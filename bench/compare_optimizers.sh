#!/usr/bin/env bash
# hsic vs random vs lhs (hsicho run, 2 ranks) vs Optuna TPE (bench/optuna_tpe.py, one process),
# equal budgets, on the Runge, Bateman and 2-D Runge decks (bench/decks/opt_*.yaml), over seeds.
# Writes one JSON line per study to RESULTS (default out/compare/results.jsonl; appended to, so
# that an interrupted comparison can go on: pairs already there are skipped), then the tables of
# bench/summarize_comparison.py.
# Usage: bench/compare_optimizers.sh [SEEDS (default 5)] [RESULTS] [FIRST_SEED (default 1)]
# Environment: CASES (default "runge bateman runge2d"), METHODS (default "hsic random lhs tpe"),
# HSIC_SETTINGS replaces the decks' "alpha: 0.15" setting of the optimizer, e.g.
#   HSIC_SETTINGS="alpha: 0.1, spread: 0.05" bench/compare_optimizers.sh
# Needs Debian's python3-h5py, python3-optuna and python3-scipy (for the paired tests).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seeds=${1:-5}
results=${2:-$root/out/compare/results.jsonl}
first=${3:-1}
settings=${HSIC_SETTINGS:-alpha: 0.15}
cases=${CASES:-runge bateman runge2d}
methods=${METHODS:-hsic random lhs tpe}
hsicho=${HSICHO:-$root/build/hsicho}
. "$root/scripts/mpi_env.sh"
work=$(dirname "$results")
mkdir -p "$work"
touch "$results"
done_already() {
  grep -q "\"case\": \"$1\", \"method\": \"$2\", \"seed\": $3," "$results"
}
for case in $cases; do
  for seed in $(seq "$first" $((first + seeds - 1))); do
    for strategy in $methods; do
      done_already "$case" "$strategy" "$seed" && continue
      deck=$work/${case}_${strategy}_$seed.yaml
      sed -e "s/strategy: hsic, alpha: 0.15,/strategy: ${strategy/tpe/hsic}, $settings,/" \
        -e "s/seed: 1,/seed: $seed,/" "$root/bench/decks/opt_$case.yaml" >"$deck"
      start=$(date +%s.%N)
      if [ "$strategy" = tpe ]; then
        line=$(/usr/bin/python3 "$root/bench/optuna_tpe.py" "$deck" --seed "$seed" \
          --csv "$work/${case}_tpe_$seed.csv" --hsicho "$hsicho")
        /usr/bin/python3 - "$line" "$case" "$seed" "$start" >>"$results" <<'PY'
import json, sys, time
w = json.loads(sys.argv[1])
print(json.dumps({"case": sys.argv[2], "method": "tpe", "seed": int(sys.argv[3]), "val_error": w["val_error"],
                  "test_error": w["test_error"], "parameters": w["parameters"],
                  "values": " ".join(f"{k}={v}" for k, v in w["values"].items()),
                  "wall": time.time() - float(sys.argv[4])}))
PY
      else
        out=$work/${case}_${strategy}_$seed.h5
        rm -rf "$out" "$out.journal"
        mpiexec -n 2 "$hsicho" run "$deck" --out "$out" >"$work/${case}_${strategy}_$seed.log" 2>&1
        /usr/bin/python3 - "$out" "$case" "$strategy" "$seed" "$start" >>"$results" <<'PY'
import json, sys, time, h5py
f = h5py.File(sys.argv[1])
b = f["best"].attrs
stage = f["configs/stage"][()]
print(json.dumps({"case": sys.argv[2], "method": sys.argv[3], "seed": int(sys.argv[4]),
                  "val_error": float(b["val_error"]), "test_error": float(b["test_error"]),
                  "parameters": int(b["parameters"]), "values": str(b["values"]),
                  "trainings": int(f["results/val_error"].shape[0]),
                  "winner_stage": int(stage[int(b["config"])]),
                  "wall": time.time() - float(sys.argv[5])}))
PY
      fi
    done
    echo "$case seed $seed done" >&2
  done
done
/usr/bin/python3 "$root/bench/summarize_comparison.py" "$results"
