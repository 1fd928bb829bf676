/*
 * defer-in-loop.c - a defer inside a for loop runs when the function
 * returns, not when the iteration ends: whatever it releases (files, locks,
 * responses) piles up for the whole loop.
 *
 * Flags: a defer statement whose nearest enclosing for statement is inside
 * the same function (no func literal in between). A defer inside a func
 * literal called per iteration is the fix, and is not flagged.
 */
#include "analyzers/leakcheck.h"

static const char *const defer_in_loop_needles[] = { "defer", NULL };

/* Return whether a defer runs in a loop of its own function. */
static int
defer_in_loop_inside(TSNode n)
{
	for (n = leak_parent(n); !ts_node_is_null(n); n = leak_parent(n)) {
		if (leak_is(n, "for_statement"))
			return 1;
		if (leak_is_func(n))
			return 0;
	}
	return 0;
}

/* Report each defer that sits in a loop. */
static int
defer_in_loop_visit(TSNode n, void *data)
{
	struct leak_ctx *ctx = data;

	if (leak_is(n, "defer_statement") && defer_in_loop_inside(n))
		leak_report(ctx, n, "defer in a loop runs only when the "
		    "function returns: each iteration's resource is held "
		    "until then");
	return 1;
}

/* Run the check. */
static void
defer_in_loop_run(struct leak_ctx *ctx)
{
	leak_walk(ctx->root, defer_in_loop_visit, ctx);
}

const struct leak_check leak_defer_in_loop = {
	.id = "defer-in-loop",
	.summary = "defer inside a for loop holds resources until return",
	.severity = LEAK_WARNING,
	.needles = defer_in_loop_needles,
	.run = defer_in_loop_run,
};
