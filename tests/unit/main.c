/*
 * main.c - run the unit-test suites, or those whose "suite: test" name
 * contains argv[1], and print one ok/not ok line per test and a summary.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

static const struct {
	const char *name;
	const struct unit_test *tests;
} unit_suites[] = {
	{ "util", util_tests },
	{ "frame", frame_tests },
	{ "jsonrpc", jsonrpc_tests },
	{ "position", position_tests },
	{ "uri", uri_tests },
	{ "document", document_tests },
	{ "config", config_tests },
	{ "deps", deps_tests },
	{ "sourcemap", sourcemap_tests },
	{ "pprof", pprof_tests },
	{ "escape", escape_tests },
	{ "gctrace", gctrace_tests },
	{ "goroutines", goroutines_tests },
	{ "flame", flame_tests },
	{ "leakfix", leakfix_tests },
	{ "leakline", leakline_tests },
	{ "leakmemo", leakmemo_tests },
	{ "flamehtml", flamehtml_tests },
};

static struct buf unit_log = BUF_INIT;	/* the current test's failures */
static int unit_failures;		/* checks failed in the current test */

/* Quote n bytes of s C-style into out. */
void
unit_quote(struct buf *out, const char *s, size_t n)
{
	size_t i;

	buf_addc(out, '"');
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\n')
			buf_adds(out, "\\n");
		else if (c == '\r')
			buf_adds(out, "\\r");
		else if (c == '"' || c == '\\')
			buf_addf(out, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			buf_addf(out, "\\x%02x", c);
		else
			buf_addc(out, (char)c);
	}
	buf_addc(out, '"');
}

/* Record one failed check of the current test. */
static void PRINTFLIKE(3, 4)
unit_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	buf_addf(&unit_log, "    %s:%d: %s\n", file, line, s);
	free(s);
	unit_failures++;
}

/* Add context under the current test's failures. */
void
unit_note(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	buf_addf(&unit_log, "      (%s)\n", s);
	free(s);
}

/* Check a condition. */
int
unit_check(int ok, const char *file, int line, const char *expr)
{
	if (!ok)
		unit_fail(file, line, "CHECK(%s) failed", expr);
	return ok;
}

/* Check two signed integers are equal. */
int
unit_check_int(long long a, long long b, const char *file, int line,
    const char *ea, const char *eb)
{
	if (a == b)
		return 1;
	unit_fail(file, line, "%s == %s: %lld != %lld", ea, eb, a, b);
	return 0;
}

/* Check two unsigned integers are equal. */
int
unit_check_uint(unsigned long long a, unsigned long long b, const char *file,
    int line, const char *ea, const char *eb)
{
	if (a == b)
		return 1;
	unit_fail(file, line, "%s == %s: %llu != %llu", ea, eb, a, b);
	return 0;
}

/* Check two doubles are exactly equal. */
int
unit_check_dbl(double a, double b, const char *file, int line,
    const char *ea, const char *eb)
{
	if (a == b)
		return 1;
	unit_fail(file, line, "%s == %s: %.17g != %.17g", ea, eb, a, b);
	return 0;
}

/* Append s quoted, or NULL. */
static void
unit_quote_str(struct buf *out, const char *s)
{
	if (s == NULL)
		buf_adds(out, "NULL");
	else
		unit_quote(out, s, strlen(s));
}

/* Check two strings (either may be NULL) are equal. */
int
unit_check_str(const char *a, const char *b, const char *file, int line,
    const char *ea, const char *eb)
{
	struct buf msg = BUF_INIT;

	if (a == b || (a != NULL && b != NULL && strcmp(a, b) == 0))
		return 1;
	buf_addf(&msg, "%s == %s:\n      got      ", ea, eb);
	unit_quote_str(&msg, a);
	buf_adds(&msg, "\n      expected ");
	unit_quote_str(&msg, b);
	unit_fail(file, line, "%s", buf_str(&msg));
	buf_release(&msg);
	return 0;
}

/* Check that s contains sub. */
int
unit_check_contains(const char *s, const char *sub, const char *file,
    int line, const char *es)
{
	struct buf msg = BUF_INIT;

	if (s != NULL && strstr(s, sub) != NULL)
		return 1;
	buf_addf(&msg, "%s contains ", es);
	unit_quote_str(&msg, sub);
	buf_adds(&msg, ":\n      got ");
	unit_quote_str(&msg, s);
	unit_fail(file, line, "%s", buf_str(&msg));
	buf_release(&msg);
	return 0;
}

/* Check two byte ranges are equal. */
int
unit_check_mem(const void *a, size_t alen, const void *b, size_t blen,
    const char *file, int line, const char *ea, const char *eb)
{
	struct buf msg = BUF_INIT;
	size_t i;

	if (alen == blen && (alen == 0 || memcmp(a, b, alen) == 0))
		return 1;
	for (i = 0; i < alen && i < blen; i++)
		if (((const char *)a)[i] != ((const char *)b)[i])
			break;
	buf_addf(&msg, "%s == %s: differ at byte %zu\n      got      "
	    "(%zu bytes) ", ea, eb, i, alen);
	if (a == NULL)
		buf_adds(&msg, "NULL");
	else
		unit_quote(&msg, a, alen);
	buf_addf(&msg, "\n      expected (%zu bytes) ", blen);
	if (b == NULL)
		buf_adds(&msg, "NULL");
	else
		unit_quote(&msg, b, blen);
	unit_fail(file, line, "%s", buf_str(&msg));
	buf_release(&msg);
	return 0;
}

/* Check a JSON value equals the value the JSON text describes. */
int
unit_check_json(const json_t *value, const char *text, const char *file,
    int line, const char *ev)
{
	json_error_t err;
	json_t *want = json_loads(text, JSON_DECODE_ANY, &err);
	char *got;
	int ok;

	if (want == NULL) {
		unit_fail(file, line, "bad expected JSON for %s: %s", ev,
		    err.text);
		return 0;
	}
	ok = value != NULL && json_equal(value, want);
	if (!ok) {
		got = value != NULL ? json_dumps(value, JSON_COMPACT |
		    JSON_ENCODE_ANY | JSON_SORT_KEYS) : NULL;
		unit_fail(file, line, "%s:\n      got      %s\n      "
		    "expected %s", ev, got != NULL ? got : "NULL", text);
		free(got);
	}
	json_decref(want);
	return ok;
}

/* Return whether a test is selected by the filter. */
static int
unit_selected(const char *suite, const char *test, const char *filter)
{
	char *full;
	int match;

	if (filter == NULL || strstr(suite, filter) != NULL)
		return 1;
	full = xasprintf("%s: %s", suite, test);
	match = strstr(full, filter) != NULL;
	free(full);
	return match;
}

/* Run the selected tests and report; exit 0 only when none failed. */
int
main(int argc, char **argv)
{
	const char *filter = argc > 1 ? argv[1] : NULL;
	const struct unit_test *t;
	unsigned passed = 0, failed = 0;
	size_t i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; i < ARRAY_SIZE(unit_suites); i++) {
		for (t = unit_suites[i].tests; t->name != NULL; t++) {
			if (!unit_selected(unit_suites[i].name, t->name,
			    filter))
				continue;
			buf_reset(&unit_log);
			unit_failures = 0;
			t->fn();
			if (unit_failures == 0) {
				printf("ok - %s: %s\n", unit_suites[i].name,
				    t->name);
				passed++;
			} else {
				printf("not ok - %s: %s\n%s",
				    unit_suites[i].name, t->name,
				    buf_str(&unit_log));
				failed++;
			}
		}
	}
	buf_release(&unit_log);
	if (passed + failed == 0 && filter != NULL)
		fprintf(stderr, "unit-tests: no test matches \"%s\"\n",
		    filter);
	printf("%u passed, %u failed\n", passed, failed);
	return failed == 0 ? 0 : 1;
}
