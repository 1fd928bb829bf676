/*
 * test-leakline.c - leak_fix_line_after, through ticker-not-stopped's fix:
 * the new statement goes on a line of its own after the defining one, with
 * its indentation and line ending, past a trailing comment; nothing where
 * the statement shares its line with more code, or where the new line would
 * split comments gofmt aligns.
 */
#include <stdlib.h>
#include <string.h>

#include "analyzers/leakcheck.h"
#include "unit.h"

/*
 * Check text (package p, importing time) with ticker-not-stopped alone and
 * return its fixed text (NULL when no fix applies); *nfound gets how many
 * findings there were.
 */
static char *
fixed(const char *body, size_t *nfound)
{
	struct leak_findings f = { NULL, 0, 0 };
	const struct leak_check *c = leak_find("ticker-not-stopped");
	int *enabled = xcalloc(leak_nchecks, sizeof *enabled);
	char *text, *out;
	size_t i, len;

	for (i = 0; i < leak_nchecks; i++)
		enabled[i] = leak_checks[i] == c;
	text = xasprintf("package p\n\nimport \"time\"\n\n%s", body);
	leakcheck_file("p.go", text, strlen(text), 19, enabled, &f);
	*nfound = f.n;
	out = leak_apply_fixes(text, strlen(text), &f, 0, &len);
	leak_findings_release(&f);
	free(enabled);
	free(text);
	return out;
}

/* After the statement, indented as it, past its comment. */
static void
test_after_comment(void)
{
	size_t n;
	char *out = fixed("func f(quit chan int) {\n"
	    "\tif quit != nil {\n"
	    "\t\tt := time.NewTicker(time.Second) // poll\n"
	    "\t\t<-t.C\n"
	    "\t}\n"
	    "}\n", &n);

	CHECK_UINT_EQ(n, 1);
	if (CHECK(out != NULL))
		CHECK_STR_CONTAINS(out, "\t\tt := time.NewTicker(time.Second) "
		    "// poll\n\t\tdefer t.Stop()\n\t\t<-t.C\n");
	free(out);
}

/* A CRLF file gets a CRLF line. */
static void
test_crlf(void)
{
	size_t n;
	char *out = fixed("func f() {\r\n"
	    "\tt := time.NewTicker(time.Second)\r\n"
	    "\t<-t.C\r\n"
	    "}\r\n", &n);

	CHECK_UINT_EQ(n, 1);
	if (CHECK(out != NULL))
		CHECK_STR_CONTAINS(out, "time.Second)\r\n\tdefer t.Stop()\r\n"
		    "\t<-t.C\r\n");
	free(out);
}

/* A statement sharing its line gets a finding but no fix. */
static void
test_shared_line(void)
{
	size_t n;
	char *out = fixed("func f() { t := time.NewTicker(time.Second); "
	    "<-t.C }\n", &n);

	CHECK_UINT_EQ(n, 1);
	CHECK_NULL(out);
	free(out);
	out = fixed("func g() {\n"
	    "\tt := time.NewTicker(time.Second); <-t.C\n"
	    "}\n", &n);
	CHECK_UINT_EQ(n, 1);
	CHECK_NULL(out);
	free(out);
}

/* Between two aligned comments the new line would make gofmt realign. */
static void
test_aligned_comments(void)
{
	size_t n;
	char *out = fixed("func f() {\n"
	    "\tt := time.NewTicker(time.Second) // the ticker\n"
	    "\tn := 0                           // a count\n"
	    "\t<-t.C\n"
	    "\t_ = n\n"
	    "}\n", &n);

	CHECK_UINT_EQ(n, 1);
	CHECK_NULL(out);
	free(out);
}

const struct unit_test leakline_tests[] = {
	{ "a new line after the statement and its comment",
	    test_after_comment },
	{ "CRLF stays CRLF", test_crlf },
	{ "no fix where the statement shares its line", test_shared_line },
	{ "no fix between aligned comments", test_aligned_comments },
	{ NULL, NULL }
};
