#!/usr/bin/env bash
# tests/bad/make_folded.sh - (re)writes the folded-stacks malformed-input
# corpus in tests/bad/folded/: n_*.txt must be rejected by `memtracer info`
# with exactly the line in the matching n_*.err (kept by hand, next to the
# inputs), y_*.txt must be accepted. Hand-crafted bytes; deterministic.
#
#   bash tests/bad/make_folded.sh          # from the source root
set -eu
dir="$(dirname "$0")/folded"
mkdir -p "$dir"
cd "$dir"

# ASCII text as UTF-16 with a BOM: utf16 le|be TEXT
utf16() {
	local order=$1 s=$2 i hex out
	if [ "$order" = le ]; then out='\xff\xfe'; else out='\xfe\xff'; fi
	for ((i = 0; i < ${#s}; i++)); do
		hex=$(printf '%02x' "'${s:i:1}")
		if [ "$order" = le ]; then out+="\\x$hex\\x00"; else out+="\\x00\\x$hex"; fi
	done
	printf "$out"
}

# frames: N copies of "f;" then "f COUNT"
deep() {
	local n=$1 count=$2
	awk -v n="$n" -v c="$count" 'BEGIN { for (i = 1; i < n; i++) printf "f;"; printf "f %s\n", c }'
}

# ---- must fail ----
: > n_empty.txt
printf '# a comment\n// another comment\n\n' > n_only_comments.txt
printf 'a .5\nb .25\n' > n_only_invalid.txt
{ utf16 le 'a;b 1'; printf '\x0a'; } > n_utf16_odd_length.txt
# "a" U+D83D (high surrogate) then " 1": no low surrogate follows
printf '\xff\xfea\x00\x3d\xd8 \x001\x00' > n_utf16_lone_high.txt
# U+DD25 (low surrogate) on its own, big-endian
printf '\xfe\xff\x00a\xdd\x25\x00 \x001' > n_utf16_lone_low.txt
# a high surrogate cut by the end of the input
printf '\xff\xfea\x00 \x001\x00\x3d\xd8' > n_utf16_truncated_pair.txt
printf '\xff\xfe' > n_utf16_bom_only.txt
utf16 be $'# only a comment\r\n\r\n' > n_utf16_only_comments.txt
printf 'a;b 1\nc 99999999999999999999\n' > n_count_overflow.txt
printf 'x 1\na 9223372036854775807\na 1\n' > n_sum_overflow.txt
printf 'a 0.000000001\nb 9300000000\n' > n_scale_overflow.txt
{ printf 'ok 1\n'; deep 65537 1; } > n_too_deep.txt

# ---- must parse ----
printf 'a;b;c 2\na;b;d 4\na;b;c 3\na;b 5\n' > y_simple.txt
printf 'a;b;c 2\r\na;b;d 4\r\na;b 5' > y_crlf_no_final_newline.txt
printf '\xef\xbb\xbfa;b 1\n' > y_utf8_bom.txt
utf16 le $'a;b;c 1\r\na;b;d 4\r\na;b 5' > y_utf16_le.txt
utf16 be $'a;b;c 1\na;b;d 4\na;b 5\n' > y_utf16_be.txt
# U+00E9 and U+1F525 (a surrogate pair) in UTF-16 LE
printf '\xff\xfex\x00;\x00\xe9\x00;\x00\x3d\xd8\x25\xdd \x007\x00' > y_utf16_non_ascii.txt
printf '# comment\n// comment\na;b 1\nTHIS IS A BAD LINE\na;c 2\nx 12V.43\n\na;b 3\n' > y_comments_and_invalid.txt
printf 'a;b 31.23\na;c 6.1\nd 19.0\ne 6.\n' > y_fractional.txt
printf 'a 1.1234567891\n' > y_ten_decimals.txt
printf 'rustc;<alloc::vec::Vec<T> as SpecExtend<T, I>>::from_iter;memcpy@GLIBC_2.2.5 3\nmain;<impl Default for [T; _]>::default 19.0\n' > y_spaces_in_frames.txt
printf 'a;b\t5\n  a;c  6  \n' > y_tabs_and_blanks.txt
printf 'a 9223372036854775807\n' > y_max_count.txt
printf 'x\xff;\xc3 2\n' > y_invalid_utf8.txt
printf ';a;;b; 3\n' > y_empty_frames.txt
printf 'a 0\nb 0.0\n' > y_zero_counts.txt
{ printf 'ok 1\n'; deep 65536 2; } > y_deep_65536.txt
