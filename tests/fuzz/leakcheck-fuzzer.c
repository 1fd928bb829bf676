/*
 * leakcheck-fuzzer.c - libFuzzer target for the leak checks: any bytes as
 * Go source must give findings with positions and quick-fix edits inside
 * the text and never crash, whatever tree-sitter makes of them; and
 * checking with a memo of an earlier text (its first half) must find what
 * checking the whole file finds.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analyzers/leakcheck.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Check with a memo of the text's first half: the same findings as full. */
static void
fuzz_memo(const char *text, size_t size, const struct leak_findings *full)
{
	struct leak_memo *memo = leak_memo_new();
	struct leak_findings f;
	struct leak_input in;
	size_t i;

	memset(&in, 0, sizeof in);
	memset(&f, 0, sizeof f);
	in.path = "fuzz.go";
	in.text = text;
	in.len = size / 2;
	in.go_minor = (int)(size % 30);
	in.memo = memo;
	leakcheck_run(&in, &f);
	leak_findings_release(&f);
	in.len = size;
	leakcheck_run(&in, &f);
	if (f.n != full->n)
		abort();
	for (i = 0; i < f.n; i++)
		if (f.items[i].line != full->items[i].line ||
		    f.items[i].col != full->items[i].col ||
		    f.items[i].check != full->items[i].check ||
		    strcmp(f.items[i].message, full->items[i].message) != 0)
			abort();
	leak_findings_release(&f);
	leak_memo_free(memo);
}

/* Check one input. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct leak_findings f;
	size_t i, k, len, lines = 1;
	char *fixed;
	char *text = malloc(size + 1);

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	for (i = 0; i < size; i++)
		lines += text[i] == '\n';
	memset(&f, 0, sizeof f);
	leakcheck_file("fuzz.go", text, size, (int)(size % 30), NULL, &f);
	for (i = 0; i < f.n; i++) {
		if (f.items[i].line < 1 || f.items[i].line > lines ||
		    f.items[i].col < 1 || f.items[i].message == NULL ||
		    leak_find(f.items[i].check) == NULL)
			abort();
		if (i > 0 && f.items[i].line < f.items[i - 1].line)
			abort();	/* sorted by position */
		for (k = 0; k < f.items[i].nedits; k++)
			if (f.items[i].edits[k].start > f.items[i].edits[k].end ||
			    f.items[i].edits[k].end > size)
				abort();
	}
	fixed = leak_apply_fixes(text, size, &f, 0, &len);
	free(fixed);
	fuzz_memo(text, size, &f);
	leak_findings_release(&f);
	free(text);
	return 0;
}
