/*
 * cli/main.c - `memtracer <command>`: dispatch through a command table.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static int cmd_help(int argc, char **argv);
static int cmd_version(int argc, char **argv);

static const cli_cmd commands[] = {
	{ "info", cmd_info, "summarise a profile: format, sample types, totals, metadata" },
	{ "top", cmd_top, "flat/cum table per function, like `go tool pprof -top`" },
	{ "flame", cmd_flame, "flame graph as interactive SVG or PNG" },
	{ "convert", cmd_convert, "convert to folded stacks, pprof or JSON" },
	{ "leaks", cmd_leaks, "leak roots: goroutines blocked forever, growth against a baseline" },
	{ "diff", cmd_diff, "compare two profiles or two goroutine dumps (NEW - BASE)" },
	{ "dominators", cmd_dominators, "heap snapshot: the largest objects by retained size" },
	{ "retainers", cmd_retainers, "heap snapshot: the retaining path from the GC roots to objects" },
	{ "help", cmd_help, "show help for a command" },
	{ "version", cmd_version, "print the version" },
	{ NULL, NULL, NULL },
};

static void usage(FILE *f)
{
	fprintf(f, "Usage: memtracer <command> [options] FILE...\n\n"
		   "Offline analysis of saved profiles: pprof (gzip or plain), folded stacks and\n"
		   "Go goroutine dumps (pprof, debug=1, debug=2, crash/SIGQUIT tracebacks), V8\n"
		   "heap snapshots, .cpuprofile/.heapprofile files and JFR recordings.\n\n"
		   "Commands:\n");
	for (const cli_cmd *c = commands; c->name; c++)
		fprintf(f, "  %-10s %s\n", c->name, c->summary);
	fprintf(f, "\nRun 'memtracer <command> --help' for a command's options.\n"
		   "Exit status: 0 ok, 1 bad input or failed analysis, 2 usage error.\n");
}

static const cli_cmd *find(const char *name)
{
	for (const cli_cmd *c = commands; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

static int cmd_help(int argc, char **argv)
{
	if (argc < 2) {
		usage(stdout);
		return EXIT_OK;
	}
	const cli_cmd *c = find(argv[1]);
	if (!c) {
		fprintf(stderr, "memtracer: unknown command '%s'\n", argv[1]);
		return EXIT_USAGE;
	}
	char *args[] = { argv[1], "--help", NULL };
	return c->fn(2, args);
}

static int cmd_version(int argc, char **argv)
{
	printf("memtracer %s\n", MT_VERSION);
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V"))
		return cmd_version(argc - 1, argv + 1);
	const cli_cmd *c = find(argv[1]);
	if (!c) {
		fprintf(stderr, "memtracer: unknown command '%s'\n\n", argv[1]);
		usage(stderr);
		return EXIT_USAGE;
	}
	return c->fn(argc - 1, argv + 1);
}
