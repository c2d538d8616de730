/*
 * tests/unit/heap_testlib.h - building mt_heap graphs by hand and loading
 * the shared V8 corpus, for the heap unit tests (dominators, leaks,
 * comparison). Header-only: each test program includes it once.
 *
 * A hand-built heap follows mt_heap's ownership rule (every array
 * malloc()ed, freed by mt_heap_free). Build it in three steps:
 *   h = mt_t_heap_new(n, ne);
 *   mt_t_heap_node(h, i, ...) for every node; mt_t_heap_edge(h, e, from, ...)
 *   for every edge, edges in snapshot order (grouped by source, sources
 *   ascending);
 *   mt_t_heap_done(h);   (first_edge from the per-source counts)
 */
#ifndef MT_TEST_HEAP_TESTLIB_H
#define MT_TEST_HEAP_TESTLIB_H

#include <stdio.h>
#include <stdlib.h>

#include "memtracer/heap.h"
#include "testlib.h"

static inline mt_heap *mt_t_heap_new(uint32_t n, uint32_t ne)
{
	mt_heap *h = calloc(1, sizeof *h);
	size_t nn = n ? n : 1, nm = ne ? ne : 1;
	h->strings = mt_strtab_new();
	h->nnodes = n;
	h->node_type = malloc(nn);
	h->node_name = malloc(nn * sizeof *h->node_name);
	h->node_id = malloc(nn * sizeof *h->node_id);
	h->node_self = malloc(nn * sizeof *h->node_self);
	h->node_detached = calloc(nn, 1);
	h->first_edge = calloc((size_t)n + 1, sizeof *h->first_edge);
	h->nedges = ne;
	h->edge_type = malloc(nm);
	h->edge_name = malloc(nm * sizeof *h->edge_name);
	h->edge_to = malloc(nm * sizeof *h->edge_to);
	return h;
}

/* Node @i: @name NULL = "". */
static inline void mt_t_heap_node(mt_heap *h, uint32_t i, const char *name, uint8_t type, uint32_t id,
	uint64_t self, uint8_t detached)
{
	h->node_type[i] = type;
	mt_strtab_intern_cstr(h->strings, name ? name : "", &h->node_name[i]);
	h->node_id[i] = id;
	h->node_self[i] = self;
	h->node_detached[i] = detached;
	h->total_self += self;
}

/* Edge @e from node @from: element and hidden edges carry @idx, the others
 * the interned @name (NULL = ""); first_edge counts it for @from. */
static inline void mt_t_heap_edge(mt_heap *h, uint32_t e, uint32_t from, uint32_t to, uint8_t type,
	const char *name, uint32_t idx)
{
	h->first_edge[from + 1]++;
	h->edge_type[e] = type;
	h->edge_to[e] = to;
	if (type == MT_HE_ELEMENT || type == MT_HE_HIDDEN)
		h->edge_name[e] = idx;
	else
		mt_strtab_intern_cstr(h->strings, name ? name : "", &h->edge_name[e]);
}

static inline mt_heap *mt_t_heap_done(mt_heap *h)
{
	for (uint32_t i = 0; i < h->nnodes; i++)
		h->first_edge[i + 1] += h->first_edge[i];
	return h;
}

/* $MT_SHARED/corpus/v8/@file, or NULL (no corpus, or a read error on stderr). */
static inline mt_heap *mt_t_heap_corpus(const char *file)
{
	const char *sh = mt_t_shared();
	if (!sh)
		return NULL;
	char path[4096];
	snprintf(path, sizeof path, "%s/corpus/v8/%s", sh, file);
	mt_heap *h = NULL;
	mt_error err = MT_ERROR_INIT;
	if (mt_heap_load(&h, path, NULL, &err)) {
		fprintf(stderr, "# %s: %s\n", path, err.msg);
		return NULL;
	}
	return h;
}

#endif
