/*
 * analysis/goroutines.c - goroutine buckets: the streaming builder, state
 * inference, conversion from the goroutine pprof profile and to a profile.
 *
 * A bucket is keyed by (state, [function, line] of every frame). The wait
 * minutes, the creator, labels and goroutine ids are attributes, never part
 * of the key, so the same moment dumped as pprof, debug=1 or debug=2 gives
 * the same buckets. Keys go through a JudyHS index; memory grows with the
 * number of distinct buckets only.
 */
#include <Judy.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memtracer/goroutine.h"
#include "mt_internal.h"

typedef struct lab_acc {
	uint32_t bucket;
	mt_str_id key, value;
	uint64_t count;
} lab_acc;

struct mt_gr_builder {
	mt_goroutines *g;
	Pvoid_t index;        /* JudyHS: bucket key -> bucket + 1 */
	Pvoid_t lab_index;    /* JudyHS: (bucket, key, value) -> lab_acc + 1 */
	uint8_t *key;
	size_t key_cap;
	lab_acc *labs;
	size_t nlabs, labs_cap;
	size_t cap_buckets, cap_frames;
};

int mt_gr_builder_new(mt_gr_builder **out, const char *format)
{
	*out = NULL;
	mt_gr_builder *b = calloc(1, sizeof *b);
	if (!b)
		return MT_ENOMEM;
	b->g = calloc(1, sizeof *b->g);
	if (!b->g || !(b->g->strings = mt_strtab_new())) {
		mt_gr_builder_free(b);
		return MT_ENOMEM;
	}
	b->g->format = format;
	*out = b;
	return 0;
}

mt_strtab *mt_gr_builder_strings(mt_gr_builder *b)
{
	return b->g->strings;
}

void mt_gr_builder_free(mt_gr_builder *b)
{
	if (!b)
		return;
	Word_t w;
	JHSFA(w, b->index);
	JHSFA(w, b->lab_index);
	(void)w;
	free(b->key);
	free(b->labs);
	mt_goroutines_free(b->g);
	free(b);
}

void mt_goroutines_free(mt_goroutines *g)
{
	if (!g)
		return;
	mt_strtab_free(g->strings);
	free(g->buckets);
	free(g->frames);
	free(g->labels);
	free(g);
}

void mt_gr_builder_truncated(mt_gr_builder *b, uint64_t offset, const char *msg)
{
	if (b->g->truncated)
		return;
	b->g->truncated = 1;
	b->g->truncated_at = offset;
	snprintf(b->g->truncated_msg, sizeof b->g->truncated_msg, "%s", msg ? msg : "");
}

int mt_gr_builder_add(mt_gr_builder *b, const mt_gr_one *one)
{
	mt_goroutines *g = b->g;
	const char *state = one->state;
	size_t state_len = one->state_len;
	int inferred = 0;
	if (!state || !state_len) {
		state = mt_gr_infer_state(g->strings, one->frames, one->nframes);
		state_len = strlen(state);
		inferred = 1;
	}
	mt_str_id sid;
	int rc = mt_strtab_intern(g->strings, state, state_len, &sid);
	if (rc)
		return rc;
	size_t klen = 4 + (size_t)one->nframes * 12;
	if (mt_grow(&b->key, &b->key_cap, klen, 1))
		return MT_ENOMEM;
	memcpy(b->key, &sid, 4);
	for (uint32_t i = 0; i < one->nframes; i++) {
		memcpy(b->key + 4 + i * 12, &one->frames[i].func, 4);
		memcpy(b->key + 8 + i * 12, &one->frames[i].line, 8);
	}
	PWord_t slot;
	JHSI(slot, b->index, b->key, klen);
	if (slot == PJERR)
		return MT_ENOMEM;
	mt_gr_bucket *bk;
	uint32_t bi;
	if (*slot) {
		bi = (uint32_t)(*slot - 1);
		bk = &g->buckets[bi];
	} else {
		if (g->nbuckets == UINT32_MAX - 1 || (uint64_t)g->nframes + one->nframes > UINT32_MAX)
			return MT_ELIMIT;
		if (mt_grow(&g->buckets, &b->cap_buckets, (size_t)g->nbuckets + 1, sizeof *g->buckets) ||
		    mt_grow(&g->frames, &b->cap_frames, (size_t)g->nframes + one->nframes + 1, sizeof *g->frames))
			return MT_ENOMEM;
		bi = g->nbuckets++;
		*slot = (Word_t)bi + 1;
		bk = &g->buckets[bi];
		memset(bk, 0, sizeof *bk);
		bk->state = sid;
		bk->state_inferred = (uint8_t)inferred;
		bk->frame0 = g->nframes;
		bk->nframes = one->nframes;
		if (one->nframes)
			memcpy(g->frames + g->nframes, one->frames, one->nframes * sizeof *one->frames);
		g->nframes += one->nframes;
		bk->wait_min = bk->wait_max = -1;
		bk->created_by = one->created_by;
	}
	uint64_t cnt = one->count ? one->count : 1;
	bk->count += cnt;
	g->total += cnt;
	if (one->locked)
		bk->locked = 1;
	if (one->elided)
		bk->elided = 1;
	if (one->wait_minutes >= 0) {
		if (bk->wait_min < 0 || one->wait_minutes < bk->wait_min)
			bk->wait_min = one->wait_minutes;
		if (one->wait_minutes > bk->wait_max)
			bk->wait_max = one->wait_minutes;
	}
	if (!bk->created_by.func && one->created_by.func)
		bk->created_by = one->created_by;
	if (one->id && (!bk->min_id || one->id < bk->min_id))
		bk->min_id = one->id;
	for (uint32_t i = 0; i < one->nlabels; i++) {
		uint32_t lk[3] = { bi, one->labels[i].key, one->labels[i].value };
		PWord_t ls;
		JHSI(ls, b->lab_index, lk, sizeof lk);
		if (ls == PJERR)
			return MT_ENOMEM;
		if (!*ls) {
			if (mt_grow(&b->labs, &b->labs_cap, b->nlabs + 1, sizeof *b->labs))
				return MT_ENOMEM;
			lab_acc a = { bi, one->labels[i].key, one->labels[i].value, 0 };
			b->labs[b->nlabs++] = a;
			*ls = b->nlabs;
		}
		b->labs[*ls - 1].count += cnt;
	}
	return 0;
}

/* ---- finishing: deterministic order ---- */

static const mt_goroutines *sort_g;

static int strcmp_ids(const mt_strtab *t, mt_str_id a, mt_str_id b)
{
	if (a == b)
		return 0;
	size_t la = mt_strtab_len(t, a), lb = mt_strtab_len(t, b);
	int c = memcmp(mt_strtab_get(t, a), mt_strtab_get(t, b), la < lb ? la : lb);
	return c ? c : (la > lb) - (la < lb);
}

static int cmp_bucket(const void *pa, const void *pb)
{
	const mt_gr_bucket *a = &sort_g->buckets[*(const uint32_t *)pa];
	const mt_gr_bucket *b = &sort_g->buckets[*(const uint32_t *)pb];
	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	int c = strcmp_ids(sort_g->strings, a->state, b->state);
	if (c)
		return c;
	/* compare stacks from the root (outermost) frame */
	uint32_t n = a->nframes < b->nframes ? a->nframes : b->nframes;
	for (uint32_t i = 1; i <= n; i++) {
		const mt_gr_frame *fa = &sort_g->frames[a->frame0 + a->nframes - i];
		const mt_gr_frame *fb = &sort_g->frames[b->frame0 + b->nframes - i];
		if ((c = strcmp_ids(sort_g->strings, fa->func, fb->func)))
			return c;
		if (fa->line != fb->line)
			return fa->line < fb->line ? -1 : 1;
	}
	if (a->nframes != b->nframes)
		return a->nframes < b->nframes ? -1 : 1;
	return (a->min_id > b->min_id) - (a->min_id < b->min_id);
}

static const mt_strtab *sort_t;

static int cmp_lab(const void *pa, const void *pb)
{
	const lab_acc *a = pa, *b = pb;
	if (a->bucket != b->bucket)
		return a->bucket < b->bucket ? -1 : 1;
	int c = strcmp_ids(sort_t, a->key, b->key);
	return c ? c : strcmp_ids(sort_t, a->value, b->value);
}

int mt_gr_builder_finish(mt_gr_builder *b, mt_goroutines **out)
{
	*out = NULL;
	mt_goroutines *g = b->g;
	uint32_t n = g->nbuckets;
	uint32_t *order = malloc((n ? n : 1) * sizeof *order);
	uint32_t *rank = malloc((n ? n : 1) * sizeof *rank);
	mt_gr_bucket *nb = malloc((n ? n : 1) * sizeof *nb);
	mt_gr_frame *nf = malloc((g->nframes ? g->nframes : 1) * sizeof *nf);
	mt_gr_label *nl = malloc((b->nlabs ? b->nlabs : 1) * sizeof *nl);
	if (!order || !rank || !nb || !nf || !nl) {
		free(order);
		free(rank);
		free(nb);
		free(nf);
		free(nl);
		return MT_ENOMEM;
	}
	for (uint32_t i = 0; i < n; i++)
		order[i] = i;
	sort_g = g;
	if (n > 1)
		qsort(order, n, sizeof *order, cmp_bucket);
	sort_g = NULL;
	uint32_t fo = 0;
	for (uint32_t i = 0; i < n; i++) {
		rank[order[i]] = i;
		nb[i] = g->buckets[order[i]];
		memcpy(nf + fo, g->frames + nb[i].frame0, nb[i].nframes * sizeof *nf);
		nb[i].frame0 = fo;
		fo += nb[i].nframes;
		nb[i].label0 = nb[i].nlabels = 0;
	}
	for (size_t i = 0; i < b->nlabs; i++)
		b->labs[i].bucket = rank[b->labs[i].bucket];
	sort_t = g->strings;
	if (b->nlabs > 1)
		qsort(b->labs, b->nlabs, sizeof *b->labs, cmp_lab);
	sort_t = NULL;
	for (size_t i = 0; i < b->nlabs; i++) {
		mt_gr_bucket *bk = &nb[b->labs[i].bucket];
		if (bk->nlabels == 0)
			bk->label0 = (uint32_t)i;
		bk->nlabels++;
		nl[i].key = b->labs[i].key;
		nl[i].value = b->labs[i].value;
		nl[i].count = b->labs[i].count;
	}
	free(g->buckets);
	free(g->frames);
	g->buckets = nb;
	g->frames = nf;
	g->labels = nl;
	g->nlabels = (uint32_t)b->nlabs;
	free(order);
	free(rank);
	b->g = NULL;
	mt_gr_builder_free(b);
	*out = g;
	return 0;
}

/* ---- state inference ---- */

typedef struct state_rule {
	const char *func;    /* a frame function (exact) */
	const char *state;
} state_rule;

/*
 * The first frame (from the leaf) named here decides. Order matters only
 * within one stack; these are the park sites of Go 1.17-1.26's runtime and
 * the wait reasons (runtime/runtime2.go waitReasonStrings) they use.
 */
static const state_rule rules[] = {
	{ "runtime.chanrecv", "chan receive" },
	{ "runtime.chanrecv1", "chan receive" },
	{ "runtime.chanrecv2", "chan receive" },
	{ "runtime.chansend", "chan send" },
	{ "runtime.chansend1", "chan send" },
	{ "runtime.selectgo", "select" },
	{ "runtime.block", "select (no cases)" },
	{ "runtime.netpollblock", "IO wait" },
	{ "internal/poll.runtime_pollWait", "IO wait" },
	{ "time.Sleep", "sleep" },
	{ "runtime.timeSleep", "sleep" },
	{ "sync.runtime_notifyListWait", "sync.Cond.Wait" },
	{ "sync.runtime_SemacquireMutex", "sync.Mutex.Lock" },
	{ "sync.runtime_SemacquireRWMutexR", "sync.RWMutex.RLock" },
	{ "sync.runtime_SemacquireRWMutex", "sync.RWMutex.Lock" },
	{ "sync.runtime_SemacquireWaitGroup", "sync.WaitGroup.Wait" },
	{ "sync.runtime_Semacquire", "semacquire" },
	/* Go 1.24+ moved sync.Mutex into internal/sync */
	{ "internal/sync.runtime_SemacquireMutex", "sync.Mutex.Lock" },
	/* reflect.Select/Recv/Send park in the runtime under these (visible in debug=1) */
	{ "reflect.chanrecv", "chan receive" },
	{ "reflect.chansend", "chan send" },
	{ "reflect.rselect", "select" },
	{ "runtime.gcBgMarkWorker", "GC worker (idle)" },
	{ "runtime.bgsweep", "GC sweep wait" },
	{ "runtime.bgscavenge", "GC scavenge wait" },
	{ "runtime.runfinq", "finalizer wait" },
	{ "runtime.forcegchelper", "force gc (idle)" },
	{ "os/signal.signal_recv", "signal wait" },
	{ "runtime.gopark", "waiting" },
	{ NULL, NULL },
};

const char *mt_gr_infer_state(const mt_strtab *strings, const mt_gr_frame *frames, uint32_t n)
{
	/* only look near the leaf: parking happens within a few frames */
	uint32_t lim = n < 8 ? n : 8;
	int parked = 0;
	for (uint32_t i = 0; i < lim; i++) {
		const char *f = mt_strtab_get(strings, frames[i].func);
		if (!strcmp(f, "runtime.gopark") || !strcmp(f, "runtime.goparkunlock"))
			parked = 1;
		for (const state_rule *r = rules; r->func; r++)
			if (!strcmp(f, r->func)) {
				if (!strcmp(r->state, "waiting") && i + 1 < lim)
					break; /* a caller may say more */
				return r->state;
			}
	}
	return parked ? "waiting" : "running";
}

/* ---- to a profile (from a profile: parsers/goroutine_text.c, which normalises frames the same way) ---- */

int mt_goroutines_to_profile(mt_profile **out, const mt_goroutines *g, mt_error *err)
{
	*out = NULL;
	mt_profile *p;
	int rc = mt_profile_new(&p);
	if (rc)
		return mt_error_set(err, rc, MT_NO_OFFSET, "out of memory");
	uint32_t *locs = NULL;
	size_t locs_cap = 0;
	mt_label *labs = NULL;
	size_t labs_cap = 0;
	char sbuf[256];
	if ((rc = mt_profile_add_value_type(p, "goroutine", "count", 0, NULL)))
		goto fail;
	if ((rc = mt_profile_intern(p, "goroutine", 9, &p->default_sample_type)) ||
	    (rc = mt_profile_intern(p, g->format, strlen(g->format), &p->format)))
		goto fail;
	for (uint32_t i = 0; i < g->nbuckets; i++) {
		const mt_gr_bucket *bk = &g->buckets[i];
		if (mt_grow(&locs, &locs_cap, (size_t)bk->nframes + 1, sizeof *locs) ||
		    mt_grow(&labs, &labs_cap, (size_t)bk->nlabels + 1, sizeof *labs)) {
			rc = MT_ENOMEM;
			goto fail;
		}
		int n = snprintf(sbuf, sizeof sbuf, "[%s]", mt_strtab_get(g->strings, bk->state));
		if (n < 0)
			n = 0;
		if ((size_t)n >= sizeof sbuf)
			n = (int)sizeof sbuf - 1; /* a hostile, over-long state is cut */
		if ((rc = mt_profile_frame(p, sbuf, (size_t)n, "", 0, 0, MT_LANG_STATE, &locs[0])))
			goto fail;
		for (uint32_t k = 0; k < bk->nframes; k++) {
			const mt_gr_frame *f = &g->frames[bk->frame0 + k];
			if ((rc = mt_profile_frame(p, mt_strtab_get(g->strings, f->func),
				     mt_strtab_len(g->strings, f->func), mt_strtab_get(g->strings, f->file),
				     mt_strtab_len(g->strings, f->file), f->line, MT_LANG_GO, &locs[k + 1])))
				goto fail;
		}
		/* one label per key (pprof labels are single-valued): the bucket's most common value */
		uint32_t nl = 0;
		uint64_t best = 0;
		for (uint32_t k = 0; k < bk->nlabels; k++) {
			const mt_gr_label *l = &g->labels[bk->label0 + k];
			mt_str_id key, val;
			if ((rc = mt_profile_intern(p, mt_strtab_get(g->strings, l->key),
				     mt_strtab_len(g->strings, l->key), &key)) ||
			    (rc = mt_profile_intern(p, mt_strtab_get(g->strings, l->value),
				     mt_strtab_len(g->strings, l->value), &val)))
				goto fail;
			mt_label lab = { key, val, 0, 0 };
			if (nl && labs[nl - 1].key == key) {
				if (l->count > best) { /* keep the most common value of a key */
					labs[nl - 1] = lab;
					best = l->count;
				}
				continue;
			}
			labs[nl++] = lab;
			best = l->count;
		}
		int64_t v = bk->count > INT64_MAX ? INT64_MAX : (int64_t)bk->count;
		if ((rc = mt_profile_add_sample(p, locs, bk->nframes + 1, &v, labs, nl)))
			goto fail;
	}
	free(locs);
	free(labs);
	*out = p;
	return 0;
fail:
	free(locs);
	free(labs);
	mt_profile_free(p);
	return mt_error_set(err, rc, MT_NO_OFFSET, "converting goroutines to a profile failed: %s",
		mt_code_name(rc));
}
