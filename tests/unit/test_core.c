/* tests/unit/test_core.c - arena, strtab, reader, error formatting, io. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "memtracer/memtracer.h"
#include "mt_internal.h"
#include "reader.h"
#include "testlib.h"

static void test_core__strtab_interns_once(void)
{
	mt_strtab *t = mt_strtab_new();
	CHECK(t != NULL);
	CHECK_EQ_I(mt_strtab_count(t), 1);
	CHECK_EQ_S(mt_strtab_get(t, 0), "");
	mt_str_id a, b, c, d;
	CHECK_OK(mt_strtab_intern_cstr(t, "main.main", &a));
	CHECK_OK(mt_strtab_intern_cstr(t, "runtime.goexit", &b));
	CHECK_OK(mt_strtab_intern(t, "main.main", 9, &c));
	CHECK_OK(mt_strtab_intern(t, "a\0b", 3, &d));
	CHECK_EQ_I(a, 1);
	CHECK_EQ_I(b, 2);
	CHECK_EQ_I(c, a);
	CHECK_EQ_I(mt_strtab_len(t, d), 3);
	CHECK_EQ_S(mt_strtab_get(t, b), "runtime.goexit");
	CHECK_EQ_S(mt_strtab_get(t, 999), "");
	mt_str_id e;
	CHECK(mt_strtab_find(t, "main.main", 9, &e) && e == a);
	CHECK(!mt_strtab_find(t, "nope", 4, &e));
	mt_strtab_free(t);
}

static void test_core__arena_alignment_and_large(void)
{
	mt_arena *a = mt_arena_new();
	for (int i = 1; i < 2000; i++) {
		void *p = mt_arena_alloc(a, (size_t)i);
		CHECK(p != NULL);
		CHECK(((uintptr_t)p & 15) == 0);
		memset(p, 0xab, (size_t)i);
	}
	char *big = mt_arena_alloc(a, (size_t)10 << 20);
	CHECK(big != NULL);
	big[(10 << 20) - 1] = 1;
	CHECK(mt_arena_calloc(a, SIZE_MAX / 2, 4) == NULL);
	CHECK_EQ_S(mt_arena_strndup(a, "abcdef", 3), "abc");
	CHECK(mt_arena__bytes_used(a) > ((size_t)10 << 20));
	mt_arena_free(a);
}

static void test_core__reader_varint_and_bounds(void)
{
	mt_error err = MT_ERROR_INIT;
	const uint8_t buf[] = { 0x96, 0x01, 0xff, 0xff };
	mt_reader r = mt_rd_init(buf, sizeof buf, &err);
	CHECK_EQ_I(mt_rd_varint(&r), 150);
	CHECK_EQ_I(mt_rd_off(&r), 2);
	CHECK_EQ_I(mt_rd_varint(&r), 0); /* truncated */
	CHECK_EQ_I(err.code, MT_ETRUNC);
	CHECK_EQ_I(err.offset, 2);
	/* sticky: further reads fail quietly */
	CHECK_EQ_I(mt_rd_u8(&r), 0);
	CHECK_EQ_I(err.offset, 2);

	mt_error e2 = MT_ERROR_INIT;
	const uint8_t b2[] = { 1, 2, 3, 4, 5 };
	mt_reader r2 = mt_rd_init(b2, sizeof b2, &e2);
	mt_reader sub = mt_rd_sub(&r2, 2);
	CHECK_EQ_I(mt_rd_u8(&sub), 1);
	CHECK_EQ_I(mt_rd_u8(&sub), 2);
	CHECK_EQ_I(mt_rd_u8(&sub), 0);  /* child bounded */
	CHECK_EQ_I(e2.code, MT_ETRUNC);
	CHECK_EQ_I(e2.offset, 2);

	mt_error e3 = MT_ERROR_INIT;
	const uint8_t b3[] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01 };
	mt_reader r3 = mt_rd_init(b3, sizeof b3, &e3);
	mt_rd_varint(&r3);
	CHECK_EQ_I(e3.code, MT_EFORMAT);
}

static void test_core__error_format(void)
{
	mt_error err = MT_ERROR_INIT;
	err.path = "heap.pb.gz";
	err.doing = "reading sample";
	mt_error_set(&err, MT_EFORMAT, 1234, "expected %s, found %d", "a location id", 7);
	mt_error_set(&err, MT_ETRUNC, 1, "second error is ignored");
	char buf[256];
	mt_error_format(&err, buf, sizeof buf);
	CHECK_EQ_S(buf, "heap.pb.gz: byte 1234: while reading sample: expected a location id, found 7");
	mt_error e2 = MT_ERROR_INIT;
	e2.path = "x";
	mt_error_set(&e2, MT_EIO, MT_NO_OFFSET, "cannot open:\nNo such file");
	mt_error_format(&e2, buf, sizeof buf);
	CHECK_EQ_S(buf, "x: cannot open: No such file");
}

static void test_core__gzip_detect_and_inflate(void)
{
	const char *text = "hello memtracer hello memtracer hello";
	uint8_t comp[256];
	z_stream zs;
	memset(&zs, 0, sizeof zs);
	CHECK(deflateInit2(&zs, 6, Z_DEFLATED, 16 + 15, 8, Z_DEFAULT_STRATEGY) == Z_OK);
	zs.next_in = (Bytef *)text;
	zs.avail_in = (uInt)strlen(text);
	zs.next_out = comp;
	zs.avail_out = sizeof comp;
	CHECK(deflate(&zs, Z_FINISH) == Z_STREAM_END);
	size_t clen = sizeof comp - zs.avail_out;
	deflateEnd(&zs);
	mt_error err = MT_ERROR_INIT;
	mt_input in;
	CHECK_OK(mt_input_from_memory(&in, "t", comp, clen, 0, &err));
	CHECK(in.was_gzip);
	CHECK_EQ_I(in.len, strlen(text));
	CHECK(memcmp(in.data, text, in.len) == 0);
	mt_input_free(&in);
	/* truncated gzip is an error, not a silent partial result */
	mt_error e2 = MT_ERROR_INIT;
	CHECK(mt_input_from_memory(&in, "t", comp, clen - 8, 0, &e2) != 0);
	CHECK(e2.code == MT_ETRUNC || e2.code == MT_EFORMAT);
	/* a bomb is capped */
	mt_error e3 = MT_ERROR_INIT;
	CHECK(mt_input_from_memory(&in, "t", comp, clen, 10, &e3) == MT_ELIMIT);
}

static void test_core__outfile_is_atomic(void)
{
	char dir[] = "/tmp/mt-test-XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	char path[256];
	snprintf(path, sizeof path, "%s/out.txt", dir);
	mt_error err = MT_ERROR_INIT;
	mt_outfile o;
	CHECK_OK(mt_outfile_open(&o, path, &err));
	mt_sink_puts(&o.sink, "partial");
	CHECK(access(path, F_OK) != 0); /* nothing at the target before commit */
	mt_outfile_abort(&o);
	CHECK(access(path, F_OK) != 0);
	CHECK_OK(mt_outfile_open(&o, path, &err));
	mt_sink_puts(&o.sink, "done\n");
	CHECK_OK(mt_outfile_commit(&o, &err));
	FILE *f = fopen(path, "r");
	char buf[16] = { 0 };
	CHECK(f && fgets(buf, sizeof buf, f));
	fclose(f);
	CHECK_EQ_S(buf, "done\n");
	unlink(path);
	rmdir(dir);
}

static void test_core__json_escaping(void)
{
	mt_membuf b = { 0 };
	mt_sink s = mt_sink_membuf(&b);
	{ const char *in = "a\"b\\c\n</script>\x01\xff"; mt_json_str(&s, in, strlen(in)); }
	CHECK_EQ_S(b.data, "\"a\\\"b\\\\c\\n<\\/script>\\u0001\\ufffd\"");
	mt_membuf_free(&b);
}

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	fwrite(data, 1, len, f);
	fclose(f);
}

static void test_core__stream_lines_plain_and_gzip(void)
{
	char path[] = "/tmp/mt-stream-XXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	close(fd);
	/* 200k lines: crosses every internal buffer boundary */
	size_t cap = 200000 * 16, len = 0;
	char *text = malloc(cap);
	for (int i = 0; i < 200000; i++)
		len += (size_t)snprintf(text + len, cap - len, "line %d%s\n", i, i % 3 ? "" : "\r");
	for (int gz = 0; gz < 2; gz++) {
		if (gz) {
			gzFile g = gzopen(path, "wb");
			gzwrite(g, text, (unsigned)len);
			gzclose(g);
		} else {
			write_file(path, text, len);
		}
		mt_error err = MT_ERROR_INIT;
		mt_stream *s;
		CHECK_OK(mt_stream_open(&s, path, &err));
		CHECK_EQ_I(mt_stream_is_gzip(s), gz);
		const uint8_t *pk;
		size_t pl;
		mt_stream_peek(s, &pk, &pl, &err);
		CHECK(pl > 10 && memcmp(pk, "line 0", 6) == 0);
		mt_lines l;
		CHECK_OK(mt_lines_init(&l, s, 100));
		const char *ln;
		size_t n;
		uint64_t off, expect_off = 0;
		int count = 0, r;
		char want[32];
		while ((r = mt_lines_next(&l, &ln, &n, &off, &err)) == 1) {
			int w = snprintf(want, sizeof want, "line %d", count);
			if (n != (size_t)w || memcmp(ln, want, n) != 0 || off != expect_off)
				break;
			expect_off += (size_t)w + 1 + (count % 3 ? 0 : 1);
			count++;
		}
		CHECK_EQ_I(r, 0);
		CHECK_EQ_I(count, 200000);
		CHECK_EQ_I(mt_stream_offset(s), len);
		mt_lines_free(&l);
		mt_stream_close(s);
	}
	/* truncated gzip: an error, not a short read */
	FILE *f = fopen(path, "rb");
	char *gzbuf = malloc(len);
	size_t glen = fread(gzbuf, 1, len, f);
	fclose(f);
	write_file(path, gzbuf, glen / 2);
	mt_error err = MT_ERROR_INIT;
	mt_stream *s;
	int rc = mt_stream_open(&s, path, &err);
	if (rc == 0) {
		uint8_t buf[4096];
		size_t got;
		do
			rc = mt_stream_read(s, buf, sizeof buf, &got, &err);
		while (rc == 0 && got > 0);
		mt_stream_close(s);
	}
	CHECK_EQ_I(rc, MT_ETRUNC);
	/* a line over the limit */
	write_file(path, "short\nthis line is far too long\n", 33);
	mt_error e2 = MT_ERROR_INIT;
	CHECK_OK(mt_stream_open(&s, path, &e2));
	mt_lines l;
	mt_lines_init(&l, s, 10);
	const char *ln;
	size_t n;
	uint64_t off;
	CHECK_EQ_I(mt_lines_next(&l, &ln, &n, &off, &e2), 1);
	CHECK_EQ_I(mt_lines_next(&l, &ln, &n, &off, &e2), MT_ELIMIT);
	CHECK_EQ_I(e2.offset, 6);
	mt_lines_free(&l);
	mt_stream_close(s);
	unlink(path);
	free(text);
	free(gzbuf);
}

/* everything a stream hands out, and how it ends */
typedef struct stream_result {
	int open_rc, rc, threaded;
	uint64_t len, hash;
	mt_error err;
} stream_result;

static void read_whole(const char *path, size_t chunk, size_t thread_min, stream_result *r)
{
	memset(r, 0, sizeof *r);
	r->err = (mt_error)MT_ERROR_INIT;
	r->hash = 1469598103934665603ULL;
	size_t saved = mt_stream__inflate_thread_min;
	mt_stream__inflate_thread_min = thread_min;
	mt_stream *s = NULL;
	r->open_rc = mt_stream_open(&s, path, &r->err);
	mt_stream__inflate_thread_min = saved;
	if (r->open_rc)
		return;
	r->threaded = mt_stream__inflating_thread(s);
	uint8_t *buf = malloc(chunk);
	size_t got;
	while ((r->rc = mt_stream_read(s, buf, chunk, &got, &r->err)) == 0 && got) {
		for (size_t i = 0; i < got; i++)
			r->hash = (r->hash ^ buf[i]) * 1099511628211ULL;
		r->len += got;
	}
	free(buf);
	mt_stream_close(s);
}

/*
 * Large gzip files are inflated on a second thread: the same bytes and the
 * same end (EOF, or the same error at the same offset) as on one thread,
 * for one and several members, padding, truncation, corruption and
 * trailing bytes (on corrupt data, no more bytes before the error).
 */
static void test_core__gzip_on_a_second_thread(void)
{
	char path[] = "/tmp/mt-gzthr-XXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	close(fd);
	size_t cap = 12 << 20, len = 0;
	char *text = malloc(cap);
	for (int i = 0; len + 64 < cap && i < 400000; i++)
		len += (size_t)snprintf(text + len, cap - len, "%d,%d,%x,%d\n", i, i * 7 % 1000, i * 2654435761u, i % 13);
	gzFile g = gzopen(path, "wb");
	gzwrite(g, text, (unsigned)len);
	gzclose(g);
	FILE *f = fopen(path, "rb");
	uint8_t *gz = malloc(cap);
	size_t glen = fread(gz, 1, cap, f);
	fclose(f);
	CHECK(glen > (1 << 20));
	uint8_t *v = malloc(2 * glen + 64);
	int variants = 0, errors = 0;
	for (int k = 0; k < 8; k++) {
		size_t vlen = glen;
		memcpy(v, gz, glen);
		switch (k) {
		case 1: memcpy(v + glen, gz, glen); vlen = 2 * glen; break;               /* two members */
		case 2: memset(v + glen, 0, 16); memcpy(v + glen + 16, gz, glen); vlen = 2 * glen + 16; break;
		case 3: vlen = glen / 10; break;                                         /* cut inside */
		case 4: vlen = glen / 2 + 3; break;
		case 5: vlen = glen - 1; break;
		case 6: v[glen / 2] ^= 0x55; break;                                      /* corrupt */
		case 7: memcpy(v + glen, "xyz", 3); vlen = glen + 3; break;              /* trailing bytes */
		}
		write_file(path, v, vlen);
		for (int c = 0; c < 2; c++) {
			size_t chunk = c ? (1 << 20) + 7 : 4096;
			stream_result one, two;
			read_whole(path, chunk, SIZE_MAX, &one);
			read_whole(path, chunk, 0, &two);
			CHECK(!one.threaded && two.threaded);
			/* corrupt data: the thread holds back what the failing inflate call made (up to 1 MB),
			 * one thread what the caller's buffer held of it: the error comes no later */
			int held = k == 6 && two.len <= one.len;
			if (one.open_rc != two.open_rc || one.rc != two.rc || (!held && (one.len != two.len || one.hash != two.hash)) ||
			    one.err.code != two.err.code || one.err.offset != two.err.offset ||
			    strcmp(one.err.msg, two.err.msg) || (one.err.doing == NULL) != (two.err.doing == NULL))
				MT_FAIL_("variant %d, chunk %zu: one thread rc %d/%d %llu bytes \"%s\", two: rc %d/%d %llu bytes \"%s\"",
					k, chunk, one.open_rc, one.rc, (unsigned long long)one.len, one.err.msg, two.open_rc, two.rc,
					(unsigned long long)two.len, two.err.msg);
			/* a cut file: the message counts exactly the bytes inflated (all handed out by then) */
			const char *ib = strstr(one.err.msg, "compressed offset; ");
			if (k >= 3 && k <= 5 && (!ib || strtoull(ib + 19, NULL, 10) != one.len))
				MT_FAIL_("variant %d: \"%s\" after %llu bytes", k, one.err.msg, (unsigned long long)one.len);
			errors += one.rc != 0 || one.open_rc != 0;
			variants++;
		}
	}
	printf("# %d reads agree, %d of them errors\n", variants, errors);
	CHECK(errors >= 8);
	unlink(path);
	free(text);
	free(gz);
	free(v);
}

int main(void)
{
	MT_RUN(test_core__strtab_interns_once);
	MT_RUN(test_core__arena_alignment_and_large);
	MT_RUN(test_core__reader_varint_and_bounds);
	MT_RUN(test_core__error_format);
	MT_RUN(test_core__gzip_detect_and_inflate);
	MT_RUN(test_core__outfile_is_atomic);
	MT_RUN(test_core__json_escaping);
	MT_RUN(test_core__stream_lines_plain_and_gzip);
	MT_RUN(test_core__gzip_on_a_second_thread);
	MT_DONE();
}
