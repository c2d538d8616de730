/*
 * tests/fuzz/fuzz_v8prof.c - fuzz target for the V8 .cpuprofile and
 * .heapprofile readers (parsers/v8_cpuprofile.c).
 *
 * Every input goes through both readers, in strict mode when its last byte
 * is odd. Each read runs twice and must give the same result (code, offset,
 * message, or an identical profile). On success (abort() on violation):
 *   - mt_profile_validate() passes; two columns, format set;
 *   - every value is >= 0 and the totals recomputed from the samples equal
 *     mt_profile_total();
 *   - stacks are at most MT_V8PROF_MAX_DEPTH frames, every frame one line
 *     with a function;
 *   - the call tree builds and its root total equals the total of the
 *     samples with a non-empty stack; top builds.
 * A failed read must return a NULL profile, its code in err and a one-line
 * message with an offset inside the input (or none).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memtracer/memtracer.h"
#include "memtracer/v8prof.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, const mt_error *err)
{
	char line[512] = "";
	if (err)
		mt_error_format(err, line, sizeof line);
	fprintf(stderr, "fuzz_v8prof: invariant violated: %s %s\n", what, line);
	abort();
}

static void check_profile(const mt_profile *p)
{
	mt_error err = MT_ERROR_INIT;
	if (mt_profile_validate(p, &err) != 0)
		fail("validate:", &err);
	if (p->nvalue_types != 2 || !p->format)
		fail("expected two columns and a format", NULL);
	int64_t sum[2] = { 0, 0 }, nonempty[2] = { 0, 0 };
	for (uint32_t s = 0; s < p->nsamples; s++) {
		uint32_t depth = p->sample_loc_off[s + 1] - p->sample_loc_off[s];
		if (depth > MT_V8PROF_MAX_DEPTH)
			fail("stack deeper than the limit", NULL);
		for (uint32_t k = p->sample_loc_off[s]; k < p->sample_loc_off[s + 1]; k++) {
			const mt_location *l = &p->locations[p->sample_locs[k]];
			if (l->nlines != 1 || p->lines[l->first_line].func == 0)
				fail("a frame without exactly one line and a function", NULL);
		}
		for (uint32_t c = 0; c < 2; c++) {
			int64_t v = p->values[(size_t)s * 2 + c];
			if (v < 0)
				fail("negative value", NULL);
			if (__builtin_add_overflow(sum[c], v, &sum[c]))
				sum[c] = INT64_MAX;
			if (depth && __builtin_add_overflow(nonempty[c], v, &nonempty[c]))
				nonempty[c] = INT64_MAX;
		}
	}
	for (uint32_t c = 0; c < 2; c++)
		if (mt_profile_total(p, c) != sum[c])
			fail("recomputed total differs from mt_profile_total", NULL);

	mt_tree *t = NULL;
	mt_tree_opts to = MT_TREE_OPTS_INIT;
	if (mt_tree_build(&t, p, &to, &err) != 0)
		fail("tree build:", &err);
	for (uint32_t c = 0; c < 2; c++)
		if (sum[c] < INT64_MAX && mt_tree_total(t, 0, c) != nonempty[c])
			fail("tree root total differs from the samples with a stack", NULL);
	mt_tree_free(t);

	mt_top *top = NULL;
	mt_top_opts oo = MT_TOP_OPTS_INIT;
	oo.col = 1;
	if (mt_top_build(&top, p, &oo, &err) != 0)
		fail("top build:", &err);
	mt_top_free(top);
}

static int same_profile(const mt_profile *a, const mt_profile *b)
{
	if (a->nsamples != b->nsamples || a->nlocations != b->nlocations || a->nfunctions != b->nfunctions ||
	    a->time_nanos != b->time_nanos || a->duration_nanos != b->duration_nanos)
		return 0;
	if (a->nsamples && memcmp(a->values, b->values, (size_t)a->nsamples * 2 * sizeof *a->values))
		return 0;
	if (memcmp(a->sample_loc_off, b->sample_loc_off, ((size_t)a->nsamples + 1) * sizeof *a->sample_loc_off))
		return 0;
	size_t nl = a->sample_loc_off[a->nsamples];
	if (nl && memcmp(a->sample_locs, b->sample_locs, nl * sizeof *a->sample_locs))
		return 0;
	for (uint32_t i = 1; i < a->nfunctions; i++)
		if (strcmp(mt_profile_str(a, a->functions[i].name), mt_profile_str(b, b->functions[i].name)) != 0)
			return 0;
	return 1;
}

typedef int (*reader_fn)(mt_profile **, const uint8_t *, size_t, const mt_read_opts *, mt_error *);

static void run(reader_fn fn, const uint8_t *data, size_t size, const mt_read_opts *o)
{
	mt_profile *a = NULL, *b = NULL;
	mt_error ea = MT_ERROR_INIT, eb = MT_ERROR_INIT;
	int ra = fn(&a, data, size, o, &ea);
	int rb = fn(&b, data, size, o, &eb);
	if ((ra != 0) != (a == NULL))
		fail("result code and profile disagree", &ea);
	if (ra != rb || ea.offset != eb.offset || strcmp(ea.msg, eb.msg) != 0 || (a == NULL) != (b == NULL))
		fail("two reads of the same input differ", &ea);
	if (ra) {
		if (ea.code != ra || ea.msg[0] == '\0' || strchr(ea.msg, '\n') || !ea.doing)
			fail("a failed read must leave its code, a phase and a one-line message", &ea);
		if (ea.offset != MT_NO_OFFSET && ea.offset > size)
			fail("error offset past the end of the input", &ea);
		return;
	}
	check_profile(a);
	if (!same_profile(a, b))
		fail("two reads built different profiles", NULL);
	mt_profile_free(a);
	mt_profile_free(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mt_read_opts o = MT_READ_OPTS_INIT;
	o.strict = size > 0 && (data[size - 1] & 1);
	run(mt_read_v8_cpuprofile, data, size, &o);
	run(mt_read_v8_heapprofile, data, size, &o);
	return 0;
}
