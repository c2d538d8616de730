/*
 * core/error.c - the error out-parameter and its one-line formatter.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "memtracer/error.h"

int mt_error_set(mt_error *err, int code, uint64_t offset, const char *fmt, ...)
{
	if (!err || err->code != 0)
		return code;
	err->code = code;
	err->offset = offset;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	return code;
}

void mt_error_clear(mt_error *err)
{
	if (!err)
		return;
	const char *path = err->path;
	memset(err, 0, sizeof *err);
	err->offset = MT_NO_OFFSET;
	err->path = path;
}

size_t mt_error_format(const mt_error *err, char *buf, size_t cap)
{
	char off[48] = "";
	if (err->offset != MT_NO_OFFSET)
		snprintf(off, sizeof off, "byte %" PRIu64 ": ", err->offset);
	const char *msg = err->msg[0] ? err->msg : mt_code_name(err->code);
	int n = snprintf(buf, cap, "%s%s%s%s%s%s",
		err->path ? err->path : "", err->path ? ": " : "",
		off,
		err->doing ? "while " : "", err->doing ? err->doing : "", err->doing ? ": " : "");
	if (n < 0)
		n = 0;
	size_t used = (size_t)n < cap ? (size_t)n : (cap ? cap - 1 : 0);
	int m = snprintf(cap ? buf + used : NULL, cap ? cap - used : 0, "%s", msg);
	/* one line: never let a newline from a message through */
	for (size_t i = 0; cap && i < cap && buf[i]; i++)
		if (buf[i] == '\n' || buf[i] == '\r')
			buf[i] = ' ';
	return (size_t)n + (size_t)(m < 0 ? 0 : m);
}

const char *mt_code_name(int code)
{
	switch (code) {
	case MT_OK: return "OK";
	case MT_ENOMEM: return "out of memory";
	case MT_EIO: return "input/output error";
	case MT_EFORMAT: return "malformed input";
	case MT_ETRUNC: return "truncated input";
	case MT_EUNSUPPORTED: return "unsupported input";
	case MT_ELIMIT: return "limit exceeded";
	case MT_EINVAL: return "invalid argument";
	default: return "unknown error";
	}
}
