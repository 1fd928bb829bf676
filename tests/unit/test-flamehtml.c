/*
 * test-flamehtml.c - unit tests for analyzers/flame-html.c: the page embeds
 * the tree so that no name breaks out of it, loads nothing, and reports
 * write errors.
 *
 * With FLAMEHTML_PAGE=FILE in the environment, the "sample page" test also
 * writes its page to FILE: tests/cli/t0010-flame-html.sh opens that page in
 * Chromium while `heaplens flame --html` does not exist on this branch.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "analyzers/flame-html.h"
#include "protocol/util.h"
#include "unit.h"

#define FLAMEHTML_DATA_OPEN "<script id=\"flame-data\" type=\"application/json\">"

/*
 * A tree shaped like `heaplens flame --json` of samples/escapes' allocs
 * profile (alloc_space), with one hostile function name and file added.
 */
static const char flamehtml_sample[] =
    "{\"sample_index\": \"alloc_space\", \"unit\": \"bytes\","
    " \"total\": 280694939, \"root\": {\"name\": \"root\","
    " \"value\": 280694939, \"self\": 0, \"children\": ["
    "{\"name\": \"runtime.main\", \"value\": 279226000, \"self\": 4147,"
    " \"file\": \"/usr/lib/go-1.19/src/runtime/proc.go\", \"line\": 250,"
    " \"resolved\": false, \"children\": ["
    "{\"name\": \"main.main\", \"value\": 279221853, \"self\": 0,"
    " \"file\": \"samples/escapes/main.go\", \"line\": 122,"
    " \"resolved\": true, \"children\": ["
    "{\"name\": \"main.(*logEntry).format\", \"value\": 98671749,"
    " \"self\": 34375147, \"file\": \"samples/escapes/main.go\","
    " \"line\": 42, \"resolved\": true, \"children\": ["
    "{\"name\": \"fmt.Sprintf\", \"value\": 54185145, \"self\": 54185145,"
    " \"file\": \"/usr/lib/go-1.19/src/fmt/print.go\", \"line\": 220,"
    " \"resolved\": false, \"children\": []},"
    "{\"name\": \"time.Time.Format\", \"value\": 10111457,"
    " \"self\": 10111457, \"file\": \"/usr/lib/go-1.19/src/time/format.go\","
    " \"line\": 609, \"resolved\": false, \"children\": []}]},"
    "{\"name\": \"main.latencyTracker\", \"value\": 92229765,"
    " \"self\": 92229765, \"file\": \"samples/escapes/main.go\","
    " \"line\": 72, \"resolved\": true, \"children\": []},"
    "{\"name\": \"main.newEntry\", \"value\": 46131927, \"self\": 46131927,"
    " \"file\": \"samples/escapes/main.go\", \"line\": 34,"
    " \"resolved\": true, \"children\": []},"
    "{\"name\": \"main.evil</script><!--<script>alert(1)</SCRIPT>\","
    " \"value\": 40000000, \"self\": 40000000,"
    " \"file\": \"a&b/<c>.go\", \"line\": 1, \"resolved\": true,"
    " \"children\": []}]}]}]}}";

/* Return the page for doc as a new string, or NULL (with *cause) on error. */
static char *
flamehtml_render(const char *title, json_t *doc, char **cause)
{
	char *page = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&page, &len);
	int rc;

	if (f == NULL)
		return NULL;
	rc = flame_html_write(f, title, doc, cause);
	fclose(f);
	if (rc != 0) {
		free(page);
		return NULL;
	}
	return page;
}

/* Return the sample tree (new reference). */
static json_t *
flamehtml_doc(void)
{
	json_error_t err;
	json_t *doc = json_loads(flamehtml_sample, 0, &err);

	if (doc == NULL)
		unit_note("bad sample JSON: %s", err.text);
	return doc;
}

/* Count the occurrences of sub in s, ignoring case. */
static int
flamehtml_count(const char *s, const char *sub)
{
	size_t n = strlen(sub);
	int count = 0;

	for (; *s != '\0'; s++)
		if (strncasecmp(s, sub, n) == 0)
			count++;
	return count;
}

/*
 * Check the data element holds the tree's JSON with no '<' at all (so no
 * "</script" nor "<!--"), and that it decodes to the very tree.
 */
static void
test_data_escaped(void)
{
	json_t *doc = flamehtml_doc(), *back;
	char *page, *data, *end;

	if (!CHECK(doc != NULL))
		return;
	page = flamehtml_render("t", doc, NULL);
	if (!CHECK(page != NULL))
		goto out;
	data = strstr(page, FLAMEHTML_DATA_OPEN);
	if (!CHECK(data != NULL))
		goto out;
	data += strlen(FLAMEHTML_DATA_OPEN);
	end = strchr(data, '<');
	if (!CHECK(end != NULL))
		goto out;
	CHECK(strncmp(end, "</script>\n", 10) == 0);
	*end = '\0';
	CHECK_STR_CONTAINS(data, "main.evil\\u003c\\/script\\u003e"
	    "\\u003c!--\\u003cscript\\u003e");
	CHECK_STR_CONTAINS(data, "a\\u0026b\\/\\u003cc\\u003e.go");
	back = json_loads(data, 0, NULL);
	CHECK(back != NULL && json_equal(back, doc));
	json_decref(back);
	*end = '<';
	/* The data's element and the renderer's: no other script ends. */
	CHECK_INT_EQ(flamehtml_count(page, "</script"), 2);
	CHECK_INT_EQ(flamehtml_count(page, "<script"), 2);
	CHECK_INT_EQ(flamehtml_count(page, "<!--"), 0);
out:
	free(page);
	json_decref(doc);
}

/* Check the title is written as text in <title> and <h1>. */
static void
test_title_escaped(void)
{
	json_t *doc = flamehtml_doc();
	char *page;

	if (!CHECK(doc != NULL))
		return;
	page = flamehtml_render("a <b>\"&</title>", doc, NULL);
	CHECK_STR_CONTAINS(page,
	    "<title>a &lt;b&gt;&quot;&amp;&lt;/title&gt;</title>\n");
	CHECK_STR_CONTAINS(page, "<h1>a &lt;b&gt;&quot;&amp;&lt;/title&gt;</h1>");
	free(page);
	page = flamehtml_render(NULL, doc, NULL);
	CHECK_STR_CONTAINS(page, "<title>heaplens flame graph</title>");
	free(page);
	json_decref(doc);
}

/*
 * Check the page refers to nothing outside itself and forbids loading
 * anything: no URL, no src or href attribute, no CSS import or url().
 */
static void
test_self_contained(void)
{
	json_t *doc = flamehtml_doc();
	char *page;

	if (!CHECK(doc != NULL))
		return;
	page = flamehtml_render("t", doc, NULL);
	if (!CHECK(page != NULL))
		goto out;
	CHECK_NULL(strstr(page, "http://"));
	CHECK_NULL(strstr(page, "https://"));
	CHECK_NULL(strstr(page, "//cdn"));
	CHECK_NULL(strstr(page, " src="));
	CHECK_NULL(strstr(page, " href="));
	CHECK_NULL(strstr(page, "@import"));
	CHECK_NULL(strstr(page, "url("));
	CHECK_NULL(strstr(page, "<link"));
	CHECK_NULL(strstr(page, "<img"));
	CHECK_STR_CONTAINS(page, "content=\"default-src 'none'; "
	    "style-src 'unsafe-inline'; script-src 'unsafe-inline'\"");
	CHECK(strncmp(page, "<!DOCTYPE html>\n", 16) == 0);
	CHECK_STR_CONTAINS(page, "</html>\n");
	CHECK_STR_CONTAINS(page, "<pre id=\"selftest\" hidden></pre>");
out:
	free(page);
	json_decref(doc);
}

/* Check a failed write is reported with its reason. */
static void
test_write_error(void)
{
	json_t *doc = flamehtml_doc();
	char *cause = NULL;
	FILE *f;

	if (!CHECK(doc != NULL))
		return;
	f = fopen("/dev/full", "w");
	if (f == NULL) {
		unit_note("no /dev/full: write errors not checked");
		json_decref(doc);
		return;
	}
	CHECK_INT_EQ(flame_html_write(f, "t", doc, &cause), -1);
	CHECK_STR_CONTAINS(cause, "cannot write the HTML page: ");
	fclose(f);
	free(cause);
	json_decref(doc);
}

/* Check a document that is not an object is refused. */
static void
test_not_object(void)
{
	json_t *doc = json_array();
	char *cause = NULL;

	CHECK_NULL(flamehtml_render("t", doc, &cause));
	CHECK_STR_EQ(cause, "the flame tree is not a JSON object");
	free(cause);
	json_decref(doc);
}

/*
 * Write the sample page where FLAMEHTML_PAGE says, for the Chromium test
 * to open until `heaplens flame --html` exists.
 */
static void
test_sample_page(void)
{
	const char *path = getenv("FLAMEHTML_PAGE");
	json_t *doc = flamehtml_doc();
	char *cause = NULL;
	FILE *f;

	if (!CHECK(doc != NULL))
		return;
	if (path != NULL && *path != '\0') {
		f = fopen(path, "w");
		if (CHECK(f != NULL)) {
			CHECK_INT_EQ(flame_html_write(f, "escapes allocs",
			    doc, &cause), 0);
			CHECK_NULL(cause);
			CHECK_INT_EQ(fclose(f), 0);
		}
	} else {
		free(flamehtml_render("escapes allocs", doc, &cause));
		CHECK_NULL(cause);
	}
	free(cause);
	json_decref(doc);
}

const struct unit_test flamehtml_tests[] = {
	{ "data escaped", test_data_escaped },
	{ "title escaped", test_title_escaped },
	{ "self-contained", test_self_contained },
	{ "write error", test_write_error },
	{ "not an object", test_not_object },
	{ "sample page", test_sample_page },
	{ NULL, NULL },
};
