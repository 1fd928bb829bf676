/*
 * lsp.h - the LSP method table and the handlers behind it.
 *
 * Invariants: adding a method means adding a handler and one row of the
 * table in lsp.c; the initialize response advertises capabilities from the
 * rows present, so the server never claims what it cannot answer. Handlers
 * borrow params; a request handler returns its result (new reference; NULL
 * means JSON null) or sets *error to a new error object and returns NULL.
 */
#ifndef HEAPLENS_LSP_H
#define HEAPLENS_LSP_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "protocol/jsonrpc.h"

struct session;
struct document;

typedef json_t *lsp_handler(struct session *s, json_t *params,
    json_t **error);

enum {
	LSP_REQUEST = 0x1,	/* answered with a response */
	LSP_NOTIFICATION = 0x2,	/* no response */
	LSP_ANY_STATE = 0x4	/* allowed before initialize / after shutdown */
};

struct lsp_method {
	const char *name;
	lsp_handler *fn;
	unsigned flags;
	const char *capability;	/* advertised in initialize, or NULL */
};

/* Find a method by name, or NULL. */
const struct lsp_method *lsp_method_find(const char *name);

/* Build the server capabilities from the table (new reference). */
json_t *lsp_capabilities(void);

/* Build an "invalid params" error object (new reference). */
json_t *lsp_invalid_params(const char *fmt, ...) PRINTFLIKE(1, 2);

/* Lifecycle (lsp.c). */
lsp_handler lsp_initialize;
lsp_handler lsp_initialized;
lsp_handler lsp_shutdown;
lsp_handler lsp_exit;
lsp_handler lsp_set_trace;

/* Text synchronisation (lsp-text.c). */
lsp_handler lsp_did_open;
lsp_handler lsp_did_change;
lsp_handler lsp_did_save;
lsp_handler lsp_did_close;
lsp_handler lsp_document;

/* Workspace (lsp-workspace.c). */
lsp_handler lsp_did_change_folders;
lsp_handler lsp_did_change_configuration;
lsp_handler lsp_execute_command;
/* Return the names of the executeCommand commands (new reference). */
json_t *lsp_command_names(void);

/* heaplens/status (lsp-status.c). */
lsp_handler lsp_status;

/* Evidence in the editor (lsp-evidence.c). */
lsp_handler lsp_code_lens;
lsp_handler lsp_inlay_hint;
lsp_handler lsp_hover;
lsp_handler lsp_line_costs;
/* Republish diagnostics and ask for refreshed lenses after a change. */
void lsp_evidence_changed(struct session *s);
/* Publish one file's diagnostics (evidence and leak findings). */
void lsp_publish_file(struct session *s, const char *file);

/* Escape analysis in the editor (lsp-escape.c). */
struct buf;
/* Append the diagnostics of a file's escape sites. */
void lsp_escape_diagnostics(struct session *s, const char *file,
    json_t *diags);
/* Append a line's escape sites to a hover; returns how many. */
size_t lsp_escape_hover(struct session *s, const char *file, int64_t line,
    struct buf *md);

/* Build a diagnostic covering line (1-based); steals message. */
json_t *lsp_line_diagnostic(int64_t line, int severity, const char *code,
    char *message);

/* GC traces and goroutine dumps (lsp-runtime.c). */
lsp_handler lsp_gc_summary;
lsp_handler lsp_goroutine_groups;
/* Append the goroutine-leak diagnostics of a file. */
void lsp_goroutine_diagnostics(struct session *s, const char *file,
    json_t *diags);
/* Append (once) the files that have goroutine-leak diagnostics to files. */
void lsp_goroutine_files(struct session *s, json_t *files);

/* heaplens/flameGraph (lsp-flame.c). */
lsp_handler lsp_flame_graph;

/* Leak checks on open documents (lsp-check.c). */
/* Run the leak checks on an open Go document and publish the result. */
void lsp_check_document(struct session *s, struct document *d);
/* textDocument/codeAction: the findings' quick fixes. */
lsp_handler lsp_code_action;
struct leak_finding;
/* Build a finding's diagnostic in d's current text (new reference). */
json_t *lsp_leak_diagnostic(const struct document *d,
    const struct leak_finding *f);

/* A workspace/executeCommand command; token is the workDoneToken or NULL. */
typedef json_t *lsp_command_fn(struct session *s, json_t *arguments,
    json_t *token, json_t **error);
lsp_command_fn lsp_cmd_load_profile;
lsp_command_fn lsp_cmd_set_base;
lsp_command_fn lsp_cmd_clear_base;
lsp_command_fn lsp_cmd_select_sample_index;

#endif
