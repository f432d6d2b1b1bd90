/* events.c: the main loop: wait for stops, tell them apart, dispatch. */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "backend/ptrace/tracee.h"
#include "util/log.h"
#include "util/clock.h"

#ifndef SI_KERNEL
#define SI_KERNEL 0x80
#endif

/* Spin on waitpid(WNOHANG) this long before blocking: waking a tracer that
 * sleeps on another CPU costs more than the whole hit (see README). */
#define SPIN_MAX_NS 200000u

static int take_orphan(struct tracer *t, pid_t tid, int *status)
{
	for (int i = 0; i < t->norphans; i++) {
		if (t->orphans[i].tid == tid || tid == -1) {
			*status = t->orphans[i].status;
			tid = t->orphans[i].tid;
			t->orphans[i] = t->orphans[--t->norphans];
			return tid;
		}
	}
	return 0;
}

/* A kept stop of a thread we know (a death seen while we ran it for
 * ourselves).  A new thread's first stop stays kept until its parent's
 * clone event comes: handing it back now would only keep it again, and
 * waitpid would never be asked for that event. */
pid_t take_known_orphan(struct tracer *t, int *status)
{
	for (int i = 0; i < t->norphans; i++)
		if (tracer_thread(t, t->orphans[i].tid))
			return take_orphan(t, t->orphans[i].tid, status);
	return 0;
}

static void add_orphan(struct tracer *t, pid_t tid, int status)
{
	if (t->norphans < (int)(sizeof(t->orphans) / sizeof(t->orphans[0]))) {
		t->orphans[t->norphans].tid = tid;
		t->orphans[t->norphans++].status = status;
	}
}

int wait_thread(struct tracer *t, pid_t tid, int *status)
{
	pid_t got;

	if (take_orphan(t, tid, status))
		return 0;
	do
		got = waitpid(tid, status, __WALL);
	while (got < 0 && errno == EINTR);
	return got < 0 ? -errno : 0;
}

int wait_stopped(struct tracer *t, struct thread *th, int *status)
{
	int rc = wait_thread(t, th->tid, status);

	if (rc < 0)
		return rc;
	if (!WIFSTOPPED(*status)) {
		/* It died while we ran it for ourselves: the main loop reports it. */
		add_orphan(t, th->tid, *status);
		return -ESRCH;
	}
	return 0;
}

/* Are we and the main tracee both confined to the same single CPU
 * (taskset)? Then a spin can only delay it. Two syscalls: asked rarely. */
static bool sharing_one_cpu(const struct tracer *t)
{
	cpu_set_t ours, theirs;

	if (sched_getaffinity(0, sizeof(ours), &ours) < 0 || CPU_COUNT(&ours) != 1 ||
	    sched_getaffinity(t->main_pid, sizeof(theirs), &theirs) < 0)
		return false;
	return CPU_EQUAL(&ours, &theirs);
}

/* The next stop: deferred ones first, then waitpid, spinning briefly. */
static pid_t next_stop(struct tracer *t, int *status)
{
	pid_t got;

	if (t->ndeferred) {
		for (struct process *p = t->procs; p; p = p->next) {
			for (struct thread *th = p->threads; th; th = th->next_in_proc) {
				if (th->has_deferred) {
					th->has_deferred = false;
					t->ndeferred--;
					*status = th->deferred_status;
					return th->tid;
				}
			}
		}
		t->ndeferred = 0;
	}
	got = take_known_orphan(t, status);
	if (got)
		return got;
	if (t->spin_ns) {
		uint64_t until = clock_mono_ns() + t->spin_ns;

		do {
			/* No sched_yield here: on a loaded machine each
			 * yield gives a whole time slice away (measured: 7 ms
			 * a hit). If the tracee shares our CPU, the spins
			 * time out and shrink to nothing within a few hits. */
			got = waitpid(-1, status, __WALL | WNOHANG);
			if (got != 0) {
				/* A hit came while we spun: keep spinning next time. */
				if (got > 0 && t->spin_ns < SPIN_MAX_NS)
					t->spin_ns = t->spin_ns * 2 > SPIN_MAX_NS ? SPIN_MAX_NS
										: t->spin_ns * 2;
				t->block_streak = 0;
				return got;
			}
		} while (clock_mono_ns() < until && !utap_stop_requested);
		/* The tracee is quiet: spin less, so we never burn a CPU
		 * while it computes or sleeps. */
		if (++t->block_streak > 4)
			t->spin_ns /= 2;
	} else if (t->spin_allowed && ++t->block_streak > 64) {
		/* try spinning again now and then: the tracee may have moved */
		t->block_streak = 0;
		t->spin_ns = sharing_one_cpu(t) ? 0 : 20000;
	}
	/* About to sleep: the program is quiet, so this is the moment to
	 * let the user see the hits so far (costs nothing on a busy path). */
	fflush(t->out);
	if (t->nfetch)
		return fetch_stub_wait(t, status);
	return waitpid(-1, status, __WALL);
}

static void on_exit_status(struct tracer *t, struct thread *th, int status)
{
	struct process *proc = th->proc;
	pid_t tid = th->tid;

	hit_life(t, th, tid == proc->pid ? LIFE_PROCESS_END : LIFE_THREAD_END);
	tracer_remove_thread(t, th);
	if (tid != proc->pid)
		return;
	if (proc->main) {
		t->exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
		t->main_gone = true;
	}
	tracer_remove_process(t, proc);
}

static int new_thread(struct tracer *t, struct thread *parent)
{
	unsigned long msg;
	struct thread *th;
	int status;

	if (ptrace(PTRACE_GETEVENTMSG, parent->tid, 0L, &msg) < 0)
		return -errno;
	/* The new thread reports its own first stop; wait for it now so the
	 * tables never hold a thread in an unknown state. */
	if (wait_thread(t, (pid_t)msg, &status) < 0)
		return -ESRCH;
	th = tracer_add_thread(t, parent->proc, (pid_t)msg);
	if (!WIFSTOPPED(status)) {
		on_exit_status(t, th, status);
		return 0;
	}
	hit_life(t, th, LIFE_THREAD_BEGIN);
	if (t->detaching)
		return 0; /* stays stopped, detached with the others */
	return thread_resume(t, th, 0);
}

static int new_child(struct tracer *t, struct thread *parent, bool vfork)
{
	struct space *ps = parent->proc->space;
	struct process *child;
	struct thread *cth;
	unsigned long msg;
	int status;

	if (ptrace(PTRACE_GETEVENTMSG, parent->tid, 0L, &msg) < 0)
		return -errno;
	if (wait_thread(t, (pid_t)msg, &status) < 0 || !WIFSTOPPED(status))
		return 0;
	/* A vfork child runs in its parent's memory: it keeps the same space.
	 * A fork child gets a copy, with our int3s and hijacked returns in it. */
	child = tracer_add_process(t, (pid_t)msg, vfork ? space_get(ps) : space_fork(ps, (pid_t)msg));
	cth = tracer_add_thread(t, child, (pid_t)msg);
	if (parent->nshadow) {
		cth->shadow = malloc(parent->nshadow * sizeof(*cth->shadow));
		if (cth->shadow) {
			memcpy(cth->shadow, parent->shadow, parent->nshadow * sizeof(*cth->shadow));
			cth->nshadow = cth->shadow_cap = parent->nshadow;
		}
	}
	child->report = t->opts->follow_forks && parent->proc->report;
	if (!child->report && !vfork)
		return detach_process(t, child); /* cleaned, let go */
	hit_life(t, cth, LIFE_PROCESS_BEGIN);
	/* A vfork child we do not follow stays traced, silently, until it
	 * execs or exits: it runs through the parent's int3s. */
	if (t->detaching)
		return 0;
	return thread_resume(t, cth, 0);
}

static int on_exec(struct tracer *t, struct thread *th)
{
	struct process *proc = th->proc;

	/* Hits of threads the exec killed before their copy: nothing to read. */
	fetch_stub_memory_gone(t, proc);
	fetch_stub_forget(t, th); /* its slot was in the old image */
	/* Every other thread is gone; the exec'ing one now has the pid. */
	for (struct thread *o = proc->threads, *next; o; o = next) {
		next = o->next_in_proc;
		if (o != th)
			tracer_remove_thread(t, o);
	}
	th->nshadow = 0;
	th->comm_valid = false;
	th->npending = 0;
	space_put(proc->space);
	proc->space = space_new(proc->pid);
	if (!proc->report && !proc->main) {
		/* the vfork child we protected has its own memory now */
		return detach_process(t, proc);
	}
	if (t->detaching)
		return 0;
	/* The exec stop is inside execve: on resume the kernel stores its
	 * return value in the register our injected mmap needs. Step one
	 * instruction (the dynamic linker's first) to be out of it. */
	if (singlestep_thread(t, th) < 0)
		return 0;
	plant_new_image(t, th);
	if (t->fatal)
		return 0; /* stays stopped: the main loop ends the run */
	hit_exec(t, th);
	hit_life(t, th, LIFE_PROCESS_BEGIN);
	return thread_resume(t, th, 0);
}

void handle_event_nonresuming(struct tracer *t, struct thread *th, int status)
{
	bool was = t->detaching;

	/* Reuse the handlers with "detaching" semantics: nothing is resumed. */
	t->detaching = true;
	switch (status >> 16) {
	case PTRACE_EVENT_CLONE:
		new_thread(t, th);
		break;
	case PTRACE_EVENT_FORK:
	case PTRACE_EVENT_VFORK:
		new_child(t, th, (status >> 16) == PTRACE_EVENT_VFORK);
		break;
	default:
		break;
	}
	t->detaching = was;
	/* children/threads created here were left stopped: let them go */
	if (!was) {
		for (struct process *p = t->procs; p; p = p->next)
			for (struct thread *o = p->threads; o; o = o->next_in_proc)
				if (o != th && o->state == THREAD_STOPPED && !o->has_deferred &&
				    !o->world_stopped)
					thread_resume(t, o, 0);
	}
}

static int on_trap(struct tracer *t, struct thread *th)
{
	struct space *s = th->proc->space;
	struct arch_regs regs;
	struct site *site;
	siginfo_t si;
	uint64_t ip;
	int rc;

	rc = arch_regs_get(th->tid, &regs);
	if (rc < 0)
		return rc == -ESRCH ? 0 : rc;
	fetch_stub_settle(t, th, &regs); /* its last hit's copy is done: print it */
	ip = arch_ip(&regs);
	site = space_site(s, arch_site_from_trap_ip(ip));
	if (site && site->retired && !site->planted) {
		/* It hit the int3 just before the site was retired: run the
		 * instruction that is back there. */
		arch_set_ip(&regs, site->addr);
		rc = arch_regs_set(th->tid, &regs);
		if (rc < 0)
			return rc;
		th->resume_ip = site->addr;
		return t->detaching ? 0 : thread_resume(t, th, 0);
	}
	if (site && site->planted) {
		/* Resumed right after a site and stopped there again without
		 * moving: an int3 or a SIGTRAP someone sent? Ask the kernel. */
		if (th->resume_ip == ip && ptrace(PTRACE_GETSIGINFO, th->tid, 0L, &si) == 0 &&
		    si.si_code != SI_KERNEL)
			return thread_resume(t, th, SIGTRAP);
		if (t->detaching) {
			arch_set_ip(&regs, site->addr);
			return arch_regs_set(th->tid, &regs);
		}
		return hit_site(t, th, &regs, site);
	}
	if (s->trampoline && arch_site_from_trap_ip(ip) == s->trampoline) {
		if (t->detaching) {
			rc = uret_return(t, th, &regs, true);
			return rc < 0 ? rc : arch_regs_set(th->tid, &regs);
		}
		return hit_trampoline(t, th, &regs);
	}
	/* The program's own SIGTRAP (its own int3, raise, kill): deliver it. */
	if (t->detaching) {
		thread_hold_signal(th, SIGTRAP);
		return 0;
	}
	/* Our injection leaves the thread in a syscall stop, from which the
	 * kernel re-sends the signal: that one we just pass on. */
	if (th->sigtrap_resent) {
		th->sigtrap_resent = false;
		return thread_resume(t, th, SIGTRAP);
	}
	sigtrap_remember(t, th);
	th->sigtrap_resent = true;
	return thread_resume(t, th, SIGTRAP);
}

static bool is_fault_signal(int sig)
{
	return sig == SIGSEGV || sig == SIGBUS || sig == SIGFPE || sig == SIGILL;
}

/* A fault raised by the relocated copy of an instruction must look like
 * it came from the original address, as it would untraced (the handler
 * may inspect or longjmp from it). */
static void rewind_from_slot(struct thread *th)
{
	struct space *s = th->proc->space;
	struct arch_regs regs;
	uint64_t ip;

	if (!s->xol || arch_regs_get(th->tid, &regs) < 0)
		return;
	ip = arch_ip(&regs);
	if (!xol_contains(s, ip))
		return;
	for (size_t i = 0; i < s->nsites; i++) {
		struct site *site = s->site_list[i];

		if (site->plan.mode == ARCH_STEP_XOL && ip >= site->slot_addr &&
		    ip < site->slot_addr + ARCH_XOL_SLOT_SIZE) {
			arch_set_ip(&regs, site->addr);
			arch_regs_set(th->tid, &regs);
			return;
		}
	}
}

static bool is_stop_signal(int sig)
{
	return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

int handle_stop(struct tracer *t, pid_t tid, int status)
{
	struct thread *th = tracer_thread(t, tid);
	int sig, event;

	if (!th) {
		/* A new thread or child whose parent's event we have not seen
		 * yet: keep its stop for when we do. Deaths of threads we
		 * already forgot (after exec) need nothing. */
		if (WIFSTOPPED(status))
			add_orphan(t, tid, status);
		return 0;
	}
	if (WIFEXITED(status) || WIFSIGNALED(status)) {
		on_exit_status(t, th, status);
		return 0;
	}
	if (!WIFSTOPPED(status))
		return 0;
	th->state = THREAD_STOPPED;
	sig = WSTOPSIG(status);
	event = status >> 16;
	/* Stopped while it may be in the fetch stub: a signal, a fault of the
	 * stub's copy (ours, never the program's), an interrupt. */
	if (th->fetch_state == FETCH_ARMED && (event || sig != SIGTRAP) &&
	    fetch_stub_settle(t, th, NULL) && !event)
		return t->detaching ? 0 : thread_resume(t, th, 0);
	switch (event) {
	case 0:
		if (sig == SIGTRAP)
			return on_trap(t, th);
		if (is_fault_signal(sig))
			rewind_from_slot(th);
		if (t->detaching) {
			thread_hold_signal(th, sig);
			return 0;
		}
		return thread_resume(t, th, sig); /* the program's signal, unchanged */
	case PTRACE_EVENT_CLONE:
		new_thread(t, th);
		break;
	case PTRACE_EVENT_FORK:
	case PTRACE_EVENT_VFORK:
		new_child(t, th, event == PTRACE_EVENT_VFORK);
		break;
	case PTRACE_EVENT_EXEC:
		return on_exec(t, th);
	case PTRACE_EVENT_EXIT:
		if (!t->detaching)
			snapshot_at_exit(t, th);
		break;
	case PTRACE_EVENT_STOP:
		if (is_stop_signal(sig)) {
			/* group-stop: stay stopped, but let SIGCONT wake it */
			if (t->detaching)
				return 0;
			if (ptrace(PTRACE_LISTEN, th->tid, 0L, 0L) == 0)
				th->state = THREAD_LISTENING;
			return 0;
		}
		break;
	default:
		break;
	}
	if (t->detaching)
		return 0;
	return thread_resume(t, th, 0);
}

int events_loop(struct tracer *t)
{
	int status;
	pid_t tid;

	/* --pin puts us on the tracee's CPU: spinning there only delays it. */
	t->spin_allowed = !t->opts->pin;
	t->spin_ns = t->spin_allowed && !sharing_one_cpu(t) ? 50000 : 0;
	while (t->procs) {
		if (t->fatal && before_program_code(t)) {
			/* A bad probe before the program's own code ran: it must
			 * not run at all, as if the probe had been refused first. */
			kill(t->main_pid, SIGKILL);
			return 0;
		}
		if ((utap_stop_requested || t->fatal) && !t->detaching)
			return detach_all(t);
		ticks_run(t);
		fetch_stub_tick(t);
		snapshot_if_asked(t);
		if (t->disable_pending)
			retire_disabled(t);
		tid = next_stop(t, &status);
		if (tid < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ECHILD)
				break;
			log_error("waitpid: %s", strerror(errno));
			return -errno;
		}
		if (tid == 0)
			continue;
		handle_stop(t, tid, status);
	}
	return 0;
}
