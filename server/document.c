/*
 * document.c - open documents and the edits that keep them in sync.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "document.h"
#include "protocol/json.h"
#include "protocol/uri.h"

/* Create a document. */
struct document *
document_new(const char *uri, const char *language, long long version,
    const char *text, size_t len)
{
	struct document *d = xcalloc(1, sizeof *d);

	d->uri = xstrdup(uri);
	d->path = uri_to_path(uri, NULL);
	if (d->path != NULL) {
		char real[PATH_MAX];

		d->real = xstrdup(realpath(d->path, real) != NULL ? real :
		    d->path);
	}
	d->language = xstrdup(language != NULL ? language : "");
	d->version = version;
	buf_init(&d->text);
	line_index_init(&d->lines);
	document_set_text(d, text, len);
	return d;
}

/* Free a document. */
void
document_free(struct document *d)
{
	if (d == NULL)
		return;
	free(d->uri);
	free(d->path);
	free(d->real);
	free(d->language);
	leak_findings_release(&d->leaks);
	buf_release(&d->text);
	line_index_release(&d->lines);
	gosource_free(d->outline, d->noutline);
	if (d->tree != NULL)
		ts_tree_delete(d->tree);
	if (d->parser != NULL)
		ts_parser_delete(d->parser);
	free(d);
}

/* Replace the whole text and re-index it. */
void
document_set_text(struct document *d, const char *text, size_t len)
{
	buf_reset(&d->text);
	buf_add(&d->text, text, len);
	line_index_build(&d->lines, d->text.data, d->text.len);
	d->dirty = 1;
	d->outline_valid = 0;
	d->generation++;
	/* A whole new text: nothing of the old tree is worth reusing. */
	if (d->tree != NULL) {
		ts_tree_delete(d->tree);
		d->tree = NULL;
	}
}

/* Return the tree-sitter point (row, byte column) of a byte offset. */
static TSPoint
document_point(const struct line_index *li, size_t offset)
{
	size_t lo = 0, hi = li->count, mid;
	TSPoint p;

	/* The last line starting at or before offset. */
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (li->starts[mid] <= offset)
			lo = mid;
		else
			hi = mid;
	}
	p.row = (uint32_t)lo;
	p.column = (uint32_t)(offset - li->starts[lo]);
	return p;
}

/* Convert a position to a byte offset. */
size_t
document_offset(const struct document *d, size_t line, size_t character)
{
	return position_to_offset(&d->lines, d->text.data, d->text.len, line,
	    character);
}

/* Read a {line, character} object into *line and *character. */
static int
document_position(json_t *pos, size_t *line, size_t *character)
{
	long long l, c;

	if (json_path_int(pos, "line", &l) != 0 ||
	    json_path_int(pos, "character", &c) != 0 || l < 0 || c < 0)
		return -1;
	*line = (size_t)l;
	*character = (size_t)c;
	return 0;
}

/* Apply one content change. */
int
document_apply(struct document *d, json_t *change, char **cause)
{
	json_t *text = json_object_get(change, "text");
	json_t *range = json_object_get(change, "range");
	size_t sl, sc, el, ec, start, end, len;
	struct buf next = BUF_INIT;
	TSInputEdit edit;

	if (!json_is_object(change) || !json_is_string(text))
		return set_cause(cause, "a content change needs a \"text\" "
		    "string");
	len = json_string_length(text);
	if (range == NULL || json_is_null(range)) {
		document_set_text(d, json_string_value(text), len);
		return 0;
	}
	if (document_position(json_object_get(range, "start"), &sl, &sc) != 0 ||
	    document_position(json_object_get(range, "end"), &el, &ec) != 0)
		return set_cause(cause, "a content change has a malformed "
		    "range");
	if (el < sl || (el == sl && ec < sc))
		return set_cause(cause, "a content change's range ends "
		    "(%zu:%zu) before it starts (%zu:%zu)", el, ec, sl, sc);
	start = document_offset(d, sl, sc);
	end = document_offset(d, el, ec);
	if (d->tree != NULL) {
		edit.start_byte = (uint32_t)start;
		edit.old_end_byte = (uint32_t)end;
		edit.new_end_byte = (uint32_t)(start + len);
		edit.start_point = document_point(&d->lines, start);
		edit.old_end_point = document_point(&d->lines, end);
	}
	buf_grow(&next, d->text.len - (end - start) + len);
	buf_add(&next, d->text.data, start);
	buf_add(&next, json_string_value(text), len);
	buf_add(&next, d->text.data + end, d->text.len - end);
	buf_release(&d->text);
	d->text = next;
	line_index_build(&d->lines, buf_str(&d->text), d->text.len);
	d->dirty = 1;
	d->outline_valid = 0;
	d->generation++;
	if (d->tree != NULL) {
		edit.new_end_point = document_point(&d->lines, start + len);
		ts_tree_edit(d->tree, &edit);
		d->tree_valid = 0;
	}
	return 0;
}

/* Return the document's syntax tree, reparsing what changed. */
TSTree *
document_tree(struct document *d)
{
	TSTree *tree;

	if (d->tree != NULL && d->tree_valid)
		return d->tree;
	if (d->parser == NULL)
		d->parser = leak_go_parser();
	tree = ts_parser_parse_string(d->parser, d->tree, buf_str(&d->text),
	    (uint32_t)d->text.len);
	if (d->tree != NULL)
		ts_tree_delete(d->tree);
	d->tree = tree;
	d->tree_valid = 1;
	return tree;
}

/* Return the document's function declarations, parsing when stale. */
const struct gosource_func *
document_outline(struct document *d, size_t *n)
{
	if (!d->outline_valid) {
		gosource_free(d->outline, d->noutline);
		d->noutline = gosource_functions_tree(buf_str(&d->text),
		    ts_tree_root_node(document_tree(d)), &d->outline);
		d->outline_valid = 1;
	}
	*n = d->noutline;
	return d->outline;
}
