/*
 * render/folded.c - folded stacks out: mt_write_folded().
 *
 * The format FlameGraph's flamegraph.pl and inferno read (and that
 * parsers/folded.c reads back): one line per tree node with a non-zero self
 * value, the path from the root's child down to the node joined by ';', a
 * space and the value. Lines come in tree pre-order (children are sorted by
 * name), so the output is a pure function of the tree.
 *
 * Values with a fixed-point scale (mt_value_type.decimals > 0) are printed
 * as exact decimals with trailing zeros trimmed: 125 at 1 decimal is "12.5",
 * 120 is "12".
 *
 * Frame names cannot carry the separators of the format: ';' becomes ':'
 * (as stackcollapse-perf.pl does) and a newline becomes a space. When the
 * first line would start with what readers take for a byte order mark, a
 * UTF-8 BOM is written first (see looks_like_bom()).
 *
 * The walk is iterative (first_child / next_sibling / parent), with one path
 * buffer reused across lines and a table of path lengths per depth.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memtracer/render.h"
#include "memtracer/tree.h"
#include "mt_internal.h"

#define OUTBUF_SIZE 65536
#define MAX_DECIMALS 64

typedef struct outbuf {
	mt_sink *sink;
	char buf[OUTBUF_SIZE];
	size_t n;
	int rc;
} outbuf;

static void ob_flush(outbuf *o)
{
	if (o->n && !o->rc)
		o->rc = mt_sink_write(o->sink, o->buf, o->n);
	o->n = 0;
}

static void ob_write(outbuf *o, const char *s, size_t n)
{
	if (o->rc)
		return;
	if (o->n + n > OUTBUF_SIZE) {
		ob_flush(o);
		if (n > OUTBUF_SIZE) {
			if (!o->rc)
				o->rc = mt_sink_write(o->sink, s, n);
			return;
		}
	}
	memcpy(o->buf + o->n, s, n);
	o->n += n;
}

/*
 * Formats @v scaled by 10^@dec into @buf (at least MAX_DECIMALS + 24
 * bytes): "-12.5", "3", "0.001". Returns the length.
 */
static size_t format_fixed(int64_t v, uint32_t dec, char *buf)
{
	char digits[MAX_DECIMALS + 24];
	uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	size_t nd = 0;
	do {
		digits[nd++] = (char)('0' + a % 10);
		a /= 10;
	} while (a);
	/* digits[] is little-endian; pad so there is one integer digit */
	while (nd < (size_t)dec + 1)
		digits[nd++] = '0';
	size_t k = 0;
	if (v < 0)
		buf[k++] = '-';
	size_t ni = nd - dec;              /* integer digits */
	for (size_t i = 0; i < ni; i++)
		buf[k++] = digits[nd - 1 - i];
	if (dec) {
		/* trim trailing zeros of the fraction */
		size_t lo = 0;
		while (lo < dec && digits[lo] == '0')
			lo++;
		if (lo < dec) {
			buf[k++] = '.';
			for (size_t i = dec; i-- > lo;)
				buf[k++] = digits[i];
		}
	}
	return k;
}

/*
 * Would a reader take the start of the output for a byte order mark (a
 * first frame named "\ufeff..." or raw FF FE / FE FF bytes)? Then a UTF-8
 * BOM goes first, so the reader strips that one and keeps the name whole.
 */
static int looks_like_bom(const uint8_t *s, size_t n)
{
	if (n >= 3 && s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf)
		return 1;
	return n >= 2 && ((s[0] == 0xff && s[1] == 0xfe) || (s[0] == 0xfe && s[1] == 0xff));
}

int mt_write_folded(const mt_tree *t, uint32_t col, mt_sink *out, mt_error *err)
{
	if (!t || !out)
		return mt_error_set(err, MT_EINVAL, MT_NO_OFFSET, "no tree or no output given");
	if (col >= t->ncols)
		return mt_error_set(err, MT_EINVAL, MT_NO_OFFSET,
			"expected a value column below %u, found %u", t->ncols, col);
	uint32_t dec = t->types ? t->types[col].decimals : 0;
	if (dec > MAX_DECIMALS)
		return mt_error_set(err, MT_EINVAL, MT_NO_OFFSET,
			"expected at most %d decimals in a value column, found %u", MAX_DECIMALS, dec);
	if (t->nnodes == 0)
		return 0;

	outbuf *o = malloc(sizeof *o);
	char *path = NULL;
	size_t path_cap = 0;
	size_t *plen = NULL;   /* plen[d] = path length through the node at depth d */
	size_t plen_cap = 0;
	int rc = 0;
	if (!o)
		return mt_error_set(err, MT_ENOMEM, MT_NO_OFFSET, "cannot allocate an output buffer");
	o->sink = out;
	o->n = 0;
	o->rc = 0;
	if (mt_grow(&plen, &plen_cap, 64, sizeof *plen)) {
		rc = MT_ENOMEM;
		goto out;
	}
	plen[0] = 0;

	int first = 1;
	uint32_t n = t->nodes[0].first_child;
	while (n && n < t->nnodes) {
		const mt_tree_node *nd = &t->nodes[n];
		uint32_t d = nd->depth;
		if (d == 0) {
			rc = mt_error_set(err, MT_EINVAL, MT_NO_OFFSET,
				"tree node %u below the root has depth 0", n);
			goto out;
		}
		if (mt_grow(&plen, &plen_cap, (size_t)d + 1, sizeof *plen)) {
			rc = MT_ENOMEM;
			goto out;
		}
		size_t start = d == 1 ? 0 : plen[d - 1] + 1;
		const char *name = mt_strtab_get(t->strings, nd->name);
		size_t nlen = mt_strtab_len(t->strings, nd->name);
		/* room for the name plus " value\n" */
		if (mt_grow(&path, &path_cap, start + nlen + MAX_DECIMALS + 32, 1)) {
			rc = MT_ENOMEM;
			goto out;
		}
		if (d > 1)
			path[start - 1] = ';';
		for (size_t i = 0; i < nlen; i++) {
			char c = name[i];
			path[start + i] = c == ';' ? ':' : c == '\n' ? ' ' : c;
		}
		plen[d] = start + nlen;

		int64_t v = mt_tree_self(t, n, col);
		if (v != 0) {
			size_t k = plen[d];
			path[k++] = ' ';
			k += format_fixed(v, dec, path + k);
			path[k++] = '\n';
			if (first && looks_like_bom((const uint8_t *)path, k))
				ob_write(o, "\xef\xbb\xbf", 3);
			first = 0;
			ob_write(o, path, k);
			if (o->rc)
				break;
		}

		/* pre-order step */
		if (nd->first_child && nd->first_child < t->nnodes) {
			n = nd->first_child;
			continue;
		}
		while (n && t->nodes[n].next_sibling == 0)
			n = t->nodes[n].parent;
		if (!n)
			break;
		n = t->nodes[n].next_sibling;
	}
	ob_flush(o);
	if (o->rc)
		rc = mt_error_set(err, o->rc, MT_NO_OFFSET, "cannot write folded stacks (%s)",
			mt_code_name(o->rc));
out:
	if (rc == MT_ENOMEM)
		mt_error_set(err, rc, MT_NO_OFFSET, "cannot allocate the path buffer");
	free(o);
	free(path);
	free(plen);
	return rc;
}
