/*
 * render/info.c - `memtracer info`: what a profile holds, as text or JSON.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "memtracer/json.h"
#include "memtracer/render.h"

/* distinct label keys in first-seen order (small: a linear scan suffices) */
static uint32_t label_keys(const mt_profile *p, mt_str_id *keys, uint32_t cap)
{
	uint32_t n = 0;
	uint32_t nl = p->nsamples ? p->sample_label_off[p->nsamples] : 0;
	for (uint32_t i = 0; i < nl; i++) {
		mt_str_id k = p->labels[i].key;
		uint32_t j = 0;
		while (j < n && keys[j] != k)
			j++;
		if (j == n && n < cap)
			keys[n++] = k;
	}
	return n;
}

static void iso_time(int64_t ns, char *buf, size_t cap)
{
	time_t secs = (time_t)(ns / 1000000000);
	struct tm tm;
	if (ns <= 0 || !gmtime_r(&secs, &tm)) {
		snprintf(buf, cap, "-");
		return;
	}
	strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int mt_render_info_text(const mt_profile *p, const char *path, mt_sink *o, mt_error *err)
{
	char a[64], b[64];
	mt_sink_printf(o, "File:         %s\n", path);
	mt_sink_printf(o, "Format:       %s\n", mt_profile_str(p, p->format));
	iso_time(p->time_nanos, a, sizeof a);
	mt_sink_printf(o, "Time:         %s\n", a);
	mt_format_value(p->duration_nanos, "nanoseconds", 0, a, sizeof a);
	mt_sink_printf(o, "Duration:     %s\n", p->duration_nanos ? a : "-");
	if (p->period_type.type || p->period)
		mt_sink_printf(o, "Period:       %" PRId64 " %s/%s\n", p->period,
			mt_profile_str(p, p->period_type.type), mt_profile_str(p, p->period_type.unit));
	mt_sink_printf(o, "Samples:      %u\n", p->nsamples);
	mt_sink_printf(o, "Locations:    %u\nFunctions:    %u\nMappings:     %u\n", p->nlocations - 1,
		p->nfunctions - 1, p->nmappings - 1);
	mt_sink_printf(o, "Sample types:\n");
	uint32_t def = mt_profile_default_column(p);
	for (uint32_t c = 0; c < p->nvalue_types; c++) {
		const char *unit = mt_profile_str(p, p->value_types[c].unit);
		int64_t t = mt_profile_total(p, c);
		mt_format_value(t, unit, p->value_types[c].decimals, a, sizeof a);
		mt_format_value(t, "", p->value_types[c].decimals, b, sizeof b);
		mt_sink_printf(o, "  %-20s %-12s total %s (%s)%s\n", mt_profile_str(p, p->value_types[c].type),
			unit, a, b, c == def ? "  [default]" : "");
	}
	mt_str_id keys[64];
	uint32_t nk = label_keys(p, keys, 64);
	if (nk) {
		mt_sink_printf(o, "Label keys:  ");
		for (uint32_t i = 0; i < nk; i++)
			mt_sink_printf(o, " %s", mt_profile_str(p, keys[i]));
		mt_sink_puts(o, "\n");
	}
	for (uint32_t i = 0; i < p->ncomments; i++)
		mt_sink_printf(o, "Comment:      %s\n", mt_profile_str(p, p->comments[i]));
	if (o->failed)
		return mt_error_set(err, o->failed, MT_NO_OFFSET, "cannot write the output");
	return 0;
}

int mt_render_info_json(const mt_profile *p, const char *path, mt_sink *o, mt_error *err)
{
	mt_sink_puts(o, "{\"file\":");
	mt_json_cstr(o, path);
	mt_sink_puts(o, ",\"format\":");
	mt_json_cstr(o, mt_profile_str(p, p->format));
	mt_sink_printf(o, ",\"samples\":%u,\"locations\":%u,\"functions\":%u,\"mappings\":%u",
		p->nsamples, p->nlocations - 1, p->nfunctions - 1, p->nmappings - 1);
	mt_sink_printf(o, ",\"time_nanos\":%" PRId64 ",\"duration_nanos\":%" PRId64 ",\"period\":%" PRId64,
		p->time_nanos, p->duration_nanos, p->period);
	mt_sink_puts(o, ",\"period_type\":{\"type\":");
	mt_json_cstr(o, mt_profile_str(p, p->period_type.type));
	mt_sink_puts(o, ",\"unit\":");
	mt_json_cstr(o, mt_profile_str(p, p->period_type.unit));
	mt_sink_puts(o, "},\"default_sample_type\":");
	uint32_t def = mt_profile_default_column(p);
	mt_json_cstr(o, p->nvalue_types ? mt_profile_str(p, p->value_types[def].type) : "");
	mt_sink_puts(o, ",\"sample_types\":[");
	for (uint32_t c = 0; c < p->nvalue_types; c++) {
		mt_sink_puts(o, c ? ",{\"type\":" : "{\"type\":");
		mt_json_cstr(o, mt_profile_str(p, p->value_types[c].type));
		mt_sink_puts(o, ",\"unit\":");
		mt_json_cstr(o, mt_profile_str(p, p->value_types[c].unit));
		mt_sink_puts(o, ",\"total\":");
		int64_t t = mt_profile_total(p, c);
		if (p->value_types[c].decimals) {
			char buf[64];
			mt_sink_puts(o, mt_format_value(t, "", p->value_types[c].decimals, buf, sizeof buf));
		} else {
			mt_json_i64(o, t);
		}
		mt_sink_puts(o, "}");
	}
	mt_sink_puts(o, "],\"label_keys\":[");
	mt_str_id keys[64];
	uint32_t nk = label_keys(p, keys, 64);
	for (uint32_t i = 0; i < nk; i++) {
		if (i)
			mt_sink_puts(o, ",");
		mt_json_cstr(o, mt_profile_str(p, keys[i]));
	}
	mt_sink_puts(o, "],\"comments\":[");
	for (uint32_t i = 0; i < p->ncomments; i++) {
		if (i)
			mt_sink_puts(o, ",");
		mt_json_cstr(o, mt_profile_str(p, p->comments[i]));
	}
	mt_sink_puts(o, "]}\n");
	if (o->failed)
		return mt_error_set(err, o->failed, MT_NO_OFFSET, "cannot write the output");
	return 0;
}
