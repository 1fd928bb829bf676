/*
 * position.c - line indexing and UTF-8 <-> UTF-16 column arithmetic.
 */
#include <stdlib.h>
#include <string.h>

#include "position.h"
#include "util.h"

/* Initialise an empty index (one empty line). */
void
line_index_init(struct line_index *li)
{
	li->starts = NULL;
	li->count = 0;
	li->alloc = 0;
}

/* Free the index. */
void
line_index_release(struct line_index *li)
{
	free(li->starts);
	line_index_init(li);
}

/* Append one line start. */
static void
line_index_push(struct line_index *li, size_t start)
{
	if (li->count == li->alloc) {
		li->alloc = li->alloc ? li->alloc * 2 : 64;
		li->starts = xrealloc(li->starts, li->alloc * sizeof *li->starts);
	}
	li->starts[li->count++] = start;
}

/* Index the line starts of text. */
void
line_index_build(struct line_index *li, const char *text, size_t len)
{
	size_t i;

	li->count = 0;
	line_index_push(li, 0);
	for (i = 0; i < len; i++) {
		if (text[i] == '\n') {
			line_index_push(li, i + 1);
		} else if (text[i] == '\r') {
			if (i + 1 < len && text[i + 1] == '\n')
				i++;
			line_index_push(li, i + 1);
		}
	}
}

/* Return the byte length of a line without its terminator. */
size_t
line_index_length(const struct line_index *li, const char *text, size_t len,
    size_t line)
{
	size_t start, end;

	if (line >= li->count)
		return 0;
	start = li->starts[line];
	end = line + 1 < li->count ? li->starts[line + 1] : len;
	if (end > start && text[end - 1] == '\n')
		end--;
	if (end > start && text[end - 1] == '\r')
		end--;
	return end - start;
}

/* Decode one UTF-8 sequence. */
size_t
utf8_decode(const unsigned char *s, size_t n, unsigned *cp)
{
	unsigned c = s[0], v, min;
	size_t k, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		k = 2;
		v = c & 0x1f;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		k = 3;
		v = c & 0x0f;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		k = 4;
		v = c & 0x07;
		min = 0x10000;
	} else {
		goto invalid;
	}
	if (n < k)
		goto invalid;
	for (i = 1; i < k; i++) {
		if ((s[i] & 0xc0) != 0x80)
			goto invalid;
		v = (v << 6) | (s[i] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		goto invalid;
	*cp = v;
	return k;

invalid:
	*cp = 0xfffd;
	return 1;
}

/* Count the UTF-16 units of s[0..n). */
size_t
utf16_length(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, units = 0, k;
	unsigned cp;

	while (i < n) {
		if (p[i] < 0x80) {
			i++;
			units++;
			continue;
		}
		k = utf8_decode(p + i, n - i, &cp);
		i += k;
		units += cp >= 0x10000 ? 2 : 1;
	}
	return units;
}

/* Find the byte offset that units UTF-16 units reach in s[0..n). */
size_t
utf16_to_byte(const char *s, size_t n, size_t units)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k, w;
	unsigned cp;

	while (i < n && units > 0) {
		k = utf8_decode(p + i, n - i, &cp);
		w = cp >= 0x10000 ? 2 : 1;
		if (w > units)
			break;	/* inside a surrogate pair: stay at its start */
		units -= w;
		i += k;
	}
	return i;
}

/* Convert an LSP position to a byte offset. */
size_t
position_to_offset(const struct line_index *li, const char *text, size_t len,
    size_t line, size_t character)
{
	size_t start;

	if (line >= li->count)
		return len;
	start = li->starts[line];
	return start + utf16_to_byte(text + start,
	    line_index_length(li, text, len, line), character);
}

/* Convert a byte offset to an LSP position. */
void
position_from_offset(const struct line_index *li, const char *text,
    size_t len, size_t offset, size_t *line, size_t *character)
{
	size_t lo = 0, hi = li->count, mid, linelen;

	if (offset > len)
		offset = len;
	/* Find the last line starting at or before offset. */
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (li->starts[mid] <= offset)
			lo = mid;
		else
			hi = mid;
	}
	linelen = line_index_length(li, text, len, lo);
	if (offset - li->starts[lo] > linelen)
		offset = li->starts[lo] + linelen;
	*line = lo;
	*character = utf16_length(text + li->starts[lo],
	    offset - li->starts[lo]);
}
