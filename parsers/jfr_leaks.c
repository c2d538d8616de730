/*
 * parsers/jfr_leaks.c - leak candidates in a JDK Flight Recorder recording,
 * as `memtracer leaks` findings (memtracer/findings.h, shapes documented
 * in memtracer/jfr.h):
 *
 * old-object: jdk.OldObjectSample events (the JDK's leak profiler: a
 *   sample of allocations still alive at the end, with the reference chain
 *   to a GC root when the recording was made with path-to-gc-roots=true,
 *   jdk.types.OldObject -> Reference -> OldObject ...) grouped by
 *   allocation site: object type, top frame of the allocation stack, the
 *   nearest holder in the chain (the first static field, i.e. a
 *   java.lang.Class object, or a java.lang.Thread field such as
 *   threadLocals) and the GC root system/type. Ranked by samples.
 *
 * parked-threads: threads parked on a queue or lock for (nearly) the whole
 *   recording, grouped by stack. Evidence: a jdk.ThreadPark lasting at
 *   least 90% of the recording, or a thread found parked (WAITING/
 *   TIMED_WAITING "(parking)", "(on object monitor)", BLOCKED) at the same
 *   stack in every jdk.ThreadDump (at least two dumps spanning half the
 *   recording) while it never ended a shorter park - the way a thread that
 *   is never unparked shows (it has no ThreadPark event at all). Stacks
 *   made only of JDK frames (Finalizer, Common-Cleaner, idle pool
 *   workers) are not findings: the root is the innermost frame outside
 *   java., javax., jdk., sun., com.sun.
 *
 * Everything is bounded: chains stop after JFR_MAX_CHAIN hops, thread
 * dumps are scanned line by line.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jfr_build.h"
#include "memtracer/jfr.h"
#include "memtracer/json.h"
#include "mt_internal.h"

#define JFR_MAX_CHAIN 1024

/* ---- shared helpers ---------------------------------------------------- */

typedef struct lctx {
	builder b;
	jfr_file f;
	mt_error *err;
	const char *source;
	int64_t rec_start, rec_end;  /* the recording's span, ns since the epoch */
	jfr_buf t1, t2;
} lctx;

/* a - b, saturated (times come from the input) */
static int64_t sat_sub(int64_t a, int64_t b)
{
	int64_t r;
	if (__builtin_sub_overflow(a, b, &r))
		return b < 0 ? INT64_MAX : INT64_MIN;
	return r;
}

static const char *S(lctx *x, mt_str_id id)
{
	return mt_profile_str(x->b.p, id);
}

static int intern(lctx *x, const char *s, size_t n, mt_str_id *out)
{
	if (mt_profile_intern(x->b.p, s, n, out))
		return mt_error_set(x->err, MT_ENOMEM, MT_NO_OFFSET, "out of memory");
	return 0;
}

/* "[[I" -> "int[][]", "[Ljava/lang/String;" -> "java.lang.String[]", "a/B" -> "a.B" */
static int java_type_name(jfr_buf *out, const char *s, size_t n)
{
	out->len = 0;
	size_t dims = 0;
	while (dims < n && s[dims] == '[')
		dims++;
	const char *p = s + dims;
	size_t pn = n - dims;
	const char *prim = NULL;
	if (dims && pn == 1) {
		switch (p[0]) {
		case 'Z': prim = "boolean"; break;
		case 'B': prim = "byte"; break;
		case 'C': prim = "char"; break;
		case 'S': prim = "short"; break;
		case 'I': prim = "int"; break;
		case 'J': prim = "long"; break;
		case 'F': prim = "float"; break;
		case 'D': prim = "double"; break;
		}
	}
	if (prim) {
		if (jfr_buf_put(out, prim, strlen(prim)))
			return MT_ENOMEM;
	} else {
		if (dims && pn >= 2 && p[0] == 'L' && p[pn - 1] == ';')
			p++, pn -= 2;
		for (size_t i = 0; i < pn; i++) {
			char ch = p[i] == '/' ? '.' : p[i];
			if (jfr_buf_put(out, &ch, 1))
				return MT_ENOMEM;
		}
	}
	for (size_t i = 0; i < dims; i++)
		if (jfr_buf_put(out, "[]", 2))
			return MT_ENOMEM;
	return jfr_buf_put(out, "", 0) ? MT_ENOMEM : 0;
}

/* text of slot @slot of a value read with @l; *@out = 0 when null */
static int slot_text(lctx *x, const jfr_chunk *c, const jfr_layout *l, int slot, const jfr_val *v,
	jfr_buf *buf, mt_str_id *out, int *isnull)
{
	*out = 0;
	if (isnull)
		*isnull = 1;
	const jfr_field *fd = jfr_b_slot_field(c, l, slot);
	if (!fd)
		return 0;
	jfr_str t;
	int rc = jfr_text(&x->f, c, fd, &v[slot], buf, 1, &t);
	if (rc)
		return rc;
	if (t.null)
		return 0;
	if (isnull)
		*isnull = 0;
	return intern(x, t.s, t.len, out);
}

/* is @name (a frame "pkg.Class.method...") outside the JDK's own packages? */
static int own_code(const char *name)
{
	static const char *const jdk[] = { "java.", "javax.", "jdk.", "sun.", "com.sun.", "[" };
	for (size_t i = 0; i < sizeof jdk / sizeof jdk[0]; i++)
		if (strncmp(name, jdk[i], strlen(jdk[i])) == 0)
			return 0;
	return name[0] != '\0';
}

/* a frame name without its signature */
static size_t bare_len(const char *name)
{
	const char *p = strchr(name, '(');
	return p ? (size_t)(p - name) : strlen(name);
}

/*
 * A frame name for comparing stacks across sources: a lambda's hidden class
 * is named "X$$Lambda$90+0x00007f1a7800b428.26728049" in JFR and
 * "X$$Lambda$90/0x00007f1a7800b428" in a thread dump; both become
 * "X$$Lambda" (the method after it is kept).
 */
static int frame_key(lctx *x, const char *nm, size_t n, mt_str_id *out)
{
	const char *l = NULL;
	for (size_t i = 0; i + 8 <= n; i++)
		if (memcmp(nm + i, "$$Lambda", 8) == 0) {
			l = nm + i + 8;
			break;
		}
	if (!l)
		return intern(x, nm, n, out);
	const char *dot = nm + n;
	while (dot > l && dot[-1] != '.')
		dot--;
	x->t2.len = 0;
	if (jfr_buf_put(&x->t2, nm, (size_t)(l - nm)) ||
	    (dot > l && jfr_buf_put(&x->t2, dot - 1, (size_t)(nm + n - (dot - 1)))))
		return jfr_b_oom(&x->b);
	return intern(x, x->t2.s, x->t2.len, out);
}

/* ---- old objects -------------------------------------------------------- */

typedef struct chain_el {
	mt_str_id via, type, desc;
} chain_el;

typedef struct old_sample {
	mt_str_id type, site, holder, root_sys, root_type, root_desc, thread;
	int has_root;
	int64_t age_ns, elements;
	uint32_t frames_off, nframes;   /* into x->ofr (strings "name:line") */
	uint32_t chain_off, nchain;     /* into x->chain */
	uint32_t order;
} old_sample;

typedef struct olds {
	old_sample *s;
	size_t n, cap;
	mt_str_id *fr;
	size_t nfr, cap_fr;
	chain_el *chain;
	size_t nchain, cap_chain;
} olds;

static int read_old_object(lctx *x, olds *o, cstate *st, const jfr_layout *l, jfr_event *ev)
{
	builder *b = &x->b;
	jfr_file *f = &x->f;
	const jfr_chunk *c = &st->c;
	enum { O_START, O_THREAD, O_STACK, O_ALLOC_TIME, O_AGE, O_OBJECT, O_ELEMENTS, O_ROOT, O__N };
	jfr_val v[O__N];
	mt_reader r = ev->body;
	if (jfr_read_fields(f, c, &r, l->cls, l, v))
		return f->err->code;
	if (mt_grow(&o->s, &o->cap, o->n + 1, sizeof *o->s))
		return jfr_b_oom(b);
	old_sample *s = &o->s[o->n];
	memset(s, 0, sizeof *s);
	s->order = (uint32_t)o->n;
	s->elements = v[O_ELEMENTS].set ? (int64_t)v[O_ELEMENTS].u : INT32_MIN;
	if (v[O_AGE].set)
		s->age_ns = jfr_ticks_to_ns(c, (int64_t)v[O_AGE].u);
	else if (v[O_ALLOC_TIME].set && v[O_START].set)
		s->age_ns = jfr_ticks_to_ns(c, (int64_t)(v[O_START].u - v[O_ALLOC_TIME].u));
	int rc = jfr_b_thread_name(b, st, jfr_b_slot_field(c, l, O_THREAD), &v[O_THREAD], &s->thread);
	if (rc)
		return rc;

	/* allocation stack */
	s->frames_off = (uint32_t)o->nfr;
	const jfr_field *sfd = jfr_b_slot_field(c, l, O_STACK);
	if (sfd && v[O_STACK].set) {
		cstate *ss;
		stack_ref sr;
		if ((rc = jfr_b_resolve_stack(b, st, sfd, &v[O_STACK], &ss, &sr)))
			return rc;
		for (uint32_t i = 0; i < sr.n; i++) {
			const mt_profile *p = b->p;
			const mt_location *L = &p->locations[ss->slocs[sr.off + i]];
			const mt_line *ln = &p->lines[L->first_line];
			const char *nm = mt_profile_str(p, p->functions[ln->func].name);
			char buf[64];
			snprintf(buf, sizeof buf, ":%" PRId64, ln->line);
			x->t1.len = 0;
			if (jfr_buf_put(&x->t1, nm, strlen(nm)) || (ln->line > 0 && jfr_buf_put(&x->t1, buf, strlen(buf))))
				return jfr_b_oom(b);
			mt_str_id id;
			if ((rc = intern(x, x->t1.s, x->t1.len, &id)))
				return rc;
			if (mt_grow(&o->fr, &o->cap_fr, o->nfr + 1, sizeof *o->fr))
				return jfr_b_oom(b);
			o->fr[o->nfr++] = id;
			if (i == 0 && (rc = intern(x, nm, strlen(nm), &s->site)))
				return rc;
		}
	}
	s->nframes = (uint32_t)(o->nfr - s->frames_off);

	/* the object, then its referrers up to the root */
	s->chain_off = (uint32_t)o->nchain;
	mt_reader orr;
	uint32_t ocls;
	cstate *os = jfr_b_locate(b, st, jfr_b_slot_field(c, l, O_OBJECT), &v[O_OBJECT], &orr, &ocls);
	mt_str_id via = 0;
	uint64_t seen[64];    /* the latest objects visited: a chain that loops stops */
	for (int hop = 0; os && hop < JFR_MAX_CHAIN; hop++) {
		const jfr_chunk *oc = &os->c;
		uint64_t at = (uint64_t)(orr.p - orr.base);
		int loop = 0;
		for (int q = 0; q < (hop < 64 ? hop : 64) && !loop; q++)
			loop = seen[q] == at;
		if (loop)
			break;
		seen[hop % 64] = at;
		mt_str_id on[3] = { f->n[JN_TYPE], f->n[JN_DESCRIPTION], f->n[JN_REFERRER] };
		jfr_layout ol = *jfr_b_layout(os, JFR_B_L_OLD_OBJECT, ocls, on, 3);
		jfr_val ov[3];
		if (jfr_read_fields(f, oc, &orr, ocls, &ol, ov))
			return f->err->code;
		chain_el e = { via, 0, 0 };
		mt_str_id raw;
		if ((rc = slot_text(x, oc, &ol, 0, ov, &x->t2, &raw, NULL)))
			return rc;
		if (raw) {
			if (java_type_name(&x->t1, S(x, raw), strlen(S(x, raw))))
				return jfr_b_oom(b);
			if ((rc = intern(x, x->t1.s, x->t1.len, &e.type)))
				return rc;
		}
		if ((rc = slot_text(x, oc, &ol, 1, ov, &x->t2, &e.desc, NULL)))
			return rc;
		if (hop == 0)
			s->type = e.type;
		if (mt_grow(&o->chain, &o->cap_chain, o->nchain + 1, sizeof *o->chain))
			return jfr_b_oom(b);
		o->chain[o->nchain++] = e;
		/* the nearest holder: a static field (a Class object) or a Thread's field */
		if (hop > 0 && !s->holder && e.type && e.via) {
			const char *tn = S(x, e.type);
			const char *d = e.desc ? S(x, e.desc) : "";
			x->t1.len = 0;
			if (strcmp(tn, "java.lang.Class") == 0) {
				const char *cn = strncmp(d, "Class Name: ", 12) == 0 ? d + 12 : d;
				if (jfr_buf_put(&x->t1, cn, strlen(cn)) || jfr_buf_put(&x->t1, ".", 1) ||
				    jfr_buf_put(&x->t1, S(x, e.via), strlen(S(x, e.via))))
					return jfr_b_oom(b);
			} else if (strcmp(tn, "java.lang.Thread") == 0) {
				if (jfr_buf_put(&x->t1, "java.lang.Thread.", 17) ||
				    jfr_buf_put(&x->t1, S(x, e.via), strlen(S(x, e.via))))
					return jfr_b_oom(b);
			}
			if (x->t1.len && (rc = intern(x, x->t1.s, x->t1.len, &s->holder)))
				return rc;
		}
		/* next: the referrer {array, field, object, skip} */
		const jfr_field *rfd = jfr_b_slot_field(oc, &ol, 2);
		mt_reader rr;
		uint32_t rcls;
		cstate *rs = jfr_b_locate(b, os, rfd, &ov[2], &rr, &rcls);
		if (!rs)
			break;
		const jfr_chunk *rc_ = &rs->c;
		mt_str_id rn[4] = { f->n[JN_ARRAY], f->n[JN_FIELD], f->n[JN_OBJECT], f->n[JN_SKIP] };
		jfr_layout rl = *jfr_b_layout(rs, JFR_B_L_REFERENCE, rcls, rn, 4);
		jfr_val rv[4];
		if (jfr_read_fields(f, rc_, &rr, rcls, &rl, rv))
			return f->err->code;
		via = 0;
		mt_reader fr;
		uint32_t fcls;
		cstate *fs = jfr_b_locate(b, rs, jfr_b_slot_field(rc_, &rl, 1), &rv[1], &fr, &fcls);
		if (fs) {
			mt_str_id fnm[1] = { f->n[JN_NAME] };
			jfr_layout fl = *jfr_b_layout(fs, JFR_B_L_OLD_FIELD, fcls, fnm, 1);
			jfr_val fv[1];
			if (jfr_read_fields(f, &fs->c, &fr, fcls, &fl, fv))
				return f->err->code;
			if ((rc = slot_text(x, &fs->c, &fl, 0, fv, &x->t2, &via, NULL)))
				return rc;
		}
		mt_reader ar;
		uint32_t acls;
		cstate *as = via ? NULL : jfr_b_locate(b, rs, jfr_b_slot_field(rc_, &rl, 0), &rv[0], &ar, &acls);
		if (as) {
			mt_str_id an[1] = { f->n[JN_INDEX] };
			jfr_layout al = *jfr_b_layout(as, JFR_B_L_OLD_ARRAY, acls, an, 1);
			jfr_val av[1];
			if (jfr_read_fields(f, &as->c, &ar, acls, &al, av))
				return f->err->code;
			char buf[32];
			int n = snprintf(buf, sizeof buf, "[%" PRId64 "]", (int64_t)av[0].u);
			if ((rc = intern(x, buf, (size_t)n, &via)))
				return rc;
		}
		if (!via && rv[3].set && (int64_t)rv[3].u > 0) {
			char buf[48];
			int n = snprintf(buf, sizeof buf, "(%" PRId64 " skipped)", (int64_t)rv[3].u);
			if ((rc = intern(x, buf, (size_t)n, &via)))
				return rc;
		}
		os = jfr_b_locate(b, rs, jfr_b_slot_field(rc_, &rl, 2), &rv[2], &orr, &ocls);
	}
	s->nchain = (uint32_t)(o->nchain - s->chain_off);

	/* the GC root */
	mt_reader gr;
	uint32_t gcls;
	cstate *gs = jfr_b_locate(b, st, jfr_b_slot_field(c, l, O_ROOT), &v[O_ROOT], &gr, &gcls);
	if (gs) {
		mt_str_id gn[3] = { f->n[JN_DESCRIPTION], f->n[JN_SYSTEM], f->n[JN_TYPE] };
		jfr_layout gl = *jfr_b_layout(gs, JFR_B_L_GC_ROOT, gcls, gn, 3);
		jfr_val gv[3];
		if (jfr_read_fields(f, &gs->c, &gr, gcls, &gl, gv))
			return f->err->code;
		int n1, n2;
		if ((rc = slot_text(x, &gs->c, &gl, 0, gv, &x->t2, &s->root_desc, NULL)) ||
		    (rc = slot_text(x, &gs->c, &gl, 1, gv, &x->t2, &s->root_sys, &n1)) ||
		    (rc = slot_text(x, &gs->c, &gl, 2, gv, &x->t2, &s->root_type, &n2)))
			return rc;
		s->has_root = !n1 || !n2;
	}
	o->n++;
	return 0;
}

static int old_key_cmp(const void *pa, const void *pb)
{
	const old_sample *a = pa, *b = pb;
#define KEY(fld) if (a->fld != b->fld) return a->fld < b->fld ? -1 : 1
	KEY(type);
	KEY(site);
	KEY(holder);
	KEY(root_sys);
	KEY(root_type);
	KEY(order);
#undef KEY
	return 0;
}

static int same_group(const old_sample *a, const old_sample *b)
{
	return a->type == b->type && a->site == b->site && a->holder == b->holder && a->root_sys == b->root_sys &&
		a->root_type == b->root_type;
}

static void jstr(mt_sink *s, lctx *x, mt_str_id id)
{
	mt_json_cstr(s, S(x, id));
}

/* Appends one finding (no byte count) whose JSON object @jo was closed with result @rc;
 * any failure is out of memory. */
static int add_finding(lctx *x, mt_findings *out, const char *kind, const char *root, int64_t count,
	double score, const char *detail, const mt_jobj *jo, int rc)
{
	mt_finding fd = { 0 };
	fd.kind = kind;
	fd.root = root;
	fd.count = count;
	fd.bytes = -1;
	fd.score = score;
	fd.source = x->source ? x->source : "";
	fd.detail = detail;
	fd.json = jo->buf.data;
	if (!rc)
		rc = mt_findings_add(out, &fd);
	if (rc)
		rc = mt_error_set(x->err, MT_ENOMEM, MT_NO_OFFSET, "out of memory");
	return rc;
}

static int old_findings(lctx *x, olds *o, mt_findings *out)
{
	if (o->n)
		qsort(o->s, o->n, sizeof *o->s, old_key_cmp);
	int rc = 0;
	for (size_t i = 0; i < o->n && !rc;) {
		size_t j = i;
		while (j < o->n && same_group(&o->s[i], &o->s[j]))
			j++;
		/* the representative: the first sample of the group in event order */
		const old_sample *rep = &o->s[i];
		for (size_t k = i; k < j; k++)
			if (o->s[k].order < rep->order)
				rep = &o->s[k];
		int64_t age_max = 0, age_min = INT64_MAX, el_max = -1;
		mt_membuf thr = { 0 };
		mt_sink ts = mt_sink_membuf(&thr);
		mt_sink_puts(&ts, "[");
		int nthr = 0;
		for (size_t k = i; k < j; k++) {
			const old_sample *s = &o->s[k];
			if (s->age_ns > age_max)
				age_max = s->age_ns;
			if (s->age_ns < age_min)
				age_min = s->age_ns;
			if (s->elements > el_max)
				el_max = s->elements;
			int seen = !s->thread;
			for (size_t q = i; q < k && !seen; q++)
				seen = o->s[q].thread == s->thread;
			if (!seen && nthr < 64) {
				mt_sink_puts(&ts, nthr++ ? "," : "");
				jstr(&ts, x, s->thread);
			}
		}
		mt_sink_puts(&ts, "]");
		mt_sink_write(&ts, "", 1);
		if (age_min == INT64_MAX)
			age_min = 0;

		mt_membuf st = { 0 }, ch = { 0 }, gr = { 0 };
		mt_sink ss = mt_sink_membuf(&st), cs = mt_sink_membuf(&ch), gs = mt_sink_membuf(&gr);
		mt_sink_puts(&ss, "[");
		for (uint32_t k = 0; k < rep->nframes; k++) {
			mt_sink_puts(&ss, k ? "," : "");
			jstr(&ss, x, o->fr[rep->frames_off + k]);
		}
		mt_sink_puts(&ss, "]");
		mt_sink_write(&ss, "", 1);
		mt_sink_puts(&cs, "[");
		for (uint32_t k = 0; k < rep->nchain; k++) {
			const chain_el *e = &o->chain[rep->chain_off + k];
			mt_sink_puts(&cs, k ? ",{\"field\":" : "{\"field\":");
			if (e->via)
				jstr(&cs, x, e->via);
			else
				mt_sink_puts(&cs, "null");
			mt_sink_puts(&cs, ",\"type\":");
			jstr(&cs, x, e->type);
			mt_sink_puts(&cs, ",\"description\":");
			if (e->desc)
				jstr(&cs, x, e->desc);
			else
				mt_sink_puts(&cs, "null");
			mt_sink_puts(&cs, "}");
		}
		mt_sink_puts(&cs, "]");
		mt_sink_write(&cs, "", 1);
		if (rep->has_root) {
			mt_sink_puts(&gs, "{\"system\":");
			jstr(&gs, x, rep->root_sys);
			mt_sink_puts(&gs, ",\"type\":");
			jstr(&gs, x, rep->root_type);
			mt_sink_puts(&gs, ",\"description\":");
			if (rep->root_desc)
				jstr(&gs, x, rep->root_desc);
			else
				mt_sink_puts(&gs, "null");
			mt_sink_puts(&gs, "}");
		} else {
			mt_sink_puts(&gs, "null");
		}
		mt_sink_write(&gs, "", 1);

		int64_t count = (int64_t)(j - i);
		double score = (double)count;
		const char *type = rep->type ? S(x, rep->type) : "?";
		const char *site = rep->site ? S(x, rep->site) : "";
		const char *holder = rep->holder ? S(x, rep->holder) : "";
		/* what keeps it, else where it came from, else what it is */
		const char *root = holder[0] ? holder : site[0] ? site : type;
		mt_jobj jo;
		mt_jobj_begin(&jo);
		mt_jobj_cstr(&jo, "kind", "old-object");
		mt_jobj_cstr(&jo, "root", root);
		mt_jobj_cstr(&jo, "object_type", type);
		mt_jobj_i64(&jo, "count", count);
		mt_jobj_cstr(&jo, "allocation_site", site);
		mt_jobj_raw(&jo, "allocation_stack", st.data ? st.data : "[]");
		mt_jobj_cstr(&jo, "holder", holder);
		mt_jobj_raw(&jo, "gc_root", gr.data ? gr.data : "null");
		mt_jobj_raw(&jo, "reference_chain", ch.data ? ch.data : "[]");
		mt_jobj_i64(&jo, "age_ns_max", age_max);
		mt_jobj_i64(&jo, "age_ns_min", age_min);
		if (el_max >= 0)
			mt_jobj_i64(&jo, "array_elements_max", el_max);
		mt_jobj_raw(&jo, "threads", thr.data ? thr.data : "[]");
		mt_jobj_cstr(&jo, "source", x->source ? x->source : "");
		mt_jobj_f64(&jo, "score", score);
		rc = mt_jobj_end(&jo);
		char detail[512];
		snprintf(detail, sizeof detail, "%s from %s%s%s%s%s%s, up to %.1f s old", type, site[0] ? site : "?",
			holder[0] ? ", held by " : "", holder, rep->has_root ? ", root " : ", no GC root path",
			rep->has_root ? S(x, rep->root_sys) : "", "", (double)age_max / 1e9);
		rc = add_finding(x, out, "old-object", root, count, score, detail, &jo, rc);
		mt_jobj_free(&jo);
		mt_membuf_free(&thr);
		mt_membuf_free(&st);
		mt_membuf_free(&ch);
		mt_membuf_free(&gr);
		i = j;
	}
	return rc;
}

/* ---- parked threads ----------------------------------------------------- */

enum { EVID_PARK = 1, EVID_DUMP = 2 };

typedef struct tstate {
	/* from jdk.ThreadPark / JavaMonitorEnter */
	int short_waits;            /* ended a wait shorter than the recording */
	int long_park;
	int64_t park_ns;
	mt_str_id park_stack;       /* key: frames without signatures, leaf first, ';' */
	mt_str_id park_on;
	uint32_t park_frames_off, park_nframes;
	int timed;
	/* from jdk.ThreadDump */
	uint32_t dumps_parked;      /* dumps in which it was parked at dump_stack */
	int dump_inconsistent;
	mt_str_id dump_stack, dump_state, dump_on;
	uint32_t dump_frames_off, dump_nframes;
} tstate;

typedef struct parks {
	tstate *t;                  /* indexed by thread name id (b.p strings) */
	size_t cap;
	mt_str_id *fr;              /* frame name pool */
	size_t nfr, cap_fr;
	uint32_t ndumps;
	int64_t first_dump, last_dump;
} parks;

static tstate *thread_state(lctx *x, parks *k, mt_str_id name)
{
	if (name >= k->cap) {
		size_t old = k->cap;
		if (mt_grow(&k->t, &k->cap, (size_t)name + 1, sizeof *k->t)) {
			mt_error_set(x->err, MT_ENOMEM, MT_NO_OFFSET, "out of memory");
			return NULL;
		}
		memset(k->t + old, 0, (k->cap - old) * sizeof *k->t);
	}
	return &k->t[name];
}

/* interns the key of @n frames (bare names, leaf first) and copies them to the pool */
static int stack_key(lctx *x, parks *k, const mt_str_id *frames, uint32_t n, mt_str_id *key, uint32_t *off)
{
	x->t1.len = 0;
	*off = (uint32_t)k->nfr;
	for (uint32_t i = 0; i < n; i++) {
		const char *nm = S(x, frames[i]);
		if ((i && jfr_buf_put(&x->t1, ";", 1)) || jfr_buf_put(&x->t1, nm, strlen(nm)))
			return jfr_b_oom(&x->b);
		if (mt_grow(&k->fr, &k->cap_fr, k->nfr + 1, sizeof *k->fr))
			return jfr_b_oom(&x->b);
		k->fr[k->nfr++] = frames[i];
	}
	return intern(x, x->t1.s ? x->t1.s : "", x->t1.len, key);
}

static int read_park(lctx *x, parks *k, cstate *st, const jfr_layout *l, jfr_event *ev, int monitor)
{
	builder *b = &x->b;
	jfr_file *f = &x->f;
	const jfr_chunk *c = &st->c;
	enum { P_START, P_DURATION, P_THREAD, P_STACK, P_ON, P_TIMEOUT, P__N };
	jfr_val v[P__N];
	mt_reader r = ev->body;
	if (jfr_read_fields(f, c, &r, l->cls, l, v))
		return f->err->code;
	mt_str_id tn;
	int rc = jfr_b_thread_name(b, st, jfr_b_slot_field(c, l, P_THREAD), &v[P_THREAD], &tn);
	if (rc || !tn)
		return rc;
	tstate *t = thread_state(x, k, tn);
	if (!t)
		return MT_ENOMEM;
	int64_t dur = v[P_DURATION].set ? jfr_ticks_to_ns(c, (int64_t)v[P_DURATION].u) : 0;
	int64_t span = sat_sub(x->rec_end, x->rec_start);
	if (monitor || dur < span / 10 * 9) {
		t->short_waits = 1;
		return 0;
	}
	if (dur <= t->park_ns)
		return 0;
	t->long_park = 1;
	t->park_ns = dur;
	t->timed = v[P_TIMEOUT].set && (int64_t)v[P_TIMEOUT].u > 0;
	/* stack, without signatures */
	mt_str_id frames[256];
	uint32_t n = 0;
	const jfr_field *sfd = jfr_b_slot_field(c, l, P_STACK);
	if (sfd && v[P_STACK].set) {
		cstate *ss;
		stack_ref sr;
		if ((rc = jfr_b_resolve_stack(b, st, sfd, &v[P_STACK], &ss, &sr)))
			return rc;
		for (uint32_t i = 0; i < sr.n && n < 256; i++) {
			const mt_profile *p = b->p;
			const mt_location *L = &p->locations[ss->slocs[sr.off + i]];
			const char *nm = mt_profile_str(p, p->functions[p->lines[L->first_line].func].name);
			if ((rc = frame_key(x, nm, bare_len(nm), &frames[n++])))
				return rc;
		}
	}
	if ((rc = stack_key(x, k, frames, n, &t->park_stack, &t->park_frames_off)))
		return rc;
	t->park_nframes = n;
	mt_str_id on = 0;
	if ((rc = slot_text(x, c, l, P_ON, v, &x->t2, &on, NULL)))
		return rc;
	t->park_on = 0;
	if (on) {
		if (java_type_name(&x->t1, S(x, on), strlen(S(x, on))) || intern(x, x->t1.s, x->t1.len, &t->park_on))
			return jfr_b_oom(b);
	}
	return 0;
}

/* one thread block of a dump: name, state, frames, parked-on class */
typedef struct dthread {
	mt_str_id name, state, on;
	mt_str_id frames[256];
	uint32_t n;
} dthread;

static int parked_state(const char *s)
{
	return strstr(s, "(parking)") || strstr(s, "(on object monitor)") || strncmp(s, "BLOCKED", 7) == 0;
}

static int end_dump_thread(lctx *x, parks *k, dthread *d, uint32_t dump_no)
{
	if (!d->name)
		return 0;
	tstate *t = thread_state(x, k, d->name);
	if (!t)
		return MT_ENOMEM;
	int parked = d->state && parked_state(S(x, d->state)) && d->n > 0;
	mt_str_id key = 0;
	uint32_t off = 0;
	if (parked) {
		int rc = stack_key(x, k, d->frames, d->n, &key, &off);
		if (rc)
			return rc;
	}
	if (!parked || (t->dumps_parked && key != t->dump_stack) || t->dumps_parked != dump_no) {
		t->dump_inconsistent = 1;
	} else {
		if (!t->dumps_parked) {
			t->dump_stack = key;
			t->dump_frames_off = off;
			t->dump_nframes = d->n;
			t->dump_state = d->state;
			t->dump_on = d->on;
		}
		t->dumps_parked++;
	}
	memset(d, 0, sizeof *d);
	return 0;
}

/* jstack-format text: "\"name\" #id ...", "   java.lang.Thread.State: S", "\tat F(...)", "\t- parking to wait for  <..> (a C)" */
static int read_dump(lctx *x, parks *k, const char *s, size_t n, uint32_t dump_no)
{
	dthread d;
	memset(&d, 0, sizeof d);
	int rc = 0;
	for (size_t i = 0; i < n && !rc;) {
		size_t e = i;
		while (e < n && s[e] != '\n')
			e++;
		const char *ln = s + i;
		size_t len = e - i;
		i = e + 1;
		if (len && ln[len - 1] == '\r')
			len--;
		if (len == 0) {
			rc = end_dump_thread(x, k, &d, dump_no);
			continue;
		}
		if (ln[0] == '"') {
			rc = end_dump_thread(x, k, &d, dump_no);
			size_t q = 1;
			while (q < len && ln[q] != '"')
				q++;
			if (!rc)
				rc = intern(x, ln + 1, q - 1, &d.name);
			continue;
		}
		size_t p = 0;
		while (p < len && (ln[p] == ' ' || ln[p] == '\t'))
			p++;
		const char *t = ln + p;
		size_t tl = len - p;
		if (!d.name)
			continue;
		if (tl > 24 && strncmp(t, "java.lang.Thread.State: ", 24) == 0) {
			rc = intern(x, t + 24, tl - 24, &d.state);
		} else if (tl > 3 && strncmp(t, "at ", 3) == 0) {
			size_t fe = 3;
			while (fe < tl && t[fe] != '(')
				fe++;
			if (d.n < 256)
				rc = frame_key(x, t + 3, fe - 3, &d.frames[d.n++]);
		} else if (tl > 2 && strncmp(t, "- ", 2) == 0 && !d.on && d.n <= 2) {
			const char *a = NULL;
			for (size_t q = 0; q + 3 < tl; q++)
				if (strncmp(t + q, "(a ", 3) == 0) {
					a = t + q + 3;
					break;
				}
			if (a) {
				size_t al = 0;
				while (a + al < t + tl && a[al] != ')')
					al++;
				rc = intern(x, a, al, &d.on);
			}
		}
	}
	if (!rc)
		rc = end_dump_thread(x, k, &d, dump_no);
	return rc;
}

typedef struct cand {
	mt_str_id thread, key, state, on;
	uint32_t frames_off, nframes;
	int64_t parked_ns;
	int evidence;
} cand;

static int cand_cmp(const void *pa, const void *pb)
{
	const cand *a = pa, *b = pb;
	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	return a->thread < b->thread ? -1 : a->thread > b->thread;
}

static int park_findings(lctx *x, parks *k, mt_findings *out)
{
	cand *cs = NULL;
	size_t nc = 0, cap = 0;
	int64_t span = sat_sub(x->rec_end, x->rec_start);
	int dumps_cover = k->ndumps >= 2 && sat_sub(k->last_dump, k->first_dump) >= span / 2;
	int rc = 0;
	for (size_t i = 0; i < k->cap; i++) {
		const tstate *t = &k->t[i];
		cand c = { (mt_str_id)i, 0, 0, 0, 0, 0, 0, 0 };
		if (t->long_park) {
			c.key = t->park_stack;
			c.frames_off = t->park_frames_off;
			c.nframes = t->park_nframes;
			c.on = t->park_on;
			c.parked_ns = t->park_ns;
			c.evidence = EVID_PARK;
			if (intern(x, t->timed ? "TIMED_WAITING (parking)" : "WAITING (parking)", t->timed ? 23 : 17, &c.state))
				break;
		}
		if (dumps_cover && !t->short_waits && !t->dump_inconsistent && t->dumps_parked == k->ndumps) {
			if (!c.evidence) {
				c.key = t->dump_stack;
				c.frames_off = t->dump_frames_off;
				c.nframes = t->dump_nframes;
				c.on = t->dump_on;
				c.state = t->dump_state;
				c.parked_ns = sat_sub(k->last_dump, k->first_dump);
			}
			c.evidence |= EVID_DUMP;
		}
		if (!c.evidence)
			continue;
		if (mt_grow(&cs, &cap, nc + 1, sizeof *cs)) {
			rc = jfr_b_oom(&x->b);
			break;
		}
		cs[nc++] = c;
	}
	if (rc) {
		free(cs);
		return rc;
	}
	if (nc)
		qsort(cs, nc, sizeof *cs, cand_cmp);
	for (size_t i = 0; i < nc && !rc;) {
		size_t j = i;
		while (j < nc && cs[j].key == cs[i].key)
			j++;
		const cand *rep = &cs[i];
		/* the root: the innermost frame of the program's own code */
		const char *root = NULL;
		for (uint32_t q = 0; q < rep->nframes && !root; q++)
			if (own_code(S(x, k->fr[rep->frames_off + q])))
				root = S(x, k->fr[rep->frames_off + q]);
		if (!root) {
			i = j;
			continue;
		}
		int64_t pmax = 0;
		int evid = 0;
		mt_membuf th = { 0 }, st = { 0 };
		mt_sink ts = mt_sink_membuf(&th), ss = mt_sink_membuf(&st);
		mt_sink_puts(&ts, "[");
		for (size_t q = i; q < j; q++) {
			if (cs[q].parked_ns > pmax)
				pmax = cs[q].parked_ns;
			evid |= cs[q].evidence;
			mt_sink_puts(&ts, q > i ? "," : "");
			jstr(&ts, x, cs[q].thread);
		}
		mt_sink_puts(&ts, "]");
		mt_sink_write(&ts, "", 1);
		mt_sink_puts(&ss, "[");
		for (uint32_t q = 0; q < rep->nframes; q++) {
			mt_sink_puts(&ss, q ? "," : "");
			jstr(&ss, x, k->fr[rep->frames_off + q]);
		}
		mt_sink_puts(&ss, "]");
		mt_sink_write(&ss, "", 1);
		int64_t count = (int64_t)(j - i);
		const char *state = rep->state ? S(x, rep->state) : "";
		const char *on = rep->on ? S(x, rep->on) : "";
		char ev[64];
		snprintf(ev, sizeof ev, "[%s%s%s]", evid & EVID_PARK ? "\"jdk.ThreadPark\"" : "",
			evid == (EVID_PARK | EVID_DUMP) ? "," : "", evid & EVID_DUMP ? "\"jdk.ThreadDump\"" : "");
		double score = (double)count * (span > 0 ? (double)pmax / (double)span : 1.0);
		mt_jobj jo;
		mt_jobj_begin(&jo);
		mt_jobj_cstr(&jo, "kind", "parked-threads");
		mt_jobj_cstr(&jo, "root", root);
		mt_jobj_cstr(&jo, "state", state);
		mt_jobj_i64(&jo, "count", count);
		mt_jobj_cstr(&jo, "parked_on", on);
		mt_jobj_raw(&jo, "threads", th.data ? th.data : "[]");
		mt_jobj_i64(&jo, "parked_ns_max", pmax);
		mt_jobj_i64(&jo, "recording_ns", span);
		mt_jobj_raw(&jo, "stack", st.data ? st.data : "[]");
		mt_jobj_raw(&jo, "evidence", ev);
		mt_jobj_cstr(&jo, "source", x->source ? x->source : "");
		mt_jobj_f64(&jo, "score", score);
		rc = mt_jobj_end(&jo);
		char detail[512];
		snprintf(detail, sizeof detail, "%" PRId64 " thread%s %s%s%s, %.1f s of %.1f s", count, count == 1 ? "" : "s",
			state, on[0] ? " on " : "", on, (double)pmax / 1e9, (double)span / 1e9);
		rc = add_finding(x, out, "parked-threads", root, count, score, detail, &jo, rc);
		mt_jobj_free(&jo);
		mt_membuf_free(&th);
		mt_membuf_free(&st);
		i = j;
	}
	free(cs);
	return rc;
}

/* ---- the pass over the recording ---------------------------------------- */

enum { K_NONE, K_OLD, K_PARK, K_MONITOR, K_DUMP };

int mt_jfr_leaks(mt_findings *out, const uint8_t *data, size_t len, const char *source, mt_error *err)
{
	mt_error local = MT_ERROR_INIT;
	if (!err)
		err = &local;
	if (!out || (!data && len))
		return mt_error_set(err, MT_EINVAL, MT_NO_OFFSET, "mt_jfr_leaks: NULL argument");
	lctx x;
	memset(&x, 0, sizeof x);
	x.err = err;
	x.source = source;
	olds o;
	memset(&o, 0, sizeof o);
	parks k;
	memset(&k, 0, sizeof k);
	uint8_t *kind = NULL;
	jfr_layout *lay = NULL;
	int rc = jfr_file_init(&x.f, data, len, err);
	if (rc)
		goto done;
	if ((rc = mt_profile_new(&x.b.p))) {
		rc = mt_error_set(err, rc, MT_NO_OFFSET, "out of memory");
		goto done;
	}
	x.b.f = &x.f;
	x.b.signatures = 1;
	x.b.cur = &x.b.st[0];
	x.b.prev = &x.b.st[1];
	if ((rc = mt_profile_frame(x.b.p, "[truncated]", 11, "", 0, 0, MT_LANG_STATE, &x.b.truncated_loc))) {
		rc = mt_error_set(err, rc, MT_NO_OFFSET, "out of memory");
		goto done;
	}
	/* the recording's span, from the chunk headers */
	uint64_t off = 0;
	x.rec_start = INT64_MAX;
	x.rec_end = INT64_MIN;
	do {
		jfr_chunk c;
		rc = jfr_chunk_open(&x.f, off, JFR_OPEN_HEADER, &c);
		if (!rc) {
			if (c.start_nanos < x.rec_start)
				x.rec_start = c.start_nanos;
			int64_t e = mt_sat_add(c.start_nanos, c.duration_nanos);
			if (e > x.rec_end)
				x.rec_end = e;
			off = c.off + c.size;
		}
		jfr_chunk_free(&c);
		if (rc)
			goto done;
	} while (off < len);

	mt_str_id n_old, n_park, n_mon, n_dump, n_old10, n_park10, n_dump10;
	if (mt_strtab_intern_cstr(x.f.names, "jdk.OldObjectSample", &n_old) ||
	    mt_strtab_intern_cstr(x.f.names, "jdk.ThreadPark", &n_park) ||
	    mt_strtab_intern_cstr(x.f.names, "jdk.JavaMonitorEnter", &n_mon) ||
	    mt_strtab_intern_cstr(x.f.names, "jdk.ThreadDump", &n_dump) ||
	    mt_strtab_intern_cstr(x.f.names, "com.oracle.jdk.OldObjectSample", &n_old10) ||
	    mt_strtab_intern_cstr(x.f.names, "com.oracle.jdk.ThreadPark", &n_park10) ||
	    mt_strtab_intern_cstr(x.f.names, "com.oracle.jdk.ThreadDump", &n_dump10)) {
		rc = mt_error_set(err, MT_ENOMEM, MT_NO_OFFSET, "out of memory");
		goto done;
	}
	const mt_str_id *n = x.f.n;
	off = 0;
	do {
		if ((rc = jfr_b_next_chunk(&x.b, off)))
			goto done;
		cstate *st = x.b.cur;
		const jfr_chunk *c = &st->c;
		free(kind);
		free(lay);
		kind = calloc((size_t)c->nclasses + 1, 1);
		lay = calloc((size_t)c->nclasses + 1, sizeof *lay);
		if (!kind || !lay) {
			rc = mt_error_set(err, MT_ENOMEM, MT_NO_OFFSET, "out of memory");
			goto done;
		}
		for (uint32_t i = 0; i < c->nclasses; i++) {
			const jfr_class *cl = &c->classes[i];
			if (!cl->is_event)
				continue;
			if (cl->name == n_old || cl->name == n_old10) {
				mt_str_id names[8] = { n[JN_START_TIME], n[JN_EVENT_THREAD], n[JN_STACK_TRACE],
					n[JN_ALLOCATION_TIME], 0, n[JN_OBJECT], n[JN_ARRAY_ELEMENTS], n[JN_ROOT] };
				mt_str_id age;
				if (mt_strtab_intern_cstr(x.f.names, "objectAge", &age)) {
					rc = mt_error_set(err, MT_ENOMEM, MT_NO_OFFSET, "out of memory");
					goto done;
				}
				names[4] = age;
				jfr_layout_init(&lay[i], c, i, names, 8);
				kind[i] = K_OLD;
			} else if (cl->name == n_park || cl->name == n_park10 || cl->name == n_mon) {
				mt_str_id names[6] = { n[JN_START_TIME], n[JN_DURATION], n[JN_EVENT_THREAD],
					n[JN_STACK_TRACE], cl->name == n_mon ? n[JN_MONITOR_CLASS] : n[JN_PARKED_CLASS],
					n[JN_TIMEOUT] };
				jfr_layout_init(&lay[i], c, i, names, 6);
				kind[i] = cl->name == n_mon ? K_MONITOR : K_PARK;
			} else if (cl->name == n_dump || cl->name == n_dump10) {
				mt_str_id result;
				if (mt_strtab_intern_cstr(x.f.names, "result", &result)) {
					rc = mt_error_set(err, MT_ENOMEM, MT_NO_OFFSET, "out of memory");
					goto done;
				}
				mt_str_id names[2] = { n[JN_START_TIME], result };
				jfr_layout_init(&lay[i], c, i, names, 2);
				kind[i] = K_DUMP;
			}
		}
		err->doing = "reading event";
		uint64_t pos = c->off + JFR_HEADER_SIZE;
		jfr_event ev;
		while ((rc = jfr_next_event(&x.f, c, &pos, &ev)) == 1) {
			if (ev.type < 2)
				continue;
			uint32_t ci = jfr_class_index(c, ev.type);
			if (ci == JFR_NONE || !kind[ci])
				continue;
			switch (kind[ci]) {
			case K_OLD:
				rc = read_old_object(&x, &o, st, &lay[ci], &ev);
				break;
			case K_PARK:
			case K_MONITOR:
				rc = read_park(&x, &k, st, &lay[ci], &ev, kind[ci] == K_MONITOR);
				break;
			case K_DUMP: {
				jfr_val v[2];
				mt_reader r = ev.body;
				if ((rc = jfr_read_fields(&x.f, c, &r, lay[ci].cls, &lay[ci], v)))
					break;
				const jfr_field *fd = jfr_b_slot_field(c, &lay[ci], 1);
				jfr_str t = { "", 0, 1 };
				if (fd && (rc = jfr_text(&x.f, c, fd, &v[1], &x.t2, 1, &t)))
					break;
				if (t.null)
					break;
				int64_t when = v[0].set ? jfr_ticks_to_epoch_ns(c, (int64_t)v[0].u) : 0;
				if (k.ndumps == 0)
					k.first_dump = when;
				k.last_dump = when;
				rc = read_dump(&x, &k, t.s, t.len, k.ndumps);
				k.ndumps++;
				break;
			}
			}
			if (rc)
				break;
		}
		if (rc < 0)
			goto done;
		rc = 0;
		off = c->off + c->size;
	} while (off < len);

	if ((rc = old_findings(&x, &o, out)) || (rc = park_findings(&x, &k, out)))
		goto done;
done:
	free(kind);
	free(lay);
	free(o.s);
	free(o.fr);
	free(o.chain);
	free(k.t);
	free(k.fr);
	jfr_buf_free(&x.t1);
	jfr_buf_free(&x.t2);
	jfr_b_free(&x.b);
	mt_profile_free(x.b.p);
	jfr_file_free(&x.f);
	return rc;
}
