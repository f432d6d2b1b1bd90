/* test_arch_sdt.c: SDT marker operands (GAS x86-64) as one-liner fetches. */
#include <errno.h>
#include <string.h>

#include "arch/arch.h"
#include "tests/tap.h"

static const char *conv(const char *spec)
{
	static char buf[64];
	int rc = arch_sdt_arg(spec, strlen(spec), buf, sizeof(buf));

	if (rc == -EINVAL)
		return "EINVAL";
	if (rc == -ENOTSUP)
		return "ENOTSUP";
	return buf;
}

int main(void)
{
	is_str(conv("-4@%edi"), "%di:s32", "a 32-bit register, signed");
	is_str(conv("8@%rsi"), "%si:u64", "a 64-bit register");
	is_str(conv("1@%al"), "%ax:u8", "a byte register");
	is_str(conv("-2@%r9w"), "%r9:s16", "r9's 16 bits");
	is_str(conv("4@%r12d"), "%r12:u32", "r12's 32 bits");
	is_str(conv("-8@%rbp"), "%bp:s64", "rbp as a general register");
	is_str(conv("8@-8(%rbp)"), "-8(%bp):u64", "memory below a register");
	is_str(conv("-4@16(%rsp)"), "+16(%sp):s32", "memory above a register");
	is_str(conv("4@(%rdx)"), "+0(%dx):u32", "memory at a register");
	is_str(conv("-4@$42"), "\\42:s32", "a constant");
	is_str(conv("8@$-1"), "\\-1:u64", "a negative constant");
	is_str(conv("8@x(%rip)"), "ENOTSUP", "a symbol: not supported");
	is_str(conv("8@8(%rax,%rbx,4)"), "ENOTSUP", "an index register: not supported");
	is_str(conv("8@%xmm0"), "ENOTSUP", "a vector register: not supported");
	is_str(conv("3@%eax"), "EINVAL", "a size that does not exist");
	is_str(conv("%eax"), "EINVAL", "no size");
	return tap_done();
}
