/*
 * leakcheck.c - run the leak checks on one file: prefilter by bytes, parse
 * once, run each enabled check, drop suppressed findings, sort the rest.
 */
#include <dirent.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzers/leakcheck.h"
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

/*
 * The nodes of the tree being checked, flattened once: tree-sitter's own
 * ts_node_parent searches down from the root on every call (its cost grows
 * with the number of declarations in the file), and a cursor walk per check
 * costs more than a walk over an array. One index per thread, for the tree
 * leakcheck_run is checking.
 */
struct leak_flat {
	TSNode node;
	uint32_t parent;		/* index of the parent, or UINT32_MAX */
	uint32_t end;			/* index past the last descendant */
	int named;
};

struct leak_index {
	struct leak_flat *nodes;	/* preorder: source order */
	size_t n;
	size_t alloc;
	uint32_t *slots;		/* hash of node ids: index + 1, 0 free */
	size_t mask;
	int shift;
	int partial;			/* some of the root's children left out */
};

static _Thread_local struct leak_index *leak_tree_index;
static _Thread_local int leak_walk_whole;	/* a whole-file check runs */

/* Return a node id's slot in the index's hash. */
static size_t
leak_index_slot(const struct leak_index *ix, const void *id)
{
	size_t h = (size_t)(((uint64_t)(uintptr_t)id * 0x9E3779B97F4A7C15u) >>
	    ix->shift);

	for (; ix->slots[h] != 0 && ix->nodes[ix->slots[h] - 1].node.id != id;
	    h = (h + 1) & ix->mask)
		;
	return h;
}

/* Append a node; return its index. */
static uint32_t
leak_index_add(struct leak_index *ix, TSNode node, uint32_t parent)
{
	if (ix->n == ix->alloc) {
		ix->alloc = ix->alloc ? ix->alloc * 2 : 1024;
		ix->nodes = xrealloc(ix->nodes, ix->alloc * sizeof *ix->nodes);
	}
	ix->nodes[ix->n].node = node;
	ix->nodes[ix->n].parent = parent;
	ix->nodes[ix->n].end = 0;
	ix->nodes[ix->n].named = ts_node_is_named(node);
	return (uint32_t)ix->n++;
}

/*
 * Flatten the tree under root and hash its nodes; with skip, the root's
 * children for which skip(child, arg) holds are left out with what they
 * hold (walks from the root then pass them over).
 */
static void
leak_index_build(struct leak_index *ix, TSNode root,
    int (*skip)(TSNode child, void *arg), void *arg)
{
	TSTreeCursor c = ts_tree_cursor_new(root);
	uint32_t *stack = xmalloc(64 * sizeof *stack);
	size_t depth = 0, salloc = 64, cap = 64, i;
	int bits = 6;

	memset(ix, 0, sizeof *ix);
	stack[0] = leak_index_add(ix, root, UINT32_MAX);
	for (;;) {
		if (ts_tree_cursor_goto_first_child(&c)) {
			if (++depth == salloc) {
				salloc *= 2;
				stack = xrealloc(stack, salloc * sizeof *stack);
			}
		} else {
			for (;;) {
				ix->nodes[stack[depth]].end = (uint32_t)ix->n;
				if (depth > 0 &&
				    ts_tree_cursor_goto_next_sibling(&c))
					break;
				if (depth == 0 || !ts_tree_cursor_goto_parent(&c))
					goto flat;
				depth--;
			}
		}
		/* A child of the root to leave out: on to its next sibling. */
		while (depth == 1 && skip != NULL &&
		    skip(ts_tree_cursor_current_node(&c), arg) &&
		    (ix->partial = 1))
			if (!ts_tree_cursor_goto_next_sibling(&c)) {
				ts_tree_cursor_goto_parent(&c);
				depth = 0;
				ix->nodes[stack[0]].end = (uint32_t)ix->n;
				goto flat;
			}
		stack[depth] = leak_index_add(ix, ts_tree_cursor_current_node(&c),
		    stack[depth - 1]);
	}
flat:
	ts_tree_cursor_delete(&c);
	free(stack);
	while (cap < 2 * ix->n) {
		cap *= 2;
		bits++;
	}
	ix->slots = xcalloc(cap, sizeof *ix->slots);
	ix->mask = cap - 1;
	ix->shift = 64 - bits;
	for (i = 0; i < ix->n; i++)
		ix->slots[leak_index_slot(ix, ix->nodes[i].node.id)] =
		    (uint32_t)i + 1;
}

/* Free an index. */
static void
leak_index_free(struct leak_index *ix)
{
	free(ix->nodes);
	free(ix->slots);
}

/* Return a node's place in the current index, or -1. */
static long
leak_index_find(TSNode node)
{
	const struct leak_index *ix = leak_tree_index;
	uint32_t at;

	if (ix == NULL || ix->n == 0)
		return -1;
	at = ix->slots[leak_index_slot(ix, node.id)];
	return at != 0 ? (long)at - 1 : -1;
}

/* Return a node's parent. */
TSNode
leak_parent(TSNode node)
{
	long i;

	if (ts_node_is_null(node))
		return node;
	i = leak_index_find(node);
	if (i < 0)
		return ts_node_parent(node);
	if (leak_tree_index->nodes[i].parent == UINT32_MAX)
		return ts_node_parent(node);	/* the root: null */
	return leak_tree_index->nodes[leak_tree_index->nodes[i].parent].node;
}

/* Visit named nodes depth first with a cursor (nodes not indexed). */
static void
leak_walk_cursor(TSNode root, int (*fn)(TSNode node, void *data),
    void *data)
{
	TSTreeCursor c = ts_tree_cursor_new(root);
	int descend = fn(root, data);

	for (;;) {
		if (!descend || !ts_tree_cursor_goto_first_child(&c)) {
			while (!ts_tree_cursor_goto_next_sibling(&c))
				if (!ts_tree_cursor_goto_parent(&c)) {
					ts_tree_cursor_delete(&c);
					return;
				}
		}
		/* Anonymous nodes (punctuation, keywords) are passed over. */
		descend = 1;
		if (ts_node_is_named(ts_tree_cursor_current_node(&c)))
			descend = fn(ts_tree_cursor_current_node(&c), data);
	}
}

/* Visit named nodes depth first, in source order. */
void
leak_walk(TSNode root, int (*fn)(TSNode node, void *data), void *data)
{
	const struct leak_flat *nodes;
	long at = leak_index_find(root);
	size_t i, end;

	if (at < 0) {
		leak_walk_cursor(root, fn, data);
		return;
	}
	nodes = leak_tree_index->nodes;
	if (at == 0 && leak_tree_index->partial && leak_walk_whole) {
		/*
		 * A whole-file check walking from the root, some of whose
		 * children are not indexed: they are walked by cursor.
		 */
		TSTreeCursor c = ts_tree_cursor_new(root);

		if (!fn(root, data))
			return;
		if (ts_tree_cursor_goto_first_child(&c)) do {
			if (ts_node_is_named(ts_tree_cursor_current_node(&c)))
				leak_walk(ts_tree_cursor_current_node(&c), fn,
				    data);
		} while (ts_tree_cursor_goto_next_sibling(&c));
		ts_tree_cursor_delete(&c);
		return;
	}
	if (!fn(nodes[at].node, data))
		return;
	end = nodes[at].end;
	for (i = (size_t)at + 1; i < end; ) {
		if (nodes[i].named && !fn(nodes[i].node, data))
			i = nodes[i].end;
		else
			i++;
	}
}

/* Walk the file, passing over the functions want turns down. */
void
leak_walk_file(const struct leak_ctx *ctx,
    int (*want)(const struct leak_ctx *ctx, TSNode decl, void *data),
    int (*fn)(TSNode node, void *data), void *data)
{
	TSTreeCursor c;
	TSNode top;

	if (!fn(ctx->root, data))
		return;
	c = ts_tree_cursor_new(ctx->root);
	if (ts_tree_cursor_goto_first_child(&c)) do {
		top = ts_tree_cursor_current_node(&c);
		if (!ts_node_is_named(top) || ((leak_is(top,
		    "function_declaration") || leak_is(top,
		    "method_declaration")) && !want(ctx, top, data)))
			continue;
		leak_walk(top, fn, data);
	} while (ts_tree_cursor_goto_next_sibling(&c));
	ts_tree_cursor_delete(&c);
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

/* Set the last finding's severity. */
void
leak_report_severity(struct leak_ctx *ctx, enum leak_severity severity)
{
	if (ctx->out->n > 0)
		ctx->out->items[ctx->out->n - 1].severity = severity;
}

/* Free one finding's storage. */
static void
leak_finding_free(struct leak_finding *f)
{
	size_t i;

	free(f->message);
	free(f->fix);
	for (i = 0; i < f->nedits; i++)
		free(f->edits[i].text);
	free(f->edits);
}

#define LEAK_MAX_SIBLING (4u << 20)

/* Start a package. */
void
leak_package_init(struct leak_package *pkg, const char *dir)
{
	memset(pkg, 0, sizeof *pkg);
	pkg->dir = xstrdup(dir);
}

/* Free a package. */
void
leak_package_release(struct leak_package *pkg)
{
	size_t i;

	for (i = 0; i < pkg->n; i++) {
		free(pkg->files[i].path);
		free(pkg->files[i].text);
	}
	free(pkg->files);
	free(pkg->dir);
	memset(pkg, 0, sizeof *pkg);
}

/* Read a regular file of at most LEAK_MAX_SIBLING bytes. */
static char *
leak_read_small(const char *path, size_t *len)
{
	struct buf b = BUF_INIT;
	char chunk[65536];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (f == NULL)
		return NULL;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (b.len + n > LEAK_MAX_SIBLING) {
			fclose(f);
			buf_release(&b);
			return NULL;
		}
		buf_add(&b, chunk, n);
	}
	if (ferror(f)) {
		fclose(f);
		buf_release(&b);
		return NULL;
	}
	fclose(f);
	return buf_detach(&b, len);
}

/* Read the package's files on first use. */
static void
leak_package_load(struct leak_package *pkg)
{
	struct leak_sibling *s;
	struct dirent *d;
	size_t n;
	char *path, *text;
	DIR *dp;

	pkg->loaded = 1;
	dp = opendir(pkg->dir[0] != '\0' ? pkg->dir : ".");
	if (dp == NULL)
		return;
	while ((d = readdir(dp)) != NULL) {
		n = strlen(d->d_name);
		if (n < 4 || strcmp(d->d_name + n - 3, ".go") != 0 ||
		    d->d_name[0] == '.' || d->d_name[0] == '_')
			continue;
		/* "" is the current directory: its files are bare names. */
		path = pkg->dir[0] != '\0' ? xasprintf("%s/%s", pkg->dir,
		    d->d_name) : xstrdup(d->d_name);
		text = leak_read_small(path, &n);
		if (text == NULL) {
			free(path);
			continue;
		}
		pkg->files = xrealloc(pkg->files,
		    (pkg->n + 1) * sizeof *pkg->files);
		s = &pkg->files[pkg->n++];
		s->path = path;
		s->text = text;
		s->len = n;
	}
	closedir(dp);
}

/* Return the package's files. */
const struct leak_sibling *
leak_package_files(struct leak_ctx *ctx, size_t *n)
{
	*n = 0;
	if (ctx->pkg == NULL)
		return NULL;
	if (!ctx->pkg->loaded)
		leak_package_load(ctx->pkg);
	*n = ctx->pkg->n;
	return ctx->pkg->files;
}

/* Return whether a package file is the one being checked. */
int
leak_sibling_is_self(const struct leak_ctx *ctx, const struct leak_sibling *s)
{
	const char *a = strrchr(ctx->path, '/'), *b = strrchr(s->path, '/');

	a = a != NULL ? a + 1 : ctx->path;
	b = b != NULL ? b + 1 : s->path;
	return strcmp(a, b) == 0;
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
	uint32_t i, n = ts_node_named_child_count(root);
	TSNode c, name;

	for (i = 0; i < n; i++) {
		c = ts_node_named_child(root, i);
		if (!leak_is(c, "package_clause"))
			continue;
		name = ts_node_named_child(c, 0);
		return ts_node_end_byte(name) - ts_node_start_byte(name) == 4 &&
		    memcmp(text + ts_node_start_byte(name), "main", 4) == 0;
	}
	return 0;
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

/* One top-level function of the last run, and what the checks found. */
struct leak_memo_unit {
	uint64_t hash;			/* of its text from its comments on */
	size_t len;
	struct leak_findings found;	/* lines and bytes relative to it */
};

struct leak_memo {
	uint64_t context;		/* what every function's checks see */
	int valid;
	struct leak_memo_unit *units;
	size_t n;
};

/* A top-level function of this run. */
struct leak_unit {
	TSNode decl;
	size_t start;			/* its comments' start, or its own */
	size_t row;			/* start's row */
	uint64_t hash;
	long from;			/* the memo unit it matches, or -1 */
};

/* Start an empty memo. */
struct leak_memo *
leak_memo_new(void)
{
	return xcalloc(1, sizeof(struct leak_memo));
}

/* Free a memo's units. */
static void
leak_memo_clear(struct leak_memo *memo)
{
	size_t i;

	for (i = 0; i < memo->n; i++)
		leak_findings_release(&memo->units[i].found);
	free(memo->units);
	memo->units = NULL;
	memo->n = 0;
	memo->valid = 0;
}

/* Free a memo. */
void
leak_memo_free(struct leak_memo *memo)
{
	if (memo == NULL)
		return;
	leak_memo_clear(memo);
	free(memo);
}

/* Fold bytes into an FNV-1a hash. */
static uint64_t
leak_hash(uint64_t h, const void *data, size_t n)
{
	const unsigned char *p = data;

	while (n-- > 0)
		h = (h ^ *p++) * 0x100000001b3u;
	return h;
}

/* Return whether a top-level node is a function or method declaration. */
static int
leak_is_unit(TSNode n)
{
	return leak_is(n, "function_declaration") ||
	    leak_is(n, "method_declaration");
}

/*
 * Move the line numbers a message names ("at line 42") by delta: those
 * within [lo, hi] when making them relative to a function (marked so that
 * only they move back), the marked ones when putting them back (lo 0).
 */
static char *
leak_message_move(const char *m, long delta, size_t lo, size_t hi)
{
	static const char word[] = "line ";
	struct buf b = BUF_INIT;
	const char *p;
	char *end;
	unsigned long v;
	int marked;

	while ((p = strstr(m, word)) != NULL) {
		p += sizeof word - 1;
		buf_add(&b, m, (size_t)(p - m));
		marked = *p == '\x01';
		v = strtoul(p + marked, &end, 10);
		if (end == p + marked || (marked && *end != '\x01') ||
		    (!marked && (lo == 0 || v < lo || v > hi))) {
			m = p;
			continue;
		}
		if (marked)
			buf_addf(&b, "%ld", (long)v + delta);
		else
			buf_addf(&b, "\x01%ld\x01", (long)v + delta);
		m = end + marked;
	}
	buf_adds(&b, m);
	return buf_detach(&b, NULL);
}

/*
 * Copy a finding, moved by delta lines and shift bytes; lines named in its
 * message between lo and hi are marked relative (lo 0: marked ones are
 * made absolute again; delta 0: the message is copied as it is).
 */
static void
leak_finding_copy(struct leak_findings *to, const struct leak_finding *f,
    long delta, long shift, size_t lo, size_t hi)
{
	struct leak_finding *c;
	size_t i;

	if (to->n == to->alloc) {
		to->alloc = to->alloc ? to->alloc * 2 : 16;
		to->items = xrealloc(to->items, to->alloc * sizeof *to->items);
	}
	c = &to->items[to->n++];
	*c = *f;
	c->line = (size_t)((long)f->line + delta);
	c->start = (size_t)((long)f->start + shift);
	c->end = (size_t)((long)f->end + shift);
	c->message = delta == 0 ? xstrdup(f->message) :
	    leak_message_move(f->message, delta, lo, hi);
	c->fix = f->fix != NULL ? xstrdup(f->fix) : NULL;
	c->edits = f->nedits > 0 ? xcalloc(f->nedits, sizeof *c->edits) : NULL;
	for (i = 0; i < f->nedits; i++) {
		c->edits[i].start = (size_t)((long)f->edits[i].start + shift);
		c->edits[i].end = (size_t)((long)f->edits[i].end + shift);
		c->edits[i].text = xstrdup(f->edits[i].text);
	}
}

/*
 * List the top-level functions of root in units (with the comments right
 * above each as part of it) and hash what every function's checks see in
 * *context.
 */
static size_t
leak_units(const struct leak_input *in, TSNode root, int is_main,
    struct leak_unit **units, uint64_t *context)
{
	TSTreeCursor c = ts_tree_cursor_new(root);
	size_t n = 0, alloc = 0, comments = SIZE_MAX, comments_row = 0, start;
	size_t i;
	uint64_t h = 0xcbf29ce484222325u;
	struct leak_unit *u;
	TSNode node;

	h = leak_hash(h, &in->go_minor, sizeof in->go_minor);
	h = leak_hash(h, &is_main, sizeof is_main);
	for (i = 0; i < leak_nchecks; i++) {
		int on = in->enabled == NULL || in->enabled[i];

		h = leak_hash(h, &on, sizeof on);
	}
	*units = NULL;
	if (ts_tree_cursor_goto_first_child(&c)) do {
		node = ts_tree_cursor_current_node(&c);
		if (leak_is(node, "comment")) {
			if (comments == SIZE_MAX) {
				comments = ts_node_start_byte(node);
				comments_row = ts_node_start_point(node).row;
			}
			continue;
		}
		start = ts_node_start_byte(node);
		if (!leak_is_unit(node)) {
			h = leak_hash(h, in->text + start,
			    ts_node_end_byte(node) - start);
			comments = SIZE_MAX;
			continue;
		}
		if (n == alloc) {
			alloc = alloc ? alloc * 2 : 64;
			*units = xrealloc(*units, alloc * sizeof **units);
		}
		u = &(*units)[n++];
		u->decl = node;
		u->start = comments != SIZE_MAX ? comments : start;
		u->row = comments != SIZE_MAX ? comments_row :
		    ts_node_start_point(node).row;
		u->hash = leak_hash(0xcbf29ce484222325u, in->text + u->start,
		    ts_node_end_byte(node) - u->start);
		u->from = -1;
		comments = SIZE_MAX;
	} while (ts_tree_cursor_goto_next_sibling(&c));
	ts_tree_cursor_delete(&c);
	*context = h;
	return n;
}

/* Match this run's functions with the memo's, in order where they are. */
static void
leak_units_match(struct leak_unit *units, size_t n, const struct leak_memo *m)
{
	char *used = xcalloc(m->n + 1, 1);
	size_t i, j, k, next = 0, len;

	for (i = 0; i < n; i++) {
		len = ts_node_end_byte(units[i].decl) - units[i].start;
		for (k = 0; k < m->n; k++) {
			j = (next + k) % m->n;
			if (!used[j] && m->units[j].hash == units[i].hash &&
			    m->units[j].len == len) {
				units[i].from = (long)j;
				used[j] = 1;
				next = j + 1;
				break;
			}
		}
	}
	free(used);
}

/* The index filter: leave out the functions the memo answers for. */
struct leak_skip {
	const struct leak_unit *units;
	size_t n;
	size_t at;
};

static int
leak_skip_matched(TSNode child, void *arg)
{
	struct leak_skip *k = arg;

	while (k->at < k->n &&
	    ts_node_start_byte(k->units[k->at].decl) < ts_node_start_byte(child))
		k->at++;
	return k->at < k->n && k->units[k->at].decl.id == child.id &&
	    k->units[k->at].from >= 0;
}

/* Return the index of the check a finding comes from. */
static size_t
leak_check_of(const struct leak_finding *f)
{
	size_t i;

	for (i = 0; i < leak_nchecks; i++)
		if (leak_checks[i]->id == f->check)
			return i;
	return 0;
}

/*
 * Bring the memo up to date with this run, whose own findings are
 * out->items[first..), and add the ones it keeps to out.
 */
static void
leak_memo_update(struct leak_memo *memo, const struct leak_unit *units,
    size_t n, uint64_t context, const int *wanted, struct leak_findings *out,
    size_t first)
{
	struct leak_memo_unit *next = xcalloc(n + 1, sizeof *next), *old;
	const struct leak_finding *f;
	size_t i, k, found = out->n, end;

	for (i = 0; i < n; i++) {
		next[i].hash = units[i].hash;
		end = ts_node_end_byte(units[i].decl);
		next[i].len = end - units[i].start;
		if (units[i].from >= 0) {
			/* Unchanged: what it had, where it is now. */
			old = &memo->units[units[i].from];
			for (k = 0; k < old->found.n; k++) {
				f = &old->found.items[k];
				if (!wanted[leak_check_of(f)])
					continue;
				leak_finding_copy(&next[i].found, f, 0, 0,
				    0, 0);
				leak_finding_copy(out, f, (long)units[i].row,
				    (long)units[i].start, 0, 0);
			}
			continue;
		}
		for (k = first; k < found; k++) {
			f = &out->items[k];
			if (f->start >= units[i].start && f->start < end &&
			    !leak_checks[leak_check_of(f)]->whole_file)
				leak_finding_copy(&next[i].found, f,
				    -(long)units[i].row, -(long)units[i].start,
				    units[i].row + 1,
				    ts_node_end_point(units[i].decl).row + 1);
		}
	}
	leak_memo_clear(memo);
	memo->units = next;
	memo->n = n;
	memo->context = context;
	memo->valid = 1;
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
	int wanted[64], any = 0, pass;
	char *dir;

	memset(&ctx, 0, sizeof ctx);
	ctx.path = in->path;
	ctx.text = in->text;
	ctx.len = in->len;
	ctx.go_minor = in->go_minor;
	ctx.out = out;
	ctx.pkg = in->pkg;
	for (i = 0; i < leak_nchecks && i < ARRAY_SIZE(wanted); i++) {
		wanted[i] = (in->enabled == NULL || in->enabled[i]) &&
		    leak_wanted(leak_checks[i], in->text, in->len);
		any |= wanted[i];
	}
	if (!any) {
		if (in->memo != NULL)
			leak_memo_clear(in->memo);
		return 0;
	}
	if (ctx.pkg == NULL) {
		dir = leak_dirname(in->path);
		leak_package_init(&own, dir);
		free(dir);
		ctx.pkg = &own;
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
		if (in->memo->valid && in->memo->context == context)
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
			leak_tree_index = &index;
			leak_walk_whole = pass;
			ctx.check = leak_checks[i];
			leak_checks[i]->run(&ctx);
		}
	}
	leak_tree_index = NULL;
	leak_walk_whole = 0;
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
	char dir[PATH_MAX], mod[PATH_MAX + 8], line[256], *slash;
	int major, minor;
	FILE *f;

	if (snprintf(dir, sizeof dir, "%s", path) >= (int)sizeof dir)
		return 0;
	while ((slash = strrchr(dir, '/')) != NULL) {
		*slash = '\0';
		snprintf(mod, sizeof mod, "%s/go.mod", *dir ? dir : "");
		f = fopen(mod, "r");
		if (f == NULL)
			continue;
		minor = 0;
		while (fgets(line, sizeof line, f) != NULL)
			if (sscanf(line, " go %d.%d", &major, &minor) == 2 &&
			    major == 1)
				break;
		fclose(f);
		return minor;
	}
	return 0;
}
