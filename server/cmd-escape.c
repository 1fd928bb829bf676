/*
 * cmd-escape.c - heaplens escape: the compiler's escape analysis (-json
 * directories or files, -m / -m=2 text), one line per site, joined with
 * what a profile measured at each site's line when one is given.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "analyzers/escape.h"
#include "analyzers/lines.h"
#include "analyzers/pprof.h"
#include "analyzers/sourcemap.h"
#include "analyzers/units.h"
#include "cli.h"
#include "protocol/json.h"
#include "protocol/util.h"

/* Bound on escape output read from standard input. */
#define CMD_ESCAPE_MAX_STDIN (256u << 20)

static int cmd_escape_exec(int argc, char **argv);

const struct cmd_entry cmd_escape_entry = {
	.name = "escape",
	.usage = "INPUT... [--annotations LIST] [--profile PROFILE] "
	    "[--sample-index NAME] [--hot PCT] [--flow] [--trim-path P] "
	    "[--source-path DIR] [--json]",
	.summary = "show the compiler's escape analysis, with what it costs",
	.help =
	    "  INPUT                go build -gcflags=-m or -m=2 output (a file, or\n"
	    "                       - for standard input), a .json file of\n"
	    "                       -gcflags=-json=0,DIR, or DIR itself\n"
	    "  --annotations LIST   what to show, ','-separated: escape (escapes,\n"
	    "                       moved to heap, leaking params; the default),\n"
	    "                       inline, bounds, nil, other, or all\n"
	    "  --profile PROFILE    join each site with the cost a pprof profile\n"
	    "                       measured at its line\n"
	    "  --sample-index NAME  the profile's value to show (default\n"
	    "                       alloc_space when it has it)\n"
	    "  --hot PCT            only sites whose line costs PCT% or more of the\n"
	    "                       profile's total (needs --profile)\n"
	    "  --flow               print the compiler's explanation under each site\n"
	    "                       (-m=2 and -json carry one)\n"
	    "  --trim-path P        cut prefix P (':'-separated list) from paths\n"
	    "  --source-path DIR    look for source files under DIR (':'-separated\n"
	    "                       list) instead of the current directory\n"
	    "  --json               print {inputs: [{path, format, package, sites}],\n"
	    "                       sites: [{file, line, col, kind, message,\n"
	    "                       source, cost, flow: [{file, line, col,\n"
	    "                       message}]}]}; source is the local file or\n"
	    "                       null, cost {sample_index, unit, flat, total}\n"
	    "                       or null\n"
	    "Lines and columns are 1-based, columns in bytes, as the compiler and\n"
	    "go vet print them. Each site reads `file:line:col: message [kind]`,\n"
	    "kind being escape, moved, leak, or the compiler's own code.\n",
	.exec = cmd_escape_exec,
};

/* The cost of one (file, line) of the profile. */
struct cmd_escape_cost {
	const char *file;		/* resolved, owned by the map */
	int64_t line;
	int64_t flat;
};

struct cmd_escape {
	struct sourcemap *map;
	unsigned categories;		/* bit per enum escape_category */
	int flow;
	double hot;			/* percent, or < 0 */
	struct pprof_profile *profile;
	struct lines_report lines;	/* when a profile is given */
	struct cmd_escape_cost *costs;	/* sorted by file, line */
	size_t ncosts;
	char cwd[PATH_MAX];
};

/* Parse --annotations into category bits; -1 on an unknown name. */
static int
cmd_escape_categories(const char *list, unsigned *bits)
{
	char *copy = xstrdup(list), *name, *save = NULL;
	enum escape_category c;
	int known;

	*bits = 0;
	for (name = strtok_r(copy, ",", &save); name != NULL;
	    name = strtok_r(NULL, ",", &save)) {
		if (strcmp(name, "all") == 0) {
			*bits = ~0u;
			continue;
		}
		known = 0;
		for (c = ESCAPE_CAT_ESCAPE; c <= ESCAPE_CAT_OTHER; c++) {
			if (strcmp(name, escape_category_name(c)) == 0) {
				*bits |= 1u << c;
				known = 1;
			}
		}
		if (!known) {
			free(copy);
			return -1;
		}
	}
	free(copy);
	return *bits != 0 ? 0 : -1;
}

/* Order costs by file and line. */
static int
cmd_escape_cost_cmp(const void *pa, const void *pb)
{
	const struct cmd_escape_cost *a = pa, *b = pb;
	int c = strcmp(a->file, b->file);

	if (c != 0)
		return c;
	return a->line < b->line ? -1 : a->line > b->line;
}

/*
 * Sum the profile's flat cost per resolved (file, line): inlined functions
 * and closures have their own entries on one line.
 */
static void
cmd_escape_index_costs(struct cmd_escape *e)
{
	const struct lines_entry *l;
	const char *file;
	size_t i, keep;

	e->costs = xcalloc(e->lines.n + 1, sizeof *e->costs);
	for (i = 0; i < e->lines.n; i++) {
		l = &e->lines.entries[i];
		file = sourcemap_resolve(e->map, l->file);
		if (file == NULL)
			continue;
		e->costs[e->ncosts].file = file;
		e->costs[e->ncosts].line = l->line;
		e->costs[e->ncosts++].flat = l->flat;
	}
	qsort(e->costs, e->ncosts, sizeof *e->costs, cmd_escape_cost_cmp);
	for (i = 0, keep = 0; i < e->ncosts; i++) {
		if (keep > 0 && cmd_escape_cost_cmp(&e->costs[keep - 1],
		    &e->costs[i]) == 0)
			e->costs[keep - 1].flat += e->costs[i].flat;
		else
			e->costs[keep++] = e->costs[i];
	}
	e->ncosts = keep;
}

/* Return the cost at a resolved file's line, or NULL. */
static const struct cmd_escape_cost *
cmd_escape_cost(const struct cmd_escape *e, const char *file, int64_t line)
{
	struct cmd_escape_cost key = { file, line, 0 };

	if (file == NULL || e->ncosts == 0)
		return NULL;
	return bsearch(&key, e->costs, e->ncosts, sizeof *e->costs,
	    cmd_escape_cost_cmp);
}

/*
 * Return the directory relative paths of an input are looked up near:
 * the input's own directory (a -json directory is its own), canonical.
 * NULL for standard input: the current directory's rules apply.
 */
static char *
cmd_escape_near(const char *input)
{
	char real[PATH_MAX], *slash;
	struct stat st;

	if (strcmp(input, "-") == 0 || realpath(input, real) == NULL ||
	    stat(real, &st) != 0)
		return NULL;
	if (!S_ISDIR(st.st_mode) && (slash = strrchr(real, '/')) != NULL)
		slash[slash == real] = '\0';
	return xstrdup(real);
}

/* Read standard input, bounded, and parse it. Returns 0 or -1 with *cause. */
static int
cmd_escape_stdin(struct escape_report *r, char **cause)
{
	struct buf b = BUF_INIT;
	int rc = -1;

	if (cli_read_stdin(CMD_ESCAPE_MAX_STDIN, &b, cause) == 0)
		rc = escape_parse("<stdin>", buf_str(&b), b.len, r, cause);
	buf_release(&b);
	return rc;
}

/* Return whether a site passes the filters; *cost gets its cost. */
static int
cmd_escape_wanted(const struct cmd_escape *e, const struct escape_site *site,
    const char *source, const struct cmd_escape_cost **cost)
{
	*cost = NULL;
	if (!(e->categories & (1u << site->category)))
		return 0;
	if (e->profile != NULL && site->category == ESCAPE_CAT_ESCAPE)
		*cost = cmd_escape_cost(e, source, site->line);
	if (e->hot < 0)
		return 1;
	return *cost != NULL && e->lines.total != 0 && 100.0 *
	    (double)llabs((long long)(*cost)->flat) /
	    (double)llabs((long long)e->lines.total) >= e->hot;
}

/* Print one site as text. */
static void
cmd_escape_print(const struct cmd_escape *e, const struct escape_site *site,
    const char *source, const struct cmd_escape_cost *cost,
    const char *near)
{
	const struct escape_step *step;
	const char *file;
	char v[32];
	size_t k;

	printf("%s:%lld:%lld: %s", source != NULL ?
	    cli_relative(source, e->cwd) : site->file,
	    (long long)site->line, (long long)site->col, site->message);
	if (cost != NULL && cost->flat != 0)
		printf(" \xe2\x80\x94 %s (%.1f%%) %s here",
		    units_format(cost->flat, e->lines.unit, v, sizeof v),
		    e->lines.total != 0 ? 100.0 * (double)cost->flat /
		    (double)e->lines.total : 0,
		    strncmp(e->lines.sample_index, "inuse", 5) == 0 ?
		    "in use" : "allocated");
	printf(" [%s]\n", site->kind);
	for (k = 0; e->flow && k < site->nflow; k++) {
		step = &site->flow[k];
		file = sourcemap_resolve_near(e->map, near, step->file);
		printf("\t%s:%lld:%lld: %s\n", file != NULL ?
		    cli_relative(file, e->cwd) : step->file,
		    (long long)step->line, (long long)step->col,
		    step->message);
	}
}

/* Build one site's JSON. */
static json_t *
cmd_escape_site_json(const struct cmd_escape *e,
    const struct escape_site *site, const char *source,
    const struct cmd_escape_cost *cost)
{
	json_t *flow = json_array();
	size_t k;

	for (k = 0; k < site->nflow; k++)
		json_array_append_new(flow, json_pack("{s:o, s:I, s:I, s:o}",
		    "file", json_string_lossy(site->flow[k].file), "line",
		    (json_int_t)site->flow[k].line, "col",
		    (json_int_t)site->flow[k].col, "message",
		    json_string_lossy(site->flow[k].message)));
	return json_pack("{s:o, s:I, s:I, s:s, s:o, s:o, s:o, s:o}",
	    "file", json_string_lossy(site->file), "line",
	    (json_int_t)site->line, "col", (json_int_t)site->col,
	    "kind", site->kind, "message", json_string_lossy(site->message),
	    "source", source != NULL ? json_string_lossy(source) :
	    json_null(), "cost", cost != NULL ? json_pack(
	    "{s:s, s:s, s:I, s:I}", "sample_index", e->lines.sample_index,
	    "unit", e->lines.unit, "flat", (json_int_t)cost->flat, "total",
	    (json_int_t)e->lines.total) : json_null(), "flow", flow);
}

/* Load the profile given with --profile. Returns 0 or -1 with *cause. */
static int
cmd_escape_profile(struct cmd_escape *e, const char *path,
    const char *index_name, char **cause)
{
	int index;

	e->profile = pprof_load(path, PPROF_MAX_BYTES, cause);
	if (e->profile == NULL)
		return -1;
	if (index_name == NULL && pprof_sample_index(e->profile,
	    "alloc_space", NULL) >= 0)
		index_name = "alloc_space";
	index = pprof_sample_index(e->profile, index_name, cause);
	if (index < 0)
		return -1;
	lines_compute(e->profile, index, NULL, 0, &e->lines);
	cmd_escape_index_costs(e);
	return 0;
}

/* Check the options that take values. Returns 0, or 2 after a message. */
static int
cmd_escape_check(struct cmd_escape *e, const char *annotations,
    const char *hot, const char *profile, const char *index_name)
{
	char *end;

	if (cmd_escape_categories(annotations, &e->categories) != 0)
		return cli_usage_error(&cmd_escape_entry, "--annotations wants "
		    "escape, inline, bounds, nil, other or all, not '%s'",
		    annotations);
	if (hot != NULL) {
		errno = 0;
		e->hot = strtod(hot, &end);
		if (errno != 0 || *end != '\0' || end == hot || e->hot < 0 ||
		    e->hot > 100)
			return cli_usage_error(&cmd_escape_entry,
			    "--hot wants a percentage, not '%s'", hot);
		if (profile == NULL)
			return cli_usage_error(&cmd_escape_entry,
			    "--hot needs --profile");
	}
	if (index_name != NULL && profile == NULL)
		return cli_usage_error(&cmd_escape_entry,
		    "--sample-index needs --profile");
	return 0;
}

/*
 * Read one input and print its sites (or add them to doc). Returns 0, or
 * -1 with *cause naming the input and the reason.
 */
static int
cmd_escape_input(struct cmd_escape *e, const char *input, json_t *doc,
    char **cause)
{
	const struct cmd_escape_cost *cost;
	struct escape_report r;
	const char *source;
	char *near;
	size_t k;

	if (strcmp(input, "-") == 0 ? cmd_escape_stdin(&r, cause) != 0 :
	    escape_load(input, PPROF_MAX_BYTES, &r, cause) != 0)
		return -1;
	near = cmd_escape_near(input);
	if (doc != NULL)
		json_array_append_new(json_object_get(doc, "inputs"),
		    json_pack("{s:s, s:s, s:s?, s:I}", "path", input, "format",
		    r.format == ESCAPE_FORMAT_JSON ? "json" : "text", "package",
		    r.package, "sites", (json_int_t)r.n));
	for (k = 0; k < r.n; k++) {
		source = sourcemap_resolve_near(e->map, near, r.sites[k].file);
		if (!cmd_escape_wanted(e, &r.sites[k], source, &cost))
			continue;
		if (doc != NULL)
			json_array_append_new(json_object_get(doc, "sites"),
			    cmd_escape_site_json(e, &r.sites[k], source, cost));
		else
			cmd_escape_print(e, &r.sites[k], source, cost, near);
	}
	free(near);
	escape_release(&r);
	return 0;
}

/* Run heaplens escape. */
static int
cmd_escape_exec(int argc, char **argv)
{
	const char *annotations = "escape", *profile = NULL, *index_name = NULL;
	const char *hot = NULL, *trim = NULL, *source_path = NULL;
	struct cmd_escape e;
	json_t *doc = NULL;
	char **args, *cause = NULL, *text;
	int json = 0, nargs, code, i;
	const struct cli_option opts[] = {
		{ "--annotations", &annotations, NULL },
		{ "--profile", &profile, NULL },
		{ "--sample-index", &index_name, NULL },
		{ "--hot", &hot, NULL },
		{ "--flow", NULL, &e.flow },
		{ "--trim-path", &trim, NULL },
		{ "--source-path", &source_path, NULL },
		{ "--json", NULL, &json },
		{ NULL, NULL, NULL }
	};

	memset(&e, 0, sizeof e);
	e.hot = -1;
	args = xcalloc((size_t)argc, sizeof *args);
	code = cli_parse(&cmd_escape_entry, argc, argv, opts, args, &nargs);
	if (code == 0 && nargs == 0)
		code = cli_usage_error(&cmd_escape_entry, "missing INPUT");
	if (code == 0)
		code = cmd_escape_check(&e, annotations, hot, profile,
		    index_name);
	if (code != 0)
		goto out;
	if (getcwd(e.cwd, sizeof e.cwd) == NULL)
		e.cwd[0] = '\0';
	e.map = cli_sourcemap(trim, source_path);
	code = 2;
	if (profile != NULL && cmd_escape_profile(&e, profile, index_name,
	    &cause) != 0)
		goto fail;
	if (json)
		doc = json_pack("{s:[], s:[]}", "inputs", "sites");
	for (i = 0; i < nargs; i++)
		if (cmd_escape_input(&e, args[i], doc, &cause) != 0)
			goto fail;
	if (doc != NULL) {
		text = json_dumps(doc, JSON_INDENT(2));
		puts(text);
		free(text);
	}
	code = 0;
	goto out;

fail:
	error("%s", cause);
	free(cause);
out:
	json_decref(doc);
	if (e.profile != NULL)
		lines_release(&e.lines);
	pprof_free(e.profile);
	free(e.costs);
	sourcemap_free(e.map);
	free(args);
	return code == 1 ? 0 : code;
}
