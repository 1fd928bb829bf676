/*
 * main.c - the entry point; everything else is in libheaplens so that tests
 * and fuzzers link it.
 */
#include "cli.h"

int
main(int argc, char **argv)
{
	return cli_main(argc, argv);
}
