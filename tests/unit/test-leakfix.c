/*
 * test-leakfix.c - applying quick-fix edits: edits go in by position
 * whatever order the checks attached them in, insertions at one point keep
 * the findings' order, and a fix whose edits overlap one already taken is
 * left for the next run.
 */
#include <stdlib.h>
#include <string.h>

#include "analyzers/leakcheck.h"
#include "unit.h"

/* Add a finding with one fix of up to two edits. */
static void
add_fix(struct leak_findings *f, size_t s1, size_t e1, const char *t1,
    size_t s2, size_t e2, const char *t2)
{
	struct leak_finding *x;

	f->items = xrealloc(f->items, (f->n + 1) * sizeof *f->items);
	x = &f->items[f->n++];
	memset(x, 0, sizeof *x);
	x->check = "test";
	x->message = xstrdup("m");
	x->fix = xstrdup("fix");
	x->edits = xcalloc(2, sizeof *x->edits);
	x->edits[x->nedits].start = s1;
	x->edits[x->nedits].end = e1;
	x->edits[x->nedits++].text = xstrdup(t1);
	if (t2 != NULL) {
		x->edits[x->nedits].start = s2;
		x->edits[x->nedits].end = e2;
		x->edits[x->nedits++].text = xstrdup(t2);
	}
}

/* A move (delete here, insert there) attached in reverse order. */
static void
test_move(void)
{
	static const char text[] = "a\nDEFER\nif err\nb\n";
	struct leak_findings f = { NULL, 0, 0 };
	size_t len;
	char *out;

	add_fix(&f, 15, 15, "DEFER\n", 2, 8, "");
	out = leak_apply_fixes(text, strlen(text), &f, 0, &len);
	if (CHECK(out != NULL)) {
		CHECK_STR_EQ(out, "a\nif err\nDEFER\nb\n");
		CHECK_UINT_EQ(len, strlen(text));
	}
	CHECK_INT_EQ(f.items[0].fixed, 1);
	free(out);
	leak_findings_release(&f);
}

/* Two insertions at one point go in in the findings' order. */
static void
test_same_point(void)
{
	static const char text[] = "x\ny\n";
	struct leak_findings f = { NULL, 0, 0 };
	size_t len;
	char *out;

	add_fix(&f, 2, 2, "1\n", 0, 0, NULL);
	add_fix(&f, 2, 2, "2\n", 0, 0, NULL);
	out = leak_apply_fixes(text, strlen(text), &f, 0, &len);
	if (CHECK(out != NULL))
		CHECK_STR_EQ(out, "x\n1\n2\ny\n");
	CHECK(f.items[0].fixed && f.items[1].fixed);
	free(out);
	leak_findings_release(&f);
}

/* Overlapping fixes: the first wins, the second waits; bad ranges fail. */
static void
test_overlap(void)
{
	static const char text[] = "abcdef";
	struct leak_findings f = { NULL, 0, 0 };
	size_t len;
	char *out;

	add_fix(&f, 1, 3, "X", 0, 0, NULL);
	add_fix(&f, 2, 4, "Y", 0, 0, NULL);		/* overlaps the first */
	add_fix(&f, 2, 2, "Z", 0, 0, NULL);		/* inside the first */
	add_fix(&f, 3, 3, "W", 0, 0, NULL);		/* at its end: fine */
	add_fix(&f, 5, 9, "V", 0, 0, NULL);		/* past the end */
	add_fix(&f, 4, 5, "P", 4, 6, "Q");		/* overlaps itself */
	out = leak_apply_fixes(text, strlen(text), &f, 0, &len);
	if (CHECK(out != NULL))
		CHECK_STR_EQ(out, "aXWdef");
	CHECK_INT_EQ(f.items[0].fixed, 1);
	CHECK_INT_EQ(f.items[1].fixed, 0);
	CHECK_INT_EQ(f.items[2].fixed, 0);
	CHECK_INT_EQ(f.items[3].fixed, 1);
	CHECK_INT_EQ(f.items[4].fixed, 0);
	CHECK_INT_EQ(f.items[5].fixed, 0);
	free(out);
	/* From index 1 on: Y, and Z inserted where Y starts, go in. */
	out = leak_apply_fixes(text, strlen(text), &f, 1, &len);
	if (CHECK(out != NULL))
		CHECK_STR_EQ(out, "abZYef");
	free(out);
	leak_findings_release(&f);
}

/* No fix: NULL, and the text is the caller's to keep. */
static void
test_nothing(void)
{
	struct leak_findings f = { NULL, 0, 0 };
	size_t len = 7;

	CHECK_NULL(leak_apply_fixes("abc", 3, &f, 0, &len));
	CHECK_UINT_EQ(len, 7);
}

const struct unit_test leakfix_tests[] = {
	{ "a move applies in position order", test_move },
	{ "insertions at one point keep order", test_same_point },
	{ "overlapping fixes wait for the next run", test_overlap },
	{ "no fix, no text", test_nothing },
	{ NULL, NULL }
};
