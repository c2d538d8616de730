/*
 * analysis/diff.c - comparing two profiles (pprof's -diff_base) and two
 * goroutine dumps (per-bucket rows with base, new and delta).
 *
 * Profiles: pprof's driver implements -diff_base by scaling the base
 * profile by -1 and merging it with the new one (internal/driver/fetch.go,
 * profile.Merge); sums per function are then new - base and negative values
 * are kept. We do the same: copy base, negate its values (saturating), merge.
 *
 * Goroutine dumps: buckets of each side are grouped by a key made of the
 * state and the function names outside package runtime, leaf first (line
 * numbers, runtime frames, the wrapper frames only crash tracebacks show,
 * wait minutes, labels, creators and ids are not part of it), so the
 * same moment dumped as pprof, debug=1 (which hides the
 * leading runtime.* frames) or debug=2 compares equal. Groups of both sides
 * are sorted by key bytes and joined; a second pass pairs leftover groups
 * with equal functions when one side's state is a weak inference.
 */
#include <stdlib.h>
#include <string.h>

#include "memtracer/diff.h"
#include "mt_internal.h"

/* A stable merge sort with a context (qsort's comparators would need global state). */
typedef int (*cmp_ctx_fn)(const void *a, const void *b, const void *ctx);

static int msort(void *base, size_t n, size_t sz, cmp_ctx_fn cmp, const void *ctx)
{
	size_t bytes;
	if (n < 2)
		return 0;
	if (!mt_mul_ok(n, sz, &bytes))
		return MT_ENOMEM;
	char *tmp = malloc(bytes);
	if (!tmp)
		return MT_ENOMEM;
	char *src = base, *dst = tmp;
	for (size_t w = 1; w < n; w = w > n / 2 ? n : w * 2) {
		for (size_t lo = 0; lo < n; lo += 2 * w) {
			size_t mid = n - lo > w ? lo + w : n;
			size_t hi = n - mid > w ? mid + w : n;
			size_t a = lo, b = mid, k = lo;
			while (a < mid && b < hi) {
				if (cmp(src + b * sz, src + a * sz, ctx) < 0)
					memcpy(dst + k++ * sz, src + b++ * sz, sz);
				else
					memcpy(dst + k++ * sz, src + a++ * sz, sz);
			}
			if (a < mid)
				memcpy(dst + k * sz, src + a * sz, (mid - a) * sz);
			if (b < hi)
				memcpy(dst + (k + mid - a) * sz, src + b * sz, (hi - b) * sz);
		}
		char *t = src;
		src = dst;
		dst = t;
	}
	if (src != (char *)base)
		memcpy(base, src, bytes);
	free(tmp);
	return 0;
}

/* ---- profiles ---- */

static int same_columns(const mt_profile *a, const mt_profile *b)
{
	if (a->nvalue_types != b->nvalue_types)
		return 0;
	for (uint32_t c = 0; c < a->nvalue_types; c++)
		if (strcmp(mt_profile_str(a, a->value_types[c].type), mt_profile_str(b, b->value_types[c].type)) ||
		    strcmp(mt_profile_str(a, a->value_types[c].unit), mt_profile_str(b, b->value_types[c].unit)) ||
		    a->value_types[c].decimals != b->value_types[c].decimals)
			return 0;
	return 1;
}

/* "cpu/nanoseconds, samples/count" into @buf (truncated to fit). */
static const char *columns_str(const mt_profile *p, char *buf, size_t cap)
{
	size_t n = 0;
	buf[0] = 0;
	if (!p->nvalue_types)
		return "no sample types";
	for (uint32_t c = 0; c < p->nvalue_types && n + 1 < cap; c++) {
		int w = snprintf(buf + n, cap - n, "%s%s/%s", c ? ", " : "",
			mt_profile_str(p, p->value_types[c].type), mt_profile_str(p, p->value_types[c].unit));
		if (w < 0)
			break;
		n += (size_t)w < cap - n ? (size_t)w : cap - n - 1;
	}
	return buf;
}

int mt_profile_diff(mt_profile **out, const mt_profile *base, const mt_profile *newp, mt_error *err)
{
	*out = NULL;
	if (!base || !newp)
		return mt_error_set(err, MT_EINVAL, MT_NO_OFFSET, "expected two profiles to compare");
	if (!same_columns(base, newp)) {
		char a[96], b[96];
		return mt_error_set(err, MT_EINVAL, MT_NO_OFFSET,
			"expected profiles of one kind, found base with %s and new with %s",
			columns_str(base, a, sizeof a), columns_str(newp, b, sizeof b));
	}
	mt_profile *neg = NULL, *res = NULL;
	const mt_profile *one[1] = { base };
	int rc = mt_profile_merge(&neg, one, 1, err);
	if (rc)
		return rc;
	size_t nv = (size_t)neg->nsamples * neg->nvalue_types;
	for (size_t i = 0; i < nv; i++)
		neg->values[i] = neg->values[i] == INT64_MIN ? INT64_MAX : -neg->values[i];
	const mt_profile *two[2] = { newp, neg };
	rc = mt_profile_merge(&res, two, 2, err);
	mt_profile_free(neg);
	if (rc)
		return rc;
	res->duration_nanos = newp->duration_nanos; /* merge added them up */
	/* mark the base half as pprof does, so totals can be taken from it */
	mt_label mark = { 0, 0, 0, 0 };
	if ((rc = mt_profile_intern(res, "pprof::base", 11, &mark.key)) ||
	    (rc = mt_profile_intern(res, "true", 4, &mark.str)) ||
	    (rc = mt_profile_label_samples(res, newp->nsamples, res->nsamples, &mark))) {
		mt_profile_free(res);
		return mt_error_set(err, rc, MT_NO_OFFSET, "out of memory marking the diff base");
	}
	*out = res;
	return 0;
}

/* ---- goroutine dumps: grouping ---- */

/* A run of buckets of one side with the same key: order[start .. end). */
typedef struct grp {
	uint32_t start, end;
	uint32_t rep;            /* smallest bucket index = largest bucket */
	uint64_t count;
	int inferred;            /* the representative's state was inferred */
	int weak;                /* ... and is only "running" or "waiting" (no park reason seen) */
	int used;
} grp;

typedef struct side {
	const mt_goroutines *g;
	uint8_t *keys;           /* all keys, concatenated */
	size_t keys_len, keys_cap;
	size_t *koff;            /* nbuckets + 1 offsets */
	size_t *fkey;            /* offset of the functions part (after the state) of each key */
	uint32_t *order;         /* bucket indices sorted by key, then index */
	grp *groups;
	uint32_t ngroups;
} side;

static int is_runtime_frame(const char *f, size_t n)
{
	return n > 8 && !memcmp(f, "runtime.", 8);
}

static int put(side *s, const void *p, size_t n)
{
	if (mt_grow(&s->keys, &s->keys_cap, s->keys_len + n, 1))
		return MT_ENOMEM;
	if (n)
		memcpy(s->keys + s->keys_len, p, n);
	s->keys_len += n;
	return 0;
}

/* Each component: 4-byte big-endian length, then the bytes (unambiguous, memcmp-ordered per component). */
static int put_str(side *s, const char *str, size_t n)
{
	uint8_t l[4] = { (uint8_t)(n >> 24), (uint8_t)(n >> 16), (uint8_t)(n >> 8), (uint8_t)n };
	return put(s, l, 4) || put(s, str, n) ? MT_ENOMEM : 0;
}

static int bytes_cmp(const uint8_t *a, size_t la, const uint8_t *b, size_t lb)
{
	size_t n = la < lb ? la : lb;
	int c = n ? memcmp(a, b, n) : 0;
	return c ? c : (la > lb) - (la < lb);
}

/* Full keys (state + functions) of bucket i of @a and bucket j of @b. */
static int key_cmp(const side *a, uint32_t i, const side *b, uint32_t j)
{
	return bytes_cmp(a->keys + a->koff[i], a->koff[i + 1] - a->koff[i], b->keys + b->koff[j],
		b->koff[j + 1] - b->koff[j]);
}

/* Functions-only keys. */
static int fkey_cmp(const side *a, uint32_t i, const side *b, uint32_t j)
{
	return bytes_cmp(a->keys + a->fkey[i], a->koff[i + 1] - a->fkey[i], b->keys + b->fkey[j],
		b->koff[j + 1] - b->fkey[j]);
}

static int cmp_order(const void *pa, const void *pb, const void *ctx)
{
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
	int c = key_cmp(ctx, a, ctx, b);
	return c ? c : (a > b) - (a < b);
}

static int side_build(side *s, const mt_goroutines *g)
{
	memset(s, 0, sizeof *s);
	s->g = g;
	uint32_t n = g ? g->nbuckets : 0;
	s->koff = malloc(((size_t)n + 1) * sizeof *s->koff);
	s->fkey = malloc(((size_t)n + 1) * sizeof *s->fkey);
	s->order = malloc(((size_t)n + 1) * sizeof *s->order);
	s->groups = malloc(((size_t)n + 1) * sizeof *s->groups);
	if (!s->koff || !s->fkey || !s->order || !s->groups)
		return MT_ENOMEM;
	for (uint32_t i = 0; i < n; i++) {
		const mt_gr_bucket *b = &g->buckets[i];
		s->koff[i] = s->keys_len;
		s->order[i] = i;
		if (put_str(s, mt_strtab_get(g->strings, b->state), mt_strtab_len(g->strings, b->state)))
			return MT_ENOMEM;
		s->fkey[i] = s->keys_len;
		for (uint32_t k = 0; k < b->nframes; k++) {
			mt_str_id f = g->frames[b->frame0 + k].func;
			const char *fs = mt_strtab_get(g->strings, f);
			size_t fl = mt_strtab_len(g->strings, f);
			if (!is_runtime_frame(fs, fl) && !mt_gr_frame_is_wrapper(g, b, k) && put_str(s, fs, fl))
				return MT_ENOMEM;
		}
	}
	s->koff[n] = s->keys_len;
	int rc = msort(s->order, n, sizeof *s->order, cmp_order, s);
	if (rc)
		return rc;
	for (uint32_t i = 0; i < n;) {
		grp *gr = &s->groups[s->ngroups++];
		memset(gr, 0, sizeof *gr);
		gr->start = i;
		gr->rep = s->order[i];
		for (; i < n && (i == gr->start || !key_cmp(s, s->order[gr->start], s, s->order[i])); i++) {
			uint64_t c = g->buckets[s->order[i]].count;
			gr->count = gr->count + c < gr->count ? UINT64_MAX : gr->count + c;
			if (s->order[i] < gr->rep)
				gr->rep = s->order[i];
		}
		gr->end = i;
		const mt_gr_bucket *rb = &g->buckets[gr->rep];
		const char *st = mt_strtab_get(g->strings, rb->state);
		gr->inferred = rb->state_inferred;
		gr->weak = gr->inferred && (!strcmp(st, "running") || !strcmp(st, "waiting"));
	}
	return 0;
}

static void side_free(side *s)
{
	free(s->keys);
	free(s->koff);
	free(s->fkey);
	free(s->order);
	free(s->groups);
}

/* ---- goroutine dumps: the diff ---- */

typedef struct dbuild {
	mt_gr_diff *d;
	size_t rows_cap, frames_cap, members_cap;
} dbuild;

static int copy_str(mt_gr_diff *d, const mt_goroutines *g, mt_str_id id, mt_str_id *out)
{
	return mt_strtab_intern(d->strings, mt_strtab_get(g->strings, id), mt_strtab_len(g->strings, id), out);
}

static int64_t to_i64(uint64_t v)
{
	return v > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)v;
}

/* Appends a row for group @bg of base and @ng of new (either may be NULL). */
static int add_row(dbuild *db, const side *bs, const grp *bg, const side *ns, const grp *ng)
{
	mt_gr_diff *d = db->d;
	if (d->nrows == UINT32_MAX - 1)
		return MT_ELIMIT;
	if (mt_grow(&d->rows, &db->rows_cap, (size_t)d->nrows + 1, sizeof *d->rows))
		return MT_ENOMEM;
	mt_gr_diff_row r;
	memset(&r, 0, sizeof r);
	r.base_bucket = bg ? bg->rep : UINT32_MAX;
	r.new_bucket = ng ? ng->rep : UINT32_MAX;
	r.base_count = bg ? bg->count : 0;
	r.new_count = ng ? ng->count : 0;
	r.member0 = d->nmembers;
	if (ng) {
		uint32_t n = ng->end - ng->start;
		if ((uint64_t)d->nmembers + n > UINT32_MAX - 1)
			return MT_ELIMIT;
		if (mt_grow(&d->members, &db->members_cap, (size_t)d->nmembers + n + 1, sizeof *d->members))
			return MT_ENOMEM;
		for (uint32_t k = ng->start; k < ng->end; k++)
			d->members[d->nmembers++] = ns->order[k]; /* ascending: same key, ties by index */
	}
	r.nmembers = d->nmembers - r.member0;
	r.delta = to_i64(r.new_count) - to_i64(r.base_count);
	/* stack and root from the new side's largest bucket; the state from a side that stated it */
	const mt_goroutines *g = ng ? ns->g : bs->g;
	const mt_gr_bucket *bk = &g->buckets[ng ? ng->rep : bg->rep];
	int new_state = ng && !(ng->weak && bg && !bg->weak);
	const mt_goroutines *sg = new_state ? ns->g : bs->g;
	const mt_gr_bucket *sb = &sg->buckets[new_state ? ng->rep : bg->rep];
	int rc;
	if ((rc = copy_str(d, sg, sb->state, &r.state)) || (rc = copy_str(d, g, mt_gr_bucket_root(g, bk), &r.root)))
		return rc;
	if ((uint64_t)d->nframes + bk->nframes > UINT32_MAX - 1)
		return MT_ELIMIT;
	if (mt_grow(&d->frames, &db->frames_cap, (size_t)d->nframes + bk->nframes + 1, sizeof *d->frames))
		return MT_ENOMEM;
	r.frame0 = d->nframes;
	r.nframes = bk->nframes;
	for (uint32_t k = 0; k < bk->nframes; k++)
		if ((rc = copy_str(d, g, g->frames[bk->frame0 + k].func, &d->frames[d->nframes + k])))
			return rc;
	d->nframes += bk->nframes;
	d->rows[d->nrows++] = r;
	return 0;
}

static int strid_cmp(const mt_strtab *t, mt_str_id a, mt_str_id b)
{
	if (a == b)
		return 0;
	return bytes_cmp((const uint8_t *)mt_strtab_get(t, a), mt_strtab_len(t, a),
		(const uint8_t *)mt_strtab_get(t, b), mt_strtab_len(t, b));
}

static int cmp_row(const void *pa, const void *pb, const void *ctx)
{
	const mt_gr_diff_row *a = pa, *b = pb;
	const mt_gr_diff *d = ctx;
	const mt_strtab *t = d->strings;
	uint64_t ma = a->delta < 0 ? (uint64_t)0 - (uint64_t)a->delta : (uint64_t)a->delta;
	uint64_t mb = b->delta < 0 ? (uint64_t)0 - (uint64_t)b->delta : (uint64_t)b->delta;
	if (ma != mb)
		return ma > mb ? -1 : 1;
	int c = strid_cmp(t, a->root, b->root);
	if (!c)
		c = strid_cmp(t, a->state, b->state);
	for (uint32_t i = 0; !c && i < a->nframes && i < b->nframes; i++)
		c = strid_cmp(t, d->frames[a->frame0 + i], d->frames[b->frame0 + i]);
	if (!c && a->nframes != b->nframes)
		c = a->nframes < b->nframes ? -1 : 1;
	if (!c && a->delta != b->delta) /* +N before -N */
		c = a->delta > b->delta ? -1 : 1;
	if (!c && a->new_count != b->new_count)
		c = a->new_count > b->new_count ? -1 : 1;
	if (!c && a->base_count != b->base_count)
		c = a->base_count > b->base_count ? -1 : 1;
	return c;
}

void mt_gr_diff_free(mt_gr_diff *d)
{
	if (!d)
		return;
	mt_strtab_free(d->strings);
	free(d->rows);
	free(d->frames);
	free(d->members);
	free(d);
}

/* Unmatched groups of one side, ordered by functions-only key, then count desc, then full key. */
static int cmp_unmatched(const void *pa, const void *pb, const void *ctx)
{
	const side *s = ctx;
	const grp *a = &s->groups[*(const uint32_t *)pa], *b = &s->groups[*(const uint32_t *)pb];
	int c = fkey_cmp(s, a->rep, s, b->rep);
	if (c)
		return c;
	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	return key_cmp(s, a->rep, s, b->rep);
}

static int unmatched(const side *s, uint32_t **out, uint32_t *n)
{
	*n = 0;
	*out = malloc(((size_t)s->ngroups + 1) * sizeof **out);
	if (!*out)
		return MT_ENOMEM;
	for (uint32_t i = 0; i < s->ngroups; i++)
		if (!s->groups[i].used)
			(*out)[(*n)++] = i;
	return msort(*out, *n, sizeof **out, cmp_unmatched, s);
}

/*
 * Pass 2: a group left alone on each side with the same functions, where
 * one side's state is a weak inference ("running" or "waiting": debug=1
 * hides the runtime frames that say why a goroutine is parked, so it can
 * not tell "chan receive" from "select"), is the same goroutines. Within a
 * run of equal functions (count desc), each base group pairs with the
 * first free new group where one of the two is weak.
 */
enum { PAIR_SCAN = 64 }; /* candidates looked at per group: hostile dumps may make long runs */

static int pair_inferred(dbuild *db, side *bs, side *ns)
{
	uint32_t *ub = NULL, *un = NULL, nb = 0, nn = 0;
	int rc = unmatched(bs, &ub, &nb);
	if (!rc)
		rc = unmatched(ns, &un, &nn);
	for (uint32_t i = 0, j = 0; !rc && i < nb && j < nn;) {
		grp *bg = &bs->groups[ub[i]], *ng = &ns->groups[un[j]];
		int c = fkey_cmp(bs, bg->rep, ns, ng->rep);
		if (c < 0) {
			i++;
		} else if (c > 0) {
			j++;
		} else {
			uint32_t ie = i, je = j;
			while (ie < nb && !fkey_cmp(bs, bs->groups[ub[ie]].rep, bs, bg->rep))
				ie++;
			while (je < nn && !fkey_cmp(ns, ns->groups[un[je]].rep, ns, ng->rep))
				je++;
			/* each base group takes the first free new group it may pair with (bounded scan) */
			for (uint32_t a = i; a < ie && !rc; a++) {
				grp *x = &bs->groups[ub[a]];
				for (uint32_t b = j; b < je && b - j < PAIR_SCAN; b++) {
					grp *y = &ns->groups[un[b]];
					if (!y->used && (x->weak || y->weak)) {
						x->used = y->used = 1;
						rc = add_row(db, bs, x, ns, y);
						break;
					}
				}
			}
			i = ie;
			j = je;
		}
	}
	free(ub);
	free(un);
	return rc;
}

int mt_goroutines_diff(mt_gr_diff **out, const mt_goroutines *base, const mt_goroutines *newg, mt_error *err)
{
	*out = NULL;
	if (!newg)
		return mt_error_set(err, MT_EINVAL, MT_NO_OFFSET, "expected a goroutine dump to compare");
	side bs, ns;
	dbuild db;
	memset(&db, 0, sizeof db);
	int rc = side_build(&bs, base), rc2 = side_build(&ns, newg);
	if (rc || rc2) {
		rc = rc ? rc : rc2;
		goto fail;
	}
	rc = MT_ENOMEM;
	if (!(db.d = calloc(1, sizeof *db.d)) || !(db.d->strings = mt_strtab_new()))
		goto fail;
	db.d->base_total = base ? base->total : 0;
	db.d->new_total = newg->total;
	/* pass 1: equal keys (state and functions) */
	for (uint32_t i = 0, j = 0; i < bs.ngroups && j < ns.ngroups;) {
		grp *bg = &bs.groups[i], *ng = &ns.groups[j];
		int c = key_cmp(&bs, bs.order[bg->start], &ns, ns.order[ng->start]);
		if (c < 0) {
			i++;
		} else if (c > 0) {
			j++;
		} else {
			bg->used = ng->used = 1;
			if ((rc = add_row(&db, &bs, bg, &ns, ng)))
				goto fail;
			i++;
			j++;
		}
	}
	if ((rc = pair_inferred(&db, &bs, &ns)))
		goto fail;
	/* the rest: only in base, only in new */
	for (uint32_t i = 0; i < bs.ngroups; i++)
		if (!bs.groups[i].used && (rc = add_row(&db, &bs, &bs.groups[i], &ns, NULL)))
			goto fail;
	for (uint32_t j = 0; j < ns.ngroups; j++)
		if (!ns.groups[j].used && (rc = add_row(&db, &bs, NULL, &ns, &ns.groups[j])))
			goto fail;
	if ((rc = msort(db.d->rows, db.d->nrows, sizeof *db.d->rows, cmp_row, db.d)))
		goto fail;
	side_free(&bs);
	side_free(&ns);
	*out = db.d;
	return 0;
fail:
	side_free(&bs);
	side_free(&ns);
	mt_gr_diff_free(db.d);
	return mt_error_set(err, rc, MT_NO_OFFSET, "comparing goroutine dumps failed: %s", mt_code_name(rc));
}
