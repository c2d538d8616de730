#!/usr/bin/env bash
# bench/v8.sh - memtracer against memlab on one large real V8 heap snapshot.
#
# Generates two real snapshots of >= 500 MB into bench/data/ if missing:
#   node   v8-big.heapsnapshot   node's v8.writeHeapSnapshot() of bench/gen/v8heap/bigheap.js
#   page   v8-page.heapsnapshot  headless Chromium's HeapProfiler.takeHeapSnapshot of
#                                bench/gen/v8heap/bigpage.html (40000 detached DOM trees)
# installs memlab from npm into bench/.memlab/ (git-ignored) if missing, then
# runs, on the same file, under GNU time:
#   read          memtracer info FILE                      (reading only; no memlab equivalent)
#   dominators    memtracer dominators -n 20 FILE          vs  memlab analyze object-size --snapshot FILE
#   detached-dom  memtracer leaks FILE                     vs  memlab analyze detached-DOM --snapshot FILE
# and prints wall seconds, CPU seconds (user+sys: less disturbed by other jobs on
# a shared machine), peak RSS and memlab/memtracer ratios, with the load average
# before and after. See bench/README.md, section "V8 heap snapshots".
#
# Environment (all optional):
#   MEMTRACER      memtracer binary (else BUILD_DIR/cli/memtracer, built here)
#   BUILD_DIR      build folder [build-bench]
#   DATA_DIR       where the snapshot and outputs go [bench/data]
#   INPUTS         which snapshots ["node page"]; "page" needs Chromium (/usr/bin/chromium or $CHROMIUM)
#   CUSTOMERS      size of node's graph [160000] (about 3.4 MB of snapshot per 1000)
#   RUNS           memtracer runs per task, best kept [3]
#   MEMLAB_HEAP_MB memlab's V8 heap limit [4096, what its launcher sets]; when memlab runs out
#                  of memory the task is retried with MEMLAB_RETRY_HEAP_MB [16384], and both rows are shown
#   ONLY           task names to run, e.g. "dominators"
#   SKIP_PEERS     1 = memtracer only
set -euo pipefail

BENCH=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$BENCH")
BUILD_DIR=${BUILD_DIR:-$ROOT/build-bench}
DATA=${DATA_DIR:-$BENCH/data}
OUT=$DATA/out-v8
CUSTOMERS=${CUSTOMERS:-160000}
INPUTS=${INPUTS:-node page}
RUNS=${RUNS:-3}
MEMLAB_HEAP_MB=${MEMLAB_HEAP_MB:-4096}
MEMLAB_RETRY_HEAP_MB=${MEMLAB_RETRY_HEAP_MB:-16384}
ONLY=${ONLY:-}
SKIP_PEERS=${SKIP_PEERS:-0}
TIME=/usr/bin/time
MEMLAB_DIR=$BENCH/.memlab
MEMLAB_VERSION=2.0.5

log() { printf '%s\n' "$*" >&2; }
die() { log "v8.sh: $*"; exit 1; }

[ -x "$TIME" ] || die "needs GNU time at $TIME (Debian/Ubuntu: apt-get install time)"
command -v node >/dev/null || die "needs node (>= 20)"

. "$BENCH/lib.sh"
bench_memtracer

MEMLAB_JS=$MEMLAB_DIR/node_modules/@memlab/cli/bin/memlab.js
if [ "$SKIP_PEERS" != 1 ] && [ ! -f "$MEMLAB_JS" ]; then
	command -v npm >/dev/null || die "needs npm to install memlab (or SKIP_PEERS=1)"
	log "installing memlab $MEMLAB_VERSION into $MEMLAB_DIR"
	mkdir -p "$MEMLAB_DIR"
	PUPPETEER_SKIP_DOWNLOAD=1 npm install --prefix "$MEMLAB_DIR" --no-audit --no-fund --ignore-scripts \
		"memlab@$MEMLAB_VERSION" >"$MEMLAB_DIR/install.log" 2>&1 || die "npm install memlab failed (see $MEMLAB_DIR/install.log)"
fi

mkdir -p "$DATA" "$OUT"
# gen NAME FILE CMD...: unless FILE exists, runs CMD under GNU time with @OUT@ = FILE.tmp
gen() {
	local name=$1 file=$2 s kb a args=()
	shift 2
	[ -s "$file" ] && return 0
	for a in "$@"; do args+=("${a//@OUT@/$file.tmp}"); done
	log "generating $file (a minute or two)"
	"$TIME" -f '%e %M' -o "$OUT/.gen-time" "${args[@]}" >"$OUT/gen-$name.log"
	mv "$file.tmp" "$file"
	read -r s kb <"$OUT/.gen-time"
	log "  written in ${s}s (generator peak $((kb / 1024)) MB): $(cat "$OUT/gen-$name.log")"
}
SNAPS=()
for input in $INPUTS; do
	case $input in
	node)
		gen node "$DATA/v8-big.heapsnapshot" node --expose-gc --max-old-space-size=16384 \
			"$BENCH/gen/v8heap/bigheap.js" @OUT@ "$CUSTOMERS"
		SNAPS+=("node:$DATA/v8-big.heapsnapshot")
		;;
	page)
		gen page "$DATA/v8-page.heapsnapshot" node --experimental-websocket --no-warnings \
			"$BENCH/gen/v8heap/bigpage.js" @OUT@
		SNAPS+=("page:$DATA/v8-page.heapsnapshot")
		;;
	*) die "unknown input '$input' (node, page)" ;;
	esac
done
want() { [ -z "$ONLY" ] && return 0; case " $ONLY " in *" $1 "*) return 0 ;; esac; return 1; }

ROWS=()
# measure TASK TOOL NRUNS CMD... : best wall, best CPU (user+sys), lowest peak RSS; a
# failed run is recorded with the numbers at failure and the last line of its stderr
measure() {
	local task=$1 tool=$2 n=$3 i s kb u sy c best_s="" best_c="" best_kb="" tf=$OUT/.time status=ok f
	shift 3
	f=$OUT/${task//\//-}.${tool%% *}
	for ((i = 0; i < n; i++)); do
		if ! "$TIME" -f '%e %M %U %S' -o "$tf" "$@" >"$f.$i.out" 2>"$f.$i.err"; then
			status="FAILED: $(grep -a -m1 -o -E 'heap out of memory|Killed|Error[^.]*' "$f.$i.err" || tail -n 1 "$f.$i.err")"
		fi
		read -r s kb u sy < <(tail -n 1 "$tf")
		c=$(awk -v a="$u" -v b="$sy" 'BEGIN { printf "%.2f", a + b }')
		if [ -z "$best_s" ] || awk -v a="$s" -v b="$best_s" 'BEGIN { exit !(a < b) }'; then best_s=$s; fi
		if [ -z "$best_c" ] || awk -v a="$c" -v b="$best_c" 'BEGIN { exit !(a < b) }'; then best_c=$c; fi
		if [ -z "$best_kb" ] || [ "$kb" -lt "$best_kb" ]; then best_kb=$kb; fi
		[ "$status" = ok ] || break
	done
	log "  $task  $tool: ${best_s}s (cpu ${best_c}s)  $((best_kb / 1024)) MB  $status"
	ROWS+=("$task|$tool|$best_s|$best_kb|$status|$best_c")
	[ "$status" = ok ]
}

memlab() { # TASK PLUGIN SNAP: with the launcher's heap, then (if it ran out) a bigger one
	local task=$1 plugin=$2 snap=$3 w
	[ "$SKIP_PEERS" = 1 ] && return 0
	w=$(mktemp -d)
	if ! measure "$task" "memlab $MEMLAB_HEAP_MB MB heap" 1 \
		node --expose-gc --max-old-space-size="$MEMLAB_HEAP_MB" "$MEMLAB_JS" analyze "$plugin" --snapshot "$snap" --work-dir "$w"; then
		measure "$task" "memlab $MEMLAB_RETRY_HEAP_MB MB heap" 1 \
			node --expose-gc --max-old-space-size="$MEMLAB_RETRY_HEAP_MB" "$MEMLAB_JS" analyze "$plugin" --snapshot "$snap" --work-dir "$w" || true
	fi
	rm -rf "$w"
}

LOAD_BEFORE=$(uptime | sed 's/.*load average: //')
for entry in "${SNAPS[@]}"; do
	tag=${entry%%:*} snap=${entry#*:}
	log "input $tag: $snap, $(stat -c %s "$snap") bytes"
	if want read; then
		measure "read/$tag" memtracer "$RUNS" "$MT" info "$snap" || true
	fi
	if want dominators; then
		measure "dominators/$tag" memtracer "$RUNS" "$MT" dominators -n 20 "$snap" || true
		memlab "dominators/$tag" object-size "$snap"
	fi
	if want detached-dom; then
		measure "detached-dom/$tag" memtracer "$RUNS" "$MT" leaks "$snap" || true
		memlab "detached-dom/$tag" detached-DOM "$snap"
	fi
done
LOAD_AFTER=$(uptime | sed 's/.*load average: //')

printf '\n'
for entry in "${SNAPS[@]}"; do printf '%s: %s, %s bytes\n' "${entry%%:*}" "$(basename "${entry#*:}")" "$(stat -c %s "${entry#*:}")"; done
printf '%s\n' "$(nproc) cores, load average before: $LOAD_BEFORE, after: $LOAD_AFTER"
printf '%-18s %-22s %7s %7s %8s %7s %7s %6s  %s\n' task tool "wall s" "cpu s" "peak MB" "time x" "cpu x" "mem x" status
printf -- '-%.0s' {1..100}
printf '\n'
declare -A MT_S MT_KB MT_C
for r in "${ROWS[@]}"; do
	IFS='|' read -r task tool s kb status c <<<"$r"
	[ "$tool" = memtracer ] && MT_S[$task]=$s && MT_KB[$task]=$kb && MT_C[$task]=$c
done
for r in "${ROWS[@]}"; do
	IFS='|' read -r task tool s kb status c <<<"$r"
	tx="" cx="" mx=""
	if [ "$tool" != memtracer ] && [ -n "${MT_S[$task]:-}" ]; then
		tx=$(awk -v a="$s" -v b="${MT_S[$task]}" 'BEGIN { printf "%.1fx", a / (b > 0 ? b : 0.01) }')
		cx=$(awk -v a="$c" -v b="${MT_C[$task]}" 'BEGIN { printf "%.1fx", a / (b > 0 ? b : 0.01) }')
		mx=$(awk -v a="$kb" -v b="${MT_KB[$task]}" 'BEGIN { printf "%.2fx", a / b }')
	fi
	printf '%-18s %-22s %7s %7s %8d %7s %7s %6s  %s\n' "$task" "$tool" "$s" "$c" "$((kb / 1024))" "$tx" "$cx" "$mx" "$status"
done
