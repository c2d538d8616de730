/*
 * analysis/profile.c - building, validating and querying an mt_profile.
 *
 * Tables are flat arrays grown by doubling; element 0 of the function,
 * mapping, location and line tables is a zeroed "none" record so that
 * index 0 can mean "absent" everywhere. mt_profile_frame() deduplicates
 * name-only frames with a JudyHS index keyed by (lang, line, name, file).
 */
#include <Judy.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memtracer/profile.h"
#include "mt_internal.h"

struct mt_profile_priv {
	uint32_t cap_vt, cap_fn, cap_map, cap_loc, cap_line;
	size_t cap_samples, cap_slocs, cap_values, cap_labels, cap_comments;
	Pvoid_t frame_index;   /* JudyHS: frame key -> location index */
	char *key;             /* scratch for frame keys */
	size_t key_cap;
};

static const char *const lang_names[MT_LANG__COUNT] = {
	"unknown", "go", "java", "js", "native", "kernel", "python", "state",
};

const char *mt_lang_name(mt_lang l)
{
	return (unsigned)l < MT_LANG__COUNT ? lang_names[l] : "unknown";
}

int mt_profile_new(mt_profile **out)
{
	*out = NULL;
	mt_profile *p = calloc(1, sizeof *p);
	if (!p)
		return MT_ENOMEM;
	p->priv = calloc(1, sizeof *p->priv);
	p->strings = mt_strtab_new();
	p->sample_loc_off = malloc(sizeof *p->sample_loc_off);
	p->sample_label_off = malloc(sizeof *p->sample_label_off);
	p->functions = calloc(1, sizeof *p->functions);
	p->mappings = calloc(1, sizeof *p->mappings);
	p->locations = calloc(1, sizeof *p->locations);
	p->lines = calloc(1, sizeof *p->lines);
	if (!p->priv || !p->strings || !p->sample_loc_off || !p->sample_label_off || !p->functions ||
	    !p->mappings || !p->locations || !p->lines) {
		mt_profile_free(p);
		return MT_ENOMEM;
	}
	p->priv->cap_samples = 1;
	p->sample_loc_off[0] = 0;
	p->sample_label_off[0] = 0;
	p->nfunctions = p->nmappings = p->nlocations = p->nlines = 1;
	p->priv->cap_fn = p->priv->cap_map = p->priv->cap_loc = p->priv->cap_line = 1;
	*out = p;
	return 0;
}

void mt_profile_free(mt_profile *p)
{
	if (!p)
		return;
	if (p->priv) {
		Word_t bytes;
		JHSFA(bytes, p->priv->frame_index);
		(void)bytes;
		free(p->priv->key);
		free(p->priv);
	}
	mt_strtab_free(p->strings);
	free(p->value_types);
	free(p->functions);
	free(p->mappings);
	free(p->locations);
	free(p->lines);
	free(p->sample_loc_off);
	free(p->sample_locs);
	free(p->values);
	free(p->sample_label_off);
	free(p->labels);
	free(p->comments);
	free(p);
}

int mt_profile_intern(mt_profile *p, const char *s, size_t len, mt_str_id *out)
{
	return mt_strtab_intern(p->strings, s, len, out);
}

const char *mt_profile_str(const mt_profile *p, mt_str_id id)
{
	return mt_strtab_get(p->strings, id);
}

int mt_profile_add_value_type(mt_profile *p, const char *type, const char *unit, uint32_t decimals,
	uint32_t *out)
{
	if (p->nsamples)
		return MT_EINVAL; /* columns are fixed once samples exist */
	mt_value_type vt = { 0, 0, decimals };
	int rc;
	if ((rc = mt_strtab_intern_cstr(p->strings, type, &vt.type)) ||
	    (rc = mt_strtab_intern_cstr(p->strings, unit, &vt.unit)))
		return rc;
	if ((rc = mt_grow32(&p->value_types, &p->priv->cap_vt, (uint64_t)p->nvalue_types + 1,
		     sizeof vt)))
		return rc;
	if (out)
		*out = p->nvalue_types;
	p->value_types[p->nvalue_types++] = vt;
	return 0;
}

int mt_profile_add_function(mt_profile *p, const mt_function *f, uint32_t *out)
{
	int rc = mt_grow32(&p->functions, &p->priv->cap_fn, (uint64_t)p->nfunctions + 1, sizeof *f);
	if (rc)
		return rc;
	p->functions[p->nfunctions] = *f;
	if (out)
		*out = p->nfunctions;
	p->nfunctions++;
	return 0;
}

int mt_profile_add_mapping(mt_profile *p, const mt_mapping *m, uint32_t *out)
{
	int rc = mt_grow32(&p->mappings, &p->priv->cap_map, (uint64_t)p->nmappings + 1, sizeof *m);
	if (rc)
		return rc;
	p->mappings[p->nmappings] = *m;
	if (out)
		*out = p->nmappings;
	p->nmappings++;
	return 0;
}

int mt_profile_add_location(mt_profile *p, const mt_location *loc, const mt_line *lines,
	uint32_t nlines, uint32_t *out)
{
	int rc;
	if ((rc = mt_grow32(&p->locations, &p->priv->cap_loc, (uint64_t)p->nlocations + 1,
		     sizeof *loc)) ||
	    (rc = mt_grow32(&p->lines, &p->priv->cap_line, (uint64_t)p->nlines + nlines,
		     sizeof *lines)))
		return rc;
	mt_location *l = &p->locations[p->nlocations];
	*l = *loc;
	l->first_line = p->nlines;
	l->nlines = nlines;
	if (nlines)
		memcpy(&p->lines[p->nlines], lines, nlines * sizeof *lines);
	p->nlines += nlines;
	if (out)
		*out = p->nlocations;
	p->nlocations++;
	return 0;
}

int mt_profile_frame(mt_profile *p, const char *name, size_t name_len, const char *file,
	size_t file_len, int64_t line, mt_lang lang, uint32_t *out)
{
	struct mt_profile_priv *pv = p->priv;
	if (name_len > UINT32_MAX || file_len > UINT32_MAX)
		return MT_ELIMIT;
	size_t klen = 1 + 8 + 4 + name_len + file_len;
	if (mt_grow(&pv->key, &pv->key_cap, klen, 1))
		return MT_ENOMEM;
	char *k = pv->key;
	k[0] = (char)lang;
	memcpy(k + 1, &line, 8);
	uint32_t nl = (uint32_t)name_len;
	memcpy(k + 9, &nl, 4);
	if (name_len)
		memcpy(k + 13, name, name_len);
	if (file_len)
		memcpy(k + 13 + name_len, file, file_len);
	PWord_t slot;
	JHSI(slot, pv->frame_index, k, klen);
	if (slot == PJERR)
		return MT_ENOMEM;
	if (*slot) {
		*out = (uint32_t)*slot;
		return 0;
	}
	mt_function f = { 0 };
	int rc;
	if ((rc = mt_strtab_intern(p->strings, name, name_len, &f.name)))
		goto fail;
	f.system_name = f.name;
	if ((rc = mt_strtab_intern(p->strings, file, file_len, &f.filename)))
		goto fail;
	f.lang = (uint8_t)lang;
	uint32_t fi;
	if ((rc = mt_profile_add_function(p, &f, &fi)))
		goto fail;
	mt_line ln = { fi, line, 0 };
	mt_location loc = { 0 };
	uint32_t li;
	if ((rc = mt_profile_add_location(p, &loc, &ln, 1, &li)))
		goto fail;
	*slot = li;
	*out = li;
	return 0;
fail:;
	int drc;
	JHSD(drc, pv->frame_index, k, klen);
	return rc;
}

int mt_profile_add_sample(mt_profile *p, const uint32_t *locs, uint32_t nlocs, const int64_t *values,
	const mt_label *labels, uint32_t nlabels)
{
	struct mt_profile_priv *pv = p->priv;
	uint64_t nloc_total = (uint64_t)p->sample_loc_off[p->nsamples] + nlocs;
	uint64_t nlab_total = (uint64_t)p->sample_label_off[p->nsamples] + nlabels;
	if (p->nsamples == UINT32_MAX - 1 || nloc_total > UINT32_MAX || nlab_total > UINT32_MAX)
		return MT_ELIMIT;
	size_t nv = (size_t)(p->nsamples + 1) * p->nvalue_types;
	size_t old_cap = pv->cap_samples;
	if (mt_grow(&p->sample_loc_off, &pv->cap_samples, (size_t)p->nsamples + 2, sizeof(uint32_t)))
		return MT_ENOMEM;
	if (pv->cap_samples != old_cap) {
		/* label offsets share the sample capacity */
		uint32_t *nl = realloc(p->sample_label_off, pv->cap_samples * sizeof(uint32_t));
		if (!nl) {
			pv->cap_samples = old_cap;
			return MT_ENOMEM;
		}
		p->sample_label_off = nl;
	}
	if (mt_grow(&p->sample_locs, &pv->cap_slocs, (size_t)nloc_total, sizeof(uint32_t)) ||
	    mt_grow(&p->values, &pv->cap_values, nv ? nv : 1, sizeof(int64_t)) ||
	    mt_grow(&p->labels, &pv->cap_labels, nlab_total ? (size_t)nlab_total : 1, sizeof(mt_label)))
		return MT_ENOMEM;
	uint32_t lo = p->sample_loc_off[p->nsamples];
	if (nlocs)
		memcpy(p->sample_locs + lo, locs, nlocs * sizeof *locs);
	if (p->nvalue_types)
		memcpy(p->values + (size_t)p->nsamples * p->nvalue_types, values,
			p->nvalue_types * sizeof *values);
	uint32_t bo = p->sample_label_off[p->nsamples];
	if (nlabels)
		memcpy(p->labels + bo, labels, nlabels * sizeof *labels);
	p->nsamples++;
	p->sample_loc_off[p->nsamples] = (uint32_t)nloc_total;
	p->sample_label_off[p->nsamples] = (uint32_t)nlab_total;
	return 0;
}

int mt_profile_add_comment(mt_profile *p, const char *s, size_t len)
{
	mt_str_id id;
	int rc = mt_strtab_intern(p->strings, s, len, &id);
	if (rc)
		return rc;
	if (mt_grow(&p->comments, &p->priv->cap_comments, (size_t)p->ncomments + 1, sizeof id))
		return MT_ENOMEM;
	p->comments[p->ncomments++] = id;
	return 0;
}

int mt_profile_validate(const mt_profile *p, mt_error *err)
{
	uint32_t ns = mt_strtab_count(p->strings);
#define STR_OK(id) ((id) < ns)
	for (uint32_t i = 0; i < p->nvalue_types; i++)
		MT_FAIL_IF(err, !STR_OK(p->value_types[i].type) || !STR_OK(p->value_types[i].unit),
			MT_EFORMAT, MT_NO_OFFSET, "value type %u names a string out of range", i);
	for (uint32_t i = 1; i < p->nfunctions; i++) {
		const mt_function *f = &p->functions[i];
		MT_FAIL_IF(err, !STR_OK(f->name) || !STR_OK(f->system_name) || !STR_OK(f->filename),
			MT_EFORMAT, MT_NO_OFFSET, "function %u names a string out of range", i);
	}
	for (uint32_t i = 1; i < p->nmappings; i++)
		MT_FAIL_IF(err, !STR_OK(p->mappings[i].file) || !STR_OK(p->mappings[i].build_id),
			MT_EFORMAT, MT_NO_OFFSET, "mapping %u names a string out of range", i);
	for (uint32_t i = 1; i < p->nlocations; i++) {
		const mt_location *l = &p->locations[i];
		MT_FAIL_IF(err, l->mapping >= p->nmappings, MT_EFORMAT, MT_NO_OFFSET,
			"location %u refers to mapping %u of %u", i, l->mapping, p->nmappings - 1);
		MT_FAIL_IF(err, (uint64_t)l->first_line + l->nlines > p->nlines ||
			(l->nlines && l->first_line == 0), MT_EFORMAT, MT_NO_OFFSET,
			"location %u has lines out of range", i);
		for (uint32_t k = 0; k < l->nlines; k++)
			MT_FAIL_IF(err, p->lines[l->first_line + k].func >= p->nfunctions, MT_EFORMAT,
				MT_NO_OFFSET, "location %u refers to function %u of %u", i,
				p->lines[l->first_line + k].func, p->nfunctions - 1);
	}
	for (uint32_t s = 0; s < p->nsamples; s++) {
		MT_FAIL_IF(err, p->sample_loc_off[s] > p->sample_loc_off[s + 1] ||
			p->sample_label_off[s] > p->sample_label_off[s + 1], MT_EFORMAT, MT_NO_OFFSET,
			"sample %u has a broken offset table", s);
		for (uint32_t k = p->sample_loc_off[s]; k < p->sample_loc_off[s + 1]; k++)
			MT_FAIL_IF(err, p->sample_locs[k] == 0 || p->sample_locs[k] >= p->nlocations,
				MT_EFORMAT, MT_NO_OFFSET, "sample %u refers to location %u of %u", s,
				p->sample_locs[k], p->nlocations - 1);
		for (uint32_t k = p->sample_label_off[s]; k < p->sample_label_off[s + 1]; k++) {
			const mt_label *lb = &p->labels[k];
			MT_FAIL_IF(err, !STR_OK(lb->key) || !STR_OK(lb->str) || !STR_OK(lb->num_unit),
				MT_EFORMAT, MT_NO_OFFSET, "sample %u has a label string out of range", s);
		}
	}
	for (uint32_t i = 0; i < p->ncomments; i++)
		MT_FAIL_IF(err, !STR_OK(p->comments[i]), MT_EFORMAT, MT_NO_OFFSET,
			"comment %u out of range", i);
	MT_FAIL_IF(err, !STR_OK(p->default_sample_type) || !STR_OK(p->drop_frames) ||
		!STR_OK(p->keep_frames) || !STR_OK(p->period_type.type) || !STR_OK(p->period_type.unit),
		MT_EFORMAT, MT_NO_OFFSET, "profile metadata names a string out of range");
#undef STR_OK
	return 0;
}

uint32_t mt_profile_default_column(const mt_profile *p)
{
	if (p->nvalue_types == 0)
		return 0;
	if (p->default_sample_type) {
		for (uint32_t i = 0; i < p->nvalue_types; i++)
			if (p->value_types[i].type == p->default_sample_type)
				return i;
	}
	return p->nvalue_types - 1;
}

int mt_profile_find_column(const mt_profile *p, const char *name, uint32_t *out, mt_error *err)
{
	if (p->nvalue_types == 0)
		return mt_error_set(err, MT_EINVAL, MT_NO_OFFSET, "the profile has no sample types");
	if (!name || !*name) {
		*out = mt_profile_default_column(p);
		return 0;
	}
	for (uint32_t i = 0; i < p->nvalue_types; i++) {
		if (strcmp(mt_profile_str(p, p->value_types[i].type), name) == 0) {
			*out = i;
			return 0;
		}
	}
	char *end;
	unsigned long n = strtoul(name, &end, 10);
	if (*end == 0 && end != name && n < p->nvalue_types) {
		*out = (uint32_t)n;
		return 0;
	}
	char list[200] = "";
	size_t used = 0;
	for (uint32_t i = 0; i < p->nvalue_types && used < sizeof list - 1; i++)
		used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "",
			mt_profile_str(p, p->value_types[i].type));
	return mt_error_set(err, MT_EINVAL, MT_NO_OFFSET,
		"expected a sample type among [%s], found \"%s\"", list, name);
}

int64_t mt_profile_total(const mt_profile *p, uint32_t col)
{
	int64_t t = 0;
	if (col >= p->nvalue_types)
		return 0;
	for (uint32_t s = 0; s < p->nsamples; s++)
		t = mt_sat_add(t, p->values[(size_t)s * p->nvalue_types + col]);
	return t;
}

int mt_profile_label_samples(mt_profile *p, uint32_t from, uint32_t to, const mt_label *lab)
{
	if (to > p->nsamples)
		to = p->nsamples;
	if (from >= to)
		return 0;
	uint64_t total = (uint64_t)p->sample_label_off[p->nsamples] + (to - from);
	if (total > UINT32_MAX)
		return MT_ELIMIT;
	mt_label *nl = malloc((size_t)(total ? total : 1) * sizeof *nl);
	if (!nl)
		return MT_ENOMEM;
	uint32_t k = 0;
	for (uint32_t s = 0; s < p->nsamples; s++) {
		uint32_t a = p->sample_label_off[s], b = p->sample_label_off[s + 1];
		if (b > a)
			memcpy(nl + k, p->labels + a, (b - a) * sizeof *nl);
		p->sample_label_off[s] = k;
		k += b - a;
		if (s >= from && s < to)
			nl[k++] = *lab;
	}
	p->sample_label_off[p->nsamples] = k;
	free(p->labels);
	p->labels = nl;
	p->priv->cap_labels = (size_t)(total ? total : 1);
	return 0;
}

int mt_profile_is_diff_base(const mt_profile *p, uint32_t s)
{
	for (uint32_t k = p->sample_label_off[s]; k < p->sample_label_off[s + 1]; k++) {
		const mt_label *l = &p->labels[k];
		if (mt_strtab_len(p->strings, l->key) == 11 && !memcmp(mt_profile_str(p, l->key), "pprof::base", 11) &&
		    !strcmp(mt_profile_str(p, l->str), "true"))
			return 1;
	}
	return 0;
}
