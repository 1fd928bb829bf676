/*
 * goroutines.h - read goroutine dumps and goroutine profiles and group the
 * goroutines by where they were created, what they wait for and where the
 * user's code blocks, to find the ones that leak.
 *
 * Formats, detected from the bytes:
 *   - debug=2 (pprof.Lookup("goroutine").WriteTo(w, 2), and what a crash,
 *     SIGQUIT or runtime.Stack(buf, true) prints), block by block:
 *       `goroutine N [STATE]:`                      every Go release
 *       `goroutine N [STATE, M minutes]:`           waits of a minute or more
 *       `goroutine N [STATE, locked to thread]:`    LockOSThread
 *       `goroutine N [STATE (scan)]:`               caught during a GC scan
 *       `goroutine N [STATE, synctest]:`            Go 1.24+ (testing/synctest)
 *       `goroutine N gp=0x.. m=.. mp=0x.. [STATE]:` Go 1.23+, GOTRACEBACK=system
 *     then frames, a function line `pkg.F(args)` and a location line
 *     `\t/path/file.go:LINE +0xNN` (`fp= sp= pc=` after it with
 *     GOTRACEBACK=system), `...additional frames elided...` (every release)
 *     or `...N frames elided...` (Go 1.21+), then the creator:
 *       `created by pkg.F` + location          Go <= 1.20 (1.19 here)
 *       `created by pkg.F in goroutine K` + location   Go 1.21+
 *     Text before the first header (a panic message), ancestor blocks
 *     (`[originating from goroutine N]:`, GODEBUG=tracebackancestors) and
 *     other lines between blocks are skipped.
 *   - debug=1 (WriteTo(w, 1)): `goroutine profile: total N`, then groups
 *     `COUNT @ 0xPC...` with `#\t0xPC\tpkg.F+0xOFF\tFILE:LINE` frames (the
 *     runtime's own `runtime.*` frames left out by Go) and `# labels:`
 *     lines, separated by blank lines. No states, waits or creators.
 *   - a goroutine profile (WriteTo(w, 0), /debug/pprof/goroutine): pprof
 *     protobuf, gzip-compressed or plain, sample type goroutine/count; each
 *     sample is a stack and a count. No states, waits or creators.
 *
 * Grouping: goroutines with the same creator (function, file, line), the
 * same state and the same blocking frame fall in one group. The blocking
 * frame is the first frame, leaf first, in the user's code; without one
 * (goroutines of net/http's transport, say) the first frame outside the
 * package runtime, so that they still group, by their creator, and are
 * reported (group->user says which). A function is the standard library's
 * when the first element of its package path has no dot and is not "main"
 * or "command-line-arguments" ("net/http" yes, "main" and "example.com/x"
 * no); frames in files ending in _test.go are always the user's.
 *
 * Filtered (goleak's default filters, and the dump's own writer), counted
 * in total and in filtered but in no group:
 *   - the goroutine writing the dump: a frame runtime/pprof.writeGoroutineStacks,
 *     runtime/pprof.writeRuntimeProfile,
 *     runtime/pprof.runtime_goroutineProfileWithLabels or runtime.Stack;
 *   - the testing harness (goleak isTestStack): first non-runtime frame
 *     testing.RunTests, testing.runTests, testing.(*T).Run,
 *     testing.(*T).Parallel, testing.tRunner, testing.runFuzzing or
 *     testing.runFuzzTests, waiting in `chan receive` (or no state known);
 *   - cgo's syscall goroutine (isSyscallStack): state `syscall...` and no
 *     frame outside the runtime;
 *   - os/signal (isStdLibStack): first non-runtime frame os/signal.loop or
 *     os/signal.signal_recv, or runtime.ensureSigM anywhere in the stack or
 *     as its creator;
 *   - runtime/trace (isTraceStack): runtime.ReadTrace anywhere in the stack;
 *   - the runtime's own goroutines that GOTRACEBACK=system shows
 *     (forcegchelper, bgsweep, runfinq ...): every frame and the creator in
 *     the package runtime.
 *
 * Invariants:
 * - A report owns all its strings; they are stored once in report->strings
 *   (a function or file named by 100,000 goroutines costs its length once).
 * - Counts are int64_t and never overflow: sums saturate at INT64_MAX; a
 *   debug=1 count above INT64_MAX is an error; pprof samples whose count is
 *   not positive are skipped.
 * - Lines are 1-based as Go prints them (0 when Go printed 0); a NULL
 *   field, -1 wait or 0 line means the format does not carry it.
 * - Grouping is a hash table: time and memory grow with the input's size,
 *   never with goroutines x groups; each group keeps the stack of its first
 *   goroutine only.
 * - Groups are sorted by count (then growth after goroutines_compare),
 *   largest first, ties by blocking file, line, function, state, creator.
 * - A block cut mid-frame keeps its complete frames; what was cut is
 *   counted in report->truncated. Parsers never read past len.
 * - Errors are values: -1 and a cause naming the input and the reason
 *   (`NAME: ...`, `NAME:LINE: ...`).
 */
#ifndef HEAPLENS_GOROUTINES_H
#define HEAPLENS_GOROUTINES_H

#include <stddef.h>
#include <stdint.h>

enum goroutines_format {
	GOROUTINES_FORMAT_DEBUG2,	/* full dump, one block per goroutine */
	GOROUTINES_FORMAT_DEBUG1,	/* grouped by stack, with counts */
	GOROUTINES_FORMAT_PPROF		/* goroutine profile (protobuf) */
};

/* One frame of a stack: a function and where in it. */
struct goroutines_frame {
	const char *function;		/* "main.(*quoteClient).fetch.func1" */
	const char *file;		/* as the dump names it, or NULL */
	int64_t line;
};

struct goroutines_group {
	int64_t count;
	int64_t growth;			/* count - base's count (compare) */
	int64_t base_count;		/* after goroutines_compare */
	const char *state;		/* "chan send"; NULL for debug=1, pprof */
	int64_t max_wait_minutes;	/* debug=2: longest `M minutes` (0:
					   all waited less than a minute);
					   -1 for the other formats */
	int locked;			/* one was `locked to thread` */
	/* The blocking frame (see above); NULL function when the stack is
	   empty (`goroutine running on other thread; stack unavailable`). */
	const char *function;
	const char *file;
	int64_t line;
	int user;			/* the blocking frame is user code */
	/* The creator: `created by`; NULL for debug=1, pprof, goroutine 1. */
	const char *created_by;
	const char *created_file;
	int64_t created_line;
	struct goroutines_frame *frames;	/* the first goroutine's stack,
						   leaf first */
	size_t nframes;
};

struct goroutines_report {
	enum goroutines_format format;
	int64_t total;			/* goroutines read, filtered included */
	int64_t declared_total;		/* debug=1's `total N`, else -1 */
	int64_t filtered;		/* of total, in no group */
	size_t truncated;		/* frames, creators or blocks cut */
	int compared;			/* goroutines_compare was called */
	int64_t base_total;
	struct goroutines_group *groups;
	size_t n;
	char **strings;			/* every function and file, once */
	size_t nstrings;
};

/* Bounds: a hostile input costs memory in proportion to its size only. */
#define GOROUTINES_MAX_FRAMES 1024	/* frames kept per stack */
#define GOROUTINES_MAX_BYTES (256u * 1024 * 1024)

/*
 * Parse one dump or profile held in memory (format detected: gzip or
 * protobuf is a profile, `goroutine profile: total` debug=1, `goroutine N
 * [` debug=2); name is used in messages. Returns 0 with *r filled (release
 * with goroutines_release()), or -1 with *cause set and *r empty.
 */
int goroutines_parse(const char *name, const char *data, size_t len,
    struct goroutines_report *r, char **cause);

/* Read a file (at most max_bytes) and parse it; same contract. */
int goroutines_load(const char *path, size_t max_bytes,
    struct goroutines_report *r, char **cause);

void goroutines_release(struct goroutines_report *r);

/*
 * Compare r with an earlier dump of the same program (LeakProf's method):
 * each group's growth is its count minus the count of base's group with
 * the same key (0 when base has none); groups are re-sorted by growth,
 * largest first, then by count. Groups whose keys differ only because one
 * format lacks creators are not matched: compare like with like.
 */
void goroutines_compare(struct goroutines_report *r,
    const struct goroutines_report *base);

/* Return whether a frame is the user's code (see above). */
int goroutines_is_user(const char *function, const char *file);

/* Return a format's name: "debug=2", "debug=1", "pprof". */
const char *goroutines_format_name(enum goroutines_format f);

#endif
