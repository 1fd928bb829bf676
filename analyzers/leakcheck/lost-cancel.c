/*
 * lost-cancel.c - the cancel function of context.WithCancel, WithTimeout,
 * WithDeadline (and their Cause variants) that is dropped or not called on
 * some path. Until cancel runs, the new context stays in its parent's list
 * of children (and a WithTimeout's timer stays armed): until the parent is
 * cancelled, which for context.Background() is never, or until the deadline.
 *
 * Flags the call when cancel is assigned to _ (or the whole result is
 * discarded), or when flow.c finds a path to a return (or the function's
 * end) on which cancel is neither called nor handed on.
 *
 * Accepts: defer cancel() (or a deferred func mentioning it), calling it on
 * every path, returning it, storing it in a struct field, index or global
 * (or a variable declared outside the function), passing it to a call
 * (time.AfterFunc(d, cancel)), using it in a func literal; the branch of
 * "if cancel == nil"; a call at package level; main.main itself, whose end
 * ends the program (its func literals are checked).
 *
 * Fix: "defer cancel()" ("defer cancel(nil)" for WithCancelCause) on a line
 * after the statement. For "ctx, _ := context.WithX(...)" (or var) the _ is
 * renamed to cancel, or cancel2... when the function already uses that name.
 * For a named cancel lost on a path, only when the function defers no call
 * of it and otherwise only calls it. Offered only when it cannot change
 * what the code means: the statement is not in a loop, and the context is
 * not returned, stored, sent or used in a func literal (cancelling it at
 * return would cut off whoever holds it). None for "ctx, _ = ..." (no
 * variable to hold cancel; one declared by := would shadow ctx).
 *
 * Assumes, without a type checker: the file's import of "context" (under
 * its own or an alias name) is the only thing called that name.
 */
#include <stdio.h>
#include <string.h>

#include "analyzers/leakcheck/flow.h"

static const char *const lost_cancel_needles[] = { ".WithCancel",
	".WithTimeout", ".WithDeadline", NULL };

static const char *const lost_cancel_funcs[] = { "WithCancel", "WithTimeout",
	"WithDeadline", "WithCancelCause", "WithTimeoutCause",
	"WithDeadlineCause", NULL };

struct lost_cancel_state {
	struct leak_ctx *ctx;
	char pkg[48];			/* "context" or its alias */
};

/* What lost_cancel_use() looks for after the defining statement. */
struct lost_cancel_uses {
	const struct leak_ctx *ctx;
	TSNode fn;			/* the function holding def */
	TSNode def;
	const char *ctxvar;		/* the context's name, or NULL */
	const char *cancel;		/* cancel's name, or NULL */
	int unsafe;
};

/* Return whether n lies in a func literal within fn. */
static int
lost_cancel_in_literal(TSNode n, TSNode fn)
{
	for (n = leak_parent(n); !ts_node_is_null(n) && !ts_node_eq(n, fn);
	    n = leak_parent(n))
		if (leak_is(n, "func_literal"))
			return 1;
	return 0;
}

/*
 * Return whether a use of the context may hand it to someone who outlives
 * the function: the value returned, assigned, sent or stored, or used in a
 * go statement or a func literal.
 */
static int
lost_cancel_ctx_escapes(TSNode id, TSNode fn)
{
	TSNode p = leak_parent(id), up = leak_parent(p);

	if (leak_is(p, "return_statement") || (leak_is(p, "expression_list") &&
	    leak_is(up, "return_statement")))
		return 1;
	if (leak_is(p, "expression_list") && (leak_is(up,
	    "assignment_statement") || leak_is(up, "short_var_declaration") ||
	    leak_is(up, "var_spec")) &&
	    !ts_node_eq(leak_field(up, "left"), p))
		return 1;
	if (lost_cancel_in_literal(id, fn))
		return 1;
	for (; !ts_node_is_null(p) && !ts_node_eq(p, fn); p = leak_parent(p))
		if (leak_is(p, "send_statement") ||
		    leak_is(p, "go_statement") ||
		    leak_is(p, "composite_literal"))
			return 1;
	return 0;
}

/* Note a use that a "defer cancel()" could change the meaning of. */
static int
lost_cancel_use(TSNode n, void *data)
{
	struct lost_cancel_uses *u = data;
	TSNode p;

	if (u->unsafe || leak_within(n, u->def))
		return 0;
	if (!leak_is(n, "identifier"))
		return 1;
	if (u->ctxvar != NULL && leak_text_is(u->ctx, n, u->ctxvar))
		u->unsafe = lost_cancel_ctx_escapes(n, u->fn);
	else if (u->cancel != NULL && leak_text_is(u->ctx, n, u->cancel)) {
		/* cancel() itself, not deferred, not in a func literal. */
		p = leak_parent(n);
		u->unsafe = !leak_is(p, "call_expression") ||
		    !ts_node_eq(leak_field(p, "function"),
		    n) || leak_is(leak_parent(p), "defer_statement") ||
		    lost_cancel_in_literal(n, u->fn);
	}
	return 0;
}

/*
 * Return whether fn's results mention a Context: it may return one made
 * from the new context (return trace.With(ctx, s)), which a deferred
 * cancel would cut off.
 */
static int
lost_cancel_returns_context(const struct leak_ctx *ctx, TSNode fn)
{
	TSNode result = leak_field(fn, "result");
	uint32_t a, b, i;

	if (ts_node_is_null(result))
		return 0;
	a = ts_node_start_byte(result);
	b = ts_node_end_byte(result);
	for (i = a; i + 7 <= b; i++)
		if (memcmp(ctx->text + i, "Context", 7) == 0)
			return 1;
	return 0;
}

struct lost_cancel_name {
	const struct leak_ctx *ctx;
	const char *name;
	int used;
};

/* Note an identifier spelled like the name sought. */
static int
lost_cancel_name_visit(TSNode n, void *data)
{
	struct lost_cancel_name *d = data;

	if (leak_is(n, "identifier") && leak_text_is(d->ctx, n, d->name))
		d->used = 1;
	return !d->used;
}

/*
 * Find a name for cancel that no identifier of the outermost function
 * holding n uses: "cancel", "cancel2", ... in buf; NULL when none is free.
 */
static const char *
lost_cancel_free_name(const struct leak_ctx *ctx, TSNode n, char *buf,
    size_t size)
{
	struct lost_cancel_name d;
	TSNode fn;
	int i;

	for (fn = n; !ts_node_is_null(leak_enclosing_func(fn));
	    fn = leak_enclosing_func(fn))
		;
	for (i = 1; i < 10; i++) {
		if (i == 1)
			snprintf(buf, size, "cancel");
		else
			snprintf(buf, size, "cancel%d", i);
		d.ctx = ctx;
		d.name = buf;
		d.used = 0;
		leak_walk(fn, lost_cancel_name_visit, &d);
		if (!d.used)
			return buf;
	}
	return NULL;
}

/*
 * Offer the fix (see the top) for the finding just reported: rename the _
 * at blank (a null node when cancel is named) to a free name, or use the
 * name cancel, and defer its call after stmt.
 */
static void
lost_cancel_fix(struct leak_ctx *ctx, TSNode stmt, const char *ctxvar,
    const char *cancel, TSNode blank, int cause)
{
	struct lost_cancel_uses u;
	TSNode fn = leak_enclosing_func(stmt);
	char name[128], line[160], title[168];

	if (leak_in_loop(stmt) || lost_cancel_returns_context(ctx, fn))
		return;
	memset(&u, 0, sizeof u);
	u.ctx = ctx;
	u.fn = fn;
	u.def = stmt;
	u.ctxvar = ctxvar;
	u.cancel = cancel;
	leak_walk(leak_field(fn, "body"), lost_cancel_use,
	    &u);
	if (u.unsafe)
		return;
	if (ts_node_is_null(blank))
		snprintf(name, sizeof name, "%s", cancel);
	else if (lost_cancel_free_name(ctx, stmt, name, sizeof name) == NULL)
		return;
	snprintf(line, sizeof line, "defer %s(%s)", name, cause ? "nil" : "");
	snprintf(title, sizeof title, "Add %s", line);
	if (leak_is(stmt, "var_spec"))
		stmt = leak_parent(stmt);
	if (!leak_fix_line_after(ctx, title, stmt, line) ||
	    ts_node_is_null(blank))
		return;
	leak_fix(ctx, title, ts_node_start_byte(blank), ts_node_end_byte(blank),
	    name);
}

/*
 * Return the statement that assigns call's two results (the only value on
 * its right side), with the nodes they go to in names[0..1]; a null node
 * when call is used otherwise.
 */
static TSNode
lost_cancel_def(TSNode call, TSNode names[2])
{
	TSNode list = leak_parent(call), stmt = leak_parent(list), left;
	uint32_t i, count, n = 0;

	if (!leak_is(list, "expression_list") ||
	    ts_node_named_child_count(list) != 1)
		return (TSNode){ 0 };
	if (leak_is(stmt, "var_spec")) {
		/* var ctx, cancel = context.WithCancel(p) */
		count = ts_node_named_child_count(stmt);
		for (i = 0; i < count; i++) {
			left = ts_node_named_child(stmt, i);
			if (!leak_is(left, "identifier"))
				continue;
			if (n == 2)
				return (TSNode){ 0 };
			names[n++] = left;
		}
		return n == 2 ? stmt : (TSNode){ 0 };
	}
	if ((!leak_is(stmt, "short_var_declaration") &&
	    !leak_is(stmt, "assignment_statement")) ||
	    !ts_node_eq(leak_field(stmt, "right"), list))
		return (TSNode){ 0 };
	left = leak_field(stmt, "left");
	if (ts_node_named_child_count(left) != 2)
		return (TSNode){ 0 };
	names[0] = ts_node_named_child(left, 0);
	names[1] = ts_node_named_child(left, 1);
	return stmt;
}

/* Copy an identifier's text into buf; NULL when it does not fit or is _. */
static const char *
lost_cancel_name_of(const struct leak_ctx *ctx, TSNode id, char *buf,
    size_t size)
{
	uint32_t a = ts_node_start_byte(id), b = ts_node_end_byte(id);

	if (!leak_is(id, "identifier") || leak_text_is(ctx, id, "_") ||
	    b - a >= size)
		return NULL;
	memcpy(buf, ctx->text + a, b - a);
	buf[b - a] = '\0';
	return buf;
}

/* Find each context.With* call and follow its cancel function. */
static int
lost_cancel_visit(TSNode n, void *data)
{
	struct lost_cancel_state *st = data;
	struct leak_ctx *ctx = st->ctx;
	const char *const *f;
	const char *ctxvar, *until;
	struct flow_resource r;
	TSNode fn, stmt, names[2];
	char callee[96], want[96], cancel[128], ctxbuf[128];
	size_t exit_line;

	if (!leak_is(n, "call_expression"))
		return 1;
	leak_callee(ctx, n, callee, sizeof callee);
	for (f = lost_cancel_funcs; *f != NULL; f++) {
		snprintf(want, sizeof want, "%s.%s", st->pkg, *f);
		if (strcmp(callee, want) == 0)
			break;
	}
	if (*f == NULL)
		return 1;
	fn = leak_enclosing_func(n);
	if (ts_node_is_null(fn) || leak_is_main_main(ctx, fn))
		return 1;	/* it lives as long as the program anyway */
	until = strstr(*f, "Cancel") != NULL ? "its parent is cancelled" :
	    "its deadline passes or its parent is cancelled";
	if (leak_is(leak_parent(n), "expression_statement")) {
		leak_report(ctx, n, "the context and cancel function from %s "
		    "are discarded: the context stays live until %s", callee,
		    until);
		return 1;
	}
	stmt = lost_cancel_def(n, names);
	if (ts_node_is_null(stmt) || !leak_is(names[1], "identifier"))
		return 1;	/* handed on, or stored in a field or index */
	ctxvar = lost_cancel_name_of(ctx, names[0], ctxbuf, sizeof ctxbuf);
	if (leak_text_is(ctx, names[1], "_")) {
		leak_report(ctx, n, "the cancel function from %s is assigned "
		    "to _: the context is never cancelled and stays live "
		    "until %s", callee, until);
		if (!leak_is(stmt, "assignment_statement"))
			lost_cancel_fix(ctx, stmt, ctxvar, NULL, names[1],
			    strcmp(*f, "WithCancelCause") == 0);
		return 1;
	}
	if (lost_cancel_name_of(ctx, names[1], cancel, sizeof cancel) == NULL)
		return 1;
	/* ctx, cancel = ... into a variable declared elsewhere: stored. */
	if (leak_is(stmt, "assignment_statement") &&
	    !flow_declared(ctx, fn, cancel))
		return 1;
	memset(&r, 0, sizeof r);
	r.def = stmt;
	r.var = cancel;
	r.is_func = 1;
	if (!flow_leaks(ctx, leak_field(fn, "body"), &r,
	    &exit_line))
		return 1;
	leak_report(ctx, n, "%s from %s is not called on every path: the "
	    "function can leave at line %zu with the context live until %s",
	    cancel, callee, exit_line, until);
	lost_cancel_fix(ctx, stmt, ctxvar, cancel, (TSNode){ 0 },
	    strcmp(*f, "WithCancelCause") == 0);
	return 1;
}

/* Run the check. */
static void
lost_cancel_run(struct leak_ctx *ctx)
{
	struct lost_cancel_state st;

	if (leak_import_name(ctx, "context", st.pkg, sizeof st.pkg) == NULL)
		return;
	st.ctx = ctx;
	leak_walk(ctx->root, lost_cancel_visit, &st);
}

const struct leak_check leak_lost_cancel = {
	.id = "lost-cancel",
	.summary = "context.WithCancel/Timeout/Deadline cancel dropped or "
	    "not called on a path",
	.severity = LEAK_WARNING,
	.needles = lost_cancel_needles,
	.run = lost_cancel_run,
};
