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

#ifdef __cplusplus
}
#endif
#endif
