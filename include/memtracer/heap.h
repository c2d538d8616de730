/*
 * memtracer/heap.h - heap snapshots as a compact graph (CSR arrays).
 *
 * A V8 .heapsnapshot becomes an mt_heap: per-node and per-edge columns in
 * flat arrays (structure of arrays, no per-node allocation), edges of node
 * n at [first_edge[n], first_edge[n+1]), and on demand a reverse
 * (retainer) index built with two counting passes. Node 0 is the snapshot's
 * synthetic root, as in V8. Analyses (dominators, retained sizes,
 * retainer paths, leak detectors) are pure functions of an mt_heap, and
 * their results convert to mt_tree / mt_findings so the same renderers and
 * the same `leaks` JSON serve heap snapshots.
 */
#ifndef MEMTRACER_HEAP_H
#define MEMTRACER_HEAP_H

#include <stdint.h>

#include "error.h"
#include "findings.h"
#include "io.h"
#include "parse.h"
#include "strtab.h"
#include "tree.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Node types, normalised from snapshot.meta.node_types (names kept in type_names). */
typedef enum mt_heap_node_type {
	MT_HN_HIDDEN = 0, MT_HN_ARRAY, MT_HN_STRING, MT_HN_OBJECT, MT_HN_CODE, MT_HN_CLOSURE,
	MT_HN_REGEXP, MT_HN_NUMBER, MT_HN_NATIVE, MT_HN_SYNTHETIC, MT_HN_CONCAT_STRING,
	MT_HN_SLICED_STRING, MT_HN_SYMBOL, MT_HN_BIGINT, MT_HN_OBJECT_SHAPE, MT_HN_OTHER,
	MT_HN__COUNT
} mt_heap_node_type;

typedef enum mt_heap_edge_type {
	MT_HE_CONTEXT = 0, MT_HE_ELEMENT, MT_HE_PROPERTY, MT_HE_INTERNAL, MT_HE_HIDDEN,
	MT_HE_SHORTCUT, MT_HE_WEAK, MT_HE_OTHER, MT_HE__COUNT
} mt_heap_edge_type;

/* V8's detachedness values (node field "detachedness"). */
enum { MT_DETACHED_UNKNOWN = 0, MT_DETACHED_ATTACHED = 1, MT_DETACHED_DETACHED = 2 };

/* Which optional parts the snapshot had (for `info`). */
enum {
	MT_HEAP_HAS_DETACHEDNESS = 1u << 0,
	MT_HEAP_HAS_TRACE_NODE_ID = 1u << 1,
	MT_HEAP_HAS_LOCATIONS = 1u << 2,
	MT_HEAP_HAS_TRACES = 1u << 3,      /* trace_function_infos + trace_tree */
	MT_HEAP_HAS_SAMPLES = 1u << 4
};

typedef struct mt_heap_location {
	uint32_t node;          /* node index */
	uint32_t script_id, line, column;
} mt_heap_location;

typedef struct mt_heap_trace_fn {
	mt_str_id name, script_name;
	uint32_t script_id, line, column;
} mt_heap_trace_fn;

typedef struct mt_heap_trace_node {
	uint32_t id;            /* trace node id as in the snapshot */
	uint32_t fn;            /* index into trace_fns */
	uint32_t parent;        /* index into trace_nodes; UINT32_MAX for the root */
	uint32_t count, size;   /* live allocations attributed to this site */
} mt_heap_trace_node;

typedef struct mt_heap {
	mt_strtab *strings;            /* snapshot strings, re-interned */
	uint32_t features;             /* MT_HEAP_HAS_* */

	/* nodes */
	uint32_t nnodes;
	uint8_t *node_type;            /* mt_heap_node_type */
	mt_str_id *node_name;
	uint32_t *node_id;             /* V8 object id (stable across snapshots of one session) */
	uint64_t *node_self;           /* self_size */
	uint8_t *node_detached;        /* MT_DETACHED_*; 0 when the snapshot has no such field */
	uint32_t *node_trace;          /* trace_node_id, 0 = none */
	uint32_t *first_edge;          /* nnodes + 1 */

	/* edges (in snapshot order: grouped by source node) */
	uint32_t nedges;
	uint8_t *edge_type;            /* mt_heap_edge_type */
	uint32_t *edge_name;           /* str id for named edges; the index for element/hidden */
	uint32_t *edge_to;             /* target node index */

	/* retainer index (mt_heap_build_retainers): edges into n at
	 * [first_retainer[n], first_retainer[n+1]) of retainer_edge[] */
	uint32_t *first_retainer;
	uint32_t *retainer_edge;       /* edge index; its source is retainer_from[] */
	uint32_t *retainer_from;

	mt_heap_location *locations;
	uint32_t nlocations;
	mt_heap_trace_fn *trace_fns;
	uint32_t ntrace_fns;
	mt_heap_trace_node *trace_nodes;
	uint32_t ntrace_nodes;

	uint64_t total_self;           /* sum of self sizes */
	struct mt_heap_priv *priv;
} mt_heap;

/*
 * Every array member of mt_heap is malloc()ed (or NULL) and owned by the
 * heap; mt_heap_free() releases them all, the string table and priv.
 * Tests may build an mt_heap by hand under the same rule.
 */
void mt_heap_free(mt_heap *h);

/* Static names: "object", "closure", ...; "property", "weak", ... */
const char *mt_heap_node_type_name(mt_heap_node_type t);
const char *mt_heap_edge_type_name(mt_heap_edge_type t);

/*
 * Streams a .heapsnapshot (gzip transparent): the field layout is taken
 * from snapshot.meta (never assumed); numbers go straight into the flat
 * arrays; strings are interned once. Arrays whose length is not a multiple
 * of their field count, dangling edge targets and unknown types are errors
 * with byte offsets.
 */
int mt_heap_read(mt_heap **out, mt_stream *s, const mt_read_opts *o, mt_error *err);

/* Builds the retainer index (idempotent). */
int mt_heap_build_retainers(mt_heap *h, mt_error *err);

/*
 * The one edge predicate every pass shares (dominators, distances, paths):
 * weak edges never retain; shortcut edges are skipped as DevTools does.
 */
int mt_heap_edge_retains(const mt_heap *h, uint32_t edge);

/* Dominators, retained sizes, distances. */
typedef struct mt_heap_doms {
	uint32_t *idom;          /* immediate dominator of each node; idom[0] = 0 */
	uint64_t *retained;      /* retained size */
	uint32_t *distance;      /* edges from the GC roots; UINT32_MAX = unreachable (then attached to the root) */
} mt_heap_doms;

int mt_heap_dominators(mt_heap_doms **out, const mt_heap *h, mt_error *err);
void mt_heap_doms_free(mt_heap_doms *d);

/*
 * The shortest retaining path from the GC roots to @node, preferring
 * user-meaningful edges like DevTools/memlab; written as edge indices
 * root-first into @edges (capacity @cap); returns the length, 0 when
 * unreachable, or a negative mt_code.
 */
int mt_heap_retainer_path(const mt_heap *h, const mt_heap_doms *d, uint32_t node,
	uint32_t *edges, uint32_t cap, mt_error *err);

#ifdef __cplusplus
}
#endif
#endif
