/*
 * cli/cmd_heap.c - heap snapshot commands: dominators and retainers.
 * (info, flame and leaks on snapshots live with their general commands.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

typedef struct heap_job {
	mt_heap *h;
	mt_heap_doms *d;
} heap_job;

/* Loads @path as a heap snapshot and computes dominators; an exit code. */
static int load_heap(const char *cmd, const char *path, heap_job *j)
{
	cli_input in;
	memset(j, 0, sizeof *j);
	int rc = cli_open(path, CLI_WANT_HEAP, 0, &in);
	if (rc)
		return rc;
	if (!in.heap) {
		mt_error err = MT_ERROR_INIT;
		err.path = path;
		mt_error_set(&err, MT_EUNSUPPORTED, MT_NO_OFFSET, "expected a V8 heap snapshot for `%s`, found %s",
			cmd, mt_format_name(in.format));
		cli_input_free(&in);
		return cli_fail(&err);
	}
	j->h = in.heap;
	in.heap = NULL;
	cli_input_free(&in);
	mt_error err = MT_ERROR_INIT;
	err.path = path;
	err.doing = "computing dominators";
	if (mt_heap_dominators(&j->d, j->h, &err)) {
		mt_heap_free(j->h);
		j->h = NULL;
		return cli_fail(&err);
	}
	return 0;
}

static void heap_job_free(heap_job *j)
{
	mt_heap_doms_free(j->d);
	mt_heap_free(j->h);
}

typedef struct heap_out {
	const heap_job *j;
	const mt_heap_row *rows;   /* dominators */
	const uint32_t *nodes;     /* retainers */
	uint32_t n;
	int json;
} heap_out;

static int emit_dominators(void *ctx, mt_sink *out, mt_error *err)
{
	const heap_out *o = ctx;
	return o->json ? mt_render_heap_dominators_json(o->j->h, o->rows, o->n, out, err)
		       : mt_render_heap_dominators_text(o->j->h, o->rows, o->n, out, err);
}

static int emit_retainers(void *ctx, mt_sink *out, mt_error *err)
{
	const heap_out *o = ctx;
	return o->json ? mt_render_heap_retainers_json(o->j->h, o->j->d, o->nodes, o->n, out, err)
		       : mt_render_heap_retainers_text(o->j->h, o->j->d, o->nodes, o->n, out, err);
}

int cmd_dominators(int argc, char **argv)
{
	int json = 0, synthetic = 0;
	uint32_t n = 20;
	const char *outp = "-";
	const cli_opt opts[] = {
		{ "nodecount", 'n', OPT_U32, &n, "N", "how many objects (0 = all)", "20" },
		{ "json", 0, OPT_FLAG, &json, NULL,
		  "print {\"rows\":[{\"id\",\"name\",\"type\",\"self\",\"retained\",\"distance\"}]}", NULL },
		{ "synthetic", 0, OPT_FLAG, &synthetic, NULL, "also list synthetic nodes (GC root categories)", NULL },
		CLI_OPT_OUTPUT(outp),
		{ 0 },
	};
	char **pos = argv; /* cli_parse moves the positional arguments to the front */
	int npos, rc = cli_parse("dominators", "[options] FILE.heapsnapshot",
		"The objects that keep the most memory alive: retained size (what would be freed with\n"
		"the object, from the dominator tree), self size and distance from the GC roots.",
		opts, argc, argv, pos, &npos);
	if (rc) {
		return rc < 0 ? EXIT_OK : rc;
	}
	if (npos != 1) {
		return cli_usage_error("dominators", "expected one heap snapshot, found %d inputs", npos);
	}
	heap_job j;
	rc = load_heap("dominators", pos[0], &j);
	if (!rc) {
		mt_error err = MT_ERROR_INIT;
		err.path = pos[0];
		mt_heap_row *rows = NULL;
		uint32_t nrows = 0;
		if (mt_heap_top_retained(&rows, &nrows, j.h, j.d, n, synthetic ? MT_HEAP_TOP_SYNTHETIC : 0, &err)) {
			rc = cli_fail(&err);
		} else {
			heap_out o = { &j, rows, NULL, nrows, json };
			rc = cli_emit(outp, emit_dominators, &o);
		}
		free(rows);
		heap_job_free(&j);
	}
	return rc;
}

int cmd_retainers(int argc, char **argv)
{
	int json = 0;
	const char *id_s = NULL, *re = NULL, *outp = "-";
	uint32_t max = 20;
	const cli_opt opts[] = {
		{ "id", 0, OPT_STR, &id_s, "N", "the object with this V8 id (@N in DevTools)", NULL },
		{ "name", 0, OPT_STR, &re, "RE", "every object whose name matches RE (POSIX extended)", NULL },
		{ "max", 0, OPT_U32, &max, "N", "at most N matches (0 = all)", "20" },
		{ "json", 0, OPT_FLAG, &json, NULL,
		  "print {\"matches\":[{\"id\",\"name\",\"type\",\"retained\",\"path\":[...],\"text\"}]}", NULL },
		CLI_OPT_OUTPUT(outp),
		{ 0 },
	};
	char **pos = argv; /* cli_parse moves the positional arguments to the front */
	int npos, rc = cli_parse("retainers", "[options] (--id N | --name RE) FILE.heapsnapshot",
		"Why an object is alive: the shortest retaining path from the GC roots, through\n"
		"user-meaningful edges where there is a choice (as DevTools and memlab show it), e.g.\n"
		"Window -> resize listener -> onResize (closure) -> context -> el -> <div class=...>.",
		opts, argc, argv, pos, &npos);
	if (rc) {
		return rc < 0 ? EXIT_OK : rc;
	}
	if (npos != 1) {
		return cli_usage_error("retainers", "expected one heap snapshot, found %d inputs", npos);
	}
	if (!!id_s == !!re) {
		return cli_usage_error("retainers", "give exactly one of --id N or --name RE");
	}
	uint64_t id = 0;
	if (id_s) {
		char *end;
		const char *v = id_s[0] == '@' ? id_s + 1 : id_s;
		id = strtoull(v, &end, 10);
		if (!*v || *end) {
			return cli_usage_error("retainers", "--id expects a number, found \"%s\"", id_s);
		}
	}
	heap_job j;
	rc = load_heap("retainers", pos[0], &j);
	if (!rc) {
		mt_error err = MT_ERROR_INIT;
		err.path = pos[0];
		uint32_t *nodes = NULL, nn = 0;
		if (mt_heap_find_nodes(&nodes, &nn, j.h, re, id, max, &err)) {
			rc = cli_fail(&err);
		} else if (nn == 0) {
			if (id_s)
				mt_error_set(&err, MT_EINVAL, MT_NO_OFFSET, "expected an object with id %s, found none", id_s);
			else
				mt_error_set(&err, MT_EINVAL, MT_NO_OFFSET, "expected an object whose name matches \"%s\", found none", re);
			rc = EXIT_INPUT;
			char buf[512];
			mt_error_format(&err, buf, sizeof buf);
			fprintf(stderr, "%s\n", buf);
		} else {
			heap_out o = { &j, NULL, nodes, nn, json };
			rc = cli_emit(outp, emit_retainers, &o);
		}
		free(nodes);
		heap_job_free(&j);
	}
	return rc;
}
