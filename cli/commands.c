/*
 * cli/commands.c - info, top, flame and convert. Each command parses its
 * options, loads its inputs and calls the library; no analysis here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli.h"


const sel_opts *cli_sel;

void sel_init(sel_opts *s)
{
	memset(s, 0, sizeof *s);
	mt_filter_opts f = MT_FILTER_OPTS_INIT;
	s->filter = f;
	cli_sel = s;
}

/* column + filter for a loaded profile; returns an exit code */
int select_samples(const char *path, const mt_profile *p, const sel_opts *s, uint32_t *col,
	mt_filter **filter)
{
	mt_error err = MT_ERROR_INIT;
	err.path = path;
	if (mt_profile_find_column(p, s->sample_index, col, &err))
		return cli_fail(&err);
	if (mt_filter_new(filter, p, &s->filter, &err))
		return cli_fail(&err);
	return 0;
}

/* ---------------------------------------------------------------- info */

int cmd_info(int argc, char **argv)
{
	int json = 0, strict = 0;
	const cli_opt opts[] = {
		{ "json", 0, OPT_FLAG, &json, NULL, "print JSON (one object per input, one per line)", NULL },
		{ "strict", 0, OPT_FLAG, &strict, NULL, "treat reader warnings as errors", NULL },
		{ 0 },
	};
	char **pos = argv; /* cli_parse moves the positional arguments to the front */
	int npos, rc = cli_parse("info", "[options] FILE...",
		"Summarise profiles: format, sample types and totals, counts, metadata.\n"
		"FILE may be '-' for standard input; gzip is detected by content.",
		opts, argc, argv, pos, &npos);
	if (rc) {
		return rc < 0 ? EXIT_OK : rc;
	}
	if (npos == 0) {
		return cli_usage_error("info", "expected at least one input FILE");
	}
	int status = EXIT_OK;
	mt_sink out = mt_sink_stdio(stdout);
	for (int i = 0; i < npos; i++) {
		cli_input in;
		int r = cli_open(pos[i], CLI_WANT_PROFILE | CLI_WANT_HEAP | CLI_WANT_HEAP_LOCATIONS | CLI_WANT_RAW | CLI_WANT_JFR_RAW,
			strict, &in);
		if (r) {
			status = r;
			continue;
		}
		mt_error err = MT_ERROR_INIT;
		err.path = pos[i];
		if (!json && i)
			mt_sink_puts(&out, "\n");
		mt_jfr_summary *js = NULL;
		if (in.raw.data && in.format == MT_FORMAT_JFR) {
			/* what `jfr summary` shows: chunks, versions, events per type */
			err.doing = "summarising the recording";
			r = mt_jfr_summarize(&js, in.raw.data, in.raw.len, &err);
			if (!r)
				r = json ? mt_render_jfr_info_json(js, pos[i], &out, &err)
					 : mt_render_jfr_info_text(js, pos[i], &out, &err);
			mt_jfr_summary_free(js);
		} else if (in.heap)
			r = json ? mt_render_heap_info_json(in.heap, pos[i], &out, &err)
				 : mt_render_heap_info_text(in.heap, pos[i], &out, &err);
		else
			r = json ? mt_render_info_json(in.profile, pos[i], &out, &err)
				 : mt_render_info_text(in.profile, pos[i], &out, &err);
		if (r)
			status = cli_fail(&err);
		cli_input_free(&in);
	}
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "memtracer info: cannot write to standard output\n");
		return EXIT_INPUT;
	}
	return status;
}

/* ----------------------------------------------------------------- top */

int cmd_top(int argc, char **argv)
{
	sel_opts s;
	sel_init(&s);
	s.one_column = 1;   /* one column, no per-sample labels shown */
	int json = 0;
	uint32_t nrows = MT_DEFAULT_TOP_ROWS;
	const char *gran = "functions", *outp = "-";
	const cli_opt opts[] = {
		{ "json", 0, OPT_FLAG, &json, NULL,
		  "print {\"sample_type\",\"unit\",\"total\",\"rows\":[{\"name\",\"flat\",\"cum\"}]} with exact values",
		  NULL },
		{ "nodecount", 'n', OPT_U32, &nrows, "N", "show only the first N rows (0 = all)", XSTR(MT_DEFAULT_TOP_ROWS) },
		{ "granularity", 0, OPT_STR, &gran, "G", "functions, files or lines", "functions" },
		CLI_OPT_OUTPUT(outp),
		SEL_OPTIONS(s),
		{ 0 },
	};
	char **pos = argv; /* cli_parse moves the positional arguments to the front */
	int npos, rc = cli_parse("top", "[options] FILE...",
		"The flat/cum table of `go tool pprof -top`: flat = value of samples whose leaf is the\n"
		"function, cum = of samples with it anywhere on the stack. Rows are ordered by flat, then\n"
		"name. Several FILEs with the same sample types are merged.",
		opts, argc, argv, pos, &npos);
	if (rc) {
		return rc < 0 ? EXIT_OK : rc;
	}
	mt_top_opts to = MT_TOP_OPTS_INIT;
	if (!strcmp(gran, "functions"))
		to.granularity = MT_GRAN_FUNCTIONS;
	else if (!strcmp(gran, "files"))
		to.granularity = MT_GRAN_FILES;
	else if (!strcmp(gran, "lines"))
		to.granularity = MT_GRAN_LINES;
	else {
		return cli_usage_error("top", "--granularity expects functions, files or lines, found \"%s\"", gran);
	}
	if (npos == 0) {
		return cli_usage_error("top", "expected at least one input FILE");
	}
	mt_profile *p = NULL;
	mt_filter *f = NULL;
	mt_top *top = NULL;
	rc = cli_load_all(pos, npos, &p, s.strict);
	if (!rc)
		rc = select_samples(pos[0], p, &s, &to.col, &f);
	if (!rc) {
		mt_error err = MT_ERROR_INIT;
		err.path = pos[0];
		to.filter = f;
		if (mt_top_build(&top, p, &to, &err)) {
			rc = cli_fail(&err);
		} else {
			cli_top_out t = { top, nrows, json };
			rc = cli_emit(outp, cli_emit_top, &t);
		}
	}
	mt_top_free(top);
	mt_filter_free(f);
	mt_profile_free(p);
	return rc;
}

/* --------------------------------------------------------------- flame */

enum out_fmt { FMT_NONE, FMT_SVG, FMT_PNG, FMT_FOLDED, FMT_PPROF, FMT_JSON };

static enum out_fmt fmt_from_name(const char *s)
{
	if (!strcasecmp(s, "svg"))
		return FMT_SVG;
	if (!strcasecmp(s, "png"))
		return FMT_PNG;
	if (!strcasecmp(s, "folded") || !strcasecmp(s, "collapsed"))
		return FMT_FOLDED;
	if (!strcasecmp(s, "pprof") || !strcasecmp(s, "proto"))
		return FMT_PPROF;
	if (!strcasecmp(s, "json"))
		return FMT_JSON;
	return FMT_NONE;
}

static enum out_fmt fmt_from_path(const char *path)
{
	if (cli_ends_with(path, ".svg"))
		return FMT_SVG;
	if (cli_ends_with(path, ".png"))
		return FMT_PNG;
	if (cli_ends_with(path, ".folded") || cli_ends_with(path, ".collapsed") || cli_ends_with(path, ".txt"))
		return FMT_FOLDED;
	if (cli_ends_with(path, ".pb.gz") || cli_ends_with(path, ".pprof") || cli_ends_with(path, ".pb"))
		return FMT_PPROF;
	if (cli_ends_with(path, ".json"))
		return FMT_JSON;
	return FMT_NONE;
}

/* Writes with @fn into @outp atomically; returns an exit code. */
int cli_emit(const char *outp, cli_emit_fn fn, void *ctx)
{
	mt_error err = MT_ERROR_INIT;
	err.path = outp;
	mt_outfile of;
	if (mt_outfile_open(&of, outp, &err))
		return cli_fail(&err);
	if (fn(ctx, &of.sink, &err)) {
		mt_outfile_abort(&of);
		return cli_fail(&err);
	}
	if (mt_outfile_commit(&of, &err))
		return cli_fail(&err);
	return 0;
}

int cli_emit_top(void *ctx, mt_sink *out, mt_error *err)
{
	const cli_top_out *t = ctx;
	return t->json ? mt_render_top_json(t->top, t->nrows, out, err)
		       : mt_render_top_text(t->top, t->nrows, out, err);
}

typedef struct flame_ctx {
	const mt_tree *tree;
	const mt_profile *profile;
	mt_flame_opts fo;
	enum out_fmt fmt;
	int gzip;
} flame_ctx;

static int emit_flame(void *c, mt_sink *out, mt_error *err)
{
	flame_ctx *x = c;
	switch (x->fmt) {
	case FMT_PNG:
		return mt_render_png(x->tree, &x->fo, out, err);
	case FMT_FOLDED:
		return mt_write_folded(x->tree, x->fo.col, out, err);
	case FMT_PPROF:
		return mt_write_pprof(x->profile, x->gzip, out, err);
	case FMT_JSON:
		return mt_write_profile_json(x->profile, out, err);
	default:
		return mt_render_svg(x->tree, &x->fo, out, err);
	}
}

static void warn_stderr(void *ctx, const char *path, const char *msg)
{
	if (!cli_quiet)
		fprintf(stderr, "%s: warning: %s\n", path ? path : (const char *)ctx, msg);
}

/*
 * A folded file goes straight to its tree (mt_read_folded_tree: no
 * profile in between) when nothing needs the profile: one named file (stdin
 * cannot be read twice), no selection or filter, no --reverse or --lines.
 * Returns -1 when @path is not folded stacks (the caller takes the general
 * way), else an exit code, with *@t set on success.
 */
static int flame_folded_tree(const char *path, int strict, mt_tree **t)
{
	mt_error err = MT_ERROR_INIT;
	err.path = path;
	mt_stream *st;
	const uint8_t *peek;
	size_t plen;
	if (mt_stream_open(&st, path, &err))
		return -1;   /* the general way reports it */
	int folded = !mt_stream_peek(st, &peek, &plen, &err) &&
		mt_detect(peek, plen, NULL) == MT_FORMAT_FOLDED;
	mt_stream_close(st);
	mt_input in;
	if (!folded || mt_input_read(&in, path, 0, &err))
		return -1;
	if (mt_detect(in.data, in.len, NULL) != MT_FORMAT_FOLDED) {
		mt_input_free(&in);
		return -1;
	}
	mt_read_opts ro = MT_READ_OPTS_INIT;
	ro.warn = warn_stderr;
	ro.warn_ctx = (void *)path;
	ro.strict = strict;
	int rc = mt_read_folded_tree(t, in.data, in.len, &ro, &err);
	mt_input_free(&in);
	if (rc) {
		if (err.code == MT_EINVAL)
			err.code = MT_EFORMAT; /* a bad input is never a usage error */
		return cli_fail(&err);
	}
	return 0;
}

int cmd_flame(int argc, char **argv)
{
	sel_opts s;
	sel_init(&s);
	s.one_column = 1;   /* one column, no per-sample labels shown */
	mt_flame_opts fo = MT_FLAME_OPTS_INIT;
	const char *outp = "-", *format = NULL, *palette = NULL;
	int reverse = 0, lines = 0;
	const cli_opt opts[] = {
		{ "output", 'o', OPT_STR, &outp, "FILE", "write to FILE; format from its extension (.svg, .png)", "-" },
		{ "format", 0, OPT_STR, &format, "FMT", "svg, png or folded (overrides the extension)", "svg" },
		{ "title", 0, OPT_STR, &fo.title, "TEXT", "title", "\"" MT_DEFAULT_TITLE "\"" },
		{ "subtitle", 0, OPT_STR, &fo.subtitle, "TEXT", "second line under the title", NULL },
		{ "width", 0, OPT_U32, &fo.width, "PX", "image width", XSTR(MT_DEFAULT_WIDTH) },
		{ "frame-height", 0, OPT_U32, &fo.frame_height, "PX", "height of one frame", XSTR(MT_DEFAULT_FRAME_HEIGHT) },
		{ "font-size", 0, OPT_DOUBLE, &fo.font_size, "PT", "font size", XSTR(MT_DEFAULT_FONT_SIZE) },
		{ "min-width", 0, OPT_DOUBLE, &fo.min_width, "PX", "omit frames narrower than this", XSTR(MT_DEFAULT_MIN_WIDTH) },
		{ "icicle", 0, OPT_FLAG, &fo.icicle, NULL, "root at the top (icicle graph)", NULL },
		{ "reverse", 0, OPT_FLAG, &reverse, NULL, "merge stacks from the leaf (callers above callees)", NULL },
		{ "palette", 0, OPT_STR, &palette, "NAME", "hot, mem, io, origin, go, java, js or native", "hot; mem for heap snapshots" },
		{ "count-name", 0, OPT_STR, &fo.count_name, "NAME", "unit word in tooltips", "from the sample type" },
		{ "lines", 0, OPT_FLAG, &lines, NULL, "one frame per function:line", NULL },
		{ "no-js", 0, OPT_FLAG, &fo.no_js, NULL, "static SVG without script (for places that strip it)", NULL },
		{ "pretty", 0, OPT_FLAG, &fo.pretty, NULL, "indent the SVG", NULL },
		SEL_OPTIONS(s),
		{ 0 },
	};
	char **pos = argv; /* cli_parse moves the positional arguments to the front */
	int npos, rc = cli_parse("flame", "[options] FILE...",
		"Draw a flame graph: interactive SVG (click to zoom, Ctrl-F to search) or PNG.\n"
		"Several FILEs with the same sample types are merged.",
		opts, argc, argv, pos, &npos);
	if (rc) {
		return rc < 0 ? EXIT_OK : rc;
	}
	if (npos == 0) {
		return cli_usage_error("flame", "expected at least one input FILE");
	}
	flame_ctx x = { 0 };
	x.fmt = format ? fmt_from_name(format) : fmt_from_path(outp);
	if (format && (x.fmt == FMT_NONE || x.fmt == FMT_PPROF || x.fmt == FMT_JSON)) {
		return cli_usage_error("flame", "--format expects svg, png or folded, found \"%s\"", format);
	}
	if (x.fmt == FMT_NONE || x.fmt == FMT_PPROF || x.fmt == FMT_JSON)
		x.fmt = FMT_SVG;
	/* default: hot for profiles, mem for heap snapshots (set below) */
	int pal = mt_palette_from_name(palette ? palette : "hot");
	if (pal < 0) {
		return cli_usage_error("flame", "--palette expects hot, mem, io, origin, go, java, js or native, found \"%s\"",
			palette);
	}
	fo.palette = (mt_palette)pal;
	if (fo.width < 100 || fo.width > 100000 || fo.frame_height < 4 || fo.frame_height > 200 ||
	    fo.font_size < 4 || fo.font_size > 100) {
		return cli_usage_error("flame", "--width must be 100..100000, --frame-height 4..200, --font-size 4..100");
	}
	if (x.fmt == FMT_PNG && !strcmp(outp, "-") && isatty(STDOUT_FILENO)) {
		return cli_usage_error("flame", "refusing to write PNG to a terminal; use -o FILE.png");
	}
	mt_profile *p = NULL;
	mt_filter *f = NULL;
	mt_tree *t = NULL;
	const mt_filter_opts *fl = &s.filter;
	if (npos == 1 && strcmp(pos[0], "-") != 0 && !s.sample_index && !fl->focus && !fl->ignore &&
	    !fl->hide && !fl->show && !fl->tag_focus && !fl->tag_ignore && !reverse && !lines &&
	    (rc = flame_folded_tree(pos[0], s.strict, &t)) >= 0) {
		if (!rc) {
			x.tree = t;
			x.fo = fo;
			x.fo.col = 0;
			rc = cli_emit(outp, emit_flame, &x);
		}
		mt_tree_free(t);
		return rc;
	}
	if (npos == 1) {
		/* a heap snapshot draws its dominator tree, weighted by retained size; with
		 * --sample-index, its allocation sites (snapshots with allocation traces) */
		cli_input in;
		rc = cli_open(pos[0], s.sample_index ? CLI_WANT_PROFILE : CLI_WANT_PROFILE | CLI_WANT_HEAP, s.strict, &in);
		if (!rc && in.heap) {
			mt_error err = MT_ERROR_INIT;
			err.path = pos[0];
			err.doing = "computing dominators";
			mt_heap_doms *d = NULL;
			mt_heap_tree_opts ho = MT_HEAP_TREE_OPTS_INIT;
			if (mt_heap_dominators(&d, in.heap, &err) || mt_heap_dominator_tree(&t, in.heap, d, &ho, &err)) {
				rc = cli_fail(&err);
			} else {
				x.tree = t;
				x.fo = fo;
				x.fo.col = 0;
				if (!palette)
					x.fo.palette = MT_PALETTE_MEM;
				if (!x.fo.title)
					x.fo.title = "Retained memory (dominator tree)";
				if (x.fmt == FMT_PPROF || x.fmt == FMT_JSON)
					x.fmt = FMT_SVG;
				rc = cli_emit(outp, emit_flame, &x);
			}
			mt_heap_doms_free(d);
			cli_input_free(&in);
			mt_tree_free(t);
			return rc;
		}
		p = in.profile;
		in.profile = NULL;
		cli_input_free(&in);
	} else {
		rc = cli_load_all(pos, npos, &p, s.strict);
	}
	if (!rc)
		rc = select_samples(pos[0], p, &s, &fo.col, &f);
	if (!rc) {
		mt_error err = MT_ERROR_INIT;
		err.path = pos[0];
		mt_tree_opts tro = MT_TREE_OPTS_INIT;
		tro.reverse = reverse;
		tro.lines = lines;
		tro.filter = f;
		if (mt_tree_build(&t, p, &tro, &err)) {
			rc = cli_fail(&err);
		} else {
			x.tree = t;
			x.profile = p;
			x.fo = fo;
			rc = cli_emit(outp, emit_flame, &x);
		}
	}
	mt_tree_free(t);
	mt_filter_free(f);
	mt_profile_free(p);
	return rc;
}

/* ------------------------------------------------------------- convert */

int cmd_convert(int argc, char **argv)
{
	sel_opts s;
	sel_init(&s);
	const char *outp = "-", *to = NULL, *format = NULL;
	int no_gzip = 0;
	const cli_opt opts[] = {
		{ "to", 0, OPT_STR, &to, "FMT", "folded, pprof or json; any other value is a TIME, the end of the --from window",
		  "from -o's extension, else folded" },
		{ "format", 0, OPT_STR, &format, "FMT", "same as --to", NULL },
		CLI_OPT_OUTPUT(outp),
		{ "no-gzip", 0, OPT_FLAG, &no_gzip, NULL, "write pprof uncompressed", NULL },
		SEL_OPTIONS(s),
		{ 0 },
	};
	char **pos = argv; /* cli_parse moves the positional arguments to the front */
	int npos, rc = cli_parse("convert", "[options] FILE...",
		"Convert a profile: folded stacks (one line per distinct stack, root first, frames joined\n"
		"by ';', a space, the value of the chosen sample type), pprof (profile.proto, gzip),\n"
		"or the whole IR as JSON. Several FILEs with the same sample types are merged.",
		opts, argc, argv, pos, &npos);
	if (rc) {
		return rc < 0 ? EXIT_OK : rc;
	}
	if (npos == 0) {
		return cli_usage_error("convert", "expected at least one input FILE");
	}
	if (to && fmt_from_name(to) == FMT_NONE) {
		mt_time_bound tb;
		mt_error terr = MT_ERROR_INIT;
		if (!mt_time_bound_parse(to, &tb, &terr)) {
			s.to = to;   /* --to 25s: the window's end, not a format */
			to = NULL;
		}
	}
	if (!to)
		to = format;
	flame_ctx x = { 0 };
	x.fmt = to ? fmt_from_name(to) : fmt_from_path(outp);
	if (to && (x.fmt == FMT_NONE || x.fmt == FMT_SVG || x.fmt == FMT_PNG)) {
		return cli_usage_error("convert", "--to expects folded, pprof or json, found \"%s\"", to);
	}
	if (x.fmt == FMT_NONE || x.fmt == FMT_SVG || x.fmt == FMT_PNG)
		x.fmt = FMT_FOLDED;
	s.one_column = x.fmt == FMT_FOLDED;
	x.gzip = !no_gzip;
	if (x.fmt == FMT_PPROF && !strcmp(outp, "-") && isatty(STDOUT_FILENO)) {
		return cli_usage_error("convert", "refusing to write binary pprof to a terminal; use -o FILE");
	}
	mt_profile *p = NULL;
	mt_filter *f = NULL;
	mt_tree *t = NULL;
	rc = cli_load_all(pos, npos, &p, s.strict);
	if (!rc)
		rc = select_samples(pos[0], p, &s, &x.fo.col, &f);
	if (!rc) {
		mt_error err = MT_ERROR_INIT;
		err.path = pos[0];
		if (x.fmt == FMT_FOLDED) {
			mt_tree_opts tro = MT_TREE_OPTS_INIT;
			tro.filter = f;
			if (mt_tree_build(&t, p, &tro, &err))
				rc = cli_fail(&err);
		} else if (f) {
			rc = cli_usage_error("convert", "filters apply to --to folded only");
		}
		if (!rc) {
			x.tree = t;
			x.profile = p;
			rc = cli_emit(outp, emit_flame, &x);
		}
	}
	mt_tree_free(t);
	mt_filter_free(f);
	mt_profile_free(p);
	return rc;
}
