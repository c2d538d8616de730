/*
 * memtracer/findings.h - what `memtracer leaks` reports, for every format.
 *
 * A detector (goroutine buckets, detached DOM, JFR old objects, ...) turns
 * its analysis into findings. Each finding carries a few common fields
 * used for ranking and for the text table, and its complete JSON object,
 * written by the detector (kind-specific fields included), so every kind
 * keeps its own documented shape inside the shared envelope
 * {"findings":[...]}.
 */
#ifndef MEMTRACER_FINDINGS_H
#define MEMTRACER_FINDINGS_H

#include <stdint.h>

#include "error.h"
#include "io.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mt_finding {
	const char *kind;    /* "blocked-goroutines", "goroutine-growth", "detached-dom", "old-object", ... */
	const char *root;    /* what keeps it: a function, listener, closure, class */
	int64_t count;       /* goroutines, nodes, objects... */
	int64_t bytes;       /* retained bytes, or -1 when not applicable */
	double score;        /* ranking: higher first */
	const char *source;  /* the input file it came from */
	const char *detail;  /* one human line for the table, e.g. "chan receive, up to 12 min" */
	const char *json;    /* the full JSON object "{...}" */
} mt_finding;

typedef struct mt_findings mt_findings;

int mt_findings_new(mt_findings **out);
void mt_findings_free(mt_findings *fs);

/* Appends a copy of @f (every string is copied). */
int mt_findings_add(mt_findings *fs, const mt_finding *f);

uint32_t mt_findings_count(const mt_findings *fs);
const mt_finding *mt_findings_get(const mt_findings *fs, uint32_t i);

/* Orders by score (desc), then kind, root, source (deterministic). */
void mt_findings_sort(mt_findings *fs);

/*
 * A member of the envelope beside "findings" (@key plain ASCII, @json
 * already JSON: the totals a detector saw, e.g. "growth"); set again, the
 * key's value is replaced. Members follow "findings" in the order first set.
 */
int mt_findings_set_summary(mt_findings *fs, const char *key, const char *json);

/* {"findings":[<json>,...]} (then the summary members) and a newline. */
int mt_render_findings_json(const mt_findings *fs, mt_sink *out, mt_error *err);

/* A readable table: rank, kind, count, bytes, root, detail, source. */
int mt_render_findings_text(const mt_findings *fs, mt_sink *out, mt_error *err);

#ifdef __cplusplus
}
#endif
#endif
