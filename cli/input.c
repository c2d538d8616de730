/*
 * cli/input.c - opening any input: sniff its content, then read it with
 * the matching reader. Goroutine text dumps are streamed; everything else
 * is inflated into memory and read whole.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

typedef struct warn_state {
	const char *path;
	int count;
} warn_state;

static void on_warn(void *ctx, const char *path, const char *msg)
{
	warn_state *w = ctx;
	w->count++;
	if (!cli_quiet)
		fprintf(stderr, "%s: warning: %s\n", path ? path : w->path, msg);
}

static int fail(mt_error *err)
{
	if (err->code == MT_EINVAL)
		err->code = MT_EFORMAT; /* a bad input is never a usage error */
	return cli_fail(err);
}

void cli_input_free(cli_input *in)
{
	mt_profile_free(in->profile);
	mt_goroutines_free(in->goroutines);
	mt_heap_free(in->heap);
	mt_input_free(&in->raw);
	memset(in, 0, sizeof *in);
}

static int open_input(const char *path, unsigned want, int strict, cli_input *in)
{
	memset(in, 0, sizeof *in);
	in->path = path;
	mt_error err = MT_ERROR_INIT;
	err.path = path;
	warn_state ws = { path, 0 };
	mt_read_opts ro = MT_READ_OPTS_INIT;
	ro.warn = on_warn;
	ro.warn_ctx = &ws;
	ro.strict = strict;
	if (!(want & CLI_WANT_HEAP_LOCATIONS))
		ro.heap_flags |= MT_READ_HEAP_NO_LOCATIONS;   /* no command uses them but info's count */

	mt_stream *s;
	err.doing = "reading the input";
	if (mt_stream_open(&s, path, &err))
		return cli_fail(&err);
	const uint8_t *peek;
	size_t plen;
	mt_stream_peek(s, &peek, &plen, &err);
	const char *detail = NULL;
	in->format = mt_detect(peek, plen, &detail);
	err.doing = NULL;

	if (in->format == MT_FORMAT_GOROUTINE_TEXT) {
		int rc = mt_read_goroutines_text(&in->goroutines, s, &ro, &err);
		mt_stream_close(s);
		if (rc)
			return fail(&err);
		if (in->goroutines->truncated && !cli_quiet)
			fprintf(stderr, "%s: warning: truncated at byte %llu: %s; analysed the %llu goroutines before it\n",
				path, (unsigned long long)in->goroutines->truncated_at, in->goroutines->truncated_msg,
				(unsigned long long)in->goroutines->total);
		if (want & CLI_WANT_PROFILE) {
			err.doing = "converting goroutines";
			if (mt_goroutines_to_profile(&in->profile, in->goroutines, &err))
				return fail(&err);
		}
		return 0;
	}

	if (in->format == MT_FORMAT_V8_HEAP) {
		if (!(want & (CLI_WANT_HEAP | CLI_WANT_PROFILE))) {
			mt_stream_close(s);
			mt_error_set(&err, MT_EUNSUPPORTED, MT_NO_OFFSET,
				"expected a profile, found a V8 heap snapshot; use `memtracer info`, `leaks`, "
				"`dominators`, `retainers` or `flame` on heap snapshots");
			return cli_fail(&err);
		}
		int rc = mt_heap_read(&in->heap, s, &ro, &err);
		mt_stream_close(s);
		if (rc)
			return fail(&err);
		if (!(want & CLI_WANT_HEAP)) {
			/* wanted as a profile: its allocation sites (snapshots taken with allocation tracking) */
			err.doing = "reading allocation traces";
			rc = mt_heap_alloc_profile(&in->profile, in->heap, &err);
			mt_heap_free(in->heap);
			in->heap = NULL;
			if (rc == MT_EUNSUPPORTED) {
				mt_error e2 = MT_ERROR_INIT;
				e2.path = path;
				e2.doing = err.doing;
				mt_error_set(&e2, rc, MT_NO_OFFSET, "expected a profile, found a V8 heap snapshot without "
					"allocation traces; use `memtracer info`, `leaks`, `dominators`, `retainers` or "
					"`flame` on it");
				return fail(&e2);
			}
			if (rc)
				return fail(&err);
		}
		return 0;
	}

	mt_input data;
	err.doing = "reading the input";
	int rc;
	if (strcmp(path, "-") != 0 && !mt_stream_is_gzip(s)) {
		/* a plain file: map it instead of copying it through the stream */
		mt_stream_close(s);
		rc = mt_input_read(&data, path, 0, &err);
	} else {
		rc = mt_input_from_stream(&data, path, s, 0, &err);
		mt_stream_close(s);
	}
	if (rc)
		return cli_fail(&err);
	err.doing = NULL;
	/* the command's --threads and --from/--to (cli_sel): a recording reads
	 * only the window and, for one-column outputs, only that column's events */
	const sel_opts *sel = (want & CLI_WANT_PROFILE) ? cli_sel : NULL;
	mt_time_bound from = MT_TIME_BOUND_NONE, to = MT_TIME_BOUND_NONE;
	if (sel && ((sel->from && mt_time_bound_parse(sel->from, &from, &err)) ||
		    (sel->to && mt_time_bound_parse(sel->to, &to, &err)))) {
		mt_input_free(&data);
		fprintf(stderr, "memtracer: %s\n", err.msg);
		return EXIT_USAGE;
	}
	mt_jfr_opts jo = MT_JFR_OPTS_INIT;
	if (sel) {
		jo.from = from;
		jo.to = to;
		jo.signatures = sel->signatures;
		if (sel->one_column && !sel->filter.tag_focus && !sel->filter.tag_ignore) {
			jo.column = sel->sample_index;
			jo.aggregate = 1;
		}
	}
	if (in->format == MT_FORMAT_JFR && (want & CLI_WANT_RAW) &&
	    (!(want & CLI_WANT_PROFILE) || (want & CLI_WANT_JFR_RAW))) {
		in->raw = data; /* the caller summarises it or looks for leak candidates */
		return 0;
	}
	if (in->format == MT_FORMAT_JFR)
		rc = mt_read_jfr_ex(&in->profile, data.data, data.len, &jo, &ro, &err);
	else
		rc = mt_read_profile(&in->profile, path, data.data, data.len, &ro, &err);
	if (in->format == MT_FORMAT_JFR && (want & CLI_WANT_RAW))
		in->raw = data; /* the caller also summarises it or looks for leak candidates */
	else
		mt_input_free(&data);
	if (rc)
		return fail(&err);
	err.doing = "selecting samples";
	if (in->format != MT_FORMAT_JFR && mt_profile_time_window(in->profile, &from, &to, &err))
		return fail(&err);
	if (sel && sel->threads && mt_profile_label_roots(in->profile, "thread", &err))
		return fail(&err);
	/* as go tool pprof does on load: the profile's own drop_frames/keep_frames */
	err.doing = "applying drop_frames";
	if (mt_profile_prune(in->profile, &err))
		return fail(&err);
	err.doing = NULL;
	if (want & CLI_WANT_GOROUTINES) {
		/* a goroutine pprof profile also opens as buckets */
		for (uint32_t c = 0; c < in->profile->nvalue_types; c++)
			if (!strcmp(mt_profile_str(in->profile, in->profile->value_types[c].type), "goroutine")) {
				err.doing = "bucketing goroutines";
				if (mt_goroutines_from_profile(&in->goroutines, in->profile, &err))
					return fail(&err);
				break;
			}
	}
	return 0;
}

int cli_open(const char *path, unsigned want, int strict, cli_input *in)
{
	int rc = open_input(path, want, strict, in);
	if (rc)
		cli_input_free(in); /* nothing half-read survives a failure */
	return rc;
}

int cli_load(const char *path, mt_profile **out, int strict)
{
	cli_input in;
	*out = NULL;
	int rc = cli_open(path, CLI_WANT_PROFILE, strict, &in);
	if (!rc) {
		*out = in.profile;
		in.profile = NULL;
	}
	cli_input_free(&in);
	return rc;
}

int cli_load_all(char **paths, int n, mt_profile **out, int strict)
{
	if (n == 1)
		return cli_load(paths[0], out, strict);
	mt_profile **ps = calloc((size_t)n, sizeof *ps);
	if (!ps) {
		fprintf(stderr, "memtracer: out of memory\n");
		return EXIT_INPUT;
	}
	int rc = 0;
	for (int i = 0; i < n && !rc; i++)
		rc = cli_load(paths[i], &ps[i], strict);
	if (!rc) {
		mt_error err = MT_ERROR_INIT;
		err.path = paths[0];
		err.doing = "merging the inputs";
		if (mt_profile_merge(out, (const mt_profile *const *)ps, (size_t)n, &err))
			rc = fail(&err);
	}
	for (int i = 0; i < n; i++)
		mt_profile_free(ps[i]);
	free(ps);
	return rc;
}
