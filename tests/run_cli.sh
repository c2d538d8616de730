#!/usr/bin/env bash
# CLI tests: exit codes, stdout/stderr, stdin, atomic output, help.
set -u
cd "${MT_SRC:?}" || exit 1
BIN=${MT_BIN:?}
n=0 fail=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
CPU=samples/go/cpu.pb.gz
HEAP=samples/go/heap.pb.gz

# expect NAME EXIT_CODE -- command...   (stdout -> $work/out, stderr -> $work/err)
expect() {
  local name=$1 want=$2
  shift 3
  n=$((n + 1))
  "$@" >"$work/out" 2>"$work/err"
  local rc=$?
  if [ "$rc" -ne "$want" ]; then
    echo "not ok $n - $name: exit $rc, expected $want"
    head -3 "$work/err" | sed 's/^/#   /'
    fail=$((fail + 1))
    return 1
  fi
  echo "ok $n - $name"
}
# check NAME CONDITION...
check() {
  local name=$1
  shift
  n=$((n + 1))
  if "$@"; then echo "ok $n - $name"; else echo "not ok $n - $name"; fail=$((fail + 1)); fi
}

expect "no arguments is a usage error" 2 -- "$BIN"
expect "unknown command" 2 -- "$BIN" frobnicate
check "unknown command lists commands" grep -q "flame" "$work/err"
expect "--help" 0 -- "$BIN" --help
for c in info top flame convert leaks diff dominators retainers; do
  expect "$c --help" 0 -- "$BIN" $c --help
  check "$c --help shows usage" grep -q "Usage: memtracer $c" "$work/out"
  check "$c --help lists each option once" test -z "$(grep -oE '^ +(-., )?--[a-z-]+' "$work/out" | sed 's/.*--//' | sort | uniq -d)"
  expect "help $c" 0 -- "$BIN" help $c
  expect "$c unknown option" 2 -- "$BIN" $c --bogus "$CPU"
  expect "$c without input" 2 -- "$BIN" $c
done
expect "version" 0 -- "$BIN" version
check "version prints a number" grep -q '^memtracer [0-9]' "$work/out"

expect "missing file" 1 -- "$BIN" info does-not-exist.pb.gz
check "missing file: one line naming the file" test "$(wc -l <"$work/err")" -eq 1 -a -n "$(grep '^does-not-exist.pb.gz: ' "$work/err")"
expect "directory as input" 1 -- "$BIN" info samples
expect "bad sample index" 2 -- "$BIN" top "$CPU" --sample-index nope
check "bad sample index lists the types" grep -q 'cpu' "$work/err"
expect "bad regex" 2 -- "$BIN" top "$CPU" --focus '('
expect "bad palette" 2 -- "$BIN" flame "$CPU" --palette nope
expect "bad width" 2 -- "$BIN" flame "$CPU" --width abc

expect "info" 0 -- "$BIN" info "$CPU"
check "info names the format" grep -q '^Format: *pprof' "$work/out"
expect "info --json" 0 -- "$BIN" info --json "$HEAP"
check "info --json has sample types" grep -q '"sample_types":\[{"type":"alloc_objects"' "$work/out"
expect "info from stdin" 0 -- bash -c "\"$BIN\" info --json - < $HEAP"
check "stdin is named -" grep -q '"file":"-"' "$work/out"

expect "top" 0 -- "$BIN" top "$CPU" -n 5
check "top has the header" grep -q 'flat  flat%' "$work/out"
expect "top --json" 0 -- "$BIN" top "$CPU" --json
check "top --json shape" grep -Eq '^\{"sample_type":"cpu","unit":"nanoseconds","total":[0-9]+,"rows":\[\{"name":"' "$work/out"
expect "top --json --sample-index" 0 -- "$BIN" top "$HEAP" --json --sample-index inuse_space
check "sample index selects the column" grep -q '"sample_type":"inuse_space","unit":"bytes"' "$work/out"
expect "top of two merged profiles" 0 -- "$BIN" top --json "$CPU" "$CPU"
expect "merge of incompatible profiles fails" 1 -- "$BIN" top "$CPU" "$HEAP"

expect "convert --to folded" 0 -- "$BIN" convert "$CPU" --to folded
check "folded lines are 'stack value'" bash -c "grep -Evq '^[^ ].* [0-9]+$' '$work/out' && false || true"
cp "$work/out" "$work/a.folded"
expect "folded reads back" 0 -- "$BIN" convert "$work/a.folded" --to folded
check "folded round trip is stable" cmp -s "$work/out" "$work/a.folded"
expect "convert --to pprof -o" 0 -- "$BIN" convert "$CPU" --to pprof -o "$work/re.pb.gz"
expect "re-encoded pprof reads back" 0 -- "$BIN" top --json "$work/re.pb.gz"
cp "$work/out" "$work/re.json"
"$BIN" top --json "$CPU" >"$work/orig.json" 2>/dev/null
check "pprof round trip keeps the top table" cmp -s "$work/re.json" "$work/orig.json"
expect "convert --to json" 0 -- "$BIN" convert "$HEAP" --to json
check "json has samples" grep -q '"samples":\[' "$work/out"
expect "convert format from extension" 0 -- "$BIN" convert "$CPU" -o "$work/x.folded"
check "extension picked folded" grep -q ' [0-9]*$' "$work/x.folded"

expect "flame svg to stdout" 0 -- "$BIN" flame "$CPU"
check "svg root element" grep -q '<svg' "$work/out"
expect "flame -o png" 0 -- "$BIN" flame "$CPU" -o "$work/f.png"
check "png magic" bash -c "head -c 8 '$work/f.png' | od -An -tx1 | grep -q '89 50 4e 47'"
expect "flame --no-js" 0 -- "$BIN" flame "$CPU" --no-js -o "$work/f.svg"
check "no-js has no script" bash -c "! grep -q '<script' '$work/f.svg'"

# leaks and diff on our own Go samples (samples/go/MANIFEST.md)
G=samples/go
expect "leaks --json on a goroutine profile" 0 -- "$BIN" leaks --json "$G/goroutine.pb.gz"
check "leak root main.waitForAck x40 chan receive" grep -q '"kind":"blocked-goroutines","root":"main.waitForAck","state":"chan receive","count":40' "$work/out"
expect "leaks on debug=2 text" 0 -- "$BIN" leaks --json "$G/goroutine.debug2.txt"
check "debug=2 names the creator" grep -q '"root":"main.waitForAck","state":"chan receive","count":40,"wait_minutes_max":0,"created_by":"main.(\*server).handleNotify' "$work/out"
expect "leaks --baseline" 0 -- "$BIN" leaks --json --baseline "$G/goroutine.baseline.pb.gz" "$G/goroutine.pb.gz"
check "growth finding with delta" grep -q '"kind":"goroutine-growth","root":"main.waitForAck".*"delta":40' "$work/out"
expect "leaks text table" 0 -- "$BIN" leaks "$G/goroutine.debug1.txt"
check "table names the root" grep -q 'main.(\*watcher).watchUpdates' "$work/out"
expect "leaks on a CPU profile is an input error" 1 -- "$BIN" leaks "$CPU"
expect "diff of goroutine dumps" 0 -- "$BIN" diff "$G/goroutine.baseline.pb.gz" "$G/goroutine.debug2.txt"
check "diff line" grep -q '^+40 goroutines in main.waitForAck \[chan receive\]' "$work/out"
expect "diff of heap profiles" 0 -- "$BIN" diff --json --sample-index inuse_space "$G/heap.baseline.pb.gz" "$HEAP"
check "diff keeps the top JSON shape" grep -q '"sample_type":"inuse_space"' "$work/out"
expect "diff of incompatible profiles" 1 -- "$BIN" diff "$CPU" "$HEAP"
expect "diff needs two inputs" 2 -- "$BIN" diff "$CPU"
expect "flame of a goroutine dump" 0 -- "$BIN" flame "$G/goroutine.debug2.txt" -o "$work/g.svg"
check "state frames in the goroutine flame graph" grep -q '\[chan receive\]' "$work/g.svg"

# leakzoo (samples/go/leaks/MANIFEST.md): every pattern, its state, count and creator
Z=samples/go/leaks
for f in goroutine.aged.debug2.txt goroutine.leaked.pb.gz goroutine.leaked.debug1.txt sigquit.traceback.txt; do
  expect "leaks on leakzoo $f" 0 -- "$BIN" leaks --json "$Z/$f"
  check "leakzoo $f: every pattern found" python3 - "$work/out" "$f" <<'PY'
import json, sys
got = {(x["root"], x["state"]): x for x in json.load(open(sys.argv[1]))["findings"]}
text = sys.argv[2].endswith(".txt") and "debug1" not in sys.argv[2]
want = [("main.awaitApproval", "chan receive", 30, "net/http.(*Server).Serve"),
        ("main.publishQuote", "chan send", 7, "main.(*zoo).handleQuote"),
        ("main.relayEvents", "select", 11, "main.(*zoo).handleSubscribe.func1"),
        ("main.runPlugin", "select (no cases)", 3, "main.(*zoo).handlePlugin"),
        ("main.refreshLoop", "select", 9, "main.(*zoo).handleRefresh"),
        ("main.(*jobQueue).next", "sync.Cond.Wait", 13, "main.(*zoo).handleWorker"),
        ("main.heartbeat", "sleep", 10, "main.(*zoo).handleHeartbeat"),
        ("main.drainResults", "chan receive (nil chan)", 2, "main.(*zoo).handleDrain"),
        ("main.gatherShards", "semacquire", 4, "main.(*zoo).handleReport.func1"),
        ("main.(*ledger).post", "semacquire", 8, "main.(*zoo).handleLedger"),
        ("net/http.(*persistConn).readLoop", "select", 6, "net/http.(*Transport).dialConn")]
bad = 0
for root, state, n, creator in want:
    f = got.get((root, state))
    if f is None and not text:  # pprof/debug=1 have no states: match on the root alone
        f = next((x for x in got.values() if x["root"] == root), None)
    if f is None or f["count"] != n or (text and f["created_by"] != creator):
        print("# missing or wrong:", root, state, n, creator, f and (f["count"], f["state"], f["created_by"]))
        bad += 1
sys.exit(1 if bad else 0)
PY
done

# V8 samples made by node and Chromium (samples/v8/MANIFEST.md); the expected numbers are read from
# samples/v8/verify-output/, written by the independent samples/v8/gen/verify.py
S8=samples/v8
S8V=$S8/verify-output
for f in node-ledger browser-baseline browser-target browser-final; do
  expect "info on $f" 0 -- "$BIN" info --json "$S8/$f.heapsnapshot.gz"
  want=$(sed -n 's/^nodes \([0-9]*\)  edges \([0-9]*\)  strings \([0-9]*\)  self_size \([0-9]*\)$/"nodes":\1,"edges":\2,"strings":\3,"total_self_size":\4/p' "$S8V/$f.txt")
  check "$f: node/edge/string counts and self size as verify.py counts" grep -qF "$want" "$work/out"
  raw=$(sed -n 's/^detachedness==2 (raw): \([0-9]*\) .*/\1/p' "$S8V/$f.txt")
  check "$f: $raw nodes with detachedness 2" grep -q "\"detached_nodes\":$raw}" "$work/out"
done
# dominators: every row that verify.py also lists has the same retained size
for f in node-ledger browser-final; do
  expect "dominators on $f" 0 -- "$BIN" dominators --json -n 12 "$S8/$f.heapsnapshot.gz"
  check "$f: retained sizes agree with verify.py's dominators" python3 - "$work/out" "$S8V/$f.txt" <<'PY'
import json, re, sys
rows = json.load(open(sys.argv[1]))["rows"]
ref = {int(m.group(2)): int(m.group(1)) for m in re.finditer(r"^ +(\d+)  @(\d+) ", open(sys.argv[2]).read(), re.M)}
same = [r for r in rows if r["id"] in ref and ref[r["id"]] == r["retained"]]
diff = [r for r in rows if r["id"] in ref and ref[r["id"]] != r["retained"]]
print("# rows checked:", len(same), "disagreeing:", [(r["id"], r["retained"], ref[r["id"]]) for r in diff])
sys.exit(0 if len(same) >= 6 and not diff else 1)
PY
done
rq=$(sed -n "s/^edge 'retryQueue' .* to @\([0-9]*\) .*: retained \([0-9]*\)$/\1 \2/p" "$S8V/node-ledger.txt")
expect "dominators top rows (node-ledger)" 0 -- "$BIN" dominators --json -n 2 "$S8/node-ledger.heapsnapshot.gz"
check "the retryQueue array is among the two largest, with its retained size" grep -q "{\"id\":${rq% *},\"name\":\"Array\",\"type\":\"object\",\"self\":[0-9]*,\"retained\":${rq#* }," "$work/out"
# retainers: every leaked object is found by name, with the leak root on its path
v8paths() { # FILE NAME-RE TYPE COUNT WORD: COUNT matches of TYPE, each path naming WORD
  expect "retainers --name '$2' ($1)" 0 -- "$BIN" retainers --json --max 0 --name "$2" "$S8/$1.heapsnapshot.gz"
  check "$1: $4 $3 matches of '$2', each retained through $5" python3 - "$work/out" "$3" "$4" "$5" <<'PY'
import json, sys
m = [x for x in json.load(open(sys.argv[1]))["matches"] if x["type"] == sys.argv[2]]
bad = [x["text"] for x in m if sys.argv[4] not in x["text"]]
print("# matches:", len(m), "without the root:", bad[:1])
sys.exit(0 if len(m) == int(sys.argv[3]) and not bad else 1)
PY
}
v8paths node-ledger '^QuoteEntry$' object 200 quoteCache
v8paths node-ledger '^onAuditFlush$' closure 120 audit-flush
v8paths node-ledger '^LedgerRequest$' object 120 onAuditFlush
v8paths node-ledger '^retryUpload$' closure 40 retryQueue
expect "the removed listener is gone" 0 -- "$BIN" retainers --json --max 0 --name '^(onAuditClose|AuditBus)$' "$S8/node-ledger.heapsnapshot.gz"
check "no onAuditClose closure" bash -c "! grep -q '\"name\":\"onAuditClose\",\"type\":\"closure\"' '$work/out'"
v8paths browser-final '^<div class="report-panel"' native 4 'onResize (closure) -> context -> panel'
v8paths browser-final '^<tr class="invoice-row">' native 7 'archivedRows'
expect "retainers of the rows in target" 0 -- "$BIN" retainers --json --max 0 --name '^<tr class="invoice-row">' "$S8/browser-target.heapsnapshot.gz"
check "target: 20 rows, 7 of them through archivedRows" bash -c "test \$(grep -o '\"type\":\"native\",\"retained' '$work/out' | wc -l) -eq 20 && test \$(grep -o 'archivedRows -> Array\[[0-9]*\] -> [^\"]*<tr' '$work/out' | wc -l) -eq 7"
expect "no report panel in the baseline" 1 -- "$BIN" retainers --name '^<div class="report-panel"' "$S8/browser-baseline.heapsnapshot.gz"
# leaks on one snapshot: every leak of samples/v8/MANIFEST.md found, counted and named, and nothing else
expect "leaks on node-ledger" 0 -- "$BIN" leaks --json "$S8/node-ledger.heapsnapshot.gz"
check "node-ledger: 120 onAuditFlush listeners, quoteCache 200 QuoteEntry, retryQueue 40 retryUpload" python3 - "$work/out" <<'PY'
import json, sys
fs = json.load(open(sys.argv[1]))["findings"]
got = sorted((f["kind"], f["root"], f["count"]) for f in fs)
want = [("collection", "quoteCache", 200), ("collection", "retryQueue", 40), ("listeners", "onAuditFlush", 120)]
l = [f for f in fs if f["kind"] == "listeners"][0]
ok = got == want and l["target"] == "AuditBus" and l["event"] == "audit-flush" and l["captured"] == {"LedgerRequest": 120}
ok = ok and all(f["source"].endswith("node-ledger.heapsnapshot.gz") and " -> " in f["path"] and f["steps"] for f in fs)
print("# got:", got)
sys.exit(0 if ok else 1)
PY
expect "leaks on browser-final" 0 -- "$BIN" leaks --json "$S8/browser-final.heapsnapshot.gz"
check "browser-final: 4 report-panel trees via onResize, 7 rows via archivedRows (75 nodes)" python3 - "$work/out" <<'PY'
import json, sys
fs = json.load(open(sys.argv[1]))["findings"]
dd = {f["root"]: f for f in fs if f["kind"] == "detached-dom"}
p, r = dd.get("onResize"), dd.get("archivedRows")
ok = len(dd) == 2 and p and r and p["instances"] == 4 and p["count"] == 40 and r["instances"] == 7 and r["count"] == 35
ok = ok and r["nodes"] == {"Text": 14, "<td class=\"inv-amount\">": 7, "<td class=\"inv-id\">": 7, "<tr class=\"invoice-row\">": 7}
ok = ok and p["nodes"]["<li class=\"report-line\">"] == 12 and p["nodes"]["Text"] == 16
ok = ok and p["path"].endswith("onResize (closure) -> context -> panel -> Detached <div class=\"report-panel\" data-width=\"1280\">")
ok = ok and "archivedRows -> Array[" in r["path"] and not p["benign"] and not r["benign"]
ok = ok and [(f["kind"], f["root"], f["count"], f["detached_nodes"]) for f in fs if f["kind"] == "listeners"] == [("listeners", "onResize", 4, 40)]
print("# kinds:", [(f["kind"], f["root"], f["count"]) for f in fs])
sys.exit(0 if ok else 1)
PY
expect "leaks on browser-baseline" 0 -- "$BIN" leaks "$S8/browser-baseline.heapsnapshot.gz"
check "browser-baseline: no findings" grep -q '^No leak findings' "$work/out"
expect "leaks on browser-target (text)" 0 -- "$BIN" leaks "$S8/browser-target.heapsnapshot.gz"
check "browser-target: the 7 archived rows, x7 in the table" grep -q 'x7 detached trees, archiveRow (closure) -> context -> archivedRows -> Array\[0\] -> Detached <tr class="invoice-row">' "$work/out"
zcat "$S8/browser-final.heapsnapshot.gz" | head -c 300000 >"$work/cut.heapsnapshot"
expect "leaks on a truncated heap snapshot" 1 -- "$BIN" leaks "$work/cut.heapsnapshot"
check "truncated snapshot: one line with a byte offset" bash -c "test \$(wc -l <'$work/err') -eq 1 && grep -q 'cut.heapsnapshot: byte [0-9]*: ' '$work/err'"
check "truncated snapshot: nothing on stdout" test ! -s "$work/out"
# the node run's profiles (verify-output/node-ledger-profiles.txt)
expect "top on the node .cpuprofile" 0 -- "$BIN" top --json "$S8/node-ledger.cpuprofile"
ms=$(sed -n 's/^ *[0-9]* samples *\([0-9.]*\) ms self  checksumLines$/\1/p' "$S8V/node-ledger-profiles.txt" | tr -d .)
check "checksumLines self time ${ms}0 us as verify.py sums it" grep -q "{\"name\":\"checksumLines\",\"flat\":${ms}[0-9]\{4\}," "$work/out"
expect "top on the node .heapprofile" 0 -- "$BIN" top --json "$S8/node-ledger.heapprofile"
hb=$(sed -n 's/^ *\([0-9]*\) B self  handleRequest$/\1/p' "$S8V/node-ledger-profiles.txt")
ht=$(sed -n 's/^heapprofile: .*, \([0-9]*\) bytes of self size.*/\1/p' "$S8V/node-ledger-profiles.txt")
check "heap profile total $ht and handleRequest $hb bytes" grep -q "\"total\":$ht,.*{\"name\":\"handleRequest\",\"flat\":$hb," "$work/out"

# three snapshots (leaks --baseline --target --final) and the per-class diff, on the browser samples;
# expected numbers from verify-output/browser-growth.txt and browser-*.txt (verify.py)
B3="--baseline $S8/browser-baseline.heapsnapshot.gz --target $S8/browser-target.heapsnapshot.gz --final $S8/browser-final.heapsnapshot.gz"
gn=$(sed -n 's/^new since baseline, alive in target and final: \([0-9]*\) nodes, self_size \([0-9]*\)$/\1 objects new in .* (\2 bytes self)/p' "$S8V/browser-growth.txt")
expect "leaks: three snapshots (samples)" 0 -- "$BIN" leaks --json $B3
check "growth candidates as verify.py counts them: $gn" grep -q "$gn" "$work/err"
check "two growth clusters: onResize x4 (40 detached DOM) and archivedRows x7 (35)" python3 - "$work/out" <<'PY'
import json, sys
fs = json.load(open(sys.argv[1]))["findings"]
got = [(f["kind"], f["root"], f["instances"], f["detached_dom"]) for f in fs]
print("# got:", got)
sys.exit(0 if got == [("growth", "onResize", 4, 40), ("growth", "archivedRows", 7, 35)] else 1)
PY
check "the toast (removed listener) is not reported" bash -c "! grep -qi toast '$work/out'"
gj=$(sed -n 's/^new since baseline, alive in target and final: \([0-9]*\) nodes, self_size \([0-9]*\)$/"candidates":\1,"candidate_self":\2,/p' "$S8V/browser-growth.txt")
check "the growth totals in the JSON envelope: $gj" python3 - "$work/out" "$gj" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
g = doc["growth"]
want = json.loads("{" + sys.argv[2].rstrip(",") + "}")
print("# growth:", g)
sys.exit(0 if list(doc) == ["findings", "growth"] and all(g[k] == v for k, v in want.items())
         and g["clusters"] == len(doc["findings"]) and g["final"].endswith("browser-final.heapsnapshot.gz") else 1)
PY
cp "$work/out" "$work/growth1"
expect "leaks: three snapshots again" 0 -- "$BIN" leaks --json $B3
check "three snapshots: same bytes twice" cmp -s "$work/out" "$work/growth1"
expect "leaks: three snapshots as text" 0 -- "$BIN" leaks $B3
check "growth table names the roots" bash -c "grep -q 'growth .*onResize' '$work/out' && grep -q 'archivedRows' '$work/out'"
expect "leaks --target without --baseline" 2 -- "$BIN" leaks --target "$S8/browser-target.heapsnapshot.gz" --final "$S8/browser-final.heapsnapshot.gz"
check "names the missing flag" grep -q -- 'missing: --baseline' "$work/err"
expect "leaks --baseline --target without --final" 2 -- "$BIN" leaks --baseline "$S8/browser-baseline.heapsnapshot.gz" --target "$S8/browser-target.heapsnapshot.gz"
expect "leaks: a heap baseline with a FILE" 2 -- "$BIN" leaks --baseline "$S8/browser-baseline.heapsnapshot.gz" "$S8/browser-final.heapsnapshot.gz"
check "says --target and --final are needed" grep -q -- '--target B and --final C' "$work/err"
expect "leaks: three snapshots and a FILE" 2 -- "$BIN" leaks $B3 "$S8/browser-final.heapsnapshot.gz"
expect "leaks: a profile as --baseline of three" 1 -- "$BIN" leaks --baseline "$CPU" --target "$S8/browser-target.heapsnapshot.gz" --final "$S8/browser-final.heapsnapshot.gz"
check "mixed kinds: one line naming the file" bash -c "test \$(wc -l <'$work/err') -eq 1 && grep -q '^$CPU: .*expected a V8 heap snapshot as --baseline' '$work/err'"
bn=$(sed -n 's/^baseline nodes \([0-9]*\), target nodes \([0-9]*\),.*/"base_nodes":\1,"nodes":\2/p' "$S8V/browser-growth.txt")
expect "diff of two heap snapshots" 0 -- "$BIN" diff --json "$S8/browser-baseline.heapsnapshot.gz" "$S8/browser-target.heapsnapshot.gz"
check "heap-diff totals: $bn" grep -q "^{\"kind\":\"heap-diff\",\"totals\":{$bn," "$work/out"
check "heap-diff rows: consistent columns, sorted by size delta" python3 - "$work/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
r, t = d["rows"], d["totals"]
ok = t["nodes"] - t["base_nodes"] == t["delta"] and t["new"] - t["deleted"] == t["delta"]
ok = ok and all(x["delta"] == x["new"] - x["deleted"] and x["size_delta"] == x["alloc_size"] - x["freed_size"] for x in r)
ok = ok and all((a["size_delta"], b["class"]) >= (b["size_delta"], a["class"]) for a, b in zip(r, r[1:]))
sys.exit(0 if ok and len(r) > 10 else 1)
PY
expect "diff of heap snapshots as text" 0 -- "$BIN" diff -n 5 "$S8/browser-baseline.heapsnapshot.gz" "$S8/browser-target.heapsnapshot.gz"
check "diff table header and a row limit" bash -c "grep -q '# new # deleted' '$work/out' && test \$(grep -c '^ *[0-9]' '$work/out') -eq 6"
expect "diff: a heap snapshot and a profile" 1 -- "$BIN" diff "$S8/browser-baseline.heapsnapshot.gz" "$CPU"
check "diff mixed kinds: one line" bash -c "test \$(wc -l <'$work/err') -eq 1 && grep -q '^$CPU: .*expected a V8 heap snapshot' '$work/err'"
expect "diff: a profile and a heap snapshot" 1 -- "$BIN" diff "$CPU" "$S8/browser-baseline.heapsnapshot.gz"
check "diff mixed kinds (profile first): one line" test "$(wc -l <"$work/err")" -eq 1
gzip -dc "$S8/browser-target.heapsnapshot.gz" | head -c 300000 >"$work/cut.heapsnapshot"
expect "leaks: a truncated --target" 1 -- "$BIN" leaks --baseline "$S8/browser-baseline.heapsnapshot.gz" --target "$work/cut.heapsnapshot" --final "$S8/browser-final.heapsnapshot.gz"
check "truncated --target: one line with its byte offset" bash -c "test \$(wc -l <'$work/err') -eq 1 && grep -q 'cut.heapsnapshot: byte 300000: ' '$work/err'"
expect "diff: a truncated NEW snapshot" 1 -- "$BIN" diff "$S8/browser-baseline.heapsnapshot.gz" "$work/cut.heapsnapshot"
check "truncated NEW: one line, nothing on stdout" bash -c "test \$(wc -l <'$work/err') -eq 1 && test ! -s '$work/out'"
if [ -n "${MT_SHARED:-}" ] && [ -f "${MT_SHARED}/corpus/v8/final.heapsnapshot" ]; then
  V3=${MT_SHARED}/corpus/v8
  expect "leaks: three snapshots (corpus)" 0 -- "$BIN" leaks --json --baseline "$V3/baseline.heapsnapshot" --target "$V3/target.heapsnapshot" --final "$V3/final.heapsnapshot"
  check "corpus: 6323 candidates, 2990937 bytes (MANIFEST)" grep -q '6323 objects new in .* (2990937 bytes self); .* (84 detached DOM)' "$work/err"
  check "corpus: the five app leaks first, StatusClock absent" python3 - "$work/out" <<'PY'
import json, sys
fs = json.load(open(sys.argv[1]))["findings"]
top = sorted(f["root"] for f in fs[:5])
print("# first five:", top)
ok = top == sorted(["onKeydown", "chartRegistry", "onResize", "opsStore", "onPortalClick"])
ok = ok and sum(f["detached_dom"] for f in fs[:5]) == 84 and all(f["detached_dom"] == 0 for f in fs[5:])
ok = ok and not any("1d9b6e2f" in json.dumps(f) or "StatusClock" in json.dumps(f) for f in fs)
sys.exit(0 if ok else 1)
PY
  expect "diff: corpus baseline -> target" 0 -- "$BIN" diff --json "$V3/baseline.heapsnapshot" "$V3/target.heapsnapshot"
  check "corpus diff totals (+7446 nodes)" grep -q '^{"kind":"heap-diff","totals":{"base_nodes":43151,"nodes":50597,"new":15683,"deleted":8237,"delta":7446,' "$work/out"
fi

# leaks on the V8 samples against verify.py's own numbers (verify-output/): tree groups, retained bytes
expect "leaks --json on browser-final (verify.py groups)" 0 -- "$BIN" leaks --json "$S8/browser-final.heapsnapshot.gz"
check "detached trees: every group verify.py found, with its root, instances and node counts" python3 - "$work/out" "$S8V/browser-final.txt" <<'PY'
import collections, json, re, sys
fs = [f for f in json.load(open(sys.argv[1]))["findings"] if f["kind"] == "detached-dom"]
groups = re.findall(r"^  x(\d+) trees of (\d+) nodes, root [^:]*: (.*)$", open(sys.argv[2]).read(), re.M)
roots = {"report-panel": "onResize", "invoice-row": "archivedRows"}
bad = 0
for x, size, shape in groups:
    want = collections.Counter()
    for part in shape.split(", "):
        name, c = part.rsplit(" ", 1)
        want[name] += int(c) * int(x)
    root = next(r for k, r in roots.items() if k in shape)
    f = [f for f in fs if f["root"] == root]
    ok = len(f) == 1 and f[0]["instances"] == int(x) and f[0]["count"] == int(x) * int(size) and f[0]["nodes"] == dict(want)
    print("#", root, x, size, "ok" if ok else ("got", [(g["instances"], g["count"], g["nodes"]) for g in f]))
    bad += not ok
sys.exit(1 if bad or len(groups) != 2 or len(fs) != 2 else 0)
PY
expect "leaks --json on node-ledger (verify.py bytes)" 0 -- "$BIN" leaks --json "$S8/node-ledger.heapsnapshot.gz"
qc=$(sed -n "s/^edge 'quoteCache' .*: retained \([0-9]*\)$/\1/p" "$S8V/node-ledger.txt")
check "quoteCache: 200 QuoteEntry, $qc bytes retained" grep -q "\"kind\":\"collection\",\"root\":\"quoteCache\",\"count\":200,\"bytes\":$qc,\"container\":\"Map\",\"class\":\"QuoteEntry\"" "$work/out"
check "retryQueue: 40 retryUpload closures, ${rq#* } bytes retained" grep -q "\"kind\":\"collection\",\"root\":\"retryQueue\",\"count\":40,\"bytes\":${rq#* }," "$work/out"

# heap snapshots (the V8 corpus beside the checkout, when present)
V=${MT_SHARED:-}/corpus/v8
if [ -n "${MT_SHARED:-}" ] && [ -f "$V/final.heapsnapshot" ]; then
  expect "info on a heap snapshot" 0 -- "$BIN" info --json "$V/final.heapsnapshot"
  check "heap info counts" grep -q '"format":"v8-heapsnapshot".*"nodes":49867' "$work/out"
  expect "dominators --json" 0 -- "$BIN" dominators --json -n 3 "$V/final.heapsnapshot"
  check "dominators rows" grep -Eq '^\{"rows":\[\{"id":[0-9]+,"name":"[^"]*","type":"[a-z ]+","self":[0-9]+,"retained":[0-9]+,"distance":[0-9]+' "$work/out"
  expect "retainers --name" 0 -- "$BIN" retainers --name 'resizable-panel' --max 1 "$V/final.heapsnapshot"
  check "retainer path text" grep -q ' -> ' "$work/out"
  expect "retainers --id unknown" 1 -- "$BIN" retainers --id 987654321 "$V/final.heapsnapshot"
  expect "retainers needs --id or --name" 2 -- "$BIN" retainers "$V/final.heapsnapshot"
  expect "top on a snapshot's allocation traces" 0 -- "$BIN" top --json -n 1 --sample-index space "$V/alloc-tracked.heapsnapshot"
  check "allocation sites: space total and the top site" grep -q '^{"sample_type":"space","unit":"bytes","total":5814240,"rows":\[{"name":"makeBase64Blob","flat":4652092,' "$work/out"
  expect "flame of allocation sites" 0 -- "$BIN" flame --sample-index live_space -o "$work/alloc.svg" "$V/alloc-tracked.heapsnapshot"
  check "allocation flame names a site" grep -q '<title>join (' "$work/alloc.svg"
  expect "top on a snapshot without allocation traces" 1 -- "$BIN" top "$V/final.heapsnapshot"
  check "no traces: one line naming what applies" test "$(wc -l <"$work/err")" -eq 1 -a -n "$(grep 'without allocation traces' "$work/err")"
  expect "flame of a heap snapshot" 0 -- "$BIN" flame --no-js "$V/final.heapsnapshot" -o "$work/h.svg"
  check "dominator flame title" grep -q 'Retained memory' "$work/h.svg"
  expect "leaks on final.heapsnapshot" 0 -- "$BIN" leaks --json "$V/final.heapsnapshot"
  check "final: 85 detached DOM nodes in 6 findings, the leaks by holder, <template> benign, no StatusClock" python3 - "$work/out" <<'PY'
import json, sys
fs = json.load(open(sys.argv[1]))["findings"]
dd = [f for f in fs if f["kind"] == "detached-dom"]
by = {(f["root"], f["count"], f["instances"]) for f in dd if not f["benign"]}
ok = sum(f["count"] for f in dd) == 85 and sum(f["self_bytes"] for f in dd) == 11752
ok = ok and by == {("onKeydown", 50, 5), ("onResize", 15, 3), ("chartRegistry", 8, 2), ("onPortalClick", 5, 1), ("opsStore", 6, 1)}
ok = ok and [f["nodes"] for f in dd if f["benign"]] == [{"<template>": 1}] and dd[-1]["benign"]
big = {f["root"]: f for f in fs if f["kind"] == "large-object"}
ok = ok and set(big) == {"rawFrame", "snapshotImage"} and big["rawFrame"]["bytes"] >= 2097152 and big["rawFrame"]["reactive"]
ok = ok and "StatusClock" not in json.dumps(fs) and "1d9b6e2f" not in json.dumps(fs)
print("# detached:", sorted(by))
sys.exit(0 if ok else 1)
PY
  expect "leaks on baseline.heapsnapshot" 0 -- "$BIN" leaks --json "$V/baseline.heapsnapshot"
  check "baseline: nothing flagged as an app leak" python3 -c 'import json,sys; fs=json.load(open(sys.argv[1]))["findings"]; sys.exit(0 if fs and all(f.get("benign") for f in fs) else 1)' "$work/out"
  expect "leaks on node-leak.heapsnapshot" 0 -- "$BIN" leaks --json "$V/node-leak.heapsnapshot"
  check "node-leak: 300 onConfigReload listeners and 300 SessionRecord in sessionCache" python3 -c 'import json,sys; fs=json.load(open(sys.argv[1]))["findings"]; sys.exit(0 if sorted((f["kind"],f["root"],f["count"]) for f in fs)==[("collection","sessionCache",300),("listeners","onConfigReload",300)] else 1)' "$work/out"
  expect "leaks on two snapshots names each source" 0 -- "$BIN" leaks "$V/baseline.heapsnapshot" "$V/node-leak.heapsnapshot"
  check "two sources in the table" bash -c "grep -q '(.*baseline.heapsnapshot)' '$work/out' && grep -q '(.*node-leak.heapsnapshot)' '$work/out'"
  expect "top on a heap snapshot is an input error" 1 -- "$BIN" top "$V/final.heapsnapshot"
  expect "dominators on a profile is an input error" 1 -- "$BIN" dominators "$CPU"
fi

# samples/jfr/ticketdesk.jfr: the ground truth of samples/jfr/MANIFEST.md (from `jfr print`)
TD=samples/jfr/ticketdesk.jfr
expect "jfr sample: leaks --json" 0 -- "$BIN" leaks --json "$TD"
check "jfr sample: 150 byte[] held by AttachmentArchive.ARCHIVE, 3 parked escalation workers" python3 - "$work/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
fs = d["findings"] if isinstance(d, dict) else d
old = [f for f in fs if f["kind"] == "old-object" and f["object_type"] == "byte[]"]
park = [f for f in fs if f["kind"] == "parked-threads"]
ok = (len(old) == 1 and old[0]["count"] == 150 and old[0]["holder"] == "desk.TicketDesk$AttachmentArchive.ARCHIVE"
      and old[0]["allocation_site"] == "desk.TicketDesk.receiveAttachment(long)"
      and len(park) == 1 and park[0]["count"] == 3
      and sorted(park[0]["threads"]) == ["escalation-worker-0", "escalation-worker-1", "escalation-worker-2"])
sys.exit(0 if ok else 1)
PY
expect "jfr sample: folded with --signatures" 0 -- "$BIN" convert --to folded --signatures "$TD"
check "jfr sample: frames carry their signatures" grep -qx 'desk.TicketDesk.main(java.lang.String\[\]);desk.TicketDesk$TicketScorer.score(long) 374' "$work/out"
expect "jfr sample: folded without --signatures" 0 -- "$BIN" convert --to folded "$TD"
check "jfr sample: package.Class.method by default" grep -qx 'desk.TicketDesk.main;desk.TicketDesk$TicketScorer.score 374' "$work/out"
expect "jfr sample: info --json" 0 -- "$BIN" info --json "$TD"
check "jfr sample: event counts as jfr summary" python3 - "$work/out" <<'PY'
import json, sys
e = json.load(open(sys.argv[1]))["events"]
want = {"jdk.ExecutionSample": 377, "jdk.OldObjectSample": 155, "jdk.ObjectAllocationSample": 105,
        "jdk.CheckPoint": 35, "jdk.ThreadDump": 8, "jdk.Metadata": 1}
sys.exit(0 if {k: v for k, v in e.items() if v} == want else 1)
PY
expect "jfr sample: top" 0 -- "$BIN" top "$TD"
check "jfr sample: TicketScorer.score is hot, 374 of 377" bash -c "grep -q 'of 377 total' '$work/out' && awk 'NR > 3 { print; exit }' '$work/out' | grep -q '^ *374 .*desk.TicketDesk\\\$TicketScorer.score\$'"
check "jfr sample: no machine paths" bash -c "! grep -a -q -E '/(work|root|home|tmp|usr)/' '$TD'"

# JFR: --threads and --from/--to (windows add up to the whole recording)
J=${MT_SHARED:-}/corpus/jfr/contention-alloc-multichunk.jfr
if [ -n "${MT_SHARED:-}" ] && [ -f "$J" ]; then
  sum() { awk '{ s += $NF } END { print s + 0 }' "$1"; }
  expect "jfr folded alloc-samples" 0 -- "$BIN" convert --to folded --sample-index alloc-samples "$J"
  cp "$work/out" "$work/j-all.txt"
  check "jfr folded: 3280 allocation samples" test "$(sum "$work/j-all.txt")" -eq 3280
  expect "jfr --threads" 0 -- "$BIN" convert --to folded --sample-index alloc-samples --threads "$J"
  cp "$work/out" "$work/j-thr.txt"
  check "jfr --threads keeps the total" test "$(sum "$work/j-thr.txt")" -eq 3280
  check "jfr --threads: a thread name is the root frame" grep -q '^label-allocator;' "$work/j-thr.txt"
  strip_root() { awk '{ v = $NF; s = substr($0, 1, length($0) - length(v) - 1); i = index(s, ";"); a[i ? substr(s, i + 1) : ""] += v }
    END { for (k in a) print k " " a[k] }' "$1" | LC_ALL=C sort; }
  check "jfr --threads: without the root frame, the same stacks" test "$(strip_root "$work/j-thr.txt")" = "$(LC_ALL=C sort "$work/j-all.txt")"
  expect "jfr --to 3s (convert: a time, not a format)" 0 -- "$BIN" convert --sample-index alloc-samples --to 3s "$J"
  a=$(sum "$work/out")
  expect "jfr --from 3s" 0 -- "$BIN" convert --format folded --sample-index alloc-samples --from 3s "$J"
  b=$(sum "$work/out")
  check "jfr windows [0,3s) + [3s,end) = all ($a + $b)" test "$a" -gt 0 -a "$b" -gt 0 -a "$((a + b))" -eq 3280
  expect "jfr --from ISO before the recording" 0 -- "$BIN" convert --format folded --sample-index alloc-samples --from 2000-01-01T00:00:00Z "$J"
  check "jfr ISO window covers everything" test "$(sum "$work/out")" -eq 3280
  expect "jfr --to nanoseconds at the epoch" 0 -- "$BIN" convert --format folded --sample-index alloc-samples --to 0 "$J"
  check "jfr window before the recording is empty" test ! -s "$work/out"
  expect "jfr top --from --to" 0 -- "$BIN" top --sample-index alloc-samples --from 1s --to 2.5s "$J"
  check "jfr top in a window shows a smaller total" grep -q 'of [0-9]* total' "$work/out"
  expect "jfr flame --threads" 0 -- "$BIN" flame --threads "$J" -o "$work/j.svg"
  check "jfr flame --threads names a thread" grep -q 'label-allocator' "$work/j.svg"
  expect "jfr diff --threads" 0 -- "$BIN" diff --threads "$J" "$J"
  expect "bad --from is a usage error" 2 -- "$BIN" top --from 10parsecs "$J"
  check "bad --from names the value" grep -q '10parsecs' "$work/err"
  expect "--from on a profile without times" 1 -- "$BIN" top --from 1s "$CPU"
  check "--from without times: says so" grep -q 'time_ns' "$work/err"
  expect "jfr info" 0 -- "$BIN" info --json "$J"
  check "jfr info counts events" grep -q '"jdk.ObjectAllocationSample":3280' "$work/out"
fi

# outputs are atomic: a failed run leaves the old file untouched and no temp files
echo "previous" >"$work/keep.svg"
expect "failed run keeps the old output" 1 -- "$BIN" flame does-not-exist -o "$work/keep.svg"
check "old output intact" grep -q previous "$work/keep.svg"
check "no temp files left" test -z "$(ls -A "$work" | grep tmp)"
# a device target is written in place, never replaced by a file
expect "output to /dev/null" 0 -- "$BIN" convert "$CPU" --to folded -o /dev/null
check "/dev/null is still a character device" test -c /dev/null
# inputs are never modified
sum1=$(sha256sum "$CPU")
"$BIN" convert "$CPU" --to folded >/dev/null 2>&1
check "input unchanged" test "$(sha256sum "$CPU")" = "$sum1"

# a truncated input is a one-line error naming the file and offset, exit 1
head -c 2000 "$CPU" >"$work/trunc.pb.gz"
expect "truncated gzip" 1 -- "$BIN" top "$work/trunc.pb.gz"
check "truncated: one line with a byte offset" bash -c "test \$(wc -l <'$work/err') -eq 1 && grep -q 'trunc.pb.gz: byte [0-9]*: ' '$work/err'"
printf 'not a profile at all\x00\x01' >"$work/junk"
expect "junk input" 1 -- "$BIN" info "$work/junk"
: >"$work/empty"
expect "empty input" 1 -- "$BIN" info "$work/empty"

echo "1..$n"
echo "$((n - fail)) passed, $fail failed"
[ "$fail" -eq 0 ]
