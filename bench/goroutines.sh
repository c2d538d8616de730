#!/usr/bin/env bash
# bench/goroutines.sh - memtracer against panicparse on huge Go goroutine dumps.
#
# 1. If missing (or REGEN=1), builds bench/gen/parkmillion and runs it once:
#    it parks N goroutines of four kinds (chan receive 40%, select 30%,
#    semacquire 20%, sleep 10%), saves its own /debug/pprof/goroutine?debug=2,
#    then dies of SIGQUIT with GOTRACEBACK=all. That gives, in bench/data/:
#      goroutines-N.traceback.txt  the whole SIGQUIT traceback (~980 MB for N=1e6)
#      goroutines-N.debug2.txt     the debug=2 dump; Go stops it at exactly
#                                  64 MiB, in the middle of a goroutine, so a
#                                  reader must report it as truncated
#      goroutines-N.gen.txt        the generator's log, wall time and peak RSS
#    Needs Go (>= 1.19) only for this step. N=1e6 takes ~6 min and ~3 GB RAM.
# 2. Builds memtracer (release) in BUILD_DIR unless MEMTRACER is given.
# 3. Runs panicparse and memtracer on both dumps under /usr/bin/time -f '%e %M'
#    and prints wall seconds, peak RSS and panicparse/memtracer ratios.
#    memtracer runs `leaks --json FILE` if `memtracer leaks --help` works,
#    else `info FILE` (the leaks command did not exist yet when this was written).
#
# Usage: bash bench/goroutines.sh
# Environment (all optional):
#   N                 goroutines to park [1000000]
#   DATA_DIR          inputs and outputs [bench/data]; outputs go to DATA_DIR/goroutines-out/
#   BUILD_DIR         memtracer build folder [build-bench-gr]
#   MEMTRACER         memtracer binary to use instead of building one
#   REGEN             1 = regenerate the dumps even if present
#   RUNS              runs per tool and input, best wall / lowest RSS kept [1]
#   PANICPARSE_FLAGS  [-aggressive -parse=false -rebase=false]: parse, bucket,
#                     print; no reading of source files, no GOROOT/GOPATH
#                     guessing. -aggressive (AnyValue similarity) matters: the
#                     parked goroutines have distinct integer arguments, and
#                     with the default similarity panicparse makes one bucket
#                     per goroutine and is quadratic (2 MB dump: 6.7 s CPU,
#                     4 MB: 51 s; the 64 MiB one would take hours).
#   TIMEOUT           seconds after which a single run is killed [3600]
#   ONLY              "traceback", "debug2" or both [both]
#   SKIP_PEERS        1 = memtracer only
set -euo pipefail

BENCH=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$BENCH")
N=${N:-1000000}
DATA=${DATA_DIR:-$BENCH/data}
OUT=$DATA/goroutines-out
BUILD_DIR=${BUILD_DIR:-$ROOT/build-bench-gr}
REGEN=${REGEN:-0}
RUNS=${RUNS:-1}
PANICPARSE_FLAGS=${PANICPARSE_FLAGS:--aggressive -parse=false -rebase=false}
TIMEOUT=${TIMEOUT:-3600}
ONLY=${ONLY:-traceback debug2}
SKIP_PEERS=${SKIP_PEERS:-0}
TIME=/usr/bin/time

log() { printf '%s\n' "$*" >&2; }
die() { log "goroutines.sh: $*"; exit 1; }
case $N in '' | *[!0-9]*) die "N must be a number, got '$N'" ;; esac

# ---- tools ------------------------------------------------------------------
apt_install() { # package...
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		log "installing Debian package(s): $*"
		apt-get install -y -qq "$@" >/dev/null
	else
		return 1
	fi
}
if [ ! -x "$TIME" ]; then
	apt_install time || die "needs GNU time at $TIME (Debian/Ubuntu: apt-get install time)"
fi
PP=
if [ "$SKIP_PEERS" != 1 ]; then
	PP=$(command -v panicparse || true)
	if [ -z "$PP" ]; then
		apt_install panicparse || true
		PP=$(command -v panicparse || true)
	fi
	[ -n "$PP" ] || log "panicparse not found (Debian: apt-get install panicparse); peer runs skipped"
fi

. "$BENCH/lib.sh"
bench_memtracer
if "$MT" leaks --help >/dev/null 2>&1; then
	MT_CMD=(leaks --json)
else
	MT_CMD=(info)
fi

# ---- inputs -----------------------------------------------------------------
mkdir -p "$DATA" "$OUT"
TB=$DATA/goroutines-$N.traceback.txt
D2=$DATA/goroutines-$N.debug2.txt
GEN=$DATA/goroutines-$N.gen.txt

if [ "$REGEN" = 1 ] || [ ! -s "$TB" ] || [ ! -s "$D2" ]; then
	command -v go >/dev/null || die "needs Go to generate the dumps (or put them in $DATA)"
	log "building parkmillion"
	(cd "$BENCH/gen/parkmillion" &&
		GOFLAGS=-mod=mod GOPROXY=off CGO_ENABLED=0 GOTOOLCHAIN=local \
			go build -trimpath -o "$DATA/parkmillion.bin" .)
	log "generating $TB and $D2 (N=$N; for 1e6 this takes minutes)"
	rm -f "$TB" "$D2"
	status=0
	GOTRACEBACK=all "$TIME" -f '%e %M' -o "$GEN.time" \
		"$DATA/parkmillion.bin" -n "$N" -debug2 "$D2" >"$GEN.tmp" 2>"$TB.tmp" || status=$?
	# Go exits with status 2 after printing a SIGQUIT traceback.
	[ "$status" = 2 ] || die "parkmillion exited with $status, expected 2 (see $GEN.tmp, $TB.tmp)"
	head -n 1 "$TB.tmp" | grep -q '^SIGQUIT: quit' || die "$TB.tmp does not start with 'SIGQUIT: quit'"
	read -r gs gkb < <(tail -n 1 "$GEN.time")
	{
		cat "$GEN.tmp"
		echo "generator: wall ${gs} s, peak RSS $((gkb / 1024)) MB (GNU time %e %M), exit status $status"
	} >"$GEN"
	rm -f "$GEN.tmp" "$GEN.time"
	mv "$TB.tmp" "$TB"
fi

# ---- measuring --------------------------------------------------------------
ROWS=()
mbytes() { awk -v b="$(stat -c %s "$1")" 'BEGIN { printf "%.1f", b / 1048576 }'; }

# measure INPUT TOOL STDOUT CMD... : best wall, best CPU (user+sys) and lowest
# peak RSS of RUNS runs. CPU time is the steadier number on a busy machine.
measure() {
	local input=$1 tool=$2 out=$3
	shift 3
	local best_s="" best_c="" best_kb="" i s kb u y c rc tf=$OUT/.time
	for ((i = 0; i < RUNS; i++)); do
		rc=0
		"$TIME" -f '%e %M %U %S' -o "$tf" timeout "$TIMEOUT" "$@" >"$out" 2>"$OUT/$input.$tool.stderr" || rc=$?
		if [ "$rc" != 0 ]; then
			[ "$rc" = 124 ] && log "  $input $tool: killed after TIMEOUT=$TIMEOUT s"
			log "  $input $tool: exit status $rc: $*"
			sed 's/^/      /' "$OUT/$input.$tool.stderr" | tail -n 3 >&2
		fi
		read -r s kb u y < <(tail -n 1 "$tf")
		c=$(awk -v u="$u" -v y="$y" 'BEGIN { printf "%.2f", u + y }')
		if [ -z "$best_s" ] || awk -v a="$s" -v b="$best_s" 'BEGIN { exit !(a < b) }'; then best_s=$s; fi
		if [ -z "$best_c" ] || awk -v a="$c" -v b="$best_c" 'BEGIN { exit !(a < b) }'; then best_c=$c; fi
		if [ -z "$best_kb" ] || [ "$kb" -lt "$best_kb" ]; then best_kb=$kb; fi
	done
	log "  $input $tool: ${best_s} s wall, ${best_c} s CPU, $((best_kb / 1024)) MB, exit $rc, stdout $(stat -c %s "$out") B"
	ROWS+=("$input|$tool|$best_s|$best_kb|$rc|$best_c")
}

want() { case " $ONLY " in *" $1 "*) return 0 ;; esac; return 1; }

log ""
log "inputs (N=$N):"
log "  $TB: $(mbytes "$TB") MiB, $(grep -c '^goroutine ' "$TB") goroutine headers"
if [ "$(stat -c %s "$D2")" = 67108864 ]; then d2note="cut by Go at 64 MiB"; else d2note="complete"; fi
log "  $D2: $(mbytes "$D2") MiB ($d2note), $(grep -c '^goroutine ' "$D2") goroutine headers"
[ -s "$GEN" ] && sed 's/^/  /' "$GEN" >&2
log "memtracer: $MT ${MT_CMD[*]}"
[ -n "$PP" ] && log "panicparse: $PP $PANICPARSE_FLAGS FILE"
log "runs per tool: $RUNS; load average now: $(cut -d' ' -f1-3 /proc/loadavg)"
log ""

for input in traceback debug2; do
	want "$input" || continue
	if [ "$input" = traceback ]; then f=$TB; else f=$D2; fi
	# shellcheck disable=SC2086 # PANICPARSE_FLAGS is a list of flags
	[ -n "$PP" ] && measure "$input" panicparse "$OUT/$input.panicparse.txt" "$PP" $PANICPARSE_FLAGS "$f"
	measure "$input" memtracer "$OUT/$input.memtracer.out" "$MT" "${MT_CMD[@]}" "$f"
	if [ "$input" = debug2 ]; then
		if grep -qi 'truncat' "$OUT/$input.memtracer.out" "$OUT/$input.memtracer.stderr"; then
			log "  debug2: memtracer reports the dump as truncated (good)"
		else
			log "  debug2: memtracer output does not mention truncation"
		fi
	fi
done

# ---- report -----------------------------------------------------------------
echo
printf '%-10s %-11s %9s %9s %9s %5s\n' input tool "wall s" "CPU s" "peak MB" exit
for r in "${ROWS[@]}"; do
	IFS='|' read -r input tool s kb rc c <<<"$r"
	printf '%-10s %-11s %9s %9s %9d %5s\n' "$input" "$tool" "$s" "$c" $((kb / 1024)) "$rc"
done
echo
echo "ratios panicparse / memtracer (higher = memtracer better):"
for input in traceback debug2; do
	pp="" mt=""
	for r in "${ROWS[@]}"; do
		case $r in "$input|panicparse|"*) pp=$r ;; "$input|memtracer|"*) mt=$r ;; esac
	done
	[ -n "$pp" ] && [ -n "$mt" ] || continue
	IFS='|' read -r _ _ ps pkb _ pc <<<"$pp"
	IFS='|' read -r _ _ ms mkb _ mc <<<"$mt"
	awk -v i="$input" -v ps="$ps" -v ms="$ms" -v pc="$pc" -v mc="$mc" -v pk="$pkb" -v mk="$mkb" '
		function r(a, b) { return b > 0 ? sprintf("%.1fx", a / b) : "n/a (memtracer < 0.01 s)" }
		BEGIN { printf "  %-10s wall %s, CPU %s, peak RSS %s\n", i, r(ps, ms), r(pc, mc), r(pk, mk) }'
done
echo "(memtracer command: ${MT_CMD[*]}; outputs in $OUT)"
