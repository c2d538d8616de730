/*
 * tests/unit/test_heap_dominators.c - dominators, retained sizes, distances,
 * retainer paths and the dominator flame tree of mt_heap graphs.
 *
 * Dominators are checked against a brute-force reference (d dominates v
 * iff v is unreachable from node 0 once d is removed) on hand-built graphs
 * (chains, diamonds, cycles, self loops, orphans, weak and shortcut edges,
 * several roots, WeakMap pairs), on a few hundred seeded random graphs, on
 * a 1M-node graph, and on real snapshots from the shared corpus.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memtracer/memtracer.h"
#include "memtracer/heap.h"
#include "heap_testlib.h"
#include "mt_internal.h"
#include "testlib.h"

#define NONE UINT32_MAX

/* ---- building graphs by hand ---- */

typedef struct tedge {
	uint32_t from, to;
	uint8_t type;           /* mt_heap_edge_type */
	const char *name;       /* named edges; NULL = "" */
	uint32_t idx;           /* element / hidden edges */
} tedge;

typedef struct tnode {
	const char *name;       /* NULL = "" */
	uint8_t type;           /* mt_heap_node_type */
	uint64_t self;
	uint8_t detached;
} tnode;

/* An mt_heap from node specs (NULL: objects with self 10+i) and an edge list
 * in any order (grouped by source here, stably). Ids are 2*i+1 like V8's. */
static mt_heap *mk_heap(uint32_t n, const tnode *nodes, const tedge *es, uint32_t ne)
{
	mt_heap *h = mt_t_heap_new(n, ne);
	for (uint32_t i = 0; i < n; i++) {
		const tnode *t = nodes ? &nodes[i] : NULL;
		mt_t_heap_node(h, i, t ? t->name : NULL, t ? t->type : MT_HN_OBJECT, 2 * i + 1, t ? t->self : 10 + i,
			t ? t->detached : 0);
	}
	for (uint32_t k = 0; k < ne; k++)
		h->first_edge[es[k].from + 1]++;
	for (uint32_t i = 0; i < n; i++)
		h->first_edge[i + 1] += h->first_edge[i];
	uint32_t *cur = malloc(((size_t)n + 1) * sizeof *cur);
	memcpy(cur, h->first_edge, ((size_t)n + 1) * sizeof *cur);
	const char *last = NULL;
	mt_str_id last_id = 0;
	for (uint32_t k = 0; k < ne; k++) {
		uint32_t e = cur[es[k].from]++;
		h->edge_type[e] = es[k].type;
		h->edge_to[e] = es[k].to;
		if (es[k].type == MT_HE_ELEMENT || es[k].type == MT_HE_HIDDEN) {
			h->edge_name[e] = es[k].idx;
			continue;
		}
		const char *nm = es[k].name ? es[k].name : "";
		if (nm != last) {     /* big graphs reuse a few literals */
			mt_strtab_intern_cstr(h->strings, nm, &last_id);
			last = nm;
		}
		h->edge_name[e] = last_id;
	}
	free(cur);
	return h;
}

#define P(f, t) { f, t, MT_HE_PROPERTY, "p", 0 }
#define W(f, t) { f, t, MT_HE_WEAK, "w", 0 }
#define S(f, t) { f, t, MT_HE_SHORTCUT, "s", 0 }
#define NE(a) ((uint32_t)(sizeof(a) / sizeof((a)[0])))

/* ---- the brute-force reference ---- */

/* The reference edge predicate for graphs without WeakMap names. */
static int ref_retains(const mt_heap *h, uint32_t from, uint32_t e)
{
	uint8_t t = h->edge_type[e];
	return t != MT_HE_WEAK && (t != MT_HE_SHORTCUT || from == 0);
}

/* BFS from node 0 without @skip (NONE = none) over @pred; levels into @lvl. */
static void ref_bfs(const mt_heap *h, uint32_t skip, int (*pred)(const mt_heap *, uint32_t, uint32_t),
	uint32_t *lvl, uint32_t *q)
{
	for (uint32_t v = 0; v < h->nnodes; v++)
		lvl[v] = NONE;
	if (skip == 0 || !h->nnodes)
		return;
	uint32_t head = 0, tail = 0;
	lvl[0] = 0;
	q[tail++] = 0;
	while (head < tail) {
		uint32_t u = q[head++];
		for (uint32_t e = h->first_edge[u]; e < h->first_edge[u + 1]; e++) {
			uint32_t w = h->edge_to[e];
			if (w == skip || lvl[w] != NONE || !pred(h, u, e))
				continue;
			lvl[w] = lvl[u] + 1;
			q[tail++] = w;
		}
	}
}

static int pred_edge_retains(const mt_heap *h, uint32_t from, uint32_t e)
{
	(void)from;
	return mt_heap_edge_retains(h, e);
}

/*
 * Checks @d against brute force on a small graph: idom, retained size and
 * distance of every node. Returns the number of mismatches (and prints the
 * first few).
 */
static int check_brute(const mt_heap *h, const mt_heap_doms *d,
	int (*pred)(const mt_heap *, uint32_t, uint32_t))
{
	uint32_t n = h->nnodes;
	uint32_t *lvl0 = malloc(n * sizeof *lvl0), *lvl = malloc(n * sizeof *lvl), *q = malloc(n * sizeof *q);
	uint8_t *dom = calloc((size_t)n * n, 1);    /* dom[a*n+b]: a strictly dominates b */
	uint32_t *cnt = calloc(n, sizeof *cnt);
	int bad = 0;
	ref_bfs(h, NONE, pred, lvl0, q);
	for (uint32_t a = 1; a < n; a++) {
		ref_bfs(h, a, pred, lvl, q);
		for (uint32_t b = 0; b < n; b++)
			if (b != a && lvl0[b] != NONE && lvl[b] == NONE) {
				dom[(size_t)a * n + b] = 1;
				cnt[b]++;
			}
	}
	for (uint32_t v = 0; v < n; v++) {
		uint32_t want = 0;
		uint64_t ret = h->node_self[v];
		if (v == 0) {
			ret = h->total_self;
		} else if (lvl0[v] != NONE) {
			/* the deepest strict dominator: the one with the most dominators itself */
			uint32_t best = 0;
			for (uint32_t a = 1; a < n; a++)
				if (dom[(size_t)a * n + v] && (best == 0 || cnt[a] > cnt[best]))
					best = a;
			want = best;
			for (uint32_t b = 0; b < n; b++)
				if (dom[(size_t)v * n + b])
					ret += h->node_self[b];
		}
		if (d->idom[v] != want || d->retained[v] != ret || d->distance[v] != lvl0[v]) {
			if (bad++ < 5)
				fprintf(stderr, "  node %u: idom %u want %u, retained %" PRIu64 " want %" PRIu64
					", distance %u want %u\n", v, d->idom[v], want, d->retained[v], ret,
					d->distance[v], lvl0[v]);
		}
	}
	free(lvl0);
	free(lvl);
	free(q);
	free(dom);
	free(cnt);
	return bad;
}

static mt_heap_doms *doms_of(const mt_heap *h)
{
	mt_heap_doms *d = NULL;
	mt_error err = MT_ERROR_INIT;
	if (mt_heap_dominators(&d, h, &err))
		fprintf(stderr, "  mt_heap_dominators: %s\n", err.msg);
	return d;
}

/* ---- hand-built graphs ---- */

static void test_heap_dominators__chain(void)
{
	tedge es[] = { P(0, 1), P(1, 2), P(2, 3), P(3, 4) };
	mt_heap *h = mk_heap(5, NULL, es, NE(es));
	mt_heap_doms *d = doms_of(h);
	CHECK(d != NULL);
	CHECK_EQ_I(d->idom[4], 3);
	CHECK_EQ_I(d->idom[1], 0);
	CHECK_EQ_I(d->idom[0], 0);
	CHECK_EQ_I(d->retained[2], 12 + 13 + 14);
	CHECK_EQ_I(d->retained[0], h->total_self);
	CHECK_EQ_I(d->distance[4], 4);
	CHECK_EQ_I(check_brute(h, d, ref_retains), 0);
	mt_heap_doms_free(d);
	mt_heap_free(h);
}

static void test_heap_dominators__diamond(void)
{
	tedge es[] = { P(0, 1), P(1, 2), P(1, 3), P(2, 4), P(3, 4), P(4, 5) };
	mt_heap *h = mk_heap(6, NULL, es, NE(es));
	mt_heap_doms *d = doms_of(h);
	CHECK(d != NULL);
	CHECK_EQ_I(d->idom[4], 1);
	CHECK_EQ_I(d->idom[5], 4);
	CHECK_EQ_I(d->retained[2], 12);
	CHECK_EQ_I(d->retained[1], 11 + 12 + 13 + 14 + 15);
	CHECK_EQ_I(d->distance[5], 4);
	CHECK_EQ_I(check_brute(h, d, ref_retains), 0);
	mt_heap_doms_free(d);
	mt_heap_free(h);
}

static void test_heap_dominators__cycles_and_self_loops(void)
{
	/* a loop entered at one point, a loop entered at two, self loops */
	tedge es[] = { P(0, 1), P(1, 2), P(2, 3), P(3, 1), P(3, 4), P(0, 5), P(0, 6), P(5, 7), P(6, 8),
		P(7, 8), P(8, 7), P(7, 9), P(9, 9), P(1, 1), P(4, 4) };
	mt_heap *h = mk_heap(10, NULL, es, NE(es));
	mt_heap_doms *d = doms_of(h);
	CHECK(d != NULL);
	CHECK_EQ_I(d->idom[2], 1);
	CHECK_EQ_I(d->idom[3], 2);
	CHECK_EQ_I(d->idom[4], 3);
	CHECK_EQ_I(d->idom[7], 0);
	CHECK_EQ_I(d->idom[8], 0);
	CHECK_EQ_I(d->idom[9], 7);
	CHECK_EQ_I(check_brute(h, d, ref_retains), 0);
	mt_heap_doms_free(d);
	mt_heap_free(h);
}

static void test_heap_dominators__orphans_attach_to_root(void)
{
	/* 0 -> 1 -> 2; 3 and 4 unreachable, 4 -> 2 and 3 <-> 4: they must not
	 * change 2's dominator, and they hang under the root */
	tedge es[] = { P(0, 1), P(1, 2), P(3, 4), P(4, 3), P(4, 2), W(1, 5) };
	mt_heap *h = mk_heap(6, NULL, es, NE(es));
	mt_heap_doms *d = doms_of(h);
	CHECK(d != NULL);
	CHECK_EQ_I(d->idom[2], 1);
	CHECK_EQ_I(d->idom[3], 0);
	CHECK_EQ_I(d->idom[4], 0);
	CHECK_EQ_I(d->idom[5], 0);
	CHECK_EQ_I(d->retained[4], 14);
	CHECK_EQ_I(d->retained[1], 11 + 12);
	CHECK_EQ_I(d->distance[3], NONE);
	CHECK_EQ_I(d->distance[5], NONE);
	CHECK_EQ_I(d->retained[0], h->total_self);
	CHECK_EQ_I(check_brute(h, d, ref_retains), 0);
	uint32_t path[8];
	mt_error err = MT_ERROR_INIT;
	CHECK_EQ_I(mt_heap_retainer_path(h, d, 3, path, 8, &err), 0);
	CHECK_EQ_I(mt_heap_retainer_path(h, d, 5, path, 8, &err), 0);
	mt_heap_doms_free(d);
	mt_heap_free(h);
}

static void test_heap_dominators__weak_and_shortcut_edges(void)
{
	/* 3 is reached from 1 and, weakly / by a shortcut, from 2: 1 dominates
	 * it. A shortcut from the root does retain (it marks a user root). */
	tedge es[] = { P(0, 1), P(0, 2), P(1, 3), W(2, 3), S(2, 3), S(0, 4), P(4, 5), P(2, 6), W(0, 6) };
	mt_heap *h = mk_heap(7, NULL, es, NE(es));
	mt_heap_doms *d = doms_of(h);
	CHECK(d != NULL);
	CHECK_EQ_I(d->idom[3], 1);
	CHECK_EQ_I(d->idom[5], 4);
	CHECK_EQ_I(d->distance[5], 2);
	CHECK_EQ_I(d->idom[6], 2);
	CHECK(!mt_heap_edge_retains(h, h->first_edge[2] + 1));
	CHECK(mt_heap_edge_links(h, h->first_edge[2] + 1));
	CHECK_EQ_I(check_brute(h, d, ref_retains), 0);
	mt_heap_doms_free(d);
	mt_heap_free(h);
}

static void test_heap_dominators__several_roots(void)
{
	/* (GC roots) categories and a user global: X is held from both sides */
	tnode ns[] = {
		{ "", MT_HN_SYNTHETIC, 0, 0 }, { "(GC roots)", MT_HN_SYNTHETIC, 0, 0 },
		{ "(Handle scope)", MT_HN_SYNTHETIC, 0, 0 }, { "(Global handles)", MT_HN_SYNTHETIC, 0, 0 },
		{ "global", MT_HN_OBJECT, 40, 0 }, { "A", MT_HN_OBJECT, 8, 0 }, { "X", MT_HN_OBJECT, 100, 0 },
		{ "Y", MT_HN_OBJECT, 7, 0 },
	};
	tedge es[] = { { 0, 1, MT_HE_ELEMENT, NULL, 1 }, { 1, 2, MT_HE_ELEMENT, NULL, 1 },
		{ 1, 3, MT_HE_ELEMENT, NULL, 2 }, S(0, 4), P(2, 5), P(5, 6), P(4, 6), P(3, 7) };
	mt_heap *h = mk_heap(8, ns, es, NE(es));
	mt_heap_doms *d = doms_of(h);
	CHECK(d != NULL);
	CHECK_EQ_I(d->idom[6], 0);
	CHECK_EQ_I(d->idom[7], 3);
	CHECK_EQ_I(d->retained[1], 8 + 7);
	CHECK_EQ_I(d->distance[6], 2);
	CHECK_EQ_I(check_brute(h, d, ref_retains), 0);
	/* X's path starts at the user root "global" */
	uint32_t path[8];
	mt_error err = MT_ERROR_INIT;
	int n = mt_heap_retainer_path(h, d, 6, path, 8, &err);
	CHECK_EQ_I(n, 1);
	CHECK_EQ_I(mt_heap_edge_from(h, path[0]), 4);
	/* the user root itself gets its path from node 0 */
	CHECK_EQ_I(mt_heap_retainer_path(h, d, 4, path, 8, &err), 1);
	CHECK_EQ_I(mt_heap_edge_from(h, path[0]), 0);
	mt_heap_doms_free(d);
	mt_heap_free(h);
}

static void test_heap_dominators__weakmap_value_is_held_by_its_key(void)
{
	/* node ids are 2*i+1: table 2 -> id 5, key 3 -> id 7, value 4 -> id 9 */
	const char *nm = "1 / part of key (Object @7) -> value (Map @9) pair in WeakMap (table @5)";
	tnode ns[] = { { "", MT_HN_SYNTHETIC, 0, 0 }, { "holder", MT_HN_OBJECT, 1, 0 },
		{ "", MT_HN_ARRAY, 2, 0 }, { "Object", MT_HN_OBJECT, 3, 0 }, { "Map", MT_HN_OBJECT, 4, 0 } };
	tedge es[] = { P(0, 1), { 1, 2, MT_HE_INTERNAL, "table", 0 }, P(0, 3),
		{ 2, 4, MT_HE_INTERNAL, nm, 0 }, { 3, 4, MT_HE_INTERNAL, nm, 0 } };
	mt_heap *h = mk_heap(5, ns, es, NE(es));
	CHECK(!mt_heap_edge_retains(h, h->first_edge[2]));
	CHECK(mt_heap_edge_retains(h, h->first_edge[3]));
	/* the one-pass bitmap says the same for every edge (the name is seen twice: cached or not) */
	uint64_t *rbm = mt_heap__retain_bitmap(h);
	CHECK(rbm != NULL);
	for (uint32_t e = 0; e < h->nedges; e++)
		CHECK_EQ_I((int)((rbm[e >> 6] >> (e & 63)) & 1), mt_heap_edge_retains(h, e));
	free(rbm);
	mt_heap_doms *d = doms_of(h);
	CHECK(d != NULL);
	CHECK_EQ_I(d->idom[4], 3);
	CHECK_EQ_I(d->retained[3], 7);
	CHECK_EQ_I(check_brute(h, d, pred_edge_retains), 0);
	char buf[256];
	uint32_t path[8];
	mt_error err = MT_ERROR_INIT;
	int n = mt_heap_retainer_path(h, d, 4, path, 8, &err);
	CHECK_EQ_I(n, 1);   /* from the key, a user root here */
	mt_heap_path_format(h, path, (uint32_t)n, buf, sizeof buf);
	CHECK_EQ_S(buf, "Object -> WeakMap value -> Map");
	mt_heap_doms_free(d);
	mt_heap_free(h);
}

static void test_heap_dominators__empty_and_bad_graphs(void)
{
	mt_heap *h = mk_heap(0, NULL, NULL, 0);
	mt_heap_doms *d = doms_of(h);
	CHECK(d != NULL);
	mt_heap_doms_free(d);
	mt_heap_free(h);

	tedge es[] = { P(0, 1) };
	h = mk_heap(2, NULL, es, NE(es));
	h->edge_to[0] = 7;     /* dangling */
	mt_error err = MT_ERROR_INIT;
	CHECK_EQ_I(mt_heap_dominators(&d, h, &err), MT_EFORMAT);
	CHECK(d == NULL);
	mt_heap_free(h);
}

/* ---- retainer paths ---- */

/* Window holds a listener whose closure scope holds a detached div; the
 * root reaches the div in fewer hops through a system category. */
static mt_heap *listener_heap(void)
{
	static const tnode ns[] = {
		{ "", MT_HN_SYNTHETIC, 0, 0 },                          /* 0 */
		{ "(GC roots)", MT_HN_SYNTHETIC, 0, 0 },                /* 1 */
		{ "(Global handles)", MT_HN_SYNTHETIC, 0, 0 },          /* 2 */
		{ "Window / http://x", MT_HN_NATIVE, 100, 0 },          /* 3 */
		{ "blink::EventTargetData", MT_HN_NATIVE, 20, 0 },      /* 4 */
		{ "blink::HeapVector<blink::Member<blink::RegisteredEventListener>, 1>", MT_HN_NATIVE, 20, 0 }, /* 5 */
		{ "V8EventListener", MT_HN_NATIVE, 20, 0 },             /* 6 */
		{ "onResize", MT_HN_CLOSURE, 32, 0 },                   /* 7 */
		{ "system / Context", MT_HN_OBJECT, 40, 0 },            /* 8 */
		{ "<div class=\"panel\">", MT_HN_NATIVE, 300, 2 },      /* 9 */
		{ "(Stack roots)", MT_HN_SYNTHETIC, 0, 0 },             /* 10 */
		{ "system / Code", MT_HN_CODE, 50, 0 },                 /* 11 */
	};
	static const tedge es[] = {
		{ 0, 1, MT_HE_ELEMENT, NULL, 1 }, { 1, 2, MT_HE_ELEMENT, NULL, 10 },
		{ 1, 10, MT_HE_ELEMENT, NULL, 20 }, { 2, 3, MT_HE_INTERNAL, "7 / V8PerContextData::context_", 0 },
		{ 3, 4, MT_HE_ELEMENT, NULL, 25 }, { 4, 5, MT_HE_ELEMENT, NULL, 1 }, { 5, 6, MT_HE_ELEMENT, NULL, 3 },
		{ 6, 7, MT_HE_ELEMENT, NULL, 1 }, { 7, 8, MT_HE_INTERNAL, "context", 0 },
		{ 8, 9, MT_HE_CONTEXT, "panelNode", 0 }, { 10, 11, MT_HE_ELEMENT, NULL, 4 },
		{ 11, 9, MT_HE_INTERNAL, "deopt", 0 },
	};
	return mk_heap(NE(ns), ns, es, NE(es));
}

static void test_heap_dominators__path_from_window_reads_well(void)
{
	mt_heap *h = listener_heap();
	mt_heap_doms *d = doms_of(h);
	CHECK(d != NULL);
	uint32_t path[16];
	char buf[512];
	mt_error err = MT_ERROR_INIT;
	int n = mt_heap_retainer_path(h, d, 9, path, 16, &err);
	CHECK_EQ_I(n, 6);
	CHECK_EQ_I(mt_heap_path_format(h, path, (uint32_t)n, buf, sizeof buf), strlen(buf));
	CHECK_EQ_S(buf, "Window / http://x[25] -> blink::EventTargetData[1] -> blink::HeapVector<...>[3] -> "
		"V8EventListener[1] -> onResize (closure) -> context -> panelNode -> Detached <div class=\"panel\">");
	/* snprintf semantics */
	char small[10];
	size_t full = mt_heap_path_format(h, path, (uint32_t)n, small, sizeof small);
	CHECK_EQ_I(full, strlen(buf));
	CHECK_EQ_S(small, "Window / ");
	/* a too small buffer gets nothing but the length */
	uint32_t tiny[2] = { 77, 77 };
	CHECK_EQ_I(mt_heap_retainer_path(h, d, 9, tiny, 2, &err), 6);
	CHECK_EQ_I(tiny[0], 77);
	/* Window itself: from node 0, which the text leaves out */
	n = mt_heap_retainer_path(h, d, 3, path, 16, &err);
	CHECK_EQ_I(n, 3);
	mt_heap_path_format(h, path, (uint32_t)n, buf, sizeof buf);
	CHECK_EQ_S(buf, "(GC roots)[10] -> (Global handles) -> 7 / V8PerContextData::context_ -> Window / http://x");
	/* the same answers without the precomputed path tree */
	CHECK_EQ_I(mt_heap_retainer_path(h, NULL, 9, path, 16, &err), 6);
	CHECK_EQ_I(mt_heap_retainer_path(h, NULL, 3, path, 16, &err), 3);
	CHECK_EQ_I(mt_heap_retainer_path(h, d, 0, path, 16, &err), 0);
	CHECK_EQ_I(mt_heap_retainer_path(h, d, 99, path, 16, &err), MT_EINVAL);
	/* dominators ignore the path preferences: the div has two retainers */
	CHECK_EQ_I(d->idom[9], 1);
	mt_heap_doms_free(d);
	mt_heap_free(h);
}

static void test_heap_dominators__path_prefers_user_meaningful_hops(void)
{
	/* two shortest paths 0 -> 1 -> {2|3} -> 4: through a hidden edge into
	 * system code, or through properties; and one through a C++ root
	 * category versus a plain one */
	tnode ns[] = {
		{ "", MT_HN_SYNTHETIC, 0, 0 }, { "(GC roots)", MT_HN_SYNTHETIC, 0, 0 },
		{ "system / Code", MT_HN_CODE, 5, 0 }, { "Holder", MT_HN_OBJECT, 5, 0 },
		{ "Target", MT_HN_OBJECT, 5, 0 }, { "C++ Persistent roots", MT_HN_SYNTHETIC, 0, 0 },
		{ "(Handle scope)", MT_HN_SYNTHETIC, 0, 0 }, { "Other", MT_HN_OBJECT, 5, 0 },
	};
	tedge es[] = {
		{ 0, 1, MT_HE_ELEMENT, NULL, 1 }, { 1, 2, MT_HE_HIDDEN, NULL, 1 }, { 1, 3, MT_HE_ELEMENT, NULL, 2 },
		{ 2, 4, MT_HE_INTERNAL, "x", 0 }, { 3, 4, MT_HE_PROPERTY, "target", 0 },
		{ 1, 5, MT_HE_ELEMENT, NULL, 3 }, { 1, 6, MT_HE_ELEMENT, NULL, 4 },
		{ 5, 7, MT_HE_INTERNAL, "persistent", 0 }, { 6, 7, MT_HE_INTERNAL, "handle", 0 },
	};
	mt_heap *h = mk_heap(NE(ns), ns, es, NE(es));
	mt_heap_doms *d = doms_of(h);
	CHECK(d != NULL);
	uint32_t path[8];
	char buf[256];
	mt_error err = MT_ERROR_INIT;
	int n = mt_heap_retainer_path(h, d, 4, path, 8, &err);
	CHECK_EQ_I(n, 3);
	mt_heap_path_format(h, path, (uint32_t)n, buf, sizeof buf);
	CHECK_EQ_S(buf, "(GC roots)[2] -> Holder -> target -> Target");
	n = mt_heap_retainer_path(h, d, 7, path, 8, &err);
	mt_heap_path_format(h, path, (uint32_t)n, buf, sizeof buf);
	CHECK_EQ_S(buf, "(GC roots)[4] -> (Handle scope) -> handle -> Other");
	mt_heap_doms_free(d);
	mt_heap_free(h);
}

static void test_heap_dominators__labels_and_classes(void)
{
	char long_str[300];
	memset(long_str, 'a', sizeof long_str - 1);
	long_str[sizeof long_str - 1] = 0;
	tnode ns[] = {
		{ "", MT_HN_SYNTHETIC, 0, 0 },
		{ "", MT_HN_CLOSURE, 1, 0 },
		{ long_str, MT_HN_STRING, 1, 0 },
		{ "line1\nline2", MT_HN_OBJECT, 1, 0 },
		{ "<div id=\"a\" class=\"b\">", MT_HN_NATIVE, 1, 2 },
		{ "system / Context / scope @90215", MT_HN_OBJECT, 1, 0 },
		{ "blink::Vector<std::pair<int, blink::Member<X>>>", MT_HN_NATIVE, 1, 0 },
		{ "handler", MT_HN_CLOSURE, 1, 0 },
		{ "(object properties)", MT_HN_ARRAY, 1, 0 },
		{ "", MT_HN_ARRAY, 1, 0 },
		{ "x", MT_HN_CONCAT_STRING, 1, 0 },
		{ "f", MT_HN_CODE, 1, 0 },
		{ "system / Map", MT_HN_OBJECT_SHAPE, 1, 0 },
		{ "1.5", MT_HN_NUMBER, 1, 0 },
		{ "Detached <span class=\"x\">", MT_HN_NATIVE, 1, 0 },
	};
	mt_heap *h = mk_heap(NE(ns), ns, NULL, 0);
	char b[512];
	mt_heap_node_label(h, 0, b, sizeof b);
	CHECK_EQ_S(b, "(root)");
	mt_heap_node_label(h, 1, b, sizeof b);
	CHECK_EQ_S(b, "(anonymous closure)");
	CHECK_EQ_I(mt_heap_node_label(h, 2, b, sizeof b), 1 + 80 + 3 + 1);
	CHECK(b[0] == '"' && !strcmp(b + 81, "...\""));
	mt_heap_node_label(h, 3, b, sizeof b);
	CHECK_EQ_S(b, "line1?line2");
	mt_heap_node_label(h, 4, b, sizeof b);
	CHECK_EQ_S(b, "Detached <div id=\"a\" class=\"b\">");
	mt_heap_node_label(h, 6, b, sizeof b);
	CHECK_EQ_S(b, "blink::Vector<...>");
	mt_heap_node_label(h, 7, b, sizeof b);
	CHECK_EQ_S(b, "handler (closure)");

	mt_heap_node_class(h, 1, b, sizeof b);
	CHECK_EQ_S(b, "(closure)");
	mt_heap_node_class(h, 7, b, sizeof b);
	CHECK_EQ_S(b, "(closure) handler");
	mt_heap_node_class(h, 2, b, sizeof b);
	CHECK_EQ_S(b, "(string)");
	mt_heap_node_class(h, 4, b, sizeof b);
	CHECK_EQ_S(b, "Detached <div>");
	mt_heap_node_class(h, 5, b, sizeof b);
	CHECK_EQ_S(b, "system / Context / scope");
	mt_heap_node_class(h, 6, b, sizeof b);
	CHECK_EQ_S(b, "blink::Vector<...>");
	mt_heap_node_class(h, 8, b, sizeof b);
	CHECK_EQ_S(b, "(object properties)");
	mt_heap_node_class(h, 9, b, sizeof b);
	CHECK_EQ_S(b, "(array)");
	mt_heap_node_class(h, 10, b, sizeof b);
	CHECK_EQ_S(b, "(concatenated string)");
	mt_heap_node_class(h, 11, b, sizeof b);
	CHECK_EQ_S(b, "(compiled code)");
	mt_heap_node_class(h, 12, b, sizeof b);
	CHECK_EQ_S(b, "system / Map");
	mt_heap_node_class(h, 13, b, sizeof b);
	CHECK_EQ_S(b, "(number)");
	mt_heap_node_class(h, 14, b, sizeof b);
	CHECK_EQ_S(b, "Detached <span>");
	mt_heap_free(h);
}

/* ---- the flame tree and the top rows ---- */

static uint32_t find_child(const mt_tree *t, uint32_t parent, const char *name)
{
	for (uint32_t c = t->nodes[parent].first_child; c; c = t->nodes[c].next_sibling)
		if (!strcmp(mt_strtab_get(t->strings, t->nodes[c].name), name))
			return c;
	return 0;
}

static void test_heap_dominators__flame_tree_merges_by_class(void)
{
	/* (GC roots) -> 10 Foo objects, each retaining a string and a closure */
	enum { K = 10 };
	tnode ns[2 + 3 * K];
	tedge es[1 + 4 * K];
	uint32_t ne = 0;
	ns[0] = (tnode){ "", MT_HN_SYNTHETIC, 0, 0 };
	ns[1] = (tnode){ "(GC roots)", MT_HN_SYNTHETIC, 0, 0 };
	es[ne++] = (tedge){ 0, 1, MT_HE_ELEMENT, NULL, 1 };
	for (uint32_t i = 0; i < K; i++) {
		uint32_t o = 2 + 3 * i;
		ns[o] = (tnode){ "Foo", MT_HN_OBJECT, 16, 0 };
		ns[o + 1] = (tnode){ "s", MT_HN_STRING, 5, 0 };
		ns[o + 2] = (tnode){ "bar", MT_HN_CLOSURE, 7, 0 };
		es[ne++] = (tedge){ 1, o, MT_HE_ELEMENT, NULL, i };
		es[ne++] = (tedge){ o, o + 1, MT_HE_PROPERTY, "name", 0 };
		es[ne++] = (tedge){ o, o + 2, MT_HE_PROPERTY, "fn", 0 };
	}
	/* one shared string: dominated by (GC roots), not by a Foo */
	es[ne++] = (tedge){ 2, 3 + 3, MT_HE_PROPERTY, "shared", 0 };
	mt_heap *h = mk_heap(2 + 3 * K, ns, es, ne);
	mt_heap_doms *d = doms_of(h);
	CHECK(d != NULL);
	mt_tree *t = NULL;
	mt_error err = MT_ERROR_INIT;
	CHECK_OK(mt_heap_dominator_tree(&t, h, d, NULL, &err));
	CHECK_EQ_I(mt_tree_total(t, 0, 0), h->total_self);
	uint32_t gc = find_child(t, 0, "(GC roots)");
	CHECK(gc != 0);
	uint32_t foo = find_child(t, gc, "Foo");
	CHECK(foo != 0);
	CHECK_EQ_I(mt_tree_self(t, foo, 0), 16 * K);
	CHECK_EQ_I(mt_tree_total(t, foo, 0), (16 + 5 + 7) * K - 5);
	CHECK_EQ_I(mt_tree_total(t, find_child(t, foo, "(closure) bar"), 0), 7 * K);
	CHECK_EQ_I(mt_tree_total(t, find_child(t, gc, "(string)"), 0), 5);
	CHECK_EQ_I(t->nnodes, 6);
	CHECK_EQ_S(mt_strtab_get(t->strings, t->types[0].type), "retained");
	CHECK_EQ_S(mt_strtab_get(t->strings, t->types[0].unit), "bytes");
	mt_tree_free(t);
	mt_heap_doms_free(d);
	mt_heap_free(h);
}

static void test_heap_dominators__flame_tree_caps_depth(void)
{
	enum { N = 300 };
	tedge es[N - 1];
	for (uint32_t i = 0; i + 1 < N; i++)
		es[i] = (tedge)P(i, i + 1);
	mt_heap *h = mk_heap(N, NULL, es, N - 1);
	mt_heap_doms *d = doms_of(h);
	mt_tree *t = NULL;
	mt_error err = MT_ERROR_INIT;
	mt_heap_tree_opts o = MT_HEAP_TREE_OPTS_INIT;
	o.max_depth = 10;
	CHECK_OK(mt_heap_dominator_tree(&t, h, d, &o, &err));
	CHECK_EQ_I(t->max_depth, 11);
	CHECK_EQ_I(t->nnodes, 12);
	CHECK_EQ_I(mt_tree_total(t, 0, 0), h->total_self);
	uint32_t deeper = t->nnodes - 1;
	CHECK_EQ_S(mt_strtab_get(t->strings, t->nodes[deeper].name), "(deeper)");
	CHECK_EQ_I(mt_tree_total(t, deeper, 0), d->retained[11]);
	mt_tree_free(t);
	mt_heap_doms_free(d);
	mt_heap_free(h);
}

static void test_heap_dominators__top_retained(void)
{
	tnode ns[] = { { "", MT_HN_SYNTHETIC, 0, 0 }, { "(GC roots)", MT_HN_SYNTHETIC, 0, 0 },
		{ "A", MT_HN_OBJECT, 50, 0 }, { "B", MT_HN_OBJECT, 30, 0 }, { "C", MT_HN_OBJECT, 20, 0 },
		{ "D", MT_HN_OBJECT, 50, 0 }, { "E", MT_HN_OBJECT, 1, 0 } };
	tedge es[] = { { 0, 1, MT_HE_ELEMENT, NULL, 1 }, P(1, 2), P(1, 3), P(3, 4), P(1, 5), P(2, 6), P(5, 6) };
	mt_heap *h = mk_heap(NE(ns), ns, es, NE(es));
	mt_heap_doms *d = doms_of(h);
	mt_heap_row *rows;
	uint32_t n;
	mt_error err = MT_ERROR_INIT;
	CHECK_OK(mt_heap_top_retained(&rows, &n, h, d, 3, 0, &err));
	CHECK_EQ_I(n, 3);
	/* A and D tie at 50: node order; B+C = 50 too */
	CHECK_EQ_I(rows[0].node, 2);
	CHECK_EQ_I(rows[1].node, 3);
	CHECK_EQ_I(rows[2].node, 5);
	CHECK_EQ_I(rows[1].retained, 50);
	CHECK_EQ_I(rows[1].self, 30);
	CHECK_EQ_I(rows[1].id, 7);
	CHECK_EQ_I(rows[1].distance, 2);
	free(rows);
	CHECK_OK(mt_heap_top_retained(&rows, &n, h, d, 0, MT_HEAP_TOP_SYNTHETIC, &err));
	CHECK_EQ_I(n, 6);
	CHECK_EQ_I(rows[0].node, 1);
	CHECK_EQ_I(rows[5].node, 6);

	mt_membuf mb = { 0 };
	mt_sink s = mt_sink_membuf(&mb);
	CHECK_OK(mt_render_heap_dominators_json(h, rows, 2, &s, &err));
	CHECK_EQ_S(mb.data, "{\"rows\":[{\"id\":3,\"name\":\"(GC roots)\",\"type\":\"synthetic\",\"self\":0,"
		"\"retained\":151,\"distance\":1},{\"id\":5,\"name\":\"A\",\"type\":\"object\",\"self\":50,"
		"\"retained\":50,\"distance\":2}]}\n");
	mt_membuf_free(&mb);
	free(rows);
	mt_heap_doms_free(d);
	mt_heap_free(h);
}

static void test_heap_dominators__retainers_json_and_find(void)
{
	mt_heap *h = listener_heap();
	mt_heap_doms *d = doms_of(h);
	uint32_t *nodes, n;
	mt_error err = MT_ERROR_INIT;
	CHECK_OK(mt_heap_find_nodes(&nodes, &n, h, "^<div", 0, 0, &err));
	CHECK_EQ_I(n, 1);
	CHECK_EQ_I(nodes[0], 9);
	free(nodes);
	CHECK_OK(mt_heap_find_nodes(&nodes, &n, h, NULL, 15, 0, &err));   /* id 2*7+1 */
	CHECK_EQ_I(n, 1);
	CHECK_EQ_I(nodes[0], 7);
	free(nodes);
	CHECK_EQ_I(mt_heap_find_nodes(&nodes, &n, h, "(", 0, 0, &err), MT_EINVAL);

	uint32_t want[] = { 7 };
	mt_membuf mb = { 0 };
	mt_sink s = mt_sink_membuf(&mb);
	CHECK_OK(mt_render_heap_retainers_json(h, d, want, 1, &s, &err));
	CHECK_EQ_S(mb.data, "{\"matches\":[{\"id\":15,\"name\":\"onResize\",\"type\":\"closure\",\"retained\":72,"
		"\"path\":[{\"node\":\"Window / http://x\",\"type\":\"native\",\"id\":7,\"edge\":null,\"edge_type\":null},"
		"{\"node\":\"blink::EventTargetData\",\"type\":\"native\",\"id\":9,\"edge\":\"25\",\"edge_type\":\"element\"},"
		"{\"node\":\"blink::HeapVector<blink::Member<blink::RegisteredEventListener>, 1>\",\"type\":\"native\","
		"\"id\":11,\"edge\":\"1\",\"edge_type\":\"element\"},"
		"{\"node\":\"V8EventListener\",\"type\":\"native\",\"id\":13,\"edge\":\"3\",\"edge_type\":\"element\"},"
		"{\"node\":\"onResize\",\"type\":\"closure\",\"id\":15,\"edge\":\"1\",\"edge_type\":\"element\"}],"
		"\"text\":\"Window / http://x[25] -> blink::EventTargetData[1] -> blink::HeapVector<...>[3] -> "
		"V8EventListener[1] -> onResize (closure)\"}]}\n");
	mt_membuf_free(&mb);
	mb = (mt_membuf){ 0 };
	s = mt_sink_membuf(&mb);
	CHECK_OK(mt_render_heap_retainers_text(h, d, want, 1, &s, &err));
	CHECK(mb.data && strstr(mb.data, "@15 closure onResize (closure) (retained 72B)\n  Window / http://x[25]"));
	mt_membuf_free(&mb);
	mt_heap_doms_free(d);
	mt_heap_free(h);
}

/* ---- random graphs against brute force ---- */

static uint64_t rng_state;

static uint32_t rnd(uint32_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)((rng_state >> 11) % n);
}

static mt_heap *random_heap(uint32_t n, uint32_t ne)
{
	tnode *ns = malloc(n * sizeof *ns);
	tedge *es = malloc((ne ? ne : 1) * sizeof *es);
	for (uint32_t i = 0; i < n; i++) {
		ns[i].name = "";
		ns[i].type = (i == 0 || rnd(4) == 0) ? MT_HN_SYNTHETIC : MT_HN_OBJECT;
		ns[i].self = rnd(100);
		ns[i].detached = 0;
	}
	for (uint32_t k = 0; k < ne; k++) {
		/* more edges from low nodes, so graphs have a core and a tail */
		uint32_t f = rnd(4) == 0 ? 0 : rnd(n), t = rnd(n), r = rnd(20);
		es[k].from = f;
		es[k].to = t;
		es[k].type = r == 0 ? MT_HE_WEAK : r == 1 ? MT_HE_SHORTCUT : r < 5 ? MT_HE_ELEMENT : MT_HE_PROPERTY;
		es[k].name = "e";
		es[k].idx = k;
	}
	mt_heap *h = mk_heap(n, ns, es, ne);
	free(ns);
	free(es);
	return h;
}

/* Every retainer path is a chain of linking edges ending at the node, and
 * as short as the reference BFS from where it starts. */
static int check_paths(const mt_heap *h, const mt_heap_doms *d)
{
	uint32_t n = h->nnodes, *q = malloc(n * sizeof *q), *ulvl = malloc(n * sizeof *ulvl);
	uint32_t *rlvl = malloc(n * sizeof *rlvl), *path = malloc(n * sizeof *path);
	uint8_t *uroot = calloc(n, 1);
	int bad = 0;
	for (uint32_t e = h->first_edge[0]; e < h->first_edge[1]; e++)
		if (h->edge_type[e] != MT_HE_WEAK && h->edge_to[e] != 0 && h->node_type[h->edge_to[e]] != MT_HN_SYNTHETIC)
			uroot[h->edge_to[e]] = 1;
	/* multi-source BFS from the user roots, plain BFS from node 0 (links) */
	uint32_t head = 0, tail = 0;
	for (uint32_t v = 0; v < n; v++) {
		ulvl[v] = uroot[v] ? 0 : NONE;
		if (uroot[v])
			q[tail++] = v;
	}
	while (head < tail) {
		uint32_t u = q[head++];
		for (uint32_t e = h->first_edge[u]; e < h->first_edge[u + 1]; e++)
			if (mt_heap_edge_links(h, e) && h->edge_to[e] != 0 && ulvl[h->edge_to[e]] == NONE) {
				ulvl[h->edge_to[e]] = ulvl[u] + 1;
				q[tail++] = h->edge_to[e];
			}
	}
	for (uint32_t v = 0; v < n; v++)
		rlvl[v] = NONE;
	rlvl[0] = 0;
	head = 0;
	tail = 0;
	q[tail++] = 0;
	while (head < tail) {
		uint32_t u = q[head++];
		for (uint32_t e = h->first_edge[u]; e < h->first_edge[u + 1]; e++)
			if (mt_heap_edge_links(h, e) && rlvl[h->edge_to[e]] == NONE) {
				rlvl[h->edge_to[e]] = rlvl[u] + 1;
				q[tail++] = h->edge_to[e];
			}
	}
	mt_error err = MT_ERROR_INIT;
	for (uint32_t v = 1; v < n; v++) {
		int len = mt_heap_retainer_path(h, d, v, path, n, &err);
		uint32_t want = (!uroot[v] && ulvl[v] != NONE) ? ulvl[v] : rlvl[v] == NONE ? 0 : rlvl[v];
		int ok = len >= 0 && (uint32_t)len == want;
		for (int i = 0; ok && i < len; i++) {
			ok = mt_heap_edge_links(h, path[i]) &&
				(i == 0 || mt_heap_edge_from(h, path[i]) == h->edge_to[path[i - 1]]);
		}
		if (ok && len > 0) {
			uint32_t start = mt_heap_edge_from(h, path[0]);
			ok = h->edge_to[path[len - 1]] == v && (uroot[v] || ulvl[v] == NONE ? start == 0 : uroot[start]);
		}
		if (!ok && bad++ < 3)
			fprintf(stderr, "  path of node %u: length %d, want %u\n", v, len, want);
	}
	free(q);
	free(ulvl);
	free(rlvl);
	free(path);
	free(uroot);
	return bad;
}

static void test_heap_dominators__random_graphs_match_brute_force(void)
{
	rng_state = 0x9e3779b97f4a7c15ULL;
	int bad = 0, pbad = 0;
	for (int g = 0; g < 400; g++) {
		uint32_t n = 5 + rnd(56);
		uint32_t ne = rnd(n * (1 + rnd(4)) + 1);
		mt_heap *h = random_heap(n, ne);
		mt_error err = MT_ERROR_INIT;
		if (g & 1)
			CHECK_OK(mt_heap_build_retainers(h, &err));   /* the other predecessor source */
		mt_heap_doms *d = doms_of(h);
		CHECK(d != NULL);
		int b = check_brute(h, d, ref_retains);
		if (b)
			fprintf(stderr, "  graph %d (%u nodes, %u edges): %d mismatches\n", g, n, ne, b);
		bad += b;
		pbad += check_paths(h, d);
		mt_heap_doms_free(d);
		mt_heap_free(h);
	}
	CHECK_EQ_I(bad, 0);
	CHECK_EQ_I(pbad, 0);
}

/* ---- big graphs and real snapshots: dominance by interval ---- */

typedef struct domtree {
	uint32_t *tin, *tout;   /* d dominates v iff tin[d] <= tin[v] && tout[v] <= tout[d] */
} domtree;

static void domtree_build(domtree *t, const mt_heap *h, const mt_heap_doms *d)
{
	uint32_t n = h->nnodes;
	uint32_t *first = calloc((size_t)n + 2, sizeof *first), *kids = malloc(((size_t)n + 1) * sizeof *kids);
	uint32_t *cur = malloc(((size_t)n + 1) * sizeof *cur), *stack = malloc(((size_t)n + 1) * sizeof *stack);
	t->tin = calloc(n, sizeof *t->tin);
	t->tout = calloc(n, sizeof *t->tout);
	for (uint32_t v = 1; v < n; v++)
		first[d->idom[v] + 1]++;
	for (uint32_t v = 0; v < n; v++)
		first[v + 1] += first[v];
	memcpy(cur, first, (size_t)n * sizeof *cur);
	for (uint32_t v = 1; v < n; v++)
		kids[cur[d->idom[v]]++] = v;
	memcpy(cur, first, (size_t)n * sizeof *cur);
	uint32_t sp = 0, clock = 0;
	stack[sp++] = 0;
	t->tin[0] = clock++;
	while (sp) {
		uint32_t u = stack[sp - 1];
		if (cur[u] < first[u + 1]) {
			uint32_t v = kids[cur[u]++];
			t->tin[v] = clock++;
			stack[sp++] = v;
		} else {
			t->tout[u] = clock++;
			sp--;
		}
	}
	free(first);
	free(kids);
	free(cur);
	free(stack);
}

static void domtree_free(domtree *t)
{
	free(t->tin);
	free(t->tout);
}

/* For @samples nodes: the nodes cut off from node 0 by removing the node are
 * exactly those it dominates, and its retained size is their sum. */
static int sample_brute(const mt_heap *h, const mt_heap_doms *d, uint32_t samples)
{
	uint32_t n = h->nnodes;
	uint32_t *lvl0 = malloc(n * sizeof *lvl0), *lvl = malloc(n * sizeof *lvl), *q = malloc(n * sizeof *q);
	domtree t;
	domtree_build(&t, h, d);
	ref_bfs(h, NONE, pred_edge_retains, lvl0, q);
	int bad = 0;
	for (uint32_t s = 0; s < samples; s++) {
		uint32_t x = 1 + rnd(n - 1);
		if (lvl0[x] == NONE) {
			if (d->idom[x] != 0 || d->retained[x] != h->node_self[x] || d->distance[x] != NONE)
				bad++;
			continue;
		}
		ref_bfs(h, x, pred_edge_retains, lvl, q);
		uint64_t sum = h->node_self[x];
		for (uint32_t v = 0; v < n; v++) {
			int cut = v != x && lvl0[v] != NONE && lvl[v] == NONE;
			int dominated = v != x && t.tin[x] <= t.tin[v] && t.tout[v] <= t.tout[x];
			if (cut)
				sum += h->node_self[v];
			if (cut != dominated && bad++ < 5)
				fprintf(stderr, "  node %u: cut off by removing %u: %d, dominated: %d\n", v, x, cut, dominated);
		}
		if (sum != d->retained[x] && bad++ < 5)
			fprintf(stderr, "  node %u: retained %" PRIu64 ", brute force %" PRIu64 "\n", x, d->retained[x], sum);
		if (d->distance[x] != lvl0[x])
			bad++;
	}
	domtree_free(&t);
	free(lvl0);
	free(lvl);
	free(q);
	return bad;
}

static void test_heap_dominators__one_million_nodes(void)
{
	/* a random core, a 200k-long chain (deep DFS, deep dominator tree) and
	 * fan-outs; it must finish in the unit-test timeout, without recursion */
	enum { N = 1000000, CHAIN = 200000 };
	uint32_t ne = 0, cap = 2 * N;
	tedge *es = malloc(cap * sizeof *es);
	rng_state = 42;
	for (uint32_t v = 1; v < N; v++) {
		uint32_t from = v <= CHAIN ? v - 1 : rnd(v);
		es[ne++] = (tedge){ from, v, MT_HE_PROPERTY, "p", 0 };
	}
	for (uint32_t k = 0; k + 1 < N; k++) {
		uint32_t r = rnd(10);
		es[ne++] = (tedge){ rnd(N), rnd(N), r == 0 ? MT_HE_WEAK : MT_HE_PROPERTY, "q", 0 };
	}
	mt_heap *h = mk_heap(N, NULL, es, ne);
	free(es);
	mt_heap_doms *d = doms_of(h);
	CHECK(d != NULL);
	CHECK_EQ_I(d->retained[0], h->total_self);
	uint32_t path[64];
	mt_error err = MT_ERROR_INIT;
	int len = mt_heap_retainer_path(h, d, CHAIN, path, 64, &err);
	CHECK(len > 0);
	CHECK_EQ_I(sample_brute(h, d, 4), 0);
	mt_tree *t = NULL;
	CHECK_OK(mt_heap_dominator_tree(&t, h, d, NULL, &err));
	CHECK_EQ_I(mt_tree_total(t, 0, 0), h->total_self);
	mt_tree_free(t);
	mt_heap_doms_free(d);
	mt_heap_free(h);
}


/* NULL when @a (found on one thread) and @b (distances on a second thread) are the same */
static const char *doms_diff(const mt_heap *h, const mt_heap_doms *a, const mt_heap_doms *b)
{
	size_t n = h->nnodes;
	if (memcmp(a->idom, b->idom, n * sizeof *a->idom))
		return "idom";
	if (memcmp(a->retained, b->retained, n * sizeof *a->retained))
		return "retained";
	if (memcmp(a->distance, b->distance, n * sizeof *a->distance))
		return "distance";
	uint32_t pa[256], pb[256];
	mt_error err = MT_ERROR_INIT;
	for (uint32_t v = 0; v < h->nnodes; v += 1 + h->nnodes / 500) {
		int la = mt_heap_retainer_path(h, a, v, pa, 256, &err), lb = mt_heap_retainer_path(h, b, v, pb, 256, &err);
		if (la != lb || (la > 0 && memcmp(pa, pb, (size_t)(la < 256 ? la : 256) * sizeof *pa)))
			return "retainer path";
	}
	return NULL;
}

/* the distances found beside the path tree on a second thread, as large graphs have them: the same */
static void test_heap_dominators__distances_on_a_second_thread(void)
{
	rng_state = 99;
	mt_heap *hs[64];
	char names[64][64];
	int nh = 0;
	for (; nh < 40; nh++) {
		uint32_t n = 5 + rnd(200);
		hs[nh] = random_heap(n, rnd(n * 3 + 1));
		snprintf(names[nh], sizeof names[0], "random graph %d", nh);
	}
	static const char *const real[] = { "final.heapsnapshot", "node-leak.heapsnapshot" };
	for (int i = 0; i < 2; i++)
		if ((hs[nh] = mt_t_heap_corpus(real[i])))
			snprintf(names[nh++], sizeof names[0], "%s", real[i]);
	for (int i = 0; i < nh; i++) {
		size_t saved = mt_heap__dist_thread_min;
		mt_heap__dist_thread_min = SIZE_MAX;
		mt_heap_doms *a = doms_of(hs[i]);
		mt_heap__dist_thread_min = 0;
		mt_heap_doms *b = doms_of(hs[i]);
		mt_heap__dist_thread_min = saved;
		const char *diff = a && b ? doms_diff(hs[i], a, b) : "no result";
		if (diff)
			MT_FAIL_("%s: %s differs with the distances on a second thread", names[i], diff);
		mt_heap_doms_free(a);
		mt_heap_doms_free(b);
		mt_heap_free(hs[i]);
	}
	printf("# %d graphs (%d real) agree\n", nh, nh - 40);
}

/* The path text of the first node named @re (of type @type) that is detached. */
static int path_of(const mt_heap *h, const mt_heap_doms *d, const char *re, int type, int detached,
	char *buf, size_t cap)
{
	uint32_t *nodes, n;
	mt_error err = MT_ERROR_INIT;
	buf[0] = 0;
	if (mt_heap_find_nodes(&nodes, &n, h, re, 0, 0, &err))
		return -1;
	int found = -1;
	for (uint32_t i = 0; i < n && found < 0; i++) {
		uint32_t v = nodes[i];
		if (h->node_type[v] != type || (detached && h->node_detached[v] != MT_DETACHED_DETACHED))
			continue;
		uint32_t path[128];
		int len = mt_heap_retainer_path(h, d, v, path, 128, &err);
		if (len > 0 && len <= 128) {
			mt_heap_path_format(h, path, (uint32_t)len, buf, cap);
			found = (int)v;
		}
	}
	free(nodes);
	return found;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && !strcmp(s + a - b, suffix);
}

static void test_heap_dominators__chromium_snapshot(void)
{
	mt_heap *h = mt_t_heap_corpus("final.heapsnapshot");
	if (!h) {
		printf("# skipped: no shared corpus\n");
		return;
	}
	mt_heap_doms *d = doms_of(h);
	CHECK(d != NULL);
	rng_state = 7;
	CHECK_EQ_I(sample_brute(h, d, 200), 0);
	CHECK_EQ_I(d->retained[0], 4635450);     /* MANIFEST: total self_size */

	/* MANIFEST "Expected retainer chains" (DevTools/memlab-style: from Window) */
	char b[4096];
	CHECK(path_of(h, d, "^<div class=\"resizable-panel\">$", MT_HN_NATIVE, 1, b, sizeof b) >= 0);
	CHECK(!strncmp(b, "Window / http://127.0.0.1:", 26));
	CHECK(strstr(b, "blink::EventTargetData") != NULL);
	CHECK(ends_with(b, "V8EventListener[1] -> onResize (closure) -> context -> panelNode -> "
		"Detached <div class=\"resizable-panel\">"));
	CHECK(path_of(h, d, "^<div class=\"settings-modal\">$", MT_HN_NATIVE, 1, b, sizeof b) >= 0);
	CHECK(!strncmp(b, "Window / http://127.0.0.1:", 26) && strstr(b, "HTMLDocument") != NULL);
	CHECK(ends_with(b, "-> onKeydown (closure) -> context -> modalNode -> Detached <div class=\"settings-modal\">"));
	CHECK(path_of(h, d, "^<canvas class=\"spark-canvas\"", MT_HN_NATIVE, 1, b, sizeof b) >= 0);
	CHECK(strstr(b, "chartRegistry -> Array[") != NULL);
	CHECK(ends_with(b, "SparkChart -> canvas -> Detached <canvas class=\"spark-canvas\" width=\"120\" height=\"40\">"));
	CHECK(path_of(h, d, "^<aside class=\"help-tooltip\">$", MT_HN_NATIVE, 1, b, sizeof b) >= 0);
	CHECK(strstr(b, "<div id=\"portal-root\">") != NULL);
	CHECK(ends_with(b, "-> onPortalClick (closure) -> context -> tipNode -> Detached <aside class=\"help-tooltip\">"));
	CHECK(path_of(h, d, "^<section class=\"live-feed\"", MT_HN_NATIVE, 1, b, sizeof b) >= 0);
	CHECK(strstr(b, "opsStore -> ") != NULL && strstr(b, "WeakMap value -> Map") != NULL);
	CHECK(ends_with(b, "-> feedNode -> Detached <section class=\"live-feed\" data-alerts=\"3\">"));

	/* MANIFEST: LiveFeed's 2 MiB ArrayBuffer, feed closure contexts ~2.3 MB */
	uint32_t *nodes, n;
	mt_error err = MT_ERROR_INIT;
	CHECK_OK(mt_heap_find_nodes(&nodes, &n, h, "^ArrayBuffer$", 0, 0, &err));
	uint64_t best = 0;
	for (uint32_t i = 0; i < n; i++)
		if (h->node_type[nodes[i]] == MT_HN_OBJECT && d->retained[nodes[i]] > best)
			best = d->retained[nodes[i]];
	free(nodes);
	CHECK(best >= 2097152 && best < 2200000);
	int feed = path_of(h, d, "^<section class=\"live-feed\"", MT_HN_NATIVE, 1, b, sizeof b);
	CHECK(feed > 0);
	uint32_t scope = d->idom[feed];    /* the closure scope holding feedNode */
	CHECK(d->retained[scope] > 2200000 && d->retained[scope] < 2450000);
	/* the settings modal's div: 216 bytes retained (memlab agrees) */
	int modal = path_of(h, d, "^<div class=\"settings-modal\">$", MT_HN_NATIVE, 1, b, sizeof b);
	CHECK(modal > 0 && d->retained[modal] == 216);
	mt_heap_doms_free(d);
	mt_heap_free(h);
}

static void test_heap_dominators__node_snapshot(void)
{
	mt_heap *h = mt_t_heap_corpus("node-leak.heapsnapshot");
	if (!h) {
		printf("# skipped: no shared corpus\n");
		return;
	}
	mt_heap_doms *d = doms_of(h);
	CHECK(d != NULL);
	rng_state = 11;
	CHECK_EQ_I(sample_brute(h, d, 200), 0);
	/* MANIFEST: (GC roots) -> (Handle scope) -> Object(_events) --config-reload--> Array
	 * -> closure onConfigReload --context--> Context --ctx--> RequestContext */
	char b[4096];
	CHECK(path_of(h, d, "^RequestContext$", MT_HN_OBJECT, 0, b, sizeof b) >= 0);
	CHECK(!strncmp(b, "(GC roots)[11] -> (Handle scope)[", 33));
	CHECK(strstr(b, "-> config-reload -> Array[") != NULL);
	CHECK(ends_with(b, "onConfigReload (closure) -> context -> ctx -> RequestContext"));
	/* and (GC roots) -> (Handle scope) -> Map --table--> array -> SessionRecord */
	CHECK(path_of(h, d, "^SessionRecord$", MT_HN_OBJECT, 0, b, sizeof b) >= 0);
	CHECK(!strncmp(b, "(GC roots)[11] -> (Handle scope)[", 33));
	CHECK(strstr(b, "Map -> table -> (array)[") != NULL);
	CHECK(ends_with(b, "SessionRecord"));
	mt_heap_doms_free(d);
	mt_heap_free(h);
}

int main(void)
{
	MT_RUN(test_heap_dominators__chain);
	MT_RUN(test_heap_dominators__diamond);
	MT_RUN(test_heap_dominators__cycles_and_self_loops);
	MT_RUN(test_heap_dominators__orphans_attach_to_root);
	MT_RUN(test_heap_dominators__weak_and_shortcut_edges);
	MT_RUN(test_heap_dominators__several_roots);
	MT_RUN(test_heap_dominators__weakmap_value_is_held_by_its_key);
	MT_RUN(test_heap_dominators__empty_and_bad_graphs);
	MT_RUN(test_heap_dominators__path_from_window_reads_well);
	MT_RUN(test_heap_dominators__path_prefers_user_meaningful_hops);
	MT_RUN(test_heap_dominators__labels_and_classes);
	MT_RUN(test_heap_dominators__flame_tree_merges_by_class);
	MT_RUN(test_heap_dominators__flame_tree_caps_depth);
	MT_RUN(test_heap_dominators__top_retained);
	MT_RUN(test_heap_dominators__retainers_json_and_find);
	MT_RUN(test_heap_dominators__random_graphs_match_brute_force);
	MT_RUN(test_heap_dominators__one_million_nodes);
	MT_RUN(test_heap_dominators__distances_on_a_second_thread);
	MT_RUN(test_heap_dominators__chromium_snapshot);
	MT_RUN(test_heap_dominators__node_snapshot);
	MT_DONE();
}
