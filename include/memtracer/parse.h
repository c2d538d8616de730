/*
 * memtracer/parse.h - format detection and the readers that build the IR.
 *
 * Detection looks at content only (never the file name). Each reader turns
 * bytes into an mt_profile in two phases: decode into raw tables, then
 * resolve and validate every index before anything becomes IR.
 */
#ifndef MEMTRACER_PARSE_H
#define MEMTRACER_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "profile.h"
#include "tree.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum mt_format {
	MT_FORMAT_UNKNOWN = 0,
	MT_FORMAT_PPROF,          /* profile.proto (gzip or plain) */
	MT_FORMAT_FOLDED,         /* "a;b;c 42" collapsed stacks */
	MT_FORMAT_LEGACY_PPROF,   /* pre-proto pprof: rejected with a message */
	MT_FORMAT_GOROUTINE_TEXT, /* Go goroutine dumps (debug=1/2, tracebacks) */
	MT_FORMAT_V8_HEAP,        /* .heapsnapshot */
	MT_FORMAT_V8_CPU,         /* .cpuprofile */
	MT_FORMAT_V8_HEAPPROF,    /* .heapprofile */
	MT_FORMAT_JFR,            /* Flight Recorder */
	MT_FORMAT__COUNT
} mt_format;

const char *mt_format_name(mt_format f);

/*
 * Guesses the format of @data (already gunzipped). @detail (may be NULL)
 * receives a static phrase naming a legacy or unsupported variant, e.g.
 * "legacy Go binary CPU profile (pre-2016)".
 */
mt_format mt_detect(const uint8_t *data, size_t len, const char **detail);

/* Called by readers for non-fatal findings ("Ignored 3 lines ..."). */
typedef void (*mt_warn_fn)(void *ctx, const char *path, const char *msg);

typedef struct mt_read_opts {
	unsigned version;
	mt_format format;        /* MT_FORMAT_UNKNOWN = detect */
	mt_warn_fn warn;         /* may be NULL */
	void *warn_ctx;
	int strict;              /* turn warnings into errors */
	unsigned heap_flags;     /* MT_READ_HEAP_*: what a heap snapshot reader may leave out */
} mt_read_opts;

/*
 * V8 "locations" (script positions of closures) are checked like every
 * other section but not kept: mt_heap.locations stays NULL and nlocations
 * 0 (MT_HEAP_HAS_LOCATIONS still tells they were there). No analysis uses
 * them yet; on a Chromium snapshot of 0.5 GB they are 36 MB.
 */
#define MT_READ_HEAP_NO_LOCATIONS 1u

#define MT_READ_OPTS_VERSION 1
#define MT_READ_OPTS_INIT { MT_READ_OPTS_VERSION, MT_FORMAT_UNKNOWN, NULL, NULL, 0, 0 }

/*
 * Reads a profile from @data/@len (gunzipped already). @path is used in
 * messages only. Returns 0 with *@out set, or an error with *@out NULL.
 */
int mt_read_profile(mt_profile **out, const char *path, const uint8_t *data,
	size_t len, const mt_read_opts *opts, mt_error *err);

/* The individual readers (same contract). */
int mt_read_pprof(mt_profile **out, const uint8_t *data, size_t len,
	const mt_read_opts *opts, mt_error *err);
int mt_read_folded(mt_profile **out, const uint8_t *data, size_t len,
	const mt_read_opts *opts, mt_error *err);

/*
 * Folded stacks straight to their call tree: the tree mt_tree_build() (with
 * default options) makes of what mt_read_folded() reads, with the same
 * warnings and errors, without the intermediate profile. Built while the
 * lines are read, reusing the frames a line shares with the previous one
 * (cheap on sorted stackcollapse output); unusual inputs (fractional
 * counts, errors) take the general path internally.
 */
int mt_read_folded_tree(mt_tree **out, const uint8_t *data, size_t len,
	const mt_read_opts *opts, mt_error *err);

/*
 * If @data is a legacy (pre-profile.proto) pprof format, returns a static
 * phrase naming it, else NULL.
 */
const char *mt_pprof_legacy_kind(const uint8_t *data, size_t len);

#ifdef __cplusplus
}
#endif
#endif
