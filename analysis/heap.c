/*
 * analysis/heap.c - the heap graph's shared pieces: names of types, the
 * retainer (reverse) index, and the single edge predicate all passes use.
 *
 * The retainer index is built like memlab's _buildReferrersIndex: one pass
 * counts the edges into each node, a prefix sum gives first_retainer, a
 * second pass fills the slots. O(nodes + edges), two flat arrays.
 */
#include <stdlib.h>
#include <string.h>

#include "memtracer/heap.h"
#include "mt_internal.h"

static const char *const node_type_names[MT_HN__COUNT] = {
	"hidden", "array", "string", "object", "code", "closure", "regexp", "number", "native",
	"synthetic", "concatenated string", "sliced string", "symbol", "bigint", "object shape", "other",
};

static const char *const edge_type_names[MT_HE__COUNT] = {
	"context", "element", "property", "internal", "hidden", "shortcut", "weak", "other",
};

const char *mt_heap_node_type_name(mt_heap_node_type t)
{
	return (unsigned)t < MT_HN__COUNT ? node_type_names[t] : "other";
}

const char *mt_heap_edge_type_name(mt_heap_edge_type t)
{
	return (unsigned)t < MT_HE__COUNT ? edge_type_names[t] : "other";
}

void mt_heap_free(mt_heap *h)
{
	if (!h)
		return;
	mt_strtab_free(h->strings);
	free(h->node_type);
	free(h->node_name);
	free(h->node_id);
	free(h->node_self);
	free(h->node_detached);
	free(h->node_trace);
	free(h->first_edge);
	free(h->edge_type);
	free(h->edge_name);
	free(h->edge_to);
	free(h->first_retainer);
	free(h->retainer_edge);
	free(h->retainer_from);
	free(h->locations);
	free(h->trace_fns);
	free(h->trace_nodes);
	free(h->priv);
	free(h);
}

int mt_heap_edge_retains(const mt_heap *h, uint32_t e)
{
	uint8_t t = h->edge_type[e];
	return t != MT_HE_WEAK && t != MT_HE_SHORTCUT;
}

int mt_heap_build_retainers(mt_heap *h, mt_error *err)
{
	if (h->first_retainer)
		return 0;
	uint32_t n = h->nnodes;
	uint32_t *first = calloc((size_t)n + 1, sizeof *first);
	uint32_t *redge = malloc((h->nedges ? h->nedges : 1) * sizeof *redge);
	uint32_t *rfrom = malloc((h->nedges ? h->nedges : 1) * sizeof *rfrom);
	if (!first || !redge || !rfrom) {
		free(first);
		free(redge);
		free(rfrom);
		return mt_error_set(err, MT_ENOMEM, MT_NO_OFFSET, "out of memory building the retainer index");
	}
	for (uint32_t e = 0; e < h->nedges; e++) {
		uint32_t to = h->edge_to[e];
		if (to >= n) {
			free(first);
			free(redge);
			free(rfrom);
			return mt_error_set(err, MT_EFORMAT, MT_NO_OFFSET,
				"expected edge %u to point at one of %u nodes, found node %u", e, n, to);
		}
		first[to + 1]++;
	}
	for (uint32_t i = 0; i < n; i++)
		first[i + 1] += first[i];
	/* fill: a cursor per node, reusing a scratch copy of first[] */
	uint32_t *cur = malloc(((size_t)n + 1) * sizeof *cur);
	if (!cur) {
		free(first);
		free(redge);
		free(rfrom);
		return mt_error_set(err, MT_ENOMEM, MT_NO_OFFSET, "out of memory building the retainer index");
	}
	memcpy(cur, first, ((size_t)n + 1) * sizeof *cur);
	for (uint32_t from = 0; from < n; from++) {
		for (uint32_t e = h->first_edge[from]; e < h->first_edge[from + 1]; e++) {
			uint32_t slot = cur[h->edge_to[e]]++;
			redge[slot] = e;
			rfrom[slot] = from;
		}
	}
	free(cur);
	h->first_retainer = first;
	h->retainer_edge = redge;
	h->retainer_from = rfrom;
	return 0;
}
