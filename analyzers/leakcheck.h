/*
 * leakcheck.h - the on-save leak-pattern checks of shared/LEAK-PATTERNS.md,
 * run on the tree-sitter syntax tree of one Go file.
 *
 * Invariants:
 * - Each check is one file in analyzers/leakcheck/ exporting one const
 *   struct leak_check, listed once in leak_checks[] (table.c).
 * - A check only reports; suppression ("//heaplens:ignore ID reason" on the
 *   flagged line or the line above), enabling and sorting happen here, so
 *   every check honours them the same way.
 * - No type checker is available: each check states in its file what it
 *   assumes, and where in doubt stays silent.
 * - Findings own their messages; positions are 1-based lines and 1-based
 *   byte columns, as go vet prints them.
 */
#ifndef HEAPLENS_LEAKCHECK_H
#define HEAPLENS_LEAKCHECK_H

#include <stddef.h>

#include <tree_sitter/api.h>

enum leak_severity {
	LEAK_WARNING = 2,		/* LSP DiagnosticSeverity */
	LEAK_HINT = 4
};

struct leak_finding {
	size_t line;
	size_t col;
	const char *check;		/* the id, static */
	char *message;
	enum leak_severity severity;
};

struct leak_findings {
	struct leak_finding *items;
	size_t n;
	size_t alloc;
};

/* What a check sees of one file. */
struct leak_ctx {
	const char *path;
	const char *text;
	size_t len;
	TSNode root;
	int go_minor;			/* go.mod "go 1.N": N, or 0 if unknown */
	int is_main;			/* package main */
	const struct leak_check *check;	/* the check running */
	struct leak_findings *out;
};

struct leak_check {
	const char *id;			/* "body-not-closed" */
	const char *summary;		/* one line for --help and docs */
	enum leak_severity severity;
	/*
	 * Byte strings one of which must occur in the file for the check to
	 * have anything to find (NULL-terminated); files without any are not
	 * given to run(). NULL means always run.
	 */
	const char *const *needles;
	/* Report the check's findings in ctx with leak_report(). */
	void (*run)(struct leak_ctx *ctx);
};

extern const struct leak_check *const leak_checks[];
extern const size_t leak_nchecks;

/* Find a check by id, or NULL. */
const struct leak_check *leak_find(const char *id);

/*
 * Check one file's text. enabled[i] says whether leak_checks[i] runs (NULL:
 * all). go_minor is the go.mod version's minor number (0: unknown). Findings
 * are appended to out, sorted by position; returns how many were added.
 */
size_t leakcheck_file(const char *path, const char *text, size_t len,
    int go_minor, const int *enabled, struct leak_findings *out);

/* Free findings' messages and storage. */
void leak_findings_release(struct leak_findings *f);

/*
 * Return the go.mod "go 1.N" minor version that governs a file: the nearest
 * go.mod in its directory or above; 0 when there is none.
 */
int leakcheck_go_minor(const char *path);

/* Helpers for checks. */

/* Report node with a printf-formatted message. */
void leak_report(struct leak_ctx *ctx, TSNode node, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Return whether node's text is exactly s. */
int leak_text_is(const struct leak_ctx *ctx, TSNode node, const char *s);

/*
 * Return the callee of a call_expression as text ("time.After", "wg.Add",
 * "f") in buf, or "" when it is something else (a func literal, an index).
 */
const char *leak_callee(const struct leak_ctx *ctx, TSNode call, char *buf,
    size_t size);

/*
 * Return the name the file imports standard package pkg ("time") under, in
 * buf ("time", or an alias), or NULL when the file does not import it by
 * name (absent, "_" or "."). Checks look calls up by this name.
 */
const char *leak_import_name(const struct leak_ctx *ctx, const char *pkg,
    char *buf, size_t size);

/* Return whether node is a function: declaration, method or literal. */
int leak_is_func(TSNode node);

/* Return the nearest function enclosing node (not node itself), or null. */
TSNode leak_enclosing_func(TSNode node);

/* Return whether node a lies within node b (false for null nodes). */
int leak_within(TSNode a, TSNode b);

/* Return whether two nodes have the same source text. */
int leak_same_text(const struct leak_ctx *ctx, TSNode a, TSNode b);

/* Return whether node is a node of type type. */
int leak_is(TSNode node, const char *type);

/*
 * Call fn on every named node under root (root included), depth first, in
 * source order; fn returns 0 to skip the node's children.
 */
void leak_walk(TSNode root, int (*fn)(TSNode node, void *data), void *data);

#endif
