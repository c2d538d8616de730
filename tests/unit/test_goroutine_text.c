/*
 * tests/unit/test_goroutine_text.c - the text goroutine dump reader
 * (parsers/goroutine_text.c) and mt_goroutines_load().
 *
 * Hand-written dumps cover each grammar variant; fixture cases (../shared,
 * env MT_SHARED; skipped without it) check DataDog/gostackparse's golden
 * goroutines (E11), uber-go/goleak's stacks (E10) and the shopfront corpus
 * ground truth, including that debug=1, debug=2 and the pprof profile of
 * the same moment give the same buckets.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "memtracer/memtracer.h"
#include "testlib.h"

/* ---- helpers ---- */

static char tmp_path[64];

static const char *write_tmp(const char *data, size_t len)
{
	snprintf(tmp_path, sizeof tmp_path, "/tmp/mt-gr-XXXXXX");
	int fd = mkstemp(tmp_path);
	if (fd < 0)
		return NULL;
	size_t off = 0;
	while (off < len) {
		ssize_t n = write(fd, data + off, len - off);
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	close(fd);
	return tmp_path;
}

static int nwarn;
static char last_warn[256];

static void on_warn(void *ctx, const char *path, const char *msg)
{
	(void)ctx;
	(void)path;
	nwarn++;
	snprintf(last_warn, sizeof last_warn, "%s", msg);
}

/* Reads @path with mt_read_goroutines_text (text only, no sniffing). */
static int read_text_file(mt_goroutines **g, const char *path, int strict, mt_error *err)
{
	mt_read_opts o = MT_READ_OPTS_INIT;
	o.warn = on_warn;
	o.strict = strict;
	mt_stream *s;
	int rc = mt_stream_open(&s, path, err);
	if (rc)
		return rc;
	rc = mt_read_goroutines_text(g, s, &o, err);
	mt_stream_close(s);
	return rc;
}

static int read_text(mt_goroutines **g, const char *text, mt_error *err)
{
	const char *p = write_tmp(text, strlen(text));
	if (!p)
		return MT_EIO;
	int rc = read_text_file(g, p, 0, err);
	unlink(p);
	return rc;
}

static int load_file(mt_goroutines **g, const char *path, mt_error *err)
{
	mt_read_opts o = MT_READ_OPTS_INIT;
	o.warn = on_warn;
	return mt_goroutines_load(g, path, &o, err);
}

static const char *shared_path(const char *rel)
{
	static char buf[4096];
	snprintf(buf, sizeof buf, "%s/%s", mt_t_shared(), rel);
	return buf;
}

static const char *S(const mt_goroutines *g, mt_str_id id)
{
	return mt_strtab_get(g->strings, id);
}

static const mt_gr_frame *frame(const mt_goroutines *g, const mt_gr_bucket *b, uint32_t k)
{
	return &g->frames[b->frame0 + k];
}

/* The bucket whose smallest goroutine id is @id. */
static const mt_gr_bucket *by_id(const mt_goroutines *g, uint64_t id)
{
	for (uint32_t i = 0; i < g->nbuckets; i++)
		if (g->buckets[i].min_id == id)
			return &g->buckets[i];
	return NULL;
}

/* The first bucket whose leaf (innermost) frame is @func. */
static const mt_gr_bucket *by_leaf(const mt_goroutines *g, const char *func)
{
	for (uint32_t i = 0; i < g->nbuckets; i++)
		if (g->buckets[i].nframes && !strcmp(S(g, frame(g, &g->buckets[i], 0)->func), func))
			return &g->buckets[i];
	return NULL;
}

static int has_func(const mt_goroutines *g, const mt_gr_bucket *b, const char *func)
{
	for (uint32_t k = 0; k < b->nframes; k++)
		if (!strcmp(S(g, frame(g, b, k)->func), func))
			return 1;
	return 0;
}

static uint64_t sum_counts(const mt_goroutines *g)
{
	uint64_t n = 0;
	for (uint32_t i = 0; i < g->nbuckets; i++)
		n += g->buckets[i].count;
	return n;
}

/* Goroutines in state @state with wait_min @wait (-2: any). */
static uint64_t count_state(const mt_goroutines *g, const char *state, int64_t wait)
{
	uint64_t n = 0;
	for (uint32_t i = 0; i < g->nbuckets; i++)
		if (!strcmp(S(g, g->buckets[i].state), state) && (wait == -2 || g->buckets[i].wait_min == wait))
			n += g->buckets[i].count;
	return n;
}

/* Offset of the @line-th line (1-based) of @path. */
static uint64_t line_offset(const char *path, int line)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return UINT64_MAX;
	uint64_t off = 0;
	int l = 1, c;
	while (l < line && (c = fgetc(f)) != EOF) {
		off++;
		if (c == '\n')
			l++;
	}
	fclose(f);
	return off;
}

static void converts(const mt_goroutines *g)
{
	mt_profile *p = NULL;
	mt_error err = MT_ERROR_INIT;
	CHECK_OK(mt_goroutines_to_profile(&p, g, &err));
	CHECK_OK(mt_profile_validate(p, &err));
	int64_t t = 0;
	for (uint32_t s = 0; s < p->nsamples; s++)
		t += p->values[s];
	CHECK_EQ_I(t, g->total);
	mt_profile_free(p);
}

/* ---- debug=2 grammar ---- */

static void test_goroutine_text__debug2_headers_and_frames(void)
{
	const char *d =
		"goroutine 1 [running]:\n"
		"main.main()\n"
		"\t/src/main.go:10 +0x1d\n"
		"\n"
		"goroutine 7 [chan receive, 3 minutes]:\n"
		"main.(*T).wait(0xc000010000, {0x4a, 0x1}, ...)\n"
		"\t/src/main.go:42 +0x1d\n"
		"created by main.main in goroutine 1\n"
		"\t/src/main.go:17 +0x6b\n"
		"\n"
		"goroutine 8 [chan receive, 5 minutes, locked to thread]:\n"
		"main.(*T).wait(...)\n"
		"\t/src/main.go:42\n"
		"created by main.main\n"
		"\t/src/main.go:17 +0x6b\n"
		"\n"
		"goroutine 9 gp=0xc000007180 m=nil [select]:\n"
		"main.F[...](0x1)\n"
		"\t/src/g.go:5 +0x10 fp=0xc000123 sp=0xc000100 pc=0x4a1b2c\n"
		"main.main.func1()\n"
		"\tC:/Program Files/x y.go:6 +0x10\n"
		"\n";
	mt_goroutines *g = NULL;
	mt_error err = MT_ERROR_INIT;
	CHECK_OK(read_text(&g, d, &err));
	CHECK_EQ_S(g->format, "debug=2");
	CHECK_EQ_I(g->total, 4);
	CHECK_EQ_I(g->nbuckets, 3);
	CHECK_EQ_I(g->truncated, 0);
	const mt_gr_bucket *w = by_id(g, 7);
	CHECK(w != NULL);
	CHECK_EQ_I(w->count, 2);
	CHECK_EQ_S(S(g, w->state), "chan receive");
	CHECK_EQ_I(w->state_inferred, 0);
	CHECK_EQ_I(w->wait_min, 3);
	CHECK_EQ_I(w->wait_max, 5);
	CHECK_EQ_I(w->locked, 1);
	CHECK_EQ_I(w->nframes, 1);
	CHECK_EQ_S(S(g, frame(g, w, 0)->func), "main.(*T).wait");
	CHECK_EQ_S(S(g, frame(g, w, 0)->file), "/src/main.go");
	CHECK_EQ_I(frame(g, w, 0)->line, 42);
	CHECK_EQ_S(S(g, w->created_by.func), "main.main");
	CHECK_EQ_S(S(g, w->created_by.file), "/src/main.go");
	CHECK_EQ_I(w->created_by.line, 17);
	const mt_gr_bucket *f = by_id(g, 9);
	CHECK(f != NULL);
	CHECK_EQ_S(S(g, f->state), "select");
	CHECK_EQ_I(f->wait_min, -1);
	CHECK_EQ_I(f->nframes, 2);
	CHECK_EQ_S(S(g, frame(g, f, 0)->func), "main.F[...]");
	CHECK_EQ_S(S(g, frame(g, f, 0)->file), "/src/g.go");
	CHECK_EQ_I(frame(g, f, 0)->line, 5);
	CHECK_EQ_S(S(g, frame(g, f, 1)->file), "C:/Program Files/x y.go");
	CHECK_EQ_I(f->created_by.func, 0);
	const mt_gr_bucket *m = by_id(g, 1);
	CHECK(m != NULL);
	CHECK_EQ_S(S(g, m->state), "running");
	converts(g);
	mt_goroutines_free(g);
}

static void test_goroutine_text__elided_and_ancestors(void)
{
	const char *d =
		"goroutine 18 [running]:\n"
		"main.rec(0x0)\n"
		"\t/src/r.go:9 +0x85\n"
		"...12 frames elided...\n"
		"main.rec(0x63)\n"
		"\t/src/r.go:7 +0x33\n"
		"...additional frames elided...\n"
		"created by main.main in goroutine 1\n"
		"\t/src/r.go:16 +0x2a\n"
		"[originating from goroutine 1]:\n"
		"main.start(...)\n"
		"\t/src/r.go:30 +0x87\n"
		"created by main.init\n"
		"\t/src/r.go:3 +0x1\n"
		"[originating from goroutine 0]:\n"
		"main.main(...)\n"
		"\t/src/r.go:14 +0x13\n"
		"\n"
		"goroutine 20 [IO wait]:\n"
		"net/http.Serve({0x738a20, 0xc0000ba0c0}, {0x0?, 0x0})\n"
		"\t/usr/lib/go/src/net/http/server.go:2595 +0x6c\n"
		"created by main.start in goroutine 1\n"
		"\t/src/r.go:27 +0x87\n"
		"[originating from goroutine 1]:\n"
		"main.start(...)\n"
		"\t/src/r.go:30 +0x87\n";
	mt_goroutines *g = NULL;
	mt_error err = MT_ERROR_INIT;
	CHECK_OK(read_text(&g, d, &err));
	CHECK_EQ_I(g->total, 2);
	CHECK_EQ_I(g->truncated, 0);
	const mt_gr_bucket *b = by_id(g, 18);
	CHECK(b != NULL);
	CHECK_EQ_I(b->elided, 1);
	CHECK_EQ_I(b->nframes, 2);
	CHECK_EQ_S(S(g, b->created_by.func), "main.main");
	CHECK_EQ_I(b->created_by.line, 16);
	CHECK(!has_func(g, b, "main.start"));
	b = by_id(g, 20);
	CHECK(b != NULL);
	CHECK_EQ_I(b->nframes, 1);
	CHECK_EQ_I(b->elided, 0);
	CHECK(!has_func(g, b, "main.start"));
	CHECK_EQ_S(S(g, b->created_by.func), "main.start");
	mt_goroutines_free(g);
}

static void test_goroutine_text__traceback_noise(void)
{
	const char *d =
		"panic: boom(1)\n"
		"\tsomething: 12\n"
		"\n"
		"goroutine 1 [running]:\n"
		"panic({0x4a0f80, 0x54f620})\n"
		"\t/usr/lib/go/src/runtime/panic.go:884 +0x213\n"
		"main.main()\n"
		"\t/tmp/x.go:5 +0x1d\n"
		"exit status 2\n";
	mt_goroutines *g = NULL;
	mt_error err = MT_ERROR_INIT;
	CHECK_OK(read_text(&g, d, &err));
	CHECK_EQ_S(g->format, "traceback");
	CHECK_EQ_I(g->total, 1);
	CHECK_EQ_I(g->buckets[0].nframes, 2);
	CHECK_EQ_S(S(g, frame(g, &g->buckets[0], 0)->func), "panic");
	mt_goroutines_free(g);

	/* SIGQUIT with GOTRACEBACK=crash: runtime frames, fp/sp/pc, registers */
	const char *q =
		"SIGQUIT: quit\n"
		"PC=0x46b761 m=0 sigcode=0\n"
		"\n"
		"goroutine 0 [idle]:\n"
		"runtime.futex()\n"
		"\t/usr/lib/go/src/runtime/sys_linux_amd64.s:559 +0x21 fp=0x7ffc00 sp=0x7ffbf8 pc=0x46b761\n"
		"runtime.mcall()\n"
		"\t/usr/lib/go/src/runtime/asm_amd64.s:448 +0x43 fp=0x7ffe30 sp=0x7ffe20 pc=0x467763\n"
		"\n"
		"goroutine 1 gp=0xc000002380 m=nil [IO wait, 2 minutes]:\n"
		"runtime.gopark(0x200000003?, 0xc0000061a0?, 0x0?, 0x80?, 0xc000127ae8?)\n"
		"\t/usr/lib/go/src/runtime/proc.go:363 +0xd6 fp=0xc000127a78 sp=0xc000127a58 pc=0x439a16\n"
		"internal/poll.runtime_pollWait(0x7fb789a70640, 0x72)\n"
		"\t/usr/lib/go/src/runtime/netpoll.go:305 +0x89 fp=0xc000127ad0 sp=0xc000127ab0 pc=0x464309\n"
		"main.main()\n"
		"\t/src/main.go:369 +0xb6e fp=0xc000127f80 sp=0xc000127df0 pc=0x6a5eae\n"
		"runtime.main()\n"
		"\t/usr/lib/go/src/runtime/proc.go:250 +0x212 fp=0xc000127fe0 sp=0xc000127f80 pc=0x439652\n"
		"runtime.goexit()\n"
		"\t/usr/lib/go/src/runtime/asm_amd64.s:1594 +0x1 fp=0xc000127fe8 sp=0xc000127fe0 pc=0x469861\n"
		"\n"
		"goroutine 5 [running]:\n"
		"\tgoroutine running on other thread; stack unavailable\n"
		"created by main.main\n"
		"\t/src/main.go:12 +0x1\n"
		"\n"
		"rax    0xca\n"
		"rbx    0x0\n"
		"rflags 0x286\n"
		"fs     0x0\n";
	nwarn = 0;
	CHECK_OK(read_text(&g, q, &err));
	CHECK_EQ_I(nwarn, 0);
	CHECK_EQ_S(g->format, "traceback");
	CHECK_EQ_I(g->total, 3);
	const mt_gr_bucket *b = by_id(g, 0);
	CHECK(b != NULL);
	CHECK_EQ_S(S(g, b->state), "idle");
	CHECK_EQ_I(b->nframes, 2);  /* all-runtime stacks are kept */
	b = by_id(g, 1);
	CHECK(b != NULL);
	CHECK_EQ_I(b->wait_min, 2);
	CHECK_EQ_I(b->nframes, 2);  /* gopark, runtime.main and goexit dropped */
	CHECK_EQ_S(S(g, frame(g, b, 0)->func), "internal/poll.runtime_pollWait");
	CHECK_EQ_S(S(g, frame(g, b, 0)->file), "/usr/lib/go/src/runtime/netpoll.go");
	CHECK_EQ_I(frame(g, b, 0)->line, 305);
	CHECK_EQ_S(S(g, frame(g, b, 1)->func), "main.main");
	b = by_id(g, 5);
	CHECK(b != NULL);
	CHECK_EQ_I(b->nframes, 0);
	CHECK_EQ_S(S(g, b->created_by.func), "main.main");
	converts(g);
	mt_goroutines_free(g);

	/* unknown text between records: one warning, an error with strict */
	const char *u =
		"goroutine 1 [running]:\n"
		"main.main()\n"
		"\t/tmp/x.go:5 +0x1d\n"
		"\n"
		"some log line\n"
		"another one\n"
		"\n"
		"goroutine 2 [sleep]:\n"
		"time.Sleep(0x3b9aca00)\n"
		"\t/usr/lib/go/src/runtime/time.go:195 +0x135\n";
	nwarn = 0;
	CHECK_OK(read_text(&g, u, &err));
	CHECK_EQ_I(g->total, 2);
	CHECK_EQ_I(nwarn, 1);
	CHECK(strstr(last_warn, "Ignored 2 lines") != NULL);
	mt_goroutines_free(g);
	const char *p = write_tmp(u, strlen(u));
	mt_error e2 = MT_ERROR_INIT;
	CHECK_EQ_I(read_text_file(&g, p, 1, &e2), MT_EFORMAT);
	CHECK_EQ_I(e2.offset, 55);
	unlink(p);
}

static void test_goroutine_text__cgo_frames(void)
{
	const char *d =
		"goroutine 1 [syscall]:\n"
		"non-Go function\n"
		"\tpc=0x7f00\n"
		"my_c_func\n"
		"\t/src/c.c:12 pc=0x7f01\n"
		"runtime.cgocall(0x4a1b2c, 0xc000057f38)\n"
		"\t/usr/lib/go/src/runtime/cgocall.go:157 +0x5c fp=0xc0 sp=0xc1 pc=0x4a\n"
		"main._Cfunc_f(0xf4240)\n"
		"\t_cgo_gotypes.go:56 +0x45\n"
		"\n";
	mt_goroutines *g = NULL;
	mt_error err = MT_ERROR_INIT;
	CHECK_OK(read_text(&g, d, &err));
	CHECK_EQ_I(g->total, 1);
	const mt_gr_bucket *b = &g->buckets[0];
	CHECK_EQ_I(b->nframes, 3);
	CHECK_EQ_S(S(g, frame(g, b, 0)->func), "non-Go function");
	CHECK_EQ_S(S(g, frame(g, b, 0)->file), "");
	CHECK_EQ_S(S(g, frame(g, b, 1)->func), "my_c_func");
	CHECK_EQ_S(S(g, frame(g, b, 1)->file), "/src/c.c");
	CHECK_EQ_I(frame(g, b, 1)->line, 12);
	CHECK_EQ_S(S(g, frame(g, b, 2)->func), "main._Cfunc_f");
	CHECK_EQ_S(S(g, frame(g, b, 2)->file), "_cgo_gotypes.go");
	mt_goroutines_free(g);

	/* a bare word followed by a Go file line is not a C frame */
	mt_error e2 = MT_ERROR_INIT;
	CHECK_EQ_I(read_text(&g, "goroutine 1 [running]:\ngarbage\n\t/x.go:1 +0x1\n", &e2), MT_EFORMAT);
	CHECK_EQ_I(e2.offset, 23);
	CHECK_EQ_S(e2.msg, "expected a frame line `pkg.func(...)`, found \"garbage\"");
}

/* ---- debug=1 ---- */

static void test_goroutine_text__debug1_groups_and_labels(void)
{
	const char *d =
		"goroutine profile: total 7\n"
		"3 @ 0x439a16 0x4497dc 0x6a389e 0x469861\n"
		"# labels: {\"a\\\"b\":\"x\\\\y\\u00e9\\x41\", \"k\":\"v, w}\"}\n"
		"#\t0x6a389d\tmain.sub.func1+0x7d\t/src/main.go:111\n"
		"\n"
		"2 @ 0x439a16 0x40657b 0x4060b8 0x6a35ac 0x469861\n"
		"#\t0x6a35ab\tmain.watch.func1+0xcb\t\t/src/main.go:87\n"
		"\n"
		"1 @ 0x439a16 0x432537 0x464309 0x4b7412 0x469861\n"
		"#\t0x464308\tinternal/poll.runtime_pollWait+0x88\t/usr/lib/go/src/runtime/netpoll.go:305\n"
		"#\t0x4b7411\tinternal/poll.(*pollDesc).wait+0x31\t/usr/lib/go/src/internal/poll/fd_poll_runtime.go:84\n"
		"\n"
		"1 @ 0x694e35 0x694c4d 0x6a5eae 0x439652 0x469861\n"
		"#\t0x694e34\truntime/pprof.writeRuntimeProfile+0xb4\t/src/pprof.go:723\n"
		"#\t0x6a5ead\tmain.main+0xb6d\t/src/main.go:369\n"
		"#\t0x439651\truntime.main+0x211\t/usr/lib/go/src/runtime/proc.go:250\n"
		"\n";
	mt_goroutines *g = NULL;
	mt_error err = MT_ERROR_INIT;
	CHECK_OK(read_text(&g, d, &err));
	CHECK_EQ_S(g->format, "debug=1");
	CHECK_EQ_I(g->total, 7);
	CHECK_EQ_I(g->truncated, 0);
	const mt_gr_bucket *b = by_leaf(g, "main.sub.func1");
	CHECK(b != NULL);
	CHECK_EQ_I(b->count, 3);
	CHECK_EQ_S(S(g, b->state), "select");
	CHECK_EQ_I(b->state_inferred, 1);
	CHECK_EQ_I(b->nlabels, 2);
	CHECK_EQ_S(S(g, g->labels[b->label0].key), "a\"b");
	CHECK_EQ_S(S(g, g->labels[b->label0].value), "x\\y\xc3\xa9" "A");
	CHECK_EQ_I(g->labels[b->label0].count, 3);
	CHECK_EQ_S(S(g, g->labels[b->label0 + 1].key), "k");
	CHECK_EQ_S(S(g, g->labels[b->label0 + 1].value), "v, w}");
	b = by_leaf(g, "main.watch.func1");
	CHECK(b != NULL);
	CHECK_EQ_S(S(g, b->state), "chan receive");
	CHECK_EQ_S(S(g, frame(g, b, 0)->file), "/src/main.go");
	CHECK_EQ_I(frame(g, b, 0)->line, 87);
	b = by_leaf(g, "internal/poll.runtime_pollWait");
	CHECK(b != NULL);
	CHECK_EQ_S(S(g, b->state), "IO wait");
	b = by_leaf(g, "runtime/pprof.writeRuntimeProfile");
	CHECK(b != NULL);
	CHECK_EQ_S(S(g, b->state), "running");
	CHECK_EQ_I(b->nframes, 2);  /* runtime.main is dropped as in debug=2 */
	converts(g);
	mt_goroutines_free(g);

	/* the groups add up to less than the total: truncated */
	CHECK_OK(read_text(&g, "goroutine profile: total 5\n2 @ 0x1 0x2\n#\t0x1\tmain.f+0x1\t/m.go:3\n\n", &err));
	CHECK_EQ_I(g->total, 2);
	CHECK_EQ_I(g->truncated, 1);
	CHECK_EQ_S(g->truncated_msg, "input ends after 2 of the 5 goroutines the header announces");
	mt_goroutines_free(g);
	/* more than the total: a warning */
	nwarn = 0;
	CHECK_OK(read_text(&g, "goroutine profile: total 1\n2 @ 0x1 0x2\n#\t0x1\tmain.f+0x1\t/m.go:3\n\n", &err));
	CHECK_EQ_I(g->total, 2);
	CHECK_EQ_I(nwarn, 1);
	mt_goroutines_free(g);
	/* an unsymbolized frame, and the last group without its blank line */
	CHECK_OK(read_text(&g, "goroutine profile: total 1\n1 @ 0x4a1b2c\n#\t0x4a1b2c\n", &err));
	CHECK_EQ_I(g->total, 1);
	CHECK_EQ_I(g->truncated, 0);
	CHECK_EQ_S(S(g, frame(g, &g->buckets[0], 0)->func), "0x4a1b2c");
	mt_goroutines_free(g);
}

/* ---- errors ---- */

typedef struct bad_case {
	const char *text;
	int code;
	uint64_t offset;
	const char *msg;
} bad_case;

static void test_goroutine_text__errors(void)
{
	static const bad_case cases[] = {
		{ "goroutine 1 [running]:\nmain.main)(\n\t/x.go:1\n", MT_EFORMAT, 23,
		  "expected a frame line `pkg.func(...)`, found \"main.main)(\"" },
		{ "goroutine 1 [running]:\n\ngoroutine 2 [running]:\n", MT_EFORMAT, 23,
		  "expected a frame line `pkg.func(...)`, found an empty line" },
		{ "goroutine x1 [running]:\nmain.main()\n\t/x.go:1\n", MT_EFORMAT, 0,
		  "expected a goroutine id after `goroutine `, found \"goroutine x1 [running]:\"" },
		{ "goroutine 99999999999999999999 [running]:\n", MT_EFORMAT, 0,
		  "expected a goroutine id below 2^64, found \"goroutine 99999999999999999999 [running]\"..." },
		{ "goroutine 1 []:\n", MT_EFORMAT, 0,
		  "expected a goroutine state in `[...]`, found \"goroutine 1 []:\"" },
		{ "goroutine 1 [running]:\nmain.main()\n\t:12 +0x1\n", MT_EFORMAT, 35,
		  "expected a tab-indented file line `/path/file.go:123`, found \"\\t:12 +0x1\"" },
		{ "goroutine 1 [running]:\nmain.main()\n\t/x.go:1\ncreated by main.f\n\t/x.go:2\nmain.g()\n", MT_EFORMAT, 71,
		  "expected an empty line after the `created by` frame, found \"main.g()\"" },
		{ "goroutine 1 [running]:\nmain.main()\n\t/x.go:1\n\n\t/y.go:2 +0x1\n", MT_EFORMAT, 45,
		  "expected a goroutine header `goroutine N [state]:`, found \"\\t/y.go:2 +0x1\"" },
		{ "goroutine profile: total 1\n1 @ 0x1\nzz\n", MT_EFORMAT, 35,
		  "expected a frame line `#\\t0x...\\tpkg.func+0x...\\tfile.go:123`, found \"zz\"" },
		{ "goroutine profile: total 1\n1 @ 0x1\n# labels: {\"a\":b}\n", MT_EFORMAT, 35,
		  "expected a label map `{\"key\":\"value\", ...}`, found \"# labels: {\\\"a\\\":b}\"" },
		{ "goroutine profile: total 1\n1 @ 0x1\n# labels: {\"k\":\"a\", \"k\":\"b\"}\n", MT_EFORMAT, 35,
		  "expected distinct label keys, found \"k\" twice in \"# labels: {\\\"k\\\":\\\"a\\\", \\\"k\\\":\\\"b\\\"}\"" },
		{ "goroutine profile: total 1\n0 @ 0x1\n", MT_EFORMAT, 27,
		  "expected a goroutine count from 1 to 2^63-1, found \"0 @ 0x1\"" },
		{ "goroutine profile: total x\n", MT_EFORMAT, 0,
		  "expected `goroutine profile: total N`, found \"goroutine profile: total x\"" },
		{ "hello\nworld\n", MT_EFORMAT, 0,
		  "expected a goroutine header `goroutine N [state]:`, found none (the input starts with \"hello\")" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		mt_goroutines *g = NULL;
		mt_error err = MT_ERROR_INIT;
		int rc = read_text(&g, cases[i].text, &err);
		if (rc != cases[i].code || err.offset != cases[i].offset || strcmp(err.msg, cases[i].msg))
			fprintf(stderr, "# case %zu: rc %d offset %llu msg %s\n", i, rc,
				(unsigned long long)err.offset, err.msg);
		CHECK_EQ_I(rc, cases[i].code);
		CHECK(g == NULL);
		CHECK_EQ_I(err.offset, cases[i].offset);
		CHECK_EQ_S(err.msg, cases[i].msg);
		CHECK_EQ_S(err.doing, "reading goroutine dump");
	}
}

static void test_goroutine_text__limits(void)
{
	/* a line over 1 MiB */
	size_t n = ((size_t)1 << 20) + 100;
	char *big = malloc(n + 64);
	CHECK(big != NULL);
	int k = snprintf(big, 64, "goroutine 1 [running]:\n");
	memset(big + k, 'a', n);
	memcpy(big + k + n - 3, "()\n", 3);
	big[k + n] = 0;
	mt_goroutines *g = NULL;
	mt_error err = MT_ERROR_INIT;
	CHECK_EQ_I(read_text(&g, big, &err), MT_ELIMIT);
	CHECK_EQ_I(err.offset, 23);
	free(big);

	/* more than 100000 frames in one goroutine */
	size_t cap = 100002 * 24 + 64;
	char *deep = malloc(cap);
	CHECK(deep != NULL);
	size_t o = (size_t)snprintf(deep, cap, "goroutine 1 [running]:\n");
	for (int i = 0; i < 100001; i++)
		o += (size_t)snprintf(deep + o, cap - o, "main.f()\n\t/x.go:1 +0x1\n");
	mt_error e2 = MT_ERROR_INIT;
	CHECK_EQ_I(read_text(&g, deep, &e2), MT_ELIMIT);
	CHECK(strstr(e2.msg, "at most 100000 frames") != NULL);
	free(deep);
}

/* ---- truncation ---- */

static void test_goroutine_text__truncated_hand_made(void)
{
	mt_goroutines *g = NULL;
	mt_error err = MT_ERROR_INIT;
	/* a function line without its file line at the end */
	const char *a = "goroutine 1 [running]:\nmain.main()\n\t/x.go:1 +0x1\n\ngoroutine 12345 [select]:\n"
		"main.a()\n\t/x.go:2\nmain.b()\n\t/x.go:3\nmain.c()\n\t/x.go:4\nmain.d()\n";
	CHECK_OK(read_text(&g, a, &err));
	CHECK_EQ_I(g->total, 1);
	CHECK_EQ_I(g->truncated, 1);
	CHECK_EQ_I(g->truncated_at, strlen(a));
	CHECK_EQ_S(g->truncated_msg, "input ends inside goroutine 12345 (after 3 frames)");
	mt_goroutines_free(g);
	/* cut inside a file line (no newline): the cut, not garbage */
	const char *b = "goroutine 1 [running]:\nmain.main()\n\t/x.go:1 +0x1\n\ngoroutine 2 [select]:\nmain.a()\n\t/usr/li";
	CHECK_OK(read_text(&g, b, &err));
	CHECK_EQ_I(g->total, 1);
	CHECK_EQ_I(g->truncated, 1);
	CHECK_EQ_S(g->truncated_msg, "input ends inside goroutine 2 (after 0 frames)");
	mt_goroutines_free(g);
	/* cut inside a header */
	CHECK_OK(read_text(&g, "goroutine 1 [running]:\nmain.main()\n\t/x.go:1 +0x1\n\ngoroutine 2 [sel", &err));
	CHECK_EQ_I(g->total, 1);
	CHECK_EQ_I(g->truncated, 1);
	CHECK_EQ_S(g->truncated_msg, "input ends inside a goroutine header");
	mt_goroutines_free(g);
	/* a complete last frame without its newline counts, but may be cut */
	CHECK_OK(read_text(&g, "goroutine 1 [running]:\nmain.main()\n\t/x.go:30", &err));
	CHECK_EQ_I(g->total, 1);
	CHECK_EQ_I(g->truncated, 1);
	mt_goroutines_free(g);
	/* in the ancestors: the goroutine itself is complete */
	CHECK_OK(read_text(&g, "goroutine 1 [running]:\nmain.main()\n\t/x.go:1\ncreated by main.f\n\t/x.go:2\n"
			       "[originating from goroutine 3]:\nmain.f(...)\n", &err));
	CHECK_EQ_I(g->total, 1);
	CHECK_EQ_I(g->truncated, 1);
	CHECK_EQ_S(g->truncated_msg, "input ends inside the ancestors of goroutine 1");
	mt_goroutines_free(g);
	/* debug=1 group cut in its frames */
	CHECK_OK(read_text(&g, "goroutine profile: total 3\n2 @ 0x1\n#\t0x1\tmain.f+0x1\t/m.go:3\n\n1 @ 0x2 0x3\n#\t0x2\tmain.g+0x1\t/m.go:", &err));
	CHECK_EQ_I(g->total, 2);
	CHECK_EQ_I(g->truncated, 1);
	CHECK_EQ_S(g->truncated_msg, "input ends inside a group of 1 goroutine (after 0 frames)");
	mt_goroutines_free(g);
}

/* Every cut of a real dump: the complete goroutines before the cut, never an error. */
static void check_cuts(const char *rel, int step)
{
	if (!mt_t_shared()) {
		printf("# skip: MT_SHARED not set\n");
		return;
	}
	FILE *f = fopen(shared_path(rel), "rb");
	CHECK(f != NULL);
	static char buf[1 << 18];
	size_t len = fread(buf, 1, sizeof buf, f);
	fclose(f);
	CHECK(len > 0 && len < sizeof buf);
	buf[len] = 0;
	size_t first = !strncmp(buf, "goroutine ", 10) ? 0 : (size_t)(strstr(buf, "\ngoroutine ") - buf) + 1;
	size_t last_blank = first;
	for (size_t i = first; i + 1 < len; i++)
		if (buf[i] == '\n' && buf[i + 1] == '\n')
			last_blank = i;
	for (size_t cut = first + 10; cut < len; cut += (size_t)step) {
		/* records completed before the cut: blank lines that end them */
		uint64_t complete = 0;
		for (size_t i = first; i + 1 < cut; i++)
			if (buf[i] == '\n' && buf[i + 1] == '\n')
				complete++;
		const char *p = write_tmp(buf, cut);
		mt_goroutines *g = NULL;
		mt_error err = MT_ERROR_INIT;
		int rc = read_text_file(&g, p, 0, &err);
		unlink(p);
		if (rc) {
			fprintf(stderr, "# cut %zu: %s\n", cut, err.msg);
			CHECK_OK(rc);
		}
		CHECK_EQ_I(sum_counts(g), g->total);
		/* the record the cut lands in counts only when its own part was complete */
		if (g->total != complete && g->total != complete + 1) {
			fprintf(stderr, "# cut %zu: %llu goroutines, %llu complete\n", cut,
				(unsigned long long)g->total, (unsigned long long)complete);
			CHECK(0);
		}
		if (g->total == complete + 1 && !(buf[cut - 1] == '\n' && (cut < 2 || buf[cut - 2] != '\n'))) {
			/* counted though cut in a line: only a frame line that parses (flagged) */
			CHECK(g->truncated);
		}
		if (cut <= last_blank)
			CHECK(g->truncated || buf[cut - 1] == '\n');
		if (g->truncated)
			CHECK_EQ_I(g->truncated_at, cut);
		mt_goroutines_free(g);
	}
}

static void test_goroutine_text__truncated_real_dumps(void)
{
	check_cuts("corpus/go/goroutine.leaked.debug2.txt", 97);
	check_cuts("corpus/go/sigquit.traceback.txt", 331);
}

/* ---- sniffing and loading ---- */

static void test_goroutine_text__sniff(void)
{
#define SN(s) mt_gr_sniff_text((const uint8_t *)(s), strlen(s))
	CHECK_EQ_I(SN("goroutine profile: total 3\n"), 1);
	CHECK_EQ_I(SN("\n\ngoroutine 1 [running]:\nmain.main()\n"), 1);
	CHECK_EQ_I(SN("panic: x\n\ngoroutine 1 [running]:\n"), 1);
	CHECK_EQ_I(SN("SIGQUIT: quit\nPC=0x1 m=0 sigcode=0\n\ngoroutine 0 gp=0x1 m=0 [idle]:\n"), 1);
	CHECK_EQ_I(SN("main;f 1\n"), 0);
	CHECK_EQ_I(SN("goroutine leak found\n"), 0);
	CHECK_EQ_I(SN(""), 0);
	CHECK_EQ_I(mt_gr_sniff_text((const uint8_t *)"goroutine 1 [\0", 14), 0);
#undef SN
	mt_goroutines *g = NULL;
	mt_error err = MT_ERROR_INIT;
	const char *p = write_tmp("a;b 1\n", 6);
	CHECK_EQ_I(mt_goroutines_load(&g, p, NULL, &err), MT_EFORMAT);
	CHECK_EQ_S(err.msg, "expected a goroutine dump (pprof goroutine profile, debug=1/debug=2 text or a "
		"traceback), found text starting \"a;b 1\"");
	unlink(p);
}

/* ---- fixtures ---- */

static void test_goroutine_text__gostackparse_counts(void)
{
	if (!mt_t_shared()) {
		printf("# skip: MT_SHARED not set\n");
		return;
	}
	static const struct {
		const char *name;
		int64_t count;  /* -1: an error at @line */
		int line;
	} fx[] = {
		{ "ancestors", 3, 0 }, { "cgo", 3, 0 }, { "empty_input", 0, 0 }, { "empty_stack", -1, 2 },
		{ "errorhandling", -1, 6 }, { "frameselided", 1, 0 }, { "frameselided_goroutine", 2, 0 },
		{ "go121_createdby", 2, 0 }, { "lockedm", 1, 0 }, { "partial_createdby", -1, 5 },
		{ "partial_stack", -1, 3 }, { "waitsince", 9, 0 }, { "windows", 1, 0 },
	};
	for (size_t i = 0; i < sizeof fx / sizeof fx[0]; i++) {
		char rel[256];
		snprintf(rel, sizeof rel, "fixtures/DataDog__gostackparse/test-fixtures/%s.txt", fx[i].name);
		const char *path = shared_path(rel);
		mt_goroutines *g = NULL;
		mt_error err = MT_ERROR_INIT;
		int rc = read_text_file(&g, path, 0, &err);
		if (fx[i].count < 0) {
			/* gostackparse reports an error on this line: so do we, and stop */
			CHECK_EQ_I(rc, MT_EFORMAT);
			CHECK_EQ_I(err.offset, line_offset(path, fx[i].line));
			continue;
		}
		if (rc)
			fprintf(stderr, "# %s: %s\n", fx[i].name, err.msg);
		CHECK_OK(rc);
		CHECK_EQ_I(g->total, fx[i].count);
		CHECK_EQ_I(sum_counts(g), fx[i].count);
		mt_goroutines_free(g);
	}
}

static mt_goroutines *gsp(const char *name)
{
	char rel[256];
	snprintf(rel, sizeof rel, "fixtures/DataDog__gostackparse/test-fixtures/%s.txt", name);
	mt_goroutines *g = NULL;
	mt_error err = MT_ERROR_INIT;
	if (read_text_file(&g, shared_path(rel), 0, &err))
		return NULL;
	return g;
}

/* The exact goroutines of the golden JSONs (a few). */
static void test_goroutine_text__gostackparse_golden(void)
{
	if (!mt_t_shared()) {
		printf("# skip: MT_SHARED not set\n");
		return;
	}
	mt_goroutines *g = gsp("lockedm");
	CHECK(g != NULL);
	const mt_gr_bucket *b = by_id(g, 7);
	CHECK(b != NULL);
	CHECK_EQ_S(S(g, b->state), "running");
	CHECK_EQ_I(b->locked, 1);
	CHECK_EQ_I(b->wait_min, -1);
	CHECK_EQ_I(b->nframes, 5);
	static const char *const lk[] = { "testing.tRunner.func1.1", "testing.tRunner.func1", "panic",
		"gopkg.in/DataDog/dd-trace-go.v1/profiler/internal/stackparse.TestParse_Example",
		"testing.tRunner" };
	static const int64_t ll[] = { 1072, 1075, 969, 21, 1123 };
	for (uint32_t k = 0; k < 5; k++) {
		CHECK_EQ_S(S(g, frame(g, b, k)->func), lk[k]);
		CHECK_EQ_I(frame(g, b, k)->line, ll[k]);
	}
	CHECK_EQ_S(S(g, frame(g, b, 2)->file), "/usr/local/Cellar/go/1.15.6/libexec/src/runtime/panic.go");
	CHECK_EQ_S(S(g, b->created_by.func), "testing.(*T).Run");
	CHECK_EQ_S(S(g, b->created_by.file), "/usr/local/Cellar/go/1.15.6/libexec/src/testing/testing.go");
	CHECK_EQ_I(b->created_by.line, 1168);
	mt_goroutines_free(g);

	g = gsp("cgo");
	CHECK(g != NULL);
	b = by_id(g, 6);
	CHECK(b != NULL);
	CHECK_EQ_S(S(g, b->state), "syscall");
	CHECK_EQ_I(b->nframes, 2);
	CHECK_EQ_S(S(g, frame(g, b, 0)->func), "main._Cfunc_c_sleep_loop");
	CHECK_EQ_S(S(g, frame(g, b, 0)->file), "_cgo_gotypes.go");
	CHECK_EQ_I(frame(g, b, 0)->line, 56);
	CHECK_EQ_I(b->created_by.line, 36);
	b = by_id(g, 7);
	CHECK(b != NULL);
	CHECK_EQ_S(S(g, b->state), "sleep");
	CHECK_EQ_I(b->locked, 1);
	CHECK_EQ_I(b->nframes, 5);
	CHECK_EQ_S(S(g, frame(g, b, 1)->func), "main.goSleep");
	CHECK_EQ_I(frame(g, b, 1)->line, 53);
	mt_goroutines_free(g);

	g = gsp("frameselided");
	CHECK(g != NULL);
	b = by_id(g, 1);
	CHECK(b != NULL);
	CHECK_EQ_I(b->nframes, 100);
	CHECK_EQ_I(b->elided, 1);
	CHECK_EQ_I(b->created_by.func, 0);
	CHECK_EQ_S(S(g, frame(g, b, 0)->func), "runtime/pprof.writeGoroutineStacks");
	mt_goroutines_free(g);

	g = gsp("frameselided_goroutine");
	CHECK(g != NULL);
	b = by_id(g, 18);
	CHECK(b != NULL);
	CHECK_EQ_I(b->nframes, 100);
	CHECK_EQ_I(b->elided, 1);
	CHECK_EQ_S(S(g, b->created_by.func), "main.main");
	CHECK_EQ_I(b->created_by.line, 16);
	b = by_id(g, 1);
	CHECK(b != NULL);
	CHECK_EQ_S(S(g, b->state), "chan receive");
	CHECK_EQ_I(b->elided, 0);
	mt_goroutines_free(g);

	g = gsp("go121_createdby");
	CHECK(g != NULL);
	b = by_id(g, 18);
	CHECK(b != NULL);
	CHECK_EQ_I(b->nframes, 2);
	CHECK_EQ_S(S(g, b->created_by.func), "main.main");
	CHECK_EQ_I(b->created_by.line, 14);
	b = by_id(g, 1);
	CHECK(b != NULL);
	CHECK_EQ_S(S(g, b->state), "semacquire");
	CHECK_EQ_I(b->nframes, 3);
	CHECK_EQ_S(S(g, frame(g, b, 1)->func), "sync.(*WaitGroup).Wait");
	mt_goroutines_free(g);

	g = gsp("waitsince");
	CHECK(g != NULL);
	CHECK_EQ_I(count_state(g, "sleep", 1), 3);
	CHECK_EQ_I(count_state(g, "IO wait", 1), 3);
	CHECK_EQ_I(count_state(g, "running", -1), 1);
	b = by_id(g, 24);
	CHECK(b != NULL);
	CHECK_EQ_S(S(g, b->created_by.func), "net/http.(*Transport).dialConn");
	CHECK_EQ_I(b->created_by.line, 1709);
	mt_goroutines_free(g);

	g = gsp("windows");
	CHECK(g != NULL);
	CHECK_EQ_S(S(g, frame(g, &g->buckets[0], 0)->file), "C:/Users/felixge/pprof.go");
	CHECK_EQ_I(frame(g, &g->buckets[0], 0)->line, 693);
	mt_goroutines_free(g);

	g = gsp("ancestors");
	CHECK(g != NULL);
	b = by_id(g, 25);
	CHECK(b != NULL);
	CHECK_EQ_I(b->count, 2);  /* goroutines 25 and 29 share the stack */
	CHECK_EQ_I(b->nframes, 2);
	CHECK_EQ_S(S(g, b->created_by.func), "main.d1");
	CHECK_EQ_I(b->created_by.line, 69);
	CHECK(!has_func(g, b, "main.d1"));
	mt_goroutines_free(g);
}

static void test_goroutine_text__goleak(void)
{
	if (!mt_t_shared()) {
		printf("# skip: MT_SHARED not set\n");
		return;
	}
	mt_goroutines *g = NULL;
	mt_error err = MT_ERROR_INIT;
	CHECK_OK(load_file(&g, shared_path("fixtures/uber-go__goleak/internal/stack/testdata/http.txt"), &err));
	CHECK_EQ_I(g->total, 5);
	const mt_gr_bucket *b = by_id(g, 1);
	CHECK(b && !strcmp(S(g, b->state), "running"));
	CHECK(b && !strcmp(S(g, frame(g, b, 0)->func), "main.getStackBuffer") && has_func(g, b, "main.main"));
	b = by_id(g, 4);
	CHECK(b && !strcmp(S(g, b->state), "IO wait"));
	CHECK(b && !strcmp(S(g, frame(g, b, 0)->func), "internal/poll.runtime_pollWait"));
	CHECK(b && has_func(g, b, "net/http.Serve") && !has_func(g, b, "main.start"));
	CHECK(b && !strcmp(S(g, b->created_by.func), "main.start"));
	b = by_id(g, 20);
	CHECK(b && !strcmp(S(g, b->state), "select"));
	CHECK(b && !strcmp(S(g, frame(g, b, 0)->func), "net/http.(*persistConn).readLoop"));
	b = by_id(g, 21);
	CHECK(b && !strcmp(S(g, frame(g, b, 0)->func), "net/http.(*persistConn).writeLoop"));
	b = by_id(g, 8);
	CHECK(b && !strcmp(S(g, b->state), "IO wait"));
	CHECK(b && has_func(g, b, "net/http.(*conn).serve") && !has_func(g, b, "net/http.(*Server).Serve"));
	mt_goroutines_free(g);

	CHECK_OK(load_file(&g, shared_path("fixtures/uber-go__goleak/internal/stack/testdata/http.go1.20.txt"), &err));
	CHECK_EQ_I(g->total, 5);
	b = by_id(g, 20);
	CHECK(b && has_func(g, b, "net/http.Serve") && !has_func(g, b, "main.start"));
	mt_goroutines_free(g);

	CHECK_OK(load_file(&g,
		shared_path("fixtures/uber-go__goleak/internal/stack/testdata/http.tracebackancestors.txt"), &err));
	CHECK_EQ_I(g->total, 5);
	static const uint64_t ids[] = { 1, 20, 24, 4, 25 };
	for (size_t i = 0; i < 5; i++)
		CHECK(by_id(g, ids[i]) != NULL);
	b = by_id(g, 20);
	CHECK(b && !has_func(g, b, "main.start") && !has_func(g, b, "main.main"));
	CHECK(b && !strcmp(S(g, b->created_by.func), "main.start"));
	b = by_id(g, 24);
	CHECK(b && b->nframes == 1 && !has_func(g, b, "net/http.(*Transport).queueForDial"));
	CHECK(b && !strcmp(S(g, b->created_by.func), "net/http.(*Transport).dialConn"));
	converts(g);
	mt_goroutines_free(g);
}

static void test_goroutine_text__corpus_counts(void)
{
	if (!mt_t_shared()) {
		printf("# skip: MT_SHARED not set\n");
		return;
	}
	mt_goroutines *g = NULL;
	mt_error err = MT_ERROR_INIT;
	CHECK_OK(load_file(&g, shared_path("corpus/go/goroutine.leaked.debug2.txt"), &err));
	CHECK_EQ_S(g->format, "debug=2");
	CHECK_EQ_I(g->total, 157);
	const mt_gr_bucket *b = by_leaf(g, "main.(*orderService).watch.func1");
	CHECK(b != NULL);
	CHECK_EQ_I(b->count, 40);
	CHECK_EQ_S(S(g, b->state), "chan receive");
	CHECK_EQ_S(S(g, b->created_by.func), "main.(*orderService).watch");
	converts(g);
	mt_goroutines_free(g);

	CHECK_OK(load_file(&g, shared_path("corpus/go/goroutine.aged.debug2.txt"), &err));
	CHECK_EQ_I(g->total, 157);
	CHECK_EQ_I(count_state(g, "IO wait", 1), 33);
	CHECK_EQ_I(count_state(g, "IO wait", -1), 1);
	CHECK_EQ_I(count_state(g, "chan receive", 1), 41);
	CHECK_EQ_I(count_state(g, "select", 1), 80);
	CHECK_EQ_I(count_state(g, "running", -1), 1);
	CHECK_EQ_I(count_state(g, "runnable", -1), 1);
	b = by_leaf(g, "main.(*orderService).watch.func1");
	CHECK(b && b->count == 40 && b->wait_min == 1 && b->wait_max == 1);
	b = by_leaf(g, "main.(*fulfillment).worker");
	CHECK(b && b->count == 1 && !strcmp(S(g, b->created_by.func), "main.main"));
	mt_goroutines_free(g);

	CHECK_OK(load_file(&g, shared_path("corpus/go/sigquit.traceback.txt"), &err));
	CHECK_EQ_S(g->format, "traceback");
	CHECK_EQ_I(g->total, 162);
	CHECK_EQ_I(count_state(g, "idle", -2), 1);
	CHECK_EQ_I(count_state(g, "GC worker (idle)", -2), 2);
	b = by_leaf(g, "main.(*orderService).watch.func1");
	CHECK(b && b->count == 40);
	converts(g);
	mt_goroutines_free(g);

	CHECK_OK(load_file(&g, shared_path("corpus/go/goroutine.leaked.debug1.txt"), &err));
	CHECK_EQ_S(g->format, "debug=1");
	CHECK_EQ_I(g->total, 157);
	b = by_leaf(g, "main.(*orderService).watch.func1");
	CHECK(b != NULL);
	CHECK_EQ_I(b->count, 40);
	CHECK_EQ_I(b->nlabels, 4);
	for (uint32_t k = 0; b && k < b->nlabels; k++) {
		CHECK_EQ_S(S(g, g->labels[b->label0 + k].key), "mem_trace_id");
		CHECK_EQ_I(g->labels[b->label0 + k].count, 10);
	}
	converts(g);
	mt_goroutines_free(g);

	CHECK_OK(load_file(&g, shared_path("corpus/go/goroutine.aged.debug1.txt"), &err));
	CHECK_EQ_I(g->total, 157);
	mt_goroutines_free(g);
	CHECK_OK(load_file(&g, shared_path("corpus/go/goroutine.baseline.debug1.txt"), &err));
	CHECK_EQ_I(g->total, 20);
	mt_goroutines_free(g);
	CHECK_OK(load_file(&g, shared_path("corpus/go/goroutine.baseline.pb.gz"), &err));
	CHECK_EQ_S(g->format, "pprof");
	CHECK_EQ_I(g->total, 22);
	mt_goroutines_free(g);
}

/*
 * "count|state|f1@line;f2@line..." for each bucket, sorted; buckets that
 * are not the same goroutines across the three requests (the goroutine
 * serving the pprof request, the connection's background reader) are left
 * out.
 */
static int bucket_keys(const mt_goroutines *g, char ***out)
{
	char **keys = calloc(g->nbuckets + 1, sizeof *keys);
	int n = 0;
	for (uint32_t i = 0; i < g->nbuckets; i++) {
		const mt_gr_bucket *b = &g->buckets[i];
		if (has_func(g, b, "net/http/pprof.Index") || has_func(g, b, "net/http.(*connReader).backgroundRead") ||
		    has_func(g, b, "net/http.(*connReader).startBackgroundRead.func2"))
			continue;
		char buf[8192];
		size_t o = (size_t)snprintf(buf, sizeof buf, "%llu|%s|", (unsigned long long)b->count, S(g, b->state));
		for (uint32_t k = 0; k < b->nframes && o < sizeof buf; k++)
			o += (size_t)snprintf(buf + o, sizeof buf - o, "%s@%lld;", S(g, frame(g, b, k)->func),
				(long long)frame(g, b, k)->line);
		keys[n++] = strdup(buf);
	}
	for (int i = 0; i < n; i++)
		for (int j = i + 1; j < n; j++)
			if (strcmp(keys[i], keys[j]) > 0) {
				char *t = keys[i];
				keys[i] = keys[j];
				keys[j] = t;
			}
	*out = keys;
	return n;
}

static void free_keys(char **k, int n)
{
	for (int i = 0; i < n; i++)
		free(k[i]);
	free(k);
}

static void test_goroutine_text__same_moment_same_buckets(void)
{
	if (!mt_t_shared()) {
		printf("# skip: MT_SHARED not set\n");
		return;
	}
	static const char *const files[] = { "corpus/go/goroutine.leaked.debug2.txt",
		"corpus/go/goroutine.leaked.debug1.txt", "corpus/go/goroutine.leaked.pb.gz" };
	char **keys[3];
	int n[3];
	for (int f = 0; f < 3; f++) {
		mt_goroutines *g = NULL;
		mt_error err = MT_ERROR_INIT;
		CHECK_OK(load_file(&g, shared_path(files[f]), &err));
		CHECK_EQ_I(g->total, 157);
		n[f] = bucket_keys(g, &keys[f]);
		mt_goroutines_free(g);
	}
	CHECK_EQ_I(n[0], 10);
	for (int f = 1; f < 3; f++) {
		CHECK_EQ_I(n[f], n[0]);
		for (int i = 0; i < n[0] && i < n[f]; i++)
			if (strcmp(keys[0][i], keys[f][i])) {
				fprintf(stderr, "# %s:\n#   %s\n# vs %s\n", files[f], keys[0][i], keys[f][i]);
				CHECK(0);
			}
	}
	for (int f = 0; f < 3; f++)
		free_keys(keys[f], n[f]);

	/* our own samples (orderdesk): the same for the final snapshots */
	static const char *const ours[] = { "samples/go/goroutine.debug2.txt", "samples/go/goroutine.debug1.txt",
		"samples/go/goroutine.pb.gz" };
	const char *src = getenv("MT_SRC");
	if (!src)
		return;
	for (int f = 0; f < 3; f++) {
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", src, ours[f]);
		mt_goroutines *g = NULL;
		mt_error err = MT_ERROR_INIT;
		CHECK_OK(load_file(&g, path, &err));
		CHECK_EQ_I(g->total, 81);
		const mt_gr_bucket *b = by_leaf(g, "main.waitForAck");
		CHECK(b && b->count == 40 && !strcmp(S(g, b->state), "chan receive"));
		b = by_leaf(g, "main.(*watcher).watchUpdates");
		CHECK(b && b->count == 25 && !strcmp(S(g, b->state), "select"));
		b = by_leaf(g, "main.(*server).pollQuotes");
		CHECK(b && b->count == 12 && !strcmp(S(g, b->state), "select"));
		n[f] = bucket_keys(g, &keys[f]);
		mt_goroutines_free(g);
	}
	for (int f = 1; f < 3; f++) {
		CHECK_EQ_I(n[f], n[0]);
		for (int i = 0; i < n[0] && i < n[f]; i++)
			if (strcmp(keys[0][i], keys[f][i])) {
				fprintf(stderr, "# %s:\n#   %s\n# vs %s\n", ours[f], keys[0][i], keys[f][i]);
				CHECK(0);
			}
	}
	for (int f = 0; f < 3; f++)
		free_keys(keys[f], n[f]);
}

int main(void)
{
	MT_RUN(test_goroutine_text__debug2_headers_and_frames);
	MT_RUN(test_goroutine_text__elided_and_ancestors);
	MT_RUN(test_goroutine_text__traceback_noise);
	MT_RUN(test_goroutine_text__cgo_frames);
	MT_RUN(test_goroutine_text__debug1_groups_and_labels);
	MT_RUN(test_goroutine_text__errors);
	MT_RUN(test_goroutine_text__limits);
	MT_RUN(test_goroutine_text__truncated_hand_made);
	MT_RUN(test_goroutine_text__truncated_real_dumps);
	MT_RUN(test_goroutine_text__sniff);
	MT_RUN(test_goroutine_text__gostackparse_counts);
	MT_RUN(test_goroutine_text__gostackparse_golden);
	MT_RUN(test_goroutine_text__goleak);
	MT_RUN(test_goroutine_text__corpus_counts);
	MT_RUN(test_goroutine_text__same_moment_same_buckets);
	MT_DONE();
}
