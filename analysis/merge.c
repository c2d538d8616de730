/*
 * analysis/merge.c - merging compatible profiles (pprof's profile.Merge).
 *
 * Profiles are compatible when they have the same value columns (type and
 * unit, in order). Strings are re-interned; functions, mappings and
 * locations are appended with their indices remapped; samples are
 * concatenated. Metadata comes from the first profile, durations add up.
 */
#include <stdlib.h>
#include <string.h>

#include "memtracer/profile.h"
#include "mt_internal.h"

static int remap_str(mt_profile *dst, const mt_profile *src, mt_str_id *map, mt_str_id id,
	mt_str_id *out)
{
	if (id == 0) {
		*out = 0;
		return 0;
	}
	if (!map[id]) {
		mt_str_id nid;
		int rc = mt_profile_intern(dst, mt_profile_str(src, id), mt_strtab_len(src->strings, id), &nid);
		if (rc)
			return rc;
		map[id] = nid + 1;
	}
	*out = map[id] - 1;
	return 0;
}

static int merge_one(mt_profile *dst, const mt_profile *src)
{
	int rc = MT_ENOMEM;
	mt_str_id *smap = calloc(mt_strtab_count(src->strings), sizeof *smap);
	uint32_t fbase = dst->nfunctions - 1, mbase = dst->nmappings - 1, lbase = dst->nlocations - 1;
	mt_line *lines = NULL;
	size_t lines_cap = 0;
	uint32_t *locs = NULL;
	size_t locs_cap = 0;
	mt_label *labels = NULL;
	size_t labels_cap = 0;
	if (!smap)
		goto out;
#define S(field, in) if ((rc = remap_str(dst, src, smap, (in), &(field)))) goto out
	for (uint32_t i = 1; i < src->nfunctions; i++) {
		mt_function f = src->functions[i];
		S(f.name, f.name);
		S(f.system_name, f.system_name);
		S(f.filename, f.filename);
		if ((rc = mt_profile_add_function(dst, &f, NULL)))
			goto out;
	}
	for (uint32_t i = 1; i < src->nmappings; i++) {
		mt_mapping m = src->mappings[i];
		S(m.file, m.file);
		S(m.build_id, m.build_id);
		if ((rc = mt_profile_add_mapping(dst, &m, NULL)))
			goto out;
	}
	for (uint32_t i = 1; i < src->nlocations; i++) {
		mt_location l = src->locations[i];
		if (l.mapping)
			l.mapping += mbase;
		rc = MT_ENOMEM;
		if (mt_grow(&lines, &lines_cap, l.nlines ? l.nlines : 1, sizeof *lines))
			goto out;
		for (uint32_t k = 0; k < l.nlines; k++) {
			lines[k] = src->lines[l.first_line + k];
			if (lines[k].func)
				lines[k].func += fbase;
		}
		if ((rc = mt_profile_add_location(dst, &l, lines, l.nlines, NULL)))
			goto out;
	}
	for (uint32_t s = 0; s < src->nsamples; s++) {
		uint32_t lo = src->sample_loc_off[s], ln = src->sample_loc_off[s + 1] - lo;
		uint32_t bo = src->sample_label_off[s], bn = src->sample_label_off[s + 1] - bo;
		rc = MT_ENOMEM;
		if (mt_grow(&locs, &locs_cap, ln ? ln : 1, sizeof *locs) ||
		    mt_grow(&labels, &labels_cap, bn ? bn : 1, sizeof *labels))
			goto out;
		for (uint32_t k = 0; k < ln; k++)
			locs[k] = src->sample_locs[lo + k] + lbase;
		for (uint32_t k = 0; k < bn; k++) {
			mt_label b = src->labels[bo + k];
			S(labels[k].key, b.key);
			S(labels[k].str, b.str);
			S(labels[k].num_unit, b.num_unit);
			labels[k].num = b.num;
		}
		if ((rc = mt_profile_add_sample(dst, locs, ln, src->values + (size_t)s * src->nvalue_types,
			     labels, bn)))
			goto out;
	}
	for (uint32_t i = 0; i < src->ncomments; i++) {
		mt_str_id c;
		S(c, src->comments[i]);
		int dup = 0;
		for (uint32_t k = 0; k < dst->ncomments; k++)
			dup |= dst->comments[k] == c;
		if (!dup && (rc = mt_profile_add_comment(dst, mt_profile_str(dst, c),
				     mt_strtab_len(dst->strings, c))))
			goto out;
	}
#undef S
	dst->duration_nanos = mt_sat_add(dst->duration_nanos, src->duration_nanos);
	rc = 0;
out:
	free(smap);
	free(lines);
	free(locs);
	free(labels);
	return rc;
}

int mt_profile_merge(mt_profile **out, const mt_profile *const *in, size_t n, mt_error *err)
{
	*out = NULL;
	if (n == 0)
		return mt_error_set(err, MT_EINVAL, MT_NO_OFFSET, "expected at least one profile to merge");
	const mt_profile *first = in[0];
	for (size_t i = 1; i < n; i++) {
		int same = in[i]->nvalue_types == first->nvalue_types;
		for (uint32_t c = 0; same && c < first->nvalue_types; c++)
			same = strcmp(mt_profile_str(first, first->value_types[c].type),
				       mt_profile_str(in[i], in[i]->value_types[c].type)) == 0 &&
				strcmp(mt_profile_str(first, first->value_types[c].unit),
					mt_profile_str(in[i], in[i]->value_types[c].unit)) == 0 &&
				first->value_types[c].decimals == in[i]->value_types[c].decimals;
		if (!same)
			return mt_error_set(err, MT_EINVAL, MT_NO_OFFSET,
				"expected profiles with the same sample types, found different ones in profile %zu",
				i + 1);
	}
	mt_profile *p;
	int rc = mt_profile_new(&p);
	if (rc)
		return mt_error_set(err, rc, MT_NO_OFFSET, "out of memory");
	for (uint32_t c = 0; c < first->nvalue_types; c++)
		if ((rc = mt_profile_add_value_type(p, mt_profile_str(first, first->value_types[c].type),
			     mt_profile_str(first, first->value_types[c].unit), first->value_types[c].decimals,
			     NULL)))
			goto fail;
	mt_str_id id;
#define META(field)                                                                              \
	if ((rc = mt_profile_intern(p, mt_profile_str(first, first->field),                      \
		     mt_strtab_len(first->strings, first->field), &id)))                             \
		goto fail;                                                                           \
	p->field = id
	META(period_type.type);
	META(period_type.unit);
	META(default_sample_type);
	META(drop_frames);
	META(keep_frames);
	META(format);
#undef META
	p->period = first->period;
	p->time_nanos = first->time_nanos;
	for (size_t i = 0; i < n; i++)
		if ((rc = merge_one(p, in[i])))
			goto fail;
	*out = p;
	return 0;
fail:
	mt_profile_free(p);
	return mt_error_set(err, rc, MT_NO_OFFSET, "merging profiles failed: %s", mt_code_name(rc));
}
