#!/usr/bin/env bash
# bench/run.sh - memtracer against the peer tools on large inputs.
#
# Builds memtracer (release, in build-bench/) if needed, generates the inputs
# into bench/data/ if missing, then runs each task with memtracer and with the
# peer tool found on this machine, under /usr/bin/time, and prints wall time,
# peak RSS and the peer/memtracer ratios. See bench/README.md.
#
# Environment (all optional):
#   FLAMEGRAPH_PL  path to flamegraph.pl (else flamegraph.pl on PATH, else skipped)
#   MEMTRACER      memtracer binary to use (else build-bench/cli/memtracer, built here)
#   BUILD_DIR      build folder [build-bench]
#   DATA_DIR       where inputs and outputs go [bench/data]
#   RUNS           memtracer runs per task [3]
#   PEER_RUNS      runs per task for the (slow) peer tools [1]
#   STAT           median (default) or best: which of the runs' wall times and
#                  peak RSS (each taken on its own) a row shows
#   PPROF_SAMPLES  samples in the synthetic pprof [1000000]
#   FOLDED_LINES   lines in the big folded file [1000000]
#   ONLY           space-separated task names to run (default: all), e.g. "top flame-200k"
#   SKIP_PEERS     1 = run memtracer only
set -euo pipefail

BENCH=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$BENCH")
BUILD_DIR=${BUILD_DIR:-$ROOT/build-bench}
DATA=${DATA_DIR:-$BENCH/data}
OUT=$DATA/out
RUNS=${RUNS:-3}
PEER_RUNS=${PEER_RUNS:-1}
PPROF_SAMPLES=${PPROF_SAMPLES:-1000000}
FOLDED_LINES=${FOLDED_LINES:-1000000}
ONLY=${ONLY:-}
SKIP_PEERS=${SKIP_PEERS:-0}
STAT=${STAT:-median}
case $STAT in median | best) ;; *) printf 'run.sh: STAT must be median or best\n' >&2; exit 2 ;; esac
TIME=/usr/bin/time

log() { printf '%s\n' "$*" >&2; }
die() { log "run.sh: $*"; exit 1; }

# ---- tools ------------------------------------------------------------------
if [ ! -x "$TIME" ]; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		log "installing GNU time (Debian package 'time')"
		apt-get install -y -qq time >/dev/null || die "apt-get install time failed"
	else
		die "needs GNU time at $TIME (Debian/Ubuntu: apt-get install time)"
	fi
fi
command -v python3 >/dev/null || die "needs python3"

. "$BENCH/lib.sh"
bench_memtracer

FG=${FLAMEGRAPH_PL:-$(command -v flamegraph.pl || true)}
if [ -n "$FG" ] && [ ! -r "$FG" ]; then
	die "FLAMEGRAPH_PL=$FG is not readable"
fi
PPROF=
if command -v go >/dev/null; then
	# the pprof binary itself, not the `go tool` wrapper, so its RSS is what is measured
	tooldir=$(go env GOTOOLDIR 2>/dev/null || true)
	if [ -n "$tooldir" ] && [ -x "$tooldir/pprof" ]; then
		PPROF=$tooldir/pprof
	fi
fi

# ---- inputs -----------------------------------------------------------------
mkdir -p "$DATA" "$OUT"
PB=$DATA/cpu-$PPROF_SAMPLES.pb
PBGZ=$PB.gz
F1M=$DATA/folded-$FOLDED_LINES.txt
F200K=$DATA/folded-200k.txt

if [ ! -s "$PB" ]; then
	log "generating $PB"
	python3 "$BENCH/make_pprof.py" "$PB.tmp" "$PPROF_SAMPLES" && mv "$PB.tmp" "$PB"
fi
if [ ! -s "$PBGZ" ]; then
	log "generating $PBGZ"
	gzip -1 -c "$PB" >"$PBGZ.tmp" && mv "$PBGZ.tmp" "$PBGZ"
fi
if [ ! -s "$F1M" ]; then
	[ -f "$BENCH/make_folded.py" ] || die "bench/make_folded.py is missing"
	log "generating $F1M"
	python3 "$BENCH/make_folded.py" "$F1M.tmp" "$FOLDED_LINES" && mv "$F1M.tmp" "$F1M"
fi
if [ ! -s "$F200K" ]; then
	# Like the requirement's file: 200k lines, ~126 MB, and, as stackcollapse-*.pl
	# writes them, one line per DISTINCT stack, sorted. make_folded.py draws lines
	# with repeats, so draw more and keep the first 200k distinct stacks (summed).
	log "generating $F200K"
	python3 "$BENCH/make_folded.py" "$F200K.raw" 800000 --stacks 300000 --max-depth 46 --seed 7
	awk '{ i = match($0, / [0-9]+$/); s = substr($0, 1, i - 1)
	       if (!(s in c)) o[++n] = s
	       c[s] += substr($0, i + 1) }
	     END { for (k = 1; k <= n && k <= 200000; k++) print o[k], c[o[k]] }' "$F200K.raw" |
		LC_ALL=C sort >"$F200K.tmp"
	rm -f "$F200K.raw"
	mv "$F200K.tmp" "$F200K"
fi

# ---- measuring --------------------------------------------------------------
# Results are rows of: task | tool | wall s | peak KB; ratios are computed
# per task against the memtracer row.
ROWS=()
NOTES=()

mb() { awk -v b="$(stat -c %s "$1")" 'BEGIN { printf "%.1f MB", b / 1e6 }'; }
lines() { wc -l <"$1" | tr -d ' '; }

want() {
	[ -z "$ONLY" ] && return 0
	case " $ONLY " in *" $1 "*) return 0 ;; esac
	return 1
}

# measure TASK TOOL NRUNS STDOUT CMD... : the median (STAT=median, default) or the
# best (STAT=best) wall time and peak RSS of NRUNS runs, each taken on its own
measure() {
	local task=$1 tool=$2 n=$3 out=$4
	shift 4
	local i s kb tf=$OUT/.time walls=() rss=()
	for ((i = 0; i < n; i++)); do
		if ! "$TIME" -f '%e %M' -o "$tf" "$@" >"$out" 2>"$OUT/.stderr"; then
			log "FAILED ($task, $tool): $*"
			sed 's/^/    /' "$OUT/.stderr" | tail -5 >&2
			ROWS+=("$task|$tool|FAILED|")
			return 0
		fi
		read -r s kb < <(tail -n 1 "$tf")
		walls+=("$s")
		rss+=("$kb")
	done
	s=$(pick "${walls[@]}")
	kb=$(pick "${rss[@]}")
	log "  $task  $tool: ${s}s  $((kb / 1024)) MB  ($STAT of $n: ${walls[*]} s; load $(cut -d' ' -f1 /proc/loadavg 2>/dev/null))"
	ROWS+=("$task|$tool|$s|$kb")
}

# pick VALUES... : their median (the lower middle one for an even count) or minimum
pick() {
	if [ "$STAT" = best ]; then
		printf '%s\n' "$@" | sort -g | head -n 1
	else
		printf '%s\n' "$@" | sort -g | sed -n "$(( ($# + 1) / 2 ))p"
	fi
}

peer() { # peer TASK TOOL STDOUT CMD...
	[ "$SKIP_PEERS" = 1 ] && return 0
	local task=$1 tool=$2 out=$3
	shift 3
	measure "$task" "$tool" "$PEER_RUNS" "$out" "$@"
}
mt() { # mt TASK STDOUT CMD-ARGS...
	local task=$1 out=$2
	shift 2
	measure "$task" memtracer "$RUNS" "$out" "$MT" "$@"
}

log ""
log "inputs:"
log "  $PB: $(mb "$PB") (uncompressed pprof, $PPROF_SAMPLES samples)"
log "  $PBGZ: $(mb "$PBGZ") (same, gzip -1)"
log "  $F1M: $(mb "$F1M"), $(lines "$F1M") lines"
log "  $F200K: $(mb "$F200K"), $(lines "$F200K") lines"
log "memtracer: $STAT of $RUNS; peers: $STAT of $PEER_RUNS; load average now: $(cut -d" " -f1-3 /proc/loadavg 2>/dev/null)"
log ""

if want top; then
	mt top "$OUT/top.mt.txt" top "$PB"
	if [ -n "$PPROF" ]; then peer top "go tool pprof -top" "$OUT/top.pprof.txt" "$PPROF" -top "$PB"
	else NOTES+=("go tool pprof: go not found, skipped"); fi
fi
if want top-gz; then
	mt top-gz "$OUT/top-gz.mt.txt" top "$PBGZ"
	[ -n "$PPROF" ] && peer top-gz "go tool pprof -top" "$OUT/top-gz.pprof.txt" "$PPROF" -top "$PBGZ"
fi
if want raw; then
	# pprof -raw dumps the whole decoded profile as text; memtracer's whole-IR
	# dump is convert --to json.
	mt raw "$OUT/raw.mt.json" convert "$PB" --to json -o -
	[ -n "$PPROF" ] && peer raw "go tool pprof -raw" "$OUT/raw.pprof.txt" "$PPROF" -raw "$PB"
fi
if want convert; then
	mt convert "/dev/null" convert "$PB" --to folded -o "$OUT/cpu.folded"
fi
if want info; then
	mt info "$OUT/info.mt.txt" info "$PB"
fi
if want flame-pprof; then
	mt flame-pprof /dev/null flame "$PB" -o "$OUT/cpu.mt.svg"
fi
if want flame-200k; then
	mt flame-200k /dev/null flame "$F200K" -o "$OUT/f200k.mt.svg"
	if [ -n "$FG" ]; then peer flame-200k flamegraph.pl "$OUT/f200k.fg.svg" perl "$FG" "$F200K"
	else NOTES+=("flamegraph.pl: not given, skipped"); fi
fi
if want flame-1M; then
	mt flame-1M /dev/null flame "$F1M" -o "$OUT/f1m.mt.svg"
	[ -n "$FG" ] && peer flame-1M flamegraph.pl "$OUT/f1m.fg.svg" perl "$FG" "$F1M"
fi
if want top-folded; then
	mt top-folded "$OUT/top-folded.mt.txt" top "$F1M"
fi

# ---- table ------------------------------------------------------------------
printf '\n%-12s %-20s %9s %9s %10s %10s\n' task tool "wall s" "peak MB" "time x" "mem x"
printf '%s\n' "-------------------------------------------------------------------------"
for r in "${ROWS[@]}"; do
	IFS='|' read -r task tool s kb <<<"$r"
	if [ "$s" = FAILED ]; then
		printf '%-12s %-20s %9s\n' "$task" "$tool" FAILED
		continue
	fi
	tr=""; mr=""
	if [ "$tool" != memtracer ]; then
		# ratio = peer / memtracer for the same task
		for m in "${ROWS[@]}"; do
			IFS='|' read -r mtask mtool ms mkb <<<"$m"
			if [ "$mtask" = "$task" ] && [ "$mtool" = memtracer ] && [ "$ms" != FAILED ]; then
				tr=$(awk -v a="$s" -v b="$ms" 'BEGIN { if (b > 0) printf "%.1fx", a / b; else print "inf" }')
				mr=$(awk -v a="$kb" -v b="$mkb" 'BEGIN { printf "%.2fx", a / b }')
			fi
		done
	fi
	printf '%-12s %-20s %9s %9.0f %10s %10s\n' "$task" "$tool" "$s" "$(awk -v k="$kb" 'BEGIN { print k / 1024 }')" "$tr" "$mr"
done
for n in "${NOTES[@]+"${NOTES[@]}"}"; do printf '%s\n' "$n"; done
printf '\nratios: peer / memtracer (time x > 1: memtracer faster; mem x > 1: memtracer smaller).\n'
printf 'machine: %s cores, %s; load average at end: %s; %s\n' "$(nproc)" "$(uname -sr)" \
	"$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')" "$(date -u +%Y-%m-%dT%H:%MZ)"
