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
	uint64_t w = 0;
	memcpy(&w, s, n);
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
	c->dec = sig < FOLDED_MAX_DECIMALS ? sig : FOLDED_MAX_DECIMALS;
	c->frac_nonzero = nonzero;
	c->lossy = sig > FOLDED_MAX_DECIMALS;
	return COUNT_OK;
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
	char *name;         /* a frame name with invalid UTF-8 repaired */
	size_t name_len, name_cap;
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

/* Copies s[0..n) into st->name with each byte of a bad sequence as U+FFFD. */
static int utf8_repair(struct folded_state *st, const uint8_t *s, size_t n)
{
	size_t cap;
	if (!mt_mul_ok(n, 3, &cap) || mt_grow(&st->name, &st->name_cap, cap + 1, 1))
		return MT_ENOMEM;
	size_t k = 0;
	for (size_t i = 0; i < n;) {
		size_t q = utf8_seq(s + i, n - i);
		if (q) {
			memcpy(st->name + k, s + i, q);
			k += q;
			i += q;
		} else {
			memcpy(st->name + k, "\xef\xbf\xbd", 3);
			k += 3;
			i++;
		}
	}
	st->name_len = k;
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
	free(st->name);
}

static void emit_warning(const mt_read_opts *opts, const char *msg)
{
	if (opts && opts->warn)
		opts->warn(opts->warn_ctx, NULL, msg);
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
				rc = utf8_repair(st, base + fs, flen);
				if (rc)
					return mt_error_set(err, rc, MT_NO_OFFSET, "out of memory");
				name = st->name;
				nlen = st->name_len;
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
		const uint8_t *nl = memchr(base + pos, '\n', n - pos);
		size_t lend = nl ? (size_t)(nl - base) : n;
		size_t next = nl ? lend + 1 : n;
		size_t line_off = pos;
		if (lend - pos > FOLDED_MAX_LINE) {
			rc = mt_error_set(err, MT_ELIMIT, text_orig_off(&st.t, line_off),
				"expected lines of at most %zu bytes, found %zu", FOLDED_MAX_LINE, lend - pos);
			goto fail;
		}
		size_t s = pos, e = lend;
		pos = next;
		while (e > s && is_blank(base[e - 1]))
			e--;
		while (s < e && is_blank(base[s]))
			s++;
		if (s == e)
			continue;                                   /* blank line */
		if (base[s] == '#' || (e - s >= 2 && base[s] == '/' && base[s + 1] == '/'))
			continue;                                   /* comment */
		/*
		 * The count: after the last space or tab. The stack is everything
		 * before that one separator (flamegraph.pl's `^(.*)\s+?(\d+...)$`),
		 * so "a;  3" has a last frame " " and writes back byte for byte.
		 */
		size_t c = e;
		while (c > s && base[c - 1] != ' ' && base[c - 1] != '\t')
			c--;
		size_t se = c > s ? c - 1 : s;   /* > s: base[s] is not blank */
		count cnt;
		int cr = c > s ? parse_count(base + c, base + e, &cnt) : COUNT_BAD;
		/* text has no NUL: a stack with one is not a folded line */
		if (cr == COUNT_OK && memchr(base + s, 0, se - s))
			cr = COUNT_BAD;
		if (cr == COUNT_HUGE) {
			char ex[48];
			excerpt(base + c, e - c, ex, sizeof ex);
			rc = mt_error_set(err, MT_ELIMIT, text_orig_off(&st.t, line_off),
				"expected a count below 2^63, found %s", ex);
			goto fail;
		}
		if (cr == COUNT_BAD) {
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
		if (cnt.dec > decimals)
			decimals = cnt.dec;
		frac_nonzero |= cnt.frac_nonzero;
		if (cnt.lossy && opts && opts->strict) {
			char ex[48];
			excerpt(base + c, e - c, ex, sizeof ex);
			rc = mt_error_set(err, MT_ELIMIT, text_orig_off(&st.t, line_off),
				"expected a count with at most %u decimals, found %s", FOLDED_MAX_DECIMALS, ex);
			goto fail;
		}
		lossy |= cnt.lossy;

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
		i128 sum = st.acc[si].sum + cnt.v;
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

	if (invalid) {
		char msg[80];
		snprintf(msg, sizeof msg, "Ignored %llu lines with invalid format",
			(unsigned long long)invalid);
		emit_warning(opts, msg);
	}
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
