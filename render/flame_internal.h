/*
 * render/flame_internal.h - helpers shared by the flame graph painters
 * (layout.c, palette.c, svg.c, png.c and tests/unit/test_render.c).
 * Not part of the public API.
 */
#ifndef MT_RENDER_FLAME_INTERNAL_H
#define MT_RENDER_FLAME_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "memtracer/render.h"

/* flamegraph.pl's fixed geometry. */
#define MT_FLAME_XPAD 10.0
#define MT_FLAME_FONTWIDTH 0.59    /* average glyph width / font size */
#define MT_FLAME_MAX_WIDTH 1000000u
#define MT_FLAME_MAX_FRAME_HEIGHT 1000u
#define MT_FLAME_MAX_FONT_SIZE 200.0
#define MT_FLAME_MAX_HEIGHT 0x7fffffffu

/*
 * The fill of a frame (0xRRGGBB): a pure function of (@p, name, @lang).
 * @is_root marks the tree root ("all"), drawn neutral by origin palettes.
 */
uint32_t mt_palette__color(mt_palette p, const char *name, size_t len, mt_lang lang,
	int is_root);

/* Options with NULL replaced by the defaults, checked (MT_EINVAL). */
int mt_flame__opts(mt_flame_opts *dst, const mt_flame_opts *src, const mt_tree *t,
	mt_error *err);

/* Growable scratch text. */
typedef struct mt_flame_buf {
	char *p;
	size_t len, cap;
} mt_flame_buf;

/*
 * Copies @len bytes of @s into @b as valid XML-safe UTF-8: invalid
 * sequences, overlongs, surrogates, U+FFFE/U+FFFF and control characters
 * (NUL included) each become U+FFFD. @b->p is NUL-terminated. *@ncp (may
 * be NULL) gets the number of code points. Returns 0 or MT_ENOMEM.
 */
int mt_flame__clean(mt_flame_buf *b, const char *s, size_t len, size_t *ncp);

/*
 * Byte length of the first @n code points of valid UTF-8 @s (of @len bytes).
 */
size_t mt_flame__prefix(const char *s, size_t len, size_t n);

/*
 * flamegraph.pl's label rule, in code points: the name when it fits in
 * floor(@w / (@font_size * fontwidth)) characters, else its first
 * (chars - 2) characters followed by "..", and nothing below 3 characters.
 * Writes the label into @b (NUL-terminated). Returns 0 or MT_ENOMEM.
 */
int mt_flame__label(mt_flame_buf *b, const char *clean, size_t len, size_t ncp,
	double w, double font_size);

/*
 * @v with @dec (0..6) decimals, rounded half away from zero, with no
 * locale: "12.50". With @trim, trailing zeros and a bare point are dropped:
 * "12.5", "12". Returns @buf.
 */
char *mt_flame__fixed(char *buf, size_t cap, double v, unsigned dec, int trim);

/*
 * A column value with thousands separators: 1234567 -> "1,234,567"; a
 * fixed-point value (@decimals > 0) keeps its fraction: "1,234.50".
 */
char *mt_flame__count(char *buf, size_t cap, int64_t v, uint32_t decimals);

/* 100 * @v / @total with two decimals ("12.34"); "0.00" when @total <= 0. */
char *mt_flame__percent(char *buf, size_t cap, int64_t v, int64_t total);

/*
 * The unit word of titles: @o->count_name when set, else from the column
 * unit: count -> "samples", bytes -> "bytes", nanoseconds -> "ns" ...
 * The result is borrowed (from @o, @t or static storage).
 */
const char *mt_flame__unit(const mt_tree *t, const mt_flame_opts *o);

/*
 * mt_render_svg with a choice of how frames are written: through one
 * xmlTextWriter call per element and attribute (@writer_frames; always so
 * with o->pretty), or as markup built per frame with libxml2's escaping
 * (the default). The bytes are the same; tests compare the two.
 */
int mt_render_svg__frames(const mt_tree *t, const mt_flame_opts *o, mt_sink *out,
	int writer_frames, mt_error *err);

/* The title: @o->title, or the default for the orientation. */
const char *mt_flame__title(const mt_flame_opts *o);

#endif
