/*
 * flame.c - build the call tree of a profile: every sample's stack is
 * walked from the root once, each frame finding its node among the
 * children of the one before through a hash table keyed by (parent,
 * function name), and what each node spends per line is summed in a second
 * table to find its hottest line.
 */
#include <stdlib.h>
#include <string.h>

#include "analyzers/flame.h"
#include "protocol/util.h"

/* Entries of the line table per node allowed, at most. */
#define FLAME_HOT_PER_NODE 4

/* A node while the tree grows. */
struct flame_raw {
	uint32_t parent;
	uint32_t name;			/* id in flame_build.names */
	uint32_t hot;			/* frame of the hottest line so far */
	uint32_t depth;
	int64_t value;
	int64_t self;
	int64_t hot_value;
};

/* What one node spent on one frame (one line of its function). */
struct flame_hot {
	uint32_t node;
	uint32_t frame;
	int64_t value;
};

/* An open-addressing table of 64-bit keys to indices, for both tables. */
struct flame_map {
	uint64_t *keys;
	uint32_t *vals;			/* index + 1, or 0 */
	size_t nslots;
	size_t n;
};

/* Everything the build needs. */
struct flame_build {
	const struct flame_options *o;
	size_t max_depth;
	size_t max_nodes;
	struct frames *frames;
	uint32_t *frame_name;		/* name id by frame id */
	size_t nframe_name;
	const char **names;		/* distinct function names */
	size_t nnames;
	size_t anames;
	uint32_t *name_slots;		/* name id + 1, or 0 */
	size_t nname_slots;
	struct flame_raw *raw;
	size_t nraw;
	size_t araw;
	struct flame_map children;	/* (parent, name) -> node */
	struct flame_hot *hot;
	size_t nhot;
	size_t ahot;
	struct flame_map hot_index;	/* (node, frame) -> hot entry */
	size_t cut;
};

/* Mix a 64-bit key into a hash. */
static uint64_t
flame_mix(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdull;
	k ^= k >> 33;
	k *= 0xc4ceb9fe1a85ec53ull;
	return k ^ (k >> 33);
}

/* Double a map's slots and re-insert its keys. */
static void
flame_map_grow(struct flame_map *m)
{
	uint64_t *keys = m->keys;
	uint32_t *vals = m->vals;
	size_t old = m->nslots, i, j, mask;

	m->nslots = old ? old * 2 : 1024;
	m->keys = xcalloc(m->nslots, sizeof *m->keys);
	m->vals = xcalloc(m->nslots, sizeof *m->vals);
	mask = m->nslots - 1;
	for (i = 0; i < old; i++) {
		if (vals[i] == 0)
			continue;
		j = flame_mix(keys[i]) & mask;
		while (m->vals[j] != 0)
			j = (j + 1) & mask;
		m->keys[j] = keys[i];
		m->vals[j] = vals[i];
	}
	free(keys);
	free(vals);
}

/*
 * Return the slot of key in m: its value is the index + 1 when the key is
 * present, 0 when the slot is where it would go.
 */
static size_t
flame_map_slot(struct flame_map *m, uint64_t key)
{
	size_t j, mask;

	if (2 * (m->n + 1) > m->nslots)
		flame_map_grow(m);
	mask = m->nslots - 1;
	j = flame_mix(key) & mask;
	while (m->vals[j] != 0 && m->keys[j] != key)
		j = (j + 1) & mask;
	return j;
}

/* Store index at a slot flame_map_slot() found empty. */
static void
flame_map_put(struct flame_map *m, size_t slot, uint64_t key, size_t index)
{
	m->keys[slot] = key;
	m->vals[slot] = (uint32_t)index + 1;
	m->n++;
}

/* Free a map. */
static void
flame_map_release(struct flame_map *m)
{
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof *m);
}

/* Hash a string. */
static uint64_t
flame_hash_str(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;

	while (*s != '\0')
		h = (h ^ (unsigned char)*s++) * 0x100000001b3ull;
	return h;
}

/* Double the name slots and re-insert every name. */
static void
flame_names_grow(struct flame_build *b)
{
	size_t i, j, mask;

	free(b->name_slots);
	b->nname_slots = b->nname_slots ? b->nname_slots * 2 : 1024;
	b->name_slots = xcalloc(b->nname_slots, sizeof *b->name_slots);
	mask = b->nname_slots - 1;
	for (i = 0; i < b->nnames; i++) {
		j = flame_hash_str(b->names[i]) & mask;
		while (b->name_slots[j] != 0)
			j = (j + 1) & mask;
		b->name_slots[j] = (uint32_t)i + 1;
	}
}

/* Return the id of a function name, adding it when new. */
static uint32_t
flame_name(struct flame_build *b, const char *name)
{
	size_t j, mask;

	if (2 * (b->nnames + 1) > b->nname_slots)
		flame_names_grow(b);
	mask = b->nname_slots - 1;
	j = flame_hash_str(name) & mask;
	while (b->name_slots[j] != 0) {
		if (strcmp(b->names[b->name_slots[j] - 1], name) == 0)
			return b->name_slots[j] - 1;
		j = (j + 1) & mask;
	}
	if (b->nnames == b->anames) {
		b->anames = b->anames ? b->anames * 2 : 256;
		b->names = xrealloc(b->names, b->anames * sizeof *b->names);
	}
	b->names[b->nnames] = name;
	b->name_slots[j] = (uint32_t)++b->nnames;
	return (uint32_t)(b->nnames - 1);
}

/* Give the frames added since the last call their name ids. */
static void
flame_name_frames(struct flame_build *b)
{
	size_t i;

	b->frame_name = xrealloc(b->frame_name,
	    (b->frames->n + 1) * sizeof *b->frame_name);
	for (i = b->nframe_name; i < b->frames->n; i++)
		b->frame_name[i] = flame_name(b, b->frames->v[i].function);
	b->nframe_name = b->frames->n;
}

/* Add a node; return its index. */
static uint32_t
flame_add_node(struct flame_build *b, uint32_t parent, uint32_t name,
    uint32_t frame, uint32_t depth)
{
	struct flame_raw *r;

	if (b->nraw == b->araw) {
		b->araw = b->araw ? b->araw * 2 : 1024;
		b->raw = xrealloc(b->raw, b->araw * sizeof *b->raw);
	}
	r = &b->raw[b->nraw];
	memset(r, 0, sizeof *r);
	r->parent = parent;
	r->name = name;
	r->hot = frame;
	r->depth = depth;
	return (uint32_t)b->nraw++;
}

/*
 * Return the child of parent for frame, made if needed; UINT32_MAX when
 * the tree is full.
 */
static uint32_t
flame_child(struct flame_build *b, uint32_t parent, uint32_t frame)
{
	uint32_t name = b->frame_name[frame];
	uint64_t key = (uint64_t)parent << 32 | name;
	size_t slot = flame_map_slot(&b->children, key);

	if (b->children.vals[slot] != 0)
		return b->children.vals[slot] - 1;
	if (b->nraw >= b->max_nodes)
		return UINT32_MAX;
	flame_map_put(&b->children, slot, key, b->nraw);
	return flame_add_node(b, parent, name, frame,
	    b->raw[parent].depth + 1);
}

/* Add v to what node spent on frame (unless the table is full). */
static void
flame_add_hot(struct flame_build *b, uint32_t node, uint32_t frame,
    int64_t v)
{
	uint64_t key = (uint64_t)node << 32 | frame;
	size_t slot = flame_map_slot(&b->hot_index, key);

	if (b->hot_index.vals[slot] != 0) {
		frames_add(&b->hot[b->hot_index.vals[slot] - 1].value, v);
		return;
	}
	if (b->nhot >= FLAME_HOT_PER_NODE * b->max_nodes)
		return;
	if (b->nhot == b->ahot) {
		b->ahot = b->ahot ? b->ahot * 2 : 1024;
		b->hot = xrealloc(b->hot, b->ahot * sizeof *b->hot);
	}
	b->hot[b->nhot].node = node;
	b->hot[b->nhot].frame = frame;
	b->hot[b->nhot].value = v;
	flame_map_put(&b->hot_index, slot, key, b->nhot++);
}

/*
 * Step from node *cur into frame with value v; return 0, or -1 when a
 * bound stops the stack there.
 */
static int
flame_step(struct flame_build *b, uint32_t *cur, uint32_t frame, int64_t v)
{
	uint32_t child;

	if (b->raw[*cur].depth >= b->max_depth)
		return -1;
	child = flame_child(b, *cur, frame);
	if (child == UINT32_MAX)
		return -1;
	frames_add(&b->raw[child].value, v);
	flame_add_hot(b, child, frame, v);
	*cur = child;
	return 0;
}

/* Return whether a location has a frame whose function contains focus. */
static int
flame_location_matches(const struct pprof_profile *p,
    const struct pprof_location *l, const char *focus)
{
	size_t j;

	for (j = 0; j < l->nlines; j++)
		if (strstr(p->functions[p->lines[l->first_line + j].function]
		    .name, focus) != NULL)
			return 1;
	return 0;
}

/* Mark the locations of p that pass the focus; NULL without a focus. */
static unsigned char *
flame_focus(const struct pprof_profile *p, const char *focus)
{
	unsigned char *match;
	size_t k;

	if (focus == NULL || *focus == '\0')
		return NULL;
	match = xcalloc(p->nlocations + 1, 1);
	for (k = 0; k < p->nlocations; k++)
		match[k] = (unsigned char)flame_location_matches(p,
		    &p->locations[k], focus);
	return match;
}

/* Return whether sample s passes through a focused location. */
static int
flame_sample_matches(const struct pprof_profile *p,
    const struct pprof_sample *s, const unsigned char *match)
{
	size_t k;

	if (match == NULL)
		return 1;
	for (k = 0; k < s->nlocs; k++)
		if (match[p->sample_locs[s->first_loc + k]])
			return 1;
	return 0;
}

/* Walk one sample's stack from the root; return -1 if a bound cut it. */
static int
flame_walk(struct flame_build *b, const struct pprof_profile *p,
    const struct pprof_sample *s, const uint32_t *frame_id,
    uint32_t unknown, int64_t v, uint32_t *leaf)
{
	const struct pprof_location *l;
	size_t k, j;

	*leaf = 0;
	/* Locations are leaf first, and so are a location's lines. */
	for (k = s->nlocs; k-- > 0; ) {
		l = &p->locations[p->sample_locs[s->first_loc + k]];
		if (l->nlines == 0 && flame_step(b, leaf, unknown, v) != 0)
			return -1;
		for (j = l->nlines; j-- > 0; )
			if (flame_step(b, leaf, frame_id[l->first_line + j],
			    v) != 0)
				return -1;
	}
	return 0;
}

/* Add the samples of p (sign -1 for a base) to the tree. */
static void
flame_add(struct flame_build *b, const struct pprof_profile *p, int index,
    int64_t sign)
{
	const struct pprof_sample *s;
	unsigned char *match;
	uint32_t *frame_id, unknown, leaf;
	int64_t v;
	size_t i;

	frame_id = frames_map(b->frames, p, &unknown);
	flame_name_frames(b);
	match = flame_focus(p, b->o->focus);
	for (i = 0; i < p->nsamples; i++) {
		s = &p->samples[i];
		v = frames_value(p, i, index, sign);
		if (v == 0 || !flame_sample_matches(p, s, match))
			continue;
		frames_add(&b->raw[0].value, v);
		if (flame_walk(b, p, s, frame_id, unknown, v, &leaf) != 0)
			b->cut++;
		frames_add(&b->raw[leaf].self, v);
	}
	free(match);
	free(frame_id);
}

/*
 * Return whether frame a's line is a better hottest line than b's at the
 * same value: the lower line, then the file name, so that ties are broken
 * the same way whatever the order of the samples.
 */
static int
flame_better_tie(const struct frames *t, uint32_t a, uint32_t b)
{
	if (t->v[a].line != t->v[b].line)
		return t->v[a].line < t->v[b].line;
	return strcmp(t->v[a].file, t->v[b].file) < 0;
}

/* Choose each node's hottest line: the largest |value|. */
static void
flame_pick_lines(struct flame_build *b)
{
	const struct flame_hot *h;
	struct flame_raw *r;
	uint64_t a, best;
	size_t i;

	for (i = 0; i < b->nhot; i++) {
		h = &b->hot[i];
		r = &b->raw[h->node];
		a = frames_abs(h->value);
		best = frames_abs(r->hot_value);
		if (a > best || (a == best &&
		    flame_better_tie(b->frames, h->frame, r->hot))) {
			r->hot = h->frame;
			r->hot_value = h->value;
		}
	}
}

/* Order children: value descending, then name. */
static int
flame_child_cmp(const void *pa, const void *pb)
{
	const struct flame_node *a = *(struct flame_node *const *)pa;
	const struct flame_node *b = *(struct flame_node *const *)pb;

	if (a->value != b->value)
		return a->value > b->value ? -1 : 1;
	return strcmp(a->name, b->name);
}

/*
 * Drop the empty nodes and lay out the rest: nodes[] in the order they
 * were made (parents first), children arrays sorted.
 */
static void
flame_finish(struct flame_build *b, struct flame_tree *out)
{
	uint32_t *newid = xmalloc((b->nraw + 1) * sizeof *newid);
	size_t *first = NULL, i, n = 0, p;
	unsigned char *keep = xcalloc(b->nraw + 1, 1);
	struct flame_node *node;
	const struct flame_raw *r;

	/* Children come after their parents: decide from the leaves up. */
	keep[0] = 1;
	for (i = b->nraw; i-- > 1; ) {
		r = &b->raw[i];
		if (r->value != 0 || r->self != 0 || keep[i]) {
			keep[i] = 1;
			keep[r->parent] = 1;
		}
	}
	for (i = 0; i < b->nraw; i++)
		newid[i] = keep[i] ? (uint32_t)n++ : UINT32_MAX;
	out->nodes = xcalloc(n, sizeof *out->nodes);
	out->kids = xcalloc(n, sizeof *out->kids);
	out->nnodes = n;
	first = xcalloc(n + 1, sizeof *first);
	/* Count the children, then give each node its run of kids[]. */
	for (i = 1; i < b->nraw; i++)
		if (keep[i])
			first[newid[b->raw[i].parent] + 1]++;
	for (i = 0; i < n; i++)
		first[i + 1] += first[i];
	for (i = 0; i < b->nraw; i++) {
		if (!keep[i])
			continue;
		r = &b->raw[i];
		node = &out->nodes[newid[i]];
		node->name = i == 0 ? "root" : *b->names[r->name] != '\0' ?
		    b->names[r->name] : "<unknown>";
		node->file = i == 0 ? "" : b->frames->v[r->hot].file;
		node->line = i == 0 ? 0 : b->frames->v[r->hot].line;
		node->value = r->value;
		node->self = r->self;
		node->depth = r->depth;
		node->children = out->kids + first[newid[i]];
		if (i > 0) {
			p = newid[r->parent];
			node->parent = &out->nodes[p];
			out->nodes[p].children[out->nodes[p].nchildren++] =
			    node;
		}
	}
	for (i = 0; i < n; i++)
		if (out->nodes[i].nchildren > 1)
			qsort(out->nodes[i].children, out->nodes[i].nchildren,
			    sizeof *out->nodes[i].children, flame_child_cmp);
	out->root = &out->nodes[0];
	free(first);
	free(keep);
	free(newid);
}

/* Build the call tree. */
void
flame_compute(const struct pprof_profile *p, int index,
    const struct flame_options *o, struct flame_tree *out)
{
	static const struct flame_options none;
	struct flame_build b;
	int64_t base_total;

	memset(out, 0, sizeof *out);
	memset(&b, 0, sizeof b);
	frames_init(&out->frames);
	b.o = o != NULL ? o : &none;
	b.max_depth = b.o->max_depth ? b.o->max_depth : FLAME_MAX_DEPTH;
	b.max_nodes = b.o->max_nodes ? b.o->max_nodes : FLAME_MAX_NODES;
	if (b.max_nodes > UINT32_MAX / FLAME_HOT_PER_NODE)
		b.max_nodes = UINT32_MAX / FLAME_HOT_PER_NODE;
	b.frames = &out->frames;
	flame_add_node(&b, 0, 0, 0, 0);
	flame_add(&b, p, index, 1);
	out->total = frames_total(p, index);
	if (b.o->base != NULL) {
		flame_add(&b, b.o->base, b.o->base_index, -1);
		/* pprof reports a diff against the base's total. */
		base_total = frames_total(b.o->base, b.o->base_index);
		if (base_total != 0)
			out->total = base_total;
	}
	flame_pick_lines(&b);
	flame_finish(&b, out);
	out->sample_index = p->types[index].type;
	out->unit = p->types[index].unit;
	out->cut = b.cut;
	flame_map_release(&b.children);
	flame_map_release(&b.hot_index);
	free(b.raw);
	free(b.hot);
	free(b.names);
	free(b.name_slots);
	free(b.frame_name);
}

/* Order |values| largest first. */
static int
flame_abs_cmp(const void *pa, const void *pb)
{
	uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;

	return a > b ? -1 : a < b;
}

/* Keep the nodes whose subtrees hold the largest values. */
void
flame_prune(struct flame_tree *t, size_t max)
{
	struct flame_node *n;
	uint64_t *m, *sorted, v, cut;
	size_t i, k, kept;

	if (t->nnodes - t->pruned <= max || max == 0)
		return;
	/*
	 * m[i]: the largest |value| in node i's subtree, which never grows
	 * from a node to its children, so keeping the nodes above a bound
	 * keeps the ancestors of every node kept. Children come after
	 * their parents in nodes[].
	 */
	m = xcalloc(t->nnodes, sizeof *m);
	for (i = t->nnodes; i-- > 0; ) {
		n = &t->nodes[i];
		v = frames_abs(n->value);
		if (v > m[i])
			m[i] = v;
		if (n->parent != NULL && m[i] > m[n->parent - t->nodes])
			m[n->parent - t->nodes] = m[i];
	}
	sorted = xmalloc(t->nnodes * sizeof *sorted);
	memcpy(sorted, m + 1, (t->nnodes - 1) * sizeof *sorted);
	qsort(sorted, t->nnodes - 1, sizeof *sorted, flame_abs_cmp);
	/* The first node left out sets the bound: keep what is above it. */
	cut = sorted[max - 1];
	for (i = 0; i < t->nnodes; i++) {
		n = &t->nodes[i];
		for (k = kept = 0; k < n->nchildren; k++)
			if (m[n->children[k] - t->nodes] > cut)
				n->children[kept++] = n->children[k];
		n->nchildren = kept;
	}
	for (i = 1, kept = 1; i < t->nnodes; i++)
		kept += m[i] > cut;
	t->pruned = t->nnodes - kept;
	free(sorted);
	free(m);
}

/* Free a tree. */
void
flame_release(struct flame_tree *t)
{
	free(t->nodes);
	free(t->kids);
	frames_release(&t->frames);
	memset(t, 0, sizeof *t);
}
