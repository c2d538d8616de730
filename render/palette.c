/*
 * render/palette.c - frame colours for the flame graph painters.
 *
 * Every colour is a pure function of (palette, frame name, frame origin):
 * three numbers in [0,1) taken from disjoint bit ranges of the name's
 * mt_hash64 pick a shade inside a colour family, so a function keeps its
 * colour across renders, machines and profiles (no rand(), no clock).
 *
 * The families follow the conventions of FlameGraph's flamegraph.pl
 * (https://github.com/brendangregg/FlameGraph, --colors): "hot" reds to
 * yellows by default, greens for memory, blues for I/O, and for mixed-origin
 * stacks green = Java/JIT, aqua = inlined, yellow/gold = JavaScript,
 * red = native, orange = kernel. Go code gets an aqua/cyan family, with the
 * runtime darker than user code. Name suffixes added by perf/async-profiler
 * collapsers are recognised: "_[k]" kernel, "_[j]" JIT, "_[i]" inlined.
 */
#include <string.h>

#include "mt_internal.h"
#include "render/flame_internal.h"

static const char *const palette_names[MT_PALETTE__COUNT] = {
	"hot", "mem", "io", "origin", "go", "java", "js", "native",
};

int mt_palette_from_name(const char *name)
{
	if (!name)
		return -1;
	for (int i = 0; i < MT_PALETTE__COUNT; i++) {
		const char *p = palette_names[i], *q = name;
		while (*p && *q && (*q == *p || (*q >= 'A' && *q <= 'Z' && *q + 32 == *p)))
			p++, q++;
		if (!*p && !*q)
			return i;
	}
	return -1;
}

const char *mt_palette_name(mt_palette p)
{
	if ((unsigned)p >= MT_PALETTE__COUNT)
		return "unknown";
	return palette_names[p];
}

/* Colour families; a shade is chosen inside each by the name's hash. */
typedef enum family {
	FAM_HOT, FAM_MEM, FAM_IO,
	FAM_GO, FAM_GO_RUNTIME, FAM_JAVA, FAM_INLINED, FAM_JS, FAM_CPP,
	FAM_NATIVE, FAM_KERNEL, FAM_PYTHON, FAM_STATE, FAM_ROOT
} family;

static uint32_t rgb(double r, double g, double b)
{
	return ((uint32_t)r & 0xff) << 16 | ((uint32_t)g & 0xff) << 8 | ((uint32_t)b & 0xff);
}

static uint32_t shade(family f, uint64_t h)
{
	/* three independent fractions in [0,1) */
	double v1 = (double)(h & 0xfffff) / 1048576.0;
	double v2 = (double)((h >> 20) & 0xfffff) / 1048576.0;
	double v3 = (double)((h >> 40) & 0xfffff) / 1048576.0;

	switch (f) {
	case FAM_HOT:        return rgb(205 + 50 * v3, 230 * v1, 55 * v2);
	case FAM_MEM:        return rgb(0, 190 + 50 * v2, 210 * v1);
	case FAM_IO:         return rgb(80 + 60 * v1, 80 + 60 * v1, 190 + 55 * v2);
	case FAM_GO:         return rgb(60 + 50 * v1, 185 + 50 * v2, 200 + 50 * v2);
	case FAM_GO_RUNTIME: return rgb(30 + 40 * v1, 140 + 40 * v2, 155 + 40 * v2);
	case FAM_JAVA:       return rgb(50 + 60 * v1, 200 + 55 * v1, 50 + 60 * v2);
	case FAM_INLINED:    return rgb(50 + 60 * v1, 165 + 55 * v1, 165 + 55 * v2);
	case FAM_JS:         return rgb(225 + 30 * v1, 185 + 45 * v2, 20 + 50 * v3);
	case FAM_CPP:        return rgb(195 + 40 * v1, 195 + 40 * v1, 60 + 40 * v2);
	case FAM_NATIVE:     return rgb(200 + 55 * v1, 50 + 80 * v2, 50 + 80 * v2);
	case FAM_KERNEL:     return rgb(200 + 55 * v1, 110 + 55 * v2, 0 + 30 * v3);
	case FAM_PYTHON:     return rgb(110 + 50 * v1, 130 + 50 * v1, 210 + 45 * v2);
	case FAM_STATE:      return rgb(165 + 40 * v1, 165 + 40 * v1, 165 + 40 * v1);
	case FAM_ROOT:       return rgb(200, 200, 200);
	}
	return rgb(200, 200, 200);
}

static int has_suffix(const char *s, size_t len, const char *suf)
{
	size_t n = strlen(suf);
	return len >= n && memcmp(s + len - n, suf, n) == 0;
}

static int has_prefix(const char *s, size_t len, const char *pre)
{
	size_t n = strlen(pre);
	return len >= n && memcmp(s, pre, n) == 0;
}

static int contains(const char *s, size_t len, const char *needle)
{
	size_t n = strlen(needle);
	for (size_t i = 0; i + n <= len; i++)
		if (memcmp(s + i, needle, n) == 0)
			return 1;
	return 0;
}

static int contains_char(const char *s, size_t len, char c)
{
	return memchr(s, c, len) != NULL;
}

/*
 * The Go runtime and its internal packages, versus everything else
 * (runtime/pprof, runtime/trace and runtime/debug are ordinary libraries).
 */
static int go_runtime(const char *s, size_t len)
{
	return has_prefix(s, len, "runtime.") || has_prefix(s, len, "runtime/internal/") ||
		has_prefix(s, len, "internal/runtime/") || has_prefix(s, len, "runtime·");
}

static family from_lang(mt_lang lang, const char *s, size_t len)
{
	switch (lang) {
	case MT_LANG_GO:     return go_runtime(s, len) ? FAM_GO_RUNTIME : FAM_GO;
	case MT_LANG_JAVA:   return FAM_JAVA;
	case MT_LANG_JS:     return FAM_JS;
	case MT_LANG_NATIVE: return contains(s, len, "::") ? FAM_CPP : FAM_NATIVE;
	case MT_LANG_KERNEL: return FAM_KERNEL;
	case MT_LANG_PYTHON: return FAM_PYTHON;
	case MT_LANG_STATE:  return FAM_STATE;
	default:             return FAM_HOT;
	}
}

/* Java frames as folded by perf-map-agent / async-profiler. */
static int looks_java(const char *s, size_t len)
{
	static const char *const pkgs[] = { "java", "javax", "jdk", "sun", "com", "org",
		"net", "io", "scala", "kotlin" };
	const char *p = s;
	size_t n = len;
	if (n && *p == 'L')   /* JVM descriptor "Ljava/lang/..." */
		p++, n--;
	for (size_t i = 0; i < sizeof pkgs / sizeof pkgs[0]; i++) {
		size_t k = strlen(pkgs[i]);
		if (n > k && memcmp(p, pkgs[i], k) == 0 && (p[k] == '/' || p[k] == '.'))
			return 1;
	}
	return contains_char(s, len, '/') && !contains_char(s, len, ' ');
}

static int looks_js(const char *s, size_t len)
{
	return contains(s, len, ".js") || contains(s, len, ".mjs") || contains(s, len, ".ts:") ||
		has_prefix(s, len, "(anonymous") || has_prefix(s, len, "LazyCompile:") ||
		has_prefix(s, len, "Function:") || has_prefix(s, len, "~") ||
		has_prefix(s, len, "*") || has_prefix(s, len, "(program)") ||
		has_prefix(s, len, "(garbage collector)");
}

/* A Go symbol: "pkg.Func", "pkg.(*T).M", "example.com/x/y.F". */
static int looks_go(const char *s, size_t len)
{
	return contains_char(s, len, '.') && !contains(s, len, "::") && !looks_js(s, len);
}

static family origin_family(mt_palette p, const char *s, size_t len, mt_lang lang)
{
	/* collapser annotations win over everything */
	if (has_suffix(s, len, "_[k]"))
		return FAM_KERNEL;
	if (has_suffix(s, len, "_[j]"))
		return p == MT_PALETTE_JS ? FAM_JS : FAM_JAVA;
	if (has_suffix(s, len, "_[i]"))
		return FAM_INLINED;
	if (lang != MT_LANG_UNKNOWN)
		return from_lang(lang, s, len);

	switch (p) {
	case MT_PALETTE_GO:
		if (looks_go(s, len))
			return go_runtime(s, len) ? FAM_GO_RUNTIME : FAM_GO;
		return contains(s, len, "::") ? FAM_CPP : FAM_NATIVE;
	case MT_PALETTE_JAVA:
		if (looks_java(s, len))
			return FAM_JAVA;
		return contains(s, len, "::") ? FAM_CPP : FAM_NATIVE;
	case MT_PALETTE_JS:
		if (looks_js(s, len))
			return FAM_JS;
		return contains(s, len, "::") ? FAM_CPP : FAM_NATIVE;
	case MT_PALETTE_NATIVE:
		return contains(s, len, "::") ? FAM_CPP : FAM_NATIVE;
	default:
		return FAM_HOT;
	}
}

uint32_t mt_palette__color(mt_palette p, const char *name, size_t len, mt_lang lang,
	int is_root)
{
	family f;
	if (!name)
		name = "", len = 0;
	switch (p) {
	case MT_PALETTE_MEM: f = FAM_MEM; break;
	case MT_PALETTE_IO:  f = FAM_IO; break;
	case MT_PALETTE_ORIGIN:
	case MT_PALETTE_GO:
	case MT_PALETTE_JAVA:
	case MT_PALETTE_JS:
	case MT_PALETTE_NATIVE:
		f = is_root ? FAM_ROOT : origin_family(p, name, len, lang);
		break;
	default: f = FAM_HOT; break;
	}
	return shade(f, mt_hash64(name, len));
}
