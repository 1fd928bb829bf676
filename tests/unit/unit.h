/*
 * unit.h - a tiny unit-test framework: each suite is a table of named test
 * functions, and a failed check marks its test failed but lets it go on.
 */
#ifndef HEAPLENS_UNIT_H
#define HEAPLENS_UNIT_H

#include <stddef.h>

#include <jansson.h>

#include "protocol/util.h"

/*
 * One test. A suite file exports `const struct unit_test NAME_tests[]`,
 * ended by a { NULL, NULL } row, and main.c lists the suite.
 */
struct unit_test {
	const char *name;
	void (*fn)(void);
};

extern const struct unit_test config_tests[];
extern const struct unit_test deps_tests[];
extern const struct unit_test sourcemap_tests[];
extern const struct unit_test document_tests[];
extern const struct unit_test escape_tests[];
extern const struct unit_test goroutines_tests[];
extern const struct unit_test flame_tests[];
extern const struct unit_test flamehtml_tests[];
extern const struct unit_test frame_tests[];
extern const struct unit_test gctrace_tests[];
extern const struct unit_test jsonrpc_tests[];
extern const struct unit_test leakfix_tests[];
extern const struct unit_test leakline_tests[];
extern const struct unit_test leakmemo_tests[];
extern const struct unit_test position_tests[];
extern const struct unit_test pprof_tests[];
extern const struct unit_test uri_tests[];
extern const struct unit_test util_tests[];

/*
 * The checks. Each returns 1 when it holds and 0 when it records a failure
 * (file:line, the expression and the values), so a test can stop early with
 * `if (!CHECK(p != NULL)) return;` when going on would crash.
 */
#define CHECK(cond) \
	unit_check((cond) != 0, __FILE__, __LINE__, #cond)
#define CHECK_INT_EQ(a, b) \
	unit_check_int((long long)(a), (long long)(b), __FILE__, __LINE__, \
	    #a, #b)
#define CHECK_UINT_EQ(a, b) \
	unit_check_uint((unsigned long long)(a), (unsigned long long)(b), \
	    __FILE__, __LINE__, #a, #b)
#define CHECK_DBL_EQ(a, b) \
	unit_check_dbl((double)(a), (double)(b), __FILE__, __LINE__, #a, #b)
#define CHECK_STR_EQ(a, b) \
	unit_check_str((a), (b), __FILE__, __LINE__, #a, #b)
#define CHECK_STR_CONTAINS(s, sub) \
	unit_check_contains((s), (sub), __FILE__, __LINE__, #s)
#define CHECK_MEM_EQ(a, alen, b, blen) \
	unit_check_mem((a), (alen), (b), (blen), __FILE__, __LINE__, #a, #b)
#define CHECK_NULL(p) \
	unit_check((p) == NULL, __FILE__, __LINE__, #p " == NULL")
/* Compare a JSON value with the JSON text expected (json_equal). */
#define CHECK_JSON_EQ(value, text) \
	unit_check_json((value), (text), __FILE__, __LINE__, #value)

int unit_check(int ok, const char *file, int line, const char *expr);
int unit_check_int(long long a, long long b, const char *file, int line,
    const char *ea, const char *eb);
int unit_check_uint(unsigned long long a, unsigned long long b,
    const char *file, int line, const char *ea, const char *eb);
int unit_check_dbl(double a, double b, const char *file, int line,
    const char *ea, const char *eb);
int unit_check_str(const char *a, const char *b, const char *file, int line,
    const char *ea, const char *eb);
int unit_check_contains(const char *s, const char *sub, const char *file,
    int line, const char *es);
int unit_check_mem(const void *a, size_t alen, const void *b, size_t blen,
    const char *file, int line, const char *ea, const char *eb);
int unit_check_json(const json_t *value, const char *text, const char *file,
    int line, const char *ev);

/* Add a line of context under the current test's failures. */
void unit_note(const char *fmt, ...) PRINTFLIKE(1, 2);

/* Quote n bytes of s C-style into out, escaping what is not printable. */
void unit_quote(struct buf *out, const char *s, size_t n);

#endif
