/*
 * test-util.c - unit tests for protocol/util.c: buffers, formatting and
 * error reporting.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "protocol/util.h"
#include "unit.h"

/* Check an initialised buffer is empty and reads as "". */
static void
test_buf_empty(void)
{
	struct buf b = BUF_INIT, c;

	CHECK_NULL(b.data);
	CHECK_UINT_EQ(b.len, 0);
	CHECK_STR_EQ(buf_str(&b), "");
	buf_init(&c);
	CHECK_NULL(c.data);
	CHECK_UINT_EQ(c.cap, 0);
	CHECK_STR_EQ(buf_str(&c), "");
	buf_release(&b);
	buf_release(&c);
}

/* Check appending byte by byte keeps the contents and the NUL. */
static void
test_buf_growth(void)
{
	struct buf b = BUF_INIT;
	char want[5000];
	size_t i;
	int ok = 1;

	for (i = 0; i < sizeof want; i++) {
		want[i] = (char)('a' + i % 26);
		buf_addc(&b, want[i]);
		if (b.len != i + 1 || b.cap < b.len + 1 ||
		    b.data[b.len] != '\0')
			ok = 0;
	}
	CHECK(ok);
	CHECK_MEM_EQ(b.data, b.len, want, sizeof want);
	CHECK_UINT_EQ(strlen(buf_str(&b)), sizeof want);
	buf_release(&b);
	CHECK_NULL(b.data);
	CHECK_UINT_EQ(b.len, 0);
}

/* Check buf_grow reserves room so the following adds do not move data. */
static void
test_buf_grow_reserves(void)
{
	struct buf b = BUF_INIT;
	char *before;
	int i;

	buf_grow(&b, 1000);
	CHECK(b.cap >= 1001);
	CHECK_UINT_EQ(b.len, 0);
	before = b.data;
	for (i = 0; i < 1000; i++)
		buf_addc(&b, 'x');
	CHECK(b.data == before);
	CHECK_UINT_EQ(b.len, 1000);
	buf_grow(&b, 0);
	CHECK(b.cap >= 1001);
	buf_release(&b);
}

/* Check embedded NUL bytes are kept and counted. */
static void
test_buf_binary(void)
{
	struct buf b = BUF_INIT;

	buf_add(&b, "a\0b", 3);
	buf_add(&b, "", 0);
	buf_adds(&b, "cd");
	CHECK_MEM_EQ(b.data, b.len, "a\0bcd", 5);
	CHECK(b.data[5] == '\0');
	buf_release(&b);
}

/* Check formatted appends, short and longer than the first allocation. */
static void
test_buf_addf(void)
{
	struct buf b = BUF_INIT;
	char *big;

	buf_addf(&b, "%d-%s-%c", 42, "x", 'y');
	CHECK_STR_EQ(buf_str(&b), "42-x-y");
	buf_addf(&b, "%0300d", 7);
	CHECK_UINT_EQ(b.len, 6 + 300);
	CHECK(b.data[b.len - 1] == '7' && b.data[6] == '0');
	big = xstrdup(b.data);
	CHECK_UINT_EQ(strlen(big), b.len);
	free(big);
	buf_release(&b);
}

/* Check consuming a prefix, nothing, and everything. */
static void
test_buf_consume(void)
{
	struct buf b = BUF_INIT;

	buf_adds(&b, "hello world");
	buf_consume(&b, 0);
	CHECK_STR_EQ(buf_str(&b), "hello world");
	buf_consume(&b, 6);
	CHECK_STR_EQ(buf_str(&b), "world");
	CHECK_UINT_EQ(b.len, 5);
	buf_adds(&b, "!");
	CHECK_STR_EQ(buf_str(&b), "world!");
	buf_consume(&b, b.len);
	CHECK_UINT_EQ(b.len, 0);
	CHECK_STR_EQ(buf_str(&b), "");
	buf_adds(&b, "again");
	CHECK_STR_EQ(buf_str(&b), "again");
	buf_release(&b);
}

/* Check reset empties the buffer but keeps its storage. */
static void
test_buf_reset(void)
{
	struct buf b = BUF_INIT;
	char *data;
	size_t cap;

	buf_adds(&b, "some text");
	data = b.data;
	cap = b.cap;
	buf_reset(&b);
	CHECK_UINT_EQ(b.len, 0);
	CHECK_STR_EQ(buf_str(&b), "");
	CHECK(b.data == data);
	CHECK_UINT_EQ(b.cap, cap);
	buf_reset(&b);
	buf_release(&b);
	buf_reset(&b);
	CHECK_STR_EQ(buf_str(&b), "");
}

/* Check detach hands over the string and leaves the buffer empty. */
static void
test_buf_detach(void)
{
	struct buf b = BUF_INIT;
	size_t len = 99;
	char *s;

	buf_adds(&b, "abc");
	s = buf_detach(&b, &len);
	CHECK_STR_EQ(s, "abc");
	CHECK_UINT_EQ(len, 3);
	CHECK_NULL(b.data);
	CHECK_UINT_EQ(b.len, 0);
	CHECK_UINT_EQ(b.cap, 0);
	free(s);

	len = 99;
	s = buf_detach(&b, &len);
	CHECK_STR_EQ(s, "");
	CHECK_UINT_EQ(len, 0);
	free(s);

	buf_add(&b, "x\0y", 3);
	s = buf_detach(&b, NULL);
	CHECK_MEM_EQ(s, 4, "x\0y", 4);
	free(s);
}

/* Check xasprintf formats, including long and empty results. */
static void
test_xasprintf(void)
{
	char *s, *big;

	s = xasprintf("%s=%d (%zu)", "answer", 42, (size_t)7);
	CHECK_STR_EQ(s, "answer=42 (7)");
	free(s);
	s = xasprintf("%s", "");
	CHECK_STR_EQ(s, "");
	free(s);
	big = xmalloc(10001);
	memset(big, 'q', 10000);
	big[10000] = '\0';
	s = xasprintf("<%s>", big);
	CHECK_UINT_EQ(strlen(s), 10002);
	CHECK(s[0] == '<' && s[10001] == '>' && s[5000] == 'q');
	free(s);
	free(big);
}

/* Check xstrndup copies n bytes and terminates them. */
static void
test_xstrndup(void)
{
	char *s = xstrndup("abcdef", 3);

	CHECK_STR_EQ(s, "abc");
	free(s);
	s = xstrndup("abc", 0);
	CHECK_STR_EQ(s, "");
	free(s);
}

/* Check set_cause fails, tolerates NULL and replaces an earlier cause. */
static void
test_set_cause(void)
{
	char *cause = NULL;

	CHECK_INT_EQ(set_cause(NULL, "ignored %d", 1), -1);
	CHECK_INT_EQ(set_cause(&cause, "first %s", "reason"), -1);
	CHECK_STR_EQ(cause, "first reason");
	CHECK_INT_EQ(set_cause(&cause, "second %d", 2), -1);
	CHECK_STR_EQ(cause, "second 2");
	free(cause);
}

/* Check error() prints "heaplens: MESSAGE" on stderr and returns -1. */
static void
test_error(void)
{
	char got[128];
	FILE *tmp = tmpfile();
	size_t n;
	int saved, rc;

	if (!CHECK(tmp != NULL))
		return;
	fflush(stderr);
	saved = dup(2);
	dup2(fileno(tmp), 2);
	rc = error("cannot open %s: %s", "x.json", "gone");
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	CHECK_INT_EQ(rc, -1);
	rewind(tmp);
	n = fread(got, 1, sizeof got - 1, tmp);
	got[n] = '\0';
	CHECK_STR_EQ(got, "heaplens: cannot open x.json: gone\n");
	fclose(tmp);
}

struct util_outer {
	int a;
	double b;
	char inner;
};

/* Check ARRAY_SIZE and container_of. */
static void
test_macros(void)
{
	struct util_outer o;
	int arr[7];

	CHECK_UINT_EQ(ARRAY_SIZE(arr), 7);
	CHECK(container_of(&o.inner, struct util_outer, inner) == &o);
	CHECK(container_of(&o.a, struct util_outer, a) == &o);
}

const struct unit_test util_tests[] = {
	{ "empty buffer", test_buf_empty },
	{ "buffer growth", test_buf_growth },
	{ "buf_grow reserves room", test_buf_grow_reserves },
	{ "binary contents", test_buf_binary },
	{ "buf_addf", test_buf_addf },
	{ "buf_consume", test_buf_consume },
	{ "buf_reset keeps storage", test_buf_reset },
	{ "buf_detach", test_buf_detach },
	{ "xasprintf", test_xasprintf },
	{ "xstrndup", test_xstrndup },
	{ "set_cause replaces an earlier cause", test_set_cause },
	{ "error prints and fails", test_error },
	{ "ARRAY_SIZE and container_of", test_macros },
	{ NULL, NULL }
};
