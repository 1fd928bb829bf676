/*
 * compiler.h - runCompiler: build a saved Go file's package with the
 * compiler's escape analysis (-gcflags=-json) and hand what it says to the
 * evidence index.
 *
 * Invariants:
 * - Nothing runs unless runCompiler is on for the saved file, and never for
 *   a file outside the workspace folders; both are checked again when a
 *   queued build starts. The program is goCommand, looked up in PATH, run
 *   in the package directory with the daemon's environment.
 * - A package has at most one build running; a newer save cancels it
 *   (SIGKILL to its process group, results ignored). At most
 *   COMPILER_MAX_RUNNING builds run at once, cancelled ones included until
 *   they are reaped; more wait, one entry per package, oldest first.
 * - Every build gets a fresh temporary directory (mkdtemp under $TMPDIR or
 *   /tmp) for the compiler's -json output, removed when the build ends,
 *   however it ends, and at session end.
 * - The event loop never blocks on a build: the child is watched with
 *   ev_child, its output read with ev_io, its deadline kept with ev_timer.
 *   Only compiler_free() waits, briefly, for killed children.
 * - A failed build (compile error, signal, timeout, unreadable output)
 *   leaves the package's last results in the index as they were.
 */
#ifndef HEAPLENS_COMPILER_H
#define HEAPLENS_COMPILER_H

#include <jansson.h>

/* Bounds: builds at once, and how much of a build's output is kept. */
#define COMPILER_MAX_RUNNING 4
#define COMPILER_MAX_OUTPUT (64 * 1024)

struct session;
struct compiler;

/* Create the compiler of a session; nothing runs until a save. */
struct compiler *compiler_new(struct session *s);

/*
 * Kill every running build, remove its temporary directory and free
 * everything. Sends nothing to the client (the session is ending).
 */
void compiler_free(struct compiler *c);

/*
 * A Go file was saved (path as the document names it): when runCompiler is
 * on for it and it lies in a workspace folder, build its package (now, or
 * once a slot frees), cancelling a build of the same package still running.
 */
void compiler_saved(struct compiler *c, const char *path);

/*
 * Describe every package built in this session, for heaplens/status: an
 * array of {package, state, command, error, sites, lastGood, durationMs,
 * cancelled} in the order of their first save (new reference). state is
 * "queued", "running", "ok", "failed", "timeout" or "cancelled" (it could
 * not start: runCompiler turned off meanwhile); sites counts the last good
 * build's, which stay shown (lastGood) after a failure; cancelled counts
 * the builds a newer save cancelled.
 */
json_t *compiler_status(const struct compiler *c);

#endif
