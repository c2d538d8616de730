#!/usr/bin/env bash
# Rebuilds tests/bad/jfr (n_*.jfr + n_*.err, y_*.jfr) and the fuzz seeds in
# tests/fuzz/corpus/jfr from the hand-built chunks of tests/unit/test_jfr.c
# (one encoder for the unit tests, the malformed-input corpus and the seeds).
# Each .err is the one line `memtracer info FILE` prints for that input.
#   tests/bad/make_jfr.sh [BUILD_DIR]     (default: build)
set -eu
cd "$(dirname "$0")/../.."
build=${1:-build}
bin="$build/tests/unit/test_jfr"
[ -x "$bin" ] || { echo "build $bin first (meson compile -C $build)" >&2; exit 1; }
rm -f tests/bad/jfr/n_* tests/bad/jfr/y_*
mkdir -p tests/bad/jfr tests/fuzz/corpus/jfr
"$bin" --write-bad tests/bad/jfr
# the seeds (regress_* files found by fuzzing are kept)
find tests/fuzz/corpus/jfr -maxdepth 1 -type f ! -name 'regress_*' -delete
"$bin" --write-seeds tests/fuzz/corpus/jfr
echo "tests/bad/jfr: $(ls tests/bad/jfr | wc -l) files; tests/fuzz/corpus/jfr: $(ls tests/fuzz/corpus/jfr | wc -l) files"
