/*
 * tests/unit/test_leaks_goroutine.c - goroutine leak roots, growth and
 * comparisons (analysis/leaks_goroutine.c, analysis/diff.c, render/diff.c):
 * hand-built dumps for the rules, then the ground truth of
 * ../shared/corpus/go/MANIFEST.md and samples/go/MANIFEST.md.
 */
#include <string.h>

#include "memtracer/diff.h"
#include "memtracer/memtracer.h"
#include "testlib.h"

/* ---- building dumps by hand ---- */

typedef struct gspec {
	const char *state;        /* NULL = infer */
	int64_t wait;             /* -1 = none */
	const char *funcs;        /* leaf first, ';'-separated */
	int line0;                /* frame k gets line line0 + k */
	const char *creator;      /* NULL = none */
	const char *lkey, *lval;  /* one label, or NULL */
	uint64_t count;
	int creator_line;         /* 0 = none; else the creator's call site is x.go:creator_line */
} gspec;

static int add_spec(mt_gr_builder *b, const gspec *s)
{
	mt_strtab *st = mt_gr_builder_strings(b);
	mt_gr_frame fr[32];
	uint32_t n = 0;
	const char *p = s->funcs;
	while (p && *p && n < 32) {
		const char *e = strchr(p, ';');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		const char *at = memchr(p, '@', len); /* "func@file": that file, line 1 */
		memset(&fr[n], 0, sizeof fr[n]);
		if (mt_strtab_intern(st, p, at ? (size_t)(at - p) : len, &fr[n].func) ||
		    (at ? mt_strtab_intern(st, at + 1, len - (size_t)(at + 1 - p), &fr[n].file)
			: mt_strtab_intern_cstr(st, "x.go", &fr[n].file)))
			return -1;
		fr[n].line = at ? 1 : s->line0 + (int)n;
		n++;
		p = e ? e + 1 : NULL;
	}
	mt_gr_one one;
	memset(&one, 0, sizeof one);
	one.state = s->state;
	one.state_len = s->state ? strlen(s->state) : 0;
	one.wait_minutes = s->wait;
	one.frames = fr;
	one.nframes = n;
	one.count = s->count;
	if (s->creator && mt_strtab_intern_cstr(st, s->creator, &one.created_by.func))
		return -1;
	if (s->creator_line) {
		if (mt_strtab_intern_cstr(st, "x.go", &one.created_by.file))
			return -1;
		one.created_by.line = s->creator_line;
	}
	mt_gr_label lb;
	if (s->lkey) {
		memset(&lb, 0, sizeof lb);
		if (mt_strtab_intern_cstr(st, s->lkey, &lb.key) || mt_strtab_intern_cstr(st, s->lval, &lb.value))
			return -1;
		one.labels = &lb;
		one.nlabels = 1;
	}
	return mt_gr_builder_add(b, &one);
}

static mt_goroutines *build(const char *format, const gspec *specs, size_t n)
{
	mt_gr_builder *b;
	mt_goroutines *g = NULL;
	if (mt_gr_builder_new(&b, format))
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (add_spec(b, &specs[i])) {
			mt_gr_builder_free(b);
			return NULL;
		}
	if (mt_gr_builder_finish(b, &g))
		return NULL;
	return g;
}

#define BUILD(fmt, arr) build((fmt), (arr), sizeof(arr) / sizeof(arr)[0])

static int has(const char *hay, const char *needle)
{
	return hay && strstr(hay, needle) != NULL;
}

/* The finding of @kind with @root and @state (and a stack containing @stack_has, not @stack_not). */
static const mt_finding *find(const mt_findings *fs, const char *kind, const char *root, const char *state,
	const char *stack_has, const char *stack_not, int *nmatch)
{
	char st[128];
	snprintf(st, sizeof st, "\"state\":\"%s\"", state);
	const mt_finding *hit = NULL;
	*nmatch = 0;
	for (uint32_t i = 0; i < mt_findings_count(fs); i++) {
		const mt_finding *f = mt_findings_get(fs, i);
		if (strcmp(f->kind, kind) || strcmp(f->root, root) || !has(f->json, st))
			continue;
		if ((stack_has && !has(f->json, stack_has)) || (stack_not && has(f->json, stack_not)))
			continue;
		if (!hit)
			hit = f;
		(*nmatch)++;
	}
	return hit;
}

static uint32_t count_kind(const mt_findings *fs, const char *kind)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < mt_findings_count(fs); i++)
		n += !strcmp(mt_findings_get(fs, i)->kind, kind);
	return n;
}

/* ---- rules ---- */

static void test_leaks_goroutine__own_code_rule(void)
{
	static const struct {
		const char *f;
		int own;
	} cases[] = {
		{ "main.main", 1 },
		{ "main.(*hub).wait.func1", 1 },
		{ "main.Map[...]", 1 },
		{ "github.com/acme/api.(*Client).Fetch", 1 },
		{ "gopkg.in/yaml.v3.(*parser).parse", 1 },
		{ "shopfront/internal/store.(*S).wait", 1 }, /* module path without a dot */
		{ "net/http.(*conn).serve", 0 },
		{ "net/http.(*persistConn).readLoop", 0 },
		{ "internal/poll.runtime_pollWait", 0 },
		{ "runtime.gopark", 0 },
		{ "runtime/pprof.writeGoroutine", 0 },
		{ "sync.(*WaitGroup).Wait", 0 },
		{ "time.Sleep", 0 },
		{ "context.(*cancelCtx).Done", 0 },
		{ "vendor/golang.org/x/net/http2/hpack.(*Decoder).Write", 0 },
		{ "crypto/tls.(*Conn).Read", 0 },
		{ "type:.eq.main.T", 0 },
		{ "type..eq.[2]interface {}", 0 },
		{ "sync.(*Pool[go.shape.*main.T]).Get", 0 },
		{ "0x45a1b2", 0 },
		{ "epoll_wait", 0 },
		{ "", 0 },
		{ ".", 0 },
		{ "/", 0 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		if (mt_go_func_is_own(cases[i].f, strlen(cases[i].f)) != cases[i].own)
			MT_FAIL_("mt_go_func_is_own(\"%s\") != %d", cases[i].f, cases[i].own);
}

static void test_leaks_goroutine__root_selection(void)
{
	static const gspec specs[] = {
		{ NULL, -1, "runtime.gopark;runtime.chanrecv;runtime.chanrecv2;main.(*hub).wait.func1", 10, NULL, NULL, NULL, 3, 0 },
		{ NULL, -1, "runtime.gopark;runtime.selectgo;net/http.(*Client).do;github.com/acme/api.(*C).Fetch;main.main;runtime.main",
			20, NULL, NULL, NULL, 4, 0 },
		{ NULL, -1, "runtime.gopark;runtime.selectgo;net/http.(*persistConn).readLoop;runtime.goexit", 30, NULL, NULL, NULL, 5, 0 },
		/* runtime-internal: never a finding */
		{ "select", -1, "runtime.gopark;runtime.selectgo;runtime.ensureSigM.func1;runtime.goexit", 40, NULL, NULL, NULL, 6, 0 },
		/* not blocked */
		{ "runnable", -1, "main.busy", 50, NULL, NULL, NULL, 7, 0 },
		{ "syscall", -1, "syscall.Syscall;main.read", 60, NULL, NULL, NULL, 8, 0 },
		{ "GC worker (idle)", -1, "runtime.gopark;runtime.gcBgMarkWorker", 70, NULL, NULL, NULL, 9, 0 },
		/* empty stack: nothing to name */
		{ "chan receive", -1, "", 0, NULL, NULL, NULL, 11, 0 },
	};
	mt_goroutines *g = BUILD("pprof", specs);
	CHECK(g != NULL);
	CHECK_EQ_S(mt_strtab_get(g->strings, mt_gr_bucket_root(g, &g->buckets[g->nbuckets - 1])),
		"main.(*hub).wait.func1");
	mt_findings *fs;
	mt_error err = MT_ERROR_INIT;
	CHECK_OK(mt_findings_new(&fs));
	CHECK_OK(mt_goroutine_leaks(fs, g, "in.pb", &err));
	CHECK_EQ_I(mt_findings_count(fs), 3);
	int n;
	const mt_finding *f = find(fs, "blocked-goroutines", "main.(*hub).wait.func1", "chan receive", NULL, NULL, &n);
	CHECK(f && n == 1);
	CHECK_EQ_I(f->count, 3);
	CHECK(has(f->json, "\"stack\":[\"runtime.gopark\",\"runtime.chanrecv\",\"runtime.chanrecv2\",\"main.(*hub).wait.func1\"]"));
	CHECK(has(f->json, "\"labels\":{}"));
	CHECK(has(f->json, "\"created_by\":\"\""));
	CHECK(has(f->json, "\"source\":\"in.pb\""));
	CHECK(has(f->json, "\"inferred_state\":true"));
	CHECK(has(f->json, "\"wait_known\":false"));
	CHECK(has(f->json, "\"wait_minutes_max\":0"));
	f = find(fs, "blocked-goroutines", "github.com/acme/api.(*C).Fetch", "select", NULL, NULL, &n);
	CHECK(f && n == 1 && f->count == 4);
	f = find(fs, "blocked-goroutines", "net/http.(*persistConn).readLoop", "select", NULL, NULL, &n);
	CHECK(f && n == 1 && f->count == 5);
	mt_findings_free(fs);
	mt_goroutines_free(g);
}

static void test_leaks_goroutine__states_and_weights(void)
{
	/* the same count in each state: the score order is the weight order */
	static const gspec specs[] = {
		{ "chan receive (nil chan)", -1, "main.a", 1, NULL, NULL, NULL, 2, 0 },
		{ "chan send", -1, "main.b", 1, NULL, NULL, NULL, 2, 0 },
		{ "select", -1, "main.c", 1, NULL, NULL, NULL, 2, 0 },
		{ "sync.WaitGroup.Wait", -1, "main.d", 1, NULL, NULL, NULL, 2, 0 },
		{ "IO wait", -1, "main.e", 1, NULL, NULL, NULL, 2, 0 },
		{ "sleep", -1, "main.f", 1, NULL, NULL, NULL, 2, 0 },
		{ "select (no cases)", -1, "main.g", 1, NULL, NULL, NULL, 2, 0 },
		{ "sync.Mutex.Lock (synctest)", -1, "main.h", 1, NULL, NULL, NULL, 2, 0 },
		{ "semacquire", -1, "main.i", 1, NULL, NULL, NULL, 2, 0 },
		{ "running", -1, "main.j", 1, NULL, NULL, NULL, 2, 0 },
		{ "runnable", -1, "main.k", 1, NULL, NULL, NULL, 2, 0 },
		{ "syscall", -1, "main.l", 1, NULL, NULL, NULL, 2, 0 },
		{ "force gc (idle)", -1, "main.m", 1, NULL, NULL, NULL, 2, 0 },
		{ "finalizer wait", -1, "main.n", 1, NULL, NULL, NULL, 2, 0 },
		{ "selected", -1, "main.o", 1, NULL, NULL, NULL, 2, 0 }, /* not "select" */
		{ "chan receive (leaked)", -1, "main.p", 1, NULL, NULL, NULL, 2, 0 },
	};
	mt_goroutines *g = BUILD("debug=2", specs);
	CHECK(g != NULL);
	mt_findings *fs;
	mt_error err = MT_ERROR_INIT;
	CHECK_OK(mt_findings_new(&fs));
	CHECK_OK(mt_goroutine_leaks(fs, g, "d2.txt", &err));
	mt_findings_sort(fs);
	static const char *order[] = { "main.p", "main.a", "main.g", "main.b", "main.c", "main.d", "main.h",
		"main.i", "main.e", "main.f" };
	CHECK_EQ_I(mt_findings_count(fs), 10);
	for (uint32_t i = 0; i < 10; i++)
		CHECK_EQ_S(mt_findings_get(fs, i)->root, order[i]);
	CHECK(has(mt_findings_get(fs, 0)->json, "\"wait_known\":true"));
	CHECK(has(mt_findings_get(fs, 0)->json, "\"inferred_state\":false"));
	mt_findings_free(fs);
	mt_goroutines_free(g);
}

static void test_leaks_goroutine__ranking_count_wait_singletons(void)
{
	static const gspec specs[] = {
		/* a long-lived singleton worker that waited 600 minutes: still below every group */
		{ "chan receive", 600, "runtime.gopark;runtime.chanrecv;main.(*fulfillment).worker", 1, "main.main", NULL, NULL, 1, 0 },
		{ "sleep", -1, "time.Sleep;main.poll", 1, NULL, NULL, NULL, 2, 0 },
		{ "select", 3, "main.old", 1, NULL, NULL, NULL, 5, 0 },      /* 5 x 3 x 8 = 120 */
		{ "select", 0, "main.young", 1, NULL, NULL, NULL, 10, 0 },   /* 10 x 1 x 8 = 80 */
		{ "IO wait", 1, "main.conns", 1, NULL, NULL, NULL, 30, 0 },  /* 30 x 1 x 3 = 90 */
	};
	mt_goroutines *g = BUILD("debug=2", specs);
	CHECK(g != NULL);
	mt_findings *fs;
	mt_error err = MT_ERROR_INIT;
	CHECK_OK(mt_findings_new(&fs));
	CHECK_OK(mt_goroutine_leaks(fs, g, "d2.txt", &err));
	mt_findings_sort(fs);
	CHECK_EQ_I(mt_findings_count(fs), 5);
	CHECK_EQ_S(mt_findings_get(fs, 0)->root, "main.old");
	CHECK_EQ_S(mt_findings_get(fs, 1)->root, "main.conns");
	CHECK_EQ_S(mt_findings_get(fs, 2)->root, "main.young");
	CHECK_EQ_S(mt_findings_get(fs, 3)->root, "main.poll");
	CHECK_EQ_S(mt_findings_get(fs, 4)->root, "main.(*fulfillment).worker");
	CHECK(mt_findings_get(fs, 0)->score == 120.0);
	CHECK(mt_findings_get(fs, 3)->score == 2.0);
	CHECK(mt_findings_get(fs, 4)->score < 2.0);
	const mt_finding *w = mt_findings_get(fs, 4);
	CHECK(has(w->json, "\"wait_minutes_max\":600"));
	CHECK(has(w->json, "\"created_by\":\"main.main\""));
	CHECK(has(w->detail, "up to 600 min"));
	mt_findings_free(fs);
	mt_goroutines_free(g);
}

static void test_leaks_goroutine__grouping(void)
{
	static const gspec specs[] = {
		/* one leak blocked at two lines of one function: one finding, counts and labels merged */
		{ "chan receive", 2, "runtime.gopark;runtime.chanrecv1;main.wait;main.run", 10, "main.start", "k", "b", 3, 0 },
		{ "chan receive", 5, "runtime.gopark;runtime.chanrecv2;main.wait;main.run", 20, "main.start", "k", "a", 4, 0 },
		{ "chan receive", -1, "runtime.gopark;runtime.chanrecv2;main.wait;main.run", 20, "main.start", "j", "z", 1, 0 },
		/* same root, another caller chain: another finding */
		{ "chan receive", -1, "runtime.gopark;runtime.chanrecv1;main.wait;main.other", 10, "main.start", NULL, NULL, 6, 0 },
		/* same stack, another state: another finding */
		{ "select", -1, "runtime.gopark;runtime.selectgo;main.wait;main.run", 10, NULL, NULL, NULL, 2, 0 },
	};
	mt_goroutines *g = BUILD("debug=2", specs);
	CHECK(g != NULL);
	mt_findings *fs;
	mt_error err = MT_ERROR_INIT;
	CHECK_OK(mt_findings_new(&fs));
	CHECK_OK(mt_goroutine_leaks(fs, g, "d2.txt", &err));
	CHECK_EQ_I(mt_findings_count(fs), 3);
	int n;
	const mt_finding *f = find(fs, "blocked-goroutines", "main.wait", "chan receive", "main.run", NULL, &n);
	CHECK(f && n == 1);
	CHECK_EQ_I(f->count, 8);
	CHECK(has(f->json, "\"labels\":{\"j\":[\"z\"],\"k\":[\"a\",\"b\"]}"));
	CHECK(has(f->json, "\"label_counts\":{\"j\":{\"z\":1},\"k\":{\"a\":4,\"b\":3}}"));
	CHECK(has(f->json, "\"wait_minutes_max\":5"));
	CHECK(has(f->json, "\"wait_minutes_min\":2"));
	CHECK(has(f->json, "\"buckets\":2"));
	CHECK(has(f->json, "\"created_by\":\"main.start\""));
	/* the largest bucket's stack */
	CHECK(has(f->json, "\"stack\":[\"runtime.gopark\",\"runtime.chanrecv2\",\"main.wait\",\"main.run\"]"));
	CHECK(has(f->json, "\"root_location\":\"x.go:22\""));
	f = find(fs, "blocked-goroutines", "main.wait", "chan receive", "main.other", NULL, &n);
	CHECK(f && n == 1 && f->count == 6);
	f = find(fs, "blocked-goroutines", "main.wait", "select", NULL, NULL, &n);
	CHECK(f && n == 1 && f->count == 2);
	mt_findings_free(fs);
	mt_goroutines_free(g);
}

static void test_leaks_goroutine__growth(void)
{
	static const gspec base[] = {
		{ NULL, -1, "runtime.gopark;runtime.chanrecv2;main.(*hub).wait.func1", 10, NULL, NULL, NULL, 4, 0 },
		{ NULL, -1, "runtime.gopark;runtime.chanrecv2;main.worker", 10, NULL, NULL, NULL, 1, 0 },
		{ NULL, -1, "runtime.gopark;runtime.selectgo;main.shrinks", 10, NULL, NULL, NULL, 9, 0 },
		{ NULL, -1, "runtime.gopark;runtime.selectgo;main.gone", 10, NULL, NULL, NULL, 2, 0 },
	};
	static const gspec later[] = {
		{ "chan receive", 1, "runtime.gopark;runtime.chanrecv2;main.(*hub).wait.func1", 11, "main.(*hub).wait", NULL, NULL, 416, 0 },
		{ "chan receive", 1, "runtime.gopark;runtime.chanrecv2;main.worker", 10, "main.main", NULL, NULL, 1, 0 },
		{ "select", 1, "runtime.gopark;runtime.selectgo;main.shrinks", 10, NULL, NULL, NULL, 3, 0 },
		{ "select", -1, "runtime.gopark;runtime.selectgo;main.fresh", 10, NULL, NULL, NULL, 2, 0 },
		{ "runnable", -1, "main.spinner", 10, NULL, NULL, NULL, 50, 0 },
	};
	mt_goroutines *b = BUILD("pprof", base), *l = BUILD("debug=2", later);
	CHECK(b && l);
	mt_findings *fs;
	mt_error err = MT_ERROR_INIT;
	CHECK_OK(mt_findings_new(&fs));
	CHECK_OK(mt_goroutine_growth(fs, b, l, "later.txt", &err));
	CHECK_EQ_I(mt_findings_count(fs), 2);
	int n;
	const mt_finding *f = find(fs, "goroutine-growth", "main.(*hub).wait.func1", "chan receive", NULL, NULL, &n);
	CHECK(f && n == 1);
	CHECK_EQ_I(f->count, 416);
	CHECK(has(f->json, "\"delta\":412,\"base_count\":4"));
	CHECK(has(f->json, "\"created_by\":\"main.(*hub).wait\""));
	CHECK(has(f->detail, "+412"));
	f = find(fs, "goroutine-growth", "main.fresh", "select", NULL, NULL, &n);
	CHECK(f && n == 1 && has(f->json, "\"delta\":2,\"base_count\":0"));

	/* the diff rows: every group, |delta| desc, negative deltas kept */
	mt_gr_diff *d;
	CHECK_OK(mt_goroutines_diff(&d, b, l, &err));
	CHECK_EQ_I(d->nrows, 6);
	CHECK_EQ_I(d->rows[0].delta, 412);
	CHECK_EQ_S(mt_strtab_get(d->strings, d->rows[0].root), "main.(*hub).wait.func1");
	CHECK_EQ_I(d->rows[1].delta, 50);
	CHECK_EQ_I(d->rows[2].delta, -6);
	CHECK_EQ_I(d->rows[2].base_count, 9);
	CHECK_EQ_I(d->rows[2].new_count, 3);
	CHECK_EQ_I(d->rows[3].delta, 2); /* ties on |delta|: by root name, main.fresh before main.gone */
	CHECK_EQ_S(mt_strtab_get(d->strings, d->rows[3].root), "main.fresh");
	CHECK_EQ_I(d->rows[4].delta, -2);
	CHECK_EQ_I(d->rows[5].delta, 0); /* the worker, unchanged, is kept as a row */
	mt_membuf mb = { 0 };
	mt_sink s = mt_sink_membuf(&mb);
	CHECK_OK(mt_render_gr_diff_text(d, &s, &err));
	CHECK_EQ_S(mb.data,
		"+412 goroutines in main.(*hub).wait.func1 [chan receive]\n"
		"+50 goroutines in main.spinner [runnable]\n"
		"-6 goroutines in main.shrinks [select]\n"
		"+2 goroutines in main.fresh [select]\n"
		"-2 goroutines in main.gone [select]\n"
		"total: +456 goroutines (16 -> 472)\n");
	mt_membuf_free(&mb);
	s = mt_sink_membuf(&mb);
	CHECK_OK(mt_render_gr_diff_json(d, &s, &err));
	CHECK(has(mb.data, "{\"kind\":\"goroutine-diff\",\"base_total\":16,\"new_total\":472,\"rows\":["));
	CHECK(has(mb.data, "{\"root\":\"main.shrinks\",\"state\":\"select\",\"base\":9,\"new\":3,\"delta\":-6,"
			   "\"stack\":[\"runtime.gopark\",\"runtime.selectgo\",\"main.shrinks\"]}"));
	CHECK(!has(mb.data, "main.worker"));
	mt_membuf_free(&mb);
	mt_gr_diff_free(d);
	mt_findings_free(fs);
	mt_goroutines_free(b);
	mt_goroutines_free(l);
}

/* debug=1 hides the leading runtime frames: a weak "running" inference still matches a stated state. */
static void test_leaks_goroutine__diff_mixed_formats(void)
{
	static const gspec d1[] = {
		{ NULL, -1, "main.(*hub).wait.func1", 87, NULL, NULL, NULL, 4, 0 },
		{ NULL, -1, "internal/poll.runtime_pollWait;net.(*conn).Read;main.serve", 5, NULL, NULL, NULL, 2, 0 },
	};
	static const gspec d2[] = {
		{ "chan receive", -1, "runtime.gopark;runtime.chanrecv2;main.(*hub).wait.func1", 87, NULL, NULL, NULL, 40, 0 },
		{ "IO wait", -1, "runtime.gopark;runtime.netpollblock;internal/poll.runtime_pollWait;net.(*conn).Read;main.serve",
			3, NULL, NULL, NULL, 2, 0 },
	};
	mt_goroutines *b = BUILD("debug=1", d1), *l = BUILD("debug=2", d2);
	CHECK(b && l);
	mt_error err = MT_ERROR_INIT;
	mt_gr_diff *d;
	CHECK_OK(mt_goroutines_diff(&d, b, l, &err));
	CHECK_EQ_I(d->nrows, 2);
	CHECK_EQ_I(d->rows[0].delta, 36);
	CHECK_EQ_S(mt_strtab_get(d->strings, d->rows[0].state), "chan receive");
	CHECK_EQ_I(d->rows[1].delta, 0);
	mt_gr_diff_free(d);
	/* and the other way round: the row keeps the stated state */
	CHECK_OK(mt_goroutines_diff(&d, l, b, &err));
	CHECK_EQ_I(d->nrows, 2);
	CHECK_EQ_I(d->rows[0].delta, -36);
	CHECK_EQ_S(mt_strtab_get(d->strings, d->rows[0].state), "chan receive");
	mt_gr_diff_free(d);
	mt_goroutines_free(b);
	mt_goroutines_free(l);

	/* a stated state pairs with the weak group of the same functions, not with another stated one */
	static const gspec sb[] = { { "select", -1, "main.f", 1, NULL, NULL, NULL, 5, 0 } };
	static const gspec sn[] = {
		{ "chan receive", -1, "main.f", 2, NULL, NULL, NULL, 9, 0 },
		{ NULL, -1, "main.f", 3, NULL, NULL, NULL, 7, 0 },
	};
	b = BUILD("debug=2", sb);
	l = BUILD("debug=1", sn);
	CHECK(b && l);
	CHECK_OK(mt_goroutines_diff(&d, b, l, &err));
	CHECK_EQ_I(d->nrows, 2);
	CHECK_EQ_I(d->rows[0].delta, 9);
	CHECK_EQ_S(mt_strtab_get(d->strings, d->rows[0].state), "chan receive");
	CHECK_EQ_I(d->rows[1].delta, 2);
	CHECK_EQ_I(d->rows[1].base_count, 5);
	CHECK_EQ_S(mt_strtab_get(d->strings, d->rows[1].state), "select");
	mt_gr_diff_free(d);
	mt_goroutines_free(b);
	mt_goroutines_free(l);
}

/* crash tracebacks show the wrapper the compiler makes for a `go` statement: looked through */
static void test_leaks_goroutine__go_wrapper_frames(void)
{
	static const gspec tb[] = {
		/* readLoop <- dialConn.func5 (x.go:13, the go statement's line) <- goexit */
		{ "select", 1, "runtime.gopark;runtime.selectgo;net/http.(*persistConn).readLoop;net/http.(*Transport).dialConn.func5;"
			"runtime.goexit", 10, "net/http.(*Transport).dialConn", NULL, NULL, 20, 13 },
		/* Go 1.21+ names them gowrapN; <autogenerated> promoted-method wrappers are skipped too */
		{ "IO wait", 1, "internal/poll.runtime_pollWait;net/http.(*onceCloseListener).Accept@<autogenerated>;"
			"net/http.(*Server).Serve;main.main.gowrap2", 30, "main.main", NULL, NULL, 1, 33 },
		/* a real closure (another line than the go statement) is code: the root */
		{ "chan receive", 1, "runtime.gopark;runtime.chanrecv;main.start.func1", 50, "main.start", NULL, NULL, 4, 40 },
		/* a stdlib closure that is not at the creator's line: the outermost frame */
		{ "select", 1, "runtime.gopark;runtime.selectgo;net/http.(*Server).Serve.func3x", 60, "net/http.(*Server).Serve",
			NULL, NULL, 3, 62 },
	};
	static const gspec d2[] = {
		{ "select", 1, "runtime.gopark;runtime.selectgo;net/http.(*persistConn).readLoop", 10,
			"net/http.(*Transport).dialConn", NULL, NULL, 2, 13 },
	};
	mt_goroutines *g = BUILD("traceback", tb), *b = BUILD("debug=2", d2);
	CHECK(g && b);
	mt_findings *fs;
	mt_error err = MT_ERROR_INIT;
	CHECK_OK(mt_findings_new(&fs));
	CHECK_OK(mt_goroutine_leaks(fs, g, "tb.txt", &err));
	CHECK_EQ_I(mt_findings_count(fs), 4);
	int n;
	const mt_finding *f = find(fs, "blocked-goroutines", "net/http.(*persistConn).readLoop", "select", NULL, NULL, &n);
	CHECK(f && n == 1 && f->count == 20);
	CHECK(mt_gr_frame_is_wrapper(g, &g->buckets[0], 3) && mt_gr_frame_is_wrapper(g, &g->buckets[0], 4));
	CHECK(!mt_gr_frame_is_wrapper(g, &g->buckets[0], 2) && !mt_gr_frame_is_wrapper(g, &g->buckets[0], 99));
	/* the stack is shown as dumped */
	CHECK(has(f->json, "\"net/http.(*Transport).dialConn.func5\",\"runtime.goexit\"]"));
	f = find(fs, "blocked-goroutines", "net/http.(*Server).Serve", "IO wait", NULL, NULL, &n);
	CHECK(f && n == 1);
	f = find(fs, "blocked-goroutines", "main.start.func1", "chan receive", NULL, NULL, &n);
	CHECK(f && n == 1);
	f = find(fs, "blocked-goroutines", "net/http.(*Server).Serve.func3x", "select", NULL, NULL, &n);
	CHECK(f && n == 1);
	/* and it compares equal to the debug=2 bucket without the wrapper */
	CHECK_OK(mt_goroutine_growth(fs, b, g, "tb.txt", &err));
	f = find(fs, "goroutine-growth", "net/http.(*persistConn).readLoop", "select", NULL, NULL, &n);
	CHECK(f && n == 1);
	CHECK(has(f->json, "\"delta\":18,\"base_count\":2"));
	mt_findings_free(fs);
	mt_goroutines_free(g);
	mt_goroutines_free(b);
}

/* debug=1 hides the park site: a user-code leaf is "waiting", the profile writer itself is running */
static void test_leaks_goroutine__debug1_hidden_park(void)
{
	static const gspec specs[] = {
		{ NULL, -1, "main.(*hub).wait.func1", 87, NULL, NULL, NULL, 40, 0 },
		{ NULL, -1, "internal/poll.runtime_pollWait;net.(*conn).Read;main.serve", 5, NULL, NULL, NULL, 2, 0 },
		{ NULL, -1, "runtime/pprof.runtime_goroutineProfileWithLabels;runtime/pprof.writeGoroutine;net/http.(*conn).serve",
			5, NULL, NULL, NULL, 1, 0 },
	};
	mt_goroutines *g = BUILD("debug=1", specs);
	CHECK(g != NULL);
	mt_findings *fs;
	mt_error err = MT_ERROR_INIT;
	CHECK_OK(mt_findings_new(&fs));
	CHECK_OK(mt_goroutine_leaks(fs, g, "d1.txt", &err));
	CHECK_EQ_I(mt_findings_count(fs), 2);
	int n;
	const mt_finding *f = find(fs, "blocked-goroutines", "main.(*hub).wait.func1", "waiting", NULL, NULL, &n);
	CHECK(f && n == 1 && f->count == 40);
	CHECK(has(f->json, "\"inferred_state\":true"));
	f = find(fs, "blocked-goroutines", "main.serve", "IO wait", NULL, NULL, &n);
	CHECK(f && n == 1 && f->count == 2);
	mt_findings_free(fs);
	mt_goroutines_free(g);
	/* the same stacks from pprof are not hidden: "running" stays running */
	g = BUILD("pprof", specs);
	CHECK(g != NULL);
	CHECK_OK(mt_findings_new(&fs));
	CHECK_OK(mt_goroutine_leaks(fs, g, "p.pb", &err));
	CHECK_EQ_I(mt_findings_count(fs), 1);
	mt_findings_free(fs);
	mt_goroutines_free(g);
}

static void test_leaks_goroutine__hostile(void)
{
	static const gspec specs[] = {
		{ "chan receive", INT64_MAX, "main.a", 1, NULL, NULL, NULL, UINT64_MAX / 2, 0 },
		{ "chan receive", -1, "main.a", 2, NULL, NULL, NULL, UINT64_MAX / 2, 0 },
		{ "chan receive", -1, "main.a", 3, NULL, NULL, NULL, UINT64_MAX / 2, 0 },
		{ "select", -1, "", 0, NULL, NULL, NULL, 5, 0 },
		{ "", -1, "main.\"quoted\"\n</script>", 0, NULL, "k\x01", "v\xff", 3, 0 },
	};
	mt_goroutines *g = BUILD("debug=2", specs);
	CHECK(g != NULL);
	mt_findings *fs;
	mt_error err = MT_ERROR_INIT;
	CHECK_OK(mt_findings_new(&fs));
	CHECK_OK(mt_goroutine_leaks(fs, g, "h.txt", &err));
	int n;
	const mt_finding *f = find(fs, "blocked-goroutines", "main.a", "chan receive", NULL, NULL, &n);
	CHECK(f && n == 1);
	CHECK_EQ_I(f->count, INT64_MAX);
	CHECK(f->score > 0);
	mt_gr_diff *d;
	CHECK_OK(mt_goroutines_diff(&d, NULL, g, &err));
	mt_membuf mb = { 0 };
	mt_sink s = mt_sink_membuf(&mb);
	CHECK_OK(mt_render_gr_diff_text(d, &s, &err));
	CHECK(!has(mb.data, "\n</script>"));
	mt_membuf_free(&mb);
	s = mt_sink_membuf(&mb);
	CHECK_OK(mt_render_gr_diff_json(d, &s, &err));
	CHECK(!has(mb.data, "</script>"));
	mt_membuf_free(&mb);
	mt_gr_diff_free(d);
	CHECK_OK(mt_goroutine_growth(fs, g, g, "h.txt", &err)); /* nothing grew */
	CHECK_EQ_I(count_kind(fs, "goroutine-growth"), 0);
	mt_findings_free(fs);
	mt_goroutines_free(g);

	/* an empty dump */
	mt_goroutines *e = build("pprof", NULL, 0);
	CHECK(e != NULL);
	CHECK_OK(mt_findings_new(&fs));
	CHECK_OK(mt_goroutine_leaks(fs, e, "e", &err));
	CHECK_EQ_I(mt_findings_count(fs), 0);
	CHECK_OK(mt_goroutines_diff(&d, e, e, &err));
	CHECK_EQ_I(d->nrows, 0);
	mb.data = NULL;
	mb.len = mb.cap = 0;
	s = mt_sink_membuf(&mb);
	CHECK_OK(mt_render_gr_diff_text(d, &s, &err));
	CHECK_EQ_S(mb.data, "no change (0 goroutines)\n");
	mt_membuf_free(&mb);
	s = mt_sink_membuf(&mb);
	CHECK_OK(mt_render_gr_diff_json(d, &s, &err));
	CHECK_EQ_S(mb.data, "{\"kind\":\"goroutine-diff\",\"base_total\":0,\"new_total\":0,\"rows\":[]}\n");
	mt_membuf_free(&mb);
	mt_gr_diff_free(d);
	CHECK(mt_goroutine_leaks(NULL, e, "e", &err) == MT_EINVAL);
	mt_findings_free(fs);
	mt_goroutines_free(e);
}

/* ---- profile diff (pprof -diff_base) ---- */

static mt_profile *small_profile(const char *type, int64_t a, int64_t b)
{
	mt_profile *p;
	if (mt_profile_new(&p))
		return NULL;
	uint32_t m, fa, fb;
	mt_profile_add_value_type(p, type, "bytes", 0, NULL);
	mt_profile_frame(p, "main", 4, "", 0, 0, MT_LANG_GO, &m);
	mt_profile_frame(p, "a", 1, "", 0, 0, MT_LANG_GO, &fa);
	mt_profile_frame(p, "b", 1, "", 0, 0, MT_LANG_GO, &fb);
	uint32_t sa[] = { fa, m }, sb[] = { fb, m };
	mt_profile_add_sample(p, sa, 2, &a, NULL, 0);
	mt_profile_add_sample(p, sb, 2, &b, NULL, 0);
	p->duration_nanos = 7;
	return p;
}

static int64_t top_flat(const mt_top *t, const char *name)
{
	for (uint32_t i = 0; i < t->nrows; i++)
		if (!strcmp(mt_strtab_get(t->strings, t->rows[i].name), name))
			return t->rows[i].flat;
	return INT64_MIN;
}

static void test_leaks_goroutine__profile_diff(void)
{
	mt_profile *base = small_profile("inuse_space", 100, 50), *newp = small_profile("inuse_space", 140, 20);
	mt_profile *other = small_profile("alloc_space", 1, 1);
	mt_profile *extreme = small_profile("inuse_space", INT64_MIN, 0);
	CHECK(base && newp && other && extreme);
	mt_error err = MT_ERROR_INIT;
	mt_profile *d;
	CHECK_OK(mt_profile_diff(&d, base, newp, &err));
	CHECK_OK(mt_profile_validate(d, &err));
	CHECK_EQ_I(mt_profile_total(d, 0), 10);
	CHECK_EQ_I(d->duration_nanos, 7);
	mt_top *t;
	mt_top_opts o = MT_TOP_OPTS_INIT;
	CHECK_OK(mt_top_build(&t, d, &o, &err));
	CHECK_EQ_I(top_flat(t, "a"), 40);
	CHECK_EQ_I(top_flat(t, "b"), -30);
	mt_top_free(t);
	mt_profile_free(d);
	/* base unchanged */
	CHECK_EQ_I(mt_profile_total(base, 0), 150);

	mt_error e2 = MT_ERROR_INIT;
	CHECK(mt_profile_diff(&d, base, other, &e2) == MT_EINVAL);
	CHECK(d == NULL);
	CHECK(has(e2.msg, "inuse_space/bytes") && has(e2.msg, "alloc_space/bytes"));

	/* negating INT64_MIN saturates */
	CHECK_OK(mt_profile_diff(&d, extreme, base, &err));
	CHECK_OK(mt_top_build(&t, d, &o, &err));
	CHECK_EQ_I(top_flat(t, "a"), INT64_MAX);
	mt_top_free(t);
	mt_profile_free(d);
	mt_profile_free(base);
	mt_profile_free(newp);
	mt_profile_free(other);
	mt_profile_free(extreme);
}

/* ---- ground truth: ../shared/corpus/go (shopfront) ---- */

typedef struct exp_row {
	const char *root, *state;
	int64_t count, base;
	const char *created_by;    /* NULL = not checked */
	const char *labels;        /* the "labels" object */
	const char *label_counts;  /* NULL = not checked */
	const char *stack_has, *stack_not;
} exp_row;

#define SHOP_C0FFEE "{\"mem_trace_id\":[\"mem-trace-c0ffee01\",\"mem-trace-c0ffee02\"]}"
#define SHOP_C0FFEE_N "{\"mem_trace_id\":{\"mem-trace-c0ffee01\":10,\"mem-trace-c0ffee02\":10}}"

/* MANIFEST.md "Ground truth: leaked goroutines", rows 1-5 */
static const exp_row shopfront[] = {
	{ "main.(*orderService).watch.func1", "chan receive", 40, 4, "main.(*orderService).watch",
		"{\"mem_trace_id\":[\"mem-trace-4f1c0a01\",\"mem-trace-4f1c0a02\",\"mem-trace-4f1c0a03\",\"mem-trace-4f1c0a04\"]}",
		"{\"mem_trace_id\":{\"mem-trace-4f1c0a01\":10,\"mem-trace-4f1c0a02\":10,\"mem-trace-4f1c0a03\":10,\"mem-trace-4f1c0a04\":10}}",
		NULL, NULL },
	{ "main.(*inventoryHub).subscribe.func1", "select", 25, 3, "main.(*inventoryHub).subscribe",
		"{\"mem_trace_id\":[\"mem-trace-9e77b0c5\"]}", "{\"mem_trace_id\":{\"mem-trace-9e77b0c5\":25}}", NULL, NULL },
	{ "main.startPriceTicker.func1", "select", 15, 2, "main.startPriceTicker", "{}", "{}", NULL, NULL },
	{ "net/http.(*persistConn).readLoop", "select", 20, 2, "net/http.(*Transport).dialConn", SHOP_C0FFEE, SHOP_C0FFEE_N,
		NULL, NULL },
	{ "net/http.(*persistConn).writeLoop", "select", 20, 2, "net/http.(*Transport).dialConn", SHOP_C0FFEE,
		SHOP_C0FFEE_N, NULL, NULL },
	{ "net/http.(*conn).serve", "IO wait", 20, 2, "net/http.(*Server).Serve", "{}", "{}",
		"\"net/textproto.(*Reader).ReadLine\"", "ReadMIMEHeader" },
	{ "net/http.(*conn).serve", "IO wait", 12, 0, "net/http.(*Server).Serve", "{}", "{}",
		"\"net/textproto.(*Reader).ReadMIMEHeader\"", NULL },
};

/*
 * What a format states: debug=2 and tracebacks have states, creators and
 * waits but no labels; pprof and debug=1 have labels only.
 */
enum { CHK_CREATOR = 1, CHK_STATE = 2, CHK_LABELS = 4 };

/* The finding of @kind for row @e (by state too when CHK_STATE); *n = how many matched. */
static const mt_finding *find_row(const mt_findings *fs, const char *kind, const exp_row *e, int flags, int *n)
{
	if (flags & CHK_STATE)
		return find(fs, kind, e->root, e->state, e->stack_has, e->stack_not, n);
	const mt_finding *f = NULL;
	*n = 0;
	for (uint32_t k = 0; k < mt_findings_count(fs); k++) {
		const mt_finding *x = mt_findings_get(fs, k);
		if (!strcmp(x->kind, kind) && !strcmp(x->root, e->root) && (!e->stack_has || has(x->json, e->stack_has)) &&
		    (!e->stack_not || !has(x->json, e->stack_not))) {
			f = f ? f : x;
			(*n)++;
		}
	}
	return f;
}

/*
 * Every MANIFEST row is found exactly once with its count (and delta),
 * state, creator, labels, wait and source; every other finding of @kind
 * (the steady-state worker @control among them) ranks below all of them.
 */
static void check_rows(const mt_findings *fs, const char *kind, const exp_row *rows, size_t nrows, int flags,
	int64_t wait, const char *control, const char *file)
{
	int growth = !strcmp(kind, "goroutine-growth");
	double lowest = -1;
	const mt_finding *hit[16] = { 0 };
	for (size_t i = 0; i < nrows && i < 16; i++) {
		const exp_row *e = &rows[i];
		int n;
		const mt_finding *f = find_row(fs, kind, e, flags, &n);
		if (!f || n != 1)
			MT_FAIL_("%s: %s %s [%s]: %d findings, expected 1", file, kind, e->root, e->state, n);
		hit[i] = f;
		char buf[512];
		if (f->count != e->count)
			MT_FAIL_("%s: %s [%s]: count %lld, expected %lld", file, e->root, e->state, (long long)f->count,
				(long long)e->count);
		if (growth) {
			snprintf(buf, sizeof buf, "\"delta\":%lld,\"base_count\":%lld", (long long)(e->count - e->base),
				(long long)e->base);
			if (!has(f->json, buf))
				MT_FAIL_("%s: %s [%s]: expected %s in %s", file, e->root, e->state, buf, f->json);
		}
		snprintf(buf, sizeof buf, "\"created_by\":\"%s\"", (flags & CHK_CREATOR) ? e->created_by : "");
		if ((e->created_by || !(flags & CHK_CREATOR)) && !has(f->json, buf))
			MT_FAIL_("%s: %s [%s]: expected %s in %s", file, e->root, e->state, buf, f->json);
		snprintf(buf, sizeof buf, "\"labels\":%s", (flags & CHK_LABELS) ? e->labels : "{}");
		if (!has(f->json, buf))
			MT_FAIL_("%s: %s [%s]: expected %s in %s", file, e->root, e->state, buf, f->json);
		snprintf(buf, sizeof buf, "\"label_counts\":%s", e->label_counts ? e->label_counts : "");
		if ((flags & CHK_LABELS) && e->label_counts && !has(f->json, buf))
			MT_FAIL_("%s: %s [%s]: expected %s in %s", file, e->root, e->state, buf, f->json);
		if (wait >= 0) {
			snprintf(buf, sizeof buf, "\"wait_minutes_max\":%lld,", (long long)wait);
			if (!has(f->json, buf))
				MT_FAIL_("%s: %s [%s]: expected %s in %s", file, e->root, e->state, buf, f->json);
		}
		snprintf(buf, sizeof buf, "\"source\":\"%s\"", file);
		if (!has(f->json, buf))
			MT_FAIL_("%s: %s: expected %s", file, e->root, buf);
		if (lowest < 0 || f->score < lowest)
			lowest = f->score;
	}
	int control_seen = 0;
	for (uint32_t k = 0; k < mt_findings_count(fs); k++) {
		const mt_finding *x = mt_findings_get(fs, k);
		int is_row = 0;
		for (size_t i = 0; i < nrows && i < 16; i++)
			is_row |= hit[i] == x;
		if (strcmp(x->kind, kind) || is_row)
			continue;
		if (control && !strcmp(x->root, control)) {
			control_seen = 1;
			if (growth)
				MT_FAIL_("%s: the steady-state control %s must not grow", file, control);
			if (x->count != 1)
				MT_FAIL_("%s: control %s: count %lld, expected 1", file, control, (long long)x->count);
		}
		if (x->score >= lowest)
			MT_FAIL_("%s: %s (%lld, score %g) ranks with the real leaks (lowest %g)", file, x->root,
				(long long)x->count, x->score, lowest);
	}
	if (control && !growth && !control_seen)
		MT_FAIL_("%s: the control %s is blocked: expected a (low-ranked) finding", file, control);
}

static mt_goroutines *load_pb(const char *path, mt_error *err)
{
	mt_input in;
	mt_profile *p = NULL;
	mt_goroutines *g = NULL;
	if (mt_input_read(&in, path, 0, err))
		return NULL;
	if (!mt_read_pprof(&p, in.data, in.len, NULL, err))
		mt_goroutines_from_profile(&g, p, err);
	mt_profile_free(p);
	mt_input_free(&in);
	return g;
}

/* pprof files through mt_goroutines_from_profile, text dumps through the text reader */
static mt_goroutines *load_any(const char *path, mt_error *err)
{
	size_t n = strlen(path);
	if (n > 6 && !strcmp(path + n - 6, ".pb.gz"))
		return load_pb(path, err);
	mt_read_opts o = MT_READ_OPTS_INIT;
	mt_goroutines *g = NULL;
	if (mt_goroutines_load(&g, path, &o, err))
		return NULL;
	return g;
}

#define NROWS(a) (sizeof(a) / sizeof(a)[0])

static void leaks_file(const char *dir, const char *name, const exp_row *rows, size_t nrows, int flags, int64_t wait,
	const char *control)
{
	char path[2048];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	mt_error err = MT_ERROR_INIT;
	mt_goroutines *g = load_any(path, &err);
	if (!g)
		MT_FAIL_("%s: %s", path, err.msg);
	mt_findings *fs;
	CHECK_OK(mt_findings_new(&fs));
	CHECK_OK(mt_goroutine_leaks(fs, g, path, &err));
	mt_findings_sort(fs);
	mt_goroutines_free(g);
	int before = mt_t_failed;
	check_rows(fs, "blocked-goroutines", rows, nrows, flags, wait, control, path);
	if (mt_t_failed != before) {
		mt_membuf mb = { 0 };
		mt_sink s = mt_sink_membuf(&mb);
		mt_render_findings_text(fs, &s, &err);
		fprintf(stderr, "%s", mb.data ? mb.data : "");
		mt_membuf_free(&mb);
	}
	mt_findings_free(fs);
}

static void growth_files(const char *dir, const char *base, const char *later, const exp_row *rows, size_t nrows,
	int flags, const char *control)
{
	char pb[2048], pl[2048];
	snprintf(pb, sizeof pb, "%s/%s", dir, base);
	snprintf(pl, sizeof pl, "%s/%s", dir, later);
	mt_error err = MT_ERROR_INIT;
	mt_goroutines *b = load_any(pb, &err);
	if (!b)
		MT_FAIL_("%s: %s", pb, err.msg);
	mt_goroutines *l = load_any(pl, &err);
	if (!l) {
		mt_goroutines_free(b);
		MT_FAIL_("%s: %s", pl, err.msg);
	}
	mt_findings *fs;
	CHECK_OK(mt_findings_new(&fs));
	CHECK_OK(mt_goroutine_growth(fs, b, l, pl, &err));
	mt_findings_sort(fs);
	mt_goroutines_free(b);
	mt_goroutines_free(l);
	int before = mt_t_failed;
	check_rows(fs, "goroutine-growth", rows, nrows, flags, -1, control, pl);
	if (mt_t_failed == before && count_kind(fs, "goroutine-growth") != nrows)
		MT_FAIL_("%s -> %s: %u growth findings, expected %zu", pb, pl, count_kind(fs, "goroutine-growth"), nrows);
	mt_findings_free(fs);
}

static void test_leaks_goroutine__corpus_pprof(void)
{
	const char *sh = mt_t_shared();
	if (!sh) {
		printf("# skip: MT_SHARED not set\n");
		return;
	}
	char dir[1024];
	snprintf(dir, sizeof dir, "%s/corpus/go", sh);
	/* pprof: states inferred, no creators, no waits */
	leaks_file(dir, "goroutine.leaked.pb.gz", shopfront, NROWS(shopfront), CHK_STATE | CHK_LABELS, 0,
		"main.(*fulfillment).worker");
	growth_files(dir, "goroutine.baseline.pb.gz", "goroutine.leaked.pb.gz", shopfront, NROWS(shopfront),
		CHK_STATE | CHK_LABELS,
		"main.(*fulfillment).worker");
}

static void test_leaks_goroutine__corpus_text(void)
{
	const char *sh = mt_t_shared();
	if (!sh) {
		printf("# skip: MT_SHARED not set\n");
		return;
	}
	char dir[1024];
	snprintf(dir, sizeof dir, "%s/corpus/go", sh);
	const char *w = "main.(*fulfillment).worker";
	leaks_file(dir, "goroutine.leaked.debug2.txt", shopfront, NROWS(shopfront), CHK_STATE | CHK_CREATOR, 0, w);
	leaks_file(dir, "goroutine.aged.debug2.txt", shopfront, NROWS(shopfront), CHK_STATE | CHK_CREATOR, 1, w);
	leaks_file(dir, "sigquit.traceback.txt", shopfront, NROWS(shopfront), CHK_STATE | CHK_CREATOR, 1, w);
	leaks_file(dir, "goroutine.leaked.debug1.txt", shopfront, NROWS(shopfront), CHK_STATE | CHK_LABELS, 0, w);
	leaks_file(dir, "goroutine.aged.debug1.txt", shopfront, NROWS(shopfront), CHK_STATE | CHK_LABELS, 0, w);
	/* any mix of formats */
	growth_files(dir, "goroutine.baseline.debug1.txt", "goroutine.leaked.debug2.txt", shopfront, NROWS(shopfront),
		CHK_STATE | CHK_CREATOR, w);
	growth_files(dir, "goroutine.baseline.pb.gz", "goroutine.aged.debug2.txt", shopfront, NROWS(shopfront),
		CHK_STATE | CHK_CREATOR, w);
	growth_files(dir, "goroutine.baseline.debug1.txt", "goroutine.leaked.debug1.txt", shopfront, NROWS(shopfront),
		CHK_STATE | CHK_LABELS, w);
}

/* ---- ../shared/fixtures: MANIFEST E10 (uber-go/goleak) and E11 (DataDog/gostackparse) ---- */

/* E10: goroutines 4 (IO wait, net/http.Serve, not main.start), 20/21 (select, readLoop/writeLoop), 8 (IO wait,
 * net/http.(*conn).serve, not net/http.(*Server).Serve); goroutine 1 runs. */
static const exp_row goleak_http[] = {
	{ "net/http.(*persistConn).readLoop", "select", 1, 0, "net/http.(*Transport).dialConn", "{}", "{}", NULL, NULL },
	{ "net/http.(*persistConn).writeLoop", "select", 1, 0, "net/http.(*Transport).dialConn", "{}", "{}", NULL, NULL },
	{ "net/http.(*conn).serve", "IO wait", 1, 0, "net/http.(*Server).Serve", "{}", "{}", NULL, NULL },
	{ "net/http.Serve", "IO wait", 1, 0, "main.start", "{}", "{}", NULL, NULL },
};

/* E11 waitsince.golden.json: states, creators, waits of 1 minute; goroutine 1 runs. Goroutines 22 and 4 share a
 * stack (one bucket) but not a creator, so that row's creator is not checked. */
static const exp_row gostackparse_waitsince[] = {
	{ "main.shortSleepLoop", "sleep", 2, 0, NULL, "{}", "{}", NULL, NULL },
	{ "main.chanReceiveForever", "chan receive", 1, 0, "main.main", "{}", "{}", NULL, NULL },
	{ "net/http.(*persistConn).writeLoop", "select", 1, 0, "net/http.(*Transport).dialConn", "{}", "{}", NULL, NULL },
	{ "net/http.(*persistConn).readLoop", "IO wait", 1, 0, "net/http.(*Transport).dialConn", "{}", "{}", NULL, NULL },
	{ "main.main.func1", "IO wait", 1, 0, "main.main", "{}", "{}", NULL, NULL },
	{ "net/http.(*conn).serve", "IO wait", 1, 0, "net/http.(*Server).Serve", "{}", "{}", NULL, NULL },
	{ "main.sleepLoop", "sleep", 1, 0, "main.main", "{}", "{}", NULL, NULL },
};

static void test_leaks_goroutine__fixtures(void)
{
	const char *sh = mt_t_shared();
	if (!sh) {
		printf("# skip: MT_SHARED not set\n");
		return;
	}
	char dir[1024];
	snprintf(dir, sizeof dir, "%s/fixtures/uber-go__goleak/internal/stack/testdata", sh);
	static const char *goleak[] = { "http.txt", "http.go1.20.txt", "http.tracebackancestors.txt" };
	for (size_t i = 0; i < 3; i++)
		leaks_file(dir, goleak[i], goleak_http, NROWS(goleak_http), CHK_STATE | CHK_CREATOR, 0, NULL);
	snprintf(dir, sizeof dir, "%s/fixtures/DataDog__gostackparse/test-fixtures", sh);
	leaks_file(dir, "waitsince.txt", gostackparse_waitsince, NROWS(gostackparse_waitsince), CHK_STATE | CHK_CREATOR,
		1, NULL);
	/* every other fixture: whatever the reader accepts, the detector handles */
	static const char *other[] = { "ancestors.txt", "cgo.txt", "empty_input.txt", "empty_stack.txt",
		"errorhandling.txt", "frameselided.txt", "frameselided_goroutine.txt", "go121_createdby.txt", "lockedm.txt",
		"partial_createdby.txt", "partial_stack.txt", "windows.txt" };
	for (size_t i = 0; i < NROWS(other); i++) {
		char path[2048];
		snprintf(path, sizeof path, "%s/%s", dir, other[i]);
		mt_error err = MT_ERROR_INIT;
		mt_goroutines *g = load_any(path, &err);
		if (!g)
			continue;
		mt_findings *fs;
		CHECK_OK(mt_findings_new(&fs));
		CHECK_OK(mt_goroutine_leaks(fs, g, path, &err));
		CHECK_OK(mt_goroutine_growth(fs, g, g, path, &err));
		CHECK_EQ_I(count_kind(fs, "goroutine-growth"), 0);
		mt_gr_diff *d;
		CHECK_OK(mt_goroutines_diff(&d, NULL, g, &err));
		mt_gr_diff_free(d);
		mt_findings_free(fs);
		mt_goroutines_free(g);
	}
}

/* ---- ground truth: samples/go (orderdesk) ---- */

static const exp_row orderdesk[] = {
	{ "main.waitForAck", "chan receive", 40, 0, "main.(*server).handleNotify.func1", "{\"endpoint\":[\"notify\"],", NULL,
		NULL, NULL },
	{ "main.(*watcher).watchUpdates", "select", 25, 0, "main.(*server).handleWatch", "{}", "{}", NULL, NULL },
	{ "main.(*server).pollQuotes", "select", 12, 0, "main.(*server).handlePoll", "{}", "{}", NULL, NULL },
};

static void test_leaks_goroutine__samples(void)
{
	const char *src = getenv("MT_SRC");
	if (!src || !*src) {
		printf("# skip: MT_SRC not set\n");
		return;
	}
	char dir[1024];
	snprintf(dir, sizeof dir, "%s/samples/go", src);
	leaks_file(dir, "goroutine.pb.gz", orderdesk, NROWS(orderdesk), CHK_STATE | CHK_LABELS, 0,
		"main.(*server).auditLoop");
	growth_files(dir, "goroutine.baseline.pb.gz", "goroutine.pb.gz", orderdesk, NROWS(orderdesk), CHK_STATE | CHK_LABELS,
		"main.(*server).auditLoop");
	/* 40 distinct request ids, one goroutine each */
	char path[2048];
	snprintf(path, sizeof path, "%s/goroutine.pb.gz", dir);
	mt_error err = MT_ERROR_INIT;
	mt_goroutines *g = load_pb(path, &err);
	CHECK(g != NULL);
	mt_findings *fs;
	CHECK_OK(mt_findings_new(&fs));
	CHECK_OK(mt_goroutine_leaks(fs, g, path, &err));
	int n;
	const mt_finding *f = find(fs, "blocked-goroutines", "main.waitForAck", "chan receive", NULL, NULL, &n);
	CHECK(f != NULL);
	const char *rid = strstr(f->json, "\"request_id\":[");
	CHECK(rid != NULL);
	int ids = 0;
	for (const char *p = rid; *p && *p != ']'; p++)
		ids += *p == ',';
	CHECK_EQ_I(ids + 1, 40);
	CHECK(has(f->json, "\"label_counts\":{\"endpoint\":{\"notify\":40}"));
	mt_findings_free(fs);
	mt_goroutines_free(g);
	leaks_file(dir, "goroutine.debug2.txt", orderdesk, NROWS(orderdesk), CHK_STATE | CHK_CREATOR, 0,
		"main.(*server).auditLoop");
	leaks_file(dir, "goroutine.debug1.txt", orderdesk, NROWS(orderdesk), CHK_STATE | CHK_LABELS, 0,
		"main.(*server).auditLoop");
}

int main(void)
{
	MT_RUN(test_leaks_goroutine__own_code_rule);
	MT_RUN(test_leaks_goroutine__root_selection);
	MT_RUN(test_leaks_goroutine__states_and_weights);
	MT_RUN(test_leaks_goroutine__ranking_count_wait_singletons);
	MT_RUN(test_leaks_goroutine__grouping);
	MT_RUN(test_leaks_goroutine__growth);
	MT_RUN(test_leaks_goroutine__diff_mixed_formats);
	MT_RUN(test_leaks_goroutine__go_wrapper_frames);
	MT_RUN(test_leaks_goroutine__debug1_hidden_park);
	MT_RUN(test_leaks_goroutine__hostile);
	MT_RUN(test_leaks_goroutine__profile_diff);
	MT_RUN(test_leaks_goroutine__corpus_pprof);
	MT_RUN(test_leaks_goroutine__corpus_text);
	MT_RUN(test_leaks_goroutine__fixtures);
	MT_RUN(test_leaks_goroutine__samples);
	MT_DONE();
}
