/*
 * frames.h - the frames of pprof profiles as `go tool pprof -lines` sees
 * them, shared by the per-line costs (lines.c) and the call tree
 * (flame.c): a frame is a (function, file, line) triple with the file
 * cleaned as Go's filepath.Clean does, inlined frames are frames of their
 * own, and equal triples of any number of profiles share one id. Also the
 * wrapping int64 arithmetic pprof's sums use.
 *
 * Invariants:
 * - Ids are dense (0 .. n-1) in order of first sight, so callers keep
 *   their per-frame data in arrays indexed by id.
 * - A table borrows function and file names from the profiles it read and
 *   owns only the cleaned file names it made (owned[]), so it must not
 *   outlive those profiles.
 * - Sums wrap around as Go's int64 arithmetic does (pprof's own) instead
 *   of overflowing, which C leaves undefined: a hostile profile can hold
 *   any values.
 */
#ifndef HEAPLENS_FRAMES_H
#define HEAPLENS_FRAMES_H

#include <stddef.h>
#include <stdint.h>

#include "analyzers/pprof.h"

struct frame {
	const char *function;		/* "" for a frame without a function */
	const char *file;		/* cleaned; "" when the profile has none */
	int64_t line;			/* 0 when unknown */
};

struct frames {
	struct frame *v;		/* by id */
	size_t n;
	size_t alloc;
	uint32_t *slots;		/* id + 1, or 0 */
	size_t nslots;
	char **owned;			/* cleaned file names */
	size_t nowned;
};

void frames_init(struct frames *t);
/* Free the table and the cleaned names it owns. */
void frames_release(struct frames *t);

/* Find or add the frame (function, file, line); return its id. */
uint32_t frames_get(struct frames *t, const char *function, const char *file,
    int64_t line);

/*
 * Give every frame of p (each entry of p->lines) its id: returns a new
 * array of p->nlines ids (the caller frees it), and the id shared by the
 * locations without lines (no symbols) in *unknown.
 */
uint32_t *frames_map(struct frames *t, const struct pprof_profile *p,
    uint32_t *unknown);

/*
 * Return path cleaned as Go's filepath.Clean does ("./a//b/../c" is
 * "a/c"), as a new string, or NULL when it is clean already (the usual
 * case).
 */
char *frames_clean(const char *path);

/* Return the int64 that u stands for in two's complement. */
int64_t frames_wrap(uint64_t u);

/* Return |v| as an unsigned number (defined for INT64_MIN too). */
uint64_t frames_abs(int64_t v);

/* Add v to *sum, wrapping. */
void frames_add(int64_t *sum, int64_t v);

/*
 * Return sample i's value of sample type index times sign (1, or -1 for a
 * base profile), wrapping.
 */
int64_t frames_value(const struct pprof_profile *p, size_t i, int index,
    int64_t sign);

/*
 * Return pprof's total of sample type index of p: the sum of the samples'
 * absolute values (wrapping), whatever their stacks.
 */
int64_t frames_total(const struct pprof_profile *p, int index);

#endif
