#!/usr/bin/env bash
# Conformance: `memtracer info --json FILE.jfr` must count the events of
# every type exactly as the JDK's `jfr summary` does, for every recording in
# $MT_SHARED/corpus/jfr and $MT_SHARED/fixtures (gzip-wrapped ones are
# inflated for `jfr`, which cannot read gzip), with the same number of
# chunks and the same first version. Recordings `jfr` refuses (the JDK 7/8
# 0.9 format) must be rejected by memtracer with a message naming 0.9.
#
# `jfr summary` keys event types by id across chunks, so a recording whose
# chunks come from different producers (FastSlow: async-profiler 2.0 chunks
# then a JDK 2.1 chunk) gets counts of one chunk's type under another
# chunk's name. When the whole-file comparison differs, every chunk is cut
# out (a chunk is a valid recording) and the sums of `jfr summary` per chunk
# are compared instead; the line says so.
#
# Env: MT_BIN (memtracer binary), MT_SHARED (../shared), JFR (optional path
# of the jfr tool). Output: TAP, then "N passed, M failed"; exit 1 on a
# failure, 77 when skipped (no JDK, no MT_SHARED, no python3).
set -u
: "${MT_BIN:?MT_BIN must name the memtracer binary}"
if [ -z "${MT_SHARED:-}" ] || [ ! -d "$MT_SHARED/corpus/jfr" ]; then
  echo "1..0 # SKIP MT_SHARED is not set"
  exit 77
fi
JFR=${JFR:-}
if [ -z "$JFR" ]; then
  JFR=$(command -v jfr 2>/dev/null || true)
  [ -n "$JFR" ] || JFR=$(ls /usr/lib/jvm/*/bin/jfr 2>/dev/null | head -1)
fi
if [ -z "$JFR" ] || ! "$JFR" version >/dev/null 2>&1; then
  echo "1..0 # SKIP no JDK (jfr) installed"
  exit 77
fi
command -v python3 >/dev/null 2>&1 || { echo "1..0 # SKIP python3 is not installed"; exit 77; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
nfail=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); nfail=$((nfail + 1)); echo "not ok $n - $1"; shift; for l in "$@"; do echo "#   $l"; done; }

# compare.py MODE SUMMARY... JSON: prints "same" or the differences
cat > "$tmp/compare.py" <<'EOF'
import json, re, sys
def parse(path):
    counts, started = {}, False
    text = open(path).read()
    for line in text.splitlines():
        if line.startswith('====='):
            started = True
            continue
        if not started or not line.strip():
            continue
        m = re.match(r'^ (\S+)\s+(\d+)\s+(\d+)\s*$', line)
        if m:
            counts[m.group(1)] = counts.get(m.group(1), 0) + int(m.group(2))
    ch = re.search(r'Chunks: (\d+)', text)
    ver = re.search(r'Version: (\S+)', text)
    return counts, int(ch.group(1)) if ch else 0, ver.group(1) if ver else ''
mode, js = sys.argv[1], json.load(open(sys.argv[-1]))
want, chunks, ver = {}, 0, None
for p in sys.argv[2:-1]:
    c, k, v = parse(p)
    for name, cnt in c.items():
        want[name] = want.get(name, 0) + cnt
    chunks += k
    ver = ver or v
got = js['events']
diffs = ['%s: jfr summary %s, memtracer %s' % (k, want.get(k), got.get(k))
         for k in sorted(set(want) | set(got)) if want.get(k) != got.get(k)]
if chunks != js['chunks']:
    diffs.append('chunks: jfr summary %d, memtracer %d' % (chunks, js['chunks']))
if ver != js['versions'][0]:
    diffs.append('version: jfr summary %s, memtracer %s' % (ver, js['versions'][0]))
if js.get('unknown_events'):
    diffs.append('memtracer: %d events of unknown types' % js['unknown_events'])
print('same' if not diffs else '\n'.join(diffs[:10]))
EOF

cat > "$tmp/chunks.py" <<'EOF'
import json, sys
for c in json.load(open(sys.argv[1]))['chunk_list']:
    print(c['offset'], c['size'])
EOF

files=$( (find "$MT_SHARED/corpus/jfr" "$MT_SHARED/fixtures" -type f \( -name '*.jfr' -o -name '*.jfr.gz' \)) | LC_ALL=C sort)
for f in $files; do
  rel=${f#"$MT_SHARED"/}
  raw="$tmp/in.jfr"
  case "$f" in
  *.gz) gzip -dc "$f" > "$raw" ;;
  *) cp "$f" "$raw" ;;
  esac
  # a file stored uncompressed may still be gzip inside (the JDK 7/8 ones)
  if [ "$(head -c 2 "$raw" | od -An -tx1 | tr -d ' ')" = "1f8b" ]; then
    gzip -dc < "$raw" > "$raw.x" 2>/dev/null && mv "$raw.x" "$raw"
  fi
  "$JFR" summary "$raw" > "$tmp/sum.txt" 2>&1
  jrc=$?
  "$MT_BIN" info --json "$f" > "$tmp/mt.json" 2> "$tmp/mt.err"
  mrc=$?
  if [ "$jrc" -ne 0 ]; then
    if [ "$mrc" -eq 1 ] && grep -q "found 0.9" "$tmp/mt.err"; then
      ok "$rel: rejected like jfr (0.9)"
    else
      not_ok "$rel: jfr summary failed, memtracer exit $mrc" "$(head -1 "$tmp/sum.txt")" "$(head -1 "$tmp/mt.err")"
    fi
    continue
  fi
  if [ "$mrc" -ne 0 ]; then
    not_ok "$rel: memtracer info failed" "$(head -1 "$tmp/mt.err")"
    continue
  fi
  res=$(python3 "$tmp/compare.py" whole "$tmp/sum.txt" "$tmp/mt.json")
  if [ "$res" = "same" ]; then
    ok "$rel: $(python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(len(j["events"]), "types,", sum(j["events"].values()), "events")' "$tmp/mt.json")"
    continue
  fi
  # per chunk
  sums=()
  i=0
  while read -r off size; do
    tail -c +"$((off + 1))" "$raw" | head -c "$size" > "$tmp/chunk$i.jfr"
    "$JFR" summary "$tmp/chunk$i.jfr" > "$tmp/chunk$i.txt" 2>&1
    sums+=("$tmp/chunk$i.txt")
    i=$((i + 1))
  done < <(python3 "$tmp/chunks.py" "$tmp/mt.json")
  res2=$(python3 "$tmp/compare.py" chunks "${sums[@]}" "$tmp/mt.json" | grep -v '^chunks: ' | grep -v '^version: ')
  [ -z "$res2" ] && res2=same
  if [ "$res2" = "same" ] && [ "$i" -gt 1 ]; then
    ok "$rel: equal to jfr summary per chunk ($i chunks; the whole-file summary keys types by id across chunks)"
  else
    mapfile -t lines <<< "$res"
    not_ok "$rel: counts differ" "${lines[@]}"
  fi
done

echo "1..$n"
echo "$((n - nfail)) passed, $nfail failed"
[ "$nfail" -eq 0 ] && [ "$n" -gt 0 ] || exit 1
exit 0
