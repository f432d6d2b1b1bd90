/* snapshot.c: the main process stopped whole, for a hook that reads all of
 * it (utap leaks' scan): at its exit while its memory is still there,
 * before detaching, and between stops when asked. */
#define _GNU_SOURCE
#include <stdlib.h>

#include "backend/ptrace/tracee.h"

static volatile int snapshot_requested;

void backend_request_snapshot(void)
{
	snapshot_requested = 1;
}

static struct process *main_process(struct tracer *t)
{
	for (struct process *p = t->procs; p; p = p->next)
		if (p->main)
			return p;
	return NULL;
}

/* Hand the hook PROC with the registers of its stopped threads. */
static void deliver(struct tracer *t, struct process *proc, enum backend_snapshot_why why)
{
	struct backend_thread *threads = NULL;
	struct arch_regs *regs = NULL;
	struct backend_snapshot snap = {.why = why, .pid = proc->pid};
	struct thread *any = NULL;
	struct arch_mem mem;
	size_t n = 0, cap = 0;

	for (struct thread *th = proc->threads; th; th = th->next_in_proc)
		cap++;
	threads = calloc(cap ? cap : 1, sizeof(*threads));
	regs = calloc(cap ? cap : 1, sizeof(*regs));
	if (!threads || !regs)
		goto out;
	for (struct thread *th = proc->threads; th; th = th->next_in_proc) {
		if (th->state != THREAD_STOPPED || arch_regs_get(th->tid, &regs[n]) < 0)
			continue;
		threads[n].tid = th->tid;
		threads[n].regs = &regs[n];
		n++;
		any = th;
	}
	if (!any)
		goto out; /* nothing stopped to read through */
	thread_mem(any, &mem);
	snap.mem = &mem;
	snap.threads = threads;
	snap.nthreads = n;
	t->hooks->snapshot(t->hooks->data, &snap);
out:
	free(threads);
	free(regs);
}

void snapshot_at_exit(struct tracer *t, struct thread *th)
{
	struct process *proc = th->proc;

	th->exiting = true;
	if (!t->hooks || !t->hooks->snapshot || !proc->main || !proc->report || proc->snapshot_taken)
		return;
	/* The process is gone once its last thread is: that is the moment,
	 * a thread ending alone (pthread_exit) is not. */
	for (struct thread *o = proc->threads; o; o = o->next_in_proc)
		if (!o->exiting)
			return;
	proc->snapshot_taken = true;
	deliver(t, proc, SNAPSHOT_EXIT);
}

void snapshot_before_detach(struct tracer *t)
{
	struct process *proc = main_process(t);

	if (t->hooks && t->hooks->snapshot && proc && proc->report && !proc->snapshot_taken) {
		proc->snapshot_taken = true;
		deliver(t, proc, SNAPSHOT_DETACH);
	}
}

void snapshot_if_asked(struct tracer *t)
{
	struct process *proc;

	if (!snapshot_requested)
		return;
	snapshot_requested = 0;
	proc = main_process(t);
	if (!t->hooks || !t->hooks->snapshot || !proc || !proc->report || proc->snapshot_taken)
		return;
	stop_world(t, NULL);
	deliver(t, proc, SNAPSHOT_ASKED);
	resume_world(t);
}
