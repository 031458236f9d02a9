#!/usr/bin/env python3
"""Writes the seed inputs of the CSV and journal fuzz targets (fuzz/seeds/). The first byte of
each is the target's mode byte (see fuzz_csv.cpp and fuzz_journal.cpp). Decks need no seeds of
their own: the deck target starts from inputs/ and tests/decks/."""
import os
import random
import zlib

here = os.path.dirname(os.path.abspath(__file__))


def write(kind, name, mode, text):
    path = os.path.join(here, "seeds", kind, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(bytes([mode]) + text.encode())


rng = random.Random(7)
# Numbers only: the error depends on x1.
rows = ["x1,x2,\"x 3\",error"]
for _ in range(40):
    x = [rng.random() for _ in range(3)]
    rows.append("%.6g,%.6g,%.6g,%.6g" % (x[0], x[1], x[2], (x[0] - 0.3) ** 2 + 0.01 * x[1]))
write("csv", "numeric.csv", 0x00, "\n".join(rows) + "\n")
write("csv", "numeric_interactions_u.csv", 0x06, "\r\n".join(rows) + "\r\n")

# Typed values of the target's space, units_3 empty where layers < 3 (inactive).
rows = ["lr,layers,units_1,units_3,activation,batch_norm,dropout,epochs,error"]
for _ in range(30):
    layers = rng.randint(1, 3)
    rows.append(",".join([
        "%.3g" % 10 ** rng.uniform(-4, -1), str(layers), str(rng.randint(4, 64)),
        str(rng.randint(4, 64)) if layers >= 3 else "", rng.choice(["relu", "tanh"]),
        rng.choice(["true", "false"]), "%.3f" % rng.uniform(0, 0.5), "3",
        "%.5g" % rng.random()]))
write("csv", "typed.csv", 0x01, "\n".join(rows) + "\n")
write("csv", "typed_conditional.csv", 0x19, "\n".join(rows) + "\n")

# Journals: a header, records with CRCs, and a torn last record.
fingerprint = "0123456789abcdef"


def record(config, status, val, curve, message):
    body = "\t".join(["R", str(config), "0", status, val, "0.5", "0.1", "0.2", "3", "2", "1.25",
                      "609", str(1000 + config), "cpu", ",".join(curve), message])
    return body + "\t%08x" % zlib.crc32(body.encode())


lines = ["hsicho-journal 1 " + fingerprint,
         record(0, "ok", "0.012", ["0.5", "0.1", "0.012"], ""),
         record(3, "diverged", "inf", ["0.5", "nan"], "loss is nan at epoch 2"),
         record(1, "failed", "inf", [], "CUDA out of memory\\ttab\\\\ and \\n newline")]
write("journal", "valid.jnl", 0x00, "\n".join(lines) + "\n")
write("journal", "torn.jnl", 0x00, "\n".join(lines) + "\n" + lines[1][:30])
bodies = [l.rsplit("\t", 1)[0] for l in lines[1:]]
write("journal", "crc_added.jnl", 0x01, "\n".join([lines[0]] + bodies) + "\n")
