/*
 * tests/unit/test_v8_heap.c - the streaming JSON parser (parsers/v8_json.c)
 * and the V8 .heapsnapshot reader (parsers/v8_heap.c): hand-written
 * snapshots (layouts taken from meta, old and new V8, sections in any
 * order, traces, locations), every malformed-input error with its offset,
 * gzip and refill boundaries, and the real snapshots of ../shared.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "memtracer/memtracer.h"
#include "memtracer/heap.h"
#include "parsers/v8_json.h"
#include "testlib.h"

/* ---- helpers ---- */

#define NODE_TYPES_NEW \
	"[\"hidden\",\"array\",\"string\",\"object\",\"code\",\"closure\",\"regexp\",\"number\",\"native\"," \
	"\"synthetic\",\"concatenated string\",\"sliced string\",\"symbol\",\"bigint\",\"object shape\"]"
#define EDGE_TYPES "[\"context\",\"element\",\"property\",\"internal\",\"hidden\",\"shortcut\",\"weak\"]"

#define META_NEW \
	"\"meta\":{\"node_fields\":[\"type\",\"name\",\"id\",\"self_size\",\"edge_count\",\"detachedness\"]," \
	"\"node_types\":[" NODE_TYPES_NEW ",\"string\",\"number\",\"number\",\"number\",\"number\"]," \
	"\"edge_fields\":[\"type\",\"name_or_index\",\"to_node\"]," \
	"\"edge_types\":[" EDGE_TYPES ",\"string_or_number\",\"node\"]}"

/* 3 nodes, 3 edges: root --[1]--> Foo, root --next--> "hello", Foo --w (weak)--> root */
#define SNAP_HEAD "{\"snapshot\":{" META_NEW ",\"node_count\":3,\"edge_count\":3},\n"
#define SNAP_NODES "\"nodes\":[9,0,1,0,2,0\n,3,1,3,16,1,2\n,2,2,5,24,0,1],\n"
#define SNAP_EDGES "\"edges\":[1,1,6\n,2,3,12\n,6,4,0],\n"
#define SNAP_STRINGS "\"strings\":[\"\",\"Foo\",\"hello\",\"next\",\"w\"]}"
#define MINIMAL SNAP_HEAD SNAP_NODES SNAP_EDGES SNAP_STRINGS

static int nwarn;
static char last_warn[512];

static void on_warn(void *ctx, const char *path, const char *msg)
{
	(void)ctx;
	(void)path;
	nwarn++;
	snprintf(last_warn, sizeof last_warn, "%s", msg);
}

static int read_str(mt_heap **h, const char *text, mt_error *err)
{
	mt_read_opts o = MT_READ_OPTS_INIT;
	o.warn = on_warn;
	return mt_heap__read_memory(h, (const uint8_t *)text, strlen(text), &o, err);
}

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return;
	fwrite(data, 1, len, f);
	fclose(f);
}

/* offset of the @nth (0-based) occurrence of @needle after the first occurrence of @after */
static uint64_t off_of(const char *text, const char *after, const char *needle, int nth)
{
	const char *p = after ? strstr(text, after) : text;
	if (!p)
		return UINT64_MAX;
	p = strstr(p, needle);
	while (p && nth-- > 0)
		p = strstr(p + 1, needle);
	return p ? (uint64_t)(p - text) : UINT64_MAX;
}

static const char *name_of(const mt_heap *h, uint32_t node)
{
	return mt_strtab_get(h->strings, h->node_name[node]);
}

/* the graph of MINIMAL, whatever the field order */
static void check_minimal(const mt_heap *h, int with_det)
{
	CHECK_EQ_I(h->nnodes, 3);
	CHECK_EQ_I(h->nedges, 3);
	CHECK_EQ_I(h->node_type[0], MT_HN_SYNTHETIC);
	CHECK_EQ_I(h->node_type[1], MT_HN_OBJECT);
	CHECK_EQ_I(h->node_type[2], MT_HN_STRING);
	CHECK_EQ_S(name_of(h, 0), "");
	CHECK_EQ_S(name_of(h, 1), "Foo");
	CHECK_EQ_S(name_of(h, 2), "hello");
	CHECK_EQ_I(h->node_id[1], 3);
	CHECK_EQ_I(h->node_self[2], 24);
	CHECK_EQ_I(h->total_self, 40);
	CHECK_EQ_I(h->first_edge[0], 0);
	CHECK_EQ_I(h->first_edge[1], 2);
	CHECK_EQ_I(h->first_edge[2], 3);
	CHECK_EQ_I(h->first_edge[3], 3);
	CHECK_EQ_I(h->edge_type[0], MT_HE_ELEMENT);
	CHECK_EQ_I(h->edge_name[0], 1); /* an element index */
	CHECK_EQ_I(h->edge_to[0], 1);
	CHECK_EQ_I(h->edge_type[1], MT_HE_PROPERTY);
	CHECK_EQ_S(mt_strtab_get(h->strings, h->edge_name[1]), "next");
	CHECK_EQ_I(h->edge_to[1], 2);
	CHECK_EQ_I(h->edge_type[2], MT_HE_WEAK);
	CHECK_EQ_S(mt_strtab_get(h->strings, h->edge_name[2]), "w");
	CHECK_EQ_I(h->edge_to[2], 0);
	if (with_det) {
		CHECK_EQ_I(h->node_detached[1], MT_DETACHED_DETACHED);
		CHECK_EQ_I(h->node_detached[2], MT_DETACHED_ATTACHED);
		CHECK(h->features & MT_HEAP_HAS_DETACHEDNESS);
	} else {
		CHECK_EQ_I(h->node_detached[1], 0);
		CHECK(!(h->features & MT_HEAP_HAS_DETACHEDNESS));
	}
}

/* ---- the JSON parser ---- */

static void test_v8json__events_and_escapes(void)
{
	const char *text = " {\"a\\u00e9\":[1, -2, 3.5e1, true, false, null, \"x\\n\\\"\\/\\ud83d\\ude00\\ud800z\\udc00\"], \"b\":{}}  ";
	mt_error err = MT_ERROR_INIT;
	mt_vj j;
	CHECK_OK(mt_vj_init_memory(&j, (const uint8_t *)text, strlen(text), &err));
	mt_vj_tok t;
	static const mt_vj_kind want[] = { MT_VJ_OBJ_BEGIN, MT_VJ_KEY, MT_VJ_ARR_BEGIN, MT_VJ_NUMBER, MT_VJ_NUMBER,
		MT_VJ_NUMBER, MT_VJ_TRUE, MT_VJ_FALSE, MT_VJ_NULL, MT_VJ_STRING, MT_VJ_ARR_END, MT_VJ_KEY,
		MT_VJ_OBJ_BEGIN, MT_VJ_OBJ_END, MT_VJ_OBJ_END, MT_VJ_EOF, MT_VJ_EOF };
	for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
		if (mt_vj_next(&j, &t) != 0) {
			mt_vj_free(&j);
			MT_FAIL_("event %zu failed: %s", i, err.msg);
		}
		if (t.kind != want[i]) {
			mt_vj_free(&j);
			MT_FAIL_("event %zu is %d, expected %d", i, t.kind, want[i]);
		}
		if (i == 1) {
			CHECK_EQ_S(t.str, "a\xc3\xa9");
			CHECK_EQ_I(t.off, 2);
		}
		if (i == 3) {
			CHECK_EQ_I(t.num, MT_VJ_UINT);
			CHECK_EQ_I(t.u, 1);
		}
		if (i == 4)
			CHECK_EQ_I(t.num, MT_VJ_NEGATIVE);
		if (i == 5)
			CHECK_EQ_I(t.num, MT_VJ_FRACTION);
		if (i == 9) {
			/* emoji via a surrogate pair, a lone high then 'z', a lone low */
			const char exp[] = "x\n\"/\xf0\x9f\x98\x80\xef\xbf\xbdz\xef\xbf\xbd";
			CHECK_EQ_I(t.len, sizeof exp - 1);
			CHECK(memcmp(t.str, exp, sizeof exp - 1) == 0);
		}
	}
	mt_vj_free(&j);
}

static void expect_json_error(const char *text, int code, uint64_t off, const char *msg_part, size_t max_str,
	uint32_t max_depth)
{
	mt_error err = MT_ERROR_INIT;
	mt_vj j;
	CHECK_OK(mt_vj_init_memory(&j, (const uint8_t *)text, strlen(text), &err));
	if (max_str)
		j.max_str = max_str;
	if (max_depth)
		j.max_depth = max_depth;
	mt_vj_tok t;
	int rc = 0;
	for (int i = 0; i < 1000 && rc == 0; i++) {
		rc = mt_vj_next(&j, &t);
		if (rc == 0 && t.kind == MT_VJ_EOF)
			break;
	}
	mt_vj_free(&j);
	if (rc != code)
		MT_FAIL_("%s: rc %d (%s), expected %d", text, rc, err.msg, code);
	if (err.offset != off)
		MT_FAIL_("%s: offset %llu (%s), expected %llu", text, (unsigned long long)err.offset, err.msg,
			(unsigned long long)off);
	if (!strstr(err.msg, msg_part))
		MT_FAIL_("%s: message \"%s\" lacks \"%s\"", text, err.msg, msg_part);
}

static void test_v8json__errors_and_limits(void)
{
	expect_json_error("[1,]", MT_EFORMAT, 3, "expected a value, found ']'", 0, 0);
	expect_json_error("[1 2]", MT_EFORMAT, 3, "expected ',' or ']', found a number", 0, 0);
	expect_json_error("{\"a\" 1}", MT_EFORMAT, 5, "expected ':' after the key", 0, 0);
	expect_json_error("{\"a\":1,}", MT_EFORMAT, 7, "expected a key (a string), found '}'", 0, 0);
	expect_json_error("[1] x", MT_EFORMAT, 4, "expected the end of the input", 0, 0);
	expect_json_error("[tru]", MT_EFORMAT, 4, "expected 'true'", 0, 0);
	expect_json_error("[\"ab", MT_ETRUNC, 4, "found the end of the input", 0, 0);
	expect_json_error("[\"a\\q\"]", MT_EFORMAT, 4, "expected an escape character", 0, 0);
	expect_json_error("[\"a\\u12G4\"]", MT_EFORMAT, 3, "expected 4 hex digits", 0, 0);
	expect_json_error("[\"a\tb\"]", MT_EFORMAT, 3, "raw byte 0x09", 0, 0);
	expect_json_error("[1.]", MT_EFORMAT, 3, "a digit after the decimal point", 0, 0);
	expect_json_error("[-]", MT_EFORMAT, 2, "expected a digit", 0, 0);
	expect_json_error("[1", MT_ETRUNC, 2, "found the end of the input", 0, 0);
	expect_json_error("", MT_ETRUNC, 0, "expected a value, found the end of the input", 0, 0);
	expect_json_error("[\"abcdefghij\"]", MT_ELIMIT, 1, "at most 8 bytes", 8, 0);
	expect_json_error("[[[[1]]]]", MT_ELIMIT, 3, "at most 3 levels", 0, 3);
}

static void test_v8json__uints_fast_path(void)
{
	const char *text = "[ 0 ,1,\n18446744073709551615 , 42 ] [1,-1] [7,1.5] [1,2";
	mt_error err = MT_ERROR_INIT;
	mt_vj j;
	CHECK_OK(mt_vj_init_memory(&j, (const uint8_t *)text, strlen(text), &err));
	mt_vj_tok t;
	CHECK_OK(mt_vj_next(&j, &t));
	CHECK_EQ_I(t.kind, MT_VJ_ARR_BEGIN);
	uint64_t v[2], o[2];
	size_t n;
	int closed;
	CHECK_OK(mt_vj_uints(&j, v, o, 2, &n, &closed));
	CHECK_EQ_I(n, 2);
	CHECK(!closed);
	CHECK_EQ_I(v[1], 1);
	CHECK_EQ_I(o[1], 5);
	CHECK_OK(mt_vj_uints(&j, v, o, 2, &n, &closed));
	CHECK_EQ_I(n, 2);
	CHECK(v[0] == UINT64_MAX);
	CHECK_EQ_I(v[1], 42);
	CHECK(!closed);
	CHECK_OK(mt_vj_uints(&j, v, o, 2, &n, &closed));
	CHECK_EQ_I(n, 0);
	CHECK(closed);
	CHECK_EQ_I(j.close_off, (uint64_t)(strchr(text, ']') - text));
	/* the top-level value is complete: what follows is an error for next() */
	CHECK(mt_vj_next(&j, &t) == MT_EFORMAT);
	mt_vj_free(&j);

	const char *bad[] = { "[1,-1]", "[7,1.5]", "[1,2", "[18446744073709551616]", "[1,\"x\"]", "[1,]" };
	const uint64_t boff[] = { 3, 3, 4, 1, 3, 3 };
	const char *bmsg[] = { "found a negative number", "fraction", "found the end of the input", "below 2^64",
		"found a string", "found ']'" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		mt_error e2 = MT_ERROR_INIT;
		CHECK_OK(mt_vj_init_memory(&j, (const uint8_t *)bad[i], strlen(bad[i]), &e2));
		CHECK_OK(mt_vj_next(&j, &t));
		int rc = mt_vj_uints(&j, v, o, 2, &n, &closed);
		if (rc == 0 && !closed)
			rc = mt_vj_uints(&j, v, o, 2, &n, &closed);
		mt_vj_free(&j);
		CHECK(rc != 0);
		if (e2.offset != boff[i] || !strstr(e2.msg, bmsg[i]))
			MT_FAIL_("%s: byte %llu: %s", bad[i], (unsigned long long)e2.offset, e2.msg);
	}
}

/* ---- snapshots ---- */

static void test_v8heap__minimal(void)
{
	mt_heap *h = NULL;
	mt_error err = MT_ERROR_INIT;
	nwarn = 0;
	int rc = read_str(&h, MINIMAL, &err);
	if (rc)
		MT_FAIL_("read failed: %s", err.msg);
	check_minimal(h, 1);
	CHECK_EQ_I(nwarn, 0);
	CHECK_EQ_I(h->features, MT_HEAP_HAS_DETACHEDNESS);
	CHECK_OK(mt_heap_build_retainers(h, &err));
	CHECK_EQ_I(h->first_retainer[3], 3);
	mt_heap_free(h);
}

static void test_v8heap__shuffled_meta_and_old_format(void)
{
	/* node fields in another order plus a field we do not know; edges too */
	const char *text =
		"{\"snapshot\":{\"meta\":{\"edge_types\":[\"node\"," EDGE_TYPES ",\"string_or_number\"],"
		"\"edge_fields\":[\"to_node\",\"type\",\"name_or_index\"],"
		"\"node_fields\":[\"edge_count\",\"extra\",\"self_size\",\"id\",\"name\",\"type\"],"
		"\"node_types\":[\"number\",\"number\",\"number\",\"number\",\"string\"," NODE_TYPES_NEW "],"
		"\"future_fields\":[\"x\"]},\"node_count\":3,\"edge_count\":3,\"future\":{\"a\":[1,{}]}},"
		"\"strings\":[\"\",\"Foo\",\"hello\",\"next\",\"w\"],"
		"\"nodes\":[2,77,0,1,0,9, 1,77,16,3,1,3, 0,77,24,5,2,2],"
		"\"edges\":[6,1,1, 12,2,3, 0,6,4],\"samples\":[],\"trace_tree\":[],\"extra\":[[{}]]}";
	mt_heap *h = NULL;
	mt_error err = MT_ERROR_INIT;
	int rc = read_str(&h, text, &err);
	if (rc)
		MT_FAIL_("read failed: byte %llu: %s", (unsigned long long)err.offset, err.msg);
	check_minimal(h, 0);
	CHECK_EQ_I(h->features, 0);
	mt_heap_free(h);
}

/* node writes a trace_node_id column of zeros: the feature is reported, the column not kept */
static void test_v8heap__zero_trace_ids_not_kept(void)
{
	const char *text =
		"{\"snapshot\":{\"meta\":{\"node_fields\":[\"type\",\"name\",\"id\",\"self_size\",\"edge_count\","
		"\"trace_node_id\"],"
		"\"node_types\":[" NODE_TYPES_NEW ",\"string\",\"number\",\"number\",\"number\",\"number\"],"
		"\"edge_fields\":[\"type\",\"name_or_index\",\"to_node\"],"
		"\"edge_types\":[" EDGE_TYPES ",\"string_or_number\",\"node\"]},"
		"\"node_count\":2,\"edge_count\":1},\n"
		"\"nodes\":[9,0,1,0,1,0, 5,1,3,32,0,0],\n"
		"\"edges\":[2,1,6],\n"
		"\"strings\":[\"(root)\",\"run\"]}";
	mt_heap *h = NULL;
	mt_error err = MT_ERROR_INIT;
	int rc = read_str(&h, text, &err);
	if (rc)
		MT_FAIL_("read failed: byte %llu: %s", (unsigned long long)err.offset, err.msg);
	CHECK_EQ_I(h->features, MT_HEAP_HAS_TRACE_NODE_ID);
	CHECK(h->node_trace == NULL);
	CHECK_EQ_I(h->nnodes, 2);
	CHECK_EQ_I(h->node_self[1], 32);
	CHECK_EQ_I(h->edge_to[0], 1);
	mt_heap_free(h);
}

static uint32_t owner_scan(const mt_heap *h, uint32_t e)
{
	uint32_t u = 0;
	while (!(h->first_edge[u] <= e && e < h->first_edge[u + 1]))
		u++;
	return u;
}

/* mt_heap_edge_from with the edge index: nodes without edges, edges across
 * index blocks, and an index left stale by a changed graph */
static void test_v8heap__edge_from_index(void)
{
	mt_heap *h = calloc(1, sizeof *h);
	CHECK(h != NULL);
	h->nnodes = 3000;
	h->first_edge = calloc(h->nnodes + 1, sizeof *h->first_edge);
	CHECK(h->first_edge != NULL);
	uint32_t e = 0;
	for (uint32_t u = 0; u < h->nnodes; u++) {
		h->first_edge[u] = e;
		e += (u % 7 == 3) ? 0 : (u % 11 == 0 ? 700 : u % 5);   /* empty nodes, and some past a block */
	}
	h->first_edge[h->nnodes] = h->nedges = e;
	CHECK_OK(mt_heap__index_edges(h));
	CHECK(h->priv != NULL);
	uint32_t bad = 0;
	for (uint32_t ed = 0; ed < h->nedges; ed++)
		bad += mt_heap_edge_from(h, ed) != owner_scan(h, ed);
	CHECK_EQ_I(bad, 0);
	/* move 300 edges from node 0 to the last node: the index is now stale */
	for (uint32_t u = 1; u < h->nnodes; u++)
		h->first_edge[u] -= 300;
	CHECK(h->first_edge[1] >= 400);
	for (uint32_t ed = 0; ed < h->nedges; ed++)
		bad += mt_heap_edge_from(h, ed) != owner_scan(h, ed);
	CHECK_EQ_I(bad, 0);
	mt_heap_free(h);
}

static void test_v8heap__sections_in_any_order(void)
{
	/* strings first, edges before nodes, and both before the snapshot header */
	const char *text = "{\"strings\":[\"\",\"Foo\",\"hello\",\"next\",\"w\"],\n" SNAP_EDGES SNAP_NODES
		"\"snapshot\":{" META_NEW "}}";
	mt_heap *h = NULL;
	mt_error err = MT_ERROR_INIT;
	int rc = read_str(&h, text, &err);
	if (rc)
		MT_FAIL_("read failed: byte %llu: %s", (unsigned long long)err.offset, err.msg);
	check_minimal(h, 1);
	mt_heap_free(h);

	/* edges before nodes (meta first): dangling targets are still found, at their offset */
	const char *bad = SNAP_HEAD "\"edges\":[1,1,6\n,2,3,18\n,6,4,0],\n" SNAP_NODES SNAP_STRINGS;
	err = (mt_error)MT_ERROR_INIT;
	CHECK_EQ_I(read_str(&h, bad, &err), MT_EFORMAT);
	CHECK(h == NULL);
	CHECK_EQ_I(err.offset, off_of(bad, "\"edges\"", "18", 0));
	CHECK(strstr(err.msg, "expected to_node to point at one of the 3 nodes (below 18), found 18") != NULL);
	CHECK_EQ_S(err.doing, "resolving node references");
}

static void test_v8heap__traces_and_locations(void)
{
	const char *text =
		"{\"snapshot\":{\"meta\":{\"node_fields\":[\"type\",\"name\",\"id\",\"self_size\",\"edge_count\","
		"\"trace_node_id\",\"detachedness\"],"
		"\"node_types\":[" NODE_TYPES_NEW ",\"string\",\"number\",\"number\",\"number\",\"number\",\"number\"],"
		"\"edge_fields\":[\"type\",\"name_or_index\",\"to_node\"],"
		"\"edge_types\":[" EDGE_TYPES ",\"string_or_number\",\"node\"],"
		"\"trace_function_info_fields\":[\"function_id\",\"name\",\"script_name\",\"script_id\",\"line\",\"column\"],"
		"\"trace_node_fields\":[\"id\",\"function_info_index\",\"count\",\"size\",\"children\"],"
		"\"sample_fields\":[\"timestamp_us\",\"last_assigned_id\"],"
		"\"location_fields\":[\"object_index\",\"script_id\",\"script_object_index\",\"line\",\"column\"]},"
		"\"node_count\":2,\"edge_count\":1,\"trace_function_count\":2},\n"
		"\"nodes\":[9,0,1,0,1,0,0, 5,1,3,32,0,3,0],\n"
		"\"edges\":[2,2,7],\n"
		"\"trace_function_infos\":[0,0,3,0,0,0, 1,1,4,7,10,5],\n"
		"\"trace_tree\":[1,0,0,0,[2,1,5,100,[3,1,1,32,[]],4,0,2,8,[]]],\n"
		"\"samples\":[10,1,20,3],\n"
		"\"locations\":[7,7,0,10,4],\n"
		"\"strings\":[\"(root)\",\"run\",\"fn\",\"app.js\",\"main.js\"]}";
	mt_heap *h = NULL;
	mt_error err = MT_ERROR_INIT;
	nwarn = 0;
	int rc = read_str(&h, text, &err);
	if (rc)
		MT_FAIL_("read failed: byte %llu: %s", (unsigned long long)err.offset, err.msg);
	CHECK_EQ_I(nwarn, 0);
	CHECK_EQ_I(h->features, MT_HEAP_HAS_DETACHEDNESS | MT_HEAP_HAS_TRACE_NODE_ID | MT_HEAP_HAS_LOCATIONS |
		MT_HEAP_HAS_TRACES | MT_HEAP_HAS_SAMPLES);
	CHECK_EQ_I(h->node_trace[0], 0);
	CHECK_EQ_I(h->node_trace[1], 3);
	CHECK_EQ_I(h->nlocations, 1);
	CHECK_EQ_I(h->locations[0].node, 1);
	CHECK_EQ_I(h->locations[0].script_id, 7);
	CHECK_EQ_I(h->locations[0].line, 10);
	CHECK_EQ_I(h->locations[0].column, 4);
	CHECK_EQ_I(h->ntrace_fns, 2);
	CHECK_EQ_S(mt_strtab_get(h->strings, h->trace_fns[1].name), "run");
	CHECK_EQ_S(mt_strtab_get(h->strings, h->trace_fns[1].script_name), "main.js");
	CHECK_EQ_I(h->trace_fns[1].script_id, 7);
	CHECK_EQ_I(h->trace_fns[1].line, 10);
	CHECK_EQ_I(h->trace_fns[1].column, 5);
	CHECK_EQ_I(h->ntrace_nodes, 4);
	/* pre-order: 1 (root), 2 (child of 1), 3 (child of 2), 4 (child of 1) */
	CHECK_EQ_I(h->trace_nodes[0].id, 1);
	CHECK(h->trace_nodes[0].parent == UINT32_MAX);
	CHECK_EQ_I(h->trace_nodes[1].id, 2);
	CHECK_EQ_I(h->trace_nodes[1].parent, 0);
	CHECK_EQ_I(h->trace_nodes[1].fn, 1);
	CHECK_EQ_I(h->trace_nodes[1].count, 5);
	CHECK_EQ_I(h->trace_nodes[1].size, 100);
	CHECK_EQ_I(h->trace_nodes[2].id, 3);
	CHECK_EQ_I(h->trace_nodes[2].parent, 1);
	CHECK_EQ_I(h->trace_nodes[3].id, 4);
	CHECK_EQ_I(h->trace_nodes[3].parent, 0);
	mt_heap_free(h);

	/* the same with the trace tree before the snapshot header (replayed once the meta is known) */
	const char *moved = strstr(text, "\"trace_tree\"");
	const char *moved_end = strstr(text, "\"samples\"");
	char buf[4096];
	snprintf(buf, sizeof buf, "{%.*s%.*s", (int)(moved_end - moved), moved, (int)(moved - text - 1), text + 1);
	strcat(buf, moved_end);
	err = (mt_error)MT_ERROR_INIT;
	rc = read_str(&h, buf, &err);
	if (rc)
		MT_FAIL_("read of moved trace_tree failed: byte %llu: %s", (unsigned long long)err.offset, err.msg);
	CHECK_EQ_I(h->ntrace_nodes, 4);
	CHECK_EQ_I(h->trace_nodes[2].parent, 1);
	mt_heap_free(h);

	/* a trace node with a missing value */
	char bad[4096];
	snprintf(bad, sizeof bad, "%s", text);
	char *tt = strstr(bad, "[3,1,1,32,[]]");
	memcpy(tt, "[3,1,1,  []]", 12);
	err = (mt_error)MT_ERROR_INIT;
	CHECK_EQ_I(read_str(&h, bad, &err), MT_EFORMAT);
	CHECK(strstr(err.msg, "expected a number for trace node field \"size\", found an array") != NULL);
	/* a function_info_index past the functions */
	snprintf(bad, sizeof bad, "%s", text);
	tt = strstr(bad, "[3,1,1,32,[]]");
	tt[3] = '2';
	err = (mt_error)MT_ERROR_INIT;
	CHECK_EQ_I(read_str(&h, bad, &err), MT_EFORMAT);
	CHECK_EQ_I(err.offset, (uint64_t)(tt + 3 - bad));
	CHECK(strstr(err.msg, "expected a function_info_index below 2") != NULL);

	/* locations checked but not kept: the same graph without them, the same errors */
	mt_read_opts o = MT_READ_OPTS_INIT;
	o.heap_flags = MT_READ_HEAP_NO_LOCATIONS;
	err = (mt_error)MT_ERROR_INIT;
	CHECK_OK(mt_heap__read_memory(&h, (const uint8_t *)text, strlen(text), &o, &err));
	CHECK(h->locations == NULL);
	CHECK_EQ_I(h->nlocations, 0);
	CHECK(h->features & MT_HEAP_HAS_LOCATIONS);
	CHECK_EQ_I(h->ntrace_nodes, 4);
	mt_heap_free(h);
	snprintf(bad, sizeof bad, "%s", text);
	tt = strstr(bad, "[7,7,0,10,4]");
	memcpy(tt, "[8,7,0,10,4]", 12);   /* object_index not a multiple of the 7 node fields */
	for (int keep = 0; keep < 2; keep++) {
		o.heap_flags = keep ? 0 : MT_READ_HEAP_NO_LOCATIONS;
		err = (mt_error)MT_ERROR_INIT;
		CHECK_EQ_I(mt_heap__read_memory(&h, (const uint8_t *)bad, strlen(bad), &o, &err), MT_EFORMAT);
		CHECK_EQ_I(err.offset, (uint64_t)(tt + 1 - bad));
		CHECK(strstr(err.msg, "expected object_index to be a multiple of 7") != NULL);
	}
}

/* a malformed variant of MINIMAL: @from replaced by @to */
static void expect_error(const char *from, const char *to, int code, const char *off_after,
	const char *off_needle, const char *doing, const char *msg_part)
{
	char text[4096];
	const char *base = MINIMAL;
	const char *p = strstr(base, from);
	if (!p)
		MT_FAIL_("pattern %s not in the snapshot", from);
	snprintf(text, sizeof text, "%.*s%s%s", (int)(p - base), base, to, p + strlen(from));
	mt_heap *h = (mt_heap *)1;
	mt_error err = MT_ERROR_INIT;
	int rc = read_str(&h, text, &err);
	CHECK(h == NULL);
	if (rc != code)
		MT_FAIL_("%s -> %s: rc %d (%s), expected %d", from, to, rc, err.msg, code);
	uint64_t want = off_needle ? off_of(text, off_after, off_needle, 0) : strlen(text);
	if (err.offset != want)
		MT_FAIL_("%s -> %s: byte %llu (%s), expected byte %llu", from, to, (unsigned long long)err.offset,
			err.msg, (unsigned long long)want);
	CHECK_EQ_S(err.doing, doing);
	if (!strstr(err.msg, msg_part))
		MT_FAIL_("%s -> %s: message \"%s\" lacks \"%s\"", from, to, err.msg, msg_part);
}

static void test_v8heap__errors_with_offsets(void)
{
	/* nodes whose length is not a multiple of the field count */
	expect_error("2,2,5,24,0,1]", "2,2,5,24,0]", MT_EFORMAT, "\"nodes\"", "]", "reading nodes",
		"expected nodes to hold a multiple of 6 values (snapshot.meta.node_fields), found 17 values");
	/* to_node not a multiple of the node field count */
	expect_error("2,3,12", "2,3,13", MT_EFORMAT, "\"edges\"", "13", "reading edges",
		"expected to_node to be a multiple of 6 (the node field count), found 13");
	/* to_node out of range */
	expect_error("2,3,12", "2,3,18", MT_EFORMAT, "\"edges\"", "18", "reading edges",
		"expected to_node to point at one of the 3 nodes (below 18), found 18");
	/* edge_count sum mismatch */
	expect_error("3,1,3,16,1,2", "3,1,3,16,2,2", MT_EFORMAT, "\"edges\"", "]", "checking the snapshot",
		"expected the edge_count fields of the 3 nodes to add up to the 3 edges, found 4");
	/* unknown edge type index */
	expect_error("6,4,0]", "7,4,0]", MT_EFORMAT, "\"edges\"", "7,4,0", "reading edges",
		"expected an edge type index below 7 (snapshot.meta.edge_types[0] has 7 names), found 7");
	/* a node type index far outside the list */
	expect_error("[9,0,1", "[300,0,1", MT_EFORMAT, "\"nodes\"", "300", "reading nodes",
		"expected a node type index below 15");
	/* a node name that is no string */
	expect_error("3,1,3,16", "3,5,3,16", MT_EFORMAT, "\"nodes\"", "5,3,16", "resolving string indices",
		"expected a node name to be one of the 5 strings, found string index 5");
	/* an edge name that is no string (property edges name strings) */
	expect_error("2,3,12", "2,9,12", MT_EFORMAT, "\"edges\"", "9,12", "resolving string indices",
		"expected an edge name to be one of the 5 strings, found string index 9");
	/* detachedness outside 0..2 */
	expect_error("0,1]", "0,3]", MT_EFORMAT, "\"nodes\"", "3]", "reading nodes",
		"expected detachedness 0, 1 or 2, found 3");
	/* values that are not non-negative integers */
	expect_error("[9,0,1", "[9,-1,1", MT_EFORMAT, "\"nodes\"", "-1", "reading nodes",
		"expected a non-negative integer, found a negative number");
	expect_error("[9,0,1", "[9,0.5,1", MT_EFORMAT, "\"nodes\"", "0.5", "reading nodes",
		"fraction or an exponent");
	expect_error("[9,0,1", "[9,\"a\",1", MT_EFORMAT, "\"nodes\"", "\"a\"", "reading nodes",
		"expected a non-negative integer, found a string");
	expect_error("\"id\",", "\"ident\",", MT_EFORMAT, "\"meta\"", "{", "reading snapshot.meta",
		"expected snapshot.meta.node_fields to name the field \"id\", found no such field");
	expect_error("\"node\"]}", "\"number\"]}", MT_EUNSUPPORTED, "\"meta\"", "{", "reading snapshot.meta",
		"expected field \"to_node\" to have type \"node\"");
	expect_error("\"nodes\":[9", "\"nodes\":[9,0,1,0,2,0],\"nodes\":[9", MT_EFORMAT, "0,2,0],",
		"\"nodes\"", "reading nodes", "expected one \"nodes\", found a second");
	expect_error(SNAP_STRINGS, "\"x\":1}", MT_EFORMAT, NULL, NULL, "checking the snapshot",
		"expected the \"strings\" array, found none");
	expect_error("\"edges\":[", "\"edges\":{", MT_EFORMAT, "\"edges\"", "{", "reading edges",
		"expected edges (an array), found an object");
	expect_error("\"strings\":[\"\"", "\"strings\":[7", MT_EFORMAT, "\"strings\"", "7", "reading strings",
		"expected a string, found a number");
	expect_error("{\"snapshot\":{", "[{\"snapshot\":{", MT_EFORMAT, NULL, "[", "reading the heap snapshot",
		"expected a heap snapshot (a JSON object), found an array");
}

static void test_v8heap__truncated(void)
{
	/* every proper prefix fails, with the end of the input as the offset when it is a truncation */
	const char *text = MINIMAL;
	size_t len = strlen(text);
	for (size_t cut = 0; cut < len; cut++) {
		mt_heap *h = (mt_heap *)1;
		mt_error err = MT_ERROR_INIT;
		int rc = mt_heap__read_memory(&h, (const uint8_t *)text, cut, NULL, &err);
		if (rc != MT_ETRUNC || h != NULL)
			MT_FAIL_("a prefix of %zu bytes: rc %d (%s)", cut, rc, err.msg);
		if (err.msg[0] == '\0')
			MT_FAIL_("a prefix of %zu bytes failed without a message", cut);
		if (rc == MT_ETRUNC && err.offset != cut)
			MT_FAIL_("prefix %zu: truncation reported at byte %llu", cut, (unsigned long long)err.offset);
	}
	/* a cut inside the nodes array names that phrase */
	mt_heap *h;
	mt_error err = MT_ERROR_INIT;
	size_t cut = (size_t)off_of(text, "\"nodes\"", "16", 0);
	CHECK_EQ_I(mt_heap__read_memory(&h, (const uint8_t *)text, cut, NULL, &err), MT_ETRUNC);
	CHECK_EQ_I(err.offset, cut);
	CHECK_EQ_S(err.doing, "reading nodes");
	char line[512];
	err.path = "x.heapsnapshot";
	mt_error_format(&err, line, sizeof line);
	char want[512];
	snprintf(want, sizeof want,
		"x.heapsnapshot: byte %zu: while reading nodes: expected a non-negative integer, found the end of the input",
		cut);
	CHECK_EQ_S(line, want);
}

static void test_v8heap__old_type_index_warns_or_fails_strict(void)
{
	/* V8 once wrote symbols as type 12 with only 12 names listed */
	char text[4096];
	const char *newer = ",\"symbol\",\"bigint\",\"object shape\"";
	snprintf(text, sizeof text, "%s", MINIMAL);
	char *p = strstr(text, newer);
	memmove(p, p + strlen(newer), strlen(p + strlen(newer)) + 1);
	p = strstr(text, "\n,3,1,3,16");
	memcpy(p, "\n,12,1,3,1", 10); /* node 1: type 12, self size 1 */
	mt_heap *h;
	mt_error err = MT_ERROR_INIT;
	nwarn = 0;
	int rc = read_str(&h, text, &err);
	if (rc)
		MT_FAIL_("read failed: %s (%s)", err.msg, text);
	CHECK_EQ_I(h->node_type[1], MT_HN_OTHER);
	CHECK_EQ_I(nwarn, 1);
	CHECK(strstr(last_warn, "1 nodes have a type index past the 12 names") != NULL);
	mt_heap_free(h);

	mt_read_opts o = MT_READ_OPTS_INIT;
	o.strict = 1;
	err = (mt_error)MT_ERROR_INIT;
	CHECK_EQ_I(mt_heap__read_memory(&h, (const uint8_t *)text, strlen(text), &o, &err), MT_EFORMAT);
	CHECK_EQ_I(err.offset, off_of(text, "\"nodes\"", "12,1,3", 0));

	/* header counts that disagree: a warning */
	snprintf(text, sizeof text, "%s", MINIMAL);
	p = strstr(text, "\"node_count\":3");
	p[13] = '4';
	nwarn = 0;
	err = (mt_error)MT_ERROR_INIT;
	CHECK_OK(read_str(&h, text, &err));
	CHECK_EQ_I(nwarn, 1);
	CHECK(strstr(last_warn, "snapshot.node_count says 4, the nodes array holds 3 nodes") != NULL);
	mt_heap_free(h);
}

static void test_v8heap__gzip_and_refills(void)
{
	/* a snapshot of 200k nodes in a chain: several refills of the 1 MiB buffer */
	const uint32_t n = 200000;
	mt_membuf b = { 0 };
	mt_sink s = mt_sink_membuf(&b);
	mt_sink_puts(&s, "{\"snapshot\":{" META_NEW "},\n\"nodes\":[");
	for (uint32_t i = 0; i < n; i++)
		mt_sink_printf(&s, "%s3,%u,%u,%u,%u,%u", i ? ",\n" : "", i % 3, i * 2 + 1, i % 100, i + 1 < n, i % 3);
	mt_sink_puts(&s, "],\n\"edges\":[");
	for (uint32_t i = 0; i + 1 < n; i++)
		mt_sink_printf(&s, "%s2,%u,%u", i ? "," : "", i % 2 + 1, (i + 1) * 6);
	mt_sink_puts(&s, "],\n\"strings\":[\"a\",\"b\",\"c\\u00e9\"]}");
	CHECK(!s.failed);
	char path[] = "/tmp/mt-v8-XXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	close(fd);
	for (int gz = 0; gz < 2; gz++) {
		if (gz) {
			gzFile g = gzopen(path, "wb");
			gzwrite(g, b.data, (unsigned)b.len);
			gzclose(g);
		} else {
			write_file(path, b.data, b.len);
		}
		mt_heap *h = NULL;
		mt_error err = MT_ERROR_INIT;
		int rc = mt_heap_load(&h, path, NULL, &err);
		if (rc) {
			unlink(path);
			mt_membuf_free(&b);
			MT_FAIL_("gz=%d: %s", gz, err.msg);
		}
		CHECK_EQ_I(h->nnodes, n);
		CHECK_EQ_I(h->nedges, n - 1);
		CHECK_EQ_I(h->node_id[n - 1], (n - 1) * 2 + 1);
		CHECK_EQ_I(h->edge_to[n - 2], n - 1);
		CHECK_EQ_I(h->first_edge[n], n - 1);
		CHECK_EQ_S(name_of(h, 2), "c\xc3\xa9");
		CHECK_EQ_S(mt_strtab_get(h->strings, h->edge_name[1]), "c\xc3\xa9");
		CHECK_EQ_I(h->node_detached[n - 1], (n - 1) % 3);
		mt_heap_free(h);
	}
	/* truncated gzip: an error */
	FILE *f = fopen(path, "rb");
	char *gzbuf = malloc(b.len);
	size_t glen = f ? fread(gzbuf, 1, b.len, f) : 0;
	if (f)
		fclose(f);
	write_file(path, gzbuf, glen / 2);
	mt_heap *h = NULL;
	mt_error err = MT_ERROR_INIT;
	CHECK(mt_heap_load(&h, path, NULL, &err) == MT_ETRUNC);
	CHECK(h == NULL);
	/* a truncated plain file: the offset is the file size */
	write_file(path, b.data, b.len - 1000);
	err = (mt_error)MT_ERROR_INIT;
	CHECK(mt_heap_load(&h, path, NULL, &err) == MT_ETRUNC);
	CHECK_EQ_I(err.offset, b.len - 1000);
	free(gzbuf);
	unlink(path);
	mt_membuf_free(&b);
}

static void test_v8heap__info_render(void)
{
	mt_heap *h = NULL;
	mt_error err = MT_ERROR_INIT;
	CHECK_OK(read_str(&h, MINIMAL, &err));
	mt_membuf b = { 0 };
	mt_sink s = mt_sink_membuf(&b);
	CHECK_OK(mt_render_heap_info_json(h, "x.heapsnapshot", &s, &err));
	mt_sink_write(&s, "", 1);
	CHECK_EQ_S(b.data,
		"{\"format\":\"v8-heapsnapshot\",\"file\":\"x.heapsnapshot\",\"nodes\":3,\"edges\":3,\"strings\":5,"
		"\"total_self_size\":40,\"features\":[\"detachedness\"],\"node_types\":{"
		"\"object\":{\"count\":1,\"self_size\":16},\"string\":{\"count\":1,\"self_size\":24},"
		"\"synthetic\":{\"count\":1,\"self_size\":0}},\"detached_nodes\":1}\n");
	b.len = 0;
	CHECK_OK(mt_render_heap_info_text(h, "x.heapsnapshot", &s, &err));
	mt_sink_write(&s, "", 1);
	CHECK(strstr(b.data, "Nodes:        3\n") != NULL);
	CHECK(strstr(b.data, "Detached:     1 nodes") != NULL);
	mt_membuf_free(&b);
	mt_heap_free(h);
}

/* ---- real snapshots (skipped without ../shared) ---- */

static void test_v8heap__fixture_e12_small(void)
{
	const char *sh = mt_t_shared();
	if (!sh) {
		printf("# skipped: MT_SHARED unset\n");
		return;
	}
	char path[1024];
	snprintf(path, sizeof path, "%s/fixtures/stefanpenner__heapsnapshot/examples/small.heapsnapshot", sh);
	mt_heap *h = NULL;
	mt_error err = MT_ERROR_INIT;
	mt_read_opts o = MT_READ_OPTS_INIT;
	o.warn = on_warn;
	nwarn = 0;
	int rc = mt_heap_load(&h, path, &o, &err);
	if (rc)
		MT_FAIL_("%s: %s", path, err.msg);
	CHECK_EQ_I(h->nnodes, 34378);
	CHECK_EQ_I(h->nedges, 147610);
	CHECK_EQ_I(h->features, MT_HEAP_HAS_TRACE_NODE_ID);
	CHECK_EQ_I(nwarn, 1); /* the 13 symbols written as type 12 */
	uint32_t count[MT_HN__COUNT] = { 0 };
	for (uint32_t i = 0; i < h->nnodes; i++)
		count[h->node_type[i]]++;
	CHECK_EQ_I(count[MT_HN_ARRAY], 4418);
	CHECK_EQ_I(count[MT_HN_CLOSURE], 4257);
	CHECK_EQ_I(count[MT_HN_CODE], 3053);
	CHECK_EQ_I(count[MT_HN_CONCAT_STRING], 501);
	CHECK_EQ_I(count[MT_HN_HIDDEN], 16669);
	CHECK_EQ_I(count[MT_HN_NATIVE], 2);
	CHECK_EQ_I(count[MT_HN_NUMBER], 21);
	CHECK_EQ_I(count[MT_HN_OBJECT], 1963);
	CHECK_EQ_I(count[MT_HN_REGEXP], 3);
	CHECK_EQ_I(count[MT_HN_STRING], 3457);
	CHECK_EQ_I(count[MT_HN_SYNTHETIC], 21);
	CHECK_EQ_I(count[MT_HN_OTHER], 13);
	for (uint32_t i = 0; i < h->nnodes; i++)
		if (h->node_type[i] == MT_HN_OTHER && strcmp(name_of(h, i), "symbol") != 0)
			MT_FAIL_("node %u of the unlisted type is \"%s\", not a symbol", i, name_of(h, i));
	CHECK_OK(mt_heap_build_retainers(h, &err));
	CHECK_EQ_I(h->first_retainer[h->nnodes], h->nedges);
	mt_heap_free(h);
}

/* the number after @key in @text, or -1 */
static long long num_after(const char *text, const char *key)
{
	const char *p = strstr(text, key);
	return p ? strtoll(p + strlen(key), NULL, 10) : -1;
}

/* sum of the ":N" counts in the {...} after @key (one line) */
static long long sum_counts(const char *text, const char *key)
{
	const char *p = strstr(text, key);
	if (!p)
		return -1;
	const char *end = strchr(p, '\n');
	long long sum = 0;
	for (const char *q = strstr(p, "\":"); q && (!end || q < end); q = strstr(q + 2, "\":"))
		sum += strtoll(q + 2, NULL, 10);
	return sum;
}

static void check_corpus_file(const char *dir, const char *name)
{
	char path[2048], vpath[2048];
	snprintf(path, sizeof path, "%.1000s/%.255s", dir, name);
	snprintf(vpath, sizeof vpath, "%.1000s/verify-output/%.*s.txt", dir, (int)(strlen(name) - 13), name);
	FILE *f = fopen(vpath, "rb");
	if (!f)
		MT_FAIL_("%s: no recorded counts at %s", name, vpath);
	static char v[1 << 16];
	size_t vn = fread(v, 1, sizeof v - 1, f);
	fclose(f);
	v[vn] = '\0';
	mt_heap *h = NULL;
	mt_error err = MT_ERROR_INIT;
	int rc = mt_heap_load(&h, path, NULL, &err);
	if (rc)
		MT_FAIL_("%s: byte %llu: %s", name, (unsigned long long)err.offset, err.msg);
	long long nodes = num_after(v, "node_count="), edges = num_after(v, "edge_count=");
	long long self = num_after(v, "total self_size="), det = sum_counts(v, "raw detachedness==2 (by name): ");
	long long nloc = num_after(v, " locations="), ntfi = num_after(v, " trace_function_infos=");
	if (h->nnodes != nodes || h->nedges != edges || (long long)h->total_self != self)
		MT_FAIL_("%s: nodes %u edges %u self %llu, recorded %lld %lld %lld", name, h->nnodes, h->nedges,
			(unsigned long long)h->total_self, nodes, edges, self);
	long long ndet = 0;
	for (uint32_t i = 0; i < h->nnodes; i++)
		ndet += h->node_detached[i] == MT_DETACHED_DETACHED;
	if (det >= 0 && ndet != det)
		MT_FAIL_("%s: %lld detached nodes, recorded %lld", name, ndet, det);
	if (nloc >= 0 && h->nlocations != nloc)
		MT_FAIL_("%s: %u locations, recorded %lld", name, h->nlocations, nloc);
	if (ntfi >= 0 && h->ntrace_fns != ntfi)
		MT_FAIL_("%s: %u trace functions, recorded %lld", name, h->ntrace_fns, ntfi);
	/* per type counts: "nodes by type: {"synthetic":32,...}" */
	const char *bt = strstr(v, "nodes by type: {");
	if (bt) {
		const char *end = strchr(bt, '\n');
		for (const char *q = strchr(bt, '"'); q && q < end; ) {
			const char *qe = strchr(q + 1, '"');
			if (!qe)
				break;
			char tname[64];
			snprintf(tname, sizeof tname, "%.*s", (int)(qe - q - 1), q + 1);
			long long want = strtoll(qe + 2, NULL, 10);
			long long got = 0;
			for (uint32_t i = 0; i < h->nnodes; i++)
				got += !strcmp(mt_heap_node_type_name((mt_heap_node_type)h->node_type[i]), tname);
			if (got != want)
				MT_FAIL_("%s: %lld nodes of type %s, recorded %lld", name, got, tname, want);
			q = strchr(qe + 1, '"');
			if (q)
				q = q < end ? q : NULL;
		}
	}
	CHECK_OK(mt_heap_build_retainers(h, &err));
	CHECK_EQ_I(h->first_retainer[h->nnodes], h->nedges);
	/* mt_heap_edge_from through the reader's index: every edge's owner */
	CHECK(h->priv != NULL);
	uint32_t bad_from = 0;
	for (uint32_t u = 0; u < h->nnodes; u++)
		for (uint32_t ed = h->first_edge[u]; ed < h->first_edge[u + 1]; ed++)
			bad_from += mt_heap_edge_from(h, ed) != u;
	if (bad_from)
		MT_FAIL_("%s: mt_heap_edge_from wrong for %u edges", name, bad_from);
	mt_heap_free(h);
	printf("# %s: %lld nodes, %lld edges, %lld detached\n", name, nodes, edges, ndet);
}

static void test_v8heap__corpus_counts(void)
{
	const char *sh = mt_t_shared();
	if (!sh) {
		printf("# skipped: MT_SHARED unset\n");
		return;
	}
	char dir[1024];
	snprintf(dir, sizeof dir, "%s/corpus/v8", sh);
	DIR *d = opendir(dir);
	if (!d) {
		printf("# skipped: no %s\n", dir);
		return;
	}
	struct dirent *e;
	int n = 0;
	char names[64][256];
	while ((e = readdir(d)) && n < 64) {
		size_t l = strlen(e->d_name);
		if (l > 13 && !strcmp(e->d_name + l - 13, ".heapsnapshot"))
			snprintf(names[n++], sizeof names[0], "%s", e->d_name);
	}
	closedir(d);
	CHECK(n >= 5);
	for (int i = 0; i < n; i++)
		check_corpus_file(dir, names[i]);
}

int main(void)
{
	MT_RUN(test_v8json__events_and_escapes);
	MT_RUN(test_v8json__errors_and_limits);
	MT_RUN(test_v8json__uints_fast_path);
	MT_RUN(test_v8heap__minimal);
	MT_RUN(test_v8heap__shuffled_meta_and_old_format);
	MT_RUN(test_v8heap__sections_in_any_order);
	MT_RUN(test_v8heap__zero_trace_ids_not_kept);
	MT_RUN(test_v8heap__edge_from_index);
	MT_RUN(test_v8heap__traces_and_locations);
	MT_RUN(test_v8heap__errors_with_offsets);
	MT_RUN(test_v8heap__truncated);
	MT_RUN(test_v8heap__old_type_index_warns_or_fails_strict);
	MT_RUN(test_v8heap__gzip_and_refills);
	MT_RUN(test_v8heap__info_render);
	MT_RUN(test_v8heap__fixture_e12_small);
	MT_RUN(test_v8heap__corpus_counts);
	MT_DONE();
}
