/*
 * context-growth-in-loop.c - "ctx = context.WithValue(ctx, ...)" in a loop
 * wraps the context once more on every iteration: the chain, and with
 * WithCancel and kin every parent's list of children, grows for as long as
 * the loop runs.
 *
 * Flags: inside a for loop of the same function (no func literal in
 * between), a plain assignment (=, not :=) of context.WithValue,
 * WithCancel, WithTimeout, WithDeadline, WithCancelCause, WithTimeoutCause
 * or WithDeadlineCause whose first result goes back to the very variable
 * (or field) passed as the first argument: "ctx = context.WithValue(ctx, k,
 * v)", "ctx, cancel = context.WithTimeout(ctx, d)". Reported at the call.
 *
 * Accepts, as a fresh context per iteration:
 * - a different name on the left, or ":=" / var (a new variable);
 * - a variable declared inside the loop before the assignment, a range
 *   variable of that loop ("for _, ctx := range ctxs"), or one reset in the
 *   loop before it from something else ("ctx = base");
 * - an assignment followed, in its own statement list, by a return, a
 *   break or goto leaving the loop, or a panic: it happens once;
 * - a range loop building a local context from a collection: the variable
 *   is not used in the loop but to wrap it again, so the chain is as long
 *   as the collection by design and is used after the loop;
 * - the loop's init statement, and anything in a func literal in the loop.
 *
 * Assumes, without a type checker: the file's import of "context" (under
 * its own or an alias name) is the only thing called that name, and
 * identical text on both sides names the same variable.
 */
#include <stdio.h>
#include <string.h>

#include "analyzers/leakcheck.h"

static const char *const context_growth_in_loop_needles[] = { ".With",
	NULL };

static const char *const context_growth_in_loop_funcs[] = { "WithValue",
	"WithCancel", "WithTimeout", "WithDeadline", "WithCancelCause",
	"WithTimeoutCause", "WithDeadlineCause", NULL };

struct context_growth_in_loop_state {
	struct leak_ctx *ctx;
	char pkg[48];			/* "context" or its alias */
};

/* Return whether call is one of the context.With* that wrap a parent. */
static int
context_growth_in_loop_is_with(const struct context_growth_in_loop_state *st,
    TSNode call)
{
	const char *const *f;
	char buf[96], want[96];

	if (!leak_is(call, "call_expression"))
		return 0;
	leak_callee(st->ctx, call, buf, sizeof buf);
	for (f = context_growth_in_loop_funcs; *f != NULL; f++) {
		snprintf(want, sizeof want, "%s.%s", st->pkg, *f);
		if (strcmp(buf, want) == 0)
			return 1;
	}
	return 0;
}

/*
 * Return the innermost for loop of its own function that runs the
 * statement s on every iteration, or a null node.
 */
static TSNode
context_growth_in_loop_loop(TSNode s)
{
	TSNode n, prev = s;

	for (n = leak_parent(s); !ts_node_is_null(n);
	    prev = n, n = leak_parent(n)) {
		if (leak_is_func(n))
			break;
		if (leak_is(n, "for_clause") && ts_node_eq(prev,
		    leak_field(n, "initializer")))
			n = leak_parent(n);	/* runs once: skip the loop */
		else if (leak_is(n, "for_statement"))
			return n;
	}
	return (TSNode){ 0 };
}

/* Return whether the tree under n mentions name (an identifier or field). */
static int
context_growth_in_loop_mentions(const struct leak_ctx *ctx, TSNode n,
    TSNode name)
{
	uint32_t i, count;

	if (ts_node_is_null(n))
		return 0;
	if ((leak_is(n, "identifier") || leak_is(n, "selector_expression")) &&
	    leak_same_text(ctx, n, name))
		return 1;
	count = ts_node_named_child_count(n);
	for (i = 0; i < count; i++)
		if (context_growth_in_loop_mentions(ctx,
		    ts_node_named_child(n, i), name))
			return 1;
	return 0;
}

/* Return whether the expression list list holds an element named name. */
static int
context_growth_in_loop_lists(const struct leak_ctx *ctx, TSNode list,
    TSNode name)
{
	uint32_t i, n;

	if (ts_node_is_null(list))
		return 0;
	n = ts_node_named_child_count(list);
	for (i = 0; i < n; i++)
		if (leak_same_text(ctx,
		    ts_node_named_child(list, i), name))
			return 1;
	return 0;
}

/*
 * Return whether statement s gives name a fresh value: declares it (:= or
 * var), receives it from a channel ("case ctx := <-ctxs:"), or assigns it
 * from an expression that does not mention it.
 */
static int
context_growth_in_loop_fresh(const struct leak_ctx *ctx, TSNode s,
    TSNode name)
{
	TSNode spec, list, id;
	uint32_t i, j, n, m;

	if (leak_is(s, "short_var_declaration") ||
	    leak_is(s, "receive_statement"))
		return context_growth_in_loop_lists(ctx,
		    leak_field(s, "left"), name);
	if (leak_is(s, "assignment_statement"))
		return context_growth_in_loop_lists(ctx,
		    leak_field(s, "left"), name) &&
		    !context_growth_in_loop_mentions(ctx,
		    leak_field(s, "right"), name);
	if (!leak_is(s, "var_declaration"))
		return 0;
	list = ts_node_named_child(s, 0);
	n = leak_is(list, "var_spec_list") ? ts_node_named_child_count(list) :
	    1;
	for (i = 0; i < n; i++) {
		spec = leak_is(list, "var_spec_list") ?
		    ts_node_named_child(list, i) : list;
		if (!leak_is(spec, "var_spec"))
			continue;
		/* The names are the identifiers; type and values are not. */
		m = ts_node_named_child_count(spec);
		for (j = 0; j < m; j++) {
			id = ts_node_named_child(spec, j);
			if (leak_is(id, "identifier") &&
			    leak_same_text(ctx, id, name))
				return 1;
		}
	}
	return 0;
}

/* Return whether a for statement's range clause declares name. */
static int
context_growth_in_loop_ranges(const struct leak_ctx *ctx, TSNode loop,
    TSNode name)
{
	TSNode head = ts_node_named_child(loop, 0);
	uint32_t i, n;

	if (!leak_is(head, "range_clause"))
		return 0;
	n = ts_node_child_count(head);
	for (i = 0; i < n; i++)
		if (strcmp(ts_node_type(ts_node_child(head, i)), ":=") == 0)
			return context_growth_in_loop_lists(ctx,
			    leak_field(head, "left"),
			    name);
	return 0;
}

/*
 * Return whether name is given a fresh value inside loop before statement
 * s: by a statement before it in s's list or an enclosing list up to the
 * loop's body (if and switch initializers included), by a type switch
 * alias on the way, or by the loop's range clause.
 */
static int
context_growth_in_loop_reset(const struct leak_ctx *ctx, TSNode s,
    TSNode loop, TSNode name)
{
	TSNode n, p, c;

	for (n = s; !ts_node_eq(n, loop); n = p) {
		p = leak_parent(n);
		if (ts_node_is_null(p))
			return 0;
		/* The init of a loop's for clause does not run each time. */
		if (!leak_is(p, "for_clause"))
			for (c = ts_node_prev_named_sibling(n);
			    !ts_node_is_null(c);
			    c = ts_node_prev_named_sibling(c))
				if (context_growth_in_loop_fresh(ctx, c, name))
					return 1;
		if (leak_is(p, "type_switch_statement") &&
		    context_growth_in_loop_lists(ctx,
		    leak_field(p, "alias"), name))
			return 1;
	}
	return context_growth_in_loop_ranges(ctx, loop, name);
}

/* Return a statement's label, or a null node. */
static TSNode
context_growth_in_loop_label(TSNode s)
{
	return leak_is(s, "break_statement") || leak_is(s, "goto_statement") ?
	    ts_node_named_child(s, 0) : (TSNode){ 0 };
}

/* Return whether statement s, run after the assignment, leaves loop. */
static int
context_growth_in_loop_leaves(const struct leak_ctx *ctx, TSNode s,
    TSNode loop)
{
	TSNode label = context_growth_in_loop_label(s), n, call;
	char buf[96];

	if (leak_is(s, "return_statement") || leak_is(s, "goto_statement"))
		return 1;
	if (leak_is(s, "expression_statement")) {
		call = ts_node_named_child(s, 0);
		return leak_is(call, "call_expression") && strcmp(leak_callee(ctx,
		    call, buf, sizeof buf), "panic") == 0;
	}
	if (!leak_is(s, "break_statement"))
		return 0;
	for (n = leak_parent(s); !ts_node_is_null(n);
	    n = leak_parent(n)) {
		if (ts_node_is_null(label) && (leak_is(n, "for_statement") ||
		    leak_is(n, "expression_switch_statement") ||
		    leak_is(n, "type_switch_statement") ||
		    leak_is(n, "select_statement")))
			return ts_node_eq(n, loop);
		if (!ts_node_is_null(label) && leak_is(n, "labeled_statement") &&
		    leak_same_text(ctx, label,
		    leak_field(n, "label")))
			return ts_node_start_byte(n) <= ts_node_start_byte(loop);
		if (leak_is_func(n))
			break;
	}
	return 0;
}

/* The search for uses of a context variable in a loop's body. */
struct context_growth_in_loop_uses {
	const struct context_growth_in_loop_state *st;
	TSNode name;
	int used;
};

/*
 * Return whether assignment n wraps name in itself: "name =
 * context.WithX(name, ...)" or "name, cancel = ...".
 */
static int
context_growth_in_loop_grows(const struct context_growth_in_loop_state *st,
    TSNode n, TSNode *name)
{
	TSNode op, left, right, call, arg;

	if (!leak_is(n, "assignment_statement"))
		return 0;
	op = leak_field(n, "operator");
	left = leak_field(n, "left");
	right = leak_field(n, "right");
	if (ts_node_is_null(op) || ts_node_is_null(left) ||
	    ts_node_is_null(right) || strcmp(ts_node_type(op), "=") != 0 ||
	    ts_node_named_child_count(right) != 1)
		return 0;
	call = ts_node_named_child(right, 0);
	if (!context_growth_in_loop_is_with(st, call))
		return 0;
	arg = ts_node_named_child(leak_field(call, "arguments"), 0);
	*name = ts_node_named_child(left, 0);
	return !ts_node_is_null(arg) &&
	    leak_same_text(st->ctx, *name, arg);
}

/* Note a use of the variable other than wrapping it in itself. */
static int
context_growth_in_loop_use(TSNode n, void *data)
{
	struct context_growth_in_loop_uses *u = data;
	TSNode name;

	if (u->used || (context_growth_in_loop_grows(u->st, n, &name) &&
	    leak_same_text(u->st->ctx, name, u->name)))
		return 0;
	if (leak_is(n, "identifier") &&
	    leak_same_text(u->st->ctx, n, u->name))
		u->used = 1;
	return !u->used;
}

/*
 * Return whether loop builds a context from a collection: it ranges, name is
 * a local variable, and the body only wraps name, leaving its use to the
 * code after the loop ("for _, kv := range kvs { ctx =
 * context.WithValue(ctx, kv.k, kv.v) }"). The chain is as long as the
 * collection by design.
 */
static int
context_growth_in_loop_builds(const struct context_growth_in_loop_state *st,
    TSNode loop, TSNode name)
{
	struct context_growth_in_loop_uses u;

	if (!leak_is(ts_node_named_child(loop, 0), "range_clause") ||
	    !leak_is(name, "identifier"))
		return 0;
	u.st = st;
	u.name = name;
	u.used = 0;
	leak_walk(leak_field(loop, "body"),
	    context_growth_in_loop_use, &u);
	return !u.used;
}

/* Report an assignment that wraps a context in itself in a loop. */
static int
context_growth_in_loop_visit(TSNode n, void *data)
{
	struct context_growth_in_loop_state *st = data;
	TSNode name, loop, c;

	if (!context_growth_in_loop_grows(st, n, &name))
		return 1;
	loop = context_growth_in_loop_loop(n);
	if (ts_node_is_null(loop) ||
	    context_growth_in_loop_reset(st->ctx, n, loop, name))
		return 1;
	for (c = ts_node_next_named_sibling(n); !ts_node_is_null(c);
	    c = ts_node_next_named_sibling(c))
		if (context_growth_in_loop_leaves(st->ctx, c, loop))
			return 1;
	if (context_growth_in_loop_builds(st, loop, name))
		return 1;
	leak_report(st->ctx, ts_node_named_child(leak_field(n, "right"), 0), "%.*s is wrapped again on every "
	    "iteration: its chain grows as long as the loop runs; derive a "
	    "fresh context per iteration with := from the parent",
	    (int)(ts_node_end_byte(name) - ts_node_start_byte(name)),
	    st->ctx->text + ts_node_start_byte(name));
	return 1;
}

/* Run the check. */
static void
context_growth_in_loop_run(struct leak_ctx *ctx)
{
	struct context_growth_in_loop_state st;

	st.ctx = ctx;
	if (leak_import_name(ctx, "context", st.pkg, sizeof st.pkg) == NULL)
		return;
	leak_walk(ctx->root, context_growth_in_loop_visit, &st);
}

const struct leak_check leak_context_growth_in_loop = {
	.id = "context-growth-in-loop",
	.summary = "ctx = context.WithX(ctx, ...) in a loop grows the chain",
	.severity = LEAK_WARNING,
	.needles = context_growth_in_loop_needles,
	.run = context_growth_in_loop_run,
};
