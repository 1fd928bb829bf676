/*
 * test-pprof.c - unit tests for analyzers/pprof.c and analyzers/lines.c:
 * profiles built with protobuf-c (and by hand, for the encodings protobuf-c
 * does not write), decoded field by field, aggregated per line, and broken
 * in every way a hostile file can be.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "analyzers/lines.h"
#include "analyzers/pprof.h"
#include "pb.h"
#include "profile.pb-c.h"
#include "unit.h"


/* What pprof_dump() prints for pb_main(). */
static const char main_dump[] =
	"name t.pb\n"
	"type 0 alloc_objects/count\n"
	"type 1 alloc_space/bytes\n"
	"default 1\n"
	"period space/bytes 524288 time 1700000000123 duration 5000000000\n"
	"function 0 \"\" \"\" \"\" 0\n"
	"function 1 \"main.leaf\" \"main.leaf.sys\" \"main.go\" 10\n"
	"function 2 \"main.inl\" \"main.inl\" \"main.go\" 20\n"
	"function 3 \"main.rec\" \"main.rec\" \"main.go\" 30\n"
	"function 4 \"main.main\" \"main.main\" \"main.go\" 40\n"
	"function 5 \"runtime.main\" \"runtime.main\" \"runtime.go\" 240\n"
	"location 0 0x1000 lines 0+2\n"
	"location 1 0x2000 lines 2+1\n"
	"location 2 0x2100 lines 3+1\n"
	"location 3 0x3000 lines 4+1\n"
	"location 4 0x4000 lines 5+0\n"
	"location 5 0x5000 lines 5+1\n"
	"line 0 function 1 line 12\n"
	"line 1 function 2 line 22\n"
	"line 2 function 3 line 33\n"
	"line 3 function 3 line 35\n"
	"line 4 function 4 line 44\n"
	"line 5 function 5 line 250\n"
	"sample 0 locs 0+6 [0 1 2 2 3 5] values [1 100]\n"
	"sample 1 locs 6+5 [1 2 1 3 5] values [2 50]\n"
	"sample 2 locs 11+3 [4 3 5] values [3 30]\n"
	"sample 3 locs 14+2 [0 3] values [4 0]\n"
	"sample 4 locs 16+0 [] values [5 7]\n"
	"sample 5 locs 16+1 [5] values [0 -20]\n"
	"sample_locs 17 strings 14\n";

/* Print every field of a decoded profile, checking the invariants. */
static char *
pprof_dump(const struct pprof_profile *p)
{
	struct buf out = BUF_INIT;
	const struct pprof_function *f;
	const struct pprof_sample *s;
	size_t i, k;

	buf_addf(&out, "name %s\n", p->name);
	for (i = 0; i < p->ntypes; i++)
		buf_addf(&out, "type %zu %s/%s\n", i, p->types[i].type,
		    p->types[i].unit);
	buf_addf(&out, "default %zu\n", p->default_type);
	buf_addf(&out, "period %s/%s %lld time %lld duration %lld\n",
	    p->period_type.type, p->period_type.unit, (long long)p->period,
	    (long long)p->time_nanos, (long long)p->duration_nanos);
	for (i = 0; i < p->nfunctions; i++) {
		f = &p->functions[i];
		buf_addf(&out, "function %zu \"%s\" \"%s\" \"%s\" %lld\n", i,
		    f->name, f->system_name, f->filename,
		    (long long)f->start_line);
	}
	for (i = 0; i < p->nlocations; i++) {
		buf_addf(&out, "location %zu %#llx lines %u+%u\n", i,
		    (unsigned long long)p->locations[i].address,
		    p->locations[i].first_line, p->locations[i].nlines);
		CHECK((size_t)p->locations[i].first_line +
		    p->locations[i].nlines <= p->nlines);
	}
	for (i = 0; i < p->nlines; i++) {
		buf_addf(&out, "line %zu function %u line %lld\n", i,
		    p->lines[i].function, (long long)p->lines[i].line);
		CHECK(p->lines[i].function < p->nfunctions);
	}
	for (i = 0; i < p->nsamples; i++) {
		s = &p->samples[i];
		if (!CHECK((size_t)s->first_loc + s->nlocs <= p->nsample_locs))
			break;
		buf_addf(&out, "sample %zu locs %u+%u [", i, s->first_loc,
		    s->nlocs);
		for (k = 0; k < s->nlocs; k++) {
			buf_addf(&out, "%s%u", k ? " " : "",
			    p->sample_locs[s->first_loc + k]);
			CHECK(p->sample_locs[s->first_loc + k] <
			    p->nlocations);
		}
		buf_adds(&out, "] values [");
		for (k = 0; k < p->ntypes; k++)
			buf_addf(&out, "%s%lld", k ? " " : "",
			    (long long)p->values[i * p->ntypes + k]);
		buf_adds(&out, "]\n");
	}
	buf_addf(&out, "sample_locs %zu strings %zu\n", p->nsample_locs,
	    p->nstrings);
	for (i = 0; i < p->nstrings; i++)
		CHECK(p->strings[i] != NULL);
	return buf_detach(&out, NULL);
}

/* Print a report: one "function|file|line flat cum" line per entry. */
static char *
lines_dump(const struct lines_report *r)
{
	struct buf out = BUF_INIT;
	size_t i;

	buf_addf(&out, "%s/%s total %lld\n", r->sample_index, r->unit,
	    (long long)r->total);
	for (i = 0; i < r->n; i++)
		buf_addf(&out, "%s|%s|%lld %lld %lld\n",
		    r->entries[i].function, r->entries[i].file,
		    (long long)r->entries[i].line,
		    (long long)r->entries[i].flat,
		    (long long)r->entries[i].cum);
	return buf_detach(&out, NULL);
}

/* Return the report of sample type index of p (less base) as text. */
static char *
lines_text(const struct pprof_profile *p, int index,
    const struct pprof_profile *base, int base_index)
{
	struct lines_report r;
	char *s;

	lines_compute(p, index, base, base_index, &r);
	s = lines_dump(&r);
	lines_release(&r);
	return s;
}


/* Check b is refused with a cause naming the file and containing want. */
static void
pb_expect_fail(struct pb *b, const char *want)
{
	struct pprof_profile *p;
	char *cause = NULL;

	p = pb_parse(b, &cause);
	CHECK_NULL(p);
	CHECK_STR_CONTAINS(cause, "t.pb: not a valid pprof profile: ");
	CHECK_STR_CONTAINS(cause, want);
	pprof_free(p);
	free(cause);
}

/* Compress data with a gzip header into a new buffer. */
static uint8_t *
gz(const void *data, size_t len, int level, size_t *out_len)
{
	z_stream z;
	uint8_t *out;
	size_t bound;

	memset(&z, 0, sizeof z);
	if (deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK)
		abort();
	bound = deflateBound(&z, (uLong)len) + 64;
	out = xmalloc(bound);
	z.next_in = (Bytef *)(uintptr_t)data;
	z.avail_in = (uInt)len;
	z.next_out = out;
	z.avail_out = (uInt)bound;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END)
		abort();
	*out_len = z.total_out;
	deflateEnd(&z);
	return out;
}

/* Check pb_main() decodes to every field expected. */
static void
test_decode_fields(void)
{
	struct pprof_profile *p;
	char *cause = NULL, *dump;

	p = pb_parse(pb_main(), &cause);
	if (!CHECK(p != NULL)) {
		unit_note("%s", cause);
		free(cause);
		return;
	}
	CHECK_NULL(cause);
	dump = pprof_dump(p);
	CHECK_STR_EQ(dump, main_dump);
	free(dump);
	/* functions[0] stands for "no function". */
	CHECK_UINT_EQ(p->nfunctions, 6);
	CHECK_STR_EQ(p->functions[0].name, "");
	CHECK_STR_EQ(p->functions[0].filename, "");
	CHECK_STR_EQ(p->functions[0].system_name, "");
	/* Inlined frames: lines[0] of a location is the innermost. */
	CHECK_STR_EQ(p->functions[p->lines[p->locations[0].first_line]
	    .function].name, "main.leaf");
	CHECK_STR_EQ(p->functions[p->lines[p->locations[0].first_line + 1]
	    .function].name, "main.inl");
	CHECK_INT_EQ(p->values[3 * p->ntypes + 0], 4);
	CHECK_INT_EQ(p->values[3 * p->ntypes + 1], 0);
	CHECK_STR_EQ(p->strings[0], "");
	CHECK_STR_EQ(p->strings[13], "runtime.go");
	pprof_free(p);
}

/* Check flat and cum of both sample types of pb_main(), by hand. */
static void
test_lines_main(void)
{
	struct pprof_profile *p;
	char *cause = NULL, *s;

	p = pb_parse(pb_main(), &cause);
	if (!CHECK(p != NULL)) {
		free(cause);
		return;
	}
	/*
	 * alloc_space: flat goes to the innermost frame of the leaf (leaf:12,
	 * not inl:22); rec:35 twice and rec:33 twice in a stack count once;
	 * the zero sample is skipped; the sample without locations and the
	 * negative one count in the total as |v|: 100+50+30+0+7+20.
	 */
	s = lines_text(p, 1, NULL, 0);
	CHECK_STR_EQ(s,
	    "alloc_space/bytes total 207\n"
	    "main.leaf|main.go|12 100 100\n"
	    "main.rec|main.go|33 50 150\n"
	    "||0 30 30\n"
	    "runtime.main|runtime.go|250 -20 160\n"
	    "main.inl|main.go|22 0 100\n"
	    "main.main|main.go|44 0 180\n"
	    "main.rec|main.go|35 0 150\n");
	free(s);
	s = lines_text(p, 0, NULL, 0);
	CHECK_STR_EQ(s,
	    "alloc_objects/count total 15\n"
	    "main.leaf|main.go|12 5 5\n"
	    "||0 3 3\n"
	    "main.rec|main.go|33 2 3\n"
	    "main.inl|main.go|22 0 5\n"
	    "main.main|main.go|44 0 10\n"
	    "main.rec|main.go|35 0 3\n"
	    "runtime.main|runtime.go|250 0 6\n");
	free(s);
	pprof_free(p);
}

/* A profile of one type for the diff and sort tests. */
static struct pb *
pb_diff(void)
{
	struct pb *b = pb_new();

	pb_type(b, "space", "bytes");
	pb_function(b, 1, "z", "z", "z.go", 0);
	pb_function(b, 2, "a", "a", "a.go", 0);
	pb_function(b, 3, "c", "c", "c.go", 0);
	pb_function(b, 4, "b", "b", "b.go", 0);
	/* Two frames whose printable names are both "f x.go". */
	pb_function(b, 5, "f", "f", "x.go", 0);
	pb_function(b, 6, "f x.go", "f", "", 0);
	pb_location(b, 1, 0, I64S(1, 1));
	pb_location(b, 2, 0, I64S(2, 1));
	pb_location(b, 3, 0, I64S(3, 1));
	pb_location(b, 4, 0, I64S(4, 1));
	pb_location(b, 5, 0, I64S(5, 0));
	pb_location(b, 6, 0, I64S(6, 0));
	return b;
}

/* Check -diff_base: values subtract, the base's total, zero lines drop. */
static void
test_lines_diff(void)
{
	struct pprof_profile *p, *base, *zero;
	struct pb *b;
	char *cause = NULL, *s;

	b = pb_diff();
	pb_sample(b, U64S(1), I64S(8));
	pb_sample(b, U64S(2), I64S(10));
	pb_sample(b, U64S(4, 2), I64S(5));
	pb_sample(b, U64S(3), I64S(3));
	pb_sample(b, U64S(2, 5), I64S(2));
	p = pb_parse(b, &cause);
	b = pb_diff();
	pb_sample(b, U64S(2), I64S(4));
	pb_sample(b, U64S(4, 2), I64S(5));
	pb_sample(b, U64S(3), I64S(7));
	pb_sample(b, U64S(3, 6), I64S(9));
	pb_sample(b, NULL, 0, I64S(4));
	base = pb_parse(b, &cause);
	b = pb_diff();
	pb_sample(b, U64S(2), I64S(0));
	zero = pb_parse(b, &cause);
	if (!CHECK(p != NULL && base != NULL && zero != NULL)) {
		unit_note("%s", cause);
		goto out;
	}

	s = lines_text(p, 0, NULL, 0);
	CHECK_STR_EQ(s,
	    "space/bytes total 28\n"
	    "a|a.go|1 12 17\n"
	    "z|z.go|1 8 8\n"
	    "b|b.go|1 5 5\n"
	    "c|c.go|1 3 3\n"
	    "f|x.go|0 0 2\n");
	free(s);
	/*
	 * b's flat and cum cancel out, so it goes; a and z tie on |flat| and
	 * sort by name; the two "f x.go" tie on name and sort by |cum|. The
	 * total is the base's: 4+5+7+9+4.
	 */
	s = lines_text(p, 0, base, 0);
	CHECK_STR_EQ(s,
	    "space/bytes total 29\n"
	    "c|c.go|1 -13 -13\n"
	    "a|a.go|1 8 8\n"
	    "z|z.go|1 8 8\n"
	    "f x.go||0 0 -9\n"
	    "f|x.go|0 0 2\n");
	free(s);
	/* A base of zeros subtracts nothing and keeps p's total. */
	s = lines_text(p, 0, zero, 0);
	CHECK_STR_EQ(s,
	    "space/bytes total 28\n"
	    "a|a.go|1 12 17\n"
	    "z|z.go|1 8 8\n"
	    "b|b.go|1 5 5\n"
	    "c|c.go|1 3 3\n"
	    "f|x.go|0 0 2\n");
	free(s);
	/* Against itself, nothing is left. */
	s = lines_text(p, 0, p, 0);
	CHECK_STR_EQ(s, "space/bytes total 28\n");
	free(s);
	/* The base's sample type is the one named, not p's index. */
	s = lines_text(zero, 0, base, 0);
	CHECK_STR_EQ(s,
	    "space/bytes total 29\n"
	    "c|c.go|1 -16 -16\n"
	    "b|b.go|1 -5 -5\n"
	    "a|a.go|1 -4 -9\n"
	    "f x.go||0 0 -9\n");
	free(s);
out:
	free(cause);
	pprof_free(p);
	pprof_free(base);
	pprof_free(zero);
}

/* Check the two pb_main() types under lines_compute() with a base. */
static void
test_lines_diff_types(void)
{
	struct pprof_profile *p, *base;
	char *cause = NULL, *s;

	p = pb_parse(pb_main(), &cause);
	base = pb_parse(pb_main(), &cause);
	if (!CHECK(p != NULL && base != NULL))
		goto out;
	/* alloc_objects less alloc_space of the same stacks. */
	s = lines_text(p, 0, base, 1);
	CHECK_STR_EQ(s,
	    "alloc_objects/count total 207\n"
	    "main.leaf|main.go|12 -95 -95\n"
	    "main.rec|main.go|33 -48 -147\n"
	    "||0 -27 -27\n"
	    "runtime.main|runtime.go|250 20 -154\n"
	    "main.inl|main.go|22 0 -95\n"
	    "main.main|main.go|44 0 -170\n"
	    "main.rec|main.go|35 0 -147\n");
	free(s);
out:
	free(cause);
	pprof_free(p);
	pprof_free(base);
}

/* A profile with the sample types named and default_sample_type set. */
static struct pprof_profile *
parse_types(const char *const *names, size_t n, const char *dflt)
{
	struct pprof_profile *p;
	struct pb *b = pb_new();
	int64_t values[8] = { 0 };
	char *cause = NULL;
	size_t i;

	for (i = 0; i < n; i++)
		pb_type(b, names[i], "count");
	if (dflt != NULL)
		b->msg.default_sample_type = pb_str(b, dflt);
	pb_function(b, 1, "f", "f", "f.go", 1);
	pb_location(b, 1, 0, I64S(1, 2));
	pb_sample(b, U64S(1), values, n);
	p = pb_parse(b, &cause);
	if (!CHECK(p != NULL))
		unit_note("%s", cause);
	free(cause);
	return p;
}

/* Check default_sample_type, and the last type without it. */
static void
test_default_type(void)
{
	static const char *const three[] = { "alloc_objects", "alloc_space",
	    "inuse_space" };
	struct pprof_profile *p;

	p = parse_types(three, 3, "alloc_objects");
	if (p != NULL)
		CHECK_UINT_EQ(p->default_type, 0);
	pprof_free(p);
	p = parse_types(three, 3, "alloc_space");
	if (p != NULL)
		CHECK_UINT_EQ(p->default_type, 1);
	pprof_free(p);
	p = parse_types(three, 3, NULL);
	if (p != NULL)
		CHECK_UINT_EQ(p->default_type, 2);
	pprof_free(p);
	/* A default that names no type falls back to the last, as pprof. */
	p = parse_types(three, 3, "nonesuch");
	if (p != NULL)
		CHECK_UINT_EQ(p->default_type, 2);
	pprof_free(p);
	p = parse_types(three, 1, NULL);
	if (p != NULL)
		CHECK_UINT_EQ(p->default_type, 0);
	pprof_free(p);
}

/*
 * Check a default naming two types picks the first, as pprof's
 * SampleIndexByName does, and agrees with pprof_sample_index() by name.
 */
static void
test_default_type_duplicate(void)
{
	static const char *const dup[] = { "x", "x", "y" };
	struct pprof_profile *p;

	p = parse_types(dup, 3, "x");
	if (p == NULL)
		return;
	CHECK_UINT_EQ(p->default_type, 0);
	CHECK_INT_EQ(pprof_sample_index(p, "x", NULL), 0);
	pprof_free(p);
}

/* Check pprof_sample_index(): by name, by number, default, unknown. */
static void
test_sample_index(void)
{
	static const char *const two[] = { "alloc_objects", "alloc_space" };
	struct pprof_profile *p;
	char *cause = NULL;

	p = parse_types(two, 2, "alloc_objects");
	if (p == NULL)
		return;
	CHECK_INT_EQ(pprof_sample_index(p, "alloc_space", &cause), 1);
	CHECK_INT_EQ(pprof_sample_index(p, "alloc_objects", &cause), 0);
	CHECK_INT_EQ(pprof_sample_index(p, "0", &cause), 0);
	CHECK_INT_EQ(pprof_sample_index(p, "1", &cause), 1);
	CHECK_INT_EQ(pprof_sample_index(p, NULL, &cause), 0);
	CHECK_INT_EQ(pprof_sample_index(p, "", &cause), 0);
	CHECK_NULL(cause);
	CHECK_INT_EQ(pprof_sample_index(p, "inuse_space", &cause), -1);
	CHECK_STR_EQ(cause, "t.pb: no sample type \"inuse_space\" (it has "
	    "alloc_objects, alloc_space)");
	CHECK_INT_EQ(pprof_sample_index(p, "2", &cause), -1);
	CHECK_STR_CONTAINS(cause, "it has alloc_objects, alloc_space");
	CHECK_INT_EQ(pprof_sample_index(p, "-1", &cause), -1);
	CHECK_INT_EQ(pprof_sample_index(p, "1x", &cause), -1);
	CHECK_INT_EQ(pprof_sample_index(p, "99999999999999999999999",
	    &cause), -1);
	CHECK_INT_EQ(pprof_sample_index(p, "alloc", &cause), -1);
	CHECK_STR_CONTAINS(cause, "no sample type \"alloc\"");
	/* A NULL cause is allowed. */
	CHECK_INT_EQ(pprof_sample_index(p, "bogus", NULL), -1);
	free(cause);
	pprof_free(p);
}

/* Check gzip and plain decode the same, and concatenated gzip members. */
static void
test_gzip_plain(void)
{
	struct pprof_profile *p, *q;
	uint8_t *plain, *z1, *z2, *cat;
	size_t len, n1, n2, cut;
	char *cause = NULL, *a, *b;
	struct pb *pb = pb_main();

	plain = pb_pack(pb, &len);
	free(pb);
	p = pb_parse_copy(plain, len, 1 << 20, &cause);
	z1 = gz(plain, len, 9, &n1);
	q = pb_parse_copy(z1, n1, 1 << 20, &cause);
	if (!CHECK(p != NULL && q != NULL)) {
		unit_note("%s", cause);
		goto out;
	}
	a = pprof_dump(p);
	b = pprof_dump(q);
	CHECK_STR_EQ(b, a);
	CHECK_STR_EQ(a, main_dump);
	free(b);
	pprof_free(q);
	free(z1);

	/* Two members, split mid-message: one stream, as gzip -d reads it. */
	for (cut = 1; cut < len; cut += len / 7) {
		z1 = gz(plain, cut, 1, &n1);
		z2 = gz(plain + cut, len - cut, 6, &n2);
		cat = xmalloc(n1 + n2);
		memcpy(cat, z1, n1);
		memcpy(cat + n1, z2, n2);
		q = pb_parse_copy(cat, n1 + n2, 1 << 20, &cause);
		if (CHECK(q != NULL)) {
			b = pprof_dump(q);
			CHECK_STR_EQ(b, a);
			free(b);
		} else {
			unit_note("cut at %zu: %s", cut, cause);
		}
		pprof_free(q);
		free(z1);
		free(z2);
		free(cat);
	}
	free(a);
out:
	free(cause);
	pprof_free(p);
	free(plain);
}

/* Check an empty gzip member before and after the profile is harmless. */
static void
test_gzip_empty_members(void)
{
	struct pprof_profile *p;
	uint8_t *plain, *z0, *z1, *cat;
	size_t len, n0, n1;
	char *cause = NULL, *dump;
	struct pb *pb = pb_main();

	plain = pb_pack(pb, &len);
	free(pb);
	z0 = gz("", 0, 6, &n0);
	z1 = gz(plain, len, 6, &n1);
	cat = xmalloc(2 * n0 + n1);
	memcpy(cat, z0, n0);
	memcpy(cat + n0, z1, n1);
	memcpy(cat + n0 + n1, z0, n0);
	p = pb_parse_copy(cat, 2 * n0 + n1, 1 << 20, &cause);
	if (CHECK(p != NULL)) {
		dump = pprof_dump(p);
		CHECK_STR_EQ(dump, main_dump);
		free(dump);
	}
	pprof_free(p);
	/* Only an empty member: an empty profile. */
	p = pb_parse_copy(z0, n0, 1 << 20, &cause);
	CHECK_NULL(p);
	CHECK_STR_EQ(cause, "t.pb: not a valid pprof profile: empty profile");
	pprof_free(p);
	free(cause);
	free(plain);
	free(z0);
	free(z1);
	free(cat);
}

/* Check ids far apart (the sorted map) resolve to the right entries. */
static void
test_sparse_ids(void)
{
	struct pprof_profile *p;
	struct pb *b = pb_new();
	uint64_t lid[40], fid[40];
	char *cause = NULL, *names[40];
	size_t i, k;
	int ok = 1;

	pb_type(b, "samples", "count");
	for (i = 0; i < 40; i++) {
		/* Distinct, large, in no order. */
		lid[i] = ((uint64_t)(i * 7 % 40) + 1) << 40 | (i * 13 % 40);
		fid[i] = ((uint64_t)1 << 63) + (uint64_t)(i * 11 % 40) *
		    0x9e3779b97f4aull + 1;
		names[i] = xasprintf("fn%02zu", i);
		pb_function(b, fid[i], names[i], names[i], "f.go", 0);
	}
	for (i = 0; i < 40; i++)
		pb_location(b, lid[i], i, I64S((int64_t)fid[39 - i],
		    (int64_t)i + 1));
	for (i = 0; i < 40; i++)
		pb_sample(b, (const uint64_t[]){ lid[(i * 3) % 40],
		    lid[(i * 3 + 1) % 40] }, 2, (const int64_t[]){ (int64_t)i },
		    1);
	/* And the mixed case: a small id among the large ones. */
	pb_function(b, 5, "small", "small", "s.go", 0);
	pb_location(b, 3, 0xabc, I64S(5, 9));
	pb_sample(b, U64S(3, 1ull << 40), I64S(77));
	p = pb_parse(b, &cause);
	if (!CHECK(p != NULL)) {
		unit_note("%s", cause);
		goto out;
	}
	CHECK_UINT_EQ(p->nlocations, 41);
	CHECK_UINT_EQ(p->nfunctions, 42);
	CHECK_UINT_EQ(p->nsamples, 41);
	for (i = 0; i < 40; i++) {
		/* Location i's line names function fid[39 - i]: index 40 - i. */
		if (p->locations[i].nlines != 1 ||
		    p->locations[i].address != i ||
		    p->lines[p->locations[i].first_line].function != 40 - i ||
		    p->lines[p->locations[i].first_line].line != (int64_t)i + 1)
			ok = 0;
		for (k = 0; k < 2; k++)
			if (p->sample_locs[p->samples[i].first_loc + k] !=
			    (i * 3 + k) % 40)
				ok = 0;
		if (p->values[i] != (int64_t)i)
			ok = 0;
	}
	CHECK(ok);
	CHECK_UINT_EQ(p->sample_locs[p->samples[40].first_loc], 40);
	/* 1 << 40 | 0 is lid[0]. */
	CHECK_UINT_EQ(p->sample_locs[p->samples[40].first_loc + 1], 0);
	CHECK_STR_EQ(p->functions[p->lines[p->locations[40].first_line]
	    .function].name, "small");
	CHECK_STR_EQ(p->functions[p->lines[p->locations[5].first_line]
	    .function].name, names[34]);
out:
	for (i = 0; i < 40; i++)
		free(names[i]);
	free(cause);
	pprof_free(p);
}

/* Check duplicate and zero ids are refused, dense or sparse. */
static void
test_bad_ids(void)
{
	struct pb *b;

	b = pb_main();
	b->locs[3].id = 20;
	pb_expect_fail(b, "duplicate location id 20");
	b = pb_main();
	b->fns[4].id = 3;
	pb_expect_fail(b, "duplicate function id 3");
	b = pb_main();
	b->locs[2].id = 1ull << 40;
	b->locs[4].id = 1ull << 40;
	pb_expect_fail(b, "duplicate location id 1099511627776");
	b = pb_main();
	b->fns[0].id = 1ull << 50;
	b->fns[3].id = 1ull << 50;
	pb_expect_fail(b, "duplicate function id 1125899906842624");
	b = pb_main();
	b->locs[1].id = 0;
	pb_expect_fail(b, "location 1 has id 0");
	b = pb_main();
	b->fns[2].id = 0;
	pb_expect_fail(b, "function 2 has id 0");
}

/* Check every string index is range-checked, naming the file. */
static void
test_bad_strings(void)
{
	struct pb *b;

	b = pb_main();
	b->fns[1].name = 14;
	pb_expect_fail(b, "a function names string 14 of a table of 14");
	b = pb_main();
	b->fns[1].filename = -1;
	pb_expect_fail(b, "a function names string -1");
	b = pb_main();
	b->fns[4].system_name = INT64_MAX;
	pb_expect_fail(b, "a function names string");
	b = pb_main();
	b->types[1].type = 1000;
	pb_expect_fail(b, "a sample type names string 1000");
	b = pb_main();
	b->types[0].unit = 14;
	pb_expect_fail(b, "a sample type names string 14");
	b = pb_main();
	b->msg.default_sample_type = 99;
	pb_expect_fail(b, "default_sample_type names string 99");
	b = pb_main();
	b->msg.default_sample_type = -5;
	pb_expect_fail(b, "default_sample_type names string -5");
	b = pb_main();
	b->period_type.unit = 14;
	pb_expect_fail(b, "the period type names string 14");
	b = pb_main();
	b->strings[0] = (char *)"x";
	pb_expect_fail(b, "string table does not start with the empty string");
	b = pb_main();
	b->msg.n_string_table = 0;
	pb_expect_fail(b, "string table does not start with the empty string");
}

/* Check references to missing things and malformed samples are refused. */
static void
test_bad_references(void)
{
	struct pb *b;

	b = pb_main();
	b->ids[7] = 999;
	pb_expect_fail(b, "sample 1 names missing location 999");
	b = pb_main();
	b->lines[3].function_id = 77;
	pb_expect_fail(b, "location 30 names missing function 77");
	b = pb_main();
	b->samples[2].n_value = 1;
	pb_expect_fail(b, "sample 2 has 1 values but the profile has 2 "
	    "sample types");
	b = pb_main();
	b->samples[5].n_value = 0;
	pb_expect_fail(b, "sample 5 has 0 values");
	b = pb_main();
	b->samples[0].n_value = 3;
	pb_expect_fail(b, "sample 0 has 3 values");
	b = pb_main();
	b->msg.n_sample_type = 0;
	pb_expect_fail(b, "profile has no sample types");
	/* No types and no samples is still no profile. */
	b = pb_main();
	b->msg.n_sample_type = 0;
	b->msg.n_sample = 0;
	pb_expect_fail(b, "profile has no sample types");
}

/* Check a line without a function and profiles without samples. */
static void
test_odd_but_valid(void)
{
	struct pprof_profile *p;
	struct pb *b;
	char *cause = NULL, *s;

	b = pb_main();
	/* Line 1 (main.inl:22) loses its function: a "no function" frame. */
	b->lines[1].function_id = 0;
	p = pb_parse(b, &cause);
	if (CHECK(p != NULL)) {
		CHECK_UINT_EQ(p->lines[1].function, 0);
		CHECK_INT_EQ(p->lines[1].line, 22);
		s = lines_text(p, 1, NULL, 0);
		/* It shares the unknown node, with its line dropped. */
		CHECK_STR_EQ(s,
		    "alloc_space/bytes total 207\n"
		    "main.leaf|main.go|12 100 100\n"
		    "main.rec|main.go|33 50 150\n"
		    "||0 30 130\n"
		    "runtime.main|runtime.go|250 -20 160\n"
		    "main.main|main.go|44 0 180\n"
		    "main.rec|main.go|35 0 150\n");
		free(s);
	}
	pprof_free(p);

	b = pb_main();
	b->msg.n_sample = 0;
	p = pb_parse(b, &cause);
	if (CHECK(p != NULL)) {
		CHECK_UINT_EQ(p->nsamples, 0);
		CHECK_UINT_EQ(p->nsample_locs, 0);
		s = lines_text(p, 0, NULL, 0);
		CHECK_STR_EQ(s, "alloc_objects/count total 0\n");
		free(s);
	}
	pprof_free(p);
	free(cause);
}

/* Append a varint. */
static void
put_varint(struct buf *b, uint64_t v)
{
	while (v >= 0x80) {
		buf_addc(b, (char)((v & 0x7f) | 0x80));
		v >>= 7;
	}
	buf_addc(b, (char)v);
}

/* Append a length-delimited field. */
static void
put_bytes(struct buf *b, unsigned field, const struct buf *payload)
{
	put_varint(b, (uint64_t)field << 3 | 2);
	put_varint(b, payload->len);
	buf_add(b, payload->data, payload->len);
}

/* Append a packed repeated varint field. */
static void
put_packed(struct buf *b, unsigned field, const uint64_t *v, size_t n)
{
	struct buf p = BUF_INIT;
	size_t i;

	for (i = 0; i < n; i++)
		put_varint(&p, v[i]);
	put_bytes(b, field, &p);
	buf_release(&p);
}

/* Append an unpacked repeated varint field: one key per element. */
static void
put_unpacked(struct buf *b, unsigned field, const uint64_t *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		put_varint(b, (uint64_t)field << 3);
		put_varint(b, v[i]);
	}
}

/*
 * Append pb_main()'s samples as top-level field 2, in one of three
 * encodings of their repeated fields: 0 packed, 1 unpacked, 2 a mix of
 * both, values before locations, locations split over several fields.
 */
static void
put_main_samples(struct buf *out, const struct pb *b, int how)
{
	const Perftools__Profiles__Sample *s;
	struct buf sample = BUF_INIT;
	uint64_t vals[8];
	size_t i, k, half;

	for (i = 0; i < b->msg.n_sample; i++) {
		s = b->samplev[i];
		for (k = 0; k < s->n_value; k++)
			vals[k] = (uint64_t)s->value[k];
		buf_reset(&sample);
		half = s->n_location_id / 2;
		switch (how) {
		case 0:
			put_packed(&sample, 1, s->location_id,
			    s->n_location_id);
			put_packed(&sample, 2, vals, s->n_value);
			break;
		case 1:
			put_unpacked(&sample, 1, s->location_id,
			    s->n_location_id);
			put_unpacked(&sample, 2, vals, s->n_value);
			break;
		default:
			put_unpacked(&sample, 2, vals, 1);
			put_packed(&sample, 1, s->location_id, half);
			/* A label (field 3) between, to be skipped. */
			buf_adds(&sample, "\x1a\x02\x08\x01");
			if (s->n_location_id > half)
				put_unpacked(&sample, 1,
				    s->location_id + half, 1);
			put_packed(&sample, 2, vals + 1, s->n_value - 1);
			if (s->n_location_id > half + 1)
				put_packed(&sample, 1, s->location_id +
				    half + 1, s->n_location_id - half - 1);
			break;
		}
		put_bytes(out, 2, &sample);
	}
	buf_release(&sample);
}

/* Check unpacked repeated fields in a sample decode as packed ones do. */
static void
test_unpacked_fields(void)
{
	struct pb *b = pb_main();
	struct pprof_profile *p;
	struct buf data = BUF_INIT;
	Perftools__Profiles__Sample **samples = b->msg.sample;
	size_t n_sample = b->msg.n_sample, len;
	char *cause = NULL, *dump;
	uint8_t *rest;
	int how;

	/* The tables from protobuf-c, the samples by hand. */
	b->msg.n_sample = 0;
	rest = pb_pack(b, &len);
	b->msg.n_sample = n_sample;
	b->msg.sample = samples;
	for (how = 0; how < 3; how++) {
		buf_reset(&data);
		put_main_samples(&data, b, how);
		buf_add(&data, rest, len);
		p = pb_parse_copy(data.data, data.len, 1 << 20, &cause);
		if (!CHECK(p != NULL)) {
			unit_note("encoding %d: %s", how, cause);
			continue;
		}
		dump = pprof_dump(p);
		if (!CHECK_STR_EQ(dump, main_dump))
			unit_note("encoding %d", how);
		free(dump);
		pprof_free(p);
	}
	/* A location id that runs past its packed field. */
	buf_reset(&data);
	buf_add(&data, rest, len);
	buf_adds(&data, "\x12\x05\x0a\x01\x8a\x10\x01");
	p = pb_parse_copy(data.data, data.len, 1 << 20, &cause);
	CHECK_NULL(p);
	CHECK_STR_CONTAINS(cause, "truncated packed field in a sample");
	/* Fixed32 where the schema says varint. */
	buf_reset(&data);
	buf_add(&data, rest, len);
	buf_add(&data, "\x12\x05\x0d\x0a\x00\x00\x00", 7);
	p = pb_parse_copy(data.data, data.len, 1 << 20, &cause);
	CHECK_NULL(p);
	CHECK_STR_CONTAINS(cause, "sample field 1 has wire type 5");
	free(cause);
	free(rest);
	free(b);
	buf_release(&data);
}

/* Check empty input, and unknown fields and mappings are skipped. */
static void
test_empty_and_unknown(void)
{
	struct pprof_profile *p;
	struct buf data = BUF_INIT;
	struct pb *b = pb_main();
	uint8_t *plain;
	size_t len;
	char *cause = NULL, *dump;

	p = pprof_parse("", 0, "empty.pb", 1 << 20, &cause);
	CHECK_NULL(p);
	CHECK_STR_EQ(cause, "empty.pb: not a valid pprof profile: empty "
	    "profile");
	plain = pb_pack(b, &len);
	free(b);
	/* A mapping (3), a comment (13), a fixed64 (99) and a fixed32. */
	buf_adds(&data, "\x1a\x04\x08\x01\x10\x02");
	buf_add(&data, plain, len);
	buf_add(&data, "\x68\x05\x99\x06\x01\x02\x03\x04\x05\x06\x07\x08"
	    "\xa5\x06\x01\x02\x03\x04", 18);
	p = pb_parse_copy(data.data, data.len, 1 << 20, &cause);
	if (CHECK(p != NULL)) {
		dump = pprof_dump(p);
		CHECK_STR_EQ(dump, main_dump);
		free(dump);
	} else {
		unit_note("%s", cause);
	}
	pprof_free(p);
	/* Groups (wire types 3 and 4) are not protobuf 3. */
	buf_reset(&data);
	buf_add(&data, plain, len);
	buf_adds(&data, "\x7b");
	p = pb_parse_copy(data.data, data.len, 1 << 20, &cause);
	CHECK_NULL(p);
	CHECK_STR_CONTAINS(cause, "invalid wire type 3 in field 15");
	/* Field number 0. */
	buf_reset(&data);
	buf_add(&data, plain, len);
	buf_add(&data, "\x00\x01", 2);
	p = pb_parse_copy(data.data, data.len, 1 << 20, &cause);
	CHECK_NULL(p);
	CHECK_STR_CONTAINS(cause, "invalid field number 0");
	/* A malformed location message. */
	buf_reset(&data);
	buf_add(&data, plain, len);
	buf_adds(&data, "\x22\x02\x08\xff");
	p = pb_parse_copy(data.data, data.len, 1 << 20, &cause);
	CHECK_NULL(p);
	CHECK_STR_CONTAINS(cause, "malformed message in field 4");
	/* An 11-byte varint. */
	buf_reset(&data);
	buf_add(&data, plain, len);
	buf_add(&data, "\x48\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 12);
	p = pb_parse_copy(data.data, data.len, 1 << 20, &cause);
	CHECK_NULL(p);
	CHECK_STR_CONTAINS(cause, "truncated varint in field 9");
	free(cause);
	free(plain);
	buf_release(&data);
}

/* A xorshift generator, for garbage that is the same on every run. */
static uint64_t
rnd(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *state = x;
}

/* Run lines_compute() on every type of p and check the entries. */
static int
lines_sane(const struct pprof_profile *p)
{
	struct lines_report r;
	size_t t, i;
	int ok = 1;

	for (t = 0; t < p->ntypes; t++) {
		lines_compute(p, (int)t, NULL, 0, &r);
		for (i = 0; i < r.n; i++)
			if (r.entries[i].function == NULL ||
			    r.entries[i].file == NULL ||
			    (r.entries[i].flat == 0 && r.entries[i].cum == 0))
				ok = 0;
		lines_release(&r);
	}
	return ok;
}

/* Check random bytes, plain and behind a gzip magic, fail cleanly. */
static void
test_garbage(void)
{
	struct pprof_profile *p;
	static const char prefix[] = "t.pb: not a valid pprof profile: ";
	uint64_t state = 0x9e3779b97f4a7c15ull;
	uint8_t data[512];
	size_t i, k, len, failed = 0, clean = 0;
	char *cause = NULL;

	for (i = 0; i < 3000; i++) {
		len = (size_t)(rnd(&state) % sizeof data);
		for (k = 0; k < len; k++)
			data[k] = (uint8_t)rnd(&state);
		if (i % 3 == 0 && len >= 2) {
			data[0] = 0x1f;
			data[1] = 0x8b;
		}
		free(cause);
		cause = NULL;
		p = pb_parse_copy(data, len, 1 << 16, &cause);
		if (p == NULL) {
			failed++;
			if (cause != NULL && strncmp(cause, prefix,
			    sizeof prefix - 1) == 0 &&
			    cause[sizeof prefix - 1] != '\0')
				clean++;
		} else if (lines_sane(p)) {
			clean++;
		}
		pprof_free(p);
	}
	free(cause);
	CHECK_UINT_EQ(clean, 3000);
	CHECK(failed >= 2990);
}

/* Check every prefix of a packed profile parses or fails cleanly. */
static void
test_truncated_plain(void)
{
	struct pprof_profile *p;
	struct pb *b = pb_main();
	uint8_t *plain;
	size_t len, k, failed = 0, clean = 0;
	char *cause = NULL;

	plain = pb_pack(b, &len);
	free(b);
	for (k = 0; k < len; k++) {
		free(cause);
		cause = NULL;
		p = pb_parse_copy(plain, k, 1 << 20, &cause);
		if (p == NULL) {
			failed++;
			if (cause != NULL && strstr(cause, "t.pb: not a valid "
			    "pprof profile: ") == cause)
				clean++;
			else
				unit_note("prefix %zu: %s", k, cause);
		} else {
			/*
			 * Only the trailing scalars (time, period...) come
			 * after the string table: what parses has every
			 * sample.
			 */
			if (p->nsamples == 6 && p->nlocations == 6 &&
			    lines_sane(p))
				clean++;
			else
				unit_note("prefix %zu parsed short", k);
		}
		pprof_free(p);
	}
	free(cause);
	CHECK_UINT_EQ(clean, len);
	CHECK(failed * 10 >= len * 9);
	free(plain);
}

/* Check every prefix of a gzip profile is "truncated gzip data". */
static void
test_truncated_gzip(void)
{
	struct pprof_profile *p;
	struct pb *b = pb_main();
	uint8_t *plain, *z;
	size_t len, n, k, bad = 0;
	char *cause = NULL;

	plain = pb_pack(b, &len);
	free(b);
	z = gz(plain, len, 9, &n);
	for (k = 2; k < n; k++) {
		p = pb_parse_copy(z, k, 1 << 20, &cause);
		if (p != NULL || cause == NULL || strcmp(cause, "t.pb: not a "
		    "valid pprof profile: truncated gzip data") != 0) {
			if (bad++ < 5)
				unit_note("prefix %zu of %zu: %s", k, n,
				    p != NULL ? "parsed" : cause);
		}
		pprof_free(p);
	}
	CHECK_UINT_EQ(bad, 0);
	free(cause);
	free(plain);
	free(z);
}

/* Check damage to the deflate stream or trailer is "corrupt gzip data". */
static void
test_corrupt_gzip(void)
{
	struct pprof_profile *p;
	struct pb *b = pb_main();
	uint8_t *plain, *z;
	size_t len, n, k, corrupt = 0, truncated = 0, other = 0;
	char *cause = NULL;
	uint8_t orig;

	plain = pb_pack(b, &len);
	free(b);
	z = gz(plain, len, 9, &n);
	/* A reserved block type in the first block: corrupt at once. */
	orig = z[10];
	z[10] |= 0x06;
	p = pb_parse_copy(z, n, 1 << 20, &cause);
	CHECK_NULL(p);
	CHECK_STR_CONTAINS(cause, "t.pb: not a valid pprof profile: corrupt "
	    "gzip data: invalid block type");
	z[10] = orig;
	/* The CRC and the length in the trailer. */
	z[n - 8] ^= 1;
	p = pb_parse_copy(z, n, 1 << 20, &cause);
	CHECK_NULL(p);
	CHECK_STR_CONTAINS(cause, "corrupt gzip data: incorrect data check");
	z[n - 8] ^= 1;
	z[n - 2] ^= 1;
	p = pb_parse_copy(z, n, 1 << 20, &cause);
	CHECK_NULL(p);
	CHECK_STR_CONTAINS(cause, "corrupt gzip data: incorrect length check");
	z[n - 2] ^= 1;
	/* Every byte flipped in turn: never parsed, never a crash. */
	for (k = 10; k < n; k++) {
		z[k] ^= 0xff;
		p = pb_parse_copy(z, n, 1 << 20, &cause);
		z[k] ^= 0xff;
		if (p != NULL)
			other++;
		else if (strstr(cause, "corrupt gzip data") != NULL)
			corrupt++;
		else if (strstr(cause, "truncated gzip data") != NULL)
			truncated++;
		else
			other++;
		pprof_free(p);
	}
	CHECK_UINT_EQ(other, 0);
	CHECK(corrupt > truncated);
	/* Trailing garbage after the member. */
	z = xrealloc(z, n + 4);
	memcpy(z + n, "junk", 4);
	p = pb_parse_copy(z, n + 4, 1 << 20, &cause);
	CHECK_NULL(p);
	CHECK_STR_CONTAINS(cause, "corrupt gzip data");
	free(cause);
	free(plain);
	free(z);
}

/* Check a gzip bomb stops at the limit, and the limit's exact edge. */
static void
test_size_limits(void)
{
	struct pprof_profile *p;
	struct pb *b = pb_main();
	uint8_t *zeros, *bomb, *plain, *z;
	size_t bomb_len, len, n, i;
	char *cause = NULL;
	z_stream zs;

	/* 20 MB of zeros, deflated a megabyte at a time. */
	zeros = xcalloc(1, 1 << 20);
	bomb = xmalloc(1 << 20);
	memset(&zs, 0, sizeof zs);
	if (deflateInit2(&zs, 9, Z_DEFLATED, 15 + 16, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK)
		abort();
	zs.next_out = bomb;
	zs.avail_out = 1 << 20;
	for (i = 0; i < 20; i++) {
		zs.next_in = zeros;
		zs.avail_in = 1 << 20;
		deflate(&zs, i == 19 ? Z_FINISH : Z_NO_FLUSH);
	}
	bomb_len = zs.total_out;
	deflateEnd(&zs);
	CHECK(bomb_len < 100000);
	p = pb_parse_copy(bomb, bomb_len, 1 << 20, &cause);
	CHECK_NULL(p);
	CHECK_STR_EQ(cause, "t.pb: not a valid pprof profile: decompressed "
	    "size exceeds the limit of 1048576 bytes (maxProfileBytes)");
	free(zeros);
	free(bomb);

	plain = pb_pack(b, &len);
	free(b);
	p = pb_parse_copy(plain, len, len - 1, &cause);
	CHECK_NULL(p);
	CHECK_STR_CONTAINS(cause, "t.pb: not a valid pprof profile: ");
	CHECK_STR_CONTAINS(cause, "exceeds the limit");
	p = pb_parse_copy(plain, len, len, &cause);
	CHECK(p != NULL);
	pprof_free(p);
	z = gz(plain, len, 9, &n);
	p = pb_parse_copy(z, n, len - 1, &cause);
	CHECK_NULL(p);
	CHECK_STR_CONTAINS(cause, "exceeds the limit");
	p = pb_parse_copy(z, n, len, &cause);
	CHECK(p != NULL);
	pprof_free(p);
	free(cause);
	free(plain);
	free(z);
}

/* Write n bytes to path; return 0 or -1. */
static int
write_file(const char *path, const void *data, size_t n)
{
	FILE *f = fopen(path, "wb");
	int r;

	if (f == NULL)
		return -1;
	r = fwrite(data, 1, n, f) == n ? 0 : -1;
	if (fclose(f) != 0)
		r = -1;
	return r;
}

/* Check pprof_load(): a file, a missing one, a directory, a large one. */
static void
test_load(void)
{
	struct pprof_profile *p;
	struct pb *b = pb_main();
	char *dir = xstrdup("/tmp/heaplens-unit-XXXXXX");
	char *path = NULL, *missing = NULL, *cause = NULL, *dump, *want;
	uint8_t *plain, *z;
	size_t len, n;

	plain = pb_pack(b, &len);
	free(b);
	z = gz(plain, len, 9, &n);
	if (!CHECK(mkdtemp(dir) != NULL))
		goto out;
	path = xasprintf("%s/heap.pb.gz", dir);
	missing = xasprintf("%s/missing.pb.gz", dir);
	if (!CHECK(write_file(path, z, n) == 0))
		goto out;

	p = pprof_load(path, 1 << 20, &cause);
	if (CHECK(p != NULL)) {
		dump = pprof_dump(p);
		want = xasprintf("name %s\n%s", path, main_dump +
		    strlen("name t.pb\n"));
		CHECK_STR_EQ(dump, want);
		free(dump);
		free(want);
	}
	pprof_free(p);

	p = pprof_load(missing, 1 << 20, &cause);
	CHECK_NULL(p);
	want = xasprintf("%s: %s", missing, strerror(ENOENT));
	CHECK_STR_EQ(cause, want);
	free(want);

	p = pprof_load(dir, 1 << 20, &cause);
	CHECK_NULL(p);
	want = xasprintf("%s: not a regular file", dir);
	CHECK_STR_EQ(cause, want);
	free(want);

	/* The file itself is over the limit. */
	p = pprof_load(path, n - 1, &cause);
	CHECK_NULL(p);
	CHECK_STR_CONTAINS(cause, path);
	CHECK_STR_CONTAINS(cause, "exceeds the limit of");
	/* The file fits, what it inflates to does not. */
	CHECK(n < len);
	p = pprof_load(path, n, &cause);
	CHECK_NULL(p);
	CHECK_STR_CONTAINS(cause, path);
	CHECK_STR_CONTAINS(cause, "decompressed size exceeds the limit");

	/* A corrupt file names itself. */
	if (CHECK(write_file(path, z, n / 2) == 0)) {
		p = pprof_load(path, 1 << 20, &cause);
		CHECK_NULL(p);
		want = xasprintf("%s: not a valid pprof profile: truncated "
		    "gzip data", path);
		CHECK_STR_EQ(cause, want);
		free(want);
	}
	unlink(path);
out:
	rmdir(dir);
	free(dir);
	free(path);
	free(missing);
	free(cause);
	free(plain);
	free(z);
}

/*
 * Check file names are cleaned as pprof's filepath.Clean cleans them, so
 * that "./dir//main.go" and "dir/main.go" are one line, as in
 * `go tool pprof -lines`.
 */
static void
test_lines_clean_paths(void)
{
	struct pprof_profile *p;
	struct pb *b = pb_new();
	char *cause = NULL, *s;

	pb_type(b, "samples", "count");
	pb_function(b, 1, "main.f", "main.f", "./dir//main.go", 0);
	pb_function(b, 2, "main.f", "main.f", "dir/main.go", 0);
	pb_location(b, 1, 0, I64S(1, 7));
	pb_location(b, 2, 0, I64S(2, 7));
	pb_sample(b, U64S(1), I64S(1));
	pb_sample(b, U64S(2), I64S(2));
	p = pb_parse(b, &cause);
	if (!CHECK(p != NULL))
		goto out;
	s = lines_text(p, 0, NULL, 0);
	CHECK_STR_EQ(s, "samples/count total 3\nmain.f|dir/main.go|7 3 3\n");
	free(s);
out:
	free(cause);
	pprof_free(p);
}

/* Print paths: "value: function:line ..." per path, root first. */
static char *
paths_text(const struct pprof_profile *p, const struct lines_path *paths,
    size_t n)
{
	struct buf out = BUF_INIT;
	size_t i, k;

	for (i = 0; i < n; i++) {
		buf_addf(&out, "%lld:", (long long)paths[i].value);
		for (k = 0; k < paths[i].nframes; k++)
			buf_addf(&out, " %s:%lld",
			    p->functions[paths[i].frames[k]->function].name,
			    (long long)paths[i].frames[k]->line);
		buf_addc(&out, '\n');
	}
	return buf_detach(&out, NULL);
}

/* Check lines_paths() on pb_main(): recursion, inlining, zero values. */
static void
test_lines_paths(void)
{
	struct lines_path paths[4];
	struct pprof_profile *p;
	char *cause = NULL, *s;
	size_t n;

	p = pb_parse(pb_main(), &cause);
	if (!CHECK(p != NULL)) {
		free(cause);
		return;
	}
	/* Each path stops at the outermost frame on main.go:33. */
	n = lines_paths(p, 1, "main.go", 33, paths, 4);
	s = paths_text(p, paths, n);
	CHECK_STR_EQ(s,
	    "100: runtime.main:250 main.main:44 main.rec:35 main.rec:35 "
	    "main.rec:33\n"
	    "50: runtime.main:250 main.main:44 main.rec:33\n");
	free(s);
	lines_paths_release(paths, n);
	n = lines_paths(p, 0, "main.go", 33, paths, 4);
	s = paths_text(p, paths, n);
	CHECK_STR_EQ(s,
	    "2: runtime.main:250 main.main:44 main.rec:33\n"
	    "1: runtime.main:250 main.main:44 main.rec:35 main.rec:35 "
	    "main.rec:33\n");
	free(s);
	lines_paths_release(paths, n);
	/* Inlined frames in order; the zero sample through leaf:12 skipped. */
	n = lines_paths(p, 1, "main.go", 12, paths, 1);
	s = paths_text(p, paths, n);
	CHECK_STR_EQ(s,
	    "100: runtime.main:250 main.main:44 main.rec:35 main.rec:35 "
	    "main.rec:33 main.inl:22 main.leaf:12\n");
	free(s);
	lines_paths_release(paths, n);
	pprof_free(p);
}

/*
 * Check lines_paths() for a line no sample reaches: nothing, and no
 * qsort(NULL, 0) (only a SANITIZE=undefined build can fail this).
 */
static void
test_lines_paths_none(void)
{
	struct lines_path paths[4];
	struct pprof_profile *p;
	char *cause = NULL;

	p = pb_parse(pb_main(), &cause);
	if (!CHECK(p != NULL)) {
		free(cause);
		return;
	}
	CHECK_UINT_EQ(lines_paths(p, 1, "nowhere.go", 1, paths, 4), 0);
	CHECK_UINT_EQ(lines_paths(p, 1, "main.go", 12, paths, 0), 0);
	pprof_free(p);
}

/*
 * Check values at the ends of int64 are summed without undefined
 * behaviour (only a SANITIZE=undefined build can fail this): pprof's Go
 * wraps, so the expected figures are the wrapped ones. Last in the table,
 * because a sanitizer stops the run here.
 */
static void
test_lines_extreme_values(void)
{
	struct pprof_profile *p;
	struct pb *b = pb_new();
	char *cause = NULL, *s;

	pb_type(b, "samples", "count");
	pb_function(b, 1, "f", "f", "f.go", 0);
	pb_location(b, 1, 0, I64S(1, 1));
	pb_sample(b, U64S(1), I64S(INT64_MAX));
	pb_sample(b, U64S(1), I64S(INT64_MAX));
	pb_sample(b, U64S(1), I64S(INT64_MIN));
	p = pb_parse(b, &cause);
	if (!CHECK(p != NULL))
		goto out;
	/* MAX + MAX + MIN wraps to MAX - 1; so does MAX + MAX + |MIN|. */
	s = lines_text(p, 0, NULL, 0);
	CHECK_STR_EQ(s, "samples/count total 9223372036854775806\n"
	    "f|f.go|1 9223372036854775806 9223372036854775806\n");
	free(s);
out:
	free(cause);
	pprof_free(p);
}

const struct unit_test pprof_tests[] = {
	{ "decode every field", test_decode_fields },
	{ "flat and cum per line", test_lines_main },
	{ "diff against a base", test_lines_diff },
	{ "diff across sample types", test_lines_diff_types },
	{ "default sample type", test_default_type },
	{ "default sample type named twice", test_default_type_duplicate },
	{ "sample index by name or number", test_sample_index },
	{ "gzip and plain decode alike", test_gzip_plain },
	{ "empty gzip members", test_gzip_empty_members },
	{ "sparse ids", test_sparse_ids },
	{ "duplicate and zero ids refused", test_bad_ids },
	{ "string indices checked", test_bad_strings },
	{ "missing references refused", test_bad_references },
	{ "odd but valid profiles", test_odd_but_valid },
	{ "unpacked repeated fields", test_unpacked_fields },
	{ "empty input and unknown fields", test_empty_and_unknown },
	{ "random garbage", test_garbage },
	{ "every prefix of a plain profile", test_truncated_plain },
	{ "every prefix of a gzip profile", test_truncated_gzip },
	{ "corrupt gzip data", test_corrupt_gzip },
	{ "size limits and a gzip bomb", test_size_limits },
	{ "pprof_load", test_load },
	{ "file names cleaned as pprof does", test_lines_clean_paths },
	{ "call paths into a line", test_lines_paths },
	{ "call paths into a line nothing reaches", test_lines_paths_none },
	{ "extreme values do not overflow", test_lines_extreme_values },
	{ NULL, NULL }
};
