/*
 * document.h - an open text document: its text as the client sees it, kept in
 * sync through full and incremental changes, with a line index for LSP
 * positions.
 *
 * Invariants: text holds the document's bytes (UTF-8 as LSP requires; invalid
 * bytes are kept as they are); lines always indexes the current text; path is
 * the URI's local path (NULL for a non-file URI, which is still tracked).
 */
#ifndef HEAPLENS_DOCUMENT_H
#define HEAPLENS_DOCUMENT_H

#include <jansson.h>

#include "analyzers/gosource.h"
#include "analyzers/leakcheck.h"
#include "protocol/position.h"
#include "protocol/util.h"

struct document {
	char *uri;
	char *path;
	char *real;			/* path with symlinks resolved, or NULL */
	char *language;
	long long version;
	struct buf text;
	struct line_index lines;
	int dirty;			/* changed since the last analysis */
	struct gosource_func *outline;	/* function declarations, cached */
	size_t noutline;
	int outline_valid;		/* outline matches text */
	struct leak_findings leaks;	/* the leak checks' last findings */
	unsigned long generation;	/* bumped by every change of text */
	unsigned long leaks_generation;	/* the text leaks were found in */
	TSParser *parser;		/* for tree, made on first use */
	TSTree *tree;			/* the syntax tree, or NULL */
	int tree_valid;			/* tree matches text (else: edited) */
	struct document *next;
};

/* Create a document with its initial text. */
struct document *document_new(const char *uri, const char *language,
    long long version, const char *text, size_t len);
void document_free(struct document *d);

/*
 * Apply one TextDocumentContentChangeEvent: {text} replaces everything,
 * {range, text} replaces the range (UTF-16 positions). Returns 0, or -1 with
 * *cause set when the change is malformed (the text is then unchanged).
 */
int document_apply(struct document *d, json_t *change, char **cause);

/* Replace the whole text. */
void document_set_text(struct document *d, const char *text, size_t len);

/*
 * Return the function declarations of the document (parsed once per
 * version of the text), their count in *n. Borrowed.
 */
const struct gosource_func *document_outline(struct document *d, size_t *n);

/*
 * Return the syntax tree of the document's current text, reparsing what
 * the changes since the last call touched (tree-sitter's incremental
 * parsing, with the edits document_apply recorded). Borrowed.
 */
TSTree *document_tree(struct document *d);

/* Convert an LSP position in d to a byte offset. */
size_t document_offset(const struct document *d, size_t line,
    size_t character);

#endif
