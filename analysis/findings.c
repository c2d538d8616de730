/*
 * analysis/findings.c - the findings list shared by every leak detector.
 */
#include <stdlib.h>
#include <string.h>

#include "memtracer/arena.h"
#include "memtracer/findings.h"
#include "memtracer/render.h"
#include "mt_internal.h"

struct mt_findings {
	mt_arena *arena;
	mt_finding *items;
	size_t n, cap;
	const char **sum_key, **sum_json;   /* envelope members after "findings" */
	size_t nsum, sumcap;
};

int mt_findings_new(mt_findings **out)
{
	*out = calloc(1, sizeof **out);
	if (!*out)
		return MT_ENOMEM;
	(*out)->arena = mt_arena_new();
	if (!(*out)->arena) {
		free(*out);
		*out = NULL;
		return MT_ENOMEM;
	}
	return 0;
}

void mt_findings_free(mt_findings *fs)
{
	if (!fs)
		return;
	mt_arena_free(fs->arena);
	free(fs->items);
	free(fs->sum_key);
	free(fs->sum_json);
	free(fs);
}

static const char *dup(mt_arena *a, const char *s)
{
	return s ? mt_arena_strndup(a, s, strlen(s)) : NULL;
}

int mt_findings_add(mt_findings *fs, const mt_finding *f)
{
	if (mt_grow(&fs->items, &fs->cap, fs->n + 1, sizeof *fs->items))
		return MT_ENOMEM;
	mt_finding c = *f;
	c.kind = dup(fs->arena, f->kind);
	c.root = dup(fs->arena, f->root ? f->root : "");
	c.source = dup(fs->arena, f->source ? f->source : "");
	c.detail = dup(fs->arena, f->detail ? f->detail : "");
	c.json = dup(fs->arena, f->json ? f->json : "{}");
	if (!c.kind || !c.root || !c.source || !c.detail || !c.json)
		return MT_ENOMEM;
	fs->items[fs->n++] = c;
	return 0;
}

int mt_findings_set_summary(mt_findings *fs, const char *key, const char *json)
{
	const char *j = dup(fs->arena, json ? json : "null");
	if (!j)
		return MT_ENOMEM;
	for (size_t i = 0; i < fs->nsum; i++)
		if (!strcmp(fs->sum_key[i], key)) {
			fs->sum_json[i] = j;
			return 0;
		}
	size_t c1 = fs->sumcap, c2 = fs->sumcap;
	const char *k = dup(fs->arena, key);
	if (!k || mt_grow(&fs->sum_key, &c1, fs->nsum + 1, sizeof *fs->sum_key) ||
	    mt_grow(&fs->sum_json, &c2, fs->nsum + 1, sizeof *fs->sum_json))
		return MT_ENOMEM;
	fs->sumcap = c1 < c2 ? c1 : c2;
	fs->sum_key[fs->nsum] = k;
	fs->sum_json[fs->nsum++] = j;
	return 0;
}

uint32_t mt_findings_count(const mt_findings *fs)
{
	return fs ? (uint32_t)fs->n : 0;
}

const mt_finding *mt_findings_get(const mt_findings *fs, uint32_t i)
{
	return i < fs->n ? &fs->items[i] : NULL;
}

static int cmp(const void *a, const void *b)
{
	const mt_finding *x = a, *y = b;
	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	int c = strcmp(x->kind, y->kind);
	if (!c)
		c = strcmp(x->root, y->root);
	if (!c)
		c = strcmp(x->source, y->source);
	if (!c)
		c = (x->count < y->count) - (x->count > y->count);
	if (!c)
		c = strcmp(x->json, y->json);
	return c;
}

void mt_findings_sort(mt_findings *fs)
{
	if (fs->n > 1)
		qsort(fs->items, fs->n, sizeof *fs->items, cmp);
}

int mt_render_findings_json(const mt_findings *fs, mt_sink *out, mt_error *err)
{
	mt_sink_puts(out, "{\"findings\":[");
	for (size_t i = 0; i < fs->n; i++) {
		mt_sink_puts(out, i ? ",\n" : "\n");
		mt_sink_puts(out, fs->items[i].json);
	}
	mt_sink_puts(out, fs->n ? "\n]" : "]");
	for (size_t i = 0; i < fs->nsum; i++)
	{
		mt_sink_puts(out, ",\n\"");
		mt_sink_puts(out, fs->sum_key[i]);
		mt_sink_puts(out, "\":");
		mt_sink_puts(out, fs->sum_json[i]);
	}
	mt_sink_puts(out, "}\n");
	if (out->failed)
		return mt_error_set(err, out->failed, MT_NO_OFFSET, "cannot write the output");
	return 0;
}

int mt_render_findings_text(const mt_findings *fs, mt_sink *out, mt_error *err)
{
	/* name the source on each finding only when they come from several inputs */
	int many = 0;
	for (size_t i = 1; i < fs->n && !many; i++)
		many = strcmp(fs->items[i].source, fs->items[0].source) != 0;
	if (fs->n == 0) {
		mt_sink_puts(out, "No leak findings.\n");
	} else {
		if (!many && *fs->items[0].source)
			mt_sink_printf(out, "Leak findings in %s:\n", fs->items[0].source);
		mt_sink_printf(out, "%4s  %-20s %9s %10s  %s\n", "#", "kind", "count", "bytes", "root / detail");
		for (size_t i = 0; i < fs->n; i++) {
			const mt_finding *f = &fs->items[i];
			char b[64] = "-";
			if (f->bytes >= 0)
				mt_format_value(f->bytes, "bytes", 0, b, sizeof b);
			mt_sink_printf(out, "%4zu  %-20s %9lld %10s  %s\n", i + 1, f->kind, (long long)f->count, b,
				f->root);
			if (f->detail && *f->detail)
				mt_sink_printf(out, "%49s%s\n", "", f->detail);
			if (many && f->source && *f->source)
				mt_sink_printf(out, "%49s(%s)\n", "", f->source);
		}
	}
	if (out->failed)
		return mt_error_set(err, out->failed, MT_NO_OFFSET, "cannot write the output");
	return 0;
}
