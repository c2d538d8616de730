/*
 * core/arena.c - bump allocator in growing chunks.
 *
 * Chunks double from 64 KiB up to 64 MiB; a request larger than a chunk
 * gets a chunk of its own. In debug mode (MT_ARENA_DEBUG) each allocation
 * is its own malloc() kept on a list, so sanitizers see exact bounds.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "memtracer/arena.h"
#include "mt_internal.h"

#define ALIGN 16
#define FIRST_CHUNK ((size_t)64 << 10)
#define MAX_CHUNK ((size_t)64 << 20)

typedef struct chunk {
	struct chunk *next;
	size_t size, used;
	_Alignas(16) unsigned char data[];
} chunk;

struct mt_arena {
	chunk *head;
	size_t next_size;
	size_t bytes;
};

mt_arena *mt_arena_new(void)
{
	mt_arena *a = calloc(1, sizeof *a);
	if (a)
		a->next_size = FIRST_CHUNK;
	return a;
}

void mt_arena_free(mt_arena *a)
{
	if (!a)
		return;
	chunk *c = a->head;
	while (c) {
		chunk *n = c->next;
		free(c);
		c = n;
	}
	free(a);
}

void *mt_arena_alloc(mt_arena *a, size_t n)
{
	if (n > SIZE_MAX - 2 * ALIGN - sizeof(chunk))
		return NULL;
	size_t need = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
	if (need == 0)
		need = ALIGN;
#if MT_ARENA_DEBUG
	chunk *d = malloc(sizeof(chunk) + n);
	if (!d)
		return NULL;
	d->size = n;
	d->used = n;
	d->next = a->head;
	a->head = d;
	a->bytes += n;
	return d->data;
#else
	chunk *c = a->head;
	if (!c || c->size - c->used < need) {
		size_t sz = a->next_size;
		if (sz < need)
			sz = need;
		c = malloc(sizeof(chunk) + sz);
		if (!c)
			return NULL;
		c->size = sz;
		c->used = 0;
		if (a->head && need > a->next_size) {
			/* a big one-off: keep the current head for small allocations */
			c->next = a->head->next;
			a->head->next = c;
		} else {
			c->next = a->head;
			a->head = c;
			if (a->next_size < MAX_CHUNK)
				a->next_size *= 2;
		}
	}
	void *p = c->data + c->used;
	c->used += need;
	a->bytes += need;
	return p;
#endif
}

void *mt_arena_calloc(mt_arena *a, size_t count, size_t size)
{
	size_t n;
	if (!mt_mul_ok(count, size, &n))
		return NULL;
	void *p = mt_arena_alloc(a, n);
	if (p)
		memset(p, 0, n);
	return p;
}

char *mt_arena_strndup(mt_arena *a, const char *s, size_t len)
{
	if (len == SIZE_MAX)
		return NULL;
	char *p = mt_arena_alloc(a, len + 1);
	if (!p)
		return NULL;
	if (len)
		memcpy(p, s, len);
	p[len] = 0;
	return p;
}

size_t mt_arena__bytes_used(const mt_arena *a)
{
	return a ? a->bytes : 0;
}

int mt_grow(void *ptr, size_t *cap, size_t need, size_t elsize)
{
	void **pp = (void **)ptr;
	if (need <= *cap)
		return 0;
	size_t nc = *cap ? *cap : 16;
	while (nc < need) {
		if (nc > SIZE_MAX / 2)
			return MT_ENOMEM;
		nc *= 2;
	}
	size_t bytes;
	if (!mt_mul_ok(nc, elsize, &bytes))
		return MT_ENOMEM;
	void *np = realloc(*pp, bytes);
	if (!np)
		return MT_ENOMEM;
	*pp = np;
	*cap = nc;
	return 0;
}

int mt_grow32(void *ptr, uint32_t *cap, uint64_t need, size_t elsize)
{
	if (need > UINT32_MAX)
		return MT_ELIMIT;
	size_t c = *cap;
	int r = mt_grow(ptr, &c, (size_t)need, elsize);
	if (r)
		return r;
	*cap = c > UINT32_MAX ? UINT32_MAX : (uint32_t)c;
	return 0;
}
