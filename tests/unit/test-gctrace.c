/*
 * test-gctrace.c - the GC-trace reader on every sample (its numbers checked
 * against the file read here on its own), one line of each historic
 * format, hostile lines, and the verdict rule on synthetic traces.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzers/gctrace.h"
#include "unit.h"

#define GCTRACE_TEST_MAX (64u << 20)

/* A Go 1.19 line, as in samples/artefacts. */
static const char gctrace_test_119[] = "gc 1 @0.004s 4%: 0.028+0.77+0.091 "
    "ms clock, 0.056+0.085/0.16/0.29+0.18 ms cpu, 3->3->2 MB, 4 MB goal, "
    "0 MB stacks, 0 MB globals, 2 P";

/* What each sample's trace must be judged, with the live heap it names. */
static const struct {
	const char *name;
	enum gctrace_verdict verdict;
} gctrace_test_samples[] = {
	{ "bodyleak", GCTRACE_GROWING },
	{ "cacheleak", GCTRACE_GROWING },
	{ "cancelleak", GCTRACE_GROWING },
	{ "deferloop", GCTRACE_STEADY },
	{ "escapes", GCTRACE_STEADY },
	{ "goroutineleak", GCTRACE_STEADY },
	{ "service", GCTRACE_GROWING },
	{ "tickerleak", GCTRACE_GROWING },
};

/* Parse text; 1 when it parsed (the test fails otherwise). */
static int
gctrace_test_parse(const char *text, struct gctrace_summary *s)
{
	char *cause = NULL;

	if (gctrace_parse("t.log", text, strlen(text), s, &cause) == 0)
		return 1;
	unit_note("cause: %s", cause);
	free(cause);
	CHECK(0);
	return 0;
}

/*
 * The facts of one trace read here with sscanf, independently of the
 * reader: cycles, forced, first/last/max live heap, pause total and max,
 * the last line's CPU share.
 */
struct gctrace_test_facts {
	size_t cycles, forced;
	unsigned long first_live, last_live, max_live, cpu;
	double pause_total, pause_max, first_s, last_s;
};

static int
gctrace_test_facts(const char *path, struct gctrace_test_facts *f)
{
	FILE *fp = fopen(path, "r");
	char line[1024];
	unsigned long n, pct, h0, h1, h2;
	double at, a, b, c;
	const char *mb;

	memset(f, 0, sizeof *f);
	if (fp == NULL)
		return 0;
	while (fgets(line, sizeof line, fp) != NULL) {
		if (sscanf(line, "gc %lu @%lfs %lu%%: %lf+%lf+%lf ms clock", &n,
		    &at, &pct, &a, &b, &c) != 6)
			continue;
		mb = strstr(line, " ms cpu, ");
		if (mb == NULL || sscanf(mb, " ms cpu, %lu->%lu->%lu MB", &h0,
		    &h1, &h2) != 3)
			continue;
		if (f->cycles == 0) {
			f->first_live = h2;
			f->first_s = at;
		}
		f->cycles++;
		f->last_live = h2;
		f->last_s = at;
		f->cpu = pct;
		if (h2 > f->max_live)
			f->max_live = h2;
		f->pause_total += a + c;
		if (a + c > f->pause_max)
			f->pause_max = a + c;
		f->forced += strstr(line, " (forced)") != NULL;
	}
	fclose(fp);
	return 1;
}

/* Every sample: its numbers are the file's, its verdict the right one. */
static void
test_samples(void)
{
	struct gctrace_test_facts f;
	struct gctrace_summary s;
	char *path, *cause = NULL;
	size_t i, k;

	for (i = 0; i < ARRAY_SIZE(gctrace_test_samples); i++) {
		path = xasprintf("samples/artefacts/%s/gctrace.log",
		    gctrace_test_samples[i].name);
		unit_note("%s", path);
		if (!CHECK(gctrace_test_facts(path, &f)) ||
		    !CHECK(gctrace_load(path, GCTRACE_TEST_MAX, &s, &cause) ==
		    0)) {
			unit_note("cause: %s", cause);
			free(cause);
			free(path);
			continue;
		}
		CHECK(f.cycles >= 18);
		CHECK_UINT_EQ(s.n, f.cycles);
		CHECK_UINT_EQ(s.forced, f.forced);
		CHECK_UINT_EQ(s.skipped, 0);
		CHECK_UINT_EQ(s.other, 0);
		CHECK_INT_EQ(s.partial, 0);
		CHECK_UINT_EQ(s.live_first_mb, f.first_live);
		CHECK_UINT_EQ(s.live_last_mb, f.last_live);
		CHECK_UINT_EQ(s.live_max_mb, f.max_live);
		CHECK_UINT_EQ(s.gc_cpu_percent, f.cpu);
		CHECK(fabs(s.pause_total_ms - f.pause_total) < 1e-9);
		CHECK(fabs(s.pause_max_ms - f.pause_max) < 1e-9);
		CHECK_DBL_EQ(s.first_s, f.first_s);
		CHECK_DBL_EQ(s.last_s, f.last_s);
		CHECK(fabs(s.span_s - (f.last_s - f.first_s)) < 1e-9);
		CHECK(s.pause_p50_ms <= s.pause_p95_ms &&
		    s.pause_p95_ms <= s.pause_p99_ms &&
		    s.pause_p99_ms <= s.pause_max_ms);
		for (k = 1; k < s.n; k++)
			CHECK(s.cycles[k].n == s.cycles[k - 1].n + 1);
		CHECK_INT_EQ(s.cycles[0].stacks_mb, 0);
		CHECK_UINT_EQ(s.cycles[0].procs, 2);
		CHECK_STR_EQ(gctrace_verdict_name(s.trend.verdict),
		    gctrace_verdict_name(gctrace_test_samples[i].verdict));
		if (s.trend.verdict == GCTRACE_GROWING) {
			CHECK_STR_CONTAINS(s.trend.reason, "live heap grew from");
			CHECK(s.trend.mb_per_min > 0 && s.trend.r2 >= 0.5);
		}
		unit_note("reason: %s", s.trend.reason);
		gctrace_release(&s);
		free(path);
	}
}

/* The live heap each sample's README entry names. */
static void
test_sample_facts(void)
{
	static const struct {
		const char *name;
		unsigned long first, last;
	} want[] = {
		{ "cacheleak", 2, 42 },
		{ "bodyleak", 3, 7 },
		{ "tickerleak", 1, 20 },
		{ "service", 2, 6 },
	};
	struct gctrace_summary s;
	char *path, *cause = NULL;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(want); i++) {
		path = xasprintf("samples/artefacts/%s/gctrace.log",
		    want[i].name);
		if (CHECK(gctrace_load(path, GCTRACE_TEST_MAX, &s, &cause) ==
		    0)) {
			unit_note("%s: %s", path, s.trend.reason);
			CHECK_UINT_EQ(s.trend.first_mb, want[i].first);
			CHECK_UINT_EQ(s.trend.last_mb, want[i].last);
			gctrace_release(&s);
		}
		free(cause);
		cause = NULL;
		free(path);
	}
	/* escapes: warm-up (2, 3, 4, 6 MB) and the final forced cycles
	   are left out, the rest is 8 MB flat. */
	if (CHECK(gctrace_load("samples/artefacts/escapes/gctrace.log",
	    GCTRACE_TEST_MAX, &s, &cause) == 0)) {
		CHECK_UINT_EQ(s.trend.min_mb, 8);
		CHECK_UINT_EQ(s.trend.max_mb, 8);
		CHECK_UINT_EQ(s.trend.end, s.n - 2);
		CHECK_STR_CONTAINS(s.trend.reason, "flat at 8 MB");
		gctrace_release(&s);
	}
	free(cause);
}

/* One line of each format since Go 1.10. */
static void
test_formats(void)
{
	struct gctrace_cycle c;
	/* Go 1.10-1.17: no stacks, no globals. */
	const char *old = "gc 12 @3.456s 2%: 0.010+1.2+0.005 ms clock, "
	    "0.040+0.30/2.1/4.0+0.020 ms cpu, 10->11->5 MB, 11 MB goal, 4 P";
	/* Times of 10 ms and more are whole milliseconds. */
	const char *slow = "gc 7 @120.000s 15%: 12+340+1.5 ms clock, "
	    "48+10/600/0+6.0 ms cpu, 2048->2100->1024 MB, 2048 MB goal, "
	    "1 MB stacks, 3 MB globals, 64 P (forced)";
	const char *zero = "gc 1 @0.000s 0%: 0+0+0 ms clock, 0+0/0/0+0 ms "
	    "cpu, 0->0->0 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 1 P";

	if (CHECK_INT_EQ(gctrace_parse_line(old, strlen(old), &c), 1)) {
		CHECK_UINT_EQ(c.n, 12);
		CHECK_DBL_EQ(c.at_s, 3.456);
		CHECK_UINT_EQ(c.cpu_percent, 2);
		CHECK_DBL_EQ(c.clock_ms[1], 1.2);
		CHECK(fabs(c.pause_ms - 0.015) < 1e-12);
		CHECK_DBL_EQ(c.cpu_ms[2], 2.1);
		CHECK_UINT_EQ(c.heap_start_mb, 10);
		CHECK_UINT_EQ(c.heap_end_mb, 11);
		CHECK_UINT_EQ(c.live_mb, 5);
		CHECK_UINT_EQ(c.goal_mb, 11);
		CHECK_INT_EQ(c.stacks_mb, -1);
		CHECK_INT_EQ(c.globals_mb, -1);
		CHECK_UINT_EQ(c.procs, 4);
		CHECK_INT_EQ(c.forced, 0);
	}
	if (CHECK_INT_EQ(gctrace_parse_line(slow, strlen(slow), &c), 1)) {
		CHECK_DBL_EQ(c.pause_ms, 13.5);
		CHECK_INT_EQ(c.stacks_mb, 1);
		CHECK_INT_EQ(c.globals_mb, 3);
		CHECK_UINT_EQ(c.procs, 64);
		CHECK_INT_EQ(c.forced, 1);
		CHECK_UINT_EQ(c.live_mb, 1024);
	}
	if (CHECK_INT_EQ(gctrace_parse_line(zero, strlen(zero), &c), 1))
		CHECK_DBL_EQ(c.pause_ms, 0);
	if (CHECK_INT_EQ(gctrace_parse_line(gctrace_test_119,
	    strlen(gctrace_test_119), &c), 1)) {
		CHECK_DBL_EQ(c.clock_ms[0], 0.028);
		CHECK_DBL_EQ(c.clock_ms[2], 0.091);
		CHECK_INT_EQ(c.stacks_mb, 0);
		CHECK_UINT_EQ(c.goal_mb, 4);
	}
}

/* Lines that are not cycles, and gc lines that are not whole. */
static void
test_other_lines(void)
{
	static const char *const other[] = {
		"scvg0: inuse: 3, idle: 0, sys: 3, released: 0, consumed: 3 (MB)",
		"scvg: 0 MB released",
		"scvg: inuse: 4, idle: 58, sys: 63, released: 57, consumed: 5 (MB)",
		"scav 0 KiB work, 0 KiB total, 97% util",
		"scav 64 KiB work, 128 KiB total, 99% util (forced)",
		"pacer: assist ratio=+1.1e+000 (scan 0 MB in 3->4 MB) workers=1++0.0",
		"pacer: 25% CPU (25 exp.) for 65536+2048+4096 B work (75536 B exp.) "
		    "in 3145728 B -> 4194304 B (\xe2\x88\x86goal 1234, cons/mark 0.1)",
		"GC forced",
		"gc is fine",
		"gc 12",
		"",
		"\xff\xfe\x00gc",
	};
	static const char *const malformed[] = {
		"gc 1 @0.004s 4%: 0.028+0.77 ms clock, 0.056+0.085/0.16/0.29+0.18 "
		    "ms cpu, 3->3->2 MB, 4 MB goal, 2 P",
		"gc 1 @0.004s 4%: 0.028+0.77+0.091 ms clock, 0.056+0.085/0.16/"
		    "0.29+0.18 ms cpu, 3->3->2 MB, 4 MB goal, 2 P trailing",
		"gc 1 @0.004s 4%: 0.028+0.77+0.091 ms clock, 0.056+0.085/0.16/"
		    "0.29+0.18 ms cpu, 3->3->2 MB, 4 MB goal, 0 MB stacks, 2 P",
		"gc 1 @.5s 4%: 0.028+0.77+0.091 ms clock, 0.056+0.085/0.16/0.29+"
		    "0.18 ms cpu, 3->3->2 MB, 4 MB goal, 2 P",
		"gc 1 @0.004s 4%: 0.028+0.77+0.091 ms clock, 0.056+0.085+0.16/"
		    "0.29+0.18 ms cpu, 3->3->2 MB, 4 MB goal, 2 P",
		"gc 1 @0.004s -4%: 0.028+0.77+0.091 ms clock, 0.056+0.085/0.16/"
		    "0.29+0.18 ms cpu, 3->3->2 MB, 4 MB goal, 2 P",
		"gc 1 @",
	};
	struct gctrace_cycle c;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(other); i++) {
		unit_note("%s", other[i]);
		CHECK_INT_EQ(gctrace_parse_line(other[i], strlen(other[i]) +
		    (i == ARRAY_SIZE(other) - 1 ? 3 : 0), &c), 0);
	}
	for (i = 0; i < ARRAY_SIZE(malformed); i++) {
		unit_note("%s", malformed[i]);
		CHECK_INT_EQ(gctrace_parse_line(malformed[i],
		    strlen(malformed[i]), &c), -1);
	}
}

/* The program's output around and in front of gc lines. */
static void
test_interleaved(void)
{
	struct gctrace_summary s;
	struct buf b = BUF_INIT;

	buf_adds(&b, "starting server on :8080\n");
	buf_addf(&b, "%s\n", gctrace_test_119);
	buf_adds(&b, "scvg: 0 MB released\npacer: assist ratio=+1.0\n");
	/* The program wrote without a newline, then the runtime its line. */
	buf_adds(&b, "progress: 50% (gc 9 @ noon)gc 2 @0.010s 4%: 0.030+0.80+0.090 "
	    "ms clock, 0.06+0.08/0.16/0.29+0.18 ms cpu, 4->4->3 MB, 6 MB goal, "
	    "0 MB stacks, 0 MB globals, 2 P\n");
	buf_adds(&b, "GC forced\n");
	buf_adds(&b, "gc 3 @0.020s 4%: 0.5+0.80+0.5 ms clock, 0.06+0.08/0.16/"
	    "0.29+0.18 ms cpu, 4->4->3 MB, 6 MB goal, 0 MB stacks, 0 MB "
	    "globals, 2 P (forced)\r\n");
	buf_adds(&b, "gc 4 @0.030s 4%: 0.5+0.80+0.5 ms clock, 0.06+0.08/0.16/"
	    "0.29 ms cpu, garbage\n");
	if (gctrace_test_parse(buf_str(&b), &s)) {
		CHECK_UINT_EQ(s.n, 3);
		CHECK_UINT_EQ(s.skipped, 1);
		CHECK_UINT_EQ(s.other, 4);
		CHECK_UINT_EQ(s.forced, 1);
		CHECK_UINT_EQ(s.cycles[1].n, 2);
		CHECK_UINT_EQ(s.cycles[1].live_mb, 3);
		CHECK_DBL_EQ(s.pause_max_ms, 1.0);
		CHECK_UINT_EQ(s.live_last_mb, 3);
		CHECK_STR_CONTAINS(s.trend.reason, "too few cycles to tell");
		CHECK_INT_EQ(s.trend.verdict, GCTRACE_STEADY);
		gctrace_release(&s);
	}
	buf_release(&b);
}

/* A cut last line is dropped; a whole one without its newline is kept. */
static void
test_partial_last_line(void)
{
	struct gctrace_summary s;
	struct buf b = BUF_INIT;
	size_t cut;

	buf_addf(&b, "%s\n%s", gctrace_test_119, gctrace_test_119);
	/* Cycle 1 again would start a new run: make the second cycle 2. */
	b.data[strlen(gctrace_test_119) + 4] = '2';
	if (gctrace_test_parse(buf_str(&b), &s)) {
		CHECK_UINT_EQ(s.n, 2);
		CHECK_INT_EQ(s.partial, 0);
		gctrace_release(&s);
	}
	for (cut = strlen(gctrace_test_119) + 1; cut < b.len - 2; cut++) {
		char *cause = NULL;

		if (gctrace_parse("t.log", b.data, cut, &s, &cause) != 0) {
			CHECK(0);
			free(cause);
			continue;
		}
		CHECK_UINT_EQ(s.n, 1);
		CHECK_UINT_EQ(s.skipped, 0);
		CHECK_INT_EQ(s.partial, cut > strlen(gctrace_test_119) + 6);
		gctrace_release(&s);
	}
	buf_release(&b);
}

/* Numbers at and past uint64: no overflow, no undefined behaviour. */
static void
test_huge_numbers(void)
{
	const char *max = "gc 18446744073709551615 @18446744073709551615.999s "
	    "18446744073709551615%: 18446744073709551615+0.1+"
	    "18446744073709551615 ms clock, 0+0/0/0+0 ms cpu, "
	    "18446744073709551615->18446744073709551615->18446744073709551615 "
	    "MB, 18446744073709551615 MB goal, 18446744073709551615 MB stacks, "
	    "1 MB globals, 18446744073709551615 P";
	const char *over = "gc 18446744073709551616 @0.1s 1%: 0+0+0 ms clock, "
	    "0+0/0/0+0 ms cpu, 1->1->1 MB, 4 MB goal, 2 P";
	const char *frac = "gc 1 @0.1234567890123s 1%: 0+0+0 ms clock, "
	    "0+0/0/0+0 ms cpu, 1->1->1 MB, 4 MB goal, 2 P";
	struct gctrace_summary s;
	struct gctrace_cycle c;
	struct buf b = BUF_INIT;
	size_t i;

	CHECK_INT_EQ(gctrace_parse_line(max, strlen(max), &c), -1);
	CHECK_INT_EQ(gctrace_parse_line(over, strlen(over), &c), -1);
	CHECK_INT_EQ(gctrace_parse_line(frac, strlen(frac), &c), -1);
	/* Without the stacks value beyond int64, every field at its max. */
	for (i = 0; i < 12; i++)
		buf_addf(&b, "gc %zu @%llu.999s 18446744073709551615%%: "
		    "18446744073709551615+0.1+18446744073709551615 ms clock, "
		    "0+0/0/0+0 ms cpu, 18446744073709551615->0->%s MB, "
		    "18446744073709551615 MB goal, 9223372036854775807 MB "
		    "stacks, 1 MB globals, 18446744073709551615 P\n", i + 1,
		    i % 2 ? 18446744073709551615ull : 0ull,
		    i % 3 ? "18446744073709551615" : "0");
	if (gctrace_test_parse(buf_str(&b), &s)) {
		CHECK_UINT_EQ(s.n, 12);
		CHECK_UINT_EQ(s.cycles[0].stacks_mb, INT64_MAX);
		CHECK(isfinite(s.pause_total_ms) && isfinite(s.span_s) &&
		    isfinite(s.gc_per_min) && isfinite(s.trend.mb_per_min) &&
		    isfinite(s.trend.r2) && isfinite(s.trend.rise_mb));
		CHECK(s.trend.r2 >= 0 && s.trend.r2 <= 1);
		CHECK_UINT_EQ(s.live_max_mb, UINT64_MAX);
		gctrace_release(&s);
	}
	buf_release(&b);
}

/* No gc line at all is an error naming the file; so is all malformed. */
static void
test_errors(void)
{
	struct gctrace_summary s;
	char *cause = NULL;
	const char *text = "hello\nscvg: 0 MB released\n";
	const char *bad = "gc 1 @0.1s 1%: nonsense\n";

	CHECK_INT_EQ(gctrace_parse("app.log", text, strlen(text), &s,
	    &cause), -1);
	CHECK_STR_EQ(cause, "app.log: no GODEBUG=gctrace=1 lines (expected "
	    "'gc N @Ts P%: ... MB goal, ... P' lines from a Go program's "
	    "stderr)");
	CHECK(s.cycles == NULL && s.n == 0);
	free(cause);
	cause = NULL;
	CHECK_INT_EQ(gctrace_parse("app.log", bad, strlen(bad), &s, &cause),
	    -1);
	CHECK_STR_EQ(cause, "app.log: no GODEBUG=gctrace=1 lines that parse "
	    "(1 malformed 'gc N @...' lines)");
	free(cause);
	cause = NULL;
	CHECK_INT_EQ(gctrace_parse("empty", "", 0, &s, &cause), -1);
	CHECK_STR_CONTAINS(cause, "empty: no GODEBUG=gctrace=1 lines");
	free(cause);
	cause = NULL;
	CHECK_INT_EQ(gctrace_load("/nonexistent/gc.log", GCTRACE_TEST_MAX, &s,
	    &cause), -1);
	CHECK_STR_EQ(cause, "/nonexistent/gc.log: No such file or directory");
	free(cause);
	cause = NULL;
	CHECK_INT_EQ(gctrace_load("samples", GCTRACE_TEST_MAX, &s, &cause),
	    -1);
	CHECK_STR_EQ(cause, "samples: not a regular file");
	free(cause);
	cause = NULL;
	CHECK_INT_EQ(gctrace_load("samples/artefacts/escapes/gctrace.log", 100,
	    &s, &cause), -1);
	CHECK_STR_CONTAINS(cause, "samples/artefacts/escapes/gctrace.log: "
	    "file of ");
	free(cause);
}

/* A cycle count going back starts a new run: the last one is kept. */
static void
test_restart(void)
{
	struct gctrace_summary s;
	struct buf b = BUF_INIT;
	size_t i;

	for (i = 0; i < 8; i++)
		buf_addf(&b, "gc %zu @%zu.000s 1%%: 0.1+1+0.1 ms clock, "
		    "0+0/0/0+0 ms cpu, 1->1->%zu MB, 4 MB goal, 2 P\n",
		    i % 5 + 1, i, i);
	if (gctrace_test_parse(buf_str(&b), &s)) {
		CHECK_UINT_EQ(s.n, 3);
		CHECK_UINT_EQ(s.earlier, 5);
		CHECK_UINT_EQ(s.live_first_mb, 5);
		CHECK_UINT_EQ(s.cycles[0].n, 1);
		gctrace_release(&s);
	}
	buf_release(&b);
}

/* Nearest-rank percentiles. */
static void
test_percentiles(void)
{
	struct gctrace_summary s;
	struct buf b = BUF_INIT;
	size_t i;

	/* Pauses 1..100 ms (0.5 + x + 0.5), in scrambled order. */
	for (i = 0; i < 100; i++)
		buf_addf(&b, "gc %zu @%zu.000s 1%%: 0.5+1+%zu.5 ms clock, "
		    "0+0/0/0+0 ms cpu, 1->1->1 MB, 4 MB goal, 2 P\n", i + 1, i,
		    (i * 37) % 100);
	if (gctrace_test_parse(buf_str(&b), &s)) {
		CHECK_DBL_EQ(s.pause_p50_ms, 50);
		CHECK_DBL_EQ(s.pause_p95_ms, 95);
		CHECK_DBL_EQ(s.pause_p99_ms, 99);
		CHECK_DBL_EQ(s.pause_max_ms, 100);
		CHECK_DBL_EQ(s.pause_total_ms, 5050);
		CHECK_DBL_EQ(s.span_s, 99);
		CHECK_DBL_EQ(s.gc_per_min, 60);
		gctrace_release(&s);
	}
	buf_reset(&b);
	buf_adds(&b, gctrace_test_119);
	if (gctrace_test_parse(buf_str(&b), &s)) {
		CHECK(fabs(s.pause_p50_ms - 0.119) < 1e-12);
		CHECK_DBL_EQ(s.pause_p99_ms, s.pause_p50_ms);
		CHECK_DBL_EQ(s.span_s, 0);
		CHECK_DBL_EQ(s.gc_per_min, 0);
		CHECK_UINT_EQ(s.gc_cpu_percent, 4);
		gctrace_release(&s);
	}
	buf_release(&b);
}

/* A deterministic pseudo-random number in [-1, 1]. */
static double
gctrace_test_noise(unsigned *state)
{
	*state = *state * 1103515245u + 12345u;
	return (double)((*state >> 8) % 2001) / 1000.0 - 1.0;
}

/*
 * Judge a synthetic trace: live[i] MB at i * step_s seconds, the goal
 * twice the live heap (at least 4 MB, as the runtime sets it), forced
 * where forced[i] (may be NULL).
 */
static void
gctrace_test_judge(const double *live, const int *forced, size_t n,
    double step_s, struct gctrace_trend *t)
{
	struct gctrace_cycle *c = xcalloc(n, sizeof *c);
	size_t i;

	for (i = 0; i < n; i++) {
		c[i].n = i + 1;
		c[i].at_s = (double)i * step_s;
		c[i].live_mb = live[i] < 0 ? 0 : (uint64_t)live[i];
		c[i].goal_mb = c[i].live_mb * 2 < 4 ? 4 : c[i].live_mb * 2;
		c[i].forced = forced != NULL && forced[i];
	}
	gctrace_trend(c, n, t);
	unit_note("reason: %s", t->reason);
	free(c);
}

/* The verdict on shapes a trace can take. */
static void
test_trend_shapes(void)
{
	double v[120];
	int forced[120];
	struct gctrace_trend t;
	unsigned seed = 42;
	size_t i;

	/* Flat with noise: 100 MB +- 5. */
	for (i = 0; i < 60; i++)
		v[i] = 100 + 5 * gctrace_test_noise(&seed);
	gctrace_test_judge(v, NULL, 60, 2, &t);
	CHECK_INT_EQ(t.verdict, GCTRACE_STEADY);

	/* Sawtooth: a cache filled from 20 to 60 MB and flushed, 5 times. */
	for (i = 0; i < 100; i++)
		v[i] = 20 + (double)(i % 20) * 2;
	gctrace_test_judge(v, NULL, 100, 1, &t);
	CHECK_INT_EQ(t.verdict, GCTRACE_STEADY);

	/* Slow leak with noise: 200 MB + 0.5 MB a cycle, +- 4 MB. */
	for (i = 0; i < 80; i++)
		v[i] = 200 + 0.5 * (double)i + 4 * gctrace_test_noise(&seed);
	gctrace_test_judge(v, NULL, 80, 10, &t);
	CHECK_INT_EQ(t.verdict, GCTRACE_GROWING);
	CHECK(fabs(t.mb_per_min - 3) < 0.5);	/* 0.5 MB per 10 s */
	CHECK_STR_CONTAINS(t.reason, "live heap grew from");

	/* Step: 50 MB, one jump to 90 MB a third of the way, then flat. */
	for (i = 0; i < 60; i++)
		v[i] = i < 20 ? 50 : 90;
	gctrace_test_judge(v, NULL, 60, 1, &t);
	CHECK_INT_EQ(t.verdict, GCTRACE_STEADY);
	CHECK_STR_CONTAINS(t.reason, "levelled off");

	/* Too few cycles. */
	for (i = 0; i < 8; i++)
		v[i] = 10 * (double)(i + 1);
	gctrace_test_judge(v, NULL, 8, 1, &t);
	CHECK_INT_EQ(t.verdict, GCTRACE_STEADY);
	CHECK_STR_CONTAINS(t.reason, "too few cycles to tell");
	gctrace_test_judge(v, NULL, 0, 1, &t);
	CHECK_INT_EQ(t.verdict, GCTRACE_STEADY);
	gctrace_test_judge(v, NULL, 1, 1, &t);
	CHECK_INT_EQ(t.verdict, GCTRACE_STEADY);

	/* Warm-up then flat: the goal stops rising, the climb is left out. */
	for (i = 0; i < 40; i++)
		v[i] = i < 6 ? 2 + 2 * (double)i : 12;
	gctrace_test_judge(v, NULL, 40, 1, &t);
	CHECK_INT_EQ(t.verdict, GCTRACE_STEADY);
	CHECK_UINT_EQ(t.first, 6);

	/* A leak whose goal rises every cycle: judged on its second half. */
	for (i = 0; i < 40; i++)
		v[i] = 4 + 3 * (double)i;
	gctrace_test_judge(v, NULL, 40, 1, &t);
	CHECK_INT_EQ(t.verdict, GCTRACE_GROWING);
	CHECK_UINT_EQ(t.first, 20);

	/* 2 GB heap growing 20 MB: under 10% of it. */
	for (i = 0; i < 40; i++)
		v[i] = 2000 + 0.5 * (double)i;
	gctrace_test_judge(v, NULL, 40, 1, &t);
	CHECK_INT_EQ(t.verdict, GCTRACE_STEADY);
	CHECK_STR_CONTAINS(t.reason, "under 10%");

	/* 1 MB of growth on a small heap: rounding could make it. */
	for (i = 0; i < 40; i++)
		v[i] = i < 20 ? 1 : 2;
	gctrace_test_judge(v, NULL, 40, 1, &t);
	CHECK_INT_EQ(t.verdict, GCTRACE_STEADY);

	/* A leak, then forced collections on the way out that free it. */
	memset(forced, 0, sizeof forced);
	for (i = 0; i < 30; i++)
		v[i] = 10 + (double)i;
	v[28] = v[29] = 5;
	forced[28] = forced[29] = 1;
	gctrace_test_judge(v, forced, 30, 1, &t);
	CHECK_INT_EQ(t.verdict, GCTRACE_GROWING);
	CHECK_UINT_EQ(t.end, 28);
	CHECK_UINT_EQ(t.last_mb, 37);

	/* Shrinking. */
	for (i = 0; i < 30; i++)
		v[i] = 100 - 2 * (double)i;
	gctrace_test_judge(v, NULL, 30, 1, &t);
	CHECK_INT_EQ(t.verdict, GCTRACE_STEADY);
	CHECK(t.mb_per_min < 0);

	/* All cycles at one instant: no slope, no crash. */
	for (i = 0; i < 20; i++)
		v[i] = (double)i;
	gctrace_test_judge(v, NULL, 20, 0, &t);
	CHECK_INT_EQ(t.verdict, GCTRACE_STEADY);
	CHECK_DBL_EQ(t.mb_per_min, 0);
}

const struct unit_test gctrace_tests[] = {
	{ "every sample's numbers and verdict", test_samples },
	{ "live heap of the samples", test_sample_facts },
	{ "formats since Go 1.10", test_formats },
	{ "lines that are not cycles", test_other_lines },
	{ "interleaved program output", test_interleaved },
	{ "partial last line", test_partial_last_line },
	{ "huge numbers", test_huge_numbers },
	{ "no gc lines and unreadable files", test_errors },
	{ "a restarted program", test_restart },
	{ "pause percentiles", test_percentiles },
	{ "verdict on synthetic shapes", test_trend_shapes },
	{ NULL, NULL }
};
