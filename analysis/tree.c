/*
 * analysis/tree.c - call trees (pprof's graph.New, flamegraph.pl's merge).
 *
 * Nodes live in one flat array. Finding the child of a node by name scans
 * the node's child list while it is short (most nodes of a profile have
 * one or two children), and switches to an open-addressing hash table keyed
 * by parent << 32 | name once a node has more than WIDE children, so only
 * wide nodes pay for hashing (a JudyL array over every node was the first
 * version; this is about three times faster on the 5M-node trees of large
 * folded files). Consecutive samples usually
 * share their outer frames, so the builder also reuses the previous
 * sample's path up to the first differing frame, as flamegraph.pl's flow()
 * does, and a profile whose samples repeat the same location list (pprof
 * writes one sample per stack and label set, so 1M samples may have 100k
 * stacks) maps each list straight to its leaf node through a JudyHS memo,
 * which switches itself off when samples rarely repeat (folded input
 * arrives already merged). Nodes are created after their parents, so totals are summed in
 * one reverse pass, which also relinks every child list in creation order;
 * a node whose children were not created in name order (byte order) is
 * noted when it happens, and only those lists are sorted at the end (sorted
 * folded input creates children in name order, so nothing is left to sort).
 * The large arrays are mappings of their own, grown with mremap (no copy).
 */
#define _GNU_SOURCE   /* mremap */
#include <Judy.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "memtracer/analysis.h"
#include "memtracer/tree.h"
#include "mt_internal.h"

#define WIDE 16
#define UNSORTED 0x80u   /* in nchild: a child was created out of name order */

struct mt_tree_priv {
	/* bytes mapped for nodes, self, total and nchild (see arr_grow), 0 = malloc'd */
	size_t map_nodes, map_self, map_total, map_nchild;
	uint8_t *nchild;      /* per node: children (saturating at WIDE + 2) | UNSORTED */
	uint32_t *unsorted;   /* nodes whose children were not created in name order */
	size_t nunsorted, unsorted_cap;
	uint64_t *keys;       /* hash table: parent<<32 | name, 0 = empty slot */
	uint32_t *vals;       /* child node */
	size_t mask;          /* table size - 1 (a power of two) */
	size_t used;
	uint32_t cap_nodes;
	int finished;
};

/*
 * Large node arrays fill in order, page by page: with transparent huge
 * pages (where the system offers them on request) that is a few hundred
 * page faults instead of tens of thousands. Only a hint.
 */
static void hint_huge(void *p, size_t bytes)
{
#ifdef MADV_HUGEPAGE
	const uintptr_t huge = (uintptr_t)2 << 20;
	if (bytes < 4 * huge)
		return;
	uintptr_t a = ((uintptr_t)p + huge - 1) & ~(huge - 1);
	uintptr_t e = ((uintptr_t)p + bytes) & ~(huge - 1);
	if (e > a)
		(void)madvise((void *)a, e - a, MADV_HUGEPAGE);
#else
	(void)p;
	(void)bytes;
#endif
}

static void arr_free(void *p, size_t mapped)
{
#if defined(__linux__) && defined(MREMAP_MAYMOVE)
	if (mapped) {
		munmap(p, mapped);
		return;
	}
#endif
	(void)mapped;
	free(p);
}

/*
 * Grows the array *@p from @old to @new bytes, the new bytes zero. Large
 * arrays are anonymous mappings of their own, grown with mremap: realloc
 * would copy them (glibc serves blocks up to 32 MiB from the heap once a
 * large block has been freed), touching every page twice. *@mapped is the
 * mapping's size, 0 while the array is malloc'd.
 */
static int arr_grow(void *p, size_t *mapped, size_t old, size_t new)
{
	void **pp = p;
#if defined(__linux__) && defined(MREMAP_MAYMOVE)
	if (new >= ((size_t)1 << 20)) {
		size_t page = (size_t)1 << 12, len = (new + page - 1) & ~(page - 1);
		void *q;
		if (*mapped && (q = mremap(*pp, *mapped, len, MREMAP_MAYMOVE)) != MAP_FAILED) {
			/* grown or moved by the kernel */
		} else {
			/* first mapping, or mremap refused (valgrind does): map anew and copy */
			q = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (q == MAP_FAILED)
				return MT_ENOMEM;
			hint_huge(q, len);
			if (old)
				memcpy(q, *pp, old);
			arr_free(*pp, *mapped);
		}
		hint_huge(q, len);
		*pp = q;
		*mapped = len;
		return 0;
	}
#endif
	void *q = realloc(*pp, new ? new : 1);
	if (!q)
		return MT_ENOMEM;
	memset((char *)q + old, 0, new - old);
	*pp = q;
	return 0;
}

static inline size_t slot_of(uint64_t key, size_t mask)
{
	key ^= key >> 33;
	key *= 0xff51afd7ed558ccdULL;
	key ^= key >> 33;
	return (size_t)key & mask;
}

/* grows the table to twice its size (or to 4096 slots at first) */
static int rehash(struct mt_tree_priv *pv)
{
	size_t ns = pv->keys ? (pv->mask + 1) * 2 : 4096;
	uint64_t *nk = calloc(ns, sizeof *nk);
	uint32_t *nv = malloc(ns * sizeof *nv);
	if (!nk || !nv) {
		free(nk);
		free(nv);
		return MT_ENOMEM;
	}
	if (pv->keys) {
		for (size_t i = 0; i <= pv->mask; i++) {
			if (!pv->keys[i])
				continue;
			size_t j = slot_of(pv->keys[i], ns - 1);
			while (nk[j])
				j = (j + 1) & (ns - 1);
			nk[j] = pv->keys[i];
			nv[j] = pv->vals[i];
		}
	}
	free(pv->keys);
	free(pv->vals);
	pv->keys = nk;
	pv->vals = nv;
	pv->mask = ns - 1;
	return 0;
}

int mt_tree_new(mt_tree **out, uint32_t ncols, const char *const *types, const char *const *units)
{
	*out = NULL;
	mt_tree *t = calloc(1, sizeof *t);
	if (!t)
		return MT_ENOMEM;
	t->priv = calloc(1, sizeof *t->priv);
	t->strings = mt_strtab_new();
	t->ncols = ncols;
	t->types = calloc(ncols ? ncols : 1, sizeof *t->types);
	if (!t->priv || !t->strings || !t->types)
		goto oom;
	for (uint32_t c = 0; c < ncols; c++) {
		if (mt_strtab_intern_cstr(t->strings, types[c], &t->types[c].type) ||
		    mt_strtab_intern_cstr(t->strings, units[c], &t->types[c].unit))
			goto oom;
	}
	t->priv->cap_nodes = 1024;
	t->nodes = malloc(1024 * sizeof *t->nodes);
	t->self = calloc((size_t)1024 * (ncols ? ncols : 1), sizeof(int64_t));
	t->priv->nchild = calloc(1024, sizeof *t->priv->nchild);
	if (!t->nodes || !t->self || !t->priv->nchild)
		goto oom;
	memset(&t->nodes[0], 0, sizeof t->nodes[0]);
	if (mt_strtab_intern_cstr(t->strings, "all", &t->nodes[0].name))
		goto oom;
	t->nnodes = 1;
	*out = t;
	return 0;
oom:
	mt_tree_free(t);
	return MT_ENOMEM;
}

void mt_tree_free(mt_tree *t)
{
	if (!t)
		return;
	struct mt_tree_priv *pv = t->priv;
	if (pv) {
		arr_free(pv->nchild, pv->map_nchild);
		free(pv->keys);
		free(pv->vals);
		free(pv->unsorted);
	}
	mt_strtab_free(t->strings);
	free(t->types);
	arr_free(t->nodes, pv ? pv->map_nodes : 0);
	arr_free(t->self, pv ? pv->map_self : 0);
	arr_free(t->total, pv ? pv->map_total : 0);
	free(pv);
	free(t);
}

static int hash_insert(struct mt_tree_priv *pv, uint64_t key, uint32_t node)
{
	if (!pv->keys || pv->used * 2 >= pv->mask) {
		if (rehash(pv))
			return MT_ENOMEM;
	}
	size_t i = slot_of(key, pv->mask);
	while (pv->keys[i])
		i = (i + 1) & pv->mask;
	pv->keys[i] = key;
	pv->vals[i] = node;
	pv->used++;
	return 0;
}

static inline uint64_t child_key(uint32_t parent, mt_str_id name)
{
	/* names offset by one so that no key is 0 (the empty slot) */
	return ((uint64_t)parent << 32) | ((uint64_t)name + 1);
}

/* Byte order of two interned names. */
static int name_cmp(const mt_strtab *st, mt_str_id x, mt_str_id y)
{
	size_t lx = mt_strtab_len(st, x), ly = mt_strtab_len(st, y);
	int c = memcmp(mt_strtab_get(st, x), mt_strtab_get(st, y), lx < ly ? lx : ly);
	if (c)
		return c;
	return (lx > ly) - (lx < ly);
}

/* Appends a node under @parent (put first in its child list); the caller sees to nchild. */
static inline int new_node(mt_tree *t, uint32_t parent, mt_str_id name, uint8_t lang, uint32_t *out)
{
	struct mt_tree_priv *pv = t->priv;
	if (t->nnodes == UINT32_MAX - 1)
		return MT_ELIMIT;
	if (t->nnodes == pv->cap_nodes) {
		size_t cap = pv->cap_nodes, ncap = cap * 2;
		size_t cols = t->ncols ? t->ncols : 1;
		if (ncap > UINT32_MAX)
			ncap = UINT32_MAX;
		if (arr_grow(&t->nodes, &pv->map_nodes, cap * sizeof *t->nodes, ncap * sizeof *t->nodes) ||
			arr_grow(&t->self, &pv->map_self, cap * cols * sizeof(int64_t),
				ncap * cols * sizeof(int64_t)) ||
			arr_grow(&pv->nchild, &pv->map_nchild, cap * sizeof *pv->nchild,
				ncap * sizeof *pv->nchild))
			return MT_ENOMEM;
		pv->cap_nodes = (uint32_t)ncap;
	}
	uint32_t n = t->nnodes++;
	mt_tree_node *nd = &t->nodes[n];
	nd->name = name;
	nd->parent = parent;
	nd->first_child = 0;
	nd->next_sibling = t->nodes[parent].first_child;
	t->nodes[parent].first_child = n;
	nd->depth = t->nodes[parent].depth + 1;
	nd->lang = lang;
	if (nd->depth > t->max_depth)
		t->max_depth = nd->depth;
	*out = n;
	return 0;
}

static int child_by_id(mt_tree *t, uint32_t parent, mt_str_id name, uint8_t lang, uint32_t *out)
{
	struct mt_tree_priv *pv = t->priv;
	if (pv->finished)
		return MT_EINVAL;
	if ((pv->nchild[parent] & ~UNSORTED) <= WIDE) {
		for (uint32_t c = t->nodes[parent].first_child; c; c = t->nodes[c].next_sibling)
			if (t->nodes[c].name == name) {
				*out = c;
				return 0;
			}
	} else {
		uint64_t key = child_key(parent, name);
		size_t i = slot_of(key, pv->mask);
		while (pv->keys[i]) {
			if (pv->keys[i] == key) {
				*out = pv->vals[i];
				return 0;
			}
			i = (i + 1) & pv->mask;
		}
	}
	uint32_t n;
	int rc = new_node(t, parent, name, lang, &n);
	if (rc)
		return rc;
	mt_tree_node *nd = &t->nodes[n];
	/* children created in name order need no sorting at the end */
	uint8_t nc = pv->nchild[parent];
	if (nd->next_sibling && !(nc & UNSORTED) &&
		name_cmp(t->strings, t->nodes[nd->next_sibling].name, name) > 0) {
		if (mt_grow(&pv->unsorted, &pv->unsorted_cap, pv->nunsorted + 1, sizeof *pv->unsorted))
			return MT_ENOMEM;
		pv->unsorted[pv->nunsorted++] = parent;
		nc |= UNSORTED;
	}
	uint32_t k = (nc & ~UNSORTED) + 1u;
	if (k <= WIDE + 2)
		nc = (uint8_t)((nc & UNSORTED) | k);
	pv->nchild[parent] = nc;
	if (k == WIDE + 1) {
		/* the parent just became wide: hash all of its children */
		for (uint32_t c = t->nodes[parent].first_child; c; c = t->nodes[c].next_sibling)
			if (hash_insert(pv, child_key(parent, t->nodes[c].name), c))
				return MT_ENOMEM;
	} else if (k > WIDE + 1) {
		if (hash_insert(pv, child_key(parent, name), n))
			return MT_ENOMEM;
	}
	*out = n;
	return 0;
}

int mt_tree_child(mt_tree *t, uint32_t parent, const char *name, size_t len, mt_lang lang,
	uint32_t *out)
{
	mt_str_id id;
	int rc = mt_strtab_intern(t->strings, name, len, &id);
	if (rc)
		return rc;
	return child_by_id(t, parent, id, (uint8_t)lang, out);
}

int mt_tree_path(mt_tree *t, uint32_t parent, const mt_str_id *names, const uint8_t *langs,
	uint32_t n, uint32_t *nodes)
{
	struct mt_tree_priv *pv = t->priv;
	uint32_t nnames = mt_strtab_count(t->strings), node = parent, i = 0;
	int rc;
	if (parent >= t->nnodes || pv->finished)
		return MT_EINVAL;
	for (uint32_t k = 0; k < n; k++)
		if (names[k] >= nnames)
			return MT_EINVAL;
	/* looked up while the path is in the tree */
	while (i < n) {
		uint32_t before = t->nnodes;
		if ((rc = child_by_id(t, node, names[i], langs[i], &node)))
			return rc;
		nodes[i++] = node;
		if (node >= before)
			break;
	}
	/* below a new node: only new nodes, each the first child of the one above */
	for (; i < n; i++) {
		if ((rc = new_node(t, node, names[i], langs[i], &node)))
			return rc;
		pv->nchild[t->nodes[node].parent] = 1;
		nodes[i] = node;
	}
	return 0;
}

void mt_tree_add(mt_tree *t, uint32_t node, uint32_t col, int64_t v)
{
	int64_t *s = &t->self[(size_t)node * t->ncols + col];
	*s = mt_sat_add(*s, v);
}

static const mt_tree *sort_tree;
static const uint32_t *sort_rank;   /* name id -> rank in byte order, or NULL */

static int cmp_children(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	mt_str_id nx = sort_tree->nodes[x].name, ny = sort_tree->nodes[y].name;
	if (nx == ny)
		return (x > y) - (x < y);
	if (sort_rank)
		return sort_rank[nx] < sort_rank[ny] ? -1 : 1;
	return name_cmp(sort_tree->strings, nx, ny);
}

static int cmp_ids(const void *a, const void *b)
{
	return name_cmp(sort_tree->strings, *(const mt_str_id *)a, *(const mt_str_id *)b);
}

/*
 * When names repeat a lot (profiles: a few thousand functions over millions
 * of nodes), sorting the names once and comparing ranks is cheaper than
 * comparing bytes in every child list. NULL when not worth it or no memory.
 */
static uint32_t *name_ranks(const mt_tree *t, size_t nlists)
{
	uint32_t n = mt_strtab_count(t->strings);
	if ((uint64_t)n * 4 > nlists * 16)
		return NULL;
	uint32_t *ids = malloc((size_t)n * sizeof *ids), *rank = malloc((size_t)n * sizeof *rank);
	if (!ids || !rank) {
		free(ids);
		free(rank);
		return NULL;
	}
	for (uint32_t i = 0; i < n; i++)
		ids[i] = i;
	qsort(ids, n, sizeof *ids, cmp_ids);   /* distinct strings: a strict order */
	for (uint32_t i = 0; i < n; i++)
		rank[ids[i]] = i;
	free(ids);
	return rank;
}

/* Sorts the child lists of the nodes that were created out of name order. */
static int sort_unsorted(mt_tree *t)
{
	struct mt_tree_priv *pv = t->priv;
	uint32_t *buf = NULL;
	size_t cap = 0;
	sort_tree = t;
	sort_rank = name_ranks(t, pv->nunsorted);
	for (size_t i = 0; i < pv->nunsorted; i++) {
		uint32_t n = pv->unsorted[i];
		size_t k = 0;
		for (uint32_t c = t->nodes[n].first_child; c; c = t->nodes[c].next_sibling) {
			if (k == cap && mt_grow(&buf, &cap, k + 1, sizeof *buf)) {
				free(buf);
				free((void *)sort_rank);
				sort_rank = NULL;
				sort_tree = NULL;
				return MT_ENOMEM;
			}
			buf[k++] = c;
		}
		qsort(buf, k, sizeof *buf, cmp_children);
		t->nodes[n].first_child = buf[0];
		for (size_t j = 0; j + 1 < k; j++)
			t->nodes[buf[j]].next_sibling = buf[j + 1];
		t->nodes[buf[k - 1]].next_sibling = 0;
	}
	free((void *)sort_rank);
	sort_rank = NULL;
	sort_tree = NULL;
	free(buf);
	return 0;
}

int mt_tree_finish(mt_tree *t)
{
	struct mt_tree_priv *pv = t->priv;
	if (pv->finished)
		return 0;
	size_t cols = t->ncols ? t->ncols : 1;
	size_t cells, bytes;
	if (!mt_mul_ok(t->nnodes, cols, &cells) || !mt_mul_ok(cells, sizeof(int64_t), &bytes) ||
		arr_grow(&t->total, &pv->map_total, 0, bytes))
		return MT_ENOMEM;
	memcpy(t->total, t->self, bytes);
	/*
	 * One pass from the last node back: every node comes after its parent,
	 * so a node's total is complete when it is reached and goes to its
	 * parent. The same pass relinks every child list in creation order
	 * (lists were built by prepending): visiting children from the last
	 * created, each one is put in front of its parent's list. The first
	 * child met of a parent is the one the old list started with, which
	 * tells a stale head from a relinked one.
	 */
	for (uint32_t n = t->nnodes; n-- > 1;) {
		mt_tree_node *nd = &t->nodes[n];
		mt_tree_node *par = &t->nodes[nd->parent];
		for (uint32_t c = 0; c < t->ncols; c++)
			t->total[(size_t)nd->parent * t->ncols + c] =
				mt_sat_add(t->total[(size_t)nd->parent * t->ncols + c], t->total[(size_t)n * t->ncols + c]);
		nd->next_sibling = par->first_child == n ? 0 : par->first_child;
		par->first_child = n;
	}
	/* lists created in name order are sorted now; sort the others */
	int rc = sort_unsorted(t);
	if (rc)
		return rc;
	free(pv->keys);
	free(pv->vals);
	free(pv->unsorted);
	arr_free(pv->nchild, pv->map_nchild);
	pv->map_nchild = 0;
	pv->keys = NULL;
	pv->vals = NULL;
	pv->unsorted = NULL;
	pv->nunsorted = 0;
	pv->nchild = NULL;
	pv->finished = 1;
	return 0;
}

/* ---- from a profile ---- */

typedef struct frame_ref {
	mt_str_id name;  /* tree-local */
	uint8_t lang;
} frame_ref;

int mt_tree_build(mt_tree **out, const mt_profile *p, const mt_tree_opts *opts, mt_error *err)
{
	mt_tree_opts defaults = MT_TREE_OPTS_INIT;
	if (!opts)
		opts = &defaults;
	*out = NULL;
	const char **types = calloc(p->nvalue_types + 1, sizeof *types);
	const char **units = calloc(p->nvalue_types + 1, sizeof *units);
	mt_tree *t = NULL;
	int rc = 0;
	mt_str_id *line_name = NULL;   /* per line: tree-local name id + 1 */
	mt_str_id *loc_name = NULL;    /* per address-only location: name id + 1 */
	frame_ref *stack = NULL;
	size_t stack_cap = 0;
	Pvoid_t memo = NULL;          /* JudyHS: sample location list -> leaf node + 1 */
	mt_str_id *path_name = NULL;  /* the previous sample's path, root first */
	uint32_t *path_node = NULL;
	size_t path_cap = 0, path_cap2 = 0, path_len = 0;
	if (!types || !units) {
		rc = MT_ENOMEM;
		goto out;
	}
	for (uint32_t c = 0; c < p->nvalue_types; c++) {
		types[c] = mt_profile_str(p, p->value_types[c].type);
		units[c] = mt_profile_str(p, p->value_types[c].unit);
	}
	if ((rc = mt_tree_new(&t, p->nvalue_types, types, units)))
		goto out;
	for (uint32_t c = 0; c < p->nvalue_types; c++)
		t->types[c].decimals = p->value_types[c].decimals;
	line_name = calloc(p->nlines ? p->nlines : 1, sizeof *line_name);
	loc_name = calloc(p->nlocations ? p->nlocations : 1, sizeof *loc_name);
	if (!line_name || !loc_name) {
		rc = MT_ENOMEM;
		goto out;
	}
	const mt_filter *f = opts->filter;
	uint32_t nv = p->nvalue_types;
	char nbuf[512];
	int use_memo = 1;
	uint64_t memo_tries = 0, memo_hits = 0;
	for (uint32_t s = 0; s < p->nsamples; s++) {
		const int64_t *vals = p->values + (size_t)s * nv;
		int nonzero = 0;
		for (uint32_t c = 0; c < nv; c++)
			nonzero |= vals[c] != 0;
		if (!nonzero || (f && !mt_filter_keep_sample(f, s)))
			continue;
		/* the same location list always ends at the same node (filters act per location) */
		const uint32_t *lk = p->sample_locs + p->sample_loc_off[s];
		size_t lk_len = (size_t)(p->sample_loc_off[s + 1] - p->sample_loc_off[s]) * sizeof *lk;
		PWord_t memo_slot = NULL;
		if (use_memo && lk_len) {
			memo_tries++;
			JHSI(memo_slot, memo, (void *)lk, lk_len);
			if (memo_slot == PJERR) {
				rc = MT_ENOMEM;
				goto out;
			}
			if (*memo_slot) {
				memo_hits++;
				uint32_t leaf = (uint32_t)(*memo_slot - 1);
				for (uint32_t c = 0; c < nv; c++)
					mt_tree_add(t, leaf, c, vals[c]);
				continue;
			}
			if (memo_tries == 65536 && memo_hits * 10 < memo_tries)
				use_memo = 0; /* stacks rarely repeat: hashing them only costs */
		}
		size_t depth = 0;
		for (uint32_t k = p->sample_loc_off[s]; k < p->sample_loc_off[s + 1]; k++) {
			uint32_t li = p->sample_locs[k];
			const mt_location *loc = &p->locations[li];
			uint32_t n = loc->nlines ? loc->nlines : 1;
			if (mt_grow(&stack, &stack_cap, depth + n, sizeof *stack)) {
				rc = MT_ENOMEM;
				goto out;
			}
			if (loc->nlines == 0) {
				if (f && mt_filter_loc_hidden(f, li))
					continue;
				if (!loc_name[li]) {
					size_t nl;
					const char *nm = mt_frame_name(p, li, 0, nbuf, sizeof nbuf, &nl);
					mt_str_id id;
					if ((rc = mt_strtab_intern(t->strings, nm, nl, &id)))
						goto out;
					loc_name[li] = id + 1;
				}
				stack[depth].name = loc_name[li] - 1;
				stack[depth].lang = MT_LANG_UNKNOWN;
				depth++;
				continue;
			}
			for (uint32_t j = 0; j < loc->nlines; j++) {
				uint32_t line = loc->first_line + j;
				if (f && mt_filter_line_hidden(f, line))
					continue;
				if (!line_name[line]) {
					mt_str_id id;
					const mt_line *ln = &p->lines[line];
					size_t nl;
					const char *nm = mt_frame_name(p, li, line, nbuf, sizeof nbuf, &nl);
					if (opts->lines) {
						char lb[600];
						int w = snprintf(lb, sizeof lb, "%.*s:%lld", (int)nl, nm, (long long)ln->line);
						rc = mt_strtab_intern(t->strings, lb,
							w < 0 ? 0 : ((size_t)w < sizeof lb ? (size_t)w : sizeof lb - 1), &id);
					} else {
						rc = mt_strtab_intern(t->strings, nm, nl, &id);
					}
					if (rc)
						goto out;
					line_name[line] = id + 1;
				}
				stack[depth].name = line_name[line] - 1;
				stack[depth].lang = p->functions[p->lines[line].func].lang;
				depth++;
			}
		}
		if (depth == 0) {
			if (memo_slot) {
				/* every frame hidden: nothing to remember, the sample is dropped */
				int drc;
				JHSD(drc, memo, (void *)lk, lk_len);
				(void)drc;
			}
			continue; /* every frame hidden: pprof drops the sample */
		}
		if (mt_grow(&path_name, &path_cap, depth, sizeof *path_name) ||
		    mt_grow(&path_node, &path_cap2, depth, sizeof *path_node)) {
			rc = MT_ENOMEM;
			goto out;
		}
		uint32_t node = 0;
		int same = 1; /* still on the previous sample's path */
		for (size_t i = 0; i < depth; i++) {
			const frame_ref *fr = opts->reverse ? &stack[i] : &stack[depth - 1 - i];
			if (same && i < path_len && path_name[i] == fr->name) {
				node = path_node[i];
				continue;
			}
			same = 0;
			if ((rc = child_by_id(t, node, fr->name, fr->lang, &node)))
				goto out;
			path_name[i] = fr->name;
			path_node[i] = node;
		}
		path_len = depth;
		if (memo_slot)
			*memo_slot = (Word_t)node + 1;
		for (uint32_t c = 0; c < nv; c++)
			mt_tree_add(t, node, c, vals[c]);
	}
	rc = mt_tree_finish(t);
out:
	free(types);
	free(units);
	free(line_name);
	free(loc_name);
	free(stack);
	free(path_name);
	free(path_node);
	{
		Word_t bytes;
		JHSFA(bytes, memo);
		(void)bytes;
	}
	if (rc) {
		mt_tree_free(t);
		return mt_error_set(err, rc, MT_NO_OFFSET, "building the call tree failed: %s",
			mt_code_name(rc));
	}
	*out = t;
	return 0;
}
