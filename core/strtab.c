/*
 * core/strtab.c - string interning with a Judy hash array (JudyHS).
 *
 * JudyHS maps a byte string of any length to a word; we store id+1 there
 * (0 means absent). Strings live in an arena, each followed by a NUL.
 */
#include <Judy.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "memtracer/arena.h"
#include "memtracer/strtab.h"
#include "mt_internal.h"

struct mt_strtab {
	Pvoid_t index;      /* JudyHS: bytes -> id + 1 */
	mt_arena *arena;
	const char **str;
	uint32_t *len;
	uint32_t count, cap;
};

mt_strtab *mt_strtab_new(void)
{
	mt_strtab *t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	t->arena = mt_arena_new();
	mt_str_id id;
	if (!t->arena || mt_strtab_intern(t, "", 0, &id) != 0) {
		mt_strtab_free(t);
		return NULL;
	}
	return t;
}

void mt_strtab_free(mt_strtab *t)
{
	if (!t)
		return;
	Word_t bytes;
	JHSFA(bytes, t->index);
	(void)bytes;
	mt_arena_free(t->arena);
	free(t->str);
	free(t->len);
	free(t);
}

int mt_strtab_find(const mt_strtab *t, const char *s, size_t len, mt_str_id *out)
{
	PWord_t pv;
	JHSG(pv, t->index, (void *)s, len);
	if (!pv || *pv == 0)
		return 0;
	*out = (mt_str_id)(*pv - 1);
	return 1;
}

int mt_strtab_intern(mt_strtab *t, const char *s, size_t len, mt_str_id *out)
{
	if (len > UINT32_MAX)
		return MT_ELIMIT;
	PWord_t pv;
	JHSI(pv, t->index, (void *)s, len);
	if (pv == PJERR)
		return MT_ENOMEM;
	if (*pv) {
		*out = (mt_str_id)(*pv - 1);
		return 0;
	}
	if (t->count == UINT32_MAX - 1) {
		int rc;
		JHSD(rc, t->index, (void *)s, len);
		return MT_ELIMIT;
	}
	if (t->count == t->cap) {
		uint32_t c1 = t->cap, c2 = t->cap;
		if (mt_grow32(&t->str, &c1, (uint64_t)t->count + 1, sizeof *t->str) ||
		    mt_grow32(&t->len, &c2, (uint64_t)t->count + 1, sizeof *t->len))
			goto oom;
		t->cap = c1 < c2 ? c1 : c2;
	}
	char *copy = mt_arena_strndup(t->arena, s, len);
	if (!copy)
		goto oom;
	t->str[t->count] = copy;
	t->len[t->count] = (uint32_t)len;
	*pv = (Word_t)t->count + 1;
	*out = t->count++;
	return 0;
oom:;
	int rc;
	JHSD(rc, t->index, (void *)s, len);
	return MT_ENOMEM;
}

int mt_strtab_intern_cstr(mt_strtab *t, const char *s, mt_str_id *out)
{
	return mt_strtab_intern(t, s, strlen(s), out);
}

const char *mt_strtab_get(const mt_strtab *t, mt_str_id id)
{
	return (t && id < t->count) ? t->str[id] : "";
}

size_t mt_strtab_len(const mt_strtab *t, mt_str_id id)
{
	return (t && id < t->count) ? t->len[id] : 0;
}

uint32_t mt_strtab_count(const mt_strtab *t)
{
	return t ? t->count : 0;
}
