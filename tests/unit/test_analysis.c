/* tests/unit/test_analysis.c - profile builder, tree, filters, top, merge. */
#include <string.h>

#include "memtracer/memtracer.h"
#include "testlib.h"

/*
 * A small profile with two columns (samples/count, cpu/nanoseconds):
 *   main;a;b     x3  (b leaf)
 *   main;a       x2
 *   main;c;b     x1
 *   main;rec;rec x4  (recursion)
 * Location 5 is an inlined pair: [inl (inner), outer].
 */
static mt_profile *make_profile(void)
{
	mt_profile *p;
	if (mt_profile_new(&p))
		return NULL;
	mt_profile_add_value_type(p, "samples", "count", 0, NULL);
	mt_profile_add_value_type(p, "cpu", "nanoseconds", 0, NULL);
	uint32_t m, a, b, c, rec;
	mt_profile_frame(p, "main", 4, "main.go", 7, 0, MT_LANG_GO, &m);
	mt_profile_frame(p, "a", 1, "a.go", 4, 0, MT_LANG_GO, &a);
	mt_profile_frame(p, "b", 1, "b.go", 4, 0, MT_LANG_GO, &b);
	mt_profile_frame(p, "c", 1, "c.go", 4, 0, MT_LANG_GO, &c);
	mt_profile_frame(p, "rec", 3, "r.go", 4, 0, MT_LANG_GO, &rec);
	uint32_t again;
	mt_profile_frame(p, "a", 1, "a.go", 4, 0, MT_LANG_GO, &again);
	if (again != a)
		return NULL;
	int64_t v3[] = { 3, 30 }, v2[] = { 2, 20 }, v1[] = { 1, 10 }, v4[] = { 4, 40 };
	uint32_t s1[] = { b, a, m }, s2[] = { a, m }, s3[] = { b, c, m }, s4[] = { rec, rec, m };
	mt_str_id k, v;
	mt_profile_intern(p, "trace", 5, &k);
	mt_profile_intern(p, "t-1", 3, &v);
	mt_label lb = { k, v, 0, 0 };
	mt_profile_add_sample(p, s1, 3, v3, &lb, 1);
	mt_profile_add_sample(p, s2, 2, v2, NULL, 0);
	mt_profile_add_sample(p, s3, 3, v1, NULL, 0);
	mt_profile_add_sample(p, s4, 3, v4, NULL, 0);
	return p;
}

static int64_t row(const mt_top *t, const char *name, int cum)
{
	for (uint32_t i = 0; i < t->nrows; i++)
		if (!strcmp(mt_strtab_get(t->strings, t->rows[i].name), name))
			return cum ? t->rows[i].cum : t->rows[i].flat;
	return -1;
}

static void test_analysis__profile_builds_and_validates(void)
{
	mt_profile *p = make_profile();
	CHECK(p != NULL);
	mt_error err = MT_ERROR_INIT;
	CHECK_OK(mt_profile_validate(p, &err));
	CHECK_EQ_I(p->nsamples, 4);
	CHECK_EQ_I(mt_profile_total(p, 0), 10);
	CHECK_EQ_I(mt_profile_total(p, 1), 100);
	CHECK_EQ_I(mt_profile_default_column(p), 1);
	uint32_t col;
	CHECK_OK(mt_profile_find_column(p, "samples", &col, &err));
	CHECK_EQ_I(col, 0);
	CHECK_OK(mt_profile_find_column(p, "1", &col, &err));
	CHECK_EQ_I(col, 1);
	CHECK(mt_profile_find_column(p, "alloc", &col, &err) == MT_EINVAL);
	CHECK(strstr(err.msg, "samples, cpu") != NULL);
	mt_profile_free(p);
}

static void test_analysis__tree_totals_and_order(void)
{
	mt_profile *p = make_profile();
	mt_tree *t;
	mt_error err = MT_ERROR_INIT;
	CHECK_OK(mt_tree_build(&t, p, NULL, &err));
	CHECK_EQ_I(mt_tree_total(t, 0, 0), 10);
	uint32_t main_n = t->nodes[0].first_child;
	CHECK_EQ_S(mt_strtab_get(t->strings, t->nodes[main_n].name), "main");
	CHECK_EQ_I(t->nodes[main_n].next_sibling, 0);
	/* children of main sorted: a, c, rec */
	uint32_t x = t->nodes[main_n].first_child;
	CHECK_EQ_S(mt_strtab_get(t->strings, t->nodes[x].name), "a");
	CHECK_EQ_I(mt_tree_total(t, x, 0), 5);
	CHECK_EQ_I(mt_tree_self(t, x, 0), 2);
	x = t->nodes[x].next_sibling;
	CHECK_EQ_S(mt_strtab_get(t->strings, t->nodes[x].name), "c");
	x = t->nodes[x].next_sibling;
	CHECK_EQ_S(mt_strtab_get(t->strings, t->nodes[x].name), "rec");
	CHECK_EQ_I(t->max_depth, 3);
	mt_tree_free(t);

	/* reversed: roots are leaves */
	mt_tree_opts o = MT_TREE_OPTS_INIT;
	o.reverse = 1;
	CHECK_OK(mt_tree_build(&t, p, &o, &err));
	uint32_t first = t->nodes[0].first_child;
	CHECK_EQ_S(mt_strtab_get(t->strings, t->nodes[first].name), "a");
	CHECK_EQ_I(mt_tree_total(t, first, 0), 2);
	uint32_t second = t->nodes[first].next_sibling;
	CHECK_EQ_S(mt_strtab_get(t->strings, t->nodes[second].name), "b");
	CHECK_EQ_I(mt_tree_total(t, second, 0), 4);
	mt_tree_free(t);
	mt_profile_free(p);
}

static void test_analysis__top_flat_cum_recursion(void)
{
	mt_profile *p = make_profile();
	mt_top *t;
	mt_error err = MT_ERROR_INIT;
	mt_top_opts o = MT_TOP_OPTS_INIT;
	o.col = 0;
	CHECK_OK(mt_top_build(&t, p, &o, &err));
	CHECK_EQ_I(t->total, 10);
	CHECK_EQ_I(row(t, "b", 0), 4);
	CHECK_EQ_I(row(t, "rec", 0), 4);
	CHECK_EQ_I(row(t, "rec", 1), 4); /* counted once per sample */
	CHECK_EQ_I(row(t, "main", 1), 10);
	CHECK_EQ_I(row(t, "main", 0), 0);
	CHECK_EQ_I(row(t, "a", 1), 5);
	/* flat desc, then name */
	CHECK_EQ_S(mt_strtab_get(t->strings, t->rows[0].name), "b");
	CHECK_EQ_S(mt_strtab_get(t->strings, t->rows[1].name), "rec");
	CHECK_EQ_S(mt_strtab_get(t->strings, t->rows[2].name), "a");
	mt_membuf b = { 0 };
	mt_sink s = mt_sink_membuf(&b);
	CHECK_OK(mt_render_top_json(t, 2, &s, &err));
	CHECK_EQ_S(b.data, "{\"sample_type\":\"samples\",\"unit\":\"count\",\"total\":10,\"rows\":["
			   "{\"name\":\"b\",\"flat\":4,\"cum\":4},{\"name\":\"rec\",\"flat\":4,\"cum\":4}]}\n");
	mt_membuf_free(&b);
	mt_top_free(t);
	mt_profile_free(p);
}

static void test_analysis__filters(void)
{
	mt_profile *p = make_profile();
	mt_error err = MT_ERROR_INIT;
	mt_filter *f;
	mt_top *t;
	mt_top_opts o = MT_TOP_OPTS_INIT;
	o.col = 0;

	mt_filter_opts fo = MT_FILTER_OPTS_INIT;
	CHECK_OK(mt_filter_new(&f, p, &fo, &err));
	CHECK(f == NULL); /* nothing set: no filter */

	fo.focus = "^b$";
	CHECK_OK(mt_filter_new(&f, p, &fo, &err));
	o.filter = f;
	CHECK_OK(mt_top_build(&t, p, &o, &err));
	CHECK_EQ_I(t->total, 10); /* pprof: the total is taken before filters */
	CHECK_EQ_I(row(t, "main", 1), 4);
	CHECK_EQ_I(row(t, "a", 1), 3);
	mt_top_free(t);
	mt_filter_free(f);

	fo.focus = "^b$";
	fo.ignore = "^c$";
	CHECK_OK(mt_filter_new(&f, p, &fo, &err));
	o.filter = f;
	CHECK_OK(mt_top_build(&t, p, &o, &err));
	CHECK_EQ_I(row(t, "main", 1), 3);
	mt_top_free(t);
	mt_filter_free(f);

	mt_filter_opts fh = MT_FILTER_OPTS_INIT;
	fh.hide = "^(b|rec)$";
	CHECK_OK(mt_filter_new(&f, p, &fh, &err));
	o.filter = f;
	CHECK_OK(mt_top_build(&t, p, &o, &err));
	CHECK_EQ_I(row(t, "a", 0), 5);   /* a becomes the leaf of main;a;b */
	CHECK_EQ_I(row(t, "b", 1), -1);
	CHECK_EQ_I(row(t, "main", 0), 4); /* main;rec;rec -> main */
	mt_top_free(t);
	mt_filter_free(f);

	mt_filter_opts fs = MT_FILTER_OPTS_INIT;
	fs.show = "^main$";
	CHECK_OK(mt_filter_new(&f, p, &fs, &err));
	o.filter = f;
	CHECK_OK(mt_top_build(&t, p, &o, &err));
	CHECK_EQ_I(t->nrows, 1);
	CHECK_EQ_I(row(t, "main", 0), 10);
	mt_top_free(t);
	mt_filter_free(f);

	mt_filter_opts ft = MT_FILTER_OPTS_INIT;
	ft.tag_focus = "trace=^t-";
	CHECK_OK(mt_filter_new(&f, p, &ft, &err));
	o.filter = f;
	CHECK_OK(mt_top_build(&t, p, &o, &err));
	CHECK_EQ_I(row(t, "main", 1), 3);
	mt_top_free(t);
	mt_filter_free(f);

	mt_filter_opts bad = MT_FILTER_OPTS_INIT;
	bad.focus = "(";
	CHECK(mt_filter_new(&f, p, &bad, &err) == MT_EINVAL);
	mt_profile_free(p);
}

static void test_analysis__merge(void)
{
	mt_profile *a = make_profile(), *b = make_profile(), *m;
	mt_error err = MT_ERROR_INIT;
	const mt_profile *in[] = { a, b };
	CHECK_OK(mt_profile_merge(&m, in, 2, &err));
	CHECK_OK(mt_profile_validate(m, &err));
	CHECK_EQ_I(m->nsamples, 8);
	CHECK_EQ_I(mt_profile_total(m, 1), 200);
	mt_top *t;
	mt_top_opts o = MT_TOP_OPTS_INIT;
	CHECK_OK(mt_top_build(&t, m, &o, &err));
	CHECK_EQ_I(row(t, "b", 0), 8);
	mt_top_free(t);
	mt_profile_free(m);

	mt_profile *c;
	mt_profile_new(&c);
	mt_profile_add_value_type(c, "inuse_space", "bytes", 0, NULL);
	const mt_profile *bad[] = { a, c };
	CHECK(mt_profile_merge(&m, bad, 2, &err) == MT_EINVAL);
	mt_profile_free(a);
	mt_profile_free(b);
	mt_profile_free(c);
}

static void test_analysis__format_value(void)
{
	char buf[64];
	CHECK_EQ_S(mt_format_value(50331648, "bytes", 0, buf, sizeof buf), "48MB");
	CHECK_EQ_S(mt_format_value(2100000000, "nanoseconds", 0, buf, sizeof buf), "2.1s");
	CHECK_EQ_S(mt_format_value(10000000, "nanoseconds", 0, buf, sizeof buf), "10ms");
	CHECK_EQ_S(mt_format_value(157, "count", 0, buf, sizeof buf), "157");
	CHECK_EQ_S(mt_format_value(125, "count", 1, buf, sizeof buf), "12.5");
	CHECK_EQ_S(mt_format_value(-5, "count", 1, buf, sizeof buf), "-0.5");
}

static void test_analysis__findings_order_and_json(void)
{
	mt_findings *fs;
	CHECK_OK(mt_findings_new(&fs));
	const char *stack[] = { "runtime.gopark", "main.wait" };
	for (int i = 0; i < 3; i++) {
		mt_jobj o;
		mt_jobj_begin(&o);
		mt_jobj_cstr(&o, "kind", "blocked-goroutines");
		mt_jobj_cstr(&o, "root", i == 1 ? "main.b" : "main.a</script>");
		mt_jobj_i64(&o, "count", 10 * (i + 1));
		mt_jobj_strarr(&o, "stack", stack, 2);
		CHECK_OK(mt_jobj_end(&o));
		mt_finding f = { "blocked-goroutines", i == 1 ? "main.b" : "main.a", 10 * (i + 1), -1,
			(double)(i == 2 ? 5 : 7), "x.txt", "chan receive", o.buf.data };
		CHECK_OK(mt_findings_add(fs, &f));
		mt_jobj_free(&o);
	}
	mt_findings_sort(fs);
	CHECK_EQ_I(mt_findings_count(fs), 3);
	CHECK_EQ_S(mt_findings_get(fs, 0)->root, "main.a"); /* score 7, root a before b */
	CHECK_EQ_I(mt_findings_get(fs, 0)->count, 10);
	CHECK_EQ_S(mt_findings_get(fs, 1)->root, "main.b");
	CHECK_EQ_I(mt_findings_get(fs, 2)->count, 30);
	mt_membuf b = { 0 };
	mt_sink s = mt_sink_membuf(&b);
	mt_error err = MT_ERROR_INIT;
	CHECK_OK(mt_render_findings_json(fs, &s, &err));
	CHECK(strncmp(b.data, "{\"findings\":[\n{\"kind\":\"blocked-goroutines\",\"root\":\"main.a<\\/script>\",\"count\":10,"
		"\"stack\":[\"runtime.gopark\",\"main.wait\"]}", 100) == 0);
	CHECK(strcmp(b.data + b.len - 3, "]}\n") == 0);
	mt_membuf_free(&b);
	/* summary members after the findings, in the order first set, a key set again replaced */
	CHECK_OK(mt_findings_set_summary(fs, "growth", "{\"candidates\":1}"));
	CHECK_OK(mt_findings_set_summary(fs, "other", "[]"));
	CHECK_OK(mt_findings_set_summary(fs, "growth", "{\"candidates\":2}"));
	b = (mt_membuf){ 0 };
	s = mt_sink_membuf(&b);
	CHECK_OK(mt_render_findings_json(fs, &s, &err));
	CHECK(strstr(b.data, "\n],\n\"growth\":{\"candidates\":2},\n\"other\":[]}\n") != NULL);
	mt_membuf_free(&b);
	mt_findings_free(fs);
	CHECK_OK(mt_findings_new(&fs));
	CHECK_OK(mt_findings_set_summary(fs, "growth", "{}"));
	b = (mt_membuf){ 0 };
	s = mt_sink_membuf(&b);
	CHECK_OK(mt_render_findings_json(fs, &s, &err));
	CHECK_EQ_S(b.data, "{\"findings\":[],\n\"growth\":{}}\n");
	mt_membuf_free(&b);
	mt_findings_free(fs);
}

static void test_analysis__prune_drop_frames(void)
{
	/* stacks (root first): main;a;b, main;a, main;c;b, main;rec;rec */
	mt_profile *p = make_profile();
	mt_error err = MT_ERROR_INIT;
	mt_profile_intern(p, "a", 1, &p->drop_frames);
	CHECK_OK(mt_profile_prune(p, &err));
	mt_top *t;
	mt_top_opts o = MT_TOP_OPTS_INIT;
	o.col = 0;
	CHECK_OK(mt_top_build(&t, p, &o, &err));
	/* a is cut with everything it calls; main;a;b and main;a become main */
	CHECK_EQ_I(row(t, "main", 0), 5);
	CHECK_EQ_I(row(t, "b", 1), 1);     /* only main;c;b keeps b */
	CHECK_EQ_I(row(t, "a", 1), -1);
	CHECK_EQ_I(t->total, 10);
	mt_top_free(t);
	mt_profile_free(p);

	/* keep_frames rescues a match; an argument list is cut before matching */
	p = make_profile();
	mt_profile_intern(p, "a|c", 3, &p->drop_frames);
	mt_profile_intern(p, "c", 1, &p->keep_frames);
	CHECK_OK(mt_profile_prune(p, &err));
	CHECK_OK(mt_top_build(&t, p, &o, &err));
	CHECK_EQ_I(row(t, "a", 1), -1);
	CHECK_EQ_I(row(t, "c", 1), 1);
	mt_top_free(t);
	mt_profile_free(p);
}

int main(void)
{
	MT_RUN(test_analysis__profile_builds_and_validates);
	MT_RUN(test_analysis__tree_totals_and_order);
	MT_RUN(test_analysis__top_flat_cum_recursion);
	MT_RUN(test_analysis__filters);
	MT_RUN(test_analysis__merge);
	MT_RUN(test_analysis__format_value);
	MT_RUN(test_analysis__findings_order_and_json);
	MT_RUN(test_analysis__prune_drop_frames);
	MT_DONE();
}
