#!/usr/bin/env bash
# Malformed-input corpus (yyjson/zstd style):
#   tests/bad/<format>/n_*   must fail: `memtracer info FILE` exits 1 and
#                            prints exactly the line in n_X.err on stderr
#                            (n_X.ext.err when two inputs share the stem X)
#   tests/bad/<format>/y_*   must parse: exit 0
set -u
cd "${MT_SRC:?}" || exit 1
BIN=${MT_BIN:?}
n=0 fail=0
err=$(mktemp)
trap 'rm -f "$err"' EXIT
for f in tests/bad/*/n_* tests/bad/*/y_*; do
  [ -e "$f" ] || continue
  case "$f" in *.err) continue ;; esac
  n=$((n + 1))
  base=$(basename "$f")
  timeout 60 "$BIN" info "$f" >/dev/null 2>"$err"
  rc=$?
  case "$base" in
  n_*)
    exp="$f.err"
    [ -f "$exp" ] || exp="${f%.*}.err"
    if [ "$rc" -ne 1 ]; then
      echo "not ok $n - $f: exit $rc, expected 1"; head -3 "$err" | sed 's/^/#   /'; fail=$((fail + 1))
    elif [ ! -f "$exp" ]; then
      echo "not ok $n - $f: missing $exp (got: $(head -1 "$err"))"; fail=$((fail + 1))
    elif ! diff -q "$exp" "$err" >/dev/null; then
      echo "not ok $n - $f: message differs"; diff "$exp" "$err" | sed 's/^/#   /'; fail=$((fail + 1))
    else
      echo "ok $n - $f"
    fi ;;
  y_*)
    if [ "$rc" -ne 0 ]; then
      echo "not ok $n - $f: exit $rc, expected 0"; head -3 "$err" | sed 's/^/#   /'; fail=$((fail + 1))
    else
      echo "ok $n - $f"
    fi ;;
  esac
done
echo "1..$n"
echo "$((n - fail)) passed, $fail failed"
[ "$n" -gt 0 ] && [ "$fail" -eq 0 ]
