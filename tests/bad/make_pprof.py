#!/usr/bin/env python3
"""Builds the malformed-input corpus tests/bad/pprof/ from our own Go samples.

Run from the source root:  python3 tests/bad/make_pprof.py

Each n_<case>.pb is a real profile from samples/go (gunzipped) with one
deliberate defect: truncated at a known point, a varint bit flipped, a
length prefix edited past its container, an out-of-range string index, a
reference to a missing function or location, and so on. Edits keep every
other byte where it was, so this script can say exactly where the reader
must stop: next to each n_<case>.pb it writes n_<case>.err, the one line
`memtracer info` must print ("PATH: byte N: while DOING: MSG"). The
expected offsets come from the small protobuf walker below, not from
running memtracer. y_<case>.pb files must parse.

The output is deterministic; rerunning rewrites the same bytes.
"""
import gzip
import os
import sys

SRC = "samples/go"
OUT = "tests/bad/pprof"


def varint(b, i, end=None):
    """(value, next offset) or (None, offset) when it runs off @end."""
    end = len(b) if end is None else end
    v = shift = 0
    while True:
        if i >= end:
            return None, i
        c = b[i]
        i += 1
        v |= (c & 0x7F) << shift
        shift += 7
        if not c & 0x80:
            return v, i


def enc_varint(v):
    out = bytearray()
    while v >= 0x80:
        out.append((v & 0x7F) | 0x80)
        v >>= 7
    out.append(v)
    return bytes(out)


def fields(b, start=0, end=None):
    """Fields of the message in b[start:end]: dicts with num, wt, off (tag),
    loff (length or value), poff (payload), plen, v."""
    end = len(b) if end is None else end
    i = start
    out = []
    while i < end:
        f = {"off": i}
        tag, i = varint(b, i, end)
        f["num"], f["wt"] = tag >> 3, tag & 7
        f["loff"] = i
        if f["wt"] == 0:
            f["v"], i = varint(b, i, end)
        elif f["wt"] == 2:
            n, i = varint(b, i, end)
            f["poff"], f["plen"] = i, n
            i += n
        elif f["wt"] == 1:
            i += 8
        elif f["wt"] == 5:
            i += 4
        else:
            raise ValueError("unexpected wire type")
        out.append(f)
    return out


def load(name):
    with gzip.open(os.path.join(SRC, name)) as f:
        return bytearray(f.read())


def top(b, num):
    return [f for f in fields(b) if f["num"] == num]


def sub(b, f, num):
    return [g for g in fields(b, f["poff"], f["poff"] + f["plen"]) if g["num"] == num]


def nstrings(b):
    return len(top(b, 6))


cases = []


def case(name, data, doing=None, msg=None, off=None):
    cases.append((name, bytes(data), doing, msg, off))


def same_len_value(old_len, at_least):
    """The largest value encodable in @old_len varint bytes (must be >= at_least)."""
    v = (1 << (7 * old_len)) - 1
    assert v >= at_least, (old_len, at_least)
    return v


def build():
    mutex = load("mutex.pb.gz")
    block = load("block.pb.gz")
    cpu = load("cpu.pb.gz")
    gor = load("goroutine.pb.gz")

    # --- truncations -----------------------------------------------------
    s = top(mutex, 6)[-1]
    cut = s["poff"] + s["plen"] // 2
    case("n_trunc_in_string", mutex[:cut], "reading profile.proto",
         "expected %d bytes of field 6, found %d before the end of the input" % (s["plen"], cut - s["poff"]),
         s["poff"])

    smp = top(block, 2)[1]
    cut = smp["off"] + 1
    case("n_trunc_after_tag", block[:cut], "reading profile.proto",
         "expected a length prefix (a varint), found the end of the input", cut)

    smp = top(cpu, 2)[5]
    cut = smp["poff"] + smp["plen"] - 1
    case("n_trunc_in_sample", cpu[:cut], "reading profile.proto",
         "expected %d bytes of field 2, found %d before the end of the input" % (smp["plen"], smp["plen"] - 1),
         smp["poff"])

    half = len(gor) // 2
    f = [f for f in fields(gor) if f["wt"] == 2 and f["poff"] <= half < f["poff"] + f["plen"]][0]
    case("n_trunc_half", gor[:half], "reading profile.proto",
         "expected %d bytes of field %d, found %d before the end of the input" % (f["plen"], f["num"], half - f["poff"]),
         f["poff"])

    # --- a varint bit flipped: the 2nd sample_type's last varint now runs off its message
    b = bytearray(block)
    st = top(b, 1)[1]
    last = st["poff"] + st["plen"] - 1
    g = fields(b, st["poff"], st["poff"] + st["plen"])[-1]
    b[last] |= 0x80
    case("n_bitflip_varint", b, "reading profile.proto",
         "expected a field value (a varint), found the end of the enclosing message", g["loff"])

    # --- a varint made 11 bytes long: bit 7 set in ten bytes from the start of
    # the period value (after the sample types, so detection still sees pprof)
    b = bytearray(block)
    t = top(b, 12)[0]
    for k in range(10):
        b[t["loff"] + k] |= 0x80
    case("n_varint_too_long", b, "reading profile.proto",
         "expected a field value (a varint of at most 10 bytes), found byte 0x%02x at its 10th byte"
         % b[t["loff"] + 9], t["loff"])

    # --- length prefixes edited past their container
    b = bytearray(block)
    s = top(b, 6)[-1]
    assert s["plen"] < 0x7F and len(b) - s["poff"] < 0x7F
    b[s["loff"]] = 0x7F
    case("n_length_past_end", b, "reading profile.proto",
         "expected 127 bytes of field 6, found %d before the end of the input" % (len(b) - s["poff"]),
         s["poff"])

    b = bytearray(block)
    loc = top(b, 4)[0]
    ln = sub(b, loc, 4)[0]
    room = loc["poff"] + loc["plen"] - ln["poff"]
    assert b[ln["loff"]] < 0x7F
    b[ln["loff"]] = 0x7F
    case("n_line_length_past_location", b, "reading profile.proto",
         "expected 127 bytes of field 4, found %d before the end of the enclosing message" % room,
         ln["poff"])

    # --- resolution errors
    b = bytearray(mutex)
    fn = top(b, 5)[0]
    name = sub(b, fn, 2)[0]
    _, nxt = varint(b, name["loff"])
    big = same_len_value(nxt - name["loff"], nstrings(b))
    b[name["loff"]:nxt] = enc_varint(big)
    case("n_string_index", b, "resolving functions",
         "expected a string_table index below %d for Function.name, found %d" % (nstrings(b), big), fn["off"])

    b = bytearray(block)
    ids = {sub(b, f, 1)[0]["v"] for f in top(b, 5)}
    loc = top(b, 4)[2]
    ln = sub(b, loc, 4)[0]
    fid = [g for g in fields(b, ln["poff"], ln["poff"] + ln["plen"]) if g["num"] == 1][0]
    _, nxt = varint(b, fid["loff"])
    missing = same_len_value(nxt - fid["loff"], max(ids) + 1)
    assert missing not in ids
    b[fid["loff"]:nxt] = enc_varint(missing)
    case("n_missing_function", b, "resolving locations",
         "expected a function id defined in the profile, found %d" % missing, ln["off"])

    b = bytearray(gor)
    lids = {sub(b, f, 1)[0]["v"] for f in top(b, 4)}
    smp = top(b, 2)[3]
    run = sub(b, smp, 1)[0]
    assert run["wt"] == 2  # packed
    _, nxt = varint(b, run["poff"])
    missing = same_len_value(nxt - run["poff"], max(lids) + 1)
    b[run["poff"]:nxt] = enc_varint(missing)
    case("n_missing_location", b, "resolving samples",
         "expected a location id defined in the profile, found %d" % missing, smp["off"])

    # --- records appended at the end (every earlier offset stays put)
    b = bytearray(block) + b"\x0a\x04\x08\x01\x10\x02"
    case("n_value_count", b, "resolving samples",
         "expected 3 values (one per sample_type), found 2", top(block, 2)[0]["off"])

    fn = top(mutex, 5)[0]
    b = bytearray(mutex) + mutex[fn["off"]:fn["poff"] + fn["plen"]]
    fid = sub(mutex, fn, 1)[0]["v"]
    case("n_duplicate_function", b, "resolving functions",
         "expected unique function ids, found %d again (first at byte %d)" % (fid, fn["off"]), len(mutex))

    b = bytearray(mutex) + b"\x22\x00"
    case("n_zero_location_id", b, "resolving locations", "expected a non-zero location id, found 0", len(mutex))

    b = bytearray(mutex) + b"\x1a\x02\x10\x01"
    case("n_zero_mapping_id", b, "resolving mappings", "expected a non-zero mapping id, found 0", len(mutex))

    b = bytearray(mutex) + b"\x0b"
    case("n_group", b, "reading profile.proto",
         "expected wire type 0, 1, 2 or 5 in field 1, found 3 (a group; profile.proto has none)", len(mutex))

    # a second period_type merges into the first (protobuf rules); its offset is reported
    assert nstrings(mutex) < 127
    b = bytearray(mutex) + b"\x50\x01\x5a\x02\x08\x7f"
    case("n_period_type_index", b, "resolving profile metadata",
         "expected a string_table index below %d for period_type.type, found 127" % nstrings(mutex),
         len(mutex) + 2)

    b = bytearray(block) + b"\x48\x01"
    case("n_concatenated", b, "reading profile.proto",
         "expected one profile, found a second time_nanos (first at byte %d): concatenated profiles are not supported"
         % top(block, 9)[0]["off"], len(block))

    b = bytearray(mutex) + b"\x4a\x01\x00"
    case("n_wrong_wire_type", b, "reading profile.proto",
         "expected a varint for Profile.time_nanos (field 9), found a length-delimited value", len(mutex))

    # --- not profile.proto at all
    words = [0, 3, 0, 10000, 0, 1, 1, 0x401000, 0, 1, 0]
    legacy = b"".join(w.to_bytes(8, "little") for w in words)
    case("n_legacy_go_cpu", legacy, "detecting the format",
         "expected profile.proto, found legacy Go binary CPU profile (pre-2016); convert it with `go tool pprof -proto`", 0)
    case("n_empty", b"", "detecting the format",
         "expected a profile or dump (pprof, folded stacks, Go goroutine dump, V8 heap snapshot or profile, JFR), found an empty input", 0)
    case("n_gzip_twice", gzip.compress(gzip.compress(bytes(mutex), mtime=0), mtime=0), "detecting the format",
         "expected a profile or dump (pprof, folded stacks, Go goroutine dump, V8 heap snapshot or profile, JFR), found gzip data inside the (already gunzipped) input", 0)

    # --- must parse
    case("y_mutex", mutex)
    case("y_goroutine_labels", gor)
    case("y_unknown_fields", bytearray(block) + b"\xa0\x06\x07\xa5\x06\x01\x02\x03\x04")
    case("y_only_string_table", b"\x32\x00")
    # unpacked repeated fields: every packed run of the first sample rewritten element by element
    b = bytearray(block)
    smp = top(b, 2)[0]
    body = bytearray()
    for g in fields(b, smp["poff"], smp["poff"] + smp["plen"]):
        if g["wt"] == 2 and g["num"] in (1, 2):
            i = g["poff"]
            while i < g["poff"] + g["plen"]:
                v, i = varint(b, i)
                body += enc_varint(g["num"] << 3) + enc_varint(v)
        else:
            end = g["poff"] + g["plen"] if g["wt"] == 2 else varint(b, g["loff"])[1]
            body += b[g["off"]:end]
    b[smp["off"]:smp["poff"] + smp["plen"]] = b"\x12" + enc_varint(len(body)) + body
    case("y_unpacked_sample", b)


def main():
    if not os.path.isdir(SRC):
        print("run from the source root", file=sys.stderr)
        return 2
    build()
    os.makedirs(OUT, exist_ok=True)
    for old in os.listdir(OUT):
        if old.startswith(("n_", "y_")):
            os.remove(os.path.join(OUT, old))
    for name, data, doing, msg, off in cases:
        path = os.path.join(OUT, name + ".pb")
        with open(path, "wb") as f:
            f.write(data)
        if name.startswith("n_"):
            with open(os.path.join(OUT, name + ".err"), "w") as f:
                f.write("%s: byte %d: while %s: %s\n" % (path, off, doing, msg))
    print("wrote %d cases to %s" % (len(cases), OUT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
