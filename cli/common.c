/*
 * cli/common.c - option parsing, help, input loading, errors.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"

int cli_quiet;

void cli_help(const char *cmd, const char *usage, const char *about, const cli_opt *opts)
{
	printf("Usage: memtracer %s %s\n\n%s\n\nOptions:\n", cmd, usage, about);
	for (const cli_opt *o = opts; o->name; o++) {
		char left[64];
		int seen = 0; /* a name listed twice (convert's --to: format or TIME) is shown once, as matched */
		for (const cli_opt *p = opts; p != o && !seen; p++)
			seen = !strcmp(p->name, o->name);
		if (seen)
			continue;
		if (o->short_name)
			snprintf(left, sizeof left, "-%c, --%s%s%s", o->short_name, o->name, o->arg ? " " : "",
				o->arg ? o->arg : "");
		else
			snprintf(left, sizeof left, "    --%s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
		printf("  %-28s %s", left, o->help);
		if (o->def)
			printf(" [default: %s]", o->def);
		printf("\n");
	}
	printf("  %-28s %s\n", "-h, --help", "show this help");
	printf("\nExit status: 0 ok, 1 bad input or failed analysis, 2 usage error.\n");
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "memtracer %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'memtracer %s --help'.\n", cmd);
	return EXIT_USAGE;
}

static int set_value(const char *cmd, const cli_opt *o, const char *val)
{
	char *end;
	switch (o->kind) {
	case OPT_FLAG:
		*(int *)o->dest = 1;
		return 0;
	case OPT_STR:
		*(const char **)o->dest = val;
		return 0;
	case OPT_U32: {
		unsigned long long v = strtoull(val, &end, 10);
		if (!*val || *end || v > UINT32_MAX || val[0] == '-')
			return cli_usage_error(cmd, "--%s expects a whole number, found \"%s\"", o->name, val);
		*(uint32_t *)o->dest = (uint32_t)v;
		return 0;
	}
	case OPT_DOUBLE: {
		double v = strtod(val, &end);
		if (!*val || *end || v < 0 || v != v)
			return cli_usage_error(cmd, "--%s expects a non-negative number, found \"%s\"", o->name, val);
		*(double *)o->dest = v;
		return 0;
	}
	}
	return 0;
}

int cli_parse(const char *cmd, const char *usage, const char *about, const cli_opt *opts, int argc,
	char **argv, char **pos, int *npos)
{
	*npos = 0;
	int only_pos = 0;
	for (int i = 1; i < argc; i++) {
		char *a = argv[i];
		if (only_pos || a[0] != '-' || a[1] == 0) {
			pos[(*npos)++] = a;
			continue;
		}
		if (!strcmp(a, "--")) {
			only_pos = 1;
			continue;
		}
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			cli_help(cmd, usage, about, opts);
			return -1;
		}
		const cli_opt *o = NULL;
		const char *val = NULL;
		if (a[1] == '-') {
			const char *name = a + 2;
			const char *eq = strchr(name, '=');
			size_t nl = eq ? (size_t)(eq - name) : strlen(name);
			for (const cli_opt *k = opts; k->name && !o; k++)   /* the first of a name wins (convert --to) */
				if (strlen(k->name) == nl && !strncmp(k->name, name, nl))
					o = k;
			if (!o)
				return cli_usage_error(cmd, "unknown option --%.*s", (int)nl, name);
			if (eq) {
				if (o->kind == OPT_FLAG)
					return cli_usage_error(cmd, "--%s takes no value", o->name);
				val = eq + 1;
			}
		} else {
			for (const cli_opt *k = opts; k->name; k++)
				if (k->short_name && k->short_name == a[1])
					o = k;
			if (!o)
				return cli_usage_error(cmd, "unknown option %s", a);
			if (a[2]) {
				if (o->kind == OPT_FLAG)
					return cli_usage_error(cmd, "unknown option %s", a);
				val = a + 2;
			}
		}
		if (o->kind != OPT_FLAG && !val) {
			if (i + 1 >= argc)
				return cli_usage_error(cmd, "--%s needs a value (%s)", o->name, o->arg ? o->arg : "VALUE");
			val = argv[++i];
		}
		int rc = set_value(cmd, o, val);
		if (rc)
			return rc;
	}
	return 0;
}

int cli_fail(const mt_error *err)
{
	char buf[1024];
	mt_error_format(err, buf, sizeof buf);
	fprintf(stderr, "%s\n", buf);
	return err->code == MT_EINVAL ? EXIT_USAGE : EXIT_INPUT;
}

const char *cli_ext(const char *path)
{
	const char *dot = strrchr(path, '.');
	const char *slash = strrchr(path, '/');
	if (!dot || (slash && dot < slash))
		return "";
	return dot + 1;
}

int cli_ends_with(const char *path, const char *suffix)
{
	size_t a = strlen(path), b = strlen(suffix);
	return a >= b && strcasecmp(path + a - b, suffix) == 0;
}
