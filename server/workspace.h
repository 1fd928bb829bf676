/*
 * workspace.h - the client's workspace folders, their .heaplens.json files,
 * and the settings that apply to each file.
 *
 * Invariants:
 * - A folder's path is absolute and canonical (symlinks resolved when the
 *   folder exists), so containment checks compare real paths.
 * - Every folder has resolved settings at all times; they are recomputed
 *   whenever the editor's settings or the folder's .heaplens.json change
 *   (the file is watched with ev_stat, and re-read once it has been quiet
 *   for WORKSPACE_SETTLE seconds, so a file caught half-written is not
 *   reported as broken).
 * - Files outside every folder get the settings without a file layer.
 */
#ifndef HEAPLENS_WORKSPACE_H
#define HEAPLENS_WORKSPACE_H

#include <ev.h>
#include <jansson.h>

/* Quiet time after a settings file changes before it is re-read. */
#define WORKSPACE_SETTLE 0.1

struct workspace;

struct folder {
	char *uri;
	char *path;
	char *name;
	char *config_path;		/* PATH/.heaplens.json */
	json_t *file_settings;		/* its settings layer, or NULL */
	char *file_error;		/* why it could not be read, or NULL */
	json_t *settings;		/* resolved */
	ev_stat watch;
	ev_timer settle;		/* reload once the writes stop */
	struct workspace *ws;
	struct folder *next;
};

/* Called after a folder's settings changed by themselves (file edited). */
typedef void workspace_changed_cb(struct workspace *ws, struct folder *f);

struct workspace {
	struct ev_loop *loop;
	struct folder *folders;
	json_t *client_settings;	/* editor's layer, or NULL */
	int client_namespaced;
	json_t *settings;		/* resolved, for files outside folders */
	json_t *warnings;		/* problems of the last resolution */
	workspace_changed_cb *changed;
};

void workspace_init(struct workspace *ws, struct ev_loop *loop,
    workspace_changed_cb *changed);
void workspace_release(struct workspace *ws);

/*
 * Add a folder by URI. Returns the folder, or NULL with *cause set when the
 * URI is not a local folder. Adding a folder already present returns it.
 */
struct folder *workspace_add(struct workspace *ws, const char *uri,
    const char *name, char **cause);
/* Remove the folder with this URI; returns 0, or -1 if there is none. */
int workspace_remove(struct workspace *ws, const char *uri);

/* Replace the editor's settings layer (borrowed; the workspace keeps a ref). */
void workspace_set_client_settings(struct workspace *ws, json_t *settings);

/* Re-read every .heaplens.json and resolve all settings again. */
void workspace_reload(struct workspace *ws);

/* Return the innermost folder containing path, or NULL. */
struct folder *workspace_folder_for(struct workspace *ws, const char *path);

/* Return the resolved settings for a file (borrowed). */
json_t *workspace_settings(struct workspace *ws, const char *path);

/* Return whether path lies inside one of the folders. */
int workspace_contains(struct workspace *ws, const char *path);

#endif
