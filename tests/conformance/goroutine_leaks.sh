#!/usr/bin/env bash
# Conformance: `memtracer leaks --json` (and `leaks --json --baseline A B`)
# must report the goroutine leak roots of the MANIFESTs exactly: for every
# goroutine dump in $MT_SHARED/corpus/go (MANIFEST.md "Ground truth: leaked
# goroutines", rows 1-5, and "Diff baseline -> leaked goroutines") and in
# $MT_SRC/samples/go (samples/go/MANIFEST.md "Deliberate bugs"): root, state,
# count, delta, creator (text dumps with `created by` only), labels, wait
# minutes and source; the rows rank above every other finding, the
# steady-state worker is a low-ranked finding and never grows. Also
# `memtracer diff BASE NEW` prints the per-bucket lines
# ("+36 goroutines in main.(*orderService).watch.func1 [chan receive]").
# Env: MT_BIN (memtracer binary), MT_SRC (source root), MT_SHARED (../shared).
# Output: TAP, then "N passed, M failed"; exit 1 on a failure, 77 skipped.
set -u
: "${MT_BIN:?MT_BIN must name the memtracer binary}"
: "${MT_SRC:?MT_SRC must name the source root}"
if [ -z "${MT_SHARED:-}" ] || [ ! -d "$MT_SHARED/corpus/go" ]; then
  echo "1..0 # SKIP MT_SHARED is not set"
  exit 77
fi
command -v python3 >/dev/null 2>&1 || { echo "1..0 # SKIP python3 is not installed"; exit 77; }
if ! "$MT_BIN" leaks --help >/dev/null 2>&1; then
  echo "1..0 # SKIP this memtracer has no leaks command"
  exit 77
fi
CG="$MT_SHARED/corpus/go"
SG="$MT_SRC/samples/go"

n=0
nfail=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); nfail=$((nfail + 1)); echo "not ok $n - $1"; shift; for l in "$@"; do echo "#   $l"; done; }
finish() {
  rm -rf "${tmp:-}"
  echo "1..$n"
  echo "$((n - nfail)) passed, $nfail failed"
  if [ "$nfail" -ne 0 ] || [ "$n" -eq 0 ]; then exit 1; fi
  exit 0
}
tmp=$(mktemp -d)
trap finish EXIT

cat >"$tmp/check.py" <<'EOF'
# check.py MODE(leaks|growth) SET(shopfront|orderdesk) FLAGS WAIT(-1 = any) JSON SOURCE
# FLAGS: what the format states, comma-separated: state, creator (debug=2, tracebacks), labels (pprof, debug=1);
# what it does not state must come out empty ("created_by":"", "labels":{}).
import json, sys

C0FFEE = {"mem_trace_id": ["mem-trace-c0ffee01", "mem-trace-c0ffee02"]}
C0FFEE_N = {"mem_trace_id": {"mem-trace-c0ffee01": 10, "mem-trace-c0ffee02": 10}}
# root, state, count, base, created_by, labels, label_counts (None = unchecked), stack has, stack lacks
SETS = {
    "shopfront": dict(control="main.(*fulfillment).worker", rows=[
        ("main.(*orderService).watch.func1", "chan receive", 40, 4, "main.(*orderService).watch",
         {"mem_trace_id": ["mem-trace-4f1c0a01", "mem-trace-4f1c0a02", "mem-trace-4f1c0a03", "mem-trace-4f1c0a04"]},
         {"mem_trace_id": {"mem-trace-4f1c0a01": 10, "mem-trace-4f1c0a02": 10, "mem-trace-4f1c0a03": 10,
                           "mem-trace-4f1c0a04": 10}}, None, None),
        ("main.(*inventoryHub).subscribe.func1", "select", 25, 3, "main.(*inventoryHub).subscribe",
         {"mem_trace_id": ["mem-trace-9e77b0c5"]}, {"mem_trace_id": {"mem-trace-9e77b0c5": 25}}, None, None),
        ("main.startPriceTicker.func1", "select", 15, 2, "main.startPriceTicker", {}, {}, None, None),
        ("net/http.(*persistConn).readLoop", "select", 20, 2, "net/http.(*Transport).dialConn", C0FFEE, C0FFEE_N,
         None, None),
        ("net/http.(*persistConn).writeLoop", "select", 20, 2, "net/http.(*Transport).dialConn", C0FFEE, C0FFEE_N,
         None, None),
        ("net/http.(*conn).serve", "IO wait", 20, 2, "net/http.(*Server).Serve", {}, {},
         "net/textproto.(*Reader).ReadLine", "ReadMIMEHeader"),
        ("net/http.(*conn).serve", "IO wait", 12, 0, "net/http.(*Server).Serve", {}, {},
         "net/textproto.(*Reader).ReadMIMEHeader", None),
    ]),
    "orderdesk": dict(control="main.(*server).auditLoop", rows=[
        ("main.waitForAck", "chan receive", 40, 0, "main.(*server).handleNotify.func1",
         {"endpoint": ["notify"], "request_id": 40}, None, None, None),
        ("main.(*watcher).watchUpdates", "select", 25, 0, "main.(*server).handleWatch", {}, {}, None, None),
        ("main.(*server).pollQuotes", "select", 12, 0, "main.(*server).handlePoll", {}, {}, None, None),
    ]),
}

mode, setname, flags, wait, path, source = sys.argv[1:7]
flags, wait = set(flags.split(",")), int(wait)
spec = SETS[setname]
kind = "goroutine-growth" if mode == "growth" else "blocked-goroutines"
errors = []
try:
    doc = json.load(open(path))
    found = [f for f in doc["findings"] if f.get("kind") == kind]
except Exception as e:  # not JSON, or no "findings"
    print("output is not {\"findings\":[...]}: %s" % e)
    sys.exit(1)

def labels_ok(got, want):
    if set(got) != set(want):
        return False
    for k, v in want.items():
        if isinstance(v, int):
            if len(got[k]) != v or len(set(got[k])) != v or got[k] != sorted(got[k]):
                return False
        elif got[k] != v:
            return False
    return True

rows_at = []
for root, state, count, base, creator, labels, label_counts, has, lacks in spec["rows"]:
    name = "%s [%s]" % (root, state)
    m = [i for i, f in enumerate(found)
         if f.get("root") == root and ("state" not in flags or f.get("state") == state)
         and (has is None or has in f.get("stack", []))
         and (lacks is None or not any(lacks in s for s in f.get("stack", [])))]
    if len(m) != 1:
        errors.append("%s: %d findings, expected 1" % (name, len(m)))
        continue
    rows_at.append(m[0])
    f = found[m[0]]
    want = {"count": count, "source": source,
            "created_by": creator if "creator" in flags else ""}
    if mode == "growth":
        want.update(delta=count - base, base_count=base)
    if wait >= 0:
        want["wait_minutes_max"] = wait
    for k, v in want.items():
        if f.get(k) != v:
            errors.append("%s: %s = %r, expected %r" % (name, k, f.get(k), v))
    if "labels" not in flags:
        labels, label_counts = {}, {}
    if not labels_ok(f.get("labels", None), labels):
        errors.append("%s: labels = %s, expected %s" % (name, json.dumps(f.get("labels")), json.dumps(labels)))
    if label_counts is not None and "label_counts" in f and f["label_counts"] != label_counts:
        errors.append("%s: label_counts = %s, expected %s" % (name, json.dumps(f["label_counts"]),
                                                              json.dumps(label_counts)))
    if not isinstance(f.get("stack"), list) or not f["stack"] or root not in f["stack"]:
        errors.append("%s: stack %r does not hold the root" % (name, f.get("stack")))
# ranking: the MANIFEST rows first (the CLI orders findings by score)
if rows_at and not errors:
    others = [i for i in range(len(found)) if i not in rows_at]
    if others and min(others) < max(rows_at):
        f = found[min(others)]
        errors.append("%s [%s] (count %s) ranks above a MANIFEST row" % (f.get("root"), f.get("state"), f.get("count")))
ctl = [f for f in found if f.get("root") == spec["control"]]
if mode == "growth":
    if ctl:
        errors.append("the steady-state control %s grew: %s" % (spec["control"], json.dumps(ctl[0])))
    if len(found) != len(spec["rows"]):
        errors.append("%d growth findings, expected %d: %s" % (len(found), len(spec["rows"]),
                                                               ", ".join(f.get("root", "?") for f in found)))
elif len(ctl) != 1 or ctl[0].get("count") != 1:
    errors.append("the steady-state control %s: expected one low-ranked finding of 1 goroutine, found %s"
                  % (spec["control"], json.dumps(ctl)))
for e in errors:
    print(e)
sys.exit(1 if errors else 0)
EOF

# leaks FILE: SET FLAGS WAIT
leaks() {
  local file=$1 set=$2 flags=$3 wait=$4 name
  name="leaks --json $(basename "$file")"
  if [ ! -f "$file" ]; then not_ok "$name" "missing $file"; return; fi
  "$MT_BIN" leaks --json "$file" >"$tmp/out.json" 2>"$tmp/err"
  local rc=$?
  if [ $rc -ne 0 ] && [ ! -s "$tmp/out.json" ]; then
    not_ok "$name: exit $rc" "$(head -3 "$tmp/err")"
    return
  fi
  if python3 "$tmp/check.py" leaks "$set" "$flags" "$wait" "$tmp/out.json" "$file" >"$tmp/why" 2>&1; then
    ok "$name"
  else
    local why=()
    mapfile -t why <"$tmp/why"
    not_ok "$name" "${why[@]}"
  fi
}

# growth BASE LATER: SET FLAGS
growth() {
  local base=$1 later=$2 set=$3 flags=$4 name
  name="leaks --json --baseline $(basename "$base") $(basename "$later")"
  "$MT_BIN" leaks --json --baseline "$base" "$later" >"$tmp/out.json" 2>"$tmp/err"
  local rc=$?
  if [ $rc -ne 0 ] && [ ! -s "$tmp/out.json" ]; then
    not_ok "$name: exit $rc" "$(head -3 "$tmp/err")"
    return
  fi
  if python3 "$tmp/check.py" growth "$set" "$flags" -1 "$tmp/out.json" "$later" >"$tmp/why" 2>&1; then
    ok "$name"
  else
    local why=()
    mapfile -t why <"$tmp/why"
    not_ok "$name" "${why[@]}"
  fi
}

# ---- shared corpus (shopfront) ----
# pprof and debug=1 state no wait, creator or state (states are inferred from the stacks); debug=2 and
# tracebacks state no labels
leaks "$CG/goroutine.leaked.pb.gz" shopfront state,labels 0
leaks "$CG/goroutine.leaked.debug2.txt" shopfront state,creator 0
leaks "$CG/goroutine.aged.debug2.txt" shopfront state,creator 1
leaks "$CG/sigquit.traceback.txt" shopfront state,creator 1
leaks "$CG/goroutine.leaked.debug1.txt" shopfront state,labels 0
leaks "$CG/goroutine.aged.debug1.txt" shopfront state,labels 0
growth "$CG/goroutine.baseline.pb.gz" "$CG/goroutine.leaked.pb.gz" shopfront state,labels
growth "$CG/goroutine.baseline.debug1.txt" "$CG/goroutine.leaked.debug2.txt" shopfront state,creator
growth "$CG/goroutine.baseline.pb.gz" "$CG/goroutine.aged.debug2.txt" shopfront state,creator
growth "$CG/goroutine.baseline.debug1.txt" "$CG/goroutine.leaked.debug1.txt" shopfront state,labels
growth "$CG/goroutine.baseline.pb.gz" "$CG/sigquit.traceback.txt" shopfront state,creator

# ---- our samples (orderdesk) ----
leaks "$SG/goroutine.pb.gz" orderdesk state,labels 0
leaks "$SG/goroutine.debug2.txt" orderdesk state,creator 0
leaks "$SG/goroutine.debug1.txt" orderdesk state,labels 0
growth "$SG/goroutine.baseline.pb.gz" "$SG/goroutine.pb.gz" orderdesk state,labels
growth "$SG/goroutine.baseline.pb.gz" "$SG/goroutine.debug2.txt" orderdesk state,creator

# ---- memtracer diff BASE NEW (goroutine dumps): MANIFEST "Diff baseline -> leaked goroutines" ----
if "$MT_BIN" diff --help >/dev/null 2>&1; then
  for pair in "goroutine.baseline.pb.gz goroutine.leaked.pb.gz" "goroutine.baseline.debug1.txt goroutine.leaked.debug2.txt" \
      "goroutine.baseline.pb.gz sigquit.traceback.txt"; do
    set -- $pair
    name="diff $1 $2"
    if ! "$MT_BIN" diff "$CG/$1" "$CG/$2" >"$tmp/diff.txt" 2>"$tmp/err"; then
      not_ok "$name: failed" "$(head -3 "$tmp/err")"
      continue
    fi
    missing=()
    for want in \
      "+36 goroutines in main.(*orderService).watch.func1 [chan receive]" \
      "+22 goroutines in main.(*inventoryHub).subscribe.func1 [select]" \
      "+13 goroutines in main.startPriceTicker.func1 [select]" \
      "+18 goroutines in net/http.(*persistConn).readLoop [select]" \
      "+18 goroutines in net/http.(*persistConn).writeLoop [select]" \
      "+18 goroutines in net/http.(*conn).serve [IO wait]" \
      "+12 goroutines in net/http.(*conn).serve [IO wait]"; do
      grep -qxF -- "$want" "$tmp/diff.txt" || missing+=("missing line: $want")
    done
    grep -q 'main.(\*fulfillment).worker' "$tmp/diff.txt" && missing+=("the worker (1 -> 1) must not be listed")
    if [ ${#missing[@]} -eq 0 ]; then ok "$name"; else not_ok "$name" "${missing[@]}"; fi
  done
else
  n=$((n + 1)); echo "ok $n - diff BASE NEW # SKIP this memtracer has no diff command"
fi
