/*
 * test-deps.c - the third-party pieces the build makes under build/ work
 * with the Debian libraries: the tree-sitter Go grammar's ABI is one
 * libtree-sitter accepts, and the protobuf-c code for pprof's profile.proto
 * round-trips a profile.
 */
#include <stdlib.h>
#include <string.h>

#include <tree_sitter/api.h>

#include "profile.pb-c.h"
#include "unit.h"

const TSLanguage *tree_sitter_go(void);

/* Check the grammar loads and parses Go into the expected nodes. */
static void
test_go_grammar(void)
{
	static const char src[] =
	    "package main\n\nfunc main() {\n\tdefer f.Close()\n}\n";
	TSParser *parser = ts_parser_new();
	TSTree *tree;
	TSNode root, fn;
	char *sexp;

	CHECK(ts_language_version(tree_sitter_go()) >=
	    TREE_SITTER_MIN_COMPATIBLE_LANGUAGE_VERSION);
	CHECK(ts_language_version(tree_sitter_go()) <=
	    TREE_SITTER_LANGUAGE_VERSION);
	if (!CHECK(ts_parser_set_language(parser, tree_sitter_go()))) {
		ts_parser_delete(parser);
		return;
	}
	tree = ts_parser_parse_string(parser, NULL, src, strlen(src));
	root = ts_tree_root_node(tree);
	CHECK_STR_EQ(ts_node_type(root), "source_file");
	CHECK(!ts_node_has_error(root));
	fn = ts_node_named_child(root, 1);
	CHECK_STR_EQ(ts_node_type(fn), "function_declaration");
	CHECK_UINT_EQ(ts_node_start_point(fn).row, 2);
	sexp = ts_node_string(root);
	CHECK_STR_CONTAINS(sexp, "(defer_statement");
	free(sexp);
	ts_tree_delete(tree);
	ts_parser_delete(parser);
}

/* Check the generated pprof code packs and unpacks a small profile. */
static void
test_profile_proto(void)
{
	Perftools__Profiles__Profile p = PERFTOOLS__PROFILES__PROFILE__INIT;
	Perftools__Profiles__Profile *back;
	Perftools__Profiles__ValueType vt =
	    PERFTOOLS__PROFILES__VALUE_TYPE__INIT;
	Perftools__Profiles__ValueType *vts[1] = { &vt };
	char *strings[] = { (char *)"", (char *)"alloc_space",
	    (char *)"bytes" };
	uint8_t *bytes;
	size_t n;

	vt.type = 1;
	vt.unit = 2;
	p.n_sample_type = 1;
	p.sample_type = vts;
	p.n_string_table = 3;
	p.string_table = strings;
	p.period = 524288;
	n = perftools__profiles__profile__get_packed_size(&p);
	bytes = xmalloc(n);
	CHECK_UINT_EQ(perftools__profiles__profile__pack(&p, bytes), n);
	back = perftools__profiles__profile__unpack(NULL, n, bytes);
	if (CHECK(back != NULL)) {
		CHECK_UINT_EQ(back->n_string_table, 3);
		CHECK_STR_EQ(back->string_table[back->sample_type[0]->type],
		    "alloc_space");
		CHECK_INT_EQ(back->period, 524288);
		perftools__profiles__profile__free_unpacked(back, NULL);
	}
	/* Garbage must be refused, not crash. */
	CHECK_NULL(perftools__profiles__profile__unpack(NULL, 3,
	    (const uint8_t *)"\xff\xff\xff"));
	free(bytes);
}

const struct unit_test deps_tests[] = {
	{ "tree-sitter Go grammar", test_go_grammar },
	{ "protobuf-c profile.proto", test_profile_proto },
	{ NULL, NULL }
};
