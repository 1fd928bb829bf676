/*
 * wg-add-in-goroutine.c - wg.Add inside the goroutine it counts races with
 * wg.Wait: Wait can find the counter still at zero and return before the
 * goroutine has run, and the goroutine then outlives whoever waited for it.
 *
 * Flags: a statement X.Add(...) in the body of a go func(){...}() literal,
 * not inside a func literal nested in it.
 * Accepts: Add before the go statement; an Add in a goroutine that itself
 * starts goroutines (it may be counting those before their go statement,
 * which is the fix); Add with a negative argument (a Done in disguise).
 * Assumes, without a type checker, that X is a sync.WaitGroup only when the
 * file says so: the enclosing top-level function (closures included) calls
 * X.Done() or X.Wait(), or X (or the field it ends in) is declared in the
 * file as sync.WaitGroup or *sync.WaitGroup. Other counters with an Add
 * method (atomic.Int64, expvar.Int, metrics) are left alone.
 */
#include <stdio.h>
#include <string.h>

#include "analyzers/leakcheck.h"

/* The Add is in a go func literal, which is rarer in files than ".Add(". */
static const char *const wg_add_in_goroutine_needles[] = { "go func", NULL };

/* What the search for a WaitGroup's Done/Wait or declaration needs. */
struct wg_add_in_goroutine_find {
	struct leak_ctx *ctx;
	const char *x;		/* the receiver's text: "wg", "s.wg" */
	const char *last;	/* its last component: "wg" */
	int found;
};

/* Find the func literal a go statement runs; return 0 if it runs none. */
static int
wg_add_in_goroutine_literal(TSNode go, TSNode *lit)
{
	TSNode call = ts_node_named_child(go, 0);

	if (!leak_is(call, "call_expression"))
		return 0;
	*lit = leak_field(call, "function");
	return leak_is(*lit, "func_literal");
}

/* Return the outermost function declaration or literal around node. */
static TSNode
wg_add_in_goroutine_top(TSNode n)
{
	TSNode top = n;

	for (; !ts_node_is_null(n); n = leak_parent(n))
		if (leak_is_func(n))
			top = n;
	return top;
}

/* Note a call of X.Done or X.Wait. */
static int
wg_add_in_goroutine_done_visit(TSNode n, void *data)
{
	struct wg_add_in_goroutine_find *f = data;
	char callee[256], want[256];

	if (f->found)
		return 0;
	if (!leak_is(n, "call_expression"))
		return 1;
	leak_callee(f->ctx, n, callee, sizeof callee);
	snprintf(want, sizeof want, "%s.Done", f->x);
	if (strcmp(callee, want) == 0)
		f->found = 1;
	snprintf(want, sizeof want, "%s.Wait", f->x);
	if (strcmp(callee, want) == 0)
		f->found = 1;
	return 1;
}

/* Return whether a type node is sync.WaitGroup or *sync.WaitGroup. */
static int
wg_add_in_goroutine_wg_type(const struct leak_ctx *ctx, TSNode type)
{
	if (leak_is(type, "pointer_type"))
		type = ts_node_named_child(type, 0);
	return leak_is(type, "qualified_type") &&
	    leak_text_is(ctx, type, "sync.WaitGroup");
}

/*
 * Return whether a declaration (var_spec, parameter_declaration,
 * field_declaration) names f->last. Its names are its identifier children:
 * types and values are other nodes. (ts_node_field_name_for_child is
 * unreliable in the tree-sitter we link.)
 */
static int
wg_add_in_goroutine_names(struct wg_add_in_goroutine_find *f, TSNode decl)
{
	uint32_t i, n = ts_node_named_child_count(decl);
	TSNode c;

	for (i = 0; i < n; i++) {
		c = ts_node_named_child(decl, i);
		if ((leak_is(c, "identifier") || leak_is(c, "field_identifier")) &&
		    leak_text_is(f->ctx, c, f->last))
			return 1;
	}
	return 0;
}

/* Note a declaration of f->last with the WaitGroup type. */
static int
wg_add_in_goroutine_decl_visit(TSNode n, void *data)
{
	struct wg_add_in_goroutine_find *f = data;
	TSNode type;

	if (f->found)
		return 0;
	if (!leak_is(n, "var_spec") && !leak_is(n, "parameter_declaration") &&
	    !leak_is(n, "field_declaration"))
		return 1;
	type = leak_field(n, "type");
	if (wg_add_in_goroutine_wg_type(f->ctx, type) &&
	    wg_add_in_goroutine_names(f, n))
		f->found = 1;
	return 1;
}

/*
 * Return whether the file shows that x is a WaitGroup: Done or Wait called
 * on it in the function holding go, or a declaration with the type.
 */
static int
wg_add_in_goroutine_is_wg(struct leak_ctx *ctx, TSNode go, const char *x)
{
	struct wg_add_in_goroutine_find f;
	const char *dot = strrchr(x, '.');

	memset(&f, 0, sizeof f);
	f.ctx = ctx;
	f.x = x;
	f.last = dot != NULL ? dot + 1 : x;
	leak_walk(wg_add_in_goroutine_top(go), wg_add_in_goroutine_done_visit,
	    &f);
	if (!f.found)
		leak_walk(ctx->root, wg_add_in_goroutine_decl_visit, &f);
	return f.found;
}

/* Note a go statement in a goroutine's own body. */
static int
wg_add_in_goroutine_spawn_visit(TSNode n, void *data)
{
	int *spawns = data;

	if (leak_is(n, "go_statement"))
		*spawns = 1;
	return !*spawns && !leak_is(n, "func_literal");
}

/* The goroutine being scanned for Add statements. */
struct wg_add_in_goroutine_scan {
	struct leak_ctx *ctx;
	TSNode go;
	TSNode lit;
};

/* Report an X.Add(n) statement of the goroutine when X is a WaitGroup. */
static int
wg_add_in_goroutine_add_visit(TSNode n, void *data)
{
	struct wg_add_in_goroutine_scan *s = data;
	TSNode call, args, arg;
	char callee[256];
	size_t len;

	if (leak_is(n, "func_literal") && !ts_node_eq(n, s->lit))
		return 0;
	if (!leak_is(n, "expression_statement"))
		return 1;
	call = ts_node_named_child(n, 0);
	if (!leak_is(call, "call_expression"))
		return 0;
	leak_callee(s->ctx, call, callee, sizeof callee);
	len = strlen(callee);
	if (len <= 4 || strcmp(callee + len - 4, ".Add") != 0)
		return 0;
	args = leak_field(call, "arguments");
	if (ts_node_is_null(args) || ts_node_named_child_count(args) == 0)
		return 0;
	arg = ts_node_named_child(args, 0);
	if (leak_is(arg, "unary_expression") &&
	    leak_is(leak_field(arg, "operator"), "-"))
		return 0;
	callee[len - 4] = '\0';
	if (wg_add_in_goroutine_is_wg(s->ctx, s->go, callee))
		leak_report(s->ctx, n, "%s.Add inside the goroutine it counts "
		    "races with %s.Wait: call Add before the go statement",
		    callee, callee);
	return 0;
}

/* Scan each goroutine literal that starts no goroutines of its own. */
static int
wg_add_in_goroutine_visit(TSNode n, void *data)
{
	struct wg_add_in_goroutine_scan s;
	TSNode body;
	int spawns = 0;

	if (!leak_is(n, "go_statement"))
		return 1;
	s.ctx = data;
	s.go = n;
	if (!wg_add_in_goroutine_literal(n, &s.lit))
		return 1;
	body = leak_field(s.lit, "body");
	if (ts_node_is_null(body))
		return 1;
	leak_walk(body, wg_add_in_goroutine_spawn_visit, &spawns);
	if (!spawns)
		leak_walk(s.lit, wg_add_in_goroutine_add_visit, &s);
	return 1;
}

/* Run the check. */
static void
wg_add_in_goroutine_run(struct leak_ctx *ctx)
{
	leak_walk(ctx->root, wg_add_in_goroutine_visit, ctx);
}

const struct leak_check leak_wg_add_in_goroutine = {
	.id = "wg-add-in-goroutine",
	.summary = "WaitGroup.Add inside the goroutine it counts races with Wait",
	.severity = LEAK_WARNING,
	.needles = wg_add_in_goroutine_needles,
	.run = wg_add_in_goroutine_run,
};
