#!/usr/bin/env bash
# The smallest paper cases end to end on 2 ranks (Runge and Bateman), and the MNIST JSON -> IDX
# converter on a small package the test writes.
set -u
hsicho=$1
mpiexec=$2
root=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/lib.sh"
for deck in runge_small bateman_small; do
  check "$deck" 0 "$mpiexec" -n 2 "$hsicho" run "$root/inputs/$deck.yaml" --out "$tmp/$deck.h5"
  contains "$deck finished" "what decides landing among the best"
  /usr/bin/python3 -c "
import h5py, numpy as np, sys
f = h5py.File('$tmp/$deck.h5')
assert (f['results/status'].asstr()[()] == 'ok').mean() > 0.8
assert np.isfinite(f['analysis/hsic'][()]).all()
" && ok || bad "$deck study content"
done
# A package of 10 digit files with 3 images each: pixels k/255 for image k, so every byte is known.
mkdir -p "$tmp/digits"
/usr/bin/python3 - "$tmp/digits" <<'PY'
import json, os, sys
for d in range(10):
    data = []
    for k in range(3):
        data += [round(((d * 3 + k + p) % 256) / 255, 3) for p in range(784)]
    json.dump({"data": data}, open(os.path.join(sys.argv[1], f"{d}.json"), "w"))
PY
check "convert" 0 /usr/bin/python3 "$root/scripts/mnist_json_to_idx.py" "$tmp/digits" "$tmp/idx" --test 6
contains "convert counts" "wrote 24 training and 6 test images"
/usr/bin/python3 - "$tmp/idx" <<'PY' && ok || bad "IDX content"
import gzip, os, struct, sys
def read(name):
    b = gzip.open(os.path.join(sys.argv[1], name)).read()
    assert b[:3] == b"\0\0\x08", name
    dims = struct.unpack(">" + "I" * b[3], b[4:4 + 4 * b[3]])
    return dims, b[4 + 4 * b[3]:]
(n, h, w), pix = read("train-images-idx3-ubyte.gz")
(nl,), lab = read("train-labels-idx1-ubyte.gz")
assert (n, h, w, nl) == (24, 28, 28, 24)
(nt, _, _), tpix = read("t10k-images-idx3-ubyte.gz")
assert nt == 6
seen = set()
for i in range(n):
    first = pix[i * 784]
    d, k = divmod(first, 3)  # image k of digit d starts at byte d*3+k
    assert lab[i] == d and all(pix[i * 784 + p] == (first + p) % 256 for p in range(784))
    seen.add(first)
assert len(seen) == 24  # no image twice
PY
summary
