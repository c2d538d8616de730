/*
 * render/layout.c - flame graph layout: an mt_tree to rectangles in image
 * pixels, shared by the SVG and PNG painters (so both always show the same
 * frames), plus the text helpers both painters use.
 *
 * Geometry follows FlameGraph's flamegraph.pl
 * (https://github.com/brendangregg/FlameGraph): xpad 10, ypad1 = 3 font
 * sizes on top (title, search), + 2 font sizes with a subtitle, ypad2 =
 * 2 font sizes + 10 at the bottom (details line), frames one frame_height
 * apart with a 1 px gap, widths proportional to the node's total, frames
 * narrower than min_width dropped together with their subtrees, the root
 * ("all") drawn as the first frame. Flame graphs grow upward from the
 * bottom, icicle graphs downward from the top.
 *
 * The walk is iterative (first_child / next_sibling / parent links and a
 * per-depth offset array): trees can be hundreds of thousands deep.
 * x offsets are accumulated in integer column units and scaled once, so
 * positions carry no floating-point drift.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mt_internal.h"
#include "render/flame_internal.h"

/* ---- options ---------------------------------------------------------- */

int mt_flame__opts(mt_flame_opts *dst, const mt_flame_opts *src, const mt_tree *t,
	mt_error *err)
{
	static const mt_flame_opts defaults = MT_FLAME_OPTS_INIT;

	*dst = src ? *src : defaults;
	MT_FAIL_IF(err, !t, MT_EINVAL, MT_NO_OFFSET, "no tree to render");
	MT_FAIL_IF(err, dst->version != MT_FLAME_OPTS_VERSION, MT_EINVAL, MT_NO_OFFSET,
		"flame graph options version %u, expected %u", dst->version,
		MT_FLAME_OPTS_VERSION);
	MT_FAIL_IF(err, dst->width <= 2 * MT_FLAME_XPAD || dst->width > MT_FLAME_MAX_WIDTH,
		MT_EINVAL, MT_NO_OFFSET, "expected a width from %u to %u px, found %u",
		(unsigned)(2 * MT_FLAME_XPAD) + 1, MT_FLAME_MAX_WIDTH, dst->width);
	MT_FAIL_IF(err, dst->frame_height < 1 || dst->frame_height > MT_FLAME_MAX_FRAME_HEIGHT,
		MT_EINVAL, MT_NO_OFFSET, "expected a frame height from 1 to %u px, found %u",
		MT_FLAME_MAX_FRAME_HEIGHT, dst->frame_height);
	MT_FAIL_IF(err, !(dst->font_size > 0 && dst->font_size <= MT_FLAME_MAX_FONT_SIZE),
		MT_EINVAL, MT_NO_OFFSET, "expected a font size above 0 and at most %g, found %g",
		MT_FLAME_MAX_FONT_SIZE, dst->font_size);
	MT_FAIL_IF(err, !(dst->min_width >= 0 && dst->min_width <= 1e9), MT_EINVAL,
		MT_NO_OFFSET, "expected a minimum frame width >= 0 px, found %g", dst->min_width);
	MT_FAIL_IF(err, (unsigned)dst->palette >= MT_PALETTE__COUNT, MT_EINVAL, MT_NO_OFFSET,
		"unknown palette %d", (int)dst->palette);
	MT_FAIL_IF(err, t->ncols == 0 || dst->col >= t->ncols, MT_EINVAL, MT_NO_OFFSET,
		"expected a value column below %u, found %u", t->ncols, dst->col);
	if (!dst->font || !*dst->font)
		dst->font = MT_DEFAULT_FONT;
	if (dst->subtitle && !*dst->subtitle)
		dst->subtitle = NULL;
	return 0;
}

const char *mt_flame__title(const mt_flame_opts *o)
{
	if (o->title)
		return o->title;
	return o->icicle ? MT_DEFAULT_ICICLE_TITLE : MT_DEFAULT_TITLE;
}

const char *mt_flame__unit(const mt_tree *t, const mt_flame_opts *o)
{
	static const struct { const char *unit, *word; } words[] = {
		{ "", "samples" }, { "count", "samples" }, { "samples", "samples" },
		{ "bytes", "bytes" }, { "nanoseconds", "ns" }, { "microseconds", "us" },
		{ "milliseconds", "ms" }, { "seconds", "s" },
	};
	const char *u;

	if (o->count_name && *o->count_name)
		return o->count_name;
	if (!t->types || o->col >= t->ncols)
		return "samples";
	u = mt_strtab_get(t->strings, t->types[o->col].unit);
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (strcmp(u, words[i].unit) == 0)
			return words[i].word;
	return u;
}

/* ---- text helpers ----------------------------------------------------- */

static int buf_reserve(mt_flame_buf *b, size_t n)
{
	if (n <= b->cap)
		return 0;
	return mt_grow(&b->p, &b->cap, n, 1);
}

int mt_flame__clean(mt_flame_buf *b, const char *s, size_t len, size_t *ncp)
{
	static const char repl[3] = { (char)0xef, (char)0xbf, (char)0xbd };
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n = 0, cp = 0;
	size_t need;

	if (!mt_mul_ok(len, 3, &need) || need == SIZE_MAX)
		return MT_ENOMEM;
	if (buf_reserve(b, need + 1))
		return MT_ENOMEM;
	while (i < len) {
		unsigned c = p[i];
		size_t k = 0;
		uint32_t u = 0, min = 0;

		if (c < 0x80) {
			if (c < 0x20 || c == 0x7f) {
				memcpy(b->p + n, repl, 3), n += 3;
			} else {
				b->p[n++] = (char)c;
			}
			i++, cp++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			k = 1, u = c & 0x1f, min = 0x80;
		else if (c >= 0xe0 && c <= 0xef)
			k = 2, u = c & 0x0f, min = 0x800;
		else if (c >= 0xf0 && c <= 0xf4)
			k = 3, u = c & 0x07, min = 0x10000;
		if (k && k < len - i) {
			size_t j;
			for (j = 1; j <= k; j++) {
				if ((p[i + j] & 0xc0) != 0x80)
					break;
				u = (u << 6) | (p[i + j] & 0x3f);
			}
			if (j > k && u >= min && u <= 0x10ffff && !(u >= 0xd800 && u <= 0xdfff) &&
				u != 0xfffe && u != 0xffff && !(u >= 0x80 && u < 0xa0)) {
				memcpy(b->p + n, p + i, k + 1);
				n += k + 1, i += k + 1, cp++;
				continue;
			}
		}
		/* one invalid byte becomes one replacement character */
		memcpy(b->p + n, repl, 3), n += 3;
		i++, cp++;
	}
	b->p[n] = 0;
	b->len = n;
	if (ncp)
		*ncp = cp;
	return 0;
}

size_t mt_flame__prefix(const char *s, size_t len, size_t n)
{
	size_t i = 0;
	while (i < len && n) {
		i++;
		while (i < len && ((unsigned char)s[i] & 0xc0) == 0x80)
			i++;
		n--;
	}
	return i;
}

int mt_flame__label(mt_flame_buf *b, const char *clean, size_t len, size_t ncp,
	double w, double font_size)
{
	double fit = w / (font_size * MT_FLAME_FONTWIDTH);
	size_t chars = fit >= (double)SIZE_MAX / 2 ? SIZE_MAX / 2 : (fit > 0 ? (size_t)fit : 0);
	size_t n;

	if (buf_reserve(b, len + 3))
		return MT_ENOMEM;
	if (chars < 3) {
		n = 0;
	} else if (ncp <= chars) {
		memcpy(b->p, clean, len);
		n = len;
	} else {
		n = mt_flame__prefix(clean, len, chars - 2);
		memcpy(b->p, clean, n);
		b->p[n++] = '.';
		b->p[n++] = '.';
	}
	b->p[n] = 0;
	b->len = n;
	return 0;
}

/* The decimal digits of @v at @p (no NUL); returns how many. */
static size_t put_u64(char *p, uint64_t v)
{
	char tmp[20];
	size_t n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (size_t i = 0; i < n; i++)
		p[i] = tmp[n - 1 - i];
	return n;
}

/* @fp as exactly @dec digits, zero-padded on the left; returns @dec. */
static size_t put_frac(char *p, uint64_t fp, unsigned dec)
{
	for (unsigned i = dec; i-- > 0;) {
		p[i] = (char)('0' + fp % 10);
		fp /= 10;
	}
	return dec;
}

/* Copies tmp[0..n) into @buf as snprintf(buf, cap, "%s", tmp) would. */
static char *put_out(char *buf, size_t cap, const char *tmp, size_t n)
{
	if (cap) {
		if (n > cap - 1)
			n = cap - 1;
		memcpy(buf, tmp, n);
		buf[n] = 0;
	}
	return buf;
}

/* Numbers are formatted by hand: no locale, and far cheaper than snprintf per frame. */
char *mt_flame__fixed(char *buf, size_t cap, double v, unsigned dec, int trim)
{
	static const uint64_t pow10[] = { 1, 10, 100, 1000, 10000, 100000, 1000000 };
	uint64_t scale, u, ip, fp;
	char tmp[48];
	double r;
	size_t n = 0;

	if (dec > 6)
		dec = 6;
	scale = pow10[dec];
	if (!isfinite(v))
		v = 0;
	r = round(fabs(v) * (double)scale);
	if (r > 9e18)
		r = 9e18;
	u = (uint64_t)r;
	ip = u / scale;
	fp = u % scale;
	if (v < 0 && u != 0)
		tmp[n++] = '-';
	n += put_u64(tmp + n, ip);
	if (dec && !(trim && fp == 0)) {
		tmp[n++] = '.';
		n += put_frac(tmp + n, fp, dec);
		while (trim && tmp[n - 1] == '0')   /* fp != 0: stops before the point */
			n--;
	}
	return put_out(buf, cap, tmp, n);
}

char *mt_flame__count(char *buf, size_t cap, int64_t v, uint32_t decimals)
{
	char digits[24], out[64];
	uint64_t u, scale = 1, ip, fp;
	size_t nd, o = 0;

	if (decimals > 18)
		decimals = 18;
	for (uint32_t i = 0; i < decimals; i++)
		scale *= 10;
	u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	ip = u / scale;
	fp = u % scale;
	nd = put_u64(digits, ip);
	if (v < 0)
		out[o++] = '-';
	for (size_t i = 0; i < nd; i++) {
		if (i && (nd - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = digits[i];
	}
	if (decimals) {
		out[o++] = '.';
		o += put_frac(out + o, fp, decimals);
	}
	return put_out(buf, cap, out, o);
}

char *mt_flame__percent(char *buf, size_t cap, int64_t v, int64_t total)
{
	if (total <= 0)
		return mt_flame__fixed(buf, cap, 0, 2, 0);
	return mt_flame__fixed(buf, cap, 100.0 * (double)v / (double)total, 2, 0);
}

/* ---- layout ----------------------------------------------------------- */

static int64_t node_value(const mt_tree *t, uint32_t n, uint32_t col)
{
	int64_t v = mt_tree_total(t, n, col);
	return v > 0 ? v : 0;
}

int mt_layout_build(mt_layout **out, const mt_tree *t, const mt_flame_opts *opts,
	mt_error *err)
{
	mt_flame_opts o;
	mt_layout *l;
	int64_t *offs = NULL;          /* value offset of the path node at each depth */
	size_t offs_cap = 0;
	uint32_t rects_cap = 0;
	uint64_t visits = 0;
	uint32_t cur = 0, d = 0;
	double plot_w, ypad1, ypad2, height;
	int rc;

	if (out)
		*out = NULL;
	MT_FAIL_IF(err, !out, MT_EINVAL, MT_NO_OFFSET, "no layout output");
	if ((rc = mt_flame__opts(&o, opts, t, err)))
		return rc;

	l = calloc(1, sizeof *l);
	if (!l)
		return mt_error_set(err, MT_ENOMEM, MT_NO_OFFSET, "out of memory laying out frames");

	ypad1 = o.font_size * 3;
	if (o.subtitle)
		ypad1 += o.font_size * 2;
	ypad2 = o.font_size * 2 + 10;
	plot_w = (double)o.width - 2 * MT_FLAME_XPAD;
	l->width = o.width;
	l->xpad = MT_FLAME_XPAD;
	l->ypad_top = ypad1;
	l->ypad_bottom = ypad2;
	l->total = t->nnodes ? node_value(t, 0, o.col) : 0;
	l->scale = l->total > 0 ? plot_w / (double)l->total : 0;

	if (l->total > 0) {
		if (mt_grow(&offs, &offs_cap, 1, sizeof *offs))
			goto nomem;
		offs[0] = 0;
		for (;;) {
			const mt_tree_node *nd = &t->nodes[cur];
			int64_t off = offs[d], v = node_value(t, cur, o.col);
			int painted = 0;

			if (++visits > t->nnodes) {
				rc = mt_error_set(err, MT_EFORMAT, MT_NO_OFFSET,
					"tree links form a cycle (node %u visited twice)", cur);
				goto fail;
			}
			if (v > 0 && off < l->total) {
				double w;
				if (v > l->total - off)   /* children summing above their parent */
					v = l->total - off;
				w = (double)v * l->scale;
				if (w >= o.min_width) {
					mt_rect *r;
					const char *name = mt_strtab_get(t->strings, nd->name);
					size_t len = mt_strtab_len(t->strings, nd->name);
					if (mt_grow32(&l->rects, &rects_cap, (uint64_t)l->nrects + 1,
						sizeof *l->rects))
						goto nomem;
					r = &l->rects[l->nrects++];
					r->x = MT_FLAME_XPAD + (double)off * l->scale;
					r->w = w;
					r->y = 0;    /* set below, once the depth is known */
					r->h = o.frame_height >= 3 ? o.frame_height - 1 : o.frame_height;
					r->node = cur;
					r->depth = d;
					r->rgb = mt_palette__color(o.palette, name, len, (mt_lang)nd->lang,
						cur == 0);
					if (d > l->max_depth)
						l->max_depth = d;
					painted = 1;
				}
			}
			if (painted && nd->first_child) {
				if (nd->first_child >= t->nnodes) {
					rc = mt_error_set(err, MT_EFORMAT, MT_NO_OFFSET,
						"node %u has child %u past the %u nodes", cur,
						nd->first_child, t->nnodes);
					goto fail;
				}
				if (mt_grow(&offs, &offs_cap, (size_t)d + 2, sizeof *offs))
					goto nomem;
				offs[++d] = off;
				cur = nd->first_child;
				continue;
			}
			/* next sibling, climbing as far as needed */
			for (;;) {
				uint32_t sib;
				if (d == 0)
					goto walked;
				sib = t->nodes[cur].next_sibling;
				if (sib) {
					if (sib >= t->nnodes) {
						rc = mt_error_set(err, MT_EFORMAT, MT_NO_OFFSET,
							"node %u has sibling %u past the %u nodes", cur, sib,
							t->nnodes);
						goto fail;
					}
					offs[d] = mt_sat_add(offs[d], node_value(t, cur, o.col));
					cur = sib;
					break;
				}
				cur = t->nodes[cur].parent;
				if (cur >= t->nnodes) {
					rc = mt_error_set(err, MT_EFORMAT, MT_NO_OFFSET,
						"node %u has a parent past the %u nodes", cur, t->nnodes);
					goto fail;
				}
				d--;
			}
		}
	}
walked:
	free(offs);
	offs = NULL;

	/* one row even when empty, for the "No samples" line */
	height = ceil(ypad1 + ypad2 + ((double)l->max_depth + 1) * o.frame_height);
	if (height > MT_FLAME_MAX_HEIGHT) {
		rc = mt_error_set(err, MT_ELIMIT, MT_NO_OFFSET,
			"flame graph would be %.0f px tall (%u levels); the limit is %u px: "
			"raise --min-width or focus on a subtree", height, l->max_depth + 1,
			MT_FLAME_MAX_HEIGHT);
		goto fail;
	}
	l->height = (uint32_t)height;
	for (uint32_t i = 0; i < l->nrects; i++) {
		mt_rect *r = &l->rects[i];
		double pad = o.frame_height >= 3 ? 1 : 0;
		if (o.icicle)
			r->y = ypad1 + (double)r->depth * o.frame_height;
		else
			r->y = (double)l->height - ypad2 - ((double)r->depth + 1) * o.frame_height + pad;
	}
	*out = l;
	return 0;

nomem:
	rc = mt_error_set(err, MT_ENOMEM, MT_NO_OFFSET, "out of memory laying out frames");
fail:
	free(offs);
	mt_layout_free(l);
	return rc;
}

void mt_layout_free(mt_layout *l)
{
	if (!l)
		return;
	free(l->rects);
	free(l);
}
