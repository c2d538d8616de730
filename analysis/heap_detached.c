/*
 * analysis/heap_detached.c - detached DOM in a V8 heap snapshot: the
 * detachedness propagation (mt_heap_detached) that DevTools
 * (HeapSnapshot.ts, propagateDOMState) and memlab apply, and the DOM-node
 * naming rule (mt_heap_node_is_dom).
 *
 * Chrome since 2021 sets the node field "detachedness" (1 attached, 2
 * detached) only on DOM nodes that have a JS wrapper; the other nodes of a
 * DOM tree inherit the state of a known node that reaches them through
 * native nodes. Older snapshots put "Detached " in front of the name.
 */
#include <stdlib.h>
#include <string.h>

#include "memtracer/heap_leaks.h"
#include "mt_internal.h"

static int has_prefix(const char *s, size_t n, const char *p)
{
	size_t pl = strlen(p);
	return n >= pl && memcmp(s, p, pl) == 0;
}

static int name_is(const char *s, size_t n, const char *w)
{
	return n == strlen(w) && memcmp(s, w, n) == 0;
}

/* "Detached X" on a native or object node, but not the "Detached DOM tree / N entries" groups. */
static int detached_by_name(const mt_heap *h, uint32_t v)
{
	uint8_t t = h->node_type[v];
	if ((t != MT_HN_NATIVE && t != MT_HN_OBJECT) || !h->node_name)
		return 0;
	const char *s = mt_strtab_get(h->strings, h->node_name[v]);
	size_t n = mt_strtab_len(h->strings, h->node_name[v]);
	return has_prefix(s, n, "Detached ") && !has_prefix(s, n, "Detached DOM tree");
}

int mt_heap_node_is_dom(const mt_heap *h, uint32_t v)
{
	if (!h || v >= h->nnodes || !h->node_name)
		return 0;
	if (detached_by_name(h, v))
		return 1;
	if (h->node_type[v] != MT_HN_NATIVE)
		return 0;
	const char *s = mt_strtab_get(h->strings, h->node_name[v]);
	size_t n = mt_strtab_len(h->strings, h->node_name[v]);
	return (n > 1 && s[0] == '<') || name_is(s, n, "Text") || name_is(s, n, "Comment") ||
		name_is(s, n, "CDATASection") || name_is(s, n, "DocumentFragment") || name_is(s, n, "ShadowRoot");
}

/* Gives @st to every native node still 0 reachable from the stack's nodes over non-weak edges. */
static void spread(const mt_heap *h, uint8_t *state, uint32_t *stack, uint32_t top, uint8_t st)
{
	while (top) {
		uint32_t v = stack[--top];
		for (uint32_t e = h->first_edge[v]; e < h->first_edge[v + 1]; e++) {
			uint32_t w = h->edge_to[e];
			if (h->edge_type[e] == MT_HE_WEAK || state[w] || h->node_type[w] != MT_HN_NATIVE)
				continue;
			state[w] = st;
			stack[top++] = w; /* each node is pushed once: its state is set first */
		}
	}
}

int mt_heap_detached(const mt_heap *h, uint8_t *state, uint32_t *ndom, mt_error *err)
{
	if (ndom)
		*ndom = 0;
	uint32_t n = h->nnodes;
	if (!n)
		return 0;
	MT_FAIL_IF(err, !h->first_edge || h->first_edge[0] != 0 || h->first_edge[n] != h->nedges, MT_EFORMAT,
		MT_NO_OFFSET, "expected edge offsets from 0 to %u, found a damaged edge index", h->nedges);
	for (uint32_t v = 0; v < n; v++) {
		MT_FAIL_IF(err, h->first_edge[v] > h->first_edge[v + 1], MT_EFORMAT, MT_NO_OFFSET,
			"expected the edge offsets of node %u to grow, found %u after %u", v, h->first_edge[v + 1],
			h->first_edge[v]);
	}
	for (uint32_t e = 0; e < h->nedges; e++)
		MT_FAIL_IF(err, h->edge_to[e] >= n, MT_EFORMAT, MT_NO_OFFSET,
			"expected edge %u to point at one of %u nodes, found node %u", e, n, h->edge_to[e]);
	uint32_t *stack = malloc((size_t)n * sizeof *stack);
	MT_FAIL_IF(err, !stack, MT_ENOMEM, MT_NO_OFFSET, "out of memory propagating detachedness");
	uint32_t top = 0;
	for (uint32_t v = 0; v < n; v++) {
		uint8_t d = h->node_detached ? h->node_detached[v] : 0;
		uint8_t t = h->node_type[v];
		if (t == MT_HN_NATIVE && (d == MT_DETACHED_ATTACHED || d == MT_DETACHED_DETACHED))
			state[v] = d;
		else if (detached_by_name(h, v))
			state[v] = MT_DETACHED_DETACHED;
		else
			state[v] = MT_DETACHED_UNKNOWN;
		if (state[v] == MT_DETACHED_ATTACHED)
			stack[top++] = v;
	}
	spread(h, state, stack, top, MT_DETACHED_ATTACHED);
	top = 0;
	for (uint32_t v = 0; v < n; v++) /* only seeds are 2 at this point */
		if (state[v] == MT_DETACHED_DETACHED)
			stack[top++] = v;
	spread(h, state, stack, top, MT_DETACHED_DETACHED);
	free(stack);
	if (ndom) {
		uint32_t c = 0;
		for (uint32_t v = 0; v < n; v++)
			c += state[v] == MT_DETACHED_DETACHED && mt_heap_node_is_dom(h, v);
		*ndom = c;
	}
	return 0;
}
