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

#include <stddef.h>

struct cmd_entry {
	const char *name;
	const char *usage;	/* arguments after the command name */
	const char *summary;	/* one line for heaplens --help */
	const char *help;	/* option lines for NAME --help */
	/* Run with argv[0] the command name. */
	int (*exec)(int argc, char **argv);
};

/* One option of a command: a flag (flag set) or one taking a value. */
struct cli_option {
	const char *name;	/* "--sample-index" */
	const char **value;	/* receives the value, or NULL for a flag */
	int *flag;		/* set to 1 when a flag is given */
};

/*
 * Parse argv[1..argc) against opts (ended by a { NULL } row); the other
 * arguments are collected in positional (an array of argc entries the caller
 * provides) and counted in *npositional. Returns 0; 1 after printing the
 * command's help for --help (the command returns 0); or 2 after a usage
 * error on stderr (the command returns 2).
 */
int cli_parse(const struct cmd_entry *cmd, int argc, char **argv,
    const struct cli_option *opts, char **positional, int *npositional);

extern const struct cmd_entry cmd_serve_entry;
extern const struct cmd_entry cmd_lines_entry;
extern const struct cmd_entry cmd_flame_entry;
extern const struct cmd_entry cmd_check_entry;
extern const struct cmd_entry cmd_escape_entry;
extern const struct cmd_entry cmd_gctrace_entry;
extern const struct cmd_entry cmd_goroutines_entry;

/* Run the command line; returns the exit code. */
int cli_main(int argc, char **argv);

/* Print "usage: heaplens NAME USAGE" to stderr and return 2. */
int cli_usage_error(const struct cmd_entry *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

struct pprof_profile;

/*
 * A profile named on the command line, with the sample index asked for
 * (NULL: its default) and, when base_path is given, a base profile and the
 * base's index of the same sample type, for commands that show a
 * difference (lines, flame).
 */
struct cli_profiles {
	struct pprof_profile *p;
	int index;
	struct pprof_profile *base;	/* or NULL */
	int base_index;
};

/*
 * Load path (and base_path) into pr. Returns 0, or -1 with *cause naming
 * the file and the reason; release pr either way.
 */
int cli_load_profiles(const char *path, const char *index_name,
    const char *base_path, struct cli_profiles *pr, char **cause);
void cli_profiles_release(struct cli_profiles *pr);

struct sourcemap;

/*
 * The source map of --trim-path and --source-path: without --source-path,
 * the current directory is the workspace. Free with sourcemap_free.
 */
struct sourcemap *cli_sourcemap(const char *trim, const char *source);

struct buf;

/*
 * Read standard input whole into out, at most max_bytes. Returns 0, or -1
 * with *cause ("<stdin>: ...").
 */
int cli_read_stdin(size_t max_bytes, struct buf *out, char **cause);

/*
 * Return file for display: relative to the directory cwd when it lies
 * under it (cwd "" leaves it as it is). Borrowed from file.
 */
const char *cli_relative(const char *file, const char *cwd);

/* Print a command's help to stdout and return 0. */
int cli_help(const struct cmd_entry *cmd);

#endif
