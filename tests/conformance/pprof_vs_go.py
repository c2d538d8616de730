#!/usr/bin/env python3
"""Compare `memtracer top --json` with `go tool pprof -top` on every
profile.proto file we can find, for every sample type.

Usage: pprof_vs_go.py MT_BIN DIR...

Files: every regular file under the DIRs whose content (gunzipped when it
starts with 1f 8b) parses as a top-level profile.proto message, checked
here with a small independent wire-format walk, and that
`go tool pprof -raw` reads. Legacy pprof files are skipped (go reads them,
we reject them on purpose).

pprof prints values in human units; passing the sample type's own unit as
-unit= makes it print the exact integer (scale factor 1) followed by the
canonical unit name, e.g. "1510529118B", "10000000ns", "42". Both sides
are compared as the string pprof would print ("%.2f" with ".00" cut).

A second check per file and sample type: the file converted by
`memtracer convert --to pprof` must give exactly the same
`go tool pprof -top` as the original (our writer, read by pprof itself).

Prints one line per mismatch and a summary "N passed, M failed"
(files x sample types). Exit 1 on any mismatch.
"""
import concurrent.futures
import gzip
import json
import os
import re
import subprocess
import sys
import tempfile

MESSAGE_FIELDS = {1, 2, 3, 4, 5, 6, 11}

# -symbolize=none: never look for local binaries named by the mappings. Set
# MT_PPROF_SYMBOLIZE=default to see what plain `go tool pprof` prints (it
# also copies system_name into empty names and demangles C++ names).
SYMBOLIZE = [] if os.environ.get("MT_PPROF_SYMBOLIZE") == "default" else ["-symbolize=none"]
VARINT_FIELDS = {7, 8, 9, 10, 12, 14, 15}


def read_varint(b, i):
    v = 0
    for k in range(10):
        if i >= len(b):
            return None, i
        c = b[i]
        i += 1
        v |= (c & 0x7F) << (7 * k)
        if not c & 0x80:
            return v, i
    return None, i


def is_profile_proto(data):
    """Every top-level field is a known Profile field with the right wire type."""
    if not data:
        return False
    i = 0
    nfields = 0
    has_strings = False
    while i < len(data):
        tag, i = read_varint(data, i)
        if tag is None:
            return False
        num, wt = tag >> 3, tag & 7
        if wt == 0 and (num in VARINT_FIELDS or num == 13):
            v, i = read_varint(data, i)
            if v is None:
                return False
        elif wt == 2 and (num in MESSAGE_FIELDS or num == 13):
            n, i = read_varint(data, i)
            if n is None or n > len(data) - i:
                return False
            if num == 6:
                has_strings = True
            i += n
        else:
            return False
        nfields += 1
    return nfields > 0 and has_strings


def load(path):
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError:
        return None
    if raw[:2] == b"\x1f\x8b":
        try:
            return gzip.decompress(raw)
        except Exception:
            return None
    return raw


def run(cmd):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def pprof_sample_types(path):
    """[(type, unit)] from `go tool pprof -raw`, or None when go cannot read it."""
    rc, out, _ = run(["go", "tool", "pprof", "-raw", "-symbolize=none", path])
    if rc != 0:
        return None
    lines = out.splitlines()
    for k, line in enumerate(lines):
        if line.strip() == "Samples:" and k + 1 < len(lines):
            types = []
            for tok in lines[k + 1].split():
                tok = tok.replace("[dflt]", "")
                t, _, u = tok.rpartition("/")
                types.append((t, u))
            return types
    return []


def fmt_like_pprof(v, suffix):
    s = "%.2f" % float(v)
    if s.endswith(".00"):
        s = s[:-3]
    if s in ("0", "-0"):
        return "0"
    return s + suffix


HEADER = re.compile(r"^\s*flat\s+flat%\s+sum%\s+cum\s+cum%\s*$")
TOTAL = re.compile(r"accounting for .*? of (\S+) total")
# flat flat% sum% cum cum%, two spaces, the name (printText in pprof's report.go)
ROW = re.compile(r"^ *(\S+) +(\S+%) +(\S+%) +(\S+) +(\S+%)  (.*)$")


def go_top(path, idx, unit):
    cmd = ["go", "tool", "pprof", "-top", "-nodecount=100000000", "-nodefraction=0",
           "-edgefraction=0"] + SYMBOLIZE + ["-sample_index=%d" % idx]
    if unit:
        cmd.append("-unit=" + unit)
    cmd.append(path)
    rc, out, err = run(cmd)
    if rc != 0:
        first = err.strip().splitlines()[0] if err.strip() else ""
        return None, "go tool pprof failed: " + first, []
    rows = {}
    dups = []
    total = None
    in_rows = False
    names = []   # [name, flat, cum]; a name with a newline continues on the next lines
    for line in out.split("\n"):
        if not in_rows:
            m = TOTAL.search(line)
            if m:
                total = m.group(1)
            if HEADER.match(line):
                in_rows = True
            continue
        m = ROW.match(line)
        if m:
            names.append([m.group(6), m.group(1), m.group(4)])
        elif names and line:
            names[-1][0] += "\n" + line
    for name, flat, cum in names:
        # pprof marks inlined nodes: "(inline)" always, "(partial-inline)" sometimes
        for mark in (" (inline)", " (partial-inline)"):
            if name.endswith(mark):
                name = name[: -len(mark)]
        if name in rows:
            dups.append(name)
        rows[name] = (flat, cum)
    return rows, total, dups


def suffix_of(s):
    m = re.match(r"^-?[0-9.]+(?:e[+-]?[0-9]+)?(.*)$", s)
    return m.group(1) if m else ""


def convert(mt_bin, path, out):
    rc, _, err = run([mt_bin, "convert", "--to", "pprof", "-o", out, path])
    return None if rc == 0 else (err.strip() or "exit %d" % rc)


def compare_converted(path, conv, idx, st):
    a = go_top(path, idx, st[1])
    b = go_top(conv, idx, st[1])
    label = "%s [sample %d %s/%s] after convert --to pprof" % (path, idx, st[0], st[1])
    if b[0] is None:
        return ["%s: %s" % (label, b[1])]
    if a[:2] != b[:2]:
        diff = sorted(set(a[0].items()) ^ set(b[0].items()))[:5] if a[0] is not None else []
        return ["%s: go tool pprof -top differs (total %s vs %s) %s" % (label, a[1], b[1], diff)]
    return []


def compare(mt_bin, path, idx, st, conv=None):
    """Returns a list of mismatch strings (empty when equal)."""
    if conv is not None:
        return compare_converted(path, conv, idx, st)
    rc, out, err = run([mt_bin, "top", path, "--json", "--sample-index", str(idx)])
    if rc != 0:
        return ["%s [%d %s]: memtracer failed: %s" % (path, idx, st[0], err.strip())]
    try:
        ours = json.loads(out)
    except ValueError as e:
        return ["%s [%d %s]: memtracer printed invalid JSON: %s" % (path, idx, st[0], e)]
    theirs, total, dups = go_top(path, idx, st[1])
    if theirs is None:
        return ["%s [%d %s]: %s" % (path, idx, st[0], total)]
    problems = []
    # the unit suffix pprof prints ("B", "ns", "" ...): take it from any value it printed
    suffix = ""
    for flat, cum in theirs.values():
        for s in (flat, cum):
            if s != "0":
                suffix = suffix_of(s)
                break
        if suffix:
            break
    if total is not None and total != "0" and not suffix:
        suffix = suffix_of(total)
    label = "%s [sample %d %s/%s]" % (path, idx, st[0], st[1])
    for name in dups:
        problems.append("%s: go tool pprof prints %r more than once" % (label, name))
    if ours.get("sample_type") != st[0]:
        problems.append("%s: sample_type %r, go says %r" % (label, ours.get("sample_type"), st[0]))
    if total is not None and fmt_like_pprof(ours.get("total", 0), suffix) != total:
        problems.append("%s: total %s, go says %s" % (label, ours.get("total"), total))
    mine = {}
    for r in ours.get("rows", []):
        if r["name"] in mine:
            problems.append("%s: memtracer prints %r more than once" % (label, r["name"]))
        mine[r["name"]] = (fmt_like_pprof(r["flat"], suffix), fmt_like_pprof(r["cum"], suffix))
    for name in sorted(set(mine) | set(theirs)):
        a, b = mine.get(name), theirs.get(name)
        if a is None:
            problems.append("%s: row %r missing (go: flat %s cum %s)" % (label, name, b[0], b[1]))
        elif b is None:
            problems.append("%s: extra row %r (flat %s cum %s), go has none" % (label, name, a[0], a[1]))
        elif a != b:
            problems.append("%s: row %r flat %s cum %s, go says flat %s cum %s" % (label, name, a[0], a[1], b[0], b[1]))
    return problems


def main():
    if len(sys.argv) < 3:
        print("usage: pprof_vs_go.py MT_BIN DIR...", file=sys.stderr)
        return 2
    mt_bin = sys.argv[1]
    files = []
    for d in sys.argv[2:]:
        if not os.path.isdir(d):
            continue
        for root, dirs, names in os.walk(d):
            dirs.sort()
            for n in sorted(names):
                p = os.path.join(root, n)
                if os.path.isfile(p) and not os.path.islink(p):
                    files.append(p)
    candidates = []
    for p in files:
        data = load(p)
        if data is not None and is_profile_proto(data):
            candidates.append(p)

    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 4) as ex:
        types = list(ex.map(pprof_sample_types, candidates))
        jobs = []
        unread = 0
        tmp = tempfile.mkdtemp(prefix="mt-pprof-conv-")
        readable = [(p, sts) for p, sts in zip(candidates, types) if sts is not None]
        for p, sts in zip(candidates, types):
            if sts is None:
                unread += 1
                print("# skipped (go tool pprof cannot read it): %s" % p)
        convs = ["%s/%d.pb.gz" % (tmp, k) for k in range(len(readable))]
        conv_errs = list(ex.map(lambda a: convert(mt_bin, a[0][0], a[1]), zip(readable, convs)))
        for (p, sts), conv, cerr in zip(readable, convs, conv_errs):
            for i, st in enumerate(sts):
                jobs.append((p, i, st, None))
                jobs.append((p, i, st, conv if cerr is None else None))
                if cerr is not None:
                    jobs[-1] = (p, i, st, "!" + cerr)
        def one(j):
            if j[3] is not None and j[3].startswith("!"):
                return ["%s: memtracer convert --to pprof failed: %s" % (j[0], j[3][1:])]
            return compare(mt_bin, *j)
        results = list(ex.map(one, jobs))
        for c in convs:
            if os.path.exists(c):
                os.remove(c)
        os.rmdir(tmp)

    bad = {}
    for job, probs in zip(jobs, results):
        bad.setdefault((job[0], job[1]), False)
        if probs:
            bad[(job[0], job[1])] = True
            for line in probs:
                print(line)
    failed = sum(1 for v in bad.values() if v)
    passed = len(bad) - failed
    nfiles = len(set(j[0] for j in jobs))
    print("# %d files, %d skipped as unreadable by go tool pprof; each sample type checked"
          " twice (memtracer top vs go, and go on our converted output vs go on the original)" % (nfiles, unread))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
