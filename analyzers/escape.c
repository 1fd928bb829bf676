/*
 * escape.c - read the Go compiler's escape analysis into sites: -json=0
 * files are regrouped by position and folded into what -m prints, -m=2
 * text has its explanation blocks matched to the summary lines after them.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "analyzers/escape.h"
#include "protocol/uri.h"
#include "protocol/util.h"

#define ESCAPE_NO_FILES_HINT \
	"expected the directory given to -gcflags=-json=0,DIR"
#define ESCAPE_NO_DIAGS_HINT \
	"expected go build -gcflags=-m output or -json files"

/*
 * What each compiler code becomes: its category and its -m-like message,
 * name alone or (when the compiler's message is not empty and prefix is
 * set) prefix, the compiler's message, suffix.
 */
static const struct escape_code {
	const char *code;
	enum escape_category category;
	const char *name;
	const char *prefix;
	const char *suffix;
	int subject;			/* the compiler's message names it */
} escape_codes[] = {
	{ "escape", ESCAPE_CAT_ESCAPE, NULL, NULL, NULL, 0 },
	{ "moved", ESCAPE_CAT_ESCAPE, NULL, NULL, NULL, 0 },
	{ "leak", ESCAPE_CAT_ESCAPE, "leak", "leak: ", "", 0 },
	{ "canInlineFunction", ESCAPE_CAT_INLINE, "can inline", "can inline (",
	    ")", 0 },
	{ "cannotInlineFunction", ESCAPE_CAT_INLINE, "cannot inline",
	    "cannot inline: ", "", 0 },
	{ "inlineCall", ESCAPE_CAT_INLINE, "inlining call",
	    "inlining call to ", "", 1 },
	/* Go 1.19's reason for leaving one call alone. */
	{ "cannotInlineCall", ESCAPE_CAT_INLINE, "cannot inline call",
	    "cannot inline call: ", "", 0 },
	{ "isInBounds", ESCAPE_CAT_BOUNDS, "bounds check", NULL, NULL, 0 },
	{ "isSliceInBounds", ESCAPE_CAT_BOUNDS, "slice bounds check", NULL,
	    NULL, 0 },
	{ "nilcheck", ESCAPE_CAT_NIL, "nil check", NULL, NULL, 0 },
	{ "copy", ESCAPE_CAT_OTHER, "copy", "copy of ", "", 0 }
};

static const char *const escape_category_names[] = {
	[ESCAPE_CAT_ESCAPE] = "escape",
	[ESCAPE_CAT_INLINE] = "inline",
	[ESCAPE_CAT_BOUNDS] = "bounds",
	[ESCAPE_CAT_NIL] = "nil",
	[ESCAPE_CAT_OTHER] = "other"
};

/* A report being filled, with its capacities and its string index. */
struct escape_build {
	struct escape_report *r;
	size_t asites;
	size_t astrings;
	char **slots;			/* r->strings by hash; NULL is free */
	size_t nslots;			/* a power of two, or 0 */
};

/* Steps of one explanation, before a site takes them. */
struct escape_steps {
	struct escape_step *v;
	size_t n;
	size_t alloc;
};

/* Return whether c is a blank that may surround a line's text. */
static int
escape_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Return whether the n bytes at s start with prefix. */
static int
escape_prefix(const char *s, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);

	return n >= k && memcmp(s, prefix, k) == 0;
}

/* Return whether the n bytes at s end with suffix. */
static int
escape_suffix(const char *s, size_t n, const char *suffix)
{
	size_t k = strlen(suffix);

	return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

/* Return the offset of the first needle in the n bytes at s, or SIZE_MAX. */
static size_t
escape_find(const char *s, size_t n, const char *needle)
{
	size_t k = strlen(needle), i;

	for (i = 0; i + k <= n; i++)
		if (memcmp(s + i, needle, k) == 0)
			return i;
	return SIZE_MAX;
}

/* Return the offset of the last needle in the n bytes at s, or SIZE_MAX. */
static size_t
escape_rfind(const char *s, size_t n, const char *needle)
{
	size_t k = strlen(needle), i;

	for (i = n >= k ? n - k + 1 : 0; i-- > 0;)
		if (memcmp(s + i, needle, k) == 0)
			return i;
	return SIZE_MAX;
}

/*
 * Read the n bytes at s as a decimal number no larger than INT32_MAX: the
 * compiler's lines and columns are int32, so a larger one is not its.
 */
static int
escape_number(const char *s, size_t n, int64_t *out)
{
	int64_t v = 0;
	size_t i;

	if (n == 0 || n > 10)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	if (v > INT32_MAX)
		return -1;
	*out = v;
	return 0;
}

/* Return whether a line and column can be a compiler position. */
static int
escape_position_ok(int64_t line, int64_t col)
{
	return line >= 1 && line <= INT32_MAX && col >= 1 && col <= INT32_MAX;
}

/*
 * Return whether the n bytes at s are a plain Go identifier (bytes above
 * 0x7f taken for Unicode letters): how a variable prints, where `r.agent`,
 * `~R0` or `make([]T, n)` print expressions.
 */
static int
escape_identifier(const char *s, size_t n)
{
	unsigned char c;
	size_t i;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c == '_' || c >= 0x80 || (c >= 'a' && c <= 'z') ||
		    (c >= 'A' && c <= 'Z') || (i > 0 && c >= '0' && c <= '9'))
			continue;
		return 0;
	}
	return 1;
}

/* A variable moved to heap, which the leak rules look for. */
struct escape_moved {
	const char *file;
	const char *subject;
	int64_t line;
	int64_t col;
};

/* The variables moved to heap in one input. */
struct escape_moves {
	struct escape_moved *v;
	size_t n;
	size_t alloc;
};

/* Remember a variable moved to heap; file and subject are borrowed. */
static void
escape_moves_add(struct escape_moves *m, const char *file,
    const char *subject, int64_t line, int64_t col)
{
	if (m->n == m->alloc) {
		m->alloc = m->alloc ? m->alloc * 2 : 16;
		m->v = xrealloc(m->v, m->alloc * sizeof *m->v);
	}
	m->v[m->n].file = file;
	m->v[m->n].subject = subject;
	m->v[m->n].line = line;
	m->v[m->n++].col = col;
}

/*
 * Compare a key with a moved variable by file, name and, unless the key's
 * line is 0, position: on an array sorted by all four, a search for any
 * position.
 */
static int
escape_moved_cmp(const void *pk, const void *pe)
{
	const struct escape_moved *k = pk, *e = pe;
	int c;

	if ((c = strcmp(k->file, e->file)) != 0)
		return c;
	if ((c = strcmp(k->subject, e->subject)) != 0 || k->line == 0)
		return c;
	if (k->line != e->line)
		return k->line < e->line ? -1 : 1;
	return k->col < e->col ? -1 : k->col > e->col;
}

/* Sort the moved variables for escape_moved_find(). */
static void
escape_moves_sort(struct escape_moves *m)
{
	if (m->n > 0)
		qsort(m->v, m->n, sizeof *m->v, escape_moved_cmp);
}

/*
 * Return whether a variable named subject was moved to heap in file, at
 * line:col or (line 0) anywhere.
 */
static int
escape_moved_find(const struct escape_moves *m, const char *file,
    const char *subject, int64_t line, int64_t col)
{
	struct escape_moved k;

	k.file = file;
	k.subject = subject;
	k.line = line;
	k.col = col;
	return m->n > 0 && bsearch(&k, m->v, m->n, sizeof *m->v,
	    escape_moved_cmp) != NULL;
}

/*
 * Return whether a parameter's leak destination is a result of its
 * function rather than the heap (Go's leakTo). The compiler names results
 * ~r0, ~r1, ... or by their names, and only by their names does a
 * variable print: "{heap}", "{storage for x}" and "{temp}" are heap, and
 * so is a variable moved to heap (`parameter r leaks to e` with e moved).
 * A name left is a named result, or a variable of the function around a
 * closure whose parameter it is; the second leaks through the closure's
 * storage as well, at no more derefs, so both fold alike.
 */
static int
escape_dest_result(const char *dest, const char *file,
    const struct escape_moves *m)
{
	int64_t v;

	if (strncmp(dest, "~r", 2) == 0)
		return escape_number(dest + 2, strlen(dest + 2), &v) == 0;
	return escape_identifier(dest, strlen(dest)) &&
	    !escape_moved_find(m, file, dest, 0, 0);
}

/*
 * Split "parameter P leaks to D with derefs=N" (n bytes at s) into new
 * strings P and D and the number N. Returns 0, or -1 if it is not one.
 */
static int
escape_leak_split(const char *s, size_t n, char **param, char **dest,
    int64_t *derefs)
{
	size_t to, with;

	if (!escape_prefix(s, n, "parameter "))
		return -1;
	s += 10;
	n -= 10;
	to = escape_find(s, n, " leaks to ");
	if (to == SIZE_MAX || to == 0)
		return -1;
	/* D may be "{storage for ...}" of any expression: take the last. */
	with = escape_rfind(s + to + 10, n - to - 10, " with derefs=");
	if (with == SIZE_MAX || with == 0)
		return -1;
	with += to + 10;
	if (escape_number(s + with + 13, n - with - 13, derefs) != 0)
		return -1;
	*param = xstrndup(s, to);
	*dest = xstrndup(s + to + 10, with - to - 10);
	return 0;
}

/* Hash the n bytes at s (FNV-1a). */
static size_t
escape_hash(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3ull;
	return (size_t)(h ^ (h >> 32));
}

/* Double the string index (or start it) and put every string back. */
static void
escape_rehash(struct escape_build *b)
{
	size_t i, k, mask;

	free(b->slots);
	b->nslots = b->nslots ? b->nslots * 2 : 64;
	b->slots = xcalloc(b->nslots, sizeof *b->slots);
	mask = b->nslots - 1;
	for (i = 0; i < b->r->nstrings; i++) {
		k = escape_hash(b->r->strings[i], strlen(b->r->strings[i]));
		for (k &= mask; b->slots[k] != NULL; k = (k + 1) & mask)
			;
		b->slots[k] = b->r->strings[i];
	}
}

/*
 * Return the report's copy of the n bytes at s (up to a NUL among them),
 * adding it if it is new. The report owns it; sites and steps share it.
 */
static char *
escape_intern(struct escape_build *b, const char *s, size_t n)
{
	struct escape_report *r = b->r;
	size_t k, mask;

	n = strnlen(s, n);
	if ((r->nstrings + 1) * 2 > b->nslots)
		escape_rehash(b);
	mask = b->nslots - 1;
	for (k = escape_hash(s, n) & mask; b->slots[k] != NULL;
	    k = (k + 1) & mask)
		if (strncmp(b->slots[k], s, n) == 0 && b->slots[k][n] == '\0')
			return b->slots[k];
	if (r->nstrings == b->astrings) {
		b->astrings = b->astrings ? b->astrings * 2 : 16;
		r->strings = xrealloc(r->strings,
		    b->astrings * sizeof *r->strings);
	}
	r->strings[r->nstrings++] = b->slots[k] = xstrndup(s, n);
	return b->slots[k];
}

/*
 * Append a site at file (a shared string) and return it; it takes subject
 * (or NULL) and message, new strings. The pointer lasts until the next
 * site is added.
 */
static struct escape_site *
escape_site_add(struct escape_build *b, char *file, int64_t line,
    int64_t col, const char *kind, char *subject, char *message)
{
	struct escape_report *r = b->r;
	struct escape_site *s;

	if (r->n == b->asites) {
		b->asites = b->asites ? b->asites * 2 : 32;
		r->sites = xrealloc(r->sites, b->asites * sizeof *r->sites);
	}
	s = &r->sites[r->n++];
	memset(s, 0, sizeof *s);
	s->file = file;
	s->line = line;
	s->col = col;
	s->kind = escape_intern(b, kind, strlen(kind));
	s->category = escape_kind_category(kind);
	s->subject = subject;
	s->message = message;
	return s;
}

/* Free what a site owns. */
static void
escape_site_free(struct escape_site *s)
{
	size_t i;

	for (i = 0; i < s->nflow; i++)
		free(s->flow[i].message);
	free(s->flow);
	free(s->subject);
	free(s->message);
}

/* Append a step; it takes message. Returns 0, or -1 when it is dropped. */
static int
escape_steps_add(struct escape_steps *st, char *file, int64_t line,
    int64_t col, char *message)
{
	struct escape_step *p;

	/* A site keeps no more, so an explanation need not either. */
	if (st->n >= ESCAPE_MAX_FLOW) {
		free(message);
		return -1;
	}
	if (st->n == st->alloc) {
		st->alloc = st->alloc ? st->alloc * 2 : 8;
		st->v = xrealloc(st->v, st->alloc * sizeof *st->v);
	}
	p = &st->v[st->n++];
	p->file = file;
	p->line = line;
	p->col = col;
	p->message = message;
	return 0;
}

/* Free the steps no site took. */
static void
escape_steps_release(struct escape_steps *st)
{
	size_t i;

	for (i = 0; i < st->n; i++)
		free(st->v[i].message);
	free(st->v);
	memset(st, 0, sizeof *st);
}

/*
 * Move the steps to the end of a site's flow, keeping ESCAPE_MAX_FLOW at
 * most, and leave st empty. With header (a new string, taken), first add
 * a step at the site naming the explanation, as a leak's flow has.
 */
static void
escape_flow_take(struct escape_site *s, char *header, struct escape_steps *st)
{
	size_t room, k, i;

	k = (header != NULL) + st->n;
	room = ESCAPE_MAX_FLOW - s->nflow;
	if (k > room)
		k = room;
	if (k > 0)
		s->flow = xrealloc(s->flow, (s->nflow + k) * sizeof *s->flow);
	if (header != NULL && k > 0) {
		s->flow[s->nflow].file = s->file;
		s->flow[s->nflow].line = s->line;
		s->flow[s->nflow].col = s->col;
		s->flow[s->nflow++].message = header;
		k--;
		header = NULL;
	}
	free(header);
	if (k > 0)
		memcpy(s->flow + s->nflow, st->v, k * sizeof *st->v);
	s->nflow += k;
	for (i = k; i < st->n; i++)
		free(st->v[i].message);
	free(st->v);
	memset(st, 0, sizeof *st);
}

/* Order two sites by file, line, column, kind and message. */
static int
escape_site_order(const struct escape_site *a, const struct escape_site *b)
{
	int c;

	if ((c = strcmp(a->file, b->file)) != 0)
		return c;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->col != b->col)
		return a->col < b->col ? -1 : 1;
	if ((c = strcmp(a->kind, b->kind)) != 0)
		return c;
	return strcmp(a->message, b->message);
}

/* Order pointers to sites; equal sites stay in the order they came. */
static int
escape_site_cmp(const void *pa, const void *pb)
{
	const struct escape_site *a = *(const struct escape_site *const *)pa;
	const struct escape_site *b = *(const struct escape_site *const *)pb;
	int c = escape_site_order(a, b);

	if (c != 0)
		return c;
	return (uintptr_t)a < (uintptr_t)b ? -1 : (uintptr_t)a > (uintptr_t)b;
}

/* Sort the sites and drop the duplicates, keeping the first of each. */
static void
escape_finish(struct escape_report *r)
{
	struct escape_site **order, *sites;
	size_t i, n = 0;

	if (r->n == 0)
		return;
	order = xmalloc(r->n * sizeof *order);
	for (i = 0; i < r->n; i++)
		order[i] = &r->sites[i];
	qsort(order, r->n, sizeof *order, escape_site_cmp);
	sites = xmalloc(r->n * sizeof *sites);
	for (i = 0; i < r->n; i++) {
		if (n > 0 && escape_site_order(&sites[n - 1], order[i]) == 0) {
			escape_site_free(order[i]);
			continue;
		}
		sites[n++] = *order[i];
	}
	free(order);
	free(r->sites);
	r->sites = sites;
	r->n = n;
}

/*
 * Find the next line of data from *off: its start and length without the
 * line end (LF or CRLF), and whether a newline ended it. Returns 0 at the
 * end of data.
 */
static int
escape_next_line(const char *data, size_t len, size_t *off, const char **line,
    size_t *n, int *newline)
{
	const char *p, *nl;

	if (*off >= len)
		return 0;
	p = data + *off;
	nl = memchr(p, '\n', len - *off);
	*line = p;
	*n = nl != NULL ? (size_t)(nl - p) : len - *off;
	*newline = nl != NULL;
	*off += *n + (nl != NULL);
	if (*n > 0 && p[*n - 1] == '\r')
		--*n;
	return 1;
}

/* Return whether the n bytes at s are all blanks. */
static int
escape_blank_line(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!escape_blank(s[i]))
			return 0;
	return 1;
}

/* Return the subject of "X escapes to heap" (a new string), or NULL. */
static char *
escape_subject(const char *message)
{
	size_t n = strlen(message);

	if (escape_suffix(message, n, " escapes to heap"))
		n -= 16;
	return n > 0 ? xstrndup(message, n) : NULL;
}

/* -json=0 files. */

/* One diagnostic of a -json file. */
struct escape_entry {
	int64_t line;
	int64_t col;
	size_t seq;			/* its place in the file */
	char *code;			/* shared */
	char *message;
	struct escape_steps flow;
	char *param;			/* a leak's parameter, */
	char *dest;			/* where it leaks, */
	int64_t derefs;			/* how, */
	int result;			/* and whether dest is a result */
	int generated;			/* a step is in <autogenerated> code */
};

/* The diagnostics of a -json file. */
struct escape_entries {
	struct escape_entry *v;
	size_t n;
	size_t alloc;
};

/* Read range.start of obj. Returns 0, or -1 when a number is missing. */
static int
escape_json_start(json_t *obj, int64_t *line, int64_t *col)
{
	json_t *start = json_object_get(json_object_get(obj, "range"),
	    "start");
	json_t *l = json_object_get(start, "line");
	json_t *c = json_object_get(start, "character");

	if (!json_is_integer(l) || !json_is_integer(c))
		return -1;
	*line = json_integer_value(l);
	*col = json_integer_value(c);
	return 0;
}

/*
 * Parse one line of a -json file into a new object. A last line with no
 * newline that does not parse was cut short, by a full disk or a copy.
 */
static json_t *
escape_json_load(const char *name, size_t lineno, const char *line, size_t n,
    int newline, char **cause)
{
	json_error_t err;
	json_t *v;

	v = json_loadb(line, n, JSON_DECODE_ANY, &err);
	if (v == NULL) {
		if (!newline)
			set_cause(cause, "%s:%zu: truncated line", name,
			    lineno);
		else
			set_cause(cause, "%s:%zu: invalid JSON: %s", name,
			    lineno, err.text);
		return NULL;
	}
	if (!json_is_object(v)) {
		json_decref(v);
		set_cause(cause, "%s:%zu: not a JSON object", name, lineno);
		return NULL;
	}
	return v;
}

/* Check the header line and keep its file and package. */
static int
escape_json_header(struct escape_build *b, const char *name, size_t lineno,
    json_t *v, char **file, char **cause)
{
	json_t *version = json_object_get(v, "version");
	const char *f = json_string_value(json_object_get(v, "file"));
	const char *pkg = json_string_value(json_object_get(v, "package"));

	if (!json_is_integer(version))
		return set_cause(cause, "%s:%zu: not a -json header (no "
		    "version)", name, lineno);
	if (json_integer_value(version) != 0)
		return set_cause(cause, "%s:%zu: unsupported version %lld",
		    name, lineno, (long long)json_integer_value(version));
	if (f == NULL || *f == '\0')
		return set_cause(cause, "%s:%zu: header names no file", name,
		    lineno);
	*file = escape_intern(b, f, strlen(f));
	if (pkg != NULL && b->r->package == NULL)
		b->r->package = xstrdup(pkg);
	return 0;
}

/*
 * Read a diagnostic's flow: its "escflow:" related entries, each at its
 * own location (the site's when it has none). "inlineLoc" entries say
 * where the site was inlined from: they are not steps.
 */
static void
escape_json_flow(struct escape_build *b, json_t *related, char *file,
    struct escape_entry *e)
{
	json_t *item, *loc;
	const char *msg, *uri;
	char *path, *why = NULL, *f;
	int64_t line, col;
	size_t i, n;

	if (!json_is_array(related))
		return;
	json_array_foreach(related, i, item) {
		msg = json_string_value(json_object_get(item, "message"));
		if (msg == NULL || strncmp(msg, "escflow:", 8) != 0)
			continue;
		for (msg += 8; escape_blank(*msg); msg++)
			;
		for (n = strlen(msg); n > 0 && escape_blank(msg[n - 1]); n--)
			;
		loc = json_object_get(item, "location");
		uri = json_string_value(json_object_get(loc, "uri"));
		if (uri != NULL && strstr(uri, "autogenerated") != NULL)
			e->generated = 1;
		f = file;
		if (uri == NULL || escape_json_start(loc, &line, &col) != 0 ||
		    !escape_position_ok(line, col)) {
			line = e->line;
			col = e->col;
		} else if ((path = uri_to_path(uri, &why)) != NULL) {
			f = escape_intern(b, path, strlen(path));
			free(path);
		} else {
			f = escape_intern(b, uri, strlen(uri));
			free(why);
			why = NULL;
		}
		if (escape_steps_add(&e->flow, f, line, col,
		    xstrndup(msg, n)) != 0)
			break;
	}
}

/*
 * Read a diagnostic line into a new entry; a position of 0 (the compiler's
 * "no line" or "no column", as in <autogenerated> code) is skipped.
 */
static int
escape_json_entry(struct escape_build *b, struct escape_entries *es,
    const char *name, size_t lineno, json_t *v, char *file, char **cause)
{
	struct escape_entry *e;
	const char *code, *msg;
	int64_t line, col;

	if (escape_json_start(v, &line, &col) != 0)
		return set_cause(cause, "%s:%zu: no range.start.line and "
		    "character", name, lineno);
	code = json_string_value(json_object_get(v, "code"));
	if (code == NULL)
		return set_cause(cause, "%s:%zu: no code", name, lineno);
	if (line < 0 || line > INT32_MAX || col < 0 || col > INT32_MAX)
		return set_cause(cause, "%s:%zu: position %lld:%lld out of "
		    "range", name, lineno, (long long)line, (long long)col);
	if (line == 0 || col == 0) {
		b->r->skipped++;
		return 0;
	}
	msg = json_string_value(json_object_get(v, "message"));
	if (es->n == es->alloc) {
		es->alloc = es->alloc ? es->alloc * 2 : 64;
		es->v = xrealloc(es->v, es->alloc * sizeof *es->v);
	}
	e = &es->v[es->n];
	memset(e, 0, sizeof *e);
	e->line = line;
	e->col = col;
	e->seq = es->n++;
	e->code = escape_intern(b, code, strlen(code));
	e->message = xstrdup(msg != NULL ? msg : "");
	escape_json_flow(b, json_object_get(v, "relatedInformation"), file, e);
	return 0;
}

/* Order entries by position, then file order. */
static int
escape_entry_pos_cmp(const void *pa, const void *pb)
{
	const struct escape_entry *a = pa, *b = pb;

	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->col != b->col)
		return a->col < b->col ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Order pointers to entries by message, then file order. */
static int
escape_entry_msg_cmp(const void *pa, const void *pb)
{
	const struct escape_entry *a = *(const struct escape_entry *const *)pa;
	const struct escape_entry *b = *(const struct escape_entry *const *)pb;
	int c = strcmp(a->message, b->message);

	if (c != 0)
		return c;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/*
 * Order pointers to leak entries by parameter, the heap's before the
 * results', by result, then file order: a run is one summary line.
 */
static int
escape_entry_leak_cmp(const void *pa, const void *pb)
{
	const struct escape_entry *a = *(const struct escape_entry *const *)pa;
	const struct escape_entry *b = *(const struct escape_entry *const *)pb;
	int c;

	if ((c = strcmp(a->param, b->param)) != 0)
		return c;
	if (a->result != b->result)
		return a->result - b->result;
	if (a->result && (c = strcmp(a->dest, b->dest)) != 0)
		return c;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Order string pointers. */
static int
escape_str_cmp(const void *pa, const void *pb)
{
	return strcmp(*(char *const *)pa, *(char *const *)pb);
}

/* One distinct explanation message at a position: its entries, in order. */
struct escape_expl {
	struct escape_entry **e;
	size_t n;
	int moved;
};

/* Order explanations by their first entry. */
static int
escape_expl_cmp(const void *pa, const void *pb)
{
	const struct escape_expl *a = pa, *b = pb;

	return a->e[0]->seq < b->e[0]->seq ? -1 : a->e[0]->seq > b->e[0]->seq;
}

/*
 * Decide which explanations at one position are variables moved to heap.
 * The compiler adds an empty "escape" entry, the companion, for each
 * expression that escapes and none for a variable, but nothing ties a
 * companion to its explanation. Positions are shared when a call is
 * inlined: `use(mk())` puts mk's moved x and the call's result ~R0 at
 * the call. Then the expressions are those not printed as a plain
 * identifier, and the first identifiers take the moved slots. The code
 * ("escapes" rather than "escape") does not tell: it says which pass
 * found the escape, for variables too.
 */
static void
escape_json_classify(struct escape_expl *u, size_t nu, size_t companions)
{
	const char *m;
	size_t i, n, slots;

	if (companions >= nu)
		return;
	slots = nu - companions;
	for (i = 0; i < nu && slots > 0; i++) {
		m = u[i].e[0]->message;
		n = strlen(m);
		if (companions > 0 && (!escape_suffix(m, n,
		    " escapes to heap") || !escape_identifier(m, n - 16)))
			continue;
		u[i].moved = 1;
		slots--;
	}
}

/*
 * Turn the escape explanations (expl, sorted by message) and companions
 * at one position, e's, into sites, and remember the variables moved.
 */
static void
escape_json_escapes(struct escape_build *b, char *file,
    const struct escape_entry *e, struct escape_entry **expl, size_t n,
    size_t companions, struct escape_moves *moves)
{
	struct escape_expl *u = xcalloc(n + 1, sizeof *u);
	struct escape_site *s;
	size_t nu = 0, i, j, k;
	char *subject;

	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && strcmp(expl[j]->message,
		    expl[i]->message) == 0; j++)
			;
		u[nu].e = expl + i;
		u[nu++].n = j - i;
	}
	if (nu > 0)
		qsort(u, nu, sizeof *u, escape_expl_cmp);
	escape_json_classify(u, nu, companions);
	for (i = 0; i < nu; i++) {
		subject = escape_subject(u[i].e[0]->message);
		if (u[i].moved) {
			s = escape_site_add(b, file, e->line, e->col, "moved",
			    subject, xasprintf("moved to heap: %s",
			    subject != NULL ? subject : ""));
			if (subject != NULL)
				escape_moves_add(moves, file, subject,
				    e->line, e->col);
		} else {
			s = escape_site_add(b, file, e->line, e->col,
			    "escape", subject, xstrdup(u[i].e[0]->message));
		}
		for (k = 0; k < u[i].n; k++)
			escape_flow_take(s, NULL, &u[i].e[k]->flow);
	}
	/*
	 * A companion with no explanation still says something escapes. Two
	 * expressions may print alike at one position (a composite literal
	 * and its conversion to an interface): count entries, not messages.
	 */
	if (companions > n)
		escape_site_add(b, file, e->line, e->col, "escape", NULL,
		    xstrdup("escapes to heap"));
	free(u);
}

/* Give a leak site the explanations e[0..n): each one's header, then flow. */
static void
escape_leak_flows(struct escape_site *s, struct escape_entry **e, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		escape_flow_take(s, xstrdup(e[i]->message), &e[i]->flow);
}

/*
 * Fold one parameter's leaks e[0..n) (sorted, heap first) into what -m
 * prints: the compiler keeps the fewest derefs to the heap and to each
 * result, and drops a result leak no shorter than the heap's (Go's
 * paramTag and leaks.Optimize).
 */
static void
escape_json_fold(struct escape_build *b, char *file, struct escape_entry **e,
    size_t n)
{
	struct escape_site *s;
	const char *p = e[0]->param;
	int64_t heap = -1, level;
	size_t nheap, i, j;

	for (nheap = 0; nheap < n && !e[nheap]->result; nheap++)
		if (heap < 0 || e[nheap]->derefs < heap)
			heap = e[nheap]->derefs;
	if (nheap > 0) {
		s = escape_site_add(b, file, e[0]->line, e[0]->col, "leak",
		    xstrdup(p), heap == 0 ? xasprintf("leaking param: %s", p) :
		    xasprintf("leaking param content: %s", p));
		escape_leak_flows(s, e, nheap);
	}
	for (i = nheap; i < n; i = j) {
		level = e[i]->derefs;
		for (j = i; j < n && strcmp(e[j]->dest, e[i]->dest) == 0; j++)
			if (e[j]->derefs < level)
				level = e[j]->derefs;
		if (heap >= 0 && heap <= level)
			continue;
		s = escape_site_add(b, file, e[i]->line, e[i]->col, "leak",
		    xstrdup(p), xasprintf("leaking param: %s to result %s "
		    "level=%lld", p, e[i]->dest, (long long)level));
		escape_leak_flows(s, e + i, j - i);
	}
}

/* Turn a diagnostic that is not folded with others into a site. */
static void
escape_json_other(struct escape_build *b, char *file, struct escape_entry *e)
{
	const struct escape_code *c = NULL;
	struct escape_site *s;
	const char *m = e->message;
	char *message, *subject = NULL;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(escape_codes); i++)
		if (strcmp(escape_codes[i].code, e->code) == 0)
			c = &escape_codes[i];
	if (c == NULL || c->name == NULL)
		message = *m ? xasprintf("%s: %s", e->code, m) :
		    xstrdup(e->code);
	else if (c->prefix == NULL || *m == '\0')
		message = xstrdup(c->name);
	else if (strcmp(c->code, "canInlineFunction") == 0 &&
	    strncmp(m, "cost: ", 6) == 0)
		message = xasprintf("can inline (cost %s)", m + 6);
	else
		message = xasprintf("%s%s%s", c->prefix, m, c->suffix);
	if (c != NULL && c->subject && *m != '\0')
		subject = xstrdup(m);
	s = escape_site_add(b, file, e->line, e->col, e->code, subject,
	    message);
	escape_flow_take(s, NULL, &e->flow);
}

/*
 * Return whether an entry is a leak explanation heaplens can read. Leaks
 * through the wrappers the compiler makes (<autogenerated> code: an
 * interface method's, io.Reader's Read) are left out, as -m leaves out
 * their summary: they are no line of the program's.
 */
static int
escape_json_is_leak(struct escape_entry *e)
{
	if (strcmp(e->code, "leak") != 0 || e->generated)
		return 0;
	if (e->param == NULL && escape_leak_split(e->message,
	    strlen(e->message), &e->param, &e->dest, &e->derefs) != 0)
		return 0;
	return 1;
}

/*
 * Turn the entries e[0..n), all at one position, into sites, all but the
 * leaks, which wait for every variable moved to heap to be known.
 */
static void
escape_json_group(struct escape_build *b, char *file, struct escape_entry *e,
    size_t n, struct escape_moves *moves)
{
	struct escape_entry **expl = xcalloc(n + 1, sizeof *expl);
	size_t nexpl = 0, companions = 0, i;

	for (i = 0; i < n; i++) {
		if (strcmp(e[i].code, "escape") == 0 ||
		    strcmp(e[i].code, "escapes") == 0) {
			if (e[i].message[0] == '\0')
				companions++;
			else
				expl[nexpl++] = &e[i];
		} else if (!escape_json_is_leak(&e[i]) && !e[i].generated) {
			escape_json_other(b, file, &e[i]);
		}
	}
	if (nexpl > 0)
		qsort(expl, nexpl, sizeof *expl, escape_entry_msg_cmp);
	escape_json_escapes(b, file, e, expl, nexpl, companions, moves);
	free(expl);
}

/* Fold the leaks among the entries e[0..n), all at one position. */
static void
escape_json_leaks(struct escape_build *b, char *file, struct escape_entry *e,
    size_t n, const struct escape_moves *moves)
{
	struct escape_entry **leaks = xcalloc(n + 1, sizeof *leaks);
	size_t nleaks = 0, i, j;

	for (i = 0; i < n; i++) {
		if (!escape_json_is_leak(&e[i]))
			continue;
		e[i].result = escape_dest_result(e[i].dest, file, moves);
		leaks[nleaks++] = &e[i];
	}
	if (nleaks > 0)
		qsort(leaks, nleaks, sizeof *leaks, escape_entry_leak_cmp);
	for (i = 0; i < nleaks; i = j) {
		for (j = i; j < nleaks && strcmp(leaks[j]->param,
		    leaks[i]->param) == 0; j++)
			;
		/* -m says only "moved to heap: p" of a parameter moved. */
		if (!escape_moved_find(moves, file, leaks[i]->param,
		    leaks[i]->line, leaks[i]->col))
			escape_json_fold(b, file, leaks + i, j - i);
	}
	free(leaks);
}

/* Free the entries. */
static void
escape_entries_release(struct escape_entries *es)
{
	size_t i;

	for (i = 0; i < es->n; i++) {
		free(es->v[i].message);
		free(es->v[i].param);
		free(es->v[i].dest);
		escape_steps_release(&es->v[i].flow);
	}
	free(es->v);
}

/* Return the end of the run of entries at the position of es->v[i]. */
static size_t
escape_entries_run(const struct escape_entries *es, size_t i)
{
	size_t j;

	for (j = i + 1; j < es->n && es->v[j].line == es->v[i].line &&
	    es->v[j].col == es->v[i].col; j++)
		;
	return j;
}

/*
 * Parse a -json file: a header line, then one diagnostic per line, read
 * whole first because the entries of one position only mean something
 * together, and a leak's destination means something only once every
 * variable moved to heap in the file is known.
 */
static int
escape_json_parse(struct escape_build *b, const char *name, const char *data,
    size_t len, char **cause)
{
	struct escape_entries es = { NULL, 0, 0 };
	struct escape_moves moves = { NULL, 0, 0 };
	const char *line;
	char *file = NULL;
	size_t off = 0, lineno = 0, n, i, j;
	int newline, rc;
	json_t *v;

	while (escape_next_line(data, len, &off, &line, &n, &newline)) {
		lineno++;
		if (escape_blank_line(line, n))
			continue;
		v = escape_json_load(name, lineno, line, n, newline, cause);
		if (v == NULL)
			goto fail;
		if (file == NULL)
			rc = escape_json_header(b, name, lineno, v, &file,
			    cause);
		else
			rc = escape_json_entry(b, &es, name, lineno, v, file,
			    cause);
		json_decref(v);
		if (rc != 0)
			goto fail;
	}
	if (es.n > 0)
		qsort(es.v, es.n, sizeof *es.v, escape_entry_pos_cmp);
	for (i = 0; i < es.n; i = j) {
		j = escape_entries_run(&es, i);
		escape_json_group(b, file, es.v + i, j - i, &moves);
	}
	escape_moves_sort(&moves);
	for (i = 0; i < es.n; i = j) {
		j = escape_entries_run(&es, i);
		escape_json_leaks(b, file, es.v + i, j - i, &moves);
	}
	free(moves.v);
	escape_entries_release(&es);
	return 0;

fail:
	escape_entries_release(&es);
	return -1;
}

/* -m and -m=2 text. */

/* An explanation block of -m=2 text: a header line and its steps. */
struct escape_block {
	char *file;			/* shared */
	int64_t line;
	int64_t col;
	size_t seq;
	char *key;			/* what a summary line takes it by */
	char *header;			/* a leak's header step, or NULL */
	char *dest;			/* a leak's destination, or NULL */
	struct escape_steps steps;
	size_t pending;			/* 1 + the flow step waiting for the
					   location of the next "from" */
	int taken;
};

/*
 * A summary line, which takes the blocks with its key: "e:X escapes to
 * heap" written before it, "l:P\nD" of a result leak, and for a heap leak
 * ("l:P") the blocks of P that no result leak takes.
 */
struct escape_claim {
	char *file;
	int64_t line;
	int64_t col;
	size_t seq;
	char *key;
	size_t site;			/* index in the report */
};

/* The state of a text parse. */
struct escape_text {
	struct escape_build *b;
	struct escape_block *blocks;
	size_t nblocks;
	size_t ablocks;
	struct escape_claim *claims;
	size_t nclaims;
	size_t aclaims;
	size_t cur;			/* 1 + the block steps go to, or 0 */
	size_t seq;			/* lines seen */
	struct escape_moves moves;
};

/* Return kind, a's n bytes and, unless b is NULL, "\n" and b's (a new key). */
static char *
escape_key(const char *kind, const char *a, size_t an, const char *b,
    size_t bn)
{
	struct buf k = BUF_INIT;

	buf_adds(&k, kind);
	buf_add(&k, a, an);
	if (b != NULL) {
		buf_addc(&k, '\n');
		buf_add(&k, b, bn);
	}
	return buf_detach(&k, NULL);
}

/*
 * Find the position of a -m line: the first ":LINE:COL:" followed by a
 * space or the end, after a path that may hold colons of its own
 * (C:\src\a.go:3:4: x). Returns 0 with the path's length and the offset
 * of the text after the colon, or -1.
 */
static int
escape_text_position(const char *s, size_t n, size_t *plen, int64_t *line,
    int64_t *col, size_t *rest)
{
	size_t i, a, c;

	for (i = 1; i < n; i++) {
		if (s[i] != ':')
			continue;
		for (a = i + 1; a < n && a - i <= 11 && s[a] >= '0' &&
		    s[a] <= '9'; a++)
			;
		if (a >= n || s[a] != ':')
			continue;
		for (c = a + 1; c < n && c - a <= 11 && s[c] >= '0' &&
		    s[c] <= '9'; c++)
			;
		if (c >= n || s[c] != ':' || (c + 1 < n && s[c + 1] != ' '))
			continue;
		if (escape_number(s + i + 1, a - i - 1, line) != 0 ||
		    escape_number(s + a + 1, c - a - 1, col) != 0 ||
		    !escape_position_ok(*line, *col))
			continue;
		*plen = i;
		*rest = c + 1;
		return 0;
	}
	return -1;
}

/*
 * Read the position ending "from x (why) at FILE:L:C" (the n bytes at s):
 * the last ":L:C", as a Windows path has colons too. Returns 0 or -1.
 */
static int
escape_text_tail_position(const char *s, size_t n, size_t *plen,
    int64_t *line, int64_t *col)
{
	int64_t l, k;
	size_t c, a;

	c = escape_rfind(s, n, ":");
	if (c == SIZE_MAX || c == 0)
		return -1;
	a = escape_rfind(s, c, ":");
	if (a == SIZE_MAX || a == 0)
		return -1;
	if (escape_number(s + a + 1, c - a - 1, &l) != 0 ||
	    escape_number(s + c + 1, n - c - 1, &k) != 0 ||
	    !escape_position_ok(l, k))
		return -1;
	*plen = a;
	*line = l;
	*col = k;
	return 0;
}

/* Start a block at a position; it takes key, header and dest (or NULL). */
static void
escape_text_block(struct escape_text *t, char *file, int64_t line,
    int64_t col, char *key, char *header, char *dest)
{
	struct escape_block *k;

	if (t->nblocks == t->ablocks) {
		t->ablocks = t->ablocks ? t->ablocks * 2 : 32;
		t->blocks = xrealloc(t->blocks,
		    t->ablocks * sizeof *t->blocks);
	}
	k = &t->blocks[t->nblocks++];
	memset(k, 0, sizeof *k);
	k->file = file;
	k->line = line;
	k->col = col;
	k->seq = t->seq;
	k->key = key;
	k->header = header;
	k->dest = dest;
	t->cur = t->nblocks;
}

/*
 * Add a "flow:" or "from" line (n bytes at s, blanks trimmed) to the block
 * it continues. A flow step has no position of its own in the text: it
 * takes that of the "from" after it, where the JSON form puts it, or the
 * block's. Returns 0, or -1 if it continues no block.
 */
static int
escape_text_step(struct escape_text *t, char *file, int64_t line,
    int64_t col, const char *s, size_t n)
{
	struct escape_block *k;
	struct escape_step *flow;
	int64_t sl = line, sc = col;
	size_t at, plen, mlen = n;
	char *sf = file;

	if (t->cur == 0)
		return -1;
	k = &t->blocks[t->cur - 1];
	if (k->file != file || k->line != line || k->col != col)
		return -1;
	if (escape_prefix(s, n, "flow:")) {
		k->pending = escape_steps_add(&k->steps, file, line, col,
		    xstrndup(s, n)) == 0 ? k->steps.n : 0;
		return 0;
	}
	if (!escape_prefix(s, n, "from "))
		return -1;
	at = escape_rfind(s, n, " at ");
	if (at != SIZE_MAX && escape_text_tail_position(s + at + 4,
	    n - at - 4, &plen, &sl, &sc) == 0) {
		sf = escape_intern(t->b, s + at + 4, plen);
		mlen = at;
	}
	if (k->pending != 0) {
		flow = &k->steps.v[k->pending - 1];
		flow->file = sf;
		flow->line = sl;
		flow->col = sc;
		k->pending = 0;
	}
	escape_steps_add(&k->steps, sf, sl, sc, xstrndup(s, mlen));
	return 0;
}

/* Add a site and the claim its key (a new string, taken) makes. */
static void
escape_text_site(struct escape_text *t, char *file, int64_t line,
    int64_t col, const char *kind, char *subject, char *message, char *key)
{
	struct escape_claim *c;

	escape_site_add(t->b, file, line, col, kind, subject, message);
	if (key == NULL)
		return;
	if (t->nclaims == t->aclaims) {
		t->aclaims = t->aclaims ? t->aclaims * 2 : 32;
		t->claims = xrealloc(t->claims,
		    t->aclaims * sizeof *t->claims);
	}
	c = &t->claims[t->nclaims++];
	c->file = file;
	c->line = line;
	c->col = col;
	c->seq = t->seq;
	c->key = key;
	c->site = t->b->r->n - 1;
}

/*
 * Read a "leaking param" line (n bytes at s, after the prefix, of a site
 * whose whole message is text) into a leak site and its claim.
 */
static void
escape_text_leak(struct escape_text *t, char *file, int64_t line,
    int64_t col, const char *s, size_t n, const char *text, size_t tn)
{
	size_t to = escape_find(s, n, " to result "), level;
	char *key;

	if (to == SIZE_MAX) {
		key = escape_key("l:", s, n, NULL, 0);
	} else {
		level = escape_rfind(s + to + 11, n - to - 11, " level=");
		if (level == SIZE_MAX)
			level = n - to - 11;
		key = escape_key("l:", s, to, s + to + 11, level);
		n = to;
	}
	escape_text_site(t, file, line, col, "leak", xstrndup(s, n),
	    xstrndup(text, tn), key);
}

/*
 * Read the text of a diagnostic (n bytes at s, after "PATH:L:C: ").
 * Returns 0, or -1 if it is not one heaplens knows.
 */
static int
escape_text_diag(struct escape_text *t, char *file, int64_t line,
    int64_t col, const char *s, size_t n)
{
	struct escape_report *r = t->b->r;
	char *param, *dest, *key;
	int64_t derefs;
	size_t k;

	if (n > 0 && escape_blank(s[0])) {
		while (n > 0 && escape_blank(*s))
			s++, n--;
		while (n > 0 && escape_blank(s[n - 1]))
			n--;
		return escape_text_step(t, file, line, col, s, n);
	}
	t->cur = 0;
	if (escape_suffix(s, n, " does not escape") ||
	    (n == 15 && memcmp(s, "does not escape", 15) == 0))
		return 0;
	if (escape_suffix(s, n, " escapes to heap:")) {
		escape_text_block(t, file, line, col,
		    escape_key("e:", s, n - 1, NULL, 0), NULL, NULL);
		return 0;
	}
	if (escape_suffix(s, n, ":") && escape_leak_split(s, n - 1, &param,
	    &dest, &derefs) == 0) {
		escape_text_block(t, file, line, col, escape_key("l:", param,
		    strlen(param), dest, strlen(dest)), xstrndup(s, n - 1),
		    dest);
		free(param);
		return 0;
	}
	if (escape_suffix(s, n, " escapes to heap")) {
		escape_text_site(t, file, line, col, "escape", n > 16 ?
		    xstrndup(s, n - 16) : NULL, xstrndup(s, n),
		    escape_key("e:", s, n, NULL, 0));
		return 0;
	}
	if (escape_prefix(s, n, "moved to heap: ")) {
		key = escape_key("e:", s + 15, n - 15, NULL, 0);
		escape_text_site(t, file, line, col, "moved",
		    xstrndup(s + 15, n - 15), xstrndup(s, n),
		    xasprintf("%s escapes to heap", key));
		free(key);
		escape_moves_add(&t->moves, file, r->sites[r->n - 1].subject,
		    line, col);
		return 0;
	}
	if (escape_prefix(s, n, "leaking param content: ")) {
		escape_text_leak(t, file, line, col, s + 23, n - 23, s, n);
		return 0;
	}
	if (escape_prefix(s, n, "leaking param: ")) {
		escape_text_leak(t, file, line, col, s + 15, n - 15, s, n);
		return 0;
	}
	if (escape_prefix(s, n, "can inline ")) {
		/* -m=2 adds the body: " as: func(...) { ... }". */
		if ((k = escape_find(s + 11, n - 11, " as: ")) != SIZE_MAX)
			n = 11 + k;
		k = escape_find(s + 11, n - 11, " with cost ");
		escape_text_site(t, file, line, col, "canInlineFunction",
		    xstrndup(s + 11, k != SIZE_MAX ? k : n - 11),
		    xstrndup(s, n), NULL);
		return 0;
	}
	if (escape_prefix(s, n, "cannot inline ")) {
		k = escape_find(s + 14, n - 14, ": ");
		escape_text_site(t, file, line, col, "cannotInlineFunction",
		    xstrndup(s + 14, k != SIZE_MAX ? k : n - 14),
		    xstrndup(s, n), NULL);
		return 0;
	}
	if (escape_prefix(s, n, "inlining call to ")) {
		escape_text_site(t, file, line, col, "inlineCall",
		    xstrndup(s + 17, n - 17), xstrndup(s, n), NULL);
		return 0;
	}
	return -1;
}

/* Order blocks and claims by position and key. */
static int
escape_key_cmp(const char *fa, int64_t la, int64_t ca, const char *ka,
    const char *fb, int64_t lb, int64_t cb, const char *kb)
{
	int c;

	if ((c = strcmp(fa, fb)) != 0)
		return c;
	if (la != lb)
		return la < lb ? -1 : 1;
	if (ca != cb)
		return ca < cb ? -1 : 1;
	return strcmp(ka, kb);
}

/* Order blocks by position, key, then file order. */
static int
escape_block_cmp(const void *pa, const void *pb)
{
	const struct escape_block *a = pa, *b = pb;
	int c = escape_key_cmp(a->file, a->line, a->col, a->key, b->file,
	    b->line, b->col, b->key);

	if (c != 0)
		return c;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Order claims by position, key, then file order. */
static int
escape_claim_cmp(const void *pa, const void *pb)
{
	const struct escape_claim *a = pa, *b = pb;
	int c = escape_key_cmp(a->file, a->line, a->col, a->key, b->file,
	    b->line, b->col, b->key);

	if (c != 0)
		return c;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Give a claim's site a block's header step and steps. */
static void
escape_text_take(struct escape_text *t, const struct escape_claim *c,
    struct escape_block *k)
{
	escape_flow_take(&t->b->r->sites[c->site], k->header, &k->steps);
	k->header = NULL;
	k->taken = 1;
}

/* Order pointers to blocks by file order. */
static int
escape_block_seq_cmp(const void *pa, const void *pb)
{
	const struct escape_block *a = *(const struct escape_block *const *)pa;
	const struct escape_block *b = *(const struct escape_block *const *)pb;

	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/*
 * Give a heap leak's claim ("l:P") the blocks of P at its position that
 * no result leak took and that leak to the heap, in file order.
 */
static void
escape_text_heap(struct escape_text *t, const struct escape_claim *c)
{
	struct escape_block *k, **found;
	size_t lo = 0, hi = t->nblocks, mid, n = 0, klen = strlen(c->key), i;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		k = &t->blocks[mid];
		if (escape_key_cmp(k->file, k->line, k->col, k->key, c->file,
		    c->line, c->col, c->key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	found = xcalloc(t->nblocks - lo + 1, sizeof *found);
	for (i = lo; i < t->nblocks; i++) {
		k = &t->blocks[i];
		if (strcmp(k->file, c->file) != 0 || k->line != c->line ||
		    k->col != c->col || strncmp(k->key, c->key, klen) != 0)
			break;
		if (k->key[klen] == '\n' && !k->taken && k->dest != NULL &&
		    !escape_dest_result(k->dest, k->file, &t->moves))
			found[n++] = k;
	}
	if (n > 0)
		qsort(found, n, sizeof *found, escape_block_seq_cmp);
	for (i = 0; i < n; i++)
		escape_text_take(t, c, found[i]);
	free(found);
}

/* Return whether a summary line claims key at a position. */
static int
escape_text_claimed(const struct escape_text *t, const struct escape_block *k)
{
	size_t lo = 0, hi = t->nclaims, mid;
	const struct escape_claim *c;
	int cmp;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = &t->claims[mid];
		cmp = escape_key_cmp(c->file, c->line, c->col, c->key, k->file,
		    k->line, k->col, k->key);
		if (cmp == 0)
			return 1;
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/*
 * Return the escape site a summary line made at k's position that took no
 * explanation, or NULL. The compiler may print a node differently in the
 * explanation and in the summary when it rewrote the node in between
 * (fmt.Sprintf(f, x) becomes fmt.Sprintf(f, ... argument...)).
 */
static struct escape_site *
escape_text_bare(struct escape_text *t, const struct escape_block *k)
{
	struct escape_site *site;
	const struct escape_claim *c;
	size_t lo = 0, hi = t->nclaims, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = &t->claims[mid];
		if (escape_key_cmp(c->file, c->line, c->col, c->key, k->file,
		    k->line, k->col, "") < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < t->nclaims; lo++) {
		c = &t->claims[lo];
		if (c->file != k->file || c->line != k->line ||
		    c->col != k->col)
			break;
		site = &t->b->r->sites[c->site];
		if (strcmp(site->kind, "escape") == 0 && site->nflow == 0)
			return site;
	}
	return NULL;
}

/* Return whether a summary line made a site at k's position. */
static int
escape_text_summarised(const struct escape_text *t,
    const struct escape_block *k)
{
	size_t lo = 0, hi = t->nclaims, mid;
	const struct escape_claim *c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = &t->claims[mid];
		if (escape_key_cmp(c->file, c->line, c->col, c->key, k->file,
		    k->line, k->col, "") < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < t->nclaims && t->claims[lo].file == k->file &&
	    t->claims[lo].line == k->line && t->claims[lo].col == k->col &&
	    t->claims[lo].key[0] == 'e';
}

/*
 * Place the "X escapes to heap:" blocks no summary line took. A summary
 * at their position that found no block of its own printed the node
 * differently: it takes the block, and the block's wording, as the -json
 * form has it. At a position with no summary at all, the block is a site
 * of its own: Go 1.19 leaves the summary out for the closures it wraps go
 * and defer calls in ("at least for now", escape.go), but its -json
 * output has them, and a defer in a loop allocating one per iteration is
 * what a leak hunter wants to see. Other blocks are dropped.
 */
static void
escape_text_unsummarised(struct escape_text *t)
{
	struct escape_block *k;
	struct escape_site *site = NULL;
	const struct escape_block *last = NULL;
	size_t i, n;

	for (i = 0; i < t->nblocks; i++) {
		k = &t->blocks[i];
		if (k->taken || strncmp(k->key, "e:", 2) != 0 ||
		    escape_text_claimed(t, k))
			continue;
		if (last == NULL || escape_key_cmp(last->file, last->line,
		    last->col, last->key, k->file, k->line, k->col,
		    k->key) != 0) {
			n = strlen(k->key + 2);
			if ((site = escape_text_bare(t, k)) != NULL) {
				free(site->message);
				free(site->subject);
			} else if (!escape_text_summarised(t, k)) {
				site = escape_site_add(t->b, k->file, k->line,
				    k->col, "escape", NULL, NULL);
			} else {
				continue;
			}
			site->message = xstrdup(k->key + 2);
			site->subject = n > 16 ? xstrndup(k->key + 2, n - 16) :
			    NULL;
		}
		escape_flow_take(site, k->header, &k->steps);
		k->header = NULL;
		k->taken = 1;
		last = k;
	}
}

/*
 * Give each summary line its blocks: an escape's, those with its position
 * and key written after the previous such line and before it; a result
 * leak's, those of its parameter and result; then a heap leak's, the rest
 * of its parameter's that leak to the heap (decided as for the JSON form,
 * so that both drop the same explanations). "X escapes to heap:" blocks
 * that no summary claims become sites of their own; other blocks nothing
 * takes are dropped with the parse.
 */
static void
escape_text_resolve(struct escape_text *t)
{
	struct escape_block *k;
	struct escape_claim *c;
	size_t i = 0, j;

	if (t->nblocks > 0)
		qsort(t->blocks, t->nblocks, sizeof *t->blocks,
		    escape_block_cmp);
	if (t->nclaims > 0)
		qsort(t->claims, t->nclaims, sizeof *t->claims,
		    escape_claim_cmp);
	escape_moves_sort(&t->moves);
	for (j = 0; j < t->nclaims; j++) {
		c = &t->claims[j];
		while (i < t->nblocks && escape_key_cmp(t->blocks[i].file,
		    t->blocks[i].line, t->blocks[i].col, t->blocks[i].key,
		    c->file, c->line, c->col, c->key) < 0)
			i++;
		for (; i < t->nblocks; i++) {
			k = &t->blocks[i];
			if (escape_key_cmp(k->file, k->line, k->col, k->key,
			    c->file, c->line, c->col, c->key) != 0 ||
			    (c->key[0] == 'e' && k->seq > c->seq))
				break;
			escape_text_take(t, c, k);
		}
	}
	for (j = 0; j < t->nclaims; j++) {
		c = &t->claims[j];
		if (c->key[0] != 'l' || strchr(c->key, '\n') != NULL)
			continue;
		/* A repeated line finds nothing left: skip the search. */
		if (j > 0 && escape_key_cmp(c->file, c->line, c->col, c->key,
		    c[-1].file, c[-1].line, c[-1].col, c[-1].key) == 0)
			continue;
		escape_text_heap(t, c);
	}
	escape_text_unsummarised(t);
}

/* Free the state of a text parse. */
static void
escape_text_release(struct escape_text *t)
{
	size_t i;

	for (i = 0; i < t->nblocks; i++) {
		free(t->blocks[i].key);
		free(t->blocks[i].header);
		free(t->blocks[i].dest);
		escape_steps_release(&t->blocks[i].steps);
	}
	for (i = 0; i < t->nclaims; i++)
		free(t->claims[i].key);
	free(t->blocks);
	free(t->claims);
	free(t->moves.v);
}

/* Parse -m or -m=2 text, as go build writes it. */
static int
escape_text_parse(struct escape_build *b, const char *name, const char *data,
    size_t len, char **cause)
{
	struct escape_text t;
	const char *line;
	size_t off = 0, n, plen, rest, known = 0, nonblank = 0;
	int64_t l, c;
	int newline;
	char *file;

	memset(&t, 0, sizeof t);
	t.b = b;
	while (escape_next_line(data, len, &off, &line, &n, &newline)) {
		t.seq++;
		if (escape_blank_line(line, n))
			continue;
		nonblank++;
		if (escape_prefix(line, n, "# ")) {
			if (b->r->package == NULL)
				b->r->package = xstrndup(line + 2, n - 2);
			t.cur = 0;
			continue;
		}
		if (escape_text_position(line, n, &plen, &l, &c, &rest) != 0) {
			b->r->skipped++;
			t.cur = 0;
			continue;
		}
		file = escape_intern(b, line, plen);
		if (rest < n && line[rest] == ' ')
			rest++;
		if (escape_text_diag(&t, file, l, c, line + rest,
		    n - rest) == 0) {
			known++;
		} else {
			b->r->skipped++;
			t.cur = 0;
		}
	}
	if (known == 0 && nonblank > 0) {
		escape_text_release(&t);
		return set_cause(cause, "%s: no compiler diagnostics found "
		    "(" ESCAPE_NO_DIAGS_HINT ")", name);
	}
	escape_text_resolve(&t);
	escape_text_release(&t);
	return 0;
}

/* Return the category of a kind. */
enum escape_category
escape_kind_category(const char *kind)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(escape_codes); i++)
		if (strcmp(escape_codes[i].code, kind) == 0)
			return escape_codes[i].category;
	return ESCAPE_CAT_OTHER;
}

/* Return a category's name in the annotations setting. */
const char *
escape_category_name(enum escape_category c)
{
	if ((size_t)c >= ARRAY_SIZE(escape_category_names))
		return "other";
	return escape_category_names[c];
}

/* Parse one input held in memory, JSON or text by its first byte. */
int
escape_parse(const char *name, const char *data, size_t len,
    struct escape_report *r, char **cause)
{
	struct escape_build b;
	size_t i;
	int rc;

	memset(r, 0, sizeof *r);
	memset(&b, 0, sizeof b);
	b.r = r;
	for (i = 0; i < len && escape_blank(data[i]); i++)
		;
	if (i < len && data[i] == '{') {
		r->format = ESCAPE_FORMAT_JSON;
		rc = escape_json_parse(&b, name, data, len, cause);
	} else {
		r->format = ESCAPE_FORMAT_TEXT;
		rc = escape_text_parse(&b, name, data, len, cause);
	}
	free(b.slots);
	if (rc != 0) {
		escape_release(r);
		return -1;
	}
	escape_finish(r);
	return 0;
}

/* The .json files found below a directory. */
struct escape_walk {
	char **paths;
	size_t n;
	size_t alloc;
};

/*
 * Collect the regular *.json files below dir, depth levels down already,
 * without following symbolic links: a link could leave the directory or
 * loop.
 */
static int
escape_walk(const char *dir, int depth, struct escape_walk *w, char **cause)
{
	struct dirent *de;
	struct stat st;
	size_t len;
	char *sub;
	DIR *d;
	int rc = 0;

	if (depth > ESCAPE_MAX_DIR_DEPTH)
		return set_cause(cause, "%s: directories nested more than %d "
		    "deep", dir, ESCAPE_MAX_DIR_DEPTH);
	if ((d = opendir(dir)) == NULL)
		return set_cause(cause, "%s: %s", dir, strerror(errno));
	len = strlen(dir);
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		sub = xasprintf("%s%s%s", dir, len > 0 && dir[len - 1] == '/' ?
		    "" : "/", de->d_name);
		if (lstat(sub, &st) != 0) {
			rc = set_cause(cause, "%s: %s", sub, strerror(errno));
		} else if (S_ISDIR(st.st_mode)) {
			rc = escape_walk(sub, depth + 1, w, cause);
		} else if (S_ISREG(st.st_mode) &&
		    escape_suffix(sub, strlen(sub), ".json")) {
			if (w->n == ESCAPE_MAX_DIR_FILES) {
				rc = set_cause(cause, "%s: more than %d .json "
				    "files", dir, ESCAPE_MAX_DIR_FILES);
			} else {
				if (w->n == w->alloc) {
					w->alloc = w->alloc ? w->alloc * 2 : 16;
					w->paths = xrealloc(w->paths,
					    w->alloc * sizeof *w->paths);
				}
				w->paths[w->n++] = sub;
				sub = NULL;
			}
		}
		free(sub);
	}
	closedir(d);
	return rc;
}

/* Move src's sites and strings to the end of dst and free src's arrays. */
static void
escape_merge(struct escape_report *dst, struct escape_report *src)
{
	dst->sites = xrealloc(dst->sites, (dst->n + src->n + 1) *
	    sizeof *dst->sites);
	if (src->n > 0)
		memcpy(dst->sites + dst->n, src->sites,
		    src->n * sizeof *src->sites);
	dst->n += src->n;
	dst->strings = xrealloc(dst->strings, (dst->nstrings + src->nstrings +
	    1) * sizeof *dst->strings);
	if (src->nstrings > 0)
		memcpy(dst->strings + dst->nstrings, src->strings,
		    src->nstrings * sizeof *src->strings);
	dst->nstrings += src->nstrings;
	dst->skipped += src->skipped;
	if (dst->package == NULL) {
		dst->package = src->package;
		src->package = NULL;
	}
	free(src->package);
	free(src->sites);
	free(src->strings);
	memset(src, 0, sizeof *src);
}

/* Read every .json file below a -json directory into one report. */
static int
escape_load_dir(const char *path, size_t max_bytes, struct escape_report *r,
    char **cause)
{
	struct escape_walk w = { NULL, 0, 0 };
	struct escape_report one;
	struct escape_build b;
	struct buf data = BUF_INIT;
	size_t i;
	int rc = 0;

	r->format = ESCAPE_FORMAT_JSON;
	if (escape_walk(path, 0, &w, cause) != 0)
		goto fail;
	if (w.n == 0) {
		set_cause(cause, "%s: no .json files (" ESCAPE_NO_FILES_HINT
		    ")", path);
		goto fail;
	}
	/* readdir's order is the file system's: sort for a stable report. */
	qsort(w.paths, w.n, sizeof *w.paths, escape_str_cmp);
	for (i = 0; i < w.n && rc == 0; i++) {
		buf_reset(&data);
		memset(&one, 0, sizeof one);
		memset(&b, 0, sizeof b);
		b.r = &one;
		rc = read_file(w.paths[i], max_bytes, READ_NOFOLLOW, &data, cause);
		if (rc == 0)
			rc = escape_json_parse(&b, w.paths[i], buf_str(&data),
			    data.len, cause);
		free(b.slots);
		if (rc == 0)
			escape_finish(&one);
		escape_merge(r, &one);
		escape_release(&one);
	}
	if (rc != 0)
		goto fail;
	escape_finish(r);
	buf_release(&data);
	for (i = 0; i < w.n; i++)
		free(w.paths[i]);
	free(w.paths);
	return 0;

fail:
	buf_release(&data);
	for (i = 0; i < w.n; i++)
		free(w.paths[i]);
	free(w.paths);
	escape_release(r);
	return -1;
}

/* Read a file (either form) or a -json directory. */
int
escape_load(const char *path, size_t max_bytes, struct escape_report *r,
    char **cause)
{
	struct buf data = BUF_INIT;
	struct stat st;
	int rc;

	memset(r, 0, sizeof *r);
	if (stat(path, &st) != 0)
		return set_cause(cause, "%s: %s", path, strerror(errno));
	if (S_ISDIR(st.st_mode))
		return escape_load_dir(path, max_bytes, r, cause);
	if (read_file(path, max_bytes, 0, &data, cause) != 0) {
		buf_release(&data);
		return -1;
	}
	rc = escape_parse(path, buf_str(&data), data.len, r, cause);
	buf_release(&data);
	return rc;
}

/* Free everything a report holds and leave it empty. */
void
escape_release(struct escape_report *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		escape_site_free(&r->sites[i]);
	free(r->sites);
	for (i = 0; i < r->nstrings; i++)
		free(r->strings[i]);
	free(r->strings);
	free(r->package);
	memset(r, 0, sizeof *r);
}
