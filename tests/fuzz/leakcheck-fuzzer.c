/*
 * leakcheck-fuzzer.c - libFuzzer target for the leak checks: any bytes as
 * Go source must give findings with positions inside the text and never
 * crash, whatever tree-sitter makes of them.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analyzers/leakcheck.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Check one input. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct leak_findings f;
	size_t i, lines = 1;
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
	}
	leak_findings_release(&f);
	free(text);
	return 0;
}
