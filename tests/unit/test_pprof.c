/*
 * tests/unit/test_pprof.c - the profile.proto reader and writer, format
 * detection and legacy-format recognition.
 *
 * Small profiles are hand-encoded here with a tiny protobuf writer, so the
 * expected byte offsets of errors are known exactly. Cases that need the
 * shared fixtures (../shared, env MT_SHARED) skip themselves without it;
 * cases that read our own samples use env MT_SRC.
 */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memtracer/io.h"
#include "memtracer/parse.h"
#include "memtracer/profile.h"
#include "memtracer/render.h"
#include "testlib.h"

/* ---- a tiny protobuf encoder -------------------------------------------- */

typedef struct pb {
	uint8_t b[4096];
	size_t n;
} pb;

static void pb_raw(pb *p, const void *d, size_t n)
{
	if (p->n + n > sizeof p->b)
		abort();
	memcpy(p->b + p->n, d, n);
	p->n += n;
}

static void pb_varint(pb *p, uint64_t v)
{
	uint8_t t[10];
	size_t k = 0;
	while (v >= 0x80) {
		t[k++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	t[k++] = (uint8_t)v;
	pb_raw(p, t, k);
}

static void pb_key(pb *p, unsigned field, unsigned wt) { pb_varint(p, ((uint64_t)field << 3) | wt); }

static void pb_u(pb *p, unsigned field, uint64_t v)
{
	pb_key(p, field, 0);
	pb_varint(p, v);
}

static void pb_bytes(pb *p, unsigned field, const void *d, size_t n)
{
	pb_key(p, field, 2);
	pb_varint(p, n);
	pb_raw(p, d, n);
}

static void pb_msg(pb *p, unsigned field, const pb *sub) { pb_bytes(p, field, sub->b, sub->n); }
static void pb_str(pb *p, unsigned field, const char *s) { pb_bytes(p, field, s, strlen(s)); }

static void pb_packed(pb *p, unsigned field, const uint64_t *v, size_t n)
{
	pb tmp = { { 0 }, 0 };
	for (size_t i = 0; i < n; i++)
		pb_varint(&tmp, v[i]);
	pb_msg(p, field, &tmp);
}

static pb value_type(uint64_t type, uint64_t unit)
{
	pb m = { { 0 }, 0 };
	pb_u(&m, 1, type);
	pb_u(&m, 2, unit);
	return m;
}

static pb function(uint64_t id, uint64_t name, uint64_t file)
{
	pb m = { { 0 }, 0 };
	pb_u(&m, 1, id);
	pb_u(&m, 2, name);
	pb_u(&m, 3, name);
	pb_u(&m, 4, file);
	return m;
}

static pb line(uint64_t func, int64_t ln)
{
	pb m = { { 0 }, 0 };
	pb_u(&m, 1, func);
	pb_u(&m, 2, (uint64_t)ln);
	return m;
}

/* strings every hand-made profile uses */
static const char *const STRS[] = { "", "samples", "count", "cpu", "nanoseconds", "main.f",
	"main.go", "main.g", "key", "val", "bytes", "size", "main.h", "lib.c" };
enum { S_EMPTY, S_SAMPLES, S_COUNT, S_CPU, S_NS, S_F, S_MAINGO, S_G, S_KEY, S_VAL, S_BYTES,
	S_SIZE, S_H, S_LIBC, S__N };

static void add_strings(pb *p)
{
	for (int i = 0; i < S__N; i++)
		pb_str(p, 6, STRS[i]);
}

/* sample types samples/count, cpu/nanoseconds; functions 1 f, 2 g; locations 10 (f), 20 (g) */
static void add_header(pb *p)
{
	pb m = value_type(S_SAMPLES, S_COUNT);
	pb_msg(p, 1, &m);
	m = value_type(S_CPU, S_NS);
	pb_msg(p, 1, &m);
}

static void add_functions_and_locations(pb *p)
{
	pb f = function(1, S_F, S_MAINGO);
	pb_msg(p, 5, &f);
	f = function(2, S_G, S_MAINGO);
	pb_msg(p, 5, &f);
	for (unsigned k = 0; k < 2; k++) {
		pb loc = { { 0 }, 0 }, ln = line(k + 1, 10 + k);
		pb_u(&loc, 1, 10 * (k + 1));
		pb_u(&loc, 3, 0x1000 + k);
		pb_msg(&loc, 4, &ln);
		pb_msg(p, 4, &loc);
	}
}

static int read_pb(const pb *p, mt_profile **out, mt_error *err)
{
	return mt_read_pprof(out, p->b, p->n, NULL, err);
}

static const char *func_name_of_loc(const mt_profile *p, uint32_t loc, uint32_t k)
{
	const mt_location *l = &p->locations[loc];
	if (k >= l->nlines)
		return "";
	return mt_profile_str(p, p->functions[p->lines[l->first_line + k].func].name);
}

/* ---- decoding ------------------------------------------------------------ */

static void test_pprof__packed_vs_unpacked(void)
{
	pb p = { { 0 }, 0 };
	add_header(&p);
	uint64_t locs[] = { 10, 20 }, vals[] = { 3, 30000000 };
	pb s = { { 0 }, 0 };
	pb_packed(&s, 1, locs, 2);
	pb_packed(&s, 2, vals, 2);
	pb_msg(&p, 2, &s);
	pb u = { { 0 }, 0 };
	pb_u(&u, 1, 10);
	pb_u(&u, 1, 20);
	pb_u(&u, 2, 3);
	pb_u(&u, 2, 30000000);
	pb_msg(&p, 2, &u);
	/* mixed: one packed run and one unpacked element */
	pb x = { { 0 }, 0 };
	pb_packed(&x, 1, locs, 1);
	pb_u(&x, 1, 20);
	pb_u(&x, 2, 3);
	pb_packed(&x, 2, vals + 1, 1);
	pb_msg(&p, 2, &x);
	add_functions_and_locations(&p);
	add_strings(&p);

	mt_profile *pr = NULL;
	mt_error err = MT_ERROR_INIT;
	CHECK_OK(read_pb(&p, &pr, &err));
	CHECK(pr != NULL);
	CHECK_EQ_S(mt_profile_str(pr, pr->format), "pprof");
	CHECK_EQ_I(pr->nvalue_types, 2);
	CHECK_EQ_S(mt_profile_str(pr, pr->value_types[1].type), "cpu");
	CHECK_EQ_S(mt_profile_str(pr, pr->value_types[1].unit), "nanoseconds");
	CHECK_EQ_I(pr->nsamples, 3);
	for (uint32_t i = 0; i < 3; i++) {
		CHECK_EQ_I(pr->sample_loc_off[i + 1] - pr->sample_loc_off[i], 2);
		CHECK_EQ_S(func_name_of_loc(pr, pr->sample_locs[pr->sample_loc_off[i]], 0), "main.f");
		CHECK_EQ_S(func_name_of_loc(pr, pr->sample_locs[pr->sample_loc_off[i] + 1], 0), "main.g");
		CHECK_EQ_I(pr->values[i * 2], 3);
		CHECK_EQ_I(pr->values[i * 2 + 1], 30000000);
	}
	CHECK_EQ_I(mt_profile_total(pr, 1), 90000000);
	CHECK_OK(mt_profile_validate(pr, &err));
	mt_profile_free(pr);
}

static void test_pprof__inlined_lines(void)
{
	pb p = { { 0 }, 0 };
	add_header(&p);
	pb f = function(1, S_F, S_MAINGO);
	pb_msg(&p, 5, &f);
	f = function(2, S_G, S_MAINGO);
	pb_msg(&p, 5, &f);
	pb loc = { { 0 }, 0 }, l1 = line(1, 11), l2 = line(2, 22);
	pb_u(&loc, 1, 7);
	pb_msg(&loc, 4, &l1);  /* innermost: f inlined into g */
	pb_msg(&loc, 4, &l2);
	pb_msg(&p, 4, &loc);
	uint64_t locs[] = { 7 }, vals[] = { 1, 10 };
	pb s = { { 0 }, 0 };
	pb_packed(&s, 1, locs, 1);
	pb_packed(&s, 2, vals, 2);
	pb_msg(&p, 2, &s);
	add_strings(&p);

	mt_profile *pr = NULL;
	mt_error err = MT_ERROR_INIT;
	CHECK_OK(read_pb(&p, &pr, &err));
	uint32_t li = pr->sample_locs[0];
	CHECK_EQ_I(pr->locations[li].nlines, 2);
	CHECK_EQ_I(pr->locations[li].orig_id, 7);
	CHECK_EQ_S(func_name_of_loc(pr, li, 0), "main.f");
	CHECK_EQ_S(func_name_of_loc(pr, li, 1), "main.g");
	CHECK_EQ_I(pr->lines[pr->locations[li].first_line].line, 11);
	CHECK_EQ_I(pr->lines[pr->locations[li].first_line + 1].line, 22);
	CHECK_EQ_I(pr->functions[pr->lines[pr->locations[li].first_line].func].lang, MT_LANG_GO);
	mt_profile_free(pr);
}

static void test_pprof__labels_with_units(void)
{
	pb p = { { 0 }, 0 };
	add_header(&p);
	add_functions_and_locations(&p);
	pb s = { { 0 }, 0 };
	uint64_t locs[] = { 10 }, vals[] = { 1, 2 };
	pb_packed(&s, 1, locs, 1);
	pb_packed(&s, 2, vals, 2);
	pb lab = { { 0 }, 0 };
	pb_u(&lab, 1, S_KEY);
	pb_u(&lab, 2, S_VAL);
	pb_msg(&s, 3, &lab);
	pb num = { { 0 }, 0 };
	pb_u(&num, 1, S_SIZE);
	pb_u(&num, 3, 4096);
	pb_u(&num, 4, S_BYTES);
	pb_msg(&s, 3, &num);
	pb_msg(&p, 2, &s);
	add_strings(&p);

	mt_profile *pr = NULL;
	mt_error err = MT_ERROR_INIT;
	CHECK_OK(read_pb(&p, &pr, &err));
	CHECK_EQ_I(pr->sample_label_off[1] - pr->sample_label_off[0], 2);
	const mt_label *l = &pr->labels[pr->sample_label_off[0]];
	CHECK_EQ_S(mt_profile_str(pr, l[0].key), "key");
	CHECK_EQ_S(mt_profile_str(pr, l[0].str), "val");
	CHECK_EQ_S(mt_profile_str(pr, l[1].key), "size");
	CHECK_EQ_I(l[1].str, 0);
	CHECK_EQ_I(l[1].num, 4096);
	CHECK_EQ_S(mt_profile_str(pr, l[1].num_unit), "bytes");
	mt_profile_free(pr);
}

static void test_pprof__metadata(void)
{
	pb p = { { 0 }, 0 };
	pb_u(&p, 9, 1500000000000000000ULL);  /* time_nanos first, as Go writes it */
	add_header(&p);
	pb_u(&p, 10, 2000000000);
	pb pt = value_type(S_CPU, S_NS);
	pb_msg(&p, 11, &pt);
	pb_u(&p, 12, 10000000);
	uint64_t c[] = { S_VAL };
	pb_packed(&p, 13, c, 1);
	pb_u(&p, 13, S_KEY);
	pb_u(&p, 14, S_CPU);
	pb_u(&p, 7, S_H);
	add_strings(&p);
	mt_profile *pr = NULL;
	mt_error err = MT_ERROR_INIT;
	CHECK_EQ_I(mt_detect(p.b, p.n, NULL), MT_FORMAT_PPROF);
	CHECK_OK(read_pb(&p, &pr, &err));
	CHECK_EQ_I(pr->time_nanos, 1500000000000000000LL);
	CHECK_EQ_I(pr->duration_nanos, 2000000000);
	CHECK_EQ_I(pr->period, 10000000);
	CHECK_EQ_S(mt_profile_str(pr, pr->period_type.type), "cpu");
	CHECK_EQ_S(mt_profile_str(pr, pr->period_type.unit), "nanoseconds");
	CHECK_EQ_I(pr->ncomments, 2);
	CHECK_EQ_S(mt_profile_str(pr, pr->comments[0]), "val");
	CHECK_EQ_S(mt_profile_str(pr, pr->comments[1]), "key");
	CHECK_EQ_S(mt_profile_str(pr, pr->default_sample_type), "cpu");
	CHECK_EQ_S(mt_profile_str(pr, pr->drop_frames), "main.h");
	CHECK_EQ_I(mt_profile_default_column(pr), 1);
	mt_profile_free(pr);
}

static void test_pprof__lang_guess(void)
{
	static const struct { const char *name, *file, *map; mt_lang want; } cases[] = {
		{ "main.main", "/src/main.go", NULL, MT_LANG_GO },
		{ "java.util.HashMap.get", "", NULL, MT_LANG_JAVA },
		{ "Foo.bar", "Foo.java", NULL, MT_LANG_JAVA },
		{ "handler", "/app/server.js", NULL, MT_LANG_JS },
		{ "handler", "/app/server.ts", NULL, MT_LANG_JS },
		{ "work", "app.py", NULL, MT_LANG_PYTHON },
		{ "memcpy", "", "/lib/x86_64-linux-gnu/libc.so.6", MT_LANG_NATIVE },
		{ "compress", "zlib.c", NULL, MT_LANG_NATIVE },
		{ "[kernel.kallsyms]", "", NULL, MT_LANG_KERNEL },
		{ "something", "", NULL, MT_LANG_UNKNOWN },
	};
	const size_t n = sizeof cases / sizeof cases[0];
	pb p = { { 0 }, 0 };
	pb_str(&p, 6, "");
	for (size_t i = 0; i < n; i++) {
		pb_str(&p, 6, cases[i].name);
		pb_str(&p, 6, cases[i].file);
		pb_str(&p, 6, cases[i].map ? cases[i].map : "");
	}
	for (size_t i = 0; i < n; i++) {
		pb f = function(i + 1, 1 + 3 * i, 2 + 3 * i);
		pb_msg(&p, 5, &f);
		pb loc = { { 0 }, 0 }, ln = line(i + 1, 1);
		pb_u(&loc, 1, i + 1);
		if (cases[i].map) {
			pb m = { { 0 }, 0 };
			pb_u(&m, 1, 1);
			pb_u(&m, 5, 3 + 3 * i);
			pb_msg(&p, 3, &m);
			pb_u(&loc, 2, 1);
		}
		pb_msg(&loc, 4, &ln);
		pb_msg(&p, 4, &loc);
	}
	mt_profile *pr = NULL;
	mt_error err = MT_ERROR_INIT;
	CHECK_OK(read_pb(&p, &pr, &err));
	CHECK_EQ_I(pr->nfunctions, n + 1);
	for (size_t i = 0; i < n; i++) {
		if (pr->functions[i + 1].lang != cases[i].want)
			MT_FAIL_("%s: lang %s, expected %s", cases[i].name,
				mt_lang_name((mt_lang)pr->functions[i + 1].lang), mt_lang_name(cases[i].want));
	}
	mt_profile_free(pr);
}

/* ---- errors with offsets -------------------------------------------------- */

static void expect_error(const pb *p, int code, uint64_t off, const char *msg_part, const char *doing)
{
	mt_profile *pr = (mt_profile *)1;
	mt_error err = MT_ERROR_INIT;
	int rc = read_pb(p, &pr, &err);
	if (rc != code || pr != NULL || err.offset != off || !strstr(err.msg, msg_part) ||
	    (doing && (!err.doing || strcmp(err.doing, doing) != 0))) {
		char line[512];
		mt_error_format(&err, line, sizeof line);
		MT_FAIL_("got rc %d (%s), want %d at byte %llu containing \"%s\" while %s",
			rc, line, code, (unsigned long long)off, msg_part, doing ? doing : "*");
	}
	mt_profile_free(pr == (mt_profile *)1 ? NULL : pr);
}

static void test_pprof__string_index_out_of_range(void)
{
	pb p = { { 0 }, 0 };
	add_header(&p);
	size_t off = p.n;
	pb f = function(1, 99, S_MAINGO);
	pb_msg(&p, 5, &f);
	add_strings(&p);
	expect_error(&p, MT_EFORMAT, off, "expected a string_table index below 14 for Function.name, found 99",
		"resolving functions");
}

static void test_pprof__missing_function(void)
{
	pb p = { { 0 }, 0 };
	add_header(&p);
	pb f = function(1, S_F, S_MAINGO);
	pb_msg(&p, 5, &f);
	pb loc = { { 0 }, 0 }, ln = line(17, 3);
	pb_u(&loc, 1, 5);
	size_t line_off_in_loc = loc.n;
	pb_msg(&loc, 4, &ln);
	size_t loc_off = p.n;
	pb_msg(&p, 4, &loc);
	add_strings(&p);
	/* the Line record: the Location's tag and length (2 bytes), then its fields */
	expect_error(&p, MT_EFORMAT, loc_off + 2 + line_off_in_loc,
		"expected a function id defined in the profile, found 17", "resolving locations");
}

static void test_pprof__missing_location_and_mapping(void)
{
	pb p = { { 0 }, 0 };
	add_header(&p);
	add_functions_and_locations(&p);
	size_t off = p.n;
	uint64_t locs[] = { 10, 30 }, vals[] = { 1, 2 };
	pb s = { { 0 }, 0 };
	pb_packed(&s, 1, locs, 2);
	pb_packed(&s, 2, vals, 2);
	pb_msg(&p, 2, &s);
	add_strings(&p);
	expect_error(&p, MT_EFORMAT, off, "expected a location id defined in the profile, found 30",
		"resolving samples");

	pb q = { { 0 }, 0 };
	pb loc = { { 0 }, 0 };
	pb_u(&loc, 1, 1);
	pb_u(&loc, 2, 4);
	pb_msg(&q, 4, &loc);
	add_strings(&q);
	expect_error(&q, MT_EFORMAT, 0, "expected a mapping id defined in the profile, found 4",
		"resolving locations");
}

static void test_pprof__ids(void)
{
	pb p = { { 0 }, 0 };
	pb f = function(3, S_F, 0);
	pb_msg(&p, 5, &f);
	size_t off = p.n;
	pb_msg(&p, 5, &f);
	add_strings(&p);
	expect_error(&p, MT_EFORMAT, off, "expected unique function ids, found 3 again", NULL);

	pb q = { { 0 }, 0 };
	pb_str(&q, 6, "");
	off = q.n;
	pb m = { { 0 }, 0 };
	pb_u(&m, 2, 0x400000);
	pb_msg(&q, 3, &m);
	expect_error(&q, MT_EFORMAT, off, "expected a non-zero mapping id, found 0", "resolving mappings");
}

static void test_pprof__value_count(void)
{
	pb p = { { 0 }, 0 };
	add_header(&p);
	add_functions_and_locations(&p);
	size_t off = p.n;
	uint64_t vals[] = { 1, 2, 3 };
	pb s = { { 0 }, 0 };
	pb_packed(&s, 2, vals, 3);
	pb_msg(&p, 2, &s);
	add_strings(&p);
	expect_error(&p, MT_EFORMAT, off, "expected 2 values (one per sample_type), found 3",
		"resolving samples");

	pb q = { { 0 }, 0 };
	pb e = { { 0 }, 0 };  /* a sample with no values and no sample types */
	pb_msg(&q, 2, &e);
	add_strings(&q);
	expect_error(&q, MT_EFORMAT, 0, "expected at least one sample_type, found none", NULL);
}

static void test_pprof__string_table(void)
{
	pb p = { { 0 }, 0 };
	pb m = value_type(0, 0);
	pb_msg(&p, 1, &m);
	expect_error(&p, MT_EFORMAT, 0, "found no string_table", "checking the string table");

	pb q = { { 0 }, 0 };
	pb_str(&q, 6, "x");
	expect_error(&q, MT_EFORMAT, 2, "expected string_table[0] to be \"\"", NULL);
}

static void test_pprof__truncated(void)
{
	/* a varint that runs off the end: 0a 80 */
	pb p = { { 0 }, 0 };
	pb_raw(&p, "\x32\x00\x0a\x80", 4);
	expect_error(&p, MT_ETRUNC, 3, "expected a length prefix (a varint), found the end of the input",
		"reading profile.proto");

	/* a length prefix past the end: 0a 05 08 01 */
	pb q = { { 0 }, 0 };
	pb_raw(&q, "\x32\x00\x0a\x05\x08\x01", 6);
	expect_error(&q, MT_ETRUNC, 4, "expected 5 bytes of field 1, found 2 before the end of the input", NULL);

	/* a varint inside a sub-message that runs off the sub-message */
	pb r = { { 0 }, 0 };
	pb_raw(&r, "\x32\x00\x0a\x02\x08\x80\x32\x00", 8);
	expect_error(&r, MT_ETRUNC, 5, "found the end of the enclosing message", NULL);

	/* an 11-byte varint */
	pb s = { { 0 }, 0 };
	pb_raw(&s, "\x48\xff\xff\xff\xff\xff\xff\xff\xff\xff\x7f", 11);
	expect_error(&s, MT_EFORMAT, 1, "at most 10 bytes", NULL);

	/* fixed64 cut short */
	pb t = { { 0 }, 0 };
	pb_raw(&t, "\x32\x00\x79\x01\x02", 5);
	expect_error(&t, MT_ETRUNC, 3, "expected 8 bytes of fixed64 field 15", NULL);

	/* empty input */
	pb e = { { 0 }, 0 };
	mt_profile *pr = NULL;
	mt_error err = MT_ERROR_INIT;
	CHECK_EQ_I(mt_read_pprof(&pr, (const uint8_t *)"", 0, NULL, &err), MT_EFORMAT);
	(void)e;
}

static void test_pprof__wire_types(void)
{
	pb p = { { 0 }, 0 };
	pb_str(&p, 6, "");
	pb_raw(&p, "\x0b", 1);  /* field 1, wire type 3: a group */
	expect_error(&p, MT_EFORMAT, 2, "found 3 (a group", NULL);

	pb q = { { 0 }, 0 };
	pb_str(&q, 6, "");
	pb_raw(&q, "\x4a\x01\x00", 3);  /* time_nanos as length-delimited */
	expect_error(&q, MT_EFORMAT, 2, "expected a varint for Profile.time_nanos (field 9)", NULL);

	pb r = { { 0 }, 0 };
	pb_raw(&r, "\x00\x00", 2);  /* field 0 */
	expect_error(&r, MT_EFORMAT, 0, "field number >= 1", NULL);

	pb s = { { 0 }, 0 };
	pb_str(&s, 6, "");
	pb_raw(&s, "\x4e", 1);  /* wire type 6 */
	expect_error(&s, MT_EFORMAT, 2, "found 6", NULL);

	/* a concatenated profile: time_nanos twice */
	pb t = { { 0 }, 0 };
	pb_u(&t, 9, 5);
	pb_str(&t, 6, "");
	size_t off = t.n;
	pb_u(&t, 9, 6);
	expect_error(&t, MT_EFORMAT, off, "concatenated profiles", NULL);
}

static int warned;
static void count_warn(void *ctx, const char *path, const char *msg)
{
	(void)ctx;
	(void)path;
	if (strstr(msg, "Ignored 3 unknown profile.proto fields"))
		warned++;
}

static void test_pprof__unknown_fields(void)
{
	pb p = { { 0 }, 0 };
	add_header(&p);
	pb_u(&p, 100, 7);                    /* unknown varint */
	pb_raw(&p, "\xa5\x06\x01\x02\x03\x04", 6); /* field 100, fixed32 */
	pb f = function(1, S_F, S_MAINGO);
	pb_u(&f, 9, 1);                      /* unknown field in a sub-message */
	pb_msg(&p, 5, &f);
	add_strings(&p);
	mt_read_opts o = MT_READ_OPTS_INIT;
	o.warn = count_warn;
	warned = 0;
	mt_profile *pr = NULL;
	mt_error err = MT_ERROR_INIT;
	CHECK_OK(mt_read_pprof(&pr, p.b, p.n, &o, &err));
	CHECK_EQ_I(warned, 1);
	CHECK_EQ_I(pr->nfunctions, 2);
	mt_profile_free(pr);

	o.strict = 1;
	pr = NULL;
	CHECK_EQ_I(mt_read_pprof(&pr, p.b, p.n, &o, &err), MT_EFORMAT);
	CHECK(pr == NULL);
	CHECK(strstr(err.msg, "found field 100") != NULL);
}

/* ---- detection ------------------------------------------------------------ */

static void test_pprof__detect(void)
{
	const char *detail = NULL;
	pb p = { { 0 }, 0 };
	add_header(&p);
	add_strings(&p);
	CHECK_EQ_I(mt_detect(p.b, p.n, NULL), MT_FORMAT_PPROF);
	pb q = { { 0 }, 0 };
	pb_str(&q, 6, "");
	CHECK_EQ_I(mt_detect(q.b, q.n, NULL), MT_FORMAT_PPROF);

	static const struct { const char *text; mt_format want; } cases[] = {
		{ "a;b;c 2\na;b;d 4\n", MT_FORMAT_FOLDED },
		{ "# comment\n// other\nmain;foo 12\ninvalid line\n", MT_FORMAT_FOLDED },
		{ "\nfoo;bar 1\n", MT_FORMAT_FOLDED },
		{ "x1\n", MT_FORMAT_UNKNOWN },
		{ "main 12\nfoo 3\n", MT_FORMAT_FOLDED },
		{ "module shopfront\n\ngo 1.19\n", MT_FORMAT_UNKNOWN },
		{ "PeriodType: cpu nanoseconds\nPeriod: 10000000\n", MT_FORMAT_UNKNOWN },
		{ "goroutine 1 [running]:\nmain.main()\n", MT_FORMAT_GOROUTINE_TEXT },
		{ "goroutine profile: total 4\n2 @ 0x1 0x2\n", MT_FORMAT_GOROUTINE_TEXT },
		{ "panic: boom\n\ngoroutine 7 [running]:\nmain.f()\n", MT_FORMAT_GOROUTINE_TEXT },
		{ "{\"snapshot\":{\"meta\":{}}}", MT_FORMAT_V8_HEAP },
		{ "{\"nodes\":[{\"id\":1,\"callFrame\":{}}]}", MT_FORMAT_V8_CPU },
		{ "{\"head\":{\"callFrame\":{},\"selfSize\":0}}", MT_FORMAT_V8_HEAPPROF },
		{ "{\"head\":{\"functionName\":\"(root)\",\"hitCount\":0}}", MT_FORMAT_V8_CPU },
		{ "{\"other\":1}", MT_FORMAT_UNKNOWN },
		{ "heap profile: 1: 2 [3: 4] @ heap/1048576\n", MT_FORMAT_LEGACY_PPROF },
		{ "--- contention:\ncycles/second=1\n", MT_FORMAT_LEGACY_PPROF },
		{ "threadcreate profile: total 3\n", MT_FORMAT_LEGACY_PPROF },
		{ "", MT_FORMAT_UNKNOWN },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		mt_format f = mt_detect((const uint8_t *)cases[i].text, strlen(cases[i].text), &detail);
		if (f != cases[i].want)
			MT_FAIL_("\"%s\": detected %s, expected %s", cases[i].text, mt_format_name(f),
				mt_format_name(cases[i].want));
	}
	CHECK_EQ_I(mt_detect((const uint8_t *)"FLR\0\0\2\0\1", 8, NULL), MT_FORMAT_JFR);
	CHECK_EQ_I(mt_detect((const uint8_t *)"\xff\xfe" "a\0;\0b\0 \0" "1\0", 12, NULL), MT_FORMAT_FOLDED);
	CHECK_EQ_I(mt_detect((const uint8_t *)"\xfe\xff\0a\0;\0b\0 \0" "1", 12, NULL), MT_FORMAT_FOLDED);
	CHECK_EQ_S(mt_format_name(MT_FORMAT_PPROF), "pprof");
	CHECK_EQ_S(mt_format_name(MT_FORMAT_FOLDED), "folded");
}

static void test_pprof__read_profile_dispatch(void)
{
	mt_profile *pr = NULL;
	mt_error err = MT_ERROR_INIT;
	const char *j = "{\"snapshot\":{\"meta\":{}}}";
	CHECK_EQ_I(mt_read_profile(&pr, "x.heapsnapshot", (const uint8_t *)j, strlen(j), NULL, &err),
		MT_EUNSUPPORTED);
	CHECK(strstr(err.msg, "recognised but not supported yet") != NULL);
	CHECK_EQ_S(err.path, "x.heapsnapshot");

	mt_error_clear(&err);
	const uint8_t bin[] = { 0x00, 0x01, 0xfe, 0x7f, 0x10, 0x20 };
	CHECK_EQ_I(mt_read_profile(&pr, "b", bin, sizeof bin, NULL, &err), MT_EFORMAT);
	CHECK_EQ_S(err.msg, "expected a profile or dump (pprof, folded stacks, Go goroutine dump, V8 heap snapshot or profile, JFR), found binary data starting 00 01 fe 7f 10 20");
	CHECK_EQ_I(err.offset, 0);

	mt_error err2 = MT_ERROR_INIT;
	const char *t = "hello world\nthis is not a profile\n";
	CHECK_EQ_I(mt_read_profile(&pr, "t", (const uint8_t *)t, strlen(t), NULL, &err2), MT_EFORMAT);
	CHECK_EQ_S(err2.msg, "expected a profile or dump (pprof, folded stacks, Go goroutine dump, V8 heap snapshot or profile, JFR), found text starting \"hello world\"");

	/* an explicit format skips detection */
	pb p = { { 0 }, 0 };
	add_header(&p);
	add_strings(&p);
	mt_read_opts o = MT_READ_OPTS_INIT;
	o.format = MT_FORMAT_PPROF;
	mt_error err3 = MT_ERROR_INIT;
	CHECK_OK(mt_read_profile(&pr, "p", p.b, p.n, &o, &err3));
	CHECK_EQ_I(pr->nvalue_types, 2);
	mt_profile_free(pr);
}

static void put_words(uint8_t *b, const uint64_t *w, int n, unsigned size, int big)
{
	for (int i = 0; i < n; i++)
		for (unsigned k = 0; k < size; k++) {
			unsigned shift = big ? 8 * (size - 1 - k) : 8 * k;
			b[i * size + k] = (uint8_t)(w[i] >> shift);
		}
}

static void test_pprof__legacy(void)
{
	const uint64_t hdr[] = { 0, 3, 0, 10000, 0, 1, 1, 0x401000 };
	uint8_t b[64];
	for (int big = 0; big < 2; big++) {
		for (unsigned size = 4; size <= 8; size += 4) {
			memset(b, 0, sizeof b);
			put_words(b, hdr, 8, size, big);
			const char *k = mt_pprof_legacy_kind(b, 8 * size);
			CHECK(k != NULL);
			CHECK_EQ_S(k, "legacy Go binary CPU profile (pre-2016)");
			const char *detail = NULL;
			CHECK_EQ_I(mt_detect(b, 8 * size, &detail), MT_FORMAT_LEGACY_PPROF);
		}
	}
	mt_profile *pr = NULL;
	mt_error err = MT_ERROR_INIT;
	put_words(b, hdr, 8, 8, 0);
	CHECK_EQ_I(mt_read_profile(&pr, "go.cpu", b, 64, NULL, &err), MT_EUNSUPPORTED);
	CHECK_EQ_S(err.msg, "expected profile.proto, found legacy Go binary CPU profile (pre-2016); "
		"convert it with `go tool pprof -proto`");
	CHECK_EQ_I(err.offset, 0);

	static const struct { const char *text, *want; } texts[] = {
		{ "--- contentionz 1 ---\ncycles/second = 3201000000\n", "legacy contention profile text (contentionz)" },
		{ "--- heapz 1 ---\nformat = java\n", "legacy Java heap profile text (heapz)" },
		{ "# c\n\nheap profile:   1:   2 [  3:  4] @ heapprofile\n", "legacy heap profile text (gperftools or Go debug=1)" },
		{ "heap_v2/524288\n", "legacy heap_v2 profile text (tcmalloc)" },
		{ "--- threadz 1 ---\n", "legacy thread profile text (threadz)" },
		{ "--- symbol\nbinary=/x\n", "pprof symbol-server response (--- symbol)" },
		{ "--- mutex:\ncycles/second=1\n", "legacy Go contention profile text (debug=1)" },
		{ "%warn something\n", "legacy gperftools text profile (% directives)" },
	};
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		const char *k = mt_pprof_legacy_kind((const uint8_t *)texts[i].text, strlen(texts[i].text));
		CHECK_EQ_S(k, texts[i].want);
	}
	CHECK(mt_pprof_legacy_kind((const uint8_t *)"goroutine profile: total 3\n", 27) == NULL);
	CHECK(mt_pprof_legacy_kind((const uint8_t *)"a;b 1\n", 6) == NULL);
	CHECK(mt_pprof_legacy_kind(NULL, 0) == NULL);
}

/* ---- writer and round trips ------------------------------------------------ */

/* Writes @p as profile.proto (gzip or not) and reads it back. */
static int round_trip(const mt_profile *p, int gz, mt_profile **out, mt_error *err)
{
	mt_membuf mb = { 0 };
	mt_sink s = mt_sink_membuf(&mb);
	int rc = mt_write_pprof(p, gz, &s, err);
	if (rc) {
		mt_membuf_free(&mb);
		return rc;
	}
	mt_input in;
	rc = mt_input_from_memory(&in, "mem", (const uint8_t *)mb.data, mb.len, 0, err);
	mt_membuf_free(&mb);
	if (rc)
		return rc;
	if (in.was_gzip != gz)
		rc = MT_EFORMAT;
	else
		rc = mt_read_pprof(out, in.data, in.len, NULL, err);
	mt_input_free(&in);
	return rc;
}

/* Stacks as "leaf;...;root=v0,v1" strings in sample order, for comparing two profiles. */
static int same_profile(const mt_profile *a, const mt_profile *b, char *why, size_t cap)
{
	if (a->nsamples != b->nsamples || a->nvalue_types != b->nvalue_types) {
		snprintf(why, cap, "samples %u/%u, types %u/%u", a->nsamples, b->nsamples,
			a->nvalue_types, b->nvalue_types);
		return 0;
	}
	for (uint32_t c = 0; c < a->nvalue_types; c++) {
		if (strcmp(mt_profile_str(a, a->value_types[c].type), mt_profile_str(b, b->value_types[c].type)) ||
		    strcmp(mt_profile_str(a, a->value_types[c].unit), mt_profile_str(b, b->value_types[c].unit))) {
			snprintf(why, cap, "value type %u differs", c);
			return 0;
		}
	}
	for (uint32_t i = 0; i < a->nsamples; i++) {
		for (uint32_t c = 0; c < a->nvalue_types; c++)
			if (a->values[(size_t)i * a->nvalue_types + c] != b->values[(size_t)i * b->nvalue_types + c]) {
				snprintf(why, cap, "sample %u value %u differs", i, c);
				return 0;
			}
		uint32_t na = a->sample_loc_off[i + 1] - a->sample_loc_off[i];
		uint32_t nb = b->sample_loc_off[i + 1] - b->sample_loc_off[i];
		if (na != nb) {
			snprintf(why, cap, "sample %u depth %u vs %u", i, na, nb);
			return 0;
		}
		for (uint32_t k = 0; k < na; k++) {
			const mt_location *la = &a->locations[a->sample_locs[a->sample_loc_off[i] + k]];
			const mt_location *lb = &b->locations[b->sample_locs[b->sample_loc_off[i] + k]];
			if (la->address != lb->address || la->nlines != lb->nlines) {
				snprintf(why, cap, "sample %u frame %u location differs", i, k);
				return 0;
			}
			for (uint32_t q = 0; q < la->nlines; q++) {
				const mt_line *x = &a->lines[la->first_line + q], *y = &b->lines[lb->first_line + q];
				const mt_function *fx = &a->functions[x->func], *fy = &b->functions[y->func];
				if (x->line != y->line ||
				    strcmp(mt_profile_str(a, fx->name), mt_profile_str(b, fy->name)) ||
				    strcmp(mt_profile_str(a, fx->filename), mt_profile_str(b, fy->filename))) {
					snprintf(why, cap, "sample %u frame %u line %u differs (%s vs %s)", i, k, q,
						mt_profile_str(a, fx->name), mt_profile_str(b, fy->name));
					return 0;
				}
			}
			if ((la->mapping == 0) != (lb->mapping == 0) ||
			    (la->mapping && (a->mappings[la->mapping].start != b->mappings[lb->mapping].start ||
				strcmp(mt_profile_str(a, a->mappings[la->mapping].file),
					mt_profile_str(b, b->mappings[lb->mapping].file))))) {
				snprintf(why, cap, "sample %u frame %u mapping differs", i, k);
				return 0;
			}
		}
		uint32_t ma = a->sample_label_off[i + 1] - a->sample_label_off[i];
		uint32_t mb = b->sample_label_off[i + 1] - b->sample_label_off[i];
		if (ma != mb) {
			snprintf(why, cap, "sample %u labels %u vs %u", i, ma, mb);
			return 0;
		}
		for (uint32_t k = 0; k < ma; k++) {
			const mt_label *x = &a->labels[a->sample_label_off[i] + k];
			const mt_label *y = &b->labels[b->sample_label_off[i] + k];
			if (x->num != y->num || strcmp(mt_profile_str(a, x->key), mt_profile_str(b, y->key)) ||
			    strcmp(mt_profile_str(a, x->str), mt_profile_str(b, y->str)) ||
			    strcmp(mt_profile_str(a, x->num_unit), mt_profile_str(b, y->num_unit))) {
				snprintf(why, cap, "sample %u label %u differs", i, k);
				return 0;
			}
		}
	}
	if (a->period != b->period || a->time_nanos != b->time_nanos ||
	    a->duration_nanos != b->duration_nanos || a->ncomments != b->ncomments ||
	    strcmp(mt_profile_str(a, a->period_type.type), mt_profile_str(b, b->period_type.type)) ||
	    strcmp(mt_profile_str(a, a->default_sample_type), mt_profile_str(b, b->default_sample_type)) ||
	    strcmp(mt_profile_str(a, a->drop_frames), mt_profile_str(b, b->drop_frames))) {
		snprintf(why, cap, "metadata differs");
		return 0;
	}
	return 1;
}

static void test_pprof__round_trip_api(void)
{
	mt_profile *p = NULL, *q = NULL;
	mt_error err = MT_ERROR_INIT;
	CHECK_OK(mt_profile_new(&p));
	CHECK_OK(mt_profile_add_value_type(p, "alloc_space", "bytes", 0, NULL));
	CHECK_OK(mt_profile_add_value_type(p, "alloc_objects", "count", 0, NULL));
	mt_function f = { 0 };
	uint32_t f1, f2, m1, l1, l2;
	CHECK_OK(mt_profile_intern(p, "main.alloc", 10, &f.name));
	f.system_name = f.name;
	CHECK_OK(mt_profile_intern(p, "main.go", 7, &f.filename));
	CHECK_OK(mt_profile_add_function(p, &f, &f1));
	/* a name with an embedded NUL survives the hand-written string table */
	CHECK_OK(mt_profile_intern(p, "odd\0name", 8, &f.name));
	CHECK_OK(mt_profile_add_function(p, &f, &f2));
	mt_mapping m = { 0 };
	m.start = 0x400000;
	m.limit = 0x500000;
	CHECK_OK(mt_profile_intern(p, "/bin/app", 8, &m.file));
	CHECK_OK(mt_profile_add_mapping(p, &m, &m1));
	mt_location loc = { 0 };
	loc.address = 0x401234;
	loc.mapping = m1;
	mt_line lines[2] = { { f1, 12, 0 }, { f2, 40, 3 } };
	CHECK_OK(mt_profile_add_location(p, &loc, lines, 2, &l1));
	loc.address = 0x402000;
	CHECK_OK(mt_profile_add_location(p, &loc, NULL, 0, &l2));
	uint32_t stack[] = { l1, l2 };
	int64_t v1[] = { 4096, 1 }, v2[] = { -5, 7 };
	mt_label lab = { 0 };
	CHECK_OK(mt_profile_intern(p, "bytes", 5, &lab.key));
	lab.num = 4096;
	CHECK_OK(mt_profile_intern(p, "bytes", 5, &lab.num_unit));
	CHECK_OK(mt_profile_add_sample(p, stack, 2, v1, &lab, 1));
	CHECK_OK(mt_profile_add_sample(p, stack + 1, 1, v2, NULL, 0));
	CHECK_OK(mt_profile_add_sample(p, NULL, 0, v2, NULL, 0));
	CHECK_OK(mt_profile_add_comment(p, "hello", 5));
	p->period = 524288;
	p->time_nanos = 12345;
	CHECK_OK(mt_profile_intern(p, "alloc_space", 11, &p->default_sample_type));

	for (int gz = 0; gz < 2; gz++) {
		q = NULL;
		CHECK_OK(round_trip(p, gz, &q, &err));
		char why[160];
		if (!same_profile(p, q, why, sizeof why))
			MT_FAIL_("gzip=%d: %s", gz, why);
		uint32_t li = q->sample_locs[0];
		uint32_t fi = q->lines[q->locations[li].first_line + 1].func;
		CHECK_EQ_I(mt_strtab_len(q->strings, q->functions[fi].name), 8);
		CHECK_EQ_I(q->lines[q->locations[li].first_line + 1].column, 3);
		CHECK_EQ_I(q->mappings[q->locations[li].mapping].limit, 0x500000);
		CHECK_EQ_S(mt_profile_str(q, q->comments[0]), "hello");
		mt_profile_free(q);
	}
	mt_profile_free(p);
}

static int read_file(const char *path, mt_profile **out, mt_error *err)
{
	mt_input in;
	int rc = mt_input_read(&in, path, 0, err);
	if (rc)
		return rc;
	rc = mt_read_profile(out, path, in.data, in.len, NULL, err);
	mt_input_free(&in);
	return rc;
}

static void test_pprof__round_trip_samples(void)
{
	const char *src = getenv("MT_SRC");
	if (!src) {
		printf("# skip: MT_SRC not set\n");
		return;
	}
	static const char *const names[] = { "cpu.pb.gz", "heap.pb.gz", "allocs.pb.gz", "goroutine.pb.gz",
		"block.pb.gz", "mutex.pb.gz" };
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		char path[4096];
		snprintf(path, sizeof path, "%s/samples/go/%s", src, names[i]);
		mt_profile *p = NULL, *q = NULL;
		mt_error err = MT_ERROR_INIT;
		int rc = read_file(path, &p, &err);
		if (rc) {
			char line[512];
			mt_error_format(&err, line, sizeof line);
			MT_FAIL_("%s", line);
		}
		CHECK_OK(mt_profile_validate(p, &err));
		CHECK_OK(round_trip(p, 1, &q, &err));
		char why[160];
		if (!same_profile(p, q, why, sizeof why))
			MT_FAIL_("%s: %s", names[i], why);
		for (uint32_t c = 0; c < p->nvalue_types; c++)
			CHECK_EQ_I(mt_profile_total(p, c), mt_profile_total(q, c));
		mt_profile_free(p);
		mt_profile_free(q);
	}
}

/* ---- fixtures (../shared) --------------------------------------------------- */

static mt_profile *read_shared(const char *rel, int *was_gzip)
{
	const char *sh = mt_t_shared();
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", sh, rel);
	mt_input in;
	mt_error err = MT_ERROR_INIT;
	mt_profile *p = NULL;
	if (mt_input_read(&in, path, 0, &err) != 0)
		return NULL;
	if (was_gzip)
		*was_gzip = in.was_gzip;
	if (mt_read_profile(&p, path, in.data, in.len, NULL, &err) != 0) {
		char line[512];
		mt_error_format(&err, line, sizeof line);
		fprintf(stderr, "# %s\n", line);
		p = NULL;
	}
	mt_input_free(&in);
	return p;
}

static uint32_t find_function(const mt_profile *p, const char *name)
{
	for (uint32_t i = 1; i < p->nfunctions; i++)
		if (strcmp(mt_profile_str(p, p->functions[i].name), name) == 0)
			return i;
	return 0;
}

static void test_pprof__fixture_parca_alloc_objects(void)
{
	if (!mt_t_shared()) {
		printf("# skip: MT_SHARED not set\n");
		return;
	}
	mt_profile *p = read_shared("fixtures/parca-dev__parca/pkg/query/testdata/alloc_objects.pb.gz", NULL);
	CHECK(p != NULL);
	CHECK_EQ_S(mt_profile_str(p, p->value_types[0].type), "alloc_objects");
	CHECK_EQ_S(mt_profile_str(p, p->value_types[0].unit), "count");
	CHECK_EQ_I(mt_profile_total(p, 0), 310797348);
	/* E3: encoding/json.Unmarshal lives in /bin/operator at [4194304, 23252992) */
	uint32_t f = find_function(p, "encoding/json.Unmarshal");
	CHECK(f != 0);
	CHECK_EQ_S(mt_profile_str(p, p->functions[f].system_name), "encoding/json.Unmarshal");
	CHECK_EQ_I(p->functions[f].start_line, 0);
	int found = 0;
	for (uint32_t l = 1; l < p->nlocations && !found; l++) {
		const mt_location *loc = &p->locations[l];
		for (uint32_t k = 0; k < loc->nlines; k++) {
			if (p->lines[loc->first_line + k].func != f)
				continue;
			const mt_mapping *m = &p->mappings[loc->mapping];
			CHECK_EQ_S(mt_profile_str(p, m->file), "/bin/operator");
			CHECK_EQ_I(m->start, 4194304);
			CHECK_EQ_I(m->limit, 23252992);
			CHECK_EQ_I(m->offset, 0);
			CHECK_EQ_S(mt_profile_str(p, m->build_id), "");
			/* parca's own output clears the flags; the file (like `go tool pprof -raw`) says [FN] */
			CHECK(m->has_functions && !m->has_filenames && !m->has_line_numbers && !m->has_inline_frames);
			found = 1;
			break;
		}
	}
	CHECK(found);
	mt_profile_free(p);
}

static void test_pprof__fixture_speedscope_simple(void)
{
	if (!mt_t_shared()) {
		printf("# skip: MT_SHARED not set\n");
		return;
	}
	mt_profile *p = read_shared("fixtures/jlfwong__speedscope/sample/profiles/pprof/simple.prof", NULL);
	CHECK(p != NULL);
	CHECK_EQ_I(p->nvalue_types, 2);
	CHECK_EQ_S(mt_profile_str(p, p->value_types[0].type), "samples");
	CHECK_EQ_S(mt_profile_str(p, p->value_types[0].unit), "count");
	CHECK_EQ_S(mt_profile_str(p, p->value_types[1].type), "cpu");
	CHECK_EQ_S(mt_profile_str(p, p->value_types[1].unit), "nanoseconds");
	CHECK_EQ_I(mt_profile_total(p, 0), 150);
	CHECK_EQ_I(mt_profile_total(p, 1), 1500000000);
	CHECK_EQ_I(p->nfunctions - 1, 25);
	/* E4 stacks, root first, weight = cpu */
	static const struct { const char *stack; int64_t ns; } want[] = {
		{ "runtime.main;main.main;main.delta;main.beta", 140000000 },
		{ "runtime.main;main.main;main.alpha", 260000000 },
		{ "runtime.main;main.main;main.gamma", 270000000 },
		{ "runtime.morestack;runtime.newstack;runtime.duffcopy", 110000000 },
		{ "runtime.main;main.main;main.beta", 250000000 },
		{ "runtime.main;main.main;main.delta", 220000000 },
		{ "runtime.main;main.main;main.delta;main.alpha", 220000000 },
		{ "runtime.mstart;runtime.mstart1;runtime.sysmon;runtime.usleep", 20000000 },
	};
	int64_t got[8] = { 0 };
	for (uint32_t i = 0; i < p->nsamples; i++) {
		char stack[1024] = "";
		size_t n = 0;
		for (uint32_t k = p->sample_loc_off[i + 1]; k-- > p->sample_loc_off[i];) {
			const mt_location *l = &p->locations[p->sample_locs[k]];
			for (uint32_t q = l->nlines; q-- > 0;) {
				const char *name = mt_profile_str(p, p->functions[p->lines[l->first_line + q].func].name);
				n += (size_t)snprintf(stack + n, sizeof stack - n, "%s%s", n ? ";" : "", name);
				if (n >= sizeof stack)
					n = sizeof stack - 1;
			}
		}
		for (size_t w = 0; w < 8; w++)
			if (strcmp(stack, want[w].stack) == 0)
				got[w] += p->values[(size_t)i * 2 + 1];
	}
	for (size_t w = 0; w < 8; w++)
		if (got[w] != want[w].ns)
			MT_FAIL_("%s: %lld ns, expected %lld", want[w].stack, (long long)got[w], (long long)want[w].ns);
	mt_profile_free(p);
}

static void test_pprof__fixture_special_files(void)
{
	if (!mt_t_shared()) {
		printf("# skip: MT_SHARED not set\n");
		return;
	}
	int gz = -1;
	mt_profile *p = read_shared("fixtures/grafana__pyroscope/pkg/og/convert/pprof/testdata/pyspy-1.pb.gz", &gz);
	CHECK(p != NULL);
	CHECK_EQ_I(gz, 0);  /* plain protobuf despite the .gz name */
	CHECK(p->nsamples > 0);
	mt_profile_free(p);
	p = read_shared("fixtures/grafana__pyroscope/pkg/og/convert/pprof/testdata/heap-js.pprof", &gz);
	CHECK(p != NULL);
	CHECK_EQ_I(gz, 0);
	mt_profile_free(p);
	p = read_shared("fixtures/grafana__pyroscope/pkg/og/convert/pprof/testdata/invalid_utf8.pb.gz", NULL);
	CHECK(p != NULL);
	mt_profile_free(p);
	/* E2 */
	p = read_shared("fixtures/google__pprof/internal/driver/testdata/go.nomappings.crash", NULL);
	CHECK(p != NULL);
	CHECK_EQ_I(p->nmappings, 1);
	CHECK_EQ_I(p->nfunctions, 1);
	CHECK_EQ_I(p->nlocations - 1, 11);
	CHECK(p->nsamples > 0);
	mt_profile_free(p);
	p = read_shared("fixtures/google__pprof/internal/report/testdata/sample.cpu", NULL);
	CHECK(p != NULL);
	CHECK_EQ_I(p->nsamples, 76);
	CHECK_EQ_I(mt_profile_total(p, 0), 176);
	CHECK_EQ_I(mt_profile_total(p, 1), 1760000000);
	CHECK_EQ_I(p->period, 10000000);
	mt_profile_free(p);
	p = read_shared("fixtures/google__pprof/internal/proftest/testdata/large.cpu", NULL);
	CHECK(p != NULL);
	CHECK_EQ_I(p->nsamples, 20430);
	CHECK_EQ_I(p->nlocations - 1, 23355);
	mt_profile_free(p);
}

/* every profile-like file in the fixtures and the Go corpus */
static int walk_parsed, walk_legacy, walk_failed;

static int has_suffix(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);
	return a >= b && strcmp(s + a - b, suf) == 0;
}

static int visit(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (type != FTW_F)
		return 0;
	if (!has_suffix(path, ".pb.gz") && !has_suffix(path, ".pprof") && !has_suffix(path, ".prof") &&
	    !has_suffix(path, ".pb") && !has_suffix(path, ".cpu") && !has_suffix(path, ".crash"))
		return 0;
	mt_input in;
	mt_error err = MT_ERROR_INIT;
	mt_profile *p = NULL;
	if (mt_input_read(&in, path, 0, &err) != 0) {
		fprintf(stderr, "# cannot read %s\n", path);
		walk_failed++;
		return 0;
	}
	int rc = mt_read_profile(&p, path, in.data, in.len, NULL, &err);
	const char *legacy = mt_pprof_legacy_kind(in.data, in.len);
	if (rc == 0) {
		mt_error verr = MT_ERROR_INIT;
		if (mt_profile_validate(p, &verr) != 0) {
			fprintf(stderr, "# %s: parsed but does not validate: %s\n", path, verr.msg);
			walk_failed++;
		} else {
			walk_parsed++;
		}
	} else if (legacy && rc == MT_EUNSUPPORTED && strstr(err.msg, legacy)) {
		walk_legacy++;
	} else if (has_suffix(path, "/dotnet-pprof-3.pb.gz") && rc == MT_EFORMAT &&
		   strstr(err.msg, "non-zero function id")) {
		/* function id 0: `go tool pprof` rejects it too ("reserved ID=0") */
		walk_parsed++;
	} else {
		char line[512];
		mt_error_format(&err, line, sizeof line);
		fprintf(stderr, "# %s\n", line);
		walk_failed++;
	}
	mt_profile_free(p);
	mt_input_free(&in);
	return 0;
}

static void test_pprof__fixture_all_files(void)
{
	const char *sh = mt_t_shared();
	if (!sh) {
		printf("# skip: MT_SHARED not set\n");
		return;
	}
	walk_parsed = walk_legacy = walk_failed = 0;
	char path[4096];
	snprintf(path, sizeof path, "%s/fixtures", sh);
	nftw(path, visit, 16, FTW_PHYS);
	snprintf(path, sizeof path, "%s/corpus/go", sh);
	nftw(path, visit, 16, FTW_PHYS);
	printf("# %d parsed, %d legacy rejected, %d failed\n", walk_parsed, walk_legacy, walk_failed);
	CHECK_EQ_I(walk_failed, 0);
	CHECK(walk_parsed >= 40);
	CHECK_EQ_I(walk_legacy, 1);  /* go.crc32.cpu; java.heap and cppbench.contention have other names */
}

static void test_pprof__fixture_legacy(void)
{
	const char *sh = mt_t_shared();
	if (!sh) {
		printf("# skip: MT_SHARED not set\n");
		return;
	}
	static const struct { const char *file, *kind; } cases[] = {
		{ "go.crc32.cpu", "legacy Go binary CPU profile (pre-2016)" },
		{ "java.heap", "legacy Java heap profile text (heapz)" },
		{ "cppbench.contention", "legacy contention profile text (contentionz)" },
	};
	for (size_t i = 0; i < 3; i++) {
		char path[4096];
		snprintf(path, sizeof path, "%s/fixtures/google__pprof/profile/testdata/%s", sh, cases[i].file);
		mt_input in;
		mt_error err = MT_ERROR_INIT;
		CHECK_OK(mt_input_read(&in, path, 0, &err));
		const char *detail = NULL;
		CHECK_EQ_I(mt_detect(in.data, in.len, &detail), MT_FORMAT_LEGACY_PPROF);
		CHECK_EQ_S(detail, cases[i].kind);
		mt_profile *p = NULL;
		CHECK_EQ_I(mt_read_profile(&p, path, in.data, in.len, NULL, &err), MT_EUNSUPPORTED);
		CHECK(strstr(err.msg, cases[i].kind) != NULL);
		mt_input_free(&in);
	}
}

int main(void)
{
	MT_RUN(test_pprof__packed_vs_unpacked);
	MT_RUN(test_pprof__inlined_lines);
	MT_RUN(test_pprof__labels_with_units);
	MT_RUN(test_pprof__metadata);
	MT_RUN(test_pprof__lang_guess);
	MT_RUN(test_pprof__string_index_out_of_range);
	MT_RUN(test_pprof__missing_function);
	MT_RUN(test_pprof__missing_location_and_mapping);
	MT_RUN(test_pprof__ids);
	MT_RUN(test_pprof__value_count);
	MT_RUN(test_pprof__string_table);
	MT_RUN(test_pprof__truncated);
	MT_RUN(test_pprof__wire_types);
	MT_RUN(test_pprof__unknown_fields);
	MT_RUN(test_pprof__detect);
	MT_RUN(test_pprof__read_profile_dispatch);
	MT_RUN(test_pprof__legacy);
	MT_RUN(test_pprof__round_trip_api);
	MT_RUN(test_pprof__round_trip_samples);
	MT_RUN(test_pprof__fixture_parca_alloc_objects);
	MT_RUN(test_pprof__fixture_speedscope_simple);
	MT_RUN(test_pprof__fixture_special_files);
	MT_RUN(test_pprof__fixture_all_files);
	MT_RUN(test_pprof__fixture_legacy);
	MT_DONE();
}
