/*
 * render/png.c - the flame graph as a PNG image, painted with cairo
 * (https://www.cairographics.org/manual/) from the same mt_layout as the
 * SVG: background gradient, title, subtitle, frames as rounded rectangles
 * with anti-aliased labels elided to fit (measured with cairo_text_extents),
 * written with cairo_surface_write_to_png_stream to the mt_sink.
 *
 * Determinism: no time or text chunks are written (cairo's PNG writer adds
 * none) and font hinting is switched off, so the same input on the same
 * system gives the same bytes.
 *
 * Size limit: the image is refused (MT_ELIMIT, with the size in the message)
 * rather than clipped when it would be taller or wider than 32767 px (cairo's
 * own limit) or hold more than 64 Mpixels (256 MB): a clipped picture would
 * silently hide frames, and a hostile 100k-deep stack must not allocate
 * gigabytes. SVG output has no such limit.
 */
#include <math.h>
#include <string.h>

#include "mt_internal.h"
#include "render/flame_internal.h"

#if MT_HAVE_PNG

#include <cairo.h>

#define PNG_MAX_SIDE 32767u
#define PNG_MAX_PIXELS ((uint64_t)64 << 20)

typedef struct png_sink {
	mt_sink *sink;
	int rc;
} png_sink;

static cairo_status_t png_write(void *closure, const unsigned char *data, unsigned int len)
{
	png_sink *p = closure;
	int rc = mt_sink_write(p->sink, data, len);
	if (rc) {
		if (!p->rc)
			p->rc = rc < 0 ? rc : MT_EIO;
		return CAIRO_STATUS_WRITE_ERROR;
	}
	return CAIRO_STATUS_SUCCESS;
}

static void set_rgb(cairo_t *cr, uint32_t rgb)
{
	cairo_set_source_rgb(cr, ((rgb >> 16) & 0xff) / 255.0, ((rgb >> 8) & 0xff) / 255.0,
		(rgb & 0xff) / 255.0);
}

static void rounded_rect(cairo_t *cr, double x, double y, double w, double h, double r)
{
	if (r > w / 2)
		r = w / 2;
	if (r > h / 2)
		r = h / 2;
	cairo_new_sub_path(cr);
	cairo_arc(cr, x + w - r, y + r, r, -M_PI / 2, 0);
	cairo_arc(cr, x + w - r, y + h - r, r, 0, M_PI / 2);
	cairo_arc(cr, x + r, y + h - r, r, M_PI / 2, M_PI);
	cairo_arc(cr, x + r, y + r, r, M_PI, 3 * M_PI / 2);
	cairo_close_path(cr);
}

static double text_width(cairo_t *cr, const char *s)
{
	cairo_text_extents_t e;
	cairo_text_extents(cr, s, &e);
	return e.x_advance;
}

/*
 * The longest label for @avail px: the whole name, or a prefix of whole
 * characters followed by "..", or "" when not even one character and ".."
 * fit. Binary search over code points, measured with the real font.
 */
static int fit_label(cairo_t *cr, mt_flame_buf *lab, const char *s, size_t len, size_t ncp,
	double avail, double font_size)
{
	size_t lo, hi, best = 0, cap;

	if (avail < font_size)
		goto none;
	/* no glyph is narrower than ~0.2 em: longer prefixes cannot fit */
	cap = (size_t)(avail / (font_size * 0.2)) + 1;
	if (ncp <= cap) {
		if (text_width(cr, s) <= avail) {
			if (lab->cap < len + 1 && mt_grow(&lab->p, &lab->cap, len + 1, 1))
				return MT_ENOMEM;
			memcpy(lab->p, s, len + 1);
			return 0;
		}
	}
	if (lab->cap < len + 3 && mt_grow(&lab->p, &lab->cap, len + 3, 1))
		return MT_ENOMEM;
	lo = 1;
	hi = (ncp < cap ? ncp : cap);
	if (hi > 1)
		hi--;
	while (lo <= hi) {
		size_t mid = lo + (hi - lo) / 2, n = mt_flame__prefix(s, len, mid);
		memcpy(lab->p, s, n);
		memcpy(lab->p + n, "..", 3);
		if (text_width(cr, lab->p) <= avail) {
			best = mid;
			lo = mid + 1;
		} else {
			hi = mid - 1;
		}
	}
	if (best) {
		size_t n = mt_flame__prefix(s, len, best);
		memcpy(lab->p, s, n);
		memcpy(lab->p + n, "..", 3);
		return 0;
	}
none:
	if (lab->cap < 1 && mt_grow(&lab->p, &lab->cap, 1, 1))
		return MT_ENOMEM;
	lab->p[0] = 0;
	return 0;
}

static void centered(cairo_t *cr, double cx, double y, const char *s)
{
	cairo_move_to(cr, cx - text_width(cr, s) / 2, y);
	cairo_show_text(cr, s);
}

static int paint(cairo_t *cr, const mt_tree *t, const mt_flame_opts *o, const mt_layout *l,
	const char *family)
{
	mt_flame_buf clean = { 0 }, lab = { 0 };
	cairo_pattern_t *bg;
	cairo_font_options_t *fo;
	size_t ncp;
	int rc = 0;

	bg = cairo_pattern_create_linear(0, 0, 0, l->height);
	cairo_pattern_add_color_stop_rgb(bg, 0.05, 0xee / 255.0, 0xee / 255.0, 0xee / 255.0);
	cairo_pattern_add_color_stop_rgb(bg, 0.95, 0xee / 255.0, 0xee / 255.0, 0xb0 / 255.0);
	cairo_set_source(cr, bg);
	cairo_paint(cr);
	cairo_pattern_destroy(bg);

	fo = cairo_font_options_create();
	cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_set_font_options(cr, fo);
	cairo_font_options_destroy(fo);

	/* title and subtitle */
	cairo_select_font_face(cr, family, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
	cairo_set_font_size(cr, o->font_size + 5);
	cairo_set_source_rgb(cr, 0, 0, 0);
	if ((rc = mt_flame__clean(&clean, mt_flame__title(o), strlen(mt_flame__title(o)), NULL)))
		goto out;
	centered(cr, l->width / 2.0, o->font_size * 2, clean.p);
	cairo_select_font_face(cr, family, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(cr, o->font_size);
	if (o->subtitle) {
		if ((rc = mt_flame__clean(&clean, o->subtitle, strlen(o->subtitle), NULL)))
			goto out;
		cairo_set_source_rgb(cr, 0.38, 0.38, 0.38);
		centered(cr, l->width / 2.0, o->font_size * 4, clean.p);
	}
	if (l->nrects == 0) {
		cairo_set_source_rgb(cr, 0.38, 0.38, 0.38);
		centered(cr, l->width / 2.0, l->ypad_top + (l->height - l->ypad_top -
			l->ypad_bottom) / 2 + o->font_size / 3, "No samples");
	}

	/* frames; labels are clipped to their frame as a last guard */
	for (uint32_t i = 0; i < l->nrects; i++) {
		const mt_rect *r = &l->rects[i];
		mt_str_id id = t->nodes[r->node].name;
		double w = r->w;

		set_rgb(cr, r->rgb);
		if (w >= 1.5)
			rounded_rect(cr, r->x, r->y, w, r->h, 2);
		else
			cairo_rectangle(cr, r->x, r->y, w, r->h);
		cairo_fill(cr);
		if (w - 6 < o->font_size)
			continue;
		if ((rc = mt_flame__clean(&clean, mt_strtab_get(t->strings, id),
			mt_strtab_len(t->strings, id), &ncp)))
			goto out;
		if ((rc = fit_label(cr, &lab, clean.p, clean.len, ncp, w - 6, o->font_size)))
			goto out;
		if (!lab.p[0])
			continue;
		cairo_save(cr);
		cairo_rectangle(cr, r->x, r->y, w, r->h);
		cairo_clip(cr);
		cairo_set_source_rgb(cr, 0, 0, 0);
		cairo_move_to(cr, r->x + 3, r->y + r->h / 2 + o->font_size * 0.35);
		cairo_show_text(cr, lab.p);
		cairo_restore(cr);
	}
out:
	free(clean.p);
	free(lab.p);
	return rc;
}

int mt_render_png(const mt_tree *t, const mt_flame_opts *opts, mt_sink *out, mt_error *err)
{
	mt_flame_opts o;
	mt_layout *l = NULL;
	cairo_surface_t *s;
	cairo_t *cr;
	cairo_status_t st;
	png_sink ps = { out, 0 };
	const char *family;
	int rc;

	if (err)
		err->doing = "rendering the PNG flame graph";
	MT_FAIL_IF(err, !out, MT_EINVAL, MT_NO_OFFSET, "no output for the PNG");
	if ((rc = mt_flame__opts(&o, opts, t, err)))
		return rc;
	if ((rc = mt_layout_build(&l, t, &o, err)))
		return rc;
	if (l->width > PNG_MAX_SIDE || l->height > PNG_MAX_SIDE ||
		(uint64_t)l->width * l->height > PNG_MAX_PIXELS) {
		rc = mt_error_set(err, MT_ELIMIT, MT_NO_OFFSET,
			"the PNG would be %ux%u px (%u levels deep); PNG output is limited to %u px "
			"per side and %llu Mpixels: use SVG, a larger --min-width or a focus filter",
			l->width, l->height, l->max_depth + 1, PNG_MAX_SIDE,
			(unsigned long long)(PNG_MAX_PIXELS >> 20));
		mt_layout_free(l);
		return rc;
	}

	/* Verdana is what the SVG asks browsers for; cairo gets a font it has */
	family = (strcmp(o.font, MT_DEFAULT_FONT) == 0) ? "DejaVu Sans" : o.font;

	s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, (int)l->width, (int)l->height);
	if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(s);
		mt_layout_free(l);
		return mt_error_set(err, MT_ENOMEM, MT_NO_OFFSET,
			"cannot allocate a %ux%u px image", l->width, l->height);
	}
	cr = cairo_create(s);
	rc = paint(cr, t, &o, l, family);
	st = cairo_status(cr);
	cairo_destroy(cr);
	if (rc || st != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(s);
		mt_layout_free(l);
		if (rc)
			return mt_error_set(err, rc, MT_NO_OFFSET, "out of memory painting the PNG");
		return mt_error_set(err, st == CAIRO_STATUS_NO_MEMORY ? MT_ENOMEM : MT_EIO,
			MT_NO_OFFSET, "cairo: %s", cairo_status_to_string(st));
	}
	cairo_surface_flush(s);
	st = cairo_surface_write_to_png_stream(s, png_write, &ps);
	cairo_surface_destroy(s);
	mt_layout_free(l);
	if (ps.rc)
		return mt_error_set(err, ps.rc, MT_NO_OFFSET, "writing the PNG failed");
	if (st != CAIRO_STATUS_SUCCESS)
		return mt_error_set(err, st == CAIRO_STATUS_NO_MEMORY ? MT_ENOMEM : MT_EIO,
			MT_NO_OFFSET, "cairo: %s", cairo_status_to_string(st));
	return 0;
}

#else /* !MT_HAVE_PNG */

int mt_render_png(const mt_tree *t, const mt_flame_opts *o, mt_sink *out, mt_error *err)
{
	(void)t;
	(void)o;
	(void)out;
	if (err)
		err->doing = "rendering the PNG flame graph";
	return mt_error_set(err, MT_EUNSUPPORTED, MT_NO_OFFSET, "PNG support was not built");
}

#endif
