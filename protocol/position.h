/*
 * position.h - line index and LSP positions: converting between byte offsets
 * in UTF-8 text and (line, UTF-16 code unit) positions.
 *
 * Invariants:
 * - Lines end at "\n", "\r\n" or a lone "\r", as the LSP specification says;
 *   a line's start is the byte after its terminator. Text of n terminators has
 *   n + 1 lines (the last may be empty).
 * - A code point at or above U+10000 counts as two UTF-16 units (a surrogate
 *   pair); every other valid code point as one. A byte that does not start a
 *   valid UTF-8 sequence counts as one unit, as editors show it as U+FFFD.
 * - Positions past the end of a line clamp to the line's end and lines past
 *   the end of the text clamp to the end of the text, as the specification
 *   asks. A character inside a surrogate pair resolves to the start of the
 *   code point it splits.
 */
#ifndef HEAPLENS_POSITION_H
#define HEAPLENS_POSITION_H

#include <stddef.h>

struct line_index {
	size_t *starts;		/* byte offset of each line's first byte */
	size_t count;		/* number of lines, at least 1 */
	size_t alloc;
};

void line_index_init(struct line_index *li);
void line_index_release(struct line_index *li);
/* Index the lines of text[0..len), replacing any earlier index. */
void line_index_build(struct line_index *li, const char *text, size_t len);

/*
 * Return the byte length of line (excluding its terminator) in text; 0 for a
 * line past the end.
 */
size_t line_index_length(const struct line_index *li, const char *text,
    size_t len, size_t line);

/*
 * Decode one UTF-8 sequence at s[0..n). Returns its byte length (1 for an
 * invalid byte) and stores the code point (or 0xFFFD) in *cp.
 */
size_t utf8_decode(const unsigned char *s, size_t n, unsigned *cp);

/* Return how many UTF-16 units the bytes s[0..n) make. */
size_t utf16_length(const char *s, size_t n);

/*
 * Return the byte offset within s[0..n) that UTF-16 unit column units
 * reaches, clamped to n.
 */
size_t utf16_to_byte(const char *s, size_t n, size_t units);

/* Convert an LSP position into a byte offset in the indexed text. */
size_t position_to_offset(const struct line_index *li, const char *text,
    size_t len, size_t line, size_t character);

/* Convert a byte offset (clamped to len) into an LSP position. */
void position_from_offset(const struct line_index *li, const char *text,
    size_t len, size_t offset, size_t *line, size_t *character);

#endif
