/*
 * parsers/jfr_chunk.c - JDK Flight Recorder chunks: the header, the
 * metadata event (classes and fields), the constant-pool index and the
 * value decoder that every other JFR pass uses (see jfr_internal.h).
 *
 * Format: no official spec exists; this follows the layout the JDK writes
 * (hotspot jfrChunkWriter.cpp, jdk.jfr.internal.consumer.ChunkHeader,
 * MetadataReader, ChunkParser) and that JMC's parser v1 reads, checked
 * against real recordings of JDK 9 (1.0), 11-17 (2.0/2.1), 21 and
 * async-profiler. Versions 1.0, 2.0 and 2.1 share one layout here.
 *
 * Constant pools are indexed lazily: walking the checkpoint chain (from
 * the header's constant-pool offset, each checkpoint giving the delta to
 * the previous one) records for every (class, constant id) only the byte
 * offset of its encoding, in a JudyL per class; values are decoded when a
 * lookup asks for them. Eager resolution of every constant into objects is
 * the memory trap other readers fall into on large recordings.
 *
 * Nothing recurses on input-controlled depth: the metadata element tree
 * and nested values are walked with explicit, bounded stacks, and every
 * read goes through the bounded reader (core/reader.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jfr_internal.h"
#include "mt_internal.h"

static const char *const known_names[JN__COUNT] = {
	[JN_JDK_EVENT] = "jdk.jfr.Event",
	[JN_STRING] = "java.lang.String",
	[JN_BOOLEAN] = "boolean",
	[JN_BYTE] = "byte",
	[JN_CHAR] = "char",
	[JN_SHORT] = "short",
	[JN_INT] = "int",
	[JN_LONG] = "long",
	[JN_FLOAT] = "float",
	[JN_DOUBLE] = "double",
	[JN_E_CLASS] = "class",
	[JN_E_FIELD] = "field",
	[JN_A_NAME] = "name",
	[JN_A_ID] = "id",
	[JN_A_SUPER] = "superType",
	[JN_A_CLASS] = "class",
	[JN_A_CP] = "constantPool",
	[JN_A_DIM] = "dimension",
	[JN_START_TIME] = "startTime",
	[JN_DURATION] = "duration",
	[JN_EVENT_THREAD] = "eventThread",
	[JN_SAMPLED_THREAD] = "sampledThread",
	[JN_STACK_TRACE] = "stackTrace",
	[JN_WEIGHT] = "weight",
	[JN_ALLOCATION_SIZE] = "allocationSize",
	[JN_TLAB_SIZE] = "tlabSize",
	[JN_SAMPLES] = "samples",
	[JN_TRUNCATED] = "truncated",
	[JN_FRAMES] = "frames",
	[JN_METHOD] = "method",
	[JN_LINE_NUMBER] = "lineNumber",
	[JN_TYPE] = "type",
	[JN_NAME] = "name",
	[JN_DESCRIPTOR] = "descriptor",
	[JN_JAVA_NAME] = "javaName",
	[JN_OS_NAME] = "osName",
	[JN_STRING_F] = "string",
	[JN_DESCRIPTION] = "description",
	[JN_PARKED_CLASS] = "parkedClass",
	[JN_MONITOR_CLASS] = "monitorClass",
	[JN_TIMEOUT] = "timeout",
	[JN_OBJECT] = "object",
	[JN_ARRAY_ELEMENTS] = "arrayElements",
	[JN_ROOT] = "root",
	[JN_ALLOCATION_TIME] = "allocationTime",
	[JN_REFERRER] = "referrer",
	[JN_FIELD] = "field",
	[JN_SKIP] = "skip",
	[JN_ARRAY] = "array",
	[JN_INDEX] = "index",
	[JN_SYSTEM] = "system",
	[JN_STATE] = "state",
	[JN_VALUE] = "value",
};

int jfr_file_init(jfr_file *f, const uint8_t *data, size_t len, mt_error *err)
{
	memset(f, 0, sizeof *f);
	f->data = data;
	f->len = len;
	f->err = err;
	f->names = mt_strtab_new();
	if (!f->names)
		return mt_error_set(err, MT_ENOMEM, MT_NO_OFFSET, "out of memory");
	for (int i = 0; i < JN__COUNT; i++)
		if (mt_strtab_intern_cstr(f->names, known_names[i], &f->n[i]))
			return mt_error_set(err, MT_ENOMEM, MT_NO_OFFSET, "out of memory");
	return 0;
}

void jfr_file_free(jfr_file *f)
{
	mt_strtab_free(f->names);
	free(f->meta_str);
	free(f->tbuf);
	memset(f, 0, sizeof *f);
}

int jfr_buf_put(jfr_buf *b, const char *s, size_t n)
{
	if (mt_grow(&b->s, &b->cap, b->len + n + 1, 1))
		return MT_ENOMEM;
	if (n)
		memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
	return 0;
}

void jfr_buf_free(jfr_buf *b)
{
	free(b->s);
	memset(b, 0, sizeof *b);
}

/* ---- integers ---------------------------------------------------------- */

uint64_t jfr_varlong_slow(mt_reader *r)
{
	if (!mt_rd_ok(r))
		return 0;
	const uint8_t *p = r->p;
	uint64_t v = 0;
	for (int i = 0; i < 9; i++) {
		if (p >= r->end) {
			mt_rd_fail(r, MT_ETRUNC, "expected a compressed integer, found the end of the record");
			return 0;
		}
		uint8_t b = *p++;
		if (i == 8) {
			v |= (uint64_t)b << 56;
			break;
		}
		v |= (uint64_t)(b & 0x7f) << (7 * i);
		if (!(b & 0x80))
			break;
	}
	r->p = p;
	return v;
}

uint32_t jfr_count(mt_reader *r, int cmp, const char *what)
{
	const uint8_t *at = r->p;
	uint64_t v = cmp ? jfr_varlong(r) : mt_rd_u32be(r);
	if (!mt_rd_ok(r))
		return 0;
	if (v > INT32_MAX) {
		r->p = at;
		mt_rd_fail(r, MT_EFORMAT, "expected the %s to be at most 2147483647, found %" PRIu64, what, v);
		return 0;
	}
	return (uint32_t)v;
}

/*
 * Skips @n compressed integers. Eight bytes at a time: every byte without
 * its top bit ends an integer, and each word is loaded where an integer
 * starts, so an integer whose first 8 bytes all continue (the 9-byte form,
 * whose last byte is a full 8 bits) always lands in the one-at-a-time path.
 */
static int skip_varints(mt_reader *r, uint64_t n)
{
	if (!mt_rd_ok(r))
		return r->err->code;
	const uint8_t *p = r->p, *end = r->end;
	while (n > 0) {
		if (n >= 8 && end - p >= 8) {
			uint64_t w;
			memcpy(&w, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
			w = __builtin_bswap64(w);
#endif
			uint64_t t = ~w & 0x8080808080808080ull;
			if (t) {
				p += ((63 - __builtin_clzll(t)) >> 3) + 1;
				n -= ((t >> 7) * 0x0101010101010101ull) >> 56;   /* terminators: one bit per byte, summed */
				continue;
			}
		}
		const uint8_t *at = p;
		for (int i = 0;; i++) {
			if (p >= end) {
				r->p = at;
				return mt_rd_fail(r, MT_ETRUNC, "expected a compressed integer, found the end of the record");
			}
			uint8_t b = *p++;
			if (i == 8 || !(b & 0x80))
				break;
		}
		n--;
	}
	r->p = p;
	return 0;
}

int jfr_idset_add(jfr_idset *s, uint64_t id)
{
	if (!s->bits && !(s->bits = calloc(1024, sizeof *s->bits)))
		return MT_ENOMEM;
	int r;
	J1S(r, s->ids, (Word_t)id);
	if (r == JERR)
		return MT_ENOMEM;
	if (r) {
		uint32_t h = (uint32_t)((id * 0x9E3779B97F4A7C15ull) >> 48);
		s->bits[h >> 6] |= 1ull << (h & 63);
		s->n++;
	}
	return 0;
}

void jfr_idset_free(jfr_idset *s)
{
	Word_t bytes;
	J1FA(bytes, s->ids);
	(void)bytes;
	free(s->bits);
	memset(s, 0, sizeof *s);
}

/* ---- strings ----------------------------------------------------------- */

static int put_utf8(jfr_buf *b, uint32_t cp)
{
	char u[4];
	size_t n;
	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	return jfr_buf_put(b, u, n);
}

enum { STR_NULL = 0, STR_EMPTY = 1, STR_CP = 2, STR_UTF8 = 3, STR_CHARS = 4, STR_LATIN1 = 5 };

/*
 * Reads a string encoding at @r. With @b == NULL it is only skipped.
 * Returns the encoding (STR_*), sets *@cp_id for STR_CP, or -1 on error.
 */
static int read_string(const jfr_chunk *c, mt_reader *r, jfr_buf *b, uint64_t *cp_id)
{
	const uint8_t *at = r->p;
	uint8_t enc = mt_rd_u8(r);
	if (!mt_rd_ok(r))
		return -1;
	switch (enc) {
	case STR_NULL:
	case STR_EMPTY:
		return enc;
	case STR_CP: {
		uint64_t id = jfr_long(r, c->compressed);
		if (cp_id)
			*cp_id = id;
		return mt_rd_ok(r) ? enc : -1;
	}
	case STR_UTF8:
	case STR_LATIN1: {
		uint32_t n = jfr_count(r, c->compressed, "string length");
		const uint8_t *s = mt_rd_bytes(r, n);
		if (!s)
			return -1;
		if (!b)
			return enc;
		if (enc == STR_UTF8)
			return jfr_buf_put(b, (const char *)s, n) ? -1 : enc;
		for (uint32_t i = 0; i < n; i++)
			if (put_utf8(b, s[i]))
				return -1;
		return enc;
	}
	case STR_CHARS: {
		uint32_t n = jfr_count(r, c->compressed, "string length");
		if (!mt_rd_ok(r))
			return -1;
		if (n > mt_rd_left(r)) {
			mt_rd_fail(r, MT_ETRUNC, "expected a string of %u chars, found %zu bytes before the end of the record",
				n, mt_rd_left(r));
			return -1;
		}
		uint32_t hi = 0;
		for (uint32_t i = 0; i < n; i++) {
			uint32_t u = c->compressed ? (uint16_t)jfr_varlong(r) : mt_rd_u16be(r);
			if (!mt_rd_ok(r))
				return -1;
			if (!b)
				continue;
			int rc = 0;
			if (hi) {
				if (u >= 0xdc00 && u < 0xe000) {
					rc = put_utf8(b, 0x10000 + ((hi - 0xd800) << 10) + (u - 0xdc00));
					hi = 0;
					if (rc)
						return -1;
					continue;
				}
				rc = put_utf8(b, 0xfffd);
				hi = 0;
			}
			if (!rc && u >= 0xd800 && u < 0xdc00)
				hi = u;
			else if (!rc && u >= 0xdc00 && u < 0xe000)
				rc = put_utf8(b, 0xfffd);
			else if (!rc)
				rc = put_utf8(b, u);
			if (rc)
				return -1;
		}
		if (b && hi && put_utf8(b, 0xfffd))
			return -1;
		return enc;
	}
	default:
		r->p = at;
		mt_rd_fail(r, MT_EFORMAT, "expected a string encoding (0-5), found %u", enc);
		return -1;
	}
}

/* ---- chunk header ------------------------------------------------------ */

static int read_header(jfr_file *f, uint64_t off, jfr_chunk *c)
{
	mt_error *err = f->err;
	err->doing = "reading chunk header";
	mt_reader r = jfr_rd_at(f, off, f->len);
	const uint8_t *m = r.p;
	if (mt_rd_left(&r) < 8)
		return mt_error_set(err, MT_ETRUNC, off,
			"expected a chunk header of 68 bytes, found %zu before the end of input", mt_rd_left(&r));
	if (memcmp(m, "FLR\0", 4) != 0)
		return mt_error_set(err, MT_EFORMAT, off,
			"expected the chunk magic \"FLR\\0\", found %02x %02x %02x %02x", m[0], m[1], m[2], m[3]);
	mt_rd_skip(&r, 4);
	c->major = mt_rd_u16be(&r);
	c->minor = mt_rd_u16be(&r);
	if (c->major == 0 && c->minor == 9)
		return mt_error_set(err, MT_EUNSUPPORTED, off + 4,
			"expected JFR version 1.0, 2.0 or 2.1, found 0.9 (the JDK 7/8 Oracle format, not supported)");
	if (!((c->major == 1 && c->minor == 0) || (c->major == 2 && c->minor <= 1)))
		return mt_error_set(err, MT_EUNSUPPORTED, off + 4,
			"expected JFR version 1.0, 2.0 or 2.1, found %u.%u", c->major, c->minor);
	if (mt_rd_left(&r) < JFR_HEADER_SIZE - 8)
		return mt_error_set(err, MT_ETRUNC, off,
			"expected a chunk header of 68 bytes, found %zu before the end of input", mt_rd_left(&r) + 8);
	c->size = mt_rd_u64be(&r);
	c->cp_off = mt_rd_u64be(&r);
	c->meta_off = mt_rd_u64be(&r);
	c->start_nanos = (int64_t)mt_rd_u64be(&r);
	c->duration_nanos = (int64_t)mt_rd_u64be(&r);
	c->start_ticks = (int64_t)mt_rd_u64be(&r);
	c->ticks_per_sec = (int64_t)mt_rd_u64be(&r);
	c->features = mt_rd_u32be(&r);
	c->compressed = (c->features & 1) != 0;
	uint64_t left = f->len - off;
	if (c->size < JFR_HEADER_SIZE)
		return mt_error_set(err, MT_EFORMAT, off + 8,
			"expected a chunk size of at least 68, found %" PRIu64, c->size);
	if (c->size > left)
		return mt_error_set(err, MT_ETRUNC, off + 8,
			"expected a chunk of %" PRIu64 " bytes, found %" PRIu64 " before the end of input",
			c->size, left);
	if (c->cp_off < JFR_HEADER_SIZE || c->cp_off >= c->size)
		return mt_error_set(err, MT_EFORMAT, off + 16,
			"expected a constant pool offset inside the chunk (68..%" PRIu64 "), found %" PRIu64,
			c->size - 1, c->cp_off);
	if (c->meta_off < JFR_HEADER_SIZE || c->meta_off >= c->size)
		return mt_error_set(err, MT_EFORMAT, off + 24,
			"expected a metadata offset inside the chunk (68..%" PRIu64 "), found %" PRIu64,
			c->size - 1, c->meta_off);
	if (c->ticks_per_sec <= 0)
		return mt_error_set(err, MT_EFORMAT, off + 56,
			"expected ticks per second > 0, found %" PRId64, c->ticks_per_sec);
	return 0;
}

/* ---- events ------------------------------------------------------------ */

int jfr_next_event(jfr_file *f, const jfr_chunk *c, uint64_t *pos, jfr_event *ev)
{
	uint64_t end = c->off + c->size;
	if (*pos >= end)
		return 0;
	mt_reader r = jfr_rd_at(f, *pos, end);
	uint32_t size = jfr_count(&r, c->compressed, "event size");
	uint64_t type = jfr_long(&r, c->compressed);
	if (!mt_rd_ok(&r))
		return f->err->code;
	uint64_t hdr = (uint64_t)(r.p - (f->data + *pos));
	if (size < hdr)
		return mt_error_set(f->err, MT_EFORMAT, *pos,
			"expected an event size of at least %" PRIu64 " bytes, found %u", hdr, size);
	if (size > end - *pos)
		return mt_error_set(f->err, MT_ETRUNC, *pos,
			"expected an event of %u bytes, found %" PRIu64 " before the end of the chunk",
			size, end - *pos);
	ev->off = *pos;
	ev->size = size;
	ev->type = type;
	ev->body = jfr_rd_at(f, (uint64_t)(r.p - f->data), *pos + size);
	*pos += size;
	return 1;
}

/* ---- metadata ---------------------------------------------------------- */

uint32_t jfr_class_index(const jfr_chunk *c, uint64_t id)
{
	if (id < JFR_SMALL_IDS && c->small_ids)
		return c->small_ids[id] ? c->small_ids[id] - 1 : JFR_NONE;
	PWord_t v;
	JLG(v, c->class_by_id, (Word_t)id);
	return v ? (uint32_t)(*v - 1) : JFR_NONE;
}

uint32_t jfr_class_named(const jfr_chunk *c, mt_str_id name)
{
	PWord_t v;
	JLG(v, c->class_by_name, (Word_t)name);
	return v ? (uint32_t)(*v - 1) : JFR_NONE;
}

int32_t jfr_field_pos(const jfr_chunk *c, uint32_t cls, mt_str_id name)
{
	if (cls == JFR_NONE || cls >= c->nclasses)
		return -1;
	const jfr_class *k = &c->classes[cls];
	for (uint32_t i = 0; i < k->nfields; i++)
		if (c->fields[k->first_field + i].name == name)
			return (int32_t)i;
	return -1;
}

void jfr_layout_init(jfr_layout *l, const jfr_chunk *c, uint32_t cls, const mt_str_id *names,
	uint32_t n)
{
	l->cls = cls;
	l->n = n > JFR_LAYOUT_MAX ? JFR_LAYOUT_MAX : n;
	for (uint32_t i = 0; i < l->n; i++)
		l->pos[i] = jfr_field_pos(c, cls, names[i]);
}

static int parse_u64(const char *s, uint64_t *out)
{
	if (!*s)
		return 0;
	uint64_t v = 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return 0;
		if (v > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
			return 0;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return 1;
}

/* a field while parsing: its owner class, sorted into place afterwards */
typedef struct raw_field {
	uint32_t owner;
	jfr_field f;
} raw_field;

enum { EK_OTHER = 0, EK_CLASS, EK_FIELD };

static int read_metadata(jfr_file *f, jfr_chunk *c)
{
	mt_error *err = f->err;
	err->doing = "reading metadata";
	const int cmp = c->compressed;
	uint64_t at = c->off + c->meta_off;
	uint64_t pos = at;
	jfr_event ev;
	int rc = jfr_next_event(f, c, &pos, &ev);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return mt_error_set(err, MT_EFORMAT, at, "expected the metadata event, found the end of the chunk");
	if (ev.type != 0)
		return mt_error_set(err, MT_EFORMAT, at,
			"expected the metadata event (type 0), found an event of type %" PRIu64, ev.type);
	mt_reader r = ev.body;
	(void)jfr_long(&r, cmp);   /* start time */
	(void)jfr_long(&r, cmp);   /* duration */
	(void)jfr_long(&r, cmp);   /* metadata id */
	const uint8_t *nat = r.p;
	uint32_t nstr = jfr_count(&r, cmp, "string count");
	if (!mt_rd_ok(&r))
		return err->code;
	if (nstr > mt_rd_left(&r) || nstr > JFR_MAX_META_STRINGS) {
		r.p = nat;
		return mt_rd_fail(&r, nstr > JFR_MAX_META_STRINGS ? MT_ELIMIT : MT_ETRUNC,
			"expected at most %zu metadata strings, found a count of %u", mt_rd_left(&r), nstr);
	}
	if (mt_grow(&f->meta_str, &f->cap_meta_str, nstr ? nstr : 1, sizeof *f->meta_str))
		return mt_error_set(err, MT_ENOMEM, at, "out of memory");
	jfr_buf b = { 0 };
	for (uint32_t i = 0; i < nstr; i++) {
		b.len = 0;
		int enc = read_string(c, &r, &b, NULL);
		if (enc < 0) {
			jfr_buf_free(&b);
			return err->code ? err->code : mt_error_set(err, MT_ENOMEM, at, "out of memory");
		}
		if (enc == STR_CP) {
			jfr_buf_free(&b);
			return mt_rd_fail(&r, MT_EFORMAT,
				"expected an inline metadata string, found a constant-pool reference");
		}
		if (mt_strtab_intern(f->names, b.s ? b.s : "", b.len, &f->meta_str[i])) {
			jfr_buf_free(&b);
			return mt_error_set(err, MT_ENOMEM, at, "out of memory");
		}
	}
	jfr_buf_free(&b);

	/* the element tree, walked with an explicit stack */
	struct {
		uint32_t left;
		uint8_t kind;
		uint32_t cls;
	} st[JFR_MAX_META_DEPTH + 1];
	int sp = 1;
	st[0].left = 1;
	st[0].kind = EK_OTHER;
	st[0].cls = JFR_NONE;
	raw_field *raw = NULL;
	size_t cap_raw = 0, nraw = 0;
	rc = 0;
	while (sp > 0 && mt_rd_ok(&r)) {
		if (st[sp - 1].left == 0) {
			sp--;
			continue;
		}
		st[sp - 1].left--;
		uint8_t pkind = st[sp - 1].kind;
		uint32_t pcls = st[sp - 1].cls;
		const uint8_t *eat = r.p;
#define STR_AT(var)                                                                      \
	do {                                                                                 \
		const uint8_t *sat_ = r.p;                                                       \
		uint32_t i_ = jfr_count(&r, cmp, "string index");                                \
		if (mt_rd_ok(&r) && i_ >= nstr) {                                                \
			r.p = sat_;                                                                  \
			mt_rd_fail(&r, MT_EFORMAT, "expected a string index below %u, found %u", nstr, i_); \
		}                                                                                \
		var = mt_rd_ok(&r) ? f->meta_str[i_] : 0;                                        \
	} while (0)
		mt_str_id ename;
		STR_AT(ename);
		const uint8_t *aat = r.p;
		uint32_t nattr = jfr_count(&r, cmp, "attribute count");
		if (mt_rd_ok(&r) && nattr > mt_rd_left(&r) / 2) {
			r.p = aat;
			mt_rd_fail(&r, MT_ETRUNC, "expected at most %zu attributes, found a count of %u",
				mt_rd_left(&r) / 2, nattr);
		}
		mt_str_id a_name = 0, a_id = 0, a_super = 0, a_class = 0, a_cp = 0, a_dim = 0;
		int has_name = 0, has_id = 0, has_class = 0;
		for (uint32_t i = 0; i < nattr && mt_rd_ok(&r); i++) {
			mt_str_id k, v;
			STR_AT(k);
			STR_AT(v);
			if (!mt_rd_ok(&r))
				break;
			if (k == f->n[JN_A_NAME])
				a_name = v, has_name = 1;
			else if (k == f->n[JN_A_ID])
				a_id = v, has_id = 1;
			else if (k == f->n[JN_A_SUPER])
				a_super = v;
			else if (k == f->n[JN_A_CLASS])
				a_class = v, has_class = 1;
			else if (k == f->n[JN_A_CP])
				a_cp = v;
			else if (k == f->n[JN_A_DIM])
				a_dim = v;
		}
#undef STR_AT
		const uint8_t *cat = r.p;
		uint32_t nchild = jfr_count(&r, cmp, "child count");
		if (!mt_rd_ok(&r))
			break;
		if (nchild > mt_rd_left(&r) / 3) {
			r.p = cat;
			mt_rd_fail(&r, MT_ETRUNC, "expected at most %zu child elements, found a count of %u",
				mt_rd_left(&r) / 3, nchild);
			break;
		}
		uint8_t kind = EK_OTHER;
		uint32_t cls = pcls;
		if (ename == f->n[JN_E_CLASS]) {
			uint64_t id;
			if (!has_name || !has_id ||
			    !parse_u64(mt_strtab_get(f->names, a_id), &id)) {
				r.p = eat;
				mt_rd_fail(&r, MT_EFORMAT, "expected a class element with a name and a numeric id, found id \"%.40s\"",
					has_id ? mt_strtab_get(f->names, a_id) : "");
				break;
			}
			if (c->nclasses >= JFR_MAX_CLASSES) {
				r.p = eat;
				mt_rd_fail(&r, MT_ELIMIT, "expected at most %u classes, found more", JFR_MAX_CLASSES);
				break;
			}
			PWord_t slot;
			JLI(slot, c->class_by_id, (Word_t)id);
			if (slot == PJERR) {
				rc = mt_error_set(err, MT_ENOMEM, at, "out of memory");
				break;
			}
			if (*slot) {
				r.p = eat;
				mt_rd_fail(&r, MT_EFORMAT, "expected unique class ids, found id %" PRIu64 " twice", id);
				break;
			}
			if (mt_grow(&c->classes, &c->cap_classes, (size_t)c->nclasses + 1, sizeof *c->classes)) {
				rc = mt_error_set(err, MT_ENOMEM, at, "out of memory");
				break;
			}
			jfr_class *k = &c->classes[c->nclasses];
			memset(k, 0, sizeof *k);
			k->id = id;
			k->name = a_name;
			k->super = a_super;
			k->is_event = a_super == f->n[JN_JDK_EVENT];
			*slot = (Word_t)c->nclasses + 1;
			cls = c->nclasses++;
			kind = EK_CLASS;
		} else if (ename == f->n[JN_E_FIELD] && pkind == EK_CLASS) {
			uint64_t tid;
			if (!has_name || !has_class || !parse_u64(mt_strtab_get(f->names, a_class), &tid)) {
				r.p = eat;
				mt_rd_fail(&r, MT_EFORMAT, "expected a field element with a name and a numeric class, found class \"%.40s\"",
					has_class ? mt_strtab_get(f->names, a_class) : "");
				break;
			}
			if (nraw >= JFR_MAX_FIELDS) {
				r.p = eat;
				mt_rd_fail(&r, MT_ELIMIT, "expected at most %u fields, found more", JFR_MAX_FIELDS);
				break;
			}
			if (mt_grow(&raw, &cap_raw, nraw + 1, sizeof *raw)) {
				rc = mt_error_set(err, MT_ENOMEM, at, "out of memory");
				break;
			}
			raw_field *rf = &raw[nraw++];
			memset(rf, 0, sizeof *rf);
			rf->owner = pcls;
			rf->f.name = a_name;
			rf->f.type_id = tid;
			rf->f.cls = JFR_NONE;
			const char *cps = a_cp ? mt_strtab_get(f->names, a_cp) : "";
			const char *dim = a_dim ? mt_strtab_get(f->names, a_dim) : "";
			rf->f.cp = strcmp(cps, "true") == 0;
			rf->f.array = dim[0] != '\0' && strcmp(dim, "0") != 0;
			kind = EK_FIELD;
		}
		if (nchild) {
			if (sp > JFR_MAX_META_DEPTH) {
				r.p = eat;
				mt_rd_fail(&r, MT_ELIMIT, "expected metadata elements nested at most %d deep, found deeper",
					JFR_MAX_META_DEPTH);
				break;
			}
			st[sp].left = nchild;
			st[sp].kind = kind;
			st[sp].cls = cls;
			sp++;
		}
	}
	if (rc || !mt_rd_ok(&r)) {
		free(raw);
		return rc ? rc : err->code;
	}

	/* fields grouped by owner (counting sort keeps metadata order) */
	uint32_t *cnt = calloc((size_t)c->nclasses + 1, sizeof *cnt);
	c->fields = malloc((nraw ? nraw : 1) * sizeof *c->fields);
	if (!cnt || !c->fields) {
		free(cnt);
		free(raw);
		return mt_error_set(err, MT_ENOMEM, at, "out of memory");
	}
	c->cap_fields = nraw ? nraw : 1;
	for (size_t i = 0; i < nraw; i++)
		cnt[raw[i].owner + 1]++;
	for (uint32_t i = 0; i < c->nclasses; i++) {
		c->classes[i].first_field = cnt[i];
		c->classes[i].nfields = cnt[i + 1];
		cnt[i + 1] += cnt[i];
	}
	for (uint32_t i = 0; i < c->nclasses; i++)
		cnt[i] = c->classes[i].first_field;
	for (size_t i = 0; i < nraw; i++)
		c->fields[cnt[raw[i].owner]++] = raw[i].f;
	c->nfields = (uint32_t)nraw;
	free(raw);
	free(cnt);
	return 0;
}

/*
 * Classifies classes (primitive or struct), resolves field types and
 * computes which structs always encode to zero bytes ("empty"): a struct
 * is non-empty when a field is primitive, a constant reference, an array,
 * or an inline struct that is non-empty. Propagated with a worklist over
 * reverse edges, O(fields).
 */
static int resolve_classes(jfr_file *f, jfr_chunk *c)
{
	const mt_str_id *n = f->n;
	c->string_cls = JFR_NONE;
	for (uint32_t i = 0; i < c->nclasses; i++) {
		jfr_class *k = &c->classes[i];
		mt_str_id nm = k->name;
		k->prim = nm == n[JN_BOOLEAN] ? JFR_BOOL : nm == n[JN_BYTE] ? JFR_BYTE
			: nm == n[JN_CHAR] ? JFR_CHAR : nm == n[JN_SHORT] ? JFR_SHORT
			: nm == n[JN_INT] ? JFR_INT : nm == n[JN_LONG] ? JFR_LONG
			: nm == n[JN_FLOAT] ? JFR_FLOAT : nm == n[JN_DOUBLE] ? JFR_DOUBLE
			: nm == n[JN_STRING] ? JFR_STRING : JFR_STRUCT;
		if (k->prim == JFR_STRING && c->string_cls == JFR_NONE)
			c->string_cls = i;
		if (k->prim != JFR_STRUCT)
			k->nfields = 0;   /* primitives have their own encoding */
		k->empty = k->prim == JFR_STRUCT;
	}
	c->small_ids = calloc(JFR_SMALL_IDS, sizeof *c->small_ids);
	if (!c->small_ids)
		return mt_error_set(f->err, MT_ENOMEM, MT_NO_OFFSET, "out of memory");
	for (uint32_t i = 0; i < c->nclasses; i++)
		if (c->classes[i].id < JFR_SMALL_IDS)
			c->small_ids[c->classes[i].id] = i + 1;
	for (uint32_t i = 0; i < c->nfields; i++)
		c->fields[i].cls = jfr_class_index(c, c->fields[i].type_id);
	for (uint32_t i = 0; i < c->nclasses; i++) {
		jfr_class *k = &c->classes[i];
		PWord_t slot;
		JLI(slot, c->class_by_name, (Word_t)k->name);
		if (slot == PJERR)
			return mt_error_set(f->err, MT_ENOMEM, MT_NO_OFFSET, "out of memory");
		if (!*slot)
			*slot = (Word_t)i + 1;
		k->text_pos = jfr_field_pos(c, i, n[JN_STRING_F]);
		if (k->text_pos < 0)
			k->text_pos = jfr_field_pos(c, i, n[JN_NAME]);
		if (k->text_pos < 0 && k->nfields == 1)
			k->text_pos = 0;   /* jdk.types.FrameType {description}, OldObjectRootSystem {system}... */
	}

	uint32_t *deg = calloc((size_t)c->nclasses + 1, sizeof *deg);
	uint32_t *edge = malloc(((size_t)c->nfields + 1) * sizeof *edge);
	uint32_t *queue = malloc(((size_t)c->nclasses + 1) * sizeof *queue);
	if (!deg || !edge || !queue) {
		free(deg);
		free(edge);
		free(queue);
		return mt_error_set(f->err, MT_ENOMEM, MT_NO_OFFSET, "out of memory");
	}
	/* reverse edges: inline struct field type -> owner */
	for (uint32_t o = 0; o < c->nclasses; o++) {
		const jfr_class *k = &c->classes[o];
		for (uint32_t j = 0; j < k->nfields; j++) {
			const jfr_field *fd = &c->fields[k->first_field + j];
			if (!fd->cp && !fd->array && fd->cls != JFR_NONE && c->classes[fd->cls].prim == JFR_STRUCT)
				deg[fd->cls + 1]++;
		}
	}
	for (uint32_t i = 0; i < c->nclasses; i++)
		deg[i + 1] += deg[i];
	uint32_t *fill = queue;   /* reuse as cursor array temporarily */
	for (uint32_t i = 0; i < c->nclasses; i++)
		fill[i] = deg[i];
	for (uint32_t o = 0; o < c->nclasses; o++) {
		const jfr_class *k = &c->classes[o];
		for (uint32_t j = 0; j < k->nfields; j++) {
			const jfr_field *fd = &c->fields[k->first_field + j];
			if (!fd->cp && !fd->array && fd->cls != JFR_NONE && c->classes[fd->cls].prim == JFR_STRUCT)
				edge[fill[fd->cls]++] = o;
		}
	}
	uint32_t qh = 0, qt = 0;
	for (uint32_t o = 0; o < c->nclasses; o++) {
		jfr_class *k = &c->classes[o];
		if (k->prim != JFR_STRUCT) {
			queue[qt++] = o;
			continue;
		}
		for (uint32_t j = 0; j < k->nfields; j++) {
			const jfr_field *fd = &c->fields[k->first_field + j];
			if (fd->cp || fd->array || fd->cls == JFR_NONE || c->classes[fd->cls].prim != JFR_STRUCT) {
				k->empty = 0;
				queue[qt++] = o;
				break;
			}
		}
	}
	while (qh < qt) {
		uint32_t x = queue[qh++];
		for (uint32_t e = deg[x]; e < deg[x + 1]; e++) {
			jfr_class *ow = &c->classes[edge[e]];
			if (ow->empty) {
				ow->empty = 0;
				queue[qt++] = edge[e];
			}
		}
	}
	free(deg);
	free(edge);
	free(queue);

	/* per class, the positions of the fields that take bytes: values are
	 * walked over these only, so work stays proportional to input bytes */
	c->ne = malloc(((size_t)c->nfields + 1) * sizeof *c->ne);
	if (!c->ne)
		return mt_error_set(f->err, MT_ENOMEM, MT_NO_OFFSET, "out of memory");
	uint32_t nne = 0;
	for (uint32_t o = 0; o < c->nclasses; o++) {
		jfr_class *k = &c->classes[o];
		k->first_ne = nne;
		for (uint32_t j = 0; j < k->nfields; j++) {
			const jfr_field *fd = &c->fields[k->first_field + j];
			int empty = !fd->cp && !fd->array && fd->cls != JFR_NONE &&
				c->classes[fd->cls].prim == JFR_STRUCT && c->classes[fd->cls].empty;
			if (!empty)
				c->ne[nne++] = j;
		}
		k->nne = nne - k->first_ne;
	}
	/* flat classes (see jfr_class.flatvar), nested ones settled by passes */
	for (int pass = 0; c->compressed && pass < JFR_MAX_VALUE_DEPTH; pass++) {
		int changed = 0;
		for (uint32_t o = 0; o < c->nclasses; o++) {
			jfr_class *k = &c->classes[o];
			if (k->prim != JFR_STRUCT || k->empty || k->flatvar)
				continue;
			uint64_t nv = 0;
			uint32_t j;
			for (j = 0; j < k->nne; j++) {
				const jfr_field *fd = &c->fields[k->first_field + c->ne[k->first_ne + j]];
				if (fd->array || fd->cls == JFR_NONE)
					break;
				const jfr_class *fk = &c->classes[fd->cls];
				if (fd->cp || fk->prim == JFR_SHORT || fk->prim == JFR_CHAR || fk->prim == JFR_INT ||
				    fk->prim == JFR_LONG)
					nv++;
				else if (fk->prim == JFR_STRUCT && fk->flatvar)
					nv += fk->flatvar;
				else
					break;
			}
			if (j == k->nne && nv > 0 && nv < (1u << 20)) {
				k->flatvar = (uint32_t)nv;
				changed = 1;
			}
		}
		if (!changed)
			break;
	}
	return 0;
}

/* ---- values ------------------------------------------------------------ */

static uint64_t read_prim(const jfr_chunk *c, mt_reader *r, uint8_t prim)
{
	switch (prim) {
	case JFR_BOOL:
	case JFR_BYTE:
		return mt_rd_u8(r);
	case JFR_CHAR:
	case JFR_SHORT:
		return c->compressed ? (uint64_t)(int64_t)(int16_t)jfr_varlong(r) : (uint64_t)(int64_t)(int16_t)mt_rd_u16be(r);
	case JFR_INT:
		return (uint64_t)(int64_t)(int32_t)jfr_int(r, c->compressed);
	case JFR_LONG:
		return jfr_long(r, c->compressed);
	case JFR_FLOAT:
		return mt_rd_u32be(r);
	case JFR_DOUBLE:
		return mt_rd_u64be(r);
	case JFR_STRING: {
		uint64_t off = (uint64_t)(r->p - r->base);
		read_string(c, r, NULL, NULL);
		return off;
	}
	default:
		return 0;
	}
}

static const char *field_name(const jfr_file *f, const jfr_field *fd)
{
	return mt_strtab_get(f->names, fd->name);
}

static int read_value(jfr_file *f, const jfr_chunk *c, mt_reader *r, uint32_t cls,
	const jfr_layout *l, jfr_val *out, int partial)
{
	int32_t last = -1;   /* with @partial: stop after this field */
	if (l)
		for (uint32_t i = 0; i < l->n; i++) {
			out[i].set = 0, out[i].u = 0;
			if (l->pos[i] > last)
				last = l->pos[i];
		}
	if (!partial || !l)
		last = INT32_MAX;
	else if (last < 0)
		return 0;   /* nothing wanted */
	if (cls == JFR_NONE || cls >= c->nclasses)
		return mt_rd_fail(r, MT_EFORMAT, "expected a value of a defined class, found an undefined one");
	const jfr_class *root = &c->classes[cls];
	if (root->prim != JFR_STRUCT) {
		read_prim(c, r, root->prim);
		return mt_rd_ok(r) ? 0 : f->err->code;
	}
	struct {
		uint32_t cls, fi;
		uint64_t reps;
	} st[JFR_MAX_VALUE_DEPTH];
	int sp = 0;
	if (root->empty)
		return 0;
	if (!l && root->flatvar)
		return skip_varints(r, root->flatvar);
	st[sp].cls = cls;
	st[sp].fi = 0;
	st[sp].reps = 1;
	sp++;
	while (sp > 0) {
		if (!mt_rd_ok(r))
			return f->err->code;
		const jfr_class *k = &c->classes[st[sp - 1].cls];
		if (st[sp - 1].fi == k->nne) {
			if (--st[sp - 1].reps == 0)
				sp--;
			else
				st[sp - 1].fi = 0;
			continue;
		}
		uint32_t fi = c->ne[k->first_ne + st[sp - 1].fi++];
		const jfr_field *fd = &c->fields[k->first_field + fi];
		int top = sp == 1;
		int slot = -1;
		if (top && l)
			for (uint32_t i = 0; i < l->n; i++)
				if (l->pos[i] == (int32_t)fi) {
					slot = (int)i;
					break;
				}
		uint64_t here = (uint64_t)(r->p - r->base);
		const jfr_class *fk = fd->cls != JFR_NONE ? &c->classes[fd->cls] : NULL;
		if (fd->array) {
			uint32_t n = jfr_count(r, c->compressed, "array length");
			if (!mt_rd_ok(r))
				return f->err->code;
			if (slot >= 0)
				out[slot].u = here, out[slot].set = 1;
			if (top && (int32_t)fi == last)
				return 0;
			if (n == 0)
				continue;
			int elem_empty = !fd->cp && fk && fk->prim == JFR_STRUCT && fk->empty;
			if (elem_empty)
				continue;
			if (n > mt_rd_left(r)) {
				r->p = r->base + here;
				return mt_rd_fail(r, MT_ETRUNC, "expected %u elements of field %s, found %zu bytes before the end of the record",
					n, field_name(f, fd), mt_rd_left(r));
			}
			if (fd->cp && c->compressed) {
				if (skip_varints(r, n))
					return f->err->code;
			} else if (fd->cp) {
				for (uint32_t i = 0; i < n && mt_rd_ok(r); i++)
					jfr_long(r, c->compressed);
			} else if (fk && fk->flatvar) {
				if (skip_varints(r, (uint64_t)n * fk->flatvar))
					return f->err->code;
			} else if (!fk) {
				r->p = r->base + here;
				return mt_rd_fail(r, MT_EFORMAT, "expected field %s to have a defined class, found class id %" PRIu64,
					field_name(f, fd), fd->type_id);
			} else if (fk->prim != JFR_STRUCT) {
				for (uint32_t i = 0; i < n && mt_rd_ok(r); i++)
					read_prim(c, r, fk->prim);
			} else {
				if (sp >= JFR_MAX_VALUE_DEPTH)
					return mt_rd_fail(r, MT_ELIMIT, "expected values nested at most %d deep, found deeper",
						JFR_MAX_VALUE_DEPTH);
				st[sp].cls = fd->cls;
				st[sp].fi = 0;
				st[sp].reps = n;
				sp++;
			}
			continue;
		}
		if (fd->cp) {
			uint64_t v = jfr_long(r, c->compressed);
			if (slot >= 0)
				out[slot].u = v, out[slot].set = mt_rd_ok(r);
			if (top && (int32_t)fi == last)
				return mt_rd_ok(r) ? 0 : f->err->code;
			continue;
		}
		if (!fk)
			return mt_rd_fail(r, MT_EFORMAT, "expected field %s to have a defined class, found class id %" PRIu64,
				field_name(f, fd), fd->type_id);
		if (fk->prim != JFR_STRUCT) {
			uint64_t v = read_prim(c, r, fk->prim);
			if (slot >= 0)
				out[slot].u = v, out[slot].set = mt_rd_ok(r);
			if (top && (int32_t)fi == last)
				return mt_rd_ok(r) ? 0 : f->err->code;
			continue;
		}
		if (slot >= 0)
			out[slot].u = here, out[slot].set = 1;
		if (top && (int32_t)fi == last)
			return 0;
		if (fk->empty)
			continue;
		if (fk->flatvar) {
			if (skip_varints(r, fk->flatvar))
				return f->err->code;
			continue;
		}
		if (sp >= JFR_MAX_VALUE_DEPTH)
			return mt_rd_fail(r, MT_ELIMIT, "expected values nested at most %d deep, found deeper",
				JFR_MAX_VALUE_DEPTH);
		st[sp].cls = fd->cls;
		st[sp].fi = 0;
		st[sp].reps = 1;
		sp++;
	}
	return mt_rd_ok(r) ? 0 : f->err->code;
}

int jfr_read_value(jfr_file *f, const jfr_chunk *c, mt_reader *r, uint32_t cls,
	const jfr_layout *l, jfr_val *out)
{
	return read_value(f, c, r, cls, l, out, 0);
}

int jfr_read_fields(jfr_file *f, const jfr_chunk *c, mt_reader *r, uint32_t cls,
	const jfr_layout *l, jfr_val *out)
{
	return read_value(f, c, r, cls, l, out, 1);
}

uint64_t jfr_constant(const jfr_chunk *c, uint32_t cls, uint64_t id)
{
	if (cls == JFR_NONE || cls >= c->nclasses)
		return 0;
	PWord_t v;
	JLG(v, c->classes[cls].pool, (Word_t)id);
	return v ? (uint64_t)*v : 0;
}

int jfr_deref(const jfr_file *f, const jfr_chunk *c, const jfr_field *fd, const jfr_val *v,
	mt_reader *out)
{
	if (!v->set || fd->cls == JFR_NONE || fd->array)
		return 0;
	/* an inline value holds an offset only for structs and strings */
	if (!fd->cp && c->classes[fd->cls].prim != JFR_STRUCT && c->classes[fd->cls].prim != JFR_STRING)
		return 0;
	uint64_t off = fd->cp ? jfr_constant(c, fd->cls, v->u) : v->u;
	if (!off)
		return 0;
	*out = jfr_rd_at(f, off, c->off + c->size);
	return 1;
}

int jfr_text(jfr_file *f, const jfr_chunk *c, const jfr_field *fd, const jfr_val *v,
	jfr_buf *b, int reset, jfr_str *out)
{
	if (reset)
		b->len = 0;
	size_t start = b->len;
	out->s = "";
	out->len = 0;
	out->null = 1;
	uint32_t cls = fd->cls;
	int cp = fd->cp;
	jfr_val val = *v;
	uint64_t off = 0;
	if (fd->array)
		return 0;
	for (int hop = 0; hop <= JFR_MAX_TEXT_HOPS; hop++) {
		if (!val.set || cls == JFR_NONE || cls >= c->nclasses)
			return 0;
		const jfr_class *k = &c->classes[cls];
		if (k->prim != JFR_STRUCT && k->prim != JFR_STRING)
			return 0;   /* a number: no text (and its value is no offset) */
		off = cp ? jfr_constant(c, cls, val.u) : val.u;
		if (!off)
			return 0;
		mt_reader r = jfr_rd_at(f, off, c->off + c->size);
		if (k->prim == JFR_STRING) {
			uint64_t id = 0;
			int enc = read_string(c, &r, b, &id);
			if (enc < 0)
				return f->err->code ? f->err->code : MT_ENOMEM;
			if (enc == STR_NULL)
				return 0;
			if (enc == STR_CP) {
				cls = c->string_cls;
				cp = 1;
				val.u = id;
				val.set = 1;
				continue;
			}
			if (jfr_buf_put(b, "", 0))
				return MT_ENOMEM;
			out->s = b->s + start;
			out->len = b->len - start;
			out->null = 0;
			return 0;
		}
		int32_t pos = k->text_pos;
		if (pos < 0)
			return 0;
		jfr_layout l = { cls, { pos }, 1 };
		jfr_val got;
		if (jfr_read_fields(f, c, &r, cls, &l, &got))
			return f->err->code;
		const jfr_field *nf = &c->fields[k->first_field + (uint32_t)pos];
		if (nf->array)
			return 0;
		cls = nf->cls;
		cp = nf->cp;
		val = got;
	}
	return mt_error_set(f->err, MT_EFORMAT, off,
		"expected a string, found a chain of more than %d constant references", JFR_MAX_TEXT_HOPS);
}

int64_t jfr_ticks_to_ns(const jfr_chunk *c, int64_t ticks)
{
	__int128 v = (__int128)ticks * 1000000000 / c->ticks_per_sec;
	if (v > INT64_MAX)
		return INT64_MAX;
	if (v < INT64_MIN)
		return INT64_MIN;
	return (int64_t)v;
}

int64_t jfr_ticks_to_epoch_ns(const jfr_chunk *c, int64_t ticks)
{
	__int128 d = ((__int128)ticks - c->start_ticks) * 1000000000 / c->ticks_per_sec;
	__int128 v = (__int128)c->start_nanos + d;
	if (v > INT64_MAX)
		return INT64_MAX;
	if (v < INT64_MIN)
		return INT64_MIN;
	return (int64_t)v;
}

/* ---- constant pools ---------------------------------------------------- */

static int index_pools(jfr_file *f, jfr_chunk *c, uint32_t only_cls, const jfr_idset *want)
{
	const int again = c->indexed;   /* only the wanted ids of only_cls are new */
	mt_error *err = f->err;
	err->doing = "reading constant pool";
	const int cmp = c->compressed;
	uint64_t end = c->off + c->size;
	uint64_t pos = c->off + c->cp_off;
	Pvoid_t seen = NULL;
	int rc = 0;
	for (;;) {
		int seen_before;
		J1S(seen_before, seen, (Word_t)pos);
		if (seen_before == JERR) {
			rc = mt_error_set(err, MT_ENOMEM, pos, "out of memory");
			break;
		}
		if (!seen_before) {
			rc = mt_error_set(err, MT_EFORMAT, pos,
				"expected the constant pool chain to end, found it loops back to byte %" PRIu64, pos);
			break;
		}
		uint64_t next = pos;
		jfr_event ev;
		rc = jfr_next_event(f, c, &next, &ev);
		if (rc < 0)
			break;
		rc = 0;
		if (ev.type != 1) {
			rc = mt_error_set(err, MT_EFORMAT, pos,
				"expected a checkpoint event (type 1), found an event of type %" PRIu64, ev.type);
			break;
		}
		mt_reader r = ev.body;
		(void)jfr_long(&r, cmp);   /* start time */
		(void)jfr_long(&r, cmp);   /* duration */
		const uint8_t *dat = r.p;
		int64_t delta = (int64_t)jfr_long(&r, cmp);
		(void)mt_rd_u8(&r);        /* 2.x: flush flag / checkpoint type; 1.0: flush flag */
		uint32_t npools = jfr_count(&r, cmp, "pool count");
		for (uint32_t p = 0; p < npools && mt_rd_ok(&r); p++) {
			const uint8_t *tat = r.p;
			uint64_t tid = jfr_long(&r, cmp);
			uint32_t n = jfr_count(&r, cmp, "constant count");
			if (!mt_rd_ok(&r))
				break;
			uint32_t cls = jfr_class_index(c, tid);
			if (cls == JFR_NONE) {
				r.p = tat;
				mt_rd_fail(&r, MT_EFORMAT, "expected a constant pool of a class in the metadata, found class id %" PRIu64, tid);
				break;
			}
			if (n > mt_rd_left(&r)) {
				r.p = tat;
				mt_rd_fail(&r, MT_ETRUNC, "expected %u constants, found %zu bytes before the end of the checkpoint",
					n, mt_rd_left(&r));
				break;
			}
			if (!again)
				c->npools++;
			jfr_class *k = &c->classes[cls];
			int filtered = cls == only_cls, skip_all = again && !filtered;
			for (uint32_t i = 0; i < n && mt_rd_ok(&r); i++) {
				uint64_t id = jfr_long(&r, cmp);
				uint64_t voff = (uint64_t)(r.p - r.base);
				if (jfr_read_value(f, c, &r, cls, NULL, NULL))
					break;
				if (c->count_only) {
					c->nconstants++;   /* every definition: no index to tell redefinitions */
					continue;
				}
				if (skip_all || (filtered && !jfr_idset_has(want, id)))
					continue;
				PWord_t slot;
				JLI(slot, k->pool, (Word_t)id);
				if (slot == PJERR) {
					rc = mt_error_set(err, MT_ENOMEM, voff, "out of memory");
					break;
				}
				if (!*slot) {   /* the chain runs backwards: keep the newest */
					*slot = (Word_t)voff;
					c->nconstants++;
				}
			}
			if (rc)
				break;
		}
		if (rc || !mt_rd_ok(&r)) {
			rc = rc ? rc : err->code;
			break;
		}
		if (delta == 0)
			break;
		if ((delta < 0 && (uint64_t)-delta > pos - c->off) || (delta > 0 && (uint64_t)delta >= end - pos) ||
		    pos + (uint64_t)delta < c->off + JFR_HEADER_SIZE) {
			rc = mt_error_set(err, MT_EFORMAT, (uint64_t)(dat - f->data),
				"expected the offset of the previous checkpoint inside the chunk, found delta %" PRId64, delta);
			break;
		}
		pos += (uint64_t)delta;
	}
	Word_t bytes;
	J1FA(bytes, seen);
	(void)bytes;
	return rc;
}

int jfr_chunk_open(jfr_file *f, uint64_t off, int level, jfr_chunk *c)
{
	memset(c, 0, sizeof *c);
	c->off = off;
	c->string_cls = JFR_NONE;
	int rc = read_header(f, off, c);
	if (rc || level == JFR_OPEN_HEADER)
		return rc;
	if ((rc = read_metadata(f, c)))
		return rc;
	if ((rc = resolve_classes(f, c)))
		return rc;
	if (level == JFR_OPEN_METADATA)
		return 0;
	c->count_only = level == JFR_OPEN_COUNT;
	return jfr_chunk_index(f, c, JFR_NONE, NULL);
}

int jfr_chunk_index(jfr_file *f, jfr_chunk *c, uint32_t only_cls, const jfr_idset *want)
{
	int rc = index_pools(f, c, only_cls, want);
	c->indexed = 1;
	return rc;
}

void jfr_chunk_free(jfr_chunk *c)
{
	for (uint32_t i = 0; i < c->nclasses; i++) {
		Word_t bytes;
		JLFA(bytes, c->classes[i].pool);
		(void)bytes;
	}
	Word_t bytes;
	JLFA(bytes, c->class_by_id);
	JLFA(bytes, c->class_by_name);
	(void)bytes;
	free(c->classes);
	free(c->fields);
	free(c->ne);
	free(c->small_ids);
	memset(c, 0, sizeof *c);
}
