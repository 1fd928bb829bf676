/*
 * global-map-growth.c - a package-level map that functions add keys to and
 * that nothing ever removes keys from is an unbounded cache: every key and
 * value stays reachable for the life of the program.
 *
 * Flags: NAME[key] = value in a function, where NAME is a package-level
 * variable declared as a map ("var NAME map[K]V", "= map[K]V{...}", "=
 * make(map[K]V...)", or a map type declared in the declaring file), in
 * this file or in another file of the package, and no file of the package
 * deletes from it, clears it, reassigns it or hands it on. Reported once
 * per map and file, at the file's first such assignment: the editor shows
 * diagnostics per file, and each file that adds keys is part of the leak.
 *
 * Accepts (stays silent):
 * - delete(NAME, k), clear(NAME) or NAME = ... anywhere in the package,
 *   except a reassignment that only initialises the map: one that runs
 *   once (see below) or under "if NAME == nil";
 * - any other use of NAME as a value (an argument, a result, stored, a
 *   method called on it): whoever receives it may delete from it;
 * - len(NAME) compared with a limit other than 0 or 1 ("if len(NAME) >=
 *   max { return }"): the size is watched;
 * - tables filled once and registries rather than caches: assignments that
 *   run once -- in func init(), in a function the same file hands to a Do
 *   method by name (once.Do(load)), in a Do(func() {...}) literal, in a
 *   func literal called where it stands at package level -- or under "if
 *   NAME == nil", or in a function named register..., mustRegister... (any
 *   case) or an exported Add...: an API whose callers decide what it holds;
 * - assignments with a literal key ("name", 42, 'x', true): one key only;
 * - _test.go files: not checked, and not read as siblings, since a test's
 *   cleanup does not bound what the program keeps.
 *
 * Assumes, without a type checker: a name declared anywhere in the
 * outermost function around a use (parameter, receiver, result, var, :=,
 * range or select-case :=, type switch) is that function's own throughout
 * it, never the package's; the package is the non-test files of the
 * directory with the same package clause, build constraints ignored (which
 * only adds uses, so only silences); those files are current on disk.
 * Siblings are only parsed when they mention a map in question. Maps inside
 * package-level structs (cache.m[k] = v) are not followed.
 */
#include <stdio.h>
#include <string.h>

#include "analyzers/leakcheck.h"
#include "protocol/util.h"

static const char *const global_map_growth_needles[] = { "] =", "]=", NULL };

#define GLOBAL_MAP_GROWTH_NAME 128

/* A package-level name this file assigns to with name[key] = value. */
struct global_map_growth_var {
	char name[GLOBAL_MAP_GROWTH_NAME];
	TSNode first;		/* this file's first such assignment target */
	int is_map;		/* declared as a map (somewhere) */
	int not_map;		/* declared as something else (somewhere) */
	int handled;		/* deleted from, cleared, reassigned, ... */
};

struct global_map_growth_state {
	struct leak_ctx *ctx;	/* the file walked: the checked one or a sibling */
	struct global_map_growth_var *vars;
	size_t n;
	/* The last outermost function asked about, per name: see _local(). */
	TSNode outer;
	size_t outer_var;
	int outer_local;
};

/* Return whether n has an anonymous child spelled tok (":=", "=="). */
static int
global_map_growth_has_token(TSNode n, const char *tok)
{
	uint32_t i, count = ts_node_child_count(n);
	TSNode c;

	for (i = 0; i < count; i++) {
		c = ts_node_child(n, i);
		if (!ts_node_is_named(c) && strcmp(ts_node_type(c), tok) == 0)
			return 1;
	}
	return 0;
}

/* Return the var named like identifier n, or NULL. */
static struct global_map_growth_var *
global_map_growth_find(const struct global_map_growth_state *st, TSNode n)
{
	size_t i;

	if (!leak_is(n, "identifier"))
		return NULL;
	for (i = 0; i < st->n; i++)
		if (leak_text_is(st->ctx, n, st->vars[i].name))
			return &st->vars[i];
	return NULL;
}

/* Add a var named like identifier n; NULL when its name is too long. */
static struct global_map_growth_var *
global_map_growth_add(struct global_map_growth_state *st, TSNode n)
{
	struct global_map_growth_var *v;
	uint32_t a = ts_node_start_byte(n), b = ts_node_end_byte(n);

	if (b - a >= GLOBAL_MAP_GROWTH_NAME)
		return NULL;
	st->vars = xrealloc(st->vars, (st->n + 1) * sizeof *st->vars);
	v = &st->vars[st->n++];
	memset(v, 0, sizeof *v);
	memcpy(v->name, st->ctx->text + a, b - a);
	return v;
}

/* Return the outermost function around n, or a null node. */
static TSNode
global_map_growth_outer(TSNode n)
{
	TSNode outer = { 0 };

	for (n = leak_enclosing_func(n); !ts_node_is_null(n);
	    n = leak_enclosing_func(n))
		outer = n;
	return outer;
}

/* Return whether identifier n declares a name where it stands. */
static int
global_map_growth_declaring(TSNode n)
{
	TSNode p = leak_parent(n), pp;

	if (leak_is(p, "parameter_declaration") ||
	    leak_is(p, "variadic_parameter_declaration") ||
	    leak_is(p, "var_spec") || leak_is(p, "const_spec"))
		return 1;
	if (!leak_is(p, "expression_list"))
		return 0;
	pp = leak_parent(p);
	if (leak_is(pp, "short_var_declaration"))
		return ts_node_eq(p, leak_field(pp, "left"));
	if (leak_is(pp, "type_switch_statement"))
		return ts_node_eq(p, leak_field(pp, "alias"));
	if (leak_is(pp, "range_clause") || leak_is(pp, "receive_statement"))
		return ts_node_eq(p, leak_field(pp, "left")) &&
		    global_map_growth_has_token(pp, ":=");
	return 0;
}

struct global_map_growth_decl {
	const struct leak_ctx *ctx;
	const char *name;
	int found;
};

/* Note a declaration of the name. */
static int
global_map_growth_decl_visit(TSNode n, void *data)
{
	struct global_map_growth_decl *d = data;

	if (d->found)
		return 0;
	if (leak_is(n, "identifier") && leak_text_is(d->ctx, n, d->name) &&
	    global_map_growth_declaring(n))
		d->found = 1;
	return 1;
}

/*
 * Return whether the outermost function around identifier n declares n's
 * name anywhere, which makes n a local; the answer for the last function
 * and var is kept, as uses come in source order.
 */
static int
global_map_growth_local(struct global_map_growth_state *st, TSNode n,
    const struct global_map_growth_var *v)
{
	struct global_map_growth_decl d;
	TSNode outer = global_map_growth_outer(n);

	if (ts_node_is_null(outer))
		return 0;
	if (ts_node_eq(outer, st->outer) && st->outer_var ==
	    (size_t)(v - st->vars))
		return st->outer_local;
	d.ctx = st->ctx;
	d.name = v->name;
	d.found = 0;
	leak_walk(outer, global_map_growth_decl_visit, &d);
	st->outer = outer;
	st->outer_var = (size_t)(v - st->vars);
	st->outer_local = d.found;
	return d.found;
}

/* Return whether a func literal is an argument of a call of a Do method. */
static int
global_map_growth_in_do(const struct leak_ctx *ctx, TSNode lit)
{
	TSNode args = leak_parent(lit), call = leak_parent(args);
	TSNode fn = leak_field(call, "function");

	return leak_is(args, "argument_list") && leak_is(fn,
	    "selector_expression") && leak_text_is(ctx,
	    leak_field(fn, "field"), "Do");
}

/*
 * Return whether function name n starts with the word prefix (lower case),
 * in any case: "register" matches Register and registerCodec, not
 * Registered. exported: only an exported name.
 */
static int
global_map_growth_named(const struct leak_ctx *ctx, TSNode n,
    const char *prefix, int exported)
{
	size_t len = strlen(prefix), size, i;
	const char *s;

	if (ts_node_is_null(n))
		return 0;
	size = ts_node_end_byte(n) - ts_node_start_byte(n);
	s = ctx->text + ts_node_start_byte(n);
	if (size < len || (exported && (s[0] < 'A' || s[0] > 'Z')))
		return 0;
	for (i = 0; i < len; i++)
		if ((s[i] | 0x20) != prefix[i])
			return 0;
	return size == len || s[len] < 'a' || s[len] > 'z';
}

/* Return whether text[0, len) holds needle. */
static int
global_map_growth_contains(const char *text, size_t len, const char *needle)
{
	size_t n = strlen(needle), at;

	for (at = 0; at + n <= len; at++)
		if (text[at] == needle[0] && memcmp(text + at, needle, n) == 0)
			return 1;
	return 0;
}

/* Return whether the file hands function name to a Do method: once.Do(f). */
static int
global_map_growth_done_once(const struct leak_ctx *ctx, TSNode name)
{
	char needle[GLOBAL_MAP_GROWTH_NAME + 8];
	uint32_t n;

	if (ts_node_is_null(name))
		return 0;
	n = ts_node_end_byte(name) - ts_node_start_byte(name);
	if (n >= GLOBAL_MAP_GROWTH_NAME)
		return 0;
	snprintf(needle, sizeof needle, ".Do(%.*s)", (int)n,
	    ctx->text + ts_node_start_byte(name));
	return global_map_growth_contains(ctx->text, ctx->len, needle);
}

/*
 * Return whether n runs while the package initialises or at most once: in
 * func init(), in a function the file passes to a Do method by name, in a
 * Do(func() {...}) literal, or in a func literal called where it stands at
 * package level.
 */
static int
global_map_growth_once(const struct leak_ctx *ctx, TSNode n)
{
	TSNode fn, name;

	for (fn = leak_enclosing_func(n); !ts_node_is_null(fn);
	    fn = leak_enclosing_func(fn)) {
		if (leak_is(fn, "function_declaration")) {
			name = leak_field(fn, "name");
			return leak_text_is(ctx, name, "init") ||
			    global_map_growth_done_once(ctx, name);
		}
		if (!leak_is(fn, "func_literal"))
			return 0;
		if (global_map_growth_in_do(ctx, fn) || (leak_is(
		    leak_parent(fn), "call_expression") &&
		    ts_node_is_null(leak_enclosing_func(fn))))
			return 1;
	}
	return 0;
}

/*
 * Return whether n lies in the body of "if name == nil { }" in its own
 * function: where the map is made, and filled the first time.
 */
static int
global_map_growth_nil_guarded(const struct leak_ctx *ctx, TSNode n,
    const char *name)
{
	TSNode cond, a, b;

	for (n = leak_parent(n); !ts_node_is_null(n) && !leak_is_func(n);
	    n = leak_parent(n)) {
		if (!leak_is(n, "block") || !leak_is(leak_parent(n),
		    "if_statement") || !ts_node_eq(n, leak_field(
		    leak_parent(n), "consequence")))
			continue;
		cond = leak_field(leak_parent(n), "condition");
		if (!leak_is(cond, "binary_expression") ||
		    !global_map_growth_has_token(cond, "=="))
			continue;
		a = leak_field(cond, "left");
		b = leak_field(cond, "right");
		if ((leak_is(a, "identifier") && leak_text_is(ctx, a, name) &&
		    leak_is(b, "nil")) || (leak_is(b, "identifier") &&
		    leak_text_is(ctx, b, name) && leak_is(a, "nil")))
			return 1;
	}
	return 0;
}

/*
 * Return whether an assignment to name's keys fills a registry or a table
 * made once rather than a cache: it runs once, under "if name == nil", or in
 * a function named register..., mustRegister... or an exported Add...: an
 * API for callers to extend the table, who decide how far it grows.
 */
static int
global_map_growth_registry(const struct leak_ctx *ctx, TSNode n,
    const char *name)
{
	TSNode fn, fname;

	if (global_map_growth_once(ctx, n) ||
	    global_map_growth_nil_guarded(ctx, n, name))
		return 1;
	for (fn = leak_enclosing_func(n); !ts_node_is_null(fn);
	    fn = leak_enclosing_func(fn)) {
		fname = leak_field(fn, "name");
		if (global_map_growth_named(ctx, fname, "register", 0) ||
		    global_map_growth_named(ctx, fname, "mustregister", 0) ||
		    global_map_growth_named(ctx, fname, "add", 1))
			return 1;
	}
	return 0;
}

/* Return whether an assignment to v only initialises it. */
static int
global_map_growth_initialises(const struct leak_ctx *ctx, TSNode assign,
    const struct global_map_growth_var *v)
{
	return global_map_growth_once(ctx, assign) ||
	    global_map_growth_nil_guarded(ctx, assign, v->name);
}

/* Return whether a key expression is a literal: a single key. */
static int
global_map_growth_literal(TSNode key)
{
	static const char *const types[] = { "interpreted_string_literal",
	    "raw_string_literal", "int_literal", "float_literal",
	    "imaginary_literal", "rune_literal", "true", "false", "nil", NULL };
	size_t i;

	for (i = 0; types[i] != NULL; i++)
		if (leak_is(key, types[i]))
			return 1;
	return 0;
}

/* Note an assignment's growing targets: name[key] = value. */
static int
global_map_growth_assign_visit(TSNode n, void *data)
{
	struct global_map_growth_state *st = data;
	struct global_map_growth_var *v;
	TSNode left, target, operand;
	uint32_t i, count;

	if (!leak_is(n, "assignment_statement") ||
	    !leak_text_is(st->ctx, leak_field(n, "operator"), "="))
		return 1;
	left = leak_field(n, "left");
	count = ts_node_is_null(left) ? 0 : ts_node_named_child_count(left);
	for (i = 0; i < count; i++) {
		target = ts_node_named_child(left, i);
		operand = leak_field(target, "operand");
		if (!leak_is(target, "index_expression") ||
		    !leak_is(operand, "identifier") ||
		    global_map_growth_literal(leak_field(target,
		    "index")))
			continue;
		v = global_map_growth_find(st, operand);
		if (v == NULL)
			v = global_map_growth_add(st, operand);
		if (v == NULL || !ts_node_is_null(v->first) ||
		    global_map_growth_registry(st->ctx, n, v->name) ||
		    global_map_growth_local(st, operand, v))
			continue;
		v->first = target;
	}
	return 1;
}

/* Return whether type names a map: a map type, or a named one in root. */
static int
global_map_growth_map_type(const struct leak_ctx *ctx, TSNode root,
    TSNode type)
{
	TSTreeCursor c;
	uint32_t j, m;
	TSNode decl, spec;

	if (leak_is(type, "map_type"))
		return 1;
	if (!leak_is(type, "type_identifier"))
		return 0;
	/* A cursor: ts_node_named_child(root, i) costs i. */
	c = ts_tree_cursor_new(root);
	if (ts_tree_cursor_goto_first_child(&c)) do {
		decl = ts_tree_cursor_current_node(&c);
		if (!leak_is(decl, "type_declaration"))
			continue;
		m = ts_node_named_child_count(decl);
		for (j = 0; j < m; j++) {
			spec = ts_node_named_child(decl, j);
			if ((leak_is(spec, "type_spec") ||
			    leak_is(spec, "type_alias")) &&
			    leak_same_text(ctx, leak_field(spec,
			    "name"), type)) {
				ts_tree_cursor_delete(&c);
				return leak_is(leak_field(spec,
				    "type"), "map_type");
			}
		}
	} while (ts_tree_cursor_goto_next_sibling(&c));
	ts_tree_cursor_delete(&c);
	return 0;
}

/* Return whether a var spec's at'th value makes a map. */
static int
global_map_growth_map_value(const struct leak_ctx *ctx, TSNode root,
    TSNode spec, uint32_t at)
{
	TSNode values = leak_field(spec, "value"), e, args;
	uint32_t i, n = ts_node_is_null(values) ? 0 :
	    ts_node_named_child_count(values);

	for (i = 0; i < n; i++) {
		e = ts_node_named_child(values, i);
		if (leak_is(e, "comment") || at-- > 0)
			continue;
		if (leak_is(e, "composite_literal"))
			return global_map_growth_map_type(ctx, root,
			    leak_field(e, "type"));
		args = leak_field(e, "arguments");
		return leak_is(e, "call_expression") && leak_text_is(ctx,
		    leak_field(e, "function"), "make") &&
		    ts_node_named_child_count(args) > 0 &&
		    global_map_growth_map_type(ctx, root,
		    ts_node_named_child(args, 0));
	}
	return 0;
}

/* Note what a package-level var spec declares the vars to be. */
static void
global_map_growth_spec(struct global_map_growth_state *st, TSNode root,
    TSNode spec)
{
	struct global_map_growth_var *v;
	TSNode type = leak_field(spec, "type"), e;
	uint32_t i, n = ts_node_named_child_count(spec), at = 0;
	int map;

	for (i = 0; i < n; i++) {
		e = ts_node_named_child(spec, i);
		if (!leak_is(e, "identifier"))
			continue;
		v = global_map_growth_find(st, e);
		if (v != NULL) {
			map = ts_node_is_null(type) ?
			    global_map_growth_map_value(st->ctx, root, spec,
			    at) : global_map_growth_map_type(st->ctx, root,
			    type);
			if (map)
				v->is_map = 1;
			else
				v->not_map = 1;
		}
		at++;
	}
}

/* Note what the file's package-level var declarations say of the vars. */
static void
global_map_growth_decls(struct global_map_growth_state *st, TSNode root)
{
	TSTreeCursor c = ts_tree_cursor_new(root);
	uint32_t j, m;
	TSNode decl, list;

	if (ts_tree_cursor_goto_first_child(&c)) do {
		decl = ts_tree_cursor_current_node(&c);
		if (!leak_is(decl, "var_declaration"))
			continue;
		list = ts_node_named_child(decl, 0);
		if (leak_is(list, "var_spec")) {
			global_map_growth_spec(st, root, list);
			continue;
		}
		m = ts_node_named_child_count(list);
		for (j = 0; j < m; j++)
			if (leak_is(ts_node_named_child(list, j), "var_spec"))
				global_map_growth_spec(st, root,
				    ts_node_named_child(list, j));
	} while (ts_tree_cursor_goto_next_sibling(&c));
	ts_tree_cursor_delete(&c);
}

/*
 * Return whether a len() call's parent compares it with a size limit;
 * "len(m) > 0" and the like only ask whether the map is empty.
 */
static int
global_map_growth_bound(const struct leak_ctx *ctx, TSNode cmp)
{
	static const char *const ops[] = { "<", "<=", ">", ">=", NULL };
	TSNode a, b;
	size_t i;

	if (!leak_is(cmp, "binary_expression"))
		return 0;
	a = leak_field(cmp, "left");
	b = leak_field(cmp, "right");
	if (leak_text_is(ctx, a, "0") || leak_text_is(ctx, a, "1") ||
	    leak_text_is(ctx, b, "0") || leak_text_is(ctx, b, "1"))
		return 0;
	for (i = 0; ops[i] != NULL; i++)
		if (global_map_growth_has_token(cmp, ops[i]))
			return 1;
	return 0;
}

/* Return whether a use of v may shrink it: see the file comment. */
static int
global_map_growth_evicts(const struct leak_ctx *ctx, TSNode n,
    const struct global_map_growth_var *v)
{
	TSNode p = leak_parent(n), pp = leak_parent(p);
	char callee[16];

	if (leak_is(p, "var_spec") || leak_is(p, "binary_expression"))
		return 0;	/* its declaration, a comparison */
	if (leak_is(p, "index_expression"))
		return !ts_node_eq(n, leak_field(p, "operand"));
	if (leak_is(p, "literal_element") && leak_is(pp, "keyed_element") &&
	    ts_node_eq(p, leak_field(pp, "key")))
		return 0;	/* a struct field's name */
	if (leak_is(p, "range_clause"))
		return !ts_node_eq(n, leak_field(p, "right"));
	if (leak_is(p, "argument_list") && strcmp(leak_callee(ctx, pp, callee,
	    sizeof callee), "len") == 0)
		return global_map_growth_bound(ctx, leak_parent(pp));
	if (leak_is(p, "argument_list"))
		return 1;	/* delete, clear, or handed on */
	if (leak_is(p, "expression_list") && leak_is(pp,
	    "assignment_statement") && ts_node_eq(p,
	    leak_field(pp, "left")))
		return !global_map_growth_initialises(ctx, pp, v);
	return 1;	/* handed on */
}

/* Note the uses of the vars that may shrink them. */
static int
global_map_growth_use_visit(TSNode n, void *data)
{
	struct global_map_growth_state *st = data;
	struct global_map_growth_var *v = global_map_growth_find(st, n);

	if (v == NULL || v->handled || ts_node_is_null(v->first))
		return 1;
	if (!global_map_growth_local(st, n, v) &&
	    global_map_growth_evicts(st->ctx, n, v))
		v->handled = 1;
	return 1;
}

/* Return the package clause's name in root, or NULL. */
static TSNode
global_map_growth_package(TSNode root)
{
	uint32_t i, n = ts_node_named_child_count(root);
	TSNode c;

	for (i = 0; i < n; i++) {
		c = ts_node_named_child(root, i);
		if (leak_is(c, "package_clause"))
			return ts_node_named_child(c, 0);
	}
	return ts_node_named_child(root, n);	/* null */
}

/* Return whether byte c may be part of an identifier. */
static int
global_map_growth_word(unsigned char c)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c >= 0x80;
}

/* Return whether text names name as a whole word. */
static int
global_map_growth_mentions(const char *text, size_t len, const char *name)
{
	size_t n = strlen(name), at = 0;
	const char *p;

	while (at + n <= len && (p = memchr(text + at, name[0],
	    len - at - n + 1)) != NULL) {
		at = (size_t)(p - text);
		if (memcmp(p, name, n) == 0 && (at == 0 ||
		    !global_map_growth_word((unsigned char)p[-1])) &&
		    (at + n == len ||
		    !global_map_growth_word((unsigned char)p[n])))
			return 1;
		at++;
	}
	return 0;
}

/* Return whether a sibling may use one of the vars still in question. */
static int
global_map_growth_wanted(const struct global_map_growth_state *st,
    const struct leak_sibling *s)
{
	size_t i, len = strlen(s->path);

	if (len >= 8 && strcmp(s->path + len - 8, "_test.go") == 0)
		return 0;
	for (i = 0; i < st->n; i++)
		if (!ts_node_is_null(st->vars[i].first) &&
		    !st->vars[i].handled && !st->vars[i].not_map &&
		    global_map_growth_mentions(s->text, s->len,
		    st->vars[i].name))
			return 1;
	return 0;
}

/* Return whether text holds needle. */
static int
global_map_growth_has(const char *text, size_t len, const char *needle)
{
	size_t n = strlen(needle), at = 0;
	const char *p;

	while (at + n <= len && (p = memchr(text + at, needle[0],
	    len - at - n + 1)) != NULL) {
		if (memcmp(p, needle, n) == 0)
			return 1;
		at = (size_t)(p - text) + 1;
	}
	return 0;
}

/* Return whether package name a in text ta is name b in text tb. */
static int
global_map_growth_same_name(const char *ta, TSNode a, const char *tb,
    TSNode b)
{
	uint32_t n;

	/* A file with no package clause (one being typed) has no name. */
	if (ts_node_is_null(a) || ts_node_is_null(b))
		return 0;
	n = ts_node_end_byte(a) - ts_node_start_byte(a);
	return n == ts_node_end_byte(b) - ts_node_start_byte(b) &&
	    memcmp(ta + ts_node_start_byte(a), tb + ts_node_start_byte(b),
	    n) == 0;
}

/* Read a sibling of the same package: its declarations and uses. */
static void
global_map_growth_sibling(struct global_map_growth_state *st,
    TSParser *parser, const struct leak_sibling *s, TSNode pkg)
{
	struct leak_ctx sctx, *ctx = st->ctx;
	TSTree *tree;
	TSNode root;

	tree = ts_parser_parse_string(parser, NULL, s->text, (uint32_t)s->len);
	if (tree == NULL)
		return;
	root = ts_tree_root_node(tree);
	if (global_map_growth_same_name(s->text,
	    global_map_growth_package(root), ctx->text, pkg)) {
		sctx = *ctx;
		sctx.path = s->path;
		sctx.text = s->text;
		sctx.len = s->len;
		sctx.root = root;
		st->ctx = &sctx;
		global_map_growth_decls(st, root);
		leak_walk(root, global_map_growth_use_visit, st);
		st->ctx = ctx;
	}
	/* Its nodes must not answer for the next tree's. */
	memset(&st->outer, 0, sizeof st->outer);
	ts_tree_delete(tree);
}

/* Return whether some var is still in question. */
static int
global_map_growth_open(const struct global_map_growth_state *st)
{
	size_t i;

	for (i = 0; i < st->n; i++)
		if (!ts_node_is_null(st->vars[i].first) &&
		    !st->vars[i].handled && !st->vars[i].not_map)
			return 1;
	return 0;
}

/* Return whether a function may assign name[key] = value at all. */
static int
global_map_growth_may_assign(const struct leak_ctx *ctx, TSNode decl,
    void *data)
{
	const char *text = ctx->text + ts_node_start_byte(decl);
	size_t len = ts_node_end_byte(decl) - ts_node_start_byte(decl);

	(void)data;
	return global_map_growth_has(text, len, "] =") ||
	    global_map_growth_has(text, len, "]=");
}

/* Return whether a function mentions one of the maps still in question. */
static int
global_map_growth_may_use(const struct leak_ctx *ctx, TSNode decl,
    void *data)
{
	const struct global_map_growth_state *st = data;
	const char *text = ctx->text + ts_node_start_byte(decl);
	size_t len = ts_node_end_byte(decl) - ts_node_start_byte(decl), i;

	for (i = 0; i < st->n; i++)
		if (!ts_node_is_null(st->vars[i].first) &&
		    !st->vars[i].handled &&
		    global_map_growth_mentions(text, len, st->vars[i].name))
			return 1;
	return 0;
}

/* Return whether text[0..len) is a test file's. */
static int
global_map_growth_test_file(const char *path)
{
	size_t len = strlen(path);

	return len >= 8 && strcmp(path + len - 8, "_test.go") == 0;
}

/*
 * Return whether a file's text may declare a package-level map, by its
 * lines: "var ... map[", a "var (" block with "map[" in it, or a type
 * declared as a map ("type cache map[...]"), each at the start of a line
 * as gofmt writes them.
 */
static int
global_map_growth_declares(const char *text, size_t len)
{
	const char *p = text, *end = text + len, *nl, *eol;
	int block = 0;

	for (; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		eol = nl != NULL ? nl : end;
		if (eol - p >= 5 && memcmp(p, "var (", 5) == 0)
			block = 1;
		else if (block && p < eol && *p == ')')
			block = 0;
		else if ((block || (eol - p >= 4 && (memcmp(p, "var ", 4) == 0 ||
		    (eol - p >= 5 && memcmp(p, "type ", 5) == 0)))) &&
		    global_map_growth_has(p, (size_t)(eol - p), "map["))
			return 1;
		if (nl == NULL)
			break;
	}
	return 0;
}

/*
 * The finer prefilter: a file that is not a test and whose package (it, or
 * another non-test file of its directory) may declare a package-level map.
 */
static int
global_map_growth_wanted_file(struct leak_ctx *ctx)
{
	const struct leak_sibling *files;
	size_t n, i;

	if (global_map_growth_test_file(ctx->path))
		return 0;
	if (global_map_growth_declares(ctx->text, ctx->len))
		return 1;
	files = leak_package_files(ctx, &n);
	for (i = 0; i < n; i++)
		if (!leak_sibling_is_self(ctx, &files[i]) &&
		    !global_map_growth_test_file(files[i].path) &&
		    global_map_growth_declares(files[i].text, files[i].len))
			return 1;
	return 0;
}

/* Run the check. */
static void
global_map_growth_run(struct leak_ctx *ctx)
{
	struct global_map_growth_state st;
	const struct leak_sibling *files;
	struct global_map_growth_var *v;
	TSParser *parser = NULL;
	TSNode pkg = global_map_growth_package(ctx->root);
	size_t n, i, len = strlen(ctx->path);

	if ((len >= 8 && strcmp(ctx->path + len - 8, "_test.go") == 0) ||
	    ts_node_is_null(pkg))
		return;
	memset(&st, 0, sizeof st);
	st.ctx = ctx;
	leak_walk_file(ctx, global_map_growth_may_assign,
	    global_map_growth_assign_visit, &st);
	global_map_growth_decls(&st, ctx->root);
	leak_walk_file(ctx, global_map_growth_may_use,
	    global_map_growth_use_visit, &st);
	files = global_map_growth_open(&st) ? leak_package_files(ctx, &n) :
	    NULL;
	if (files == NULL)
		n = 0;
	for (i = 0; i < n && global_map_growth_open(&st); i++) {
		if (leak_sibling_is_self(ctx, &files[i]) ||
		    !global_map_growth_wanted(&st, &files[i]))
			continue;
		if (parser == NULL)
			parser = leak_go_parser();
		global_map_growth_sibling(&st, parser, &files[i], pkg);
	}
	for (i = 0; i < st.n; i++) {
		v = &st.vars[i];
		if (ts_node_is_null(v->first) || !v->is_map || v->not_map ||
		    v->handled)
			continue;
		leak_report(ctx, v->first, "%s grows without bound: this "
		    "package-level map is assigned here but never deleted "
		    "from, cleared or reassigned in package %.*s", v->name,
		    (int)(ts_node_end_byte(pkg) - ts_node_start_byte(pkg)),
		    ctx->text + ts_node_start_byte(pkg));
	}
	if (parser != NULL)
		ts_parser_delete(parser);
	free(st.vars);
}

const struct leak_check leak_global_map_growth = {
	.id = "global-map-growth",
	.summary = "package-level map filled but never deleted from",
	.severity = LEAK_WARNING,
	.needles = global_map_growth_needles,
	.wanted = global_map_growth_wanted_file,
	.run = global_map_growth_run,
	.whole_file = 1,		/* the first assignment of a map in the file */
};
