/*
 * render/text.c - the top table as text, laid out like `go tool pprof -top`:
 *   flat  flat%   sum%   cum   cum%  name
 */
#include <inttypes.h>
#include <stdio.h>

#include "memtracer/render.h"

static double pct(int64_t v, int64_t total)
{
	return total ? 100.0 * (double)v / (double)total : 0.0;
}

int mt_render_top_text(const mt_top *top, uint32_t nrows, mt_sink *out, mt_error *err)
{
	const char *unit = mt_strtab_get(top->strings, top->unit);
	char a[64], b[64];
	uint32_t n = (nrows && nrows < top->nrows) ? nrows : top->nrows;
	int64_t shown = 0;
	for (uint32_t i = 0; i < n; i++)
		shown += top->rows[i].flat;
	mt_sink_printf(out, "Type: %s\n", mt_strtab_get(top->strings, top->type));
	mt_format_value(shown, unit, top->decimals, a, sizeof a);
	mt_format_value(top->total, unit, top->decimals, b, sizeof b);
	mt_sink_printf(out, "Showing nodes accounting for %s, %.2f%% of %s total\n", a,
		pct(shown, top->total), b);
	if (n < top->nrows)
		mt_sink_printf(out, "Showing top %u nodes out of %u\n", n, top->nrows);
	mt_sink_printf(out, "%10s %6s %6s %10s %6s\n", "flat", "flat%", "sum%", "cum", "cum%");
	int64_t sum = 0;
	for (uint32_t i = 0; i < n; i++) {
		const mt_top_row *r = &top->rows[i];
		sum += r->flat;
		mt_format_value(r->flat, unit, top->decimals, a, sizeof a);
		mt_format_value(r->cum, unit, top->decimals, b, sizeof b);
		mt_sink_printf(out, "%10s %5.2f%% %5.2f%% %10s %5.2f%%  ", a, pct(r->flat, top->total),
			pct(sum, top->total), b, pct(r->cum, top->total));
		mt_sink_write(out, mt_strtab_get(top->strings, r->name), mt_strtab_len(top->strings, r->name));
		mt_sink_write(out, "\n", 1);
	}
	if (out->failed)
		return mt_error_set(err, out->failed, MT_NO_OFFSET, "cannot write the output");
	return 0;
}
