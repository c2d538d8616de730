/*
 * memtracer/tree.h - call trees derived from profiles (and from heap graphs).
 *
 * A tree is one flat node array linked by indices (first_child,
 * next_sibling); node 0 is the root ("all"). Every node has a self and a
 * total value per column. Children are ordered by name (byte order), so
 * every traversal is deterministic. A tree owns its own string table: it
 * does not borrow from the profile it came from, so trees from different
 * profiles can be compared and outlive their sources.
 */
#ifndef MEMTRACER_TREE_H
#define MEMTRACER_TREE_H

#include <stdint.h>

#include "error.h"
#include "profile.h"
#include "strtab.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mt_filter mt_filter;

typedef struct mt_tree_node {
	mt_str_id name;        /* in tree->strings; root's name is "all" */
	uint32_t parent;       /* root: 0 */
	uint32_t first_child;  /* 0 = none */
	uint32_t next_sibling; /* 0 = none */
	uint32_t depth;        /* root = 0 */
	uint8_t lang;          /* mt_lang */
} mt_tree_node;

typedef struct mt_tree {
	mt_strtab *strings;    /* owned */
	mt_tree_node *nodes;   /* nnodes entries, [0] = root */
	uint32_t nnodes;
	uint32_t ncols;
	mt_value_type *types;  /* ncols; ids in tree->strings */
	int64_t *self;         /* nnodes * ncols */
	int64_t *total;        /* nnodes * ncols */
	uint32_t max_depth;
	struct mt_tree_priv *priv;
} mt_tree;

typedef struct mt_tree_opts {
	unsigned version;
	int reverse;              /* merge stacks from the leaf (root = leaf) */
	int lines;                /* frames named "func:line" instead of "func" */
	const mt_filter *filter;  /* focus/ignore/hide/show; NULL = none */
} mt_tree_opts;

#define MT_TREE_OPTS_VERSION 1
#define MT_TREE_OPTS_INIT { MT_TREE_OPTS_VERSION, 0, 0, NULL }

/*
 * Builds the call tree of @p: each sample's stack (locations expanded into
 * their inlined lines) walked root to leaf, its values added to the leaf's
 * self. Samples whose values are all zero are skipped.
 */
int mt_tree_build(mt_tree **out, const mt_profile *p, const mt_tree_opts *opts,
	mt_error *err);

void mt_tree_free(mt_tree *t);

/*
 * Building a tree by hand (heap dominators, goroutine buckets, tests):
 * mt_tree_new, then mt_tree_child + mt_tree_add, then mt_tree_finish,
 * which sorts children and computes totals. @types gives each column's
 * type/unit as C strings (pairs), @ncols columns.
 */
int mt_tree_new(mt_tree **out, uint32_t ncols, const char *const *types,
	const char *const *units);

/* Finds or creates the child of @parent named @name. */
int mt_tree_child(mt_tree *t, uint32_t parent, const char *name, size_t len,
	mt_lang lang, uint32_t *out);

/*
 * Walks from @parent down the path of @n names already interned in
 * @t->strings (@langs: each frame's mt_lang), creating the nodes that are
 * missing; @nodes receives the node of each name. For builders that intern
 * each distinct frame once: like @n calls of mt_tree_child, and cheaper on
 * paths that leave the existing tree (below a new node nothing is looked
 * up). MT_EINVAL for an unknown id or node, or after mt_tree_finish.
 */
int mt_tree_path(mt_tree *t, uint32_t parent, const mt_str_id *names, const uint8_t *langs,
	uint32_t n, uint32_t *nodes);

/* Adds @v to self[@node][@col]. */
void mt_tree_add(mt_tree *t, uint32_t node, uint32_t col, int64_t v);

/* Sorts children by name and sums totals bottom-up. Call once, last. */
int mt_tree_finish(mt_tree *t);

static inline int64_t mt_tree_self(const mt_tree *t, uint32_t node, uint32_t col)
{
	return t->self[(uint64_t)node * t->ncols + col];
}

static inline int64_t mt_tree_total(const mt_tree *t, uint32_t node, uint32_t col)
{
	return t->total[(uint64_t)node * t->ncols + col];
}

#ifdef __cplusplus
}
#endif
#endif
