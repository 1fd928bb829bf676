/*
 * flame.h - the call tree of a pprof profile, as a flame graph draws it: a
 * node is one function in one call context (the children of a node are
 * the functions it calls, merged by name, as pprof's flame graph merges
 * them), inlined frames are frames of their own, and recursion shows as
 * nested nodes.
 *
 * Invariants:
 * - A node's value is what the samples whose stacks pass through it are
 *   worth; its self is what those whose leaf it is are worth. So for a
 *   function F, pprof -top's flat(F) is the sum of self over the nodes
 *   named F, and its cum(F) the sum of value over the nodes named F with
 *   no ancestor named F (recursion counts once).
 * - The root's value is the sum over all samples kept (with a focus, only
 *   those passing through it), its self what samples without a stack are
 *   worth; total is pprof's total, which a focus does not change (pprof's
 *   "of N total") and which is the base's total in a diff.
 * - Children are sorted by value (largest first), then name; nodes whose
 *   value, self and descendants are all 0 are dropped.
 * - Bounded whatever the profile: at most max_depth frames per stack (the
 *   deeper frames are dropped and the value counts as self of the deepest
 *   frame kept), at most max_nodes nodes (a stack that would need more
 *   stops at its last existing node the same way); cut counts such
 *   samples. Nothing recurses on the profile's shape.
 * - flame_prune() makes a big tree small enough to show: it keeps the
 *   nodes whose subtrees hold the largest values, and a kept node's
 *   ancestors with it; values stay what they were (a node is then worth
 *   more than its self and its children shown).
 * - A tree borrows function and file names from the profiles, so it must
 *   not outlive them; flame_release() frees the rest.
 */
#ifndef HEAPLENS_FLAME_H
#define HEAPLENS_FLAME_H

#include <stddef.h>
#include <stdint.h>

#include "analyzers/frames.h"
#include "analyzers/pprof.h"

/* The defaults: deep enough for any Go stack, shallow enough for JSON. */
#define FLAME_MAX_DEPTH 256
#define FLAME_MAX_NODES (1u << 20)
/* Nodes a tree shown as JSON keeps (flame_prune()): editors draw them all. */
#define FLAME_MAX_SHOWN 20000

struct flame_node {
	const char *name;		/* function; "root"; "<unknown>" */
	const char *file;		/* the profile's (cleaned) path, or "" */
	int64_t line;			/* the hottest line, 1-based; 0: none */
	int64_t value;
	int64_t self;
	struct flame_node *parent;	/* NULL for the root */
	struct flame_node **children;
	size_t nchildren;
	size_t depth;			/* 0 for the root */
};

struct flame_options {
	const struct pprof_profile *base;	/* subtract it, or NULL */
	int base_index;			/* its sample type */
	const char *focus;		/* keep stacks through a function
					   whose name contains it, or NULL */
	size_t max_depth;		/* 0: FLAME_MAX_DEPTH */
	size_t max_nodes;		/* 0: FLAME_MAX_NODES */
};

struct flame_tree {
	struct flame_node *root;	/* nodes[0] */
	struct flame_node *nodes;	/* parents before their children */
	size_t nnodes;			/* pruned ones included */
	size_t pruned;			/* nodes flame_prune() left out */
	int64_t total;
	const char *sample_index;
	const char *unit;
	size_t cut;			/* samples cut at a bound */
	struct flame_node **kids;	/* storage of the children arrays */
	struct frames frames;		/* owns cleaned file names */
};

/*
 * Build the call tree of sample type index of p into *out (free it with
 * flame_release()); o may be NULL for no base, no focus and the default
 * bounds. With a base, its samples are subtracted first, as pprof's
 * -diff_base does, so values may be negative.
 */
void flame_compute(const struct pprof_profile *p, int index,
    const struct flame_options *o, struct flame_tree *out);

void flame_release(struct flame_tree *t);

/*
 * Keep at most max nodes (the root included, max >= 1) reachable from the
 * root: those whose subtrees hold the largest |value|s, ties left out.
 * nodes[] keeps them all; the children arrays lose the others, counted in
 * t->pruned.
 */
void flame_prune(struct flame_tree *t, size_t max);

#endif
