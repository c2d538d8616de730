/*
 * cli/cli.h - shared pieces of the memtracer command-line program: a
 * table-driven option parser (help text generated from the same table),
 * input loading with warnings on stderr, and the exit-code convention:
 * 0 ok, 1 bad input or failed analysis, 2 usage.
 */
#ifndef MT_CLI_H
#define MT_CLI_H

#include <stdint.h>

#include "memtracer/memtracer.h"

enum { EXIT_OK = 0, EXIT_INPUT = 1, EXIT_USAGE = 2 };

typedef enum opt_kind { OPT_FLAG, OPT_STR, OPT_U32, OPT_DOUBLE } opt_kind;

typedef struct cli_opt {
	const char *name;      /* long name without "--" */
	char short_name;       /* 0 = none */
	opt_kind kind;
	void *dest;            /* int*, const char**, uint32_t*, double* */
	const char *arg;       /* argument name for help, e.g. "FILE" */
	const char *help;
	const char *def;       /* default shown in help, or NULL */
} cli_opt;

typedef struct cli_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
} cli_cmd;

/*
 * Parses argv[1..] of a command. Positional arguments ("-" included) are
 * collected into @pos (caller array of argc entries). Prints help and
 * returns -1 for --help; returns EXIT_USAGE after printing a message on a
 * bad option; 0 otherwise.
 */
int cli_parse(const char *cmd, const char *usage, const char *about, const cli_opt *opts, int argc,
	char **argv, char **pos, int *npos);

void cli_help(const char *cmd, const char *usage, const char *about, const cli_opt *opts);

/* Prints "memtracer CMD: MSG" and a hint; returns EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Prints the one-line error; returns EXIT_INPUT (or EXIT_USAGE for MT_EINVAL). */
int cli_fail(const mt_error *err);

/* Loads and parses @path ("-" = stdin). On error prints it and returns non-zero exit code. */
int cli_load(const char *path, mt_profile **out, int strict);

/* Loads several inputs and merges them when there is more than one. */
int cli_load_all(char **paths, int n, mt_profile **out, int strict);

/* Lower-case extension of @path after the last '.', or "" ("x.pb.gz" -> "gz"). */
const char *cli_ext(const char *path);

/* 1 when @path ends with @suffix. */
int cli_ends_with(const char *path, const char *suffix);

extern int cli_quiet;

int cmd_info(int argc, char **argv);
int cmd_top(int argc, char **argv);
int cmd_flame(int argc, char **argv);
int cmd_convert(int argc, char **argv);

#endif
