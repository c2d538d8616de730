#!/usr/bin/env python3
"""bench/make_folded.py - writes a large synthetic folded-stacks file.

    make_folded.py OUT [LINES] [--stacks N] [--min-depth A] [--max-depth B] [--seed S]

LINES (default 1,000,000) lines of `frame;frame;...;leaf COUNT`, drawn from
about N (default 100,000) distinct stacks of depth A-B (default 10-60) built
from realistic Go/Java/C++-style frame names (about 23 bytes each, so the
default file is about 0.8 GB; --max-depth 15 gives about 0.28 GB). Stacks share prefixes the way real
profiles do (a few entry points, common middleware, varied leaves). The
output depends only on the arguments (seeded PRNG), so timings compare.
"""
import argparse
import random

PKGS = ["runtime", "net/http", "encoding/json", "acme/api/handlers", "acme/api/store",
        "database/sql", "crypto/tls", "bufio", "sync", "compress/gzip", "main",
        "acme/api/mw", "grpc", "zap", "reflect", "strconv"]
TYPES = ["Server", "conn", "Decoder", "Encoder", "Handler", "Store", "Tx", "Reader",
         "Writer", "Pool", "Mutex", "Client", "Stream", "Logger", "Value", "state"]
VERBS = ["serve", "Serve", "handle", "Decode", "Encode", "Read", "Write", "Flush",
         "Lock", "Unlock", "Get", "Put", "Query", "Exec", "Close", "parse", "marshal",
         "unmarshal", "dial", "accept", "process", "run", "loop", "next", "fill"]
JAVA = ["java/lang/Thread.run", "java/util/concurrent/ThreadPoolExecutor.runWorker",
        "org/apache/kafka/clients/consumer/KafkaConsumer.poll_[j]",
        "io/netty/channel/nio/NioEventLoop.run_[j]", "com/acme/Service.handle_[i]"]
NATIVE = ["__libc_start_main", "_start", "std::vector<int>::push_back",
          "operator new(unsigned long)", "memcpy@GLIBC_2.2.5", "do_syscall_64_[k]",
          "entry_SYSCALL_64_after_hwframe_[k]", "__x64_sys_read_[k]"]


def frame_name(rng):
    r = rng.random()
    if r < 0.75:
        pkg = rng.choice(PKGS)
        if rng.random() < 0.5:
            return "%s.(*%s).%s" % (pkg, rng.choice(TYPES), rng.choice(VERBS))
        return "%s.%s%s" % (pkg, rng.choice(VERBS), rng.choice(TYPES))
    if r < 0.88:
        return rng.choice(JAVA)
    if r < 0.95:
        return rng.choice(NATIVE)
    return "%s.func%d" % (rng.choice(PKGS), rng.randint(1, 9))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("lines", nargs="?", type=int, default=1_000_000)
    ap.add_argument("--stacks", type=int, default=100_000)
    ap.add_argument("--min-depth", type=int, default=10)
    ap.add_argument("--max-depth", type=int, default=60)
    ap.add_argument("--seed", type=int, default=42)
    a = ap.parse_args()
    rng = random.Random(a.seed)

    # A pool of frame names (so frames repeat across stacks like real code).
    pool = sorted({frame_name(rng) for _ in range(6000)})
    roots = [["runtime.goexit", "net/http.(*conn).serve"],
             ["runtime.main", "main.main"],
             ["java/lang/Thread.run", "java/util/concurrent/ThreadPoolExecutor.runWorker"],
             ["_start", "__libc_start_main", "main"],
             ["runtime.mstart", "runtime.schedule"]]
    # Shared mid-stack prefixes, then per-stack tails.
    prefixes = []
    for _ in range(2000):
        r = rng.choice(roots)
        d = rng.randint(4, 25)
        prefixes.append(r + [rng.choice(pool) for _ in range(d)])
    stacks = []
    for _ in range(a.stacks):
        pre = rng.choice(prefixes)
        depth = rng.randint(a.min_depth, max(a.min_depth, a.max_depth))
        cut = min(len(pre), rng.randint(1, max(1, depth - 2)))
        tail = [rng.choice(pool) for _ in range(depth - cut)]
        stacks.append(";".join(pre[:cut] + tail))

    # Zipf-ish popularity: a few hot stacks, a long tail.
    weights = [1.0 / (i + 1) ** 0.8 for i in range(len(stacks))]
    with open(a.out, "w", encoding="utf-8", newline="\n") as f:
        chosen = rng.choices(stacks, weights=weights, k=a.lines)
        buf = []
        for s in chosen:
            buf.append("%s %d\n" % (s, rng.randint(1, 500)))
            if len(buf) >= 10000:
                f.write("".join(buf))
                buf.clear()
        f.write("".join(buf))


if __name__ == "__main__":
    main()
