/*
 * uri.c - percent-decoding and encoding of file URIs (RFC 3986, RFC 8089).
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "uri.h"
#include "util.h"

/* Return the value of a hex digit, or -1. */
static int
uri_hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode a file URI into a path. */
char *
uri_to_path(const char *uri, char **cause)
{
	struct buf path = BUF_INIT;
	const char *p, *auth;
	int hi, lo;

	if (strncasecmp(uri, "file://", 7) != 0) {
		set_cause(cause, "not a file URI: %.80s", uri);
		return NULL;
	}
	auth = uri + 7;
	p = strchr(auth, '/');
	if (p == NULL) {
		set_cause(cause, "file URI has no path: %.80s", uri);
		return NULL;
	}
	if (p != auth && !((size_t)(p - auth) == 9 &&
	    strncasecmp(auth, "localhost", 9) == 0)) {
		set_cause(cause, "file URI names another host: %.80s", uri);
		return NULL;
	}
	for (; *p != '\0' && *p != '?' && *p != '#'; p++) {
		if (*p != '%') {
			buf_addc(&path, *p);
			continue;
		}
		hi = uri_hex(p[1]);
		lo = hi < 0 ? -1 : uri_hex(p[2]);
		if (hi < 0 || lo < 0) {
			set_cause(cause, "bad percent-escape in URI: %.80s", uri);
			goto fail;
		}
		if (hi == 0 && lo == 0) {
			set_cause(cause, "URI encodes a NUL byte: %.80s", uri);
			goto fail;
		}
		buf_addc(&path, (char)(hi << 4 | lo));
		p += 2;
	}
	return buf_detach(&path, NULL);

fail:
	buf_release(&path);
	return NULL;
}

/* Encode an absolute path as a file URI. */
char *
uri_from_path(const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	struct buf uri = BUF_INIT;
	const unsigned char *p;

	buf_adds(&uri, "file://");
	for (p = (const unsigned char *)path; *p != '\0'; p++) {
		if (isalnum(*p) || strchr("-._~/", *p) != NULL) {
			buf_addc(&uri, (char)*p);
		} else {
			buf_addc(&uri, '%');
			buf_addc(&uri, hex[*p >> 4]);
			buf_addc(&uri, hex[*p & 15]);
		}
	}
	return buf_detach(&uri, NULL);
}
