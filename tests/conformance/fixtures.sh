#!/usr/bin/env bash
# Conformance against results other projects record for the shared
# fixtures (see ../shared/fixtures/MANIFEST.md, notes E1-E4):
#   E3 parca: alloc_objects.pb.gz total and encoding/json.Unmarshal cum;
#   E4 speedscope: simple.prof stacks (cpu column) as folded lines;
#   E1 pprof legacy files: rejected with exit 1 and the format named.
# Env: MT_BIN (memtracer binary), MT_SHARED (../shared; skip when unset).
# Output is TAP; exit 1 on any failure, 77 when skipped.
#
# Other checks may be appended after the "--- folded fixtures ---" marker
# at the end: use `ok NAME` / `not_ok NAME WHY` (or `check NAME CMD...`);
# the summary and exit status are produced when the script ends.
set -u
: "${MT_BIN:?MT_BIN must name the memtracer binary}"
if [ -z "${MT_SHARED:-}" ] || [ ! -d "$MT_SHARED/fixtures" ]; then
  echo "1..0 # SKIP MT_SHARED is not set"
  exit 77
fi
FX="$MT_SHARED/fixtures"
BIN="$MT_BIN"
command -v python3 >/dev/null 2>&1 || { echo "1..0 # SKIP python3 is not installed"; exit 77; }

n=0
nfail=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); nfail=$((nfail + 1)); echo "not ok $n - $1"; shift; for l in "$@"; do echo "#   $l"; done; }
check() { local name=$1; shift; if "$@"; then ok "$name"; else not_ok "$name"; fi; }
finish() {
  echo "1..$n"
  echo "$((n - nfail)) passed, $nfail failed"
  if [ "$nfail" -ne 0 ] || [ "$n" -eq 0 ]; then exit 1; fi
  exit 0
}
trap finish EXIT

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; finish' EXIT

# ---- E3: parca alloc_objects.pb.gz, sample index 0 = alloc_objects/count ----
f="$FX/parca-dev__parca/pkg/query/testdata/alloc_objects.pb.gz"
if "$BIN" top "$f" --json --sample-index 0 >"$tmp/top.json" 2>"$tmp/err"; then
  got=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
rows = [r for r in d["rows"] if r["name"] == "encoding/json.Unmarshal"]
print(d["sample_type"], d["total"], rows[0]["cum"] if rows else "missing")
' "$tmp/top.json")
  if [ "$got" = "alloc_objects 310797348 3135531" ]; then
    ok "E3 parca alloc_objects: total 310797348, encoding/json.Unmarshal cum 3135531"
  else
    not_ok "E3 parca alloc_objects" "got (type total cum): $got" "expected: alloc_objects 310797348 3135531"
  fi
else
  not_ok "E3 parca alloc_objects: top failed" "$(head -1 "$tmp/err")"
fi

# ---- E4: speedscope simple.prof, cpu/nanoseconds, stacks root first ----
f="$FX/jlfwong__speedscope/sample/profiles/pprof/simple.prof"
if "$BIN" convert --to folded --sample-index cpu "$f" >"$tmp/simple.folded" 2>"$tmp/err"; then
  # the snapshot lists these stacks (ms); the timerproc chain is elided there,
  # so only its leaf and weight are known
  msg=$(python3 - "$tmp/simple.folded" <<'EOF'
import collections, sys
want = {
    "runtime.main;main.main;main.delta;main.beta": 140000000,
    "runtime.main;main.main;main.alpha": 260000000,
    "runtime.main;main.main;main.gamma": 270000000,
    "runtime.morestack;runtime.newstack;runtime.duffcopy": 110000000,
    "runtime.main;main.main;main.beta": 250000000,
    "runtime.main;main.main;main.delta": 220000000,
    "runtime.main;main.main;main.delta;main.alpha": 220000000,
    "runtime.mstart;runtime.mstart1;runtime.sysmon;runtime.usleep": 20000000,
}
got = collections.Counter()
for line in open(sys.argv[1]):
    line = line.rstrip("\n")
    if not line:
        continue
    stack, _, v = line.rpartition(" ")
    got[stack] += int(v)
errs = []
for s, v in want.items():
    if got.get(s) != v:
        errs.append("%s: %s, expected %d" % (s, got.get(s), v))
rest = {s: v for s, v in got.items() if s not in want}
if len(rest) != 1:
    errs.append("expected exactly one more stack (the timerproc chain), found %d" % len(rest))
else:
    (s, v), = rest.items()
    if not s.startswith("runtime.timerproc;") or not s.endswith(";runtime.mach_semaphore_signal") or v != 10000000:
        errs.append("timerproc chain: %s %d" % (s, v))
if sum(got.values()) != 1500000000:
    errs.append("total %d, expected 1500000000" % sum(got.values()))
frames = set(f for s in got for f in s.split(";"))
if len(frames) != 25:
    errs.append("%d distinct frames, expected 25" % len(frames))
print("\n".join(errs))
EOF
)
  if [ -z "$msg" ]; then
    ok "E4 speedscope simple.prof: 9 stacks, 25 frames, 1.5s of cpu"
  else
    mapfile -t lines <<<"$msg"
    not_ok "E4 speedscope simple.prof" "${lines[@]}"
  fi
else
  not_ok "E4 speedscope simple.prof: convert failed" "$(head -1 "$tmp/err")"
fi

# ---- E1: legacy pprof formats are rejected, naming the format ----
legacy() {
  local file=$1 kind=$2 rc
  "$BIN" info "$FX/google__pprof/profile/testdata/$file" >/dev/null 2>"$tmp/err"
  rc=$?
  if [ "$rc" -ne 1 ]; then
    not_ok "E1 $file rejected" "exit $rc, expected 1"
  elif ! grep -qF "found $kind" "$tmp/err"; then
    not_ok "E1 $file rejected" "message: $(head -1 "$tmp/err")" "expected it to name: $kind"
  elif [ "$(wc -l <"$tmp/err")" -ne 1 ]; then
    not_ok "E1 $file rejected" "expected a one-line message, got $(wc -l <"$tmp/err") lines"
  else
    ok "E1 $file rejected as $kind"
  fi
}
legacy go.crc32.cpu "legacy Go binary CPU profile (pre-2016)"
legacy java.heap "legacy Java heap profile text (heapz)"
legacy cppbench.contention "legacy contention profile text (contentionz)"

# --- folded fixtures ---
# E4 speedscope stackcollapse variants, E5 FlameGraph results, E6 inferno
# warnings/errors, E7 async-profiler collapsed: all read as folded stacks.
SC="$FX/jlfwong__speedscope/sample/profiles/stackcollapse"
want_simple=$'a;b 5\na;b;c 5\na;b;d 4'
first=""
for v in simple simple-crlf simple-utf16-le simple-utf16-be simple-with-invalids; do
  if "$BIN" convert "$SC/$v.txt" --to folded >"$tmp/$v.folded" 2>"$tmp/err"; then
    if [ "$(cat "$tmp/$v.folded")" != "$want_simple" ]; then
      not_ok "E4 stackcollapse $v.txt: a;b 5, a;b;c 5, a;b;d 4" "got: $(tr '\n' '|' <"$tmp/$v.folded")"
    elif [ -n "$first" ] && ! cmp -s "$tmp/$first.folded" "$tmp/$v.folded"; then
      not_ok "E4 stackcollapse $v.txt: byte-identical to $first.txt"
    else
      ok "E4 stackcollapse $v.txt: a;b 5, a;b;c 5, a;b;d 4"
    fi
    [ -n "$first" ] || first=$v
  else
    not_ok "E4 stackcollapse $v.txt: convert failed" "$(head -1 "$tmp/err")"
  fi
done
if "$BIN" info "$SC/simple-utf16-be.txt" --json >"$tmp/info.json" 2>"$tmp/err" &&
   python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
t = d["sample_types"][0]
sys.exit(0 if (d["format"], t["type"], t["unit"], t["total"], d["locations"]) == ("folded", "samples", "count", 14, 4) else 1)
' "$tmp/info.json"; then
  ok "E4 stackcollapse simple-utf16-be.txt info: folded, samples/count, total 14, 4 frames"
else
  not_ok "E4 stackcollapse simple-utf16-be.txt info --json" "$(head -c 300 "$tmp/info.json")" "$(head -1 "$tmp/err")"
fi

# inferno: warnings exactly once (or never), empty input is an error
IF="$FX/jonhoo__inferno/tests/data/flamegraph"
warn_count() { # FILE PATTERN -> number of matching stderr lines of `convert`
  "$BIN" convert "$1" --to folded >/dev/null 2>"$tmp/err" || { echo "exit $?"; return; }
  grep -c -- "$2" "$tmp/err"
}
got=$(warn_count "$IF/bad-lines/bad-lines.txt" "warning: Ignored [0-9]* lines with invalid format")
if [ "$got" = 1 ] && grep -q "warning: Ignored 2 lines with invalid format" "$tmp/err" &&
   [ "$(wc -l <"$tmp/err")" -eq 1 ]; then
  ok "E6 inferno bad-lines.txt: one warning \"Ignored 2 lines with invalid format\""
else
  not_ok "E6 inferno bad-lines.txt: one warning" "matching lines: $got" "stderr: $(tr '\n' '|' <"$tmp/err")"
fi
got=$(warn_count "$IF/fractional-samples/fractional.txt" "warning: The input data has fractional sample counts")
if [ "$got" = 1 ]; then ok "E6 inferno fractional.txt: warns once"; else not_ok "E6 inferno fractional.txt: warns once" "got: $got"; fi
for v in zero-fractionals tricky-stack no-fractionals; do
  got=$(warn_count "$IF/fractional-samples/$v.txt" "warning:")
  if [ "$got" = 0 ]; then ok "E6 inferno $v.txt: no warning"; else not_ok "E6 inferno $v.txt: no warning" "got: $got" "$(head -1 "$tmp/err")"; fi
done
"$BIN" info "$IF/empty/empty.txt" >/dev/null 2>"$tmp/err"
rc=$?
if [ "$rc" -eq 1 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ]; then
  ok "E6 inferno empty.txt: exit 1 with a one-line message"
else
  not_ok "E6 inferno empty.txt: exit 1" "exit $rc" "$(head -2 "$tmp/err")"
fi

# folded in -> folded out keeps every (stack, total): FlameGraph's results
# (E5), inferno's collapse-perf goldens (E6), async-profiler's (E7)
same_stacks() { # IN OUT: same multiset of (stack, summed count), zeros dropped
  python3 - "$1" "$2" <<'PY'
import collections, sys
def agg(path):
    c = collections.Counter()
    for line in open(path, "rb").read().split(b"\n"):
        line = line.rstrip(b"\r")
        stack, sep, v = line.rpartition(b" ")
        if sep and v.isdigit():
            c[stack] += int(v)
    return {k: v for k, v in c.items() if v}
a, b = agg(sys.argv[1]), agg(sys.argv[2])
if a != b:
    d = sorted(set(a.items()) ^ set(b.items()))[:3]
    print("differ: %d vs %d stacks, e.g. %r" % (len(a), len(b), d))
    sys.exit(1)
PY
}
for f in "$FX"/brendangregg__FlameGraph/test/results/*.txt \
         "$FX"/jonhoo__inferno/tests/data/collapse-perf/results/*-collapsed.txt \
         "$FX"/async-profiler__async-profiler/test/test/jfrconverter/*.collapsed; do
  [ -e "$f" ] || continue
  name=${f#"$FX"/}
  if ! "$BIN" convert "$f" --to folded >"$tmp/rt.folded" 2>"$tmp/err"; then
    not_ok "folded round trip $name: convert failed" "$(head -1 "$tmp/err")"
  elif msg=$(same_stacks "$f" "$tmp/rt.folded"); then
    ok "folded round trip $name"
  else
    not_ok "folded round trip $name" "$msg"
  fi
done
