/*
 * gosource.h - the outline of a Go source file: its function and method
 * declarations and the lines they span, from tree-sitter's Go grammar.
 *
 * Invariants: lines are 1-based and inclusive; declarations come in source
 * order; names are "Name" for functions and "Recv.Name" for methods
 * ("(*cache).put" is "cache.put"). Text that does not parse still yields the
 * declarations tree-sitter recovered.
 */
#ifndef HEAPLENS_GOSOURCE_H
#define HEAPLENS_GOSOURCE_H

#include <stddef.h>

#include <tree_sitter/api.h>

struct gosource_func {
	char *name;
	size_t start_line;		/* the "func" line */
	size_t end_line;		/* the closing brace */
};

/*
 * Find the function declarations of text[0..len). Returns how many were
 * stored in a new array *out (free with gosource_free()).
 */
size_t gosource_functions(const char *text, size_t len,
    struct gosource_func **out);
/* The same for text already parsed into root. */
size_t gosource_functions_tree(const char *text, TSNode root,
    struct gosource_func **out);
void gosource_free(struct gosource_func *funcs, size_t n);

#endif
