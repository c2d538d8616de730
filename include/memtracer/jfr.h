/*
 * memtracer/jfr.h - JDK Flight Recorder recordings (.jfr): what is in a
 * recording (`memtracer info`), profiles built from its events, and leak
 * candidates.
 *
 * A recording is one or more chunks ("FLR\0", versions 1.0, 2.0 and 2.1 in
 * any mix). Gzip-wrapped files are inflated by the input layer (io.h)
 * before they reach these functions; the JDK 7/8 format (version 0.9) is
 * recognised and rejected with MT_EUNSUPPORTED.
 *
 * Errors follow error.h: err->doing is one of "reading chunk header",
 * "reading metadata", "reading constant pool", "reading event", and every
 * offset is absolute in the (inflated) input.
 */
#ifndef MEMTRACER_JFR_H
#define MEMTRACER_JFR_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "findings.h"
#include "io.h"
#include "parse.h"
#include "profile.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- summary: what `jfr summary` shows --------------------------------- */

typedef struct mt_jfr_chunk_info {
	uint64_t offset, size;        /* in the input */
	uint16_t major, minor;
	int64_t start_nanos;          /* chunk start, nanoseconds since the epoch */
	int64_t duration_nanos;
	int64_t ticks_per_second;
	int compressed;               /* integers are compressed (header flag bit 0) */
	uint64_t nconstants;          /* constant definitions in its pools (a redefined id counts again) */
} mt_jfr_chunk_info;

typedef struct mt_jfr_type_count {
	const char *name;             /* e.g. "jdk.ExecutionSample"; owned by the summary */
	uint64_t count;               /* events of this type */
	uint64_t bytes;               /* their total size */
} mt_jfr_type_count;

typedef struct mt_jfr_summary {
	uint32_t nchunks;
	mt_jfr_chunk_info *chunks;
	uint32_t nversions;
	const char *versions[3];      /* distinct "1.0", "2.0", "2.1" in the order first seen (static) */
	int64_t start_nanos;          /* the first chunk's start */
	int64_t duration_nanos;       /* sum of the chunks' durations (as `jfr summary`) */
	/*
	 * Every event type declared by some chunk's metadata (superType
	 * jdk.jfr.Event), plus jdk.Metadata and jdk.CheckPoint (type ids 0 and
	 * 1; "com.oracle.jdk." names when the first chunk is version 1.0),
	 * with counts summed by name over all chunks, zero counts included:
	 * the rows `jfr summary` prints. Sorted by name (byte order).
	 */
	uint32_t ntypes;
	mt_jfr_type_count *types;
	uint64_t nevents;             /* every event, including metadata and checkpoints */
	uint64_t unknown_events;      /* events whose type id no metadata declares as an event type */
	struct mt_jfr_summary_priv *priv;
} mt_jfr_summary;

/*
 * Reads every chunk header, metadata event and constant-pool chain of
 * @data/@len and counts the events per type (without decoding them).
 * Returns 0 with *@out set (free with mt_jfr_summary_free) or an error
 * with *@out NULL.
 */
int mt_jfr_summarize(mt_jfr_summary **out, const uint8_t *data, size_t len, mt_error *err);
void mt_jfr_summary_free(mt_jfr_summary *s);

/* The count of event type @name (0 when absent). */
uint64_t mt_jfr_summary_count(const mt_jfr_summary *s, const char *name);

/*
 * `memtracer info` for a recording. Text: chunks, versions, start,
 * duration, then one line per event type. JSON (one object and a newline):
 *   {"format":"jfr","path":P,"chunks":N,"versions":["2.1"],
 *    "start_ns":T,"start":"2024-01-16T11:08:56Z","duration_ns":D,
 *    "events":{"jdk.ExecutionSample":N,...},"event_bytes":{...},
 *    "unknown_events":U}
 * with "events" sorted by name. @path may be NULL.
 */
int mt_render_jfr_info_text(const mt_jfr_summary *s, const char *path, mt_sink *out, mt_error *err);
int mt_render_jfr_info_json(const mt_jfr_summary *s, const char *path, mt_sink *out, mt_error *err);

/* ---- profiles ---------------------------------------------------------- */

/*
 * One end of a time window (--from/--to): nanoseconds since the epoch, or
 * since the start of the recording (the profile's time_nanos) when
 * @relative.
 */
typedef struct mt_time_bound {
	int set;
	int relative;
	int64_t ns;
} mt_time_bound;

#define MT_TIME_BOUND_NONE { 0, 0, 0 }

/*
 * Parses a --from/--to value: "10s", "1.5s", "250ms", "90us", "7ns",
 * "2m", "1h" (since the recording's start), a plain integer (nanoseconds
 * since the epoch), or an ISO 8601 UTC time "2024-01-16T11:08:56Z" (also
 * with ".123456789" fractions, and "+hh:mm"/"-hh:mm" offsets). Returns 0 or
 * MT_EINVAL with a message in @err.
 */
int mt_time_bound_parse(const char *s, mt_time_bound *out, mt_error *err);

/* The absolute bound (nanoseconds since the epoch) for a recording starting at @start_ns. */
int64_t mt_time_bound_abs(const mt_time_bound *b, int64_t start_ns, int64_t dflt);

/*
 * Keeps the samples of @p whose numeric label "time_ns" lies in
 * [from, to) (relative bounds count from p->time_nanos); samples without
 * that label are dropped when a bound is set. Returns 0, MT_ENOMEM, or
 * MT_EUNSUPPORTED when no sample can have the label (the profile's strings
 * lack "time_ns").
 */
int mt_profile_time_window(mt_profile *p, const mt_time_bound *from, const mt_time_bound *to,
	mt_error *err);

/*
 * Adds a root frame (MT_LANG_STATE) named after each sample's string
 * label @key ("thread" for --threads) above its stack; samples without the
 * label are left as they are. Returns 0 or MT_ENOMEM.
 */
int mt_profile_label_roots(mt_profile *p, const char *key, mt_error *err);

/*
 * The value columns of every profile read from a recording, always all of
 * them and in this order (so profiles from different recordings diff and
 * merge):
 *   cpu            count        jdk.ExecutionSample, except those of a thread in
 *                               STATE_SLEEPING (async-profiler's wall mode writes
 *                               every thread's); in wall mode (a jdk.ActiveSetting
 *                               event=wall) also profiler.WallClockSample of
 *                               STATE_RUNNABLE threads, by samples (grafana/jfr-parser's rule)
 *   native         count        jdk.NativeMethodSample
 *   alloc          bytes        jdk.ObjectAllocationSample by weight; when the
 *                               recording has none, jdk.ObjectAllocationInNewTLAB
 *                               (tlabSize) and jdk.ObjectAllocationOutsideTLAB
 *                               (allocationSize) by size
 *   alloc-samples  count        the events counted in alloc
 *   lock           nanoseconds  jdk.JavaMonitorEnter by duration
 *   park           nanoseconds  jdk.ThreadPark by duration
 *   wall           count        async-profiler's profiler.WallClockSample (its samples field);
 *                               in wall mode also every jdk.ExecutionSample
 * One sample per event. The default column is the first of cpu, wall,
 * alloc, lock, park, native that has a non-zero total (cpu when none has).
 */
enum {
	MT_JFR_COL_CPU = 0,
	MT_JFR_COL_NATIVE,
	MT_JFR_COL_ALLOC,
	MT_JFR_COL_ALLOC_SAMPLES,
	MT_JFR_COL_LOCK,
	MT_JFR_COL_PARK,
	MT_JFR_COL_WALL,
	MT_JFR_NCOLS
};

typedef struct mt_jfr_opts {
	unsigned version;
	/* frames "pkg.Class.method(java.lang.String, int)" instead of "pkg.Class.method" */
	int signatures;
	/*
	 * NULL: the columns above. Otherwise one column "events" (count) with
	 * a sample per event of the type named here (e.g. "jdk.JavaMonitorWait"),
	 * or of every type that has a stackTrace field with "*" (what JMC's
	 * stack-trace views aggregate). Events without a stack count at the root.
	 */
	const char *event;
	/*
	 * The only column the caller will use ("cpu", "alloc", ... as above),
	 * or NULL for all: events of the other columns are not decoded (their
	 * columns stay zero) and the profile's default column is this one.
	 * What makes folded CPU stacks of a large recording fast.
	 */
	const char *column;
	/*
	 * Non-zero: samples with the same stack (and thread) are added into
	 * one, without the "time_ns" label (the "thread" label stays). For
	 * outputs that show no per-sample labels (flame graphs, top, folded).
	 * Without @column, only the column that becomes the default is read
	 * (guessed from the event counts; everything is read when the guess
	 * turns out to have a zero total).
	 */
	int aggregate;
	/* Only events that start in [from, to) (see mt_time_bound). */
	mt_time_bound from, to;
} mt_jfr_opts;

#define MT_JFR_OPTS_VERSION 2
#define MT_JFR_OPTS_INIT { MT_JFR_OPTS_VERSION, 0, NULL, NULL, 0, MT_TIME_BOUND_NONE, MT_TIME_BOUND_NONE }

/*
 * Builds a profile (p->format "jfr") from @data/@len. Stacks are leaf
 * first; Java frames are named "package.Class.method" (MT_LANG_JAVA) with
 * their line number; frames without a class (async-profiler's native and
 * kernel frames) keep their symbol name (MT_LANG_NATIVE / MT_LANG_KERNEL);
 * a truncated stack gets a root frame "[truncated]" (MT_LANG_STATE).
 * Every sample carries a string label "thread" (the Java thread name, else
 * the OS thread name; absent when the event has no thread) and a numeric
 * label "time_ns" (event start, nanoseconds since the epoch, unit
 * "nanoseconds"), for --threads and --from/--to.
 * Events of types the metadata does not declare are skipped and reported
 * in one warning through @o->warn (an error with @o->strict).
 */
int mt_read_jfr(mt_profile **out, const uint8_t *data, size_t len, const mt_read_opts *o,
	mt_error *err);

/* The same with JFR options (@jo may be NULL for the defaults). */
int mt_read_jfr_ex(mt_profile **out, const uint8_t *data, size_t len, const mt_jfr_opts *jo,
	const mt_read_opts *o, mt_error *err);

/* ---- leak candidates ---------------------------------------------------- */

/*
 * Appends the leak candidates of a recording to @out (memtracer leaks):
 *
 * "old-object": jdk.OldObjectSample events (the JDK's leak profiler)
 * grouped by allocation site, i.e. object type, top frame of the
 * allocation stack, nearest holder and GC root kind; score = samples.
 *   {"kind":"old-object","root":HOLDER or SITE,"object_type":"byte[]",
 *    "count":N,"allocation_site":"pkg.Class.method(args)",
 *    "allocation_stack":["pkg.Class.method(args):line",...] (leaf first),
 *    "holder":"shop.leak.SessionCache.CACHE" ("" when the chain has no
 *      static field or thread field: a Class object's field gives
 *      "Class.FIELD", a Thread's "java.lang.Thread.FIELD"),
 *    "gc_root":{"system":S,"type":T,"description":D or null} or null
 *      (recorded without path-to-gc-roots / cutoff),
 *    "reference_chain":[{"field":F or null,"type":T,"description":D or
 *      null},...] (the sampled object first, then each referrer with the
 *      field or "[index]" that holds the previous one),
 *    "age_ns_max":A,"age_ns_min":A,"array_elements_max":E (arrays only),
 *    "threads":[allocating threads],"source":SRC,"score":N}
 *
 * "parked-threads": threads parked on a queue or lock for the whole
 * recording (a jdk.ThreadPark of at least 90% of it, or parked at the same
 * stack in every jdk.ThreadDump without ending a shorter wait), grouped by
 * stack; stacks of JDK frames only are left out.
 *   {"kind":"parked-threads","root":innermost non-JDK frame,"state":
 *    "WAITING (parking)","count":threads,"parked_on":class or "",
 *    "threads":[names],"parked_ns_max":P,"recording_ns":R,
 *    "stack":[frames, leaf first],"evidence":["jdk.ThreadPark",
 *    "jdk.ThreadDump"],"source":SRC,"score":count*P/R}
 *
 * @source (may be NULL) names the input in the findings.
 */
int mt_jfr_leaks(mt_findings *out, const uint8_t *data, size_t len, const char *source,
	mt_error *err);

#ifdef __cplusplus
}
#endif
#endif
