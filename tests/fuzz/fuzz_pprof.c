/*
 * tests/fuzz/fuzz_pprof.c - fuzz target for the profile.proto reader and
 * writer (and the format sniffers).
 *
 * Invariants checked on every input that parses (abort() on violation):
 *   - mt_profile_validate() accepts the profile;
 *   - mt_profile_total() of every column equals the sum we recompute from
 *     the sample values (saturating, as the library sums);
 *   - writing it with mt_write_pprof() and reading that back gives the
 *     same number of samples, sample types and totals.
 * Inputs that fail must fail with an error code and a message.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memtracer/io.h"
#include "memtracer/parse.h"
#include "memtracer/profile.h"
#include "memtracer/render.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, const mt_error *err)
{
	char line[512] = "";
	if (err)
		mt_error_format(err, line, sizeof line);
	fprintf(stderr, "fuzz_pprof: invariant violated: %s %s\n", what, line);
	abort();
}

static int64_t sat_add(int64_t a, int64_t b)
{
	int64_t r;
	if (__builtin_add_overflow(a, b, &r))
		return b > 0 ? INT64_MAX : INT64_MIN;
	return r;
}

static void check_totals(const mt_profile *p)
{
	for (uint32_t c = 0; c < p->nvalue_types; c++) {
		int64_t sum = 0;
		for (uint32_t i = 0; i < p->nsamples; i++)
			sum = sat_add(sum, p->values[(size_t)i * p->nvalue_types + c]);
		if (sum != mt_profile_total(p, c))
			fail("mt_profile_total differs from the sum of sample values", NULL);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* the sniffers must never crash either */
	const char *detail = NULL;
	(void)mt_detect(data, size, &detail);
	(void)mt_pprof_legacy_kind(data, size);

	mt_profile *p = NULL;
	mt_error err = MT_ERROR_INIT;
	int rc = mt_read_pprof(&p, data, size, NULL, &err);
	if (rc != 0) {
		if (p != NULL || err.code != rc || err.msg[0] == '\0')
			fail("a failed read must return NULL and a message", &err);
		return 0;
	}
	if (p == NULL)
		fail("success without a profile", NULL);

	mt_error verr = MT_ERROR_INIT;
	if (mt_profile_validate(p, &verr) != 0)
		fail("mt_profile_validate rejects what the reader built:", &verr);
	check_totals(p);

	mt_membuf mb = { 0 };
	mt_sink sink = mt_sink_membuf(&mb);
	mt_error werr = MT_ERROR_INIT;
	if (mt_write_pprof(p, 0, &sink, &werr) != 0)
		fail("mt_write_pprof failed:", &werr);

	mt_profile *q = NULL;
	mt_error rerr = MT_ERROR_INIT;
	if (mt_read_pprof(&q, (const uint8_t *)mb.data, mb.len, NULL, &rerr) != 0)
		fail("re-reading our own output failed:", &rerr);
	if (q->nsamples != p->nsamples || q->nvalue_types != p->nvalue_types)
		fail("round trip changed the number of samples or sample types", NULL);
	for (uint32_t c = 0; c < p->nvalue_types; c++)
		if (mt_profile_total(p, c) != mt_profile_total(q, c))
			fail("round trip changed a total", NULL);

	mt_profile_free(q);
	mt_membuf_free(&mb);
	mt_profile_free(p);
	return 0;
}
