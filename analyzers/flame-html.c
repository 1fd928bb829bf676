/*
 * flame-html.c - PLACEHOLDER: a trivial page that only embeds the tree's
 * JSON, so that `heaplens flame --html` builds and runs; the real page
 * (icicle view, zoom, search) replaces this file.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "analyzers/flame-html.h"
#include "protocol/util.h"

/* Write s with HTML's special characters escaped. */
static void
flame_html_text(FILE *out, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '<')
			fputs("&lt;", out);
		else if (*s == '>')
			fputs("&gt;", out);
		else if (*s == '&')
			fputs("&amp;", out);
		else if (*s == '"')
			fputs("&quot;", out);
		else
			fputc(*s, out);
	}
}

/* Write the placeholder page. */
int
flame_html_write(FILE *out, const char *title, json_t *doc, char **cause)
{
	/* Escaped slashes: "</script>" cannot appear inside the data. */
	char *json = json_dumps(doc, JSON_COMPACT | JSON_ESCAPE_SLASH);

	if (json == NULL)
		return set_cause(cause, "cannot serialise the flame graph");
	fputs("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>",
	    out);
	flame_html_text(out, title);
	fputs("</title></head>\n<body><h1>", out);
	flame_html_text(out, title);
	fputs("</h1>\n<script type=\"application/json\" id=\"flame-data\">",
	    out);
	fputs(json, out);
	fputs("</script>\n</body></html>\n", out);
	free(json);
	if (ferror(out))
		return set_cause(cause, "%s", strerror(errno ? errno : EIO));
	return 0;
}
