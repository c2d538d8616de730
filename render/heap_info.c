/*
 * render/heap_info.c - `memtracer info` for a V8 heap snapshot (mt_heap),
 * as text or JSON: counts, total self size, per node type count and self
 * size (sorted by type name), optional V8 parts present, detached nodes.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "memtracer/heap.h"
#include "memtracer/json.h"

typedef struct type_row {
	const char *name;
	uint64_t count, self;
} type_row;

static int by_name(const void *a, const void *b)
{
	return strcmp(((const type_row *)a)->name, ((const type_row *)b)->name);
}

/* rows for the types that occur, sorted by name; returns how many */
static uint32_t type_rows(const mt_heap *h, type_row *rows)
{
	type_row all[MT_HN__COUNT];
	memset(all, 0, sizeof all);
	for (uint32_t i = 0; i < h->nnodes; i++) {
		unsigned t = h->node_type[i] < MT_HN__COUNT ? h->node_type[i] : MT_HN_OTHER;
		all[t].count++;
		all[t].self += h->node_self[i];
	}
	uint32_t n = 0;
	for (unsigned t = 0; t < MT_HN__COUNT; t++) {
		if (!all[t].count)
			continue;
		rows[n] = all[t];
		rows[n].name = mt_heap_node_type_name((mt_heap_node_type)t);
		n++;
	}
	qsort(rows, n, sizeof *rows, by_name);
	return n;
}

static uint64_t detached_nodes(const mt_heap *h)
{
	uint64_t n = 0;
	if (!h->node_detached)
		return 0;
	for (uint32_t i = 0; i < h->nnodes; i++)
		n += h->node_detached[i] == MT_DETACHED_DETACHED;
	return n;
}

static const struct {
	uint32_t bit;
	const char *name;
} features[] = {
	{ MT_HEAP_HAS_DETACHEDNESS, "detachedness" },
	{ MT_HEAP_HAS_LOCATIONS, "locations" },
	{ MT_HEAP_HAS_TRACE_NODE_ID, "trace_node_id" },
	{ MT_HEAP_HAS_TRACES, "allocation_traces" },
	{ MT_HEAP_HAS_SAMPLES, "samples" },
};

static int finish(mt_sink *o, mt_error *err)
{
	if (o->failed)
		return mt_error_set(err, o->failed, MT_NO_OFFSET, "cannot write the output");
	return 0;
}

int mt_render_heap_info_text(const mt_heap *h, const char *path, mt_sink *o, mt_error *err)
{
	type_row rows[MT_HN__COUNT];
	uint32_t n = type_rows(h, rows);
	mt_sink_printf(o, "File:         %s\n", path);
	mt_sink_printf(o, "Format:       v8-heapsnapshot\n");
	mt_sink_printf(o, "Nodes:        %u\n", h->nnodes);
	mt_sink_printf(o, "Edges:        %u\n", h->nedges);
	mt_sink_printf(o, "Strings:      %u\n", h->strings ? mt_strtab_count(h->strings) : 0);
	mt_sink_printf(o, "Self size:    %" PRIu64 " bytes\n", h->total_self);
	mt_sink_puts(o, "Features:    ");
	int any = 0;
	for (size_t i = 0; i < sizeof features / sizeof *features; i++) {
		if (h->features & features[i].bit) {
			mt_sink_printf(o, " %s", features[i].name);
			any = 1;
		}
	}
	mt_sink_puts(o, any ? "\n" : " -\n");
	if (h->features & MT_HEAP_HAS_LOCATIONS)
		mt_sink_printf(o, "Locations:    %u\n", h->nlocations);
	if (h->features & MT_HEAP_HAS_TRACES)
		mt_sink_printf(o, "Traces:       %u functions, %u trace nodes\n", h->ntrace_fns, h->ntrace_nodes);
	if (h->features & MT_HEAP_HAS_DETACHEDNESS)
		mt_sink_printf(o, "Detached:     %" PRIu64 " nodes (detachedness 2)\n", detached_nodes(h));
	mt_sink_puts(o, "Node types:\n");
	mt_sink_printf(o, "  %-22s %12s %16s\n", "type", "count", "self size");
	for (uint32_t i = 0; i < n; i++)
		mt_sink_printf(o, "  %-22s %12" PRIu64 " %16" PRIu64 "\n", rows[i].name, rows[i].count, rows[i].self);
	return finish(o, err);
}

int mt_render_heap_info_json(const mt_heap *h, const char *path, mt_sink *o, mt_error *err)
{
	type_row rows[MT_HN__COUNT];
	uint32_t n = type_rows(h, rows);
	mt_sink_puts(o, "{\"format\":\"v8-heapsnapshot\",\"file\":");
	mt_json_cstr(o, path);
	mt_sink_printf(o, ",\"nodes\":%u,\"edges\":%u,\"strings\":%u,\"total_self_size\":%" PRIu64, h->nnodes,
		h->nedges, h->strings ? mt_strtab_count(h->strings) : 0, h->total_self);
	mt_sink_puts(o, ",\"features\":[");
	int first = 1;
	for (size_t i = 0; i < sizeof features / sizeof *features; i++) {
		if (!(h->features & features[i].bit))
			continue;
		mt_sink_puts(o, first ? "" : ",");
		mt_json_cstr(o, features[i].name);
		first = 0;
	}
	mt_sink_puts(o, "],\"node_types\":{");
	for (uint32_t i = 0; i < n; i++) {
		mt_sink_puts(o, i ? "," : "");
		mt_json_cstr(o, rows[i].name);
		mt_sink_printf(o, ":{\"count\":%" PRIu64 ",\"self_size\":%" PRIu64 "}", rows[i].count, rows[i].self);
	}
	mt_sink_printf(o, "},\"detached_nodes\":%" PRIu64 "}\n", detached_nodes(h));
	return finish(o, err);
}
