/*
 * internal.h - what the parts of the leak-check framework share: leakcheck.c
 * runs the checks on a file, index.c flattens its tree for fast parents and
 * walks, memo.c keeps findings per function between runs, fix.c makes and
 * applies quick fixes, package.c reads the other files of the package.
 * Checks include leakcheck.h only.
 */
#ifndef HEAPLENS_LEAKCHECK_INTERNAL_H
#define HEAPLENS_LEAKCHECK_INTERNAL_H

#include <stdint.h>

#include "analyzers/leakcheck.h"

/*
 * index.c: the nodes of the tree being checked, flattened once.
 * tree-sitter's own ts_node_parent searches down from the root on every
 * call (its cost grows with the number of declarations in the file), and a
 * cursor walk per check costs more than a walk over an array.
 */
struct leak_flat {
	TSNode node;
	uint32_t parent;		/* index of the parent, or UINT32_MAX */
	uint32_t end;			/* index past the last descendant */
	int named;
};

struct leak_index {
	struct leak_flat *nodes;	/* preorder: source order */
	size_t n;
	size_t alloc;
	uint32_t *slots;		/* hash of node ids: index + 1, 0 free */
	size_t mask;
	int shift;
	int partial;			/* some of the root's children left out */
};

/*
 * Flatten the tree under root and hash its nodes; with skip, the root's
 * children for which skip(child, arg) holds are left out with what they
 * hold (walks from the root then pass them over, unless a whole-file check
 * runs).
 */
void leak_index_build(struct leak_index *ix, TSNode root,
    int (*skip)(TSNode child, void *arg), void *arg);
void leak_index_free(struct leak_index *ix);

/*
 * Make ix the index leak_parent and leak_walk use on this thread (NULL:
 * none); whole says a whole-file check runs, which walks the children the
 * index left out by cursor.
 */
void leak_index_use(struct leak_index *ix, int whole);

/* memo.c: a top-level function of this run. */
struct leak_unit {
	TSNode decl;
	size_t start;			/* its comments' start, or its own */
	size_t row;			/* start's row */
	uint64_t hash;
	long from;			/* the memo unit it matches, or -1 */
};

/*
 * List the top-level functions of root in units (with the comments right
 * above each as part of it) and hash what every function's checks see in
 * *context.
 */
size_t leak_units(const struct leak_input *in, TSNode root, int is_main,
    struct leak_unit **units, uint64_t *context);

/* Match this run's functions with the memo's, in order where they are. */
void leak_units_match(struct leak_unit *units, size_t n,
    const struct leak_memo *m);

/* The functions of a run, for leak_skip_matched. */
struct leak_skip {
	const struct leak_unit *units;
	size_t n;
	size_t at;			/* children come in order: so do units */
};

/* The index filter (arg a struct leak_skip): the memo's functions. */
int leak_skip_matched(TSNode child, void *arg);

/* Return whether the memo holds what the last run found. */
int leak_memo_valid(const struct leak_memo *memo, uint64_t context);

/*
 * Bring the memo up to date with this run, whose own findings are
 * out->items[first..), and add the ones it keeps to out.
 */
void leak_memo_update(struct leak_memo *memo, const struct leak_unit *units,
    size_t n, uint64_t context, const int *wanted, struct leak_findings *out,
    size_t first);

/* Forget what a memo holds. */
void leak_memo_clear(struct leak_memo *memo);


#endif
