/*
 * analysis/heap_dominators.c - dominators, retained sizes, distances and
 * retainer paths of a heap graph, plus their views (labels, the path
 * line, the dominator flame tree, the top-retained rows).
 *
 * Dominators: semi-NCA (Georgiadis, "Linear-time algorithms for dominators
 * and related problems", 2005; Lengauer & Tarjan's semidominators, then
 * each idom as the nearest ancestor of the DFS parent not below its
 * semidominator), written without recursion: the DFS walks parent links
 * with a per-vertex edge cursor and eval's path compression reverses the
 * links it climbs instead of using a stack. Working arrays are flat uint32
 * indexed by DFS number (1 = node 0), three of them plus a predecessor
 * list of sources only, and two result columns hold the DFS numbering and
 * parents until the idoms are known, so a 20M-node snapshot needs no
 * per-node allocation and about 20 bytes per node (4 per listed
 * predecessor) beyond the graph. The edge set is
 * mt_heap_edge_retains(), evaluated once into
 * a bitmap so every pass sees exactly the same edges (see STYLE.md 6).
 * Retained sizes are summed bottom-up in reverse DFS order (a dominator
 * always has a smaller DFS number); distances are a BFS from node 0.
 *
 * Retainer paths follow DevTools' and memlab's conventions (see heap.h):
 * a layered BFS that first starts from the user roots (Window, global
 * objects) and then from node 0 for what they do not reach, keeping for
 * each node the path of least "system" penalty among its shortest ones.
 * The path tree is computed once per mt_heap_dominators call.
 */
#include <pthread.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memtracer/heap.h"
#include "mt_internal.h"

#define NONE UINT32_MAX
#define PRED_BLOCKS 2    /* semi_nca lists predecessors in this many parts */

/* graphs of this many nodes have their distances found on a second thread, beside the path tree */
size_t mt_heap__dist_thread_min = 1u << 20;

/* mt_heap_doms plus the retainer-path tree; mt_heap_doms_free frees both. */
struct doms_full {
	mt_heap_doms pub;       /* first member: (mt_heap_doms *) == (struct doms_full *) */
	uint32_t nnodes;
	uint32_t *path_edge;    /* per node: the edge its retainer path arrives by; NONE at a start */
};

#define BIT(b, i) (((b)[(i) >> 6] >> ((i) & 63)) & 1u)

static uint64_t sat_add_u64(uint64_t a, uint64_t b)
{
	uint64_t r = a + b;
	return r < a ? UINT64_MAX : r;
}

static uint32_t sat_add_u32(uint32_t a, uint32_t b)
{
	uint32_t r = a + b;
	return r < a ? UINT32_MAX - 1 : r;
}

/* The CSR arrays are consistent: first_edge from 0 to nedges, never
 * decreasing, every target in range. Checked once, so no pass can read out
 * of bounds on a hand-built or damaged graph. */
static int check_graph(const mt_heap *h, mt_error *err)
{
	uint32_t n = h->nnodes;
	if (n == 0)
		return 0;
	MT_FAIL_IF(err, n == UINT32_MAX, MT_ELIMIT, MT_NO_OFFSET, "expected fewer than %u nodes", n);
	MT_FAIL_IF(err, !h->first_edge || !h->node_type || !h->node_self ||
		(h->nedges && (!h->edge_to || !h->edge_type || !h->edge_name)),
		MT_EINVAL, MT_NO_OFFSET, "expected a heap graph with node and edge arrays");
	MT_FAIL_IF(err, h->first_edge[0] != 0 || h->first_edge[n] != h->nedges, MT_EFORMAT, MT_NO_OFFSET,
		"expected edges 0..%u, found %u..%u", h->nedges, h->first_edge[0], h->first_edge[n]);
	for (uint32_t i = 0; i < n; i++)
		MT_FAIL_IF(err, h->first_edge[i + 1] < h->first_edge[i], MT_EFORMAT, MT_NO_OFFSET,
			"expected node %u's edges to follow node %u's", i + 1, i);
	for (uint32_t e = 0; e < h->nedges; e++)
		MT_FAIL_IF(err, h->edge_to[e] >= n, MT_EFORMAT, MT_NO_OFFSET,
			"expected edge %u to point at one of %u nodes, found node %u", e, n, h->edge_to[e]);
	return 0;
}

/* mt_heap_edge_retains() for every edge, as a bitmap. */
static uint64_t *retain_bits(const mt_heap *h)
{
	return mt_heap__retain_bitmap(h);
}

/*
 * The edges of the nodes a BFS dequeues soon (its queue @q, next at
 * @head): these loops wait on memory, not on work.
 */
static inline void prefetch_queued(const mt_heap *h, const uint64_t *rb, const uint32_t *q, uint32_t head,
	uint32_t tail)
{
	if (head + 16 < tail)
		__builtin_prefetch(&h->first_edge[q[head + 16]]);
	if (head + 8 < tail) {
		uint32_t f = h->first_edge[q[head + 8]];
		__builtin_prefetch(&h->edge_to[f]);
		__builtin_prefetch(&h->edge_type[f]);
		__builtin_prefetch(&rb[f >> 6]);
	}
}

static inline int links(const mt_heap *h, const uint64_t *rb, uint32_t e)
{
	return BIT(rb, e) || h->edge_type[e] == MT_HE_SHORTCUT;
}

/* ---- semi-NCA ---- */

/*
 * eval(v) for the semidominator step at @w (Georgiadis' semi-NCA): the
 * vertices numbered above w are linked to their DFS parents (@anc, path
 * compressed); returns the least label on the forest path from v up to,
 * not including, the first ancestor numbered <= w. Compression reverses
 * the anc links on the way up and restores them (to the forest root) on
 * the way down, so it needs no stack. DFS number 0 is never a vertex and
 * ends the reversed chain.
 */
static inline uint32_t snca_eval(uint32_t *anc, uint32_t *label, uint32_t v, uint32_t w)
{
	if (anc[v] <= w)
		return label[v];
	uint32_t prev = 0, x = v;
	while (anc[x] > w) {
		uint32_t up = anc[x];
		anc[x] = prev;
		prev = x;
		x = up;
	}
	uint32_t root = anc[x], a = x;
	for (uint32_t y = prev; y;) {
		uint32_t down = anc[y];
		if (label[a] < label[y])
			label[y] = label[a];
		anc[y] = root;
		a = y;
		y = down;
	}
	return label[v];
}

/*
 * Immediate dominators of the nodes reachable from node 0 over the edges
 * of @rb. @dfn (nnodes, zeroed) receives each node's DFS number (0 = not
 * reached, node 0 = 1) and @pv (nnodes + 1) holds the DFS parents while
 * this runs and the node of each DFS number when it returns; the caller
 * passes result columns there, so only the ancestor, label and
 * predecessor arrays are extra. *@idom_out (malloc()ed, indexed by DFS
 * number) holds the DFS number of each vertex's immediate dominator.
 *
 * Predecessors: a pred v of w numbered below w is a semidominator
 * candidate as it is, so only their minimum is kept (in label[w], which
 * starts as the DFS parent); only preds numbered above w need eval() and
 * are listed (sources only, in DFS numbers). Self edges change nothing.
 */
static int semi_nca(const mt_heap *h, const uint64_t *rb, uint32_t *dfn, uint32_t *pv,
	uint32_t **idom_out, uint32_t *k_out, mt_error *err)
{
	uint32_t n = h->nnodes;
	size_t sz = (size_t)n + 1;
	uint32_t *par = pv;
	uint32_t *label = malloc(sz * sizeof *label);   /* the DFS edge cursor first */
	uint32_t *anc = malloc(sz * sizeof *anc);       /* DFS number -> node first */
	uint32_t *lp = NULL, *lsrc = NULL;
	*idom_out = NULL;
	*k_out = 0;
	if (!label || !anc)
		goto oom;

	/* 1. iterative DFS from node 0 over retaining edges, in edge order;
	 * each retaining edge of a reached node is looked at once here, so the
	 * predecessors are sorted on the way: the least lower-numbered one in
	 * minl[] (the parent, or an ancestor's edge met later), the
	 * higher-numbered ones counted in lp[] (lp[t] = where t's list starts) */
	lp = calloc(sz + 1, sizeof *lp);
	uint32_t *minl = malloc(sz * sizeof *minl);
	if (!lp || !minl) {
		free(minl);
		goto oom;
	}
	uint32_t *cur = label, *vert = anc;
	uint32_t k = 1, x = 1;
	dfn[0] = 1;
	vert[1] = 0;
	par[1] = 0;
	minl[1] = 0;
	cur[1] = h->first_edge[0];
	while (x) {
		uint32_t node = vert[x], e = cur[x], end = h->first_edge[node + 1], to = 0;
		for (; e < end; e++) {
			if (!BIT(rb, e))
				continue;
			to = h->edge_to[e];
			uint32_t t = dfn[to];
			if (!t)
				break;
			if (x < t) {
				if (x < minl[t])
					minl[t] = x;
			} else if (x > t) {
				lp[t + 1]++;
			}
		}
		if (e < end) {
			cur[x] = e + 1;
			dfn[to] = ++k;
			vert[k] = to;
			par[k] = x;
			minl[k] = x;
			cur[k] = h->first_edge[to];
			x = k;
		} else {
			x = par[x];
		}
	}
	memcpy(label, minl, ((size_t)k + 1) * sizeof *label);
	free(minl);
	for (uint32_t v = 1; v <= k; v++)
		lp[v + 1] += lp[v];

	/* 2. semidominators in reverse preorder; a vertex is linked once done.
	 * The lists are filled one block of vertices at a time, from the top,
	 * each block holding about 1/PRED_BLOCKS of them (one more pass over the
	 * edges per block, for that much less memory at the peak). */
	memcpy(anc, par, ((size_t)k + 1) * sizeof *anc);
	const uint32_t per = lp[k + 1] / PRED_BLOCKS + 1;
	uint32_t end = lp[k + 1];
	for (uint32_t hi = k, lo; hi >= 2; hi = lo - 1) {
		/* down to where the block holds @per (so the last one takes the rest) */
		lo = hi;
		while (lo > 2 && end - lp[lo] < per)
			lo--;
		const uint32_t base = lp[lo];
		lsrc = malloc(((size_t)(end - base) + 1) * sizeof *lsrc);
		if (!lsrc)
			goto oom;
		for (uint32_t node = 0; node < n; node++) {
			uint32_t v = dfn[node];
			if (!v)
				continue;
			for (uint32_t e = h->first_edge[node]; e < h->first_edge[node + 1]; e++) {
				if (!BIT(rb, e))
					continue;
				uint32_t t = dfn[h->edge_to[e]];
				if (t >= lo && t <= hi && v > t)
					lsrc[lp[t]++ - base] = v;
			}
		}
		/* now lp[t] is where t's list ends; semi(w) replaces lp[w], which
		 * is read no more once w is done */
		for (uint32_t w = hi; w >= lo; w--) {
			uint32_t s = label[w];
			for (uint32_t r = (w > lo ? lp[w - 1] : base) - base; r < lp[w] - base; r++) {
				uint32_t u = snca_eval(anc, label, lsrc[r], w);
				if (u < s)
					s = u;
			}
			label[w] = s;
			lp[w] = s;
		}
		free(lsrc);
		lsrc = NULL;
		end = base;
	}
	free(label);
	label = NULL;

	/* 3. idom: the nearest ancestor of the parent not below semi (into anc) */
	uint32_t *idom = anc;
	idom[1] = 1;
	for (uint32_t w = 2; w <= k; w++) {
		uint32_t d = par[w], s = lp[w];
		while (d > s)
			d = idom[d];
		idom[w] = d;
	}
	free(lp);
	/* the parents are done with: @pv becomes DFS number -> node */
	for (uint32_t node = 0; node < n; node++)
		if (dfn[node])
			pv[dfn[node]] = node;
	*idom_out = idom;
	*k_out = k;
	return 0;
oom:
	free(label);
	free(anc);
	free(lp);
	free(lsrc);
	return mt_error_set(err, MT_ENOMEM, MT_NO_OFFSET, "out of memory computing dominators of %u nodes", n);
}

/* ---- retainer paths ---- */

enum {
	NF_NATIVE_CONTEXT = 1,    /* "system / NativeContext..." */
	NF_MAP_DESCRIPTORS = 2,   /* "(map descriptors)" array */
	NF_LOWPRI_ROOT = 4,       /* C++ / Blink root categories, pending activities */
	NF_USER_ROOT = 8,
	NF_SEEN = 16,             /* path tree: reached */
	NF_FILLING = 32           /* path tree: reached on the level being filled */
};

static int starts_with(const char *s, size_t len, const char *p)
{
	size_t pl = strlen(p);
	return len >= pl && memcmp(s, p, pl) == 0;
}

static int is_window_native(const mt_heap *h, uint32_t v)
{
	if (h->node_type[v] != MT_HN_NATIVE || !h->node_name)
		return 0;
	const char *s = mt_strtab_get(h->strings, h->node_name[v]);
	size_t len = mt_strtab_len(h->strings, h->node_name[v]);
	return (len == 6 && memcmp(s, "Window", 6) == 0) || starts_with(s, len, "Window / ");
}

/* Is @w, a target of node 0's edge, a user root (DevTools' isUserRoot / isDocumentDOMTreesRoot)? */
static int root_child_is_user_root(const mt_heap *h, uint32_t w)
{
	if (h->node_type[w] != MT_HN_SYNTHETIC)
		return 1;
	return h->node_name && !strcmp(mt_strtab_get(h->strings, h->node_name[w]), "(Document DOM trees)");
}

static int user_root(const mt_heap *h, uint32_t v)
{
	if (v == 0)
		return 0;
	if (is_window_native(h, v))
		return 1;
	for (uint32_t e = h->first_edge[0]; e < h->first_edge[1]; e++)
		if (h->edge_to[e] == v && h->edge_type[e] != MT_HE_WEAK && root_child_is_user_root(h, v))
			return 1;
	return 0;
}

typedef struct pathctx {
	const mt_heap *h;
	const uint64_t *rb;
	uint8_t *nflags;
	mt_str_id code_name, sloppy_name;   /* 0 = absent from the snapshot */
	uint32_t *pen, *queue;
} pathctx;

static void pathctx_free(pathctx *c)
{
	free(c->nflags);
	free(c->pen);
	free(c->queue);
}

static int pathctx_init(pathctx *c, const mt_heap *h, const uint64_t *rb)
{
	memset(c, 0, sizeof *c);
	c->h = h;
	c->rb = rb;
	size_t sz = (size_t)h->nnodes + 1;
	c->nflags = calloc(sz, 1);
	c->pen = malloc(sz * sizeof *c->pen);
	c->queue = malloc(sz * sizeof *c->queue);
	if (!c->nflags || !c->pen || !c->queue) {
		pathctx_free(c);
		return MT_ENOMEM;
	}
	if (h->strings) {
		if (!mt_strtab_find(h->strings, "code", 4, &c->code_name))
			c->code_name = 0;
		if (!mt_strtab_find(h->strings, "sloppy_function_map", 19, &c->sloppy_name))
			c->sloppy_name = 0;
	}
	for (uint32_t v = 0; v < h->nnodes; v++) {
		if (!h->node_name)
			break;
		const char *s = mt_strtab_get(h->strings, h->node_name[v]);
		size_t len = mt_strtab_len(h->strings, h->node_name[v]);
		uint8_t t = h->node_type[v], f = 0;
		if (starts_with(s, len, "system / NativeContext"))
			f |= NF_NATIVE_CONTEXT;
		if (t == MT_HN_ARRAY && len == 17 && memcmp(s, "(map descriptors)", 17) == 0)
			f |= NF_MAP_DESCRIPTORS;
		if (t == MT_HN_SYNTHETIC && (starts_with(s, len, "C++ ") || starts_with(s, len, "Blink ") ||
			starts_with(s, len, "Pending activities")))
			f |= NF_LOWPRI_ROOT;
		if (is_window_native(h, v))
			f |= NF_USER_ROOT;
		c->nflags[v] = f;
	}
	if (h->nnodes) {
		for (uint32_t e = h->first_edge[0]; e < h->first_edge[1]; e++) {
			uint32_t w = h->edge_to[e];
			if (w == 0 || h->edge_type[e] == MT_HE_WEAK)
				continue;
			if (root_child_is_user_root(h, w))
				c->nflags[w] |= NF_USER_ROOT;
		}
		c->nflags[0] &= (uint8_t)~NF_USER_ROOT;
	}
	return 0;
}

/* How "system" a hop looks; paths of equal length prefer the smaller sum. */
static uint32_t hop_penalty(const pathctx *c, uint32_t u, uint32_t e, uint32_t w)
{
	const mt_heap *h = c->h;
	uint8_t et = h->edge_type[e], wt = h->node_type[w];
	uint32_t p = 0;
	if (wt == MT_HN_CODE)
		p += 8;
	else if (wt == MT_HN_OBJECT_SHAPE || wt == MT_HN_HIDDEN)
		p += 2;
	if (et == MT_HE_HIDDEN)
		p += 1;
	if (et == MT_HE_INTERNAL && c->code_name && h->edge_name[e] == c->code_name)
		p += 8;
	if ((c->nflags[u] & NF_NATIVE_CONTEXT) &&
	    (et == MT_HE_HIDDEN || (c->sloppy_name && h->edge_name[e] == c->sloppy_name && et != MT_HE_ELEMENT)))
		p += 8;
	if ((c->nflags[u] & NF_MAP_DESCRIPTORS) && (et == MT_HE_ELEMENT || et == MT_HE_HIDDEN) &&
	    h->edge_name[e] >= 2 && h->edge_name[e] % 3 == 1)
		p += 8;
	if (c->nflags[u] & NF_LOWPRI_ROOT)
		p += 4;
	return p;
}

/*
 * Layered BFS from the queued sources (one level): every node gets the
 * smallest level (hop count), and among its shortest paths the least total
 * penalty (the first found in queue/edge order on ties). A node's level is
 * final before it is expanded, so the penalty DP is exact. The queue holds
 * the levels one after the other; a node's flags say whether it is reached
 * (NF_SEEN) and still on the level being filled (NF_FILLING), the only
 * reached nodes touched again. Stops before expanding the level of @stop
 * (NONE = run to the end).
 */
static uint32_t layered_bfs(pathctx *c, uint32_t head, uint32_t tail, uint32_t *path_edge, uint32_t stop)
{
	const mt_heap *h = c->h;
	uint8_t *nf = c->nflags;
	uint32_t *pen = c->pen, *q = c->queue;
	uint32_t level = 0, level_end = tail;   /* [head, level_end): the level being expanded */
	uint32_t stop_level = stop != NONE && (nf[stop] & NF_SEEN) ? 0 : NONE;
	while (head < tail) {
		if (head == level_end) {   /* the level filled becomes the one expanded */
			for (uint32_t i = level_end; i < tail; i++)
				nf[q[i]] &= (uint8_t)~NF_FILLING;
			level++;
			level_end = tail;
		}
		if (level >= stop_level)
			break;
		uint32_t u = q[head++];
		prefetch_queued(h, c->rb, q, head, tail);
		for (uint32_t e = h->first_edge[u]; e < h->first_edge[u + 1]; e++) {
			if (!links(h, c->rb, e))
				continue;
			uint32_t w = h->edge_to[e];
			uint8_t f = nf[w];
			if (w == 0 || (f & (NF_SEEN | NF_FILLING)) == NF_SEEN)
				continue;   /* no path runs through the synthetic root */
			uint32_t p = sat_add_u32(pen[u], hop_penalty(c, u, e, w));
			if (!(f & NF_SEEN)) {
				nf[w] = (uint8_t)(f | NF_SEEN | NF_FILLING);
				pen[w] = p;
				path_edge[w] = e;
				q[tail++] = w;
				if (w == stop)
					stop_level = level + 1;
			} else if (p < pen[w]) {
				pen[w] = p;
				path_edge[w] = e;
			}
		}
	}
	for (uint32_t i = level_end; i < tail; i++)
		nf[q[i]] &= (uint8_t)~NF_FILLING;
	return tail;
}

static void path_reset(pathctx *c, uint32_t *path_edge)
{
	for (uint32_t v = 0; v < c->h->nnodes; v++) {
		c->nflags[v] &= (uint8_t)~(NF_SEEN | NF_FILLING);
		path_edge[v] = NONE;
	}
}

/* The whole path tree: user roots first, then node 0 for the rest (whose
 * levels are above every user root's, so the two passes never mix). */
static void path_tree(pathctx *c, uint32_t *path_edge)
{
	const mt_heap *h = c->h;
	uint32_t n = h->nnodes, tail = 0;
	path_reset(c, path_edge);
	for (uint32_t v = 0; v < n; v++)
		if (c->nflags[v] & NF_USER_ROOT) {
			c->nflags[v] |= NF_SEEN;
			c->pen[v] = 0;
			c->queue[tail++] = v;
		}
	layered_bfs(c, 0, tail, path_edge, NONE);
	if (n && !(c->nflags[0] & NF_SEEN)) {
		c->nflags[0] |= NF_SEEN;
		c->pen[0] = 0;
		c->queue[0] = 0;
		layered_bfs(c, 0, 1, path_edge, NONE);
	}
}

/* A path from node 0 alone to @target (for user roots), into @path_edge. */
static void path_from_root(pathctx *c, uint32_t *path_edge, uint32_t target)
{
	path_reset(c, path_edge);
	c->nflags[0] |= NF_SEEN;
	c->pen[0] = 0;
	c->queue[0] = 0;
	layered_bfs(c, 0, 1, path_edge, target);
}

/* Walks @path_edge back from @node; writes root-first when it fits. */
static int walk_path(const mt_heap *h, const uint32_t *path_edge, uint32_t node, uint32_t *edges,
	uint32_t cap, mt_error *err)
{
	uint32_t len = 0;
	for (uint32_t v = node; path_edge[v] != NONE; v = mt_heap_edge_from(h, path_edge[v])) {
		MT_FAIL_IF(err, len >= h->nnodes, MT_EFORMAT, MT_NO_OFFSET,
			"expected the retainer path of node %u to end, found a cycle", node);
		len++;
	}
	MT_FAIL_IF(err, len > INT32_MAX, MT_ELIMIT, MT_NO_OFFSET, "retainer path of %u edges", len);
	if (len <= cap) {
		uint32_t i = len;
		for (uint32_t v = node; path_edge[v] != NONE; v = mt_heap_edge_from(h, path_edge[v]))
			edges[--i] = path_edge[v];
	}
	return (int)len;
}

int mt_heap_retainer_path(const mt_heap *h, const mt_heap_doms *d, uint32_t node,
	uint32_t *edges, uint32_t cap, mt_error *err)
{
	MT_FAIL_IF(err, !h || node >= h->nnodes, MT_EINVAL, MT_NO_OFFSET,
		"expected a node index below %u, found %u", h ? h->nnodes : 0, node);
	if (node == 0)
		return 0;
	const struct doms_full *df = (const struct doms_full *)d;
	int is_user_root = user_root(h, node);
	if (df && df->path_edge && df->nnodes == h->nnodes && !is_user_root)
		return walk_path(h, df->path_edge, node, edges, cap, err);

	int rc = check_graph(h, err);
	if (rc)
		return rc;
	uint64_t *rb = retain_bits(h);
	uint32_t *pe = malloc(((size_t)h->nnodes + 1) * sizeof *pe);
	pathctx c;
	if (!rb || !pe || pathctx_init(&c, h, rb)) {
		free(rb);
		free(pe);
		return mt_error_set(err, MT_ENOMEM, MT_NO_OFFSET, "out of memory finding a retainer path");
	}
	if (is_user_root)
		path_from_root(&c, pe, node);
	else
		path_tree(&c, pe);
	rc = walk_path(h, pe, node, edges, cap, err);
	pathctx_free(&c);
	free(rb);
	free(pe);
	return rc;
}

/* ---- dominators ---- */

void mt_heap_doms_free(mt_heap_doms *d)
{
	if (!d)
		return;
	struct doms_full *df = (struct doms_full *)d;
	free(d->idom);
	free(d->retained);
	free(d->distance);
	free(df->path_edge);
	free(df);
}

/* edges from node 0 over the edges of @rb (BFS with the queue @q); NONE = not reached */
static void bfs_distances(const mt_heap *h, const uint64_t *rb, uint32_t *dist, uint32_t *q)
{
	uint32_t head = 0, tail = 0, n = h->nnodes;
	for (uint32_t v = 0; v < n; v++)
		dist[v] = NONE;
	dist[0] = 0;
	q[tail++] = 0;
	while (head < tail) {
		uint32_t u = q[head++];
		prefetch_queued(h, rb, q, head, tail);
		for (uint32_t e = h->first_edge[u]; e < h->first_edge[u + 1]; e++) {
			uint32_t w = h->edge_to[e];
			if (BIT(rb, e) && dist[w] == NONE) {
				dist[w] = dist[u] + 1;
				q[tail++] = w;
			}
		}
	}
}

typedef struct dist_job {
	const mt_heap *h;
	const uint64_t *rb;
	uint32_t *dist, *q;
} dist_job;

static void *dist_run(void *arg)
{
	dist_job *j = arg;
	bfs_distances(j->h, j->rb, j->dist, j->q);
	return NULL;
}

int mt_heap_dominators(mt_heap_doms **out, const mt_heap *h, mt_error *err)
{
	*out = NULL;
	MT_FAIL_IF(err, !h, MT_EINVAL, MT_NO_OFFSET, "expected a heap graph");
	const char *saved = err ? err->doing : NULL;
	if (err)
		err->doing = "computing dominators";
	int rc = check_graph(h, err);
	if (rc)
		return rc;
	uint32_t n = h->nnodes;
	size_t sz = (size_t)n + 1;
	struct doms_full *df = calloc(1, sizeof *df);
	uint64_t *rb = retain_bits(h);
	uint32_t *lidom = NULL, *q = NULL, k = 0;
	dist_job dj = { NULL, NULL, NULL, NULL };
	pthread_t dt;
	int threaded = 0;
	if (!df || !rb)
		goto oom;
	df->nnodes = n;
	mt_heap_doms *d = &df->pub;
	/* until the idoms are known, d->idom holds the DFS numbers and
	 * d->distance the DFS parents, then the DFS order (see semi_nca) */
	d->idom = calloc(sz, sizeof *d->idom);
	d->distance = malloc(sz * sizeof *d->distance);
	if (!d->idom || !d->distance)
		goto oom;
	if (n && (rc = semi_nca(h, rb, d->idom, d->distance, &lidom, &k, err)))
		goto out;
	const uint32_t *vert = d->distance;
	uint64_t unreached = 0;
	for (uint32_t v = 1; v < n; v++)
		if (!d->idom[v])
			unreached = sat_add_u64(unreached, h->node_self[v]);
	/* DFS numbers to nodes, in place (an unreached node's 0 stays) */
	for (uint32_t w = 1; w <= k; w++)
		d->idom[vert[w]] = vert[lidom[w]];
	free(lidom);
	lidom = NULL;

	/* the retainer-path tree (before the retained sizes: less memory at once);
	 * on a large graph the distances are found meanwhile on a second thread,
	 * into arrays of their own (the DFS order is still needed) */
	df->path_edge = malloc(sz * sizeof *df->path_edge);
	if (!df->path_edge)
		goto oom;
	if (n >= mt_heap__dist_thread_min && n) {
		dj.h = h;
		dj.rb = rb;
		dj.dist = malloc(sz * sizeof *dj.dist);
		dj.q = malloc(sz * sizeof *dj.q);
		threaded = dj.dist && dj.q && !pthread_create(&dt, NULL, dist_run, &dj);
		if (!threaded) {
			free(dj.dist);
			free(dj.q);
			dj.dist = dj.q = NULL;
		}
	}
	int path_rc = 0;
	if (n) {
		pathctx c;
		if (pathctx_init(&c, h, rb)) {
			path_rc = mt_error_set(err, MT_ENOMEM, MT_NO_OFFSET, "out of memory computing retainer paths");
		} else {
			path_tree(&c, df->path_edge);
			pathctx_free(&c);
		}
	}
	if (threaded) {
		pthread_join(dt, NULL);
		free(dj.q);
		dj.q = NULL;
	}
	if ((rc = path_rc))
		goto out;

	/* retained sizes, bottom-up in reverse DFS order (a dominator is
	 * numbered before what it dominates) */
	d->retained = malloc(sz * sizeof *d->retained);
	if (!threaded)
		q = malloc(sz * sizeof *q);
	if (!d->retained || (!threaded && !q))
		goto oom;
	for (uint32_t v = 0; v < n; v++)
		d->retained[v] = h->node_self[v];
	for (uint32_t w = k; w >= 2; w--) {
		uint32_t v = vert[w], p = d->idom[v];
		d->retained[p] = sat_add_u64(d->retained[p], d->retained[v]);
	}
	if (n)
		d->retained[0] = sat_add_u64(d->retained[0], unreached);

	/* distances (replacing the DFS order) */
	if (threaded) {
		free(d->distance);
		d->distance = dj.dist;
		dj.dist = NULL;
	} else if (n) {
		bfs_distances(h, rb, d->distance, q);
	}
	*out = d;
	df = NULL;
	goto out;
oom:
	rc = mt_error_set(err, MT_ENOMEM, MT_NO_OFFSET, "out of memory computing dominators");
out:
	free(lidom);
	free(q);
	free(dj.dist);
	free(rb);
	if (df)
		mt_heap_doms_free(&df->pub);
	if (err && !rc)
		err->doing = saved;
	return rc;
}

/* ---- labels ---- */

typedef struct sbuf {
	char *buf;
	size_t cap, len;
} sbuf;

static void sb_putc(sbuf *b, char ch)
{
	if (b->len + 1 < b->cap)
		b->buf[b->len] = ch;
	b->len++;
}

static void sb_put(sbuf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sb_putc(b, s[i]);
}

static void sb_puts(sbuf *b, const char *s)
{
	sb_put(b, s, strlen(s));
}

static size_t sb_end(sbuf *b)
{
	if (b->cap)
		b->buf[b->len < b->cap ? b->len : b->cap - 1] = 0;
	return b->len;
}

/*
 * Copies a name: control bytes become '?', at most @max bytes (cut on a
 * UTF-8 boundary, then "..."); @fold replaces C++ template argument lists
 * with "<...>" (not for names that start with '<': DOM elements).
 */
static void sb_name(sbuf *b, const char *s, size_t len, size_t max, int fold)
{
	if (fold && len && s[0] != '<') {
		size_t out = 0, i;
		int depth = 0;
		for (i = 0; i < len && out < max; i++) {
			char ch = s[i];
			if (ch == '<') {
				if (depth++ == 0) {
					sb_put(b, "<...>", 5);
					out += 5;
				}
				continue;
			}
			if (ch == '>' && depth) {
				depth--;
				continue;
			}
			if (depth)
				continue;
			sb_putc(b, ((unsigned char)ch < 0x20 || ch == 0x7f) ? '?' : ch);
			out++;
		}
		if (i < len)
			sb_put(b, "...", 3);
		return;
	}
	size_t n = len;
	if (n > max) {
		n = max;
		while (n && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		sb_putc(b, ((unsigned char)ch < 0x20 || ch == 0x7f) ? '?' : ch);
	}
	if (n < len)
		sb_put(b, "...", 3);
}

static const char *node_name(const mt_heap *h, uint32_t v, size_t *len)
{
	if (!h->node_name) {
		*len = 0;
		return "";
	}
	*len = mt_strtab_len(h->strings, h->node_name[v]);
	return mt_strtab_get(h->strings, h->node_name[v]);
}

static int is_detached(const mt_heap *h, uint32_t v)
{
	return h->node_detached && h->node_detached[v] == MT_DETACHED_DETACHED;
}

#define LABEL_MAX 80

static void label_into(sbuf *b, const mt_heap *h, uint32_t v)
{
	size_t len;
	const char *s = node_name(h, v, &len);
	if (v == 0) {
		sb_puts(b, "(root)");
		return;
	}
	switch (h->node_type[v]) {
	case MT_HN_CLOSURE:
		if (!len) {
			sb_puts(b, "(anonymous closure)");
			return;
		}
		sb_name(b, s, len, LABEL_MAX, 0);
		sb_puts(b, " (closure)");
		return;
	case MT_HN_STRING:
	case MT_HN_CONCAT_STRING:
	case MT_HN_SLICED_STRING:
		sb_putc(b, '"');
		sb_name(b, s, len, LABEL_MAX, 0);
		sb_putc(b, '"');
		return;
	case MT_HN_NATIVE:
		if (is_detached(h, v) && !starts_with(s, len, "Detached "))
			sb_puts(b, "Detached ");
		sb_name(b, s, len, LABEL_MAX, 1);
		return;
	default:
		if (!len) {
			sb_putc(b, '(');
			sb_puts(b, mt_heap_node_type_name(h->node_type[v]));
			sb_putc(b, ')');
			return;
		}
		sb_name(b, s, len, LABEL_MAX, 0);
		return;
	}
}

size_t mt_heap_node_label(const mt_heap *h, uint32_t node, char *buf, size_t cap)
{
	sbuf b = { buf, cap, 0 };
	if (node < h->nnodes)
		label_into(&b, h, node);
	return sb_end(&b);
}

#define CLASS_MAX 160

static void class_into(sbuf *b, const mt_heap *h, uint32_t v)
{
	size_t len;
	const char *s = node_name(h, v, &len);
	uint8_t t = h->node_type[v];
	switch (t) {
	case MT_HN_CLOSURE:
		sb_puts(b, "(closure)");
		if (len) {
			sb_putc(b, ' ');
			sb_name(b, s, len, CLASS_MAX, 0);
		}
		return;
	case MT_HN_STRING:
		sb_puts(b, "(string)");
		return;
	case MT_HN_CONCAT_STRING:
		sb_puts(b, "(concatenated string)");
		return;
	case MT_HN_SLICED_STRING:
		sb_puts(b, "(sliced string)");
		return;
	case MT_HN_CODE:
		sb_puts(b, "(compiled code)");
		return;
	case MT_HN_HIDDEN:
		sb_puts(b, "(system)");
		return;
	case MT_HN_ARRAY:
		if (len && s[0] == '(')
			sb_name(b, s, len, CLASS_MAX, 0);
		else
			sb_puts(b, "(array)");
		return;
	case MT_HN_OBJECT:
	case MT_HN_NATIVE:
	case MT_HN_SYNTHETIC:
	case MT_HN_OBJECT_SHAPE: {
		if (!len) {
			sb_putc(b, '(');
			sb_puts(b, mt_heap_node_type_name(t));
			sb_putc(b, ')');
			return;
		}
		if (t == MT_HN_NATIVE && is_detached(h, v) && !starts_with(s, len, "Detached "))
			sb_puts(b, "Detached ");
		/* drop a trailing " @<digits>" (per-object ids in names) */
		size_t n = len;
		while (n && s[n - 1] >= '0' && s[n - 1] <= '9')
			n--;
		if (n < len && n >= 2 && s[n - 1] == '@' && s[n - 2] == ' ')
			len = n - 2;
		/* "<div class=...>" -> "<div>", as DevTools' class names */
		const char *tag = s;
		size_t tl = len;
		if (starts_with(s, len, "Detached <")) {
			sb_puts(b, "Detached ");
			tag = s + 9;
			tl = len - 9;
		}
		if (tl && tag[0] == '<') {
			const char *sp = memchr(tag, ' ', tl);
			if (sp) {
				sb_name(b, tag, (size_t)(sp - tag), CLASS_MAX, 0);
				sb_putc(b, '>');
				return;
			}
			sb_name(b, tag, tl, CLASS_MAX, 0);
			return;
		}
		sb_name(b, s, len, CLASS_MAX, t == MT_HN_NATIVE);
		return;
	}
	default:
		sb_putc(b, '(');
		sb_puts(b, mt_heap_node_type_name(t));
		sb_putc(b, ')');
		return;
	}
}

size_t mt_heap_node_class(const mt_heap *h, uint32_t node, char *buf, size_t cap)
{
	sbuf b = { buf, cap, 0 };
	if (node < h->nnodes)
		class_into(&b, h, node);
	return sb_end(&b);
}

static int is_context_scope(const mt_heap *h, uint32_t v)
{
	size_t len;
	const char *s = node_name(h, v, &len);
	uint8_t t = h->node_type[v];
	return (t == MT_HN_OBJECT || t == MT_HN_HIDDEN) && starts_with(s, len, "system / Context");
}

/* Element and hidden edges are indices; so are named edges whose name is
 * all digits (V8's internal slots "742", "(object properties)" keys). */
static int edge_indexed(const mt_heap *h, uint32_t e)
{
	uint8_t t = h->edge_type[e];
	if (t == MT_HE_ELEMENT || t == MT_HE_HIDDEN)
		return 1;
	if (!h->strings)
		return 0;
	const char *s = mt_strtab_get(h->strings, h->edge_name[e]);
	size_t len = mt_strtab_len(h->strings, h->edge_name[e]);
	if (!len || len > 10)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static void edge_name_into(sbuf *b, const mt_heap *h, uint32_t e)
{
	uint8_t t = h->edge_type[e];
	if (t == MT_HE_ELEMENT || t == MT_HE_HIDDEN) {
		char num[16];
		int k = snprintf(num, sizeof num, "%u", h->edge_name[e]);
		sb_put(b, num, (size_t)k);
		return;
	}
	const char *s = h->strings ? mt_strtab_get(h->strings, h->edge_name[e]) : "";
	size_t len = h->strings ? mt_strtab_len(h->strings, h->edge_name[e]) : 0;
	if (strstr(s, " pair in WeakMap (table @")) {
		sb_puts(b, "WeakMap value");
		return;
	}
	if (!len) {
		sb_putc(b, '(');
		sb_puts(b, mt_heap_edge_type_name(h->edge_type[e]));
		sb_putc(b, ')');
		return;
	}
	sb_name(b, s, len, LABEL_MAX, 0);
}

size_t mt_heap_path_format(const mt_heap *h, const uint32_t *edges, uint32_t n, char *buf, size_t cap)
{
	sbuf b = { buf, cap, 0 };
	uint32_t i = 0;
	if (n && edges[0] < h->nedges) {
		uint32_t cur = mt_heap_edge_from(h, edges[0]);
		if (cur == 0) {
			cur = h->edge_to[edges[0]];
			i = 1;
		}
		label_into(&b, h, cur);
		for (; i < n; i++) {
			uint32_t e = edges[i];
			if (e >= h->nedges)
				break;
			uint32_t w = h->edge_to[e];
			if (edge_indexed(h, e)) {
				sb_putc(&b, '[');
				edge_name_into(&b, h, e);
				sb_put(&b, "] -> ", 5);
				label_into(&b, h, w);
				continue;
			}
			sb_put(&b, " -> ", 4);
			edge_name_into(&b, h, e);
			/* a closure scope is said by the edge names around it */
			if (is_context_scope(h, w) && i + 1 < n && edges[i + 1] < h->nedges &&
			    !edge_indexed(h, edges[i + 1]))
				continue;
			sb_put(&b, " -> ", 4);
			label_into(&b, h, w);
		}
	}
	return sb_end(&b);
}

/* ---- the dominator tree as a flame tree ---- */

int mt_heap_dominator_tree(mt_tree **out, const mt_heap *h, const mt_heap_doms *d,
	const mt_heap_tree_opts *opts, mt_error *err)
{
	*out = NULL;
	MT_FAIL_IF(err, !h || !d, MT_EINVAL, MT_NO_OFFSET, "expected a heap and its dominators");
	uint32_t max_depth = (opts && opts->max_depth) ? opts->max_depth : MT_HEAP_TREE_DEFAULT_DEPTH;
	uint32_t n = h->nnodes;
	static const char *const types[] = { "retained" }, *const units[] = { "bytes" };
	mt_tree *t = NULL;
	uint32_t *first = calloc((size_t)n + 2, sizeof *first);
	uint32_t *kids = malloc(((size_t)n + 1) * sizeof *kids);
	uint32_t *order = malloc(((size_t)n + 1) * sizeof *order);
	uint32_t *frame = malloc(((size_t)n + 1) * sizeof *frame);
	char *name = malloc(CLASS_MAX + 64);
	uint8_t *deeper = NULL;
	size_t deeper_cap = 0;
	int rc = MT_ENOMEM;
	if (!first || !kids || !order || !frame || !name || (rc = mt_tree_new(&t, 1, types, units)))
		goto out;
	rc = MT_ENOMEM;
	/* children of each node in the dominator tree, in node order */
	for (uint32_t v = 1; v < n; v++)
		if (d->idom[v] < n && d->idom[v] != v)
			first[d->idom[v] + 1]++;
	for (uint32_t v = 0; v < n; v++)
		first[v + 1] += first[v];
	memcpy(order, first, (size_t)n * sizeof *order);   /* fill cursors */
	for (uint32_t v = 1; v < n; v++)
		if (d->idom[v] < n && d->idom[v] != v)
			kids[order[d->idom[v]]++] = v;
	/* breadth-first from node 0: a node's dominator always comes first */
	uint32_t head = 0, tail = 0;
	if (n) {
		order[tail++] = 0;
		frame[0] = 0;
		mt_tree_add(t, 0, 0, (int64_t)(h->node_self[0] > INT64_MAX ? INT64_MAX : h->node_self[0]));
	}
	while (head < tail) {
		uint32_t u = order[head++];
		uint32_t pf = frame[u];
		for (uint32_t k = first[u]; k < first[u + 1]; k++) {
			uint32_t v = kids[k], f;
			if (pf < deeper_cap && deeper[pf]) {
				f = pf;
			} else if (t->nodes[pf].depth >= max_depth) {
				if ((rc = mt_tree_child(t, pf, "(deeper)", 8, MT_LANG_UNKNOWN, &f)))
					goto out;
				if (f >= deeper_cap) {
					size_t old = deeper_cap;
					if (mt_grow(&deeper, &deeper_cap, (size_t)f + 1, 1)) {
						rc = MT_ENOMEM;
						goto out;
					}
					memset(deeper + old, 0, deeper_cap - old);
				}
				deeper[f] = 1;
			} else {
				size_t len = mt_heap_node_class(h, v, name, CLASS_MAX + 64);
				if (len >= CLASS_MAX + 64)
					len = CLASS_MAX + 63;
				uint8_t nt = h->node_type[v];
				mt_lang lang = nt == MT_HN_NATIVE ? MT_LANG_NATIVE :
					nt == MT_HN_SYNTHETIC ? MT_LANG_STATE : MT_LANG_JS;
				if ((rc = mt_tree_child(t, pf, name, len, lang, &f)))
					goto out;
			}
			frame[v] = f;
			uint64_t self = h->node_self[v];
			mt_tree_add(t, f, 0, (int64_t)(self > INT64_MAX ? INT64_MAX : self));
			order[tail++] = v;
		}
	}
	rc = mt_tree_finish(t);
out:
	free(first);
	free(kids);
	free(order);
	free(frame);
	free(name);
	free(deeper);
	if (rc) {
		mt_tree_free(t);
		return mt_error_set(err, rc, MT_NO_OFFSET, "building the dominator tree failed: %s",
			mt_code_name(rc));
	}
	*out = t;
	return 0;
}

/* ---- top retained ---- */

/* a before b in the output: larger retained, then smaller node index */
static int row_before(const mt_heap_row *a, const mt_heap_row *b)
{
	if (a->retained != b->retained)
		return a->retained > b->retained;
	return a->node < b->node;
}

static int cmp_rows(const void *pa, const void *pb)
{
	const mt_heap_row *a = pa, *b = pb;
	if (row_before(a, b))
		return -1;
	return row_before(b, a) ? 1 : 0;
}

/* min-heap on "output order": the root is the row that would come last */
static void sift_down(mt_heap_row *hp, uint32_t m, uint32_t i)
{
	for (;;) {
		uint32_t l = 2 * i + 1, r = l + 1, w = i;
		if (l < m && row_before(&hp[w], &hp[l]))
			w = l;
		if (r < m && row_before(&hp[w], &hp[r]))
			w = r;
		if (w == i)
			return;
		mt_heap_row tmp = hp[i];
		hp[i] = hp[w];
		hp[w] = tmp;
		i = w;
	}
}

int mt_heap_top_retained(mt_heap_row **rows, uint32_t *nrows, const mt_heap *h,
	const mt_heap_doms *d, uint32_t n, unsigned flags, mt_error *err)
{
	*rows = NULL;
	*nrows = 0;
	MT_FAIL_IF(err, !h || !d, MT_EINVAL, MT_NO_OFFSET, "expected a heap and its dominators");
	uint32_t cand = 0;
	for (uint32_t v = 1; v < h->nnodes; v++)
		if ((flags & MT_HEAP_TOP_SYNTHETIC) || h->node_type[v] != MT_HN_SYNTHETIC)
			cand++;
	uint32_t m = (n && n < cand) ? n : cand;
	mt_heap_row *hp = malloc(((size_t)m + 1) * sizeof *hp);
	MT_FAIL_IF(err, !hp, MT_ENOMEM, MT_NO_OFFSET, "out of memory listing %u rows", m);
	uint32_t k = 0;
	for (uint32_t v = 1; v < h->nnodes; v++) {
		if (!(flags & MT_HEAP_TOP_SYNTHETIC) && h->node_type[v] == MT_HN_SYNTHETIC)
			continue;
		mt_heap_row r = { v, h->node_id ? h->node_id[v] : 0, h->node_self[v], d->retained[v], d->distance[v] };
		if (k < m) {
			hp[k++] = r;
			if (k == m)
				for (uint32_t i = m / 2; i-- > 0;)
					sift_down(hp, m, i);
		} else if (m && row_before(&r, &hp[0])) {
			hp[0] = r;
			sift_down(hp, m, 0);
		}
	}
	qsort(hp, k, sizeof *hp, cmp_rows);
	*rows = hp;
	*nrows = k;
	return 0;
}

/* ---- finding nodes ---- */

int mt_heap_find_nodes(uint32_t **nodes, uint32_t *n, const mt_heap *h, const char *re,
	uint64_t id, uint32_t max, mt_error *err)
{
	*nodes = NULL;
	*n = 0;
	regex_t rx;
	if (re) {
		int rc = regcomp(&rx, re, REG_EXTENDED | REG_NOSUB);
		if (rc) {
			char msg[128];
			regerror(rc, &rx, msg, sizeof msg);
			return mt_error_set(err, MT_EINVAL, MT_NO_OFFSET, "expected a regular expression, found \"%s\": %s",
				re, msg);
		}
	}
	uint32_t *out = NULL, cnt = 0, cap = 0;
	int rc = 0;
	for (uint32_t v = 0; v < h->nnodes && (!max || cnt < max); v++) {
		int hit;
		if (re)
			hit = h->node_name && regexec(&rx, mt_strtab_get(h->strings, h->node_name[v]), 0, NULL, 0) == 0;
		else
			hit = h->node_id && h->node_id[v] == id;
		if (!hit)
			continue;
		if (mt_grow32(&out, &cap, (uint64_t)cnt + 1, sizeof *out)) {
			rc = mt_error_set(err, MT_ENOMEM, MT_NO_OFFSET, "out of memory listing matching nodes");
			break;
		}
		out[cnt++] = v;
	}
	if (re)
		regfree(&rx);
	if (rc) {
		free(out);
		return rc;
	}
	*nodes = out;
	*n = cnt;
	return 0;
}
