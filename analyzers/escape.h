/*
 * escape.h - the Go compiler's escape analysis and optimisation notes, read
 * from either form the compiler writes:
 *
 *   - `-gcflags=-json=0,file://DIR`: DIR/<package path>/<file>.json, a
 *     header line ({"version":0,"package":...,"file":...}) then one
 *     LSP-style diagnostic per line, with `code`, `message` and
 *     `relatedInformation` (the `escflow:` explanation and `inlineLoc`
 *     inlining positions);
 *   - `-gcflags=-m` or `-m=2` text, as go build writes it on stderr
 *     (`file:line:col: moved to heap: x`, with -m=2 the explanation blocks
 *     `x escapes to heap:` / `  flow: ...:` / `    from ... at pos`).
 *
 * Invariants:
 * - Lines and columns are 1-based, columns in bytes, as the compiler writes
 *   them in both forms; converting to an editor's columns needs the text.
 * - The two forms give the same site, with the same kind, message and flow,
 *   for every escape, moved and leak site they share: the JSON form's
 *   per-destination leak explanations are folded into -m's summaries
 *   (`leaking param: p`, `leaking param content: p`, `leaking param: p to
 *   result ~r0 level=0`), and a JSON `escape` without the companion entry
 *   the compiler writes for expressions is a variable moved to heap.
 * - `... does not escape` lines are left out: they cost nothing.
 * - Sites come sorted by file, line, column, kind and message, without
 *   duplicates; a report owns all its strings.
 * - Parsers never crash and never read past len: malformed input gives -1
 *   and a cause naming the input and the reason (`NAME:LINE: ...`).
 */
#ifndef HEAPLENS_ESCAPE_H
#define HEAPLENS_ESCAPE_H

#include <stddef.h>
#include <stdint.h>

/* What a site is about, for the `annotations` setting. */
enum escape_category {
	ESCAPE_CAT_ESCAPE,	/* escape, moved, leak */
	ESCAPE_CAT_INLINE,	/* canInlineFunction, cannotInlineFunction, inlineCall */
	ESCAPE_CAT_BOUNDS,	/* isInBounds, isSliceInBounds */
	ESCAPE_CAT_NIL,		/* nilcheck */
	ESCAPE_CAT_OTHER	/* copy and codes heaplens does not know */
};

enum escape_format {
	ESCAPE_FORMAT_JSON,
	ESCAPE_FORMAT_TEXT
};

/* One step of an explanation: `flow: e = *r:`, `from *r (indirection)`. */
struct escape_step {
	char *file;
	int64_t line;			/* 1-based */
	int64_t col;			/* 1-based, bytes */
	char *message;
};

struct escape_site {
	char *file;			/* as the input names it */
	int64_t line;			/* 1-based */
	int64_t col;			/* 1-based, bytes */
	char *kind;			/* "escape", "moved", "leak", or the
					   compiler's code: "canInlineFunction",
					   "cannotInlineFunction", "inlineCall",
					   "isInBounds", "isSliceInBounds",
					   "nilcheck", "copy", ... */
	enum escape_category category;
	char *subject;			/* "e", "r.agent", the parameter, the
					   inlined function; or NULL */
	char *message;			/* "moved to heap: e", "r.agent escapes
					   to heap", "leaking param content: r" */
	struct escape_step *flow;	/* -m=2 / JSON explanation, in order */
	size_t nflow;
};

struct escape_report {
	enum escape_format format;
	char *package;			/* header's package, `# pkg`, or NULL */
	struct escape_site *sites;
	size_t n;
	size_t skipped;			/* text lines that are not diagnostics */
};

/* Bounds: a hostile input costs memory in proportion to its size only. */
#define ESCAPE_MAX_FLOW 512		/* steps kept per site */
#define ESCAPE_MAX_DIR_FILES 10000	/* .json files read from one directory */
#define ESCAPE_MAX_DIR_DEPTH 16

/*
 * Parse one input held in memory: the JSON form (one source file's .json)
 * when its first non-blank byte is '{', else -m text. name is used in
 * messages. Returns 0 with *r filled (release with escape_release()), or
 * -1 with *cause set and *r empty.
 */
int escape_parse(const char *name, const char *data, size_t len,
    struct escape_report *r, char **cause);

/*
 * Read a file (either form) or a -json directory (every *.json below it,
 * no symbolic links followed, within the bounds above), at most max_bytes
 * per file. Same contract as escape_parse(); an empty directory is an
 * error.
 */
int escape_load(const char *path, size_t max_bytes, struct escape_report *r,
    char **cause);

void escape_release(struct escape_report *r);

/* Return the category of a kind (ESCAPE_CAT_OTHER when unknown). */
enum escape_category escape_kind_category(const char *kind);

/* Return a category's name in the `annotations` setting ("escape", ...). */
const char *escape_category_name(enum escape_category c);

#endif
