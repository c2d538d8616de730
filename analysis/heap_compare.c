/*
 * analysis/heap_compare.c - heap snapshots compared by V8 object id: the
 * three-snapshot growth findings (memlab's find-leaks method: allocated
 * after the baseline, present in the target, alive in the final snapshot,
 * clustered by retainer path) and the per-class comparison of DevTools'
 * Comparison view (# New, # Deleted, # Delta, Alloc. Size, Freed Size,
 * Size Delta). Semantics and JSON shapes: include/memtracer/heap_compare.h.
 *
 * Ids live in sorted uint32 arrays (binary search); per-node work uses flat
 * arrays sized by the node count; no per-node allocation.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memtracer/heap_compare.h"
#include "memtracer/heap_leaks.h"
#include "memtracer/json.h"
#include "mt_internal.h"

#define NONE UINT32_MAX
#define NOROOT (UINT32_MAX - 1)
#define CLASS_CAP 256

static int cmp_u32(const void *pa, const void *pb)
{
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
	return a < b ? -1 : a > b;
}

/* sorts and drops duplicates */
static uint32_t sort_unique(uint32_t *v, uint32_t n)
{
	if (!n)
		return 0;
	qsort(v, n, sizeof *v, cmp_u32);
	uint32_t m = 1;
	for (uint32_t i = 1; i < n; i++)
		if (v[i] != v[m - 1])
			v[m++] = v[i];
	return m;
}

int mt_heap_ids_has(const mt_heap_ids *s, uint32_t id)
{
	if (!s)
		return 0;
	size_t lo = MT_LOWER_BOUND(s->id, s->n, , id);
	return lo < s->n && s->id[lo] == id;
}

void mt_heap_ids_free(mt_heap_ids *s)
{
	if (!s)
		return;
	free(s->id);
	s->id = NULL;
	s->n = 0;
}

int mt_heap_ids_new(mt_heap_ids *out, const mt_heap *h, const mt_heap_ids *base, mt_error *err)
{
	out->id = NULL;
	out->n = 0;
	uint32_t n = h->nnodes;
	uint32_t *v = malloc((n ? n : 1) * sizeof *v);
	MT_FAIL_IF(err, !v, MT_ENOMEM, MT_NO_OFFSET, "out of memory collecting %u object ids", n);
	uint32_t m = 0;
	for (uint32_t i = 0; i < n; i++)
		if (!mt_heap_ids_has(base, h->node_id[i]))
			v[m++] = h->node_id[i];
	out->id = v;
	out->n = sort_unique(v, m);
	return 0;
}

int mt_heap_ids_of(mt_heap_ids *out, const mt_heap *h, mt_error *err)
{
	return mt_heap_ids_new(out, h, NULL, err);
}

/* ---- growth ---- */

enum { F_CAND = 1, F_KEPT = 2, F_DOM = 4, F_ROOT_KID = 8 };

static int has_prefix(const char *s, size_t n, const char *p)
{
	size_t pl = strlen(p);
	return n >= pl && memcmp(s, p, pl) == 0;
}

static const char *node_name(const mt_heap *h, uint32_t v, size_t *len)
{
	if (!h->node_name || !h->strings) {
		*len = 0;
		return "";
	}
	*len = mt_strtab_len(h->strings, h->node_name[v]);
	return mt_strtab_get(h->strings, h->node_name[v]);
}

/* What a person acts on (see mt_heap_growth in the header). */
static int kept_node(const mt_heap *h, uint32_t v, const uint8_t *state)
{
	size_t len;
	const char *s = node_name(h, v, &len);
	switch (h->node_type[v]) {
	case MT_HN_OBJECT:
		return !has_prefix(s, len, "system / ");
	case MT_HN_CLOSURE:
	case MT_HN_REGEXP:
		return 1;
	case MT_HN_NATIVE:
		return state[v] == MT_DETACHED_DETACHED && mt_heap_node_is_dom(h, v);
	default:
		return 0;
	}
}

/* element and hidden edges, and named edges that are all digits (V8's slots) */
static int edge_indexed(const mt_heap *h, uint32_t e)
{
	uint8_t t = h->edge_type[e];
	if (t == MT_HE_ELEMENT || t == MT_HE_HIDDEN)
		return 1;
	if (!h->strings)
		return 1;
	const char *s = mt_strtab_get(h->strings, h->edge_name[e]);
	size_t len = mt_strtab_len(h->strings, h->edge_name[e]);
	if (!len)
		return 1;
	for (size_t i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* A leak root: the first kept candidate on some retainer path. */
typedef struct group {
	uint32_t node;
	uint32_t key_off, key_len;  /* normalised path into the key buffer */
	uint64_t hash;
	uint32_t cluster;
	const char *key;            /* set once the key buffer stops growing */
	uint64_t retained;
	int engine;                 /* held by V8/Blink bookkeeping (engine_held) */
} group;

typedef struct growth_ctx {
	const mt_heap *h;
	const mt_heap_doms *d;
	uint8_t *flags;
	uint32_t *grp_of;           /* node -> group index, NONE (not walked) or NOROOT */
	group *groups;
	uint32_t ngroups, cap_groups;
	mt_membuf keys;
	mt_sink ks;
	uint32_t *path;
	uint32_t path_cap;
	char cls[CLASS_CAP];
} growth_ctx;

static void key_class(growth_ctx *c, uint32_t v)
{
	size_t n = mt_heap_node_class(c->h, v, c->cls, sizeof c->cls);
	if (n >= sizeof c->cls)
		n = sizeof c->cls - 1;
	mt_sink_write(&c->ks, c->cls, n);
}

/*
 * 1 when the path runs through the engine's own bookkeeping: compiled code
 * and feedback (V8 keeps allocation-site boilerplates and feedback cells
 * for code that ran) or the per-context caches of API templates (V8's
 * fast_template_instantiations_cache, Blink's V8PerContextData, gin's
 * PerContextData): lazily created once, nothing a page can release.
 */
static int engine_held(const mt_heap *h, const uint32_t *edges, uint32_t k)
{
	for (uint32_t i = 0; i < k; i++) {
		uint32_t e = edges[i], w = h->edge_to[e];
		size_t len;
		const char *s = node_name(h, w, &len);
		if (h->node_type[w] == MT_HN_CODE || (h->node_type[w] == MT_HN_NATIVE &&
		    (has_prefix(s, len, "blink::V8PerContextData") || has_prefix(s, len, "gin::PerContextData"))))
			return 1;
		if (!edge_indexed(h, e) && h->strings &&
		    !strcmp(mt_strtab_get(h->strings, h->edge_name[e]), "fast_template_instantiations_cache"))
			return 1;
	}
	return 0;
}

/* The normalised path root-first through edges[0..k): compared steps. */
static int add_group(growth_ctx *c, uint32_t node, const uint32_t *edges, uint32_t k, mt_error *err)
{
	const mt_heap *h = c->h;
	if (c->ngroups == c->cap_groups &&
	    mt_grow32(&c->groups, &c->cap_groups, (uint64_t)c->ngroups + 1, sizeof *c->groups))
		return mt_error_set(err, MT_ENOMEM, MT_NO_OFFSET, "out of memory clustering growth");
	size_t off = c->keys.len;
	key_class(c, k ? mt_heap_edge_from(h, edges[0]) : node);
	for (uint32_t i = 0; i < k; i++) {
		uint32_t e = edges[i];
		char t = (char)('a' + h->edge_type[e]);
		mt_sink_write(&c->ks, "\x1e", 1);
		mt_sink_write(&c->ks, &t, 1);
		if (!edge_indexed(h, e) && h->strings)
			mt_sink_write(&c->ks, mt_strtab_get(h->strings, h->edge_name[e]),
				mt_strtab_len(h->strings, h->edge_name[e]));
		mt_sink_write(&c->ks, "\x1f", 1);
		key_class(c, h->edge_to[e]);
	}
	if (c->ks.failed)
		return mt_error_set(err, MT_ENOMEM, MT_NO_OFFSET, "out of memory clustering growth");
	MT_FAIL_IF(err, c->keys.len > UINT32_MAX, MT_ELIMIT, MT_NO_OFFSET,
		"expected under 4 GiB of retainer path keys, found more");
	group *g = &c->groups[c->ngroups];
	g->node = node;
	g->key_off = (uint32_t)off;
	g->key_len = (uint32_t)(c->keys.len - off);
	g->hash = mt_hash64(c->keys.data + off, g->key_len);
	g->cluster = 0;
	g->engine = engine_held(h, edges, k);
	c->grp_of[node] = c->ngroups++;
	return 0;
}

/* The retainer path of @v into c->path; its length (0 = unreachable) or a negative code. */
static int get_path(growth_ctx *c, uint32_t v, mt_error *err)
{
	if (c->flags[v] & F_ROOT_KID) {
		/* a direct child of node 0 (a user root): its path is that edge. mt_heap_retainer_path
		 * would search the whole graph again for each such node */
		const mt_heap *h = c->h;
		if (!c->path_cap) {
			uint32_t cap = 0;
			if (mt_grow32(&c->path, &cap, 16, sizeof *c->path))
				return mt_error_set(err, MT_ENOMEM, MT_NO_OFFSET, "out of memory for a retainer path");
			c->path_cap = cap;
		}
		for (uint32_t e = h->first_edge[0]; e < h->first_edge[1]; e++)
			if (h->edge_to[e] == v && h->edge_type[e] != MT_HE_WEAK) {
				c->path[0] = e;
				return 1;
			}
	}
	for (;;) {
		int len = mt_heap_retainer_path(c->h, c->d, v, c->path, c->path_cap, err);
		if (len < 0 || (uint32_t)len <= c->path_cap)
			return len;
		uint32_t cap = c->path_cap;
		if (mt_grow32(&c->path, &cap, (uint64_t)len, sizeof *c->path))
			return mt_error_set(err, MT_ENOMEM, MT_NO_OFFSET, "out of memory for a retainer path");
		c->path_cap = cap;
	}
}

/* Assigns a group to every node on @v's path (memoised: each node is walked once as a target). */
static int walk(growth_ctx *c, uint32_t v, int depth, mt_error *err)
{
	const mt_heap *h = c->h;
	int len = get_path(c, v, err);
	if (len < 0)
		return len;
	if (len == 0) {
		c->grp_of[v] = NOROOT;
		return 0;
	}
	uint32_t cur = NOROOT;
	/*
	 * The path's first node is node 0 or a user root, whose own path comes
	 * from node 0 (so this recurses once at most). A kept user root is the
	 * leak root of what hangs below it.
	 */
	uint32_t p0 = mt_heap_edge_from(h, c->path[0]);
	if (p0 != 0 && p0 != v && (c->flags[p0] & F_KEPT)) {
		if (c->grp_of[p0] == NONE && !depth) {
			int rc = walk(c, p0, 1, err);
			if (rc)
				return rc;
			if ((len = get_path(c, v, err)) <= 0)
				return len < 0 ? len : 0;
		}
		if (c->grp_of[p0] != NONE)
			cur = c->grp_of[p0];
	}
	for (uint32_t i = 0; i < (uint32_t)len; i++) {
		uint32_t x = h->edge_to[c->path[i]];
		if (c->grp_of[x] != NONE) {
			cur = c->grp_of[x];
			continue;
		}
		if (cur == NOROOT && (c->flags[x] & F_KEPT)) {
			int rc = add_group(c, x, c->path, i + 1, err);
			if (rc)
				return rc;
			cur = c->grp_of[x];
			continue;
		}
		c->grp_of[x] = cur;
	}
	return 0;
}

typedef struct order_ent {
	uint32_t dist, node;
} order_ent;

/* deepest first, then node index: deep paths cover the nodes above them */
static int cmp_order(const void *pa, const void *pb)
{
	const order_ent *a = pa, *b = pb;
	if (a->dist != b->dist)
		return a->dist > b->dist ? -1 : 1;
	return a->node < b->node ? -1 : a->node > b->node;
}

static uint64_t retained_of(const mt_heap_doms *d, uint32_t v)
{
	return d && d->retained ? d->retained[v] : 0;
}

/* by key (hash, bytes), then larger retained first, then node index */
static int cmp_groups(const void *pa, const void *pb)
{
	const group *a = pa, *b = pb;
	if (a->hash != b->hash)
		return a->hash < b->hash ? -1 : 1;
	if (a->key_len != b->key_len)
		return a->key_len < b->key_len ? -1 : 1;
	int k = memcmp(a->key, b->key, a->key_len);
	if (k)
		return k;
	if (a->retained != b->retained)
		return a->retained > b->retained ? -1 : 1;
	return a->node < b->node ? -1 : a->node > b->node;
}

static int same_key(const group *a, const group *b)
{
	return a->hash == b->hash && a->key_len == b->key_len && memcmp(a->key, b->key, a->key_len) == 0;
}

typedef struct cluster {
	uint32_t first, ngroups;    /* groups[first .. first+ngroups) */
	uint32_t count, dom;
	uint64_t self, bytes;
} cluster;

typedef struct pair {
	uint32_t cluster, cls;
} pair;

static int cmp_pair(const void *pa, const void *pb)
{
	const pair *a = pa, *b = pb;
	if (a->cluster != b->cluster)
		return a->cluster < b->cluster ? -1 : 1;
	return a->cls < b->cls ? -1 : a->cls > b->cls;
}

typedef struct cls_count {
	uint32_t cls, n;
	const char *name;
} cls_count;

static int cmp_cls_count(const void *pa, const void *pb)
{
	const cls_count *a = pa, *b = pb;
	if (a->n != b->n)
		return a->n > b->n ? -1 : 1;
	return strcmp(a->name, b->name);
}

#define MAX_CLASSES 24
#define GROWTH_MIN_INSTANCES 2
#define GROWTH_MIN_BYTES 65536
#define GROWTH_MIN_REPEATS 10

/*
 * The root's name: a named closure's name; else the nearest variable or
 * property name on the path above it (the edge that reaches it, or one
 * above: "chartRegistry" for Array[1] -> SparkChart); else its label.
 */
static void root_name(const mt_heap *h, uint32_t node, const uint32_t *edges, uint32_t len, char *buf,
	size_t cap)
{
	size_t n;
	const char *s = node_name(h, node, &n);
	if (h->node_type[node] == MT_HN_CLOSURE && n) {
		snprintf(buf, cap, "%.*s", (int)(n < 200 ? n : 200), s);
		return;
	}
	for (uint32_t i = len; i-- > 0;) {
		uint32_t e = edges[i];
		uint8_t t = h->edge_type[e];
		if ((t == MT_HE_CONTEXT || t == MT_HE_PROPERTY) && !edge_indexed(h, e)) {
			const char *en = mt_strtab_get(h->strings, h->edge_name[e]);
			size_t el = mt_strtab_len(h->strings, h->edge_name[e]);
			snprintf(buf, cap, "%.*s", (int)(el < 200 ? el : 200), en);
			return;
		}
	}
	mt_heap_node_label(h, node, buf, cap);
}

static int64_t to_i64(uint64_t v)
{
	return v > INT64_MAX ? INT64_MAX : (int64_t)v;
}

static int emit_cluster(growth_ctx *c, mt_findings *fs, const cluster *cl, const cls_count *cc, uint32_t ncc,
	const mt_strtab *classes, const char *source, mt_error *err)
{
	const mt_heap *h = c->h;
	const group *rep = &c->groups[cl->first];
	int len = get_path(c, rep->node, err);
	if (len < 0)
		return len;
	size_t plen = mt_heap_path_format(h, c->path, (uint32_t)len, NULL, 0);
	char *ptext = malloc(plen + 1);
	mt_membuf cb = { 0 };
	mt_sink cs = mt_sink_membuf(&cb);
	if (!ptext) {
		mt_membuf_free(&cb);
		return mt_error_set(err, MT_ENOMEM, MT_NO_OFFSET, "out of memory formatting a retainer path");
	}
	mt_heap_path_format(h, c->path, (uint32_t)len, ptext, plen + 1);
	char root[256];
	root_name(h, rep->node, c->path, (uint32_t)len, root, sizeof root);

	mt_sink_puts(&cs, "{");
	uint64_t other = 0;
	for (uint32_t i = 0; i < ncc; i++) {
		if (i >= MAX_CLASSES) {
			other += cc[i].n;
			continue;
		}
		if (i)
			mt_sink_puts(&cs, ",");
		mt_json_str(&cs, mt_strtab_get(classes, cc[i].cls), mt_strtab_len(classes, cc[i].cls));
		mt_sink_printf(&cs, ":%" PRIu32, cc[i].n);
	}
	if (other)
		mt_sink_printf(&cs, ",\"(other)\":%" PRIu64, other);
	mt_sink_puts(&cs, "}");
	mt_sink_write(&cs, "", 1);

	double score = (double)cl->bytes + (cl->dom ? 1e15 : 0.0);
	char detail[512];
	snprintf(detail, sizeof detail, "%" PRIu32 " instance%s, %" PRIu32 " detached DOM; most: %s x%" PRIu32,
		cl->ngroups, cl->ngroups == 1 ? "" : "s", cl->dom, ncc ? mt_strtab_get(classes, cc[0].cls) : "-",
		ncc ? cc[0].n : 0);

	mt_jobj o;
	mt_jobj_begin(&o);
	mt_jobj_cstr(&o, "kind", "growth");
	mt_jobj_cstr(&o, "root", root);
	mt_jobj_i64(&o, "count", cl->count);
	mt_jobj_i64(&o, "bytes", to_i64(cl->bytes));
	mt_jobj_str(&o, "path", ptext, plen);
	mt_jobj_cstr(&o, "source", source ? source : "");
	mt_jobj_i64(&o, "instances", cl->ngroups);
	mt_jobj_i64(&o, "self", to_i64(cl->self));
	mt_jobj_i64(&o, "detached_dom", cl->dom);
	mt_jobj_raw(&o, "classes", cb.data ? cb.data : "{}");
	mt_jobj_f64(&o, "score", score);
	int rc = mt_jobj_end(&o) || cs.failed ? MT_ENOMEM : 0;
	if (!rc) {
		mt_finding f = { "growth", root, cl->count, to_i64(cl->bytes), score, source, detail, o.buf.data };
		rc = mt_findings_add(fs, &f);
	}
	mt_jobj_free(&o);
	mt_membuf_free(&cb);
	free(ptext);
	if (rc)
		return mt_error_set(err, rc, MT_NO_OFFSET, "out of memory building a growth finding");
	return 0;
}

/*
 * Each cluster's bytes: the retained sizes of its members that no other
 * member of the same cluster dominates (so nothing is counted twice).
 * Walks the dominator tree top-down once: near[v] is v's nearest strict
 * dominator that is a member of any cluster; a member then follows near[]
 * until it meets its own cluster (bounded: past 4096 hops it counts).
 */
static int cluster_bytes(const mt_heap *h, const mt_heap_doms *d, const uint32_t *cl_of, cluster *cl,
	mt_error *err)
{
	uint32_t n = h->nnodes;
	if (!d || !d->idom || !d->retained)
		return 0;
	uint32_t *first = calloc((size_t)n + 2, sizeof *first);
	uint32_t *kids = malloc((size_t)n * sizeof *kids);
	uint32_t *order = malloc((size_t)n * sizeof *order);
	uint32_t *near = malloc((size_t)n * sizeof *near);
	if (!first || !kids || !order || !near) {
		free(first);
		free(kids);
		free(order);
		free(near);
		return mt_error_set(err, MT_ENOMEM, MT_NO_OFFSET, "out of memory summing retained sizes");
	}
	for (uint32_t v = 1; v < n; v++)
		if (d->idom[v] < n)
			first[d->idom[v] + 2]++;
	for (uint32_t v = 0; v < n; v++)
		first[v + 2] += first[v + 1];
	for (uint32_t v = 1; v < n; v++)
		if (d->idom[v] < n)
			kids[first[d->idom[v] + 1]++] = v;
	/* now kids of p are kids[first[p] .. first[p+1]) */
	uint32_t head = 0, tail = 0;
	for (uint32_t v = 0; v < n; v++)
		near[v] = NONE;
	order[tail++] = 0;
	while (head < tail) {
		uint32_t p = order[head++];
		for (uint32_t k = first[p]; k < first[p + 1]; k++) {
			uint32_t v = kids[k];
			near[v] = cl_of[p] != NONE ? p : near[p];
			order[tail++] = v;
		}
	}
	for (uint32_t v = 0; v < n; v++) {
		if (cl_of[v] == NONE)
			continue;
		uint32_t a = near[v], hops = 0;
		while (a != NONE && cl_of[a] != cl_of[v] && hops++ < 4096)
			a = near[a];
		if (a == NONE || cl_of[a] != cl_of[v])
			cl[cl_of[v]].bytes += d->retained[v];
	}
	free(first);
	free(kids);
	free(order);
	free(near);
	return 0;
}

static int clusters_out(growth_ctx *c, mt_findings *fs, mt_heap_growth_stats *st, const char *source,
	mt_error *err)
{
	const mt_heap *h = c->h;
	uint32_t n = h->nnodes;
	/* sort groups by key and number the clusters; grp_of must follow */
	uint32_t *rank = malloc(((size_t)c->ngroups + 1) * sizeof *rank);
	uint32_t *cl_of = malloc((size_t)n * sizeof *cl_of);
	cluster *cl = calloc((size_t)c->ngroups + 1, sizeof *cl);
	pair *pairs = malloc(((size_t)st->kept + 1) * sizeof *pairs);
	cls_count *cc = malloc(((size_t)st->kept + 1) * sizeof *cc);
	mt_strtab *classes = mt_strtab_new();
	int rc = 0;
	if (!rank || !cl_of || !cl || !pairs || !cc || !classes) {
		rc = mt_error_set(err, MT_ENOMEM, MT_NO_OFFSET, "out of memory clustering growth");
		goto out;
	}
	for (uint32_t g = 0; g < c->ngroups; g++) {
		group *gr = &c->groups[g];
		gr->cluster = g; /* remember the old index */
		gr->key = c->keys.data + gr->key_off;
		gr->retained = retained_of(c->d, gr->node);
	}
	if (c->ngroups) /* qsort(NULL, 0, ...) is undefined */
		qsort(c->groups, c->ngroups, sizeof *c->groups, cmp_groups);
	uint32_t ncl = 0;
	for (uint32_t g = 0; g < c->ngroups; g++) {
		if (!g || !same_key(&c->groups[g - 1], &c->groups[g])) {
			cl[ncl].first = g;
			ncl++;
		}
		cl[ncl - 1].ngroups++;
		rank[c->groups[g].cluster] = ncl - 1; /* old group index -> cluster */
	}
	uint32_t np = 0;
	for (uint32_t v = 0; v < n; v++) {
		cl_of[v] = NONE;
		if (!(c->flags[v] & F_KEPT) || c->grp_of[v] >= NOROOT)
			continue;
		uint32_t k = rank[c->grp_of[v]];
		cl_of[v] = k;
		cl[k].count++;
		cl[k].self += h->node_self[v];
		cl[k].dom += (c->flags[v] & F_DOM) != 0;
		/* detached DOM by the propagated state ("Text" has no wrapper, hence no raw state) */
		size_t len = mt_heap_node_class(h, v, c->cls, sizeof c->cls - 9);
		if (len >= sizeof c->cls - 9)
			len = sizeof c->cls - 10;
		if ((c->flags[v] & F_DOM) && !has_prefix(c->cls, len, "Detached ")) {
			memmove(c->cls + 9, c->cls, len + 1);
			memcpy(c->cls, "Detached ", 9);
			len += 9;
		}
		pairs[np].cluster = k;
		if ((rc = mt_strtab_intern(classes, c->cls, len, &pairs[np].cls))) {
			rc = mt_error_set(err, rc, MT_NO_OFFSET, "out of memory counting classes");
			goto out;
		}
		np++;
	}
	if ((rc = cluster_bytes(h, c->d, cl_of, cl, err)))
		goto out;
	qsort(pairs, np, sizeof *pairs, cmp_pair);
	for (uint32_t i = 0, k = 0; k < ncl; k++) {
		uint32_t ncc = 0;
		for (; i < np && pairs[i].cluster == k; i++) {
			if (ncc && cc[ncc - 1].cls == pairs[i].cls)
				cc[ncc - 1].n++;
			else
				cc[ncc++] = (cls_count){ pairs[i].cls, 1, mt_strtab_get(classes, pairs[i].cls) };
		}
		if (c->groups[cl[k].first].engine) {
			st->engine_held += cl[k].count;
			continue;
		}
		qsort(cc, ncc, sizeof *cc, cmp_cls_count);
		if (!cl[k].dom && cl[k].ngroups < GROWTH_MIN_INSTANCES && cl[k].bytes < GROWTH_MIN_BYTES &&
		    (!ncc || cc[0].n < GROWTH_MIN_REPEATS)) {
			st->lone += cl[k].count;
			continue;
		}
		if ((rc = emit_cluster(c, fs, &cl[k], cc, ncc, classes, source, err)))
			break;
		st->clusters++;
	}
out:
	free(rank);
	free(cl_of);
	free(cl);
	free(pairs);
	free(cc);
	mt_strtab_free(classes);
	return rc;
}

int mt_heap_growth(mt_findings *fs, mt_heap_growth_stats *stp, const mt_heap *h, const mt_heap_doms *d,
	const mt_heap_ids *candidates, const char *source, mt_error *err)
{
	mt_heap_growth_stats st;
	memset(&st, 0, sizeof st);
	if (stp)
		*stp = st;
	uint32_t n = h->nnodes;
	if (!n)
		return 0;
	growth_ctx c;
	memset(&c, 0, sizeof c);
	c.h = h;
	c.d = d;
	c.ks = mt_sink_membuf(&c.keys);
	c.flags = calloc(n, 1);
	c.grp_of = malloc((size_t)n * sizeof *c.grp_of);
	uint8_t *state = malloc(n);
	order_ent *ord = NULL;
	int rc = 0;
	if (!c.flags || !c.grp_of || !state) {
		rc = mt_error_set(err, MT_ENOMEM, MT_NO_OFFSET, "out of memory finding growth");
		goto out;
	}
	if ((rc = mt_heap_detached(h, state, NULL, err)))
		goto out;
	for (uint32_t e = h->first_edge[0]; e < h->first_edge[1]; e++)
		c.flags[h->edge_to[e]] |= F_ROOT_KID;
	for (uint32_t v = 0; v < n; v++) {
		c.grp_of[v] = NONE;
		if (!mt_heap_ids_has(candidates, h->node_id[v]))
			continue;
		c.flags[v] |= F_CAND;
		st.candidates++;
		st.candidate_self += h->node_self[v];
		if (!kept_node(h, v, state))
			continue;
		c.flags[v] |= F_KEPT;
		st.kept++;
		st.kept_self += h->node_self[v];
		if (h->node_type[v] == MT_HN_NATIVE) {
			c.flags[v] |= F_DOM;
			st.detached_dom++;
		}
	}
	free(state);
	state = NULL;
	ord = malloc(((size_t)st.kept + 1) * sizeof *ord);
	if (!ord) {
		rc = mt_error_set(err, MT_ENOMEM, MT_NO_OFFSET, "out of memory finding growth");
		goto out;
	}
	uint32_t no = 0;
	for (uint32_t v = 0; v < n; v++)
		if (c.flags[v] & F_KEPT)
			ord[no++] = (order_ent){ d && d->distance ? d->distance[v] : 0, v };
	qsort(ord, no, sizeof *ord, cmp_order);
	for (uint32_t i = 0; i < no; i++) {
		uint32_t v = ord[i].node;
		if (c.grp_of[v] == NONE && (rc = walk(&c, v, 0, err)))
			goto out;
		if (c.grp_of[v] == NOROOT)
			st.unreachable++;
	}
	free(ord);
	ord = NULL;
	rc = clusters_out(&c, fs, &st, source, err);
out:
	if (!rc && stp)
		*stp = st;
	free(ord);
	free(state);
	free(c.flags);
	free(c.grp_of);
	free(c.groups);
	free(c.path);
	mt_membuf_free(&c.keys);
	return rc;
}

/* ---- census and comparison ---- */

typedef struct census_ent {
	uint32_t id, cls;
	uint64_t self;
} census_ent;

#define NO_CLASS UINT32_MAX

struct mt_heap_census {
	census_ent *e;
	uint32_t n;
	mt_strtab *classes;
};

static int cmp_census(const void *pa, const void *pb)
{
	const census_ent *a = pa, *b = pb;
	if (a->id != b->id)
		return a->id < b->id ? -1 : 1;
	if (a->cls != b->cls)
		return a->cls < b->cls ? -1 : 1;
	return a->self < b->self ? -1 : a->self > b->self;
}

void mt_heap_census_free(mt_heap_census *c)
{
	if (!c)
		return;
	free(c->e);
	mt_strtab_free(c->classes);
	free(c);
}

int mt_heap_census_of(mt_heap_census **out, const mt_heap *h, mt_error *err)
{
	*out = NULL;
	mt_heap_census *c = calloc(1, sizeof *c);
	if (c) {
		c->classes = mt_strtab_new();
		c->e = malloc(((size_t)h->nnodes + 1) * sizeof *c->e);
	}
	if (!c || !c->classes || !c->e) {
		mt_heap_census_free(c);
		return mt_error_set(err, MT_ENOMEM, MT_NO_OFFSET, "out of memory for a census of %u nodes", h->nnodes);
	}
	char buf[CLASS_CAP];
	for (uint32_t v = 0; v < h->nnodes; v++) {
		census_ent *e = &c->e[v];
		e->id = h->node_id[v];
		e->self = h->node_self[v];
		/* DevTools' class aggregates leave out empty nodes, except native ones */
		if (!e->self && h->node_type[v] != MT_HN_NATIVE) {
			e->cls = NO_CLASS;
			continue;
		}
		size_t len = mt_heap_node_class(h, v, buf, sizeof buf);
		if (len >= sizeof buf)
			len = sizeof buf - 1;
		int rc = mt_strtab_intern(c->classes, buf, len, &e->cls);
		if (rc) {
			mt_heap_census_free(c);
			return mt_error_set(err, rc, MT_NO_OFFSET, "out of memory naming classes");
		}
	}
	c->n = h->nnodes;
	qsort(c->e, c->n, sizeof *c->e, cmp_census);
	*out = c;
	return 0;
}

struct mt_heap_diff_priv {
	mt_strtab *classes;
};

void mt_heap_diff_free(mt_heap_diff *d)
{
	if (!d)
		return;
	if (d->priv)
		mt_strtab_free(d->priv->classes);
	free(d->priv);
	free(d->rows);
	free(d);
}

/* census class ids -> diff class ids (NO_CLASS stays out of every row) */
static uint32_t *map_classes(const mt_heap_census *c, mt_strtab *to)
{
	uint32_t n = mt_strtab_count(c->classes);
	uint32_t *m = malloc((size_t)n * sizeof *m);
	if (!m)
		return NULL;
	for (uint32_t i = 0; i < n; i++)
		if (mt_strtab_intern(to, mt_strtab_get(c->classes, i), mt_strtab_len(c->classes, i), &m[i])) {
			free(m);
			return NULL;
		}
	return m;
}

static int cmp_diff_rows(const void *pa, const void *pb)
{
	const mt_heap_diff_row *a = pa, *b = pb;
	if (a->size_delta != b->size_delta)
		return a->size_delta > b->size_delta ? -1 : 1;
	return strcmp(a->cls, b->cls);
}

int mt_heap_diff_of(mt_heap_diff **out, const mt_heap_census *a, const mt_heap_census *b, mt_error *err)
{
	*out = NULL;
	mt_heap_diff *d = calloc(1, sizeof *d);
	uint32_t *ma = NULL, *mb = NULL;
	if (!d || !(d->priv = calloc(1, sizeof *d->priv)) || !(d->priv->classes = mt_strtab_new()) ||
	    !(ma = map_classes(a, d->priv->classes)) || !(mb = map_classes(b, d->priv->classes)) ||
	    !(d->rows = calloc(mt_strtab_count(d->priv->classes), sizeof *d->rows))) {
		free(ma);
		free(mb);
		mt_heap_diff_free(d);
		return mt_error_set(err, MT_ENOMEM, MT_NO_OFFSET, "out of memory comparing snapshots");
	}
	mt_heap_diff_row *r = d->rows;
	mt_heap_diff_row none; /* absorbs the nodes no class counts */
	memset(&none, 0, sizeof none);
#define ROW(m, cls) ((cls) == NO_CLASS ? &none : &r[(m)[(cls)]])
	d->base_nodes = a->n;
	d->nodes = b->n;
	uint32_t i = 0, j = 0;
	while (i < a->n || j < b->n) {
		const census_ent *x = i < a->n ? &a->e[i] : NULL, *y = j < b->n ? &b->e[j] : NULL;
		if (x && (!y || x->id < y->id)) {
			ROW(ma, x->cls)->deleted++;
			ROW(ma, x->cls)->freed_size += x->self;
			d->deleted++;
			d->freed_size += x->self;
			i++;
		} else if (y && (!x || y->id < x->id)) {
			ROW(mb, y->cls)->added++;
			ROW(mb, y->cls)->alloc_size += y->self;
			d->added++;
			d->alloc_size += y->self;
			j++;
		} else {
			mt_heap_diff_row *rx = ROW(ma, x->cls), *ry = ROW(mb, y->cls);
			if (rx != ry) { /* same object, another class now (or in a class on one side only) */
				rx->deleted++;
				rx->freed_size += x->self;
				ry->added++;
				ry->alloc_size += y->self;
			}
			i++;
			j++;
		}
	}
#undef ROW
	uint32_t nc = mt_strtab_count(d->priv->classes), m = 0;
	for (uint32_t k = 0; k < nc; k++) {
		if (!r[k].added && !r[k].deleted)
			continue;
		mt_heap_diff_row row = r[k];
		row.cls = mt_strtab_get(d->priv->classes, k);
		row.delta = (int64_t)row.added - (int64_t)row.deleted;
		row.size_delta = to_i64(row.alloc_size) - to_i64(row.freed_size);
		r[m++] = row;
	}
	d->nrows = m;
	qsort(r, m, sizeof *r, cmp_diff_rows);
	free(ma);
	free(mb);
	*out = d;
	return 0;
}
