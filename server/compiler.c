/*
 * compiler.c - runCompiler: on save, run the go command with escape
 * analysis on the file's package, one child per build in its own process
 * group, watched from the event loop, and give its -json output to the
 * evidence index.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "analyzers/escape.h"
#include "compiler.h"
#include "config.h"
#include "log.h"
#include "progress.h"
#include "protocol/json.h"
#include "session.h"

/* Bounds on removing a temporary directory: ours, but written by others. */
#define COMPILER_RMTREE_DEPTH 16
#define COMPILER_RMTREE_ENTRIES 100000
/* Bound on the entries of a package directory looked at for tests. */
#define COMPILER_MAX_DIR_ENTRIES 100000
/* The part of the output that makes a failure's message. */
#define COMPILER_ERROR_LINES 20
#define COMPILER_ERROR_BYTES 4096
/* Reads per output event, so a chatty child cannot hold the loop. */
#define COMPILER_READS_PER_EVENT 16
/* How long compiler_free() waits for each killed child: tries of 1 ms. */
#define COMPILER_REAP_TRIES 200
/* Descriptors the child closes when close_range() is missing. */
#define COMPILER_MAX_FD 65536

enum compiler_state {
	COMPILER_QUEUED,
	COMPILER_RUNNING,
	COMPILER_OK,
	COMPILER_FAILED,
	COMPILER_TIMEOUT,
	COMPILER_CANCELLED
};

static const char *const compiler_state_names[] = {
	[COMPILER_QUEUED] = "queued",
	[COMPILER_RUNNING] = "running",
	[COMPILER_OK] = "ok",
	[COMPILER_FAILED] = "failed",
	[COMPILER_TIMEOUT] = "timeout",
	[COMPILER_CANCELLED] = "cancelled",
};

/* What the child reports on its error pipe when it cannot exec. */
enum { COMPILER_CHILD_CHDIR, COMPILER_CHILD_EXEC };
struct compiler_child_error {
	int stage;
	int error;
};

struct compiler_build;

/* A package built in this session, as status shows it. */
struct compiler_package {
	char *dir;			/* canonical package directory */
	char *path;			/* the saved file that asked last */
	enum compiler_state state;
	unsigned long queued;		/* queue order, while QUEUED */
	struct compiler_build *build;	/* running, or NULL */
	json_t *command;		/* argv of the last build, or NULL */
	char *error;			/* why the last build failed, or NULL */
	char *shown;			/* setup error last shown, or NULL */
	long long sites;		/* of the last good build, or -1 */
	double duration_ms;		/* of the last build, or -1 */
	unsigned long cancelled;	/* builds a newer save cancelled */
	struct compiler_package *next;
};

/* One run of the go command, from fork until it is reaped. */
struct compiler_build {
	struct compiler *compiler;
	struct compiler_package *pkg;	/* NULL once cancelled */
	char **argv;
	char *tmpdir;
	pid_t pid;			/* also its process group */
	int out_fd;			/* its stdout and stderr, or -1 */
	int err_fd;			/* why exec failed, or -1 */
	ev_child child;
	ev_io out;
	ev_timer deadline;
	struct buf output;		/* first COMPILER_MAX_OUTPUT bytes */
	double timeout;			/* seconds */
	int timed_out;
	ev_tstamp started;
	struct progress *progress;
	struct compiler_build *next;
};

struct compiler {
	struct session *session;
	struct ev_loop *loop;
	struct compiler_package *packages;	/* in order of first save */
	struct compiler_build *builds;	/* forked and not yet reaped */
	unsigned running;		/* builds in the list */
	unsigned long serial;		/* queue order */
};

static void compiler_child_cb(struct ev_loop *loop, ev_child *w,
    int revents);
static void compiler_out_cb(struct ev_loop *loop, ev_io *w, int revents);
static void compiler_deadline_cb(struct ev_loop *loop, ev_timer *w,
    int revents);

/* Create a session's compiler. */
struct compiler *
compiler_new(struct session *s)
{
	struct compiler *c = xcalloc(1, sizeof *c);

	c->session = s;
	c->loop = s->loop;
	return c;
}

/*
 * Remove name under dirfd and, if it is a directory, everything below it,
 * never following a symbolic link: a link is removed, not entered. depth
 * and *budget (entries left) bound the walk. Returns 0, or -1 when
 * something stayed.
 */
static int
compiler_rmtree_at(int dirfd, const char *name, int depth, size_t *budget)
{
	struct dirent *e;
	DIR *d;
	int fd, r = 0;

	if (*budget == 0)
		return -1;
	(*budget)--;
	if (unlinkat(dirfd, name, 0) == 0 || errno == ENOENT)
		return 0;
	if ((errno != EISDIR && errno != EPERM) ||
	    depth >= COMPILER_RMTREE_DEPTH)
		return -1;
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (fd < 0)
		return -1;
	d = fdopendir(fd);
	if (d == NULL) {
		close(fd);
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (compiler_rmtree_at(fd, e->d_name, depth + 1, budget) != 0)
			r = -1;
	}
	closedir(d);
	if (unlinkat(dirfd, name, AT_REMOVEDIR) != 0 && errno != ENOENT)
		r = -1;
	return r;
}

/* Remove a build's temporary directory, saying so when it stays. */
static void
compiler_rmtree(struct compiler_build *b)
{
	size_t budget = COMPILER_RMTREE_ENTRIES;

	if (b->tmpdir == NULL)
		return;
	if (compiler_rmtree_at(AT_FDCWD, b->tmpdir, 0, &budget) != 0)
		log_warn("cannot remove %s: %s", b->tmpdir, budget == 0 ?
		    "too many entries" : strerror(errno));
	free(b->tmpdir);
	b->tmpdir = NULL;
}

/* Close one of a build's descriptors, if open. */
static void
compiler_close(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Stop watching a build, close what it holds, remove its files, free it. */
static void
compiler_build_free(struct compiler_build *b)
{
	char **a;

	ev_child_stop(b->compiler->loop, &b->child);
	ev_io_stop(b->compiler->loop, &b->out);
	ev_timer_stop(b->compiler->loop, &b->deadline);
	compiler_close(&b->out_fd);
	compiler_close(&b->err_fd);
	compiler_rmtree(b);
	for (a = b->argv; a != NULL && *a != NULL; a++)
		free(*a);
	free(b->argv);
	buf_release(&b->output);
	free(b);
}

/* Unlink a build from the running list. */
static void
compiler_unlink(struct compiler *c, struct compiler_build *b)
{
	struct compiler_build **pp;

	for (pp = &c->builds; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == b) {
			*pp = b->next;
			c->running--;
			return;
		}
	}
}

/*
 * Wait a little for a killed child so its directory can go: SIGKILL cannot
 * be caught, so this ends at once but for a process stuck in the kernel,
 * which is left to the loop's SIGCHLD reaping.
 */
static void
compiler_reap_now(struct compiler_build *b)
{
	struct timespec ms = { 0, 1000000 };
	pid_t r;
	int i;

	for (i = 0; i < COMPILER_REAP_TRIES; i++) {
		r = waitpid(b->pid, NULL, WNOHANG);
		if (r == b->pid || (r < 0 && errno != EINTR))
			return;
		nanosleep(&ms, NULL);
	}
	log_warn("build %ld did not end after SIGKILL", (long)b->pid);
}

/* Free the compiler, killing what runs. */
void
compiler_free(struct compiler *c)
{
	struct compiler_package *p, *pnext;
	struct compiler_build *b, *bnext;

	if (c == NULL)
		return;
	for (b = c->builds; b != NULL; b = bnext) {
		bnext = b->next;
		ev_child_stop(c->loop, &b->child);
		kill(-b->pid, SIGKILL);
		compiler_reap_now(b);
		/* The session frees its progress reports itself. */
		compiler_build_free(b);
	}
	for (p = c->packages; p != NULL; p = pnext) {
		pnext = p->next;
		free(p->dir);
		free(p->path);
		json_decref(p->command);
		free(p->error);
		free(p->shown);
		free(p);
	}
	free(c);
}

/* Return whether runCompiler may build for the file at path. */
static int
compiler_allowed(struct compiler *c, const char *path)
{
	struct session *s = c->session;

	return config_bool(session_settings(s, path), "runCompiler") &&
	    workspace_contains(&s->workspace, path);
}

/* Return whether dir holds test files (go ignores names from . or _). */
static int
compiler_has_tests(const char *dir)
{
	struct dirent *e;
	size_t n, seen = 0;
	DIR *d = opendir(dir);
	int found = 0;

	if (d == NULL)
		return 0;
	while (!found && seen++ < COMPILER_MAX_DIR_ENTRIES &&
	    (e = readdir(d)) != NULL) {
		n = strlen(e->d_name);
		found = n > 8 && strcmp(e->d_name + n - 8, "_test.go") == 0 &&
		    e->d_name[0] != '.' && e->d_name[0] != '_';
	}
	closedir(d);
	return found;
}

/*
 * Create the build's temporary directory under $TMPDIR, or /tmp when that
 * is unset, relative, or holds what -gcflags would split or a file URL
 * would decode (blanks, quotes, commas, '%').
 */
static int
compiler_mktemp(struct compiler_build *b, char **cause)
{
	const char *t = getenv("TMPDIR");
	size_t n;

	if (t == NULL || t[0] != '/' || strpbrk(t, " \t\n\r'\"\\,%") != NULL)
		t = "/tmp";
	n = strlen(t);
	b->tmpdir = xasprintf("%s%sheaplens-escape.XXXXXX", t,
	    n > 0 && t[n - 1] == '/' ? "" : "/");
	if (mkdtemp(b->tmpdir) == NULL) {
		set_cause(cause, "cannot create %s: %s", b->tmpdir,
		    strerror(errno));
		free(b->tmpdir);
		b->tmpdir = NULL;
		return -1;
	}
	return 0;
}

/* Build the command line: GOCMD build|test -c ... -gcflags=-json=... . */
static char **
compiler_argv(const char *go, int test, const char *tmpdir)
{
	char **argv = xcalloc(9, sizeof *argv);
	size_t n = 0;

	argv[n++] = xstrdup(go);
	argv[n++] = xstrdup(test ? "test" : "build");
	if (test)
		argv[n++] = xstrdup("-c");
	argv[n++] = xstrdup("-o");
	argv[n++] = xstrdup("/dev/null");
	argv[n++] = xasprintf("-gcflags=-json=0,file://%s", tmpdir);
	argv[n++] = xstrdup(".");
	return argv;
}

/* Return argv as a JSON array (new reference). */
static json_t *
compiler_argv_json(char **argv)
{
	json_t *a = json_array();

	for (; *argv != NULL; argv++)
		json_array_append_new(a, json_string_lossy(*argv));
	return a;
}

/*
 * Move fd above the standard descriptors, close-on-exec, so the child's
 * dup2() onto 0, 1 and 2 cannot clobber it. Returns the descriptor or -1.
 */
static int
compiler_fd(int fd)
{
	int high;

	if (fd < 0)
		return -1;
	if (fd > 2) {
		if (fcntl(fd, F_SETFD, FD_CLOEXEC) == 0)
			return fd;
		close(fd);
		return -1;
	}
	high = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	close(fd);
	return high;
}

/*
 * Fork and exec the build in dir: its own process group, stdin from
 * /dev/null, stdout and stderr into one pipe, and a close-on-exec pipe on
 * which the child writes why it could not exec. Returns 0 with pid and
 * descriptors set in b, or -1 with *cause set.
 */
static int
compiler_spawn(struct compiler_build *b, const char *dir, char **cause)
{
	int out[2] = { -1, -1 }, err[2] = { -1, -1 }, null = -1, fd, maxfd;
	struct compiler_child_error ce;
	struct sigaction dfl;
	sigset_t none;
	long open_max;
	pid_t pid;

	if (pipe(out) != 0 || (out[0] = compiler_fd(out[0])) < 0 ||
	    (out[1] = compiler_fd(out[1])) < 0 || pipe(err) != 0 ||
	    (err[0] = compiler_fd(err[0])) < 0 ||
	    (err[1] = compiler_fd(err[1])) < 0 ||
	    (null = compiler_fd(open("/dev/null", O_RDONLY))) < 0 ||
	    fcntl(out[0], F_SETFL, O_NONBLOCK) != 0 ||
	    fcntl(err[0], F_SETFL, O_NONBLOCK) != 0) {
		set_cause(cause, "cannot set up the build's pipes: %s",
		    strerror(errno));
		goto fail;
	}
	/* Everything the child needs is ready before fork. */
	open_max = sysconf(_SC_OPEN_MAX);
	maxfd = open_max < 0 || open_max > COMPILER_MAX_FD ?
	    COMPILER_MAX_FD : (int)open_max;
	memset(&dfl, 0, sizeof dfl);
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	sigemptyset(&none);
	pid = fork();
	if (pid < 0) {
		set_cause(cause, "cannot fork: %s", strerror(errno));
		goto fail;
	}
	if (pid == 0) {
		/*
		 * The child: async-signal-safe calls only, then exec or
		 * _exit. The error pipe moves to 3; everything above it is
		 * closed (the daemon's log file has no close-on-exec).
		 */
		setpgid(0, 0);
		/* A daemon killed outright takes its build along. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		sigaction(SIGPIPE, &dfl, NULL);
		sigprocmask(SIG_SETMASK, &none, NULL);
		dup2(null, 0);
		dup2(out[1], 1);
		dup2(out[1], 2);
		dup2(err[1], 3);
		fcntl(3, F_SETFD, FD_CLOEXEC);
#ifdef SYS_close_range
		if (syscall(SYS_close_range, 4u, ~0u, 0) != 0)
#endif
			for (fd = 4; fd < maxfd; fd++)
				close(fd);
		ce.stage = COMPILER_CHILD_CHDIR;
		if (chdir(dir) == 0) {
			ce.stage = COMPILER_CHILD_EXEC;
			execvp(b->argv[0], b->argv);
		}
		ce.error = errno;
		if (write(3, &ce, sizeof ce) < 0)
			_exit(126);
		_exit(127);
	}
	/* Either side may win the race; both make the group. */
	setpgid(pid, pid);
	close(out[1]);
	close(err[1]);
	close(null);
	b->pid = pid;
	b->out_fd = out[0];
	b->err_fd = err[0];
	return 0;

fail:
	for (fd = 0; fd < 2; fd++) {
		compiler_close(&out[fd]);
		compiler_close(&err[fd]);
	}
	compiler_close(&null);
	return -1;
}

/*
 * Read what the build wrote, at most reads chunks; keep the first
 * COMPILER_MAX_OUTPUT bytes and drop the rest. Closes the pipe at its end.
 */
static void
compiler_read(struct compiler_build *b, int reads)
{
	char chunk[4096];
	size_t keep;
	ssize_t n;

	while (b->out_fd >= 0 && reads-- > 0) {
		n = read(b->out_fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			ev_io_stop(b->compiler->loop, &b->out);
			compiler_close(&b->out_fd);
			return;
		}
		keep = COMPILER_MAX_OUTPUT - b->output.len;
		if (keep > 0)
			buf_add(&b->output, chunk, (size_t)n < keep ?
			    (size_t)n : keep);
	}
}

/* The build wrote something. */
static void
compiler_out_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct compiler_build *b = container_of(w, struct compiler_build, out);

	(void)loop;
	(void)revents;
	compiler_read(b, COMPILER_READS_PER_EVENT);
}

/* The build ran out of time: kill its group; the reaping finishes it. */
static void
compiler_deadline_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct compiler_build *b = container_of(w, struct compiler_build,
	    deadline);

	(void)loop;
	(void)revents;
	log_info("build of %s timed out after %g s", b->pkg != NULL ?
	    b->pkg->dir : "?", b->timeout);
	b->timed_out = 1;
	kill(-b->pid, SIGKILL);
}

/* Start a queued package's build, or record why it cannot start. */
static void
compiler_start(struct compiler *c, struct compiler_package *p)
{
	struct session *s = c->session;
	json_t *settings = session_settings(s, p->path);
	struct compiler_build *b;
	char *cause = NULL;

	/* Settings or folders may have changed while it waited. */
	if (!compiler_allowed(c, p->path)) {
		p->state = COMPILER_CANCELLED;
		free(p->error);
		p->error = xstrdup(workspace_contains(&s->workspace,
		    p->path) ? "runCompiler was turned off" :
		    "the package left the workspace");
		return;
	}
	b = xcalloc(1, sizeof *b);
	b->compiler = c;
	b->pkg = p;
	b->out_fd = b->err_fd = -1;
	buf_init(&b->output);
	b->timeout = config_number(settings, "compilerTimeout");
	if (compiler_mktemp(b, &cause) == 0) {
		b->argv = compiler_argv(config_string(settings, "goCommand"),
		    compiler_has_tests(p->dir), b->tmpdir);
		json_decref(p->command);
		p->command = compiler_argv_json(b->argv);
	}
	if (b->tmpdir == NULL || compiler_spawn(b, p->dir, &cause) != 0) {
		p->state = COMPILER_FAILED;
		free(p->error);
		p->error = cause;
		session_log_message(s, MESSAGE_WARNING, "cannot build %s: %s",
		    p->dir, cause);
		compiler_build_free(b);
		return;
	}
	b->started = ev_time();
	ev_child_init(&b->child, compiler_child_cb, b->pid, 0);
	ev_child_start(c->loop, &b->child);
	ev_io_init(&b->out, compiler_out_cb, b->out_fd, EV_READ);
	ev_io_start(c->loop, &b->out);
	ev_timer_init(&b->deadline, compiler_deadline_cb, b->timeout, 0.);
	ev_timer_start(c->loop, &b->deadline);
	b->next = c->builds;
	c->builds = b;
	c->running++;
	p->build = b;
	p->state = COMPILER_RUNNING;
	free(p->error);
	p->error = NULL;
	b->progress = progress_begin(s, NULL, "heaplens: compiling", p->dir);
	log_info("building %s (pid %ld): %s %s", p->dir, (long)b->pid,
	    b->argv[0], b->argv[1]);
}

/* Start queued builds, oldest first, while there are free slots. */
static void
compiler_pump(struct compiler *c)
{
	struct compiler_package *p, *next;

	while (c->running < COMPILER_MAX_RUNNING) {
		next = NULL;
		for (p = c->packages; p != NULL; p = p->next)
			if (p->state == COMPILER_QUEUED && (next == NULL ||
			    p->queued < next->queued))
				next = p;
		if (next == NULL)
			break;
		compiler_start(c, next);
	}
}

/*
 * Return the first lines of a failed build's output (new string), without
 * the go command's "# import/path" headers: status names the package.
 */
static char *
compiler_first_lines(const struct buf *output)
{
	const char *line = buf_str(output), *nl;
	struct buf text = BUF_INIT;
	int lines = 0;
	size_t n;

	for (; *line != '\0' && lines < COMPILER_ERROR_LINES &&
	    text.len < COMPILER_ERROR_BYTES; line += n) {
		nl = strchr(line, '\n');
		n = nl != NULL ? (size_t)(nl - line) + 1 : strlen(line);
		if (strncmp(line, "# ", 2) == 0)
			continue;
		buf_add(&text, line, n);
		lines++;
	}
	while (text.len > 0 && (text.data[text.len - 1] == '\n' ||
	    text.data[text.len - 1] == '\r'))
		text.data[--text.len] = '\0';
	return buf_detach(&text, NULL);
}

/*
 * Say why a build failed: the child's exec error, the deadline, or the
 * compiler's own words (status when it said nothing). New string.
 */
static char *
compiler_failure(struct compiler_build *b, int status, int *setup)
{
	struct compiler_child_error ce;
	ssize_t n;
	char *text;

	*setup = 0;
	n = b->err_fd >= 0 ? read(b->err_fd, &ce, sizeof ce) : -1;
	if (n == (ssize_t)sizeof ce) {
		*setup = 1;
		if (ce.stage == COMPILER_CHILD_CHDIR)
			return xasprintf("cannot enter %s: %s", b->pkg->dir,
			    strerror(ce.error));
		return xasprintf("cannot run \"%s\": %s (install golang-go "
		    "or set goCommand)", b->argv[0], strerror(ce.error));
	}
	if (b->timed_out)
		return xasprintf("timed out after %g s", b->timeout);
	text = compiler_first_lines(&b->output);
	if (text[0] != '\0')
		return text;
	free(text);
	if (WIFSIGNALED(status))
		return xasprintf("%s killed by signal %d", b->argv[0],
		    WTERMSIG(status));
	return xasprintf("%s exited with status %d", b->argv[0],
	    WEXITSTATUS(status));
}

/*
 * A build of a package still wanted ended: hand a good build's sites to
 * the index; on any failure keep the last results and say why.
 */
static void
compiler_finish(struct compiler_build *b, int status)
{
	struct compiler_package *p = b->pkg;
	struct session *s = b->compiler->session;
	struct escape_report *r;
	char *cause = NULL, *error = NULL, *done;
	int setup = 0;

	p->build = NULL;
	p->duration_ms = (ev_time() - b->started) * 1000;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && !b->timed_out) {
		r = xcalloc(1, sizeof *r);
		if (escape_load(b->tmpdir, (size_t)config_number(
		    session_settings(s, p->path), "maxProfileBytes"), r,
		    &cause) == 0) {
			p->state = COMPILER_OK;
			p->sites = (long long)r->n;
			evidence_compiled(&s->evidence, p->dir, r);
		} else {
			free(r);
			error = xasprintf("cannot read the compiler's "
			    "output: %s", cause);
			free(cause);
		}
	} else
		error = compiler_failure(b, status, &setup);
	/* Gone before the client hears the build ended. */
	compiler_rmtree(b);
	if (!setup) {
		free(p->shown);
		p->shown = NULL;
	}
	free(p->error);
	p->error = error;
	if (error == NULL) {
		done = xasprintf("%lld sites", p->sites);
		log_info("built %s: %lld sites in %.0f ms", p->dir, p->sites,
		    p->duration_ms);
	} else {
		/* A setup problem is shown, once; compile errors are not. */
		if (setup && (p->shown == NULL ||
		    strcmp(p->shown, error) != 0)) {
			session_show_message(s, MESSAGE_ERROR, "heaplens: %s",
			    error);
			free(p->shown);
			p->shown = xstrdup(error);
		}
		p->state = b->timed_out ? COMPILER_TIMEOUT : COMPILER_FAILED;
		session_log_message(s, MESSAGE_WARNING, "build of %s failed: "
		    "%s", p->dir, error);
		done = xstrdup(b->timed_out ? error : "failed");
	}
	if (b->progress != NULL)
		progress_end(b->progress, done);
	b->progress = NULL;
	free(done);
}

/* A build's process ended: finish it, clean up, start what waits. */
static void
compiler_child_cb(struct ev_loop *loop, ev_child *w, int revents)
{
	struct compiler_build *b = container_of(w, struct compiler_build,
	    child);
	struct compiler *c = b->compiler;

	(void)revents;
	ev_child_stop(loop, w);
	/*
	 * What the leader left in its group dies with it: it would hold the
	 * pipe open and go on running. The group's id cannot be reused while
	 * the group has members.
	 */
	kill(-b->pid, SIGKILL);
	ev_timer_stop(loop, &b->deadline);
	compiler_read(b, INT_MAX);
	compiler_unlink(c, b);
	if (b->pkg != NULL) {
		compiler_finish(b, w->rstatus);
	} else {
		compiler_rmtree(b);
		if (b->progress != NULL)
			progress_end(b->progress, "cancelled");
	}
	compiler_build_free(b);
	compiler_pump(c);
}

/* Cancel a running build: kill its group and ignore what it leaves. */
static void
compiler_cancel(struct compiler_build *b)
{
	log_info("cancelling the build of %s (pid %ld)", b->pkg->dir,
	    (long)b->pid);
	kill(-b->pid, SIGKILL);
	ev_timer_stop(b->compiler->loop, &b->deadline);
	b->pkg->cancelled++;
	b->pkg->build = NULL;
	b->pkg = NULL;
}

/* Find the package of dir, or add it at the end. */
static struct compiler_package *
compiler_package(struct compiler *c, const char *dir)
{
	struct compiler_package **pp, *p;

	for (pp = &c->packages; (p = *pp) != NULL; pp = &p->next)
		if (strcmp(p->dir, dir) == 0)
			return p;
	p = xcalloc(1, sizeof *p);
	p->dir = xstrdup(dir);
	p->sites = -1;
	p->duration_ms = -1;
	*pp = p;
	return p;
}

/* A Go file was saved: build its package if runCompiler allows. */
void
compiler_saved(struct compiler *c, const char *path)
{
	struct compiler_package *p;
	char real[PATH_MAX], *slash;

	if (path == NULL || realpath(path, real) == NULL ||
	    !compiler_allowed(c, real))
		return;
	slash = strrchr(real, '/');
	if (slash == NULL)
		return;
	*slash = '\0';
	p = compiler_package(c, slash == real ? "/" : real);
	*slash = '/';
	if (p->build != NULL)
		compiler_cancel(p->build);
	free(p->path);
	p->path = xstrdup(real);
	p->state = COMPILER_QUEUED;
	p->queued = ++c->serial;
	compiler_pump(c);
}

/* Describe the packages built in this session. */
json_t *
compiler_status(const struct compiler *c)
{
	const struct compiler_package *p;
	json_t *a = json_array();
	double ms;
	int failed;

	for (p = c->packages; p != NULL; p = p->next) {
		ms = p->build != NULL ? (ev_time() - p->build->started) *
		    1000 : p->duration_ms;
		failed = p->state == COMPILER_FAILED ||
		    p->state == COMPILER_TIMEOUT ||
		    p->state == COMPILER_CANCELLED;
		json_array_append_new(a, json_pack(
		    "{s:s, s:s, s:O?, s:o?, s:o?, s:b, s:o?, s:I}",
		    "package", p->dir,
		    "state", compiler_state_names[p->state],
		    "command", p->command,
		    "error", p->error != NULL ?
		    json_string_lossy(p->error) : NULL,
		    "sites", p->sites >= 0 ? json_integer(p->sites) : NULL,
		    "lastGood", failed && p->sites >= 0,
		    "durationMs", ms >= 0 ? json_integer((json_int_t)ms) :
		    NULL,
		    "cancelled", (json_int_t)p->cancelled));
	}
	return a;
}
