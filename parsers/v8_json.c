/*
 * parsers/v8_json.c - streaming, bounded JSON pull parser (RFC 8259) for
 * V8 heap snapshots; see v8_json.h.
 *
 * The input sits in one refill buffer (1 MiB): consumed bytes are dropped
 * by moving the unread tail to the front before each read, so memory does
 * not depend on the input size. Strings are decoded into their own
 * growable buffer (bounded by max_str), so a string may span any number of
 * refills. Nesting is tracked in a byte stack (bounded by max_depth); no
 * function recurses.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mt_internal.h"
#include "parsers/v8_json.h"

#define BUF_CAP ((size_t)1 << 20)
/* the fast path parses a number only when this many bytes follow it in the buffer */
#define FAST_LOOKAHEAD 40

enum {
	ST_START = 0,   /* the top-level value */
	ST_VALUE,       /* a value (after ':' or after ',' in an array) */
	ST_ARR_FIRST,   /* after '[': a value or ']' */
	ST_OBJ_FIRST,   /* after '{': a key or '}' */
	ST_KEY,         /* after ',' in an object: a key */
	ST_AFTER,       /* after a value in a container: ',' or the closing bracket */
	ST_DONE         /* after the top-level value: the end of the input */
};

static int fill(mt_vj *j)
{
	if (j->eof)
		return 0;
	if (j->pos) {
		memmove(j->buf, j->buf + j->pos, j->len - j->pos);
		j->base += j->pos;
		j->len -= j->pos;
		j->pos = 0;
	}
	if (j->len == j->cap)
		return 0; /* full: callers never need more than a few bytes of lookahead */
	size_t got = 0;
	if (j->s) {
		int rc = mt_stream_read(j->s, j->buf + j->len, j->cap - j->len, &got, j->err);
		if (rc)
			return rc;
	} else {
		got = j->src_len - j->src_pos;
		if (got > j->cap - j->len)
			got = j->cap - j->len;
		if (got)
			memcpy(j->buf + j->len, j->src + j->src_pos, got);
		j->src_pos += got;
	}
	if (got == 0)
		j->eof = 1;
	j->len += got;
	return 0;
}

/* at least @k unread bytes, unless the input ends first */
static int ensure(mt_vj *j, size_t k)
{
	while (j->len - j->pos < k && !j->eof) {
		int rc = fill(j);
		if (rc)
			return rc;
	}
	return 0;
}

static int init_common(mt_vj *j, mt_error *err)
{
	j->err = err;
	j->max_str = MT_VJ_DEFAULT_MAX_STR;
	j->max_depth = MT_VJ_DEFAULT_MAX_DEPTH;
	j->str_cap = 256;
	j->str = malloc(j->str_cap);
	j->stack_cap = 64;
	j->stack = malloc(j->stack_cap);
	if (!j->str || !j->stack) {
		mt_vj_free(j);
		return mt_error_set(err, MT_ENOMEM, MT_NO_OFFSET, "out of memory");
	}
	j->str[0] = '\0';
	j->state = ST_START;
	return 0;
}

int mt_vj_init_stream(mt_vj *j, mt_stream *s, mt_error *err)
{
	memset(j, 0, sizeof *j);
	j->s = s;
	j->cap = BUF_CAP;
	j->buf = malloc(j->cap);
	j->owns_buf = 1;
	if (!j->buf) {
		memset(j, 0, sizeof *j);
		return mt_error_set(err, MT_ENOMEM, MT_NO_OFFSET, "out of memory");
	}
	j->base = mt_stream_offset(s);
	return init_common(j, err);
}

int mt_vj_init_memory(mt_vj *j, const uint8_t *data, size_t len, mt_error *err)
{
	memset(j, 0, sizeof *j);
	j->buf = (uint8_t *)(uintptr_t)data; /* never written in memory mode */
	j->cap = j->len = len;
	j->eof = 1;
	return init_common(j, err);
}

int mt_vj_init_chunked(mt_vj *j, const uint8_t *data, size_t len, size_t bufcap, mt_error *err)
{
	memset(j, 0, sizeof *j);
	j->src = data;
	j->src_len = len;
	j->cap = bufcap < 64 ? 64 : bufcap;
	j->buf = malloc(j->cap);
	j->owns_buf = 1;
	if (!j->buf) {
		memset(j, 0, sizeof *j);
		return mt_error_set(err, MT_ENOMEM, MT_NO_OFFSET, "out of memory");
	}
	return init_common(j, err);
}

void mt_vj_free(mt_vj *j)
{
	if (j->owns_buf)
		free(j->buf);
	free(j->str);
	free(j->stack);
	memset(j, 0, sizeof *j);
}

/* ---- messages ---- */

static const char *describe_byte(int c, char *tmp, size_t cap)
{
	switch (c) {
	case -1: return "the end of the input";
	case '"': return "a string";
	case '{': return "an object";
	case '[': return "an array";
	case '}': return "'}'";
	case ']': return "']'";
	case ',': return "','";
	case ':': return "':'";
	case '-': return "a negative number";
	case 't': return "true";
	case 'f': return "false";
	case 'n': return "null";
	default: break;
	}
	if (c >= '0' && c <= '9')
		return "a number";
	if (c > 0x20 && c < 0x7f)
		snprintf(tmp, cap, "'%c'", c);
	else
		snprintf(tmp, cap, "byte 0x%02x", (unsigned)c);
	return tmp;
}

const char *mt_vj_describe(const mt_vj_tok *t)
{
	switch (t->kind) {
	case MT_VJ_EOF: return "the end of the input";
	case MT_VJ_OBJ_BEGIN: return "an object";
	case MT_VJ_OBJ_END: return "'}'";
	case MT_VJ_ARR_BEGIN: return "an array";
	case MT_VJ_ARR_END: return "']'";
	case MT_VJ_KEY: return "a key";
	case MT_VJ_STRING: return "a string";
	case MT_VJ_TRUE: return "true";
	case MT_VJ_FALSE: return "false";
	case MT_VJ_NULL: return "null";
	case MT_VJ_NUMBER:
		switch (t->num) {
		case MT_VJ_NEGATIVE: return "a negative number";
		case MT_VJ_FRACTION: return "a number with a fraction or an exponent";
		case MT_VJ_HUGE: return "a number above 2^64-1";
		default: return "a number";
		}
	}
	return "something else";
}

/* "expected @what, found <the byte at pos>"; the end of the input is MT_ETRUNC */
static int unexpected(mt_vj *j, const char *what)
{
	char tmp[16];
	int c = j->pos < j->len ? j->buf[j->pos] : -1;
	return mt_error_set(j->err, c < 0 ? MT_ETRUNC : MT_EFORMAT, j->base + j->pos,
		"expected %s, found %s", what, describe_byte(c, tmp, sizeof tmp));
}

/* skips whitespace; *c = the next byte (not consumed) or -1 at the end */
static int peek_nows(mt_vj *j, int *c)
{
	for (;;) {
		while (j->pos < j->len) {
			uint8_t b = j->buf[j->pos];
			if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
				*c = b;
				return 0;
			}
			j->pos++;
		}
		if (j->eof) {
			*c = -1;
			return 0;
		}
		int rc = fill(j);
		if (rc)
			return rc;
	}
}

static int push(mt_vj *j, uint8_t kind)
{
	if (j->depth >= j->max_depth)
		return mt_error_set(j->err, MT_ELIMIT, j->base + j->pos,
			"expected at most %u levels of nesting, found deeper", j->max_depth);
	if (j->depth == j->stack_cap) {
		uint32_t nc = j->stack_cap * 2;
		uint8_t *ns = realloc(j->stack, nc);
		if (!ns)
			return mt_error_set(j->err, MT_ENOMEM, j->base + j->pos, "out of memory");
		j->stack = ns;
		j->stack_cap = nc;
	}
	j->stack[j->depth++] = kind;
	return 0;
}

static void after_value(mt_vj *j)
{
	j->state = j->depth ? ST_AFTER : ST_DONE;
}

/* ---- strings ---- */

static int str_append(mt_vj *j, const void *p, size_t n, uint64_t start)
{
	if (n > j->max_str - j->str_len)
		return mt_error_set(j->err, MT_ELIMIT, start,
			"expected strings of at most %zu bytes, found a longer one", j->max_str);
	if (j->str_len + n + 1 > j->str_cap) {
		size_t nc = j->str_cap;
		while (nc < j->str_len + n + 1)
			nc = nc > SIZE_MAX / 2 ? SIZE_MAX : nc * 2;
		char *ns = realloc(j->str, nc);
		if (!ns)
			return mt_error_set(j->err, MT_ENOMEM, start, "out of memory for a string of %zu bytes",
				j->str_len + n);
		j->str = ns;
		j->str_cap = nc;
	}
	memcpy(j->str + j->str_len, p, n);
	j->str_len += n;
	return 0;
}

static int put_utf8(mt_vj *j, uint32_t cp, uint64_t start)
{
	uint8_t u[4];
	size_t n;
	if (cp < 0x80) {
		u[0] = (uint8_t)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (uint8_t)(0xc0 | (cp >> 6));
		u[1] = (uint8_t)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (uint8_t)(0xe0 | (cp >> 12));
		u[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (uint8_t)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (uint8_t)(0xf0 | (cp >> 18));
		u[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (uint8_t)(0x80 | (cp & 0x3f));
		n = 4;
	}
	return str_append(j, u, n, start);
}

static int hexval(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* 4 hex digits at buf[pos] (ensured by the caller); -1 if not hex */
static int32_t hex4(const uint8_t *p)
{
	int32_t v = 0;
	for (int i = 0; i < 4; i++) {
		int h = hexval(p[i]);
		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

/* at the opening quote; leaves the decoded string in j->str */
static int parse_string(mt_vj *j)
{
	uint64_t start = j->base + j->pos;
	int rc;
	j->pos++;
	j->str_len = 0;
	for (;;) {
		/* the longest run of plain bytes */
		size_t i = j->pos;
		const uint8_t *b = j->buf;
		while (i < j->len && b[i] != '"' && b[i] != '\\' && b[i] >= 0x20)
			i++;
		if (i > j->pos && (rc = str_append(j, b + j->pos, i - j->pos, start)))
			return rc;
		j->pos = i;
		if (i == j->len) {
			if (j->eof)
				return mt_error_set(j->err, MT_ETRUNC, j->base + j->pos,
					"expected the end of the string that starts at byte %llu, found the end of the input",
					(unsigned long long)start);
			if ((rc = fill(j)))
				return rc;
			continue;
		}
		uint8_t c = b[i];
		if (c == '"') {
			j->pos++;
			j->str[j->str_len] = '\0';
			return 0;
		}
		if (c < 0x20)
			return mt_error_set(j->err, MT_EFORMAT, j->base + j->pos,
				"expected an escaped control character in a string, found a raw byte 0x%02x", c);
		/* backslash: the escape needs up to 12 bytes (a surrogate pair) */
		if ((rc = ensure(j, 12)))
			return rc;
		b = j->buf;
		if (j->len - j->pos < 2)
			return mt_error_set(j->err, MT_ETRUNC, j->base + j->len,
				"expected an escape sequence, found the end of the input");
		uint64_t esc_off = j->base + j->pos;
		uint8_t e = b[j->pos + 1];
		char ch = 0;
		switch (e) {
		case '"': ch = '"'; break;
		case '\\': ch = '\\'; break;
		case '/': ch = '/'; break;
		case 'b': ch = '\b'; break;
		case 'f': ch = '\f'; break;
		case 'n': ch = '\n'; break;
		case 'r': ch = '\r'; break;
		case 't': ch = '\t'; break;
		case 'u': break;
		default: {
			char tmp[16];
			return mt_error_set(j->err, MT_EFORMAT, esc_off + 1,
				"expected an escape character (one of \"\\/bfnrtu), found %s",
				describe_byte(e, tmp, sizeof tmp));
		}
		}
		if (e != 'u') {
			if ((rc = str_append(j, &ch, 1, start)))
				return rc;
			j->pos += 2;
			continue;
		}
		if (j->len - j->pos < 6)
			return mt_error_set(j->err, MT_ETRUNC, j->base + j->len,
				"expected 4 hex digits after \\u, found the end of the input");
		int32_t cp = hex4(b + j->pos + 2);
		if (cp < 0) {
			char shown[7];
			for (int k = 0; k < 6; k++) {
				unsigned char sb = b[j->pos + (size_t)k];
				shown[k] = (sb < 0x20 || sb >= 0x7f) ? 0x3f : (char)sb; /* keep the message one printable line */
			}
			shown[6] = 0;
			return mt_error_set(j->err, MT_EFORMAT, esc_off,
				"expected 4 hex digits after \\u, found '%s'", shown);
		}
		j->pos += 6;
		if (cp >= 0xd800 && cp <= 0xdbff) {
			/* a high surrogate: a low one must follow, else U+FFFD */
			if (j->len - j->pos >= 6 && b[j->pos] == '\\' && b[j->pos + 1] == 'u') {
				int32_t lo = hex4(b + j->pos + 2);
				if (lo >= 0xdc00 && lo <= 0xdfff) {
					j->pos += 6;
					cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				} else {
					cp = 0xfffd;
				}
			} else {
				cp = 0xfffd;
			}
		} else if (cp >= 0xdc00 && cp <= 0xdfff) {
			cp = 0xfffd;
		}
		if ((rc = put_utf8(j, (uint32_t)cp, start)))
			return rc;
	}
}

/* ---- numbers and literals ---- */

/* At least one digit (else "expected @what"), then every digit after it, refilling as needed:
 * a number's fraction or exponent. */
static int skip_digits(mt_vj *j, const char *what)
{
	int rc;
	if ((rc = ensure(j, 1)))
		return rc;
	if (j->pos == j->len || j->buf[j->pos] - '0' >= 10u)
		return unexpected(j, what);
	for (;;) {
		if (j->pos == j->len) {
			if (j->eof)
				return 0;
			if ((rc = fill(j)))
				return rc;
			continue;
		}
		if (j->buf[j->pos] - '0' >= 10u)
			return 0;
		j->pos++;
	}
}

static int parse_number(mt_vj *j, mt_vj_tok *t)
{
	int rc;
	int neg = 0, frac = 0, huge = 0;
	uint64_t v = 0;
	if ((rc = ensure(j, 1)))
		return rc;
	if (j->buf[j->pos] == '-') {
		neg = 1;
		j->pos++;
	}
	if ((rc = ensure(j, 1)))
		return rc;
	if (j->pos == j->len || j->buf[j->pos] - '0' >= 10u)
		return unexpected(j, "a digit");
	if (j->buf[j->pos] == '0') {
		j->pos++;
	} else {
		for (;;) {
			if (j->pos == j->len) {
				if (j->eof)
					break;
				if ((rc = fill(j)))
					return rc;
				continue;
			}
			unsigned d = (unsigned)j->buf[j->pos] - '0';
			if (d >= 10)
				break;
			if (v > (UINT64_MAX - d) / 10)
				huge = 1;
			else
				v = v * 10 + d;
			j->pos++;
		}
	}
	if ((rc = ensure(j, 1)))
		return rc;
	if (j->pos < j->len && j->buf[j->pos] == '.') {
		frac = 1;
		j->pos++;
		if ((rc = skip_digits(j, "a digit after the decimal point")))
			return rc;
	}
	if ((rc = ensure(j, 2)))
		return rc;
	if (j->pos < j->len && (j->buf[j->pos] == 'e' || j->buf[j->pos] == 'E')) {
		frac = 1;
		j->pos++;
		if (j->pos < j->len && (j->buf[j->pos] == '+' || j->buf[j->pos] == '-'))
			j->pos++;
		if ((rc = skip_digits(j, "a digit in the exponent")))
			return rc;
	}
	t->kind = MT_VJ_NUMBER;
	t->u = v;
	t->num = frac ? MT_VJ_FRACTION : neg ? MT_VJ_NEGATIVE : huge ? MT_VJ_HUGE : MT_VJ_UINT;
	return 0;
}

static int parse_literal(mt_vj *j, mt_vj_tok *t, const char *word, mt_vj_kind kind)
{
	size_t n = strlen(word);
	int rc = ensure(j, n);
	if (rc)
		return rc;
	if (j->len - j->pos < n || memcmp(j->buf + j->pos, word, n) != 0) {
		/* point at the first byte that differs */
		size_t i = 0;
		while (i < n && j->pos + i < j->len && j->buf[j->pos + i] == (uint8_t)word[i])
			i++;
		j->pos += i;
		char what[32];
		snprintf(what, sizeof what, "'%s'", word);
		return unexpected(j, what);
	}
	j->pos += n;
	t->kind = kind;
	return 0;
}

/* ---- events ---- */

static int parse_value(mt_vj *j, mt_vj_tok *t, int c)
{
	int rc;
	switch (c) {
	case '{':
		if ((rc = push(j, 'o')))
			return rc;
		j->pos++;
		j->state = ST_OBJ_FIRST;
		t->kind = MT_VJ_OBJ_BEGIN;
		return 0;
	case '[':
		if ((rc = push(j, 'a')))
			return rc;
		j->pos++;
		j->state = ST_ARR_FIRST;
		t->kind = MT_VJ_ARR_BEGIN;
		return 0;
	case '"':
		if ((rc = parse_string(j)))
			return rc;
		t->kind = MT_VJ_STRING;
		t->str = j->str;
		t->len = j->str_len;
		break;
	case 't':
		rc = parse_literal(j, t, "true", MT_VJ_TRUE);
		break;
	case 'f':
		rc = parse_literal(j, t, "false", MT_VJ_FALSE);
		break;
	case 'n':
		rc = parse_literal(j, t, "null", MT_VJ_NULL);
		break;
	default:
		if (c == '-' || (c >= '0' && c <= '9')) {
			rc = parse_number(j, t);
			break;
		}
		return unexpected(j, "a value");
	}
	if (rc)
		return rc;
	after_value(j);
	return 0;
}

int mt_vj_next(mt_vj *j, mt_vj_tok *t)
{
	int rc, c;
	if (j->err && j->err->code)
		return j->err->code;
	memset(t, 0, sizeof *t);
	for (;;) {
		if ((rc = peek_nows(j, &c)))
			return rc;
		t->off = j->base + j->pos;
		switch (j->state) {
		case ST_DONE:
			if (c != -1)
				return unexpected(j, "the end of the input after the top-level value");
			t->kind = MT_VJ_EOF;
			return 0;
		case ST_AFTER: {
			uint8_t top = j->stack[j->depth - 1];
			if (c == ',') {
				j->pos++;
				j->state = top == 'a' ? ST_VALUE : ST_KEY;
				continue;
			}
			if ((top == 'a' && c == ']') || (top == 'o' && c == '}')) {
				j->pos++;
				j->depth--;
				after_value(j);
				t->kind = top == 'a' ? MT_VJ_ARR_END : MT_VJ_OBJ_END;
				return 0;
			}
			return unexpected(j, top == 'a' ? "',' or ']'" : "',' or '}'");
		}
		case ST_OBJ_FIRST:
		case ST_KEY:
			if (c == '}' && j->state == ST_OBJ_FIRST) {
				j->pos++;
				j->depth--;
				after_value(j);
				t->kind = MT_VJ_OBJ_END;
				return 0;
			}
			if (c != '"')
				return unexpected(j, j->state == ST_OBJ_FIRST ? "a key (a string) or '}'" : "a key (a string)");
			if ((rc = parse_string(j)))
				return rc;
			if ((rc = peek_nows(j, &c)))
				return rc;
			if (c != ':')
				return unexpected(j, "':' after the key");
			j->pos++;
			j->state = ST_VALUE;
			t->kind = MT_VJ_KEY;
			t->str = j->str;
			t->len = j->str_len;
			return 0;
		case ST_ARR_FIRST:
			if (c == ']') {
				j->pos++;
				j->depth--;
				after_value(j);
				t->kind = MT_VJ_ARR_END;
				return 0;
			}
			/* fall through */
		default:
			if (c == -1)
				return unexpected(j, "a value");
			return parse_value(j, t, c);
		}
	}
}

int mt_vj_skip(mt_vj *j, const mt_vj_tok *first, uint64_t *nelems)
{
	if (nelems)
		*nelems = 0;
	if (first->kind != MT_VJ_OBJ_BEGIN && first->kind != MT_VJ_ARR_BEGIN)
		return 0;
	uint32_t inner = j->depth; /* depth inside the value being skipped */
	int is_array = first->kind == MT_VJ_ARR_BEGIN;
	uint64_t count = 0;
	mt_vj_tok t;
	for (;;) {
		int rc = mt_vj_next(j, &t);
		if (rc)
			return rc;
		switch (t.kind) {
		case MT_VJ_OBJ_END:
		case MT_VJ_ARR_END:
			if (j->depth < inner) {
				if (nelems)
					*nelems = is_array ? count : 0;
				return 0;
			}
			break;
		case MT_VJ_OBJ_BEGIN:
		case MT_VJ_ARR_BEGIN:
			if (j->depth == inner + 1)
				count++;
			break;
		case MT_VJ_KEY:
			break;
		case MT_VJ_EOF:
			return mt_error_set(j->err, MT_ETRUNC, t.off, "expected the end of a value, found the end of the input");
		default:
			if (j->depth == inner)
				count++;
			break;
		}
	}
}

/* ---- moving within an array (parsers/v8_heap.c reads one on another thread) ---- */

/* the next byte read is the one at input offset @off */
static int reposition(mt_vj *j, uint64_t off)
{
	if (!j->s && !j->src) {   /* memory mode: the whole input is in buf */
		if (off < j->base || off - j->base > j->len)
			return mt_error_set(j->err, MT_EINVAL, off, "expected an offset within the input");
		j->pos = (size_t)(off - j->base);
		return 0;
	}
	if (j->s) {
		int rc = mt_stream__seek(j->s, off, j->err);
		if (rc)
			return rc;
	} else {
		if (off > j->src_len)
			return mt_error_set(j->err, MT_EINVAL, off, "expected an offset within the input");
		j->src_pos = (size_t)off;
	}
	j->pos = j->len = 0;
	j->base = off;
	j->eof = 0;
	return 0;
}

int mt_vj__skip_array(mt_vj *j, uint64_t close_off)
{
	uint64_t at = j->base + j->pos;
	if (j->depth == 0 || j->stack[j->depth - 1] != 'a' || j->state != ST_ARR_FIRST || close_off < at)
		return mt_error_set(j->err, MT_EINVAL, close_off, "expected to be right after an array's '['");
	int rc = reposition(j, close_off + 1);
	if (rc)
		return rc;
	j->close_off = close_off;
	j->depth--;
	after_value(j);
	return 0;
}

int mt_vj__enter_array(mt_vj *j)
{
	int rc = push(j, 'a');
	if (rc)
		return rc;
	j->state = ST_VALUE;
	return 0;
}

/* ---- the integer-array fast path ---- */

static int fast_unexpected(mt_vj *j, const uint8_t *p, int st)
{
	j->pos = (size_t)(p - j->buf);
	if (st == ST_AFTER)
		return unexpected(j, "',' or ']'");
	if (*p == '-')
		return mt_error_set(j->err, MT_EFORMAT, j->base + j->pos,
			"expected a non-negative integer, found a negative number");
	return unexpected(j, "a non-negative integer");
}

int mt_vj_uints(mt_vj *j, uint64_t *vals, uint64_t *offs, size_t cap, size_t *n, int *closed)
{
	*n = 0;
	*closed = 0;
	if (j->err && j->err->code)
		return j->err->code;
	int st = j->state;
	if (j->depth == 0 || j->stack[j->depth - 1] != 'a' ||
	    (st != ST_ARR_FIRST && st != ST_VALUE && st != ST_AFTER))
		return mt_error_set(j->err, MT_EINVAL, j->base + j->pos, "expected to be inside an array");
	size_t k = 0;
	for (;;) {
		if (j->len - j->pos <= FAST_LOOKAHEAD && !j->eof) {
			int rc = fill(j);
			if (rc)
				return rc;
			continue;
		}
		const uint8_t *b = j->buf, *p = b + j->pos, *end = b + j->len;
		const uint8_t *lim = j->eof ? end : end - FAST_LOOKAHEAD;
		while (p < lim && k < cap) {
			uint8_t c = *p;
			/* a number first: it is what nearly every byte run here is */
			if (st != ST_AFTER && (unsigned)(c - '0') < 10u) {
				const uint8_t *s0 = p++;
				uint64_t v = (uint64_t)(c - '0');
				if (c != '0') {
					/* up to 19 digits cannot overflow: no check in the common case */
					const uint8_t *q = end - s0 > 19 ? s0 + 19 : end;
					while (p < q && (unsigned)(*p - '0') < 10u)
						v = v * 10 + (unsigned)(*p++ - '0');
					while (p < end && (unsigned)(*p - '0') < 10u) {
						unsigned d = (unsigned)(*p - '0');
						if (v > (UINT64_MAX - d) / 10) {
							j->pos = (size_t)(s0 - b);
							return mt_error_set(j->err, MT_EFORMAT, j->base + j->pos,
								"expected a non-negative integer below 2^64, found a larger one");
						}
						v = v * 10 + d;
						p++;
					}
				}
				uint8_t nx = p < end ? *p : 0;
				if (nx == '.' || nx == 'e' || nx == 'E') {
					j->pos = (size_t)(s0 - b);
					return mt_error_set(j->err, MT_EFORMAT, j->base + j->pos,
						"expected a non-negative integer, found a number with a fraction or an exponent");
				}
				vals[k] = v;
				offs[k] = j->base + (uint64_t)(s0 - b);
				k++;
				st = ST_AFTER;
				/* the separator V8 writes after it: ',' or (between node tuples) "\n," */
				if (nx == ',') {
					p++;
					st = ST_VALUE;
				} else if (nx == '\n' && end - p > 1 && p[1] == ',') {
					p += 2;
					st = ST_VALUE;
				}
				continue;
			}
			if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
				p++;
				continue;
			}
			if (st == ST_AFTER) {
				if (c == ',') {
					p++;
					st = ST_VALUE;
					continue;
				}
				if (c == ']')
					goto close;
				return fast_unexpected(j, p, st);
			}
			if (c == ']' && st == ST_ARR_FIRST)
				goto close;
			return fast_unexpected(j, p, st);
		}
		j->pos = (size_t)(p - b);
		if (k == cap) {
			j->state = st;
			*n = k;
			return 0;
		}
		if (p >= end && j->eof) {
			j->state = st;
			if (j->open_end && st == ST_VALUE) {   /* a piece of an array that ends after a ',' */
				j->ended = 1;
				*n = k;
				return 0;
			}
			return unexpected(j, st == ST_AFTER ? "',' or ']'" : "a non-negative integer");
		}
		continue;
close:
		j->pos = (size_t)(p - b);
		j->close_off = j->base + j->pos;
		j->pos++;
		j->depth--;
		after_value(j);
		*closed = 1;
		*n = k;
		return 0;
	}
}
