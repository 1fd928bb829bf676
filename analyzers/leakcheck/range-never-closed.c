/*
 * range-never-closed.c - a goroutine ranging over a channel ends only when
 * the channel is closed; if the function that made the channel never
 * closes it, the goroutine blocks in the range forever.
 *
 * Flags: for ... range ch in a go func(){...}() literal (its own body, not
 * a func literal nested in it), where ch is bound in an enclosing function
 * by ch := make(chan ...) or var ch = make(chan ...) -- directly, or passed
 * to the literal as an argument -- and that function never calls close(ch)
 * anywhere, closures included. Reported at the for statement.
 * Accepts as handled, since someone else may close the channel: any use of
 * ch other than receiving, sending, ranging, len and cap: close(ch),
 * passing it to a function, returning it, storing it in a variable, field,
 * map, slice or composite literal, sending it on a channel.
 * Assumes, without a type checker, that a name refers to the nearest
 * declaration found walking out through the enclosing functions (closures'
 * own declarations skipped); a name bound any other way there (parameter,
 * package variable, the result of another call, a range or receive) is
 * left alone. Every use of the name in the declaring function, closures
 * included, is taken to be the channel's: a same-named variable's close or
 * hand-off keeps the check silent.
 */
#include <string.h>

#include "analyzers/leakcheck.h"

/* The channel is made in the function: gofmt writes make(chan T). */
static const char *const range_never_closed_needles[] = { "make(chan", NULL };

/* The channel under investigation. */
struct range_never_closed_chan {
	struct leak_ctx *ctx;
	char name[128];
	TSNode arg;		/* the go call's argument it was passed as */
	int has_arg;
	int decls;		/* declarations found */
	int makes;		/* of which name := make(chan ...) */
	int handled;		/* a use that may close it elsewhere */
};

/* Return whether node is an identifier spelling the channel's name. */
static int
range_never_closed_named(const struct range_never_closed_chan *c, TSNode n)
{
	return leak_is(n, "identifier") && leak_text_is(c->ctx, n, c->name);
}

/* Return the index of the channel's name in an expression list, or -1. */
static int
range_never_closed_index(const struct range_never_closed_chan *c, TSNode list)
{
	TSNode e;
	int at;

	for (at = 0; !ts_node_is_null(e = leak_nth(list, at));
	    at++)
		if (range_never_closed_named(c, e))
			return at;
	return -1;
}

/* Return whether e is make(chan ...). */
static int
range_never_closed_make(const struct leak_ctx *ctx, TSNode e)
{
	TSNode fn = leak_field(e, "function");
	TSNode args = leak_field(e, "arguments");

	return leak_is(e, "call_expression") && leak_is(fn, "identifier") &&
	    leak_text_is(ctx, fn, "make") &&
	    leak_is(leak_nth(args, 0), "channel_type");
}

/* Count a declaration binding the name to the at'th of values. */
static void
range_never_closed_bind(struct range_never_closed_chan *c, TSNode values,
    int at)
{
	c->decls++;
	if (range_never_closed_make(c->ctx, leak_nth(values, at)))
		c->makes++;
}

/*
 * Find the name among the names of a declaration (var_spec, const_spec,
 * parameter_declaration): its identifier children, as types and values are
 * other nodes (ts_node_field_name_for_child is unreliable in the
 * tree-sitter we link). Return its index there, or -1; set *names to how
 * many names the declaration has.
 */
static int
range_never_closed_name_at(const struct range_never_closed_chan *c,
    TSNode decl, int *names)
{
	uint32_t i, n = ts_node_named_child_count(decl);
	TSNode e;
	int at = -1;

	*names = 0;
	for (i = 0; i < n; i++) {
		e = ts_node_named_child(decl, i);
		if (!leak_is(e, "identifier"))
			continue;
		if (at < 0 && range_never_closed_named(c, e))
			at = *names;
		(*names)++;
	}
	return at;
}

/* Count declarations of the name in a function, closures excluded. */
static int
range_never_closed_decl_visit(TSNode n, void *data)
{
	struct range_never_closed_chan *c = data;
	TSNode left;
	int at, names;

	if (leak_is(n, "func_literal"))
		return 0;
	if (leak_is(n, "short_var_declaration")) {
		at = range_never_closed_index(c,
		    leak_field(n, "left"));
		if (at >= 0)
			range_never_closed_bind(c,
			    leak_field(n, "right"), at);
	} else if (leak_is(n, "var_spec")) {
		at = range_never_closed_name_at(c, n, &names);
		if (at >= 0)
			range_never_closed_bind(c,
			    leak_field(n, "value"), at);
	} else if (leak_is(n, "const_spec")) {
		if (range_never_closed_name_at(c, n, &names) >= 0)
			c->decls++;
	} else if (leak_is(n, "range_clause") ||
	    leak_is(n, "receive_statement") ||
	    leak_is(n, "type_switch_statement")) {
		/* Bound (or assigned) from something other than make. */
		left = leak_field(n, leak_is(n,
		    "type_switch_statement") ? "alias" : "left");
		if (range_never_closed_index(c, left) >= 0)
			c->decls++;
	}
	return 1;
}

/*
 * Return whether a function's parameters, receiver or results declare the
 * name; set *at to its index among the parameters, or -1 when it is a
 * receiver or result.
 */
static int
range_never_closed_param(const struct range_never_closed_chan *c, TSNode fn,
    int *at)
{
	static const char *const lists[] = { "parameters", "receiver",
	    "result", NULL };
	uint32_t i, n;
	TSNode list, decl;
	int k, in, names;

	for (k = 0; lists[k] != NULL; k++) {
		list = leak_field(fn, lists[k]);
		if (!leak_is(list, "parameter_list"))
			continue;
		*at = 0;
		n = ts_node_named_child_count(list);
		for (i = 0; i < n; i++) {
			decl = ts_node_named_child(list, i);
			if (leak_is(decl, "comment"))
				continue;
			in = range_never_closed_name_at(c, decl, &names);
			if (in >= 0) {
				*at = k == 0 ? *at + in : -1;
				return 1;
			}
			*at += names > 0 ? names : 1;	/* unnamed: one */
		}
	}
	*at = -1;
	return 0;
}

/* Note a use of the channel that may hand it to whoever closes it. */
static int
range_never_closed_use_visit(TSNode n, void *data)
{
	struct range_never_closed_chan *c = data;
	TSNode p;
	char callee[32];

	if (c->handled)
		return 0;
	if (!range_never_closed_named(c, n))
		return 1;
	if (c->has_arg && ts_node_eq(n, c->arg))
		return 0;
	p = leak_parent(n);
	if (leak_is(p, "range_clause") &&
	    ts_node_eq(n, leak_field(p, "right")))
		return 0;	/* ranged over */
	if (leak_is(p, "send_statement") &&
	    ts_node_eq(n, leak_field(p, "channel")))
		return 0;	/* sent to */
	if (leak_is(p, "unary_expression") &&
	    leak_is(leak_field(p, "operator"), "<-"))
		return 0;	/* received from */
	if (leak_is(p, "argument_list")) {
		leak_callee(c->ctx, leak_parent(p), callee, sizeof callee);
		if (strcmp(callee, "len") == 0 || strcmp(callee, "cap") == 0)
			return 0;
	}
	if (leak_is(p, "var_spec") || (leak_is(p, "expression_list") &&
	    leak_is(leak_parent(p), "short_var_declaration") &&
	    ts_node_eq(p, leak_field(leak_parent(p), "left"))))
		return 0;	/* declared */
	c->handled = 1;
	return 0;
}

/* Copy node's text into the channel's name; return 0 if it does not fit. */
static int
range_never_closed_set_name(struct range_never_closed_chan *c, TSNode n)
{
	uint32_t a = ts_node_start_byte(n), b = ts_node_end_byte(n);

	if (b - a >= sizeof c->name)
		return 0;
	memcpy(c->name, c->ctx->text + a, b - a);
	c->name[b - a] = '\0';
	return 1;
}

/*
 * Report a range over a channel in a goroutine when the function that made
 * the channel never closes it nor hands it on.
 */
static void
range_never_closed_range(struct leak_ctx *ctx, TSNode loop, TSNode ch)
{
	struct range_never_closed_chan c;
	TSNode lit, call, go, fn, body;
	int at;

	lit = leak_enclosing_func(loop);
	if (!leak_is(lit, "func_literal"))
		return;
	call = leak_parent(lit);
	go = leak_parent(call);
	if (!leak_is(call, "call_expression") || !leak_is(go, "go_statement") ||
	    !ts_node_eq(leak_field(call, "function"), lit))
		return;
	memset(&c, 0, sizeof c);
	c.ctx = ctx;
	if (!range_never_closed_set_name(&c, ch))
		return;

	/* A parameter of the goroutine's literal: follow the argument. */
	if (range_never_closed_param(&c, lit, &at)) {
		c.arg = leak_nth(leak_field(call,
		    "arguments"), at);
		if (at < 0 || !leak_is(c.arg, "identifier") ||
		    !range_never_closed_set_name(&c, c.arg))
			return;
		c.has_arg = 1;
	} else {
		body = leak_field(lit, "body");
		if (!ts_node_is_null(body))
			leak_walk(body, range_never_closed_decl_visit, &c);
		if (c.decls > 0)
			return;	/* the goroutine's own variable */
	}

	/* Find the function that declares the name. */
	for (fn = leak_enclosing_func(go); !ts_node_is_null(fn);
	    fn = leak_enclosing_func(fn)) {
		if (range_never_closed_param(&c, fn, &at))
			return;
		body = leak_field(fn, "body");
		if (!ts_node_is_null(body))
			leak_walk(body, range_never_closed_decl_visit, &c);
		if (c.decls > 0)
			break;
	}
	if (ts_node_is_null(fn) || c.makes != c.decls)
		return;
	leak_walk(body, range_never_closed_use_visit, &c);
	if (!c.handled)
		leak_report(ctx, loop, "goroutine ranges over %s, which this "
		    "function never closes: the goroutine blocks forever",
		    c.name);
}

/* Check each range over a plain name. */
static int
range_never_closed_visit(TSNode n, void *data)
{
	TSNode clause, right;

	if (!leak_is(n, "for_statement"))
		return 1;
	clause = ts_node_named_child(n, 0);
	right = leak_field(clause, "right");
	if (leak_is(clause, "range_clause") && leak_is(right, "identifier"))
		range_never_closed_range(data, n, right);
	return 1;
}

/* Run the check. */
static void
range_never_closed_run(struct leak_ctx *ctx)
{
	leak_walk(ctx->root, range_never_closed_visit, ctx);
}

const struct leak_check leak_range_never_closed = {
	.id = "range-never-closed",
	.summary = "goroutine ranges over a channel its maker never closes",
	.severity = LEAK_WARNING,
	.needles = range_never_closed_needles,
	.run = range_never_closed_run,
};
