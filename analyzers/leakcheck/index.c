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

/* Flatten the tree under root and hash its nodes. */
void
leak_index_build(struct leak_index *ix, TSNode root,
    int (*skip)(TSNode child, void *arg), void *arg)
{
	TSTreeCursor c = ts_tree_cursor_new(root);
	uint32_t *stack = xmalloc(64 * sizeof *stack);
	size_t depth = 0, salloc = 64, cap = 64, i;
	int bits = 6;

	memset(ix, 0, sizeof *ix);
	stack[0] = leak_index_add(ix, root, UINT32_MAX);
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
		/* A child of the root to leave out: on to its next sibling. */
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
	while (cap < 2 * ix->n) {
		cap *= 2;
		bits++;
	}
	ix->slots = xcalloc(cap, sizeof *ix->slots);
	ix->mask = cap - 1;
	ix->shift = 64 - bits;
	for (i = 0; i < ix->n; i++)
		ix->slots[leak_index_slot(ix, ix->nodes[i].node.id)] =
		    (uint32_t)i + 1;
}

/* Free an index. */
void
leak_index_free(struct leak_index *ix)
{
	free(ix->nodes);
	free(ix->slots);
}

/* Return a node's place in the current index, or -1. */
static long
leak_index_find(TSNode node)
{
	const struct leak_index *ix = leak_tree_index;
	uint32_t at;

	if (ix == NULL || ix->n == 0)
		return -1;
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
	end = nodes[at].end;
	for (i = (size_t)at + 1; i < end; ) {
		if (nodes[i].named && !fn(nodes[i].node, data))
			i = nodes[i].end;
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
