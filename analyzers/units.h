/*
 * units.h - human-readable profile values: bytes as kB/MB/GB (powers of
 * 1024, as pprof prints them), nanoseconds as us/ms/s, counts as k/M.
 */
#ifndef HEAPLENS_UNITS_H
#define HEAPLENS_UNITS_H

#include <stddef.h>
#include <stdint.h>

/*
 * Format value of unit ("bytes", "nanoseconds", "count", ...) into buf
 * ("12.0 MB", "340 ms", "3.1k") and return buf.
 */
char *units_format(int64_t value, const char *unit, char *buf, size_t size);

#endif
