/*
 * server.c - the libev loop, the stdio and socket transports, and the
 * buffered, non-blocking connections that carry framed messages.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"
#include "server.h"
#include "session.h"

/*
 * Stop handling input while this much output waits; resume below the low
 * mark. Output buffers larger than OUT_KEEP are freed once written, so a
 * burst does not pin its peak memory.
 */
#define OUT_HIGH (1024u * 1024)
#define OUT_LOW (256u * 1024)
#define OUT_KEEP (64u * 1024)
#define READ_CHUNK 65536

static void conn_read_cb(struct ev_loop *loop, ev_io *w, int revents);
static void conn_write_cb(struct ev_loop *loop, ev_io *w, int revents);
static void conn_free(struct conn *c);

static int stdio_flags[2] = { -1, -1 };

/* Put fd in non-blocking mode, remembering stdio's flags to restore. */
static int
server_nonblock(int fd)
{
	int flags = fcntl(fd, F_GETFL);

	if (flags < 0)
		return -1;
	if (fd <= 1 && stdio_flags[fd] < 0)
		stdio_flags[fd] = flags;
	return fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

/* Give stdin and stdout back their flags: they are shared with the parent. */
static void
stdio_close(struct conn *c)
{
	int fd;

	(void)c;
	for (fd = 0; fd <= 1; fd++)
		if (stdio_flags[fd] >= 0)
			fcntl(fd, F_SETFL, stdio_flags[fd]);
}

/* End the process's loop when its only client is gone. */
static void
stdio_gone(struct conn *c, int code)
{
	c->server->exit_code = code;
	ev_break(c->server->loop, EVBREAK_ALL);
}

/* Close an accepted socket. */
static void
socket_close(struct conn *c)
{
	close(c->rfd);
}

/* A socket client left; the server goes on. */
static void
socket_gone(struct conn *c, int code)
{
	(void)c;
	(void)code;
}

static const struct conn_type stdio_conn_type = {
	.name = "stdio",
	.close = stdio_close,
	.gone = stdio_gone,
};

static const struct conn_type socket_conn_type = {
	.name = "socket",
	.close = socket_close,
	.gone = socket_gone,
};

/* Create a connection over rfd/wfd and start reading. */
static struct conn *
conn_new(struct server *srv, const struct conn_type *type, int rfd, int wfd,
    const char *peer)
{
	struct conn *c = xcalloc(1, sizeof *c);

	c->type = type;
	c->server = srv;
	c->rfd = rfd;
	c->wfd = wfd;
	c->peer = xstrdup(peer);
	frame_reader_init(&c->frames, srv->opt.max_message);
	buf_init(&c->out);
	ev_io_init(&c->rio, conn_read_cb, rfd, EV_READ);
	ev_io_init(&c->wio, conn_write_cb, wfd, EV_WRITE);
	ev_io_start(srv->loop, &c->rio);
	c->session = session_new(c);
	c->next = srv->conns;
	srv->conns = c;
	log_info("%s: client connected", c->peer);
	return c;
}

/* Unlink, close and free a connection, then tell its transport. */
static void
conn_free(struct conn *c)
{
	struct server *srv = c->server;
	struct conn **pp;
	int code = c->exit_code;

	for (pp = &srv->conns; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	ev_io_stop(srv->loop, &c->rio);
	ev_io_stop(srv->loop, &c->wio);
	session_free(c->session);
	c->type->close(c);
	log_info("%s: client gone (exit code %d)", c->peer, code);
	frame_reader_release(&c->frames);
	buf_release(&c->out);
	free(c->peer);
	c->type->gone(c, code);
	free(c);
}

/*
 * Write what is queued. Returns 0, or -1 when the peer is gone (the caller
 * frees the connection).
 */
static int
conn_flush(struct conn *c)
{
	ssize_t n;

	while (c->out_pos < c->out.len) {
		n = write(c->wfd, c->out.data + c->out_pos,
		    c->out.len - c->out_pos);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0) {
			log_info("%s: write failed: %s", c->peer,
			    strerror(errno));
			return -1;
		}
		c->out_pos += (size_t)n;
	}
	if (c->out_pos == c->out.len) {
		if (c->out.cap > OUT_KEEP)
			buf_release(&c->out);
		buf_reset(&c->out);
		c->out_pos = 0;
		ev_io_stop(c->server->loop, &c->wio);
	} else {
		/* Compact, or a client always a little behind grows it forever. */
		if (c->out_pos >= c->out.len / 2) {
			buf_consume(&c->out, c->out_pos);
			c->out_pos = 0;
		}
		ev_io_start(c->server->loop, &c->wio);
	}
	return 0;
}

/* Return the bytes still waiting to be written. */
static size_t
conn_pending(const struct conn *c)
{
	return c->out.len - c->out_pos;
}

/* Queue one framed message and try to write it at once. */
void
conn_send(struct conn *c, const char *body, size_t len)
{
	frame_write(&c->out, body, len);
	/* Writing happens from the loop; a failure is seen there. */
	if (!ev_is_active(&c->wio))
		ev_io_start(c->server->loop, &c->wio);
}

/* Ask for the connection to end once its output is written. */
void
conn_finish(struct conn *c, int code)
{
	if (c->finishing)
		return;
	c->finishing = 1;
	c->exit_code = code;
	ev_io_stop(c->server->loop, &c->rio);
	ev_io_start(c->server->loop, &c->wio);
}

/* Return whether the client is behind on reading our output. */
int
conn_congested(const struct conn *c)
{
	return conn_pending(c) > OUT_HIGH;
}

/*
 * Decide, after work on c, whether to pause, resume or end it. Input waits
 * while queued messages wait: those are handled first, as output drains.
 */
static void
conn_settle(struct conn *c)
{
	struct ev_loop *loop = c->server->loop;

	if (c->finishing) {
		if (conn_pending(c) == 0)
			conn_free(c);
		return;
	}
	if (conn_pending(c) < OUT_LOW && session_has_inbox(c->session)) {
		session_flush_inbox(c->session);
		if (c->finishing) {
			ev_io_start(loop, &c->wio);
			return;
		}
	}
	if (!c->paused && (conn_congested(c) ||
	    session_has_inbox(c->session))) {
		c->paused = 1;
		ev_io_stop(loop, &c->rio);
	} else if (c->paused && conn_pending(c) < OUT_LOW &&
	    !session_has_inbox(c->session)) {
		c->paused = 0;
		ev_io_start(loop, &c->rio);
	}
}

/* Hand every complete frame to the session; report framing errors. */
static void
conn_deliver(struct conn *c)
{
	const char *body;
	char *cause = NULL;
	size_t len;
	int r;

	while (!c->finishing) {
		r = frame_next(&c->frames, &body, &len, &cause);
		if (r == 0)
			break;
		if (r < 0) {
			log_warn("%s: %s", c->peer, cause);
			session_frame_error(c->session, cause);
			free(cause);
			cause = NULL;
			continue;
		}
		session_receive(c->session, body, len);
	}
	session_flush_inbox(c->session);
}

/* Read what the client sent. */
static void
conn_read_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct conn *c = container_of(w, struct conn, rio);
	char chunk[READ_CHUNK];
	char *leftover;
	ssize_t n;

	(void)loop;
	(void)revents;
	n = read(c->rfd, chunk, sizeof chunk);
	if (n < 0 && (errno == EINTR || errno == EAGAIN ||
	    errno == EWOULDBLOCK))
		return;
	if (n <= 0) {
		if (n < 0)
			log_info("%s: read failed: %s", c->peer,
			    strerror(errno));
		leftover = frame_leftover(&c->frames);
		session_eof(c->session, leftover);
		free(leftover);
		conn_finish(c, 0);
		conn_settle(c);
		return;
	}
	frame_feed(&c->frames, chunk, (size_t)n);
	conn_deliver(c);
	if (conn_flush(c) != 0) {
		conn_free(c);
		return;
	}
	conn_settle(c);
}

/* Write queued output when the client can take it. */
static void
conn_write_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct conn *c = container_of(w, struct conn, wio);

	(void)loop;
	(void)revents;
	if (conn_flush(c) != 0) {
		conn_free(c);
		return;
	}
	conn_settle(c);
}

/* Accept one client on the listening socket. */
static void
server_accept_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct server *srv = container_of(w, struct server, listen_io);
	char peer[64];
	static unsigned serial;
	int fd;

	(void)loop;
	(void)revents;
	fd = accept(srv->listen_fd, NULL, NULL);
	if (fd < 0) {
		if (errno != EAGAIN && errno != EINTR)
			log_warn("accept failed: %s", strerror(errno));
		return;
	}
	if (server_nonblock(fd) != 0 || fcntl(fd, F_SETFD, FD_CLOEXEC) != 0) {
		log_warn("cannot set up client socket: %s", strerror(errno));
		close(fd);
		return;
	}
	snprintf(peer, sizeof peer, "client %u", ++serial);
	conn_new(srv, &socket_conn_type, fd, fd, peer);
}

/* Stop the loop on SIGINT or SIGTERM. */
static void
server_signal_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	(void)revents;
	log_info("signal %d: stopping", w->signum);
	ev_break(loop, EVBREAK_ALL);
}

/* Bind a unix socket at path, refusing to steal a live server's socket. */
static int
server_listen_unix(struct server *srv, const char *path, char **cause)
{
	struct sockaddr_un sun;
	struct stat st;
	int fd;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sun.sun_path)
		return set_cause(cause, "socket path too long: %s", path);
	strcpy(sun.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0)
		return set_cause(cause, "socket: %s", strerror(errno));
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			close(fd);
			return set_cause(cause, "%s exists and is not a socket",
			    path);
		}
		if (connect(fd, (struct sockaddr *)&sun, sizeof sun) == 0) {
			close(fd);
			return set_cause(cause, "another server is listening "
			    "on %s", path);
		}
		close(fd);
		unlink(path);	/* a stale socket of a dead server */
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		if (fd < 0)
			return set_cause(cause, "socket: %s", strerror(errno));
	}
	/* Only the user may connect: a client can make the server read files. */
	mode_t old = umask(077);
	if (bind(fd, (struct sockaddr *)&sun, sizeof sun) != 0) {
		umask(old);
		set_cause(cause, "cannot bind %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	umask(old);
	srv->unix_path = xstrdup(path);
	srv->listen_fd = fd;
	fprintf(stderr, "heaplens: listening on unix:%s\n", path);
	return 0;
}

/* Return whether a bound address is a loopback one. */
static int
server_loopback(const struct sockaddr_storage *ss)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)ss;

	if (ss->ss_family == AF_INET)
		return (ntohl(sin->sin_addr.s_addr) >> 24) == 127;
	if (ss->ss_family == AF_INET6)
		return IN6_IS_ADDR_LOOPBACK(&sin6->sin6_addr);
	return 0;
}

/* Bind a TCP socket at host:port. */
static int
server_listen_tcp(struct server *srv, const char *addr, char **cause)
{
	struct addrinfo hints, *res = NULL, *ai;
	struct sockaddr_storage ss;
	socklen_t sslen = sizeof ss;
	char host[256], *colon, bhost[NI_MAXHOST], bport[NI_MAXSERV];
	int fd = -1, one = 1, r;

	colon = strrchr(addr, ':');
	if (colon == NULL || colon == addr || colon[1] == '\0' ||
	    (size_t)(colon - addr) >= sizeof host)
		return set_cause(cause, "--listen wants HOST:PORT or "
		    "unix:PATH, not \"%s\"", addr);
	memcpy(host, addr, (size_t)(colon - addr));
	host[colon - addr] = '\0';
	if (host[0] == '[' && host[strlen(host) - 1] == ']') {
		memmove(host, host + 1, strlen(host));
		host[strlen(host) - 1] = '\0';
	}
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE;
	r = getaddrinfo(host, colon + 1, &hints, &res);
	if (r != 0)
		return set_cause(cause, "cannot resolve %s: %s", addr,
		    gai_strerror(r));
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
		if (fd < 0)
			continue;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		set_cause(cause, "cannot bind %s: %s", addr, strerror(errno));
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0) {
		if (cause != NULL && *cause == NULL)
			set_cause(cause, "cannot bind %s", addr);
		return -1;
	}
	srv->listen_fd = fd;
	if (getsockname(fd, (struct sockaddr *)&ss, &sslen) == 0 &&
	    getnameinfo((struct sockaddr *)&ss, sslen, bhost, sizeof bhost,
	    bport, sizeof bport, NI_NUMERICHOST | NI_NUMERICSERV) == 0) {
		fprintf(stderr, "heaplens: listening on %s%s%s:%s\n",
		    strchr(bhost, ':') ? "[" : "", bhost,
		    strchr(bhost, ':') ? "]" : "", bport);
		if (!server_loopback(&ss))
			log_warn("%s is not a loopback address: anyone who "
			    "can reach it can make heaplens read the files of "
			    "the workspaces they name", bhost);
	}
	return 0;
}

/* Open the listening socket named by addr and start accepting. */
static int
server_listen(struct server *srv, const char *addr, char **cause)
{
	int r;

	if (strncmp(addr, "unix:", 5) == 0)
		r = server_listen_unix(srv, addr + 5, cause);
	else
		r = server_listen_tcp(srv, addr, cause);
	if (r != 0)
		return -1;
	if (listen(srv->listen_fd, 64) != 0 ||
	    server_nonblock(srv->listen_fd) != 0 ||
	    fcntl(srv->listen_fd, F_SETFD, FD_CLOEXEC) != 0) {
		set_cause(cause, "cannot listen on %s: %s", addr,
		    strerror(errno));
		return -1;
	}
	ev_io_init(&srv->listen_io, server_accept_cb, srv->listen_fd, EV_READ);
	ev_io_start(srv->loop, &srv->listen_io);
	return 0;
}

/* Count the live connections. */
unsigned
server_connection_count(const struct server *srv)
{
	const struct conn *c;
	unsigned n = 0;

	for (c = srv->conns; c != NULL; c = c->next)
		n++;
	return n;
}

/* Run the server until its end; see server.h. */
int
server_run(const struct server_options *opt)
{
	struct server srv;
	char *cause = NULL;
	int code = 0;

	memset(&srv, 0, sizeof srv);
	srv.opt = *opt;
	srv.listen_fd = -1;
	srv.loop = ev_default_loop(EVFLAG_AUTO);
	if (srv.loop == NULL)
		return error("cannot initialise the event loop"), 2;
	signal(SIGPIPE, SIG_IGN);
	ev_signal_init(&srv.sigint, server_signal_cb, SIGINT);
	ev_signal_init(&srv.sigterm, server_signal_cb, SIGTERM);
	ev_signal_start(srv.loop, &srv.sigint);
	ev_signal_start(srv.loop, &srv.sigterm);
	/* Signals must not keep the loop alive on their own. */
	ev_unref(srv.loop);
	ev_unref(srv.loop);

	if (opt->listen != NULL) {
		if (server_listen(&srv, opt->listen, &cause) != 0) {
			error("%s", cause);
			free(cause);
			code = 2;
			goto out;
		}
	} else {
		if (server_nonblock(0) != 0 || server_nonblock(1) != 0) {
			error("cannot use stdin/stdout: %s", strerror(errno));
			code = 2;
			goto out;
		}
		conn_new(&srv, &stdio_conn_type, 0, 1, "stdio");
	}
	ev_run(srv.loop, 0);
	code = srv.exit_code;

out:
	while (srv.conns != NULL) {
		conn_flush(srv.conns);
		conn_free(srv.conns);
	}
	if (srv.listen_fd >= 0) {
		ev_io_stop(srv.loop, &srv.listen_io);
		close(srv.listen_fd);
	}
	if (srv.unix_path != NULL) {
		unlink(srv.unix_path);
		free(srv.unix_path);
	}
	ev_ref(srv.loop);
	ev_ref(srv.loop);
	ev_signal_stop(srv.loop, &srv.sigint);
	ev_signal_stop(srv.loop, &srv.sigterm);
	ev_loop_destroy(srv.loop);
	if (opt->listen == NULL)
		stdio_close(NULL);
	return code;
}
