/*
 * test-flame.c - unit tests for analyzers/flame.c: the call tree of the
 * main test profile node by node (inlined frames, recursion, a location
 * without lines, a sample without a stack, negative values), focus, a
 * base, and the depth and node bounds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzers/flame.h"
#include "pb.h"
#include "unit.h"

/* Append a node and its children to out: "name value/self line(...)". */
static void
flame_text_node(struct buf *out, const struct flame_node *n)
{
	size_t i;

	buf_addf(out, "%s %lld/%lld", n->name, (long long)n->value,
	    (long long)n->self);
	if (n->line != 0)
		buf_addf(out, " %s:%lld", n->file, (long long)n->line);
	if (n->nchildren == 0)
		return;
	buf_adds(out, " (");
	for (i = 0; i < n->nchildren; i++) {
		if (i > 0)
			buf_adds(out, ", ");
		flame_text_node(out, n->children[i]);
	}
	buf_addc(out, ')');
}

/* Return the tree of sample type index of p as text (a new string). */
static char *
flame_text(const struct pprof_profile *p, int index,
    const struct flame_options *o, size_t *cut, int64_t *total)
{
	struct flame_tree t;
	struct buf out = BUF_INIT;

	flame_compute(p, index, o, &t);
	flame_text_node(&out, t.root);
	if (cut != NULL)
		*cut = t.cut;
	if (total != NULL)
		*total = t.total;
	flame_release(&t);
	return buf_detach(&out, NULL);
}

/* Parse the main test profile. */
static struct pprof_profile *
flame_main(void)
{
	char *cause = NULL;
	struct pprof_profile *p = pb_parse(pb_main(), &cause);

	if (p == NULL)
		printf("    %s\n", cause);
	free(cause);
	return p;
}

/*
 * The whole tree of pb_main's alloc_space: every frame a node, recursion
 * nested, the inlined frame under the function holding it, the hottest
 * line of each recursive level its own, the location without lines as
 * <unknown>, the stackless sample as the root's self, the negative sample
 * as runtime.main's self; pprof's total counts |values|.
 */
static void
test_flame_main(void)
{
	struct pprof_profile *p = flame_main();
	int64_t total;
	size_t cut;
	char *text;

	if (!CHECK(p != NULL))
		return;
	text = flame_text(p, 1, NULL, &cut, &total);
	CHECK_STR_EQ(text, "root 167/7 (runtime.main 160/-20 runtime.go:250 "
	    "(main.main 180/0 main.go:44 (main.rec 150/0 main.go:35 "
	    "(main.rec 150/0 main.go:35 (main.rec 150/50 main.go:33 "
	    "(main.inl 100/0 main.go:22 (main.leaf 100/100 main.go:12)))), "
	    "<unknown> 30/30)))");
	CHECK_INT_EQ(total, 207);
	CHECK_UINT_EQ(cut, 0);
	free(text);
	/*
	 * alloc_objects: the sample worth 0 bytes counts here, at the root;
	 * the first level of main.rec is hottest on the other line.
	 */
	text = flame_text(p, 0, NULL, NULL, &total);
	CHECK_STR_EQ(text, "root 15/5 (runtime.main 6/0 runtime.go:250 "
	    "(main.main 6/0 main.go:44 (<unknown> 3/3, main.rec 3/0 "
	    "main.go:33 (main.rec 3/0 main.go:35 (main.rec 3/2 main.go:33 "
	    "(main.inl 1/0 main.go:22 (main.leaf 1/1 main.go:12)))))), "
	    "main.main 4/0 main.go:44 (main.inl 4/0 main.go:22 "
	    "(main.leaf 4/4 main.go:12)))");
	CHECK_INT_EQ(total, 15);
	free(text);
	pprof_free(p);
}

/* Focus keeps whole stacks through a matching function, and the total. */
static void
test_flame_focus(void)
{
	struct pprof_profile *p = flame_main();
	struct flame_options o;
	int64_t total;
	char *text;

	if (!CHECK(p != NULL))
		return;
	memset(&o, 0, sizeof o);
	o.focus = "inl";
	text = flame_text(p, 1, &o, NULL, &total);
	CHECK_STR_EQ(text, "root 100/0 (runtime.main 100/0 runtime.go:250 "
	    "(main.main 100/0 main.go:44 (main.rec 100/0 main.go:35 "
	    "(main.rec 100/0 main.go:35 (main.rec 100/0 main.go:33 "
	    "(main.inl 100/0 main.go:22 (main.leaf 100/100 main.go:12)))))))");
	CHECK_INT_EQ(total, 207);
	free(text);
	/* A substring: "main" is in runtime.main too; no stack, no match. */
	o.focus = "main";
	text = flame_text(p, 1, &o, NULL, NULL);
	CHECK_STR_CONTAINS(text, "root 160/0 (runtime.main 160/-20");
	free(text);
	o.focus = "nothing calls this";
	text = flame_text(p, 1, &o, NULL, &total);
	CHECK_STR_EQ(text, "root 0/0");
	CHECK_INT_EQ(total, 207);
	free(text);
	/* An empty focus is no focus. */
	o.focus = "";
	text = flame_text(p, 1, &o, NULL, NULL);
	CHECK_STR_CONTAINS(text, "root 167/7 ");
	free(text);
	pprof_free(p);
}

/* A base is subtracted: against itself nothing is left but its total. */
static void
test_flame_base(void)
{
	struct pprof_profile *p = flame_main(), *q = flame_main();
	struct flame_options o;
	int64_t total;
	char *text;

	if (!CHECK(p != NULL && q != NULL))
		goto out;
	memset(&o, 0, sizeof o);
	o.base = q;
	o.base_index = 1;
	text = flame_text(p, 1, &o, NULL, &total);
	CHECK_STR_EQ(text, "root 0/0");
	CHECK_INT_EQ(total, 207);
	free(text);
	/* alloc_space minus alloc_objects: negative values, sorted last. */
	o.base_index = 0;
	text = flame_text(p, 1, &o, NULL, &total);
	CHECK_STR_EQ(text, "root 152/2 (runtime.main 154/-20 runtime.go:250 "
	    "(main.main 174/0 main.go:44 (main.rec 147/0 main.go:35 "
	    "(main.rec 147/0 main.go:35 (main.rec 147/48 main.go:33 "
	    "(main.inl 99/0 main.go:22 (main.leaf 99/99 main.go:12)))), "
	    "<unknown> 27/27)), main.main -4/0 main.go:44 (main.inl -4/0 "
	    "main.go:22 (main.leaf -4/-4 main.go:12)))");
	CHECK_INT_EQ(total, 15);
	free(text);
out:
	pprof_free(p);
	pprof_free(q);
}

/* Stacks deeper than max_depth stop there, their value the last's self. */
static void
test_flame_max_depth(void)
{
	struct pprof_profile *p = flame_main();
	struct flame_options o;
	size_t cut;
	char *text;

	if (!CHECK(p != NULL))
		return;
	memset(&o, 0, sizeof o);
	o.max_depth = 3;
	text = flame_text(p, 1, &o, &cut, NULL);
	CHECK_STR_EQ(text, "root 167/7 (runtime.main 160/-20 runtime.go:250 "
	    "(main.main 180/0 main.go:44 (main.rec 150/150 main.go:35, "
	    "<unknown> 30/30)))");
	CHECK_UINT_EQ(cut, 2);
	free(text);
	pprof_free(p);
}

/* No more than max_nodes nodes: later stacks stop at the last they find. */
static void
test_flame_max_nodes(void)
{
	struct pprof_profile *p = flame_main();
	struct flame_options o;
	size_t cut;
	char *text;

	if (!CHECK(p != NULL))
		return;
	memset(&o, 0, sizeof o);
	o.max_nodes = 4;
	text = flame_text(p, 1, &o, &cut, NULL);
	CHECK_STR_EQ(text, "root 167/7 (runtime.main 160/-20 runtime.go:250 "
	    "(main.main 180/30 main.go:44 (main.rec 150/150 main.go:35)))");
	CHECK_UINT_EQ(cut, 3);
	free(text);
	pprof_free(p);
}

/*
 * A stack of a thousand recursive frames is cut at FLAME_MAX_DEPTH: one
 * node per level, the value kept whole.
 */
static void
test_flame_deep(void)
{
	struct pb *b = pb_new();
	struct pprof_profile *p;
	struct flame_tree t;
	const struct flame_node *n;
	uint64_t locs[1000];
	char *cause = NULL;
	size_t i, depth = 0;

	pb_type(b, "space", "bytes");
	pb_function(b, 1, "main.rec", "main.rec", "/src/rec.go", 1);
	pb_location(b, 1, 0x10, I64S(1, 5));
	pb_location(b, 2, 0x20, I64S(1, 6));
	for (i = 0; i < ARRAY_SIZE(locs); i++)
		locs[i] = 1 + i % 2;
	pb_sample(b, locs, ARRAY_SIZE(locs), I64S(64));
	p = pb_parse(b, &cause);
	if (!CHECK(p != NULL)) {
		printf("    %s\n", cause);
		free(cause);
		return;
	}
	flame_compute(p, 0, NULL, &t);
	CHECK_UINT_EQ(t.nnodes, FLAME_MAX_DEPTH + 1);
	CHECK_UINT_EQ(t.cut, 1);
	for (n = t.root; n->nchildren > 0; n = n->children[0]) {
		CHECK_UINT_EQ(n->nchildren, 1);
		CHECK_INT_EQ(n->value, 64);
		CHECK_INT_EQ(n->self, 0);
		depth++;
	}
	CHECK_UINT_EQ(depth, FLAME_MAX_DEPTH);
	CHECK_UINT_EQ(n->depth, FLAME_MAX_DEPTH);
	CHECK_INT_EQ(n->self, 64);
	/* The leaf-first stack ends with location 2 at the root. */
	CHECK_INT_EQ(t.root->children[0]->line, 6);
	CHECK_STR_EQ(t.root->children[0]->file, "/src/rec.go");
	flame_release(&t);
	pprof_free(p);
}

/* Pruning keeps the nodes with the largest subtrees, ancestors first. */
static void
test_flame_prune(void)
{
	struct pprof_profile *p = flame_main();
	struct flame_tree t;
	struct buf out = BUF_INIT;

	if (!CHECK(p != NULL))
		return;
	flame_compute(p, 1, NULL, &t);
	CHECK_UINT_EQ(t.nnodes, 9);
	flame_prune(&t, 100);
	CHECK_UINT_EQ(t.pruned, 0);
	/* main.main (180) outweighs its caller runtime.main (160). */
	flame_prune(&t, 6);
	flame_text_node(&out, t.root);
	CHECK_STR_EQ(buf_str(&out), "root 167/7 (runtime.main 160/-20 "
	    "runtime.go:250 (main.main 180/0 main.go:44 (main.rec 150/0 "
	    "main.go:35 (main.rec 150/0 main.go:35 (main.rec 150/50 "
	    "main.go:33)))))");
	CHECK_UINT_EQ(t.pruned, 3);
	/* Ties are left out: main.rec's three levels are worth 150 each. */
	buf_reset(&out);
	flame_prune(&t, 4);
	flame_text_node(&out, t.root);
	CHECK_STR_EQ(buf_str(&out), "root 167/7 (runtime.main 160/-20 "
	    "runtime.go:250 (main.main 180/0 main.go:44))");
	CHECK_UINT_EQ(t.pruned, 6);
	buf_reset(&out);
	flame_prune(&t, 1);
	flame_text_node(&out, t.root);
	CHECK_STR_EQ(buf_str(&out), "root 167/7");
	CHECK_UINT_EQ(t.pruned, 8);
	buf_release(&out);
	flame_release(&t);
	pprof_free(p);
}

const struct unit_test flame_tests[] = {
	{ "the tree of the main profile", test_flame_main },
	{ "focus", test_flame_focus },
	{ "a base", test_flame_base },
	{ "depth bound", test_flame_max_depth },
	{ "node bound", test_flame_max_nodes },
	{ "deep recursion", test_flame_deep },
	{ "pruning", test_flame_prune },
	{ NULL, NULL }
};
