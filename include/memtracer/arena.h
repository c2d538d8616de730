/*
 * memtracer/arena.h - bump allocator that owns the memory of one document.
 *
 * A profile or heap graph allocates its strings and small records from one
 * arena and frees them all with one call. Allocations are 16-byte aligned
 * and are never freed individually. With the meson option
 * -Darena_debug=true every allocation is a separate malloc() so that ASan
 * and valgrind see overflows inside the arena.
 */
#ifndef MEMTRACER_ARENA_H
#define MEMTRACER_ARENA_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mt_arena mt_arena;

/* Returns a new empty arena, or NULL when out of memory. */
mt_arena *mt_arena_new(void);

/* Releases every allocation made from @a, then @a itself. NULL is allowed. */
void mt_arena_free(mt_arena *a);

/* @n bytes, uninitialised, 16-aligned; NULL on out of memory. @n may be 0. */
void *mt_arena_alloc(mt_arena *a, size_t n);

/* @count * @size zeroed bytes; NULL on overflow or out of memory. */
void *mt_arena_calloc(mt_arena *a, size_t count, size_t size);

/* A NUL-terminated copy of @len bytes of @s (which need not be terminated). */
char *mt_arena_strndup(mt_arena *a, const char *s, size_t len);

/* Bytes handed out so far (for tests and statistics). */
size_t mt_arena__bytes_used(const mt_arena *a);

#ifdef __cplusplus
}
#endif
#endif
