/*
 * pprof.c - decode profile.proto: zlib for the gzip layer, protobuf-c for
 * the small messages (value types, locations, functions), and a hand-rolled
 * walk of the top level and of samples, which are nearly all of a profile's
 * bytes: decoding them straight into flat arrays keeps a 24 MB profile's
 * memory near its size instead of one heap object per sample.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "analyzers/pprof.h"
#include "profile.pb-c.h"
#include "protocol/util.h"

/* Field numbers of message Profile. */
enum {
	PROFILE_SAMPLE_TYPE = 1,
	PROFILE_SAMPLE = 2,
	PROFILE_LOCATION = 4,
	PROFILE_FUNCTION = 5,
	PROFILE_STRING = 6,
	PROFILE_TIME = 9,
	PROFILE_DURATION = 10,
	PROFILE_PERIOD_TYPE = 11,
	PROFILE_PERIOD = 12,
	PROFILE_DEFAULT_TYPE = 14
};

enum {
	WIRE_VARINT = 0,
	WIRE_FIXED64 = 1,
	WIRE_LEN = 2,
	WIRE_FIXED32 = 5
};

/*
 * A bump allocator: profile strings and protobuf-c's messages live here and
 * go all at once.
 */
struct arena_chunk {
	struct arena_chunk *next;
	size_t used;
	size_t size;
	max_align_t data[];
};

struct arena {
	struct arena_chunk *chunks;
};

/* Allocate n bytes from the arena. */
static void *
arena_alloc(struct arena *a, size_t n)
{
	struct arena_chunk *c = a->chunks;
	size_t size;
	void *p;

	n = (n + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
	if (c == NULL || c->size - c->used < n) {
		size = n > 65536 ? n : 65536;
		c = xmalloc(sizeof *c + size);
		c->used = 0;
		c->size = size;
		c->next = a->chunks;
		a->chunks = c;
	}
	p = (char *)c->data + c->used;
	c->used += n;
	return p;
}

/* Free every chunk of the arena. */
static void
arena_free(struct arena *a)
{
	struct arena_chunk *c, *next;

	if (a == NULL)
		return;
	for (c = a->chunks; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	free(a);
}

/* protobuf-c's allocator interface over the arena. */
static void *
pprof_pb_alloc(void *data, size_t size)
{
	return arena_alloc(data, size);
}

/* Memory goes with the arena. */
static void
pprof_pb_free(void *data, void *p)
{
	(void)data;
	(void)p;
}

/* Growable arrays used while decoding. */
struct vec {
	void *items;
	size_t len;
	size_t cap;
};

/* Append one zeroed item of size bytes; return it. */
static void *
vec_push(struct vec *v, size_t size)
{
	char *p;

	if (v->len == v->cap) {
		v->cap = v->cap ? v->cap * 2 : 256;
		v->items = xrealloc(v->items, v->cap * size);
	}
	p = (char *)v->items + v->len++ * size;
	memset(p, 0, size);
	return p;
}

/* A decoding cursor over protobuf bytes. */
struct wire {
	const uint8_t *p;
	const uint8_t *end;
};

/* Read a varint. Returns 0, or -1 at a truncated or overlong one. */
static int
wire_varint(struct wire *w, uint64_t *out)
{
	uint64_t v = 0;
	unsigned shift;

	for (shift = 0; shift < 64; shift += 7) {
		if (w->p >= w->end)
			return -1;
		v |= (uint64_t)(*w->p & 0x7f) << shift;
		if (!(*w->p++ & 0x80)) {
			*out = v;
			return 0;
		}
	}
	return -1;
}

/*
 * Read a field key and, for length-delimited fields, the payload bounds.
 * Returns 0, or -1 with *cause set.
 */
static int
wire_field(struct wire *w, unsigned *field, unsigned *type, struct wire *sub,
    uint64_t *value, char **cause)
{
	uint64_t key, n;

	if (wire_varint(w, &key) != 0)
		return set_cause(cause, "truncated field key");
	*field = (unsigned)(key >> 3);
	*type = (unsigned)(key & 7);
	if (*field == 0 || key >> 3 > 0x1fffffff)
		return set_cause(cause, "invalid field number %" PRIu64,
		    key >> 3);
	switch (*type) {
	case WIRE_VARINT:
		if (wire_varint(w, value) != 0)
			return set_cause(cause, "truncated varint in field %u",
			    *field);
		return 0;
	case WIRE_FIXED64:
	case WIRE_FIXED32:
		n = *type == WIRE_FIXED64 ? 8 : 4;
		if ((uint64_t)(w->end - w->p) < n)
			return set_cause(cause, "truncated field %u", *field);
		w->p += n;
		return 0;
	case WIRE_LEN:
		if (wire_varint(w, &n) != 0)
			return set_cause(cause, "truncated length in field %u",
			    *field);
		if (n > (uint64_t)(w->end - w->p))
			return set_cause(cause, "field %u claims %" PRIu64
			    " bytes but only %zu remain", *field, n,
			    (size_t)(w->end - w->p));
		sub->p = w->p;
		sub->end = w->p + n;
		w->p += n;
		return 0;
	default:
		return set_cause(cause, "invalid wire type %u in field %u",
		    *type, *field);
	}
}

/* Map from a profile's ids (locations, functions) to array indices. */
struct idmap {
	uint32_t *dense;		/* dense[id] = index + 1, or 0 */
	uint64_t ndense;
	uint64_t *sorted;		/* pairs (id, index) when sparse */
	size_t nsorted;
};

/* Compare two (id, index) pairs by id. */
static int
idmap_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Build the map for ids[0..n). Returns 0, or -1 with *cause naming a
 * duplicate or zero id.
 */
static int
idmap_build(struct idmap *m, const uint64_t *ids, size_t n, const char *what,
    char **cause)
{
	uint64_t max = 0;
	size_t i;

	memset(m, 0, sizeof *m);
	for (i = 0; i < n; i++) {
		if (ids[i] == 0)
			return set_cause(cause, "%s %zu has id 0", what, i);
		if (ids[i] > max)
			max = ids[i];
	}
	if (max <= 4 * (uint64_t)n + 1024) {
		m->ndense = max + 1;
		m->dense = xcalloc((size_t)m->ndense, sizeof *m->dense);
		for (i = 0; i < n; i++) {
			if (m->dense[ids[i]] != 0)
				return set_cause(cause, "duplicate %s id %"
				    PRIu64, what, ids[i]);
			m->dense[ids[i]] = (uint32_t)i + 1;
		}
		return 0;
	}
	m->sorted = xmalloc(2 * n * sizeof *m->sorted);
	for (i = 0; i < n; i++) {
		m->sorted[2 * i] = ids[i];
		m->sorted[2 * i + 1] = i;
	}
	qsort(m->sorted, n, 2 * sizeof *m->sorted, idmap_cmp);
	m->nsorted = n;
	for (i = 1; i < n; i++)
		if (m->sorted[2 * i] == m->sorted[2 * i - 2])
			return set_cause(cause, "duplicate %s id %" PRIu64,
			    what, m->sorted[2 * i]);
	return 0;
}

/* Look an id up; return its index or -1. */
static long long
idmap_get(const struct idmap *m, uint64_t id)
{
	size_t lo = 0, hi = m->nsorted, mid;

	if (m->dense != NULL)
		return id < m->ndense && m->dense[id] ?
		    (long long)m->dense[id] - 1 : -1;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (m->sorted[2 * mid] == id)
			return (long long)m->sorted[2 * mid + 1];
		if (m->sorted[2 * mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* Free a map. */
static void
idmap_free(struct idmap *m)
{
	free(m->dense);
	free(m->sorted);
}

/* What the first pass collects, before ids can be resolved. */
struct pprof_decode {
	struct pprof_profile *p;
	struct arena *arena;
	ProtobufCAllocator pb;
	struct vec types;		/* Perftools__Profiles__ValueType * */
	Perftools__Profiles__ValueType *period_type;
	int64_t default_type;
	struct vec locations;		/* Perftools__Profiles__Location * */
	struct vec functions;		/* Perftools__Profiles__Function * */
	struct vec strings;		/* char * */
	struct idmap location_ids;
	struct idmap function_ids;
};

/* Return a string by index, or NULL when out of range. */
static const char *
pprof_string(struct pprof_decode *d, int64_t i)
{
	if (i < 0 || (uint64_t)i >= d->strings.len)
		return NULL;
	return ((char **)d->strings.items)[i];
}

/* Resolve a string index or fail naming what held it. */
static int
pprof_resolve_string(struct pprof_decode *d, int64_t i, const char **out,
    const char *what, char **cause)
{
	*out = pprof_string(d, i);
	if (*out == NULL)
		return set_cause(cause, "%s names string %" PRId64 " of a "
		    "table of %zu", what, i, d->strings.len);
	return 0;
}

/* Unpack one embedded message with protobuf-c into the arena. */
#define PPROF_UNPACK(d, kind, sub) \
	perftools__profiles__##kind##__unpack(&(d)->pb, \
	    (size_t)((sub)->end - (sub)->p), (sub)->p)

/*
 * First pass: everything but samples. Returns 0, or -1 with *cause set.
 */
static int
pprof_pass_tables(struct pprof_decode *d, struct wire w, char **cause)
{
	struct wire sub;
	unsigned field, type;
	uint64_t v = 0;
	char *s;
	void *msg;

	while (w.p < w.end) {
		if (wire_field(&w, &field, &type, &sub, &v, cause) != 0)
			return -1;
		if (type == WIRE_LEN) {
			msg = NULL;
			switch (field) {
			case PROFILE_SAMPLE_TYPE:
				msg = PPROF_UNPACK(d, value_type, &sub);
				if (msg != NULL)
					*(void **)vec_push(&d->types,
					    sizeof msg) = msg;
				break;
			case PROFILE_LOCATION:
				msg = PPROF_UNPACK(d, location, &sub);
				if (msg != NULL)
					*(void **)vec_push(&d->locations,
					    sizeof msg) = msg;
				break;
			case PROFILE_FUNCTION:
				msg = PPROF_UNPACK(d, function, &sub);
				if (msg != NULL)
					*(void **)vec_push(&d->functions,
					    sizeof msg) = msg;
				break;
			case PROFILE_PERIOD_TYPE:
				msg = PPROF_UNPACK(d, value_type, &sub);
				d->period_type = msg;
				break;
			case PROFILE_STRING:
				s = arena_alloc(d->arena,
				    (size_t)(sub.end - sub.p) + 1);
				memcpy(s, sub.p, (size_t)(sub.end - sub.p));
				s[sub.end - sub.p] = '\0';
				*(char **)vec_push(&d->strings, sizeof s) = s;
				continue;
			default:
				continue;	/* samples, mappings, comments */
			}
			if (msg == NULL)
				return set_cause(cause, "malformed message in "
				    "field %u", field);
			continue;
		}
		if (type != WIRE_VARINT)
			continue;
		switch (field) {
		case PROFILE_TIME:
			d->p->time_nanos = (int64_t)v;
			break;
		case PROFILE_DURATION:
			d->p->duration_nanos = (int64_t)v;
			break;
		case PROFILE_PERIOD:
			d->p->period = (int64_t)v;
			break;
		case PROFILE_DEFAULT_TYPE:
			d->default_type = (int64_t)v;
			break;
		}
	}
	return 0;
}

/* Resolve sample types, functions and locations into the profile. */
static int
pprof_build_tables(struct pprof_decode *d, char **cause)
{
	struct pprof_profile *p = d->p;
	Perftools__Profiles__ValueType **types = d->types.items;
	Perftools__Profiles__Function **fns = d->functions.items;
	Perftools__Profiles__Location **locs = d->locations.items;
	Perftools__Profiles__Function *f;
	Perftools__Profiles__Location *l;
	uint64_t *ids;
	size_t i, j, nlines = 0;
	long long fi;

	if (d->strings.len == 0 || pprof_string(d, 0)[0] != '\0')
		return set_cause(cause, "string table does not start with "
		    "the empty string");

	if (d->types.len == 0)
		return set_cause(cause, "profile has no sample types");
	p->ntypes = d->types.len;
	p->types = xcalloc(p->ntypes, sizeof *p->types);
	for (i = 0; i < p->ntypes; i++)
		if (pprof_resolve_string(d, types[i]->type, &p->types[i].type,
		    "a sample type", cause) != 0 ||
		    pprof_resolve_string(d, types[i]->unit, &p->types[i].unit,
		    "a sample type", cause) != 0)
			return -1;
	p->period_type.type = p->period_type.unit = "";
	if (d->period_type != NULL &&
	    (pprof_resolve_string(d, d->period_type->type,
	    &p->period_type.type, "the period type", cause) != 0 ||
	    pprof_resolve_string(d, d->period_type->unit,
	    &p->period_type.unit, "the period type", cause) != 0))
		return -1;
	p->default_type = p->ntypes - 1;
	if (d->default_type != 0) {
		const char *name;

		if (pprof_resolve_string(d, d->default_type, &name,
		    "default_sample_type", cause) != 0)
			return -1;
		for (i = p->ntypes; i-- > 0; )
			if (strcmp(p->types[i].type, name) == 0)
				p->default_type = i;	/* the first match */
	}

	/* functions[0] stands for frames that name no function. */
	p->nfunctions = d->functions.len + 1;
	p->functions = xcalloc(p->nfunctions, sizeof *p->functions);
	p->functions[0].name = p->functions[0].system_name = "";
	p->functions[0].filename = "";
	ids = xmalloc((d->functions.len + 1) * sizeof *ids);
	for (i = 0; i < d->functions.len; i++) {
		f = fns[i];
		ids[i] = f->id;
		if (pprof_resolve_string(d, f->name, &p->functions[i + 1].name,
		    "a function", cause) != 0 ||
		    pprof_resolve_string(d, f->system_name,
		    &p->functions[i + 1].system_name, "a function",
		    cause) != 0 ||
		    pprof_resolve_string(d, f->filename,
		    &p->functions[i + 1].filename, "a function", cause) != 0) {
			free(ids);
			return -1;
		}
		p->functions[i + 1].start_line = f->start_line;
	}
	if (idmap_build(&d->function_ids, ids, d->functions.len, "function",
	    cause) != 0) {
		free(ids);
		return -1;
	}
	free(ids);

	for (i = 0; i < d->locations.len; i++) {
		if (locs[i]->n_line > UINT32_MAX - nlines)
			return set_cause(cause, "too many lines");
		nlines += locs[i]->n_line;
	}
	p->nlocations = d->locations.len;
	p->locations = xcalloc(p->nlocations + 1, sizeof *p->locations);
	p->lines = xcalloc(nlines + 1, sizeof *p->lines);
	ids = xmalloc((d->locations.len + 1) * sizeof *ids);
	for (i = 0; i < d->locations.len; i++) {
		l = locs[i];
		ids[i] = l->id;
		p->locations[i].address = l->address;
		p->locations[i].first_line = (uint32_t)p->nlines;
		p->locations[i].nlines = (uint32_t)l->n_line;
		for (j = 0; j < l->n_line; j++) {
			fi = 0;
			if (l->line[j]->function_id != 0) {
				fi = idmap_get(&d->function_ids,
				    l->line[j]->function_id);
				if (fi < 0) {
					free(ids);
					return set_cause(cause, "location %"
					    PRIu64 " names missing function %"
					    PRIu64, l->id,
					    l->line[j]->function_id);
				}
				fi++;
			}
			p->lines[p->nlines].function = (uint32_t)fi;
			p->lines[p->nlines].line = l->line[j]->line;
			p->nlines++;
		}
	}
	if (idmap_build(&d->location_ids, ids, d->locations.len, "location",
	    cause) != 0) {
		free(ids);
		return -1;
	}
	free(ids);
	p->strings = d->strings.items;
	p->nstrings = d->strings.len;
	d->strings.items = NULL;
	return 0;
}

/*
 * Decode one Sample message straight into the flat arrays. Both packed and
 * unpacked encodings of the repeated fields are accepted, as protobuf
 * requires.
 */
static int
pprof_sample(struct pprof_decode *d, struct wire w, struct vec *samples,
    struct vec *locs, struct vec *values, char **cause)
{
	struct pprof_profile *p = d->p;
	struct pprof_sample *s;
	struct wire sub, *src;
	unsigned field, type;
	size_t nvalues = 0;
	uint64_t v = 0;
	long long li;

	s = vec_push(samples, sizeof *s);
	s->first_loc = (uint32_t)locs->len;
	while (w.p < w.end) {
		if (wire_field(&w, &field, &type, &sub, &v, cause) != 0)
			return -1;
		if (field != 1 && field != 2)
			continue;	/* labels */
		if (type != WIRE_LEN && type != WIRE_VARINT)
			return set_cause(cause, "sample field %u has wire "
			    "type %u", field, type);
		src = type == WIRE_LEN ? &sub : NULL;
		for (;;) {
			if (src != NULL) {
				if (src->p >= src->end)
					break;
				if (wire_varint(src, &v) != 0)
					return set_cause(cause, "truncated "
					    "packed field in a sample");
			}
			if (field == 1) {
				li = idmap_get(&d->location_ids, v);
				if (li < 0)
					return set_cause(cause, "sample %zu "
					    "names missing location %" PRIu64,
					    samples->len - 1, v);
				if (locs->len >= UINT32_MAX)
					return set_cause(cause, "too many "
					    "frames");
				*(uint32_t *)vec_push(locs, sizeof(uint32_t)) =
				    (uint32_t)li;
			} else {
				*(int64_t *)vec_push(values, sizeof(int64_t)) =
				    (int64_t)v;
				nvalues++;
			}
			if (src == NULL)
				break;
		}
	}
	if (nvalues != p->ntypes)
		return set_cause(cause, "sample %zu has %zu values but the "
		    "profile has %zu sample types", samples->len - 1, nvalues,
		    p->ntypes);
	s->nlocs = (uint32_t)(locs->len - s->first_loc);
	return 0;
}

/* Second pass: the samples. */
static int
pprof_pass_samples(struct pprof_decode *d, struct wire w, char **cause)
{
	struct pprof_profile *p = d->p;
	struct vec samples = { NULL, 0, 0 }, locs = { NULL, 0, 0 };
	struct vec values = { NULL, 0, 0 };
	struct wire sub;
	unsigned field, type;
	uint64_t v;
	int r = 0;

	while (w.p < w.end) {
		if (wire_field(&w, &field, &type, &sub, &v, cause) != 0) {
			r = -1;
			break;
		}
		if (field != PROFILE_SAMPLE || type != WIRE_LEN)
			continue;
		if (pprof_sample(d, sub, &samples, &locs, &values,
		    cause) != 0) {
			r = -1;
			break;
		}
	}
	p->samples = samples.items;
	p->nsamples = samples.len;
	p->sample_locs = locs.items;
	p->nsample_locs = locs.len;
	p->values = values.items;
	return r;
}

/* Inflate gzip data into *out, bounded by max_bytes. */
static int
pprof_gunzip(const uint8_t *data, size_t len, size_t max_bytes,
    struct buf *out, char **cause)
{
	z_stream z;
	int r;

	memset(&z, 0, sizeof z);
	if (inflateInit2(&z, 15 + 32) != Z_OK)
		return set_cause(cause, "cannot initialise zlib");
	z.next_in = (Bytef *)(uintptr_t)data;
	z.avail_in = (uInt)(len > UINT32_MAX ? UINT32_MAX : len);
	for (;;) {
		if (out->cap - out->len < (1 << 16)) {
			/* Double, but never past the limit and one window. */
			size_t cap = out->cap ? out->cap * 2 : (1 << 20);

			if (cap > max_bytes + (1 << 17))
				cap = max_bytes + (1 << 17);
			if (cap < out->len + (1 << 16))
				cap = out->len + (1 << 16);
			out->data = xrealloc(out->data, cap);
			out->cap = cap;
		}
		z.next_out = (Bytef *)out->data + out->len;
		z.avail_out = (uInt)(out->cap - out->len - 1);
		r = inflate(&z, Z_NO_FLUSH);
		out->len = (size_t)((char *)z.next_out - out->data);
		if (out->len > max_bytes) {
			inflateEnd(&z);
			return set_cause(cause, "decompressed size exceeds the "
			    "limit of %zu bytes (maxProfileBytes)", max_bytes);
		}
		if (r == Z_STREAM_END) {
			/* Concatenated gzip members make one stream. */
			if (z.avail_in > 0 && inflateReset(&z) == Z_OK)
				continue;
			break;
		}
		if (r == Z_BUF_ERROR && z.avail_in == 0) {
			inflateEnd(&z);
			return set_cause(cause, "truncated gzip data");
		}
		if (r != Z_OK && r != Z_BUF_ERROR) {
			set_cause(cause, "corrupt gzip data: %s",
			    z.msg != NULL ? z.msg : "inflate failed");
			inflateEnd(&z);
			return -1;
		}
	}
	inflateEnd(&z);
	return 0;
}

/* Decode a profile from memory. */
struct pprof_profile *
pprof_parse(const void *data, size_t len, const char *name, size_t max_bytes,
    char **cause)
{
	const uint8_t *bytes = data;
	struct pprof_decode d;
	struct buf raw = BUF_INIT;
	struct wire w;
	char *why = NULL;

	memset(&d, 0, sizeof d);
	d.p = xcalloc(1, sizeof *d.p);
	d.p->name = xstrdup(name);
	d.arena = xcalloc(1, sizeof *d.arena);
	d.p->arena = d.arena;
	d.pb.alloc = pprof_pb_alloc;
	d.pb.free = pprof_pb_free;
	d.pb.allocator_data = d.arena;
	if (len >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b) {
		if (pprof_gunzip(bytes, len, max_bytes, &raw, &why) != 0)
			goto fail;
		w.p = (const uint8_t *)raw.data;
		w.end = w.p + raw.len;
	} else {
		if (len > max_bytes) {
			set_cause(&why, "size exceeds the limit of %zu bytes "
			    "(maxProfileBytes)", max_bytes);
			goto fail;
		}
		w.p = bytes;
		w.end = bytes + len;
	}
	if (w.p == w.end) {
		set_cause(&why, "empty profile");
		goto fail;
	}
	if (pprof_pass_tables(&d, w, &why) != 0 ||
	    pprof_build_tables(&d, &why) != 0 ||
	    pprof_pass_samples(&d, w, &why) != 0)
		goto fail;
	buf_release(&raw);
	free(d.types.items);
	free(d.locations.items);
	free(d.functions.items);
	idmap_free(&d.location_ids);
	idmap_free(&d.function_ids);
	return d.p;

fail:
	set_cause(cause, "%s: not a valid pprof profile: %s", name, why);
	free(why);
	buf_release(&raw);
	free(d.types.items);
	free(d.locations.items);
	free(d.functions.items);
	free(d.strings.items);
	idmap_free(&d.location_ids);
	idmap_free(&d.function_ids);
	pprof_free(d.p);
	return NULL;
}

/* Read and decode a profile file. */
struct pprof_profile *
pprof_load(const char *path, size_t max_bytes, char **cause)
{
	struct pprof_profile *p;
	struct buf data = BUF_INIT;

	if (read_file(path, max_bytes, 0, &data, cause) != 0) {
		buf_release(&data);
		return NULL;
	}
	p = pprof_parse(data.data, data.len, path, max_bytes, cause);
	buf_release(&data);
	return p;
}

/* Free a profile. */
void
pprof_free(struct pprof_profile *p)
{
	if (p == NULL)
		return;
	free(p->name);
	free(p->types);
	free(p->functions);
	free(p->locations);
	free(p->lines);
	free(p->samples);
	free(p->sample_locs);
	free(p->values);
	free(p->strings);
	arena_free(p->arena);
	free(p);
}

/* Find a sample type by name (or number), or the default. */
int
pprof_sample_index(const struct pprof_profile *p, const char *name,
    char **cause)
{
	struct buf choices = BUF_INIT;
	char *end;
	long n;
	size_t i;

	if (name == NULL || *name == '\0')
		return (int)p->default_type;
	for (i = 0; i < p->ntypes; i++)
		if (strcmp(p->types[i].type, name) == 0)
			return (int)i;
	n = strtol(name, &end, 10);
	if (*end == '\0' && n >= 0 && (size_t)n < p->ntypes)
		return (int)n;
	for (i = 0; i < p->ntypes; i++)
		buf_addf(&choices, "%s%s", i ? ", " : "", p->types[i].type);
	set_cause(cause, "%s: no sample type \"%s\" (it has %s)", p->name,
	    name, buf_str(&choices));
	buf_release(&choices);
	return -1;
}
