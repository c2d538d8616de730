/*
 * memtracer/json.h - small helpers for writing JSON through an mt_sink.
 */
#ifndef MEMTRACER_JSON_H
#define MEMTRACER_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "io.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Writes @len bytes as a quoted JSON string: ", \ and control characters
 * escaped, invalid UTF-8 bytes replaced by U+FFFD, "</" written as "<\/"
 * so the output is safe inside an HTML <script> block.
 */
int mt_json_str(mt_sink *s, const char *str, size_t len);
int mt_json_cstr(mt_sink *s, const char *str);
int mt_json_i64(mt_sink *s, int64_t v);

/*
 * Building one JSON object into a memory buffer, field by field, for code
 * that assembles findings: mt_jobj_begin(), then the fields (keys are
 * written as given, so pass plain ASCII keys), then mt_jobj_end(). The
 * buffer then holds "{...}" (NUL-terminated). Errors are sticky in the sink.
 */
typedef struct mt_jobj {
	mt_membuf buf;
	mt_sink sink;
	int nfields;
} mt_jobj;

void mt_jobj_begin(mt_jobj *o);
void mt_jobj_str(mt_jobj *o, const char *key, const char *val, size_t len);
void mt_jobj_cstr(mt_jobj *o, const char *key, const char *val);
void mt_jobj_i64(mt_jobj *o, const char *key, int64_t v);
void mt_jobj_f64(mt_jobj *o, const char *key, double v);
/* @raw is already JSON (an object, array, number...). */
void mt_jobj_raw(mt_jobj *o, const char *key, const char *raw);
/* An array of @n C strings. */
void mt_jobj_strarr(mt_jobj *o, const char *key, const char *const *vals, size_t n);
/* Closes the object; returns 0 or MT_ENOMEM. The text is o->buf.data. */
int mt_jobj_end(mt_jobj *o);
void mt_jobj_free(mt_jobj *o);

#ifdef __cplusplus
}
#endif
#endif
