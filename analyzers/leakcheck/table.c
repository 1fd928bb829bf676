/*
 * table.c - the list of leak checks. Adding a check is adding its file and
 * one row here.
 */
#include "analyzers/leakcheck.h"
#include "protocol/util.h"

extern const struct leak_check leak_defer_in_loop;

const struct leak_check *const leak_checks[] = {
	&leak_defer_in_loop,
};

const size_t leak_nchecks = ARRAY_SIZE(leak_checks);
