/*
 * index.c - the tree of the file being checked, flattened once in source
 * order with each node's parent and the end of its subtree, and its nodes
 * hashed by id: leak_parent is a lookup and leak_walk a loop over an array.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analyzers/leakcheck/internal.h"
#include "protocol/util.h"

/* One index per thread, for the tree leakcheck_run is checking. */
static _Thread_local struct leak_index *leak_tree_index;
static _Thread_local int leak_walk_whole;	/* a whole-file check runs */

/* Use an index on this thread. */
void
leak_index_use(struct leak_index *ix, int whole)
{
	leak_tree_index = ix;
	leak_walk_whole = whole;
}

/* Return a node id's slot in the index's hash. */
static size_t
leak_index_slot(const struct leak_index *ix, const void *id)
{
	size_t h = (size_t)(((uint64_t)(uintptr_t)id * 0x9E3779B97F4A7C15u) >>
	    ix->shift);

	for (; ix->slots[h] != 0 && ix->nodes[ix->slots[h] - 1].node.id != id;
	    h = (h + 1) & ix->mask)
		;
	return h;
}

/* Append a node; return its index. */
static uint32_t
leak_index_add(struct leak_index *ix, TSNode node, uint32_t parent)
{
	if (ix->n == ix->alloc) {
		ix->alloc = ix->alloc ? ix->alloc * 2 : 1024;
		ix->nodes = xrealloc(ix->nodes, ix->alloc * sizeof *ix->nodes);
	}
	ix->nodes[ix->n].node = node;
	ix->nodes[ix->n].parent = parent;
	ix->nodes[ix->n].end = 0;
	ix->nodes[ix->n].named = ts_node_is_named(node);
	return (uint32_t)ix->n++;
}

/*
 * Append the subtree of top (whose parent is node parent of the index, or
 * UINT32_MAX), in preorder; with skip, top's children for which it holds
 * are left out.
 */
static void
leak_index_flatten(struct leak_index *ix, TSNode top, uint32_t parent,
    int (*skip)(TSNode child, void *arg), void *arg)
{
	TSTreeCursor c = ts_tree_cursor_new(top);
	uint32_t *stack = xmalloc(64 * sizeof *stack);
	size_t depth = 0, salloc = 64;

	stack[0] = leak_index_add(ix, top, parent);
	for (;;) {
		if (ts_tree_cursor_goto_first_child(&c)) {
			if (++depth == salloc) {
				salloc *= 2;
				stack = xrealloc(stack, salloc * sizeof *stack);
			}
		} else {
			for (;;) {
				ix->nodes[stack[depth]].end = (uint32_t)ix->n;
				if (depth > 0 &&
				    ts_tree_cursor_goto_next_sibling(&c))
					break;
				if (depth == 0 || !ts_tree_cursor_goto_parent(&c))
					goto flat;
				depth--;
			}
		}
		/* A child of top to leave out: on to its next sibling. */
		while (depth == 1 && skip != NULL &&
		    skip(ts_tree_cursor_current_node(&c), arg)) {
			ix->partial = 1;
			if (!ts_tree_cursor_goto_next_sibling(&c)) {
				ix->nodes[stack[0]].end = (uint32_t)ix->n;
				goto flat;
			}
		}
		stack[depth] = leak_index_add(ix, ts_tree_cursor_current_node(&c),
		    stack[depth - 1]);
	}
flat:
	ts_tree_cursor_delete(&c);
	free(stack);
}

/* Hash nodes[from..n), growing the table (and rehashing) when needed. */
static void
leak_index_hash(struct leak_index *ix, size_t from)
{
	size_t cap = ix->mask + 1, i;
	int bits = 64 - ix->shift;

	if (ix->slots == NULL || 2 * ix->n > cap) {
		for (cap = 64, bits = 6; cap < 2 * ix->n; cap *= 2)
			bits++;
		free(ix->slots);
		ix->slots = xcalloc(cap, sizeof *ix->slots);
		ix->mask = cap - 1;
		ix->shift = 64 - bits;
		from = 0;
	}
	for (i = from; i < ix->n; i++)
		ix->slots[leak_index_slot(ix, ix->nodes[i].node.id)] =
		    (uint32_t)i + 1;
}

/* Flatten the tree under root and hash its nodes. */
void
leak_index_build(struct leak_index *ix, TSNode root,
    int (*skip)(TSNode child, void *arg), void *arg)
{
	memset(ix, 0, sizeof *ix);
	leak_index_flatten(ix, root, UINT32_MAX, skip, arg);
	leak_index_hash(ix, 0);
}

/*
 * Index the top-level declaration holding node, when the index left it out
 * (a whole-file check reaching a function the memo answers for): walks and
 * parents there are then as cheap as anywhere. Returns whether it did.
 */
static int
leak_index_extend(struct leak_index *ix, TSNode node)
{
	TSNode root = ix->nodes[0].node, top;
	uint32_t at = ts_node_start_byte(node);
	size_t from = ix->n;

	if (!ix->partial || ts_node_is_null(node))
		return 0;
	top = ts_node_first_child_for_byte(root, at);
	if (ts_node_is_null(top) || ts_node_start_byte(top) > at ||
	    ts_node_end_byte(top) < ts_node_end_byte(node) ||
	    ix->slots[leak_index_slot(ix, top.id)] != 0)
		return 0;
	leak_index_flatten(ix, top, 0, NULL, NULL);
	leak_index_hash(ix, from);
	return 1;
}

/* Free an index. */
void
leak_index_free(struct leak_index *ix)
{
	free(ix->nodes);
	free(ix->slots);
}

/*
 * Return a node's place in the current index, or -1; a node of a function
 * the index left out gets its function indexed first.
 */
static long
leak_index_find(TSNode node)
{
	struct leak_index *ix = leak_tree_index;
	uint32_t at;

	if (ix == NULL || ix->n == 0)
		return -1;
	at = ix->slots[leak_index_slot(ix, node.id)];
	if (at == 0 && leak_index_extend(ix, node))
		at = ix->slots[leak_index_slot(ix, node.id)];
	return at != 0 ? (long)at - 1 : -1;
}

/* Return a node's parent. */
TSNode
leak_parent(TSNode node)
{
	long i;

	if (ts_node_is_null(node))
		return node;
	i = leak_index_find(node);
	if (i < 0)
		return ts_node_parent(node);
	if (leak_tree_index->nodes[i].parent == UINT32_MAX)
		return ts_node_parent(node);	/* the root: null */
	return leak_tree_index->nodes[leak_tree_index->nodes[i].parent].node;
}

/* Visit named nodes depth first with a cursor (nodes not indexed). */
static void
leak_walk_cursor(TSNode root, int (*fn)(TSNode node, void *data),
    void *data)
{
	TSTreeCursor c = ts_tree_cursor_new(root);
	int descend = fn(root, data);

	for (;;) {
		if (!descend || !ts_tree_cursor_goto_first_child(&c)) {
			while (!ts_tree_cursor_goto_next_sibling(&c))
				if (!ts_tree_cursor_goto_parent(&c)) {
					ts_tree_cursor_delete(&c);
					return;
				}
		}
		/* Anonymous nodes (punctuation, keywords) are passed over. */
		descend = 1;
		if (ts_node_is_named(ts_tree_cursor_current_node(&c)))
			descend = fn(ts_tree_cursor_current_node(&c), data);
	}
}

/* Visit named nodes depth first, in source order. */
void
leak_walk(TSNode root, int (*fn)(TSNode node, void *data), void *data)
{
	const struct leak_flat *nodes;
	long at;
	size_t i, end;

	/* A missing field (child_by_field_name's null) has nothing to walk. */
	if (ts_node_is_null(root))
		return;
	at = leak_index_find(root);
	if (at < 0) {
		leak_walk_cursor(root, fn, data);
		return;
	}
	nodes = leak_tree_index->nodes;
	if (at == 0 && leak_tree_index->partial && leak_walk_whole) {
		/*
		 * A whole-file check walking from the root, some of whose
		 * children are not indexed: they are walked by cursor.
		 */
		TSTreeCursor c = ts_tree_cursor_new(root);

		if (!fn(root, data))
			return;
		if (ts_tree_cursor_goto_first_child(&c)) do {
			if (ts_node_is_named(ts_tree_cursor_current_node(&c)))
				leak_walk(ts_tree_cursor_current_node(&c), fn,
				    data);
		} while (ts_tree_cursor_goto_next_sibling(&c));
		ts_tree_cursor_delete(&c);
		return;
	}
	if (!fn(nodes[at].node, data))
		return;
	/*
	 * fn may index another function (leak_index_extend), moving the
	 * array: read it through the index on each step.
	 */
	end = leak_tree_index->nodes[at].end;
	for (i = (size_t)at + 1; i < end; ) {
		nodes = leak_tree_index->nodes;
		if (nodes[i].named && !fn(nodes[i].node, data))
			i = leak_tree_index->nodes[i].end;
		else
			i++;
	}
}

/* Walk the file, passing over the functions want turns down. */
void
leak_walk_file(const struct leak_ctx *ctx,
    int (*want)(const struct leak_ctx *ctx, TSNode decl, void *data),
    int (*fn)(TSNode node, void *data), void *data)
{
	TSTreeCursor c;
	TSNode top;

	if (!fn(ctx->root, data))
		return;
	c = ts_tree_cursor_new(ctx->root);
	if (ts_tree_cursor_goto_first_child(&c)) do {
		top = ts_tree_cursor_current_node(&c);
		if (!ts_node_is_named(top) || ((leak_is(top,
		    "function_declaration") || leak_is(top,
		    "method_declaration")) && !want(ctx, top, data)))
			continue;
		leak_walk(top, fn, data);
	} while (ts_tree_cursor_goto_next_sibling(&c));
	ts_tree_cursor_delete(&c);
}
