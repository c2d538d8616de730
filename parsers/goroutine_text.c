/*
 * parsers/goroutine_text.c - Go goroutine dumps in: mt_gr_sniff_text(),
 * mt_read_goroutines_text() and mt_goroutines_load().
 *
 * Formats, as the Go runtime writes them (runtime/traceback.go,
 * runtime/pprof/pprof.go; read from real dumps of Go 1.15-1.23):
 *
 * - `?debug=2`, runtime.Stack(all) and crash/SIGQUIT tracebacks: records
 *
 *       goroutine 7 [chan receive, 3 minutes, locked to thread]:
 *       main.(*T).wait(0xc000010000, {0x4a, 0x1}, ...)
 *       	/src/main.go:42 +0x1d fp=0xc0000 sp=0xc0000 pc=0x4a1b2c
 *       ...additional frames elided...
 *       created by main.main in goroutine 1
 *       	/src/main.go:17 +0x6b
 *       [originating from goroutine 1]:
 *       main.main(...)
 *       	/src/main.go:16 +0x13
 *
 *   separated by blank lines. The header may carry `gp=0x.. m=.. mp=..`
 *   before the bracket (Go 1.23+ with GOTRACEBACK=system/crash); the wait
 *   ("N minutes") and "locked to thread" come after the state. Function
 *   lines lose their argument list, file lines their `+0x..` offset and
 *   `fp= sp= pc=` annotations. Ancestor sections (GODEBUG=
 *   tracebackancestors) are validated and skipped: their frames are not the
 *   goroutine's stack. `\tgoroutine running on other thread; stack
 *   unavailable` gives a goroutine without frames; cgo frames without a Go
 *   name (`non-Go function` + `\tpc=0x..`, or `cfunc` + `\tfile.c:12 pc=0x..`)
 *   are read as frames.
 *   Text outside records is skipped: the preamble of a crash (`panic: ..`,
 *   `fatal error: ..`, `SIGQUIT: quit`, `PC=.. m=0 sigcode=0`), `runtime
 *   stack:` sections, the register dump at the end (`rax    0xca`), and
 *   `exit status 2` / `FAIL ..` trailers. Other text between records after
 *   the first one is counted and reported in one warning (an error with
 *   opts->strict); a frame line outside any record is an error.
 *
 * - `?debug=1`: `goroutine profile: total N`, then groups
 *
 *       25 @ 0x439a16 0x4497dc 0x6a389e 0x469861
 *       # labels: {"k":"v", "k2":"v\"2"}
 *       #	0x6a389d	main.(*hub).subscribe.func1+0x7d	/src/main.go:111
 *
 *   separated by blank lines; the count becomes mt_gr_one.count and the
 *   label map (keys and values quoted with Go's strconv.Quote) the labels.
 *
 * Frames are normalised to what Go's default traceback prints, so that the
 * same moment read from pprof, debug=1 and debug=2 gives the same buckets:
 * runtime.goexit is dropped, and unexported runtime.* functions are dropped
 * from every stack that has another frame (debug=1 and pprof show
 * runtime.gopark, runtime.main... that debug=2 hides; crash tracebacks show
 * them too). Stacks made only of runtime frames are kept as they are.
 *
 * States: debug=2 and tracebacks state them. debug=1 hides the runtime
 * frames that name the wait (runtime.chanrecv2, runtime.selectgo), so its
 * states are inferred: mt_gr_infer_state() on the printed frames
 * (internal/poll.runtime_pollWait, sync.runtime_Semacquire, time.Sleep and
 * all-runtime stacks are named there), else from the number of leading
 * program counters of the `@` line that have no printed frame (the hidden
 * runtime frames): 2 is a select (runtime.selectgo -> gopark), 3 or more a
 * channel operation, reported as "chan receive" (chanrecv1/2 -> chanrecv ->
 * gopark; a blocked send, chansend1 -> chansend -> gopark, looks the same
 * without symbols). Buckets of debug=1 and pprof have state_inferred = 1.
 *
 * Truncation: a dump that ends inside a record (Go cuts ?debug=2 at 64 MiB
 * in the middle of a line) is returned with ->truncated set and the offset
 * of the end. The goroutine being read is counted only when its own part
 * (header, every frame pair, `created by` pair) is complete, as
 * DataDog/gostackparse drops partial goroutines (its partial_* fixtures);
 * an unfinished ancestor section does not drop it. A last line without a
 * newline that does not parse is the cut, not garbage; one that parses
 * still marks the result truncated (Go ends every line: `:30` may be the
 * cut `:3070`). A partial record followed by more input (a blank line where
 * a file line belongs) is malformed, not truncated. In debug=1, a group at
 * the end without its closing blank line counts only if its last line has
 * a newline, its frames have begun and the header's total then adds up;
 * groups summing to less than the total mark the result truncated.
 *
 * Errors are MT_EFORMAT at the offset of the line that fits no grammar,
 * "expected X, found \"the line\"" (40 bytes at most, escaped); lines over
 * 1 MiB and goroutines over 100000 frames are MT_ELIMIT; err->doing is
 * "reading goroutine dump".
 *
 * Speed: lines come from mt_lines (memchr); strings are interned through
 * two caches in front of the string table (the id at the same depth in the
 * previous record, then a direct-mapped table keyed by a hash of the
 * bytes), so recurring stacks cost a memcmp per string; nothing is
 * allocated per line. Only the current record is held.
 */
#define _GNU_SOURCE  /* memrchr */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memtracer/goroutine.h"
#include "mt_internal.h"

/* Safety limits (MT_ELIMIT past them). */
#define GR_MAX_LINE ((size_t)1 << 20)   /* bytes per line */
#define GR_MAX_FRAMES 100000u           /* frames per goroutine (Go prints at most 100) */
#define GR_MAX_STATE 128                /* bytes of a state (Go's wait reasons are < 40) */
#define GR_MAX_LABELS 4096u             /* labels of a debug=1 group */
#define GR_MAX_TOTAL ((uint64_t)INT64_MAX)

#define GR_HCACHE 4096u                 /* entries of the string cache (power of two) */

#define GR_CUT 1   /* internal: the unterminated last line does not parse */

enum gr_state {
	S_OUTSIDE,        /* between records */
	S_SKIP,           /* inside a `runtime stack:` section, until a blank line */
	S_FUNC,           /* in a record: a function line (or created by, elided, end) */
	S_FILE,           /* the file line of the frame just read */
	S_CFILE,          /* the file line of `created by` */
	S_AFTER_CREATED,  /* after the created-by pair: end or ancestors */
	S_ANC_FUNC,       /* in an ancestor section */
	S_ANC_FILE,
	S_ANC_CFILE,
	S_GROUP,          /* debug=1: inside a group */
};

typedef struct gr_rd {
	mt_lines lines;
	mt_gr_builder *b;
	mt_strtab *st;
	mt_error *err;
	const mt_read_opts *o;
	int debug1;
	enum gr_state state;

	/* the line being handled */
	const char *line;
	size_t len;
	uint64_t off;
	int unterminated;     /* the last line of the input, without a newline */
	int cut;              /* that line did not parse: the input was cut inside it */

	/* the current record */
	uint64_t id;
	mt_str_id state_id;
	int64_t wait;
	int locked, elided, unavailable;
	mt_gr_frame *fr;
	size_t fr_cap;
	uint32_t nfr;
	uint32_t nanc;        /* ancestor frames read (validated, not kept) */
	mt_gr_frame created_by;
	uint64_t rec_off;     /* offset of the header */
	int have_record;      /* some record was started */
	int pending;          /* a C frame's name line (no parentheses) waits for its file line */
	uint64_t pend_off;
	char pend_quote[128];

	/* per-depth cache of the previous record's string ids */
	mt_str_id *cache_func, *cache_file;
	size_t cache_cap;
	mt_str_id cache_state, cache_cfunc, cache_cfile;
	mt_str_id hcache[GR_HCACHE];  /* by quick_hash() of the bytes */

	/* debug=1 */
	uint64_t d1_total, d1_sum, count;
	int d1_labels_seen;
	uint64_t *pcs;
	size_t pcs_cap, npcs;
	uint64_t first_pc;
	int have_first_pc;
	mt_gr_label *lab;
	size_t lab_cap;
	uint32_t nlab;
	char *sbuf;           /* unquoting scratch */
	size_t sbuf_cap, sbuf_len;

	/* text skipped between records */
	uint64_t skipped, first_skip_off;
	uint64_t goroutines;  /* records/groups handed to the builder */
} gr_rd;

/* ---- small helpers ---- */

static int has_prefix(const char *s, size_t n, const char *pre)
{
	size_t k = strlen(pre);
	return n >= k && memcmp(s, pre, k) == 0;
}

static int has_suffix(const char *s, size_t n, const char *suf)
{
	size_t k = strlen(suf);
	return n >= k && memcmp(s + n - k, suf, k) == 0;
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decimal digits [s, s+n) as a uint64; 0 when empty, not all digits or > @max. */
static int parse_u64(const char *s, size_t n, uint64_t max, uint64_t *out)
{
	if (n == 0)
		return 0;
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++) {
		if (!is_digit(s[i]))
			return 0;
		unsigned d = (unsigned)(s[i] - '0');
		if (v > (max - d) / 10)
			return 0;
		v = v * 10 + d;
	}
	*out = v;
	return 1;
}

/* "0x1f..." as a uint64; 0 when malformed. */
static int parse_hex(const char *s, size_t n, uint64_t *out)
{
	if (n < 3 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X') || n > 18)
		return 0;
	uint64_t v = 0;
	for (size_t i = 2; i < n; i++) {
		int h = hexval(s[i]);
		if (h < 0)
			return 0;
		v = v << 4 | (uint64_t)h;
	}
	*out = v;
	return 1;
}

/*
 * The line for a message: "\"main.main)(\"" (at most 40 bytes, escaped,
 * "..." after the quote when cut), or "an empty line".
 */
static const char *quote(char *buf, size_t cap, const char *s, size_t n)
{
	if (n == 0) {
		snprintf(buf, cap, "an empty line");
		return buf;
	}
	size_t k = 0, lim = n < 40 ? n : 40;
	buf[k++] = '"';
	for (size_t i = 0; i < lim && k + 8 < cap; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			buf[k++] = '\\';
			buf[k++] = (char)c;
		} else if (c == '\t') {
			buf[k++] = '\\';
			buf[k++] = 't';
		} else if (c < 0x20 || c >= 0x7f) {
			k += (size_t)snprintf(buf + k, cap - k, "\\x%02x", c);
		} else {
			buf[k++] = (char)c;
		}
	}
	buf[k++] = '"';
	if (n > lim && k + 4 < cap) {
		memcpy(buf + k, "...", 3);
		k += 3;
	}
	buf[k] = 0;
	return buf;
}

/* An error about the current line, or GR_CUT when it is the unterminated last line. */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static int bad(gr_rd *r, const char *fmt, ...)
{
	if (r->unterminated) {
		r->cut = 1;
		return GR_CUT;
	}
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return mt_error_set(r->err, MT_EFORMAT, r->off, "%s", msg);
}

static int fail_rc(gr_rd *r, int rc, uint64_t off)
{
	if (rc == MT_ENOMEM)
		return mt_error_set(r->err, rc, off, "out of memory");
	return mt_error_set(r->err, rc, off, "building goroutine buckets failed: %s", mt_code_name(rc));
}

/* A quick hash of a frame string (8 bytes at a time), for the string cache. */
static uint64_t quick_hash(const char *s, size_t n)
{
	uint64_t h = (uint64_t)n * 0x9e3779b97f4a7c15ULL, w;
	for (; n >= 8; s += 8, n -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	w = 0;
	memcpy(&w, s, n);
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
	return h ^ (h >> 29);
}

/*
 * Interns @s through two caches: the id seen at this position of the
 * previous record (@cache), then a direct-mapped table keyed by a hash of
 * the bytes; only misses of both reach the string table's JudyHS.
 */
static int intern_cached(gr_rd *r, mt_str_id *cache, const char *s, size_t n, mt_str_id *out)
{
	mt_str_id c = *cache;
	if (mt_strtab_len(r->st, c) == n && memcmp(mt_strtab_get(r->st, c), s, n) == 0) {
		*out = c;
		return 0;
	}
	mt_str_id *slot = &r->hcache[quick_hash(s, n) & (GR_HCACHE - 1)];
	c = *slot;
	if (mt_strtab_len(r->st, c) == n && memcmp(mt_strtab_get(r->st, c), s, n) == 0) {
		*out = *cache = c;
		return 0;
	}
	int rc = mt_strtab_intern(r->st, s, n, out);
	if (rc)
		return fail_rc(r, rc, r->off);
	*cache = *slot = *out;
	return 0;
}

static void warn(const mt_read_opts *o, const char *msg)
{
	if (o && o->warn)
		o->warn(o->warn_ctx, NULL, msg);
}

/* ---- frames ---- */

/* runtime.* functions Go's traceback hides (unexported ones; runtime.Goexit etc. are shown). */
static int hidden_runtime(const mt_strtab *st, mt_str_id id)
{
	const char *s = mt_strtab_get(st, id);
	size_t n = mt_strtab_len(st, id);
	return n > 8 && memcmp(s, "runtime.", 8) == 0 && !(s[8] >= 'A' && s[8] <= 'Z');
}

static int is_goexit(const mt_strtab *st, mt_str_id id)
{
	return mt_strtab_len(st, id) == 14 && memcmp(mt_strtab_get(st, id), "runtime.goexit", 14) == 0;
}

/*
 * Normalises a leaf-first stack in place (see the top of the file) and
 * returns its new length.
 */
static uint32_t normalize_frames(const mt_strtab *st, mt_gr_frame *f, uint32_t n)
{
	int other = 0;
	for (uint32_t i = 0; i < n && !other; i++)
		other = !hidden_runtime(st, f[i].func);
	uint32_t k = 0;
	for (uint32_t i = 0; i < n; i++) {
		if (other ? hidden_runtime(st, f[i].func) : is_goexit(st, f[i].func))
			continue;
		f[k++] = f[i];
	}
	return k;
}

/* Room for frame @d in the record and in the per-depth caches (zero-filled). */
static int ensure_depth(gr_rd *r, uint32_t d)
{
	if (d >= GR_MAX_FRAMES)
		return mt_error_set(r->err, MT_ELIMIT, r->off,
			"expected at most %u frames in a goroutine, found more in goroutine %llu",
			GR_MAX_FRAMES, (unsigned long long)r->id);
	if (mt_grow(&r->fr, &r->fr_cap, (size_t)d + 1, sizeof *r->fr))
		return mt_error_set(r->err, MT_ENOMEM, r->off, "out of memory");
	if (d >= r->cache_cap) {
		size_t nc = r->cache_cap ? r->cache_cap * 2 : 64;
		while (nc <= d)
			nc *= 2;
		mt_str_id *a = realloc(r->cache_func, nc * sizeof *a);
		if (!a)
			return mt_error_set(r->err, MT_ENOMEM, r->off, "out of memory");
		r->cache_func = a;
		mt_str_id *b = realloc(r->cache_file, nc * sizeof *b);
		if (!b)
			return mt_error_set(r->err, MT_ENOMEM, r->off, "out of memory");
		r->cache_file = b;
		memset(a + r->cache_cap, 0, (nc - r->cache_cap) * sizeof *a);
		memset(b + r->cache_cap, 0, (nc - r->cache_cap) * sizeof *b);
		r->cache_cap = nc;
	}
	return 0;
}

/*
 * A Go function line "pkg.f(args)": the name is what precedes the last
 * '(' (argument lists hold no parentheses: 0x.., {..}, ..., ?).
 * Returns the name length, 0 when the line is not one.
 */
static size_t func_line_name(const char *s, size_t n)
{
	if (n < 3 || s[n - 1] != ')' || s[0] == '\t' || s[0] == ' ')
		return 0;
	for (size_t i = n - 1; i-- > 0;)
		if (s[i] == '(')
			return i;
	return 0;
}

/* A cgo frame's name line: "non-Go function", or a C symbol (no blank, no parenthesis). */
static int c_func_line(const char *s, size_t n)
{
	if (n == 15 && !memcmp(s, "non-Go function", 15))
		return 1;
	if (n == 0 || n > 4096)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] == ' ' || s[i] == '\t' || s[i] == '(' || s[i] == ')' || s[i] == '[' || s[i] == ']' ||
		    s[i] == ':' || s[i] == '=')
			return 0;
	return 1;
}

/*
 * A file line "\t/path/file.go:123 +0x1d fp=.. sp=.. pc=..": sets the path
 * and line; *@has_pc tells whether a pc= annotation was there. A cgo frame
 * may have only "\tpc=0x..": path "" and line 0. Returns 1 when the line is
 * one.
 */
static int file_line(const char *s, size_t n, const char **path, size_t *plen, int64_t *line,
	int *has_pc)
{
	*has_pc = 0;
	if (n < 2 || s[0] != '\t')
		return 0;
	const char *b = s + 1, *e = s + n;
	for (;;) {
		const char *sp = memrchr(b, ' ', (size_t)(e - b));
		sp = sp ? sp + 1 : b;
		size_t tl = (size_t)(e - sp);
		if (tl < 4 || (memcmp(sp, "+0x", 3) && memcmp(sp, "fp=", 3) && memcmp(sp, "sp=", 3) &&
				      memcmp(sp, "pc=", 3)))
			break;
		*has_pc |= !memcmp(sp, "pc=", 3);
		e = sp;
		while (e > b && e[-1] == ' ')
			e--;
		if (e == b)
			break;
	}
	if (e == b) {
		if (!*has_pc)
			return 0;
		*path = b;
		*plen = 0;
		*line = 0;
		return 1;
	}
	const char *d = e;
	while (d > b && is_digit(d[-1]))
		d--;
	if (d == e || d - b < 2 || d[-1] != ':')
		return 0;
	uint64_t v;
	if (!parse_u64(d, (size_t)(e - d), (uint64_t)INT64_MAX, &v))
		return 0;
	*path = b;
	*plen = (size_t)(d - 1 - b);
	*line = (int64_t)v;
	return 1;
}

/* A line that must be a goroutine header: "goroutine " and a digit, or ending in "]:". */
static int header_candidate(const char *s, size_t n)
{
	return has_prefix(s, n, "goroutine ") && ((n > 10 && is_digit(s[10])) || has_suffix(s, n, "]:"));
}

/* "rax    0xca", "r15    0x7fb7899f7dd8", "rflags 0x286", "fault  0x0" */
static int register_line(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && ((s[i] >= 'a' && s[i] <= 'z') || is_digit(s[i])))
		i++;
	if (i == 0 || i > 8 || i >= n || s[i] != ' ')
		return 0;
	while (i < n && s[i] == ' ')
		i++;
	uint64_t v;
	return parse_hex(s + i, n - i, &v);
}

/* Lines a crash or a test run prints around a traceback: skipped without a warning. */
static int known_noise(const char *s, size_t n)
{
	static const char *const pre[] = { "SIGQUIT: ", "PC=", "-----", "signal arrived", "[signal ",
		"exit status ", "FAIL", "panic: ", "fatal error: ", "runtime: ", "ok  ", "*** ", NULL };
	for (int i = 0; pre[i]; i++)
		if (has_prefix(s, n, pre[i]))
			return 1;
	return register_line(s, n);
}

/* Ends a record without a blank line (what `go run` and `go test` print after a crash). */
static int trailer_line(const char *s, size_t n)
{
	return has_prefix(s, n, "exit status ") || has_prefix(s, n, "FAIL");
}

static int is_elided(const char *s, size_t n)
{
	static const char add[] = "...additional frames elided...";
	if (n == sizeof add - 1 && !memcmp(s, add, n))
		return 1;
	/* Go 1.21+: "...N frames elided..." in the middle of a long stack */
	if (n > 20 && has_prefix(s, n, "...") && has_suffix(s, n, " frames elided...")) {
		for (size_t i = 3; i < n - 17; i++)
			if (!is_digit(s[i]))
				return 0;
		return 1;
	}
	return 0;
}

static int is_ancestor_marker(const char *s, size_t n)
{
	if (!has_prefix(s, n, "[originating from goroutine ") || !has_suffix(s, n, "]:"))
		return 0;
	uint64_t v;
	return parse_u64(s + 28, n - 30, UINT64_MAX, &v);
}

static int is_unavailable(const char *s, size_t n)
{
	return has_prefix(s, n, "\tgoroutine ") && has_suffix(s, n, "stack unavailable");
}

/* ---- records (debug=2 and tracebacks) ---- */

static void reset_record(gr_rd *r)
{
	r->id = 0;
	r->state_id = 0;
	r->wait = -1;
	r->locked = r->elided = r->unavailable = 0;
	r->nfr = 0;
	r->nanc = 0;
	memset(&r->created_by, 0, sizeof r->created_by);
	r->pending = 0;
	r->nlab = 0;
}

static int emit(gr_rd *r, const char *state, size_t state_len, uint64_t count)
{
	uint32_t n = normalize_frames(r->st, r->fr, r->nfr);
	mt_gr_one one;
	memset(&one, 0, sizeof one);
	one.state = state;
	one.state_len = state_len;
	one.wait_minutes = r->wait;
	one.locked = r->locked;
	one.elided = r->elided;
	one.frames = r->fr;
	one.nframes = n;
	one.created_by = r->created_by;
	one.labels = r->lab;
	one.nlabels = r->nlab;
	one.id = r->id;
	one.count = count;
	int rc = mt_gr_builder_add(r->b, &one);
	if (rc)
		return fail_rc(r, rc, r->off);
	r->goroutines += count;
	return 0;
}

static int emit_record(gr_rd *r)
{
	r->state = S_OUTSIDE;
	return emit(r, mt_strtab_get(r->st, r->state_id), mt_strtab_len(r->st, r->state_id), 1);
}

/* "goroutine 12 [state, 3 minutes, locked to thread]:", also "goroutine 12 gp=.. m=.. mp=.. [..]:" */
static int parse_header(gr_rd *r)
{
	const char *s = r->line;
	size_t n = r->len;
	char q[200];
	size_t i = 10;
	while (i < n && is_digit(s[i]))
		i++;
	if (i == 10 || i >= n || s[i] != ' ')
		return bad(r, "expected a goroutine id after `goroutine `, found %s", quote(q, sizeof q, s, n));
	uint64_t id;
	if (!parse_u64(s + 10, i - 10, UINT64_MAX, &id))
		return bad(r, "expected a goroutine id below 2^64, found %s", quote(q, sizeof q, s, n));
	const char *lb = memchr(s + i, '[', n - i);
	if (!lb || n < 3 || !has_suffix(s, n, "]:") || lb >= s + n - 2)
		return bad(r, "expected a goroutine header `goroutine N [state]:`, found %s",
			quote(q, sizeof q, s, n));
	/* between the id and '[': "gp=0x.. m=.. mp=0x.." */
	for (const char *p = s + i + 1; p < lb; p++)
		if (*p == ']' || *p == '\t' || *p == ':')
			return bad(r, "expected a goroutine header `goroutine N [state]:`, found %s",
				quote(q, sizeof q, s, n));
	const char *c = lb + 1, *ce = s + n - 2;
	/* the state, up to the first ", " (wait reasons hold no comma) */
	const char *se = c;
	while (se < ce && !(se[0] == ',' && se + 1 < ce && se[1] == ' '))
		se++;
	if (se == c || memchr(c, ']', (size_t)(se - c)) || memchr(c, '[', (size_t)(se - c)))
		return bad(r, "expected a goroutine state in `[...]`, found %s", quote(q, sizeof q, s, n));
	if (se - c > GR_MAX_STATE)
		return bad(r, "expected a goroutine state of at most %d bytes, found %s", GR_MAX_STATE,
			quote(q, sizeof q, s, n));
	int64_t wait = -1;
	int locked = 0;
	for (const char *a = se; a < ce;) {
		const char *p = a + 2, *pe = p;
		while (pe < ce && !(pe[0] == ',' && pe + 1 < ce && pe[1] == ' '))
			pe++;
		size_t pl = (size_t)(pe - p);
		if (pl > 8 && has_suffix(p, pl, " minutes")) {
			uint64_t w;
			if (!parse_u64(p, pl - 8, (uint64_t)INT64_MAX, &w))
				return bad(r, "expected a wait of N minutes, found %s", quote(q, sizeof q, s, n));
			wait = (int64_t)w;
		} else if (pl == 16 && !memcmp(p, "locked to thread", 16)) {
			locked = 1;
		}
		/* other annotations (of future runtimes) do not change the bucket */
		a = pe;
	}
	reset_record(r);
	r->id = id;
	r->wait = wait;
	r->locked = locked;
	int rc = intern_cached(r, &r->cache_state, c, (size_t)(se - c), &r->state_id);
	if (rc)
		return rc;
	r->rec_off = r->off;
	r->have_record = 1;
	r->state = S_FUNC;
	return 0;
}

/* A function line of the stack (or of an ancestor section). Returns 1 when the line is none. */
static int frame_func(gr_rd *r, int ancestor)
{
	const char *s = r->line;
	size_t n = r->len;
	size_t nl = func_line_name(s, n);
	if (!nl) {
		if (!c_func_line(s, n))
			return 1;
		nl = n;
		r->pending = 1;
		r->pend_off = r->off;
		quote(r->pend_quote, sizeof r->pend_quote, s, n);
	}
	if (ancestor) {
		if (++r->nanc > GR_MAX_FRAMES)
			return mt_error_set(r->err, MT_ELIMIT, r->off,
				"expected at most %u ancestor frames, found more in goroutine %llu", GR_MAX_FRAMES,
				(unsigned long long)r->id);
		r->state = S_ANC_FILE;
		return 0;
	}
	uint32_t d = r->nfr;
	int rc = ensure_depth(r, d);
	if (rc)
		return rc;
	if ((rc = intern_cached(r, &r->cache_func[d], s, nl, &r->fr[d].func)))
		return rc;
	r->fr[d].file = 0;
	r->fr[d].line = 0;
	r->nfr++;
	r->state = S_FILE;
	return 0;
}

/* The file line of a frame; @f NULL for ancestor frames (checked, not kept). */
static int frame_file(gr_rd *r, mt_gr_frame *f, mt_str_id *cache)
{
	const char *path;
	size_t plen;
	int64_t line;
	int has_pc;
	char q[200];
	int ok = file_line(r->line, r->len, &path, &plen, &line, &has_pc);
	if (r->pending && (!ok || !has_pc)) {
		r->off = r->pend_off;  /* the name line was not a frame after all */
		return bad(r, "expected a frame line `pkg.func(...)`, found %s", r->pend_quote);
	}
	if (!ok)
		return bad(r, "expected a tab-indented file line `/path/file.go:123`, found %s",
			quote(q, sizeof q, r->line, r->len));
	r->pending = 0;
	if (f) {
		int rc = intern_cached(r, cache, path, plen, &f->file);
		if (rc)
			return rc;
		f->line = line;
	}
	return 0;
}

static int created_by(gr_rd *r, int ancestor)
{
	const char *s = r->line + 11;
	size_t n = r->len - 11;
	char q[200];
	/* Go 1.21+: "created by pkg.f in goroutine 7" */
	size_t fl = n;
	const char *sp = memchr(s, ' ', n);
	if (sp) {
		uint64_t v;
		size_t k = (size_t)(sp - s);
		if (n - k > 14 && !memcmp(sp, " in goroutine ", 14) &&
		    parse_u64(sp + 14, n - k - 14, UINT64_MAX, &v))
			fl = k;
		else
			return bad(r, "expected `created by pkg.func` or `created by pkg.func in goroutine N`, found %s",
				quote(q, sizeof q, r->line, r->len));
	}
	if (fl == 0 || memchr(s, '\t', fl))
		return bad(r, "expected a function after `created by `, found %s", quote(q, sizeof q, r->line, r->len));
	if (ancestor) {
		r->state = S_ANC_CFILE;
		return 0;
	}
	int rc = intern_cached(r, &r->cache_cfunc, s, fl, &r->created_by.func);
	if (rc)
		return rc;
	r->state = S_CFILE;
	return 0;
}

/* Text between records after the first one: counted for one warning. */
static void skip_outside(gr_rd *r)
{
	if (!r->have_record || known_noise(r->line, r->len))
		return;
	if (r->skipped++ == 0)
		r->first_skip_off = r->off;
}

static int d2_outside(gr_rd *r)
{
	const char *s = r->line;
	size_t n = r->len;
	if (n == 0)
		return 0;
	if (header_candidate(s, n))
		return parse_header(r);
	if (has_prefix(s, n, "runtime stack:")) {
		r->state = S_SKIP;
		return 0;
	}
	if (r->have_record) {
		const char *path;
		size_t plen;
		int64_t line;
		int has_pc;
		char q[200];
		if (file_line(s, n, &path, &plen, &line, &has_pc) || is_ancestor_marker(s, n) ||
		    has_prefix(s, n, "created by ") || is_elided(s, n))
			return bad(r, "expected a goroutine header `goroutine N [state]:`, found %s",
				quote(q, sizeof q, s, n));
	}
	skip_outside(r);
	return 0;
}

/* A header ends the record before it (Go always puts a blank line between, be lenient). */
static int next_header(gr_rd *r)
{
	int rc = emit_record(r);
	return rc ? rc : parse_header(r);
}

static int d2_line(gr_rd *r)
{
	const char *s = r->line;
	size_t n = r->len;
	char q[200];
	int rc;
	int have = r->nfr || r->unavailable;
	switch (r->state) {
	case S_OUTSIDE:
		return d2_outside(r);
	case S_SKIP:
		if (n == 0)
			r->state = S_OUTSIDE;
		else if (header_candidate(s, n))
			return parse_header(r);
		return 0;
	case S_FUNC:
		if (n == 0) {
			if (!have)
				return bad(r, "expected a frame line `pkg.func(...)`, found an empty line");
			return emit_record(r);
		}
		if (have && header_candidate(s, n))
			return next_header(r);
		if (have && trailer_line(s, n))
			return emit_record(r);
		if (has_prefix(s, n, "created by ")) {
			if (!have)
				return bad(r, "expected a frame line `pkg.func(...)` before `created by`, found %s",
					quote(q, sizeof q, s, n));
			return created_by(r, 0);
		}
		if (is_elided(s, n)) {
			r->elided = 1;
			return 0;
		}
		if (!have && is_unavailable(s, n)) {
			r->unavailable = 1;
			return 0;
		}
		if (have && is_ancestor_marker(s, n)) {
			r->state = S_ANC_FUNC;
			return 0;
		}
		if (has_prefix(s, n, "runtime: ") || has_prefix(s, n, "stack: frame={"))
			return 0;  /* diagnostics inside a broken traceback */
		rc = frame_func(r, 0);
		if (rc == 1)
			return bad(r, "expected a frame line `pkg.func(...)`, found %s", quote(q, sizeof q, s, n));
		return rc;
	case S_FILE:
		if ((rc = frame_file(r, &r->fr[r->nfr - 1], &r->cache_file[r->nfr - 1])))
			return rc;
		r->state = S_FUNC;
		return 0;
	case S_CFILE:
		if ((rc = frame_file(r, &r->created_by, &r->cache_cfile)))
			return rc;
		r->state = S_AFTER_CREATED;
		return 0;
	case S_AFTER_CREATED:
		if (n == 0 || trailer_line(s, n))
			return emit_record(r);
		if (header_candidate(s, n))
			return next_header(r);
		if (is_ancestor_marker(s, n)) {
			r->state = S_ANC_FUNC;
			return 0;
		}
		return bad(r, "expected an empty line after the `created by` frame, found %s",
			quote(q, sizeof q, s, n));
	case S_ANC_FUNC:
		if (n == 0 || trailer_line(s, n))
			return emit_record(r);
		if (header_candidate(s, n))
			return next_header(r);
		if (is_ancestor_marker(s, n) || is_elided(s, n))
			return 0;
		if (has_prefix(s, n, "created by "))
			return created_by(r, 1);
		rc = frame_func(r, 1);
		if (rc == 1)
			return bad(r, "expected a frame line `pkg.func(...)`, found %s", quote(q, sizeof q, s, n));
		return rc;
	case S_ANC_FILE:
	case S_ANC_CFILE:
		if ((rc = frame_file(r, NULL, NULL)))
			return rc;
		r->state = S_ANC_FUNC;
		return 0;
	case S_GROUP:
		break;
	}
	return 0;
}

static void set_truncated(gr_rd *r, uint64_t end, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 3, 4)))
#endif
	;

static void set_truncated(gr_rd *r, uint64_t end, const char *fmt, ...)
{
	char msg[200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	mt_gr_builder_truncated(r->b, end, msg);
}

/* The end of the input in the middle of a record. */
static int d2_eof(gr_rd *r, uint64_t end)
{
	unsigned long long id = (unsigned long long)r->id;
	switch (r->state) {
	case S_OUTSIDE:
	case S_SKIP:
		/* "goroutine 12 [sel" or even "gorout" */
		if ((r->cut && header_candidate(r->line, r->len)) ||
		    (r->unterminated && r->len > 0 && r->len < 10 && !memcmp(r->line, "goroutine ", r->len)) ||
		    (r->unterminated && r->len >= 10 && !memcmp(r->line, "goroutine ", 10) &&
			    (r->len == 10 || is_digit(r->line[10])))) {
			r->cut = 1;
			set_truncated(r, end, "input ends inside a goroutine header");
		}
		return 0;
	case S_FUNC:
		if ((r->nfr || r->unavailable) && !r->cut) {
			/* Go ends every line: without its newline the last file line may be cut */
			if (r->unterminated)
				set_truncated(r, end, "input ends without a newline inside goroutine %llu "
					"(its last line may be cut)", id);
			return emit_record(r);
		}
		set_truncated(r, end, "input ends inside goroutine %llu (after %u frame%s)", id, r->nfr,
			r->nfr == 1 ? "" : "s");
		return 0;
	case S_FILE:
		set_truncated(r, end, "input ends inside goroutine %llu (after %u frame%s)", id,
			r->nfr ? r->nfr - 1 : 0, r->nfr == 2 ? "" : "s");
		return 0;
	case S_CFILE:
		set_truncated(r, end, "input ends inside goroutine %llu (in its `created by` frame)", id);
		return 0;
	case S_AFTER_CREATED:
	case S_ANC_FUNC:
	case S_ANC_FILE:
	case S_ANC_CFILE:
		if (r->cut || r->state == S_ANC_FILE || r->state == S_ANC_CFILE)
			set_truncated(r, end, "input ends inside the ancestors of goroutine %llu", id);
		else if (r->unterminated)
			set_truncated(r, end, "input ends without a newline inside goroutine %llu "
				"(its last line may be cut)", id);
		return emit_record(r);
	case S_GROUP:
		break;
	}
	return 0;
}

/* ---- debug=1 groups ---- */

static int sbuf_put(gr_rd *r, const char *s, size_t n)
{
	if (mt_grow(&r->sbuf, &r->sbuf_cap, r->sbuf_len + n + 1, 1))
		return -1;
	memcpy(r->sbuf + r->sbuf_len, s, n);
	r->sbuf_len += n;
	return 0;
}

static int put_utf8(gr_rd *r, uint32_t c)
{
	char b[4];
	size_t n;
	if (c < 0x80) {
		b[0] = (char)c;
		n = 1;
	} else if (c < 0x800) {
		b[0] = (char)(0xc0 | c >> 6);
		b[1] = (char)(0x80 | (c & 0x3f));
		n = 2;
	} else if (c < 0x10000) {
		b[0] = (char)(0xe0 | c >> 12);
		b[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		b[2] = (char)(0x80 | (c & 0x3f));
		n = 3;
	} else {
		b[0] = (char)(0xf0 | c >> 18);
		b[1] = (char)(0x80 | ((c >> 12) & 0x3f));
		b[2] = (char)(0x80 | ((c >> 6) & 0x3f));
		b[3] = (char)(0x80 | (c & 0x3f));
		n = 4;
	}
	return sbuf_put(r, b, n);
}

/*
 * A string quoted by Go's strconv.Quote at *@pp, unquoted into r->sbuf.
 * Returns 0 (and advances *@pp past the closing quote), 1 when malformed,
 * or MT_ENOMEM.
 */
static int go_unquote(gr_rd *r, const char **pp, const char *e)
{
	const char *p = *pp;
	r->sbuf_len = 0;
	if (p >= e || *p != '"')
		return 1;
	p++;
	while (p < e && *p != '"') {
		const char *q = p;
		while (q < e && *q != '"' && *q != '\\')
			q++;
		if (q > p && sbuf_put(r, p, (size_t)(q - p)))
			return MT_ENOMEM;
		p = q;
		if (p >= e || *p == '"')
			break;
		/* an escape */
		if (e - p < 2)
			return 1;
		char c = p[1];
		p += 2;
		const char *simple = strchr("abfnrtv\\'\"", c);
		if (c && simple) {
			static const char val[] = "\a\b\f\n\r\t\v\\'\"";
			if (sbuf_put(r, &val[simple - "abfnrtv\\'\""], 1))
				return MT_ENOMEM;
			continue;
		}
		int digits = c == 'x' ? 2 : c == 'u' ? 4 : c == 'U' ? 8 : 0;
		if (digits) {
			if (e - p < digits)
				return 1;
			uint32_t v = 0;
			for (int i = 0; i < digits; i++) {
				int h = hexval(p[i]);
				if (h < 0)
					return 1;
				v = v << 4 | (uint32_t)h;
			}
			p += digits;
			if (c == 'x') {
				char b = (char)v;
				if (sbuf_put(r, &b, 1))
					return MT_ENOMEM;
			} else {
				if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
					return 1;
				if (put_utf8(r, v))
					return MT_ENOMEM;
			}
			continue;
		}
		if (c >= '0' && c <= '7') {  /* \ooo */
			if (e - p < 2 || p[0] < '0' || p[0] > '7' || p[1] < '0' || p[1] > '7')
				return 1;
			unsigned v = (unsigned)(c - '0') << 6 | (unsigned)(p[0] - '0') << 3 | (unsigned)(p[1] - '0');
			if (v > 255)
				return 1;
			char b = (char)v;
			p += 2;
			if (sbuf_put(r, &b, 1))
				return MT_ENOMEM;
			continue;
		}
		return 1;
	}
	if (p >= e)
		return 1;
	*pp = p + 1;
	return 0;
}

/* "# labels: {"k":"v", "k2":"v2"}" (runtime/pprof labelMap.String: %q:%q, sorted, ", "). */
static int d1_labels(gr_rd *r)
{
	const char *s = r->line, *p = s + 10, *e = s + r->len;
	char q[200], q2[200];
	int rc;
	if (r->d1_labels_seen++)
		return bad(r, "expected one `# labels:` line per group, found another: %s", quote(q, sizeof q, s, r->len));
	while (p < e && *p == ' ')
		p++;
	if (p >= e || *p != '{')
		goto malformed;
	p++;
	for (;;) {
		while (p < e && *p == ' ')
			p++;
		if (p < e && *p == '}' && r->nlab == 0) {
			p++;
			break;
		}
		mt_str_id k, v;
		if ((rc = go_unquote(r, &p, e)) == 1)
			goto malformed;
		if (rc || (rc = mt_strtab_intern(r->st, r->sbuf ? r->sbuf : "", r->sbuf_len, &k)))
			return fail_rc(r, rc, r->off);
		while (p < e && *p == ' ')
			p++;
		if (p >= e || *p != ':')
			goto malformed;
		p++;
		while (p < e && *p == ' ')
			p++;
		if ((rc = go_unquote(r, &p, e)) == 1)
			goto malformed;
		if (rc || (rc = mt_strtab_intern(r->st, r->sbuf ? r->sbuf : "", r->sbuf_len, &v)))
			return fail_rc(r, rc, r->off);
		/* Go's labels are a map: a key appears once */
		for (uint32_t i = 0; i < r->nlab; i++)
			if (r->lab[i].key == k)
				return bad(r, "expected distinct label keys, found %s twice in %s",
					quote(q2, sizeof q2, mt_strtab_get(r->st, k), mt_strtab_len(r->st, k)),
					quote(q, sizeof q, s, r->len));
		if (r->nlab >= GR_MAX_LABELS)
			return mt_error_set(r->err, MT_ELIMIT, r->off,
				"expected at most %u labels in a group, found more", GR_MAX_LABELS);
		if (mt_grow(&r->lab, &r->lab_cap, (size_t)r->nlab + 1, sizeof *r->lab))
			return fail_rc(r, MT_ENOMEM, r->off);
		r->lab[r->nlab].key = k;
		r->lab[r->nlab].value = v;
		r->lab[r->nlab].count = 0;
		r->nlab++;
		while (p < e && *p == ' ')
			p++;
		if (p < e && *p == ',') {
			p++;
			continue;
		}
		if (p < e && *p == '}') {
			p++;
			break;
		}
		goto malformed;
	}
	while (p < e && *p == ' ')
		p++;
	if (p == e)
		return 0;
malformed:
	return bad(r, "expected a label map `{\"key\":\"value\", ...}`, found %s", quote(q, sizeof q, s, r->len));
}

/* "#\t0x6a389d\tmain.f+0x7d\t\t/src/main.go:111" (or "#\t0x6a389d" without symbol). */
static int d1_frame(gr_rd *r)
{
	const char *s = r->line, *e = s + r->len, *p = s + 2;
	char q[200];
	const char *t = memchr(p, '\t', (size_t)(e - p));
	const char *pe = t ? t : e;
	uint64_t pc;
	if (!parse_hex(p, (size_t)(pe - p), &pc))
		goto malformed;
	const char *name = p, *path = "";
	size_t nlen = (size_t)(pe - p), plen = 0;
	int64_t line = 0;
	if (t) {
		name = t + 1;
		const char *t2 = memchr(name, '\t', (size_t)(e - name));
		if (!t2 || t2 == name)
			goto malformed;
		nlen = (size_t)(t2 - name);
		/* strip "+0x7d" */
		for (size_t i = nlen; i-- > 0;)
			if (name[i] == '+') {
				uint64_t v;
				if (parse_hex(name + i + 1, nlen - i - 1, &v))
					nlen = i;
				break;
			}
		if (nlen == 0)
			goto malformed;
		const char *f = t2;
		while (f < e && *f == '\t')
			f++;
		const char *d = e;
		while (d > f && is_digit(d[-1]))
			d--;
		uint64_t v;
		if (d == e || d == f || d[-1] != ':' || !parse_u64(d, (size_t)(e - d), (uint64_t)INT64_MAX, &v))
			goto malformed;
		path = f;
		plen = (size_t)(d - 1 - f);
		line = (int64_t)v;
	}
	if (!r->have_first_pc) {
		r->have_first_pc = 1;
		r->first_pc = pc;
	}
	uint32_t dpt = r->nfr;
	int rc = ensure_depth(r, dpt);
	if (rc)
		return rc;
	if ((rc = intern_cached(r, &r->cache_func[dpt], name, nlen, &r->fr[dpt].func)) ||
	    (rc = intern_cached(r, &r->cache_file[dpt], path, plen, &r->fr[dpt].file)))
		return rc;
	r->fr[dpt].line = line;
	r->nfr++;
	return 0;
malformed:
	return bad(r, "expected a frame line `#\\t0x...\\tpkg.func+0x...\\tfile.go:123`, found %s",
		quote(q, sizeof q, s, r->len));
}

/* "25 @ 0x439a16 0x4497dc 0x6a389e 0x469861" */
static int d1_group_header(gr_rd *r)
{
	const char *s = r->line, *e = s + r->len;
	char q[200];
	const char *at = memchr(s, ' ', r->len);
	uint64_t count;
	if (!at || at + 1 >= e || at[1] != '@' || (at + 2 < e && at[2] != ' '))
		return bad(r, "expected a group line `COUNT @ 0x...`, found %s", quote(q, sizeof q, s, r->len));
	if (!parse_u64(s, (size_t)(at - s), GR_MAX_TOTAL, &count) || count == 0)
		return bad(r, "expected a goroutine count from 1 to 2^63-1, found %s", quote(q, sizeof q, s, r->len));
	reset_record(r);
	r->npcs = 0;
	r->have_first_pc = 0;
	r->d1_labels_seen = 0;
	r->count = count;
	for (const char *p = at + 2; p < e;) {
		if (*p != ' ')
			return bad(r, "expected a group line `COUNT @ 0x...`, found %s", quote(q, sizeof q, s, r->len));
		p++;
		const char *t = p;
		while (t < e && *t != ' ')
			t++;
		uint64_t pc;
		if (!parse_hex(p, (size_t)(t - p), &pc))
			return bad(r, "expected a program counter `0x...` in the group line, found %s",
				quote(q, sizeof q, s, r->len));
		if (mt_grow(&r->pcs, &r->pcs_cap, r->npcs + 1, sizeof *r->pcs))
			return fail_rc(r, MT_ENOMEM, r->off);
		r->pcs[r->npcs++] = pc;
		p = t;
	}
	r->rec_off = r->off;
	r->have_record = 1;
	r->state = S_GROUP;
	return 0;
}

/*
 * The state of a debug=1 group (see the top of the file): named by the
 * printed frames, else by the number of hidden leading runtime frames.
 */
static const char *d1_state(gr_rd *r)
{
	const char *st = mt_gr_infer_state(r->st, r->fr, r->nfr);
	if (strcmp(st, "running") || !r->have_first_pc)
		return st;
	size_t k = 0;
	while (k < r->npcs && r->pcs[k] != r->first_pc && r->pcs[k] - 1 != r->first_pc)
		k++;
	if (k == r->npcs)
		return st;
	if (k == 2)
		return "select";
	if (k >= 3)
		return "chan receive";
	return st;
}

static int emit_group(gr_rd *r)
{
	if (r->count > GR_MAX_TOTAL - r->d1_sum)
		return mt_error_set(r->err, MT_ELIMIT, r->rec_off,
			"expected at most 2^63-1 goroutines in all, found more");
	const char *st = d1_state(r);
	r->state = S_OUTSIDE;
	int rc = emit(r, st, strlen(st), r->count);
	r->d1_sum += r->count;
	return rc;
}

static int d1_line(gr_rd *r)
{
	const char *s = r->line;
	size_t n = r->len;
	char q[200];
	if (r->state == S_GROUP) {
		if (n == 0)
			return emit_group(r);
		if (has_prefix(s, n, "#\t"))
			return d1_frame(r);
		if (has_prefix(s, n, "# labels: ") || (n == 9 && !memcmp(s, "# labels:", 9)))
			return d1_labels(r);
		if (n > 0 && is_digit(s[0])) {
			int rc = emit_group(r);
			return rc ? rc : d1_group_header(r);
		}
		return bad(r, "expected a frame line `#\\t0x...\\tpkg.func+0x...\\tfile.go:123`, found %s",
			quote(q, sizeof q, s, n));
	}
	if (n == 0)
		return 0;
	return d1_group_header(r);
}

static int d1_eof(gr_rd *r, uint64_t end)
{
	if (r->state == S_GROUP) {
		/*
		 * Complete when the last line had its newline (Go ends every
		 * line; "#\t0x4b7" may be a cut frame line), the frames (if the
		 * group has any) have begun and the total adds up.
		 */
		if (!r->cut && !r->unterminated && (r->nfr > 0 || r->npcs == 0) && r->count <= GR_MAX_TOTAL - r->d1_sum &&
		    r->d1_sum + r->count == r->d1_total) {
			int rc = emit_group(r);
			if (rc)
				return rc;
		} else {
			uint32_t nf = r->nfr - (r->nfr && r->unterminated && has_prefix(r->line, r->len, "#\t"));
			set_truncated(r, end, "input ends inside a group of %llu goroutine%s (after %u frame%s)",
				(unsigned long long)r->count, r->count == 1 ? "" : "s", nf, nf == 1 ? "" : "s");
			return 0;
		}
	}
	if (r->d1_sum < r->d1_total) {
		set_truncated(r, end, "input ends after %llu of the %llu goroutines the header announces",
			(unsigned long long)r->d1_sum, (unsigned long long)r->d1_total);
	} else if (r->d1_sum > r->d1_total) {
		char msg[200];
		snprintf(msg, sizeof msg, "The groups hold %llu goroutines, the header says total %llu",
			(unsigned long long)r->d1_sum, (unsigned long long)r->d1_total);
		if (r->o && r->o->strict)
			return mt_error_set(r->err, MT_EFORMAT, 0,
				"expected groups adding up to the header's total %llu, found %llu goroutines",
				(unsigned long long)r->d1_total, (unsigned long long)r->d1_sum);
		warn(r->o, msg);
	}
	return 0;
}

/* ---- the reader ---- */

/* 1 with the next line in r->line, 0 at the end, or an error. */
static int next_line(gr_rd *r)
{
	int rc = mt_lines_next(&r->lines, &r->line, &r->len, &r->off, r->err);
	if (rc <= 0)
		return rc;
	const uint8_t *after = (const uint8_t *)r->line + r->len;
	const uint8_t *bend = r->lines.buf + r->lines.end;
	r->unterminated = !(after < bend && (*after == '\n' ||
		(*after == '\r' && after + 1 < bend && after[1] == '\n')));
	if (r->off == 0 && r->len >= 3 && !memcmp(r->line, "\xef\xbb\xbf", 3)) {
		r->line += 3;  /* a UTF-8 BOM */
		r->len -= 3;
	}
	return 1;
}

static void gr_rd_free(gr_rd *r)
{
	mt_lines_free(&r->lines);
	mt_gr_builder_free(r->b);
	free(r->fr);
	free(r->cache_func);
	free(r->cache_file);
	free(r->pcs);
	free(r->lab);
	free(r->sbuf);
}

int mt_read_goroutines_text(mt_goroutines **out, mt_stream *s, const mt_read_opts *o, mt_error *err)
{
	mt_error local = MT_ERROR_INIT;
	if (!err)
		err = &local;
	if (!out || !s)
		return mt_error_set(err, MT_EINVAL, MT_NO_OFFSET, "mt_read_goroutines_text: NULL argument");
	*out = NULL;
	err->doing = "reading goroutine dump";
	gr_rd r;
	memset(&r, 0, sizeof r);
	r.err = err;
	r.o = o;
	r.wait = -1;
	if (mt_lines_init(&r.lines, s, GR_MAX_LINE))
		return mt_error_set(err, MT_ENOMEM, MT_NO_OFFSET, "out of memory");
	int rc;
	while ((rc = next_line(&r)) == 1 && r.len == 0)
		;
	if (rc < 0)
		goto fail;
	const char *format = "debug=2";
	uint64_t first_off = rc == 1 ? r.off : 0;
	char first_q[200];
	quote(first_q, sizeof first_q, rc == 1 ? r.line : "", rc == 1 ? r.len : 0);
	if (rc == 1 && has_prefix(r.line, r.len, "goroutine profile: total ")) {
		r.debug1 = 1;
		format = "debug=1";
		if (!parse_u64(r.line + 25, r.len - 25, GR_MAX_TOTAL, &r.d1_total)) {
			char q[200];
			rc = mt_error_set(err, MT_EFORMAT, r.off,
				"expected `goroutine profile: total N`, found %s", quote(q, sizeof q, r.line, r.len));
			goto fail;
		}
	} else if (rc == 1 && !header_candidate(r.line, r.len)) {
		format = "traceback";
	}
	if ((rc = mt_gr_builder_new(&r.b, format)) != 0) {
		rc = mt_error_set(err, rc, MT_NO_OFFSET, "out of memory");
		goto fail;
	}
	r.st = mt_gr_builder_strings(r.b);
	if (r.debug1 || r.len == 0)
		rc = next_line(&r);  /* past the total line (or at the end already) */
	else
		rc = 1;
	while (rc == 1) {
		rc = r.debug1 ? d1_line(&r) : d2_line(&r);
		if (rc == GR_CUT)
			break;
		if (rc < 0)
			goto fail;
		rc = next_line(&r);
	}
	if (rc < 0)
		goto fail;
	uint64_t end = r.lines.buf_off + r.lines.end;
	if ((rc = r.debug1 ? d1_eof(&r, end) : d2_eof(&r, end)) < 0)
		goto fail;
	if (!r.debug1 && !r.have_record && !r.cut && end > 0 && first_q[0] == '"') {
		rc = mt_error_set(err, MT_EFORMAT, first_off,
			"expected a goroutine header `goroutine N [state]:`, found none (the input starts with %s)",
			first_q);
		goto fail;
	}
	if (r.skipped) {
		if (o && o->strict) {
			rc = mt_error_set(err, MT_EFORMAT, r.first_skip_off,
				"expected a goroutine header `goroutine N [state]:` or an empty line, found text "
				"outside goroutine records (%llu lines)", (unsigned long long)r.skipped);
			goto fail;
		}
		char msg[200];
		snprintf(msg, sizeof msg, "Ignored %llu line%s outside goroutine records (the first at byte %llu)",
			(unsigned long long)r.skipped, r.skipped == 1 ? "" : "s", (unsigned long long)r.first_skip_off);
		warn(o, msg);
	}
	mt_gr_builder *b = r.b;
	r.b = NULL;
	gr_rd_free(&r);
	if ((rc = mt_gr_builder_finish(b, out)) != 0)
		return mt_error_set(err, rc, MT_NO_OFFSET, "out of memory");
	if (!strcmp(format, "debug=1"))
		for (uint32_t i = 0; i < (*out)->nbuckets; i++)
			(*out)->buckets[i].state_inferred = 1;
	return 0;
fail:
	gr_rd_free(&r);
	return rc < 0 ? rc : mt_error_set(err, MT_EFORMAT, MT_NO_OFFSET, "reading goroutine dump failed");
}

/* ---- sniffing ---- */

int mt_gr_sniff_text(const uint8_t *data, size_t len)
{
	if (!data)
		return 0;
	const char *s = (const char *)data;
	size_t n = len < 65536 ? len : 65536;
	if (n >= 3 && !memcmp(s, "\xef\xbb\xbf", 3))
		s += 3, n -= 3;
	if (memchr(s, 0, n))
		return 0;
	int first = 1;
	for (size_t i = 0; i < n;) {
		const char *l = s + i;
		const char *nl = memchr(l, '\n', n - i);
		size_t ll = nl ? (size_t)(nl - l) : n - i;
		i += ll + 1;
		if (ll && l[ll - 1] == '\r')
			ll--;
		if (ll == 0)
			continue;
		if (first && ll > 25 && !memcmp(l, "goroutine profile: total ", 25) && is_digit(l[25]))
			return 1;
		first = 0;
		if (ll > 12 && !memcmp(l, "goroutine ", 10) && is_digit(l[10])) {
			size_t k = 10;
			while (k < ll && is_digit(l[k]))
				k++;
			if (k + 1 < ll && l[k] == ' ' && (l[k + 1] == '[' || (ll - k > 4 && !memcmp(l + k + 1, "gp=", 3))))
				return 1;
		}
	}
	return 0;
}

/* ---- pprof goroutine profiles, normalised like the text dumps ---- */

static int map_str(mt_strtab *st, const mt_profile *p, mt_str_id *map, mt_str_id id, mt_str_id *out)
{
	if (!id) {
		*out = 0;
		return 0;
	}
	if (!map[id]) {
		mt_str_id nid;
		int rc = mt_strtab_intern(st, mt_profile_str(p, id), mt_strtab_len(p->strings, id), &nid);
		if (rc)
			return rc;
		map[id] = nid + 1;
	}
	*out = map[id] - 1;
	return 0;
}

/*
 * Like mt_goroutines_from_profile(), but each state is inferred from the
 * whole stack and the frames are then normalised (runtime frames dropped)
 * so that buckets match those of debug=1 and debug=2 dumps.
 */
int mt_goroutines_from_profile(mt_goroutines **out, const mt_profile *p, mt_error *err)
{
	*out = NULL;
	uint32_t col = 0;
	int found = 0;
	for (uint32_t c = 0; c < p->nvalue_types; c++)
		if (!strcmp(mt_profile_str(p, p->value_types[c].type), "goroutine")) {
			col = c;
			found = 1;
		}
	if (!found)
		return mt_error_set(err, MT_EFORMAT, MT_NO_OFFSET,
			"expected a goroutine profile (sample type \"goroutine\"), found %s",
			p->nvalue_types ? mt_profile_str(p, p->value_types[0].type) : "no sample types");
	mt_gr_builder *b;
	int rc = mt_gr_builder_new(&b, "pprof");
	if (rc)
		return mt_error_set(err, rc, MT_NO_OFFSET, "out of memory");
	mt_strtab *st = mt_gr_builder_strings(b);
	mt_str_id *map = calloc(mt_strtab_count(p->strings) + 1, sizeof *map);
	mt_gr_frame *fr = NULL;
	size_t fr_cap = 0;
	mt_gr_label *lb = NULL;
	size_t lb_cap = 0;
	uint64_t total = 0;
	if (!map) {
		rc = MT_ENOMEM;
		goto out;
	}
	for (uint32_t s = 0; s < p->nsamples; s++) {
		int64_t v = p->values[(size_t)s * p->nvalue_types + col];
		if (v <= 0)
			continue;
		if ((uint64_t)v > GR_MAX_TOTAL - total) {
			rc = MT_ELIMIT;
			goto out;
		}
		total += (uint64_t)v;
		uint32_t nf = 0;
		for (uint32_t k = p->sample_loc_off[s]; k < p->sample_loc_off[s + 1]; k++) {
			const mt_location *l = &p->locations[p->sample_locs[k]];
			uint32_t nl = l->nlines ? l->nlines : 1;
			if ((uint64_t)nf + nl > GR_MAX_FRAMES) {
				rc = MT_ELIMIT;
				goto out;
			}
			if (mt_grow(&fr, &fr_cap, (size_t)nf + nl, sizeof *fr)) {
				rc = MT_ENOMEM;
				goto out;
			}
			if (!l->nlines) {
				char buf[32];
				snprintf(buf, sizeof buf, "0x%llx", (unsigned long long)l->address);
				if ((rc = mt_strtab_intern_cstr(st, buf, &fr[nf].func)))
					goto out;
				fr[nf].file = 0;
				fr[nf].line = 0;
				nf++;
				continue;
			}
			for (uint32_t j = 0; j < l->nlines; j++) {
				const mt_line *ln = &p->lines[l->first_line + j];
				const mt_function *fn = &p->functions[ln->func];
				if ((rc = map_str(st, p, map, fn->name, &fr[nf].func)) ||
				    (rc = map_str(st, p, map, fn->filename, &fr[nf].file)))
					goto out;
				fr[nf].line = ln->line;
				nf++;
			}
		}
		uint32_t nlab = 0;
		for (uint32_t k = p->sample_label_off[s]; k < p->sample_label_off[s + 1]; k++) {
			const mt_label *l = &p->labels[k];
			if (!l->str)
				continue;
			if (mt_grow(&lb, &lb_cap, (size_t)nlab + 1, sizeof *lb)) {
				rc = MT_ENOMEM;
				goto out;
			}
			if ((rc = map_str(st, p, map, l->key, &lb[nlab].key)) ||
			    (rc = map_str(st, p, map, l->str, &lb[nlab].value)))
				goto out;
			lb[nlab].count = 0;
			nlab++;
		}
		const char *state = mt_gr_infer_state(st, fr, nf);
		mt_gr_one one;
		memset(&one, 0, sizeof one);
		one.state = state;
		one.state_len = strlen(state);
		one.wait_minutes = -1;
		one.frames = fr;
		one.nframes = normalize_frames(st, fr, nf);
		one.labels = lb;
		one.nlabels = nlab;
		one.count = (uint64_t)v;
		if ((rc = mt_gr_builder_add(b, &one)))
			goto out;
	}
	free(map);
	free(fr);
	free(lb);
	if ((rc = mt_gr_builder_finish(b, out)))
		return mt_error_set(err, rc, MT_NO_OFFSET, "out of memory");
	for (uint32_t i = 0; i < (*out)->nbuckets; i++)
		(*out)->buckets[i].state_inferred = 1;
	return 0;
out:
	free(map);
	free(fr);
	free(lb);
	mt_gr_builder_free(b);
	if (rc == MT_ELIMIT)
		return mt_error_set(err, rc, MT_NO_OFFSET,
			"expected at most %u frames per sample and 2^63-1 goroutines in all, found more",
			GR_MAX_FRAMES);
	return mt_error_set(err, rc, MT_NO_OFFSET, "building goroutine buckets failed: %s", mt_code_name(rc));
}

/* ---- loading any goroutine dump ---- */

/* "an empty input", "text starting \"...\"", "binary data starting 1f 8b ..." */
static void describe(const uint8_t *d, size_t n, char *buf, size_t cap)
{
	if (n == 0) {
		snprintf(buf, cap, "an empty input");
		return;
	}
	size_t k = n < 32 ? n : 32, printable = 0;
	for (size_t i = 0; i < k; i++)
		printable += d[i] >= 0x20 || d[i] == '\n' || d[i] == '\r' || d[i] == '\t';
	if (printable == k) {
		const char *nl = memchr(d, '\n', k);
		char q[200];
		snprintf(buf, cap, "text starting %s",
			quote(q, sizeof q, (const char *)d, nl ? (size_t)(nl - (const char *)d) : k));
		return;
	}
	size_t o = (size_t)snprintf(buf, cap, "binary data starting");
	for (size_t i = 0; i < 8 && i < n && o + 4 < cap; i++)
		o += (size_t)snprintf(buf + o, cap - o, " %02x", d[i]);
}

/* The rest of the stream in memory (for protobuf, which is small). */
static int slurp(mt_stream *s, uint8_t **data, size_t *len, mt_error *err)
{
	uint8_t *buf = NULL;
	size_t n = 0, cap = 0;
	for (;;) {
		if (n == cap) {
			if (cap >= MT_DEFAULT_MAX_INPUT) {
				free(buf);
				return mt_error_set(err, MT_ELIMIT, n, "expected a goroutine profile of at most %llu bytes, found more",
					(unsigned long long)MT_DEFAULT_MAX_INPUT);
			}
			size_t nc = cap ? cap * 2 : (size_t)1 << 16;
			uint8_t *nb = realloc(buf, nc);
			if (!nb) {
				free(buf);
				return mt_error_set(err, MT_ENOMEM, MT_NO_OFFSET, "out of memory");
			}
			buf = nb;
			cap = nc;
		}
		size_t got;
		int rc = mt_stream_read(s, buf + n, cap - n, &got, err);
		if (rc) {
			free(buf);
			return rc;
		}
		if (got == 0)
			break;
		n += got;
	}
	*data = buf;
	*len = n;
	return 0;
}

int mt_goroutines_load(mt_goroutines **out, const char *path, const mt_read_opts *o, mt_error *err)
{
	mt_error local = MT_ERROR_INIT;
	if (!err)
		err = &local;
	if (!out || !path)
		return mt_error_set(err, MT_EINVAL, MT_NO_OFFSET, "mt_goroutines_load: NULL argument");
	*out = NULL;
	if (!err->path)
		err->path = path;
	err->doing = "reading the input";
	mt_stream *s;
	int rc = mt_stream_open(&s, path, err);
	if (rc)
		return rc;
	const uint8_t *peek;
	size_t plen;
	if ((rc = mt_stream_peek(s, &peek, &plen, err)))
		goto out;
	err->doing = "detecting the format";
	mt_format f = o && o->format != MT_FORMAT_UNKNOWN ? o->format : mt_detect(peek, plen, NULL);
	if (f != MT_FORMAT_PPROF && (!o || o->format == MT_FORMAT_UNKNOWN) && mt_gr_sniff_text(peek, plen))
		f = MT_FORMAT_GOROUTINE_TEXT;
	if (f == MT_FORMAT_PPROF) {
		uint8_t *data = NULL;
		size_t len = 0;
		err->doing = "reading the input";
		if ((rc = slurp(s, &data, &len, err)))
			goto out;
		mt_profile *p = NULL;
		rc = mt_read_pprof(&p, data, len, o, err);
		free(data);
		if (rc)
			goto out;
		err->doing = "reading goroutine profile";
		rc = mt_goroutines_from_profile(out, p, err);
		mt_profile_free(p);
	} else if (f == MT_FORMAT_GOROUTINE_TEXT) {
		rc = mt_read_goroutines_text(out, s, o, err);
	} else {
		char what[160];
		describe(peek, plen, what, sizeof what);
		rc = mt_error_set(err, MT_EFORMAT, 0,
			"expected a goroutine dump (pprof goroutine profile, debug=1/debug=2 text or a traceback), found %s",
			what);
	}
out:
	mt_stream_close(s);
	return rc;
}
