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
#include "heap_testlib.h"
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
	mt_heap *h = mt_t_heap_new(n, ne);
	for (uint32_t i = 0; i < n; i++)
		mt_t_heap_node(h, i, nodes[i].name, nodes[i].type, 2 * i + 1, 100, nodes[i].detached);
	for (uint32_t k = 0; k < ne; k++)
		mt_t_heap_edge(h, k, es[k].from, es[k].to, es[k].type, es[k].name, 0);
	return mt_t_heap_done(h);
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
		mt_heap *h = mt_t_heap_corpus(want[i].file);
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


/* ---- the detectors on the corpus ---- */

typedef struct run {
	mt_heap *h;
	mt_heap_doms *d;
	mt_findings *fs;
} run;

static int run_leaks(run *r, const char *file)
{
	memset(r, 0, sizeof *r);
	r->h = mt_t_heap_corpus(file);
	if (!r->h)
		return 0;
	mt_error err = MT_ERROR_INIT;
	if (mt_heap_dominators(&r->d, r->h, &err) || mt_findings_new(&r->fs) ||
	    mt_heap_leaks(r->fs, r->h, r->d, file, NULL, &err)) {
		fprintf(stderr, "# %s: %s\n", file, err.msg);
		return -1;
	}
	mt_findings_sort(r->fs);
	return 1;
}

/* Runs the detectors on a corpus file into @r; skips the test without the corpus, fails it on an error. */
#define RUN_OR_SKIP(r, file)                                                  \
	do {                                                                      \
		int ok_ = run_leaks(&(r), (file));                                    \
		if (!ok_) {                                                           \
			printf("# skipped: no shared corpus\n");                          \
			return;                                                           \
		}                                                                     \
		if (ok_ < 0)                                                          \
			MT_FAIL_("%s: the detectors failed", (file));                     \
	} while (0)

static void run_free(run *r)
{
	mt_findings_free(r->fs);
	mt_heap_doms_free(r->d);
	mt_heap_free(r->h);
}

static const mt_finding *by_root(const mt_findings *fs, const char *kind, const char *root)
{
	for (uint32_t i = 0; i < mt_findings_count(fs); i++) {
		const mt_finding *f = mt_findings_get(fs, i);
		if (!strcmp(f->kind, kind) && !strcmp(f->root, root))
			return f;
	}
	return NULL;
}

/* The text of "key":<value> in a finding's JSON (objects without nested braces, numbers, strings). */
static char *field(const char *json, const char *key, char *buf, size_t cap)
{
	char k[64];
	snprintf(k, sizeof k, "\"%s\":", key);
	const char *p = strstr(json, k);
	buf[0] = 0;
	if (!p)
		return buf;
	p += strlen(k);
	const char *e = p;
	if (*p == '{')
		e = strchr(p, '}') + 1;
	else if (*p == '"') {
		for (e = p + 1; *e && *e != '"'; e++)
			if (*e == '\\')
				e++;
		e++;
	} else
		while (*e && *e != ',' && *e != '}')
			e++;
	size_t n = (size_t)(e - p) < cap - 1 ? (size_t)(e - p) : cap - 1;
	memcpy(buf, p, n);
	buf[n] = 0;
	return buf;
}

static long long num(const char *json, const char *key)
{
	char b[64];
	return strtoll(field(json, key, b, sizeof b), NULL, 10);
}

/* Adds the counts of a "nodes" object to per-tag totals ("<div", "Text", ...). */
typedef struct tag { char tag[32]; long long n; } tag;

static void add_tags(const char *nodes, tag *t, int *nt)
{
	for (const char *p = nodes; (p = strchr(p, '"'));) {
		char name[256];
		size_t k = 0;
		for (p++; *p && *p != '"' && k < sizeof name - 1; p++) {
			if (*p == '\\')
				p++;
			name[k++] = *p;
		}
		name[k] = 0;
		p++;
		if (*p != ':')
			continue;
		long long c = strtoll(p + 1, NULL, 10);
		char tg[32];
		size_t m = 0;
		for (const char *q = name; *q && *q != ' ' && *q != '>' && m < sizeof tg - 1; q++)
			tg[m++] = *q;
		tg[m] = 0;
		int i;
		for (i = 0; i < *nt && strcmp(t[i].tag, tg); i++)
			;
		if (i == *nt) {
			snprintf(t[i].tag, sizeof t[i].tag, "%s", tg);
			t[i].n = 0;
			(*nt)++;
		}
		t[i].n += c;
	}
}

static long long tag_n(const tag *t, int nt, const char *tg)
{
	for (int i = 0; i < nt; i++)
		if (!strcmp(t[i].tag, tg))
			return t[i].n;
	return 0;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && !strcmp(s + a - b, suffix);
}

static void test_heap_leaks__detached_dom_final(void)
{
	run r;
	RUN_OR_SKIP(r, "final.heapsnapshot");
	static char b[16384];
	/* MANIFEST table: one finding per leak, clustered by retainer path */
	static const struct {
		const char *root;
		int count, instances;
		const char *nodes;
	} want[] = {
		{ "onKeydown", 50, 5, "{\"Text\":15,\"<button type=\\\"button\\\" class=\\\"settings-close\\\">\":5,"
		  "\"<div class=\\\"settings-modal\\\">\":5,\"<div>\":5,\"<form class=\\\"settings-form\\\">\":5,"
		  "\"<input class=\\\"settings-input\\\">\":5,\"<label class=\\\"settings-label\\\">\":5,\"ShadowRoot\":5}" },
		{ "onResize", 15, 3, "{\"Text\":6,\"<div class=\\\"resizable-panel\\\">\":3,\"<h3 class=\\\"panel-title\\\">\":3,"
		  "\"<p class=\\\"panel-width\\\">\":3}" },
		{ "chartRegistry", 8, 2, "{\"<canvas class=\\\"spark-canvas\\\" width=\\\"120\\\" height=\\\"40\\\">\":2,"
		  "\"<div class=\\\"chart-card\\\">\":2,\"<span class=\\\"chart-label\\\">\":2,\"Text\":2}" },
		{ "opsStore", 6, 1, "{\"Text\":2,\"<h4 class=\\\"feed-title\\\">\":1,\"<li class=\\\"feed-item\\\">\":1,"
		  "\"<ol class=\\\"feed-list\\\">\":1,\"<section class=\\\"live-feed\\\" data-alerts=\\\"3\\\">\":1}" },
		{ "onPortalClick", 5, 1, "{\"Text\":2,\"<aside class=\\\"help-tooltip\\\">\":1,\"<em class=\\\"tip-body\\\">\":1,"
		  "\"<strong class=\\\"tip-heading\\\">\":1}" },
	};
	uint32_t ndd = 0;
	long long total = 0, self = 0;
	tag tags[64];
	int nt = 0;
	for (uint32_t i = 0; i < mt_findings_count(r.fs); i++) {
		const mt_finding *f = mt_findings_get(r.fs, i);
		if (strcmp(f->kind, "detached-dom"))
			continue;
		ndd++;
		total += f->count;
		self += num(f->json, "self_bytes");
		CHECK_EQ_I(num(f->json, "count"), f->count);
		add_tags(field(f->json, "nodes", b, sizeof b), tags, &nt);
		CHECK(strstr(f->json, "StatusClock") == NULL && strstr(f->json, "1d9b6e2f") == NULL);
	}
	CHECK_EQ_I(ndd, 6);
	CHECK_EQ_I(total, 85);
	CHECK_EQ_I(self, 11752);
	/* MANIFEST totals by tag */
	static const struct { const char *tag; long long n; } tt[] = {
		{ "Text", 27 }, { "<div", 15 }, { "ShadowRoot", 5 }, { "<form", 5 }, { "<label", 5 }, { "<input", 5 },
		{ "<button", 5 }, { "<h3", 3 }, { "<p", 3 }, { "<canvas", 2 }, { "<span", 2 }, { "<aside", 1 },
		{ "<strong", 1 }, { "<em", 1 }, { "<section", 1 }, { "<h4", 1 }, { "<ol", 1 }, { "<li", 1 }, { "<template", 1 },
	};
	for (size_t i = 0; i < sizeof tt / sizeof tt[0]; i++)
		if (tag_n(tags, nt, tt[i].tag) != tt[i].n)
			MT_FAIL_("%s: %lld nodes, expected %lld", tt[i].tag, tag_n(tags, nt, tt[i].tag), tt[i].n);
	CHECK_EQ_I(nt, 19);
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		const mt_finding *f = by_root(r.fs, "detached-dom", want[i].root);
		if (!f)
			MT_FAIL_("no detached-dom finding held by %s", want[i].root);
		CHECK_EQ_I(f->count, want[i].count);
		CHECK_EQ_I(num(f->json, "instances"), want[i].instances);
		CHECK_EQ_S(field(f->json, "nodes", b, sizeof b), want[i].nodes);
		CHECK(strstr(f->json, "\"benign\":false") != NULL);
		CHECK(f->bytes > 0 && f->score > 1);
	}
	/* the leaks rank above the benign <template>, which is last */
	const mt_finding *last = mt_findings_get(r.fs, mt_findings_count(r.fs) - 1);
	CHECK_EQ_S(field(last->json, "tree_root", b, sizeof b), "\"<template>\"");
	CHECK(strstr(last->json, "\"benign\":true") != NULL && strstr(last->json, "\"note\":") != NULL);
	CHECK_EQ_I(last->count, 1);
	CHECK(last->score == 0);
	CHECK_EQ_S(mt_findings_get(r.fs, 0)->root, "onKeydown");

	/* MANIFEST "Expected retainer chains": key steps of each path */
	const mt_finding *f = by_root(r.fs, "detached-dom", "onResize");
	field(f->json, "path", b, sizeof b);
	CHECK(!strncmp(b, "\"Window / http://127.0.0.1:", 27) && strstr(b, "blink::EventTargetData") != NULL);
	CHECK(strstr(b, "blink::RegisteredEventListener[1] -> EventListener[1] -> V8EventListener[1] -> onResize (closure)"));
	CHECK(ends_with(b, "onResize (closure) -> context -> panelNode -> Detached <div class=\\\"resizable-panel\\\">\""));
	f = by_root(r.fs, "detached-dom", "onKeydown");
	field(f->json, "path", b, sizeof b);
	CHECK(strstr(b, "HTMLDocument[") != NULL && strstr(b, "V8EventListener[1] -> onKeydown (closure)") != NULL);
	CHECK(ends_with(b, "onKeydown (closure) -> context -> modalNode -> Detached <div class=\\\"settings-modal\\\">\""));
	f = by_root(r.fs, "detached-dom", "chartRegistry");
	field(f->json, "path", b, sizeof b);
	CHECK(strstr(b, "-> chartRegistry -> Array[") != NULL);
	CHECK(ends_with(b, "SparkChart -> canvas -> Detached <canvas class=\\\"spark-canvas\\\" width=\\\"120\\\" height=\\\"40\\\">\""));
	f = by_root(r.fs, "detached-dom", "onPortalClick");
	field(f->json, "path", b, sizeof b);
	CHECK(strstr(b, "<div id=\\\"portal-root\\\">") != NULL && strstr(b, "blink::EventTargetData") != NULL);
	CHECK(ends_with(b, "onPortalClick (closure) -> context -> tipNode -> Detached <aside class=\\\"help-tooltip\\\">\""));
	f = by_root(r.fs, "detached-dom", "opsStore");
	field(f->json, "path", b, sizeof b);
	CHECK(strstr(b, "-> opsStore -> system / JSProxy") != NULL);
	CHECK(strstr(b, "-> eD -> subs -> e$ -> sub -> t$ -> fn -> (anonymous closure) -> context") != NULL);
	CHECK(ends_with(b, "feedNode -> Detached <section class=\\\"live-feed\\\" data-alerts=\\\"3\\\">\""));
	/* structured steps: the last one is the tree root */
	CHECK(strstr(f->json, "\"edge\":\"feedNode\",\"edge_type\":\"context\",\"node\":\"Detached <section") != NULL);
	run_free(&r);
}

static void test_heap_leaks__detached_dom_baseline_and_target(void)
{
	run r;
	RUN_OR_SKIP(r, "baseline.heapsnapshot");
	/* baseline: only Vue's templateContainer, and it is benign; nothing else is flagged */
	CHECK(mt_findings_count(r.fs) >= 1);
	for (uint32_t i = 0; i < mt_findings_count(r.fs); i++) {
		const mt_finding *f = mt_findings_get(r.fs, i);
		if (!strstr(f->json, "\"benign\":true"))
			MT_FAIL_("baseline finding %s %s is flagged as an app leak", f->kind, f->root);
	}
	char b[256];
	CHECK_EQ_S(field(mt_findings_get(r.fs, 0)->json, "nodes", b, sizeof b), "{\"<template>\":1}");
	run_free(&r);
	/* target: the 5 modals are detached already, the widgets not yet (51 = 50 + 1) */
	CHECK(run_leaks(&r, "target.heapsnapshot") > 0);
	long long total = 0;
	uint32_t nd = 0;
	for (uint32_t i = 0; i < mt_findings_count(r.fs); i++) {
		const mt_finding *f = mt_findings_get(r.fs, i);
		if (!strcmp(f->kind, "detached-dom")) {
			total += f->count;
			nd++;
		}
	}
	CHECK_EQ_I(nd, 2);
	CHECK_EQ_I(total, 51);
	const mt_finding *f = by_root(r.fs, "detached-dom", "onKeydown");
	CHECK(f != NULL && f->count == 50 && num(f->json, "instances") == 5);
	run_free(&r);
}

static void test_heap_leaks__holders_final(void)
{
	run r;
	RUN_OR_SKIP(r, "final.heapsnapshot");
	char b[4096];
	/* 6 detached-dom + 3 listeners + 2 large objects, nothing else */
	CHECK_EQ_I(mt_findings_count(r.fs), 11);
	/* listeners whose closures keep the detached trees */
	static const struct {
		const char *root, *target;
		int count, detached;
	} lw[] = {
		{ "onKeydown", "\"HTMLDocument\"", 5, 50 },
		{ "onResize", "\"Window / http://127.0.0.1:", 3, 15 },
		{ "onPortalClick", "\"<div id=\\\"portal-root\\\">\"", 1, 5 },
	};
	for (size_t i = 0; i < sizeof lw / sizeof lw[0]; i++) {
		const mt_finding *f = by_root(r.fs, "listeners", lw[i].root);
		if (!f)
			MT_FAIL_("no listeners finding for %s", lw[i].root);
		CHECK_EQ_I(f->count, lw[i].count);
		CHECK_EQ_I(num(f->json, "detached_nodes"), lw[i].detached);
		CHECK(!strncmp(field(f->json, "target", b, sizeof b), lw[i].target, strlen(lw[i].target)));
		CHECK(strstr(f->json, "\"event\":null") != NULL);
		field(f->json, "path", b, sizeof b);
		CHECK(strstr(b, "blink::EventTargetData") != NULL && strstr(b, "V8EventListener[1] -> ") != NULL);
	}
	const mt_finding *f = by_root(r.fs, "listeners", "onKeydown");
	CHECK_EQ_S(field(f->json, "captured", b, sizeof b), "{\"<div class=\\\"settings-modal\\\">\":5}");
	/* LiveFeed's payloads, held through the reactive store: a 2 MiB ArrayBuffer, a 262,166-char string */
	f = by_root(r.fs, "large-object", "rawFrame");
	CHECK(f != NULL);
	CHECK(f->bytes >= 2097152 && f->bytes < 2097152 + 4096);
	CHECK_EQ_S(field(f->json, "class", b, sizeof b), "\"ArrayBuffer\"");
	CHECK_EQ_S(field(f->json, "holder", b, sizeof b), "\"opsStore\"");
	CHECK(strstr(f->json, "\"reactive\":true") != NULL);
	CHECK(ends_with(field(f->json, "path", b, sizeof b), "-> rawFrame -> tE -> _rawValue -> ArrayBuffer\""));
	f = by_root(r.fs, "large-object", "snapshotImage");
	CHECK(f != NULL);
	CHECK(f->bytes >= 262166 && f->bytes < 262166 + 4096);
	CHECK(strstr(f->json, "\"type\":\"concatenated string\"") != NULL && strstr(f->json, "\"reactive\":true"));
	/* the negative control StatusClock (trace id mem-trace-1d9b6e2f) is in no finding */
	for (uint32_t i = 0; i < mt_findings_count(r.fs); i++) {
		const mt_finding *g = mt_findings_get(r.fs, i);
		CHECK(strstr(g->json, "StatusClock") == NULL && strstr(g->json, "1d9b6e2f") == NULL);
		CHECK(strstr(g->json, "status-clock") == NULL && strstr(g->json, "visibilitychange") == NULL);
	}
	run_free(&r);
}

static void test_heap_leaks__holders_node(void)
{
	run r;
	RUN_OR_SKIP(r, "node-leak.heapsnapshot");
	char b[4096];
	/* MANIFEST: exactly the two leaks, 300 each; no detached DOM in a Node process */
	CHECK_EQ_I(mt_findings_count(r.fs), 2);
	const mt_finding *f = by_root(r.fs, "listeners", "onConfigReload");
	CHECK(f != NULL);
	CHECK_EQ_I(f->count, 300);
	CHECK_EQ_S(field(f->json, "target", b, sizeof b), "\"ConfigBus\"");
	CHECK_EQ_S(field(f->json, "event", b, sizeof b), "\"config-reload\"");
	CHECK_EQ_S(field(f->json, "listeners", b, sizeof b), "{\"onConfigReload\":300}");
	CHECK_EQ_S(field(f->json, "captured", b, sizeof b), "{\"RequestContext\":300}");
	/* each RequestContext holds a 4 KiB Buffer: the listener array retains more than 300 x 4 KiB */
	CHECK(f->bytes > 300 * 4096);
	field(f->json, "path", b, sizeof b);
	CHECK(!strncmp(b, "\"(GC roots)[", 12) && strstr(b, "(Handle scope)[") != NULL);
	CHECK(ends_with(b, "-> Object -> config-reload -> Array\""));
	f = by_root(r.fs, "collection", "sessionCache");
	CHECK(f != NULL);
	CHECK_EQ_I(f->count, 300);
	CHECK_EQ_S(field(f->json, "container", b, sizeof b), "\"Map\"");
	CHECK_EQ_S(field(f->json, "class", b, sizeof b), "\"SessionRecord\"");
	CHECK(ends_with(field(f->json, "script", b, sizeof b), "leaky-service.js\""));
	field(f->json, "path", b, sizeof b);
	CHECK(strstr(b, "(Handle scope)[") != NULL && ends_with(b, "-> Map\""));
	/* node's own BuiltinModule map (over 300 entries) is runtime state, not a finding */
	CHECK(strstr(mt_findings_get(r.fs, 0)->json, "BuiltinModule") == NULL);
	CHECK(strstr(mt_findings_get(r.fs, 1)->json, "BuiltinModule") == NULL);
	/* thresholds: past 300 listeners the 1.3 MB listener array is still a big collection of
	 * closures; past every threshold nothing is reported */
	mt_findings *fs2 = NULL;
	mt_error err = MT_ERROR_INIT;
	mt_heap_leak_opts o = MT_HEAP_LEAK_OPTS_INIT;
	o.min_listeners = 301;
	o.min_instances = 301;
	CHECK_OK(mt_findings_new(&fs2));
	CHECK_OK(mt_heap_leaks(fs2, r.h, r.d, "x", &o, &err));
	CHECK_EQ_I(mt_findings_count(fs2), 1);
	f = mt_findings_get(fs2, 0);
	CHECK_EQ_S(f->kind, "collection");
	CHECK_EQ_S(f->root, "config-reload");
	CHECK_EQ_I(f->count, 300);
	CHECK_EQ_S(field(f->json, "class", b, sizeof b), "\"(closure) onConfigReload\"");
	mt_findings_free(fs2);
	o.min_large = UINT64_MAX;
	CHECK_OK(mt_findings_new(&fs2));
	CHECK_OK(mt_heap_leaks(fs2, r.h, r.d, "x", &o, &err));
	CHECK_EQ_I(mt_findings_count(fs2), 0);
	mt_findings_free(fs2);
	run_free(&r);
}

/* ---- detectors on hand-built graphs ---- */

static mt_findings *leaks_of(mt_heap *h, mt_heap_doms **d)
{
	mt_findings *fs = NULL;
	mt_error err = MT_ERROR_INIT;
	*d = NULL;
	if (mt_heap_dominators(d, h, &err) || mt_findings_new(&fs) || mt_heap_leaks(fs, h, *d, "g", NULL, &err)) {
		fprintf(stderr, "# %s\n", err.msg);
		mt_findings_free(fs);
		return NULL;
	}
	mt_findings_sort(fs);
	return fs;
}

static void test_heap_leaks__old_names_and_large_objects(void)
{
	/*
	 * 1 (GC roots) -> 2 Window [JSGlobalObject] -(keep)-> 3 keep (closure) -context-> 4 ctx
	 *   4 -rows-> 5 Array -elements-> 6 (array) -[0]-> 7 "Detached HTMLTableRowElement" -> 8 "Detached Text"
	 *   4 -blob-> 9 Holder -data-> 10 concatenated string (2 parts: 11, 12; 300 KB)
	 * 1 -> 13 system / Script / x.js (code) -source-> 14 string of 400 KB (script source: not reported)
	 * 1 -> 15 "Detached DOM tree / 2 entries" (synthetic group) -> 7
	 */
	const gn nodes[] = {
		{ "", MT_HN_SYNTHETIC, 0 }, { "(GC roots)", MT_HN_SYNTHETIC, 0 },
		{ "Window [JSGlobalObject] / x", OBJ, 0 }, { "keep", MT_HN_CLOSURE, 0 }, { "system / Context", OBJ, 0 },
		{ "Array", OBJ, 0 }, { "", MT_HN_ARRAY, 0 }, { "Detached HTMLTableRowElement", NAT, 0 },
		{ "Detached Text", NAT, 0 }, { "Holder", OBJ, 0 }, { "(concatenated string)", MT_HN_CONCAT_STRING, 0 },
		{ "aaaa", MT_HN_STRING, 0 }, { "bbbb", MT_HN_STRING, 0 }, { "system / Script / x.js", MT_HN_CODE, 0 },
		{ "/* source */", MT_HN_STRING, 0 }, { "Detached DOM tree / 2 entries", MT_HN_SYNTHETIC, 0 },
	};
	const ge es[] = {
		{ 0, 1, MT_HE_ELEMENT, NULL }, { 0, 2, MT_HE_SHORTCUT, "w" },
		{ 1, 2, MT_HE_ELEMENT, NULL }, { 1, 13, MT_HE_ELEMENT, NULL }, { 1, 15, MT_HE_ELEMENT, NULL },
		{ 2, 3, MT_HE_PROPERTY, "keep" },
		{ 3, 4, MT_HE_INTERNAL, "context" },
		{ 4, 5, MT_HE_CONTEXT, "rows" }, { 4, 9, MT_HE_CONTEXT, "blob" },
		{ 5, 6, MT_HE_INTERNAL, "elements" },
		{ 6, 7, MT_HE_ELEMENT, NULL },
		{ 7, 8, MT_HE_INTERNAL, "firstChild" },
		{ 8, 7, MT_HE_INTERNAL, "parentNode" },
		{ 9, 10, MT_HE_PROPERTY, "data" },
		{ 10, 11, MT_HE_INTERNAL, "first" }, { 10, 12, MT_HE_INTERNAL, "second" },
		{ 13, 14, MT_HE_INTERNAL, "source" },
		{ 15, 7, MT_HE_ELEMENT, NULL },
	};
	mt_heap *h = mk(NN(nodes), nodes, NN(es), es);
	free(h->node_detached);
	h->node_detached = NULL;
	h->node_self[11] = h->node_self[12] = 150 * 1024;
	h->node_self[14] = 400 * 1024;
	mt_heap_doms *d;
	mt_findings *fs = leaks_of(h, &d);
	CHECK(fs != NULL);
	char b[2048];
	CHECK_EQ_I(mt_findings_count(fs), 2);
	const mt_finding *f = by_root(fs, "detached-dom", "rows");
	CHECK(f != NULL);
	CHECK_EQ_I(f->count, 2);
	CHECK_EQ_S(field(f->json, "nodes", b, sizeof b), "{\"Detached HTMLTableRowElement\":1,\"Detached Text\":1}");
	CHECK(ends_with(field(f->json, "path", b, sizeof b),
		"keep (closure) -> context -> rows -> Array -> elements -> (array)[0] -> Detached HTMLTableRowElement\""));
	f = by_root(fs, "large-object", "data");
	CHECK(f != NULL);
	CHECK_EQ_I(f->bytes, 300 * 1024 + 100);
	CHECK_EQ_S(field(f->json, "holder", b, sizeof b), "\"blob\"");
	CHECK(strstr(f->json, "\"reactive\":false") != NULL);
	mt_findings_free(fs);
	mt_heap_doms_free(d);
	mt_heap_free(h);
}

static void test_heap_leaks__collections_of_program_classes_only(void)
{
	/* two Maps of 120 instances each: class App (from app.js) and class Builtin (from node:internal) */
	enum { N = 120 };
	static gn nodes[8 + 2 * N];
	static ge es[16 + 4 * N];
	const gn fixed[] = {
		{ "", MT_HN_SYNTHETIC, 0 }, { "system / Context", OBJ, 0 }, { "Map", OBJ, 0 }, { "Map", OBJ, 0 },
		{ "Object", OBJ, 0 } /* App.prototype */, { "App", MT_HN_CLOSURE, 0 }, { "App", MT_HN_CODE, 0 },
		{ "<app>/app.js", MT_HN_CODE, 0 },
	};
	memcpy(nodes, fixed, sizeof fixed);
	uint32_t ne = 0;
	es[ne++] = (ge){ 0, 1, MT_HE_ELEMENT, NULL };
	es[ne++] = (ge){ 1, 2, MT_HE_CONTEXT, "appCache" };
	es[ne++] = (ge){ 1, 3, MT_HE_CONTEXT, "builtins" };
	for (uint32_t i = 0; i < N; i++)
		es[ne++] = (ge){ 2, 8 + i, MT_HE_INTERNAL, "v" };
	for (uint32_t i = 0; i < N; i++)
		es[ne++] = (ge){ 3, 8 + N + i, MT_HE_INTERNAL, "v" };
	es[ne++] = (ge){ 4, 5, MT_HE_PROPERTY, "constructor" };
	es[ne++] = (ge){ 5, 6, MT_HE_INTERNAL, "shared" };
	es[ne++] = (ge){ 6, 7, MT_HE_INTERNAL, "script_or_debug_info" };
	for (uint32_t i = 0; i < N; i++) {
		nodes[8 + i] = (gn){ "App", OBJ, 0 };
		es[ne++] = (ge){ 8 + i, 4, MT_HE_PROPERTY, "__proto__" };
	}
	for (uint32_t i = 0; i < N; i++)
		nodes[8 + N + i] = (gn){ "Builtin", OBJ, 0 }; /* no constructor found: not the program's */
	mt_heap *h = mk(8 + 2 * N, nodes, ne, es);
	mt_heap_doms *d;
	mt_findings *fs = leaks_of(h, &d);
	CHECK(fs != NULL);
	char b[512];
	CHECK_EQ_I(mt_findings_count(fs), 1);
	const mt_finding *f = mt_findings_get(fs, 0);
	CHECK_EQ_S(f->kind, "collection");
	CHECK_EQ_S(f->root, "appCache");
	CHECK_EQ_I(f->count, N);
	CHECK_EQ_S(field(f->json, "script", b, sizeof b), "\"<app>/app.js\"");
	/* the same class from the runtime's own script is not reported */
	mt_strtab_intern_cstr(h->strings, "node:internal/app", &h->node_name[7]);
	mt_findings_free(fs);
	mt_heap_doms_free(d);
	fs = leaks_of(h, &d);
	CHECK(fs != NULL);
	CHECK_EQ_I(mt_findings_count(fs), 0);
	mt_findings_free(fs);
	mt_heap_doms_free(d);
	mt_heap_free(h);
}

static void test_heap_leaks__fifty_thousand_trees_cluster_into_one(void)
{
	/* 0 -> 1 (GC roots) -> 2 global -rows-> 3 Array -elements-> 4 (array) -[i]-> <tr> -> <td> -> Text */
	enum { T = 50000, NN_ = 5 + 3 * T };
	gn *nodes = calloc(NN_, sizeof *nodes);
	ge *es = calloc(4 + 3 * T, sizeof *es);
	nodes[0] = (gn){ "", MT_HN_SYNTHETIC, 0 };
	nodes[1] = (gn){ "(GC roots)", MT_HN_SYNTHETIC, 0 };
	nodes[2] = (gn){ "global", OBJ, 0 };
	nodes[3] = (gn){ "Array", OBJ, 0 };
	nodes[4] = (gn){ "", MT_HN_ARRAY, 0 };
	uint32_t ne = 0;
	es[ne++] = (ge){ 0, 1, MT_HE_ELEMENT, NULL };
	es[ne++] = (ge){ 1, 2, MT_HE_ELEMENT, NULL };
	es[ne++] = (ge){ 2, 3, MT_HE_PROPERTY, "rows" };
	es[ne++] = (ge){ 3, 4, MT_HE_INTERNAL, "elements" };
	for (uint32_t i = 0; i < T; i++)
		es[ne++] = (ge){ 4, 5 + 3 * i, MT_HE_ELEMENT, NULL };
	for (uint32_t i = 0; i < T; i++) {
		nodes[5 + 3 * i] = (gn){ "<tr>", NAT, 2 };
		nodes[6 + 3 * i] = (gn){ "<td>", NAT, 0 };
		nodes[7 + 3 * i] = (gn){ "Text", NAT, 0 };
		es[ne++] = (ge){ 5 + 3 * i, 6 + 3 * i, MT_HE_ELEMENT, NULL };
		es[ne++] = (ge){ 6 + 3 * i, 7 + 3 * i, MT_HE_ELEMENT, NULL };
	}
	mt_heap *h = mk(NN_, nodes, ne, es);
	for (uint32_t i = 0; i < T; i++) /* the element index of each row differs: [i] */
		h->edge_name[h->first_edge[4] + i] = i;
	mt_heap_doms *d;
	mt_findings *fs = leaks_of(h, &d);
	CHECK(fs != NULL);
	char b[256];
	CHECK_EQ_I(mt_findings_count(fs), 1);
	const mt_finding *f = mt_findings_get(fs, 0);
	CHECK_EQ_S(f->root, "rows");
	CHECK_EQ_I(f->count, 3 * T);
	CHECK_EQ_I(num(f->json, "instances"), T);
	CHECK_EQ_I(f->bytes, 3 * T * 100);
	CHECK_EQ_S(field(f->json, "nodes", b, sizeof b), "{\"<td>\":50000,\"<tr>\":50000,\"Text\":50000}");
	CHECK(strstr(f->json, "\"path\":\"(GC roots)[0] -> global -> rows -> Array -> elements -> (array)[0] -> Detached <tr>\"") != NULL);
	mt_findings_free(fs);
	mt_heap_doms_free(d);
	mt_heap_free(h);
	free(nodes);
	free(es);
}

/* ---- seeded random graphs: no crash, every detached DOM node in exactly one finding, same output twice ---- */

static uint64_t rng = 88172645463325252ULL;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

static char *all_json(const mt_findings *fs)
{
	size_t len = 1;
	for (uint32_t i = 0; i < mt_findings_count(fs); i++)
		len += strlen(mt_findings_get(fs, i)->json) + 1;
	char *s = malloc(len), *p = s;
	for (uint32_t i = 0; i < mt_findings_count(fs); i++)
		p += sprintf(p, "%s\n", mt_findings_get(fs, i)->json);
	*p = 0;
	return s;
}

static void test_heap_leaks__random_graphs(void)
{
	static const char *const names[] = {
		"<div>", "<span class=\"a\">", "Text", "ShadowRoot", "Comment", "<template>", "Detached HTMLDivElement",
		"Detached DOM tree / 1 entries", "Window / x", "Window [JSGlobalObject] / x", "blink::EventTargetData",
		"V8EventListener", "EventListener", "blink::RegisteredEventListener", "Array", "Map", "Set", "Object",
		"EventEmitter", "ArrayBuffer", "system / Context", "system / JSProxy", "onX", "", "App", "app.js",
		"node:internal/x", "(GC roots)",
	};
	static const char *const enames[] = {
		"context", "_events", "ev", "elements", "table", "properties", "__proto__", "constructor", "shared",
		"script_or_debug_info", "x", "rows", "_value", "123", "",
	};
	static const uint8_t types[] = { NAT, NAT, NAT, OBJ, OBJ, MT_HN_CLOSURE, MT_HN_ARRAY, MT_HN_STRING,
		MT_HN_CONCAT_STRING, MT_HN_SYNTHETIC, MT_HN_HIDDEN, MT_HN_CODE };
	int bad = 0;
	for (int round = 0; round < 400 && bad < 3; round++) {
		uint32_t n = 2 + rnd(60), m = rnd(4 * n + 1);
		gn nodes[64];
		ge es[256];
		for (uint32_t i = 0; i < n; i++) {
			nodes[i].name = names[rnd(sizeof names / sizeof names[0])];
			nodes[i].type = types[rnd(sizeof types)];
			nodes[i].detached = (uint8_t)rnd(3);
		}
		for (uint32_t k = 0; k < m; k++) {
			es[k].from = k < n ? k % n : rnd(n); /* most nodes get an edge */
			es[k].to = rnd(n);
			es[k].type = (uint8_t)rnd(MT_HE__COUNT - 1);
			es[k].name = enames[rnd(sizeof enames / sizeof enames[0])];
		}
		for (uint32_t a = 1; a < m; a++) /* group by source (insertion sort, stable) */
			for (uint32_t b = a; b > 0 && es[b - 1].from > es[b].from; b--) {
				ge t = es[b];
				es[b] = es[b - 1];
				es[b - 1] = t;
			}
		mt_heap *h = mk(n, nodes, m, es);
		for (uint32_t i = 0; i < n; i++)
			h->node_self[i] = rnd(4) ? rnd(200) : 300000;
		uint8_t st[64];
		uint32_t ndom = 0;
		mt_error err = MT_ERROR_INIT;
		mt_heap_doms *d = NULL;
		mt_findings *a = NULL, *b = NULL;
		if (mt_heap_detached(h, st, &ndom, &err) || mt_heap_dominators(&d, h, &err) || mt_findings_new(&a) ||
		    mt_findings_new(&b) || mt_heap_leaks(a, h, d, "r", NULL, &err) || mt_heap_leaks(b, h, d, "r", NULL, &err)) {
			fprintf(stderr, "# round %d: %s\n", round, err.msg);
			bad++;
		} else {
			long long total = 0;
			for (uint32_t i = 0; i < mt_findings_count(a); i++) {
				const mt_finding *f = mt_findings_get(a, i);
				if (!strcmp(f->kind, "detached-dom"))
					total += f->count;
				if (strncmp(f->json, "{\"kind\":\"", 9) || f->json[strlen(f->json) - 1] != '}')
					bad++;
			}
			char *ja = all_json(a), *jb = all_json(b);
			if (total != ndom || strcmp(ja, jb)) {
				fprintf(stderr, "# round %d: %lld nodes in findings, %u detached DOM nodes\n", round, total, ndom);
				bad++;
			}
			free(ja);
			free(jb);
		}
		mt_findings_free(a);
		mt_findings_free(b);
		mt_heap_doms_free(d);
		mt_heap_free(h);
	}
	CHECK_EQ_I(bad, 0);
}

static void test_heap_leaks__blink_listener_holding_a_big_string(void)
{
	/* Window -> EventTargetData -> RegisteredEventListener -> EventListener -> V8EventListener
	 * -> onScroll (closure) -context-> scope -cache-> 300 KB string; and a small onClick listener */
	const gn nodes[] = {
		{ "", MT_HN_SYNTHETIC, 0 }, { "Window / x", NAT, 1 }, { "blink::EventTargetData", NAT, 0 },
		{ "blink::RegisteredEventListener", NAT, 0 }, { "EventListener", NAT, 0 }, { "V8EventListener", NAT, 0 },
		{ "onScroll", MT_HN_CLOSURE, 0 }, { "system / Context", OBJ, 0 }, { "big", MT_HN_STRING, 0 },
		{ "blink::RegisteredEventListener", NAT, 0 }, { "EventListener", NAT, 0 }, { "V8EventListener", NAT, 0 },
		{ "onClick", MT_HN_CLOSURE, 0 },
	};
	const ge es[] = {
		{ 0, 1, MT_HE_ELEMENT, NULL }, { 1, 2, MT_HE_ELEMENT, NULL }, { 2, 3, MT_HE_ELEMENT, NULL },
		{ 2, 9, MT_HE_ELEMENT, NULL }, { 3, 4, MT_HE_ELEMENT, NULL }, { 4, 5, MT_HE_ELEMENT, NULL },
		{ 5, 6, MT_HE_ELEMENT, NULL }, { 6, 7, MT_HE_INTERNAL, "context" }, { 7, 8, MT_HE_CONTEXT, "cache" },
		{ 9, 10, MT_HE_ELEMENT, NULL }, { 10, 11, MT_HE_ELEMENT, NULL }, { 11, 12, MT_HE_ELEMENT, NULL },
	};
	mt_heap *h = mk(NN(nodes), nodes, NN(es), es);
	h->node_self[8] = 300 * 1024;
	mt_heap_doms *d;
	mt_findings *fs = leaks_of(h, &d);
	CHECK(fs != NULL);
	char b[1024];
	/* the listener (its scope holds 300 KB) and the string itself; not the small onClick */
	CHECK_EQ_I(mt_findings_count(fs), 2);
	const mt_finding *f = by_root(fs, "listeners", "onScroll");
	CHECK(f != NULL);
	CHECK_EQ_I(f->count, 1);
	CHECK_EQ_I(f->bytes, 300 * 1024 + 200);
	CHECK_EQ_S(field(f->json, "target", b, sizeof b), "\"Window / x\"");
	CHECK(ends_with(field(f->json, "path", b, sizeof b), "V8EventListener[0] -> onScroll (closure)\""));
	f = by_root(fs, "large-object", "cache");
	CHECK(f != NULL);
	CHECK_EQ_S(field(f->json, "holder", b, sizeof b), "\"onScroll\"");
	CHECK(by_root(fs, "listeners", "onClick") == NULL);
	mt_findings_free(fs);
	mt_heap_doms_free(d);
	mt_heap_free(h);
}

static void test_heap_leaks__many_detached_roots_under_node_0(void)
{
	/* 30,000 detached <div> straight under node 0: each is a user root whose path is one edge
	 * (found without a graph search each; this would take minutes otherwise) */
	enum { T = 30000 };
	gn *nodes = calloc(T + 1, sizeof *nodes);
	ge *es = calloc(T, sizeof *es);
	nodes[0] = (gn){ "", MT_HN_SYNTHETIC, 0 };
	for (uint32_t i = 0; i < T; i++) {
		nodes[1 + i] = (gn){ "<div>", NAT, 2 };
		es[i] = (ge){ 0, 1 + i, MT_HE_ELEMENT, NULL };
	}
	mt_heap *h = mk(T + 1, nodes, T, es);
	mt_heap_doms *d;
	mt_findings *fs = leaks_of(h, &d);
	CHECK(fs != NULL);
	CHECK_EQ_I(mt_findings_count(fs), 1);
	CHECK_EQ_I(mt_findings_get(fs, 0)->count, T);
	CHECK_EQ_I(num(mt_findings_get(fs, 0)->json, "instances"), T);
	mt_findings_free(fs);
	mt_heap_doms_free(d);
	mt_heap_free(h);
	free(nodes);
	free(es);
}

static void test_heap_leaks__crafted_deep_graph_stops_with_a_limit(void)
{
	/* a chain of 6,000 objects with 6,000 detached <div> under its end: 3.6 x 10^7 path steps;
	 * the walk is bounded (2 x 10^7 here) and reported as MT_ELIMIT, so a bigger crafted graph
	 * cannot run for hours */
	enum { D = 6000, L = 6000 };
	gn *nodes = calloc(1 + D + L, sizeof *nodes);
	ge *es = calloc(D + L, sizeof *es);
	nodes[0] = (gn){ "", MT_HN_SYNTHETIC, 0 };
	uint32_t ne = 0;
	for (uint32_t i = 0; i < D; i++) {
		nodes[1 + i] = (gn){ "Object", OBJ, 0 };
		if (i + 1 < D)
			es[ne++] = (ge){ i, 1 + i, MT_HE_PROPERTY, "next" };
	}
	es[ne++] = (ge){ D - 1, D, MT_HE_PROPERTY, "next" };
	for (uint32_t i = 0; i < L; i++) {
		nodes[1 + D + i] = (gn){ "<div>", NAT, 2 };
		es[ne++] = (ge){ D, 1 + D + i, MT_HE_PROPERTY, "leaf" };
	}
	mt_heap *h = mk(1 + D + L, nodes, ne, es);
	mt_heap_doms *d = NULL;
	mt_findings *fs = NULL;
	mt_error err = MT_ERROR_INIT;
	CHECK_OK(mt_heap_dominators(&d, h, &err));
	CHECK_OK(mt_findings_new(&fs));
	CHECK_EQ_I(mt_heap_leaks(fs, h, d, "deep", NULL, &err), MT_ELIMIT);
	CHECK(strstr(err.msg, "expected retainer paths of ordinary length") != NULL);
	mt_findings_free(fs);
	mt_heap_doms_free(d);
	mt_heap_free(h);
	free(nodes);
	free(es);
}

int main(void)
{
	MT_RUN(test_heap_leaks__propagation_attached_first);
	MT_RUN(test_heap_leaks__propagation_old_names);
	MT_RUN(test_heap_leaks__propagation_rejects_bad_graphs);
	MT_RUN(test_heap_leaks__corpus_propagated_counts);
	MT_RUN(test_heap_leaks__detached_dom_final);
	MT_RUN(test_heap_leaks__detached_dom_baseline_and_target);
	MT_RUN(test_heap_leaks__holders_final);
	MT_RUN(test_heap_leaks__holders_node);
	MT_RUN(test_heap_leaks__old_names_and_large_objects);
	MT_RUN(test_heap_leaks__collections_of_program_classes_only);
	MT_RUN(test_heap_leaks__fifty_thousand_trees_cluster_into_one);
	MT_RUN(test_heap_leaks__random_graphs);
	MT_RUN(test_heap_leaks__blink_listener_holding_a_big_string);
	MT_RUN(test_heap_leaks__many_detached_roots_under_node_0);
	MT_RUN(test_heap_leaks__crafted_deep_graph_stops_with_a_limit);
	MT_DONE();
}
