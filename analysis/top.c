/*
 * analysis/top.c - the flat/cum table of `go tool pprof -top`.
 *
 * Rows are keyed by display name (function granularity by default). For
 * each kept, non-zero sample: the leaf frame (innermost inlined line of the
 * first location) gets flat; every distinct row on the stack gets cum once
 * (a per-row "last sample seen" stamp removes recursion double counting).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memtracer/analysis.h"
#include "mt_internal.h"

const char *mt_frame_name(const mt_profile *p, uint32_t loc, uint32_t line, char *buf, size_t cap,
	size_t *len)
{
	const mt_location *l = &p->locations[loc];
	if (l->nlines && line && p->lines[line].func) {
		const mt_function *f = &p->functions[p->lines[line].func];
		if (f->name) {
			*len = mt_strtab_len(p->strings, f->name);
			return mt_profile_str(p, f->name);
		}
	}
	/* no symbol: pprof prints the object file as "[base]", else "<unknown>" */
	if (l->mapping && p->mappings[l->mapping].file) {
		const char *file = mt_profile_str(p, p->mappings[l->mapping].file);
		const char *base = strrchr(file, '/');
		base = base ? base + 1 : file;
		int n = snprintf(buf, cap, "[%s]", base);
		*len = n < 0 ? 0 : ((size_t)n < cap ? (size_t)n : cap - 1);
		return buf;
	}
	*len = 9;
	return "<unknown>";
}

typedef struct acc {
	int64_t flat, cum;
	uint32_t stamp; /* sample index + 1 that last added cum */
} acc;

static const mt_top *cmp_top;

static int cmp_rows(const void *a, const void *b)
{
	const mt_top_row *x = a, *y = b;
	if (x->flat != y->flat)
		return x->flat > y->flat ? -1 : 1;
	return strcmp(mt_strtab_get(cmp_top->strings, x->name), mt_strtab_get(cmp_top->strings, y->name));
}

int mt_top_build(mt_top **out, const mt_profile *p, const mt_top_opts *o, mt_error *err)
{
	mt_top_opts defaults = MT_TOP_OPTS_INIT;
	if (!o)
		o = &defaults;
	*out = NULL;
	if (o->col >= p->nvalue_types && p->nvalue_types)
		return mt_error_set(err, MT_EINVAL, MT_NO_OFFSET, "expected a sample column below %u, found %u",
			p->nvalue_types, o->col);
	mt_top *t = calloc(1, sizeof *t);
	mt_str_id *line_row = calloc(p->nlines ? p->nlines : 1, sizeof *line_row);
	mt_str_id *loc_row = calloc(p->nlocations ? p->nlocations : 1, sizeof *loc_row);
	acc *rows = NULL;
	size_t rows_cap = 0, rows_init = 0;
	int rc = 0;
	char nbuf[600];
	if (!t || !line_row || !loc_row || !(t->strings = mt_strtab_new())) {
		rc = MT_ENOMEM;
		goto out;
	}
	if (p->nvalue_types) {
		const mt_value_type *vt = &p->value_types[o->col];
		if ((rc = mt_strtab_intern_cstr(t->strings, mt_profile_str(p, vt->type), &t->type)) ||
		    (rc = mt_strtab_intern_cstr(t->strings, mt_profile_str(p, vt->unit), &t->unit)))
			goto out;
		t->decimals = vt->decimals;
	}
	const mt_filter *f = o->filter;
	/*
	 * The total is pprof's: taken before any filter (so --focus shows the
	 * share of the whole profile), of absolute values, and for a diff of
	 * the base half only (its percentages are of the base).
	 */
	int64_t base_total = 0;
	int has_base = 0;
	for (uint32_t s = 0; s < p->nsamples && p->nvalue_types; s++) {
		int64_t v = p->values[(size_t)s * p->nvalue_types + o->col];
		int64_t av = v < 0 ? (v == INT64_MIN ? INT64_MAX : -v) : v;
		t->total = mt_sat_add(t->total, av);
		if (v && mt_profile_is_diff_base(p, s)) {
			has_base = 1;
			base_total = mt_sat_add(base_total, av);
		}
	}
	for (uint32_t s = 0; s < p->nsamples && p->nvalue_types; s++) {
		int64_t v = p->values[(size_t)s * p->nvalue_types + o->col];
		if (v == 0 || !mt_filter_keep_sample(f, s))
			continue;
		int leaf_done = 0;
		for (uint32_t k = p->sample_loc_off[s]; k < p->sample_loc_off[s + 1]; k++) {
			uint32_t li = p->sample_locs[k];
			const mt_location *l = &p->locations[li];
			uint32_t n = l->nlines ? l->nlines : 1;
			for (uint32_t j = 0; j < n; j++) {
				uint32_t line = l->nlines ? l->first_line + j : 0;
				mt_str_id id;
				if (l->nlines) {
					if (f && mt_filter_line_hidden(f, line))
						continue;
					if (!line_row[line]) {
						size_t nl;
						const char *nm = mt_frame_name(p, li, line, nbuf, sizeof nbuf, &nl);
						const mt_line *ln = &p->lines[line];
						const mt_function *fn = &p->functions[ln->func];
						char gb[800];
						if (o->granularity == MT_GRAN_LINES) {
							int w = snprintf(gb, sizeof gb, "%.*s %s:%lld", (int)nl, nm,
								mt_profile_str(p, fn->filename), (long long)ln->line);
							nm = gb;
							nl = w < 0 ? 0 : ((size_t)w < sizeof gb ? (size_t)w : sizeof gb - 1);
						} else if (o->granularity == MT_GRAN_FILES && fn->filename) {
							nm = mt_profile_str(p, fn->filename);
							nl = mt_strtab_len(p->strings, fn->filename);
						}
						if ((rc = mt_strtab_intern(t->strings, nm, nl, &id)))
							goto out;
						line_row[line] = id + 1;
					}
					id = line_row[line] - 1;
				} else {
					if (f && mt_filter_loc_hidden(f, li))
						continue;
					if (!loc_row[li]) {
						size_t nl;
						const char *nm = mt_frame_name(p, li, 0, nbuf, sizeof nbuf, &nl);
						if ((rc = mt_strtab_intern(t->strings, nm, nl, &id)))
							goto out;
						loc_row[li] = id + 1;
					}
					id = loc_row[li] - 1;
				}
				if (mt_grow(&rows, &rows_cap, (size_t)id + 1, sizeof *rows)) {
					rc = MT_ENOMEM;
					goto out;
				}
				if (id >= rows_init) {
					memset(rows + rows_init, 0, ((size_t)id + 1 - rows_init) * sizeof *rows);
					rows_init = (size_t)id + 1;
				}
				acc *a = &rows[id];
				if (!leaf_done) {
					a->flat = mt_sat_add(a->flat, v);
					leaf_done = 1;
				}
				if (a->stamp != s + 1) {
					a->cum = mt_sat_add(a->cum, v);
					a->stamp = s + 1;
				}
			}
		}
		/* pprof's total (the denominator of every percentage) sums absolute
		 * values, so a diff profile's percentages stay meaningful */
	}
	if (has_base && base_total > 0)
		t->total = base_total;
	uint32_t nnames = mt_strtab_count(t->strings);
	t->rows = calloc(nnames ? nnames : 1, sizeof *t->rows);
	if (!t->rows) {
		rc = MT_ENOMEM;
		goto out;
	}
	for (uint32_t id = 0; id < nnames && id < rows_init; id++) {
		/* never seen, or (in a diff) cancelled out to nothing: pprof drops it */
		if (rows[id].stamp == 0 || (rows[id].flat == 0 && rows[id].cum == 0))
			continue;
		t->rows[t->nrows].name = id;
		t->rows[t->nrows].flat = rows[id].flat;
		t->rows[t->nrows].cum = rows[id].cum;
		t->nrows++;
	}
	cmp_top = t;
	qsort(t->rows, t->nrows, sizeof *t->rows, cmp_rows);
	cmp_top = NULL;
out:
	free(line_row);
	free(loc_row);
	free(rows);
	if (rc) {
		mt_top_free(t);
		return mt_error_set(err, rc, MT_NO_OFFSET, "building the top table failed: %s", mt_code_name(rc));
	}
	*out = t;
	return 0;
}

void mt_top_free(mt_top *t)
{
	if (!t)
		return;
	mt_strtab_free(t->strings);
	free(t->rows);
	free(t);
}
