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
	uint32_t i, j, n = ts_node_named_child_count(ctx->root), m;
	TSNode decl, spec, list, path, name;
	char quoted[128];
	const char *base;

	snprintf(quoted, sizeof quoted, "\"%s\"", pkg);
	for (i = 0; i < n; i++) {
		decl = ts_node_named_child(ctx->root, i);
		if (!leak_is(decl, "import_declaration"))
			continue;
		list = ts_node_named_child(decl, 0);
		m = leak_is(list, "import_spec_list") ?
		    ts_node_named_child_count(list) : 1;
		for (j = 0; j < m; j++) {
			spec = leak_is(list, "import_spec_list") ?
			    ts_node_named_child(list, j) : list;
			if (!leak_is(spec, "import_spec"))
				continue;
			path = ts_node_child_by_field_name(spec, "path", 4);
			if (!leak_text_is(ctx, path, quoted))
				continue;
			name = ts_node_child_by_field_name(spec, "name", 4);
			if (ts_node_is_null(name)) {
				/* "net/http" is called http. */
				base = strrchr(pkg, '/');
				snprintf(buf, size, "%s", base ? base + 1 : pkg);
				return buf;
			}
			if (!leak_is(name, "package_identifier") ||
			    ts_node_end_byte(name) - ts_node_start_byte(name) >=
			    size)
				return NULL;
			snprintf(buf, size, "%.*s",
			    (int)(ts_node_end_byte(name) - ts_node_start_byte(name)),
			    ctx->text + ts_node_start_byte(name));
			return buf;
		}
	}
	return NULL;
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
};

static _Thread_local struct leak_index *leak_tree_index;

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

/* Flatten the tree under root and hash its nodes. */
static void
leak_index_build(struct leak_index *ix, TSNode root)
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
			stack[depth] = leak_index_add(ix,
			    ts_tree_cursor_current_node(&c), stack[depth - 1]);
			continue;
		}
		for (;;) {
			ix->nodes[stack[depth]].end = (uint32_t)ix->n;
			if (depth > 0 && ts_tree_cursor_goto_next_sibling(&c)) {
				stack[depth] = leak_index_add(ix,
				    ts_tree_cursor_current_node(&c),
				    stack[depth - 1]);
				break;
			}
			if (depth == 0 || !ts_tree_cursor_goto_parent(&c))
				goto flat;
			depth--;
		}
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
		path = xasprintf("%s/%s", pkg->dir, d->d_name);
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

/* Return the start of 1-based line in text, or NULL past the end. */
static const char *
leak_line_start(const char *text, size_t len, size_t line)
{
	const char *p = text, *end = text + len, *nl;

	while (--line > 0) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			return NULL;
		p = nl + 1;
	}
	return p;
}

/* Return whether line holds "//heaplens:ignore" naming check. */
static int
leak_ignored_on(const char *text, size_t len, size_t line, const char *check)
{
	static const char tag[] = "//heaplens:ignore";
	const char *p = leak_line_start(text, len, line), *end, *id, *nl;
	size_t n = strlen(check), idlen;

	if (p == NULL)
		return 0;
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

/* Check one file. */
size_t
leakcheck_run(const struct leak_input *in, struct leak_findings *out)
{
	struct leak_index index = { NULL, 0, 0, NULL, 0, 0 };
	struct leak_package own;
	struct leak_ctx ctx;
	TSParser *parser = NULL;
	TSTree *tree = in->tree;
	size_t i, first = out->n, keep;
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
		if ((in->enabled != NULL && !in->enabled[i]) ||
		    !leak_wanted(leak_checks[i], in->text, in->len))
			continue;
		if (tree == NULL) {
			parser = leak_go_parser();
			tree = ts_parser_parse_string(parser, NULL, in->text,
			    (uint32_t)in->len);
		}
		if (ts_node_is_null(ctx.root)) {
			ctx.root = ts_tree_root_node(tree);
			ctx.is_main = leak_package_main(in->text, ctx.root);
			leak_index_build(&index, ctx.root);
			leak_tree_index = &index;
		}
		ctx.check = leak_checks[i];
		leak_checks[i]->run(&ctx);
	}
	/* Drop what the code itself asks to ignore. */
	for (i = keep = first; i < out->n; i++) {
		struct leak_finding *f = &out->items[i];

		if (leak_ignored_on(in->text, in->len, f->line, f->check) ||
		    (f->line > 1 && leak_ignored_on(in->text, in->len,
		    f->line - 1, f->check))) {
			leak_finding_free(f);
			continue;
		}
		out->items[keep++] = *f;
	}
	out->n = keep;
	if (out->n > first)
		qsort(out->items + first, out->n - first, sizeof *out->items,
		    leak_finding_cmp);
	leak_tree_index = NULL;
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
