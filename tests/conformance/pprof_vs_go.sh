#!/usr/bin/env bash
# Conformance: `memtracer top --json` must agree with `go tool pprof -top`
# (exact flat/cum per function and the total) on every profile.proto file
# in $MT_SRC/samples/go, $MT_SHARED/corpus/go and $MT_SHARED/fixtures, for
# every sample type. The work is done by pprof_vs_go.py next to this script.
# Env: MT_BIN (memtracer binary), MT_SRC (source root), MT_SHARED (optional).
# Exit: 0 all match, 1 a mismatch, 77 skipped (no `go` or no python3).
set -u
here=$(cd "$(dirname "$0")" && pwd)
: "${MT_BIN:?MT_BIN must name the memtracer binary}"
: "${MT_SRC:?MT_SRC must name the source root}"
if ! command -v go >/dev/null 2>&1; then
  echo "1..0 # SKIP go is not installed"
  exit 77
fi
if ! command -v python3 >/dev/null 2>&1; then
  echo "1..0 # SKIP python3 is not installed"
  exit 77
fi
# go tool pprof writes a cache under $HOME; keep it out of the user's home
export PPROF_TMPDIR="${TMPDIR:-/tmp}"
dirs=("$MT_SRC/samples/go")
if [ -n "${MT_SHARED:-}" ]; then
  dirs+=("$MT_SHARED/corpus/go" "$MT_SHARED/fixtures")
fi
exec python3 "$here/pprof_vs_go.py" "$MT_BIN" "${dirs[@]}"
