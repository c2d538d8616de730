/*
 * render/pprof_out.c - the IR back to profile.proto (pprof's format),
 * optionally gzip-compressed, written through an mt_sink.
 *
 * Spec: github.com/google/pprof/proto/profile.proto. The messages are
 * packed by the protoc-c code generated from parsers/profile.proto. Our
 * dense 1-based indices become the ids (function i has id i, and so on),
 * and a new string table holds only the strings the profile uses, in
 * first-use order. The string table is appended to the packed message by
 * hand (field 6, one length-delimited entry per string): protobuf repeated
 * fields may appear anywhere in a message, and protoc-c's `char *` strings
 * could not carry an embedded NUL byte.
 *
 * Lossy spots: a line without a function is dropped (pprof requires one);
 * function origins (mt_lang) have no field; a column with decimals keeps
 * its scaled integers and gets a comment saying so.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "memtracer/render.h"
#include "mt_internal.h"
#include "profile.pb-c.h"

typedef struct strmap {
	const mt_profile *p;
	uint32_t nstr;
	uint32_t *idx;      /* our id -> pprof index (0 = not yet, except id 0) */
	mt_str_id *order;   /* pprof index -> our id */
	uint32_t n;
	uint64_t bytes;     /* encoded size of the string table fields */
} strmap;

static unsigned varint_len(uint64_t v)
{
	unsigned n = 1;
	while (v >= 0x80) {
		v >>= 7;
		n++;
	}
	return n;
}

static int64_t S(strmap *m, mt_str_id id)
{
	if (id == 0 || id >= m->nstr)
		return 0;
	if (m->idx[id] == 0) {
		m->idx[id] = m->n;
		m->order[m->n++] = id;
		size_t len = mt_strtab_len(m->p->strings, id);
		m->bytes += 1 + varint_len(len) + len;
	}
	return m->idx[id];
}

static uint8_t *put_varint(uint8_t *o, uint64_t v)
{
	while (v >= 0x80) {
		*o++ = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	*o++ = (uint8_t)v;
	return o;
}

static uint8_t *put_string_field(uint8_t *o, const char *s, size_t len)
{
	*o++ = (6 << 3) | 2;
	o = put_varint(o, len);
	memcpy(o, s, len);
	return o + len;
}

static int write_gzip(const uint8_t *buf, size_t len, mt_sink *out, mt_error *err)
{
	z_stream zs;
	memset(&zs, 0, sizeof zs);
	/* windowBits 15 + 16: a gzip wrapper; zlib writes mtime 0, so output is deterministic */
	if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return mt_error_set(err, MT_ENOMEM, MT_NO_OFFSET, "could not start gzip compression");
	uint8_t chunk[65536];
	int rc = 0;
	size_t left = len;
	const uint8_t *next = buf;
	int flush;
	do {
		uInt step = left > (1u << 30) ? (1u << 30) : (uInt)left;
		zs.next_in = (Bytef *)next;
		zs.avail_in = step;
		next += step;
		left -= step;
		flush = left == 0 ? Z_FINISH : Z_NO_FLUSH;
		do {
			zs.next_out = chunk;
			zs.avail_out = sizeof chunk;
			int zr = deflate(&zs, flush);
			if (zr == Z_STREAM_ERROR) {
				rc = mt_error_set(err, MT_EIO, MT_NO_OFFSET, "gzip compression failed");
				goto out;
			}
			size_t have = sizeof chunk - zs.avail_out;
			if (have && (rc = mt_sink_write(out, chunk, have)) != 0) {
				rc = mt_error_set(err, rc, MT_NO_OFFSET, "writing the compressed profile failed");
				goto out;
			}
		} while (zs.avail_out == 0);
	} while (flush != Z_FINISH);
out:
	deflateEnd(&zs);
	return rc;
}

#define NEW_ARRAY(ptr, n)                                                       \
	do {                                                                        \
		size_t bytes_;                                                          \
		if (!mt_mul_ok((n) ? (n) : 1, sizeof *(ptr), &bytes_) ||                \
		    !((ptr) = calloc(1, bytes_))) {                                     \
			rc = mt_error_set(err, MT_ENOMEM, MT_NO_OFFSET,                     \
				"out of memory encoding profile.proto");                        \
			goto out;                                                           \
		}                                                                       \
	} while (0)

int mt_write_pprof(const mt_profile *p, int gzip, mt_sink *out, mt_error *err)
{
	if (!p || !out)
		return mt_error_set(err, MT_EINVAL, MT_NO_OFFSET, "mt_write_pprof: NULL argument");

	int rc = 0;
	strmap sm;
	memset(&sm, 0, sizeof sm);
	Memtracer__Pprof__ValueType *vts = NULL, **vtp = NULL, period_type;
	Memtracer__Pprof__Sample *samples = NULL, **samplep = NULL;
	uint64_t *locids = NULL;
	Memtracer__Pprof__Label *labels = NULL, **labelp = NULL;
	Memtracer__Pprof__Mapping *maps = NULL, **mapp = NULL;
	Memtracer__Pprof__Location *locs = NULL, **locp = NULL;
	Memtracer__Pprof__Line *lines = NULL, **linep = NULL;
	Memtracer__Pprof__Function *funcs = NULL, **funcp = NULL;
	int64_t *comments = NULL;
	uint8_t *buf = NULL;
	Memtracer__Pprof__Profile msg = MEMTRACER__PPROF__PROFILE__INIT;

	uint32_t nvt = p->nvalue_types;
	uint32_t nmap = p->nmappings ? p->nmappings - 1 : 0;
	uint32_t nloc = p->nlocations ? p->nlocations - 1 : 0;
	uint32_t nfunc = p->nfunctions ? p->nfunctions - 1 : 0;
	uint32_t nlines_ir = p->nlines;
	uint32_t nlab = p->nsamples && p->sample_label_off ? p->sample_label_off[p->nsamples] : 0;
	uint32_t nsl = p->nsamples && p->sample_loc_off ? p->sample_loc_off[p->nsamples] : 0;

	sm.p = p;
	sm.nstr = mt_strtab_count(p->strings);
	NEW_ARRAY(sm.idx, sm.nstr);
	NEW_ARRAY(sm.order, (size_t)sm.nstr + 1);
	sm.order[0] = 0;
	sm.n = 1;
	sm.bytes = 2; /* "" */

	/* sample types */
	NEW_ARRAY(vts, nvt);
	NEW_ARRAY(vtp, nvt);
	for (uint32_t i = 0; i < nvt; i++) {
		memtracer__pprof__value_type__init(&vts[i]);
		vts[i].type = S(&sm, p->value_types[i].type);
		vts[i].unit = S(&sm, p->value_types[i].unit);
		vtp[i] = &vts[i];
	}
	msg.n_sample_type = nvt;
	msg.sample_type = vtp;

	/* samples */
	NEW_ARRAY(samples, p->nsamples);
	NEW_ARRAY(samplep, p->nsamples);
	NEW_ARRAY(locids, nsl);
	NEW_ARRAY(labels, nlab);
	NEW_ARRAY(labelp, nlab);
	for (uint32_t i = 0; i < nsl; i++)
		locids[i] = p->sample_locs[i];
	for (uint32_t i = 0; i < nlab; i++) {
		const mt_label *l = &p->labels[i];
		memtracer__pprof__label__init(&labels[i]);
		labels[i].key = S(&sm, l->key);
		labels[i].str = S(&sm, l->str);
		labels[i].num = l->num;
		labels[i].num_unit = S(&sm, l->num_unit);
		labelp[i] = &labels[i];
	}
	for (uint32_t i = 0; i < p->nsamples; i++) {
		Memtracer__Pprof__Sample *s = &samples[i];
		memtracer__pprof__sample__init(s);
		uint32_t a = p->sample_loc_off[i], b = p->sample_loc_off[i + 1];
		s->n_location_id = b - a;
		s->location_id = locids + a;
		s->n_value = nvt;
		s->value = (int64_t *)(p->values + (size_t)i * nvt);
		if (p->sample_label_off) {
			uint32_t la = p->sample_label_off[i], lb = p->sample_label_off[i + 1];
			s->n_label = lb - la;
			s->label = labelp + la;
		}
		samplep[i] = s;
	}
	msg.n_sample = p->nsamples;
	msg.sample = samplep;

	/* mappings: id = our index */
	NEW_ARRAY(maps, nmap);
	NEW_ARRAY(mapp, nmap);
	for (uint32_t i = 0; i < nmap; i++) {
		const mt_mapping *m = &p->mappings[i + 1];
		Memtracer__Pprof__Mapping *o = &maps[i];
		memtracer__pprof__mapping__init(o);
		o->id = i + 1;
		o->memory_start = m->start;
		o->memory_limit = m->limit;
		o->file_offset = m->offset;
		o->filename = S(&sm, m->file);
		o->build_id = S(&sm, m->build_id);
		o->has_functions = m->has_functions != 0;
		o->has_filenames = m->has_filenames != 0;
		o->has_line_numbers = m->has_line_numbers != 0;
		o->has_inline_frames = m->has_inline_frames != 0;
		mapp[i] = o;
	}
	msg.n_mapping = nmap;
	msg.mapping = mapp;

	/* locations and their lines */
	NEW_ARRAY(locs, nloc);
	NEW_ARRAY(locp, nloc);
	NEW_ARRAY(lines, nlines_ir);
	NEW_ARRAY(linep, nlines_ir);
	uint32_t nl = 0;
	for (uint32_t i = 0; i < nloc; i++) {
		const mt_location *l = &p->locations[i + 1];
		Memtracer__Pprof__Location *o = &locs[i];
		memtracer__pprof__location__init(o);
		o->id = i + 1;
		o->mapping_id = l->mapping < p->nmappings ? l->mapping : 0;
		o->address = l->address;
		o->is_folded = l->is_folded != 0;
		o->line = linep + nl;
		for (uint32_t k = 0; k < l->nlines; k++) {
			uint64_t li = (uint64_t)l->first_line + k;
			if (li >= p->nlines || nl >= nlines_ir)
				break;
			const mt_line *ln = &p->lines[li];
			if (ln->func == 0 || ln->func >= p->nfunctions)
				continue;  /* pprof needs a function on every line */
			Memtracer__Pprof__Line *lo = &lines[nl];
			memtracer__pprof__line__init(lo);
			lo->function_id = ln->func;
			lo->line = ln->line;
			lo->column = ln->column;
			linep[nl++] = lo;
			o->n_line++;
		}
		locp[i] = o;
	}
	msg.n_location = nloc;
	msg.location = locp;

	/* functions */
	NEW_ARRAY(funcs, nfunc);
	NEW_ARRAY(funcp, nfunc);
	for (uint32_t i = 0; i < nfunc; i++) {
		const mt_function *f = &p->functions[i + 1];
		Memtracer__Pprof__Function *o = &funcs[i];
		memtracer__pprof__function__init(o);
		o->id = i + 1;
		o->name = S(&sm, f->name);
		o->system_name = S(&sm, f->system_name);
		o->filename = S(&sm, f->filename);
		o->start_line = f->start_line;
		funcp[i] = o;
	}
	msg.n_function = nfunc;
	msg.function = funcp;

	/* metadata */
	memtracer__pprof__value_type__init(&period_type);
	period_type.type = S(&sm, p->period_type.type);
	period_type.unit = S(&sm, p->period_type.unit);
	msg.period_type = &period_type;
	msg.period = p->period;
	msg.time_nanos = p->time_nanos;
	msg.duration_nanos = p->duration_nanos;
	msg.drop_frames = S(&sm, p->drop_frames);
	msg.keep_frames = S(&sm, p->keep_frames);
	msg.default_sample_type = S(&sm, p->default_sample_type);

	/* comments, plus one per column with a fixed-point scale */
	uint32_t nscaled = 0;
	for (uint32_t i = 0; i < nvt; i++)
		nscaled += p->value_types[i].decimals != 0;
	NEW_ARRAY(comments, (size_t)p->ncomments + nscaled);
	for (uint32_t i = 0; i < p->ncomments; i++)
		comments[msg.n_comment++] = S(&sm, p->comments[i]);
	/* notes we add are not in the profile's string table: encode them as extra strings */
	char notes[8][96];
	uint32_t nnotes = 0;
	for (uint32_t i = 0; i < nvt && nnotes < 8; i++) {
		if (!p->value_types[i].decimals)
			continue;
		snprintf(notes[nnotes], sizeof notes[nnotes],
			"memtracer: values of sample type %u are scaled by 10^%u", i,
			p->value_types[i].decimals);
		/* no S() call follows, so the strings we append get these indices */
		comments[msg.n_comment++] = sm.n + nnotes;
		size_t len = strlen(notes[nnotes]);
		sm.bytes += 1 + varint_len(len) + len;
		nnotes++;
	}
	msg.comment = comments;

	size_t packed = memtracer__pprof__profile__get_packed_size(&msg);
	if (packed > SIZE_MAX - sm.bytes) {
		rc = mt_error_set(err, MT_ELIMIT, MT_NO_OFFSET, "profile too large to encode");
		goto out;
	}
	size_t total = packed + (size_t)sm.bytes;
	NEW_ARRAY(buf, total);
	size_t used = memtracer__pprof__profile__pack(&msg, buf);
	uint8_t *o = buf + used;
	*o++ = (6 << 3) | 2;  /* string_table[0] = "" */
	*o++ = 0;
	for (uint32_t i = 1; i < sm.n; i++) {
		mt_str_id id = sm.order[i];
		o = put_string_field(o, mt_strtab_get(p->strings, id), mt_strtab_len(p->strings, id));
	}
	for (uint32_t i = 0; i < nnotes; i++)
		o = put_string_field(o, notes[i], strlen(notes[i]));
	size_t len = (size_t)(o - buf);

	if (gzip)
		rc = write_gzip(buf, len, out, err);
	else if ((rc = mt_sink_write(out, buf, len)) != 0)
		rc = mt_error_set(err, rc, MT_NO_OFFSET, "writing the profile failed");

out:
	free(sm.idx);
	free(sm.order);
	free(vts);
	free(vtp);
	free(samples);
	free(samplep);
	free(locids);
	free(labels);
	free(labelp);
	free(maps);
	free(mapp);
	free(locs);
	free(locp);
	free(lines);
	free(linep);
	free(funcs);
	free(funcp);
	free(comments);
	free(buf);
	return rc;
}
