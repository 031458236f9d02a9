#!/bin/sh
# A training program that misbehaves on purpose, chosen by the hyperparameter 'mode' of
# params.json (tests/cli/external.sh): the fault rules of docs/driver.md, one per mode.
params=$1
result=$2
mode=$(sed -n 's/.*"mode": "\([a-z_]*\)".*/\1/p' "$params")
case $mode in
  ok) echo '{"error": 0.25, "test_error": 0.5, "parameters": 7, "metrics": {"flops": 1e6}}' >"$result" ;;
  crash) echo "something went wrong in the trainer" >&2; echo "Traceback: ValueError: bad shape" >&2; exit 3 ;;
  hang) sleep 60 ;;
  garbage) echo 'this is not json' >"$result" ;;
  nan) echo '{"error": NaN}' >"$result" ;;
  none) : ;;
  no_error) echo '{"test_error": 1}' >"$result" ;;
  killed) kill -9 $$ ;;
esac
