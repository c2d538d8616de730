#!/usr/bin/env bash
# Golden-output tests. Every tests/golden/*.cases file holds lines
#   EXPECTED_FILE<TAB>memtracer arguments (paths relative to the source root)
# The command's standard output must equal EXPECTED_FILE byte for byte.
# MT_BLESS=1 rewrites the expectations instead (then review the diff).
set -u
cd "${MT_SRC:?}" || exit 1
BIN=${MT_BIN:?}
n=0 fail=0
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
for cases in tests/golden/*.cases; do
  [ -e "$cases" ] || continue
  lineno=0
  while IFS=$'\t' read -r expected args; do
    lineno=$((lineno + 1))
    case "$expected" in ''|'#'*) continue ;; esac
    n=$((n + 1))
    eval "set -- $args"
    if ! "$BIN" "$@" >"$tmp" 2>/dev/null; then
      echo "not ok $n - $expected (memtracer $args exited non-zero)"
      echo "# $cases:$lineno"
      fail=$((fail + 1))
      continue
    fi
    if [ "${MT_BLESS:-}" = 1 ]; then
      mkdir -p "$(dirname "$expected")"
      cat "$tmp" >"$expected"
      echo "ok $n - $expected (blessed)"
    elif [ -f "$expected" ] && cmp -s "$tmp" "$expected"; then
      echo "ok $n - $expected"
    else
      echo "not ok $n - $expected differs"
      echo "# $cases:$lineno: memtracer $args"
      [ -f "$expected" ] && diff "$expected" "$tmp" | head -20 | sed 's/^/#   /'
      echo "# to accept the new output: MT_BLESS=1 meson test -C BUILD golden"
      fail=$((fail + 1))
    fi
  done <"$cases"
done
echo "1..$n"
echo "$((n - fail)) passed, $fail failed"
[ "$n" -gt 0 ] && [ "$fail" -eq 0 ]
