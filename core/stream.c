/*
 * core/stream.c - chunked input with on-the-fly gunzip, and a line reader.
 *
 * Used by readers that must not hold a whole dump in memory. gzip is
 * recognised by its magic (RFC 1952); multi-member files are inflated
 * member after member; a stream that ends inside a member is MT_ETRUNC.
 * A gzip file of 1 MB or more is inflated on a second thread into a ring
 * of four 1 MB slots while the reader parses: the same bytes and the same
 * errors (the truncation message, which counts the bytes handed out, is
 * written when the reader gets there); on corrupt data the thread holds
 * back the output of the failing inflate call, so the error never comes
 * later than on one thread.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "memtracer/io.h"
#include "mt_internal.h"

#define RAW_CHUNK ((size_t)1 << 20)
#define PEEK_MAX ((size_t)64 << 10)
#define ZSLOT ((size_t)1 << 20)   /* inflated bytes per slot of the inflating thread's ring */
#define NZSLOTS 4

/* a gzip file of this many (compressed) bytes is inflated on a second thread (tests change it) */
size_t mt_stream__inflate_thread_min = (size_t)1 << 20;

/* what the inflating thread hands over: bytes, or the end (EOF or an error) */
typedef struct zslot {
	uint8_t *data;
	size_t len;
	int end;                 /* no bytes: the end of the input (code 0) or an error */
	int code;
	mt_error err;            /* the error, as one thread would have set it */
	int trunc;               /* the input ended inside a member, at compressed offset trunc_off */
	uint64_t trunc_off;
} zslot;

struct mt_stream {
	int fd, owns_fd;
	int positional;          /* reads with pread() from pos_off up to pos_end (mt_stream__open_at) */
	uint64_t pos_off, pos_end;
	int gzip, raw_eof, z_done;
	z_stream zs;
	uint8_t *raw;            /* compressed input buffer (gzip) or raw read-ahead */
	size_t raw_len, raw_pos; /* valid bytes / consumed */
	uint64_t raw_off;        /* file offset of raw[0] */
	uint8_t *peek;           /* inflated read-ahead */
	size_t peek_len, peek_pos;
	uint64_t off;            /* inflated bytes handed out */

	/* gzip inflated on a second thread: it alone touches raw and zs then */
	int threaded;
	pthread_t thr;
	pthread_mutex_t mu;      /* nfull, wr, rd and stop, signalled on cv (both ways) */
	pthread_cond_t cv;
	int stop;
	zslot slot[NZSLOTS];
	unsigned rd, wr, nfull;  /* ring: slot[rd] is the next to hand out */
	size_t slot_pos;         /* bytes of slot[rd] handed out */
};

/*
 * read(2), or pread(2) at the stream's own position for a positional
 * stream, again after a signal: 0 with the count in *@n (0 marks the end
 * of the input), or MT_EIO.
 */
static int raw_read(mt_stream *s, uint8_t *buf, size_t cap, size_t *n, mt_error *err)
{
	if (s->positional) {   /* never past its end */
		uint64_t left = s->pos_off < s->pos_end ? s->pos_end - s->pos_off : 0;
		if (cap > left)
			cap = (size_t)left;
	}
	for (;;) {
		ssize_t k = !cap ? 0 : s->positional ? pread(s->fd, buf, cap, (off_t)s->pos_off) : read(s->fd, buf, cap);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return mt_error_set(err, MT_EIO, MT_NO_OFFSET, "cannot read: %s", strerror(errno));
		if (s->positional)
			s->pos_off += (uint64_t)k;
		if (k == 0)
			s->raw_eof = 1;
		*n = (size_t)k;
		return 0;
	}
}

static int fill_raw(mt_stream *s, mt_error *err)
{
	if (s->raw_pos < s->raw_len || s->raw_eof)
		return 0;
	s->raw_off += s->raw_len;
	s->raw_len = s->raw_pos = 0;
	return raw_read(s, s->raw, RAW_CHUNK, &s->raw_len, err);
}

/* A plain file is read straight into a caller's buffer this big once the
 * read-ahead chunk is used up (no second copy). */
#define DIRECT_MIN ((size_t)64 << 10)

/*
 * Inflated (or raw) bytes into buf. When @trunc_off is given (the
 * inflating thread), an input that ends inside a member sets it and
 * returns MT_ETRUNC without a message: the message counts the bytes handed
 * out, which the reading side writes when it gets there.
 */
static int pull_direct(mt_stream *s, uint8_t *buf, size_t cap, size_t *got, mt_error *err, uint64_t *trunc_off)
{
	*got = 0;
	if (!s->gzip && !s->raw_eof && s->raw_pos == s->raw_len && cap >= DIRECT_MIN) {
		int rc = raw_read(s, buf, cap, got, err);
		if (!rc) {
			s->raw_off += s->raw_len + *got;
			s->raw_len = s->raw_pos = 0;
		}
		return rc;
	}
	while (*got == 0) {
		int rc = fill_raw(s, err);
		if (rc)
			return rc;
		if (!s->gzip) {
			size_t n = s->raw_len - s->raw_pos;
			if (n == 0)
				return 0; /* EOF */
			if (n > cap)
				n = cap;
			memcpy(buf, s->raw + s->raw_pos, n);
			s->raw_pos += n;
			*got = n;
			return 0;
		}
		if (s->z_done) {
			/* between members: skip zero padding, expect another member or EOF */
			while (s->raw_pos < s->raw_len && s->raw[s->raw_pos] == 0)
				s->raw_pos++;
			if (s->raw_pos == s->raw_len) {
				if (s->raw_eof)
					return 0;
				continue;
			}
			if (s->raw[s->raw_pos] != 0x1f && err && !err->code)
				err->doing = "inflating gzip";
			if (s->raw[s->raw_pos] != 0x1f)
				return mt_error_set(err, MT_EFORMAT, s->raw_off + s->raw_pos,
					"expected another gzip member or the end of the file, found byte 0x%02x (compressed offset)",
					s->raw[s->raw_pos]);
			inflateReset(&s->zs);
			s->z_done = 0;
		}
		if (s->raw_pos == s->raw_len && s->raw_eof && err && !err->code)
			err->doing = "inflating gzip";
		if (s->raw_pos == s->raw_len && s->raw_eof && trunc_off) {
			*trunc_off = s->raw_off + s->raw_len;
			return MT_ETRUNC;
		}
		if (s->raw_pos == s->raw_len && s->raw_eof)
			return mt_error_set(err, MT_ETRUNC, s->raw_off + s->raw_len,
				"expected more gzip data, found the end of the file (compressed offset; %llu bytes inflated)",
				(unsigned long long)(s->off + s->peek_len - s->peek_pos));
		s->zs.next_in = s->raw + s->raw_pos;
		s->zs.avail_in = (uInt)(s->raw_len - s->raw_pos);
		s->zs.next_out = buf;
		s->zs.avail_out = (uInt)(cap > UINT32_MAX ? UINT32_MAX : cap);
		int z = inflate(&s->zs, Z_NO_FLUSH);
		s->raw_pos = s->raw_len - s->zs.avail_in;
		*got = (size_t)((cap > UINT32_MAX ? UINT32_MAX : cap) - s->zs.avail_out);
		if (z == Z_STREAM_END)
			s->z_done = 1;
		else if (z != Z_OK && !(z == Z_BUF_ERROR && s->zs.avail_in == 0) && err && !err->code)
			err->doing = "inflating gzip";
		if (z != Z_OK && z != Z_STREAM_END && !(z == Z_BUF_ERROR && s->zs.avail_in == 0))
			return mt_error_set(err, z == Z_MEM_ERROR ? MT_ENOMEM : MT_EFORMAT, s->raw_off + s->raw_pos,
				"expected valid gzip data, found corruption (compressed offset): %s",
				s->zs.msg ? s->zs.msg : "inflate failed");
	}
	return 0;
}

static void *inflater(void *arg)
{
	mt_stream *s = arg;
	for (int end = 0; !end;) {
		pthread_mutex_lock(&s->mu);
		while (s->nfull == NZSLOTS && !s->stop)
			pthread_cond_wait(&s->cv, &s->mu);
		int stop = s->stop;
		pthread_mutex_unlock(&s->mu);
		if (stop)
			break;
		zslot *sl = &s->slot[s->wr];
		size_t got = 0;
		sl->err = (mt_error)MT_ERROR_INIT;
		sl->len = 0;
		sl->trunc = 0;
		sl->code = pull_direct(s, sl->data, ZSLOT, &got, &sl->err, &sl->trunc_off);
		if (sl->code == MT_ETRUNC && !sl->err.code)
			sl->trunc = 1;
		sl->len = sl->code ? 0 : got;
		end = sl->end = sl->code || !got;
		pthread_mutex_lock(&s->mu);
		s->wr = (s->wr + 1) % NZSLOTS;
		s->nfull++;
		pthread_cond_broadcast(&s->cv);
		pthread_mutex_unlock(&s->mu);
	}
	return NULL;
}

/* the next bytes from the inflating thread's ring, or its end, as one thread would have given them */
static int pull_threaded(mt_stream *s, uint8_t *buf, size_t cap, size_t *got, mt_error *err)
{
	*got = 0;
	pthread_mutex_lock(&s->mu);
	while (!s->nfull)
		pthread_cond_wait(&s->cv, &s->mu);
	pthread_mutex_unlock(&s->mu);
	zslot *sl = &s->slot[s->rd];
	if (!sl->end) {
		size_t n = sl->len - s->slot_pos < cap ? sl->len - s->slot_pos : cap;
		memcpy(buf, sl->data + s->slot_pos, n);
		s->slot_pos += n;
		*got = n;
		if (s->slot_pos == sl->len) {
			s->slot_pos = 0;
			pthread_mutex_lock(&s->mu);
			s->rd = (s->rd + 1) % NZSLOTS;
			s->nfull--;
			pthread_cond_broadcast(&s->cv);
			pthread_mutex_unlock(&s->mu);
		}
		return 0;
	}
	if (!sl->code)
		return 0; /* EOF (the slot stays: every later call says so too) */
	if (err && !err->code && (sl->trunc || sl->err.doing))
		err->doing = "inflating gzip";
	if (sl->trunc)
		return mt_error_set(err, MT_ETRUNC, sl->trunc_off,
			"expected more gzip data, found the end of the file (compressed offset; %llu bytes inflated)",
			(unsigned long long)(s->off + s->peek_len - s->peek_pos));
	return mt_error_set(err, sl->code, sl->err.offset, "%s", sl->err.msg);
}

static int pull(mt_stream *s, uint8_t *buf, size_t cap, size_t *got, mt_error *err)
{
	if (s->threaded)
		return pull_threaded(s, buf, cap, got, err);
	return pull_direct(s, buf, cap, got, err, NULL);
}

/* large gzip files: the inflating thread and its ring (nothing happens when it cannot start) */
static void start_inflater(mt_stream *s)
{
	struct stat st;
	if (fstat(s->fd, &st) != 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size < mt_stream__inflate_thread_min)
		return;
	for (int i = 0; i < NZSLOTS; i++)
		if (!(s->slot[i].data = malloc(ZSLOT)))
			goto fail;
	if (pthread_mutex_init(&s->mu, NULL))
		goto fail;
	if (pthread_cond_init(&s->cv, NULL)) {
		pthread_mutex_destroy(&s->mu);
		goto fail;
	}
	if (pthread_create(&s->thr, NULL, inflater, s)) {
		pthread_cond_destroy(&s->cv);
		pthread_mutex_destroy(&s->mu);
		goto fail;
	}
	s->threaded = 1;
	return;
fail:
	for (int i = 0; i < NZSLOTS; i++) {
		free(s->slot[i].data);
		s->slot[i].data = NULL;
	}
}

int mt_stream_open(mt_stream **out, const char *path, mt_error *err)
{
	*out = NULL;
	mt_stream *s = calloc(1, sizeof *s);
	if (!s)
		return mt_error_set(err, MT_ENOMEM, MT_NO_OFFSET, "out of memory");
	s->fd = -1;
	if (!strcmp(path, "-")) {
		s->fd = STDIN_FILENO;
	} else {
		s->fd = open(path, O_RDONLY | O_CLOEXEC);
		if (s->fd < 0) {
			int e = errno;
			free(s);
			return mt_error_set(err, MT_EIO, MT_NO_OFFSET, "cannot open: %s", strerror(e));
		}
		s->owns_fd = 1;
		struct stat st;
		if (fstat(s->fd, &st) == 0 && S_ISDIR(st.st_mode)) {
			mt_stream_close(s);
			return mt_error_set(err, MT_EIO, MT_NO_OFFSET, "expected a file, found a directory");
		}
	}
	s->raw = malloc(RAW_CHUNK);
	s->peek = malloc(PEEK_MAX);
	if (!s->raw || !s->peek) {
		mt_stream_close(s);
		return mt_error_set(err, MT_ENOMEM, MT_NO_OFFSET, "out of memory");
	}
	int rc = fill_raw(s, err);
	if (rc) {
		mt_stream_close(s);
		return rc;
	}
	if (mt_is_gzip(s->raw, s->raw_len)) {
		if (inflateInit2(&s->zs, 16 + MAX_WBITS) != Z_OK) {
			mt_stream_close(s);
			return mt_error_set(err, MT_ENOMEM, MT_NO_OFFSET, "cannot initialise zlib");
		}
		s->gzip = 1;
		start_inflater(s);
	}
	/* read ahead for peeking */
	while (s->peek_len < PEEK_MAX) {
		size_t got;
		if ((rc = pull(s, s->peek + s->peek_len, PEEK_MAX - s->peek_len, &got, err))) {
			mt_stream_close(s);
			return rc;
		}
		if (got == 0)
			break;
		s->peek_len += got;
	}
	*out = s;
	return 0;
}

int mt_stream_peek(mt_stream *s, const uint8_t **data, size_t *len, mt_error *err)
{
	(void)err;
	*data = s->peek + s->peek_pos;
	*len = s->peek_len - s->peek_pos;
	return 0;
}

int mt_stream_read(mt_stream *s, uint8_t *buf, size_t cap, size_t *got, mt_error *err)
{
	*got = 0;
	if (s->peek_pos < s->peek_len) {
		size_t n = s->peek_len - s->peek_pos;
		if (n > cap)
			n = cap;
		memcpy(buf, s->peek + s->peek_pos, n);
		s->peek_pos += n;
		s->off += n;
		*got = n;
		return 0;
	}
	int rc = pull(s, buf, cap, got, err);
	s->off += *got;
	return rc;
}

uint64_t mt_stream_offset(const mt_stream *s)
{
	return s->off;
}

int mt_stream_is_gzip(const mt_stream *s)
{
	return s->gzip;
}

int mt_stream__inflating_thread(const mt_stream *s)
{
	return s->threaded;
}

int mt_stream__plain_fd(const mt_stream *s, uint64_t *size)
{
	struct stat st;
	if (!s->owns_fd || s->gzip || s->positional || fstat(s->fd, &st) != 0 || !S_ISREG(st.st_mode))
		return -1;
	*size = (uint64_t)st.st_size;
	return s->fd;
}

int mt_stream__seek(mt_stream *s, uint64_t off, mt_error *err)
{
	if (s->gzip || (!s->positional && lseek(s->fd, (off_t)off, SEEK_SET) < 0))
		return mt_error_set(err, MT_EIO, off, "cannot seek: %s", s->gzip ? "compressed input" : strerror(errno));
	s->pos_off = off;
	s->peek_pos = s->peek_len;
	s->raw_len = s->raw_pos = 0;
	s->raw_off = off;
	s->raw_eof = 0;
	s->off = off;
	return 0;
}

int mt_stream__open_at(mt_stream **out, int fd, uint64_t off, uint64_t end, mt_error *err)
{
	*out = NULL;
	mt_stream *s = calloc(1, sizeof *s);
	if (!s || !(s->raw = malloc(RAW_CHUNK))) {
		free(s);
		return mt_error_set(err, MT_ENOMEM, MT_NO_OFFSET, "out of memory");
	}
	s->fd = fd;
	s->positional = 1;
	s->pos_off = s->raw_off = s->off = off;
	s->pos_end = end;
	*out = s;
	return 0;
}

void mt_stream_close(mt_stream *s)
{
	if (!s)
		return;
	if (s->threaded) {
		pthread_mutex_lock(&s->mu);
		s->stop = 1;
		pthread_cond_broadcast(&s->cv);
		pthread_mutex_unlock(&s->mu);
		pthread_join(s->thr, NULL);
		pthread_cond_destroy(&s->cv);
		pthread_mutex_destroy(&s->mu);
		for (int i = 0; i < NZSLOTS; i++)
			free(s->slot[i].data);
	}
	if (s->gzip)
		inflateEnd(&s->zs);
	if (s->owns_fd && s->fd >= 0)
		close(s->fd);
	free(s->raw);
	free(s->peek);
	free(s);
}

/* ---- lines ---- */

int mt_lines_init(mt_lines *l, mt_stream *s, size_t max_line)
{
	memset(l, 0, sizeof *l);
	l->s = s;
	l->max_line = max_line ? max_line : ((size_t)1 << 20);
	l->cap = (size_t)1 << 20;
	if (l->cap < l->max_line + 2)
		l->cap = l->max_line + 2;
	l->buf = malloc(l->cap);
	return l->buf ? 0 : MT_ENOMEM;
}

int mt_lines_next(mt_lines *l, const char **line, size_t *len, uint64_t *off, mt_error *err)
{
	for (;;) {
		uint8_t *nl = l->end > l->start ? memchr(l->buf + l->start, '\n', l->end - l->start) : NULL;
		if (nl || (l->eof && l->end > l->start)) {
			size_t n = nl ? (size_t)(nl - (l->buf + l->start)) : l->end - l->start;
			if (n > l->max_line)
				return mt_error_set(err, MT_ELIMIT, l->buf_off + l->start,
					"expected lines of at most %zu bytes, found a longer one", l->max_line);
			*line = (const char *)l->buf + l->start;
			*off = l->buf_off + l->start;
			l->start += n + (nl ? 1 : 0);
			if (n && (*line)[n - 1] == '\r')
				n--;
			*len = n;
			return 1;
		}
		if (l->eof)
			return 0;
		if (l->end - l->start > l->max_line)
			return mt_error_set(err, MT_ELIMIT, l->buf_off + l->start,
				"expected lines of at most %zu bytes, found a longer one", l->max_line);
		/* compact and refill */
		if (l->start) {
			memmove(l->buf, l->buf + l->start, l->end - l->start);
			l->buf_off += l->start;
			l->end -= l->start;
			l->start = 0;
		}
		size_t got;
		int rc = mt_stream_read(l->s, l->buf + l->end, l->cap - l->end, &got, err);
		if (rc)
			return rc;
		if (got == 0)
			l->eof = 1;
		l->end += got;
	}
}

void mt_lines_free(mt_lines *l)
{
	free(l->buf);
	l->buf = NULL;
}

int mt_input_from_stream(mt_input *in, const char *path, mt_stream *s, uint64_t max_len, mt_error *err)
{
	memset(in, 0, sizeof *in);
	in->path = path;
	in->was_gzip = s->gzip;
	if (!max_len)
		max_len = MT_DEFAULT_MAX_INPUT;
	size_t cap = s->peek_len - s->peek_pos + 65536, len = 0;
	uint8_t *buf = malloc(cap);
	if (!buf)
		return mt_error_set(err, MT_ENOMEM, MT_NO_OFFSET, "out of memory reading input");
	for (;;) {
		if (len == cap && mt_grow(&buf, &cap, len + 1, 1)) {
			free(buf);
			return mt_error_set(err, MT_ENOMEM, MT_NO_OFFSET, "out of memory reading input");
		}
		size_t got;
		int rc = mt_stream_read(s, buf + len, cap - len, &got, err);
		if (rc) {
			free(buf);
			return rc;
		}
		if (got == 0)
			break;
		len += got;
		if (len > max_len) {
			free(buf);
			return mt_error_set(err, MT_ELIMIT, MT_NO_OFFSET,
				"expected an input of at most %llu bytes, found more", (unsigned long long)max_len);
		}
	}
	in->data = buf;
	in->len = len;
	in->raw_len = (size_t)(s->raw_off + s->raw_len);
	return 0;
}
