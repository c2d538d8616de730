#!/usr/bin/env bash
# Conformance: the folded CPU stacks memtracer builds from jdk.ExecutionSample
# (`memtracer convert --to folded --sample-index cpu`) must equal those the
# JDK's own jdk.jfr.consumer API aggregates (tests/conformance/JfrFolded.java,
# run in source-file mode) for every recording of $MT_SHARED/corpus/jfr and
# $MT_SHARED/fixtures that the JDK can read. Also checked the same way:
# jdk.NativeMethodSample (native), profiler.WallClockSample (wall, as event
# counts), for the recordings that have them.
#
# Events without a stack trace are left out on both sides (folded output
# has no line for them), as are zero values. ExecutionSamples of sleeping
# threads (async-profiler's wall-clock mode writes them) are not CPU time:
# the JDK side leaves them out with JfrFolded --skip-state STATE_SLEEPING, as
# grafana/jfr-parser does (its expected outputs are checked in test_jfr.c).
#
# Env: MT_BIN, MT_SRC, MT_SHARED, JAVA (optional). Output: TAP, then
# "N passed, M failed"; exit 1 on a failure, 77 when skipped.
set -u
: "${MT_BIN:?MT_BIN must name the memtracer binary}"
: "${MT_SRC:?MT_SRC must name the source root}"
if [ -z "${MT_SHARED:-}" ] || [ ! -d "$MT_SHARED/corpus/jfr" ]; then
  echo "1..0 # SKIP MT_SHARED is not set"
  exit 77
fi
JAVA=${JAVA:-$(command -v java 2>/dev/null || true)}
if [ -z "$JAVA" ] || ! "$JAVA" -version >/dev/null 2>&1; then
  echo "1..0 # SKIP no JDK (java) installed"
  exit 77
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# compile the reference reader once
mkdir -p "$tmp/classes"
if ! javac -d "$tmp/classes" "$MT_SRC/tests/conformance/JfrFolded.java" 2> "$tmp/javac.err"; then
  echo "1..0 # SKIP cannot compile JfrFolded.java: $(head -1 "$tmp/javac.err")"
  exit 77
fi
n=0
nfail=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); nfail=$((nfail + 1)); echo "not ok $n - $1"; shift; for l in "$@"; do echo "#   $l"; done; }

# stacks with a non-zero value, sorted; the empty stack dropped
norm() { awk '{ v = $NF; s = substr($0, 1, length($0) - length(v) - 1); if (v != 0 && s != "") print s " " v }' | LC_ALL=C sort; }
total() { awk '{ t += $NF } END { print t + 0 }'; }

files=$( (find "$MT_SHARED/corpus/jfr" "$MT_SHARED/fixtures" -type f \( -name '*.jfr' -o -name '*.jfr.gz' \)) | LC_ALL=C sort)
for f in $files; do
  rel=${f#"$MT_SHARED"/}
  raw="$tmp/in.jfr"
  case "$f" in
  *.gz) gzip -dc "$f" > "$raw" ;;
  *) cp "$f" "$raw" ;;
  esac
  for spec in jdk.ExecutionSample:cpu jdk.NativeMethodSample:native profiler.WallClockSample:wall; do
    ev=${spec%%:*}
    col=${spec##*:}
    skip=
    [ "$col" = cpu ] && skip="--skip-state STATE_SLEEPING"   # async-profiler wall mode: not CPU
    # shellcheck disable=SC2086
    if ! "$JAVA" -cp "$tmp/classes" JfrFolded --event "$ev" $skip "$raw" > "$tmp/ref.txt" 2> "$tmp/ref.err"; then
      [ "$ev" = jdk.ExecutionSample ] && echo "# $rel: the JDK cannot read it: $(grep -m1 -E 'Exception|Error' "$tmp/ref.err")"
      continue
    fi
    [ -s "$tmp/ref.txt" ] || continue
    if ! "$MT_BIN" convert --to folded --sample-index "$col" "$f" > "$tmp/got.txt" 2> "$tmp/got.err"; then
      not_ok "$rel $ev: memtracer failed" "$(head -1 "$tmp/got.err")"
      continue
    fi
    if [ "$col" = wall ]; then
      # wall values are async-profiler's samples per event; the reference counts events
      ref_total=$(total < "$tmp/ref.txt")
      got_lines=$(norm < "$tmp/got.txt" | wc -l)
      ref_lines=$(norm < "$tmp/ref.txt" | wc -l)
      if [ "$got_lines" -eq "$ref_lines" ]; then
        ok "$rel $ev: $ref_lines stacks ($ref_total events)"
      else
        not_ok "$rel $ev: $got_lines stacks, the JDK $ref_lines"
      fi
      continue
    fi
    norm < "$tmp/ref.txt" > "$tmp/ref.n"
    norm < "$tmp/got.txt" > "$tmp/got.n"
    rt=$(total < "$tmp/ref.n")
    gt=$(total < "$tmp/got.n")
    if cmp -s "$tmp/ref.n" "$tmp/got.n"; then
      ok "$rel $ev: $(wc -l < "$tmp/ref.n") stacks, $rt events"
    else
      mapfile -t d < <(diff "$tmp/ref.n" "$tmp/got.n" | head -6 | cut -c1-200)
      not_ok "$rel $ev: folded stacks differ (events with a stack: JDK $rt, memtracer $gt)" "${d[@]}"
    fi
  done
done

echo "1..$n"
echo "$((n - nfail)) passed, $nfail failed"
[ "$nfail" -eq 0 ] && [ "$n" -gt 0 ] || exit 1
exit 0
