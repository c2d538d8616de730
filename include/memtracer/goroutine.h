/*
 * memtracer/goroutine.h - Go goroutine dumps as buckets.
 *
 * Every dump people save (the goroutine pprof profile, ?debug=1 and
 * ?debug=2 text, crash and SIGQUIT tracebacks) becomes an mt_goroutines:
 * goroutines grouped into buckets by (state, stack). The "N minutes" wait
 * suffix never splits a bucket: it becomes the bucket's min/max wait.
 * Readers stream: they feed goroutines one at a time into an mt_gr_builder,
 * which aggregates on the fly, so memory grows with the number of distinct
 * buckets, not with the number of goroutines.
 */
#ifndef MEMTRACER_GOROUTINE_H
#define MEMTRACER_GOROUTINE_H

#include <stdint.h>

#include "error.h"
#include "findings.h"
#include "io.h"
#include "parse.h"
#include "profile.h"
#include "strtab.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mt_gr_frame {
	mt_str_id func;     /* fully qualified, without arguments: "main.(*hub).wait.func1" */
	mt_str_id file;     /* "" when the dump has none */
	int64_t line;       /* 0 when unknown */
} mt_gr_frame;

typedef struct mt_gr_label {
	mt_str_id key, value;
	uint64_t count;     /* goroutines of the bucket carrying key=value */
} mt_gr_label;

typedef struct mt_gr_bucket {
	mt_str_id state;         /* wait reason as Go prints it: "chan receive", "select", "IO wait"... */
	uint8_t state_inferred;  /* 1: the dump had no state, it was inferred from the stack */
	uint8_t locked;          /* some goroutine was "locked to thread" */
	uint8_t elided;          /* frames were elided ("...additional frames elided...") */
	uint32_t frame0, nframes;/* frames[frame0 .. frame0+nframes), leaf first */
	uint64_t count;          /* goroutines */
	int64_t wait_min, wait_max; /* minutes; -1 when no goroutine stated one */
	mt_gr_frame created_by;  /* the "created by" function (func 0 = none) */
	uint32_t label0, nlabels;/* labels[label0 ..), sorted by key then value */
	uint64_t min_id;         /* smallest goroutine id, 0 = unknown */
} mt_gr_bucket;

typedef struct mt_goroutines {
	mt_strtab *strings;          /* owned */
	mt_gr_bucket *buckets;       /* after mt_gr_builder_finish: count desc, then state, then stack */
	uint32_t nbuckets;
	mt_gr_frame *frames;
	uint32_t nframes;
	mt_gr_label *labels;
	uint32_t nlabels;
	uint64_t total;              /* goroutines */
	const char *format;          /* static: "pprof", "debug=1", "debug=2", "traceback" */
	int truncated;               /* the input ended inside a record */
	uint64_t truncated_at;       /* byte offset of the cut */
	char truncated_msg[200];     /* what was being read when it ended */
	struct mt_gr_priv *priv;
} mt_goroutines;

void mt_goroutines_free(mt_goroutines *g);

/* ---- building (used by readers) ---- */

/* One goroutine (or a group of @count identical ones, as debug=1 and pprof give). */
typedef struct mt_gr_one {
	const char *state; size_t state_len;  /* NULL/0: infer from the stack */
	int64_t wait_minutes;                 /* -1 = not stated */
	int locked, elided;
	const mt_gr_frame *frames;            /* leaf first; ids in the builder's strings */
	uint32_t nframes;
	mt_gr_frame created_by;
	const mt_gr_label *labels;            /* count field ignored */
	uint32_t nlabels;
	uint64_t id;                          /* goroutine id, 0 = unknown */
	uint64_t count;                       /* >= 1 */
} mt_gr_one;

typedef struct mt_gr_builder mt_gr_builder;

int mt_gr_builder_new(mt_gr_builder **out, const char *format);
/* The builder's string table: intern frame/label strings here before adding. */
mt_strtab *mt_gr_builder_strings(mt_gr_builder *b);
int mt_gr_builder_add(mt_gr_builder *b, const mt_gr_one *g);
/* Marks the result truncated at @offset with @msg (the analysis covers what came before). */
void mt_gr_builder_truncated(mt_gr_builder *b, uint64_t offset, const char *msg);
/* Sorts buckets and labels and hands the result over; frees the builder. */
int mt_gr_builder_finish(mt_gr_builder *b, mt_goroutines **out);
void mt_gr_builder_free(mt_gr_builder *b);

/*
 * The wait reason Go would print for a goroutine parked with this stack
 * (leaf first), e.g. runtime.gopark <- runtime.chanrecv -> "chan receive";
 * "running" when nothing parks it. Used for dumps without states (pprof,
 * debug=1) so that they bucket like debug=2 dumps of the same moment.
 */
const char *mt_gr_infer_state(const mt_strtab *strings, const mt_gr_frame *frames, uint32_t n);

/* ---- readers ---- */

/* 1 if @data (the first bytes of an input) looks like a text goroutine dump. */
int mt_gr_sniff_text(const uint8_t *data, size_t len);

/*
 * Text dumps (debug=1, debug=2, crash/SIGQUIT tracebacks of Go 1.17-1.26),
 * streamed. A dump cut mid-record is returned with ->truncated set, not
 * failed; garbage is an error with the offset.
 */
int mt_read_goroutines_text(mt_goroutines **out, mt_stream *s, const mt_read_opts *o,
	mt_error *err);

/* The goroutine pprof profile (already read with mt_read_pprof). */
int mt_goroutines_from_profile(mt_goroutines **out, const mt_profile *p, mt_error *err);

/* Any goroutine dump at @path: text, or pprof goroutine profile (gzip or not). */
int mt_goroutines_load(mt_goroutines **out, const char *path, const mt_read_opts *o,
	mt_error *err);

/*
 * A profile with one sample per bucket (value = count, type goroutine/count)
 * whose leaf frame is the state in brackets ("[chan receive]", lang
 * MT_LANG_STATE), with the bucket's labels; for flame/top/convert.
 */
int mt_goroutines_to_profile(mt_profile **out, const mt_goroutines *g, mt_error *err);

/* ---- analysis ---- */

/*
 * Leak roots: every bucket blocked on a channel, select, sync primitive,
 * IO or sleep becomes a "blocked-goroutines" finding ranked by count x wait
 * and how suspicious the state is. "root" is the innermost frame in the
 * program's own code (not runtime, net/http, internal/...).
 */
int mt_goroutine_leaks(mt_findings *out, const mt_goroutines *g, const char *source,
	mt_error *err);

/* "goroutine-growth" findings: buckets that grew from @base to @later ("delta"). */
int mt_goroutine_growth(mt_findings *out, const mt_goroutines *base, const mt_goroutines *later,
	const char *source, mt_error *err);

#ifdef __cplusplus
}
#endif
#endif
