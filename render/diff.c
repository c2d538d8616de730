/*
 * render/diff.c - goroutine dump comparisons (mt_gr_diff) as text lines
 * ("+412 goroutines in main.(*hub).wait.func1 [chan receive]") and as JSON
 * ({"kind":"goroutine-diff","rows":[...]}). Changed rows only, in the
 * diff's order (|delta| desc, then root, state, stack).
 */
#include <inttypes.h>
#include <string.h>

#include "memtracer/diff.h"
#include "memtracer/json.h"

/*
 * The name a row is shown under: its root, or for a runtime-internal one
 * the function it started in (runtime.gcBgMarkWorker, not runtime.gopark).
 */
static mt_str_id row_name(const mt_gr_diff *d, const mt_gr_diff_row *r)
{
	if (mt_strtab_len(d->strings, r->root) || !r->nframes)
		return r->root;
	for (uint32_t k = r->nframes; k-- > 1;)
		if (strcmp(mt_strtab_get(d->strings, d->frames[r->frame0 + k]), "runtime.goexit"))
			return d->frames[r->frame0 + k];
	return d->frames[r->frame0];
}

/* Writes @id's bytes with control characters shown as '?', so one row stays one line. */
static void put_plain(mt_sink *s, const mt_strtab *t, mt_str_id id)
{
	const char *p = mt_strtab_get(t, id);
	size_t n = mt_strtab_len(t, id), start = 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f) {
			mt_sink_write(s, p + start, i - start);
			mt_sink_puts(s, "?");
			start = i + 1;
		}
	mt_sink_write(s, p + start, n - start);
}

int mt_render_gr_diff_text(const mt_gr_diff *d, mt_sink *out, mt_error *err)
{
	int changed = 0;
	for (uint32_t i = 0; i < d->nrows; i++) {
		const mt_gr_diff_row *r = &d->rows[i];
		if (!r->delta)
			continue;
		changed = 1;
		mt_sink_printf(out, "%+" PRId64 " goroutine%s in ", r->delta, r->delta == 1 || r->delta == -1 ? "" : "s");
		mt_str_id name = row_name(d, r);
		if (mt_strtab_len(d->strings, name))
			put_plain(out, d->strings, name);
		else
			mt_sink_puts(out, "(no stack)");
		mt_sink_puts(out, " [");
		put_plain(out, d->strings, r->state);
		mt_sink_puts(out, "]\n");
	}
	int64_t bt = d->base_total > INT64_MAX ? INT64_MAX : (int64_t)d->base_total;
	int64_t nt = d->new_total > INT64_MAX ? INT64_MAX : (int64_t)d->new_total;
	if (changed)
		mt_sink_printf(out, "total: %+" PRId64 " goroutines (%" PRIu64 " -> %" PRIu64 ")\n", nt - bt,
			d->base_total, d->new_total);
	else
		mt_sink_printf(out, "no change (%" PRIu64 " goroutines)\n", d->new_total);
	if (out->failed)
		return mt_error_set(err, out->failed, MT_NO_OFFSET, "cannot write the output");
	return 0;
}

static void put_json_id(mt_sink *s, const mt_strtab *t, mt_str_id id)
{
	mt_json_str(s, mt_strtab_get(t, id), mt_strtab_len(t, id));
}

static int64_t i64(uint64_t v)
{
	return v > INT64_MAX ? INT64_MAX : (int64_t)v;
}

int mt_render_gr_diff_json(const mt_gr_diff *d, mt_sink *out, mt_error *err)
{
	mt_sink_printf(out, "{\"kind\":\"goroutine-diff\",\"base_total\":%" PRId64 ",\"new_total\":%" PRId64
		",\"rows\":[", i64(d->base_total), i64(d->new_total));
	int n = 0;
	for (uint32_t i = 0; i < d->nrows; i++) {
		const mt_gr_diff_row *r = &d->rows[i];
		if (!r->delta)
			continue;
		mt_sink_puts(out, n++ ? ",\n{\"root\":" : "\n{\"root\":");
		put_json_id(out, d->strings, r->root);
		mt_sink_puts(out, ",\"state\":");
		put_json_id(out, d->strings, r->state);
		mt_sink_printf(out, ",\"base\":%" PRId64 ",\"new\":%" PRId64 ",\"delta\":%" PRId64 ",\"stack\":[",
			i64(r->base_count), i64(r->new_count), r->delta);
		for (uint32_t k = 0; k < r->nframes; k++) {
			if (k)
				mt_sink_puts(out, ",");
			put_json_id(out, d->strings, d->frames[r->frame0 + k]);
		}
		mt_sink_puts(out, "]}");
	}
	mt_sink_puts(out, n ? "\n]}\n" : "]}\n");
	if (out->failed)
		return mt_error_set(err, out->failed, MT_NO_OFFSET, "cannot write the output");
	return 0;
}
