/*
 * rows-not-closed.c - *sql.Rows from Query[Context] and *sql.Stmt from
 * Prepare[Context] left open on some path out of the function: open rows
 * hold their connection out of the pool until the GC finalizes them, if
 * ever, and a statement holds its prepared handles on every connection.
 *
 * Flags, in a file that imports "database/sql", a two-value assignment
 * `v, err := x.Query(...)` (QueryContext, Prepare, PrepareContext the
 * same; = as well as :=) whose v flow.c finds unreleased on a path out of
 * the function, and `_, err := x.Query(...)`, whose rows are never closed.
 * Accepted: Close or defer Close on every path, returning v, passing it to
 * a call (a helper that closes or scans it: without types all are
 * trusted), storing it, capturing it in a closure; the error path of
 * `if err != nil`. Rows close themselves once Next reports false, so the
 * normal end of `for rows.Next() { }` and the then-branch of
 * `if !rows.Next()` count as closing them (a break or return from inside
 * the loop does not).
 *
 * Assumes, without a type checker, that the call is database/sql's only
 * when the file shows it: v is used like rows (Next, Scan, Columns,
 * ColumnTypes, NextResultSet, Close called on it) or like a statement
 * (Exec, Query, QueryRow and their Context forms, Close), or the receiver
 * x (or the field it ends in) is declared in the file as *sql.DB, *sql.Tx,
 * *sql.Conn or *sql.Stmt, or assigned from sql.Open / sql.OpenDB. Other
 * packages' Query methods (a GraphQL or search client's, url.Values have
 * one value) are left alone unless so used. A discarded `_` result needs
 * the receiver's declaration. Rows and statements of a transaction close
 * when it commits or rolls back, so a receiver that is a *sql.Tx (declared
 * so, from Begin/BeginTx, or committed or rolled back in the function) is
 * accepted. A nil check (`if rows != nil { rows.Close() }`) counts: nil
 * rows need no Close.
 * The one-value `x.Query()` and QueryRow (its Row closes itself) are never
 * flagged; database/sql itself does not import the package.
 */
#include <stdio.h>
#include <string.h>

#include "analyzers/leakcheck/flow.h"

static const char *const rows_not_closed_needles[] = {
	"\"database/sql\"", NULL
};
static const char *const rows_not_closed_release[] = { "Close", NULL };
static const char *const rows_not_closed_drain[] = { "Next", NULL };

/* Methods showing a variable holds rows, or a statement. */
static const char *const rows_not_closed_rows_use[] = {
	"Next", "Scan", "Columns", "ColumnTypes", "NextResultSet", "Close",
	NULL
};
static const char *const rows_not_closed_stmt_use[] = {
	"Exec", "ExecContext", "Query", "QueryContext", "QueryRow",
	"QueryRowContext", "Close", NULL
};

/* database/sql types with a Query or Prepare method. */
static const char *const rows_not_closed_handles[] = {
	"DB", "Tx", "Conn", "Stmt", NULL
};
static const char *const rows_not_closed_tx[] = { "Tx", NULL };

/* Calls whose first result is a handle or a transaction. */
static const char *const rows_not_closed_open[] = {
	"Open", "OpenDB", NULL
};
static const char *const rows_not_closed_begin[] = {
	"Begin", "BeginTx", NULL
};

/* A search of the file for evidence about a name. */
#define ROWS_NOT_CLOSED_CACHE 16

struct rows_not_closed_find {
	struct leak_ctx *ctx;
	const char *sql;		/* the import name of database/sql */
	const char *name;		/* the variable, or a field's name */
	const char *const *methods;	/* methods called on it */
	const char *const *types;	/* sql types it is declared with */
	const char *const *makers;	/* x.M(...) calls assigning it */
	int maker_is_sql;		/* makers are sql.M, not any x.M */
	int found;
	/*
	 * Answers of rows_not_closed_declared, each a walk of the file: a
	 * file of many queries asks about the same few receivers.
	 */
	struct {
		char name[64];
		const char *const *types;
		int found;
	} cache[ROWS_NOT_CLOSED_CACHE];
	int ncache;
};

/* Copy node's text into buf; return 0 when it does not fit. */
static int
rows_not_closed_copy(const struct leak_ctx *ctx, TSNode n, char *buf,
    size_t size)
{
	uint32_t a = ts_node_start_byte(n), b = ts_node_end_byte(n);

	if (b - a >= size)
		return 0;
	memcpy(buf, ctx->text + a, b - a);
	buf[b - a] = '\0';
	return 1;
}

/* Note a call name.M(...) with M one of the methods. */
static int
rows_not_closed_use_visit(TSNode n, void *data)
{
	struct rows_not_closed_find *f = data;
	TSNode fn;

	if (f->found)
		return 0;
	fn = leak_field(n, "function");
	if (!leak_is(n, "call_expression") ||
	    !leak_is(fn, "selector_expression"))
		return 1;
	if (leak_text_is(f->ctx, leak_field(fn, "operand"),
	    f->name) && leak_text_in(f->ctx,
	    leak_field(fn, "field"), f->methods))
		f->found = 1;
	return 1;
}

/* Return whether a type node is *sql.T or sql.T with T one of types. */
static int
rows_not_closed_sql_type(const struct rows_not_closed_find *f, TSNode type)
{
	if (leak_is(type, "pointer_type"))
		type = ts_node_named_child(type, 0);
	return leak_is(type, "qualified_type") &&
	    leak_text_is(f->ctx, leak_field(type, "package"),
	    f->sql) && leak_text_in(f->ctx,
	    leak_field(type, "name"), f->types);
}

/* Return whether a declaration's names (identifier children) hold name. */
static int
rows_not_closed_names(const struct rows_not_closed_find *f, TSNode decl)
{
	uint32_t i, n = ts_node_named_child_count(decl);
	TSNode c;

	for (i = 0; i < n; i++) {
		c = ts_node_named_child(decl, i);
		if ((leak_is(c, "identifier") ||
		    leak_is(c, "field_identifier")) &&
		    leak_text_is(f->ctx, c, f->name))
			return 1;
	}
	return 0;
}

/* Return whether `name, ... := x.M(...)` assigns name from a maker. */
static int
rows_not_closed_made(const struct rows_not_closed_find *f, TSNode n)
{
	TSNode left = leak_field(n, "left");
	TSNode call = ts_node_named_child(leak_field(n, "right"), 0);
	TSNode fn = leak_field(call, "function");

	if (!leak_text_is(f->ctx, ts_node_named_child(left, 0), f->name) ||
	    !leak_is(call, "call_expression") ||
	    !leak_is(fn, "selector_expression") ||
	    !leak_text_in(f->ctx, leak_field(fn, "field"),
	    f->makers))
		return 0;
	return !f->maker_is_sql || leak_text_is(f->ctx,
	    leak_field(fn, "operand"), f->sql);
}

/* Note a declaration of the name with one of the types, or from a maker. */
static int
rows_not_closed_decl_visit(TSNode n, void *data)
{
	struct rows_not_closed_find *f = data;

	if (f->found)
		return 0;
	if (leak_is(n, "var_spec") || leak_is(n, "parameter_declaration") ||
	    leak_is(n, "field_declaration")) {
		if (rows_not_closed_sql_type(f, leak_field(n,
		    "type")) && rows_not_closed_names(f, n))
			f->found = 1;
	} else if (leak_is(n, "short_var_declaration") ||
	    leak_is(n, "assignment_statement")) {
		if (f->makers != NULL && rows_not_closed_made(f, n))
			f->found = 1;
	}
	return 1;
}

/*
 * Return whether the file declares the receiver x (a name, or the field a
 * selector ends in) with one of types, or assigns it from a maker.
 */
static int
rows_not_closed_declared(struct rows_not_closed_find *f, TSNode x,
    const char *const *types, const char *const *makers, int maker_is_sql)
{
	char name[128];
	int i;

	if (leak_is(x, "selector_expression"))
		x = leak_field(x, "field");
	if ((!leak_is(x, "identifier") && !leak_is(x, "field_identifier")) ||
	    !rows_not_closed_copy(f->ctx, x, name, sizeof name))
		return 0;
	/* types says which question: makers and maker_is_sql go with it. */
	for (i = 0; i < f->ncache; i++)
		if (f->cache[i].types == types &&
		    strcmp(f->cache[i].name, name) == 0)
			return f->cache[i].found;
	f->name = name;
	f->types = types;
	f->makers = makers;
	f->maker_is_sql = maker_is_sql;
	f->found = 0;
	leak_walk(f->ctx->root, rows_not_closed_decl_visit, f);
	f->name = NULL;
	if (f->ncache < ROWS_NOT_CLOSED_CACHE &&
	    strlen(name) < sizeof f->cache[0].name) {
		strcpy(f->cache[f->ncache].name, name);
		f->cache[f->ncache].types = types;
		f->cache[f->ncache++].found = f->found;
	}
	return f->found;
}

/* Return whether the function calls x.Commit() or x.Rollback(). */
static int
rows_not_closed_ends_tx(struct rows_not_closed_find *f, TSNode func, TSNode x)
{
	static const char *const ends[] = { "Commit", "Rollback", NULL };
	char name[128];

	if (!leak_is(x, "identifier") ||
	    !rows_not_closed_copy(f->ctx, x, name, sizeof name))
		return 0;
	f->name = name;
	f->methods = ends;
	f->found = 0;
	leak_walk(func, rows_not_closed_use_visit, f);
	f->name = NULL;
	return f->found;
}

/* Return the top-level function holding n: closures share its names. */
static TSNode
rows_not_closed_top(TSNode n)
{
	TSNode top = n;

	for (; !ts_node_is_null(n); n = leak_parent(n))
		if (leak_is_func(n))
			top = n;
	return top;
}

/*
 * Return whether the call is database/sql's by the file's evidence (see
 * the top comment); var is the variable holding its result, or NULL when
 * it is discarded.
 */
static int
rows_not_closed_is_sql(struct rows_not_closed_find *f, TSNode call,
    const char *var, int is_prepare)
{
	TSNode fn = leak_field(call, "function");
	TSNode x = leak_field(fn, "operand");

	if (rows_not_closed_declared(f, x, rows_not_closed_tx,
	    rows_not_closed_begin, 0) || rows_not_closed_ends_tx(f,
	    rows_not_closed_top(call), x))
		return 0;	/* closed with the transaction */
	if (var != NULL) {
		f->name = var;
		f->methods = is_prepare ? rows_not_closed_stmt_use :
		    rows_not_closed_rows_use;
		f->found = 0;
		leak_walk(rows_not_closed_top(call), rows_not_closed_use_visit,
		    f);
		f->name = NULL;
		if (f->found)
			return 1;
	}
	return rows_not_closed_declared(f, x, rows_not_closed_handles,
	    rows_not_closed_open, 1);
}

/* Follow one `v, err := x.Query(...)` assignment. */
static void
rows_not_closed_assign(struct rows_not_closed_find *f, TSNode call,
    TSNode stmt, int is_prepare)
{
	struct leak_ctx *ctx = f->ctx;
	struct flow_resource r;
	TSNode left = leak_field(stmt, "left"), first, second, body;
	char callee[128], var[128], err[128];
	const char *what = is_prepare ? "statement" : "rows";
	size_t exit_line;

	first = ts_node_named_child(left, 0);
	second = ts_node_named_child(left, 1);
	if (!leak_is(first, "identifier"))
		return;		/* stored in a field or index: handed on */
	body = flow_function_body(stmt);
	if (ts_node_is_null(body))
		return;		/* at package level: lives with the program */
	leak_callee(ctx, call, callee, sizeof callee);
	if (callee[0] == '\0')
		snprintf(callee, sizeof callee, "%s", is_prepare ? "Prepare" :
		    "Query");
	if (leak_text_is(ctx, first, "_")) {
		if (rows_not_closed_is_sql(f, call, NULL, is_prepare))
			leak_report(ctx, call, "the %s %s "
			    "returns %s discarded: never closed, %s",
			    what, callee, is_prepare ? "is" : "are",
			    is_prepare ? "it keeps its prepared handles" :
			    "they hold their connection");
		return;
	}
	if (!rows_not_closed_copy(ctx, first, var, sizeof var) ||
	    !rows_not_closed_is_sql(f, call, var, is_prepare))
		return;
	/* v, err = x.Query() into a variable declared elsewhere: stored. */
	if (leak_is(stmt, "assignment_statement") &&
	    !flow_declared(ctx, leak_parent(body), var))
		return;
	memset(&r, 0, sizeof r);
	if (leak_is(second, "identifier") && !leak_text_is(ctx, second, "_") &&
	    rows_not_closed_copy(ctx, second, err, sizeof err))
		r.err = err;
	r.def = stmt;
	r.var = var;
	r.release = rows_not_closed_release;
	if (!is_prepare)
		r.drain = rows_not_closed_drain;
	if (flow_leaks(ctx, body, &r, &exit_line))
		leak_report(ctx, call, "%s from %s %s not "
		    "closed on every path: %s still open when the function "
		    "leaves at line %zu", var, callee,
		    is_prepare ? "is" : "are", is_prepare ? "it is" :
		    "they are", exit_line);
}

/* Find each two-value Query or Prepare call and follow its result. */
static int
rows_not_closed_visit(TSNode n, void *data)
{
	struct rows_not_closed_find *f = data;
	static const char *const queries[] = {
		"Query", "QueryContext", NULL
	};
	static const char *const prepares[] = {
		"Prepare", "PrepareContext", NULL
	};
	TSNode fn, list, stmt, field;
	int is_prepare;

	if (!leak_is(n, "call_expression"))
		return 1;
	fn = leak_field(n, "function");
	if (!leak_is(fn, "selector_expression"))
		return 1;
	field = leak_field(fn, "field");
	is_prepare = leak_text_in(f->ctx, field, prepares);
	if (!is_prepare && !leak_text_in(f->ctx, field, queries))
		return 1;
	/* The only value on the right of a two-name assignment. */
	list = leak_parent(n);
	stmt = leak_parent(list);
	if (!leak_is(list, "expression_list") ||
	    ts_node_named_child_count(list) != 1 ||
	    (!leak_is(stmt, "short_var_declaration") &&
	    !leak_is(stmt, "assignment_statement")) ||
	    !ts_node_eq(leak_field(stmt, "right"), list) ||
	    ts_node_named_child_count(leak_field(stmt, "left")) != 2)
		return 1;
	rows_not_closed_assign(f, n, stmt, is_prepare);
	return 1;
}

/* Run the check. */
static void
rows_not_closed_run(struct leak_ctx *ctx)
{
	struct rows_not_closed_find f;
	char sql[64];

	memset(&f, 0, sizeof f);
	f.ctx = ctx;
	f.sql = leak_import_name(ctx, "database/sql", sql, sizeof sql);
	if (f.sql == NULL)
		return;
	leak_walk(ctx->root, rows_not_closed_visit, &f);
}

const struct leak_check leak_rows_not_closed = {
	.id = "rows-not-closed",
	.summary = "*sql.Rows from Query or *sql.Stmt from Prepare not closed "
	    "on a path",
	.severity = LEAK_WARNING,
	.needles = rows_not_closed_needles,
	.run = rows_not_closed_run,
	.whole_file = 1,		/* receivers declared anywhere in the file */
};
