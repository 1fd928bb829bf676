/*
 * pprof-fuzzer.c - libFuzzer target for the pprof reader, the per-line
 * aggregation and the call tree: the input goes through pprof_parse() as it
 * is and gzipped, and whatever parses is checked field by field and through
 * lines_compute() and flame_compute() for every sample type.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "analyzers/flame.h"
#include "analyzers/lines.h"
#include "analyzers/pprof.h"
#include "protocol/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PPROF_FUZZ_MAX (4u << 20)

static const char pprof_fuzz_prefix[] = "fuzz.pb: not a valid pprof profile: ";

/* Return |v| without overflow. */
static uint64_t
pprof_fuzz_abs(int64_t v)
{
	return v < 0 ? -(uint64_t)v : (uint64_t)v;
}

/* Check a string a profile hands out: present, and readable to its end. */
static void
pprof_fuzz_str(const char *s)
{
	if (s == NULL)
		abort();
	(void)strlen(s);
}

/* Check every index and string of a decoded profile. */
static void
pprof_fuzz_check(const struct pprof_profile *p)
{
	const struct pprof_location *l;
	const struct pprof_sample *s;
	size_t i, k, next = 0;

	if (p->name == NULL || strcmp(p->name, "fuzz.pb") != 0)
		abort();
	if (p->ntypes == 0 || p->default_type >= p->ntypes)
		abort();
	for (i = 0; i < p->ntypes; i++) {
		pprof_fuzz_str(p->types[i].type);
		pprof_fuzz_str(p->types[i].unit);
	}
	pprof_fuzz_str(p->period_type.type);
	pprof_fuzz_str(p->period_type.unit);
	if (p->nstrings == 0 || p->strings[0] == NULL ||
	    p->strings[0][0] != '\0')
		abort();
	for (i = 0; i < p->nstrings; i++)
		pprof_fuzz_str(p->strings[i]);
	/* functions[0] is "no function". */
	if (p->nfunctions == 0 || p->functions[0].name[0] != '\0' ||
	    p->functions[0].filename[0] != '\0' ||
	    p->functions[0].system_name[0] != '\0')
		abort();
	for (i = 0; i < p->nfunctions; i++) {
		pprof_fuzz_str(p->functions[i].name);
		pprof_fuzz_str(p->functions[i].system_name);
		pprof_fuzz_str(p->functions[i].filename);
	}
	for (i = 0; i < p->nlines; i++)
		if (p->lines[i].function >= p->nfunctions)
			abort();
	/* Locations' lines are consecutive runs of lines[], in order. */
	for (i = 0; i < p->nlocations; i++) {
		l = &p->locations[i];
		if (l->first_line != next ||
		    (size_t)l->first_line + l->nlines > p->nlines)
			abort();
		next = (size_t)l->first_line + l->nlines;
	}
	if (next != p->nlines)
		abort();
	/* So are samples' stacks in sample_locs[]. */
	next = 0;
	for (i = 0; i < p->nsamples; i++) {
		s = &p->samples[i];
		if (s->first_loc != next ||
		    (size_t)s->first_loc + s->nlocs > p->nsample_locs)
			abort();
		for (k = 0; k < s->nlocs; k++)
			if (p->sample_locs[s->first_loc + k] >= p->nlocations)
				abort();
		next = (size_t)s->first_loc + s->nlocs;
	}
	if (next != p->nsample_locs)
		abort();
	if (p->nsamples > 0 && p->values == NULL)
		abort();
}

/* Check what lines_paths() finds for the line of entry e. */
static void
pprof_fuzz_paths(const struct pprof_profile *p, int t,
    const struct lines_entry *e)
{
	struct lines_path paths[4];
	const struct pprof_line *leaf;
	size_t n, i, k;

	n = lines_paths(p, t, e->file, e->line, paths, 4);
	if (n > 4)
		abort();
	for (i = 0; i < n; i++) {
		if (paths[i].nframes == 0 || paths[i].frames == NULL)
			abort();
		for (k = 0; k < paths[i].nframes; k++)
			if (paths[i].frames[k] < p->lines ||
			    paths[i].frames[k] >= p->lines + p->nlines)
				abort();
		leaf = paths[i].frames[paths[i].nframes - 1];
		if (leaf->line != e->line || strcmp(p->functions[
		    leaf->function].filename, e->file) != 0)
			abort();
		if (i > 0 && paths[i].value > paths[i - 1].value)
			abort();
	}
	lines_paths_release(paths, n);
}

/*
 * Check lines_compute() on sample type t: entries sorted as pprof sorts
 * them, flat summing to the values of samples with a stack, and for a type
 * with no negative value, 0 <= flat <= cum <= total. A diff against the
 * profile itself leaves nothing.
 */
static void
pprof_fuzz_lines(const struct pprof_profile *p, int t)
{
	struct lines_report r;
	const struct lines_entry *e;
	uint64_t flat_sum = 0, want_flat = 0, total = 0;
	size_t i;
	int64_t v;
	int negative = 0;

	for (i = 0; i < p->nsamples; i++) {
		v = p->values[i * p->ntypes + (size_t)t];
		negative |= v < 0;
		total += pprof_fuzz_abs(v);
		if (p->samples[i].nlocs > 0)
			want_flat += (uint64_t)v;
	}
	lines_compute(p, t, NULL, 0, &r);
	if (r.sample_index != p->types[t].type || r.unit != p->types[t].unit)
		abort();
	if ((uint64_t)r.total != total)
		abort();
	if (r.n > p->nlines + 1 || (r.n > 0 && r.entries == NULL))
		abort();
	for (i = 0; i < r.n; i++) {
		e = &r.entries[i];
		if (e->function == NULL || e->file == NULL)
			abort();
		if (e->flat == 0 && e->cum == 0)
			abort();
		if (i > 0 && pprof_fuzz_abs(e->flat) >
		    pprof_fuzz_abs(e[-1].flat))
			abort();
		if (!negative && total <= INT64_MAX && (e->flat < 0 ||
		    e->cum < e->flat || (uint64_t)e->cum > total))
			abort();
		flat_sum += (uint64_t)e->flat;
		if (i < 3)
			pprof_fuzz_paths(p, t, e);
	}
	if (flat_sum != want_flat)
		abort();
	lines_release(&r);

	lines_compute(p, t, p, t, &r);
	if (r.n != 0 || (total != 0 && (uint64_t)r.total != total))
		abort();
	lines_release(&r);
}

/* Check that pruning leaves a tree of at most 4 nodes, all reachable. */
static void
pprof_fuzz_prune(struct flame_tree *t)
{
	unsigned char *seen = xcalloc(t->nnodes, 1);
	const struct flame_node *n;
	size_t i, k, reached = 0;

	flame_prune(t, 4);
	seen[0] = 1;
	for (i = 0; i < t->nnodes; i++) {
		n = &t->nodes[i];
		if (!seen[i])
			continue;
		reached++;
		for (k = 0; k < n->nchildren; k++) {
			if (n->children[k]->parent != n ||
			    n->children[k] <= n)
				abort();
			seen[n->children[k] - t->nodes] = 1;
		}
	}
	if (reached > 4 || reached != t->nnodes - t->pruned)
		abort();
	free(seen);
}

/*
 * Check flame_compute() on sample type t: every node worth its self and
 * its children (wrapping, as the sums are), children sorted, depths
 * bounded, the root worth every sample; against itself, an empty tree.
 * A focus on the first function keeps a tree as well formed.
 */
static void
pprof_fuzz_flame(const struct pprof_profile *p, int t)
{
	struct flame_options o;
	struct flame_tree tree;
	const struct flame_node *n, *c;
	uint64_t sum, all = 0;
	size_t i, k, pass;

	for (i = 0; i < p->nsamples; i++)
		all += (uint64_t)p->values[i * p->ntypes + (size_t)t];
	memset(&o, 0, sizeof o);
	for (pass = 0; pass < 3; pass++) {
		if (pass == 1) {
			o.base = p;
			o.base_index = t;
		} else if (pass == 2) {
			o.base = NULL;
			o.focus = p->nfunctions > 1 ? p->functions[1].name : "x";
		}
		flame_compute(p, t, &o, &tree);
		if (tree.nnodes == 0 || tree.root != &tree.nodes[0] ||
		    tree.total != frames_total(p, t))
			abort();
		if (pass == 0 && (uint64_t)tree.root->value != all)
			abort();
		if (pass == 1 && (tree.root->value != 0 ||
		    tree.root->nchildren != 0))
			abort();
		for (i = 0; i < tree.nnodes; i++) {
			n = &tree.nodes[i];
			if (n->name == NULL || n->file == NULL ||
			    n->depth > FLAME_MAX_DEPTH)
				abort();
			sum = (uint64_t)n->self;
			for (k = 0; k < n->nchildren; k++) {
				c = n->children[k];
				if (c->depth != n->depth + 1 || (k > 0 &&
				    (c->value > n->children[k - 1]->value ||
				    (c->value == n->children[k - 1]->value &&
				    strcmp(c->name, n->children[k - 1]->name)
				    <= 0))))
					abort();
				sum += (uint64_t)c->value;
			}
			if (sum != (uint64_t)n->value)
				abort();
		}
		pprof_fuzz_prune(&tree);
		flame_release(&tree);
	}
}

/* Check pprof_sample_index() on the default, every name and some junk. */
static void
pprof_fuzz_index(const struct pprof_profile *p)
{
	static const char *const junk[] = { "0", "1", "-1", "999",
	    "alloc_space", "no such type" };
	char *cause = NULL;
	size_t i;
	int k;

	if (pprof_sample_index(p, NULL, &cause) != (int)p->default_type ||
	    cause != NULL)
		abort();
	for (i = 0; i < p->ntypes; i++) {
		k = pprof_sample_index(p, p->types[i].type, &cause);
		if (k < 0 || (size_t)k >= p->ntypes || cause != NULL)
			abort();
		if (p->types[i].type[0] != '\0' &&
		    strcmp(p->types[k].type, p->types[i].type) != 0)
			abort();
	}
	for (i = 0; i < ARRAY_SIZE(junk); i++) {
		k = pprof_sample_index(p, junk[i], &cause);
		if (k < -1 || k >= (int)p->ntypes || (k == -1) !=
		    (cause != NULL))
			abort();
		free(cause);
		cause = NULL;
	}
}

/* Compress data with a gzip header into out. */
static void
pprof_fuzz_gzip(const uint8_t *data, size_t size, struct buf *out)
{
	z_stream z;

	memset(&z, 0, sizeof z);
	if (deflateInit2(&z, 1, Z_DEFLATED, 15 + 16, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK)
		abort();
	buf_grow(out, deflateBound(&z, (uLong)size));
	z.next_in = (Bytef *)(uintptr_t)data;
	z.avail_in = (uInt)size;
	z.next_out = (Bytef *)out->data;
	z.avail_out = (uInt)(out->cap - 1);
	if (deflate(&z, Z_FINISH) != Z_STREAM_END)
		abort();
	out->len = z.total_out;
	deflateEnd(&z);
}

/* Check two decodings of the same bytes agree. */
static void
pprof_fuzz_same(const struct pprof_profile *a, const struct pprof_profile *b)
{
	size_t i;

	if (a->ntypes != b->ntypes || a->default_type != b->default_type ||
	    a->nfunctions != b->nfunctions ||
	    a->nlocations != b->nlocations || a->nlines != b->nlines ||
	    a->nsamples != b->nsamples ||
	    a->nsample_locs != b->nsample_locs ||
	    a->nstrings != b->nstrings)
		abort();
	for (i = 0; i < a->nstrings; i++)
		if (strcmp(a->strings[i], b->strings[i]) != 0)
			abort();
	if (a->nsample_locs > 0 && memcmp(a->sample_locs, b->sample_locs,
	    a->nsample_locs * sizeof *a->sample_locs) != 0)
		abort();
	if (a->nsamples > 0 && memcmp(a->values, b->values,
	    a->nsamples * a->ntypes * sizeof *a->values) != 0)
		abort();
	for (i = 0; i < a->nlines; i++)
		if (a->lines[i].function != b->lines[i].function ||
		    a->lines[i].line != b->lines[i].line)
			abort();
}

/* Decode one input; check the profile or the cause. */
static struct pprof_profile *
pprof_fuzz_parse(const uint8_t *data, size_t size, char **cause)
{
	struct pprof_profile *p;
	size_t n = sizeof pprof_fuzz_prefix - 1;
	size_t t;

	*cause = NULL;
	p = pprof_parse(data, size, "fuzz.pb", PPROF_FUZZ_MAX, cause);
	if (p == NULL) {
		if (*cause == NULL || strncmp(*cause, pprof_fuzz_prefix, n) != 0 ||
		    (*cause)[n] == '\0')
			abort();
		return NULL;
	}
	if (*cause != NULL)
		abort();
	pprof_fuzz_check(p);
	pprof_fuzz_index(p);
	for (t = 0; t < p->ntypes; t++) {
		pprof_fuzz_lines(p, (int)t);
		pprof_fuzz_flame(p, (int)t);
	}
	return p;
}

/*
 * Run one input: as it is, and (unless it is gzip already) gzipped, which
 * must decode the same or fail for the same reason.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pprof_profile *plain, *zipped;
	struct buf z = BUF_INIT;
	char *why_plain, *why_zipped;

	plain = pprof_fuzz_parse(data, size, &why_plain);
	if (size < 2 || data[0] != 0x1f || data[1] != 0x8b) {
		pprof_fuzz_gzip(data, size, &z);
		zipped = pprof_fuzz_parse((const uint8_t *)z.data, z.len,
		    &why_zipped);
		if ((plain == NULL) != (zipped == NULL))
			abort();
		if (plain != NULL)
			pprof_fuzz_same(plain, zipped);
		else if (strstr(why_plain, "exceeds the limit") == NULL &&
		    strcmp(why_plain, why_zipped) != 0)
			abort();
		pprof_free(zipped);
		free(why_zipped);
		buf_release(&z);
	}
	pprof_free(plain);
	free(why_plain);
	return 0;
}
