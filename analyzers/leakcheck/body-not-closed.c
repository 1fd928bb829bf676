/*
 * body-not-closed.c - an *http.Response whose Body some path out of the
 * function leaves open: the connection is neither reused nor freed, and
 * its goroutines and buffers stay until the server hangs up, if ever.
 *
 * Flags the call (see httpcall.h for which calls, without types) when its
 * response is discarded (a statement of its own, or `_, err :=` unless
 * `if err == nil` follows: a test expecting the call to fail; in a
 * _test.go file, a call whose results are all discarded is taken for a
 * probe through a fake transport and left alone), or when
 * flow.c finds a path after the error check that leaves the function with
 * resp.Body neither closed nor handed on.
 *
 * Accepted as handled: resp.Body.Close() or a defer mentioning resp on
 * every path; resp or resp.Body passed to a call (a helper of the user's
 * that closes it), returned, stored in a field, global or channel,
 * assigned to another variable, captured by a func literal; the paths on
 * which err is non-nil or resp is nil (`if resp != nil { ... }`). Passing
 * resp.Body to the standard library's readers that never close it
 * (io.ReadAll, io.Copy, json.NewDecoder, bufio.NewReader ...: see
 * body_not_closed_readers) is only a read, so `resp, _ := http.Get(u);
 * io.ReadAll(resp.Body)` is flagged, while a body decoded and closed later
 * is not. Passing resp itself to any call is trusted. Functions with a
 * goto are left alone, and main.main is not reported (see flow.h).
 *
 * Quick fix: insert "defer resp.Body.Close()" on its own line, indented as
 * the call's statement, right after the `if err != nil { ... return }` that
 * follows it, or right after the call's statement when its error is
 * discarded (and resp is never compared with nil there). No fix when the
 * statement is in a loop (the defer would pile up, see defer-in-loop),
 * when the error is checked any other way, or for a discarded response.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzers/leakcheck/flow.h"
#include "analyzers/leakcheck/httpcall.h"
#include "protocol/util.h"

static const char *const body_not_closed_needles[] = {
	"\"net/http\"", NULL
};
static const char *const body_not_closed_release[] = { "Close", NULL };

/* The standard library's calls that read a body without closing it. */
static const struct {
	const char *pkg;
	const char *func;
} body_not_closed_readers[] = {
	{ "io", "ReadAll" }, { "io", "Copy" }, { "io", "CopyN" },
	{ "io", "CopyBuffer" }, { "io", "ReadFull" }, { "io", "ReadAtLeast" },
	{ "io", "LimitReader" }, { "io", "TeeReader" },
	{ "io/ioutil", "ReadAll" }, { "encoding/json", "NewDecoder" },
	{ "encoding/xml", "NewDecoder" }, { "encoding/csv", "NewReader" },
	{ "bufio", "NewReader" }, { "bufio", "NewReaderSize" },
	{ "bufio", "NewScanner" },
};

#define BODY_NOT_CLOSED_NREADERS ARRAY_SIZE(body_not_closed_readers)

struct body_not_closed {
	struct leak_ctx *ctx;
	char http[48];				/* the file's name for net/http */
	char names[BODY_NOT_CLOSED_NREADERS][64];	/* "io.ReadAll" */
	const char *readers[BODY_NOT_CLOSED_NREADERS + 1];
	struct httpcall_cache cache;		/* client fields seen */
};

/* Collect the readers' names as the file imports their packages. */
static void
body_not_closed_init_readers(struct body_not_closed *st)
{
	char pkg[48];
	size_t i, n = 0;

	for (i = 0; i < BODY_NOT_CLOSED_NREADERS; i++) {
		if (leak_import_name(st->ctx, body_not_closed_readers[i].pkg,
		    pkg, sizeof pkg) == NULL)
			continue;
		snprintf(st->names[n], sizeof st->names[n], "%s.%s", pkg,
		    body_not_closed_readers[i].func);
		st->readers[n] = st->names[n];
		n++;
	}
	st->readers[n] = NULL;
}

/* Return whether a tree compares the variable var with nil. */
static int
body_not_closed_nil_compared(const struct leak_ctx *ctx, TSNode n,
    TSNode var)
{
	TSNode l, r;
	uint32_t i, count;

	if (leak_is(n, "binary_expression")) {
		l = leak_field(n, "left");
		r = leak_field(n, "right");
		if ((leak_same_text(ctx, l, var) && leak_is(r, "nil")) ||
		    (leak_same_text(ctx, r, var) && leak_is(l, "nil")))
			return 1;
	}
	count = ts_node_named_child_count(n);
	for (i = 0; i < count; i++)
		if (body_not_closed_nil_compared(ctx,
		    ts_node_named_child(n, i), var))
			return 1;
	return 0;
}

/* Offer "defer resp.Body.Close()" after the error check; see the top. */
static void
body_not_closed_fix(struct leak_ctx *ctx, const struct httpcall *hc,
    const char *var, int has_err)
{
	TSNode anchor = hc->stmt, next;
	char *text, *title;

	if (leak_in_loop(hc->stmt))
		return;
	if (has_err) {
		next = leak_next(hc->stmt);
		if (!httpcall_err_check(ctx, next, hc->err))
			return;
		anchor = next;
	} else if (body_not_closed_nil_compared(ctx,
	    leak_enclosing_func(hc->stmt), hc->resp))
		return;
	/* On its own line after the anchor, indented as the call's line. */
	text = xasprintf("defer %s.Body.Close()", var);
	title = xasprintf("Close the body: defer %s.Body.Close()", var);
	leak_fix_line_after(ctx, title, anchor, text);
	free(title);
	free(text);
}

/* Return whether cond is `err == nil`, or an || that tests it first. */
static int
body_not_closed_err_nil(const struct leak_ctx *ctx, TSNode cond, TSNode err)
{
	TSNode l, r, op;

	if (!leak_is(cond, "binary_expression"))
		return 0;
	l = leak_field(cond, "left");
	r = leak_field(cond, "right");
	op = leak_field(cond, "operator");
	if (leak_text_is(ctx, op, "||"))
		return body_not_closed_err_nil(ctx, l, err);
	return leak_text_is(ctx, op, "==") &&
	    ((leak_same_text(ctx, l, err) && leak_is(r, "nil")) ||
	    (leak_same_text(ctx, r, err) && leak_is(l, "nil")));
}

/*
 * Return whether a discarded response's call is expected to fail: its err
 * is tested `if err == nil` (a test's "expected an error") right away.
 */
static int
body_not_closed_expects_failure(const struct leak_ctx *ctx,
    const struct httpcall *hc)
{
	TSNode parent = leak_parent(hc->stmt), next;

	if (!leak_is(hc->err, "identifier"))
		return 0;
	if (leak_is(parent, "if_statement") && ts_node_eq(hc->stmt,
	    leak_field(parent, "initializer")))
		next = parent;
	else
		next = leak_next(hc->stmt);
	return leak_is(next, "if_statement") && body_not_closed_err_nil(ctx,
	    leak_field(next, "condition"), hc->err);
}

/*
 * Return whether the call's results are all thrown away in a test file
 * (`c.Get(u)` alone, `_, _ = c.Do(req)`): tests call through fake
 * transports for what the request looks like, and get no response.
 */
static int
body_not_closed_test_probe(const struct leak_ctx *ctx,
    const struct httpcall *hc)
{
	size_t n = strlen(ctx->path);

	if (n < 8 || strcmp(ctx->path + n - 8, "_test.go") != 0)
		return 0;
	return ts_node_is_null(hc->resp) || leak_text_is(ctx, hc->err, "_");
}

/* Copy an identifier's text into buf; return 0 when it does not fit. */
static int
body_not_closed_name(const struct leak_ctx *ctx, TSNode id, char *buf,
    size_t size)
{
	uint32_t a = ts_node_start_byte(id), b = ts_node_end_byte(id);

	if (b - a >= size)
		return 0;
	memcpy(buf, ctx->text + a, b - a);
	buf[b - a] = '\0';
	return 1;
}

/* Find each response and follow its body. */
static int
body_not_closed_visit(TSNode n, void *data)
{
	struct body_not_closed *st = data;
	struct leak_ctx *ctx = st->ctx;
	struct flow_resource r;
	struct httpcall hc;
	TSNode body;
	char var[128], err[128];
	size_t exit_line;

	if (!leak_is(n, "call_expression") ||
	    !httpcall_match(ctx, st->http, n, &hc))
		return 1;
	if (ts_node_is_null(hc.resp) || leak_text_is(ctx, hc.resp, "_")) {
		if (httpcall_client(ctx, st->http, &hc, &st->cache) &&
		    !body_not_closed_expects_failure(ctx, &hc) &&
		    !body_not_closed_test_probe(ctx, &hc))
			leak_report(ctx, n, "the response %s returns is "
			    "discarded: its body is never closed", hc.callee);
		return 1;
	}
	if (!body_not_closed_name(ctx, hc.resp, var, sizeof var))
		return 1;
	memset(&r, 0, sizeof r);
	if (leak_is(hc.err, "identifier") && !leak_text_is(ctx, hc.err, "_") &&
	    body_not_closed_name(ctx, hc.err, err, sizeof err))
		r.err = err;
	r.def = hc.stmt;
	r.var = var;
	r.release = body_not_closed_release;
	r.field_release = 1;
	r.field = "Body";
	r.readers = st->readers;
	body = flow_function_body(hc.stmt);
	if (ts_node_is_null(body))
		return 1;	/* at package level: lives with the program */
	/* resp, err = c.Do(req) into a variable declared elsewhere: stored. */
	if (leak_is(hc.stmt, "assignment_statement") &&
	    !flow_declared(ctx, leak_parent(body), var))
		return 1;
	if (!flow_leaks(ctx, body, &r, &exit_line) ||
	    !httpcall_is_response(ctx, st->http, &hc, &st->cache))
		return 1;
	leak_report(ctx, n, "%s.Body from %s is not closed on every path: it "
	    "is still open when the function leaves at line %zu", var,
	    hc.callee, exit_line);
	body_not_closed_fix(ctx, &hc, var, !leak_text_is(ctx, hc.err, "_"));
	return 1;
}

/* Run the check. */
static void
body_not_closed_run(struct leak_ctx *ctx)
{
	struct body_not_closed st;

	memset(&st, 0, sizeof st);
	st.ctx = ctx;
	if (httpcall_import(ctx, st.http, sizeof st.http) == NULL)
		return;
	body_not_closed_init_readers(&st);
	leak_walk(ctx->root, body_not_closed_visit, &st);
}

const struct leak_check leak_body_not_closed = {
	.id = "body-not-closed",
	.summary = "*http.Response Body not closed on a path",
	.severity = LEAK_WARNING,
	.needles = body_not_closed_needles,
	.run = body_not_closed_run,
};
