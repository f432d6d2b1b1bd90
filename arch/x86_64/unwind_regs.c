/* unwind_regs.c: libunwind's x86-64 register numbers, as utap's register indices. */
#include <libunwind.h>

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
