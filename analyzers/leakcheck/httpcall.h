/*
 * httpcall.h - the net/http calls whose *http.Response Body the caller must
 * close, found without types, for body-not-closed and
 * defer-before-err-check; and the quick-fix helpers the two share.
 *
 * With H the file's name for net/http (no call is one when the file does
 * not import it; with a dot import, Client and DefaultClient stand alone
 * and only the methods below are recognised), a call is one when it is
 * - H.Get, H.Head, H.Post or H.PostForm: "certain";
 * - X.Do, X.Get, X.Head, X.Post or X.PostForm on any other receiver X with
 *   its value assigned as `resp, err := ...` or `resp, err = ...` (or, on
 *   a known client only, discarded as a statement of its own). This is
 *   "certain" when X is H.DefaultClient or an &H.Client{...} literal; it
 *   is a client too when X is a variable declared or assigned as one
 *   (parameter, var, :=, in the function or at package level) or a field
 *   declared H.Client or *H.Client in a struct of the package
 *   (httpcall_client). Otherwise, since cache.Get(k) and redis' c.Do(...)
 *   return (v, err) too, it only counts when the function reads the
 *   field resp.StatusCode, or resp.Body as a stream: resp.Body.Close(),
 *   resp.Body.Read(p), io.ReadAll(resp.Body), json.NewDecoder(resp.Body)
 *   and other calls named like readers (httpcall_used); a string Body
 *   (note.Body == "") is no evidence.
 */
#ifndef HEAPLENS_LEAKCHECK_HTTPCALL_H
#define HEAPLENS_LEAKCHECK_HTTPCALL_H

#include "analyzers/leakcheck.h"

/*
 * Return the file's name for net/http in buf ("http", an alias, or "" for
 * a dot import, where only method calls are recognised), or NULL when it
 * does not import it.
 */
const char *httpcall_import(const struct leak_ctx *ctx, char *buf,
    size_t size);

/*
 * What httpcall_client learnt of struct fields while checking one file:
 * whether each name is declared as a client. Zero it before the file.
 */
#define HTTPCALL_CACHE 16
struct httpcall_cache {
	char name[HTTPCALL_CACHE][64];
	int found[HTTPCALL_CACHE];
	int n;
};

struct httpcall {
	TSNode call;
	TSNode stmt;		/* its statement: := or =, or the call alone */
	TSNode resp;		/* the response's identifier ("_" too), or null */
	TSNode err;		/* the error's operand, or null */
	int certain;		/* net/http's function or a known client */
	char callee[64];	/* "http.Get", "c.Do", or ".Do" when long */
};

/*
 * Return whether call is one of the calls above in one of the shapes above,
 * filling *hc; http is the file's name for net/http. Whether a method call
 * is really HTTP is then httpcall_is_response's answer.
 */
int httpcall_match(const struct leak_ctx *ctx, const char *http, TSNode call,
    struct httpcall *hc);

/*
 * Return whether the matched call returns an *http.Response: certain, on
 * a known client (httpcall_client), or with its response read as one
 * (httpcall_used). The latter two look further, so ask only when needed.
 */
int httpcall_is_response(struct leak_ctx *ctx, const char *http,
    const struct httpcall *hc, struct httpcall_cache *cache);

/*
 * Return whether the call's receiver is declared as an *http.Client; for a
 * field, this parses the package's other files that may declare it, once
 * per field name and cache.
 */
int httpcall_client(struct leak_ctx *ctx, const char *http,
    const struct httpcall *hc, struct httpcall_cache *cache);

/* Return whether the function reads the response as one (see above). */
int httpcall_used(const struct leak_ctx *ctx, const struct httpcall *hc);

/* Return whether node mentions an identifier spelt like id. */
int httpcall_mentions(const struct leak_ctx *ctx, TSNode node, TSNode id);

/*
 * Return whether n is `if err != nil { ... }` with no initializer and no
 * else, whose block ends the path (return, panic, continue, t.Fatal ...):
 * below it, the call succeeded.
 */
int httpcall_err_check(const struct leak_ctx *ctx, TSNode n, TSNode err);

/*
 * Return the offset just past the newline that ends the line holding
 * offset at, when only blanks or a // comment follow at on it; else
 * (size_t)-1.
 */
size_t httpcall_line_after(const struct leak_ctx *ctx, size_t at);

/*
 * Return the offset of the start of n's line, when only blanks (its
 * indentation) precede n on it; else (size_t)-1.
 */
size_t httpcall_line_start(const struct leak_ctx *ctx, TSNode n);

#endif
