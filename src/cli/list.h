/* list.h: -l/-L, listing what can be probed in a binary (like stap -l/-L). */
#ifndef UTAP_CLI_LIST_H
#define UTAP_CLI_LIST_H

#include "options.h"

/* List what opts->list_pattern ('BIN:PATTERN') matches on stdout.
 * Returns the exit status: 0, or 2 after a "utap: ..." message. */
int list_run(const struct options *opts);

#endif
