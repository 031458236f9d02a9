#!/usr/bin/env bash
# The scikit-learn example (examples/sklearn): a small persistent study of train_digits.py on 2
# ranks equals the same configurations run as a process per configuration, where Debian's
# python3-sklearn is installed; skipped (exit 77) where it is not, and says so.
#   sklearn_example.sh HSICHO MPIEXEC ROOT
set -u
hsicho=$1
mpiexec=$2
root=$3
if ! /usr/bin/python3 -c "import sklearn" 2>/dev/null; then
  echo "skipped: /usr/bin/python3 has no sklearn (apt-get install python3-sklearn to run this test)"
  exit 77
fi
. "$root/tests/cli/lib.sh"
export PYTHONPATH=$root/python  # this checkout's hsicho.serve, whatever the set-up's .pth names
tmp=$(mktemp -d)
trap 'pkill -9 -f "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
cp "$root"/examples/sklearn/* .
sed -i -e 's/samples: 56/samples: 8/' -e 's/value: 30}/value: 5}/' digits.yaml
check "validate the deck" 0 "$hsicho" validate digits.yaml
check "a persistent study on 2 ranks" 0 "$mpiexec" -n 2 "$hsicho" run digits.yaml --out served.h5
contains "every training succeeded" "8 trainings, 0 diverged or failed"
sed -e '/persistent:/d' -e 's/sklearn_digits.h5/once.h5/' digits.yaml >once.yaml
check "a process per configuration" 0 "$hsicho" run once.yaml --out once.h5
check "the same study file" 0 /usr/bin/python3 "$root/tests/cli/compare_studies.py" served.h5 once.h5
check "eval of one configuration" 0 "$hsicho" eval digits.yaml --set layers=1 --set units=16 \
  --set activation=relu --set solver=adam --set lr=0.01 --set alpha=1e-4 --set batch_size=32 --json
contains "its parameter count: 64*16+16 + 16*10+10" '"parameters": 1210'
summary
