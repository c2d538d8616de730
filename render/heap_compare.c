/*
 * render/heap_compare.c - `memtracer diff A B` for two heap snapshots: the
 * per-class comparison (DevTools' Comparison view columns) as text and as
 * {"kind":"heap-diff","totals":{...},"rows":[...]} (heap_compare.h).
 */
#include <inttypes.h>
#include <stdio.h>

#include "memtracer/heap_compare.h"
#include "memtracer/json.h"

static int finish(mt_sink *out, mt_error *err)
{
	if (out->failed)
		return mt_error_set(err, out->failed, MT_NO_OFFSET, "cannot write the output");
	return 0;
}

static uint32_t shown(const mt_heap_diff *d, uint32_t n)
{
	return n && n < d->nrows ? n : d->nrows;
}

int mt_render_heap_diff_json(const mt_heap_diff *d, uint32_t n, mt_sink *out, mt_error *err)
{
	int64_t delta = (int64_t)d->nodes - (int64_t)d->base_nodes;
	int64_t sdelta = (int64_t)d->alloc_size - (int64_t)d->freed_size;
	mt_sink_printf(out,
		"{\"kind\":\"heap-diff\",\"totals\":{\"base_nodes\":%" PRIu64 ",\"nodes\":%" PRIu64
		",\"new\":%" PRIu64 ",\"deleted\":%" PRIu64 ",\"delta\":%" PRId64 ",\"alloc_size\":%" PRIu64
		",\"freed_size\":%" PRIu64 ",\"size_delta\":%" PRId64 "},\"rows\":[",
		d->base_nodes, d->nodes, d->added, d->deleted, delta, d->alloc_size, d->freed_size, sdelta);
	uint32_t m = shown(d, n);
	for (uint32_t i = 0; i < m; i++) {
		const mt_heap_diff_row *r = &d->rows[i];
		mt_sink_puts(out, i ? ",{\"class\":" : "{\"class\":");
		mt_json_cstr(out, r->cls);
		mt_sink_printf(out,
			",\"new\":%" PRIu64 ",\"deleted\":%" PRIu64 ",\"delta\":%" PRId64 ",\"alloc_size\":%" PRIu64
			",\"freed_size\":%" PRIu64 ",\"size_delta\":%" PRId64 "}",
			r->added, r->deleted, r->delta, r->alloc_size, r->freed_size, r->size_delta);
	}
	mt_sink_puts(out, "]}\n");
	return finish(out, err);
}

int mt_render_heap_diff_text(const mt_heap_diff *d, uint32_t n, mt_sink *out, mt_error *err)
{
	mt_sink_printf(out,
		"%" PRIu64 " -> %" PRIu64 " nodes (%+" PRId64 "): %" PRIu64 " new (%" PRIu64 " bytes), %" PRIu64
		" deleted (%" PRIu64 " bytes), size delta %+" PRId64 "\n",
		d->base_nodes, d->nodes, (int64_t)d->nodes - (int64_t)d->base_nodes, d->added, d->alloc_size,
		d->deleted, d->freed_size, (int64_t)d->alloc_size - (int64_t)d->freed_size);
	mt_sink_printf(out, "%9s %9s %9s %12s %12s %12s  %s\n", "# new", "# deleted", "# delta", "alloc size",
		"freed size", "size delta", "class");
	uint32_t m = shown(d, n);
	for (uint32_t i = 0; i < m; i++) {
		const mt_heap_diff_row *r = &d->rows[i];
		mt_sink_printf(out, "%9" PRIu64 " %9" PRIu64 " %+9" PRId64 " %12" PRIu64 " %12" PRIu64 " %+12" PRId64 "  ",
			r->added, r->deleted, r->delta, r->alloc_size, r->freed_size, r->size_delta);
		/* class names come from the dump: control bytes already replaced by mt_heap_node_class */
		mt_sink_puts(out, r->cls);
		mt_sink_puts(out, "\n");
	}
	if (m < d->nrows)
		mt_sink_printf(out, "(%" PRIu32 " more classes; -n 0 shows all)\n", d->nrows - m);
	return finish(out, err);
}
