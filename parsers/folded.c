/*
 * parsers/folded.c - folded ("collapsed") stacks in: mt_read_folded().
 *
 * The interchange format of FlameGraph's stackcollapse-*.pl, inferno's
 * collapse-* tools and async-profiler's collapsed output: one line per
 * stack, frames root first joined by ';', then whitespace and a count:
 *
 *     main;run;parse 42
 *
 * The count is the last space/tab separated token, so frames may contain
 * spaces (`<impl Default for [T; _]>`); the stack is what precedes the one
 * separator before it (as in flamegraph.pl, so `a;b  3` has a frame "b ").
 * Leading and trailing blanks of a line are ignored. Accepted around that:
 * - a UTF-8 BOM, and UTF-16 LE/BE with a BOM (converted to UTF-8 first;
 *   an odd byte count or a broken surrogate pair is an error);
 * - LF or CRLF line ends, blank lines, comment lines starting with `#` or
 *   `//` (speedscope's convention): skipped silently;
 * - lines without a valid count (`THIS IS A BAD LINE`, `x 12V.43`) or with a
 *   NUL byte in the stack: skipped,
 *   counted, and reported in ONE warning "Ignored N lines with invalid
 *   format" (inferno's wording); with opts->strict the first is an error;
 * - fractional counts (`12.5`, `6.`): read exactly as fixed point. The value
 *   column gets decimals = the largest number of significant fractional
 *   digits seen (at most 9; further digits are truncated) and every count is
 *   stored times 10^decimals. A non-zero fractional part is reported once:
 *   "The input data has fractional sample counts" (inferno's words). That is
 *   not an error with opts->strict (nothing is lost) unless digits past the
 *   9th decimal had to be dropped.
 * Frame names that are not well-formed UTF-8 get U+FFFD for each bad byte
 * (so SVG/JSON output stays valid). Identical stacks are merged into one
 * sample (summed), in order of first appearance. Frame names are kept verbatim, annotations included
 * (`_[k]`, `_[j]`...), so writing the profile back gives the same lines.
 *
 * Speed: one pass over the lines that only hashes each stack's text into a
 * table of distinct stacks (no allocation per line); frames are split and
 * resolved only once per distinct stack, through a second table from frame
 * text to location id. Both tables refer to the input bytes, which stay
 * alive for the whole call. Counts are summed in 128-bit fixed point at
 * 10^9 and rescaled once at the end, so one pass suffices.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memtracer/parse.h"
#include "memtracer/profile.h"
#include "memtracer/tree.h"
#include "mt_internal.h"

/* Safety limits (MT_ELIMIT past them). */
#define FOLDED_MAX_LINE ((size_t)1 << 24)   /* bytes per line, 16 MiB */
#define FOLDED_MAX_DEPTH 65536u             /* frames per stack */
#define FOLDED_MAX_DECIMALS 9u
#define FOLDED_MAX_ITEMS (UINT32_MAX / 4)   /* distinct stacks / frames */

__extension__ typedef __int128 i128;

static const int64_t pow10_tab[19] = {
	1LL, 10LL, 100LL, 1000LL, 10000LL, 100000LL, 1000000LL, 10000000LL,
	100000000LL, 1000000000LL, 10000000000LL, 100000000000LL,
	1000000000000LL, 10000000000000LL, 100000000000000LL,
	1000000000000000LL, 10000000000000000LL, 100000000000000000LL,
	1000000000000000000LL,
};

/* Per-stack sums (at 10^9) stop here, far above anything 64 bits can hold. */
#define SUM_CLAMP ((i128)INT64_MAX * 1000000000 * 4)

/* ---- span tables: byte ranges of the input, found by content ---- */

typedef struct span {
	uint64_t hash;
	size_t off;      /* into the (converted) text */
	uint32_t len;
	uint32_t val;    /* frames: location id; stacks: unused */
} span;

typedef struct span_table {
	uint32_t *slots;  /* 0 = empty, else item index + 1 */
	size_t mask;      /* slot count - 1 (power of two) */
	span *items;
	uint32_t n;
	size_t cap;
} span_table;

/* A word-at-a-time multiplicative hash; only used for table lookups. */
static uint64_t bytes_hash(const uint8_t *s, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ (n * 0xff51afd7ed558ccdULL);
	while (n >= 8) {
		uint64_t w;
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xbf58476d1ce4e5b9ULL;
		h ^= h >> 31;
		s += 8;
		n -= 8;
	}
	/* the last 0-7 bytes in at most two loads (no byte loop: it stalls the load of w) */
	uint64_t w = 0;
	if (n >= 4) {
		uint32_t lo, hi;
		memcpy(&lo, s, 4);
		memcpy(&hi, s + n - 4, 4);
		w = (uint64_t)lo | (uint64_t)hi << 32;
	} else if (n) {
		w = (uint64_t)s[0] | (uint64_t)s[n / 2] << 8 | (uint64_t)s[n - 1] << 16;
	}
	h = (h ^ w) * 0x94d049bb133111ebULL;
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 32;
	return h;
}

static void span_table_free(span_table *t)
{
	free(t->slots);
	free(t->items);
	memset(t, 0, sizeof *t);
}

static int span_table_rehash(span_table *t, size_t nslots)
{
	uint32_t *slots = calloc(nslots, sizeof *slots);
	if (!slots)
		return MT_ENOMEM;
	size_t mask = nslots - 1;
	for (uint32_t i = 0; i < t->n; i++) {
		size_t k = (size_t)t->items[i].hash & mask;
		while (slots[k])
			k = (k + 1) & mask;
		slots[k] = i + 1;
	}
	free(t->slots);
	t->slots = slots;
	t->mask = mask;
	return 0;
}

/*
 * Finds the item whose bytes equal text[off, off+len), or appends one.
 * *@idx gets its index, *@added 1 when it is new.
 */
static int span_table_get(span_table *t, const uint8_t *text, size_t off, uint32_t len,
	uint64_t h, uint32_t *idx, int *added)
{
	if (!t->slots || ((size_t)t->n + 1) * 2 > t->mask + 1) {
		size_t nslots = t->slots ? (t->mask + 1) * 2 : 1024;
		if (nslots / 2 > FOLDED_MAX_ITEMS + 1)
			return MT_ELIMIT;
		int rc = span_table_rehash(t, nslots);
		if (rc)
			return rc;
	}
	size_t k = (size_t)h & t->mask;
	for (;;) {
		uint32_t s = t->slots[k];
		if (!s)
			break;
		const span *it = &t->items[s - 1];
		if (it->hash == h && it->len == len && memcmp(text + it->off, text + off, len) == 0) {
			*idx = s - 1;
			*added = 0;
			return 0;
		}
		k = (k + 1) & t->mask;
	}
	if (t->n >= FOLDED_MAX_ITEMS)
		return MT_ELIMIT;
	if (mt_grow(&t->items, &t->cap, (size_t)t->n + 1, sizeof *t->items))
		return MT_ENOMEM;
	span *it = &t->items[t->n];
	it->hash = h;
	it->off = off;
	it->len = len;
	it->val = 0;
	t->slots[k] = t->n + 1;
	*idx = t->n++;
	*added = 1;
	return 0;
}

/* ---- input decoding ---- */

typedef struct text {
	const uint8_t *p;     /* UTF-8 text to parse */
	size_t len;
	uint8_t *owned;       /* converted copy, or NULL */
	const uint8_t *orig;  /* the caller's bytes */
	size_t orig_len;
	size_t skip;          /* BOM bytes before p (UTF-8 input) */
	int utf16;            /* 0, 1 = LE, 2 = BE */
} text;

static unsigned u16_at(const uint8_t *b, int be)
{
	return be ? ((unsigned)b[0] << 8 | b[1]) : ((unsigned)b[1] << 8 | b[0]);
}

static size_t put_utf8(uint8_t *o, uint32_t c)
{
	if (c < 0x80) {
		o[0] = (uint8_t)c;
		return 1;
	}
	if (c < 0x800) {
		o[0] = (uint8_t)(0xc0 | c >> 6);
		o[1] = (uint8_t)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		o[0] = (uint8_t)(0xe0 | c >> 12);
		o[1] = (uint8_t)(0x80 | ((c >> 6) & 0x3f));
		o[2] = (uint8_t)(0x80 | (c & 0x3f));
		return 3;
	}
	o[0] = (uint8_t)(0xf0 | c >> 18);
	o[1] = (uint8_t)(0x80 | ((c >> 12) & 0x3f));
	o[2] = (uint8_t)(0x80 | ((c >> 6) & 0x3f));
	o[3] = (uint8_t)(0x80 | (c & 0x3f));
	return 4;
}

/*
 * Decodes the UTF-16 code point at orig[i] (i past the BOM, i+1 < len),
 * returning the number of input bytes it used (2 or 4), or 0 on a broken
 * surrogate (error set).
 */
static size_t utf16_next(const text *t, size_t i, uint32_t *cp, mt_error *err)
{
	int be = t->utf16 == 2;
	unsigned u = u16_at(t->orig + i, be);
	if (u >= 0xdc00 && u <= 0xdfff) {
		mt_error_set(err, MT_EFORMAT, i,
			"expected a character or a high surrogate, found an unpaired low surrogate 0x%04X", u);
		return 0;
	}
	if (u >= 0xd800 && u <= 0xdbff) {
		if (i + 4 > t->orig_len) {
			mt_error_set(err, MT_EFORMAT, i,
				"expected a low surrogate after 0x%04X, found the end of the input", u);
			return 0;
		}
		unsigned v = u16_at(t->orig + i + 2, be);
		if (v < 0xdc00 || v > 0xdfff) {
			mt_error_set(err, MT_EFORMAT, i,
				"expected a low surrogate after 0x%04X, found 0x%04X", u, v);
			return 0;
		}
		*cp = 0x10000 + (((uint32_t)u - 0xd800) << 10) + ((uint32_t)v - 0xdc00);
		return 4;
	}
	*cp = u;
	return 2;
}

static int text_init(text *t, const uint8_t *data, size_t len, mt_error *err)
{
	memset(t, 0, sizeof *t);
	t->orig = data;
	t->orig_len = len;
	t->p = data;
	t->len = len;
	if (len >= 3 && data[0] == 0xef && data[1] == 0xbb && data[2] == 0xbf) {
		t->skip = 3;
		t->p = data + 3;
		t->len = len - 3;
		return 0;
	}
	if (len < 2 || !((data[0] == 0xff && data[1] == 0xfe) || (data[0] == 0xfe && data[1] == 0xff)))
		return 0;
	t->utf16 = data[0] == 0xff ? 1 : 2;
	if (len % 2)
		return mt_error_set(err, MT_EFORMAT, len - 1,
			"expected an even number of bytes in UTF-16 input, found %zu", len);
	/* each 2-byte unit becomes at most 3 bytes, a 4-byte pair 4 bytes */
	size_t cap;
	if (!mt_mul_ok(len / 2, 3, &cap))
		return mt_error_set(err, MT_ELIMIT, MT_NO_OFFSET, "UTF-16 input too large");
	uint8_t *o = malloc(cap ? cap : 1);
	if (!o)
		return mt_error_set(err, MT_ENOMEM, MT_NO_OFFSET,
			"cannot allocate %zu bytes to convert UTF-16 input", cap);
	size_t n = 0;
	for (size_t i = 2; i < len;) {
		uint32_t cp;
		size_t used = utf16_next(t, i, &cp, err);
		if (!used) {
			free(o);
			return MT_EFORMAT;
		}
		n += put_utf8(o + n, cp);
		i += used;
	}
	t->owned = o;
	t->p = o;
	t->len = n;
	return 0;
}

/* Offset in the caller's bytes of offset @off in the text. */
static uint64_t text_orig_off(const text *t, size_t off)
{
	if (!t->utf16)
		return (uint64_t)off + t->skip;
	size_t i = 2, n = 0;
	uint8_t tmp[4];
	while (i + 1 < t->orig_len && n < off) {
		uint32_t cp;
		size_t used = utf16_next(t, i, &cp, NULL);
		if (!used)
			break;
		n += put_utf8(tmp, cp);
		i += used;
	}
	return i;
}

/* ---- lines ---- */

static int is_blank(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* A parsed count: value * 10^9 in @v, significant decimals in @dec. */
typedef struct count {
	i128 v;
	uint64_t ip;       /* integer part (the whole value when dec == 0) */
	unsigned dec;
	int frac_nonzero;
	int lossy;         /* non-zero digits past the 9th decimal were dropped */
} count;

enum { COUNT_OK = 0, COUNT_BAD = 1, COUNT_HUGE = 2 };

/* `DIGITS[.DIGITS]`: inferno's rule (`6.` is 6, `.5` and `12V.43` are not counts). */
static int parse_count(const uint8_t *s, const uint8_t *e, count *c)
{
	const uint8_t *q = s;
	uint64_t ip = 0;
	int huge = 0;
	while (q < e && *q >= '0' && *q <= '9') {
		unsigned d = (unsigned)(*q - '0');
		if (ip > (uint64_t)(INT64_MAX - d) / 10)
			huge = 1;
		else
			ip = ip * 10 + d;
		q++;
	}
	if (q == s)
		return COUNT_BAD;
	uint64_t frac = 0;
	unsigned nd = 0, sig = 0;
	int nonzero = 0;
	if (q < e && *q == '.') {
		q++;
		while (q < e && *q >= '0' && *q <= '9') {
			unsigned d = (unsigned)(*q - '0');
			nd++;
			if (d) {
				nonzero = 1;
				sig = nd;
			}
			if (nd <= FOLDED_MAX_DECIMALS)
				frac = frac * 10 + d;
			q++;
		}
	}
	if (q != e)
		return COUNT_BAD;
	if (huge)
		return COUNT_HUGE;
	for (unsigned k = nd; k < FOLDED_MAX_DECIMALS; k++)
		frac *= 10;
	c->v = (i128)ip * pow10_tab[FOLDED_MAX_DECIMALS] + (i128)frac;
	c->ip = ip;
	c->dec = sig < FOLDED_MAX_DECIMALS ? sig : FOLDED_MAX_DECIMALS;
	c->frac_nonzero = nonzero;
	c->lossy = sig > FOLDED_MAX_DECIMALS;
	return COUNT_OK;
}

/* What scan_line() found. */
enum { LINE_OK, LINE_SKIP, LINE_INVALID, LINE_HUGE, LINE_LONG };

typedef struct line {
	size_t off;        /* start of the line */
	size_t s, se;      /* the stack (LINE_OK, LINE_INVALID) */
	size_t c, e;       /* the count token; e = end of the trimmed line (LINE_LONG: of the line) */
	count cnt;         /* LINE_OK */
} line;

/*
 * Splits off the line at @pos of base[0..n): blank lines and comments are
 * LINE_SKIP, lines without a valid count (or with a NUL in the stack)
 * LINE_INVALID, a count past 2^63 LINE_HUGE, a line over FOLDED_MAX_LINE
 * LINE_LONG. *@next gets the start of the following line. Sets no error:
 * both readers word their own.
 */
static int scan_line(const uint8_t *base, size_t n, size_t pos, line *l, size_t *next)
{
	const uint8_t *nl = memchr(base + pos, '\n', n - pos);
	size_t lend = nl ? (size_t)(nl - base) : n;
	*next = nl ? lend + 1 : n;
	l->off = pos;
	l->e = lend;
	if (lend - pos > FOLDED_MAX_LINE)
		return LINE_LONG;
	size_t s = pos, e = lend;
	while (e > s && is_blank(base[e - 1]))
		e--;
	while (s < e && is_blank(base[s]))
		s++;
	if (s == e)
		return LINE_SKIP;                               /* blank line */
	if (base[s] == '#' || (e - s >= 2 && base[s] == '/' && base[s + 1] == '/'))
		return LINE_SKIP;                               /* comment */
	/*
	 * The count: after the last space or tab. The stack is everything
	 * before that one separator (flamegraph.pl's `^(.*)\s+?(\d+...)$`),
	 * so "a;  3" has a last frame " " and writes back byte for byte.
	 */
	size_t c = e;
	while (c > s && base[c - 1] != ' ' && base[c - 1] != '\t')
		c--;
	size_t se = c > s ? c - 1 : s;   /* > s: base[s] is not blank */
	l->s = s;
	l->se = se;
	l->c = c;
	l->e = e;
	int cr = c > s ? parse_count(base + c, base + e, &l->cnt) : COUNT_BAD;
	/* text has no NUL: a stack with one is not a folded line */
	if (cr == COUNT_OK && memchr(base + s, 0, se - s))
		cr = COUNT_BAD;
	return cr == COUNT_OK ? LINE_OK : cr == COUNT_HUGE ? LINE_HUGE : LINE_INVALID;
}

/* Ends with @suf (a string literal)? */
#define ENDS_WITH(s, n, suf) \
	((n) >= sizeof(suf) - 1 && memcmp((s) + (n) - (sizeof(suf) - 1), (suf), sizeof(suf) - 1) == 0)
#define STARTS_WITH(s, n, pre) \
	((n) >= sizeof(pre) - 1 && memcmp((s), (pre), sizeof(pre) - 1) == 0)

static int contains(const char *s, size_t n, const char *needle)
{
	size_t m = strlen(needle);
	for (size_t i = 0; i + m <= n; i++)
		if (memcmp(s + i, needle, m) == 0)
			return 1;
	return 0;
}

/*
 * A frame's origin, from FlameGraph's annotations (`_[k]` kernel, `_[j]`
 * JIT, `_[i]` inlined, async-profiler's `_[0]`/`_[1]` interpreted/C1) and a
 * few name shapes. Deliberately simple; unknown when unsure.
 */
static mt_lang guess_lang(const char *s, size_t n)
{
	if (ENDS_WITH(s, n, "_[k]"))
		return MT_LANG_KERNEL;
	if (ENDS_WITH(s, n, "_[j]") || ENDS_WITH(s, n, "_[i]") || ENDS_WITH(s, n, "_[0]") ||
		ENDS_WITH(s, n, "_[1]"))
		return MT_LANG_JAVA;
	if (STARTS_WITH(s, n, "java/") || STARTS_WITH(s, n, "javax/") || STARTS_WITH(s, n, "jdk/") ||
		STARTS_WITH(s, n, "sun/") || STARTS_WITH(s, n, "Ljava/") || STARTS_WITH(s, n, "java.") ||
		STARTS_WITH(s, n, "javax.") || STARTS_WITH(s, n, "jdk.") || STARTS_WITH(s, n, "sun.") ||
		ENDS_WITH(s, n, ".java") || contains(s, n, ".java:"))
		return MT_LANG_JAVA;
	if (STARTS_WITH(s, n, "runtime.") || STARTS_WITH(s, n, "main.") ||
		STARTS_WITH(s, n, "github.com/") || STARTS_WITH(s, n, "golang.org/") ||
		ENDS_WITH(s, n, ".go") || contains(s, n, ".go:"))
		return MT_LANG_GO;
	if (ENDS_WITH(s, n, ".js") || contains(s, n, ".js:") || STARTS_WITH(s, n, "LazyCompile:") ||
		STARTS_WITH(s, n, "InterpretedFunction:") || STARTS_WITH(s, n, "JS:"))
		return MT_LANG_JS;
	if (ENDS_WITH(s, n, ".py") || contains(s, n, ".py:"))
		return MT_LANG_PYTHON;
	return MT_LANG_UNKNOWN;
}

/* A short printable excerpt of a line for messages. */
static void excerpt(const uint8_t *s, size_t n, char *buf, size_t cap)
{
	size_t k = 0;
	for (size_t i = 0; i < n && k + 4 < cap; i++) {
		uint8_t c = s[i];
		buf[k++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	if (n > 0 && k < n && k + 3 < cap) {
		memcpy(buf + k, "...", 3);
		k += 3;
	}
	buf[k] = 0;
}

/* @sum (at 10^9) as a trimmed decimal, "more than N" when it was clamped. */
static void format_total(i128 sum, char *buf, size_t cap)
{
	i128 ip = sum / pow10_tab[FOLDED_MAX_DECIMALS];
	int64_t fp = (int64_t)(sum % pow10_tab[FOLDED_MAX_DECIMALS]);
	char digits[48];
	size_t n = 0;
	do {
		digits[n++] = (char)('0' + (int)(ip % 10));
		ip /= 10;
	} while (ip && n < sizeof digits);
	size_t k = 0;
	if (sum >= SUM_CLAMP)
		k += (size_t)snprintf(buf, cap, "more than ");
	while (n && k + 1 < cap)
		buf[k++] = digits[--n];
	buf[k] = 0;
	if (fp) {
		char frac[16];
		snprintf(frac, sizeof frac, ".%09lld", (long long)fp);
		size_t fl = strlen(frac);
		while (fl > 1 && frac[fl - 1] == '0')
			frac[--fl] = 0;
		snprintf(buf + k, cap - k, "%s", frac);
	}
}

/* A frame name with invalid UTF-8 repaired. */
typedef struct name_buf {
	char *p;
	size_t len, cap;
} name_buf;

typedef struct stack_acc {
	i128 sum;          /* at 10^9, clamped */
	size_t line_off;   /* first line holding the stack (text offset) */
} stack_acc;

typedef struct folded_state {
	text t;
	span_table stacks, frames;
	stack_acc *acc;
	size_t acc_cap;
	uint32_t *locs;
	size_t locs_cap;
	/* the previous stack, for reusing its frames: stackcollapse output is
	 * sorted, so neighbours share long prefixes */
	size_t prev_off, prev_len;
	uint32_t *prev_locs;    /* root first */
	size_t prev_cap;
	uint32_t prev_n;
	name_buf name;      /* a frame name with invalid UTF-8 repaired */
	mt_profile *p;
} folded_state;

/*
 * Length of the well-formed UTF-8 sequence at s[0..n) (RFC 3629: no
 * overlongs, no surrogates, nothing past U+10FFFF), or 0.
 */
static size_t utf8_seq(const uint8_t *s, size_t n)
{
	uint8_t c = s[0];
	if (c < 0x80)
		return 1;
	size_t len;
	uint8_t lo = 0x80, hi = 0xbf;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		if (c == 0xe0)
			lo = 0xa0;
		if (c == 0xed)
			hi = 0x9f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		if (c == 0xf0)
			lo = 0x90;
		if (c == 0xf4)
			hi = 0x8f;
	} else
		return 0;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

static int utf8_valid(const uint8_t *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		size_t k = utf8_seq(s + i, n - i);
		if (!k)
			return 0;
		i += k;
	}
	return 1;
}

/* Copies s[0..n) into @b with each byte of a bad sequence as U+FFFD. */
static int utf8_repair(name_buf *b, const uint8_t *s, size_t n)
{
	size_t cap;
	if (!mt_mul_ok(n, 3, &cap) || mt_grow(&b->p, &b->cap, cap + 1, 1))
		return MT_ENOMEM;
	size_t k = 0;
	for (size_t i = 0; i < n;) {
		size_t q = utf8_seq(s + i, n - i);
		if (q) {
			memcpy(b->p + k, s + i, q);
			k += q;
			i += q;
		} else {
			memcpy(b->p + k, "\xef\xbf\xbd", 3);
			k += 3;
			i++;
		}
	}
	b->len = k;
	return 0;
}

static void state_free(folded_state *st)
{
	free(st->t.owned);
	span_table_free(&st->stacks);
	span_table_free(&st->frames);
	free(st->prev_locs);
	free(st->acc);
	free(st->locs);
	free(st->name.p);
}

static void emit_warning(const mt_read_opts *opts, const char *msg)
{
	if (opts && opts->warn)
		opts->warn(opts->warn_ctx, NULL, msg);
}

/* The one warning for skipped lines (inferno's wording). */
static void warn_invalid(const mt_read_opts *opts, uint64_t invalid)
{
	if (invalid) {
		char msg[80];
		snprintf(msg, sizeof msg, "Ignored %llu lines with invalid format",
			(unsigned long long)invalid);
		emit_warning(opts, msg);
	}
}

/* Resolves the frames of distinct stack @si (root first in the text) into leaf-first locs. */
static int stack_locs(folded_state *st, uint32_t si, uint32_t *nlocs, mt_error *err)
{
	const span *sp = &st->stacks.items[si];
	const uint8_t *base = st->t.p;
	size_t s = sp->off, e = sp->off + sp->len;
	uint32_t n = 0;
	/* count frames first: the buffer holds them leaf first */
	uint64_t depth = 1;
	for (size_t i = s; i < e; i++)
		depth += base[i] == ';';
	if (depth > FOLDED_MAX_DEPTH)
		return mt_error_set(err, MT_ELIMIT, text_orig_off(&st->t, st->acc[si].line_off),
			"expected at most %u frames in a stack, found %llu", FOLDED_MAX_DEPTH,
			(unsigned long long)depth);
	if (mt_grow(&st->locs, &st->locs_cap, (size_t)depth, sizeof *st->locs))
		return mt_error_set(err, MT_ENOMEM, MT_NO_OFFSET, "cannot allocate a stack of %llu frames",
			(unsigned long long)depth);
	if (mt_grow(&st->prev_locs, &st->prev_cap, (size_t)depth, sizeof *st->prev_locs))
		return mt_error_set(err, MT_ENOMEM, MT_NO_OFFSET, "cannot allocate a stack of %llu frames",
			(unsigned long long)depth);
	/*
	 * Frames wholly inside the bytes this stack shares with the previous
	 * one (up to a ';' in both) resolve to the same locations: reuse them.
	 */
	size_t fs = s;
	if (st->prev_len) {
		const uint8_t *a = base + st->prev_off, *b = base + s;
		size_t m = st->prev_len < sp->len ? st->prev_len : sp->len, k = 0, last_sep = 0;
		uint32_t shared = 0;
		while (k < m && a[k] == b[k]) {
			if (a[k] == ';') {
				shared++;
				last_sep = k + 1;
			}
			k++;
		}
		if (shared > st->prev_n)
			shared = st->prev_n;
		for (uint32_t f = 0; f < shared; f++)
			st->locs[depth - 1 - f] = st->prev_locs[f];
		n = shared;
		fs = s + last_sep;
	}
	for (size_t i = fs;; i++) {
		if (i < e && base[i] != ';')
			continue;
		size_t flen = i - fs;
		uint32_t fi;
		int added;
		int rc = span_table_get(&st->frames, base, fs, (uint32_t)flen,
			bytes_hash(base + fs, flen), &fi, &added);
		if (rc)
			return mt_error_set(err, rc, MT_NO_OFFSET, "too many distinct frames");
		if (added) {
			const char *name = (const char *)base + fs;
			size_t nlen = flen;
			if (!utf8_valid(base + fs, flen)) {
				rc = utf8_repair(&st->name, base + fs, flen);
				if (rc)
					return mt_error_set(err, rc, MT_NO_OFFSET, "out of memory");
				name = st->name.p;
				nlen = st->name.len;
			}
			uint32_t loc;
			rc = mt_profile_frame(st->p, name, nlen, NULL, 0, 0, guess_lang(name, nlen), &loc);
			if (rc)
				return mt_error_set(err, rc, MT_NO_OFFSET, "cannot add frame (%s)",
					mt_code_name(rc));
			st->frames.items[fi].val = loc;
		}
		st->locs[depth - 1 - n] = st->frames.items[fi].val;
		n++;
		if (i >= e)
			break;
		fs = i + 1;
	}
	for (uint32_t f = 0; f < n; f++)
		st->prev_locs[f] = st->locs[depth - 1 - f];
	st->prev_n = n;
	st->prev_off = s;
	st->prev_len = e - s;
	*nlocs = n;
	return 0;
}

int mt_read_folded(mt_profile **out, const uint8_t *data, size_t len,
	const mt_read_opts *opts, mt_error *err)
{
	if (!out)
		return mt_error_set(err, MT_EINVAL, MT_NO_OFFSET, "no output profile given");
	*out = NULL;
	if (!data && len)
		return mt_error_set(err, MT_EINVAL, MT_NO_OFFSET, "no input bytes given");
	if (!data)
		data = (const uint8_t *)"";

	folded_state st;
	memset(&st, 0, sizeof st);
	int rc;
	const char *prev_doing = err ? err->doing : NULL;
	if (err)
		err->doing = "decoding UTF-16";
	rc = text_init(&st.t, data, len, err);
	if (rc)
		return rc;

	if (err)
		err->doing = "reading stack lines";
	const uint8_t *base = st.t.p;
	size_t n = st.t.len;
	uint64_t invalid = 0;
	size_t first_invalid = 0;
	unsigned decimals = 0;
	int frac_nonzero = 0, lossy = 0;
	size_t pos = 0;
	while (pos < n) {
		line ln;
		int kind = scan_line(base, n, pos, &ln, &pos);
		if (kind == LINE_SKIP)
			continue;
		size_t line_off = ln.off, s = ln.s, se = ln.se, c = ln.c, e = ln.e;
		if (kind == LINE_LONG) {
			rc = mt_error_set(err, MT_ELIMIT, text_orig_off(&st.t, line_off),
				"expected lines of at most %zu bytes, found %zu", FOLDED_MAX_LINE, e - line_off);
			goto fail;
		}
		if (kind == LINE_HUGE) {
			char ex[48];
			excerpt(base + c, e - c, ex, sizeof ex);
			rc = mt_error_set(err, MT_ELIMIT, text_orig_off(&st.t, line_off),
				"expected a count below 2^63, found %s", ex);
			goto fail;
		}
		if (kind == LINE_INVALID) {
			if (invalid++ == 0)
				first_invalid = line_off;
			if (opts && opts->strict) {
				char ex[48];
				excerpt(base + s, e - s, ex, sizeof ex);
				rc = mt_error_set(err, MT_EFORMAT, text_orig_off(&st.t, line_off),
					"expected a line `frame;frame COUNT`, found \"%s\"", ex);
				goto fail;
			}
			continue;
		}
		if (ln.cnt.dec > decimals)
			decimals = ln.cnt.dec;
		frac_nonzero |= ln.cnt.frac_nonzero;
		if (ln.cnt.lossy && opts && opts->strict) {
			char ex[48];
			excerpt(base + c, e - c, ex, sizeof ex);
			rc = mt_error_set(err, MT_ELIMIT, text_orig_off(&st.t, line_off),
				"expected a count with at most %u decimals, found %s", FOLDED_MAX_DECIMALS, ex);
			goto fail;
		}
		lossy |= ln.cnt.lossy;

		uint32_t si;
		int added;
		rc = span_table_get(&st.stacks, base, s, (uint32_t)(se - s),
			bytes_hash(base + s, se - s), &si, &added);
		if (rc) {
			rc = mt_error_set(err, rc, text_orig_off(&st.t, line_off), "%s",
				rc == MT_ELIMIT ? "too many distinct stacks" : "out of memory");
			goto fail;
		}
		if (added) {
			if (mt_grow(&st.acc, &st.acc_cap, (size_t)si + 1, sizeof *st.acc)) {
				rc = mt_error_set(err, MT_ENOMEM, MT_NO_OFFSET, "out of memory");
				goto fail;
			}
			st.acc[si].sum = 0;
			st.acc[si].line_off = line_off;
		}
		/* clamp far above anything that fits 64 bits at any scale */
		i128 sum = st.acc[si].sum + ln.cnt.v;
		st.acc[si].sum = sum > SUM_CLAMP ? SUM_CLAMP : sum;
	}

	if (st.stacks.n == 0) {
		if (invalid)
			rc = mt_error_set(err, MT_EFORMAT, text_orig_off(&st.t, first_invalid),
				"expected at least one stack line `frame;frame COUNT`, found none "
				"(ignored %llu lines with invalid format)", (unsigned long long)invalid);
		else
			rc = mt_error_set(err, MT_EFORMAT, 0,
				"expected at least one stack line `frame;frame COUNT`, found none");
		goto fail;
	}

	if (err)
		err->doing = "building samples";
	rc = mt_profile_new(&st.p);
	if (rc) {
		mt_error_set(err, rc, MT_NO_OFFSET, "cannot allocate a profile");
		goto fail;
	}
	rc = mt_profile_add_value_type(st.p, "samples", "count", decimals, NULL);
	if (!rc)
		rc = mt_profile_intern(st.p, "folded", 6, &st.p->format);
	if (rc) {
		mt_error_set(err, rc, MT_NO_OFFSET, "cannot set up the profile (%s)", mt_code_name(rc));
		goto fail;
	}
	const int64_t div = pow10_tab[FOLDED_MAX_DECIMALS - decimals];
	for (uint32_t si = 0; si < st.stacks.n; si++) {
		i128 v = st.acc[si].sum / div;
		if (v > INT64_MAX) {
			char total[64];
			format_total(st.acc[si].sum, total, sizeof total);
			uint64_t off = text_orig_off(&st.t, st.acc[si].line_off);
			if (decimals)
				rc = mt_error_set(err, MT_ELIMIT, off,
					"expected a stack total below 2^63 / 10^%u (%u decimals), found %s",
					decimals, decimals, total);
			else
				rc = mt_error_set(err, MT_ELIMIT, off,
					"expected a stack total below 2^63, found %s", total);
			goto fail;
		}
		int64_t v64 = (int64_t)v;
		uint32_t nlocs = 0;
		rc = stack_locs(&st, si, &nlocs, err);
		if (rc)
			goto fail;
		rc = mt_profile_add_sample(st.p, st.locs, nlocs, &v64, NULL, 0);
		if (rc) {
			mt_error_set(err, rc, MT_NO_OFFSET, "cannot add sample (%s)", mt_code_name(rc));
			goto fail;
		}
	}

	warn_invalid(opts, invalid);
	if (frac_nonzero)
		emit_warning(opts, lossy ? "The input data has fractional sample counts "
			"(digits past the 9th decimal were dropped)" :
			"The input data has fractional sample counts");

	*out = st.p;
	st.p = NULL;
	state_free(&st);
	if (err)
		err->doing = prev_doing;
	return 0;

fail:
	mt_profile_free(st.p);
	state_free(&st);
	return rc;
}

/* ---- straight to a call tree ---- */

/*
 * mt_read_folded_tree() reads the lines once and walks the tree as it
 * goes: a line's frames are split and resolved only past the part of the
 * stack it shares with the previous line (whole frames; stackcollapse
 * output is sorted, so that is most of it), each distinct frame text is
 * hashed and interned once (a span table from frame bytes to the tree's
 * name id), and the count goes straight to the leaf's self. Nothing is
 * built per distinct stack. Whatever this path does not handle itself
 * (fractional counts, a count or a stack total past 2^63, over-long lines
 * or stacks, strict mode with an invalid line, no stack at all: all rare,
 * most of them errors) makes it give up, and the input is read again by
 * mt_read_folded() + mt_tree_build(), so results, warnings and errors are
 * always exactly theirs.
 */

#define FAST_GIVE_UP 1

/*
 * Distinct frame texts -> tree name ids. The texts are copied into one
 * arena so that confirming a match reads a few cached bytes instead of the
 * frame's first occurrence somewhere in the input; slots carry the upper
 * hash bits, so most mismatches never touch an entry.
 */
typedef struct fast_frame_ent {
	size_t key;       /* offset of its text in keys */
	uint32_t len;
	uint32_t name;    /* tree name id */
	uint8_t lang;
} fast_frame_ent;

typedef struct fast_state {
	mt_tree *t;
	uint64_t *slots;          /* hash >> 32 << 32 | entry + 1; 0 = empty */
	size_t mask;
	fast_frame_ent *ents;
	uint32_t nents;
	size_t ents_cap;
	char *keys;
	size_t keys_len, keys_cap;
	/* the previous stack: frame i ends at end[i] (relative to its start) on node[i] */
	uint32_t *end, *node;
	size_t end_cap, node_cap;
	uint32_t *names;          /* the current stack's frame names (tree ids) and origins */
	uint8_t *langs;
	size_t names_cap, langs_cap;
	uint32_t depth;
	size_t prev_s, prev_len;
	int unsorted;             /* a stack sorted before the one above it was seen */
	span_table memo;          /* stack text -> leaf node (val), once unsorted */
	name_buf name;
} fast_state;

/*
 * The hash of a frame text: whole little-endian words, then the last 0-7
 * bytes zero-padded, mixed with the length. Defined so that scan_frame()
 * can compute it while it looks for the frame's end.
 */
#define FH_SEED 0x9e3779b97f4a7c15ULL
#define FH_K1 0xbf58476d1ce4e5b9ULL
#define FH_K2 0x94d049bb133111ebULL

static inline uint64_t fh_word(uint64_t h, uint64_t w)
{
	h = (h ^ w) * FH_K1;
	return h ^ (h >> 31);
}

static inline uint64_t fh_final(uint64_t h, uint64_t tail, size_t n)
{
	h = ((h ^ tail) * FH_K2) ^ (uint64_t)n;
	h ^= h >> 29;
	h *= FH_K1;
	return h ^ (h >> 32);
}

static inline uint64_t frame_hash(const uint8_t *s, size_t n)
{
	uint64_t h = FH_SEED, w;
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		memcpy(&w, s + i, 8);
		h = fh_word(h, w);
	}
	w = 0;
	for (size_t k = 0; i + k < n; k++)
		w |= (uint64_t)s[i + k] << (8 * k);
	return fh_final(h, w, n);
}

/*
 * The frame starting at @b: its length up to the first ';' or @lim, in
 * *@flen, and frame_hash() of it, in one pass over whole words (SWAR
 * search for ';'). Loads 8 bytes only while @avail bytes allow it.
 */
static inline uint64_t scan_frame(const uint8_t *b, size_t lim, size_t avail, size_t *flen)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	uint64_t h = FH_SEED;
	size_t i = 0;
	while (i + 8 <= avail) {
		uint64_t w, x, t;
		memcpy(&w, b + i, 8);
		x = w ^ 0x3b3b3b3b3b3b3b3bULL;                         /* ';' bytes become 0 */
		t = (x - 0x0101010101010101ULL) & ~x & 0x8080808080808080ULL;
		size_t stop = t ? (size_t)__builtin_ctzll(t) >> 3 : 8;  /* the lowest hit is exact */
		if (stop > lim - i)
			stop = lim - i;
		if (stop == 8) {
			h = fh_word(h, w);
			i += 8;
			continue;
		}
		*flen = i + stop;
		return fh_final(h, stop ? w & (~0ULL >> (64 - 8 * stop)) : 0, i + stop);
	}
#endif
	const uint8_t *q = memchr(b, ';', lim);
	*flen = q ? (size_t)(q - b) : lim;
	return frame_hash(b, *flen);
}

static int fast_rehash(fast_state *f)
{
	size_t ns = f->slots ? (f->mask + 1) * 2 : 4096;
	uint64_t *sl = calloc(ns, sizeof *sl);
	if (!sl)
		return MT_ENOMEM;
	for (size_t i = 0; f->slots && i <= f->mask; i++) {
		if (!f->slots[i])
			continue;
		const fast_frame_ent *e = &f->ents[(uint32_t)f->slots[i] - 1];
		size_t k = (size_t)frame_hash((const uint8_t *)f->keys + e->key, e->len) & (ns - 1);
		while (sl[k])
			k = (k + 1) & (ns - 1);
		sl[k] = f->slots[i];
	}
	free(f->slots);
	f->slots = sl;
	f->mask = ns - 1;
	return 0;
}

/* Length of the common prefix of a[0..m) and b[0..m). */
static size_t common_prefix(const uint8_t *a, const uint8_t *b, size_t m)
{
	size_t i = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	while (i + 8 <= m) {
		uint64_t x, y;
		memcpy(&x, a + i, 8);
		memcpy(&y, b + i, 8);
		if (x != y)
			return i + ((size_t)__builtin_ctzll(x ^ y) >> 3);
		i += 8;
	}
#endif
	while (i < m && a[i] == b[i])
		i++;
	return i;
}

/* A new entry for the frame text @b[0..len) at slot @k: its tree name and origin. */
static int fast_frame_add(fast_state *f, const uint8_t *b, size_t len, uint64_t h, size_t k)
{
	/* the name mt_read_folded() + mt_tree_build() give the frame */
	const char *nm = (const char *)b;
	size_t nl = len;
	int rc;
	if (f->nents >= FOLDED_MAX_ITEMS)
		return MT_ELIMIT;
	if (!utf8_valid(b, len)) {
		if ((rc = utf8_repair(&f->name, b, len)))
			return rc;
		nm = f->name.p;
		nl = f->name.len;
	}
	uint8_t lang = (uint8_t)guess_lang(nm, nl);
	if (nl == 0) {
		nm = "<unknown>";   /* mt_frame_name() of a function without a name */
		nl = 9;
	}
	mt_str_id id;
	if ((rc = mt_strtab_intern(f->t->strings, nm, nl, &id)))
		return rc;
	if (mt_grow(&f->ents, &f->ents_cap, (size_t)f->nents + 1, sizeof *f->ents) ||
		mt_grow(&f->keys, &f->keys_cap, f->keys_len + len + 1, 1))
		return MT_ENOMEM;
	fast_frame_ent *e = &f->ents[f->nents];
	e->key = f->keys_len;
	e->len = (uint32_t)len;
	e->name = id;
	e->lang = lang;
	memcpy(f->keys + f->keys_len, b, len);
	f->keys_len += len;
	f->slots[k] = (h >> 32 << 32) | ((uint64_t)f->nents + 1);
	f->nents++;
	return 0;
}

/* a[0..n) == b[0..n), inline: frame names are short, a libc call per frame shows */
static inline int bytes_eq(const uint8_t *a, const uint8_t *b, size_t n)
{
	uint64_t x, y;
	if (n >= 8) {
		for (size_t i = 0; i + 8 < n; i += 8) {
			memcpy(&x, a + i, 8);
			memcpy(&y, b + i, 8);
			if (x != y)
				return 0;
		}
		memcpy(&x, a + n - 8, 8);   /* the last 8 bytes, overlapping */
		memcpy(&y, b + n - 8, 8);
		return x == y;
	}
	if (n >= 4) {
		uint32_t p, q, r, t;
		memcpy(&p, a, 4);
		memcpy(&q, b, 4);
		memcpy(&r, a + n - 4, 4);
		memcpy(&t, b + n - 4, 4);
		return p == q && r == t;
	}
	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return 0;
	return 1;
}

/* The tree name id and origin of the frame text b[0..len) (@h: its frame_hash). */
static inline int fast_frame(fast_state *f, const uint8_t *b, size_t len, uint64_t h,
	uint32_t *name, uint8_t *lang)
{
	if (((size_t)f->nents + 1) * 2 > f->mask + 1 || !f->slots) {
		int rc = fast_rehash(f);
		if (rc)
			return rc;
	}
	uint64_t tag = h >> 32 << 32;
	size_t k = (size_t)h & f->mask;
	for (;;) {
		uint64_t sl = f->slots[k];
		if (!sl) {
			int rc = fast_frame_add(f, b, len, h, k);
			if (rc)
				return rc;
			sl = f->slots[k];
		} else if ((sl & 0xffffffff00000000ULL) != tag) {
			k = (k + 1) & f->mask;
			continue;
		}
		const fast_frame_ent *e = &f->ents[(uint32_t)sl - 1];
		if (e->len == len && bytes_eq((const uint8_t *)f->keys + e->key, b, len)) {
			*name = e->name;
			*lang = e->lang;
			return 0;
		}
		k = (k + 1) & f->mask;
	}
}

/* Walks (and extends) the tree along the stack base[s, s+len): *@leaf, or FAST_GIVE_UP / an mt_code. */
static int fast_stack(fast_state *f, const uint8_t *base, size_t s, size_t len, size_t avail,
	uint32_t *leaf)
{
	const uint8_t *b = base + s;
	uint32_t k = 0;
	if (f->depth) {
		/* whole frames shared with the previous stack */
		const uint8_t *a = base + f->prev_s;
		size_t pl = f->prev_len, m = pl < len ? pl : len, p = common_prefix(a, b, m);
		while (k < f->depth && f->end[k] < p)
			k++;
		if (k < f->depth && f->end[k] == p && (p == pl || a[p] == ';') && (p == len || b[p] == ';'))
			k++;
		if (p < m ? a[p] > b[p] : len < pl)
			f->unsorted = 1;
	}
	uint32_t node = k ? f->node[k - 1] : 0;
	uint32_t d = k;
	if (k == 0 || f->end[k - 1] < len) {
		/* the frames past the shared ones: names first, then one walk down the tree */
		size_t fs = k ? (size_t)f->end[k - 1] + 1 : 0;
		for (;;) {
			size_t flen;
			uint64_t h = scan_frame(b + fs, len - fs, avail - fs, &flen);
			size_t fe = fs + flen;
			int rc;
			if (d >= FOLDED_MAX_DEPTH)
				return FAST_GIVE_UP;
			if (d >= f->end_cap && (mt_grow(&f->end, &f->end_cap, (size_t)d + 1, sizeof *f->end) ||
				mt_grow(&f->node, &f->node_cap, (size_t)d + 1, sizeof *f->node) ||
				mt_grow(&f->names, &f->names_cap, (size_t)d + 1, sizeof *f->names) ||
				mt_grow(&f->langs, &f->langs_cap, (size_t)d + 1, 1)))
				return MT_ENOMEM;
			if ((rc = fast_frame(f, b + fs, flen, h, &f->names[d], &f->langs[d])))
				return rc;
			f->end[d] = (uint32_t)fe;
			d++;
			if (fe == len)
				break;
			fs = fe + 1;
		}
		int rc = mt_tree_path(f->t, node, f->names + k, f->langs + k, d - k, f->node + k);
		if (rc)
			return rc;
		node = f->node[d - 1];
	}
	f->depth = d;
	f->prev_s = s;
	f->prev_len = len;
	*leaf = node;
	return 0;
}

/*
 * Adds @v for the stack base[s, s+len): 0, FAST_GIVE_UP or an mt_code.
 * Sorted input repeats a stack only on adjacent lines, which share all
 * their frames; once the input turns out unsorted, whole stacks are also
 * remembered (files with repeated stacks in any order: one lookup per line
 * instead of one per frame).
 */
static int fast_add(fast_state *f, const uint8_t *base, size_t s, size_t len, size_t avail,
	int64_t v)
{
	uint32_t leaf, mi = 0;
	int rc, added = 0;
	if (f->unsorted) {
		if ((rc = span_table_get(&f->memo, base, s, (uint32_t)len, bytes_hash(base + s, len),
			&mi, &added)))
			return rc;
		if (!added) {
			leaf = f->memo.items[mi].val;
			goto add;
		}
	}
	if ((rc = fast_stack(f, base, s, len, avail, &leaf)))
		return rc;
	if (added)
		f->memo.items[mi].val = leaf;
add:;
	int64_t *self = &f->t->self[(size_t)leaf * f->t->ncols];
	if (__builtin_add_overflow(*self, v, self))
		return FAST_GIVE_UP;   /* mt_read_folded() words the error */
	return 0;
}

/* 0 with *@out, FAST_GIVE_UP, or an mt_code (no error set). */
static int fast_tree(mt_tree **out, const uint8_t *data, size_t len, const mt_read_opts *opts)
{
	static const char *const types[] = { "samples" }, *const units[] = { "count" };
	fast_state f;
	text tx;
	memset(&f, 0, sizeof f);
	if (text_init(&tx, data, len, NULL))
		return FAST_GIVE_UP;
	int rc = mt_tree_new(&f.t, 1, types, units);
	const uint8_t *base = tx.p;
	size_t n = tx.len, pos = 0;
	uint64_t invalid = 0, nstacks = 0;
	while (!rc && pos < n) {
		line ln;
		int kind = scan_line(base, n, pos, &ln, &pos);
		if (kind == LINE_SKIP)
			continue;
		if (kind == LINE_INVALID && !(opts && opts->strict)) {
			invalid++;
			continue;
		}
		if (kind != LINE_OK || ln.cnt.dec) {
			rc = FAST_GIVE_UP;
			break;
		}
		nstacks++;
		if (ln.cnt.ip)   /* mt_tree_build() skips zero samples */
			rc = fast_add(&f, base, ln.s, ln.se - ln.s, n - ln.s, (int64_t)ln.cnt.ip);
	}
	if (!rc && !nstacks)
		rc = FAST_GIVE_UP;
	if (!rc)
		rc = mt_tree_finish(f.t);
	free(tx.owned);
	free(f.slots);
	free(f.ents);
	free(f.keys);
	span_table_free(&f.memo);
	free(f.end);
	free(f.node);
	free(f.names);
	free(f.langs);
	free(f.name.p);
	if (rc) {
		mt_tree_free(f.t);
		return rc;
	}
	warn_invalid(opts, invalid);
	*out = f.t;
	return 0;
}

int mt_read_folded_tree(mt_tree **out, const uint8_t *data, size_t len,
	const mt_read_opts *opts, mt_error *err)
{
	if (!out)
		return mt_error_set(err, MT_EINVAL, MT_NO_OFFSET, "no output tree given");
	*out = NULL;
	if (!data && len)
		return mt_error_set(err, MT_EINVAL, MT_NO_OFFSET, "no input bytes given");
	int rc = fast_tree(out, data ? data : (const uint8_t *)"", len, opts);
	if (rc == 0)
		return 0;
	/* the general path: the same tree, and its own warnings and errors */
	mt_profile *p = NULL;
	if ((rc = mt_read_folded(&p, data, len, opts, err)))
		return rc;
	rc = mt_tree_build(out, p, NULL, err);
	mt_profile_free(p);
	return rc;
}
