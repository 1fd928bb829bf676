/*
 * test-escape.c - unit tests for analyzers/escape.c: for every sample the
 * -m=2 text and the -json directory the compiler wrote agree site by site
 * and step by step; facts of samples/escapes read off both; and malformed
 * and odd inputs, which alone are written by hand.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analyzers/escape.h"
#include "unit.h"

#define ESCAPE_TEST_MAX (1u << 26)

/* A -json header line for hand-written inputs. */
#define HDR "{\"version\":0,\"package\":\"p\",\"goos\":\"linux\"," \
	"\"goarch\":\"amd64\",\"gc_version\":\"go1.19.8\"," \
	"\"file\":\"/src/a.go\"}\n"

/* A diagnostic line at line:col with a code and message. */
#define DIAG(line, col, code, msg) "{\"range\":{\"start\":{\"line\":" \
	#line ",\"character\":" #col "},\"end\":{\"line\":" #line \
	",\"character\":" #col "}},\"severity\":3,\"code\":\"" code "\"," \
	"\"source\":\"go compiler\",\"message\":\"" msg "\"}"

/* Return the part of a path after its last '/'. */
static const char *
escape_test_base(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash != NULL ? slash + 1 : path;
}

/* Read a whole file into b; return 0 or -1. */
static int
escape_test_read(const char *path, struct buf *b)
{
	char chunk[65536];
	FILE *f = fopen(path, "rb");
	size_t n;

	if (f == NULL)
		return -1;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_add(b, chunk, n);
	fclose(f);
	return 0;
}

/* Write text to path; return 0 or -1. */
static int
escape_test_write(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	size_t len = strlen(text);
	int ok;

	if (f == NULL)
		return -1;
	ok = fwrite(text, 1, len, f) == len;
	return fclose(f) == 0 && ok ? 0 : -1;
}

/* Load a file or directory, checking that it loads. */
static int
escape_test_load(const char *path, struct escape_report *r)
{
	char *cause = NULL;

	if (escape_load(path, ESCAPE_TEST_MAX, r, &cause) == 0)
		return CHECK(cause == NULL);
	CHECK_STR_EQ(cause, "(loaded)");
	unit_note("loading %s", path);
	free(cause);
	return 0;
}

/* Parse bytes, checking that they parse. */
static int
escape_test_parse(const char *name, const char *data,
    struct escape_report *r)
{
	char *cause = NULL;

	if (escape_parse(name, data, strlen(data), r, &cause) == 0)
		return CHECK(cause == NULL);
	CHECK_STR_EQ(cause, "(parsed)");
	free(cause);
	return 0;
}

/*
 * Check that data (len bytes, or SIZE_MAX for all of the string) fails to
 * parse with a cause starting with want, and leaves the report empty.
 */
static void
escape_test_fails(const char *name, const char *data, size_t len,
    const char *want)
{
	struct escape_report r;
	char *cause = NULL;

	if (len == SIZE_MAX)
		len = strlen(data);
	CHECK_INT_EQ(escape_parse(name, data, len, &r, &cause), -1);
	if (CHECK(cause != NULL) && !CHECK(strncmp(cause, want,
	    strlen(want)) == 0))
		CHECK_STR_EQ(cause, want);
	CHECK_UINT_EQ(r.n, 0);
	CHECK_NULL(r.sites);
	CHECK_NULL(r.strings);
	free(cause);
}

/* Add a site and its flow under the current test's failures. */
static void
escape_test_note(const char *side, const struct escape_site *s)
{
	size_t i;

	unit_note("%s: %s:%lld:%lld %s \"%s\"", side, s->file,
	    (long long)s->line, (long long)s->col, s->kind, s->message);
	for (i = 0; i < s->nflow; i++)
		unit_note("%s:     %s:%lld:%lld %s", side, s->flow[i].file,
		    (long long)s->flow[i].line, (long long)s->flow[i].col,
		    s->flow[i].message);
}

/* Return whether a site is one both forms report: escape, moved, leak. */
static int
escape_test_shared_kind(const struct escape_site *s)
{
	return strcmp(s->kind, "escape") == 0 ||
	    strcmp(s->kind, "moved") == 0 || strcmp(s->kind, "leak") == 0;
}

/* Order sites by base name of the file, line, column, kind, message. */
static int
escape_test_key_cmp(const struct escape_site *a, const struct escape_site *b)
{
	int c;

	if ((c = strcmp(escape_test_base(a->file),
	    escape_test_base(b->file))) != 0)
		return c;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->col != b->col)
		return a->col < b->col ? -1 : 1;
	if ((c = strcmp(a->kind, b->kind)) != 0)
		return c;
	return strcmp(a->message, b->message);
}

/* qsort() wrapper of escape_test_key_cmp() for pointers. */
static int
escape_test_ptr_cmp(const void *pa, const void *pb)
{
	return escape_test_key_cmp(*(const struct escape_site *const *)pa,
	    *(const struct escape_site *const *)pb);
}

/* Return the shared-kind sites of r by key (a new array); count in *n. */
static const struct escape_site **
escape_test_shared(const struct escape_report *r, size_t *n)
{
	const struct escape_site **v = xcalloc(r->n + 1, sizeof *v);
	size_t i;

	*n = 0;
	for (i = 0; i < r->n; i++)
		if (escape_test_shared_kind(&r->sites[i]))
			v[(*n)++] = &r->sites[i];
	qsort(v, *n, sizeof *v, escape_test_ptr_cmp);
	return v;
}

/*
 * Check that two sites of the same key have the same flow: messages in
 * order, and the same position for every "from" step. A "flow:" step has
 * no position in the text (it takes the next "from"'s), so its may differ.
 */
static int
escape_test_same_flow(const struct escape_site *t, const struct escape_site *j)
{
	const struct escape_step *a, *b;
	size_t i;

	if (t->nflow != j->nflow)
		return 0;
	for (i = 0; i < t->nflow; i++) {
		a = &t->flow[i];
		b = &j->flow[i];
		if (strcmp(a->message, b->message) != 0)
			return 0;
		if (strncmp(a->message, "from ", 5) == 0 &&
		    (a->line != b->line || a->col != b->col ||
		    strcmp(escape_test_base(a->file),
		    escape_test_base(b->file)) != 0))
			return 0;
	}
	return 1;
}

/*
 * Compare the shared sites of the text and JSON forms; every difference
 * fails, with both sides printed, but the JSON-only sites, handed back
 * (a new array) for the caller to explain.
 */
static const struct escape_site **
escape_test_agree(const char *what, const struct escape_report *text,
    const struct escape_report *json, size_t *njson_only)
{
	const struct escape_site **t, **j, **only;
	size_t nt, nj, a = 0, b = 0;
	int c;

	t = escape_test_shared(text, &nt);
	j = escape_test_shared(json, &nj);
	only = xcalloc(nj + 1, sizeof *only);
	*njson_only = 0;
	while (a < nt || b < nj) {
		c = a == nt ? 1 : b == nj ? -1 :
		    escape_test_key_cmp(t[a], j[b]);
		if (c < 0) {
			CHECK(!"a site only in the text form");
			unit_note("%s", what);
			escape_test_note("text", t[a++]);
		} else if (c > 0) {
			only[(*njson_only)++] = j[b++];
		} else {
			if (!CHECK(escape_test_same_flow(t[a], j[b]))) {
				unit_note("%s: flows differ", what);
				escape_test_note("text", t[a]);
				escape_test_note("json", j[b]);
			}
			a++;
			b++;
		}
	}
	free(t);
	free(j);
	return only;
}

/* Check every site's category and count the shared kinds. */
static void
escape_test_count(const struct escape_report *r, size_t *escape,
    size_t *moved, size_t *leak)
{
	const struct escape_site *s;
	size_t i;

	*escape = *moved = *leak = 0;
	for (i = 0; i < r->n; i++) {
		s = &r->sites[i];
		CHECK_INT_EQ(s->category, escape_kind_category(s->kind));
		*escape += strcmp(s->kind, "escape") == 0;
		*moved += strcmp(s->kind, "moved") == 0;
		*leak += strcmp(s->kind, "leak") == 0;
	}
}

/* Return source line n (1-based) of path (a new string), or NULL. */
static char *
escape_test_source_line(const char *path, int64_t n)
{
	struct buf b = BUF_INIT;
	const char *p, *end;
	char *line = NULL;

	if (escape_test_read(path, &b) == 0) {
		p = buf_str(&b);
		while (--n > 0 && p != NULL)
			if ((p = strchr(p, '\n')) != NULL)
				p++;
		if (p != NULL) {
			end = strchr(p, '\n');
			line = xstrndup(p, end ? (size_t)(end - p) : strlen(p));
		}
	}
	buf_release(&b);
	return line;
}

/*
 * Check the one kind of site only the JSON form has, and why: Go 1.19
 * turns `go f(x)` and `defer f(x)` into a call of a wrapper closure, and
 * for it logs the escape (and the companion) to -json but leaves out the
 * "escapes to heap" line of -m (escape.go: !goDeferWrapper). The -m=2
 * explanation block is there, and the source has a go or defer statement
 * at the site's column.
 */
static void
escape_test_wrapper(const char *sample, const char *text,
    const struct escape_site *s)
{
	char *block, *summary, *path, *src;
	const char *at;

	escape_test_note("wrapper", s);
	CHECK_STR_EQ(s->kind, "escape");
	CHECK_STR_EQ(s->message, "func literal escapes to heap");
	block = xasprintf("%s/%s:%lld:%lld: func literal escapes to heap:\n",
	    sample, escape_test_base(s->file), (long long)s->line,
	    (long long)s->col);
	summary = xasprintf("%s/%s:%lld:%lld: func literal escapes to heap\n",
	    sample, escape_test_base(s->file), (long long)s->line,
	    (long long)s->col);
	CHECK(strstr(text, block) != NULL);
	CHECK(strstr(text, summary) == NULL);
	path = xasprintf("samples/%s/%s", sample, escape_test_base(s->file));
	src = escape_test_source_line(path, s->line);
	if (CHECK(src != NULL) && CHECK((size_t)s->col <= strlen(src))) {
		at = src + s->col - 1;
		if (!CHECK(strncmp(at, "go ", 3) == 0 ||
		    strncmp(at, "defer ", 6) == 0))
			unit_note("%s:%lld: %s", path, (long long)s->line, src);
	}
	free(src);
	free(path);
	free(block);
	free(summary);
}

/* Count the lines of text holding infix. */
static size_t
escape_test_lines(const char *text, const char *infix)
{
	const char *p = text, *nl, *hit;
	size_t n = 0;

	while ((hit = strstr(p, infix)) != NULL) {
		n++;
		nl = strchr(hit, '\n');
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	return n;
}

/* Return the sample names under samples/artefacts, sorted (new strings). */
static char **
escape_test_samples(size_t *n)
{
	char **names = NULL;
	struct dirent *de;
	DIR *d = opendir("samples/artefacts");
	size_t i, k;
	char *tmp;

	*n = 0;
	if (!CHECK(d != NULL))
		return NULL;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		names = xrealloc(names, (*n + 1) * sizeof *names);
		names[(*n)++] = xstrdup(de->d_name);
	}
	closedir(d);
	for (i = 1; i < *n; i++)
		for (k = i; k > 0 && strcmp(names[k - 1], names[k]) > 0; k--) {
			tmp = names[k];
			names[k] = names[k - 1];
			names[k - 1] = tmp;
		}
	return names;
}

/*
 * Check that for every sample the -m=2 text and the -json directory give
 * the same escape, moved and leak sites, with the same flows, and that
 * every text site is a line of the file but for the go/defer wrappers of
 * Go 1.19, which -m=2 explains without a summary line: exactly deferloop's
 * `defer f.Close()` and service's `go srv.Serve(ln)`.
 */
static void
test_forms_agree(void)
{
	static const char *const wrappers[] = {
		"deferloop main.go:40:3", "service main.go:117:2"
	};
	struct escape_report text, json;
	const struct escape_site **only;
	struct buf raw = BUF_INIT;
	size_t nsamples, i, k, nonly, nwrappers = 0;
	size_t te, tm, tl, je, jm, jl;
	char **samples = escape_test_samples(&nsamples);
	char *path, *what;

	CHECK_UINT_EQ(nsamples, 8);
	for (i = 0; i < nsamples; i++) {
		path = xasprintf("samples/artefacts/%s/escape-m2.txt",
		    samples[i]);
		buf_reset(&raw);
		CHECK(escape_test_read(path, &raw) == 0);
		if (!escape_test_load(path, &text)) {
			free(path);
			continue;
		}
		free(path);
		path = xasprintf("samples/artefacts/%s/escape-json",
		    samples[i]);
		if (!escape_test_load(path, &json)) {
			escape_release(&text);
			free(path);
			continue;
		}
		free(path);
		CHECK_INT_EQ(text.format, ESCAPE_FORMAT_TEXT);
		CHECK_INT_EQ(json.format, ESCAPE_FORMAT_JSON);
		CHECK_STR_EQ(json.package, "main");
		CHECK(text.package != NULL && strstr(text.package,
		    samples[i]) != NULL);
		/* -m=2 notes with no -json twin are all the text skips. */
		CHECK_UINT_EQ(text.skipped, escape_test_lines(buf_str(&raw),
		    " capturing by ") + escape_test_lines(buf_str(&raw),
		    " ignoring self-assignment in "));
		CHECK_UINT_EQ(json.skipped, 0);
		escape_test_count(&text, &te, &tm, &tl);
		escape_test_count(&json, &je, &jm, &jl);
		CHECK(te > 0 && tm > 0 && tl > 0);
		what = xasprintf("sample %s: text %zu escape %zu moved %zu "
		    "leak, json %zu escape %zu moved %zu leak", samples[i], te,
		    tm, tl, je, jm, jl);
		only = escape_test_agree(what, &text, &json, &nonly);
		CHECK_UINT_EQ(nonly, 0);
		/* Every escape site of the text is a summary line of the
		 * file but the wrappers, which only have their
		 * explanation block. */
		for (k = 0; k < text.n; k++) {
			char *line;

			if (text.sites[k].category != ESCAPE_CAT_ESCAPE)
				continue;
			line = xasprintf("%s:%lld:%lld: %s\n",
			    text.sites[k].file, (long long)text.sites[k].line,
			    (long long)text.sites[k].col,
			    text.sites[k].message);

			if (strstr(buf_str(&raw), line) == NULL) {
				free(what);
				what = xasprintf("%s %s:%lld:%lld", samples[i],
				    escape_test_base(text.sites[k].file),
				    (long long)text.sites[k].line,
				    (long long)text.sites[k].col);
				if (nwrappers < ARRAY_SIZE(wrappers))
					CHECK_STR_EQ(what, wrappers[nwrappers]);
				nwrappers++;
				escape_test_wrapper(samples[i], buf_str(&raw),
				    &text.sites[k]);
			}
			free(line);
		}
		CHECK_UINT_EQ(je, te);
		CHECK_UINT_EQ(jm, tm);
		CHECK_UINT_EQ(jl, tl);
		free(what);
		free(only);
		escape_release(&text);
		escape_release(&json);
	}
	CHECK_UINT_EQ(nwrappers, ARRAY_SIZE(wrappers));
	for (i = 0; i < nsamples; i++)
		free(samples[i]);
	free(samples);
	buf_release(&raw);
}

/*
 * Check the rules no sample exercises on real Go 1.19.8 output of both
 * forms for one small package (tests/fuzz/corpus/escape/go119-rules-*, a
 * seed of the fuzzer as well), built from:
 *
 *	func both(p *int) *int { sink = p; return p }		// 6:11
 *	func content(p **int) **int { sink = *p; return p }	// 11:14
 *	func moved(p *int) **int { sink = p; return &p }	// 16:12
 *	func named(p *int) (q *int) { q = p; return }		// 21:12
 *	func mk() int { x := 0; sink = &x; return x }
 *	//go:noinline
 *	func use(v interface{}) { sinkI = v }
 *	func Mixed() { use(mk()) }				// 38:8
 *
 * (one statement a line in the real file): a result leak no shorter than
 * the heap's is dropped; a parameter moved to heap has no leak line; a
 * named result is a result; and where mk is inlined its variable x and
 * the call's ~R0 share a position and one companion, all logged with
 * code "escapes".
 */
static void
test_compiler_rules(void)
{
	static const struct {
		int64_t line;
		int64_t col;
		const char *kind;
		const char *message;
	} want[] = {
		{ 6, 11, "leak", "leaking param: p" },
		{ 11, 14, "leak", "leaking param content: p" },
		{ 11, 14, "leak", "leaking param: p to result ~r0 level=0" },
		{ 16, 12, "moved", "moved to heap: p" },
		{ 21, 12, "leak", "leaking param: p to result q level=0" },
		{ 27, 2, "moved", "moved to heap: x" },
		{ 33, 10, "leak", "leaking param: v" },
		{ 38, 8, "escape", "~R0 escapes to heap" },
		{ 38, 8, "moved", "moved to heap: x" },
	};
	static const char *const named_flow[] = {
		"parameter p leaks to q with derefs=0", "flow: q = p:",
		"from q = p (assign)"
	};
	struct escape_report r[2];
	const struct escape_site **shared, **only;
	size_t n, i, k, nonly;
	int f;

	if (!escape_test_load("tests/fuzz/corpus/escape/go119-rules-m2.txt",
	    &r[0]))
		return;
	if (!escape_test_load("tests/fuzz/corpus/escape/go119-rules.json",
	    &r[1])) {
		escape_release(&r[0]);
		return;
	}
	only = escape_test_agree("go119-rules", &r[0], &r[1], &nonly);
	CHECK_UINT_EQ(nonly, 0);
	for (k = 0; k < nonly; k++)
		escape_test_note("json only", only[k]);
	free(only);
	for (f = 0; f < 2; f++) {
		shared = escape_test_shared(&r[f], &n);
		if (CHECK_UINT_EQ(n, ARRAY_SIZE(want))) {
			for (i = 0; i < n; i++) {
				CHECK_STR_EQ(escape_test_base(shared[i]->file),
				    "rules.go");
				CHECK_INT_EQ(shared[i]->line, want[i].line);
				CHECK_INT_EQ(shared[i]->col, want[i].col);
				CHECK_STR_EQ(shared[i]->kind, want[i].kind);
				CHECK_STR_EQ(shared[i]->message,
				    want[i].message);
			}
			if (CHECK_UINT_EQ(shared[4]->nflow, 3))
				for (k = 0; k < 3; k++)
					CHECK_STR_EQ(shared[4]->flow[k].message,
					    named_flow[k]);
		}
		free(shared);
	}
	escape_release(&r[0]);
	escape_release(&r[1]);
}

/* Find the site at file (or any path ending in "/" file), or NULL. */
static const struct escape_site *
escape_test_find(const struct escape_report *r, const char *file,
    int64_t line, int64_t col, const char *kind, const char *message)
{
	const struct escape_site *s;
	size_t i, n, k = strlen(file);

	for (i = 0; i < r->n; i++) {
		s = &r->sites[i];
		n = strlen(s->file);
		if (s->line != line || s->col != col ||
		    strcmp(s->kind, kind) != 0 ||
		    strcmp(s->message, message) != 0)
			continue;
		if (strcmp(s->file, file) == 0 || (n > k &&
		    s->file[n - k - 1] == '/' &&
		    strcmp(s->file + n - k, file) == 0))
			return s;
	}
	return NULL;
}

/* Check one expected site of samples/escapes; return it or NULL. */
static const struct escape_site *
escape_test_expect(const struct escape_report *r, const char *form,
    const char *file, int64_t line, int64_t col, const char *kind,
    const char *message, const char *subject)
{
	const struct escape_site *s;

	s = escape_test_find(r, file, line, col, kind, message);
	if (!CHECK(s != NULL)) {
		unit_note("%s form: no %s:%lld:%lld %s \"%s\"", form, file,
		    (long long)line, (long long)col, kind, message);
		return NULL;
	}
	CHECK_STR_EQ(s->subject, subject);
	CHECK_INT_EQ(s->category, ESCAPE_CAT_ESCAPE);
	return s;
}

/* Count distinct lines of text ending in suffix or holding infix. */
static size_t
escape_test_grep(const char *text, const char *suffix, const char *infix)
{
	char **lines = NULL, *line;
	const char *p = text, *nl;
	size_t n = 0, distinct = 0, i, k, len;

	for (; *p != '\0'; p = nl != NULL ? nl + 1 : p + strlen(p)) {
		nl = strchr(p, '\n');
		len = nl != NULL ? (size_t)(nl - p) : strlen(p);
		line = xstrndup(p, len);
		if ((suffix != NULL && len >= strlen(suffix) &&
		    strcmp(line + len - strlen(suffix), suffix) == 0) ||
		    (infix != NULL && strstr(line, infix) != NULL)) {
			lines = xrealloc(lines, (n + 1) * sizeof *lines);
			lines[n++] = line;
		} else {
			free(line);
		}
	}
	for (i = 0; i < n; i++) {
		for (k = 0; k < i && strcmp(lines[k], lines[i]) != 0; k++)
			;
		distinct += k == i;
	}
	for (i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
	return distinct;
}

/*
 * Check what samples/README.md says of samples/escapes, in both forms:
 * the sites, e's flow, byte columns after non-ASCII text, and as many
 * sites of each kind as the text has distinct lines.
 */
static void
test_escapes_facts(void)
{
	static const struct {
		int64_t line;
		int64_t col;
		const char *message;
	} flow_e[] = {
		{ 35, 9, "flow: ~r0 = &e:" },
		{ 35, 9, "from &e (address-of)" },
		{ 35, 2, "from return &e (return)" },
	};
	static const char *const at135[] = { "*batches * batchSize", "slow",
	    "sampled", "last" };
	struct escape_report r[2];
	struct buf raw = BUF_INIT;
	const struct escape_site *s;
	const char *form;
	size_t i, e, m, l;
	char *msg, *src;
	int f;

	if (!escape_test_load("samples/artefacts/escapes/escape-m2.txt", &r[0]))
		return;
	if (!escape_test_load("samples/artefacts/escapes/escape-json",
	    &r[1])) {
		escape_release(&r[0]);
		return;
	}
	for (f = 0; f < 2; f++) {
		form = f == 0 ? "text" : "json";
		s = escape_test_expect(&r[f], form, "escapes/main.go", 34, 2,
		    "moved", "moved to heap: e", "e");
		if (s != NULL && CHECK_UINT_EQ(s->nflow, 3)) {
			for (i = 0; i < 3; i++) {
				CHECK_STR_EQ(s->flow[i].message,
				    flow_e[i].message);
				CHECK_INT_EQ(s->flow[i].line, flow_e[i].line);
				CHECK_INT_EQ(s->flow[i].col, flow_e[i].col);
			}
		}
		escape_test_expect(&r[f], form, "escapes/main.go", 72, 6,
		    "moved", "moved to heap: h", "h");
		escape_test_expect(&r[f], form, "escapes/main.go", 33, 15,
		    "leak", "leaking param content: r", "r");
		escape_test_expect(&r[f], form, "escapes/main.go", 33, 27,
		    "leak", "leaking param: when", "when");
		s = escape_test_expect(&r[f], form, "escapes/sanitize.go", 6,
		    13, "leak", "leaking param: line to result ~r0 level=0",
		    "line");
		if (s != NULL && CHECK(s->nflow > 0))
			CHECK_STR_EQ(s->flow[0].message,
			    "parameter line leaks to ~r0 with derefs=0");
		escape_test_expect(&r[f], form, "escapes/main.go", 82, 51,
		    "escape", "h.n escapes to heap", "h.n");
		for (i = 0; i < ARRAY_SIZE(at135); i++) {
			msg = xasprintf("%s escapes to heap", at135[i]);
			escape_test_expect(&r[f], form, "escapes/main.go", 135,
			    86, "escape", msg, at135[i]);
			free(msg);
		}
		escape_test_expect(&r[f], form, "escapes/main.go", 73, 12,
		    "escape", "func literal escapes to heap", "func literal");
		escape_test_expect(&r[f], form, "escapes/main.go", 81, 12,
		    "escape", "func literal escapes to heap", "func literal");
	}

	/* Byte columns: two 2-byte '·' before h.n, a 4-byte emoji at 135. */
	src = escape_test_source_line("samples/escapes/main.go", 82);
	if (CHECK(src != NULL) && CHECK(strlen(src) > 51))
		CHECK(strncmp(src + 49, "h.n", 3) == 0 &&
		    strstr(src, "\xc2\xb7") < src + 49);
	free(src);
	src = escape_test_source_line("samples/escapes/main.go", 135);
	if (CHECK(src != NULL) && CHECK(strlen(src) > 86))
		CHECK(strncmp(src + 85, "*batchSize", 10) == 0 &&
		    strstr(src, "\xf0\x9f\x93\x8a") < src + 85);
	free(src);

	/* As many sites as distinct summary lines. */
	if (CHECK(escape_test_read("samples/artefacts/escapes/escape-m2.txt",
	    &raw) == 0)) {
		escape_test_count(&r[0], &e, &m, &l);
		CHECK_UINT_EQ(e, escape_test_grep(buf_str(&raw),
		    " escapes to heap", NULL));
		CHECK_UINT_EQ(m, escape_test_grep(buf_str(&raw), NULL,
		    ": moved to heap: "));
		CHECK_UINT_EQ(l, escape_test_grep(buf_str(&raw), NULL,
		    ": leaking param"));
		CHECK_UINT_EQ(e, 29);
		CHECK_UINT_EQ(m, 4);
		CHECK_UINT_EQ(l, 6);
	}
	buf_release(&raw);
	escape_release(&r[0]);
	escape_release(&r[1]);
}

/*
 * Check file names: the JSON form's are the absolute paths of its header
 * and its file:// URIs, the text form's as go build prints them.
 */
static void
test_file_names(void)
{
	struct escape_report r[2];
	const struct escape_site *s;
	size_t i, k, n;
	int f;

	if (!escape_test_load("samples/artefacts/escapes/escape-m2.txt", &r[0]))
		return;
	if (!escape_test_load("samples/artefacts/escapes/escape-json",
	    &r[1])) {
		escape_release(&r[0]);
		return;
	}
	for (f = 0; f < 2; f++) {
		CHECK(r[f].n > 0);
		for (i = 0; i < r[f].n; i++) {
			s = &r[f].sites[i];
			n = strlen(s->file);
			if (f == 1) {
				CHECK(s->file[0] == '/');
				CHECK(strstr(s->file, "/samples/escapes/") !=
				    NULL);
			} else {
				CHECK(strncmp(s->file, "escapes/", 8) == 0);
				CHECK(strchr(s->file + 8, '/') == NULL);
			}
			for (k = 0; k < s->nflow; k++) {
				if (f == 1)
					CHECK(s->flow[k].file[0] == '/' &&
					    strstr(s->flow[k].file, "file:") ==
					    NULL);
				else
					CHECK(strncmp(s->flow[k].file,
					    "escapes/", 8) == 0);
			}
		}
	}
	s = escape_test_find(&r[0], "escapes/main.go", 34, 2, "moved",
	    "moved to heap: e");
	if (CHECK(s != NULL))
		CHECK_STR_EQ(s->file, "escapes/main.go");
	s = escape_test_find(&r[1], "escapes/main.go", 34, 2, "moved",
	    "moved to heap: e");
	if (CHECK(s != NULL) && CHECK(s->nflow > 0)) {
		n = strlen(s->file);
		CHECK(n > 24 && strcmp(s->file + n - 24,
		    "/samples/escapes/main.go") == 0);
		CHECK_STR_EQ(s->flow[0].file, s->file);
	}
	escape_release(&r[0]);
	escape_release(&r[1]);
}

/* Check malformed -json lines: each fails naming the file and line. */
static void
test_json_malformed(void)
{
	static const char trunc[] = HDR DIAG(3, 4, "nilcheck", "") "\n"
	    "{\"range\":{\"start\":{\"li";

	escape_test_fails("t.json", HDR "{\"range\":\n" DIAG(3, 4, "copy",
	    "8 bytes") "\n", SIZE_MAX, "t.json:2: invalid JSON: ");
	/* Cut short: the last line, with no newline. */
	escape_test_fails("t.json", trunc, sizeof trunc - 1,
	    "t.json:3: truncated line");
	escape_test_fails("t.json", HDR DIAG(3, 4, "nilcheck", "") "\n"
	    "{\"range\":{\"start\":{\"li\n", SIZE_MAX,
	    "t.json:3: invalid JSON: ");
	escape_test_fails("t.json", "{\"version\":1,\"file\":\"/a.go\"}\n",
	    SIZE_MAX, "t.json:1: unsupported version 1");
	escape_test_fails("t.json", "{\"package\":\"p\"}\n", SIZE_MAX,
	    "t.json:1: not a -json header (no version)");
	escape_test_fails("t.json", "{\"version\":0}\n", SIZE_MAX,
	    "t.json:1: header names no file");
	escape_test_fails("t.json", HDR "\n[1,2]\n", SIZE_MAX,
	    "t.json:3: not a JSON object");
	escape_test_fails("t.json", HDR "42\n", SIZE_MAX,
	    "t.json:2: not a JSON object");
	escape_test_fails("t.json", HDR "{\"code\":\"nilcheck\","
	    "\"message\":\"\"}\n", SIZE_MAX,
	    "t.json:2: no range.start.line and character");
	escape_test_fails("t.json", HDR "{\"range\":{\"start\":{\"line\":3,"
	    "\"character\":\"4\"}},\"code\":\"nilcheck\"}\n", SIZE_MAX,
	    "t.json:2: no range.start.line and character");
	escape_test_fails("t.json", HDR "{\"range\":{\"start\":{\"line\":3,"
	    "\"character\":4}},\"code\":7}\n", SIZE_MAX, "t.json:2: no code");
}

/* Check a header-only -json file: valid, with no site. */
static void
test_json_header_only(void)
{
	static const char *const inputs[] = { HDR, "\n" HDR "\n\n",
	    "{\"version\":0,\"package\":\"p\",\"file\":\"/src/a.go\"}" };
	struct escape_report r;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(inputs); i++) {
		if (!escape_test_parse("h.json", inputs[i], &r))
			continue;
		CHECK_INT_EQ(r.format, ESCAPE_FORMAT_JSON);
		CHECK_STR_EQ(r.package, "p");
		CHECK_UINT_EQ(r.n, 0);
		escape_release(&r);
	}
}

/*
 * Check positions beyond the compiler's int32: never wrapped, refused in
 * JSON, not a diagnostic in text; a "from" whose position is out of range
 * keeps its text and takes the site's position.
 */
static void
test_huge_positions(void)
{
	struct escape_report r;

	escape_test_fails("t.json", HDR DIAG(2147483648, 4, "nilcheck", "")
	    "\n", SIZE_MAX, "t.json:2: position 2147483648:4 out of range");
	escape_test_fails("t.json", HDR DIAG(3, -1, "nilcheck", "") "\n",
	    SIZE_MAX, "t.json:2: position 3:-1 out of range");
	escape_test_fails("t.json", HDR DIAG(99999999999999999999999, 4,
	    "nilcheck", "") "\n", SIZE_MAX, "t.json:2: invalid JSON: ");
	if (escape_test_parse("t.json", HDR DIAG(2147483647, 2147483647,
	    "nilcheck", "") "\n" DIAG(0, 0, "nilcheck", "") "\n", &r)) {
		if (CHECK_UINT_EQ(r.n, 1)) {
			CHECK_INT_EQ(r.sites[0].line, INT32_MAX);
			CHECK_INT_EQ(r.sites[0].col, INT32_MAX);
		}
		CHECK_UINT_EQ(r.skipped, 1);
		escape_release(&r);
	}
	if (escape_test_parse("t.txt",
	    "a.go:2147483648:1: x escapes to heap\n"
	    "a.go:99999999999999999999:1: y escapes to heap\n"
	    "a.go:1:0: w escapes to heap\n"
	    "a.go:2147483647:2147483647: z escapes to heap:\n"
	    "a.go:2147483647:2147483647:   flow: {heap} = z:\n"
	    "a.go:2147483647:2147483647:     from z (spill) at "
	    "a.go:99999999999:1\n"
	    "a.go:2147483647:2147483647: z escapes to heap\n", &r)) {
		CHECK_UINT_EQ(r.skipped, 3);
		if (CHECK_UINT_EQ(r.n, 1) && CHECK_UINT_EQ(r.sites[0].nflow,
		    2)) {
			CHECK_STR_EQ(r.sites[0].message, "z escapes to heap");
			CHECK_INT_EQ(r.sites[0].line, INT32_MAX);
			CHECK_STR_EQ(r.sites[0].flow[1].message,
			    "from z (spill) at a.go:99999999999:1");
			CHECK_INT_EQ(r.sites[0].flow[1].line, INT32_MAX);
			CHECK_INT_EQ(r.sites[0].flow[1].col, INT32_MAX);
		}
		escape_release(&r);
	}
}

/* Check text of program output only, and empty or blank text. */
static void
test_text_not_diagnostics(void)
{
	static const char out[] = "starting worker pool\n"
	    "# not a package, just a comment\n"
	    "<autogenerated>:1: inlining call to x\n"
	    "main.go:12: missing column\n"
	    "done in 12:30:45 \n";
	static const char *const empty[] = { "", "\n", " \r\n\t\n" };
	struct escape_report r;
	size_t i;

	escape_test_fails("out.txt", out, sizeof out - 1,
	    "out.txt: no compiler diagnostics found (expected go build "
	    "-gcflags=-m output or -json files)");
	for (i = 0; i < ARRAY_SIZE(empty); i++) {
		if (!escape_test_parse("empty.txt", empty[i], &r))
			continue;
		CHECK_INT_EQ(r.format, ESCAPE_FORMAT_TEXT);
		CHECK_UINT_EQ(r.n, 0);
		CHECK_NULL(r.package);
		escape_release(&r);
	}
}

/* Print a report's sites and flows, one per line (a new string). */
static char *
escape_test_dump(const struct escape_report *r)
{
	struct buf b = BUF_INIT;
	const struct escape_site *s;
	size_t i, k;

	buf_addf(&b, "package %s skipped %zu\n", r->package ? r->package :
	    "(none)", r->skipped);
	for (i = 0; i < r->n; i++) {
		s = &r->sites[i];
		buf_addf(&b, "%s:%lld:%lld %s %s [%s]\n", s->file,
		    (long long)s->line, (long long)s->col, s->kind,
		    s->subject ? s->subject : "-", s->message);
		for (k = 0; k < s->nflow; k++)
			buf_addf(&b, "  %s:%lld:%lld %s\n", s->flow[k].file,
			    (long long)s->flow[k].line,
			    (long long)s->flow[k].col, s->flow[k].message);
	}
	return buf_detach(&b, NULL);
}

/* Check CRLF text reads as LF text does. */
static void
test_text_crlf(void)
{
	static const char lf[] = "# example.com/a\n"
	    "a.go:3:2: e escapes to heap:\n"
	    "a.go:3:2:   flow: ~r0 = &e:\n"
	    "a.go:3:2:     from &e (address-of) at a.go:4:9\n"
	    "a.go:3:2: moved to heap: e\n"
	    "a.go:5:6: can inline f with cost 4 as: func() { }\n";
	static const char crlf[] = "# example.com/a\r\n"
	    "a.go:3:2: e escapes to heap:\r\n"
	    "a.go:3:2:   flow: ~r0 = &e:\r\n"
	    "a.go:3:2:     from &e (address-of) at a.go:4:9\r\n"
	    "a.go:3:2: moved to heap: e\r\n"
	    "a.go:5:6: can inline f with cost 4 as: func() { }\r\n";
	struct escape_report a, b;
	char *da, *db;

	if (!escape_test_parse("lf.txt", lf, &a))
		return;
	if (!escape_test_parse("crlf.txt", crlf, &b)) {
		escape_release(&a);
		return;
	}
	da = escape_test_dump(&a);
	db = escape_test_dump(&b);
	CHECK_STR_EQ(db, da);
	CHECK_STR_EQ(da, "package example.com/a skipped 0\n"
	    "a.go:3:2 moved e [moved to heap: e]\n"
	    "  a.go:4:9 flow: ~r0 = &e:\n"
	    "  a.go:4:9 from &e (address-of)\n"
	    "a.go:5:6 canInlineFunction f [can inline f with cost 4]\n");
	CHECK(strchr(db, '\r') == NULL);
	free(da);
	free(db);
	escape_release(&a);
	escape_release(&b);
}

/* Check Windows paths, whose drive letter is one more colon. */
static void
test_text_windows_path(void)
{
	static const char text[] =
	    "C:\\src\\a.go:3:4: x escapes to heap:\n"
	    "C:\\src\\a.go:3:4:   flow: {heap} = &x:\n"
	    "C:\\src\\a.go:3:4:     from &x (address-of) at C:\\src\\a.go:5:6\n"
	    "C:\\src\\a.go:3:4: moved to heap: x\n"
	    "C:\\src\\b:1:2.go:7:8: leaking param: p\n";
	struct escape_report r;
	char *d;

	if (!escape_test_parse("win.txt", text, &r))
		return;
	d = escape_test_dump(&r);
	CHECK_STR_EQ(d, "package (none) skipped 0\n"
	    "C:\\src\\a.go:3:4 moved x [moved to heap: x]\n"
	    "  C:\\src\\a.go:5:6 flow: {heap} = &x:\n"
	    "  C:\\src\\a.go:5:6 from &x (address-of)\n"
	    "C:\\src\\b:1:2.go:7:8 leak p [leaking param: p]\n");
	free(d);
	escape_release(&r);
}

/*
 * Check a "from" line without " at ", and blocks no summary line takes:
 * one at a position with no summary (a site of its own, as the go/defer
 * wrappers are), one written after its summary line (dropped).
 */
static void
test_text_blocks(void)
{
	static const char text[] =
	    "a.go:3:2: x escapes to heap:\n"
	    "a.go:3:2:   flow: {heap} = &x:\n"
	    "a.go:3:2:     from &x (address-of)\n"
	    "a.go:3:2: moved to heap: x\n"
	    "a.go:4:2: y escapes to heap:\n"
	    "a.go:4:2:   flow: {heap} = &y:\n"
	    "a.go:4:2:     from &y (address-of) at a.go:4:9\n"
	    "a.go:5:2: moved to heap: y\n"
	    "a.go:6:2: moved to heap: z\n"
	    "a.go:6:2: z escapes to heap:\n"
	    "a.go:6:2:   flow: {heap} = &z:\n"
	    "a.go:6:2:     from &z (address-of) at a.go:6:9\n"
	    "a.go:7:1:     from &w (address-of) at a.go:7:9\n";
	struct escape_report r;
	char *d;

	if (!escape_test_parse("blocks.txt", text, &r))
		return;
	d = escape_test_dump(&r);
	CHECK_STR_EQ(d, "package (none) skipped 1\n"
	    "a.go:3:2 moved x [moved to heap: x]\n"
	    "  a.go:3:2 flow: {heap} = &x:\n"
	    "  a.go:3:2 from &x (address-of)\n"
	    "a.go:4:2 escape y [y escapes to heap]\n"
	    "  a.go:4:9 flow: {heap} = &y:\n"
	    "  a.go:4:9 from &y (address-of)\n"
	    "a.go:5:2 moved y [moved to heap: y]\n"
	    "a.go:6:2 moved z [moved to heap: z]\n");
	free(d);
	escape_release(&r);
}

/* Remove a directory tree without following links. */
static void
escape_test_rmtree(const char *path)
{
	struct dirent *de;
	struct stat st;
	char *sub;
	DIR *d;

	if (lstat(path, &st) != 0)
		return;
	if (!S_ISDIR(st.st_mode)) {
		unlink(path);
		return;
	}
	if ((d = opendir(path)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (strcmp(de->d_name, ".") == 0 ||
			    strcmp(de->d_name, "..") == 0)
				continue;
			sub = xasprintf("%s/%s", path, de->d_name);
			escape_test_rmtree(sub);
			free(sub);
		}
		closedir(d);
	}
	rmdir(path);
}

/* Make a directory under dir and write files into it, NULL-ended pairs. */
static int
escape_test_tree(const char *dir, const char *const *files)
{
	char *path, *p;
	int ok = 1;

	for (; ok && files[0] != NULL; files += 2) {
		path = xasprintf("%s/%s", dir, files[0]);
		for (p = path + strlen(dir) + 1; (p = strchr(p, '/')) != NULL;
		    p++) {
			*p = '\0';
			ok &= mkdir(path, 0755) == 0 || errno == EEXIST;
			*p = '/';
		}
		ok &= escape_test_write(path, files[1]) == 0;
		free(path);
	}
	return CHECK(ok);
}

/*
 * Check a -json directory: nested package paths read in path order, the
 * package from the first, symbolic links not followed, no .json an error.
 */
static void
test_load_dir(void)
{
	static const char *const files[] = {
		"json/main/y.json", "{\"version\":0,\"package\":\"main\","
		    "\"file\":\"/src/y.go\"}\n" DIAG(5, 6, "nilcheck", "") "\n",
		"json/example.com/a/b/x.json", "{\"version\":0,\"package\":"
		    "\"example.com/a/b\",\"file\":\"/src/b/x.go\"}\n"
		    DIAG(3, 4, "isInBounds", "") "\n"
		    DIAG(3, 4, "isInBounds", "") "\n",
		"json/example.com/a/b/notes.txt", "not json\n",
		"outside/z.json", "{\"version\":0,\"package\":\"z\","
		    "\"file\":\"/src/z.go\"}\n" DIAG(1, 1, "nilcheck", "") "\n",
		"empty/readme.txt", "nothing here\n",
		NULL
	};
	struct escape_report r;
	char *dir = xstrdup("/tmp/heaplens-unit-XXXXXX");
	char *json = NULL, *link = NULL, *target = NULL, *empty = NULL;
	char *cause = NULL, *d, *want;

	if (!CHECK(mkdtemp(dir) != NULL) || !escape_test_tree(dir, files))
		goto out;
	json = xasprintf("%s/json", dir);
	empty = xasprintf("%s/empty", dir);
	target = xasprintf("%s/outside/z.json", dir);
	link = xasprintf("%s/json/main/link.json", dir);
	CHECK(symlink(target, link) == 0);
	free(link);
	link = xasprintf("%s/json/main/loop", dir);
	CHECK(symlink(json, link) == 0);
	free(link);
	link = xasprintf("%s/json/outside", dir);
	CHECK(symlink("../outside", link) == 0);

	if (escape_test_load(json, &r)) {
		CHECK_INT_EQ(r.format, ESCAPE_FORMAT_JSON);
		d = escape_test_dump(&r);
		CHECK_STR_EQ(d, "package example.com/a/b skipped 0\n"
		    "/src/b/x.go:3:4 isInBounds - [bounds check]\n"
		    "/src/y.go:5:6 nilcheck - [nil check]\n");
		free(d);
		escape_release(&r);
	}
	/* With a trailing slash, alike. */
	free(link);
	link = xasprintf("%s/", json);
	if (escape_test_load(link, &r)) {
		CHECK_UINT_EQ(r.n, 2);
		escape_release(&r);
	}

	CHECK_INT_EQ(escape_load(empty, ESCAPE_TEST_MAX, &r, &cause), -1);
	want = xasprintf("%s: no .json files (expected the directory given "
	    "to -gcflags=-json=0,DIR)", empty);
	CHECK_STR_EQ(cause, want);
	CHECK_UINT_EQ(r.n, 0);
	free(want);
	free(cause);
	cause = NULL;

	/* An error in one file fails the whole load, naming it. */
	free(link);
	link = xasprintf("%s/json/main/bad.json", dir);
	CHECK(escape_test_write(link, HDR "[]\n") == 0);
	CHECK_INT_EQ(escape_load(json, ESCAPE_TEST_MAX, &r, &cause), -1);
	want = xasprintf("%s:2: not a JSON object", link);
	CHECK_STR_EQ(cause, want);
	CHECK_UINT_EQ(r.n, 0);
	CHECK_NULL(r.package);
	free(want);
	free(cause);
	cause = NULL;
out:
	if (dir[0] != '\0')
		escape_test_rmtree(dir);
	free(dir);
	free(json);
	free(link);
	free(target);
	free(empty);
}

/* Check escape_load() on files: either form, too large, missing. */
static void
test_load_file(void)
{
	static const char *const files[] = {
		"m.txt", "a.go:3:2: moved to heap: x\n",
		"f.json", HDR DIAG(3, 4, "copy", "144 bytes") "\n",
		NULL
	};
	struct escape_report r;
	char *dir = xstrdup("/tmp/heaplens-unit-XXXXXX");
	char *path = NULL, *cause = NULL, *want;

	if (!CHECK(mkdtemp(dir) != NULL) || !escape_test_tree(dir, files))
		goto out;
	path = xasprintf("%s/m.txt", dir);
	if (escape_test_load(path, &r)) {
		CHECK_INT_EQ(r.format, ESCAPE_FORMAT_TEXT);
		if (CHECK_UINT_EQ(r.n, 1))
			CHECK_STR_EQ(r.sites[0].message, "moved to heap: x");
		escape_release(&r);
	}
	CHECK_INT_EQ(escape_load(path, 10, &r, &cause), -1);
	want = xasprintf("%s: file of 27 bytes exceeds the limit of 10 bytes",
	    path);
	CHECK_STR_EQ(cause, want);
	free(want);
	free(cause);
	cause = NULL;
	free(path);
	path = xasprintf("%s/f.json", dir);
	if (escape_test_load(path, &r)) {
		CHECK_INT_EQ(r.format, ESCAPE_FORMAT_JSON);
		if (CHECK_UINT_EQ(r.n, 1)) {
			CHECK_STR_EQ(r.sites[0].message, "copy of 144 bytes");
			CHECK_INT_EQ(r.sites[0].category, ESCAPE_CAT_OTHER);
		}
		escape_release(&r);
	}
	free(path);
	path = xasprintf("%s/missing.txt", dir);
	CHECK_INT_EQ(escape_load(path, ESCAPE_TEST_MAX, &r, &cause), -1);
	want = xasprintf("%s: %s", path, strerror(ENOENT));
	CHECK_STR_EQ(cause, want);
	free(want);
	free(cause);
out:
	if (dir[0] != '\0')
		escape_test_rmtree(dir);
	free(dir);
	free(path);
}

/* Check the categories and their names. */
static void
test_categories(void)
{
	CHECK_INT_EQ(escape_kind_category("moved"), ESCAPE_CAT_ESCAPE);
	CHECK_INT_EQ(escape_kind_category("inlineCall"), ESCAPE_CAT_INLINE);
	CHECK_INT_EQ(escape_kind_category("isSliceInBounds"),
	    ESCAPE_CAT_BOUNDS);
	CHECK_INT_EQ(escape_kind_category("nilcheck"), ESCAPE_CAT_NIL);
	CHECK_INT_EQ(escape_kind_category("copy"), ESCAPE_CAT_OTHER);
	CHECK_INT_EQ(escape_kind_category("futureCode"), ESCAPE_CAT_OTHER);
	CHECK_STR_EQ(escape_category_name(ESCAPE_CAT_ESCAPE), "escape");
	CHECK_STR_EQ(escape_category_name(ESCAPE_CAT_INLINE), "inline");
	CHECK_STR_EQ(escape_category_name(ESCAPE_CAT_BOUNDS), "bounds");
	CHECK_STR_EQ(escape_category_name(ESCAPE_CAT_NIL), "nil");
	CHECK_STR_EQ(escape_category_name(ESCAPE_CAT_OTHER), "other");
}

/*
 * Check three shapes of real Go 1.19 output of the standard library
 * (excerpts kept in the fuzz corpus) where the forms used to disagree:
 * two expressions printed alike at one position (archive/tar), a node the
 * compiler rewrote between its explanation and its summary (net/http's
 * fmt.Sprintf), and a leak through an <autogenerated> wrapper, which -m
 * does not summarise.
 */
static void
test_std_shapes(void)
{
	struct escape_report r;
	size_t i, n;

	if (escape_test_load("tests/fuzz/corpus/escape/std-tar-twin.json",
	    &r)) {
		if (CHECK_UINT_EQ(r.n, 1)) {
			CHECK_INT_EQ(r.sites[0].line, 442);
			CHECK_STR_EQ(r.sites[0].kind, "escape");
			CHECK_STR_EQ(r.sites[0].message,
			    "headerError{...} escapes to heap");
			CHECK_UINT_EQ(r.sites[0].nflow, 6);
		}
		escape_release(&r);
	}
	if (escape_test_load("tests/fuzz/corpus/escape/"
	    "std-http-rewritten-m2.txt", &r)) {
		if (CHECK_UINT_EQ(r.n, 1)) {
			CHECK_STR_EQ(r.sites[0].message, "fmt.Sprintf(\""
			    "unbuffered done channel passed in for type %T\", "
			    "wr.write) escapes to heap");
			CHECK_UINT_EQ(r.sites[0].nflow, 3);
		}
		escape_release(&r);
	}
	if (escape_test_load("tests/fuzz/corpus/escape/"
	    "std-tar-autogenerated.json", &r)) {
		for (i = 0, n = 0; i < r.n; i++)
			n += r.sites[i].category == ESCAPE_CAT_ESCAPE;
		CHECK_UINT_EQ(n, 0);
		escape_release(&r);
	}
}

const struct unit_test escape_tests[] = {
	{ "text and JSON agree on every sample", test_forms_agree },
	{ "compiler rules no sample shows", test_compiler_rules },
	{ "facts of samples/escapes", test_escapes_facts },
	{ "file names of each form", test_file_names },
	{ "malformed JSON lines", test_json_malformed },
	{ "header-only JSON", test_json_header_only },
	{ "positions beyond int32", test_huge_positions },
	{ "text that is not diagnostics", test_text_not_diagnostics },
	{ "CRLF text", test_text_crlf },
	{ "Windows paths in text", test_text_windows_path },
	{ "from without at, blocks never taken", test_text_blocks },
	{ "load a -json directory", test_load_dir },
	{ "load a file", test_load_file },
	{ "categories", test_categories },
	{ "shapes of the standard library's output", test_std_shapes },
	{ NULL, NULL }
};
