/*
 * sourcemap.c - profile paths to workspace files, with a cache.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "analyzers/sourcemap.h"
#include "protocol/util.h"

struct sourcemap_entry {
	char *path;			/* as in the profile */
	char *file;			/* resolved, or NULL */
};

struct sourcemap {
	char **roots;			/* canonical, no trailing slash */
	char **modules;			/* each root's go.mod module, or NULL */
	size_t nroots;
	char **trims;			/* trim_path entries, each ending in / */
	size_t ntrims;
	char **sources;			/* source_path directories */
	size_t nsources;
	struct sourcemap_entry *cache;	/* open addressing */
	size_t ncache;
	size_t used;
};

/* Split a ':'-separated list into new strings. */
static char **
sourcemap_split(const char *list, size_t *n, int slash)
{
	char **out = NULL;
	const char *p = list, *colon;
	size_t len;

	*n = 0;
	if (list == NULL)
		return NULL;
	while (*p != '\0') {
		colon = strchr(p, ':');
		len = colon != NULL ? (size_t)(colon - p) : strlen(p);
		if (len > 0) {
			out = xrealloc(out, (*n + 1) * sizeof *out);
			out[*n] = xasprintf("%.*s%s", (int)len, p,
			    slash && p[len - 1] != '/' ? "/" : "");
			(*n)++;
		}
		p += len + (colon != NULL);
	}
	return out;
}

/* Canonicalise a directory: realpath when it exists, no trailing slash. */
static char *
sourcemap_dir(const char *dir)
{
	char real[PATH_MAX], *s;
	size_t n;

	s = xstrdup(realpath(dir, real) != NULL ? real : dir);
	n = strlen(s);
	while (n > 1 && s[n - 1] == '/')
		s[--n] = '\0';
	return s;
}

/* Read the module path from root/go.mod, or NULL. */
static char *
sourcemap_module(const char *root)
{
	char path[PATH_MAX], line[1024], *p, *end;
	FILE *f;

	if (snprintf(path, sizeof path, "%s/go.mod", root) >= (int)sizeof path)
		return NULL;
	f = fopen(path, "r");
	if (f == NULL)
		return NULL;
	while (fgets(line, sizeof line, f) != NULL) {
		p = line + strspn(line, " \t");
		if (strncmp(p, "module", 6) != 0 || (p[6] != ' ' && p[6] != '\t'))
			continue;
		p += 6 + strspn(p + 6, " \t\"");
		end = p + strcspn(p, " \t\r\n\"");
		fclose(f);
		return end > p ? xstrndup(p, (size_t)(end - p)) : NULL;
	}
	fclose(f);
	return NULL;
}

/* Create a map. */
struct sourcemap *
sourcemap_new(const char *const *roots, size_t nroots, const char *trim_path,
    const char *source_path)
{
	struct sourcemap *m = xcalloc(1, sizeof *m);
	size_t i;

	m->roots = xcalloc(nroots + 1, sizeof *m->roots);
	m->modules = xcalloc(nroots + 1, sizeof *m->modules);
	for (i = 0; i < nroots; i++) {
		m->roots[i] = sourcemap_dir(roots[i]);
		m->modules[i] = sourcemap_module(m->roots[i]);
	}
	m->nroots = nroots;
	m->trims = sourcemap_split(trim_path, &m->ntrims, 1);
	m->sources = sourcemap_split(source_path, &m->nsources, 0);
	for (i = 0; i < m->nsources; i++) {
		char *d = sourcemap_dir(m->sources[i]);

		free(m->sources[i]);
		m->sources[i] = d;
	}
	return m;
}

/* Free a list of strings. */
static void
sourcemap_free_list(char **list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

/* Free a map. */
void
sourcemap_free(struct sourcemap *m)
{
	size_t i;

	if (m == NULL)
		return;
	sourcemap_free_list(m->roots, m->nroots);
	sourcemap_free_list(m->modules, m->nroots);
	sourcemap_free_list(m->trims, m->ntrims);
	sourcemap_free_list(m->sources, m->nsources);
	for (i = 0; i < m->ncache; i++) {
		free(m->cache[i].path);
		free(m->cache[i].file);
	}
	free(m->cache);
	free(m);
}

/* Return whether path is dir or lies under it. */
static int
sourcemap_under(const char *dir, const char *path)
{
	size_t n = strlen(dir);

	if (strcmp(dir, "/") == 0)
		return 1;
	return strncmp(dir, path, n) == 0 && (path[n] == '/' || path[n] == 0);
}

/*
 * Return the canonical form of dir/rel if it is a regular file inside one
 * of the allowed directories (roots and source_path), else NULL.
 */
static char *
sourcemap_check(const struct sourcemap *m, const char *dir, const char *rel)
{
	char joined[PATH_MAX], real[PATH_MAX];
	struct stat st;
	size_t i;

	if (snprintf(joined, sizeof joined, "%s%s%s", dir,
	    *dir != '\0' && rel[0] != '/' ? "/" : "", rel) >= (int)sizeof joined)
		return NULL;
	if (stat(joined, &st) != 0 || !S_ISREG(st.st_mode) ||
	    realpath(joined, real) == NULL)
		return NULL;
	for (i = 0; i < m->nroots; i++)
		if (sourcemap_under(m->roots[i], real))
			return xstrdup(real);
	for (i = 0; i < m->nsources; i++)
		if (sourcemap_under(m->sources[i], real))
			return xstrdup(real);
	return NULL;
}

/* Step 1: pprof's trim_path and source_path. */
static char *
sourcemap_explicit(const struct sourcemap *m, const char *path)
{
	const char *rel = path, *base;
	char want[PATH_MAX], *hit;
	size_t i;

	if (m->ntrims == 0) {
		for (i = 0; i < m->nsources && rel == path; i++) {
			base = strrchr(m->sources[i], '/');
			base = base != NULL ? base + 1 : m->sources[i];
			snprintf(want, sizeof want, "/%s/", base);
			hit = strstr(path, want);
			if (hit != NULL && *base != '\0')
				rel = hit + strlen(want);
		}
	}
	for (i = 0; i < m->ntrims && rel == path; i++)
		if (strncmp(path, m->trims[i], strlen(m->trims[i])) == 0)
			rel = path + strlen(m->trims[i]);
	if (rel[0] == '/')
		return sourcemap_check(m, "", rel);
	for (i = 0; i < m->nsources; i++) {
		hit = sourcemap_check(m, m->sources[i], rel);
		if (hit != NULL)
			return hit;
	}
	return NULL;
}

/* Step 2: the longest suffix of path that exists under a root. */
static char *
sourcemap_suffix(const struct sourcemap *m, const char *path)
{
	const char *suffix, *prev, *base;
	char *hit;
	size_t i, dirlen;

	for (suffix = path; suffix != NULL; ) {
		while (*suffix == '/')
			suffix++;
		if (*suffix == '\0')
			break;
		for (i = 0; i < m->nroots; i++) {
			if (strchr(suffix, '/') == NULL) {
				/* A bare file name needs its directory to be
				 * the root itself: "svc/cache.go" in /x/svc. */
				base = strrchr(m->roots[i], '/');
				base = base != NULL ? base + 1 : m->roots[i];
				prev = suffix - 1;
				dirlen = 0;
				while (prev > path && prev[-1] != '/') {
					prev--;
					dirlen++;
				}
				if (dirlen == 0 || strlen(base) != dirlen ||
				    strncmp(prev, base, dirlen) != 0)
					continue;
			}
			hit = sourcemap_check(m, m->roots[i], suffix);
			if (hit != NULL)
				return hit;
		}
		suffix = strchr(suffix, '/');
	}
	return NULL;
}

/* Step 3: module path of a root's go.mod. */
static char *
sourcemap_by_module(const struct sourcemap *m, const char *path)
{
	size_t i, n;

	for (i = 0; i < m->nroots; i++) {
		if (m->modules[i] == NULL)
			continue;
		n = strlen(m->modules[i]);
		if (strncmp(path, m->modules[i], n) == 0 && path[n] == '/')
			return sourcemap_check(m, m->roots[i], path + n + 1);
	}
	return NULL;
}

/* Hash a path. */
static size_t
sourcemap_hash(const char *s)
{
	size_t h = 5381;

	while (*s != '\0')
		h = h * 33 ^ (unsigned char)*s++;
	return h;
}

/* Grow the cache and re-insert its entries. */
static void
sourcemap_grow(struct sourcemap *m)
{
	struct sourcemap_entry *old = m->cache;
	size_t n = m->ncache, i, j;

	m->ncache = n ? n * 2 : 256;
	m->cache = xcalloc(m->ncache, sizeof *m->cache);
	for (i = 0; i < n; i++) {
		if (old[i].path == NULL)
			continue;
		j = sourcemap_hash(old[i].path) & (m->ncache - 1);
		while (m->cache[j].path != NULL)
			j = (j + 1) & (m->ncache - 1);
		m->cache[j] = old[i];
	}
	free(old);
}

/*
 * Find key in the cache: returns its slot, which holds key when *found is
 * set and is the free slot to insert it in otherwise.
 */
static struct sourcemap_entry *
sourcemap_slot(struct sourcemap *m, const char *key, int *found)
{
	size_t j;

	if (2 * (m->used + 1) > m->ncache)
		sourcemap_grow(m);
	j = sourcemap_hash(key) & (m->ncache - 1);
	while (m->cache[j].path != NULL) {
		if (strcmp(m->cache[j].path, key) == 0) {
			*found = 1;
			return &m->cache[j];
		}
		j = (j + 1) & (m->ncache - 1);
	}
	*found = 0;
	return &m->cache[j];
}

/* Remember an answer (file may be NULL); takes file. */
static const char *
sourcemap_remember(struct sourcemap *m, const char *key, char *file)
{
	struct sourcemap_entry *e;
	int found;

	e = sourcemap_slot(m, key, &found);
	if (found) {
		free(file);
		return e->file;
	}
	e->path = xstrdup(key);
	e->file = file;
	m->used++;
	return file;
}

/* Resolve a profile path, consulting the cache first. */
const char *
sourcemap_resolve(struct sourcemap *m, const char *path)
{
	struct sourcemap_entry *e;
	char *file = NULL;
	int found;

	e = sourcemap_slot(m, path, &found);
	if (found)
		return e->file;
	if (*path != '\0') {
		if (m->ntrims > 0 || m->nsources > 0)
			file = sourcemap_explicit(m, path);
		if (file == NULL)
			file = sourcemap_suffix(m, path);
		if (file == NULL)
			file = sourcemap_by_module(m, path);
	}
	return sourcemap_remember(m, path, file);
}

/* Return whether dir lies inside one of the roots. */
static int
sourcemap_in_roots(const struct sourcemap *m, const char *dir)
{
	size_t i;

	for (i = 0; i < m->nroots; i++)
		if (sourcemap_under(m->roots[i], dir))
			return 1;
	return 0;
}

/* Resolve a relative path near a directory, then as sourcemap_resolve(). */
const char *
sourcemap_resolve_near(struct sourcemap *m, const char *near,
    const char *path)
{
	struct sourcemap_entry *e;
	const char *rel = path, *known;
	char dir[PATH_MAX], *key, *slash, *file = NULL;
	int found;

	if (path[0] == '/' || near == NULL || near[0] != '/')
		return sourcemap_resolve(m, path);
	while (strncmp(rel, "./", 2) == 0)
		rel += 2;
	/* A newline never ends a directory name here: keys stay apart. */
	key = xasprintf("%s\n%s", near, rel);
	e = sourcemap_slot(m, key, &found);
	if (found) {
		free(key);
		return e->file;
	}
	if (snprintf(dir, sizeof dir, "%s", near) < (int)sizeof dir) {
		while (sourcemap_in_roots(m, dir)) {
			file = sourcemap_check(m, dir, rel);
			if (file != NULL)
				break;
			slash = strrchr(dir, '/');
			if (slash == NULL || slash == dir)
				break;
			*slash = '\0';
		}
	}
	if (file == NULL && (known = sourcemap_resolve(m, rel)) != NULL)
		file = xstrdup(known);
	known = sourcemap_remember(m, key, file);
	free(key);
	return known;
}
