#!/usr/bin/python3
"""Writes the small data files of the table tests (committed; rerun only to change them).

Good files: one damped-oscillator table (3 inputs t, omega, zeta; 2 outputs x, v) in every format
hsicho reads, bit for bit the same numbers; a classification table; an image set for a CNN.
Bad files: tests/decks/bad/data/, one kind of damage each, used by tests/decks/bad/data_*.yaml.

Needs NumPy and h5py (Debian: python3-numpy python3-h5py).
"""
import io
import os
import zipfile

import h5py
import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
bad = os.path.join(here, "..", "..", "decks", "bad", "data")
os.makedirs(bad, exist_ok=True)


def oscillator(n, seed):
    rng = np.random.default_rng(seed)
    t = rng.uniform(0, 10, n)
    w = rng.uniform(0.5, 2.0, n)
    z = rng.uniform(0.05, 0.5, n)
    wd = w * np.sqrt(1 - z**2)
    e = np.exp(-z * w * t)
    x = e * (np.cos(wd * t) + z * w / wd * np.sin(wd * t))
    v = -e * w**2 / wd * np.sin(wd * t)
    return np.column_stack([t, w, z]), np.column_stack([x, v])


def write_csv(path, header, rows, fmt=repr, sep=","):
    with open(path, "w") as f:
        f.write(sep.join(header) + "\n")
        for r in rows:
            f.write(sep.join(fmt(float(v)) for v in r) + "\n")


x, y = oscillator(80, 1)
write_csv(os.path.join(here, "oscillator.csv"), ["t", "omega", "zeta", "x", "v"],
          np.column_stack([x, y]))
with h5py.File(os.path.join(here, "oscillator.h5"), "w") as f:
    f["inputs"] = x
    f["outputs/xv"] = y
np.save(os.path.join(here, "oscillator_x.npy"), np.asfortranarray(x))  # Fortran order on disk
np.save(os.path.join(here, "oscillator_y.npy"), y)
np.savez_compressed(os.path.join(here, "oscillator.npz"), inputs=x, outputs=y)
xv, yv = oscillator(20, 2)
write_csv(os.path.join(here, "oscillator_validation.csv"), ["t", "omega", "zeta", "x", "v"],
          np.column_stack([xv, yv]))

# Classification: two features, label 1 inside the unit circle.
rng = np.random.default_rng(3)
p = rng.uniform(-1.5, 1.5, (90, 2))
label = (np.sum(p**2, axis=1) < 1).astype(np.int64)
with open(os.path.join(here, "circle.csv"), "w") as f:
    f.write("a,b,inside\n")
    for (a, b), c in zip(p, label):
        f.write(f"{a!r},{b!r},{c}\n")

# Images: 8x8 one-channel pictures of a horizontal or a vertical bar, with noise.
n = 96
img = rng.normal(0, 0.3, (n, 1, 8, 8)).astype(np.float32)
cls = rng.integers(0, 2, n)
for k in range(n):
    pos = rng.integers(1, 7)
    if cls[k]:
        img[k, 0, :, pos] += 2
    else:
        img[k, 0, pos, :] += 2
with h5py.File(os.path.join(here, "bars.h5"), "w") as f:
    f["images"] = img
    f["labels"] = cls.astype(np.uint8)

# ---- bad files: each damaged in one way ----
good = np.column_stack([x, y])[:12]
hdr = "t,omega,zeta,x,v\n"
rows = [",".join(repr(float(v)) for v in r) for r in good]


def text(name, content, mode="w"):
    with open(os.path.join(bad, name), mode) as f:
        f.write(content)


text("not_a_number.csv", hdr + "\n".join(rows[:5] + ["1.5,abc,0.2,0.1,0.3"] + rows[5:]) + "\n")
text("nan_cell.csv", hdr + "\n".join(rows[:7] + ["1.5,1.0,nan,0.1,0.3"] + rows[7:]) + "\n")
text("empty_cell.csv", hdr + "\n".join(rows[:3] + ["1.5,,0.2,0.1,0.3"] + rows[3:]) + "\n")
text("ragged.csv", hdr + "\n".join(rows[:4] + ["1.5,1.0,0.2,0.1"] + rows[4:]) + "\n")
text("header_only.csv", hdr)
text("utf16.csv", (hdr + "\n".join(rows) + "\n").encode("utf-16"), "wb")
text("decimal_comma.csv", "t;omega;zeta;x;v\n" + "\n".join(
    ";".join(f"{v:.3f}".replace(".", ",") for v in r) for r in good) + "\n")
text("few_rows.csv", hdr + "\n".join(rows[:3]) + "\n")
text("labels.csv", "a,b,inside\n0.1,0.2,1\n0.3,0.4,0\n0.5,0.6,2.5\n" +
     "".join(f"{k / 10},{k / 20},{k % 2}\n" for k in range(10)))
text("labels_range.csv", "a,b,inside\n" + "".join(f"{k / 10},{k / 20},{k % 3}\n" for k in range(12)))
text("binary.csv", b"\x00\x01\x02\x03garbage" * 10, "wb")
with h5py.File(os.path.join(bad, "strings.h5"), "w") as f:
    f["inputs"] = np.array([b"a", b"b", b"c"] * 4)
    f["outputs"] = y[:12]
with h5py.File(os.path.join(bad, "compound.h5"), "w") as f:
    f["inputs"] = np.zeros(12, dtype=[("t", "f8"), ("k", "i4")])
    f["outputs"] = y[:12]
with h5py.File(os.path.join(bad, "rows.h5"), "w") as f:
    f["inputs"] = x[:12]
    f["outputs"] = y[:11]
with h5py.File(os.path.join(bad, "inf.h5"), "w") as f:
    f["inputs"] = x[:12]
    yy = y[:12].copy()
    yy[9, 1] = np.inf
    f["outputs"] = yy
with h5py.File(os.path.join(bad, "group.h5"), "w") as f:
    f["inputs/a"] = x[:12]
    f["outputs"] = y[:12]
np.save(os.path.join(bad, "bool.npy"), np.ones((12, 3), dtype=bool))
np.save(os.path.join(bad, "complex.npy"), np.ones((12, 3), dtype=np.complex128))
np.save(os.path.join(bad, "structured.npy"), np.zeros(12, dtype=[("t", "f8"), ("k", "i4")]))
np.save(os.path.join(bad, "y12.npy"), y[:12])
with open(os.path.join(bad, "truncated.npy"), "wb") as f:
    np.save(f, x[:12])
with open(os.path.join(bad, "truncated.npy"), "r+b") as f:
    f.truncate(os.path.getsize(os.path.join(bad, "truncated.npy")) - 40)
np.savez(os.path.join(bad, "keys.npz"), inputs=x[:12], targets=y[:12])
with open(os.path.join(bad, "cut.npz"), "wb") as f:
    data = open(os.path.join(bad, "keys.npz"), "rb").read()
    f.write(data[: len(data) // 2])
with zipfile.ZipFile(os.path.join(bad, "crc.npz"), "w") as z:
    z.writestr("inputs.npy", b"placeholder")
raw = bytearray(open(os.path.join(bad, "crc.npz"), "rb").read())
raw[raw.index(b"placeholder")] ^= 0xFF  # one byte flipped: the member fails its CRC
open(os.path.join(bad, "crc.npz"), "wb").write(bytes(raw))
with h5py.File(os.path.join(bad, "narrow_validation.h5"), "w") as f:
    f["inputs"] = x[:12, :2]
    f["outputs"] = y[:12]
with h5py.File(os.path.join(bad, "main.h5"), "w") as f:
    f["inputs"] = x[:40]
    f["outputs"] = y[:40]
# Issue 31: data the training cannot use.
text("beyond_float32.csv", hdr + "\n".join(rows[:6] + ["1.5,1e39,0.2,0.1,0.3"] + rows[6:]) + "\n")
text("many_labels.csv", "a,b,inside\n" + "".join(f"{k / 10},{k / 20},{9750 if k == 5 else k % 2}\n"
                                                  for k in range(40)))
with h5py.File(os.path.join(bad, "unwritten.h5"), "w") as f:
    f.create_dataset("inputs", shape=(10 ** 7, 3), chunks=(1024, 3), dtype="f8")  # never written
    f["outputs"] = y[:12]
with h5py.File(os.path.join(bad, "huge.h5"), "w") as f:  # 2 kB declaring 24 GB
    f.create_dataset("inputs", shape=(10 ** 9, 3), chunks=(1024, 3), dtype="f8")
    f["outputs"] = y[:12]
with h5py.File(os.path.join(bad, "external_link.h5"), "w") as f:
    f["inputs"] = h5py.ExternalLink("main.h5", "/inputs")
    f["outputs"] = y[:40]
# Issue 42: a virtual data set whose source file is missing (HDF5 1.10 crashed at exit on it).
vx = h5py.VirtualLayout(shape=(40, 3), dtype="f8")
vx[:] = h5py.VirtualSource("vds_source_gone.h5", "inputs", shape=(40, 3))
with h5py.File(os.path.join(bad, "vds_missing_source.h5"), "w") as f:
    f.create_virtual_dataset("inputs", vx)
    f["outputs"] = y[:40]
with zipfile.ZipFile(os.path.join(bad, "twice.npz"), "w") as z:
    for arr in (x[:12], x[:12] * 2):
        buf = io.BytesIO()
        np.save(buf, arr)
        z.writestr("inputs.npy", buf.getvalue())
    buf = io.BytesIO()
    np.save(buf, y[:12])
    z.writestr("targets.npy", buf.getvalue())
# A header numpy itself refuses ("does not contain the correct keys"): one key too many.
buf = io.BytesIO()
np.save(buf, x[:12])
raw = buf.getvalue()
hlen = int.from_bytes(raw[8:10], "little")
header = raw[10:10 + hlen].replace(b"), }", b"), 'x': 1}").ljust(hlen - 1) + b"\n"
with open(os.path.join(bad, "extra_key.npy"), "wb") as f:
    f.write(raw[:10] + header[:hlen] + raw[10 + hlen:])
print("wrote", here, "and", os.path.normpath(bad))
