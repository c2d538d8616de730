/*
 * analysis/heap_leaks.c - `memtracer leaks` on one V8 heap snapshot: the
 * entry point mt_heap_leaks() and what the detectors share (retainer
 * paths as text and JSON, naming the holder of a path).
 *
 * Detectors: heap_detached.c ("detached-dom") and heap_holders.c
 * ("listeners", "collection", "large-object"); their JSON shapes are
 * documented there and in README.md.
 *
 * Naming the holder ("root") of a path, reading it backwards from its end:
 *  - a named closure whose own scope the path runs through
 *    ("onResize (closure) -> context -> panelNode -> ...") is the holder,
 *    unless the path only reaches it as a global function of the global
 *    object, or the path leaves its scope through a variable holding an
 *    Array, Map or Set: then the closure is merely a way into the module
 *    scope, and that variable is the holder ("chartRegistry",
 *    "archivedRows");
 *  - after an anonymous closure (a watcher's getter, an arrow callback),
 *    the nearest variable (context edge) further up names the holder
 *    ("opsStore");
 *  - otherwise the variable nearest to the end ("templateContainer"),
 *    without one the property nearest to the end ("rows" of a global
 *    object), and without one the class of the object that holds the end.
 * The table shows the path from that point on ("tail").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heap_leaks_int.h"
#include "mt_internal.h"

const char *hl_name(const mt_heap *h, uint32_t v, size_t *len)
{
	if (!h->node_name || !h->strings) {
		*len = 0;
		return "";
	}
	*len = mt_strtab_len(h->strings, h->node_name[v]);
	return mt_strtab_get(h->strings, h->node_name[v]);
}

static const char *edge_str(const mt_heap *h, uint32_t e, size_t *len)
{
	uint8_t t = h->edge_type[e];
	if (t == MT_HE_ELEMENT || t == MT_HE_HIDDEN || !h->strings) {
		*len = 0;
		return "";
	}
	*len = mt_strtab_len(h->strings, h->edge_name[e]);
	return mt_strtab_get(h->strings, h->edge_name[e]);
}

static int edge_named(const mt_heap *h, uint32_t e, const char *name)
{
	size_t len;
	const char *s = edge_str(h, e, &len);
	return len == strlen(name) && !memcmp(s, name, len);
}

/* The first non-weak edge of node 0 into @node, or HL_NONE (c->kids: sorted by target, then edge). */
static uint32_t kid_edge(const hl *c, uint32_t node)
{
	size_t lo = MT_LOWER_BOUND(c->kids, c->nkids, .node, node);
	return lo < c->nkids && c->kids[lo].node == node ? c->kids[lo].edge : HL_NONE;
}

/*
 * A direct child of node 0 is a user root, whose path mt_heap_retainer_path
 * searches the whole graph for; it is that one edge, found here without
 * the search (so many such nodes cost nothing).
 */
/*
 * Retainer paths cost their length; a crafted graph (a long chain with many
 * leaves under it) could make that quadratic, so the total length walked
 * is bounded by max(2 x 10^7, 16 x (nodes + edges)) steps, far above what real
 * snapshots need; past it the analysis stops with MT_ELIMIT.
 */
static int spend(hl *c, int len)
{
	if (len <= 0)
		return len;
	c->steps += (uint64_t)len;
	MT_FAIL_IF(c->err, c->steps > c->budget, MT_ELIMIT, MT_NO_OFFSET,
		"expected retainer paths of ordinary length, found more than %llu steps in all",
		(unsigned long long)c->budget);
	return len;
}

int hl_path_len(hl *c, uint32_t node)
{
	if (node && kid_edge(c, node) != HL_NONE)
		return 1;
	return spend(c, mt_heap_retainer_path(c->h, c->d, node, NULL, 0, c->err));
}

int hl_path(hl *c, uint32_t node)
{
	uint32_t k = node ? kid_edge(c, node) : HL_NONE;
	if (k != HL_NONE) {
		c->path[0] = k; /* pathcap >= 1 always */
		return 1;
	}
	for (;;) {
		int n = spend(c, mt_heap_retainer_path(c->h, c->d, node, c->path, c->pathcap, c->err));
		if (n < 0 || (uint32_t)n <= c->pathcap)
			return n;
		size_t cap = c->pathcap;
		if (mt_grow(&c->path, &cap, (size_t)n, sizeof *c->path) || cap > UINT32_MAX)
			return mt_error_set(c->err, MT_ENOMEM, MT_NO_OFFSET, "out of memory for a retainer path");
		c->pathcap = (uint32_t)cap;
	}
}

static int text_room(hl *c, size_t need)
{
	return mt_grow(&c->text, &c->textcap, need + 1, 1);
}

const char *hl_path_text(hl *c, const uint32_t *edges, uint32_t n)
{
	size_t len = mt_heap_path_format(c->h, edges, n, c->text, c->textcap);
	if (len >= c->textcap) {
		if (text_room(c, len))
			return NULL;
		mt_heap_path_format(c->h, edges, n, c->text, c->textcap);
	}
	return c->text;
}

/* mt_heap_node_label / mt_heap_node_class of @node into c->text. */
static const char *node_text(hl *c, size_t (*fn)(const mt_heap *, uint32_t, char *, size_t), uint32_t node)
{
	size_t len = fn(c->h, node, c->text, c->textcap);
	if (len >= c->textcap) {
		if (text_room(c, len))
			return NULL;
		fn(c->h, node, c->text, c->textcap);
	}
	return c->text;
}

const char *hl_label(hl *c, uint32_t node)
{
	return node_text(c, mt_heap_node_label, node);
}

const char *hl_class(hl *c, uint32_t node)
{
	return node_text(c, mt_heap_node_class, node);
}

void hl_json_path(hl *c, mt_jobj *o, const uint32_t *edges, uint32_t n)
{
	const mt_heap *h = c->h;
	const char *t = hl_path_text(c, edges, n);
	mt_jobj_cstr(o, "path", t ? t : "");
	mt_membuf mb = { 0 };
	mt_sink s = mt_sink_membuf(&mb);
	mt_sink_puts(&s, "[");
	for (uint32_t i = 0; i < n; i++) {
		uint32_t e = edges[i], w = h->edge_to[e];
		if (i == 0 && mt_heap_edge_from(h, e) != 0) {
			/* the start node when it is not node 0 */
			uint32_t u = mt_heap_edge_from(h, e);
			mt_sink_puts(&s, "{\"edge\":null,\"edge_type\":null,\"node\":");
			const char *l = hl_label(c, u);
			mt_json_cstr(&s, l ? l : "");
			mt_sink_printf(&s, ",\"type\":\"%s\",\"id\":%u},", mt_heap_node_type_name(h->node_type[u]),
				h->node_id ? h->node_id[u] : u);
		}
		mt_sink_puts(&s, i ? ",{\"edge\":" : "{\"edge\":");
		uint8_t et = h->edge_type[e];
		if (et == MT_HE_ELEMENT || et == MT_HE_HIDDEN) {
			mt_sink_printf(&s, "\"%u\"", h->edge_name[e]);
		} else {
			size_t len;
			const char *nm = edge_str(h, e, &len);
			mt_json_str(&s, nm, len);
		}
		mt_sink_printf(&s, ",\"edge_type\":\"%s\",\"node\":", mt_heap_edge_type_name(et));
		const char *l = hl_label(c, w);
		mt_json_cstr(&s, l ? l : "");
		mt_sink_printf(&s, ",\"type\":\"%s\",\"id\":%u}", mt_heap_node_type_name(h->node_type[w]),
			h->node_id ? h->node_id[w] : w);
	}
	mt_sink_puts(&s, "]");
	if (s.failed)
		o->sink.failed = s.failed;
	mt_jobj_raw(o, "steps", mb.data ? mb.data : "[]");
	mt_membuf_free(&mb);
}

static int is_global_object(const mt_heap *h, uint32_t v)
{
	size_t len;
	const char *s = hl_name(h, v, &len);
	return h->node_type[v] == MT_HN_OBJECT && len >= 6 &&
		(strstr(s, "[JSGlobalObject]") != NULL || (len == 6 && !memcmp(s, "global", 6)));
}

/* Arrays, Maps and Sets: what programs let grow. */
static int is_collection(const mt_heap *h, uint32_t v)
{
	size_t len;
	const char *s = hl_name(h, v, &len);
	return h->node_type[v] == MT_HN_OBJECT && ((len == 5 && !memcmp(s, "Array", 5)) ||
		(len == 3 && (!memcmp(s, "Map", 3) || !memcmp(s, "Set", 3))));
}

static void put_name(char *buf, size_t cap, const char *s, size_t len)
{
	if (!cap)
		return;
	if (len >= cap)
		len = cap - 1;
	memcpy(buf, s, len);
	buf[len] = 0;
}

void hl_root_name(hl *c, const uint32_t *edges, uint32_t n, char *buf, size_t cap, uint32_t *at)
{
	const mt_heap *h = c->h;
	int anon = 0, var_coll = 0;
	uint32_t var = HL_NONE, prop = HL_NONE;
	*at = n ? n - 1 : 0;
	put_name(buf, cap, "", 0);
	for (uint32_t i = n; i-- > 0;) {
		uint32_t e = edges[i], src = mt_heap_edge_from(h, e);
		size_t len;
		if (h->node_type[src] == MT_HN_CLOSURE && edge_named(h, e, "context")) {
			const char *s = hl_name(h, src, &len);
			if (!len) {
				anon = 1;
				continue;
			}
			/* a global function only leads into the module scope; a
			 * collection in a variable of that scope is the holder */
			int global_fn = i > 0 && is_global_object(h, mt_heap_edge_from(h, edges[i - 1]));
			if (var != HL_NONE && (global_fn || var_coll))
				break;
			put_name(buf, cap, s, len);
			*at = i;
			return;
		}
		if (h->edge_type[e] == MT_HE_PROPERTY && prop == HL_NONE) {
			edge_str(h, e, &len);
			if (len)
				prop = i;
		}
		if (h->edge_type[e] == MT_HE_CONTEXT) {
			edge_str(h, e, &len);
			if (!len)
				continue;
			if (anon) {
				var = i;
				break;
			}
			if (var == HL_NONE) {
				var = i;
				var_coll = is_collection(h, h->edge_to[e]);
			}
		}
	}
	if (var != HL_NONE) {
		size_t len;
		const char *s = edge_str(h, edges[var], &len);
		put_name(buf, cap, s, len);
		*at = var;
		/* the tail starts at the closure whose scope holds the variable */
		if (var > 0 && h->node_type[mt_heap_edge_from(h, edges[var - 1])] == MT_HN_CLOSURE)
			*at = var - 1;
		return;
	}
	if (prop != HL_NONE) {
		size_t len;
		const char *s = edge_str(h, edges[prop], &len);
		put_name(buf, cap, s, len);
		*at = prop;
		return;
	}
	if (n) {
		const char *cl = hl_class(c, mt_heap_edge_from(h, edges[n - 1]));
		put_name(buf, cap, cl ? cl : "", cl ? strlen(cl) : 0);
	}
}

int hl_add(hl *c, const char *kind, const char *root, int64_t count, int64_t bytes, double score,
	const char *detail, mt_jobj *o)
{
	if (mt_jobj_end(o))
		return mt_error_set(c->err, MT_ENOMEM, MT_NO_OFFSET, "out of memory writing a finding");
	mt_finding f = { kind, root, count, bytes, score, c->source, detail, o->buf.data };
	if (mt_findings_add(c->fs, &f))
		return mt_error_set(c->err, MT_ENOMEM, MT_NO_OFFSET, "out of memory adding a finding");
	return 0;
}

static int kid_cmp(const void *a, const void *b)
{
	const hl_kid *x = a, *y = b;
	if (x->node != y->node)
		return x->node < y->node ? -1 : 1;
	return (x->edge > y->edge) - (x->edge < y->edge);
}

int mt_heap_leaks(mt_findings *fs, const mt_heap *h, const mt_heap_doms *d, const char *source,
	const mt_heap_leak_opts *o, mt_error *err)
{
	MT_FAIL_IF(err, !fs || !h || !d, MT_EINVAL, MT_NO_OFFSET, "expected a heap snapshot and its dominators");
	hl c;
	memset(&c, 0, sizeof c);
	c.h = h;
	c.d = d;
	c.fs = fs;
	c.err = err;
	c.source = source ? source : "";
	c.min_listeners = o && o->min_listeners ? o->min_listeners : 11;
	c.min_instances = o && o->min_instances ? o->min_instances : 100;
	c.min_large = o && o->min_large ? o->min_large : 256 * 1024;
	c.budget = 16 * ((uint64_t)h->nnodes + h->nedges);
	if (c.budget < 20000000)
		c.budget = 20000000;
	const char *saved = err ? err->doing : NULL;
	if (err)
		err->doing = "looking for detached DOM";
	int rc = 0;
	c.state = malloc(h->nnodes ? h->nnodes : 1);
	c.pathcap = 256;
	c.path = malloc(c.pathcap * sizeof *c.path);
	c.textcap = 256;
	c.text = malloc(c.textcap);
	if (h->nnodes) {
		c.nkids = h->first_edge[1] - h->first_edge[0];
		c.kids = malloc((c.nkids ? c.nkids : 1) * sizeof *c.kids);
		size_t k = 0;
		for (uint32_t e = h->first_edge[0]; c.kids && e < h->first_edge[1]; e++)
			if (h->edge_type[e] != MT_HE_WEAK && h->edge_to[e] < h->nnodes) {
				c.kids[k].node = h->edge_to[e];
				c.kids[k++].edge = e;
			}
		c.nkids = k;
		if (c.kids && k > 1)
			qsort(c.kids, k, sizeof *c.kids, kid_cmp);
	}
	if (!c.state || !c.path || !c.text || (h->nnodes && !c.kids))
		rc = mt_error_set(err, MT_ENOMEM, MT_NO_OFFSET, "out of memory looking for leaks");
	if (!rc)
		rc = mt_heap_detached(h, c.state, NULL, err);
	if (!rc)
		rc = hl_detached_dom(&c);
	if (!rc && err)
		err->doing = "looking for leak holders";
	if (!rc)
		rc = hl_holders(&c);

	free(c.state);
	free(c.path);
	free(c.text);
	free(c.holds);
	free(c.lists);
	free(c.kids);
	if (err && !rc)
		err->doing = saved;
	return rc;
}
