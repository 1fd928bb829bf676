/*
 * lsp-check.c - the leak checks in the editor: run on open and save (and,
 * with checkOnChange, after edits settle) on the document's incrementally
 * parsed tree, again only on the functions that changed since the last run
 * (a memo per document), published as Warnings whose code is the check id,
 * and their quick fixes offered as code actions.
 */
#include <string.h>

#include "analyzers/leakcheck.h"
#include "config.h"
#include "lsp.h"
#include "protocol/json.h"
#include "protocol/uri.h"
#include "session.h"

/* Return whether a document is Go source. */
static int
lsp_check_is_go(const struct document *d)
{
	size_t n = d->path != NULL ? strlen(d->path) : 0;

	return strcmp(d->language, "go") == 0 ||
	    (n > 3 && strcmp(d->path + n - 3, ".go") == 0);
}

/* Run the enabled checks on a document's current text into out. */
static void
lsp_check_run(struct session *s, struct document *d,
    struct leak_memo *memo, struct leak_findings *out)
{
	struct leak_input in;
	json_t *flags, *v;
	int enabled[LEAK_MAX_CHECKS];
	size_t i;

	flags = json_object_get(session_settings(s, d->path), "checks");
	for (i = 0; i < leak_nchecks; i++) {
		v = json_object_get(flags, leak_checks[i]->id);
		enabled[i] = v == NULL || json_is_true(v);
	}
	memset(&in, 0, sizeof in);
	in.path = d->path;
	in.text = buf_str(&d->text);
	in.len = d->text.len;
	in.go_minor = leakcheck_go_minor(d->path);
	in.enabled = enabled;
	in.tree = document_tree(d);
	in.memo = memo;
	leakcheck_run(&in, out);
}

/* Run the enabled leak checks on an open document and publish. */
void
lsp_check_document(struct session *s, struct document *d)
{
	if (d->real == NULL || !lsp_check_is_go(d))
		return;
	leak_findings_release(&d->leaks);
	if (d->memo == NULL)
		d->memo = leak_memo_new();
	lsp_check_run(s, d, d->memo, &d->leaks);
	d->leaks_generation = d->generation;
	lsp_publish_file(s, d->real);
}

/* Return the LSP position of a byte offset in d as a JSON object. */
static json_t *
lsp_check_position(const struct document *d, size_t offset)
{
	size_t line, character;

	position_from_offset(&d->lines, buf_str(&d->text), d->text.len, offset,
	    &line, &character);
	return json_pack("{s:I, s:I}", "line", (json_int_t)line, "character",
	    (json_int_t)character);
}

/* Build the diagnostic of a leak finding in d's current text. */
json_t *
lsp_leak_diagnostic(const struct document *d, const struct leak_finding *f)
{
	const char *text = buf_str(&d->text);
	size_t line = f->line - 1, start, len, col;

	if (line >= d->lines.count)
		return NULL;
	start = d->lines.starts[line];
	len = line_index_length(&d->lines, text, d->text.len, line);
	col = f->col - 1 < len ? f->col - 1 : len;
	return json_pack(
	    "{s:{s:{s:I, s:I}, s:{s:I, s:I}}, s:i, s:s, s:s, s:o}",
	    "range", "start", "line", (json_int_t)line, "character",
	    (json_int_t)utf16_length(text + start, col), "end", "line",
	    (json_int_t)line, "character",
	    (json_int_t)utf16_length(text + start, len), "severity",
	    (int)f->severity, "source", "heaplens", "code", f->check,
	    "message", json_string_lossy(f->message));
}

/* Build the code action of a finding's quick fix. */
static json_t *
lsp_check_action(const struct document *d, const struct leak_finding *f)
{
	json_t *edits = json_array(), *diag;
	size_t i;

	for (i = 0; i < f->nedits; i++)
		json_array_append_new(edits, json_pack("{s:{s:o, s:o}, s:o}",
		    "range", "start", lsp_check_position(d, f->edits[i].start),
		    "end", lsp_check_position(d, f->edits[i].end), "newText",
		    json_string_lossy(f->edits[i].text)));
	diag = lsp_leak_diagnostic(d, f);
	return json_pack("{s:o, s:s, s:[o*], s:b, s:{s:{s:o}}}",
	    "title", json_string_lossy(f->fix), "kind", "quickfix",
	    "diagnostics", diag, "isPreferred", 1,
	    "edit", "changes", d->uri, edits);
}

/* Return whether the request's context.only lets quick fixes through. */
static int
lsp_check_wants_quickfix(json_t *params)
{
	json_t *only = json_object_get(json_object_get(params, "context"),
	    "only"), *k;
	const char *kind;
	size_t i;

	if (!json_is_array(only))
		return 1;
	json_array_foreach(only, i, k) {
		kind = json_string_value(k);
		/* A kind covers its sub-kinds: "" and "quickfix" both do. */
		if (kind != NULL && (kind[0] == '\0' ||
		    strcmp(kind, "quickfix") == 0))
			return 1;
	}
	return 0;
}

/* textDocument/codeAction: the quick fixes of findings in the range. */
json_t *
lsp_code_action(struct session *s, json_t *params, json_t **error)
{
	const char *uri = json_path_string(params, "textDocument.uri");
	struct leak_findings fresh = { NULL, 0, 0 };
	const struct leak_findings *found;
	long long first, last;
	struct document *d;
	json_t *actions;
	size_t i;

	if (uri == NULL || json_path_int(params, "range.start.line",
	    &first) != 0 || json_path_int(params, "range.end.line",
	    &last) != 0) {
		*error = lsp_invalid_params("codeAction needs textDocument.uri "
		    "and a range");
		return NULL;
	}
	d = session_document(s, uri);
	if (d == NULL) {
		*error = lsp_invalid_params("%s is not open", uri);
		return NULL;
	}
	actions = json_array();
	if (d->real == NULL || !lsp_check_is_go(d) ||
	    !lsp_check_wants_quickfix(params))
		return actions;
	/* Edits must fit the text as it is now, not as it was checked. */
	found = &d->leaks;
	if (d->leaks_generation != d->generation) {
		lsp_check_run(s, d, NULL, &fresh);
		found = &fresh;
	}
	for (i = 0; i < found->n; i++) {
		const struct leak_finding *f = &found->items[i];

		if (f->fix == NULL || (long long)f->line - 1 < first ||
		    (long long)f->line - 1 > last)
			continue;
		json_array_append_new(actions, lsp_check_action(d, f));
	}
	leak_findings_release(&fresh);
	return actions;
}
