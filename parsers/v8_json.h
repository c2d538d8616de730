/*
 * parsers/v8_json.h - a streaming, bounded JSON pull parser (internal).
 *
 * Built for V8 heap snapshots (RFC 8259 JSON, hundreds of MB): the input
 * is consumed through a fixed refill buffer from an mt_stream (or from
 * memory, for tests and fuzzing); no DOM is ever built. The parser checks
 * the grammar itself (commas, colons, nesting) and hands out events:
 * object/array begin and end, keys, strings, numbers, literals, each with
 * the byte offset of its first byte in the (inflated) input.
 *
 * Strings are decoded (all escapes, \uXXXX surrogate pairs to UTF-8, lone
 * surrogates to U+FFFD) into a growable buffer capped at max_str bytes;
 * nesting is capped at max_depth (MT_ELIMIT beyond). Nothing recurses.
 *
 * mt_vj_uints() is the fast path for the huge flat integer arrays
 * (nodes, edges): it parses digits straight from the buffer in batches.
 */
#ifndef MT_PARSERS_V8_JSON_H
#define MT_PARSERS_V8_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "memtracer/error.h"
#include "memtracer/io.h"

#define MT_VJ_DEFAULT_MAX_STR ((size_t)512 << 20)
#define MT_VJ_DEFAULT_MAX_DEPTH 4096u

typedef enum mt_vj_kind {
	MT_VJ_EOF = 0,      /* after the single top-level value */
	MT_VJ_OBJ_BEGIN,
	MT_VJ_OBJ_END,
	MT_VJ_ARR_BEGIN,
	MT_VJ_ARR_END,
	MT_VJ_KEY,          /* an object key (str/len); the value follows */
	MT_VJ_STRING,
	MT_VJ_NUMBER,
	MT_VJ_TRUE,
	MT_VJ_FALSE,
	MT_VJ_NULL
} mt_vj_kind;

/* What kind of number a MT_VJ_NUMBER token is. */
typedef enum mt_vj_num {
	MT_VJ_UINT = 0,     /* a non-negative integer that fits in uint64 (in .u) */
	MT_VJ_NEGATIVE,     /* a negative integer */
	MT_VJ_FRACTION,     /* has a fraction or an exponent */
	MT_VJ_HUGE          /* a non-negative integer above 2^64-1 */
} mt_vj_num;

typedef struct mt_vj_tok {
	mt_vj_kind kind;
	uint64_t off;       /* offset of the token's first byte */
	const char *str;    /* KEY/STRING: decoded bytes, NUL-terminated; valid until the next call */
	size_t len;
	mt_vj_num num;      /* NUMBER */
	uint64_t u;         /* NUMBER with num == MT_VJ_UINT */
} mt_vj_tok;

typedef struct mt_vj {
	mt_stream *s;          /* NULL in memory mode */
	uint8_t *buf;          /* refill buffer (or the caller's bytes in memory mode) */
	size_t cap, pos, len;
	uint64_t base;         /* input offset of buf[0] */
	int eof;               /* no more bytes beyond buf[len] */
	int owns_buf;

	char *str;             /* decoded string */
	size_t str_len, str_cap;
	size_t max_str;        /* longest string accepted (bytes after decoding) */

	uint8_t *stack;        /* 'o' / 'a' per open container */
	uint32_t depth, stack_cap;
	uint32_t max_depth;
	int state;

	const uint8_t *src;    /* chunked memory mode: the bytes, copied in on refill */
	size_t src_len, src_pos;

	uint64_t close_off;    /* offset of the last ']' consumed by mt_vj_uints() */
	int open_end;          /* the input is a piece of an array that ends after a ',' ... */
	int ended;             /* ... and mt_vj_uints() reached that end */
	mt_error *err;
} mt_vj;

/* Reads from @s (not owned). */
int mt_vj_init_stream(mt_vj *j, mt_stream *s, mt_error *err);
/* Reads @len bytes at @data (not copied; must outlive the parser). */
int mt_vj_init_memory(mt_vj *j, const uint8_t *data, size_t len, mt_error *err);
/*
 * Reads @len bytes at @data through a refill buffer of @bufcap bytes
 * (at least 64), as a stream would: for tests and fuzzing of the refill
 * boundaries.
 */
int mt_vj_init_chunked(mt_vj *j, const uint8_t *data, size_t len, size_t bufcap, mt_error *err);
void mt_vj_free(mt_vj *j);

/*
 * The next event into @t. Returns 0 or a negative mt_code (with @err set:
 * "expected X, found Y" at the offending byte). After the top-level value
 * only whitespace may follow; then MT_VJ_EOF is returned (again and again).
 */
int mt_vj_next(mt_vj *j, mt_vj_tok *t);

/*
 * Skips the value that @first (just returned by mt_vj_next) begins; for an
 * array, *@nelems (may be NULL) receives its number of elements.
 */
int mt_vj_skip(mt_vj *j, const mt_vj_tok *first, uint64_t *nelems);

/*
 * Fast path, right after MT_VJ_ARR_BEGIN (or a previous call that did not
 * close the array): parses up to @cap non-negative integers of the current
 * array into @vals with their offsets in @offs; *@n receives how many.
 * Sets *@closed to 1 when the array's ']' was consumed (its offset is in
 * j->close_off). Any element that is not a non-negative integer below 2^64
 * is an error ("expected a non-negative integer, found ...").
 */
int mt_vj_uints(mt_vj *j, uint64_t *vals, uint64_t *offs, size_t cap, size_t *n, int *closed);

/*
 * Right after an array's '[' that another parser read (on the same bytes):
 * continues after the array's ']' at @close_off, as if it had been read
 * here. The input must be in memory or a plain file (mt_stream__plain_fd).
 */
int mt_vj__skip_array(mt_vj *j, uint64_t close_off);
/* A parser started on the middle of an array: at the start of an element. */
int mt_vj__enter_array(mt_vj *j);

/* Input offset of the next unread byte. */
static inline uint64_t mt_vj_offset(const mt_vj *j)
{
	return j->base + j->pos;
}

/* A short phrase for a token, for "found ..." messages: "a string", "'}'", ... */
const char *mt_vj_describe(const mt_vj_tok *t);

/* The heap snapshot reader over a parser set up by the caller (parsers/v8_heap.c). */
struct mt_heap;
struct mt_read_opts;
int mt_heap__read_vj(struct mt_heap **out, mt_vj *j, const struct mt_read_opts *o, mt_error *err);
/*
 * Inputs of at least mt_heap__parallel_min bytes have "edges" (and then
 * "strings") read on a second thread, the edges split in two pieces of at
 * least mt_heap__split_min bytes; tests lower both to reach that code on
 * small inputs, or set the first to SIZE_MAX to read on one thread.
 */
extern size_t mt_heap__parallel_min;
extern size_t mt_heap__split_min;
/* 0: the thread leaves the second piece to the main thread even when it gets there first (tests) */
extern int mt_heap__thread_steals;
/* what the last read on this thread did on the second thread (MT_HEAP_PAR_*), for tests */
extern _Thread_local unsigned mt_heap__parallel_seen;
#define MT_HEAP_PAR_STARTED 1u   /* a thread was started at the nodes */
#define MT_HEAP_PAR_EDGES 2u     /* the edges were taken from it */
#define MT_HEAP_PAR_SPLIT 4u     /* ... the second piece read by the main thread */
#define MT_HEAP_PAR_STOLEN 8u    /* ... the second piece read by the thread too (split, but it got there first) */
#define MT_HEAP_PAR_STRINGS 16u  /* the strings were taken from it */

#endif
