/* test_arch_regs.c: x86-64 register names, ABI locations, injected code. */
#include <stdint.h>
#include <string.h>

#include "arch/arch.h"
#include "tests/tap.h"

static void test_names(void)
{
	static const struct {
		const char *name;
		int index;
	} table[] = {
	    {"ax", ARCH_REG_AX},
	    {"rax", ARCH_REG_AX},
	    {"eax", ARCH_REG_AX},
	    {"di", ARCH_REG_DI},
	    {"rdi", ARCH_REG_DI},
	    {"edi", ARCH_REG_DI},
	    {"%rsi", ARCH_REG_SI},
	    {"r8", ARCH_REG_R8},
	    {"r15", ARCH_REG_R15},
	    {"ip", ARCH_REG_IP},
	    {"rip", ARCH_REG_IP},
	    {"flags", ARCH_REG_FLAGS},
	    {"eflags", ARCH_REG_FLAGS},
	    {"orig_ax", ARCH_REG_ORIG_AX},
	    {"fs_base", ARCH_REG_FS_BASE},
	    {"gs", ARCH_REG_GS},
	    {"xyz", -1},
	    {"", -1},
	};
	size_t i;
	int n = 0;

	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		is_int(arch_reg_index(table[i].name), table[i].index, "arch_reg_index(\"%s\")",
		       table[i].name);
	for (i = 0; arch_reg_names[i]; i++, n++)
		is_int(arch_reg_index(arch_reg_names[i]), (int)i, "name %s round-trips",
		       arch_reg_names[i]);
	is_int(n, ARCH_REG_COUNT, "every register has a name");
	is_str(arch_reg_name(ARCH_REG_DI), "di", "arch_reg_name(DI)");
	ok(arch_reg_name(-1) == NULL && arch_reg_name(ARCH_REG_COUNT) == NULL,
	   "arch_reg_name out of range is NULL");
}

static void test_values(void)
{
	struct arch_regs regs;

	memset(&regs, 0, sizeof(regs));
	regs.user.rdi = 11;
	regs.user.r9 = 99;
	regs.user.rip = 0x401000;
	regs.user.rsp = 0x7ffc0000;
	regs.user.rax = (uint64_t)-5;
	regs.user.eflags = 0x246;
	is_int(arch_reg_value(&regs, arch_reg_index("di")), 11, "value of di");
	is_int(arch_reg_value(&regs, arch_reg_index("r9")), 99, "value of r9");
	is_int(arch_reg_value(&regs, ARCH_REG_FLAGS), 0x246, "value of flags");
	is_int(arch_ip(&regs), 0x401000, "arch_ip");
	arch_set_ip(&regs, 0x401005);
	is_int(regs.user.rip, 0x401005, "arch_set_ip");
	is_int(arch_sp(&regs), 0x7ffc0000, "arch_sp");
	is_int((int64_t)arch_retval(&regs), -5, "arch_retval");
	is_int(arch_return_address_slot(&regs), 0x7ffc0000, "return address at sp on entry");
}

static void test_abi(void)
{
	static const int want[6] = {ARCH_REG_DI, ARCH_REG_SI, ARCH_REG_DX,
				    ARCH_REG_CX, ARCH_REG_R8, ARCH_REG_R9};
	int64_t off = 0;
	unsigned n;

	for (n = 0; n < 6; n++)
		is_int(arch_arg_location(n, &off), want[n], "arg %u register", n);
	is_int(arch_arg_location(6, &off), -1, "arg 6 on the stack");
	is_int(off, 8, "arg 6 at sp+8");
	arch_arg_location(9, &off);
	is_int(off, 32, "arg 9 at sp+32");
}

static void test_injected(void)
{
	static const uint64_t args[6] = {1, 2, 3, 4, 5, 6};
	struct arch_regs regs;

	is_int(arch_trap_len, 1, "int3 is one byte");
	is_int(arch_trap_insn[0], 0xcc, "trap is int3");
	is_int(arch_site_from_trap_ip(0x1001), 0x1000, "site from trap ip");
	is_int(arch_trampoline_len, 1, "trampoline length");
	is_int(arch_trampoline_code[0], 0xcc, "trampoline traps");
	is_int(arch_syscall_gadget_len, 3, "gadget length");
	ok(memcmp(arch_syscall_gadget, "\x0f\x05\xcc", 3) == 0, "gadget is syscall; int3");

	memset(&regs, 0, sizeof(regs));
	regs.user.orig_rax = 7;
	arch_syscall_prepare(&regs, 9, args, 0x7000);
	ok(regs.user.rax == 9 && regs.user.rdi == 1 && regs.user.rsi == 2 && regs.user.rdx == 3 &&
	       regs.user.r10 == 4 && regs.user.r8 == 5 && regs.user.r9 == 6,
	   "syscall registers");
	is_int(regs.user.rip, 0x7000, "rip at gadget");
	is_int((int64_t)regs.user.orig_rax, -1, "restart disabled");
	regs.user.rax = (uint64_t)-12;
	is_int(arch_syscall_result(&regs), -12, "syscall result");
}

int main(void)
{
	test_names();
	test_values();
	test_abi();
	test_injected();
	return tap_done();
}
