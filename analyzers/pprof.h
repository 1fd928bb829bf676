/*
 * pprof.h - read pprof profiles (profile.proto, gzip-compressed or plain)
 * into a compact, validated form.
 *
 * Invariants:
 * - A struct pprof_profile owns everything it points to; pprof_free()
 *   releases it all. Strings are NUL-terminated and never NULL ("" instead).
 * - Every index in it is checked: samples name locations by index into
 *   locations[], lines name functions by index into functions[], and every
 *   string index of the file was in range, so readers never re-check.
 * - Sample values are stored row by row: values[i * ntypes + t] is sample
 *   i's value of sample type t.
 * - Reading never trusts the file: the decompressed size is bounded by the
 *   caller's limit, nesting is the schema's, and every failure is a message
 *   naming the file and the reason ("heap.pb.gz: truncated gzip data").
 */
#ifndef HEAPLENS_PPROF_H
#define HEAPLENS_PPROF_H

#include <stddef.h>
#include <stdint.h>

struct pprof_value_type {
	const char *type;		/* "alloc_space" */
	const char *unit;		/* "bytes" */
};

struct pprof_function {
	const char *name;		/* "main.(*cache).put" */
	const char *system_name;
	const char *filename;		/* as the build machine wrote it */
	int64_t start_line;
};

/* One frame: a function and a line in it. */
struct pprof_line {
	uint32_t function;		/* index into functions[] */
	int64_t line;
};

/*
 * A location is a program counter and the frames it stands for: lines[0]
 * is the innermost (inlined) frame, the last one the function that holds
 * the others inlined.
 */
struct pprof_location {
	uint64_t address;
	uint32_t first_line;		/* index into lines[] */
	uint32_t nlines;
};

/* A sample's stack, leaf first. */
struct pprof_sample {
	uint32_t first_loc;		/* index into sample_locs[] */
	uint32_t nlocs;
};

struct pprof_profile {
	char *name;			/* the file, for messages */
	struct pprof_value_type *types;
	size_t ntypes;
	size_t default_type;		/* default_sample_type, else the last */
	struct pprof_value_type period_type;
	int64_t period;
	int64_t time_nanos;
	int64_t duration_nanos;
	struct pprof_function *functions;
	size_t nfunctions;
	struct pprof_location *locations;
	size_t nlocations;
	struct pprof_line *lines;
	size_t nlines;
	struct pprof_sample *samples;
	size_t nsamples;
	uint32_t *sample_locs;		/* location indices of all stacks */
	size_t nsample_locs;
	int64_t *values;		/* nsamples * ntypes */
	char **strings;
	size_t nstrings;
	void *arena;			/* backs strings and small structures */
};

/* Default bound on a profile's decompressed size (maxProfileBytes). */
#define PPROF_MAX_BYTES (256u * 1024 * 1024)

/*
 * Read and decode the profile at path. Returns the profile (the caller
 * frees it with pprof_free()), or NULL with *cause set to a message naming
 * the file and the reason. max_bytes bounds the decompressed size.
 */
struct pprof_profile *pprof_load(const char *path, size_t max_bytes,
    char **cause);

/*
 * Decode a profile from memory (gzip-compressed or plain protobuf); name is
 * used in messages. Same contract as pprof_load().
 */
struct pprof_profile *pprof_parse(const void *data, size_t len,
    const char *name, size_t max_bytes, char **cause);

void pprof_free(struct pprof_profile *p);

/*
 * Return the index of the sample type called name ("alloc_space"), or the
 * default when name is NULL; -1 with *cause listing the choices when there
 * is no such type.
 */
int pprof_sample_index(const struct pprof_profile *p, const char *name,
    char **cause);

#endif
