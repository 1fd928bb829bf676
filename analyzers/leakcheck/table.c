/*
 * table.c - the list of leak checks. Adding a check is adding its file and
 * one row here.
 */
#include "analyzers/leakcheck.h"
#include "protocol/util.h"

extern const struct leak_check leak_body_not_closed;
extern const struct leak_check leak_defer_before_err_check;
extern const struct leak_check leak_ticker_not_stopped;
extern const struct leak_check leak_tick_leak;
extern const struct leak_check leak_after_in_loop;
extern const struct leak_check leak_lost_cancel;
extern const struct leak_check leak_defer_in_loop;
extern const struct leak_check leak_rows_not_closed;
extern const struct leak_check leak_file_not_closed;
extern const struct leak_check leak_goroutine_blocked_send;
extern const struct leak_check leak_range_never_closed;
extern const struct leak_check leak_goroutine_no_exit;
extern const struct leak_check leak_wg_add_in_goroutine;
extern const struct leak_check leak_context_growth_in_loop;
extern const struct leak_check leak_global_map_growth;

/* In the order of shared/LEAK-PATTERNS.md. */
const struct leak_check *const leak_checks[] = {
	&leak_body_not_closed,
	&leak_defer_before_err_check,
	&leak_ticker_not_stopped,
	&leak_tick_leak,
	&leak_after_in_loop,
	&leak_lost_cancel,
	&leak_defer_in_loop,
	&leak_rows_not_closed,
	&leak_file_not_closed,
	&leak_goroutine_blocked_send,
	&leak_range_never_closed,
	&leak_goroutine_no_exit,
	&leak_wg_add_in_goroutine,
	&leak_context_growth_in_loop,
	&leak_global_map_growth,
};

_Static_assert(ARRAY_SIZE(leak_checks) <= LEAK_MAX_CHECKS,
    "more checks than LEAK_MAX_CHECKS");

const size_t leak_nchecks = ARRAY_SIZE(leak_checks);
