/*
 * escape-fuzzer.c - libFuzzer target for the escape-analysis reader: the
 * input goes through escape_parse() as it is and after a -json header
 * line, so that both forms are reached, and every report is checked
 * against the invariants of escape.h.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analyzers/escape.h"
#include "protocol/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char escape_fuzz_header[] = "{\"version\":0,\"package\":\"fuzz\","
    "\"file\":\"/fuzz/a.go\"}\n";

static const char escape_fuzz_no_diags[] = "fuzz: no compiler diagnostics "
    "found (expected go build -gcflags=-m output or -json files)";

/* Check a string a report hands out: present, and readable to its end. */
static void
escape_fuzz_str(const char *s)
{
	if (s == NULL)
		abort();
	(void)strlen(s);
}

/* Check a position: 1-based, within the compiler's int32. */
static void
escape_fuzz_pos(int64_t line, int64_t col)
{
	if (line < 1 || col < 1 || line > INT32_MAX || col > INT32_MAX)
		abort();
}

/* Return whether s is one of the report's shared strings. */
static int
escape_fuzz_shared(const struct escape_report *r, const char *s)
{
	size_t i;

	for (i = 0; i < r->nstrings; i++)
		if (r->strings[i] == s)
			return 1;
	return 0;
}

/* Order two sites as escape.h says reports are sorted. */
static int
escape_fuzz_order(const struct escape_site *a, const struct escape_site *b)
{
	int c;

	if ((c = strcmp(a->file, b->file)) != 0)
		return c;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->col != b->col)
		return a->col < b->col ? -1 : 1;
	if ((c = strcmp(a->kind, b->kind)) != 0)
		return c;
	return strcmp(a->message, b->message);
}

/* Check every site, step and string of a report. */
static void
escape_fuzz_check(const struct escape_report *r, enum escape_format format)
{
	const struct escape_site *s;
	const struct escape_step *st;
	size_t i, k;

	if (r->format != format)
		abort();
	if ((r->n > 0 && r->sites == NULL) ||
	    (r->nstrings > 0 && r->strings == NULL))
		abort();
	if (r->package != NULL)
		escape_fuzz_str(r->package);
	for (i = 0; i < r->nstrings; i++)
		escape_fuzz_str(r->strings[i]);
	for (i = 0; i < r->n; i++) {
		s = &r->sites[i];
		escape_fuzz_str(s->file);
		escape_fuzz_str(s->kind);
		escape_fuzz_str(s->message);
		if (s->subject != NULL)
			escape_fuzz_str(s->subject);
		if (!escape_fuzz_shared(r, s->file) ||
		    !escape_fuzz_shared(r, s->kind))
			abort();
		escape_fuzz_pos(s->line, s->col);
		if (s->category != escape_kind_category(s->kind) ||
		    escape_category_name(s->category) == NULL)
			abort();
		/* Sorted, and no two alike. */
		if (i > 0 && escape_fuzz_order(&r->sites[i - 1], s) >= 0)
			abort();
		if (s->nflow > ESCAPE_MAX_FLOW ||
		    (s->nflow > 0 && s->flow == NULL))
			abort();
		for (k = 0; k < s->nflow; k++) {
			st = &s->flow[k];
			escape_fuzz_str(st->file);
			escape_fuzz_str(st->message);
			if (!escape_fuzz_shared(r, st->file))
				abort();
			escape_fuzz_pos(st->line, st->col);
		}
	}
}

/*
 * Parse one input. A failure leaves the report empty and names the input:
 * text fails only when it holds no diagnostic, JSON at a line.
 */
static void
escape_fuzz_parse(const char *data, size_t size)
{
	enum escape_format format = ESCAPE_FORMAT_TEXT;
	struct escape_report r;
	char *cause = NULL;
	size_t i;

	for (i = 0; i < size && strchr(" \t\r\n", data[i]) != NULL &&
	    data[i] != '\0'; i++)
		;
	if (i < size && data[i] == '{')
		format = ESCAPE_FORMAT_JSON;
	if (escape_parse("fuzz", data, size, &r, &cause) == 0) {
		if (cause != NULL)
			abort();
		escape_fuzz_check(&r, format);
		escape_release(&r);
		if (r.n != 0 || r.sites != NULL || r.strings != NULL ||
		    r.package != NULL)
			abort();
		return;
	}
	if (cause == NULL || r.n != 0 || r.sites != NULL ||
	    r.strings != NULL || r.package != NULL)
		abort();
	if (format == ESCAPE_FORMAT_TEXT &&
	    strcmp(cause, escape_fuzz_no_diags) != 0)
		abort();
	if (format == ESCAPE_FORMAT_JSON && (strncmp(cause, "fuzz:", 5) != 0 ||
	    cause[5] < '1' || cause[5] > '9' ||
	    strstr(cause + 5, ": ") == NULL))
		abort();
	free(cause);
}

/* Run one input: as it is, then behind a header line, as a -json file. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t n = sizeof escape_fuzz_header - 1;
	char *json;

	escape_fuzz_parse((const char *)data, size);
	/* Exactly as long as the input: reading past it is a bug to find. */
	json = xmalloc(n + size);
	memcpy(json, escape_fuzz_header, n);
	if (size > 0)
		memcpy(json + n, data, size);
	escape_fuzz_parse(json, n + size);
	free(json);
	return 0;
}
