/*
 * tests/fuzz/fuzz_v8.c - fuzz target for the V8 .heapsnapshot reader
 * (parsers/v8_heap.c) and its streaming JSON parser (parsers/v8_json.c).
 *
 * Every input is read twice: from memory in one piece, and through a small
 * refill buffer (64..1087 bytes, from the input's length) as a stream is
 * read, and from memory on two threads (the edges and strings on a second
 * thread at any size). All must agree exactly: same result code, same
 * error offset and message, same graph. On success (abort() on violation):
 *   - node_type < MT_HN__COUNT, edge_type < MT_HE__COUNT, detachedness <= 2;
 *   - edge_to < nnodes; first_edge starts at 0, is monotone, ends at nedges;
 *   - names are ids of the string table; locations point at nodes; trace
 *     nodes' parents come before them and their functions exist;
 *   - the retainer index builds and holds exactly nedges entries;
 *   - both info renderers succeed;
 *   - dominators: idom[] in range, retained sizes between the node's own
 *     self size and the root's total, the root's retained = total self;
 *   - the leak detectors finish (or stop with MT_ELIMIT on crafted
 *     graphs) and their findings render as JSON, identically twice.
 * A failed read must return NULL, the error code and a message.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memtracer/heap.h"
#include "memtracer/heap_leaks.h"
#include "memtracer/io.h"
#include "parsers/v8_json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, const mt_error *err)
{
	char line[512] = "";
	if (err)
		mt_error_format(err, line, sizeof line);
	fprintf(stderr, "fuzz_v8: invariant violated: %s %s\n", what, line);
	abort();
}

static void check_heap(mt_heap *h)
{
	if (h->nnodes == 0 || !h->first_edge || h->first_edge[0] != 0)
		fail("no nodes or first_edge[0] != 0", NULL);
	uint32_t nstr = mt_strtab_count(h->strings);
	for (uint32_t i = 0; i < h->nnodes; i++) {
		if (h->node_type[i] >= MT_HN__COUNT)
			fail("node type out of range", NULL);
		if (h->node_detached[i] > MT_DETACHED_DETACHED)
			fail("detachedness out of range", NULL);
		if (h->node_name[i] >= nstr)
			fail("node name is not a string id", NULL);
		if (h->first_edge[i + 1] < h->first_edge[i])
			fail("first_edge not monotone", NULL);
	}
	if (h->first_edge[h->nnodes] != h->nedges)
		fail("first_edge does not end at nedges", NULL);
	for (uint32_t e = 0; e < h->nedges; e++) {
		if (h->edge_to[e] >= h->nnodes)
			fail("edge_to out of range", NULL);
		if (h->edge_type[e] >= MT_HE__COUNT)
			fail("edge type out of range", NULL);
		if (h->edge_type[e] != MT_HE_ELEMENT && h->edge_type[e] != MT_HE_HIDDEN && h->edge_name[e] >= nstr)
			fail("edge name is not a string id", NULL);
	}
	for (uint32_t l = 0; l < h->nlocations; l++)
		if (h->locations[l].node >= h->nnodes)
			fail("location node out of range", NULL);
	for (uint32_t f = 0; f < h->ntrace_fns; f++)
		if (h->trace_fns[f].name >= nstr || h->trace_fns[f].script_name >= nstr)
			fail("trace function name is not a string id", NULL);
	for (uint32_t t = 0; t < h->ntrace_nodes; t++) {
		const mt_heap_trace_node *tn = &h->trace_nodes[t];
		if (tn->parent != UINT32_MAX && tn->parent >= t)
			fail("trace node parent after the node", NULL);
		if (tn->fn >= h->ntrace_fns)
			fail("trace node function out of range", NULL);
	}
	mt_error err = MT_ERROR_INIT;
	if (mt_heap_build_retainers(h, &err) != 0)
		fail("retainer index failed:", &err);
	if (h->first_retainer[h->nnodes] != h->nedges)
		fail("retainer count differs from nedges", NULL);
	for (uint32_t i = 0; i < h->nnodes; i++)
		if (h->first_retainer[i + 1] < h->first_retainer[i])
			fail("first_retainer not monotone", NULL);

	mt_membuf mb = { 0 };
	mt_sink sink = mt_sink_membuf(&mb);
	if (mt_render_heap_info_text(h, "fuzz", &sink, &err) != 0 ||
	    mt_render_heap_info_json(h, "fuzz", &sink, &err) != 0)
		fail("info rendering failed:", &err);
	mt_membuf_free(&mb);
}

/* The findings of every single-snapshot detector, rendered as JSON into @mb. */
static int leaks_json(const mt_heap *h, const mt_heap_doms *d, mt_membuf *mb)
{
	mt_findings *fs = NULL;
	mt_error err = MT_ERROR_INIT;
	if (mt_findings_new(&fs) != 0)
		fail("out of memory", NULL);
	int rc = mt_heap_leaks(fs, h, d, "fuzz", NULL, &err);
	if (rc != 0 && rc != MT_ELIMIT && rc != MT_ENOMEM)
		fail("leak detectors failed:", &err);
	if (rc != 0 && err.msg[0] == '\0')
		fail("a failed leak pass without a message", NULL);
	if (rc == 0) {
		mt_findings_sort(fs);
		mt_sink sink = mt_sink_membuf(mb);
		if (mt_render_findings_json(fs, &sink, &err) != 0)
			fail("findings rendering failed:", &err);
	}
	mt_findings_free(fs);
	return rc;
}

static void check_analyses(const mt_heap *h)
{
	mt_heap_doms *d = NULL;
	mt_error err = MT_ERROR_INIT;
	int rc = mt_heap_dominators(&d, h, &err);
	if (rc == MT_ENOMEM)
		return;
	if (rc != 0)
		fail("dominators failed:", &err);
	if (d->retained[0] != h->total_self)
		fail("root's retained size is not the total self size", NULL);
	for (uint32_t i = 0; i < h->nnodes; i++) {
		if (d->idom[i] >= h->nnodes)
			fail("idom out of range", NULL);
		if (d->retained[i] < h->node_self[i] || d->retained[i] > d->retained[0])
			fail("retained size outside [self, total]", NULL);
	}
	mt_membuf m1 = { 0 }, m2 = { 0 };
	int r1 = leaks_json(h, d, &m1), r2 = leaks_json(h, d, &m2);
	if (r1 != r2 || m1.len != m2.len || (m1.len && memcmp(m1.data, m2.data, m1.len) != 0))
		fail("leak findings differ between two runs", NULL);
	mt_membuf_free(&m1);
	mt_membuf_free(&m2);
	mt_heap_doms_free(d);
}

static int same_heap(const mt_heap *a, const mt_heap *b)
{
	if (a->nnodes != b->nnodes || a->nedges != b->nedges || a->total_self != b->total_self ||
	    a->features != b->features || a->nlocations != b->nlocations || a->ntrace_fns != b->ntrace_fns ||
	    a->ntrace_nodes != b->ntrace_nodes)
		return 0;
	if (memcmp(a->node_type, b->node_type, a->nnodes) || memcmp(a->node_name, b->node_name, 4 * (size_t)a->nnodes) ||
	    memcmp(a->first_edge, b->first_edge, 4 * ((size_t)a->nnodes + 1)))
		return 0;
	if (a->nedges && (memcmp(a->edge_to, b->edge_to, 4 * (size_t)a->nedges) ||
		memcmp(a->edge_name, b->edge_name, 4 * (size_t)a->nedges) || memcmp(a->edge_type, b->edge_type, a->nedges)))
		return 0;
	if (memcmp(a->node_id, b->node_id, 4 * (size_t)a->nnodes) || memcmp(a->node_self, b->node_self, 8 * (size_t)a->nnodes) ||
	    memcmp(a->node_detached, b->node_detached, a->nnodes))
		return 0;
	uint32_t ns = mt_strtab_count(a->strings);
	if (ns != mt_strtab_count(b->strings))
		return 0;
	for (uint32_t i = 0; i < ns; i++)
		if (mt_strtab_len(a->strings, i) != mt_strtab_len(b->strings, i) ||
		    memcmp(mt_strtab_get(a->strings, i), mt_strtab_get(b->strings, i), mt_strtab_len(a->strings, i)))
			return 0;
	return 1;
}

/* two reads of one input: the same result code, error offset and message, or the same graph */
static void same_read(const char *wa, int ra, const mt_error *ea, const mt_heap *a, const char *wb, int rb,
	const mt_error *eb, const mt_heap *b)
{
	if (ra != rb || ea->offset != eb->offset || strcmp(ea->msg, eb->msg) != 0) {
		char la[512], lb[512];
		mt_error_format(ea, la, sizeof la);
		mt_error_format(eb, lb, sizeof lb);
		fprintf(stderr, "%s: %d %s\n%s: %d %s\n", wa, ra, la, wb, rb, lb);
		fail("two reads differ", NULL);
	}
	if (a && (!b || !same_heap(a, b))) {
		fprintf(stderr, "%s / %s\n", wa, wb);
		fail("two reads built different graphs", NULL);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mt_read_opts o = MT_READ_OPTS_INIT;
	o.strict = size > 0 && (data[size - 1] & 1); /* both modes, from the input */

	mt_heap *a = NULL, *b = NULL;
	mt_error ea = MT_ERROR_INIT, eb = MT_ERROR_INIT;
	int ra = mt_heap__read_memory(&a, data, size, &o, &ea);

	mt_vj j;
	int rb = mt_vj_init_chunked(&j, data, size, 64 + size % 1024, &eb);
	if (rb == 0) {
		rb = mt_heap__read_vj(&b, &j, &o, &eb);
		mt_vj_free(&j);
	}

	if ((ra != 0) != (a == NULL) || (rb != 0) != (b == NULL))
		fail("result code and heap disagree", ra ? &ea : &eb);
	if (ra != 0 && (ea.code != ra || ea.msg[0] == '\0'))
		fail("a failed read must leave its code and a message", &ea);
	same_read("memory", ra, &ea, a, "chunked", rb, &eb, b);
	if (a) {
		check_heap(a);
		check_analyses(a);
	}

	/* on two threads (the edges split anywhere, the second piece left to either thread): the same */
	mt_heap *c = NULL;
	mt_error ec = MT_ERROR_INIT;
	mt_heap__parallel_min = 0;
	mt_heap__split_min = 1;
	mt_heap__thread_steals = size > 1 && (data[size - 2] & 1);
	int rc = mt_heap__read_memory(&c, data, size, &o, &ec);
	mt_heap__parallel_min = (size_t)32 << 20;
	mt_heap__split_min = (size_t)1 << 20;
	mt_heap__thread_steals = 1;
	same_read("one thread", ra, &ea, a, "two threads", rc, &ec, c);
	mt_heap_free(a);
	mt_heap_free(b);
	mt_heap_free(c);

	/* the JSON parser alone, with small limits: it must end in EOF or an error */
	mt_error ej = MT_ERROR_INIT;
	if (mt_vj_init_memory(&j, data, size, &ej) == 0) {
		j.max_str = 256;
		j.max_depth = 64;
		mt_vj_tok t;
		for (size_t n = 0; n <= size + 1; n++) {
			if (mt_vj_next(&j, &t) != 0) {
				if (ej.msg[0] == '\0')
					fail("a JSON error without a message", NULL);
				break;
			}
			if (t.kind == MT_VJ_EOF)
				break;
			if (n == size + 1)
				fail("more JSON events than input bytes", NULL);
		}
		mt_vj_free(&j);
	}
	return 0;
}
