#!/usr/bin/env bash
# samples/jfr/gen/run.sh - records samples/jfr/ticketdesk.jfr from
# desk/TicketDesk.java (JDK 17), then checks it holds no machine paths.
# Runs the JVM in an empty temporary directory so that nothing of this
# checkout's location reaches the recording. About 15 s.
#   samples/jfr/gen/run.sh [SECONDS]        (default 8)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$(dirname "$here")/ticketdesk.jfr
secs=${1:-8}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/run"
cp "$here/ticketdesk.jfc" "$work/run/"
javac -d "$work/run/classes" "$here/desk/TicketDesk.java"
(cd "$work/run" && java -Xmx256m \
	"-XX:StartFlightRecording=settings=ticketdesk.jfc,path-to-gc-roots=true,filename=ticketdesk.jfr" \
	-cp classes desk.TicketDesk "$secs")
cp "$work/run/ticketdesk.jfr" "$out"
if grep -a -q -E '/(work|root|home|tmp|usr)/' "$out"; then
	echo "run.sh: $out names a machine path" >&2
	exit 1
fi
ls -l "$out"
