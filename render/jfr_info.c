/*
 * render/jfr_info.c - `memtracer info` for a JDK Flight Recorder recording
 * (mt_jfr_summary), as text or JSON: chunks, versions, start, duration and
 * the event count per type, as `jfr summary` counts them (types sorted by
 * name here; JSON lists zero counts too, as `jfr summary` does, the text
 * only the types that have events).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "memtracer/jfr.h"
#include "memtracer/json.h"

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

static int finish(mt_sink *o, mt_error *err)
{
	if (o->failed)
		return mt_error_set(err, o->failed, MT_NO_OFFSET, "cannot write the output");
	return 0;
}

int mt_render_jfr_info_text(const mt_jfr_summary *s, const char *path, mt_sink *o, mt_error *err)
{
	char t[64];
	if (path)
		mt_sink_printf(o, "File:         %s\n", path);
	mt_sink_puts(o, "Format:       jfr\n");
	mt_sink_printf(o, "Chunks:       %u\n", s->nchunks);
	mt_sink_puts(o, "Versions:    ");
	for (uint32_t i = 0; i < s->nversions; i++)
		mt_sink_printf(o, " %s", s->versions[i]);
	mt_sink_puts(o, "\n");
	iso_time(s->start_nanos, t, sizeof t);
	mt_sink_printf(o, "Start:        %s\n", t);
	mt_sink_printf(o, "Duration:     %" PRId64 ".%03" PRId64 " s\n", s->duration_nanos / 1000000000,
		(s->duration_nanos % 1000000000) / 1000000);
	mt_sink_printf(o, "Events:       %" PRIu64 "\n", s->nevents);
	if (s->unknown_events)
		mt_sink_printf(o, "Unknown:      %" PRIu64 " events of types without metadata\n", s->unknown_events);
	size_t w = 10;
	uint32_t empty = 0;
	for (uint32_t i = 0; i < s->ntypes; i++) {
		if (!s->types[i].count)
			empty++;
		else if (strlen(s->types[i].name) > w)
			w = strlen(s->types[i].name);
	}
	mt_sink_printf(o, "Event types:  %u (%u without events, not listed)\n", s->ntypes, empty);
	mt_sink_printf(o, "  %-*s %10s %14s\n", (int)w, "Event Type", "Count", "Size (bytes)");
	for (uint32_t i = 0; i < s->ntypes; i++)
		if (s->types[i].count)
			mt_sink_printf(o, "  %-*s %10" PRIu64 " %14" PRIu64 "\n", (int)w, s->types[i].name,
				s->types[i].count, s->types[i].bytes);
	return finish(o, err);
}

int mt_render_jfr_info_json(const mt_jfr_summary *s, const char *path, mt_sink *o, mt_error *err)
{
	char t[64];
	mt_sink_puts(o, "{\"format\":\"jfr\"");
	if (path) {
		mt_sink_puts(o, ",\"file\":");
		mt_json_cstr(o, path);
	}
	mt_sink_printf(o, ",\"chunks\":%u,\"versions\":[", s->nchunks);
	for (uint32_t i = 0; i < s->nversions; i++) {
		mt_sink_puts(o, i ? "," : "");
		mt_json_cstr(o, s->versions[i]);
	}
	iso_time(s->start_nanos, t, sizeof t);
	mt_sink_printf(o, "],\"start_ns\":%" PRId64 ",\"start\":", s->start_nanos);
	mt_json_cstr(o, t);
	mt_sink_printf(o, ",\"duration_ns\":%" PRId64 ",\"total_events\":%" PRIu64 ",\"unknown_events\":%" PRIu64,
		s->duration_nanos, s->nevents, s->unknown_events);
	mt_sink_puts(o, ",\"events\":{");
	for (uint32_t i = 0; i < s->ntypes; i++) {
		mt_sink_puts(o, i ? "," : "");
		mt_json_cstr(o, s->types[i].name);
		mt_sink_printf(o, ":%" PRIu64, s->types[i].count);
	}
	mt_sink_puts(o, "},\"event_bytes\":{");
	for (uint32_t i = 0; i < s->ntypes; i++) {
		mt_sink_puts(o, i ? "," : "");
		mt_json_cstr(o, s->types[i].name);
		mt_sink_printf(o, ":%" PRIu64, s->types[i].bytes);
	}
	mt_sink_puts(o, "},\"chunk_list\":[");
	for (uint32_t i = 0; i < s->nchunks; i++) {
		const mt_jfr_chunk_info *c = &s->chunks[i];
		mt_sink_printf(o, "%s{\"offset\":%" PRIu64 ",\"size\":%" PRIu64 ",\"version\":\"%u.%u\","
			"\"start_ns\":%" PRId64 ",\"duration_ns\":%" PRId64 ",\"ticks_per_second\":%" PRId64
			",\"compressed_integers\":%s,\"constants\":%" PRIu64 "}",
			i ? "," : "", c->offset, c->size, c->major, c->minor, c->start_nanos, c->duration_nanos,
			c->ticks_per_second, c->compressed ? "true" : "false", c->nconstants);
	}
	mt_sink_puts(o, "]}\n");
	return finish(o, err);
}
