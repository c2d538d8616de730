#!/bin/sh
# Rebuilds leakzoo + driver and regenerates every dump in samples/go/leaks/.
# Idempotent (old dumps are replaced). Loopback only. About 85 s, of which
# AGE (default 65 s) is a deliberate wait so the aged dump shows
# "[..., 1 minutes]". For a quick run: AGE=5 gen/run.sh (no "minutes" then).
set -eu

cd "$(dirname "$0")"            # samples/go/leaks/gen
OUT=..                          # samples/go/leaks
AGE=${AGE:-65}
case $AGE in *[0-9]) AGE=${AGE}s ;; esac

export GOFLAGS=-mod=mod GOPROXY=off CGO_ENABLED=0 GOTOOLCHAIN=local
mkdir -p bin
go build -trimpath -o bin/leakzoo ./leakzoo
go build -trimpath -o bin/driver ./driver

rm -f "$OUT"/*.pb.gz "$OUT"/*.txt bin/leakzoo.addr bin/leakzoo.addr.tmp

# GOTRACEBACK=all: SIGQUIT prints every goroutine. stderr stays in bin/.
GOTRACEBACK=all bin/leakzoo -addr-file bin/leakzoo.addr -max-life 4m 2>bin/leakzoo.stderr &
SERVER_PID=$!
trap 'kill "$SERVER_PID" 2>/dev/null || true' EXIT INT TERM

echo "driver running (AGE=$AGE); log in gen/bin/driver.log"
if ! bin/driver -addr-file bin/leakzoo.addr -out "$OUT" -pid "$SERVER_PID" -age "$AGE" \
	-binary-name leakzoo >bin/driver.log 2>&1; then
	cat bin/driver.log
	echo "driver failed" >&2
	exit 1                      # the EXIT trap kills the server
fi
cat bin/driver.log

status=0
wait "$SERVER_PID" || status=$?
trap - EXIT INT TERM
echo "leakzoo exit status: $status (2 expected after SIGQUIT)"
[ "$status" -eq 2 ]
sed -n '/^SIGQUIT: quit/,$p' bin/leakzoo.stderr >"$OUT/sigquit.traceback.txt"
[ -s "$OUT/sigquit.traceback.txt" ]
rm -f bin/leakzoo.addr

# No path of this machine may be left in the dumps.
cd "$OUT"
leaks=0
for f in *.pb.gz; do
	if zcat "$f" | grep -a -q -E '/work|/root|/home|/tmp'; then echo "machine path in $f"; leaks=1; fi
done
if grep -l -E '/work|/root|/home|/tmp' ./*.txt; then leaks=1; fi
[ "$leaks" -eq 0 ]
ls -l ./*.pb.gz ./*.txt
du -cb ./*.pb.gz ./*.txt | tail -1
