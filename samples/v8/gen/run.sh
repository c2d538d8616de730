#!/bin/sh
# Regenerates the V8 samples in samples/v8/ from the programs in this folder.
# Needs: node 20 (no npm packages), python3, Chromium at /usr/bin/chromium
# (or $CHROMIUM; Debian: apt-get install chromium). About 10 s. Overwrites the
# samples and verify-output/. Loopback only.
# `run.sh verify` only recomputes verify-output/ from the committed samples.
set -eu
cd "$(dirname "$0")"            # samples/v8/gen
SET=..                          # samples/v8

verify() { # DIR SUFFIX: ground truth, computed by verify.py (independent of memtracer)
	mkdir -p "$SET/verify-output"
	python3 verify.py summary "$1/node-ledger.heapsnapshot$2" LedgerRequest:object QuoteEntry:object \
		onAuditFlush:closure retryUpload:closure onAuditClose:closure AuditBus:object \
		edge:auditBus edge:quoteCache edge:retryQueue >"$SET/verify-output/node-ledger.txt"
	python3 verify.py cpuprofile "$1/node-ledger.cpuprofile" >"$SET/verify-output/node-ledger-profiles.txt"
	python3 verify.py heapprofile "$1/node-ledger.heapprofile" >>"$SET/verify-output/node-ledger-profiles.txt"
	for f in baseline target final; do
		python3 verify.py summary "$1/browser-$f.heapsnapshot$2" onResize:closure edge:archivedRows \
			>"$SET/verify-output/browser-$f.txt"
	done
	python3 verify.py growth "$1/browser-baseline.heapsnapshot$2" "$1/browser-target.heapsnapshot$2" \
		"$1/browser-final.heapsnapshot$2" >"$SET/verify-output/browser-growth.txt"
}
if [ "${1:-}" = verify ]; then
	verify "$SET" .gz
	exit 0
fi

RAW=$(mktemp -d)
trap 'rm -rf "$RAW"' EXIT INT TERM

# 1) Node: ledger-service -> heap snapshot, sampling heap profile, CPU profile
(cd node && node --expose-gc --cpu-prof --cpu-prof-interval=250 --cpu-prof-dir="$RAW" --cpu-prof-name=node-ledger.cpuprofile \
	ledger-service.js "$RAW" >"$RAW/node-ledger.log")

# 2) Chromium: the invoice board, baseline/target/final snapshots
node --experimental-websocket --no-warnings browser/driver.js "$RAW"

# 3) no machine paths in what gets committed
node scrub.js "$RAW" "$RAW"/*.heapsnapshot "$RAW"/*.cpuprofile "$RAW"/*.heapprofile "$RAW/node-ledger.log"
if grep -l -E '/(work|root|tmp|home)(/|"|$)' "$RAW"/*.heapsnapshot "$RAW"/*.cpuprofile "$RAW"/*.heapprofile; then
	echo "run.sh: machine paths left in the files above" >&2
	exit 1
fi

# 4) ground truth
verify "$RAW" ""
cp "$RAW/node-ledger.log" "$RAW/browser-version.txt" "$SET/verify-output/"
: >"$SET/verify-output/sizes.txt"

# 5) publish: heap snapshots gzipped (memtracer reads gzip transparently), profiles as written
for f in "$RAW"/*.heapsnapshot "$RAW"/*.cpuprofile "$RAW"/*.heapprofile; do
	b=$(basename "$f")
	echo "$b $(wc -c <"$f")" >>"$SET/verify-output/sizes.txt"
	case $b in
	*.heapsnapshot) gzip -9 -n -c "$f" >"$SET/$b.gz" ;;
	*) cp "$f" "$SET/$b" ;;
	esac
done
chmod 644 "$SET"/*.gz "$SET"/*.cpuprofile "$SET"/*.heapprofile
ls -l "$SET"
