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

/*
 * ---- the "detached-dom" detector ----
 *
 * Detached DOM nodes (state 2 after mt_heap_detached and
 * mt_heap_node_is_dom) joined by any non-weak edge between two of them
 * (Blink's parent, child and sibling links, a host and its shadow root)
 * form one detached tree. Its root is the member with the shortest
 * retainer path (ties: the lowest node index): the node through which the
 * tree is held. Trees whose paths read the same cluster into one finding:
 * the signature hashes every step's edge type, edge name (indices such as
 * element [3] and all-digit slot names dropped, as they differ per
 * instance), the class of each node (mt_heap_node_class, " @id" suffixes
 * dropped) and the raw name of the tree root (FNV-1a, 64 bits).
 *
 * bytes: the retained size of the trees as a set (nodes dominated by some
 * member: the sum of retained[m] over members m with no other member among
 * their dominators; an idom walk memoised per node, so linear overall).
 *
 * JSON: {"kind":"detached-dom","root","count" (detached DOM nodes in the
 * finding),"instances" (trees),"bytes","self_bytes" (self sizes of those
 * nodes),"tree_root" (the trees' root node name),"nodes" ({name: count} by
 * the names the snapshot gives, most first, then by name),"path" (text,
 * of the first instance),"steps" ([{"edge","edge_type","node","type",
 * "id"}]),"ids" (V8 ids of the instances' roots, at most 20),"benign",
 * "source"} and, when benign, "note".
 *
 * Benign: one instance of a lone `<template>` element: frameworks keep one
 * detached <template> to parse HTML strings (Vue's runtime-dom
 * templateContainer, present from page load), so it is reported with
 * "benign":true, a note, and score 0 (always last). Otherwise score =
 * count + bytes / 64 KiB.
 */
#include <stdio.h>

#include "heap_leaks_int.h"

#define UNSET UINT32_MAX
#define NOOWN (UINT32_MAX - 1)

typedef struct dtree {
	uint32_t root, plen, nodes, first; /* first: index into the by-tree member order */
	uint64_t self, bytes, sig;
} dtree;

static uint32_t uf_find(uint32_t *par, uint32_t x)
{
	while (par[x] != x) {
		par[x] = par[par[x]];
		x = par[x];
	}
	return x;
}

static uint64_t fnv(uint64_t hsh, const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++) {
		hsh ^= b[i];
		hsh *= 1099511628211ULL;
	}
	return hsh;
}

static int all_digits(const char *s, size_t n)
{
	if (!n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* The signature of the path in c->path[0..n) ending at @root. */
static uint64_t path_sig(hl *c, uint32_t n, uint32_t root)
{
	const mt_heap *h = c->h;
	uint64_t s = 1469598103934665603ULL;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t e = c->path[i];
		uint8_t t = h->edge_type[e];
		s = fnv(s, &t, 1);
		if (t != MT_HE_ELEMENT && t != MT_HE_HIDDEN && h->strings) {
			const char *nm = mt_strtab_get(h->strings, h->edge_name[e]);
			size_t len = mt_strtab_len(h->strings, h->edge_name[e]);
			if (!all_digits(nm, len))
				s = fnv(s, nm, len);
		}
		s = fnv(s, "\x1f", 1);
		uint32_t w = h->edge_to[e];
		if (w == root)
			break;
		const char *cl = hl_class(c, w);
		if (cl)
			s = fnv(s, cl, strlen(cl));
		s = fnv(s, "\x1e", 1);
	}
	size_t len;
	const char *nm = hl_name(h, root, &len);
	return fnv(s, nm, len);
}

/* Nearest member tree on the dominator chain at or above @x (memoised in @up). */
static uint32_t owner_up(const mt_heap_doms *d, uint32_t *up, uint32_t x, uint32_t **stk, size_t *cap)
{
	size_t n = 0;
	while (up[x] == UNSET) {
		if (mt_grow(stk, cap, n + 1, sizeof **stk))
			return UNSET;
		(*stk)[n++] = x;
		x = d->idom[x];
	}
	uint32_t r = up[x];
	while (n)
		up[(*stk)[--n]] = r;
	return r;
}

typedef struct nc {
	mt_str_id name;
	uint32_t count;
	const mt_strtab *t;
} nc;

static int nc_by_id(const void *a, const void *b)
{
	const nc *x = a, *y = b;
	return (x->name > y->name) - (x->name < y->name);
}

static int nc_by_count(const void *a, const void *b)
{
	const nc *x = a, *y = b;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(mt_strtab_get(x->t, x->name), mt_strtab_get(y->t, y->name));
}

static const dtree *sort_trees;

static int tree_cmp(const void *a, const void *b)
{
	const dtree *x = &sort_trees[*(const uint32_t *)a], *y = &sort_trees[*(const uint32_t *)b];
	if (x->sig != y->sig)
		return x->sig < y->sig ? -1 : 1;
	return (x->root > y->root) - (x->root < y->root);
}

static int is_template(const char *s, size_t n)
{
	return (n >= 10 && !memcmp(s, "<template", 9) && (s[9] == '>' || s[9] == ' ')) ||
		(n == 28 && !memcmp(s, "Detached HTMLTemplateElement", 28));
}

/* One finding for trees order[0..k). */
static int emit_cluster(hl *c, const dtree *tr, const uint32_t *order, uint32_t k, const uint32_t *members,
	nc *hist)
{
	const mt_heap *h = c->h;
	const dtree *t0 = &tr[order[0]];
	uint64_t count = 0, bytes = 0, self = 0;
	uint32_t nh = 0;
	for (uint32_t i = 0; i < k; i++) {
		const dtree *t = &tr[order[i]];
		count += t->nodes;
		bytes += t->bytes;
		self += t->self;
		for (uint32_t m = 0; m < t->nodes; m++) {
			nc x = { h->node_name[members[t->first + m]], 1, h->strings };
			hist[nh++] = x;
		}
	}
	qsort(hist, nh, sizeof *hist, nc_by_id);
	uint32_t nd = 0;
	for (uint32_t i = 0; i < nh; i++) {
		if (nd && hist[nd - 1].name == hist[i].name)
			hist[nd - 1].count++;
		else
			hist[nd++] = hist[i];
	}
	qsort(hist, nd, sizeof *hist, nc_by_count);

	int n = hl_path(c, t0->root);
	if (n < 0)
		return n;
	char root[256];
	uint32_t at = 0;
	hl_root_name(c, c->path, (uint32_t)n, root, sizeof root, &at);
	if (!n)
		snprintf(root, sizeof root, "(no retainer path)");
	size_t rl;
	const char *rname = hl_name(h, t0->root, &rl);
	int benign = k == 1 && count == 1 && is_template(rname, rl);

	mt_jobj o;
	mt_jobj_begin(&o);
	mt_jobj_cstr(&o, "kind", "detached-dom");
	mt_jobj_cstr(&o, "root", root);
	mt_jobj_i64(&o, "count", (int64_t)count);
	mt_jobj_i64(&o, "instances", k);
	mt_jobj_i64(&o, "bytes", (int64_t)bytes);
	mt_jobj_i64(&o, "self_bytes", (int64_t)self);
	mt_jobj_str(&o, "tree_root", rname, rl);
	mt_membuf mb = { 0 };
	mt_sink s = mt_sink_membuf(&mb);
	mt_sink_puts(&s, "{");
	for (uint32_t i = 0; i < nd; i++) {
		if (i)
			mt_sink_puts(&s, ",");
		mt_json_str(&s, mt_strtab_get(h->strings, hist[i].name), mt_strtab_len(h->strings, hist[i].name));
		mt_sink_printf(&s, ":%u", hist[i].count);
	}
	mt_sink_puts(&s, "}");
	mt_jobj_raw(&o, "nodes", mb.data);
	mt_membuf_free(&mb);
	hl_json_path(c, &o, c->path, (uint32_t)n);
	mb = (mt_membuf){ 0 };
	s = mt_sink_membuf(&mb);
	mt_sink_puts(&s, "[");
	for (uint32_t i = 0; i < k && i < 20; i++)
		mt_sink_printf(&s, "%s%u", i ? "," : "", h->node_id ? h->node_id[tr[order[i]].root] : tr[order[i]].root);
	mt_sink_puts(&s, "]");
	mt_jobj_raw(&o, "ids", mb.data);
	mt_membuf_free(&mb);
	mt_jobj_raw(&o, "benign", benign ? "true" : "false");
	if (benign)
		mt_jobj_cstr(&o, "note", "one detached <template>: the scratch element frameworks keep to parse HTML "
			"(e.g. Vue's templateContainer); not a leak by itself");
	mt_jobj_cstr(&o, "source", c->source);

	/* detail: "x5 detached trees, onKeydown (closure) -> context -> modalNode -> Detached <div ...>";
	 * a tail of more than 8 steps shows its first 3 and last 4 around " -> ... -> " */
	char detail[1024], head[512] = "";
	uint32_t tn = n ? (uint32_t)n - at : 0, skip = tn > 8 ? tn - 4 : 0;
	if (skip) {
		const char *t = hl_path_text(c, c->path + at, 3);
		snprintf(head, sizeof head, "%s -> ... -> ", t ? t : "");
	}
	const char *tail = tn ? hl_path_text(c, c->path + at + skip, tn - skip) : "";
	if (benign)
		snprintf(detail, sizeof detail, "benign: framework scratch <template>, via %.500s%.500s", head,
			tail ? tail : "");
	else
		snprintf(detail, sizeof detail, "x%u detached tree%s, %.500s%.500s", k, k == 1 ? "" : "s", head,
			tail ? tail : "");
	double score = benign ? 0 : (double)count + (double)bytes / 65536.0;
	int rc = hl_add(c, "detached-dom", root, (int64_t)count, (int64_t)bytes, score, detail, &o);
	mt_jobj_free(&o);
	return rc;
}

int hl_detached_dom(hl *c)
{
	const mt_heap *h = c->h;
	uint32_t n = h->nnodes, nd = 0;
	for (uint32_t v = 0; v < n; v++)
		nd += c->state[v] == MT_DETACHED_DETACHED && mt_heap_node_is_dom(h, v);
	if (!nd)
		return 0;
	int rc = 0;
	uint32_t *mi = malloc((size_t)n * sizeof *mi);
	uint32_t *mem = malloc((size_t)nd * sizeof *mem);
	uint32_t *par = malloc((size_t)nd * sizeof *par);
	uint32_t *byt = malloc((size_t)nd * sizeof *byt);
	uint32_t *tid = malloc((size_t)nd * sizeof *tid);
	dtree *tr = calloc(nd, sizeof *tr);
	nc *hist = malloc((size_t)nd * sizeof *hist);
	uint32_t *stk = NULL;
	size_t stkcap = 0;
	if (!mi || !mem || !par || !byt || !tid || !tr || !hist) {
		rc = mt_error_set(c->err, MT_ENOMEM, MT_NO_OFFSET, "out of memory grouping detached DOM trees");
		goto out;
	}
	uint32_t k = 0;
	for (uint32_t v = 0; v < n; v++) {
		mi[v] = UNSET;
		if (c->state[v] == MT_DETACHED_DETACHED && mt_heap_node_is_dom(h, v)) {
			mi[v] = k;
			par[k] = k;
			mem[k++] = v;
		}
	}
	for (uint32_t i = 0; i < nd; i++) {
		uint32_t v = mem[i];
		for (uint32_t e = h->first_edge[v]; e < h->first_edge[v + 1]; e++) {
			uint32_t w = h->edge_to[e];
			if (h->edge_type[e] == MT_HE_WEAK || mi[w] == UNSET)
				continue;
			uint32_t a = uf_find(par, i), b = uf_find(par, mi[w]);
			if (a != b)
				par[a > b ? a : b] = a < b ? a : b; /* the smaller index wins: deterministic */
		}
	}
	/* trees numbered in node order of their first member */
	uint32_t nt = 0;
	for (uint32_t i = 0; i < nd; i++) {
		uint32_t r = uf_find(par, i);
		if (r == i) {
			tid[i] = nt;
			tr[nt].root = UNSET;
			tr[nt].plen = UNSET;
			nt++;
		}
		tid[i] = tid[r];
		dtree *t = &tr[tid[i]];
		t->nodes++;
		t->self += h->node_self[mem[i]];
		int len = hl_path_len(c, mem[i]);
		if (len < 0) {
			rc = len;
			goto out;
		}
		uint32_t pl = len ? (uint32_t)len : UNSET - 1;
		if (t->root == UNSET || pl < t->plen) {
			t->root = mem[i];
			t->plen = pl;
		}
	}
	/* members grouped by tree (counting sort, node order inside) */
	for (uint32_t t = 0, acc = 0; t < nt; t++) {
		tr[t].first = acc;
		acc += tr[t].nodes;
		tr[t].nodes = 0;
	}
	for (uint32_t i = 0; i < nd; i++) {
		dtree *t = &tr[tid[i]];
		byt[t->first + t->nodes++] = mem[i];
	}
	/* retained size of each tree as a set */
	for (uint32_t v = 0; v < n; v++)
		mi[v] = UNSET;
	for (uint32_t i = 0; i < nd; i++)
		mi[mem[i]] = tid[i];
	if (mi[0] == UNSET)
		mi[0] = NOOWN;
	for (uint32_t i = 0; i < nd; i++) {
		uint32_t v = mem[i];
		uint32_t o = owner_up(c->d, mi, c->d->idom[v], &stk, &stkcap);
		if (o == UNSET) {
			rc = mt_error_set(c->err, MT_ENOMEM, MT_NO_OFFSET, "out of memory sizing detached trees");
			goto out;
		}
		if (o == NOOWN)
			tr[tid[i]].bytes += c->d->retained[v];
	}
	for (uint32_t t = 0; t < nt; t++) {
		int len = hl_path(c, tr[t].root);
		if (len < 0) {
			rc = len;
			goto out;
		}
		tr[t].sig = path_sig(c, (uint32_t)len, tr[t].root);
		/* closures on the path keep this tree (for the listeners finding) */
		for (int i = 0; i < len; i++) {
			uint32_t e = c->path[i], src = mt_heap_edge_from(h, e);
			if (h->node_type[src] != MT_HN_CLOSURE)
				continue;
			if (mt_grow(&c->holds, &c->capholds, c->nholds + 1, sizeof *c->holds)) {
				rc = mt_error_set(c->err, MT_ENOMEM, MT_NO_OFFSET, "out of memory");
				goto out;
			}
			c->holds[c->nholds].closure = src;
			c->holds[c->nholds++].nodes = tr[t].nodes;
		}
	}
	/* cluster: order trees by signature */
	for (uint32_t t = 0; t < nt; t++)
		par[t] = t;
	sort_trees = tr;
	qsort(par, nt, sizeof *par, tree_cmp);
	sort_trees = NULL;
	for (uint32_t i = 0; i < nt && !rc;) {
		uint32_t j = i + 1;
		while (j < nt && tr[par[j]].sig == tr[par[i]].sig)
			j++;
		rc = emit_cluster(c, tr, par + i, j - i, byt, hist);
		i = j;
	}
out:
	free(mi);
	free(mem);
	free(par);
	free(byt);
	free(tid);
	free(tr);
	free(hist);
	free(stk);
	return rc;
}
