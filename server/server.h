/*
 * server.h - the event loop, its transports and its connections.
 *
 * Invariants:
 * - One libev loop serves everything. Each connection (the stdio pair, or
 *   one accepted socket) owns exactly one LSP session; sessions share
 *   nothing, so one client's garbage or disconnect never reaches another.
 * - No descriptor is ever written in blocking mode: output is queued in the
 *   connection and flushed when the descriptor is writable. When a client
 *   stops reading, the connection stops reading its input too (backpressure),
 *   so a flood of requests costs bounded memory.
 * - A connection is freed only from the loop, never from inside a session
 *   callback: sessions ask for an end with conn_finish().
 */
#ifndef HEAPLENS_SERVER_H
#define HEAPLENS_SERVER_H

#include <ev.h>

#include "protocol/frame.h"
#include "protocol/util.h"

struct conn;
struct session;

/* What differs between transports. */
struct conn_type {
	const char *name;		/* "stdio", "unix" or "tcp" */
	/* Release the descriptors when the connection ends. */
	void (*close)(struct conn *c);
	/* Called once the connection is gone: end the process for stdio. */
	void (*gone)(struct conn *c, int code);
};

struct conn {
	const struct conn_type *type;
	struct server *server;
	int rfd;
	int wfd;
	ev_io rio;
	ev_io wio;
	struct frame_reader frames;
	struct buf out;			/* framed output not yet written */
	size_t out_pos;			/* bytes of out already written */
	struct session *session;
	char *peer;			/* for logs: "stdio", "unix:3", ... */
	int paused;			/* input stopped for backpressure */
	int finishing;			/* close once output is flushed */
	int exit_code;
	struct conn *next;
};

struct server_options {
	const char *listen;		/* NULL for stdio */
	size_t max_message;		/* bound on one message body */
};

struct server {
	struct ev_loop *loop;
	struct server_options opt;
	struct conn *conns;
	int listen_fd;
	ev_io listen_io;
	char *unix_path;		/* socket file to remove at exit */
	ev_signal sigint;
	ev_signal sigterm;
	int exit_code;
};

/*
 * Run the server until the stdio client exits, or until a signal stops a
 * listening server. Returns the process exit code: 0 after a clean end, 1
 * when the client sent exit without shutdown, 2 when the server could not
 * start (the reason is printed).
 */
int server_run(const struct server_options *opt);

/* Queue one message body for the client, framed. */
void conn_send(struct conn *c, const char *body, size_t len);

/*
 * End the connection once its queued output is written; code is the exit
 * code a stdio server returns. Safe to call from a session callback.
 */
void conn_finish(struct conn *c, int code);

/* Return whether the client is behind on reading (handling should wait). */
int conn_congested(const struct conn *c);

/* Return the number of connections the server has (for status). */
unsigned server_connection_count(const struct server *srv);

#endif
