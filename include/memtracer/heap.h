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
	uint32_t *node_trace;          /* trace_node_id, 0 = none; NULL when the snapshot has no such
	                                * field or every node's is 0 (node writes the column so) */
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

	mt_heap_location *locations;   /* NULL (and nlocations 0) when read with MT_READ_HEAP_NO_LOCATIONS */
	uint32_t nlocations;
	mt_heap_trace_fn *trace_fns;
	uint32_t ntrace_fns;
	mt_heap_trace_node *trace_nodes;
	uint32_t ntrace_nodes;

	uint64_t total_self;           /* sum of self sizes */
	struct mt_heap_priv *priv;     /* mt_heap__index_edges(): speeds up mt_heap_edge_from; may be NULL */
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

/* mt_heap_edge_retains() of every edge as a bitmap (bit e of word e / 64),
 * in one pass that knows each edge's source; calloc()ed, NULL when out of
 * memory. */
uint64_t *mt_heap__retain_bitmap(const mt_heap *h);

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

/* ---- dominators, paths and their views (analysis/heap.c: edge_from, edge_links; analysis/heap_dominators.c: the rest) ---- */

/* The node an edge leaves from (binary search over first_edge, within a
 * few nodes when the heap has the index below). */
uint32_t mt_heap_edge_from(const mt_heap *h, uint32_t edge);

/*
 * Builds (again) the index mt_heap_edge_from uses, into h->priv: the source
 * of every 256th edge. mt_heap_read() builds it; code that builds or changes
 * first_edge by hand may call it (a stale index is detected and ignored).
 * 0 or MT_ENOMEM (then there is no index, and no harm).
 */
int mt_heap__index_edges(mt_heap *h);

/*
 * The edges a retainer path may follow (and that DevTools' distances and
 * memlab's paths follow): every retaining edge plus shortcut edges, which
 * V8 emits as display links (Window --native_context-->, --global_object-->)
 * and which never count for dominators. Weak edges never link.
 */
int mt_heap_edge_links(const mt_heap *h, uint32_t edge);

/*
 * mt_heap_dominators semantics: iterative semi-NCA (Lengauer-Tarjan
 * semidominators, then nearest common ancestors) over the edges
 * mt_heap_edge_retains() accepts (DevTools' essential edges: no weak edge,
 * no shortcut except from node 0, not the WeakMap table's edge to a value,
 * which the key's edge keeps; DevTools' page-owned-object filter is not
 * applied), from node 0 (edges are visited in
 * snapshot order, so the DFS and every tie are deterministic). Nodes not
 * reachable from node 0 get idom 0, retained = their own self size and
 * distance UINT32_MAX; their edges do not affect reachable nodes.
 * retained[0] is the sum of every self size. distance: BFS edge count from
 * node 0 over the same edges (node 0 = 0, "(GC roots)" = 1).
 * The result also carries the retainer-path tree used by
 * mt_heap_retainer_path, so @d there must come from mt_heap_dominators
 * (or be NULL: the path is then searched from scratch).
 *
 * mt_heap_retainer_path semantics: the path starts at a user root when the
 * node is reachable from one — targets of node 0's non-synthetic edges and
 * "(Document DOM trees)" (DevTools' user roots), and native nodes named
 * "Window" / "Window / ..." (memlab's roots) — else at node 0. Among
 * paths of equal length the one with the fewest system hops wins (hidden
 * edges, code, object shapes, NativeContext's hidden edges, descriptor
 * values, C++/Blink root categories...), then the first found in snapshot
 * order. Edges: mt_heap_edge_links(). A user root itself gets its path from
 * node 0. When the path is longer than @cap nothing is written and the
 * length is still returned (call again with a larger buffer). Returns 0
 * for node 0 and for unreachable nodes.
 */

/*
 * A node as a path step (readable; at most @cap-1 bytes, NUL-terminated,
 * returns the full length): closures "onResize (closure)" ("(anonymous
 * closure)" when unnamed), detached natives "Detached <div ...>", strings
 * quoted ("\"mem-trace-...\""), C++ template arguments folded
 * ("blink::HeapVector<...>"), node 0 "(root)", names over 80 bytes cut
 * with "..."; control bytes become '?'.
 */
size_t mt_heap_node_label(const mt_heap *h, uint32_t node, char *buf, size_t cap);

/*
 * The aggregation class of a node, used by the dominator flame tree and
 * meant for any per-class summary: object/native: its name with a trailing
 * " @<digits>" dropped, "<div id=...>" shortened to "<div>" (DevTools'
 * class names) and "Detached " in front when detached; closures
 * "(closure) name"; strings "(string)", "(concatenated string)",
 * "(sliced string)"; arrays their "(...)" name or "(array)"; code
 * "(compiled code)"; hidden "(system)"; synthetic and object shapes their
 * name; others "(<type>)".
 */
size_t mt_heap_node_class(const mt_heap *h, uint32_t node, char *buf, size_t cap);

/*
 * Formats a retainer path (edge indices root-first, as mt_heap_retainer_path
 * writes them) as one line, snprintf-style (returns the full length, always
 * NUL-terminates when @cap > 0). Grammar:
 *   path  = label *( " -> " step )
 *   step  = name " -> " label      ; named edge (property, context, internal,
 *                                  ;   shortcut...): the name, then the node
 *         / name                   ; named edge into a "system / Context"
 *                                  ;   scope: the scope node is left out
 *   and an element or hidden edge, or a named edge whose name is all
 *   digits (V8's internal slots), appends "[i]" to the label before it:
 *   label "[" i "]" " -> " label.
 * Labels are mt_heap_node_label(). A path from node 0 starts at the node
 * node 0 points to ("(GC roots)[10] -> ..."), since "(root)" says nothing.
 * WeakMap entry edges print "WeakMap value". Example:
 *   Window / http://x[25] -> blink::EventTargetData[1] -> ... ->
 *   onResize (closure) -> context -> panelNode -> Detached <div class="panel">
 */
size_t mt_heap_path_format(const mt_heap *h, const uint32_t *edges, uint32_t n,
	char *buf, size_t cap);

/* The dominator tree as an mt_tree (for flame/icicle graphs). */
typedef struct mt_heap_tree_opts {
	unsigned version;
	uint32_t max_depth;     /* frames below this depth merge into one "(deeper)" frame; 0 = default */
} mt_heap_tree_opts;

#define MT_HEAP_TREE_OPTS_VERSION 1
#define MT_HEAP_TREE_DEFAULT_DEPTH 64
#define MT_HEAP_TREE_OPTS_INIT { MT_HEAP_TREE_OPTS_VERSION, MT_HEAP_TREE_DEFAULT_DEPTH }

/*
 * One column "retained"/"bytes". The tree root ("all") is node 0; every
 * other node becomes the child, named mt_heap_node_class(), of its
 * immediate dominator's frame, so siblings of one class merge and each
 * frame's total is the summed retained size of the nodes it stands for
 * (root total = sum of every self size). Iterative; @opts may be NULL.
 */
int mt_heap_dominator_tree(mt_tree **out, const mt_heap *h, const mt_heap_doms *d,
	const mt_heap_tree_opts *opts, mt_error *err);

/* One row of `memtracer dominators`. */
typedef struct mt_heap_row {
	uint32_t node;          /* node index */
	uint32_t id;            /* V8 object id */
	uint64_t self, retained;
	uint32_t distance;      /* UINT32_MAX = unreachable */
} mt_heap_row;

enum { MT_HEAP_TOP_SYNTHETIC = 1u << 0 };   /* also list synthetic nodes (root categories) */

/*
 * The @n nodes with the largest retained size (0 = all), largest first,
 * ties by node index. Node 0 is never listed; synthetic nodes only with
 * MT_HEAP_TOP_SYNTHETIC. *@rows is malloc()ed (free()); O(N log n).
 */
int mt_heap_top_retained(mt_heap_row **rows, uint32_t *nrows, const mt_heap *h,
	const mt_heap_doms *d, uint32_t n, unsigned flags, mt_error *err);

/*
 * Nodes to show paths for (`retainers --id N | --name RE`): the node with
 * V8 id @id (when @re is NULL), or every node whose name matches the POSIX
 * extended regex @re (a bad regex is MT_EINVAL), in node order, at most
 * @max (0 = no limit). *@nodes is malloc()ed (free()).
 */
int mt_heap_find_nodes(uint32_t **nodes, uint32_t *n, const mt_heap *h, const char *re,
	uint64_t id, uint32_t max, mt_error *err);

/* ---- renderers (render/heap_tables.c) ---- */

/* {"rows":[{"id":N,"name":"...","type":"...","self":N,"retained":N,"distance":N},...]};
 * distance is null for unreachable nodes. */
int mt_render_heap_dominators_json(const mt_heap *h, const mt_heap_row *rows, uint32_t n,
	mt_sink *out, mt_error *err);
/* A table: retained, self, distance, type, @id, name. */
int mt_render_heap_dominators_text(const mt_heap *h, const mt_heap_row *rows, uint32_t n,
	mt_sink *out, mt_error *err);

/*
 * {"matches":[{"id":N,"name":"...","type":"...","retained":N,"path":[{"node":"...",
 * "type":"...","id":N,"edge":"...","edge_type":"..."},...],"text":"..."}]}
 * path lists the nodes root-first; each step's "edge"/"edge_type" is the
 * edge that leads into that node (null for the first step); "node" is the
 * raw node name. A node with no retaining path has "path":[] and "text":"".
 */
int mt_render_heap_retainers_json(const mt_heap *h, const mt_heap_doms *d,
	const uint32_t *nodes, uint32_t n, mt_sink *out, mt_error *err);
/* Each match: "@id type name (retained X)" and its path text on the next line. */
int mt_render_heap_retainers_text(const mt_heap *h, const mt_heap_doms *d,
	const uint32_t *nodes, uint32_t n, mt_sink *out, mt_error *err);

/*
 * Opens @path ("-" = stdin; gzip transparent) and streams it through
 * mt_heap_read(). Returns 0 with *@out set, or an error with *@out NULL.
 */
int mt_heap_load(mt_heap **out, const char *path, const mt_read_opts *o, mt_error *err);

/* mt_heap_read() over bytes in memory (not gzip); for tests and fuzzing. */
int mt_heap__read_memory(mt_heap **out, const uint8_t *data, size_t len,
	const mt_read_opts *o, mt_error *err);

/*
 * `memtracer info` for a heap snapshot: counts of nodes, edges and strings,
 * total self size, per node type count and self size (sorted by type
 * name), the optional V8 parts present and the number of nodes with
 * detachedness 2. @path is shown as given.
 */
int mt_render_heap_info_text(const mt_heap *h, const char *path, mt_sink *out, mt_error *err);
int mt_render_heap_info_json(const mt_heap *h, const char *path, mt_sink *out, mt_error *err);

#ifdef __cplusplus
}
#endif
#endif
