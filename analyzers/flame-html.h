/*
 * flame-html.h - write a flame tree as one self-contained HTML page: an
 * icicle graph with click to zoom, search and each node's file:line.
 *
 * Invariants: the page loads nothing (no scripts, styles, fonts or images
 * from anywhere; a Content-Security-Policy forbids it), so it can be mailed
 * or archived as one file. The tree is embedded as JSON that no function
 * or file name can break out of: every '<', '>' and '&' and every '/' in it
 * is escaped, so "</script>" or "<!--" in a name stays data.
 */
#ifndef HEAPLENS_FLAME_HTML_H
#define HEAPLENS_FLAME_HTML_H

#include <stdio.h>

#include <jansson.h>

/*
 * Write the page for doc (borrowed) to out. doc is the document of
 * `heaplens flame --json`: {sample_index, unit, total, root: NODE}, NODE
 * {name, value, self, file?, line?, resolved?, children: [NODE...]}; values
 * may be negative (a diff against a base). title (may be NULL) names the
 * page. The page draws nodes under 0.1% of the view as nothing, so trees of
 * thousands of nodes stay fast.
 *
 * Opening the page with a fragment "#selftest=ACTION,ACTION..." runs the
 * actions after drawing and writes the outcome as JSON into the element
 * with id "selftest", for headless browser tests; see flame-html.c.
 *
 * Returns 0, or -1 with *cause set when writing to out failed. out is
 * flushed, not closed.
 */
int flame_html_write(FILE *out, const char *title, json_t *doc, char **cause);

#endif
