/*
 * cmd-flame.c - heaplens flame: the call tree of a profile as an indented
 * text tree, folded stacks (flamegraph.pl's input), JSON, or an HTML flame
 * graph.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "analyzers/flame-html.h"
#include "analyzers/flame.h"
#include "analyzers/pprof.h"
#include "analyzers/sourcemap.h"
#include "analyzers/units.h"
#include "cli.h"
#include "protocol/json.h"
#include "protocol/util.h"

/* Nodes under this share of the total are left out of the text tree. */
#define CMD_FLAME_TEXT_MIN 0.01

static int cmd_flame_exec(int argc, char **argv);

const struct cmd_entry cmd_flame_entry = {
	.name = "flame",
	.usage = "PROFILE [--sample-index NAME] [--base PROFILE] [--focus NAME] "
	    "[--trim-path P] [--source-path DIR] [--folded | --json | "
	    "--html FILE]",
	.summary = "show the call tree of a pprof profile (a flame graph)",
	.help =
	    "  PROFILE              a pprof profile (heap, allocs, CPU, goroutine,\n"
	    "                       mutex, block), gzip-compressed or plain\n"
	    "  --sample-index NAME  the value to show: alloc_space, alloc_objects,\n"
	    "                       inuse_space, inuse_objects, samples, cpu, ...\n"
	    "                       (default: the profile's default sample type)\n"
	    "  --base PROFILE       subtract an earlier profile first (pprof's\n"
	    "                       -diff_base): values may be negative\n"
	    "  --focus NAME         keep only the stacks that pass through a\n"
	    "                       function whose name contains NAME\n"
	    "  --trim-path P        cut prefix P (':'-separated list) from the\n"
	    "                       profile's file paths, as pprof's -trim_path\n"
	    "  --source-path DIR    look for source files under DIR (':'-separated\n"
	    "                       list) instead of the current directory\n"
	    "  --folded             print one line per stack, \"outer;...;leaf VALUE\"\n"
	    "                       (flamegraph.pl's input), VALUE the leaf's self\n"
	    "  --json               print {sample_index, unit, total, root} where\n"
	    "                       each node is {name, value, self, file, line,\n"
	    "                       resolved, children}, with raw values\n"
	    "  --html FILE          write a self-contained HTML flame graph to FILE\n"
	    "                       ('-' for standard output)\n"
	    "Without an output option the tree is printed as indented text, nodes\n"
	    "under 1% of the total left out. A node is a function in one call\n"
	    "context; its line is where most of its value was spent.\n",
	.exec = cmd_flame_exec,
};

/* What the printers share. */
struct cmd_flame {
	struct flame_tree *tree;
	struct sourcemap *map;
	char cwd[PATH_MAX];
	size_t shown;			/* nodes printed in the text tree */
};

/* Return the local file a node's line is in, or NULL. */
static const char *
cmd_flame_resolve(struct cmd_flame *c, const struct flame_node *n)
{
	return *n->file != '\0' ? sourcemap_resolve(c->map, n->file) : NULL;
}

/* Build the JSON of a node and its children (new reference). */
static json_t *
cmd_flame_json_node(struct cmd_flame *c, const struct flame_node *n)
{
	json_t *o, *kids = json_array();
	const char *local;
	size_t i;

	for (i = 0; i < n->nchildren; i++)
		json_array_append_new(kids, cmd_flame_json_node(c,
		    n->children[i]));
	o = json_pack("{s:o, s:I, s:I}", "name", json_string_lossy(n->name),
	    "value", (json_int_t)n->value, "self", (json_int_t)n->self);
	if (n->depth > 0) {
		local = cmd_flame_resolve(c, n);
		json_object_set_new(o, "file", json_string_lossy(
		    local != NULL ? local : n->file));
		json_object_set_new(o, "line", json_integer(n->line));
		json_object_set_new(o, "resolved", json_boolean(local != NULL));
	}
	json_object_set_new(o, "children", kids);
	return o;
}

/* Build the --json document (new reference). */
static json_t *
cmd_flame_json(struct cmd_flame *c)
{
	const struct flame_tree *t = c->tree;
	json_t *doc;

	doc = json_pack("{s:o, s:o, s:I, s:o}",
	    "sample_index", json_string_lossy(t->sample_index),
	    "unit", json_string_lossy(t->unit),
	    "total", (json_int_t)t->total,
	    "root", cmd_flame_json_node(c, t->root));
	if (t->cut > 0)
		json_object_set_new(doc, "cut", json_integer((json_int_t)t->cut));
	if (t->pruned > 0)
		json_object_set_new(doc, "pruned",
		    json_integer((json_int_t)t->pruned));
	return doc;
}

/* Print the folded stacks under n; names[] holds the frames above it. */
static void
cmd_flame_folded(const struct flame_node *n, const char **names)
{
	size_t i;

	if (n->depth > 0) {
		names[n->depth - 1] = n->name;
		if (n->self != 0) {
			for (i = 0; i < n->depth; i++)
				printf("%s%s", i > 0 ? ";" : "", names[i]);
			printf(" %lld\n", (long long)n->self);
		}
	}
	for (i = 0; i < n->nchildren; i++)
		cmd_flame_folded(n->children[i], names);
}

/* Return a percentage of the total, 0 when there is none. */
static double
cmd_flame_pct(int64_t v, int64_t total)
{
	return total != 0 ? 100.0 * (double)v / (double)total : 0;
}

/* Return a file for display: relative to cwd when under it. */
static const char *
cmd_flame_display(struct cmd_flame *c, const struct flame_node *n)
{
	const char *file = cmd_flame_resolve(c, n);

	return file != NULL ? cli_relative(file, c->cwd) : n->file;
}

/* Print n and its children as indented rows, small nodes left out. */
static void
cmd_flame_text_node(struct cmd_flame *c, const struct flame_node *n)
{
	const struct flame_tree *t = c->tree;
	char value[32], self[32];
	size_t i;

	if (n->depth > 0 && fabs((double)n->value) <
	    CMD_FLAME_TEXT_MIN * fabs((double)t->total))
		return;
	c->shown++;
	printf("%10s %6.1f%% %10s  %*s%s", units_format(n->value, t->unit,
	    value, sizeof value), cmd_flame_pct(n->value, t->total),
	    units_format(n->self, t->unit, self, sizeof self),
	    (int)(2 * n->depth), "", n->name);
	if (n->line > 0)
		printf("  %s:%lld", cmd_flame_display(c, n),
		    (long long)n->line);
	else if (n->depth > 0 && *n->file != '\0')
		printf("  %s", cmd_flame_display(c, n));
	putchar('\n');
	for (i = 0; i < n->nchildren; i++)
		cmd_flame_text_node(c, n->children[i]);
}

/* Print the tree as text. */
static void
cmd_flame_text(struct cmd_flame *c, const char *name, const char *focus)
{
	const struct flame_tree *t = c->tree;
	char total[32];

	if (getcwd(c->cwd, sizeof c->cwd) == NULL)
		c->cwd[0] = '\0';
	printf("%s: %s, total %s", name, t->sample_index,
	    units_format(t->total, t->unit, total, sizeof total));
	if (focus != NULL && *focus != '\0')
		printf(", focus %s", focus);
	printf(", %zu nodes\n", t->nnodes - 1);
	printf("%10s %7s %10s  %s\n", "total", "total%", "self",
	    "function  file:line");
	cmd_flame_text_node(c, t->root);
	if (c->shown < t->nnodes)
		printf("(%zu nodes under 1%% of the total not shown)\n",
		    t->nnodes - c->shown);
	if (t->cut > 0)
		printf("(%zu stacks cut at %u frames or %u nodes)\n", t->cut,
		    FLAME_MAX_DEPTH, FLAME_MAX_NODES);
}

/* Write the HTML page to path ("-": stdout); 0, or -1 with *cause set. */
static int
cmd_flame_html(struct cmd_flame *c, const char *path, const char *title,
    char **cause)
{
	FILE *out = strcmp(path, "-") == 0 ? stdout : fopen(path, "w");
	json_t *doc;
	char *why = NULL;
	int rc;

	if (out == NULL)
		return set_cause(cause, "%s: %s", path, strerror(errno));
	doc = cmd_flame_json(c);
	rc = flame_html_write(out, title, doc, &why);
	json_decref(doc);
	if ((out == stdout ? fflush(out) : fclose(out)) != 0 && rc == 0)
		rc = set_cause(&why, "%s", strerror(errno));
	if (rc != 0) {
		set_cause(cause, "%s: %s", path, why);
		free(why);
	}
	return rc;
}

/* Print the tree in the form asked for; 0, or -1 with *cause set. */
static int
cmd_flame_print(struct cmd_flame *c, const char *profile, const char *base,
    const char *focus, int folded, int json, const char *html, char **cause)
{
	const char *names[FLAME_MAX_DEPTH + 1];
	json_t *doc;
	char *text, *title;
	int rc = 0;

	if (folded) {
		cmd_flame_folded(c->tree->root, names);
		return 0;
	}
	if (json || html != NULL)
		flame_prune(c->tree, FLAME_MAX_SHOWN);
	if (json) {
		doc = cmd_flame_json(c);
		text = json_dumps(doc, JSON_INDENT(2));
		puts(text);
		free(text);
		json_decref(doc);
	} else if (html != NULL) {
		title = xasprintf("%s%s%s: %s%s%s", profile, base ? " - " : "",
		    base ? base : "", c->tree->sample_index,
		    focus != NULL && *focus ? ", focus " : "",
		    focus != NULL ? focus : "");
		rc = cmd_flame_html(c, html, title, cause);
		free(title);
	} else {
		cmd_flame_text(c, profile, focus);
	}
	return rc;
}

/* Run heaplens flame. */
static int
cmd_flame_exec(int argc, char **argv)
{
	const char *index_name = NULL, *base_path = NULL, *focus = NULL;
	const char *trim = NULL, *source = NULL, *html = NULL;
	struct cli_profiles pr = { NULL, 0, NULL, 0 };
	struct flame_options o;
	struct flame_tree t;
	struct cmd_flame c;
	char **args, *cause = NULL;
	int json = 0, folded = 0, nargs, code;
	const struct cli_option opts[] = {
		{ "--sample-index", &index_name, NULL },
		{ "--base", &base_path, NULL },
		{ "--focus", &focus, NULL },
		{ "--trim-path", &trim, NULL },
		{ "--source-path", &source, NULL },
		{ "--folded", NULL, &folded },
		{ "--json", NULL, &json },
		{ "--html", &html, NULL },
		{ NULL, NULL, NULL }
	};

	memset(&o, 0, sizeof o);
	args = xcalloc((size_t)argc, sizeof *args);
	code = cli_parse(&cmd_flame_entry, argc, argv, opts, args, &nargs);
	if (code == 0 && nargs != 1)
		code = cli_usage_error(&cmd_flame_entry, nargs == 0 ?
		    "missing PROFILE" : "one PROFILE at a time");
	if (code == 0 && folded + json + (html != NULL) > 1)
		code = cli_usage_error(&cmd_flame_entry, "--folded, --json and "
		    "--html are alternatives: choose one");
	if (code != 0)
		goto out;
	code = 2;
	if (cli_load_profiles(args[0], index_name, base_path, &pr,
	    &cause) != 0)
		goto fail;
	o.base = pr.base;
	o.base_index = pr.base_index;
	o.focus = focus;
	flame_compute(pr.p, pr.index, &o, &t);
	memset(&c, 0, sizeof c);
	c.tree = &t;
	c.map = cli_sourcemap(trim, source);
	code = cmd_flame_print(&c, args[0], base_path, focus, folded, json,
	    html, &cause) == 0 ? 0 : 2;
	sourcemap_free(c.map);
	flame_release(&t);
	if (code == 0)
		goto out;

fail:
	error("%s", cause);
	free(cause);
out:
	cli_profiles_release(&pr);
	free(args);
	return code == 1 ? 0 : code;
}
