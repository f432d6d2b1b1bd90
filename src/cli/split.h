/* split.h: split a command line into words the way a POSIX shell would
 * (quotes, backslashes), without running a shell or expanding anything. */
#ifndef UTAP_CLI_SPLIT_H
#define UTAP_CLI_SPLIT_H

#include <stddef.h>

/* Returns 0 and a NULL-terminated malloc'd vector in *ARGV (free with
 * cli_split_free), or -EINVAL with "unterminated quote at column N" in ERR. */
int cli_split(const char *line, char ***argv, int *argc, char *err, size_t errlen);
void cli_split_free(char **argv);

#endif
