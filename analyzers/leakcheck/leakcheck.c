/*
 * leakcheck.c - run the leak checks on one file: prefilter by bytes, parse
 * once, run each enabled check, drop suppressed findings, sort the rest.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzers/leakcheck/internal.h"
#include "protocol/util.h"

const TSLanguage *tree_sitter_go(void);

/* Find a check by id. */
const struct leak_check *
leak_find(const char *id)
{
	size_t i;

	for (i = 0; i < leak_nchecks; i++)
		if (strcmp(leak_checks[i]->id, id) == 0)
			return leak_checks[i];
	return NULL;
}

/* Return whether needle occurs in text[0..len). */
static int
leak_contains(const char *text, size_t len, const char *needle)
{
	size_t n = strlen(needle), i;
	const char *p;

	if (n == 0 || n > len)
		return n == 0;
	for (i = 0; i + n <= len; i = (size_t)(p - text) + 1) {
		p = memchr(text + i, needle[0], len - n + 1 - i);
		if (p == NULL)
			return 0;
		if (memcmp(p, needle, n) == 0)
			return 1;
	}
	return 0;
}

/* Return whether a check could match the file at all. */
static int
leak_wanted(const struct leak_check *c, const char *text, size_t len)
{
	const char *const *n;

	if (c->needles == NULL)
		return 1;
	for (n = c->needles; *n != NULL; n++)
		if (leak_contains(text, len, *n))
			return 1;
	return 0;
}

/* Return whether node is of type type. */
int
leak_is(TSNode node, const char *type)
{
	return !ts_node_is_null(node) && strcmp(ts_node_type(node), type) == 0;
}

/* Return whether node is a function. */
int
leak_is_func(TSNode node)
{
	return leak_is(node, "func_literal") ||
	    leak_is(node, "function_declaration") ||
	    leak_is(node, "method_declaration");
}

/* Return whether fn is main.main. */
int
leak_is_main_main(const struct leak_ctx *ctx, TSNode fn)
{
	return ctx->is_main && leak_is(fn, "function_declaration") &&
	    leak_text_is(ctx, leak_field(fn, "name"), "main");
}

/* Return whether node lies in a loop of its own function. */
int
leak_in_loop(TSNode node)
{
	for (node = leak_parent(node); !ts_node_is_null(node) &&
	    !leak_is_func(node); node = leak_parent(node))
		if (leak_is(node, "for_statement"))
			return 1;
	return 0;
}

/* Return the nearest enclosing function. */
TSNode
leak_enclosing_func(TSNode node)
{
	for (node = leak_parent(node); !ts_node_is_null(node);
	    node = leak_parent(node))
		if (leak_is_func(node))
			break;
	return node;
}

/* Return whether a lies within b. */
int
leak_within(TSNode a, TSNode b)
{
	if (ts_node_is_null(a) || ts_node_is_null(b))
		return 0;
	return ts_node_start_byte(a) >= ts_node_start_byte(b) &&
	    ts_node_end_byte(a) <= ts_node_end_byte(b);
}

/* Return whether two nodes have the same text. */
int
leak_same_text(const struct leak_ctx *ctx, TSNode a, TSNode b)
{
	uint32_t n;

	if (ts_node_is_null(a) || ts_node_is_null(b))
		return 0;
	n = ts_node_end_byte(a) - ts_node_start_byte(a);
	return n == ts_node_end_byte(b) - ts_node_start_byte(b) &&
	    memcmp(ctx->text + ts_node_start_byte(a),
	    ctx->text + ts_node_start_byte(b), n) == 0;
}

/* Return whether node's text is s. */
int
leak_text_is(const struct leak_ctx *ctx, TSNode node, const char *s)
{
	uint32_t a, b;

	/* tree-sitter's accessors crash on null nodes: missing fields are. */
	if (ts_node_is_null(node))
		return 0;
	a = ts_node_start_byte(node);
	b = ts_node_end_byte(node);
	return strlen(s) == b - a && memcmp(ctx->text + a, s, b - a) == 0;
}

/* Return a child by field name. */
TSNode
leak_field(TSNode n, const char *name)
{
	if (ts_node_is_null(n))
		return n;
	return ts_node_child_by_field_name(n, name, (uint32_t)strlen(name));
}

/* Return list's at'th named child that is not a comment. */
TSNode
leak_nth(TSNode list, int at)
{
	uint32_t i, n;
	TSNode e;

	if (ts_node_is_null(list))
		return list;
	n = ts_node_named_child_count(list);
	for (i = 0; i < n; i++) {
		e = ts_node_named_child(list, i);
		if (!leak_is(e, "comment") && at-- == 0)
			return e;
	}
	return ts_node_named_child(list, n);	/* null */
}

/* Return the next named sibling that is not a comment. */
TSNode
leak_next(TSNode n)
{
	do
		n = ts_node_next_named_sibling(n);
	while (leak_is(n, "comment"));
	return n;
}

/* Return whether node's text is one of names. */
int
leak_text_in(const struct leak_ctx *ctx, TSNode node, const char *const *names)
{
	for (; names != NULL && *names != NULL; names++)
		if (leak_text_is(ctx, node, *names))
			return 1;
	return 0;
}

/* Return a call's callee as text. */
const char *
leak_callee(const struct leak_ctx *ctx, TSNode call, char *buf, size_t size)
{
	TSNode fn = ts_node_child_by_field_name(call, "function", 8);
	uint32_t a, b;

	buf[0] = '\0';
	if (ts_node_is_null(fn) || (!leak_is(fn, "identifier") &&
	    !leak_is(fn, "selector_expression")))
		return buf;
	a = ts_node_start_byte(fn);
	b = ts_node_end_byte(fn);
	if (b - a < size) {
		memcpy(buf, ctx->text + a, b - a);
		buf[b - a] = '\0';
	}
	return buf;
}

/* Return the name a standard package is imported under. */
const char *
leak_import_name(const struct leak_ctx *ctx, const char *pkg, char *buf,
    size_t size)
{
	TSTreeCursor c = ts_tree_cursor_new(ctx->root);
	TSNode decl, spec, list, path, name;
	const char *found = NULL, *base;
	char quoted[128];
	uint32_t j, m;
	int bad = 0;

	snprintf(quoted, sizeof quoted, "\"%s\"", pkg);
	/* Imports come first: stop at the first function. */
	if (ts_tree_cursor_goto_first_child(&c)) do {
		decl = ts_tree_cursor_current_node(&c);
		if (leak_is(decl, "function_declaration") ||
		    leak_is(decl, "method_declaration"))
			break;
		if (!leak_is(decl, "import_declaration"))
			continue;
		list = ts_node_named_child(decl, 0);
		m = leak_is(list, "import_spec_list") ?
		    ts_node_named_child_count(list) : 1;
		for (j = 0; j < m && found == NULL && !bad; j++) {
			spec = leak_is(list, "import_spec_list") ?
			    ts_node_named_child(list, j) : list;
			if (!leak_is(spec, "import_spec"))
				continue;
			path = ts_node_child_by_field_name(spec, "path", 4);
			if (!leak_text_is(ctx, path, quoted))
				continue;
			name = ts_node_child_by_field_name(spec, "name", 4);
			if (ts_node_is_null(name)) {
				/* "database/sql" is called sql. */
				base = strrchr(pkg, '/');
				snprintf(buf, size, "%s", base != NULL ?
				    base + 1 : pkg);
				found = buf;
			} else if (!leak_is(name, "package_identifier") ||
			    ts_node_end_byte(name) - ts_node_start_byte(name) >=
			    size) {
				bad = 1;	/* "_", "." or too long */
			} else {
				snprintf(buf, size, "%.*s", (int)(ts_node_end_byte(
				    name) - ts_node_start_byte(name)),
				    ctx->text + ts_node_start_byte(name));
				found = buf;
			}
		}
	} while (found == NULL && !bad && ts_tree_cursor_goto_next_sibling(&c));
	ts_tree_cursor_delete(&c);
	return found;
}

/* Record a finding of the running check at node. */
void
leak_report(struct leak_ctx *ctx, TSNode node, const char *fmt, ...)
{
	struct leak_findings *out = ctx->out;
	struct leak_finding *f;
	TSPoint at = ts_node_start_point(node);
	va_list ap;

	if (out->n == out->alloc) {
		out->alloc = out->alloc ? out->alloc * 2 : 16;
		out->items = xrealloc(out->items, out->alloc * sizeof *out->items);
	}
	f = &out->items[out->n++];
	memset(f, 0, sizeof *f);
	f->line = at.row + 1;
	f->col = at.column + 1;
	f->start = ts_node_start_byte(node);
	f->end = ts_node_end_byte(node);
	f->check = ctx->check->id;
	f->severity = ctx->check->severity;
	va_start(ap, fmt);
	f->message = xvasprintf(fmt, ap);
	va_end(ap);
}

/* Set the last finding's severity. */
void
leak_report_severity(struct leak_ctx *ctx, enum leak_severity severity)
{
	if (ctx->out->n > 0)
		ctx->out->items[ctx->out->n - 1].severity = severity;
}

/* Free one finding's storage. */
void
leak_finding_free(struct leak_finding *f)
{
	size_t i;

	free(f->message);
	free(f->fix);
	for (i = 0; i < f->nedits; i++)
		free(f->edits[i].text);
	free(f->edits);
}

/*
 * Return the starts of the lines of text (1-based: starts[line]), their
 * count in *n.
 */
static size_t *
leak_line_starts(const char *text, size_t len, size_t *n)
{
	size_t *starts = xmalloc(64 * sizeof *starts), alloc = 64;
	const char *p = text, *end = text + len, *nl;

	*n = 1;
	starts[0] = 0;
	for (;;) {
		if (*n == alloc) {
			alloc *= 2;
			starts = xrealloc(starts, alloc * sizeof *starts);
		}
		starts[(*n)++] = (size_t)(p - text);
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			return starts;
		p = nl + 1;
	}
}

/* Return whether line holds "//heaplens:ignore" naming check. */
static int
leak_ignored_on(const char *text, size_t len, const size_t *starts,
    size_t nstarts, size_t line, const char *check)
{
	static const char tag[] = "//heaplens:ignore";
	const char *p, *end, *id, *nl;
	size_t n = strlen(check), idlen;

	if (line >= nstarts)
		return 0;
	p = text + starts[line];
	nl = memchr(p, '\n', (size_t)(text + len - p));
	end = nl != NULL ? nl : text + len;
	for (; p + sizeof tag - 1 <= end; p++) {
		if (memcmp(p, tag, sizeof tag - 1) != 0)
			continue;
		id = p + sizeof tag - 1;
		while (id < end && (*id == ' ' || *id == '\t'))
			id++;
		/* One id, or several separated by commas. */
		while (id < end) {
			idlen = strcspn(id, ", \t\r\n");
			if (id + idlen > end)
				idlen = (size_t)(end - id);
			if (idlen == n && memcmp(id, check, n) == 0)
				return 1;
			if (id + idlen >= end || id[idlen] != ',')
				break;
			id += idlen + 1;
		}
	}
	return 0;
}

/* Order findings by position, then check. */
static int
leak_finding_cmp(const void *pa, const void *pb)
{
	const struct leak_finding *a = pa, *b = pb;

	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->col != b->col)
		return a->col < b->col ? -1 : 1;
	return strcmp(a->check, b->check);
}

/* Return whether the file declares package main. */
static int
leak_package_main(const char *text, TSNode root)
{
	TSTreeCursor c = ts_tree_cursor_new(root);
	TSNode clause, name;
	int main = 0;

	/* The package clause comes first, after comments. */
	if (ts_tree_cursor_goto_first_child(&c)) do {
		clause = ts_tree_cursor_current_node(&c);
		if (leak_is(clause, "comment"))
			continue;
		name = ts_node_named_child(clause, 0);
		main = leak_is(clause, "package_clause") &&
		    !ts_node_is_null(name) &&
		    ts_node_end_byte(name) - ts_node_start_byte(name) == 4 &&
		    memcmp(text + ts_node_start_byte(name), "main", 4) == 0;
		break;
	} while (ts_tree_cursor_goto_next_sibling(&c));
	ts_tree_cursor_delete(&c);
	return main;
}

/* Return a Go parser. */
TSParser *
leak_go_parser(void)
{
	TSParser *parser = ts_parser_new();

	ts_parser_set_language(parser, tree_sitter_go());
	return parser;
}

/* Return the directory part of path ("" for the current directory). */
static char *
leak_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return xstrdup("");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

/* Check one file. */
size_t
leakcheck_run(const struct leak_input *in, struct leak_findings *out)
{
	struct leak_index index = { NULL, 0, 0, NULL, 0, 0, 0 };
	struct leak_unit *units = NULL;
	struct leak_skip skip = { NULL, 0, 0 };
	struct leak_package own;
	struct leak_ctx ctx;
	TSParser *parser = NULL;
	TSTree *tree = in->tree;
	size_t i, first = out->n, keep, nunits = 0, nstarts, *starts;
	uint64_t context = 0;
	int wanted[LEAK_MAX_CHECKS], any = 0, pass;
	char *dir;

	memset(&ctx, 0, sizeof ctx);
	ctx.path = in->path;
	ctx.text = in->text;
	ctx.len = in->len;
	ctx.go_minor = in->go_minor;
	ctx.out = out;
	ctx.pkg = in->pkg;
	if (ctx.pkg == NULL) {
		dir = leak_dirname(in->path);
		leak_package_init(&own, dir);
		free(dir);
		ctx.pkg = &own;
	}
	for (i = 0; i < leak_nchecks; i++) {
		wanted[i] = (in->enabled == NULL || in->enabled[i]) &&
		    leak_wanted(leak_checks[i], in->text, in->len) &&
		    (leak_checks[i]->wanted == NULL ||
		    leak_checks[i]->wanted(&ctx));
		any |= wanted[i];
	}
	if (!any) {
		if (in->memo != NULL)
			leak_memo_clear(in->memo);
		if (ctx.pkg == &own)
			leak_package_release(&own);
		return 0;
	}
	if (tree == NULL) {
		parser = leak_go_parser();
		tree = ts_parser_parse_string(parser, NULL, in->text,
		    (uint32_t)in->len);
	}
	ctx.root = ts_tree_root_node(tree);
	ctx.is_main = leak_package_main(in->text, ctx.root);
	if (in->memo != NULL) {
		nunits = leak_units(in, ctx.root, ctx.is_main, &units, &context);
		if (leak_memo_valid(in->memo, context))
			leak_units_match(units, nunits, in->memo);
		skip.units = units;
		skip.n = nunits;
		leak_index_build(&index, ctx.root, leak_skip_matched, &skip);
	} else {
		leak_index_build(&index, ctx.root, NULL, NULL);
	}
	/* The checks of one function first, then those of the whole file. */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < leak_nchecks; i++) {
			if (!wanted[i] || leak_checks[i]->whole_file != pass)
				continue;
			/*
			 * With a memo the index leaves the unchanged functions
			 * out: whole-file checks reach them by cursor and
			 * ts_node_parent, which is slower a node but cheaper
			 * than indexing every function on every save when
			 * they look at few (leak_walk_file).
			 */
			leak_index_use(&index, pass);
			ctx.check = leak_checks[i];
			leak_checks[i]->run(&ctx);
		}
	}
	leak_index_use(NULL, 0);
	if (in->memo != NULL)
		leak_memo_update(in->memo, units, nunits, context, wanted, out,
		    first);
	/* Drop what the code itself asks to ignore. */
	if (out->n > first &&
	    leak_contains(in->text, in->len, "//heaplens:ignore")) {
		starts = leak_line_starts(in->text, in->len, &nstarts);
		for (i = keep = first; i < out->n; i++) {
			struct leak_finding *f = &out->items[i];

			if (leak_ignored_on(in->text, in->len, starts, nstarts,
			    f->line, f->check) || (f->line > 1 &&
			    leak_ignored_on(in->text, in->len, starts, nstarts,
			    f->line - 1, f->check))) {
				leak_finding_free(f);
				continue;
			}
			out->items[keep++] = *f;
		}
		out->n = keep;
		free(starts);
	}
	if (out->n > first)
		qsort(out->items + first, out->n - first, sizeof *out->items,
		    leak_finding_cmp);
	free(units);
	leak_index_free(&index);
	if (tree != NULL && tree != in->tree)
		ts_tree_delete(tree);
	if (parser != NULL)
		ts_parser_delete(parser);
	if (ctx.pkg == &own)
		leak_package_release(&own);
	return out->n - first;
}

/* Check one file's text alone. */
size_t
leakcheck_file(const char *path, const char *text, size_t len, int go_minor,
    const int *enabled, struct leak_findings *out)
{
	struct leak_input in;

	memset(&in, 0, sizeof in);
	in.path = path;
	in.text = text;
	in.len = len;
	in.go_minor = go_minor;
	in.enabled = enabled;
	return leakcheck_run(&in, out);
}

/* Free findings. */
void
leak_findings_release(struct leak_findings *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		leak_finding_free(&f->items[i]);
	free(f->items);
	memset(f, 0, sizeof *f);
}

/* Find the governing go.mod's "go 1.N". */
int
leakcheck_go_minor(const char *path)
{
	char dir[PATH_MAX], abs[PATH_MAX], mod[PATH_MAX + 8], line[256];
	char *slash;
	int major, minor;
	FILE *f;

	/*
	 * The file's directory made absolute, so that a relative path ("a.go",
	 * "pkg/a.go") still finds a go.mod above the current directory.
	 */
	if (snprintf(dir, sizeof dir, "%s", path) >= (int)sizeof dir)
		return 0;
	slash = strrchr(dir, '/');
	if (slash == NULL)
		snprintf(dir, sizeof dir, ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	if (realpath(dir, abs) == NULL)
		return 0;
	for (;;) {
		snprintf(mod, sizeof mod, "%s/go.mod",
		    strcmp(abs, "/") == 0 ? "" : abs);
		f = fopen(mod, "r");
		if (f != NULL) {
			minor = 0;
			while (fgets(line, sizeof line, f) != NULL)
				if (sscanf(line, " go %d.%d", &major,
				    &minor) == 2 && major == 1)
					break;
			fclose(f);
			return minor;
		}
		slash = strrchr(abs, '/');
		if (slash == NULL || strcmp(abs, "/") == 0)
			return 0;
		if (slash == abs)
			abs[1] = '\0';
		else
			*slash = '\0';
	}
}
