/*
 * pb.h - profiles built in memory for the unit tests: a protobuf-c
 * Profile message and the storage its pointers lead to, so that tests can
 * tweak any field before packing, and the main test profile.
 */
#ifndef HEAPLENS_TEST_PB_H
#define HEAPLENS_TEST_PB_H

#include <stddef.h>
#include <stdint.h>

#include "analyzers/pprof.h"
#include "profile.pb-c.h"
#include "protocol/util.h"

#define PB_MAX 128

/*
 * A profile under construction: the protobuf-c message and the storage its
 * pointers lead to, so that tests can tweak any field before packing.
 */
struct pb {
	Perftools__Profiles__Profile msg;
	Perftools__Profiles__ValueType types[PB_MAX], *typev[PB_MAX];
	Perftools__Profiles__ValueType period_type;
	Perftools__Profiles__Function fns[PB_MAX], *fnv[PB_MAX];
	Perftools__Profiles__Location locs[PB_MAX], *locv[PB_MAX];
	Perftools__Profiles__Line lines[PB_MAX], *linev[PB_MAX];
	size_t nlines;
	Perftools__Profiles__Sample samples[PB_MAX], *samplev[PB_MAX];
	uint64_t ids[PB_MAX * 8];
	size_t nids;
	int64_t values[PB_MAX * 8];
	size_t nvalues;
	char *strings[PB_MAX];
};

/* A list literal and its length, for the pb_* calls. */
#define U64S(...) (const uint64_t[]){ __VA_ARGS__ }, \
	ARRAY_SIZE(((const uint64_t[]){ __VA_ARGS__ }))
#define I64S(...) (const int64_t[]){ __VA_ARGS__ }, \
	ARRAY_SIZE(((const int64_t[]){ __VA_ARGS__ }))

/* Start an empty profile whose string table holds "". */
struct pb *pb_new(void);

/* Return the string table index of s, adding it when new. */
int64_t pb_str(struct pb *b, const char *s);

/* Add a sample type. */
void pb_type(struct pb *b, const char *type, const char *unit);

/* Add a function. */
void pb_function(struct pb *b, uint64_t id, const char *name,
    const char *system, const char *file, int64_t start);

/* Add a location; fl holds (function id, line) pairs, innermost first. */
void pb_location(struct pb *b, uint64_t id, uint64_t address,
    const int64_t *fl, size_t n);

/* Add a sample: location ids leaf first, then one value per type. */
void pb_sample(struct pb *b, const uint64_t *locs, size_t nlocs,
    const int64_t *values, size_t nvalues);

/* Pack the profile into a new buffer of *len bytes. */
uint8_t *pb_pack(struct pb *b, size_t *len);

/*
 * The main test profile: two sample types, a location with an inlined
 * frame, a recursive stack, a location without lines, a sample without
 * locations, a zero and a negative value. Ids are not in file order.
 */
struct pb *pb_main(void);

/* Parse a copy of exactly len bytes, so that over-reads are caught. */
struct pprof_profile *pb_parse_copy(const void *data, size_t len,
    size_t max_bytes, char **cause);

/* Pack and parse b; free b. */
struct pprof_profile *pb_parse(struct pb *b, char **cause);

#endif
