/*
 * lsp-workspace.c - workspace folders, configuration changes, and the
 * workspace/executeCommand commands.
 */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "lsp.h"
#include "progress.h"
#include "protocol/json.h"
#include "session.h"

struct lsp_command {
	const char *name;
	lsp_command_fn *fn;
};

static lsp_command_fn lsp_refresh;

static const struct lsp_command lsp_commands[] = {
	{ "heaplens.selectSampleIndex", lsp_cmd_select_sample_index },
	{ "heaplens.loadProfile", lsp_cmd_load_profile },
	{ "heaplens.setBase", lsp_cmd_set_base },
	{ "heaplens.clearBase", lsp_cmd_clear_base },
	{ "heaplens.refresh", lsp_refresh },
};

/* Return the command names for the executeCommand capability. */
json_t *
lsp_command_names(void)
{
	json_t *names = json_array();
	size_t i;

	for (i = 0; i < ARRAY_SIZE(lsp_commands); i++)
		json_array_append_new(names, json_string(lsp_commands[i].name));
	return names;
}

/* workspace/didChangeWorkspaceFolders: follow the client's folders. */
json_t *
lsp_did_change_folders(struct session *s, json_t *params, json_t **error)
{
	json_t *added = json_path(params, "event.added");
	json_t *removed = json_path(params, "event.removed"), *f;
	const char *uri;
	char *cause = NULL;
	size_t i;

	if (!json_is_array(added) || !json_is_array(removed)) {
		*error = lsp_invalid_params("didChangeWorkspaceFolders needs "
		    "event.added and event.removed");
		return NULL;
	}
	json_array_foreach(removed, i, f) {
		uri = json_path_string(f, "uri");
		if (uri == NULL || workspace_remove(&s->workspace, uri) != 0)
			log_info("removing unknown workspace folder %s",
			    uri != NULL ? uri : "(no uri)");
	}
	json_array_foreach(added, i, f) {
		uri = json_path_string(f, "uri");
		if (uri == NULL) {
			*error = lsp_invalid_params("added folder %zu has no "
			    "uri", i);
			continue;
		}
		if (workspace_add(&s->workspace, uri,
		    json_path_string(f, "name"), &cause) == NULL) {
			session_show_message(s, MESSAGE_WARNING, "heaplens: %s",
			    cause);
			free(cause);
			cause = NULL;
		}
	}
	session_show_settings_warnings(s, 0);
	if (s->initialized)
		evidence_scan(&s->evidence, NULL);
	return NULL;
}

/* workspace/didChangeConfiguration: take the editor's new settings. */
json_t *
lsp_did_change_configuration(struct session *s, json_t *params,
    json_t **error)
{
	json_t *settings = json_object_get(params, "settings");

	(void)error;
	if (json_is_object(settings)) {
		workspace_set_client_settings(&s->workspace, settings);
		session_show_settings_warnings(s, 0);
		if (s->initialized)
			evidence_scan(&s->evidence, NULL);
	}
	return NULL;
}

/* workspace/executeCommand: run one of the commands of the table. */
json_t *
lsp_execute_command(struct session *s, json_t *params, json_t **error)
{
	const char *name = json_path_string(params, "command");
	json_t *arguments = json_object_get(params, "arguments");
	size_t i;

	if (name == NULL) {
		*error = lsp_invalid_params("executeCommand needs a command");
		return NULL;
	}
	if (arguments != NULL && !json_is_array(arguments)) {
		*error = lsp_invalid_params("\"arguments\" must be an array");
		return NULL;
	}
	for (i = 0; i < ARRAY_SIZE(lsp_commands); i++)
		if (strcmp(lsp_commands[i].name, name) == 0)
			return lsp_commands[i].fn(s, arguments,
			    json_object_get(params, "workDoneToken"), error);
	*error = lsp_invalid_params("unknown command \"%s\"", name);
	return NULL;
}

/*
 * heaplens.refresh: re-read every workspace folder's settings file, then
 * look for profiles again and reload the changed ones.
 */
static json_t *
lsp_refresh(struct session *s, json_t *arguments, json_t *token,
    json_t **error)
{
	struct progress *p;
	struct folder *f;
	unsigned n = 0, total = 0;
	char *msg;

	(void)arguments;
	(void)error;
	for (f = s->workspace.folders; f != NULL; f = f->next)
		total++;
	p = progress_begin(s, token, "heaplens: refresh", "reading settings");
	workspace_reload(&s->workspace);
	for (f = s->workspace.folders; f != NULL; f = f->next) {
		msg = xasprintf("%s", f->name);
		progress_report(p, msg, (int)(100 * ++n / total));
		free(msg);
	}
	progress_end(p, "settings reloaded");
	session_show_settings_warnings(s, 1);
	evidence_scan(&s->evidence, NULL);
	return json_pack("{s:i, s:i}", "folders", total, "warnings",
	    (int)json_array_size(s->workspace.warnings));
}
