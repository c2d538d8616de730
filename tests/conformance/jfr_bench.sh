#!/usr/bin/env bash
# Bench: folded stacks from a large recording (>= 300 MB), memtracer against
# the JDK's own reader (jdk.jfr.consumer.RecordingFile in JfrFolded.java).
# The recording is generated once with JfrBenchGen.java (about 50 s, ~500 MB,
# ~20 million events in ~28 chunks) into $JFR_BENCH_DIR (default
# /tmp/memtracer-jfr-bench), then for jdk.ExecutionSample (cpu) and
# jdk.ObjectAllocationSample (alloc-samples, counted per stack) both tools
# fold the stacks; wall time and peak RSS are printed (GNU time) and the
# outputs must be equal. No timing is asserted.
#
# Env: MT_BIN (memtracer), MT_SRC (source root), JFR_BENCH_DIR, SECONDS_TO_RECORD (50).
# Exit: 0 when the outputs agree, 1 when they differ, 77 without a JDK.
set -u
: "${MT_BIN:?MT_BIN must name the memtracer binary}"
: "${MT_SRC:?MT_SRC must name the source root}"
command -v java >/dev/null 2>&1 && command -v javac >/dev/null 2>&1 || { echo "SKIP: no JDK"; exit 77; }
[ -x /usr/bin/time ] || { echo "SKIP: GNU time (/usr/bin/time) is needed"; exit 77; }
dir=${JFR_BENCH_DIR:-/tmp/memtracer-jfr-bench}
mkdir -p "$dir/classes"
rec="$dir/big.jfr"
if [ ! -s "$rec" ]; then
  echo "recording $rec (${SECONDS_TO_RECORD:-50} s)..."
  javac -d "$dir/classes" "$MT_SRC/tests/conformance/JfrBenchGen.java" || exit 1
  java -Xmx512m -XX:TLABSize=2k -XX:-ResizeTLAB \
    "-XX:StartFlightRecording=settings=$MT_SRC/tests/conformance/jfr_bench.jfc,maxsize=4g,filename=$rec" \
    -cp "$dir/classes" JfrBenchGen "${SECONDS_TO_RECORD:-50}" > "$dir/gen.log" 2>&1 || { cat "$dir/gen.log"; exit 1; }
fi
javac -d "$dir/classes" "$MT_SRC/tests/conformance/JfrFolded.java" || exit 1
echo "recording: $(stat -L -c %s "$rec") bytes"
fail=0
run() { # label outfile cmd...
  local label=$1 out=$2
  shift 2
  /usr/bin/time -f '%e %M' -o "$dir/time" "$@" > "$out" 2> "$dir/err" || { echo "$label failed: $(head -2 "$dir/err")"; return 1; }
  read -r secs kb < "$dir/time"
  printf '  %-34s %8.2f s %8d MB\n' "$label" "$secs" "$((kb / 1024))"
}
norm() { awk '{ v = $NF; s = substr($0, 1, length($0) - length(v) - 1); if (v != 0 && s != "") print s " " v }' | LC_ALL=C sort; }
for spec in jdk.ExecutionSample:cpu jdk.ObjectAllocationSample:alloc-samples; do
  ev=${spec%%:*}
  col=${spec##*:}
  echo "$ev:"
  run "JDK RecordingFile (JfrFolded)" "$dir/ref.txt" java -Xmx4g -cp "$dir/classes" JfrFolded --event "$ev" "$rec" || { fail=1; continue; }
  run "memtracer convert --to folded" "$dir/got.txt" "$MT_BIN" convert --to folded --sample-index "$col" "$rec" || { fail=1; continue; }
  norm < "$dir/ref.txt" > "$dir/ref.n"
  norm < "$dir/got.txt" > "$dir/got.n"
  if cmp -s "$dir/ref.n" "$dir/got.n"; then
    echo "  same $(wc -l < "$dir/ref.n") stacks"
  else
    echo "  DIFFERENT:"; diff "$dir/ref.n" "$dir/got.n" | head -5 | cut -c1-200; fail=1
  fi
done
exit $fail
