/*
 * frame.c - incremental parser and writer for the LSP base protocol headers.
 */
#include <ctype.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "frame.h"

static const char content_length[] = "content-length";

/* Initialise an empty reader. */
void
frame_reader_init(struct frame_reader *r, size_t max_body)
{
	buf_init(&r->in);
	buf_init(&r->body);
	r->pos = 0;
	r->max_body = max_body;
	r->skip = 0;
	r->resync = 0;
}

/* Free the reader's buffers. */
void
frame_reader_release(struct frame_reader *r)
{
	buf_release(&r->in);
	buf_release(&r->body);
}

/* Append bytes, first dropping what earlier frames consumed. */
void
frame_feed(struct frame_reader *r, const char *data, size_t len)
{
	if (r->pos > 0) {
		buf_consume(&r->in, r->pos);
		r->pos = 0;
	}
	buf_add(&r->in, data, len);
}

/* Find needle (lower case) in p case-insensitively; return offset or -1. */
static long
frame_find_nocase(const char *p, size_t n, const char *needle)
{
	size_t k = strlen(needle), i;

	for (i = 0; i + k <= n; i++)
		if (strncasecmp(p + i, needle, k) == 0)
			return (long)i;
	return -1;
}

/* Find the end of the header block; return the body's offset or 0. */
static size_t
frame_header_end(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i] != '\n')
			continue;
		if (i + 1 < n && p[i + 1] == '\n')
			return i + 2;
		if (i + 2 < n && p[i + 1] == '\r' && p[i + 2] == '\n')
			return i + 3;
	}
	return 0;
}

/* Copy at most 40 bytes of s for an error message, escaping control bytes. */
static void
frame_quote(struct buf *out, const char *s, size_t n)
{
	size_t i;

	buf_addc(out, '"');
	for (i = 0; i < n && i < 40; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\')
			buf_addf(out, "\\x%02x", c);
		else
			buf_addc(out, (char)c);
	}
	if (n > 40)
		buf_adds(out, "...");
	buf_addc(out, '"');
}

/* Parse a decimal Content-Length value; return 0 or -1. */
static int
frame_parse_length(const char *s, size_t n, size_t *out)
{
	uint64_t v = 0;
	size_t i = 0;

	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	while (n > i && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (i == n)
		return -1;
	for (; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		if (v > (UINT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	/* Past this no client means it: resync rather than skip forever. */
	if (v > FRAME_MAX_LENGTH)
		return -1;
	*out = (size_t)v;
	return 0;
}

/*
 * Parse the header block p[0..n) into *length. Returns 0, or -1 with a
 * description of the problem in *cause.
 */
static int
frame_parse_headers(const char *p, size_t n, size_t *length, char **cause)
{
	struct buf msg = BUF_INIT;
	const char *line = p, *end = p + n, *nl, *colon, *value;
	size_t llen, vlen, v;
	int have = 0;

	while (line < end) {
		nl = memchr(line, '\n', (size_t)(end - line));
		llen = (size_t)((nl != NULL ? nl : end) - line);
		if (llen > 0 && line[llen - 1] == '\r')
			llen--;
		if (llen == 0)
			break;
		colon = memchr(line, ':', llen);
		if (colon == NULL) {
			buf_adds(&msg, "malformed header line ");
			frame_quote(&msg, line, llen);
			goto fail;
		}
		value = colon + 1;
		vlen = llen - (size_t)(value - line);
		while (vlen > 0 && (*value == ' ' || *value == '\t')) {
			value++;
			vlen--;
		}
		if ((size_t)(colon - line) == strlen(content_length) &&
		    strncasecmp(line, content_length, strlen(content_length)) == 0) {
			if (frame_parse_length(value, vlen, &v) != 0) {
				buf_adds(&msg, "invalid Content-Length ");
				frame_quote(&msg, value, vlen);
				goto fail;
			}
			if (have && v != *length) {
				buf_adds(&msg, "conflicting Content-Length headers");
				goto fail;
			}
			*length = v;
			have = 1;
		}
		if (nl == NULL)
			break;
		line = nl + 1;
	}
	if (!have) {
		buf_adds(&msg, "missing Content-Length header");
		goto fail;
	}
	return 0;

fail:
	set_cause(cause, "%s", buf_str(&msg));
	buf_release(&msg);
	return -1;
}

/* Take the next complete frame from the reader. */
int
frame_next(struct frame_reader *r, const char **body, size_t *len,
    char **cause)
{
	const char *p;
	size_t avail, hdr, length = 0, keep;
	long at;

	for (;;) {
		p = buf_str(&r->in) + r->pos;
		avail = r->in.len - r->pos;
		if (r->skip > 0) {
			size_t n = avail < r->skip ? avail : r->skip;

			r->pos += n;
			r->skip -= n;
			if (r->skip > 0)
				return 0;
			continue;
		}
		if (r->resync) {
			at = frame_find_nocase(p, avail, content_length);
			if (at < 0) {
				keep = strlen(content_length) - 1;
				if (avail > keep)
					r->pos += avail - keep;
				return 0;
			}
			r->pos += (size_t)at;
			r->resync = 0;
			continue;
		}
		/* Blank lines between frames are harmless; skip them. */
		while (avail > 0 && (*p == '\r' || *p == '\n')) {
			p++;
			avail--;
			r->pos++;
		}
		if (avail == 0)
			return 0;
		/*
		 * Look for the end of the headers only within the bound, so
		 * the verdict never depends on how reads split the input.
		 */
		hdr = frame_header_end(p, avail < FRAME_MAX_HEADER ? avail :
		    FRAME_MAX_HEADER);
		if (hdr == 0 && avail < FRAME_MAX_HEADER)
			return 0;
		if (hdr == 0) {
			r->resync = 1;
			r->pos++;
			return set_cause(cause, "header block exceeds %u bytes "
			    "without an empty line", FRAME_MAX_HEADER);
		}
		if (frame_parse_headers(p, hdr, &length, cause) != 0) {
			r->pos += hdr;
			r->resync = 1;
			return -1;
		}
		if (length > r->max_body) {
			r->pos += hdr;
			r->skip = length;
			return set_cause(cause, "message of %zu bytes exceeds "
			    "the limit of %zu bytes", length, r->max_body);
		}
		if (avail - hdr < length)
			return 0;
		/* The next frame's bytes follow: hand out a terminated copy. */
		buf_reset(&r->body);
		buf_add(&r->body, p + hdr, length);
		*body = buf_str(&r->body);
		*len = length;
		r->pos += hdr + length;
		return 1;
	}
}

/* Describe an incomplete frame left at end of input. */
char *
frame_leftover(const struct frame_reader *r)
{
	const char *p = buf_str(&r->in) + r->pos;
	size_t avail = r->in.len - r->pos, hdr, length = 0;
	char *cause = NULL;

	if (r->skip > 0)
		return xasprintf("input ended inside an oversized message "
		    "(%zu bytes missing)", r->skip);
	if (r->resync)
		return NULL;
	while (avail > 0 && (*p == '\r' || *p == '\n')) {
		p++;
		avail--;
	}
	if (avail == 0)
		return NULL;
	hdr = frame_header_end(p, avail);
	if (hdr == 0)
		return xasprintf("input ended inside a message header "
		    "(%zu bytes)", avail);
	if (frame_parse_headers(p, hdr, &length, &cause) != 0)
		return cause;
	return xasprintf("truncated message: %zu of %zu body bytes received",
	    avail - hdr, length);
}

/* Append one framed message to out. */
void
frame_write(struct buf *out, const char *body, size_t len)
{
	buf_addf(out, "Content-Length: %zu\r\n\r\n", len);
	buf_add(out, body, len);
}
