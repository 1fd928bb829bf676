/*
 * gosource.c - function outlines of Go source with tree-sitter.
 */
#include <stdlib.h>
#include <string.h>

#include <tree_sitter/api.h>

#include "analyzers/gosource.h"
#include "protocol/util.h"

const TSLanguage *tree_sitter_go(void);

/* Return the source text of a node as a new string. */
static char *
gosource_text(TSNode n, const char *text)
{
	uint32_t a = ts_node_start_byte(n), b = ts_node_end_byte(n);

	return xstrndup(text + a, b - a);
}

/* Return a method's receiver type name: "(c *cache)" gives "cache". */
static char *
gosource_receiver(TSNode method, const char *text)
{
	TSNode recv = ts_node_child_by_field_name(method, "receiver", 8);
	TSNode param, type;

	if (ts_node_is_null(recv) || ts_node_named_child_count(recv) == 0)
		return NULL;
	param = ts_node_named_child(recv, 0);
	type = ts_node_child_by_field_name(param, "type", 4);
	while (!ts_node_is_null(type) &&
	    (strcmp(ts_node_type(type), "pointer_type") == 0 ||
	    strcmp(ts_node_type(type), "generic_type") == 0))
		type = ts_node_named_child(type, 0);
	if (ts_node_is_null(type))
		return NULL;
	return gosource_text(type, text);
}

/* Find the function declarations of a parsed file. */
size_t
gosource_functions_tree(const char *text, TSNode root,
    struct gosource_func **out)
{
	struct gosource_func *funcs;
	size_t count = 0, i, k;
	char *fname, *recv;
	const char *type;
	TSNode n, name;

	k = ts_node_named_child_count(root);
	funcs = xcalloc(k + 1, sizeof *funcs);
	for (i = 0; i < k; i++) {
		n = ts_node_named_child(root, (uint32_t)i);
		type = ts_node_type(n);
		if (strcmp(type, "function_declaration") != 0 &&
		    strcmp(type, "method_declaration") != 0)
			continue;
		name = ts_node_child_by_field_name(n, "name", 4);
		if (ts_node_is_null(name))
			continue;
		fname = gosource_text(name, text);
		recv = type[0] == 'm' ? gosource_receiver(n, text) : NULL;
		if (recv != NULL) {
			funcs[count].name = xasprintf("%s.%s", recv, fname);
			free(fname);
			free(recv);
		} else {
			funcs[count].name = fname;
		}
		funcs[count].start_line = ts_node_start_point(n).row + 1;
		funcs[count].end_line = ts_node_end_point(n).row + 1;
		count++;
	}
	*out = funcs;
	return count;
}

/* Find the function declarations of a file. */
size_t
gosource_functions(const char *text, size_t len, struct gosource_func **out)
{
	TSParser *parser = ts_parser_new();
	TSTree *tree;
	size_t count;

	*out = NULL;
	if (!ts_parser_set_language(parser, tree_sitter_go())) {
		ts_parser_delete(parser);
		return 0;
	}
	tree = ts_parser_parse_string(parser, NULL, text, (uint32_t)len);
	count = gosource_functions_tree(text, ts_tree_root_node(tree), out);
	ts_tree_delete(tree);
	ts_parser_delete(parser);
	return count;
}

/* Free an outline. */
void
gosource_free(struct gosource_func *funcs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(funcs[i].name);
	free(funcs);
}
