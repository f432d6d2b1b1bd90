/* step.c: resume a thread past its probed instruction, following the plan
 * made when the site was planted: emulate, out-of-line, or single-step. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/ptrace.h>
#include <sys/wait.h>

#include "backend/ptrace/tracee.h"
#include "proc/mem.h"
#include "util/log.h"

int stop_world(struct tracer *t, struct thread *except)
{

	for (struct process *p = t->procs; p; p = p->next) {
		for (struct thread *th = p->threads; th; th = th->next_in_proc) {
			if (th == except || (th->state != THREAD_RUNNING && th->state != THREAD_LISTENING))
				continue;
			if (ptrace(PTRACE_INTERRUPT, th->tid, 0L, 0L) == 0)
				th->interrupted = true;
		}
	}
	collect_interrupted(t);
	return 0;
}

void collect_interrupted(struct tracer *t)
{
	int status, rc;

	for (struct process *p = t->procs; p; p = p->next) {
		for (struct thread *th = p->threads; th; th = th->next_in_proc) {
			if (!th->interrupted)
				continue;
			th->interrupted = false;
			rc = wait_thread(t, th->tid, &status);
			if (rc < 0)
				continue;
			th->state = THREAD_STOPPED;
			if (WIFSTOPPED(status) && (status >> 16) == PTRACE_EVENT_STOP &&
			    WSTOPSIG(status) == SIGTRAP) {
				th->world_stopped = true;
			} else {
				/* It stopped for its own reason first: handle that
				 * later, as if waitpid had just returned it. */
				th->deferred_status = status;
				th->has_deferred = true;
				t->ndeferred++;
			}
		}
	}
}

void resume_world(struct tracer *t)
{
	for (struct process *p = t->procs; p; p = p->next) {
		for (struct thread *th = p->threads; th; th = th->next_in_proc) {
			if (!th->world_stopped)
				continue;
			th->world_stopped = false;
			thread_resume(t, th, 0);
		}
	}
}

static bool raised_by_kernel(pid_t tid)
{
	siginfo_t si;

	if (ptrace(PTRACE_GETSIGINFO, tid, 0L, &si) < 0)
		return false;
	return si.si_code > 0 && si.si_code != SI_KERNEL &&
	       (si.si_signo == SIGSEGV || si.si_signo == SIGBUS || si.si_signo == SIGFPE ||
		si.si_signo == SIGILL);
}

int singlestep_thread(struct tracer *t, struct thread *th)
{
	int status, rc;

	for (;;) {
		if (ptrace(PTRACE_SINGLESTEP, th->tid, 0L, 0L) < 0)
			return -errno;
		rc = wait_stopped(t, th, &status);
		if (rc < 0)
			return rc;
		if (status >> 16) {
			/* An event inside the stepped instruction (a syscall
			 * that clones or forks): record it, finish the step. */
			if ((status >> 16) != PTRACE_EVENT_STOP)
				handle_event_nonresuming(t, th, status);
			continue;
		}
		if (WSTOPSIG(status) == SIGTRAP)
			return 0;
		/* Not now: delivering it would run the handler in the middle
		 * of our step. It is delivered when the thread resumes. */
		thread_hold_signal(th, WSTOPSIG(status));
		/* The instruction itself faulted: it did not execute, and the
		 * program sees the fault at its own address, as untraced. */
		if (raised_by_kernel(th->tid))
			return 0;
	}
}

static int step_in_place(struct tracer *t, struct thread *th, struct arch_regs *regs,
			 struct site *site)
{
	struct space *s = th->proc->space;
	int rc;

	/* The only mode that removes the int3: nobody else may run meanwhile. */
	arch_set_ip(regs, site->addr);
	rc = arch_regs_set(th->tid, regs);
	if (rc < 0)
		return rc;
	stop_world(t, th);
	rc = mem_poke(s->memfd, site->addr, site->plan.insn, arch_trap_len);
	if (rc == 0) {
		rc = singlestep_thread(t, th);
		mem_poke(s->memfd, site->addr, arch_trap_insn, arch_trap_len);
	}
	resume_world(t);
	if (rc < 0)
		return rc;
	rc = arch_regs_get(th->tid, regs);
	if (rc < 0)
		return rc;
	th->resume_ip = arch_ip(regs);
	return thread_resume(t, th, 0);
}

int step_over(struct tracer *t, struct thread *th, struct arch_regs *regs, struct site *site)
{
	struct arch_mem mem;
	int rc;

	switch (site->plan.mode) {
	case ARCH_STEP_EMULATE:
		thread_mem(th, &mem);
		rc = arch_emulate(&site->plan, regs, &mem);
		if (rc < 0) {
			fetch_stub_cancel(t, th);
			return step_in_place(t, th, regs, site);
		}
		break;
	case ARCH_STEP_XOL:
		arch_set_ip(regs, site->slot_addr);
		break;
	default:
		fetch_stub_cancel(t, th);
		return step_in_place(t, th, regs, site);
	}
	/* a hit whose memory the tracee copies goes through the stub first */
	fetch_stub_redirect(t, th, regs);
	rc = arch_regs_set(th->tid, regs);
	if (rc < 0)
		return rc;
	th->resume_ip = arch_ip(regs);
	return thread_resume(t, th, 0);
}
