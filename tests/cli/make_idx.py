#!/usr/bin/env python3
"""Writes a small MNIST-layout data set (gzipped IDX files of random 28x28 images and labels) for
the fault-injection tests, then, if asked, damages it in one way.
Usage: make_idx.py OUT_DIR [--train N] [--test N] [--damage KIND]
KIND: missing_labels | truncated_images | wrong_magic | bad_gzip | count_mismatch"""
import argparse
import gzip
import os
import random
import struct

a = argparse.ArgumentParser()
a.add_argument("out")
a.add_argument("--train", type=int, default=256)
a.add_argument("--test", type=int, default=64)
a.add_argument("--damage", default="")
args = a.parse_args()
os.makedirs(args.out, exist_ok=True)
rng = random.Random(3)


def idx(dims, payload, magic_type=0x08):
    return struct.pack(">BBBB", 0, 0, magic_type, len(dims)) + struct.pack(">" + "I" * len(dims), *dims) + payload


def write(name, data):
    with gzip.open(os.path.join(args.out, name + ".gz"), "wb") as f:
        f.write(data)


for part, n in (("train", args.train), ("t10k", args.test)):
    labels = bytes(rng.randrange(10) for _ in range(n))
    # Images whose mean brightness depends on the label: something to learn.
    images = bytes(min(255, rng.randrange(64) + 20 * labels[i // 784]) for i in range(n * 784))
    write(f"{part}-images-idx3-ubyte", idx([n, 28, 28], images))
    write(f"{part}-labels-idx1-ubyte", idx([n], labels))

d = args.damage
train_images = os.path.join(args.out, "train-images-idx3-ubyte.gz")
if d == "missing_labels":
    os.remove(os.path.join(args.out, "train-labels-idx1-ubyte.gz"))
elif d == "truncated_images":
    write("train-images-idx3-ubyte", idx([args.train, 28, 28], bytes(784 * args.train))[: -784 * 3])
elif d == "wrong_magic":
    write("train-images-idx3-ubyte", b"\x00\x00\x0d\x03" + idx([args.train, 28, 28], bytes(784 * args.train))[4:])
elif d == "bad_gzip":
    with open(train_images, "r+b") as f:
        f.seek(40)
        f.write(b"\xde\xad\xbe\xef" * 8)
elif d == "count_mismatch":
    write("train-labels-idx1-ubyte", idx([args.train - 5], bytes(args.train - 5)))
elif d:
    raise SystemExit(f"unknown damage '{d}'")
