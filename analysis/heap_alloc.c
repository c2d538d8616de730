/*
 * analysis/heap_alloc.c - allocation traces of a V8 heap snapshot as a
 * profile (include/memtracer/heap_alloc.h).
 *
 * Format (V8 heap-snapshot-generator, DevTools HeapSnapshot model):
 * trace_tree nodes are [id, function_info_index, count, size, children];
 * the reader keeps them in preorder with parent indices, so a node's depth
 * and its stack follow from its parent's in one forward pass. A heap node's
 * trace_node_id names the trace node (by id) that allocated it.
 */
#include <stdlib.h>
#include <string.h>

#include "memtracer/heap_alloc.h"
#include "mt_internal.h"

typedef struct idmap {
	uint32_t id, index;
} idmap;

static int cmp_idmap(const void *a, const void *b)
{
	const idmap *x = a, *y = b;
	return x->id < y->id ? -1 : x->id > y->id ? 1 : (x->index > y->index) - (x->index < y->index);
}

/* The trace node index with id @id, or UINT32_MAX. */
static uint32_t find_id(const idmap *m, uint32_t n, uint32_t id)
{
	size_t lo = MT_LOWER_BOUND(m, n, .id, id);
	return lo < n && m[lo].id == id ? m[lo].index : UINT32_MAX;
}

/* Per trace node: live object count and self bytes from the heap nodes' trace ids. */
static int live_columns(const mt_heap *h, uint64_t *live_n, uint64_t *live_b, int *any, mt_error *err)
{
	*any = 0;
	if (!h->node_trace)
		return 0;
	uint32_t nt = h->ntrace_nodes;
	idmap *m = malloc((size_t)(nt ? nt : 1) * sizeof *m);
	if (!m)
		return mt_error_set(err, MT_ENOMEM, MT_NO_OFFSET, "out of memory for %u trace node ids", nt);
	for (uint32_t t = 0; t < nt; t++)
		m[t] = (idmap){ h->trace_nodes[t].id, t };
	qsort(m, nt, sizeof *m, cmp_idmap);
	for (uint32_t v = 0; v < h->nnodes; v++) {
		uint32_t tid = h->node_trace[v];
		if (!tid)
			continue;
		uint32_t t = find_id(m, nt, tid);
		if (t == UINT32_MAX)
			continue; /* an id the tree does not have: no site to charge */
		live_n[t]++;
		uint64_t b = live_b[t] + h->node_self[v];
		live_b[t] = b < live_b[t] ? UINT64_MAX : b; /* saturating */
		*any = 1;
	}
	free(m);
	return 0;
}

static int is_root_fn(const mt_heap *h, const mt_heap_trace_node *tn)
{
	if (tn->parent != UINT32_MAX || tn->fn >= h->ntrace_fns)
		return 0;
	return !strcmp(mt_strtab_get(h->strings, h->trace_fns[tn->fn].name), "(root)");
}

/* The four columns of a trace node; 0 when all are 0 (the node is left out). */
static int site_values(const mt_heap_trace_node *tn, uint64_t live_n, uint64_t live_b, int64_t vals[4])
{
	vals[0] = tn->count;
	vals[1] = tn->size;
	vals[2] = (int64_t)live_n;
	vals[3] = live_b > INT64_MAX ? INT64_MAX : (int64_t)live_b;
	return vals[0] || vals[1] || vals[2] || vals[3];
}

static int build(mt_profile *p, const mt_heap *h, uint64_t *live_n, uint64_t *live_b, int any_live,
	uint32_t *loc, uint32_t *depth, mt_error *err)
{
	static const char *const cols[4][2] = {
		{ "allocations", "count" }, { "space", "bytes" }, { "live_objects", "count" }, { "live_space", "bytes" }
	};
	for (int c = 0; c < 4; c++)
		if (mt_profile_add_value_type(p, cols[c][0], cols[c][1], 0, NULL))
			return mt_error_set(err, MT_ENOMEM, MT_NO_OFFSET, "out of memory");
	const char *def = any_live ? "live_space" : "space";
	if (mt_profile_intern(p, def, strlen(def), &p->default_sample_type) ||
	    mt_profile_intern(p, "heapsnapshot", 12, &p->format))
		return mt_error_set(err, MT_ENOMEM, MT_NO_OFFSET, "out of memory");

	uint32_t nt = h->ntrace_nodes;
	uint64_t total = 0;
	uint32_t maxd = 0;
	for (uint32_t t = 0; t < nt; t++) {
		const mt_heap_trace_node *tn = &h->trace_nodes[t];
		if (tn->parent != UINT32_MAX && tn->parent >= t)
			return mt_error_set(err, MT_EFORMAT, MT_NO_OFFSET,
				"expected trace node %u's parent before it, found %u", t, tn->parent);
		uint32_t pd = tn->parent == UINT32_MAX ? 0 : depth[tn->parent];
		depth[t] = is_root_fn(h, tn) ? 0 : pd + 1;
		if (depth[t] > maxd)
			maxd = depth[t];
		loc[t] = UINT32_MAX;
		if (depth[t]) {
			const mt_heap_trace_fn *f = tn->fn < h->ntrace_fns ? &h->trace_fns[tn->fn] : NULL;
			const char *name = f ? mt_strtab_get(h->strings, f->name) : "";
			const char *file = f ? mt_strtab_get(h->strings, f->script_name) : "";
			if (!*name)
				name = "(anonymous)";
			if (mt_profile_frame(p, name, strlen(name), file, strlen(file), f ? f->line : 0, MT_LANG_JS,
				&loc[t]))
				return mt_error_set(err, MT_ENOMEM, MT_NO_OFFSET, "out of memory");
		}
		int64_t vals[4];
		if (site_values(tn, live_n[t], live_b[t], vals)) {
			total += depth[t];
			if (total > MT_HEAP_ALLOC_MAX_FRAMES)
				return mt_error_set(err, MT_ELIMIT, MT_NO_OFFSET,
					"expected at most %u frames over all allocation stacks, found more",
					MT_HEAP_ALLOC_MAX_FRAMES);
		}
	}
	uint32_t *stack = malloc((size_t)(maxd ? maxd : 1) * sizeof *stack);
	if (!stack)
		return mt_error_set(err, MT_ENOMEM, MT_NO_OFFSET, "out of memory for a stack of %u frames", maxd);
	int rc = 0;
	for (uint32_t t = 0; t < nt && !rc; t++) {
		const mt_heap_trace_node *tn = &h->trace_nodes[t];
		int64_t vals[4];
		if (!site_values(tn, live_n[t], live_b[t], vals))
			continue;
		uint32_t d = 0;
		for (uint32_t u = t; u != UINT32_MAX && depth[u] && d < maxd; u = h->trace_nodes[u].parent)
			stack[d++] = loc[u];
		if (mt_profile_add_sample(p, stack, d, vals, NULL, 0))
			rc = mt_error_set(err, MT_ENOMEM, MT_NO_OFFSET, "out of memory");
	}
	free(stack);
	return rc;
}

int mt_heap_alloc_profile(mt_profile **out, const mt_heap *h, mt_error *err)
{
	*out = NULL;
	if (!(h->features & MT_HEAP_HAS_TRACES) || h->ntrace_nodes == 0)
		return mt_error_set(err, MT_EUNSUPPORTED, MT_NO_OFFSET,
			"expected allocation traces (trace_tree; a snapshot taken with allocation tracking on), "
			"found none");
	uint32_t nt = h->ntrace_nodes;
	uint64_t *live_n = calloc(nt, sizeof *live_n), *live_b = calloc(nt, sizeof *live_b);
	uint32_t *loc = malloc((size_t)nt * sizeof *loc), *depth = malloc((size_t)nt * sizeof *depth);
	mt_profile *p = NULL;
	int any = 0, rc;
	if (!live_n || !live_b || !loc || !depth || mt_profile_new(&p))
		rc = mt_error_set(err, MT_ENOMEM, MT_NO_OFFSET, "out of memory for %u trace nodes", nt);
	else if (!(rc = live_columns(h, live_n, live_b, &any, err)))
		rc = build(p, h, live_n, live_b, any, loc, depth, err);
	free(live_n);
	free(live_b);
	free(loc);
	free(depth);
	if (rc) {
		mt_profile_free(p);
		return rc;
	}
	*out = p;
	return 0;
}
