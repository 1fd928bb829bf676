/*
 * lsp-status.c - heaplens/status: what the server has loaded and from
 * where, what failed, and the runCompiler builds.
 */
#include <unistd.h>

#include "compiler.h"
#include "lsp.h"
#include "session.h"

/* Describe the workspace folders and their settings files. */
static json_t *
lsp_status_folders(struct session *s)
{
	json_t *folders = json_array();
	struct folder *f;

	for (f = s->workspace.folders; f != NULL; f = f->next)
		json_array_append_new(folders, json_pack(
		    "{s:s, s:s, s:s, s:s?, s:s?, s:O}",
		    "uri", f->uri, "name", f->name, "path", f->path,
		    "settingsFile", f->file_settings != NULL ?
		    f->config_path : NULL,
		    "settingsError", f->file_error,
		    "settings", f->settings));
	return folders;
}

/* Describe the open documents. */
static json_t *
lsp_status_documents(struct session *s)
{
	json_t *docs = json_array();
	struct document *d;

	for (d = s->documents; d != NULL; d = d->next)
		json_array_append_new(docs, json_pack("{s:s, s:I, s:I, s:b}",
		    "uri", d->uri, "version", (json_int_t)d->version,
		    "lines", (json_int_t)d->lines.count, "dirty", d->dirty));
	return docs;
}

/* heaplens/status: answer what is loaded and what failed. */
json_t *
lsp_status(struct session *s, json_t *params, json_t **error)
{
	(void)params;
	(void)error;
	return json_pack("{s:{s:s, s:s, s:I, s:s, s:i}, s:s, s:o, s:O, "
	    "s:O, s:o, s:{s:I, s:b}, s:s?, s:o, s:o, s:O}",
	    "server", "name", "heaplens", "version", HEAPLENS_VERSION,
	    "pid", (json_int_t)getpid(),
	    "transport", s->conn->type->name,
	    "connections", (int)server_connection_count(s->conn->server),
	    "state", s->state == SESSION_NEW ? "new" :
	    s->state == SESSION_RUNNING ? "running" : "shutdown",
	    "workspaceFolders", lsp_status_folders(s),
	    "settings", s->workspace.settings,
	    "settingsWarnings", s->workspace.warnings,
	    "documents", lsp_status_documents(s),
	    "analysis", "passes", (json_int_t)s->analysis_passes,
	    "pending", ev_is_active(&s->debounce),
	    "sampleIndex", s->evidence.active,
	    "inputs", evidence_status(&s->evidence),
	    "compiler", compiler_status(s->compiler),
	    "failures", s->failures);
}
