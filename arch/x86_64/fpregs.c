/* fpregs.c: the SSE registers of a stopped thread, for float and double values. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>

#include "arch/x86_64/x86.h"

#define XMM_COUNT 16

int arch_fpregs_get(pid_t tid, struct arch_regs *regs)
{
	struct user_fpregs_struct fp;

	if (ptrace(PTRACE_GETFPREGS, tid, NULL, &fp) < 0)
		return -errno;
	/* xmm_space holds each 16-byte register as four 32-bit words; a
	 * double (or a float, in the low word) is in the first eight bytes. */
	for (int i = 0; i < XMM_COUNT; i++)
		memcpy(&regs->xmm[i], &fp.xmm_space[i * 4], sizeof(regs->xmm[i]));
	regs->fp_valid = true;
	return 0;
}

uint64_t arch_fpreg_value(const struct arch_regs *regs, int index)
{
	if (!regs->fp_valid || index < 0 || index >= XMM_COUNT)
		return 0;
	return regs->xmm[index];
}

/* The psABI numbers xmm0..xmm15 as DWARF registers 17..32. */
int arch_dwarf_fpreg(unsigned dwarf_regno)
{
	if (dwarf_regno < 17 || dwarf_regno >= 17 + XMM_COUNT)
		return -1;
	return (int)dwarf_regno - 17;
}

const char *arch_fpreg_name(int index)
{
	static const char *const names[XMM_COUNT] = {
	    "xmm0", "xmm1", "xmm2",  "xmm3",  "xmm4",  "xmm5",  "xmm6",  "xmm7",
	    "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15",
	};

	return index >= 0 && index < XMM_COUNT ? names[index] : "?";
}
