/*
 * test-document.c - unit tests for server/document.c: full and incremental
 * changes as LSP clients send them.
 */
#include <stdlib.h>
#include <string.h>

#include "server/document.h"
#include "unit.h"

/* Return a new document holding text. */
static struct document *
document_test_new(const char *text)
{
	return document_new("file:///tmp/doc.go", "go", 1, text, strlen(text));
}

/*
 * Apply a change given as JSON text, in which ' stands for " to keep the
 * tests readable; return document_apply's result.
 */
static int
document_test_apply(struct document *d, const char *change_text,
    char **cause)
{
	json_error_t err;
	char *text = xstrdup(change_text), *q;
	json_t *change;
	int rc;

	for (q = text; *q != '\0'; q++)
		if (*q == '\'')
			*q = '"';
	change = json_loads(text, JSON_DECODE_ANY, &err);
	free(text);

	if (!CHECK(change != NULL)) {
		unit_note("bad change JSON %s: %s", change_text, err.text);
		return -2;
	}
	rc = document_apply(d, change, cause);
	json_decref(change);
	return rc;
}

/* Build an incremental change's JSON (a new string). */
static char *
document_test_change(size_t sl, size_t sc, size_t el, size_t ec,
    const char *text)
{
	json_t *c = json_pack("{s:{s:{s:I,s:I},s:{s:I,s:I}},s:s}", "range",
	    "start", "line", (json_int_t)sl, "character", (json_int_t)sc,
	    "end", "line", (json_int_t)el, "character", (json_int_t)ec,
	    "text", text);
	char *s = json_dumps(c, JSON_COMPACT);

	json_decref(c);
	return s;
}

/* Apply a range change that must succeed and check the text after it. */
static void
document_expect_edit(struct document *d, size_t sl, size_t sc, size_t el,
    size_t ec, const char *text, const char *want)
{
	char *change = document_test_change(sl, sc, el, ec, text);
	char *cause = NULL;

	if (!CHECK_INT_EQ(document_test_apply(d, change, &cause), 0))
		unit_note("%s: %s", change, cause);
	if (!CHECK_MEM_EQ(d->text.data, d->text.len, want, strlen(want)))
		unit_note("after %s", change);
	CHECK(d->text.data[d->text.len] == '\0');
	free(change);
	free(cause);
}

/* Check the line index agrees with a fresh index of the text. */
static void
document_check_lines(struct document *d)
{
	struct line_index li;
	size_t i;

	line_index_init(&li);
	line_index_build(&li, d->text.data, d->text.len);
	if (CHECK_UINT_EQ(d->lines.count, li.count))
		for (i = 0; i < li.count; i++)
			if (!CHECK_UINT_EQ(d->lines.starts[i], li.starts[i]))
				break;
	line_index_release(&li);
}

/* Check a new document's fields. */
static void
test_new(void)
{
	struct document *d = document_new("file:///tmp/a%20b.go", "go", 7,
	    "package main\n", 13);

	CHECK_STR_EQ(d->uri, "file:///tmp/a%20b.go");
	CHECK_STR_EQ(d->path, "/tmp/a b.go");
	CHECK_STR_EQ(d->language, "go");
	CHECK_INT_EQ(d->version, 7);
	CHECK_MEM_EQ(d->text.data, d->text.len, "package main\n", 13);
	CHECK_UINT_EQ(d->lines.count, 2);
	document_free(d);

	d = document_new("untitled:Untitled-1", NULL, 0, "", 0);
	CHECK_NULL(d->path);
	CHECK_STR_EQ(d->language, "");
	CHECK_UINT_EQ(d->text.len, 0);
	CHECK_STR_EQ(buf_str(&d->text), "");
	CHECK_UINT_EQ(d->lines.count, 1);
	document_free(d);
	document_free(NULL);
}

/* Check a change without a range replaces everything. */
static void
test_full_replace(void)
{
	struct document *d = document_test_new("old\ntext\n");
	char *cause = NULL;

	d->dirty = 0;
	CHECK_INT_EQ(document_test_apply(d, "{\"text\":\"new\\r\\ntext\"}",
	    &cause), 0);
	CHECK_STR_EQ(d->text.data, "new\r\ntext");
	CHECK_UINT_EQ(d->lines.count, 2);
	CHECK(d->dirty);
	CHECK_INT_EQ(document_test_apply(d, "{\"range\":null,\"text\":\"\"}",
	    &cause), 0);
	CHECK_UINT_EQ(d->text.len, 0);
	CHECK_UINT_EQ(d->lines.count, 1);
	CHECK_INT_EQ(document_test_apply(d, "{\"text\":\"a\\nb\\nc\","
	    "\"rangeLength\":3}", &cause), 0);
	CHECK_STR_EQ(d->text.data, "a\nb\nc");
	CHECK_UINT_EQ(d->lines.count, 3);
	CHECK_NULL(cause);
	document_check_lines(d);
	document_free(d);
}

/* Check inserting within a line and at the start of one. */
static void
test_insert(void)
{
	struct document *d = document_test_new("hello\nworld\n");

	document_expect_edit(d, 1, 0, 1, 0, "big ", "hello\nbig world\n");
	document_expect_edit(d, 0, 5, 0, 5, ",", "hello,\nbig world\n");
	document_expect_edit(d, 0, 0, 0, 0, "// x\n",
	    "// x\nhello,\nbig world\n");
	CHECK_UINT_EQ(d->lines.count, 4);
	document_expect_edit(d, 2, 3, 2, 3, "\n\n",
	    "// x\nhello,\nbig\n\n world\n");
	CHECK_UINT_EQ(d->lines.count, 6);
	document_check_lines(d);
	document_free(d);
}

/* Check deleting within and across lines. */
static void
test_delete(void)
{
	struct document *d = document_test_new("hello\nworld\nagain\n");

	document_expect_edit(d, 0, 3, 1, 2, "", "helrld\nagain\n");
	CHECK_UINT_EQ(d->lines.count, 3);
	document_expect_edit(d, 0, 0, 0, 1, "", "elrld\nagain\n");
	document_expect_edit(d, 0, 5, 1, 0, "", "elrldagain\n");
	CHECK_UINT_EQ(d->lines.count, 2);
	document_expect_edit(d, 0, 0, 1, 0, "", "");
	CHECK_UINT_EQ(d->lines.count, 1);
	document_check_lines(d);
	document_free(d);
}

/* Check replacing across lines, with a \r\n document. */
static void
test_replace(void)
{
	struct document *d = document_test_new("func a() {\r\n\treturn 1\r\n}"
	    "\r\n");

	document_expect_edit(d, 0, 5, 1, 7, "b() int {\r\n\treturn",
	    "func b() int {\r\n\treturn 1\r\n}\r\n");
	document_expect_edit(d, 1, 8, 1, 9, "42",
	    "func b() int {\r\n\treturn 42\r\n}\r\n");
	document_expect_edit(d, 0, 14, 2, 0, "\n\treturn 7\n",
	    "func b() int {\n\treturn 7\n}\r\n");
	CHECK_UINT_EQ(d->lines.count, 4);
	document_check_lines(d);
	document_free(d);
}

/* Check edits measured in UTF-16 columns after an emoji and CJK text. */
static void
test_utf16_columns(void)
{
	struct document *d = document_test_new("a\xf0\x9f\x98\x80" "b\n"
	    "\xe6\xbc\xa2\xe5\xad\x97x\n");

	document_expect_edit(d, 0, 3, 0, 4, "B", "a\xf0\x9f\x98\x80" "B\n"
	    "\xe6\xbc\xa2\xe5\xad\x97x\n");
	document_expect_edit(d, 0, 1, 0, 3, "", "aB\n"
	    "\xe6\xbc\xa2\xe5\xad\x97x\n");
	document_expect_edit(d, 1, 2, 1, 3, "y", "aB\n"
	    "\xe6\xbc\xa2\xe5\xad\x97y\n");
	document_expect_edit(d, 1, 1, 1, 1, "\xc3\xa9", "aB\n"
	    "\xe6\xbc\xa2\xc3\xa9\xe5\xad\x97y\n");
	document_free(d);

	d = document_test_new("x\xf0\x9f\x98\x80y");
	document_expect_edit(d, 0, 2, 0, 2, "!", "x!\xf0\x9f\x98\x80y");
	document_free(d);
}

/* Check edits at the very end, and past it (clamped there). */
static void
test_edit_at_end(void)
{
	struct document *d = document_test_new("ab\ncd");

	document_expect_edit(d, 1, 2, 1, 2, "!", "ab\ncd!");
	document_expect_edit(d, 1, 3, 1, 3, "\n", "ab\ncd!\n");
	CHECK_UINT_EQ(d->lines.count, 3);
	document_expect_edit(d, 2, 0, 2, 0, "end", "ab\ncd!\nend");
	document_expect_edit(d, 9, 0, 9, 5, "?", "ab\ncd!\nend?");
	document_expect_edit(d, 0, 50, 0, 60, "+", "ab+\ncd!\nend?");
	document_check_lines(d);
	document_free(d);
}

/* Check a range ending before its start is refused and changes nothing. */
static void
test_reversed_range(void)
{
	struct document *d = document_test_new("hello\nworld\n");
	char *change, *cause = NULL;

	d->dirty = 0;
	change = document_test_change(1, 0, 0, 5, "x");
	CHECK_INT_EQ(document_test_apply(d, change, &cause), -1);
	CHECK_STR_EQ(cause, "a content change's range ends (0:5) before it "
	    "starts (1:0)");
	free(change);
	change = document_test_change(0, 3, 0, 1, "x");
	CHECK_INT_EQ(document_test_apply(d, change, &cause), -1);
	CHECK_STR_CONTAINS(cause, "before it starts (0:3)");
	free(change);
	CHECK_STR_EQ(d->text.data, "hello\nworld\n");
	CHECK_UINT_EQ(d->lines.count, 3);
	CHECK(!d->dirty);
	free(cause);
	document_free(d);
}

/* Check change that must be refused as malformed leaves the text alone. */
static void
document_refuse(struct document *d, const char *change, const char *want)
{
	char *cause = NULL;

	if (!CHECK_INT_EQ(document_test_apply(d, change, &cause), -1) ||
	    !CHECK_STR_CONTAINS(cause, want))
		unit_note("change %s", change);
	free(cause);
}

/* Check malformed change objects are refused. */
static void
test_malformed(void)
{
	struct document *d = document_test_new("keep\nme\n");
	static const char bad_range[] =
	    "a content change has a malformed range";
	static const char no_text[] =
	    "a content change needs a \"text\" string";

	d->dirty = 0;
	document_refuse(d, "[]", no_text);
	document_refuse(d, "'text'", no_text);
	document_refuse(d, "{}", no_text);
	document_refuse(d, "{'text':5}", no_text);
	document_refuse(d, "{'text':null}", no_text);
	document_refuse(d, "{'range':5,'text':'x'}", bad_range);
	document_refuse(d, "{'range':{},'text':'x'}", bad_range);
	document_refuse(d, "{'range':{'start':{'line':0,'character':0}},"
	    "'text':'x'}", bad_range);
	document_refuse(d, "{'range':{'start':{'line':-1,'character':0},"
	    "'end':{'line':0,'character':0}},'text':'x'}", bad_range);
	document_refuse(d, "{'range':{'start':{'line':0,'character':0},"
	    "'end':{'line':0,'character':-2}},'text':'x'}", bad_range);
	document_refuse(d, "{'range':{'start':{'line':'0','character':0},"
	    "'end':{'line':0,'character':0}},'text':'x'}", bad_range);
	document_refuse(d, "{'range':{'start':{'line':0,'character':1.5},"
	    "'end':{'line':0,'character':2}},'text':'x'}", bad_range);
	document_refuse(d, "{'range':{'start':{'line':0},"
	    "'end':{'line':0,'character':2}},'text':'x'}", bad_range);
	document_refuse(d, "{'range':{'start':{'line':0,'character':0},"
	    "'end':{'line':0,'character':0}}}", no_text);
	CHECK_STR_EQ(d->text.data, "keep\nme\n");
	CHECK_UINT_EQ(d->lines.count, 3);
	CHECK(!d->dirty);
	document_free(d);
}

/* Check several changes in sequence, as an editor sends a typing burst. */
static void
test_sequence(void)
{
	static const char *changes[] = {
		"{'range':{'start':{'line':2,'character':0},"
		    "'end':{'line':2,'character':0}},"
		    "'text':'func main() {\\n}\\n'}",
		"{'range':{'start':{'line':2,'character':13},"
		    "'end':{'line':2,'character':13}},'text':'\\n\\t'}",
		"{'range':{'start':{'line':3,'character':1},"
		    "'end':{'line':3,'character':1}},"
		    "'text':'s := \\'\\u00e9\\ud83d\\ude00\\''}",
		"{'range':{'start':{'line':3,'character':11},"
		    "'end':{'line':3,'character':11}},'text':' + \\'x\\''}",
		"{'range':{'start':{'line':3,'character':7},"
		    "'end':{'line':3,'character':8}},'text':''}",
		"{'range':{'start':{'line':0,'character':8},"
		    "'end':{'line':0,'character':12}},'text':'demo'}",
		"{'range':{'start':{'line':3,'character':0},"
		    "'end':{'line':3,'character':0}},'text':'\\t_ = 1\\n'}",
	};
	struct document *d = document_test_new("package main\n\n");
	char *cause = NULL;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(changes); i++)
		if (!CHECK_INT_EQ(document_test_apply(d, changes[i], &cause),
		    0))
			unit_note("change %zu: %s", i, cause);
	CHECK_STR_EQ(d->text.data, "package demo\n\nfunc main() {\n\t_ = 1\n"
	    "\ts := \"\xf0\x9f\x98\x80\" + \"x\"\n}\n");
	CHECK_UINT_EQ(d->lines.count, 7);
	document_check_lines(d);
	free(cause);
	document_free(d);
}

/* Check document_offset and that invalid bytes and NULs are kept. */
static void
test_offset_and_bytes(void)
{
	struct document *d = document_test_new("ab\r\n\xff\xfe" "c");
	json_t *change;
	char *cause = NULL;

	CHECK_UINT_EQ(document_offset(d, 0, 1), 1);
	CHECK_UINT_EQ(document_offset(d, 0, 9), 2);
	CHECK_UINT_EQ(document_offset(d, 1, 2), 6);
	CHECK_UINT_EQ(document_offset(d, 5, 0), 7);
	document_expect_edit(d, 1, 2, 1, 3, "C", "ab\r\n\xff\xfe" "C");
	change = json_pack("{s:{s:{s:i,s:i},s:{s:i,s:i}},s:s%}", "range",
	    "start", "line", 0, "character", 1, "end", "line", 0,
	    "character", 1, "text", "\0\0", (size_t)2);
	if (CHECK(change != NULL)) {
		CHECK_INT_EQ(document_apply(d, change, &cause), 0);
		CHECK_MEM_EQ(d->text.data, d->text.len,
		    "a\0\0b\r\n\xff\xfe" "C", 9);
		json_decref(change);
	}
	CHECK_NULL(cause);
	document_set_text(d, "x\ny", 3);
	CHECK_STR_EQ(d->text.data, "x\ny");
	CHECK_UINT_EQ(d->lines.count, 2);
	document_free(d);
}

/* Return a fresh parse's S-expression of text (a new string). */
static char *
document_test_sexp(const char *text, size_t len)
{
	TSParser *parser = leak_go_parser();
	TSTree *tree = ts_parser_parse_string(parser, NULL, text,
	    (uint32_t)len);
	char *sexp = ts_node_string(ts_tree_root_node(tree));

	ts_tree_delete(tree);
	ts_parser_delete(parser);
	return sexp;
}

/*
 * Check that the incrementally reparsed tree equals a fresh parse after
 * every batch of a long pseudo-random run of edits: insertions and
 * deletions across lines, of UTF-8 text that is 2 UTF-16 units wide.
 */
static void
test_incremental_tree(void)
{
	static const char *pieces[] = {
		"", "x", "\n", "}", "{\n\t", "func f() {\n\treturn\n}\n",
		"\t// \xc3\xa9\xf0\x9f\x98\x80 note\n", "(a, b)", "\"str\"",
		"for {\n", "defer f.Close()\n", "go func() {}()\n", ":= ",
	};
	struct document *d = document_test_new(
	    "package main\n\nimport \"os\"\n\nfunc main() {\n"
	    "\tf, err := os.Open(\"x\")\n\tif err != nil {\n"
	    "\t\treturn\n\t}\n\t_ = f\n}\n");
	unsigned long rng = 12345;
	size_t step, a, b, sl, sc, el, ec;
	char *change, *cause = NULL, *got, *want;
	size_t steps = getenv("UNIT_QUICK") ? 60 : 400;
	int same = 1;

	for (step = 0; step < steps && same; step++) {
		rng = rng * 6364136223846793005UL + 1442695040888963407UL;
		a = (rng >> 33) % (d->text.len + 1);
		b = a + (rng >> 13) % 7;
		if (b > d->text.len || (rng >> 20) % 3 == 0)
			b = a;
		position_from_offset(&d->lines, d->text.data, d->text.len, a,
		    &sl, &sc);
		position_from_offset(&d->lines, d->text.data, d->text.len, b,
		    &el, &ec);
		change = document_test_change(sl, sc, el, ec,
		    pieces[(rng >> 40) % ARRAY_SIZE(pieces)]);
		if (!CHECK_INT_EQ(document_test_apply(d, change, &cause), 0))
			unit_note("%s: %s", change, cause);
		free(change);
		if (step % 3 != 0)
			continue;	/* several edits between reparses */
		got = ts_node_string(ts_tree_root_node(document_tree(d)));
		want = document_test_sexp(d->text.data, d->text.len);
		same = CHECK_STR_EQ(got, want);
		if (!same)
			unit_note("after step %zu the text is:\n%s", step,
			    d->text.data);
		free(got);
		free(want);
	}
	CHECK_UINT_EQ(ts_node_end_byte(ts_tree_root_node(document_tree(d))),
	    d->text.len);
	free(cause);
	document_free(d);
}

const struct unit_test document_tests[] = {
	{ "new document", test_new },
	{ "full replacement", test_full_replace },
	{ "insert", test_insert },
	{ "delete across lines", test_delete },
	{ "replace across lines", test_replace },
	{ "UTF-16 columns after an emoji", test_utf16_columns },
	{ "edit at the very end", test_edit_at_end },
	{ "reversed range refused", test_reversed_range },
	{ "malformed changes refused", test_malformed },
	{ "changes in sequence", test_sequence },
	{ "offsets, invalid bytes and NULs", test_offset_and_bytes },
	{ "incremental reparse equals a fresh parse", test_incremental_tree },
	{ NULL, NULL }
};
