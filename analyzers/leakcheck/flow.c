/*
 * flow.c - a structured walk of a function body that tracks one resource
 * through every path: inactive before its definition, pending once defined,
 * done once released or handed on; a path that leaves the function pending
 * is a leak.
 */
#include <string.h>

#include "analyzers/leakcheck/flow.h"

enum flow_state {
	FLOW_INACTIVE,		/* not defined yet on this path */
	FLOW_PENDING,		/* defined, not yet released or handed on */
	FLOW_STALE,		/* pending, and err was since reassigned */
	FLOW_DONE,		/* released, handed on, or nil (error path) */
	FLOW_EXITED		/* this path does not continue */
};

#define FLOW_MAX_NEST 64
#define FLOW_MAX_PASSES 4	/* walks of an endless loop's body */
#define FLOW_MAX_REWALKS 256	/* extra walks in a function, nested loops' */

/* A statement that break or continue may leave: a loop, switch or select. */
struct flow_target {
	TSNode node;
	const char *label;		/* its label's text, or NULL */
	size_t labellen;
	int is_loop;
	enum flow_state out;		/* merged states of breaks */
	enum flow_state cont;		/* merged states of continues */
};

struct flow_walk {
	const struct leak_ctx *ctx;
	const struct flow_resource *r;
	TSNode func;			/* the function being walked */
	struct flow_target targets[FLOW_MAX_NEST];
	int ntargets;
	const char *label;		/* label of the statement being entered */
	size_t labellen;
	int gave_up;
	int rewalks;			/* extra passes over endless loops */
	int leaked;
	size_t exit_line;
};

static enum flow_state flow_stmt(struct flow_walk *w, TSNode n,
    enum flow_state st);

/* Return whether a state holds an unreleased resource. */
static int
flow_pending(enum flow_state st)
{
	return st == FLOW_PENDING || st == FLOW_STALE;
}

/* Merge the states of two paths that join. */
static enum flow_state
flow_merge(enum flow_state a, enum flow_state b)
{
	if (a == FLOW_EXITED)
		return b;
	if (b == FLOW_EXITED)
		return a;
	if (a == FLOW_STALE || b == FLOW_STALE)
		return FLOW_STALE;
	if (a == FLOW_PENDING || b == FLOW_PENDING)
		return FLOW_PENDING;
	if (a == FLOW_DONE || b == FLOW_DONE)
		return FLOW_DONE;
	return FLOW_INACTIVE;
}

/* Return whether a for statement has no clauses: for { }. */
static int
flow_endless(TSNode n)
{
	TSNode body = leak_field(n, "body"), c;
	uint32_t i;

	for (i = 0; i < ts_node_named_child_count(n); i++) {
		c = ts_node_named_child(n, i);
		if (!ts_node_eq(c, body) && !leak_is(c, "comment"))
			return 0;
	}
	return 1;
}

/*
 * Return whether the walk is inside a counted loop that does not hold the
 * definition: one receive of many there (see many_senders in flow.h).
 */
static int
flow_in_drain_loop(struct flow_walk *w)
{
	int i;

	for (i = 0; i < w->ntargets; i++)
		if (w->targets[i].is_loop &&
		    !flow_endless(w->targets[i].node) &&
		    !leak_within(w->r->def, w->targets[i].node))
			return 1;
	return 0;
}

/*
 * Return whether an occurrence of the variable lies in a func literal of
 * the function walked: captured, whatever the literal does with it.
 */
static int
flow_captured(struct flow_walk *w, TSNode id)
{
	TSNode n;

	for (n = leak_parent(id); !ts_node_is_null(n) &&
	    !ts_node_eq(n, w->func); n = leak_parent(n))
		if (leak_is(n, "func_literal"))
			return 1;
	return 0;
}

/* Return whether an occurrence of the variable is a receive from r.chan. */
static int
flow_receives(struct flow_walk *w, TSNode id)
{
	TSNode sel = leak_parent(id), recv = leak_parent(sel);

	return w->r->chan != NULL && w->r->recv_releases &&
	    leak_is(sel, "selector_expression") &&
	    ts_node_eq(leak_field(sel, "operand"), id) &&
	    leak_text_is(w->ctx, leak_field(sel, "field"), w->r->chan) &&
	    leak_is(recv, "unary_expression") &&
	    leak_text_is(w->ctx, leak_field(recv, "operator"), "<-");
}

/* Return whether a for clause ranges over r.chan, which is never closed. */
static int
flow_ranges_chan(struct flow_walk *w, TSNode head)
{
	TSNode right = leak_field(head, "right");

	return w->r->chan != NULL && leak_is(head, "range_clause") &&
	    leak_is(right, "selector_expression") &&
	    leak_text_is(w->ctx, leak_field(right, "operand"), w->r->var) &&
	    leak_text_is(w->ctx, leak_field(right, "field"), w->r->chan);
}

/*
 * Classify one occurrence of the resource variable: return whether it
 * releases or hands on the resource (see flow.h).
 */
static int
flow_occurrence_handles(struct flow_walk *w, TSNode id)
{
	const struct flow_resource *r = w->r;
	TSNode n = id, p = leak_parent(id);

	/* <-v and range v, for a channel a receive releases. */
	if (r->recv_release && leak_is(p, "unary_expression") &&
	    leak_is(leak_field(p, "operator"), "<-"))
		return !r->many_senders || !flow_in_drain_loop(w);
	if (r->recv_release && leak_is(p, "range_clause") &&
	    ts_node_eq(leak_field(p, "right"), n))
		return 1;
	/* v.Close(), v.Body.Close(), and for a func, v(). */
	if (r->is_func && leak_is(p, "call_expression") &&
	    ts_node_eq(leak_field(p, "function"), n))
		return 1;
	/*
	 * Captured by a func literal: handed on, except a channel's, whose
	 * literals send on it (the sender's own send releases nothing).
	 */
	if ((!r->recv_release && flow_captured(w, n)) || flow_receives(w, n))
		return 1;
	if (r->field_release && leak_is(p, "selector_expression") &&
	    leak_text_is(w->ctx, leak_field(p, "field"), r->field)) {
		n = p;
		p = leak_parent(p);
	}
	/* v.Close(), or v.Close as a value to call later (t.Cleanup). */
	if (leak_is(p, "selector_expression") &&
	    ts_node_eq(leak_field(p, "operand"), n))
		return leak_text_in(w->ctx, leak_field(p, "field"), r->release);
	/* Handed on: an argument, a returned or sent or stored value. */
	for (; !ts_node_is_null(p); n = p, p = leak_parent(p)) {
		if (leak_is(p, "argument_list") && r->readers != NULL &&
		    leak_text_in(w->ctx, leak_field(leak_parent(p),
		    "function"), r->readers))
			return 0;
		if (leak_is(p, "argument_list") || leak_is(p, "return_statement") ||
		    leak_is(p, "func_literal") || leak_is(p, "go_statement"))
			return 1;
		if (leak_is(p, "send_statement"))
			return ts_node_eq(leak_field(p, "value"), n);
		if (leak_is(p, "assignment_statement") ||
		    leak_is(p, "short_var_declaration") ||
		    leak_is(p, "var_spec"))
			return !ts_node_eq(leak_field(p, "left"), n) &&
			    !ts_node_eq(leak_field(p, "name"), n);
		if (leak_is(p, "composite_literal") ||
		    leak_is(p, "keyed_element") ||
		    leak_is(p, "literal_element"))
			return 1;
		/* Comparisons, field reads and method calls keep it here. */
		if (leak_is(p, "binary_expression") ||
		    leak_is(p, "selector_expression") ||
		    leak_is(p, "expression_statement") ||
		    ts_node_has_error(p))
			return 0;
	}
	return 0;
}

/* Return whether a subtree releases or hands on the resource. */
static int
flow_handles(struct flow_walk *w, TSNode n)
{
	uint32_t i, count;

	if (ts_node_is_null(n))
		return 0;
	if (leak_is(n, "identifier") && leak_text_is(w->ctx, n, w->r->var))
		return flow_occurrence_handles(w, n);
	count = ts_node_named_child_count(n);
	for (i = 0; i < count; i++)
		if (flow_handles(w, ts_node_named_child(n, i)))
			return 1;
	return 0;
}

/* Return whether a subtree mentions the resource variable at all. */
static int
flow_mentions(struct flow_walk *w, TSNode n)
{
	uint32_t i, count;

	if (ts_node_is_null(n))
		return 0;
	if (leak_is(n, "identifier"))
		return leak_text_is(w->ctx, n, w->r->var);
	count = ts_node_named_child_count(n);
	for (i = 0; i < count; i++)
		if (flow_mentions(w, ts_node_named_child(n, i)))
			return 1;
	return 0;
}

/* Return whether a simple statement assigns a new value to the variable. */
static int
flow_assigns_var(struct flow_walk *w, TSNode n)
{
	TSNode left = leak_field(n, "left");
	uint32_t i, count;

	if (ts_node_is_null(left) || (!leak_is(n, "short_var_declaration") &&
	    !leak_is(n, "assignment_statement")))
		return 0;
	count = ts_node_named_child_count(left);
	for (i = 0; i < count; i++)
		if (leak_text_is(w->ctx, ts_node_named_child(left, i),
		    w->r->var))
			return 1;
	return 0;
}

/* Return whether an expression statement ends the path (panic, exit). */
static int
flow_terminates(struct flow_walk *w, TSNode stmt)
{
	static const char *const enders[] = {
		"panic", "os.Exit", "log.Fatal", "log.Fatalf", "log.Fatalln",
		"log.Panic", "log.Panicf", "log.Panicln", "runtime.Goexit",
		NULL
	};
	TSNode call = ts_node_named_child(stmt, 0);
	char callee[128];
	const char *dot;

	if (!leak_is(call, "call_expression"))
		return 0;
	leak_callee(w->ctx, call, callee, sizeof callee);
	if (leak_text_in(w->ctx, leak_field(call, "function"), enders))
		return 1;
	/* t.Fatal, b.Fatalf, tb.FailNow, t.SkipNow... on a test value. */
	dot = strrchr(callee, '.');
	return dot != NULL && (strcmp(dot, ".Fatal") == 0 ||
	    strcmp(dot, ".Fatalf") == 0 || strcmp(dot, ".FailNow") == 0 ||
	    strcmp(dot, ".Skip") == 0 || strcmp(dot, ".Skipf") == 0 ||
	    strcmp(dot, ".SkipNow") == 0);
}

/* Return whether the resource is a named result (a bare return hands it on). */
static int
flow_named_result(struct flow_walk *w)
{
	TSNode result = leak_field(w->func, "result"), p;
	uint32_t i, j;

	if (!leak_is(result, "parameter_list"))
		return 0;
	for (i = 0; i < ts_node_named_child_count(result); i++) {
		p = ts_node_named_child(result, i);
		for (j = 0; j < ts_node_named_child_count(p); j++)
			if (leak_is(ts_node_named_child(p, j), "identifier") &&
			    leak_text_is(w->ctx, ts_node_named_child(p, j),
			    w->r->var))
				return 1;
	}
	return 0;
}

/* Record a path that leaves the function with the resource pending. */
static enum flow_state
flow_exit(struct flow_walk *w, TSNode at, enum flow_state st)
{
	if (flow_pending(st) && !w->leaked) {
		w->leaked = 1;
		w->exit_line = ts_node_start_point(at).row + 1;
	}
	return FLOW_EXITED;
}

/* Walk the statements of a block (or a case's statement list). */
static enum flow_state
flow_block(struct flow_walk *w, TSNode n, enum flow_state st)
{
	uint32_t i, count = ts_node_named_child_count(n);
	TSNode c;

	for (i = 0; i < count && st != FLOW_EXITED && !w->gave_up; i++) {
		c = ts_node_named_child(n, i);
		if (leak_is(c, "comment"))
			continue;
		st = flow_stmt(w, c, st);
	}
	return st;
}

/* Find the target of a break or continue; NULL when it is unknown. */
static struct flow_target *
flow_target(struct flow_walk *w, TSNode stmt, int is_continue)
{
	TSNode label = ts_node_named_child(stmt, 0);
	uint32_t a, b;
	int i;

	for (i = w->ntargets - 1; i >= 0; i--) {
		if (!ts_node_is_null(label)) {
			a = ts_node_start_byte(label);
			b = ts_node_end_byte(label);
			if (w->targets[i].label != NULL &&
			    w->targets[i].labellen == b - a &&
			    memcmp(w->targets[i].label, w->ctx->text + a,
			    b - a) == 0)
				return &w->targets[i];
			continue;
		}
		if (!is_continue || w->targets[i].is_loop)
			return &w->targets[i];
	}
	return NULL;
}

/* Enter a breakable statement. */
static struct flow_target *
flow_push(struct flow_walk *w, TSNode n, int is_loop)
{
	struct flow_target *t;

	if (w->ntargets == FLOW_MAX_NEST) {
		w->gave_up = 1;
		return NULL;
	}
	t = &w->targets[w->ntargets++];
	t->node = n;
	t->label = w->label;
	t->labellen = w->labellen;
	t->is_loop = is_loop;
	t->out = FLOW_EXITED;
	t->cont = FLOW_EXITED;
	w->label = NULL;
	return t;
}

/* Return whether cond is `err != nil` (op "!=") or `err == nil`. */
static int
flow_err_test(struct flow_walk *w, TSNode cond, const char *op)
{
	TSNode l = leak_field(cond, "left"), r = leak_field(cond, "right");
	TSNode o = leak_field(cond, "operator");

	if (w->r->err == NULL || !leak_is(cond, "binary_expression") ||
	    ts_node_is_null(o))
		return 0;
	/* err != nil && more: the then-branch still has err non-nil. */
	if (strcmp(op, "!=") == 0 && leak_text_is(w->ctx, o, "&&"))
		return flow_err_test(w, l, op) || flow_err_test(w, r, op);
	if (!leak_text_is(w->ctx, o, op))
		return 0;
	return (leak_text_is(w->ctx, l, w->r->err) &&
	    leak_text_is(w->ctx, r, "nil")) ||
	    (leak_text_is(w->ctx, r, w->r->err) &&
	    leak_text_is(w->ctx, l, "nil"));
}

/* Return whether a simple statement assigns to the error variable. */
static int
flow_assigns_err(struct flow_walk *w, TSNode n)
{
	TSNode left = leak_field(n, "left");
	uint32_t i, count;

	if (w->r->err == NULL || ts_node_is_null(left) ||
	    (!leak_is(n, "short_var_declaration") &&
	    !leak_is(n, "assignment_statement")))
		return 0;
	count = ts_node_named_child_count(left);
	for (i = 0; i < count; i++)
		if (leak_text_is(w->ctx, ts_node_named_child(left, i),
		    w->r->err))
			return 1;
	return 0;
}

/*
 * Return whether a condition holds only when err is a non-nil error:
 * os.IsNotExist(err), errors.Is(err, x) and the like.
 */
static int
flow_err_call(struct flow_walk *w, TSNode cond)
{
	static const char *const suffixes[] = {
		".IsNotExist", ".IsExist", ".IsPermission", ".IsTimeout",
		"errors.Is", "errors.As", NULL
	};
	TSNode args = leak_field(cond, "arguments");
	const char *const *sfx;
	char callee[64];
	size_t n;

	if (w->r->err == NULL || !leak_is(cond, "call_expression") ||
	    !leak_text_is(w->ctx, ts_node_named_child(args, 0), w->r->err))
		return 0;
	leak_callee(w->ctx, cond, callee, sizeof callee);
	n = strlen(callee);
	for (sfx = suffixes; *sfx != NULL; sfx++)
		if (n >= strlen(*sfx) &&
		    strcmp(callee + n - strlen(*sfx), *sfx) == 0)
			return 1;
	return 0;
}

/*
 * Return whether cond is v.M() with M one of the drain methods: false when
 * the resource has released itself. With negate, whether it is !v.M().
 */
static int
flow_drain_test(struct flow_walk *w, TSNode cond, int negate)
{
	TSNode fn, operand;

	if (w->r->drain == NULL)
		return 0;
	if (negate) {
		if (!leak_is(cond, "unary_expression") ||
		    !leak_is(leak_field(cond, "operator"), "!"))
			return 0;
		cond = leak_field(cond, "operand");
	}
	fn = leak_field(cond, "function");
	if (!leak_is(cond, "call_expression") ||
	    !leak_is(fn, "selector_expression") ||
	    ts_node_named_child_count(leak_field(cond, "arguments")) != 0)
		return 0;
	operand = leak_field(fn, "operand");
	return leak_is(operand, "identifier") &&
	    leak_text_is(w->ctx, operand, w->r->var) &&
	    leak_text_in(w->ctx, leak_field(fn, "field"), w->r->drain);
}

/*
 * Return whether cond tests the resource against nil with op: `v op nil`,
 * `nil op v`, or with a field resource `v.Field op nil`; or, for "!=", an
 * && of such tests, for "==", an || of them.
 */
static int
flow_nil_test(struct flow_walk *w, TSNode cond, const char *op)
{
	TSNode l = leak_field(cond, "left"), r = leak_field(cond, "right");
	TSNode o = leak_field(cond, "operator"), v;

	if (!leak_is(cond, "binary_expression") || ts_node_is_null(o))
		return 0;
	if (leak_text_is(w->ctx, o, strcmp(op, "!=") == 0 ? "&&" : "||"))
		return flow_nil_test(w, l, op) && flow_nil_test(w, r, op);
	if (!leak_text_is(w->ctx, o, op))
		return 0;
	if (leak_is(l, "nil"))
		v = r;
	else if (leak_is(r, "nil"))
		v = l;
	else
		return 0;
	if (w->r->field_release && leak_is(v, "selector_expression") &&
	    leak_text_is(w->ctx, leak_field(v, "field"), w->r->field))
		v = leak_field(v, "operand");
	return leak_is(v, "identifier") && leak_text_is(w->ctx, v, w->r->var);
}

/* Walk an if statement: each branch is a path. */
static enum flow_state
flow_if(struct flow_walk *w, TSNode n, enum flow_state st)
{
	TSNode init = leak_field(n, "initializer"), cond = leak_field(n,
	    "condition"), then = leak_field(n, "consequence"),
	    alt = leak_field(n, "alternative");
	enum flow_state st_then, st_else;

	if (!ts_node_is_null(init)) {
		st = flow_stmt(w, init, st);
		/* if err := f(); err != nil tests another err. */
		if (st == FLOW_PENDING && leak_is(init,
		    "short_var_declaration") && flow_assigns_err(w, init) &&
		    !leak_within(w->r->def, init))
			st = FLOW_STALE;
	}
	if (flow_pending(st) && !ts_node_is_null(cond) &&
	    flow_handles(w, cond))
		st = FLOW_DONE;
	st_then = st_else = st;
	/* On the error path the resource is nil: nothing to release. */
	if (st == FLOW_PENDING && (flow_err_test(w, cond, "!=") ||
	    flow_err_call(w, cond)))
		st_then = FLOW_DONE;
	if (st == FLOW_PENDING && flow_err_test(w, cond, "=="))
		st_else = FLOW_DONE;
	/* A nil resource needs no release. */
	if (flow_pending(st) && flow_nil_test(w, cond, "=="))
		st_then = FLOW_DONE;
	if (flow_pending(st) && flow_nil_test(w, cond, "!="))
		st_else = FLOW_DONE;
	/* if !rows.Next(): the rows closed themselves. */
	if (flow_pending(st) && flow_drain_test(w, cond, 1))
		st_then = FLOW_DONE;
	if (flow_pending(st) && flow_drain_test(w, cond, 0))
		st_else = FLOW_DONE;
	st_then = flow_stmt(w, then, st_then);
	if (!ts_node_is_null(alt))
		st_else = flow_stmt(w, alt, st_else);
	return flow_merge(st_then, st_else);
}

/* Walk a for statement: zero or more iterations, breaks, continues. */
static enum flow_state
flow_for(struct flow_walk *w, TSNode n, enum flow_state st)
{
	TSNode body = leak_field(n, "body"), head;
	struct flow_target *t;
	enum flow_state end, out, cont, done, next;
	int endless = 1, drained = 0, pass;
	uint32_t i;

	/* The clauses run before the body: a definition may be there. */
	for (i = 0; i < ts_node_named_child_count(n); i++) {
		head = ts_node_named_child(n, i);
		if (ts_node_eq(head, body) || leak_is(head, "comment") ||
		    flow_ranges_chan(w, head))
			continue;
		endless = 0;
		if (flow_drain_test(w, head, 0))
			drained = 1;
		if (leak_within(w->r->def, head))
			st = FLOW_PENDING;
		else if (flow_pending(st) && flow_handles(w, head))
			st = FLOW_DONE;
	}
	t = flow_push(w, n, 1);
	if (t == NULL)
		return st;
	/*
	 * With a condition one pass is enough: a later iteration starts in a
	 * state the first already merges into the loop's exit. An endless
	 * loop is left only by a break: a continue or the body's end starts
	 * another pass, walked from the merged state until it no longer
	 * changes (merges only grow, so a few passes do).
	 */
	end = flow_stmt(w, body, st);
	for (pass = 0; endless && pass < FLOW_MAX_PASSES; pass++) {
		next = flow_merge(st, flow_merge(end,
		    w->targets[w->ntargets - 1].cont));
		if (next == st)
			break;
		if (++w->rewalks > FLOW_MAX_REWALKS) {
			w->gave_up = 1;
			break;
		}
		st = next;
		end = flow_stmt(w, body, st);
	}
	out = w->targets[--w->ntargets].out;
	cont = w->targets[w->ntargets].cont;
	if (endless)
		return out;
	/*
	 * The condition ends the loop: for rows.Next() has drained them, as
	 * has a loop receiving from the channel in loop_drains mode.
	 */
	done = flow_merge(flow_merge(st, end), cont);
	if (w->r->loop_drains && !drained && flow_pending(done) &&
	    flow_handles(w, n))
		drained = 1;
	if (drained && flow_pending(done))
		done = FLOW_DONE;
	return flow_merge(done, out);
}

/*
 * Return the state a tagless switch's case starts in: done when its one
 * expression holds only when err is non-nil or the resource is nil.
 */
static enum flow_state
flow_case_state(struct flow_walk *w, TSNode k, enum flow_state st)
{
	TSNode list = leak_field(k, "value"), e;

	if (ts_node_named_child_count(list) != 1)
		return st;
	e = ts_node_named_child(list, 0);
	if (st == FLOW_PENDING && (flow_err_test(w, e, "!=") ||
	    flow_err_call(w, e)))
		return FLOW_DONE;
	if (flow_pending(st) && flow_nil_test(w, e, "=="))
		return FLOW_DONE;
	return st;
}

/* Walk a switch, type switch or select: each case is a path. */
static enum flow_state
flow_cases(struct flow_walk *w, TSNode n, enum flow_state st, int is_select)
{
	struct flow_target *t;
	enum flow_state merged = FLOW_EXITED, c;
	uint32_t i, count = ts_node_named_child_count(n);
	int has_default = 0;
	TSNode k;

	for (i = 0; i < count; i++) {
		k = ts_node_named_child(n, i);
		if (leak_is(k, "expression_case") || leak_is(k, "type_case") ||
		    leak_is(k, "communication_case") ||
		    leak_is(k, "default_case"))
			continue;
		if (leak_is(k, "comment"))
			continue;
		/* Initializer, tag value, or the type switch's alias. */
		if (leak_within(w->r->def, k))
			st = flow_stmt(w, k, st);
		else if (flow_pending(st) && flow_handles(w, k))
			st = FLOW_DONE;
	}
	t = flow_push(w, n, 0);
	if (t == NULL)
		return st;
	for (i = 0; i < count && !w->gave_up; i++) {
		k = ts_node_named_child(n, i);
		if (leak_is(k, "default_case"))
			has_default = 1;
		else if (!leak_is(k, "expression_case") &&
		    !leak_is(k, "type_case") &&
		    !leak_is(k, "communication_case"))
			continue;
		c = st;
		/* switch { case err != nil: ... } is the error path too. */
		if (leak_is(k, "expression_case") &&
		    ts_node_is_null(leak_field(n, "value")))
			c = flow_case_state(w, k, c);
		/* A select case's receive or send is part of its path. */
		if (leak_is(k, "communication_case")) {
			TSNode comm = leak_field(k, "communication");

			if (!ts_node_is_null(comm))
				c = flow_stmt(w, comm, c);
		}
		merged = flow_merge(merged, flow_block(w, k, c));
	}
	merged = flow_merge(merged, w->targets[--w->ntargets].out);
	/* A switch with no default may take no case; a select waits. */
	if (!has_default && !is_select)
		merged = flow_merge(merged, st);
	return merged;
}

/* Walk one statement from state st; return the state after it. */
static enum flow_state
flow_stmt(struct flow_walk *w, TSNode n, enum flow_state st)
{
	struct flow_target *t;
	const char *type;

	if (ts_node_is_null(n) || st == FLOW_EXITED || w->gave_up)
		return st;
	type = ts_node_type(n);
	if (strcmp(type, "block") == 0)
		return flow_block(w, n, st);
	if (strcmp(type, "if_statement") == 0)
		return flow_if(w, n, st);
	if (strcmp(type, "for_statement") == 0)
		return flow_for(w, n, st);
	if (strcmp(type, "expression_switch_statement") == 0 ||
	    strcmp(type, "type_switch_statement") == 0)
		return flow_cases(w, n, st, 0);
	if (strcmp(type, "select_statement") == 0)
		return flow_cases(w, n, st, 1);
	if (strcmp(type, "labeled_statement") == 0) {
		TSNode label = leak_field(n, "label");

		w->label = w->ctx->text + ts_node_start_byte(label);
		w->labellen = ts_node_end_byte(label) -
		    ts_node_start_byte(label);
		st = flow_stmt(w, ts_node_named_child(n, 1), st);
		w->label = NULL;
		return st;
	}
	if (strcmp(type, "goto_statement") == 0) {
		w->gave_up = 1;
		return FLOW_EXITED;
	}
	if (strcmp(type, "break_statement") == 0 ||
	    strcmp(type, "continue_statement") == 0) {
		t = flow_target(w, n, type[0] == 'c');
		if (t == NULL) {
			w->gave_up = 1;
			return FLOW_EXITED;
		}
		if (type[0] == 'c')
			t->cont = flow_merge(t->cont, st);
		else
			t->out = flow_merge(t->out, st);
		return FLOW_EXITED;
	}
	if (strcmp(type, "return_statement") == 0) {
		if (flow_pending(st) && (flow_handles(w, n) ||
		    (ts_node_named_child_count(n) == 0 &&
		    flow_named_result(w))))
			st = FLOW_DONE;
		return flow_exit(w, n, st);
	}
	/* Simple statements: the definition, a release, a hand-off. */
	if (leak_within(w->r->def, n))
		return FLOW_PENDING;
	/*
	 * A defer that mentions it is its cleanup (close(int(f.Fd())) too);
	 * a new value in the variable ends what can be said of the old one.
	 */
	if (flow_pending(st) && ((leak_is(n, "defer_statement") &&
	    flow_mentions(w, n)) || flow_assigns_var(w, n)))
		return FLOW_DONE;
	/* err now holds another call's error. */
	if (st == FLOW_PENDING && flow_assigns_err(w, n))
		st = FLOW_STALE;
	if (flow_pending(st) && flow_handles(w, n))
		return FLOW_DONE;
	if (strcmp(type, "expression_statement") == 0 &&
	    flow_terminates(w, n))
		return FLOW_EXITED;
	return st;
}

struct flow_decl {
	const struct leak_ctx *ctx;
	const char *name;
	int found;
};

/* Note a declaration of the name: a := name, a var name, a parameter. */
static int
flow_decl_visit(TSNode n, void *data)
{
	struct flow_decl *d = data;
	TSNode names;
	uint32_t i, count;

	if (d->found)
		return 0;
	if (leak_is(n, "short_var_declaration"))
		names = leak_field(n, "left");
	else if (leak_is(n, "var_spec") || leak_is(n, "parameter_declaration"))
		names = n;
	else
		return 1;
	count = ts_node_named_child_count(names);
	for (i = 0; i < count; i++)
		if (leak_is(ts_node_named_child(names, i), "identifier") &&
		    leak_text_is(d->ctx, ts_node_named_child(names, i),
		    d->name))
			d->found = 1;
	return 1;
}

/* Return whether a function declares name. */
int
flow_declared(const struct leak_ctx *ctx, TSNode func, const char *name)
{
	struct flow_decl d = { ctx, name, 0 };

	leak_walk(func, flow_decl_visit, &d);
	return d.found;
}

/* Find the body of the function holding n. */
TSNode
flow_function_body(TSNode n)
{
	n = leak_enclosing_func(n);
	return ts_node_is_null(n) ? n : leak_field(n, "body");
}

/* Walk a function body for one resource. */
int
flow_leaks(const struct leak_ctx *ctx, TSNode body,
    const struct flow_resource *r, size_t *exit_line)
{
	struct flow_walk w;
	enum flow_state end;

	if (ts_node_is_null(body))
		return 0;
	memset(&w, 0, sizeof w);
	w.ctx = ctx;
	w.r = r;
	w.func = leak_parent(body);
	/* When main returns the program ends, releasing everything. */
	if (ctx->is_main && leak_is(w.func, "function_declaration") &&
	    leak_text_is(ctx, leak_field(w.func, "name"), "main"))
		return 0;
	end = flow_block(&w, body, FLOW_INACTIVE);
	if (!w.gave_up && flow_pending(end) && !w.leaked) {
		w.leaked = 1;
		w.exit_line = ts_node_end_point(body).row + 1;
	}
	if (w.gave_up || !w.leaked)
		return 0;
	*exit_line = w.exit_line;
	return 1;
}
