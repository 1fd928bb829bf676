/*
 * fix.c - quick fixes: checks attach edits to their findings (leak_fix,
 * leak_fix_line_after), and leak_apply_fixes applies them to the text, the
 * fixes whose edits overlap another's left for the next run.
 */
#include <stdlib.h>
#include <string.h>

#include "analyzers/leakcheck/internal.h"
#include "protocol/util.h"

/* Attach an edit to the last finding's quick fix. */
void
leak_fix(struct leak_ctx *ctx, const char *title, size_t start, size_t end,
    const char *repl)
{
	struct leak_finding *f;
	struct leak_edit *e;

	if (ctx->out->n == 0 || start > end || end > ctx->len)
		return;
	f = &ctx->out->items[ctx->out->n - 1];
	if (f->fix == NULL)
		f->fix = xstrdup(title);
	f->edits = xrealloc(f->edits, (f->nedits + 1) * sizeof *f->edits);
	e = &f->edits[f->nedits++];
	e->start = start;
	e->end = end;
	e->text = xstrdup(repl);
}

/*
 * Return whether the line at text[pos] holds code and then a // comment (or
 * what looks like one: "http://" in a string counts too).
 */
static int
leak_code_then_comment(const struct leak_ctx *ctx, size_t pos)
{
	const char *p = ctx->text + pos, *end = ctx->text + ctx->len;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p + 1 < end && p[0] == '/' && p[1] == '/')
		return 0;
	for (; p + 1 < end && *p != '\n'; p++)
		if (p[0] == '/' && p[1] == '/')
			return 1;
	return 0;
}

/* Add a statement on a new line after stmt to the last finding's fix. */
int
leak_fix_line_after(struct leak_ctx *ctx, const char *title, TSNode stmt,
    const char *text)
{
	TSNode parent = leak_parent(stmt);
	size_t start, end, line, indent;
	char *repl;
	int crlf, commented;

	if (!leak_is(parent, "block") && !leak_is(parent, "expression_case") &&
	    !leak_is(parent, "type_case") &&
	    !leak_is(parent, "communication_case") &&
	    !leak_is(parent, "default_case"))
		return 0;
	start = ts_node_start_byte(stmt);
	end = ts_node_end_byte(stmt);
	/* Nothing but indentation before it on its first line... */
	for (line = start; line > 0 && ctx->text[line - 1] != '\n'; line--)
		;
	for (indent = line; indent < start && (ctx->text[indent] == '\t' ||
	    ctx->text[indent] == ' '); indent++)
		;
	if (indent != start)
		return 0;
	/* ...and nothing but a // comment after it on its last. */
	while (end < ctx->len && (ctx->text[end] == ' ' ||
	    ctx->text[end] == '\t'))
		end++;
	commented = end + 1 < ctx->len && ctx->text[end] == '/' &&
	    ctx->text[end + 1] == '/';
	if (commented)
		while (end < ctx->len && ctx->text[end] != '\n')
			end++;
	else if (end < ctx->len && ctx->text[end] == '\r')
		end++;
	if (end >= ctx->len || ctx->text[end] != '\n')
		return 0;
	/* A line between two aligned comments would make gofmt realign them. */
	if (commented && leak_code_then_comment(ctx, end + 1))
		return 0;
	crlf = ctx->text[end - 1] == '\r';
	repl = xasprintf("%.*s%s%s", (int)(start - line), ctx->text + line,
	    text, crlf ? "\r\n" : "\n");
	leak_fix(ctx, title, end + 1, end + 1, repl);
	free(repl);
	return 1;
}

/* Return whether two edits touch the same text. */
static int
leak_edits_overlap(const struct leak_edit *a, const struct leak_edit *b)
{
	if (a->start == a->end && b->start == b->end)
		return 0;	/* two insertions: both go in, in order */
	if (a->start == a->end)
		return a->start > b->start && a->start < b->end;
	if (b->start == b->end)
		return b->start > a->start && b->start < a->end;
	return a->start < b->end && b->start < a->end;
}

struct leak_placed {
	const struct leak_edit *edit;
	size_t order;			/* finding's index: ties keep it */
};

/* Order placed edits by position, then by finding. */
static int
leak_placed_cmp(const void *pa, const void *pb)
{
	const struct leak_placed *a = pa, *b = pb;

	if (a->edit->start != b->edit->start)
		return a->edit->start < b->edit->start ? -1 : 1;
	if (a->edit->end != b->edit->end)
		return a->edit->end < b->edit->end ? -1 : 1;
	return a->order < b->order ? -1 : a->order > b->order;
}

/* Apply findings' quick fixes. */
char *
leak_apply_fixes(const char *text, size_t len, struct leak_findings *f,
    size_t first, size_t *outlen)
{
	struct leak_placed *placed = NULL;
	struct buf out = BUF_INIT;
	size_t nplaced = 0, i, j, k, at;
	struct leak_finding *x;
	int clash;

	for (i = first; i < f->n; i++) {
		x = &f->items[i];
		x->fixed = 0;
		if (x->nedits == 0)
			continue;
		clash = 0;
		for (j = 0; j < x->nedits && !clash; j++) {
			if (x->edits[j].end > len)
				clash = 1;
			for (k = 0; k < nplaced && !clash; k++)
				clash = leak_edits_overlap(&x->edits[j],
				    placed[k].edit);
			for (k = 0; k < j && !clash; k++)
				clash = leak_edits_overlap(&x->edits[j],
				    &x->edits[k]);
		}
		if (clash)
			continue;
		placed = xrealloc(placed, (nplaced + x->nedits) *
		    sizeof *placed);
		for (j = 0; j < x->nedits; j++) {
			placed[nplaced].edit = &x->edits[j];
			placed[nplaced++].order = i;
		}
		x->fixed = 1;
	}
	if (nplaced == 0) {
		free(placed);
		return NULL;
	}
	qsort(placed, nplaced, sizeof *placed, leak_placed_cmp);
	for (i = 0, at = 0; i < nplaced; i++) {
		buf_add(&out, text + at, placed[i].edit->start - at);
		buf_adds(&out, placed[i].edit->text);
		at = placed[i].edit->end;
	}
	buf_add(&out, text + at, len - at);
	free(placed);
	return buf_detach(&out, outlen);
}
