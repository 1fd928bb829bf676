/*
 * lines.h - per-line cost of a profile, as `go tool pprof -lines -top`
 * computes it: a line is a (function, file, line) frame, inlined frames
 * count as their own lines, flat is what samples spent with that frame as
 * their leaf, and cum counts each sample once for every distinct frame on
 * its stack (so recursion is not counted twice). File names are cleaned as
 * Go's filepath.Clean does before frames are compared.
 *
 * Invariants: a lines_report borrows the profile's strings, so it must not
 * outlive the profiles it was computed from. Entries come sorted as pprof's
 * -top sorts them: |flat| descending, then name, then |cum| descending.
 */
#ifndef HEAPLENS_LINES_H
#define HEAPLENS_LINES_H

#include <stddef.h>
#include <stdint.h>

#include "analyzers/pprof.h"

struct lines_entry {
	const char *function;
	const char *file;
	int64_t line;
	int64_t flat;
	int64_t cum;
};

struct lines_report {
	struct lines_entry *entries;
	size_t n;
	int64_t total;			/* pprof's total: base total in a diff */
	const char *sample_index;	/* the sample type's name */
	const char *unit;
	char **owned;			/* cleaned file names entries use */
	size_t nowned;
};

/*
 * Compute the per-line costs of sample type index of p. With base (may be
 * NULL), subtract base's sample type base_index first, as pprof's
 * -diff_base does. Fills *out (free with lines_release()).
 */
void lines_compute(const struct pprof_profile *p, int index,
    const struct pprof_profile *base, int base_index,
    struct lines_report *out);

void lines_release(struct lines_report *r);

/* A call path into a line: frames from the root down to it. */
struct lines_path {
	const struct pprof_line **frames;	/* root first; borrowed */
	size_t nframes;
	int64_t value;
};

/*
 * Find the costliest call paths (at most max) of sample type index that
 * pass through a frame at file:line: each path runs from the root to the
 * outermost such frame, and paths with the same frames are summed. Returns
 * how many were stored in out; free them with lines_paths_release().
 */
size_t lines_paths(const struct pprof_profile *p, int index,
    const char *file, int64_t line, struct lines_path *out, size_t max);
void lines_paths_release(struct lines_path *paths, size_t n);

#endif
