/*
 * tests/unit/test_heap_compare.c - heap snapshots compared by object id:
 * id sets, the per-class comparison (DevTools' Comparison view) and the
 * three-snapshot growth findings, on hand-built graphs and on the shared
 * corpus's baseline/target/final Chromium snapshots (MANIFEST ground truth:
 * 6,323 objects new in target and alive in final, 2,990,937 bytes; the five
 * app leaks and their retaining closures/variables; StatusClock absent).
 * The corpus numbers of the comparison were checked independently with a
 * small Python reader of the same files (meta-driven, ids compared per class).
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memtracer/memtracer.h"
#include "memtracer/heap_compare.h"
#include "heap_testlib.h"
#include "testlib.h"

/* ---- hand-built graphs ---- */

typedef struct xn {
	const char *name;
	uint8_t type;      /* mt_heap_node_type */
	uint32_t id;
	uint64_t self;
	uint8_t detached;  /* the raw field */
} xn;

typedef struct xe {
	uint32_t from, to;
	uint8_t type;      /* mt_heap_edge_type */
	const char *name;  /* named edges; element/hidden: NULL and @idx */
	uint32_t idx;
} xe;

/* edges listed grouped by source, sources ascending */
static mt_heap *mkh(uint32_t n, const xn *nodes, uint32_t ne, const xe *es)
{
	mt_heap *h = mt_t_heap_new(n, ne);
	for (uint32_t i = 0; i < n; i++)
		mt_t_heap_node(h, i, nodes[i].name, nodes[i].type, nodes[i].id, nodes[i].self, nodes[i].detached);
	for (uint32_t k = 0; k < ne; k++)
		mt_t_heap_edge(h, k, es[k].from, es[k].to, es[k].type, es[k].name, es[k].idx);
	return mt_t_heap_done(h);
}

#define NN(a) ((uint32_t)(sizeof(a) / sizeof((a)[0])))
#define OBJ MT_HN_OBJECT
#define NAT MT_HN_NATIVE
#define CLO MT_HN_CLOSURE
#define SYN MT_HN_SYNTHETIC

static void test_heap_compare__ids(void)
{
	const xn nodes[] = {
		{ "", SYN, 1, 0, 0 }, { "A", OBJ, 9, 1, 0 }, { "B", OBJ, 5, 1, 0 }, { "C", OBJ, 9, 1, 0 }, { "D", OBJ, 3, 1, 0 },
	};
	mt_heap *h = mkh(NN(nodes), nodes, 0, NULL);
	mt_error err = MT_ERROR_INIT;
	mt_heap_ids all, fresh;
	CHECK_OK(mt_heap_ids_of(&all, h, &err));
	CHECK_EQ_I(all.n, 4); /* duplicate id 9 kept once */
	CHECK(all.id[0] == 1 && all.id[1] == 3 && all.id[2] == 5 && all.id[3] == 9);
	CHECK(mt_heap_ids_has(&all, 5) && !mt_heap_ids_has(&all, 4) && !mt_heap_ids_has(&all, 10));
	CHECK(!mt_heap_ids_has(NULL, 5));
	mt_heap_ids base = { (uint32_t[]){ 3, 9 }, 2 };
	CHECK_OK(mt_heap_ids_new(&fresh, h, &base, &err));
	CHECK_EQ_I(fresh.n, 2);
	CHECK(fresh.id[0] == 1 && fresh.id[1] == 5);
	mt_heap_ids_free(&all);
	mt_heap_ids_free(&fresh);
	CHECK(all.id == NULL && all.n == 0);
	mt_heap_free(h);
}

static const mt_heap_diff_row *row_of(const mt_heap_diff *d, const char *cls)
{
	for (uint32_t i = 0; i < d->nrows; i++)
		if (!strcmp(d->rows[i].cls, cls))
			return &d->rows[i];
	return NULL;
}

static void test_heap_compare__diff_by_class(void)
{
	/* A: Foo#3 Foo#5 Bar#7 <div id=x>#9 (attached)   B: Foo#3 Foo#11 Bar#13 Bar#15 <div>#9 now detached,
	 * and an empty Zed#17 (self size 0: in the totals, in no class, as in DevTools) */
	const xn a_nodes[] = {
		{ "", SYN, 1, 0, 0 }, { "Foo", OBJ, 3, 10, 0 }, { "Foo", OBJ, 5, 20, 0 }, { "Bar", OBJ, 7, 40, 0 },
		{ "<div id=\"x\">", NAT, 9, 8, 1 },
	};
	const xn b_nodes[] = {
		{ "", SYN, 1, 0, 0 }, { "Foo", OBJ, 3, 10, 0 }, { "Foo", OBJ, 11, 30, 0 }, { "Bar", OBJ, 13, 40, 0 },
		{ "Bar", OBJ, 15, 40, 0 }, { "<div id=\"x\">", NAT, 9, 8, 2 }, { "Zed", OBJ, 17, 0, 0 },
	};
	mt_heap *a = mkh(NN(a_nodes), a_nodes, 0, NULL), *b = mkh(NN(b_nodes), b_nodes, 0, NULL);
	mt_error err = MT_ERROR_INIT;
	mt_heap_census *ca = NULL, *cb = NULL;
	mt_heap_diff *d = NULL;
	CHECK_OK(mt_heap_census_of(&ca, a, &err));
	CHECK_OK(mt_heap_census_of(&cb, b, &err));
	mt_heap_free(a); /* a census outlives its heap */
	mt_heap_free(b);
	CHECK_OK(mt_heap_diff_of(&d, ca, cb, &err));
	CHECK_EQ_I(d->base_nodes, 5);
	CHECK_EQ_I(d->nodes, 7);
	CHECK_EQ_I(d->added, 4);      /* ids 11, 13, 15, 17 */
	CHECK_EQ_I(d->deleted, 2);    /* ids 5, 7 */
	CHECK_EQ_I(d->alloc_size, 110);
	CHECK_EQ_I(d->freed_size, 60);
	CHECK_EQ_I(d->nrows, 4);      /* no Zed */
	CHECK(!row_of(d, "Zed"));
	/* size delta desc, then class: Bar +40, Detached <div> +8, Foo +10 -> order Bar, Foo, Detached, <div> */
	CHECK_EQ_S(d->rows[0].cls, "Bar");
	CHECK_EQ_S(d->rows[1].cls, "Foo");
	CHECK_EQ_S(d->rows[2].cls, "Detached <div>");
	CHECK_EQ_S(d->rows[3].cls, "<div>");
	const mt_heap_diff_row *r = row_of(d, "Bar");
	CHECK(r && r->added == 2 && r->deleted == 1 && r->delta == 1 && r->alloc_size == 80 && r->freed_size == 40 &&
		r->size_delta == 40);
	r = row_of(d, "Foo");
	CHECK(r && r->added == 1 && r->deleted == 1 && r->delta == 0 && r->size_delta == 10);
	/* the div changed class: deleted from "<div>", new in "Detached <div>" (DevTools does the same) */
	r = row_of(d, "<div>");
	CHECK(r && r->added == 0 && r->deleted == 1 && r->size_delta == -8);
	r = row_of(d, "Detached <div>");
	CHECK(r && r->added == 1 && r->deleted == 0 && r->size_delta == 8);

	mt_membuf mb = { 0 };
	mt_sink s = mt_sink_membuf(&mb);
	CHECK_OK(mt_render_heap_diff_json(d, 1, &s, &err));
	mt_sink_write(&s, "", 1);
	CHECK_EQ_S(mb.data,
		"{\"kind\":\"heap-diff\",\"totals\":{\"base_nodes\":5,\"nodes\":7,\"new\":4,\"deleted\":2,\"delta\":2,"
		"\"alloc_size\":110,\"freed_size\":60,\"size_delta\":50},\"rows\":[{\"class\":\"Bar\",\"new\":2,"
		"\"deleted\":1,\"delta\":1,\"alloc_size\":80,\"freed_size\":40,\"size_delta\":40}]}\n");
	mt_membuf_free(&mb);
	mb = (mt_membuf){ 0 };
	s = mt_sink_membuf(&mb);
	CHECK_OK(mt_render_heap_diff_text(d, 0, &s, &err));
	mt_sink_write(&s, "", 1);
	CHECK(strstr(mb.data, "5 -> 7 nodes (+2): 4 new (110 bytes), 2 deleted (60 bytes), size delta +50\n"));
	CHECK(strstr(mb.data, "        2         1        +1           80           40          +40  Bar\n"));
	CHECK(strstr(mb.data, "       -1            0            8           -8  <div>\n"));
	mt_membuf_free(&mb);
	mt_heap_diff_free(d);
	mt_heap_census_free(ca);
	mt_heap_census_free(cb);
}

static const mt_finding *by_root(const mt_findings *fs, const char *root)
{
	for (uint32_t i = 0; i < mt_findings_count(fs); i++)
		if (!strcmp(mt_findings_get(fs, i)->root, root))
			return mt_findings_get(fs, i);
	return NULL;
}

/* The integer after "key": in a finding's JSON; -1 when absent. */
static long long jint(const char *json, const char *key)
{
	char k[64];
	snprintf(k, sizeof k, "\"%s\":", key);
	const char *p = strstr(json, k);
	return p ? strtoll(p + strlen(k), NULL, 10) : -1;
}

static void test_heap_compare__growth_hand_built(void)
{
	/*
	 * 0 root -> 1 (GC roots) -> 2 "Window / x" (old)
	 *   2 --[0]--> 3 V8EventListener(new, native) -> 4 onKey (closure, new) --context--> 5 Context (new)
	 *       5 --node--> 6 <div> (new, detached seed) --[0]--> 7 Text (new, detached by propagation)
	 *   2 --[1]--> 8 V8EventListener(new) -> 9 onKey (new) --context--> 10 Context --node--> 11 <div> (new, detached)
	 *   2 --reg--> 12 Array (old) --[0]--> 13 Chart (new) ; --[1]--> 14 Chart (new)
	 *   2 --[2]--> 15 (compiled code, new) --x--> 16 Boilerplate (object, new): engine-held
	 *   2 --keep--> 17 Object (old) --big--> 18 Blob (object, new, 5000 bytes)
	 *   19 Orphan (object, new): unreachable
	 *   2 --str--> 20 string (new): never kept
	 *   2 --cache--> 21 Entry (object, new, small, alone): a lone small cluster, not reported
	 */
	const xn nodes[] = {
		{ "", SYN, 1, 0, 0 }, { "(GC roots)", SYN, 3, 0, 0 }, { "Window / x", NAT, 5, 10, 1 },
		{ "V8EventListener", NAT, 101, 10, 0 }, { "onKey", CLO, 103, 30, 0 },
		{ "system / Context", OBJ, 105, 20, 0 }, { "<div class=\"m\">", NAT, 107, 100, 2 },
		{ "Text", NAT, 109, 50, 0 }, { "V8EventListener", NAT, 111, 10, 0 }, { "onKey", CLO, 113, 30, 0 },
		{ "system / Context", OBJ, 115, 20, 0 }, { "<div class=\"m\">", NAT, 117, 100, 2 },
		{ "Array", OBJ, 7, 16, 0 }, { "Chart", OBJ, 119, 40, 0 }, { "Chart", OBJ, 121, 40, 0 },
		{ "system / FeedbackVector", MT_HN_CODE, 123, 8, 0 }, { "Boilerplate", OBJ, 125, 8, 0 },
		{ "Object", OBJ, 9, 12, 0 }, { "Blob", OBJ, 127, 70000, 0 }, { "Orphan", OBJ, 129, 7, 0 },
		{ "abc", MT_HN_STRING, 131, 24, 0 }, { "Entry", OBJ, 133, 30, 0 },
	};
	const xe es[] = {
		{ 0, 1, MT_HE_ELEMENT, NULL, 1 }, { 1, 2, MT_HE_ELEMENT, NULL, 1 },
		{ 2, 3, MT_HE_ELEMENT, NULL, 0 }, { 2, 8, MT_HE_ELEMENT, NULL, 1 }, { 2, 12, MT_HE_PROPERTY, "reg", 0 },
		{ 2, 15, MT_HE_ELEMENT, NULL, 2 }, { 2, 17, MT_HE_PROPERTY, "keep", 0 }, { 2, 20, MT_HE_PROPERTY, "str", 0 },
		{ 2, 21, MT_HE_PROPERTY, "cache", 0 },
		{ 3, 4, MT_HE_ELEMENT, NULL, 1 }, { 4, 5, MT_HE_INTERNAL, "context", 0 },
		{ 5, 6, MT_HE_CONTEXT, "node", 0 }, { 6, 7, MT_HE_ELEMENT, NULL, 0 },
		{ 8, 9, MT_HE_ELEMENT, NULL, 1 }, { 9, 10, MT_HE_INTERNAL, "context", 0 },
		{ 10, 11, MT_HE_CONTEXT, "node", 0 },
		{ 12, 13, MT_HE_ELEMENT, NULL, 0 }, { 12, 14, MT_HE_ELEMENT, NULL, 1 },
		{ 15, 16, MT_HE_INTERNAL, "x", 0 }, { 17, 18, MT_HE_PROPERTY, "big", 0 },
	};
	mt_heap *h = mkh(NN(nodes), nodes, NN(es), es);
	mt_error err = MT_ERROR_INIT;
	mt_heap_doms *d = NULL;
	mt_findings *fs = NULL;
	CHECK_OK(mt_heap_dominators(&d, h, &err));
	CHECK_OK(mt_findings_new(&fs));
	/* candidates: every id above 100 (new since the "baseline") */
	mt_heap_ids cand = { (uint32_t[]){ 101, 103, 105, 107, 109, 111, 113, 115, 117, 119, 121, 123, 125, 127, 129,
		131, 133 }, 17 };
	mt_heap_growth_stats st;
	CHECK_OK(mt_heap_growth(fs, &st, h, d, &cand, "final", &err));
	CHECK_EQ_I(st.candidates, 17);
	CHECK_EQ_I(st.candidate_self, 10 + 30 + 20 + 100 + 50 + 10 + 30 + 20 + 100 + 40 + 40 + 8 + 8 + 70000 + 7 + 24 + 30);
	/* kept: 2 closures, 3 detached DOM, 2 Charts, Boilerplate, Blob, Orphan, Entry */
	CHECK_EQ_I(st.kept, 11);
	CHECK_EQ_I(st.detached_dom, 3);
	CHECK_EQ_I(st.unreachable, 1);
	CHECK_EQ_I(st.engine_held, 1);
	CHECK_EQ_I(st.lone, 1);
	CHECK_EQ_I(st.clusters, 3);
	CHECK_EQ_I(mt_findings_count(fs), 3);
	mt_findings_sort(fs);
	/* detached DOM first, then by bytes */
	const mt_finding *f = mt_findings_get(fs, 0);
	CHECK_EQ_S(f->root, "onKey");
	CHECK_EQ_S(f->kind, "growth");
	CHECK_EQ_I(f->count, 5);                 /* 2 closures, 2 divs, 1 Text */
	CHECK_EQ_I(jint(f->json, "instances"), 2);
	CHECK_EQ_I(jint(f->json, "detached_dom"), 3);
	CHECK_EQ_I(f->bytes, 2 * (30 + 20 + 100) + 50); /* the closures retain their contexts and trees */
	CHECK_EQ_I(jint(f->json, "self"), 2 * 30 + 2 * 100 + 50);
	CHECK(strstr(f->json, "\"classes\":{\"(closure) onKey\":2,\"Detached <div>\":2,\"Detached Text\":1}"));
	CHECK(strstr(f->json, "\"path\":\"Window / x[0] -> V8EventListener[1] -> onKey (closure)\""));
	CHECK(strstr(f->json, "\"source\":\"final\""));
	f = mt_findings_get(fs, 1);
	CHECK_EQ_S(f->root, "big");              /* the property that holds the new Blob */
	CHECK_EQ_I(f->bytes, 70000);             /* one instance, but large */
	f = mt_findings_get(fs, 2);
	CHECK_EQ_S(f->root, "reg");              /* Array[i] -> Chart: the variable above the index */
	CHECK_EQ_I(f->count, 2);
	CHECK_EQ_I(jint(f->json, "instances"), 2);
	CHECK_EQ_I(f->bytes, 80);
	CHECK(!by_root(fs, "Boilerplate") && !by_root(fs, "x") && !by_root(fs, "Orphan") && !by_root(fs, "cache"));

	/* same input, same bytes */
	mt_findings *fs2 = NULL;
	CHECK_OK(mt_findings_new(&fs2));
	CHECK_OK(mt_heap_growth(fs2, NULL, h, d, &cand, "final", &err));
	mt_findings_sort(fs2);
	CHECK_EQ_I(mt_findings_count(fs2), 3);
	for (uint32_t i = 0; i < 3; i++)
		CHECK_EQ_S(mt_findings_get(fs2, i)->json, mt_findings_get(fs, i)->json);
	/* no candidates: nothing */
	mt_findings *fs3 = NULL;
	CHECK_OK(mt_findings_new(&fs3));
	mt_heap_ids none = { NULL, 0 };
	CHECK_OK(mt_heap_growth(fs3, &st, h, d, &none, "final", &err));
	CHECK_EQ_I(st.candidates, 0);
	CHECK_EQ_I(mt_findings_count(fs3), 0);
	mt_findings_free(fs3);
	mt_findings_free(fs2);
	mt_findings_free(fs);
	mt_heap_doms_free(d);
	mt_heap_free(h);
}

static void test_heap_compare__growth_user_roots(void)
{
	/* new objects hanging right off node 0 (user roots): one path edge each, one cluster of 3 */
	const xn nodes[] = {
		{ "", SYN, 1, 0, 0 }, { "(GC roots)", SYN, 3, 0, 0 }, { "Cache", OBJ, 101, 10, 0 },
		{ "Cache", OBJ, 103, 10, 0 }, { "Cache", OBJ, 105, 10, 0 }, { "Entry", OBJ, 107, 5, 0 },
	};
	const xe es[] = {
		{ 0, 1, MT_HE_ELEMENT, NULL, 1 }, { 0, 2, MT_HE_ELEMENT, NULL, 2 }, { 0, 3, MT_HE_ELEMENT, NULL, 3 },
		{ 0, 4, MT_HE_WEAK, NULL, 4 }, { 0, 4, MT_HE_ELEMENT, NULL, 5 }, { 2, 5, MT_HE_PROPERTY, "e", 0 },
	};
	mt_heap *h = mkh(NN(nodes), nodes, NN(es), es);
	mt_error err = MT_ERROR_INIT;
	mt_heap_doms *d = NULL;
	mt_findings *fs = NULL;
	mt_heap_growth_stats st;
	CHECK_OK(mt_heap_dominators(&d, h, &err));
	CHECK_OK(mt_findings_new(&fs));
	mt_heap_ids cand = { (uint32_t[]){ 101, 103, 105, 107 }, 4 };
	CHECK_OK(mt_heap_growth(fs, &st, h, d, &cand, "f", &err));
	CHECK_EQ_I(st.kept, 4);
	CHECK_EQ_I(st.clusters, 1);
	CHECK_EQ_I(mt_findings_count(fs), 1);
	const mt_finding *f = mt_findings_get(fs, 0);
	CHECK_EQ_S(f->root, "Cache");
	CHECK_EQ_I(f->count, 4);          /* Entry is under the first Cache */
	CHECK_EQ_I(jint(f->json, "instances"), 3);
	CHECK_EQ_I(f->bytes, 35);
	mt_findings_free(fs);
	mt_heap_doms_free(d);
	mt_heap_free(h);
}

static void test_heap_compare__growth_repeats_under_one_holder(void)
{
	/*
	 * 1 Bus (old) --reload--> 2 Array (new) --[i]--> N listener closures (new): one instance,
	 * a few hundred bytes, but 10 closures of one class: reported; with 9 it is a lone small cluster.
	 */
	for (uint32_t nl = 9; nl <= 10; nl++) {
		xn nodes[14];
		xe es[14];
		uint32_t ids[12], ne = 0, nc = 0;
		nodes[0] = (xn){ "", SYN, 1, 0, 0 };
		nodes[1] = (xn){ "Bus", OBJ, 3, 20, 0 };
		nodes[2] = (xn){ "Array", OBJ, 101, 16, 0 };
		ids[nc++] = 101;
		es[ne++] = (xe){ 0, 1, MT_HE_ELEMENT, NULL, 1 };
		es[ne++] = (xe){ 1, 2, MT_HE_PROPERTY, "reload", 0 };
		for (uint32_t i = 0; i < nl; i++) {
			nodes[3 + i] = (xn){ "onReload", CLO, 103 + 2 * i, 32, 0 };
			ids[nc++] = 103 + 2 * i;
			es[ne++] = (xe){ 2, 3 + i, MT_HE_ELEMENT, NULL, i };
		}
		mt_heap *h = mkh(3 + nl, nodes, ne, es);
		mt_error err = MT_ERROR_INIT;
		mt_heap_doms *d = NULL;
		mt_findings *fs = NULL;
		mt_heap_growth_stats st;
		mt_heap_ids cand = { ids, nc };
		CHECK_OK(mt_heap_dominators(&d, h, &err));
		CHECK_OK(mt_findings_new(&fs));
		CHECK_OK(mt_heap_growth(fs, &st, h, d, &cand, "f", &err));
		CHECK_EQ_I(st.kept, nl + 1);
		if (nl == 9) {
			CHECK_EQ_I(mt_findings_count(fs), 0);
			CHECK_EQ_I(st.lone, 10);
		} else {
			CHECK_EQ_I(mt_findings_count(fs), 1);
			CHECK_EQ_S(mt_findings_get(fs, 0)->root, "reload");
			CHECK_EQ_I(mt_findings_get(fs, 0)->count, 11);
			CHECK_EQ_I(mt_findings_get(fs, 0)->bytes, 16 + 10 * 32);
			CHECK(strstr(mt_findings_get(fs, 0)->json, "\"classes\":{\"(closure) onReload\":10,\"Array\":1}"));
		}
		mt_findings_free(fs);
		mt_heap_doms_free(d);
		mt_heap_free(h);
	}
}

/* xorshift32: a fixed sequence for every seed */
static uint32_t rnd(uint32_t *s)
{
	uint32_t x = *s;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *s = x;
}

static void test_heap_compare__growth_random_graphs(void)
{
	/*
	 * Seeded random graphs (cycles, weak edges, orphans, code and natives,
	 * random candidate sets): never an error; every kept node is in exactly
	 * one reported finding or counted as left out; a cluster's bytes cover
	 * its members' self sizes; the same input gives the same findings.
	 */
	static const char *names[] = { "Object", "Array", "Foo", "system / Context", "<div>", "Text", "blink::X",
		"onTick", "", "Window / x" };
	static const uint8_t types[] = { OBJ, OBJ, CLO, NAT, NAT, MT_HN_CODE, MT_HN_STRING, MT_HN_HIDDEN, OBJ, CLO };
	static const uint8_t etypes[] = { MT_HE_PROPERTY, MT_HE_ELEMENT, MT_HE_CONTEXT, MT_HE_INTERNAL, MT_HE_WEAK,
		MT_HE_SHORTCUT, MT_HE_HIDDEN, MT_HE_PROPERTY };
	static const char *enames[] = { "a", "b", "context", "1", "handler" };
	for (uint32_t seed = 1; seed <= 300; seed++) {
		uint32_t s = seed * 2654435761u;
		uint32_t n = 2 + rnd(&s) % 120, ne = rnd(&s) % (3 * n + 1);
		xn *nodes = calloc(n, sizeof *nodes);
		xe *es = calloc(ne ? ne : 1, sizeof *es);
		uint32_t *cids = calloc(n, sizeof *cids), nc = 0;
		for (uint32_t i = 0; i < n; i++) {
			nodes[i].name = i ? names[rnd(&s) % 10] : "";
			nodes[i].type = i ? types[rnd(&s) % 10] : SYN;
			nodes[i].id = 2 * i + 1;
			nodes[i].self = rnd(&s) % 50;
			nodes[i].detached = nodes[i].type == NAT ? (uint8_t)(rnd(&s) % 3) : 0;
			if (i && rnd(&s) % 2)
				cids[nc++] = nodes[i].id; /* ascending */
		}
		for (uint32_t k = 0; k < ne; k++) {
			es[k].from = (uint32_t)((uint64_t)k * n / (ne ? ne : 1)); /* grouped by source, ascending */
			es[k].to = rnd(&s) % n;
			es[k].type = etypes[rnd(&s) % 8];
			es[k].name = enames[rnd(&s) % 5];
			es[k].idx = rnd(&s) % 4;
		}
		mt_heap *h = mkh(n, nodes, ne, es);
		mt_error err = MT_ERROR_INIT;
		mt_heap_doms *d = NULL;
		mt_findings *fs = NULL, *fs2 = NULL;
		mt_heap_growth_stats st, st2;
		mt_heap_ids cand = { cids, nc };
		int ok = !mt_heap_dominators(&d, h, &err) && !mt_findings_new(&fs) && !mt_findings_new(&fs2) &&
			!mt_heap_growth(fs, &st, h, d, &cand, "r", &err) && !mt_heap_growth(fs2, &st2, h, d, &cand, "r", &err);
		if (!ok) {
			MT_FAIL_("seed %u: %s", seed, err.msg);
		}
		uint64_t counted = st.engine_held + st.lone + st.unreachable;
		for (uint32_t i = 0; i < mt_findings_count(fs); i++) {
			const mt_finding *f = mt_findings_get(fs, i);
			counted += (uint64_t)f->count;
			if (f->bytes < jint(f->json, "self"))
				MT_FAIL_("seed %u: finding %u retains %lld < self %lld", seed, i, (long long)f->bytes,
					jint(f->json, "self"));
			if (strcmp(f->json, mt_findings_get(fs2, i)->json))
				MT_FAIL_("seed %u: finding %u differs between two runs", seed, i);
		}
		if (counted != st.kept || st.clusters != mt_findings_count(fs) || st.candidates != nc)
			MT_FAIL_("seed %u: kept %u, accounted %" PRIu64 "; clusters %u/%u; candidates %u/%u", seed, st.kept,
				counted, st.clusters, mt_findings_count(fs), st.candidates, nc);
		CHECK_EQ_I(mt_findings_count(fs2), mt_findings_count(fs));
		mt_findings_free(fs);
		mt_findings_free(fs2);
		mt_heap_doms_free(d);
		mt_heap_free(h);
		free(nodes);
		free(es);
		free(cids);
	}
}

/* ---- the shared corpus ---- */


static void test_heap_compare__corpus_three_snapshots(void)
{
	if (!mt_t_shared()) {
		printf("# skipped: no shared corpus (MT_SHARED)\n");
		return;
	}
	mt_error err = MT_ERROR_INIT;
	mt_heap_ids base = { 0 }, fresh = { 0 };
	/* one snapshot at a time, as the CLI does */
	mt_heap *h = mt_t_heap_corpus("baseline.heapsnapshot");
	CHECK(h != NULL);
	CHECK_OK(mt_heap_ids_of(&base, h, &err));
	CHECK_EQ_I(base.n, 43151);
	mt_heap_free(h);
	h = mt_t_heap_corpus("target.heapsnapshot");
	CHECK(h != NULL);
	CHECK_OK(mt_heap_ids_new(&fresh, h, &base, &err));
	CHECK_EQ_I(fresh.n, 50597 - 43151 + 8237); /* target's 15,683 new ids (see the diff test) */
	mt_heap_free(h);
	mt_heap_ids_free(&base);
	h = mt_t_heap_corpus("final.heapsnapshot");
	CHECK(h != NULL);
	mt_heap_doms *d = NULL;
	mt_findings *fs = NULL;
	mt_heap_growth_stats st;
	CHECK_OK(mt_heap_dominators(&d, h, &err));
	CHECK_OK(mt_findings_new(&fs));
	CHECK_OK(mt_heap_growth(fs, &st, h, d, &fresh, "final.heapsnapshot", &err));
	/* MANIFEST "Growth": 6,323 objects new in target and alive in final, 2,990,937 bytes of self size,
	 * including all 84 leaked detached DOM nodes */
	CHECK_EQ_I(st.candidates, 6323);
	CHECK_EQ_I(st.candidate_self, 2990937);
	CHECK_EQ_I(st.detached_dom, 84);
	CHECK_EQ_I(st.unreachable, 0);
	CHECK_EQ_I(st.clusters, mt_findings_count(fs));
	mt_findings_sort(fs);
	CHECK(mt_findings_count(fs) >= 5);
	/* the five app leaks, each one cluster, ranked first; their detached DOM trees per MANIFEST */
	static const struct {
		const char *root;
		long long instances, dom;
	} want[] = {
		{ "onKeydown", 5, 50 },      /* SettingsModal x5: 10 nodes each */
		{ "onResize", 3, 15 },       /* ResizablePanel x3: 5 each */
		{ "chartRegistry", 2, 8 },   /* SparkChartCard x2: 4 each */
		{ "onPortalClick", 1, 5 },   /* HelpTooltip */
		{ "opsStore", 1, 6 },        /* LiveFeed via the store watcher */
	};
	long long dom = 0;
	for (uint32_t i = 0; i < 5; i++) {
		const mt_finding *f = by_root(fs, want[i].root);
		if (!f)
			MT_FAIL_("no growth finding rooted at %s", want[i].root);
		CHECK_EQ_S(f->kind, "growth");
		CHECK_EQ_I(jint(f->json, "instances"), want[i].instances);
		CHECK_EQ_I(jint(f->json, "detached_dom"), want[i].dom);
		uint32_t rank = 0;
		while (mt_findings_get(fs, rank) != f)
			rank++;
		if (rank >= 5)
			MT_FAIL_("%s ranks %u, expected among the first five", want[i].root, rank + 1);
		dom += jint(mt_findings_get(fs, i)->json, "detached_dom");
	}
	CHECK_EQ_I(dom, 84); /* every leaked detached node is in the five */
	const mt_finding *feed = by_root(fs, "opsStore");
	/* LiveFeed keeps a 2 MiB ArrayBuffer and a 256 KiB base64 string through its watcher closures */
	CHECK(feed && feed->bytes > 2097152 + 262144);
	CHECK(strstr(feed->json, "\"ArrayBuffer\":1"));
	const mt_finding *modal = by_root(fs, "onKeydown");
	CHECK(modal && strstr(modal->json, "HTMLDocument") && strstr(modal->json, "\"Detached <div>\":10"));
	CHECK(strstr(by_root(fs, "chartRegistry")->json, "\"SparkChart\":2"));
	for (uint32_t i = 5; i < mt_findings_count(fs); i++) {
		const mt_finding *f = mt_findings_get(fs, i);
		CHECK_EQ_I(jint(f->json, "detached_dom"), 0);
		CHECK(f->score < mt_findings_get(fs, 4)->score);
	}
	/* the negative control: StatusClock (mem-trace-1d9b6e2f) is gone in final; nothing of it appears */
	for (uint32_t i = 0; i < mt_findings_count(fs); i++) {
		const char *j = mt_findings_get(fs, i)->json;
		CHECK(!strstr(j, "StatusClock") && !strstr(j, "1d9b6e2f") && !strstr(j, "onVisibility"));
	}
	mt_findings_free(fs);
	mt_heap_doms_free(d);
	mt_heap_free(h);
	mt_heap_ids_free(&fresh);
}

static void test_heap_compare__corpus_diff(void)
{
	if (!mt_t_shared()) {
		printf("# skipped: no shared corpus (MT_SHARED)\n");
		return;
	}
	mt_error err = MT_ERROR_INIT;
	mt_heap_census *ca = NULL, *cb = NULL;
	mt_heap_diff *d = NULL;
	mt_heap *h = mt_t_heap_corpus("baseline.heapsnapshot");
	CHECK(h != NULL);
	CHECK_OK(mt_heap_census_of(&ca, h, &err));
	mt_heap_free(h);
	h = mt_t_heap_corpus("target.heapsnapshot");
	CHECK(h != NULL);
	CHECK_OK(mt_heap_census_of(&cb, h, &err));
	mt_heap_free(h);
	CHECK_OK(mt_heap_diff_of(&d, ca, cb, &err));
	/* MANIFEST: baseline 43,151 nodes, target 50,597 (+7,446) */
	CHECK_EQ_I(d->base_nodes, 43151);
	CHECK_EQ_I(d->nodes, 50597);
	/* independently (Python over the same files): 15,683 ids new (3,049,913 bytes), 8,237 gone (34,436) */
	CHECK_EQ_I(d->added, 15683);
	CHECK_EQ_I(d->alloc_size, 3049913);
	CHECK_EQ_I(d->deleted, 8237);
	CHECK_EQ_I(d->freed_size, 34436);
	for (uint32_t i = 0; i < d->nrows; i++) {
		if (i)
			CHECK(d->rows[i - 1].size_delta > d->rows[i].size_delta ||
				(d->rows[i - 1].size_delta == d->rows[i].size_delta &&
					strcmp(d->rows[i - 1].cls, d->rows[i].cls) < 0));
	}
	static const struct {
		const char *cls;
		uint64_t added, deleted, alloc, freed;
	} want[] = {
		{ "system / JSArrayBufferData", 1, 0, 2097152, 0 }, /* LiveFeed's 2 MiB rawFrame */
		{ "(compiled code)", 3165, 187, 381252, 4104 },
		{ "(string)", 582, 3, 285648, 68 },   /* 4,764 new and 4,510 gone strings of size 0 are in no class */
		{ "Object", 344, 39, 18872, 2280 },
		{ "Array", 157, 14, 2512, 224 },
		{ "CanvasRenderingContext2D", 3, 0, 3520, 0 },
		{ "(closure) onKeydown", 5, 0, 160, 0 },
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		const mt_heap_diff_row *r = row_of(d, want[i].cls);
		if (!r)
			MT_FAIL_("no row for %s", want[i].cls);
		if (r->added != want[i].added || r->deleted != want[i].deleted || r->alloc_size != want[i].alloc ||
		    r->freed_size != want[i].freed)
			MT_FAIL_("%s: %" PRIu64 "/%" PRIu64 " %" PRIu64 "/%" PRIu64, want[i].cls, r->added, r->deleted,
				r->alloc_size, r->freed_size);
		CHECK_EQ_I(r->delta, (long long)want[i].added - (long long)want[i].deleted);
	}
	CHECK_EQ_S(d->rows[0].cls, "system / JSArrayBufferData");
	mt_heap_diff_free(d);
	mt_heap_census_free(ca);
	mt_heap_census_free(cb);
}

int main(void)
{
	MT_RUN(test_heap_compare__ids);
	MT_RUN(test_heap_compare__diff_by_class);
	MT_RUN(test_heap_compare__growth_hand_built);
	MT_RUN(test_heap_compare__growth_user_roots);
	MT_RUN(test_heap_compare__growth_repeats_under_one_holder);
	MT_RUN(test_heap_compare__growth_random_graphs);
	MT_RUN(test_heap_compare__corpus_three_snapshots);
	MT_RUN(test_heap_compare__corpus_diff);
	MT_DONE();
}
