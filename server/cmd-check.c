/*
 * cmd-check.c - heaplens check: the leak-pattern checks over Go files and
 * directories, printed as go vet prints its findings.
 */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "analyzers/leakcheck.h"
#include "cli.h"
#include "protocol/util.h"

/* Bound on one source file; generated files beyond it are skipped. */
#define CHECK_MAX_FILE (64u * 1024 * 1024)

static int cmd_check_exec(int argc, char **argv);

const struct cmd_entry cmd_check_entry = {
	.name = "check",
	.usage = "[PATH...] [--enable IDS] [--disable IDS] [--fix] [--jobs N] "
	    "[--json] | --list",
	.summary = "check Go source for leak patterns, printed as go vet does",
	.help =
	    "  PATH            Go files or directories (default: the current\n"
	    "                  directory); directories are searched recursively,\n"
	    "                  skipping vendor/, testdata/ and hidden ones\n"
	    "  --enable IDS    run only these checks (comma-separated ids)\n"
	    "  --disable IDS   do not run these checks\n"
	    "  --fix           apply the quick fixes (body-not-closed,\n"
	    "                  defer-before-err-check, ticker-not-stopped,\n"
	    "                  lost-cancel) to the files in place, and report\n"
	    "                  only what is left\n"
	    "  --jobs N        check on N threads (default: one per processor)\n"
	    "  --list          list the checks: id, severity, what each finds\n"
	    "  --json          print {findings: [{file, line, col, check, message,\n"
	    "                  severity, fix, fixed}]}: fix is the quick fix's\n"
	    "                  title or null, fixed whether --fix applied it\n"
	    "Findings print as path:line:col: message [check-id]; a line with\n"
	    "//heaplens:ignore ID reason on it or above it is not reported.\n"
	    "Exit status: 0 no findings (none left after --fix), 1 findings,\n"
	    "2 usage or input error.\n",
	.exec = cmd_check_exec,
};

/*
 * A unit of work: the Go files of one directory (they share the package
 * the checks may read), or one file named on the command line, or an error
 * met while walking; units are checked in parallel and printed in order.
 */
struct check_unit {
	char *dir;			/* the package directory */
	char **paths;
	size_t npaths;
	size_t bytes;			/* their size, to schedule big ones first */
	struct leak_findings findings;
	size_t *owner;			/* each finding's index in paths */
	char **errors;			/* messages, printed in order */
	size_t nerrors;
	size_t nfixed;
	size_t nfixed_files;
};

struct check_run {
	int enabled[64];
	int fix;			/* --fix */
	struct check_unit *units;
	size_t nunits;
	size_t *order;			/* the schedule: biggest first */
	size_t next;			/* next in order, under lock */
	pthread_mutex_t lock;
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

/* Replace a file's contents with text, keeping its mode. */
static int
cmd_check_write(const char *path, const char *text, size_t len, char **cause)
{
	struct stat st;
	char *tmp;
	FILE *f;
	int ok;

	if (stat(path, &st) != 0)
		return set_cause(cause, "%s: %s", path, strerror(errno));
	tmp = xasprintf("%s.heaplens-fix", path);
	f = fopen(tmp, "wb");
	if (f == NULL) {
		set_cause(cause, "%s: %s", tmp, strerror(errno));
		free(tmp);
		return -1;
	}
	ok = fwrite(text, 1, len, f) == len;
	ok = fchmod(fileno(f), st.st_mode & 07777) == 0 && ok;
	if (fclose(f) != 0 || !ok || rename(tmp, path) != 0) {
		set_cause(cause, "%s: cannot write the fixed file: %s", path,
		    strerror(errno));
		unlink(tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	return 0;
}

/* Record an error of a unit. */
static void
cmd_check_error(struct check_unit *u, char *message)
{
	u->errors = xrealloc(u->errors, (u->nerrors + 1) * sizeof *u->errors);
	u->errors[u->nerrors++] = message;
}

/* Apply the fixes of a unit's findings from first on to its file. */
static void
cmd_check_fix(struct check_unit *u, const char *path, const struct buf *text,
    size_t first)
{
	char *fixed, *cause = NULL;
	size_t len, i, n = 0;

	fixed = leak_apply_fixes(text->data, text->len, &u->findings, first,
	    &len);
	if (fixed == NULL)
		return;
	if (cmd_check_write(path, fixed, len, &cause) != 0) {
		cmd_check_error(u, cause);
		for (i = first; i < u->findings.n; i++)
			u->findings.items[i].fixed = 0;
	} else {
		for (i = first; i < u->findings.n; i++)
			n += u->findings.items[i].fixed;
		u->nfixed += n;
		u->nfixed_files++;
	}
	free(fixed);
}

/* Check one file of a unit, recording its findings. */
static void
cmd_check_file(const struct check_run *run, struct check_unit *u,
    struct leak_package *pkg, size_t k)
{
	struct buf text = BUF_INIT;
	struct leak_input in;
	char *cause = NULL;
	size_t n, i, first = u->findings.n;

	if (cmd_check_read(u->paths[k], &text, &cause) != 0) {
		cmd_check_error(u, cause);
		buf_release(&text);
		return;
	}
	memset(&in, 0, sizeof in);
	in.path = u->paths[k];
	in.text = buf_str(&text);
	in.len = text.len;
	in.go_minor = leakcheck_go_minor(u->paths[k]);
	in.enabled = run->enabled;
	in.pkg = pkg;
	n = leakcheck_run(&in, &u->findings);
	u->owner = xrealloc(u->owner, (u->findings.alloc + 1) *
	    sizeof *u->owner);
	for (i = first; i < first + n; i++)
		u->owner[i] = k;
	if (run->fix && n > 0)
		cmd_check_fix(u, u->paths[k], &text, first);
	buf_release(&text);
}

/* Check a unit's files with their package shared. */
static void
cmd_check_unit(const struct check_run *run, struct check_unit *u)
{
	struct leak_package pkg;
	size_t k;

	if (u->npaths == 0)
		return;
	leak_package_init(&pkg, u->dir);
	for (k = 0; k < u->npaths; k++)
		cmd_check_file(run, u, &pkg, k);
	leak_package_release(&pkg);
}

/* Take units off the schedule until it is empty. */
static void *
cmd_check_worker(void *arg)
{
	struct check_run *run = arg;
	size_t i;

	for (;;) {
		pthread_mutex_lock(&run->lock);
		i = run->next < run->nunits ? run->order[run->next++] :
		    SIZE_MAX;
		pthread_mutex_unlock(&run->lock);
		if (i == SIZE_MAX)
			return NULL;
		cmd_check_unit(run, &run->units[i]);
	}
}

/* Add a unit and return it. */
static struct check_unit *
cmd_check_add_unit(struct check_run *run, const char *dir)
{
	struct check_unit *u;

	run->units = xrealloc(run->units, (run->nunits + 1) *
	    sizeof *run->units);
	u = &run->units[run->nunits++];
	memset(u, 0, sizeof *u);
	u->dir = xstrdup(dir);
	return u;
}

/* Add a path to a unit. */
static void
cmd_check_add_path(struct check_unit *u, const char *path, off_t size)
{
	u->paths = xrealloc(u->paths, (u->npaths + 1) * sizeof *u->paths);
	u->paths[u->npaths++] = xstrdup(path);
	u->bytes += size > 0 ? (size_t)size : 0;
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

/*
 * Collect a directory: its Go files as one unit, then its subdirectories,
 * in name order.
 */
static void
cmd_check_dir(struct check_run *run, const char *dir, int depth)
{
	struct check_unit *u = NULL;
	struct dirent *d;
	struct stat st;
	char **names = NULL, **subdirs = NULL, *path;
	size_t n = 0, nsub = 0, i, len;
	DIR *dp;

	if (depth > 64)
		return;
	dp = opendir(dir);
	if (dp == NULL) {
		u = cmd_check_add_unit(run, dir);
		cmd_check_error(u, xasprintf("%s: %s", dir, strerror(errno)));
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
	for (i = 0; i < n; i++) {
		path = strcmp(dir, ".") == 0 ? xstrdup(names[i]) :
		    xasprintf("%s/%s", dir, names[i]);
		len = strlen(names[i]);
		if (lstat(path, &st) == 0) {
			if (S_ISDIR(st.st_mode) && !cmd_check_skip_dir(names[i])) {
				subdirs = xrealloc(subdirs, (nsub + 1) *
				    sizeof *subdirs);
				subdirs[nsub++] = path;
				path = NULL;
			} else if (S_ISREG(st.st_mode) && len > 3 &&
			    strcmp(names[i] + len - 3, ".go") == 0) {
				if (u == NULL)
					u = cmd_check_add_unit(run, dir);
				cmd_check_add_path(u, path, st.st_size);
			}
		}
		free(path);
		free(names[i]);
	}
	free(names);
	for (i = 0; i < nsub; i++) {
		cmd_check_dir(run, subdirs[i], depth + 1);
		free(subdirs[i]);
	}
	free(subdirs);
}

/* Collect one command-line argument. */
static void
cmd_check_arg(struct check_run *run, const char *arg)
{
	struct check_unit *u;
	struct stat st;
	const char *slash;
	char *dir;

	if (stat(arg, &st) != 0) {
		u = cmd_check_add_unit(run, ".");
		cmd_check_error(u, xasprintf("%s: %s", arg, strerror(errno)));
	} else if (S_ISDIR(st.st_mode)) {
		cmd_check_dir(run, arg, 0);
	} else {
		slash = strrchr(arg, '/');
		dir = slash == NULL ? xstrdup(".") : slash == arg ?
		    xstrdup("/") : xstrndup(arg, (size_t)(slash - arg));
		u = cmd_check_add_unit(run, dir);
		cmd_check_add_path(u, arg, st.st_size);
		free(dir);
	}
}

/* Order unit indexes by size, biggest first. */
static const struct check_run *cmd_check_sorting;

static int
cmd_check_bigger(const void *pa, const void *pb)
{
	const struct check_unit *a = &cmd_check_sorting->units[*(const size_t *)pa];
	const struct check_unit *b = &cmd_check_sorting->units[*(const size_t *)pb];

	if (a->bytes != b->bytes)
		return a->bytes > b->bytes ? -1 : 1;
	return *(const size_t *)pa < *(const size_t *)pb ? -1 : 1;
}

/* Check every unit on jobs threads. */
static void
cmd_check_all(struct check_run *run, long jobs)
{
	pthread_t threads[64];
	long i, started = 0;

	run->order = xcalloc(run->nunits + 1, sizeof *run->order);
	for (i = 0; i < (long)run->nunits; i++)
		run->order[i] = (size_t)i;
	cmd_check_sorting = run;
	if (run->nunits > 1)
		qsort(run->order, run->nunits, sizeof *run->order,
		    cmd_check_bigger);
	cmd_check_sorting = NULL;
	pthread_mutex_init(&run->lock, NULL);
	if (jobs > (long)run->nunits)
		jobs = (long)run->nunits;
	for (i = 1; i < jobs && i < (long)ARRAY_SIZE(threads); i++) {
		if (pthread_create(&threads[started], NULL, cmd_check_worker,
		    run) != 0)
			break;	/* fewer threads: the work still gets done */
		started++;
	}
	cmd_check_worker(run);
	for (i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	pthread_mutex_destroy(&run->lock);
}

/* Free the units. */
static void
cmd_check_release(struct check_run *run)
{
	struct check_unit *u;
	size_t i, k;

	for (i = 0; i < run->nunits; i++) {
		u = &run->units[i];
		for (k = 0; k < u->npaths; k++)
			free(u->paths[k]);
		for (k = 0; k < u->nerrors; k++)
			free(u->errors[k]);
		free(u->paths);
		free(u->errors);
		free(u->owner);
		free(u->dir);
		leak_findings_release(&u->findings);
	}
	free(run->units);
	free(run->order);
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

/* Print the findings and errors in order; count them in totals. */
static void
cmd_check_print(struct check_run *run, int json, size_t totals[4])
{
	struct leak_finding *f;
	struct check_unit *u;
	json_t *doc, *list = json ? json_array() : NULL;
	char *text;
	size_t i, k;

	memset(totals, 0, 4 * sizeof *totals);
	for (i = 0; i < run->nunits; i++) {
		u = &run->units[i];
		for (k = 0; k < u->nerrors; k++)
			error("%s", u->errors[k]);
		totals[0] += u->findings.n;
		totals[1] += u->nfixed;
		totals[2] += u->nfixed_files;
		totals[3] += u->nerrors;
		for (k = 0; k < u->findings.n; k++) {
			f = &u->findings.items[k];
			if (json)
				json_array_append_new(list, json_pack(
				    "{s:s, s:I, s:I, s:s, s:s, s:s, s:s?, s:b}",
				    "file", u->paths[u->owner[k]],
				    "line", (json_int_t)f->line,
				    "col", (json_int_t)f->col,
				    "check", f->check, "message", f->message,
				    "severity", f->severity == LEAK_HINT ?
				    "hint" : "warning",
				    "fix", f->fix, "fixed", f->fixed));
			else if (!f->fixed)
				printf("%s:%zu:%zu: %s [%s]\n",
				    u->paths[u->owner[k]], f->line, f->col,
				    f->message, f->check);
		}
	}
	if (!json)
		return;
	doc = json_pack("{s:o}", "findings", list);
	text = json_dumps(doc, JSON_INDENT(2));
	puts(text);
	free(text);
	json_decref(doc);
}

/* Parse --jobs: 1 to 64, default the processors online. */
static int
cmd_check_jobs(const char *arg, long *jobs)
{
	char *end;

	if (arg == NULL) {
		*jobs = sysconf(_SC_NPROCESSORS_ONLN);
		if (*jobs < 1)
			*jobs = 1;
		if (*jobs > 64)
			*jobs = 64;
		return 0;
	}
	errno = 0;
	*jobs = strtol(arg, &end, 10);
	return errno != 0 || end == arg || *end != '\0' || *jobs < 1 ||
	    *jobs > 64 ? -1 : 0;
}

/* Print the checks, one a line. */
static void
cmd_check_list(void)
{
	size_t i;

	for (i = 0; i < leak_nchecks; i++)
		printf("%-24s %-8s %s\n", leak_checks[i]->id,
		    leak_checks[i]->severity == LEAK_HINT ? "hint" : "warning",
		    leak_checks[i]->summary);
}

/* Run heaplens check. */
static int
cmd_check_exec(int argc, char **argv)
{
	const char *enable = NULL, *disable = NULL, *jobs_arg = NULL;
	struct check_run run;
	char **args, *bad = NULL;
	int json = 0, list = 0, nargs, code, i;
	size_t k, totals[4];
	long jobs;
	const struct cli_option opts[] = {
		{ "--enable", &enable, NULL },
		{ "--disable", &disable, NULL },
		{ "--fix", NULL, &run.fix },
		{ "--jobs", &jobs_arg, NULL },
		{ "--json", NULL, &json },
		{ "--list", NULL, &list },
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
	if (list) {
		free(args);
		if (nargs > 0 || enable != NULL || disable != NULL || run.fix ||
		    json || jobs_arg != NULL)
			return cli_usage_error(&cmd_check_entry, "--list takes "
			    "no other argument");
		cmd_check_list();
		return 0;
	}
	if (cmd_check_jobs(jobs_arg, &jobs) != 0) {
		free(args);
		return cli_usage_error(&cmd_check_entry, "--jobs wants a "
		    "number from 1 to 64, not '%s'", jobs_arg);
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
	if (nargs == 0)
		args[nargs++] = (char *)".";
	for (i = 0; i < nargs; i++)
		cmd_check_arg(&run, args[i]);
	cmd_check_all(&run, jobs);
	cmd_check_print(&run, json, totals);
	if (run.fix)
		fprintf(stderr, "heaplens: fixed %zu of %zu finding%s in %zu "
		    "file%s\n", totals[1], totals[0], totals[0] == 1 ? "" : "s",
		    totals[2], totals[2] == 1 ? "" : "s");
	code = totals[3] > 0 ? 2 : totals[0] > totals[1] ? 1 : 0;
	cmd_check_release(&run);
	free(args);
	return code;
}
