/*
 * progress.c - work done progress, with tokens the server creates itself
 * held back until the client has accepted them.
 */
#include <stdlib.h>

#include "progress.h"
#include "protocol/json.h"
#include "session.h"

/* Send or hold one $/progress notification with value. */
static void
progress_emit(struct progress *p, json_t *value)
{
	json_t *params;

	if (p->disabled) {
		json_decref(value);
		return;
	}
	params = json_pack("{s:O, s:o}", "token", p->token, "value", value);
	if (p->ready)
		session_notify(p->session, "$/progress", params);
	else
		json_array_append_new(p->queue, params);
}

/* Unlink and free a report. */
static void
progress_free(struct progress *p)
{
	struct progress **pp;

	for (pp = &p->session->progress; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == p) {
			*pp = p->next;
			break;
		}
	}
	json_decref(p->token);
	json_decref(p->queue);
	free(p);
}

/* The client answered window/workDoneProgress/create. */
static void
progress_created(struct session *s, json_t *result, json_t *error, void *data)
{
	struct progress *p = data;
	json_t *params;
	size_t i;

	(void)s;
	if (result == NULL && error == NULL)
		return;		/* session ending: progress_free_all() frees p */
	if (error != NULL) {
		p->disabled = 1;
	} else {
		p->ready = 1;
		json_array_foreach(p->queue, i, params)
			session_notify(p->session, "$/progress",
			    json_incref(params));
	}
	json_array_clear(p->queue);
	if (p->ended)
		progress_free(p);
}

/* Begin a progress report. */
struct progress *
progress_begin(struct session *s, json_t *token, const char *title,
    const char *message)
{
	struct progress *p = xcalloc(1, sizeof *p);
	json_t *begin;

	p->session = s;
	p->queue = json_array();
	p->next = s->progress;
	s->progress = p;
	if (token != NULL && (json_is_string(token) ||
	    json_is_integer(token))) {
		p->token = json_incref(token);
		p->ready = 1;
	} else if (json_path_bool(s->client_capabilities,
	    "window.workDoneProgress", 0)) {
		p->token = json_sprintf("heaplens-progress-%u",
		    ++s->progress_serial);
		session_request(s, "window/workDoneProgress/create",
		    json_pack("{s:O}", "token", p->token), progress_created, p);
	} else {
		p->disabled = 1;
	}
	begin = json_pack("{s:s, s:s}", "kind", "begin", "title", title);
	if (message != NULL)
		json_object_set_new(begin, "message", json_string_lossy(message));
	progress_emit(p, begin);
	return p;
}

/* Report how far the work got. */
void
progress_report(struct progress *p, const char *message, int percentage)
{
	json_t *v = json_pack("{s:s}", "kind", "report");

	if (message != NULL)
		json_object_set_new(v, "message", json_string_lossy(message));
	if (percentage >= 0)
		json_object_set_new(v, "percentage",
		    json_integer(percentage > 100 ? 100 : percentage));
	progress_emit(p, v);
}

/* End the report and give it back to the session. */
void
progress_end(struct progress *p, const char *message)
{
	json_t *v = json_pack("{s:s}", "kind", "end");

	if (message != NULL)
		json_object_set_new(v, "message", json_string_lossy(message));
	progress_emit(p, v);
	p->ended = 1;
	if (p->ready || p->disabled)
		progress_free(p);
}

/* Free every report of the session. */
void
progress_free_all(struct session *s)
{
	while (s->progress != NULL)
		progress_free(s->progress);
}
