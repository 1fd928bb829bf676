/*
 * httpcall.c - recognise the net/http calls that return a response the
 * caller must close (see httpcall.h for the rule), and the line helpers of
 * their quick fixes.
 */
#include <stdio.h>
#include <string.h>

#include "analyzers/leakcheck/httpcall.h"

/* The methods of *http.Client that return a response. */
static const char *const httpcall_methods[] = {
	"Do", "Get", "Head", "Post", "PostForm", NULL
};

/* What httpcall_decl_visit looks for: declarations of a client. */
struct httpcall_decl {
	const struct leak_ctx *ctx;
	const char *http;
	char name[128];		/* the receiver's identifier or field name */
	int field;		/* look for a struct field, not a variable */
	int found;
};

/* What httpcall_dot_visit looks for: `import . "net/http"`. */
struct httpcall_dot {
	const struct leak_ctx *ctx;
	int found;
};

/* Note an import of net/http as ".". */
static int
httpcall_dot_visit(TSNode n, void *data)
{
	struct httpcall_dot *d = data;

	if (d->found || leak_is(n, "function_declaration") ||
	    leak_is(n, "method_declaration"))
		return 0;
	if (leak_is(n, "import_spec") &&
	    leak_is(leak_field(n, "name"), "dot") &&
	    leak_text_is(d->ctx, leak_field(n, "path"), "\"net/http\""))
		d->found = 1;
	return 1;
}

/* Return the file's name for net/http. */
const char *
httpcall_import(const struct leak_ctx *ctx, char *buf, size_t size)
{
	struct httpcall_dot d = { ctx, 0 };

	if (leak_import_name(ctx, "net/http", buf, size) != NULL)
		return buf;
	leak_walk(ctx->root, httpcall_dot_visit, &d);
	if (!d.found || size == 0)
		return NULL;
	buf[0] = '\0';
	return buf;
}

/* Return whether node is pkg.name, or name when pkg is "" (dot import). */
static int
httpcall_qualified(const struct leak_ctx *ctx, TSNode n, const char *pkg,
    const char *name)
{
	TSNode a, b;

	if (pkg[0] == '\0')
		return (leak_is(n, "identifier") ||
		    leak_is(n, "type_identifier")) && leak_text_is(ctx, n, name);
	if (leak_is(n, "selector_expression")) {
		a = leak_field(n, "operand");
		b = leak_field(n, "field");
	} else if (leak_is(n, "qualified_type")) {
		a = leak_field(n, "package");
		b = leak_field(n, "name");
	} else
		return 0;
	return leak_text_is(ctx, a, pkg) && leak_text_is(ctx, b, name);
}

/* Return whether a type is http.Client or *http.Client. */
static int
httpcall_client_type(const struct leak_ctx *ctx, const char *http, TSNode t)
{
	if (leak_is(t, "pointer_type"))
		t = ts_node_named_child(t, 0);
	return httpcall_qualified(ctx, t, http, "Client");
}

/* Return whether an expression is a client: &http.Client{...}, DefaultClient. */
static int
httpcall_client_value(const struct leak_ctx *ctx, const char *http, TSNode v)
{
	if (leak_is(v, "parenthesized_expression"))
		v = ts_node_named_child(v, 0);
	if (leak_is(v, "unary_expression"))
		v = leak_field(v, "operand");
	if (leak_is(v, "composite_literal"))
		return httpcall_client_type(ctx, http, leak_field(v, "type"));
	return httpcall_qualified(ctx, v, http, "DefaultClient");
}

/* Match a call. */
int
httpcall_match(const struct leak_ctx *ctx, const char *http, TSNode call,
    struct httpcall *hc)
{
	TSNode fn = leak_field(call, "function"), recv, method, list, stmt;
	TSNode left;
	int is_pkg;

	memset(hc, 0, sizeof *hc);
	if (!leak_is(fn, "selector_expression"))
		return 0;
	recv = leak_field(fn, "operand");
	method = leak_field(fn, "field");
	if (!leak_text_in(ctx, method, httpcall_methods))
		return 0;
	is_pkg = http[0] != '\0' && leak_is(recv, "identifier") &&
	    leak_text_is(ctx, recv, http);
	if (is_pkg && leak_text_is(ctx, method, "Do"))
		return 0;
	hc->call = call;
	hc->certain = is_pkg || httpcall_client_value(ctx, http, recv);
	if (leak_callee(ctx, call, hc->callee, sizeof hc->callee)[0] == '\0')
		snprintf(hc->callee, sizeof hc->callee, ".%.*s",
		    (int)(ts_node_end_byte(method) - ts_node_start_byte(method)),
		    ctx->text + ts_node_start_byte(method));
	list = leak_parent(call);
	if (leak_is(list, "expression_statement")) {
		hc->stmt = list;
		return 1;
	}
	/* resp, err := call or resp, err = call, call alone on the right. */
	if (!leak_is(list, "expression_list") ||
	    ts_node_named_child_count(list) != 1)
		return 0;
	stmt = leak_parent(list);
	if ((!leak_is(stmt, "short_var_declaration") &&
	    !leak_is(stmt, "assignment_statement")) ||
	    !ts_node_eq(leak_field(stmt, "right"), list))
		return 0;
	left = leak_field(stmt, "left");
	if (!leak_is(left, "expression_list") ||
	    ts_node_named_child_count(left) != 2 ||
	    !leak_is(ts_node_named_child(left, 0), "identifier"))
		return 0;	/* s.resp, err = ...: stored */
	hc->stmt = stmt;
	hc->resp = ts_node_named_child(left, 0);
	hc->err = ts_node_named_child(left, 1);
	return 1;
}

/* Note a declaration of the receiver as a client. */
static int
httpcall_decl_visit(TSNode n, void *data)
{
	struct httpcall_decl *d = data;
	TSNode left, right, type;
	uint32_t i, count;

	if (d->found)
		return 0;
	if (d->field) {
		if (!leak_is(n, "field_declaration"))
			return 1;
		type = leak_field(n, "type");
		count = ts_node_named_child_count(n);
		for (i = 0; i < count; i++)
			if (leak_is(ts_node_named_child(n, i),
			    "field_identifier") && leak_text_is(d->ctx,
			    ts_node_named_child(n, i), d->name) &&
			    httpcall_client_type(d->ctx, d->http, type))
				d->found = 1;
		return 0;
	}
	if (leak_is(n, "parameter_declaration") || leak_is(n, "var_spec")) {
		type = leak_field(n, "type");
		left = n;
		right = leak_field(n, "value");
	} else if (leak_is(n, "short_var_declaration") ||
	    leak_is(n, "assignment_statement")) {
		memset(&type, 0, sizeof type);
		left = leak_field(n, "left");
		right = leak_field(n, "right");
		if (ts_node_is_null(left))
			return 1;
	} else
		return 1;
	/* The names are identifiers; a var_spec's type and value are not. */
	count = ts_node_named_child_count(left);
	for (i = 0; i < count; i++) {
		if (!leak_is(ts_node_named_child(left, i), "identifier") ||
		    !leak_text_is(d->ctx, ts_node_named_child(left, i),
		    d->name))
			continue;
		if ((!ts_node_is_null(type) && httpcall_client_type(d->ctx,
		    d->http, type)) || (!ts_node_is_null(right) &&
		    httpcall_client_value(d->ctx, d->http,
		    ts_node_named_child(right, i))))
			d->found = 1;
	}
	return 1;
}

/*
 * Return whether some line of text starts, after its indentation, with
 * name and a blank or comma, and mentions Client: a field declaration
 * worth parsing the file for (`hc *http.Client`), found without parsing.
 */
static int
httpcall_may_declare(const char *text, size_t len, const char *name)
{
	size_t n = strlen(name), i = 0, end;
	const char *nl;

	while (i < len) {
		nl = memchr(text + i, '\n', len - i);
		end = nl == NULL ? len : (size_t)(nl - text);
		while (i < end && (text[i] == ' ' || text[i] == '\t'))
			i++;
		if (end - i > n && memcmp(text + i, name, n) == 0 &&
		    (text[i + n] == ' ' || text[i + n] == '\t' ||
		    text[i + n] == ',')) {
			for (; i + 6 <= end; i++)
				if (memcmp(text + i, "Client", 6) == 0)
					return 1;
		}
		i = end + 1;
	}
	return 0;
}

/*
 * Look for a client field named d->name in the package's other files,
 * parsing those that import net/http and may declare it.
 */
static void
httpcall_sibling_field(struct leak_ctx *ctx, struct httpcall_decl *d)
{
	const struct leak_sibling *files;
	const char *own = d->http;
	struct leak_ctx sib;
	TSParser *parser = NULL;
	TSTree *tree;
	char http[48];
	size_t i, n;

	files = leak_package_files(ctx, &n);
	for (i = 0; i < n && !d->found; i++) {
		if (leak_sibling_is_self(ctx, &files[i]) ||
		    strstr(files[i].text, "\"net/http\"") == NULL ||
		    !httpcall_may_declare(files[i].text, files[i].len,
		    d->name))
			continue;
		if (parser == NULL)
			parser = leak_go_parser();
		tree = ts_parser_parse_string(parser, NULL, files[i].text,
		    (uint32_t)files[i].len);
		if (tree == NULL)
			continue;
		sib = *ctx;
		sib.path = files[i].path;
		sib.text = files[i].text;
		sib.len = files[i].len;
		sib.root = ts_tree_root_node(tree);
		if (httpcall_import(&sib, http, sizeof http) != NULL) {
			d->ctx = &sib;
			d->http = http;
			leak_walk(sib.root, httpcall_decl_visit, d);
		}
		ts_tree_delete(tree);
	}
	if (parser != NULL)
		ts_parser_delete(parser);
	d->ctx = ctx;
	d->http = own;
}

/* Walk no function: fields count only in package-level struct types. */
static int
httpcall_no_function(const struct leak_ctx *ctx, TSNode decl, void *data)
{
	(void)ctx;
	(void)decl;
	(void)data;
	return 0;
}

/* Return whether a field d->name is declared as a client, asking cache. */
static int
httpcall_field_client(struct leak_ctx *ctx, struct httpcall_decl *d,
    struct httpcall_cache *cache)
{
	int i;

	for (i = 0; i < cache->n; i++)
		if (strcmp(cache->name[i], d->name) == 0)
			return cache->found[i];
	/*
	 * Package-level types only: a struct type declared inside another
	 * function is that function's business (and the memo would not see
	 * it change).
	 */
	leak_walk_file(ctx, httpcall_no_function, httpcall_decl_visit, d);
	if (!d->found)
		httpcall_sibling_field(ctx, d);
	if (cache->n < HTTPCALL_CACHE &&
	    strlen(d->name) < sizeof cache->name[0]) {
		strcpy(cache->name[cache->n], d->name);
		cache->found[cache->n++] = d->found;
	}
	return d->found;
}

/* Return whether the receiver is declared as a client. */
int
httpcall_client(struct leak_ctx *ctx, const char *http,
    const struct httpcall *hc, struct httpcall_cache *cache)
{
	TSNode recv = leak_field(leak_field(hc->call, "function"),
	    "operand"), fn, outer, top;
	struct httpcall_decl d;
	TSTreeCursor c;
	uint32_t a, b;

	if (hc->certain)
		return 1;
	memset(&d, 0, sizeof d);
	d.ctx = ctx;
	d.http = http;
	if (leak_is(recv, "selector_expression")) {
		d.field = 1;
		recv = leak_field(recv, "field");
	} else if (!leak_is(recv, "identifier"))
		return 0;	/* newClient().Do(req): unknown */
	a = ts_node_start_byte(recv);
	b = ts_node_end_byte(recv);
	if (b - a >= sizeof d.name)
		return 0;
	memcpy(d.name, ctx->text + a, b - a);
	d.name[b - a] = '\0';
	if (d.field)
		return httpcall_field_client(ctx, &d, cache);
	/* A variable: the outermost function's, or the package's. */
	outer = hc->call;
	for (fn = leak_enclosing_func(outer); !ts_node_is_null(fn);
	    fn = leak_enclosing_func(fn))
		outer = fn;
	if (!ts_node_eq(outer, hc->call))
		leak_walk(outer, httpcall_decl_visit, &d);
	/* A cursor: ts_node_named_child(root, i) costs i. */
	c = ts_tree_cursor_new(ctx->root);
	if (ts_tree_cursor_goto_first_child(&c)) do {
		top = ts_tree_cursor_current_node(&c);
		if (leak_is(top, "var_declaration"))
			leak_walk(top, httpcall_decl_visit, &d);
	} while (!d.found && ts_tree_cursor_goto_next_sibling(&c));
	ts_tree_cursor_delete(&c);
	return d.found;
}

/*
 * Return whether a selector resp.Body is read as a stream: a method called
 * on it (Close, Read), or passed to a reader (io.ReadAll, json.NewDecoder,
 * gzip.NewReader ...), which a string or []byte Body field is not.
 */
static int
httpcall_stream(const struct leak_ctx *ctx, TSNode sel)
{
	static const char *const readers[] = {
		"ReadAll", "Copy", "CopyN", "CopyBuffer", "ReadFull",
		"ReadAtLeast", "LimitReader", "TeeReader", "NewDecoder",
		"NewReader", "NewReaderSize", "NewScanner", NULL
	};
	TSNode p = leak_parent(sel), fn;

	if (leak_is(p, "selector_expression"))
		return leak_is(leak_parent(p), "call_expression") &&
		    ts_node_eq(leak_field(leak_parent(p), "function"), p);
	if (!leak_is(p, "argument_list"))
		return 0;
	fn = leak_field(leak_parent(p), "function");
	return leak_is(fn, "selector_expression") &&
	    leak_text_in(ctx, leak_field(fn, "field"), readers);
}

/*
 * Note a read of resp.Body as a stream, or of the field resp.StatusCode
 * (resty's StatusCode() is a method: its responses need no Close).
 */
static int
httpcall_used_visit(TSNode n, void *data)
{
	struct httpcall_decl *d = data;
	TSNode p = leak_parent(n), field;

	if (d->found)
		return 0;
	if (!leak_is(n, "selector_expression") ||
	    !leak_text_is(d->ctx, leak_field(n, "operand"), d->name))
		return 1;
	field = leak_field(n, "field");
	if (leak_text_is(d->ctx, field, "StatusCode"))
		d->found = !leak_is(p, "call_expression");
	else if (leak_text_is(d->ctx, field, "Body"))
		d->found = httpcall_stream(d->ctx, n);
	return 1;
}

/* Return whether the function reads the response as one. */
int
httpcall_used(const struct leak_ctx *ctx, const struct httpcall *hc)
{
	struct httpcall_decl d;
	TSNode fn = leak_enclosing_func(hc->call);
	uint32_t a, b;

	if (ts_node_is_null(fn) || ts_node_is_null(hc->resp))
		return 0;
	memset(&d, 0, sizeof d);
	d.ctx = ctx;
	a = ts_node_start_byte(hc->resp);
	b = ts_node_end_byte(hc->resp);
	if (b - a >= sizeof d.name)
		return 0;
	memcpy(d.name, ctx->text + a, b - a);
	d.name[b - a] = '\0';
	leak_walk(fn, httpcall_used_visit, &d);
	return d.found;
}

/* Return whether the call returns a response. */
int
httpcall_is_response(struct leak_ctx *ctx, const char *http,
    const struct httpcall *hc, struct httpcall_cache *cache)
{
	return hc->certain || httpcall_used(ctx, hc) ||
	    httpcall_client(ctx, http, hc, cache);
}

/* Return whether node mentions id's name. */
int
httpcall_mentions(const struct leak_ctx *ctx, TSNode node, TSNode id)
{
	uint32_t i, count;

	if (leak_is(node, "identifier"))
		return leak_same_text(ctx, node, id);
	count = ts_node_named_child_count(node);
	for (i = 0; i < count; i++)
		if (httpcall_mentions(ctx, ts_node_named_child(node, i), id))
			return 1;
	return 0;
}

/* Return whether a statement ends the path. */
static int
httpcall_ends(const struct leak_ctx *ctx, TSNode s)
{
	static const char *const enders[] = {
		"Fatal", "Fatalf", "Fatalln", "Panic", "Panicf", "Panicln",
		"Exit", "FailNow", "Goexit", "SkipNow", "Skip", "Skipf", NULL
	};
	TSNode fn;

	if (leak_is(s, "return_statement") || leak_is(s, "break_statement") ||
	    leak_is(s, "continue_statement") || leak_is(s, "goto_statement"))
		return 1;
	if (!leak_is(s, "expression_statement") ||
	    !leak_is(ts_node_named_child(s, 0), "call_expression"))
		return 0;
	fn = leak_field(ts_node_named_child(s, 0), "function");
	if (leak_is(fn, "identifier"))
		return leak_text_is(ctx, fn, "panic");
	return leak_is(fn, "selector_expression") &&
	    leak_text_in(ctx, leak_field(fn, "field"), enders);
}

/* Return whether n is an if err != nil check that ends its path. */
int
httpcall_err_check(const struct leak_ctx *ctx, TSNode n, TSNode err)
{
	TSNode cond = leak_field(n, "condition"), block, last = { 0 };
	TSNode l = leak_field(cond, "left"), r = leak_field(cond,
	    "right");
	uint32_t i;

	if (!leak_is(n, "if_statement") ||
	    !ts_node_is_null(leak_field(n, "initializer")) ||
	    !ts_node_is_null(leak_field(n, "alternative")) ||
	    !leak_is(cond, "binary_expression") ||
	    !leak_text_is(ctx, leak_field(cond, "operator"), "!="))
		return 0;
	if (!(leak_same_text(ctx, l, err) && leak_is(r, "nil")) &&
	    !(leak_same_text(ctx, r, err) && leak_is(l, "nil")))
		return 0;
	block = leak_field(n, "consequence");
	if (!leak_is(block, "block"))
		return 0;
	for (i = ts_node_named_child_count(block); i-- > 0;) {
		last = ts_node_named_child(block, i);
		if (!leak_is(last, "comment"))
			break;
	}
	return httpcall_ends(ctx, last);
}

/* Return the offset past the newline ending at's line. */
size_t
httpcall_line_after(const struct leak_ctx *ctx, size_t at)
{
	size_t i;

	for (i = at; i < ctx->len; i++) {
		if (ctx->text[i] == '\n')
			return i + 1;
		if (ctx->text[i] == '/' && i + 1 < ctx->len &&
		    ctx->text[i + 1] == '/') {
			const char *nl = memchr(ctx->text + i, '\n',
			    ctx->len - i);

			return nl == NULL ? (size_t)-1 :
			    (size_t)(nl - ctx->text) + 1;
		}
		if (ctx->text[i] != ' ' && ctx->text[i] != '\t' &&
		    ctx->text[i] != '\r')
			return (size_t)-1;
	}
	return (size_t)-1;
}

/* Return the offset of n's line's start. */
size_t
httpcall_line_start(const struct leak_ctx *ctx, TSNode n)
{
	size_t i = ts_node_start_byte(n);

	while (i > 0 && ctx->text[i - 1] != '\n') {
		if (ctx->text[i - 1] != ' ' && ctx->text[i - 1] != '\t')
			return (size_t)-1;
		i--;
	}
	return i;
}
