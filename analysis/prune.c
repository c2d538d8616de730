/*
 * analysis/prune.c - pprof's drop_frames / keep_frames (Profile.Prune,
 * applied by `go tool pprof` to every profile it loads).
 *
 * drop_frames and keep_frames are regexes, anchored as ^(...)$, matched
 * against a function name cut at its first '(' (the argument list; the
 * reserved names "(anonymous namespace)" and "operator()" are not cuts).
 * In each location the outermost inlined line that matches drop (and not
 * keep) is removed with every line inside it; a location whose outermost
 * line matches goes entirely. Then in each sample, scanning from the root,
 * after the first frame that is not affected, the stack is cut at the
 * first affected location (dropping it when it went entirely, else keeping
 * its remaining lines). Frames before the first user frame are never
 * pruned, so a stack cannot vanish.
 */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memtracer/analysis.h"
#include "mt_internal.h"

/* name without its argument list, into @buf */
static const char *simplify(const char *name, char *buf, size_t cap)
{
	if (name[0] == '.')
		name++;
	for (const char *p = name; *p; p++) {
		if (*p != '(')
			continue;
		if (!strncmp(p, "(anonymous namespace)", 21)) {
			p += 20;
			continue;
		}
		if (p >= name + 8 && !strncmp(p - 8, "operator()", 10)) {
			p += 1;
			continue;
		}
		size_t n = (size_t)(p - name);
		if (n >= cap)
			n = cap - 1;
		memcpy(buf, name, n);
		buf[n] = 0;
		return buf;
	}
	return name;
}

static int compile_anchored(regex_t *re, const char *pat, const char *what, mt_error *err)
{
	size_t n = strlen(pat) + 8;
	char *full = malloc(n);
	if (!full)
		return mt_error_set(err, MT_ENOMEM, MT_NO_OFFSET, "out of memory");
	snprintf(full, n, "^(%s)$", pat);
	int rc = regcomp(re, full, REG_EXTENDED | REG_NOSUB);
	free(full);
	if (rc) {
		char msg[128];
		regerror(rc, re, msg, sizeof msg);
		return mt_error_set(err, MT_EFORMAT, MT_NO_OFFSET,
			"expected a regular expression in the profile's %s, found \"%s\": %s", what, pat, msg);
	}
	return 0;
}

int mt_profile_prune(mt_profile *p, mt_error *err)
{
	if (!p->drop_frames || !*mt_profile_str(p, p->drop_frames))
		return 0;
	regex_t drop, keep;
	int has_keep = p->keep_frames && *mt_profile_str(p, p->keep_frames);
	int rc = compile_anchored(&drop, mt_profile_str(p, p->drop_frames), "drop_frames", err);
	if (rc)
		return rc;
	if (has_keep && (rc = compile_anchored(&keep, mt_profile_str(p, p->keep_frames), "keep_frames", err))) {
		regfree(&drop);
		return rc;
	}
	/* 1 = prune the whole location, 2 = prune beneath it (lines trimmed) */
	uint8_t *mark = calloc(p->nlocations ? p->nlocations : 1, 1);
	uint8_t *fn_match = calloc(p->nfunctions ? p->nfunctions : 1, 1); /* 0 unknown, 1 no, 2 yes */
	if (!mark || !fn_match) {
		rc = mt_error_set(err, MT_ENOMEM, MT_NO_OFFSET, "out of memory");
		goto out;
	}
	char buf[1024];
	for (uint32_t li = 1; li < p->nlocations; li++) {
		mt_location *l = &p->locations[li];
		int hit = -1;
		for (int i = (int)l->nlines - 1; i >= 0; i--) {
			uint32_t fi = p->lines[l->first_line + (uint32_t)i].func;
			if (!fi || !p->functions[fi].name)
				continue;
			if (!fn_match[fi]) {
				const char *nm = simplify(mt_profile_str(p, p->functions[fi].name), buf, sizeof buf);
				int d = regexec(&drop, nm, 0, NULL, 0) == 0;
				if (d && has_keep && regexec(&keep, nm, 0, NULL, 0) == 0)
					d = 0;
				fn_match[fi] = d ? 2 : 1;
			}
			if (fn_match[fi] == 2) {
				hit = i;
				break;
			}
		}
		if (hit < 0)
			continue;
		if (hit == (int)l->nlines - 1) {
			mark[li] = 1;
		} else {
			mark[li] = 2;
			l->first_line += (uint32_t)hit + 1;
			l->nlines -= (uint32_t)hit + 1;
		}
	}
	/* compact every sample's stack in place */
	uint32_t w = 0;
	for (uint32_t s = 0; s < p->nsamples; s++) {
		uint32_t a = p->sample_loc_off[s], b = p->sample_loc_off[s + 1];
		uint32_t keep_from = a; /* stacks are leaf first: keep [keep_from, b) */
		int found_user = 0;
		for (uint32_t k = b; k-- > a;) {
			uint32_t li = p->sample_locs[k];
			uint8_t m = li < p->nlocations ? mark[li] : 0;
			if (!m) {
				found_user = 1;
				continue;
			}
			if (!found_user)
				continue;
			keep_from = m == 1 ? k + 1 : k;
			break;
		}
		p->sample_loc_off[s] = w;
		for (uint32_t k = keep_from; k < b; k++)
			p->sample_locs[w++] = p->sample_locs[k];
	}
	p->sample_loc_off[p->nsamples] = w;
out:
	free(mark);
	free(fn_match);
	regfree(&drop);
	if (has_keep)
		regfree(&keep);
	return rc;
}
