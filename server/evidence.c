/*
 * evidence.c - find, load and watch the workspace's profiles and escape
 * output, and index per-line costs and escape sites by workspace file.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "analyzers/lines.h"
#include "analyzers/sourcemap.h"
#include "config.h"
#include "evidence.h"
#include "glob.h"
#include "log.h"
#include "lsp.h"
#include "progress.h"
#include "protocol/json.h"
#include "session.h"

/* Bounds on a workspace walk: nothing here may take the server down. */
#define SCAN_MAX_ENTRIES 200000
#define SCAN_MAX_DEPTH 32
#define SCAN_MAX_WATCHED_DIRS 256
#define EVIDENCE_SETTLE 0.1

/* Sample types in the order a user most likely wants them. */
static const char *const evidence_preferred[] = {
	"alloc_space", "inuse_space", "cpu", "samples", "goroutine",
	"contentions", "delay", "alloc_objects", "inuse_objects",
};

static void evidence_file_cb(struct ev_loop *loop, ev_stat *w, int revents);
static void evidence_settle_cb(struct ev_loop *loop, ev_timer *w,
    int revents);
static void evidence_dir_cb(struct ev_loop *loop, ev_stat *w, int revents);
static void evidence_rescan_cb(struct ev_loop *loop, ev_timer *w,
    int revents);
static void evidence_poll_cb(struct ev_loop *loop, ev_timer *w, int revents);
static void evidence_rebuild_view(struct evidence *ev);
static void evidence_rebuild_sites(struct evidence *ev);

/* Initialise an empty index. */
void
evidence_init(struct evidence *ev, struct session *s)
{
	memset(ev, 0, sizeof *ev);
	ev->session = s;
	ev->loop = s->loop;
	ev_timer_init(&ev->rescan, evidence_rescan_cb, 0.2, 0.);
	ev_timer_init(&ev->poll, evidence_poll_cb, 1.0, 1.0);
}

/* Free an input's escape report. */
static void
evidence_escape_free(struct evidence_input *p)
{
	if (p->escape != NULL) {
		escape_release(p->escape);
		free(p->escape);
		p->escape = NULL;
	}
}

/* Free an input's GC trace or goroutine dump. */
static void
evidence_trace_free(struct evidence_input *p)
{
	if (p->trace != NULL) {
		gctrace_release(p->trace);
		free(p->trace);
		p->trace = NULL;
	}
	if (p->dump != NULL) {
		goroutines_release(p->dump);
		free(p->dump);
		p->dump = NULL;
	}
}

/* Stop watching and free one input. */
static void
evidence_input_free(struct evidence *ev, struct evidence_input *p)
{
	if (p == NULL)
		return;
	ev_stat_stop(ev->loop, &p->watch);
	ev_timer_stop(ev->loop, &p->settle);
	pprof_free(p->profile);
	evidence_escape_free(p);
	evidence_trace_free(p);
	free(p->path);
	free(p->error);
	free(p);
}

/* Stop watching directories. */
static void
evidence_unwatch_dirs(struct evidence *ev)
{
	size_t i;

	for (i = 0; i < ev->ndirs; i++) {
		ev_stat_stop(ev->loop, &ev->dirs[i]);
		free((char *)ev->dirs[i].path);
	}
	free(ev->dirs);
	free(ev->dir_mtimes);
	ev->dirs = NULL;
	ev->dir_mtimes = NULL;
	ev->ndirs = 0;
}

/* Free the escape sites of the index. */
static void
evidence_clear_sites(struct evidence *ev)
{
	free(ev->groups);
	ev->groups = NULL;
	ev->ngroups = 0;
	size_t i;

	for (i = 0; i < ev->nsites; i++)
		free(ev->sites[i].flow_files);
	free(ev->sites);
	ev->sites = NULL;
	ev->nsites = 0;
}

/* Free the derived index. */
static void
evidence_clear_index(struct evidence *ev)
{
	evidence_clear_sites(ev);
	free(ev->lines);
	free(ev->growth);
	ev->lines = ev->growth = NULL;
	ev->nlines = ev->ngrowth = 0;
	sourcemap_free(ev->map);
	ev->map = NULL;
}

/* Free everything. */
void
evidence_release(struct evidence *ev)
{
	struct evidence_input *p, *next;

	for (p = ev->inputs; p != NULL; p = next) {
		next = p->next;
		evidence_input_free(ev, p);
	}
	for (p = ev->builds; p != NULL; p = next) {
		next = p->next;
		evidence_input_free(ev, p);
	}
	evidence_input_free(ev, ev->base);
	evidence_unwatch_dirs(ev);
	ev_timer_stop(ev->loop, &ev->rescan);
	ev_timer_stop(ev->loop, &ev->poll);
	evidence_clear_index(ev);
	free(ev->active);
	free(ev->requested);
	memset(ev, 0, sizeof *ev);
}

/* Return a file's modification time in nanoseconds, or -1. */
static int64_t
evidence_mtime(const char *path)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return -1;
	return (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
}

/* Return whether an input loaded. */
static int
evidence_loaded(const struct evidence_input *p)
{
	return p->profile != NULL || p->escape != NULL || p->trace != NULL ||
	    p->dump != NULL;
}

/* (Re)load an input's file; report a failure to the user. */
static void
evidence_read(struct evidence *ev, struct evidence_input *p)
{
	json_t *settings = session_settings(ev->session, p->path);
	size_t max = (size_t)config_number(settings, "maxProfileBytes");
	char *cause = NULL;

	pprof_free(p->profile);
	p->profile = NULL;
	evidence_escape_free(p);
	evidence_trace_free(p);
	free(p->error);
	p->error = NULL;
	p->mtime_ns = evidence_mtime(p->path);
	switch (p->kind) {
	case EVIDENCE_ESCAPE:
		p->escape = xmalloc(sizeof *p->escape);
		if (escape_load(p->path, max, p->escape, &cause) != 0) {
			free(p->escape);
			p->escape = NULL;
		}
		break;
	case EVIDENCE_GCTRACE:
		p->trace = xmalloc(sizeof *p->trace);
		if (gctrace_load(p->path, max, p->trace, &cause) != 0) {
			free(p->trace);
			p->trace = NULL;
		}
		break;
	case EVIDENCE_GOROUTINES:
		p->dump = xmalloc(sizeof *p->dump);
		if (goroutines_load(p->path, max, p->dump, &cause) != 0) {
			free(p->dump);
			p->dump = NULL;
		}
		break;
	case EVIDENCE_PROFILE:
	case EVIDENCE_BUILD:
		p->profile = pprof_load(p->path, max, &cause);
		break;
	}
	if (!evidence_loaded(p)) {
		p->error = cause;
		log_warn("%s", cause);
		session_show_message(ev->session, MESSAGE_ERROR,
		    "heaplens: %s", cause);
		return;
	}
	/* Once when a trace starts to say so, not at every write of it. */
	if (p->trace != NULL && p->trace->trend.verdict == GCTRACE_GROWING &&
	    !p->warned)
		session_show_message(ev->session, MESSAGE_WARNING,
		    "heaplens: %s: the live heap is growing: %s", p->path,
		    p->trace->trend.reason);
	if (p->trace != NULL)
		p->warned = p->trace->trend.verdict == GCTRACE_GROWING;
	log_info("loaded %s", p->path);
}

/* Create, read and start watching an input. */
static struct evidence_input *
evidence_input_new(struct evidence *ev, const char *path,
    enum evidence_kind kind)
{
	struct evidence_input *p = xcalloc(1, sizeof *p);

	p->ev = ev;
	p->kind = kind;
	p->path = xstrdup(path);
	evidence_read(ev, p);
	ev_stat_init(&p->watch, evidence_file_cb, p->path, 1.0);
	ev_stat_start(ev->loop, &p->watch);
	ev_timer_init(&p->settle, evidence_settle_cb, EVIDENCE_SETTLE, 0.);
	return p;
}

/* A profile file changed: wait until the writer is done. */
static void
evidence_file_cb(struct ev_loop *loop, ev_stat *w, int revents)
{
	struct evidence_input *p = container_of(w, struct evidence_input,
	    watch);

	(void)revents;
	ev_timer_stop(loop, &p->settle);
	ev_timer_set(&p->settle, EVIDENCE_SETTLE, 0.);
	ev_timer_start(loop, &p->settle);
}

/* Reload an input whose file stopped changing, or drop a removed one. */
static void
evidence_settle_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct evidence_input *p = container_of(w, struct evidence_input,
	    settle), **pp;
	struct evidence *ev = p->ev;
	enum evidence_kind kind = p->kind;

	(void)loop;
	(void)revents;
	if (evidence_mtime(p->path) < 0) {
		if (p == ev->base) {
			log_info("base %s removed; keeping it loaded", p->path);
			return;
		}
		for (pp = &ev->inputs; *pp != NULL; pp = &(*pp)->next) {
			if (*pp == p) {
				*pp = p->next;
				break;
			}
		}
		log_info("%s removed", p->path);
		evidence_input_free(ev, p);
	} else {
		log_info("%s changed: reloading", p->path);
		evidence_read(ev, p);
	}
	/* p may be gone: only its kind is left to look at. */
	if (kind != EVIDENCE_PROFILE && ev->map != NULL) {
		evidence_rebuild_sites(ev);
		ev->generation++;
	} else {
		evidence_rebuild(ev);
	}
	lsp_evidence_changed(ev->session);
}

/* Schedule a rescan once directory changes settle. */
static void
evidence_schedule_rescan(struct evidence *ev)
{
	ev_timer_stop(ev->loop, &ev->rescan);
	ev_timer_set(&ev->rescan, 0.2, 0.);
	ev_timer_start(ev->loop, &ev->rescan);
}

/* A watched directory changed: new profiles may have appeared. */
static void
evidence_dir_cb(struct ev_loop *loop, ev_stat *w, int revents)
{
	(void)loop;
	(void)revents;
	evidence_schedule_rescan(w->data);
}

/* Compare nanosecond mtimes of profiles and directories with the last look. */
static void
evidence_poll_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct evidence *ev = container_of(w, struct evidence, poll);
	struct evidence_input *p;
	size_t i;

	(void)revents;
	for (p = ev->inputs; p != NULL; p = p->next)
		if (!ev_is_active(&p->settle) &&
		    evidence_mtime(p->path) != p->mtime_ns)
			evidence_file_cb(loop, &p->watch, 0);
	for (i = 0; i < ev->ndirs; i++) {
		if (evidence_mtime(ev->dirs[i].path) != ev->dir_mtimes[i]) {
			evidence_schedule_rescan(ev);
			break;
		}
	}
}

/* Rescan after directory changes settled. */
static void
evidence_rescan_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct evidence *ev = container_of(w, struct evidence, rescan);

	(void)loop;
	(void)revents;
	evidence_scan(ev, NULL);
}

/* What a walk collects. */
struct evidence_walk {
	struct evidence *ev;
	json_t *globs;			/* profiles */
	json_t *escape_globs;		/* escapeOutputs */
	json_t *trace_globs;		/* gcTraces */
	json_t *dump_globs;		/* goroutineDumps */
	const char *root;
	json_t *found;			/* [path, kind] */
	json_t *dirs;			/* directories seen, for watching */
	size_t entries;
};

/* Return whether rel matches one of the globs. */
static int
evidence_matches(json_t *globs, const char *rel)
{
	json_t *g;
	size_t i;

	json_array_foreach(globs, i, g)
		if (glob_match(json_string_value(g), rel))
			return 1;
	return 0;
}

/* Record a file the walk found. */
static void
evidence_walk_found(struct evidence_walk *w, const char *path,
    enum evidence_kind kind)
{
	json_array_append_new(w->found, json_pack("[s, i]", path, (int)kind));
}

/* Return whether a file name ends in ".json". */
static int
evidence_is_json(const char *name)
{
	size_t n = strlen(name);

	return n > 5 && strcmp(name + n - 5, ".json") == 0;
}

/*
 * Walk dir (relative path rel under the root) for matching files. Below a
 * directory an escape glob matched (in_escape), every .json file is
 * escape output: the compiler's -json=0,DIR layout.
 */
static void
evidence_walk_dir(struct evidence_walk *w, const char *dir, const char *rel,
    int depth, int in_escape)
{
	struct dirent *d;
	struct stat st;
	char path[PATH_MAX], sub[PATH_MAX];
	DIR *dp;

	if (depth > SCAN_MAX_DEPTH || w->entries > SCAN_MAX_ENTRIES)
		return;
	dp = opendir(dir);
	if (dp == NULL)
		return;
	if (json_array_size(w->dirs) < SCAN_MAX_WATCHED_DIRS)
		json_array_append_new(w->dirs, json_string(dir));
	while ((d = readdir(dp)) != NULL) {
		if (d->d_name[0] == '.' || strcmp(d->d_name, "node_modules") == 0)
			continue;
		if (++w->entries > SCAN_MAX_ENTRIES)
			break;
		if (snprintf(path, sizeof path, "%s/%s", dir, d->d_name) >=
		    (int)sizeof path || snprintf(sub, sizeof sub, "%s%s%s", rel,
		    *rel ? "/" : "", d->d_name) >= (int)sizeof sub)
			continue;
		/* lstat: symbolic links could lead out of the workspace. */
		if (lstat(path, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode))
			evidence_walk_dir(w, path, sub, depth + 1, in_escape ||
			    evidence_matches(w->escape_globs, sub));
		else if (!S_ISREG(st.st_mode))
			continue;
		else if (evidence_matches(w->globs, sub))
			evidence_walk_found(w, path, EVIDENCE_PROFILE);
		else if ((in_escape && evidence_is_json(d->d_name)) ||
		    evidence_matches(w->escape_globs, sub))
			evidence_walk_found(w, path, EVIDENCE_ESCAPE);
		else if (evidence_matches(w->trace_globs, sub))
			evidence_walk_found(w, path, EVIDENCE_GCTRACE);
		else if (evidence_matches(w->dump_globs, sub))
			evidence_walk_found(w, path, EVIDENCE_GOROUTINES);
	}
	closedir(dp);
}

/* Return the profile listed for path, or NULL. */
struct evidence_input *
evidence_find(const struct evidence *ev, const char *path)
{
	struct evidence_input *p;

	for (p = ev->inputs; p != NULL; p = p->next)
		if (strcmp(p->path, path) == 0)
			return p;
	return NULL;
}

/* Watch the directories a walk saw, so new profiles are noticed. */
static void
evidence_watch_dirs(struct evidence *ev, json_t *dirs)
{
	json_t *d;
	size_t i;

	evidence_unwatch_dirs(ev);
	ev->dirs = xcalloc(json_array_size(dirs) + 1, sizeof *ev->dirs);
	ev->dir_mtimes = xcalloc(json_array_size(dirs) + 1,
	    sizeof *ev->dir_mtimes);
	json_array_foreach(dirs, i, d) {
		ev_stat_init(&ev->dirs[i], evidence_dir_cb,
		    xstrdup(json_string_value(d)), 1.0);
		ev->dirs[i].data = ev;
		ev_stat_start(ev->loop, &ev->dirs[i]);
		ev->dir_mtimes[i] = evidence_mtime(json_string_value(d));
	}
	ev->ndirs = json_array_size(dirs);
	if (!ev_is_active(&ev->poll))
		ev_timer_start(ev->loop, &ev->poll);
}

/* The path of one file a walk found. */
static const char *
evidence_found_path(json_t *found)
{
	return json_string_value(json_array_get(found, 0));
}

/* The kind of one file a walk found. */
static enum evidence_kind
evidence_found_kind(json_t *found)
{
	return (enum evidence_kind)json_integer_value(json_array_get(found, 1));
}

/* Find, load and index the workspace's inputs. */
void
evidence_scan(struct evidence *ev, json_t *token)
{
	struct session *s = ev->session;
	struct evidence_input *p, **pp;
	struct evidence_walk w;
	struct progress *prog = NULL;
	struct folder *f;
	json_t *found;
	size_t i, n, loaded = 0, failed = 0;
	char *msg;
	int kept;

	memset(&w, 0, sizeof w);
	w.ev = ev;
	w.found = json_array();
	w.dirs = json_array();
	for (f = s->workspace.folders; f != NULL; f = f->next) {
		w.globs = json_object_get(f->settings, "profiles");
		w.escape_globs = json_object_get(f->settings, "escapeOutputs");
		w.trace_globs = json_object_get(f->settings, "gcTraces");
		w.dump_globs = json_object_get(f->settings, "goroutineDumps");
		w.root = f->path;
		evidence_walk_dir(&w, f->path, "", 0, 0);
	}
	/* Drop inputs that are gone or no longer match (not those loaded by hand). */
	for (pp = &ev->inputs; (p = *pp) != NULL; ) {
		kept = 0;
		json_array_foreach(w.found, i, found)
			if (strcmp(evidence_found_path(found), p->path) == 0 &&
			    evidence_found_kind(found) == p->kind)
				kept = 1;
		if (kept || p->pinned) {
			pp = &p->next;
			continue;
		}
		*pp = p->next;
		evidence_input_free(ev, p);
	}
	n = json_array_size(w.found);
	json_array_foreach(w.found, i, found) {
		p = evidence_find(ev, evidence_found_path(found));
		if (p != NULL && p->mtime_ns == evidence_mtime(p->path))
			continue;
		if (prog == NULL)
			prog = progress_begin(s, token, "heaplens: loading "
			    "evidence", NULL);
		msg = xasprintf("%s", evidence_found_path(found));
		progress_report(prog, msg, (int)(100 * i / (n ? n : 1)));
		free(msg);
		if (p != NULL) {
			evidence_read(ev, p);
		} else {
			p = evidence_input_new(ev, evidence_found_path(found),
			    evidence_found_kind(found));
			p->next = ev->inputs;
			ev->inputs = p;
		}
		if (evidence_loaded(p))
			loaded++;
		else
			failed++;
	}
	if (prog != NULL) {
		msg = xasprintf("%zu loaded, %zu failed", loaded, failed);
		progress_end(prog, msg);
		free(msg);
	}
	evidence_watch_dirs(ev, w.dirs);
	json_decref(w.found);
	json_decref(w.dirs);
	evidence_rebuild(ev);
	lsp_evidence_changed(s);
}

/* Load a profile by hand, or as the base. */
int
evidence_load(struct evidence *ev, const char *path, int as_base,
    char **cause)
{
	struct evidence_input *p;
	char real[PATH_MAX];

	if (realpath(path, real) == NULL)
		return set_cause(cause, "%s: %s", path, strerror(errno));
	if (!workspace_contains(&ev->session->workspace, real))
		return set_cause(cause, "%s is outside the workspace folders",
		    real);
	if (as_base) {
		p = evidence_input_new(ev, real, EVIDENCE_PROFILE);
		if (p->profile == NULL) {
			set_cause(cause, "%s", p->error);
			evidence_input_free(ev, p);
			return -1;
		}
		evidence_input_free(ev, ev->base);
		ev->base = p;
	} else if ((p = evidence_find(ev, real)) != NULL) {
		evidence_read(ev, p);
		if (!evidence_loaded(p))
			return set_cause(cause, "%s", p->error);
	} else {
		p = evidence_input_new(ev, real, EVIDENCE_PROFILE);
		if (p->profile == NULL) {
			set_cause(cause, "%s", p->error);
			evidence_input_free(ev, p);
			return -1;
		}
		p->next = ev->inputs;
		ev->inputs = p;
	}
	if (!as_base)
		p->pinned = 1;
	if (as_base)
		evidence_rebuild_view(ev);
	else
		evidence_rebuild(ev);
	lsp_evidence_changed(ev->session);
	return 0;
}

/* Forget the base profile. */
void
evidence_clear_base(struct evidence *ev)
{
	evidence_input_free(ev, ev->base);
	ev->base = NULL;
	evidence_rebuild_view(ev);
	lsp_evidence_changed(ev->session);
}

/* Take a runCompiler build's escape report, replacing the package's last. */
void
evidence_compiled(struct evidence *ev, const char *dir,
    struct escape_report *r)
{
	struct evidence_input *p;

	for (p = ev->builds; p != NULL; p = p->next)
		if (strcmp(p->path, dir) == 0)
			break;
	if (p == NULL) {
		p = xcalloc(1, sizeof *p);
		p->ev = ev;
		p->kind = EVIDENCE_BUILD;
		p->path = xstrdup(dir);
		p->next = ev->builds;
		ev->builds = p;
	}
	evidence_escape_free(p);
	p->escape = r;
	p->mtime_ns = (int64_t)(ev_time() * 1e9);
	log_info("build of %s: %zu escape sites", dir, r->n);
	if (ev->map != NULL)
		evidence_rebuild_sites(ev);
	else
		evidence_rebuild(ev);
	ev->generation++;
	lsp_evidence_changed(ev->session);
}

/* Return whether a loaded profile has sample type type. */
static int
evidence_has_type(const struct evidence *ev, const char *type)
{
	const struct evidence_input *p;
	size_t i;

	for (p = ev->inputs; p != NULL; p = p->next)
		for (i = 0; p->profile != NULL && i < p->profile->ntypes; i++)
			if (strcmp(p->profile->types[i].type, type) == 0)
				return 1;
	return 0;
}

/* Return the sample types present, preferred first. */
json_t *
evidence_types(const struct evidence *ev)
{
	const struct evidence_input *p;
	json_t *types = json_array(), *t;
	size_t i, j;
	int dup;

	for (i = 0; i < ARRAY_SIZE(evidence_preferred); i++)
		if (evidence_has_type(ev, evidence_preferred[i]))
			json_array_append_new(types,
			    json_string(evidence_preferred[i]));
	for (p = ev->inputs; p != NULL; p = p->next) {
		for (i = 0; p->profile != NULL && i < p->profile->ntypes; i++) {
			dup = 0;
			json_array_foreach(types, j, t)
				if (strcmp(json_string_value(t),
				    p->profile->types[i].type) == 0)
					dup = 1;
			if (!dup)
				json_array_append_new(types, json_string(
				    p->profile->types[i].type));
		}
	}
	return types;
}

/* Choose the active sample type. */
int
evidence_select(struct evidence *ev, const char *type, char **cause)
{
	json_t *types;
	char *list;

	if (type != NULL && !evidence_has_type(ev, type)) {
		types = evidence_types(ev);
		list = json_compact(types);
		json_decref(types);
		set_cause(cause, "no loaded profile has sample type \"%s\" "
		    "(there are %s)", type, list);
		free(list);
		return -1;
	}
	free(ev->requested);
	ev->requested = type != NULL ? xstrdup(type) : NULL;
	evidence_rebuild_view(ev);
	lsp_evidence_changed(ev->session);
	return 0;
}

/*
 * Return when a profile was taken: its own time_nanos, which survives
 * copies and checkouts, else its file's modification time.
 */
static int64_t
evidence_taken(const struct evidence_input *p)
{
	if (p->profile != NULL && p->profile->time_nanos > 0)
		return p->profile->time_nanos;
	return p->mtime_ns;
}

/* Return the newest loaded profile that has sample type type. */
const struct evidence_input *
evidence_newest(const struct evidence *ev, const char *type)
{
	const struct evidence_input *p, *best = NULL;
	size_t i;

	for (p = ev->inputs; p != NULL && type != NULL; p = p->next) {
		for (i = 0; p->profile != NULL && i < p->profile->ntypes; i++)
			if (strcmp(p->profile->types[i].type, type) == 0)
				break;
		if (p->profile == NULL || i == p->profile->ntypes)
			continue;
		if (best == NULL || evidence_taken(p) > evidence_taken(best) ||
		    (evidence_taken(p) == evidence_taken(best) &&
		    strcmp(p->path, best->path) < 0))
			best = p;
	}
	return best;
}

/* Order lines by file, type, newest profile first, line. */
static int
evidence_line_pick_cmp(const void *pa, const void *pb)
{
	const struct evidence_line *a = pa, *b = pb;
	int c;

	if ((c = strcmp(a->file, b->file)) != 0)
		return c;
	if ((c = strcmp(a->type, b->type)) != 0)
		return c;
	if (a->from != b->from) {
		if (evidence_taken(a->from) != evidence_taken(b->from))
			return evidence_taken(a->from) >
			    evidence_taken(b->from) ? -1 : 1;
		return strcmp(a->from->path, b->from->path);
	}
	return a->line < b->line ? -1 : a->line > b->line;
}

/* Append the resolved lines of one report. */
static void
evidence_collect(struct evidence *ev, const struct evidence_input *p,
    const struct lines_report *r, struct evidence_line **out, size_t *n,
    size_t *alloc, int growth_only)
{
	struct evidence_line *l;
	const char *file;
	size_t i;

	for (i = 0; i < r->n; i++) {
		if (growth_only && r->entries[i].flat <= 0)
			continue;
		file = sourcemap_resolve(ev->map, r->entries[i].file);
		if (file == NULL || r->entries[i].line <= 0)
			continue;
		if (*n == *alloc) {
			*alloc = *alloc ? *alloc * 2 : 1024;
			*out = xrealloc(*out, *alloc * sizeof **out);
		}
		l = &(*out)[(*n)++];
		l->file = file;
		l->type = r->sample_index;
		l->unit = r->unit;
		l->function = r->entries[i].function;
		l->from = p;
		l->line = r->entries[i].line;
		l->flat = r->entries[i].flat;
		l->cum = r->entries[i].cum;
		l->total = r->total;
	}
}

/* Make the sourcemap from the workspace folders and settings. */
static void
evidence_make_map(struct evidence *ev)
{
	struct workspace *ws = &ev->session->workspace;
	const char **roots;
	struct folder *f;
	json_t *settings = ws->folders != NULL ? ws->folders->settings :
	    ws->settings;
	size_t n = 0;

	for (f = ws->folders; f != NULL; f = f->next)
		n++;
	roots = xcalloc(n + 1, sizeof *roots);
	n = 0;
	for (f = ws->folders; f != NULL; f = f->next)
		roots[n++] = f->path;
	ev->map = sourcemap_new(roots, n, config_string(settings, "trimPath"),
	    config_string(settings, "sourcePath"));
	free(roots);
}

/* Pick the active type: the requested one, the setting, or preferred. */
static void
evidence_pick_active(struct evidence *ev)
{
	json_t *settings = session_settings(ev->session, NULL), *types;
	const char *want = ev->requested != NULL ? ev->requested :
	    config_string(settings, "sampleIndex");

	free(ev->active);
	ev->active = NULL;
	if (want != NULL && evidence_has_type(ev, want)) {
		ev->active = xstrdup(want);
		return;
	}
	types = evidence_types(ev);
	if (json_array_size(types) > 0)
		ev->active = xstrdup(json_string_value(json_array_get(types,
		    0)));
	json_decref(types);
}

/* Compute what grew between the base and the newest comparable profile. */
static void
evidence_build_growth(struct evidence *ev)
{
	const struct pprof_profile *b = ev->base->profile;
	const struct evidence_input *p, *best = NULL;
	struct lines_report r;
	size_t alloc = 0;
	int idx, bidx;

	for (p = ev->inputs; p != NULL; p = p->next) {
		if (p->profile == NULL || p->profile->ntypes != b->ntypes ||
		    strcmp(p->profile->types[0].type, b->types[0].type) != 0)
			continue;
		if (best == NULL || evidence_taken(p) > evidence_taken(best))
			best = p;
	}
	if (best == NULL)
		return;
	idx = ev->active != NULL ?
	    pprof_sample_index(best->profile, ev->active, NULL) : -1;
	if (idx < 0)
		idx = (int)best->profile->default_type;
	bidx = pprof_sample_index(b, best->profile->types[idx].type, NULL);
	if (bidx < 0)
		return;
	lines_compute(best->profile, idx, b, bidx, &r);
	evidence_collect(ev, best, &r, &ev->growth, &ev->ngrowth, &alloc, 1);
	lines_release(&r);
	qsort(ev->growth, ev->ngrowth, sizeof *ev->growth,
	    evidence_line_pick_cmp);
}

/*
 * Resolve a file an input names: -m text names files relative to where go
 * build ran (the module root, the package), people save output near there,
 * and a build's paths are its package's. Dumps name absolute paths.
 */
static const char *
evidence_resolve(struct evidence *ev, const struct evidence_input *from,
    const char *path)
{
	char dir[PATH_MAX], *slash;

	if (snprintf(dir, sizeof dir, "%s", from->path) >= (int)sizeof dir)
		return NULL;
	if (from->kind != EVIDENCE_BUILD && (slash = strrchr(dir, '/')) != NULL)
		*slash = '\0';
	return sourcemap_resolve_near(ev->map, dir, path);
}

/* Return an escape input's rank: which input a file's sites come from. */
static int
evidence_site_rank_cmp(const struct evidence_input *a,
    const struct evidence_input *b)
{
	if (a->kind != b->kind) {
		if (a->kind == EVIDENCE_BUILD || b->kind == EVIDENCE_BUILD)
			return a->kind == EVIDENCE_BUILD ? -1 : 1;
	}
	if (a->mtime_ns / 1000000000 != b->mtime_ns / 1000000000)
		return a->mtime_ns > b->mtime_ns ? -1 : 1;
	if (a->escape->format != b->escape->format)
		return a->escape->format == ESCAPE_FORMAT_JSON ? -1 : 1;
	return strcmp(a->path, b->path);
}

/* Order sites by file, best input first, then position and report order. */
static int
evidence_site_cmp(const void *pa, const void *pb)
{
	const struct evidence_site *a = pa, *b = pb;
	int c;

	if ((c = strcmp(a->file, b->file)) != 0)
		return c;
	if (a->from != b->from)
		return evidence_site_rank_cmp(a->from, b->from);
	if (a->site->line != b->site->line)
		return a->site->line < b->site->line ? -1 : 1;
	if (a->site->col != b->site->col)
		return a->site->col < b->site->col ? -1 : 1;
	return a->site < b->site ? -1 : a->site > b->site;
}

/* Place one input's sites in workspace files. */
static void
evidence_collect_sites(struct evidence *ev, const struct evidence_input *p,
    size_t *alloc)
{
	const struct escape_site *site;
	struct evidence_site *out;
	const char *file = NULL, *last = NULL;
	size_t i, k;

	for (i = 0; i < p->escape->n; i++) {
		site = &p->escape->sites[i];
		if (last == NULL || strcmp(last, site->file) != 0) {
			last = site->file;
			file = evidence_resolve(ev, p, site->file);
		}
		if (file == NULL)
			continue;
		if (ev->nsites == *alloc) {
			*alloc = *alloc ? *alloc * 2 : 256;
			ev->sites = xrealloc(ev->sites, *alloc *
			    sizeof *ev->sites);
		}
		out = &ev->sites[ev->nsites++];
		out->file = file;
		out->site = site;
		out->from = p;
		out->flow_files = xcalloc(site->nflow + 1,
		    sizeof *out->flow_files);
		for (k = 0; k < site->nflow; k++)
			out->flow_files[k] = evidence_resolve(ev, p,
			    site->flow[k].file);
	}
}

/* Return whether a dump's file name says it is a base ("goroutine-base"). */
static int
evidence_named_base(const char *path)
{
	return strstr(path_base(path), "base") != NULL;
}

/*
 * Order dumps of one directory, the one to show first: modified last (to
 * the second), the richest format (debug=2 has states and creators), a
 * name without "base" (a checkout gives files one time), then by path.
 */
static int
evidence_dump_cmp(const struct evidence_input *a,
    const struct evidence_input *b)
{
	if (a->mtime_ns / 1000000000 != b->mtime_ns / 1000000000)
		return a->mtime_ns > b->mtime_ns ? -1 : 1;
	if (a->dump->format != b->dump->format)
		return a->dump->format == GOROUTINES_FORMAT_DEBUG2 ? -1 :
		    b->dump->format == GOROUTINES_FORMAT_DEBUG2 ? 1 :
		    (int)a->dump->format - (int)b->dump->format;
	if (evidence_named_base(a->path) != evidence_named_base(b->path))
		return evidence_named_base(a->path) ? 1 : -1;
	return strcmp(a->path, b->path);
}

/* Return whether two paths are in the same directory. */
static int
evidence_same_dir(const char *a, const char *b)
{
	const char *sa = strrchr(a, '/'), *sb = strrchr(b, '/');

	return sa != NULL && sb != NULL && sa - a == sb - b &&
	    strncmp(a, b, (size_t)(sa - a)) == 0;
}

/* States a goroutine is normally in without being stuck. */
static int
evidence_idle_state(const char *state)
{
	static const char *const idle[] = {
		"running", "runnable", "syscall", "IO wait", "sleep", "idle",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(idle); i++)
		if (strcmp(state, idle[i]) == 0)
			return 1;
	return 0;
}

/*
 * Decide whether a group is a leak suspect: it grew since the base, or,
 * without one, at least goroutineThreshold goroutines wait at one place.
 */
static int
evidence_suspect(struct evidence *ev, const struct evidence_input *from,
    const struct evidence_input *base, const struct goroutines_group *g)
{
	json_t *settings = session_settings(ev->session, from->path);

	if (!g->user)
		return 0;
	if (base != NULL)
		return g->growth > 0;
	return g->count >= (int64_t)config_number(settings,
	    "goroutineThreshold") && (g->state == NULL ||
	    !evidence_idle_state(g->state));
}

/* Order groups: suspects, then growth, then count. */
static int
evidence_group_cmp(const void *pa, const void *pb)
{
	const struct evidence_group *a = pa, *b = pb;
	int64_t ga = a->base != NULL ? a->g->growth : 0;
	int64_t gb = b->base != NULL ? b->g->growth : 0;

	if (a->suspect != b->suspect)
		return a->suspect ? -1 : 1;
	if (ga != gb)
		return ga > gb ? -1 : 1;
	if (a->g->count != b->g->count)
		return a->g->count > b->g->count ? -1 : 1;
	return a->g < b->g ? -1 : a->g > b->g;
}

/* Add the groups of the dump shown for one directory. */
static void
evidence_add_groups(struct evidence *ev, struct evidence_input *cur,
    struct evidence_input *base, size_t *alloc)
{
	struct evidence_group *out;
	size_t i;

	if (base != NULL)
		goroutines_compare(cur->dump, base->dump);
	for (i = 0; i < cur->dump->n; i++) {
		if (ev->ngroups == *alloc) {
			*alloc = *alloc ? *alloc * 2 : 64;
			ev->groups = xrealloc(ev->groups, *alloc *
			    sizeof *ev->groups);
		}
		out = &ev->groups[ev->ngroups++];
		out->g = &cur->dump->groups[i];
		out->from = cur;
		out->base = base;
		out->file = out->g->file != NULL ? evidence_resolve(ev, cur,
		    out->g->file) : NULL;
		out->created = out->g->created_file != NULL ?
		    evidence_resolve(ev, cur, out->g->created_file) : NULL;
		out->suspect = evidence_suspect(ev, cur, base, out->g);
	}
}

/*
 * Rebuild the goroutine groups: per directory, the dump to show (see
 * evidence_dump_cmp) against the next one of the same format there.
 */
static void
evidence_rebuild_groups(struct evidence *ev)
{
	struct evidence_input *p, *q, *cur, *base;
	size_t alloc = 0;
	int first;

	for (p = ev->inputs; p != NULL; p = p->next) {
		if (p->dump == NULL)
			continue;
		/* Handle each directory once, at its first dump. */
		first = 1;
		for (q = ev->inputs; q != p && first; q = q->next)
			if (q->dump != NULL && evidence_same_dir(q->path,
			    p->path))
				first = 0;
		if (!first)
			continue;
		cur = NULL;
		for (q = p; q != NULL; q = q->next)
			if (q->dump != NULL && evidence_same_dir(q->path,
			    p->path) && (cur == NULL ||
			    evidence_dump_cmp(q, cur) < 0))
				cur = q;
		base = NULL;
		for (q = p; q != NULL; q = q->next)
			if (q != cur && q->dump != NULL &&
			    q->dump->format == cur->dump->format &&
			    evidence_same_dir(q->path, p->path) &&
			    (base == NULL || evidence_dump_cmp(q, base) < 0))
				base = q;
		evidence_add_groups(ev, cur, base, &alloc);
	}
	if (ev->ngroups > 0)
		qsort(ev->groups, ev->ngroups, sizeof *ev->groups,
		    evidence_group_cmp);
}

/* Return the goroutine groups shown. */
const struct evidence_group *
evidence_groups(const struct evidence *ev, size_t *n)
{
	*n = ev->ngroups;
	return ev->groups;
}

/*
 * Rebuild what comes from inputs other than profiles: the escape sites
 * from the escape inputs and builds, and the goroutine groups.
 */
static void
evidence_rebuild_sites(struct evidence *ev)
{
	const struct evidence_input *p;
	size_t alloc = 0, i, keep;

	evidence_clear_sites(ev);
	for (p = ev->inputs; p != NULL; p = p->next)
		if (p->escape != NULL)
			evidence_collect_sites(ev, p, &alloc);
	for (p = ev->builds; p != NULL; p = p->next)
		if (p->escape != NULL)
			evidence_collect_sites(ev, p, &alloc);
	/* Keep, per file, only the best input's sites. */
	qsort(ev->sites, ev->nsites, sizeof *ev->sites, evidence_site_cmp);
	for (i = 0, keep = 0; i < ev->nsites; i++) {
		if (keep > 0 && ev->sites[keep - 1].from != ev->sites[i].from &&
		    strcmp(ev->sites[keep - 1].file, ev->sites[i].file) == 0) {
			free(ev->sites[i].flow_files);
			continue;
		}
		ev->sites[keep++] = ev->sites[i];
	}
	ev->nsites = keep;
	evidence_rebuild_groups(ev);
}

/* Rebuild the index. */
void
evidence_rebuild(struct evidence *ev)
{
	const struct evidence_input *p;
	struct lines_report r;
	size_t alloc = 0, i, keep;

	evidence_clear_index(ev);
	evidence_make_map(ev);
	for (p = ev->inputs; p != NULL; p = p->next) {
		if (p->profile == NULL)
			continue;
		for (i = 0; i < p->profile->ntypes; i++) {
			lines_compute(p->profile, (int)i, NULL, 0, &r);
			evidence_collect(ev, p, &r, &ev->lines, &ev->nlines,
			    &alloc, 0);
			lines_release(&r);
		}
	}
	/* Keep, per file and type, only the newest profile's lines. */
	qsort(ev->lines, ev->nlines, sizeof *ev->lines,
	    evidence_line_pick_cmp);
	for (i = 0, keep = 0; i < ev->nlines; i++) {
		if (keep > 0 && ev->lines[keep - 1].from != ev->lines[i].from &&
		    strcmp(ev->lines[keep - 1].file, ev->lines[i].file) == 0 &&
		    strcmp(ev->lines[keep - 1].type, ev->lines[i].type) == 0)
			continue;
		ev->lines[keep++] = ev->lines[i];
	}
	ev->nlines = keep;
	evidence_rebuild_sites(ev);
	evidence_rebuild_view(ev);
}

/*
 * Redo what depends on the active sample type and the base only: the
 * per-line costs stay (choosing a sample type or a base must not recompute
 * every profile's lines).
 */
static void
evidence_rebuild_view(struct evidence *ev)
{
	if (ev->map == NULL) {
		evidence_rebuild(ev);
		return;
	}
	free(ev->growth);
	ev->growth = NULL;
	ev->ngrowth = 0;
	evidence_pick_active(ev);
	if (ev->base != NULL && ev->base->profile != NULL)
		evidence_build_growth(ev);
	ev->generation++;
}

/* Find the run of entries of file (and type) in a sorted array. */
static const struct evidence_line *
evidence_run(const struct evidence_line *lines, size_t nlines,
    const char *file, const char *type, size_t *n)
{
	size_t lo = 0, hi = nlines, mid, end;
	int c;

	*n = 0;
	if (file == NULL)
		return NULL;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcmp(lines[mid].file, file);
		if (c == 0 && type != NULL)
			c = strcmp(lines[mid].type, type);
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (end = lo; end < nlines && strcmp(lines[end].file, file) == 0 &&
	    (type == NULL || strcmp(lines[end].type, type) == 0); end++)
		;
	*n = end - lo;
	return *n > 0 ? &lines[lo] : NULL;
}

/* Return a file's lines for a type (or all types). */
const struct evidence_line *
evidence_file_lines(const struct evidence *ev, const char *file,
    const char *type, size_t *n)
{
	return evidence_run(ev->lines, ev->nlines, file, type, n);
}

/* Return a file's escape sites. */
const struct evidence_site *
evidence_file_sites(const struct evidence *ev, const char *file, size_t *n)
{
	size_t lo = 0, hi = ev->nsites, mid, end;

	*n = 0;
	if (file == NULL)
		return NULL;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (strcmp(ev->sites[mid].file, file) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (end = lo; end < ev->nsites &&
	    strcmp(ev->sites[end].file, file) == 0; end++)
		;
	*n = end - lo;
	return *n > 0 ? &ev->sites[lo] : NULL;
}

/* Return a file's growth lines. */
const struct evidence_line *
evidence_file_growth(const struct evidence *ev, const char *file, size_t *n)
{
	return evidence_run(ev->growth, ev->ngrowth, file, NULL, n);
}

/* The kind of an input, as status names it. */
static const char *
evidence_kind_name(enum evidence_kind kind)
{
	switch (kind) {
	case EVIDENCE_PROFILE:
		return "profile";
	case EVIDENCE_ESCAPE:
		return "escape";
	case EVIDENCE_GCTRACE:
		return "gctrace";
	case EVIDENCE_GOROUTINES:
		return "goroutines";
	case EVIDENCE_BUILD:
		break;
	}
	return "build";
}

/* Describe one input for status. */
static json_t *
evidence_input_status(const struct evidence_input *p, const char *role)
{
	json_t *types;
	size_t i;

	if (!evidence_loaded(p))
		return json_pack("{s:s, s:s, s:s, s:s}", "path", p->path,
		    "kind", evidence_kind_name(p->kind), "state", "failed",
		    "error", p->error);
	if (p->trace != NULL)
		return json_pack("{s:s, s:s, s:s, s:I, s:s}", "path", p->path,
		    "kind", "gctrace", "state", "loaded", "cycles",
		    (json_int_t)p->trace->n, "verdict",
		    gctrace_verdict_name(p->trace->trend.verdict));
	if (p->dump != NULL)
		return json_pack("{s:s, s:s, s:s, s:s, s:I, s:I}", "path",
		    p->path, "kind", "goroutines", "state", "loaded", "format",
		    goroutines_format_name(p->dump->format), "goroutines",
		    (json_int_t)p->dump->total, "groups",
		    (json_int_t)p->dump->n);
	if (p->escape != NULL)
		return json_pack("{s:s, s:s, s:s, s:s, s:s?, s:I}", "path",
		    p->path, "kind", evidence_kind_name(p->kind), "state",
		    "loaded", "format", p->escape->format == ESCAPE_FORMAT_JSON
		    ? "json" : "text", "package", p->escape->package, "sites",
		    (json_int_t)p->escape->n);
	types = json_array();
	for (i = 0; i < p->profile->ntypes; i++)
		json_array_append_new(types,
		    json_string(p->profile->types[i].type));
	return json_pack("{s:s, s:s, s:s, s:s, s:o, s:I}", "path", p->path,
	    "kind", "profile", "role", role, "state", "loaded",
	    "sampleTypes", types, "samples", (json_int_t)p->profile->nsamples);
}

/* Describe what is loaded and what failed. */
json_t *
evidence_status(const struct evidence *ev)
{
	const struct evidence_input *p;
	json_t *inputs = json_array();

	for (p = ev->inputs; p != NULL; p = p->next)
		json_array_append_new(inputs,
		    evidence_input_status(p, "profile"));
	for (p = ev->builds; p != NULL; p = p->next)
		json_array_append_new(inputs,
		    evidence_input_status(p, "build"));
	if (ev->base != NULL)
		json_array_append_new(inputs,
		    evidence_input_status(ev->base, "base"));
	return inputs;
}
