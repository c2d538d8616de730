/*
 * memtracer/heap_compare.h - comparing V8 heap snapshots of one session by
 * object id (V8 keeps an object's id across the snapshots of one
 * HeapProfiler session):
 *  - the three-snapshot method (memlab's): objects allocated after the
 *    baseline, still present in the target and alive in the final
 *    snapshot, grouped by retainer path into "growth" findings
 *    (`memtracer leaks --baseline A --target B --final C`);
 *  - the per-class comparison of two snapshots, like DevTools' Comparison
 *    view (`memtracer diff A B`).
 *
 * Memory: nothing here needs two heaps at once. A snapshot is reduced to
 * a sorted id array (mt_heap_ids, 4 bytes a node) or a census (id, class,
 * self size: 16 bytes a node) and can be freed before the next is read.
 */
#ifndef MEMTRACER_HEAP_COMPARE_H
#define MEMTRACER_HEAP_COMPARE_H

#include <stdint.h>

#include "error.h"
#include "findings.h"
#include "heap.h"
#include "io.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A sorted set of V8 object ids (duplicates removed). */
typedef struct mt_heap_ids {
	uint32_t *id;        /* malloc()ed, ascending */
	uint32_t n;
} mt_heap_ids;

/* The ids of every node of @h. O(n log n); *@out owns its array. */
int mt_heap_ids_of(mt_heap_ids *out, const mt_heap *h, mt_error *err);

/* The ids of the nodes of @h that are not in @base (NULL = none). */
int mt_heap_ids_new(mt_heap_ids *out, const mt_heap *h, const mt_heap_ids *base, mt_error *err);

/* 1 when @id is in @s (binary search). */
int mt_heap_ids_has(const mt_heap_ids *s, uint32_t id);

void mt_heap_ids_free(mt_heap_ids *s);

/* ---- three snapshots: growth ---- */

/* What mt_heap_growth saw (for the summary line and tests). */
typedef struct mt_heap_growth_stats {
	uint32_t candidates;        /* nodes of the final snapshot whose id is in the candidate set */
	uint64_t candidate_self;    /* their summed self size */
	uint32_t kept;              /* candidates a person acts on (see mt_heap_growth) */
	uint64_t kept_self;
	uint32_t detached_dom;      /* kept candidates that are detached DOM nodes */
	uint32_t unreachable;       /* kept candidates with no retainer path (not clustered) */
	uint32_t engine_held;       /* kept candidates held only by V8/Blink bookkeeping (not reported) */
	uint32_t lone;              /* kept candidates in lone small clusters (not reported) */
	uint32_t clusters;          /* findings added */
} mt_heap_growth_stats;

/*
 * Growth findings ("kind":"growth") for the final snapshot @h with
 * dominators @d (mt_heap_dominators on @h), given @candidates: the ids
 * new in the target (mt_heap_ids_new(target, baseline ids)). A node of @h
 * is a candidate when its id is in @candidates (allocated after the
 * baseline, present in the target, alive now).
 *
 * Kept candidates (memlab drops V8/Blink internals; this is the same
 * idea, own rules): objects (not named "system / ..."), closures and
 * regexps, and native nodes that are detached DOM nodes (mt_heap_detached
 * state 2 and mt_heap_node_is_dom). Dropped: code, hidden, arrays (V8's
 * internal backing stores; JS arrays are "Array" objects), strings,
 * numbers, symbols, bigints, object shapes, synthetic nodes, "system / "
 * objects (contexts, proxies...) and native nodes that are not detached
 * DOM (Blink internals, attached DOM). Dropped nodes still count in the
 * retained sizes of what holds them.
 *
 * Clustering. Each kept node's retainer path (mt_heap_retainer_path) is
 * cut at its leak root: the first kept candidate on it (the first thing
 * allocated since the baseline that a person can act on: a listener
 * closure, a chart object, a store entry...); the node itself when none
 * comes before it. Nodes whose cut paths are equal once element indices
 * are ignored form one finding ("SettingsModal's onKeydown x5"): a step
 * is compared by edge type, edge name (not for indices) and
 * mt_heap_node_class() of the node. A cluster whose cut path runs through
 * the engine's own bookkeeping (compiled code and feedback: allocation-site
 * boilerplates; the per-context API template caches of V8, Blink and gin)
 * is not reported: created once, nothing a page can release
 * (stats: engine_held). Nor is a cluster without detached DOM that has a
 * single instance retaining under 64 KiB with fewer than 10 objects of any
 * one class (stats: lone): one new small object (a template compiled on
 * first use, a lazily filled cache entry) is indistinguishable from
 * initialisation; growth that matters repeats (instances, or many objects
 * of one class under one new holder, such as 200 listener closures in a
 * new listeners array) or is large.
 *
 * JSON: {"kind":"growth","root","count","bytes","path","source",
 * "instances","self","detached_dom","classes":{class:count,...},"score"}:
 * root names the leak root: a named closure's name, else the nearest
 * variable (context edge) or property name on the path that leads to it,
 * else its label; count = kept nodes; instances = distinct leak roots;
 * bytes = what the kept nodes retain together (the summed retained sizes
 * of those that no other kept node of the cluster dominates, so a
 * closure's captured 2 MB buffer counts once; the dominator walk gives up
 * after 4096 hops and then counts the node, which can only overstate);
 * self = summed self size of the kept nodes; path = the retainer path of
 * the first instance (largest retained) through its leak root
 * (mt_heap_path_format); classes = kept nodes by mt_heap_node_class(),
 * with "Detached " in front of every detached DOM node (by the propagated
 * state: a Text node has no wrapper and no state of its own), most first,
 * at most 24 then "(other)". score: clusters holding detached DOM rank
 * first (memlab treats detached DOM as a certain leak and the rest as a
 * maybe), then by bytes.
 *
 * @st (may be NULL) receives the counts. Deterministic; O((N + E)
 * + sum of the kept nodes' path lengths, each path walked once).
 */
int mt_heap_growth(mt_findings *fs, mt_heap_growth_stats *st, const mt_heap *h,
	const mt_heap_doms *d, const mt_heap_ids *candidates, const char *source, mt_error *err);

/* ---- two snapshots: per-class comparison ---- */

/* A snapshot reduced to (id, class, self size) per node, sorted by id. */
typedef struct mt_heap_census mt_heap_census;

/* Classes are mt_heap_node_class() (DevTools' grouping, see heap.h). */
int mt_heap_census_of(mt_heap_census **out, const mt_heap *h, mt_error *err);
void mt_heap_census_free(mt_heap_census *c);

typedef struct mt_heap_diff_row {
	const char *cls;          /* owned by the mt_heap_diff */
	uint64_t added, deleted;  /* objects of this class new in B / gone since A */
	int64_t delta;            /* added - deleted */
	uint64_t alloc_size, freed_size;
	int64_t size_delta;       /* alloc_size - freed_size */
} mt_heap_diff_row;

typedef struct mt_heap_diff {
	mt_heap_diff_row *rows;   /* size_delta desc, then class (bytes) */
	uint32_t nrows;
	uint64_t base_nodes, nodes;      /* node counts of A and B */
	uint64_t added, deleted;         /* ids in B not in A, ids in A not in B */
	uint64_t alloc_size, freed_size; /* their self sizes */
	struct mt_heap_diff_priv *priv;
} mt_heap_diff;

/*
 * DevTools' Comparison: per class, the objects of that class in B whose
 * id is not among A's objects of that class ("# New", their self sizes
 * "Alloc. Size") and the reverse ("# Deleted", "Freed Size"); an object
 * whose class changed (a DOM node that became detached) counts in both
 * classes, as in DevTools. As in DevTools' class aggregates, nodes of self
 * size 0 other than native ones belong to no class (V8's empty strings
 * and markers): they count in the totals only. Only classes with a change
 * are listed. Totals are by id alone, over every node. O(n log n) (the
 * census sort), linear merge.
 */
int mt_heap_diff_of(mt_heap_diff **out, const mt_heap_census *a, const mt_heap_census *b, mt_error *err);
void mt_heap_diff_free(mt_heap_diff *d);

/* ---- renderers (render/heap_compare.c) ---- */

/*
 * {"kind":"heap-diff","totals":{"base_nodes":N,"nodes":N,"new":N,"deleted":N,
 * "delta":N,"alloc_size":N,"freed_size":N,"size_delta":N},"rows":[{"class":"...",
 * "new":N,"deleted":N,"delta":N,"alloc_size":N,"freed_size":N,"size_delta":N},...]}
 * @n rows at most (0 = all).
 */
int mt_render_heap_diff_json(const mt_heap_diff *d, uint32_t n, mt_sink *out, mt_error *err);
/* A table: # new, # deleted, # delta, alloc size, freed size, size delta, class; totals first. */
int mt_render_heap_diff_text(const mt_heap_diff *d, uint32_t n, mt_sink *out, mt_error *err);

#ifdef __cplusplus
}
#endif
#endif
