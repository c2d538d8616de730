/*
 * parsers/detect.c - format detection by content, and mt_read_profile(),
 * which dispatches to the reader of the detected format.
 *
 * Detection never looks at file names. Order matters: legacy pprof text
 * and binary formats first (their text could look like other things),
 * then profile.proto (a cheap check of the first top-level fields against
 * the Profile message of github.com/google/pprof/proto/profile.proto),
 * then the JSON, JFR ("FLR\0", docs.oracle.com JFR chunk header) and Go
 * goroutine dump signatures, and last folded stacks ("a;b;c 42" lines, the
 * format of brendangregg/FlameGraph's stackcollapse scripts).
 */
#include <stdio.h>
#include <string.h>

#include "memtracer/io.h"
#include "memtracer/parse.h"
#include "memtracer/jfr.h"
#include "memtracer/v8prof.h"

const char *mt_format_name(mt_format f)
{
	switch (f) {
	case MT_FORMAT_PPROF: return "pprof";
	case MT_FORMAT_FOLDED: return "folded";
	case MT_FORMAT_LEGACY_PPROF: return "legacy-pprof";
	case MT_FORMAT_GOROUTINE_TEXT: return "goroutine";
	case MT_FORMAT_V8_HEAP: return "v8-heapsnapshot";
	case MT_FORMAT_V8_CPU: return "v8-cpuprofile";
	case MT_FORMAT_V8_HEAPPROF: return "v8-heapprofile";
	case MT_FORMAT_JFR: return "jfr";
	case MT_FORMAT_UNKNOWN:
	case MT_FORMAT__COUNT:
		break;
	}
	return "unknown";
}

/* A phrase for messages: "a V8 heap snapshot (.heapsnapshot)". */
static const char *format_phrase(mt_format f)
{
	switch (f) {
	case MT_FORMAT_GOROUTINE_TEXT: return "a Go goroutine dump (text)";
	case MT_FORMAT_V8_HEAP: return "a V8 heap snapshot (.heapsnapshot)";
	case MT_FORMAT_V8_CPU: return "a V8 CPU profile (.cpuprofile)";
	case MT_FORMAT_V8_HEAPPROF: return "a V8 sampling heap profile (.heapprofile)";
	case MT_FORMAT_JFR: return "a Java Flight Recorder file (JFR)";
	default: return mt_format_name(f);
	}
}

/* ---- profile.proto sniffing --------------------------------------------- */

/* 1 and *@v set, 0 when the data ends inside the varint, -1 when too long. */
static int sniff_varint(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
	uint64_t x = 0;
	for (unsigned i = 0; i < 10; i++) {
		if (*p >= end)
			return 0;
		uint8_t b = *(*p)++;
		x |= (uint64_t)(b & 0x7f) << (7 * i);
		if (!(b & 0x80)) {
			*v = x;
			return 1;
		}
	}
	return -1;
}

enum { K_NONE, K_VALUE_TYPE, K_SAMPLE, K_MAPPING, K_LOCATION, K_FUNCTION };

/* Allowed wire types (bit mask) of field @num in message kind @kind; 0 = unknown field. */
static unsigned allowed_wt(int kind, uint64_t num)
{
	const unsigned V = 1u << 0, L = 1u << 2;
	switch (kind) {
	case K_VALUE_TYPE: return num >= 1 && num <= 2 ? V : 0;
	case K_SAMPLE: return num == 1 || num == 2 ? V | L : num == 3 ? L : 0;
	case K_MAPPING: return num >= 1 && num <= 10 ? V : 0;
	case K_LOCATION: return num == 4 ? L : (num >= 1 && num <= 5) ? V : 0;
	case K_FUNCTION: return num >= 1 && num <= 5 ? V : 0;
	default: return 0;
	}
}

/* Every field of a sub-message is known and well framed (sniffing is strict). */
static int sniff_submessage(const uint8_t *p, const uint8_t *end, int kind)
{
	while (p < end) {
		uint64_t tag, v;
		if (sniff_varint(&p, end, &tag) != 1)
			return 0;
		unsigned wt = (unsigned)(tag & 7);
		if (!(allowed_wt(kind, tag >> 3) & (1u << wt)))
			return 0;
		if (sniff_varint(&p, end, &v) != 1)
			return 0;
		if (wt == 2) {
			if (v > (uint64_t)(end - p))
				return 0;
			p += v;
		}
	}
	return 1;
}

/* Kind of top-level field @num of Profile and its allowed wire types. */
static unsigned top_field(uint64_t num, int *kind)
{
	static const int kinds[16] = { K_NONE, K_VALUE_TYPE, K_SAMPLE, K_MAPPING, K_LOCATION,
		K_FUNCTION, K_NONE, K_NONE, K_NONE, K_NONE, K_NONE, K_VALUE_TYPE };
	*kind = num < 16 ? kinds[num] : K_NONE;
	switch (num) {
	case 1: case 2: case 3: case 4: case 5: case 6: case 11: return 1u << 2;
	case 7: case 8: case 9: case 10: case 12: case 14: case 15: return 1u << 0;
	case 13: return (1u << 0) | (1u << 2);
	default: return 0;
	}
}

/*
 * 1 when @data starts like a Profile message: the leading fields (up to 16)
 * are well-framed known fields of Profile with the right wire types, and
 * one of them is a sub-message (sample_type, sample, mapping, location,
 * function, period_type) that parses strictly with known fields only, or
 * the input is only such fields and holds string_table[0] = "" (32 00).
 * Text never passes: it would need a control byte or a NUL in the right
 * place. Go's runtime writes time_nanos (48 ...) first, so the first field
 * may be a varint.
 */
static int looks_like_profile_proto(const uint8_t *data, size_t len)
{
	const uint8_t *p = data, *end = data + len;
	unsigned valid = 0;
	int has_message = 0, has_empty_string = 0;
	while (p < end && valid < 16) {
		uint64_t tag, v;
		if (sniff_varint(&p, end, &tag) != 1)
			return 0;
		int kind;
		unsigned ok = top_field(tag >> 3, &kind);
		unsigned wt = (unsigned)(tag & 7);
		if (!(ok & (1u << wt)))
			return has_message;
		if (sniff_varint(&p, end, &v) != 1)
			return has_message;
		if (wt == 2) {
			if (v > (uint64_t)(end - p))
				return has_message;
			if (kind != K_NONE) {
				if (!sniff_submessage(p, p + v, kind))
					return has_message;
				has_message = 1;
			}
			if ((tag >> 3) == 6 && v == 0)
				has_empty_string = 1;
			p += v;
		}
		valid++;
	}
	return has_message || (p == end && has_empty_string);
}

/* ---- text helpers -------------------------------------------------------- */

static int has_prefix(const uint8_t *s, size_t n, const char *pre)
{
	size_t k = strlen(pre);
	return n >= k && memcmp(s, pre, k) == 0;
}

static const uint8_t *find_bytes(const uint8_t *s, size_t n, const char *needle)
{
	size_t k = strlen(needle);
	if (k == 0 || n < k)
		return NULL;
	for (size_t i = 0; i + k <= n; i++)
		if (s[i] == (uint8_t)needle[0] && memcmp(s + i, needle, k) == 0)
			return s + i;
	return NULL;
}

/* "goroutine 123 [" */
static int is_goroutine_header(const uint8_t *s, size_t n)
{
	if (!has_prefix(s, n, "goroutine "))
		return 0;
	size_t i = 10, d = 0;
	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++, d++;
	return d > 0 && i + 1 < n && s[i] == ' ' && s[i + 1] == '[';
}

/* "frames value": a last blank-separated token that is a (decimal) number. */
static int is_folded_line(const uint8_t *s, size_t n)
{
	while (n > 0 && (s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	size_t i = n;
	while (i > 0 && s[i - 1] != ' ' && s[i - 1] != '\t')
		i--;
	if (i == 0 || i == n)
		return 0;
	size_t digits = 0, dots = 0;
	for (size_t k = i; k < n; k++) {
		if (s[k] >= '0' && s[k] <= '9')
			digits++;
		else if (s[k] == '.')
			dots++;
		else
			return 0;
	}
	/* something before the count */
	size_t j = i;
	while (j > 0 && (s[j - 1] == ' ' || s[j - 1] == '\t'))
		j--;
	return digits > 0 && dots <= 1 && j > 0;
}

#define SNIFF_WINDOW 65536

static mt_format sniff_text(const uint8_t *data, size_t len)
{
	size_t lim = len < SNIFF_WINDOW ? len : SNIFF_WINDOW;
	if (memchr(data, 0, lim))
		return MT_FORMAT_UNKNOWN;
	unsigned folded = 0, other = 0, lines = 0, with_semicolon = 0;
	int first = 1;
	for (size_t i = 0; i < lim && lines < 64;) {
		size_t e = i;
		while (e < lim && data[e] != '\n')
			e++;
		const uint8_t *s = data + i;
		size_t n = e - i;
		while (n > 0 && (*s == ' ' || *s == '\t' || *s == '\r'))
			s++, n--;
		while (n > 0 && (s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
			n--;
		i = e + 1;
		if (n == 0)
			continue;
		lines++;
		if (first && has_prefix(s, n, "goroutine profile: total "))
			return MT_FORMAT_GOROUTINE_TEXT;
		first = 0;
		if (is_goroutine_header(s, n))
			return MT_FORMAT_GOROUTINE_TEXT;
		if (s[0] == '#' || has_prefix(s, n, "//"))
			continue;
		if (e >= lim && e < len)
			break; /* a line cut by the window says nothing */
		if (is_folded_line(s, n)) {
			folded++;
			with_semicolon += memchr(s, ';', n) != NULL;
		} else {
			other++;
		}
	}
	/*
	 * Mostly "frames count" lines. Without any ';' (single-frame stacks)
	 * every line must fit: "go 1.19" in a go.mod or "Period: 10000000" in
	 * a report is not a profile.
	 */
	if (folded > 0 && folded >= other && (with_semicolon > 0 || other == 0))
		return MT_FORMAT_FOLDED;
	return MT_FORMAT_UNKNOWN;
}

static mt_format sniff_json(const uint8_t *data, size_t len)
{
	size_t i = 0;
	while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n'))
		i++;
	if (i >= len || data[i] != '{')
		return MT_FORMAT_UNKNOWN;
	size_t n = len - i < SNIFF_WINDOW ? len - i : SNIFF_WINDOW;
	const uint8_t *s = data + i;
	/* the heap reader itself says what is missing (meta, nodes...) */
	if (find_bytes(s, n, "\"snapshot\"") &&
	    (find_bytes(s, n, "\"meta\"") || find_bytes(s, n, "\"nodes\"") || find_bytes(s, n, "\"node_count\"") ||
	     (s[1] == '"' && !memcmp(s, "{\"snapshot\"", 11))))
		return MT_FORMAT_V8_HEAP;
	if (find_bytes(s, n, "\"selfSize\":"))
		return MT_FORMAT_V8_HEAPPROF;
	if (find_bytes(s, n, "\"hitCount\"") || find_bytes(s, n, "\"timeDeltas\"") ||
	    (find_bytes(s, n, "\"nodes\"") && find_bytes(s, n, "\"callFrame\"")))
		return MT_FORMAT_V8_CPU;
	return MT_FORMAT_UNKNOWN;
}

mt_format mt_detect(const uint8_t *data, size_t len, const char **detail)
{
	if (detail)
		*detail = NULL;
	if (!data || len == 0)
		return MT_FORMAT_UNKNOWN;

	const char *legacy = mt_pprof_legacy_kind(data, len);
	if (legacy) {
		if (detail)
			*detail = legacy;
		return MT_FORMAT_LEGACY_PPROF;
	}
	if (looks_like_profile_proto(data, len))
		return MT_FORMAT_PPROF;
	if (len >= 4 && memcmp(data, "FLR\0", 4) == 0)
		return MT_FORMAT_JFR;
	if (len >= 2 && ((data[0] == 0xff && data[1] == 0xfe) || (data[0] == 0xfe && data[1] == 0xff))) {
		if (detail)
			*detail = "UTF-16 text";
		return MT_FORMAT_FOLDED;
	}
	const uint8_t *t = data;
	size_t tl = len;
	if (tl >= 3 && t[0] == 0xef && t[1] == 0xbb && t[2] == 0xbf)
		t += 3, tl -= 3;
	mt_format f = sniff_json(t, tl);
	if (f != MT_FORMAT_UNKNOWN)
		return f;
	return sniff_text(t, tl);
}

/* Length of the well-formed UTF-8 character at @s (1 for ASCII), 0 if none. */
static size_t utf8_len(const uint8_t *s, size_t n)
{
	size_t u = s[0] < 0x80 ? 1 : (s[0] & 0xe0) == 0xc0 ? 2 : (s[0] & 0xf0) == 0xe0 ? 3 :
		(s[0] & 0xf8) == 0xf0 ? 4 : 0;
	if (u == 0 || u > n || (u == 2 && s[0] < 0xc2))
		return 0;
	for (size_t i = 1; i < u; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return u;
}

/* "binary data starting 1f 8b 08 00", "text starting \"abc\"", ... */
static void describe(const uint8_t *data, size_t len, char *buf, size_t cap)
{
	if (len == 0) {
		snprintf(buf, cap, "an empty input");
		return;
	}
	if (mt_is_gzip(data, len)) {
		snprintf(buf, cap, "gzip data inside the (already gunzipped) input");
		return;
	}
	if (len > 262 && memcmp(data + 257, "ustar", 5) == 0) {
		snprintf(buf, cap, "a tar archive (extract the profile from it first)");
		return;
	}
	if (len >= 4 && memcmp(data, "PK\3\4", 4) == 0) {
		snprintf(buf, cap, "a zip archive (extract the profile from it first)");
		return;
	}
	/* text: no control bytes but whitespace (bytes >= 0x80 pass: UTF-8) */
	size_t n = len < 32 ? len : 32, printable = 0;
	for (size_t i = 0; i < n; i++)
		printable += data[i] >= 0x20 || data[i] == '\n' || data[i] == '\r' || data[i] == '\t';
	size_t k = 0;
	if (printable == n && data[0] != 0x7f) {
		k += (size_t)snprintf(buf + k, cap - k, "text starting \"");
		for (size_t i = 0; i < n && data[i] != '\n' && k + 8 < cap; i++) {
			uint8_t c = data[i];
			size_t u = utf8_len(data + i, len - i);
			if (u > 1 && (i + u > n || k + u + 8 >= cap))
				break;  /* a character cut by the window */
			if (u > 1) {
				memcpy(buf + k, data + i, u);  /* a whole UTF-8 character */
				k += u;
				i += u - 1;
			} else if (c == '"' || c == '\\') {
				k += (size_t)snprintf(buf + k, cap - k, "\\%c", c);
			} else if (c < 0x20 || c >= 0x7f) {
				k += (size_t)snprintf(buf + k, cap - k, "\\x%02x", c);
			} else {
				buf[k++] = (char)c;
			}
		}
		snprintf(buf + k, cap - k, "\"");
		return;
	}
	k += (size_t)snprintf(buf + k, cap - k, "binary data starting");
	for (size_t i = 0; i < 8 && i < len && k + 4 < cap; i++)
		k += (size_t)snprintf(buf + k, cap - k, " %02x", data[i]);
}

int mt_read_profile(mt_profile **out, const char *path, const uint8_t *data,
	size_t len, const mt_read_opts *opts, mt_error *err)
{
	mt_error local = MT_ERROR_INIT;
	if (!err)
		err = &local;
	if (!err->path)
		err->path = path;
	if (out)
		*out = NULL;
	if (!out || (!data && len))
		return mt_error_set(err, MT_EINVAL, MT_NO_OFFSET, "mt_read_profile: NULL argument");

	const char *detail = NULL;
	mt_format f;
	err->doing = "detecting the format";
	if (opts && opts->format != MT_FORMAT_UNKNOWN) {
		f = opts->format;
		if (f == MT_FORMAT_LEGACY_PPROF)
			detail = mt_pprof_legacy_kind(data, len);
	} else {
		f = mt_detect(data, len, &detail);
	}

	switch (f) {
	case MT_FORMAT_PPROF:
		return mt_read_pprof(out, data, len, opts, err);
	case MT_FORMAT_FOLDED:
		return mt_read_folded(out, data, len, opts, err);
	case MT_FORMAT_LEGACY_PPROF:
		if (detail && strncmp(detail, "pprof symbol", 12) == 0)
			return mt_error_set(err, MT_EUNSUPPORTED, 0, "expected profile.proto, found %s", detail);
		return mt_error_set(err, MT_EUNSUPPORTED, 0,
			"expected profile.proto, found %s; convert it with `go tool pprof -proto`",
			detail ? detail : "a legacy pprof format");
	case MT_FORMAT_V8_CPU:
		return mt_read_v8_cpuprofile(out, data, len, opts, err);
	case MT_FORMAT_V8_HEAPPROF:
		return mt_read_v8_heapprofile(out, data, len, opts, err);
	case MT_FORMAT_JFR:
		return mt_read_jfr(out, data, len, opts, err);
	case MT_FORMAT_GOROUTINE_TEXT:
	case MT_FORMAT_V8_HEAP:
		return mt_error_set(err, MT_EUNSUPPORTED, 0, "%s is recognised but not supported yet",
			format_phrase(f));
	case MT_FORMAT_UNKNOWN:
	case MT_FORMAT__COUNT:
		break;
	}
	char what[160];
	describe(data, len, what, sizeof what);
	return mt_error_set(err, MT_EFORMAT, 0, "expected a profile or dump (pprof, folded stacks, Go goroutine dump, V8 heap snapshot or profile, JFR), found %s", what);
}
