/*
 * parsers/v8_cpuprofile.c - V8 CPU profiles and sampling heap profiles in:
 * mt_read_v8_cpuprofile(), mt_read_v8_heapprofile() (memtracer/v8prof.h).
 *
 * Formats: the Profile / ProfileNode / CallFrame types of the Chrome
 * DevTools Protocol's Profiler domain (what DevTools saves as .cpuprofile
 * and node --cpu-prof writes), the older nested "head" form with absolute
 * "timestamps" (node-inspector's v8-profiler, DevTools before Chrome 58),
 * and SamplingHeapProfile / SamplingHeapProfileNode / SamplingHeapProfileSample
 * of the HeapProfiler domain (.heapprofile, node --heap-prof). Members this
 * reader does not use (positionTicks, bailoutReason, callUID, deoptReason,
 * ordinal...) are skipped whatever their shape.
 *
 * Two phases, as every reader here: decode, then resolve and validate
 * before anything becomes IR.
 * - Decode: the JSON goes through parsers/v8_json.c in memory mode. Nodes
 *   land in a flat table (one record per node, strings interned into the
 *   profile once), child ids, sample ids and times in flat arrays with the
 *   byte offset of each number. The nested forms are walked with an
 *   explicit stack of open nodes (no recursion), bounded by
 *   MT_V8PROF_MAX_DEPTH. Numbers that are not plain non-negative integers
 *   (negative deltas, fractional seconds) are re-read from the input text
 *   at the token's offset, exactly, as fixed point scaled to nanoseconds.
 * - Resolve: ids must be unique, every child/parent/sample id must name a
 *   node, a node has one parent, the parent links form a forest (a cycle
 *   is an error naming a node on it), depth <= MT_V8PROF_MAX_DEPTH and the
 *   frames of all stacks together <= MT_V8PROF_MAX_FRAMES, checked before
 *   any stack is built.
 *
 * Timing follows speedscope's importer (src/import/chrome.ts), which the
 * E4 fixtures record: sample i is at S(i), the running maximum of
 * startTime + timeDeltas[0..i] (or of timestamps[i]), and weighs
 * S(i+1) - S(i); the last sample weighs 0; S(0) - startTime (the time
 * before the first sample) goes to the empty stack. Old-form startTime is
 * in seconds (v8-profiler), timestamps in microseconds; extra timestamps
 * past the samples are ignored. Samples are aggregated per node: one IR
 * sample per node (in file order) whose samples/cpu are the sums, plus one
 * empty-stack sample first for the time before the first sample and for
 * samples on a dropped "(root)".
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memtracer/v8prof.h"
#include "mt_internal.h"
#include "parsers/v8_json.h"

#define ID_BATCH 256

enum { FORM_NONE = 0, FORM_NEW, FORM_OLD, FORM_HEAP };

/* member names we read; everything else is skipped */
enum key {
	K_OTHER = 0,
	/* nodes and call frames */
	K_ID, K_CALLFRAME, K_FUNCTIONNAME, K_URL, K_LINE, K_COL, K_SCRIPT, K_HIT, K_SELF,
	K_CHILDREN, K_PARENT,
	/* top level */
	K_NODES, K_HEAD, K_START, K_END, K_SAMPLES, K_TIMEDELTAS, K_TIMESTAMPS,
	/* heap samples */
	K_SIZE, K_NODEID, K_ORDINAL,
	K__COUNT
};

static const char *const key_names[K__COUNT] = {
	"", "id", "callFrame", "functionName", "url", "lineNumber", "columnNumber", "scriptId",
	"hitCount", "selfSize", "children", "parent",
	"nodes", "head", "startTime", "endTime", "samples", "timeDeltas", "timestamps",
	"size", "nodeId", "ordinal",
};

typedef struct vnode {
	uint64_t id;
	uint64_t off;            /* offset of the node's '{' */
	uint64_t parent_id;      /* "parent" member (new form) */
	uint64_t parent_off;
	int64_t self;            /* hitCount (cpu) or selfSize (heap) */
	int64_t line, col;       /* as in the file, 0-based; -1 = none */
	int64_t count;           /* samples (cpu) / objects (heap) */
	int64_t value;           /* cpu nanoseconds (cpu only) */
	mt_str_id name, url;     /* raw functionName and url */
	uint32_t parent;         /* node index + 1; 0 = a root */
	uint32_t kid_first, nkids;
	uint32_t depth;          /* frames in the node's stack */
	uint32_t loc;            /* its location, 0 until needed */
	uint32_t seen;           /* bit per enum key */
	uint8_t script;          /* scriptId names a script (not 0 / "0" / "") */
	uint8_t state;           /* cycle check: 0 new, 1 on the walked path, 2 done */
	uint8_t dropped;         /* the synthetic "(root)": not a frame */
} vnode;

typedef struct idlist {
	uint64_t *v, *off;
	size_t n, cap;
} idlist;

typedef struct idref {
	uint64_t id;
	uint32_t node;
} idref;

typedef struct fkey {
	mt_str_id name, url;
	int64_t line, col;
	uint8_t lang;
} fkey;

typedef struct numref {
	uint64_t off;
	int present;
} numref;

typedef struct rd {
	mt_vj j;
	const uint8_t *data;
	size_t len;
	mt_error *err;
	const mt_read_opts *o;
	mt_profile *p;
	int form;

	vnode *nodes;
	size_t cap_nodes;
	uint32_t nnodes;

	idlist kids;             /* new form: children ids, per node kid_first.. */
	idlist smp;              /* sample node ids */
	uint32_t *smap;          /* sample -> node index */
	int has_samples;
	uint64_t smp_arr_off;

	int64_t *tim;            /* timeDeltas: running sums (ns, relative); timestamps: absolute ns */
	uint64_t *tim_off;
	size_t ntim, cap_tim, cap_tim_off;
	int has_times;           /* K_TIMEDELTAS or K_TIMESTAMPS */
	uint64_t tim_arr_off;
	uint64_t nneg;           /* times that went backwards */
	uint64_t first_neg_off;

	numref start, end;
	uint64_t obj_off;        /* the top-level '{' */
	uint32_t top_seen;

	idref *idx;
	uint32_t nidx;

	uint32_t *fslots;        /* frame hash: location index, 0 = empty */
	size_t fmask;
	fkey *fkeys;             /* by location index */
	size_t cap_fkeys;
	uint32_t nframes;

	uint32_t *stack;
	size_t cap_stack;

	mt_str_id s_root, s_anon, s_program, s_gc;
} rd;

static const int64_t pow10_tab[19] = {
	1LL, 10LL, 100LL, 1000LL, 10000LL, 100000LL, 1000000LL, 10000000LL,
	100000000LL, 1000000000LL, 10000000000LL, 100000000000LL,
	1000000000000LL, 10000000000000LL, 100000000000000LL,
	1000000000000000LL, 10000000000000000LL, 100000000000000000LL,
	1000000000000000000LL,
};

/* ---- small helpers ---- */

static int oom(rd *r, uint64_t off)
{
	return mt_error_set(r->err, MT_ENOMEM, off, "out of memory");
}

static int next(rd *r, mt_vj_tok *t)
{
	return mt_vj_next(&r->j, t);
}

static int unexpected(rd *r, const mt_vj_tok *t, const char *what)
{
	return mt_error_set(r->err, t->kind == MT_VJ_EOF ? MT_ETRUNC : MT_EFORMAT, t->off,
		"expected %s, found %s", what, mt_vj_describe(t));
}

static enum key classify(const mt_vj_tok *t)
{
	for (int k = 1; k < K__COUNT; k++)
		if (t->len == strlen(key_names[k]) && memcmp(t->str, key_names[k], t->len) == 0)
			return (enum key)k;
	return K_OTHER;
}

static int is_numchar(uint8_t c)
{
	return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
}

/* the text of the number at @off, for messages (shortened with "...") */
static const char *numtext(const rd *r, uint64_t off, char *buf, size_t cap)
{
	size_t i = 0;
	while (off + i < r->len && i + 4 < cap && is_numchar(r->data[off + i])) {
		buf[i] = (char)r->data[off + i];
		i++;
	}
	if (off + i < r->len && is_numchar(r->data[off + i])) {
		memcpy(buf + i, "...", 3);
		i += 3;
	}
	buf[i] = '\0';
	return buf;
}

/*
 * The JSON number at @off (already checked by the tokenizer) times
 * 10^@scale, rounded half away from zero. Returns 0, or 1 when it does not
 * fit in an int64.
 */
static int num_at(const rd *r, uint64_t off, unsigned scale, int64_t *out)
{
	const uint8_t *d = r->data;
	size_t len = r->len, i = (size_t)off;
	int neg = 0;
	if (i < len && d[i] == '-') {
		neg = 1;
		i++;
	}
	size_t ib = i;
	while (i < len && d[i] >= '0' && d[i] <= '9')
		i++;
	size_t ie = i, fb = i, fe = i;
	if (i < len && d[i] == '.') {
		fb = ++i;
		while (i < len && d[i] >= '0' && d[i] <= '9')
			i++;
		fe = i;
	}
	int64_t ex = 0;
	if (i < len && (d[i] == 'e' || d[i] == 'E')) {
		int eneg = 0;
		i++;
		if (i < len && (d[i] == '+' || d[i] == '-'))
			eneg = d[i++] == '-';
		while (i < len && d[i] >= '0' && d[i] <= '9') {
			if (ex < 1000000000)
				ex = ex * 10 + (d[i] - '0');
			i++;
		}
		if (eneg)
			ex = -ex;
	}
	ex += scale;
	int64_t nint = (int64_t)(ie - ib);
	int64_t ndig = nint + (int64_t)(fe - fb);
	unsigned __int128 acc = 0;
	int up = 0;
	for (int64_t k = 0; k < ndig; k++) {
		int64_t pos = k < nint ? nint - 1 - k + ex : -1 - (k - nint) + ex;
		unsigned dig = (unsigned)((k < nint ? d[ib + (size_t)k] : d[fb + (size_t)(k - nint)]) - '0');
		if (pos >= 19) {
			if (dig)
				return 1;
			continue;
		}
		if (pos >= 0) {
			acc += (unsigned __int128)dig * (uint64_t)pow10_tab[pos];
		} else {
			up = pos == -1 && dig >= 5;
			break; /* positions only decrease from here */
		}
	}
	acc += (unsigned)up;
	if (acc > (unsigned __int128)INT64_MAX + (unsigned)neg)
		return 1;
	if (neg)
		*out = acc == (unsigned __int128)INT64_MAX + 1 ? INT64_MIN : -(int64_t)acc;
	else
		*out = (int64_t)acc;
	return 0;
}

/* an integer member in [@lo, @hi] */
static int tok_int(rd *r, const mt_vj_tok *t, const char *what, int64_t lo, int64_t hi, int64_t *out)
{
	char want[96], nb[40];
	if (t->kind != MT_VJ_NUMBER) {
		snprintf(want, sizeof want, "an integer %s", what);
		return unexpected(r, t, want);
	}
	if (t->num == MT_VJ_FRACTION)
		return mt_error_set(r->err, MT_EFORMAT, t->off,
			"expected an integer %s, found a number with a fraction or an exponent", what);
	int64_t v;
	int big;
	if (t->num == MT_VJ_UINT) {
		big = t->u > (uint64_t)INT64_MAX;
		v = big ? 0 : (int64_t)t->u;
	} else {
		big = num_at(r, t->off, 0, &v);
	}
	if (big || v < lo || v > hi)
		return mt_error_set(r->err, MT_EFORMAT, t->off, "expected %s between %" PRId64 " and %" PRId64
			", found %s", what, lo, hi, numtext(r, t->off, nb, sizeof nb));
	*out = v;
	return 0;
}

/* a node id: any non-negative integer below 2^64 */
static int tok_id(rd *r, const mt_vj_tok *t, const char *what, uint64_t *out)
{
	char want[96], nb[40];
	if (t->kind != MT_VJ_NUMBER) {
		snprintf(want, sizeof want, "a node id (%s)", what);
		return unexpected(r, t, want);
	}
	if (t->num != MT_VJ_UINT)
		return mt_error_set(r->err, MT_EFORMAT, t->off,
			"expected a node id (%s, a non-negative integer below 2^64), found %s", what,
			numtext(r, t->off, nb, sizeof nb));
	*out = t->u;
	return 0;
}

/* a time in nanoseconds: the number times 10^@scale; @neg_ok for deltas */
static int time_at(rd *r, uint64_t off, const char *what, unsigned scale, int neg_ok, int64_t *out)
{
	char nb[40];
	int64_t v;
	if (num_at(r, off, scale, &v))
		return mt_error_set(r->err, MT_EFORMAT, off,
			"expected %s within 2^63 nanoseconds, found %s", what, numtext(r, off, nb, sizeof nb));
	if (v < 0 && !neg_ok)
		return mt_error_set(r->err, MT_EFORMAT, off,
			"expected a non-negative %s, found %s", what, numtext(r, off, nb, sizeof nb));
	*out = v;
	return 0;
}

static int tok_time(rd *r, const mt_vj_tok *t, const char *what, unsigned scale, int neg_ok, int64_t *out)
{
	if (t->kind != MT_VJ_NUMBER) {
		char want[96];
		snprintf(want, sizeof want, "a number in %s", what);
		return unexpected(r, t, want);
	}
	if (t->num == MT_VJ_UINT && t->u <= (uint64_t)(INT64_MAX / pow10_tab[scale])) {
		*out = (int64_t)t->u * pow10_tab[scale];
		return 0;
	}
	return time_at(r, t->off, what, scale, neg_ok, out);
}

static int once(rd *r, uint32_t *seen, enum key k, uint64_t off, const char *where)
{
	if (*seen & (1u << k))
		return mt_error_set(r->err, MT_EFORMAT, off, "expected one \"%s\" in %s, found a second",
			key_names[k], where);
	*seen |= 1u << k;
	return 0;
}

static int idlist_add(rd *r, idlist *l, uint64_t v, uint64_t off)
{
	if (l->n == l->cap) {
		size_t c1 = l->cap, c2 = l->cap;
		if (mt_grow(&l->v, &c1, l->n + 1, sizeof *l->v) || mt_grow(&l->off, &c2, l->n + 1, sizeof *l->off))
			return oom(r, off);
		l->cap = c1 < c2 ? c1 : c2;
	}
	l->v[l->n] = v;
	l->off[l->n] = off;
	l->n++;
	return 0;
}

/* after '[': non-negative integers up to ']' appended to @l */
static int read_ids(rd *r, idlist *l)
{
	uint64_t vals[ID_BATCH], offs[ID_BATCH];
	for (;;) {
		size_t n = 0;
		int closed = 0;
		int rc = mt_vj_uints(&r->j, vals, offs, ID_BATCH, &n, &closed);
		if (rc)
			return rc;
		for (size_t i = 0; i < n; i++)
			if ((rc = idlist_add(r, l, vals[i], offs[i])))
				return rc;
		if (closed)
			return 0;
	}
}

static int skip_value(rd *r, const mt_vj_tok *v)
{
	return mt_vj_skip(&r->j, v, NULL);
}

/* ---- nodes ---- */

static int new_node(rd *r, uint64_t off, uint32_t parent, uint32_t *out)
{
	if (r->nnodes >= MT_V8PROF_MAX_NODES)
		return mt_error_set(r->err, MT_ELIMIT, off, "expected at most %" PRIu32 " nodes, found more",
			MT_V8PROF_MAX_NODES);
	if (mt_grow(&r->nodes, &r->cap_nodes, (size_t)r->nnodes + 1, sizeof *r->nodes))
		return oom(r, off);
	vnode *v = &r->nodes[r->nnodes];
	memset(v, 0, sizeof *v);
	v->off = off;
	v->parent = parent;
	v->line = v->col = -1;
	*out = r->nnodes++;
	return 0;
}

static int intern_tok(rd *r, const mt_vj_tok *t, mt_str_id *out)
{
	if (mt_profile_intern(r->p, t->str, t->len, out))
		return oom(r, t->off);
	return 0;
}

/* the value @v of call-frame member @k of node @n */
static int callframe_value(rd *r, uint32_t n, enum key k, const mt_vj_tok *v)
{
	vnode *nd = &r->nodes[n];
	int64_t x;
	int rc;
	switch (k) {
	case K_FUNCTIONNAME:
	case K_URL:
		if (v->kind != MT_VJ_STRING)
			return unexpected(r, v, k == K_URL ? "a string (url)" : "a string (functionName)");
		return intern_tok(r, v, k == K_URL ? &nd->url : &nd->name);
	case K_LINE:
	case K_COL:
		if ((rc = tok_int(r, v, key_names[k], -1, INT32_MAX, &x)))
			return rc;
		*(k == K_LINE ? &nd->line : &nd->col) = x;
		return 0;
	case K_SCRIPT:
		if (v->kind == MT_VJ_STRING)
			nd->script = !(v->len == 0 || (v->len == 1 && v->str[0] == '0'));
		else if (v->kind == MT_VJ_NUMBER)
			nd->script = !(v->num == MT_VJ_UINT && v->u == 0);
		else if (v->kind != MT_VJ_NULL)
			return unexpected(r, v, "a string or a number (scriptId)");
		return 0;
	default:
		return skip_value(r, v);
	}
}

static int is_callframe_key(enum key k)
{
	return k == K_FUNCTIONNAME || k == K_URL || k == K_LINE || k == K_COL || k == K_SCRIPT;
}

/* after a callFrame's '{' */
static int read_callframe(rd *r, uint32_t n)
{
	mt_vj_tok t, v;
	int rc;
	for (;;) {
		if ((rc = next(r, &t)))
			return rc;
		if (t.kind == MT_VJ_OBJ_END)
			return 0;
		enum key k = classify(&t);
		uint64_t koff = t.off;
		if (is_callframe_key(k) && (rc = once(r, &r->nodes[n].seen, k, koff, "a node")))
			return rc;
		if ((rc = next(r, &v)))
			return rc;
		if ((rc = is_callframe_key(k) ? callframe_value(r, n, k, &v) : skip_value(r, &v)))
			return rc;
	}
}

/*
 * Member @k (key at @koff) of node @n; its value is read here. "children"
 * of the nested forms is handled by the caller.
 */
static int node_member(rd *r, uint32_t n, enum key k, uint64_t koff)
{
	mt_vj_tok v;
	int rc, form = r->form;
	int used = k == K_ID || k == K_CALLFRAME || is_callframe_key(k) ||
		(k == K_HIT && form != FORM_HEAP) || (k == K_SELF && form == FORM_HEAP) ||
		(form == FORM_NEW && (k == K_CHILDREN || k == K_PARENT));
	if (used && (rc = once(r, &r->nodes[n].seen, k, koff, "a node")))
		return rc;
	if ((rc = next(r, &v)))
		return rc;
	if (!used)
		return skip_value(r, &v);
	vnode *nd = &r->nodes[n];
	switch (k) {
	case K_ID:
		return tok_id(r, &v, "id", &nd->id);
	case K_CALLFRAME:
		if (v.kind != MT_VJ_OBJ_BEGIN)
			return unexpected(r, &v, "an object (callFrame)");
		return read_callframe(r, n);
	case K_HIT:
		return tok_int(r, &v, "hitCount", 0, INT64_MAX, &nd->self);
	case K_SELF:
		return tok_int(r, &v, "selfSize", 0, INT64_MAX, &nd->self);
	case K_PARENT:
		nd->parent_off = v.off;
		return tok_id(r, &v, "parent", &nd->parent_id);
	case K_CHILDREN: {
		if (v.kind != MT_VJ_ARR_BEGIN)
			return unexpected(r, &v, "an array of node ids (children)");
		size_t first = r->kids.n;
		if ((rc = read_ids(r, &r->kids)))
			return rc;
		if (r->kids.n > UINT32_MAX)
			return mt_error_set(r->err, MT_ELIMIT, v.off, "expected at most 2^32 child ids, found more");
		r->nodes[n].kid_first = (uint32_t)first;
		r->nodes[n].nkids = (uint32_t)(r->kids.n - first);
		return 0;
	}
	default:
		return callframe_value(r, n, k, &v);
	}
}

/* the checks once a node's '}' is read */
static int end_node(rd *r, uint32_t n)
{
	vnode *nd = &r->nodes[n];
	if (r->form == FORM_NEW && !(nd->seen & (1u << K_ID)))
		return mt_error_set(r->err, MT_EFORMAT, nd->off, "expected an \"id\" in the node, found none");
	if ((r->form == FORM_NEW || r->form == FORM_HEAP) && !(nd->seen & (1u << K_CALLFRAME)))
		return mt_error_set(r->err, MT_EFORMAT, nd->off, "expected a \"callFrame\" in the node, found none");
	if (!(nd->seen & (1u << K_FUNCTIONNAME)))
		return mt_error_set(r->err, MT_EFORMAT, nd->off, "expected a \"functionName\" in the node%s, found none",
			r->form == FORM_OLD ? "" : "'s callFrame");
	if (r->form == FORM_HEAP && !(nd->seen & (1u << K_SELF)))
		return mt_error_set(r->err, MT_EFORMAT, nd->off, "expected a \"selfSize\" in the node, found none");
	return 0;
}

/* new form: after the "nodes" '[' */
static int read_nodes_array(rd *r)
{
	mt_vj_tok t;
	int rc;
	for (;;) {
		if ((rc = next(r, &t)))
			return rc;
		if (t.kind == MT_VJ_ARR_END)
			return 0;
		if (t.kind != MT_VJ_OBJ_BEGIN)
			return unexpected(r, &t, "a node object or ']'");
		uint32_t n;
		if ((rc = new_node(r, t.off, 0, &n)))
			return rc;
		for (;;) {
			if ((rc = next(r, &t)))
				return rc;
			if (t.kind == MT_VJ_OBJ_END)
				break;
			if ((rc = node_member(r, n, classify(&t), t.off)))
				return rc;
		}
		if ((rc = end_node(r, n)))
			return rc;
	}
}

typedef struct level {
	uint32_t node;
	int in_children;
} level;

/* nested forms: @first is the value of "head" */
static int read_tree(rd *r, const mt_vj_tok *first)
{
	if (first->kind != MT_VJ_OBJ_BEGIN)
		return unexpected(r, first, "a node object (head)");
	level *st = NULL;
	size_t cap = 0, sp = 0;
	mt_vj_tok t;
	uint32_t n;
	int rc = new_node(r, first->off, 0, &n);
	if (rc)
		return rc;
	if (mt_grow(&st, &cap, 1, sizeof *st))
		return oom(r, first->off);
	st[sp++] = (level){ n, 0 };
	while (sp) {
		uint32_t cur = st[sp - 1].node;
		if ((rc = next(r, &t)))
			break;
		if (st[sp - 1].in_children) {
			if (t.kind == MT_VJ_ARR_END) {
				st[sp - 1].in_children = 0;
				continue;
			}
			if (t.kind != MT_VJ_OBJ_BEGIN) {
				rc = unexpected(r, &t, "a node object or ']'");
				break;
			}
			if (sp > MT_V8PROF_MAX_DEPTH) {
				rc = mt_error_set(r->err, MT_ELIMIT, t.off,
					"expected at most %u levels of nested nodes, found deeper", MT_V8PROF_MAX_DEPTH + 1);
				break;
			}
			if ((rc = new_node(r, t.off, cur + 1, &n)))
				break;
			if (mt_grow(&st, &cap, sp + 1, sizeof *st)) {
				rc = oom(r, t.off);
				break;
			}
			st[sp++] = (level){ n, 0 };
			continue;
		}
		if (t.kind == MT_VJ_OBJ_END) {
			if ((rc = end_node(r, cur)))
				break;
			sp--;
			continue;
		}
		enum key k = classify(&t);
		if (k == K_CHILDREN) {
			uint64_t koff = t.off;
			if ((rc = once(r, &r->nodes[cur].seen, k, koff, "a node")) || (rc = next(r, &t)))
				break;
			if (t.kind != MT_VJ_ARR_BEGIN) {
				rc = unexpected(r, &t, "an array of node objects (children)");
				break;
			}
			st[sp - 1].in_children = 1;
			continue;
		}
		if ((rc = node_member(r, cur, k, t.off)))
			break;
	}
	free(st);
	return rc;
}

/* ---- times ---- */

/* after the '[' of timeDeltas (@deltas) or timestamps */
static int read_times(rd *r, int deltas)
{
	mt_vj_tok t;
	int rc;
	int64_t sum = 0;
	for (;;) {
		if ((rc = next(r, &t)))
			return rc;
		if (t.kind == MT_VJ_ARR_END)
			return 0;
		int64_t v;
		if ((rc = tok_time(r, &t, deltas ? "timeDeltas" : "timestamps", 3, deltas, &v)))
			return rc;
		if (deltas) {
			if (__builtin_add_overflow(sum, v, &sum))
				return mt_error_set(r->err, MT_EFORMAT, t.off,
					"expected sample times below 2^63 nanoseconds after startTime, found a sum past that");
			v = sum;
		}
		if (r->ntim == r->cap_tim) {
			size_t c1 = r->cap_tim, c2 = r->cap_tim_off;
			if (mt_grow(&r->tim, &c1, r->ntim + 1, sizeof *r->tim) ||
			    mt_grow(&r->tim_off, &c2, r->ntim + 1, sizeof *r->tim_off))
				return oom(r, t.off);
			r->cap_tim = c1 < c2 ? c1 : c2;
			r->cap_tim_off = r->cap_tim;
		}
		r->tim[r->ntim] = v;
		r->tim_off[r->ntim] = t.off;
		r->ntim++;
	}
}

/* ---- heap samples ---- */

/* after the '[' of a heap profile's "samples" */
static int read_heap_samples(rd *r)
{
	mt_vj_tok t, v;
	int rc;
	for (;;) {
		if ((rc = next(r, &t)))
			return rc;
		if (t.kind == MT_VJ_ARR_END)
			return 0;
		if (t.kind != MT_VJ_OBJ_BEGIN)
			return unexpected(r, &t, "a sample object or ']'");
		uint64_t obj = t.off, id = 0, id_off = 0;
		uint32_t seen = 0;
		for (;;) {
			if ((rc = next(r, &t)))
				return rc;
			if (t.kind == MT_VJ_OBJ_END)
				break;
			enum key k = classify(&t);
			int used = k == K_SIZE || k == K_NODEID || k == K_ORDINAL;
			if (used && (rc = once(r, &seen, k, t.off, "a sample")))
				return rc;
			if ((rc = next(r, &v)))
				return rc;
			int64_t x;
			if (k == K_NODEID) {
				id_off = v.off;
				rc = tok_id(r, &v, "nodeId", &id);
			} else if (k == K_SIZE || k == K_ORDINAL) {
				rc = tok_int(r, &v, key_names[k], 0, INT64_MAX, &x);
			} else {
				rc = skip_value(r, &v);
			}
			if (rc)
				return rc;
		}
		if (!(seen & (1u << K_NODEID)))
			return mt_error_set(r->err, MT_EFORMAT, obj, "expected a \"nodeId\" in the sample, found none");
		if ((rc = idlist_add(r, &r->smp, id, id_off)))
			return rc;
	}
}

/* ---- the top level ---- */

static int read_top(rd *r, int heap)
{
	mt_vj_tok t, v;
	int rc;
	if ((rc = next(r, &t)))
		return rc;
	if (t.kind != MT_VJ_OBJ_BEGIN)
		return unexpected(r, &t, heap ? "an object (a V8 heap profile)" : "an object (a V8 CPU profile)");
	r->obj_off = t.off;
	for (;;) {
		if (r->err)
			r->err->doing = heap ? "reading the heapprofile" : "reading the cpuprofile";
		if ((rc = next(r, &t)))
			return rc;
		if (t.kind == MT_VJ_OBJ_END)
			break;
		enum key k = classify(&t);
		uint64_t koff = t.off;
		int used = k == K_HEAD || k == K_SAMPLES ||
			(!heap && (k == K_NODES || k == K_START || k == K_END || k == K_TIMEDELTAS || k == K_TIMESTAMPS));
		if (used && (rc = once(r, &r->top_seen, k, koff, "the profile")))
			return rc;
		if ((rc = next(r, &v)))
			return rc;
		if (!used) {
			if ((rc = skip_value(r, &v)))
				return rc;
			continue;
		}
		switch (k) {
		case K_NODES:
		case K_HEAD:
			if (r->form != FORM_NONE)
				return mt_error_set(r->err, MT_EFORMAT, koff,
					"expected either \"nodes\" or \"head\" in the profile, found both");
			if (k == K_NODES) {
				r->form = FORM_NEW;
				if (r->err)
					r->err->doing = "reading cpuprofile nodes";
				if (v.kind != MT_VJ_ARR_BEGIN)
					return unexpected(r, &v, "an array of nodes (nodes)");
				if ((rc = read_nodes_array(r)))
					return rc;
				if (r->nnodes == 0)
					return mt_error_set(r->err, MT_EFORMAT, v.off, "expected at least one node, found none");
			} else {
				r->form = heap ? FORM_HEAP : FORM_OLD;
				if (r->err)
					r->err->doing = heap ? "reading heapprofile nodes" : "reading cpuprofile nodes";
				if ((rc = read_tree(r, &v)))
					return rc;
			}
			break;
		case K_START:
		case K_END:
			if (v.kind != MT_VJ_NUMBER)
				return unexpected(r, &v, k == K_START ? "a number in startTime" : "a number in endTime");
			*(k == K_START ? &r->start : &r->end) = (numref){ v.off, 1 };
			break;
		case K_SAMPLES:
			r->has_samples = 1;
			r->smp_arr_off = v.off;
			if (r->err)
				r->err->doing = heap ? "reading heapprofile samples" : "reading cpuprofile samples";
			if (v.kind != MT_VJ_ARR_BEGIN)
				return unexpected(r, &v, heap ? "an array of samples (samples)" : "an array of node ids (samples)");
			if ((rc = heap ? read_heap_samples(r) : read_ids(r, &r->smp)))
				return rc;
			break;
		case K_TIMEDELTAS:
		case K_TIMESTAMPS:
			if (r->has_times)
				return mt_error_set(r->err, MT_EFORMAT, koff,
					"expected either \"timeDeltas\" or \"timestamps\" in the profile, found both");
			r->has_times = k;
			r->tim_arr_off = v.off;
			if (r->err)
				r->err->doing = k == K_TIMEDELTAS ? "reading cpuprofile timeDeltas" :
					"reading cpuprofile timestamps";
			if (v.kind != MT_VJ_ARR_BEGIN)
				return unexpected(r, &v, k == K_TIMEDELTAS ? "an array of numbers (timeDeltas)" :
					"an array of numbers (timestamps)");
			if ((rc = read_times(r, k == K_TIMEDELTAS)))
				return rc;
			break;
		default:
			break;
		}
	}
	if ((rc = next(r, &t)))
		return rc;
	if (r->form == FORM_NONE)
		return mt_error_set(r->err, MT_EFORMAT, r->obj_off, heap ?
			"expected a \"head\" node in the heap profile, found none" :
			"expected \"nodes\" or \"head\" in the CPU profile, found neither");
	return 0;
}

/* ---- resolving ---- */

static int cmp_idref(const void *a, const void *b)
{
	const idref *x = a, *y = b;
	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return x->node < y->node ? -1 : x->node > y->node;
}

static int build_index(rd *r)
{
	r->idx = malloc(((size_t)r->nnodes ? r->nnodes : 1) * sizeof *r->idx);
	if (!r->idx)
		return oom(r, MT_NO_OFFSET);
	for (uint32_t i = 0; i < r->nnodes; i++)
		if (r->nodes[i].seen & (1u << K_ID))
			r->idx[r->nidx++] = (idref){ r->nodes[i].id, i };
	qsort(r->idx, r->nidx, sizeof *r->idx, cmp_idref);
	/* the duplicate that comes first in the file */
	uint32_t dup = UINT32_MAX;
	for (uint32_t i = 1; i < r->nidx; i++)
		if (r->idx[i].id == r->idx[i - 1].id && r->idx[i].node < dup)
			dup = r->idx[i].node;
	if (dup != UINT32_MAX)
		return mt_error_set(r->err, MT_EFORMAT, r->nodes[dup].off,
			"expected unique node ids, found id %" PRIu64 " a second time", r->nodes[dup].id);
	return 0;
}

/* node index of @id, or UINT32_MAX */
static uint32_t find_id(const rd *r, uint64_t id)
{
	size_t lo = MT_LOWER_BOUND(r->idx, r->nidx, .id, id);
	return lo < r->nidx && r->idx[lo].id == id ? r->idx[lo].node : UINT32_MAX;
}

/* new form: parents from "children" and "parent" */
static int link_nodes(rd *r)
{
	for (uint32_t i = 0; i < r->nnodes; i++) {
		const vnode *nd = &r->nodes[i];
		for (uint32_t c = 0; c < nd->nkids; c++) {
			uint64_t id = r->kids.v[nd->kid_first + c], off = r->kids.off[nd->kid_first + c];
			uint32_t k = find_id(r, id);
			if (k == UINT32_MAX)
				return mt_error_set(r->err, MT_EFORMAT, off,
					"expected the id of a node in children, found %" PRIu64 " (no such node)", id);
			if (r->nodes[k].parent)
				return mt_error_set(r->err, MT_EFORMAT, off,
					"expected each node to have one parent, found id %" PRIu64 " in the children of ids %"
					PRIu64 " and %" PRIu64, id, r->nodes[r->nodes[k].parent - 1].id, nd->id);
			r->nodes[k].parent = i + 1;
		}
	}
	for (uint32_t i = 0; i < r->nnodes; i++) {
		vnode *nd = &r->nodes[i];
		if (!(nd->seen & (1u << K_PARENT)))
			continue;
		uint32_t k = find_id(r, nd->parent_id);
		if (k == UINT32_MAX)
			return mt_error_set(r->err, MT_EFORMAT, nd->parent_off,
				"expected the id of a node as parent, found %" PRIu64 " (no such node)", nd->parent_id);
		if (nd->parent && nd->parent != k + 1)
			return mt_error_set(r->err, MT_EFORMAT, nd->parent_off,
				"expected the parent of node %" PRIu64 " to agree with the children lists, found %" PRIu64
				" instead of %" PRIu64, nd->id, nd->parent_id, r->nodes[nd->parent - 1].id);
		nd->parent = k + 1;
	}
	return 0;
}

/* depths, with cycle detection, walking each node's parent chain once */
static int resolve_depths(rd *r)
{
	uint32_t *path = malloc(((size_t)r->nnodes ? r->nnodes : 1) * sizeof *path);
	if (!path)
		return oom(r, MT_NO_OFFSET);
	int rc = 0;
	for (uint32_t i = 0; i < r->nnodes && !rc; i++) {
		vnode *nd = &r->nodes[i];
		nd->dropped = nd->parent == 0 && nd->name == r->s_root;
	}
	for (uint32_t i = 0; i < r->nnodes && !rc; i++) {
		if (r->nodes[i].state == 2)
			continue;
		size_t n = 0;
		uint32_t c = i;
		for (;;) {
			vnode *nd = &r->nodes[c];
			if (nd->state == 2)
				break;
			if (nd->state == 1) {
				rc = mt_error_set(r->err, MT_EFORMAT, nd->off,
					"expected the nodes to form a tree, found a cycle through node id %" PRIu64, nd->id);
				break;
			}
			nd->state = 1;
			path[n++] = c;
			if (!nd->parent)
				break;
			c = nd->parent - 1;
		}
		while (!rc && n > 0) {
			vnode *nd = &r->nodes[path[--n]];
			uint32_t d = (nd->parent ? r->nodes[nd->parent - 1].depth : 0) + !nd->dropped;
			if (d > MT_V8PROF_MAX_DEPTH)
				rc = mt_error_set(r->err, MT_ELIMIT, nd->off,
					"expected at most %u frames in a stack, found more", MT_V8PROF_MAX_DEPTH);
			nd->depth = d;
			nd->state = 2;
		}
	}
	free(path);
	return rc;
}

/* sample ids to nodes (r->smap) and per-node counts */
static int count_samples(rd *r, int64_t *empty_count)
{
	if (r->smp.n) {
		r->smap = malloc(r->smp.n * sizeof *r->smap);
		if (!r->smap)
			return oom(r, MT_NO_OFFSET);
	}
	for (size_t i = 0; i < r->smp.n; i++) {
		uint32_t k = find_id(r, r->smp.v[i]);
		if (k == UINT32_MAX)
			return mt_error_set(r->err, MT_EFORMAT, r->smp.off[i],
				"expected the id of a node in samples, found %" PRIu64 " (no such node)", r->smp.v[i]);
		r->smap[i] = k;
		if (r->nodes[k].dropped)
			(*empty_count)++;
		else
			r->nodes[k].count++;
	}
	return 0;
}

static int warn(rd *r, const char *msg)
{
	if (r->o && r->o->warn)
		r->o->warn(r->o->warn_ctx, NULL, msg);
	return 0;
}

/*
 * cpu: per-node sample counts and times. *@empty gets the time before the
 * first sample plus whatever fell on a dropped root; *@empty_count the
 * samples on a dropped root.
 */
static int cpu_values(rd *r, int64_t *empty, int64_t *empty_count, int64_t *start_ns, int64_t *end_ns)
{
	int rc;
	int old = r->form == FORM_OLD;
	*start_ns = *end_ns = 0;
	if (r->err)
		r->err->doing = "reading cpuprofile startTime/endTime";
	if (r->start.present && (rc = time_at(r, r->start.off, "startTime", old ? 9 : 3, 0, start_ns)))
		return rc;
	if (r->end.present && (rc = time_at(r, r->end.off, "endTime", old ? 9 : 3, 0, end_ns)))
		return rc;
	if (r->start.present && r->end.present && *end_ns < *start_ns) {
		char a[40], b[40];
		return mt_error_set(r->err, MT_EFORMAT, r->end.off, "expected endTime >= startTime (%s), found %s",
			numtext(r, r->start.off, a, sizeof a), numtext(r, r->end.off, b, sizeof b));
	}
	/* the duration is known only from both */
	if (!r->start.present || !r->end.present)
		*end_ns = *start_ns;
	if (r->err)
		r->err->doing = "reading cpuprofile samples";
	if (r->has_samples && !r->has_times)
		return mt_error_set(r->err, MT_EFORMAT, r->smp_arr_off,
			"expected \"timeDeltas\" or \"timestamps\" with the samples, found neither");
	if (!r->has_samples && r->has_times)
		return mt_error_set(r->err, MT_EFORMAT, r->tim_arr_off,
			"expected \"samples\" with the %s, found none", key_names[r->has_times]);
	if ((rc = count_samples(r, empty_count)))
		return rc;

	if (!r->has_samples) {
		/* only hitCount: spread endTime - startTime over the hits */
		unsigned __int128 hits = 0;
		for (uint32_t i = 0; i < r->nnodes; i++)
			hits += (uint64_t)r->nodes[i].self;
		if (hits == 0)
			return 0;
		if (r->o && r->o->strict)
			return mt_error_set(r->err, MT_EFORMAT, r->obj_off,
				"expected \"samples\" and \"timeDeltas\" in the profile, found only hitCount");
		warn(r, "the CPU profile has no samples/timeDeltas: counts come from hitCount and the CPU time "
			"(endTime - startTime) is spread over them evenly");
		unsigned __int128 dur = (uint64_t)(*end_ns - *start_ns);
		for (uint32_t i = 0; i < r->nnodes; i++) {
			vnode *nd = &r->nodes[i];
			int64_t c = nd->self;
			int64_t t = (int64_t)((unsigned __int128)(uint64_t)c * dur / hits);
			if (nd->dropped) {
				*empty_count = mt_sat_add(*empty_count, c);
				*empty = mt_sat_add(*empty, t);
			} else {
				nd->count = c;
				nd->value = t;
			}
		}
		return 0;
	}

	size_t n = r->smp.n;
	if (r->has_times == K_TIMEDELTAS ? r->ntim != n : r->ntim < n) {
		if (r->err)
			r->err->doing = r->has_times == K_TIMEDELTAS ? "reading cpuprofile timeDeltas" :
				"reading cpuprofile timestamps";
		return mt_error_set(r->err, MT_EFORMAT, r->tim_arr_off, "expected %s%zu %s (one per sample), found %zu",
			r->has_times == K_TIMEDELTAS ? "" : "at least ", n, key_names[r->has_times], r->ntim);
	}
	if (n == 0)
		return 0;
	/*
	 * Times relative to startTime: deltas are relative sums already;
	 * timestamps are absolute (without a startTime, the first one is 0).
	 */
	if (r->has_times == K_TIMESTAMPS) {
		int64_t base = r->start.present ? *start_ns : r->tim[0];
		for (size_t i = 0; i < n; i++)
			r->tim[i] -= base; /* both non-negative: cannot overflow */
	}
	/* S(i) = running maximum, from at least 0 */
	int64_t prev = r->tim[0] > 0 ? r->tim[0] : 0;
	*empty = prev;
	for (size_t i = 0; i < n; i++) {
		int64_t s = r->tim[i];
		if (s < prev) {
			if (r->nneg++ == 0)
				r->first_neg_off = r->tim_off[i];
			s = prev;
		}
		r->tim[i] = prev = s;
	}
	if (r->nneg) {
		if (r->o && r->o->strict) {
			char nb[40];
			return mt_error_set(r->err, MT_EFORMAT, r->first_neg_off,
				"expected sample times in order (from startTime on), found %s going back in time",
				numtext(r, r->first_neg_off, nb, sizeof nb));
		}
		char msg[200];
		snprintf(msg, sizeof msg, "%" PRIu64 " of %zu sample times lie before the sample (or startTime) "
			"before them; they are counted as simultaneous with it", r->nneg, n);
		warn(r, msg);
	}
	for (size_t i = 0; i + 1 < n; i++) {
		int64_t d = r->tim[i + 1] - r->tim[i]; /* both in [0, INT64_MAX], ordered */
		vnode *nd = &r->nodes[r->smap[i]];
		if (nd->dropped)
			*empty = mt_sat_add(*empty, d);
		else
			nd->value = mt_sat_add(nd->value, d);
	}
	return 0;
}

/* ---- building the IR ---- */

static mt_lang lang_of(const rd *r, const vnode *nd)
{
	if (nd->url || nd->script)
		return MT_LANG_JS;
	if (nd->name == r->s_program || nd->name == r->s_gc)
		return MT_LANG_NATIVE;
	size_t n = mt_strtab_len(r->p->strings, nd->name);
	const char *s = mt_profile_str(r->p, nd->name);
	if (n >= 2 && s[0] == '(' && s[n - 1] == ')')
		return MT_LANG_STATE;
	return MT_LANG_NATIVE;
}

static uint64_t fkey_hash(const fkey *k)
{
	uint64_t w[5] = { k->name, k->url, (uint64_t)k->line, (uint64_t)k->col, k->lang };
	return mt_hash64(w, sizeof w);
}

static int fkey_eq(const fkey *a, const fkey *b)
{
	return a->name == b->name && a->url == b->url && a->line == b->line && a->col == b->col &&
		a->lang == b->lang;
}

static int frame_rehash(rd *r, size_t nslots)
{
	uint32_t *s = calloc(nslots, sizeof *s);
	if (!s)
		return MT_ENOMEM;
	for (uint32_t li = 1; li <= r->nframes; li++) {
		size_t h = (size_t)fkey_hash(&r->fkeys[li]) & (nslots - 1);
		while (s[h])
			h = (h + 1) & (nslots - 1);
		s[h] = li;
	}
	free(r->fslots);
	r->fslots = s;
	r->fmask = nslots - 1;
	return 0;
}

/* the location of node @n's frame */
static int node_loc(rd *r, uint32_t n, uint32_t *out)
{
	vnode *nd = &r->nodes[n];
	if (nd->loc) {
		*out = nd->loc;
		return 0;
	}
	fkey k = { nd->name ? nd->name : r->s_anon, nd->url, nd->line >= 0 ? nd->line + 1 : 0,
		nd->col >= 0 ? nd->col + 1 : 0, (uint8_t)lang_of(r, nd) };
	if (!r->fslots || (size_t)(r->nframes + 1) * 2 > r->fmask + 1)
		if (frame_rehash(r, r->fslots ? (r->fmask + 1) * 2 : 1024))
			return MT_ENOMEM;
	size_t h = (size_t)fkey_hash(&k) & r->fmask;
	while (r->fslots[h]) {
		if (fkey_eq(&r->fkeys[r->fslots[h]], &k)) {
			*out = nd->loc = r->fslots[h];
			return 0;
		}
		h = (h + 1) & r->fmask;
	}
	mt_function f = { 0 };
	f.name = f.system_name = k.name;
	f.filename = k.url;
	f.start_line = k.line;
	f.lang = k.lang;
	uint32_t fi, li;
	int rc;
	if ((rc = mt_profile_add_function(r->p, &f, &fi)))
		return rc;
	mt_line ln = { fi, k.line, k.col };
	mt_location loc = { 0 };
	if ((rc = mt_profile_add_location(r->p, &loc, &ln, 1, &li)))
		return rc;
	if (mt_grow(&r->fkeys, &r->cap_fkeys, (size_t)li + 1, sizeof *r->fkeys))
		return MT_ENOMEM;
	r->fkeys[li] = k;
	r->nframes = li;
	r->fslots[h] = li;
	*out = nd->loc = li;
	return 0;
}

static int add_samples(rd *r, const int64_t *empty_vals, int has_value)
{
	int rc;
	/* the frame budget first, so nothing big is allocated for a hostile file */
	uint64_t total = 0;
	for (uint32_t i = 0; i < r->nnodes; i++) {
		const vnode *nd = &r->nodes[i];
		if (!nd->dropped && (nd->count || nd->value || (has_value && nd->self))) {
			total += nd->depth;
			if (total > MT_V8PROF_MAX_FRAMES)
				return mt_error_set(r->err, MT_ELIMIT, nd->off,
					"expected at most %" PRIu64 " stack frames over all samples, found more",
					(uint64_t)MT_V8PROF_MAX_FRAMES);
		}
	}
	if (empty_vals[0] || empty_vals[1]) {
		if ((rc = mt_profile_add_sample(r->p, NULL, 0, empty_vals, NULL, 0)))
			return mt_error_set(r->err, rc, MT_NO_OFFSET, "cannot add a sample (%s)", mt_code_name(rc));
	}
	for (uint32_t i = 0; i < r->nnodes; i++) {
		const vnode *nd = &r->nodes[i];
		int64_t vals[2];
		if (has_value) { /* heap: objects, space */
			vals[0] = nd->count;
			vals[1] = nd->self;
		} else {         /* cpu: samples, cpu */
			vals[0] = nd->count;
			vals[1] = nd->value;
		}
		if (nd->dropped || (!vals[0] && !vals[1]))
			continue;
		if (mt_grow(&r->stack, &r->cap_stack, nd->depth ? nd->depth : 1, sizeof *r->stack))
			return oom(r, nd->off);
		uint32_t d = 0;
		for (uint32_t c = i + 1; c; c = r->nodes[c - 1].parent) {
			if (r->nodes[c - 1].dropped)
				continue;
			uint32_t li;
			if ((rc = node_loc(r, c - 1, &li)))
				return mt_error_set(r->err, rc, nd->off, "cannot add a frame (%s)", mt_code_name(rc));
			r->stack[d++] = li;
		}
		if ((rc = mt_profile_add_sample(r->p, r->stack, d, vals, NULL, 0)))
			return mt_error_set(r->err, rc, nd->off, "cannot add a sample (%s)", mt_code_name(rc));
	}
	return 0;
}

static int setup(rd *r, const uint8_t *data, size_t len, const mt_read_opts *o, mt_error *err)
{
	memset(r, 0, sizeof *r);
	r->data = data;
	r->len = len;
	r->err = err;
	r->o = o;
	int rc = mt_profile_new(&r->p);
	if (rc)
		return mt_error_set(err, rc, MT_NO_OFFSET, "cannot allocate a profile");
	if (mt_profile_intern(r->p, "(root)", 6, &r->s_root) ||
	    mt_profile_intern(r->p, "(anonymous)", 11, &r->s_anon) ||
	    mt_profile_intern(r->p, "(program)", 9, &r->s_program) ||
	    mt_profile_intern(r->p, "(garbage collector)", 19, &r->s_gc))
		return oom(r, MT_NO_OFFSET);
	if ((rc = mt_vj_init_memory(&r->j, data, len, err)))
		return rc;
	/* a node object and its children array per level, plus the top level and a callFrame */
	r->j.max_depth = 2 * (MT_V8PROF_MAX_DEPTH + 1) + 8;
	return 0;
}

static void teardown(rd *r)
{
	mt_vj_free(&r->j);
	free(r->nodes);
	free(r->kids.v);
	free(r->kids.off);
	free(r->smp.v);
	free(r->smp.off);
	free(r->smap);
	free(r->tim);
	free(r->tim_off);
	free(r->idx);
	free(r->fslots);
	free(r->fkeys);
	free(r->stack);
	mt_profile_free(r->p);
}

static int set_meta(rd *r, int heap)
{
	mt_profile *p = r->p;
	const char *t0 = heap ? "objects" : "samples", *u0 = "count";
	const char *t1 = heap ? "space" : "cpu", *u1 = heap ? "bytes" : "nanoseconds";
	const char *fmt = heap ? "v8-heapprofile" : "v8-cpuprofile";
	if (mt_profile_add_value_type(p, t0, u0, 0, NULL) || mt_profile_add_value_type(p, t1, u1, 0, NULL) ||
	    mt_profile_intern(p, t1, strlen(t1), &p->period_type.type) ||
	    mt_profile_intern(p, u1, strlen(u1), &p->period_type.unit) ||
	    mt_profile_intern(p, t1, strlen(t1), &p->default_sample_type) ||
	    mt_profile_intern(p, fmt, strlen(fmt), &p->format))
		return oom(r, MT_NO_OFFSET);
	return 0;
}

static int read_common(mt_profile **out, const uint8_t *data, size_t len, const mt_read_opts *o,
	mt_error *err, int heap)
{
	mt_error local = MT_ERROR_INIT;
	if (!err)
		err = &local;
	if (!out)
		return mt_error_set(err, MT_EINVAL, MT_NO_OFFSET, "no output profile given");
	*out = NULL;
	if (!data && len)
		return mt_error_set(err, MT_EINVAL, MT_NO_OFFSET, "no input bytes given");
	if (!data)
		data = (const uint8_t *)"";
	const char *prev_doing = err->doing;
	err->doing = heap ? "reading the heapprofile" : "reading the cpuprofile";

	rd r;
	int rc = setup(&r, data, len, o, err);
	if (!rc)
		rc = read_top(&r, heap);
	if (!rc) {
		err->doing = heap ? "resolving heapprofile nodes" : "resolving cpuprofile nodes";
		rc = build_index(&r);
	}
	if (!rc && r.form == FORM_NEW)
		rc = link_nodes(&r);
	if (!rc)
		rc = resolve_depths(&r);
	int64_t empty[2] = { 0, 0 };
	if (!rc && heap) {
		err->doing = "reading heapprofile samples";
		rc = count_samples(&r, &empty[0]);
		for (uint32_t i = 0; !rc && i < r.nnodes; i++)
			if (r.nodes[i].dropped)
				empty[1] = mt_sat_add(empty[1], r.nodes[i].self);
	} else if (!rc) {
		int64_t start_ns, end_ns;
		rc = cpu_values(&r, &empty[1], &empty[0], &start_ns, &end_ns);
		/* note: V8's startTime counts from a boot-time clock, not the epoch */
		r.p->time_nanos = start_ns;
		r.p->duration_nanos = end_ns - start_ns;
	}
	if (!rc) {
		err->doing = "building samples";
		rc = set_meta(&r, heap);
	}
	if (!rc)
		rc = add_samples(&r, empty, heap);
	if (!rc) {
		*out = r.p;
		r.p = NULL;
		err->doing = prev_doing;
	} else {
		if (!err->code)
			mt_error_set(err, rc, MT_NO_OFFSET, "failed (%s)", mt_code_name(rc));
		/*
		 * One line whatever the tokenizer quoted: its message about a bad
		 * backslash-u escape copies raw input bytes, a newline included.
		 */
		for (char *c = err->msg; *c; c++)
			if ((unsigned char)*c < 0x20 || *c == 0x7f)
				*c = '?';
	}
	teardown(&r);
	return rc;
}

int mt_read_v8_cpuprofile(mt_profile **out, const uint8_t *data, size_t len, const mt_read_opts *o,
	mt_error *err)
{
	return read_common(out, data, len, o, err, 0);
}

int mt_read_v8_heapprofile(mt_profile **out, const uint8_t *data, size_t len, const mt_read_opts *o,
	mt_error *err)
{
	return read_common(out, data, len, o, err, 1);
}
