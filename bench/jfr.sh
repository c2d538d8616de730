#!/usr/bin/env bash
# bench/jfr.sh - memtracer against the JDK's own JFR reader on one large
# recording (>= 300 MB).
#
# The recording is generated once with tests/conformance/JfrBenchGen.java
# (eight threads on random call chains allocating small arrays, about 50 s,
# ~500 MB, ~20 million events in ~28 chunks; settings
# tests/conformance/jfr_bench.jfc) into $JFR_BENCH_DIR and reused. Then, in the
# same run, under GNU time:
#   cpu            memtracer convert --to folded --sample-index cpu FILE
#              vs  java JfrFolded --event jdk.ExecutionSample FILE   (jdk.jfr.consumer.RecordingFile)
#   alloc-samples  the same for jdk.ObjectAllocationSample (one per event, counted per stack)
#   info           memtracer info FILE  vs  jfr summary FILE
# Folded outputs must be equal (as tests/conformance/jfr_folded.sh checks on
# the corpus); the script fails when they differ. Prints wall seconds, user +
# system CPU seconds (less disturbed than wall time when other jobs share the
# cores), peak RSS, the private (anonymous) peak of memtracer (the recording is
# mapped, so its peak RSS also counts the file's pages it touched), and
# JDK/memtracer ratios, with the load average before and after. No timing is
# asserted.
#
# Environment (all optional):
#   MEMTRACER      memtracer binary (else BUILD_DIR/cli/memtracer, built here)
#   BUILD_DIR      build folder [build-bench]
#   JFR_BENCH_DIR  where the recording and outputs go [/tmp/memtracer-jfr-bench]
#   SECONDS_TO_RECORD  length of the generated recording [50]
#   RUNS           memtracer runs per task, best kept [3]
#   ONLY           task names to run, e.g. "cpu info"
set -euo pipefail

BENCH=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$BENCH")
BUILD_DIR=${BUILD_DIR:-$ROOT/build-bench}
DIR=${JFR_BENCH_DIR:-/tmp/memtracer-jfr-bench}
RUNS=${RUNS:-3}
ONLY=${ONLY:-}
TIME=/usr/bin/time

log() { printf '%s\n' "$*" >&2; }
die() { log "jfr.sh: $*"; exit 1; }

[ -x "$TIME" ] || die "needs GNU time at $TIME (Debian/Ubuntu: apt-get install time)"
command -v java >/dev/null && command -v javac >/dev/null || die "needs a JDK (java, javac; 17 or later)"
JFR_TOOL=$(command -v jfr || true)

. "$BENCH/lib.sh"
bench_memtracer

mkdir -p "$DIR/classes"
REC=$DIR/big.jfr
if [ ! -s "$REC" ]; then
	log "recording $REC (${SECONDS_TO_RECORD:-50} s)..."
	javac -d "$DIR/classes" "$ROOT/tests/conformance/JfrBenchGen.java"
	java -Xmx512m -XX:TLABSize=2k -XX:-ResizeTLAB \
		"-XX:StartFlightRecording=settings=$ROOT/tests/conformance/jfr_bench.jfc,maxsize=4g,filename=$REC" \
		-cp "$DIR/classes" JfrBenchGen "${SECONDS_TO_RECORD:-50}" >"$DIR/gen.log" 2>&1 || { cat "$DIR/gen.log"; exit 1; }
fi
javac -d "$DIR/classes" "$ROOT/tests/conformance/JfrFolded.java"

want() { [ -z "$ONLY" ] || [[ " $ONLY " == *" $1 "* ]]; }

# run OUT CMD...: one timed run; sets secs, cpu (user + system s), mb, anon_mb (peak private RSS, sampled every 10 ms)
run() {
	local out=$1
	shift
	"$TIME" -f '%e %M %U %S' -o "$DIR/time" "$@" >"$out" 2>"$DIR/err" &
	local tpid=$! peak=0 a
	while kill -0 "$tpid" 2>/dev/null; do
		# the timed program is GNU time's only child
		for c in $(pgrep -P "$tpid" || true); do
			a=$(awk '/^RssAnon/ { print $2 }' "/proc/$c/status" 2>/dev/null || true)
			if [ -n "$a" ] && [ "$a" -gt "$peak" ]; then peak=$a; fi
		done
		sleep 0.01
	done
	wait "$tpid" || { log "failed: $* ($(head -2 "$DIR/err"))"; return 1; }
	read -r secs kb usr sys <"$DIR/time"
	cpu=$(awk "BEGIN { printf \"%.2f\", $usr + $sys }")
	mb=$((kb / 1024))
	anon_mb=$((peak / 1024))
}

# best of RUNS memtracer runs
best() {
	local out=$1 bs= bc= bm= ba=
	shift
	for _ in $(seq "$RUNS"); do
		run "$out" "$@" || return 1
		if [ -z "$bs" ] || awk "BEGIN { exit !($secs < $bs) }"; then bs=$secs; fi
		if [ -z "$bc" ] || awk "BEGIN { exit !($cpu < $bc) }"; then bc=$cpu; fi
		if [ -z "$bm" ] || [ "$mb" -lt "$bm" ]; then bm=$mb; fi
		if [ -z "$ba" ] || [ "$anon_mb" -lt "$ba" ]; then ba=$anon_mb; fi
	done
	secs=$bs cpu=$bc mb=$bm anon_mb=$ba
}

norm() { awk '{ v = $NF; s = substr($0, 1, length($0) - length(v) - 1); if (v != 0 && s != "") print s " " v }' | LC_ALL=C sort; }

size=$(stat -L -c %s "$REC")
log "recording: $REC, $size bytes ($((size / 1048576)) MB)"
load0=$(cut -d' ' -f1-3 /proc/loadavg)
printf '%-14s %-30s %7s %7s %8s %8s %7s %7s %7s\n' task tool "wall s" "cpu s" "peak MB" "anon MB" "wall x" "cpu x" "mem x"
printf '%s\n' "---------------------------------------------------------------------------------------------------"
fail=0
row() { printf '%-14s %-30s %7.2f %7.2f %8d %8s %7s %7s %7s\n' "$@"; }
ratio() { awk "BEGIN { if ($2 > 0) printf \"%.1fx\", $1 / $2; else print \"-\" }"; }

for spec in cpu:jdk.ExecutionSample alloc-samples:jdk.ObjectAllocationSample; do
	task=${spec%%:*}
	ev=${spec#*:}
	want "$task" || continue
	run "$DIR/ref-$task.txt" java -Xmx4g -cp "$DIR/classes" JfrFolded --event "$ev" "$REC" || { fail=1; continue; }
	js=$secs jc=$cpu jm=$mb
	best "$DIR/got-$task.txt" "$MT" convert --to folded --sample-index "$task" "$REC" || { fail=1; continue; }
	row "$task" "memtracer convert --to folded" "$secs" "$cpu" "$mb" "$anon_mb" "" "" ""
	row "$task" "JDK RecordingFile (JfrFolded)" "$js" "$jc" "$jm" "" "$(ratio "$js" "$secs")" "$(ratio "$jc" "$cpu")" \
		"$(ratio "$jm" "$mb")"
	if cmp -s <(norm <"$DIR/ref-$task.txt") <(norm <"$DIR/got-$task.txt"); then
		log "  $task: same $(norm <"$DIR/ref-$task.txt" | wc -l) stacks in both"
	else
		log "  $task: OUTPUTS DIFFER"
		fail=1
	fi
done

if want info; then
	best "$DIR/info.txt" "$MT" info "$REC"
	row info "memtracer info" "$secs" "$cpu" "$mb" "$anon_mb" "" "" ""
	if [ -n "$JFR_TOOL" ]; then
		ms=$secs mc=$cpu mm=$mb
		run "$DIR/summary.txt" "$JFR_TOOL" summary "$REC" &&
			row info "jfr summary" "$secs" "$cpu" "$mb" "" "$(ratio "$secs" "$ms")" "$(ratio "$cpu" "$mc")" "$(ratio "$mb" "$mm")"
	else
		log "  info: no jfr tool on PATH, peer skipped"
	fi
fi
log "load average: before $load0, after $(cut -d' ' -f1-3 /proc/loadavg)"
exit $fail
