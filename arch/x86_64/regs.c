/* regs.c: x86-64 registers of a stopped thread, their names, the SysV ABI. */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/ptrace.h>

#include "arch/x86_64/x86.h"

/* Offsets into struct user_regs_struct, indexed by enum arch_x86_reg. */
static const size_t reg_offset[ARCH_REG_COUNT] = {
    [ARCH_REG_AX] = offsetof(struct user_regs_struct, rax),
    [ARCH_REG_BX] = offsetof(struct user_regs_struct, rbx),
    [ARCH_REG_CX] = offsetof(struct user_regs_struct, rcx),
    [ARCH_REG_DX] = offsetof(struct user_regs_struct, rdx),
    [ARCH_REG_SI] = offsetof(struct user_regs_struct, rsi),
    [ARCH_REG_DI] = offsetof(struct user_regs_struct, rdi),
    [ARCH_REG_BP] = offsetof(struct user_regs_struct, rbp),
    [ARCH_REG_SP] = offsetof(struct user_regs_struct, rsp),
    [ARCH_REG_R8] = offsetof(struct user_regs_struct, r8),
    [ARCH_REG_R9] = offsetof(struct user_regs_struct, r9),
    [ARCH_REG_R10] = offsetof(struct user_regs_struct, r10),
    [ARCH_REG_R11] = offsetof(struct user_regs_struct, r11),
    [ARCH_REG_R12] = offsetof(struct user_regs_struct, r12),
    [ARCH_REG_R13] = offsetof(struct user_regs_struct, r13),
    [ARCH_REG_R14] = offsetof(struct user_regs_struct, r14),
    [ARCH_REG_R15] = offsetof(struct user_regs_struct, r15),
    [ARCH_REG_IP] = offsetof(struct user_regs_struct, rip),
    [ARCH_REG_FLAGS] = offsetof(struct user_regs_struct, eflags),
    [ARCH_REG_CS] = offsetof(struct user_regs_struct, cs),
    [ARCH_REG_SS] = offsetof(struct user_regs_struct, ss),
    [ARCH_REG_DS] = offsetof(struct user_regs_struct, ds),
    [ARCH_REG_ES] = offsetof(struct user_regs_struct, es),
    [ARCH_REG_FS] = offsetof(struct user_regs_struct, fs),
    [ARCH_REG_GS] = offsetof(struct user_regs_struct, gs),
    [ARCH_REG_ORIG_AX] = offsetof(struct user_regs_struct, orig_rax),
    [ARCH_REG_FS_BASE] = offsetof(struct user_regs_struct, fs_base),
    [ARCH_REG_GS_BASE] = offsetof(struct user_regs_struct, gs_base),
};

/* The names uprobe_events uses, indexed by enum arch_x86_reg. */
const char *const arch_reg_names[] = {
    "ax",  "bx",  "cx",	 "dx",	"si",	   "di",      "bp",	 "sp",	  "r8", "r9",
    "r10", "r11", "r12", "r13", "r14",	   "r15",     "ip",	 "flags", "cs", "ss",
    "ds",  "es",  "fs",	 "gs",	"orig_ax", "fs_base", "gs_base", NULL,
};

/* Long forms people type from objdump or gdb, mapped to the short name. */
static const struct {
	const char *alias;
	int index;
} reg_aliases[] = {
    {"rax", ARCH_REG_AX},	{"eax", ARCH_REG_AX},	    {"rbx", ARCH_REG_BX},
    {"ebx", ARCH_REG_BX},	{"rcx", ARCH_REG_CX},	    {"ecx", ARCH_REG_CX},
    {"rdx", ARCH_REG_DX},	{"edx", ARCH_REG_DX},	    {"rsi", ARCH_REG_SI},
    {"esi", ARCH_REG_SI},	{"rdi", ARCH_REG_DI},	    {"edi", ARCH_REG_DI},
    {"rbp", ARCH_REG_BP},	{"ebp", ARCH_REG_BP},	    {"rsp", ARCH_REG_SP},
    {"esp", ARCH_REG_SP},	{"rip", ARCH_REG_IP},	    {"eip", ARCH_REG_IP},
    {"eflags", ARCH_REG_FLAGS}, {"rflags", ARCH_REG_FLAGS}, {"orig_rax", ARCH_REG_ORIG_AX},
};

int arch_regs_get(pid_t tid, struct arch_regs *regs)
{
	if (ptrace(PTRACE_GETREGS, tid, NULL, &regs->user) < 0)
		return -errno;
	return 0;
}

int arch_regs_set(pid_t tid, const struct arch_regs *regs)
{
	if (ptrace(PTRACE_SETREGS, tid, NULL, &regs->user) < 0)
		return -errno;
	return 0;
}

uint64_t arch_ip(const struct arch_regs *regs)
{
	return regs->user.rip;
}

void arch_set_ip(struct arch_regs *regs, uint64_t ip)
{
	regs->user.rip = ip;
}

uint64_t arch_sp(const struct arch_regs *regs)
{
	return regs->user.rsp;
}

uint64_t arch_retval(const struct arch_regs *regs)
{
	return regs->user.rax;
}

int arch_reg_index(const char *name)
{
	size_t i;

	if (!name)
		return -1;
	if (name[0] == '%') /* "%rdi" as written in AT&T syntax */
		name++;
	for (i = 0; i < ARCH_REG_COUNT; i++)
		if (strcmp(name, arch_reg_names[i]) == 0)
			return (int)i;
	for (i = 0; i < sizeof(reg_aliases) / sizeof(reg_aliases[0]); i++)
		if (strcmp(name, reg_aliases[i].alias) == 0)
			return reg_aliases[i].index;
	return -1;
}

const char *arch_reg_name(int index)
{
	if (index < 0 || index >= ARCH_REG_COUNT)
		return NULL;
	return arch_reg_names[index];
}

uint64_t arch_tls_base(const struct arch_regs *regs)
{
	return regs->user.fs_base;
}

size_t arch_regs_values(const struct arch_regs *regs, uint64_t *out, size_t max)
{
	size_t n = 0;

	for (int i = ARCH_REG_AX; i <= ARCH_REG_R15 && n < max; i++)
		out[n++] = arch_reg_value(regs, i);
	return n;
}

uint64_t arch_reg_value(const struct arch_regs *regs, int index)
{
	uint64_t value;

	if (index < 0 || index >= ARCH_REG_COUNT)
		return 0;
	memcpy(&value, (const char *)&regs->user + reg_offset[index], sizeof(value));
	return value;
}

/* Write one register by index; the emulator uses it for push/pop. */
void arch_x86_reg_set(struct arch_regs *regs, int index, uint64_t value)
{
	if (index < 0 || index >= ARCH_REG_COUNT)
		return;
	memcpy((char *)&regs->user + reg_offset[index], &value, sizeof(value));
}

void arch_set_reg(struct arch_regs *regs, int index, uint64_t value)
{
	arch_x86_reg_set(regs, index, value);
}

void arch_set_sp(struct arch_regs *regs, uint64_t sp)
{
	regs->user.rsp = sp;
}

/* System V AMD64: integer arguments in rdi rsi rdx rcx r8 r9, then on the
 * stack above the return address. */
int arch_arg_location(unsigned n, int64_t *stack_offset)
{
	static const int arg_regs[6] = {
	    ARCH_REG_DI, ARCH_REG_SI, ARCH_REG_DX, ARCH_REG_CX, ARCH_REG_R8, ARCH_REG_R9,
	};

	if (n < 6)
		return arg_regs[n];
	if (stack_offset)
		*stack_offset = 8 * ((int64_t)n - 6 + 1);
	return -1;
}

/* At entry the call has just pushed the return address: it is at (%rsp). */
uint64_t arch_return_address_slot(const struct arch_regs *regs)
{
	return regs->user.rsp;
}

const uint8_t arch_trap_insn[] = {0xcc};
const size_t arch_trap_len = sizeof(arch_trap_insn);

/* int3 is a trap: the reported ip is just past the one-byte instruction. */
uint64_t arch_site_from_trap_ip(uint64_t ip)
{
	return ip - 1;
}

/* The System V x86-64 psABI's DWARF register numbers 0-16. */
static const int dwarf_regs[] = {
    ARCH_REG_AX,  ARCH_REG_DX,  ARCH_REG_CX,  ARCH_REG_BX,  ARCH_REG_SI,  ARCH_REG_DI,
    ARCH_REG_BP,  ARCH_REG_SP,  ARCH_REG_R8,  ARCH_REG_R9,  ARCH_REG_R10, ARCH_REG_R11,
    ARCH_REG_R12, ARCH_REG_R13, ARCH_REG_R14, ARCH_REG_R15, ARCH_REG_IP,
};

int arch_dwarf_reg(unsigned dwarf_regno)
{
	if (dwarf_regno >= sizeof(dwarf_regs) / sizeof(dwarf_regs[0]))
		return -1;
	return dwarf_regs[dwarf_regno];
}
