/*
 * package.c - the other Go files of the checked file's directory, read
 * once per package when a check first asks for them.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analyzers/leakcheck/internal.h"
#include "protocol/util.h"

#define LEAK_MAX_SIBLING (4u << 20)

/* Start a package. */
void
leak_package_init(struct leak_package *pkg, const char *dir)
{
	memset(pkg, 0, sizeof *pkg);
	pkg->dir = xstrdup(dir);
}

/* Free a package. */
void
leak_package_release(struct leak_package *pkg)
{
	size_t i;

	for (i = 0; i < pkg->n; i++) {
		free(pkg->files[i].path);
		free(pkg->files[i].text);
	}
	free(pkg->files);
	free(pkg->dir);
	memset(pkg, 0, sizeof *pkg);
}

/*
 * Read a regular file of at most LEAK_MAX_SIBLING bytes; NULL for anything
 * else (a FIFO named *.go must not block the server).
 */
static char *
leak_read_small(const char *path, size_t *len)
{
	struct buf b = BUF_INIT;
	char chunk[65536];
	struct stat st;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_NONBLOCK);

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > (off_t)LEAK_MAX_SIBLING) {
		close(fd);
		return NULL;
	}
	while ((n = read(fd, chunk, sizeof chunk)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || b.len + (size_t)n > LEAK_MAX_SIBLING) {
			close(fd);
			buf_release(&b);
			return NULL;
		}
		buf_add(&b, chunk, (size_t)n);
	}
	close(fd);
	return buf_detach(&b, len);
}

/* Read the package's files on first use. */
static void
leak_package_load(struct leak_package *pkg)
{
	struct leak_sibling *s;
	struct dirent *d;
	size_t n;
	char *path, *text;
	DIR *dp;

	pkg->loaded = 1;
	dp = opendir(pkg->dir[0] != '\0' ? pkg->dir : ".");
	if (dp == NULL)
		return;
	while ((d = readdir(dp)) != NULL) {
		n = strlen(d->d_name);
		if (n < 4 || strcmp(d->d_name + n - 3, ".go") != 0 ||
		    d->d_name[0] == '.' || d->d_name[0] == '_')
			continue;
		/* "" is the current directory: its files are bare names. */
		path = pkg->dir[0] != '\0' ? xasprintf("%s/%s", pkg->dir,
		    d->d_name) : xstrdup(d->d_name);
		text = leak_read_small(path, &n);
		if (text == NULL) {
			free(path);
			continue;
		}
		pkg->files = xrealloc(pkg->files,
		    (pkg->n + 1) * sizeof *pkg->files);
		s = &pkg->files[pkg->n++];
		s->path = path;
		s->text = text;
		s->len = n;
	}
	closedir(dp);
}

/* Return the package's files. */
const struct leak_sibling *
leak_package_files(struct leak_ctx *ctx, size_t *n)
{
	*n = 0;
	if (ctx->pkg == NULL)
		return NULL;
	if (!ctx->pkg->loaded)
		leak_package_load(ctx->pkg);
	*n = ctx->pkg->n;
	return ctx->pkg->files;
}

/* Return whether a package file is the one being checked. */
int
leak_sibling_is_self(const struct leak_ctx *ctx, const struct leak_sibling *s)
{
	const char *a = strrchr(ctx->path, '/'), *b = strrchr(s->path, '/');

	a = a != NULL ? a + 1 : ctx->path;
	b = b != NULL ? b + 1 : s->path;
	return strcmp(a, b) == 0;
}
