/*
 * frame-fuzzer.c - libFuzzer target for the LSP framing and JSON-RPC layers:
 * the input, split at points it chooses, goes through a frame_reader, and
 * every body through jsonrpc_parse() and jsonrpc_classify().
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "protocol/frame.h"
#include "protocol/json.h"
#include "protocol/jsonrpc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Check what jsonrpc_classify() says about one parsed value. */
static void
frame_fuzz_classify(json_t *value)
{
	struct jsonrpc_msg msg;
	json_t *id = NULL;
	char *cause = NULL;

	if (jsonrpc_classify(value, &msg, &id, &cause) != 0) {
		if (cause == NULL || *cause == '\0')
			abort();
		if (id != NULL && !json_is_integer(id) && !json_is_string(id))
			abort();
		free(cause);
		return;
	}
	if (cause != NULL || !json_is_object(value))
		abort();
	if (msg.params != NULL && !json_is_object(msg.params) &&
	    !json_is_array(msg.params))
		abort();
	switch (msg.kind) {
	case JSONRPC_REQUEST:
		if (msg.method == NULL || msg.id == NULL ||
		    (!json_is_integer(msg.id) && !json_is_string(msg.id)))
			abort();
		break;
	case JSONRPC_NOTIFICATION:
		if (msg.method == NULL || msg.id != NULL)
			abort();
		break;
	case JSONRPC_RESPONSE:
		if (msg.method != NULL || msg.id == NULL ||
		    (msg.result == NULL) == (msg.error == NULL))
			abort();
		break;
	default:
		abort();
	}
}

/*
 * Check one body: it must be terminated and within the limit; whatever
 * parses is written back out as a frame to out for the round trip.
 */
static void
frame_fuzz_body(const char *body, size_t len, size_t max_body,
    struct buf *out, size_t *count)
{
	json_t *value;
	char *cause = NULL, *text;

	if (body == NULL || len > max_body || body[len] != '\0')
		abort();
	value = jsonrpc_parse(body, len, &cause);
	if (value == NULL) {
		if (cause == NULL)
			abort();
		free(cause);
		return;
	}
	if (cause != NULL)
		abort();
	frame_fuzz_classify(value);
	text = json_compact(value);
	frame_write(out, text, strlen(text));
	(*count)++;
	free(text);
	json_decref(value);
}

/*
 * Take every frame the reader has, checking each result and recording it in
 * log: "F<length>:<body>" for a frame, "E:<cause>" for an error.
 */
static void
frame_fuzz_drain(struct frame_reader *r, size_t fed, struct buf *log,
    struct buf *out, size_t *count, size_t *results)
{
	const char *body;
	size_t len;
	char *cause = NULL;
	int rc;

	for (;;) {
		body = NULL;
		rc = frame_next(r, &body, &len, &cause);
		if (rc == 0)
			break;
		/* Each frame or error consumes at least one byte. */
		if (++*results > fed + 1)
			abort();
		if (rc == 1) {
			if (cause != NULL)
				abort();
			buf_addf(log, "F%zu:", len);
			buf_add(log, body, len);
			buf_addc(log, '\n');
			frame_fuzz_body(body, len, r->max_body, out, count);
		} else if (rc == -1) {
			if (cause == NULL || *cause == '\0')
				abort();
			buf_addf(log, "E:%s\n", cause);
			free(cause);
			cause = NULL;
		} else {
			abort();
		}
	}
	if (cause != NULL)
		abort();
	/* Nothing beyond one header block and one body is ever held. */
	if (r->in.len - r->pos > FRAME_MAX_HEADER + 16 + r->max_body)
		abort();
}

/* Check what frame_write() produced reads back as count bodies, cleanly. */
static void
frame_fuzz_round_trip(const struct buf *out, size_t count)
{
	struct frame_reader r;
	const char *body;
	size_t len, n = 0;
	char *cause = NULL, *left;
	int rc;

	frame_reader_init(&r, FRAME_MAX_BODY);
	frame_feed(&r, buf_str(out), out->len);
	while ((rc = frame_next(&r, &body, &len, &cause)) == 1)
		n++;
	if (rc != 0 || n != count || cause != NULL)
		abort();
	left = frame_leftover(&r);
	if (left != NULL)
		abort();
	frame_reader_release(&r);
}

/*
 * Feed p[0..size) in pieces ending at cuts[0..ncuts) (the last is size),
 * draining after each piece or only after the last; log every result and
 * the leftover, and write back what parsed to out.
 */
static void
frame_fuzz_run(const char *p, const size_t *cuts, size_t ncuts,
    size_t max_body, int drain_each, struct buf *log, struct buf *out,
    size_t *count)
{
	struct frame_reader r;
	size_t i, n, fed = 0, results = 0;
	char *left;

	frame_reader_init(&r, max_body);
	for (i = 0; i < ncuts; i++) {
		n = cuts[i] - fed;
		frame_feed(&r, p + fed, n);
		fed += n;
		if (drain_each || i + 1 == ncuts)
			frame_fuzz_drain(&r, fed, log, out, count, &results);
	}
	left = frame_leftover(&r);
	if (left != NULL) {
		if (*left == '\0')
			abort();
		buf_addf(log, "L:%s\n", left);
	}
	free(left);
	frame_reader_release(&r);
}

/*
 * Run one input. Byte 0 picks max_body (16 to 2048) and whether to drain
 * after every piece; bytes 1-3 pick up to three split points in the rest.
 * The input is also fed whole: how reads split a stream must not change
 * what comes out of it.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf log = BUF_INIT, whole = BUF_INIT, out = BUF_INIT;
	struct buf scratch = BUF_INIT;
	size_t max_body = 64, cuts[4], ncuts = 0, i, j, t, count = 0, n = 0;
	const char *p = (const char *)data;
	int drain_each = 1;

	if (size >= 4) {
		max_body = (size_t)16 << (data[0] & 7);
		drain_each = !(data[0] & 8);
		p += 4;
		size -= 4;
		for (i = 1; i < 4; i++)
			cuts[ncuts++] = size * data[i] / 255;
		for (i = 1; i < ncuts; i++)
			for (j = i; j > 0 && cuts[j - 1] > cuts[j]; j--) {
				t = cuts[j];
				cuts[j] = cuts[j - 1];
				cuts[j - 1] = t;
			}
	}
	cuts[ncuts++] = size;
	frame_fuzz_run(p, cuts, ncuts, max_body, drain_each, &log, &out,
	    &count);
	frame_fuzz_round_trip(&out, count);

	frame_fuzz_run(p, &size, 1, max_body, 1, &whole, &scratch, &n);
	if (log.len != whole.len || memcmp(buf_str(&log), buf_str(&whole),
	    log.len) != 0)
		abort();

	buf_release(&log);
	buf_release(&whole);
	buf_release(&out);
	buf_release(&scratch);
	return 0;
}
