/*
 * after-in-loop.c - time.After inside a for loop makes a timer per iteration,
 * and before Go 1.23 each one stays alive until it fires.
 *
 * Flags: a time.After call evaluated on every iteration of a for loop of its
 * own function (no func literal in between): typically "case
 * <-time.After(d):" in a select inside "for { }".
 *
 * Accepts, since no timer can pile up there:
 * - a call outside loops, in a func literal inside the loop (whose own loops
 *   count, not the outer one), or in a loop's init or range expression;
 * - a blocking receive "<-time.After(d)" outside a select: it returns only
 *   once the timer has fired;
 * - a select case whose other cases all leave the loop (return, panic, a
 *   fatal call, goto, break to a label outside the loops) or receive from
 *   X.Done(): at most one timer is pending, as in a retry loop with a
 *   ctx.Done() case;
 * - a call after which a statement always leaves the loop ("return conn"
 *   below the select), so the loop never goes round with a timer pending;
 * - "t := time.After(d)" whose every use is one of the receives above;
 * - "return time.After(d)";
 * - a module whose go.mod says go 1.23 or later: the garbage collector
 *   recovers unreferenced timers that have not fired.
 *
 * Assumes, without a type checker: the file's import of "time" (under its
 * own or an alias name) is the only thing called that name, and calls named
 * panic, os.Exit, log.Fatal, t.Fatal, t.FailNow, t.Skip and the like do not
 * return.
 */
#include <stdio.h>
#include <string.h>

#include "analyzers/leakcheck.h"

static const char *const after_in_loop_needles[] = { ".After(", NULL };

struct after_in_loop_state {
	struct leak_ctx *ctx;
	char callee[64];		/* "time.After" or "alias.After" */
};

/*
 * Return the outermost for loop of the call's own function that evaluates
 * the call on every iteration, or a null node when there is none.
 */
static TSNode
after_in_loop_outer(TSNode call)
{
	TSNode n, prev = call, from = call, outer = { 0 };

	for (n = leak_parent(call); !ts_node_is_null(n);
	    from = prev, prev = n, n = leak_parent(n)) {
		if (leak_is_func(n))
			break;
		if (!leak_is(n, "for_statement"))
			continue;
		/* A range expression and an init statement run once. */
		if (leak_is(prev, "range_clause") ||
		    (leak_is(prev, "for_clause") && ts_node_eq(from,
		    leak_field(prev, "initializer"))))
			continue;
		outer = n;
	}
	return outer;
}

/* Return the last statement of a block or case clause, or a null node. */
static TSNode
after_in_loop_last(TSNode list)
{
	TSNode c, comm = leak_field(list, "communication");
	uint32_t n = ts_node_named_child_count(list);

	while (n-- > 0) {
		c = ts_node_named_child(list, n);
		if (!leak_is(c, "comment") && !ts_node_eq(c, comm))
			return c;
	}
	return (TSNode){ 0 };
}

/* Return whether a call never returns: panic, os.Exit, t.Fatal and kin. */
static int
after_in_loop_noreturn(const struct leak_ctx *ctx, TSNode call)
{
	static const char *const tails[] = { ".Exit", ".Goexit", ".Fatal",
	    ".Fatalf", ".Fatalln", ".FailNow", ".Skip", ".Skipf", ".SkipNow",
	    ".Panic", ".Panicf", ".Panicln", NULL };
	const char *const *t;
	char buf[128];
	size_t n, len;

	leak_callee(ctx, call, buf, sizeof buf);
	if (strcmp(buf, "panic") == 0)
		return 1;
	len = strlen(buf);
	for (t = tails; *t != NULL; t++) {
		n = strlen(*t);
		if (len > n && strcmp(buf + len - n, *t) == 0)
			return 1;
	}
	return 0;
}

/* Return whether a break to label leaves every loop up to outer. */
static int
after_in_loop_breaks_out(const struct leak_ctx *ctx, TSNode brk, TSNode outer)
{
	TSNode label = ts_node_named_child(brk, 0), n, l;
	uint32_t a, b;

	if (ts_node_is_null(label))
		return 0;	/* leaves the select or switch only */
	a = ts_node_start_byte(label);
	b = ts_node_end_byte(label);
	for (n = leak_parent(brk); !ts_node_is_null(n);
	    n = leak_parent(n)) {
		if (leak_is_func(n))
			break;
		l = leak_field(n, "label");
		if (!leak_is(n, "labeled_statement") ||
		    ts_node_end_byte(l) - ts_node_start_byte(l) != b - a ||
		    memcmp(ctx->text + ts_node_start_byte(l), ctx->text + a,
		    b - a) != 0)
			continue;
		return ts_node_start_byte(n) <= ts_node_start_byte(outer) &&
		    ts_node_end_byte(n) >= ts_node_end_byte(outer);
	}
	return 0;
}

/* Return whether statement s never lets the loop outer run again. */
static int
after_in_loop_exits(const struct leak_ctx *ctx, TSNode s, TSNode outer)
{
	TSNode alt;

	if (ts_node_is_null(s))
		return 0;
	if (leak_is(s, "return_statement") || leak_is(s, "goto_statement"))
		return 1;
	if (leak_is(s, "break_statement"))
		return after_in_loop_breaks_out(ctx, s, outer);
	if (leak_is(s, "expression_statement") &&
	    leak_is(ts_node_named_child(s, 0), "call_expression"))
		return after_in_loop_noreturn(ctx, ts_node_named_child(s, 0));
	if (leak_is(s, "block"))
		return after_in_loop_exits(ctx, after_in_loop_last(s), outer);
	if (leak_is(s, "if_statement")) {
		alt = leak_field(s, "alternative");
		return !ts_node_is_null(alt) && after_in_loop_exits(ctx,
		    leak_field(s, "consequence"), outer) &&
		    after_in_loop_exits(ctx, alt, outer);
	}
	return 0;
}

/* Return whether n is a "<-" expression. */
static int
after_in_loop_is_recv(TSNode n)
{
	TSNode op;

	if (!leak_is(n, "unary_expression"))
		return 0;
	op = leak_field(n, "operator");
	return !ts_node_is_null(op) && strcmp(ts_node_type(op), "<-") == 0;
}

/*
 * Return whether a select case receives from X.Done(): once closed, the
 * channel stays ready, so a loop that went round after it would spin; code
 * leaves the loop there, if not in the case itself then after the select
 * ("err = ctx.Err()" and a check below).
 */
static int
after_in_loop_done_case(const struct leak_ctx *ctx, TSNode cas)
{
	TSNode recv, u, call;
	char buf[128];
	size_t len;

	if (!leak_is(cas, "communication_case"))
		return 0;
	recv = leak_field(cas, "communication");
	if (!leak_is(recv, "receive_statement"))
		return 0;
	u = leak_field(recv, "right");
	if (!after_in_loop_is_recv(u))
		return 0;
	call = leak_field(u, "operand");
	if (!leak_is(call, "call_expression") || ts_node_named_child_count(
	    leak_field(call, "arguments")) != 0)
		return 0;
	len = strlen(leak_callee(ctx, call, buf, sizeof buf));
	return len > 5 && strcmp(buf + len - 5, ".Done") == 0;
}

/*
 * Return whether receiving at u, a "<-" expression, cannot leave a timer
 * pending per iteration of outer: a blocking receive waits for the timer; a
 * select case is fine when every other case leaves the loop.
 */
static int
after_in_loop_recv_ok(const struct leak_ctx *ctx, TSNode u, TSNode outer)
{
	TSNode recv = leak_parent(u), cas = leak_parent(recv), sel, c;
	uint32_t i, n;

	if (!leak_is(recv, "receive_statement") ||
	    !leak_is(cas, "communication_case"))
		return 1;
	sel = leak_parent(cas);
	n = ts_node_named_child_count(sel);
	for (i = 0; i < n; i++) {
		c = ts_node_named_child(sel, i);
		if (ts_node_eq(c, cas) || (!leak_is(c, "communication_case") &&
		    !leak_is(c, "default_case")))
			continue;
		if (!after_in_loop_done_case(ctx, c) &&
		    !after_in_loop_exits(ctx, after_in_loop_last(c), outer))
			return 0;
	}
	return 1;
}

/* The uses of a variable that holds a time.After channel. */
struct after_in_loop_uses {
	const struct leak_ctx *ctx;
	TSNode var, outer;
	int uses, bad;
};

/* Sort one node of a function body into harmless uses of a variable. */
static int
after_in_loop_use(TSNode n, void *data)
{
	struct after_in_loop_uses *u = data;
	uint32_t a = ts_node_start_byte(u->var);
	uint32_t len = ts_node_end_byte(u->var) - a;
	TSNode p, pp;

	if (u->bad || leak_is(n, "func_literal"))
		return 0;	/* uses in a func literal are out of sight */
	if (!leak_is(n, "identifier") ||
	    ts_node_end_byte(n) - ts_node_start_byte(n) != len ||
	    memcmp(u->ctx->text + ts_node_start_byte(n), u->ctx->text + a,
	    len) != 0)
		return 1;
	p = leak_parent(n);
	pp = leak_parent(p);
	/* Being assigned is not a use. */
	if (leak_is(p, "expression_list") &&
	    ts_node_eq(p, leak_field(pp, "left")))
		return 0;
	if (after_in_loop_is_recv(p) &&
	    after_in_loop_recv_ok(u->ctx, p, u->outer))
		u->uses++;
	else
		u->bad = 1;
	return 0;
}

/*
 * Return whether, once call has run, a statement after it always leaves the
 * loop outer before the innermost loop around the call goes round: the
 * statements after the one holding it, in its own list and in the lists
 * around it up to that loop's body. A select case's body runs only when
 * that case is chosen, so a call in the case's receive looks past the
 * select.
 */
static int
after_in_loop_then_exits(const struct leak_ctx *ctx, TSNode call,
    TSNode outer)
{
	TSNode n, p, from = call, c, comm;

	for (n = call; !ts_node_is_null(p = leak_parent(n));
	    from = n, n = p) {
		/* Stop at the loop going round; its init and range run once. */
		if (leak_is(p, "for_statement") && !leak_is(n, "range_clause") &&
		    !(leak_is(n, "for_clause") && ts_node_eq(from,
		    leak_field(n, "initializer"))))
			return 0;
		if (leak_is_func(p))
			return 0;
		if (!leak_is(p, "block") && !leak_is(p, "communication_case") &&
		    !leak_is(p, "expression_case") && !leak_is(p, "type_case") &&
		    !leak_is(p, "default_case"))
			continue;
		comm = leak_field(p, "communication");
		if (!ts_node_is_null(comm) && ts_node_eq(n, comm))
			continue;
		for (c = ts_node_next_named_sibling(n); !ts_node_is_null(c);
		    c = ts_node_next_named_sibling(c))
			if (after_in_loop_exits(ctx, c, outer))
				return 1;
	}
	return 0;
}

/* Return whether the timer made by call cannot pile up in loop outer. */
static int
after_in_loop_harmless(const struct leak_ctx *ctx, TSNode call, TSNode outer)
{
	TSNode p = leak_parent(call), pp = leak_parent(p), left, fn;
	struct after_in_loop_uses u;

	if (after_in_loop_then_exits(ctx, call, outer))
		return 1;
	if (after_in_loop_is_recv(p))
		return after_in_loop_recv_ok(ctx, p, outer);
	if (leak_is(p, "expression_list") && leak_is(pp, "return_statement"))
		return 1;
	/* t := time.After(d) or t = time.After(d), used in the loop. */
	if (!leak_is(p, "expression_list") ||
	    ts_node_named_child_count(p) != 1 ||
	    (!leak_is(pp, "short_var_declaration") &&
	    !leak_is(pp, "assignment_statement")))
		return 0;
	left = leak_field(pp, "left");
	if (ts_node_is_null(left) || ts_node_named_child_count(left) != 1 ||
	    !leak_is(ts_node_named_child(left, 0), "identifier"))
		return 0;
	for (fn = pp; !ts_node_is_null(fn) && !leak_is_func(fn);
	    fn = leak_parent(fn))
		;
	if (ts_node_is_null(fn))
		return 0;
	/* Every use of the variable must be a harmless receive. */
	u.ctx = ctx;
	u.var = ts_node_named_child(left, 0);
	u.outer = outer;
	u.uses = u.bad = 0;
	leak_walk(leak_field(fn, "body"),
	    after_in_loop_use, &u);
	return u.uses > 0 && !u.bad;
}

/* Report each time.After that can pile up timers in a loop. */
static int
after_in_loop_visit(TSNode n, void *data)
{
	struct after_in_loop_state *st = data;
	char buf[64];
	TSNode outer;

	if (!leak_is(n, "call_expression") ||
	    strcmp(leak_callee(st->ctx, n, buf, sizeof buf), st->callee) != 0)
		return 1;
	outer = after_in_loop_outer(n);
	if (!ts_node_is_null(outer) &&
	    !after_in_loop_harmless(st->ctx, n, outer))
		leak_report(st->ctx, n, "%s in a loop makes a timer per "
		    "iteration, each alive until it fires: create one "
		    "time.NewTimer before the loop and Reset it", st->callee);
	return 1;
}

/* Run the check. */
static void
after_in_loop_run(struct leak_ctx *ctx)
{
	struct after_in_loop_state st;
	char pkg[48];

	if (ctx->go_minor >= 23 ||
	    leak_import_name(ctx, "time", pkg, sizeof pkg) == NULL)
		return;
	st.ctx = ctx;
	snprintf(st.callee, sizeof st.callee, "%s.After", pkg);
	leak_walk(ctx->root, after_in_loop_visit, &st);
}

const struct leak_check leak_after_in_loop = {
	.id = "after-in-loop",
	.summary = "time.After in a loop keeps a timer per iteration",
	.severity = LEAK_WARNING,
	.needles = after_in_loop_needles,
	.run = after_in_loop_run,
};
