/*
 * pb.c - build, pack and parse the unit tests' profiles.
 */
#include <stdlib.h>
#include <string.h>

#include "pb.h"

/* Start an empty profile whose string table holds "". */
struct pb *
pb_new(void)
{
	struct pb *b = xcalloc(1, sizeof *b);

	perftools__profiles__profile__init(&b->msg);
	b->msg.sample_type = b->typev;
	b->msg.function = b->fnv;
	b->msg.location = b->locv;
	b->msg.sample = b->samplev;
	b->msg.string_table = b->strings;
	b->strings[b->msg.n_string_table++] = (char *)"";
	return b;
}

/* Return the string table index of s, adding it when new. */
int64_t
pb_str(struct pb *b, const char *s)
{
	size_t i;

	for (i = 0; i < b->msg.n_string_table; i++)
		if (strcmp(b->strings[i], s) == 0)
			return (int64_t)i;
	if (b->msg.n_string_table == PB_MAX)
		abort();
	b->strings[b->msg.n_string_table] = (char *)s;
	return (int64_t)b->msg.n_string_table++;
}

/* Add a sample type. */
void
pb_type(struct pb *b, const char *type, const char *unit)
{
	Perftools__Profiles__ValueType *t = &b->types[b->msg.n_sample_type];

	perftools__profiles__value_type__init(t);
	t->type = pb_str(b, type);
	t->unit = pb_str(b, unit);
	b->typev[b->msg.n_sample_type++] = t;
}

/* Add a function. */
void
pb_function(struct pb *b, uint64_t id, const char *name, const char *system,
    const char *file, int64_t start)
{
	Perftools__Profiles__Function *f = &b->fns[b->msg.n_function];

	perftools__profiles__function__init(f);
	f->id = id;
	f->name = pb_str(b, name);
	f->system_name = pb_str(b, system);
	f->filename = pb_str(b, file);
	f->start_line = start;
	b->fnv[b->msg.n_function++] = f;
}

/* Add a location; fl holds (function id, line) pairs, innermost first. */
void
pb_location(struct pb *b, uint64_t id, uint64_t address, const int64_t *fl,
    size_t n)
{
	Perftools__Profiles__Location *l = &b->locs[b->msg.n_location];
	size_t i;

	perftools__profiles__location__init(l);
	l->id = id;
	l->address = address;
	l->line = &b->linev[b->nlines];
	for (i = 0; i + 1 < n; i += 2) {
		perftools__profiles__line__init(&b->lines[b->nlines]);
		b->lines[b->nlines].function_id = (uint64_t)fl[i];
		b->lines[b->nlines].line = fl[i + 1];
		b->linev[b->nlines] = &b->lines[b->nlines];
		b->nlines++;
		l->n_line++;
	}
	b->locv[b->msg.n_location++] = l;
}

/* Add a sample: location ids leaf first, then one value per type. */
void
pb_sample(struct pb *b, const uint64_t *locs, size_t nlocs,
    const int64_t *values, size_t nvalues)
{
	Perftools__Profiles__Sample *s = &b->samples[b->msg.n_sample];

	perftools__profiles__sample__init(s);
	s->location_id = &b->ids[b->nids];
	s->n_location_id = nlocs;
	if (nlocs > 0)
		memcpy(s->location_id, locs, nlocs * sizeof *locs);
	b->nids += nlocs;
	s->value = &b->values[b->nvalues];
	s->n_value = nvalues;
	memcpy(s->value, values, nvalues * sizeof *values);
	b->nvalues += nvalues;
	b->samplev[b->msg.n_sample++] = s;
}

/* Pack the profile into a new buffer of *len bytes. */
uint8_t *
pb_pack(struct pb *b, size_t *len)
{
	uint8_t *out;

	*len = perftools__profiles__profile__get_packed_size(&b->msg);
	out = xmalloc(*len + 1);
	if (perftools__profiles__profile__pack(&b->msg, out) != *len)
		abort();
	return out;
}

/*
 * The main test profile: two sample types, a location with an inlined
 * frame, a recursive stack, a location without lines, a sample without
 * locations, a zero and a negative value. Ids are not in file order.
 */
struct pb *
pb_main(void)
{
	struct pb *b = pb_new();

	pb_type(b, "alloc_objects", "count");
	pb_type(b, "alloc_space", "bytes");
	perftools__profiles__value_type__init(&b->period_type);
	b->period_type.type = pb_str(b, "space");
	b->period_type.unit = pb_str(b, "bytes");
	b->msg.period_type = &b->period_type;
	b->msg.period = 524288;
	b->msg.time_nanos = 1700000000123;
	b->msg.duration_nanos = 5000000000;
	pb_function(b, 3, "main.leaf", "main.leaf.sys", "main.go", 10);
	pb_function(b, 1, "main.inl", "main.inl", "main.go", 20);
	pb_function(b, 2, "main.rec", "main.rec", "main.go", 30);
	pb_function(b, 5, "main.main", "main.main", "main.go", 40);
	pb_function(b, 4, "runtime.main", "runtime.main", "runtime.go", 240);
	pb_location(b, 10, 0x1000, I64S(3, 12, 1, 22));
	pb_location(b, 20, 0x2000, I64S(2, 33));
	pb_location(b, 30, 0x2100, I64S(2, 35));
	pb_location(b, 40, 0x3000, I64S(5, 44));
	pb_location(b, 50, 0x4000, NULL, 0);
	pb_location(b, 60, 0x5000, I64S(4, 250));
	pb_sample(b, U64S(10, 20, 30, 30, 40, 60), I64S(1, 100));
	pb_sample(b, U64S(20, 30, 20, 40, 60), I64S(2, 50));
	pb_sample(b, U64S(50, 40, 60), I64S(3, 30));
	pb_sample(b, U64S(10, 40), I64S(4, 0));
	pb_sample(b, NULL, 0, I64S(5, 7));
	pb_sample(b, U64S(60), I64S(0, -20));
	return b;
}

/* Parse a copy of exactly len bytes, so that over-reads are caught. */
struct pprof_profile *
pb_parse_copy(const void *data, size_t len, size_t max_bytes, char **cause)
{
	struct pprof_profile *p;
	void *copy = xmalloc(len ? len : 1);

	if (len > 0)
		memcpy(copy, data, len);
	p = pprof_parse(copy, len, "t.pb", max_bytes, cause);
	free(copy);
	return p;
}

/* Pack and parse b; free b. */
struct pprof_profile *
pb_parse(struct pb *b, char **cause)
{
	struct pprof_profile *p;
	uint8_t *data;
	size_t len;

	data = pb_pack(b, &len);
	p = pb_parse_copy(data, len, 1 << 20, cause);
	free(data);
	free(b);
	return p;
}
