/*
 * lsp-flame.c - heaplens/flameGraph: the call tree of a loaded profile for
 * editor plugins, every node that resolves to a workspace file carrying
 * the location of its hottest line.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "analyzers/flame.h"
#include "analyzers/sourcemap.h"
#include "evidence.h"
#include "lsp.h"
#include "protocol/json.h"
#include "protocol/uri.h"
#include "session.h"

/* What a request asks for, once checked. */
struct lsp_flame {
	struct session *s;
	const struct evidence_input *from;
	const struct evidence_input *base;	/* or NULL */
	int index;
	int base_index;
	const char *focus;
};

/* Build the location of a node's line, or NULL outside the workspace. */
static json_t *
lsp_flame_location(struct lsp_flame *f, const struct flame_node *n)
{
	struct evidence *ev = &f->s->evidence;
	const char *file;
	json_t *loc;
	char *uri;

	if (n->line <= 0 || *n->file == '\0' || ev->map == NULL)
		return NULL;
	file = sourcemap_resolve(ev->map, n->file);
	if (file == NULL || !workspace_contains(&f->s->workspace, file))
		return NULL;
	uri = uri_from_path(file);
	loc = json_pack("{s:s, s:{s:{s:I, s:i}, s:{s:I, s:i}}}", "uri", uri,
	    "range", "start", "line", (json_int_t)n->line - 1, "character", 0,
	    "end", "line", (json_int_t)n->line - 1, "character", 0);
	free(uri);
	return loc;
}

/* Build a node and its children (new reference). */
static json_t *
lsp_flame_node(struct lsp_flame *f, const struct flame_node *n)
{
	json_t *o, *kids = json_array(), *loc;
	size_t i;

	for (i = 0; i < n->nchildren; i++)
		json_array_append_new(kids, lsp_flame_node(f, n->children[i]));
	o = json_pack("{s:o, s:I, s:I}", "name", json_string_lossy(n->name),
	    "value", (json_int_t)n->value, "self", (json_int_t)n->self);
	if (n->depth > 0 && (loc = lsp_flame_location(f, n)) != NULL)
		json_object_set_new(o, "location", loc);
	json_object_set_new(o, "children", kids);
	return o;
}

/* Return whether any profile is loaded. */
static int
lsp_flame_any(const struct evidence *ev)
{
	const struct evidence_input *p;

	for (p = ev->inputs; p != NULL; p = p->next)
		if (p->profile != NULL)
			return 1;
	return 0;
}

/* Return the index of sample type type in p, or -1 (names only). */
static int
lsp_flame_type(const struct pprof_profile *p, const char *type)
{
	size_t i;

	for (i = 0; i < p->ntypes; i++)
		if (strcmp(p->types[i].type, type) == 0)
			return (int)i;
	return -1;
}

/* Find the profile a "profile" URI names; NULL with *error set. */
static const struct evidence_input *
lsp_flame_named(struct session *s, const char *uri, json_t **error)
{
	const struct evidence_input *p;
	char *path, *cause = NULL, real[PATH_MAX];

	path = uri_to_path(uri, &cause);
	if (path == NULL) {
		*error = lsp_invalid_params("profile: %s", cause);
		free(cause);
		return NULL;
	}
	p = evidence_find(&s->evidence, realpath(path, real) != NULL ?
	    real : path);
	if (p == NULL || p->profile == NULL)
		*error = lsp_invalid_params("%s is not a loaded profile (see "
		    "heaplens/status)", uri);
	free(path);
	return *error == NULL ? p : NULL;
}

/*
 * Choose the profile and sample type: the named profile, else the newest
 * that has the type asked for (or the active one). 0, or -1 with *error.
 */
static int
lsp_flame_choose(struct lsp_flame *f, const char *uri, const char *type,
    json_t **error)
{
	struct evidence *ev = &f->s->evidence;
	json_t *types;
	char *list;

	if (uri != NULL) {
		f->from = lsp_flame_named(f->s, uri, error);
		if (f->from == NULL)
			return -1;
		if (type == NULL && ev->active != NULL &&
		    lsp_flame_type(f->from->profile, ev->active) >= 0)
			type = ev->active;
		f->index = type != NULL ? lsp_flame_type(f->from->profile,
		    type) : (int)f->from->profile->default_type;
		if (f->index < 0) {
			*error = lsp_invalid_params("%s has no sample type "
			    "\"%s\"", uri, type);
			return -1;
		}
		return 0;
	}
	if (type == NULL)
		type = ev->active;
	f->from = evidence_newest(ev, type);
	if (f->from == NULL) {
		types = evidence_types(ev);
		list = json_compact(types);
		json_decref(types);
		*error = lsp_invalid_params("no loaded profile has sample "
		    "type \"%s\" (there are %s)", type ? type : "", list);
		free(list);
		return -1;
	}
	f->index = lsp_flame_type(f->from->profile, type);
	return 0;
}

/*
 * Use the base (heaplens.setBase) when it is a profile of the same kind
 * with the same sample type, as the growth diagnostics do.
 */
static void
lsp_flame_pick_base(struct lsp_flame *f)
{
	const struct evidence_input *b = f->s->evidence.base;
	const struct pprof_profile *p = f->from->profile;

	if (b == NULL || b->profile == NULL || b->profile->ntypes != p->ntypes ||
	    strcmp(b->profile->types[0].type, p->types[0].type) != 0)
		return;
	f->base_index = lsp_flame_type(b->profile, p->types[f->index].type);
	if (f->base_index >= 0)
		f->base = b;
}

/* Build the result for a chosen profile (new reference). */
static json_t *
lsp_flame_result(struct lsp_flame *f)
{
	struct flame_options o;
	struct flame_tree t;
	json_t *result;
	char *uri = uri_from_path(f->from->path), *base_uri = NULL;

	memset(&o, 0, sizeof o);
	o.focus = f->focus;
	if (f->base != NULL) {
		o.base = f->base->profile;
		o.base_index = f->base_index;
		base_uri = uri_from_path(f->base->path);
	}
	flame_compute(f->from->profile, f->index, &o, &t);
	flame_prune(&t, FLAME_MAX_SHOWN);
	result = json_pack("{s:o, s:o, s:I, s:s, s:s?, s:o}",
	    "sampleIndex", json_string_lossy(t.sample_index),
	    "unit", json_string_lossy(t.unit), "total", (json_int_t)t.total,
	    "profile", uri, "base", base_uri, "root",
	    lsp_flame_node(f, t.root));
	if (t.cut > 0)
		json_object_set_new(result, "cut", json_integer(
		    (json_int_t)t.cut));
	if (t.pruned > 0)
		json_object_set_new(result, "pruned", json_integer(
		    (json_int_t)t.pruned));
	flame_release(&t);
	free(uri);
	free(base_uri);
	return result;
}

/*
 * heaplens/flameGraph {sampleIndex?, focus?, profile?}: the call tree of
 * a loaded profile; an empty tree when nothing is loaded.
 */
json_t *
lsp_flame_graph(struct session *s, json_t *params, json_t **error)
{
	struct lsp_flame f;
	const char *type = json_path_string(params, "sampleIndex");
	const char *uri = json_path_string(params, "profile");
	const char *key;
	json_t *v;

	if (params != NULL && !json_is_object(params) && !json_is_null(params)) {
		*error = lsp_invalid_params("heaplens/flameGraph takes an "
		    "object of parameters");
		return NULL;
	}
	json_object_foreach(params, key, v) {
		if ((strcmp(key, "sampleIndex") == 0 ||
		    strcmp(key, "focus") == 0 || strcmp(key, "profile") == 0) &&
		    !json_is_string(v) && !json_is_null(v)) {
			*error = lsp_invalid_params("\"%s\" must be a string",
			    key);
			return NULL;
		}
	}
	if (!lsp_flame_any(&s->evidence))
		return json_pack("{s:s?, s:n, s:i, s:n, s:{s:s, s:i, s:i, "
		    "s:[]}}", "sampleIndex", type, "unit", "total", 0,
		    "profile", "root", "name", "root", "value", 0, "self", 0,
		    "children");
	memset(&f, 0, sizeof f);
	f.s = s;
	f.focus = json_path_string(params, "focus");
	if (lsp_flame_choose(&f, uri, type, error) != 0)
		return NULL;
	lsp_flame_pick_base(&f);
	return lsp_flame_result(&f);
}
