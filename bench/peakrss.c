/*
 * peakrss - run a command and write its peak resident set size, in KiB,
 * to a file: what `/usr/bin/time -f %M -o FILE` does, for machines
 * without GNU time. bench/run builds it into build/bench/ only when
 * /usr/bin/time is missing.
 *
 *   peakrss FILE COMMAND [ARG...]
 *
 * wait4()'s ru_maxrss covers the command and every descendant it waited
 * for (the largest of them, not their sum), as GNU time's %M does, so
 * `go tool pprof` counts the pprof binary it runs. Exits with the
 * command's status.
 */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	struct rusage ru;
	FILE *f;
	pid_t pid;
	int status;

	if (argc < 3) {
		fprintf(stderr, "usage: peakrss FILE COMMAND [ARG...]\n");
		return 2;
	}
	pid = fork();
	if (pid < 0) {
		perror("peakrss: fork");
		return 2;
	}
	if (pid == 0) {
		execvp(argv[2], argv + 2);
		perror(argv[2]);
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) < 0) {
		perror("peakrss: wait4");
		return 2;
	}
	f = fopen(argv[1], "w");
	if (f == NULL) {
		perror(argv[1]);
		return 2;
	}
	fprintf(f, "%ld\n", ru.ru_maxrss);
	if (fclose(f) != 0) {
		perror(argv[1]);
		return 2;
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}
