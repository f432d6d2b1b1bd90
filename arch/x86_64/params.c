/* params.c: where the System V x86-64 calling convention puts parameters
 * and return values, for fetching them by name at a function's entry. */
#include "arch/x86_64/x86.h"

#define INT_ARG_REGS 6
#define FLOAT_ARG_REGS 8

static const int int_arg_regs[INT_ARG_REGS] = {
    ARCH_REG_DI, ARCH_REG_SI, ARCH_REG_DX, ARCH_REG_CX, ARCH_REG_R8, ARCH_REG_R9,
};

void arch_param_locations(const enum arch_param_class *cls, const size_t *sizes, size_t n,
			  bool hidden_return, struct arch_param_loc *out)
{
	unsigned next_int = hidden_return ? 1 : 0, next_float = 0;
	/* Arguments that do not fit registers go on the stack, in order,
	 * each in 8-byte units, just above the return address. */
	int64_t stack = 8;
	bool known = true;

	for (size_t i = 0; i < n; i++) {
		struct arch_param_loc *loc = &out[i];
		size_t words = (sizes[i] + 7) / 8;

		loc->reg = -1;
		loc->stack_offset = 0;
		if (!known || cls[i] == ARCH_PARAM_OTHER) {
			/* A small aggregate may take one or two registers of
			 * either kind: what follows cannot be placed. */
			known = false;
			loc->kind = ARCH_LOC_UNKNOWN;
			continue;
		}
		if (cls[i] == ARCH_PARAM_INT && next_int < INT_ARG_REGS) {
			loc->kind = ARCH_LOC_REG;
			loc->reg = int_arg_regs[next_int++];
			continue;
		}
		if (cls[i] == ARCH_PARAM_FLOAT && next_float < FLOAT_ARG_REGS) {
			loc->kind = ARCH_LOC_FPREG;
			loc->reg = (int)next_float++;
			continue;
		}
		loc->kind = ARCH_LOC_STACK;
		loc->stack_offset = stack;
		stack += 8 * (int64_t)(words ? words : 1);
	}
}

struct arch_param_loc arch_return_location(enum arch_param_class cls)
{
	struct arch_param_loc loc = {.kind = ARCH_LOC_UNKNOWN, .reg = -1};

	if (cls == ARCH_PARAM_INT) {
		loc.kind = ARCH_LOC_REG;
		loc.reg = ARCH_REG_AX;
	} else if (cls == ARCH_PARAM_FLOAT) {
		loc.kind = ARCH_LOC_FPREG;
		loc.reg = 0;
	}
	return loc;
}
