/*
 * lsp.c - the method table, the capabilities it implies, and the lifecycle
 * handlers (initialize, initialized, shutdown, exit).
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "lsp.h"
#include "protocol/json.h"
#include "session.h"

static const struct lsp_method lsp_methods[] = {
	{ "initialize", lsp_initialize, LSP_REQUEST, NULL },
	{ "initialized", lsp_initialized, LSP_NOTIFICATION, NULL },
	{ "shutdown", lsp_shutdown, LSP_REQUEST, NULL },
	{ "exit", lsp_exit, LSP_NOTIFICATION | LSP_ANY_STATE, NULL },
	{ "$/setTrace", lsp_set_trace, LSP_NOTIFICATION, NULL },
	{ "textDocument/didOpen", lsp_did_open, LSP_NOTIFICATION, NULL },
	{ "textDocument/didChange", lsp_did_change, LSP_NOTIFICATION, NULL },
	{ "textDocument/didSave", lsp_did_save, LSP_NOTIFICATION, NULL },
	{ "textDocument/didClose", lsp_did_close, LSP_NOTIFICATION, NULL },
	{ "workspace/didChangeWorkspaceFolders", lsp_did_change_folders,
	    LSP_NOTIFICATION, NULL },
	{ "workspace/didChangeConfiguration", lsp_did_change_configuration,
	    LSP_NOTIFICATION, NULL },
	{ "workspace/executeCommand", lsp_execute_command, LSP_REQUEST,
	    "executeCommandProvider" },
	{ "textDocument/codeLens", lsp_code_lens, LSP_REQUEST,
	    "codeLensProvider" },
	{ "textDocument/inlayHint", lsp_inlay_hint, LSP_REQUEST,
	    "inlayHintProvider" },
	{ "textDocument/hover", lsp_hover, LSP_REQUEST, "hoverProvider" },
	{ "textDocument/codeAction", lsp_code_action, LSP_REQUEST,
	    "codeActionProvider" },
	{ "heaplens/lineCosts", lsp_line_costs, LSP_REQUEST, NULL },
	{ "heaplens/flameGraph", lsp_flame_graph, LSP_REQUEST, NULL },
	{ "heaplens/gcSummary", lsp_gc_summary, LSP_REQUEST, NULL },
	{ "heaplens/goroutineGroups", lsp_goroutine_groups, LSP_REQUEST, NULL },
	{ "heaplens/status", lsp_status, LSP_REQUEST, NULL },
	{ "heaplens/document", lsp_document, LSP_REQUEST, NULL },
};

/* Find a method by name. */
const struct lsp_method *
lsp_method_find(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(lsp_methods); i++)
		if (strcmp(lsp_methods[i].name, name) == 0)
			return &lsp_methods[i];
	return NULL;
}

/* Build the capabilities the table supports. */
json_t *
lsp_capabilities(void)
{
	json_t *caps, *value;
	const char *cap;
	size_t i;

	caps = json_pack("{s:s, s:{s:b, s:i, s:{s:b}}, s:{s:{s:b, s:b}}}",
	    "positionEncoding", "utf-16",
	    "textDocumentSync", "openClose", 1, "change", 2,
	    "save", "includeText", 0,
	    "workspace", "workspaceFolders", "supported", 1,
	    "changeNotifications", 1);
	for (i = 0; i < ARRAY_SIZE(lsp_methods); i++) {
		cap = lsp_methods[i].capability;
		if (cap == NULL)
			continue;
		if (strcmp(cap, "executeCommandProvider") == 0)
			value = json_pack("{s:o}", "commands",
			    lsp_command_names());
		else if (strcmp(cap, "codeLensProvider") == 0)
			value = json_pack("{s:b}", "resolveProvider", 0);
		else if (strcmp(cap, "codeActionProvider") == 0)
			value = json_pack("{s:[s]}", "codeActionKinds",
			    "quickfix");
		else
			value = json_true();
		json_object_set_new(caps, cap, value);
	}
	return caps;
}

/* Build an invalid-params error object. */
json_t *
lsp_invalid_params(const char *fmt, ...)
{
	va_list ap;
	json_t *e;

	va_start(ap, fmt);
	e = jsonrpc_error_objectv(JSONRPC_INVALID_PARAMS, fmt, ap);
	va_end(ap);
	return e;
}

/* Add the folders initialize names: workspaceFolders, else the root. */
static void
lsp_initial_folders(struct session *s, json_t *params)
{
	json_t *folders = json_object_get(params, "workspaceFolders"), *f;
	const char *root = json_path_string(params, "rootUri");
	char *cause = NULL, *uri;
	size_t i;

	if (json_is_array(folders)) {
		json_array_foreach(folders, i, f) {
			if (!json_is_string(json_object_get(f, "uri"))) {
				session_show_message(s, MESSAGE_WARNING,
				    "heaplens: workspace folder %zu has no uri",
				    i);
				continue;
			}
			if (workspace_add(&s->workspace,
			    json_path_string(f, "uri"),
			    json_path_string(f, "name"), &cause) == NULL) {
				session_show_message(s, MESSAGE_WARNING,
				    "heaplens: %s", cause);
				free(cause);
				cause = NULL;
			}
		}
		return;
	}
	if (root == NULL && json_path_string(params, "rootPath") != NULL) {
		const char *rp = json_path_string(params, "rootPath");

		if (rp[0] == '/') {
			uri = xasprintf("file://%s", rp);
			workspace_add(&s->workspace, uri, NULL, NULL);
			free(uri);
		}
		return;
	}
	if (root != NULL && workspace_add(&s->workspace, root, NULL,
	    &cause) == NULL) {
		session_show_message(s, MESSAGE_WARNING, "heaplens: %s", cause);
		free(cause);
	}
}

/* initialize: remember the client, open the workspace, answer capabilities. */
json_t *
lsp_initialize(struct session *s, json_t *params, json_t **error)
{
	json_t *caps, *options;

	if (!json_is_object(params)) {
		*error = lsp_invalid_params("initialize needs an object of "
		    "parameters");
		return NULL;
	}
	caps = json_object_get(params, "capabilities");
	if (caps != NULL && !json_is_object(caps)) {
		*error = lsp_invalid_params("\"capabilities\" must be an "
		    "object");
		return NULL;
	}
	s->client_capabilities = caps != NULL ? json_incref(caps) :
	    json_object();
	s->client_info = json_incref(json_object_get(params, "clientInfo"));
	if (json_is_string(json_object_get(params, "trace")))
		s->trace = xstrdup(json_path_string(params, "trace"));
	options = json_object_get(params, "initializationOptions");
	lsp_initial_folders(s, params);
	workspace_set_client_settings(&s->workspace,
	    json_is_object(options) ? options : NULL);
	session_show_settings_warnings(s, 0);
	s->state = SESSION_RUNNING;
	log_info("%s: initialized by %s", s->conn->peer,
	    json_path_string(params, "clientInfo.name") ?
	    json_path_string(params, "clientInfo.name") : "an unnamed client");
	return json_pack("{s:o, s:{s:s, s:s}}",
	    "capabilities", lsp_capabilities(),
	    "serverInfo", "name", "heaplens", "version", HEAPLENS_VERSION);
}

/* initialized: the client is ready for our requests. */
json_t *
lsp_initialized(struct session *s, json_t *params, json_t **error)
{
	(void)params;
	(void)error;
	s->initialized = 1;
	evidence_scan(&s->evidence, NULL);
	return NULL;
}

/* shutdown: stop accepting work; only exit may follow. */
json_t *
lsp_shutdown(struct session *s, json_t *params, json_t **error)
{
	(void)params;
	(void)error;
	s->state = SESSION_SHUTDOWN;
	ev_timer_stop(s->loop, &s->debounce);
	return json_null();
}

/* exit: end the session; 0 after shutdown, 1 without, as LSP specifies. */
json_t *
lsp_exit(struct session *s, json_t *params, json_t **error)
{
	(void)params;
	(void)error;
	conn_finish(s->conn, s->state == SESSION_SHUTDOWN ? 0 : 1);
	return NULL;
}

/* $/setTrace: remember the client's trace level. */
json_t *
lsp_set_trace(struct session *s, json_t *params, json_t **error)
{
	const char *value = json_path_string(params, "value");

	if (value == NULL) {
		*error = lsp_invalid_params("$/setTrace needs a \"value\"");
		return NULL;
	}
	free(s->trace);
	s->trace = xstrdup(value);
	return NULL;
}
