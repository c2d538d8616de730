/*
 * tests/fuzz/fuzz_goroutine.c - fuzz target for the goroutine dump readers:
 * mt_read_goroutines_text() and mt_goroutines_load() (which also sniffs
 * and takes the pprof path).
 *
 * mt_stream reads paths only, so each input is written to one temporary
 * file (mkstemp under $TMPDIR or /tmp, reused, removed at exit; TMPDIR=
 * /dev/shm keeps long runs off the disk), then read twice: by
 * the text reader directly (whatever it is) and by mt_goroutines_load().
 * An 's' in the first two bytes turns strict mode on.
 *
 * Beyond "never crash", on success it checks:
 * - the sum of the bucket counts equals g->total, no bucket is empty;
 * - every bucket's frame and label ranges are inside the arrays, every
 *   string id is inside the string table, labels are sorted by key;
 * - a truncated result has its offset inside the input;
 * - mt_goroutines_to_profile() succeeds, its profile passes
 *   mt_profile_validate(), and its samples add up to g->total.
 * On failure: an error code and a message, and an offset inside the input.
 * A violation calls abort().
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>

#include "memtracer/memtracer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, const mt_error *err)
{
	fprintf(stderr, "fuzz_goroutine: invariant violated: %s (%s)\n", what,
		err && err->msg[0] ? err->msg : "-");
	abort();
}

static void quiet(void *ctx, const char *path, const char *msg)
{
	(void)ctx;
	(void)path;
	(void)msg;
}

static char tmp[64];

static void cleanup(void)
{
	if (tmp[0])
		unlink(tmp);
}

static int put_file(const uint8_t *data, size_t size)
{
	if (!tmp[0]) {
		const char *dir = getenv("TMPDIR");
		snprintf(tmp, sizeof tmp, "%s/fuzz-goroutine-XXXXXX", dir && *dir && strlen(dir) < 40 ? dir : "/tmp");
		int fd = mkstemp(tmp);
		if (fd < 0) {
			tmp[0] = 0;
			return -1;
		}
		close(fd);
		atexit(cleanup);
	}
	int fd = open(tmp, O_WRONLY | O_TRUNC);
	if (fd < 0)
		return -1;
	size_t off = 0;
	while (off < size) {
		ssize_t n = write(fd, data + off, size - off);
		if (n <= 0) {
			close(fd);
			return -1;
		}
		off += (size_t)n;
	}
	close(fd);
	return 0;
}

static void check(const mt_goroutines *g, size_t size)
{
	uint32_t ns = mt_strtab_count(g->strings);
	uint64_t sum = 0;
	for (uint32_t i = 0; i < g->nbuckets; i++) {
		const mt_gr_bucket *b = &g->buckets[i];
		if (b->count == 0)
			fail("empty bucket", NULL);
		sum += b->count;
		if (b->frame0 > g->nframes || b->nframes > g->nframes - b->frame0)
			fail("frame range", NULL);
		if (b->label0 > g->nlabels || b->nlabels > g->nlabels - b->label0)
			fail("label range", NULL);
		if (b->state >= ns || !b->state || b->created_by.func >= ns || b->created_by.file >= ns)
			fail("bucket string ids", NULL);
		if (b->wait_min > b->wait_max || (b->wait_min < 0) != (b->wait_max < 0))
			fail("wait range", NULL);
		if (i && b->count > g->buckets[i - 1].count)
			fail("buckets not sorted by count", NULL);
		for (uint32_t k = 0; k < b->nframes; k++) {
			const mt_gr_frame *f = &g->frames[b->frame0 + k];
			if (f->func >= ns || f->file >= ns || f->line < 0)
				fail("frame", NULL);
		}
		for (uint32_t k = 0; k < b->nlabels; k++) {
			const mt_gr_label *l = &g->labels[b->label0 + k];
			if (l->key >= ns || l->value >= ns || l->count == 0 || l->count > b->count)
				fail("label", NULL);
			if (k && strcmp(mt_strtab_get(g->strings, g->labels[b->label0 + k - 1].key),
					mt_strtab_get(g->strings, l->key)) > 0)
				fail("labels not sorted", NULL);
		}
	}
	if (sum != g->total)
		fail("sum of bucket counts != total", NULL);
	if (g->truncated && g->truncated_at > size)
		fail("truncation offset past the input", NULL);
	mt_profile *p = NULL;
	mt_error err = MT_ERROR_INIT;
	if (mt_goroutines_to_profile(&p, g, &err) != 0)
		fail("mt_goroutines_to_profile", &err);
	if (mt_profile_validate(p, &err) != 0)
		fail("mt_profile_validate", &err);
	uint64_t t = 0;
	for (uint32_t s = 0; s < p->nsamples; s++)
		t += (uint64_t)p->values[s];
	if (t != g->total)
		fail("profile total != goroutine total", NULL);
	mt_profile_free(p);
}

static void run(int load, const uint8_t *data, size_t size)
{
	mt_read_opts opts = MT_READ_OPTS_INIT;
	opts.warn = quiet;
	opts.strict = (size > 0 && data[0] == 's') || (size > 1 && data[1] == 's');
	int gz = size >= 2 && data[0] == 0x1f && data[1] == 0x8b;
	mt_goroutines *g = NULL;
	mt_error err = MT_ERROR_INIT;
	int rc;
	if (load) {
		rc = mt_goroutines_load(&g, tmp, &opts, &err);
	} else {
		mt_stream *s = NULL;
		rc = mt_stream_open(&s, tmp, &err);
		if (rc == 0) {
			rc = mt_read_goroutines_text(&g, s, &opts, &err);
			mt_stream_close(s);
		}
	}
	if (rc != 0) {
		if (g)
			fail("result returned with an error", &err);
		if (err.code == 0 || !err.msg[0])
			fail("error without code or message", &err);
		if (err.code != rc)
			fail("returned code differs from err.code", &err);
		/* offsets are into the (inflated) input */
		if (err.offset != MT_NO_OFFSET && err.offset > size && !gz)
			fail("error offset past the input", &err);
		return;
	}
	if (!g)
		fail("success without a result", NULL);
	check(g, gz ? SIZE_MAX : size);
	mt_goroutines_free(g);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (put_file(data, size) != 0)
		return 0;
	run(0, data, size);  /* the text reader on anything */
	run(1, data, size);  /* sniffing, the pprof path */
	return 0;
}
