/*
 * cmd-lines.c - heaplens lines: the cost of each source line in a profile,
 * as `go tool pprof -lines -top` computes it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "analyzers/lines.h"
#include "analyzers/pprof.h"
#include "analyzers/sourcemap.h"
#include "analyzers/units.h"
#include "cli.h"
#include "protocol/json.h"
#include "protocol/util.h"

static int cmd_lines_exec(int argc, char **argv);

const struct cmd_entry cmd_lines_entry = {
	.name = "lines",
	.usage = "PROFILE [--sample-index NAME] [--base PROFILE] [--top N] "
	    "[--trim-path P] [--source-path DIR] [--json]",
	.summary = "show what each source line costs in a pprof profile",
	.help =
	    "  PROFILE              a pprof profile (heap, allocs, CPU, goroutine,\n"
	    "                       mutex, block), gzip-compressed or plain\n"
	    "  --sample-index NAME  the value to show: alloc_space, alloc_objects,\n"
	    "                       inuse_space, inuse_objects, samples, cpu, ...\n"
	    "                       (default: the profile's default sample type)\n"
	    "  --base PROFILE       subtract an earlier profile first (pprof's\n"
	    "                       -diff_base): what grew between the two\n"
	    "  --top N              show only the N costliest lines\n"
	    "  --trim-path P        cut prefix P (':'-separated list) from the\n"
	    "                       profile's file paths, as pprof's -trim_path\n"
	    "  --source-path DIR    look for source files under DIR (':'-separated\n"
	    "                       list) instead of the current directory\n"
	    "  --json               print {sample_index, unit, total, lines: [{file,\n"
	    "                       line, function, flat, cum, source}]} with raw\n"
	    "                       values; source is the local file or null\n"
	    "Lines are sorted as go tool pprof -top sorts them; their values agree\n"
	    "with go tool pprof -lines -top -sample_index=NAME.\n",
	.exec = cmd_lines_exec,
};

/* Print the report as JSON. */
static void
cmd_lines_json(const struct lines_report *r, struct sourcemap *map,
    size_t top)
{
	json_t *doc, *lines = json_array();
	size_t i;
	char *text;

	for (i = 0; i < r->n && i < top; i++)
		json_array_append_new(lines, json_pack(
		    "{s:s, s:I, s:s, s:I, s:I, s:s?}",
		    "file", r->entries[i].file,
		    "line", (json_int_t)r->entries[i].line,
		    "function", r->entries[i].function,
		    "flat", (json_int_t)r->entries[i].flat,
		    "cum", (json_int_t)r->entries[i].cum,
		    "source", sourcemap_resolve(map, r->entries[i].file)));
	doc = json_pack("{s:s, s:s, s:I, s:o}", "sample_index",
	    r->sample_index, "unit", r->unit, "total", (json_int_t)r->total,
	    "lines", lines);
	text = json_dumps(doc, JSON_INDENT(2));
	puts(text);
	free(text);
	json_decref(doc);
}

/* Return a percentage of the total, 0 when there is none. */
static double
cmd_lines_pct(int64_t v, int64_t total)
{
	return total != 0 ? 100.0 * (double)v / (double)total : 0;
}

/* Print the report as a table; resolved files are shown as local paths. */
static void
cmd_lines_text(const struct lines_report *r, struct sourcemap *map,
    const char *name, size_t top)
{
	char flat[32], cum[32], total[32], cwd[PATH_MAX];
	const char *file;
	size_t i;

	if (getcwd(cwd, sizeof cwd) == NULL)
		cwd[0] = '\0';
	printf("%s: %s, total %s, %zu lines%s\n", name, r->sample_index,
	    units_format(r->total, r->unit, total, sizeof total), r->n,
	    top < r->n ? " (top shown)" : "");
	printf("%10s %6s %10s %6s  %s\n", "flat", "flat%", "cum", "cum%",
	    "function  file:line");
	for (i = 0; i < r->n && i < top; i++) {
		file = sourcemap_resolve(map, r->entries[i].file);
		file = file != NULL ? cli_relative(file, cwd) :
		    r->entries[i].file;
		printf("%10s %5.1f%% %10s %5.1f%%  %s  %s:%lld\n",
		    units_format(r->entries[i].flat, r->unit, flat, sizeof flat),
		    cmd_lines_pct(r->entries[i].flat, r->total),
		    units_format(r->entries[i].cum, r->unit, cum, sizeof cum),
		    cmd_lines_pct(r->entries[i].cum, r->total),
		    *r->entries[i].function ? r->entries[i].function :
		    "<unknown>", file, (long long)r->entries[i].line);
	}
}

/* Run heaplens lines. */
static int
cmd_lines_exec(int argc, char **argv)
{
	const char *index_name = NULL, *base_path = NULL, *top_arg = NULL;
	const char *trim = NULL, *source = NULL;
	struct sourcemap *map = NULL;
	struct cli_profiles pr = { NULL, 0, NULL, 0 };
	struct lines_report r;
	char **args, *cause = NULL, *end;
	int json = 0, nargs, code;
	size_t top = (size_t)-1;
	const struct cli_option opts[] = {
		{ "--sample-index", &index_name, NULL },
		{ "--base", &base_path, NULL },
		{ "--top", &top_arg, NULL },
		{ "--trim-path", &trim, NULL },
		{ "--source-path", &source, NULL },
		{ "--json", NULL, &json },
		{ NULL, NULL, NULL }
	};

	args = xcalloc((size_t)argc, sizeof *args);
	code = cli_parse(&cmd_lines_entry, argc, argv, opts, args, &nargs);
	if (code == 0 && nargs != 1)
		code = cli_usage_error(&cmd_lines_entry, nargs == 0 ?
		    "missing PROFILE" : "one PROFILE at a time");
	if (code == 0 && top_arg != NULL) {
		errno = 0;
		top = strtoull(top_arg, &end, 10);
		if (errno != 0 || *end != '\0' || *top_arg < '0' ||
		    *top_arg > '9')
			code = cli_usage_error(&cmd_lines_entry,
			    "--top wants a count, not '%s'", top_arg);
	}
	if (code != 0)
		goto out;
	code = 2;
	if (cli_load_profiles(args[0], index_name, base_path, &pr,
	    &cause) != 0)
		goto fail;
	lines_compute(pr.p, pr.index, pr.base, pr.base_index, &r);
	map = cli_sourcemap(trim, source);
	if (json)
		cmd_lines_json(&r, map, top);
	else
		cmd_lines_text(&r, map, args[0], top);
	sourcemap_free(map);
	lines_release(&r);
	code = 0;
	goto out;

fail:
	error("%s", cause);
	free(cause);
out:
	cli_profiles_release(&pr);
	free(args);
	return code == 1 ? 0 : code;
}
