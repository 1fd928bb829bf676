/*
 * gctrace.h - the Go runtime's GC trace (GODEBUG=gctrace=1, written on
 * stderr) read into cycles, and the summary a leak hunter wants of them:
 * pauses, GC CPU share, the live heap after each cycle, and whether that
 * live heap is growing.
 *
 * The line, as runtime/mgc.go gcMarkTermination prints it:
 *
 *   gc N @S.SSSs P%: A+B+C ms clock, a+b/c/d+e ms cpu, H0->H1->H2 MB,
 *       G MB goal, [K MB stacks, L MB globals, ]M P[ (forced)]
 *
 * Formats, by release (read from the runtime's own source):
 * - Go 1.10-1.17: no "MB stacks" / "MB globals"; otherwise as below.
 * - Go 1.18 and later (1.19 is what samples/artefacts holds; later
 *   sources, with arenas and metadata huge pages, print the same fields,
 *   only reading the stack figure from another counter): "K MB stacks,
 *   L MB globals, " before "M P".
 * - Every release since 1.10: three clock phases (STW sweep termination,
 *   concurrent mark, STW mark termination) and five CPU figures; times
 *   through fmtNSAsMS, so whole milliseconds from 10 ms on ("12") and two
 *   significant digits with up to three decimals below ("0.028", "1.5",
 *   "0"); the seconds with exactly three decimals; sizes truncated to
 *   whole MB (bytes >> 20), so a size carries an error of up to 1 MB;
 *   P% is int(gc_cpu_fraction * 100), the runtime's cumulative share of
 *   CPU spent in GC since the program started; " (forced)" for a
 *   collection runtime.GC() or debug.FreeOSMemory() asked for.
 * - Lines that share stderr and are not cycles: "scvg..." (the
 *   scavenger, before Go 1.19), "scav ..." (its trace in Go 1.19),
 *   "pacer: ..." (gcpacertrace=1), "GC forced" (the two-minute periodic
 *   GC) and the program's own output, also in front of "gc N @" on the
 *   same line when it wrote no newline.
 *
 * Invariants:
 * - Parsing never crashes, never reads past len, and keeps one struct
 *   gctrace_cycle per gc line: memory in proportion to the input.
 * - A line is a gc line when "gc DIGITS @" occurs in it; it is kept when
 *   the rest follows the format exactly, otherwise skipped and counted.
 *   Other lines are ignored and counted. A last line with no newline is
 *   kept only if it is a whole gc line (the runtime prints the newline
 *   apart, so a cut can fall right before it).
 * - A cycle number not above the previous one starts a new run of the
 *   program (traces appended to one file): only the last run is kept.
 * - Numbers that do not fit a uint64 make a line malformed; all summary
 *   arithmetic is in double.
 * - Pause percentiles are nearest-rank over the kept cycles (the value at
 *   rank ceil(p/100 * n) in ascending order): always a pause that happened.
 */
#ifndef HEAPLENS_GCTRACE_H
#define HEAPLENS_GCTRACE_H

#include <stddef.h>
#include <stdint.h>

/* One collection, as printed. */
struct gctrace_cycle {
	uint64_t n;			/* cycle number */
	double at_s;			/* seconds since the program started */
	uint64_t cpu_percent;		/* cumulative GC share of CPU */
	double clock_ms[3];		/* sweep term, mark, mark term */
	double cpu_ms[5];		/* sweep term, assist/background/idle
					   mark, mark term */
	double pause_ms;		/* clock_ms[0] + clock_ms[2]: the two
					   stop-the-world phases */
	uint64_t heap_start_mb;		/* H0: heap when the cycle started */
	uint64_t heap_end_mb;		/* H1: heap when marking ended */
	uint64_t live_mb;		/* H2: live heap marked */
	uint64_t goal_mb;		/* G: the heap goal for the next cycle */
	int64_t stacks_mb;		/* K, or -1 before Go 1.18 */
	int64_t globals_mb;		/* L, or -1 before Go 1.18 */
	uint64_t procs;			/* M: GOMAXPROCS */
	int forced;
};

enum gctrace_verdict {
	GCTRACE_STEADY,
	GCTRACE_GROWING
};

/*
 * The live-heap trend and the verdict. The rule, each step with its
 * reason:
 *
 * 1. Warm-up is left out: the first cycle (the runtime starts from a 4 MB
 *    heap minimum, before any pacing) and then every cycle while the heap
 *    goal keeps rising, stopping at the first cycle whose goal is not
 *    above the one before: a program's heap climbs to its working level
 *    in its first cycles, and the goal (twice the live heap at GOGC=100)
 *    stops climbing once it is there. At most half the cycles are warm-up,
 *    so a leak whose goal never stops rising is still judged, on its
 *    second half.
 * 2. A wind-down is left out: when one of the last GCTRACE_MIN_CYCLES
 *    cycles is forced, the window ends before the last such cycle (before
 *    the run of consecutive forced cycles it closes).
 *    Programs force a collection before writing a heap profile, at the
 *    end of a test, or on the way out; what the heap does then is the end
 *    of the work, not its trend. This is only done when the window keeps
 *    GCTRACE_MIN_CYCLES cycles. Forced cycles earlier in the run stay: a
 *    forced collection measures the live heap as well as any.
 * 3. Least squares of live MB over minutes on what is left gives
 *    mb_per_min and r2 (0 when every x or every y is the same).
 * 4. "growing" needs all of:
 *    - at least GCTRACE_MIN_CYCLES cycles (otherwise "too few cycles to
 *      tell": one or two cycles more or less swing any line);
 *    - a rising line with r2 >= GCTRACE_MIN_R2: most of the variation is
 *      the trend, not a sawtooth or noise;
 *    - a material rise: the fitted line climbs over the window by at
 *      least GCTRACE_MIN_RISE_MB (twice the 1 MB truncation of every
 *      printed size, so rounding alone cannot make it) and by at least
 *      GCTRACE_MIN_RISE_PCT of the window's mean live heap (a few MB on a
 *      multi-GB heap is noise);
 *    - growth that goes on: the later half of the window, fitted alone,
 *      still climbs by GCTRACE_MIN_LATE_RISE_MB (one unit of resolution).
 *      A heap that jumped once to a new level and stayed there (a cache
 *      filled, a second warm-up) is not leaking now.
 *    Anything else is "steady", and the reason says which test it failed.
 */
#define GCTRACE_MIN_CYCLES 8
#define GCTRACE_MIN_R2 0.5
#define GCTRACE_MIN_RISE_MB 2.0
#define GCTRACE_MIN_RISE_PCT 10.0
#define GCTRACE_MIN_LATE_RISE_MB 1.0

struct gctrace_trend {
	size_t first;			/* window: cycles[first, end) */
	size_t end;
	size_t cycles;			/* end - first */
	double mb_per_min;		/* fitted slope */
	double r2;
	double rise_mb;			/* slope * window duration */
	double late_rise_mb;		/* the same for the later half */
	double mean_mb;			/* mean live heap over the window */
	uint64_t first_mb;		/* live heap at the window's ends */
	uint64_t last_mb;
	uint64_t min_mb;		/* over the window */
	uint64_t max_mb;
	double span_s;			/* window duration */
	enum gctrace_verdict verdict;
	char reason[256];		/* one sentence for the user */
};

struct gctrace_summary {
	struct gctrace_cycle *cycles;	/* of the last run, in order */
	size_t n;
	size_t skipped;			/* malformed gc lines */
	size_t other;			/* lines that are not gc lines */
	size_t earlier;			/* cycles of earlier runs, dropped */
	int partial;			/* a cut last line was dropped */
	size_t forced;			/* forced cycles among the n */
	double first_s, last_s;		/* at_s of the first and last cycle */
	double span_s;			/* last_s - first_s */
	double gc_per_min;		/* (n - 1) cycles over span_s; 0 when
					   span_s is 0 */
	double pause_total_ms;
	double pause_p50_ms, pause_p95_ms, pause_p99_ms, pause_max_ms;
	uint64_t gc_cpu_percent;	/* the last cycle's P% */
	uint64_t live_first_mb, live_last_mb, live_max_mb;
	struct gctrace_trend trend;
};

/*
 * Parse a trace held in memory; name is used in messages. Returns 0 with
 * *s filled (release with gctrace_release()), or -1 with *cause set
 * ("NAME: no GODEBUG=gctrace=1 lines ...") and *s empty: a trace without
 * one good gc line is an error; malformed gc lines are only counted.
 */
int gctrace_parse(const char *name, const char *data, size_t len,
    struct gctrace_summary *s, char **cause);

/*
 * Read a regular file of at most max_bytes and parse it. Same contract as
 * gctrace_parse(), the cause naming path.
 */
int gctrace_load(const char *path, size_t max_bytes,
    struct gctrace_summary *s, char **cause);

void gctrace_release(struct gctrace_summary *s);

/*
 * Parse one line (without its newline; it may hold other text before
 * "gc N @"). Returns 1 with *c filled for a gc line, 0 when the line is
 * not a gc line, -1 for a malformed gc line.
 */
int gctrace_parse_line(const char *line, size_t len, struct gctrace_cycle *c);

/*
 * Compute the trend and verdict of n cycles in time order (the rule
 * above). Allocates nothing; n may be 0.
 */
void gctrace_trend(const struct gctrace_cycle *cycles, size_t n,
    struct gctrace_trend *t);

/* Return "steady" or "growing". */
const char *gctrace_verdict_name(enum gctrace_verdict v);

#endif
