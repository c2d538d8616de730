/*
 * tests/unit/test_heap_alloc.c - allocation traces of a V8 heap snapshot
 * as a profile (analysis/heap_alloc.c): hand-built trace trees, bad trees,
 * and the corpus' alloc-tracked.heapsnapshot against numbers computed by
 * an independent Python reading of its JSON (trace_tree, nodes).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memtracer/memtracer.h"
#include "heap_testlib.h"
#include "testlib.h"

/* A heap with 3 objects and a trace tree (root) -> main -> {alloc, idle}. */
static mt_heap *traced_heap(void)
{
	mt_heap *h = mt_t_heap_new(3, 0);
	mt_t_heap_node(h, 0, "", MT_HN_SYNTHETIC, 1, 0, 0);
	mt_t_heap_node(h, 1, "Big", MT_HN_OBJECT, 3, 700, 0);
	mt_t_heap_node(h, 2, "Small", MT_HN_OBJECT, 5, 50, 0);
	mt_t_heap_done(h);
	h->features |= MT_HEAP_HAS_TRACES | MT_HEAP_HAS_TRACE_NODE_ID;
	static const char *const fn[] = { "(root)", "main", "alloc", "idle" };
	h->ntrace_fns = 4;
	h->trace_fns = calloc(4, sizeof *h->trace_fns);
	for (uint32_t f = 0; f < 4; f++) {
		mt_strtab_intern_cstr(h->strings, fn[f], &h->trace_fns[f].name);
		mt_strtab_intern_cstr(h->strings, f ? "app.js" : "", &h->trace_fns[f].script_name);
		h->trace_fns[f].line = 10 * f;
	}
	/* id, fn, parent, count, size (preorder) */
	static const mt_heap_trace_node tn[] = {
		{ 1, 0, UINT32_MAX, 0, 0 }, { 7, 1, 0, 2, 64 }, { 9, 2, 1, 5, 900 }, { 11, 3, 1, 0, 0 },
	};
	h->ntrace_nodes = 4;
	h->trace_nodes = malloc(sizeof tn);
	memcpy(h->trace_nodes, tn, sizeof tn);
	h->node_trace = calloc(3, sizeof *h->node_trace);
	h->node_trace[1] = 9;  /* Big: allocated by alloc */
	h->node_trace[2] = 7;  /* Small: by main */
	return h;
}

/* The function name of frame @i (leaf = 0) of sample @s. */
static const char *frame_name(const mt_profile *p, uint32_t s, uint32_t i)
{
	const mt_location *l = &p->locations[p->sample_locs[p->sample_loc_off[s] + i]];
	return mt_profile_str(p, p->functions[p->lines[l->first_line].func].name);
}

static uint32_t depth_of(const mt_profile *p, uint32_t s)
{
	return p->sample_loc_off[s + 1] - p->sample_loc_off[s];
}

static void test_heap_alloc__hand_built(void)
{
	mt_heap *h = traced_heap();
	mt_profile *p = NULL;
	mt_error err = MT_ERROR_INIT;
	CHECK_OK(mt_heap_alloc_profile(&p, h, &err));
	CHECK_EQ_I(p->nvalue_types, 4);
	CHECK_EQ_S(mt_profile_str(p, p->value_types[0].type), "allocations");
	CHECK_EQ_S(mt_profile_str(p, p->value_types[3].type), "live_space");
	CHECK_EQ_S(mt_profile_str(p, p->default_sample_type), "live_space");
	CHECK_OK(mt_profile_validate(p, &err));
	CHECK_EQ_I(p->nsamples, 2); /* (root) and idle have no values */
	/* sample 0: main; sample 1: alloc <- main */
	CHECK_EQ_I(depth_of(p, 0), 1);
	CHECK_EQ_S(frame_name(p, 0, 0), "main");
	CHECK_EQ_I(depth_of(p, 1), 2);
	CHECK_EQ_S(frame_name(p, 1, 0), "alloc");
	CHECK_EQ_S(frame_name(p, 1, 1), "main");
	const int64_t *v0 = &p->values[0], *v1 = &p->values[4];
	CHECK(v0[0] == 2 && v0[1] == 64 && v0[2] == 1 && v0[3] == 50);
	CHECK(v1[0] == 5 && v1[1] == 900 && v1[2] == 1 && v1[3] == 700);
	mt_profile_free(p);

	/* no trace ids on the nodes: live columns are 0, the default is space */
	free(h->node_trace);
	h->node_trace = NULL;
	CHECK_OK(mt_heap_alloc_profile(&p, h, &err));
	CHECK_EQ_S(mt_profile_str(p, p->default_sample_type), "space");
	CHECK_EQ_I(mt_profile_total(p, 3), 0);
	CHECK_EQ_I(mt_profile_total(p, 1), 964);
	mt_profile_free(p);

	/* a parent after its child is a damaged tree */
	h->trace_nodes[1].parent = 2;
	mt_error e2 = MT_ERROR_INIT;
	CHECK_EQ_I(mt_heap_alloc_profile(&p, h, &e2), MT_EFORMAT);
	CHECK(p == NULL && strstr(e2.msg, "parent before it") != NULL);

	/* no trace tree at all */
	h->features &= ~(uint32_t)MT_HEAP_HAS_TRACES;
	mt_error e3 = MT_ERROR_INIT;
	CHECK_EQ_I(mt_heap_alloc_profile(&p, h, &e3), MT_EUNSUPPORTED);
	mt_heap_free(h);
}

static int64_t flat_of(const mt_profile *p, const char *col, const char *fn, int64_t *total)
{
	uint32_t c;
	mt_error err = MT_ERROR_INIT;
	mt_top *t = NULL;
	mt_top_opts o = MT_TOP_OPTS_INIT;
	if (mt_profile_find_column(p, col, &c, &err))
		return -1;
	o.col = c;
	if (mt_top_build(&t, p, &o, &err))
		return -1;
	int64_t r = -1;
	for (uint32_t i = 0; i < t->nrows; i++)
		if (!strcmp(mt_strtab_get(t->strings, t->rows[i].name), fn))
			r = t->rows[i].flat;
	*total = t->total;
	mt_top_free(t);
	return r;
}

static void test_heap_alloc__corpus(void)
{
	mt_heap *h = mt_t_heap_corpus("alloc-tracked.heapsnapshot");
	if (!h) {
		printf("# skipped: no shared corpus (MT_SHARED)\n");
		return;
	}
	mt_profile *p = NULL;
	mt_error err = MT_ERROR_INIT;
	CHECK_OK(mt_heap_alloc_profile(&p, h, &err));
	CHECK_OK(mt_profile_validate(p, &err));
	/* Python over the JSON: 2,869 trace nodes; count 20,078, size 5,814,240; 4,882 live objects of
	 * 577,760 bytes; flat live bytes: join 262,540; flat space: makeBase64Blob 4,652,092 */
	CHECK_EQ_I(h->ntrace_nodes, 2869);
	CHECK_EQ_I(mt_profile_total(p, 0), 20078);
	CHECK_EQ_I(mt_profile_total(p, 1), 5814240);
	CHECK_EQ_I(mt_profile_total(p, 2), 4882);
	CHECK_EQ_I(mt_profile_total(p, 3), 577760);
	int64_t total = 0;
	CHECK_EQ_I(flat_of(p, "live_space", "join", &total), 262540);
	CHECK_EQ_I(total, 577760);
	CHECK_EQ_I(flat_of(p, "space", "makeBase64Blob", &total), 4652092);
	CHECK_EQ_I(flat_of(p, "live_space", "(anonymous)", &total), 39216);
	mt_profile_free(p);
	mt_heap_free(h);

	/* a snapshot without allocation tracking has no trace tree */
	h = mt_t_heap_corpus("final.heapsnapshot");
	CHECK(h != NULL);
	mt_error e2 = MT_ERROR_INIT;
	CHECK_EQ_I(mt_heap_alloc_profile(&p, h, &e2), MT_EUNSUPPORTED);
	mt_heap_free(h);
}

int main(void)
{
	MT_RUN(test_heap_alloc__hand_built);
	MT_RUN(test_heap_alloc__corpus);
	MT_DONE();
}
