/*
 * memtracer/analysis.h - pure passes over the IR: filters and the top table.
 */
#ifndef MEMTRACER_ANALYSIS_H
#define MEMTRACER_ANALYSIS_H

#include <stdint.h>

#include "error.h"
#include "profile.h"
#include "strtab.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * pprof's sample filters (regexes are POSIX extended, which covers the
 * escapes pprof users write, such as `main\.\(\*hub\)`):
 *  focus  keep samples with at least one location matching;
 *  ignore drop samples with any location matching (wins over focus);
 *  hide   remove matching frames from stacks;
 *  show   keep only matching frames in stacks.
 * A location matches when one of its functions' name or file name, or its
 * mapping's file, matches. Samples left with no frame are dropped.
 */
typedef struct mt_filter_opts {
	unsigned version;
	const char *focus, *ignore, *hide, *show;
	const char *tag_focus, *tag_ignore;   /* "key=regex" or "regex" on label values */
} mt_filter_opts;

#define MT_FILTER_OPTS_VERSION 1
#define MT_FILTER_OPTS_INIT { MT_FILTER_OPTS_VERSION, NULL, NULL, NULL, NULL, NULL, NULL }

typedef struct mt_filter mt_filter;

/*
 * Compiles @o against @p (evaluating every location once). The filter
 * borrows @p, which must outlive it. A bad regex is MT_EINVAL.
 * *@out is NULL (no filtering at all) when every option is unset.
 */
int mt_filter_new(mt_filter **out, const mt_profile *p, const mt_filter_opts *o,
	mt_error *err);
void mt_filter_free(mt_filter *f);

/* 1 when sample @s survives focus/ignore/tag filters. NULL filter: 1. */
int mt_filter_keep_sample(const mt_filter *f, uint32_t s);

/* 1 when line @line (index into p->lines) is removed by hide/show. */
int mt_filter_line_hidden(const mt_filter *f, uint32_t line);

/* 1 when location @loc has no visible frame left (address-only locations count as one frame). */
int mt_filter_loc_hidden(const mt_filter *f, uint32_t loc);

/*
 * Applies the profile's own drop_frames/keep_frames (pprof's Prune, which
 * `go tool pprof` runs on every profile it loads): matching frames and
 * everything called from them are cut from the stacks. Modifies @p in
 * place; a profile without drop_frames is left as it is.
 */
int mt_profile_prune(mt_profile *p, mt_error *err);

/* The top table ("go tool pprof -top"). */
typedef enum mt_granularity {
	MT_GRAN_FUNCTIONS = 0,
	MT_GRAN_FILES,
	MT_GRAN_LINES
} mt_granularity;

typedef struct mt_top_row {
	mt_str_id name;   /* in top->strings */
	int64_t flat;
	int64_t cum;
} mt_top_row;

typedef struct mt_top {
	mt_strtab *strings;   /* owned */
	mt_top_row *rows;     /* flat descending, then name ascending */
	uint32_t nrows;
	int64_t total;        /* pprof's: sum of |values| over all samples, before filters (diff: of the base) */
	mt_str_id type, unit; /* the column, in top->strings */
	uint32_t decimals;
} mt_top;

typedef struct mt_top_opts {
	unsigned version;
	uint32_t col;              /* value column */
	const mt_filter *filter;   /* may be NULL */
	mt_granularity granularity;
} mt_top_opts;

#define MT_TOP_OPTS_VERSION 1
#define MT_TOP_OPTS_INIT { MT_TOP_OPTS_VERSION, 0, NULL, MT_GRAN_FUNCTIONS }

/*
 * flat: the value of samples whose leaf frame (innermost inlined line of
 * the first location) is the row; cum: of samples with the row anywhere
 * in the stack, counted once per sample. Zero-valued samples are skipped
 * (as pprof does). Every row is kept (no node count limit).
 */
int mt_top_build(mt_top **out, const mt_profile *p, const mt_top_opts *o,
	mt_error *err);
void mt_top_free(mt_top *t);

/*
 * The display name of a frame: the function name, or for an address-only
 * location its object file as "[name]" or "<unknown>", as pprof prints them.
 * May write into @buf; *@len gets the length (names may hold NUL bytes).
 */
const char *mt_frame_name(const mt_profile *p, uint32_t loc, uint32_t line,
	char *buf, size_t cap, size_t *len);

#ifdef __cplusplus
}
#endif
#endif
