/*
 * render/json.c - JSON outputs: the top table (a contract other tools
 * rely on) and the whole profile IR.
 *
 * Top:  {"sample_type":"...","unit":"...","total":N,"rows":[{"name":"...","flat":N,"cum":N},...]}
 * Values are exact integers (fixed-point columns are printed as decimals).
 */
#include <inttypes.h>
#include <stdio.h>

#include "memtracer/json.h"
#include "memtracer/render.h"

static void num(mt_sink *s, int64_t v, uint32_t decimals)
{
	if (decimals) {
		char buf[64];
		mt_sink_puts(s, mt_format_value(v, "", decimals, buf, sizeof buf));
	} else {
		mt_json_i64(s, v);
	}
}

static void strid(mt_sink *s, const mt_strtab *t, mt_str_id id)
{
	mt_json_str(s, mt_strtab_get(t, id), mt_strtab_len(t, id));
}

int mt_render_top_json(const mt_top *top, uint32_t nrows, mt_sink *out, mt_error *err)
{
	uint32_t n = (nrows && nrows < top->nrows) ? nrows : top->nrows;
	mt_sink_puts(out, "{\"sample_type\":");
	strid(out, top->strings, top->type);
	mt_sink_puts(out, ",\"unit\":");
	strid(out, top->strings, top->unit);
	mt_sink_puts(out, ",\"total\":");
	num(out, top->total, top->decimals);
	mt_sink_puts(out, ",\"rows\":[");
	for (uint32_t i = 0; i < n; i++) {
		mt_sink_puts(out, i ? ",{\"name\":" : "{\"name\":");
		strid(out, top->strings, top->rows[i].name);
		mt_sink_puts(out, ",\"flat\":");
		num(out, top->rows[i].flat, top->decimals);
		mt_sink_puts(out, ",\"cum\":");
		num(out, top->rows[i].cum, top->decimals);
		mt_sink_puts(out, "}");
	}
	mt_sink_puts(out, "]}\n");
	if (out->failed)
		return mt_error_set(err, out->failed, MT_NO_OFFSET, "cannot write the output");
	return 0;
}

static void pstr(mt_sink *s, const mt_profile *p, mt_str_id id)
{
	mt_json_str(s, mt_profile_str(p, id), mt_strtab_len(p->strings, id));
}

/*
 * The IR as JSON: sample types, metadata, functions, mappings, locations
 * (with lines) and samples (location indices leaf first, values, labels).
 * Indices are the IR's own (1-based; 0 = none).
 */
int mt_write_profile_json(const mt_profile *p, mt_sink *o, mt_error *err)
{
	mt_sink_puts(o, "{\"format\":");
	pstr(o, p, p->format);
	mt_sink_puts(o, ",\"sample_types\":[");
	for (uint32_t c = 0; c < p->nvalue_types; c++) {
		mt_sink_puts(o, c ? ",{\"type\":" : "{\"type\":");
		pstr(o, p, p->value_types[c].type);
		mt_sink_puts(o, ",\"unit\":");
		pstr(o, p, p->value_types[c].unit);
		if (p->value_types[c].decimals)
			mt_sink_printf(o, ",\"decimals\":%u", p->value_types[c].decimals);
		mt_sink_puts(o, "}");
	}
	mt_sink_puts(o, "],\"default_sample_type\":");
	pstr(o, p, p->default_sample_type);
	mt_sink_puts(o, ",\"period_type\":{\"type\":");
	pstr(o, p, p->period_type.type);
	mt_sink_puts(o, ",\"unit\":");
	pstr(o, p, p->period_type.unit);
	mt_sink_printf(o, "},\"period\":%" PRId64 ",\"time_nanos\":%" PRId64 ",\"duration_nanos\":%" PRId64,
		p->period, p->time_nanos, p->duration_nanos);
	mt_sink_puts(o, ",\"drop_frames\":");
	pstr(o, p, p->drop_frames);
	mt_sink_puts(o, ",\"keep_frames\":");
	pstr(o, p, p->keep_frames);
	mt_sink_puts(o, ",\"comments\":[");
	for (uint32_t i = 0; i < p->ncomments; i++) {
		if (i)
			mt_sink_puts(o, ",");
		pstr(o, p, p->comments[i]);
	}
	mt_sink_puts(o, "],\n\"functions\":[");
	for (uint32_t i = 1; i < p->nfunctions; i++) {
		const mt_function *f = &p->functions[i];
		mt_sink_printf(o, "%s\n{\"id\":%u,\"name\":", i > 1 ? "," : "", i);
		pstr(o, p, f->name);
		mt_sink_puts(o, ",\"system_name\":");
		pstr(o, p, f->system_name);
		mt_sink_puts(o, ",\"filename\":");
		pstr(o, p, f->filename);
		mt_sink_printf(o, ",\"start_line\":%" PRId64 ",\"lang\":\"%s\"}", f->start_line,
			mt_lang_name((mt_lang)f->lang));
	}
	mt_sink_puts(o, "],\n\"mappings\":[");
	for (uint32_t i = 1; i < p->nmappings; i++) {
		const mt_mapping *m = &p->mappings[i];
		mt_sink_printf(o, "%s\n{\"id\":%u,\"start\":%" PRIu64 ",\"limit\":%" PRIu64 ",\"offset\":%" PRIu64
			",\"file\":", i > 1 ? "," : "", i, m->start, m->limit, m->offset);
		pstr(o, p, m->file);
		mt_sink_puts(o, ",\"build_id\":");
		pstr(o, p, m->build_id);
		mt_sink_printf(o, ",\"has_functions\":%s,\"has_filenames\":%s,\"has_line_numbers\":%s,"
			"\"has_inline_frames\":%s}", m->has_functions ? "true" : "false",
			m->has_filenames ? "true" : "false", m->has_line_numbers ? "true" : "false",
			m->has_inline_frames ? "true" : "false");
	}
	mt_sink_puts(o, "],\n\"locations\":[");
	for (uint32_t i = 1; i < p->nlocations; i++) {
		const mt_location *l = &p->locations[i];
		mt_sink_printf(o, "%s\n{\"id\":%u,\"address\":%" PRIu64 ",\"mapping\":%u,\"is_folded\":%s,\"lines\":[",
			i > 1 ? "," : "", i, l->address, l->mapping, l->is_folded ? "true" : "false");
		for (uint32_t k = 0; k < l->nlines; k++) {
			const mt_line *ln = &p->lines[l->first_line + k];
			mt_sink_printf(o, "%s{\"function\":%u,\"line\":%" PRId64 ",\"column\":%" PRId64 "}",
				k ? "," : "", ln->func, ln->line, ln->column);
		}
		mt_sink_puts(o, "]}");
	}
	mt_sink_puts(o, "],\n\"samples\":[");
	for (uint32_t s = 0; s < p->nsamples; s++) {
		mt_sink_puts(o, s ? ",\n{\"locations\":[" : "\n{\"locations\":[");
		for (uint32_t k = p->sample_loc_off[s]; k < p->sample_loc_off[s + 1]; k++)
			mt_sink_printf(o, "%s%u", k > p->sample_loc_off[s] ? "," : "", p->sample_locs[k]);
		mt_sink_puts(o, "],\"values\":[");
		for (uint32_t c = 0; c < p->nvalue_types; c++) {
			if (c)
				mt_sink_puts(o, ",");
			num(o, p->values[(size_t)s * p->nvalue_types + c], p->value_types[c].decimals);
		}
		mt_sink_puts(o, "]");
		if (p->sample_label_off[s + 1] > p->sample_label_off[s]) {
			mt_sink_puts(o, ",\"labels\":[");
			for (uint32_t k = p->sample_label_off[s]; k < p->sample_label_off[s + 1]; k++) {
				const mt_label *lb = &p->labels[k];
				mt_sink_puts(o, k > p->sample_label_off[s] ? ",{\"key\":" : "{\"key\":");
				pstr(o, p, lb->key);
				if (lb->str) {
					mt_sink_puts(o, ",\"str\":");
					pstr(o, p, lb->str);
				} else {
					mt_sink_printf(o, ",\"num\":%" PRId64, lb->num);
					if (lb->num_unit) {
						mt_sink_puts(o, ",\"unit\":");
						pstr(o, p, lb->num_unit);
					}
				}
				mt_sink_puts(o, "}");
			}
			mt_sink_puts(o, "]");
		}
		mt_sink_puts(o, "}");
	}
	mt_sink_puts(o, "]}\n");
	if (o->failed)
		return mt_error_set(err, o->failed, MT_NO_OFFSET, "cannot write the output");
	return 0;
}
