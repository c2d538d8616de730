/*
 * core/reader.h - a bounded, sticky byte reader for binary formats.
 *
 * Never reads outside [p, end). Once an error is set in r->err, every read
 * returns 0 and leaves the position alone, so a parser can read several
 * fields and check once. Offsets in errors are relative to r->base plus
 * r->base_off (the offset of base in the whole input).
 */
#ifndef MT_CORE_READER_H
#define MT_CORE_READER_H

#include <stddef.h>
#include <stdint.h>

#include "memtracer/error.h"

typedef struct mt_reader {
	const uint8_t *base;   /* start of the whole input */
	const uint8_t *p;      /* next byte */
	const uint8_t *end;    /* one past the last readable byte */
	mt_error *err;         /* sticky error */
} mt_reader;

static inline mt_reader mt_rd_init(const uint8_t *data, size_t len, mt_error *err)
{
	mt_reader r = { data, data, data + len, err };
	return r;
}

static inline int mt_rd_ok(const mt_reader *r) { return r->err == NULL || r->err->code == 0; }
static inline uint64_t mt_rd_off(const mt_reader *r) { return (uint64_t)(r->p - r->base); }
static inline size_t mt_rd_left(const mt_reader *r) { return (size_t)(r->end - r->p); }
static inline int mt_rd_eof(const mt_reader *r) { return r->p >= r->end; }

/* Unsigned LEB128 varint, at most 10 bytes. */
uint64_t mt_rd_varint(mt_reader *r);
uint8_t mt_rd_u8(mt_reader *r);
uint16_t mt_rd_u16be(mt_reader *r);
uint32_t mt_rd_u32be(mt_reader *r);
uint64_t mt_rd_u64be(mt_reader *r);
uint32_t mt_rd_u32le(mt_reader *r);
uint64_t mt_rd_u64le(mt_reader *r);

/* @n bytes in place, or NULL (error set) when fewer remain. */
const uint8_t *mt_rd_bytes(mt_reader *r, size_t n);

/* Skips @n bytes. */
void mt_rd_skip(mt_reader *r, uint64_t n);

/*
 * A child reader over the next @len bytes; the parent is advanced past
 * them whatever the child consumes. On a short input the error is set and
 * an empty child is returned.
 */
mt_reader mt_rd_sub(mt_reader *r, uint64_t len);

/* Sets the error at the current offset (first error wins). Returns code. */
int mt_rd_fail(mt_reader *r, int code, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 3, 4)))
#endif
	;

#endif
