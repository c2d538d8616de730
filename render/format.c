/*
 * render/format.c - values in human units, as `go tool pprof` prints them:
 * bytes with 1024-based B/kB/MB/GB/TB, durations as ns/us/ms/s/mins/hrs,
 * counts as integers. At most two decimals, trailing zeros trimmed.
 * Fixed-point columns (decimals > 0) are printed exactly.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "memtracer/render.h"

static void trim(char *s)
{
	char *dot = strchr(s, '.');
	if (!dot)
		return;
	char *e = s + strlen(s) - 1;
	while (e > dot && *e == '0')
		*e-- = 0;
	if (e == dot)
		*e = 0;
}

static const char *scaled(double v, double div, const char *suffix, char *buf, size_t cap)
{
	char num[64];
	snprintf(num, sizeof num, "%.2f", v / div);
	trim(num);
	snprintf(buf, cap, "%s%s", num, suffix);
	return buf;
}

const char *mt_format_value(int64_t v, const char *unit, uint32_t decimals, char *buf, size_t cap)
{
	if (decimals) {
		int64_t div = 1;
		for (uint32_t i = 0; i < decimals && i < 18; i++)
			div *= 10;
		int64_t ip = v / div, fp = v % div;
		if (fp < 0)
			fp = -fp;
		char frac[32];
		snprintf(frac, sizeof frac, "%0*" PRId64, (int)decimals, fp);
		size_t l = strlen(frac);
		while (l && frac[l - 1] == '0')
			frac[--l] = 0;
		snprintf(buf, cap, "%s%" PRId64 "%s%s", (v < 0 && ip == 0) ? "-" : "",
			ip, l ? "." : "", frac);
		return buf;
	}
	if (v == 0) {
		snprintf(buf, cap, "0");
		return buf;
	}
	double d = (double)v, a = fabs(d);
	if (unit && (!strcmp(unit, "bytes") || !strcmp(unit, "byte"))) {
		static const char *const sfx[] = { "B", "kB", "MB", "GB", "TB", "PB" };
		int i = 0;
		double div = 1;
		while (i < 5 && a >= div * 1024) {
			div *= 1024;
			i++;
		}
		return scaled(d, div, sfx[i], buf, cap);
	}
	if (unit && (!strcmp(unit, "nanoseconds") || !strcmp(unit, "ns"))) {
		if (a < 1e3)
			return scaled(d, 1, "ns", buf, cap);
		if (a < 1e6)
			return scaled(d, 1e3, "us", buf, cap);
		if (a < 1e9)
			return scaled(d, 1e6, "ms", buf, cap);
		if (a < 60e9)
			return scaled(d, 1e9, "s", buf, cap);
		if (a < 3600e9)
			return scaled(d, 60e9, "mins", buf, cap);
		return scaled(d, 3600e9, "hrs", buf, cap);
	}
	if (unit && (!strcmp(unit, "microseconds") || !strcmp(unit, "us")))
		return mt_format_value(v * 1000, "nanoseconds", 0, buf, cap);
	if (unit && (!strcmp(unit, "milliseconds") || !strcmp(unit, "ms")))
		return mt_format_value(v * 1000000, "nanoseconds", 0, buf, cap);
	snprintf(buf, cap, "%" PRId64, v);
	return buf;
}
