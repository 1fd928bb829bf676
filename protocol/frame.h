/*
 * frame.h - LSP base-protocol framing: "Content-Length: N\r\n\r\n" + N bytes.
 *
 * Invariants:
 * - A frame_reader owns the bytes fed to it until frame_next() hands out a
 *   body; a body stays valid until the next frame_feed() or frame_next().
 * - Framing errors never end the stream: after one, the reader discards input
 *   up to the next "Content-Length" header and goes on, so a client's garbage
 *   costs it one error, not its session. Each error is reported once.
 * - No frame larger than max_body bytes is ever buffered: the body of an
 *   oversized frame is skipped as it arrives.
 */
#ifndef HEAPLENS_FRAME_H
#define HEAPLENS_FRAME_H

#include <stddef.h>

#include "util.h"

/* Default bound on one message body: large enough for any Go source file. */
#define FRAME_MAX_BODY (64u * 1024 * 1024)
/*
 * A Content-Length above this is refused as invalid (and the reader resyncs)
 * rather than skipped as an oversized message: nobody sends 4 GiB to a
 * language server, and skipping it would swallow the rest of the session.
 */
#define FRAME_MAX_LENGTH (4ull * 1024 * 1024 * 1024)
/* Bound on one header block; LSP headers are a few dozen bytes. */
#define FRAME_MAX_HEADER 8192

struct frame_reader {
	struct buf in;		/* bytes received and not yet consumed */
	size_t pos;		/* start of unconsumed bytes in in */
	struct buf body;	/* the body frame_next() handed out last */
	size_t max_body;
	size_t skip;		/* body bytes of an oversized frame still to drop */
	int resync;		/* discarding until the next Content-Length */
};

void frame_reader_init(struct frame_reader *r, size_t max_body);
void frame_reader_release(struct frame_reader *r);

/* Append received bytes. */
void frame_feed(struct frame_reader *r, const char *data, size_t len);

/*
 * Take the next complete frame. Returns 1 with *body and *len set to the message
 * body (borrowed, NUL-terminated), 0 when more input is needed, or -1 with a
 * new string in *cause describing one framing error (the caller reports it and
 * calls again: the reader has already moved past the bad bytes).
 */
int frame_next(struct frame_reader *r, const char **body, size_t *len,
    char **cause);

/*
 * Describe what is left at end of input: NULL if nothing, else a new string
 * such as "truncated message: 20 of 100 body bytes received".
 */
char *frame_leftover(const struct frame_reader *r);

/* Frame body into out as one message (header and body). */
void frame_write(struct buf *out, const char *body, size_t len);

#endif
