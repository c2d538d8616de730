#!/usr/bin/env python3
"""Builds the seed corpus tests/fuzz/corpus/pprof/ for fuzz_pprof.

Run from the source root:  python3 tests/fuzz/make_pprof_corpus.py

Seeds: the smaller real Go profiles from samples/go (gunzipped), each also
truncated at 1/4, 1/2 and 3/4 and with two bits flipped (fixed PRNG seed,
so the output is the same every run), plus a few hand-encoded profiles
that exercise unpacked repeated fields, inlined lines, labels, unknown
fields and a legacy header.
"""
import gzip
import os
import random
import sys

SRC = "samples/go"
OUT = "tests/fuzz/corpus/pprof"
SAMPLES = ["mutex", "block", "goroutine.baseline", "goroutine", "heap.baseline"]


def v(x):
    out = bytearray()
    while x >= 0x80:
        out.append((x & 0x7F) | 0x80)
        x >>= 7
    out.append(x)
    return bytes(out)


def u(field, x):
    return v(field << 3) + v(x)


def m(field, body):
    return v((field << 3) | 2) + v(len(body)) + body


def hand_made():
    strs = ["", "samples", "count", "cpu", "nanoseconds", "main.f", "main.go", "main.g", "k", "val", "bytes"]
    st = b"".join(m(6, s.encode()) for s in strs)
    header = m(1, u(1, 1) + u(2, 2)) + m(1, u(1, 3) + u(2, 4))
    funcs = m(5, u(1, 1) + u(2, 5) + u(4, 6)) + m(5, u(1, 2) + u(2, 7) + u(4, 6))
    mapping = m(3, u(1, 1) + u(2, 0x400000) + u(3, 0x500000) + u(5, 6))
    # location 1 has f inlined into g; location 2 is address-only
    locs = m(4, u(1, 1) + u(2, 1) + u(3, 0x401000) + m(4, u(1, 1) + u(2, 3)) + m(4, u(1, 2) + u(2, 9)))
    locs += m(4, u(1, 2) + u(3, 0x402000))
    unpacked = m(2, u(1, 1) + u(1, 2) + u(2, 1) + u(2, 10000000) + m(3, u(1, 8) + u(2, 9)))
    packed = m(2, m(1, v(2) + v(1)) + m(2, v(3) + v(30000000)) + m(3, u(1, 8) + u(3, 4096) + u(4, 10)))
    meta = u(9, 1) + u(10, 2) + m(11, u(1, 3) + u(2, 4)) + u(12, 10000000) + u(13, 9) + u(14, 3)
    unknown = u(100, 7) + v((101 << 3) | 5) + b"\x01\x02\x03\x04"
    full = header + unpacked + packed + mapping + locs + funcs + meta + unknown + st
    legacy = b"".join(w.to_bytes(8, "little") for w in [0, 3, 0, 10000, 0, 1, 1, 0x401000, 0, 1, 0])
    return {
        "hand_full.pb": full,
        "hand_only_strings.pb": m(6, b""),
        "hand_packed_comments.pb": m(13, v(1) + v(1)) + m(6, b"") + m(6, b"note"),
        "hand_legacy_cpu.bin": legacy,
    }


def main():
    if not os.path.isdir(SRC):
        print("run from the source root", file=sys.stderr)
        return 2
    os.makedirs(OUT, exist_ok=True)
    for old in os.listdir(OUT):
        os.remove(os.path.join(OUT, old))
    rng = random.Random(1234)
    files = dict(hand_made())
    for name in SAMPLES:
        with gzip.open(os.path.join(SRC, name + ".pb.gz")) as f:
            data = f.read()
        files["seed_%s.pb" % name] = data
        for q in (1, 2, 3):
            files["trunc%d_%s.pb" % (q * 25, name)] = data[: len(data) * q // 4]
        for k in range(2):
            b = bytearray(data)
            for _ in range(2):
                i = rng.randrange(len(b))
                b[i] ^= 1 << rng.randrange(8)
            files["flip%d_%s.pb" % (k, name)] = bytes(b)
    for name, data in sorted(files.items()):
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
    print("wrote %d seeds to %s" % (len(files), OUT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
