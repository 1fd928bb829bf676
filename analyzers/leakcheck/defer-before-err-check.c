/*
 * defer-before-err-check.c - `defer resp.Body.Close()` placed after an HTTP
 * call but before its error is checked. A defer evaluates resp.Body at
 * once: when the call fails, resp is nil and the defer statement panics.
 *
 * Flags the defer statement when, in the block of the call's statement
 * `resp, err := call` (or `=`; see httpcall.h for which calls), it follows
 * that statement and no statement between them mentions resp or err: no
 * `if err != nil`, no `if resp == nil`, nothing that could have made the
 * defer safe. Accepted: the defer after the check; a defer inside `if resp
 * != nil { ... }` or inside a func literal (which may test resp itself);
 * a helper deferred with resp as argument (defer closeBody(resp)); an error
 * discarded with `_`, where there is no check to place the defer below.
 * Assumes, without types, that a method call (c.Do, client.Get) is an HTTP
 * one since the deferred line reads its response's Body.
 *
 * Quick fix: when the first statement after the defer that mentions resp or
 * err is `if err != nil { ... return }` (no else, its block ending the
 * path), move the defer's line below that if statement, indented as the if.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzers/leakcheck/httpcall.h"
#include "protocol/util.h"

static const char *const defer_before_err_check_needles[] = {
	"\"net/http\"", NULL
};

struct defer_before_err_check {
	struct leak_ctx *ctx;
	char http[48];		/* the file's name for net/http */
	struct httpcall_cache cache;	/* client fields seen */
};

/* Return whether a statement is exactly `defer resp.Body.Close()`. */
static int
defer_before_err_check_is_close(const struct leak_ctx *ctx, TSNode s,
    TSNode resp)
{
	TSNode call = ts_node_named_child(s, 0), fn, body;

	if (!leak_is(s, "defer_statement") || !leak_is(call, "call_expression"))
		return 0;
	fn = leak_field(call, "function");
	if (!leak_is(fn, "selector_expression") || !leak_text_is(ctx,
	    leak_field(fn, "field"), "Close"))
		return 0;
	body = leak_field(fn, "operand");
	return leak_is(body, "selector_expression") && leak_text_is(ctx,
	    leak_field(body, "field"), "Body") &&
	    leak_same_text(ctx, leak_field(body, "operand"),
	    resp);
}

/* Offer to move the defer below the error check; see the top. */
static void
defer_before_err_check_fix(struct leak_ctx *ctx, const struct httpcall *hc,
    TSNode defer)
{
	TSNode s;
	size_t from, to, end;
	char *text;

	for (s = leak_next(defer); !ts_node_is_null(s);
	    s = leak_next(s))
		if (httpcall_mentions(ctx, s, hc->resp) ||
		    httpcall_mentions(ctx, s, hc->err))
			break;
	if (!httpcall_err_check(ctx, s, hc->err))
		return;
	from = httpcall_line_start(ctx, defer);
	to = httpcall_line_after(ctx, ts_node_end_byte(defer));
	if (from == (size_t)-1 || to == (size_t)-1)
		return;
	/* The defer's text, a trailing comment too, without the line end. */
	end = to - 1;
	while (end > ts_node_start_byte(defer) && (ctx->text[end - 1] == ' ' ||
	    ctx->text[end - 1] == '\t' || ctx->text[end - 1] == '\r'))
		end--;
	text = xasprintf("%.*s", (int)(end - ts_node_start_byte(defer)),
	    ctx->text + ts_node_start_byte(defer));
	/* Below the check, on its own line (the line ends as the file's). */
	if (leak_fix_line_after(ctx, "Move the defer below the error check", s,
	    text))
		leak_fix(ctx, "Move the defer below the error check", from, to,
		    "");
	free(text);
}

/* Copy a node's text into buf, cut to size. */
static const char *
defer_before_err_check_text(const struct leak_ctx *ctx, TSNode n, char *buf,
    size_t size)
{
	snprintf(buf, size, "%.*s",
	    (int)(ts_node_end_byte(n) - ts_node_start_byte(n)),
	    ctx->text + ts_node_start_byte(n));
	return buf;
}

/* Find each call's statement and look at what follows it. */
static int
defer_before_err_check_visit(TSNode n, void *data)
{
	struct defer_before_err_check *st = data;
	struct leak_ctx *ctx = st->ctx;
	struct httpcall hc;
	char resp[64], err[64];
	TSNode s;

	if (!leak_is(n, "call_expression") ||
	    !httpcall_match(ctx, st->http, n, &hc))
		return 1;
	if (ts_node_is_null(hc.resp) || leak_text_is(ctx, hc.resp, "_") ||
	    !leak_is(hc.err, "identifier") || leak_text_is(ctx, hc.err, "_"))
		return 1;
	for (s = leak_next(hc.stmt); !ts_node_is_null(s);
	    s = leak_next(s)) {
		if (defer_before_err_check_is_close(ctx, s, hc.resp)) {
			if (!httpcall_is_response(ctx, st->http, &hc,
			    &st->cache))
				break;
			defer_before_err_check_text(ctx, hc.resp, resp,
			    sizeof resp);
			defer_before_err_check_text(ctx, hc.err, err,
			    sizeof err);
			leak_report(ctx, s, "defer %s.Body.Close() comes before "
			    "%s from %s is checked: when the call fails, %s is "
			    "nil and the defer panics", resp, err, hc.callee,
			    resp);
			defer_before_err_check_fix(ctx, &hc, s);
			break;
		}
		if (httpcall_mentions(ctx, s, hc.resp) ||
		    httpcall_mentions(ctx, s, hc.err))
			break;
	}
	return 1;
}

/* Run the check. */
static void
defer_before_err_check_run(struct leak_ctx *ctx)
{
	struct defer_before_err_check st;

	memset(&st, 0, sizeof st);
	st.ctx = ctx;
	if (httpcall_import(ctx, st.http, sizeof st.http) == NULL)
		return;
	leak_walk(ctx->root, defer_before_err_check_visit, &st);
}

const struct leak_check leak_defer_before_err_check = {
	.id = "defer-before-err-check",
	.summary = "defer resp.Body.Close() before the call's error is checked",
	.severity = LEAK_WARNING,
	.needles = defer_before_err_check_needles,
	.run = defer_before_err_check_run,
};
