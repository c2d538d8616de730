/*
 * tests/unit/test_v8prof.c - V8 .cpuprofile / .heapprofile readers
 * (parsers/v8_cpuprofile.c): hand-written profiles in both forms, malformed
 * ones, speedscope's E4 fixtures and the Chromium/Node corpus.
 *
 * Stacks are compared as speedscope prints them: frames root first joined
 * by ';' (our names: "(anonymous)" for every unnamed function, no "(root)"
 * frame), the empty stack as "". Values of identical stacks are summed.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memtracer/memtracer.h"
#include "memtracer/v8prof.h"
#include "testlib.h"

/* ---- helpers ---- */

static int read_cpu(const char *json, mt_profile **p, mt_error *err)
{
	return mt_read_v8_cpuprofile(p, (const uint8_t *)json, strlen(json), NULL, err);
}

static int read_heap(const char *json, mt_profile **p, mt_error *err)
{
	return mt_read_v8_heapprofile(p, (const uint8_t *)json, strlen(json), NULL, err);
}

/* sample @s's stack, root first, joined by ';' */
static const char *stack_of(const mt_profile *p, uint32_t s, char *buf, size_t cap)
{
	size_t n = 0;
	buf[0] = '\0';
	for (uint32_t k = p->sample_loc_off[s + 1]; k-- > p->sample_loc_off[s];) {
		const mt_location *l = &p->locations[p->sample_locs[k]];
		const char *nm = mt_profile_str(p, p->functions[p->lines[l->first_line].func].name);
		int w = snprintf(buf + n, cap - n, "%s%s", n ? ";" : "", nm);
		if (w < 0 || (size_t)w >= cap - n)
			break;
		n += (size_t)w;
	}
	return buf;
}

/* sum of column @col over the samples whose stack is @want; -1 when none */
static int64_t stack_value(const mt_profile *p, const char *want, uint32_t col)
{
	char buf[4096];
	int64_t sum = -1;
	for (uint32_t s = 0; s < p->nsamples; s++)
		if (strcmp(stack_of(p, s, buf, sizeof buf), want) == 0)
			sum = (sum < 0 ? 0 : sum) + p->values[(size_t)s * p->nvalue_types + col];
	return sum;
}

/* samples with a non-zero value in @col */
static uint32_t nonzero_samples(const mt_profile *p, uint32_t col)
{
	uint32_t n = 0;
	for (uint32_t s = 0; s < p->nsamples; s++)
		n += p->values[(size_t)s * p->nvalue_types + col] != 0;
	return n;
}

/* distinct locations the samples use */
static uint32_t used_frames(const mt_profile *p)
{
	uint8_t *seen = calloc(p->nlocations, 1);
	uint32_t n = 0;
	for (uint32_t k = 0; k < p->sample_loc_off[p->nsamples]; k++)
		if (!seen[p->sample_locs[k]]) {
			seen[p->sample_locs[k]] = 1;
			n++;
		}
	free(seen);
	return n;
}

/* the location whose function is named @name (first one), 0 if none */
static uint32_t loc_named(const mt_profile *p, const char *name)
{
	for (uint32_t i = 1; i < p->nlocations; i++) {
		const mt_location *l = &p->locations[i];
		if (strcmp(mt_profile_str(p, p->functions[p->lines[l->first_line].func].name), name) == 0)
			return i;
	}
	return 0;
}

static const char *errline(const mt_error *err)
{
	static char buf[512];
	mt_error_format(err, buf, sizeof buf);
	return buf;
}

static int read_shared(const char *rel, mt_input *in)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/%s", mt_t_shared(), rel);
	mt_error err = MT_ERROR_INIT;
	int rc = mt_input_read(in, path, 0, &err);
	if (rc)
		fprintf(stderr, "# %s\n", errline(&err));
	return rc;
}

static int64_t col_total(const mt_profile *p, uint32_t col)
{
	return mt_profile_total(p, col);
}

/* ---- new form ---- */

#define SIMPLE_NEW                                                                                  \
	"{\"nodes\":["                                                                                  \
	"{\"id\":1,\"callFrame\":{\"functionName\":\"(root)\",\"scriptId\":\"0\",\"url\":\"\","         \
	"\"lineNumber\":-1,\"columnNumber\":-1},\"hitCount\":0,\"children\":[2,5]},"                    \
	"{\"id\":2,\"callFrame\":{\"functionName\":\"main\",\"scriptId\":\"7\",\"url\":\"file:///a.js\"," \
	"\"lineNumber\":0,\"columnNumber\":4},\"hitCount\":1,\"children\":[3]},"                        \
	"{\"id\":3,\"callFrame\":{\"functionName\":\"\",\"scriptId\":\"7\",\"url\":\"file:///a.js\","    \
	"\"lineNumber\":9,\"columnNumber\":2},\"hitCount\":2,\"positionTicks\":[{\"line\":10,\"ticks\":2}]}," \
	"{\"id\":5,\"callFrame\":{\"functionName\":\"(idle)\",\"scriptId\":\"0\",\"url\":\"\","         \
	"\"lineNumber\":-1,\"columnNumber\":-1},\"hitCount\":1}],"                                      \
	"\"startTime\":1000,\"endTime\":1100,\"samples\":[2,3,3,5],\"timeDeltas\":[10,20,30,5]}"

static void test_v8prof__new_form(void)
{
	mt_profile *p = NULL;
	mt_error err = MT_ERROR_INIT;
	int rc = read_cpu(SIMPLE_NEW, &p, &err);
	if (rc)
		MT_FAIL_("%s", errline(&err));
	CHECK_OK(mt_profile_validate(p, &err));
	CHECK_EQ_S(mt_profile_str(p, p->format), "v8-cpuprofile");
	CHECK_EQ_I(p->nvalue_types, 2);
	CHECK_EQ_S(mt_profile_str(p, p->value_types[0].type), "samples");
	CHECK_EQ_S(mt_profile_str(p, p->value_types[0].unit), "count");
	CHECK_EQ_S(mt_profile_str(p, p->value_types[1].type), "cpu");
	CHECK_EQ_S(mt_profile_str(p, p->value_types[1].unit), "nanoseconds");
	CHECK_EQ_I(mt_profile_default_column(p), 1);
	CHECK_EQ_S(mt_profile_str(p, p->period_type.type), "cpu");
	CHECK_EQ_I(p->time_nanos, 1000000);
	CHECK_EQ_I(p->duration_nanos, 100000);
	/* samples at 10, 30, 60, 65 us: weights 20, 30, 5, 0; 10 before the first */
	CHECK_EQ_I(stack_value(p, "", 0), 0);
	CHECK_EQ_I(stack_value(p, "", 1), 10000);
	CHECK_EQ_I(stack_value(p, "main", 0), 1);
	CHECK_EQ_I(stack_value(p, "main", 1), 20000);
	CHECK_EQ_I(stack_value(p, "main;(anonymous)", 0), 2);
	CHECK_EQ_I(stack_value(p, "main;(anonymous)", 1), 35000);
	CHECK_EQ_I(stack_value(p, "(idle)", 0), 1);
	CHECK_EQ_I(stack_value(p, "(idle)", 1), 0);
	CHECK_EQ_I(col_total(p, 0), 4);
	CHECK_EQ_I(col_total(p, 1), 65000);
	/* frames: names, 1-based lines/columns, file, language */
	uint32_t l = loc_named(p, "(anonymous)");
	CHECK(l != 0);
	const mt_line *ln = &p->lines[p->locations[l].first_line];
	const mt_function *f = &p->functions[ln->func];
	CHECK_EQ_I(ln->line, 10);
	CHECK_EQ_I(ln->column, 3);
	CHECK_EQ_S(mt_profile_str(p, f->filename), "file:///a.js");
	CHECK_EQ_I(f->lang, MT_LANG_JS);
	l = loc_named(p, "(idle)");
	CHECK(l != 0);
	ln = &p->lines[p->locations[l].first_line];
	CHECK_EQ_I(ln->line, 0);
	CHECK_EQ_I(p->functions[ln->func].lang, MT_LANG_STATE);
	CHECK_EQ_I(loc_named(p, "(root)"), 0);
	mt_profile_free(p);
}

static void test_v8prof__languages(void)
{
	const char *js =
		"{\"nodes\":[{\"id\":1,\"callFrame\":{\"functionName\":\"(root)\"},\"children\":[2,3,4,5,6]},"
		"{\"id\":2,\"callFrame\":{\"functionName\":\"(program)\",\"scriptId\":\"0\",\"url\":\"\"}},"
		"{\"id\":3,\"callFrame\":{\"functionName\":\"(garbage collector)\",\"scriptId\":\"0\"}},"
		"{\"id\":4,\"callFrame\":{\"functionName\":\"click\",\"scriptId\":\"0\",\"url\":\"\"}},"
		"{\"id\":5,\"callFrame\":{\"functionName\":\"\",\"scriptId\":\"164\",\"url\":\"\"}},"
		"{\"id\":6,\"callFrame\":{\"functionName\":\"(V8 API)\",\"scriptId\":0}}],"
		"\"startTime\":0,\"endTime\":10,\"samples\":[2,3,4,5,6],\"timeDeltas\":[1,1,1,1,1]}";
	mt_profile *p = NULL;
	mt_error err = MT_ERROR_INIT;
	if (read_cpu(js, &p, &err))
		MT_FAIL_("%s", errline(&err));
	static const struct { const char *name; int lang; } want[] = {
		{ "(program)", MT_LANG_NATIVE }, { "(garbage collector)", MT_LANG_NATIVE },
		{ "click", MT_LANG_NATIVE }, { "(anonymous)", MT_LANG_JS }, { "(V8 API)", MT_LANG_STATE },
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		uint32_t l = loc_named(p, want[i].name);
		CHECK(l != 0);
		CHECK_EQ_I(p->functions[p->lines[p->locations[l].first_line].func].lang, want[i].lang);
	}
	mt_profile_free(p);
}

static void test_v8prof__parent_links_and_order(void)
{
	/* children listed before their nodes, a "parent" member, a root not named (root) */
	const char *js =
		"{\"startTime\":5,\"samples\":[30,20,30],\"nodes\":["
		"{\"id\":10,\"callFrame\":{\"functionName\":\"top\"},\"children\":[20]},"
		"{\"id\":30,\"parent\":20,\"callFrame\":{\"functionName\":\"leaf\"}},"
		"{\"id\":20,\"callFrame\":{\"functionName\":\"mid\"}}],"
		"\"timeDeltas\":[0,100,100],\"endTime\":1000}";
	mt_profile *p = NULL;
	mt_error err = MT_ERROR_INIT;
	if (read_cpu(js, &p, &err))
		MT_FAIL_("%s", errline(&err));
	CHECK_EQ_I(stack_value(p, "top;mid;leaf", 0), 2);
	CHECK_EQ_I(stack_value(p, "top;mid;leaf", 1), 100000);
	CHECK_EQ_I(stack_value(p, "top;mid", 1), 100000);
	CHECK_EQ_I(stack_value(p, "", 0), -1); /* no time before the first sample: no empty stack */
	mt_profile_free(p);
}

static void test_v8prof__negative_deltas(void)
{
	/* samples at 100, 50 (counts as 100), 300: weights 0, 200, 0 */
	const char *js =
		"{\"nodes\":[{\"id\":1,\"callFrame\":{\"functionName\":\"(root)\"},\"children\":[2,3]},"
		"{\"id\":2,\"callFrame\":{\"functionName\":\"a\"}},{\"id\":3,\"callFrame\":{\"functionName\":\"b\"}}],"
		"\"startTime\":0,\"endTime\":400,\"samples\":[2,3,2],\"timeDeltas\":[100,-50,250]}";
	mt_profile *p = NULL;
	mt_error err = MT_ERROR_INIT;
	if (read_cpu(js, &p, &err))
		MT_FAIL_("%s", errline(&err));
	CHECK_EQ_I(stack_value(p, "a", 1), 0);
	CHECK_EQ_I(stack_value(p, "b", 1), 200000);
	CHECK_EQ_I(stack_value(p, "", 1), 100000);
	mt_profile_free(p);
	/* strict: an error at the delta */
	mt_read_opts o = MT_READ_OPTS_INIT;
	o.strict = 1;
	mt_error_clear(&err);
	CHECK_EQ_I(mt_read_v8_cpuprofile(&p, (const uint8_t *)js, strlen(js), &o, &err), MT_EFORMAT);
	CHECK(p == NULL);
	CHECK_EQ_I(err.offset, (uint64_t)(strstr(js, "-50") - js));
}

static void test_v8prof__fractions_and_exponents(void)
{
	/* fractional microseconds round to nanoseconds; exponents are exact */
	const char *js =
		"{\"nodes\":[{\"id\":1,\"callFrame\":{\"functionName\":\"a\"}}],"
		"\"startTime\":1.5e3,\"endTime\":2000.0004,\"samples\":[1,1,1],\"timeDeltas\":[0.25,1.0015,2e-3]}";
	mt_profile *p = NULL;
	mt_error err = MT_ERROR_INIT;
	if (read_cpu(js, &p, &err))
		MT_FAIL_("%s", errline(&err));
	CHECK_EQ_I(p->time_nanos, 1500000);
	CHECK_EQ_I(p->duration_nanos, 500000); /* 2000000.4 ns rounds to 2000000 */
	CHECK_EQ_I(stack_value(p, "a", 1), 1002 + 2);
	CHECK_EQ_I(stack_value(p, "", 1), 250);
	mt_profile_free(p);
}

static void test_v8prof__hitcount_only(void)
{
	const char *js =
		"{\"nodes\":[{\"id\":1,\"callFrame\":{\"functionName\":\"(root)\"},\"hitCount\":0,\"children\":[2,3]},"
		"{\"id\":2,\"callFrame\":{\"functionName\":\"a\"},\"hitCount\":1},"
		"{\"id\":3,\"callFrame\":{\"functionName\":\"b\"},\"hitCount\":3}],\"startTime\":0,\"endTime\":1000}";
	mt_profile *p = NULL;
	mt_error err = MT_ERROR_INIT;
	if (read_cpu(js, &p, &err))
		MT_FAIL_("%s", errline(&err));
	CHECK_EQ_I(stack_value(p, "a", 0), 1);
	CHECK_EQ_I(stack_value(p, "b", 0), 3);
	CHECK_EQ_I(stack_value(p, "a", 1), 250000);
	CHECK_EQ_I(stack_value(p, "b", 1), 750000);
	mt_profile_free(p);
	mt_read_opts o = MT_READ_OPTS_INIT;
	o.strict = 1;
	mt_error_clear(&err);
	CHECK_EQ_I(mt_read_v8_cpuprofile(&p, (const uint8_t *)js, strlen(js), &o, &err), MT_EFORMAT);

	/* startTime without endTime: no duration, no time to spread (fuzzer find) */
	const char *half =
		"{\"nodes\":[{\"id\":1,\"callFrame\":{\"functionName\":\"a\"},\"hitCount\":2}],\"startTime\":5}";
	mt_error_clear(&err);
	if (read_cpu(half, &p, &err))
		MT_FAIL_("%s", errline(&err));
	CHECK_EQ_I(p->duration_nanos, 0);
	CHECK_EQ_I(p->time_nanos, 5000);
	CHECK_EQ_I(stack_value(p, "a", 0), 2);
	CHECK_EQ_I(stack_value(p, "a", 1), 0);
	mt_profile_free(p);
}

/* ---- old form ---- */

static void test_v8prof__old_form(void)
{
	const char *js =
		"{\"head\":{\"functionName\":\"(root)\",\"url\":\"\",\"lineNumber\":0,\"id\":1,\"hitCount\":0,"
		"\"children\":[{\"functionName\":\"main\",\"url\":\"/x/app.js\",\"lineNumber\":3,\"callUID\":9,"
		"\"bailoutReason\":\"\",\"id\":2,\"scriptId\":51,\"hitCount\":1,\"children\":["
		"{\"functionName\":\"work\",\"url\":\"/x/app.js\",\"lineNumber\":8,\"id\":3,\"hitCount\":2,\"children\":[]}]},"
		"{\"functionName\":\"(program)\",\"url\":\"\",\"lineNumber\":0,\"id\":4,\"hitCount\":1,\"children\":[]}]},"
		"\"startTime\":10.5,\"endTime\":11,"
		"\"samples\":[2,3,3,4],\"timestamps\":[10500100,10500200,10500400,10500700,10500900]}";
	mt_profile *p = NULL;
	mt_error err = MT_ERROR_INIT;
	if (read_cpu(js, &p, &err))
		MT_FAIL_("%s", errline(&err));
	CHECK_OK(mt_profile_validate(p, &err));
	CHECK_EQ_I(p->time_nanos, 10500000000LL);
	CHECK_EQ_I(p->duration_nanos, 500000000LL);
	CHECK_EQ_I(stack_value(p, "", 1), 100000);
	CHECK_EQ_I(stack_value(p, "main", 1), 100000);
	CHECK_EQ_I(stack_value(p, "main;work", 0), 2);
	CHECK_EQ_I(stack_value(p, "main;work", 1), 500000);
	CHECK_EQ_I(stack_value(p, "(program)", 0), 1);
	CHECK_EQ_I(stack_value(p, "(program)", 1), 0); /* the extra timestamp is ignored */
	uint32_t l = loc_named(p, "work");
	CHECK_EQ_I(p->lines[p->locations[l].first_line].line, 9);
	CHECK_EQ_I(p->lines[p->locations[l].first_line].column, 0);
	mt_profile_free(p);
}

/* ---- heap profiles ---- */

static void test_v8prof__heapprofile(void)
{
	const char *js =
		"{\"head\":{\"callFrame\":{\"functionName\":\"(root)\",\"scriptId\":\"0\",\"url\":\"\","
		"\"lineNumber\":-1,\"columnNumber\":-1},\"selfSize\":0,\"id\":1,\"children\":["
		"{\"callFrame\":{\"functionName\":\"load\",\"scriptId\":\"3\",\"url\":\"http://h/app.js\","
		"\"lineNumber\":4,\"columnNumber\":0},\"selfSize\":4096,\"id\":2,\"children\":["
		"{\"callFrame\":{\"functionName\":\"\",\"scriptId\":\"3\",\"url\":\"http://h/app.js\","
		"\"lineNumber\":7,\"columnNumber\":12},\"selfSize\":100,\"id\":3,\"children\":[]}]},"
		"{\"callFrame\":{\"functionName\":\"(V8 API)\",\"scriptId\":\"0\",\"url\":\"\","
		"\"lineNumber\":-1,\"columnNumber\":-1},\"selfSize\":0,\"id\":4,\"children\":[]}]},"
		"\"samples\":[{\"size\":64,\"nodeId\":2,\"ordinal\":1},{\"size\":32,\"nodeId\":2,\"ordinal\":2},"
		"{\"size\":100,\"nodeId\":3,\"ordinal\":3}]}";
	mt_profile *p = NULL;
	mt_error err = MT_ERROR_INIT;
	if (read_heap(js, &p, &err))
		MT_FAIL_("%s", errline(&err));
	CHECK_OK(mt_profile_validate(p, &err));
	CHECK_EQ_S(mt_profile_str(p, p->format), "v8-heapprofile");
	CHECK_EQ_S(mt_profile_str(p, p->value_types[0].type), "objects");
	CHECK_EQ_S(mt_profile_str(p, p->value_types[1].type), "space");
	CHECK_EQ_S(mt_profile_str(p, p->value_types[1].unit), "bytes");
	CHECK_EQ_I(mt_profile_default_column(p), 1);
	CHECK_EQ_I(p->nsamples, 2);
	CHECK_EQ_I(stack_value(p, "load", 1), 4096);
	CHECK_EQ_I(stack_value(p, "load", 0), 2);
	CHECK_EQ_I(stack_value(p, "load;(anonymous)", 1), 100);
	CHECK_EQ_I(stack_value(p, "load;(anonymous)", 0), 1);
	CHECK_EQ_I(stack_value(p, "(V8 API)", 1), -1);
	mt_profile_free(p);

	/* without ids and samples (Chrome 69 / node 10) */
	const char *old =
		"{\"head\":{\"callFrame\":{\"functionName\":\"(root)\"},\"selfSize\":0,\"children\":["
		"{\"callFrame\":{\"functionName\":\"f\"},\"selfSize\":7,\"children\":[]}]}}";
	mt_error_clear(&err);
	if (read_heap(old, &p, &err))
		MT_FAIL_("%s", errline(&err));
	CHECK_EQ_I(stack_value(p, "f", 1), 7);
	CHECK_EQ_I(stack_value(p, "f", 0), 0);
	mt_profile_free(p);
}

/* ---- malformed input ---- */

typedef struct bad_case {
	int heap;
	const char *json;
	int code;
	const char *needle;   /* where the offset must point (first occurrence), NULL = offset 0 */
	const char *msg;      /* substring of the message */
} bad_case;

static void test_v8prof__malformed(void)
{
	static const bad_case cases[] = {
		{ 0, "", MT_ETRUNC, NULL, "expected a value" },
		{ 0, "[]", MT_EFORMAT, NULL, "expected an object (a V8 CPU profile), found an array" },
		{ 0, "{\"hitCount\":1}", MT_EFORMAT, NULL, "expected \"nodes\" or \"head\"" },
		{ 0, "{\"nodes\":[]}", MT_EFORMAT, "[]", "expected at least one node" },
		{ 0, "{\"nodes\":[{\"id\":1,\"callFrame\":{\"functionName\":\"a\"}}],\"samples\":[1,7],\"timeDeltas\":[1,1]}",
		  MT_EFORMAT, "7]", "expected the id of a node in samples, found 7 (no such node)" },
		{ 0, "{\"nodes\":[{\"id\":1,\"callFrame\":{\"functionName\":\"a\"},\"children\":[9]}]}",
		  MT_EFORMAT, "9]", "found 9 (no such node)" },
		{ 0, "{\"nodes\":[{\"id\":1,\"callFrame\":{\"functionName\":\"a\"},\"children\":[2]},"
		     "{\"id\":2,\"callFrame\":{\"functionName\":\"b\"},\"children\":[1]}]}",
		  MT_EFORMAT, "{\"id\":1", "a cycle through node id 1" },
		{ 0, "{\"nodes\":[{\"id\":1,\"callFrame\":{\"functionName\":\"a\"},\"children\":[1]}]}",
		  MT_EFORMAT, "{\"id\":1", "a cycle" },
		{ 0, "{\"nodes\":[{\"id\":1,\"callFrame\":{\"functionName\":\"a\"},\"children\":[3]},"
		     "{\"id\":2,\"callFrame\":{\"functionName\":\"b\"},\"children\":[3]},"
		     "{\"id\":3,\"callFrame\":{\"functionName\":\"c\"}}]}",
		  MT_EFORMAT, "3]},{\"id\":3", "one parent, found id 3 in the children of ids 1 and 2" },
		{ 0, "{\"nodes\":[{\"id\":1,\"callFrame\":{\"functionName\":\"a\"}},{\"id\":1,\"callFrame\":{\"functionName\":\"b\"}}]}",
		  MT_EFORMAT, "{\"id\":1,\"callFrame\":{\"functionName\":\"b", "unique node ids, found id 1 a second time" },
		{ 0, "{\"nodes\":[{\"callFrame\":{\"functionName\":\"a\"}}]}", MT_EFORMAT, "{\"callFrame",
		  "expected an \"id\" in the node, found none" },
		{ 0, "{\"nodes\":[{\"id\":1}]}", MT_EFORMAT, "{\"id", "expected a \"callFrame\" in the node" },
		{ 0, "{\"nodes\":[{\"id\":1,\"callFrame\":{\"url\":\"\"}}]}", MT_EFORMAT, "{\"id",
		  "expected a \"functionName\" in the node's callFrame" },
		{ 0, "{\"nodes\":[{\"id\":1,\"id\":2,\"callFrame\":{\"functionName\":\"a\"}}]}", MT_EFORMAT,
		  "\"id\":2", "expected one \"id\" in a node, found a second" },
		{ 0, "{\"nodes\":[{\"id\":1,\"callFrame\":{\"functionName\":\"a\",\"lineNumber\":1.5}}]}", MT_EFORMAT,
		  "1.5", "expected an integer lineNumber, found a number with a fraction" },
		{ 0, "{\"nodes\":[{\"id\":1,\"callFrame\":{\"functionName\":\"a\",\"lineNumber\":-2}}]}", MT_EFORMAT,
		  "-2", "expected lineNumber between -1 and 2147483647, found -2" },
		{ 0, "{\"nodes\":[{\"id\":-1,\"callFrame\":{\"functionName\":\"a\"}}]}", MT_EFORMAT, "-1",
		  "expected a node id (id, a non-negative integer below 2^64), found -1" },
		{ 0, "{\"nodes\":[{\"id\":1,\"callFrame\":{\"functionName\":7}}]}", MT_EFORMAT, "7}",
		  "expected a string (functionName), found a number" },
		{ 0, "{\"nodes\":[{\"id\":1,\"callFrame\":{\"functionName\":\"a\"}}],\"samples\":[1]}", MT_EFORMAT,
		  "[1]", "expected \"timeDeltas\" or \"timestamps\" with the samples" },
		{ 0, "{\"nodes\":[{\"id\":1,\"callFrame\":{\"functionName\":\"a\"}}],\"samples\":[1,1],\"timeDeltas\":[1]}",
		  MT_EFORMAT, "[1]}", "expected 2 timeDeltas (one per sample), found 1" },
		{ 0, "{\"nodes\":[{\"id\":1,\"callFrame\":{\"functionName\":\"a\"}}],\"samples\":[1],\"timeDeltas\":[\"1\"]}",
		  MT_EFORMAT, "\"1\"]", "expected a number in timeDeltas, found a string" },
		{ 0, "{\"nodes\":[{\"id\":1,\"callFrame\":{\"functionName\":\"a\"}}],\"samples\":[1,1],"
		     "\"timeDeltas\":[9223372036854775,9223372036854775]}",
		  MT_EFORMAT, "9223372036854775]", "found a sum past that" },
		{ 0, "{\"nodes\":[{\"id\":1,\"callFrame\":{\"functionName\":\"a\"}}],\"samples\":[1],\"timeDeltas\":[1e300]}",
		  MT_EFORMAT, "1e300", "expected timeDeltas within 2^63 nanoseconds, found 1e300" },
		{ 0, "{\"nodes\":[{\"id\":1,\"callFrame\":{\"functionName\":\"a\"}}],\"startTime\":5,\"endTime\":4}",
		  MT_EFORMAT, "4}", "expected endTime >= startTime (5), found 4" },
		{ 0, "{\"nodes\":[{\"id\":1,\"callFrame\":{\"functionName\":\"a\"}}],\"startTime\":-5}",
		  MT_EFORMAT, "-5", "expected a non-negative startTime, found -5" },
		{ 0, "{\"nodes\":[{\"id\":1,\"callFrame\":{\"functionName\":\"a\"}}],\"head\":{}}", MT_EFORMAT,
		  "\"head\"", "expected either \"nodes\" or \"head\" in the profile, found both" },
		{ 0, "{\"nodes\":[{\"id\":1,\"callFrame\":{\"functionName\":\"a\"}}]", MT_ETRUNC, NULL,
		  "expected ',' or '}', found the end of the input" },
		{ 0, "{\"nodes\":[{\"id\":1,\"callFrame\":{\"functionName\":\"a\"}}]} x", MT_EFORMAT, "x",
		  "after the top-level value" },
		{ 0, "{\"head\":{\"functionName\":\"(root)\",\"id\":1,\"children\":[7]}}", MT_EFORMAT, "7]",
		  "expected a node object or ']', found a number" },
		{ 0, "{\"head\":{\"id\":1,\"children\":[]}}", MT_EFORMAT, "{\"id",
		  "expected a \"functionName\" in the node, found none" },
		{ 0, "{\"head\":{\"functionName\":\"r\",\"id\":1,\"children\":[]},\"samples\":[2],\"timestamps\":[5]}",
		  MT_EFORMAT, "2]", "found 2 (no such node)" },
		{ 0, "{\"head\":{\"functionName\":\"r\",\"id\":1,\"children\":[]},\"samples\":[1,1],\"timestamps\":[5]}",
		  MT_EFORMAT, "[5]", "expected at least 2 timestamps (one per sample), found 1" },
		{ 0, "{\"head\":{\"functionName\":\"r\",\"id\":1},\"timestamps\":[1],\"timeDeltas\":[1]}",
		  MT_EFORMAT, "\"timeDeltas\"", "found both" },
		{ 1, "{\"samples\":[]}", MT_EFORMAT, NULL, "expected a \"head\" node in the heap profile" },
		{ 1, "{\"head\":{\"callFrame\":{\"functionName\":\"(root)\"},\"children\":[]}}", MT_EFORMAT, "{\"callFrame",
		  "expected a \"selfSize\" in the node" },
		{ 1, "{\"head\":{\"callFrame\":{\"functionName\":\"(root)\"},\"selfSize\":-3,\"children\":[]}}", MT_EFORMAT,
		  "-3", "expected selfSize between 0 and" },
		{ 1, "{\"head\":{\"callFrame\":{\"functionName\":\"(root)\"},\"selfSize\":0,\"id\":1,\"children\":[]},"
		     "\"samples\":[{\"size\":8,\"nodeId\":4,\"ordinal\":1}]}", MT_EFORMAT, "4,",
		  "expected the id of a node in samples, found 4 (no such node)" },
		{ 1, "{\"head\":{\"callFrame\":{\"functionName\":\"(root)\"},\"selfSize\":0,\"id\":1,\"children\":[]},"
		     "\"samples\":[{\"size\":8}]}", MT_EFORMAT, "{\"size", "expected a \"nodeId\" in the sample" },
		{ 1, "{\"head\":{\"callFrame\":{\"functionName\":\"(root)\"},\"selfSize\":0,\"id\":1,\"children\":["
		     "{\"callFrame\":{\"functionName\":\"a\"},\"selfSize\":1,\"id\":1,\"children\":[]}]}}",
		  MT_EFORMAT, "{\"callFrame\":{\"functionName\":\"a", "found id 1 a second time" },
		{ 1, "{\"head\":{\"callFrame\":{\"functionName\":\"(root)\"},\"selfSize\":0,\"children\":[",
		  MT_ETRUNC, NULL, "the end of the input" },
		/* the tokenizer quotes raw bytes after a bad backslash-u: the message stays one line (fuzzer find) */
		{ 0, "{\"hitCount\\ud8\"\n\n\":1}", MT_EFORMAT, "\\ud8", "expected 4 hex digits after \\u, found '\\ud8\"?'" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const bad_case *c = &cases[i];
		mt_profile *p = (mt_profile *)1;
		mt_error err = MT_ERROR_INIT;
		int rc = c->heap ? read_heap(c->json, &p, &err) : read_cpu(c->json, &p, &err);
		uint64_t want_off = c->needle ? (uint64_t)(strstr(c->json, c->needle) - c->json) : 0;
		if (c->code == MT_ETRUNC && !c->needle)
			want_off = strlen(c->json);
		if (rc != c->code || p != NULL || err.code != c->code || !strstr(err.msg, c->msg) ||
		    err.offset != want_off || strchr(err.msg, '\n'))
			MT_FAIL_("case %zu: rc %d offset %llu (want %d at %llu, \"%s\"): %s", i, rc,
				(unsigned long long)err.offset, c->code, (unsigned long long)want_off, c->msg, errline(&err));
		CHECK(err.doing != NULL);
	}
}

static void test_v8prof__limits(void)
{
	/* nested nodes deeper than the limit: MT_ELIMIT, no recursion */
	size_t depth = MT_V8PROF_MAX_DEPTH + 5;
	const char *open = "{\"functionName\":\"f\",\"children\":[";
	size_t cap = depth * (strlen(open) + 2) + 64;
	char *js = malloc(cap);
	size_t n = 0;
	n += (size_t)sprintf(js + n, "{\"head\":");
	for (size_t i = 0; i < depth; i++)
		n += (size_t)sprintf(js + n, "%s", open);
	for (size_t i = 0; i < depth; i++)
		n += (size_t)sprintf(js + n, "]}");
	n += (size_t)sprintf(js + n, "}");
	mt_profile *p = NULL;
	mt_error err = MT_ERROR_INIT;
	CHECK_EQ_I(mt_read_v8_cpuprofile(&p, (const uint8_t *)js, n, NULL, &err), MT_ELIMIT);
	CHECK(strstr(err.msg, "levels of nested nodes") != NULL);
	free(js);

	/* a flat chain of nodes past the depth limit (new form): MT_ELIMIT too */
	size_t nn = MT_V8PROF_MAX_DEPTH + 2;
	cap = nn * 80 + 64;
	js = malloc(cap);
	n = (size_t)sprintf(js, "{\"nodes\":[");
	for (size_t i = 1; i <= nn; i++)
		n += (size_t)sprintf(js + n, "%s{\"id\":%zu,\"callFrame\":{\"functionName\":\"f\"},\"children\":[%zu]}",
			i > 1 ? "," : "", i, i < nn ? i + 1 : 0);
	n += (size_t)sprintf(js + n, ",{\"id\":0,\"callFrame\":{\"functionName\":\"z\"}}]}");
	mt_error_clear(&err);
	CHECK_EQ_I(mt_read_v8_cpuprofile(&p, (const uint8_t *)js, n, NULL, &err), MT_ELIMIT);
	CHECK(strstr(err.msg, "frames in a stack") != NULL);
	free(js);
}

static void test_v8prof__deterministic(void)
{
	mt_profile *a = NULL, *b = NULL;
	mt_error err = MT_ERROR_INIT;
	CHECK_OK(read_cpu(SIMPLE_NEW, &a, &err));
	CHECK_OK(read_cpu(SIMPLE_NEW, &b, &err));
	CHECK_EQ_I(a->nsamples, b->nsamples);
	CHECK_EQ_I(a->nlocations, b->nlocations);
	CHECK(memcmp(a->values, b->values, (size_t)a->nsamples * a->nvalue_types * sizeof *a->values) == 0);
	CHECK(memcmp(a->sample_locs, b->sample_locs, a->sample_loc_off[a->nsamples] * sizeof *a->sample_locs) == 0);
	mt_profile_free(a);
	mt_profile_free(b);
}

/* ---- speedscope E4 fixtures ---- */

#define SPEEDSCOPE "fixtures/jlfwong__speedscope/sample/profiles/"

static void test_v8prof__e4_chrome65_simple(void)
{
	if (!mt_t_shared())
		return;
	mt_input in = { 0 };
	if (read_shared(SPEEDSCOPE "Chrome/65/simple.cpuprofile", &in))
		MT_FAIL_("cannot read the fixture");
	mt_profile *p = NULL;
	mt_error err = MT_ERROR_INIT;
	int rc = mt_read_v8_cpuprofile(&p, in.data, in.len, NULL, &err);
	mt_input_free(&in);
	if (rc)
		MT_FAIL_("%s", errline(&err));
	CHECK_OK(mt_profile_validate(p, &err));
	/* speedscope: "<empty stack> 11.57ms", "(anonymous) 1.06ms", ";a;b;d 17.00ms", ";a;c;d 16.28ms" */
	CHECK_EQ_I(stack_value(p, "", 1), 11575000);
	CHECK_EQ_I(stack_value(p, "(anonymous)", 1), 1060000);
	CHECK_EQ_I(stack_value(p, "(anonymous);a;b;d", 1), 17002000);
	CHECK_EQ_I(stack_value(p, "(anonymous);a;c;d", 1), 16283000);
	CHECK_EQ_I(stack_value(p, "(anonymous);a;b;d", 0), 14);
	CHECK_EQ_I(stack_value(p, "(anonymous);a;c;d", 0), 14);
	CHECK_EQ_I(col_total(p, 0), 29);
	CHECK_EQ_I(used_frames(p), 5); /* (anonymous) a b c d */
	CHECK_EQ_I(p->time_nanos, 163140599286000LL);
	CHECK_EQ_I(p->duration_nanos, 47892000);
	mt_profile_free(p);
}

static void test_v8prof__e4_node10_example(void)
{
	if (!mt_t_shared())
		return;
	mt_input in = { 0 };
	if (read_shared(SPEEDSCOPE "node/10.11.0/example.cpuprofile", &in))
		MT_FAIL_("cannot read the fixture");
	mt_profile *p = NULL;
	mt_error err = MT_ERROR_INIT;
	int rc = mt_read_v8_cpuprofile(&p, in.data, in.len, NULL, &err);
	mt_input_free(&in);
	if (rc)
		MT_FAIL_("%s", errline(&err));
	/* speedscope: "<empty stack> 599.29ms", "(anonymous) 11.57ms", ";a;b;d 16.79ms", ";a;c;d 16.41ms" */
	CHECK_EQ_I(stack_value(p, "", 1), 599286000);
	CHECK_EQ_I(stack_value(p, "(anonymous)", 1), 11575000);
	CHECK_EQ_I(stack_value(p, "(anonymous);a;b;d", 1), 16788000);
	CHECK_EQ_I(stack_value(p, "(anonymous);a;c;d", 1), 16414000);
	CHECK_EQ_I(col_total(p, 0), 29);
	CHECK_EQ_I(used_frames(p), 5);
	mt_profile_free(p);
}

/*
 * speedscope's v8heapalloc snapshot counts one stack per node with a
 * non-zero selfSize and one frame per distinct (name, url, line, column),
 * "(root)" included: we drop "(root)", so our frames are one fewer.
 */
static void check_heap_fixture(const char *rel, uint32_t stacks, uint32_t frames, const char *stack,
	const char *leaf_file, int64_t bytes)
{
	if (!mt_t_shared())
		return;
	mt_input in = { 0 };
	if (read_shared(rel, &in))
		MT_FAIL_("cannot read %s", rel);
	mt_profile *p = NULL;
	mt_error err = MT_ERROR_INIT;
	int rc = mt_read_v8_heapprofile(&p, in.data, in.len, NULL, &err);
	mt_input_free(&in);
	if (rc)
		MT_FAIL_("%s", errline(&err));
	CHECK_OK(mt_profile_validate(p, &err));
	CHECK_EQ_I(nonzero_samples(p, 1), stacks);
	CHECK_EQ_I(used_frames(p) + 1, frames);
	/* the stack, its leaf's url ending in @leaf_file */
	int64_t v = -1;
	char buf[4096];
	for (uint32_t s = 0; s < p->nsamples; s++) {
		if (strcmp(stack_of(p, s, buf, sizeof buf), stack) != 0)
			continue;
		const mt_location *l = &p->locations[p->sample_locs[p->sample_loc_off[s]]];
		const char *file = mt_profile_str(p, p->functions[p->lines[l->first_line].func].filename);
		size_t fl = strlen(file), wl = strlen(leaf_file);
		if (fl >= wl && strcmp(file + fl - wl, leaf_file) == 0)
			v = (v < 0 ? 0 : v) + p->values[(size_t)s * p->nvalue_types + 1];
	}
	if (v != bytes)
		MT_FAIL_("%s: stack %s has %lld bytes, expected %lld", rel, stack, (long long)v, (long long)bytes);
	CHECK_EQ_I(col_total(p, 0), 0); /* these files have no "samples" */
	mt_profile_free(p);
}

static void test_v8prof__e4_heapprofiles(void)
{
	/* "(root);(anonymous vapi.js:0) 32.04 KB" (KB = 1024 bytes): 32808 bytes */
	check_heap_fixture(SPEEDSCOPE "Chrome/69/Heap-20181005T144546.heapprofile", 201, 441, "(anonymous)",
		"/vapi.js", 32808);
	/* "(root);onread;addChunk;emit;(anonymous index.js:270);execute;returnReply;emit;pmessageHandler 160.23 KB" */
	check_heap_fixture(SPEEDSCOPE "node/10.11.0/Heap-20181003T105432.heapprofile", 11, 74,
		"onread;addChunk;emit;(anonymous);execute;returnReply;emit;pmessageHandler", "node-redis-pubsub.js",
		164072);
}

/* ---- the Chromium 156 / node 20 corpus ---- */

static mt_profile *read_corpus(const char *name, int heap)
{
	char rel[256];
	snprintf(rel, sizeof rel, "corpus/v8/%s", name);
	mt_input in = { 0 };
	if (read_shared(rel, &in))
		return NULL;
	mt_profile *p = NULL;
	mt_error err = MT_ERROR_INIT;
	int rc = heap ? mt_read_v8_heapprofile(&p, in.data, in.len, NULL, &err) :
		mt_read_v8_cpuprofile(&p, in.data, in.len, NULL, &err);
	mt_input_free(&in);
	if (rc)
		fprintf(stderr, "# %s\n", errline(&err));
	return p;
}

/* self value of frames named @name in column @col (leaf only) */
static int64_t self_of(const mt_profile *p, const char *name, uint32_t col)
{
	int64_t sum = 0;
	for (uint32_t s = 0; s < p->nsamples; s++) {
		if (p->sample_loc_off[s] == p->sample_loc_off[s + 1])
			continue;
		const mt_location *l = &p->locations[p->sample_locs[p->sample_loc_off[s]]];
		if (strcmp(mt_profile_str(p, p->functions[p->lines[l->first_line].func].name), name) == 0)
			sum += p->values[(size_t)s * p->nvalue_types + col];
	}
	return sum;
}

/* the top self row in column @col, by value then name */
static const char *top_self(const mt_profile *p, uint32_t col)
{
	mt_top *t = NULL;
	mt_top_opts o = MT_TOP_OPTS_INIT;
	o.col = col;
	mt_error err = MT_ERROR_INIT;
	static char name[256];
	name[0] = '\0';
	if (mt_top_build(&t, p, &o, &err) == 0 && t->nrows)
		snprintf(name, sizeof name, "%s", mt_strtab_get(t->strings, t->rows[0].name));
	mt_top_free(t);
	return name;
}

/*
 * Expected numbers: computed from the JSON with an independent Python
 * script (json module; sample i weighs timeDeltas[i+1], the last 0).
 */
static void test_v8prof__corpus_interaction_cpuprofile(void)
{
	if (!mt_t_shared())
		return;
	mt_profile *p = read_corpus("interaction.cpuprofile", 0);
	if (!p)
		MT_FAIL_("cannot read interaction.cpuprofile");
	mt_error err = MT_ERROR_INIT;
	CHECK_OK(mt_profile_validate(p, &err));
	CHECK_EQ_I(col_total(p, 0), 6138);
	CHECK_EQ_I(col_total(p, 1), 2459491000LL);
	CHECK_EQ_I(stack_value(p, "", 1), 42815000);
	CHECK_EQ_I(self_of(p, "(idle)", 0), 5513);
	CHECK_EQ_I(self_of(p, "(idle)", 1), 1987303000LL);
	CHECK_EQ_I(self_of(p, "(program)", 0), 222);
	CHECK_EQ_I(self_of(p, "makeBase64Blob", 0), 48);
	CHECK_EQ_I(self_of(p, "onResize", 0), 19);
	CHECK_EQ_I(self_of(p, "onResize", 1), 7319000);
	CHECK_EQ_S(top_self(p, 1), "(idle)");
	/* the leak handlers of the interaction are in the profile */
	CHECK(loc_named(p, "onResize") != 0);
	CHECK(loc_named(p, "onKeydown") != 0);
	CHECK(loc_named(p, "onPortalClick") != 0);
	CHECK(loc_named(p, "onStoreTick") != 0);
	mt_profile_free(p);
}

static void test_v8prof__corpus_node_leak_cpuprofile(void)
{
	if (!mt_t_shared())
		return;
	mt_profile *p = read_corpus("node-leak.cpuprofile", 0);
	if (!p)
		MT_FAIL_("cannot read node-leak.cpuprofile");
	CHECK_EQ_I(col_total(p, 0), 171);
	CHECK_EQ_I(col_total(p, 1), 195850000);
	/* "The v8.writeHeapSnapshot call is inside the profile" */
	CHECK_EQ_I(self_of(p, "writeHeapSnapshot", 0), 111);
	CHECK_EQ_I(self_of(p, "writeHeapSnapshot", 1), 123244000);
	CHECK_EQ_I(self_of(p, "handleRequest", 0), 16);
	CHECK_EQ_S(top_self(p, 1), "writeHeapSnapshot");
	CHECK(loc_named(p, "main") != 0);
	mt_profile_free(p);
}

static void test_v8prof__corpus_interaction_heapprofile(void)
{
	if (!mt_t_shared())
		return;
	mt_profile *p = read_corpus("interaction.heapprofile", 1);
	if (!p)
		MT_FAIL_("cannot read interaction.heapprofile");
	mt_error err = MT_ERROR_INIT;
	CHECK_OK(mt_profile_validate(p, &err));
	/* 329 nodes, 131 with selfSize > 0, selfSize sum 563068; 214 samples on 131 nodes */
	CHECK_EQ_I(nonzero_samples(p, 1), 131);
	CHECK_EQ_I(col_total(p, 1), 563068);
	CHECK_EQ_I(col_total(p, 0), 214);
	CHECK_EQ_I(p->nsamples, 131);
	mt_profile_free(p);
}

int main(void)
{
	MT_RUN(test_v8prof__new_form);
	MT_RUN(test_v8prof__languages);
	MT_RUN(test_v8prof__parent_links_and_order);
	MT_RUN(test_v8prof__negative_deltas);
	MT_RUN(test_v8prof__fractions_and_exponents);
	MT_RUN(test_v8prof__hitcount_only);
	MT_RUN(test_v8prof__old_form);
	MT_RUN(test_v8prof__heapprofile);
	MT_RUN(test_v8prof__malformed);
	MT_RUN(test_v8prof__limits);
	MT_RUN(test_v8prof__deterministic);
	MT_RUN(test_v8prof__e4_chrome65_simple);
	MT_RUN(test_v8prof__e4_node10_example);
	MT_RUN(test_v8prof__e4_heapprofiles);
	MT_RUN(test_v8prof__corpus_interaction_cpuprofile);
	MT_RUN(test_v8prof__corpus_node_leak_cpuprofile);
	MT_RUN(test_v8prof__corpus_interaction_heapprofile);
	MT_DONE();
}
