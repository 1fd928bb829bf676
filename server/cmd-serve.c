/*
 * cmd-serve.c - heaplens serve: run the language server.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "log.h"
#include "server.h"

static int cmd_serve_exec(int argc, char **argv);

const struct cmd_entry cmd_serve_entry = {
	.name = "serve",
	.usage = "[--stdio | --listen HOST:PORT | --listen unix:PATH] "
	    "[--log FILE] [--max-message BYTES]",
	.summary = "run the language server (the default command)",
	.help =
	    "  --stdio              speak LSP on stdin and stdout (the default);\n"
	    "                       exits when the client sends exit (status 0\n"
	    "                       after shutdown, 1 without) or closes stdin (0)\n"
	    "  --listen HOST:PORT   accept any number of clients on a TCP socket,\n"
	    "                       each its own session (use 127.0.0.1: clients\n"
	    "                       can make the server read workspace files);\n"
	    "                       port 0 picks a free port, printed on stderr\n"
	    "  --listen unix:PATH   the same on a unix socket, created mode 0600\n"
	    "  --log FILE           append a timestamped log of every session to\n"
	    "                       FILE (without it only warnings go to stderr)\n"
	    "  --max-message BYTES  refuse messages larger than BYTES (default\n"
	    "                       67108864); the session goes on\n",
	.exec = cmd_serve_exec,
};

/* Parse serve's options and run the server. */
static int
cmd_serve_exec(int argc, char **argv)
{
	struct server_options opt = { NULL, FRAME_MAX_BODY };
	const char *log_path = NULL, *max = NULL;
	char *cause = NULL, *end, **args;
	unsigned long long n;
	int stdio = 0, nargs, code;
	const struct cli_option opts[] = {
		{ "--stdio", NULL, &stdio },
		{ "--listen", &opt.listen, NULL },
		{ "--log", &log_path, NULL },
		{ "--max-message", &max, NULL },
		{ NULL, NULL, NULL }
	};

	args = xcalloc((size_t)argc, sizeof *args);
	code = cli_parse(&cmd_serve_entry, argc, argv, opts, args, &nargs);
	if (code == 0 && nargs > 0)
		code = cli_usage_error(&cmd_serve_entry,
		    "unexpected argument '%s'", args[0]);
	free(args);
	if (code != 0)
		return code == 1 ? 0 : code;
	if (stdio)
		opt.listen = NULL;
	if (max != NULL) {
		errno = 0;
		n = strtoull(max, &end, 10);
		if (errno != 0 || *end != '\0' || n < 64 ||
		    n > FRAME_MAX_LENGTH)
			return cli_usage_error(&cmd_serve_entry,
			    "--max-message wants a byte count from 64 to "
			    "4294967296, not '%s'", max);
		opt.max_message = (size_t)n;
	}
	if (log_path != NULL && log_open(log_path, &cause) != 0) {
		error("%s", cause);
		free(cause);
		return 2;
	}
	log_info("heaplens %s starting on %s", HEAPLENS_VERSION,
	    opt.listen != NULL ? opt.listen : "stdio");
	code = server_run(&opt);
	log_info("heaplens stopping (exit code %d)", code);
	log_close();
	return code;
}
