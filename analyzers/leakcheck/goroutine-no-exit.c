/*
 * goroutine-no-exit.c - a goroutine whose body ends in an endless loop with
 * no way out lives until the process does, with everything it references.
 *
 * Flags: go func(){ ...; for { ... } }() whose literal's body ends in a
 * for statement without condition or range clause (labelled or not) that
 * has no return, no break leaving that loop (a plain break in a nested
 * for/switch/select leaves only that), no labelled break or goto to a label
 * outside the loop, no select case receiving from X.Done(), and no call
 * that may end the goroutine (panic, os.Exit, runtime.Goexit, log.Fatal*,
 * X.Fatal*, X.Panic*, t.FailNow, t.Skip*). Reported at the go statement.
 * Accepts any of those as the exit path. A receive case such as <-quit
 * counts when its body returns or breaks out, like any other return or
 * break. Also accepts goroutines started once per process, which live as
 * long as it by design: from main.main, from an init function, or from a
 * func literal given to X.Do (sync.Once).
 * Assumes, without a type checker, that the names above are the calls that
 * end a goroutine (a call of anything else is taken to return), and that
 * X.Do(func() {...}) is sync.Once's.
 */
#include <string.h>

#include "analyzers/leakcheck.h"

static const char *const goroutine_no_exit_needles[] = { "go func", NULL };

/* The endless loop being searched for a way out. */
struct goroutine_no_exit_loop {
	struct leak_ctx *ctx;
	TSNode loop;		/* the for statement */
	TSNode body;		/* its block */
	int exits;
};

/* Find n's last named child that is not a comment; 0 if none. */
static int
goroutine_no_exit_last(TSNode n, TSNode *last)
{
	uint32_t i = ts_node_is_null(n) ? 0 : ts_node_named_child_count(n);

	while (i-- > 0) {
		*last = ts_node_named_child(n, i);
		if (!leak_is(*last, "comment"))
			return 1;
	}
	return 0;
}

/* Return whether a for statement has neither condition nor clause. */
static int
goroutine_no_exit_endless(TSNode loop)
{
	uint32_t i, n = ts_node_named_child_count(loop);
	TSNode c;

	for (i = 0; i < n; i++) {
		c = ts_node_named_child(loop, i);
		if (!leak_is(c, "block") && !leak_is(c, "comment"))
			return 0;
	}
	return 1;
}

/* Return whether a callee's name is one that may end the goroutine. */
static int
goroutine_no_exit_ends(const char *callee)
{
	static const char *const exact[] = { "panic", "Goexit", "FailNow",
	    NULL };
	static const char *const prefix[] = { "Fatal", "Panic", "Exit", "Skip",
	    NULL };
	const char *name = strrchr(callee, '.');
	size_t i;

	name = name != NULL ? name + 1 : callee;
	for (i = 0; exact[i] != NULL; i++)
		if (strcmp(name, exact[i]) == 0)
			return 1;
	for (i = 0; prefix[i] != NULL; i++)
		if (strncmp(name, prefix[i], strlen(prefix[i])) == 0)
			return 1;
	return 0;
}

/* The label a labelled statement search looks for. */
struct goroutine_no_exit_label {
	struct leak_ctx *ctx;
	TSNode name;		/* label_name of the break or goto */
	int found;
};

/* Note a labelled statement with the wanted label. */
static int
goroutine_no_exit_label_visit(TSNode n, void *data)
{
	struct goroutine_no_exit_label *l = data;
	TSNode label;
	uint32_t a, b;

	if (l->found || leak_is(n, "func_literal"))
		return 0;
	if (!leak_is(n, "labeled_statement"))
		return 1;
	label = leak_field(n, "label");
	if (ts_node_is_null(label))
		return 1;
	a = ts_node_start_byte(l->name);
	b = ts_node_end_byte(l->name);
	if (ts_node_end_byte(label) - ts_node_start_byte(label) == b - a &&
	    memcmp(l->ctx->text + ts_node_start_byte(label), l->ctx->text + a,
	    b - a) == 0)
		l->found = 1;
	return 1;
}

/*
 * Return whether a break or goto naming label leaves the loop: the label
 * is not on a statement inside the loop's body.
 */
static int
goroutine_no_exit_leaves(struct goroutine_no_exit_loop *l, TSNode label)
{
	struct goroutine_no_exit_label s;

	s.ctx = l->ctx;
	s.name = label;
	s.found = 0;
	leak_walk(l->body, goroutine_no_exit_label_visit, &s);
	return !s.found;
}

/* Return whether a plain break's innermost breakable statement is the loop. */
static int
goroutine_no_exit_breaks_loop(struct goroutine_no_exit_loop *l, TSNode n)
{
	for (n = leak_parent(n); !ts_node_is_null(n); n = leak_parent(n)) {
		if (ts_node_eq(n, l->loop))
			return 1;
		if (leak_is(n, "for_statement") ||
		    leak_is(n, "expression_switch_statement") ||
		    leak_is(n, "type_switch_statement") ||
		    leak_is(n, "select_statement"))
			return 0;
	}
	return 0;
}

/* Return whether a select case receives from a call of X.Done(). */
static int
goroutine_no_exit_done_case(struct goroutine_no_exit_loop *l, TSNode c)
{
	TSNode recv = leak_field(c, "communication");
	TSNode expr = leak_field(recv, "right");
	TSNode call = leak_field(expr, "operand");
	char callee[256];
	size_t len;

	if (!leak_is(recv, "receive_statement") ||
	    !leak_is(expr, "unary_expression") ||
	    !leak_is(call, "call_expression"))
		return 0;
	leak_callee(l->ctx, call, callee, sizeof callee);
	len = strlen(callee);
	return len > 5 && strcmp(callee + len - 5, ".Done") == 0;
}

/*
 * Note a way out of the loop under n. in_lit says n is inside a func
 * literal nested in the loop, whose returns and breaks stay in it; a call
 * that ends the goroutine counts there too.
 */
static void
goroutine_no_exit_scan(struct goroutine_no_exit_loop *l, TSNode n, int in_lit)
{
	uint32_t i, count;
	TSNode label;
	char callee[256];

	if (l->exits)
		return;
	if (leak_is(n, "func_literal"))
		in_lit = 1;
	else if (leak_is(n, "call_expression")) {
		leak_callee(l->ctx, n, callee, sizeof callee);
		if (goroutine_no_exit_ends(callee))
			l->exits = 1;
	} else if (!in_lit && leak_is(n, "return_statement"))
		l->exits = 1;
	else if (!in_lit && (leak_is(n, "break_statement") ||
	    leak_is(n, "goto_statement"))) {
		label = ts_node_named_child(n, 0);
		if (leak_is(label, "label_name"))
			l->exits = goroutine_no_exit_leaves(l, label);
		else if (leak_is(n, "break_statement"))
			l->exits = goroutine_no_exit_breaks_loop(l, n);
	} else if (!in_lit && leak_is(n, "communication_case"))
		l->exits = goroutine_no_exit_done_case(l, n);
	count = ts_node_named_child_count(n);
	for (i = 0; i < count; i++)
		goroutine_no_exit_scan(l, ts_node_named_child(n, i), in_lit);
}

/*
 * Return whether the go statement runs once per process: directly in
 * main.main or an init function, or in a func literal given to X.Do.
 */
static int
goroutine_no_exit_once(const struct leak_ctx *ctx, TSNode n)
{
	TSNode name, args;
	char callee[256];
	size_t len;

	for (n = leak_parent(n); !ts_node_is_null(n); n = leak_parent(n)) {
		if (leak_is(n, "function_declaration")) {
			name = leak_field(n, "name");
			return leak_text_is(ctx, name, "init") ||
			    (ctx->is_main && leak_text_is(ctx, name, "main"));
		}
		if (!leak_is(n, "func_literal"))
			continue;
		/* A closure may run many times, unless sync.Once runs it. */
		args = leak_parent(n);
		if (!leak_is(args, "argument_list"))
			return 0;
		leak_callee(ctx, leak_parent(args), callee, sizeof callee);
		len = strlen(callee);
		return len > 3 && strcmp(callee + len - 3, ".Do") == 0;
	}
	return 0;
}

/* Report a goroutine literal whose body ends in a loop it never leaves. */
static int
goroutine_no_exit_visit(TSNode n, void *data)
{
	struct goroutine_no_exit_loop l;
	TSNode call, lit, stmt;

	if (!leak_is(n, "go_statement"))
		return 1;
	call = ts_node_named_child(n, 0);
	lit = leak_field(call, "function");
	if (!leak_is(call, "call_expression") || !leak_is(lit, "func_literal") ||
	    !goroutine_no_exit_last(leak_field(lit, "body"), &stmt))
		return 1;
	if (leak_is(stmt, "labeled_statement") &&
	    !goroutine_no_exit_last(stmt, &stmt))
		return 1;
	if (!leak_is(stmt, "for_statement") || !goroutine_no_exit_endless(stmt))
		return 1;
	l.ctx = data;
	l.loop = stmt;
	l.body = leak_field(stmt, "body");
	l.exits = 0;
	if (ts_node_is_null(l.body))
		return 1;
	goroutine_no_exit_scan(&l, l.body, 0);
	if (!l.exits && !goroutine_no_exit_once(l.ctx, n))
		leak_report(l.ctx, n, "goroutine ends in an endless for loop "
		    "with no return, break or ctx.Done() case: it never exits");
	return 1;
}

/* Run the check. */
static void
goroutine_no_exit_run(struct leak_ctx *ctx)
{
	leak_walk(ctx->root, goroutine_no_exit_visit, ctx);
}

const struct leak_check leak_goroutine_no_exit = {
	.id = "goroutine-no-exit",
	.summary = "goroutine ends in an endless loop it can never leave",
	.severity = LEAK_WARNING,
	.needles = goroutine_no_exit_needles,
	.run = goroutine_no_exit_run,
};
