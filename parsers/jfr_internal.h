/*
 * parsers/jfr_internal.h - the JDK Flight Recorder chunk reader shared by
 * parsers/jfr_chunk.c (chunks, metadata, constant pools, values),
 * parsers/jfr.c (summary and profile builder) and parsers/jfr_leaks.c.
 * Not part of the public API.
 *
 * Vocabulary (JDK's jdk.jfr.internal.consumer, JMC's parser v1):
 *   chunk      "FLR\0", u2 major, u2 minor, then fixed-width big-endian
 *              header fields (68 bytes), then events up to the chunk size.
 *   event      size, type id, then the fields of its class in metadata
 *              order. Type 0 is the metadata event, type 1 a checkpoint
 *              (constant pool) event.
 *   class      a type described by the metadata event: a name, an id, and
 *              fields (name, type id, constant-pool flag, array flag).
 *   constant   a value in a checkpoint, keyed by (class id, constant id).
 *
 * Integers are "compressed" (7 bits per byte, low bits first, at most 9
 * bytes where the 9th contributes 8 bits) when bit 0 of the header's
 * feature flags is set, else fixed big-endian (short 2, int 4, long 8).
 * Every offset kept here is absolute in the input.
 */
#ifndef MT_PARSERS_JFR_INTERNAL_H
#define MT_PARSERS_JFR_INTERNAL_H

#include <Judy.h>
#include <stddef.h>
#include <stdint.h>

#include "memtracer/error.h"
#include "memtracer/strtab.h"
#include "reader.h"

#define JFR_HEADER_SIZE 68
#define JFR_NONE UINT32_MAX

/* limits (MT_ELIMIT beyond them) */
#define JFR_MAX_CLASSES (1u << 20)
#define JFR_MAX_FIELDS (1u << 22)
#define JFR_MAX_META_STRINGS (1u << 24)
#define JFR_MAX_META_DEPTH 32
#define JFR_MAX_VALUE_DEPTH 64    /* nested inline structs/arrays in one value */
#define JFR_MAX_TEXT_HOPS 4       /* Symbol -> String pool -> ... */
#define JFR_MAX_STRING (64u << 20)
#define JFR_SMALL_IDS 4096u       /* type ids looked up in a flat table */

/* how a class's values are encoded */
enum jfr_prim {
	JFR_STRUCT = 0, /* the fields in order */
	JFR_BOOL, JFR_BYTE, JFR_CHAR, JFR_SHORT, JFR_INT, JFR_LONG, JFR_FLOAT, JFR_DOUBLE,
	JFR_STRING
};

typedef struct jfr_field {
	mt_str_id name;      /* in jfr_file.names */
	uint64_t type_id;
	uint32_t cls;        /* index into chunk->classes; JFR_NONE until resolved */
	uint8_t cp, array;
} jfr_field;

typedef struct jfr_class {
	uint64_t id;
	mt_str_id name, super;
	uint32_t first_field, nfields;
	uint32_t first_ne, nne;   /* its fields that are not empty structs (chunk->ne) */
	uint8_t prim;        /* enum jfr_prim */
	uint8_t empty;       /* a struct whose encoding is always zero bytes */
	uint8_t is_event;    /* superType jdk.jfr.Event */
	/* compressed chunks: the value is exactly this many varints (its fields
	 * are integers, constant references or such structs: no strings, arrays
	 * or raw bytes), so skipping it needs no field walk; 0 otherwise */
	uint32_t flatvar;
	int32_t text_pos;    /* the field jfr_text() follows: "string", else "name", else the only one; -1 */
	Pvoid_t pool;        /* JudyL: constant id -> absolute offset of the value */
} jfr_class;

typedef struct jfr_chunk {
	uint64_t off, size;          /* absolute start, total size */
	uint16_t major, minor;
	uint64_t cp_off, meta_off;   /* relative to off */
	int64_t start_nanos, duration_nanos, start_ticks, ticks_per_sec;
	uint32_t features;
	int compressed;

	jfr_class *classes;
	uint32_t nclasses;
	size_t cap_classes;
	jfr_field *fields;
	uint32_t nfields;
	size_t cap_fields;
	uint32_t *ne;                /* field positions, grouped by class (first_ne/nne) */
	Pvoid_t class_by_id;         /* JudyL: id -> index + 1 */
	uint32_t *small_ids;         /* ids below JFR_SMALL_IDS: index + 1, 0 = none (the hot path) */
	Pvoid_t class_by_name;       /* JudyL: name -> index + 1 of the first class so named */
	uint32_t string_cls;         /* java.lang.String, JFR_NONE if absent */
	uint64_t nconstants, npools;
	int indexed;                 /* the constant pools were walked (jfr_chunk_index) */
	int count_only;              /* JFR_OPEN_COUNT */
} jfr_chunk;

/*
 * A set of constant ids (JudyL-free fast membership: a 2^16-bit hash
 * bitmap in front of a Judy1 set). Used to index only the constants a
 * pass needs from a large pool (stack traces).
 */
typedef struct jfr_idset {
	uint64_t *bits;              /* 1024 words; NULL while empty */
	Pvoid_t ids;                 /* Judy1 */
	uint64_t n;
} jfr_idset;

int jfr_idset_add(jfr_idset *s, uint64_t id);
void jfr_idset_free(jfr_idset *s);
static inline int jfr_idset_has(const jfr_idset *s, uint64_t id)
{
	if (!s->bits)
		return 0;
	uint32_t h = (uint32_t)((id * 0x9E3779B97F4A7C15ull) >> 48);
	if (!(s->bits[h >> 6] & (1ull << (h & 63))))
		return 0;
	int r;
	J1T(r, s->ids, (Word_t)id);
	return r;
}

/* names interned once per file, compared by id */
enum jfr_name {
	JN_JDK_EVENT, JN_STRING, JN_BOOLEAN, JN_BYTE, JN_CHAR, JN_SHORT, JN_INT, JN_LONG,
	JN_FLOAT, JN_DOUBLE,
	/* metadata elements and attributes */
	JN_E_CLASS, JN_E_FIELD, JN_A_NAME, JN_A_ID, JN_A_SUPER, JN_A_CLASS, JN_A_CP, JN_A_DIM,
	/* fields */
	JN_START_TIME, JN_DURATION, JN_EVENT_THREAD, JN_SAMPLED_THREAD, JN_STACK_TRACE, JN_WEIGHT,
	JN_ALLOCATION_SIZE, JN_TLAB_SIZE, JN_SAMPLES, JN_TRUNCATED, JN_FRAMES, JN_METHOD,
	JN_LINE_NUMBER, JN_TYPE, JN_NAME, JN_DESCRIPTOR, JN_JAVA_NAME, JN_OS_NAME, JN_STRING_F,
	JN_DESCRIPTION, JN_PARKED_CLASS, JN_MONITOR_CLASS, JN_TIMEOUT, JN_OBJECT, JN_ARRAY_ELEMENTS,
	JN_ROOT, JN_ALLOCATION_TIME, JN_REFERRER, JN_FIELD, JN_SKIP, JN_ARRAY, JN_INDEX, JN_SYSTEM,
	JN_STATE, JN_VALUE,
	JN__COUNT
};

typedef struct jfr_file {
	const uint8_t *data;
	size_t len;
	mt_error *err;
	mt_strtab *names;            /* metadata names, shared by all chunks */
	mt_str_id n[JN__COUNT];
	/* scratch for decoding metadata strings */
	mt_str_id *meta_str;
	size_t cap_meta_str;
	char *tbuf;                  /* text scratch */
	size_t cap_tbuf;
} jfr_file;

/* A decoded field value: integers (and float bits) in u; inline strings,
 * structs and arrays as the absolute offset of their encoding in u. */
typedef struct jfr_val {
	uint64_t u;
	uint8_t set;
} jfr_val;

/* The positions of up to JFR_LAYOUT_MAX named fields of one class. */
#define JFR_LAYOUT_MAX 10
typedef struct jfr_layout {
	uint32_t cls;                        /* JFR_NONE when the class is absent */
	int32_t pos[JFR_LAYOUT_MAX];         /* field index in the class, or -1 */
	uint32_t n;
} jfr_layout;

/* A string produced by jfr_text(): bytes in UTF-8, valid until the next
 * call that uses the same buffer. */
typedef struct jfr_str {
	const char *s;
	size_t len;
	int null;
} jfr_str;

/* growable text buffer for strings that must outlive another decode */
typedef struct jfr_buf {
	char *s;
	size_t len, cap;
} jfr_buf;

int jfr_file_init(jfr_file *f, const uint8_t *data, size_t len, mt_error *err);
void jfr_file_free(jfr_file *f);

/* A reader over the whole input positioned at @off, ending at @end. */
static inline mt_reader jfr_rd_at(const jfr_file *f, uint64_t off, uint64_t end)
{
	if (end > f->len)
		end = f->len;
	if (off > end)
		off = end;   /* never a reader outside the input: reads fail at @end */
	mt_reader r = { f->data, f->data + off, f->data + end, f->err };
	return r;
}

uint64_t jfr_varlong_slow(mt_reader *r);
/* A compressed integer: the common short forms inline, the rest (and
 * every error) in jfr_varlong_slow(). */
static inline uint64_t jfr_varlong(mt_reader *r)
{
	const uint8_t *p = r->p;
	if (r->end - p >= 3 && (!r->err || !r->err->code)) {
		uint64_t b0 = p[0];
		if (!(b0 & 0x80)) {
			r->p = p + 1;
			return b0;
		}
		uint64_t b1 = p[1];
		if (!(b1 & 0x80)) {
			r->p = p + 2;
			return (b0 & 0x7f) | b1 << 7;
		}
		uint64_t b2 = p[2];
		if (!(b2 & 0x80)) {
			r->p = p + 3;
			return (b0 & 0x7f) | (b1 & 0x7f) << 7 | b2 << 14;
		}
	}
	return jfr_varlong_slow(r);
}
static inline uint64_t jfr_long(mt_reader *r, int cmp)
{
	return cmp ? jfr_varlong(r) : mt_rd_u64be(r);
}
static inline uint32_t jfr_int(mt_reader *r, int cmp)
{
	return cmp ? (uint32_t)jfr_varlong(r) : mt_rd_u32be(r);
}
/* A non-negative int (a count or a length): more than INT32_MAX is an error. */
uint32_t jfr_count(mt_reader *r, int cmp, const char *what);

/*
 * Reads the chunk header at @off (absolute), then as @level asks the
 * metadata event and the constant-pool index. A 0.9 (JDK 7/8) chunk is
 * MT_EUNSUPPORTED. Free with jfr_chunk_free() (also after a failure).
 */
/* JFR_OPEN_COUNT: walk the pools (checking them) and count their constants, index nothing */
enum { JFR_OPEN_ALL = 0, JFR_OPEN_HEADER = 1, JFR_OPEN_METADATA = 2, JFR_OPEN_COUNT = 3 };
int jfr_chunk_open(jfr_file *f, uint64_t off, int level, jfr_chunk *c);

/*
 * Walks the constant-pool chain of a chunk opened with JFR_OPEN_METADATA
 * and indexes its constants; those of class @only_cls (JFR_NONE: none)
 * only when their id is in @want. May be called again with more ids: what
 * is indexed stays (the newest definition of an id wins, as always).
 */
int jfr_chunk_index(jfr_file *f, jfr_chunk *c, uint32_t only_cls, const jfr_idset *want);
void jfr_chunk_free(jfr_chunk *c);

/* Class index for type id @id, or JFR_NONE. */
uint32_t jfr_class_index(const jfr_chunk *c, uint64_t id);

/* Index of the field named @name in class @cls, or -1. */
int32_t jfr_field_pos(const jfr_chunk *c, uint32_t cls, mt_str_id name);

/* The class called @name (first with that name), or JFR_NONE. */
uint32_t jfr_class_named(const jfr_chunk *c, mt_str_id name);

/* Fills @l for class @cls with the positions of the @n fields @names. */
void jfr_layout_init(jfr_layout *l, const jfr_chunk *c, uint32_t cls, const mt_str_id *names,
	uint32_t n);

/*
 * Reads one value of class @cls from @r (skipping it), storing the fields
 * listed in @l (may be NULL: skip only) into @out[0..l->n). Inline structs,
 * arrays and strings store their offset. Bounded: no recursion, nesting
 * limited to JFR_MAX_VALUE_DEPTH.
 */
int jfr_read_value(jfr_file *f, const jfr_chunk *c, mt_reader *r, uint32_t cls,
	const jfr_layout *l, jfr_val *out);

/*
 * The same, stopping after the last field @l asks for: the reader is left
 * inside the value, so only for values read on their own (an event, a
 * constant), never for a value followed by more (an inline array element).
 */
int jfr_read_fields(jfr_file *f, const jfr_chunk *c, mt_reader *r, uint32_t cls,
	const jfr_layout *l, jfr_val *out);

/* Offset of constant @id of class @cls, 0 when it is not in the pools. */
uint64_t jfr_constant(const jfr_chunk *c, uint32_t cls, uint64_t id);

/*
 * A reader positioned on the struct value that field @fd of some value
 * holds (@v): the constant for a cp field, the inline encoding otherwise.
 * Returns 0 when there is nothing to read (unset, null constant).
 */
int jfr_deref(const jfr_file *f, const jfr_chunk *c, const jfr_field *fd, const jfr_val *v,
	mt_reader *out);

/*
 * The text of field @fd holding @v: a String (inline or constant), or a
 * struct whose field "string", else "name", else only field gives it, e.g.
 * jdk.types.Symbol, java.lang.Class (its name), jdk.types.FrameType. Appends to @b (reset first when
 * @reset); returns 0 with out->null set for a null string, or an error.
 */
int jfr_text(jfr_file *f, const jfr_chunk *c, const jfr_field *fd, const jfr_val *v,
	jfr_buf *b, int reset, jfr_str *out);

/* Ticks to nanoseconds since the epoch / as a duration. */
int64_t jfr_ticks_to_epoch_ns(const jfr_chunk *c, int64_t ticks);
int64_t jfr_ticks_to_ns(const jfr_chunk *c, int64_t ticks);

int jfr_buf_put(jfr_buf *b, const char *s, size_t n);
void jfr_buf_free(jfr_buf *b);

/* Event header iteration over [c->off + 68, c->off + c->size). */
typedef struct jfr_event {
	uint64_t off, size, type;
	mt_reader body;              /* the fields, bounded by the event */
} jfr_event;

/* 1 with the next event in @ev, 0 at the end of the chunk, or an error. */
int jfr_next_event(jfr_file *f, const jfr_chunk *c, uint64_t *pos, jfr_event *ev);

#endif
