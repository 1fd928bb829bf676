/*
 * test-goroutines.c - unit tests for analyzers/goroutines.c: every sample's
 * three formats agree on counts per blocking line and with counts made here
 * from the files themselves; the README's facts; base/later pairs; every
 * header form Go prints (hand-written), dumps cut short, huge counts and a
 * dump of 100,000 goroutines made here.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzers/goroutines.h"
#include "unit.h"

static const char *const goroutines_test_samples[] = {
	"bodyleak", "cacheleak", "cancelleak", "deferloop", "escapes",
	"goroutineleak", "service", "tickerleak", NULL
};

/* Read a whole file into b; return 0 or -1. */
static int
goroutines_test_read(const char *path, struct buf *b)
{
	char chunk[65536];
	FILE *f = fopen(path, "rb");
	size_t n;

	if (f == NULL)
		return -1;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_add(b, chunk, n);
	fclose(f);
	return 0;
}

/* Load samples/artefacts/NAME/FILE into r; 0 or -1 (a failed check). */
static int
goroutines_test_load(const char *name, const char *file,
    struct goroutines_report *r)
{
	char *path = xasprintf("samples/artefacts/%s/%s", name, file);
	char *cause = NULL;
	int rc = goroutines_load(path, GOROUTINES_MAX_BYTES, r, &cause);

	if (!CHECK(rc == 0))
		fprintf(stderr, "    %s\n", cause);
	free(cause);
	free(path);
	return rc;
}

/* Parse text; 0 or -1 (a failed check). */
static int
goroutines_test_parse(const char *text, struct goroutines_report *r)
{
	char *cause = NULL;
	int rc = goroutines_parse("t.txt", text, strlen(text), r, &cause);

	if (!CHECK(rc == 0))
		fprintf(stderr, "    %s\n", cause);
	free(cause);
	return rc;
}

/* Count lines of text that start with prefix and contain sub (or NULL). */
static int64_t
goroutines_test_count(const char *text, const char *prefix, const char *sub)
{
	const char *line = text, *nl;
	int64_t n = 0;
	char *copy;

	while (*line != '\0') {
		nl = strchr(line, '\n');
		copy = xstrndup(line, nl != NULL ? (size_t)(nl - line) :
		    strlen(line));
		if (strncmp(copy, prefix, strlen(prefix)) == 0 &&
		    (sub == NULL || strstr(copy, sub) != NULL))
			n++;
		free(copy);
		if (nl == NULL)
			break;
		line = nl + 1;
	}
	return n;
}

/* Sum the counts of a report's groups blocked at function, file:line. */
static int64_t
goroutines_test_at(const struct goroutines_report *r, const char *function,
    const char *file, int64_t line)
{
	int64_t n = 0;
	size_t i;

	for (i = 0; i < r->n; i++)
		if (r->groups[i].function != NULL &&
		    strcmp(r->groups[i].function, function) == 0 &&
		    strcmp(r->groups[i].file, file) == 0 &&
		    r->groups[i].line == line)
			n += r->groups[i].count;
	return n;
}

/* Return the group with the most goroutines blocked in user code. */
static const struct goroutines_group *
goroutines_test_top_user(const struct goroutines_report *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (r->groups[i].user)
			return &r->groups[i];
	return NULL;
}

/* Return whether s ends with suffix. */
static int
goroutines_test_ends(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return s != NULL && n >= k && strcmp(s + n - k, suffix) == 0;
}

/*
 * Every sample: the three formats have the same total and, for every
 * blocking line, the same count; debug=2's total is its number of
 * headers, debug=1's its `total N`; one goroutine (the writer) filtered.
 */
static void
test_goroutines_samples_agree(void)
{
	struct goroutines_report d2, d1, pb;
	struct buf text = BUF_INIT;
	const struct goroutines_group *g;
	size_t s, i;
	char *path;

	for (s = 0; goroutines_test_samples[s] != NULL; s++) {
		const char *name = goroutines_test_samples[s];

		if (goroutines_test_load(name, "goroutine.txt", &d2) != 0)
			continue;
		if (goroutines_test_load(name, "goroutine-debug1.txt",
		    &d1) != 0 || goroutines_test_load(name, "goroutine.pb.gz",
		    &pb) != 0) {
			goroutines_release(&d2);
			continue;
		}
		CHECK_INT_EQ(d2.format, GOROUTINES_FORMAT_DEBUG2);
		CHECK_INT_EQ(d1.format, GOROUTINES_FORMAT_DEBUG1);
		CHECK_INT_EQ(pb.format, GOROUTINES_FORMAT_PPROF);
		path = xasprintf("samples/artefacts/%s/goroutine.txt", name);
		buf_reset(&text);
		CHECK(goroutines_test_read(path, &text) == 0);
		free(path);
		CHECK_INT_EQ(d2.total, goroutines_test_count(buf_str(&text),
		    "goroutine ", "]:"));
		CHECK_INT_EQ(d1.total, d1.declared_total);
		CHECK_INT_EQ(d2.total, d1.total);
		CHECK_INT_EQ(d2.total, pb.total);
		CHECK_INT_EQ(d2.filtered, 1);
		CHECK_INT_EQ(d1.filtered, 1);
		CHECK_INT_EQ(pb.filtered, 1);
		CHECK_UINT_EQ(d2.truncated + d1.truncated + pb.truncated, 0);
		CHECK_INT_EQ(d2.declared_total, -1);
		for (i = 0; i < d1.n; i++) {
			g = &d1.groups[i];
			if (!CHECK(g->function != NULL))
				continue;
			CHECK_INT_EQ(g->count, goroutines_test_at(&d2,
			    g->function, g->file, g->line));
			CHECK_INT_EQ(g->count, goroutines_test_at(&pb,
			    g->function, g->file, g->line));
			CHECK_NULL(g->state);
			CHECK_NULL(g->created_by);
			CHECK_INT_EQ(g->max_wait_minutes, -1);
		}
		for (i = 0; i < d2.n; i++) {
			CHECK(d2.groups[i].state != NULL);
			CHECK_INT_EQ(d2.groups[i].max_wait_minutes, 0);
			/* Sorted by count. */
			if (i > 0)
				CHECK(d2.groups[i - 1].count >=
				    d2.groups[i].count);
		}
		goroutines_release(&d2);
		goroutines_release(&d1);
		goroutines_release(&pb);
	}
	buf_release(&text);
}

/* Check the top user group of a sample's debug=2 dump. */
static void
goroutines_test_fact(const char *name, const char *state, int64_t count,
    const char *function, const char *file, int64_t line,
    const char *creator, int64_t created_line)
{
	struct goroutines_report r;
	const struct goroutines_group *g;

	if (goroutines_test_load(name, "goroutine.txt", &r) != 0)
		return;
	g = goroutines_test_top_user(&r);
	if (CHECK(g != NULL)) {
		CHECK_INT_EQ(g->count, count);
		CHECK_STR_EQ(g->state, state);
		CHECK_STR_EQ(g->function, function);
		CHECK(goroutines_test_ends(g->file, file));
		CHECK_INT_EQ(g->line, line);
		CHECK_STR_EQ(g->created_by, creator);
		CHECK(g->created_file != NULL &&
		    goroutines_test_ends(g->created_file, file));
		CHECK_INT_EQ(g->created_line, created_line);
		CHECK(g->nframes >= 1);
	}
	goroutines_release(&r);
}

/* The facts samples/README.md states, counted here where a grep can. */
static void
test_goroutines_sample_facts(void)
{
	struct buf text = BUF_INIT;
	int64_t sends;

	CHECK(goroutines_test_read("samples/artefacts/goroutineleak/"
	    "goroutine.txt", &text) == 0);
	sends = goroutines_test_count(buf_str(&text), "goroutine ",
	    "[chan send]");
	CHECK_INT_EQ(sends, 144);
	buf_release(&text);
	goroutines_test_fact("goroutineleak", "chan send", sends,
	    "main.(*quoteClient).fetch.func1", "/goroutineleak/main.go", 45,
	    "main.(*quoteClient).fetch", 44);
	goroutines_test_fact("service", "chan send", 96,
	    "main.fetchPrice.func1", "/service/pricing.go", 85,
	    "main.fetchPrice", 83);
	goroutines_test_fact("tickerleak", "select", 16,
	    "main.(*session).serve", "/tickerleak/main.go", 63, "main.main",
	    115);
	goroutines_test_fact("cancelleak", "chan receive", 4,
	    "main.main.func1", "/cancelleak/main.go", 113, "main.main", 111);
}

/* bodyleak's leaked connections have no user frame: grouped by creator. */
static void
test_goroutines_bodyleak(void)
{
	struct goroutines_report r;
	struct buf text = BUF_INIT;
	int64_t dial = 0, users = 0;
	size_t i;

	if (goroutines_test_load("bodyleak", "goroutine.txt", &r) != 0)
		return;
	CHECK(goroutines_test_read("samples/artefacts/bodyleak/"
	    "goroutine.txt", &text) == 0);
	for (i = 0; i < r.n; i++) {
		if (r.groups[i].user)
			users++;
		if (r.groups[i].created_by != NULL && strcmp(
		    r.groups[i].created_by, "net/http.(*Transport).dialConn") ==
		    0)
			dial += r.groups[i].count;
	}
	CHECK_INT_EQ(users, 0);
	CHECK_INT_EQ(dial, goroutines_test_count(buf_str(&text),
	    "created by net/http.(*Transport).dialConn", NULL));
	CHECK_INT_EQ(r.total - r.filtered, goroutines_test_count(
	    buf_str(&text), "goroutine ", "]:") - 1);
	CHECK_STR_EQ(r.groups[0].function,
	    "net/http.(*persistConn).writeLoop");
	CHECK_INT_EQ(r.groups[0].count, 172);
	buf_release(&text);
	goroutines_release(&r);
}

/* Compare a later dump with its base: growth, order. */
static void
goroutines_test_growth(const char *name, const char *file, int64_t line)
{
	struct goroutines_report r, base;
	const struct goroutines_group *g, *b;

	if (goroutines_test_load(name, "goroutine.txt", &r) != 0)
		return;
	if (goroutines_test_load(name, "goroutine-base.txt", &base) != 0) {
		goroutines_release(&r);
		return;
	}
	g = goroutines_test_top_user(&r);
	b = goroutines_test_top_user(&base);
	goroutines_compare(&r, &base);
	CHECK(r.compared);
	CHECK_INT_EQ(r.base_total, base.total);
	if (CHECK(g != NULL && b != NULL)) {
		/* The leak grew most: it comes first. */
		CHECK(goroutines_test_ends(r.groups[0].file, file));
		CHECK_INT_EQ(r.groups[0].line, line);
		CHECK_INT_EQ(r.groups[0].base_count, goroutines_test_at(&base,
		    r.groups[0].function, r.groups[0].file, line));
		CHECK_INT_EQ(r.groups[0].growth, r.groups[0].count -
		    r.groups[0].base_count);
	}
	goroutines_release(&r);
	goroutines_release(&base);
}

/* Base/later pairs: goroutineleak +78 (66 -> 144), service 42 -> 96. */
static void
test_goroutines_base(void)
{
	struct goroutines_report r, base;

	goroutines_test_growth("goroutineleak", "/goroutineleak/main.go", 45);
	goroutines_test_growth("service", "/service/pricing.go", 85);
	if (goroutines_test_load("goroutineleak", "goroutine.txt", &r) != 0)
		return;
	if (goroutines_test_load("goroutineleak", "goroutine-base.txt",
	    &base) == 0) {
		goroutines_compare(&r, &base);
		CHECK_INT_EQ(r.groups[0].count, 144);
		CHECK_INT_EQ(r.groups[0].base_count, 66);
		CHECK_INT_EQ(r.groups[0].growth, 78);
		goroutines_release(&base);
	}
	goroutines_release(&r);
	if (goroutines_test_load("service", "goroutine.txt", &r) != 0)
		return;
	if (goroutines_test_load("service", "goroutine-base.txt",
	    &base) == 0) {
		goroutines_compare(&r, &base);
		CHECK_INT_EQ(r.groups[0].base_count, 42);
		CHECK_INT_EQ(r.groups[0].growth, 54);
		goroutines_release(&base);
	}
	goroutines_release(&r);
}

/* A hand-written dump with every header and creator form. */
static const char goroutines_test_forms[] =
    "panic: boom\n"
    "\n"
    "goroutine 1 [running]:\n"
    "main.main()\n"
    "\t/src/app/main.go:10 +0x1d\n"
    "\n"
    /* Go 1.19: wait and lock. */
    "goroutine 5 [chan send, 12 minutes, locked to thread]:\n"
    "main.worker(0xc000012345, {0x1, 0x2})\n"
    "\t/src/app/main.go:20 +0x45\n"
    "created by main.main\n"
    "\t/src/app/main.go:9 +0x99\n"
    "\n"
    /* Go 1.21+: the creator's goroutine. */
    "goroutine 6 [chan send, 3 minutes]:\n"
    "runtime.gopark(0x0?, 0x0?, 0x0?, 0x0?, 0x0?)\n"
    "\t/go/src/runtime/proc.go:398 +0xce fp=0xc0000 sp=0xc0000 pc=0x43\n"
    "main.worker(...)\n"
    "\t/src/app/main.go:20\n"
    "created by main.main in goroutine 1\n"
    "\t/src/app/main.go:9 +0x99\n"
    "\n"
    /* Go 1.23+ with GOTRACEBACK=system; (scan). */
    "goroutine 7 gp=0xc000007 m=nil [chan send (scan)]:\n"
    "main.worker(...)\n"
    "\t/src/app/main.go:20\n"
    "...additional frames elided...\n"
    "created by main.main in goroutine 1\n"
    "\t/src/app/main.go:9 +0x99\n"
    "\n"
    "goroutine 8 [select (no cases)]:\n"
    "example.com/x/pkg.(*T).loop[...](0x1)\n"
    "\t/mod/x/pkg/t.go:7 +0x1\n"
    "...4 frames elided...\n"
    "created by example.com/x/pkg.Start\n"
    "\t/mod/x/pkg/t.go:3 +0x2\n"
    "\n"
    "goroutine 9 [chan send (nil chan)]:\n"
    "main.nilsend()\n"
    "\t/src/app/main.go:30 +0x1\n"
    "created by main.main\n"
    "\t/src/app/main.go:29 +0x2\n"
    "[originating from goroutine 1]:\n"
    "main.main(...)\n"
    "\t/src/app/main.go:29\n"
    "\n"
    "goroutine 10 [sync.Mutex.Lock, 61 minutes]:\n"
    "sync.(*Mutex).lockSlow(0x1)\n"
    "\t/go/src/sync/mutex.go:171 +0x1\n"
    "main.locker()\n"
    "\t/src/app/main.go:40 +0x1\n"
    "created by main.main\n"
    "\t/src/app/main.go:39 +0x2\n"
    "\n"
    "goroutine 11 [running]:\n"
    "\tgoroutine running on other thread; stack unavailable\n"
    "created by main.main\n"
    "\t/src/app/main.go:50 +0x2\n"
    "\n"
    "goroutine 12 [chan receive]:\n"
    "strings.helper()\n"
    "\t/src/strings/strings_test.go:5 +0x1\n"
    "exit status 2\n";

/* Find the group blocked at a line of main.go (or another file). */
static const struct goroutines_group *
goroutines_test_group(const struct goroutines_report *r, const char *file,
    int64_t line)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (r->groups[i].file != NULL &&
		    goroutines_test_ends(r->groups[i].file, file) &&
		    r->groups[i].line == line)
			return &r->groups[i];
	return NULL;
}

/* Every header and creator form, waits, locks, elisions, odd text. */
static void
test_goroutines_forms(void)
{
	struct goroutines_report r;
	const struct goroutines_group *g;

	if (goroutines_test_parse(goroutines_test_forms, &r) != 0)
		return;
	CHECK_INT_EQ(r.format, GOROUTINES_FORMAT_DEBUG2);
	CHECK_INT_EQ(r.total, 9);
	CHECK_INT_EQ(r.filtered, 0);
	CHECK_UINT_EQ(r.truncated, 0);
	/* 5 and 6 (1.19 and 1.21 creators) group; 7 is `chan send` too. */
	g = goroutines_test_group(&r, "/main.go", 20);
	if (CHECK(g != NULL)) {
		CHECK_INT_EQ(g->count, 3);
		CHECK_STR_EQ(g->state, "chan send");
		CHECK_INT_EQ(g->max_wait_minutes, 12);
		CHECK(g->locked);
		CHECK_STR_EQ(g->function, "main.worker");
		CHECK_STR_EQ(g->created_by, "main.main");
		CHECK_INT_EQ(g->created_line, 9);
		CHECK(g->user);
		CHECK_UINT_EQ(g->nframes, 1);
	}
	CHECK(&r.groups[0] == g);
	g = goroutines_test_group(&r, "/pkg/t.go", 7);
	if (CHECK(g != NULL)) {
		CHECK_STR_EQ(g->state, "select (no cases)");
		CHECK_STR_EQ(g->function, "example.com/x/pkg.(*T).loop[...]");
		CHECK_STR_EQ(g->created_by, "example.com/x/pkg.Start");
	}
	g = goroutines_test_group(&r, "/main.go", 30);
	if (CHECK(g != NULL)) {
		CHECK_STR_EQ(g->state, "chan send (nil chan)");
		CHECK_INT_EQ(g->created_line, 29);
	}
	g = goroutines_test_group(&r, "/main.go", 40);
	if (CHECK(g != NULL)) {
		CHECK_STR_EQ(g->state, "sync.Mutex.Lock");
		CHECK_INT_EQ(g->max_wait_minutes, 61);
		CHECK_STR_EQ(g->function, "main.locker");
		CHECK_UINT_EQ(g->nframes, 2);
	}
	g = goroutines_test_group(&r, "/main.go", 10);
	if (CHECK(g != NULL))
		CHECK_NULL(g->created_by);
	/* A test file of a standard package is user code. */
	g = goroutines_test_group(&r, "strings_test.go", 5);
	if (CHECK(g != NULL))
		CHECK(g->user);
	/* No stack: grouped by creator alone. */
	g = NULL;
	for (size_t i = 0; i < r.n; i++)
		if (r.groups[i].function == NULL)
			g = &r.groups[i];
	if (CHECK(g != NULL)) {
		CHECK_STR_EQ(g->state, "running");
		CHECK_INT_EQ(g->created_line, 50);
		CHECK_UINT_EQ(g->nframes, 0);
	}
	goroutines_release(&r);
}

/* What is the user's code. */
static void
test_goroutines_user(void)
{
	CHECK(goroutines_is_user("main.main", NULL));
	CHECK(goroutines_is_user("main.(*T).m.func1", "/x/main.go"));
	CHECK(goroutines_is_user("example.com/x.F", NULL));
	CHECK(goroutines_is_user("heaplens.example/samples/internal/"
	    "profiling.(*Recorder).write", NULL));
	CHECK(goroutines_is_user("command-line-arguments.F", NULL));
	CHECK(goroutines_is_user("bytes.F", "/go/src/bytes/x_test.go"));
	CHECK(!goroutines_is_user("net/http.(*conn).serve", "/go/a.go"));
	CHECK(!goroutines_is_user("runtime.gopark", NULL));
	CHECK(!goroutines_is_user("internal/poll.runtime_pollWait", NULL));
	CHECK(!goroutines_is_user("sync.(*Mutex).Lock", NULL));
	CHECK(!goroutines_is_user("mainly.F", NULL));
	CHECK(!goroutines_is_user("panic", NULL));
	CHECK(!goroutines_is_user("", NULL));
	CHECK(!goroutines_is_user("encoding/json.Marshal[go.shape.*uint8]",
	    NULL));
}

/* goleak's filters, the dump writer and the runtime's goroutines. */
static void
test_goroutines_filters(void)
{
	static const char dump[] =
	    "goroutine 1 [chan receive]:\n"
	    "runtime.gopark(0x0)\n\t/go/src/runtime/proc.go:363 +0x1\n"
	    "testing.(*T).Run(0xc, {0x1, 0x2}, 0x3)\n"
	    "\t/go/src/testing/testing.go:1494 +0x1\n"
	    "testing.runTests.func1(0x1)\n"
	    "\t/go/src/testing/testing.go:1846 +0x1\n\n"
	    "goroutine 2 [select, locked to thread]:\n"
	    "runtime.gopark(0x0)\n\t/go/src/runtime/proc.go:363 +0x1\n"
	    "runtime.ensureSigM.func1()\n"
	    "\t/go/src/runtime/signal_unix.go:1004 +0x1\n"
	    "created by runtime.ensureSigM\n"
	    "\t/go/src/runtime/signal_unix.go:987 +0x1\n\n"
	    "goroutine 3 [syscall]:\n"
	    "os/signal.signal_recv()\n"
	    "\t/go/src/runtime/sigqueue.go:152 +0x1\n"
	    "os/signal.loop()\n"
	    "\t/go/src/os/signal/signal_unix.go:23 +0x1\n"
	    "created by os/signal.Notify.func1.1\n"
	    "\t/go/src/os/signal/signal.go:151 +0x1\n\n"
	    "goroutine 4 [syscall]:\n"
	    "runtime.goexit()\n"
	    "\t/go/src/runtime/asm_amd64.s:1594 +0x1\n\n"
	    "goroutine 17 [GC worker (idle)]:\n"
	    "runtime.gopark(0x0)\n\t/go/src/runtime/proc.go:363 +0x1\n"
	    "runtime.gcBgMarkWorker()\n"
	    "\t/go/src/runtime/mgc.go:1235 +0x1\n"
	    "created by runtime.gcBgMarkStartWorkers\n"
	    "\t/go/src/runtime/mgc.go:1159 +0x1\n\n"
	    "goroutine 20 [chan receive]:\n"
	    "runtime.gopark(0x0)\n\t/go/src/runtime/proc.go:363 +0x1\n"
	    "runtime.ReadTrace()\n\t/go/src/runtime/trace.go:440 +0x1\n"
	    "runtime/trace.Start.func1()\n"
	    "\t/go/src/runtime/trace/trace.go:130 +0x1\n"
	    "created by runtime/trace.Start\n"
	    "\t/go/src/runtime/trace/trace.go:128 +0x1\n\n"
	    "goroutine 21 [running]:\n"
	    "runtime.Stack({0xc, 0x1, 0x1}, 0x1)\n"
	    "\t/go/src/runtime/mprof.go:1193 +0x1\n"
	    "main.dump()\n\t/src/app/main.go:5 +0x1\n\n"
	    "goroutine 22 [chan receive]:\n"
	    "testing.(*T).Run(0xc, {0x1, 0x2}, 0x3)\n"
	    "\t/go/src/testing/testing.go:1494 +0x1\n"
	    "example.com/app.TestX(0x1)\n"
	    "\t/src/app/x_test.go:9 +0x1\n"
	    "testing.tRunner(0xc, 0x1)\n"
	    "\t/go/src/testing/testing.go:1446 +0x1\n"
	    "created by testing.(*T).Run\n"
	    "\t/go/src/testing/testing.go:1493 +0x1\n\n"
	    "goroutine 23 [chan receive]:\n"
	    "example.com/app.leak()\n"
	    "\t/src/app/app.go:9 +0x1\n"
	    "created by example.com/app.TestX\n"
	    "\t/src/app/x_test.go:8 +0x1\n";
	struct goroutines_report r;

	if (goroutines_test_parse(dump, &r) != 0)
		return;
	CHECK_INT_EQ(r.total, 9);
	/* Everything but the leak; and TestX's subtest runner, whose
	   first frame is testing.(*T).Run, waiting in chan receive. */
	CHECK_INT_EQ(r.filtered, 8);
	if (CHECK_UINT_EQ(r.n, 1)) {
		CHECK_STR_EQ(r.groups[0].function, "example.com/app.leak");
		CHECK_INT_EQ(r.groups[0].created_line, 8);
	}
	goroutines_release(&r);
}

/* A dump cut anywhere keeps what is complete and counts what is not. */
static void
test_goroutines_cut(void)
{
	struct goroutines_report full, r;
	struct buf text = BUF_INIT;
	char *cause = NULL;
	size_t cut, len;
	const char *nl;

	if (!CHECK(goroutines_test_read("samples/artefacts/goroutineleak/"
	    "goroutine.txt", &text) == 0))
		return;
	if (goroutines_test_parse(buf_str(&text), &full) != 0) {
		buf_release(&text);
		return;
	}
	len = text.len;
	for (cut = 1; cut < len; cut += 37) {
		if (goroutines_parse("cut.txt", text.data, cut, &r,
		    &cause) != 0) {
			/* Only before the first header is complete. */
			CHECK(cut < 25);
			CHECK_STR_CONTAINS(cause, "cut.txt: no goroutine dump");
			free(cause);
			cause = NULL;
			continue;
		}
		CHECK(r.total <= full.total);
		CHECK(r.n <= 2);
		CHECK(r.groups == NULL || r.groups[0].count <= 144);
		goroutines_release(&r);
	}
	/* Cut inside a frame's location line: one cut, the rest kept. */
	nl = strstr(text.data + 1000, "main.go:45");
	if (CHECK(nl != NULL)) {
		cut = (size_t)(nl - text.data) + 5;
		if (goroutines_parse("cut.txt", text.data, cut, &r,
		    &cause) == 0) {
			CHECK_UINT_EQ(r.truncated, 1);
			CHECK(r.total >= 2);
			/* The goroutine cut kept no frame: a group of its own
			   (no stack) or none. */
			CHECK(r.groups[0].count == r.total - r.filtered - 1);
			goroutines_release(&r);
		}
		free(cause);
		cause = NULL;
	}
	/* Cut after a function line: its location is missing. */
	nl = strstr(text.data + 1000, "fetch.func1()\n");
	if (CHECK(nl != NULL)) {
		cut = (size_t)(nl - text.data) + 14;
		if (goroutines_parse("cut.txt", text.data, cut, &r,
		    &cause) == 0) {
			CHECK_UINT_EQ(r.truncated, 1);
			goroutines_release(&r);
		}
		free(cause);
	}
	goroutines_release(&full);
	buf_release(&text);
}

/* debug=1 counts near INT64_MAX saturate; one above it is an error. */
static void
test_goroutines_huge(void)
{
	static const char big[] =
	    "goroutine profile: total 18446744073709551614\n"
	    "9223372036854775807 @ 0x1 0x2\n"
	    "#\t0x1\tmain.f+0x1\t/a/main.go:3\n\n"
	    "9223372036854775807 @ 0x1 0x2\n"
	    "# labels: {\"k\":\"v\"}\n"
	    "#\t0x1\tmain.f+0x1\t/a/main.go:3\n\n";
	static const char over[] =
	    "goroutine profile: total 1\n"
	    "9223372036854775808 @ 0x1\n"
	    "#\t0x1\tmain.f+0x1\t/a/main.go:3\n";
	struct goroutines_report r, base;
	char *cause = NULL;

	if (goroutines_test_parse(big, &r) != 0)
		return;
	CHECK_INT_EQ(r.total, INT64_MAX);
	if (CHECK_UINT_EQ(r.n, 1)) {
		CHECK_INT_EQ(r.groups[0].count, INT64_MAX);
		CHECK_STR_EQ(r.groups[0].function, "main.f");
		CHECK_INT_EQ(r.groups[0].line, 3);
	}
	if (goroutines_test_parse(big, &base) == 0) {
		goroutines_compare(&r, &base);
		CHECK_INT_EQ(r.groups[0].growth, 0);
		goroutines_release(&base);
	}
	goroutines_release(&r);
	CHECK(goroutines_parse("over.txt", over, strlen(over), &r,
	    &cause) == -1);
	CHECK_STR_EQ(cause, "over.txt:2: count out of range");
	CHECK(r.groups == NULL && r.strings == NULL);
	free(cause);
}

/* 100,000 goroutines over 1,000 lines: one pass, 1,000 groups. */
static void
test_goroutines_many(void)
{
	struct buf text = BUF_INIT;
	struct goroutines_report r;
	size_t i, ok = 0;

	for (i = 0; i < 100000; i++)
		buf_addf(&text, "goroutine %zu [chan send, %zu minutes]:\n"
		    "example.com/svc.handler%zu.func1()\n"
		    "\t/home/ci/src/example.com/svc/h%zu.go:%zu +0x53\n"
		    "created by example.com/svc.handler%zu\n"
		    "\t/home/ci/src/example.com/svc/h%zu.go:%zu +0x238\n\n",
		    i + 2, i % 7, i % 1000, i % 1000, 10 + i % 1000, i % 1000,
		    i % 1000, 9 + i % 1000);
	if (goroutines_test_parse(buf_str(&text), &r) != 0) {
		buf_release(&text);
		return;
	}
	CHECK_INT_EQ(r.total, 100000);
	CHECK_UINT_EQ(r.n, 1000);
	/* Each function and file name is stored once. */
	CHECK_UINT_EQ(r.nstrings, 3001);
	for (i = 0; i < r.n; i++)
		ok += r.groups[i].count == 100 &&
		    r.groups[i].max_wait_minutes == 6 &&
		    r.groups[i].created_line == r.groups[i].line - 1;
	CHECK_UINT_EQ(ok, 1000);
	goroutines_release(&r);
	buf_release(&text);
}

/* Errors name the input and the reason. */
static void
test_goroutines_errors(void)
{
	struct goroutines_report r;
	char *cause = NULL;

	CHECK(goroutines_parse("e.txt", "", 0, &r, &cause) == -1);
	CHECK_STR_CONTAINS(cause, "e.txt: no goroutine dump found");
	free(cause);
	cause = NULL;
	CHECK(goroutines_parse("e.txt", "hello\nworld\n", 12, &r,
	    &cause) == -1);
	CHECK_STR_CONTAINS(cause, "e.txt: no goroutine dump found");
	free(cause);
	cause = NULL;
	CHECK(goroutines_load("samples/artefacts/goroutineleak/heap.pb.gz",
	    GOROUTINES_MAX_BYTES, &r, &cause) == -1);
	CHECK_STR_CONTAINS(cause, "heap.pb.gz: not a goroutine profile");
	free(cause);
	cause = NULL;
	CHECK(goroutines_parse("g.pb.gz", "\x1f\x8b\x08", 3, &r,
	    &cause) == -1);
	CHECK_STR_CONTAINS(cause, "g.pb.gz");
	free(cause);
	cause = NULL;
	CHECK(goroutines_load("samples/artefacts/none.txt",
	    GOROUTINES_MAX_BYTES, &r, &cause) == -1);
	CHECK_STR_CONTAINS(cause, "none.txt: No such file");
	free(cause);
	cause = NULL;
	CHECK(goroutines_load("samples/artefacts/goroutineleak/goroutine.txt",
	    100, &r, &cause) == -1);
	CHECK_STR_CONTAINS(cause, "exceeds the limit of 100 bytes");
	free(cause);
}

const struct unit_test goroutines_tests[] = {
	{ "samples: three formats agree", test_goroutines_samples_agree },
	{ "samples: README facts", test_goroutines_sample_facts },
	{ "bodyleak: no user frame, grouped by creator",
	    test_goroutines_bodyleak },
	{ "base: growth", test_goroutines_base },
	{ "header and creator forms", test_goroutines_forms },
	{ "user code", test_goroutines_user },
	{ "filters", test_goroutines_filters },
	{ "cut mid-frame", test_goroutines_cut },
	{ "huge counts", test_goroutines_huge },
	{ "100000 goroutines", test_goroutines_many },
	{ "errors", test_goroutines_errors },
	{ NULL, NULL }
};
