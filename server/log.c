/*
 * log.c - timestamped log lines to a file or, for warnings, to stderr.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "log.h"

static FILE *log_file;

/* Open the log file. */
int
log_open(const char *path, char **cause)
{
	FILE *f = fopen(path, "a");

	if (f == NULL)
		return set_cause(cause, "cannot open log file %s: %s", path,
		    strerror(errno));
	setvbuf(f, NULL, _IOLBF, 0);
	log_close();
	log_file = f;
	return 0;
}

/* Close the log file, if any. */
void
log_close(void)
{
	if (log_file != NULL)
		fclose(log_file);
	log_file = NULL;
}

/* Write one line at a level. */
static void
log_vwrite(const char *level, int warning, const char *fmt, va_list ap)
{
	struct timeval tv;
	struct tm tm;
	char stamp[32];
	FILE *f = log_file;

	if (f == NULL) {
		if (!warning)
			return;
		f = stderr;
	}
	gettimeofday(&tv, NULL);
	localtime_r(&tv.tv_sec, &tm);
	strftime(stamp, sizeof stamp, "%H:%M:%S", &tm);
	fprintf(f, "%s.%03ld heaplens %s: ", stamp, (long)tv.tv_usec / 1000,
	    level);
	vfprintf(f, fmt, ap);
	fputc('\n', f);
}

/* Log a debugging detail. */
void
log_debug(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vwrite("debug", 0, fmt, ap);
	va_end(ap);
}

/* Log an event. */
void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vwrite("info", 0, fmt, ap);
	va_end(ap);
}

/* Log a problem. */
void
log_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vwrite("warning", 1, fmt, ap);
	va_end(ap);
}
