/*
 * gctrace.c - read GODEBUG=gctrace=1 lines into cycles and summarise them:
 * pause percentiles, GC CPU share, and the live-heap trend with its
 * verdict (the rule is in gctrace.h).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzers/gctrace.h"
#include "protocol/util.h"

/* Fraction digits read from a time; the runtime prints at most three. */
#define GCTRACE_MAX_FRACTION 9

/* A read position in one line. */
struct gctrace_cur {
	const char *p;
	const char *end;
};

/* Consume lit when the line continues with it. */
static int
gctrace_eat(struct gctrace_cur *c, const char *lit)
{
	size_t n = strlen(lit);

	if ((size_t)(c->end - c->p) < n || memcmp(c->p, lit, n) != 0)
		return 0;
	c->p += n;
	return 1;
}

/* Return whether the next byte is a decimal digit. */
static int
gctrace_digit(const struct gctrace_cur *c)
{
	return c->p < c->end && *c->p >= '0' && *c->p <= '9';
}

/* Read an unsigned decimal; 0 when there is none or it overflows. */
static int
gctrace_uint(struct gctrace_cur *c, uint64_t *v)
{
	uint64_t d;

	if (!gctrace_digit(c))
		return 0;
	*v = 0;
	while (gctrace_digit(c)) {
		d = (uint64_t)(*c->p - '0');
		if (*v > (UINT64_MAX - d) / 10)
			return 0;
		*v = *v * 10 + d;
		c->p++;
	}
	return 1;
}

/* Read DIGITS[.DIGITS] as a double; 0 when malformed or too long. */
static int
gctrace_dec(struct gctrace_cur *c, double *v)
{
	uint64_t whole, frac = 0, scale = 1;
	int k = 0;

	if (!gctrace_uint(c, &whole))
		return 0;
	if (c->p < c->end && *c->p == '.') {
		c->p++;
		if (!gctrace_digit(c))
			return 0;
		while (gctrace_digit(c)) {
			if (++k > GCTRACE_MAX_FRACTION)
				return 0;
			frac = frac * 10 + (uint64_t)(*c->p++ - '0');
			scale *= 10;
		}
	}
	*v = (double)whole + (double)frac / (double)scale;
	return 1;
}

/* Read a size followed by its unit text, e.g. "4" then " MB goal, ". */
static int
gctrace_size(struct gctrace_cur *c, uint64_t *v, const char *after)
{
	return gctrace_uint(c, v) && gctrace_eat(c, after);
}

/* Parse one gc line from "gc " to its end; 1 when it is whole. */
static int
gctrace_parse_at(struct gctrace_cur *c, struct gctrace_cycle *cy)
{
	uint64_t x, y;
	int i;

	memset(cy, 0, sizeof *cy);
	cy->stacks_mb = cy->globals_mb = -1;
	if (!gctrace_eat(c, "gc ") || !gctrace_uint(c, &cy->n) ||
	    !gctrace_eat(c, " @") || !gctrace_dec(c, &cy->at_s) ||
	    !gctrace_eat(c, "s ") || !gctrace_uint(c, &cy->cpu_percent) ||
	    !gctrace_eat(c, "%: "))
		return 0;
	for (i = 0; i < 3; i++)
		if ((i > 0 && !gctrace_eat(c, "+")) ||
		    !gctrace_dec(c, &cy->clock_ms[i]))
			return 0;
	if (!gctrace_eat(c, " ms clock, "))
		return 0;
	for (i = 0; i < 5; i++)
		if ((i > 0 && !gctrace_eat(c, i == 2 || i == 3 ? "/" : "+")) ||
		    !gctrace_dec(c, &cy->cpu_ms[i]))
			return 0;
	if (!gctrace_eat(c, " ms cpu, ") ||
	    !gctrace_size(c, &cy->heap_start_mb, "->") ||
	    !gctrace_size(c, &cy->heap_end_mb, "->") ||
	    !gctrace_size(c, &cy->live_mb, " MB, ") ||
	    !gctrace_size(c, &cy->goal_mb, " MB goal, ") ||
	    !gctrace_uint(c, &x))
		return 0;
	if (gctrace_eat(c, " MB stacks, ")) {
		/* Go 1.18 and later. */
		if (!gctrace_size(c, &y, " MB globals, ") ||
		    !gctrace_uint(c, &cy->procs) || x > INT64_MAX ||
		    y > INT64_MAX)
			return 0;
		cy->stacks_mb = (int64_t)x;
		cy->globals_mb = (int64_t)y;
	} else {
		cy->procs = x;
	}
	if (!gctrace_eat(c, " P"))
		return 0;
	cy->forced = gctrace_eat(c, " (forced)");
	/* Only blanks may follow (a CR when the file went through Windows). */
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' ||
	    *c->p == '\r'))
		c->p++;
	if (c->p != c->end)
		return 0;
	cy->pause_ms = cy->clock_ms[0] + cy->clock_ms[2];
	return 1;
}

/* Return whether "gc DIGITS @" starts at p (before end). */
static int
gctrace_looks_like(const char *p, const char *end)
{
	struct gctrace_cur c = { p, end };

	if (!gctrace_eat(&c, "gc ") || !gctrace_digit(&c))
		return 0;
	while (gctrace_digit(&c))
		c.p++;
	return gctrace_eat(&c, " @");
}

/* Parse one line, which may hold other output before "gc N @". */
int
gctrace_parse_line(const char *line, size_t len, struct gctrace_cycle *c)
{
	const char *end = line + len, *p;
	struct gctrace_cur cur;
	int seen = 0;

	for (p = line; p != NULL && end - p >= 5;
	    p = memchr(p + 1, 'g', (size_t)(end - p - 1))) {
		if (!gctrace_looks_like(p, end))
			continue;
		seen = 1;
		cur.p = p;
		cur.end = end;
		if (gctrace_parse_at(&cur, c))
			return 1;
	}
	return seen ? -1 : 0;
}

/* Return "steady" or "growing". */
const char *
gctrace_verdict_name(enum gctrace_verdict v)
{
	return v == GCTRACE_GROWING ? "growing" : "steady";
}

/*
 * Fit live MB over minutes on cycles[a, b) by least squares (two passes,
 * centred, for precision). *span_s gets the time the cycles cover.
 */
static void
gctrace_fit(const struct gctrace_cycle *cy, size_t a, size_t b,
    double *slope, double *r2, double *mean, double *span_s)
{
	double mx = 0, my = 0, sxx = 0, sxy = 0, syy = 0, dx, dy;
	double lo, hi;
	size_t i, n = b - a;

	*slope = *r2 = *mean = *span_s = 0;
	if (n == 0)
		return;
	lo = hi = cy[a].at_s;
	for (i = a; i < b; i++) {
		mx += cy[i].at_s / 60;
		my += (double)cy[i].live_mb;
		if (cy[i].at_s < lo)
			lo = cy[i].at_s;
		if (cy[i].at_s > hi)
			hi = cy[i].at_s;
	}
	mx /= (double)n;
	my /= (double)n;
	for (i = a; i < b; i++) {
		dx = cy[i].at_s / 60 - mx;
		dy = (double)cy[i].live_mb - my;
		sxx += dx * dx;
		sxy += dx * dy;
		syy += dy * dy;
	}
	*mean = my;
	*span_s = hi - lo;
	if (sxx > 0 && isfinite(sxx) && isfinite(sxy)) {
		*slope = sxy / sxx;
		if (syy > 0 && isfinite(syy))
			*r2 = (sxy / sxx) * (sxy / syy);
	}
	if (!isfinite(*slope))
		*slope = 0;
	if (!isfinite(*r2) || *r2 < 0)
		*r2 = 0;
	if (*r2 > 1)
		*r2 = 1;
}

/* Format seconds for a person: "1.9 s", "12.5 min", "3.0 h". */
static const char *
gctrace_duration(double s, char *buf, size_t size)
{
	if (s < 120)
		snprintf(buf, size, "%.1f s", s);
	else if (s < 7200)
		snprintf(buf, size, "%.1f min", s / 60);
	else
		snprintf(buf, size, "%.1f h", s / 3600);
	return buf;
}

/* Format a slope with a sign and sensible digits: "+1300", "-2.5". */
static const char *
gctrace_rate(double v, char *buf, size_t size)
{
	double a = fabs(v);

	if (a >= 100)
		snprintf(buf, size, "%+.0f", v);
	else if (a >= 1)
		snprintf(buf, size, "%+.1f", v);
	else
		snprintf(buf, size, "%+.2f", v);
	return buf;
}

/* Return where the warm-up ends (see gctrace.h, rule 1). */
static size_t
gctrace_warmup(const struct gctrace_cycle *cy, size_t n)
{
	size_t w = n / 2 >= 1 ? 1 : 0;

	while (w < n / 2 && cy[w].goal_mb > cy[w - 1].goal_mb)
		w++;
	return w;
}

/* Return where the window ends (see gctrace.h, rule 2). */
static size_t
gctrace_winddown(const struct gctrace_cycle *cy, size_t n, size_t first)
{
	size_t from = n > GCTRACE_MIN_CYCLES ? n - GCTRACE_MIN_CYCLES : 0;
	size_t i = n;

	while (i > from && !cy[i - 1].forced)
		i--;
	if (i == from)
		return n;
	/* i - 1 is the last forced cycle: go back over the run it ends. */
	i--;
	while (i > from && cy[i - 1].forced)
		i--;
	if (i > first && i - first >= GCTRACE_MIN_CYCLES)
		return i;
	return n;
}

/* Compute the trend and the verdict, with its reason. */
void
gctrace_trend(const struct gctrace_cycle *cy, size_t n,
    struct gctrace_trend *t)
{
	char d[32], r[32];
	double late_slope, late_r2, late_mean, late_span;
	size_t i, half;

	memset(t, 0, sizeof *t);
	t->verdict = GCTRACE_STEADY;
	if (n == 0) {
		snprintf(t->reason, sizeof t->reason,
		    "no cycles: nothing to tell");
		return;
	}
	t->first = gctrace_warmup(cy, n);
	t->end = gctrace_winddown(cy, n, t->first);
	t->cycles = t->end - t->first;
	gctrace_fit(cy, t->first, t->end, &t->mb_per_min, &t->r2,
	    &t->mean_mb, &t->span_s);
	t->rise_mb = t->mb_per_min * t->span_s / 60;
	half = t->first + t->cycles / 2;
	gctrace_fit(cy, half, t->end, &late_slope, &late_r2, &late_mean,
	    &late_span);
	t->late_rise_mb = late_slope * late_span / 60;
	t->first_mb = cy[t->first].live_mb;
	t->last_mb = cy[t->end - 1].live_mb;
	t->min_mb = t->max_mb = t->first_mb;
	for (i = t->first; i < t->end; i++) {
		if (cy[i].live_mb < t->min_mb)
			t->min_mb = cy[i].live_mb;
		if (cy[i].live_mb > t->max_mb)
			t->max_mb = cy[i].live_mb;
	}
	gctrace_duration(t->span_s, d, sizeof d);
	gctrace_rate(t->mb_per_min, r, sizeof r);

	if (t->cycles < GCTRACE_MIN_CYCLES) {
		snprintf(t->reason, sizeof t->reason, "too few cycles to "
		    "tell: %zu after warm-up, %d needed", t->cycles,
		    GCTRACE_MIN_CYCLES);
	} else if (t->min_mb == t->max_mb) {
		snprintf(t->reason, sizeof t->reason, "live heap flat at %llu "
		    "MB over %s (%zu cycles)", (unsigned long long)t->min_mb, d,
		    t->cycles);
	} else if (t->mb_per_min <= 0 || t->r2 < GCTRACE_MIN_R2) {
		snprintf(t->reason, sizeof t->reason, "no clear upward trend: "
		    "live heap between %llu and %llu MB over %s, %s MB/min, "
		    "R\xc2\xb2 %.2f over %zu cycles",
		    (unsigned long long)t->min_mb,
		    (unsigned long long)t->max_mb, d, r, t->r2, t->cycles);
	} else if (t->rise_mb < GCTRACE_MIN_RISE_MB) {
		snprintf(t->reason, sizeof t->reason, "live heap held between "
		    "%llu and %llu MB: the trend adds %.1f MB over %s, less "
		    "than the %.0f MB whole-MB rounding can make (R\xc2\xb2 "
		    "%.2f over %zu cycles)", (unsigned long long)t->min_mb,
		    (unsigned long long)t->max_mb, t->rise_mb, d,
		    GCTRACE_MIN_RISE_MB, t->r2, t->cycles);
	} else if (t->rise_mb < GCTRACE_MIN_RISE_PCT / 100 * t->mean_mb) {
		snprintf(t->reason, sizeof t->reason, "live heap held near "
		    "%.0f MB: the trend adds %.1f MB over %s, under %.0f%% of "
		    "it (R\xc2\xb2 %.2f over %zu cycles)", t->mean_mb,
		    t->rise_mb, d, GCTRACE_MIN_RISE_PCT, t->r2, t->cycles);
	} else if (t->late_rise_mb < GCTRACE_MIN_LATE_RISE_MB) {
		snprintf(t->reason, sizeof t->reason, "live heap rose from "
		    "%llu to %llu MB, then levelled off: no growth over the "
		    "last %zu cycles", (unsigned long long)t->first_mb,
		    (unsigned long long)t->max_mb, t->end - half);
	} else {
		t->verdict = GCTRACE_GROWING;
		snprintf(t->reason, sizeof t->reason, "live heap grew from "
		    "%llu to %llu MB over %s: %s MB/min, R\xc2\xb2 %.2f over "
		    "%zu cycles", (unsigned long long)t->first_mb,
		    (unsigned long long)t->last_mb, d, r, t->r2, t->cycles);
	}
}

/* Order doubles ascending. */
static int
gctrace_dbl_cmp(const void *pa, const void *pb)
{
	double a = *(const double *)pa, b = *(const double *)pb;

	return a < b ? -1 : a > b;
}

/* Return the nearest-rank p-th percentile of n sorted values (n > 0). */
static double
gctrace_rank(const double *sorted, size_t n, double p)
{
	double r = ceil(p / 100 * (double)n);
	size_t k = r < 1 ? 1 : (size_t)r;

	return sorted[(k > n ? n : k) - 1];
}

/* Fill the summary's figures from its cycles (n > 0). */
static void
gctrace_summarise(struct gctrace_summary *s)
{
	double *p = xmalloc(s->n * sizeof *p);
	size_t i;

	s->live_max_mb = 0;
	for (i = 0; i < s->n; i++) {
		p[i] = s->cycles[i].pause_ms;
		s->pause_total_ms += p[i];
		s->forced += s->cycles[i].forced != 0;
		if (s->cycles[i].live_mb > s->live_max_mb)
			s->live_max_mb = s->cycles[i].live_mb;
	}
	qsort(p, s->n, sizeof *p, gctrace_dbl_cmp);
	s->pause_p50_ms = gctrace_rank(p, s->n, 50);
	s->pause_p95_ms = gctrace_rank(p, s->n, 95);
	s->pause_p99_ms = gctrace_rank(p, s->n, 99);
	s->pause_max_ms = p[s->n - 1];
	free(p);
	s->first_s = s->cycles[0].at_s;
	s->last_s = s->cycles[s->n - 1].at_s;
	s->span_s = s->last_s > s->first_s ? s->last_s - s->first_s : 0;
	s->gc_per_min = s->span_s > 0 ? (double)(s->n - 1) * 60 / s->span_s :
	    0;
	s->gc_cpu_percent = s->cycles[s->n - 1].cpu_percent;
	s->live_first_mb = s->cycles[0].live_mb;
	s->live_last_mb = s->cycles[s->n - 1].live_mb;
	gctrace_trend(s->cycles, s->n, &s->trend);
}

/* Keep one parsed cycle; a cycle number going back starts a new run. */
static void
gctrace_add(struct gctrace_summary *s, size_t *alloc,
    const struct gctrace_cycle *c)
{
	if (s->n > 0 && c->n <= s->cycles[s->n - 1].n) {
		s->earlier += s->n;
		s->n = 0;
	}
	if (s->n == *alloc) {
		*alloc = *alloc ? *alloc * 2 : 64;
		s->cycles = xrealloc(s->cycles, *alloc * sizeof *s->cycles);
	}
	s->cycles[s->n++] = *c;
}

/* Parse a trace held in memory. */
int
gctrace_parse(const char *name, const char *data, size_t len,
    struct gctrace_summary *s, char **cause)
{
	const char *p = data, *end = data + len, *nl;
	struct gctrace_cycle c;
	size_t alloc = 0, n;
	int rc;

	memset(s, 0, sizeof *s);
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		rc = gctrace_parse_line(p, n, &c);
		if (rc == 1)
			gctrace_add(s, &alloc, &c);
		else if (rc < 0 && nl == NULL)
			s->partial = 1;		/* a cut last line */
		else if (rc < 0)
			s->skipped++;
		else
			s->other++;
		p += n + (nl != NULL);
	}
	if (s->n == 0) {
		if (s->skipped > 0)
			set_cause(cause, "%s: no GODEBUG=gctrace=1 lines that "
			    "parse (%zu malformed 'gc N @...' lines)", name,
			    s->skipped);
		else
			set_cause(cause, "%s: no GODEBUG=gctrace=1 lines "
			    "(expected 'gc N @Ts P%%: ... MB goal, ... P' "
			    "lines from a Go program's stderr)", name);
		gctrace_release(s);
		return -1;
	}
	gctrace_summarise(s);
	return 0;
}

/* Read and parse a trace file. */
int
gctrace_load(const char *path, size_t max_bytes, struct gctrace_summary *s,
    char **cause)
{
	struct buf data = BUF_INIT;
	int rc;

	memset(s, 0, sizeof *s);
	if (read_file(path, max_bytes, 0, &data, cause) != 0) {
		buf_release(&data);
		return -1;
	}
	rc = gctrace_parse(path, buf_str(&data), data.len, s, cause);
	buf_release(&data);
	return rc;
}

/* Free a summary's cycles and empty it. */
void
gctrace_release(struct gctrace_summary *s)
{
	free(s->cycles);
	memset(s, 0, sizeof *s);
}
