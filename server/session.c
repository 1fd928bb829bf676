/*
 * session.c - one client's session: intake and cancellation, dispatch by the
 * method table, the lifecycle, replies to our own requests, and the analysis
 * debounce.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "compiler.h"
#include "config.h"
#include "log.h"
#include "lsp.h"
#include "progress.h"
#include "protocol/json.h"
#include "protocol/jsonrpc.h"
#include "protocol/uri.h"
#include "session.h"

/* A message waiting in the inbox: a parsed value or a ready reply. */
struct inmsg {
	json_t *value;		/* the message, or NULL */
	json_t *reply;		/* an error to send in its place, or NULL */
	int cancelled;
	struct inmsg *next;
};

/* A request we sent and the callback waiting for its answer. */
struct pending {
	long long id;
	session_reply_cb *cb;
	void *data;
	struct pending *next;
};

static void session_debounce_cb(struct ev_loop *loop, ev_timer *w,
    int revents);
static void session_settings_changed(struct workspace *ws, struct folder *f);

/* Create a session for a connection. */
struct session *
session_new(struct conn *c)
{
	struct session *s = xcalloc(1, sizeof *s);

	s->conn = c;
	s->loop = c->server->loop;
	s->state = SESSION_NEW;
	s->inbox_tail = &s->inbox;
	s->failures = json_array();
	s->shown_warnings = json_array();
	s->published = json_object();
	workspace_init(&s->workspace, s->loop, session_settings_changed);
	evidence_init(&s->evidence, s);
	s->compiler = compiler_new(s);
	ev_timer_init(&s->debounce, session_debounce_cb, 0., 0.);
	return s;
}

/* Free a queued message. */
static void
inmsg_free(struct inmsg *m)
{
	json_decref(m->value);
	json_decref(m->reply);
	free(m);
}

/* Free a session and everything its client had. */
void
session_free(struct session *s)
{
	struct document *d, *dnext;
	struct pending *p, *pnext;
	struct inmsg *m, *mnext;

	if (s == NULL)
		return;
	ev_timer_stop(s->loop, &s->debounce);
	compiler_free(s->compiler);
	for (m = s->inbox; m != NULL; m = mnext) {
		mnext = m->next;
		inmsg_free(m);
	}
	for (p = s->pending; p != NULL; p = pnext) {
		pnext = p->next;
		if (p->cb != NULL)
			p->cb(s, NULL, NULL, p->data);
		free(p);
	}
	s->pending = NULL;
	progress_free_all(s);
	for (d = s->documents; d != NULL; d = dnext) {
		dnext = d->next;
		document_free(d);
	}
	evidence_release(&s->evidence);
	workspace_release(&s->workspace);
	json_decref(s->published);
	json_decref(s->client_capabilities);
	json_decref(s->client_info);
	json_decref(s->failures);
	json_decref(s->shown_warnings);
	free(s->trace);
	free(s);
}

/* Send a message; steals msg. */
void
session_send(struct session *s, json_t *msg)
{
	char *body = json_compact(msg);

	conn_send(s->conn, body, strlen(body));
	free(body);
	json_decref(msg);
}

/* Send a notification; steals params. */
void
session_notify(struct session *s, const char *method, json_t *params)
{
	session_send(s, jsonrpc_notification(method, params));
}

/* Send a request and remember who waits for the answer. */
void
session_request(struct session *s, const char *method, json_t *params,
    session_reply_cb *cb, void *data)
{
	struct pending *p = xcalloc(1, sizeof *p);

	p->id = ++s->next_request_id;
	p->cb = cb;
	p->data = data;
	p->next = s->pending;
	s->pending = p;
	session_send(s, jsonrpc_request(json_sprintf("heaplens-%lld", p->id),
	    method, params));
}

/* Send window/showMessage or window/logMessage. */
static void
session_message(struct session *s, const char *method, int type,
    const char *fmt, va_list ap)
{
	char *text = xvasprintf(fmt, ap);

	session_notify(s, method, json_pack("{s:i, s:o}", "type", type,
	    "message", json_string_lossy(text)));
	free(text);
}

/* Tell the user something they must see. */
void
session_show_message(struct session *s, int type, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	session_message(s, "window/showMessage", type, fmt, ap);
	va_end(ap);
}

/* Write to the client's log. */
void
session_log_message(struct session *s, int type, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	session_message(s, "window/logMessage", type, fmt, ap);
	va_end(ap);
}

/* Record a failure for status and show it. */
void
session_fail(struct session *s, const char *source, const char *fmt, ...)
{
	va_list ap;
	char *text;

	va_start(ap, fmt);
	text = xvasprintf(fmt, ap);
	va_end(ap);
	json_array_append_new(s->failures, json_pack("{s:s, s:o}", "source",
	    source, "message", json_string_lossy(text)));
	log_warn("%s", text);
	session_show_message(s, MESSAGE_ERROR, "heaplens: %s", text);
	free(text);
}

/* Append a message to the inbox. */
static struct inmsg *
session_enqueue(struct session *s, json_t *value, json_t *reply)
{
	struct inmsg *m = xcalloc(1, sizeof *m);

	m->value = value;
	m->reply = reply;
	*s->inbox_tail = m;
	s->inbox_tail = &m->next;
	return m;
}

/* Mark a queued request cancelled, if it is still waiting. */
static void
session_cancel(struct session *s, json_t *params)
{
	json_t *id = json_object_get(params, "id");
	struct inmsg *m;

	for (m = s->inbox; m != NULL; m = m->next) {
		if (m->value != NULL && !m->cancelled &&
		    json_object_get(m->value, "method") != NULL &&
		    jsonrpc_id_equal(json_object_get(m->value, "id"), id)) {
			m->cancelled = 1;
			return;
		}
	}
	/* Already answered: the specification asks for nothing more. */
}

/* Parse one message and queue it. */
void
session_receive(struct session *s, const char *body, size_t len)
{
	struct jsonrpc_msg msg;
	json_t *value, *id;
	char *cause = NULL;

	value = jsonrpc_parse(body, len, &cause);
	if (value == NULL) {
		session_enqueue(s, NULL, jsonrpc_error(NULL,
		    JSONRPC_PARSE_ERROR, "parse error: %s", cause));
		free(cause);
		return;
	}
	if (jsonrpc_classify(value, &msg, &id, &cause) != 0) {
		session_enqueue(s, NULL, jsonrpc_error(json_incref(id),
		    JSONRPC_INVALID_REQUEST, "invalid request: %s", cause));
		free(cause);
		json_decref(value);
		return;
	}
	if (msg.kind == JSONRPC_NOTIFICATION &&
	    strcmp(msg.method, "$/cancelRequest") == 0) {
		session_cancel(s, msg.params);
		json_decref(value);
		return;
	}
	session_enqueue(s, value, NULL);
}

/* Answer a framing error. */
void
session_frame_error(struct session *s, const char *cause)
{
	session_enqueue(s, NULL, jsonrpc_error(NULL, JSONRPC_PARSE_ERROR,
	    "bad frame: %s", cause));
}

/* Deal with the end of the client's input. */
void
session_eof(struct session *s, const char *leftover)
{
	session_flush_inbox(s);
	if (leftover != NULL) {
		log_warn("%s", leftover);
		session_send(s, jsonrpc_error(NULL, JSONRPC_PARSE_ERROR,
		    "bad frame: %s", leftover));
	}
}

/* Route a response to the request of ours it answers. */
static void
session_reply(struct session *s, struct jsonrpc_msg *msg)
{
	struct pending **pp, *p;
	long long id;

	if (!json_is_string(msg->id) ||
	    sscanf(json_string_value(msg->id), "heaplens-%lld", &id) != 1)
		id = -1;
	for (pp = &s->pending; (p = *pp) != NULL; pp = &p->next) {
		if (p->id == id) {
			*pp = p->next;
			if (p->cb != NULL)
				p->cb(s, msg->result != NULL ? msg->result :
				    (msg->error == NULL ? json_null() : NULL),
				    msg->error, p->data);
			free(p);
			return;
		}
	}
	log_info("response to unknown request %s ignored",
	    json_string_value(msg->id) ? json_string_value(msg->id) : "?");
}

/* Check whether a method may run in the current state; NULL if so. */
static json_t *
session_refuse(struct session *s, const struct lsp_method *m,
    const char *method)
{
	if (m != NULL && (m->flags & LSP_ANY_STATE))
		return NULL;
	if (s->state == SESSION_NEW && strcmp(method, "initialize") != 0)
		return jsonrpc_error_object(JSONRPC_SERVER_NOT_INITIALIZED,
		    "server not initialized: send initialize first");
	if (s->state == SESSION_RUNNING && strcmp(method, "initialize") == 0)
		return jsonrpc_error_object(JSONRPC_INVALID_REQUEST,
		    "initialize may be sent only once");
	if (s->state == SESSION_SHUTDOWN)
		return jsonrpc_error_object(JSONRPC_INVALID_REQUEST,
		    "server is shutting down: only exit is accepted");
	return NULL;
}

/* Handle a request and send its one response. */
static void
session_request_in(struct session *s, struct jsonrpc_msg *msg, int cancelled)
{
	const struct lsp_method *m = lsp_method_find(msg->method);
	json_t *result = NULL, *err;

	s->requests++;
	err = session_refuse(s, m, msg->method);
	if (err != NULL)
		;
	else if (cancelled)
		err = jsonrpc_error_object(JSONRPC_REQUEST_CANCELLED,
		    "request cancelled");
	else if (m == NULL)
		err = jsonrpc_error_object(JSONRPC_METHOD_NOT_FOUND,
		    "unknown method \"%s\"", msg->method);
	else if (!(m->flags & LSP_REQUEST))
		err = jsonrpc_error_object(JSONRPC_INVALID_REQUEST,
		    "\"%s\" is a notification: send it without an id",
		    msg->method);
	else {
		ev_tstamp start = ev_time();

		result = m->fn(s, msg->params, &err);
		log_debug("%s: %s took %.1f ms", s->conn->peer, msg->method,
		    (ev_time() - start) * 1000);
	}
	if (err != NULL) {
		s->errors++;
		log_debug("%s: %s failed: %s", s->conn->peer, msg->method,
		    json_string_value(json_object_get(err, "message")));
		json_decref(result);
		session_send(s, jsonrpc_error_response(json_incref(msg->id),
		    err));
	} else {
		session_send(s, jsonrpc_response(json_incref(msg->id),
		    result));
	}
}

/* Handle a notification; problems are logged, never answered. */
static void
session_notification_in(struct session *s, struct jsonrpc_msg *msg)
{
	const struct lsp_method *m = lsp_method_find(msg->method);
	json_t *err = NULL, *refused;

	s->notifications++;
	refused = session_refuse(s, m, msg->method);
	if (refused != NULL) {
		log_info("dropping %s: %s", msg->method,
		    json_string_value(json_object_get(refused, "message")));
		json_decref(refused);
		return;
	}
	if (m == NULL || !(m->flags & LSP_NOTIFICATION)) {
		/* Optional notifications ("$/...") may be ignored silently. */
		if (strncmp(msg->method, "$/", 2) != 0)
			log_info("ignoring unknown notification %s",
			    msg->method);
		return;
	}
	json_decref(m->fn(s, msg->params, &err));
	if (err != NULL) {
		s->errors++;
		session_log_message(s, MESSAGE_WARNING, "%s: %s", msg->method,
		    json_string_value(json_object_get(err, "message")));
		json_decref(err);
	}
}

/* Handle one queued message. */
static void
session_dispatch(struct session *s, struct inmsg *in)
{
	struct jsonrpc_msg msg;
	json_t *id;

	if (in->reply != NULL) {
		s->errors++;
		session_send(s, json_incref(in->reply));
		return;
	}
	if (jsonrpc_classify(in->value, &msg, &id, NULL) != 0)
		return;		/* classified once already at intake */
	switch (msg.kind) {
	case JSONRPC_REQUEST:
		session_request_in(s, &msg, in->cancelled);
		break;
	case JSONRPC_NOTIFICATION:
		session_notification_in(s, &msg);
		break;
	case JSONRPC_RESPONSE:
		session_reply(s, &msg);
		break;
	}
}

/* Handle everything queued, in order, until the session ends. */
void
session_flush_inbox(struct session *s)
{
	struct inmsg *m;

	while ((m = s->inbox) != NULL && !s->conn->finishing &&
	    !conn_congested(s->conn)) {
		s->inbox = m->next;
		if (s->inbox == NULL)
			s->inbox_tail = &s->inbox;
		session_dispatch(s, m);
		inmsg_free(m);
	}
}

/* Return whether messages wait. */
int
session_has_inbox(const struct session *s)
{
	return s->inbox != NULL;
}

/* Find an open document by URI. */
struct document *
session_document(struct session *s, const char *uri)
{
	struct document *d;
	char *path = uri_to_path(uri, NULL);

	for (d = s->documents; d != NULL; d = d->next) {
		if (strcmp(d->uri, uri) == 0 || (path != NULL &&
		    d->path != NULL && strcmp(d->path, path) == 0))
			break;
	}
	free(path);
	return d;
}

/* Return the settings that apply to a file. */
json_t *
session_settings(struct session *s, const char *path)
{
	return workspace_settings(&s->workspace, path);
}

/* Mark d changed and restart the debounce timer. */
void
session_touch(struct session *s, struct document *d)
{
	double ms = config_number(session_settings(s, d->path), "debounceMs");

	d->dirty = 1;
	ev_timer_stop(s->loop, &s->debounce);
	ev_timer_set(&s->debounce, ms / 1000.0, 0.);
	ev_timer_start(s->loop, &s->debounce);
}

/*
 * Analyse the documents edited since the last pass. The analyzers that read
 * Go source hook in here; the pass itself is what status reports.
 */
static void
session_debounce_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct session *s = container_of(w, struct session, debounce);
	struct document *d;
	unsigned n = 0;

	(void)loop;
	(void)revents;
	for (d = s->documents; d != NULL; d = d->next) {
		if (!d->dirty)
			continue;
		n++;
		d->dirty = 0;
		if (config_bool(session_settings(s, d->path), "checkOnChange"))
			lsp_check_document(s, d);
	}
	s->analysis_passes++;
	log_debug("analysis pass %lu over %u documents", s->analysis_passes,
	    n);
}

/* Return whether array holds the string s. */
int
session_array_has_string(json_t *array, const char *s)
{
	json_t *x;
	size_t i;

	json_array_foreach(array, i, x)
		if (json_is_string(x) && strcmp(json_string_value(x), s) == 0)
			return 1;
	return 0;
}

/* Return whether array holds a value equal to v. */
static int
session_array_has(json_t *array, json_t *v)
{
	json_t *x;
	size_t i;

	json_array_foreach(array, i, x)
		if (json_equal(x, v))
			return 1;
	return 0;
}

/* Show the settings warnings the user has not seen. */
void
session_show_settings_warnings(struct session *s, int all)
{
	json_t *warnings = s->workspace.warnings, *w;
	size_t i;

	json_array_foreach(warnings, i, w)
		if (all || !session_array_has(s->shown_warnings, w))
			session_show_message(s, MESSAGE_WARNING, "heaplens: %s",
			    json_string_value(w));
	json_array_clear(s->shown_warnings);
	json_array_extend(s->shown_warnings, warnings);
}

/* A .heaplens.json changed on disk: tell the user what is wrong with it. */
static void
session_settings_changed(struct workspace *ws, struct folder *f)
{
	struct session *s = container_of(ws, struct session, workspace);

	session_log_message(s, MESSAGE_INFO, "reloaded %s", f->config_path);
	session_show_settings_warnings(s, 0);
}
