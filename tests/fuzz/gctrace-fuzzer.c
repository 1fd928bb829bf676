/*
 * gctrace-fuzzer.c - libFuzzer target for the GC-trace reader: the input
 * goes through gctrace_parse() and every summary is checked against the
 * invariants of gctrace.h; each line also goes through
 * gctrace_parse_line() on its own, and must agree.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analyzers/gctrace.h"
#include "protocol/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Check a value the summary hands out: finite. */
static void
gctrace_fuzz_finite(double v)
{
	if (!isfinite(v))
		abort();
}

/* Check the trend against its rule. */
static void
gctrace_fuzz_trend(const struct gctrace_summary *s)
{
	const struct gctrace_trend *t = &s->trend;

	if (t->first > t->end || t->end > s->n || t->cycles !=
	    t->end - t->first || (s->n > 0 && t->end == t->first))
		abort();
	if (t->first > s->n / 2)
		abort();
	gctrace_fuzz_finite(t->mb_per_min);
	gctrace_fuzz_finite(t->r2);
	gctrace_fuzz_finite(t->rise_mb);
	gctrace_fuzz_finite(t->late_rise_mb);
	gctrace_fuzz_finite(t->mean_mb);
	if (t->r2 < 0 || t->r2 > 1 || t->min_mb > t->max_mb)
		abort();
	if (memchr(t->reason, '\0', sizeof t->reason) == NULL ||
	    t->reason[0] == '\0')
		abort();
	if (t->verdict == GCTRACE_GROWING && (t->cycles < GCTRACE_MIN_CYCLES ||
	    t->r2 < GCTRACE_MIN_R2 || t->mb_per_min <= 0 ||
	    t->rise_mb < GCTRACE_MIN_RISE_MB ||
	    t->late_rise_mb < GCTRACE_MIN_LATE_RISE_MB))
		abort();
	if (strcmp(gctrace_verdict_name(t->verdict), t->verdict ==
	    GCTRACE_GROWING ? "growing" : "steady") != 0)
		abort();
}

/* Check a summary: counts, order, percentiles, finite figures. */
static void
gctrace_fuzz_check(const struct gctrace_summary *s, size_t lines)
{
	size_t i, forced = 0;
	uint64_t max = 0;

	if (s->n == 0 || s->cycles == NULL ||
	    s->n + s->earlier + s->skipped + s->other + (size_t)s->partial !=
	    lines)
		abort();
	for (i = 0; i < s->n; i++) {
		if (i > 0 && s->cycles[i].n <= s->cycles[i - 1].n)
			abort();
		if (s->cycles[i].pause_ms < 0 || s->cycles[i].at_s < 0 ||
		    (s->cycles[i].stacks_mb < 0) !=
		    (s->cycles[i].globals_mb < 0))
			abort();
		gctrace_fuzz_finite(s->cycles[i].pause_ms);
		forced += s->cycles[i].forced != 0;
		if (s->cycles[i].live_mb > max)
			max = s->cycles[i].live_mb;
	}
	if (forced != s->forced || max != s->live_max_mb ||
	    s->live_first_mb != s->cycles[0].live_mb ||
	    s->live_last_mb != s->cycles[s->n - 1].live_mb)
		abort();
	gctrace_fuzz_finite(s->pause_total_ms);
	gctrace_fuzz_finite(s->span_s);
	gctrace_fuzz_finite(s->gc_per_min);
	if (!(s->pause_p50_ms <= s->pause_p95_ms &&
	    s->pause_p95_ms <= s->pause_p99_ms &&
	    s->pause_p99_ms <= s->pause_max_ms) || s->span_s < 0 ||
	    s->gc_per_min < 0)
		abort();
	gctrace_fuzz_trend(s);
}

/* Run one input. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size, *nl;
	struct gctrace_summary s;
	struct gctrace_cycle c;
	char *copy, *cause = NULL;
	size_t lines = 0, good = 0, n;

	/* Each line on its own, in a buffer exactly its size. */
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		copy = xmalloc(n + 1);
		memcpy(copy, p, n);
		switch (gctrace_parse_line(copy, n, &c)) {
		case 1:
			good++;
			if (c.pause_ms != c.clock_ms[0] + c.clock_ms[2])
				abort();
			break;
		case 0:
		case -1:
			break;
		default:
			abort();
		}
		free(copy);
		lines++;
		p += n + (nl != NULL);
	}
	if (gctrace_parse("fuzz", (const char *)data, size, &s, &cause) == 0) {
		if (cause != NULL)
			abort();
		gctrace_fuzz_check(&s, lines);
		if (s.n + s.earlier != good)
			abort();
		gctrace_release(&s);
		if (s.cycles != NULL || s.n != 0)
			abort();
		return 0;
	}
	if (cause == NULL || strncmp(cause, "fuzz: no GODEBUG=gctrace=1 lines",
	    32) != 0 || good != 0 || s.cycles != NULL || s.n != 0)
		abort();
	free(cause);
	return 0;
}
