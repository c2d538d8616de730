/*
 * memtracer/strtab.h - interned strings.
 *
 * Each distinct byte string is stored once and named by a dense uint32_t id.
 * Id 0 is always the empty string (as in pprof's string_table). Strings may
 * contain any bytes, including NUL; every stored string is also followed by
 * a NUL so it can be used as a C string when it has no embedded NUL.
 * Lookup uses a Judy hash array (JudyHS), storage is an arena.
 */
#ifndef MEMTRACER_STRTAB_H
#define MEMTRACER_STRTAB_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef uint32_t mt_str_id;

typedef struct mt_strtab mt_strtab;

/* A new table holding only "" (id 0); NULL on out of memory. */
mt_strtab *mt_strtab_new(void);

/* Frees the table and every string in it. NULL is allowed. */
void mt_strtab_free(mt_strtab *t);

/*
 * Interns @len bytes at @s; @out receives the id of the (possibly existing)
 * copy. Returns 0, MT_ENOMEM, or MT_ELIMIT past 2^32-1 strings.
 */
int mt_strtab_intern(mt_strtab *t, const char *s, size_t len, mt_str_id *out);

/* Same, for a NUL-terminated string. */
int mt_strtab_intern_cstr(mt_strtab *t, const char *s, mt_str_id *out);

/*
 * Looks @s up without adding it. Returns 1 and sets @out when present,
 * 0 when absent.
 */
int mt_strtab_find(const mt_strtab *t, const char *s, size_t len, mt_str_id *out);

/* The string with id @id (NUL-terminated), or "" for an out-of-range id. */
const char *mt_strtab_get(const mt_strtab *t, mt_str_id id);

/* Its length in bytes (0 for an out-of-range id). */
size_t mt_strtab_len(const mt_strtab *t, mt_str_id id);

/* Number of strings, "" included (so always >= 1). */
uint32_t mt_strtab_count(const mt_strtab *t);

#ifdef __cplusplus
}
#endif
#endif
