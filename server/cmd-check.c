/*
 * cmd-check.c - heaplens check: the leak-pattern checks over Go files and
 * directories, printed as go vet prints its findings.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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
	struct leak_findings fixed;	/* with --fix: the findings fixed */
	size_t *fixed_owner;
	int go_minor;			/* the go.mod version over dir */
	char **errors;			/* messages, printed in order */
	size_t nerrors;
	size_t nfixed;
	size_t nfixed_files;
};

/* A file already collected, by device and inode. */
struct check_seen {
	dev_t dev;
	ino_t ino;
	int used;
};

struct check_run {
	int enabled[LEAK_MAX_CHECKS];
	struct check_seen *seen;	/* open addressing: each file once */
	size_t nseen;
	size_t seen_cap;
	int fix;			/* --fix */
	struct check_unit *units;
	size_t nunits;
	size_t *order;			/* the schedule: biggest first */
	size_t next;			/* next in order, under lock */
	pthread_mutex_t lock;
};

/* Return errno e's message in buf: strerror is not thread-safe. */
static const char *
cmd_check_strerror(int e, char *buf, size_t size)
{
	if (strerror_r(e, buf, size) != 0)
		snprintf(buf, size, "error %d", e);
	return buf;
}

/* Read a whole regular file (a FIFO named *.go must not block us). */
static int
cmd_check_read(const char *path, struct buf *out, char **cause)
{
	char chunk[65536], msg[128];
	struct stat st;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_NONBLOCK);

	if (fd < 0)
		return set_cause(cause, "%s: %s", path,
		    cmd_check_strerror(errno, msg, sizeof msg));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return set_cause(cause, "%s: not a regular file", path);
	}
	while ((n = read(fd, chunk, sizeof chunk)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			set_cause(cause, "%s: %s", path,
			    cmd_check_strerror(errno, msg, sizeof msg));
			close(fd);
			return -1;
		}
		buf_add(out, chunk, (size_t)n);
		if (out->len > CHECK_MAX_FILE) {
			close(fd);
			return set_cause(cause, "%s: larger than %u bytes",
			    path, CHECK_MAX_FILE);
		}
	}
	close(fd);
	return 0;
}

/*
 * Replace a file's contents with text, keeping its mode: written beside it
 * under a fixed name opened exclusively (a leftover of a crash is an error
 * naming it, never a file written twice), then renamed over it. A symbolic
 * link stays a link: the file it names is what changes.
 */
static int
cmd_check_write(const char *path, const char *text, size_t len, char **cause)
{
	char real[PATH_MAX], msg[128], *tmp;
	struct stat st;
	FILE *f;
	int fd, ok;

	if (realpath(path, real) == NULL || stat(real, &st) != 0)
		return set_cause(cause, "%s: %s", path,
		    cmd_check_strerror(errno, msg, sizeof msg));
	tmp = xasprintf("%s.heaplens-fix", real);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0600);
	f = fd >= 0 ? fdopen(fd, "wb") : NULL;
	if (f == NULL) {
		set_cause(cause, "%s: %s", tmp,
		    cmd_check_strerror(errno, msg, sizeof msg));
		if (fd >= 0) {
			close(fd);
			unlink(tmp);
		}
		free(tmp);
		return -1;
	}
	ok = fwrite(text, 1, len, f) == len;
	ok = fchmod(fileno(f), st.st_mode & 07777) == 0 && ok;
	if (fclose(f) != 0 || !ok || rename(tmp, real) != 0) {
		set_cause(cause, "%s: cannot write the fixed file: %s", path,
		    cmd_check_strerror(errno, msg, sizeof msg));
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

/* Record findings items[first..) of a unit as the file k's. */
static void
cmd_check_own(struct check_unit *u, size_t first, size_t k)
{
	size_t i;

	u->owner = xrealloc(u->owner, (u->findings.alloc + 1) *
	    sizeof *u->owner);
	for (i = first; i < u->findings.n; i++)
		u->owner[i] = k;
}

/* Add a fixed finding (moved, not copied) to the unit's fixed list. */
static void
cmd_check_add_fixed(struct check_unit *u, const struct leak_finding *f,
    size_t k)
{
	if (u->fixed.n == u->fixed.alloc) {
		u->fixed.alloc = u->fixed.alloc ? u->fixed.alloc * 2 : 16;
		u->fixed.items = xrealloc(u->fixed.items, u->fixed.alloc *
		    sizeof *u->fixed.items);
		u->fixed_owner = xrealloc(u->fixed_owner, u->fixed.alloc *
		    sizeof *u->fixed_owner);
	}
	u->fixed_owner[u->fixed.n] = k;
	u->fixed.items[u->fixed.n++] = *f;
}

/*
 * Move the fixed ones of items[from..) of found to the unit's fixed list
 * and free the others; return how many were fixed.
 */
static size_t
cmd_check_take_fixed(struct check_unit *u, struct leak_findings *found,
    size_t from, size_t k)
{
	size_t i, n = 0;

	for (i = from; i < found->n; i++) {
		if (found->items[i].fixed) {
			cmd_check_add_fixed(u, &found->items[i], k);
			n++;
		} else {
			leak_finding_free(&found->items[i]);
		}
	}
	found->n = from;
	return n;
}

/*
 * With --fix: apply the fixes of the file's findings items[first..), check
 * the fixed text again, and again while fixes apply (those that overlapped
 * another's go in on the next pass), then write it. What is left is what
 * the last pass found in the text written, at its positions; each fixed
 * finding keeps the position of the text it was found in (the file's own,
 * for the first pass). When the file cannot be written, the findings stay
 * as they were found, none fixed.
 */
static void
cmd_check_fix(struct check_unit *u, struct leak_input *in, size_t first,
    size_t k)
{
	struct leak_findings cur = { NULL, 0, 0 }, next = { NULL, 0, 0 };
	const char *orig = in->text;
	char *text = NULL, *fixed, *cause = NULL;
	size_t len, pass, n = 0, i;

	fixed = leak_apply_fixes(in->text, in->len, &u->findings, first, &len);
	for (pass = 0; fixed != NULL && pass < 8; pass++) {
		free(text);
		text = fixed;
		in->text = text;
		in->len = len;
		leakcheck_run(in, &next);
		/* The previous pass's fixed findings are fixed for good. */
		n += cmd_check_take_fixed(u, &cur, 0, k);
		leak_findings_release(&cur);
		cur = next;
		memset(&next, 0, sizeof next);
		fixed = leak_apply_fixes(in->text, in->len, &cur, 0, &len);
	}
	free(fixed);
	if (text == NULL)
		return;
	if (cmd_check_write(u->paths[k], text, in->len, &cause) != 0) {
		cmd_check_error(u, cause);
		for (i = first; i < u->findings.n; i++)
			u->findings.items[i].fixed = 0;
		for (i = u->fixed.n - n; i < u->fixed.n; i++)
			leak_finding_free(&u->fixed.items[i]);
		u->fixed.n -= n;
	} else {
		n += cmd_check_take_fixed(u, &u->findings, first, k);
		for (i = 0; i < cur.n; i++)
			cur.items[i].fixed = 0;
		for (i = 0; i < cur.n; i++) {
			if (u->findings.n == u->findings.alloc) {
				u->findings.alloc = u->findings.alloc ?
				    u->findings.alloc * 2 : 16;
				u->findings.items = xrealloc(u->findings.items,
				    u->findings.alloc *
				    sizeof *u->findings.items);
			}
			u->findings.items[u->findings.n++] = cur.items[i];
		}
		cur.n = 0;
		cmd_check_own(u, first, k);
		u->nfixed += n;
		u->nfixed_files++;
	}
	leak_findings_release(&cur);
	in->text = orig;
	free(text);
}

/* Check one file of a unit, recording its findings. */
static void
cmd_check_file(const struct check_run *run, struct check_unit *u,
    struct leak_package *pkg, size_t k)
{
	struct buf text = BUF_INIT;
	struct leak_input in;
	char *cause = NULL;
	size_t n, first = u->findings.n;

	if (cmd_check_read(u->paths[k], &text, &cause) != 0) {
		cmd_check_error(u, cause);
		buf_release(&text);
		return;
	}
	memset(&in, 0, sizeof in);
	in.path = u->paths[k];
	in.text = buf_str(&text);
	in.len = text.len;
	in.go_minor = u->go_minor;
	in.enabled = run->enabled;
	in.pkg = pkg;
	n = leakcheck_run(&in, &u->findings);
	cmd_check_own(u, first, k);
	if (run->fix && n > 0)
		cmd_check_fix(u, &in, first, k);
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
	u->go_minor = leakcheck_go_minor(u->paths[0]);
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

/*
 * Return whether the file st describes was collected before (named twice,
 * or reached through two arguments): checking it twice would print its
 * findings twice, and --fix would rewrite it twice at once.
 */
static int
cmd_check_seen(struct check_run *run, const struct stat *st)
{
	struct check_seen *old = run->seen;
	size_t cap = run->seen_cap, i, h;

	if (2 * (run->nseen + 1) > run->seen_cap) {
		run->seen_cap = cap ? cap * 2 : 1024;
		run->seen = xcalloc(run->seen_cap, sizeof *run->seen);
		run->nseen = 0;
		for (i = 0; i < cap; i++)
			if (old[i].used) {
				struct stat was;

				was.st_dev = old[i].dev;
				was.st_ino = old[i].ino;
				cmd_check_seen(run, &was);
			}
		free(old);
	}
	h = ((size_t)st->st_ino * 0x9E3779B97F4A7C15u ^ (size_t)st->st_dev) &
	    (run->seen_cap - 1);
	for (; run->seen[h].used; h = (h + 1) & (run->seen_cap - 1))
		if (run->seen[h].dev == st->st_dev &&
		    run->seen[h].ino == st->st_ino)
			return 1;
	run->seen[h].dev = st->st_dev;
	run->seen[h].ino = st->st_ino;
	run->seen[h].used = 1;
	run->nseen++;
	return 0;
}

/* Add a path to a unit, unless its file is collected already. */
static void
cmd_check_add_path(struct check_run *run, struct check_unit *u,
    const char *path, const struct stat *st)
{
	if (cmd_check_seen(run, st))
		return;
	u->paths = xrealloc(u->paths, (u->npaths + 1) * sizeof *u->paths);
	u->paths[u->npaths++] = xstrdup(path);
	u->bytes += st->st_size > 0 ? (size_t)st->st_size : 0;
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
				cmd_check_add_path(run, u, path, &st);
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
		cmd_check_add_path(run, u, arg, &st);
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
		free(u->fixed_owner);
		leak_findings_release(&u->fixed);
		free(u->dir);
		leak_findings_release(&u->findings);
	}
	free(run->units);
	free(run->order);
	free(run->seen);
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

/* Add a finding to the JSON list. */
static void
cmd_check_json(json_t *list, const char *file, const struct leak_finding *f)
{
	json_array_append_new(list, json_pack(
	    "{s:s, s:I, s:I, s:s, s:s, s:s, s:s?, s:b}",
	    "file", file, "line", (json_int_t)f->line,
	    "col", (json_int_t)f->col, "check", f->check,
	    "message", f->message,
	    "severity", f->severity == LEAK_HINT ? "hint" : "warning",
	    "fix", f->fix, "fixed", f->fixed));
}

/*
 * Print the findings and errors in order; count in totals the findings,
 * those fixed, the files fixed and the errors.
 */
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
		totals[0] += u->findings.n + u->fixed.n;
		totals[1] += u->nfixed;
		totals[2] += u->nfixed_files;
		totals[3] += u->nerrors;
		for (k = 0; k < u->findings.n; k++) {
			f = &u->findings.items[k];
			if (json)
				cmd_check_json(list, u->paths[u->owner[k]], f);
			else if (!f->fixed)
				printf("%s:%zu:%zu: %s [%s]\n",
				    u->paths[u->owner[k]], f->line, f->col,
				    f->message, f->check);
		}
		for (k = 0; json && k < u->fixed.n; k++)
			cmd_check_json(list, u->paths[u->fixed_owner[k]],
			    &u->fixed.items[k]);
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
