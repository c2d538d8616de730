/*
 * core/json.c - JSON string and number writing (RFC 8259).
 * Invalid UTF-8 becomes U+FFFD so the output is always valid JSON.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "memtracer/json.h"

/* Length of a valid UTF-8 sequence at @p (max @n bytes), or 0. */
static size_t utf8_len(const unsigned char *p, size_t n)
{
	unsigned char c = p[0];
	size_t len;
	uint32_t cp;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

int mt_json_str(mt_sink *s, const char *str, size_t len)
{
	const unsigned char *p = (const unsigned char *)str;
	char buf[256];
	size_t b = 0;
	buf[b++] = '"';
	for (size_t i = 0; i < len;) {
		if (b > sizeof buf - 16) {
			mt_sink_write(s, buf, b);
			b = 0;
		}
		unsigned char c = p[i];
		if (c == '"' || c == '\\') {
			buf[b++] = '\\';
			buf[b++] = (char)c;
			i++;
		} else if (c == '/' && i > 0 && p[i - 1] == '<') {
			buf[b++] = '\\';
			buf[b++] = '/';
			i++;
		} else if (c < 0x20 || c == 0x7f) {
			switch (c) {
			case '\n': buf[b++] = '\\'; buf[b++] = 'n'; break;
			case '\t': buf[b++] = '\\'; buf[b++] = 't'; break;
			case '\r': buf[b++] = '\\'; buf[b++] = 'r'; break;
			default: b += (size_t)snprintf(buf + b, 8, "\\u%04x", c); break;
			}
			i++;
		} else if (c < 0x80) {
			buf[b++] = (char)c;
			i++;
		} else {
			size_t l = utf8_len(p + i, len - i);
			if (l == 0) {
				memcpy(buf + b, "\\ufffd", 6);
				b += 6;
				i++;
			} else {
				memcpy(buf + b, p + i, l);
				b += l;
				i += l;
			}
		}
	}
	buf[b++] = '"';
	return mt_sink_write(s, buf, b);
}

int mt_json_cstr(mt_sink *s, const char *str)
{
	return mt_json_str(s, str ? str : "", str ? strlen(str) : 0);
}

int mt_json_i64(mt_sink *s, int64_t v)
{
	char buf[32];
	int n = snprintf(buf, sizeof buf, "%" PRId64, v);
	return mt_sink_write(s, buf, (size_t)n);
}

/* ---- object builder ---- */

void mt_jobj_begin(mt_jobj *o)
{
	memset(o, 0, sizeof *o);
	o->sink = mt_sink_membuf(&o->buf);
	mt_sink_puts(&o->sink, "{");
}

static void key(mt_jobj *o, const char *k)
{
	if (o->nfields++)
		mt_sink_puts(&o->sink, ",");
	mt_json_cstr(&o->sink, k);
	mt_sink_puts(&o->sink, ":");
}

void mt_jobj_str(mt_jobj *o, const char *k, const char *val, size_t len)
{
	key(o, k);
	mt_json_str(&o->sink, val ? val : "", val ? len : 0);
}

void mt_jobj_cstr(mt_jobj *o, const char *k, const char *val)
{
	key(o, k);
	mt_json_cstr(&o->sink, val);
}

void mt_jobj_i64(mt_jobj *o, const char *k, int64_t v)
{
	key(o, k);
	mt_json_i64(&o->sink, v);
}

void mt_jobj_f64(mt_jobj *o, const char *k, double v)
{
	key(o, k);
	char buf[64];
	if (v != v || v > 1e300 || v < -1e300)
		snprintf(buf, sizeof buf, "null");
	else if (v == (double)(int64_t)v && v < 9e15 && v > -9e15)
		snprintf(buf, sizeof buf, "%lld", (long long)v);
	else
		snprintf(buf, sizeof buf, "%.6g", v);
	mt_sink_puts(&o->sink, buf);
}

void mt_jobj_raw(mt_jobj *o, const char *k, const char *raw)
{
	key(o, k);
	mt_sink_puts(&o->sink, raw && *raw ? raw : "null");
}

void mt_jobj_strarr(mt_jobj *o, const char *k, const char *const *vals, size_t n)
{
	key(o, k);
	mt_sink_puts(&o->sink, "[");
	for (size_t i = 0; i < n; i++) {
		if (i)
			mt_sink_puts(&o->sink, ",");
		mt_json_cstr(&o->sink, vals[i]);
	}
	mt_sink_puts(&o->sink, "]");
}

int mt_jobj_end(mt_jobj *o)
{
	mt_sink_puts(&o->sink, "}");
	return o->sink.failed;
}

void mt_jobj_free(mt_jobj *o)
{
	mt_membuf_free(&o->buf);
}
