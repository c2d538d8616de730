/*
 * tests/unit/test_folded.c - the folded-stacks reader (parsers/folded.c) and
 * writer (render/folded.c): line syntax, encodings, warnings, fixed-point
 * counts, errors with offsets, and round trips over the shared fixtures
 * (speedscope E4, FlameGraph E5, inferno E6; skipped without MT_SHARED).
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memtracer/memtracer.h"
#include "tests/testlib.h"

/* ---- helpers ---- */

typedef struct warnings {
	int n, ignored, fractional;
	char last[256];
} warnings;

static void on_warn(void *ctx, const char *path, const char *msg)
{
	warnings *w = ctx;
	(void)path;
	w->n++;
	if (strncmp(msg, "Ignored ", 8) == 0 && strstr(msg, " lines with invalid format"))
		w->ignored++;
	if (strncmp(msg, "The input data has fractional sample counts", 43) == 0)
		w->fractional++;
	snprintf(w->last, sizeof w->last, "%s", msg);
}

static int read_bytes(mt_profile **p, const void *data, size_t len, warnings *w, int strict,
	mt_error *err)
{
	mt_read_opts o = MT_READ_OPTS_INIT;
	o.warn = on_warn;
	o.warn_ctx = w;
	o.strict = strict;
	return mt_read_folded(p, data, len, &o, err);
}

static int read_str(mt_profile **p, const char *s, warnings *w, mt_error *err)
{
	return read_bytes(p, s, strlen(s), w, 0, err);
}

/* The folded text of @p (tree pre-order); malloc'd, "" on failure. */
static char *folded_of(const mt_profile *p)
{
	mt_tree *t = NULL;
	mt_error err = MT_ERROR_INIT;
	mt_membuf mb = { 0 };
	if (mt_tree_build(&t, p, NULL, &err) != 0)
		return strdup("<tree failed>");
	mt_sink s = mt_sink_membuf(&mb);
	int rc = mt_write_folded(t, 0, &s, &err);
	mt_tree_free(t);
	if (rc != 0) {
		mt_membuf_free(&mb);
		return strdup("<write failed>");
	}
	if (!mb.data)
		return strdup("");
	return mb.data;
}

static void *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	for (;;) {
		if (n == cap) {
			cap *= 2;
			buf = realloc(buf, cap);
		}
		size_t k = fread(buf + n, 1, cap - n, f);
		if (k == 0)
			break;
		n += k;
	}
	fclose(f);
	*len = n;
	return buf;
}

static char *fixture_path(const char *rel)
{
	static char buf[4096];
	snprintf(buf, sizeof buf, "%s/fixtures/%s", mt_t_shared(), rel);
	return buf;
}

/* Encodes ASCII @s as UTF-16 with a BOM; @be selects big-endian. */
static unsigned char *utf16(const char *s, int be, size_t *len)
{
	size_t n = strlen(s);
	unsigned char *b = malloc(2 + 2 * n);
	b[0] = be ? 0xfe : 0xff;
	b[1] = be ? 0xff : 0xfe;
	for (size_t i = 0; i < n; i++) {
		b[2 + 2 * i + (be ? 1 : 0)] = (unsigned char)s[i];
		b[2 + 2 * i + (be ? 0 : 1)] = 0;
	}
	*len = 2 + 2 * n;
	return b;
}

/* ---- cases ---- */

static void test_folded__basic(void)
{
	mt_profile *p = NULL;
	mt_error err = MT_ERROR_INIT;
	warnings w = { 0 };
	err.doing = "caller phase";
	CHECK_OK(read_str(&p, "a;b;c 2\na;b;d 4\na;b;c 3\na;b 5\n", &w, &err));
	CHECK_EQ_S(err.doing, "caller phase");   /* restored on success */
	CHECK_EQ_I(w.n, 0);
	CHECK_EQ_I(p->nvalue_types, 1);
	CHECK_EQ_S(mt_profile_str(p, p->value_types[0].type), "samples");
	CHECK_EQ_S(mt_profile_str(p, p->value_types[0].unit), "count");
	CHECK_EQ_I(p->value_types[0].decimals, 0);
	CHECK_EQ_S(mt_profile_str(p, p->format), "folded");
	CHECK_EQ_I(p->nsamples, 3);            /* identical stacks merged */
	CHECK_EQ_I(p->nlocations - 1, 4);      /* a b c d */
	CHECK_EQ_I(mt_profile_total(p, 0), 14);
	/* leaf first */
	CHECK_EQ_I(p->sample_loc_off[1] - p->sample_loc_off[0], 3);
	CHECK_OK(mt_profile_validate(p, &err));
	char *f = folded_of(p);
	CHECK_EQ_S(f, "a;b 5\na;b;c 5\na;b;d 4\n");
	free(f);
	mt_profile_free(p);
}

static void test_folded__crlf_bom_whitespace(void)
{
	mt_profile *p = NULL;
	mt_error err = MT_ERROR_INIT;
	warnings w = { 0 };
	CHECK_OK(read_str(&p, "\xef\xbb\xbf" "a;b 1\r\n  a;b\t2 \r\n\r\na;c  3", &w, &err));
	CHECK_EQ_I(w.n, 0);
	char *f = folded_of(p);
	/* the stack ends at the one blank before the count: frame "c " */
	CHECK_EQ_S(f, "a;b 3\na;c  3\n");
	free(f);
	mt_profile_free(p);
}

static void test_folded__utf16(void)
{
	const char *src = "a;b;c 1\r\na;b;c 1\r\na;b;d 4\r\na;b;c 3\r\na;b 5";
	for (int be = 0; be < 2; be++) {
		size_t n;
		unsigned char *b = utf16(src, be, &n);
		mt_profile *p = NULL;
		mt_error err = MT_ERROR_INIT;
		warnings w = { 0 };
		CHECK_OK(read_bytes(&p, b, n, &w, 0, &err));
		char *f = folded_of(p);
		CHECK_EQ_S(f, "a;b 5\na;b;c 5\na;b;d 4\n");
		free(f);
		mt_profile_free(p);
		free(b);
	}
	/* non-ASCII: U+00E9 and U+1F525 (a surrogate pair), little-endian */
	static const unsigned char le[] = { 0xff, 0xfe, 'x', 0, ';', 0, 0xe9, 0, ';', 0,
		0x3d, 0xd8, 0x25, 0xdd, ' ', 0, '7', 0 };
	mt_profile *p = NULL;
	mt_error err = MT_ERROR_INIT;
	warnings w = { 0 };
	CHECK_OK(read_bytes(&p, le, sizeof le, &w, 0, &err));
	char *f = folded_of(p);
	CHECK_EQ_S(f, "x;\xc3\xa9;\xf0\x9f\x94\xa5 7\n");
	free(f);
	mt_profile_free(p);
}

static void test_folded__utf16_errors(void)
{
	mt_profile *p = NULL;
	mt_error err = MT_ERROR_INIT;
	warnings w = { 0 };
	static const unsigned char odd[] = { 0xff, 0xfe, 'a', 0, ' ', 0, '1' };
	CHECK_EQ_I(read_bytes(&p, odd, sizeof odd, &w, 0, &err), MT_EFORMAT);
	CHECK(p == NULL);
	CHECK_EQ_I(err.offset, 6);
	CHECK(strstr(err.msg, "even number of bytes") != NULL);

	static const unsigned char lone_high[] = { 0xfe, 0xff, 0, 'a', 0xd8, 0x3d, 0, ' ', 0, '1' };
	mt_error_clear(&err);
	CHECK_EQ_I(read_bytes(&p, lone_high, sizeof lone_high, &w, 0, &err), MT_EFORMAT);
	CHECK_EQ_I(err.offset, 4);
	CHECK(strstr(err.msg, "low surrogate after 0xD83D") != NULL);

	static const unsigned char lone_low[] = { 0xff, 0xfe, 'a', 0, 0x25, 0xdd, ' ', 0, '1', 0 };
	mt_error_clear(&err);
	CHECK_EQ_I(read_bytes(&p, lone_low, sizeof lone_low, &w, 0, &err), MT_EFORMAT);
	CHECK_EQ_I(err.offset, 4);
	CHECK(strstr(err.msg, "unpaired low surrogate") != NULL);

	static const unsigned char trunc_pair[] = { 0xff, 0xfe, 'a', 0, 0x3d, 0xd8 };
	mt_error_clear(&err);
	CHECK_EQ_I(read_bytes(&p, trunc_pair, sizeof trunc_pair, &w, 0, &err), MT_EFORMAT);
	CHECK_EQ_I(err.offset, 4);

	/* strict: the offset of a bad line is in the original UTF-16 bytes */
	size_t n;
	unsigned char *b = utf16("a 1\nbad\n", 0, &n);
	mt_error_clear(&err);
	CHECK_EQ_I(read_bytes(&p, b, n, &w, 1, &err), MT_EFORMAT);
	CHECK_EQ_I(err.offset, 2 + 4 * 2);
	free(b);
}

static void test_folded__comments(void)
{
	mt_profile *p = NULL;
	mt_error err = MT_ERROR_INIT;
	warnings w = { 0 };
	CHECK_OK(read_str(&p, "# comment 1\n// another 2\n  # indented 3\na 1\n", &w, &err));
	CHECK_EQ_I(w.n, 0);
	CHECK_EQ_I(p->nsamples, 1);
	CHECK_EQ_I(mt_profile_total(p, 0), 1);
	mt_profile_free(p);
}

static void test_folded__invalid_lines(void)
{
	mt_profile *p = NULL;
	mt_error err = MT_ERROR_INIT;
	warnings w = { 0 };
	CHECK_OK(read_str(&p,
		"a;b 1\nno count here\nx 12V.43\n\nx -3\nx .5\nx 1e3\n42\nx +1\nc 2\n", &w, &err));
	CHECK_EQ_I(w.n, 1);
	CHECK_EQ_I(w.ignored, 1);
	CHECK_EQ_S(w.last, "Ignored 7 lines with invalid format");
	CHECK_EQ_I(mt_profile_total(p, 0), 3);
	mt_profile_free(p);

	/* strict turns it into an error at the first bad line */
	mt_error_clear(&err);
	const char *s = "a;b 1\nno count here\n";
	CHECK_EQ_I(read_bytes(&p, s, strlen(s), &w, 1, &err), MT_EFORMAT);
	CHECK_EQ_I(err.offset, 6);
	CHECK(p == NULL);

	/* offsets count the UTF-8 BOM */
	mt_error_clear(&err);
	const char *bom = "\xef\xbb\xbf" "a 1\nbad\n";
	CHECK_EQ_I(read_bytes(&p, bom, strlen(bom), &w, 1, &err), MT_EFORMAT);
	CHECK_EQ_I(err.offset, 7);
	CHECK_EQ_S(err.doing, "reading stack lines");

	/* nothing but invalid lines: an error that says how many */
	mt_error_clear(&err);
	memset(&w, 0, sizeof w);
	CHECK_EQ_I(read_str(&p, "# c\nfoo\nbar baz\n", &w, &err), MT_EFORMAT);
	CHECK_EQ_I(err.offset, 4);
	CHECK(strstr(err.msg, "ignored 2 lines") != NULL);
	CHECK_EQ_I(w.n, 0);
}

static void test_folded__bytes(void)
{
	/* a NUL in a stack makes the line invalid; bad UTF-8 becomes U+FFFD */
	static const char in[] = "a\0b;c 1\nx\xff;\xc3 2\n\xf0\x9f\x94\xa5;\xed\xa0\x80 3\n";
	mt_profile *p = NULL;
	mt_error err = MT_ERROR_INIT;
	warnings w = { 0 };
	CHECK_OK(read_bytes(&p, in, sizeof in - 1, &w, 0, &err));
	CHECK_EQ_S(w.last, "Ignored 1 lines with invalid format");
	char *f = folded_of(p);
	CHECK_EQ_S(f, "x\xef\xbf\xbd;\xef\xbf\xbd 2\n"
		"\xf0\x9f\x94\xa5;\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd 3\n");
	free(f);
	mt_profile_free(p);
}

static void test_folded__fractional(void)
{
	mt_profile *p = NULL;
	mt_error err = MT_ERROR_INIT;
	warnings w = { 0 };
	CHECK_OK(read_str(&p, "a;b 12.5\na;c 1.25\na;b 0.25\nd 6.\ne 3.000\n", &w, &err));
	CHECK_EQ_I(w.n, 1);
	CHECK_EQ_I(w.fractional, 1);
	CHECK_EQ_I(p->value_types[0].decimals, 2);
	CHECK_EQ_I(mt_profile_total(p, 0), 1275 + 125 + 600 + 300);
	char *f = folded_of(p);
	CHECK_EQ_S(f, "a;b 12.75\na;c 1.25\nd 6\ne 3\n");
	free(f);
	mt_profile_free(p);

	/* zero fractional parts: no warning, no scale */
	memset(&w, 0, sizeof w);
	CHECK_OK(read_str(&p, "a 3.0\nb 6.\nc 2.000\n", &w, &err));
	CHECK_EQ_I(w.n, 0);
	CHECK_EQ_I(p->value_types[0].decimals, 0);
	CHECK_EQ_I(mt_profile_total(p, 0), 11);
	mt_profile_free(p);

	/* more than 9 decimals: truncated past the 9th, still warned */
	memset(&w, 0, sizeof w);
	CHECK_OK(read_str(&p, "a 1.1234567891\nb 0.00000000001\n", &w, &err));
	CHECK_EQ_I(w.fractional, 1);
	CHECK_EQ_I(p->value_types[0].decimals, 9);
	CHECK_EQ_I(mt_profile_total(p, 0), 1123456789);
	f = folded_of(p);
	CHECK_EQ_S(f, "a 1.123456789\n");
	free(f);
	mt_profile_free(p);
	CHECK(strstr(w.last, "past the 9th decimal") != NULL);

	/* strict: exact fractions are fine, dropped digits are not */
	const char *ok9 = "a 0.123456789\nb 2.5\n";
	CHECK_OK(read_bytes(&p, ok9, strlen(ok9), &w, 1, &err));
	mt_profile_free(p);
	const char *lossy = "a 1\nb 0.1234567891\n";
	mt_error_clear(&err);
	CHECK_EQ_I(read_bytes(&p, lossy, strlen(lossy), &w, 1, &err), MT_ELIMIT);
	CHECK_EQ_I(err.offset, 4);
}

static void test_folded__spaces_in_frames(void)
{
	mt_profile *p = NULL;
	mt_error err = MT_ERROR_INIT;
	warnings w = { 0 };
	const char *s =
		"rustc;<alloc::vec::Vec<T> as alloc::vec::SpecExtend<T, I>>::from_iter;memcpy@GLIBC_2.2.5 3\n"
		"main;core::array::<impl core::default::Default for [T; _]>::default 19.0\n";
	CHECK_OK(read_str(&p, s, &w, &err));
	CHECK_EQ_I(w.n, 0);
	char *f = folded_of(p);
	/* "[T; _]" splits at ';' (as every folded reader does); names keep their spaces */
	CHECK_EQ_S(f,
		"main;core::array::<impl core::default::Default for [T; _]>::default 19\n"
		"rustc;<alloc::vec::Vec<T> as alloc::vec::SpecExtend<T, I>>::from_iter;memcpy@GLIBC_2.2.5 3\n");
	free(f);
	mt_profile_free(p);
}

static void test_folded__empty(void)
{
	const char *inputs[] = { "", "\n\n", "# only a comment\n", "\xef\xbb\xbf", "\xff\xfe" };
	for (size_t i = 0; i < sizeof inputs / sizeof *inputs; i++) {
		mt_profile *p = (mt_profile *)1;
		mt_error err = MT_ERROR_INIT;
		warnings w = { 0 };
		CHECK_EQ_I(read_bytes(&p, inputs[i], strlen(inputs[i]), &w, 0, &err), MT_EFORMAT);
		CHECK(p == NULL);
		CHECK_EQ_S(err.msg, "expected at least one stack line `frame;frame COUNT`, found none");
		CHECK_EQ_I(err.offset, 0);
	}
}

static void test_folded__limits(void)
{
	mt_profile *p = NULL;
	mt_error err = MT_ERROR_INIT;
	warnings w = { 0 };
	/* a count that does not fit 63 bits */
	CHECK_EQ_I(read_str(&p, "a 1\nb 9223372036854775808\n", &w, &err), MT_ELIMIT);
	CHECK_EQ_I(err.offset, 4);
	/* INT64_MAX fits; twice on one stack does not */
	mt_error_clear(&err);
	CHECK_OK(read_str(&p, "a 9223372036854775807\n", &w, &err));
	CHECK_EQ_I(mt_profile_total(p, 0), INT64_MAX);
	mt_profile_free(p);
	mt_error_clear(&err);
	CHECK_EQ_I(read_str(&p, "x 1\na 9223372036854775807\na 1\n", &w, &err), MT_ELIMIT);
	CHECK_EQ_I(err.offset, 4);
	/* the scale makes a big count overflow */
	mt_error_clear(&err);
	CHECK_EQ_I(read_str(&p, "a 0.000000001\nb 9300000000\n", &w, &err), MT_ELIMIT);

	/* too deep */
	size_t depth = 70000;
	char *deep = malloc(depth * 2 + 8);
	for (size_t i = 0; i < depth; i++) {
		deep[2 * i] = 'f';
		deep[2 * i + 1] = ';';
	}
	memcpy(deep + 2 * depth - 1, " 1\n", 4);
	mt_error_clear(&err);
	CHECK_EQ_I(read_str(&p, deep, &w, &err), MT_ELIMIT);
	CHECK_EQ_I(err.offset, 0);
	/* 60000 frames are fine */
	deep[2 * 60000 - 1] = 0;
	strcat(deep, " 1\n");
	mt_error_clear(&err);
	CHECK_OK(read_str(&p, deep, &w, &err));
	CHECK_EQ_I(p->sample_loc_off[1], 60000);
	mt_profile_free(p);
	free(deep);

	/* a line over 16 MiB */
	size_t big = ((size_t)1 << 24) + 10;
	char *huge = malloc(big + 16);
	memcpy(huge, "ok 1\n", 5);
	memset(huge + 5, 'x', big);
	memcpy(huge + 5 + big, " 1\n", 4);
	mt_error_clear(&err);
	CHECK_EQ_I(read_str(&p, huge, &w, &err), MT_ELIMIT);
	CHECK_EQ_I(err.offset, 5);
	free(huge);
}

static void test_folded__lang(void)
{
	mt_profile *p = NULL;
	mt_error err = MT_ERROR_INIT;
	warnings w = { 0 };
	CHECK_OK(read_str(&p,
		"java/lang/Thread.run;Foo.bar_[j];Foo.baz_[i];sys_read_[k];runtime.mallocgc;"
		"LazyCompile:*foo /a/b.js:12;plain 1\n", &w, &err));
	static const int want[] = { MT_LANG_JAVA, MT_LANG_JAVA, MT_LANG_JAVA, MT_LANG_KERNEL,
		MT_LANG_GO, MT_LANG_JS, MT_LANG_UNKNOWN };
	CHECK_EQ_I(p->nsamples, 1);
	uint32_t n = p->sample_loc_off[1];
	CHECK_EQ_I(n, 7);
	for (uint32_t i = 0; i < n; i++) {
		/* leaf first in the sample */
		uint32_t loc = p->sample_locs[n - 1 - i];
		const mt_line *ln = &p->lines[p->locations[loc].first_line];
		CHECK_EQ_I(p->functions[ln->func].lang, want[i]);
	}
	mt_profile_free(p);
}

static void test_folded__round_trip(void)
{
	const char *s =
		"main;a;b 10\nmain;a 3\nmain;c;d;e 7\nmain;a;b 5\nother 1\nmain;c;d;e 0\n"
		"main;x y z;w 2\n";
	mt_profile *p = NULL, *q = NULL;
	mt_error err = MT_ERROR_INIT;
	warnings w = { 0 };
	CHECK_OK(read_str(&p, s, &w, &err));
	char *f1 = folded_of(p);
	CHECK_OK(read_str(&q, f1, &w, &err));
	char *f2 = folded_of(q);
	CHECK_EQ_S(f2, f1);
	CHECK_EQ_I(mt_profile_total(q, 0), mt_profile_total(p, 0));
	CHECK_EQ_I(mt_profile_total(q, 0), 28);
	CHECK_EQ_S(f1, "main;a 3\nmain;a;b 15\nmain;c;d;e 7\nmain;x y z;w 2\nother 1\n");
	free(f1);
	free(f2);
	mt_profile_free(p);
	mt_profile_free(q);
}

static void test_folded__writer(void)
{
	/* a hand-built tree: decimals, negative values, separators in names */
	const char *types[] = { "samples" }, *units[] = { "count" };
	mt_tree *t = NULL;
	CHECK_OK(mt_tree_new(&t, 1, types, units));
	t->types[0].decimals = 3;
	uint32_t a, b, c;
	CHECK_OK(mt_tree_child(t, 0, "a;x", 3, MT_LANG_UNKNOWN, &a));
	CHECK_OK(mt_tree_child(t, a, "b\nc", 3, MT_LANG_UNKNOWN, &b));
	CHECK_OK(mt_tree_child(t, 0, "z", 1, MT_LANG_UNKNOWN, &c));
	mt_tree_add(t, a, 0, 1500);
	mt_tree_add(t, b, 0, -25);
	mt_tree_add(t, c, 0, 7);
	CHECK_OK(mt_tree_finish(t));
	mt_membuf mb = { 0 };
	mt_sink s = mt_sink_membuf(&mb);
	mt_error err = MT_ERROR_INIT;
	CHECK_OK(mt_write_folded(t, 0, &s, &err));
	CHECK_EQ_S(mb.data, "a:x 1.5\na:x;b c -0.025\nz 0.007\n");
	CHECK_EQ_I(mt_write_folded(t, 1, &s, &err), MT_EINVAL);
	/* a wide scale: 7 at 30 decimals */
	mb.len = 0;
	t->types[0].decimals = 30;
	CHECK_OK(mt_write_folded(t, 0, &s, &err));
	CHECK(strstr(mb.data, "\nz 0.000000000000000000000000000007\n") != NULL);
	mt_membuf_free(&mb);
	mt_tree_free(t);

	/* a first frame starting with U+FEFF gets a real BOM before it */
	mt_profile *p = NULL;
	warnings w = { 0 };
	CHECK_OK(read_str(&p, "\n\xef\xbb\xbfx;y 5\n\xf0\x9f\x94\xa5 1\n", &w, &err));
	char *f = folded_of(p);
	CHECK_EQ_S(f, "\xef\xbb\xbf\xef\xbb\xbfx;y 5\n\xf0\x9f\x94\xa5 1\n");
	mt_profile_free(p);
	CHECK_OK(read_str(&p, f, &w, &err));
	char *f2 = folded_of(p);
	CHECK_EQ_S(f2, f);
	free(f);
	free(f2);
	mt_profile_free(p);
}

/* ---- fixtures ---- */

static void test_folded__speedscope_variants(void)
{
	if (!mt_t_shared()) {
		printf("# skipped: MT_SHARED not set\n");
		return;
	}
	const char *names[] = { "simple.txt", "simple-crlf.txt", "simple-utf16-le.txt",
		"simple-utf16-be.txt", "simple-with-invalids.txt" };
	for (size_t i = 0; i < 5; i++) {
		char rel[256];
		snprintf(rel, sizeof rel, "jlfwong__speedscope/sample/profiles/stackcollapse/%s", names[i]);
		size_t n;
		void *data = slurp(fixture_path(rel), &n);
		CHECK(data != NULL);
		mt_profile *p = NULL;
		mt_error err = MT_ERROR_INIT;
		warnings w = { 0 };
		CHECK_OK(read_bytes(&p, data, n, &w, 0, &err));
		char *f = folded_of(p);
		CHECK_EQ_S(f, "a;b 5\na;b;c 5\na;b;d 4\n");
		CHECK_EQ_I(p->nlocations - 1, 4);
		CHECK_EQ_I(mt_profile_total(p, 0), 14);
		/* only the "invalid line" of simple-with-invalids counts (comments do not) */
		CHECK_EQ_I(w.ignored, i == 4 ? 1 : 0);
		if (i == 4)
			CHECK_EQ_S(w.last, "Ignored 1 lines with invalid format");
		free(f);
		free(data);
		mt_profile_free(p);
	}
}

static void check_inferno(const char *rel, int want_rc, int want_ignored, int want_frac,
	const char *want_msg)
{
	char full[512];
	snprintf(full, sizeof full, "jonhoo__inferno/tests/data/flamegraph/%s", rel);
	size_t n;
	void *data = slurp(fixture_path(full), &n);
	CHECK(data != NULL);
	mt_profile *p = NULL;
	mt_error err = MT_ERROR_INIT;
	warnings w = { 0 };
	int rc = read_bytes(&p, data, n, &w, 0, &err);
	free(data);
	mt_profile_free(p);
	CHECK_EQ_I(rc, want_rc);
	CHECK_EQ_I(w.ignored, want_ignored);
	CHECK_EQ_I(w.fractional, want_frac);
	CHECK_EQ_I(w.n, want_ignored + want_frac);
	if (want_msg)
		CHECK_EQ_S(w.last, want_msg);
}

static void test_folded__inferno(void)
{
	if (!mt_t_shared()) {
		printf("# skipped: MT_SHARED not set\n");
		return;
	}
	/* two bad lines; the blank line is skipped silently (inferno counts it too) */
	check_inferno("bad-lines/bad-lines.txt", 0, 1, 0, "Ignored 2 lines with invalid format");
	check_inferno("fractional-samples/fractional.txt", 0, 0, 1, NULL);
	check_inferno("fractional-samples/zero-fractionals.txt", 0, 0, 0, NULL);
	check_inferno("fractional-samples/tricky-stack.txt", 0, 0, 0, NULL);
	check_inferno("fractional-samples/with-space.txt", 0, 0, 1, NULL);
	check_inferno("fractional-samples/no-fractionals.txt", 0, 0, 0, NULL);
	check_inferno("empty/empty.txt", MT_EFORMAT, 0, 0, NULL);
}

/* Lines "stack count" of a folded text, duplicates summed, sorted: "stack\tcount\n"... */
typedef struct pair {
	char *stack;
	long long count;
} pair;

static int pair_cmp(const void *a, const void *b)
{
	return strcmp(((const pair *)a)->stack, ((const pair *)b)->stack);
}

static pair *aggregate(const char *text, size_t len, size_t *np)
{
	pair *v = NULL;
	size_t n = 0, cap = 0;
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end;
		const char *sp = e;
		while (sp > p && sp[-1] != ' ')
			sp--;
		if (sp > p && e > sp) {
			if (n == cap) {
				cap = cap ? cap * 2 : 64;
				v = realloc(v, cap * sizeof *v);
			}
			v[n].stack = strndup(p, (size_t)(sp - 1 - p));
			v[n].count = strtoll(sp, NULL, 10);
			n++;
		}
		p = nl ? nl + 1 : end;
	}
	qsort(v, n, sizeof *v, pair_cmp);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (k && strcmp(v[k - 1].stack, v[i].stack) == 0) {
			v[k - 1].count += v[i].count;
			free(v[i].stack);
		} else {
			v[k++] = v[i];
		}
	}
	/* zero totals are not written back */
	size_t m = 0;
	for (size_t i = 0; i < k; i++) {
		if (v[i].count)
			v[m++] = v[i];
		else
			free(v[i].stack);
	}
	*np = m;
	return v;
}

static void free_pairs(pair *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].stack);
	free(v);
}

static void test_folded__flamegraph_results(void)
{
	if (!mt_t_shared()) {
		printf("# skipped: MT_SHARED not set\n");
		return;
	}
	const char *dir = fixture_path("brendangregg__FlameGraph/test/results");
	char dirbuf[4096];
	snprintf(dirbuf, sizeof dirbuf, "%s", dir);
	DIR *d = opendir(dirbuf);
	CHECK(d != NULL);
	struct dirent *e;
	int files = 0;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		char path[8192];
		snprintf(path, sizeof path, "%s/%s", dirbuf, e->d_name);
		size_t n;
		char *data = slurp(path, &n);
		if (!data)
			continue;
		files++;
		mt_profile *p = NULL;
		mt_error err = MT_ERROR_INIT;
		warnings w = { 0 };
		int rc = read_bytes(&p, data, n, &w, 0, &err);
		if (rc != 0) {
			free(data);
			MT_FAIL_("%s: %s", e->d_name, err.msg);
		}
		CHECK_EQ_I(w.n, 0);
		char *f = folded_of(p);
		size_t na, nb;
		pair *a = aggregate(data, n, &na);
		pair *b = aggregate(f, strlen(f), &nb);
		int same = na == nb;
		for (size_t i = 0; same && i < na; i++)
			same = strcmp(a[i].stack, b[i].stack) == 0 && a[i].count == b[i].count;
		free_pairs(a, na);
		free_pairs(b, nb);
		free(f);
		free(data);
		mt_profile_free(p);
		if (!same) {
			closedir(d);
			MT_FAIL_("%s: written stacks differ from the input", e->d_name);
		}
	}
	closedir(d);
	CHECK(files >= 10);
}


static int pair_cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* mt_tree_path, which the direct reader builds with: like mt_tree_child per name. */
static void test_folded__tree_path(void)
{
	static const char *const types[] = { "samples" }, *const units[] = { "count" };
	mt_tree *t = NULL;
	mt_str_id a, b, c;
	uint32_t nodes[3], again[3], n;
	CHECK_OK(mt_tree_new(&t, 1, types, units));
	CHECK_OK(mt_strtab_intern(t->strings, "a", 1, &a));
	CHECK_OK(mt_strtab_intern(t->strings, "b", 1, &b));
	CHECK_OK(mt_strtab_intern(t->strings, "c", 1, &c));
	const mt_str_id path[3] = { a, b, c }, other[2] = { a, c };
	const uint8_t langs[3] = { MT_LANG_GO, MT_LANG_JAVA, MT_LANG_UNKNOWN };
	CHECK_OK(mt_tree_path(t, 0, path, langs, 3, nodes));
	CHECK_EQ_I(t->nnodes, 4);
	CHECK_EQ_I(t->nodes[nodes[1]].parent, nodes[0]);
	CHECK_EQ_I(t->nodes[nodes[2]].depth, 3);
	CHECK_EQ_I(t->nodes[nodes[1]].lang, MT_LANG_JAVA);
	CHECK_OK(mt_tree_path(t, 0, path, langs, 3, again));   /* all there already */
	CHECK_EQ_I(t->nnodes, 4);
	CHECK(memcmp(nodes, again, sizeof nodes) == 0);
	CHECK_OK(mt_tree_path(t, 0, other, langs, 2, again));  /* a, then a new c */
	CHECK_EQ_I(t->nnodes, 5);
	CHECK_EQ_I(again[0], nodes[0]);
	CHECK_OK(mt_tree_child(t, nodes[0], "c", 1, MT_LANG_UNKNOWN, &n));
	CHECK_EQ_I(n, again[1]);                               /* the same node by name */
	const mt_str_id bad[1] = { 99 };
	CHECK_EQ_I(mt_tree_path(t, 0, bad, langs, 1, again), MT_EINVAL);
	CHECK_EQ_I(mt_tree_path(t, 77, path, langs, 1, again), MT_EINVAL);
	mt_tree_add(t, nodes[2], 0, 5);
	mt_tree_add(t, again[1], 0, 2);
	CHECK_OK(mt_tree_finish(t));
	CHECK_EQ_I(mt_tree_total(t, 0, 0), 7);
	CHECK_EQ_I(mt_tree_total(t, nodes[0], 0), 7);
	/* children in name order after finish: b before c under a */
	CHECK_EQ_I(t->nodes[nodes[0]].first_child, nodes[1]);
	CHECK_EQ_I(mt_tree_path(t, 0, path, langs, 3, again), MT_EINVAL);
	mt_tree_free(t);
}

/* ---- mt_read_folded_tree: the same tree as mt_read_folded + mt_tree_build ---- */

/* The folded text and the static SVG (origin palette: colours by frame origin) of @t. */
static char *tree_text(const mt_tree *t)
{
	mt_membuf mb = { 0 };
	mt_sink s = mt_sink_membuf(&mb);
	mt_error err = MT_ERROR_INIT;
	mt_flame_opts fo = MT_FLAME_OPTS_INIT;
	fo.no_js = 1;
	fo.min_width = 0;
	fo.palette = MT_PALETTE_ORIGIN;
	char hdr[96];
	snprintf(hdr, sizeof hdr, "nodes %u depth %u\n", t->nnodes, t->max_depth);
	if (mt_sink_puts(&s, hdr) || mt_write_folded(t, 0, &s, &err) || mt_render_svg(t, &fo, &s, &err)) {
		mt_membuf_free(&mb);
		return strdup("<render failed>");
	}
	mt_sink_write(&s, "", 1);
	return mb.data;
}

/* Reads @data both ways and checks trees, warnings and errors are identical. */
static void check_same_tree(const char *what, const void *data, size_t len, int strict)
{
	warnings wa = { 0 }, wb = { 0 };
	mt_error ea = MT_ERROR_INIT, eb = MT_ERROR_INIT;
	mt_profile *p = NULL;
	mt_tree *ta = NULL, *tb = NULL;
	mt_read_opts o = MT_READ_OPTS_INIT;
	o.warn = on_warn;
	o.strict = strict;
	o.warn_ctx = &wa;
	int ra = mt_read_folded(&p, data, len, &o, &ea);
	if (!ra)
		ra = mt_tree_build(&ta, p, NULL, &ea);
	mt_profile_free(p);
	o.warn_ctx = &wb;
	int rb = mt_read_folded_tree(&tb, data, len, &o, &eb);
	char *sa = ta ? tree_text(ta) : strdup(""), *sb = tb ? tree_text(tb) : strdup("");
	mt_tree_free(ta);
	mt_tree_free(tb);
	int same = ra == rb && ea.code == eb.code && ea.offset == eb.offset &&
		strcmp(ea.msg, eb.msg) == 0 && (ea.doing == eb.doing ||
		(ea.doing && eb.doing && strcmp(ea.doing, eb.doing) == 0)) &&
		wa.n == wb.n && strcmp(wa.last, wb.last) == 0 && strcmp(sa, sb) == 0;
	if (!same)
		fprintf(stderr, "# %s: rc %d/%d, \"%s\"/\"%s\", warnings %d/%d\n", what, ra, rb, ea.msg,
			eb.msg, wa.n, wb.n);
	free(sa);
	free(sb);
	CHECK(same);
}

static void test_folded__tree_direct(void)
{
	static const struct { const char *name, *text; } cases[] = {
		{ "sorted", "a;b;c 1\na;b;d 2\na;b;d;e 3\na;c 4\nb 5\n" },
		{ "unsorted", "b;c 3\na;b 2\na;a 1\nb;a 4\na;b 5\nb 1\na;b;c 1\nb;c 2\n" },
		{ "repeats", "a;b;c 1\na;b;c 2\na;b 3\na;b;c 4\na;b 1\n" },
		{ "prefixes", "a;b;c 1\na;b 2\na;bc 3\na;b;c;d 4\na;b;c 5\na 6\nab 7\na;b;cd 8\na;b; 1\na;b;;x 2\n" },
		{ "zero counts", "a;b 0\nx 0\na;b 2\nq;r 0\n" },
		{ "all zero", "a;b 0\nx 0\n" },
		{ "fractional", "a;b 1.5\na;c 2\n" },
		{ "integral decimals", "a;b 6.\na;c 2.000\n" },
		{ "too many decimals", "a;b 1.0000000001\n" },
		{ "invalid lines", "a;b 1\nTHIS IS BAD\nx 12V.43\na;c 3\n" },
		{ "only invalid", "BAD LINE\nALSO BAD\n" },
		{ "empty", "" },
		{ "comments", "# c\n// d\n\n  a;b 1 \r\na;c\t2\r\n" },
		{ "bad utf-8", "a;\xff\xfe" "b 1\na;\xff\xfe" "b 2\na;\xc3 3\na;\xef\xbf\xbd\xef\xbf\xbd" "b 4\n" },
		{ "empty frames", "a;;b 1\na;<unknown>;b 2\n;x 3\nq; 4\n; 5\n" },
		{ "hostile", "<script>alert(1)</script>;a&b;\"q\" 'x';]]>;\xc3\xa9&amp; 7\n<a href=\"x\">;z 3\n" },
		{ "huge count", "a 9223372036854775807\nb 99999999999999999999\n" },
		{ "stack total overflow", "a 9223372036854775807\na 1\n" },
		{ "node total saturates", "a;b 9223372036854775807\na;c 9223372036854775807\n" },
		{ "repaired names merge", "a;\xff 9223372036854775807\na;\xfe 9223372036854775807\n" },
		{ "nul", "a\x01" "b;c 1\na;c 2\n" },
		{ "no final newline", "a;b 1\na;c 2" },
		{ "spaces", "a;b  3\na; b 4\n<impl Default for [T; _]>;x 5\n" },
		{ "origins", "java/lang/Thread.run;foo_[j];bar_[k];baz_[i] 3\nruntime.main;main.x 2\nLazyCompile:x.js:1 1\n" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		check_same_tree(cases[i].name, cases[i].text, strlen(cases[i].text), 0);
		check_same_tree(cases[i].name, cases[i].text, strlen(cases[i].text), 1);
	}
	/* a NUL inside a stack, UTF-16 input */
	static const char nul[] = "a\0b;c 1\na;c 2\n";
	check_same_tree("nul byte", nul, sizeof nul - 1, 0);
	size_t ul;
	unsigned char *u = utf16("a;b 1\nb;c 2\na;b;c 3\n", 1, &ul);
	check_same_tree("utf-16", u, ul, 0);
	free(u);
	/* deeper than the reader's limit, and exactly at it */
	for (size_t depth = 65536; depth <= 65537; depth++) {
		size_t cap = depth * 2 + 16, n = 0;
		char *deep = malloc(cap);
		for (size_t d = 0; d < depth; d++) {
			deep[n++] = (char)('a' + d % 5);
			deep[n++] = d + 1 < depth ? ';' : ' ';
		}
		n += (size_t)snprintf(deep + n, cap - n, "1\nx 2\n");
		check_same_tree("deep", deep, n, 0);
		free(deep);
	}
	/* random stacks over a few names, shuffled and sorted, with repeats */
	unsigned seed = 12345;
	for (int round = 0; round < 2; round++) {
		size_t cap = 1 << 16, n = 0;
		char *text = malloc(cap);
		char *lines[600];
		for (int l = 0; l < 600; l++) {
			char line[128];
			size_t k = 0;
			seed = seed * 1103515245u + 12345u;
			int depth = 1 + (int)(seed >> 16) % 8;
			for (int d = 0; d < depth; d++) {
				static const char *const names[] = { "x", "y", "xy", "\xc3\xa9", "w w", "" };
				seed = seed * 1103515245u + 12345u;
				k += (size_t)snprintf(line + k, sizeof line - k, "%s%s", d ? ";" : "",
					names[(seed >> 16) % 6]);
			}
			seed = seed * 1103515245u + 12345u;
			snprintf(line + k, sizeof line - k, " %u", (seed >> 16) % 4);
			lines[l] = strdup(line);
		}
		if (round)
			qsort(lines, 600, sizeof lines[0], pair_cmp_str);
		for (int l = 0; l < 600; l++) {
			n += (size_t)snprintf(text + n, cap - n, "%s\n", lines[l]);
			free(lines[l]);
		}
		check_same_tree(round ? "random sorted" : "random", text, n, 0);
		free(text);
	}
}

int main(void)
{
	MT_RUN(test_folded__basic);
	MT_RUN(test_folded__crlf_bom_whitespace);
	MT_RUN(test_folded__utf16);
	MT_RUN(test_folded__utf16_errors);
	MT_RUN(test_folded__comments);
	MT_RUN(test_folded__invalid_lines);
	MT_RUN(test_folded__bytes);
	MT_RUN(test_folded__fractional);
	MT_RUN(test_folded__spaces_in_frames);
	MT_RUN(test_folded__empty);
	MT_RUN(test_folded__limits);
	MT_RUN(test_folded__lang);
	MT_RUN(test_folded__round_trip);
	MT_RUN(test_folded__writer);
	MT_RUN(test_folded__speedscope_variants);
	MT_RUN(test_folded__inferno);
	MT_RUN(test_folded__flamegraph_results);
	MT_RUN(test_folded__tree_path);
	MT_RUN(test_folded__tree_direct);
	MT_DONE();
}
