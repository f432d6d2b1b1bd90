/* backend.h: the only way into a backend: plant the probes, deliver hits,
 * detach cleanly.  The ptrace backend is the default; the uprobe backend
 * hands the same probes to the kernel through tracefs (--backend=uprobe). */
#ifndef UTAP_BACKEND_H
#define UTAP_BACKEND_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "options.h"

struct probe_hit;
struct arch_mem;
struct arch_regs;

enum backend_life { LIFE_PROCESS_BEGIN, LIFE_PROCESS_END, LIFE_THREAD_BEGIN, LIFE_THREAD_END };

/* Why a snapshot is taken. */
enum backend_snapshot_why {
	SNAPSHOT_EXIT,   /* the main process is exiting (its last thread's exit stop) */
	SNAPSHOT_DETACH, /* utap is about to detach (Ctrl-C, SIGTERM, --duration, exit()) */
	SNAPSHOT_ASKED,  /* backend_request_snapshot() */
};

/* The main process, every thread of it stopped: its memory and each live
 * thread's registers.  Valid during the hook only. */
struct backend_snapshot {
	enum backend_snapshot_why why;
	pid_t pid;
	const struct arch_mem *mem;
	const struct backend_thread {
		pid_t tid;
		const struct arch_regs *regs;
	} *threads;
	size_t nthreads;
};

/* What a run does besides planting probes and delivering hits: without
 * hooks each hit prints its line (the one-liners); a script's handlers,
 * begin, end and timer probes run through these.  Any member may be NULL. */
struct backend_hooks {
	void *data;
	/* Probe HIT->probe was hit; HIT (its registers, memory, stack
	 * source) is valid during the call only. */
	void (*hit)(void *data, const struct probe_hit *hit);
	/* Everything is planted; the program (TARGET) is about to run on. */
	void (*start)(void *data, pid_t target);
	/* When TICK wants to run next (CLOCK_MONOTONIC ns), 0 for never. */
	uint64_t (*next_tick)(void *data);
	void (*tick)(void *data, uint64_t now_ns);
	/* The program exited, or utap detached from it. */
	void (*end)(void *data);
	/* A traced process or thread began or ended: HIT has its pid, tid
	 * and comm, and for one that begins its memory and (when it is
	 * stopped there, as a new thread is) its registers. */
	void (*life)(void *data, enum backend_life what, const struct probe_hit *hit);
	/* The main process stopped whole with its memory intact (see struct
	 * backend_snapshot).  Asking for it makes the backend stop every
	 * thread at its exit (PTRACE_O_TRACEEXIT), which costs one stop per
	 * thread's end. */
	void (*snapshot)(void *data, const struct backend_snapshot *snap);
	/* A traced process (HIT's pid) replaced its image (execve): what
	 * was in its memory is gone. */
	void (*exec)(void *data, const struct probe_hit *hit);
};

/* Ask a running backend to detach and end (a script's exit()). */
void backend_request_stop(void);
/* Ask for a snapshot (hooks->snapshot) at the next turn of the event
 * loop: every thread is stopped for it, then resumed.  Safe in a tick. */
void backend_request_snapshot(void);
/* Whether that was asked, by the script or by SIGINT, SIGTERM, SIGHUP. */
bool backend_stop_requested(void);
/* Stop running probe PROBE (an index into opts->probes): it is taken off
 * its sites before the program runs on, and sites left with no probe get
 * their original bytes back.  For a script's overload guard. */
void backend_disable_probe(int probe);

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
int ptrace_backend_run(const struct options *opts, FILE *out, const struct backend_hooks *hooks);

/* The kernel uprobe backend (src/backend/uprobe/): the same shapes.
 * Check also refuses what the kernel cannot fetch at the hit, and, unless
 * -S, says why tracefs cannot be used (not mounted, no rights, no
 * CONFIG_UPROBE_EVENTS).  Dry run prints the tracefs writes as shell
 * lines.  Run sets up its own tracefs instance and removes it, and its
 * events, on every way out. */
int uprobe_backend_check(struct options *opts);
int uprobe_backend_dry_run(const struct options *opts, FILE *out);
int uprobe_backend_run(const struct options *opts, FILE *out, const struct backend_hooks *hooks);

/* The chosen backend's check, dry run and run (opts->backend). */
int backend_check(struct options *opts);
int backend_dry_run(const struct options *opts, FILE *out);
int backend_run(const struct options *opts, FILE *out, const struct backend_hooks *hooks);

#endif
