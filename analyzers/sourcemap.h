/*
 * sourcemap.h - map the file paths a profile carries (the build machine's:
 * /home/ci/src/github.com/acme/svc/cache.go, module-cache or GOPATH
 * prefixes, or module paths under -trimpath) to files in the workspace.
 *
 * Resolution order:
 *   1. explicit settings, with pprof's meaning: trim_path prefixes are cut
 *      (a ':'-separated list; without one, pprof's heuristic cuts up to the
 *      base name of a source_path directory), then the rest is looked up in
 *      each source_path directory;
 *   2. the longest suffix of the path that exists under a root (at least
 *      "dir/file.go", or "file.go" directly under a root of the same name as
 *      the file's directory in the profile);
 *   3. the module path in a root's go.mod (module/pkg/file.go).
 *
 * Invariants: a resolved file always lies under a root or a source_path
 * directory (heaplens reads nothing else) and exists as a regular file when
 * resolved; answers are cached per profile path, so each distinct path costs
 * its stat() calls once. Returned strings are owned by the map.
 */
#ifndef HEAPLENS_SOURCEMAP_H
#define HEAPLENS_SOURCEMAP_H

#include <stddef.h>

struct sourcemap;

/*
 * Create a map over roots (absolute directories); trim_path and
 * source_path may be NULL or "".
 */
struct sourcemap *sourcemap_new(const char *const *roots, size_t nroots,
    const char *trim_path, const char *source_path);
void sourcemap_free(struct sourcemap *m);

/* Return the local file a profile path names, or NULL. Borrowed. */
const char *sourcemap_resolve(struct sourcemap *m, const char *path);

/*
 * Resolve a relative path that a tool wrote in some directory near near (an
 * absolute, canonical directory: where its output was saved), as the
 * compiler's -m output names files relative to where go build ran: near and
 * each of its parents inside a root first, then as sourcemap_resolve().
 * Absolute paths go to sourcemap_resolve() directly. Cached the same way.
 */
const char *sourcemap_resolve_near(struct sourcemap *m, const char *near,
    const char *path);

#endif
