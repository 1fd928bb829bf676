/*
 * goroutine-blocked-send.c - a goroutine that sends on an unbuffered
 * channel waits until someone receives; if the function that made the
 * channel and started the goroutine can return without receiving (a
 * timeout or ctx.Done() case that wins, an early error return), the
 * goroutine blocks on its send forever, holding everything it references.
 *
 * Flags the first send `ch <- v` that can block in the body of a go
 * func(){...}() literal (not in a func literal nested in it) when ch is
 * made in the function holding the go statement, by ch := make(chan T) or
 * var ch = make(chan T), and flow.c finds a path from the go statement out
 * of that function on which ch is not received from. The send is
 * reported: it is where the goroutine blocks. A channel the literal takes
 * as a parameter is followed to the go call's argument. An unbuffered
 * channel (no capacity, or 0) blocks at the first send; a literal capacity
 * N at the send after the first N, when some path of the goroutine sends
 * more than N times (a send in a loop counts as many). Goroutines started
 * in a loop (one that does not also make the channel) are many senders:
 * there a receive inside a counted loop (`for range jobs`) is one of many,
 * and a return or break out of that loop leaves the rest blocked.
 *
 * Accepts as handled:
 * - a receive on every path after the go statement: <-ch in any
 *   expression, v, ok := <-ch, for range ch, a select case receiving it;
 *   a loop that receives from ch on some path is taken to drain it, so
 *   `for i := 0; i < n; i++ { <-ch }` after n goroutines counts (returns
 *   inside such a loop are still checked);
 * - a buffered channel whose literal capacity covers the sends of every
 *   path, or whose capacity is not a literal (make(chan T, len(jobs)));
 * - a send that is one case of a select with another case or a default
 *   (the goroutine's own ctx.Done() or timeout escape);
 * - a goroutine that also receives from ch: it trades with its peers;
 * - a channel handed on: passed to a call other than len, cap and close,
 *   returned, assigned, stored, sent on a channel, or mentioned in any
 *   other func literal of the function (another goroutine or a deferred
 *   closure may receive); a defer mentioning it;
 * - main.main, whose return ends the program; paths ending in panic,
 *   os.Exit, log.Fatal or t.Fatal (flow.c's terminating calls).
 *
 * Assumes, without a type checker, that a name refers to the one
 * declaration of it in the function that holds the go statement (closures
 * excluded); a name declared more than once there, or bound by anything
 * but make, is left alone. Senders are not counted: one receive outside
 * a loop counts as enough even when a loop started several goroutines,
 * and a loop that receives is taken to receive from them all.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzers/leakcheck/flow.h"

static const char *const goroutine_blocked_send_needles[] = {
	"go func", NULL
};

/* The channel a goroutine sends on. */
struct goroutine_blocked_send_chan {
	struct leak_ctx *ctx;
	char name[128];		/* its name in the goroutine's literal */
	char outer[128];	/* its name in the function that made it */
	TSNode go;		/* the go statement */
	TSNode lit;		/* the literal it runs */
	TSNode at;		/* the send being checked */
	TSNode send;		/* the first send that can block, or null */
	int sends;		/* sends on it in the literal */
	int decls;		/* declarations of outer in the function */
	int makes;		/* of which outer := make(chan ...) */
	TSNode make;		/* the values of that declaration */
	long capacity;		/* the make's capacity, or -1: not a literal */
	int handed;		/* a use that may receive elsewhere */
};

/* Copy node's text into buf; return 0 when it does not fit. */
static int
goroutine_blocked_send_copy(const struct leak_ctx *ctx, TSNode n, char *buf,
    size_t size)
{
	uint32_t a = ts_node_start_byte(n), b = ts_node_end_byte(n);

	if (b - a >= size)
		return 0;
	memcpy(buf, ctx->text + a, b - a);
	buf[b - a] = '\0';
	return 1;
}

/* Return the index of an identifier named name in a list, or -1. */
static int
goroutine_blocked_send_index(const struct leak_ctx *ctx, TSNode list,
    const char *name)
{
	TSNode e;
	int at;

	for (at = 0; !ts_node_is_null(e = leak_nth(list, at));
	    at++)
		if (leak_is(e, "identifier") && leak_text_is(ctx, e, name))
			return at;
	return -1;
}

/*
 * Note the capacity of make(chan T[, cap]) in c; return 0 when e is not
 * such a make.
 */
static int
goroutine_blocked_send_make(struct goroutine_blocked_send_chan *c, TSNode e)
{
	TSNode fn = leak_field(e, "function");
	TSNode args = leak_field(e, "arguments");
	TSNode size;
	char buf[32], *end;

	if (!leak_is(e, "call_expression") || !leak_is(fn, "identifier") ||
	    !leak_text_is(c->ctx, fn, "make") ||
	    !leak_is(leak_nth(args, 0), "channel_type"))
		return 0;
	size = leak_nth(args, 1);
	c->capacity = 0;
	if (ts_node_is_null(size))
		return 1;
	c->capacity = -1;
	if (leak_is(size, "int_literal") &&
	    goroutine_blocked_send_copy(c->ctx, size, buf, sizeof buf)) {
		c->capacity = strtol(buf, &end, 0);
		if (*end != '\0' || c->capacity < 0)
			c->capacity = -1;
	}
	return 1;
}

/* Count a declaration of the name bound to the at'th of values. */
static void
goroutine_blocked_send_bind(struct goroutine_blocked_send_chan *c,
    TSNode values, int at)
{
	c->decls++;
	if (goroutine_blocked_send_make(c, leak_nth(values,
	    at))) {
		c->makes++;
		c->make = values;
	}
}

/* Return the index of the name among a var_spec's or parameter's names. */
static int
goroutine_blocked_send_name_at(const struct leak_ctx *ctx, TSNode decl,
    const char *name)
{
	uint32_t i, n = ts_node_named_child_count(decl);
	TSNode e;
	int at = 0;

	for (i = 0; i < n; i++) {
		e = ts_node_named_child(decl, i);
		if (!leak_is(e, "identifier"))
			continue;
		if (leak_text_is(ctx, e, name))
			return at;
		at++;
	}
	return -1;
}

/* Count declarations of the outer name in a function, closures excluded. */
static int
goroutine_blocked_send_decl_visit(TSNode n, void *data)
{
	struct goroutine_blocked_send_chan *c = data;
	TSNode left;
	int at;

	if (leak_is(n, "func_literal"))
		return 0;
	if (leak_is(n, "short_var_declaration")) {
		at = goroutine_blocked_send_index(c->ctx,
		    leak_field(n, "left"), c->outer);
		if (at >= 0)
			goroutine_blocked_send_bind(c,
			    leak_field(n, "right"), at);
	} else if (leak_is(n, "var_spec")) {
		at = goroutine_blocked_send_name_at(c->ctx, n, c->outer);
		if (at >= 0)
			goroutine_blocked_send_bind(c,
			    leak_field(n, "value"), at);
	} else if (leak_is(n, "const_spec") ||
	    leak_is(n, "parameter_declaration") ||
	    leak_is(n, "variadic_parameter_declaration")) {
		if (goroutine_blocked_send_name_at(c->ctx, n, c->outer) >= 0)
			c->decls += 2;	/* never a make */
	} else if (leak_is(n, "range_clause") ||
	    leak_is(n, "receive_statement") ||
	    leak_is(n, "type_switch_statement")) {
		left = leak_field(n, leak_is(n,
		    "type_switch_statement") ? "alias" : "left");
		if (goroutine_blocked_send_index(c->ctx, left, c->outer) >= 0)
			c->decls += 2;
	}
	return 1;
}

/* Return whether a declaration in the literal's body binds the name. */
static int
goroutine_blocked_send_own(struct goroutine_blocked_send_chan *c)
{
	struct goroutine_blocked_send_chan own;

	memset(&own, 0, sizeof own);
	own.ctx = c->ctx;
	memcpy(own.outer, c->name, sizeof own.outer);
	leak_walk(leak_field(c->lit, "body"),
	    goroutine_blocked_send_decl_visit, &own);
	return own.decls > 0;
}

/*
 * Return whether an occurrence of the channel only sends, receives,
 * ranges, declares or asks len/cap/close: uses that keep it here.
 */
static int
goroutine_blocked_send_local_use(const struct leak_ctx *ctx, TSNode id)
{
	TSNode p = leak_parent(id), gp = leak_parent(p);
	char callee[16];

	if (leak_is(p, "send_statement"))
		return ts_node_eq(leak_field(p, "channel"),
		    id);
	if (leak_is(p, "unary_expression"))
		return leak_is(leak_field(p, "operator"),
		    "<-");
	if (leak_is(p, "range_clause"))
		return ts_node_eq(leak_field(p, "right"),
		    id);
	if (leak_is(p, "var_spec"))
		return 1;
	if (leak_is(p, "expression_list") &&
	    leak_is(gp, "short_var_declaration"))
		return ts_node_eq(leak_field(gp, "left"), p);
	if (leak_is(p, "argument_list")) {
		leak_callee(ctx, gp, callee, sizeof callee);
		return strcmp(callee, "len") == 0 ||
		    strcmp(callee, "cap") == 0 || strcmp(callee, "close") == 0;
	}
	return 0;
}

/* What goroutine_blocked_send_mention_visit looks for. */
struct goroutine_blocked_send_find {
	const struct leak_ctx *ctx;
	const char *name;
	int found;
};

/* Note an identifier spelling the name. */
static int
goroutine_blocked_send_mention_visit(TSNode n, void *data)
{
	struct goroutine_blocked_send_find *f = data;

	if (f->found)
		return 0;
	if (leak_is(n, "identifier") && leak_text_is(f->ctx, n, f->name))
		f->found = 1;
	return 1;
}

/* Note a use of the outer name, outside the go statement, that hands it on. */
static int
goroutine_blocked_send_use_visit(TSNode n, void *data)
{
	struct goroutine_blocked_send_chan *c = data;
	struct goroutine_blocked_send_find f = { c->ctx, c->outer, 0 };

	if (c->handed || ts_node_eq(n, c->go))
		return 0;
	/* Another func literal that mentions it may receive from it. */
	if (leak_is(n, "func_literal")) {
		leak_walk(n, goroutine_blocked_send_mention_visit, &f);
		c->handed = f.found;
		return 0;
	}
	if (leak_is(n, "identifier") && leak_text_is(c->ctx, n, c->outer) &&
	    !goroutine_blocked_send_local_use(c->ctx, n))
		c->handed = 1;
	return 1;
}

/* Return whether a send is one case of a select with another way out. */
static int
goroutine_blocked_send_escapes(TSNode send)
{
	TSNode kase = leak_parent(send), sel = leak_parent(kase), k;
	uint32_t i, n, cases = 0;

	if (!leak_is(kase, "communication_case") ||
	    !leak_is(sel, "select_statement"))
		return 0;
	n = ts_node_named_child_count(sel);
	for (i = 0; i < n; i++) {
		k = ts_node_named_child(sel, i);
		if (leak_is(k, "communication_case") ||
		    leak_is(k, "default_case"))
			cases++;
	}
	return cases > 1;
}

/*
 * Return whether a node runs in a loop of the function fn holding it, a
 * loop that does not hold node but (when given) too.
 */
static int
goroutine_blocked_send_in_loop(TSNode n, TSNode fn, TSNode but)
{
	for (n = leak_parent(n); !ts_node_is_null(n) &&
	    !ts_node_eq(n, fn); n = leak_parent(n))
		if (leak_is(n, "for_statement") &&
		    (ts_node_is_null(but) || !leak_within(but, n)))
			return 1;
	return 0;
}

/* Note the literal's sends on the channel and its other uses of it. */
static int
goroutine_blocked_send_lit_visit(TSNode n, void *data)
{
	struct goroutine_blocked_send_chan *c = data;
	TSNode ch;
	int looped;

	if (leak_is(n, "func_literal") && !ts_node_eq(n, c->lit))
		return 0;
	/* A goroutine that also receives trades on it with its peers. */
	if (leak_is(n, "identifier") && leak_text_is(c->ctx, n, c->name) &&
	    (!goroutine_blocked_send_local_use(c->ctx, n) ||
	    leak_is(leak_parent(n), "unary_expression") ||
	    leak_is(leak_parent(n), "range_clause")))
		c->handed = 1;
	if (!leak_is(n, "send_statement"))
		return 1;
	ch = leak_field(n, "channel");
	if (!leak_is(ch, "identifier") || !leak_text_is(c->ctx, ch, c->name))
		return 1;
	looped = goroutine_blocked_send_in_loop(n, c->lit, c->make);
	/* The buffer takes the first sends: the next one blocks. */
	if (ts_node_is_null(c->send) && !goroutine_blocked_send_escapes(n) &&
	    (looped || c->sends >= c->capacity))
		c->send = n;
	c->sends++;
	return 1;
}

/* Sends on one path: those that go on (fall, -1: none go on) and at most. */
struct goroutine_blocked_send_count {
	long fall;
	long max;
};

#define GOROUTINE_BLOCKED_SEND_MANY 1000000L	/* sends in a loop */

static struct goroutine_blocked_send_count goroutine_blocked_send_path(
    struct goroutine_blocked_send_chan *c, TSNode n);

/* Count the sends on the channel anywhere under n, nested funcs excluded. */
static int
goroutine_blocked_send_count_visit(TSNode n, void *data)
{
	struct goroutine_blocked_send_chan *c = data;
	TSNode ch = leak_field(n, "channel");

	if (leak_is(n, "func_literal") && !ts_node_eq(n, c->lit))
		return 0;
	if (leak_is(n, "send_statement") && leak_is(ch, "identifier") &&
	    leak_text_is(c->ctx, ch, c->name))
		c->sends++;
	return 1;
}

/* Return the number of sends under n, whatever the paths. */
static long
goroutine_blocked_send_lexical(struct goroutine_blocked_send_chan *c,
    TSNode n)
{
	int before = c->sends;
	long found;

	leak_walk(n, goroutine_blocked_send_count_visit, c);
	found = c->sends - before;
	c->sends = before;
	return found;
}

/* Join two alternative paths. */
static struct goroutine_blocked_send_count
goroutine_blocked_send_either(struct goroutine_blocked_send_count a,
    struct goroutine_blocked_send_count b)
{
	if (b.fall > a.fall)
		a.fall = b.fall;
	if (b.max > a.max)
		a.max = b.max;
	return a;
}

/* Count the sends along a statement list, stopping where it ends. */
static struct goroutine_blocked_send_count
goroutine_blocked_send_seq(struct goroutine_blocked_send_chan *c, TSNode n)
{
	struct goroutine_blocked_send_count r = { 0, 0 }, k;
	uint32_t i, count = ts_node_named_child_count(n);

	for (i = 0; i < count && r.fall >= 0; i++) {
		/* A break leaves the switch or select and goes on after it. */
		if (leak_is(ts_node_named_child(n, i), "break_statement"))
			break;
		k = goroutine_blocked_send_path(c, ts_node_named_child(n, i));
		if (r.fall + k.max > r.max)
			r.max = r.fall + k.max;
		r.fall = k.fall < 0 ? -1 : r.fall + k.fall;
		if (r.fall > r.max)
			r.max = r.fall;
	}
	return r;
}

/* Count the sends along the cases of a switch or select. */
static struct goroutine_blocked_send_count
goroutine_blocked_send_cases(struct goroutine_blocked_send_chan *c,
    TSNode n)
{
	struct goroutine_blocked_send_count r = { -1, 0 }, k;
	uint32_t i, count = ts_node_named_child_count(n);
	int has_default = leak_is(n, "select_statement");
	TSNode kase;

	for (i = 0; i < count; i++) {
		kase = ts_node_named_child(n, i);
		if (leak_is(kase, "default_case"))
			has_default = 1;
		else if (!leak_is(kase, "expression_case") &&
		    !leak_is(kase, "type_case") &&
		    !leak_is(kase, "communication_case"))
			continue;
		/* A select case's send is its first statement. */
		k = goroutine_blocked_send_seq(c, kase);
		r = goroutine_blocked_send_either(r, k);
	}
	if (!has_default) {
		struct goroutine_blocked_send_count none = { 0, 0 };

		r = goroutine_blocked_send_either(r, none);
	}
	return r;
}

/*
 * Count the sends on the channel along the paths through a statement of
 * the literal: at most how many any path makes, and how many the paths
 * that go on past it make. A send in a loop counts as many.
 */
static struct goroutine_blocked_send_count
goroutine_blocked_send_path(struct goroutine_blocked_send_chan *c, TSNode n)
{
	struct goroutine_blocked_send_count r = { 0, 0 }, alt = { 0, 0 };
	TSNode ch;

	if (ts_node_is_null(n) || leak_is(n, "comment"))
		return r;
	if (leak_is(n, "block"))
		return goroutine_blocked_send_seq(c, n);
	if (leak_is(n, "return_statement") || leak_is(n, "goto_statement") ||
	    leak_is(n, "continue_statement")) {
		r.fall = -1;
		return r;
	}
	if (leak_is(n, "if_statement")) {
		r = goroutine_blocked_send_path(c,
		    leak_field(n, "consequence"));
		alt = goroutine_blocked_send_path(c,
		    leak_field(n, "alternative"));
		return goroutine_blocked_send_either(r, alt);
	}
	if (leak_is(n, "expression_switch_statement") ||
	    leak_is(n, "type_switch_statement") ||
	    leak_is(n, "select_statement"))
		return goroutine_blocked_send_cases(c, n);
	if (leak_is(n, "labeled_statement"))
		return goroutine_blocked_send_path(c,
		    ts_node_named_child(n, 1));
	if (leak_is(n, "for_statement")) {
		if (goroutine_blocked_send_lexical(c, n) > 0)
			r.fall = r.max = GOROUTINE_BLOCKED_SEND_MANY;
		return r;
	}
	ch = leak_field(n, "channel");
	if (leak_is(n, "send_statement") && leak_is(ch, "identifier") &&
	    leak_text_is(c->ctx, ch, c->name)) {
		r.fall = r.max = 1;
		return r;
	}
	r.fall = r.max = goroutine_blocked_send_lexical(c, n);
	return r;
}

/*
 * Find the channel's name in the function that started the goroutine: a
 * parameter of the literal is the go call's argument. Return 0 when it is
 * none there (the literal's own variable, an expression).
 */
static int
goroutine_blocked_send_outer(struct goroutine_blocked_send_chan *c)
{
	TSNode params = leak_field(c->lit, "parameters");
	TSNode call = leak_parent(c->lit), decl, arg;
	uint32_t i, n = ts_node_named_child_count(params);
	int at = 0, in, names;
	TSNode e;
	uint32_t j;

	for (i = 0; i < n; i++) {
		decl = ts_node_named_child(params, i);
		if (leak_is(decl, "comment"))
			continue;
		in = goroutine_blocked_send_name_at(c->ctx, decl, c->name);
		if (in >= 0 && leak_is(decl, "variadic_parameter_declaration"))
			return 0;
		if (in >= 0) {
			arg = leak_nth(
			    leak_field(call, "arguments"),
			    at + in);
			return leak_is(arg, "identifier") &&
			    goroutine_blocked_send_copy(c->ctx, arg, c->outer,
			    sizeof c->outer);
		}
		names = 0;
		for (j = 0; j < ts_node_named_child_count(decl); j++) {
			e = ts_node_named_child(decl, j);
			if (leak_is(e, "identifier"))
				names++;
		}
		at += names > 0 ? names : 1;	/* unnamed: one */
	}
	if (goroutine_blocked_send_own(c))
		return 0;
	memcpy(c->outer, c->name, sizeof c->outer);
	return 1;
}

/*
 * Report the send when the function that made the channel can return
 * without receiving from it.
 */
static void
goroutine_blocked_send_check(struct goroutine_blocked_send_chan *c)
{
	static const char *const lists[] = { "receiver", "parameters",
	    "result", NULL };
	struct flow_resource r;
	TSNode fn, body;
	size_t exit_line;
	char what[192];
	int i;

	if (!goroutine_blocked_send_outer(c))
		return;
	fn = leak_enclosing_func(c->go);
	body = leak_field(fn, "body");
	if (ts_node_is_null(body))
		return;
	for (i = 0; lists[i] != NULL; i++) {
		TSNode list = leak_field(fn, lists[i]);

		if (!ts_node_is_null(list))
			leak_walk(list, goroutine_blocked_send_decl_visit, c);
	}
	leak_walk(body, goroutine_blocked_send_decl_visit, c);
	if (c->decls != 1 || c->makes != 1 || c->capacity < 0)
		return;
	leak_walk(leak_field(c->lit, "body"),
	    goroutine_blocked_send_lit_visit, c);
	/*
	 * Each channel once, at its first send that can block; none when the
	 * buffer has room for the sends of every path.
	 */
	if (c->handed || !ts_node_eq(c->send, c->at))
		return;
	if (c->capacity > 0 && goroutine_blocked_send_path(c,
	    leak_field(c->lit, "body")).max <= c->capacity)
		return;
	leak_walk(body, goroutine_blocked_send_use_visit, c);
	if (c->handed)
		return;
	memset(&r, 0, sizeof r);
	r.def = c->go;
	r.var = c->outer;
	r.recv_release = 1;
	r.loop_drains = 1;
	/* Goroutines started in a loop all send on one channel. */
	r.many_senders = goroutine_blocked_send_in_loop(c->go, fn, c->make);
	if (!flow_leaks(c->ctx, body, &r, &exit_line))
		return;
	if (c->capacity == 0)
		snprintf(what, sizeof what, "unbuffered channel %s", c->name);
	else
		snprintf(what, sizeof what, "%s beyond its buffer of %ld",
		    c->name, c->capacity);
	if (r.many_senders)
		leak_report(c->ctx, c->send, "goroutines started in a loop "
		    "send on %s, but the function that started them can "
		    "return at line %zu before receiving from each: their "
		    "sends block forever", what, exit_line);
	else
		leak_report(c->ctx, c->send, "goroutine sends on %s, but the "
		    "function that started it can return at line %zu "
		    "without receiving: the send blocks forever", what,
		    exit_line);
}

/* Check each send of a go func literal on a named channel. */
static int
goroutine_blocked_send_visit(TSNode n, void *data)
{
	struct leak_ctx *ctx = data;
	struct goroutine_blocked_send_chan c;
	TSNode go, call, lit, ch;

	if (!leak_is(n, "send_statement"))
		return 1;
	ch = leak_field(n, "channel");
	lit = leak_enclosing_func(n);
	if (!leak_is(ch, "identifier") || !leak_is(lit, "func_literal"))
		return 1;
	call = leak_parent(lit);
	go = leak_parent(call);
	if (!leak_is(call, "call_expression") || !leak_is(go, "go_statement") ||
	    !ts_node_eq(leak_field(call, "function"), lit))
		return 1;
	memset(&c, 0, sizeof c);
	c.ctx = ctx;
	c.go = go;
	c.lit = lit;
	c.at = n;
	if (!goroutine_blocked_send_copy(ctx, ch, c.name, sizeof c.name))
		return 1;
	goroutine_blocked_send_check(&c);
	return 1;
}

/* Run the check. */
static void
goroutine_blocked_send_run(struct leak_ctx *ctx)
{
	leak_walk(ctx->root, goroutine_blocked_send_visit, ctx);
}

const struct leak_check leak_goroutine_blocked_send = {
	.id = "goroutine-blocked-send",
	.summary = "goroutine sends on an unbuffered channel its starter may "
	    "never receive from",
	.severity = LEAK_WARNING,
	.needles = goroutine_blocked_send_needles,
	.run = goroutine_blocked_send_run,
};
