/*
 * log.h - the daemon's own log: a file given with --log, else stderr.
 *
 * Invariants: logging never fails the caller. Without --log only warnings
 * reach stderr (an editor shows the server's stderr in its own log buffer);
 * with --log every level is written, each line stamped with the time.
 */
#ifndef HEAPLENS_LOG_H
#define HEAPLENS_LOG_H

#include "protocol/util.h"

/* Open path for appending as the log. Returns 0 or -1 with *cause set. */
int log_open(const char *path, char **cause);
void log_close(void);

void log_debug(const char *fmt, ...) PRINTFLIKE(1, 2);
void log_info(const char *fmt, ...) PRINTFLIKE(1, 2);
void log_warn(const char *fmt, ...) PRINTFLIKE(1, 2);

#endif
