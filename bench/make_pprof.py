#!/usr/bin/env python3
"""bench/make_pprof.py - writes a large synthetic Go-like CPU profile (profile.proto).

    make_pprof.py OUT [SAMPLES] [--stacks N] [--functions F] [--min-depth A]
                  [--max-depth B] [--seed S] [--gzip]

SAMPLES (default 1,000,000) samples drawn (Zipf-like popularity) from about N
(default 100,000) distinct stacks of depth A-B (default 10-60) over about F
(default 20,000) functions with Go-style names and module file paths. About 8%
of the locations carry inlined frames (several Line entries); about 10% of the
samples carry pprof labels. Sample types are samples/count and cpu/nanoseconds
with a 10ms period, as `go test -cpuprofile` writes them.

The protobuf is encoded by hand (python3 standard library only). With the
defaults the uncompressed file is a bit over 100 MB; --gzip compresses it the
way runtime/pprof does (fast level). The output depends only on the
arguments (seeded PRNG), so timings compare between runs and machines.
"""
import argparse
import gzip
import random
import sys


def varint(n):
    """Base-128 varint of a non-negative int (int64 values are never negative here)."""
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def key(field, wire):
    return varint((field << 3) | wire)


def f_varint(field, n):
    """A varint field; proto3 omits zero values."""
    return key(field, 0) + varint(n) if n else b""


def f_bytes(field, payload):
    return key(field, 2) + varint(len(payload)) + payload


def f_packed(field, nums):
    return f_bytes(field, b"".join(varint(n) for n in nums))


# --- realistic Go-ish names --------------------------------------------------

MODULES = ["github.com/acme/shop", "github.com/acme/shop/internal/store",
           "github.com/acme/shop/internal/api", "github.com/acme/shop/internal/auth",
           "github.com/acme/shop/pkg/cache", "github.com/acme/shop/pkg/queue",
           "google.golang.org/grpc", "google.golang.org/grpc/internal/transport",
           "google.golang.org/protobuf/internal/impl", "go.uber.org/zap",
           "go.uber.org/zap/zapcore", "github.com/jackc/pgx/v5",
           "github.com/jackc/pgx/v5/pgconn", "github.com/prometheus/client_golang/prometheus",
           "github.com/redis/go-redis/v9", "github.com/klauspost/compress/zstd",
           "golang.org/x/net/http2", "golang.org/x/sync/errgroup"]
STDLIB = ["runtime", "net/http", "net", "encoding/json", "encoding/binary", "bufio",
          "bytes", "strings", "strconv", "sync", "sync/atomic", "crypto/tls", "crypto/sha256",
          "crypto/aes", "compress/gzip", "compress/flate", "reflect", "sort", "fmt", "io",
          "os", "syscall", "time", "context", "database/sql", "internal/poll", "math/big",
          "regexp", "text/template", "hash/crc32", "unicode/utf8", "container/heap"]
TYPES = ["Server", "conn", "Decoder", "Encoder", "Handler", "Store", "Tx", "Reader",
         "Writer", "Pool", "Mutex", "RWMutex", "Client", "Stream", "Logger", "Value",
         "state", "Conn", "Frame", "Buffer", "Cache", "Queue", "Batch", "Row", "Rows",
         "Stmt", "Codec", "Span", "Registry", "Counter", "Histogram", "worker", "scanner"]
VERBS = ["serve", "Serve", "handle", "Handle", "Decode", "Encode", "Read", "Write", "Flush",
         "Lock", "Unlock", "Get", "Put", "Set", "Delete", "Query", "Exec", "Close", "parse",
         "marshal", "unmarshal", "dial", "accept", "process", "run", "loop", "next", "fill",
         "grow", "copy", "hash", "compare", "lookup", "insert", "scan", "sum", "observe",
         "emit", "encode", "decode", "readFrame", "writeFrame", "Do", "Wait", "Go", "sort",
         "append", "alloc", "init", "flush", "validate", "authorize", "render", "compress"]
RUNTIME_HOT = ["runtime.mallocgc", "runtime.memmove", "runtime.memclrNoHeapPointers",
               "runtime.scanobject", "runtime.greyobject", "runtime.findObject",
               "runtime.gcDrain", "runtime.mapaccess1_faststr", "runtime.mapassign_faststr",
               "runtime.futex", "runtime.usleep", "runtime.lock2", "runtime.unlock2",
               "runtime.newobject", "runtime.growslice", "runtime.makeslice",
               "runtime.selectgo", "runtime.chansend", "runtime.chanrecv", "runtime.park_m",
               "runtime.schedule", "runtime.findrunnable", "runtime.netpoll",
               "runtime.epollwait", "syscall.Syscall", "syscall.RawSyscall6",
               "runtime.nanotime1", "runtime.heapBitsSetType", "runtime.memequal",
               "runtime.aeshashbody", "runtime.typedmemmove", "runtime.wbBufFlush1"]
LABEL_KEYS = ["handler", "tenant", "worker", "rpc"]
LABEL_VALUES = {
    "handler": ["/api/v1/orders", "/api/v1/users", "/api/v1/cart", "/healthz", "/metrics"],
    "tenant": ["acme", "globex", "initech", "umbrella", "hooli", "stark"],
    "worker": ["ingest-%d" % i for i in range(8)],
    "rpc": ["shop.Orders/Create", "shop.Orders/List", "shop.Users/Get", "shop.Cart/Add"],
}


class Strings:
    def __init__(self):
        self.table = [""]
        self.index = {"": 0}

    def __call__(self, s):
        i = self.index.get(s)
        if i is None:
            i = self.index[s] = len(self.table)
            self.table.append(s)
        return i


def pkg_of(name):
    """Go package path of a symbol: up to the last '/', then up to the first '.'."""
    slash = name.rfind("/") + 1
    dot = name.find(".", slash)
    return name if dot < 0 else name[:dot]


def file_for(pkg, rng):
    if "." in pkg.split("/")[0]:  # a module path
        base = "/home/build/go/pkg/mod/" + pkg.replace("/internal/", "@v1.%d.%d/internal/"
                                                        % (rng.randint(0, 9), rng.randint(0, 20)))
        if "@" not in base:
            base = base + "@v1.%d.%d" % (rng.randint(0, 9), rng.randint(0, 20))
        return "%s/%s.go" % (base, rng.choice(["server", "client", "codec", "conn", "util",
                                               "handler", "store", "pool", "frame", "batch"]))
    return "/usr/local/go/src/%s/%s.go" % (pkg, rng.choice(["proc", "malloc", "map", "server",
                                                            "transport", "decode", "encode",
                                                            "io", "scan", "mutex", "stubs"]))


def make_functions(rng, n):
    """About n distinct Go function names, each with a file and start line."""
    names = set(RUNTIME_HOT)
    pkgs = MODULES + STDLIB
    while len(names) < n:
        pkg = rng.choice(pkgs)
        r = rng.random()
        if r < 0.45:
            name = "%s.(*%s).%s" % (pkg, rng.choice(TYPES), rng.choice(VERBS))
        elif r < 0.75:
            name = "%s.%s%s" % (pkg, rng.choice(VERBS), rng.choice(TYPES))
        elif r < 0.9:
            name = "%s.%s.func%d" % (pkg, rng.choice(VERBS), rng.randint(1, 6))
        else:
            name = "%s.(*%s).%s.func%d" % (pkg, rng.choice(TYPES), rng.choice(VERBS),
                                           rng.randint(1, 4))
        # make collisions rarer so ~n distinct names exist
        if name in names:
            name = "%s%d" % (name, rng.randint(2, 99))
        names.add(name)
    out = []
    for name in sorted(names):
        out.append((name, file_for(pkg_of(name), rng), rng.randint(10, 4000)))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("samples", nargs="?", type=int, default=1_000_000)
    ap.add_argument("--stacks", type=int, default=100_000)
    ap.add_argument("--functions", type=int, default=20_000)
    ap.add_argument("--min-depth", type=int, default=10)
    ap.add_argument("--max-depth", type=int, default=60)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--gzip", action="store_true", help="gzip the output (level 1, like runtime/pprof)")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    st = Strings()
    period = 10_000_000  # 10ms: 100 Hz, runtime/pprof's default

    # --- functions ------------------------------------------------------------
    funcs = make_functions(rng, a.functions)
    func_msgs = []
    for fid, (name, fname, start) in enumerate(funcs, 1):
        body = (f_varint(1, fid) + f_varint(2, st(name)) + f_varint(3, st(name)) +
                f_varint(4, st(fname)) + f_varint(5, start))
        func_msgs.append(f_bytes(5, body))
    nfunc = len(funcs)
    hot_ids = [i + 1 for i, f in enumerate(funcs) if f[0] in RUNTIME_HOT]

    # --- locations: several PCs per function, some with inlined frames --------
    # A Location's Line list is innermost first: [inlined callee..., caller].
    loc_msgs = []
    loc_func = []  # location id - 1 -> outermost function id (for plausibility only)
    text_start = 0x401000
    addr = text_start
    for fid in range(1, nfunc + 1):
        start = funcs[fid - 1][2]
        for _ in range(rng.choice((1, 1, 2, 3, 4, 6, 8))):
            addr += rng.randint(4, 400)
            lines = [(fid, start + rng.randint(1, 120))]
            if rng.random() < 0.08:
                for _ in range(rng.randint(1, 3)):
                    callee = rng.randint(1, nfunc)
                    lines.insert(0, (callee, funcs[callee - 1][2] + rng.randint(1, 40)))
            lid = len(loc_msgs) + 1
            body = f_varint(1, lid) + f_varint(2, 1) + f_varint(3, addr)
            for lf, ln in lines:
                body += f_bytes(4, f_varint(1, lf) + f_varint(2, ln))
            loc_msgs.append(f_bytes(4, body))
            loc_func.append(fid)
    nloc = len(loc_msgs)
    text_end = (addr + 0x1000) & ~0xFFF
    # locations of the runtime hot leaves
    hot_set = set(hot_ids)
    hot_locs = [i + 1 for i, f in enumerate(loc_func) if f in hot_set]

    # --- stacks: shared roots/prefixes, varied tails; stored leaf first -------
    roots_fn = [["runtime.goexit", "net/http.(*conn).serve"],
                ["runtime.main", "main.main"],
                ["runtime.goexit", "google.golang.org/grpc.(*Server).serveStreams.func1"],
                ["runtime.mstart", "runtime.mstart1", "runtime.schedule"],
                ["runtime.goexit", "runtime.gcBgMarkWorker"]]
    # map root function names to locations (create functions on demand)
    extra_funcs = {}
    fid_of = {f[0]: i + 1 for i, f in enumerate(funcs)}

    def loc_of_name(name):
        nonlocal nloc
        if name not in extra_funcs:
            fid = fid_of.get(name)
            if fid is None:
                fid = len(func_msgs) + 1
                func_msgs.append(f_bytes(5, f_varint(1, fid) + f_varint(2, st(name)) +
                                         f_varint(3, st(name)) +
                                         f_varint(4, st(file_for(pkg_of(name), rng))) +
                                         f_varint(5, 1)))
            nloc += 1
            loc_msgs.append(f_bytes(4, f_varint(1, nloc) + f_varint(2, 1) +
                                    f_varint(3, text_start - 0x800 + 16 * len(extra_funcs)) +
                                    f_bytes(4, f_varint(1, fid) + f_varint(2, 42))))
            extra_funcs[name] = nloc
        return extra_funcs[name]

    roots = [[loc_of_name(n) for n in r] for r in roots_fn]
    prefixes = []
    for _ in range(2000):
        r = rng.choice(roots)
        prefixes.append(r + [rng.randint(1, len(loc_func)) for _ in range(rng.randint(4, 25))])
    stacks = []  # pre-encoded `location_id` packed field, leaf first
    for _ in range(a.stacks):
        pre = rng.choice(prefixes)
        depth = rng.randint(a.min_depth, max(a.min_depth, a.max_depth))
        cut = min(len(pre), rng.randint(1, max(1, depth - 2)))
        tail = [rng.randint(1, len(loc_func)) for _ in range(depth - cut - 1)]
        leaf = rng.choice(hot_locs) if rng.random() < 0.4 else rng.randint(1, len(loc_func))
        root_first = pre[:cut] + tail + [leaf]
        stacks.append(f_packed(1, reversed(root_first)))

    # --- labels ----------------------------------------------------------------
    label_encs = []
    for k in LABEL_KEYS:
        for v in LABEL_VALUES[k]:
            label_encs.append(f_bytes(3, f_varint(1, st(k)) + f_varint(2, st(v))))
    label_pairs = [label_encs[i] + label_encs[j] for i in range(len(label_encs))
                   for j in range(len(label_encs)) if i < j][:200]

    # --- header ----------------------------------------------------------------
    samples_i, count_i, cpu_i, ns_i = st("samples"), st("count"), st("cpu"), st("nanoseconds")
    mapping = f_bytes(3, f_varint(1, 1) + f_varint(2, 0x400000) + f_varint(3, text_end) +
                      f_varint(4, 0x1000) + f_varint(5, st("/usr/local/bin/shop-api")) +
                      f_varint(6, st("b5d1f0c3a7e24e91c02f8a51a2f36b0c9d8e7f12")) +
                      f_varint(7, 1) + f_varint(8, 1) + f_varint(9, 1) + f_varint(10, 1))
    comment_i = st("synthetic profile from bench/make_pprof.py seed=%d" % a.seed)

    out = bytearray()
    out += f_bytes(1, f_varint(1, samples_i) + f_varint(2, count_i))
    out += f_bytes(1, f_varint(1, cpu_i) + f_varint(2, ns_i))

    # --- samples (the bulk of the file) ----------------------------------------
    weights = [1.0 / (i + 1) ** 0.8 for i in range(len(stacks))]
    chosen = rng.choices(range(len(stacks)), weights=weights, k=a.samples)
    # counts: mostly 1-3 ticks, a few long ones; pre-encode the value fields
    count_choices = rng.choices(range(1, 65), weights=[1.0 / c ** 1.5 for c in range(1, 65)],
                                k=a.samples)
    val_encs = [None] + [f_packed(2, (c, c * period)) for c in range(1, 65)]
    rand = rng.random
    total = 0
    tag = key(2, 2)
    for s, c in zip(chosen, count_choices):
        body = stacks[s] + val_encs[c]
        r = rand()
        if r < 0.10:
            body += label_encs[int(r * 1000) % len(label_encs)]
        elif r < 0.13:
            body += label_pairs[int(r * 10000) % len(label_pairs)]
        out += tag
        out += varint(len(body))
        out += body
        total += c

    out += mapping
    for m in loc_msgs:
        out += m
    for m in func_msgs:
        out += m
    for s in st.table:
        out += f_bytes(6, s.encode("utf-8"))
    out += f_varint(9, 1_700_000_000_000_000_000)               # time_nanos
    out += f_varint(10, max(total * period // 16, 30_000_000_000))  # duration: 16 busy cores
    out += f_bytes(11, f_varint(1, cpu_i) + f_varint(2, ns_i))   # period_type
    out += f_varint(12, period)
    out += f_varint(13, comment_i)

    if a.gzip:
        with gzip.open(a.out, "wb", compresslevel=1) as f:
            f.write(out)
    else:
        with open(a.out, "wb") as f:
            f.write(out)
    print("%s: %d samples, %d stacks, %d functions, %d locations, %d strings, %.1f MB uncompressed"
          % (a.out, a.samples, len(stacks), len(func_msgs), nloc, len(st.table), len(out) / 1e6),
          file=sys.stderr)


if __name__ == "__main__":
    main()
