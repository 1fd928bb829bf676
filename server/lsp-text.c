/*
 * lsp-text.c - text document synchronisation: didOpen, didChange (full and
 * incremental), didSave, didClose, and heaplens/document to inspect what the
 * server holds.
 */
#include <stdlib.h>
#include <string.h>

#include "compiler.h"
#include "log.h"
#include "lsp.h"
#include "protocol/json.h"
#include "session.h"

/* Find the document a notification names, or set *error. */
static struct document *
lsp_text_document(struct session *s, json_t *params, json_t **error)
{
	const char *uri = json_path_string(params, "textDocument.uri");
	struct document *d;

	if (uri == NULL) {
		*error = lsp_invalid_params("missing textDocument.uri");
		return NULL;
	}
	d = session_document(s, uri);
	if (d == NULL)
		*error = lsp_invalid_params("%s is not open", uri);
	return d;
}

/* textDocument/didOpen: start tracking a document. */
json_t *
lsp_did_open(struct session *s, json_t *params, json_t **error)
{
	const char *uri = json_path_string(params, "textDocument.uri");
	json_t *text = json_path(params, "textDocument.text");
	struct document *d;
	long long version = 0;

	if (uri == NULL || !json_is_string(text)) {
		*error = lsp_invalid_params("didOpen needs textDocument.uri "
		    "and textDocument.text");
		return NULL;
	}
	json_path_int(params, "textDocument.version", &version);
	d = session_document(s, uri);
	if (d != NULL) {
		/* A second open replaces the first, as if it were a change. */
		log_info("%s opened twice; replacing its text", uri);
		document_set_text(d, json_string_value(text),
		    json_string_length(text));
		d->version = version;
	} else {
		d = document_new(uri,
		    json_path_string(params, "textDocument.languageId"),
		    version, json_string_value(text), json_string_length(text));
		d->next = s->documents;
		s->documents = d;
	}
	/* Outline Go files now, so the lenses that follow are instant. */
	if (strcmp(d->language, "go") == 0) {
		size_t n;

		document_outline(d, &n);
	}
	session_touch(s, d);
	lsp_check_document(s, d);
	return NULL;
}

/* textDocument/didChange: apply the changes in order. */
json_t *
lsp_did_change(struct session *s, json_t *params, json_t **error)
{
	struct document *d = lsp_text_document(s, params, error);
	json_t *changes = json_object_get(params, "contentChanges"), *c;
	long long version;
	char *cause = NULL;
	size_t i;

	if (d == NULL)
		return NULL;
	if (!json_is_array(changes)) {
		*error = lsp_invalid_params("didChange needs contentChanges");
		return NULL;
	}
	json_array_foreach(changes, i, c) {
		if (document_apply(d, c, &cause) != 0) {
			*error = lsp_invalid_params("%s: change %zu: %s; the "
			    "document may be out of sync until it is "
			    "reopened", d->uri, i, cause);
			free(cause);
			break;
		}
	}
	if (json_path_int(params, "textDocument.version", &version) == 0)
		d->version = version;
	session_touch(s, d);
	return NULL;
}

/* textDocument/didSave: the file on disk now matches the buffer. */
json_t *
lsp_did_save(struct session *s, json_t *params, json_t **error)
{
	struct document *d = lsp_text_document(s, params, error);
	json_t *text = json_object_get(params, "text");
	size_t n;

	if (d == NULL)
		return NULL;
	if (json_is_string(text))
		document_set_text(d, json_string_value(text),
		    json_string_length(text));
	session_touch(s, d);
	lsp_check_document(s, d);
	/* The compiler reads the file on disk, which the save just wrote. */
	n = d->path != NULL ? strlen(d->path) : 0;
	if (n > 3 && strcmp(d->path + n - 3, ".go") == 0)
		compiler_saved(s->compiler, d->path);
	return NULL;
}

/* textDocument/didClose: forget a document. */
json_t *
lsp_did_close(struct session *s, json_t *params, json_t **error)
{
	struct document *d = lsp_text_document(s, params, error), **pp;
	char *real;

	if (d == NULL)
		return NULL;
	for (pp = &s->documents; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == d) {
			*pp = d->next;
			break;
		}
	}
	/* Its leak findings go with it; the profile evidence stays. */
	real = d->leaks.n > 0 ? xstrdup(d->real) : NULL;
	document_free(d);
	if (real != NULL)
		lsp_publish_file(s, real);
	free(real);
	return NULL;
}

/*
 * heaplens/document: the text, version and line count the server holds for
 * an open document, so a plugin (or a test) can see that sync is right.
 */
json_t *
lsp_document(struct session *s, json_t *params, json_t **error)
{
	struct document *d = lsp_text_document(s, params, error);

	if (d == NULL)
		return NULL;
	return json_pack("{s:s, s:I, s:s, s:o, s:I, s:b}",
	    "uri", d->uri, "version", (json_int_t)d->version,
	    "languageId", d->language,
	    "text", json_string_lossy(buf_str(&d->text)),
	    "lineCount", (json_int_t)d->lines.count,
	    "dirty", d->dirty);
}
