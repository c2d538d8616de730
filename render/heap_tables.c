/*
 * render/heap_tables.c - `memtracer dominators` and `memtracer retainers`
 * for V8 heap snapshots, as text and JSON (shapes documented in heap.h):
 *   {"rows":[{"id":N,"name":"...","type":"...","self":N,"retained":N,"distance":N},...]}
 *   {"matches":[{"id":N,"name":"...","type":"...","retained":N,
 *                "path":[{"node":"...","type":"...","id":N,"edge":"...","edge_type":"..."},...],
 *                "text":"Window -> ..."}]}
 * Numbers are exact integers; names are the snapshot's own (JSON-escaped).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memtracer/heap.h"
#include "memtracer/json.h"
#include "memtracer/render.h"

static int finish(mt_sink *out, mt_error *err)
{
	if (out->failed)
		return mt_error_set(err, out->failed, MT_NO_OFFSET, "cannot write the output");
	return 0;
}

static void name_json(mt_sink *s, const mt_heap *h, uint32_t v)
{
	if (!h->node_name) {
		mt_sink_puts(s, "\"\"");
		return;
	}
	mt_json_str(s, mt_strtab_get(h->strings, h->node_name[v]), mt_strtab_len(h->strings, h->node_name[v]));
}

static void u64(mt_sink *s, uint64_t v)
{
	mt_sink_printf(s, "%" PRIu64, v);
}

int mt_render_heap_dominators_json(const mt_heap *h, const mt_heap_row *rows, uint32_t n,
	mt_sink *out, mt_error *err)
{
	mt_sink_puts(out, "{\"rows\":[");
	for (uint32_t i = 0; i < n; i++) {
		const mt_heap_row *r = &rows[i];
		mt_sink_printf(out, "%s{\"id\":%" PRIu32 ",\"name\":", i ? "," : "", r->id);
		name_json(out, h, r->node);
		mt_sink_puts(out, ",\"type\":");
		mt_json_cstr(out, mt_heap_node_type_name(h->node_type[r->node]));
		mt_sink_puts(out, ",\"self\":");
		u64(out, r->self);
		mt_sink_puts(out, ",\"retained\":");
		u64(out, r->retained);
		if (r->distance == UINT32_MAX)
			mt_sink_puts(out, ",\"distance\":null}");
		else
			mt_sink_printf(out, ",\"distance\":%" PRIu32 "}", r->distance);
	}
	mt_sink_puts(out, "]}\n");
	return finish(out, err);
}

static const char *bytes(uint64_t v, char *buf, size_t cap)
{
	return mt_format_value(v > INT64_MAX ? INT64_MAX : (int64_t)v, "bytes", 0, buf, cap);
}

int mt_render_heap_dominators_text(const mt_heap *h, const mt_heap_row *rows, uint32_t n,
	mt_sink *out, mt_error *err)
{
	char a[32], b[32], label[256];
	mt_sink_printf(out, "%10s %10s %6s  %-12s %12s  %s\n", "retained", "self", "dist", "type", "id", "name");
	for (uint32_t i = 0; i < n; i++) {
		const mt_heap_row *r = &rows[i];
		char dist[16];
		if (r->distance == UINT32_MAX)
			snprintf(dist, sizeof dist, "-");
		else
			snprintf(dist, sizeof dist, "%" PRIu32, r->distance);
		char id[16];
		snprintf(id, sizeof id, "@%" PRIu32, r->id);
		mt_heap_node_label(h, r->node, label, sizeof label);
		mt_sink_printf(out, "%10s %10s %6s  %-12s %12s  %s\n", bytes(r->retained, a, sizeof a),
			bytes(r->self, b, sizeof b), dist, mt_heap_node_type_name(h->node_type[r->node]), id, label);
	}
	return finish(out, err);
}

/* The path of @node into a malloc()ed array; *@len its length (0: none). */
static int get_path(const mt_heap *h, const mt_heap_doms *d, uint32_t node, uint32_t **path,
	uint32_t *len, mt_error *err)
{
	uint32_t cap = 64;
	*path = NULL;
	*len = 0;
	for (;;) {
		uint32_t *p = malloc((size_t)cap * sizeof *p);
		if (!p)
			return mt_error_set(err, MT_ENOMEM, MT_NO_OFFSET, "out of memory for a retainer path");
		int n = mt_heap_retainer_path(h, d, node, p, cap, err);
		if (n < 0) {
			free(p);
			return n;
		}
		if ((uint32_t)n <= cap) {
			*path = p;
			*len = (uint32_t)n;
			return 0;
		}
		free(p);
		cap = (uint32_t)n;
	}
}

static char *path_text(const mt_heap *h, const uint32_t *p, uint32_t n)
{
	size_t need = mt_heap_path_format(h, p, n, NULL, 0) + 1;
	char *s = malloc(need);
	if (s)
		mt_heap_path_format(h, p, n, s, need);
	return s;
}

static void edge_json(mt_sink *s, const mt_heap *h, uint32_t e)
{
	uint8_t t = h->edge_type[e];
	mt_sink_puts(s, ",\"edge\":");
	if (t == MT_HE_ELEMENT || t == MT_HE_HIDDEN) {
		mt_sink_printf(s, "\"%" PRIu32 "\"", h->edge_name[e]);
	} else if (h->strings) {
		mt_json_str(s, mt_strtab_get(h->strings, h->edge_name[e]), mt_strtab_len(h->strings, h->edge_name[e]));
	} else {
		mt_sink_puts(s, "\"\"");
	}
	mt_sink_puts(s, ",\"edge_type\":");
	mt_json_cstr(s, mt_heap_edge_type_name(t));
}

static void step_json(mt_sink *s, const mt_heap *h, uint32_t v, int first)
{
	mt_sink_puts(s, first ? "{\"node\":" : ",{\"node\":");
	name_json(s, h, v);
	mt_sink_puts(s, ",\"type\":");
	mt_json_cstr(s, mt_heap_node_type_name(h->node_type[v]));
	mt_sink_printf(s, ",\"id\":%" PRIu32, h->node_id ? h->node_id[v] : 0);
}

/* The retainer path of @v (malloc()ed edges, *@len of them) and its one-line text (malloc()ed). */
static int path_with_text(const mt_heap *h, const mt_heap_doms *d, uint32_t v, uint32_t **p, uint32_t *len,
	char **text, mt_error *err)
{
	int rc = get_path(h, d, v, p, len, err);
	if (rc)
		return rc;
	if (!(*text = path_text(h, *p, *len))) {
		free(*p);
		return mt_error_set(err, MT_ENOMEM, MT_NO_OFFSET, "out of memory for a retainer path");
	}
	return 0;
}

int mt_render_heap_retainers_json(const mt_heap *h, const mt_heap_doms *d,
	const uint32_t *nodes, uint32_t n, mt_sink *out, mt_error *err)
{
	mt_sink_puts(out, "{\"matches\":[");
	for (uint32_t i = 0; i < n; i++) {
		uint32_t v = nodes[i], *p, len;
		char *text;
		int rc = path_with_text(h, d, v, &p, &len, &text, err);
		if (rc)
			return rc;
		mt_sink_printf(out, "%s{\"id\":%" PRIu32 ",\"name\":", i ? "," : "", h->node_id ? h->node_id[v] : 0);
		name_json(out, h, v);
		mt_sink_puts(out, ",\"type\":");
		mt_json_cstr(out, mt_heap_node_type_name(h->node_type[v]));
		mt_sink_puts(out, ",\"retained\":");
		u64(out, d ? d->retained[v] : h->node_self[v]);
		mt_sink_puts(out, ",\"path\":[");
		if (len) {
			step_json(out, h, mt_heap_edge_from(h, p[0]), 1);
			mt_sink_puts(out, ",\"edge\":null,\"edge_type\":null}");
			for (uint32_t k = 0; k < len; k++) {
				step_json(out, h, h->edge_to[p[k]], 0);
				edge_json(out, h, p[k]);
				mt_sink_puts(out, "}");
			}
		}
		mt_sink_puts(out, "],\"text\":");
		mt_json_cstr(out, text);
		mt_sink_puts(out, "}");
		free(text);
		free(p);
	}
	mt_sink_puts(out, "]}\n");
	return finish(out, err);
}

int mt_render_heap_retainers_text(const mt_heap *h, const mt_heap_doms *d,
	const uint32_t *nodes, uint32_t n, mt_sink *out, mt_error *err)
{
	char label[256], a[32];
	for (uint32_t i = 0; i < n; i++) {
		uint32_t v = nodes[i], *p, len;
		char *text;
		int rc = path_with_text(h, d, v, &p, &len, &text, err);
		if (rc)
			return rc;
		mt_heap_node_label(h, v, label, sizeof label);
		mt_sink_printf(out, "%s@%" PRIu32 " %s %s (retained %s)\n", i ? "\n" : "", h->node_id ? h->node_id[v] : 0,
			mt_heap_node_type_name(h->node_type[v]), label,
			bytes(d ? d->retained[v] : h->node_self[v], a, sizeof a));
		if (len)
			mt_sink_printf(out, "  %s\n", text);
		else
			mt_sink_puts(out, v == 0 ? "  (the root)\n" : "  (no retaining path: unreachable from the roots)\n");
		free(text);
		free(p);
	}
	return finish(out, err);
}
