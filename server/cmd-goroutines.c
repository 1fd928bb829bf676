/*
 * cmd-goroutines.c - heaplens goroutines: a goroutine dump or profile in
 * groups (creator, state, blocking line), largest first, or with --base the
 * groups that grew since an earlier dump.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "analyzers/goroutines.h"
#include "analyzers/sourcemap.h"
#include "cli.h"
#include "protocol/json.h"
#include "protocol/util.h"

static int cmd_goroutines_exec(int argc, char **argv);

const struct cmd_entry cmd_goroutines_entry = {
	.name = "goroutines",
	.usage = "INPUT [--base INPUT] [--top N] [--frames] [--trim-path P] "
	    "[--source-path DIR] [--json]",
	.summary = "group a goroutine dump's goroutines to find the leaking ones",
	.help =
	    "  INPUT                a goroutine dump: pprof's debug=2 text (or what\n"
	    "                       a crash or SIGQUIT prints), debug=1 text, or a\n"
	    "                       goroutine profile (.pb.gz); - for standard input\n"
	    "  --base INPUT         an earlier dump of the same program: show each\n"
	    "                       group's growth since it, largest first\n"
	    "  --top N              print the N largest groups only\n"
	    "  --frames             print each group's stack under it\n"
	    "  --trim-path P        cut prefix P (':'-separated list) from paths\n"
	    "  --source-path DIR    look for source files under DIR (':'-separated\n"
	    "                       list) instead of the current directory\n"
	    "  --json               print {format, total, filtered, truncated,\n"
	    "                       groups: [{count, state, max_wait_minutes,\n"
	    "                       function, user, blocked_at: {file, line},\n"
	    "                       created_by, created_at: {file, line}, growth,\n"
	    "                       frames}]}; null where the format has no such\n"
	    "                       thing, growth only with --base\n"
	    "Goroutines group by creation site, wait state and the first frame in\n"
	    "the program's own code (the first outside the runtime when no frame\n"
	    "is). The runtime's, the test harness's and the dump writer's own\n"
	    "goroutines are counted as filtered. debug=1 dumps and profiles carry\n"
	    "no states, waits or creation sites.\n",
	.exec = cmd_goroutines_exec,
};

struct cmd_goroutines {
	struct sourcemap *map;
	long top;			/* or -1 */
	int frames;
	char cwd[PATH_MAX];
};

/* Read standard input, bounded, and parse it. Returns 0 or -1 with *cause. */
static int
cmd_goroutines_stdin(struct goroutines_report *r, char **cause)
{
	struct buf b = BUF_INIT;
	int rc = -1;

	if (cli_read_stdin(GOROUTINES_MAX_BYTES, &b, cause) == 0)
		rc = goroutines_parse("<stdin>", buf_str(&b), b.len, r, cause);
	buf_release(&b);
	return rc;
}

/* Load INPUT (a file or -). Returns 0 or -1 with *cause. */
static int
cmd_goroutines_load(const char *input, struct goroutines_report *r,
    char **cause)
{
	if (strcmp(input, "-") == 0)
		return cmd_goroutines_stdin(r, cause);
	return goroutines_load(input, GOROUTINES_MAX_BYTES, r, cause);
}

/* Return a file for display: the local file, relative to cwd when under it. */
static const char *
cmd_goroutines_display(const struct cmd_goroutines *c, const char *file)
{
	const char *local;

	if (file == NULL)
		return NULL;
	local = sourcemap_resolve(c->map, file);
	return local != NULL ? cli_relative(local, c->cwd) : file;
}

/* Print the summary line above the groups. */
static void
cmd_goroutines_summary(const struct goroutines_report *r)
{
	printf("%lld goroutine%s (%s)", (long long)r->total,
	    r->total == 1 ? "" : "s", goroutines_format_name(r->format));
	if (r->compared)
		printf(", %lld in the base", (long long)r->base_total);
	printf(", %zu group%s, %lld filtered (runtime, testing, the dump's "
	    "writer)", r->n, r->n == 1 ? "" : "s", (long long)r->filtered);
	if (r->truncated > 0)
		printf(", %zu cut short", r->truncated);
	if (r->format != GOROUTINES_FORMAT_DEBUG2)
		printf("; %s has no states, waits or creation sites",
		    r->format == GOROUTINES_FORMAT_DEBUG1 ? "debug=1" :
		    "a goroutine profile");
	printf("\n");
}

/* Print one group as text. */
static void
cmd_goroutines_print(const struct cmd_goroutines *c,
    const struct goroutines_report *r, const struct goroutines_group *g)
{
	size_t k;

	printf("%lld goroutine%s", (long long)g->count, g->count == 1 ? "" :
	    "s");
	if (g->state != NULL) {
		printf(" [%s", g->state);
		if (g->max_wait_minutes > 0)
			printf(", up to %lld minutes",
			    (long long)g->max_wait_minutes);
		if (g->locked)
			printf(", locked to thread");
		printf("]");
	}
	if (g->function != NULL)
		printf(" in %s at %s:%lld", g->function,
		    cmd_goroutines_display(c, g->file), (long long)g->line);
	else
		printf(" with no stack");
	if (!g->user && g->function != NULL)
		printf(" (no frame of the program's own)");
	if (g->created_by != NULL)
		printf(", created by %s at %s:%lld", g->created_by,
		    cmd_goroutines_display(c, g->created_file),
		    (long long)g->created_line);
	if (r->compared)
		printf(" (%+lld since base)", (long long)g->growth);
	printf("\n");
	for (k = 0; c->frames && k < g->nframes; k++)
		printf("\t%s %s:%lld\n", g->frames[k].function,
		    cmd_goroutines_display(c, g->frames[k].file),
		    (long long)g->frames[k].line);
}

/* Return a {file, line} object, or null. New reference. */
static json_t *
cmd_goroutines_pos(const char *file, int64_t line)
{
	if (file == NULL)
		return json_null();
	return json_pack("{s:o, s:I}", "file", json_string_lossy(file),
	    "line", (json_int_t)line);
}

/* Return a string or null. New reference. */
static json_t *
cmd_goroutines_str(const char *s)
{
	return s != NULL ? json_string_lossy(s) : json_null();
}

/* Build one group's JSON. New reference. */
static json_t *
cmd_goroutines_group_json(const struct goroutines_report *r,
    const struct goroutines_group *g)
{
	json_t *frames = json_array(), *o;
	size_t k;

	for (k = 0; k < g->nframes; k++)
		json_array_append_new(frames, json_pack("{s:o, s:o, s:I}",
		    "function", json_string_lossy(g->frames[k].function),
		    "file", cmd_goroutines_str(g->frames[k].file), "line",
		    (json_int_t)g->frames[k].line));
	o = json_pack("{s:I, s:o, s:o, s:o, s:b, s:o, s:o, s:o, s:o}",
	    "count", (json_int_t)g->count,
	    "state", cmd_goroutines_str(g->state),
	    "max_wait_minutes", g->max_wait_minutes >= 0 ?
	    json_integer(g->max_wait_minutes) : json_null(),
	    "function", cmd_goroutines_str(g->function),
	    "user", g->user,
	    "blocked_at", cmd_goroutines_pos(g->file, g->line),
	    "created_by", cmd_goroutines_str(g->created_by),
	    "created_at", cmd_goroutines_pos(g->created_file, g->created_line),
	    "frames", frames);
	if (r->compared) {
		json_object_set_new(o, "growth", json_integer(g->growth));
		json_object_set_new(o, "base_count",
		    json_integer(g->base_count));
	}
	return o;
}

/* Print the whole report as JSON. */
static void
cmd_goroutines_json(const struct cmd_goroutines *c,
    const struct goroutines_report *r)
{
	json_t *doc, *groups = json_array();
	char *text;
	size_t i;

	for (i = 0; i < r->n && (c->top < 0 || (long)i < c->top); i++)
		json_array_append_new(groups,
		    cmd_goroutines_group_json(r, &r->groups[i]));
	doc = json_pack("{s:s, s:I, s:I, s:I, s:o, s:o}", "format",
	    goroutines_format_name(r->format), "total", (json_int_t)r->total,
	    "filtered", (json_int_t)r->filtered, "truncated",
	    (json_int_t)r->truncated, "base_total", r->compared ?
	    json_integer(r->base_total) : json_null(), "groups", groups);
	text = json_dumps(doc, JSON_INDENT(2));
	puts(text);
	free(text);
	json_decref(doc);
}

/* Check --top. Returns 0, or 2 after a message. */
static int
cmd_goroutines_check(struct cmd_goroutines *c, const char *top)
{
	char *end;

	if (top == NULL)
		return 0;
	errno = 0;
	c->top = strtol(top, &end, 10);
	if (errno != 0 || *end != '\0' || end == top || c->top < 1)
		return cli_usage_error(&cmd_goroutines_entry,
		    "--top wants a positive number, not '%s'", top);
	return 0;
}

/* Run heaplens goroutines. */
static int
cmd_goroutines_exec(int argc, char **argv)
{
	const char *base_path = NULL, *top = NULL, *trim = NULL;
	const char *source_path = NULL;
	struct goroutines_report r, base;
	struct cmd_goroutines c;
	char **args, *cause = NULL;
	int json = 0, nargs, code;
	size_t i;
	const struct cli_option opts[] = {
		{ "--base", &base_path, NULL },
		{ "--top", &top, NULL },
		{ "--frames", NULL, &c.frames },
		{ "--trim-path", &trim, NULL },
		{ "--source-path", &source_path, NULL },
		{ "--json", NULL, &json },
		{ NULL, NULL, NULL }
	};

	memset(&c, 0, sizeof c);
	memset(&r, 0, sizeof r);
	memset(&base, 0, sizeof base);
	c.top = -1;
	args = xcalloc((size_t)argc, sizeof *args);
	code = cli_parse(&cmd_goroutines_entry, argc, argv, opts, args, &nargs);
	if (code == 0 && nargs == 0)
		code = cli_usage_error(&cmd_goroutines_entry, "missing INPUT");
	if (code == 0 && nargs > 1)
		code = cli_usage_error(&cmd_goroutines_entry,
		    "one INPUT only (an earlier dump goes with --base)");
	if (code == 0 && base_path != NULL && strcmp(base_path, "-") == 0 &&
	    strcmp(args[0], "-") == 0)
		code = cli_usage_error(&cmd_goroutines_entry,
		    "INPUT and --base cannot both be standard input");
	if (code == 0)
		code = cmd_goroutines_check(&c, top);
	if (code != 0)
		goto out;
	if (getcwd(c.cwd, sizeof c.cwd) == NULL)
		c.cwd[0] = '\0';
	code = 2;
	if (cmd_goroutines_load(args[0], &r, &cause) != 0)
		goto fail;
	if (base_path != NULL) {
		if (cmd_goroutines_load(base_path, &base, &cause) != 0)
			goto fail;
		goroutines_compare(&r, &base);
	}
	if (json) {
		cmd_goroutines_json(&c, &r);
	} else {
		c.map = cli_sourcemap(trim, source_path);
		cmd_goroutines_summary(&r);
		for (i = 0; i < r.n && (c.top < 0 || (long)i < c.top); i++)
			cmd_goroutines_print(&c, &r, &r.groups[i]);
	}
	code = 0;
	goto out;

fail:
	error("%s", cause);
	free(cause);
out:
	goroutines_release(&r);
	goroutines_release(&base);
	sourcemap_free(c.map);
	free(args);
	return code == 1 ? 0 : code;
}
