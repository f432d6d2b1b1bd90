/* uprobe.h: what the files of the kernel uprobe backend share (tracefs
 * access, the events built from the probes, the trace_pipe reader); only
 * src/backend/uprobe/ includes it. */
#ifndef UTAP_UPROBE_UPROBE_H
#define UTAP_UPROBE_UPROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "backend/ptrace/resolve.h"
#include "options.h"
#include "probe/probe.h"

/* ---- tracefs (tracefs.c) ---- */

struct tracefs {
	char root[128];      /* "/sys/kernel/tracing" */
	char instance[192];  /* ROOT/instances/utap-PID */
	char group[32];      /* "utap_PID": our events' group in uprobe_events */
	FILE *dry;           /* -S: the writes are printed here, not done */
	bool made_instance;  /* the instance exists and is ours to remove */
};

/* Find tracefs (mounting it at /sys/kernel/tracing when root and it is
 * not mounted) and check that the kernel has uprobe_events and that we
 * may write it; fill FS's paths for utap's own PID.  With DRY (-S) only
 * the paths are filled: nothing is checked or mounted.  0, or -errno
 * after saying why and what to do. */
int tracefs_open(struct tracefs *fs, FILE *dry);

/* Write TEXT (with a newline) to PATH, appending: what "echo TEXT >> PATH"
 * does, or prints under -S.  0, or -errno after saying which file, why,
 * and the kernel's error_log line when it has one. */
int tracefs_append(const struct tracefs *fs, const char *path, const char *text);
/* The same, replacing the content ("echo TEXT > PATH"). */
int tracefs_write(const struct tracefs *fs, const char *path, const char *text);
/* The same, quietly: -errno and no message (cleanup of what may be gone). */
int tracefs_write_quiet(const char *path, const char *text, bool append);

/* mkdir/rmdir of the instance, printed under -S. */
int tracefs_make_instance(struct tracefs *fs);
void tracefs_remove_instance(struct tracefs *fs);

/* ---- events built from the probes (events.c, fetcharg.c) ---- */

/* A file probed, kept open for its symbols while the run lasts. */
struct umodule {
	char path[4096];
	struct sym_module *sym;
};

/* One field of an event: argument ARG (its part PART of $$parms, or -1). */
struct ufield {
	size_t arg;
	long part;
	bool string;
	/* a string read at the same address as the number before it: the
	 * kernel zero-fills a number it cannot read, but says (fault) for a
	 * string, so this tells utap the number was unreadable */
	bool fault_check;
	/* the thread's comm at the hit ($comm): the kernel's comm cache
	 * misses threads that ended before it looked */
	bool comm;
	char name[48]; /* in the event */
};

/* One event: one site of one probe. */
struct uevent {
	int probe;           /* into opts->probes */
	char name[48];       /* "p0", or "p0_2" for its third site */
	struct umodule *mod;
	struct resolved site;
	uint64_t vaddr;      /* the site's link-time address */
	struct probe_arg *args; /* compiled for the site (argplan), or NULL */
	struct ufield *fields;
	size_t nfields;
	char *line;          /* its uprobe_events definition */
	char kfilter[1024];  /* the part of f: the kernel decides, "" for none */
	int kfilter_all;     /* 1: all of f:, 0: a part, -1: none (probe_filter_kernel) */
	bool defined;        /* written to uprobe_events */
};

struct uplan {
	const struct options *opts;
	struct umodule **mods;
	size_t nmods;
	struct uevent *events;
	size_t nevents;
};

/* Resolve every probe of OPTS, compile its arguments per site and build
 * the events for group GROUP.  Bad input is reported (exit status 2).
 * 0, or -EINVAL (reported), -ENOMEM. */
int uplan_build(const struct options *o, const char *group, struct uplan *plan);
void uplan_free(struct uplan *plan);

/* The fetch plan of ARG in uprobe_events syntax ("+8(%si)", "$retval",
 * "@+0x4010" for a static address, link-time ADDR at file offset
 * ADDR - SITE_VADDR + SITE_OFFSET) into BUF, with its kernel type
 * appended.  ADDRS[...] says which constants of the plan are addresses
 * (in walking order, from a compile with another load bias).  Returns 0,
 * -ENODATA (optimized out: no field), or -ENOTSUP with why in WHY. */
struct fetch_addrs {
	const struct fetch *biased; /* the same plan compiled with another bias */
	uint64_t site_vaddr, site_offset;
};
int uprobe_fetcharg(const struct probe_arg *arg, const struct fetch_addrs *fa, char *buf,
		    size_t n, char *why, size_t whylen);

/* ---- the instance and cleanup (instance.c) ---- */

/* Set up the instance for PLAN's events: its clock, the options the
 * reader expects, the events defined and their filters.  0 or -errno
 * (reported). */
int instance_setup(struct tracefs *fs, struct uplan *plan);
/* The threads of process PID, for set_event_pid: *OUT (free()) holds *N.
 * 0, or -EINVAL after saying there is no such process, -ENOMEM. */
int instance_thread_ids(pid_t pid, pid_t **out, size_t *n);
/* Which processes the events are for: PIDS (their threads and, through
 * event-fork, their children's). */
int instance_set_pids(const struct tracefs *fs, const pid_t *pids, size_t n);
/* Enable (1) or disable (0) every event of the group in the instance. */
int instance_enable(const struct tracefs *fs, bool on);
/* Events the kernel's buffer lost because utap read them too late. */
unsigned long long instance_lost_events(const struct tracefs *fs);
/* Disable, remove the instance, then the events: every exit path. */
void instance_teardown(struct tracefs *fs, struct uplan *plan);
/* Events and instances of utap runs whose process is gone (killed):
 * removed, with a note. */
void instance_remove_leftovers(const struct tracefs *fs);

/* ---- trace_pipe (pipe.c) ---- */

struct upipe;
struct probe_hit;

/* A reader of the instance's trace_pipe for PLAN's events; each parsed
 * hit goes to DELIVER.  0 or -errno. */
int upipe_open(const struct tracefs *fs, const struct uplan *plan, pid_t main_pid,
	       void (*deliver)(void *ctx, const struct probe_hit *hit), void *ctx,
	       struct upipe **out);
/* The same reader on FD (-1: none, fed by upipe_feed only: the tests). */
int upipe_new(const struct uplan *plan, pid_t main_pid,
	      void (*deliver)(void *ctx, const struct probe_hit *hit), void *ctx, int fd,
	      struct upipe **out);
/* Parse N bytes of trace_pipe text, as if read: complete events are
 * delivered, the rest waits for more.  0. */
int upipe_feed(struct upipe *p, const char *text, size_t n);
int upipe_fd(const struct upipe *p);
/* Read what is there (non-blocking) and deliver every complete event.
 * 0, or -errno on a read error. */
int upipe_read(struct upipe *p);
void upipe_close(struct upipe *p);

#endif
