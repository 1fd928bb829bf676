/*
 * driver.c - replay fuzz inputs without libFuzzer: run the target linked in
 * on every file named, or found under a directory named, and count them.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "protocol/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *driver_current;	/* the input running, for a crash */

/* Name the input that crashed the target, then die of the same signal. */
static void
driver_crash(int sig)
{
	static const char msg[] = "fuzz-replay: crashed on input ";

	if (driver_current != NULL) {
		if (write(2, msg, sizeof msg - 1) < 0 ||
		    write(2, driver_current, strlen(driver_current)) < 0 ||
		    write(2, "\n", 1) < 0)
			_exit(128 + sig);
	}
	raise(sig);
}

/* Read a whole file into b; return 0 or -1 with errno set. */
static int
driver_read(const char *path, struct buf *b)
{
	char chunk[65536];
	FILE *f = fopen(path, "rb");
	size_t n;
	int failed;

	if (f == NULL)
		return -1;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_add(b, chunk, n);
	failed = ferror(f);
	fclose(f);
	if (failed) {
		errno = EIO;
		return -1;
	}
	return 0;
}

/* Run the target on path, a file or a directory tree; count what ran. */
static void
driver_run(const char *path, unsigned *ran, unsigned *failed)
{
	struct buf b = BUF_INIT;
	struct dirent *de;
	struct stat st;
	char *sub;
	DIR *dir;

	if (stat(path, &st) != 0) {
		error("%s: %s", path, strerror(errno));
		(*failed)++;
		return;
	}
	if (S_ISDIR(st.st_mode)) {
		if ((dir = opendir(path)) == NULL) {
			error("%s: %s", path, strerror(errno));
			(*failed)++;
			return;
		}
		while ((de = readdir(dir)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			sub = xasprintf("%s/%s", path, de->d_name);
			driver_run(sub, ran, failed);
			free(sub);
		}
		closedir(dir);
		return;
	}
	if (driver_read(path, &b) != 0) {
		error("%s: %s", path, strerror(errno));
		(*failed)++;
	} else {
		driver_current = path;
		LLVMFuzzerTestOneInput((const uint8_t *)buf_str(&b), b.len);
		driver_current = NULL;
		(*ran)++;
	}
	buf_release(&b);
}

/* Replay every input given; a target that finds a bug aborts. */
int
main(int argc, char **argv)
{
	static const int signals[] = { SIGABRT, SIGSEGV, SIGBUS, SIGFPE,
	    SIGILL };
	struct sigaction sa;
	unsigned ran = 0, failed = 0;
	size_t k;
	int i;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIRECTORY...\n", argv[0]);
		return 2;
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = driver_crash;
	sa.sa_flags = SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	for (k = 0; k < ARRAY_SIZE(signals); k++)
		sigaction(signals[k], &sa, NULL);
	for (i = 1; i < argc; i++)
		driver_run(argv[i], &ran, &failed);
	printf("ran %u inputs\n", ran);
	printf("%u passed, %u failed\n", ran, failed);
	return failed == 0 ? 0 : 1;
}
