/*
 * flame-html.h - a flame graph as one self-contained HTML page: the tree
 * `heaplens flame --json` prints, drawn with no network access (no
 * external scripts, styles or fonts).
 */
#ifndef HEAPLENS_FLAME_HTML_H
#define HEAPLENS_FLAME_HTML_H

#include <stdio.h>

#include <jansson.h>

/*
 * Write the page for doc ({"sample_index", "unit", "total", "root"}, as
 * `heaplens flame --json` prints it; borrowed) to out, titled title.
 * Returns 0, or -1 with *cause set when writing failed.
 */
int flame_html_write(FILE *out, const char *title, json_t *doc,
    char **cause);

#endif
