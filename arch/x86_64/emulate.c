/* emulate.c: execute an emulation plan on a thread's registers and stack. */
#include <errno.h>
#include <string.h>

#include "arch/x86_64/x86.h"

/* Lowest non-canonical user address: a jump there must fault in the tracee. */
#define USER_ADDR_LIMIT 0x0000800000000000ULL

bool arch_x86_condition(unsigned cc, uint64_t eflags)
{
	bool cf = eflags & ARCH_FLAG_CF, zf = eflags & ARCH_FLAG_ZF;
	bool sf = eflags & ARCH_FLAG_SF, of = eflags & ARCH_FLAG_OF;
	bool pf = eflags & ARCH_FLAG_PF;
	bool holds;

	/* Even conditions test a flag combination, odd ones its negation. */
	switch (cc >> 1) {
	case 0:
		holds = of;
		break; /* o / no */
	case 1:
		holds = cf;
		break; /* b / ae */
	case 2:
		holds = zf;
		break; /* e / ne */
	case 3:
		holds = cf || zf;
		break; /* be / a */
	case 4:
		holds = sf;
		break; /* s / ns */
	case 5:
		holds = pf;
		break; /* p / np */
	case 6:
		holds = sf != of;
		break; /* l / ge */
	default:
		holds = zf || sf != of;
		break; /* le / g */
	}
	return (cc & 1) ? !holds : holds;
}

static uint64_t common_flags(uint64_t eflags, uint64_t a, uint64_t b, uint64_t r)
{
	eflags &= ~(uint64_t)ARCH_FLAGS_ARITH;
	if (!__builtin_parity(r & 0xff))
		eflags |= ARCH_FLAG_PF;
	if ((a ^ b ^ r) & 0x10)
		eflags |= ARCH_FLAG_AF;
	if (r == 0)
		eflags |= ARCH_FLAG_ZF;
	if (r >> 63)
		eflags |= ARCH_FLAG_SF;
	return eflags;
}

uint64_t arch_x86_flags_add(uint64_t eflags, uint64_t a, uint64_t b, uint64_t r)
{
	eflags = common_flags(eflags, a, b, r);
	if (r < a)
		eflags |= ARCH_FLAG_CF;
	if ((~(a ^ b) & (a ^ r)) >> 63)
		eflags |= ARCH_FLAG_OF;
	return eflags;
}

uint64_t arch_x86_flags_sub(uint64_t eflags, uint64_t a, uint64_t b, uint64_t r)
{
	eflags = common_flags(eflags, a, b, r);
	if (a < b)
		eflags |= ARCH_FLAG_CF;
	if (((a ^ b) & (a ^ r)) >> 63)
		eflags |= ARCH_FLAG_OF;
	return eflags;
}

static uint64_t effective_address(const struct arch_step_plan *plan, const struct arch_regs *regs)
{
	unsigned packed = (unsigned)plan->emu_reg;
	uint64_t ea = (uint64_t)plan->emu_imm;

	if (X86_EA_BASE(packed) != X86_EA_NONE)
		ea += arch_reg_value(regs, X86_EA_BASE(packed));
	if (X86_EA_INDEX(packed) != X86_EA_NONE)
		ea += arch_reg_value(regs, X86_EA_INDEX(packed)) * X86_EA_SCALE(packed);
	if (X86_EA_SEG(packed) == X86_EA_SEG_FS)
		ea += regs->user.fs_base;
	else if (X86_EA_SEG(packed) == X86_EA_SEG_GS)
		ea += regs->user.gs_base;
	return ea;
}

static int push(struct arch_regs *regs, const struct arch_mem *mem, uint64_t value)
{
	uint64_t sp = regs->user.rsp - 8;
	int err;

	err = mem->write(mem->ctx, sp, &value, sizeof(value));
	if (err)
		return err < 0 ? err : -EFAULT;
	regs->user.rsp = sp;
	return 0;
}

static int read_u64(const struct arch_mem *mem, uint64_t addr, uint64_t *value)
{
	int err = mem->read(mem->ctx, addr, value, sizeof(*value));

	return err ? (err < 0 ? err : -EFAULT) : 0;
}

/*
 * Work on a copy and commit only on success: when a stack write fails
 * (the stack has not grown that far yet: ptrace writes do not grow it)
 * the caller falls back to a slot or a step with the registers intact,
 * and the CPU then grows the stack or raises the right fault itself.
 */
int arch_emulate(const struct arch_step_plan *plan, struct arch_regs *regs,
		 const struct arch_mem *mem)
{
	struct arch_regs next = *regs;
	uint64_t after = plan->addr + plan->len;
	uint64_t a, value, target = after;
	int err = 0;

	switch (plan->emu_op) {
	case X86_EMU_NOP:
		break;
	case X86_EMU_PUSH:
		/* push %rsp stores the value from before the decrement */
		err = push(&next, mem, arch_reg_value(regs, plan->emu_reg));
		break;
	case X86_EMU_POP:
		err = read_u64(mem, next.user.rsp, &value);
		if (err)
			break;
		next.user.rsp += 8;
		/* pop %rsp: the loaded value wins over the increment */
		arch_x86_reg_set(&next, plan->emu_reg, value);
		break;
	case X86_EMU_MOV:
		arch_x86_reg_set(&next, X86_MOV_DST(plan->emu_reg),
				 arch_reg_value(regs, X86_MOV_SRC(plan->emu_reg)));
		break;
	case X86_EMU_ADD_IMM:
		a = arch_reg_value(regs, plan->emu_reg);
		value = a + (uint64_t)plan->emu_imm;
		arch_x86_reg_set(&next, plan->emu_reg, value);
		next.user.eflags =
		    arch_x86_flags_add(regs->user.eflags, a, (uint64_t)plan->emu_imm, value);
		break;
	case X86_EMU_SUB_IMM:
		a = arch_reg_value(regs, plan->emu_reg);
		value = a - (uint64_t)plan->emu_imm;
		arch_x86_reg_set(&next, plan->emu_reg, value);
		next.user.eflags =
		    arch_x86_flags_sub(regs->user.eflags, a, (uint64_t)plan->emu_imm, value);
		break;
	case X86_EMU_JMP:
		target = plan->emu_target;
		break;
	case X86_EMU_JCC:
		if (arch_x86_condition(plan->emu_reg, regs->user.eflags))
			target = plan->emu_target;
		break;
	case X86_EMU_CALL:
		target = plan->emu_target;
		err = push(&next, mem, after);
		break;
	case X86_EMU_RET:
		err = read_u64(mem, next.user.rsp, &target);
		next.user.rsp += 8 + (uint64_t)plan->emu_imm;
		break;
	case X86_EMU_JMP_REG:
	case X86_EMU_CALL_REG:
		target = arch_reg_value(regs, plan->emu_reg);
		break;
	case X86_EMU_JMP_MEM:
	case X86_EMU_CALL_MEM:
		err = read_u64(mem, effective_address(plan, regs), &target);
		break;
	default:
		return -EINVAL;
	}
	if (!err && (plan->emu_op == X86_EMU_CALL_REG || plan->emu_op == X86_EMU_CALL_MEM))
		err = push(&next, mem, after);
	if (err)
		return err;
	/* A jump to a non-canonical address faults on the jump itself:
	 * let the CPU do it from a step, with the right signal. */
	if (target >= USER_ADDR_LIMIT)
		return -EFAULT;
	next.user.rip = target;
	*regs = next;
	return 0;
}
