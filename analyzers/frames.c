/*
 * frames.c - intern the frames of pprof profiles by (function, file, line),
 * with file names cleaned as Go cleans them, in an open-addressing table.
 */
#include <stdlib.h>
#include <string.h>

#include "analyzers/frames.h"
#include "protocol/util.h"

/* Initialise an empty table. */
void
frames_init(struct frames *t)
{
	memset(t, 0, sizeof *t);
}

/* Free a table. */
void
frames_release(struct frames *t)
{
	size_t i;

	for (i = 0; i < t->nowned; i++)
		free(t->owned[i]);
	free(t->owned);
	free(t->v);
	free(t->slots);
	memset(t, 0, sizeof *t);
}

/* Hash a string. */
static uint64_t
frames_hash_str(const char *s, uint64_t h)
{
	while (*s != '\0')
		h = (h ^ (unsigned char)*s++) * 0x100000001b3ull;
	return h;
}

/* Hash a frame. */
static uint64_t
frames_hash(const char *function, const char *file, int64_t line)
{
	uint64_t h = 0xcbf29ce484222325ull;

	h = frames_hash_str(function, h);
	h = frames_hash_str(file, h ^ 0xff);
	h ^= (uint64_t)line * 0x9e3779b97f4a7c15ull;
	return h ^ (h >> 29);
}

/* Double the slots and re-insert every frame. */
static void
frames_grow(struct frames *t)
{
	size_t i, j, mask;

	free(t->slots);
	t->nslots = t->nslots ? t->nslots * 2 : 1024;
	t->slots = xcalloc(t->nslots, sizeof *t->slots);
	mask = t->nslots - 1;
	for (i = 0; i < t->n; i++) {
		j = frames_hash(t->v[i].function, t->v[i].file,
		    t->v[i].line) & mask;
		while (t->slots[j] != 0)
			j = (j + 1) & mask;
		t->slots[j] = (uint32_t)i + 1;
	}
}

/* Find or add a frame. */
uint32_t
frames_get(struct frames *t, const char *function, const char *file,
    int64_t line)
{
	struct frame *f;
	size_t j, mask;

	if (2 * (t->n + 1) > t->nslots)
		frames_grow(t);
	mask = t->nslots - 1;
	j = frames_hash(function, file, line) & mask;
	while (t->slots[j] != 0) {
		f = &t->v[t->slots[j] - 1];
		if (f->line == line && strcmp(f->function, function) == 0 &&
		    strcmp(f->file, file) == 0)
			return t->slots[j] - 1;
		j = (j + 1) & mask;
	}
	if (t->n == t->alloc) {
		t->alloc = t->alloc ? t->alloc * 2 : 256;
		t->v = xrealloc(t->v, t->alloc * sizeof *t->v);
	}
	f = &t->v[t->n];
	f->function = function;
	f->file = file;
	f->line = line;
	t->slots[j] = (uint32_t)++t->n;
	return (uint32_t)(t->n - 1);
}

/* Clean a path as Go's filepath.Clean does. */
char *
frames_clean(const char *path)
{
	size_t n = strlen(path), r = 0, w = 0, dotdot = 0;
	int rooted = path[0] == '/';
	char *out;

	if (n == 0)
		return xstrdup(".");
	out = xmalloc(n + 2);
	if (rooted) {
		out[w++] = '/';
		r = dotdot = 1;
	}
	while (r < n) {
		if (path[r] == '/') {
			r++;
		} else if (path[r] == '.' && (r + 1 == n || path[r + 1] == '/')) {
			r++;
		} else if (path[r] == '.' && path[r + 1] == '.' &&
		    (r + 2 == n || path[r + 2] == '/')) {
			r += 2;
			if (w > dotdot) {
				w--;
				while (w > dotdot && out[w] != '/')
					w--;
			} else if (!rooted) {
				if (w > 0)
					out[w++] = '/';
				out[w++] = '.';
				out[w++] = '.';
				dotdot = w;
			}
		} else {
			if ((rooted && w != 1) || (!rooted && w != 0))
				out[w++] = '/';
			while (r < n && path[r] != '/')
				out[w++] = path[r++];
		}
	}
	if (w == 0)
		out[w++] = '.';
	out[w] = '\0';
	if (strcmp(out, path) == 0) {
		free(out);
		return NULL;
	}
	return out;
}

/* Map every frame of p to its id. */
uint32_t *
frames_map(struct frames *t, const struct pprof_profile *p,
    uint32_t *unknown)
{
	uint32_t *ids = xmalloc((p->nlines + 1) * sizeof *ids);
	const struct pprof_function *f;
	const char *file;
	char *clean;
	size_t i;

	for (i = 0; i < p->nlines; i++) {
		f = &p->functions[p->lines[i].function];
		file = f->filename;
		clean = *file != '\0' ? frames_clean(file) : NULL;
		if (clean != NULL) {
			t->owned = xrealloc(t->owned,
			    (t->nowned + 1) * sizeof *t->owned);
			t->owned[t->nowned++] = clean;
			file = clean;
		}
		ids[i] = frames_get(t, f->name, file,
		    p->lines[i].function == 0 ? 0 : p->lines[i].line);
	}
	/* Locations without lines (no symbols) share one frame. */
	*unknown = frames_get(t, "", "", 0);
	return ids;
}

/* Wrap an unsigned sum into int64 as Go does. */
int64_t
frames_wrap(uint64_t u)
{
	return u <= INT64_MAX ? (int64_t)u :
	    -(int64_t)(UINT64_MAX - u) - 1;
}

/* Return |v| as an unsigned number. */
uint64_t
frames_abs(int64_t v)
{
	return v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
}

/* Add v to *sum, wrapping. */
void
frames_add(int64_t *sum, int64_t v)
{
	*sum = frames_wrap((uint64_t)*sum + (uint64_t)v);
}

/* Return a sample's value times sign. */
int64_t
frames_value(const struct pprof_profile *p, size_t i, int index,
    int64_t sign)
{
	return frames_wrap((uint64_t)p->values[i * p->ntypes +
	    (size_t)index] * (uint64_t)sign);
}

/* Return pprof's total of a sample type. */
int64_t
frames_total(const struct pprof_profile *p, int index)
{
	int64_t total = 0;
	size_t i;

	for (i = 0; i < p->nsamples; i++)
		total = frames_wrap((uint64_t)total +
		    frames_abs(frames_value(p, i, index, 1)));
	return total;
}
