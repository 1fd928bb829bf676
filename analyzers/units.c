/*
 * units.c - scale profile values for people.
 */
#include <stdio.h>
#include <string.h>

#include "analyzers/units.h"

/* Format v / scale with one decimal below 100, none above. */
static void
units_scaled(char *buf, size_t size, double v, const char *suffix, int space)
{
	double a = v < 0 ? -v : v;

	snprintf(buf, size, a >= 100 || a == (double)(long long)a ?
	    "%.0f%s%s" : "%.1f%s%s", v, space ? " " : "", suffix);
}

/* Format a profile value with its unit. */
char *
units_format(int64_t value, const char *unit, char *buf, size_t size)
{
	static const char *bytes[] = { "B", "kB", "MB", "GB", "TB" };
	double v = (double)value, a = v < 0 ? -v : v;
	size_t i = 0;

	if (strcmp(unit, "bytes") == 0) {
		while (a >= 1024 && i + 1 < sizeof bytes / sizeof bytes[0]) {
			a /= 1024;
			v /= 1024;
			i++;
		}
		units_scaled(buf, size, v, bytes[i], 1);
	} else if (strcmp(unit, "nanoseconds") == 0) {
		if (a >= 1e9)
			units_scaled(buf, size, v / 1e9, "s", 1);
		else if (a >= 1e6)
			units_scaled(buf, size, v / 1e6, "ms", 1);
		else if (a >= 1e3)
			units_scaled(buf, size, v / 1e3, "us", 1);
		else
			units_scaled(buf, size, v, "ns", 1);
	} else {
		if (a >= 1e9)
			units_scaled(buf, size, v / 1e9, "G", 0);
		else if (a >= 1e6)
			units_scaled(buf, size, v / 1e6, "M", 0);
		else if (a >= 1e4)
			units_scaled(buf, size, v / 1e3, "k", 0);
		else
			snprintf(buf, size, "%lld", (long long)value);
	}
	return buf;
}
