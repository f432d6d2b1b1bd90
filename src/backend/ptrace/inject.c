/* inject.c: make a stopped thread run one system call for us (mmap, munmap). */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backend/ptrace/tracee.h"
#include "proc/mem.h"
#include "util/log.h"

int inject_syscall(struct tracer *t, struct thread *th, uint64_t gadget, long nr,
		   const uint64_t args[6], int64_t *result)
{
	struct arch_regs saved, regs;
	int rc, status;

	rc = arch_regs_get(th->tid, &saved);
	if (rc < 0)
		return rc;
	regs = saved;
	arch_syscall_prepare(&regs, nr, args, gadget);
	rc = arch_regs_set(th->tid, &regs);
	if (rc < 0)
		return rc;
	/* Syscall-entry and -exit stops, not a trap after the syscall: they
	 * are ptrace notifications, not signals, so nothing is forced on the
	 * program (a forced SIGTRAP while it blocks SIGTRAP would reset its
	 * handler, see sigtrap.c). */
	for (bool entered = false;;) {
		if (ptrace(PTRACE_SYSCALL, th->tid, 0L, 0L) < 0)
			return -errno;
		rc = wait_stopped(t, th, &status);
		if (rc < 0)
			return rc;
		if (status >> 16)
			continue; /* an event stop (interrupt): keep going */
		if (WSTOPSIG(status) == (SIGTRAP | 0x80)) {
			if (!entered) {
				entered = true;
				continue;
			}
			rc = arch_regs_get(th->tid, &regs);
			if (rc < 0)
				return rc;
			break;
		}
		/* A signal for the program arrived meanwhile: hold it, deliver
		 * it when the thread resumes for real. */
		thread_hold_signal(th, WSTOPSIG(status));
	}
	*result = arch_syscall_result(&regs);
	rc = arch_regs_set(th->tid, &saved);
	if (rc < 0 || !arch_syscall_restarts(&saved))
		return rc;
	/* The thread was inside a system call (attach interrupts sleepers).
	 * The kernel restarts such a call only on its way out through the
	 * signal path, which a syscall-exit stop skips: go back there with an
	 * interrupt stop, so the program's call restarts as if never touched. */
	if (ptrace(PTRACE_INTERRUPT, th->tid, 0L, 0L) < 0 ||
	    ptrace(PTRACE_CONT, th->tid, 0L, 0L) < 0)
		return -errno;
	for (;;) {
		rc = wait_stopped(t, th, &status);
		if (rc < 0)
			return rc;
		if ((status >> 16) == PTRACE_EVENT_STOP) {
			th->event_stop = true; /* a signal given at resume would be lost */
			return 0;
		}
		if (!(status >> 16))
			thread_hold_signal(th, WSTOPSIG(status));
		if (ptrace(PTRACE_CONT, th->tid, 0L, 0L) < 0)
			return -errno;
	}
}

static int auxv_entry(pid_t pid, uint64_t *entry)
{
	char path[64];
	Elf64_auxv_t aux;
	int fd, rc = -ENOENT;

	snprintf(path, sizeof(path), "/proc/%d/auxv", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (read(fd, &aux, sizeof(aux)) == sizeof(aux) && aux.a_type != AT_NULL) {
		if (aux.a_type == AT_ENTRY) {
			*entry = aux.a_un.a_val;
			rc = 0;
			break;
		}
	}
	close(fd);
	return rc;
}

int inject_syscall_bootstrap(struct tracer *t, struct thread *th, long nr,
			     const uint64_t args[6], int64_t *result)
{
	struct space *s = th->proc->space;
	uint8_t saved[16];
	uint64_t entry = 0;
	int rc, rc2;

	/* The program's entry point runs once, at start; with every thread
	 * stopped nobody else can execute the gadget while it is there. */
	rc = auxv_entry(th->proc->pid, &entry);
	if (rc < 0)
		return rc;
	rc = mem_peek(s->memfd, entry, saved, arch_syscall_gadget_len);
	if (rc < 0)
		return rc;
	rc = mem_poke(s->memfd, entry, arch_syscall_gadget, arch_syscall_gadget_len);
	if (rc < 0)
		return rc;
	rc = inject_syscall(t, th, entry, nr, args, result);
	rc2 = mem_poke(s->memfd, entry, saved, arch_syscall_gadget_len);
	return rc < 0 ? rc : rc2;
}
