/*
 * tests/unit/test_heap_leaks.c - detachedness propagation and the
 * single-snapshot leak detectors (detached DOM trees, listeners,
 * collections, large objects) on hand-built graphs and on the shared
 * corpus's real Chromium and Node snapshots (MANIFEST ground truth).
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memtracer/memtracer.h"
#include "memtracer/heap_leaks.h"
#include "testlib.h"

/* ---- hand-built graphs ---- */

typedef struct gn {
	const char *name;
	uint8_t type;           /* mt_heap_node_type */
	uint8_t detached;       /* the raw field */
} gn;

typedef struct ge {
	uint32_t from, to;
	uint8_t type;           /* mt_heap_edge_type */
	const char *name;       /* named edges (NULL = "") */
} ge;

/* An mt_heap; edges must be listed grouped by source, sources ascending. */
static mt_heap *mk(uint32_t n, const gn *nodes, uint32_t ne, const ge *es)
{
	mt_heap *h = calloc(1, sizeof *h);
	h->strings = mt_strtab_new();
	h->nnodes = n;
	h->node_type = malloc(n);
	h->node_name = malloc(n * sizeof *h->node_name);
	h->node_id = malloc(n * sizeof *h->node_id);
	h->node_self = malloc(n * sizeof *h->node_self);
	h->node_detached = malloc(n);
	h->first_edge = calloc((size_t)n + 1, sizeof *h->first_edge);
	for (uint32_t i = 0; i < n; i++) {
		h->node_type[i] = nodes[i].type;
		mt_strtab_intern_cstr(h->strings, nodes[i].name ? nodes[i].name : "", &h->node_name[i]);
		h->node_id[i] = 2 * i + 1;
		h->node_self[i] = 100;
		h->node_detached[i] = nodes[i].detached;
		h->total_self += 100;
	}
	h->nedges = ne;
	h->edge_type = malloc(ne ? ne : 1);
	h->edge_name = malloc((ne ? ne : 1) * sizeof *h->edge_name);
	h->edge_to = malloc((ne ? ne : 1) * sizeof *h->edge_to);
	for (uint32_t k = 0; k < ne; k++) {
		h->first_edge[es[k].from + 1]++;
		h->edge_type[k] = es[k].type;
		h->edge_to[k] = es[k].to;
		if (es[k].type == MT_HE_ELEMENT || es[k].type == MT_HE_HIDDEN)
			h->edge_name[k] = 0;
		else
			mt_strtab_intern_cstr(h->strings, es[k].name ? es[k].name : "", &h->edge_name[k]);
	}
	for (uint32_t i = 0; i < n; i++)
		h->first_edge[i + 1] += h->first_edge[i];
	return h;
}

#define NN(a) ((uint32_t)(sizeof(a) / sizeof((a)[0])))
#define NAT MT_HN_NATIVE
#define OBJ MT_HN_OBJECT

static void test_heap_leaks__propagation_attached_first(void)
{
	/*
	 * 0 root -> 1 Window(native, attached) -> 2 <body> -> 3 <div> (shared)
	 * 4 <section> (detached seed) -> 3 <div>, -> 5 Text, -> 6 obj -> 7 <p> (through a JS object: not spread)
	 * 4 --weak--> 8 <span>: not spread; 5 Text -> 9 <b> (native chain continues)
	 */
	const gn nodes[] = {
		{ "", MT_HN_SYNTHETIC, 0 }, { "Window / x", NAT, 1 }, { "<body>", NAT, 0 }, { "<div>", NAT, 0 },
		{ "<section class=\"a\">", NAT, 2 }, { "Text", NAT, 0 }, { "Object", OBJ, 0 }, { "<p>", NAT, 0 },
		{ "<span>", NAT, 0 }, { "<b>", NAT, 0 },
	};
	const ge es[] = {
		{ 0, 1, MT_HE_ELEMENT, NULL }, { 0, 4, MT_HE_ELEMENT, NULL },
		{ 1, 2, MT_HE_INTERNAL, "a" }, { 2, 3, MT_HE_INTERNAL, "b" },
		{ 4, 3, MT_HE_INTERNAL, "c" }, { 4, 5, MT_HE_INTERNAL, "d" }, { 4, 6, MT_HE_PROPERTY, "e" },
		{ 4, 8, MT_HE_WEAK, "w" }, { 5, 9, MT_HE_INTERNAL, "f" }, { 6, 7, MT_HE_PROPERTY, "g" },
	};
	mt_heap *h = mk(NN(nodes), nodes, NN(es), es);
	uint8_t st[NN(nodes)];
	uint32_t ndom = 99;
	mt_error err = MT_ERROR_INIT;
	CHECK_OK(mt_heap_detached(h, st, &ndom, &err));
	const uint8_t want[] = { 0, 1, 1, 1, 2, 2, 0, 0, 0, 2 };
	for (uint32_t i = 0; i < NN(nodes); i++)
		if (st[i] != want[i])
			MT_FAIL_("node %u: state %u, expected %u", i, st[i], want[i]);
	CHECK_EQ_I(ndom, 3); /* <section>, Text, <b> */
	CHECK(!mt_heap_node_is_dom(h, 1) && mt_heap_node_is_dom(h, 5) && mt_heap_node_is_dom(h, 3));
	CHECK(!mt_heap_node_is_dom(h, 6));
	mt_heap_free(h);
}

static void test_heap_leaks__propagation_old_names(void)
{
	/* no detachedness field: "Detached " names seed; the group node does not count */
	const gn nodes[] = {
		{ "", MT_HN_SYNTHETIC, 0 }, { "Detached DOM tree / 3 entries", MT_HN_SYNTHETIC, 0 },
		{ "Detached HTMLDivElement", NAT, 0 }, { "Detached Text", NAT, 0 }, { "HTMLDivElement", OBJ, 0 },
		{ "Detached InternalNode", NAT, 0 }, { "\"Detached string\"", MT_HN_STRING, 0 },
	};
	const ge es[] = {
		{ 0, 1, MT_HE_ELEMENT, NULL }, { 1, 2, MT_HE_ELEMENT, NULL }, { 2, 3, MT_HE_INTERNAL, "c" },
		{ 4, 2, MT_HE_INTERNAL, "n" },
	};
	mt_heap *h = mk(NN(nodes), nodes, NN(es), es);
	free(h->node_detached);
	h->node_detached = NULL;
	uint8_t st[NN(nodes)];
	uint32_t ndom = 0;
	mt_error err = MT_ERROR_INIT;
	CHECK_OK(mt_heap_detached(h, st, &ndom, &err));
	CHECK_EQ_I(st[1], 0);
	CHECK_EQ_I(st[2], 2);
	CHECK_EQ_I(st[3], 2);
	CHECK_EQ_I(st[4], 0);
	CHECK_EQ_I(st[6], 0);
	CHECK_EQ_I(ndom, 3); /* "Detached X" natives count as DOM nodes by name */
	CHECK(!mt_heap_node_is_dom(h, 1) && !mt_heap_node_is_dom(h, 6));
	mt_heap_free(h);
}

static void test_heap_leaks__propagation_rejects_bad_graphs(void)
{
	const gn nodes[] = { { "", MT_HN_SYNTHETIC, 0 }, { "<a>", NAT, 2 } };
	const ge es[] = { { 1, 0, MT_HE_INTERNAL, "x" } };
	mt_heap *h = mk(2, nodes, 1, es);
	h->edge_to[0] = 7;
	uint8_t st[2];
	mt_error err = MT_ERROR_INIT;
	CHECK_EQ_I(mt_heap_detached(h, st, NULL, &err), MT_EFORMAT);
	CHECK(strstr(err.msg, "expected edge 0 to point at one of 2 nodes") != NULL);
	mt_heap_free(h);
}

/* ---- the shared corpus ---- */

static mt_heap *load_corpus(const char *name)
{
	const char *sh = mt_t_shared();
	if (!sh)
		return NULL;
	char p[4096];
	snprintf(p, sizeof p, "%s/corpus/v8/%s", sh, name);
	mt_heap *h = NULL;
	mt_error err = MT_ERROR_INIT;
	if (mt_heap_load(&h, p, NULL, &err)) {
		fprintf(stderr, "# %s: %s\n", p, err.msg);
		return NULL;
	}
	return h;
}

/* Detached DOM nodes after propagation, their self size sum. */
static void count_detached(const mt_heap *h, uint32_t *n, uint64_t *self)
{
	uint8_t *st = malloc(h->nnodes);
	mt_error err = MT_ERROR_INIT;
	*n = UINT32_MAX;
	*self = 0;
	if (!st || mt_heap_detached(h, st, n, &err)) {
		free(st);
		return;
	}
	for (uint32_t v = 0; v < h->nnodes; v++)
		if (st[v] == MT_DETACHED_DETACHED && mt_heap_node_is_dom(h, v))
			*self += h->node_self[v];
	free(st);
}

static void test_heap_leaks__corpus_propagated_counts(void)
{
	/* MANIFEST "Growth" table: detached DOM (propagated) 1 / 51 / 85; final self sum 11,752 */
	static const struct {
		const char *file;
		uint32_t n;
	} want[] = { { "baseline.heapsnapshot", 1 }, { "target.heapsnapshot", 51 }, { "final.heapsnapshot", 85 } };
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		mt_heap *h = load_corpus(want[i].file);
		if (!h) {
			printf("# skipped: no shared corpus\n");
			return;
		}
		uint32_t n;
		uint64_t self;
		count_detached(h, &n, &self);
		if (n != want[i].n)
			MT_FAIL_("%s: %u detached DOM nodes, expected %u", want[i].file, n, want[i].n);
		if (i == 2)
			CHECK_EQ_I(self, 11752);
		mt_heap_free(h);
	}
}

int main(void)
{
	MT_RUN(test_heap_leaks__propagation_attached_first);
	MT_RUN(test_heap_leaks__propagation_old_names);
	MT_RUN(test_heap_leaks__propagation_rejects_bad_graphs);
	MT_RUN(test_heap_leaks__corpus_propagated_counts);
	MT_DONE();
}
