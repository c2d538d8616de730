/*
 * memtracer/v8prof.h - V8 CPU profiles (.cpuprofile) and sampling heap
 * profiles (.heapprofile) as call trees (parsers/v8_cpuprofile.c).
 *
 * Both readers follow the contract of parse.h: @data/@len (gunzipped
 * already) in, 0 with *@out set or a negative mt_code with *@out NULL and
 * a one-line "expected X, found Y" message with a byte offset in @err.
 * @opts may be NULL. Nothing recurses; depth, node count and the total
 * number of stack frames are bounded (MT_ELIMIT).
 *
 * .cpuprofile (Chrome DevTools, CDP Profiler.stop, node --cpu-prof) in
 * both forms:
 *   new: {"nodes":[{"id","callFrame":{...},"hitCount","children":[ids]}],
 *         "startTime","endTime" (microseconds),
 *         "samples":[node ids],"timeDeltas":[microseconds]}
 *   old: {"head":{nested nodes with inline functionName/url/lineNumber,
 *         "id","hitCount","children":[node objects]}},
 *         "startTime","endTime" (seconds),
 *         "samples":[node ids],"timestamps":[absolute microseconds]}
 * Columns samples/count and cpu/nanoseconds (the default). Sample i is at
 * time S(i) (startTime + the sum of timeDeltas[0..i], or timestamps[i];
 * kept monotone: a time before the previous sample's counts as equal to
 * it) and lasts until the next sample, S(i+1) - S(i); the last sample
 * lasts 0. The time from startTime to the first sample goes to an
 * empty-stack sample (0 samples), as speedscope shows "<empty stack>".
 * Without samples, "hitCount" gives the counts and the cpu column spreads
 * endTime - startTime over them (with a warning; an error with
 * opts->strict, as are sample times that go backwards). p->time_nanos =
 * startTime (V8's monotonic clock, not the Unix epoch), duration_nanos =
 * endTime - startTime (0 unless both are present).
 *
 * .heapprofile (CDP HeapProfiler.stopSampling, node --heap-prof):
 *   {"head":{"callFrame":{...},"selfSize","id","children":[nodes]},
 *    "samples":[{"size","nodeId","ordinal"}]}   ("samples" optional)
 * Columns objects/count (samples naming the node; 0 without "samples")
 * and space/bytes (selfSize, the default).
 *
 * Frames: one sample per node with a non-zero value (identical stacks are
 * not merged), stack = the node and its ancestors, leaf first, without the
 * synthetic "(root)" root. Names are functionName, or "(anonymous)" when
 * empty; file = url; line and column are V8's 0-based numbers plus one
 * (0 = unknown). Language: js for code with a url or a script id; native
 * for "(program)", "(garbage collector)" and script-less builtins; state
 * for the other "(...)" pseudo frames ("(idle)", "(V8 API)", ...).
 */
#ifndef MEMTRACER_V8PROF_H
#define MEMTRACER_V8PROF_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "parse.h"
#include "profile.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Safety limits (MT_ELIMIT past them). */
#define MT_V8PROF_MAX_DEPTH 65536u                    /* frames in one stack */
#define MT_V8PROF_MAX_NODES ((uint32_t)1 << 28)       /* nodes in one profile */
#define MT_V8PROF_MAX_FRAMES ((uint64_t)1 << 26)      /* stack entries over all samples */

/* p->format = "v8-cpuprofile". */
int mt_read_v8_cpuprofile(mt_profile **out, const uint8_t *data, size_t len,
	const mt_read_opts *opts, mt_error *err);

/* p->format = "v8-heapprofile". */
int mt_read_v8_heapprofile(mt_profile **out, const uint8_t *data, size_t len,
	const mt_read_opts *opts, mt_error *err);

#ifdef __cplusplus
}
#endif
#endif
