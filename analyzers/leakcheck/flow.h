/*
 * flow.h - "is this resource released on every path out of the function?"
 * answered on the syntax tree, for the checks of resources that must be
 * closed, stopped or cancelled (file-not-closed, body-not-closed, ...).
 *
 * The walk follows Go's structured control flow: if/else, switch, type
 * switch and select cases (each a path, plus the path that takes no case
 * when there is no default), for loops (zero or more iterations; an
 * endless `for { }` is left only by a break, its continues go round
 * again), break and continue (labelled too), return, and the calls that
 * end the program or the goroutine (panic, os.Exit, log.Fatal*, t.Fatal*,
 * runtime.Goexit).
 * A goto makes the walk give up: it then reports nothing.
 *
 * The resource is a variable defined at one node (the call's statement).
 * It counts as handled, from that point on, when it is released (a call of
 * one of the release methods on it, or of it for a cancel func; or the
 * method taken as a value to call later, t.Cleanup(f.Close)), when a
 * defer releases it, when it is returned, passed to a call, sent on a
 * channel, stored in a field, index or global, assigned to another variable,
 * or captured by a func literal: the shapes that hand the duty to someone
 * else. Paths on which the accompanying error variable is known non-nil
 * (the then-branch of `if err != nil`, `case err != nil:` of a switch with
 * no tag) need no release, nor do paths on which the resource itself is
 * known nil (the else-branch of `if v != nil` or of `if v != nil &&
 * v.Body != nil`, the then-branch of `if v == nil`, `case v == nil:`).
 * Passing the resource to one of its readers (flow_resource.readers)
 * neither releases nor hands it on.
 *
 * Optional modes, off when zeroed: a resource that releases itself when a
 * method reports the end (drain: rows.Next()), a channel that a receive
 * releases (recv_release), one of many senders' (many_senders), loops
 * that drain what they release (loop_drains), and a channel field (chan)
 * a receive from which releases the resource (recv_releases: a timer's
 * `<-t.C`), a range over it being an endless loop.
 */
#ifndef HEAPLENS_LEAKCHECK_FLOW_H
#define HEAPLENS_LEAKCHECK_FLOW_H

#include "analyzers/leakcheck.h"

struct flow_resource {
	TSNode def;		/* the defining statement */
	const char *var;	/* the resource variable ("f") */
	const char *err;	/* its error variable, or NULL */
	const char *const *release;	/* methods that release: "Close" */
	int is_func;		/* released by calling it: cancel() */
	int field_release;	/* released through a field: resp.Body.Close() */
	const char *field;	/* that field: "Body" */
	/*
	 * Methods whose false result means the resource released itself, or
	 * NULL: "Next" for *sql.Rows, closed once rows.Next() returns false.
	 * The loop `for v.Next() { }` releases it when its condition ends it
	 * (not on a break), `if !v.Next() { }` in the then-branch and
	 * `if v.Next() { } else { }` in the else-branch.
	 */
	const char *const *drain;
	/*
	 * Released by a receive from it, for a channel whose sender waits:
	 * <-v in any expression or statement (v, ok := <-v, a select case),
	 * and `for ... range v`.
	 */
	int recv_release;
	/*
	 * With recv_release, for goroutines started in a loop: a receive in
	 * a counted loop (one with a condition or range) that does not hold
	 * the definition is one of many, so it releases nothing by itself;
	 * with loop_drains the loop's end does. A return or break between
	 * leaves the other senders waiting.
	 */
	int many_senders;
	/*
	 * A loop whose clauses or body release the resource on some path (a
	 * receive in one select case) drains it: leaving the loop by its
	 * condition counts as released (breaks and returns inside do not).
	 * For channels whose senders a receive loop waits for.
	 */
	int loop_drains;
	/*
	 * Its channel field, never closed ("C" of a timer or ticker), or
	 * NULL: a "for range r.C" loop only ends by break, return or the
	 * like, as "for { }" does.
	 */
	const char *chan;
	int recv_releases;	/* a receive from chan releases it (a timer
				   that fired needs no Stop) */
	/*
	 * Calls that only read the resource ("io.ReadAll", "json.NewDecoder"),
	 * NULL-terminated, or NULL: passing it to them neither releases it
	 * nor hands it on.
	 */
	const char *const *readers;
};

/*
 * Walk the function body holding r's definition. Returns 1 when some path
 * leaves the function with the resource unreleased and not handed on, and
 * stores the line (1-based) of that exit in *exit_line (the function's
 * closing brace when it falls off the end); 0 when every path handles it or
 * the walk gave up.
 */
int flow_leaks(const struct leak_ctx *ctx, TSNode body,
    const struct flow_resource *r, size_t *exit_line);

/*
 * Return whether name is declared in a function (its parameters, results,
 * or a := or var in its body, closures' included): otherwise an assignment
 * to it stores into a variable that outlives the call.
 */
int flow_declared(const struct leak_ctx *ctx, TSNode func, const char *name);

/* Return the body of the function (declaration or literal) holding n. */
TSNode flow_function_body(TSNode n);

#endif
