/*
 * cmd-check.c - heaplens check: the leak-pattern checks over Go files and
 * directories, printed as go vet prints its findings.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "analyzers/leakcheck.h"
#include "cli.h"
#include "protocol/util.h"

/* Bound on one source file; generated files beyond it are skipped. */
#define CHECK_MAX_FILE (64u * 1024 * 1024)

static int cmd_check_exec(int argc, char **argv);

const struct cmd_entry cmd_check_entry = {
	.name = "check",
	.usage = "[PATH...] [--enable IDS] [--disable IDS] [--json]",
	.summary = "check Go source for leak patterns, printed as go vet does",
	.help =
	    "  PATH            Go files or directories (default: the current\n"
	    "                  directory); directories are searched recursively,\n"
	    "                  skipping vendor/, testdata/ and hidden ones\n"
	    "  --enable IDS    run only these checks (comma-separated ids)\n"
	    "  --disable IDS   do not run these checks\n"
	    "  --json          print {findings: [{file, line, col, check, message,\n"
	    "                  severity}]}\n"
	    "Findings print as path:line:col: message [check-id]; a line with\n"
	    "//heaplens:ignore ID reason on it or above it is not reported.\n"
	    "Exit status: 0 no findings, 1 findings, 2 usage or input error.\n",
	.exec = cmd_check_exec,
};

struct check_run {
	int enabled[64];
	struct leak_findings findings;
	json_t *files;			/* the file of each finding, in order */
	int errors;
};

/* Read a whole file. */
static int
cmd_check_read(const char *path, struct buf *out, char **cause)
{
	FILE *f = fopen(path, "rb");
	char chunk[65536];
	size_t n;

	if (f == NULL)
		return set_cause(cause, "%s: %s", path, strerror(errno));
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		buf_add(out, chunk, n);
		if (out->len > CHECK_MAX_FILE) {
			fclose(f);
			return set_cause(cause, "%s: larger than %u bytes",
			    path, CHECK_MAX_FILE);
		}
	}
	if (ferror(f)) {
		fclose(f);
		return set_cause(cause, "%s: read error", path);
	}
	fclose(f);
	return 0;
}

/*
 * Check one file, recording its findings. pkg holds the other files of its
 * directory, shared by the directory's files; NULL reads them for this file
 * alone, when a check asks.
 */
static void
cmd_check_file(struct check_run *run, const char *path,
    struct leak_package *pkg)
{
	struct buf text = BUF_INIT;
	struct leak_input in;
	char *cause = NULL;
	size_t n, i;

	if (cmd_check_read(path, &text, &cause) != 0) {
		error("%s", cause);
		free(cause);
		run->errors++;
		buf_release(&text);
		return;
	}
	memset(&in, 0, sizeof in);
	in.path = path;
	in.text = buf_str(&text);
	in.len = text.len;
	in.go_minor = leakcheck_go_minor(path);
	in.enabled = run->enabled;
	in.pkg = pkg;
	n = leakcheck_run(&in, &run->findings);
	for (i = 0; i < n; i++)
		json_array_append_new(run->files, json_string(path));
	buf_release(&text);
}

/* Return whether a directory entry is one go tooling skips. */
static int
cmd_check_skip_dir(const char *name)
{
	return name[0] == '.' || name[0] == '_' ||
	    strcmp(name, "vendor") == 0 || strcmp(name, "testdata") == 0;
}

/* Compare two strings for qsort. */
static int
cmd_check_strcmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Check a directory's Go files, then its subdirectories, in name order. */
static void
cmd_check_dir(struct check_run *run, const char *dir, int depth)
{
	struct leak_package pkg;
	struct dirent *d;
	struct stat st;
	char **names = NULL, *path;
	size_t n = 0, i, len;
	DIR *dp;

	if (depth > 64)
		return;
	dp = opendir(dir);
	if (dp == NULL) {
		error("%s: %s", dir, strerror(errno));
		run->errors++;
		return;
	}
	while ((d = readdir(dp)) != NULL) {
		if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
			continue;
		names = xrealloc(names, (n + 1) * sizeof *names);
		names[n++] = xstrdup(d->d_name);
	}
	closedir(dp);
	if (n > 0)
		qsort(names, n, sizeof *names, cmd_check_strcmp);
	leak_package_init(&pkg, dir);
	for (i = 0; i < n; i++) {
		path = strcmp(dir, ".") == 0 ? xstrdup(names[i]) :
		    xasprintf("%s/%s", dir, names[i]);
		len = strlen(names[i]);
		if (lstat(path, &st) == 0) {
			if (S_ISDIR(st.st_mode) && !cmd_check_skip_dir(names[i]))
				cmd_check_dir(run, path, depth + 1);
			else if (S_ISREG(st.st_mode) && len > 3 &&
			    strcmp(names[i] + len - 3, ".go") == 0)
				cmd_check_file(run, path, &pkg);
		}
		free(path);
		free(names[i]);
	}
	leak_package_release(&pkg);
	free(names);
}

/* Apply a comma-separated id list to the enabled flags. */
static int
cmd_check_ids(int *enabled, const char *ids, int value, char **bad)
{
	const struct leak_check *c;
	char *copy = xstrdup(ids), *id, *save = NULL;
	size_t i;

	for (id = strtok_r(copy, ",", &save); id != NULL;
	    id = strtok_r(NULL, ",", &save)) {
		c = leak_find(id);
		if (c == NULL) {
			*bad = xstrdup(id);
			free(copy);
			return -1;
		}
		for (i = 0; i < leak_nchecks; i++)
			if (leak_checks[i] == c)
				enabled[i] = value;
	}
	free(copy);
	return 0;
}

/* Print the findings. */
static void
cmd_check_print(struct check_run *run, int json)
{
	struct leak_finding *f;
	json_t *doc, *list;
	char *text;
	size_t i;

	if (!json) {
		for (i = 0; i < run->findings.n; i++) {
			f = &run->findings.items[i];
			printf("%s:%zu:%zu: %s [%s]\n",
			    json_string_value(json_array_get(run->files, i)),
			    f->line, f->col, f->message, f->check);
		}
		return;
	}
	list = json_array();
	for (i = 0; i < run->findings.n; i++) {
		f = &run->findings.items[i];
		json_array_append_new(list, json_pack(
		    "{s:O, s:I, s:I, s:s, s:s, s:s}",
		    "file", json_array_get(run->files, i),
		    "line", (json_int_t)f->line, "col", (json_int_t)f->col,
		    "check", f->check, "message", f->message,
		    "severity", f->severity == LEAK_HINT ? "hint" : "warning"));
	}
	doc = json_pack("{s:o}", "findings", list);
	text = json_dumps(doc, JSON_INDENT(2));
	puts(text);
	free(text);
	json_decref(doc);
}

/* Run heaplens check. */
static int
cmd_check_exec(int argc, char **argv)
{
	const char *enable = NULL, *disable = NULL;
	struct check_run run;
	struct stat st;
	char **args, *bad = NULL;
	int json = 0, nargs, code, i;
	size_t k;
	const struct cli_option opts[] = {
		{ "--enable", &enable, NULL },
		{ "--disable", &disable, NULL },
		{ "--json", NULL, &json },
		{ NULL, NULL, NULL }
	};

	memset(&run, 0, sizeof run);
	if (leak_nchecks > ARRAY_SIZE(run.enabled))
		fatal("%zu checks but room for %zu", leak_nchecks,
		    ARRAY_SIZE(run.enabled));
	args = xcalloc((size_t)argc + 1, sizeof *args);
	code = cli_parse(&cmd_check_entry, argc, argv, opts, args, &nargs);
	if (code != 0) {
		free(args);
		return code == 1 ? 0 : code;
	}
	for (k = 0; k < leak_nchecks; k++)
		run.enabled[k] = enable == NULL;
	if ((enable != NULL && cmd_check_ids(run.enabled, enable, 1,
	    &bad) != 0) || (disable != NULL && cmd_check_ids(run.enabled,
	    disable, 0, &bad) != 0)) {
		struct buf ids = BUF_INIT;

		for (k = 0; k < leak_nchecks; k++)
			buf_addf(&ids, "%s%s", k ? ", " : "", leak_checks[k]->id);
		code = cli_usage_error(&cmd_check_entry, "unknown check '%s' "
		    "(checks: %s)", bad, buf_str(&ids));
		buf_release(&ids);
		free(bad);
		free(args);
		return code;
	}
	run.files = json_array();
	if (nargs == 0)
		args[nargs++] = (char *)".";
	for (i = 0; i < nargs; i++) {
		if (stat(args[i], &st) != 0) {
			error("%s: %s", args[i], strerror(errno));
			run.errors++;
		} else if (S_ISDIR(st.st_mode)) {
			cmd_check_dir(&run, args[i], 0);
		} else {
			cmd_check_file(&run, args[i], NULL);
		}
	}
	cmd_check_print(&run, json);
	code = run.errors > 0 ? 2 : run.findings.n > 0 ? 1 : 0;
	leak_findings_release(&run.findings);
	json_decref(run.files);
	free(args);
	return code;
}
