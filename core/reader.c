/*
 * core/reader.c - bounded, sticky reads (see reader.h).
 */
#include <stdarg.h>
#include <stdio.h>

#include "reader.h"

int mt_rd_fail(mt_reader *r, int code, const char *fmt, ...)
{
	if (!r->err || r->err->code != 0)
		return code;
	char msg[sizeof r->err->msg];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	mt_error_set(r->err, code, mt_rd_off(r), "%s", msg);
	r->p = r->end;
	return code;
}

static int need(mt_reader *r, size_t n)
{
	if (!mt_rd_ok(r))
		return 0;
	if ((size_t)(r->end - r->p) < n) {
		mt_rd_fail(r, MT_ETRUNC, "expected %zu more bytes, found %zu before the end of input",
			n, (size_t)(r->end - r->p));
		return 0;
	}
	return 1;
}

uint64_t mt_rd_varint(mt_reader *r)
{
	if (!mt_rd_ok(r))
		return 0;
	uint64_t v = 0;
	const uint8_t *p = r->p;
	for (int i = 0; i < 10; i++) {
		if (p >= r->end) {
			mt_rd_fail(r, MT_ETRUNC, "expected a varint, found the end of input");
			return 0;
		}
		uint8_t b = *p++;
		if (i == 9 && b > 1) {
			mt_rd_fail(r, MT_EFORMAT, "expected a varint of at most 64 bits, found a longer one");
			return 0;
		}
		v |= (uint64_t)(b & 0x7f) << (7 * i);
		if (!(b & 0x80)) {
			r->p = p;
			return v;
		}
	}
	mt_rd_fail(r, MT_EFORMAT, "expected a varint of at most 10 bytes, found a longer one");
	return 0;
}

uint8_t mt_rd_u8(mt_reader *r)
{
	if (!need(r, 1))
		return 0;
	return *r->p++;
}

uint16_t mt_rd_u16be(mt_reader *r)
{
	if (!need(r, 2))
		return 0;
	uint16_t v = (uint16_t)((r->p[0] << 8) | r->p[1]);
	r->p += 2;
	return v;
}

uint32_t mt_rd_u32be(mt_reader *r)
{
	if (!need(r, 4))
		return 0;
	uint32_t v = ((uint32_t)r->p[0] << 24) | ((uint32_t)r->p[1] << 16) |
		((uint32_t)r->p[2] << 8) | r->p[3];
	r->p += 4;
	return v;
}

uint64_t mt_rd_u64be(mt_reader *r)
{
	uint64_t hi = mt_rd_u32be(r);
	uint64_t lo = mt_rd_u32be(r);
	return (hi << 32) | lo;
}

uint32_t mt_rd_u32le(mt_reader *r)
{
	if (!need(r, 4))
		return 0;
	uint32_t v = ((uint32_t)r->p[3] << 24) | ((uint32_t)r->p[2] << 16) |
		((uint32_t)r->p[1] << 8) | r->p[0];
	r->p += 4;
	return v;
}

uint64_t mt_rd_u64le(mt_reader *r)
{
	uint64_t lo = mt_rd_u32le(r);
	uint64_t hi = mt_rd_u32le(r);
	return (hi << 32) | lo;
}

const uint8_t *mt_rd_bytes(mt_reader *r, size_t n)
{
	if (!need(r, n))
		return NULL;
	const uint8_t *p = r->p;
	r->p += n;
	return p;
}

void mt_rd_skip(mt_reader *r, uint64_t n)
{
	if (n > SIZE_MAX) {
		mt_rd_fail(r, MT_ETRUNC, "expected %llu more bytes, found %zu before the end of input",
			(unsigned long long)n, mt_rd_left(r));
		return;
	}
	if (need(r, (size_t)n))
		r->p += n;
}

mt_reader mt_rd_sub(mt_reader *r, uint64_t len)
{
	mt_reader c = { r->base, r->p, r->p, r->err };
	if (len > SIZE_MAX || !need(r, (size_t)len))
		return c;
	c.end = r->p + len;
	r->p += len;
	return c;
}
