/*
 * tests/fuzz/fuzz_jfr.c - fuzz target for the JDK Flight Recorder chunk
 * reader: the summary (headers, metadata, constant-pool chains, event
 * headers) and the profile builder (event fields, stack traces, names).
 *
 * Invariants checked on every input (abort() on violation):
 *   - a failed read returns NULL, an error code equal to the return value,
 *     a message, a phase (err.doing) and a byte offset inside the input;
 *   - on success mt_profile_validate() accepts the profile, it has the
 *     seven JFR columns, and mt_profile_total() of every column equals the
 *     sum recomputed from the sample values;
 *   - the summary and the profile agree on the input being readable, and
 *     the summary's ExecutionSample count equals the cpu total;
 *   - the info renderers succeed on every summary;
 *   - the leak detectors fail cleanly or give findings with JSON.
 * Seeds: tests/fuzz/corpus/jfr (hand-built chunks, written by
 * `test_jfr --write-seeds DIR`).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memtracer/io.h"
#include "memtracer/jfr.h"
#include "memtracer/parse.h"
#include "memtracer/profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, const mt_error *err)
{
	char line[512] = "";
	if (err)
		mt_error_format(err, line, sizeof line);
	fprintf(stderr, "fuzz_jfr: invariant violated: %s %s\n", what, line);
	abort();
}

static int64_t sat_add(int64_t a, int64_t b)
{
	int64_t r;
	if (__builtin_add_overflow(a, b, &r))
		return b > 0 ? INT64_MAX : INT64_MIN;
	return r;
}

static void check_failure(int rc, const void *out, const mt_error *err, size_t size)
{
	if (out != NULL || err->code != rc || err->msg[0] == '\0' || !err->doing)
		fail("a failed read must return NULL, its code, a message and a phase", err);
	if (rc != MT_ENOMEM && rc != MT_ELIMIT && err->offset != MT_NO_OFFSET && err->offset > size)
		fail("an error offset lies outside the input", err);
}

static void check_profile(const mt_profile *p, uint32_t ncols)
{
	mt_error verr = MT_ERROR_INIT;
	if (mt_profile_validate(p, &verr) != 0)
		fail("mt_profile_validate rejects what the reader built:", &verr);
	if (p->nvalue_types != ncols)
		fail("wrong number of columns", NULL);
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
	const char *detail = NULL;
	(void)mt_detect(data, size, &detail);

	mt_jfr_summary *s = NULL;
	mt_error serr = MT_ERROR_INIT;
	int src = mt_jfr_summarize(&s, data, size, &serr);
	if (src != 0) {
		check_failure(src, s, &serr, size);
	} else {
		if (!s)
			fail("summary success without a summary", NULL);
		mt_membuf mb = { 0 };
		mt_sink sink = mt_sink_membuf(&mb);
		mt_error rerr = MT_ERROR_INIT;
		if (mt_render_jfr_info_json(s, "fuzz.jfr", &sink, &rerr) ||
		    mt_render_jfr_info_text(s, "fuzz.jfr", &sink, &rerr))
			fail("rendering the summary failed:", &rerr);
		mt_membuf_free(&mb);
	}

	mt_profile *p = NULL;
	mt_error err = MT_ERROR_INIT;
	int rc = mt_read_jfr(&p, data, size, NULL, &err);
	if (rc != 0) {
		check_failure(rc, p, &err, size);
		/* the summary reads less (no event fields); it may succeed */
	} else {
		if (!p)
			fail("success without a profile", NULL);
		if (src != 0)
			fail("the profile reads but the summary fails:", &serr);
		check_profile(p, MT_JFR_NCOLS);
		/* sleeping threads' samples are not CPU; runnable wall-clock samples can be */
		if (!mt_jfr_summary_count(s, "profiler.WallClockSample") &&
		    (uint64_t)mt_profile_total(p, MT_JFR_COL_CPU) >
		    mt_jfr_summary_count(s, "jdk.ExecutionSample") + mt_jfr_summary_count(s, "com.oracle.jdk.ExecutionSample"))
			fail("the cpu total exceeds the number of ExecutionSample events", NULL);
		int64_t cpu = mt_profile_total(p, MT_JFR_COL_CPU);
		mt_profile_free(p);

		/* the fast one-column reading (convert --to folded) agrees */
		mt_jfr_opts jc = MT_JFR_OPTS_INIT;
		jc.column = "cpu";
		jc.aggregate = 1;
		mt_error e1 = MT_ERROR_INIT;
		int rc1 = mt_read_jfr_ex(&p, data, size, &jc, NULL, &e1);
		if (rc1 != 0)
			fail("the full reading succeeds but the one-column reading fails:", &e1);
		check_profile(p, MT_JFR_NCOLS);
		if (mt_profile_total(p, MT_JFR_COL_CPU) != cpu)
			fail("the one-column cpu total differs from the full reading's", NULL);
		mt_profile_free(p);

		/* the other reading modes */
		mt_jfr_opts jo = MT_JFR_OPTS_INIT;
		jo.signatures = 1;
		jo.event = "*";
		mt_error e2 = MT_ERROR_INIT;
		int rc2 = mt_read_jfr_ex(&p, data, size, &jo, NULL, &e2);
		if (rc2 != 0)
			check_failure(rc2, p, &e2, size);
		else {
			check_profile(p, 1);
			mt_profile_free(p);
		}
	}
	/* the leak detectors: a failure is an error with a message, never a crash */
	mt_findings *fs = NULL;
	if (mt_findings_new(&fs) == 0) {
		mt_error lerr = MT_ERROR_INIT;
		int lrc = mt_jfr_leaks(fs, data, size, "fuzz.jfr", &lerr);
		if (lrc != 0 && (lerr.code != lrc || lerr.msg[0] == '\0'))
			fail("a failed leak scan must return its code and a message", &lerr);
		if (lrc == 0 && src != 0)
			fail("the leak scan reads what the summary rejects:", &serr);
		for (uint32_t i = 0; lrc == 0 && i < mt_findings_count(fs); i++) {
			const mt_finding *f = mt_findings_get(fs, i);
			if (!f->json || f->json[0] != '{' || f->count <= 0)
				fail("a finding without its JSON object or count", NULL);
		}
		mt_findings_free(fs);
	}
	mt_jfr_summary_free(s);
	return 0;
}
