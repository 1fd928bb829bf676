/*
 * test-uri.c - unit tests for protocol/uri.c: file URIs to paths and back.
 */
#include <stdlib.h>
#include <string.h>

#include "protocol/uri.h"
#include "unit.h"

/* Check uri decodes to path. */
static void
uri_expect(const char *uri, const char *path)
{
	char *cause = NULL, *got = uri_to_path(uri, &cause);

	if (!CHECK_STR_EQ(got, path))
		unit_note("uri %s: %s", uri, cause != NULL ? cause : "-");
	CHECK_NULL(cause);
	free(got);
	free(cause);
}

/* Check uri is refused with a cause containing want. */
static void
uri_refuse(const char *uri, const char *want)
{
	char *cause = NULL, *got = uri_to_path(uri, &cause);

	if (!CHECK_NULL(got) || !CHECK_STR_CONTAINS(cause, want))
		unit_note("uri %s", uri);
	free(got);
	free(cause);
}

/* Check plain file URIs. */
static void
test_plain(void)
{
	uri_expect("file:///a/b", "/a/b");
	uri_expect("file:///", "/");
	uri_expect("file:///home/u/go/src/main.go", "/home/u/go/src/main.go");
	uri_expect("FILE:///a", "/a");
	uri_expect("file:////double//slash/", "//double//slash/");
}

/* Check percent-decoding, either case of hex digit. */
static void
test_percent(void)
{
	uri_expect("file:///a%20b", "/a b");
	uri_expect("file:///c%3A/x", "/c:/x");
	uri_expect("file:///c%3a/x", "/c:/x");
	uri_expect("file:///caf%C3%A9", "/caf\xc3\xa9");
	uri_expect("file:///caf%c3%a9", "/caf\xc3\xa9");
	uri_expect("file:///100%25", "/100%");
	uri_expect("file:///a%2Fb", "/a/b");
	uri_expect("file:///%E6%BC%A2/%F0%9F%98%80", "/\xe6\xbc\xa2/"
	    "\xf0\x9f\x98\x80");
	uri_expect("file:///raw\xc3\xa9", "/raw\xc3\xa9");
}

/* Check the localhost authority is accepted and other hosts refused. */
static void
test_authority(void)
{
	uri_expect("file://localhost/x", "/x");
	uri_expect("file://LocalHost/x/y", "/x/y");
	uri_refuse("file://server/share/x", "file URI names another host");
	uri_refuse("file://otherhost/x", "file URI names another host");
	uri_refuse("file://localhost.example.com/x",
	    "file URI names another host");
	uri_refuse("file://localhos/x", "file URI names another host");
	uri_refuse("file://user@localhost/x", "file URI names another host");
	uri_refuse("file://localhost", "file URI has no path");
	uri_refuse("file://", "file URI has no path");
}

/* Check other schemes are refused. */
static void
test_schemes(void)
{
	uri_refuse("http://example.com/a", "not a file URI");
	uri_refuse("untitled:Untitled-1", "not a file URI");
	uri_refuse("/a/b", "not a file URI");
	uri_refuse("", "not a file URI");
	uri_refuse("files:///a", "not a file URI");
	uri_refuse("file:", "not a file URI");
}

/* Check malformed escapes and escaped NUL bytes are refused. */
static void
test_bad_escapes(void)
{
	uri_refuse("file:///a%G1", "bad percent-escape");
	uri_refuse("file:///a%1G", "bad percent-escape");
	uri_refuse("file:///a%", "bad percent-escape");
	uri_refuse("file:///a%2", "bad percent-escape");
	uri_refuse("file:///a%%41", "bad percent-escape");
	uri_refuse("file:///a%00b", "URI encodes a NUL byte");
	uri_refuse("file:///a%2G%00", "bad percent-escape");
}

/* Check the query and fragment are dropped. */
static void
test_query_fragment(void)
{
	uri_expect("file:///a/b?x=1", "/a/b");
	uri_expect("file:///a/b#frag", "/a/b");
	uri_expect("file:///a/b?q#f", "/a/b");
	uri_expect("file:///a%23b#c", "/a#b");
	uri_expect("file:///a%3Fb?c", "/a?b");
	uri_expect("file:///a?%zz", "/a");
}

/* Check a cause is optional and a refusal replaces an earlier cause. */
static void
test_cause(void)
{
	char *cause = xstrdup("earlier");

	CHECK_NULL(uri_to_path("http://x/", NULL));
	CHECK_NULL(uri_to_path("file:///a%zz", NULL));
	CHECK_NULL(uri_to_path("file:///a%zz", &cause));
	CHECK_STR_EQ(cause, "bad percent-escape in URI: file:///a%zz");
	free(cause);
}

/* Check uri_from_path encodes path into the URI wanted. */
static void
uri_expect_encoded(const char *path, const char *uri)
{
	char *got = uri_from_path(path);

	CHECK_STR_EQ(got, uri);
	free(got);
}

/* Check what uri_from_path encodes and what it keeps. */
static void
test_from_path(void)
{
	uri_expect_encoded("/a/b", "file:///a/b");
	uri_expect_encoded("/", "file:///");
	uri_expect_encoded("/a b", "file:///a%20b");
	uri_expect_encoded("/c:/x", "file:///c%3A/x");
	uri_expect_encoded("/a#b", "file:///a%23b");
	uri_expect_encoded("/a?b", "file:///a%3Fb");
	uri_expect_encoded("/100%", "file:///100%25");
	uri_expect_encoded("/caf\xc3\xa9", "file:///caf%C3%A9");
	uri_expect_encoded("/Az09-._~", "file:///Az09-._~");
	uri_expect_encoded("/+@!$&'()*,;=", "file:///%2B%40%21%24%26%27%28"
	    "%29%2A%2C%3B%3D");
	uri_expect_encoded("/\x01\x7f\xff", "file:///%01%7F%FF");
}

/* Check awkward paths survive the trip to a URI and back. */
static void
test_round_trip(void)
{
	static const char *paths[] = {
		"/", "/a b/c d", "/100%/x%20y", "/a?b#c", "/c:/Windows",
		"/\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e/file.go",
		"/\x01\x1f\x7f\x80\xff", "/a+b=c&d;e,f@g$h!i'j(k)*l",
		"/trailing/", "//double//slash", "/tab\there", "/new\nline",
		"/%00", "/..", "/emoji/\xf0\x9f\x98\x80.go", "/[brackets]{}",
	};
	char *uri, *back, *cause;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(paths); i++) {
		cause = NULL;
		uri = uri_from_path(paths[i]);
		back = uri_to_path(uri, &cause);
		if (!CHECK_STR_EQ(back, paths[i]))
			unit_note("via %s: %s", uri, cause ? cause : "-");
		free(uri);
		free(back);
		free(cause);
	}
}

const struct unit_test uri_tests[] = {
	{ "plain file URIs", test_plain },
	{ "percent-decoding", test_percent },
	{ "authority", test_authority },
	{ "other schemes refused", test_schemes },
	{ "bad escapes refused", test_bad_escapes },
	{ "query and fragment dropped", test_query_fragment },
	{ "cause handling", test_cause },
	{ "uri_from_path encoding", test_from_path },
	{ "round trip", test_round_trip },
	{ NULL, NULL }
};
