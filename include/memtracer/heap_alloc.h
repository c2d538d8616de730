/*
 * memtracer/heap_alloc.h - the allocation traces of a V8 heap snapshot
 * (recorded with allocation tracking: DevTools' "Allocation instrumentation
 * on timeline", HeapProfiler.startTrackingHeapObjects {trackAllocations})
 * as a profile of allocation sites, so top, flame and convert show them
 * like any other profile.
 */
#ifndef MEMTRACER_HEAP_ALLOC_H
#define MEMTRACER_HEAP_ALLOC_H

#include "error.h"
#include "heap.h"
#include "profile.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * One sample per trace_tree node, its stack the functions from that node
 * up to (not including) the tree's "(root)" node, leaf first; frames are
 * JS functions named by trace_function_infos (name, script_name, line as
 * the snapshot writes it). Four columns, as DevTools' Allocation view:
 *   allocations/count, space/bytes: what the site allocated while tracking
 *     was on (the trace node's count and size);
 *   live_objects/count, live_space/bytes: the objects of this snapshot
 *     whose trace_node_id is the node, and their self sizes.
 * Default column: live_space when the snapshot has trace_node_id values,
 * else space. Samples whose four values are all 0 are left out.
 * Returns 0, MT_EUNSUPPORTED (no trace_tree in the snapshot), MT_ENOMEM or
 * MT_ELIMIT (more than MT_HEAP_ALLOC_MAX_FRAMES frames over all stacks:
 * only crafted, very deep trees get there).
 */
int mt_heap_alloc_profile(mt_profile **out, const mt_heap *h, mt_error *err);

#define MT_HEAP_ALLOC_MAX_FRAMES (1u << 28)

#ifdef __cplusplus
}
#endif
#endif
