/*
 * file-not-closed.c - an *os.File from os.Open, os.OpenFile or os.Create
 * that some path out of the function leaves open (no mainstream linter
 * checks this). A file descriptor is held until the GC finalizes the file,
 * if ever; under load the process runs out of descriptors.
 *
 * Flags the call when its file is discarded, or when flow.c finds a path
 * that returns without closing it or handing it on. Accepted: Close or
 * defer Close on every path, returning it, passing it to a call (a helper
 * that closes, bufio.NewReader, io.Copy: without types heaplens cannot tell
 * which of them close, so it trusts them all), storing it, capturing it in
 * a closure; the error path of `if err != nil`. Assumes the package os is
 * imported as os.
 */
#include <string.h>

#include "analyzers/leakcheck/flow.h"

static const char *const file_not_closed_needles[] = {
	"os.Open", "os.Create", NULL
};
static const char *const file_not_closed_release[] = { "Close", NULL };

/* Find each opening call and follow its file. */
static int
file_not_closed_visit(TSNode n, void *data)
{
	struct leak_ctx *ctx = data;
	struct flow_resource r;
	TSNode stmt, left, first, second, body;
	char callee[64], var[128], err[128];
	size_t exit_line;
	uint32_t a, b;

	if (!leak_is(n, "call_expression"))
		return 1;
	leak_callee(ctx, n, callee, sizeof callee);
	if (strcmp(callee, "os.Open") != 0 && strcmp(callee, "os.OpenFile") != 0 &&
	    strcmp(callee, "os.Create") != 0)
		return 1;
	stmt = leak_parent(n);
	if (leak_is(stmt, "expression_statement")) {
		leak_report(ctx, n, "the file %s returns is discarded: it is "
		    "never closed", callee);
		return 1;
	}
	/* f, err := os.Open(p) or f, err = os.Open(p): the first value. */
	if (!leak_is(stmt, "expression_list"))
		return 1;
	if (!ts_node_eq(ts_node_named_child(stmt, 0), n))
		return 1;
	stmt = leak_parent(stmt);
	if (!leak_is(stmt, "short_var_declaration") &&
	    !leak_is(stmt, "assignment_statement"))
		return 1;
	left = leak_field(stmt, "left");
	first = ts_node_named_child(left, 0);
	if (!leak_is(first, "identifier"))
		return 1;	/* stored in a field or index: handed on */
	if (leak_text_is(ctx, first, "_")) {
		leak_report(ctx, n, "the file %s returns is discarded: it is "
		    "never closed", callee);
		return 1;
	}
	a = ts_node_start_byte(first);
	b = ts_node_end_byte(first);
	if (b - a >= sizeof var)
		return 1;
	memcpy(var, ctx->text + a, b - a);
	var[b - a] = '\0';
	memset(&r, 0, sizeof r);
	second = ts_node_named_child(left, 1);
	if (leak_is(second, "identifier") && !leak_text_is(ctx, second, "_") &&
	    ts_node_end_byte(second) - ts_node_start_byte(second) < sizeof err) {
		a = ts_node_start_byte(second);
		b = ts_node_end_byte(second);
		memcpy(err, ctx->text + a, b - a);
		err[b - a] = '\0';
		r.err = err;
	}
	r.def = stmt;
	r.var = var;
	r.release = file_not_closed_release;
	body = flow_function_body(stmt);
	if (ts_node_is_null(body))
		return 1;	/* at package level: lives with the program */
	/* f, err = os.Open(p) into a variable declared elsewhere: stored. */
	if (leak_is(stmt, "assignment_statement") &&
	    !flow_declared(ctx, leak_parent(body), var))
		return 1;
	if (flow_leaks(ctx, body, &r, &exit_line))
		leak_report(ctx, n, "%s from %s is not closed on every path: "
		    "it is still open when the function leaves at line %zu",
		    var, callee, exit_line);
	return 1;
}

/* Run the check. */
static void
file_not_closed_run(struct leak_ctx *ctx)
{
	leak_walk(ctx->root, file_not_closed_visit, ctx);
}

const struct leak_check leak_file_not_closed = {
	.id = "file-not-closed",
	.summary = "*os.File from os.Open/OpenFile/Create not closed on a path",
	.severity = LEAK_WARNING,
	.needles = file_not_closed_needles,
	.run = file_not_closed_run,
};
