/*
 * test-sourcemap.c - unit tests for analyzers/sourcemap.c (profile paths to
 * workspace files) and server/glob.c (settings globs), on a directory tree
 * made under a temporary directory.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analyzers/sourcemap.h"
#include "server/glob.h"
#include "unit.h"

static char sm_root[256];

/* Create a file (and its directories) under the temporary root. */
static void
sm_touch(const char *rel, const char *text)
{
	char path[PATH_MAX], *slash;
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", sm_root, rel);
	for (slash = strchr(path + strlen(sm_root) + 1, '/'); slash != NULL;
	    slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(path, 0700);
		*slash = '/';
	}
	f = fopen(path, "w");
	if (f != NULL) {
		fputs(text, f);
		fclose(f);
	}
}

/* Make the tree: a workspace "svc" (module example.com/acme/svc), an
 * unrelated "other" tree, and a file outside both. */
static void
sm_setup(void)
{
	char tmpl[] = "/tmp/heaplens-sm.XXXXXX", real[PATH_MAX];

	if (mkdtemp(tmpl) == NULL || realpath(tmpl, real) == NULL ||
	    strlen(real) >= sizeof sm_root)
		abort();
	snprintf(sm_root, sizeof sm_root, "%s", real);
	sm_touch("svc/go.mod", "// the module\nmodule example.com/acme/svc // c\n\ngo 1.19\n");
	sm_touch("svc/cache.go", "package svc\n");
	sm_touch("svc/internal/store/store.go", "package store\n");
	sm_touch("svc/print.go", "package svc\n");
	sm_touch("other/src/lib/x.go", "package lib\n");
	sm_touch("outside.go", "package outside\n");
}

/* Remove the tree. */
static void
sm_teardown(void)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", sm_root);
	if (system(cmd) != 0)
		unit_note("cannot remove %s", sm_root);
}

/* Check that path resolves to rel under the root, or to nothing. */
static void
sm_expect(struct sourcemap *m, const char *path, const char *rel)
{
	char want[PATH_MAX];
	const char *got = sourcemap_resolve(m, path);

	if (rel == NULL) {
		if (!CHECK_NULL(got))
			unit_note("%s resolved to %s", path, got);
		return;
	}
	snprintf(want, sizeof want, "%s/%s", sm_root, rel);
	if (!CHECK_STR_EQ(got, want))
		unit_note("resolving %s", path);
}

/* Check the longest existing suffix under a root, and its guards. */
static void
test_suffix(void)
{
	char root[PATH_MAX];
	const char *roots[1] = { root };
	struct sourcemap *m;

	sm_setup();
	snprintf(root, sizeof root, "%s/svc", sm_root);
	m = sourcemap_new(roots, 1, NULL, NULL);
	sm_expect(m, "/home/ci/src/github.com/acme/svc/cache.go", "svc/cache.go");
	sm_expect(m, "/build/svc/internal/store/store.go",
	    "svc/internal/store/store.go");
	sm_expect(m, "/go/pkg/mod/x@v1/internal/store/store.go",
	    "svc/internal/store/store.go");
	/* A bare file name only under a root of the same directory name. */
	sm_expect(m, "/usr/lib/go-1.19/src/fmt/print.go", NULL);
	sm_expect(m, "/home/ci/svc/print.go", "svc/print.go");
	sm_expect(m, "/nowhere/missing.go", NULL);
	sm_expect(m, "", NULL);
	/* Asked twice, answered from the cache the same. */
	sm_expect(m, "/home/ci/src/github.com/acme/svc/cache.go", "svc/cache.go");
	sourcemap_free(m);
	sm_teardown();
}

/* Check the module path of go.mod, as -trimpath builds write paths. */
static void
test_module(void)
{
	char root[PATH_MAX];
	const char *roots[1] = { root };
	struct sourcemap *m;

	sm_setup();
	snprintf(root, sizeof root, "%s/svc", sm_root);
	m = sourcemap_new(roots, 1, NULL, NULL);
	sm_expect(m, "example.com/acme/svc/internal/store/store.go",
	    "svc/internal/store/store.go");
	sm_expect(m, "example.com/acme/svc/cache.go", "svc/cache.go");
	sm_expect(m, "example.com/acme/other/cache.go", NULL);
	sourcemap_free(m);
	sm_teardown();
}

/* Check pprof's trim_path and source_path, and that nothing escapes. */
static void
test_explicit(void)
{
	char root[PATH_MAX], src[PATH_MAX], trim[PATH_MAX];
	const char *roots[1] = { root };
	struct sourcemap *m;

	sm_setup();
	snprintf(root, sizeof root, "%s/svc", sm_root);
	snprintf(src, sizeof src, "%s/other/src", sm_root);
	m = sourcemap_new(roots, 1, "/remote/build/", src);
	sm_expect(m, "/remote/build/lib/x.go", "other/src/lib/x.go");
	/* Without a trim path, pprof cuts up to the source dir's base name. */
	sourcemap_free(m);
	m = sourcemap_new(roots, 1, NULL, src);
	sm_expect(m, "/ci/checkout/src/lib/x.go", "other/src/lib/x.go");
	sourcemap_free(m);
	/* A trimmed path that leaves every allowed directory is refused. */
	snprintf(trim, sizeof trim, "/remote");
	m = sourcemap_new(roots, 1, trim, NULL);
	snprintf(src, sizeof src, "/remote%s/outside.go", sm_root);
	sm_expect(m, src, NULL);
	snprintf(src, sizeof src, "%s/outside.go", sm_root);
	sm_expect(m, src, NULL);
	sourcemap_free(m);
	sm_teardown();
}

/* Check that path, near dir (relative to the root), resolves to rel. */
static void
sm_expect_near(struct sourcemap *m, const char *near, const char *path,
    const char *rel)
{
	char dir[PATH_MAX], want[PATH_MAX];
	const char *got;

	snprintf(dir, sizeof dir, "%s/%s", sm_root, near);
	got = sourcemap_resolve_near(m, dir, path);
	if (rel == NULL) {
		if (!CHECK_NULL(got))
			unit_note("%s near %s resolved to %s", path, near, got);
		return;
	}
	snprintf(want, sizeof want, "%s/%s", sm_root, rel);
	if (!CHECK_STR_EQ(got, want))
		unit_note("resolving %s near %s", path, near);
}

/*
 * Check relative paths as -m output writes them: looked up from where the
 * output was saved and its parents inside a root, never above the roots.
 */
static void
test_near(void)
{
	char root[PATH_MAX];
	const char *roots[1] = { root };
	struct sourcemap *m;

	sm_setup();
	sm_touch("svc/artefacts/escapes/escape-m2.txt", "");
	sm_touch("svc/escapes/main.go", "package main\n");
	sm_touch("svc/artefacts/main.go", "package decoy\n");
	snprintf(root, sizeof root, "%s/svc", sm_root);
	m = sourcemap_new(roots, 1, NULL, NULL);
	/* go build run in svc/, output saved in svc/artefacts/escapes/. */
	sm_expect_near(m, "svc/artefacts/escapes", "escapes/main.go",
	    "svc/escapes/main.go");
	sm_expect_near(m, "svc/artefacts/escapes", "./escapes/main.go",
	    "svc/escapes/main.go");
	/* The nearest directory that has the file wins. */
	sm_expect_near(m, "svc/artefacts/escapes", "main.go",
	    "svc/artefacts/main.go");
	sm_expect_near(m, "svc", "cache.go", "svc/cache.go");
	/* Above the root is never searched: other/ is outside it. */
	sm_expect_near(m, "svc", "other/src/lib/x.go", NULL);
	sm_expect_near(m, "svc/escapes", "../outside.go", NULL);
	/* Absolute paths take the suffix rules; so do unknown places. */
	sm_expect_near(m, "svc", "/ci/svc/internal/store/store.go",
	    "svc/internal/store/store.go");
	sm_expect_near(m, "nowhere", "internal/store/store.go",
	    "svc/internal/store/store.go");
	/* Twice, from the cache. */
	sm_expect_near(m, "svc/artefacts/escapes", "escapes/main.go",
	    "svc/escapes/main.go");
	sourcemap_free(m);
	sm_teardown();
}

/* Check glob matching with "**", "*" and classes. */
static void
test_glob(void)
{
	static const struct {
		const char *pattern, *path;
		int match;
	} cases[] = {
		{ "**/*.pb.gz", "heap.pb.gz", 1 },
		{ "**/*.pb.gz", "a/b/heap.pb.gz", 1 },
		{ "**/*.pb.gz", "a/b/heap.pb", 0 },
		{ "profiles/*.pb.gz", "profiles/x.pb.gz", 1 },
		{ "profiles/*.pb.gz", "profiles/a/x.pb.gz", 0 },
		{ "**/goroutine*.txt", "s/goroutine-base.txt", 1 },
		{ "**/escape-json", "a/escape-json", 1 },
		{ "a/**", "a/b/c", 1 },
		{ "a/**/c", "a/c", 1 },
		{ "a/**/c", "a/x/y/c", 1 },
		{ "a/**/c", "a/x/y/d", 0 },
		{ "*.prof", "x/y.prof", 0 },
		{ "heap-[0-9].pb.gz", "heap-7.pb.gz", 1 },
		{ "heap-?.pb.gz", "heap-10.pb.gz", 0 },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		if (!CHECK_INT_EQ(glob_match(cases[i].pattern, cases[i].path),
		    cases[i].match))
			unit_note("%s on %s", cases[i].pattern, cases[i].path);
}

const struct unit_test sourcemap_tests[] = {
	{ "longest suffix under a root", test_suffix },
	{ "module path from go.mod", test_module },
	{ "trim_path and source_path", test_explicit },
	{ "relative paths near their output", test_near },
	{ "globs", test_glob },
	{ NULL, NULL }
};
