/*
 * memtracer/error.h - error codes and the explicit error out-parameter.
 *
 * Every fallible function returns int: 0 on success or a negative mt_code.
 * Detail travels in an mt_error the caller owns (no thread-locals). The
 * first error set wins: later calls to mt_error_set() on an error that is
 * already set are ignored, so a parser can check once after a run of reads.
 *
 * The single-line message the CLI prints is produced by mt_error_format():
 *   "PATH: byte N: while DOING: MSG"
 * where MSG reads "expected X, found Y" wherever a parser can say so.
 */
#ifndef MEMTRACER_ERROR_H
#define MEMTRACER_ERROR_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum mt_code {
	MT_OK = 0,
	MT_ENOMEM = -1,       /* allocation failed */
	MT_EIO = -2,          /* reading or writing a file failed */
	MT_EFORMAT = -3,      /* input is not what it claims to be / corrupt */
	MT_ETRUNC = -4,       /* input ends before a structure it announced */
	MT_EUNSUPPORTED = -5, /* recognised, but a format/version we do not read */
	MT_ELIMIT = -6,       /* a safety limit (depth, size, count) was exceeded */
	MT_EINVAL = -7        /* bad argument from the caller (usage, options) */
} mt_code;

/* offset value meaning "no byte offset applies" */
#define MT_NO_OFFSET UINT64_MAX

typedef struct mt_error {
	int code;             /* mt_code; 0 while no error */
	uint64_t offset;      /* byte offset in the (decompressed) input, or MT_NO_OFFSET */
	const char *path;     /* input name as given by the user; not owned */
	const char *doing;    /* static phrase, e.g. "reading sample"; not owned */
	char msg[256];        /* what was expected vs what was found */
} mt_error;

#define MT_ERROR_INIT { 0, MT_NO_OFFSET, NULL, NULL, { 0 } }

/*
 * Records an error unless @err already holds one (first error wins).
 * @err may be NULL. Returns @code, so callers can `return mt_error_set(...)`.
 */
int mt_error_set(mt_error *err, int code, uint64_t offset, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 4, 5)))
#endif
	;

/* Resets @err to "no error", keeping @err->path. */
void mt_error_clear(mt_error *err);

/*
 * Writes the one-line message "PATH: byte N: while DOING: MSG" into @buf
 * (always NUL-terminated when @cap > 0). Parts that are unset are omitted.
 * Returns the length the full message has (snprintf semantics).
 */
size_t mt_error_format(const mt_error *err, char *buf, size_t cap);

/* Short static name of a code: "ENOMEM", "EFORMAT", ... */
const char *mt_code_name(int code);

#ifdef __cplusplus
}
#endif
#endif
