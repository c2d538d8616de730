/*
 * core/mt_internal.h - helpers shared by the library's own sources.
 * Not part of the public API.
 */
#ifndef MT_CORE_INTERNAL_H
#define MT_CORE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "memtracer/error.h"
#include "memtracer/io.h"
#include "mt_config.h"

/*
 * Ensures *@ptr (an array of @elsize-byte elements with capacity *@cap)
 * can hold @need elements, growing by doubling. Returns 0 or MT_ENOMEM
 * (also on size overflow); *@ptr is unchanged on failure.
 */
int mt_grow(void *ptr, size_t *cap, size_t need, size_t elsize);

/* The same with uint32_t capacity counters. */
int mt_grow32(void *ptr, uint32_t *cap, uint64_t need, size_t elsize);

/* count*size with overflow check: 0 on overflow. */
static inline int mt_mul_ok(size_t a, size_t b, size_t *out)
{
	if (b && a > SIZE_MAX / b)
		return 0;
	*out = a * b;
	return 1;
}

/* Saturating add for value sums. */
static inline int64_t mt_sat_add(int64_t a, int64_t b)
{
	int64_t r;
	if (__builtin_add_overflow(a, b, &r))
		return b > 0 ? INT64_MAX : INT64_MIN;
	return r;
}

/*
 * MT_FAIL_IF(err, cond, code, offset, fmt, ...): when @cond holds, records
 * the error and returns @code from the enclosing function.
 */
#define MT_FAIL_IF(err, cond, code, offset, ...)                        \
	do {                                                                \
		if (cond)                                                       \
			return mt_error_set((err), (code), (offset), __VA_ARGS__); \
	} while (0)

/*
 * Streams over plain files, for readers that work on two parts of a file
 * at once (parsers/v8_heap.c).
 * mt_stream__plain_fd: the descriptor of a stream opened on a regular,
 * uncompressed file by path (its byte offsets are file offsets), with the
 * file's size in *@size; -1 for stdin, gzip, pipes.
 * mt_stream__seek: the next byte read is the one at @off (a plain file or
 * a positional stream); read-ahead is dropped.
 * mt_stream__open_at: a stream reading @fd (not owned) from @off up to
 * @end (exclusive) with pread(2), so that it shares the descriptor with
 * another stream safely.
 */
int mt_stream__plain_fd(const mt_stream *s, uint64_t *size);
int mt_stream__seek(mt_stream *s, uint64_t off, mt_error *err);
int mt_stream__open_at(mt_stream **out, int fd, uint64_t off, uint64_t end, mt_error *err);
/*
 * gzip files of at least this many bytes are inflated on a second thread
 * (a ring of four 1 MB slots), handing out the same bytes and errors;
 * tests set 0 to reach it on small files and SIZE_MAX to turn it off.
 */
extern size_t mt_stream__inflate_thread_min;
int mt_stream__inflating_thread(const mt_stream *s);   /* 1 when @s has that thread */

/* analysis/heap_dominators.c: graphs of this many nodes have their distances found on a second thread (tests lower it) */
extern size_t mt_heap__dist_thread_min;

/*
 * MT_LOWER_BOUND(arr, n, member, key): the index of the first of the @n
 * elements of @arr, sorted by "arr[i] member", whose key is not below
 * @key (@n when none). @member names the field (".id") or is left empty
 * for an array of plain keys.
 */
#define MT_LOWER_BOUND(arr, n, member, key)                              \
	__extension__({                                                      \
		size_t lo_ = 0, hi_ = (n);                                       \
		while (lo_ < hi_) {                                              \
			size_t mid_ = lo_ + (hi_ - lo_) / 2;                         \
			if ((arr)[mid_] member < (key))                              \
				lo_ = mid_ + 1;                                          \
			else                                                         \
				hi_ = mid_;                                              \
		}                                                                \
		lo_;                                                             \
	})

/* 64-bit FNV-1a, used for deterministic colours and hashing. */
static inline uint64_t mt_hash64(const void *data, size_t len)
{
	const unsigned char *p = (const unsigned char *)data;
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 1099511628211ULL;
	}
	return h;
}

#endif
