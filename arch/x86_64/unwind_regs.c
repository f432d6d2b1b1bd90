/* unwind_regs.c: registers for stack walks and scripts: libunwind's numbering, print_regs(). */
#include <libunwind.h>
#include <stdio.h>

#include "arch/arch.h"

int arch_unwind_reg(int unw_regnum)
{
	/* libunwind numbers rax..r15 and rip as the psABI's DWARF registers 0..16. */
	_Static_assert(UNW_X86_64_RAX == 0 && UNW_X86_64_RBX == 3 && UNW_X86_64_RBP == 6 &&
			       UNW_X86_64_RSP == 7 && UNW_X86_64_R15 == 15 && UNW_X86_64_RIP == 16,
		       "libunwind's x86-64 register numbers are the DWARF ones");
	if (unw_regnum < 0 || unw_regnum > UNW_X86_64_RIP)
		return -1;
	return arch_dwarf_reg((unsigned)unw_regnum);
}

void arch_unwind_entry_frame(struct arch_regs *regs, uint64_t *slot, uint64_t *value)
{
	/* What "push %rbp; mov %rsp,%rbp" would make of it: the frame-pointer
	 * chain then leads to the return address at the old %rsp. */
	*value = regs->user.rbp;
	regs->user.rsp -= 8;
	*slot = regs->user.rsp;
	regs->user.rbp = regs->user.rsp;
}

int arch_regs_text(const struct arch_regs *regs, char *buf, size_t n)
{
	const struct user_regs_struct *r = &regs->user;

	/* The layout of SystemTap's print_regs() on x86-64. */
	return snprintf(buf, n,
			"RIP: %04llx:[<%016llx>]\n"
			"RSP: %04llx:%016llx  EFLAGS: %08llx\n"
			"RAX: %016llx RBX: %016llx RCX: %016llx\n"
			"RDX: %016llx RSI: %016llx RDI: %016llx\n"
			"RBP: %016llx R08: %016llx R09: %016llx\n"
			"R10: %016llx R11: %016llx R12: %016llx\n"
			"R13: %016llx R14: %016llx R15: %016llx\n"
			"FS:  %016llx GS:  %016llx\n",
			r->cs, r->rip, r->ss, r->rsp, r->eflags, r->rax, r->rbx, r->rcx, r->rdx,
			r->rsi, r->rdi, r->rbp, r->r8, r->r9, r->r10, r->r11, r->r12, r->r13, r->r14,
			r->r15, r->fs_base, r->gs_base);
}
