/*
 * lines.c - aggregate profile samples by source line.
 *
 * Frames are first mapped to nodes once per distinct location line (not per
 * sample), so the per-sample work is a walk over precomputed node ids with a
 * stamp per node to count each node once per sample.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzers/lines.h"
#include "protocol/util.h"

struct node {
	const char *function;
	const char *file;
	int64_t line;
	int64_t flat;
	int64_t cum;
	size_t stamp;			/* last sample that counted it, + 1 */
};

/* An open-addressing table from (function, file, line) to node index. */
struct node_table {
	struct node *nodes;
	size_t n;
	size_t alloc;
	uint32_t *slots;		/* node index + 1, or 0 */
	size_t nslots;
	char **owned;			/* cleaned file names */
	size_t nowned;
};

/* Hash a string. */
static uint64_t
lines_hash_str(const char *s, uint64_t h)
{
	while (*s != '\0')
		h = (h ^ (unsigned char)*s++) * 0x100000001b3ull;
	return h;
}

/* Hash a node key. */
static uint64_t
lines_hash(const char *function, const char *file, int64_t line)
{
	uint64_t h = 0xcbf29ce484222325ull;

	h = lines_hash_str(function, h);
	h = lines_hash_str(file, h ^ 0xff);
	h ^= (uint64_t)line * 0x9e3779b97f4a7c15ull;
	return h ^ (h >> 29);
}

/* Double the slots and re-insert every node. */
static void
node_table_grow(struct node_table *t)
{
	size_t i, j, mask;

	free(t->slots);
	t->nslots = t->nslots ? t->nslots * 2 : 1024;
	t->slots = xcalloc(t->nslots, sizeof *t->slots);
	mask = t->nslots - 1;
	for (i = 0; i < t->n; i++) {
		j = lines_hash(t->nodes[i].function, t->nodes[i].file,
		    t->nodes[i].line) & mask;
		while (t->slots[j] != 0)
			j = (j + 1) & mask;
		t->slots[j] = (uint32_t)i + 1;
	}
}

/* Find or add the node for a frame; return its index. */
static uint32_t
node_table_get(struct node_table *t, const char *function, const char *file,
    int64_t line)
{
	size_t j, mask;
	struct node *n;

	if (2 * (t->n + 1) > t->nslots)
		node_table_grow(t);
	mask = t->nslots - 1;
	j = lines_hash(function, file, line) & mask;
	while (t->slots[j] != 0) {
		n = &t->nodes[t->slots[j] - 1];
		if (n->line == line && strcmp(n->function, function) == 0 &&
		    strcmp(n->file, file) == 0)
			return t->slots[j] - 1;
		j = (j + 1) & mask;
	}
	if (t->n == t->alloc) {
		t->alloc = t->alloc ? t->alloc * 2 : 256;
		t->nodes = xrealloc(t->nodes, t->alloc * sizeof *t->nodes);
	}
	n = &t->nodes[t->n];
	memset(n, 0, sizeof *n);
	n->function = function;
	n->file = file;
	n->line = line;
	t->slots[j] = (uint32_t)++t->n;
	return (uint32_t)(t->n - 1);
}

/*
 * Return path cleaned as Go's filepath.Clean does ("./a//b/../c" is "a/c"),
 * as a new string, or NULL when it is clean already (the usual case).
 */
static char *
lines_clean(const char *path)
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

/* Map every frame of p (each entry of p->lines) to its node. */
static uint32_t *
lines_map_frames(struct node_table *t, const struct pprof_profile *p,
    uint32_t *unknown)
{
	uint32_t *frame_node = xmalloc((p->nlines + 1) * sizeof *frame_node);
	const struct pprof_function *f;
	size_t i;

	const char *file;
	char *clean;

	for (i = 0; i < p->nlines; i++) {
		f = &p->functions[p->lines[i].function];
		file = f->filename;
		clean = *file != '\0' ? lines_clean(file) : NULL;
		if (clean != NULL) {
			t->owned = xrealloc(t->owned,
			    (t->nowned + 1) * sizeof *t->owned);
			t->owned[t->nowned++] = clean;
			file = clean;
		}
		frame_node[i] = node_table_get(t, f->name, file,
		    p->lines[i].function == 0 ? 0 : p->lines[i].line);
	}
	/* Locations without lines (no symbols) share one node. */
	*unknown = node_table_get(t, "", "", 0);
	return frame_node;
}

/*
 * Sums wrap around as Go's int64 arithmetic does (pprof's own), instead of
 * overflowing, which C leaves undefined: a hostile profile can hold any
 * values.
 */
static int64_t
lines_wrap(uint64_t u)
{
	return u <= INT64_MAX ? (int64_t)u :
	    -(int64_t)(UINT64_MAX - u) - 1;
}

/* Return |v| as an unsigned number (defined for INT64_MIN too). */
static uint64_t
lines_abs(int64_t v)
{
	return v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
}

/* Add v to *sum, wrapping. */
static void
lines_add_to(int64_t *sum, int64_t v)
{
	*sum = lines_wrap((uint64_t)*sum + (uint64_t)v);
}

/* Add the samples of p (sign -1 for a base) to the nodes. */
static int64_t
lines_add(struct node_table *t, const struct pprof_profile *p, int index,
    int64_t sign, size_t *stamp)
{
	const struct pprof_sample *s;
	const struct pprof_location *l;
	uint32_t *frame_node, unknown, node, leaf;
	int64_t v, total = 0;
	size_t i, k, j;

	frame_node = lines_map_frames(t, p, &unknown);
	for (i = 0; i < p->nsamples; i++) {
		s = &p->samples[i];
		v = lines_wrap((uint64_t)p->values[i * p->ntypes +
		    (size_t)index] * (uint64_t)sign);
		total = lines_wrap((uint64_t)total + lines_abs(v));
		if (v == 0 || s->nlocs == 0)
			continue;
		++*stamp;
		leaf = UINT32_MAX;
		for (k = 0; k < s->nlocs; k++) {
			l = &p->locations[p->sample_locs[s->first_loc + k]];
			if (l->nlines == 0) {
				node = unknown;
				if (leaf == UINT32_MAX)
					leaf = node;
				if (t->nodes[node].stamp != *stamp) {
					t->nodes[node].stamp = *stamp;
					lines_add_to(&t->nodes[node].cum, v);
				}
				continue;
			}
			for (j = 0; j < l->nlines; j++) {
				node = frame_node[l->first_line + j];
				if (leaf == UINT32_MAX)
					leaf = node;
				if (t->nodes[node].stamp != *stamp) {
					t->nodes[node].stamp = *stamp;
					lines_add_to(&t->nodes[node].cum, v);
				}
			}
		}
		lines_add_to(&t->nodes[leaf].flat, v);
	}
	free(frame_node);
	return total;
}

/* An entry and pprof's printable name for it, for sorting. */
struct sort_item {
	struct lines_entry e;
	char *name;
};

/* Return pprof's printable name of a node: "function file:line". */
static char *
lines_printable(const struct lines_entry *e)
{
	if (e->line != 0)
		return xasprintf("%s%s%s:%lld", e->function,
		    *e->function ? " " : "", e->file, (long long)e->line);
	if (*e->file != '\0')
		return xasprintf("%s%s%s", e->function, *e->function ? " " : "",
		    e->file);
	return xstrdup(*e->function ? e->function : "<unknown>");
}

/* Order entries by |flat| desc, name, |cum| desc (pprof's FlatNameOrder). */
static int
lines_cmp(const void *pa, const void *pb)
{
	const struct sort_item *a = pa, *b = pb;
	uint64_t fa = lines_abs(a->e.flat), fb = lines_abs(b->e.flat);
	uint64_t ca = lines_abs(a->e.cum), cb = lines_abs(b->e.cum);
	int c;

	if (fa != fb)
		return fa > fb ? -1 : 1;
	c = strcmp(a->name, b->name);
	if (c != 0)
		return c;
	if (ca != cb)
		return ca > cb ? -1 : 1;
	return 0;
}

/* Compute per-line costs. */
void
lines_compute(const struct pprof_profile *p, int index,
    const struct pprof_profile *base, int base_index,
    struct lines_report *out)
{
	struct node_table t;
	struct sort_item *items;
	size_t stamp = 0, i, n = 0;
	int64_t total, base_total;

	memset(&t, 0, sizeof t);
	memset(out, 0, sizeof *out);
	total = lines_add(&t, p, index, 1, &stamp);
	if (base != NULL) {
		/* pprof reports a diff against the base's total. */
		base_total = lines_add(&t, base, base_index, -1, &stamp);
		if (base_total != 0)
			total = base_total;
	}
	items = xcalloc(t.n + 1, sizeof *items);
	for (i = 0; i < t.n; i++) {
		if (t.nodes[i].flat == 0 && t.nodes[i].cum == 0)
			continue;
		items[n].e.function = t.nodes[i].function;
		items[n].e.file = t.nodes[i].file;
		items[n].e.line = t.nodes[i].line;
		items[n].e.flat = t.nodes[i].flat;
		items[n].e.cum = t.nodes[i].cum;
		items[n].name = lines_printable(&items[n].e);
		n++;
	}
	if (n > 0)
		qsort(items, n, sizeof *items, lines_cmp);
	out->entries = xcalloc(n + 1, sizeof *out->entries);
	for (i = 0; i < n; i++) {
		out->entries[i] = items[i].e;
		free(items[i].name);
	}
	free(items);
	out->n = n;
	out->total = total;
	out->sample_index = p->types[index].type;
	out->unit = p->types[index].unit;
	out->owned = t.owned;
	out->nowned = t.nowned;
	free(t.nodes);
	free(t.slots);
}

/* Free a report. */
void
lines_release(struct lines_report *r)
{
	size_t i;

	for (i = 0; i < r->nowned; i++)
		free(r->owned[i]);
	free(r->owned);
	free(r->entries);
	memset(r, 0, sizeof *r);
}

/* A path being summed: the frame indices (into p->lines) and its value. */
struct path_acc {
	uint32_t *frames;
	size_t n;
	int64_t value;
};

/* Hash a path's frames. */
static size_t
lines_path_hash(const uint32_t *frames, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ frames[i]) * 0x100000001b3ull;
	return (size_t)(h ^ (h >> 32));
}

/* Order paths by value, largest first. */
static int
lines_path_cmp(const void *pa, const void *pb)
{
	const struct path_acc *a = pa, *b = pb;

	return a->value > b->value ? -1 : a->value < b->value;
}

/* Find the costliest call paths into file:line. */
size_t
lines_paths(const struct pprof_profile *p, int index, const char *file,
    int64_t line, struct lines_path *out, size_t max)
{
	struct path_acc *acc = NULL;
	const struct pprof_sample *s;
	const struct pprof_location *l;
	const struct pprof_function *f;
	uint32_t *stack = NULL;
	size_t nacc = 0, aacc = 0, nstack, astack = 0, i, k, j, a, n, depth;
	size_t *slots = NULL, nslots = 0, h;
	unsigned char *through;
	int64_t v;
	long hit;

	/*
	 * Mark the locations with a frame at file:line first, so samples
	 * that do not pass through one cost a scan of their location ids.
	 */
	through = xcalloc(p->nlocations + 1, 1);
	for (k = 0; k < p->nlocations; k++) {
		l = &p->locations[k];
		for (j = 0; j < l->nlines; j++) {
			f = &p->functions[p->lines[l->first_line + j].function];
			if (p->lines[l->first_line + j].line == line &&
			    strcmp(f->filename, file) == 0)
				through[k] = 1;
		}
	}
	for (i = 0; i < p->nsamples; i++) {
		s = &p->samples[i];
		v = p->values[i * p->ntypes + (size_t)index];
		if (v == 0)
			continue;
		for (k = 0; k < s->nlocs; k++)
			if (through[p->sample_locs[s->first_loc + k]])
				break;
		if (k == s->nlocs)
			continue;
		/* Frames root first: locations outermost first, lines too. */
		nstack = 0;
		hit = -1;
		for (k = s->nlocs; k-- > 0; ) {
			l = &p->locations[p->sample_locs[s->first_loc + k]];
			for (j = l->nlines; j-- > 0; ) {
				if (nstack == astack) {
					astack = astack ? astack * 2 : 64;
					stack = xrealloc(stack,
					    astack * sizeof *stack);
				}
				stack[nstack] = l->first_line + (uint32_t)j;
				f = &p->functions[p->lines[stack[nstack]].function];
				if (hit < 0 && p->lines[stack[nstack]].line ==
				    line && strcmp(f->filename, file) == 0)
					hit = (long)nstack;
				nstack++;
			}
		}
		if (hit < 0)
			continue;
		depth = (size_t)hit + 1;
		if (2 * (nacc + 1) > nslots) {
			/* Rehash: paths are found by a hash of their frames. */
			free(slots);
			nslots = nslots ? nslots * 2 : 64;
			slots = xcalloc(nslots, sizeof *slots);
			for (a = 0; a < nacc; a++) {
				h = lines_path_hash(acc[a].frames, acc[a].n);
				while (slots[h & (nslots - 1)] != 0)
					h++;
				slots[h & (nslots - 1)] = a + 1;
			}
		}
		h = lines_path_hash(stack, depth);
		for (;; h++) {
			a = slots[h & (nslots - 1)];
			if (a == 0 || (acc[a - 1].n == depth &&
			    memcmp(acc[a - 1].frames, stack,
			    depth * sizeof *stack) == 0))
				break;
		}
		if (a != 0) {
			a--;
		} else {
			slots[h & (nslots - 1)] = nacc + 1;
			a = nacc;
			if (nacc == aacc) {
				aacc = aacc ? aacc * 2 : 16;
				acc = xrealloc(acc, aacc * sizeof *acc);
			}
			acc[a].frames = xmalloc(depth * sizeof *stack);
			memcpy(acc[a].frames, stack, depth * sizeof *stack);
			acc[a].n = depth;
			acc[a].value = 0;
			nacc++;
		}
		acc[a].value += v;
	}
	if (nacc > 0)
		qsort(acc, nacc, sizeof *acc, lines_path_cmp);
	n = nacc < max ? nacc : max;
	for (a = 0; a < nacc; a++) {
		if (a < n) {
			out[a].frames = xcalloc(acc[a].n, sizeof *out[a].frames);
			for (k = 0; k < acc[a].n; k++)
				out[a].frames[k] = &p->lines[acc[a].frames[k]];
			out[a].nframes = acc[a].n;
			out[a].value = acc[a].value;
		}
		free(acc[a].frames);
	}
	free(acc);
	free(stack);
	free(slots);
	free(through);
	return n;
}

/* Free paths found by lines_paths(). */
void
lines_paths_release(struct lines_path *paths, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(paths[i].frames);
}
