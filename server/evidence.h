/*
 * evidence.h - the evidence index of one session: the inputs found in the
 * workspace (profiles and the compiler's escape analysis; loaded, watched,
 * reloaded when they change), the compiler's runCompiler builds, and, per
 * workspace file, what each line costs for each sample type and which
 * values escape where.
 *
 * Invariants:
 * - For one file and one sample type, costs come from a single profile: the
 *   newest that has samples in that file (heap.pb.gz and allocs.pb.gz of one
 *   program carry the same allocations: adding them would count them twice).
 *   Newest means taken last (the profile's time_nanos, which survives
 *   copies), else modified last.
 * - Likewise a file's escape sites come from a single input: a runCompiler
 *   build of its package when there is one (it saw the saved text), else
 *   the escape output modified last, the JSON form before the text form of
 *   the same age (it is the same analysis, with more detail).
 * - The index is rebuilt from the loaded inputs whenever one of them, the
 *   base, or the settings change; a change of escape output alone rebuilds
 *   only the sites. Queries never parse anything.
 * - An input that fails to load stays listed with its error; the others go
 *   on working.
 * - Changes are seen twice over: ev_stat (inotify) reacts at once, and a
 *   once-a-second poll compares nanosecond mtimes, because ev_stat compares
 *   whole seconds and misses a second change within the same second.
 */
#ifndef HEAPLENS_EVIDENCE_H
#define HEAPLENS_EVIDENCE_H

#include <ev.h>
#include <jansson.h>
#include <stdint.h>

#include "analyzers/escape.h"
#include "analyzers/gctrace.h"
#include "analyzers/goroutines.h"
#include "analyzers/pprof.h"

struct session;
struct evidence;

enum evidence_kind {
	EVIDENCE_PROFILE,		/* a pprof file */
	EVIDENCE_ESCAPE,		/* -m text or one -json file */
	EVIDENCE_BUILD,			/* a runCompiler build of a package */
	EVIDENCE_GCTRACE,		/* GODEBUG=gctrace=1 output */
	EVIDENCE_GOROUTINES		/* a goroutine dump, debug=1 or 2 */
};

struct evidence_input {
	enum evidence_kind kind;
	char *path;			/* the file; a build's package dir */
	struct pprof_profile *profile;	/* profiles; NULL when loading failed */
	struct escape_report *escape;	/* escape output and builds */
	struct gctrace_summary *trace;	/* GC traces */
	struct goroutines_report *dump;	/* goroutine dumps */
	char *error;
	int pinned;			/* loaded by hand: kept by rescans */
	int warned;			/* the user was told it grows */
	int64_t mtime_ns;		/* of the file, to order inputs */
	ev_stat watch;			/* files only */
	ev_timer settle;		/* reload once the writes stop */
	struct evidence *ev;
	struct evidence_input *next;
};

/* One line's cost for one sample type. */
struct evidence_line {
	const char *file;		/* resolved workspace file */
	const char *type;		/* sample type, "alloc_space" */
	const char *unit;
	const char *function;
	const struct evidence_input *from;
	int64_t line;			/* 1-based */
	int64_t flat;
	int64_t cum;
	int64_t total;			/* the profile's total for the type */
};

/*
 * A group of goroutines of a dump that is shown: the newest dump of its
 * directory, compared with the one before it there when there is one.
 */
struct evidence_group {
	const struct goroutines_group *g;
	const char *file;		/* blocking line's workspace file */
	const char *created;		/* creation site's, or NULL */
	const struct evidence_input *from;
	const struct evidence_input *base;	/* or NULL */
	int suspect;			/* grew, or piles up without a base */
};

/* One escape site placed in a workspace file. */
struct evidence_site {
	const char *file;		/* resolved workspace file */
	const struct escape_site *site;	/* line and column as the compiler
					   wrote them (1-based, bytes) */
	const char **flow_files;	/* per flow step: its workspace file,
					   or NULL outside the workspace */
	const struct evidence_input *from;
};

struct evidence {
	struct session *session;
	struct ev_loop *loop;
	struct evidence_input *inputs;	/* found by the globs */
	struct evidence_input *builds;	/* evidence_compiled(), per package */
	struct evidence_input *base;	/* setBase; not in inputs */
	struct sourcemap *map;
	struct evidence_line *lines;	/* sorted by file, type, line */
	size_t nlines;
	struct evidence_line *growth;	/* lines that grew against base */
	size_t ngrowth;
	struct evidence_site *sites;	/* sorted by file, line, column */
	size_t nsites;
	struct evidence_group *groups;	/* of the shown dumps, by count */
	size_t ngroups;
	char *active;			/* the active sample type, or NULL */
	char *requested;		/* selectSampleIndex, or NULL */
	ev_timer rescan;		/* look for new inputs, debounced */
	ev_stat *dirs;			/* directories watched for new files */
	int64_t *dir_mtimes;		/* their mtimes when last scanned */
	size_t ndirs;
	ev_timer poll;			/* catches what ev_stat cannot see */
	unsigned generation;		/* bumped by every rebuild */
};

void evidence_init(struct evidence *ev, struct session *s);
void evidence_release(struct evidence *ev);

/*
 * Find the inputs the settings' globs match under the workspace folders
 * (`profiles`, `escapeOutputs`, `gcTraces`, `goroutineDumps`; a directory
 * an escape glob matches stands for every .json below it), load new and changed ones (with $/progress),
 * drop vanished ones, and rebuild the index. token is a request's
 * workDoneToken or NULL.
 */
void evidence_scan(struct evidence *ev, json_t *token);

/*
 * Load one profile by path (heaplens.loadProfile) or as the base
 * (heaplens.setBase). Returns 0, or -1 with *cause set.
 */
int evidence_load(struct evidence *ev, const char *path, int as_base,
    char **cause);
void evidence_clear_base(struct evidence *ev);

/*
 * Choose the active sample type (NULL: back to the default). Returns 0, or
 * -1 with *cause listing the types there are.
 */
int evidence_select(struct evidence *ev, const char *type, char **cause);

/* Rebuild the index from the loaded inputs. */
void evidence_rebuild(struct evidence *ev);

/*
 * Return the lines of file (resolved path) for sample type type (NULL for
 * every type), in *n; borrowed, sorted by type then line.
 */
const struct evidence_line *evidence_file_lines(const struct evidence *ev,
    const char *file, const char *type, size_t *n);

/* Return the escape sites of file, in *n; borrowed, sorted by position. */
const struct evidence_site *evidence_file_sites(const struct evidence *ev,
    const char *file, size_t *n);

/*
 * Return the goroutine groups of the shown dumps (borrowed, suspects
 * first, then by growth and count), in *n.
 */
const struct evidence_group *evidence_groups(const struct evidence *ev,
    size_t *n);

/* Return the growth lines of file, in *n; borrowed, sorted by line. */
const struct evidence_line *evidence_file_growth(const struct evidence *ev,
    const char *file, size_t *n);

/* Return the input listed for path (canonical), or NULL. */
struct evidence_input *evidence_find(const struct evidence *ev,
    const char *path);

/*
 * Return the newest loaded profile (taken last, as the index orders them)
 * that has sample type type, or NULL.
 */
const struct evidence_input *evidence_newest(const struct evidence *ev,
    const char *type);

/*
 * Take what the compiler said about the package in directory dir (a
 * runCompiler build after a save): r, allocated with malloc, becomes the
 * index's, replacing that package's previous build. Its sites win over
 * escape output found in files for the files it covers.
 */
void evidence_compiled(struct evidence *ev, const char *dir,
    struct escape_report *r);

/* Return the sample types present, preferred first (new reference). */
json_t *evidence_types(const struct evidence *ev);

/* Describe what is loaded and what failed, for heaplens/status. */
json_t *evidence_status(const struct evidence *ev);

#endif
