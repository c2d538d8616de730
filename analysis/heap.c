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

/* For each block of 2^EDGE_BLOCK_SHIFT edges, the node its first edge leaves from. */
#define EDGE_BLOCK_SHIFT 5
struct mt_heap_priv {
	uint32_t nblocks;
	uint32_t block_from[];
};

int mt_heap__index_edges(mt_heap *h)
{
	free(h->priv);
	h->priv = NULL;
	if (!h->nnodes || !h->nedges || !h->first_edge)
		return 0;
	uint32_t nb = ((h->nedges - 1) >> EDGE_BLOCK_SHIFT) + 1;
	struct mt_heap_priv *p = malloc(sizeof *p + (size_t)nb * sizeof p->block_from[0]);
	if (!p)
		return MT_ENOMEM;
	p->nblocks = nb;
	uint32_t u = 0;
	for (uint32_t b = 0; b < nb; b++) {
		uint32_t e = b << EDGE_BLOCK_SHIFT;
		while (u + 1 < h->nnodes && h->first_edge[u + 1] <= e)
			u++;
		p->block_from[b] = u;
	}
	h->priv = p;
	return 0;
}

/* the last node in [lo, hi) whose first edge is <= e (nodes without edges share first_edge) */
static uint32_t last_first_le(const mt_heap *h, uint32_t e, uint32_t lo, uint32_t hi)
{
	while (hi - lo > 1) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (h->first_edge[mid] <= e)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

uint32_t mt_heap_edge_from(const mt_heap *h, uint32_t e)
{
	const struct mt_heap_priv *p = h->priv;
	if (p && e < h->nedges && (e >> EDGE_BLOCK_SHIFT) < p->nblocks) {
		/* the source lies between the sources of this block's and the next block's first edges */
		uint32_t b = e >> EDGE_BLOCK_SHIFT;
		uint32_t lo = p->block_from[b];
		uint32_t hi = b + 1 < p->nblocks ? p->block_from[b + 1] + 1 : h->nnodes;
		if (lo < hi && hi <= h->nnodes) {
			uint32_t u = last_first_le(h, e, lo, hi);
			/* trusted only when it owns the edge (an index out of step with a changed graph is not) */
			if (h->first_edge[u] <= e && e < h->first_edge[u + 1])
				return u;
		}
	}
	return last_first_le(h, e, 0, h->nnodes);
}

/*
 * V8 names the two references that keep a WeakMap value alive
 * "<i> / part of key (<K> @<k>) -> value (<V> @<v>) pair in WeakMap (table @<t>)":
 * one from the table and one from the key. Returns the table's object id
 * (from the name), or UINT64_MAX when @name is not such a name.
 */
static uint64_t weakmap_table_id(const char *name, size_t len)
{
	static const char mark[] = " pair in WeakMap (table @";
	const size_t mlen = sizeof mark - 1;
	if (len < mlen + 2 || name[0] < '0' || name[0] > '9' || name[len - 1] != ')')
		return UINT64_MAX;
	/* the marker sits right before the table id at the end */
	size_t i = len - 1;
	while (i > 0 && name[i - 1] >= '0' && name[i - 1] <= '9')
		i--;
	if (i == len - 1 || i < mlen || memcmp(name + i - mlen, mark, mlen) != 0)
		return UINT64_MAX;
	uint64_t id = 0;
	for (size_t k = i; k < len - 1; k++) {
		if (id > (UINT64_MAX - 9) / 10)
			return UINT64_MAX;
		id = id * 10 + (uint64_t)(name[k] - '0');
	}
	return id;
}

/*
 * DevTools' "essential edge" (HeapSnapshot.ts computeIsEssentialEdge), minus
 * its page-owned-object rule (a whole-graph flag pass, left out so the
 * result is a pure per-edge predicate and retained sizes match memlab's):
 *  - weak edges never retain;
 *  - shortcut edges are display links V8 adds beside real references
 *    (Window -> native_context, bound_argument_0...), except at the
 *    synthetic root (node 0), where a shortcut marks a user global object;
 *  - a WeakMap value has two retainers, the table and the key; only the
 *    key's edge counts (DevTools found it gives the more useful dominator),
 *    so the table's edge is skipped. Self edges retain nothing new and are
 *    harmless to every pass, so they stay.
 */
/* Is the internal edge @e, leaving @from, a WeakMap table's edge to a value? */
static int weakmap_table_edge(const mt_heap *h, uint32_t e, uint32_t from)
{
	mt_str_id nm = h->edge_name[e];
	uint64_t table = weakmap_table_id(mt_strtab_get(h->strings, nm), mt_strtab_len(h->strings, nm));
	return table != UINT64_MAX && h->node_id && h->node_id[from] == table;
}

int mt_heap_edge_retains(const mt_heap *h, uint32_t e)
{
	uint8_t t = h->edge_type[e];
	if (t == MT_HE_WEAK)
		return 0;
	if (t == MT_HE_SHORTCUT)
		return h->nnodes > 0 && e < h->first_edge[1];
	if (t == MT_HE_INTERNAL && h->strings && weakmap_table_edge(h, e, mt_heap_edge_from(h, e)))
		return 0;
	return 1;
}

uint64_t *mt_heap__retain_bitmap(const mt_heap *h)
{
	uint64_t *b = calloc(((size_t)h->nedges + 63) / 64 + 1, sizeof *b);
	if (!b)
		return NULL;
	/* names already seen not to be WeakMap entry names (V8 reuses a few
	 * internal edge names millions of times: "map", "properties"...) */
	mt_str_id plain[256];   /* slot i: an id with id % 256 == i; at first one that never matches */
	for (uint32_t i = 0; i < 256; i++)
		plain[i] = i + 1;
	for (uint32_t u = 0; u < h->nnodes; u++) {
		for (uint32_t e = h->first_edge[u]; e < h->first_edge[u + 1]; e++) {
			uint8_t t = h->edge_type[e];
			int r;
			if (t == MT_HE_WEAK) {
				r = 0;
			} else if (t == MT_HE_SHORTCUT) {
				r = u == 0;
			} else if (t == MT_HE_INTERNAL && h->strings) {
				mt_str_id nm = h->edge_name[e];
				uint64_t tid = plain[nm & 255] == nm ? UINT64_MAX :
					weakmap_table_id(mt_strtab_get(h->strings, nm), mt_strtab_len(h->strings, nm));
				if (tid == UINT64_MAX)
					plain[nm & 255] = nm;
				r = !(tid != UINT64_MAX && h->node_id && h->node_id[u] == tid);
			} else {
				r = 1;
			}
			if (r)
				b[e >> 6] |= (uint64_t)1 << (e & 63);
		}
	}
	return b;
}

int mt_heap_edge_links(const mt_heap *h, uint32_t e)
{
	return mt_heap_edge_retains(h, e) || h->edge_type[e] == MT_HE_SHORTCUT;
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
