/*
 * goroutines-fuzzer.c - libFuzzer target for the goroutine dump reader:
 * the input goes through goroutines_parse() as it is (any format it
 * detects, the protobuf one included), after a debug=2 header and after a
 * debug=1 header, and every report is checked against goroutines.h.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analyzers/goroutines.h"
#include "protocol/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Check a string a report hands out: present, and readable to its end. */
static void
goroutines_fuzz_str(const char *s)
{
	if (s == NULL)
		abort();
	(void)strlen(s);
}

/* Check a report against the invariants of goroutines.h. */
static void
goroutines_fuzz_check(const struct goroutines_report *r)
{
	const struct goroutines_group *g;
	int64_t sum = 0;
	size_t i, k;

	if (r->total < 0 || r->filtered < 0 || r->filtered > r->total ||
	    (r->n > 0 && r->groups == NULL))
		abort();
	for (i = 0; i < r->n; i++) {
		g = &r->groups[i];
		if (g->count <= 0 || g->line < 0 || g->created_line < 0 ||
		    g->nframes > GOROUTINES_MAX_FRAMES)
			abort();
		sum = sum > INT64_MAX - g->count ? INT64_MAX : sum + g->count;
		if (i > 0 && r->groups[i - 1].count < g->count)
			abort();
		if ((g->function == NULL) != (g->nframes == 0))
			abort();
		if (g->function != NULL)
			goroutines_fuzz_str(g->function);
		if (r->format != GOROUTINES_FORMAT_DEBUG2 &&
		    (g->state != NULL || g->created_by != NULL ||
		    g->max_wait_minutes != -1))
			abort();
		if (r->format == GOROUTINES_FORMAT_DEBUG2 &&
		    (g->state == NULL || g->max_wait_minutes < 0))
			abort();
		if (g->user && !goroutines_is_user(g->function, g->file))
			abort();
		for (k = 0; k < g->nframes; k++) {
			goroutines_fuzz_str(g->frames[k].function);
			if (g->frames[k].line < 0)
				abort();
		}
	}
	if (sum > r->total - r->filtered && r->total != INT64_MAX)
		abort();
	for (i = 0; i < r->nstrings; i++)
		goroutines_fuzz_str(r->strings[i]);
}

/* Parse one input and check what comes back, report or cause. */
static void
goroutines_fuzz_parse(const char *data, size_t size)
{
	struct goroutines_report r, copy;
	char *cause = NULL;

	if (goroutines_parse("fuzz", data, size, &r, &cause) == 0) {
		if (cause != NULL)
			abort();
		goroutines_fuzz_check(&r);
		/* Comparing with itself: no growth anywhere. */
		if (goroutines_parse("fuzz", data, size, &copy, &cause) != 0)
			abort();
		goroutines_compare(&r, &copy);
		for (size_t i = 0; i < r.n; i++)
			if (r.groups[i].growth != 0)
				abort();
		goroutines_release(&copy);
		goroutines_release(&r);
		if (r.n != 0 || r.groups != NULL || r.strings != NULL)
			abort();
		return;
	}
	if (cause == NULL || strncmp(cause, "fuzz", 4) != 0 || r.n != 0 ||
	    r.groups != NULL || r.strings != NULL)
		abort();
	free(cause);
}

/* Run one input: as it is, then behind each text header. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const headers[] = {
		"goroutine 1 [chan send]:\n",
		"goroutine profile: total 1\n1 @ 0x1\n"
	};
	size_t h, n;
	char *buf;

	goroutines_fuzz_parse((const char *)data, size);
	for (h = 0; h < 2; h++) {
		n = strlen(headers[h]);
		/* Exactly as long as the input: reading past it is a bug. */
		buf = xmalloc(n + size);
		memcpy(buf, headers[h], n);
		if (size > 0)
			memcpy(buf + n, data, size);
		goroutines_fuzz_parse(buf, n + size);
		free(buf);
	}
	return 0;
}
