/* tracee.h: the ptrace backend's view of traced processes: address spaces
 * with their probe sites and XOL pages, processes, threads. */
#ifndef UTAP_PTRACE_TRACEE_H
#define UTAP_PTRACE_TRACEE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <time.h>

#include "arch/arch.h"
#include "backend/backend.h"
#include "options.h"
#include "proc/maps.h"
#include "sym/sym.h"

struct tracer;

/* A file mapped into an address space. sym is shared, owned by the tracer. */
struct module {
	dev_t dev;
	ino_t ino;
	char *path;      /* as the target sees it */
	uint64_t lo, hi; /* lowest and highest address it maps */
	struct module_map {
		uint64_t start, end, pgoff;
		bool writable;
	} *maps;         /* its mappings, refreshed at every scan */
	size_t nmaps;
	struct sym_module *sym; /* NULL until needed; sym_failed if it could not open */
	bool sym_failed;
};

enum site_kind { SITE_PROBE, SITE_RENDEZVOUS };

/* One address where an int3 is planted, and what to do when it is hit. */
struct site {
	uint64_t addr;
	enum site_kind kind;
	struct arch_step_plan plan; /* decided once, at planting */
	uint64_t slot_addr;         /* XOL slot, if plan.mode == XOL */
	const char *sym;            /* function, for printing */
	uint64_t sym_off, sym_size;
	int *entry_probes; /* indexes into opts->probes */
	int nentry;
	int *return_probes;
	int nreturn;
	/* Per entry/return probe: its arguments compiled for this site (owned
	 * by the tracer's argplan list), or NULL when they are all raw. */
	const struct probe_arg **entry_args;
	const struct probe_arg **return_args;
	bool needs_fp; /* a compiled fetch reads an FP register */
	/* A PLT probe's site: the function called through the GOT and the
	 * name its hits show ("printf@plt"); NULL elsewhere */
	const char *plt, *plt_label;
	/* a call or jump that reads the GOT itself (-fno-plt): the PLT probes
	 * there are reported once it has run, as the called function sees it */
	bool got_call;
	const struct probe_where *where; /* when a probe asked (where.c), or NULL */
	bool planted;
	bool retired;  /* its probes were disabled: original bytes back (a late
			* trap there rewinds and runs them) */
	struct site *hash_next;
};

#define SITE_HASH_SIZE 1024

struct xol_page {
	uint64_t addr;
	unsigned used; /* slots handed out */
	struct xol_page *next;
};

/* An SDT semaphore (a marker's enable counter) raised in an address space,
 * and the probes planted at its markers there (semaphore.c). */
struct space_sema {
	uint64_t addr;	/* the u16 counter */
	dev_t dev;	/* the file of the module it belongs to, checked */
	ino_t ino;	/* again before lowering it */
	int *probes;	/* indexes into opts->probes */
	int nprobes;
	bool raised;	/* we added one (not when it was saturated) */
};

/* The fetch stub's memory in an address space (fetchstub.c): a code page
 * with one stub per slot, and the slots, shared with utap through a memfd. */
#define FETCH_SLOTS 32
struct fetch_area {
	uint64_t code, data; /* in the tracee; 0: not mapped */
	uint8_t *local;      /* the slots as utap sees them; NULL: not here */
	uint32_t used;       /* slots given to threads, a bit each */
	bool failed;         /* could not be set up, or a fork's copy: not used */
};

/* An address space: shared by a process's threads (and by a vfork child). */
struct space {
	int refs;
	pid_t pid;  /* a process in it, for memory access */
	int memfd;  /* /proc/PID/mem, to write text */
	struct site *sites[SITE_HASH_SIZE];
	struct site **site_list;
	size_t nsites;
	struct xol_page *xol;
	uint64_t trampoline; /* return trampoline (int3) in the first XOL page */
	uint64_t gadget;     /* syscall; int3 in the first XOL page */
	struct module *modules;
	size_t nmodules;
	/* (probe, module) pairs already resolved, so rescans add nothing twice */
	struct {
		int probe;
		dev_t dev;
		ino_t ino;
	} *resolved;
	size_t nresolved;
	bool rendezvous;    /* breakpoint on the dynamic linker planted */
	bool libs_loaded;   /* the dynamic linker finished the initial load */
	uint64_t r_debug_state; /* address of _dl_debug_state */
	unsigned modules_gen;   /* changes whenever the mapped files change */
	struct space_stacks *stacks; /* unwinder and named frames (stack.c) */
	struct space_sema *semas;    /* SDT semaphores raised here */
	size_t nsemas;
	struct fetch_area fetch;     /* the fetch stub (fetchstub.c) */
};

/* One return address we replaced by the trampoline. */
struct shadow_entry {
	uint64_t slot;     /* where on the stack it was */
	uint64_t ret;      /* the real return address */
	struct site *site; /* the probed function's entry site */
};

enum thread_state {
	THREAD_RUNNING,
	THREAD_STOPPED,  /* in a ptrace-stop we have not resumed */
	THREAD_LISTENING, /* group-stopped, resumed with PTRACE_LISTEN */
};

struct thread {
	pid_t tid;
	struct process *proc;
	enum thread_state state;
	struct shadow_entry *shadow;
	size_t nshadow, shadow_cap;
	int pending_sig[8]; /* signals held while we stepped it, to deliver */
	int npending;
	uint64_t resume_ip; /* where it was resumed, to tell our traps apart */
	char comm[17];
	bool comm_valid;
	int deferred_status; /* a stop collected while stopping the world */
	bool has_deferred;
	bool interrupted;    /* we sent PTRACE_INTERRUPT and await its stop */
	bool world_stopped;  /* stopped by stop_world, to resume after */
	bool sigtrap_resent; /* the next SIGTRAP is the one we passed on */
	bool event_stop;     /* in an interrupt stop: resume signals are ignored */
	bool exiting;        /* it reported its exit stop (PTRACE_EVENT_EXIT) */
	/* The fetch stub (fetchstub.c): TH's slot (-1: none yet), the hit
	 * waiting for its copy, and where that hit stands. */
	int fetch_slot;
	struct taken_hit *fetch_hit;
	enum { FETCH_IDLE, FETCH_TAKEN, FETCH_ARMED } fetch_state;
	struct thread *hash_next;
	struct thread *next_in_proc;
};

struct process {
	pid_t pid;
	struct space *space;
	struct thread *threads;
	bool report;  /* hits are reported (not a vfork child we only protect) */
	bool began;   /* its begin was told to the hooks */
	bool main;    /* the process the user launched or attached */
	bool snapshot_taken; /* its final snapshot (exit or detach) was delivered */
	bool trap_handler;       /* the program handles SIGTRAP itself */
	uint8_t trap_action[32]; /* its kernel sigaction, to restore (sigtrap.c) */
	struct process *next;
};

#define THREAD_HASH_SIZE 256

/* A stop collected by waitpid for a thread we did not know yet. */
struct orphan_stop {
	pid_t tid;
	int status;
};

struct tracer {
	const struct options *opts;
	const struct backend_hooks *hooks; /* a script's; NULL: print each hit */
	FILE *out;
	struct process *procs;
	struct thread *threads[THREAD_HASH_SIZE];
	struct orphan_stop orphans[64];
	int norphans;
	int ndeferred;
	/* sym modules, shared by every space, keyed by dev/ino */
	struct {
		dev_t dev;
		ino_t ino;
		struct sym_module *sym;
		struct dwarf_module *dwarf; /* for line numbers, opened when first asked */
		bool dwarf_tried;
	} *symcache;
	size_t nsymcache;
	pid_t main_pid;
	int exit_status; /* of the main process, once known */
	bool main_gone;
	bool launched;
	bool detaching;
	bool fatal;      /* a late error: detach and exit with fatal_status */
	int fatal_status;
	/* adaptive spin before blocking in waitpid */
	unsigned spin_ns;
	bool spin_allowed;
	unsigned block_streak;
	unsigned rendezvous_hits; /* of the main process; <= 2: before its code ran */
	struct argplan_list *argplans; /* every compiled argument array, freed at the end */
	struct where_record *wheres;   /* every site's where (where.c), freed at the end */
	/* the DWARF of libraries scripts' fetches name before they are loaded */
	struct {
		char *path;
		struct dwarf_module *dm;
	} *unloaded;
	size_t nunloaded;
	bool *probe_matched; /* per probe: some module matched its BIN */
	bool *probe_failed;  /* per probe: an error was reported already */
	bool *probe_disabled; /* per probe: disabled while running (retire.c) */
	bool disable_pending; /* some were, and their sites are not retired yet */
	struct probe_frame *frames;   /* the stack of the hit being handled (-s, --folded) */
	/* a script's timer probes (ticks.c) */
	timer_t tick_timer;
	bool tick_timer_made;
	uint64_t tick_armed; /* the deadline the timer is set for */
	struct probe_folded *folded;  /* --folded: stacks counted per probe */
	/* The fetch stub: off (UTAP_FETCH_STUB=off); threads whose hits wait
	 * for their copy, oldest first, printed in that order; the timer that
	 * prints them when the program goes quiet. */
	bool fetch_off;
	struct thread *fetch_fifo[2 * FETCH_SLOTS];
	int nfetch;
	timer_t fetch_timer;
	bool fetch_timer_made;
	uint64_t fetch_due; /* when the oldest must be printed, copied or not */
};

/* A launched program whose own code has not run yet (it is still in the
 * dynamic linker): a bad probe then stops everything, as before a launch. */
static inline bool before_program_code(const struct tracer *t)
{
	return t->launched && t->rendezvous_hits <= 2;
}

/* ---- tracer.c: tables ---- */
struct thread *tracer_thread(struct tracer *t, pid_t tid);
struct thread *tracer_add_thread(struct tracer *t, struct process *proc, pid_t tid);
void tracer_remove_thread(struct tracer *t, struct thread *th);
struct process *tracer_add_process(struct tracer *t, pid_t pid, struct space *space);
void tracer_remove_process(struct tracer *t, struct process *proc);
struct space *space_new(pid_t pid);
struct space *space_get(struct space *s);
void space_put(struct space *s);
/* A copy for a forked child: same sites and XOL pages (same addresses). */
struct space *space_fork(struct space *parent, pid_t child);
struct site *space_site(const struct space *s, uint64_t addr);
struct site *space_add_site(struct space *s, uint64_t addr);
struct sym_module *tracer_sym(struct tracer *t, struct space *s, struct module *m);
/* The module's DWARF (own or separate), for source lines; NULL if none. */
struct dwarf_module *tracer_dwarf(struct tracer *t, struct space *s, struct module *m);
/* Resume a stopped thread (delivering one held signal). */
int thread_resume(struct tracer *t, struct thread *th, int sig);
const char *thread_comm(struct thread *th);
/* Keep a signal that arrived while we ran the thread for ourselves; it is
 * delivered when the thread resumes for real. */
void thread_hold_signal(struct thread *th, int sig);

/* ---- modules.c ---- */
int space_scan_modules(struct space *s);
/* The module mapping ADDR now, and (if MAP) that mapping; NULL if none. */
struct module *space_module_at(struct space *s, uint64_t addr, const struct module_map **map);
/* File offset <-> address through the module's current mappings. 0/-ENOENT. */
int module_addr_to_offset(const struct module *m, uint64_t addr, uint64_t *off);
int module_offset_to_addr(const struct module *m, uint64_t off, uint64_t *addr);
/* A path the user wrote, as the target sees it: through /proc/PID/root. */
void target_path(pid_t pid, const char *path, char *buf, size_t n);
/* Whether M is one of the files glob(3) PATTERN names in PID's root (a
 * script's process("/lib* /libc.so*")). */
bool module_globbed(pid_t pid, const char *pattern, const struct module *m);
/* A path utap can open for a file /proc/PID/maps lists (with its dev/ino). */
void module_file(pid_t pid, const char *map_path, dev_t dev, ino_t ino, char *buf, size_t n);

/* ---- inject.c ---- */
int inject_syscall(struct tracer *t, struct thread *th, uint64_t gadget, long nr,
		   const uint64_t args[6], int64_t *result);
/* Run a syscall in a thread whose process has no XOL page yet: uses a
 * temporary gadget at the program's entry point; all threads must be stopped. */
int inject_syscall_bootstrap(struct tracer *t, struct thread *th, long nr,
			     const uint64_t args[6], int64_t *result);

/* ---- xol.c ---- */
int xol_setup(struct tracer *t, struct thread *th);
int xol_slot(struct tracer *t, struct thread *th, uint64_t near, uint64_t *slot);
bool xol_contains(const struct space *s, uint64_t addr);
/* One more page of code (int3-filled, read and execute), not a slot page:
 * its owner unmaps it (the fetch stub's). */
int xol_code_page(struct tracer *t, struct thread *th, uint64_t *addr);
int xol_unmap_all(struct tracer *t, struct thread *th);

/* ---- plant.c ---- */
/* Resolve every probe against the modules now mapped, plant new sites.
 * Errors are reported once per probe; before the launched program's own
 * code ran they are fatal (t->fatal). */
int plant_probes(struct tracer *t, struct thread *th);
/* Free the arguments compiled for every site (at the end of the run). */
void plant_free_argplans(struct tracer *t);
int plant_rendezvous(struct tracer *t, struct thread *th);
int site_write_trap(struct space *s, struct site *site);
int site_restore(int memfd, struct site *site);

/* ---- where.c ---- */
/* SITE's where (at link-time address VADDR of module M), made once. */
void where_fill(struct tracer *t, struct space *s, struct module *m, struct site *site,
		uint64_t vaddr);
void where_free_all(struct tracer *t);

/* ---- hit.c ---- */
int hit_site(struct tracer *t, struct thread *th, struct arch_regs *regs, struct site *site);
int hit_trampoline(struct tracer *t, struct thread *th, struct arch_regs *regs);
void shadow_restore_all(struct thread *th, pid_t in_pid);
int uret_return(struct tracer *t, struct thread *th, struct arch_regs *regs, bool print);
void thread_mem(struct thread *th, struct arch_mem *mem);

/* A hit taken from a stopped thread, to print now or once its memory is
 * copied (the fetch stub). */
#define FETCH_RANGES 24
struct taken_hit {
	struct site *site;
	struct arch_regs regs;	/* at the hit: what its fetches start from */
	struct arch_regs after; /* as the thread was resumed: ip where it goes */
	uint64_t time_ns;
	int cpu;
	pid_t pid, tid;
	char comm[17];
	uint32_t seq;		/* the slot's seq for this hit */
	struct fetch_copy {	/* what the stub copies */
		struct probe_range ranges[FETCH_RANGES];
		uint32_t dst[FETCH_RANGES]; /* where each range lands in the slot */
		int n;
	} copy;
};
/* Print SITE's entry probes for hit R, reading memory through MEM. */
void hit_print_taken(struct tracer *t, const struct taken_hit *r, const struct arch_mem *mem);

/* ---- ticks.c ---- */
/* A CLOCK_MONOTONIC timer whose signal SIGNO runs HANDLER without
 * SA_RESTART, so it interrupts the loop's waitpid. 0 or -errno. */
int loop_timer_create(int signo, void (*handler)(int), timer_t *timer);

/* ---- fetchstub.c ---- */
/* At a hit of TH at SITE (REGS as read at the stop): when every fetch of
 * its probes reads memory at addresses known now, list them in TH's slot
 * and keep the hit to print later; true if so (nothing is printed now). */
bool fetch_stub_take(struct tracer *t, struct thread *th, struct site *site,
		     const struct arch_regs *regs);
/* Just before TH resumes with REGS after a taken hit: send it through the
 * stub (REGS' ip becomes the stub's). */
void fetch_stub_redirect(struct tracer *t, struct thread *th, struct arch_regs *regs);
/* The taken hit of TH will not go through the stub: print it now. */
void fetch_stub_cancel(struct tracer *t, struct thread *th);
/* At any stop of TH while its stub may run. REGS: TH's registers if read
 * (else NULL). A thread stopped inside the stub is put back as it was
 * resumed (*REGS too) and its hit read by us. Returns true when the stop
 * is a fault of the stub's own copy (a bad pointer), not the program's. */
bool fetch_stub_settle(struct tracer *t, struct thread *th, struct arch_regs *regs);
/* Print the waiting hits whose copies are done, oldest first; FORCE: all
 * of them, reading the memory ourselves where a copy is not done. */
void fetch_stub_flush(struct tracer *t, bool force);
/* Between stops: flush what is done, and everything once the program
 * has been quiet for a while (a timer wakes the loop). */
void fetch_stub_tick(struct tracer *t);
/* The loop's blocking waitpid while hits wait: the quiet timer may
 * interrupt it (EINTR). */
pid_t fetch_stub_wait(struct tracer *t, int *status);
/* The run ends: everything printed, the timer gone. */
void fetch_stub_end(struct tracer *t);
/* TH goes away: its hit printed, its slot freed. */
void fetch_stub_forget(struct tracer *t, struct thread *th);
/* PROC's memory is gone (exec): its waiting hits not copied read nothing
 * (a vfork parent in the same space keeps its own). */
void fetch_stub_memory_gone(struct tracer *t, struct process *proc);
/* Unmap the stub from the tracee (detach), utap's view at space_put. */
int fetch_stub_unmap(struct tracer *t, struct thread *th);
void fetch_area_free(struct fetch_area *a);

/* ---- stack.c ---- */
/* The call stack of TH stopped with REGS, named, innermost first, at most
 * MAX frames.  AT_ENTRY: REGS' ip is a function's first instruction.
 * AT_RETURN: it is a return address (a return probe), so frame 0 is named
 * by its call.  Returns how many frames. */
int stack_take(struct tracer *t, struct thread *th, const struct arch_regs *regs, bool at_entry,
	       bool at_return, struct probe_frame *frames, int max);
struct space_stacks;
void stack_space_free(struct space_stacks *ss);
/* The names of address ADDR of TH's process (not cached). */
void stack_name_addr(struct tracer *t, struct thread *th, uint64_t addr, struct probe_frame *out);

/* ---- step.c ---- */
int step_over(struct tracer *t, struct thread *th, struct arch_regs *regs, struct site *site);
/* Stop every running thread (but EXCEPT) of every traced process; stops
 * other than our interrupt are kept as deferred events. */
int stop_world(struct tracer *t, struct thread *except);
void resume_world(struct tracer *t);
/* Wait for every thread marked interrupted: a PTRACE_INTERRUPT stop marks
 * it world_stopped (resume_world resumes it), any other stop is deferred. */
void collect_interrupted(struct tracer *t);
int singlestep_thread(struct tracer *t, struct thread *th);

/* ---- events.c ---- */
int events_loop(struct tracer *t);
/* A kept stop (t->orphans) of a thread in the tables: its tid, the stop in
 * *STATUS; 0 if none. */
pid_t take_known_orphan(struct tracer *t, int *status);
int handle_stop(struct tracer *t, pid_t tid, int status);
/* Bookkeeping for an event stop (clone, fork, vfork, exec) of a thread we
 * keep stopped (single-stepping, detaching). */
void handle_event_nonresuming(struct tracer *t, struct thread *th, int status);
/* After exec: a fresh space, probes re-resolved and planted. */
int plant_new_image(struct tracer *t, struct thread *th);
/* Detach one process whose threads are all stopped: remove every trace of
 * us, deliver held signals, forget it. */
int detach_process(struct tracer *t, struct process *proc);
int wait_thread(struct tracer *t, pid_t tid, int *status);
/* wait_thread for a thread we resumed for ourselves: -ESRCH if it died
 * (the death is kept for the main loop), else a stop in *STATUS. */
int wait_stopped(struct tracer *t, struct thread *th, int *status);

/* ---- sigtrap.c ---- */
/* Before a real SIGTRAP goes to the program: remember its disposition. */
void sigtrap_remember(struct tracer *t, struct thread *th);
/* After a hit: undo the kernel's reset of that disposition, if it happened. */
void sigtrap_repair(struct tracer *t, struct thread *th);

/* ---- hit.c: processes and threads beginning and ending ---- */
void hit_life(struct tracer *t, struct thread *th, enum backend_life what);
/* TH's process replaced its image (hooks->exec). */
void hit_exec(struct tracer *t, struct thread *th);

/* ---- retire.c ---- */
/* Take the probes disabled since the last call off their sites; a site
 * left with none gets its original bytes back.  Called between stops. */
void retire_disabled(struct tracer *t);
/* The tracer backend_disable_probe() acts on (NULL when none runs). */
void retire_set_tracer(struct tracer *t);

/* ---- semaphore.c ---- */
/* Probe PROBE is planted at an SDT marker of module M whose semaphore is at
 * ADDR in S: raise it by one, unless S holds it already. */
void sema_hold(struct space *s, const struct module *m, int probe, uint64_t addr);
/* Lower the semaphores of S whose probes are all disabled (retire.c). */
void sema_retire(struct tracer *t, struct space *s);
/* Lower every semaphore raised in S (the process is let go, stopped). */
void sema_release_all(struct space *s);
/* A forked child's memory is a copy: it holds its parent's raises. */
void sema_fork(const struct space *parent, struct space *child);
void sema_free(struct space *s);

/* ---- ticks.c ---- */
/* Run the hooks' timer probes that are due and set the timer for the
 * next: called at every turn of the event loop (a clock read). */
void ticks_run(struct tracer *t);
void ticks_stop(struct tracer *t);

/* ---- snapshot.c: hooks->snapshot ---- */
/* TH reported its exit stop: the snapshot when it is the main process's
 * last thread. */
void snapshot_at_exit(struct tracer *t, struct thread *th);
/* Every thread is stopped and about to be detached. */
void snapshot_before_detach(struct tracer *t);
/* Between stops: one, if backend_request_snapshot() asked. */
void snapshot_if_asked(struct tracer *t);

/* ---- detach.c ---- */
int detach_all(struct tracer *t);

extern volatile int utap_stop_requested;

#endif
