/*
 * test-leakmemo.c - checking with a memo (only the functions that changed
 * are checked again) finds exactly what checking the whole file finds,
 * through a long pseudo-random run of line edits of every file of
 * tests/leakcheck and samples/: lines deleted, duplicated, swapped, blank
 * lines and comments inserted (which move every function below them).
 * UNIT_QUICK (set under valgrind) takes 6 steps a file instead of 80.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzers/leakcheck.h"
#include "unit.h"

/* Return the lines of a file, each with its newline, and their count. */
static char **
memo_test_lines(const char *path, size_t *n)
{
	char **lines = NULL, buf[8192];
	FILE *f = fopen(path, "r");

	*n = 0;
	if (f == NULL)
		return NULL;
	while (fgets(buf, sizeof buf, f) != NULL) {
		lines = xrealloc(lines, (*n + 1) * sizeof *lines);
		lines[(*n)++] = xstrdup(buf);
	}
	fclose(f);
	return lines;
}

/* Join lines into one text. */
static char *
memo_test_join(char **lines, size_t n, size_t *len)
{
	struct buf b = BUF_INIT;
	size_t i;

	for (i = 0; i < n; i++)
		buf_adds(&b, lines[i]);
	return buf_detach(&b, len);
}

/* Describe findings as text, one per line, fixes included. */
static char *
memo_test_describe(const struct leak_findings *f)
{
	struct buf b = BUF_INIT;
	size_t i, k;

	for (i = 0; i < f->n; i++) {
		const struct leak_finding *x = &f->items[i];

		buf_addf(&b, "%zu:%zu %zu-%zu %s %s", x->line, x->col, x->start,
		    x->end, x->check, x->message);
		if (x->fix != NULL)
			buf_addf(&b, " fix=%s", x->fix);
		for (k = 0; k < x->nedits; k++)
			buf_addf(&b, " [%zu,%zu)=%s", x->edits[k].start,
			    x->edits[k].end, x->edits[k].text);
		buf_addc(&b, '\n');
	}
	return buf_detach(&b, NULL);
}

/* Edit one line of the text at random; lines may grow by one. */
static void
memo_test_edit(char ***lines, size_t *n, unsigned long *rng)
{
	size_t at, i;
	char *t;

	*rng = *rng * 6364136223846793005UL + 1442695040888963407UL;
	if (*n < 2)
		return;
	at = (size_t)((*rng >> 33) % *n);
	switch ((*rng >> 20) % 5) {
	case 0:				/* delete */
		free((*lines)[at]);
		memmove(*lines + at, *lines + at + 1,
		    (*n - at - 1) * sizeof **lines);
		(*n)--;
		break;
	case 1:				/* swap with the next */
		if (at + 1 < *n) {
			t = (*lines)[at];
			(*lines)[at] = (*lines)[at + 1];
			(*lines)[at + 1] = t;
		}
		break;
	default:			/* duplicate, blank, comment */
		*lines = xrealloc(*lines, (*n + 1) * sizeof **lines);
		memmove(*lines + at + 1, *lines + at,
		    (*n - at) * sizeof **lines);
		(*n)++;
		i = (size_t)((*rng >> 20) % 5);
		(*lines)[at] = xstrdup(i == 2 ? (*lines)[at + 1] :
		    i == 3 ? "\n" : "// a comment\n");
		break;
	}
}

/* Run the edits on one file, comparing memo and whole-file results. */
static void
memo_test_file(const char *path, unsigned long seed)
{
	struct leak_memo *memo = leak_memo_new();
	struct leak_findings full = { NULL, 0, 0 }, inc = { NULL, 0, 0 };
	struct leak_input in;
	unsigned long rng = seed;
	size_t n, len, step, i, steps = getenv("UNIT_QUICK") ? 6 : 80;
	char **lines = memo_test_lines(path, &n), *text, *a, *b;
	int same = 1;

	if (!CHECK(lines != NULL)) {
		unit_note("cannot read %s", path);
		leak_memo_free(memo);
		return;
	}
	for (step = 0; step < steps && same; step++) {
		if (step > 0)
			memo_test_edit(&lines, &n, &rng);
		text = memo_test_join(lines, n, &len);
		memset(&in, 0, sizeof in);
		in.path = path;
		in.text = text;
		in.len = len;
		in.go_minor = leakcheck_go_minor(path);
		leakcheck_run(&in, &full);
		in.memo = memo;
		leakcheck_run(&in, &inc);
		a = memo_test_describe(&full);
		b = memo_test_describe(&inc);
		same = CHECK_STR_EQ(b, a);
		if (!same)
			unit_note("%s, step %zu; the text:\n%s", path, step, text);
		free(a);
		free(b);
		free(text);
		leak_findings_release(&full);
		leak_findings_release(&inc);
	}
	for (i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
	leak_memo_free(memo);
}

/* Every Go file of a directory. */
static size_t
memo_test_dir(const char *dir, const char *name, unsigned long seed)
{
	struct dirent *d;
	size_t count = 0, len;
	char *path;
	DIR *dp = opendir(dir);

	if (dp == NULL)
		return 0;
	while ((d = readdir(dp)) != NULL) {
		len = strlen(d->d_name);
		if (len < 4 || strcmp(d->d_name + len - 3, ".go") != 0 ||
		    (name != NULL && strcmp(d->d_name, name) != 0))
			continue;
		path = xasprintf("%s/%s", dir, d->d_name);
		memo_test_file(path, seed + count++);
		free(path);
	}
	closedir(dp);
	return count;
}

static void
test_memo_equals_full(void)
{
	static const char *samples[] = {
		"bodyleak", "tickerleak", "cancelleak", "goroutineleak",
		"cacheleak", "escapes", "deferloop", "service",
	};
	size_t i, files;
	char *dir;

	files = memo_test_dir("tests/leakcheck", NULL, 1);
	for (i = 0; i < ARRAY_SIZE(samples); i++) {
		dir = xasprintf("samples/%s", samples[i]);
		files += memo_test_dir(dir, "main.go", 100 + i);
		free(dir);
	}
	CHECK(files >= 16);
}

/*
 * A function at the very first row (no package clause) moved down and back:
 * the lines its messages name move with it, and no mark shows.
 */
static void
test_memo_first_row(void)
{
	static const char *texts[] = {
		"func f(p string) error {\n\tf, err := os.Open(p)\n"
		    "\tif err != nil {\n\t\treturn err\n\t}\n"
		    "\treturn nil\n}\n",
		"\n\nfunc f(p string) error {\n\tf, err := os.Open(p)\n"
		    "\tif err != nil {\n\t\treturn err\n\t}\n"
		    "\treturn nil\n}\n",
		"func f(p string) error {\n\tf, err := os.Open(p)\n"
		    "\tif err != nil {\n\t\treturn err\n\t}\n"
		    "\treturn nil\n}\n",
	};
	struct leak_memo *memo = leak_memo_new();
	struct leak_findings full = { NULL, 0, 0 }, inc = { NULL, 0, 0 };
	struct leak_input in;
	char *a, *b;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(texts); i++) {
		memset(&in, 0, sizeof in);
		in.path = "/nonexistent/first.go";
		in.text = texts[i];
		in.len = strlen(texts[i]);
		leakcheck_run(&in, &full);
		in.memo = memo;
		leakcheck_run(&in, &inc);
		a = memo_test_describe(&full);
		b = memo_test_describe(&inc);
		CHECK(full.n == 1);
		if (!CHECK_STR_EQ(b, a))
			unit_note("text %zu", i);
		CHECK(strchr(b, '\x01') == NULL);
		free(a);
		free(b);
		leak_findings_release(&full);
		leak_findings_release(&inc);
	}
	leak_memo_free(memo);
}

const struct unit_test leakmemo_tests[] = {
	{ "a memo finds what a whole-file check finds", test_memo_equals_full },
	{ "a function moved from and to the first row", test_memo_first_row },
	{ NULL, NULL }
};
