/*
 * workspace.c - workspace folders, their settings files, and path lookups.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "log.h"
#include "protocol/uri.h"
#include "workspace.h"

static void workspace_watch_cb(struct ev_loop *loop, ev_stat *w,
    int revents);
static void workspace_settle_cb(struct ev_loop *loop, ev_timer *w,
    int revents);

/* Initialise an empty workspace. */
void
workspace_init(struct workspace *ws, struct ev_loop *loop,
    workspace_changed_cb *changed)
{
	memset(ws, 0, sizeof *ws);
	ws->loop = loop;
	ws->changed = changed;
	ws->warnings = json_array();
	ws->settings = config_resolve(NULL, NULL, NULL, 0, ws->warnings);
}

/* Free one folder. */
static void
folder_free(struct workspace *ws, struct folder *f)
{
	ev_stat_stop(ws->loop, &f->watch);
	ev_timer_stop(ws->loop, &f->settle);
	free(f->uri);
	free(f->path);
	free(f->name);
	free(f->config_path);
	free(f->file_error);
	json_decref(f->file_settings);
	json_decref(f->settings);
	free(f);
}

/* Free every folder and setting. */
void
workspace_release(struct workspace *ws)
{
	struct folder *f, *next;

	for (f = ws->folders; f != NULL; f = next) {
		next = f->next;
		folder_free(ws, f);
	}
	json_decref(ws->client_settings);
	json_decref(ws->settings);
	json_decref(ws->warnings);
	memset(ws, 0, sizeof *ws);
}

/* Append a warning unless the same text is already there. */
static void
workspace_warn(json_t *warnings, json_t *more)
{
	size_t i, j;
	json_t *w, *v;
	int dup;

	json_array_foreach(more, i, w) {
		dup = 0;
		json_array_foreach(warnings, j, v)
			if (json_equal(v, w))
				dup = 1;
		if (!dup)
			json_array_append(warnings, w);
	}
}

/* Re-read a folder's settings file. */
static void
workspace_read_settings(struct folder *f)
{
	json_decref(f->file_settings);
	f->file_settings = NULL;
	free(f->file_error);
	f->file_error = NULL;
	config_read_file(f->config_path, &f->file_settings, &f->file_error);
}

/*
 * Resolve the settings of files outside the folders and of every folder,
 * collecting the problems of this resolution in ws->warnings.
 */
static void
workspace_resolve(struct workspace *ws)
{
	json_t *warnings;
	struct folder *f;

	json_array_clear(ws->warnings);
	json_decref(ws->settings);
	ws->settings = config_resolve(NULL, NULL, ws->client_settings,
	    ws->client_namespaced, ws->warnings);
	for (f = ws->folders; f != NULL; f = f->next) {
		warnings = json_array();
		if (f->file_error != NULL)
			json_array_append_new(warnings,
			    json_string(f->file_error));
		json_decref(f->settings);
		f->settings = config_resolve(f->file_settings, f->config_path,
		    ws->client_settings, ws->client_namespaced, warnings);
		workspace_warn(ws->warnings, warnings);
		json_decref(warnings);
	}
}

/* Add a workspace folder. */
struct folder *
workspace_add(struct workspace *ws, const char *uri, const char *name,
    char **cause)
{
	struct folder *f, **pp;
	char *path, real[PATH_MAX];

	path = uri_to_path(uri, cause);
	if (path == NULL)
		return NULL;
	if (realpath(path, real) != NULL) {
		free(path);
		path = xstrdup(real);
	}
	/* Drop trailing slashes so prefix checks stay exact. */
	while (strlen(path) > 1 && path[strlen(path) - 1] == '/')
		path[strlen(path) - 1] = '\0';
	for (f = ws->folders; f != NULL; f = f->next) {
		if (strcmp(f->path, path) == 0) {
			free(path);
			return f;
		}
	}
	f = xcalloc(1, sizeof *f);
	f->ws = ws;
	f->uri = xstrdup(uri);
	f->path = path;
	f->name = xstrdup(name != NULL ? name : path);
	f->config_path = xasprintf("%s/%s", strcmp(path, "/") ? path : "",
	    CONFIG_FILE);
	workspace_read_settings(f);
	ev_stat_init(&f->watch, workspace_watch_cb, f->config_path, 1.0);
	ev_stat_start(ws->loop, &f->watch);
	ev_timer_init(&f->settle, workspace_settle_cb, WORKSPACE_SETTLE, 0.);
	for (pp = &ws->folders; *pp != NULL; pp = &(*pp)->next)
		;
	*pp = f;
	workspace_resolve(ws);
	log_info("workspace folder %s", path);
	return f;
}

/* Remove a workspace folder. */
int
workspace_remove(struct workspace *ws, const char *uri)
{
	struct folder **pp, *f;
	char *path = uri_to_path(uri, NULL), real[PATH_MAX];
	int found = -1;

	if (path != NULL && realpath(path, real) != NULL) {
		free(path);
		path = xstrdup(real);
	}
	for (pp = &ws->folders; (f = *pp) != NULL; pp = &f->next) {
		if (strcmp(f->uri, uri) == 0 ||
		    (path != NULL && strcmp(f->path, path) == 0)) {
			*pp = f->next;
			folder_free(ws, f);
			workspace_resolve(ws);
			found = 0;
			break;
		}
	}
	free(path);
	return found;
}

/* Replace the editor's settings and resolve again. */
void
workspace_set_client_settings(struct workspace *ws, json_t *settings)
{
	json_t *layer;
	int namespaced = 0;

	layer = settings != NULL ? config_layer(settings, &namespaced) : NULL;
	json_decref(ws->client_settings);
	ws->client_settings = json_incref(layer);
	ws->client_namespaced = namespaced;
	workspace_resolve(ws);
}

/* Re-read all settings files. */
void
workspace_reload(struct workspace *ws)
{
	struct folder *f;

	for (f = ws->folders; f != NULL; f = f->next)
		workspace_read_settings(f);
	workspace_resolve(ws);
}

/* A .heaplens.json was created, changed or removed: wait for quiet. */
static void
workspace_watch_cb(struct ev_loop *loop, ev_stat *w, int revents)
{
	struct folder *f = container_of(w, struct folder, watch);

	(void)revents;
	ev_timer_stop(loop, &f->settle);
	ev_timer_set(&f->settle, WORKSPACE_SETTLE, 0.);
	ev_timer_start(loop, &f->settle);
}

/* Re-read a settings file that has stopped changing. */
static void
workspace_settle_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct folder *f = container_of(w, struct folder, settle);
	struct workspace *ws = f->ws;

	(void)loop;
	(void)revents;
	log_info("%s changed", f->config_path);
	workspace_read_settings(f);
	workspace_resolve(ws);
	if (ws->changed != NULL)
		ws->changed(ws, f);
}

/* Return whether path is dir or inside it. */
static int
workspace_under(const char *dir, const char *path)
{
	size_t n = strlen(dir);

	if (strcmp(dir, "/") == 0)
		return path[0] == '/';
	return strncmp(dir, path, n) == 0 &&
	    (path[n] == '/' || path[n] == '\0');
}

/* Find the innermost folder holding path. */
struct folder *
workspace_folder_for(struct workspace *ws, const char *path)
{
	struct folder *f, *best = NULL;
	char real[PATH_MAX];

	if (path == NULL || path[0] != '/')
		return NULL;
	if (realpath(path, real) != NULL)
		path = real;
	else if (strstr(path, "/../") != NULL ||
	    strcmp(path + strlen(path) - (strlen(path) >= 3 ? 3 : 0),
	    "/..") == 0)
		return NULL;	/* cannot prove where it leads */
	for (f = ws->folders; f != NULL; f = f->next)
		if (workspace_under(f->path, path) &&
		    (best == NULL || strlen(f->path) > strlen(best->path)))
			best = f;
	return best;
}

/* Return the settings for a file. */
json_t *
workspace_settings(struct workspace *ws, const char *path)
{
	struct folder *f = workspace_folder_for(ws, path);

	return f != NULL ? f->settings : ws->settings;
}

/* Return whether path is inside the workspace. */
int
workspace_contains(struct workspace *ws, const char *path)
{
	return workspace_folder_for(ws, path) != NULL;
}
