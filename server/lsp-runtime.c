/*
 * lsp-runtime.c - what the running program said about itself in the
 * editor: GC traces (heaplens/gcSummary; the warning when the live heap
 * grows is sent as a trace loads) and goroutine dumps (goroutine-leak
 * warnings where suspect groups block and where they were started, and
 * heaplens/goroutineGroups).
 */
#include <stdlib.h>
#include <string.h>

#include "evidence.h"
#include "lsp.h"
#include "present.h"
#include "protocol/json.h"
#include "protocol/uri.h"
#include "session.h"

/* Append ", +78 since goroutine-base.txt" when the group has a base. */
static void
lsp_runtime_growth(struct buf *b, const struct evidence_group *e)
{
	if (e->base != NULL)
		buf_addf(b, " \xe2\x80\x94 %+lld since %s",
		    (long long)e->g->growth, path_base(e->base->path));
}

/* Append "blocked in chan send" or, without states, "waiting". */
static void
lsp_runtime_state(struct buf *b, const struct goroutines_group *g)
{
	if (g->state != NULL)
		buf_addf(b, "blocked in %s", g->state);
	else
		buf_adds(b, "waiting");
}

/* Append the goroutine-leak diagnostics of a file. */
void
lsp_goroutine_diagnostics(struct session *s, const char *file,
    json_t *diags)
{
	const struct evidence_group *e;
	const struct goroutines_group *g;
	struct buf b = BUF_INIT;
	size_t n, i;

	e = evidence_groups(&s->evidence, &n);
	for (i = 0; i < n && e[i].suspect; i++) {
		g = e[i].g;
		if (e[i].file != NULL && g->line > 0 &&
		    strcmp(e[i].file, file) == 0) {
			buf_reset(&b);
			buf_addf(&b, "%lld goroutine%s ", (long long)g->count,
			    g->count == 1 ? "" : "s");
			lsp_runtime_state(&b, g);
			buf_adds(&b, " here");
			if (g->max_wait_minutes > 0)
				buf_addf(&b, " for %lld+ minutes",
				    (long long)g->max_wait_minutes);
			if (g->created_file != NULL)
				buf_addf(&b, " (created at %s:%lld)",
				    path_base(g->created_file),
				    (long long)g->created_line);
			lsp_runtime_growth(&b, &e[i]);
			buf_addf(&b, " [%s]", path_base(e[i].from->path));
			json_array_append_new(diags, lsp_line_diagnostic(
			    g->line, 2, "goroutine-leak", buf_detach(&b,
			    NULL)));
		}
		if (e[i].created != NULL && g->created_line > 0 &&
		    strcmp(e[i].created, file) == 0) {
			buf_reset(&b);
			buf_addf(&b, "%lld goroutine%s started here %s ",
			    (long long)g->count, g->count == 1 ? "" : "s",
			    g->count == 1 ? "is" : "are");
			lsp_runtime_state(&b, g);
			buf_addf(&b, " at %s:%lld", path_base(g->file),
			    (long long)g->line);
			lsp_runtime_growth(&b, &e[i]);
			buf_addf(&b, " [%s]", path_base(e[i].from->path));
			json_array_append_new(diags, lsp_line_diagnostic(
			    g->created_line, 2, "goroutine-leak",
			    buf_detach(&b, NULL)));
		}
	}
	buf_release(&b);
}

/* Append the files that have goroutine-leak diagnostics, once each. */
void
lsp_goroutine_files(struct session *s, json_t *files)
{
	const struct evidence_group *e;
	size_t n, i;

	e = evidence_groups(&s->evidence, &n);
	for (i = 0; i < n && e[i].suspect; i++) {
		if (e[i].file != NULL &&
		    !session_array_has_string(files, e[i].file))
			json_array_append_new(files, json_string(e[i].file));
		if (e[i].created != NULL &&
		    !session_array_has_string(files, e[i].created))
			json_array_append_new(files,
			    json_string(e[i].created));
	}
}

/* Return a location {file, line, uri?, range?} (new reference), or null. */
static json_t *
lsp_runtime_location(const char *file, int64_t line, const char *resolved)
{
	json_t *o;
	char *uri;

	if (file == NULL)
		return json_null();
	o = json_pack("{s:o, s:I}", "file", json_string_lossy(file), "line",
	    (json_int_t)line);
	if (resolved != NULL) {
		uri = uri_from_path(resolved);
		json_object_set_new(o, "uri", json_string(uri));
		json_object_set_new(o, "range", json_pack(
		    "{s:{s:I, s:i}, s:{s:I, s:i}}", "start", "line",
		    (json_int_t)line - 1, "character", 0, "end", "line",
		    (json_int_t)line, "character", 0));
		free(uri);
	}
	return o;
}

/* Return a string or null (new reference). */
static json_t *
lsp_runtime_str(const char *s)
{
	return s != NULL ? json_string_lossy(s) : json_null();
}

/* Return whether dumps lists path already. */
static int
lsp_runtime_listed(json_t *dumps, const char *path)
{
	json_t *d;
	size_t i;

	json_array_foreach(dumps, i, d)
		if (strcmp(json_string_value(json_object_get(d, "path")),
		    path) == 0)
			return 1;
	return 0;
}

/*
 * heaplens/goroutineGroups: the groups of the dumps shown (the newest of
 * each directory, compared with the one before it), suspects first.
 */
json_t *
lsp_goroutine_groups(struct session *s, json_t *params, json_t **error)
{
	const struct evidence_group *e;
	const struct goroutines_group *g;
	json_t *groups = json_array(), *dumps = json_array();
	size_t n, i;

	(void)params;
	(void)error;
	e = evidence_groups(&s->evidence, &n);
	for (i = 0; i < n; i++) {
		g = e[i].g;
		if (!lsp_runtime_listed(dumps, e[i].from->path))
			json_array_append_new(dumps, json_pack(
			    "{s:s, s:s, s:I, s:I, s:s?}", "path",
			    e[i].from->path, "format", goroutines_format_name(
			    e[i].from->dump->format), "total",
			    (json_int_t)e[i].from->dump->total, "filtered",
			    (json_int_t)e[i].from->dump->filtered, "base",
			    e[i].base != NULL ? e[i].base->path : NULL));
		json_array_append_new(groups, json_pack("{s:I, s:o, s:o, "
		    "s:o, s:b, s:b, s:o, s:o, s:o, s:o, s:s}",
		    "count", (json_int_t)g->count,
		    "state", lsp_runtime_str(g->state),
		    "maxWaitMinutes", g->max_wait_minutes >= 0 ?
		    json_integer(g->max_wait_minutes) : json_null(),
		    "function", lsp_runtime_str(g->function),
		    "user", g->user,
		    "suspect", e[i].suspect,
		    "growth", e[i].base != NULL ? json_integer(g->growth) :
		    json_null(),
		    "blockedAt", lsp_runtime_location(g->file, g->line,
		    e[i].file),
		    "createdBy", lsp_runtime_str(g->created_by),
		    "createdAt", lsp_runtime_location(g->created_file,
		    g->created_line, e[i].created),
		    "dump", e[i].from->path));
	}
	return json_pack("{s:o, s:o}", "dumps", dumps, "groups", groups);
}

/* Order traces newest first. */
static int
lsp_trace_cmp(const void *pa, const void *pb)
{
	const struct evidence_input *a = *(const struct evidence_input *const *)
	    pa, *b = *(const struct evidence_input *const *)pb;

	if (a->mtime_ns != b->mtime_ns)
		return a->mtime_ns > b->mtime_ns ? -1 : 1;
	return strcmp(a->path, b->path);
}

/*
 * heaplens/gcSummary: every loaded GC trace, newest first, summarised as
 * `heaplens gctrace --json` does (cycles, pauses, GC CPU, live heap and
 * the trend's verdict with its reason), with its path.
 */
json_t *
lsp_gc_summary(struct session *s, json_t *params, json_t **error)
{
	const struct evidence_input *p, **v = NULL;
	json_t *traces = json_array(), *t;
	size_t n = 0, i;

	(void)params;
	(void)error;
	for (p = s->evidence.inputs; p != NULL; p = p->next) {
		if (p->trace == NULL)
			continue;
		v = xrealloc(v, (n + 1) * sizeof *v);
		v[n++] = p;
	}
	if (n > 0)
		qsort(v, n, sizeof *v, lsp_trace_cmp);
	for (i = 0; i < n; i++) {
		t = gctrace_json(v[i]->trace);
		json_object_set_new(t, "path", json_string(v[i]->path));
		json_array_append_new(traces, t);
	}
	free(v);
	return json_pack("{s:o}", "traces", traces);
}
