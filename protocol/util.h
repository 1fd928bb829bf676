/*
 * util.h - the base layer every other directory links: allocation that never
 * returns NULL, a growable byte buffer, and error reporting.
 *
 * Invariants:
 * - x*alloc() either returns memory or terminates the process with a message:
 *   running out of memory is the one failure heaplens does not recover from.
 * - A struct buf always holds a NUL-terminated string (data[len] == '\0') once
 *   anything was added; an initialised, empty buf has data == NULL and len 0,
 *   and buf_str() gives "" for it.
 * - error() prints "heaplens: MESSAGE" on stderr and returns -1, so that
 *   `return error(...)` both reports and fails.
 */
#ifndef HEAPLENS_UTIL_H
#define HEAPLENS_UTIL_H

#include <stdarg.h>
#include <stddef.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define container_of(ptr, type, member) \
	((type *)(void *)((char *)(ptr) - offsetof(type, member)))

#if defined(__GNUC__)
#define PRINTFLIKE(f, a) __attribute__((format(printf, f, a)))
#define NORETURN __attribute__((noreturn))
#else
#define PRINTFLIKE(f, a)
#define NORETURN
#endif

/* Allocate; never returns NULL (terminates on out-of-memory). */
void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* Return a new string formatted like printf(); the caller frees it. */
char *xasprintf(const char *fmt, ...) PRINTFLIKE(1, 2);
char *xvasprintf(const char *fmt, va_list ap) PRINTFLIKE(1, 0);

/*
 * Store a new formatted message in *cause (if cause is not NULL) and return
 * -1. Any previous *cause is freed. For functions whose callers decide how to
 * report the failure.
 */
int set_cause(char **cause, const char *fmt, ...) PRINTFLIKE(2, 3);

/* Print "heaplens: MESSAGE" to stderr and return -1. */
int error(const char *fmt, ...) PRINTFLIKE(1, 2);

/* Report a fatal internal failure and terminate. Only for out-of-memory. */
NORETURN void fatal(const char *fmt, ...) PRINTFLIKE(1, 2);

/* A growable byte buffer; embed it and use buf_init()/buf_release(). */
struct buf {
	char *data;
	size_t len;
	size_t cap;
};

#define BUF_INIT { NULL, 0, 0 }

void buf_init(struct buf *b);
void buf_release(struct buf *b);
/* Make room for at least extra more bytes (plus the terminating NUL). */
void buf_grow(struct buf *b, size_t extra);
void buf_add(struct buf *b, const void *data, size_t len);
void buf_adds(struct buf *b, const char *s);
void buf_addc(struct buf *b, char c);
void buf_addf(struct buf *b, const char *fmt, ...) PRINTFLIKE(2, 3);
/* Drop the first n bytes (n <= len). */
void buf_consume(struct buf *b, size_t n);
void buf_reset(struct buf *b);
/* Return the contents as a string; never NULL. Borrowed. */
const char *buf_str(const struct buf *b);
/* Hand the contents over as a new string and leave b empty. */
char *buf_detach(struct buf *b, size_t *len);

/* Return the last element of a path (after its last '/'), borrowed. */
const char *path_base(const char *path);

/* read_file() flags. */
enum {
	READ_NOFOLLOW = 0x1		/* refuse a symbolic link */
};

/*
 * Append the whole of a regular file to out, at most max_bytes. Anything
 * else (a directory; a FIFO, whose opening never waits for a writer), a
 * bigger file, or a read error gives -1 with *cause naming the path and
 * the reason ("PATH: file of N bytes exceeds the limit of M bytes").
 */
int read_file(const char *path, size_t max_bytes, int flags, struct buf *out,
    char **cause);

#endif
