/*
 * rpc-run - drive a language server from protocol transcripts.
 *
 * rpc-run speaks the LSP base protocol (JSON-RPC 2.0 bodies framed by
 * Content-Length headers) to a server.  In pipe mode it spawns a fresh
 * server per transcript with pipes on its stdin and stdout; with --connect
 * it opens one unix or TCP connection per transcript to a server that is
 * already running.  A transcript is a line-oriented script of messages to
 * send, patterns the server's messages must match, and directives such as
 * %ignore or %exit; tests/rpc/README.md describes the format.
 *
 * The output has one "ok - NAME" or "not ok - NAME" line per transcript,
 * failures followed by indented "# " diagnostics, and always ends with a
 * "N passed, N failed" line.  The exit status is 0 if everything passed,
 * 1 if something failed and 2 on usage errors.
 *
 * --flood N instead load-tests a single pipe: it pipelines N requests,
 * checks that every response comes back in order, and checks that the
 * server's resident memory stays flat while it serves them.
 */

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <regex.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#define DEFAULT_TIMEOUT_S 10.0
#define MAX_TIMEOUT_S 86400.0
#define DEFAULT_MAX_GROWTH_KB 4096L
#define MAX_HEADER_BYTES 8192
#define MAX_BODY_BYTES (256UL * 1024 * 1024)
#define READ_CHUNK 65536
#define DIAG_JSON_MAX 4096
#define DIAG_VALUE_MAX 200
#define DIAG_RAW_MAX 160
#define END_SILENCE_MS 100
#define CONNECT_RETRY_MS 50
#define REAP_POLL_MS 5

#define MARK_ANY "<any>"
#define MARK_ABSENT "<absent>"
#define MARK_REST "..."

#define PRINTF_LIKE(fmt, args) __attribute__((format(printf, fmt, args)))

struct buf {
	char *data;
	size_t len;
	size_t alloc;
};

struct var {
	const char *name;
	size_t namelen;
	const char *value;
	char *owned;			/* --var-file's value, to free */
};

struct options {
	struct var *vars;
	size_t nvars;
	const char **transcripts;
	size_t ntranscripts;
	char **server;			/* NULL-terminated command, or NULL */
	const char *connect;		/* unix:PATH or HOST:PORT, or NULL */
	double timeout_s;
	long long timeout_ms;
	long flood;			/* number of requests, 0 without --flood */
	long max_growth_kb;
	int max_growth_set;
	int print;			/* --print: show every server message */
	int timings;			/* --timings: time each matched message */
};

enum step_kind {
	STEP_SEND,
	STEP_EXPECT,
	STEP_IGNORE,
	STEP_UNIGNORE,
	STEP_CLOSE,
	STEP_DISCONNECT,
	STEP_EXIT,
	STEP_SLEEP,
	STEP_NORESPONSE,
	STEP_SHELL
};

struct step {
	enum step_kind kind;
	int line;
	struct buf data;		/* STEP_SEND: the bytes to write */
	json_t *expect;			/* STEP_EXPECT: the pattern */
	char *method;			/* STEP_IGNORE, STEP_UNIGNORE; STEP_SHELL's command */
	long arg;			/* STEP_EXIT, STEP_SLEEP, STEP_NORESPONSE */
};

struct transcript {
	struct step *steps;
	size_t nsteps;
	size_t alloc;
};

struct conn {
	int in_fd;			/* we read the server's output here */
	int out_fd;			/* we write the server's input here */
	int sock;			/* connect mode: the socket both alias */
	pid_t pid;			/* pipe mode: the server process */
	int reaped;
	int status;			/* wait status once reaped */
	int eof;			/* in_fd has reported end of file */
	int io_failed;			/* a read or write has failed */
	struct buf in;
	size_t in_off;
	struct buf out;
	size_t out_off;
};

struct session {
	const struct options *opt;
	const char *where;		/* transcript path, or "flood" */
	struct buf *diag;
	struct conn conn;
	const char **ignored;		/* methods from %ignore, owned by steps */
	size_t nignored;
	size_t ignored_alloc;
	int ignore_notifications;	/* flood mode skips every notification */
	int disconnected;
	int at_end;			/* checking the implicit end */
	unsigned long skipped;		/* ignored messages in the last wait */
	struct buf err;			/* what the last I/O failure was */
	double last_send_ms;		/* when the last send was written */
};

enum wait_result {
	GOT_MSG,
	GOT_EOF,
	GOT_TIMEOUT,
	GOT_ERROR
};

enum io_progress {
	IO_WROTE = 1,
	IO_READ = 2
};

/* Give up when memory runs out. */
static void die_oom(void)
{
	fputs("rpc-run: out of memory\n", stderr);
	exit(2);
}

/* Make room in b for extra more bytes and a terminating NUL. */
static void buf_grow(struct buf *b, size_t extra)
{
	size_t want;
	char *p;

	if (extra > SIZE_MAX / 4 - b->len)
		die_oom();
	want = b->len + extra + 1;
	if (want <= b->alloc)
		return;
	if (want < b->alloc * 2)
		want = b->alloc * 2;
	if (want < 64)
		want = 64;
	p = realloc(b->data, want);
	if (!p)
		die_oom();
	b->data = p;
	b->alloc = want;
}

/* Append len bytes to b. */
static void buf_add(struct buf *b, const void *data, size_t len)
{
	buf_grow(b, len);
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
}

/* Append a NUL-terminated string to b. */
static void buf_puts(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

/* Append printf-style formatted text to b. */
PRINTF_LIKE(2, 0)
static void buf_vaddf(struct buf *b, const char *fmt, va_list ap)
{
	va_list copy;
	int n;

	va_copy(copy, ap);
	n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n < 0)
		return;
	buf_grow(b, (size_t)n);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

/* Append printf-style formatted text to b. */
PRINTF_LIKE(2, 3)
static void buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	buf_vaddf(b, fmt, ap);
	va_end(ap);
}

/* Cut b back to its first len bytes. */
static void buf_truncate(struct buf *b, size_t len)
{
	if (len < b->len) {
		b->len = len;
		b->data[len] = '\0';
	}
}

/* Empty b, keeping its memory. */
static void buf_reset(struct buf *b)
{
	buf_truncate(b, 0);
}

/* Return the contents of b as a string, "" if nothing was ever added. */
static const char *buf_str(const struct buf *b)
{
	return b->data ? b->data : "";
}

/* Release the memory of b. */
static void buf_free(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->alloc = 0;
}

/* Append bytes to b in C-like escaped form, so raw protocol data is readable. */
static void buf_add_escaped(struct buf *b, const char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)p[i];

		switch (ch) {
		case '\r': buf_puts(b, "\\r"); break;
		case '\n': buf_puts(b, "\\n"); break;
		case '\t': buf_puts(b, "\\t"); break;
		case '\\': buf_puts(b, "\\\\"); break;
		case '"': buf_puts(b, "\\\""); break;
		default:
			if (ch < 0x20 || ch >= 0x7f)
				buf_addf(b, "\\x%02x", ch);
			else
				buf_add(b, &p[i], 1);
		}
	}
}

/* Return how many of the first len bytes of s can be shown without splitting a UTF-8 sequence. */
static size_t utf8_cut(const char *s, size_t len)
{
	while (len > 0 && ((unsigned char)s[len] & 0xc0) == 0x80)
		len--;
	return len;
}

/* Append a compact one-line rendering of value to b, cut to a couple hundred bytes. */
static void buf_add_value(struct buf *b, const json_t *value)
{
	char *text = value ? json_dumps(value, JSON_COMPACT | JSON_ENCODE_ANY |
				   JSON_REAL_PRECISION(15)) : NULL;
	size_t len;

	if (!text) {
		buf_puts(b, "(nothing)");
		return;
	}
	len = strlen(text);
	if (len > DIAG_VALUE_MAX) {
		buf_add(b, text, utf8_cut(text, DIAG_VALUE_MAX));
		buf_puts(b, "...");
	} else {
		buf_add(b, text, len);
	}
	free(text);
}

/* Append value to diag pretty-printed under a label, cut to a few KB. */
static void diag_json(struct buf *diag, const char *label, const json_t *value)
{
	char *text = json_dumps(value, JSON_INDENT(2) | JSON_ENCODE_ANY |
				 JSON_REAL_PRECISION(15));
	const char *p;
	size_t total, shown = 0;

	buf_addf(diag, "%s:\n", label);
	if (!text) {
		buf_puts(diag, "  (cannot print)\n");
		return;
	}
	total = strlen(text);
	p = text;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		if (shown + len > DIAG_JSON_MAX) {
			size_t cut = utf8_cut(p, DIAG_JSON_MAX - shown);

			buf_addf(diag, "  %.*s...\n", (int)cut, p);
			buf_addf(diag, "  (%zu more bytes not shown)\n",
				 total - shown - cut);
			break;
		}
		buf_addf(diag, "  %.*s\n", (int)len, p);
		shown += len + 1;
		if (!nl)
			break;
		p = nl + 1;
	}
	free(text);
}

/* Return the monotonic clock in milliseconds. */
static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Return the monotonic clock in milliseconds, with fractions. */
static double now_ms_exact(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000 + (double)ts.tv_nsec / 1e6;
}

/* Return the milliseconds left until deadline, clamped for poll(). */
static int ms_until(long long deadline)
{
	long long left = deadline - now_ms();

	if (left < 0)
		return 0;
	if (left > INT_MAX)
		return INT_MAX;
	return (int)left;
}

/* Sleep for ms milliseconds. */
static void sleep_ms(long ms)
{
	struct timespec ts;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Parse a whole decimal number in [min, max]; return 0 if s is anything else. */
static int parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	if (!isdigit((unsigned char)*s) && *s != '-')
		return 0;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return 0;
	*out = v;
	return 1;
}

/* Parse a positive number of seconds; return 0 if s is anything else. */
static int parse_seconds(const char *s, double *out)
{
	char *end;
	double v;

	if (!isdigit((unsigned char)*s) && *s != '.')
		return 0;
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || !(v > 0 && v <= MAX_TIMEOUT_S))
		return 0;
	*out = v;
	return 1;
}

/* Return whether ch may start a variable name. */
static int is_name_start(char ch)
{
	return ch == '_' || isalpha((unsigned char)ch);
}

/* Return whether ch may continue a variable name. */
static int is_name_char(char ch)
{
	return ch == '_' || isalnum((unsigned char)ch);
}

/* Return whether ch is transcript whitespace. */
static int is_blank(char ch)
{
	return ch == ' ' || ch == '\t';
}

/* Describe a wait status the way people say it ("exited with status 1"). */
static void buf_add_status(struct buf *b, int status)
{
	if (WIFEXITED(status)) {
		buf_addf(b, "exited with status %d", WEXITSTATUS(status));
	} else if (WIFSIGNALED(status)) {
		buf_addf(b, "was killed by signal %d (%s)", WTERMSIG(status),
			 strsignal(WTERMSIG(status)));
#ifdef WCOREDUMP
		if (WCOREDUMP(status))
			buf_puts(b, ", core dumped");
#endif
	} else {
		buf_addf(b, "ended with wait status 0x%x", (unsigned)status);
	}
}

/* Prepare an unconnected connection. */
static void conn_init(struct conn *c)
{
	memset(c, 0, sizeof(*c));
	c->in_fd = c->out_fd = c->sock = -1;
}

/* Put fd into non-blocking mode. */
static void set_nonblock(int fd)
{
	int flags = fcntl(fd, F_GETFL);

	if (flags >= 0)
		fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

/* Start the server command with pipes on its stdin and stdout. */
static int conn_spawn(struct conn *c, char **argv, struct buf *err)
{
	int to[2] = { -1, -1 }, from[2] = { -1, -1 };
	pid_t pid;

	if (pipe2(to, O_CLOEXEC) < 0 || pipe2(from, O_CLOEXEC) < 0) {
		buf_addf(err, "cannot create pipes: %s", strerror(errno));
		goto fail;
	}
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		buf_addf(err, "cannot fork: %s", strerror(errno));
		goto fail;
	}
	if (pid == 0) {
		signal(SIGPIPE, SIG_DFL);
		if (dup2(to[0], STDIN_FILENO) < 0 ||
		    dup2(from[1], STDOUT_FILENO) < 0)
			_exit(127);
		execvp(argv[0], argv);
		fprintf(stderr, "rpc-run: cannot run %s: %s\n", argv[0],
			strerror(errno));
		_exit(127);
	}
	close(to[0]);
	close(from[1]);
	c->pid = pid;
	c->out_fd = to[1];
	c->in_fd = from[0];
	set_nonblock(c->out_fd);
	set_nonblock(c->in_fd);
	return 1;

fail:
	if (to[0] >= 0) {
		close(to[0]);
		close(to[1]);
	}
	if (from[0] >= 0) {
		close(from[0]);
		close(from[1]);
	}
	return 0;
}

/* Connect to ADDR (unix:PATH or HOST:PORT), retrying refused attempts until deadline. */
static int conn_connect(struct conn *c, const char *addr, long long deadline,
			struct buf *err)
{
	struct addrinfo hints, *list = NULL, *ai;
	struct sockaddr_un sa;
	char *host = NULL;
	const char *port;
	int fd = -1, e = 0, rc, ok = 0;

	if (!strncmp(addr, "unix:", 5)) {
		memset(&sa, 0, sizeof(sa));
		sa.sun_family = AF_UNIX;
		if (strlen(addr + 5) >= sizeof(sa.sun_path)) {
			buf_addf(err, "socket path too long: %s", addr + 5);
			goto fail;
		}
		strcpy(sa.sun_path, addr + 5);
	} else {
		size_t len;

		port = strrchr(addr, ':');
		host = strndup(addr, (size_t)(port - addr));
		if (!host)
			die_oom();
		port++;
		len = strlen(host);
		if (len >= 2 && host[0] == '[' && host[len - 1] == ']') {
			memmove(host, host + 1, len - 2);
			host[len - 2] = '\0';
		}
		memset(&hints, 0, sizeof(hints));
		hints.ai_family = AF_UNSPEC;
		hints.ai_socktype = SOCK_STREAM;
		rc = getaddrinfo(host, port, &hints, &list);
		if (rc) {
			buf_addf(err, "cannot resolve %s: %s", addr,
				 gai_strerror(rc));
			goto fail;
		}
	}

	for (;;) {
		if (list) {
			for (ai = list; ai; ai = ai->ai_next) {
				fd = socket(ai->ai_family,
					    ai->ai_socktype | SOCK_CLOEXEC,
					    ai->ai_protocol);
				if (fd < 0) {
					e = errno;
					continue;
				}
				if (!connect(fd, ai->ai_addr, ai->ai_addrlen))
					break;
				e = errno;
				close(fd);
				fd = -1;
			}
		} else {
			fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
			if (fd < 0) {
				e = errno;
			} else if (connect(fd, (struct sockaddr *)&sa,
					   sizeof(sa)) < 0) {
				e = errno;
				close(fd);
				fd = -1;
			}
		}
		if (fd >= 0)
			break;
		if ((e != ECONNREFUSED && e != ENOENT) || now_ms() >= deadline) {
			buf_addf(err, "cannot connect to %s: %s", addr,
				 strerror(e));
			goto fail;
		}
		sleep_ms(CONNECT_RETRY_MS);
	}
	set_nonblock(fd);
	c->sock = c->in_fd = c->out_fd = fd;
	ok = 1;

fail:
	if (list)
		freeaddrinfo(list);
	free(host);
	return ok;
}

/* Close our writing side; the server then sees end of file. */
static void conn_shut_write(struct conn *c)
{
	if (c->out_fd < 0)
		return;
	if (c->sock >= 0)
		shutdown(c->sock, SHUT_WR);
	else
		close(c->out_fd);
	c->out_fd = -1;
	buf_reset(&c->out);
	c->out_off = 0;
}

/* Close both directions of our side at once. */
static void conn_shut_all(struct conn *c)
{
	if (c->sock >= 0) {
		close(c->sock);
		c->sock = c->in_fd = c->out_fd = -1;
	}
	conn_shut_write(c);
	if (c->in_fd >= 0) {
		close(c->in_fd);
		c->in_fd = -1;
	}
}

/* Wait until deadline for the server process to end; return whether it has. */
static int conn_reap(struct conn *c, long long deadline)
{
	int status;

	if (c->pid <= 0 || c->reaped)
		return 1;
	for (;;) {
		pid_t r = waitpid(c->pid, &status, WNOHANG);

		if (r == c->pid) {
			c->reaped = 1;
			c->status = status;
			return 1;
		}
		if (r < 0 && errno != EINTR) {
			c->reaped = 1;
			c->status = 0;
			return 1;
		}
		if (now_ms() >= deadline)
			return 0;
		sleep_ms(REAP_POLL_MS);
	}
}

/* Close everything, kill the server if it still runs, and free the buffers. */
static void conn_free(struct conn *c)
{
	int status;

	conn_shut_all(c);
	if (c->pid > 0 && !c->reaped) {
		kill(c->pid, SIGKILL);
		while (waitpid(c->pid, &status, 0) < 0 && errno == EINTR)
			;
		c->reaped = 1;
	}
	buf_free(&c->in);
	buf_free(&c->out);
}

/* Poll once: write pending output, read input; return IO_* progress flags or -1 (err says why). */
static int conn_io(struct conn *c, int timeout_ms, struct buf *err)
{
	struct pollfd pfd[2];
	int n = 0, wr = -1, rd = -1, progress = 0;
	ssize_t r;

	if (c->out_fd >= 0 && c->out_off < c->out.len) {
		pfd[n].fd = c->out_fd;
		pfd[n].events = POLLOUT;
		wr = n++;
	}
	if (c->in_fd >= 0 && !c->eof) {
		pfd[n].fd = c->in_fd;
		pfd[n].events = POLLIN;
		rd = n++;
	}
	if (poll(pfd, (nfds_t)n, timeout_ms) < 0) {
		if (errno == EINTR)
			return 0;
		buf_reset(err);
		buf_addf(err, "poll failed: %s", strerror(errno));
		return -1;
	}

	if (wr >= 0 && pfd[wr].revents) {
		r = write(c->out_fd, c->out.data + c->out_off,
			  c->out.len - c->out_off);
		if (r > 0) {
			c->out_off += (size_t)r;
			if (c->out_off == c->out.len) {
				buf_reset(&c->out);
				c->out_off = 0;
			}
			progress |= IO_WROTE;
		} else if (r < 0 && errno != EAGAIN && errno != EINTR) {
			buf_reset(err);
			buf_addf(err, "cannot write to the server: %s",
				 strerror(errno));
			c->io_failed = 1;
			return -1;
		}
	}

	if (rd >= 0 && pfd[rd].revents) {
		if (c->in_off) {
			memmove(c->in.data, c->in.data + c->in_off,
				c->in.len - c->in_off);
			c->in.len -= c->in_off;
			c->in_off = 0;
		}
		buf_grow(&c->in, READ_CHUNK);
		r = read(c->in_fd, c->in.data + c->in.len, READ_CHUNK);
		if (r > 0) {
			c->in.len += (size_t)r;
			c->in.data[c->in.len] = '\0';
			progress |= IO_READ;
		} else if (r == 0) {
			c->eof = 1;
			progress |= IO_READ;
		} else if (errno != EAGAIN && errno != EINTR) {
			buf_reset(err);
			buf_addf(err, "cannot read from the server: %s",
				 strerror(errno));
			c->io_failed = 1;
			return -1;
		}
	}
	return progress;
}

/* Describe a malformed frame in err along with the bytes it starts with; return -1. */
static int frame_error(const char *p, size_t avail, struct buf *err,
		       const char *reason)
{
	buf_reset(err);
	buf_addf(err, "malformed frame from the server: %s; it starts \"", reason);
	buf_add_escaped(err, p, avail < DIAG_RAW_MAX ? avail : DIAG_RAW_MAX);
	buf_puts(err, avail > DIAG_RAW_MAX ? "\"..." : "\"");
	return -1;
}

/* Return why header bytes are invalid, or NULL; a partial line may still grow. */
static const char *bad_header_bytes(const char *s, size_t len, int partial)
{
	size_t i;
	int in_name = 1;

	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == '\r' && partial && i == len - 1)
			break;
		if (ch == '\r' || ch == '\n')
			return "stray CR or LF in a header line (lines must end in \\r\\n)";
		if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
			return "control character in a header line";
		if (in_name && ch == ':')
			in_name = 0;
		else if (in_name && !isalnum(ch) && ch != '-')
			return "invalid character in a header name";
	}
	return NULL;
}

/* Check one complete header line, noting the Content-Length; return a reason if it is invalid. */
static const char *parse_header(const char *line, size_t len, size_t *clen,
				int *have_len)
{
	const char *colon = memchr(line, ':', len);
	const char *v, *end = line + len;
	size_t namelen, value = 0;

	if (!colon)
		return "header line without ':'";
	namelen = (size_t)(colon - line);
	for (v = colon + 1; v < end && is_blank(*v); v++)
		;
	while (end > v && is_blank(end[-1]))
		end--;
	if (namelen == 14 && !strncasecmp(line, "Content-Length", 14)) {
		if (*have_len)
			return "duplicate Content-Length header";
		if (v == end)
			return "empty Content-Length";
		for (; v < end; v++) {
			if (!isdigit((unsigned char)*v))
				return "Content-Length is not a decimal number";
			value = value * 10 + (size_t)(*v - '0');
			if (value > MAX_BODY_BYTES)
				return "Content-Length is absurdly large";
		}
		*clen = value;
		*have_len = 1;
		return NULL;
	}
	if (namelen == 12 && !strncasecmp(line, "Content-Type", 12))
		return NULL;
	return "unknown header (only Content-Length and Content-Type are allowed)";
}

/* Take one frame off the input: 1 with *msg, 0 if incomplete, -1 if malformed (err says why). */
static int take_frame(struct conn *c, json_t **msg, struct buf *err)
{
	const char *p = c->in.data + c->in_off;
	size_t avail = c->in.len - c->in_off, pos = 0, clen = 0;
	int have_len = 0;
	const char *why;
	json_error_t jerr;

	if (!avail)
		return 0;
	for (;;) {
		const char *eol = memmem(p + pos, avail - pos, "\r\n", 2);
		size_t len;

		if (!eol) {
			why = bad_header_bytes(p + pos, avail - pos, 1);
			if (why)
				return frame_error(p, avail, err, why);
			if (avail > MAX_HEADER_BYTES)
				return frame_error(p, avail, err,
						   "header longer than 8192 bytes");
			return 0;
		}
		len = (size_t)(eol - (p + pos));
		if (!len)
			break;
		why = bad_header_bytes(p + pos, len, 0);
		if (!why)
			why = parse_header(p + pos, len, &clen, &have_len);
		if (why)
			return frame_error(p, avail, err, why);
		pos += len + 2;
		if (pos > MAX_HEADER_BYTES)
			return frame_error(p, avail, err,
					   "header longer than 8192 bytes");
	}
	if (!have_len)
		return frame_error(p, avail, err, "no Content-Length header");
	pos += 2;
	if (avail - pos < clen)
		return 0;

	*msg = json_loadb(p + pos, clen, JSON_REJECT_DUPLICATES, &jerr);
	if (!*msg) {
		struct buf reason = { 0 };
		int r;

		buf_addf(&reason, "body is not valid JSON: %s (at byte %d)",
			 jerr.text, jerr.position);
		r = frame_error(p, avail, err, buf_str(&reason));
		buf_free(&reason);
		return r;
	}
	if (!json_is_object(*msg)) {
		json_decref(*msg);
		*msg = NULL;
		return frame_error(p, avail, err, "body is not a JSON object");
	}
	c->in_off += pos + clen;
	return 1;
}

/* Append the LSP frame for body to out. */
static void add_frame(struct buf *out, const char *body, size_t len)
{
	buf_addf(out, "Content-Length: %zu\r\n\r\n", len);
	buf_add(out, body, len);
}

/* Return whether the string value exp is exactly the marker m. */
static int is_marker(const json_t *exp, const char *m)
{
	return json_is_string(exp) && !strcmp(json_string_value(exp), m);
}

/* Describe a mismatch as "expected E, got A"; return 0. */
static int mismatch(struct buf *why, const json_t *exp, const json_t *act)
{
	buf_puts(why, "expected ");
	buf_add_value(why, exp);
	buf_puts(why, ", got ");
	buf_add_value(why, act);
	return 0;
}

/* Append .key (or ["key"] when it is not an identifier) to a JSON path. */
static void path_add_key(struct buf *path, const char *key)
{
	const char *k;

	for (k = key; *k && is_name_char(*k); k++)
		;
	if (*key && !*k && !isdigit((unsigned char)*key)) {
		buf_addf(path, ".%s", key);
	} else {
		buf_puts(path, "[\"");
		buf_add_escaped(path, key, strlen(key));
		buf_puts(path, "\"]");
	}
}

static int match_value(json_t *exp, json_t *act, struct buf *path,
		       struct buf *why);

/* Require act to be a string matching the extended regex re. */
static int match_regex(const char *re, const json_t *act, struct buf *why)
{
	regex_t rx;
	int r;

	if (!json_is_string(act)) {
		buf_addf(why, "expected a string matching /%s/, got ", re);
		buf_add_value(why, act);
		return 0;
	}
	if (regcomp(&rx, re, REG_EXTENDED | REG_NOSUB)) {
		buf_addf(why, "invalid regex /%s/", re);
		return 0;
	}
	r = regexec(&rx, json_string_value(act), 0, NULL, 0);
	regfree(&rx);
	if (!r)
		return 1;
	buf_puts(why, "got ");
	buf_add_value(why, act);
	buf_addf(why, ", which does not match /%s/", re);
	return 0;
}

/* Require every key of the expected object to be present (or absent) in act and match. */
static int match_object(json_t *exp, json_t *act, struct buf *path,
			struct buf *why)
{
	const char *key;
	json_t *want;

	if (!json_is_object(act))
		return mismatch(why, exp, act);
	json_object_foreach(exp, key, want) {
		json_t *have = json_object_get(act, key);
		size_t mark = path->len;

		path_add_key(path, key);
		if (is_marker(want, MARK_ABSENT)) {
			if (have) {
				buf_puts(why, "expected no such key, got ");
				buf_add_value(why, have);
				return 0;
			}
		} else if (!have) {
			buf_puts(why, "missing key, expected ");
			buf_add_value(why, want);
			return 0;
		} else if (!match_value(want, have, path, why)) {
			return 0;
		}
		buf_truncate(path, mark);
	}
	return 1;
}

/* Require act to be an array matching exp element-wise, or as a prefix if exp ends in "...". */
static int match_array(json_t *exp, json_t *act, struct buf *path,
		       struct buf *why)
{
	size_t n = json_array_size(exp), have, i;
	int prefix = 0;

	if (!json_is_array(act))
		return mismatch(why, exp, act);
	if (n && is_marker(json_array_get(exp, n - 1), MARK_REST)) {
		prefix = 1;
		n--;
	}
	have = json_array_size(act);
	if (prefix ? have < n : have != n) {
		buf_addf(why, "expected %s%zu element%s, got %zu: ",
			 prefix ? "at least " : "", n, n == 1 ? "" : "s", have);
		buf_add_value(why, act);
		return 0;
	}
	for (i = 0; i < n; i++) {
		size_t mark = path->len;

		buf_addf(path, "[%zu]", i);
		if (!match_value(json_array_get(exp, i), json_array_get(act, i),
				 path, why))
			return 0;
		buf_truncate(path, mark);
	}
	return 1;
}

/* Compare numbers: integers exactly, anything involving a real within 1e-9 (relative above 1). */
static int match_number(const json_t *exp, const json_t *act, struct buf *why)
{
	double e, a, diff, tol;

	if (json_is_integer(exp) && json_is_integer(act)) {
		if (json_integer_value(exp) == json_integer_value(act))
			return 1;
		return mismatch(why, exp, act);
	}
	e = json_number_value(exp);
	a = json_number_value(act);
	diff = e > a ? e - a : a - e;
	tol = e < 0 ? -e : e;
	if (tol < 1)
		tol = 1;
	if (diff <= tol * 1e-9)
		return 1;
	return mismatch(why, exp, act);
}

/* Match act against the pattern exp, leaving where and why it differs in path and why. */
static int match_value(json_t *exp, json_t *act, struct buf *path,
		       struct buf *why)
{
	if (json_is_string(exp)) {
		const char *e = json_string_value(exp);

		if (!strcmp(e, MARK_ANY))
			return 1;
		if (e[0] == '~')
			return match_regex(e + 1, act, why);
	}
	if (json_is_object(exp))
		return match_object(exp, act, path, why);
	if (json_is_array(exp))
		return match_array(exp, act, path, why);
	if (json_is_number(exp) && json_is_number(act))
		return match_number(exp, act, why);
	if (json_equal(exp, act))
		return 1;
	return mismatch(why, exp, act);
}

/* Check that the regexes in a pattern compile and "<absent>" is used only as an object value. */
static int check_pattern(json_t *pat, int member, struct buf *err)
{
	const char *key;
	json_t *v;
	size_t i;

	if (json_is_string(pat)) {
		const char *s = json_string_value(pat);
		regex_t rx;
		int rc;

		if (!member && !strcmp(s, MARK_ABSENT)) {
			buf_puts(err, "\"<absent>\" can only be the value of an object key");
			return 0;
		}
		if (s[0] != '~')
			return 1;
		rc = regcomp(&rx, s + 1, REG_EXTENDED | REG_NOSUB);
		if (rc) {
			char msg[256];

			regerror(rc, &rx, msg, sizeof(msg));
			buf_addf(err, "invalid regex /%s/: %s", s + 1, msg);
			return 0;
		}
		regfree(&rx);
		return 1;
	}
	if (json_is_object(pat)) {
		json_object_foreach(pat, key, v)
			if (!check_pattern(v, 1, err))
				return 0;
	} else if (json_is_array(pat)) {
		json_array_foreach(pat, i, v)
			if (!check_pattern(v, 0, err))
				return 0;
	}
	return 1;
}

/* Decode the escapes of a -->raw line (\r \n \t \\ \" \xHH) onto out. */
static int unescape(const char *s, struct buf *out, struct buf *err)
{
	static const char hex[] = "0123456789abcdef";

	while (*s) {
		const char *h1, *h2;
		char ch;

		if (*s != '\\') {
			buf_add(out, s++, 1);
			continue;
		}
		switch (s[1]) {
		case 'r': ch = '\r'; break;
		case 'n': ch = '\n'; break;
		case 't': ch = '\t'; break;
		case '\\': ch = '\\'; break;
		case '"': ch = '"'; break;
		case 'x':
			h1 = s[2] ? strchr(hex, tolower((unsigned char)s[2])) : NULL;
			h2 = h1 && s[3] ? strchr(hex, tolower((unsigned char)s[3])) : NULL;
			if (!h2) {
				buf_puts(err, "\\x needs two hex digits");
				return 0;
			}
			ch = (char)((h1 - hex) * 16 + (h2 - hex));
			buf_add(out, &ch, 1);
			s += 4;
			continue;
		default:
			buf_addf(err, "unknown escape \\%c", s[1] ? s[1] : ' ');
			return 0;
		}
		buf_add(out, &ch, 1);
		s += 2;
	}
	return 1;
}

/* Append a new step of the given kind to t and return it. */
static struct step *add_step(struct transcript *t, enum step_kind kind, int line)
{
	struct step *st;

	if (t->nsteps == t->alloc) {
		size_t alloc = t->alloc ? t->alloc * 2 : 16;
		struct step *p = realloc(t->steps, alloc * sizeof(*p));

		if (!p)
			die_oom();
		t->steps = p;
		t->alloc = alloc;
	}
	st = &t->steps[t->nsteps++];
	memset(st, 0, sizeof(*st));
	st->kind = kind;
	st->line = line;
	return st;
}

/* Free the steps of t. */
static void transcript_free(struct transcript *t)
{
	size_t i;

	for (i = 0; i < t->nsteps; i++) {
		buf_free(&t->steps[i].data);
		json_decref(t->steps[i].expect);
		free(t->steps[i].method);
	}
	free(t->steps);
	t->steps = NULL;
	t->nsteps = t->alloc = 0;
}

/* Parse one (already expanded) transcript line into t; describe problems in err. */
static int parse_line(struct transcript *t, int lineno, char *text,
		      const struct options *opt, struct buf *err)
{
	struct step *st;
	char *kw, *rest, *end;
	json_error_t jerr;

	while (is_blank(*text))
		text++;
	end = text + strlen(text);
	while (end > text && is_blank(end[-1]))
		*--end = '\0';
	if (!*text || *text == '#')
		return 1;
	kw = text;
	for (rest = text; *rest && !is_blank(*rest); rest++)
		;
	if (*rest) {
		*rest++ = '\0';
		while (is_blank(*rest))
			rest++;
	}
	if (t->nsteps && t->steps[t->nsteps - 1].kind == STEP_EXIT) {
		buf_puts(err, "nothing may follow %exit");
		return 0;
	}

	if (!strcmp(kw, "-->") || !strcmp(kw, "-->raw")) {
		if (!*rest) {
			buf_addf(err, "%s needs something to send", kw);
			return 0;
		}
		if (t->nsteps && t->steps[t->nsteps - 1].kind == STEP_SEND)
			st = &t->steps[t->nsteps - 1];
		else
			st = add_step(t, STEP_SEND, lineno);
		if (!strcmp(kw, "-->raw"))
			return unescape(rest, &st->data, err);
		add_frame(&st->data, rest, strlen(rest));
		return 1;
	}
	if (!strcmp(kw, "<--")) {
		json_t *pat = json_loads(rest, JSON_DECODE_ANY |
					 JSON_REJECT_DUPLICATES, &jerr);

		if (!pat) {
			buf_addf(err, "invalid JSON after <--: %s (column %d)",
				 jerr.text, jerr.column);
			return 0;
		}
		if (!check_pattern(pat, 0, err)) {
			json_decref(pat);
			return 0;
		}
		add_step(t, STEP_EXPECT, lineno)->expect = pat;
		return 1;
	}
	if (!strcmp(kw, "%ignore") || !strcmp(kw, "%unignore")) {
		if (!*rest || strpbrk(rest, " \t")) {
			buf_addf(err, "%s needs exactly one method name", kw);
			return 0;
		}
		st = add_step(t, kw[1] == 'i' ? STEP_IGNORE : STEP_UNIGNORE,
			      lineno);
		st->method = strdup(rest);
		if (!st->method)
			die_oom();
		return 1;
	}
	if (!strcmp(kw, "%close") || !strcmp(kw, "%disconnect")) {
		if (*rest) {
			buf_addf(err, "%s takes no argument", kw);
			return 0;
		}
		add_step(t, kw[1] == 'c' ? STEP_CLOSE : STEP_DISCONNECT, lineno);
		return 1;
	}
	if (!strcmp(kw, "%exit")) {
		long status;

		if (opt->connect) {
			buf_puts(err, "%exit is not available with --connect");
			return 0;
		}
		if (!parse_long(rest, 0, 255, &status)) {
			buf_puts(err, "%exit needs a status from 0 to 255");
			return 0;
		}
		add_step(t, STEP_EXIT, lineno)->arg = status;
		return 1;
	}
	if (!strcmp(kw, "%sleep") || !strcmp(kw, "%noresponse")) {
		long ms;

		if (!parse_long(rest, 0, 3600000, &ms)) {
			buf_addf(err, "%s needs a number of milliseconds", kw);
			return 0;
		}
		add_step(t, kw[1] == 's' ? STEP_SLEEP : STEP_NORESPONSE,
			 lineno)->arg = ms;
		return 1;
	}
	if (!strcmp(kw, "%shell")) {
		if (!*rest) {
			buf_puts(err, "%shell needs a command");
			return 0;
		}
		st = add_step(t, STEP_SHELL, lineno);
		st->method = strdup(rest);
		if (!st->method)
			die_oom();
		return 1;
	}
	buf_addf(err, "unknown directive '%s'", kw);
	return 0;
}

/* Return the value of the variable name (len bytes), or NULL if it is undefined. */
static const char *lookup_var(const struct options *opt, const char *name,
			      size_t len, const char *dir)
{
	size_t i;

	for (i = opt->nvars; i-- > 0;)
		if (opt->vars[i].namelen == len &&
		    !memcmp(opt->vars[i].name, name, len))
			return opt->vars[i].value;
	if (len == 14 && !memcmp(name, "TRANSCRIPT_DIR", 14))
		return dir;
	return NULL;
}

/* Copy a line to out with every ${NAME} replaced by its value. */
static int expand_vars(const char *s, size_t len, const struct options *opt,
		       const char *dir, struct buf *out, struct buf *err)
{
	size_t i = 0;

	buf_grow(out, len);
	while (i < len) {
		const char *value;
		size_t j;

		if (s[i] != '$' || i + 1 >= len || s[i + 1] != '{') {
			buf_add(out, &s[i++], 1);
			continue;
		}
		for (j = i + 2; j < len && is_name_char(s[j]); j++)
			;
		if (j == i + 2 || j >= len || s[j] != '}' ||
		    !is_name_start(s[i + 2])) {
			buf_puts(err, "malformed variable reference (expected ${NAME})");
			return 0;
		}
		value = lookup_var(opt, s + i + 2, j - i - 2, dir);
		if (!value) {
			buf_addf(err, "undefined variable ${%.*s}",
				 (int)(j - i - 2), s + i + 2);
			return 0;
		}
		buf_puts(out, value);
		i = j + 1;
	}
	return 1;
}

/* Read the whole file at path into b. */
static int read_file(const char *path, struct buf *b, struct buf *err)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f) {
		buf_addf(err, "cannot open: %s", strerror(errno));
		return 0;
	}
	do {
		buf_grow(b, READ_CHUNK);
		n = fread(b->data + b->len, 1, READ_CHUNK, f);
		b->len += n;
		b->data[b->len] = '\0';
	} while (n == READ_CHUNK);
	if (ferror(f)) {
		buf_addf(err, "cannot read: %s", strerror(errno));
		fclose(f);
		return 0;
	}
	fclose(f);
	return 1;
}

/* Return the absolute directory holding path (malloc'd), or NULL. */
static char *transcript_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir, *abs;

	if (!slash)
		return realpath(".", NULL);
	if (slash == path)
		return realpath("/", NULL);
	dir = strndup(path, (size_t)(slash - path));
	if (!dir)
		die_oom();
	abs = realpath(dir, NULL);
	free(dir);
	return abs;
}

/* Read and parse the transcript at path; on error append "path:line: reason" to diag. */
static int load_transcript(struct transcript *t, const char *path,
			   const struct options *opt, struct buf *diag)
{
	struct buf text = { 0 }, line = { 0 }, err = { 0 };
	char *dir = NULL;
	size_t pos = 0;
	int lineno = 0, ok = 0;

	if (!read_file(path, &text, &err)) {
		buf_addf(diag, "%s: %s\n", path, buf_str(&err));
		goto fail;
	}
	dir = transcript_dir(path);
	if (!dir) {
		buf_addf(diag, "%s: cannot resolve its directory: %s\n", path,
			 strerror(errno));
		goto fail;
	}
	while (pos < text.len) {
		const char *start = text.data + pos;
		const char *nl = memchr(start, '\n', text.len - pos);
		size_t len = nl ? (size_t)(nl - start) : text.len - pos;

		pos += len + (nl ? 1 : 0);
		lineno++;
		if (len && start[len - 1] == '\r')
			len--;
		buf_reset(&line);
		if (memchr(start, '\0', len))
			buf_puts(&err, "NUL byte in the transcript");
		else if (expand_vars(start, len, opt, dir, &line, &err) &&
			 parse_line(t, lineno, line.data, opt, &err))
			continue;
		buf_addf(diag, "%s:%d: %s\n", path, lineno, buf_str(&err));
		goto fail;
	}
	ok = 1;

fail:
	free(dir);
	buf_free(&text);
	buf_free(&line);
	buf_free(&err);
	return ok;
}

/* Prepare a session that reports into diag as where. */
static void session_init(struct session *s, const struct options *opt,
			 const char *where, struct buf *diag)
{
	memset(s, 0, sizeof(*s));
	s->opt = opt;
	s->where = where;
	s->diag = diag;
	conn_init(&s->conn);
}

/* End the session's connection and free what it holds. */
static void session_free(struct session *s)
{
	conn_free(&s->conn);
	free(s->ignored);
	buf_free(&s->err);
}

/* Record a failure at a transcript line (0: no line) in the diagnostics; return 0. */
PRINTF_LIKE(3, 4)
static int fail(struct session *s, int line, const char *fmt, ...)
{
	va_list ap;

	if (line > 0)
		buf_addf(s->diag, "%s:%d: ", s->where, line);
	else if (s->at_end)
		buf_addf(s->diag, "%s: at end of transcript: ", s->where);
	else
		buf_addf(s->diag, "%s: ", s->where);
	va_start(ap, fmt);
	buf_vaddf(s->diag, fmt, ap);
	va_end(ap);
	buf_puts(s->diag, "\n");
	return 0;
}

/* After the server closed a channel, add how it ended (waiting for it up to the timeout). */
static void note_server_state(struct session *s)
{
	struct conn *c = &s->conn;

	if (c->pid <= 0)
		return;
	if (conn_reap(c, now_ms() + s->opt->timeout_ms)) {
		buf_puts(s->diag, "the server ");
		buf_add_status(s->diag, c->status);
		buf_puts(s->diag, "\n");
	} else {
		buf_puts(s->diag, "the server is still running\n");
	}
}

/* Open the session's connection: spawn the server or connect to it. */
static int session_open(struct session *s)
{
	int ok;

	buf_reset(&s->err);
	if (s->opt->connect)
		ok = conn_connect(&s->conn, s->opt->connect,
				  now_ms() + s->opt->timeout_ms, &s->err);
	else
		ok = conn_spawn(&s->conn, s->opt->server, &s->err);
	if (!ok)
		return fail(s, 0, "%s", buf_str(&s->err));
	return 1;
}

/* Return whether the server message msg is to be skipped silently. */
static int is_ignored(const struct session *s, json_t *msg)
{
	json_t *method = json_object_get(msg, "method");
	size_t i;

	if (!json_is_string(method))
		return 0;
	if (s->ignore_notifications && !json_object_get(msg, "id"))
		return 1;
	for (i = 0; i < s->nignored; i++)
		if (!strcmp(s->ignored[i], json_string_value(method)))
			return 1;
	return 0;
}

/* Start skipping server notifications and requests with this method. */
static void ignore_method(struct session *s, const char *method)
{
	if (s->nignored == s->ignored_alloc) {
		size_t alloc = s->ignored_alloc ? s->ignored_alloc * 2 : 8;
		const char **p = realloc(s->ignored, alloc * sizeof(*p));

		if (!p)
			die_oom();
		s->ignored = p;
		s->ignored_alloc = alloc;
	}
	s->ignored[s->nignored++] = method;
}

/* Stop skipping messages with this method. */
static void unignore_method(struct session *s, const char *method)
{
	size_t i = 0;

	while (i < s->nignored) {
		if (!strcmp(s->ignored[i], method))
			s->ignored[i] = s->ignored[--s->nignored];
		else
			i++;
	}
}

/* Show one server message on stdout, for --print. */
static void print_message(const json_t *msg)
{
	char *text = json_dumps(msg, JSON_COMPACT);

	if (text)
		printf("<-- %s\n", text);
	free(text);
	fflush(stdout);
}

/* Wait until deadline for the next message not ignored, writing pending output meanwhile. */
static enum wait_result next_message(struct session *s, long long deadline,
				     json_t **msg)
{
	struct conn *c = &s->conn;
	int r;

	*msg = NULL;
	s->skipped = 0;
	for (;;) {
		while ((r = take_frame(c, msg, &s->err)) == 1) {
			if (s->opt->print)
				print_message(*msg);
			if (!is_ignored(s, *msg))
				return GOT_MSG;
			json_decref(*msg);
			*msg = NULL;
			s->skipped++;
		}
		if (r < 0)
			return GOT_ERROR;
		if (c->eof || c->in_fd < 0) {
			if (c->in_off == c->in.len)
				return GOT_EOF;
			buf_reset(&s->err);
			buf_addf(&s->err, "the server's output ended in the middle of a frame (%zu bytes: \"",
				 c->in.len - c->in_off);
			buf_add_escaped(&s->err, c->in.data + c->in_off,
					c->in.len - c->in_off < DIAG_RAW_MAX ?
					c->in.len - c->in_off : DIAG_RAW_MAX);
			buf_puts(&s->err, "\")");
			return GOT_ERROR;
		}
		if (now_ms() >= deadline)
			return GOT_TIMEOUT;
		if (conn_io(c, ms_until(deadline), &s->err) < 0)
			return GOT_ERROR;
	}
}

/* Report why waiting for what failed; r is what next_message returned. Returns 0. */
static int fail_wait(struct session *s, int line, enum wait_result r,
		     const char *what)
{
	switch (r) {
	case GOT_TIMEOUT:
		fail(s, line, "timed out after %g s waiting for %s",
		     s->opt->timeout_s, what);
		break;
	case GOT_EOF:
		fail(s, line, "the server closed %s while we waited for %s",
		     s->opt->connect ? "the connection" : "its output", what);
		note_server_state(s);
		break;
	default:
		fail(s, line, "%s (while waiting for %s)", buf_str(&s->err),
		     what);
		if (s->conn.io_failed)
			note_server_state(s);
		break;
	}
	if (s->skipped)
		buf_addf(s->diag, "(%lu ignored message%s skipped meanwhile)\n",
			 s->skipped, s->skipped == 1 ? " was" : "s were");
	return 0;
}

/* Write bytes to the server in one write(2) (more if it is partial), reading meanwhile. */
static int send_bytes(struct session *s, int line, const char *data, size_t len)
{
	struct conn *c = &s->conn;
	long long deadline;
	int r;

	if (c->out_fd < 0)
		return fail(s, line, "cannot send: our side is already closed");
	buf_add(&c->out, data, len);
	deadline = now_ms() + s->opt->timeout_ms;
	while (c->out_off < c->out.len) {
		if (now_ms() >= deadline)
			return fail(s, line, "timed out after %g s writing to the server (%zu bytes left)",
				    s->opt->timeout_s, c->out.len - c->out_off);
		r = conn_io(c, ms_until(deadline), &s->err);
		if (r < 0) {
			fail(s, line, "%s", buf_str(&s->err));
			note_server_state(s);
			return 0;
		}
		if (r & IO_WROTE)
			deadline = now_ms() + s->opt->timeout_ms;
	}
	s->last_send_ms = now_ms_exact();
	return 1;
}

/* Read the next message and require it to match the step's pattern. */
static int expect_message(struct session *s, const struct step *st)
{
	struct buf path = { 0 }, why = { 0 };
	enum wait_result r;
	json_t *msg;
	int ok = 0;

	if (s->conn.in_fd < 0)
		return fail(s, st->line, "cannot read after %%disconnect");
	r = next_message(s, now_ms() + s->opt->timeout_ms, &msg);
	if (r != GOT_MSG) {
		fail_wait(s, st->line, r, "a message");
		diag_json(s->diag, "expected", st->expect);
		goto fail;
	}
	buf_puts(&path, "$");
	if (!match_value(st->expect, msg, &path, &why)) {
		fail(s, st->line, "message does not match at %s: %s",
		     buf_str(&path), buf_str(&why));
		diag_json(s->diag, "expected", st->expect);
		diag_json(s->diag, "actual", msg);
		goto fail;
	}
	ok = 1;
	if (s->opt->timings)
		fprintf(stderr, "timing %s:%d %.3f ms\n", s->where, st->line,
			now_ms_exact() - s->last_send_ms);

fail:
	json_decref(msg);
	buf_free(&path);
	buf_free(&why);
	return ok;
}

/* Require that no message that is not ignored arrives within ms milliseconds. */
static int expect_silence(struct session *s, int line, long ms)
{
	enum wait_result r;
	json_t *msg;

	if (s->conn.in_fd < 0)
		return fail(s, line, "cannot read after %%disconnect");
	r = next_message(s, now_ms() + ms, &msg);
	if (r == GOT_MSG) {
		fail(s, line, "unexpected message from the server");
		diag_json(s->diag, "actual", msg);
		json_decref(msg);
		return 0;
	}
	if (r == GOT_ERROR)
		return fail_wait(s, line, r, "silence");
	return 1;
}

/* Sleep for ms milliseconds, still moving bytes so that neither side stalls. */
static int pause_io(struct session *s, int line, long ms)
{
	long long deadline = now_ms() + ms;

	while (now_ms() < deadline) {
		if (conn_io(&s->conn, ms_until(deadline), &s->err) < 0) {
			fail(s, line, "%s", buf_str(&s->err));
			note_server_state(s);
			return 0;
		}
	}
	return 1;
}

/* Close our side, drain the server's output and require it to exit with status want. */
static int expect_exit(struct session *s, int line, int want)
{
	struct conn *c = &s->conn;
	long long deadline = now_ms() + s->opt->timeout_ms;
	enum wait_result r;
	json_t *msg;

	conn_shut_write(c);
	while (c->in_fd >= 0) {
		r = next_message(s, deadline, &msg);
		if (r == GOT_EOF)
			break;
		if (r == GOT_MSG) {
			fail(s, line, "unexpected message from the server before it exited");
			diag_json(s->diag, "actual", msg);
			json_decref(msg);
			return 0;
		}
		if (r == GOT_TIMEOUT)
			return fail(s, line, "the server did not close its output within %g s of its input being closed",
				    s->opt->timeout_s);
		return fail_wait(s, line, r, "the server to exit");
	}
	if (!conn_reap(c, deadline))
		return fail(s, line, "the server did not exit within %g s",
			    s->opt->timeout_s);
	if (WIFEXITED(c->status) && WEXITSTATUS(c->status) == want)
		return 1;
	buf_reset(&s->err);
	buf_add_status(&s->err, c->status);
	if (WIFEXITED(c->status))
		return fail(s, line, "the server %s, expected status %d",
			    buf_str(&s->err), want);
	return fail(s, line, "the server %s", buf_str(&s->err));
}

/* After %disconnect, give the server time to end; fail only if a signal killed it. */
static int reap_disconnected(struct session *s)
{
	struct conn *c = &s->conn;

	if (!conn_reap(c, now_ms() + s->opt->timeout_ms))
		return 1;
	if (!WIFSIGNALED(c->status))
		return 1;
	buf_reset(&s->err);
	buf_add_status(&s->err, c->status);
	return fail(s, 0, "after %%disconnect the server %s", buf_str(&s->err));
}

/* Run a %shell command with /bin/sh; it must exit 0. */
static int run_shell(struct session *s, int line, const char *cmd)
{
	int status;

	fflush(stdout);
	status = system(cmd);
	if (status == -1)
		return fail(s, line, "cannot run %%shell command: %s",
			    strerror(errno));
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return fail(s, line, "%%shell command failed (status %d): %s",
			    WIFEXITED(status) ? WEXITSTATUS(status) : -1, cmd);
	return 1;
}

/* Carry out one transcript step. */
static int run_step(struct session *s, const struct step *st)
{
	switch (st->kind) {
	case STEP_SEND:
		return send_bytes(s, st->line, st->data.data, st->data.len);
	case STEP_EXPECT:
		return expect_message(s, st);
	case STEP_IGNORE:
		ignore_method(s, st->method);
		return 1;
	case STEP_UNIGNORE:
		unignore_method(s, st->method);
		return 1;
	case STEP_CLOSE:
		conn_shut_write(&s->conn);
		return 1;
	case STEP_DISCONNECT:
		conn_shut_all(&s->conn);
		s->disconnected = 1;
		return 1;
	case STEP_EXIT:
		return expect_exit(s, st->line, (int)st->arg);
	case STEP_SLEEP:
		return pause_io(s, st->line, st->arg);
	case STEP_NORESPONSE:
		return expect_silence(s, st->line, st->arg);
	case STEP_SHELL:
		return run_shell(s, st->line, st->method);
	}
	return fail(s, st->line, "internal error: unknown step");
}

/* Check the implicit end of a transcript that did not end in %exit. */
static int finish_transcript(struct session *s)
{
	s->at_end = 1;
	if (s->opt->connect)
		return s->conn.in_fd < 0 ||
		       expect_silence(s, 0, END_SILENCE_MS);
	if (s->disconnected)
		return reap_disconnected(s);
	return expect_exit(s, 0, 0);
}

/* Run the transcript at path against a fresh server or connection; explain failures in diag. */
static int run_transcript(const struct options *opt, const char *path,
			  struct buf *diag)
{
	struct transcript t = { 0 };
	struct session s;
	size_t i;
	int ok = 0;

	session_init(&s, opt, path, diag);
	if (!load_transcript(&t, path, opt, diag) || !session_open(&s))
		goto fail;
	for (i = 0; i < t.nsteps; i++)
		if (!run_step(&s, &t.steps[i]))
			goto fail;
	if (!t.nsteps || t.steps[t.nsteps - 1].kind != STEP_EXIT)
		if (!finish_transcript(&s))
			goto fail;
	ok = 1;

fail:
	session_free(&s);
	transcript_free(&t);
	return ok;
}

/* Return the resident memory of process pid in kB from /proc, or -1. */
static long read_rss_kb(pid_t pid)
{
	char path[64], line[256];
	long kb = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/status", (long)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "VmRSS:", 6)) {
			kb = strtol(line + 6, NULL, 10);
			break;
		}
	fclose(f);
	return kb;
}

/* Return whether msg is a successful response (result, no error) with this id. */
static int is_success(json_t *msg, long id)
{
	json_t *jid = json_object_get(msg, "id");

	return json_is_integer(jid) && json_integer_value(jid) == id &&
	       json_object_get(msg, "result") &&
	       !json_object_get(msg, "error");
}

/* Wait for the successful response with this id; fail naming what if something else comes. */
static int expect_success(struct session *s, long id, const char *what)
{
	enum wait_result r;
	json_t *msg;

	r = next_message(s, now_ms() + s->opt->timeout_ms, &msg);
	if (r != GOT_MSG)
		return fail_wait(s, 0, r, what);
	if (!is_success(msg, id)) {
		fail(s, 0, "expected %s (a result with id %ld)", what, id);
		diag_json(s->diag, "actual", msg);
		json_decref(msg);
		return 0;
	}
	json_decref(msg);
	return 1;
}

/* Load-test one server pipe with n pipelined requests; explain failures in diag. */
static int run_flood(const struct options *opt, const char *name,
		     struct buf *diag)
{
	static const char init[] =
		"{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\","
		"\"params\":{\"processId\":null,\"rootUri\":null,\"capabilities\":{}}}";
	static const char initialized[] =
		"{\"jsonrpc\":\"2.0\",\"method\":\"initialized\",\"params\":{}}";
	static const char quit[] = "{\"jsonrpc\":\"2.0\",\"method\":\"exit\"}";
	struct session s;
	struct buf body = { 0 }, what = { 0 };
	long n = opt->flood, sample_at = n / 10 ? n / 10 : 1, k;
	long rss_first = -1, rss_last = -1;
	long long start, elapsed = 0;
	int ok = 0;

	session_init(&s, opt, name, diag);
	s.ignore_notifications = 1;
	if (!session_open(&s))
		goto fail;

	add_frame(&s.conn.out, init, strlen(init));
	add_frame(&s.conn.out, initialized, strlen(initialized));
	for (k = 1; k <= n; k++) {
		buf_reset(&body);
		buf_addf(&body, "{\"jsonrpc\":\"2.0\",\"id\":%ld,"
			 "\"method\":\"heaplens/status\",\"params\":{}}", k);
		add_frame(&s.conn.out, body.data, body.len);
	}
	start = now_ms();
	if (!expect_success(&s, 0, "the initialize response"))
		goto fail;
	for (k = 1; k <= n; k++) {
		buf_reset(&what);
		buf_addf(&what, "response %ld of %ld", k, n);
		if (!expect_success(&s, k, buf_str(&what)))
			goto fail;
		if (k == sample_at)
			rss_first = read_rss_kb(s.conn.pid);
	}
	rss_last = read_rss_kb(s.conn.pid);
	elapsed = now_ms() - start;

	buf_reset(&body);
	buf_addf(&body, "{\"jsonrpc\":\"2.0\",\"id\":%ld,\"method\":\"shutdown\"}", n + 1);
	buf_reset(&what);
	add_frame(&what, body.data, body.len);
	if (!send_bytes(&s, 0, what.data, what.len) ||
	    !expect_success(&s, n + 1, "the shutdown response"))
		goto fail;
	buf_reset(&what);
	add_frame(&what, quit, strlen(quit));
	if (!send_bytes(&s, 0, what.data, what.len) || !expect_exit(&s, 0, 0))
		goto fail;

	if (rss_first < 0 || rss_last < 0) {
		fail(&s, 0, "cannot read VmRSS from /proc/%ld/status",
		     (long)s.conn.pid);
		goto fail;
	}
	if (rss_last - rss_first > opt->max_growth_kb) {
		fail(&s, 0, "resident memory grew by %ld kB between response %ld and %ld (limit %ld kB)",
		     rss_last - rss_first, sample_at, n, opt->max_growth_kb);
		goto fail;
	}
	ok = 1;

fail:
	if (rss_first >= 0 && rss_last >= 0)
		buf_addf(diag, "rss at %ld: %ld kB, at %ld: %ld kB, %.2f s\n",
			 sample_at, rss_first, n, rss_last, elapsed / 1000.0);
	session_free(&s);
	buf_free(&body);
	buf_free(&what);
	return ok;
}

/* Print the result line for one test and its diagnostics, indented as "  # ". */
static void report(int ok, const char *name, const struct buf *diag)
{
	const char *p = buf_str(diag);

	printf("%s - %s\n", ok ? "ok" : "not ok", name);
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		printf("  # %.*s\n", (int)len, p);
		if (!nl)
			break;
		p = nl + 1;
	}
	fflush(stdout);
}

/* Free the variables and what --var-file read. */
static void free_vars(struct options *opt)
{
	size_t i;

	for (i = 0; i < opt->nvars; i++)
		free(opt->vars[i].owned);
	free(opt->vars);
}

/* Print the usage summary to out. */
static void usage(FILE *out)
{
	fputs("usage: rpc-run [--var NAME=VALUE]... [--timeout SECONDS] "
	      "TRANSCRIPT... -- SERVER-CMD [ARGS...]\n"
	      "   or: rpc-run [--var NAME=VALUE]... [--timeout SECONDS] "
	      "--connect ADDR TRANSCRIPT...\n"
	      "   or: rpc-run [--timeout SECONDS] --flood N [--max-growth-kb K] "
	      "-- SERVER-CMD [ARGS...]\n"
	      "\n"
	      "--print shows every message the server sends on stdout.\n"
	      "--timings prints \"timing FILE:LINE MS\" on stderr for each matched\n"
	      "message: the time since the last send was written.\n"
	      "--var-file NAME=PATH defines NAME as PATH's contents, escaped for\n"
	      "a JSON string.\n"
	      "ADDR is unix:PATH or HOST:PORT.  The timeout defaults to $RPC_TIMEOUT,\n"
	      "or 10 seconds.  See tests/rpc/README.md for the transcript format.\n",
	      out);
}

/* Complain about the command line on stderr; return 0. */
PRINTF_LIKE(1, 2)
static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("rpc-run: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\n", stderr);
	usage(stderr);
	return 0;
}

/* Match argv[*i] to option name and take its value: 1 matched, 0 not, -1 value missing. */
static int take_option(int argc, char **argv, int *i, const char *name,
		       const char **value)
{
	const char *arg = argv[*i];
	size_t n = strlen(name);

	if (strncmp(arg, name, n))
		return 0;
	if (arg[n] == '=') {
		*value = arg + n + 1;
		return 1;
	}
	if (arg[n])
		return 0;
	if (*i + 1 >= argc)
		return -1;
	*value = argv[++*i];
	return 1;
}

/* Check that a --connect address has the form unix:PATH or HOST:PORT. */
static int valid_address(const char *addr)
{
	const char *colon;

	if (!strncmp(addr, "unix:", 5))
		return addr[5] != '\0';
	colon = strrchr(addr, ':');
	return colon && colon != addr && colon[1];
}

/*
 * Make v's value the contents of path, escaped for use inside a JSON
 * string (so a transcript can open a real file: "text":"${NAME}").
 */
static int var_from_file(struct var *v, const char *path)
{
	struct buf text = { 0 }, err = { 0 };
	json_t *str;
	char *dumped;
	size_t n;
	int ok = 0;

	if (!read_file(path, &text, &err))
		goto out;
	str = json_stringn(text.data ? text.data : "", text.len);
	dumped = str ? json_dumps(str, JSON_ENCODE_ANY) : NULL;
	json_decref(str);
	if (!dumped)
		goto out;
	n = strlen(dumped);
	memmove(dumped, dumped + 1, n - 2);
	dumped[n - 2] = '\0';
	v->owned = dumped;
	v->value = dumped;
	ok = 1;
out:
	buf_free(&text);
	buf_free(&err);
	return ok;
}

enum option_index {
	OPT_VAR,
	OPT_VAR_FILE,
	OPT_TIMEOUT,
	OPT_CONNECT,
	OPT_FLOOD,
	OPT_MAX_GROWTH,
	OPT_COUNT
};

/* Parse the command line into opt; 1 if fine, 0 on a usage error, -1 after --help. */
static int parse_args(int argc, char **argv, struct options *opt)
{
	static const char *const names[OPT_COUNT] = {
		"--var", "--var-file", "--timeout", "--connect", "--flood",
		"--max-growth-kb"
	};
	const char *env = getenv("RPC_TIMEOUT");
	int i, k, r = 0;

	opt->timeout_s = DEFAULT_TIMEOUT_S;
	opt->max_growth_kb = DEFAULT_MAX_GROWTH_KB;
	opt->vars = calloc((size_t)argc, sizeof(*opt->vars));
	opt->transcripts = calloc((size_t)argc, sizeof(*opt->transcripts));
	if (!opt->vars || !opt->transcripts)
		die_oom();
	if (env && *env && !parse_seconds(env, &opt->timeout_s))
		return usage_error("invalid RPC_TIMEOUT '%s' (want seconds)", env);

	for (i = 1; i < argc; i++) {
		const char *arg = argv[i], *val = NULL;
		long num;

		if (!strcmp(arg, "--")) {
			opt->server = argv + i + 1;
			break;
		}
		if (!strcmp(arg, "--print")) {
			opt->print = 1;
			continue;
		}
		if (!strcmp(arg, "--timings")) {
			opt->timings = 1;
			continue;
		}
		if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
			usage(stdout);
			return -1;
		}
		if (arg[0] != '-' || !arg[1]) {
			opt->transcripts[opt->ntranscripts++] = arg;
			continue;
		}
		for (k = 0; k < OPT_COUNT; k++)
			if ((r = take_option(argc, argv, &i, names[k], &val)))
				break;
		if (k == OPT_COUNT)
			return usage_error("unknown option '%s'", arg);
		if (r < 0)
			return usage_error("option %s needs a value", names[k]);

		switch (k) {
		case OPT_VAR_FILE:
		case OPT_VAR: {
			const char *eq = strchr(val, '=');
			const char *p = val;
			struct var *v;

			if (eq && is_name_start(*p))
				for (p++; p < eq && is_name_char(*p); p++)
					;
			if (!eq || p != eq || eq == val)
				return usage_error("--var wants NAME=VALUE, NAME made of "
						   "letters, digits and _, not '%s'", val);
			v = &opt->vars[opt->nvars++];
			v->name = val;
			v->namelen = (size_t)(eq - val);
			v->value = eq + 1;
			if (k == OPT_VAR_FILE && !var_from_file(v, eq + 1))
				return usage_error("cannot read --var-file %s",
						   eq + 1);
			break;
		}
		case OPT_TIMEOUT:
			if (!parse_seconds(val, &opt->timeout_s))
				return usage_error("invalid --timeout '%s' (want seconds)", val);
			break;
		case OPT_CONNECT:
			if (!valid_address(val))
				return usage_error("invalid --connect address '%s' (want unix:PATH or HOST:PORT)", val);
			opt->connect = val;
			break;
		case OPT_FLOOD:
			if (!parse_long(val, 1, 100000000, &num))
				return usage_error("invalid --flood count '%s'", val);
			opt->flood = num;
			break;
		case OPT_MAX_GROWTH:
			if (!parse_long(val, 0, LONG_MAX, &num))
				return usage_error("invalid --max-growth-kb '%s'", val);
			opt->max_growth_kb = num;
			opt->max_growth_set = 1;
			break;
		}
	}
	opt->timeout_ms = (long long)(opt->timeout_s * 1000.0 + 0.5);

	if (opt->server && !opt->server[0])
		return usage_error("no server command after --");
	if (opt->flood) {
		if (opt->connect || opt->ntranscripts)
			return usage_error("--flood takes neither transcripts nor --connect");
		if (!opt->server)
			return usage_error("--flood needs -- SERVER-CMD");
		return 1;
	}
	if (opt->max_growth_set)
		return usage_error("--max-growth-kb only makes sense with --flood");
	if (!opt->ntranscripts)
		return usage_error("no transcripts given");
	if (opt->connect && opt->server)
		return usage_error("--connect and a server command exclude each other");
	if (!opt->connect && !opt->server)
		return usage_error("missing -- SERVER-CMD (or --connect ADDR)");
	return 1;
}

/* Parse the command line, run the transcripts (or the flood) and print the summary. */
int main(int argc, char **argv)
{
	struct options opt = { 0 };
	struct buf diag = { 0 }, name = { 0 };
	struct sigaction sa;
	size_t passed = 0, failed = 0, i;
	int r;

	r = parse_args(argc, argv, &opt);
	if (r <= 0) {
		free_vars(&opt);
		free(opt.transcripts);
		return r < 0 ? 0 : 2;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGPIPE, &sa, NULL);

	if (opt.flood) {
		buf_addf(&name, "flood %ld", opt.flood);
		r = run_flood(&opt, name.data, &diag);
		report(r, name.data, &diag);
		if (r)
			passed++;
		else
			failed++;
	}
	for (i = 0; i < opt.ntranscripts; i++) {
		buf_reset(&diag);
		r = run_transcript(&opt, opt.transcripts[i], &diag);
		report(r, opt.transcripts[i], &diag);
		if (r)
			passed++;
		else
			failed++;
	}
	printf("%zu passed, %zu failed\n", passed, failed);
	fflush(stdout);

	buf_free(&diag);
	buf_free(&name);
	free_vars(&opt);
	free(opt.transcripts);
	return failed ? 1 : 0;
}
