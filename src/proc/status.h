/* status.h: fields of /proc/PID/status (tracer, owner, signal masks), and the
 * CPU a thread last ran on. */
#ifndef UTAP_PROC_STATUS_H
#define UTAP_PROC_STATUS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The value of FIELD ("TracerPid", "Uid") of process or thread PID, as
 * text, in OUT. Returns 0, or -ENOENT (no such field, or no such process). */
int proc_status_field(pid_t pid, const char *field, char *out, size_t n);

/* A signal mask field ("SigPnd", "SigCgt"): bit N-1 is signal N.
 * Returns 0, or -ENOENT. */
int proc_status_sigmask(pid_t pid, const char *field, uint64_t *mask);

/* The CPU thread TID last ran on (/proc/TID/stat's "processor"), or -1. */
int proc_thread_cpu(pid_t tid);

#endif
