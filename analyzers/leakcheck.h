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

/* Replace text[start, end) with text: one edit of a quick fix. */
struct leak_edit {
	size_t start;
	size_t end;
	char *text;
};

struct leak_finding {
	size_t line;
	size_t col;
	size_t start;			/* byte range of the flagged node */
	size_t end;
	const char *check;		/* the id, static */
	char *message;
	enum leak_severity severity;
	char *fix;			/* quick fix title, or NULL */
	struct leak_edit *edits;	/* its edits, in no particular order */
	size_t nedits;
	int fixed;			/* set by leak_apply_fixes */
};

struct leak_findings {
	struct leak_finding *items;
	size_t n;
	size_t alloc;
};

/* Another Go file in the checked file's directory. */
struct leak_sibling {
	char *path;
	char *text;
	size_t len;
};

/*
 * The files of one directory, read when a check first asks for them
 * (leak_package_files) and shared by every file checked in it.
 */
struct leak_package {
	char *dir;
	struct leak_sibling *files;
	size_t n;
	int loaded;
};

/*
 * What the last run on a document found, per top-level function, so that
 * the next run checks only the functions whose text changed (see
 * leakcheck_run). Opaque.
 */
struct leak_memo;

struct leak_memo *leak_memo_new(void);
void leak_memo_free(struct leak_memo *memo);

/* What to check. */
struct leak_input {
	const char *path;
	const char *text;
	size_t len;
	int go_minor;			/* go.mod "go 1.N": N, or 0 if unknown */
	const int *enabled;		/* enabled[i] for leak_checks[i]; NULL: all */
	struct leak_package *pkg;	/* the directory's files, or NULL */
	TSTree *tree;			/* text already parsed, or NULL */
	struct leak_memo *memo;		/* the last run's findings, or NULL */
};

/* What a check sees of one file. */
struct leak_ctx {
	const char *path;
	const char *text;
	size_t len;
	TSNode root;
	int go_minor;			/* go.mod "go 1.N": N, or 0 if unknown */
	int is_main;			/* package main */
	struct leak_package *pkg;	/* see leak_package_files */
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
	/*
	 * A finer test than the needles, or NULL: whether the check may find
	 * anything in ctx's text (and package: leak_package_files), by bytes
	 * alone. Nothing is parsed yet: ctx->root is null.
	 */
	int (*wanted)(struct leak_ctx *ctx);
	/* Report the check's findings in ctx with leak_report(). */
	void (*run)(struct leak_ctx *ctx);
	/*
	 * Whether a finding inside one function may depend on other
	 * functions of the file. Checks that look only at the function they
	 * report in, and at the file's package clause, imports and
	 * package-level var, const and type declarations, leave this 0: with
	 * a memo (leak_input.memo) they are run again only on the functions
	 * that changed.
	 */
	int whole_file;
};

/* The most checks there can be: callers size their enabled[] by it. */
#define LEAK_MAX_CHECKS 64

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

/*
 * Check in's file; as leakcheck_file, with the package's other files and
 * an already parsed tree (which stays the caller's) when given. With a
 * memo, functions whose text (with the comments just above) is the same as
 * in the memo's last run keep their findings, moved to where the function
 * is now, and only the others are checked again; a change of the package
 * clause, imports, package-level declarations, Go version or enabled
 * checks checks everything again. The findings are the same as without a
 * memo. The memo is updated for the next run.
 */
size_t leakcheck_run(const struct leak_input *in, struct leak_findings *out);

/* Start a package for the files of dir; release with leak_package_release. */
void leak_package_init(struct leak_package *pkg, const char *dir);
void leak_package_release(struct leak_package *pkg);

/* Return a parser for Go source; the caller deletes it. */
TSParser *leak_go_parser(void);

/*
 * Apply the quick fixes of findings items[first..f->n) to text: return the
 * new text (NUL-terminated, its length in *outlen) and set fixed on each
 * finding whose fix went in. A fix whose edits overlap those of a fix
 * already taken is left out (run again to apply it). Returns NULL when
 * there is no fix to apply.
 */
char *leak_apply_fixes(const char *text, size_t len, struct leak_findings *f,
    size_t first, size_t *outlen);

/* Free one finding's message and fix (not the finding itself). */
void leak_finding_free(struct leak_finding *f);

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

/*
 * Attach a quick fix edit to the finding the running check reported last:
 * replace text[start, end) with repl. The first call names the fix (title);
 * further calls add edits to the same fix. Edits must not overlap.
 */
void leak_fix(struct leak_ctx *ctx, const char *title, size_t start,
    size_t end, const char *repl);

/*
 * Add to the last finding's quick fix (named title) the statement text
 * ("defer t.Stop()") on a line of its own after stmt, indented as stmt's
 * line. Returns 1 when done; 0, adding nothing, when stmt is not a
 * statement of a block or case clause alone on its lines (a trailing //
 * comment aside), or its comment is aligned with the next line's: where a
 * new line after it would not be gofmt-clean Go.
 */
int leak_fix_line_after(struct leak_ctx *ctx, const char *title, TSNode stmt,
    const char *text);

/*
 * Set the severity of the finding the running check reported last, when it
 * differs from the check's own (a hint where the go.mod version makes the
 * pattern harmless).
 */
void leak_report_severity(struct leak_ctx *ctx, enum leak_severity severity);

/*
 * Return the .go files of the checked file's directory, in *n: read once
 * per package, files over 4 MB and unreadable ones left out, _test.go files
 * included. The checked file is among them as it is on disk, which in the
 * editor may be older than ctx->text: skip it with leak_sibling_is_self.
 */
const struct leak_sibling *leak_package_files(struct leak_ctx *ctx,
    size_t *n);

/* Return whether a package file is the file being checked. */
int leak_sibling_is_self(const struct leak_ctx *ctx,
    const struct leak_sibling *s);

/* Return n's child in field name ("body"), or a null node; n may be null. */
TSNode leak_field(TSNode n, const char *name);

/* Return list's at'th named child that is not a comment, or null. */
TSNode leak_nth(TSNode list, int at);

/* Return the next named sibling of n that is not a comment, or null. */
TSNode leak_next(TSNode n);

/* Return whether node's text is one of names (NULL-terminated, or NULL). */
int leak_text_in(const struct leak_ctx *ctx, TSNode node,
    const char *const *names);

/* Return whether node's text is exactly s. */
int leak_text_is(const struct leak_ctx *ctx, TSNode node, const char *s);

/*
 * Return the callee of a call_expression as text ("time.After", "wg.Add",
 * "f") in buf, or "" when it is something else (a func literal, an index).
 */
const char *leak_callee(const struct leak_ctx *ctx, TSNode call, char *buf,
    size_t size);

/*
 * Return the name the file imports standard package pkg ("time",
 * "database/sql", "net/http") under, in buf ("time", "sql": the path's last element,
 * or an alias), or NULL when the file does not import it by name (absent,
 * "_" or "."). Checks look calls up by this name.
 */
const char *leak_import_name(const struct leak_ctx *ctx, const char *pkg,
    char *buf, size_t size);

/*
 * Return node's parent, as ts_node_parent does, from an index of the tree
 * being checked (ts_node_parent searches down from the root each time).
 * Checks use this, never ts_node_parent.
 */
TSNode leak_parent(TSNode node);

/* Return whether node is a function: declaration, method or literal. */
int leak_is_func(TSNode node);

/* Return whether fn is main.main: func main in package main. */
int leak_is_main_main(const struct leak_ctx *ctx, TSNode fn);

/* Return whether node lies in a for statement of its own function. */
int leak_in_loop(TSNode node);

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

/*
 * leak_walk over the file, passing over the top-level functions and
 * methods for which want(ctx, decl, data) is 0 (a byte scan of their text
 * is far cheaper than a walk): for whole-file checks, which in the editor
 * otherwise walk every function on every save.
 */
void leak_walk_file(const struct leak_ctx *ctx,
    int (*want)(const struct leak_ctx *ctx, TSNode decl, void *data),
    int (*fn)(TSNode node, void *data), void *data);

#endif
