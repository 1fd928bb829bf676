/*
 * session.h - one client's LSP session: message intake, dispatch through the
 * method table, the lifecycle state machine, and what the client has open.
 *
 * Invariants:
 * - The session owns every document, workspace folder, pending request and
 *   runCompiler build of its client; session_free() releases them all,
 *   killing the builds that still run.
 * - Messages of one read are queued before any is handled, so a
 *   $/cancelRequest that arrives with the request it cancels still finds it
 *   waiting; a cancelled request is answered -32800 in its place.
 * - Every request gets exactly one response, in arrival order for the
 *   synchronous handlers; no input, however malformed, ends the session: only
 *   exit, end of input or a vanished client do.
 * - Lifecycle: before initialize, requests get -32002 and notifications are
 *   dropped (exit excepted); after shutdown, requests get -32600.
 */
#ifndef HEAPLENS_SESSION_H
#define HEAPLENS_SESSION_H

#include <ev.h>
#include <jansson.h>

#include "document.h"
#include "evidence.h"
#include "server.h"
#include "workspace.h"

enum session_state {
	SESSION_NEW,		/* waiting for initialize */
	SESSION_RUNNING,	/* initialize answered */
	SESSION_SHUTDOWN	/* shutdown answered; only exit is left */
};

struct compiler;
struct inmsg;
struct pending;
struct progress;

struct session {
	struct conn *conn;
	struct ev_loop *loop;
	enum session_state state;
	int initialized;		/* the client sent "initialized" */
	struct inmsg *inbox;		/* parsed, not yet handled */
	struct inmsg **inbox_tail;
	struct document *documents;
	struct workspace workspace;
	json_t *client_capabilities;	/* as sent in initialize */
	json_t *client_info;
	struct pending *pending;	/* requests we sent, awaiting answers */
	long long next_request_id;
	struct progress *progress;	/* progress reports in flight */
	unsigned progress_serial;
	ev_timer debounce;		/* analysis after edits */
	unsigned long analysis_passes;
	json_t *failures;		/* [{source, message}] for status */
	json_t *shown_warnings;		/* settings warnings already shown */
	struct evidence evidence;	/* profiles and their per-line costs */
	struct compiler *compiler;	/* runCompiler builds */
	json_t *published;		/* {file: last non-empty diagnostics} */
	char *trace;			/* $/setTrace value */
	unsigned long requests;
	unsigned long notifications;
	unsigned long errors;
};

/* Create the session for a new connection. */
struct session *session_new(struct conn *c);
void session_free(struct session *s);

/* Parse one message body and queue it (or act on $/cancelRequest). */
void session_receive(struct session *s, const char *body, size_t len);
/*
 * Handle what is queued, in order, until the inbox is empty, the session
 * ends, or the client falls behind on reading (conn_congested()).
 */
void session_flush_inbox(struct session *s);
/* Return whether messages wait in the inbox. */
int session_has_inbox(const struct session *s);
/* Answer a framing error with a parse error (id null). */
void session_frame_error(struct session *s, const char *cause);
/* The client's input ended; leftover describes a truncated frame or NULL. */
void session_eof(struct session *s, const char *leftover);

/* Send a message to the client; steals msg. */
void session_send(struct session *s, json_t *msg);
/* Send a notification; steals params. */
void session_notify(struct session *s, const char *method, json_t *params);

/*
 * Send a request to the client; steals params. When the answer arrives, cb
 * is called with the response's result or error (borrowed); when the session
 * ends first, cb is called with both NULL so it can free data.
 */
typedef void session_reply_cb(struct session *s, json_t *result,
    json_t *error, void *data);
void session_request(struct session *s, const char *method, json_t *params,
    session_reply_cb *cb, void *data);

/* Message types of window/showMessage and window/logMessage. */
enum { MESSAGE_ERROR = 1, MESSAGE_WARNING, MESSAGE_INFO, MESSAGE_LOG };

/* Tell the user something they must see (window/showMessage). */
void session_show_message(struct session *s, int type, const char *fmt, ...)
    PRINTFLIKE(3, 4);
/* Log something in the client's log (window/logMessage). */
void session_log_message(struct session *s, int type, const char *fmt, ...)
    PRINTFLIKE(3, 4);

/* Record a failure for heaplens/status and show it to the user. */
void session_fail(struct session *s, const char *source, const char *fmt, ...)
    PRINTFLIKE(3, 4);

/*
 * Show the settings warnings of the last resolution that the user has not
 * seen yet (all of them when all is set), as window/showMessage.
 */
void session_show_settings_warnings(struct session *s, int all);

/* Return whether array holds the string s. */
int session_array_has_string(json_t *array, const char *s);

/* Find an open document by URI (compared as paths). Borrowed or NULL. */
struct document *session_document(struct session *s, const char *uri);

/* Mark a document changed and (re)start the analysis debounce timer. */
void session_touch(struct session *s, struct document *d);

/* Return the effective settings for a file path (borrowed). */
json_t *session_settings(struct session *s, const char *path);

#endif
