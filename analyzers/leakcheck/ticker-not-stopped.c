/*
 * ticker-not-stopped.c - a time.NewTicker or time.NewTimer that some path
 * out of the function leaves running. Before Go 1.23 the runtime holds every
 * active timer: a ticker never stopped ticks for the rest of the program, a
 * timer stays (with its channel) until it fires.
 *
 * Flags the call when its result is discarded ("time.NewTimer(d)" alone,
 * "_ = ..."), or when flow.c finds a path that leaves the function with the
 * ticker or timer neither stopped nor handed on. A path walk rather than "no
 * Stop anywhere": a ticker stopped in the quit case of its loop but not on
 * an error return still ticks forever after that return, and the walk
 * already knows that an endless loop only ends by its returns and breaks.
 *
 * Accepts: Stop or a defer mentioning it on every path (Stop as a value
 * too: t.Cleanup(tk.Stop)); returning it, passing it to a call, storing it
 * in a field, global or another variable, sending it, using it in a func
 * literal; the branch of "if t == nil"; for a timer, a receive from t.C on
 * the path (it fired: nothing left to stop); "for range t.C", which never
 * ends but by break or return; package level; main.main itself, whose end
 * ends the program (its func literals are checked). A result used in place
 * (time.NewTimer(d).C) is left alone: it cannot be stopped, but it is used
 * at once.
 *
 * Severity: a warning while go.mod says go 1.22 or earlier (or nothing);
 * from go 1.23 on unreferenced timers and tickers are collected, so a hint.
 *
 * Fix: "defer t.Stop()" on a line after the defining statement, offered
 * only when that is safe: the statement is not in a loop (defers would pile
 * up), and t is otherwise only stopped, reset or received from, never
 * handed on nor used in a func literal (stopping it at return could break
 * whoever else uses it). None for a discarded result.
 *
 * Assumes, without a type checker: the file's import of "time" (under its
 * own or an alias name) is the only thing called that name.
 */
#include <stdio.h>
#include <string.h>

#include "analyzers/leakcheck/flow.h"

static const char *const ticker_not_stopped_needles[] = { ".NewTicker(",
	".NewTimer(", NULL };
static const char *const ticker_not_stopped_release[] = { "Stop", NULL };

struct ticker_not_stopped_state {
	struct leak_ctx *ctx;
	char ticker[64];		/* "time.NewTicker", or its alias's */
	char timer[64];
};

/* What ticker_not_stopped_use() looks at for the fix. */
struct ticker_not_stopped_uses {
	const struct leak_ctx *ctx;
	const char *var;
	TSNode fn;			/* the function holding def */
	TSNode def;
	int unsafe;
};

/* Note a use of the variable that a deferred Stop could break. */
static int
ticker_not_stopped_use(TSNode n, void *data)
{
	struct ticker_not_stopped_uses *u = data;
	TSNode sel, up, field;

	if (u->unsafe || leak_within(n, u->def))
		return 0;
	if (!leak_is(n, "identifier") || !leak_text_is(u->ctx, n, u->var))
		return 1;
	sel = leak_parent(n);
	up = leak_parent(sel);
	field = leak_field(sel, "field");
	/* t.Stop(), t.Reset(d), <-t.C, range t.C: nothing else. */
	if (!leak_is(sel, "selector_expression") ||
	    !ts_node_eq(leak_field(sel, "operand"), n))
		u->unsafe = 1;
	else if (leak_text_is(u->ctx, field, "C"))
		u->unsafe = !leak_is(up, "unary_expression") &&
		    !leak_is(up, "range_clause");
	else
		u->unsafe = !leak_is(up, "call_expression") ||
		    (!leak_text_is(u->ctx, field, "Stop") &&
		    !leak_text_is(u->ctx, field, "Reset"));
	/* A func literal may run after the function returned. */
	for (up = sel; !u->unsafe && !ts_node_is_null(up) &&
	    !ts_node_eq(up, u->fn); up = leak_parent(up))
		if (leak_is(up, "func_literal"))
			u->unsafe = 1;
	return 0;
}

/* Offer "defer var.Stop()" after stmt when it is safe (see the top). */
static void
ticker_not_stopped_fix(struct leak_ctx *ctx, TSNode stmt, const char *var)
{
	struct ticker_not_stopped_uses u;
	TSNode fn = leak_enclosing_func(stmt);
	char line[160], title[168];

	if (leak_in_loop(stmt))
		return;
	memset(&u, 0, sizeof u);
	u.ctx = ctx;
	u.var = var;
	u.fn = fn;
	u.def = stmt;
	leak_walk(leak_field(fn, "body"),
	    ticker_not_stopped_use, &u);
	if (u.unsafe)
		return;
	snprintf(line, sizeof line, "defer %s.Stop()", var);
	snprintf(title, sizeof title, "Add %s", line);
	if (leak_is(stmt, "var_spec"))
		stmt = leak_parent(stmt);
	leak_fix_line_after(ctx, title, stmt, line);
}

/*
 * Report the ticker or timer from call (var names it; NULL when discarded),
 * a hint from go 1.23 on.
 */
static void
ticker_not_stopped_report(struct leak_ctx *ctx, TSNode call,
    const char *callee, const char *var, size_t exit_line)
{
	int ticker = strstr(callee, ".NewTicker") != NULL;
	const char *kind = ticker ? "ticker" : "timer";
	const char *fate = ticker ? "ticks for the rest of the program" :
	    "stays live until it fires";
	const char *hint = ctx->go_minor >= 23 ? " (go 1.23 collects it "
	    "once unreachable; Stop releases it at once)" : "";

	if (var == NULL)
		leak_report(ctx, call, "the %s from %s is discarded: it is "
		    "never stopped and %s%s", kind, callee, fate, hint);
	else
		leak_report(ctx, call, "%s from %s is not stopped on every "
		    "path: the function can leave at line %zu with the %s%s",
		    var, callee, exit_line, ticker ? "ticker still ticking" :
		    "timer live until it fires", hint);
	if (ctx->go_minor >= 23)
		leak_report_severity(ctx, LEAK_HINT);
}

/*
 * Return the statement defining a variable from call, the only value of
 * its right side, and that variable's node in *var; a null node when call
 * is used otherwise.
 */
static TSNode
ticker_not_stopped_def(TSNode call, TSNode *var)
{
	TSNode list = leak_parent(call), stmt = leak_parent(list), left;
	uint32_t i, count;

	if (!leak_is(list, "expression_list") ||
	    ts_node_named_child_count(list) != 1)
		return (TSNode){ 0 };
	if (leak_is(stmt, "var_spec")) {
		/* var t = time.NewTicker(d): one name before the value. */
		count = ts_node_named_child_count(stmt);
		for (i = 0; i < count; i++)
			if (leak_is(ts_node_named_child(stmt, i), "identifier"))
				break;
		if (i + 1 < count && leak_is(ts_node_named_child(stmt, i + 1),
		    "identifier"))
			return (TSNode){ 0 };
		*var = ts_node_named_child(stmt, i);
		return stmt;
	}
	if (!leak_is(stmt, "short_var_declaration") &&
	    !leak_is(stmt, "assignment_statement"))
		return (TSNode){ 0 };
	left = leak_field(stmt, "left");
	if (ts_node_named_child_count(left) != 1 ||
	    !ts_node_eq(leak_field(stmt, "right"), list))
		return (TSNode){ 0 };
	*var = ts_node_named_child(left, 0);
	return stmt;
}

/* Find each NewTicker and NewTimer call and follow its result. */
static int
ticker_not_stopped_visit(TSNode n, void *data)
{
	struct ticker_not_stopped_state *st = data;
	struct leak_ctx *ctx = st->ctx;
	struct flow_resource r;
	TSNode fn, stmt, id = { 0 }, body;
	const char *callee;
	char buf[64], var[128];
	size_t exit_line;
	uint32_t a, b;

	if (!leak_is(n, "call_expression"))
		return 1;
	leak_callee(ctx, n, buf, sizeof buf);
	if (strcmp(buf, st->ticker) == 0)
		callee = st->ticker;
	else if (strcmp(buf, st->timer) == 0)
		callee = st->timer;
	else
		return 1;
	fn = leak_enclosing_func(n);
	if (ts_node_is_null(fn) || leak_is_main_main(ctx, fn))
		return 1;	/* it lives as long as the program anyway */
	if (leak_is(leak_parent(n), "expression_statement")) {
		ticker_not_stopped_report(ctx, n, callee, NULL, 0);
		return 1;
	}
	stmt = ticker_not_stopped_def(n, &id);
	if (ts_node_is_null(stmt) || !leak_is(id, "identifier"))
		return 1;	/* handed on, or stored in a field or index */
	if (leak_text_is(ctx, id, "_")) {
		ticker_not_stopped_report(ctx, n, callee, NULL, 0);
		return 1;
	}
	a = ts_node_start_byte(id);
	b = ts_node_end_byte(id);
	if (b - a >= sizeof var)
		return 1;
	memcpy(var, ctx->text + a, b - a);
	var[b - a] = '\0';
	body = leak_field(fn, "body");
	/* t = time.NewTicker(d) into a variable declared elsewhere: stored. */
	if (leak_is(stmt, "assignment_statement") &&
	    !flow_declared(ctx, fn, var))
		return 1;
	memset(&r, 0, sizeof r);
	r.def = stmt;
	r.var = var;
	r.release = ticker_not_stopped_release;
	r.chan = "C";
	r.recv_releases = callee == st->timer;
	if (!flow_leaks(ctx, body, &r, &exit_line))
		return 1;
	ticker_not_stopped_report(ctx, n, callee, var, exit_line);
	ticker_not_stopped_fix(ctx, stmt, var);
	return 1;
}

/* Run the check. */
static void
ticker_not_stopped_run(struct leak_ctx *ctx)
{
	struct ticker_not_stopped_state st;
	char pkg[48];

	if (leak_import_name(ctx, "time", pkg, sizeof pkg) == NULL)
		return;
	st.ctx = ctx;
	snprintf(st.ticker, sizeof st.ticker, "%s.NewTicker", pkg);
	snprintf(st.timer, sizeof st.timer, "%s.NewTimer", pkg);
	leak_walk(ctx->root, ticker_not_stopped_visit, &st);
}

const struct leak_check leak_ticker_not_stopped = {
	.id = "ticker-not-stopped",
	.summary = "time.NewTicker/NewTimer not stopped on a path out",
	.severity = LEAK_WARNING,
	.needles = ticker_not_stopped_needles,
	.run = ticker_not_stopped_run,
};
