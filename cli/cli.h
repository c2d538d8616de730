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

/* The -o/--output option row most commands share, writing to @var (a const char *). */
#define CLI_OPT_OUTPUT(var) { "output", 'o', OPT_STR, &(var), "FILE", "write to FILE ('-' = standard output)", "-" }

typedef struct cli_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
} cli_cmd;

/*
 * Parses argv[1..] of a command. Positional arguments ("-" included) are
 * collected into @pos, which may be @argv itself: they are moved to its
 * front in order (each lands at or before the slot it was read from). Prints help and
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

/* What a command can use from an input (cli_open). */
enum {
	CLI_WANT_PROFILE = 1u,
	CLI_WANT_GOROUTINES = 2u,
	CLI_WANT_HEAP = 4u,
	CLI_WANT_RAW = 8u,     /* keep a JFR recording's bytes (info summary, leak candidates) */
	CLI_WANT_JFR_RAW = 16u, /* with CLI_WANT_RAW: a JFR recording gives only its bytes, no profile (info) */
	CLI_WANT_HEAP_LOCATIONS = 32u /* with CLI_WANT_HEAP: keep a snapshot's locations (else only checked) */
};

typedef struct cli_input {
	const char *path;
	mt_format format;          /* as detected from the content */
	mt_profile *profile;       /* set when CLI_WANT_PROFILE (goroutine dumps are converted) */
	mt_goroutines *goroutines; /* set when CLI_WANT_GOROUTINES and the input is a goroutine dump */
	mt_heap *heap;             /* set when CLI_WANT_HEAP and the input is a heap snapshot */
	mt_input raw;              /* a JFR recording's bytes, with CLI_WANT_RAW */
} cli_input;

/*
 * Opens @path ("-" = stdin), sniffs the content and reads it with the
 * matching reader (goroutine text dumps streamed). On error prints the
 * one-line message and returns the exit code; 0 on success.
 */
int cli_open(const char *path, unsigned want, int strict, cli_input *in);
void cli_input_free(cli_input *in);

/* Loads and parses @path ("-" = stdin). On error prints it and returns non-zero exit code. */
int cli_load(const char *path, mt_profile **out, int strict);

/* Loads several inputs and merges them when there is more than one. */
int cli_load_all(char **paths, int n, mt_profile **out, int strict);

/* Lower-case extension of @path after the last '.', or "" ("x.pb.gz" -> "gz"). */
const char *cli_ext(const char *path);

/* 1 when @path ends with @suffix. */
int cli_ends_with(const char *path, const char *suffix);

extern int cli_quiet;

/*
 * Writes an output through @fn into @outp ("-" = stdout) atomically:
 * a failure leaves no partial file. Returns an exit code.
 */
typedef int (*cli_emit_fn)(void *ctx, mt_sink *out, mt_error *err);
int cli_emit(const char *outp, cli_emit_fn fn, void *ctx);

/* The top table as text or JSON (for cli_emit). */
typedef struct cli_top_out {
	const mt_top *top;
	uint32_t nrows;
	int json;
} cli_top_out;
int cli_emit_top(void *ctx, mt_sink *out, mt_error *err);

#define STR(x) #x
#define XSTR(x) STR(x)

/* options shared by every command that selects and filters samples */
typedef struct sel_opts {
	const char *sample_index;
	mt_filter_opts filter;
	int strict;
	int threads;               /* --threads: the "thread" label as the root frame */
	int signatures;            /* --signatures: JFR frames with their method signature */
	const char *from, *to;     /* --from/--to: time window (mt_time_bound_parse) */
	int one_column;            /* set by a command that uses one column and no per-sample labels */
} sel_opts;

#define SEL_OPTIONS(s)                                                                                     \
	{ "sample-index", 0, OPT_STR, &(s).sample_index, "NAME", "sample type to use (name or 0-based index)", \
	  "the profile's default" },                                                                      \
	{ "focus", 0, OPT_STR, &(s).filter.focus, "RE", "keep samples with a frame matching RE", NULL },       \
	{ "ignore", 0, OPT_STR, &(s).filter.ignore, "RE", "drop samples with a frame matching RE", NULL },     \
	{ "hide", 0, OPT_STR, &(s).filter.hide, "RE", "remove frames matching RE from stacks", NULL },         \
	{ "show", 0, OPT_STR, &(s).filter.show, "RE", "keep only frames matching RE in stacks", NULL },        \
	{ "tag-focus", 0, OPT_STR, &(s).filter.tag_focus, "[KEY=]RE",                                          \
	  "keep samples with a label value matching RE", NULL },                                           \
	{ "tag-ignore", 0, OPT_STR, &(s).filter.tag_ignore, "[KEY=]RE",                                        \
	  "drop samples with a label value matching RE", NULL },                                           \
	{ "strict", 0, OPT_FLAG, &(s).strict, NULL, "treat reader warnings as errors", NULL },                \
	{ "threads", 0, OPT_FLAG, &(s).threads, NULL,                                                        \
	  "thread name as the root frame (samples with a \"thread\" label: JFR)", NULL },                    \
	{ "signatures", 0, OPT_FLAG, &(s).signatures, NULL,                                                  \
	  "Java frames with their signature: pkg.Class.method(java.lang.String, int) (JFR)", NULL },        \
	{ "from", 0, OPT_STR, &(s).from, "TIME",                                                             \
	  "only samples at or after TIME: 10s/250ms/2m since the recording's start, "                       \
	  "nanoseconds since the epoch, or 2024-01-16T11:08:56Z (samples with a \"time_ns\" label: JFR)",   \
	  NULL },                                                                                          \
	{ "to", 0, OPT_STR, &(s).to, "TIME", "only samples before TIME (as --from)", NULL }

/* Also makes @s the selection cli_open() applies to what it reads (--threads, --from/--to). */
void sel_init(sel_opts *s);
extern const sel_opts *cli_sel;

/* The column and filter a command's selection options pick; returns an exit code. */
int select_samples(const char *path, const mt_profile *p, const sel_opts *s, uint32_t *col,
	mt_filter **filter);


int cmd_info(int argc, char **argv);
int cmd_top(int argc, char **argv);
int cmd_flame(int argc, char **argv);
int cmd_convert(int argc, char **argv);
int cmd_leaks(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_dominators(int argc, char **argv);
int cmd_retainers(int argc, char **argv);

/* cli/cmd_heapcmp.c: heap snapshots compared by object id (one snapshot in memory at a time) */
/* leaks --baseline A --target B --final C: growth findings into @fs; usage errors when a flag is missing. */
int cli_heap_growth(mt_findings *fs, const char *baseline, const char *target, const char *final, int npos,
	int strict);
/* diff A B with @a an opened heap snapshot (freed here, before B is read). */
int cli_heap_diff(cli_input *a, const char *path_b, int json, uint32_t nrows, const char *outp, int strict);

#endif
