/*
 * memtracer/profile.h - the sample-level IR every input format lands in.
 *
 * The model follows pprof's profile.proto: a string table, functions,
 * mappings, locations (an address with one or more source lines: several
 * lines when calls were inlined, innermost first), samples whose stacks are
 * leaf-first lists of locations, and one int64 value column per sample type.
 * Formats without addresses (folded stacks, goroutine text, JFR, V8) create
 * one location per frame through mt_profile_frame().
 *
 * All indices are dense and 1-based; 0 means "none". Table element 0 exists
 * and is zeroed, so `p->functions[0]` is a valid "no function" record.
 *
 * The struct is a read-only view for callers: build a profile only through
 * the mt_profile_add_* / mt_profile_frame functions below. One mt_profile
 * owns all of its memory; mt_profile_free() releases it.
 */
#ifndef MEMTRACER_PROFILE_H
#define MEMTRACER_PROFILE_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "strtab.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Where a frame's code comes from; drives the "by origin" palettes. */
typedef enum mt_lang {
	MT_LANG_UNKNOWN = 0,
	MT_LANG_GO,
	MT_LANG_JAVA,
	MT_LANG_JS,
	MT_LANG_NATIVE,   /* C, C++, Rust, libc... */
	MT_LANG_KERNEL,
	MT_LANG_PYTHON,
	MT_LANG_STATE,    /* synthetic frame: a goroutine state, a thread name */
	MT_LANG__COUNT
} mt_lang;

/* Static lower-case name: "unknown", "go", "java", "js", ... */
const char *mt_lang_name(mt_lang l);

/*
 * One value column. @decimals is a fixed-point scale: the stored integer
 * is the real value times 10^decimals (0 for every native profile; folded
 * stacks with fractional counts use it).
 */
typedef struct mt_value_type {
	mt_str_id type;     /* "cpu", "inuse_space", "samples", ... */
	mt_str_id unit;     /* "nanoseconds", "bytes", "count", ... */
	uint32_t decimals;
} mt_value_type;

typedef struct mt_function {
	mt_str_id name;         /* human-readable, e.g. "main.(*hub).wait" */
	mt_str_id system_name;  /* mangled/system name (may equal name) */
	mt_str_id filename;
	int64_t start_line;
	uint64_t orig_id;       /* id in the source format, 0 if none */
	uint8_t lang;           /* mt_lang */
} mt_function;

typedef struct mt_mapping {
	uint64_t start, limit, offset;
	mt_str_id file, build_id;
	uint64_t orig_id;
	uint8_t has_functions, has_filenames, has_line_numbers, has_inline_frames;
} mt_mapping;

/* One source line of a location: a frame. */
typedef struct mt_line {
	uint32_t func;     /* index into functions, 0 = unknown */
	int64_t line;
	int64_t column;
} mt_line;

typedef struct mt_location {
	uint64_t orig_id;
	uint64_t address;
	uint32_t mapping;     /* index into mappings, 0 = none */
	uint32_t first_line;  /* index into lines */
	uint32_t nlines;      /* 0 for an address-only location */
	uint8_t is_folded;
} mt_location;

/* A sample label: string (str != 0) or numeric (num, num_unit). */
typedef struct mt_label {
	mt_str_id key;
	mt_str_id str;
	int64_t num;
	mt_str_id num_unit;
} mt_label;

typedef struct mt_profile {
	mt_strtab *strings;

	mt_value_type *value_types;
	uint32_t nvalue_types;

	mt_function *functions;   /* [0] unused */
	uint32_t nfunctions;      /* count including [0] */
	mt_mapping *mappings;     /* [0] unused */
	uint32_t nmappings;
	mt_location *locations;   /* [0] unused */
	uint32_t nlocations;
	mt_line *lines;           /* [0] unused */
	uint32_t nlines;

	/* samples, structure-of-arrays */
	uint32_t nsamples;
	uint32_t *sample_loc_off;    /* nsamples + 1 offsets into sample_locs */
	uint32_t *sample_locs;       /* location indices, leaf first */
	int64_t *values;             /* nsamples * nvalue_types */
	uint32_t *sample_label_off;  /* nsamples + 1 offsets into labels */
	mt_label *labels;

	/* metadata */
	mt_value_type period_type;
	int64_t period;
	int64_t time_nanos;
	int64_t duration_nanos;
	mt_str_id *comments;
	uint32_t ncomments;
	mt_str_id default_sample_type;
	mt_str_id drop_frames;
	mt_str_id keep_frames;
	mt_str_id format;            /* "pprof", "folded", ... (set by readers) */

	struct mt_profile_priv *priv; /* builder state; not for callers */
} mt_profile;

/* A new empty profile. Returns 0 or MT_ENOMEM. */
int mt_profile_new(mt_profile **out);

/* Frees @p and everything it owns. NULL is allowed. */
void mt_profile_free(mt_profile *p);

/* Interns a string into the profile's table. */
int mt_profile_intern(mt_profile *p, const char *s, size_t len, mt_str_id *out);

/* The string with id @id ("" when out of range). */
const char *mt_profile_str(const mt_profile *p, mt_str_id id);

/* Appends a value column; @out (may be NULL) gets its index (0-based). */
int mt_profile_add_value_type(mt_profile *p, const char *type, const char *unit,
	uint32_t decimals, uint32_t *out);

int mt_profile_add_function(mt_profile *p, const mt_function *f, uint32_t *out);
int mt_profile_add_mapping(mt_profile *p, const mt_mapping *m, uint32_t *out);

/*
 * Appends a location with @nlines lines (copied; innermost first).
 * @loc->first_line and @loc->nlines are ignored and set by the call.
 */
int mt_profile_add_location(mt_profile *p, const mt_location *loc,
	const mt_line *lines, uint32_t nlines, uint32_t *out);

/*
 * The location of a frame that has only a name (and optionally file/line),
 * creating the function and location the first time a given
 * (name, file, line, lang) is seen and reusing them afterwards.
 */
int mt_profile_frame(mt_profile *p, const char *name, size_t name_len,
	const char *file, size_t file_len, int64_t line, mt_lang lang, uint32_t *out);

/*
 * Appends a sample: @nlocs location indices leaf first, exactly
 * nvalue_types values, @nlabels labels (all copied). Indices are not
 * checked here; mt_profile_validate() does that.
 */
int mt_profile_add_sample(mt_profile *p, const uint32_t *locs, uint32_t nlocs,
	const int64_t *values, const mt_label *labels, uint32_t nlabels);

/*
 * Adds label @lab to samples [@from, @to) (after the existing ones), e.g.
 * pprof's "pprof::base"="true" mark on the base half of a diff.
 */
int mt_profile_label_samples(mt_profile *p, uint32_t from, uint32_t to, const mt_label *lab);

/*
 * 1 when sample @s carries pprof's diff-base mark ("pprof::base"="true"):
 * such samples come from the BASE of a diff and their values are negated.
 */
int mt_profile_is_diff_base(const mt_profile *p, uint32_t s);

/* Adds a comment line. */
int mt_profile_add_comment(mt_profile *p, const char *s, size_t len);

/*
 * Checks every index (functions, mappings, locations, lines, strings) and
 * the table sizes. Returns 0 or MT_EFORMAT with a message in @err.
 */
int mt_profile_validate(const mt_profile *p, mt_error *err);

/*
 * The column used when the user names none: the column whose type equals
 * default_sample_type when set, else the last column (pprof's rule).
 * Returns 0 when the profile has no columns.
 */
uint32_t mt_profile_default_column(const mt_profile *p);

/*
 * Resolves a user's --sample-index: a column type name ("inuse_space"),
 * or a 0-based number. NULL or "" selects the default. Returns 0 and sets
 * @out, or MT_EINVAL with the list of available names in @err.
 */
int mt_profile_find_column(const mt_profile *p, const char *name, uint32_t *out,
	mt_error *err);

/* Sum of column @col over all samples (saturating on overflow). */
int64_t mt_profile_total(const mt_profile *p, uint32_t col);

/*
 * Merges @n profiles whose value types are the same (type and unit, in the
 * same order) into a new profile: samples concatenated, strings, functions,
 * mappings and locations re-interned. Metadata comes from the first;
 * durations add up. MT_EINVAL when the columns differ.
 */
int mt_profile_merge(mt_profile **out, const mt_profile *const *in, size_t n,
	mt_error *err);

#ifdef __cplusplus
}
#endif
#endif
