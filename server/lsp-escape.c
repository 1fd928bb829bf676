/*
 * lsp-escape.c - the compiler's escape analysis in the editor: one
 * Information diagnostic per site the `annotations` setting asks for, with
 * what the profiles measured at its line ("moved to heap: e — 44.0 MB
 * (16.4%) allocated here") and the compiler's explanation as
 * relatedInformation, and the whole explanation in the hover.
 *
 * The compiler counts columns in bytes; LSP counts UTF-16 units. Each
 * site's column is converted with the file's text: the open document's
 * when there is one (what the user sees), else the file on disk.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "analyzers/units.h"
#include "config.h"
#include "evidence.h"
#include "lsp.h"
#include "protocol/json.h"
#include "protocol/position.h"
#include "protocol/uri.h"
#include "session.h"

/* Files read to convert columns: the site's own, and its flow's. */
#define LSP_ESCAPE_SOURCES 8
/* Bound on a file read from disk for its columns. */
#define LSP_ESCAPE_MAX_SOURCE (16u << 20)

struct lsp_source {
	const char *file;		/* NULL: slot free */
	const char *text;
	size_t len;
	const struct line_index *lines;
	struct line_index own_lines;
	char *owned;			/* text read from disk */
};

struct lsp_sources {
	struct session *session;
	struct lsp_source items[LSP_ESCAPE_SOURCES];
	size_t next;			/* slot to reuse when full */
};

/* Release what the sources read. */
static void
lsp_sources_release(struct lsp_sources *ss)
{
	size_t i;

	for (i = 0; i < LSP_ESCAPE_SOURCES; i++) {
		free(ss->items[i].owned);
		line_index_release(&ss->items[i].own_lines);
	}
	memset(ss, 0, sizeof *ss);
}

/* Read a file of at most LSP_ESCAPE_MAX_SOURCE bytes, or return NULL. */
static char *
lsp_source_read(const char *file, size_t *len)
{
	struct stat st;
	FILE *fp;
	char *text;

	if (stat(file, &st) != 0 || !S_ISREG(st.st_mode) ||
	    (size_t)st.st_size > LSP_ESCAPE_MAX_SOURCE)
		return NULL;
	fp = fopen(file, "rb");
	if (fp == NULL)
		return NULL;
	text = xmalloc((size_t)st.st_size + 1);
	*len = fread(text, 1, (size_t)st.st_size, fp);
	text[*len] = '\0';
	fclose(fp);
	return text;
}

/* Return the text of a workspace file, or NULL when it cannot be read. */
static struct lsp_source *
lsp_source_get(struct lsp_sources *ss, const char *file)
{
	struct lsp_source *src;
	struct document *d;
	size_t i;

	for (i = 0; i < LSP_ESCAPE_SOURCES; i++)
		if (ss->items[i].file != NULL &&
		    strcmp(ss->items[i].file, file) == 0)
			return ss->items[i].text != NULL ? &ss->items[i] : NULL;
	src = &ss->items[ss->next];
	ss->next = (ss->next + 1) % LSP_ESCAPE_SOURCES;
	free(src->owned);
	line_index_release(&src->own_lines);
	memset(src, 0, sizeof *src);
	src->file = file;
	for (d = ss->session->documents; d != NULL; d = d->next) {
		if (d->real != NULL && strcmp(d->real, file) == 0) {
			src->text = buf_str(&d->text);
			src->len = d->text.len;
			src->lines = &d->lines;
			return src;
		}
	}
	src->owned = lsp_source_read(file, &src->len);
	if (src->owned == NULL)
		return NULL;
	line_index_init(&src->own_lines);
	line_index_build(&src->own_lines, src->owned, src->len);
	src->text = src->owned;
	src->lines = &src->own_lines;
	return src;
}

/* Return whether a byte continues a Go identifier (or a UTF-8 letter). */
static int
lsp_escape_ident_byte(unsigned char c)
{
	return c == '_' || c >= 0x80 || (c >= '0' && c <= '9') ||
	    ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/*
 * Convert the compiler's line and byte column (1-based) into an LSP range
 * (0-based, UTF-16) from there to the end of the identifier there (with
 * the dot or operator the position may point at), or one character. A
 * file that cannot be read keeps the byte column.
 */
static json_t *
lsp_escape_range(struct lsp_sources *ss, const char *file, int64_t line,
    int64_t col)
{
	struct lsp_source *src = file != NULL ? lsp_source_get(ss, file) :
	    NULL;
	size_t l = line > 0 ? (size_t)line - 1 : 0, c = col > 0 ?
	    (size_t)col - 1 : 0, start, end, len;
	const char *s;
	unsigned cp;

	if (src == NULL || l >= src->lines->count)
		return json_pack("{s:{s:I, s:I}, s:{s:I, s:I}}", "start",
		    "line", (json_int_t)l, "character", (json_int_t)c, "end",
		    "line", (json_int_t)l, "character", (json_int_t)c + 1);
	s = src->text + src->lines->starts[l];
	len = line_index_length(src->lines, src->text, src->len, l);
	if (c > len)
		c = len;
	/* The compiler puts x.f at its dot and a*b at its operator. */
	end = c;
	if (end < len && strchr(".*&", s[end]) != NULL)
		end++;
	while (end < len && lsp_escape_ident_byte((unsigned char)s[end]))
		end++;
	if (end == c && c < len)
		end += utf8_decode((const unsigned char *)s + c, len - c, &cp);
	start = utf16_length(s, c);
	return json_pack("{s:{s:I, s:I}, s:{s:I, s:I}}", "start", "line",
	    (json_int_t)l, "character", (json_int_t)start, "end", "line",
	    (json_int_t)l, "character",
	    (json_int_t)(start + utf16_length(s + c, end - c)));
}

/*
 * Return the sample type escape costs are shown in: the active one when it
 * measures memory, else alloc_space, else inuse_space.
 */
static const char *
lsp_escape_cost_type(const struct evidence *ev, const char *file)
{
	static const char *const memory[] = {
		"alloc_space", "inuse_space", "alloc_objects", "inuse_objects",
	};
	size_t i, n;

	for (i = 0; ev->active != NULL && i < ARRAY_SIZE(memory); i++)
		if (strcmp(ev->active, memory[i]) == 0)
			return ev->active;
	if (evidence_file_lines(ev, file, "alloc_space", &n) != NULL ||
	    evidence_file_lines(ev, file, "inuse_space", &n) == NULL)
		return "alloc_space";
	return "inuse_space";
}

/*
 * Find the cost of one line (1-based) into *out: the sum of its entries
 * (inlined functions and closures have their own). Returns out, or NULL
 * when the line has none.
 */
static const struct evidence_line *
lsp_escape_cost(const struct evidence *ev, const char *file,
    const char *type, int64_t line, struct evidence_line *out)
{
	const struct evidence_line *l;
	size_t n, lo = 0, hi, mid;

	l = evidence_file_lines(ev, file, type, &n);
	hi = n;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (l[mid].line < line)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == n || l[lo].line != line)
		return NULL;
	*out = l[lo];
	while (++lo < n && l[lo].line == line)
		out->flat += l[lo].flat;
	return out->flat != 0 ? out : NULL;
}

/* Append " — 44.0 MB (16.4%) allocated here" for a cost line. */
static void
lsp_escape_cost_text(struct buf *b, const struct evidence_line *cost)
{
	char v[32];

	buf_addf(b, " \xe2\x80\x94 %s (%.1f%%) %s here",
	    units_format(cost->flat, cost->unit, v, sizeof v),
	    cost->total != 0 ? 100.0 * (double)cost->flat /
	    (double)cost->total : 0,
	    strncmp(cost->type, "inuse", 5) == 0 ? "in use" : "allocated");
}

/* Return whether the settings show a site at all. */
static int
lsp_escape_enabled(json_t *settings, const struct escape_site *site)
{
	json_t *annotations = json_object_get(settings, "annotations");

	return json_is_true(json_object_get(annotations,
	    escape_category_name(site->category)));
}

/* Return whether a cost line is hot by the settings' threshold. */
static int
lsp_escape_hot(json_t *settings, const struct evidence_line *cost)
{
	double threshold = config_number(settings, "hotThreshold");
	int64_t flat;

	if (cost == NULL || cost->total == 0)
		return 0;
	flat = cost->flat < 0 ? -cost->flat : cost->flat;
	return 100.0 * (double)flat / (double)cost->total >= threshold;
}

/* Build the relatedInformation of a site: its flow, where it is local. */
static json_t *
lsp_escape_related(struct lsp_sources *ss, const struct evidence_site *es)
{
	const struct escape_step *step;
	json_t *related = json_array();
	char *uri;
	size_t i;

	for (i = 0; i < es->site->nflow; i++) {
		step = &es->site->flow[i];
		if (es->flow_files[i] == NULL)
			continue;
		uri = uri_from_path(es->flow_files[i]);
		json_array_append_new(related, json_pack("{s:{s:s, s:o}, s:s}",
		    "location", "uri", uri, "range", lsp_escape_range(ss,
		    es->flow_files[i], step->line, step->col), "message",
		    step->message));
		free(uri);
	}
	return related;
}

/* Append the diagnostics of a file's escape sites. */
void
lsp_escape_diagnostics(struct session *s, const char *file, json_t *diags)
{
	const struct evidence *ev = &s->evidence;
	const struct evidence_site *es;
	const struct evidence_line *cost;
	struct evidence_line sum;
	struct lsp_sources ss;
	struct buf msg = BUF_INIT;
	json_t *settings = session_settings(s, file), *d;
	const char *type;
	size_t n, i;

	es = evidence_file_sites(ev, file, &n);
	if (n == 0)
		return;
	memset(&ss, 0, sizeof ss);
	ss.session = s;
	type = lsp_escape_cost_type(ev, file);
	for (i = 0; i < n; i++) {
		if (!lsp_escape_enabled(settings, es[i].site))
			continue;
		cost = es[i].site->category == ESCAPE_CAT_ESCAPE ?
		    lsp_escape_cost(ev, file, type, es[i].site->line, &sum) :
		    NULL;
		if (config_bool(settings, "escapeHotOnly") &&
		    !lsp_escape_hot(settings, cost))
			continue;
		buf_reset(&msg);
		buf_adds(&msg, es[i].site->message);
		if (cost != NULL && cost->flat > 0)
			lsp_escape_cost_text(&msg, cost);
		d = json_pack("{s:o, s:i, s:s, s:s, s:o, s:{s:s}}", "range",
		    lsp_escape_range(&ss, file, es[i].site->line,
		    es[i].site->col), "severity", 3, "source", "heaplens",
		    "code", es[i].site->category == ESCAPE_CAT_ESCAPE ?
		    "escape" : es[i].site->kind, "message",
		    json_string_lossy(buf_str(&msg)), "data", "kind",
		    es[i].site->kind);
		if (cost != NULL)
			json_object_set_new(json_object_get(d, "data"), "cost",
			    json_pack("{s:s, s:I, s:I}", "sampleIndex",
			    cost->type, "flat", (json_int_t)cost->flat,
			    "total", (json_int_t)cost->total));
		if (es[i].site->nflow > 0)
			json_object_set_new(d, "relatedInformation",
			    lsp_escape_related(&ss, &es[i]));
		json_array_append_new(diags, d);
	}
	buf_release(&msg);
	lsp_sources_release(&ss);
}

/* Append one flow step to a hover, linked when it is a workspace file. */
static void
lsp_escape_hover_step(struct buf *md, const struct escape_step *step,
    const char *file, size_t k)
{
	char *uri;

	buf_addf(md, "   %zu. `%s`", k + 1, step->message);
	if (file != NULL) {
		uri = uri_from_path(file);
		buf_addf(md, " [%s:%lld:%lld](%s#L%lld)\n",
		    path_base(file), (long long)step->line,
		    (long long)step->col, uri, (long long)step->line);
		free(uri);
	} else {
		buf_addf(md, " %s:%lld:%lld\n", step->file,
		    (long long)step->line, (long long)step->col);
	}
}

/*
 * Append the escape sites of a line (1-based) to a hover: each site with
 * its cost and the compiler's whole explanation, steps linked to their
 * lines. Returns the number of sites shown.
 */
size_t
lsp_escape_hover(struct session *s, const char *file, int64_t line,
    struct buf *md)
{
	const struct evidence *ev = &s->evidence;
	const struct evidence_site *es;
	const struct evidence_line *cost;
	struct evidence_line sum;
	json_t *settings = session_settings(s, file);
	size_t n, i, k, shown = 0;
	const char *type;

	es = evidence_file_sites(ev, file, &n);
	type = lsp_escape_cost_type(ev, file);
	for (i = 0; i < n; i++) {
		if (es[i].site->line != line ||
		    !lsp_escape_enabled(settings, es[i].site))
			continue;
		if (shown++ == 0)
			buf_addf(md, "%s**Escape analysis** (%s)\n",
			    md->len > 0 ? "\n" : "",
			    es[i].from->kind == EVIDENCE_BUILD ?
			    "runCompiler build" :
			    path_base(es[i].from->path));
		buf_addf(md, "\n- `%s` at column %lld", es[i].site->message,
		    (long long)es[i].site->col);
		cost = es[i].site->category == ESCAPE_CAT_ESCAPE ?
		    lsp_escape_cost(ev, file, type, line, &sum) : NULL;
		if (cost != NULL && cost->flat > 0)
			lsp_escape_cost_text(md, cost);
		buf_addc(md, '\n');
		for (k = 0; k < es[i].site->nflow; k++)
			lsp_escape_hover_step(md, &es[i].site->flow[k],
			    es[i].flow_files[k], k);
	}
	return shown;
}
