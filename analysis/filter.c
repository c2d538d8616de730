/*
 * analysis/filter.c - pprof's focus/ignore/hide/show and tag filters.
 *
 * Semantics follow pprof's Profile.FilterSamplesByName: a location
 * "matches" when any of its lines' function name or file name, or its
 * mapping's file, matches. ignore wins over focus; hide removes the
 * matching lines of a location, show keeps only the matching ones; a
 * location left with no line is removed from stacks. Every location is
 * evaluated once here, so per-sample checks are table lookups.
 * Regexes are POSIX extended; a leading "(?i)" makes one case-insensitive.
 */
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "memtracer/analysis.h"
#include "mt_internal.h"

enum { LOC_FOCUS = 1, LOC_IGNORE = 2, LOC_HIDDEN = 4 };

struct mt_filter {
	const mt_profile *p;
	uint8_t *loc_flags;     /* per location */
	uint8_t *line_hidden;   /* per line */
	uint8_t *keep;          /* per sample, after focus/ignore/tags */
};

typedef struct rx {
	regex_t re;
	int set;
} rx;

static int compile(rx *r, const char *pat, const char *what, mt_error *err)
{
	r->set = 0;
	if (!pat || !*pat)
		return 0;
	int flags = REG_EXTENDED | REG_NOSUB;
	if (strncmp(pat, "(?i)", 4) == 0) {
		flags |= REG_ICASE;
		pat += 4;
	}
	int rc = regcomp(&r->re, pat, flags);
	if (rc) {
		char msg[128];
		regerror(rc, &r->re, msg, sizeof msg);
		return mt_error_set(err, MT_EINVAL, MT_NO_OFFSET,
			"expected a regular expression for %s, found \"%s\": %s", what, pat, msg);
	}
	r->set = 1;
	return 0;
}

static int rx_match(const rx *r, const char *s)
{
	return r->set && s && regexec(&r->re, s, 0, NULL, 0) == 0;
}

/* function matches: name or file name */
static int fn_match(const mt_profile *p, uint32_t fi, const rx *r)
{
	if (!fi || !r->set)
		return 0;
	const mt_function *f = &p->functions[fi];
	return rx_match(r, mt_profile_str(p, f->name)) ||
		(f->filename && rx_match(r, mt_profile_str(p, f->filename)));
}

static int loc_match(const mt_profile *p, uint32_t li, const rx *r)
{
	const mt_location *l = &p->locations[li];
	for (uint32_t k = 0; k < l->nlines; k++)
		if (fn_match(p, p->lines[l->first_line + k].func, r))
			return 1;
	if (l->mapping && p->mappings[l->mapping].file &&
	    rx_match(r, mt_profile_str(p, p->mappings[l->mapping].file)))
		return 1;
	return 0;
}

/* "key=regex" or "regex": matches a sample with such a string label */
static int compile_tag(rx *r, const char *spec, mt_str_id *key, const mt_profile *p, int *key_missing,
	const char *what, mt_error *err)
{
	*key = 0;
	*key_missing = 0;
	if (!spec || !*spec) {
		r->set = 0;
		return 0;
	}
	const char *eq = strchr(spec, '=');
	if (eq) {
		if (!mt_strtab_find(p->strings, spec, (size_t)(eq - spec), key))
			*key_missing = 1;
		spec = eq + 1;
	}
	return compile(r, spec, what, err);
}

static int tag_match(const mt_profile *p, uint32_t s, const rx *r, mt_str_id key, int key_missing)
{
	if (key_missing)
		return 0;
	for (uint32_t k = p->sample_label_off[s]; k < p->sample_label_off[s + 1]; k++) {
		const mt_label *lb = &p->labels[k];
		if (!lb->str || (key && lb->key != key))
			continue;
		if (rx_match(r, mt_profile_str(p, lb->str)))
			return 1;
	}
	return 0;
}

int mt_filter_new(mt_filter **out, const mt_profile *p, const mt_filter_opts *o, mt_error *err)
{
	*out = NULL;
	if (!o || (!(o->focus && *o->focus) && !(o->ignore && *o->ignore) && !(o->hide && *o->hide) &&
		   !(o->show && *o->show) && !(o->tag_focus && *o->tag_focus) &&
		   !(o->tag_ignore && *o->tag_ignore)))
		return 0;
	rx focus = { 0 }, ignore = { 0 }, hide = { 0 }, show = { 0 }, tfocus = { 0 }, tignore = { 0 };
	mt_str_id tf_key = 0, ti_key = 0;
	int tf_missing = 0, ti_missing = 0;
	int rc;
	mt_filter *f = NULL;
	if ((rc = compile(&focus, o->focus, "--focus", err)) ||
	    (rc = compile(&ignore, o->ignore, "--ignore", err)) ||
	    (rc = compile(&hide, o->hide, "--hide", err)) ||
	    (rc = compile(&show, o->show, "--show", err)) ||
	    (rc = compile_tag(&tfocus, o->tag_focus, &tf_key, p, &tf_missing, "--tag-focus", err)) ||
	    (rc = compile_tag(&tignore, o->tag_ignore, &ti_key, p, &ti_missing, "--tag-ignore", err)))
		goto out;
	f = calloc(1, sizeof *f);
	if (!f) {
		rc = MT_ENOMEM;
		goto out;
	}
	f->p = p;
	f->loc_flags = calloc(p->nlocations ? p->nlocations : 1, 1);
	f->line_hidden = calloc(p->nlines ? p->nlines : 1, 1);
	f->keep = calloc(p->nsamples ? p->nsamples : 1, 1);
	if (!f->loc_flags || !f->line_hidden || !f->keep) {
		rc = MT_ENOMEM;
		goto out;
	}
	for (uint32_t li = 1; li < p->nlocations; li++) {
		const mt_location *l = &p->locations[li];
		uint8_t fl = 0;
		if (ignore.set && loc_match(p, li, &ignore))
			fl |= LOC_IGNORE;
		else if (!focus.set || loc_match(p, li, &focus))
			fl |= LOC_FOCUS;
		uint32_t visible = l->nlines;
		if (hide.set && loc_match(p, li, &hide)) {
			for (uint32_t k = 0; k < l->nlines; k++)
				if (fn_match(p, p->lines[l->first_line + k].func, &hide)) {
					f->line_hidden[l->first_line + k] = 1;
					visible--;
				}
			if (visible == 0)
				fl |= LOC_HIDDEN;
		}
		if (show.set) {
			for (uint32_t k = 0; k < l->nlines; k++)
				if (!f->line_hidden[l->first_line + k] &&
				    !fn_match(p, p->lines[l->first_line + k].func, &show)) {
					f->line_hidden[l->first_line + k] = 1;
					visible--;
				}
			if (visible == 0)
				fl |= LOC_HIDDEN;
		}
		f->loc_flags[li] = fl;
	}
	for (uint32_t s = 0; s < p->nsamples; s++) {
		int focused = 0, ignored = 0;
		for (uint32_t k = p->sample_loc_off[s]; k < p->sample_loc_off[s + 1]; k++) {
			uint32_t li = p->sample_locs[k];
			if (li >= p->nlocations)
				continue;
			if (f->loc_flags[li] & LOC_IGNORE)
				ignored = 1;
			if (f->loc_flags[li] & LOC_FOCUS)
				focused = 1;
		}
		int keep = focused && !ignored;
		if (keep && tfocus.set)
			keep = tag_match(p, s, &tfocus, tf_key, tf_missing);
		if (keep && tignore.set)
			keep = !tag_match(p, s, &tignore, ti_key, ti_missing);
		f->keep[s] = (uint8_t)keep;
	}
	*out = f;
	f = NULL;
out:
	if (focus.set) regfree(&focus.re);
	if (ignore.set) regfree(&ignore.re);
	if (hide.set) regfree(&hide.re);
	if (show.set) regfree(&show.re);
	if (tfocus.set) regfree(&tfocus.re);
	if (tignore.set) regfree(&tignore.re);
	mt_filter_free(f);
	if (rc == MT_ENOMEM)
		mt_error_set(err, rc, MT_NO_OFFSET, "out of memory compiling filters");
	return rc;
}

void mt_filter_free(mt_filter *f)
{
	if (!f)
		return;
	free(f->loc_flags);
	free(f->line_hidden);
	free(f->keep);
	free(f);
}

int mt_filter_keep_sample(const mt_filter *f, uint32_t s)
{
	return !f || f->keep[s];
}

int mt_filter_line_hidden(const mt_filter *f, uint32_t line)
{
	return f && f->line_hidden[line];
}

int mt_filter_loc_hidden(const mt_filter *f, uint32_t loc)
{
	return f && (f->loc_flags[loc] & LOC_HIDDEN);
}
