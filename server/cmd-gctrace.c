/*
 * cmd-gctrace.c - heaplens gctrace: summarise a GODEBUG=gctrace=1 log
 * (pauses, GC CPU, live heap) and say whether the live heap is growing.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "analyzers/gctrace.h"
#include "cli.h"
#include "present.h"
#include "protocol/util.h"

/* Bound on a trace read from a file or standard input. */
#define CMD_GCTRACE_MAX_BYTES (256u << 20)

static int cmd_gctrace_exec(int argc, char **argv);

const struct cmd_entry cmd_gctrace_entry = {
	.name = "gctrace",
	.usage = "LOG [--json]",
	.summary = "summarise a GC trace and tell whether the live heap grows",
	.help =
	    "  LOG     a Go program's stderr under GODEBUG=gctrace=1 (a file,\n"
	    "          or - for standard input); any Go release since 1.10.\n"
	    "          Other lines (the program's output, scvg/scav, pacer)\n"
	    "          are ignored; malformed gc lines are skipped and counted\n"
	    "  --json  print {cycles, span_s, first_s, last_s, gc_per_min,\n"
	    "          forced, skipped, pause_ms: {total, p50, p95, p99, max},\n"
	    "          gc_cpu_percent, live_mb: [...], goal_mb: [...], trend:\n"
	    "          {mb_per_min, r2, verdict, reason, cycles, first_cycle,\n"
	    "          last_cycle, first_mb, last_mb, rise_mb}}\n"
	    "Pauses are the two stop-the-world phases of each cycle (the first\n"
	    "and third clock times), percentiles by nearest rank. GC CPU is the\n"
	    "runtime's own cumulative figure on the last line. The verdict,\n"
	    "steady or growing, comes from a least-squares fit of the live heap\n"
	    "after each cycle over time, leaving out the warm-up and a final\n"
	    "forced collection; growing needs 8 cycles, R\xc2\xb2 >= 0.5, a rise of\n"
	    "2 MB and 10% of the heap, still rising in the later half. The\n"
	    "exit status is 0 either way (2 for usage or input errors).\n",
	.exec = cmd_gctrace_exec,
};

/* Read standard input, bounded, and parse it. Returns 0 or -1 with *cause. */
static int
cmd_gctrace_stdin(struct gctrace_summary *s, char **cause)
{
	struct buf b = BUF_INIT;
	int rc = -1;

	if (cli_read_stdin(CMD_GCTRACE_MAX_BYTES, &b, cause) == 0)
		rc = gctrace_parse("<stdin>", buf_str(&b), b.len, s, cause);
	buf_release(&b);
	return rc;
}

/* Print the summary for a person. */
static void
cmd_gctrace_print(const char *input, const struct gctrace_summary *s)
{
	printf("%s: %zu GC cycle%s over %.3f s (%.1f per minute)",
	    strcmp(input, "-") == 0 ? "<stdin>" : input, s->n,
	    s->n == 1 ? "" : "s", s->span_s, s->gc_per_min);
	if (s->forced > 0)
		printf(", %zu forced", s->forced);
	printf("\n");
	if (s->skipped > 0)
		printf("skipped: %zu malformed gc line%s\n", s->skipped,
		    s->skipped == 1 ? "" : "s");
	if (s->earlier > 0)
		printf("earlier runs: %zu cycles before the cycle count "
		    "restarted, left out\n", s->earlier);
	printf("pauses:    total %.3f ms, p50 %.3f, p95 %.3f, p99 %.3f, "
	    "max %.3f ms\n", s->pause_total_ms, s->pause_p50_ms,
	    s->pause_p95_ms, s->pause_p99_ms, s->pause_max_ms);
	printf("GC CPU:    %llu%% since the program started\n",
	    (unsigned long long)s->gc_cpu_percent);
	printf("live heap: %llu -> %llu MB (max %llu MB)\n",
	    (unsigned long long)s->live_first_mb,
	    (unsigned long long)s->live_last_mb,
	    (unsigned long long)s->live_max_mb);
	printf("verdict:   %s: %s\n", gctrace_verdict_name(s->trend.verdict),
	    s->trend.reason);
}

/* Run heaplens gctrace. */
static int
cmd_gctrace_exec(int argc, char **argv)
{
	struct gctrace_summary s;
	char **args, *cause = NULL, *text;
	json_t *doc;
	int json = 0, nargs, code, rc;
	const struct cli_option opts[] = {
		{ "--json", NULL, &json },
		{ NULL, NULL, NULL }
	};

	args = xcalloc((size_t)argc, sizeof *args);
	code = cli_parse(&cmd_gctrace_entry, argc, argv, opts, args, &nargs);
	if (code == 0 && nargs == 0)
		code = cli_usage_error(&cmd_gctrace_entry, "missing LOG");
	if (code == 0 && nargs > 1)
		code = cli_usage_error(&cmd_gctrace_entry, "one LOG at a time, "
		    "not %d", nargs);
	if (code != 0)
		goto out;
	rc = strcmp(args[0], "-") == 0 ? cmd_gctrace_stdin(&s, &cause) :
	    gctrace_load(args[0], CMD_GCTRACE_MAX_BYTES, &s, &cause);
	if (rc != 0) {
		error("%s", cause);
		free(cause);
		code = 2;
		goto out;
	}
	if (json) {
		doc = gctrace_json(&s);
		text = json_dumps(doc, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
		puts(text);
		free(text);
		json_decref(doc);
	} else {
		cmd_gctrace_print(args[0], &s);
	}
	gctrace_release(&s);
out:
	free(args);
	return code == 1 ? 0 : code;
}
