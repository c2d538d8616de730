/*
 * memtracer/render.h - pure functions from IR to bytes.
 *
 * Flame graphs go through one layout (mt_layout_build) that turns a tree
 * into rectangles; the SVG and PNG painters only paint those rectangles,
 * so both always show the same frames. Renderers read no clock and no
 * environment: the same input gives the same bytes.
 */
#ifndef MEMTRACER_RENDER_H
#define MEMTRACER_RENDER_H

#include <stdint.h>

#include "analysis.h"
#include "error.h"
#include "io.h"
#include "profile.h"
#include "tree.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Defaults, shared by *_OPTS_INIT and the CLI's --help. */
#define MT_DEFAULT_WIDTH 1200
#define MT_DEFAULT_FRAME_HEIGHT 16
#define MT_DEFAULT_MIN_WIDTH 0.1      /* pixels */
#define MT_DEFAULT_FONT_SIZE 12
#define MT_DEFAULT_TITLE "Flame Graph"
#define MT_DEFAULT_ICICLE_TITLE "Icicle Graph"
#define MT_DEFAULT_FONT "Verdana"
#define MT_DEFAULT_TOP_ROWS 0          /* 0 = all */

typedef enum mt_palette {
	MT_PALETTE_HOT = 0,   /* red/orange/yellow (flamegraph.pl default) */
	MT_PALETTE_MEM,       /* greens */
	MT_PALETTE_IO,        /* blues */
	MT_PALETTE_ORIGIN,    /* by frame origin: go, java, js, native, kernel */
	MT_PALETTE_GO,        /* origin palette tuned for Go (runtime vs user) */
	MT_PALETTE_JAVA,      /* flamegraph.pl's java: JIT/inlined/kernel suffixes */
	MT_PALETTE_JS,
	MT_PALETTE_NATIVE,
	MT_PALETTE__COUNT
} mt_palette;

/* "hot" -> MT_PALETTE_HOT ...; returns -1 for an unknown name. */
int mt_palette_from_name(const char *name);
const char *mt_palette_name(mt_palette p);

typedef struct mt_flame_opts {
	unsigned version;
	const char *title;         /* NULL = default by orientation */
	const char *subtitle;      /* NULL = none */
	uint32_t width;            /* image width, px */
	uint32_t frame_height;     /* px per level */
	double min_width;          /* frames narrower than this (px) are omitted */
	double font_size;
	const char *font;
	int icicle;                /* root on top */
	mt_palette palette;
	const char *count_name;    /* NULL = from the column unit ("samples", "bytes"...) */
	uint32_t col;              /* value column of the tree */
	int no_js;                 /* static SVG: no <script>, no interactivity */
	int pretty;                /* indent the SVG (goldens) */
} mt_flame_opts;

#define MT_FLAME_OPTS_VERSION 1
#define MT_FLAME_OPTS_INIT { MT_FLAME_OPTS_VERSION, NULL, NULL, MT_DEFAULT_WIDTH, \
	MT_DEFAULT_FRAME_HEIGHT, MT_DEFAULT_MIN_WIDTH, MT_DEFAULT_FONT_SIZE, \
	MT_DEFAULT_FONT, 0, MT_PALETTE_HOT, NULL, 0, 0, 0 }

/* One painted frame. Coordinates are in pixels of the final image. */
typedef struct mt_rect {
	double x, y, w, h;
	uint32_t node;       /* tree node index */
	uint32_t depth;
	uint32_t rgb;        /* 0xRRGGBB fill */
} mt_rect;

typedef struct mt_layout {
	mt_rect *rects;      /* in tree pre-order; root first */
	uint32_t nrects;
	uint32_t width, height;   /* whole image */
	double xpad;              /* left/right margin */
	double ypad_top, ypad_bottom;
	double scale;             /* px per value unit */
	uint32_t max_depth;       /* deepest painted level */
	int64_t total;            /* root total of the column */
} mt_layout;

/*
 * Lays out @t: widths proportional to total[col], children left to right
 * in tree order, frames below min_width dropped (with their subtrees).
 * Colours are a deterministic function of the frame name and palette.
 */
int mt_layout_build(mt_layout **out, const mt_tree *t, const mt_flame_opts *o,
	mt_error *err);
void mt_layout_free(mt_layout *l);

/* Interactive (or, with no_js, static) SVG flame graph, through libxml2. */
int mt_render_svg(const mt_tree *t, const mt_flame_opts *o, mt_sink *out, mt_error *err);

/* PNG flame graph through cairo. */
int mt_render_png(const mt_tree *t, const mt_flame_opts *o, mt_sink *out, mt_error *err);

/* Top table as text, like `go tool pprof -top`; @nrows 0 = all rows. */
int mt_render_top_text(const mt_top *top, uint32_t nrows, mt_sink *out, mt_error *err);

/*
 * Top table as JSON:
 * {"sample_type":"...","unit":"...","total":N,"rows":[{"name":"...","flat":N,"cum":N},...]}
 * @nrows 0 = all rows.
 */
int mt_render_top_json(const mt_top *top, uint32_t nrows, mt_sink *out, mt_error *err);

/*
 * Folded stacks: one line per distinct stack with a non-zero value, root
 * first, frames joined by ';', a space, the value of column @col (an
 * integer, or a decimal when the column has decimals). Lines in tree
 * order (deterministic).
 */
int mt_write_folded(const mt_tree *t, uint32_t col, mt_sink *out, mt_error *err);

/* profile.proto, gzip-compressed when @gzip. Readable by `go tool pprof`. */
int mt_write_pprof(const mt_profile *p, int gzip, mt_sink *out, mt_error *err);

/* The whole IR as JSON (documented in the README). */
int mt_write_profile_json(const mt_profile *p, mt_sink *out, mt_error *err);

/* `memtracer info`: a summary of a profile, text or JSON. */
int mt_render_info_text(const mt_profile *p, const char *path, mt_sink *out, mt_error *err);
int mt_render_info_json(const mt_profile *p, const char *path, mt_sink *out, mt_error *err);

/*
 * Formats a value of column type (@unit, @decimals) in human units:
 * bytes -> "1.50MB", nanoseconds -> "2.10s", count -> "42".
 */
const char *mt_format_value(int64_t v, const char *unit, uint32_t decimals,
	char *buf, size_t cap);

#ifdef __cplusplus
}
#endif
#endif
