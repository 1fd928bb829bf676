/*
 * escape.c - placeholder until the reader lands: every input is refused.
 */
#include <string.h>

#include "analyzers/escape.h"
#include "protocol/util.h"

int
escape_parse(const char *name, const char *data, size_t len,
    struct escape_report *r, char **cause)
{
	(void)data;
	(void)len;
	memset(r, 0, sizeof *r);
	return set_cause(cause, "%s: escape output is not read yet", name);
}

int
escape_load(const char *path, size_t max_bytes, struct escape_report *r,
    char **cause)
{
	return escape_parse(path, NULL, max_bytes, r, cause);
}

void
escape_release(struct escape_report *r)
{
	memset(r, 0, sizeof *r);
}

enum escape_category
escape_kind_category(const char *kind)
{
	(void)kind;
	return ESCAPE_CAT_OTHER;
}

const char *
escape_category_name(enum escape_category c)
{
	(void)c;
	return "other";
}
