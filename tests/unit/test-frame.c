/*
 * test-frame.c - unit tests for protocol/frame.c: framing, the errors a
 * client's garbage produces, and how the reader resynchronises after them.
 */
#include <stdlib.h>
#include <string.h>

#include "protocol/frame.h"
#include "unit.h"

#define CL(n) "Content-Length: " #n "\r\n\r\n"

/* Take every frame the reader has: "<body>" per frame, "{cause}" per error. */
static void
frame_drain(struct frame_reader *r, struct buf *log)
{
	const char *body;
	size_t len;
	char *cause = NULL;
	int rc, rounds = 0;

	while ((rc = frame_next(r, &body, &len, &cause)) != 0) {
		if (!CHECK(++rounds < 10000))
			return;
		if (rc == 1) {
			CHECK(len <= r->max_body);
			CHECK(body[len] == '\0');
			buf_addc(log, '<');
			buf_add(log, body, len);
			buf_addc(log, '>');
		} else {
			CHECK_INT_EQ(rc, -1);
			if (!CHECK(cause != NULL))
				continue;
			buf_addf(log, "{%s}", cause);
			free(cause);
			cause = NULL;
		}
	}
}

/*
 * Feed s[0..n) to a new reader in pieces of step bytes (all at once for 0),
 * draining after each; return the log and the leftover (both new strings).
 */
static char *
frame_run(const char *s, size_t n, size_t step, size_t max_body,
    char **leftover)
{
	struct frame_reader r;
	struct buf log = BUF_INIT;
	size_t at = 0, k;

	frame_reader_init(&r, max_body);
	do {
		k = step == 0 || n - at < step ? n - at : step;
		frame_feed(&r, s + at, k);
		at += k;
		frame_drain(&r, &log);
	} while (at < n);
	*leftover = frame_leftover(&r);
	frame_reader_release(&r);
	return buf_detach(&log, NULL);
}

/*
 * Check s gives the log and leftover wanted however it is split: at once,
 * byte by byte, and in pieces of 3 and 7 bytes.
 */
static void
frame_expect(const char *s, size_t n, size_t max_body, const char *want,
    const char *want_leftover)
{
	static const size_t steps[] = { 0, 1, 3, 7 };
	char *log, *leftover;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(steps); i++) {
		log = frame_run(s, n, steps[i], max_body, &leftover);
		if (!CHECK_STR_EQ(log, want) ||
		    !CHECK_STR_EQ(leftover, want_leftover))
			unit_note("fed in pieces of %zu bytes (0 = at once)",
			    steps[i]);
		free(log);
		free(leftover);
	}
}

#define EXPECT(s, want, leftover) \
	frame_expect((s), sizeof(s) - 1, FRAME_MAX_BODY, (want), (leftover))
#define EXPECT_MAX(s, max, want, leftover) \
	frame_expect((s), sizeof(s) - 1, (max), (want), (leftover))
#define FEED(r, s) frame_feed((r), (s), sizeof(s) - 1)

/* Check one frame is delivered and leaves nothing over. */
static void
test_one_frame(void)
{
	struct frame_reader r;
	const char *body = NULL;
	size_t len = 0;
	char *cause = NULL;

	frame_reader_init(&r, FRAME_MAX_BODY);
	FEED(&r, CL(5) "hello");
	CHECK_INT_EQ(frame_next(&r, &body, &len, &cause), 1);
	CHECK_MEM_EQ(body, len, "hello", 5);
	CHECK_INT_EQ(frame_next(&r, &body, &len, &cause), 0);
	CHECK_NULL(cause);
	CHECK_NULL(frame_leftover(&r));
	frame_reader_release(&r);

	EXPECT(CL(17) "{\"jsonrpc\":\"2.0\"}", "<{\"jsonrpc\":\"2.0\"}>", NULL);
}

/* Check several pipelined frames in one feed all come out, in order. */
static void
test_many_frames(void)
{
	EXPECT(CL(3) "one" CL(3) "two" CL(5) "three" CL(4) "four",
	    "<one><two><three><four>", NULL);
}

/* Check a frame fed one byte at a time appears only once complete. */
static void
test_byte_at_a_time(void)
{
	static const char s[] = CL(11) "hello world";
	struct frame_reader r;
	struct buf log = BUF_INIT;
	size_t i;

	frame_reader_init(&r, FRAME_MAX_BODY);
	for (i = 0; i < sizeof s - 1; i++) {
		frame_feed(&r, s + i, 1);
		frame_drain(&r, &log);
		if (i + 2 < sizeof s && !CHECK_UINT_EQ(log.len, 0))
			break;
	}
	CHECK_STR_EQ(buf_str(&log), "<hello world>");
	frame_reader_release(&r);
	buf_release(&log);
}

/* Check header names match case-insensitively. */
static void
test_header_case(void)
{
	EXPECT("content-length: 2\r\n\r\nhi" "CONTENT-LENGTH: 2\r\n\r\nho"
	    "CoNtEnT-lEnGtH: 2\r\n\r\nha", "<hi><ho><ha>", NULL);
}

/* Check Content-Type is accepted before or after Content-Length. */
static void
test_content_type(void)
{
	EXPECT("Content-Length: 2\r\nContent-Type: application/"
	    "vscode-jsonrpc; charset=utf-8\r\n\r\nhi"
	    "Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n"
	    "Content-Length: 2\r\n\r\nho", "<hi><ho>", NULL);
}

/* Check the accepted variations: blanks, bare LF, spaces, leading zeros. */
static void
test_lenient_forms(void)
{
	EXPECT("\r\n\r\n" CL(1) "a\r\n" CL(1) "b", "<a><b>", NULL);
	EXPECT("Content-Length: 2\n\nhi", "<hi>", NULL);
	EXPECT("Content-Length:\t 2 \t\r\n\r\nhi", "<hi>", NULL);
	EXPECT("Content-Length: 002\r\n\r\nhi", "<hi>", NULL);
	EXPECT("Content-Length: 2\r\nContent-Length: 2\r\n\r\nhi", "<hi>",
	    NULL);
}

/* Check a body that looks like a header is taken as a body. */
static void
test_body_like_header(void)
{
	EXPECT(CL(23) "Content-Length: 999\r\n\r\n" CL(2) "ok",
	    "<Content-Length: 999\r\n\r\n><ok>", NULL);
}

/* Check a zero-length body is a frame (an empty, terminated string). */
static void
test_zero_length(void)
{
	struct frame_reader r;
	const char *body = NULL;
	size_t len = 99;
	char *cause = NULL;

	frame_reader_init(&r, FRAME_MAX_BODY);
	FEED(&r, CL(0));
	CHECK_INT_EQ(frame_next(&r, &body, &len, &cause), 1);
	CHECK_UINT_EQ(len, 0);
	if (CHECK(body != NULL))
		CHECK_STR_EQ(body, "");
	frame_reader_release(&r);

	EXPECT(CL(0) CL(0) CL(1) "x", "<><><x>", NULL);
}

/* Check a missing Content-Length costs one error, then frames resume. */
static void
test_missing_length(void)
{
	EXPECT("Content-Type: text/plain\r\n\r\n{\"garbage\":1}" CL(2) "ok",
	    "{missing Content-Length header}<ok>", NULL);
}

/* Check a non-numeric Content-Length costs one error, then frames resume. */
static void
test_bad_length(void)
{
	EXPECT("Content-Length: abc\r\n\r\n" CL(2) "ok",
	    "{invalid Content-Length \"abc\"}<ok>", NULL);
	EXPECT("Content-Length: -5\r\n\r\n" CL(2) "ok",
	    "{invalid Content-Length \"-5\"}<ok>", NULL);
	EXPECT("Content-Length: 12x\r\n\r\n" CL(2) "ok",
	    "{invalid Content-Length \"12x\"}<ok>", NULL);
	EXPECT("Content-Length:\r\n\r\n" CL(2) "ok",
	    "{invalid Content-Length \"\"}<ok>", NULL);
	EXPECT("Content-Length: 1 2\r\n\r\n" CL(2) "ok",
	    "{invalid Content-Length \"1 2\"}<ok>", NULL);
}

/* Check a Content-Length that overflows costs one error. */
static void
test_overflowing_length(void)
{
	EXPECT("Content-Length: 99999999999999999999999\r\n\r\n" CL(2) "ok",
	    "{invalid Content-Length \"99999999999999999999999\"}<ok>", NULL);
	EXPECT("Content-Length: 18446744073709551616\r\n\r\n" CL(2) "ok",
	    "{invalid Content-Length \"18446744073709551616\"}<ok>", NULL);
	EXPECT("Content-Length: 10000000000000000000\r\n\r\n" CL(2) "ok",
	    "{invalid Content-Length \"10000000000000000000\"}<ok>", NULL);
}

/* Check conflicting duplicate lengths cost one error. */
static void
test_conflicting_lengths(void)
{
	EXPECT("Content-Length: 2\r\nContent-Length: 3\r\n\r\nhi" CL(2) "ok",
	    "{conflicting Content-Length headers}<ok>", NULL);
}

/* Check a header line without a colon costs one error. */
static void
test_no_colon(void)
{
	EXPECT("Content-Length 5\r\n\r\nhello" CL(2) "ok",
	    "{malformed header line \"Content-Length 5\"}<ok>", NULL);
	EXPECT(CL(5) "hello" "Content-Length: 1\r\nbogus\r\n\r\nx" CL(2) "ok",
	    "<hello>{malformed header line \"bogus\"}<ok>", NULL);
}

/* Check the error message quotes control bytes and cuts long lines. */
static void
test_error_quoting(void)
{
	EXPECT("\x01\x7f\"\\ no colon\r\n\r\n" CL(2) "ok",
	    "{malformed header line \"\\x01\\x7f\\x22\\x5c no colon\"}<ok>",
	    NULL);
	EXPECT("0123456789012345678901234567890123456789abc\r\n\r\n" CL(2)
	    "ok", "{malformed header line "
	    "\"0123456789012345678901234567890123456789...\"}<ok>", NULL);
}

/* Check two bad frames in a row give two errors, then frames resume. */
static void
test_errors_in_a_row(void)
{
	EXPECT("Content-Length: x\r\n\r\nContent-Length: y\r\n\r\n" CL(2) "ok"
	    CL(2) "ok", "{invalid Content-Length \"x\"}"
	    "{invalid Content-Length \"y\"}<ok><ok>", NULL);
}

/* Check resynchronising finds a Content-Length split across feeds. */
static void
test_resync_split(void)
{
	struct frame_reader r;
	struct buf log = BUF_INIT;

	frame_reader_init(&r, FRAME_MAX_BODY);
	FEED(&r, "Bad: header\r\nno colon\r\n\r\n");
	frame_drain(&r, &log);
	FEED(&r, "lots of garbage here, no headers at all Content-Len");
	frame_drain(&r, &log);
	FEED(&r, "gth: 2\r\n\r\nok");
	frame_drain(&r, &log);
	CHECK_STR_EQ(buf_str(&log), "{malformed header line \"no colon\"}<ok>");
	frame_reader_release(&r);
	buf_release(&log);
}

/* Check an oversized body is reported once and skipped, then frames resume. */
static void
test_oversized(void)
{
	EXPECT_MAX(CL(20) "aaaaaaaaaaaaaaaaaaaa" CL(4) "okay" CL(16)
	    "0123456789abcdef", 16,
	    "{message of 20 bytes exceeds the limit of 16 bytes}<okay>"
	    "<0123456789abcdef>", NULL);
}

/* Check an oversized body arriving in pieces is dropped as it arrives. */
static void
test_oversized_pieces(void)
{
	struct frame_reader r;
	struct buf log = BUF_INIT;
	char piece[10];
	int i;

	memset(piece, 'z', sizeof piece);
	frame_reader_init(&r, 16);
	FEED(&r, CL(1000));
	frame_drain(&r, &log);
	CHECK_STR_EQ(buf_str(&log), "{message of 1000 bytes exceeds the limit "
	    "of 16 bytes}");
	for (i = 0; i < 100; i++) {
		frame_feed(&r, piece, sizeof piece);
		frame_drain(&r, &log);
		if (!CHECK(r.in.len - r.pos == 0))
			break;
	}
	CHECK_NULL(frame_leftover(&r));
	FEED(&r, CL(2) "ok");
	frame_drain(&r, &log);
	CHECK_STR_EQ(buf_str(&log), "{message of 1000 bytes exceeds the limit "
	    "of 16 bytes}<ok>");
	frame_reader_release(&r);
	buf_release(&log);
}

/* Check a body of exactly max_body bytes is accepted. */
static void
test_max_body_exact(void)
{
	EXPECT_MAX(CL(4) "abcd" CL(5) "abcde" CL(1) "x", 4,
	    "<abcd>{message of 5 bytes exceeds the limit of 4 bytes}<x>",
	    NULL);
}

/*
 * Check a header block without an end is refused once it passes the bound,
 * once, and the frame sent after it is still delivered.
 */
static void
test_header_too_long(void)
{
	static const size_t steps[] = { 0, 1, 1000 };
	size_t n = FRAME_MAX_HEADER + 100, at, k, i;
	char *s = xmalloc(n);
	struct frame_reader r;
	struct buf log = BUF_INIT;
	char *leftover;

	memcpy(s, "X-Junk: ", 8);
	memset(s + 8, 'a', n - 8);
	for (i = 0; i < ARRAY_SIZE(steps); i++) {
		frame_reader_init(&r, FRAME_MAX_BODY);
		buf_reset(&log);
		for (at = 0; at < n; at += k) {
			k = steps[i] == 0 || n - at < steps[i] ? n - at :
			    steps[i];
			frame_feed(&r, s + at, k);
			frame_drain(&r, &log);
		}
		CHECK_STR_EQ(buf_str(&log), "{header block exceeds 8192 bytes "
		    "without an empty line}");
		leftover = frame_leftover(&r);
		CHECK_NULL(leftover);
		free(leftover);
		FEED(&r, "\r\n\r\n" CL(2) "ok");
		frame_drain(&r, &log);
		if (!CHECK_STR_EQ(buf_str(&log), "{header block exceeds 8192 "
		    "bytes without an empty line}<ok>"))
			unit_note("fed in pieces of %zu bytes (0 = at once)",
			    steps[i]);
		frame_reader_release(&r);
	}
	buf_release(&log);
	free(s);
}

/*
 * Check a header block over the bound is refused even when its end arrives
 * in the same read: the outcome must not depend on how reads split input.
 */
static void
test_header_too_long_complete(void)
{
	size_t n = FRAME_MAX_HEADER + 100, at = 0;
	char *s = xmalloc(n + 64);

	memcpy(s, "Content-Length: 2\r\nX-Pad: ", 26);
	at = 26;
	memset(s + at, 'p', n - at);
	at = n;
	memcpy(s + at, "\r\n\r\nhi" CL(2) "ok", 29);
	at += 29;
	frame_expect(s, at, FRAME_MAX_BODY, "{header block exceeds 8192 "
	    "bytes without an empty line}<ok>", NULL);
	free(s);
}

/*
 * Check a Content-Length line past the bound inside an over-long header
 * block is treated alike however reads split the input. Which bytes make
 * the block too long is only known FRAME_MAX_HEADER bytes in, so the reader
 * resynchronises from there, finds that line and takes its frame.
 */
static void
test_header_too_long_inner_length(void)
{
	static const char tail[] = "\r\nContent-Length: 2\r\n\r\nhi"
	    CL(2) "ok";
	size_t n = FRAME_MAX_HEADER + 800;
	char *s = xmalloc(n + sizeof tail);

	memcpy(s, "X-Pad: ", 7);
	memset(s + 7, 'p', n - 7);
	memcpy(s + n, tail, sizeof tail - 1);
	frame_expect(s, n + sizeof tail - 1, FRAME_MAX_BODY, "{header block exceeds 8192 "
	    "bytes without an empty line}<hi><ok>", NULL);
	free(s);
}

/* Check the leftover names a truncated body. */
static void
test_leftover_body(void)
{
	EXPECT(CL(100) "01234567890123456789", "",
	    "truncated message: 20 of 100 body bytes received");
	EXPECT(CL(2) "ok" CL(3), "<ok>",
	    "truncated message: 0 of 3 body bytes received");
}

/* Check the leftover names a partial header. */
static void
test_leftover_header(void)
{
	EXPECT("Content-Len", "",
	    "input ended inside a message header (11 bytes)");
	EXPECT(CL(2) "ok\r\nContent-Length: 5\r\n", "<ok>",
	    "input ended inside a message header (19 bytes)");
}

/* Check the leftover is NULL for clean input, blanks, and no input. */
static void
test_leftover_clean(void)
{
	struct frame_reader r;
	const char *body;
	size_t len;
	char *cause = NULL;

	frame_reader_init(&r, FRAME_MAX_BODY);
	CHECK_INT_EQ(frame_next(&r, &body, &len, &cause), 0);
	CHECK_NULL(frame_leftover(&r));
	frame_reader_release(&r);

	EXPECT(CL(2) "ok", "<ok>", NULL);
	EXPECT(CL(2) "ok\r\n\r\n", "<ok>", NULL);
}

/* Check the leftover names an oversized body cut short. */
static void
test_leftover_oversized(void)
{
	EXPECT_MAX(CL(40) "0123456789", 16,
	    "{message of 40 bytes exceeds the limit of 16 bytes}",
	    "input ended inside an oversized message (30 bytes missing)");
}

/* Check frame_write's exact bytes, appended after what out holds. */
static void
test_write(void)
{
	struct buf out = BUF_INIT;

	frame_write(&out, "{}", 2);
	CHECK_MEM_EQ(out.data, out.len, "Content-Length: 2\r\n\r\n{}", 23);
	frame_write(&out, "a\0b", 3);
	CHECK_MEM_EQ(out.data, out.len, "Content-Length: 2\r\n\r\n{}"
	    "Content-Length: 3\r\n\r\na\0b", 23 + 24);
	buf_reset(&out);
	frame_write(&out, "", 0);
	CHECK_MEM_EQ(out.data, out.len, "Content-Length: 0\r\n\r\n", 21);
	buf_release(&out);
}

/* Check what frame_write produces reads back as the same bodies. */
static void
test_write_round_trip(void)
{
	static const char *bodies[] = { "", "x", "{\"id\":1}", "\r\n\r\n",
	    "Content-Length: 3\r\n\r\n" };
	struct buf out = BUF_INIT, want = BUF_INIT;
	char *log, *leftover;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bodies); i++) {
		frame_write(&out, bodies[i], strlen(bodies[i]));
		buf_addf(&want, "<%s>", bodies[i]);
	}
	log = frame_run(out.data, out.len, 1, FRAME_MAX_BODY, &leftover);
	CHECK_STR_EQ(log, buf_str(&want));
	CHECK_NULL(leftover);
	free(log);
	free(leftover);
	buf_release(&out);
	buf_release(&want);
}

const struct unit_test frame_tests[] = {
	{ "one frame", test_one_frame },
	{ "many frames in one feed", test_many_frames },
	{ "one byte at a time", test_byte_at_a_time },
	{ "header names are case-insensitive", test_header_case },
	{ "Content-Type accepted", test_content_type },
	{ "lenient forms", test_lenient_forms },
	{ "body that looks like a header", test_body_like_header },
	{ "zero-length body", test_zero_length },
	{ "missing Content-Length resyncs", test_missing_length },
	{ "non-numeric Content-Length resyncs", test_bad_length },
	{ "overflowing Content-Length resyncs", test_overflowing_length },
	{ "conflicting Content-Lengths resync", test_conflicting_lengths },
	{ "header line without colon resyncs", test_no_colon },
	{ "error text quotes bytes", test_error_quoting },
	{ "errors in a row", test_errors_in_a_row },
	{ "resync across feeds", test_resync_split },
	{ "oversized body skipped", test_oversized },
	{ "oversized body in pieces", test_oversized_pieces },
	{ "body of exactly max_body", test_max_body_exact },
	{ "header block without end", test_header_too_long },
	{ "header block over the bound, complete",
	    test_header_too_long_complete },
	{ "header block over the bound, inner Content-Length",
	    test_header_too_long_inner_length },
	{ "leftover: truncated body", test_leftover_body },
	{ "leftover: partial header", test_leftover_header },
	{ "leftover: clean input", test_leftover_clean },
	{ "leftover: oversized body", test_leftover_oversized },
	{ "frame_write bytes", test_write },
	{ "frame_write round trip", test_write_round_trip },
	{ NULL, NULL }
};
