/*
 * cli/cmd_heapcmp.c - heap snapshots compared by object id, for `memtracer
 * leaks --baseline A --target B --final C` (growth findings) and `memtracer
 * diff A B` (per-class comparison). One snapshot is held at a time: A
 * becomes a sorted id array (or a census) and is freed before B is read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "memtracer/heap_compare.h"
#include "memtracer/json.h"

/* Opens @path, which must be a heap snapshot (@role names it in the error); an exit code. */
static int open_heap(const char *path, const char *role, const char *cmd, int strict, mt_heap **out)
{
	cli_input in;
	*out = NULL;
	int rc = cli_open(path, CLI_WANT_HEAP, strict, &in);
	if (rc)
		return rc;
	if (!in.heap) {
		mt_error err = MT_ERROR_INIT;
		err.path = path;
		err.doing = cmd;
		mt_error_set(&err, MT_EUNSUPPORTED, MT_NO_OFFSET, "expected a V8 heap snapshot as %s, found %s", role,
			mt_format_name(in.format));
		cli_input_free(&in);
		return cli_fail(&err);
	}
	*out = in.heap;
	in.heap = NULL;
	cli_input_free(&in);
	return 0;
}

/* the totals behind the growth findings, as the "growth" member of the findings envelope */
static int growth_summary(mt_findings *fs, const mt_heap_growth_stats *st, const char *target, const char *final,
	mt_error *err)
{
	mt_jobj o;
	mt_jobj_begin(&o);
	mt_jobj_cstr(&o, "target", target);
	mt_jobj_cstr(&o, "final", final);
	mt_jobj_i64(&o, "candidates", st->candidates);
	mt_jobj_i64(&o, "candidate_self", (int64_t)st->candidate_self);
	mt_jobj_i64(&o, "kept", st->kept);
	mt_jobj_i64(&o, "kept_self", (int64_t)st->kept_self);
	mt_jobj_i64(&o, "detached_dom", st->detached_dom);
	mt_jobj_i64(&o, "clusters", st->clusters);
	mt_jobj_i64(&o, "engine_held", st->engine_held);
	mt_jobj_i64(&o, "lone", st->lone);
	mt_jobj_i64(&o, "unreachable", st->unreachable);
	int rc = mt_jobj_end(&o);
	if (!rc)
		rc = mt_findings_set_summary(fs, "growth", (const char *)o.buf.data);
	mt_jobj_free(&o);
	return rc ? mt_error_set(err, rc, MT_NO_OFFSET, "out of memory") : 0;
}

int cli_heap_growth(mt_findings *fs, const char *baseline, const char *target, const char *final, int npos,
	int strict)
{
	if (!baseline || !target || !final)
		return cli_usage_error("leaks", "the three-snapshot comparison needs --baseline A, --target B and "
			"--final C (missing: %s%s%s)", baseline ? "" : "--baseline ", target ? "" : "--target ",
			final ? "" : "--final");
	if (npos)
		return cli_usage_error("leaks", "expected no FILE with --target and --final, found %d", npos);
	const char *doing = "comparing heap snapshots";
	mt_heap *h = NULL;
	mt_heap_ids base = { 0 }, fresh = { 0 };
	mt_heap_doms *d = NULL;
	mt_error err = MT_ERROR_INIT;
	int rc = open_heap(baseline, "--baseline", doing, strict, &h);
	if (rc)
		return rc;
	err.path = baseline;
	err.doing = doing;
	rc = mt_heap_ids_of(&base, h, &err);
	mt_heap_free(h);
	h = NULL;
	if (rc)
		return cli_fail(&err);
	if (!(rc = open_heap(target, "--target", doing, strict, &h))) {
		err.path = target;
		rc = mt_heap_ids_new(&fresh, h, &base, &err) ? cli_fail(&err) : 0;
		mt_heap_free(h);
		h = NULL;
	}
	mt_heap_ids_free(&base);
	if (!rc && !(rc = open_heap(final, "--final", doing, strict, &h))) {
		mt_heap_growth_stats st;
		err.path = final;
		err.doing = "computing dominators";
		if (mt_heap_dominators(&d, h, &err)) {
			rc = cli_fail(&err);
		} else {
			err.doing = "clustering growth";
			if (mt_heap_growth(fs, &st, h, d, &fresh, final, &err) || growth_summary(fs, &st, target, final, &err))
				rc = cli_fail(&err);
			else if (!cli_quiet)
				fprintf(stderr,
					"memtracer leaks: %u objects new in %s and alive in %s (%llu bytes self); "
					"%u kept (%u detached DOM); %u clusters reported (left out: %u objects held by engine "
					"caches, %u in lone small clusters, %u unreachable)\n",
					st.candidates, target, final, (unsigned long long)st.candidate_self, st.kept,
					st.detached_dom, st.clusters, st.engine_held, st.lone, st.unreachable);
		}
	}
	mt_heap_doms_free(d);
	mt_heap_free(h);
	mt_heap_ids_free(&fresh);
	return rc;
}

typedef struct diff_out {
	const mt_heap_diff *d;
	uint32_t nrows;
	int json;
} diff_out;

static int emit_diff(void *ctx, mt_sink *out, mt_error *err)
{
	const diff_out *o = ctx;
	return o->json ? mt_render_heap_diff_json(o->d, o->nrows, out, err)
		       : mt_render_heap_diff_text(o->d, o->nrows, out, err);
}

int cli_heap_diff(cli_input *a, const char *path_b, int json, uint32_t nrows, const char *outp, int strict)
{
	mt_heap_census *ca = NULL, *cb = NULL;
	mt_heap_diff *d = NULL;
	mt_heap *h = NULL;
	mt_error err = MT_ERROR_INIT;
	err.path = a->path;
	err.doing = "comparing heap snapshots";
	int rc = mt_heap_census_of(&ca, a->heap, &err) ? cli_fail(&err) : 0;
	cli_input_free(a); /* one snapshot in memory at a time */
	if (!rc && !(rc = open_heap(path_b, "NEW, like BASE", "comparing heap snapshots", strict, &h))) {
		err.path = path_b;
		if (mt_heap_census_of(&cb, h, &err))
			rc = cli_fail(&err);
		mt_heap_free(h);
		h = NULL;
		if (!rc && mt_heap_diff_of(&d, ca, cb, &err))
			rc = cli_fail(&err);
		if (!rc) {
			diff_out o = { d, nrows, json };
			rc = cli_emit(outp, emit_diff, &o);
		}
	}
	mt_heap_free(h);
	mt_heap_diff_free(d);
	mt_heap_census_free(ca);
	mt_heap_census_free(cb);
	return rc;
}
