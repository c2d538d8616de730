/*
 * analysis/jfr_window.c - selecting samples by time and putting a label
 * above their stacks: `--from/--to` (mt_time_bound_parse,
 * mt_profile_time_window) and `--threads` (mt_profile_label_roots). Made
 * for JFR recordings, whose samples carry "time_ns" and "thread" labels
 * (memtracer/jfr.h), and working on any profile with such labels.
 *
 * Times: durations since the recording's start ("10s", "250ms"), plain
 * nanoseconds since the epoch, or ISO 8601 UTC instants computed with the
 * proleptic Gregorian calendar (no time zone database, no environment).
 */
#include <Judy.h>
#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "memtracer/jfr.h"
#include "mt_internal.h"

/* days from 1970-01-01 to y-m-d (Howard Hinnant's days_from_civil) */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

/* @n digits at *@s into *@out; 0 when they are not all digits */
static int digits(const char **s, int n, unsigned *out)
{
	unsigned v = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*s)[i]))
			return 0;
		v = v * 10 + (unsigned)((*s)[i] - '0');
	}
	*s += n;
	*out = v;
	return 1;
}

static int parse_iso(const char *s, int64_t *out)
{
	unsigned y, mo, d, h, mi, se = 0;
	if (!digits(&s, 4, &y) || *s++ != '-' || !digits(&s, 2, &mo) || *s++ != '-' || !digits(&s, 2, &d))
		return 0;
	if (*s != 'T' && *s != 't' && *s != ' ')
		return 0;
	s++;
	if (!digits(&s, 2, &h) || *s++ != ':' || !digits(&s, 2, &mi))
		return 0;
	if (*s == ':') {
		s++;
		if (!digits(&s, 2, &se))
			return 0;
	}
	int64_t frac = 0;
	if (*s == '.' || *s == ',') {
		s++;
		int n = 0;
		if (!isdigit((unsigned char)*s))
			return 0;
		for (; isdigit((unsigned char)*s); s++, n++)
			if (n < 9)
				frac = frac * 10 + (*s - '0');
		for (; n < 9; n++)
			frac *= 10;
	}
	int64_t off = 0;
	if (*s == 'Z' || *s == 'z') {
		s++;
	} else if (*s == '+' || *s == '-') {
		int sign = *s++ == '-' ? -1 : 1;
		unsigned oh, om = 0;
		if (!digits(&s, 2, &oh))
			return 0;
		if (*s == ':')
			s++;
		if (isdigit((unsigned char)*s) && !digits(&s, 2, &om))
			return 0;
		if (oh > 23 || om > 59)
			return 0;
		off = sign * (int64_t)(oh * 3600 + om * 60);
	}
	if (*s || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60 || y < 1678 || y > 2261)
		return 0;
	int64_t secs = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se - off;
	*out = secs * 1000000000 + frac;
	return 1;
}

int mt_time_bound_parse(const char *s, mt_time_bound *out, mt_error *err)
{
	memset(out, 0, sizeof *out);
	if (!s || !*s)
		return mt_error_set(err, MT_EINVAL, MT_NO_OFFSET, "expected a time, found an empty string");
	if (parse_iso(s, &out->ns)) {
		out->set = 1;
		return 0;
	}
	/* a number, maybe with a fraction, maybe with a unit */
	const char *p = s;
	uint64_t ip = 0;
	int nd = 0;
	for (; isdigit((unsigned char)*p); p++, nd++) {
		if (ip > (UINT64_MAX - 9) / 10)
			goto bad;
		ip = ip * 10 + (uint64_t)(*p - '0');
	}
	uint64_t fr = 0, fscale = 1;
	if (*p == '.') {
		p++;
		for (; isdigit((unsigned char)*p); p++, nd++)
			if (fscale < 1000000000000000000ull) {
				fr = fr * 10 + (uint64_t)(*p - '0');
				fscale *= 10;
			}
	}
	if (nd == 0)
		goto bad;
	static const struct {
		const char *unit;
		uint64_t ns;
	} units[] = { { "ns", 1 }, { "us", 1000 }, { "ms", 1000000 }, { "s", 1000000000 },
		{ "m", 60000000000ull }, { "min", 60000000000ull }, { "h", 3600000000000ull } };
	if (!*p) {
		if (fscale != 1 || ip > INT64_MAX)
			goto bad;   /* nanoseconds since the epoch are whole */
		out->set = 1;
		out->ns = (int64_t)ip;
		return 0;
	}
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
		if (strcmp(p, units[i].unit) != 0)
			continue;
		__int128 v = (__int128)ip * units[i].ns + (__int128)fr * units[i].ns / fscale;
		if (v > INT64_MAX)
			goto bad;
		out->set = 1;
		out->relative = 1;
		out->ns = (int64_t)v;
		return 0;
	}
bad:
	return mt_error_set(err, MT_EINVAL, MT_NO_OFFSET,
		"expected a time (10s, 250ms, 1.5m since the start; nanoseconds since the epoch; or "
		"2024-01-16T11:08:56Z), found \"%s\"", s);
}

int64_t mt_time_bound_abs(const mt_time_bound *b, int64_t start_ns, int64_t dflt)
{
	if (!b || !b->set)
		return dflt;
	return b->relative ? mt_sat_add(start_ns, b->ns) : b->ns;
}

/*
 * Empties @p's samples keeping their buffers (and the capacities the
 * builder knows), and returns copies of the old sample arrays to re-add
 * from. Free the copies with free_old().
 */
typedef struct old_samples {
	uint32_t n, *loc_off, *locs, *lab_off;
	int64_t *values;
	mt_label *labels;
} old_samples;

static void free_old(old_samples *o)
{
	free(o->loc_off);
	free(o->locs);
	free(o->lab_off);
	free(o->values);
	free(o->labels);
}

static void *dup(const void *src, size_t n, size_t size)
{
	void *d = malloc(n ? n * size : 1);
	if (d && n)
		memcpy(d, src, n * size);
	return d;
}

static int take_samples(mt_profile *p, old_samples *o)
{
	o->n = p->nsamples;
	uint32_t nl = p->sample_loc_off[o->n], nb = p->sample_label_off[o->n];
	o->loc_off = dup(p->sample_loc_off, (size_t)o->n + 1, sizeof *o->loc_off);
	o->lab_off = dup(p->sample_label_off, (size_t)o->n + 1, sizeof *o->lab_off);
	o->locs = dup(p->sample_locs, nl, sizeof *o->locs);
	o->labels = dup(p->labels, nb, sizeof *o->labels);
	o->values = dup(p->values, (size_t)o->n * p->nvalue_types, sizeof *o->values);
	if (!o->loc_off || !o->lab_off || !o->locs || !o->labels || !o->values) {
		free_old(o);
		return MT_ENOMEM;
	}
	p->nsamples = 0;   /* offsets [0] stay 0: the buffers are refilled from the start */
	return 0;
}

static int readd(mt_profile *p, const old_samples *o, uint32_t s, const uint32_t *locs, uint32_t nlocs)
{
	return mt_profile_add_sample(p, locs, nlocs, o->values + (size_t)s * p->nvalue_types,
		o->labels + o->lab_off[s], o->lab_off[s + 1] - o->lab_off[s]);
}

int mt_profile_time_window(mt_profile *p, const mt_time_bound *from, const mt_time_bound *to,
	mt_error *err)
{
	if ((!from || !from->set) && (!to || !to->set))
		return 0;
	int64_t lo = mt_time_bound_abs(from, p->time_nanos, INT64_MIN);
	int64_t hi = mt_time_bound_abs(to, p->time_nanos, INT64_MAX);
	mt_str_id key = 0;
	if (!mt_strtab_find(p->strings, "time_ns", 7, &key))
		return mt_error_set(err, MT_EUNSUPPORTED, MT_NO_OFFSET,
			"expected samples with a \"time_ns\" label (a JFR recording) for --from/--to, found none");
	old_samples o;
	if (take_samples(p, &o))
		return mt_error_set(err, MT_ENOMEM, MT_NO_OFFSET, "out of memory");
	int rc = 0;
	for (uint32_t s = 0; s < o.n && !rc; s++) {
		int keep = 0;
		for (uint32_t j = o.lab_off[s]; key && j < o.lab_off[s + 1]; j++)
			if (o.labels[j].key == key && o.labels[j].str == 0) {
				keep = o.labels[j].num >= lo && o.labels[j].num < hi;
				break;
			}
		if (keep)
			rc = readd(p, &o, s, o.locs + o.loc_off[s], o.loc_off[s + 1] - o.loc_off[s]);
	}
	free_old(&o);
	return rc ? mt_error_set(err, rc, MT_NO_OFFSET, "out of memory") : 0;
}

int mt_profile_label_roots(mt_profile *p, const char *key, mt_error *err)
{
	mt_str_id k = 0;
	if (!mt_strtab_find(p->strings, key, strlen(key), &k) || !k)
		return 0;   /* no sample has the label */
	old_samples o;
	if (take_samples(p, &o))
		return mt_error_set(err, MT_ENOMEM, MT_NO_OFFSET, "out of memory");
	uint32_t *buf = NULL;
	size_t cap = 0;
	Pvoid_t roots = NULL;   /* JudyL: label string id -> location + 1 */
	int rc = 0;
	for (uint32_t s = 0; s < o.n && !rc; s++) {
		uint32_t n = o.loc_off[s + 1] - o.loc_off[s];
		const uint32_t *locs = o.locs + o.loc_off[s];
		mt_str_id v = 0;
		for (uint32_t j = o.lab_off[s]; j < o.lab_off[s + 1]; j++)
			if (o.labels[j].key == k && o.labels[j].str) {
				v = o.labels[j].str;
				break;
			}
		if (!v) {
			rc = readd(p, &o, s, locs, n);
			continue;
		}
		PWord_t slot;
		JLI(slot, roots, (Word_t)v);
		if (slot == PJERR) {
			rc = MT_ENOMEM;
			break;
		}
		if (!*slot) {
			const char *name = mt_profile_str(p, v);
			uint32_t loc;
			if ((rc = mt_profile_frame(p, name, strlen(name), "", 0, 0, MT_LANG_STATE, &loc)))
				break;
			*slot = (Word_t)loc + 1;
		}
		if (mt_grow(&buf, &cap, (size_t)n + 1, sizeof *buf)) {
			rc = MT_ENOMEM;
			break;
		}
		if (n)
			memcpy(buf, locs, n * sizeof *buf);
		buf[n] = (uint32_t)(*slot - 1);   /* leaf first: the root goes last */
		rc = readd(p, &o, s, buf, n + 1);
	}
	Word_t bytes;
	JLFA(bytes, roots);
	(void)bytes;
	free(buf);
	free_old(&o);
	return rc ? mt_error_set(err, rc == MT_ELIMIT ? MT_ELIMIT : MT_ENOMEM, MT_NO_OFFSET,
		rc == MT_ELIMIT ? "expected fewer samples" : "out of memory") : 0;
}
