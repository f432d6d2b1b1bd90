/* launch.h: starting and attaching to processes under ptrace. */
#ifndef UTAP_PROC_LAUNCH_H
#define UTAP_PROC_LAUNCH_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* The ptrace options every tracee gets. */
#define PROC_PTRACE_OPTIONS                                                          \
	(PTRACE_O_TRACECLONE | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |            \
	 PTRACE_O_TRACEEXEC | PTRACE_O_TRACESYSGOOD)

/* Find CMD the way execvp would. Returns 0 with the path in BUF, or
 * -errno with a message in ERR. */
int proc_find_command(const char *cmd, char *buf, size_t n, char *err, size_t errlen);

/* Fork, stop the child before exec, seize it with PROC_PTRACE_OPTIONS and
 * EXTRA, let it exec PATH with ARGV.  Returns the child pid (seized,
 * running towards its exec stop) or -errno. */
pid_t proc_launch(const char *path, char **argv, bool pin, long extra);

/* Seize every thread of PID (repeating until no new one appears) with
 * PROC_PTRACE_OPTIONS and EXTRA, and interrupt them. Stores the tids in *TIDS (malloc'd). Returns the count,
 * or -errno with a message and a hint in ERR. */
int proc_attach(pid_t pid, long extra, pid_t **tids, char *err, size_t errlen);

/* Why PID cannot be traced, for an EPERM: another tracer, Yama, uid. */
void proc_explain_eperm(pid_t pid, char *err, size_t errlen);

#endif
