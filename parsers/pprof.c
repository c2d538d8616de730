/*
 * parsers/pprof.c - profile.proto reader (pprof's format) and the legacy
 * pprof format detector.
 *
 * Spec: github.com/google/pprof/proto/profile.proto (field numbers, the
 * meaning of ids and string indices) and the protobuf wire format
 * (protobuf.dev/programming-guides/encoding: varints, wire types 0/1/2/5,
 * packed and unpacked repeated scalars, unknown fields skipped by type).
 *
 * We decode the wire format ourselves on top of mt_reader instead of using
 * the protoc-c unpacker, so that every error carries the byte offset where
 * it happened. Decoding is two-phase:
 *   1. scan_profile(): the top-level message into raw tables that still
 *      hold ids and string indices, each record remembering its offset;
 *   2. resolve(): check string indices, unique non-zero ids, references
 *      between samples, locations, functions and mappings, value counts;
 *      only then build(): the mt_profile through the mt_profile_add_* API.
 *
 * Deviation from pprof's Go decoder, on purpose: a location that names a
 * mapping id the profile does not define is an error here (pprof silently
 * drops the mapping); a line without a function is an error in both.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memtracer/io.h"
#include "memtracer/parse.h"
#include "memtracer/profile.h"
#include "mt_internal.h"
#include "reader.h"

/* ---- raw tables (phase 1) ---------------------------------------------- */

typedef struct raw_str {
	uint64_t off;  /* offset of the bytes in the input */
	size_t len;
} raw_str;

typedef struct raw_ref {   /* a string index (or other scalar) and where it was */
	int64_t v;
	uint64_t off;
} raw_ref;

typedef struct raw_vt {
	int64_t type, unit;
	uint64_t off;
} raw_vt;

typedef struct raw_label {
	int64_t key, str, num, unit;
	uint64_t off;
} raw_label;

typedef struct raw_sample {
	uint64_t off;
	uint32_t loc0, nloc;   /* into locids */
	uint32_t val0, nval;   /* into values */
	uint32_t lab0, nlab;   /* into labels */
} raw_sample;

typedef struct raw_mapping {
	uint64_t off, id, start, limit, offset;
	int64_t file, build_id;
	uint8_t has_functions, has_filenames, has_line_numbers, has_inline_frames;
} raw_mapping;

typedef struct raw_line {
	uint64_t off;
	uint64_t func;      /* function id; after resolve(): function index */
	int64_t line, column;
} raw_line;

typedef struct raw_location {
	uint64_t off, id;
	uint64_t mapping;   /* mapping id; after resolve(): mapping index + 1, 0 = none */
	uint64_t address;
	uint32_t line0, nlines;
	uint8_t is_folded;
} raw_location;

typedef struct raw_function {
	uint64_t off, id;
	int64_t name, system_name, filename, start_line;
} raw_function;

#define VEC(T) struct { T *a; size_t n, cap; }

/* Most records of one kind we accept: the IR counts with uint32_t. */
#define MAX_RECORDS ((size_t)UINT32_MAX - 1)

typedef struct dec {
	const uint8_t *data;
	size_t len;
	mt_error *err;

	VEC(raw_vt) sample_types;
	VEC(raw_sample) samples;
	VEC(uint64_t) locids;      /* after resolve(): location indices, as uint32_t (locids_narrow) */
	int locids_narrow;
	VEC(uint64_t) values;
	VEC(raw_label) labels;
	VEC(raw_mapping) mappings;
	VEC(raw_location) locations;
	VEC(raw_line) lines;
	VEC(raw_function) functions;
	VEC(raw_str) strings;
	VEC(uint64_t) comments;
	VEC(uint64_t) comment_offs;

	raw_ref drop_frames, keep_frames, default_sample_type, doc_url;
	int64_t time_nanos, duration_nanos, period;
	uint64_t time_nanos_off;
	raw_vt period_type;

	uint64_t unknown_fields;
	uint64_t first_unknown_off;
	uint32_t first_unknown_num;
	int first_unknown_wt;
} dec;

/* One decoded field: tag, and its value or payload. */
typedef struct pbf {
	uint32_t num;
	int wt;
	uint64_t off;      /* offset of the tag */
	uint64_t v;        /* wire types 0, 1, 5 */
	mt_reader sub;     /* wire type 2: the payload */
} pbf;

static const char *wt_name(int wt)
{
	switch (wt) {
	case 0: return "a varint";
	case 1: return "a fixed64";
	case 2: return "a length-delimited value";
	case 5: return "a fixed32";
	default: return "an invalid wire type";
	}
}

static const char *end_name(const dec *d, const mt_reader *r)
{
	return r->end == d->data + d->len ? "the end of the input" : "the end of the enclosing message";
}

static void *push_(dec *d, void *arr, size_t *n, size_t *cap, size_t el, const char *what)
{
	if (*n >= MAX_RECORDS) {
		mt_error_set(d->err, MT_ELIMIT, MT_NO_OFFSET,
			"expected at most %zu %s, found more", MAX_RECORDS, what);
		return NULL;
	}
	if (mt_grow(arr, cap, *n + 1, el) != 0) {
		mt_error_set(d->err, MT_ENOMEM, MT_NO_OFFSET, "out of memory reading %s", what);
		return NULL;
	}
	char *base = *(char **)arr;
	void *p = base + *n * el;
	memset(p, 0, el);
	(*n)++;
	return p;
}

#define PUSH(d, vec, what) push_((d), &(vec).a, &(vec).n, &(vec).cap, sizeof *(vec).a, (what))

/* Unsigned LEB128, at most 10 bytes; the error names @what. */
static int pb_varint(dec *d, mt_reader *r, uint64_t *out, const char *what)
{
	uint64_t v = 0;
	const uint8_t *p = r->p;
	for (unsigned i = 0; i < 10; i++) {
		if (p + i >= r->end)
			return mt_rd_fail(r, MT_ETRUNC, "expected %s (a varint), found %s", what,
				end_name(d, r));
		uint8_t b = p[i];
		if (i == 9 && b > 1)
			return mt_rd_fail(r, MT_EFORMAT,
				"expected %s (a varint of at most 10 bytes), found byte 0x%02x at its 10th byte",
				what, b);
		v |= (uint64_t)(b & 0x7f) << (7 * i);
		if (!(b & 0x80)) {
			r->p = p + i + 1;
			*out = v;
			return 0;
		}
	}
	return mt_rd_fail(r, MT_EFORMAT, "expected %s (a varint), found more than 10 bytes", what);
}

/*
 * Reads the next field of the message in @r. Returns 1 with *@f filled,
 * 0 at the end of the message, or a negative code.
 */
static int pb_next(dec *d, mt_reader *r, pbf *f)
{
	if (!mt_rd_ok(r))
		return r->err->code;
	if (mt_rd_eof(r))
		return 0;
	memset(f, 0, sizeof *f);
	f->off = mt_rd_off(r);
	uint64_t tag;
	int rc = pb_varint(d, r, &tag, "a field tag");
	if (rc)
		return rc;
	uint64_t num = tag >> 3;
	f->wt = (int)(tag & 7);
	if (num == 0)
		return mt_error_set(d->err, MT_EFORMAT, f->off,
			"expected a field tag with a field number >= 1, found tag 0x%llx",
			(unsigned long long)tag);
	if (num > 536870911u)
		return mt_error_set(d->err, MT_EFORMAT, f->off,
			"expected a field number below 2^29, found %llu", (unsigned long long)num);
	f->num = (uint32_t)num;
	switch (f->wt) {
	case 0:
		return pb_varint(d, r, &f->v, "a field value") ? r->err->code : 1;
	case 1:
		if (mt_rd_left(r) < 8)
			return mt_rd_fail(r, MT_ETRUNC, "expected 8 bytes of fixed64 field %u, found %zu before %s",
				f->num, mt_rd_left(r), end_name(d, r));
		f->v = mt_rd_u64le(r);
		return 1;
	case 5:
		if (mt_rd_left(r) < 4)
			return mt_rd_fail(r, MT_ETRUNC, "expected 4 bytes of fixed32 field %u, found %zu before %s",
				f->num, mt_rd_left(r), end_name(d, r));
		f->v = mt_rd_u32le(r);
		return 1;
	case 2: {
		uint64_t n;
		if (pb_varint(d, r, &n, "a length prefix"))
			return r->err->code;
		if (n > mt_rd_left(r))
			return mt_rd_fail(r, MT_ETRUNC,
				"expected %llu bytes of field %u, found %zu before %s",
				(unsigned long long)n, f->num, mt_rd_left(r), end_name(d, r));
		f->sub = mt_rd_sub(r, n);
		return mt_rd_ok(r) ? 1 : r->err->code;
	}
	case 3:
	case 4:
		return mt_error_set(d->err, MT_EFORMAT, f->off,
			"expected wire type 0, 1, 2 or 5 in field %u, found %d (a group; profile.proto has none)",
			f->num, f->wt);
	default:
		return mt_error_set(d->err, MT_EFORMAT, f->off,
			"expected wire type 0, 1, 2 or 5 in field %u, found %d", f->num, f->wt);
	}
}

static int want(dec *d, const pbf *f, int wt, const char *field)
{
	if (f->wt == wt)
		return 0;
	return mt_error_set(d->err, MT_EFORMAT, f->off, "expected %s for %s (field %u), found %s",
		wt_name(wt), field, f->num, wt_name(f->wt));
}

/* Reads a singular varint field into *@out. */
static int get_u64(dec *d, const pbf *f, const char *field, uint64_t *out)
{
	int rc = want(d, f, 0, field);
	if (rc == 0)
		*out = f->v;
	return rc;
}

static int get_i64(dec *d, const pbf *f, const char *field, int64_t *out)
{
	int rc = want(d, f, 0, field);
	if (rc == 0)
		*out = (int64_t)f->v;
	return rc;
}

static int get_bool(dec *d, const pbf *f, const char *field, uint8_t *out)
{
	int rc = want(d, f, 0, field);
	if (rc == 0)
		*out = f->v != 0;
	return rc;
}

/*
 * Appends a repeated varint field, packed (wire type 2) or not (0), to the
 * array *@a of *@n elements.
 */
static int rep_u64(dec *d, pbf *f, const char *field, uint64_t **a, size_t *n, size_t *cap)
{
	if (f->wt == 0) {
		uint64_t *slot = push_(d, a, n, cap, sizeof **a, field);
		if (!slot)
			return d->err->code;
		*slot = f->v;
		return 0;
	}
	if (f->wt != 2)
		return mt_error_set(d->err, MT_EFORMAT, f->off,
			"expected a varint or a packed run for %s (field %u), found %s",
			field, f->num, wt_name(f->wt));
	/* every varint ends with exactly one byte below 0x80: count, then size once */
	size_t cnt = 0;
	for (const uint8_t *p = f->sub.p; p < f->sub.end; p++)
		cnt += !(*p & 0x80);
	if (cnt > MAX_RECORDS - *n)
		return mt_error_set(d->err, MT_ELIMIT, f->off, "expected at most %zu %s, found more",
			MAX_RECORDS, field);
	if (mt_grow(a, cap, *n + cnt, sizeof **a) != 0)
		return mt_error_set(d->err, MT_ENOMEM, f->off, "out of memory reading %s", field);
	while (!mt_rd_eof(&f->sub)) {
		uint64_t v;
		if (pb_varint(d, &f->sub, &v, field))
			return d->err->code;
		(*a)[(*n)++] = v;
	}
	return 0;
}

static void unknown_field(dec *d, const pbf *f)
{
	if (d->unknown_fields++ == 0) {
		d->first_unknown_off = f->off;
		d->first_unknown_num = f->num;
		d->first_unknown_wt = f->wt;
	}
}

/* ---- phase 1: the wire format into raw tables --------------------------- */

static int scan_value_type(dec *d, mt_reader *r, raw_vt *vt)
{
	pbf f;
	int rc;
	while ((rc = pb_next(d, r, &f)) == 1) {
		switch (f.num) {
		case 1: rc = get_i64(d, &f, "ValueType.type", &vt->type); break;
		case 2: rc = get_i64(d, &f, "ValueType.unit", &vt->unit); break;
		default: unknown_field(d, &f); rc = 0; break;
		}
		if (rc)
			return rc;
	}
	return rc;
}

static int scan_label(dec *d, mt_reader *r, raw_label *l)
{
	pbf f;
	int rc;
	while ((rc = pb_next(d, r, &f)) == 1) {
		switch (f.num) {
		case 1: rc = get_i64(d, &f, "Label.key", &l->key); break;
		case 2: rc = get_i64(d, &f, "Label.str", &l->str); break;
		case 3: rc = get_i64(d, &f, "Label.num", &l->num); break;
		case 4: rc = get_i64(d, &f, "Label.num_unit", &l->unit); break;
		default: unknown_field(d, &f); rc = 0; break;
		}
		if (rc)
			return rc;
	}
	return rc;
}

static int scan_sample(dec *d, mt_reader *r, size_t si)
{
	pbf f;
	int rc;
	size_t loc0 = d->locids.n, val0 = d->values.n, lab0 = d->labels.n;
	while ((rc = pb_next(d, r, &f)) == 1) {
		switch (f.num) {
		case 1:
			rc = rep_u64(d, &f, "Sample.location_id", &d->locids.a, &d->locids.n, &d->locids.cap);
			break;
		case 2:
			rc = rep_u64(d, &f, "Sample.value", &d->values.a, &d->values.n, &d->values.cap);
			break;
		case 3: {
			if ((rc = want(d, &f, 2, "Sample.label")))
				break;
			raw_label *l = PUSH(d, d->labels, "labels");
			if (!l)
				return d->err->code;
			l->off = f.off;
			rc = scan_label(d, &f.sub, l);
			break;
		}
		default: unknown_field(d, &f); rc = 0; break;
		}
		if (rc)
			return rc;
	}
	if (rc)
		return rc;
	raw_sample *s = &d->samples.a[si];
	s->loc0 = (uint32_t)loc0;
	s->nloc = (uint32_t)(d->locids.n - loc0);
	s->val0 = (uint32_t)val0;
	s->nval = (uint32_t)(d->values.n - val0);
	s->lab0 = (uint32_t)lab0;
	s->nlab = (uint32_t)(d->labels.n - lab0);
	return 0;
}

static int scan_mapping(dec *d, mt_reader *r, raw_mapping *m)
{
	pbf f;
	int rc;
	while ((rc = pb_next(d, r, &f)) == 1) {
		switch (f.num) {
		case 1: rc = get_u64(d, &f, "Mapping.id", &m->id); break;
		case 2: rc = get_u64(d, &f, "Mapping.memory_start", &m->start); break;
		case 3: rc = get_u64(d, &f, "Mapping.memory_limit", &m->limit); break;
		case 4: rc = get_u64(d, &f, "Mapping.file_offset", &m->offset); break;
		case 5: rc = get_i64(d, &f, "Mapping.filename", &m->file); break;
		case 6: rc = get_i64(d, &f, "Mapping.build_id", &m->build_id); break;
		case 7: rc = get_bool(d, &f, "Mapping.has_functions", &m->has_functions); break;
		case 8: rc = get_bool(d, &f, "Mapping.has_filenames", &m->has_filenames); break;
		case 9: rc = get_bool(d, &f, "Mapping.has_line_numbers", &m->has_line_numbers); break;
		case 10: rc = get_bool(d, &f, "Mapping.has_inline_frames", &m->has_inline_frames); break;
		default: unknown_field(d, &f); rc = 0; break;
		}
		if (rc)
			return rc;
	}
	return rc;
}

static int scan_line(dec *d, mt_reader *r, raw_line *l)
{
	pbf f;
	int rc;
	while ((rc = pb_next(d, r, &f)) == 1) {
		switch (f.num) {
		case 1: rc = get_u64(d, &f, "Line.function_id", &l->func); break;
		case 2: rc = get_i64(d, &f, "Line.line", &l->line); break;
		case 3: rc = get_i64(d, &f, "Line.column", &l->column); break;
		default: unknown_field(d, &f); rc = 0; break;
		}
		if (rc)
			return rc;
	}
	return rc;
}

static int scan_location(dec *d, mt_reader *r, size_t li)
{
	pbf f;
	int rc;
	size_t line0 = d->lines.n;
	while ((rc = pb_next(d, r, &f)) == 1) {
		raw_location *loc = &d->locations.a[li];
		switch (f.num) {
		case 1: rc = get_u64(d, &f, "Location.id", &loc->id); break;
		case 2: rc = get_u64(d, &f, "Location.mapping_id", &loc->mapping); break;
		case 3: rc = get_u64(d, &f, "Location.address", &loc->address); break;
		case 4: {
			if ((rc = want(d, &f, 2, "Location.line")))
				break;
			raw_line *l = PUSH(d, d->lines, "lines");
			if (!l)
				return d->err->code;
			l->off = f.off;
			rc = scan_line(d, &f.sub, l);
			break;
		}
		case 5: rc = get_bool(d, &f, "Location.is_folded", &loc->is_folded); break;
		default: unknown_field(d, &f); rc = 0; break;
		}
		if (rc)
			return rc;
	}
	if (rc)
		return rc;
	d->locations.a[li].line0 = (uint32_t)line0;
	d->locations.a[li].nlines = (uint32_t)(d->lines.n - line0);
	return 0;
}

static int scan_function(dec *d, mt_reader *r, raw_function *fn)
{
	pbf f;
	int rc;
	while ((rc = pb_next(d, r, &f)) == 1) {
		switch (f.num) {
		case 1: rc = get_u64(d, &f, "Function.id", &fn->id); break;
		case 2: rc = get_i64(d, &f, "Function.name", &fn->name); break;
		case 3: rc = get_i64(d, &f, "Function.system_name", &fn->system_name); break;
		case 4: rc = get_i64(d, &f, "Function.filename", &fn->filename); break;
		case 5: rc = get_i64(d, &f, "Function.start_line", &fn->start_line); break;
		default: unknown_field(d, &f); rc = 0; break;
		}
		if (rc)
			return rc;
	}
	return rc;
}

static int scan_ref(dec *d, const pbf *f, const char *field, raw_ref *out)
{
	int rc = get_i64(d, f, field, &out->v);
	if (rc == 0)
		out->off = f->off;
	return rc;
}

static int scan_profile(dec *d)
{
	mt_reader top = mt_rd_init(d->data, d->len, d->err);
	pbf f;
	int rc;
	while ((rc = pb_next(d, &top, &f)) == 1) {
		switch (f.num) {
		case 1: {
			if ((rc = want(d, &f, 2, "Profile.sample_type")))
				break;
			raw_vt *vt = PUSH(d, d->sample_types, "sample types");
			if (!vt)
				return d->err->code;
			vt->off = f.off;
			rc = scan_value_type(d, &f.sub, vt);
			break;
		}
		case 2: {
			if ((rc = want(d, &f, 2, "Profile.sample")))
				break;
			raw_sample *s = PUSH(d, d->samples, "samples");
			if (!s)
				return d->err->code;
			s->off = f.off;
			rc = scan_sample(d, &f.sub, d->samples.n - 1);
			break;
		}
		case 3: {
			if ((rc = want(d, &f, 2, "Profile.mapping")))
				break;
			raw_mapping *m = PUSH(d, d->mappings, "mappings");
			if (!m)
				return d->err->code;
			m->off = f.off;
			rc = scan_mapping(d, &f.sub, m);
			break;
		}
		case 4: {
			if ((rc = want(d, &f, 2, "Profile.location")))
				break;
			raw_location *l = PUSH(d, d->locations, "locations");
			if (!l)
				return d->err->code;
			l->off = f.off;
			rc = scan_location(d, &f.sub, d->locations.n - 1);
			break;
		}
		case 5: {
			if ((rc = want(d, &f, 2, "Profile.function")))
				break;
			raw_function *fn = PUSH(d, d->functions, "functions");
			if (!fn)
				return d->err->code;
			fn->off = f.off;
			rc = scan_function(d, &f.sub, fn);
			break;
		}
		case 6: {
			if ((rc = want(d, &f, 2, "Profile.string_table")))
				break;
			raw_str *s = PUSH(d, d->strings, "strings");
			if (!s)
				return d->err->code;
			s->off = mt_rd_off(&f.sub);
			s->len = mt_rd_left(&f.sub);
			break;
		}
		case 7: rc = scan_ref(d, &f, "Profile.drop_frames", &d->drop_frames); break;
		case 8: rc = scan_ref(d, &f, "Profile.keep_frames", &d->keep_frames); break;
		case 9: {
			int64_t t;
			if ((rc = get_i64(d, &f, "Profile.time_nanos", &t)))
				break;
			/* pprof's own decoder reads a second non-zero time_nanos as concatenation */
			if (d->time_nanos != 0 && t != 0)
				return mt_error_set(d->err, MT_EFORMAT, f.off,
					"expected one profile, found a second time_nanos (first at byte %llu): "
					"concatenated profiles are not supported",
					(unsigned long long)d->time_nanos_off);
			d->time_nanos = t;
			d->time_nanos_off = f.off;
			break;
		}
		case 10: rc = get_i64(d, &f, "Profile.duration_nanos", &d->duration_nanos); break;
		case 11:
			if ((rc = want(d, &f, 2, "Profile.period_type")))
				break;
			d->period_type.off = f.off;
			rc = scan_value_type(d, &f.sub, &d->period_type);
			break;
		case 12: rc = get_i64(d, &f, "Profile.period", &d->period); break;
		case 13: {
			size_t before = d->comments.n;
			rc = rep_u64(d, &f, "Profile.comment", &d->comments.a, &d->comments.n,
				&d->comments.cap);
			if (rc)
				break;
			if (mt_grow(&d->comment_offs.a, &d->comment_offs.cap, d->comments.n,
					sizeof *d->comment_offs.a) != 0)
				return mt_error_set(d->err, MT_ENOMEM, f.off, "out of memory reading comments");
			for (size_t i = before; i < d->comments.n; i++)
				d->comment_offs.a[i] = f.off;
			d->comment_offs.n = d->comments.n;
			break;
		}
		case 14: rc = scan_ref(d, &f, "Profile.default_sample_type", &d->default_sample_type); break;
		case 15: rc = scan_ref(d, &f, "Profile.doc_url", &d->doc_url); break;
		default: unknown_field(d, &f); rc = 0; break;
		}
		if (rc)
			return rc;
	}
	return rc;
}

/* ---- phase 2: resolve and validate -------------------------------------- */

static int check_str(dec *d, int64_t idx, uint64_t off, const char *field)
{
	if (idx >= 0 && (uint64_t)idx < d->strings.n)
		return 0;
	return mt_error_set(d->err, MT_EFORMAT, off,
		"expected a string_table index below %zu for %s, found %lld",
		d->strings.n, field, (long long)idx);
}

/* id -> index of the record, dense when the ids are small, sorted otherwise. */
typedef struct idpair {
	uint64_t id;
	uint64_t off;
	uint32_t idx;
} idpair;

typedef struct idmap {
	uint32_t *dense;     /* [id] = idx + 1, 0 = absent */
	uint64_t ndense;
	idpair *sorted;
	size_t n;
} idmap;

static int idpair_cmp(const void *a, const void *b)
{
	const idpair *x = a, *y = b;
	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Takes ownership of @pairs. Checks ids non-zero and unique. */
static int idmap_build(dec *d, idmap *m, idpair *pairs, size_t n, const char *what)
{
	m->sorted = pairs;
	m->n = n;
	uint64_t maxid = 0;
	for (size_t i = 0; i < n; i++) {
		if (pairs[i].id == 0)
			return mt_error_set(d->err, MT_EFORMAT, pairs[i].off,
				"expected a non-zero %s id, found 0", what);
		if (pairs[i].id > maxid)
			maxid = pairs[i].id;
	}
	qsort(pairs, n, sizeof *pairs, idpair_cmp);
	for (size_t i = 1; i < n; i++) {
		if (pairs[i].id == pairs[i - 1].id) {
			/* report the later record in file order (larger idx sorts second) */
			return mt_error_set(d->err, MT_EFORMAT, pairs[i].off,
				"expected unique %s ids, found %llu again (first at byte %llu)", what,
				(unsigned long long)pairs[i].id, (unsigned long long)pairs[i - 1].off);
		}
	}
	if (n > 0 && maxid <= 2 * (uint64_t)n + 64) {
		m->ndense = maxid + 1;
		m->dense = calloc((size_t)m->ndense, sizeof *m->dense);
		if (!m->dense)
			return mt_error_set(d->err, MT_ENOMEM, MT_NO_OFFSET, "out of memory indexing %s ids", what);
		for (size_t i = 0; i < n; i++)
			m->dense[pairs[i].id] = pairs[i].idx + 1;
	}
	return 0;
}

/* Index of the record with id @id, or -1. */
static int64_t idmap_find(const idmap *m, uint64_t id)
{
	if (m->dense) {
		if (id < m->ndense && m->dense[id])
			return (int64_t)m->dense[id] - 1;
		return -1;
	}
	size_t lo = MT_LOWER_BOUND(m->sorted, m->n, .id, id);
	if (lo < m->n && m->sorted[lo].id == id)
		return m->sorted[lo].idx;
	return -1;
}

static void idmap_free(idmap *m)
{
	free(m->dense);
	free(m->sorted);
	memset(m, 0, sizeof *m);
}

static idpair *pairs_new(dec *d, size_t n, const char *what)
{
	size_t bytes;
	if (!mt_mul_ok(n ? n : 1, sizeof(idpair), &bytes)) {
		mt_error_set(d->err, MT_ELIMIT, MT_NO_OFFSET, "too many %s to index", what);
		return NULL;
	}
	idpair *p = malloc(bytes);
	if (!p)
		mt_error_set(d->err, MT_ENOMEM, MT_NO_OFFSET, "out of memory indexing %s ids", what);
	return p;
}

static int resolve(dec *d, idmap *fmap, idmap *mmap, idmap *lmap)
{
	mt_error *err = d->err;
	int rc;

	err->doing = "checking the string table";
	if (d->strings.n == 0)
		return mt_error_set(err, MT_EFORMAT, 0,
			"expected a string_table whose first entry is \"\", found no string_table");
	if (d->strings.a[0].len != 0)
		return mt_error_set(err, MT_EFORMAT, d->strings.a[0].off,
			"expected string_table[0] to be \"\", found a string of %zu bytes",
			d->strings.a[0].len);

	err->doing = "resolving sample types";
	for (size_t i = 0; i < d->sample_types.n; i++) {
		raw_vt *vt = &d->sample_types.a[i];
		if ((rc = check_str(d, vt->type, vt->off, "ValueType.type")) ||
		    (rc = check_str(d, vt->unit, vt->off, "ValueType.unit")))
			return rc;
	}

	err->doing = "resolving functions";
	idpair *pairs = pairs_new(d, d->functions.n, "functions");
	if (!pairs)
		return err->code;
	for (size_t i = 0; i < d->functions.n; i++) {
		raw_function *f = &d->functions.a[i];
		pairs[i] = (idpair){ f->id, f->off, (uint32_t)i };
		if ((rc = check_str(d, f->name, f->off, "Function.name")) ||
		    (rc = check_str(d, f->system_name, f->off, "Function.system_name")) ||
		    (rc = check_str(d, f->filename, f->off, "Function.filename"))) {
			free(pairs);
			return rc;
		}
	}
	if ((rc = idmap_build(d, fmap, pairs, d->functions.n, "function")))
		return rc;

	err->doing = "resolving mappings";
	if (!(pairs = pairs_new(d, d->mappings.n, "mappings")))
		return err->code;
	for (size_t i = 0; i < d->mappings.n; i++) {
		raw_mapping *m = &d->mappings.a[i];
		pairs[i] = (idpair){ m->id, m->off, (uint32_t)i };
		if ((rc = check_str(d, m->file, m->off, "Mapping.filename")) ||
		    (rc = check_str(d, m->build_id, m->off, "Mapping.build_id"))) {
			free(pairs);
			return rc;
		}
	}
	if ((rc = idmap_build(d, mmap, pairs, d->mappings.n, "mapping")))
		return rc;

	err->doing = "resolving locations";
	if (!(pairs = pairs_new(d, d->locations.n, "locations")))
		return err->code;
	for (size_t i = 0; i < d->locations.n; i++) {
		raw_location *l = &d->locations.a[i];
		pairs[i] = (idpair){ l->id, l->off, (uint32_t)i };
	}
	if ((rc = idmap_build(d, lmap, pairs, d->locations.n, "location")))
		return rc;
	for (size_t i = 0; i < d->locations.n; i++) {
		raw_location *l = &d->locations.a[i];
		if (l->mapping != 0) {
			int64_t mi = idmap_find(mmap, l->mapping);
			if (mi < 0)
				return mt_error_set(err, MT_EFORMAT, l->off,
					"expected a mapping id defined in the profile, found %llu",
					(unsigned long long)l->mapping);
			l->mapping = (uint64_t)mi + 1;
		}
		for (uint32_t k = 0; k < l->nlines; k++) {
			raw_line *ln = &d->lines.a[l->line0 + k];
			int64_t fi = idmap_find(fmap, ln->func);
			if (fi < 0)
				return mt_error_set(err, MT_EFORMAT, ln->off,
					"expected a function id defined in the profile, found %llu",
					(unsigned long long)ln->func);
			ln->func = (uint64_t)fi;
		}
	}

	err->doing = "resolving samples";
	if (d->samples.n > 0 && d->sample_types.n == 0)
		return mt_error_set(err, MT_EFORMAT, d->samples.a[0].off,
			"expected at least one sample_type, found none for %zu samples", d->samples.n);
	for (size_t i = 0; i < d->samples.n; i++) {
		raw_sample *s = &d->samples.a[i];
		if (s->nval != d->sample_types.n)
			return mt_error_set(err, MT_EFORMAT, s->off,
				"expected %zu values (one per sample_type), found %u",
				d->sample_types.n, s->nval);
		for (uint32_t k = 0; k < s->nloc; k++) {
			uint64_t *id = &d->locids.a[s->loc0 + k];
			int64_t li = idmap_find(lmap, *id);
			if (li < 0)
				return mt_error_set(err, MT_EFORMAT, s->off,
					"expected a location id defined in the profile, found %llu",
					(unsigned long long)*id);
			*id = (uint64_t)li;
		}
		for (uint32_t k = 0; k < s->nlab; k++) {
			raw_label *l = &d->labels.a[s->lab0 + k];
			if ((rc = check_str(d, l->key, l->off, "Label.key")) ||
			    (rc = check_str(d, l->str, l->off, "Label.str")) ||
			    (rc = check_str(d, l->unit, l->off, "Label.num_unit")))
				return rc;
		}
	}

	/*
	 * Every entry is now a location index below 2^32: store them as 32-bit
	 * in place (entry i's new bytes lie in entries already read) and give
	 * the other half back, so building the IR does not hold both copies.
	 * The largest table of a big profile, it is half its size from here.
	 */
	if (d->locids.n) {
		uint32_t *l32 = (uint32_t *)(void *)d->locids.a;
		for (size_t i = 0; i < d->locids.n; i++) {
			uint32_t v = (uint32_t)d->locids.a[i];
			l32[i] = v;
		}
		void *shrunk = realloc(d->locids.a, d->locids.n * sizeof(uint32_t));
		if (shrunk)
			d->locids.a = shrunk;
		d->locids.cap = d->locids.n / 2;
		d->locids_narrow = 1;
	}

	err->doing = "resolving profile metadata";
	if ((rc = check_str(d, d->period_type.type, d->period_type.off, "period_type.type")) ||
	    (rc = check_str(d, d->period_type.unit, d->period_type.off, "period_type.unit")) ||
	    (rc = check_str(d, d->drop_frames.v, d->drop_frames.off, "drop_frames")) ||
	    (rc = check_str(d, d->keep_frames.v, d->keep_frames.off, "keep_frames")) ||
	    (rc = check_str(d, d->default_sample_type.v, d->default_sample_type.off,
			"default_sample_type")) ||
	    (rc = check_str(d, d->doc_url.v, d->doc_url.off, "doc_url")))
		return rc;
	for (size_t i = 0; i < d->comments.n; i++)
		if ((rc = check_str(d, (int64_t)d->comments.a[i], d->comment_offs.a[i], "comment")))
			return rc;
	return 0;
}

/* ---- building the IR ---------------------------------------------------- */

typedef struct bld {
	dec *d;
	mt_profile *p;
	mt_str_id *sid;      /* pprof string index -> our id; UINT32_MAX = not yet */
} bld;

static int str_of(bld *b, int64_t idx, mt_str_id *out)
{
	/* indices were range-checked in resolve() */
	size_t i = (size_t)idx;
	if (b->sid[i] == UINT32_MAX) {
		const raw_str *s = &b->d->strings.a[i];
		int rc = mt_profile_intern(b->p, (const char *)b->d->data + s->off, s->len, &b->sid[i]);
		if (rc)
			return mt_error_set(b->d->err, rc, s->off, "out of memory interning a string");
	}
	*out = b->sid[i];
	return 0;
}

static const uint8_t *raw_bytes(const dec *d, int64_t idx, size_t *len)
{
	const raw_str *s = &d->strings.a[idx];
	*len = s->len;
	return d->data + s->off;
}

static int ends_with(const uint8_t *s, size_t n, const char *suf)
{
	size_t k = strlen(suf);
	return n >= k && memcmp(s + n - k, suf, k) == 0;
}

static int starts_with(const uint8_t *s, size_t n, const char *pre)
{
	size_t k = strlen(pre);
	return n >= k && memcmp(s, pre, k) == 0;
}

/* "libc.so", "libc.so.6", "libfoo.so.1.2" */
static int is_shared_object(const uint8_t *s, size_t n)
{
	if (ends_with(s, n, ".so"))
		return 1;
	for (size_t i = 0; i + 4 <= n; i++)
		if (memcmp(s + i, ".so.", 4) == 0)
			return 1;
	return 0;
}

/*
 * Where a function's code comes from, guessed from its file name, its
 * name, and whether a location in a shared object or the kernel uses it.
 */
static mt_lang guess_lang(const uint8_t *name, size_t nlen, const uint8_t *file, size_t flen,
	int in_so, int in_kernel)
{
	static const struct { const char *suffix; mt_lang lang; } by_file[] = {
		{ ".go", MT_LANG_GO }, { ".s", MT_LANG_GO },
		{ ".java", MT_LANG_JAVA }, { ".kt", MT_LANG_JAVA }, { ".scala", MT_LANG_JAVA },
		{ ".js", MT_LANG_JS }, { ".mjs", MT_LANG_JS }, { ".cjs", MT_LANG_JS }, { ".ts", MT_LANG_JS },
		{ ".py", MT_LANG_PYTHON },
		{ ".c", MT_LANG_NATIVE }, { ".cc", MT_LANG_NATIVE }, { ".cpp", MT_LANG_NATIVE },
		{ ".cxx", MT_LANG_NATIVE }, { ".h", MT_LANG_NATIVE }, { ".hpp", MT_LANG_NATIVE },
		{ ".rs", MT_LANG_NATIVE },
	};
	static const char *const java_prefixes[] = { "java.", "javax.", "jdk.", "sun.", "com.sun.", "kotlin." };

	if (in_kernel || starts_with(name, nlen, "[kernel"))
		return MT_LANG_KERNEL;
	for (size_t i = 0; i < sizeof by_file / sizeof by_file[0]; i++)
		if (ends_with(file, flen, by_file[i].suffix))
			return by_file[i].lang;
	if (starts_with(file, flen, "node:"))
		return MT_LANG_JS;
	for (size_t i = 0; i < sizeof java_prefixes / sizeof java_prefixes[0]; i++)
		if (starts_with(name, nlen, java_prefixes[i]))
			return MT_LANG_JAVA;
	if (ends_with(name, nlen, ".<init>") || ends_with(name, nlen, ".<clinit>"))
		return MT_LANG_JAVA;
	if (in_so)
		return MT_LANG_NATIVE;
	return MT_LANG_UNKNOWN;
}

static int build(dec *d, mt_profile *p)
{
	mt_error *err = d->err;
	bld b = { d, p, NULL };
	uint32_t *fidx = NULL, *midx = NULL, *lidx = NULL, *locbuf = NULL;
	uint8_t *origin = NULL, *maphint = NULL;
	mt_line *lines = NULL;
	mt_label *labs = NULL;
	int64_t *vals = NULL;
	int rc = 0;

	err->doing = "building the profile";
	size_t bytes;
#define ALLOC(ptr, n)                                                                  \
	do {                                                                               \
		if (!mt_mul_ok((n) ? (n) : 1, sizeof *(ptr), &bytes) || !((ptr) = malloc(bytes))) { \
			rc = mt_error_set(err, MT_ENOMEM, MT_NO_OFFSET, "out of memory building the profile"); \
			goto out;                                                                  \
		}                                                                              \
	} while (0)

	ALLOC(b.sid, d->strings.n);
	memset(b.sid, 0xff, d->strings.n * sizeof *b.sid);
	ALLOC(fidx, d->functions.n);
	ALLOC(midx, d->mappings.n);
	ALLOC(lidx, d->locations.n);
	ALLOC(origin, d->functions.n);
	memset(origin, 0, d->functions.n);

	if ((rc = mt_profile_intern(p, "pprof", 5, &p->format)))
		goto nomem;

	for (size_t i = 0; i < d->sample_types.n; i++) {
		mt_str_id t = 0, u = 0;
		if ((rc = str_of(&b, d->sample_types.a[i].type, &t)) ||
		    (rc = str_of(&b, d->sample_types.a[i].unit, &u)))
			goto out;
		if ((rc = mt_profile_add_value_type(p, mt_profile_str(p, t), mt_profile_str(p, u), 0, NULL)))
			goto nomem;
	}

	/*
	 * Origin hints for functions: used from a shared object (1) or the
	 * kernel (2). Each mapping's name is looked at once (a long name shared
	 * by many locations must not cost locations x name length).
	 */
	ALLOC(maphint, d->mappings.n);
	for (size_t i = 0; i < d->mappings.n; i++) {
		size_t n;
		const uint8_t *file = raw_bytes(d, d->mappings.a[i].file, &n);
		maphint[i] = starts_with(file, n, "[kernel") ? 2 : is_shared_object(file, n) ? 1 : 0;
	}
	for (size_t i = 0; i < d->locations.n; i++) {
		raw_location *l = &d->locations.a[i];
		if (!l->mapping)
			continue;
		uint8_t hint = maphint[l->mapping - 1];
		if (!hint)
			continue;
		for (uint32_t k = 0; k < l->nlines; k++)
			origin[d->lines.a[l->line0 + k].func] |= hint;
	}

	for (size_t i = 0; i < d->functions.n; i++) {
		raw_function *rf = &d->functions.a[i];
		mt_function f;
		memset(&f, 0, sizeof f);
		if ((rc = str_of(&b, rf->name, &f.name)) || (rc = str_of(&b, rf->system_name, &f.system_name)) ||
		    (rc = str_of(&b, rf->filename, &f.filename)))
			goto out;
		f.start_line = rf->start_line;
		f.orig_id = rf->id;
		size_t nl, fl;
		const uint8_t *name = raw_bytes(d, rf->name, &nl), *file = raw_bytes(d, rf->filename, &fl);
		f.lang = (uint8_t)guess_lang(name, nl, file, fl, origin[i] & 1, (origin[i] & 2) != 0);
		if ((rc = mt_profile_add_function(p, &f, &fidx[i])))
			goto nomem;
	}

	for (size_t i = 0; i < d->mappings.n; i++) {
		raw_mapping *rm = &d->mappings.a[i];
		mt_mapping m;
		memset(&m, 0, sizeof m);
		m.start = rm->start;
		m.limit = rm->limit;
		m.offset = rm->offset;
		if ((rc = str_of(&b, rm->file, &m.file)) || (rc = str_of(&b, rm->build_id, &m.build_id)))
			goto out;
		m.orig_id = rm->id;
		m.has_functions = rm->has_functions;
		m.has_filenames = rm->has_filenames;
		m.has_line_numbers = rm->has_line_numbers;
		m.has_inline_frames = rm->has_inline_frames;
		if ((rc = mt_profile_add_mapping(p, &m, &midx[i])))
			goto nomem;
	}

	uint32_t maxlines = 0, maxlocs = 0, maxlabs = 0;
	for (size_t i = 0; i < d->locations.n; i++)
		if (d->locations.a[i].nlines > maxlines)
			maxlines = d->locations.a[i].nlines;
	for (size_t i = 0; i < d->samples.n; i++) {
		if (d->samples.a[i].nloc > maxlocs)
			maxlocs = d->samples.a[i].nloc;
		if (d->samples.a[i].nlab > maxlabs)
			maxlabs = d->samples.a[i].nlab;
	}
	ALLOC(lines, maxlines);
	ALLOC(locbuf, maxlocs);
	ALLOC(labs, maxlabs);

	for (size_t i = 0; i < d->locations.n; i++) {
		raw_location *rl = &d->locations.a[i];
		mt_location loc;
		memset(&loc, 0, sizeof loc);
		loc.orig_id = rl->id;
		loc.address = rl->address;
		loc.mapping = rl->mapping ? midx[rl->mapping - 1] : 0;
		loc.is_folded = rl->is_folded;
		for (uint32_t k = 0; k < rl->nlines; k++) {
			raw_line *ln = &d->lines.a[rl->line0 + k];
			lines[k].func = fidx[ln->func];
			lines[k].line = ln->line;
			lines[k].column = ln->column;
		}
		if ((rc = mt_profile_add_location(p, &loc, lines, rl->nlines, &lidx[i])))
			goto nomem;
	}

	size_t nvt = d->sample_types.n;
	ALLOC(vals, nvt);
	for (size_t i = 0; i < d->samples.n; i++) {
		raw_sample *s = &d->samples.a[i];
		for (uint32_t k = 0; k < s->nloc; k++)
			locbuf[k] = lidx[((const uint32_t *)(const void *)d->locids.a)[s->loc0 + k]];
		for (size_t k = 0; k < nvt; k++)
			vals[k] = (int64_t)d->values.a[s->val0 + k];
		for (uint32_t k = 0; k < s->nlab; k++) {
			raw_label *rl = &d->labels.a[s->lab0 + k];
			memset(&labs[k], 0, sizeof labs[k]);
			if ((rc = str_of(&b, rl->key, &labs[k].key)) || (rc = str_of(&b, rl->str, &labs[k].str)) ||
			    (rc = str_of(&b, rl->unit, &labs[k].num_unit)))
				goto out;
			labs[k].num = rl->num;
		}
		if ((rc = mt_profile_add_sample(p, locbuf, s->nloc, vals, labs, s->nlab)))
			goto nomem;
	}

	if ((rc = str_of(&b, d->period_type.type, &p->period_type.type)) ||
	    (rc = str_of(&b, d->period_type.unit, &p->period_type.unit)) ||
	    (rc = str_of(&b, d->drop_frames.v, &p->drop_frames)) ||
	    (rc = str_of(&b, d->keep_frames.v, &p->keep_frames)) ||
	    (rc = str_of(&b, d->default_sample_type.v, &p->default_sample_type)))
		goto out;
	p->period = d->period;
	p->time_nanos = d->time_nanos;
	p->duration_nanos = d->duration_nanos;
	for (size_t i = 0; i < d->comments.n; i++) {
		size_t n;
		const uint8_t *c = raw_bytes(d, (int64_t)d->comments.a[i], &n);
		if ((rc = mt_profile_add_comment(p, (const char *)c, n)))
			goto nomem;
	}
	goto out;

nomem:
	rc = mt_error_set(err, rc, MT_NO_OFFSET, "could not build the profile: %s", mt_code_name(rc));
out:
#undef ALLOC
	free(b.sid);
	free(fidx);
	free(midx);
	free(lidx);
	free(origin);
	free(maphint);
	free(lines);
	free(locbuf);
	free(labs);
	free(vals);
	return rc;
}

static void dec_free(dec *d)
{
	free(d->sample_types.a);
	free(d->samples.a);
	free(d->locids.a);
	free(d->values.a);
	free(d->labels.a);
	free(d->mappings.a);
	free(d->locations.a);
	free(d->lines.a);
	free(d->functions.a);
	free(d->strings.a);
	free(d->comments.a);
	free(d->comment_offs.a);
}

int mt_read_pprof(mt_profile **out, const uint8_t *data, size_t len,
	const mt_read_opts *opts, mt_error *err)
{
	mt_error local = MT_ERROR_INIT;
	if (!err)
		err = &local;
	if (out)
		*out = NULL;
	if (!out || (!data && len))
		return mt_error_set(err, MT_EINVAL, MT_NO_OFFSET, "mt_read_pprof: NULL argument");

	dec d;
	memset(&d, 0, sizeof d);
	d.data = data;
	d.len = len;
	d.err = err;
	idmap fmap = { 0 }, mmap = { 0 }, lmap = { 0 };
	mt_profile *p = NULL;
	int rc;

	err->doing = "reading profile.proto";
	if (len == 0) {
		rc = mt_error_set(err, MT_EFORMAT, 0, "expected a profile.proto message, found an empty input");
		goto out;
	}
	if (mt_is_gzip(data, len)) {
		rc = mt_error_set(err, MT_EFORMAT, 0,
			"expected a gunzipped profile.proto message, found gzip data (gzip inside gzip?)");
		goto out;
	}
	if ((rc = scan_profile(&d)))
		goto out;

	if (d.unknown_fields && opts && opts->strict) {
		err->doing = "reading profile.proto";
		rc = mt_error_set(err, MT_EFORMAT, d.first_unknown_off,
			"expected only known profile.proto fields, found field %u (wire type %d) and %llu unknown in all",
			d.first_unknown_num, d.first_unknown_wt, (unsigned long long)d.unknown_fields);
		goto out;
	}

	if ((rc = resolve(&d, &fmap, &mmap, &lmap)))
		goto out;

	if ((rc = mt_profile_new(&p))) {
		rc = mt_error_set(err, rc, MT_NO_OFFSET, "out of memory creating the profile");
		goto out;
	}
	if ((rc = build(&d, p)))
		goto out;

	if (d.unknown_fields && opts && opts->warn) {
		char msg[160];
		snprintf(msg, sizeof msg, "Ignored %llu unknown profile.proto field%s (first: field %u at byte %llu)",
			(unsigned long long)d.unknown_fields, d.unknown_fields == 1 ? "" : "s",
			d.first_unknown_num, (unsigned long long)d.first_unknown_off);
		opts->warn(opts->warn_ctx, err->path ? err->path : "", msg);
	}
	*out = p;
	p = NULL;
	rc = 0;
out:
	mt_profile_free(p);
	idmap_free(&fmap);
	idmap_free(&mmap);
	idmap_free(&lmap);
	dec_free(&d);
	return rc;
}

/* ---- legacy (pre-profile.proto) formats ---------------------------------- */

static uint64_t word_at(const uint8_t *p, unsigned size, int big)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < size; i++) {
		unsigned k = big ? i : size - 1 - i;
		v = (v << 8) | p[k];
	}
	return v;
}

/*
 * The binary CPU profile of gperftools and Go before 1.9 (profile.proto
 * came in 2016): a header of native-endian words 0, 3, 0|1, period, 0.
 */
static const char *legacy_binary(const uint8_t *data, size_t len)
{
	static const unsigned sizes[] = { 8, 4 };
	for (unsigned s = 0; s < 2; s++) {
		unsigned ws = sizes[s];
		if (len < 5 * (size_t)ws)
			continue;
		for (int big = 0; big < 2; big++) {
			uint64_t w[5];
			for (unsigned i = 0; i < 5; i++)
				w[i] = word_at(data + i * ws, ws, big);
			if (w[0] != 0 || w[1] != 3 || w[4] != 0 || w[3] == 0)
				continue;
			if (w[2] == 0)
				return "legacy Go binary CPU profile (pre-2016)";
			if (w[2] == 1)
				return "legacy Java binary CPU profile (pre-2016)";
		}
	}
	return NULL;
}

static int line_starts(const uint8_t *s, size_t n, const char *pre)
{
	return starts_with(s, n, pre);
}

/* "<word> profile: total <digits>" */
static int is_count_header(const uint8_t *s, size_t n, int *is_goroutine)
{
	size_t i = 0;
	while (i < n && s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
		i++;
	if (i == 0 || !starts_with(s + i, n - i, " profile: total "))
		return 0;
	size_t j = i + strlen(" profile: total ");
	if (j >= n || s[j] < '0' || s[j] > '9')
		return 0;
	*is_goroutine = i == 9 && memcmp(s, "goroutine", 9) == 0;
	return 1;
}

const char *mt_pprof_legacy_kind(const uint8_t *data, size_t len)
{
	if (!data || len == 0)
		return NULL;
	const char *bin = legacy_binary(data, len);
	if (bin)
		return bin;

	/* text formats: skip blank and '#' comment lines, as pprof does */
	size_t i = 0;
	while (i < len) {
		size_t e = i;
		while (e < len && data[e] != '\n')
			e++;
		size_t a = i;
		while (a < e && (data[a] == ' ' || data[a] == '\t' || data[a] == '\r'))
			a++;
		if (a == e || data[a] == '#') {
			i = e + 1;
			continue;
		}
		const uint8_t *s = data + a;
		size_t n = e - a;
		int gor = 0;
		if (line_starts(s, n, "heap profile:"))
			return "legacy heap profile text (gperftools or Go debug=1)";
		if (line_starts(s, n, "heap_v2/"))
			return "legacy heap_v2 profile text (tcmalloc)";
		if (line_starts(s, n, "--- heapz"))
			return "legacy Java heap profile text (heapz)";
		if (line_starts(s, n, "--- contentionz"))
			return "legacy contention profile text (contentionz)";
		if (line_starts(s, n, "--- contention:") || line_starts(s, n, "--- mutex:"))
			return "legacy Go contention profile text (debug=1)";
		if (line_starts(s, n, "--- threadz"))
			return "legacy thread profile text (threadz)";
		if (line_starts(s, n, "--- symbol"))
			return "pprof symbol-server response (--- symbol)";
		if (line_starts(s, n, "%warn") || line_starts(s, n, "%ignore") || line_starts(s, n, "%profile"))
			return "legacy gperftools text profile (% directives)";
		if (is_count_header(s, n, &gor) && !gor)
			return "legacy Go count profile text (debug=1)";
		return NULL;
	}
	return NULL;
}
