#!/bin/sh
# Regenerates the Go sample dumps in samples/go/ from the orderdesk server.
# Idempotent: rebuilds the binaries and overwrites the dumps. Loopback only.
set -eu

cd "$(dirname "$0")"            # samples/go/gen
OUT=..                          # samples/go

export GOFLAGS=-mod=mod GOPROXY=off CGO_ENABLED=0 GOTOOLCHAIN=local
mkdir -p bin
go build -trimpath -o bin/orderdesk ./server
go build -trimpath -o bin/driver ./driver

ADDR_FILE=bin/orderdesk.addr
rm -f "$ADDR_FILE" "$ADDR_FILE.tmp"

# Server stderr goes to bin/ so the log never ends up next to the samples.
bin/orderdesk -addr-file "$ADDR_FILE" 2>bin/orderdesk.log &
SERVER_PID=$!
trap 'kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true' EXIT INT TERM

bin/driver -addr-file "$ADDR_FILE" -out "$OUT" -binary-name orderdesk

kill "$SERVER_PID" 2>/dev/null || true
wait "$SERVER_PID" 2>/dev/null || true
trap - EXIT INT TERM
rm -f "$ADDR_FILE"
ls -l "$OUT"
