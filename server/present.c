/*
 * present.c - the JSON of analyzers' records that the command line's --json
 * and the server's requests share, so both say the same thing.
 */
#include <math.h>
#include <stdint.h>

#include "present.h"
#include "protocol/json.h"

/* Return a new JSON number for a size: an integer when it fits. */
static json_t *
present_mb(uint64_t v)
{
	if (v > (uint64_t)INT64_MAX)
		return json_real((double)v);
	return json_integer((json_int_t)v);
}

/* Return a new JSON real, rounded to what the trace can tell. */
static json_t *
present_real(double v, double unit)
{
	if (!isfinite(v))
		v = 0;
	if (fabs(v) < 1e15 / unit)
		v = round(v / unit) * unit;
	return json_real(v);
}

/* Build the JSON of a GC trace's summary. */
json_t *
gctrace_json(const struct gctrace_summary *s)
{
	const struct gctrace_trend *t = &s->trend;
	json_t *live = json_array(), *goal = json_array();
	size_t i;

	for (i = 0; i < s->n; i++) {
		json_array_append_new(live, present_mb(s->cycles[i].live_mb));
		json_array_append_new(goal, present_mb(s->cycles[i].goal_mb));
	}
	return json_pack("{s:I, s:o, s:o, s:o, s:o, s:I, s:I, "
	    "s:{s:o, s:o, s:o, s:o, s:o}, s:o, s:o, s:o, "
	    "s:{s:o, s:o, s:s, s:s, s:I, s:o, s:o, s:o, s:o, s:o}}",
	    "cycles", (json_int_t)s->n,
	    "span_s", present_real(s->span_s, 1e-3),
	    "first_s", present_real(s->first_s, 1e-3),
	    "last_s", present_real(s->last_s, 1e-3),
	    "gc_per_min", present_real(s->gc_per_min, 1e-2),
	    "forced", (json_int_t)s->forced,
	    "skipped", (json_int_t)s->skipped,
	    "pause_ms",
	    "total", present_real(s->pause_total_ms, 1e-3),
	    "p50", present_real(s->pause_p50_ms, 1e-3),
	    "p95", present_real(s->pause_p95_ms, 1e-3),
	    "p99", present_real(s->pause_p99_ms, 1e-3),
	    "max", present_real(s->pause_max_ms, 1e-3),
	    "gc_cpu_percent", present_mb(s->gc_cpu_percent),
	    "live_mb", live,
	    "goal_mb", goal,
	    "trend",
	    "mb_per_min", present_real(t->mb_per_min, 1e-2),
	    "r2", present_real(t->r2, 1e-3),
	    "verdict", gctrace_verdict_name(t->verdict),
	    "reason", t->reason,
	    "cycles", (json_int_t)t->cycles,
	    "first_cycle", present_mb(t->cycles ? s->cycles[t->first].n : 0),
	    "last_cycle", present_mb(t->cycles ? s->cycles[t->end - 1].n :
	    0),
	    "first_mb", present_mb(t->first_mb),
	    "last_mb", present_mb(t->last_mb),
	    "rise_mb", present_real(t->rise_mb, 1e-2));
}

