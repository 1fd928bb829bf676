/*
 * present.h - JSON for analyzers' records, shared by `heaplens gctrace
 * --json` and heaplens/gcSummary. Keys are the command line's (DESIGN.md).
 */
#ifndef HEAPLENS_PRESENT_H
#define HEAPLENS_PRESENT_H

#include <jansson.h>

#include "analyzers/gctrace.h"

/* Build the JSON of a GC trace's summary (new reference). */
json_t *gctrace_json(const struct gctrace_summary *s);

#endif
