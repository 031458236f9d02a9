#!/usr/bin/env python3
"""Reading the user's data: hsicho's CSV reader against NumPy's, on the same ~100 MB file.

Writes a CSV of random doubles at full precision (repr: 17 significant digits, as pandas and
NumPy's savetxt('%r') write them), then times hsicho (the C++ reader through
hsicho_bench_table_read: whole file, every column parsed, CRC-32 of the bytes included) and
numpy.loadtxt on it, and checks that both read the same numbers. Also times the same array as
.npy and HDF5 through hsicho, for scale.

Usage: /usr/bin/python3 bench/table_read.py [--mb 100] [--cols 8] [--repeats 3]
         [--bench build/bench/hsicho_bench_table_read]
Needs Debian's python3-numpy (and python3-h5py for the HDF5 line).
"""
import argparse
import os
import statistics
import subprocess
import tempfile
import time

import numpy as np


def hsicho(bench, path, repeats, x, y):
    out = subprocess.run([bench, path, str(repeats)] + x + (["--"] + y if y else []), check=True,
                         capture_output=True, text=True).stdout
    rows = [dict(f.split("=") for f in line.split()[2:]) for line in out.splitlines()]
    return statistics.median(float(r["seconds"]) for r in rows), float(rows[0]["checksum"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, default=100)
    ap.add_argument("--cols", type=int, default=8)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--bench", default="build/bench/hsicho_bench_table_read")
    a = ap.parse_args()
    names = [f"c{k}" for k in range(a.cols)]
    bytes_per_row = a.cols * 21  # about: '-0.12345678901234567,'
    rows = int(a.mb * 1e6 / bytes_per_row)
    rng = np.random.default_rng(1)
    data = rng.standard_normal((rows, a.cols))
    with tempfile.TemporaryDirectory() as tmp:
        csv = os.path.join(tmp, "table.csv")
        with open(csv, "w") as f:
            f.write(",".join(names) + "\n")
            for r in data:
                f.write(",".join(repr(float(v)) for v in r) + "\n")
        size = os.path.getsize(csv)
        x, y = names[:-1], names[-1:]
        print(f"{rows} rows x {a.cols} columns, {size / 1e6:.1f} MB of CSV; median of "
              f"{a.repeats}, one core")
        th, sum_h = hsicho(a.bench, csv, a.repeats, x, y)
        print(f"hsicho CSV reader      {th:8.3f} s   {size / 1e6 / th:7.1f} MB/s")
        times = []
        for _ in range(max(1, a.repeats - 2)):
            t0 = time.perf_counter()
            back = np.loadtxt(csv, delimiter=",", skiprows=1)
            times.append(time.perf_counter() - t0)
        tn = statistics.median(times)
        print(f"numpy.loadtxt          {tn:8.3f} s   {size / 1e6 / tn:7.1f} MB/s")
        same = np.array_equal(back, data)
        print(f"numpy read the numbers back exactly: {same}; "
              f"sums agree: {abs(sum_h - data.sum()) <= 1e-9 * abs(data).sum()}")
        print(f"hsicho/numpy time: x{th / tn:.3f} ({tn / th:.1f} times faster)")
        npy = os.path.join(tmp, "table.npy")
        np.save(npy, data)
        t, _ = hsicho(a.bench, npy, a.repeats, [], [])
        print(f"hsicho .npy, same array {t:7.3f} s   {os.path.getsize(npy) / 1e6 / t:7.1f} MB/s")
        try:
            import h5py
            h5 = os.path.join(tmp, "table.h5")
            with h5py.File(h5, "w") as f:
                f["x"] = data[:, :-1]
                f["y"] = data[:, -1]
            t, _ = hsicho(a.bench, h5, a.repeats, ["/x"], ["/y"])
            print(f"hsicho HDF5, same array {t:7.3f} s   {os.path.getsize(h5) / 1e6 / t:7.1f} MB/s")
        except ImportError:
            print("(h5py not installed: no HDF5 line)")


if __name__ == "__main__":
    main()
