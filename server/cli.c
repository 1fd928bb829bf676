/*
 * cli.c - command-line dispatch, --help and --version.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "analyzers/pprof.h"
#include "analyzers/sourcemap.h"
#include "cli.h"
#include "protocol/util.h"

static const struct cmd_entry *const cli_commands[] = {
	&cmd_serve_entry,
	&cmd_lines_entry,
	&cmd_flame_entry,
	&cmd_check_entry,
	&cmd_escape_entry,
	&cmd_gctrace_entry,
	&cmd_goroutines_entry,
};

/* Print the overall help. */
static void
cli_print_help(void)
{
	size_t i;

	printf("usage: heaplens [serve] [OPTIONS]\n");
	for (i = 0; i < ARRAY_SIZE(cli_commands); i++)
		printf("       heaplens %s %s\n", cli_commands[i]->name,
		    cli_commands[i]->usage);
	printf("       heaplens --help | --version\n\n"
	    "heaplens is a language server for Go memory-leak hunting: it maps\n"
	    "pprof profiles, GC traces, escape analysis and goroutine dumps to\n"
	    "source lines for Emacs and Vim. Without a command it runs the\n"
	    "server on stdin/stdout.\n\n"
	    "Commands:\n");
	for (i = 0; i < ARRAY_SIZE(cli_commands); i++)
		printf("  %-10s %s\n", cli_commands[i]->name,
		    cli_commands[i]->summary);
	printf("\nRun 'heaplens COMMAND --help' for a command's options.\n"
	    "Exit status: 0 success, 1 findings reported, 2 usage or input "
	    "error.\n");
}

/* Print a command's help. */
int
cli_help(const struct cmd_entry *cmd)
{
	printf("usage: heaplens %s %s\n\n%s\n\n%s", cmd->name, cmd->usage,
	    cmd->summary, cmd->help);
	return 0;
}

/* Report a usage error. */
int
cli_usage_error(const struct cmd_entry *cmd, const char *fmt, ...)
{
	va_list ap;

	fputs("heaplens: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nusage: heaplens %s %s\n", cmd->name, cmd->usage);
	return 2;
}

/* Parse a command's options. */
int
cli_parse(const struct cmd_entry *cmd, int argc, char **argv,
    const struct cli_option *opts, char **positional, int *npositional)
{
	const struct cli_option *o;
	int i, rest = 0;

	*npositional = 0;
	for (i = 1; i < argc; i++) {
		if (rest || argv[i][0] != '-' || strcmp(argv[i], "-") == 0) {
			positional[(*npositional)++] = argv[i];
			continue;
		}
		if (strcmp(argv[i], "--") == 0) {
			rest = 1;
			continue;
		}
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			cli_help(cmd);
			return 1;
		}
		for (o = opts; o->name != NULL; o++)
			if (strcmp(argv[i], o->name) == 0)
				break;
		if (o->name == NULL)
			return cli_usage_error(cmd, "unknown option '%s'",
			    argv[i]);
		if (o->value == NULL) {
			*o->flag = 1;
			continue;
		}
		if (i + 1 >= argc)
			return cli_usage_error(cmd, "missing value for '%s'",
			    argv[i]);
		*o->value = argv[++i];
	}
	return 0;
}

/* Dispatch the command line. */
int
cli_main(int argc, char **argv)
{
	size_t i;

	if (argc < 2 || argv[1][0] == '-') {
		if (argc >= 2 && (strcmp(argv[1], "--help") == 0 ||
		    strcmp(argv[1], "-h") == 0)) {
			cli_print_help();
			return 0;
		}
		if (argc >= 2 && strcmp(argv[1], "--version") == 0) {
			printf("heaplens %s\n", HEAPLENS_VERSION);
			return 0;
		}
		/* No command: the options are serve's. */
		argv[0] = (char *)"serve";
		return cmd_serve_entry.exec(argc, argv);
	}
	for (i = 0; i < ARRAY_SIZE(cli_commands); i++)
		if (strcmp(argv[1], cli_commands[i]->name) == 0)
			return cli_commands[i]->exec(argc - 1, argv + 1);
	if (strcmp(argv[1], "help") == 0) {
		cli_print_help();
		return 0;
	}
	error("unknown command '%s' (see 'heaplens --help')", argv[1]);
	return 2;
}

/* Load a profile, its sample index, and a base of the same type. */
int
cli_load_profiles(const char *path, const char *index_name,
    const char *base_path, struct cli_profiles *pr, char **cause)
{
	memset(pr, 0, sizeof *pr);
	pr->p = pprof_load(path, PPROF_MAX_BYTES, cause);
	if (pr->p == NULL)
		return -1;
	pr->index = pprof_sample_index(pr->p, index_name, cause);
	if (pr->index < 0)
		return -1;
	if (base_path == NULL)
		return 0;
	pr->base = pprof_load(base_path, PPROF_MAX_BYTES, cause);
	if (pr->base == NULL)
		return -1;
	pr->base_index = pprof_sample_index(pr->base,
	    pr->p->types[pr->index].type, cause);
	return pr->base_index < 0 ? -1 : 0;
}

/* Free what cli_load_profiles loaded. */
void
cli_profiles_release(struct cli_profiles *pr)
{
	pprof_free(pr->p);
	pprof_free(pr->base);
	memset(pr, 0, sizeof *pr);
}

/* Make the source map of a command's path options. */
struct sourcemap *
cli_sourcemap(const char *trim, const char *source)
{
	const char *root = ".";

	return sourcemap_new(source != NULL ? NULL : &root,
	    source != NULL ? 0 : 1, trim, source);
}

/* Read standard input, bounded. */
int
cli_read_stdin(size_t max_bytes, struct buf *out, char **cause)
{
	char chunk[65536];
	size_t n;

	while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0) {
		if (out->len + n > max_bytes)
			return set_cause(cause, "<stdin>: more than %zu bytes",
			    max_bytes);
		buf_add(out, chunk, n);
	}
	if (ferror(stdin))
		return set_cause(cause, "<stdin>: %s", strerror(errno));
	return 0;
}

/* Return a file relative to cwd when under it. */
const char *
cli_relative(const char *file, const char *cwd)
{
	size_t n = strlen(cwd);

	if (n > 0 && strncmp(file, cwd, n) == 0 && file[n] == '/')
		return file + n + 1;
	return file;
}
