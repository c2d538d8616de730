/*
 * core/io.c - whole-file input with transparent gzip, sinks, atomic output.
 *
 * gzip is recognised by its magic (RFC 1952), never by the file name; all
 * members of a multi-member file are inflated. The inflated size is capped
 * so a gzip bomb fails with MT_ELIMIT instead of exhausting memory.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "memtracer/io.h"
#include "mt_internal.h"

int mt_is_gzip(const uint8_t *data, size_t len)
{
	return len >= 2 && data[0] == 0x1f && data[1] == 0x8b;
}

static int read_all(int fd, const char *path, uint8_t **out, size_t *out_len, uint64_t max_len,
	mt_error *err)
{
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0;
	struct stat st;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
		if ((uint64_t)st.st_size > max_len)
			return mt_error_set(err, MT_ELIMIT, MT_NO_OFFSET,
				"expected an input of at most %llu bytes, found %lld bytes",
				(unsigned long long)max_len, (long long)st.st_size);
		cap = (size_t)st.st_size + 1;
		buf = malloc(cap);
		if (!buf)
			return mt_error_set(err, MT_ENOMEM, MT_NO_OFFSET, "out of memory reading %lld bytes",
				(long long)st.st_size);
	}
	for (;;) {
		if (len == cap) {
			if (mt_grow(&buf, &cap, len + 65536, 1)) {
				free(buf);
				return mt_error_set(err, MT_ENOMEM, MT_NO_OFFSET, "out of memory reading input");
			}
		}
		ssize_t n = read(fd, buf + len, cap - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			free(buf);
			return mt_error_set(err, MT_EIO, MT_NO_OFFSET, "cannot read: %s", strerror(e));
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > max_len) {
			free(buf);
			return mt_error_set(err, MT_ELIMIT, MT_NO_OFFSET,
				"expected an input of at most %llu bytes, found more", (unsigned long long)max_len);
		}
	}
	(void)path;
	*out = buf;
	*out_len = len;
	return 0;
}

/* Inflates every gzip member of @src into a new buffer. */
static int gunzip(const uint8_t *src, size_t src_len, uint8_t **out, size_t *out_len, uint64_t max_len,
	mt_error *err)
{
	z_stream zs;
	memset(&zs, 0, sizeof zs);
	if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
		return mt_error_set(err, MT_ENOMEM, MT_NO_OFFSET, "cannot initialise zlib");
	size_t cap = src_len < ((size_t)1 << 28) ? src_len * 4 + 4096 : src_len;
	uint8_t *buf = malloc(cap);
	size_t len = 0;
	size_t pos = 0;
	int rc = 0;
	if (!buf) {
		rc = mt_error_set(err, MT_ENOMEM, MT_NO_OFFSET, "out of memory inflating gzip");
		goto out;
	}
	for (;;) {
		/* zlib's avail_in is 32 bits: feed at most 1 GiB at a time */
		size_t chunk_in = src_len - pos;
		if (chunk_in > ((size_t)1 << 30))
			chunk_in = (size_t)1 << 30;
		zs.next_in = (Bytef *)(src + pos);
		zs.avail_in = (uInt)chunk_in;
		if (len == cap && mt_grow(&buf, &cap, cap + 1, 1)) {
			rc = mt_error_set(err, MT_ENOMEM, MT_NO_OFFSET, "out of memory inflating gzip");
			goto out;
		}
		size_t room = cap - len;
		if (room > ((size_t)1 << 30))
			room = (size_t)1 << 30;
		zs.next_out = buf + len;
		zs.avail_out = (uInt)room;
		int z = inflate(&zs, Z_NO_FLUSH);
		size_t consumed = chunk_in - zs.avail_in;
		pos += consumed;
		len += room - zs.avail_out;
		if (len > max_len) {
			rc = mt_error_set(err, MT_ELIMIT, MT_NO_OFFSET,
				"expected gzip data inflating to at most %llu bytes, found more",
				(unsigned long long)max_len);
			goto out;
		}
		if (z == Z_STREAM_END) {
			/* another member? (skip zero padding some writers leave) */
			while (pos < src_len && src[pos] == 0)
				pos++;
			if (pos >= src_len)
				break;
			if (!mt_is_gzip(src + pos, src_len - pos)) {
				rc = mt_error_set(err, MT_EFORMAT, pos,
					"expected another gzip member or the end of the file, found byte 0x%02x (compressed offset)",
					src[pos]);
				goto out;
			}
			inflateReset(&zs);
			continue;
		}
		if (z == Z_BUF_ERROR && consumed == 0 && zs.avail_out != 0) {
			rc = mt_error_set(err, MT_ETRUNC, pos,
				"expected more gzip data, found the end of the file (compressed offset; %zu bytes inflated)",
				len);
			goto out;
		}
		if (z != Z_OK && z != Z_BUF_ERROR) {
			rc = mt_error_set(err, z == Z_MEM_ERROR ? MT_ENOMEM : MT_EFORMAT, pos,
				"expected valid gzip data, found corruption (compressed offset): %s",
				zs.msg ? zs.msg : "inflate failed");
			goto out;
		}
		if (pos >= src_len && zs.avail_out != 0) {
			rc = mt_error_set(err, MT_ETRUNC, pos,
				"expected more gzip data, found the end of the file (compressed offset; %zu bytes inflated)",
				len);
			goto out;
		}
	}
out:
	inflateEnd(&zs);
	if (rc) {
		free(buf);
		return rc;
	}
	*out = buf;
	*out_len = len;
	return 0;
}

static int finish_input(mt_input *in, uint8_t *raw, size_t raw_len, uint64_t max_len, mt_error *err)
{
	in->raw_len = raw_len;
	if (mt_is_gzip(raw, raw_len)) {
		const char *doing = err ? err->doing : NULL;
		if (err)
			err->doing = "inflating gzip";
		int rc = gunzip(raw, raw_len, &in->data, &in->len, max_len, err);
		free(raw);
		if (rc)
			return rc;
		if (err)
			err->doing = doing;
		in->was_gzip = 1;
		return 0;
	}
	in->data = raw;
	in->len = raw_len;
	return 0;
}

int mt_input_read(mt_input *in, const char *path, uint64_t max_len, mt_error *err)
{
	memset(in, 0, sizeof *in);
	in->path = path;
	if (!max_len)
		max_len = MT_DEFAULT_MAX_INPUT;
	int fd;
	int is_stdin = strcmp(path, "-") == 0;
	if (is_stdin) {
		fd = STDIN_FILENO;
	} else {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return mt_error_set(err, MT_EIO, MT_NO_OFFSET, "cannot open: %s", strerror(errno));
		struct stat st;
		if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
			close(fd);
			return mt_error_set(err, MT_EIO, MT_NO_OFFSET, "expected a file, found a directory");
		}
	}
	/*
	 * A large plain regular file is mapped rather than copied: readers only
	 * read it, and the page cache then serves it without a second copy.
	 */
	struct stat st;
	if (!is_stdin && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= (off_t)(1 << 20) &&
	    (uint64_t)st.st_size <= max_len && (uint64_t)st.st_size <= SIZE_MAX) {
		void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (m != MAP_FAILED) {
			const uint8_t *b = m;
			if (!mt_is_gzip(b, (size_t)st.st_size)) {
				close(fd);
				madvise(m, (size_t)st.st_size, MADV_SEQUENTIAL);
				in->data = m;
				in->len = (size_t)st.st_size;
				in->raw_len = (size_t)st.st_size;
				in->mapped = 1;
				return 0;
			}
			munmap(m, (size_t)st.st_size);
		}
	}
	uint8_t *raw = NULL;
	size_t raw_len = 0;
	int rc = read_all(fd, path, &raw, &raw_len, max_len, err);
	if (!is_stdin)
		close(fd);
	if (rc)
		return rc;
	return finish_input(in, raw, raw_len, max_len, err);
}

int mt_input_from_memory(mt_input *in, const char *path, const uint8_t *data, size_t len,
	uint64_t max_len, mt_error *err)
{
	memset(in, 0, sizeof *in);
	in->path = path;
	if (!max_len)
		max_len = MT_DEFAULT_MAX_INPUT;
	if (len > max_len)
		return mt_error_set(err, MT_ELIMIT, MT_NO_OFFSET, "input larger than the limit");
	uint8_t *raw = malloc(len ? len : 1);
	if (!raw)
		return mt_error_set(err, MT_ENOMEM, MT_NO_OFFSET, "out of memory");
	if (len)
		memcpy(raw, data, len);
	return finish_input(in, raw, len, max_len, err);
}

void mt_input_free(mt_input *in)
{
	if (!in)
		return;
	if (in->mapped)
		munmap(in->data, in->len);
	else
		free(in->data);
	in->mapped = 0;
	in->data = NULL;
	in->len = 0;
}

/* ---- sinks ---- */

int mt_sink_write(mt_sink *s, const void *buf, size_t n)
{
	if (s->failed)
		return s->failed;
	if (n == 0)
		return 0;
	int rc = s->write(s->ctx, buf, n);
	if (rc)
		s->failed = rc;
	return rc;
}

int mt_sink_puts(mt_sink *s, const char *str)
{
	return mt_sink_write(s, str, strlen(str));
}

int mt_sink_printf(mt_sink *s, const char *fmt, ...)
{
	char small[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0)
		return s->failed = MT_EINVAL;
	if ((size_t)n < sizeof small)
		return mt_sink_write(s, small, (size_t)n);
	char *big = malloc((size_t)n + 1);
	if (!big)
		return s->failed = MT_ENOMEM;
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	int rc = mt_sink_write(s, big, (size_t)n);
	free(big);
	return rc;
}

static int membuf_write(void *ctx, const void *buf, size_t n)
{
	mt_membuf *b = ctx;
	if (b->len + n < b->len)
		return MT_ENOMEM;
	if (mt_grow(&b->data, &b->cap, b->len + n + 1, 1))
		return MT_ENOMEM;
	memcpy(b->data + b->len, buf, n);
	b->len += n;
	b->data[b->len] = 0;
	return 0;
}

mt_sink mt_sink_membuf(mt_membuf *b)
{
	mt_sink s = { membuf_write, b, 0 };
	return s;
}

void mt_membuf_free(mt_membuf *b)
{
	if (!b)
		return;
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

static int stdio_write(void *ctx, const void *buf, size_t n)
{
	return fwrite(buf, 1, n, (FILE *)ctx) == n ? 0 : MT_EIO;
}

mt_sink mt_sink_stdio(FILE *f)
{
	mt_sink s = { stdio_write, f, 0 };
	return s;
}

/* ---- atomic output files ---- */

int mt_outfile_open(mt_outfile *o, const char *path, mt_error *err)
{
	memset(o, 0, sizeof *o);
	o->path = path;
	if (strcmp(path, "-") == 0) {
		o->is_stdout = 1;
		o->f = stdout;
		o->sink = mt_sink_stdio(stdout);
		return 0;
	}
	/*
	 * A target that exists and is not a regular file (/dev/null, a FIFO, a
	 * terminal) is written directly: renaming a temporary file over it
	 * would replace the device with a file.
	 */
	struct stat st;
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		if (S_ISDIR(st.st_mode))
			return mt_error_set(err, MT_EIO, MT_NO_OFFSET, "expected a file to write, found a directory");
		o->f = fopen(path, "wb");
		if (!o->f)
			return mt_error_set(err, MT_EIO, MT_NO_OFFSET, "cannot open for writing: %s", strerror(errno));
		o->direct = 1;
		o->sink = mt_sink_stdio(o->f);
		return 0;
	}
	size_t n = strlen(path) + 32;
	o->tmp_path = malloc(n);
	if (!o->tmp_path)
		return mt_error_set(err, MT_ENOMEM, MT_NO_OFFSET, "out of memory");
	/* same directory, so rename() is atomic */
	const char *slash = strrchr(path, '/');
	int dirlen = slash ? (int)(slash - path + 1) : 0;
	snprintf(o->tmp_path, n, "%.*s.%s.tmpXXXXXX", dirlen, path, slash ? slash + 1 : path);
	int fd = mkstemp(o->tmp_path);
	if (fd < 0) {
		int e = errno;
		free(o->tmp_path);
		o->tmp_path = NULL;
		return mt_error_set(err, MT_EIO, MT_NO_OFFSET, "cannot create a temporary file beside it: %s",
			strerror(e));
	}
	fchmod(fd, 0644);
	o->f = fdopen(fd, "wb");
	if (!o->f) {
		close(fd);
		unlink(o->tmp_path);
		free(o->tmp_path);
		o->tmp_path = NULL;
		return mt_error_set(err, MT_EIO, MT_NO_OFFSET, "cannot open the temporary file");
	}
	o->sink = mt_sink_stdio(o->f);
	return 0;
}

int mt_outfile_commit(mt_outfile *o, mt_error *err)
{
	int failed = o->sink.failed;
	if (o->is_stdout) {
		if (fflush(stdout) != 0 || ferror(stdout) || failed)
			return mt_error_set(err, MT_EIO, MT_NO_OFFSET, "cannot write to standard output: %s",
				strerror(errno));
		return 0;
	}
	if (o->direct) {
		int bad = failed || fflush(o->f) != 0 || ferror(o->f);
		int e = errno;
		if (fclose(o->f) != 0)
			bad = 1;
		o->f = NULL;
		if (bad)
			return mt_error_set(err, MT_EIO, MT_NO_OFFSET, "cannot write: %s", strerror(e));
		return 0;
	}
	int bad = failed || fflush(o->f) != 0 || ferror(o->f) || fsync(fileno(o->f)) != 0;
	int e = errno;
	if (fclose(o->f) != 0)
		bad = 1;
	o->f = NULL;
	if (bad || rename(o->tmp_path, o->path) != 0) {
		if (!bad)
			e = errno;
		unlink(o->tmp_path);
		free(o->tmp_path);
		o->tmp_path = NULL;
		return mt_error_set(err, MT_EIO, MT_NO_OFFSET, "cannot write: %s", strerror(e));
	}
	free(o->tmp_path);
	o->tmp_path = NULL;
	return 0;
}

void mt_outfile_abort(mt_outfile *o)
{
	if (o->is_stdout) {
		fflush(stdout);
		return;
	}
	if (o->f)
		fclose(o->f);
	o->f = NULL;
	if (o->tmp_path) {
		unlink(o->tmp_path);
		free(o->tmp_path);
		o->tmp_path = NULL;
	}
}
