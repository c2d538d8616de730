/*
 * memtracer/io.h - reading inputs whole, gzip, output sinks, atomic files.
 *
 * Inputs are read into memory (or "-" from stdin), never modified. gzip
 * is recognised by its magic bytes, never by the file name, and inflated
 * with a size limit. Outputs go through an mt_sink; mt_outfile writes to a
 * temporary file beside the target and renames it into place on commit, so
 * a reader never sees a half-written report.
 */
#ifndef MEMTRACER_IO_H
#define MEMTRACER_IO_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Default cap on inflated size (bytes); the CLI can raise it. */
#define MT_DEFAULT_MAX_INPUT ((uint64_t)16 << 30)

typedef struct mt_input {
	const char *path;      /* as given ("-" for stdin); not owned */
	uint8_t *data;         /* the bytes after gunzip (owned) */
	size_t len;
	int was_gzip;          /* 1 if the file was gzip-compressed */
	size_t raw_len;        /* size on disk */
	int mapped;            /* data is a read-only mmap of the file (not malloc()ed) */
} mt_input;

/*
 * Reads @path ("-" = stdin) whole and gunzips it when it starts with the
 * gzip magic (multi-member gzip is supported). Offsets in later errors are
 * offsets into the inflated data. A truncated or corrupt gzip stream is
 * MT_ETRUNC / MT_EFORMAT with the compressed offset. @max_len caps the
 * inflated size (0 = MT_DEFAULT_MAX_INPUT).
 * Free with mt_input_free().
 */
int mt_input_read(mt_input *in, const char *path, uint64_t max_len, mt_error *err);

/* Same, from bytes already in memory (copied). */
int mt_input_from_memory(mt_input *in, const char *path, const uint8_t *data,
	size_t len, uint64_t max_len, mt_error *err);

void mt_input_free(mt_input *in);

/* 1 if @data starts with the gzip magic 1f 8b. */
int mt_is_gzip(const uint8_t *data, size_t len);

/*
 * A byte sink. @write returns 0 or a negative mt_code. Renderers write only
 * through this, so the same code targets files, stdout and memory.
 */
typedef struct mt_sink {
	int (*write)(void *ctx, const void *buf, size_t n);
	void *ctx;
	int failed;            /* sticky: set after the first failed write */
} mt_sink;

/* Writes @n bytes; returns 0 or the sink's error (sticky). */
int mt_sink_write(mt_sink *s, const void *buf, size_t n);
int mt_sink_puts(mt_sink *s, const char *str);
int mt_sink_printf(mt_sink *s, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;

/* A sink that appends to a growable memory buffer. */
typedef struct mt_membuf {
	char *data;
	size_t len, cap;
} mt_membuf;

mt_sink mt_sink_membuf(mt_membuf *b);
void mt_membuf_free(mt_membuf *b);

/* A sink over a stdio stream (buffered; errors surface at close). */
mt_sink mt_sink_stdio(FILE *f);

/*
 * An output file written atomically: a temp file in the same directory,
 * renamed over @path by mt_outfile_commit(). "-" means stdout (checked
 * with fflush/ferror on commit). A target that exists and is not a regular
 * file (/dev/null, a FIFO) is written in place. mt_outfile_abort() removes
 * the temp file.
 */
typedef struct mt_outfile {
	const char *path;
	char *tmp_path;
	FILE *f;
	int is_stdout;
	int direct;            /* target is a device or FIFO: written in place */
	mt_sink sink;
} mt_outfile;

int mt_outfile_open(mt_outfile *o, const char *path, mt_error *err);
int mt_outfile_commit(mt_outfile *o, mt_error *err);
void mt_outfile_abort(mt_outfile *o);

/*
 * Streaming input, for dumps larger than memory should hold (goroutine
 * dumps, heap snapshots): chunks of the inflated bytes, gzip detected by
 * content and inflated on the fly, "-" for stdin. Peak memory is the
 * caller's buffer plus zlib's window.
 */
typedef struct mt_stream mt_stream;

/* Opens @path ("-" = stdin). The first bytes are read ahead for mt_stream_peek(). */
int mt_stream_open(mt_stream **out, const char *path, mt_error *err);

/*
 * Up to @cap inflated bytes into @buf; *@got = 0 at the end of input.
 * A truncated or corrupt gzip stream is an error (never a silent short read).
 */
int mt_stream_read(mt_stream *s, uint8_t *buf, size_t cap, size_t *got, mt_error *err);

/*
 * The first (up to 64 KiB of) inflated bytes without consuming them, for
 * format detection. Valid until the next mt_stream_read().
 */
int mt_stream_peek(mt_stream *s, const uint8_t **data, size_t *len, mt_error *err);

/* Inflated bytes consumed so far. */
uint64_t mt_stream_offset(const mt_stream *s);

/* 1 if the input is gzip-compressed. */
int mt_stream_is_gzip(const mt_stream *s);

void mt_stream_close(mt_stream *s);

/*
 * Reads the rest of @s (inflated) into @in, for readers that need the
 * whole input; @max_len caps it (0 = MT_DEFAULT_MAX_INPUT).
 */
int mt_input_from_stream(mt_input *in, const char *path, mt_stream *s, uint64_t max_len,
	mt_error *err);

/*
 * Line reader over a stream: returns 1 with the next line in @line and @len
 * (without "\n" or "\r\n"; valid until the next call), 0 at the end, or a
 * negative mt_code. Lines longer than @max_line bytes are MT_ELIMIT.
 * *@off receives the line's offset in the inflated input.
 */
typedef struct mt_lines {
	mt_stream *s;
	uint8_t *buf;
	size_t cap, start, end;
	uint64_t buf_off;     /* input offset of buf[0] */
	size_t max_line;
	int eof;
} mt_lines;

int mt_lines_init(mt_lines *l, mt_stream *s, size_t max_line);
int mt_lines_next(mt_lines *l, const char **line, size_t *len, uint64_t *off, mt_error *err);
void mt_lines_free(mt_lines *l);

#ifdef __cplusplus
}
#endif
#endif
