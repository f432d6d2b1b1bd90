/* sigtrap.c: keep a program's own SIGTRAP handler alive under our int3s.
 *
 * An int3 hit while SIGTRAP is blocked (inside the program's SIGTRAP
 * handler) is a forced signal: the kernel resets the handler to SIG_DFL and
 * unblocks SIGTRAP before we even see the stop, and the program's next
 * SIGTRAP would kill it. Kernel uprobes raise no signal; we must repair it.
 * So whenever we hand a real SIGTRAP to the program we remember its
 * disposition, and after a hit in such a process we put it back if our
 * trap reset it. Programs that never receive a SIGTRAP pay nothing. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include "backend/ptrace/tracee.h"
#include "proc/mem.h"
#include "proc/status.h"
#include "util/log.h"

/* The kernel's struct sigaction on x86-64: handler, flags, restorer, mask. */
#define KSIGACTION_SIZE 32
/* Scratch below the stack pointer, past the red zone the program may use. */
#define SCRATCH_BELOW 1024

static bool trap_caught(pid_t pid)
{
	uint64_t mask;

	if (proc_status_sigmask(pid, "SigCgt", &mask) < 0)
		return true; /* cannot tell: do nothing */
	return mask & (1ull << (SIGTRAP - 1));
}

static int scratch(struct thread *th, uint64_t *addr)
{
	struct arch_regs regs;
	int rc = arch_regs_get(th->tid, &regs);

	if (rc == 0)
		*addr = (arch_sp(&regs) - SCRATCH_BELOW) & ~15ull;
	return rc;
}

void sigtrap_remember(struct tracer *t, struct thread *th)
{
	struct process *proc = th->proc;
	uint64_t buf = 0, args[6] = {SIGTRAP, 0, 0, 8, 0, 0};
	int64_t got;

	if (!proc->space->gadget || scratch(th, &buf) < 0)
		return;
	args[2] = buf;
	if (inject_syscall(t, th, proc->space->gadget, SYS_rt_sigaction, args, &got) < 0 || got) {
		log_debug("pid %d: cannot read the SIGTRAP action: %lld", proc->pid, (long long)got);
		return;
	}
	if (mem_read(th->tid, buf, proc->trap_action, KSIGACTION_SIZE) < 0)
		return;
	memcpy(&buf, proc->trap_action, sizeof(buf)); /* the handler */
	proc->trap_handler = buf != (uint64_t)(uintptr_t)SIG_DFL &&
			     buf != (uint64_t)(uintptr_t)SIG_IGN;
	log_debug("pid %d: SIGTRAP handler %#llx", proc->pid, (unsigned long long)buf);
}

void sigtrap_repair(struct tracer *t, struct thread *th)
{
	struct process *proc = th->proc;
	uint64_t buf = 0, args[6] = {SIGTRAP, 0, 0, 8, 0, 0}, block = 1ull << (SIGTRAP - 1);
	int64_t got;

	if (!proc->trap_handler || !proc->space->gadget || trap_caught(proc->pid))
		return;
	if (scratch(th, &buf) < 0 ||
	    mem_write(th->tid, buf, proc->trap_action, KSIGACTION_SIZE) < 0 ||
	    mem_write(th->tid, buf + KSIGACTION_SIZE, &block, sizeof(block)) < 0)
		return;
	args[1] = buf;
	if (inject_syscall(t, th, proc->space->gadget, SYS_rt_sigaction, args, &got) < 0 || got)
		return;
	/* It was reset because SIGTRAP was blocked in this thread: block it again. */
	args[0] = SIG_BLOCK;
	args[1] = buf + KSIGACTION_SIZE;
	args[2] = 0;
	inject_syscall(t, th, proc->space->gadget, SYS_rt_sigprocmask, args, &got);
	log_debug("pid %d: restored the SIGTRAP handler our int3 had reset", proc->pid);
}
