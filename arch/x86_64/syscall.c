/* syscall.c: code utap injects into a tracee: the return trampoline, syscalls. */
#include <stdint.h>

#include "arch/arch.h"

/* A return probe trampoline only has to trap; utap does the rest. */
const uint8_t arch_trampoline_code[] = {0xcc};
const size_t arch_trampoline_len = sizeof(arch_trampoline_code);

/* syscall; int3 — the trap brings the thread back to utap with the result. */
const uint8_t arch_syscall_gadget[] = {0x0f, 0x05, 0xcc};
const size_t arch_syscall_gadget_len = sizeof(arch_syscall_gadget);

void arch_syscall_prepare(struct arch_regs *regs, long nr, const uint64_t args[6],
			  uint64_t gadget_addr)
{
	regs->user.rax = (uint64_t)nr;
	regs->user.rdi = args[0];
	regs->user.rsi = args[1];
	regs->user.rdx = args[2];
	regs->user.r10 = args[3]; /* the kernel ABI uses r10, not rcx */
	regs->user.r8 = args[4];
	regs->user.r9 = args[5];
	regs->user.rip = gadget_addr;
	/*
	 * A thread stopped inside an interrupted syscall has orig_rax >= 0 and
	 * rax = -ERESTART*: on resume the kernel would rewind rip by 2 and
	 * restart *that* call. orig_rax = -1 says "not in a syscall".
	 */
	regs->user.orig_rax = (uint64_t)-1;
}

int64_t arch_syscall_result(const struct arch_regs *regs)
{
	return (int64_t)regs->user.rax;
}

bool arch_syscall_restarts(const struct arch_regs *regs)
{
	int64_t ret = (int64_t)regs->user.rax;

	/* -ERESTARTSYS, -ERESTARTNOINTR, -ERESTARTNOHAND, -ERESTART_RESTARTBLOCK:
	 * the kernel's private codes for "restart me on the way out". */
	return (int64_t)regs->user.orig_rax >= 0 && (ret == -512 || ret == -513 || ret == -514 ||
						      ret == -516);
}
