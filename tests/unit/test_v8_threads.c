/*
 * tests/unit/test_v8_threads.c - the heap snapshot reader on two threads
 * (parsers/v8_heap.c: "edges" split between a second thread and the main
 * one, "strings" read on the second thread) must give exactly what one
 * thread gives: the same graph, string for string, or the same error at
 * the same byte with the same message.
 *
 * Inputs: the real snapshots of samples/v8 (and ../shared when present),
 * every malformed snapshot of tests/bad/v8, and a few hundred mutations of
 * a real snapshot aimed at the edges, the split between their pieces, the
 * sections after them and the strings. Each is read on one thread, then on
 * two from memory, through a small refill buffer, and from a file; the
 * thresholds are lowered so that small inputs take the two-thread path,
 * and the test checks that they did.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "memtracer/heap.h"
#include "memtracer/io.h"
#include "parsers/v8_json.h"
#include "testlib.h"

enum { ONE_THREAD, MEMORY, CHUNKED, FILE_MODE, NMODES };
static const char *const mode_name[NMODES] = { "one thread", "memory", "chunked", "file" };

typedef struct result {
	int rc;
	mt_error err;
	mt_heap *h;
	unsigned seen;
} result;

static char tmp_path[256];

static uint8_t *load(const char *path, size_t *len)
{
	mt_stream *s = NULL;
	mt_error err = MT_ERROR_INIT;
	if (mt_stream_open(&s, path, &err))
		return NULL;
	size_t cap = 1 << 20, n = 0;
	uint8_t *buf = malloc(cap);
	for (;;) {
		if (n == cap)
			buf = realloc(buf, cap *= 2);
		size_t got = 0;
		if (mt_stream_read(s, buf + n, cap - n, &got, &err) || got == 0)
			break;
		n += got;
	}
	mt_stream_close(s);
	*len = n;
	return buf;
}

static void read_as(int mode, const uint8_t *data, size_t len, result *out)
{
	memset(out, 0, sizeof *out);
	out->err = (mt_error)MT_ERROR_INIT;
	mt_heap__parallel_min = mode == ONE_THREAD ? SIZE_MAX : 0;
	mt_heap__split_min = 1;
	if (mode == MEMORY || mode == ONE_THREAD) {
		out->rc = mt_heap__read_memory(&out->h, data, len, NULL, &out->err);
	} else if (mode == CHUNKED) {
		mt_vj j;
		out->rc = mt_vj_init_chunked(&j, data, len, 4096, &out->err);
		if (!out->rc)
			out->rc = mt_heap__read_vj(&out->h, &j, NULL, &out->err);
		mt_vj_free(&j);
	} else {
		FILE *f = fopen(tmp_path, "wb");
		if (!f || fwrite(data, 1, len, f) != len || fclose(f))
			MT_FAIL_("cannot write %s", tmp_path);
		out->rc = mt_heap_load(&out->h, tmp_path, NULL, &out->err);
	}
	out->seen = mt_heap__parallel_seen;
	mt_heap__parallel_min = (size_t)32 << 20;
	mt_heap__split_min = (size_t)1 << 20;
}

#define SAME_COL(a, b, col, n, el)                                                        \
	do {                                                                                  \
		if ((n) && ((a)->col == NULL) != ((b)->col == NULL))                              \
			return "column " #col " present in one only";                                 \
		if ((n) && (a)->col && memcmp((a)->col, (b)->col, (size_t)(n) * (el)))           \
			return "column " #col " differs";                                             \
	} while (0)

/* NULL when both heaps are the same graph */
static const char *heap_diff(const mt_heap *a, const mt_heap *b)
{
	if (a->nnodes != b->nnodes || a->nedges != b->nedges || a->nlocations != b->nlocations ||
	    a->ntrace_fns != b->ntrace_fns || a->ntrace_nodes != b->ntrace_nodes || a->features != b->features ||
	    a->total_self != b->total_self)
		return "counts differ";
	SAME_COL(a, b, node_type, a->nnodes, 1);
	SAME_COL(a, b, node_name, a->nnodes, 4);
	SAME_COL(a, b, node_id, a->nnodes, 4);
	SAME_COL(a, b, node_self, a->nnodes, 8);
	SAME_COL(a, b, node_detached, a->nnodes, 1);
	SAME_COL(a, b, node_trace, a->nnodes, 4);
	SAME_COL(a, b, first_edge, a->nnodes + 1, 4);
	SAME_COL(a, b, edge_type, a->nedges, 1);
	SAME_COL(a, b, edge_name, a->nedges, 4);
	SAME_COL(a, b, edge_to, a->nedges, 4);
	SAME_COL(a, b, locations, a->nlocations, sizeof *a->locations);
	SAME_COL(a, b, trace_fns, a->ntrace_fns, sizeof *a->trace_fns);
	SAME_COL(a, b, trace_nodes, a->ntrace_nodes, sizeof *a->trace_nodes);
	uint32_t ns = mt_strtab_count(a->strings);
	if (ns != mt_strtab_count(b->strings))
		return "string counts differ";
	for (uint32_t i = 0; i < ns; i++)
		if (mt_strtab_len(a->strings, i) != mt_strtab_len(b->strings, i) ||
		    memcmp(mt_strtab_get(a->strings, i), mt_strtab_get(b->strings, i), mt_strtab_len(a->strings, i)))
			return "strings differ";
	return NULL;
}

static void result_free(result *r)
{
	mt_heap_free(r->h);
	r->h = NULL;
}

/*
 * Reads @data every way; fails unless all agree. Returns the MT_HEAP_PAR_*
 * flags every two-thread read had in common.
 */
static unsigned check_agree(const char *what, const uint8_t *data, size_t len, int file_too)
{
	result ref, got;
	read_as(ONE_THREAD, data, len, &ref);
	if (ref.seen)
		MT_RECORD_FAIL_("%s: one thread started a second one (%u)", what, ref.seen);
	unsigned common = ~0u;
	for (int mode = MEMORY; mode < 2 * NMODES; mode++) {
		if (mode == NMODES)   /* again, the second piece always left to the main thread */
			mode = MEMORY + NMODES;
		if (mode % NMODES == FILE_MODE && !file_too)
			continue;
		mt_heap__thread_steals = mode < NMODES;
		read_as(mode % NMODES, data, len, &got);
		mt_heap__thread_steals = 1;
		if (mode >= NMODES && (got.seen & MT_HEAP_PAR_STOLEN))
			MT_RECORD_FAIL_("%s: the thread took the second piece though told not to", what);
		/* split or stolen, whichever happened, counts as one */
		common &= got.seen | (got.seen & (MT_HEAP_PAR_SPLIT | MT_HEAP_PAR_STOLEN) ?
			MT_HEAP_PAR_SPLIT | MT_HEAP_PAR_STOLEN : 0);
		if (got.rc != ref.rc || got.err.code != ref.err.code || got.err.offset != ref.err.offset ||
		    strcmp(got.err.msg, ref.err.msg) || (ref.err.doing == NULL) != (got.err.doing == NULL) ||
		    (ref.err.doing && strcmp(ref.err.doing, got.err.doing)))
			MT_RECORD_FAIL_("%s, %s: rc %d byte %llu \"%s\", one thread: rc %d byte %llu \"%s\"", what, mode_name[mode % NMODES],
				got.rc, (unsigned long long)got.err.offset, got.err.msg, ref.rc,
				(unsigned long long)ref.err.offset, ref.err.msg);
		else if (!ref.rc && (!got.h || heap_diff(ref.h, got.h)))
			MT_RECORD_FAIL_("%s, %s: %s", what, mode_name[mode % NMODES], got.h ? heap_diff(ref.h, got.h) : "no heap");
		result_free(&got);
	}
	result_free(&ref);
	return common;
}

static int snapshot_name(const char *n)
{
	size_t l = strlen(n);
	return (l > 13 && !strcmp(n + l - 13, ".heapsnapshot")) || (l > 16 && !strcmp(n + l - 16, ".heapsnapshot.gz"));
}

/* every snapshot in @dir: all ways agree; valid ones went through both threads */
static int check_dir(const char *dir, int expect_valid)
{
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	char names[128][256];
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) && n < 128)
		if (snapshot_name(e->d_name))
			snprintf(names[n++], sizeof names[0], "%s", e->d_name);
	closedir(d);
	for (int i = 0; i < n; i++) {
		char path[1600];
		snprintf(path, sizeof path, "%.1200s/%.255s", dir, names[i]);
		size_t len = 0;
		uint8_t *data = load(path, &len);
		if (!data) {   /* a broken gzip stream: the stream's error, not the reader's */
			printf("# %s: not readable as a stream, left out\n", names[i]);
			continue;
		}
		unsigned seen = check_agree(names[i], data, len, 1);
		if (expect_valid) {
			unsigned want = MT_HEAP_PAR_STARTED | MT_HEAP_PAR_EDGES | MT_HEAP_PAR_STRINGS;
			if ((seen & want) != want || (seen & (MT_HEAP_PAR_SPLIT | MT_HEAP_PAR_STOLEN)) == 0)
				MT_RECORD_FAIL_("%s: read on two threads did only %#x", names[i], seen);
			printf("# %s: %zu bytes, two threads agree\n", names[i], len);
		}
		free(data);
	}
	return n;
}

static void test_v8threads__real_snapshots(void)
{
	char dir[1200];
	snprintf(dir, sizeof dir, "%s/samples/v8", getenv("MT_SRC") ? getenv("MT_SRC") : ".");
	CHECK(check_dir(dir, 1) >= 4);
	const char *sh = mt_t_shared();
	if (!sh) {
		printf("# ../shared absent: corpus and fixtures skipped\n");
		return;
	}
	snprintf(dir, sizeof dir, "%s/corpus/v8", sh);
	printf("# %d corpus snapshots\n", check_dir(dir, 1));
}

static void test_v8threads__malformed(void)
{
	char dir[1200];
	snprintf(dir, sizeof dir, "%s/tests/bad/v8", getenv("MT_SRC") ? getenv("MT_SRC") : ".");
	int n = check_dir(dir, 0);
	CHECK(n >= 30);
	printf("# %d malformed snapshots agree\n", n);
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static size_t find(const uint8_t *d, size_t len, const char *key)
{
	size_t k = strlen(key);
	for (size_t i = 0; i + k <= len; i++)
		if (!memcmp(d + i, key, k))
			return i;
	return len;
}

/*
 * Mutations of a real snapshot where the second thread works: a byte
 * replaced, deleted or inserted, or the file cut, anywhere from the nodes'
 * end to the strings, a third of them close to where the edges split.
 */
static void test_v8threads__mutations(void)
{
	char path[1200];
	snprintf(path, sizeof path, "%s/samples/v8/browser-target.heapsnapshot.gz",
		getenv("MT_SRC") ? getenv("MT_SRC") : ".");
	size_t len = 0;
	uint8_t *orig = load(path, &len);
	CHECK(orig != NULL);
	if (!orig)
		return;
	size_t nodes = find(orig, len, "\"nodes\""), edges = find(orig, len, "\"edges\"");
	size_t after = find(orig, len, "\"trace_function_infos\""), strings = find(orig, len, "\"strings\"");
	CHECK(nodes < edges && edges < after && after < strings && strings < len);
	/* the split: the thread's bytes (from "edges") about equal the main thread's (nodes, then the rest) */
	size_t mid = (2 * edges - nodes + after) / 2;
	static const char alphabet[] = "0123456789,]\"[ -.x\n\\";
	uint8_t *buf = malloc(len + 1);
	int agree = 0, failed_reads = 0, taken = 0, dropped = 0;
	int failed_before = mt_t_failed;
	for (int i = 0; i < 240 && mt_t_failed == failed_before; i++) {
		size_t pos;
		uint64_t r = next_rand();
		if (i % 3 == 0)
			pos = mid - 4096 + (size_t)(r % 8192);
		else
			pos = nodes + (size_t)(r % (len - nodes));
		uint8_t c = (uint8_t)alphabet[(r >> 32) % (sizeof alphabet - 1)];
		size_t n = len;
		memcpy(buf, orig, len);
		switch ((r >> 48) % 8) {
		case 0:   /* delete */
			memmove(buf + pos, buf + pos + 1, len - pos - 1);
			n--;
			break;
		case 1:   /* insert */
			memmove(buf + pos + 1, buf + pos, len - pos);
			buf[pos] = c;
			n++;
			break;
		case 2:   /* cut */
			n = pos;
			break;
		default:  /* replace */
			buf[pos] = c;
			break;
		}
		char what[64];
		snprintf(what, sizeof what, "mutation %d (byte %zu)", i, pos);
		unsigned seen = check_agree(what, buf, n, i % 12 == 0);
		taken += (seen & MT_HEAP_PAR_EDGES) != 0;
		dropped += (seen & MT_HEAP_PAR_STARTED) && !(seen & MT_HEAP_PAR_EDGES);
		result res;
		read_as(ONE_THREAD, buf, n, &res);
		failed_reads += res.rc != 0;
		result_free(&res);
		agree++;
	}
	printf("# %d mutations agree (%d of them errors); the second thread's edges taken %d times, "
		"dropped for a read on one thread %d times\n", agree, failed_reads, taken, dropped);
	CHECK(failed_reads > 60);
	CHECK(taken > 20);
	CHECK(dropped > 20);
	free(buf);
	free(orig);
}

int main(void)
{
	snprintf(tmp_path, sizeof tmp_path, "/tmp/mt-v8threads-%ld.heapsnapshot", (long)getpid());
	MT_RUN(test_v8threads__real_snapshots);
	MT_RUN(test_v8threads__malformed);
	MT_RUN(test_v8threads__mutations);
	unlink(tmp_path);
	MT_DONE();
}
