/*
 * goroutines.c - read goroutine dumps (debug=2, debug=1) and goroutine
 * profiles, filter the runtime's and the test harness's goroutines, and
 * group the rest by creator, state and blocking frame in a hash table.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzers/goroutines.h"
#include "analyzers/pprof.h"
#include "protocol/util.h"

#define GOROUTINES_NOT_FOUND "no goroutine dump found (expected " \
	"pprof.Lookup(\"goroutine\").WriteTo output with debug=1 or 2, a " \
	"crash's or SIGQUIT's dump, or a goroutine profile)"

/* One goroutine (or, for debug=1 and pprof, one stack with a count). */
struct goroutines_one {
	int64_t count;
	const char *state;
	int64_t wait;			/* minutes, or -1 */
	int locked;
	const char *created_by;
	const char *created_file;
	int64_t created_line;
	struct goroutines_frame *frames;
	size_t nframes;
	size_t cap;
};

/* What a parse builds: the report, its string pool and its group table. */
struct goroutines_build {
	const char *name;
	struct goroutines_report *r;
	size_t scap;			/* r->strings capacity */
	const char **stab;		/* interned strings, open addressing */
	size_t stabcap;
	size_t *gtab;			/* group index + 1, open addressing */
	size_t gtabcap;
	size_t gcap;			/* r->groups capacity */
	struct goroutines_one g;	/* the goroutine being read */
};

/* Return FNV-1a of n bytes, folded with seed. */
static uint64_t
goroutines_hash(const void *p, size_t n, uint64_t seed)
{
	const unsigned char *s = p;
	uint64_t h = seed ^ 1469598103934665603ull;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= s[i];
		h *= 1099511628211ull;
	}
	return h;
}

/* Return a + b, saturating at INT64_MAX (both are not negative). */
static int64_t
goroutines_add_sat(int64_t a, int64_t b)
{
	return a > INT64_MAX - b ? INT64_MAX : a + b;
}

/* Grow the string table to twice its size. */
static void
goroutines_srehash(struct goroutines_build *b)
{
	size_t cap = b->stabcap ? b->stabcap * 2 : 256, i, j;
	const char **t = xcalloc(cap, sizeof *t);

	for (i = 0; i < b->stabcap; i++) {
		if (b->stab[i] == NULL)
			continue;
		j = goroutines_hash(b->stab[i], strlen(b->stab[i]), 0) &
		    (cap - 1);
		while (t[j] != NULL)
			j = (j + 1) & (cap - 1);
		t[j] = b->stab[i];
	}
	free(b->stab);
	b->stab = t;
	b->stabcap = cap;
}

/* Return the report's copy of n bytes of s, stored once. */
static const char *
goroutines_intern(struct goroutines_build *b, const char *s, size_t n)
{
	struct goroutines_report *r = b->r;
	const char *nul = memchr(s, '\0', n);
	size_t j;
	char *copy;

	/* Stored as C strings: two that differ after a NUL are one. */
	if (nul != NULL)
		n = (size_t)(nul - s);
	if ((r->nstrings + 1) * 2 > b->stabcap)
		goroutines_srehash(b);
	j = goroutines_hash(s, n, 0) & (b->stabcap - 1);
	while (b->stab[j] != NULL) {
		if (strncmp(b->stab[j], s, n) == 0 && b->stab[j][n] == '\0')
			return b->stab[j];
		j = (j + 1) & (b->stabcap - 1);
	}
	copy = xstrndup(s, n);
	if (r->nstrings == b->scap) {
		b->scap = b->scap ? b->scap * 2 : 64;
		r->strings = xrealloc(r->strings, b->scap * sizeof *r->strings);
	}
	r->strings[r->nstrings++] = copy;
	b->stab[j] = copy;
	return copy;
}

/*
 * Return the length of a function's package path: up to the first '.'
 * after the last '/' (type arguments in brackets left out of the search).
 */
static size_t
goroutines_pkg_len(const char *f)
{
	size_t end = strcspn(f, "["), i, start = 0;

	for (i = 0; i < end; i++)
		if (f[i] == '/')
			start = i + 1;
	for (i = start; i < end; i++)
		if (f[i] == '.')
			return i;
	return end;
}

/* Return whether a function is in the package runtime itself. */
static int
goroutines_in_runtime(const char *f)
{
	return f != NULL && goroutines_pkg_len(f) == 7 &&
	    strncmp(f, "runtime", 7) == 0;
}

/* Tell whether a frame is the user's code. */
int
goroutines_is_user(const char *function, const char *file)
{
	size_t n, first;

	if (file != NULL && (n = strlen(file)) >= 8 &&
	    strcmp(file + n - 8, "_test.go") == 0)
		return 1;
	if (function == NULL || function[0] == '\0')
		return 0;
	n = goroutines_pkg_len(function);
	first = strcspn(function, "/");
	if (first > n)
		first = n;
	if (memchr(function, '.', first) != NULL)
		return 1;
	return (first == 4 && strncmp(function, "main", 4) == 0) ||
	    (first == 22 && strncmp(function, "command-line-arguments",
	    22) == 0);
}

/* Name a format. */
const char *
goroutines_format_name(enum goroutines_format f)
{
	switch (f) {
	case GOROUTINES_FORMAT_DEBUG2:
		return "debug=2";
	case GOROUTINES_FORMAT_DEBUG1:
		return "debug=1";
	case GOROUTINES_FORMAT_PPROF:
		return "pprof";
	}
	return "?";
}

/* Return the first frame outside the runtime, or NULL. */
static const struct goroutines_frame *
goroutines_first_nonruntime(const struct goroutines_one *g)
{
	size_t i;

	for (i = 0; i < g->nframes; i++)
		if (!goroutines_in_runtime(g->frames[i].function))
			return &g->frames[i];
	return NULL;
}

/* Return whether any frame of g runs one of the functions in names. */
static int
goroutines_has_frame(const struct goroutines_one *g,
    const char *const *names)
{
	size_t i, k;

	for (i = 0; i < g->nframes; i++)
		for (k = 0; names[k] != NULL; k++)
			if (strcmp(g->frames[i].function, names[k]) == 0)
				return 1;
	return 0;
}

/* Return whether g is one goroutines.h says to filter out. */
static int
goroutines_filtered(const struct goroutines_one *g)
{
	static const char *const writers[] = {
		"runtime/pprof.writeGoroutineStacks",
		"runtime/pprof.writeRuntimeProfile",
		"runtime/pprof.runtime_goroutineProfileWithLabels",
		"runtime.Stack", NULL
	};
	static const char *const testing[] = {
		"testing.RunTests", "testing.runTests", "testing.(*T).Run",
		"testing.(*T).Parallel", "testing.tRunner",
		"testing.runFuzzing", "testing.runFuzzTests", NULL
	};
	static const char *const sigm[] = { "runtime.ensureSigM", NULL };
	static const char *const trace[] = { "runtime.ReadTrace", NULL };
	const struct goroutines_frame *first = goroutines_first_nonruntime(g);
	size_t k;

	if (goroutines_has_frame(g, writers) || goroutines_has_frame(g, sigm) ||
	    goroutines_has_frame(g, trace))
		return 1;
	if (g->created_by != NULL &&
	    strcmp(g->created_by, "runtime.ensureSigM") == 0)
		return 1;
	if (first != NULL && (strcmp(first->function, "os/signal.loop") == 0 ||
	    strcmp(first->function, "os/signal.signal_recv") == 0))
		return 1;
	if (first != NULL && (g->state == NULL ||
	    strncmp(g->state, "chan receive", 12) == 0))
		for (k = 0; testing[k] != NULL; k++)
			if (strcmp(first->function, testing[k]) == 0)
				return 1;
	if (first == NULL && g->nframes > 0) {
		if (g->state != NULL && strncmp(g->state, "syscall", 7) == 0)
			return 1;
		if (g->created_by == NULL ||
		    goroutines_in_runtime(g->created_by))
			return 1;
	}
	return 0;
}

/* Return the frame a goroutine groups by, and whether it is user code. */
static const struct goroutines_frame *
goroutines_blocking(const struct goroutines_one *g, int *user)
{
	size_t i;

	for (i = 0; i < g->nframes; i++)
		if (goroutines_is_user(g->frames[i].function,
		    g->frames[i].file)) {
			*user = 1;
			return &g->frames[i];
		}
	*user = 0;
	if (g->nframes == 0)
		return NULL;
	return goroutines_first_nonruntime(g) != NULL ?
	    goroutines_first_nonruntime(g) : &g->frames[0];
}

/* Compare two possibly NULL strings, NULL first. */
static int
goroutines_strcmp(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

/* Compare two integers. */
static int
goroutines_intcmp(int64_t a, int64_t b)
{
	return a < b ? -1 : a > b;
}

/* Compare groups by key: blocking frame, state, creator. */
static int
goroutines_key_cmp(const struct goroutines_group *a,
    const struct goroutines_group *b)
{
	int c;

	if ((c = goroutines_strcmp(a->file, b->file)) != 0 ||
	    (c = goroutines_intcmp(a->line, b->line)) != 0 ||
	    (c = goroutines_strcmp(a->function, b->function)) != 0 ||
	    (c = goroutines_strcmp(a->state, b->state)) != 0 ||
	    (c = goroutines_strcmp(a->created_by, b->created_by)) != 0 ||
	    (c = goroutines_strcmp(a->created_file, b->created_file)) != 0)
		return c;
	return goroutines_intcmp(a->created_line, b->created_line);
}

/* Hash a group's key (its strings are interned: pointers will do). */
static uint64_t
goroutines_key_hash(const struct goroutines_group *k)
{
	const void *p[5] = { k->file, k->function, k->state, k->created_by,
	    k->created_file };
	int64_t n[2] = { k->line, k->created_line };

	return goroutines_hash(n, sizeof n, goroutines_hash(p, sizeof p, 0));
}

/* Return whether two groups of one report have the same key. */
static int
goroutines_key_eq(const struct goroutines_group *a,
    const struct goroutines_group *b)
{
	return a->file == b->file && a->line == b->line &&
	    a->function == b->function && a->state == b->state &&
	    a->created_by == b->created_by &&
	    a->created_file == b->created_file &&
	    a->created_line == b->created_line;
}

/* Grow the group table to twice its size. */
static void
goroutines_grehash(struct goroutines_build *b)
{
	size_t cap = b->gtabcap ? b->gtabcap * 2 : 64, i, j;
	size_t *t = xcalloc(cap, sizeof *t);

	for (i = 0; i < b->gtabcap; i++) {
		if (b->gtab[i] == 0)
			continue;
		j = goroutines_key_hash(&b->r->groups[b->gtab[i] - 1]) &
		    (cap - 1);
		while (t[j] != 0)
			j = (j + 1) & (cap - 1);
		t[j] = b->gtab[i];
	}
	free(b->gtab);
	b->gtab = t;
	b->gtabcap = cap;
}

/* Count the goroutine read into b->g in its group, then reset b->g. */
static void
goroutines_flush(struct goroutines_build *b)
{
	struct goroutines_one *g = &b->g;
	struct goroutines_report *r = b->r;
	const struct goroutines_frame *f;
	struct goroutines_group key, *grp;
	size_t j;

	if (g->count <= 0)
		goto reset;
	r->total = goroutines_add_sat(r->total, g->count);
	if (goroutines_filtered(g)) {
		r->filtered = goroutines_add_sat(r->filtered, g->count);
		goto reset;
	}
	memset(&key, 0, sizeof key);
	f = goroutines_blocking(g, &key.user);
	if (f != NULL) {
		key.function = f->function;
		key.file = f->file;
		key.line = f->line;
	}
	key.state = g->state;
	key.created_by = g->created_by;
	key.created_file = g->created_file;
	key.created_line = g->created_line;
	if ((r->n + 1) * 2 > b->gtabcap)
		goroutines_grehash(b);
	j = goroutines_key_hash(&key) & (b->gtabcap - 1);
	while (b->gtab[j] != 0 &&
	    !goroutines_key_eq(&r->groups[b->gtab[j] - 1], &key))
		j = (j + 1) & (b->gtabcap - 1);
	if (b->gtab[j] == 0) {
		if (r->n == b->gcap) {
			b->gcap = b->gcap ? b->gcap * 2 : 16;
			r->groups = xrealloc(r->groups,
			    b->gcap * sizeof *r->groups);
		}
		key.max_wait_minutes = r->format == GOROUTINES_FORMAT_DEBUG2 ?
		    0 : -1;
		if (g->nframes > 0) {
			key.frames = xmalloc(g->nframes * sizeof *key.frames);
			memcpy(key.frames, g->frames,
			    g->nframes * sizeof *key.frames);
			key.nframes = g->nframes;
		}
		r->groups[r->n++] = key;
		b->gtab[j] = r->n;
	}
	grp = &r->groups[b->gtab[j] - 1];
	grp->count = goroutines_add_sat(grp->count, g->count);
	if (g->wait > grp->max_wait_minutes)
		grp->max_wait_minutes = g->wait;
	grp->locked |= g->locked;
reset:
	g->count = 0;
	g->state = NULL;
	g->wait = -1;
	g->locked = 0;
	g->created_by = g->created_file = NULL;
	g->created_line = 0;
	g->nframes = 0;
}

/* Add a frame to the goroutine being read (bounded). */
static void
goroutines_frame_add(struct goroutines_build *b, const char *function,
    size_t fn, const char *file, size_t filen, int64_t line)
{
	struct goroutines_one *g = &b->g;

	if (g->nframes == GOROUTINES_MAX_FRAMES)
		return;
	if (g->nframes == g->cap) {
		g->cap = g->cap ? g->cap * 2 : 32;
		g->frames = xrealloc(g->frames, g->cap * sizeof *g->frames);
	}
	g->frames[g->nframes].function = goroutines_intern(b, function, fn);
	g->frames[g->nframes].file = file != NULL ?
	    goroutines_intern(b, file, filen) : NULL;
	g->frames[g->nframes++].line = line;
}

/* Read the next line: *line and *n (no '\n', no trailing '\r'). */
static int
goroutines_next_line(const char *data, size_t len, size_t *off,
    const char **line, size_t *n)
{
	const char *nl;

	if (*off >= len)
		return 0;
	*line = data + *off;
	nl = memchr(*line, '\n', len - *off);
	*n = nl != NULL ? (size_t)(nl - *line) : len - *off;
	*off += *n + (nl != NULL);
	if (*n > 0 && (*line)[*n - 1] == '\r')
		(*n)--;
	return 1;
}

/* Return whether the line just read ended the input without a newline. */
static int
goroutines_cut(const char *data, size_t len, size_t off)
{
	return off >= len && len > 0 && data[len - 1] != '\n';
}

/* Return whether n bytes of s start with prefix. */
static int
goroutines_prefix(const char *s, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);

	return n >= k && memcmp(s, prefix, k) == 0;
}

/* Parse n decimal digits (n >= 1) into *out; -1 on overflow or non-digit. */
static int
goroutines_number(const char *s, size_t n, int64_t *out)
{
	int64_t v = 0;
	size_t i;

	if (n == 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9' || v > (INT64_MAX - (s[i] - '0')) /
		    10)
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

/*
 * Split `FILE:LINE` (maybe followed by ` +0xNN` or ` fp=...`): the rightmost
 * ':' followed by digits and then the end or a space. Returns 0 or -1.
 */
static int
goroutines_location(const char *s, size_t n, size_t *filen, int64_t *line)
{
	size_t p, q;

	for (p = n; p-- > 0;) {
		if (s[p] != ':' || p == 0)
			continue;
		for (q = p + 1; q < n && s[q] >= '0' && s[q] <= '9'; q++)
			;
		if (q == p + 1 || (q < n && s[q] != ' '))
			continue;
		if (goroutines_number(s + p + 1, q - p - 1, line) != 0)
			return -1;
		*filen = p;
		return 0;
	}
	return -1;
}

/*
 * Return the '[' of a debug=2 header, `goroutine N [STATE, ...]:` (anything
 * between the number and " [", as Go 1.23's gp= m= fields), or NULL when
 * the line is not one.
 */
static const char *
goroutines_header_open(const char *s, size_t n)
{
	size_t k;

	if (!goroutines_prefix(s, n, "goroutine ") || n < 14 ||
	    s[10] < '0' || s[10] > '9' || s[n - 1] != ':' || s[n - 2] != ']')
		return NULL;
	for (k = 10; k < n && s[k] >= '0' && s[k] <= '9'; k++)
		;
	if (s[k] != ' ')
		return NULL;
	return memchr(s + k, '[', n - 2 - k);
}

/* Read a debug=2 header into b->g (goroutines_header_open() said yes). */
static void
goroutines_header(struct goroutines_build *b, const char *s, size_t n)
{
	const char *open = goroutines_header_open(s, n), *part, *end;
	size_t k, plen;
	int64_t v;

	end = s + n - 2;
	part = open + 1;
	for (k = 0; part + k < end && !(part[k] == ',' && part + k + 1 < end &&
	    part[k + 1] == ' '); k++)
		;
	plen = k;
	if (plen >= 7 && memcmp(part + plen - 7, " (scan)", 7) == 0)
		plen -= 7;
	b->g.state = goroutines_intern(b, part, plen);
	b->g.wait = 0;
	part += k;
	while (part < end) {
		part += 2;		/* ", " */
		for (k = 0; part + k < end && !(part[k] == ',' &&
		    part + k + 1 < end && part[k + 1] == ' '); k++)
			;
		if (k > 8 && memcmp(part + k - 8, " minutes", 8) == 0 &&
		    goroutines_number(part, k - 8, &v) == 0)
			b->g.wait = v;
		else if (k == 16 && memcmp(part, "locked to thread", 16) == 0)
			b->g.locked = 1;
		part += k;
	}
	b->g.count = 1;
}

/* Return the function named by a frame line `pkg.F(args)`: its length. */
static size_t
goroutines_function(const char *s, size_t n)
{
	size_t k;

	if (n > 0 && s[n - 1] == ')')
		for (k = n - 1; k-- > 0;)
			if (s[k] == '(')
				return k > 0 ? k : n;
	return n;
}

/* Parse debug=2 text. */
static int
goroutines_debug2(struct goroutines_build *b, const char *data, size_t len)
{
	size_t off = 0, n, n2 = 0, save, fn, filen, k;
	const char *s, *s2 = NULL, *p;
	int in = 0, have;
	int64_t line;

	have = goroutines_next_line(data, len, &off, &s, &n);
	while (have) {
		if (goroutines_header_open(s, n) != NULL) {
			if (in)
				goroutines_flush(b);
			goroutines_header(b, s, n);
			in = 1;
			have = goroutines_next_line(data, len, &off, &s, &n);
			continue;
		}
		if (!in) {
			/* A header cut at the end of the input. */
			if (off >= len && goroutines_prefix(s, n, "goroutine ") &&
			    n > 10 && s[10] >= '0' && s[10] <= '9')
				b->r->truncated++;
			have = goroutines_next_line(data, len, &off, &s, &n);
			continue;
		}
		if (n == 0 || s[0] == '[') {
			/* End of the block, or an ancestor's block. */
			goroutines_flush(b);
			in = 0;
			have = goroutines_next_line(data, len, &off, &s, &n);
			continue;
		}
		if (s[0] == '\t' || (n >= 3 && memcmp(s, "...", 3) == 0)) {
			/* `stack unavailable`, `...frames elided...` */
			have = goroutines_next_line(data, len, &off, &s, &n);
			continue;
		}
		/* A function or creator line: its location comes next. */
		save = off;
		n2 = 0;
		if (!goroutines_next_line(data, len, &off, &s2, &n2) ||
		    n2 < 2 || s2[0] != '\t' || goroutines_cut(data, len, off) ||
		    goroutines_location(s2 + 1, n2 - 1, &filen, &line) != 0) {
			/* Cut (the input ends here, or in the location), or
			   the dump is over and other text follows. */
			if ((n2 > 0 && s2[0] == '\t' && off > save) ||
			    goroutines_cut(data, len, save) ||
			    s[n - 1] == ')' ||
			    goroutines_prefix(s, n, "created by "))
				b->r->truncated++;
			goroutines_flush(b);
			in = 0;
			off = save;
			have = goroutines_next_line(data, len, &off, &s, &n);
			continue;
		}
		if (goroutines_prefix(s, n, "created by ")) {
			p = s + 11;
			fn = n - 11;
			/* Go 1.21+: ` in goroutine K`. */
			for (k = fn; k > 0 && p[k - 1] >= '0' && p[k - 1] <= '9';
			    k--)
				;
			if (k < fn && k >= 14 && memcmp(p + k - 14,
			    " in goroutine ", 14) == 0)
				fn = k - 14;
			b->g.created_by = goroutines_intern(b, p, fn);
			b->g.created_file = goroutines_intern(b, s2 + 1, filen);
			b->g.created_line = line;
		} else {
			goroutines_frame_add(b, s, goroutines_function(s, n),
			    s2 + 1, filen, line);
		}
		have = goroutines_next_line(data, len, &off, &s, &n);
	}
	if (in)
		goroutines_flush(b);
	return 0;
}

/* Parse one debug=1 frame, `#\t0xPC\tF+0xOFF\tFILE:LINE`; -1 if cut. */
static int
goroutines_debug1_frame(struct goroutines_build *b, const char *s, size_t n)
{
	const char *field[4];
	size_t flen[4], nf = 0, i = 1, start, filen, fn;
	int64_t line;

	field[nf] = s;
	flen[nf++] = 1;
	while (i < n && nf < 4) {
		while (i < n && (s[i] == '\t' || s[i] == ' '))
			i++;
		if (i >= n)
			break;
		start = i;
		while (i < n && s[i] != '\t')
			i++;
		/* The location is the rest: a path may hold spaces. */
		if (nf == 3)
			i = n;
		field[nf] = s + start;
		flen[nf++] = i - start;
	}
	if (nf < 4 || goroutines_location(field[3], flen[3], &filen,
	    &line) != 0 || filen == 0)
		return -1;
	for (fn = flen[2]; fn > 0 && field[2][fn - 1] != '+'; fn--)
		;
	fn = fn > 1 ? fn - 1 : flen[2];
	goroutines_frame_add(b, field[2], fn, field[3], filen, line);
	return 0;
}

/* Parse debug=1 text; the first non-blank line is its header. */
static int
goroutines_debug1(struct goroutines_build *b, const char *data, size_t len,
    char **cause)
{
	size_t off = 0, n, lineno = 0, k;
	const char *s;
	int64_t v;

	while (goroutines_next_line(data, len, &off, &s, &n)) {
		lineno++;
		if (goroutines_prefix(s, n, "goroutine profile: total ")) {
			if (goroutines_number(s + 25, n - 25, &v) == 0)
				b->r->declared_total = v;
			continue;
		}
		if (n == 0) {
			goroutines_flush(b);
			continue;
		}
		if (s[0] >= '0' && s[0] <= '9') {
			goroutines_flush(b);
			for (k = 0; k < n && s[k] >= '0' && s[k] <= '9'; k++)
				;
			if (k + 1 >= n || s[k] != ' ' || s[k + 1] != '@')
				continue;
			if (goroutines_number(s, k, &v) != 0)
				return set_cause(cause, "%s:%zu: count out of "
				    "range", b->name, lineno);
			b->g.count = v;
			continue;
		}
		if (s[0] == '#' && b->g.count > 0 &&
		    !goroutines_prefix(s, n, "# labels:") &&
		    (goroutines_cut(data, len, off) ||
		    goroutines_debug1_frame(b, s, n) != 0))
			b->r->truncated++;
	}
	goroutines_flush(b);
	return 0;
}

/* Read a goroutine profile. */
static int
goroutines_pprof(struct goroutines_build *b, const char *data, size_t len,
    char **cause)
{
	const struct pprof_profile *p;
	const struct pprof_location *loc;
	const struct pprof_line *ln;
	const struct pprof_function *fn;
	struct pprof_profile *prof;
	size_t i, k, t;
	uint32_t m;
	int index;

	prof = pprof_parse(data, len, b->name, GOROUTINES_MAX_BYTES, cause);
	if (prof == NULL)
		return -1;
	p = prof;
	index = pprof_sample_index(p, "goroutine", NULL);
	if (index < 0) {
		set_cause(cause, "%s: not a goroutine profile (its sample type "
		    "is %s, not goroutine)", b->name, p->ntypes > 0 ?
		    p->types[p->default_type].type : "missing");
		pprof_free(prof);
		return -1;
	}
	t = (size_t)index;
	for (i = 0; i < p->nsamples; i++) {
		b->g.count = p->values[i * p->ntypes + t];
		for (k = 0; k < p->samples[i].nlocs; k++) {
			loc = &p->locations[p->sample_locs[
			    p->samples[i].first_loc + k]];
			for (m = 0; m < loc->nlines; m++) {
				ln = &p->lines[loc->first_line + m];
				fn = &p->functions[ln->function];
				goroutines_frame_add(b, fn->name,
				    strlen(fn->name), fn->filename,
				    strlen(fn->filename), ln->line);
			}
		}
		goroutines_flush(b);
	}
	pprof_free(prof);
	return 0;
}

/* Order groups: count, then key (growth first after a compare). */
static int
goroutines_group_cmp(const void *pa, const void *pb)
{
	const struct goroutines_group *a = pa, *b = pb;
	int c;

	if ((c = goroutines_intcmp(b->growth, a->growth)) != 0 ||
	    (c = goroutines_intcmp(b->count, a->count)) != 0)
		return c;
	return goroutines_key_cmp(a, b);
}

/* Detect the format: 0 debug=2, 1 debug=1, 2 pprof, -1 none. */
static int
goroutines_detect(const char *data, size_t len)
{
	size_t off = 0, n, first = 1;
	const char *s;
	int found = -1;

	if (len >= 2 && (unsigned char)data[0] == 0x1f &&
	    (unsigned char)data[1] == 0x8b)
		return 2;
	while (found < 0 && goroutines_next_line(data, len, &off, &s, &n)) {
		if (n == 0)
			continue;
		if (first && goroutines_prefix(s, n,
		    "goroutine profile: total "))
			found = 1;
		else if (goroutines_header_open(s, n) != NULL)
			found = 0;
		first = 0;
	}
	if (found >= 0)
		return found;
	if (len > 0 && (data[0] == 0x0a || memchr(data, '\0', len) != NULL))
		return 2;
	return -1;
}

/* Parse a dump or profile in memory. */
int
goroutines_parse(const char *name, const char *data, size_t len,
    struct goroutines_report *r, char **cause)
{
	struct goroutines_build b;
	int format, rc;

	memset(r, 0, sizeof *r);
	memset(&b, 0, sizeof b);
	b.name = name;
	b.r = r;
	b.g.wait = -1;
	r->declared_total = -1;
	format = goroutines_detect(data, len);
	if (format < 0)
		return set_cause(cause, "%s: %s", name, GOROUTINES_NOT_FOUND);
	r->format = format == 0 ? GOROUTINES_FORMAT_DEBUG2 : format == 1 ?
	    GOROUTINES_FORMAT_DEBUG1 : GOROUTINES_FORMAT_PPROF;
	if (format == 0)
		rc = goroutines_debug2(&b, data, len);
	else if (format == 1)
		rc = goroutines_debug1(&b, data, len, cause);
	else
		rc = goroutines_pprof(&b, data, len, cause);
	free(b.stab);
	free(b.gtab);
	free(b.g.frames);
	if (rc != 0) {
		goroutines_release(r);
		return -1;
	}
	if (r->n > 0)
		qsort(r->groups, r->n, sizeof *r->groups, goroutines_group_cmp);
	return 0;
}

/* Read a file, bounded, and parse it. */
int
goroutines_load(const char *path, size_t max_bytes,
    struct goroutines_report *r, char **cause)
{
	struct buf data = BUF_INIT;
	int rc;

	memset(r, 0, sizeof *r);
	if (read_file(path, max_bytes, 0, &data, cause) != 0) {
		buf_release(&data);
		return -1;
	}
	rc = goroutines_parse(path, buf_str(&data), data.len, r, cause);
	buf_release(&data);
	return rc;
}

/* Free a report's groups and strings. */
void
goroutines_release(struct goroutines_report *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		free(r->groups[i].frames);
	free(r->groups);
	for (i = 0; i < r->nstrings; i++)
		free(r->strings[i]);
	free(r->strings);
	memset(r, 0, sizeof *r);
}

/* Order pointers to groups by key. */
static int
goroutines_key_pcmp(const void *pa, const void *pb)
{
	const struct goroutines_group *const *a = pa, *const *b = pb;

	return goroutines_key_cmp(*a, *b);
}

/* Compare with a base dump: growth per group, sorted by it. */
void
goroutines_compare(struct goroutines_report *r,
    const struct goroutines_report *base)
{
	const struct goroutines_group **idx = NULL, *const *hit, *key;
	size_t i;

	if (base->n > 0) {
		idx = xmalloc(base->n * sizeof *idx);
		for (i = 0; i < base->n; i++)
			idx[i] = &base->groups[i];
		qsort(idx, base->n, sizeof *idx, goroutines_key_pcmp);
	}
	for (i = 0; i < r->n; i++) {
		key = &r->groups[i];
		hit = idx == NULL ? NULL : bsearch(&key, idx, base->n,
		    sizeof *idx, goroutines_key_pcmp);
		r->groups[i].base_count = hit != NULL ? (*hit)->count : 0;
		r->groups[i].growth = r->groups[i].count -
		    r->groups[i].base_count;
	}
	free(idx);
	r->compared = 1;
	r->base_total = base->total;
	if (r->n > 0)
		qsort(r->groups, r->n, sizeof *r->groups, goroutines_group_cmp);
}
