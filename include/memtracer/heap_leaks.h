/*
 * memtracer/heap_leaks.h - leak detectors for one V8 heap snapshot:
 * detached DOM trees and the holders that keep memory alive (listeners,
 * collections, large strings and buffers), as `memtracer leaks` findings.
 *
 * The detachedness propagation is its own pure function so that the
 * three-snapshot comparison and the benchmarks count detached DOM nodes
 * exactly as the detectors do.
 */
#ifndef MEMTRACER_HEAP_LEAKS_H
#define MEMTRACER_HEAP_LEAKS_H

#include <stdint.h>

#include "error.h"
#include "findings.h"
#include "heap.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * DevTools' and memlab's detachedness propagation (DevTools
 * HeapSnapshot.ts propagateDOMState). Writes one MT_DETACHED_* value per
 * node into @state (h->nnodes bytes, caller-owned):
 *  - seeds: native nodes whose `detachedness` field is 1 (attached) or 2
 *    (detached), and nodes of older snapshots (no such field) whose name
 *    starts with "Detached " (native or object nodes: 2);
 *  - attached seeds spread first: every native node reachable from them
 *    over non-weak edges through native nodes only becomes 1;
 *  - then detached seeds spread 2 the same way into native nodes still 0.
 * A seed keeps its own value. Non-native nodes stay 0 (except "Detached "
 * objects). The result is a pure function of the graph (no order
 * dependence); O(nodes + edges), one nnodes-sized uint32 stack, no
 * recursion. @ndom, when not NULL, receives the number of detached DOM
 * nodes (state 2 and mt_heap_node_is_dom()). Returns 0 or MT_ENOMEM /
 * MT_EFORMAT (an edge target out of range).
 */
int mt_heap_detached(const mt_heap *h, uint8_t *state, uint32_t *ndom, mt_error *err);

/*
 * 1 when node @v is a DOM node as the snapshot names it: a native node
 * named "<tag ...>", "Text", "Comment", "CDATASection",
 * "DocumentFragment" or "ShadowRoot" (Chrome since 2021), or a native or
 * object node named "Detached ..." (older snapshots), except the
 * "Detached DOM tree / ..." group nodes. (verify.js's DOM_NAME rule.)
 */
int mt_heap_node_is_dom(const mt_heap *h, uint32_t v);

typedef struct mt_heap_leak_opts {
	unsigned version;
	uint32_t min_listeners;    /* listeners finding: at least this many closures for one event; 0 = default (11, one past Node's MaxListeners) */
	uint32_t min_instances;    /* collection finding: at least this many instances of one class; 0 = default (100) */
	uint64_t min_large;        /* large-object finding: at least this many bytes retained; 0 = default (256 KiB) */
} mt_heap_leak_opts;

#define MT_HEAP_LEAK_OPTS_VERSION 1
#define MT_HEAP_LEAK_OPTS_INIT { MT_HEAP_LEAK_OPTS_VERSION, 0, 0, 0 }

/*
 * Runs every single-snapshot detector on @h with dominators @d (from
 * mt_heap_dominators on @h) and appends the findings to @fs, each with
 * "source": @source. @o may be NULL (defaults). Kinds and their JSON
 * shapes are documented in analysis/heap_detached.c, analysis/heap_holders.c
 * and README.md: "detached-dom", "listeners", "collection", "large-object".
 * Linear passes over the graph plus one retainer path per reported object
 * (and per detached DOM node, for its tree's root); deterministic.
 * Returns 0, MT_ENOMEM, MT_EFORMAT (a damaged graph) or MT_ELIMIT (retainer
 * paths longer in total than max(2e7, 16 x (nodes + edges)) steps: only
 * crafted graphs get there).
 */
int mt_heap_leaks(mt_findings *fs, const mt_heap *h, const mt_heap_doms *d, const char *source,
	const mt_heap_leak_opts *o, mt_error *err);

#ifdef __cplusplus
}
#endif
#endif
