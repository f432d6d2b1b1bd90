/* backend.h: the only way into a backend: plant the probes, deliver hits,
 * detach cleanly. The ptrace backend is the only one for now. */
#ifndef UTAP_BACKEND_H
#define UTAP_BACKEND_H

#include "options.h"

/* Validate the probes against the binaries that can be known before
 * anything starts (paths, the command, the attached process's modules):
 * unknown binaries or symbols and offsets inside instructions are reported
 * here, before the target is touched. A probe with more than
 * RESOLVE_CONFIRM_ABOVE sites needs --yes, or a yes on a terminal (which
 * sets opts->yes). Returns 0 or -EINVAL (reported). */
int ptrace_backend_check(struct options *opts);

/* -S/--dry-run: print where each probe lands (module, file offset,
 * address, instruction, step mode) and its fetch plan; start nothing.
 * Returns the exit status (0, or 2 for bad input). */
int ptrace_backend_dry_run(const struct options *opts, FILE *out);

/* Launch or attach, trace until the program exits or the user stops us,
 * detach. Returns the exit status utap should exit with: the program's
 * own, 128+N if it was killed by signal N, 2 for a usage error found late,
 * 1 for an internal failure. */
int ptrace_backend_run(const struct options *opts, FILE *out);

#endif
