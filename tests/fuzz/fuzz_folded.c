/*
 * tests/fuzz/fuzz_folded.c - fuzz target for mt_read_folded() and
 * mt_write_folded().
 *
 * Beyond "never crash", on every input the reader accepts it checks:
 * - mt_profile_validate() passes;
 * - the call tree's root total equals the (saturating) sum of the samples;
 * - writing the tree as folded text and reading that back gives the same
 *   root total (compared as exact decimals: the re-read may use fewer
 *   decimals once trailing zeros are gone) and the same number of distinct
 *   stacks (tree nodes with a non-zero self value);
 * - the direct reader mt_read_folded_tree() (the fast path of `flame`)
 *   agrees with mt_read_folded() + mt_tree_build(): the same result code
 *   and error (offset and message), and on success a tree whose folded
 *   text is byte-identical.
 * A violation calls abort().
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memtracer/memtracer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

__extension__ typedef __int128 i128;

static void fail(const char *what, const mt_error *err)
{
	fprintf(stderr, "fuzz_folded: invariant violated: %s (%s)\n", what,
		err && err->msg[0] ? err->msg : "-");
	abort();
}

static int64_t sat_add(int64_t a, int64_t b)
{
	int64_t r;
	if (__builtin_add_overflow(a, b, &r))
		return b > 0 ? INT64_MAX : INT64_MIN;
	return r;
}

static uint32_t nonzero_nodes(const mt_tree *t)
{
	uint32_t n = 0;
	for (uint32_t i = 1; i < t->nnodes; i++)
		n += mt_tree_self(t, i, 0) != 0;
	return n;
}

/* @v at @dec decimals, rescaled to 9 decimals. */
static i128 at9(int64_t v, uint32_t dec)
{
	i128 r = v;
	for (uint32_t d = dec; d < 9; d++)
		r *= 10;
	return r;
}

static void quiet(void *ctx, const char *path, const char *msg)
{
	(void)ctx;
	(void)path;
	(void)msg;
}

/* mt_read_folded_tree on the same input: the same outcome as @rc/@err, and
 * when both succeed the same folded text as @want. */
static void check_direct(const uint8_t *data, size_t size, const mt_read_opts *opts, int rc,
	const mt_error *err, const mt_membuf *want)
{
	mt_tree *t = NULL;
	mt_error e2 = MT_ERROR_INIT;
	int rc2 = mt_read_folded_tree(&t, data, size, opts, &e2);
	if (rc2 != rc || (rc != 0 && (e2.offset != err->offset || strcmp(e2.msg, err->msg) != 0)))
		fail("mt_read_folded_tree and mt_read_folded disagree", &e2);
	if (rc != 0) {
		if (t)
			fail("tree returned with an error", &e2);
		return;
	}
	mt_membuf mb = { 0 };
	mt_sink sink = mt_sink_membuf(&mb);
	if (mt_write_folded(t, 0, &sink, &e2) != 0)
		fail("mt_write_folded (direct tree)", &e2);
	if (mb.len != want->len || (mb.len && memcmp(mb.data, want->data, mb.len) != 0))
		fail("the direct tree differs from the profile's tree", NULL);
	mt_membuf_free(&mb);
	mt_tree_free(t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mt_read_opts opts = MT_READ_OPTS_INIT;
	opts.warn = quiet;
	opts.strict = size > 0 && data[0] == 's';   /* exercise the strict path too */
	mt_profile *p = NULL;
	mt_error err = MT_ERROR_INIT;
	int rc = mt_read_folded(&p, data, size, &opts, &err);
	if (rc != 0) {
		if (p)
			fail("profile returned with an error", &err);
		if (err.code == 0 || !err.msg[0])
			fail("error without code or message", &err);
		check_direct(data, size, &opts, rc, &err, NULL);
		return 0;
	}
	if (!p)
		fail("success without a profile", NULL);
	if (mt_profile_validate(p, &err) != 0)
		fail("mt_profile_validate", &err);
	if (p->nvalue_types != 1 || p->value_types[0].decimals > 9)
		fail("value column", NULL);

	int64_t sum = 0;
	for (uint32_t s = 0; s < p->nsamples; s++) {
		if (p->values[s] < 0)
			fail("negative count", NULL);
		sum = sat_add(sum, p->values[s]);
	}
	mt_tree *t = NULL;
	if (mt_tree_build(&t, p, NULL, &err) != 0)
		fail("mt_tree_build", &err);
	if (mt_tree_total(t, 0, 0) != sum)
		fail("tree root total != sum of samples", NULL);
	uint32_t dec1 = t->types[0].decimals;

	mt_membuf mb = { 0 };
	mt_sink sink = mt_sink_membuf(&mb);
	if (mt_write_folded(t, 0, &sink, &err) != 0)
		fail("mt_write_folded", &err);

	check_direct(data, size, &opts, 0, &err, &mb);

	uint32_t distinct = nonzero_nodes(t);
	if ((distinct == 0) != (mb.len == 0))
		fail("output empty iff no non-zero stack", NULL);
	if (distinct) {
		mt_profile *q = NULL;
		mt_read_opts o2 = MT_READ_OPTS_INIT;
		o2.strict = 1;   /* our own output has no invalid line */
		mt_error err2 = MT_ERROR_INIT;
		if (mt_read_folded(&q, (const uint8_t *)mb.data, mb.len, &o2, &err2) != 0)
			fail("re-reading the written folded text", &err2);
		mt_tree *t2 = NULL;
		if (mt_tree_build(&t2, q, NULL, &err2) != 0)
			fail("mt_tree_build (second)", &err2);
		/* a saturated total depends on the scale: compare only exact ones */
		if (mt_tree_total(t, 0, 0) != INT64_MAX &&
		    at9(mt_tree_total(t2, 0, 0), t2->types[0].decimals) !=
		    at9(mt_tree_total(t, 0, 0), dec1))
			fail("root total changed in the round trip", NULL);
		if (nonzero_nodes(t2) != distinct)
			fail("number of distinct stacks changed in the round trip", NULL);
		mt_tree_free(t2);
		mt_profile_free(q);
	}
	mt_membuf_free(&mb);
	mt_tree_free(t);
	mt_profile_free(p);
	return 0;
}
