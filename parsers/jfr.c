/*
 * parsers/jfr.c - JDK Flight Recorder recordings: the per-type event
 * summary (`jfr summary`, jdk.jfr.internal.tool.Summary) and the profile
 * builder mt_read_jfr() (see memtracer/jfr.h for the columns and naming).
 *
 * Chunks are processed one at a time (jfr_chunk.c reads the header, the
 * metadata and the constant-pool index), so memory holds the current and
 * the previous chunk's indexes plus the profile. Stack traces, methods,
 * frame types and threads are resolved from the constant pools on first
 * use and cached per chunk (jfr_build.c): constant ids are only meaningful
 * inside their chunk, with the previous chunk as the JDK's fallback.
 *
 * Events are decoded by walking their class's field descriptors; only the
 * fields an event kind needs are kept. Events of types without metadata
 * are skipped by their size and counted. The leak detectors are in
 * jfr_leaks.c.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jfr_build.h"
#include "memtracer/jfr.h"
#include "mt_internal.h"

/* ---- summary ----------------------------------------------------------- */

struct mt_jfr_summary_priv {
	mt_strtab *names;
};

typedef struct row {
	mt_str_id name;
	uint64_t count, bytes;
} row;

typedef struct scan {
	row *rows;
	size_t nrows, cap_rows;
	Pvoid_t by_name;             /* JudyL: name id -> row index + 1 */
	mt_jfr_chunk_info *chunks;
	size_t nchunks, cap_chunks;
	uint64_t nevents, unknown;
	int prefix_1_0;              /* first chunk is 1.0: com.oracle.jdk.* names */
} scan;

static int row_of(scan *s, mt_str_id name, uint32_t *out)
{
	PWord_t slot;
	JLI(slot, s->by_name, (Word_t)name);
	if (slot == PJERR)
		return MT_ENOMEM;
	if (!*slot) {
		if (mt_grow(&s->rows, &s->cap_rows, s->nrows + 1, sizeof *s->rows))
			return MT_ENOMEM;
		s->rows[s->nrows].name = name;
		s->rows[s->nrows].count = 0;
		s->rows[s->nrows].bytes = 0;
		*slot = (Word_t)++s->nrows;
	}
	*out = (uint32_t)(*slot - 1);
	return 0;
}

static void scan_free(scan *s)
{
	Word_t bytes;
	JLFA(bytes, s->by_name);
	(void)bytes;
	free(s->rows);
	free(s->chunks);
	memset(s, 0, sizeof *s);
}

/*
 * Walks every chunk: header, metadata (and the constant-pool index when
 * @pools), then every event header, counting per type as `jfr summary`.
 */
static int scan_file(jfr_file *f, int pools, scan *s)
{
	mt_error *err = f->err;
	uint64_t off = 0;
	int rc = 0;
	mt_str_id meta_name = 0, cp_name = 0;
	do {
		jfr_chunk c;
		rc = jfr_chunk_open(f, off, pools ? JFR_OPEN_COUNT : JFR_OPEN_METADATA, &c);
		if (rc) {
			jfr_chunk_free(&c);
			return rc;
		}
		if (s->nchunks == 0) {
			s->prefix_1_0 = c.major == 1;
			const char *pfx = s->prefix_1_0 ? "com.oracle.jdk." : "jdk.";
			char nm[64];
			snprintf(nm, sizeof nm, "%sMetadata", pfx);
			int e1 = mt_strtab_intern_cstr(f->names, nm, &meta_name);
			snprintf(nm, sizeof nm, "%sCheckPoint", pfx);
			int e2 = mt_strtab_intern_cstr(f->names, nm, &cp_name);
			uint32_t ri;
			if (e1 || e2 || row_of(s, meta_name, &ri) || row_of(s, cp_name, &ri)) {
				jfr_chunk_free(&c);
				return mt_error_set(err, MT_ENOMEM, off, "out of memory");
			}
		}
		if (mt_grow(&s->chunks, &s->cap_chunks, s->nchunks + 1, sizeof *s->chunks)) {
			jfr_chunk_free(&c);
			return mt_error_set(err, MT_ENOMEM, off, "out of memory");
		}
		mt_jfr_chunk_info *ci = &s->chunks[s->nchunks++];
		ci->offset = c.off;
		ci->size = c.size;
		ci->major = c.major;
		ci->minor = c.minor;
		ci->start_nanos = c.start_nanos;
		ci->duration_nanos = c.duration_nanos;
		ci->ticks_per_second = c.ticks_per_sec;
		ci->compressed = c.compressed;
		ci->nconstants = c.nconstants;

		uint32_t *rmap = malloc(((size_t)c.nclasses + 1) * sizeof *rmap);
		if (!rmap) {
			jfr_chunk_free(&c);
			return mt_error_set(err, MT_ENOMEM, off, "out of memory");
		}
		for (uint32_t i = 0; i < c.nclasses; i++) {
			rmap[i] = UINT32_MAX;
			if (c.classes[i].is_event && row_of(s, c.classes[i].name, &rmap[i])) {
				free(rmap);
				jfr_chunk_free(&c);
				return mt_error_set(err, MT_ENOMEM, off, "out of memory");
			}
		}
		uint32_t r_meta, r_cp;
		row_of(s, meta_name, &r_meta);
		row_of(s, cp_name, &r_cp);
		err->doing = "reading event";
		uint64_t pos = c.off + JFR_HEADER_SIZE;
		jfr_event ev;
		while ((rc = jfr_next_event(f, &c, &pos, &ev)) == 1) {
			s->nevents++;
			uint32_t ri;
			if (ev.type == 0) {
				ri = r_meta;
			} else if (ev.type == 1) {
				ri = r_cp;
			} else {
				uint32_t k = jfr_class_index(&c, ev.type);
				ri = k == JFR_NONE ? UINT32_MAX : rmap[k];
			}
			if (ri == UINT32_MAX) {
				s->unknown++;
				continue;
			}
			s->rows[ri].count++;
			s->rows[ri].bytes += ev.size;
		}
		free(rmap);
		off = c.off + c.size;
		jfr_chunk_free(&c);
		if (rc < 0)
			return rc;
	} while (off < f->len);
	return 0;
}

static int by_row_name(const void *a, const void *b)
{
	return strcmp(((const mt_jfr_type_count *)a)->name, ((const mt_jfr_type_count *)b)->name);
}

int mt_jfr_summarize(mt_jfr_summary **out, const uint8_t *data, size_t len, mt_error *err)
{
	mt_error local = MT_ERROR_INIT;
	if (!err)
		err = &local;
	if (!out || (!data && len))
		return mt_error_set(err, MT_EINVAL, MT_NO_OFFSET, "mt_jfr_summarize: NULL argument");
	*out = NULL;
	jfr_file f;
	int rc = jfr_file_init(&f, data, len, err);
	scan s;
	memset(&s, 0, sizeof s);
	mt_jfr_summary *sm = NULL;
	if (rc)
		goto done;
	if ((rc = scan_file(&f, 1, &s)))
		goto done;
	sm = calloc(1, sizeof *sm);
	if (!sm || !(sm->priv = calloc(1, sizeof *sm->priv)) ||
	    !(sm->types = calloc(s.nrows ? s.nrows : 1, sizeof *sm->types))) {
		rc = mt_error_set(err, MT_ENOMEM, MT_NO_OFFSET, "out of memory");
		goto done;
	}
	sm->priv->names = f.names;
	f.names = NULL;
	sm->chunks = s.chunks;
	s.chunks = NULL;
	sm->nchunks = (uint32_t)s.nchunks;
	sm->start_nanos = sm->nchunks ? sm->chunks[0].start_nanos : 0;
	for (uint32_t i = 0; i < sm->nchunks; i++) {
		const mt_jfr_chunk_info *ci = &sm->chunks[i];
		sm->duration_nanos = mt_sat_add(sm->duration_nanos, ci->duration_nanos);
		const char *v = ci->major == 1 ? "1.0" : ci->minor == 0 ? "2.0" : "2.1";
		uint32_t j;
		for (j = 0; j < sm->nversions; j++)
			if (strcmp(sm->versions[j], v) == 0)
				break;
		if (j == sm->nversions && sm->nversions < 3)
			sm->versions[sm->nversions++] = v;
	}
	sm->ntypes = (uint32_t)s.nrows;
	for (size_t i = 0; i < s.nrows; i++) {
		sm->types[i].name = mt_strtab_get(sm->priv->names, s.rows[i].name);
		sm->types[i].count = s.rows[i].count;
		sm->types[i].bytes = s.rows[i].bytes;
	}
	qsort(sm->types, sm->ntypes, sizeof *sm->types, by_row_name);
	sm->nevents = s.nevents;
	sm->unknown_events = s.unknown;
	*out = sm;
	sm = NULL;
done:
	mt_jfr_summary_free(sm);
	scan_free(&s);
	jfr_file_free(&f);
	return rc;
}

void mt_jfr_summary_free(mt_jfr_summary *s)
{
	if (!s)
		return;
	if (s->priv) {
		mt_strtab_free(s->priv->names);
		free(s->priv);
	}
	free(s->chunks);
	free(s->types);
	free(s);
}

uint64_t mt_jfr_summary_count(const mt_jfr_summary *s, const char *name)
{
	if (!s || !name)
		return 0;
	uint32_t lo = 0, hi = s->ntypes;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int c = strcmp(s->types[mid].name, name);
		if (c == 0)
			return s->types[mid].count;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* ---- profile builder --------------------------------------------------- */

static const char *const ev_names[EV__COUNT] = {
	[EV_CPU] = "jdk.ExecutionSample",
	[EV_NATIVE] = "jdk.NativeMethodSample",
	[EV_ALLOC_SAMPLE] = "jdk.ObjectAllocationSample",
	[EV_TLAB_NEW] = "jdk.ObjectAllocationInNewTLAB",
	[EV_TLAB_OUT] = "jdk.ObjectAllocationOutsideTLAB",
	[EV_LOCK] = "jdk.JavaMonitorEnter",
	[EV_PARK] = "jdk.ThreadPark",
	[EV_WALL] = "profiler.WallClockSample",
	[EV_SETTING] = "jdk.ActiveSetting",
};

/* the event kinds that feed each column (mt_jfr_opts.column); jdk.ActiveSetting
 * is always read (async-profiler's wall mode moves samples between cpu and wall) */
static const unsigned col_kinds[MT_JFR_NCOLS] = {
	[MT_JFR_COL_CPU] = 1u << EV_CPU | 1u << EV_WALL,
	[MT_JFR_COL_NATIVE] = 1u << EV_NATIVE,
	[MT_JFR_COL_ALLOC] = 1u << EV_ALLOC_SAMPLE | 1u << EV_TLAB_NEW | 1u << EV_TLAB_OUT,
	[MT_JFR_COL_ALLOC_SAMPLES] = 1u << EV_ALLOC_SAMPLE | 1u << EV_TLAB_NEW | 1u << EV_TLAB_OUT,
	[MT_JFR_COL_LOCK] = 1u << EV_LOCK,
	[MT_JFR_COL_PARK] = 1u << EV_PARK,
	[MT_JFR_COL_WALL] = 1u << EV_WALL | 1u << EV_CPU,
};

/* An event kept for the second half of a chunk: its fields, decoded
 * before the constant pools are indexed (so only the stack traces events
 * refer to are indexed). */
typedef struct pend {
	uint32_t cls;
	uint8_t kind;
	jfr_val v[ES__COUNT];
} pend;

typedef struct rd {
	builder b;
	unsigned kinds;              /* wanted event kinds (bit per enum ev_kind) */
	int aggregate;
	int64_t from, to;            /* absolute window, when windowed */
	int windowed;
	pend *pend;
	size_t npend, cap_pend;
	jfr_idset want;              /* stack trace ids the chunk's events use */
	uint32_t stack_cls;          /* their class in the current chunk */
	Pvoid_t agg[2];              /* JudyL (off << 32 | n) -> JudyL thread -> sample + 1; [0] current chunk */
	Pvoid_t states;              /* JudyL: thread state constant id -> enum th_state + 1 (current chunk) */
	int wall_mode;               /* a jdk.ActiveSetting event=wall was seen (async-profiler -e wall) */
} rd;

enum th_state { TS_OTHER = 0, TS_RUNNABLE, TS_SLEEPING, TS_NONE };

/*
 * Which classes of this chunk make samples (s->kind) and the positions of
 * the fields each needs (s->lay[s->lay_of[class]]). Every class with a
 * wanted name counts, so a type declared twice is read twice, as the
 * summary counts it.
 */
static int chunk_setup(rd *x, cstate *s)
{
	builder *b = &x->b;
	jfr_file *f = b->f;
	const jfr_chunk *c = &s->c;
	s->kind = calloc((size_t)c->nclasses + 1, 1);
	s->lay_of = calloc((size_t)c->nclasses + 1, sizeof *s->lay_of);
	if (!s->kind || !s->lay_of)
		return jfr_b_oom(b);
	int all = b->event && strcmp(b->event, "*") == 0;
	for (uint32_t i = 0; i < c->nclasses; i++) {
		const jfr_class *k = &c->classes[i];
		if (!k->is_event)
			continue;
		int e = EV_NONE;
		if (b->event) {
			if (all ? jfr_field_pos(c, i, f->n[JN_STACK_TRACE]) >= 0 : k->name == b->event_name)
				e = EV_ANY;
		} else {
			for (int x2 = 1; x2 < EV__COUNT && e == EV_NONE; x2++)
				if (k->name == b->ev_name[x2] || k->name == b->ev_name_1_0[x2])
					e = x2;
			if (e != EV_NONE && e != EV_SETTING && !(x->kinds & (1u << e)))
				e = EV_NONE;
			if ((e == EV_TLAB_NEW || e == EV_TLAB_OUT) && b->use_alloc_sample)
				e = EV_NONE;
		}
		if (e == EV_NONE)
			continue;
		mt_str_id thread = jfr_field_pos(c, i, f->n[JN_SAMPLED_THREAD]) >= 0
			? f->n[JN_SAMPLED_THREAD] : f->n[JN_EVENT_THREAD];
		mt_str_id v1 = f->n[JN_WEIGHT], v2 = f->n[JN_ALLOCATION_SIZE];
		if (e == EV_TLAB_NEW)
			v1 = f->n[JN_TLAB_SIZE];
		else if (e == EV_TLAB_OUT)
			v1 = f->n[JN_ALLOCATION_SIZE];
		else if (e == EV_WALL)
			v1 = f->n[JN_SAMPLES];
		if (e == EV_CPU || e == EV_WALL)
			v2 = f->n[JN_STATE];   /* async-profiler: STATE_SLEEPING samples are not CPU */
		if (e == EV_SETTING)
			v1 = f->n[JN_NAME], v2 = f->n[JN_VALUE];
		mt_str_id names[ES__COUNT] = { f->n[JN_START_TIME], f->n[JN_DURATION], thread,
			f->n[JN_STACK_TRACE], v1, v2 };
		if (mt_grow(&s->lay, &s->cap_lay, s->nlay + 1, sizeof *s->lay))
			return jfr_b_oom(b);
		jfr_layout_init(&s->lay[s->nlay], c, i, names, e == EV_ANY ? 4 : ES__COUNT);
		s->lay_of[i] = (uint32_t)s->nlay++;
		s->kind[i] = (uint8_t)e;
	}
	return 0;
}

/* Decodes the fields of a wanted event into x->pend (unless outside the window). */
static int keep_event(rd *x, int kind, uint32_t cls, jfr_event *ev)
{
	builder *b = &x->b;
	jfr_file *f = b->f;
	cstate *s = b->cur;
	const jfr_chunk *c = &s->c;
	const jfr_layout *l = &s->lay[s->lay_of[cls]];
	if (mt_grow(&x->pend, &x->cap_pend, x->npend + 1, sizeof *x->pend))
		return jfr_b_oom(b);
	pend *pe = &x->pend[x->npend];
	mt_reader r = ev->body;
	if (jfr_read_fields(f, c, &r, l->cls, l, pe->v))
		return f->err->code;
	if (x->windowed && kind != EV_SETTING) {
		if (!pe->v[ES_START].set)
			return 0;
		int64_t t = jfr_ticks_to_epoch_ns(c, (int64_t)pe->v[ES_START].u);
		if (t < x->from || t >= x->to)
			return 0;
	}
	pe->cls = cls;
	pe->kind = (uint8_t)kind;
	const jfr_field *sfd = jfr_b_slot_field(c, l, ES_STACK);
	if (sfd && sfd->cp && pe->v[ES_STACK].set) {
		if (x->stack_cls == JFR_NONE)
			x->stack_cls = sfd->cls;
		if (sfd->cls == x->stack_cls && jfr_idset_add(&x->want, pe->v[ES_STACK].u))
			return jfr_b_oom(b);
	}
	x->npend++;
	return 0;
}

/* The sample an aggregated (stack, thread) already has, as index + 1 in *@slot. */
static int agg_slot(rd *x, int prev, stack_ref sr, mt_str_id tn, PWord_t *slot)
{
	PWord_t s1;
	JLI(s1, x->agg[prev], (Word_t)((uint64_t)sr.off << 32 | sr.n));
	if (s1 == PJERR)
		return jfr_b_oom(&x->b);
	Pvoid_t inner = (Pvoid_t)*s1;
	JLI(*slot, inner, (Word_t)tn);
	*s1 = (Word_t)inner;
	if (*slot == PJERR)
		return jfr_b_oom(&x->b);
	return 0;
}

static void agg_free(Pvoid_t *a)
{
	Word_t idx = 0, bytes;
	PWord_t v;
	JLF(v, *a, idx);
	while (v) {
		Pvoid_t inner = (Pvoid_t)*v;
		JLFA(bytes, inner);
		JLN(v, *a, idx);
	}
	JLFA(bytes, *a);
	(void)bytes;
}

/* The state (field @slot of an event of class layout @l) as enum th_state,
 * TS_NONE without one; -1 on an error. Cached per chunk by constant id. */
static int thread_state(rd *x, const jfr_layout *l, const jfr_val *v)
{
	builder *b = &x->b;
	const jfr_chunk *c = &b->cur->c;
	const jfr_field *fd = jfr_b_slot_field(c, l, ES_VALUE2);
	if (!fd || !v->set)
		return TS_NONE;
	PWord_t slot = NULL;
	if (fd->cp) {
		JLG(slot, x->states, (Word_t)v->u);
		if (slot)
			return (int)*slot - 1;
	}
	jfr_str t;
	if (jfr_text(b->f, c, fd, v, &b->b3, 1, &t))
		return -1;
	int st = t.len == 14 && memcmp(t.s, "STATE_RUNNABLE", 14) == 0 ? TS_RUNNABLE
		: t.len == 14 && memcmp(t.s, "STATE_SLEEPING", 14) == 0 ? TS_SLEEPING : TS_OTHER;
	if (fd->cp) {
		JLI(slot, x->states, (Word_t)v->u);
		if (slot == PJERR) {
			jfr_b_oom(b);
			return -1;
		}
		*slot = (Word_t)st + 1;
	}
	return st;
}

/* jdk.ActiveSetting name "event" = "wall": async-profiler's wall-clock mode */
static int read_setting(rd *x, const pend *pe)
{
	builder *b = &x->b;
	const jfr_chunk *c = &b->cur->c;
	const jfr_layout *l = &b->cur->lay[b->cur->lay_of[pe->cls]];
	const jfr_field *nf = jfr_b_slot_field(c, l, ES_VALUE), *vf = jfr_b_slot_field(c, l, ES_VALUE2);
	if (!nf || !vf)
		return 0;
	jfr_str n, v;
	if (jfr_text(b->f, c, nf, &pe->v[ES_VALUE], &b->b1, 1, &n) ||
	    jfr_text(b->f, c, vf, &pe->v[ES_VALUE2], &b->b2, 1, &v))
		return b->f->err->code;
	if (n.len == 5 && memcmp(n.s, "event", 5) == 0)
		x->wall_mode = v.len == 4 && memcmp(v.s, "wall", 4) == 0;
	return 0;
}

static int emit_event(rd *x, const pend *pe)
{
	builder *b = &x->b;
	cstate *s = b->cur;
	const jfr_chunk *c = &s->c;
	const jfr_layout *l = &s->lay[s->lay_of[pe->cls]];
	const jfr_val *v = pe->v;
	int64_t vals[MT_JFR_NCOLS] = { 0 };
	int64_t v1 = (int64_t)v[ES_VALUE].u, v2 = (int64_t)v[ES_VALUE2].u;
	int64_t dur = v[ES_DURATION].set ? jfr_ticks_to_ns(c, (int64_t)v[ES_DURATION].u) : 0;
	switch (pe->kind) {
	case EV_CPU: {
		/* as grafana/jfr-parser: async-profiler's wall mode writes every
		 * thread's sample; the sleeping ones are wall time, not CPU */
		int st = thread_state(x, l, &v[ES_VALUE2]);
		if (st < 0)
			return b->f->err->code;
		vals[MT_JFR_COL_CPU] = st != TS_SLEEPING;
		vals[MT_JFR_COL_WALL] = x->wall_mode;
		break;
	}
	case EV_NATIVE:
		vals[MT_JFR_COL_NATIVE] = 1;
		break;
	case EV_ALLOC_SAMPLE:
		vals[MT_JFR_COL_ALLOC] = v[ES_VALUE].set ? v1 : 0;
		vals[MT_JFR_COL_ALLOC_SAMPLES] = 1;
		break;
	case EV_TLAB_NEW:
	case EV_TLAB_OUT:
		vals[MT_JFR_COL_ALLOC] = v[ES_VALUE].set && v1 > 0 ? v1 : v[ES_VALUE2].set ? v2 : 0;
		vals[MT_JFR_COL_ALLOC_SAMPLES] = 1;
		break;
	case EV_LOCK:
		vals[MT_JFR_COL_LOCK] = dur;
		break;
	case EV_PARK:
		vals[MT_JFR_COL_PARK] = dur;
		break;
	case EV_WALL: {
		int st = thread_state(x, l, &v[ES_VALUE2]);
		if (st < 0)
			return b->f->err->code;
		vals[MT_JFR_COL_WALL] = v[ES_VALUE].set ? v1 : 1;
		if (x->wall_mode && st == TS_RUNNABLE)
			vals[MT_JFR_COL_CPU] = vals[MT_JFR_COL_WALL];
		break;
	}
	case EV_ANY:
		vals[0] = 1;
		break;
	default:
		return 0;
	}
	int any = 0;
	for (int i = 0; i < MT_JFR_NCOLS; i++)
		any |= vals[i] != 0;
	if (!any && pe->kind != EV_ANY)
		return 0;   /* e.g. a sleeping thread's ExecutionSample outside wall mode */
	stack_ref sr = { 0, 0 };
	cstate *ss = s;
	const jfr_field *sfd = jfr_b_slot_field(c, l, ES_STACK);
	if (sfd && v[ES_STACK].set) {
		int rc = jfr_b_resolve_stack(b, s, sfd, &v[ES_STACK], &ss, &sr);
		if (rc)
			return rc;
	}
	mt_str_id tn = 0;
	int rc = jfr_b_thread_name(b, s, jfr_b_slot_field(c, l, ES_THREAD), &v[ES_THREAD], &tn);
	if (rc)
		return rc;
	mt_profile *p = b->p;
	PWord_t slot = NULL;
	if (x->aggregate) {
		if ((rc = agg_slot(x, ss != s, sr, tn, &slot)))
			return rc;
		if (*slot) {
			int64_t *pv = &p->values[(size_t)(*slot - 1) * p->nvalue_types];
			for (uint32_t i = 0; i < p->nvalue_types; i++)
				pv[i] = mt_sat_add(pv[i], vals[i]);
			return 0;
		}
	}
	mt_label labels[2];
	uint32_t nl = 0;
	if (tn) {
		labels[nl].key = b->k_thread;
		labels[nl].str = tn;
		labels[nl].num = 0;
		labels[nl].num_unit = 0;
		nl++;
	}
	if (v[ES_START].set && !x->aggregate) {
		labels[nl].key = b->k_time;
		labels[nl].str = 0;
		labels[nl].num = jfr_ticks_to_epoch_ns(c, (int64_t)v[ES_START].u);
		labels[nl].num_unit = b->u_ns;
		nl++;
	}
	if (mt_profile_add_sample(p, sr.n ? ss->slocs + sr.off : NULL, sr.n, vals, labels, nl))
		return jfr_b_oom(b);
	if (slot)
		*slot = (Word_t)p->nsamples;
	return 0;
}

/*
 * The second half of a chunk: index its constant pools (only the stack
 * traces its kept events use; those missing here are looked up in the
 * previous chunk, as the JDK does), then turn the kept events into samples.
 */
static int finish_chunk(rd *x)
{
	builder *b = &x->b;
	jfr_file *f = b->f;
	cstate *s = b->cur;
	int rc = jfr_chunk_index(f, &s->c, x->stack_cls, &x->want);
	if (rc)
		return rc;
	if (x->want.n && b->prev->open && x->stack_cls != JFR_NONE) {
		/* ids this chunk does not define: index them in the previous one */
		jfr_idset miss = { NULL, NULL, 0 };
		Word_t id = 0;
		int r1;
		J1F(r1, x->want.ids, id);
		while (r1 && !rc) {
			if (!jfr_constant(&s->c, x->stack_cls, id) && jfr_idset_add(&miss, id))
				rc = jfr_b_oom(b);
			J1N(r1, x->want.ids, id);
		}
		if (!rc && miss.n) {
			const jfr_chunk *pc = &b->prev->c;
			uint32_t pcls = jfr_class_named(pc, s->c.classes[x->stack_cls].name);
			if (pcls != JFR_NONE)
				rc = jfr_chunk_index(f, &b->prev->c, pcls, &miss);
			f->err->doing = "reading event";
		}
		jfr_idset_free(&miss);
		if (rc)
			return rc;
	}
	f->err->doing = "reading event";
	/* this chunk's settings first: they say what its samples measure */
	for (size_t i = 0; i < x->npend && !rc; i++)
		if (x->pend[i].kind == EV_SETTING)
			rc = read_setting(x, &x->pend[i]);
	for (size_t i = 0; i < x->npend && !rc; i++)
		if (x->pend[i].kind != EV_SETTING)
			rc = emit_event(x, &x->pend[i]);
	Word_t bytes;
	JLFA(bytes, x->states);
	(void)bytes;
	x->npend = 0;
	jfr_idset_free(&x->want);
	x->stack_cls = JFR_NONE;
	agg_free(&x->agg[1]);
	x->agg[1] = x->agg[0];   /* the current chunk becomes the previous one */
	x->agg[0] = NULL;
	return rc;
}

static const char *const col_type[MT_JFR_NCOLS] = { "cpu", "native", "alloc", "alloc-samples",
	"lock", "park", "wall" };
static const char *const col_unit[MT_JFR_NCOLS] = { "count", "count", "bytes", "count",
	"nanoseconds", "nanoseconds", "count" };

int mt_read_jfr(mt_profile **out, const uint8_t *data, size_t len, const mt_read_opts *o,
	mt_error *err)
{
	return mt_read_jfr_ex(out, data, len, NULL, o, err);
}

/* the order in which the default column is chosen: the first with a non-zero total */
static const int default_order[] = { MT_JFR_COL_CPU, MT_JFR_COL_WALL, MT_JFR_COL_ALLOC, MT_JFR_COL_LOCK,
	MT_JFR_COL_PARK, MT_JFR_COL_NATIVE };

/*
 * With @guess, an aggregated reading without a column reads only the column
 * that will be the default: the first of default_order whose events the
 * recording has (the earlier ones have no events, so a zero total). Should
 * that column's total be zero, everything is read again (guess 0).
 */
static int read_jfr(mt_profile **out, const uint8_t *data, size_t len, const mt_jfr_opts *jo,
	const mt_read_opts *o, mt_error *err, int guess)
{
	mt_error local = MT_ERROR_INIT;
	if (!err)
		err = &local;
	if (out)
		*out = NULL;
	if (!out || (!data && len))
		return mt_error_set(err, MT_EINVAL, MT_NO_OFFSET, "mt_read_jfr: NULL argument");
	jfr_file f;
	rd x;
	memset(&x, 0, sizeof x);
	x.stack_cls = JFR_NONE;
	builder *b = &x.b;
	scan s;
	memset(&s, 0, sizeof s);
	mt_profile *p = NULL;
	int retry = 0;
	int rc = jfr_file_init(&f, data, len, err);
	if (rc)
		goto done;
	int v2 = jo && jo->version >= 2;
	b->event = jo && jo->event && *jo->event ? jo->event : NULL;
	int only = -1;   /* the one column wanted, or -1 */
	if (v2 && jo->column && !b->event)
		for (int i = 0; i < MT_JFR_NCOLS; i++)
			if (strcmp(jo->column, col_type[i]) == 0)
				only = i;
	x.kinds = only >= 0 ? col_kinds[only] : ~0u;
	x.aggregate = v2 && jo->aggregate;
	/* pass 1 (headers, metadata and event counts) decides the default
	 * column and the alloc source; a single wanted column needs it only
	 * for the alloc source */
	if (only < 0 || only == MT_JFR_COL_ALLOC || only == MT_JFR_COL_ALLOC_SAMPLES) {
		if ((rc = scan_file(&f, 0, &s)))
			goto done;
	}
	if ((rc = mt_profile_new(&p))) {
		rc = mt_error_set(err, rc, MT_NO_OFFSET, "out of memory");
		goto done;
	}
	b->f = &f;
	b->p = p;
	b->signatures = jo ? jo->signatures : 0;
	b->open_level = JFR_OPEN_METADATA;
	for (int e = 1; e < EV__COUNT; e++) {
		char alt[96];
		/* JDK 9 (version 1.0) names: com.oracle.jdk.ExecutionSample */
		snprintf(alt, sizeof alt, "com.oracle.%s", ev_names[e]);
		if (mt_strtab_intern_cstr(f.names, ev_names[e], &b->ev_name[e]) ||
		    mt_strtab_intern_cstr(f.names, alt, &b->ev_name_1_0[e]))
			goto nomem;
	}
	for (size_t i = 0; i < s.nrows; i++)
		if ((s.rows[i].name == b->ev_name[EV_ALLOC_SAMPLE] || s.rows[i].name == b->ev_name_1_0[EV_ALLOC_SAMPLE]) &&
		    s.rows[i].count)
			b->use_alloc_sample = 1;
	int guessed = 0;
	if (guess && only < 0 && x.aggregate && !b->event) {
		uint64_t kc[EV__COUNT] = { 0 };
		for (size_t i = 0; i < s.nrows; i++)
			for (int e = 1; e < EV__COUNT; e++)
				if (s.rows[i].name == b->ev_name[e] || s.rows[i].name == b->ev_name_1_0[e])
					kc[e] += s.rows[i].count;
		if (b->use_alloc_sample)
			kc[EV_TLAB_NEW] = kc[EV_TLAB_OUT] = 0;
		for (size_t i = 0; only < 0 && i < sizeof default_order / sizeof default_order[0]; i++) {
			uint64_t n = 0;
			for (int e = 1; e < EV__COUNT; e++)
				if (col_kinds[default_order[i]] & (1u << e))
					n += kc[e];
			if (n)
				only = default_order[i];
		}
		if (only >= 0) {
			x.kinds = col_kinds[only];
			guessed = 1;
		}
	}
	if (b->event) {
		if (mt_strtab_intern_cstr(f.names, b->event, &b->event_name) ||
		    mt_profile_add_value_type(p, "events", "count", 0, NULL))
			goto nomem;
	} else {
		for (int i = 0; i < MT_JFR_NCOLS; i++)
			if (mt_profile_add_value_type(p, col_type[i], col_unit[i], 0, NULL))
				goto nomem;
	}
	mt_str_id fmt;
	if (mt_profile_intern(p, "jfr", 3, &fmt) || mt_profile_intern(p, "thread", 6, &b->k_thread) ||
	    mt_profile_intern(p, "time_ns", 7, &b->k_time) ||
	    mt_profile_intern(p, "nanoseconds", 11, &b->u_ns) ||
	    mt_profile_frame(p, "[truncated]", 11, "", 0, 0, MT_LANG_STATE, &b->truncated_loc))
		goto nomem;
	p->format = fmt;

	/* pass 2: events, chunk by chunk (the previous chunk stays open) */
	b->cur = &b->st[0];
	b->prev = &b->st[1];
	uint64_t off = 0;
	do {
		rc = jfr_b_next_chunk(b, off);
		if (rc)
			goto done;
		const jfr_chunk *c = &b->cur->c;
		if (off == 0) {
			p->time_nanos = c->start_nanos;
			if (v2 && (jo->from.set || jo->to.set)) {
				x.windowed = 1;
				x.from = mt_time_bound_abs(&jo->from, c->start_nanos, INT64_MIN);
				x.to = mt_time_bound_abs(&jo->to, c->start_nanos, INT64_MAX);
			}
		}
		p->duration_nanos = mt_sat_add(p->duration_nanos, c->duration_nanos);
		if ((rc = chunk_setup(&x, b->cur)))
			goto done;
		err->doing = "reading event";
		uint64_t pos = c->off + JFR_HEADER_SIZE;
		jfr_event ev;
		while ((rc = jfr_next_event(&f, c, &pos, &ev)) == 1) {
			if (ev.type < 2)
				continue;
			uint32_t k = jfr_class_index(c, ev.type);
			if (k == JFR_NONE) {
				s.unknown += s.nchunks ? 0 : 1;   /* counted by pass 1 when it ran */
				continue;
			}
			if (!b->cur->kind[k])
				continue;
			if ((rc = keep_event(&x, b->cur->kind[k], k, &ev)))
				break;
		}
		if (rc < 0)
			goto done;
		if ((rc = finish_chunk(&x)))
			goto done;
		off = c->off + c->size;
	} while (off < len);

	/* default column */
	if (guessed && mt_profile_total(p, (uint32_t)only) == 0) {
		retry = 1;   /* the guess was wrong: read every column */
		goto done;
	}
	int def = only >= 0 ? only : MT_JFR_COL_CPU;
	for (size_t i = 0; !b->event && only < 0 && i < sizeof default_order / sizeof default_order[0]; i++)
		if (mt_profile_total(p, (uint32_t)default_order[i]) != 0) {
			def = default_order[i];
			break;
		}
	const char *dn = b->event ? "events" : col_type[def];
	if (mt_profile_intern(p, dn, strlen(dn), &p->default_sample_type))
		goto nomem;

	if (s.unknown) {
		char msg[160];
		snprintf(msg, sizeof msg, "skipped %" PRIu64 " events of types without metadata", s.unknown);
		if (o && o->strict) {
			err->doing = "reading event";
			rc = mt_error_set(err, MT_EFORMAT, MT_NO_OFFSET, "%s", msg);
			goto done;
		}
		if (o && o->warn)
			o->warn(o->warn_ctx, err->path, msg);
	}
	if (b->missing_stacks && o && o->warn) {
		/* the JDK reads these as events without a stack trace, and so do we */
		char msg[160];
		snprintf(msg, sizeof msg, "%" PRIu64 " events refer to stack traces missing from the constant pools",
			b->missing_stacks);
		o->warn(o->warn_ctx, err->path, msg);
	}
	*out = p;
	p = NULL;
	rc = 0;
	goto done;
nomem:
	rc = mt_error_set(err, MT_ENOMEM, MT_NO_OFFSET, "out of memory");
done:
	jfr_b_free(b);
	free(x.pend);
	jfr_idset_free(&x.want);
	agg_free(&x.agg[0]);
	agg_free(&x.agg[1]);
	Word_t sbytes;
	JLFA(sbytes, x.states);
	(void)sbytes;
	scan_free(&s);
	jfr_file_free(&f);
	mt_profile_free(p);
	if (retry)
		return read_jfr(out, data, len, jo, o, err, 0);
	return rc;
}

int mt_read_jfr_ex(mt_profile **out, const uint8_t *data, size_t len, const mt_jfr_opts *jo,
	const mt_read_opts *o, mt_error *err)
{
	return read_jfr(out, data, len, jo, o, err, 1);
}
