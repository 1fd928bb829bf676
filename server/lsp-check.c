/*
 * lsp-check.c - the leak checks in the editor: run on open and save (and,
 * with checkOnChange, after edits settle), published as Warnings whose code
 * is the check id.
 */
#include <string.h>

#include "analyzers/leakcheck.h"
#include "config.h"
#include "lsp.h"
#include "protocol/json.h"
#include "session.h"

/* Return whether a document is Go source. */
static int
lsp_check_is_go(const struct document *d)
{
	size_t n = d->path != NULL ? strlen(d->path) : 0;

	return strcmp(d->language, "go") == 0 ||
	    (n > 3 && strcmp(d->path + n - 3, ".go") == 0);
}

/* Run the enabled leak checks on an open document and publish. */
void
lsp_check_document(struct session *s, struct document *d)
{
	json_t *flags, *v;
	int enabled[64];
	size_t i;

	if (d->real == NULL || !lsp_check_is_go(d))
		return;
	flags = json_object_get(session_settings(s, d->path), "checks");
	for (i = 0; i < leak_nchecks && i < ARRAY_SIZE(enabled); i++) {
		v = json_object_get(flags, leak_checks[i]->id);
		enabled[i] = v == NULL || json_is_true(v);
	}
	leak_findings_release(&d->leaks);
	leakcheck_file(d->path, buf_str(&d->text), d->text.len,
	    leakcheck_go_minor(d->path), enabled, &d->leaks);
	lsp_publish_file(s, d->real);
}
