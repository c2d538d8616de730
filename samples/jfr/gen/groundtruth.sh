#!/usr/bin/env bash
# samples/jfr/gen/groundtruth.sh - prints every number samples/jfr/MANIFEST.md
# quotes, from the JDK's own `jfr` tool (summary, print) and python3 only:
# nothing here uses memtracer.
set -euo pipefail
f=${1:-$(cd "$(dirname "$0")/.." && pwd)/ticketdesk.jfr}
echo "== jfr summary (non-zero rows)"
jfr summary "$f" | awk '$2 ~ /^[0-9]+$/ && $2 > 0'
echo "== ExecutionSample top frames"
jfr print --events jdk.ExecutionSample "$f" | grep -A1 'stackTrace = \[' | grep -v -e 'stackTrace = \[' -e '^--' |
	sed -E 's/^ +//; s/\(.*//' | sort | uniq -c | sort -rn
echo "== OldObjectSample: object class, top allocation frame, GC root, chain"
jfr print --json --events jdk.OldObjectSample "$f" | python3 -c '
import collections, json, sys
ev = [e["values"] for e in json.load(sys.stdin)["recording"]["events"]]
def top(v):
    fr = (v.get("stackTrace") or {}).get("frames") or []
    return fr[0]["method"]["type"]["name"] + "." + fr[0]["method"]["name"] if fr else None
def root(v):
    r = v.get("root")
    return (r["system"], r["type"]) if r else None
for (cls, t, r), n in collections.Counter((v["object"]["type"]["name"], top(v), root(v)) for v in ev).most_common():
    print(n, cls, t, r)
b = [v for v in ev if v["object"]["type"]["name"] == "[B"]
# each object, then "<-FIELD-" or "<-[INDEX]-" and the object that holds it that way
chain, o = "", b[0]["object"]
while o:
    chain += o["type"]["name"]
    ref = o.get("referrer")
    if ref and ref.get("field"):
        chain += "  <-" + ref["field"]["name"] + "-  "
    elif ref and ref.get("array"):
        chain += "  <-[%d]-  " % ref["array"]["index"]
    elif ref:
        chain += "  <-  "
    o = ref.get("object") if ref else None
print("chain of one byte[]:", chain)
print("byte[] arrayElements:", sorted({v["arrayElements"] for v in b}))
'
echo "== ThreadDump: dumps, escalation workers parked in LinkedBlockingQueue.take"
jfr print --events jdk.ThreadDump "$f" | grep -c 'jdk.ThreadDump {' || true
jfr print --events jdk.ThreadDump "$f" | grep -A1 '"escalation-worker-' | grep -c 'WAITING (parking)' || true
jfr print --events jdk.ThreadDump "$f" | grep -c 'LinkedBlockingQueue.take' || true
