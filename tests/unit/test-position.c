/*
 * test-position.c - unit tests for protocol/position.c: line indexes,
 * UTF-8 decoding and UTF-16 position arithmetic.
 */
#include <stdlib.h>
#include <string.h>

#include "protocol/position.h"
#include "unit.h"

/* Check text indexes to the line starts given (count of them, then each). */
static void
position_expect_lines(const char *text, size_t n, const size_t *starts)
{
	struct line_index li;
	size_t i;
	int ok = 1;

	line_index_init(&li);
	line_index_build(&li, text, strlen(text));
	ok &= CHECK_UINT_EQ(li.count, n);
	for (i = 0; i < n && i < li.count; i++)
		ok &= CHECK_UINT_EQ(li.starts[i], starts[i]);
	if (!ok) {
		struct buf q = BUF_INIT;

		unit_quote(&q, text, strlen(text));
		unit_note("text %s", q.data);
		buf_release(&q);
	}
	line_index_release(&li);
}

#define EXPECT_LINES(text, ...) do { \
	static const size_t starts_[] = { __VA_ARGS__ }; \
	position_expect_lines((text), ARRAY_SIZE(starts_), starts_); \
} while (0)

/* Check line starts for each kind of terminator and their mixes. */
static void
test_line_index(void)
{
	EXPECT_LINES("", 0);
	EXPECT_LINES("abc", 0);
	EXPECT_LINES("a\nb", 0, 2);
	EXPECT_LINES("a\r\nb", 0, 3);
	EXPECT_LINES("a\rb", 0, 2);
	EXPECT_LINES("abc\n", 0, 4);
	EXPECT_LINES("abc\r\n", 0, 5);
	EXPECT_LINES("abc\r", 0, 4);
	EXPECT_LINES("\n\n", 0, 1, 2);
	EXPECT_LINES("\r\r\n", 0, 1, 3);
	EXPECT_LINES("\n\r", 0, 1, 2);
	EXPECT_LINES("a\n\r\nb\rc\r", 0, 2, 4, 6, 8);
	EXPECT_LINES("x\r\n\r\n\n\ry", 0, 3, 5, 6, 7);
}

/* Check rebuilding replaces the earlier index, and release empties it. */
static void
test_line_index_rebuild(void)
{
	struct line_index li;
	char big[1000];

	memset(big, '\n', sizeof big);
	line_index_init(&li);
	line_index_build(&li, big, sizeof big);
	CHECK_UINT_EQ(li.count, 1001);
	CHECK_UINT_EQ(li.starts[1000], 1000);
	line_index_build(&li, "one\ntwo", 7);
	CHECK_UINT_EQ(li.count, 2);
	CHECK_UINT_EQ(li.starts[1], 4);
	line_index_release(&li);
	CHECK_UINT_EQ(li.count, 0);
	CHECK_NULL(li.starts);
}

/* Check line lengths exclude each kind of terminator. */
static void
test_line_length(void)
{
	static const char text[] = "ab\r\ncde\nf\rgh\r";
	struct line_index li;
	size_t n = sizeof text - 1;

	line_index_init(&li);
	line_index_build(&li, text, n);
	CHECK_UINT_EQ(li.count, 5);
	CHECK_UINT_EQ(line_index_length(&li, text, n, 0), 2);
	CHECK_UINT_EQ(line_index_length(&li, text, n, 1), 3);
	CHECK_UINT_EQ(line_index_length(&li, text, n, 2), 1);
	CHECK_UINT_EQ(line_index_length(&li, text, n, 3), 2);
	CHECK_UINT_EQ(line_index_length(&li, text, n, 4), 0);
	CHECK_UINT_EQ(line_index_length(&li, text, n, 5), 0);
	CHECK_UINT_EQ(line_index_length(&li, text, n, 99), 0);
	line_index_build(&li, "last", 4);
	CHECK_UINT_EQ(line_index_length(&li, "last", 4, 0), 4);
	line_index_release(&li);
}

/* Check decoding valid sequences of each length. */
static void
test_utf8_decode_valid(void)
{
	unsigned cp = 0;

	CHECK_UINT_EQ(utf8_decode((const unsigned char *)"A", 1, &cp), 1);
	CHECK_UINT_EQ(cp, 'A');
	CHECK_UINT_EQ(utf8_decode((const unsigned char *)"\xc3\xa9", 2, &cp),
	    2);
	CHECK_UINT_EQ(cp, 0xe9);
	CHECK_UINT_EQ(utf8_decode((const unsigned char *)"\xe2\x82\xac", 3,
	    &cp), 3);
	CHECK_UINT_EQ(cp, 0x20ac);
	CHECK_UINT_EQ(utf8_decode((const unsigned char *)"\xe6\xbc\xa2", 3,
	    &cp), 3);
	CHECK_UINT_EQ(cp, 0x6f22);
	CHECK_UINT_EQ(utf8_decode((const unsigned char *)"\xf0\x9f\x98\x80",
	    4, &cp), 4);
	CHECK_UINT_EQ(cp, 0x1f600);
	CHECK_UINT_EQ(utf8_decode((const unsigned char *)"\xf4\x8f\xbf\xbf",
	    4, &cp), 4);
	CHECK_UINT_EQ(cp, 0x10ffff);
	CHECK_UINT_EQ(utf8_decode((const unsigned char *)"\xef\xbf\xbd", 3,
	    &cp), 3);
	CHECK_UINT_EQ(cp, 0xfffd);
}

/* Check an invalid sequence decodes as one byte of U+FFFD. */
static void
utf8_expect_invalid(const char *s, size_t n)
{
	unsigned cp = 0;

	if (!CHECK_UINT_EQ(utf8_decode((const unsigned char *)s, n, &cp), 1) ||
	    !CHECK_UINT_EQ(cp, 0xfffd)) {
		struct buf q = BUF_INIT;

		unit_quote(&q, s, n);
		unit_note("decoding %s", q.data);
		buf_release(&q);
	}
}

/* Check invalid, truncated, overlong and surrogate sequences are refused. */
static void
test_utf8_decode_invalid(void)
{
	utf8_expect_invalid("\x80", 1);
	utf8_expect_invalid("\xbf", 1);
	utf8_expect_invalid("\xff", 1);
	utf8_expect_invalid("\xfe", 1);
	utf8_expect_invalid("\xf5\x80\x80\x80", 4);
	utf8_expect_invalid("\xc3(", 2);
	utf8_expect_invalid("\xc3", 1);
	utf8_expect_invalid("\xe2\x82", 2);
	utf8_expect_invalid("\xf0\x9f\x98", 3);
	utf8_expect_invalid("\xf0\x9f\x98\x80", 3);
	utf8_expect_invalid("\xc0\x80", 2);		/* overlong NUL */
	utf8_expect_invalid("\xc1\xbf", 2);		/* overlong DEL */
	utf8_expect_invalid("\xe0\x80\xaf", 3);		/* overlong '/' */
	utf8_expect_invalid("\xe0\x9f\xbf", 3);		/* overlong U+07FF */
	utf8_expect_invalid("\xf0\x8f\xbf\xbf", 4);	/* overlong U+FFFF */
	utf8_expect_invalid("\xed\xa0\x80", 3);		/* U+D800 */
	utf8_expect_invalid("\xed\xbf\xbf", 3);		/* U+DFFF */
	utf8_expect_invalid("\xf4\x90\x80\x80", 4);	/* U+110000 */
}

/* Check UTF-16 lengths of 1-, 2-, 3- and 4-byte characters. */
static void
test_utf16_length(void)
{
	CHECK_UINT_EQ(utf16_length("", 0), 0);
	CHECK_UINT_EQ(utf16_length("abc", 3), 3);
	CHECK_UINT_EQ(utf16_length("\xc3\xa9", 2), 1);		/* é */
	CHECK_UINT_EQ(utf16_length("\xe2\x82\xac", 3), 1);	/* € */
	CHECK_UINT_EQ(utf16_length("\xe6\xbc\xa2", 3), 1);	/* 漢 */
	CHECK_UINT_EQ(utf16_length("\xf0\x9f\x98\x80", 4), 2);	/* 😀 */
	CHECK_UINT_EQ(utf16_length("a\xf0\x9f\x98\x80" "b", 6), 4);
	CHECK_UINT_EQ(utf16_length("\xc3\xa9\xe2\x82\xac\xe6\xbc\xa2"
	    "\xf0\x9f\x98\x80", 12), 5);
}

/* Check invalid bytes count one unit each, whatever they look like. */
static void
test_utf16_length_invalid(void)
{
	CHECK_UINT_EQ(utf16_length("a\xff\xfe" "b", 4), 4);
	CHECK_UINT_EQ(utf16_length("x\xe2\x82", 3), 3);		/* truncated */
	CHECK_UINT_EQ(utf16_length("\xf0\x9f\x98", 3), 3);
	CHECK_UINT_EQ(utf16_length("\xc0\xaf", 2), 2);		/* overlong */
	CHECK_UINT_EQ(utf16_length("\xe0\x80\xaf", 3), 3);
	CHECK_UINT_EQ(utf16_length("\xed\xa0\x80", 3), 3);	/* surrogate */
	CHECK_UINT_EQ(utf16_length("\xed\xa0\xbd\xed\xb8\x80", 6), 6);
	CHECK_UINT_EQ(utf16_length("\xf4\x90\x80\x80", 4), 4);
	CHECK_UINT_EQ(utf16_length("\x80\x80\xc3\xa9", 4), 3);
}

/* Check UTF-16 columns to bytes, including inside a surrogate pair. */
static void
test_utf16_to_byte(void)
{
	static const char s[] = "a\xf0\x9f\x98\x80" "b\xc3\xa9\xe2\x82\xac";
	size_t n = sizeof s - 1;

	CHECK_UINT_EQ(utf16_to_byte(s, n, 0), 0);
	CHECK_UINT_EQ(utf16_to_byte(s, n, 1), 1);
	CHECK_UINT_EQ(utf16_to_byte(s, n, 2), 1);	/* inside the pair */
	CHECK_UINT_EQ(utf16_to_byte(s, n, 3), 5);
	CHECK_UINT_EQ(utf16_to_byte(s, n, 4), 6);
	CHECK_UINT_EQ(utf16_to_byte(s, n, 5), 8);
	CHECK_UINT_EQ(utf16_to_byte(s, n, 6), 11);
	CHECK_UINT_EQ(utf16_to_byte(s, n, 7), 11);	/* clamped */
	CHECK_UINT_EQ(utf16_to_byte(s, n, 1000), 11);
	CHECK_UINT_EQ(utf16_to_byte("", 0, 3), 0);
	CHECK_UINT_EQ(utf16_to_byte("\xff\xfe" "c", 3, 2), 2);
	CHECK_UINT_EQ(utf16_to_byte("x\xe2\x82", 3, 2), 2);
	CHECK_UINT_EQ(utf16_to_byte("x\xe2\x82", 3, 3), 3);
}

/* Convert a position in text (indexed here) to an offset. */
static size_t
position_off(const char *text, size_t line, size_t character)
{
	struct line_index li;
	size_t off, n = strlen(text);

	line_index_init(&li);
	line_index_build(&li, text, n);
	off = position_to_offset(&li, text, n, line, character);
	line_index_release(&li);
	return off;
}

/* Convert an offset in text to "line:character". */
static char *
position_at(const char *text, size_t offset)
{
	struct line_index li;
	size_t n = strlen(text), line = 99, character = 99;

	line_index_init(&li);
	line_index_build(&li, text, n);
	position_from_offset(&li, text, n, offset, &line, &character);
	line_index_release(&li);
	return xasprintf("%zu:%zu", line, character);
}

#define CHECK_AT(text, offset, want) do { \
	char *at_ = position_at((text), (offset)); \
	CHECK_STR_EQ(at_, (want)); \
	free(at_); \
} while (0)

/* Check positions to offsets across lines and terminators. */
static void
test_to_offset(void)
{
	CHECK_UINT_EQ(position_off("ab\ncd", 0, 0), 0);
	CHECK_UINT_EQ(position_off("ab\ncd", 0, 2), 2);
	CHECK_UINT_EQ(position_off("ab\ncd", 1, 0), 3);
	CHECK_UINT_EQ(position_off("ab\ncd", 1, 1), 4);
	CHECK_UINT_EQ(position_off("ab\r\ncd", 1, 0), 4);
	CHECK_UINT_EQ(position_off("ab\rcd", 1, 2), 5);
	CHECK_UINT_EQ(position_off("\xc3\xa9\xe2\x82\xac\xe6\xbc\xa2x", 0, 3),
	    8);
	CHECK_UINT_EQ(position_off("a\xf0\x9f\x98\x80" "b", 0, 3), 5);
	CHECK_UINT_EQ(position_off("a\xf0\x9f\x98\x80" "b", 0, 2), 1);
}

/* Check positions past the line's end or the last line clamp. */
static void
test_to_offset_clamp(void)
{
	CHECK_UINT_EQ(position_off("ab\ncd", 0, 5), 2);
	CHECK_UINT_EQ(position_off("ab\r\ncd", 0, 5), 2);
	CHECK_UINT_EQ(position_off("ab\rcd", 0, 3), 2);
	CHECK_UINT_EQ(position_off("ab\ncd", 1, 99), 5);
	CHECK_UINT_EQ(position_off("ab\ncd", 2, 0), 5);
	CHECK_UINT_EQ(position_off("ab\ncd", 1000, 1000), 5);
	CHECK_UINT_EQ(position_off("ab\n", 1, 0), 3);
	CHECK_UINT_EQ(position_off("ab\n", 1, 4), 3);
	CHECK_UINT_EQ(position_off("ab\n", 2, 0), 3);
	CHECK_UINT_EQ(position_off("", 0, 0), 0);
	CHECK_UINT_EQ(position_off("", 0, 5), 0);
	CHECK_UINT_EQ(position_off("", 3, 0), 0);
}

/* Check invalid and truncated bytes take one column each. */
static void
test_to_offset_invalid(void)
{
	CHECK_UINT_EQ(position_off("a\xff\xfe" "b", 0, 3), 3);
	CHECK_UINT_EQ(position_off("\xed\xa0\x80z", 0, 3), 3);
	CHECK_UINT_EQ(position_off("\xc0\xafz", 0, 2), 2);
	CHECK_UINT_EQ(position_off("\xe0\x80\xafz", 0, 3), 3);
	CHECK_UINT_EQ(position_off("x\xe2\x82", 0, 2), 2);
	CHECK_UINT_EQ(position_off("x\xe2\x82", 0, 3), 3);
	CHECK_UINT_EQ(position_off("x\xe2\x82\ny", 1, 0), 4);
	CHECK_AT("a\xff\xfe" "b", 3, "0:3");
	CHECK_AT("x\xe2\x82", 3, "0:3");
	CHECK_AT("\xf4\x90\x80\x80!", 4, "0:4");
}

/* Check offsets to positions, including an offset inside "\r\n". */
static void
test_from_offset(void)
{
	CHECK_AT("ab\ncd", 0, "0:0");
	CHECK_AT("ab\ncd", 2, "0:2");
	CHECK_AT("ab\ncd", 3, "1:0");
	CHECK_AT("ab\ncd", 5, "1:2");
	CHECK_AT("ab\ncd", 99, "1:2");
	CHECK_AT("ab\r\ncd", 2, "0:2");
	CHECK_AT("ab\r\ncd", 3, "0:2");		/* between \r and \n */
	CHECK_AT("ab\r\ncd", 4, "1:0");
	CHECK_AT("ab\rcd", 3, "1:0");
	CHECK_AT("ab\n", 3, "1:0");
	CHECK_AT("", 0, "0:0");
	CHECK_AT("", 7, "0:0");
	CHECK_AT("\n\n", 1, "1:0");
	CHECK_AT("\n\n", 2, "2:0");
	CHECK_AT("a\xf0\x9f\x98\x80" "b", 5, "0:3");
	CHECK_AT("\xe6\xbc\xa2\n\xe2\x82\xac!", 7, "1:1");
}

/* Return the byte length of the code point at s[0..n) as UTF-16 counts it. */
static size_t
position_test_step(const unsigned char *s, size_t n, size_t *units)
{
	size_t k = s[0] < 0x80 ? 1 : s[0] < 0xe0 ? 2 : s[0] < 0xf0 ? 3 : 4;

	*units = k == 4 ? 2 : 1;
	return k <= n ? k : n;
}

/*
 * Check both conversions against a walk of a valid multi-line string: at
 * every code-point boundary (but the one inside "\r\n") the offset maps to
 * the walk's position and back.
 */
static void
test_round_trip(void)
{
	static const char text[] = "h\xc3\xa9llo w\xc3\xb6rld\r\n"
	    "\xe2\x82\xac" "uro \xe6\xbc\xa2\xe5\xad\x97\n"
	    "\xf0\x9f\x98\x80 x \xf0\x9f\x98\x80\xf0\x9f\x8e\x89\r"
	    "\xd0\x9f\xd1\x80\xd0\xb8\n"
	    "\n"
	    "\r\r\n"
	    "last \xf0\x90\x8d\x88 line";
	const unsigned char *p = (const unsigned char *)text;
	size_t n = sizeof text - 1, off = 0, line = 0, col = 0;
	size_t k, units, l, c, back, checked = 0;
	struct line_index li;
	int bad = 0;

	line_index_init(&li);
	line_index_build(&li, text, n);
	CHECK_UINT_EQ(li.count, 8);
	for (;;) {
		position_from_offset(&li, text, n, off, &l, &c);
		back = position_to_offset(&li, text, n, line, col);
		if (l != line || c != col || back != off) {
			if (bad++ < 5) {
				CHECK_UINT_EQ(l, line);
				CHECK_UINT_EQ(c, col);
				CHECK_UINT_EQ(back, off);
				unit_note("at offset %zu", off);
			}
		}
		checked++;
		if (off == n)
			break;
		if (p[off] == '\r' && off + 1 < n && p[off + 1] == '\n') {
			off += 2;
			line++;
			col = 0;
		} else if (p[off] == '\n' || p[off] == '\r') {
			off++;
			line++;
			col = 0;
		} else {
			k = position_test_step(p + off, n - off, &units);
			off += k;
			col += units;
		}
	}
	CHECK_INT_EQ(bad, 0);
	CHECK_UINT_EQ(line, 7);
	CHECK_UINT_EQ(col, 12);
	CHECK_UINT_EQ(checked, 46);
	line_index_release(&li);
}

const struct unit_test position_tests[] = {
	{ "line index terminators", test_line_index },
	{ "line index rebuild", test_line_index_rebuild },
	{ "line lengths", test_line_length },
	{ "utf8_decode valid", test_utf8_decode_valid },
	{ "utf8_decode invalid", test_utf8_decode_invalid },
	{ "utf16_length", test_utf16_length },
	{ "utf16_length invalid bytes", test_utf16_length_invalid },
	{ "utf16_to_byte", test_utf16_to_byte },
	{ "position to offset", test_to_offset },
	{ "position clamping", test_to_offset_clamp },
	{ "invalid bytes are one column", test_to_offset_invalid },
	{ "offset to position", test_from_offset },
	{ "round trip at every code point", test_round_trip },
	{ NULL, NULL }
};
