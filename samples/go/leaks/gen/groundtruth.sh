#!/usr/bin/env bash
# Prints the ground truth quoted in ../MANIFEST.md, computed from the dumps in
# samples/go/leaks/ with `go tool pprof` (protobuf) and awk (text). Run after
# run.sh. Needs only the Go toolchain.
set -euo pipefail
cd "$(dirname "$0")/.."        # samples/go/leaks
export GOFLAGS=-mod=mod GOPROXY=off
P="go tool pprof"

# Goroutines in a .pb.gz whose stack matches a pprof -focus regexp (and an
# optional -tagfocus).
pbcount() { # file focus [tagfocus]
	local tf=()
	[ -n "${3:-}" ] && tf=(-tagfocus="$3")
	$P -top "${tf[@]}" -focus="$2" "$1" 2>/dev/null |
		awk '/^Showing nodes accounting for/{gsub(",","",$5); n=$5} END{print n+0}'
}
# Sum of record counts in a debug=1 dump for records containing all the
# given frames ("<func>+0x" lines).
d1count() { # file frame [frame2]
	awk -v a="	$2+0x" -v b="${3:+	$3+0x}" 'BEGIN{RS=""}
		{sub(/^goroutine profile: total [0-9]+\n/, "")}  # glued to the first record
		index($0, a) && (b == "" || index($0, b)) {split($0, w, " "); n += w[1]} END{print n+0}' "$1"
}
# Goroutine blocks in a debug=2 / SIGQUIT dump containing a "<func>(" frame
# line (and optionally a second one).
d2blocks() { # file frame [frame2]
	awk -v a="
$2(" -v b="${3:+
$3(}" 'BEGIN{RS=""; ORS="\n\n"} index($0, a) && (b == "" || index($0, b))' "$1"
}
d2count() { d2blocks "$@" | grep -c '^goroutine ' || true; }
states() { d2blocks "$@" | sed -n 's/^goroutine [0-9]* \[\(.*\)\]:$/\1/p' | sort | uniq -c | sed 's/^ *//' | paste -sd';' -; }
createdby() { d2blocks "$@" | sed -n 's/^created by //p' | sort | uniq -c | sed 's/^ *//' | paste -sd';' -; }
labels() { # pb focus [tagfocus]: label keys and how many distinct values
	local tf=()
	[ -n "${3:-}" ] && tf=(-tagfocus="$3")
	$P -tags "${tf[@]}" -focus="$2" "$1" 2>/dev/null | awk '
		/^ [a-z_]+: Total/ {k=$1; sub(":","",k); keys[k]=0; order[++n]=k; next}
		/\): / && k != "" {keys[k]++; v[k]=$NF}
		END{ if (n==0) {print "none"; exit}
		     for (i=1;i<=n;i++) {k=order[i]; printf "%s%s=%s", (i>1?", ":""), k, (keys[k]==1? v[k] : keys[k] " values")} print ""}'
}

row() { # key focus d2frame d2frame2 tagfocus
	local key=$1 focus=$2 f1=$3 f2=${4:-} tf=${5:-}
	printf '%s | pb baseline=%s leaked=%s | debug1 baseline=%s leaked=%s | debug2 baseline=%s leaked=%s aged=%s | sigquit=%s\n' \
		"$key" \
		"$(pbcount goroutine.baseline.pb.gz "$focus" "$tf")" "$(pbcount goroutine.leaked.pb.gz "$focus" "$tf")" \
		"$(d1count goroutine.baseline.debug1.txt "$f1" "$f2")" "$(d1count goroutine.leaked.debug1.txt "$f1" "$f2")" \
		"$(d2count goroutine.baseline.debug2.txt "$f1" "$f2")" "$(d2count goroutine.leaked.debug2.txt "$f1" "$f2")" \
		"$(d2count goroutine.aged.debug2.txt "$f1" "$f2")" "$(d2count sigquit.traceback.txt "$f1" "$f2")"
	printf '    state leaked: %s\n    state aged:   %s\n    created by:   %s\n    labels:       %s\n' \
		"$(states goroutine.leaked.debug2.txt "$f1" "$f2")" "$(states goroutine.aged.debug2.txt "$f1" "$f2")" \
		"$(createdby goroutine.leaked.debug2.txt "$f1" "$f2")" "$(labels goroutine.leaked.pb.gz "$focus" "$tf")"
}

echo "## per pattern (counts: goroutines)"
row a 'main\.awaitApproval$'          main.awaitApproval
row b 'main\.publishQuote$'           main.publishQuote
row c 'main\.relayEvents$'            main.relayEvents
row d 'main\.runPlugin$'              main.runPlugin
row e 'main\.refreshLoop$'            main.refreshLoop
row f 'textproto\.readMIMEHeader$'    net/textproto.readMIMEHeader 'net/http.(*conn).serve'
row g.readLoop  'persistConn\)\.readLoop$'  'net/http.(*persistConn).readLoop'
row g.writeLoop 'persistConn\)\.writeLoop$' 'net/http.(*persistConn).writeLoop'
row g.upstream  'net/http\.\(\*conn\)\.readRequest$' 'net/textproto.(*Reader).ReadLine' 'net/http.(*conn).serve' 'server=upstream'
row i 'main\.gatherShards$'           main.gatherShards
row j 'main\.\(\*ledger\)\.post$'     'main.(*ledger).post'
row k 'main\.\(\*jobQueue\)\.next$'   'main.(*jobQueue).next'
row l 'main\.heartbeat$'              main.heartbeat
row m 'main\.drainResults$'           main.drainResults

echo
echo "## totals"
for f in goroutine.baseline.pb.gz goroutine.leaked.pb.gz; do
	printf '%s: %s\n' "$f" "$($P -top "$f" 2>/dev/null | sed -n 's/^Showing nodes accounting for \([0-9]*\),.*/\1/p')"
done
for f in goroutine.baseline.debug1.txt goroutine.leaked.debug1.txt; do
	printf '%s: %s (records: %s, # labels lines: %s)\n' "$f" "$(head -1 "$f")" \
		"$(grep -cE '^[0-9]+ @' "$f")" "$(grep -c '^# labels:' "$f")"
done
for f in goroutine.baseline.debug2.txt goroutine.leaked.debug2.txt goroutine.aged.debug2.txt sigquit.traceback.txt; do
	printf '%s: %s goroutines\n' "$f" "$(grep -c '^goroutine ' "$f")"
	sed -n 's/^goroutine [0-9]* \[\(.*\)\]:$/\1/p' "$f" | sort | uniq -c | sort -rn | sed 's/^/    /'
done
printf 'labels on all goroutines (leaked pb):\n'
$P -tags goroutine.leaked.pb.gz 2>/dev/null | grep -E '^ [a-z_]+: Total|: (approve|subscribe|inventory|report|upstream)$' | sed 's/^/    /'
echo "first line of sigquit.traceback.txt: $(head -1 sigquit.traceback.txt)"

echo
echo "## heap (h): time.AfterFunc closures pin 64 KiB blobs"
for f in heap.baseline.pb.gz heap.leaked.pb.gz; do
	printf '%s: ' "$f"
	$P -top -unit=B -sample_index=inuse_space -focus='main\.loadSessionBlob$' "$f" 2>/dev/null |
		awk '/^Showing nodes/{t=$0} $NF=="main.loadSessionBlob"{print "inuse_space flat", $1, "|", t}'
	printf '    inuse_objects: '
	$P -top -sample_index=inuse_objects -focus='main\.loadSessionBlob$' "$f" 2>/dev/null | awk '$NF=="main.loadSessionBlob"{print $1}'
done
printf 'diff leaked - baseline: '
$P -top -unit=B -sample_index=inuse_space -diff_base=heap.baseline.pb.gz heap.leaked.pb.gz 2>/dev/null | awk '$NF=="main.loadSessionBlob"{print $1}'
printf 'top 5 inuse_space in heap.leaked.pb.gz:\n'
$P -top -nodecount=5 -unit=B -sample_index=inuse_space heap.leaked.pb.gz 2>/dev/null | sed -n '/^Showing nodes/,$p' | sed 's/^/    /'
printf 'what else the 14 timers hold (flat inuse_space under main.scheduleEviction):\n'
$P -top -unit=B -sample_index=inuse_space -focus='main\.scheduleEviction$' heap.leaked.pb.gz 2>/dev/null | sed -n '/^ *flat/,$p' | sed 's/^/    /'
printf 'object sizes (closures: 48 B in main.scheduleEviction; *Timer: 80 B in time.AfterFunc):\n'
$P -traces -sample_index=inuse_space -focus='main\.scheduleEviction$' heap.leaked.pb.gz 2>/dev/null |
	awk '/bytes:/{b=$2} /^ +[0-9.]+k?B +[^ ]/{print "    " b " objects: " $1 " in " $2}'

echo
echo "## block, mutex, cpu, threadcreate (leaked moment)"
$P -top -cum -nodecount=100 block.leaked.pb.gz 2>/dev/null | grep -E '^Showing|main\.' | sed 's/^/    /'
$P -top -cum -nodecount=100 mutex.leaked.pb.gz 2>/dev/null | grep -E '^Showing|main\.|Unlock' | sed 's/^/    /'
$P -top -nodecount=3 cpu.leaked.pb.gz 2>/dev/null | sed -n '/^Duration/p;/^Showing/,$p' | sed 's/^/    /'
$P -tags cpu.leaked.pb.gz 2>/dev/null | grep -A1 'endpoint: Total' | sed 's/^/    /'
$P -top threadcreate.leaked.pb.gz 2>/dev/null | grep '^Showing' | sed 's/^/    threadcreate: /'

echo
echo "## machine paths (all must be 0)"
for f in *.pb.gz; do printf '%s %s\n' "$(zcat "$f" | grep -a -c -E '/work|/root|/home|/tmp' || true)" "$f"; done
grep -c -E '/work|/root|/home|/tmp' ./*.txt || true
$P -raw goroutine.leaked.pb.gz 2>/dev/null | sed -n '/^Mappings/,$p'
