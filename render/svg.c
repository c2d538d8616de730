/*
 * render/svg.c - the interactive SVG flame graph.
 *
 * Keeps the DOM contract of FlameGraph's flamegraph.pl
 * (https://github.com/brendangregg/FlameGraph), which users' habits and
 * existing tools rely on: <svg ... onload="init(evt)" viewBox>, the text
 * ids title / subtitle / details / unzoom / search / ignorecase / matched,
 * and <g id="frames"> holding one
 *   <g><title>NAME (N UNIT, P%)</title><rect .../><text ...>LABEL</text></g>
 * per frame, title first. Geometry comes from mt_layout_build().
 *
 * Everything is written through libxml2's xmlTextWriter, so every string
 * from a dump (and every user option) is escaped by construction; strings
 * are first made valid UTF-8 without control characters, so the output
 * always parses. The <script> block holds only a generated prefix of
 * numbers and constants followed by render/flamegraph.js: no dump string
 * ever reaches it. Numbers are formatted without the C library's locale.
 */
#include <stdio.h>
#include <string.h>

#include <libxml/entities.h>
#include <libxml/xmlIO.h>
#include <libxml/xmlwriter.h>

#include "embedded_assets.h"
#include "mt_internal.h"
#include "render/flame_internal.h"

#define SEARCH_COLOR "rgb(230,0,230)"
#define NAMETYPE "Function:"

typedef struct svg_ctx {
	xmlTextWriterPtr w;
	const mt_flame_opts *o;
	int rc;                  /* first libxml2 failure (< 0) */
	int nomem;
	mt_flame_buf clean, label, title;
} svg_ctx;

typedef struct sink_ctx {
	mt_sink *sink;
	int rc;                  /* the sink's first error */
} sink_ctx;

static int sink_write(void *ctx, const char *buf, int len)
{
	sink_ctx *s = ctx;
	int rc;
	if (len < 0)
		return -1;
	/*
	 * A failed write is recorded and reported by mt_render_svg; libxml2 is
	 * told it succeeded, or it would print "I/O error" on stderr itself.
	 */
	if (!s->rc && (rc = mt_sink_write(s->sink, buf, (size_t)len)) != 0)
		s->rc = rc < 0 ? rc : MT_EIO;
	return len;
}

static int sink_close(void *ctx)
{
	(void)ctx;
	return 0;
}

/* Each helper is a no-op once a call has failed; the error is checked once. */
#define X(c, call) do { if ((c)->rc >= 0) { int r_ = (call); if (r_ < 0) (c)->rc = r_; } } while (0)
#define BX(s) ((const xmlChar *)(s))

static void start(svg_ctx *c, const char *name)
{
	X(c, xmlTextWriterStartElement(c->w, BX(name)));
}

static void end(svg_ctx *c)
{
	X(c, xmlTextWriterEndElement(c->w));
}

/* </text> rather than <text/>, as scripts replace the content */
static void end_full(svg_ctx *c)
{
	X(c, xmlTextWriterFullEndElement(c->w));
}

static void attr(svg_ctx *c, const char *name, const char *value)
{
	X(c, xmlTextWriterWriteAttribute(c->w, BX(name), BX(value)));
}

static void attr_num(svg_ctx *c, const char *name, double v)
{
	char buf[48];
	attr(c, name, mt_flame__fixed(buf, sizeof buf, v, 2, 1));
}

static void text(svg_ctx *c, const char *s)
{
	X(c, xmlTextWriterWriteString(c->w, BX(s)));
}

/* Raw bytes between elements: only our own constant newlines. */
static void newline(svg_ctx *c)
{
	if (!c->o->pretty)
		X(c, xmlTextWriterWriteRaw(c->w, BX("\n")));
}

/* A user or dump string, cleaned; borrowed until the next call. */
static const char *clean(svg_ctx *c, const char *s, size_t len)
{
	if (c->rc < 0 || c->nomem)
		return "";
	if (mt_flame__clean(&c->clean, s ? s : "", s ? len : 0, NULL)) {
		c->nomem = 1;
		return "";
	}
	return c->clean.p;
}

static const char *clean_str(svg_ctx *c, const char *s)
{
	return clean(c, s, s ? strlen(s) : 0);
}

/* The user's font, then a generic family for browsers that lack it. */
static const char *font_list(svg_ctx *c, const char *font)
{
	const char *f = clean_str(c, font);
	size_t n = strlen(f);
	if (c->rc < 0 || c->nomem)
		return "";
	if (c->clean.cap < n + 13 && mt_grow(&c->clean.p, &c->clean.cap, n + 13, 1)) {
		c->nomem = 1;
		return "";
	}
	memcpy(c->clean.p + n, ", sans-serif", 13);
	return c->clean.p;
}

/* <text id=.. x y [extra attr]>content</text> */
static void text_el(svg_ctx *c, const char *id, const char *klass, double x, double y,
	const char *content)
{
	start(c, "text");
	if (id)
		attr(c, "id", id);
	if (klass)
		attr(c, "class", klass);
	attr_num(c, "x", x);
	attr_num(c, "y", y);
	text(c, content);
	end_full(c);
	newline(c);
}

static void cdata(svg_ctx *c, const char *a, const char *b)
{
	X(c, xmlTextWriterStartCDATA(c->w));
	if (a)
		text(c, a);
	if (b)
		text(c, b);
	X(c, xmlTextWriterEndCDATA(c->w));
}

static void write_head(svg_ctx *c, const mt_layout *l)
{
	const mt_flame_opts *o = c->o;
	char buf[64], vb[96], script[512], fs[32], tfs[32];

	X(c, xmlTextWriterStartDocument(c->w, "1.0", NULL, "no"));
	/* libxml2 would spread an indented DTD over three lines */
	X(c, xmlTextWriterSetIndent(c->w, 0));
	X(c, xmlTextWriterWriteDTD(c->w, BX("svg"), BX("-//W3C//DTD SVG 1.1//EN"),
		BX("http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd"), NULL));
	X(c, xmlTextWriterWriteRaw(c->w, BX("\n")));
	X(c, xmlTextWriterSetIndent(c->w, o->pretty));
	start(c, "svg");
	attr(c, "version", "1.1");
	snprintf(buf, sizeof buf, "%u", l->width);
	attr(c, "width", buf);
	snprintf(buf, sizeof buf, "%u", l->height);
	attr(c, "height", buf);
	if (!o->no_js)
		attr(c, "onload", "init(evt)");
	snprintf(vb, sizeof vb, "0 0 %u %u", l->width, l->height);
	attr(c, "viewBox", vb);
	attr(c, "xmlns", "http://www.w3.org/2000/svg");
	attr(c, "xmlns:xlink", "http://www.w3.org/1999/xlink");
	/* presentation attributes (not CSS): the font name is a user string */
	attr(c, "font-family", font_list(c, o->font));
	attr_num(c, "font-size", o->font_size);
	newline(c);
	X(c, xmlTextWriterWriteComment(c->w, o->no_js ?
		BX(" Flame graph rendered by memtracer (static: hover a frame for its title). ") :
		BX(" Flame graph rendered by memtracer. Hover a frame for details, click to "
		"zoom, Ctrl-F to search. ")));
	newline(c);

	start(c, "defs");
	start(c, "linearGradient");
	attr(c, "id", "background");
	attr(c, "y1", "0");
	attr(c, "y2", "1");
	attr(c, "x1", "0");
	attr(c, "x2", "0");
	start(c, "stop");
	attr(c, "stop-color", "#eeeeee");
	attr(c, "offset", "5%");
	end(c);
	start(c, "stop");
	attr(c, "stop-color", "#eeeeb0");
	attr(c, "offset", "95%");
	end(c);
	end(c);
	end(c);
	newline(c);

	start(c, "style");
	attr(c, "type", "text/css");
	cdata(c, mt_asset_flamegraph_css, NULL);
	end(c);
	newline(c);

	if (!o->no_js) {
		/* numbers and constants only: never a string from the dump */
		snprintf(script, sizeof script,
			"\nvar nametype = '" NAMETYPE "';\n"
			"var fontsize = %s;\n"
			"var fontwidth = 0.59;\n"
			"var xpad = 10;\n"
			"var inverted = %s;\n"
			"var searchcolor = '" SEARCH_COLOR "';\n",
			mt_flame__fixed(fs, sizeof fs, o->font_size, 2, 1),
			o->icicle ? "true" : "false");
		start(c, "script");
		attr(c, "type", "text/ecmascript");
		cdata(c, script, mt_asset_flamegraph_js);
		end(c);
		newline(c);
	}

	start(c, "rect");
	attr(c, "x", "0");
	attr(c, "y", "0");
	attr(c, "width", "100%");
	snprintf(buf, sizeof buf, "%u", l->height);
	attr(c, "height", buf);
	attr(c, "fill", "url(#background)");
	end(c);
	newline(c);

	start(c, "text");
	attr(c, "id", "title");
	attr_num(c, "x", l->width / 2.0);
	attr_num(c, "y", o->font_size * 2);
	attr(c, "font-size", mt_flame__fixed(tfs, sizeof tfs, o->font_size + 5, 2, 1));
	text(c, clean_str(c, mt_flame__title(o)));
	end_full(c);
	newline(c);
	if (o->subtitle)
		text_el(c, "subtitle", NULL, l->width / 2.0, o->font_size * 4,
			clean_str(c, o->subtitle));
	if (!o->no_js) {
		double top = o->font_size * 2, bottom = l->height - l->ypad_bottom / 2;
		text_el(c, "details", NULL, l->xpad, bottom, " ");
		text_el(c, "unzoom", "hide", l->xpad, top, "Reset Zoom");
		text_el(c, "search", NULL, l->width - l->xpad - 100, top, "Search");
		text_el(c, "ignorecase", NULL, l->width - l->xpad - 16, top, "ic");
		text_el(c, "matched", NULL, l->width - l->xpad - 100, bottom, " ");
	}
}

static int buf_cat(mt_flame_buf *b, const char *s)
{
	size_t n = strlen(s);
	if (b->len + n + 1 > b->cap && mt_grow(&b->p, &b->cap, b->len + n + 1, 1))
		return MT_ENOMEM;
	memcpy(b->p + b->len, s, n + 1);
	b->len += n;
	return 0;
}

/* "NAME (N UNIT, P%)" into c->title and the label into c->label; 0 or MT_ENOMEM */
static int frame_texts(svg_ctx *c, const mt_tree *t, const mt_layout *l, const mt_rect *r,
	const char *unit, uint32_t decimals)
{
	mt_str_id id = t->nodes[r->node].name;
	int64_t v = mt_tree_total(t, r->node, c->o->col);
	char num[64], pct[32];
	size_t ncp;
	if (mt_flame__clean(&c->title, mt_strtab_get(t->strings, id),
		mt_strtab_len(t->strings, id), &ncp) ||
		mt_flame__label(&c->label, c->title.p, c->title.len, ncp, r->w, c->o->font_size) ||
		buf_cat(&c->title, " (") ||
		buf_cat(&c->title, mt_flame__count(num, sizeof num, v, decimals)) ||
		buf_cat(&c->title, " ") || buf_cat(&c->title, unit) ||
		buf_cat(&c->title, ", ") ||
		buf_cat(&c->title, mt_flame__percent(pct, sizeof pct, v, l->total)) ||
		buf_cat(&c->title, "%)"))
		return MT_ENOMEM;
	return 0;
}

/* One frame through the writer's element calls (the indented layout). */
static void frame_writer(svg_ctx *c, const mt_rect *r)
{
	const mt_flame_opts *o = c->o;
	char fill[32];
	start(c, "g");
	start(c, "title");
	text(c, c->title.p);
	end(c);
	start(c, "rect");
	attr_num(c, "x", r->x);
	attr_num(c, "y", r->y);
	attr_num(c, "width", r->w);
	attr_num(c, "height", r->h);
	snprintf(fill, sizeof fill, "rgb(%u,%u,%u)", (unsigned)(r->rgb >> 16) & 0xff,
		(unsigned)(r->rgb >> 8) & 0xff, (unsigned)r->rgb & 0xff);
	attr(c, "fill", fill);
	attr(c, "rx", "2");
	attr(c, "ry", "2");
	end(c);
	start(c, "text");
	attr_num(c, "x", r->x + 3);
	attr_num(c, "y", r->y + r->h / 2 + o->font_size / 4);
	text(c, c->label.p);
	end_full(c);
	end(c);
	newline(c);
}

/* Appends @s escaped by libxml2 itself (what xmlTextWriterWriteString does with text). */
static int cat_escaped(mt_flame_buf *b, const char *s)
{
	if (!*s)
		return 0;
	xmlChar *e = xmlEncodeSpecialChars(NULL, BX(s));
	if (!e)
		return MT_ENOMEM;
	int rc = buf_cat(b, (const char *)e);
	xmlFree(e);
	return rc;
}

static int cat_num(mt_flame_buf *b, const char *pre, double v)
{
	char num[48];
	return buf_cat(b, pre) || buf_cat(b, mt_flame__fixed(num, sizeof num, v, 2, 1));
}

/*
 * One frame as the bytes the writer calls above produce without
 * indentation, built in @b: the same markup, the same escaping (libxml2's
 * xmlEncodeSpecialChars on the two dump strings; every other byte is ours:
 * numbers and fixed names), without a dozen writer calls per frame.
 * test_render checks both ways give the same bytes on hostile names.
 */
static int frame_markup(svg_ctx *c, mt_flame_buf *b, const mt_rect *r)
{
	const mt_flame_opts *o = c->o;
	char fill[48];
	snprintf(fill, sizeof fill, "\" fill=\"rgb(%u,%u,%u)\" rx=\"2\" ry=\"2\"/>",
		(unsigned)(r->rgb >> 16) & 0xff, (unsigned)(r->rgb >> 8) & 0xff,
		(unsigned)r->rgb & 0xff);
	if (buf_cat(b, "<g><title>") || cat_escaped(b, c->title.p) ||
		cat_num(b, "</title><rect x=\"", r->x) || cat_num(b, "\" y=\"", r->y) ||
		cat_num(b, "\" width=\"", r->w) || cat_num(b, "\" height=\"", r->h) ||
		buf_cat(b, fill) || cat_num(b, "<text x=\"", r->x + 3) ||
		cat_num(b, "\" y=\"", r->y + r->h / 2 + o->font_size / 4) || buf_cat(b, "\">") ||
		cat_escaped(b, c->label.p) || buf_cat(b, "</text></g>\n"))
		return MT_ENOMEM;
	return 0;
}

static void write_frames(svg_ctx *c, const mt_tree *t, const mt_layout *l, int writer_frames)
{
	const mt_flame_opts *o = c->o;
	const char *u = mt_flame__unit(t, o);
	uint32_t decimals = t->types ? t->types[o->col].decimals : 0;
	mt_flame_buf unit = { 0 }, raw = { 0 };

	/* the unit may come from the dump (a column's unit): clean it once */
	if (mt_flame__clean(&unit, u, strlen(u), NULL)) {
		c->nomem = 1;
		return;
	}
	start(c, "g");
	attr(c, "id", "frames");
	newline(c);
	for (uint32_t i = 0; i < l->nrects && c->rc >= 0 && !c->nomem; i++) {
		const mt_rect *r = &l->rects[i];
		if (frame_texts(c, t, l, r, unit.p, decimals)) {
			c->nomem = 1;
			break;
		}
		if (o->pretty || writer_frames) {
			frame_writer(c, r);
			continue;
		}
		if (frame_markup(c, &raw, r)) {
			c->nomem = 1;
			break;
		}
		if (raw.len >= 1 << 16 || i + 1 == l->nrects) {
			X(c, xmlTextWriterWriteRawLen(c->w, BX(raw.p), (int)raw.len));
			raw.len = 0;
		}
	}
	if (l->nrects == 0) {
		start(c, "text");
		attr(c, "id", "nosamples");
		attr_num(c, "x", l->width / 2.0);
		attr_num(c, "y", l->ypad_top + (l->height - l->ypad_top - l->ypad_bottom) / 2 +
			o->font_size / 3);
		attr(c, "text-anchor", "middle");
		text(c, "No samples");
		end_full(c);
		newline(c);
	}
	end(c);
	newline(c);
	free(unit.p);
	free(raw.p);
}

int mt_render_svg(const mt_tree *t, const mt_flame_opts *opts, mt_sink *out, mt_error *err)
{
	return mt_render_svg__frames(t, opts, out, 0, err);
}

int mt_render_svg__frames(const mt_tree *t, const mt_flame_opts *opts, mt_sink *out,
	int writer_frames, mt_error *err)
{
	mt_flame_opts o;
	mt_layout *l = NULL;
	xmlOutputBufferPtr ob;
	svg_ctx c = { 0 };
	sink_ctx sc = { out, 0 };
	int rc;

	if (err)
		err->doing = "rendering the SVG flame graph";
	MT_FAIL_IF(err, !out, MT_EINVAL, MT_NO_OFFSET, "no output for the SVG");
	if ((rc = mt_flame__opts(&o, opts, t, err)))
		return rc;
	if ((rc = mt_layout_build(&l, t, &o, err)))
		return rc;
	/* the CSS goes into a CDATA section whole */
	if (strstr(mt_asset_flamegraph_css, "]]>") || strstr(mt_asset_flamegraph_js, "]]>")) {
		mt_layout_free(l);
		return mt_error_set(err, MT_EINVAL, MT_NO_OFFSET,
			"embedded flamegraph.js/.css contains \"]]>\"");
	}

	xmlInitParser();
	ob = xmlOutputBufferCreateIO(sink_write, sink_close, &sc, NULL);
	if (!ob) {
		mt_layout_free(l);
		return mt_error_set(err, MT_ENOMEM, MT_NO_OFFSET, "out of memory starting the SVG");
	}
	c.w = xmlNewTextWriter(ob);
	if (!c.w) {
		xmlOutputBufferClose(ob);
		mt_layout_free(l);
		return mt_error_set(err, MT_ENOMEM, MT_NO_OFFSET, "out of memory starting the SVG");
	}
	c.o = &o;
	if (o.pretty) {
		X(&c, xmlTextWriterSetIndent(c.w, 1));
		X(&c, xmlTextWriterSetIndentString(c.w, BX("  ")));
	}

	write_head(&c, l);
	write_frames(&c, t, l, writer_frames);
	end(&c);   /* svg */
	X(&c, xmlTextWriterEndDocument(c.w));
	X(&c, xmlTextWriterFlush(c.w));
	xmlFreeTextWriter(c.w);   /* closes ob */

	free(c.clean.p);
	free(c.label.p);
	free(c.title.p);
	mt_layout_free(l);
	if (sc.rc)
		return mt_error_set(err, sc.rc, MT_NO_OFFSET, "writing the SVG failed");
	if (c.nomem)
		return mt_error_set(err, MT_ENOMEM, MT_NO_OFFSET, "out of memory writing the SVG");
	if (c.rc < 0)
		return mt_error_set(err, MT_EIO, MT_NO_OFFSET, "libxml2 failed writing the SVG");
	return 0;
}
