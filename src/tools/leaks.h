/* leaks.h: `utap leaks`: malloc/free leak and double-free detection. */
#ifndef UTAP_TOOLS_LEAKS_H
#define UTAP_TOOLS_LEAKS_H

/* Run `utap leaks ARGS` (ARGV[0] is "leaks").  Returns utap's exit status:
 * the program's own, 2 for bad input, 1 for an internal failure. */
int leaks_main(int argc, char **argv);

#endif
