/*
 * tests/testlib.h - a tiny assertion library in the spirit of clar.
 * Each test is `static void test_<module>__<case>(void)`, run by MT_RUN().
 */
#ifndef MT_TESTLIB_H
#define MT_TESTLIB_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int mt_t_failed __attribute__((unused)), mt_t_run __attribute__((unused));
static const char *mt_t_current __attribute__((unused));

/* records a failure and goes on (for helpers that return a value) */
#define MT_RECORD_FAIL_(...)                                                  \
	do {                                                                      \
		fprintf(stderr, "%s:%d: %s: ", __FILE__, __LINE__, mt_t_current);   \
		fprintf(stderr, __VA_ARGS__);                                         \
		fputc('\n', stderr);                                                  \
		mt_t_failed++;                                                        \
	} while (0)

/* records a failure and leaves the test */
#define MT_FAIL_(...)                                                         \
	do {                                                                      \
		MT_RECORD_FAIL_(__VA_ARGS__);                                         \
		return;                                                               \
	} while (0)

#define CHECK(cond) do { if (!(cond)) MT_FAIL_("check failed: %s", #cond); } while (0)
#define CHECK_EQ_I(a, b)                                                      \
	do {                                                                      \
		long long a_ = (long long)(a), b_ = (long long)(b);                   \
		if (a_ != b_)                                                         \
			MT_FAIL_("%s == %lld, expected %s == %lld", #a, a_, #b, b_);     \
	} while (0)
#define CHECK_EQ_S(a, b)                                                      \
	do {                                                                      \
		const char *a_ = (a), *b_ = (b);                                      \
		if (!a_ || !b_ || strcmp(a_, b_) != 0)                                \
			MT_FAIL_("%s == \"%s\", expected \"%s\"", #a, a_ ? a_ : "(null)", \
				b_ ? b_ : "(null)");                                          \
	} while (0)
#define CHECK_OK(expr)                                                        \
	do {                                                                      \
		int r_ = (expr);                                                      \
		if (r_ != 0)                                                          \
			MT_FAIL_("%s returned %d", #expr, r_);                            \
	} while (0)

#define MT_RUN(fn)                                                            \
	do {                                                                      \
		int before_ = mt_t_failed;                                            \
		mt_t_current = #fn;                                                   \
		mt_t_run++;                                                           \
		fn();                                                                 \
		if (mt_t_failed == before_)                                           \
			printf("ok %d - %s\n", mt_t_run, #fn);                            \
		else                                                                  \
			printf("not ok %d - %s\n", mt_t_run, #fn);                        \
	} while (0)

#define MT_DONE()                                                             \
	do {                                                                      \
		printf("1..%d\n", mt_t_run);                                          \
		return mt_t_failed ? 1 : 0;                                           \
	} while (0)

/* Path of ../shared relative to the source root, or NULL (tests then skip). */
static inline const char *mt_t_shared(void)
{
	const char *s = getenv("MT_SHARED");
	return (s && *s) ? s : NULL;
}

#endif
