/*
 * parsers/v8_heap.c - the V8 .heapsnapshot reader: mt_heap_read().
 *
 * Format: the JSON written by V8's HeapSnapshotJSONSerializer (the same
 * that Chrome DevTools, node's v8.writeHeapSnapshot() and memlab read):
 *   {"snapshot":{"meta":{node_fields, node_types, edge_fields, edge_types,
 *                         trace_function_info_fields, trace_node_fields,
 *                         sample_fields, location_fields, ...},
 *                node_count, edge_count, trace_function_count},
 *    "nodes":[...], "edges":[...], "trace_function_infos":[...],
 *    "trace_tree":[...], "samples":[...], "locations":[...], "strings":[...]}
 * Every field position and type list comes from snapshot.meta; nothing is
 * assumed. V8 writes "strings" last, so names are kept as raw string
 * indices while the arrays stream by and mapped to interned ids at the end.
 *
 * The input streams through parsers/v8_json.c; numbers go straight into
 * the flat columns of mt_heap (the integer arrays take the batch fast
 * path), each string is interned once. Sections whose layout the meta
 * describes may come before "snapshot": their values are then kept raw
 * and replayed once the meta is known (offsets in their errors are then
 * the offset of the array). Index checks that need a later section (node
 * count, string count) remember the largest index and its offset and run
 * as soon as that section is complete.
 *
 * A large input that is in memory or a plain file has its "edges" array
 * (two thirds of a snapshot) read on a second thread while this one reads
 * "nodes": the thread finds the array after the nodes (their array holds
 * no '"', so the next key is the first '"'), reads it with a copy of the
 * reader whose node bounds are still open, and its columns are taken when
 * this thread reaches the same '[' with nothing amiss. On any doubt (an
 * error, a node reference past the nodes, a different array) the result
 * is dropped and the array read here as usual, so errors, their offsets
 * and the order they are found in do not change.
 *
 * Tolerated, with a warning (an error with opts->strict): node type
 * indices past the end of meta.node_types[type] up to 255 (old V8 wrote
 * symbols as type 12 while listing only 12 names), header counts that
 * disagree with the arrays.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "memtracer/heap.h"
#include "mt_internal.h"
#include "parsers/v8_json.h"

#define MAX_FIELDS 1024u        /* entries in one meta list */
#define MAX_NAME 1024u          /* bytes in one meta name */
#define MAX_TYPE_INDEX 255u     /* node type indices tolerated past the meta list */
#define BATCH 4096
#define HINT_CAP ((uint64_t)1 << 20)
#define TAG_BEGIN ((uint64_t)1 << 63)
#define TAG_END (((uint64_t)1 << 63) | 1)

enum { SEC_NODES, SEC_EDGES, SEC_LOCATIONS, SEC_TFI, SEC_TREE, SEC__COUNT };

static const char *const sec_key[SEC__COUNT] = {
	"nodes", "edges", "locations", "trace_function_infos", "trace_tree",
};
static const char *const sec_doing[SEC__COUNT] = {
	"reading nodes", "reading edges", "reading locations", "reading trace_function_infos",
	"reading trace_tree",
};
static const char *const sec_fields[SEC__COUNT] = {
	"node_fields", "edge_fields", "location_fields", "trace_function_info_fields", "trace_node_fields",
};

static const char *const node_type_v8[] = {
	"hidden", "array", "string", "object", "code", "closure", "regexp", "number", "native",
	"synthetic", "concatenated string", "sliced string", "symbol", "bigint", "object shape",
};
static const uint8_t node_type_mt[] = {
	MT_HN_HIDDEN, MT_HN_ARRAY, MT_HN_STRING, MT_HN_OBJECT, MT_HN_CODE, MT_HN_CLOSURE,
	MT_HN_REGEXP, MT_HN_NUMBER, MT_HN_NATIVE, MT_HN_SYNTHETIC, MT_HN_CONCAT_STRING,
	MT_HN_SLICED_STRING, MT_HN_SYMBOL, MT_HN_BIGINT, MT_HN_OBJECT_SHAPE,
};
static const char *const edge_type_v8[] = {
	"context", "element", "property", "internal", "hidden", "shortcut", "weak",
};
static const uint8_t edge_type_mt[] = {
	MT_HE_CONTEXT, MT_HE_ELEMENT, MT_HE_PROPERTY, MT_HE_INTERNAL, MT_HE_HIDDEN,
	MT_HE_SHORTCUT, MT_HE_WEAK,
};

typedef struct names {
	char **v;
	uint32_t n;
	int present;
} names;

/* one entry of meta.node_types / edge_types: a type name or a list of enum names */
typedef struct type_decl {
	char *kind;
	names list;
	int is_list;
} type_decl;

typedef struct types {
	type_decl *v;
	uint32_t n;
	int present;
} types;

typedef struct meta {
	int seen;
	uint64_t off;
	names node_fields, edge_fields, tfi_fields, tn_fields, sample_fields, loc_fields;
	types node_types, edge_types;
} meta;

typedef struct sec_state {
	uint32_t nf;            /* values per tuple */
	uint32_t pos;           /* next field within the tuple */
	uint64_t nvals;
	uint64_t *tv, *to;      /* the tuple being filled: values and offsets */
	char bad[240];          /* why the meta cannot describe this section ("" = it can) */
	int seen, done;
	uint64_t start_off, close_off;
	uint64_t *dv;           /* raw values (or tree events) kept until the meta arrives */
	size_t dn, dcap;
} sec_state;

/* the largest index seen before its bound was known, and where */
typedef struct pend {
	uint64_t max, off;
	int any;
} pend;

typedef struct tframe {
	uint32_t parent, node, pos;
} tframe;

struct edge_job;

typedef struct rd {
	mt_vj *j;
	struct edge_job *job;   /* "edges" being read on another thread */
	mt_error *err;
	const mt_read_opts *o;
	mt_heap *h;
	meta m;
	int layout;
	sec_state sec[SEC__COUNT];

	/* field positions (-1 = absent) */
	int32_t n_type, n_name, n_id, n_self, n_ecount, n_trace, n_det;
	int32_t e_type, e_name, e_to;
	int32_t l_obj, l_sid, l_line, l_col;
	int32_t f_name, f_sname, f_sid, f_line, f_col;
	int32_t t_id, t_fi, t_count, t_size, t_children;
	uint32_t node_type_field, edge_type_field;

	uint8_t *ntmap;
	uint32_t ntypes;
	uint8_t *etmap;
	uint32_t netypes;

	uint32_t ncap, ecap, lcap, fcap, tcap;
	int fixed_edges;        /* the edge columns are allocated for ecap edges, no more */
	uint64_t ecount_sum;

	int has_hdr_nodes, has_hdr_edges, has_hdr_tfc;
	uint64_t hdr_nodes, hdr_edges, hdr_tfc;
	uint64_t hdr_nodes_off, hdr_edges_off, hdr_tfc_off;
	int snapshot_seen;

	uint32_t *smap;         /* snapshot string index -> interned id */
	uint32_t nstr, smap_cap;
	int strings_seen, strings_done;

	pend p_node_name, p_edge_name, p_fn_name, p_to, p_loc, p_fi;

	uint64_t odd_types, odd_type_first, odd_type_off;

	int samples_seen;
	uint64_t nsample_vals, samples_close;
	uint64_t nloc;          /* locations read (kept in h->locations unless the options say not to) */

	tframe *tf;
	uint32_t ntf, tfcap;
} rd;

/* ---- small helpers ---- */

static int oom(rd *r, uint64_t off)
{
	return mt_error_set(r->err, MT_ENOMEM, off, "out of memory");
}

static int resize(void *pp, size_t n, size_t el)
{
	size_t bytes;
	if (!mt_mul_ok(n ? n : 1, el, &bytes))
		return -1;
	void *np = realloc(*(void **)pp, bytes);
	if (!np)
		return -1;
	*(void **)pp = np;
	return 0;
}

static int too_big32(rd *r, uint64_t off, const char *what, uint64_t v)
{
	return mt_error_set(r->err, MT_EFORMAT, off, "expected %s below 2^32, found %" PRIu64, what, v);
}

static void pend_note(pend *p, uint64_t v, uint64_t off)
{
	if (!p->any || v > p->max) {
		p->max = v;
		p->off = off;
		p->any = 1;
	}
}

static int warn(rd *r, uint64_t off, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 3, 4)))
#endif
	;

static int warn(rd *r, uint64_t off, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (r->o && r->o->strict)
		return mt_error_set(r->err, MT_EFORMAT, off, "%s", msg);
	if (r->o && r->o->warn)
		r->o->warn(r->o->warn_ctx, r->err ? r->err->path : NULL, msg);
	return 0;
}

static int next(rd *r, mt_vj_tok *t)
{
	return mt_vj_next(r->j, t);
}

static int expect_array(rd *r, mt_vj_tok *t, const char *what)
{
	int rc = next(r, t);
	if (rc)
		return rc;
	if (t->kind != MT_VJ_ARR_BEGIN)
		return mt_error_set(r->err, t->kind == MT_VJ_EOF ? MT_ETRUNC : MT_EFORMAT, t->off,
			"expected %s (an array), found %s", what, mt_vj_describe(t));
	return 0;
}

/* ---- snapshot.meta ---- */

static void names_free(names *n)
{
	for (uint32_t i = 0; i < n->n; i++)
		free(n->v[i]);
	free(n->v);
	memset(n, 0, sizeof *n);
}

static void types_free(types *t)
{
	for (uint32_t i = 0; i < t->n; i++) {
		free(t->v[i].kind);
		names_free(&t->v[i].list);
	}
	free(t->v);
	memset(t, 0, sizeof *t);
}

static int name_copy(rd *r, const mt_vj_tok *t, char **out)
{
	if (t->len > MAX_NAME)
		return mt_error_set(r->err, MT_ELIMIT, t->off,
			"expected names of at most %u bytes in snapshot.meta, found one of %zu", MAX_NAME, t->len);
	char *s = malloc(t->len + 1);
	if (!s)
		return oom(r, t->off);
	memcpy(s, t->str, t->len);
	s[t->len] = '\0';
	*out = s;
	return 0;
}

/* after the '[': a list of names up to ']' */
static int read_name_list(rd *r, names *n, const char *what)
{
	mt_vj_tok t;
	for (;;) {
		int rc = next(r, &t);
		if (rc)
			return rc;
		if (t.kind == MT_VJ_ARR_END)
			return 0;
		if (t.kind != MT_VJ_STRING)
			return mt_error_set(r->err, t.kind == MT_VJ_EOF ? MT_ETRUNC : MT_EFORMAT, t.off,
				"expected a name (a string) in %s, found %s", what, mt_vj_describe(&t));
		if (n->n >= MAX_FIELDS)
			return mt_error_set(r->err, MT_ELIMIT, t.off, "expected at most %u names in %s, found more",
				MAX_FIELDS, what);
		if (resize(&n->v, n->n + 1, sizeof *n->v))
			return oom(r, t.off);
		if ((rc = name_copy(r, &t, &n->v[n->n])))
			return rc;
		n->n++;
	}
}

static int read_names(rd *r, names *n, const char *what)
{
	mt_vj_tok t;
	int rc = expect_array(r, &t, what);
	if (rc)
		return rc;
	if (n->present)
		return mt_error_set(r->err, MT_EFORMAT, t.off, "expected one %s, found a second", what);
	n->present = 1;
	return read_name_list(r, n, what);
}

static int read_types(rd *r, types *ty, const char *what)
{
	mt_vj_tok t;
	int rc = expect_array(r, &t, what);
	if (rc)
		return rc;
	if (ty->present)
		return mt_error_set(r->err, MT_EFORMAT, t.off, "expected one %s, found a second", what);
	ty->present = 1;
	for (;;) {
		if ((rc = next(r, &t)))
			return rc;
		if (t.kind == MT_VJ_ARR_END)
			return 0;
		if (t.kind != MT_VJ_STRING && t.kind != MT_VJ_ARR_BEGIN)
			return mt_error_set(r->err, t.kind == MT_VJ_EOF ? MT_ETRUNC : MT_EFORMAT, t.off,
				"expected a type name or a list of names in %s, found %s", what, mt_vj_describe(&t));
		if (ty->n >= MAX_FIELDS)
			return mt_error_set(r->err, MT_ELIMIT, t.off, "expected at most %u entries in %s, found more",
				MAX_FIELDS, what);
		if (resize(&ty->v, ty->n + 1, sizeof *ty->v))
			return oom(r, t.off);
		type_decl *d = &ty->v[ty->n++];
		memset(d, 0, sizeof *d);
		if (t.kind == MT_VJ_STRING) {
			if ((rc = name_copy(r, &t, &d->kind)))
				return rc;
		} else {
			d->is_list = 1;
			d->list.present = 1;
			if ((rc = read_name_list(r, &d->list, what)))
				return rc;
		}
	}
}

static int read_meta(rd *r)
{
	mt_vj_tok t;
	int rc = next(r, &t);
	if (rc)
		return rc;
	if (t.kind != MT_VJ_OBJ_BEGIN)
		return mt_error_set(r->err, t.kind == MT_VJ_EOF ? MT_ETRUNC : MT_EFORMAT, t.off,
			"expected snapshot.meta to be an object, found %s", mt_vj_describe(&t));
	if (r->m.seen)
		return mt_error_set(r->err, MT_EFORMAT, t.off, "expected one snapshot.meta, found a second");
	r->m.seen = 1;
	r->m.off = t.off;
	for (;;) {
		if ((rc = next(r, &t)))
			return rc;
		if (t.kind == MT_VJ_OBJ_END)
			return 0;
		/* t is a key */
		const char *k = t.str;
		names *n = NULL;
		types *ty = NULL;
		const char *what = NULL;
		if (!strcmp(k, "node_fields"))
			n = &r->m.node_fields, what = "snapshot.meta.node_fields";
		else if (!strcmp(k, "edge_fields"))
			n = &r->m.edge_fields, what = "snapshot.meta.edge_fields";
		else if (!strcmp(k, "trace_function_info_fields"))
			n = &r->m.tfi_fields, what = "snapshot.meta.trace_function_info_fields";
		else if (!strcmp(k, "trace_node_fields"))
			n = &r->m.tn_fields, what = "snapshot.meta.trace_node_fields";
		else if (!strcmp(k, "sample_fields"))
			n = &r->m.sample_fields, what = "snapshot.meta.sample_fields";
		else if (!strcmp(k, "location_fields"))
			n = &r->m.loc_fields, what = "snapshot.meta.location_fields";
		else if (!strcmp(k, "node_types"))
			ty = &r->m.node_types, what = "snapshot.meta.node_types";
		else if (!strcmp(k, "edge_types"))
			ty = &r->m.edge_types, what = "snapshot.meta.edge_types";
		if (n)
			rc = read_names(r, n, what);
		else if (ty)
			rc = read_types(r, ty, what);
		else if (!(rc = next(r, &t)))
			rc = mt_vj_skip(r->j, &t, NULL);
		if (rc)
			return rc;
	}
}

/* position of @name in @n, -1 if absent; a name given twice is an error */
static int find_field(rd *r, const names *n, const char *list, const char *name, int required, int32_t *pos)
{
	*pos = -1;
	for (uint32_t i = 0; i < n->n; i++) {
		if (strcmp(n->v[i], name) != 0)
			continue;
		if (*pos >= 0)
			return mt_error_set(r->err, MT_EFORMAT, r->m.off,
				"expected field \"%s\" once in snapshot.meta.%s, found it twice", name, list);
		*pos = (int32_t)i;
	}
	if (*pos < 0 && required)
		return mt_error_set(r->err, MT_EFORMAT, r->m.off,
			"expected snapshot.meta.%s to name the field \"%s\", found no such field", list, name);
	return 0;
}

/* the declared type of field @pos must be @want (when declared) */
static int check_kind(rd *r, const types *ty, const char *list, const char *field, int32_t pos, const char *want)
{
	if (pos < 0 || (uint32_t)pos >= ty->n)
		return 0;
	const type_decl *d = &ty->v[pos];
	if (d->is_list || strcmp(d->kind, want) != 0)
		return mt_error_set(r->err, MT_EUNSUPPORTED, r->m.off,
			"expected field \"%s\" to have type \"%s\" in snapshot.meta.%s, found %s%s%s", field, want, list,
			d->is_list ? "a list of names" : "\"", d->is_list ? "" : d->kind, d->is_list ? "" : "\"");
	return 0;
}

static int enum_list(rd *r, const types *ty, const char *list, int32_t pos, const names **out)
{
	if (!ty->present || (uint32_t)pos >= ty->n || !ty->v[pos].is_list)
		return mt_error_set(r->err, MT_EFORMAT, r->m.off,
			"expected snapshot.meta.%s[%d] to be the list of type names, found %s", list, pos,
			!ty->present ? "no such list" : (uint32_t)pos >= ty->n ? "nothing" : "a type name");
	*out = &ty->v[pos].list;
	return 0;
}

static int sec_alloc(rd *r, int s, uint32_t nf)
{
	sec_state *ss = &r->sec[s];
	ss->nf = nf;
	ss->tv = calloc(nf ? nf : 1, sizeof *ss->tv);
	ss->to = calloc(nf ? nf : 1, sizeof *ss->to);
	if (!ss->tv || !ss->to)
		return oom(r, r->m.off);
	return 0;
}

/* an optional section the meta cannot describe: an error once it has an element */
static int optional_fields(rd *r, int s, const names *n, const char *const *req, int32_t **pos, int count)
{
	sec_state *ss = &r->sec[s];
	if (!n->present || n->n == 0) {
		snprintf(ss->bad, sizeof ss->bad, "expected snapshot.meta.%s to describe %s, found %s",
			sec_fields[s], sec_key[s], n->present ? "an empty list" : "no such list");
		return 0;
	}
	for (int i = 0; i < count; i++) {
		int rc = find_field(r, n, sec_fields[s], req[i], 0, pos[i]);
		if (rc)
			return rc;
		if (*pos[i] < 0) {
			snprintf(ss->bad, sizeof ss->bad,
				"expected snapshot.meta.%s to name the field \"%s\", found no such field",
				sec_fields[s], req[i]);
			return 0;
		}
	}
	return sec_alloc(r, s, n->n);
}

static int compile_meta(rd *r)
{
	int rc;
	meta *m = &r->m;
	if (!m->node_fields.present || m->node_fields.n == 0)
		return mt_error_set(r->err, MT_EFORMAT, m->off,
			"expected snapshot.meta.node_fields, found %s", m->node_fields.present ? "an empty list" : "none");
	if (!m->edge_fields.present || m->edge_fields.n == 0)
		return mt_error_set(r->err, MT_EFORMAT, m->off,
			"expected snapshot.meta.edge_fields, found %s", m->edge_fields.present ? "an empty list" : "none");
	const names *nf = &m->node_fields, *ef = &m->edge_fields;
	if ((rc = find_field(r, nf, "node_fields", "type", 1, &r->n_type)) ||
	    (rc = find_field(r, nf, "node_fields", "name", 1, &r->n_name)) ||
	    (rc = find_field(r, nf, "node_fields", "id", 1, &r->n_id)) ||
	    (rc = find_field(r, nf, "node_fields", "self_size", 1, &r->n_self)) ||
	    (rc = find_field(r, nf, "node_fields", "edge_count", 1, &r->n_ecount)) ||
	    (rc = find_field(r, nf, "node_fields", "trace_node_id", 0, &r->n_trace)) ||
	    (rc = find_field(r, nf, "node_fields", "detachedness", 0, &r->n_det)) ||
	    (rc = find_field(r, ef, "edge_fields", "type", 1, &r->e_type)) ||
	    (rc = find_field(r, ef, "edge_fields", "name_or_index", 1, &r->e_name)) ||
	    (rc = find_field(r, ef, "edge_fields", "to_node", 1, &r->e_to)))
		return rc;
	if ((rc = check_kind(r, &m->node_types, "node_types", "name", r->n_name, "string")) ||
	    (rc = check_kind(r, &m->edge_types, "edge_types", "name_or_index", r->e_name, "string_or_number")) ||
	    (rc = check_kind(r, &m->edge_types, "edge_types", "to_node", r->e_to, "node")))
		return rc;
	const names *nt, *et;
	if ((rc = enum_list(r, &m->node_types, "node_types", r->n_type, &nt)) ||
	    (rc = enum_list(r, &m->edge_types, "edge_types", r->e_type, &et)))
		return rc;
	r->node_type_field = (uint32_t)r->n_type;
	r->edge_type_field = (uint32_t)r->e_type;
	r->ntypes = nt->n;
	r->netypes = et->n;
	r->ntmap = malloc(nt->n ? nt->n : 1);
	r->etmap = malloc(et->n ? et->n : 1);
	if (!r->ntmap || !r->etmap)
		return oom(r, m->off);
	for (uint32_t i = 0; i < nt->n; i++) {
		r->ntmap[i] = MT_HN_OTHER;
		for (size_t k = 0; k < sizeof node_type_mt; k++)
			if (!strcmp(nt->v[i], node_type_v8[k]))
				r->ntmap[i] = node_type_mt[k];
	}
	for (uint32_t i = 0; i < et->n; i++) {
		r->etmap[i] = MT_HE_OTHER;
		for (size_t k = 0; k < sizeof edge_type_mt; k++)
			if (!strcmp(et->v[i], edge_type_v8[k]))
				r->etmap[i] = edge_type_mt[k];
	}
	if ((rc = sec_alloc(r, SEC_NODES, nf->n)) || (rc = sec_alloc(r, SEC_EDGES, ef->n)))
		return rc;

	static const char *const loc_req[] = { "object_index", "script_id", "line", "column" };
	int32_t *loc_pos[] = { &r->l_obj, &r->l_sid, &r->l_line, &r->l_col };
	static const char *const tfi_req[] = { "name", "script_name", "script_id", "line", "column" };
	int32_t *tfi_pos[] = { &r->f_name, &r->f_sname, &r->f_sid, &r->f_line, &r->f_col };
	static const char *const tn_req[] = { "id", "function_info_index", "count", "size", "children" };
	int32_t *tn_pos[] = { &r->t_id, &r->t_fi, &r->t_count, &r->t_size, &r->t_children };
	if ((rc = optional_fields(r, SEC_LOCATIONS, &m->loc_fields, loc_req, loc_pos, 4)) ||
	    (rc = optional_fields(r, SEC_TFI, &m->tfi_fields, tfi_req, tfi_pos, 5)) ||
	    (rc = optional_fields(r, SEC_TREE, &m->tn_fields, tn_req, tn_pos, 5)))
		return rc;
	r->layout = 1;
	return 0;
}

/* ---- growing the columns ---- */

static uint32_t first_cap(int has_hint, uint64_t hint)
{
	uint64_t c = has_hint ? hint : 0;
	if (c < 1024)
		c = 1024;
	if (c > HINT_CAP)
		c = HINT_CAP;
	return (uint32_t)c;
}

static uint32_t next_cap(uint32_t cap, uint32_t first, uint32_t max)
{
	uint64_t nc = cap ? (uint64_t)cap * 2 : first;
	return nc > max ? max : (uint32_t)nc;
}

static int grow_nodes(rd *r, uint64_t off)
{
	mt_heap *h = r->h;
	uint32_t nc = next_cap(r->ncap, first_cap(r->has_hdr_nodes, r->hdr_nodes), UINT32_MAX - 2);
	if (resize(&h->node_type, nc, 1) || resize(&h->node_name, nc, 4) || resize(&h->node_id, nc, 4) ||
	    resize(&h->node_self, nc, 8) || resize(&h->node_detached, nc, 1) ||
	    (h->node_trace && resize(&h->node_trace, nc, 4)) || resize(&h->first_edge, (size_t)nc + 1, 4))
		return oom(r, off);
	if (!r->ncap)
		h->first_edge[0] = 0;
	r->ncap = nc;
	return 0;
}

static int grow_edges(rd *r, uint64_t off)
{
	mt_heap *h = r->h;
	if (r->fixed_edges)   /* a piece of columns shared with another thread: never moved */
		return mt_error_set(r->err, MT_EFORMAT, off, "expected at most %u edges here, found more", r->ecap);
	uint32_t nc = next_cap(r->ecap, first_cap(r->has_hdr_edges, r->hdr_edges), UINT32_MAX);
	if (resize(&h->edge_type, nc, 1) || resize(&h->edge_name, nc, 4) || resize(&h->edge_to, nc, 4))
		return oom(r, off);
	r->ecap = nc;
	return 0;
}

/* ---- tuples ---- */

static int check_string_index(rd *r, pend *p, uint64_t v, uint64_t off, const char *what)
{
	if (v > UINT32_MAX)
		return too_big32(r, off, what, v);
	if (r->strings_done) {
		if (v >= r->nstr)
			return mt_error_set(r->err, MT_EFORMAT, off,
				"expected %s to be one of the %u strings, found string index %" PRIu64, what, r->nstr, v);
	} else {
		pend_note(p, v, off);
	}
	return 0;
}

/* a node-array offset (to_node, object_index) to a node index */
static int node_offset(rd *r, pend *p, uint64_t v, uint64_t off, const char *what, uint32_t *out)
{
	uint32_t nf = r->sec[SEC_NODES].nf;
	uint64_t idx;
	switch (nf) {  /* constant divisors become multiplications; V8 writes 5 to 7 node fields */
	case 5: idx = v / 5; break;
	case 6: idx = v / 6; break;
	case 7: idx = v / 7; break;
	default: idx = v / nf; break;
	}
	if (idx * nf != v)
		return mt_error_set(r->err, MT_EFORMAT, off,
			"expected %s to be a multiple of %u (the node field count), found %" PRIu64, what, nf, v);
	if (r->sec[SEC_NODES].done) {
		if (idx >= r->h->nnodes)
			return mt_error_set(r->err, MT_EFORMAT, off,
				"expected %s to point at one of the %u nodes (below %" PRIu64 "), found %" PRIu64, what,
				r->h->nnodes, (uint64_t)r->h->nnodes * nf, v);
	} else {
		if (idx > UINT32_MAX - 3)
			return mt_error_set(r->err, MT_EFORMAT, off,
				"expected %s to point at a node, found %" PRIu64 " (beyond any node count)", what, v);
		pend_note(p, v, off);
	}
	*out = (uint32_t)idx;
	return 0;
}

static int node_tuple(rd *r, const uint64_t *v, const uint64_t *o)
{
	mt_heap *h = r->h;
	uint32_t i = h->nnodes;
	int rc;
	if (i >= UINT32_MAX - 2)
		return mt_error_set(r->err, MT_ELIMIT, o[0], "expected at most %u nodes, found more", UINT32_MAX - 2);
	if (i == r->ncap && (rc = grow_nodes(r, o[0])))
		return rc;
	uint64_t t = v[r->n_type];
	uint8_t ty;
	if (t < r->ntypes) {
		ty = r->ntmap[t];
	} else if (t <= MAX_TYPE_INDEX) {
		ty = MT_HN_OTHER;
		if (!r->odd_types++) {
			r->odd_type_first = t;
			r->odd_type_off = o[r->n_type];
		}
	} else {
		return mt_error_set(r->err, MT_EFORMAT, o[r->n_type],
			"expected a node type index below %u (snapshot.meta.node_types[%u] has %u names), found %" PRIu64,
			r->ntypes, r->node_type_field, r->ntypes, t);
	}
	uint64_t name = v[r->n_name];
	if ((rc = check_string_index(r, &r->p_node_name, name, o[r->n_name], "a node name")))
		return rc;
	uint64_t id = v[r->n_id];
	if (id > UINT32_MAX)
		return too_big32(r, o[r->n_id], "a node id", id);
	uint64_t self = v[r->n_self];
	uint64_t ec = v[r->n_ecount];
	if (ec > UINT32_MAX)
		return too_big32(r, o[r->n_ecount], "an edge_count", ec);
	uint64_t tr = 0, det = 0;
	if (r->n_trace >= 0 && (tr = v[r->n_trace]) > UINT32_MAX)
		return too_big32(r, o[r->n_trace], "a trace_node_id", tr);
	if (r->n_det >= 0 && (det = v[r->n_det]) > 2)
		return mt_error_set(r->err, MT_EFORMAT, o[r->n_det],
			"expected detachedness 0, 1 or 2, found %" PRIu64, det);
	h->node_type[i] = ty;
	h->node_name[i] = (uint32_t)name;
	h->node_id[i] = (uint32_t)id;
	h->node_self[i] = self;
	h->node_detached[i] = (uint8_t)det;
	if (tr && !h->node_trace) {
		/* allocated at the first non-zero trace id (node writes the column all zeros) */
		if (!(h->node_trace = calloc(r->ncap, sizeof *h->node_trace)))
			return oom(r, o[r->n_trace]);
	}
	if (h->node_trace)
		h->node_trace[i] = (uint32_t)tr;
	h->first_edge[i + 1] = (uint32_t)ec;
	h->total_self = h->total_self + self < h->total_self ? UINT64_MAX : h->total_self + self;
	r->ecount_sum += ec;
	h->nnodes = i + 1;
	return 0;
}

static int edge_tuple(rd *r, const uint64_t *v, const uint64_t *o)
{
	mt_heap *h = r->h;
	uint32_t i = h->nedges;
	int rc;
	if (i == UINT32_MAX)
		return mt_error_set(r->err, MT_ELIMIT, o[0], "expected at most %u edges, found more", UINT32_MAX);
	if (i == r->ecap && (rc = grow_edges(r, o[0])))
		return rc;
	uint64_t t = v[r->e_type];
	if (t >= r->netypes)
		return mt_error_set(r->err, MT_EFORMAT, o[r->e_type],
			"expected an edge type index below %u (snapshot.meta.edge_types[%u] has %u names), found %" PRIu64,
			r->netypes, r->edge_type_field, r->netypes, t);
	uint8_t ty = r->etmap[t];
	uint64_t name = v[r->e_name];
	if (ty == MT_HE_ELEMENT || ty == MT_HE_HIDDEN) {
		if (name > UINT32_MAX)
			return too_big32(r, o[r->e_name], "an element index", name);
	} else if ((rc = check_string_index(r, &r->p_edge_name, name, o[r->e_name], "an edge name"))) {
		return rc;
	}
	uint32_t to = 0;
	if ((rc = node_offset(r, &r->p_to, v[r->e_to], o[r->e_to], "to_node", &to)))
		return rc;
	h->edge_type[i] = ty;
	h->edge_name[i] = (uint32_t)name;
	h->edge_to[i] = to;
	h->nedges = i + 1;
	return 0;
}

static int location_tuple(rd *r, const uint64_t *v, const uint64_t *o)
{
	mt_heap *h = r->h;
	int rc, keep = !(r->o && (r->o->heap_flags & MT_READ_HEAP_NO_LOCATIONS));
	if (r->nloc == UINT32_MAX)
		return mt_error_set(r->err, MT_ELIMIT, o[0], "expected at most %u locations, found more", UINT32_MAX);
	if (keep && (rc = mt_grow32(&h->locations, &r->lcap, (uint64_t)h->nlocations + 1, sizeof *h->locations)))
		return oom(r, o[0]);
	uint32_t node = 0;
	if ((rc = node_offset(r, &r->p_loc, v[r->l_obj], o[r->l_obj], "object_index", &node)))
		return rc;
	const int32_t pos[3] = { r->l_sid, r->l_line, r->l_col };
	static const char *const what[3] = { "a script_id", "a line", "a column" };
	for (int k = 0; k < 3; k++)
		if (v[pos[k]] > UINT32_MAX)
			return too_big32(r, o[pos[k]], what[k], v[pos[k]]);
	r->nloc++;
	if (!keep)
		return 0;
	mt_heap_location *l = &h->locations[h->nlocations++];
	l->node = node;
	l->script_id = (uint32_t)v[r->l_sid];
	l->line = (uint32_t)v[r->l_line];
	l->column = (uint32_t)v[r->l_col];
	return 0;
}

static int tfi_tuple(rd *r, const uint64_t *v, const uint64_t *o)
{
	mt_heap *h = r->h;
	int rc;
	if (h->ntrace_fns == UINT32_MAX)
		return mt_error_set(r->err, MT_ELIMIT, o[0], "expected at most %u functions, found more", UINT32_MAX);
	if (mt_grow32(&h->trace_fns, &r->fcap, (uint64_t)h->ntrace_fns + 1, sizeof *h->trace_fns))
		return oom(r, o[0]);
	if ((rc = check_string_index(r, &r->p_fn_name, v[r->f_name], o[r->f_name], "a function name")) ||
	    (rc = check_string_index(r, &r->p_fn_name, v[r->f_sname], o[r->f_sname], "a script name")))
		return rc;
	const int32_t pos[3] = { r->f_sid, r->f_line, r->f_col };
	static const char *const what[3] = { "a script_id", "a line", "a column" };
	for (int k = 0; k < 3; k++)
		if (v[pos[k]] > UINT32_MAX)
			return too_big32(r, o[pos[k]], what[k], v[pos[k]]);
	mt_heap_trace_fn *f = &h->trace_fns[h->ntrace_fns++];
	f->name = (uint32_t)v[r->f_name];
	f->script_name = (uint32_t)v[r->f_sname];
	f->script_id = (uint32_t)v[r->f_sid];
	f->line = (uint32_t)v[r->f_line];
	f->column = (uint32_t)v[r->f_col];
	return 0;
}

typedef int (*tuple_fn)(rd *r, const uint64_t *v, const uint64_t *o);
static const tuple_fn tuple_fns[SEC__COUNT] = { node_tuple, edge_tuple, location_tuple, tfi_tuple, NULL };

/* values of a flat section, in order */
static int feed(rd *r, int s, const uint64_t *v, const uint64_t *o, size_t n)
{
	sec_state *ss = &r->sec[s];
	tuple_fn fn = tuple_fns[s];
	uint32_t nf = ss->nf, pos = ss->pos;
	if (!n)
		return 0;
	if (ss->bad[0])
		return mt_error_set(r->err, MT_EFORMAT, o[0], "%s", ss->bad);
	if (!nf)   /* a described section always has fields; never loop on none */
		return mt_error_set(r->err, MT_EFORMAT, o[0], "expected snapshot.meta.%s to list fields", sec_fields[s]);
	size_t i = 0;
	int rc;
	/* complete a tuple begun in the previous batch */
	while (pos && i < n) {
		ss->tv[pos] = v[i];
		ss->to[pos] = o[i];
		i++;
		if (++pos == nf) {
			pos = 0;
			if ((rc = fn(r, ss->tv, ss->to)))
				return rc;
		}
	}
	/* whole tuples straight from the batch */
	for (; i + nf <= n; i += nf)
		if ((rc = fn(r, v + i, o + i)))
			return rc;
	for (; i < n; i++) {
		ss->tv[pos] = v[i];
		ss->to[pos] = o[i];
		pos++;
	}
	ss->pos = pos;
	ss->nvals += n;
	return 0;
}

/* ---- the trace tree: [id, function_info_index, count, size, [children...], ...] ---- */

enum { EV_NUM, EV_BEGIN, EV_END };

static int tree_push(rd *r, uint32_t parent, uint64_t off)
{
	if (r->ntf == r->tfcap && mt_grow32(&r->tf, &r->tfcap, (uint64_t)r->ntf + 1, sizeof *r->tf))
		return oom(r, off);
	tframe *f = &r->tf[r->ntf++];
	f->parent = parent;
	f->node = UINT32_MAX;
	f->pos = 0;
	return 0;
}

/* returns 1 when the outer array closed */
static int tree_event(rd *r, int ev, uint64_t v, uint64_t off)
{
	sec_state *ss = &r->sec[SEC_TREE];
	mt_heap *h = r->h;
	if (r->ntf == 0) /* the trace_tree array itself */
		return tree_push(r, UINT32_MAX, off);
	tframe *f = &r->tf[r->ntf - 1];
	if (ev == EV_END) {
		if (f->pos != 0)
			return mt_error_set(r->err, MT_EFORMAT, off,
				"expected %u more values to complete a trace node (snapshot.meta.trace_node_fields), found ']'",
				ss->nf - f->pos);
		r->ntf--;
		return r->ntf == 0 ? 1 : 0;
	}
	if (ss->bad[0])
		return mt_error_set(r->err, MT_EFORMAT, off, "%s", ss->bad);
	if (f->pos == 0) {
		if (h->ntrace_nodes >= UINT32_MAX - 1)
			return mt_error_set(r->err, MT_ELIMIT, off, "expected at most %u trace nodes, found more",
				UINT32_MAX - 1);
		if (mt_grow32(&h->trace_nodes, &r->tcap, (uint64_t)h->ntrace_nodes + 1, sizeof *h->trace_nodes))
			return oom(r, off);
		mt_heap_trace_node *tn = &h->trace_nodes[h->ntrace_nodes];
		memset(tn, 0, sizeof *tn);
		tn->parent = f->parent;
		f->node = h->ntrace_nodes++;
	}
	uint32_t p = f->pos;
	f->pos = p + 1 == ss->nf ? 0 : p + 1;
	if (ev == EV_BEGIN) {
		if ((int32_t)p != r->t_children)
			return mt_error_set(r->err, MT_EFORMAT, off,
				"expected a number for trace node field \"%s\", found an array", r->m.tn_fields.v[p]);
		return tree_push(r, f->node, off);
	}
	if ((int32_t)p == r->t_children)
		return mt_error_set(r->err, MT_EFORMAT, off,
			"expected the children array of a trace node, found a number");
	if (v > UINT32_MAX)
		return too_big32(r, off, "a trace node value", v);
	mt_heap_trace_node *tn = &h->trace_nodes[f->node];
	if ((int32_t)p == r->t_id) {
		tn->id = (uint32_t)v;
	} else if ((int32_t)p == r->t_fi) {
		tn->fn = (uint32_t)v;
		if (r->sec[SEC_TFI].done) {
			if (v >= h->ntrace_fns)
				return mt_error_set(r->err, MT_EFORMAT, off,
					"expected a function_info_index below %u (the trace_function_infos), found %" PRIu64,
					h->ntrace_fns, v);
		} else {
			pend_note(&r->p_fi, v, off);
		}
	} else if ((int32_t)p == r->t_count) {
		tn->count = (uint32_t)v;
	} else if ((int32_t)p == r->t_size) {
		tn->size = (uint32_t)v;
	}
	return 0;
}

/* ---- sections ---- */

static int check_pending(rd *r)
{
	mt_heap *h = r->h;
	uint32_t nf = r->sec[SEC_NODES].nf;
	if (r->sec[SEC_NODES].done) {
		if ((r->p_to.any && r->p_to.max / nf >= h->nnodes) || (r->p_loc.any && r->p_loc.max / nf >= h->nnodes))
			r->err->doing = "resolving node references";
		if (r->p_to.any && r->p_to.max / nf >= h->nnodes)
			return mt_error_set(r->err, MT_EFORMAT, r->p_to.off,
				"expected to_node to point at one of the %u nodes (below %" PRIu64 "), found %" PRIu64,
				h->nnodes, (uint64_t)h->nnodes * nf, r->p_to.max);
		if (r->p_loc.any && r->p_loc.max / nf >= h->nnodes)
			return mt_error_set(r->err, MT_EFORMAT, r->p_loc.off,
				"expected object_index to point at one of the %u nodes (below %" PRIu64 "), found %" PRIu64,
				h->nnodes, (uint64_t)h->nnodes * nf, r->p_loc.max);
		r->p_to.any = r->p_loc.any = 0;
	}
	if (r->strings_done) {
		const pend *ps[3] = { &r->p_node_name, &r->p_edge_name, &r->p_fn_name };
		static const char *const what[3] = { "a node name", "an edge name", "a function or script name" };
		for (int k = 0; k < 3; k++)
			if (ps[k]->any && ps[k]->max >= r->nstr)
				return r->err->doing = "resolving string indices", mt_error_set(r->err, MT_EFORMAT, ps[k]->off,
					"expected %s to be one of the %u strings, found string index %" PRIu64, what[k],
					r->nstr, ps[k]->max);
		r->p_node_name.any = r->p_edge_name.any = r->p_fn_name.any = 0;
	}
	if (r->sec[SEC_TFI].done && r->p_fi.any) {
		if (r->p_fi.max >= h->ntrace_fns)
			return r->err->doing = "resolving trace functions", mt_error_set(r->err, MT_EFORMAT, r->p_fi.off,
				"expected a function_info_index below %u (the trace_function_infos), found %" PRIu64,
				h->ntrace_fns, r->p_fi.max);
		r->p_fi.any = 0;
	}
	return 0;
}

static int sec_finish(rd *r, int s)
{
	sec_state *ss = &r->sec[s];
	if (s != SEC_TREE && ss->pos != 0)
		return mt_error_set(r->err, MT_EFORMAT, ss->close_off,
			"expected %s to hold a multiple of %u values (snapshot.meta.%s), found %" PRIu64 " values",
			sec_key[s], ss->nf, sec_fields[s], ss->nvals);
	ss->done = 1;
	free(ss->dv);
	ss->dv = NULL;
	ss->dn = ss->dcap = 0;
	return check_pending(r);
}

static int defer_value(rd *r, sec_state *ss, uint64_t v, uint64_t off)
{
	if (ss->dn == ss->dcap && mt_grow(&ss->dv, &ss->dcap, ss->dn + 1, sizeof *ss->dv))
		return oom(r, off);
	ss->dv[ss->dn++] = v;
	return 0;
}

/* ---- "edges" on a second thread ---- */

size_t mt_heap__parallel_min = (size_t)32 << 20;
size_t mt_heap__split_min = (size_t)1 << 20;
_Thread_local unsigned mt_heap__parallel_seen;
int mt_heap__thread_steals = 1;

#define SCAN_CHUNK ((size_t)1 << 20)
#define KEY_WINDOW 64
#define SPLIT_WINDOW 4096

/* whether the edges array is split, and who reads its second piece */
enum { SPLIT_UNDECIDED, SPLIT_NONE, SPLIT_OPEN, SPLIT_MAIN, SPLIT_THREAD };

/* one reader of (a piece of) the edges array: a copy of the main reader */
typedef struct piece {
	rd r;                   /* r.h = &h, r.err = &err; the meta is shared, read only */
	mt_heap h;              /* edge columns only */
	mt_error err;
	int closed;             /* the array's ']' was read, at close_off */
	uint64_t close_off;
} piece;

typedef struct edge_job {
	pthread_t tid;
	int running;            /* started and not yet joined */
	atomic_int stop;        /* the result is no longer wanted */
	atomic_int split;       /* SPLIT_*: who reads the piece from split_off on */
	int fd;                 /* the file, read with pread(); -1 with data */
	const uint8_t *data;
	uint64_t size, nodes_off;
	uint64_t arr_off;       /* the '[' of "edges" */
	uint64_t split_off;     /* where the second piece starts (0: no split) */
	uint32_t n1, ne;        /* edges before the split; edges in all */
	uint8_t *col_type;      /* the shared columns of a split array, ne edges */
	uint32_t *col_name, *col_to;
	uint64_t close_off;     /* the ']' the plan found */
	int ok;                 /* the thread's reads had no error */
	piece p1, p2;           /* the thread's part; the main thread's piece */
	pthread_mutex_t mu;     /* edges_done, under mu, signalled on cv */
	pthread_cond_t cv;
	int edges_done;         /* the thread is done with the edges (then reads the strings) */
	int edges_taken;        /* the main thread took or dropped them */
	/* "strings", read after the edges into a table of its own */
	int str_ok;
	uint64_t str_off, str_close;
	mt_strtab *strtab;
	uint32_t *smap, nstr, smap_cap;
} edge_job;

/* up to @cap bytes at @off: straight from memory, or read into @buf; their count in *@n */
static const uint8_t *job_bytes(const edge_job *jb, uint8_t *buf, size_t cap, uint64_t off, size_t *n)
{
	*n = 0;
	if (jb->data) {
		if (off < jb->size)
			*n = (size_t)(jb->size - off < cap ? jb->size - off : cap);
		return jb->data + off;
	}
	for (;;) {
		ssize_t k = pread(jb->fd, buf, cap, (off_t)off);
		if (k >= 0)
			*n = (size_t)k;
		if (k >= 0 || errno != EINTR)
			return buf;
	}
}

/* the same, always copied into @buf */
static size_t job_pread(const edge_job *jb, uint8_t *buf, size_t cap, uint64_t off)
{
	size_t n;
	const uint8_t *b = job_bytes(jb, buf, cap, off, &n);
	if (b != buf)
		memcpy(buf, b, n);
	return n;
}

static int is_ws(uint8_t c)
{
	return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

/* the ',' in @p[0..@n) before the first ']'; returns the index of that ']' (@n: none) */
static size_t count_commas(const uint8_t *p, size_t n, uint64_t *commas)
{
	size_t i = 0;
	uint64_t c = 0;
#if defined(__SSE2__)
	const __m128i comma = _mm_set1_epi8(','), close = _mm_set1_epi8(']');
	while (i + 16 <= n) {
		/* per-byte counters, summed before they can wrap */
		__m128i acc = _mm_setzero_si128();
		size_t stop = n - i > 16 * 255 ? i + 16 * 255 : n;
		for (; i + 16 <= stop; i += 16) {
			__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
			if (_mm_movemask_epi8(_mm_cmpeq_epi8(x, close)))
				break;
			acc = _mm_sub_epi8(acc, _mm_cmpeq_epi8(x, comma));
		}
		__m128i sum = _mm_sad_epu8(acc, _mm_setzero_si128());
		c += (uint64_t)_mm_cvtsi128_si32(sum) + (uint64_t)_mm_cvtsi128_si32(_mm_srli_si128(sum, 8));
		if (i + 16 <= stop)
			break;
	}
#endif
	for (; i < n && p[i] != ']'; i++)
		c += p[i] == ',';
	*commas += c;
	return i;
}

/* the first @c at or after @from (UINT64_MAX: none, or stopped) */
static uint64_t job_find_byte(edge_job *jb, uint8_t c, uint64_t from)
{
	uint8_t *buf = jb->data ? NULL : malloc(SCAN_CHUNK);
	uint64_t q = UINT64_MAX;
	if (!jb->data && !buf)
		return q;
	for (uint64_t off = from; q == UINT64_MAX && !atomic_load(&jb->stop);) {
		size_t n;
		const uint8_t *b = job_bytes(jb, buf, SCAN_CHUNK, off, &n);
		if (n == 0)
			break;
		const uint8_t *p = memchr(b, c, n);
		if (p)
			q = off + (uint64_t)(p - b);
		off += n;
	}
	free(buf);
	return q;
}

/* the '[' of "edges" when that is the first key after the nodes (0 = found) */
static int job_find(edge_job *jb)
{
	uint64_t q = job_find_byte(jb, '"', jb->nodes_off + 1);
	if (q == UINT64_MAX)
		return -1;
	uint8_t w[KEY_WINDOW];
	size_t n = job_pread(jb, w, sizeof w, q), i = 7;
	if (n < i || memcmp(w, "\"edges\"", i))
		return -1;
	while (i < n && is_ws(w[i]))
		i++;
	if (i == n || w[i++] != ':')
		return -1;
	while (i < n && is_ws(w[i]))
		i++;
	if (i == n || w[i] != '[')
		return -1;
	jb->arr_off = q + i;
	return 0;
}

/* the columns of a split array, shared by the two pieces */
static void job_share(edge_job *jb, piece *p, uint32_t first, uint32_t end)
{
	p->h.edge_type = jb->col_type;
	p->h.edge_name = jb->col_name;
	p->h.edge_to = jb->col_to;
	p->h.nedges = first;
	p->r.ecap = end;
	p->r.fixed_edges = 1;
}

/*
 * Splits the array where both threads get about the same number of bytes
 * (the main thread reads the nodes first): the ',' in the array and its
 * ']' are counted, so the split falls exactly between two edges and the
 * columns are allocated once for all. The pieces check the counts as they
 * read: a piece that finds more or fewer values than counted is an error,
 * and the array is then read on one thread. Nothing split: SPLIT_NONE.
 */
static void job_plan(edge_job *jb)
{
	uint8_t *buf = jb->data ? NULL : malloc(SCAN_CHUNK);
	uint64_t *per = NULL, commas = 0, close = UINT64_MAX, a = jb->arr_off, from = a + 1;
	size_t nchunk = 0, cap = 0;
	if (!jb->data && !buf)
		return;
	/* the commas of each chunk, up to the ']' */
	for (uint64_t off = from; close == UINT64_MAX && !atomic_load(&jb->stop);) {
		size_t n;
		const uint8_t *b = job_bytes(jb, buf, SCAN_CHUNK, off, &n);
		if (n == 0 || mt_grow(&per, &cap, nchunk + 1, sizeof *per))
			break;
		uint64_t c = 0;
		size_t k = count_commas(b, n, &c);
		per[nchunk++] = c;
		commas += c;
		if (k < n)
			close = off + k;
		off += n;
	}
	jb->close_off = close;
	uint64_t span = close - jb->nodes_off, ne = (commas + 1) / 3;
	/* the thread: split - a (and the scans); the main thread: the nodes, then close - split */
	uint64_t m = close == UINT64_MAX ? 0 : (2 * a - jb->nodes_off + close) / 2;
	m = m > a + span / 16 ? m - span / 16 : a;
	if (close == UINT64_MAX || (commas + 1) % 3 || ne > UINT32_MAX || m <= from + mt_heap__split_min ||
	    m + mt_heap__split_min >= close)
		goto out;
	/* commas before m: whole chunks, then the rest of m's chunk */
	uint64_t before = 0, k = (m - from) / SCAN_CHUNK, cstart = from + k * SCAN_CHUNK;
	for (uint64_t i = 0; i < k; i++)
		before += per[i];
	size_t n;
	const uint8_t *b = job_bytes(jb, buf, (size_t)(m - cstart), cstart, &n);
	if (n != m - cstart || count_commas(b, n, &before) != n)
		goto out;
	/* the next ',' that ends a whole number of edges */
	b = job_bytes(jb, buf, SPLIT_WINDOW, m, &n);
	size_t i = 0;
	for (; i < n && b[i] != ']'; i++)
		if (b[i] == ',' && ++before % 3 == 0)
			break;
	if (i >= n || b[i] != ',')
		goto out;
	jb->col_type = malloc(ne ? ne : 1);
	jb->col_name = malloc((ne ? ne : 1) * sizeof *jb->col_name);
	jb->col_to = malloc((ne ? ne : 1) * sizeof *jb->col_to);
	if (!jb->col_type || !jb->col_name || !jb->col_to) {
		free(jb->col_type);
		free(jb->col_name);
		free(jb->col_to);
		jb->col_type = NULL;
		jb->col_name = jb->col_to = NULL;
		goto out;
	}
	jb->split_off = m + i + 1;
	jb->n1 = (uint32_t)(before / 3);
	jb->ne = (uint32_t)ne;
	job_share(jb, &jb->p1, 0, jb->n1);
	job_share(jb, &jb->p2, jb->n1, jb->ne);
	atomic_store(&jb->split, SPLIT_OPEN);
out:
	free(per);
	free(buf);
	/* decided: the main thread may be waiting at the edges for this */
	pthread_mutex_lock(&jb->mu);
	if (atomic_load(&jb->split) == SPLIT_UNDECIDED)
		atomic_store(&jb->split, SPLIT_NONE);
	pthread_cond_broadcast(&jb->cv);
	pthread_mutex_unlock(&jb->mu);
}

/*
 * Reads edges from @from to @to (exclusive; UINT64_MAX = the input's end)
 * into @p: from the array's '[' when @first, else from the start of an
 * element. 0 when the piece was read to its end (@to) or to the ']'.
 */
static int job_read(edge_job *jb, piece *p, uint64_t from, uint64_t to, int first)
{
	mt_stream *s = NULL;
	mt_vj j;
	mt_vj_tok t;
	uint64_t vals[BATCH], offs[BATCH];
	uint64_t end = to == UINT64_MAX ? jb->size : to;
	int rc;
	if (jb->data) {
		rc = mt_vj_init_memory(&j, jb->data + from, (size_t)(end - from), &p->err);
		j.base = from;
	} else if (!(rc = mt_stream__open_at(&s, jb->fd, from, end, &p->err))) {
		rc = mt_vj_init_stream(&j, s, &p->err);
	}
	if (rc) {
		mt_stream_close(s);
		return rc;
	}
	j.open_end = to != UINT64_MAX;
	p->r.j = &j;
	if (first) {
		if (!(rc = mt_vj_next(&j, &t)) && t.kind != MT_VJ_ARR_BEGIN)
			rc = -1;
	} else {
		rc = mt_vj__enter_array(&j);
	}
	while (!rc && !p->closed && !j.ended) {
		size_t n;
		if (atomic_load(&jb->stop))
			rc = -1;
		else if (!(rc = mt_vj_uints(&j, vals, offs, BATCH, &n, &p->closed)))
			rc = feed(&p->r, SEC_EDGES, vals, offs, n);
	}
	if (!rc && p->closed)
		p->close_off = j.close_off;
	p->r.j = NULL;
	mt_vj_free(&j);
	mt_stream_close(s);
	return rc;
}

/* the edges: the thread's part (and the rest when the main thread has not come for it); 0 = read */
static int job_edges(edge_job *jb)
{
	job_plan(jb);
	int split = jb->split_off != 0;   /* planned; the main thread may have claimed the second piece already */
	if (job_read(jb, &jb->p1, jb->arr_off, split ? jb->split_off : UINT64_MAX, 1))
		return -1;
	int expect = SPLIT_OPEN;
	if (split && mt_heap__thread_steals && atomic_compare_exchange_strong(&jb->split, &expect, SPLIT_THREAD)) {
		jb->p1.r.ecap = jb->ne;
		if (job_read(jb, &jb->p1, jb->split_off, UINT64_MAX, 0))
			return -1;
	}
	if (!split)
		jb->close_off = jb->p1.close_off;
	return 0;
}

/*
 * The '[' of "strings" among the keys after the edges' ']' at @from: the
 * sections between hold numbers only, so each next '"' opens a key. Any
 * other shape: not found (-1), and the main thread reads them as usual.
 */
static int job_find_strings(edge_job *jb, uint64_t from)
{
	uint8_t w[KEY_WINDOW];
	for (int keys = 0; keys < 16; keys++) {
		uint64_t q = job_find_byte(jb, '"', from);
		if (q == UINT64_MAX)
			return -1;
		size_t n = job_pread(jb, w, sizeof w, q), i = 1;
		while (i < n && w[i] != '"' && w[i] != '\\')
			i++;
		if (i >= n || w[i] != '"')
			return -1;
		int is_strings = i == 8 && !memcmp(w + 1, "strings", 7);
		i++;
		while (i < n && is_ws(w[i]))
			i++;
		if (i >= n || w[i++] != ':')
			return -1;
		while (i < n && is_ws(w[i]))
			i++;
		if (i >= n || w[i] != '[')
			return -1;
		if (is_strings) {
			jb->str_off = q + i;
			return 0;
		}
		from = q + i + 1;
	}
	return -1;
}

/* "strings" into a table of the thread's own, for the main thread to take at that key */
static void job_strings(edge_job *jb)
{
	mt_stream *s = NULL;
	mt_vj j;
	mt_vj_tok t;
	mt_error err = MT_ERROR_INIT;
	if (jb->close_off == UINT64_MAX || job_find_strings(jb, jb->close_off + 1))
		return;
	int rc;
	if (jb->data) {
		rc = mt_vj_init_memory(&j, jb->data + jb->str_off, (size_t)(jb->size - jb->str_off), &err);
		j.base = jb->str_off;
	} else if (!(rc = mt_stream__open_at(&s, jb->fd, jb->str_off, jb->size, &err))) {
		rc = mt_vj_init_stream(&j, s, &err);
	}
	if (rc) {
		mt_stream_close(s);
		return;
	}
	if (!(jb->strtab = mt_strtab_new()) || mt_vj_next(&j, &t) || t.kind != MT_VJ_ARR_BEGIN)
		rc = -1;
	while (!rc) {
		if ((jb->nstr & 1023) == 0 && atomic_load(&jb->stop))
			rc = -1;
		else if (!(rc = mt_vj_next(&j, &t)) && t.kind == MT_VJ_ARR_END)
			break;
		else if (!rc && (t.kind != MT_VJ_STRING || jb->nstr == UINT32_MAX ||
				 (jb->nstr == jb->smap_cap &&
				  mt_grow32(&jb->smap, &jb->smap_cap, (uint64_t)jb->nstr + 1, sizeof *jb->smap))))
			rc = -1;
		else if (!rc && !(rc = mt_strtab_intern(jb->strtab, t.str, t.len, &jb->smap[jb->nstr])))
			jb->nstr++;
	}
	if (!rc) {
		jb->str_close = t.off;
		jb->str_ok = 1;
	}
	mt_vj_free(&j);
	mt_stream_close(s);
}

static void *job_run(void *arg)
{
	edge_job *jb = arg;
	int ok = !job_find(jb) && !job_edges(jb);
	pthread_mutex_lock(&jb->mu);
	jb->ok = ok;
	jb->edges_done = 1;
	pthread_cond_broadcast(&jb->cv);
	pthread_mutex_unlock(&jb->mu);
	if (ok && !atomic_load(&jb->stop))
		job_strings(jb);
	return NULL;
}

static void piece_free(piece *p)
{
	free(p->r.sec[SEC_EDGES].tv);
	free(p->r.sec[SEC_EDGES].to);
	if (!p->r.fixed_edges) {
		free(p->h.edge_type);
		free(p->h.edge_name);
		free(p->h.edge_to);
	}
}

static void job_free(edge_job *jb)
{
	if (!jb)
		return;
	if (jb->running) {
		atomic_store(&jb->stop, 1);
		pthread_join(jb->tid, NULL);
	}
	piece_free(&jb->p1);
	piece_free(&jb->p2);
	pthread_mutex_destroy(&jb->mu);
	pthread_cond_destroy(&jb->cv);
	mt_strtab_free(jb->strtab);
	free(jb->smap);
	free(jb->col_type);
	free(jb->col_name);
	free(jb->col_to);
	free(jb);
}

static int piece_init(piece *p, const rd *r)
{
	/* the copy shares the meta (read only there); nothing else it points at is touched */
	p->r = *r;
	p->r.job = NULL;
	p->r.j = NULL;
	p->r.h = &p->h;
	p->r.err = &p->err;
	p->r.ecap = 0;
	p->err = (mt_error)MT_ERROR_INIT;
	sec_state *ss = &p->r.sec[SEC_EDGES];
	ss->tv = ss->to = NULL;
	return sec_alloc(&p->r, SEC_EDGES, ss->nf);
}

/* at the nodes' '[' (@t): starts reading "edges" on another thread when that can pay */
static void job_start(rd *r, const mt_vj_tok *t)
{
	mt_vj *j = r->j;
	int fd = -1;
	const uint8_t *data = NULL;
	uint64_t size = 0;
	if (j->s) {
		if ((fd = mt_stream__plain_fd(j->s, &size)) < 0)
			return;
	} else if (j->src) {
		data = j->src;
		size = j->src_len;
	} else if (j->base == 0) {
		data = j->buf;
		size = j->len;
	} else {
		return;
	}
	if (size < mt_heap__parallel_min || t->off + 1 >= size)
		return;
	edge_job *jb = calloc(1, sizeof *jb);
	if (!jb)
		return;
	jb->fd = fd;
	jb->data = data;
	jb->size = size;
	jb->nodes_off = t->off;
	pthread_mutex_init(&jb->mu, NULL);
	pthread_cond_init(&jb->cv, NULL);
	if (piece_init(&jb->p1, r) || piece_init(&jb->p2, r) || pthread_create(&jb->tid, NULL, job_run, jb)) {
		job_free(jb);
		return;
	}
	jb->running = 1;
	r->job = jb;
	mt_heap__parallel_seen |= MT_HEAP_PAR_STARTED;
}

/* the larger of two pending indices, the earlier one on a tie (as one reader would note them) */
static void pend_merge(pend *into, const pend *later)
{
	if (later->any)
		pend_note(into, later->max, later->off);
}

/*
 * At "edges" (its '[' just read, @t): when the array was split and the
 * thread has not begun the second piece, it is read here; then the
 * thread's columns (with this piece) are taken when they cover this same
 * array without error and every to_node is one of the nodes. Else nothing
 * is taken (*@taken 0) and the array is read here as usual.
 */
static int job_take(rd *r, const mt_vj_tok *t, int *taken)
{
	edge_job *jb = r->job;
	mt_heap *h = r->h;
	*taken = 0;
	int expect = SPLIT_OPEN, mine = 0;
	pthread_mutex_lock(&jb->mu);   /* the split is decided soon after the thread starts */
	while (atomic_load(&jb->split) == SPLIT_UNDECIDED && !jb->edges_done)
		pthread_cond_wait(&jb->cv, &jb->mu);
	pthread_mutex_unlock(&jb->mu);
	if (atomic_compare_exchange_strong(&jb->split, &expect, SPLIT_MAIN))
		mine = !job_read(jb, &jb->p2, jb->split_off, UINT64_MAX, 0);
	pthread_mutex_lock(&jb->mu);
	while (!jb->edges_done)
		pthread_cond_wait(&jb->cv, &jb->mu);
	pthread_mutex_unlock(&jb->mu);
	jb->edges_taken = 1;
	piece *p1 = &jb->p1, *p2 = &jb->p2, *last = expect == SPLIT_OPEN ? p2 : p1;
	const sec_state *s1 = &p1->r.sec[SEC_EDGES], *s2 = &p2->r.sec[SEC_EDGES];
	uint32_t nf = r->sec[SEC_NODES].nf;
	int ok = jb->ok && jb->arr_off == t->off && r->sec[SEC_NODES].done && !r->sec[SEC_EDGES].seen &&
		s1->pos == 0 && last->closed && (expect != SPLIT_OPEN || (mine && s2->pos == 0));
	if (ok && jb->split_off)   /* both pieces hold exactly the edges counted */
		ok = expect == SPLIT_OPEN ? p1->h.nedges == jb->n1 && p2->h.nedges == jb->ne : p1->h.nedges == jb->ne;
	pend p_to = p1->r.p_to, p_name = p1->r.p_edge_name;
	if (mine) {
		pend_merge(&p_to, &p2->r.p_to);
		pend_merge(&p_name, &p2->r.p_edge_name);
	}
	if (ok && p_to.any && p_to.max / nf >= h->nnodes)
		ok = 0;
	int rc = ok ? mt_vj__skip_array(r->j, last->close_off) : 0;
	if (!ok || rc) {
		r->job = NULL;
		job_free(jb);
		return rc;
	}
	h->nedges = last->h.nedges;
	if (jb->split_off) {
		h->edge_type = jb->col_type;
		h->edge_name = jb->col_name;
		h->edge_to = jb->col_to;
		jb->col_type = NULL;
		jb->col_name = jb->col_to = NULL;
		r->ecap = jb->ne;
	} else {
		h->edge_type = p1->h.edge_type;
		h->edge_name = p1->h.edge_name;
		h->edge_to = p1->h.edge_to;
		p1->h.edge_type = NULL;
		p1->h.edge_name = p1->h.edge_to = NULL;
		r->ecap = p1->r.ecap;
	}
	r->p_edge_name = p_name;
	sec_state *ss = &r->sec[SEC_EDGES];
	ss->seen = 1;
	ss->start_off = t->off;
	ss->nvals = s1->nvals + (mine ? s2->nvals : 0);
	ss->pos = 0;
	ss->close_off = last->close_off;
	*taken = 1;
	mt_heap__parallel_seen |= MT_HEAP_PAR_EDGES | (mine ? MT_HEAP_PAR_SPLIT : 0) |
		(expect == SPLIT_THREAD ? MT_HEAP_PAR_STOLEN : 0);
	return sec_finish(r, SEC_EDGES);
}

/*
 * At "strings" (its '[' just read, @t): the thread's table when it read
 * this same array without error and nothing has been interned here yet;
 * else nothing (*@taken 0) and the strings are read here. The job ends.
 */
static int job_take_strings(rd *r, const mt_vj_tok *t, int *taken)
{
	edge_job *jb = r->job;
	mt_heap *h = r->h;
	r->job = NULL;
	*taken = 0;
	pthread_join(jb->tid, NULL);
	jb->running = 0;
	int rc = 0;
	if (jb->edges_taken && jb->str_ok && jb->str_off == t->off && mt_strtab_count(h->strings) == 1) {
		if (!(rc = mt_vj__skip_array(r->j, jb->str_close))) {
			mt_strtab_free(h->strings);
			h->strings = jb->strtab;
			free(r->smap);
			r->smap = jb->smap;
			r->nstr = jb->nstr;
			r->smap_cap = jb->smap_cap;
			jb->strtab = NULL;
			jb->smap = NULL;
			*taken = 1;
			mt_heap__parallel_seen |= MT_HEAP_PAR_STRINGS;
		}
	}
	job_free(jb);
	return rc;
}

/* a section's array, the '[' already read (token @t) */
static int read_section(rd *r, int s, const mt_vj_tok *t)
{
	sec_state *ss = &r->sec[s];
	uint64_t vals[BATCH], offs[BATCH];
	int rc;
	if (s == SEC_NODES && r->layout && !r->sec[SEC_EDGES].seen && !r->job)
		job_start(r, t);
	ss->seen = 1;
	ss->start_off = t->off;
	if (s == SEC_TREE) {
		mt_vj_tok e;
		if (r->layout && (rc = tree_event(r, EV_BEGIN, 0, t->off)) < 0)
			return rc;
		uint32_t depth = 1;
		while (depth) {
			if ((rc = next(r, &e)))
				return rc;
			int ev;
			uint64_t v = 0;
			if (e.kind == MT_VJ_ARR_BEGIN) {
				ev = EV_BEGIN;
				depth++;
			} else if (e.kind == MT_VJ_ARR_END) {
				ev = EV_END;
				depth--;
			} else if (e.kind == MT_VJ_NUMBER && e.num == MT_VJ_UINT) {
				ev = EV_NUM;
				v = e.u;
			} else {
				return mt_error_set(r->err, e.kind == MT_VJ_EOF ? MT_ETRUNC : MT_EFORMAT, e.off,
					"expected a non-negative integer or an array, found %s", mt_vj_describe(&e));
			}
			if (r->layout) {
				if ((rc = tree_event(r, ev, v, e.off)) < 0)
					return rc;
			} else {
				if (ev == EV_NUM && v > UINT32_MAX)
					return too_big32(r, e.off, "a trace node value", v);
				if ((rc = defer_value(r, ss, ev == EV_NUM ? v : ev == EV_BEGIN ? TAG_BEGIN : TAG_END, e.off)))
					return rc;
			}
		}
		return r->layout ? sec_finish(r, s) : 0;
	}
	for (;;) {
		size_t n;
		int closed;
		if ((rc = mt_vj_uints(r->j, vals, offs, BATCH, &n, &closed)))
			return rc;
		if (r->layout) {
			if ((rc = feed(r, s, vals, offs, n)))
				return rc;
		} else if (n) {
			if (ss->dcap - ss->dn < n && mt_grow(&ss->dv, &ss->dcap, ss->dn + n, sizeof *ss->dv))
				return oom(r, offs[0]);
			memcpy(ss->dv + ss->dn, vals, n * sizeof *vals);
			ss->dn += n;
		}
		if (closed)
			break;
	}
	ss->close_off = r->j->close_off;
	return r->layout ? sec_finish(r, s) : 0;
}

/* sections that came before the meta, in the order the analysis needs them */
static int replay(rd *r)
{
	uint64_t offs[BATCH];
	int rc;
	for (int s = 0; s < SEC__COUNT; s++) {
		sec_state *ss = &r->sec[s];
		if (!ss->seen || ss->done)
			continue;
		r->err->doing = sec_doing[s];
		if (s == SEC_TREE) {
			if ((rc = tree_event(r, EV_BEGIN, 0, ss->start_off)) < 0)
				return rc;
			for (size_t i = 0; i < ss->dn; i++) {
				uint64_t v = ss->dv[i];
				int ev = v == TAG_BEGIN ? EV_BEGIN : v == TAG_END ? EV_END : EV_NUM;
				if ((rc = tree_event(r, ev, v, ss->start_off)) < 0)
					return rc;
			}
		} else {
			for (size_t k = 0; k < BATCH; k++)
				offs[k] = ss->start_off;
			for (size_t i = 0; i < ss->dn; i += BATCH) {
				size_t n = ss->dn - i < BATCH ? ss->dn - i : BATCH;
				if ((rc = feed(r, s, ss->dv + i, offs, n)))
					return rc;
			}
		}
		if ((rc = sec_finish(r, s)))
			return rc;
	}
	return 0;
}

static int read_snapshot(rd *r, uint64_t key_off)
{
	mt_vj_tok t;
	int rc = next(r, &t);
	if (rc)
		return rc;
	if (r->snapshot_seen)
		return mt_error_set(r->err, MT_EFORMAT, key_off, "expected one \"snapshot\", found a second");
	r->snapshot_seen = 1;
	if (t.kind != MT_VJ_OBJ_BEGIN)
		return mt_error_set(r->err, t.kind == MT_VJ_EOF ? MT_ETRUNC : MT_EFORMAT, t.off,
			"expected \"snapshot\" to be an object, found %s", mt_vj_describe(&t));
	for (;;) {
		r->err->doing = "reading the snapshot header";
		if ((rc = next(r, &t)))
			return rc;
		if (t.kind == MT_VJ_OBJ_END)
			break;
		if (!strcmp(t.str, "meta")) {
			r->err->doing = "reading snapshot.meta";
			if ((rc = read_meta(r)))
				return rc;
			continue;
		}
		int *has = NULL;
		uint64_t *val = NULL, *voff = NULL;
		if (!strcmp(t.str, "node_count"))
			has = &r->has_hdr_nodes, val = &r->hdr_nodes, voff = &r->hdr_nodes_off;
		else if (!strcmp(t.str, "edge_count"))
			has = &r->has_hdr_edges, val = &r->hdr_edges, voff = &r->hdr_edges_off;
		else if (!strcmp(t.str, "trace_function_count"))
			has = &r->has_hdr_tfc, val = &r->hdr_tfc, voff = &r->hdr_tfc_off;
		char key[32];
		snprintf(key, sizeof key, "%s", t.str);
		if ((rc = next(r, &t)))
			return rc;
		if (!has) {
			if ((rc = mt_vj_skip(r->j, &t, NULL)))
				return rc;
			continue;
		}
		if (t.kind != MT_VJ_NUMBER || t.num != MT_VJ_UINT)
			return mt_error_set(r->err, MT_EFORMAT, t.off,
				"expected snapshot.%s to be a non-negative integer, found %s", key, mt_vj_describe(&t));
		*has = 1;
		*val = t.u;
		*voff = t.off;
	}
	r->err->doing = "reading snapshot.meta";
	if (!r->m.seen)
		return mt_error_set(r->err, MT_EFORMAT, t.off, "expected snapshot.meta, found none");
	if ((rc = compile_meta(r)))
		return rc;
	return replay(r);
}

static int read_strings(rd *r, uint64_t key_off)
{
	mt_vj_tok t;
	int rc = expect_array(r, &t, "strings");
	if (rc)
		return rc;
	if (r->strings_seen)
		return mt_error_set(r->err, MT_EFORMAT, key_off, "expected one \"strings\", found a second");
	r->strings_seen = 1;
	int taken = 0;
	if (r->job && (rc = job_take_strings(r, &t, &taken)))
		return rc;
	while (!taken) {
		if ((rc = next(r, &t)))
			return rc;
		if (t.kind == MT_VJ_ARR_END)
			break;
		if (t.kind != MT_VJ_STRING)
			return mt_error_set(r->err, t.kind == MT_VJ_EOF ? MT_ETRUNC : MT_EFORMAT, t.off,
				"expected a string, found %s", mt_vj_describe(&t));
		if (r->nstr == UINT32_MAX)
			return mt_error_set(r->err, MT_ELIMIT, t.off, "expected at most %u strings, found more", UINT32_MAX);
		if (r->nstr == r->smap_cap && mt_grow32(&r->smap, &r->smap_cap, (uint64_t)r->nstr + 1, sizeof *r->smap))
			return oom(r, t.off);
		mt_str_id id;
		rc = mt_strtab_intern(r->h->strings, t.str, t.len, &id);
		if (rc)
			return mt_error_set(r->err, rc, t.off, rc == MT_ELIMIT ? "expected fewer distinct strings, found more"
				: "out of memory interning strings");
		r->smap[r->nstr++] = id;
	}
	r->strings_done = 1;
	return check_pending(r);
}

static int read_samples(rd *r, uint64_t key_off)
{
	mt_vj_tok t;
	int rc = expect_array(r, &t, "samples");
	if (rc)
		return rc;
	if (r->samples_seen)
		return mt_error_set(r->err, MT_EFORMAT, key_off, "expected one \"samples\", found a second");
	r->samples_seen = 1;
	if ((rc = mt_vj_skip(r->j, &t, &r->nsample_vals)))
		return rc;
	r->samples_close = mt_vj_offset(r->j) - 1;
	return 0;
}

/* ---- the end: resolve names, prefix sums, checks ---- */

static int shrink(void *pp, size_t n, size_t el)
{
	return resize(pp, n, el);
}

static int finish(rd *r)
{
	mt_heap *h = r->h;
	uint64_t end = mt_vj_offset(r->j);
	int rc;
	r->err->doing = "checking the snapshot";
	if (!r->snapshot_seen)
		return mt_error_set(r->err, MT_EFORMAT, end, "expected the \"snapshot\" object with the meta, found none");
	static const char *const required[] = { "nodes", "edges" };
	for (int s = 0; s < 2; s++)
		if (!r->sec[s].seen)
			return mt_error_set(r->err, MT_EFORMAT, end, "expected the \"%s\" array, found none", required[s]);
	if (!r->strings_seen)
		return mt_error_set(r->err, MT_EFORMAT, end, "expected the \"strings\" array, found none");
	if (h->nnodes == 0)
		return mt_error_set(r->err, MT_EFORMAT, r->sec[SEC_NODES].close_off,
			"expected at least one node (the root), found none");
	/* sections that never came have no entries: their bounds are final now */
	for (int s = SEC_LOCATIONS; s < SEC__COUNT; s++)
		r->sec[s].done = 1;
	if ((rc = check_pending(r)))
		return rc;
	if (r->ecount_sum != h->nedges) {
		uint64_t off = r->sec[SEC_NODES].close_off > r->sec[SEC_EDGES].close_off ?
			r->sec[SEC_NODES].close_off : r->sec[SEC_EDGES].close_off;
		return mt_error_set(r->err, MT_EFORMAT, off,
			"expected the edge_count fields of the %u nodes to add up to the %u edges, found %" PRIu64,
			h->nnodes, h->nedges, r->ecount_sum);
	}
	if (r->m.sample_fields.present && r->m.sample_fields.n && r->nsample_vals % r->m.sample_fields.n)
		return mt_error_set(r->err, MT_EFORMAT, r->samples_close,
			"expected samples to hold a multiple of %u values (snapshot.meta.sample_fields), found %" PRIu64
			" values", r->m.sample_fields.n, r->nsample_vals);

	/* names: snapshot string indices -> interned ids */
	for (uint32_t i = 0; i < h->nnodes; i++)
		h->node_name[i] = r->smap[h->node_name[i]];
	for (uint32_t e = 0; e < h->nedges; e++)
		if (h->edge_type[e] != MT_HE_ELEMENT && h->edge_type[e] != MT_HE_HIDDEN)
			h->edge_name[e] = r->smap[h->edge_name[e]];
	for (uint32_t f = 0; f < h->ntrace_fns; f++) {
		h->trace_fns[f].name = r->smap[h->trace_fns[f].name];
		h->trace_fns[f].script_name = r->smap[h->trace_fns[f].script_name];
	}
	/* first_edge from the edge counts (the sum fits: it equals nedges) */
	for (uint32_t i = 0; i < h->nnodes; i++)
		h->first_edge[i + 1] += h->first_edge[i];

	if (r->n_det >= 0)
		h->features |= MT_HEAP_HAS_DETACHEDNESS;
	if (r->n_trace >= 0)
		h->features |= MT_HEAP_HAS_TRACE_NODE_ID;
	if (r->nloc)
		h->features |= MT_HEAP_HAS_LOCATIONS;
	if (h->ntrace_fns || h->ntrace_nodes)
		h->features |= MT_HEAP_HAS_TRACES;
	if (r->nsample_vals)
		h->features |= MT_HEAP_HAS_SAMPLES;

	/* exact sizes (every column non-NULL but node_trace, and locations when none were kept) */
	if (shrink(&h->node_type, h->nnodes, 1) || shrink(&h->node_name, h->nnodes, 4) ||
	    shrink(&h->node_id, h->nnodes, 4) || shrink(&h->node_self, h->nnodes, 8) ||
	    shrink(&h->node_detached, h->nnodes, 1) || (h->node_trace && shrink(&h->node_trace, h->nnodes, 4)) ||
	    shrink(&h->first_edge, (size_t)h->nnodes + 1, 4) || shrink(&h->edge_type, h->nedges, 1) ||
	    shrink(&h->edge_name, h->nedges, 4) || shrink(&h->edge_to, h->nedges, 4) ||
	    (h->locations && shrink(&h->locations, h->nlocations, sizeof *h->locations)) ||
	    shrink(&h->trace_fns, h->ntrace_fns, sizeof *h->trace_fns) ||
	    shrink(&h->trace_nodes, h->ntrace_nodes, sizeof *h->trace_nodes))
		return oom(r, MT_NO_OFFSET);
	(void)mt_heap__index_edges(h);   /* only speeds up mt_heap_edge_from */

	/* tolerated oddities */
	if (r->odd_types &&
	    (rc = warn(r, r->odd_type_off,
		     "%" PRIu64 " nodes have a type index past the %u names of snapshot.meta.node_types[%u] "
		     "(first: %" PRIu64 "); counted as \"other\"",
		     r->odd_types, r->ntypes, r->node_type_field, r->odd_type_first)))
		return rc;
	if (r->has_hdr_nodes && r->hdr_nodes != h->nnodes &&
	    (rc = warn(r, r->hdr_nodes_off, "snapshot.node_count says %" PRIu64 ", the nodes array holds %u nodes",
		     r->hdr_nodes, h->nnodes)))
		return rc;
	if (r->has_hdr_edges && r->hdr_edges != h->nedges &&
	    (rc = warn(r, r->hdr_edges_off, "snapshot.edge_count says %" PRIu64 ", the edges array holds %u edges",
		     r->hdr_edges, h->nedges)))
		return rc;
	if (r->has_hdr_tfc && r->hdr_tfc != h->ntrace_fns &&
	    (rc = warn(r, r->hdr_tfc_off,
		     "snapshot.trace_function_count says %" PRIu64 ", trace_function_infos holds %u functions",
		     r->hdr_tfc, h->ntrace_fns)))
		return rc;
	return 0;
}

static int read_top(rd *r)
{
	mt_vj_tok t;
	int rc;
	r->err->doing = "reading the heap snapshot";
	if ((rc = next(r, &t)))
		return rc;
	if (t.kind != MT_VJ_OBJ_BEGIN)
		return mt_error_set(r->err, MT_EFORMAT, t.off,
			"expected a heap snapshot (a JSON object), found %s", mt_vj_describe(&t));
	for (;;) {
		r->err->doing = "reading the heap snapshot";
		if ((rc = next(r, &t)))
			return rc;
		if (t.kind == MT_VJ_OBJ_END)
			break;
		uint64_t key_off = t.off;
		int s;
		for (s = 0; s < SEC__COUNT; s++)
			if (!strcmp(t.str, sec_key[s]))
				break;
		if (s < SEC__COUNT) {
			r->err->doing = sec_doing[s];
			if (r->sec[s].seen)
				return mt_error_set(r->err, MT_EFORMAT, key_off, "expected one \"%s\", found a second",
					sec_key[s]);
			int taken = 0;
			if ((rc = expect_array(r, &t, sec_key[s])) ||
			    (s == SEC_EDGES && r->job && (rc = job_take(r, &t, &taken))) ||
			    (!taken && (rc = read_section(r, s, &t))))
				return rc;
		} else if (!strcmp(t.str, "snapshot")) {
			r->err->doing = "reading the snapshot header";
			if ((rc = read_snapshot(r, key_off)))
				return rc;
		} else if (!strcmp(t.str, "strings")) {
			r->err->doing = "reading strings";
			if ((rc = read_strings(r, key_off)))
				return rc;
		} else if (!strcmp(t.str, "samples")) {
			r->err->doing = "reading samples";
			if ((rc = read_samples(r, key_off)))
				return rc;
		} else {
			if ((rc = next(r, &t)) || (rc = mt_vj_skip(r->j, &t, NULL)))
				return rc;
		}
	}
	if ((rc = next(r, &t)))
		return rc;
	return finish(r);
}

int mt_heap__read_vj(mt_heap **out, mt_vj *j, const mt_read_opts *o, mt_error *err)
{
	mt_error local = MT_ERROR_INIT;
	if (!err)
		err = &local;
	j->err = err;
	mt_heap__parallel_seen = 0;
	rd r;
	memset(&r, 0, sizeof r);
	r.j = j;
	r.err = err;
	r.o = o;
	int rc;
	r.h = calloc(1, sizeof *r.h);
	if (!r.h || !(r.h->strings = mt_strtab_new())) {
		rc = mt_error_set(err, MT_ENOMEM, MT_NO_OFFSET, "out of memory");
	} else {
		rc = read_top(&r);
	}
	job_free(r.job);
	if (rc == 0 && err->code)
		rc = err->code;
	if (rc) {
		mt_heap_free(r.h);
		r.h = NULL;
		if (!err->code)
			mt_error_set(err, rc, MT_NO_OFFSET, "%s", mt_code_name(rc));
	}
	*out = r.h;
	names *lists[] = { &r.m.node_fields, &r.m.edge_fields, &r.m.tfi_fields, &r.m.tn_fields,
		&r.m.sample_fields, &r.m.loc_fields };
	for (size_t i = 0; i < sizeof lists / sizeof *lists; i++)
		names_free(lists[i]);
	types_free(&r.m.node_types);
	types_free(&r.m.edge_types);
	for (int s = 0; s < SEC__COUNT; s++) {
		free(r.sec[s].tv);
		free(r.sec[s].to);
		free(r.sec[s].dv);
	}
	free(r.ntmap);
	free(r.etmap);
	free(r.smap);
	free(r.tf);
	return rc;
}

int mt_heap_read(mt_heap **out, mt_stream *s, const mt_read_opts *o, mt_error *err)
{
	*out = NULL;
	mt_vj j;
	int rc = mt_vj_init_stream(&j, s, err);
	if (rc)
		return rc;
	rc = mt_heap__read_vj(out, &j, o, err);
	mt_vj_free(&j);
	return rc;
}

int mt_heap__read_memory(mt_heap **out, const uint8_t *data, size_t len, const mt_read_opts *o, mt_error *err)
{
	*out = NULL;
	mt_vj j;
	int rc = mt_vj_init_memory(&j, data, len, err);
	if (rc)
		return rc;
	rc = mt_heap__read_vj(out, &j, o, err);
	mt_vj_free(&j);
	return rc;
}

int mt_heap_load(mt_heap **out, const char *path, const mt_read_opts *o, mt_error *err)
{
	*out = NULL;
	mt_stream *s = NULL;
	int rc = mt_stream_open(&s, path, err);
	if (rc)
		return rc;
	rc = mt_heap_read(out, s, o, err);
	mt_stream_close(s);
	return rc;
}
