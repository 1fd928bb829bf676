/*
 * tick-leak.c - time.Tick's ticker can never be stopped, and before Go 1.23
 * the garbage collector does not recover it: once the function that made it
 * returns, the ticker runs for the rest of the program.
 *
 * Flags, outside package main and when go.mod says go 1.22 or earlier (or
 * nothing): a time.Tick call in a function that can return after making it,
 * and a time.Tick call in the body of an endless function's endless loop
 * (a new ticker each time round: "<-time.Tick(d)" used as a sleep).
 *
 * Accepts:
 * - a call at package level (var t = time.Tick(d)): it lives as long as the
 *   program anyway;
 * - a call in an endless function: its body is, or ends in, a "for { }",
 *   "for ;; { }" or a range over a time.Tick channel (never closed) with no
 *   return and no break or goto out of that loop, and there is no return
 *   after the call elsewhere in the function; a call in a loop before the
 *   endless one (one ticker per worker, say) is accepted too. Func literals
 *   count as functions of their own, so "go func() { for range
 *   time.Tick(d) { } }()" is accepted.
 *
 * Assumes, without a type checker: the file's import of "time" (under its
 * own or an alias name) is the only thing called that name; panics do not
 * count as returning.
 */
#include <stdio.h>
#include <string.h>

#include "analyzers/leakcheck.h"

static const char *const tick_leak_needles[] = { ".Tick(", NULL };

struct tick_leak_state {
	struct leak_ctx *ctx;
	char callee[64];		/* "time.Tick" or "alias.Tick" */
};

/* What tick_leak_exit() looks for in an endless function. */
struct tick_leak_exits {
	const struct leak_ctx *ctx;
	TSNode loop;			/* the final endless for statement */
	TSNode label;			/* its label, or a null node */
	uint32_t after;			/* byte offset of the call */
	int found;
};

/* Return whether a call's value is made anew on each loop iteration. */
static int
tick_leak_in_loop(TSNode call)
{
	TSNode n, prev = call, from = call;

	for (n = leak_parent(call); !ts_node_is_null(n);
	    from = prev, prev = n, n = leak_parent(n)) {
		if (leak_is_func(n))
			return 0;
		if (!leak_is(n, "for_statement"))
			continue;
		/* A range expression and an init statement run once. */
		if (leak_is(prev, "range_clause") ||
		    (leak_is(prev, "for_clause") && ts_node_eq(from,
		    leak_field(prev, "initializer"))))
			continue;
		return 1;
	}
	return 0;
}

/* Return whether n is a call of time.Tick. */
static int
tick_leak_is_tick(const struct tick_leak_state *st, TSNode n)
{
	char buf[64];

	return leak_is(n, "call_expression") &&
	    strcmp(leak_callee(st->ctx, n, buf, sizeof buf), st->callee) == 0;
}

/*
 * Return whether the tree under n, func literals aside, assigns a time.Tick
 * call to the variable named like id ("tick := time.Tick(d)", "tick = ...",
 * "var tick = ...").
 */
static int
tick_leak_tick_var(const struct tick_leak_state *st, TSNode n, TSNode id)
{
	uint32_t i, count = ts_node_named_child_count(n);
	TSNode left = { 0 }, right = { 0 };

	if (leak_is(n, "func_literal"))
		return 0;
	if (leak_is(n, "var_spec")) {
		left = leak_field(n, "name");
		right = leak_field(n, "value");
	} else if (leak_is(n, "short_var_declaration") ||
	    leak_is(n, "assignment_statement")) {
		left = leak_field(n, "left");
		if (!ts_node_is_null(left) &&
		    ts_node_named_child_count(left) == 1)
			left = ts_node_named_child(left, 0);
		right = leak_field(n, "right");
	}
	if (leak_is(left, "identifier") &&
	    leak_same_text(st->ctx, left, id) &&
	    leak_is(right, "expression_list") &&
	    ts_node_named_child_count(right) == 1 &&
	    tick_leak_is_tick(st, ts_node_named_child(right, 0)))
		return 1;
	for (i = 0; i < count; i++)
		if (tick_leak_tick_var(st, ts_node_named_child(n, i), id))
			return 1;
	return 0;
}

/*
 * Return whether a for statement only ends by return, break or goto: no
 * condition, or a range over a time.Tick channel, which is never closed.
 */
static int
tick_leak_forever(const struct tick_leak_state *st, TSNode loop, TSNode body)
{
	TSNode head = ts_node_named_child(loop, 0), right;

	if (ts_node_eq(head, leak_field(loop, "body")))
		return 1;	/* for { } */
	if (leak_is(head, "for_clause"))
		return ts_node_is_null(leak_field(head, "condition"));
	if (!leak_is(head, "range_clause"))
		return 0;
	right = leak_field(head, "right");
	return tick_leak_is_tick(st, right) || (leak_is(right, "identifier") &&
	    tick_leak_tick_var(st, body, right));
}

/* Return the nearest for, switch or select that an unlabeled break ends. */
static TSNode
tick_leak_break_target(TSNode brk)
{
	TSNode n;

	for (n = leak_parent(brk); !ts_node_is_null(n);
	    n = leak_parent(n))
		if (leak_is(n, "for_statement") ||
		    leak_is(n, "expression_switch_statement") ||
		    leak_is(n, "type_switch_statement") ||
		    leak_is(n, "select_statement"))
			break;
	return n;
}

/* Return whether the tree under n defines a label named like label. */
static int
tick_leak_has_label(const struct leak_ctx *ctx, TSNode n, TSNode label)
{
	uint32_t i, count = ts_node_named_child_count(n);

	if (leak_is(n, "labeled_statement") && leak_same_text(ctx,
	    leak_field(n, "label"), label))
		return 1;
	for (i = 0; i < count; i++)
		if (tick_leak_has_label(ctx, ts_node_named_child(n, i), label))
			return 1;
	return 0;
}

/* Note a way out of an endless function, if n is one. */
static int
tick_leak_exit(TSNode n, void *data)
{
	struct tick_leak_exits *x = data;
	int inside = leak_within(n, x->loop);
	TSNode label;

	if (x->found || leak_is(n, "func_literal"))
		return 0;	/* a literal's returns are its own */
	if (leak_is(n, "return_statement")) {
		if (inside || ts_node_start_byte(n) > x->after)
			x->found = 1;
		return 0;
	}
	if (!inside)
		return 1;
	label = ts_node_named_child(n, 0);
	if (leak_is(n, "break_statement")) {
		if (ts_node_is_null(label))
			x->found = ts_node_eq(tick_leak_break_target(n), x->loop);
		else
			x->found = !ts_node_is_null(x->label) &&
			    leak_same_text(x->ctx, label, x->label);
		return 0;
	}
	if (leak_is(n, "goto_statement")) {
		x->found = !tick_leak_has_label(x->ctx, x->loop, label);
		return 0;
	}
	return 1;
}

/*
 * Return whether the function body body never returns once call has run:
 * it ends in an endless loop with no way out, stored in *loop.
 */
static int
tick_leak_endless(const struct tick_leak_state *st, TSNode body, TSNode call,
    TSNode *loop)
{
	struct tick_leak_exits x;
	uint32_t n = ts_node_named_child_count(body);
	TSNode last = { 0 };

	while (n-- > 0) {
		last = ts_node_named_child(body, n);
		if (!leak_is(last, "comment"))
			break;
	}
	memset(&x, 0, sizeof x);
	if (leak_is(last, "labeled_statement")) {
		x.label = leak_field(last, "label");
		last = ts_node_named_child(last, 1);
	}
	if (!leak_is(last, "for_statement") ||
	    !tick_leak_forever(st, last, body))
		return 0;
	x.ctx = st->ctx;
	x.loop = *loop = last;
	x.after = ts_node_start_byte(call);
	leak_walk(body, tick_leak_exit, &x);
	return !x.found;
}

/* Report a time.Tick whose ticker outlives its use. */
static int
tick_leak_visit(TSNode n, void *data)
{
	struct tick_leak_state *st = data;
	TSNode fn, loop;

	if (!tick_leak_is_tick(st, n))
		return 1;
	for (fn = leak_parent(n); !ts_node_is_null(fn) &&
	    !leak_is_func(fn); fn = leak_parent(fn))
		;
	if (ts_node_is_null(fn))
		return 1;	/* package level: lives as long as the program */
	/*
	 * In an endless function, only a call in the endless loop's body
	 * makes tickers without end; one before it runs a bounded number of
	 * times.
	 */
	if (tick_leak_endless(st, leak_field(fn, "body"),
	    n, &loop)) {
		if (leak_within(n, leak_field(loop, "body")))
			leak_report(st->ctx, n, "%s in a loop starts a ticker "
			    "per iteration, none ever stopped: create one "
			    "time.NewTicker before the loop", st->callee);
	} else if (tick_leak_in_loop(n))
		leak_report(st->ctx, n, "%s in a loop starts a ticker per "
		    "iteration, none ever stopped: create one time.NewTicker "
		    "before the loop and Stop it", st->callee);
	else
		leak_report(st->ctx, n, "%s's ticker is never stopped nor "
		    "collected and this function can return: use "
		    "time.NewTicker and defer its Stop", st->callee);
	return 1;
}

/* Run the check. */
static void
tick_leak_run(struct leak_ctx *ctx)
{
	struct tick_leak_state st;
	char pkg[48];

	if (ctx->is_main || ctx->go_minor >= 23 ||
	    leak_import_name(ctx, "time", pkg, sizeof pkg) == NULL)
		return;
	st.ctx = ctx;
	snprintf(st.callee, sizeof st.callee, "%s.Tick", pkg);
	leak_walk(ctx->root, tick_leak_visit, &st);
}

const struct leak_check leak_tick_leak = {
	.id = "tick-leak",
	.summary = "time.Tick in a function that returns leaks its ticker",
	.severity = LEAK_WARNING,
	.needles = tick_leak_needles,
	.run = tick_leak_run,
};
