/*
 * tests/unit/test_render.c - flame graph layout, palettes, SVG and PNG
 * painters, on trees built by hand whose geometry is known.
 */
#include <libxml/parser.h>
#include <math.h>

#include "memtracer/render.h"
#include "memtracer/tree.h"
#include "mt_config.h"
#include "render/flame_internal.h"
#include "testlib.h"

#if MT_HAVE_PNG
#include <cairo.h>
#endif

/*
 * fontconfig (under cairo) keeps its configuration until FcFini(), which
 * only the process owner may call: tell LeakSanitizer (when present).
 */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libfontconfig.so\n";
}

static const char *const one_type[] = { "samples" };
static const char *const one_unit[] = { "count" };

#define NEAR(a, b) (fabs((double)(a) - (double)(b)) < 1e-6)

/* node ids of the small tree */
static uint32_t n_a, n_a1, n_b, n_c, n_c1;

/*
 * all (100) -> a (60: self 30, a1 30), b (40)
 */
static mt_tree *small_tree(void)
{
	mt_tree *t;
	if (mt_tree_new(&t, 1, one_type, one_unit))
		return NULL;
	mt_tree_child(t, 0, "b", 1, MT_LANG_UNKNOWN, &n_b);
	mt_tree_child(t, 0, "a", 1, MT_LANG_UNKNOWN, &n_a);
	mt_tree_child(t, n_a, "a1", 2, MT_LANG_UNKNOWN, &n_a1);
	mt_tree_add(t, n_a, 0, 30);
	mt_tree_add(t, n_a1, 0, 30);
	mt_tree_add(t, n_b, 0, 40);
	if (mt_tree_finish(t)) {
		mt_tree_free(t);
		return NULL;
	}
	return t;
}

static const mt_rect *find_rect(const mt_layout *l, uint32_t node)
{
	for (uint32_t i = 0; i < l->nrects; i++)
		if (l->rects[i].node == node)
			return &l->rects[i];
	return NULL;
}

static int render_svg(const mt_tree *t, const mt_flame_opts *o, mt_membuf *mb)
{
	mt_sink s = mt_sink_membuf(mb);
	mt_error err = MT_ERROR_INIT;
	int rc = mt_render_svg(t, o, &s, &err);
	if (rc)
		fprintf(stderr, "# mt_render_svg: %d %s\n", rc, err.msg);
	return rc;
}

/* a NUL-terminated copy of the output, for strstr */
static char *cstr(const mt_membuf *mb)
{
	char *s = malloc(mb->len + 1);
	if (s) {
		memcpy(s, mb->data, mb->len);
		s[mb->len] = 0;
	}
	return s;
}

static int xml_ok(const mt_membuf *mb)
{
	xmlDocPtr doc = xmlReadMemory(mb->data, (int)mb->len, "test.svg", NULL,
		XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc)
		return 0;
	xmlFreeDoc(doc);
	return 1;
}

static void test_render__layout_flame(void)
{
	mt_flame_opts o = MT_FLAME_OPTS_INIT;
	mt_layout *l = NULL;
	mt_error err = MT_ERROR_INIT;
	mt_tree *t = small_tree();
	const mt_rect *r;

	CHECK(t != NULL);
	CHECK_OK(mt_layout_build(&l, t, &o, &err));
	CHECK_EQ_I(l->nrects, 4);
	CHECK_EQ_I(l->total, 100);
	CHECK_EQ_I(l->width, 1200);
	CHECK_EQ_I(l->max_depth, 2);
	/* ypad1 36 + ypad2 34 + 3 rows of 16 */
	CHECK_EQ_I(l->height, 118);
	CHECK(NEAR(l->scale, 11.8));
	/* pre-order, root first, children by name */
	CHECK_EQ_I(l->rects[0].node, 0);
	CHECK_EQ_I(l->rects[1].node, n_a);
	CHECK_EQ_I(l->rects[2].node, n_a1);
	CHECK_EQ_I(l->rects[3].node, n_b);
	r = &l->rects[0];
	CHECK(NEAR(r->x, 10) && NEAR(r->w, 1180) && NEAR(r->y, 118 - 34 - 16 + 1) && NEAR(r->h, 15));
	r = find_rect(l, n_a);
	CHECK(r && NEAR(r->x, 10) && NEAR(r->w, 708) && r->depth == 1 && NEAR(r->y, 53));
	r = find_rect(l, n_a1);
	CHECK(r && NEAR(r->x, 10) && NEAR(r->w, 354) && r->depth == 2 && NEAR(r->y, 37));
	r = find_rect(l, n_b);
	CHECK(r && NEAR(r->x, 718) && NEAR(r->w, 472) && r->depth == 1 && NEAR(r->y, 53));
	mt_layout_free(l);
	mt_tree_free(t);
}

static void test_render__layout_icicle_subtitle(void)
{
	mt_flame_opts o = MT_FLAME_OPTS_INIT;
	mt_layout *l = NULL;
	mt_tree *t = small_tree();
	const mt_rect *r;

	o.icicle = 1;
	o.subtitle = "sub";
	o.width = 220;     /* plot 200 px: 2 px per sample */
	CHECK_OK(mt_layout_build(&l, t, &o, NULL));
	/* ypad1 36 + 24 for the subtitle */
	CHECK(NEAR(l->ypad_top, 60));
	CHECK_EQ_I(l->height, 60 + 34 + 48);
	CHECK(NEAR(l->rects[0].y, 60));
	r = find_rect(l, n_a1);
	CHECK(r && NEAR(r->y, 60 + 32) && NEAR(r->w, 60) && NEAR(r->x, 10));
	r = find_rect(l, n_b);
	CHECK(r && NEAR(r->y, 76) && NEAR(r->x, 130) && NEAR(r->w, 80));
	mt_layout_free(l);
	mt_tree_free(t);
}

/* all (10000) -> big (9999 -> deep 9999), c (1 -> c1 1) */
static mt_tree *tiny_tree(void)
{
	mt_tree *t;
	uint32_t big, deep;
	if (mt_tree_new(&t, 1, one_type, one_unit))
		return NULL;
	mt_tree_child(t, 0, "big", 3, MT_LANG_UNKNOWN, &big);
	mt_tree_child(t, big, "deep", 4, MT_LANG_UNKNOWN, &deep);
	mt_tree_child(t, 0, "c", 1, MT_LANG_UNKNOWN, &n_c);
	mt_tree_child(t, n_c, "c1", 2, MT_LANG_UNKNOWN, &n_c1);
	mt_tree_add(t, deep, 0, 9999);
	mt_tree_add(t, n_c1, 0, 1);
	mt_tree_finish(t);
	return t;
}

static void test_render__min_width(void)
{
	mt_flame_opts o = MT_FLAME_OPTS_INIT;
	mt_layout *l = NULL;
	mt_tree *t = tiny_tree();

	/* c is 1180/10000 = 0.118 px: kept at the default 0.1 px */
	CHECK_OK(mt_layout_build(&l, t, &o, NULL));
	CHECK_EQ_I(l->nrects, 5);
	CHECK(find_rect(l, n_c) && find_rect(l, n_c1));
	CHECK(NEAR(find_rect(l, n_c)->x, 10 + 9999 * 0.118));
	mt_layout_free(l);
	l = NULL;
	o.min_width = 0.2;
	CHECK_OK(mt_layout_build(&l, t, &o, NULL));
	CHECK_EQ_I(l->nrects, 3);
	CHECK(!find_rect(l, n_c) && !find_rect(l, n_c1));
	mt_layout_free(l);
	l = NULL;
	/* min_width 0 keeps everything non-empty */
	o.min_width = 0;
	CHECK_OK(mt_layout_build(&l, t, &o, NULL));
	CHECK_EQ_I(l->nrects, 5);
	mt_layout_free(l);
	mt_tree_free(t);
}

static void test_render__bad_options(void)
{
	mt_flame_opts o = MT_FLAME_OPTS_INIT;
	mt_layout *l = NULL;
	mt_error err = MT_ERROR_INIT;
	mt_tree *t = small_tree();

	o.width = 10;
	CHECK_EQ_I(mt_layout_build(&l, t, &o, &err), MT_EINVAL);
	CHECK(l == NULL);
	o.width = 1200;
	o.col = 1;
	mt_error_clear(&err);
	CHECK_EQ_I(mt_layout_build(&l, t, &o, &err), MT_EINVAL);
	o.col = 0;
	o.font_size = NAN;
	CHECK_EQ_I(mt_layout_build(&l, t, &o, NULL), MT_EINVAL);
	o.font_size = 12;
	o.frame_height = 0;
	CHECK_EQ_I(mt_layout_build(&l, t, &o, NULL), MT_EINVAL);
	/* NULL options are the defaults */
	CHECK_OK(mt_layout_build(&l, t, NULL, NULL));
	CHECK_EQ_I(l->nrects, 4);
	mt_layout_free(l);
	mt_tree_free(t);
}

static void test_render__deep_tree(void)
{
	mt_flame_opts o = MT_FLAME_OPTS_INIT;
	mt_layout *l = NULL;
	mt_error err = MT_ERROR_INIT;
	mt_membuf mb = { 0 };
	mt_sink s = mt_sink_membuf(&mb);
	mt_tree *t;
	uint32_t n = 0;
	char name[32];

	CHECK_OK(mt_tree_new(&t, 1, one_type, one_unit));
	for (int i = 0; i < 100000; i++) {
		int len = snprintf(name, sizeof name, "f%d", i);
		CHECK_OK(mt_tree_child(t, n, name, (size_t)len, MT_LANG_GO, &n));
	}
	mt_tree_add(t, n, 0, 5);
	CHECK_OK(mt_tree_finish(t));
	CHECK_OK(mt_layout_build(&l, t, &o, &err));
	CHECK_EQ_I(l->nrects, 100001);
	CHECK_EQ_I(l->max_depth, 100000);
	mt_layout_free(l);
	/* the SVG has no size limit; the PNG refuses clearly */
	CHECK_OK(mt_render_svg(t, &o, &s, &err));
	CHECK(xml_ok(&mb));
	mt_membuf_free(&mb);
#if MT_HAVE_PNG
	mb = (mt_membuf){ 0 };
	s = mt_sink_membuf(&mb);
	CHECK_EQ_I(mt_render_png(t, &o, &s, &err), MT_ELIMIT);
	CHECK(strstr(err.msg, "limited") != NULL);
	mt_membuf_free(&mb);
#endif
	mt_tree_free(t);
}

static mt_tree *hostile_tree(void)
{
	static const char bad[] = "bad\x01\xff\xc0\x80name\x00tail";
	mt_tree *t;
	uint32_t a, b, c;
	if (mt_tree_new(&t, 1, one_type, one_unit))
		return NULL;
	mt_tree_child(t, 0, "<script>alert(1)</script>", 25, MT_LANG_JS, &a);
	mt_tree_child(t, a, "say \"hi\" & 'bye' ]]> </script>", 30, MT_LANG_JS, &b);
	mt_tree_child(t, 0, bad, sizeof bad - 1, MT_LANG_NATIVE, &c);
	mt_tree_add(t, b, 0, 1234567);
	mt_tree_add(t, c, 0, 1000);
	mt_tree_finish(t);
	return t;
}

static void test_render__svg_escaping(void)
{
	mt_flame_opts o = MT_FLAME_OPTS_INIT;
	mt_membuf mb = { 0 };
	mt_tree *t = hostile_tree();
	char *svg, *script, *script_end;

	o.title = "T <b>&amp; ]]>";
	o.subtitle = "</script><script>x()</script>";
	CHECK_OK(render_svg(t, &o, &mb));
	CHECK(xml_ok(&mb));
	svg = cstr(&mb);
	CHECK(svg != NULL);
	CHECK(strstr(svg, "&lt;script&gt;alert(1)&lt;/script&gt;") != NULL);
	CHECK(strstr(svg, "<script>alert") == NULL);
	CHECK(strstr(svg, "say &quot;hi&quot; &amp; 'bye' ]]&gt; &lt;/script&gt;") != NULL);
	CHECK(strstr(svg, "T &lt;b&gt;&amp;amp; ]]&gt;") != NULL);
	/* thousands separators and two-decimal percentages */
	CHECK(strstr(svg, "(1,234,567 samples, 99.92%)") != NULL);
	CHECK(strstr(svg, "all (1,235,567 samples, 100.00%)") != NULL);
	/* one script block holding only our code */
	script = strstr(svg, "<script");
	CHECK(script != NULL);
	CHECK(strstr(script + 1, "<script") == NULL);
	script_end = strstr(script, "</script>");
	CHECK(script_end != NULL);
	*script_end = 0;
	CHECK(strstr(script, "alert") == NULL);
	CHECK(strstr(script, "bye") == NULL);
	CHECK(strstr(script, "x()") == NULL);
	CHECK(strstr(script, "var fontsize = 12;") != NULL);
	CHECK(strstr(script, "innerHTML") == NULL);
	/* control bytes and invalid UTF-8 became U+FFFD, the NUL too */
	CHECK(strstr(script_end + 1, "bad\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdname"
		"\xef\xbf\xbdtail") != NULL);
	free(svg);
	mt_membuf_free(&mb);
	mt_tree_free(t);
}


/*
 * Frames written as markup built per frame (the default) and through one
 * xmlTextWriter call per element and attribute give the same bytes, on
 * names holding everything that needs escaping, control bytes, invalid
 * UTF-8, U+FFFE, CR/LF/TAB, long names and labels cut to "..".
 */
static void test_render__svg_frames_as_writer(void)
{
	static const char *const names[] = {
		"<script>alert(1)</script>", "say \"hi\" & 'bye' ]]> </script>", "a\rb\nc\td",
		"\xef\xbf\xbe\xef\xbf\xbf nonchar", "bad\x01\xff\xc0\x80name", "&amp;&lt;&#13;",
		"<![CDATA[x]]>", "\xc3\xa9\xe2\x82\xac\xf0\x9f\x94\xa5 wide", "",
		"a very long frame name that will not fit in its rectangle at all <&>\"'",
	};
	const size_t nn = sizeof names / sizeof names[0];
	mt_tree *t;
	uint32_t prev = 0;
	CHECK_OK(mt_tree_new(&t, 1, one_type, one_unit));
	for (size_t i = 0; i < 3 * nn; i++) {
		uint32_t n;
		const char *nm = names[i % nn];
		CHECK_OK(mt_tree_child(t, i % 4 ? prev : 0, nm, strlen(nm) + (i == 4), (mt_lang)(i % 6), &n));
		mt_tree_add(t, n, 0, (int64_t)(i * 37 % 11 + 1) * 1000);
		prev = n;
	}
	CHECK_OK(mt_tree_finish(t));
	for (int variant = 0; variant < 4; variant++) {
		mt_flame_opts o = MT_FLAME_OPTS_INIT;
		mt_membuf a = { 0 }, b = { 0 };
		mt_sink sa = mt_sink_membuf(&a), sb = mt_sink_membuf(&b);
		mt_error err = MT_ERROR_INIT;
		o.min_width = 0;
		o.no_js = variant & 1;
		o.icicle = variant >> 1;
		o.palette = variant ? MT_PALETTE_ORIGIN : MT_PALETTE_HOT;
		o.width = variant == 3 ? 333 : 1200;
		o.count_name = variant == 2 ? "b<y>tes & \"more\"" : NULL;
		CHECK_OK(mt_render_svg__frames(t, &o, &sa, 0, &err));
		CHECK_OK(mt_render_svg__frames(t, &o, &sb, 1, &err));
		CHECK(a.len > 1000);
		CHECK(xml_ok(&a));
		CHECK_EQ_I(a.len, b.len);
		CHECK(a.len == b.len && memcmp(a.data, b.data, a.len) == 0);
		mt_membuf_free(&a);
		mt_membuf_free(&b);
	}
	mt_tree_free(t);
}

static void test_render__svg_structure(void)
{
	mt_flame_opts o = MT_FLAME_OPTS_INIT;
	mt_membuf mb = { 0 }, mb2 = { 0 };
	mt_tree *t = small_tree();
	char *svg;

	CHECK_OK(render_svg(t, &o, &mb));
	CHECK_OK(render_svg(t, &o, &mb2));
	CHECK(mb.len == mb2.len && memcmp(mb.data, mb2.data, mb.len) == 0);
	CHECK(xml_ok(&mb));
	svg = cstr(&mb);
	CHECK(strncmp(svg, "<?xml version=\"1.0\" standalone=\"no\"?>\n<!DOCTYPE svg PUBLIC", 58) == 0);
	CHECK(strstr(svg, "<svg version=\"1.1\" width=\"1200\" height=\"118\" onload=\"init(evt)\" "
		"viewBox=\"0 0 1200 118\" xmlns=\"http://www.w3.org/2000/svg\"") != NULL);
	CHECK(strstr(svg, "<text id=\"title\"") != NULL);
	CHECK(strstr(svg, "<text id=\"details\"") != NULL);
	CHECK(strstr(svg, "<text id=\"unzoom\" class=\"hide\"") != NULL);
	CHECK(strstr(svg, ">Reset Zoom</text>") != NULL);
	CHECK(strstr(svg, "<text id=\"search\"") != NULL);
	CHECK(strstr(svg, "<text id=\"ignorecase\"") != NULL);
	CHECK(strstr(svg, "<text id=\"matched\"") != NULL);
	CHECK(strstr(svg, "<g id=\"frames\">") != NULL);
	CHECK(strstr(svg, "<g><title>a (60 samples, 60.00%)</title><rect x=\"10\" y=\"53\" "
		"width=\"708\" height=\"15\" fill=\"rgb(") != NULL);
	CHECK(strstr(svg, "<g><title>b (40 samples, 40.00%)</title><rect x=\"718\" y=\"53\" "
		"width=\"472\"") != NULL);
	CHECK(strstr(svg, "rx=\"2\" ry=\"2\"/><text x=\"721\" y=\"63.5\">b</text></g>") != NULL);
	CHECK(strstr(svg, "id=\"subtitle\"") == NULL);
	free(svg);
	mt_membuf_free(&mb);
	mt_membuf_free(&mb2);
	mt_tree_free(t);
}

static void test_render__svg_nojs_pretty(void)
{
	mt_flame_opts o = MT_FLAME_OPTS_INIT;
	mt_membuf mb = { 0 };
	mt_tree *t = small_tree();
	char *svg;

	o.no_js = 1;
	o.pretty = 1;
	o.count_name = "widgets";
	o.icicle = 1;
	CHECK_OK(render_svg(t, &o, &mb));
	CHECK(xml_ok(&mb));
	svg = cstr(&mb);
	CHECK(strstr(svg, "<script") == NULL);
	CHECK(strstr(svg, "onload") == NULL);
	CHECK(strstr(svg, "id=\"search\"") == NULL);
	CHECK(strstr(svg, "id=\"unzoom\"") == NULL);
	CHECK(strstr(svg, ">Icicle Graph</text>") != NULL);
	CHECK(strstr(svg, "<title>a1 (30 widgets, 30.00%)</title>") != NULL);
	CHECK(strstr(svg, "\n  <g id=\"frames\">\n") != NULL);
	free(svg);
	mt_membuf_free(&mb);
	mt_tree_free(t);
}

static void test_render__units(void)
{
	static const char *const types[] = { "samples", "cpu", "space" };
	static const char *const units[] = { "count", "nanoseconds", "bytes" };
	mt_flame_opts o = MT_FLAME_OPTS_INIT;
	mt_tree *t;
	uint32_t n;

	CHECK_OK(mt_tree_new(&t, 3, types, units));
	mt_tree_child(t, 0, "x", 1, MT_LANG_UNKNOWN, &n);
	mt_tree_add(t, n, 0, 1);
	mt_tree_finish(t);
	CHECK_EQ_S(mt_flame__unit(t, &o), "samples");
	o.col = 1;
	CHECK_EQ_S(mt_flame__unit(t, &o), "ns");
	o.col = 2;
	CHECK_EQ_S(mt_flame__unit(t, &o), "bytes");
	o.count_name = "allocs";
	CHECK_EQ_S(mt_flame__unit(t, &o), "allocs");
	mt_tree_free(t);
}


/* The hand-written number formatting against the printf formats it replaced. */
static void ref_fixed(char *buf, size_t cap, double v, unsigned dec, int trim)
{
	static const uint64_t pow10[] = { 1, 10, 100, 1000, 10000, 100000, 1000000 };
	if (dec > 6)
		dec = 6;
	uint64_t scale = pow10[dec];
	if (!isfinite(v))
		v = 0;
	double r = round(fabs(v) * (double)scale);
	if (r > 9e18)
		r = 9e18;
	uint64_t u = (uint64_t)r, ip = u / scale, fp = u % scale;
	int neg = v < 0 && u != 0;
	if (dec == 0 || (trim && fp == 0)) {
		snprintf(buf, cap, "%s%llu", neg ? "-" : "", (unsigned long long)ip);
		return;
	}
	snprintf(buf, cap, "%s%llu.%0*llu", neg ? "-" : "", (unsigned long long)ip, (int)dec,
		(unsigned long long)fp);
	if (trim) {
		size_t n = strlen(buf);
		while (n && buf[n - 1] == '0')
			buf[--n] = 0;
	}
}

static void test_render__number_formats(void)
{
	static const double fixed[] = { 0, -0.0, 0.004, 0.005, 0.015, 1, 10, 10.5, 99.995,
		-3.25, 1e-9, 123456789.125, 1e17, 9e18, 1e300, -1e300, 0.1 + 0.2, 1180, 783.5 };
	char a[64], b[64];
	uint64_t seed = 7;
	for (size_t i = 0; i < 4000; i++) {
		double v;
		if (i < sizeof fixed / sizeof fixed[0]) {
			v = fixed[i];
		} else {
			seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
			v = (double)(int64_t)(seed >> 20) / (double)((uint64_t)1 << (seed % 40));
		}
		for (unsigned dec = 0; dec <= 7; dec++)
			for (int trim = 0; trim < 2; trim++) {
				mt_flame__fixed(a, sizeof a, v, dec, trim);
				ref_fixed(b, sizeof b, v, dec, trim);
				if (strcmp(a, b) != 0)
					MT_FAIL_("fixed(%.17g, %u, %d) = %s, printf gives %s", v, dec, trim, a, b);
			}
		int64_t iv = (int64_t)(seed ^ (seed >> 7));
		if (i % 3 == 0)
			iv = -iv;
		if (i < 40)
			iv = i < 20 ? (int64_t)i * 999 : INT64_MIN + (int64_t)i;
		for (uint32_t d = 0; d <= 19; d += (d < 3 ? 1 : 8)) {
			uint64_t scale = 1, u = iv < 0 ? (uint64_t)0 - (uint64_t)iv : (uint64_t)iv;
			for (uint32_t k = 0; k < (d > 18 ? 18 : d); k++)
				scale *= 10;
			char digits[32], ref[80];
			size_t nd = (size_t)snprintf(digits, sizeof digits, "%llu",
				(unsigned long long)(u / scale)), o = 0;
			if (iv < 0)
				ref[o++] = '-';
			for (size_t k = 0; k < nd; k++) {
				if (k && (nd - k) % 3 == 0)
					ref[o++] = ',';
				ref[o++] = digits[k];
			}
			ref[o] = 0;
			if (d)
				snprintf(ref + o, sizeof ref - o, ".%0*llu", (int)(d > 18 ? 18 : d),
					(unsigned long long)(u % scale));
			mt_flame__count(a, sizeof a, iv, d);
			if (strcmp(a, ref) != 0)
				MT_FAIL_("count(%lld, %u) = %s, printf gives %s", (long long)iv, d, a, ref);
		}
	}
	/* a short buffer truncates like snprintf */
	mt_flame__fixed(a, 4, 123456.5, 2, 0);
	CHECK_EQ_S(a, "123");
	mt_flame__count(a, 6, 1234567, 0);
	CHECK_EQ_S(a, "1,234");
}

static void test_render__empty(void)
{
	mt_flame_opts o = MT_FLAME_OPTS_INIT;
	mt_membuf mb = { 0 };
	mt_layout *l = NULL;
	mt_tree *t;
	char *svg;

	CHECK_OK(mt_tree_new(&t, 1, one_type, one_unit));
	CHECK_OK(mt_tree_finish(t));
	CHECK_OK(mt_layout_build(&l, t, &o, NULL));
	CHECK_EQ_I(l->nrects, 0);
	CHECK_EQ_I(l->height, 36 + 34 + 16);
	mt_layout_free(l);
	CHECK_OK(render_svg(t, &o, &mb));
	CHECK(xml_ok(&mb));
	svg = cstr(&mb);
	CHECK(strstr(svg, ">No samples</text>") != NULL);
	free(svg);
	mt_membuf_free(&mb);
#if MT_HAVE_PNG
	{
		mt_sink s = mt_sink_membuf(&mb);
		CHECK_OK(mt_render_png(t, &o, &s, NULL));
		CHECK(mb.len > 8);
		mt_membuf_free(&mb);
	}
#endif
	mt_tree_free(t);
}

static void test_render__helpers(void)
{
	char buf[64];
	mt_flame_buf b = { 0 };
	size_t ncp;

	CHECK_EQ_S(mt_flame__fixed(buf, sizeof buf, 10.0, 2, 1), "10");
	CHECK_EQ_S(mt_flame__fixed(buf, sizeof buf, 10.5, 2, 1), "10.5");
	CHECK_EQ_S(mt_flame__fixed(buf, sizeof buf, 0.125, 2, 0), "0.13");
	CHECK_EQ_S(mt_flame__fixed(buf, sizeof buf, -0.001, 2, 1), "0");
	CHECK_EQ_S(mt_flame__fixed(buf, sizeof buf, -3.25, 1, 0), "-3.3");
	CHECK_EQ_S(mt_flame__count(buf, sizeof buf, 0, 0), "0");
	CHECK_EQ_S(mt_flame__count(buf, sizeof buf, 999, 0), "999");
	CHECK_EQ_S(mt_flame__count(buf, sizeof buf, 1234, 0), "1,234");
	CHECK_EQ_S(mt_flame__count(buf, sizeof buf, -1234567, 0), "-1,234,567");
	CHECK_EQ_S(mt_flame__count(buf, sizeof buf, 123456, 2), "1,234.56");
	CHECK_EQ_S(mt_flame__count(buf, sizeof buf, INT64_MIN, 0), "-9,223,372,036,854,775,808");
	CHECK_EQ_S(mt_flame__percent(buf, sizeof buf, 1, 3), "33.33");
	CHECK_EQ_S(mt_flame__percent(buf, sizeof buf, 5, 0), "0.00");

	/* label: 12 px font, 0.59 em per char -> 7.08 px per char */
	CHECK_OK(mt_flame__clean(&b, "runtime.mallocgc", 16, &ncp));
	{
		char name[32];
		memcpy(name, b.p, b.len + 1);
		CHECK_OK(mt_flame__label(&b, name, 16, ncp, 200, 12));
		CHECK_EQ_S(b.p, "runtime.mallocgc");
		CHECK_OK(mt_flame__label(&b, name, 16, ncp, 72, 12));   /* 10 chars */
		CHECK_EQ_S(b.p, "runtime...");
		CHECK_OK(mt_flame__label(&b, name, 16, ncp, 20, 12));   /* 2 chars */
		CHECK_EQ_S(b.p, "");
	}
	/* multi-byte characters are never cut in half */
	CHECK_OK(mt_flame__clean(&b, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 10, &ncp));
	CHECK_EQ_I(ncp, 5);
	{
		char name[32];
		memcpy(name, b.p, b.len + 1);
		CHECK_OK(mt_flame__label(&b, name, 10, ncp, 30, 12));   /* 4 chars */
		CHECK_EQ_S(b.p, "\xc3\xa9\xc3\xa9..");
	}
	/* surrogates, overlongs, truncated sequences */
	CHECK_OK(mt_flame__clean(&b, "\xed\xa0\x80|\xe0\x80\x80|\xe2\x82", 10, &ncp));
	CHECK_EQ_S(b.p, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd|\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd|"
		"\xef\xbf\xbd\xef\xbf\xbd");
	free(b.p);
}

static void test_render__palette(void)
{
	uint32_t c1, c2;
	CHECK_EQ_I(mt_palette_from_name("hot"), MT_PALETTE_HOT);
	CHECK_EQ_I(mt_palette_from_name("Mem"), MT_PALETTE_MEM);
	CHECK_EQ_I(mt_palette_from_name("native"), MT_PALETTE_NATIVE);
	CHECK_EQ_I(mt_palette_from_name("nope"), -1);
	CHECK_EQ_I(mt_palette_from_name(NULL), -1);
	CHECK_EQ_I(mt_palette_from_name("ho"), -1);
	for (int p = 0; p < MT_PALETTE__COUNT; p++)
		CHECK_EQ_I(mt_palette_from_name(mt_palette_name((mt_palette)p)), p);

	/* deterministic, name-dependent */
	c1 = mt_palette__color(MT_PALETTE_HOT, "main.main", 9, MT_LANG_GO, 0);
	c2 = mt_palette__color(MT_PALETTE_HOT, "main.main", 9, MT_LANG_GO, 0);
	CHECK_EQ_I(c1, c2);
	CHECK(c1 != mt_palette__color(MT_PALETTE_HOT, "main.work", 9, MT_LANG_GO, 0));
	CHECK(((c1 >> 16) & 0xff) >= 205);
	/* mem: greens (no red), io: blues */
	c1 = mt_palette__color(MT_PALETTE_MEM, "malloc", 6, MT_LANG_NATIVE, 0);
	CHECK(((c1 >> 16) & 0xff) == 0 && ((c1 >> 8) & 0xff) >= 190);
	c1 = mt_palette__color(MT_PALETTE_IO, "read", 4, MT_LANG_NATIVE, 0);
	CHECK((c1 & 0xff) >= 190);
	/* origin: Go is cyan (blue > red), state is grey, unknown is hot */
	c1 = mt_palette__color(MT_PALETTE_ORIGIN, "main.main", 9, MT_LANG_GO, 0);
	CHECK((c1 & 0xff) > ((c1 >> 16) & 0xff) + 60);
	c1 = mt_palette__color(MT_PALETTE_ORIGIN, "running", 7, MT_LANG_STATE, 0);
	CHECK(((c1 >> 16) & 0xff) == ((c1 >> 8) & 0xff) && ((c1 >> 8) & 0xff) == (c1 & 0xff));
	CHECK_EQ_I(mt_palette__color(MT_PALETTE_ORIGIN, "x", 1, MT_LANG_UNKNOWN, 0),
		mt_palette__color(MT_PALETTE_HOT, "x", 1, MT_LANG_UNKNOWN, 0));
	/* java palette: _[j] green, _[k] orange (no blue), _[i] aqua */
	c1 = mt_palette__color(MT_PALETTE_JAVA, "Foo.bar_[j]", 11, MT_LANG_UNKNOWN, 0);
	CHECK(((c1 >> 8) & 0xff) >= 200 && ((c1 >> 16) & 0xff) <= 110);
	c1 = mt_palette__color(MT_PALETTE_JAVA, "do_syscall_64_[k]", 17, MT_LANG_UNKNOWN, 0);
	CHECK(((c1 >> 16) & 0xff) >= 200 && (c1 & 0xff) < 40);
	c1 = mt_palette__color(MT_PALETTE_JAVA, "Foo.bar_[i]", 11, MT_LANG_UNKNOWN, 0);
	CHECK((c1 & 0xff) >= 165 && ((c1 >> 8) & 0xff) >= 165);
	/* go palette: the runtime is darker than user code */
	{
		int dark = 0, light = 0;
		static const char *const rt[] = { "runtime.mallocgc", "runtime.gcBgMarkWorker",
			"runtime/internal/atomic.Load", "runtime.mcall" };
		static const char *const user[] = { "main.main", "main.(*hub).wait",
			"net/http.(*conn).serve", "example.com/x.F" };
		for (int i = 0; i < 4; i++) {
			uint32_t a = mt_palette__color(MT_PALETTE_GO, rt[i], strlen(rt[i]),
				MT_LANG_UNKNOWN, 0);
			uint32_t b = mt_palette__color(MT_PALETTE_GO, user[i], strlen(user[i]),
				MT_LANG_UNKNOWN, 0);
			dark = ((a >> 16) & 0xff) + ((a >> 8) & 0xff) + (a & 0xff);
			light = ((b >> 16) & 0xff) + ((b >> 8) & 0xff) + (b & 0xff);
			CHECK(dark < light);
		}
	}
}

static void test_render__png(void)
{
#if MT_HAVE_PNG
	static const unsigned char magic[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	mt_flame_opts o = MT_FLAME_OPTS_INIT;
	mt_membuf a = { 0 }, b = { 0 };
	mt_sink sa = mt_sink_membuf(&a), sb = mt_sink_membuf(&b);
	mt_error err = MT_ERROR_INIT;
	mt_tree *t = hostile_tree();

	o.subtitle = "sub \xff title";
	CHECK_OK(mt_render_png(t, &o, &sa, &err));
	CHECK_OK(mt_render_png(t, &o, &sb, &err));
	CHECK(a.len > sizeof magic && memcmp(a.data, magic, sizeof magic) == 0);
	CHECK(a.len == b.len && memcmp(a.data, b.data, a.len) == 0);
	mt_membuf_free(&a);
	mt_membuf_free(&b);
	mt_tree_free(t);
#else
	mt_flame_opts o = MT_FLAME_OPTS_INIT;
	mt_membuf a = { 0 };
	mt_sink sa = mt_sink_membuf(&a);
	mt_error err = MT_ERROR_INIT;
	mt_tree *t = small_tree();
	CHECK_EQ_I(mt_render_png(t, &o, &sa, &err), MT_EUNSUPPORTED);
	CHECK(strstr(err.msg, "PNG support was not built") != NULL);
	mt_tree_free(t);
#endif
}

static int fail_write(void *ctx, const void *buf, size_t n)
{
	(void)ctx, (void)buf, (void)n;
	return MT_EIO;
}

static void test_render__write_error(void)
{
	mt_flame_opts o = MT_FLAME_OPTS_INIT;
	mt_sink s = { fail_write, NULL, 0 };
	mt_error err = MT_ERROR_INIT;
	mt_tree *t = small_tree();

	CHECK_EQ_I(mt_render_svg(t, &o, &s, &err), MT_EIO);
#if MT_HAVE_PNG
	s.failed = 0;
	mt_error_clear(&err);
	CHECK_EQ_I(mt_render_png(t, &o, &s, &err), MT_EIO);
#endif
	mt_tree_free(t);
}

int main(void)
{
	MT_RUN(test_render__layout_flame);
	MT_RUN(test_render__layout_icicle_subtitle);
	MT_RUN(test_render__min_width);
	MT_RUN(test_render__bad_options);
	MT_RUN(test_render__deep_tree);
	MT_RUN(test_render__svg_escaping);
	MT_RUN(test_render__svg_frames_as_writer);
	MT_RUN(test_render__svg_structure);
	MT_RUN(test_render__svg_nojs_pretty);
	MT_RUN(test_render__units);
	MT_RUN(test_render__empty);
	MT_RUN(test_render__helpers);
	MT_RUN(test_render__number_formats);
	MT_RUN(test_render__palette);
	MT_RUN(test_render__png);
	MT_RUN(test_render__write_error);
#if MT_HAVE_PNG
	/* drop cairo's font caches so LeakSanitizer sees only our memory */
	cairo_debug_reset_static_data();
#endif
	xmlCleanupParser();
	MT_DONE();
}
