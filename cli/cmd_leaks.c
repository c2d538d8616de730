/*
 * cli/cmd_leaks.c - `memtracer leaks` (leak roots from any dump) and
 * `memtracer diff` (NEW - BASE for profiles and goroutine dumps).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

typedef struct findings_out {
	const mt_findings *fs;
	int json;
} findings_out;

static int emit_findings(void *ctx, mt_sink *out, mt_error *err)
{
	const findings_out *o = ctx;
	return o->json ? mt_render_findings_json(o->fs, out, err) : mt_render_findings_text(o->fs, out, err);
}

typedef struct gr_diff_out {
	const mt_gr_diff *d;
	int json;
} gr_diff_out;

static int emit_gr_diff(void *ctx, mt_sink *out, mt_error *err)
{
	const gr_diff_out *o = ctx;
	return o->json ? mt_render_gr_diff_json(o->d, out, err) : mt_render_gr_diff_text(o->d, out, err);
}

/* The single-snapshot detectors (detached DOM, listeners, collections, large objects) on @h. */
static int heap_snapshot_leaks(mt_findings *fs, const mt_heap *h, const char *path)
{
	mt_error err = MT_ERROR_INIT;
	err.path = path;
	err.doing = "computing dominators";
	mt_heap_doms *d = NULL;
	int rc = 0;
	if (mt_heap_dominators(&d, h, &err) || mt_heap_leaks(fs, h, d, path, NULL, &err))
		rc = cli_fail(&err);
	mt_heap_doms_free(d);
	return rc;
}

static int not_leak_input(const cli_input *in)
{
	mt_error err = MT_ERROR_INIT;
	err.path = in->path;
	err.doing = "looking for leaks";
	if (in->heap) {
		mt_error_set(&err, MT_EUNSUPPORTED, MT_NO_OFFSET,
			"expected a goroutine dump as --baseline, found a heap snapshot; for heap snapshots use "
			"--baseline A --target B --final C, or give each snapshot as FILE");
		return cli_fail(&err);
	}
	const char *what = mt_format_name(in->format);
	char types[160] = "";
	if (in->profile && in->profile->nvalue_types) {
		size_t u = 0;
		for (uint32_t c = 0; c < in->profile->nvalue_types && u < sizeof types - 1; c++)
			u += (size_t)snprintf(types + u, sizeof types - u, "%s%s", c ? "," : " (",
				mt_profile_str(in->profile, in->profile->value_types[c].type));
		if (u < sizeof types - 1)
			snprintf(types + u, sizeof types - u, ")");
	}
	mt_error_set(&err, MT_EUNSUPPORTED, MT_NO_OFFSET,
		"expected a goroutine dump (pprof goroutine profile, debug=1/debug=2 text or a traceback), found %s%s; "
		"use `memtracer top` or `memtracer diff` for other profiles",
		what, types);
	return cli_fail(&err);
}

int cmd_leaks(int argc, char **argv)
{
	int json = 0, strict = 0;
	uint32_t nrows = 0;
	const char *baseline = NULL, *target = NULL, *final = NULL, *outp = "-";
	const cli_opt opts[] = {
		{ "json", 0, OPT_FLAG, &json, NULL,
		  "print {\"findings\":[{\"kind\",\"root\",\"count\",...}]} (the shape shared by every format)", NULL },
		{ "baseline", 0, OPT_STR, &baseline, "FILE",
		  "an earlier dump: add goroutine-growth findings (\"delta\") for what grew since", NULL },
		{ "target", 0, OPT_STR, &target, "FILE",
		  "heap snapshots: the snapshot after the leaking action (with --baseline and --final)", NULL },
		{ "final", 0, OPT_STR, &final, "FILE",
		  "heap snapshots: after going back; objects new in --target and alive here are growth", NULL },
		{ "nodecount", 'n', OPT_U32, &nrows, "N", "report only the first N findings (0 = all)", "0" },
		CLI_OPT_OUTPUT(outp),
		{ "strict", 0, OPT_FLAG, &strict, NULL, "treat reader warnings as errors", NULL },
		{ 0 },
	};
	char **pos = argv; /* cli_parse moves the positional arguments to the front */
	int npos, rc = cli_parse("leaks", "[options] FILE...",
		"Find leak roots. For Go goroutine dumps (pprof goroutine profiles, ?debug=1 and ?debug=2\n"
		"text, crash and SIGQUIT tracebacks): goroutines parked on a channel, select, lock, IO or\n"
		"sleep, grouped by stack, ranked by count x wait x how suspicious the state is, each named\n"
		"by its leak root (the innermost frame in the program's own code) and its creator.\n"
		"With --baseline, buckets that grew since the baseline are reported as goroutine-growth.\n"
		"For JFR recordings: old-object samples (with their path to the GC root) and threads\n"
		"parked for the whole recording.\n"
		"For a V8 heap snapshot: detached DOM trees clustered by retainer path (\"x5\"), listener\n"
		"closures piling up on one event, collections holding many instances of one class, and\n"
		"large strings and buffers, each named by the closure or variable holding it.\n"
		"For V8 heap snapshots of one session, --baseline A --target B --final C (memlab's method):\n"
		"objects allocated after A, present in B and still alive in C, clustered by retainer path.",
		opts, argc, argv, pos, &npos);
	if (rc) {
		return rc < 0 ? EXIT_OK : rc;
	}
	if (npos == 0 && !target && !final) {
		return cli_usage_error("leaks", "expected at least one input FILE");
	}
	mt_findings *fs = NULL;
	if (mt_findings_new(&fs)) {
		fprintf(stderr, "memtracer leaks: out of memory\n");
		return EXIT_INPUT;
	}
	if (target || final) {
		rc = cli_heap_growth(fs, baseline, target, final, npos, strict);
		goto report;
	}
	cli_input base = { 0 };
	if (baseline) {
		rc = cli_open(baseline, CLI_WANT_GOROUTINES | CLI_WANT_HEAP, strict, &base);
		if (!rc && base.heap)
			rc = cli_usage_error("leaks", "--baseline %s is a heap snapshot: the three-snapshot comparison "
				"also needs --target B and --final C", baseline);
		else if (!rc && !base.goroutines)
			rc = not_leak_input(&base);
	}
	for (int i = 0; i < npos && !rc; i++) {
		cli_input in;
		rc = cli_open(pos[i], CLI_WANT_GOROUTINES | CLI_WANT_HEAP | CLI_WANT_RAW, strict, &in);
		if (rc)
			break;
		mt_error err = MT_ERROR_INIT;
		err.path = pos[i];
		err.doing = "looking for leaks";
		if (in.raw.data && in.format == MT_FORMAT_JFR) {
			/* old-object samples and threads parked for the whole recording */
			if (mt_jfr_leaks(fs, in.raw.data, in.raw.len, pos[i], &err))
				rc = cli_fail(&err);
		} else if (in.heap) {
			rc = heap_snapshot_leaks(fs, in.heap, pos[i]);
		} else if (!in.goroutines)
			rc = not_leak_input(&in);
		else if (mt_goroutine_leaks(fs, in.goroutines, pos[i], &err) ||
			 (base.goroutines && mt_goroutine_growth(fs, base.goroutines, in.goroutines, pos[i], &err)))
			rc = cli_fail(&err);
		cli_input_free(&in);
	}
	cli_input_free(&base);
report:
	if (!rc) {
		mt_findings_sort(fs);
		if (nrows && nrows < mt_findings_count(fs)) {
			mt_findings *cut;
			if (!mt_findings_new(&cut)) {
				for (uint32_t i = 0; i < nrows; i++)
					mt_findings_add(cut, mt_findings_get(fs, i));
				mt_findings_free(fs);
				fs = cut;
			}
		}
		findings_out o = { fs, json };
		rc = cli_emit(outp, emit_findings, &o);
	}
	mt_findings_free(fs);
	return rc;
}

int cmd_diff(int argc, char **argv)
{
	sel_opts s;
	sel_init(&s);
	int json = 0;
	uint32_t nrows = 0;
	const char *outp = "-";
	const cli_opt opts[] = {
		{ "json", 0, OPT_FLAG, &json, NULL,
		  "JSON: the top table of NEW - BASE, or {\"kind\":\"goroutine-diff\"|\"heap-diff\",\"rows\":[...]}", NULL },
		{ "nodecount", 'n', OPT_U32, &nrows, "N", "profiles: show only the first N rows (0 = all)", "0" },
		CLI_OPT_OUTPUT(outp),
		SEL_OPTIONS(s),
		{ 0 },
	};
	char **pos = argv; /* cli_parse moves the positional arguments to the front */
	int npos, rc = cli_parse("diff", "[options] BASE NEW",
		"Compare two inputs of one kind. Two goroutine dumps (any mix of pprof, debug=1, debug=2\n"
		"and tracebacks): per-bucket growth, e.g. \"+412 goroutines in main.(*hub).wait.func1\n"
		"[chan receive]\". Two profiles: pprof's -diff_base (NEW minus BASE, negative values kept),\n"
		"shown as a top table of the differences. Two V8 heap snapshots of one session: objects\n"
		"per class as DevTools' Comparison view (# new, # deleted, # delta, alloc/freed/size delta).",
		opts, argc, argv, pos, &npos);
	if (rc) {
		return rc < 0 ? EXIT_OK : rc;
	}
	if (npos != 2) {
		return cli_usage_error("diff", "expected two inputs, BASE and NEW; found %d", npos);
	}
	cli_input a = { 0 }, b = { 0 };
	rc = cli_open(pos[0], CLI_WANT_PROFILE | CLI_WANT_GOROUTINES | CLI_WANT_HEAP, s.strict, &a);
	if (!rc && a.heap)
		return cli_heap_diff(&a, pos[1], json, nrows, outp, s.strict);
	if (!rc)
		rc = cli_open(pos[1], CLI_WANT_PROFILE | CLI_WANT_GOROUTINES, s.strict, &b);
	if (rc)
		goto out;
	mt_error err = MT_ERROR_INIT;
	err.path = pos[1];
	err.doing = "comparing";
	if (a.goroutines && b.goroutines) {
		mt_gr_diff *d = NULL;
		if (mt_goroutines_diff(&d, a.goroutines, b.goroutines, &err)) {
			rc = cli_fail(&err);
		} else {
			gr_diff_out o = { d, json };
			rc = cli_emit(outp, emit_gr_diff, &o);
		}
		mt_gr_diff_free(d);
		goto out;
	}
	mt_profile *dp = NULL;
	mt_filter *f = NULL;
	mt_top *top = NULL;
	mt_top_opts to = MT_TOP_OPTS_INIT;
	if (mt_profile_diff(&dp, a.profile, b.profile, &err)) {
		if (err.code == MT_EINVAL)
			err.code = MT_EFORMAT; /* incompatible inputs are bad input, not bad usage */
		rc = cli_fail(&err);
	} else if (!(rc = select_samples(pos[1], dp, &s, &to.col, &f))) {
		to.filter = f;
		if (mt_top_build(&top, dp, &to, &err)) {
			rc = cli_fail(&err);
		} else {
			cli_top_out t = { top, nrows, json };
			rc = cli_emit(outp, cli_emit_top, &t);
		}
	}
	mt_top_free(top);
	mt_filter_free(f);
	mt_profile_free(dp);
out:
	cli_input_free(&a);
	cli_input_free(&b);
	return rc;
}
