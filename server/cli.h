/*
 * cli.h - the command line: one struct cmd_entry per subcommand, in its own
 * cmd-NAME.c file, listed in the table in cli.c.
 *
 * Invariants: commands print results on stdout and problems on stderr, and
 * return the exit code (0 ok, 1 findings, 2 usage or input error); only
 * main() exits.
 */
#ifndef HEAPLENS_CLI_H
#define HEAPLENS_CLI_H

struct cmd_entry {
	const char *name;
	const char *usage;	/* arguments after the command name */
	const char *summary;	/* one line for heaplens --help */
	const char *help;	/* option lines for NAME --help */
	/* Run with argv[0] the command name. */
	int (*exec)(int argc, char **argv);
};

extern const struct cmd_entry cmd_serve_entry;

/* Run the command line; returns the exit code. */
int cli_main(int argc, char **argv);

/* Print "usage: heaplens NAME USAGE" to stderr and return 2. */
int cli_usage_error(const struct cmd_entry *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Print a command's help to stdout and return 0. */
int cli_help(const struct cmd_entry *cmd);

#endif
