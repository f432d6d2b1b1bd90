/* detach.c: leave every traced process exactly as it would have been:
 * no int3, no hijacked return address, no thread in a slot, no XOL page,
 * every signal that arrived meanwhile delivered. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backend/ptrace/tracee.h"
#include "proc/mem.h"
#include "proc/status.h"
#include "util/log.h"

/* A thread at the very start of a slot has not executed the relocated
 * instruction: send it back to the original one. */
static bool slot_start_to_site(const struct space *s, struct arch_regs *regs)
{
	for (size_t i = 0; i < s->nsites; i++) {
		const struct site *site = s->site_list[i];

		if (site->plan.mode == ARCH_STEP_XOL && arch_ip(regs) == site->slot_addr) {
			arch_set_ip(regs, site->addr);
			return true;
		}
	}
	return false;
}

/* A thread stopped inside an out-of-line slot (between our jump there and
 * the jump back) is stepped until it is out. */
static int leave_slot(struct tracer *t, struct thread *th)
{
	struct space *s = th->proc->space;
	struct arch_regs regs;
	int rc;

	for (int steps = 0; steps < 16; steps++) {
		rc = arch_regs_get(th->tid, &regs);
		if (rc < 0)
			return rc;
		if (!xol_contains(s, arch_ip(&regs)))
			return 0;
		if (slot_start_to_site(s, &regs)) {
			/* nothing ran in the slot yet: run the original instead */
			return arch_regs_set(th->tid, &regs);
		}
		if (arch_ip(&regs) == s->trampoline) {
			/* about to trap in the trampoline: return for real */
			rc = uret_return(t, th, &regs, false);
			if (rc == 0)
				rc = arch_regs_set(th->tid, &regs);
			return rc;
		}
		rc = singlestep_thread(t, th);
		if (rc < 0)
			return rc;
	}
	log_error("thread %d: could not leave the out-of-line slot", th->tid);
	return -EFAULT;
}

int detach_process(struct tracer *t, struct process *proc)
{
	struct space *s = proc->space;
	struct thread *th;
	bool shared = s->refs > 1;

	for (th = proc->threads; th; th = th->next_in_proc) {
		fetch_stub_settle(t, th, NULL); /* out of the stub first */
		leave_slot(t, th);
	}
	fetch_stub_flush(t, true);
	for (th = proc->threads; th; th = th->next_in_proc) {
		shadow_restore_all(th, th->tid);
		th->nshadow = 0;
	}
	/* A vfork child shares the memory with its parent: the parent's
	 * detach (or its own exec) takes care of the text and the pages. */
	if (!shared) {
		sema_release_all(s);
		for (size_t i = 0; i < s->nsites; i++) {
			if (s->site_list[i]->planted)
				site_restore(s->memfd, s->site_list[i]);
			s->site_list[i]->planted = false;
		}
		if (s->fetch.code && proc->threads && fetch_stub_unmap(t, proc->threads) < 0)
			log_verbose("pid %d: the fetch stub stays mapped", proc->pid);
		if (s->xol && proc->threads && xol_unmap_all(t, proc->threads) < 0)
			log_verbose("pid %d: the out-of-line page stays mapped", proc->pid);
	}
	for (th = proc->threads; th; th = th->next_in_proc) {
		int sig = th->npending ? th->pending_sig[0] : 0;

		for (int i = 1; i < th->npending; i++)
			syscall(SYS_tgkill, proc->pid, th->tid, th->pending_sig[i]);
		if (ptrace(PTRACE_DETACH, th->tid, 0L, (long)sig) < 0 && errno != ESRCH)
			log_verbose("detach %d: %m", th->tid);
	}
	log_verbose("detached from %d", proc->pid);
	tracer_remove_process(t, proc);
	return 0;
}

static bool trap_pending(pid_t tid)
{
	uint64_t mask = 0;

	return proc_status_sigmask(tid, "SigPnd", &mask) == 0 && (mask & (1ull << (SIGTRAP - 1)));
}

/* A thread that executed one of our int3s just before our interrupt
 * reports the interrupt first (the kernel takes job-control traps before
 * signals): its ip is one byte into the probed instruction and the
 * SIGTRAP still queued. Let it take the trap now, so it is rewound (or
 * returned through the trampoline) while we still know what it was. */
static bool take_pending_trap(struct tracer *t, struct thread *th)
{
	int status;

	for (int tries = 0; tries < 4 && trap_pending(th->tid); tries++) {
		if (ptrace(PTRACE_CONT, th->tid, 0L, 0L) < 0 || wait_thread(t, th->tid, &status) < 0)
			return false;
		handle_stop(t, th->tid, status); /* detaching: nothing is resumed */
		if (!WIFSTOPPED(status))
			return true; /* it is gone, and so is TH */
	}
	return false;
}

/* Every thread, once; starting over whenever one died under us. */
static void take_pending_traps(struct tracer *t)
{
restart:
	for (struct process *p = t->procs; p; p = p->next)
		for (struct thread *th = p->threads; th; th = th->next_in_proc)
			if (take_pending_trap(t, th))
				goto restart;
}

int detach_all(struct tracer *t)
{
	int status;
	pid_t tid;

	t->detaching = true;
	/* Stop everyone; stops that raced with ours are handled in detaching
	 * mode (traps rewound, signals held, new threads and children kept
	 * stopped) until nothing is left running or pending. */
	for (int round = 0; round < 100; round++) {
		bool running = false;

		stop_world(t, NULL);
		while (t->ndeferred || t->norphans) {
			int found = 0;

			for (struct process *p = t->procs; p && !found; p = p->next) {
				for (struct thread *th = p->threads; th; th = th->next_in_proc) {
					if (th->has_deferred) {
						th->has_deferred = false;
						t->ndeferred--;
						handle_stop(t, th->tid, th->deferred_status);
						found = 1;
						break;
					}
				}
			}
			if (!found && (tid = take_known_orphan(t, &status)) > 0) {
				handle_stop(t, tid, status);
			} else if (!found) {
				/* a new thread's first stop stays kept until its
				 * parent's clone event, which stop_world collects */
				t->ndeferred = 0;
				break;
			}
		}
		for (struct process *p = t->procs; p; p = p->next)
			for (struct thread *th = p->threads; th; th = th->next_in_proc)
				if (th->state == THREAD_RUNNING)
					running = true;
		if (!running)
			break;
	}
	take_pending_traps(t);
	fetch_stub_flush(t, true);
	snapshot_before_detach(t);
	while (t->procs)
		detach_process(t, t->procs);
	return 0;
}
