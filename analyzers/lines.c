/*
 * lines.c - aggregate profile samples by source line.
 *
 * Frames are first given their ids once per distinct location line (not
 * per sample, frames.c), so the per-sample work is a walk over precomputed
 * ids with a stamp per frame to count each frame once per sample.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzers/frames.h"
#include "analyzers/lines.h"
#include "protocol/util.h"

/* What a frame costs: pprof -lines's flat and cum of that line. */
struct lines_cost {
	int64_t flat;
	int64_t cum;
	size_t stamp;			/* last sample that counted it, + 1 */
};

/* The frames seen so far and their costs, indexed alike. */
struct lines_acc {
	struct frames t;
	struct lines_cost *costs;
	size_t ncosts;
};

/* Count v once for frame id of the sample stamped stamp. */
static void
lines_count(struct lines_acc *a, uint32_t id, int64_t v, size_t stamp)
{
	if (a->costs[id].stamp != stamp) {
		a->costs[id].stamp = stamp;
		frames_add(&a->costs[id].cum, v);
	}
}

/* Add the samples of p (sign -1 for a base) to the costs. */
static int64_t
lines_add(struct lines_acc *a, const struct pprof_profile *p, int index,
    int64_t sign, size_t *stamp)
{
	const struct pprof_sample *s;
	const struct pprof_location *l;
	uint32_t *frame_id, unknown, id, leaf;
	int64_t v;
	size_t i, k, j;

	frame_id = frames_map(&a->t, p, &unknown);
	a->costs = xrealloc(a->costs, a->t.n * sizeof *a->costs);
	memset(a->costs + a->ncosts, 0,
	    (a->t.n - a->ncosts) * sizeof *a->costs);
	a->ncosts = a->t.n;
	for (i = 0; i < p->nsamples; i++) {
		s = &p->samples[i];
		v = frames_value(p, i, index, sign);
		if (v == 0 || s->nlocs == 0)
			continue;
		++*stamp;
		leaf = UINT32_MAX;
		for (k = 0; k < s->nlocs; k++) {
			l = &p->locations[p->sample_locs[s->first_loc + k]];
			if (l->nlines == 0) {
				if (leaf == UINT32_MAX)
					leaf = unknown;
				lines_count(a, unknown, v, *stamp);
				continue;
			}
			for (j = 0; j < l->nlines; j++) {
				id = frame_id[l->first_line + j];
				if (leaf == UINT32_MAX)
					leaf = id;
				lines_count(a, id, v, *stamp);
			}
		}
		frames_add(&a->costs[leaf].flat, v);
	}
	free(frame_id);
	return frames_total(p, index);
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
	uint64_t fa = frames_abs(a->e.flat), fb = frames_abs(b->e.flat);
	uint64_t ca = frames_abs(a->e.cum), cb = frames_abs(b->e.cum);
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
	struct lines_acc a;
	struct sort_item *items;
	size_t stamp = 0, i, n = 0;
	int64_t total, base_total;

	memset(&a, 0, sizeof a);
	frames_init(&a.t);
	memset(out, 0, sizeof *out);
	total = lines_add(&a, p, index, 1, &stamp);
	if (base != NULL) {
		/* pprof reports a diff against the base's total. */
		base_total = lines_add(&a, base, base_index, -1, &stamp);
		if (base_total != 0)
			total = base_total;
	}
	items = xcalloc(a.t.n + 1, sizeof *items);
	for (i = 0; i < a.t.n; i++) {
		if (a.costs[i].flat == 0 && a.costs[i].cum == 0)
			continue;
		items[n].e.function = a.t.v[i].function;
		items[n].e.file = a.t.v[i].file;
		items[n].e.line = a.t.v[i].line;
		items[n].e.flat = a.costs[i].flat;
		items[n].e.cum = a.costs[i].cum;
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
	/* The entries borrow the cleaned names: the report keeps them. */
	out->owned = a.t.owned;
	out->nowned = a.t.nowned;
	a.t.owned = NULL;
	a.t.nowned = 0;
	frames_release(&a.t);
	free(a.costs);
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
		frames_add(&acc[a].value, v);
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
