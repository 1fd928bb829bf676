/*
 * lsp-evidence.c - what the evidence index shows in the editor: code lenses
 * per function, inlay hints and diagnostics on hot lines, growth warnings,
 * hovers with call paths, heaplens/lineCosts, and the commands that choose
 * what is shown.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzers/gosource.h"
#include "analyzers/lines.h"
#include "analyzers/sourcemap.h"
#include "analyzers/units.h"
#include "config.h"
#include "evidence.h"
#include "log.h"
#include "lsp.h"
#include "protocol/json.h"
#include "protocol/uri.h"
#include "session.h"

/* Short names for lenses, in the order they follow the active type. */
static const struct {
	const char *type;
	const char *label;
	int after;			/* label after the value: "3.0k objs" */
} lsp_lens_labels[] = {
	{ "alloc_space", "alloc", 0 },
	{ "alloc_objects", "objs", 1 },
	{ "inuse_space", "inuse", 0 },
	{ "inuse_objects", "inuse objs", 1 },
	{ "cpu", "cpu", 0 },
	{ "goroutine", "goroutines", 1 },
	{ "contentions", "contentions", 1 },
	{ "delay", "delay", 0 },
};

#define LSP_MAX_LENS_PARTS 3
#define LSP_HOVER_PATHS 3

/* Return the canonical path of the open document a request names. */
static char *
lsp_evidence_file(struct session *s, json_t *params, struct document **doc,
    json_t **error)
{
	const char *uri = json_path_string(params, "textDocument.uri");
	char real[PATH_MAX];

	*doc = NULL;
	if (uri == NULL) {
		*error = lsp_invalid_params("missing textDocument.uri");
		return NULL;
	}
	*doc = session_document(s, uri);
	if (*doc == NULL) {
		*error = lsp_invalid_params("%s is not open", uri);
		return NULL;
	}
	if ((*doc)->path == NULL)
		return NULL;
	return xstrdup(realpath((*doc)->path, real) != NULL ? real :
	    (*doc)->path);
}

/* Return a percentage of a total. */
static double
lsp_pct(int64_t v, int64_t total)
{
	return total != 0 ? 100.0 * (double)v / (double)total : 0;
}

/* Return whether a line is hot: |flat| at or above threshold percent. */
static int
lsp_hot(const struct evidence_line *l, double threshold)
{
	int64_t flat = l->flat < 0 ? -l->flat : l->flat;

	return l->total != 0 && flat != 0 &&
	    lsp_pct(flat, l->total) >= threshold;
}

/* Build a diagnostic covering line (1-based); steals message. */
json_t *
lsp_line_diagnostic(int64_t line, int severity, const char *code,
    char *message)
{
	json_t *d = json_pack("{s:{s:{s:I, s:i}, s:{s:I, s:i}}, s:i, s:s, "
	    "s:s, s:o}", "range", "start", "line", (json_int_t)line - 1,
	    "character", 0, "end", "line", (json_int_t)line, "character", 0,
	    "severity", severity, "source", "heaplens", "code", code,
	    "message", json_string_lossy(message));

	free(message);
	return d;
}

/* Return the open document whose file is file, or NULL. */
static struct document *
lsp_open_document(struct session *s, const char *file)
{
	struct document *d;

	for (d = s->documents; d != NULL; d = d->next)
		if (d->real != NULL && strcmp(d->real, file) == 0)
			return d;
	return NULL;
}

/* Append a document's leak findings as diagnostics. */
static void
lsp_leak_diagnostics(const struct document *d, json_t *diags)
{
	json_t *diag;
	size_t i;

	for (i = 0; i < d->leaks.n; i++) {
		diag = lsp_leak_diagnostic(d, &d->leaks.items[i]);
		if (diag != NULL)
			json_array_append_new(diags, diag);
	}
}

/* Build the diagnostics of one file: evidence and leak findings. */
static json_t *
lsp_file_diagnostics(struct session *s, const char *file)
{
	const struct evidence *ev = &s->evidence;
	const struct evidence_line *l;
	json_t *diags = json_array(), *settings = session_settings(s, file);
	double hot = config_number(settings, "hotThreshold");
	double grow = config_number(settings, "growthThreshold");
	char flat[32], cum[32];
	struct document *d;
	size_t n, i;

	l = evidence_file_lines(ev, file, ev->active, &n);
	for (i = 0; i < n; i++) {
		if (!lsp_hot(&l[i], hot))
			continue;
		json_array_append_new(diags, lsp_line_diagnostic(l[i].line, 3,
		    "hot-alloc", xasprintf("%s (%.1f%% of %s) on this line, "
		    "%s with what it calls [%s]",
		    units_format(l[i].flat, l[i].unit, flat, sizeof flat),
		    lsp_pct(l[i].flat, l[i].total), l[i].type,
		    units_format(l[i].cum, l[i].unit, cum, sizeof cum),
		    path_base(l[i].from->path))));
	}
	l = evidence_file_growth(ev, file, &n);
	for (i = 0; i < n; i++) {
		if (lsp_pct(l[i].flat, l[i].total) < grow)
			continue;
		json_array_append_new(diags, lsp_line_diagnostic(l[i].line, 2,
		    "growth", xasprintf("%s grew by %s (+%.1f%% of the base) "
		    "since %s [%s]", l[i].type,
		    units_format(l[i].flat, l[i].unit, flat, sizeof flat),
		    lsp_pct(l[i].flat, l[i].total),
		    path_base(s->evidence.base->path),
		    path_base(l[i].from->path))));
	}
	lsp_escape_diagnostics(s, file, diags);
	lsp_goroutine_diagnostics(s, file, diags);
	d = lsp_open_document(s, file);
	if (d != NULL)
		lsp_leak_diagnostics(d, diags);
	return diags;
}

/*
 * Publish a file's diagnostics (steals diags), unless they are what the
 * client already has: s->published keeps the last non-empty list per file,
 * so republishing after every change costs the client nothing.
 */
static void
lsp_publish(struct session *s, const char *file, json_t *diags)
{
	json_t *last = json_object_get(s->published, file);
	struct document *d;
	char *uri;

	if ((last == NULL && json_array_size(diags) == 0) ||
	    (last != NULL && json_equal(last, diags))) {
		json_decref(diags);
		return;
	}
	/* Before the table changes: file may be one of its keys. */
	uri = uri_from_path(file);
	if (json_array_size(diags) > 0)
		json_object_set(s->published, file, diags);
	else
		json_object_del(s->published, file);
	/* Answer in the client's own spelling of an open document's URI. */
	d = session_document(s, uri);
	session_notify(s, "textDocument/publishDiagnostics", json_pack(
	    "{s:s, s:o}", "uri", d != NULL ? d->uri : uri, "diagnostics",
	    diags));
	free(uri);
}

/*
 * The evidence changed: republish diagnostics (clearing files that lost
 * theirs) and ask the client to refresh lenses and hints.
 */
void
lsp_evidence_changed(struct session *s)
{
	const struct evidence *ev = &s->evidence;
	json_t *now = json_array(), *f;
	struct document *d;
	const char *last = NULL, *key;
	void *tmp;
	size_t i;

	if (s->state != SESSION_RUNNING)
		return;
	for (i = 0; i < ev->nlines + ev->ngrowth; i++) {
		const char *file = i < ev->nlines ? ev->lines[i].file :
		    ev->growth[i - ev->nlines].file;

		if (last != NULL && strcmp(last, file) == 0)
			continue;
		last = file;
		if (!session_array_has_string(now, file))
			json_array_append_new(now, json_string(file));
	}
	for (i = 0; i < ev->nsites; i++) {
		if (last != NULL && strcmp(last, ev->sites[i].file) == 0)
			continue;
		last = ev->sites[i].file;
		if (!session_array_has_string(now, last))
			json_array_append_new(now, json_string(last));
	}
	lsp_goroutine_files(s, now);
	for (d = s->documents; d != NULL; d = d->next)
		if (d->leaks.n > 0 && !session_array_has_string(now, d->real))
			json_array_append_new(now, json_string(d->real));
	if (json_array_size(now) == 0 && json_object_size(s->published) == 0) {
		json_decref(now);
		return;		/* nothing shown before or now */
	}
	json_array_foreach(now, i, f)
		lsp_publish(s, json_string_value(f),
		    lsp_file_diagnostics(s, json_string_value(f)));
	/* Files that had diagnostics and have none now are cleared. */
	json_object_foreach_safe(s->published, tmp, key, f)
		if (!session_array_has_string(now, key))
			lsp_publish(s, key, json_array());
	json_decref(now);
	if (json_path_bool(s->client_capabilities,
	    "workspace.codeLens.refreshSupport", 0))
		session_request(s, "workspace/codeLens/refresh", NULL, NULL,
		    NULL);
	if (json_path_bool(s->client_capabilities,
	    "workspace.inlayHint.refreshSupport", 0))
		session_request(s, "workspace/inlayHint/refresh", NULL, NULL,
		    NULL);
	session_notify(s, "heaplens/evidenceChanged", json_pack("{s:I, s:s?}",
	    "generation", (json_int_t)ev->generation, "sampleIndex",
	    ev->active));
}

/* Publish one file's diagnostics now (after its document was checked). */
void
lsp_publish_file(struct session *s, const char *file)
{
	lsp_publish(s, file, lsp_file_diagnostics(s, file));
}

/* Sum the flat cost of one type over lines first..last (1-based). */
static int64_t
lsp_function_sum(const struct evidence_line *l, size_t n, size_t first,
    size_t last, const char *type, const struct evidence_line **any)
{
	int64_t sum = 0;
	size_t i;

	*any = NULL;
	for (i = 0; i < n; i++) {
		if (strcmp(l[i].type, type) != 0 || l[i].line < (int64_t)first ||
		    l[i].line > (int64_t)last)
			continue;
		sum += l[i].flat;
		*any = &l[i];
	}
	return sum;
}

/* Append one part of a lens title. */
static void
lsp_lens_part(struct buf *title, const char *type, int64_t v,
    const struct evidence_line *l, int with_pct)
{
	const char *label = type;
	char value[32];
	size_t i;
	int after = 0;

	for (i = 0; i < ARRAY_SIZE(lsp_lens_labels); i++) {
		if (strcmp(lsp_lens_labels[i].type, type) == 0) {
			label = lsp_lens_labels[i].label;
			after = lsp_lens_labels[i].after;
		}
	}
	if (title->len > 0)
		buf_adds(title, " \xc2\xb7 ");
	units_format(v, l->unit, value, sizeof value);
	if (after)
		buf_addf(title, "%s %s", value, label);
	else
		buf_addf(title, "%s %s", label, value);
	if (with_pct)
		buf_addf(title, " (%.1f%%)", lsp_pct(v, l->total));
}

/* Build the lens title of one function, active type first. */
static char *
lsp_lens_title(const struct evidence *ev, const struct evidence_line *l,
    size_t n, const struct gosource_func *fn)
{
	const struct evidence_line *any;
	struct buf title = BUF_INIT;
	int64_t v;
	size_t i, parts = 0;

	if (ev->active != NULL) {
		v = lsp_function_sum(l, n, fn->start_line, fn->end_line,
		    ev->active, &any);
		if (any != NULL && v != 0) {
			lsp_lens_part(&title, ev->active, v, any, 1);
			parts++;
		}
	}
	for (i = 0; i < ARRAY_SIZE(lsp_lens_labels) &&
	    parts < LSP_MAX_LENS_PARTS; i++) {
		if (ev->active != NULL &&
		    strcmp(lsp_lens_labels[i].type, ev->active) == 0)
			continue;
		v = lsp_function_sum(l, n, fn->start_line, fn->end_line,
		    lsp_lens_labels[i].type, &any);
		if (any == NULL || v == 0)
			continue;
		lsp_lens_part(&title, lsp_lens_labels[i].type, v, any, 0);
		parts++;
	}
	if (parts == 0) {
		buf_release(&title);
		return NULL;
	}
	return buf_detach(&title, NULL);
}

/*
 * textDocument/codeLens: one lens per function declaration with cost, from
 * the lines the declaration spans in the document as it is now (closures
 * count toward the function that holds them).
 */
json_t *
lsp_code_lens(struct session *s, json_t *params, json_t **error)
{
	const struct evidence_line *l;
	const struct gosource_func *fns;
	struct document *doc;
	json_t *lenses = json_array();
	char *file, *title;
	size_t nfns, n, i;

	file = lsp_evidence_file(s, params, &doc, error);
	if (*error != NULL) {
		json_decref(lenses);
		return NULL;
	}
	l = evidence_file_lines(&s->evidence, file, NULL, &n);
	if (n == 0) {
		free(file);
		return lenses;
	}
	fns = document_outline(doc, &nfns);
	for (i = 0; i < nfns; i++) {
		title = lsp_lens_title(&s->evidence, l, n, &fns[i]);
		if (title == NULL)
			continue;
		json_array_append_new(lenses, json_pack(
		    "{s:{s:{s:I, s:i}, s:{s:I, s:i}}, s:{s:o, s:s, s:[]}}",
		    "range", "start", "line", (json_int_t)fns[i].start_line - 1,
		    "character", 0, "end", "line",
		    (json_int_t)fns[i].start_line - 1, "character", 0,
		    "command", "title", json_string_lossy(title), "command",
		    "heaplens.selectSampleIndex", "arguments"));
		free(title);
	}
	free(file);
	return lenses;
}

/* Return the UTF-16 length of a document line (0-based). */
static size_t
lsp_line_end(const struct document *d, size_t line)
{
	size_t len = line_index_length(&d->lines, buf_str(&d->text),
	    d->text.len, line);

	if (line >= d->lines.count)
		return 0;
	return utf16_length(buf_str(&d->text) + d->lines.starts[line], len);
}

/* textDocument/inlayHint: the active type's cost at the end of hot lines. */
json_t *
lsp_inlay_hint(struct session *s, json_t *params, json_t **error)
{
	const struct evidence_line *l;
	struct document *doc;
	json_t *hints = json_array();
	long long first = 0, last = LLONG_MAX;
	double hot;
	char *file, *label;
	size_t n, i;

	file = lsp_evidence_file(s, params, &doc, error);
	if (*error != NULL) {
		json_decref(hints);
		return NULL;
	}
	json_path_int(params, "range.start.line", &first);
	json_path_int(params, "range.end.line", &last);
	hot = config_number(session_settings(s, file), "hotThreshold");
	l = evidence_file_lines(&s->evidence, file, s->evidence.active, &n);
	for (i = 0; i < n; i++) {
		char v[32];

		if (!lsp_hot(&l[i], hot) || l[i].line - 1 < first ||
		    l[i].line - 1 > last)
			continue;
		label = xasprintf("%s (%.1f%%)", units_format(l[i].flat,
		    l[i].unit, v, sizeof v), lsp_pct(l[i].flat, l[i].total));
		json_array_append_new(hints, json_pack(
		    "{s:{s:I, s:I}, s:o, s:b, s:s}", "position", "line",
		    (json_int_t)l[i].line - 1, "character",
		    (json_int_t)lsp_line_end(doc, (size_t)l[i].line - 1),
		    "label", json_string_lossy(label), "paddingLeft", 1,
		    "tooltip", l[i].type));
		free(label);
	}
	free(file);
	return hints;
}

/* heaplens/lineCosts: every line's cost of the active type. */
json_t *
lsp_line_costs(struct session *s, json_t *params, json_t **error)
{
	const struct evidence_line *l;
	struct document *doc;
	json_t *lines = json_array();
	char *file, v[32], *label;
	int64_t total = 0;
	const char *unit = NULL;
	size_t n, i;

	file = lsp_evidence_file(s, params, &doc, error);
	if (*error != NULL) {
		json_decref(lines);
		return NULL;
	}
	l = evidence_file_lines(&s->evidence, file, s->evidence.active, &n);
	for (i = 0; i < n; i++) {
		total = l[i].total;
		unit = l[i].unit;
		label = xasprintf("%s (%.1f%%)", units_format(l[i].flat,
		    l[i].unit, v, sizeof v), lsp_pct(l[i].flat, l[i].total));
		json_array_append_new(lines, json_pack("{s:I, s:I, s:I, s:o}",
		    "line", (json_int_t)l[i].line - 1, "flat",
		    (json_int_t)l[i].flat, "cum", (json_int_t)l[i].cum,
		    "label", json_string_lossy(label)));
		free(label);
	}
	free(file);
	return json_pack("{s:s?, s:s?, s:I, s:o}", "sampleIndex",
	    s->evidence.active, "unit", unit, "total", (json_int_t)total,
	    "lines", lines);
}

/* Append the top call paths into a line to a hover. */
static void
lsp_hover_paths(struct session *s, struct buf *md,
    const struct evidence_line *l)
{
	struct lines_path paths[LSP_HOVER_PATHS];
	const struct pprof_profile *p = l->from->profile;
	const struct pprof_function *f;
	const char *file;
	char v[32], *uri;
	size_t n, i, k;
	int idx = pprof_sample_index(p, l->type, NULL);

	if (idx < 0)
		return;
	/* The index keys resolved files; the profile has its own paths. */
	n = 0;
	for (i = 0; i < p->nfunctions && n == 0; i++) {
		if (strcmp(p->functions[i].name, l->function) != 0)
			continue;
		n = lines_paths(p, idx, p->functions[i].filename, l->line,
		    paths, LSP_HOVER_PATHS);
	}
	if (n == 0)
		return;
	buf_addf(md, "\n**Top call paths** (%s):\n", l->type);
	for (i = 0; i < n; i++) {
		buf_addf(md, "\n%zu. %s\n", i + 1, units_format(paths[i].value,
		    l->unit, v, sizeof v));
		for (k = paths[i].nframes; k-- > 0; ) {
			f = &p->functions[paths[i].frames[k]->function];
			file = sourcemap_resolve(s->evidence.map, f->filename);
			if (file != NULL) {
				uri = uri_from_path(file);
				buf_addf(md, "   - `%s` [%s:%lld](%s#L%lld)\n",
				    f->name, path_base(file),
				    (long long)paths[i].frames[k]->line, uri,
				    (long long)paths[i].frames[k]->line);
				free(uri);
			} else {
				buf_addf(md, "   - `%s` %s:%lld\n", f->name,
				    f->filename,
				    (long long)paths[i].frames[k]->line);
			}
		}
	}
	lines_paths_release(paths, n);
}

/* textDocument/hover: a line's cost in every sample type, and call paths. */
json_t *
lsp_hover(struct session *s, json_t *params, json_t **error)
{
	const struct evidence_line *l, *active = NULL;
	struct buf md = BUF_INIT;
	struct document *doc;
	long long line;
	char *file, flat[32], cum[32];
	size_t n, i;
	json_t *result;

	file = lsp_evidence_file(s, params, &doc, error);
	if (*error != NULL)
		return NULL;
	if (json_path_int(params, "position.line", &line) != 0) {
		free(file);
		*error = lsp_invalid_params("missing position.line");
		return NULL;
	}
	l = evidence_file_lines(&s->evidence, file, NULL, &n);
	for (i = 0; i < n; i++) {
		if (l[i].line != line + 1)
			continue;
		if (md.len == 0)
			buf_addf(&md, "**heaplens** \xe2\x80\x94 `%s` line %lld\n\n"
			    "| sample type | flat | cum |\n|---|---:|---:|\n",
			    l[i].function, line + 1);
		buf_addf(&md, "| %s | %s (%.1f%%) | %s (%.1f%%) |\n",
		    l[i].type, units_format(l[i].flat, l[i].unit, flat,
		    sizeof flat), lsp_pct(l[i].flat, l[i].total),
		    units_format(l[i].cum, l[i].unit, cum, sizeof cum),
		    lsp_pct(l[i].cum, l[i].total));
		if (s->evidence.active != NULL &&
		    strcmp(l[i].type, s->evidence.active) == 0)
			active = &l[i];
	}
	if (active != NULL)
		lsp_hover_paths(s, &md, active);
	lsp_escape_hover(s, file, line + 1, &md);
	if (md.len == 0) {
		free(file);
		return json_null();
	}
	result = json_pack("{s:{s:s, s:o}, s:{s:{s:I, s:i}, s:{s:I, s:i}}}",
	    "contents", "kind", "markdown", "value",
	    json_string_lossy(buf_str(&md)), "range", "start", "line",
	    (json_int_t)line, "character", 0, "end", "line", (json_int_t)line,
	    "character", (int)lsp_line_end(doc, (size_t)line));
	buf_release(&md);
	free(file);
	return result;
}

/* Read a path argument: an absolute path or a file URI. */
static char *
lsp_path_argument(json_t *arguments, json_t **error)
{
	const char *arg = json_string_value(json_array_get(arguments, 0));
	char *path;

	if (arg == NULL) {
		*error = lsp_invalid_params("expected a path or file URI as "
		    "the first argument");
		return NULL;
	}
	if (strncmp(arg, "file:", 5) == 0) {
		char *cause = NULL;

		path = uri_to_path(arg, &cause);
		if (path == NULL) {
			*error = lsp_invalid_params("%s", cause);
			free(cause);
		}
		return path;
	}
	if (arg[0] != '/') {
		*error = lsp_invalid_params("\"%s\" is not an absolute path",
		    arg);
		return NULL;
	}
	return xstrdup(arg);
}

/* Load a profile or a base from a command's first argument. */
static json_t *
lsp_load_command(struct session *s, json_t *arguments, int as_base,
    json_t **error)
{
	char *path = lsp_path_argument(arguments, error), *cause = NULL;

	if (path == NULL)
		return NULL;
	if (evidence_load(&s->evidence, path, as_base, &cause) != 0) {
		*error = jsonrpc_error_object(JSONRPC_REQUEST_FAILED, "%s",
		    cause);
		free(cause);
		free(path);
		return NULL;
	}
	free(path);
	return json_pack("{s:o}", "inputs", evidence_status(&s->evidence));
}

/* heaplens.loadProfile PATH: load (or reload) one profile. */
json_t *
lsp_cmd_load_profile(struct session *s, json_t *arguments, json_t *token,
    json_t **error)
{
	(void)token;
	return lsp_load_command(s, arguments, 0, error);
}

/* heaplens.setBase PATH: compare the newest profile against this one. */
json_t *
lsp_cmd_set_base(struct session *s, json_t *arguments, json_t *token,
    json_t **error)
{
	(void)token;
	return lsp_load_command(s, arguments, 1, error);
}

/* heaplens.clearBase: stop comparing. */
json_t *
lsp_cmd_clear_base(struct session *s, json_t *arguments, json_t *token,
    json_t **error)
{
	(void)arguments;
	(void)token;
	(void)error;
	evidence_clear_base(&s->evidence);
	return json_null();
}

/*
 * heaplens.selectSampleIndex [NAME]: show NAME; without one, move to the
 * next sample type there is (what clicking a lens does).
 */
json_t *
lsp_cmd_select_sample_index(struct session *s, json_t *arguments,
    json_t *token, json_t **error)
{
	const char *name = json_string_value(json_array_get(arguments, 0));
	json_t *types, *t;
	char *cause = NULL;
	size_t i;

	(void)token;
	types = evidence_types(&s->evidence);
	if (name == NULL && json_array_size(types) > 0) {
		name = json_string_value(json_array_get(types, 0));
		json_array_foreach(types, i, t)
			if (s->evidence.active != NULL && strcmp(
			    json_string_value(t), s->evidence.active) == 0)
				name = json_string_value(json_array_get(types,
				    (i + 1) % json_array_size(types)));
	}
	if (name == NULL) {
		json_decref(types);
		*error = jsonrpc_error_object(JSONRPC_REQUEST_FAILED,
		    "no profile is loaded");
		return NULL;
	}
	if (evidence_select(&s->evidence, name, &cause) != 0) {
		json_decref(types);
		*error = lsp_invalid_params("%s", cause);
		free(cause);
		return NULL;
	}
	json_decref(types);
	return json_pack("{s:s}", "sampleIndex", s->evidence.active);
}
