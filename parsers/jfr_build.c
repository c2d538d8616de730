/*
 * parsers/jfr_build.c - resolving a recording's stack traces, methods,
 * frame types and threads into profile frames and strings (see
 * jfr_build.h). Caches are per chunk, keyed by constant id; a constant
 * missing from the current chunk is looked up in the previous chunk, as the
 * JDK's consumer does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jfr_build.h"
#include "mt_internal.h"

void jfr_b_cstate_free(cstate *s)
{
	Word_t bytes;
	JLFA(bytes, s->stacks);
	JLFA(bytes, s->methods);
	JLFA(bytes, s->threads);
	JLFA(bytes, s->ftypes);
	Word_t idx = 0;
	PWord_t v;
	JLF(v, s->floc, idx);
	while (v) {
		Pvoid_t inner = (Pvoid_t)*v;
		JLFA(bytes, inner);
		JLN(v, s->floc, idx);
	}
	JLFA(bytes, s->floc);
	(void)bytes;
	free(s->kind);
	free(s->lay_of);
	free(s->lay);
	free(s->sref);
	free(s->slocs);
	if (s->open)
		jfr_chunk_free(&s->c);
	memset(s, 0, sizeof *s);
}

int jfr_b_oom(builder *b)
{
	return mt_error_set(b->f->err, MT_ENOMEM, MT_NO_OFFSET, "out of memory");
}

const jfr_layout *jfr_b_layout(cstate *s, int which, uint32_t cls, const mt_str_id *names, uint32_t n)
{
	jfr_layout *l = &s->lc[which];
	if (!l->n || l->cls != cls)
		jfr_layout_init(l, &s->c, cls, names, n);
	return l;
}

/* the field at layout slot @slot, or NULL */
const jfr_field *jfr_b_slot_field(const jfr_chunk *c, const jfr_layout *l, int slot)
{
	if (l->cls == JFR_NONE || l->pos[slot] < 0)
		return NULL;
	return &c->fields[c->classes[l->cls].first_field + (uint32_t)l->pos[slot]];
}

/*
 * The value field @fd (of state @s's chunk) holds: a reader on it and its
 * class, in @s's chunk or, for a constant missing there, in the previous
 * chunk's pool of the class with the same name. Returns the state whose
 * chunk holds it, or NULL when there is nothing to read.
 */
cstate *jfr_b_locate(builder *b, cstate *s, const jfr_field *fd, const jfr_val *v, mt_reader *r,
	uint32_t *cls)
{
	if (!fd || !v->set || fd->cls == JFR_NONE)
		return NULL;
	if (jfr_deref(b->f, &s->c, fd, v, r)) {
		*cls = fd->cls;
		return s;
	}
	if (!fd->cp || s != b->cur || !b->prev->open)
		return NULL;
	const jfr_chunk *pc = &b->prev->c;
	uint32_t pcls = jfr_class_named(pc, s->c.classes[fd->cls].name);
	uint64_t off = jfr_constant(pc, pcls, v->u);
	if (!off)
		return NULL;
	*r = jfr_rd_at(b->f, off, pc->off + pc->size);
	*cls = pcls;
	return b->prev;
}

/* "(Ljava/lang/String;I[J)V" -> "(java.lang.String, int, long[])" */
int jfr_b_pretty_descriptor(jfr_buf *out, const char *d, size_t n)
{
	if (jfr_buf_put(out, "(", 1))
		return MT_ENOMEM;
	size_t i = 0;
	if (i < n && d[i] == '(')
		i++;
	int first = 1;
	while (i < n && d[i] != ')') {
		unsigned dims = 0;
		while (i < n && d[i] == '[')
			dims++, i++;
		if (i >= n)
			break;
		if (!first && jfr_buf_put(out, ", ", 2))
			return MT_ENOMEM;
		first = 0;
		const char *prim = NULL;
		switch (d[i]) {
		case 'B': prim = "byte"; break;
		case 'C': prim = "char"; break;
		case 'D': prim = "double"; break;
		case 'F': prim = "float"; break;
		case 'I': prim = "int"; break;
		case 'J': prim = "long"; break;
		case 'S': prim = "short"; break;
		case 'Z': prim = "boolean"; break;
		case 'V': prim = "void"; break;
		}
		if (prim) {
			if (jfr_buf_put(out, prim, strlen(prim)))
				return MT_ENOMEM;
			i++;
		} else if (d[i] == 'L') {
			size_t st = ++i;
			while (i < n && d[i] != ';')
				i++;
			for (size_t j = st; j < i; j++) {
				char ch = d[j] == '/' ? '.' : d[j];
				if (jfr_buf_put(out, &ch, 1))
					return MT_ENOMEM;
			}
			if (i < n)
				i++;
		} else {
			if (jfr_buf_put(out, "?", 1))
				return MT_ENOMEM;
			i++;
		}
		for (unsigned k = 0; k < dims; k++)
			if (jfr_buf_put(out, "[]", 2))
				return MT_ENOMEM;
	}
	return jfr_buf_put(out, ")", 1) ? MT_ENOMEM : 0;
}

/* mt_lang of a frame type ("Interpreted", "JIT compiled", "Inlined", "Native", "C++", "Kernel") */
static int frame_type_lang(builder *b, cstate *s, const jfr_field *tfd, const jfr_val *tv, uint8_t *lang)
{
	*lang = MT_LANG_NATIVE;
	if (!tfd || !tv->set)
		return 0;
	PWord_t slot = NULL;
	if (tfd->cp) {
		JLG(slot, s->ftypes, (Word_t)tv->u);
		if (slot) {
			*lang = (uint8_t)(*slot - 1);
			return 0;
		}
	}
	jfr_str t;
	int rc = jfr_text(b->f, &s->c, tfd, tv, &b->b3, 1, &t);
	if (rc)
		return rc;
	if (t.len == 6 && memcmp(t.s, "Kernel", 6) == 0)
		*lang = MT_LANG_KERNEL;
	if (tfd->cp) {
		JLI(slot, s->ftypes, (Word_t)tv->u);
		if (slot == PJERR)
			return jfr_b_oom(b);
		*slot = (Word_t)*lang + 1;
	}
	return 0;
}

/*
 * The profile name of a method: "pkg.Class.method" (+ signature), or the
 * bare symbol for frames without a class. *@lang becomes MT_LANG_JAVA when
 * the method has a class, else stays as given (from the frame type).
 */
int jfr_b_method_name(builder *b, cstate *s, const jfr_field *mfd, const jfr_val *mv, mt_str_id *out,
	uint8_t *lang)
{
	jfr_file *f = b->f;
	PWord_t slot = NULL;
	if (mfd->cp) {
		JLG(slot, s->methods, (Word_t)mv->u);
		if (slot) {
			Word_t v = *slot - 1;
			*out = (mt_str_id)(v >> 8);
			if ((v & 0xff) == MT_LANG_JAVA)
				*lang = MT_LANG_JAVA;
			return 0;
		}
	}
	mt_reader r;
	uint32_t mcls;
	b->name.len = 0;
	int has_class = 0;
	cstate *ms = jfr_b_locate(b, s, mfd, mv, &r, &mcls);
	if (!ms) {
		if (jfr_buf_put(&b->name, "[unknown]", 9))
			return jfr_b_oom(b);
	} else {
		const jfr_chunk *c = &ms->c;
		mt_str_id names[3] = { f->n[JN_TYPE], f->n[JN_NAME], f->n[JN_DESCRIPTOR] };
		const jfr_layout *lp = jfr_b_layout(ms, JFR_B_L_METHOD, mcls, names, 3);
		jfr_layout l = *lp;
		jfr_val v[3];
		if (jfr_read_fields(f, c, &r, mcls, &l, v))
			return f->err->code;
		jfr_str cn = { "", 0, 1 }, mn = { "", 0, 1 }, ds = { "", 0, 1 };
		const jfr_field *fd;
		int rc = 0;
		if ((fd = jfr_b_slot_field(c, &l, 0)))
			rc = jfr_text(f, c, fd, &v[0], &b->b1, 1, &cn);
		if (!rc && (fd = jfr_b_slot_field(c, &l, 1)))
			rc = jfr_text(f, c, fd, &v[1], &b->b2, 1, &mn);
		if (!rc && b->signatures && (fd = jfr_b_slot_field(c, &l, 2)))
			rc = jfr_text(f, c, fd, &v[2], &b->b3, 1, &ds);
		if (rc)
			return rc;
		if (cn.len) {
			has_class = 1;
			for (size_t i = 0; i < cn.len; i++) {
				char ch = cn.s[i] == '/' ? '.' : cn.s[i];
				if (jfr_buf_put(&b->name, &ch, 1))
					return jfr_b_oom(b);
			}
			if (jfr_buf_put(&b->name, ".", 1))
				return jfr_b_oom(b);
		}
		if (mn.null) {
			if (jfr_buf_put(&b->name, "[unknown]", 9))
				return jfr_b_oom(b);
		} else if (jfr_buf_put(&b->name, mn.s, mn.len)) {
			return jfr_b_oom(b);
		}
		if (b->signatures && !ds.null && jfr_b_pretty_descriptor(&b->name, ds.s, ds.len))
			return jfr_b_oom(b);
	}
	if (mt_profile_intern(b->p, b->name.s ? b->name.s : "", b->name.len, out))
		return jfr_b_oom(b);
	if (has_class)
		*lang = MT_LANG_JAVA;
	if (mfd->cp) {
		JLI(slot, s->methods, (Word_t)mv->u);
		if (slot == PJERR)
			return jfr_b_oom(b);
		*slot = (((Word_t)*out << 8) | (has_class ? MT_LANG_JAVA : 0)) + 1;
	}
	return 0;
}

static int push_loc(builder *b, cstate *s, uint32_t loc)
{
	if (mt_grow(&s->slocs, &s->cap_slocs, s->nslocs + 1, sizeof *s->slocs))
		return jfr_b_oom(b);
	s->slocs[s->nslocs++] = loc;
	return 0;
}

/*
 * Resolves stack trace @sv of field @sfd (in state @s's chunk) to a run of
 * locations, leaf first: *@outs->slocs[ref.off .. +ref.n). Cached per
 * chunk; a trace found only in the previous chunk is cached there.
 */
int jfr_b_resolve_stack(builder *b, cstate *s, const jfr_field *sfd, const jfr_val *sv, cstate **outs,
	stack_ref *out)
{
	jfr_file *f = b->f;
	PWord_t slot = NULL;
	out->off = out->n = 0;
	*outs = s;
	if (sfd->cp) {
		JLG(slot, s->stacks, (Word_t)sv->u);
		if (slot) {
			*out = s->sref[*slot - 1];
			return 0;
		}
	}
	mt_reader r;
	uint32_t scls = JFR_NONE;
	cstate *ts = jfr_b_locate(b, s, sfd, sv, &r, &scls);
	if (ts && ts != s) {
		/* found in the previous chunk: resolve it there, with its caches,
		 * through a copy of the field typed with that chunk's class
		 * (one level only: jfr_b_locate() falls back from the current chunk) */
		jfr_field pfd = *sfd;
		pfd.cls = scls;
		return jfr_b_resolve_stack(b, ts, &pfd, sv, outs, out);
	}
	if (mt_grow(&s->sref, &s->cap_sref, s->nsref + 1, sizeof *s->sref))
		return jfr_b_oom(b);
	if (s->nslocs > UINT32_MAX - 1)
		return mt_error_set(f->err, MT_ELIMIT, MT_NO_OFFSET, "expected fewer stack frames in one chunk");
	stack_ref sr = { (uint32_t)s->nslocs, 0 };
	const jfr_chunk *c = &s->c;
	if (!ts) {
		if (sv->set && sv->u != 0)
			b->missing_stacks++;
	} else {
		mt_str_id names[2] = { f->n[JN_TRUNCATED], f->n[JN_FRAMES] };
		jfr_layout l = *jfr_b_layout(s, JFR_B_L_STACK, scls, names, 2);
		jfr_val v[2];
		if (jfr_read_fields(f, c, &r, scls, &l, v))
			return f->err->code;
		const jfr_field *ffd = jfr_b_slot_field(c, &l, 1);
		if (ffd && ffd->array && v[1].set && ffd->cls != JFR_NONE) {
			mt_reader ar = jfr_rd_at(f, v[1].u, c->off + c->size);
			uint32_t n = jfr_count(&ar, c->compressed, "frame count");
			if (!mt_rd_ok(&ar))
				return f->err->code;
			if (n > mt_rd_left(&ar))
				return mt_rd_fail(&ar, MT_ETRUNC, "expected %u stack frames, found %zu bytes before the end of the chunk",
					n, mt_rd_left(&ar));
			mt_str_id fnames[3] = { f->n[JN_METHOD], f->n[JN_LINE_NUMBER], f->n[JN_TYPE] };
			jfr_layout fl = *jfr_b_layout(s, JFR_B_L_FRAME, ffd->cls, fnames, 3);
			const jfr_field *mfd = jfr_b_slot_field(c, &fl, 0);
			const jfr_field *tfd = jfr_b_slot_field(c, &fl, 2);
			for (uint32_t i = 0; i < n; i++) {
				jfr_val fv[3];
				if (ffd->cp) {
					uint64_t id = jfr_long(&ar, c->compressed);
					if (!mt_rd_ok(&ar))
						return f->err->code;
					uint64_t off = jfr_constant(c, ffd->cls, id);
					if (!off)
						continue;
					mt_reader er = jfr_rd_at(f, off, c->off + c->size);
					if (jfr_read_fields(f, c, &er, ffd->cls, &fl, fv))
						return f->err->code;
				} else if (jfr_read_value(f, c, &ar, ffd->cls, &fl, fv)) {
					return f->err->code;
				}
				/* a (method, line, frame type) seen before in this chunk: its location */
				int64_t line = fv[1].set ? (int64_t)fv[1].u : 0;
				PWord_t fslot = NULL;
				if (mfd && mfd->cp && fv[0].set && (!tfd || tfd->cp) && line == (int32_t)line &&
				    (!fv[2].set || fv[2].u < 0xffffffffu)) {
					Word_t k2 = (Word_t)((uint64_t)(uint32_t)(int32_t)line << 32 |
						(fv[2].set && tfd ? fv[2].u + 1 : 0));
					PWord_t s1, hit = NULL;
					JLG(s1, s->floc, (Word_t)fv[0].u);
					if (s1) {
						Pvoid_t inner = (Pvoid_t)*s1;
						JLG(hit, inner, k2);
					}
					if (hit) {
						int rc = push_loc(b, s, (uint32_t)(*hit - 1));
						if (rc)
							return rc;
						continue;
					}
					JLI(s1, s->floc, (Word_t)fv[0].u);
					if (s1 == PJERR)
						return jfr_b_oom(b);
					Pvoid_t inner = (Pvoid_t)*s1;
					JLI(fslot, inner, k2);
					*s1 = (Word_t)inner;
					if (fslot == PJERR)
						return jfr_b_oom(b);
				}
				uint8_t lang = MT_LANG_NATIVE;
				int rc = frame_type_lang(b, s, tfd, &fv[2], &lang);
				mt_str_id nm = 0;
				if (!rc && mfd && fv[0].set)
					rc = jfr_b_method_name(b, s, mfd, &fv[0], &nm, &lang);
				else if (!rc && mt_profile_intern(b->p, "[unknown]", 9, &nm))
					rc = jfr_b_oom(b);
				if (rc)
					return rc;
				const char *nms = mt_profile_str(b->p, nm);
				uint32_t loc;
				if (mt_profile_frame(b->p, nms, strlen(nms), "", 0, line, (mt_lang)lang, &loc))
					return jfr_b_oom(b);
				if (fslot)
					*fslot = (Word_t)loc + 1;
				if ((rc = push_loc(b, s, loc)))
					return rc;
			}
		}
		if (v[0].set && v[0].u) {
			int rc = push_loc(b, s, b->truncated_loc);
			if (rc)
				return rc;
		}
	}
	sr.n = (uint32_t)(s->nslocs - sr.off);
	s->sref[s->nsref] = sr;
	*out = sr;
	if (sfd->cp) {
		JLI(slot, s->stacks, (Word_t)sv->u);
		if (slot == PJERR)
			return jfr_b_oom(b);
		*slot = (Word_t)s->nsref + 1;
	}
	s->nsref++;
	return 0;
}

/* The thread's name as a profile string id, 0 when unknown. */
int jfr_b_thread_name(builder *b, cstate *s, const jfr_field *tfd, const jfr_val *tv, mt_str_id *out)
{
	jfr_file *f = b->f;
	*out = 0;
	if (!tfd || !tv->set)
		return 0;
	PWord_t slot = NULL;
	if (tfd->cp) {
		JLG(slot, s->threads, (Word_t)tv->u);
		if (slot) {
			*out = (mt_str_id)(*slot - 1);
			return 0;
		}
	}
	mt_reader r;
	uint32_t tcls;
	cstate *ts = jfr_b_locate(b, s, tfd, tv, &r, &tcls);
	if (ts && ts->c.classes[tcls].prim == JFR_STRUCT) {
		const jfr_chunk *c = &ts->c;
		mt_str_id names[2] = { f->n[JN_JAVA_NAME], f->n[JN_OS_NAME] };
		jfr_layout l = *jfr_b_layout(ts, JFR_B_L_THREAD, tcls, names, 2);
		jfr_val v[2];
		if (jfr_read_fields(f, c, &r, tcls, &l, v))
			return f->err->code;
		jfr_str t = { "", 0, 1 };
		const jfr_field *fd;
		int rc = 0;
		if ((fd = jfr_b_slot_field(c, &l, 0)))
			rc = jfr_text(f, c, fd, &v[0], &b->b1, 1, &t);
		if (!rc && t.len == 0 && (fd = jfr_b_slot_field(c, &l, 1)))
			rc = jfr_text(f, c, fd, &v[1], &b->b1, 1, &t);
		if (rc)
			return rc;
		if (t.len && mt_profile_intern(b->p, t.s, t.len, out))
			return jfr_b_oom(b);
	}
	if (tfd->cp) {
		JLI(slot, s->threads, (Word_t)tv->u);
		if (slot == PJERR)
			return jfr_b_oom(b);
		*slot = (Word_t)*out + 1;
	}
	return 0;
}


int jfr_b_next_chunk(builder *b, uint64_t off)
{
	cstate *t = b->prev;
	jfr_b_cstate_free(t);
	b->prev = b->cur;
	b->cur = t;
	int rc = jfr_chunk_open(b->f, off, b->open_level, &b->cur->c);
	b->cur->open = 1;
	return rc;
}

void jfr_b_free(builder *b)
{
	jfr_b_cstate_free(&b->st[0]);
	jfr_b_cstate_free(&b->st[1]);
	jfr_buf_free(&b->b1);
	jfr_buf_free(&b->b2);
	jfr_buf_free(&b->b3);
	jfr_buf_free(&b->name);
}
