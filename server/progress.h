/*
 * progress.h - $/progress reports (work done progress) for long work.
 *
 * Invariants:
 * - A report uses the request's workDoneToken when the client sent one;
 *   otherwise, if the client supports window.workDoneProgress, the server
 *   creates a token with window/workDoneProgress/create and holds its
 *   notifications until the client accepts the token, as the specification
 *   requires; otherwise reporting does nothing.
 * - The session owns every struct progress: progress_end() hands it back,
 *   and the session frees it once its last notification went out (or at
 *   session end). Callers never free one.
 */
#ifndef HEAPLENS_PROGRESS_H
#define HEAPLENS_PROGRESS_H

#include <jansson.h>

struct session;

struct progress {
	struct session *session;
	json_t *token;
	json_t *queue;		/* notifications held until the token exists */
	int ready;		/* the token may be used */
	int disabled;		/* the client takes no progress */
	int ended;
	struct progress *next;
};

/*
 * Begin a report titled title. token is the request's workDoneToken
 * (borrowed) or NULL. Returns the report (owned by the session).
 */
struct progress *progress_begin(struct session *s, json_t *token,
    const char *title, const char *message);
/* Report progress; percentage < 0 leaves it out. */
void progress_report(struct progress *p, const char *message, int percentage);
/* End the report; p must not be used afterwards. */
void progress_end(struct progress *p, const char *message);
/* Free every report of a session (at session end). */
void progress_free_all(struct session *s);

#endif
