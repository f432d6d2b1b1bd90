/* emulate.c: instructions the tracer executes itself, without a step or a slot. */
#include <errno.h>
#include <string.h>

#include <capstone/capstone.h>

#include "arch/x86_64/x86.h"

/* Lowest non-canonical user address: a jump there must fault in the tracee. */
#define USER_ADDR_LIMIT 0x0000800000000000ULL

int arch_x86_gpr64(unsigned capstone_reg)
{
	switch (capstone_reg) {
	case X86_REG_RAX: return ARCH_REG_AX;
	case X86_REG_RBX: return ARCH_REG_BX;
	case X86_REG_RCX: return ARCH_REG_CX;
	case X86_REG_RDX: return ARCH_REG_DX;
	case X86_REG_RSI: return ARCH_REG_SI;
	case X86_REG_RDI: return ARCH_REG_DI;
	case X86_REG_RBP: return ARCH_REG_BP;
	case X86_REG_RSP: return ARCH_REG_SP;
	case X86_REG_R8: return ARCH_REG_R8;
	case X86_REG_R9: return ARCH_REG_R9;
	case X86_REG_R10: return ARCH_REG_R10;
	case X86_REG_R11: return ARCH_REG_R11;
	case X86_REG_R12: return ARCH_REG_R12;
	case X86_REG_R13: return ARCH_REG_R13;
	case X86_REG_R14: return ARCH_REG_R14;
	case X86_REG_R15: return ARCH_REG_R15;
	}
	return -1;
}

bool arch_x86_has_prefix(const struct dis_insn *insn, uint8_t byte)
{
	unsigned i;

	for (i = 0; i < insn->nprefixes; i++)
		if (insn->prefixes[i] == byte)
			return true;
	return false;
}

/* Prefixes an emulated branch may carry: bnd (f2, MPX, a no-op today),
 * rep (f3, the "repz ret" idiom), and the cs/ds/es/ss overrides which do
 * nothing in 64-bit mode (cs/ds on jcc are branch hints, ds on an
 * indirect branch is CET's notrack). Operand/address size change the
 * semantics, fs/gs change the address: those are handled elsewhere. */
static bool only_neutral_prefixes(const struct dis_insn *insn)
{
	unsigned i;

	for (i = 0; i < insn->nprefixes; i++) {
		switch (insn->prefixes[i]) {
		case 0xf2: case 0xf3:
		case 0x26: case 0x2e: case 0x36: case 0x3e:
			break;
		default:
			return false;
		}
	}
	return true;
}

static void claim(struct arch_step_plan *plan, int op, int reg, int64_t imm,
		  uint64_t target)
{
	plan->emu_op = op;
	plan->emu_reg = reg;
	plan->emu_imm = imm;
	plan->emu_target = target;
}

/* endbr64/endbr32 (no indirect-branch tracking in user space yet) and every
 * nop: the multi-byte 0f 1f forms never touch their memory operand. */
static int claim_nop(const struct dis_insn *insn, struct arch_step_plan *plan)
{
	if (insn->id != X86_INS_NOP && insn->id != X86_INS_ENDBR64 &&
	    insn->id != X86_INS_ENDBR32)
		return -ENOENT;
	claim(plan, X86_EMU_NOP, 0, 0, 0);
	return 0;
}

/* One 64-bit general register operand, no prefix but REX. */
static int single_gpr(const struct dis_insn *insn)
{
	if (insn->nprefixes || insn->op_count != 1 ||
	    insn->op[0].type != DIS_OP_REG || insn->op[0].size != 8)
		return -1;
	return arch_x86_gpr64(insn->op[0].reg);
}

static int claim_push_pop(const struct dis_insn *insn,
			  struct arch_step_plan *plan)
{
	int reg;

	if (insn->id != X86_INS_PUSH && insn->id != X86_INS_POP)
		return -ENOENT;
	reg = single_gpr(insn);
	if (reg < 0)
		return -ENOENT;
	claim(plan, insn->id == X86_INS_PUSH ? X86_EMU_PUSH : X86_EMU_POP,
	      reg, 0, 0);
	return 0;
}

/* mov %reg64,%reg64: both encodings (89 and 8b) decode the same way. */
static int claim_mov(const struct dis_insn *insn, struct arch_step_plan *plan)
{
	int dst, src;

	if (insn->id != X86_INS_MOV || insn->nprefixes || insn->op_count != 2 ||
	    insn->op[0].type != DIS_OP_REG || insn->op[1].type != DIS_OP_REG ||
	    insn->op[0].size != 8 || insn->op[1].size != 8)
		return -ENOENT;
	dst = arch_x86_gpr64(insn->op[0].reg);
	src = arch_x86_gpr64(insn->op[1].reg);
	if (dst < 0 || src < 0)
		return -ENOENT;
	claim(plan, X86_EMU_MOV, X86_MOV_PACK(dst, src), 0, 0);
	return 0;
}

/* add/sub $imm,%reg64 (imm8 or imm32, sign-extended): sub $N,%rsp opens
 * most frames. Flags are recomputed exactly as the CPU would. */
static int claim_add_sub(const struct dis_insn *insn,
			 struct arch_step_plan *plan)
{
	int reg;

	if ((insn->id != X86_INS_ADD && insn->id != X86_INS_SUB) ||
	    insn->nprefixes || insn->op_count != 2 ||
	    insn->op[0].type != DIS_OP_REG || insn->op[0].size != 8 ||
	    insn->op[1].type != DIS_OP_IMM)
		return -ENOENT;
	reg = arch_x86_gpr64(insn->op[0].reg);
	if (reg < 0)
		return -ENOENT;
	claim(plan, insn->id == X86_INS_ADD ? X86_EMU_ADD_IMM : X86_EMU_SUB_IMM,
	      reg, insn->op[1].imm, 0);
	return 0;
}

int arch_x86_jcc_condition(const struct dis_insn *insn)
{
	const uint8_t *op = insn->bytes + insn->opcode_offset;

	if (insn->opcode_offset >= insn->len)
		return -1;
	if (op[0] >= 0x70 && op[0] <= 0x7f)
		return op[0] & 0xf;
	if (op[0] == 0x0f && insn->opcode_offset + 1 < insn->len &&
	    op[1] >= 0x80 && op[1] <= 0x8f)
		return op[1] & 0xf;
	return -1;
}

/* jmp, jcc and call with a relative target; loop and jrcxz go out of line. */
static int claim_relative(const struct dis_insn *insn,
			  struct arch_step_plan *plan)
{
	int cc;

	if (!(insn->kind & DIS_RELATIVE) || !insn->has_target ||
	    !only_neutral_prefixes(insn))
		return -ENOENT;
	if (insn->id == X86_INS_JMP) {
		claim(plan, X86_EMU_JMP, 0, 0, insn->target);
		return 0;
	}
	if (insn->id == X86_INS_CALL) {
		claim(plan, X86_EMU_CALL, 0, 0, insn->target);
		return 0;
	}
	cc = arch_x86_jcc_condition(insn);
	if (cc < 0 || !(insn->kind & DIS_JUMP))
		return -ENOENT;
	claim(plan, X86_EMU_JCC, cc, 0, insn->target);
	return 0;
}

/* Near ret and ret $imm16 (c3, c2), with bnd or rep prefix; not lret. */
static int claim_ret(const struct dis_insn *insn, struct arch_step_plan *plan)
{
	uint8_t opcode = insn->bytes[insn->opcode_offset];

	if (insn->id != X86_INS_RET || insn->rex || !only_neutral_prefixes(insn))
		return -ENOENT;
	if (opcode == 0xc3) {
		claim(plan, X86_EMU_RET, 0, 0, 0);
		return 0;
	}
	if (opcode == 0xc2 && insn->op_count == 1 &&
	    insn->op[0].type == DIS_OP_IMM) {
		claim(plan, X86_EMU_RET, 0, insn->op[0].imm & 0xffff, 0);
		return 0;
	}
	return -ENOENT;
}

/* jmp/call through a register or a 64-bit memory operand: PLT stubs
 * (`bnd jmp *disp(%rip)`), switch tables, function pointers. */
static int claim_indirect(const struct dis_insn *insn,
			  struct arch_step_plan *plan)
{
	const struct dis_operand *op = &insn->op[0];
	bool call = insn->id == X86_INS_CALL;
	int base = X86_EA_NONE, index = X86_EA_NONE, seg = 0, reg;
	int64_t disp;
	unsigned i;

	if ((insn->id != X86_INS_JMP && !call) || (insn->kind & DIS_RELATIVE) ||
	    insn->op_count != 1 || op->size != 8)
		return -ENOENT;
	for (i = 0; i < insn->nprefixes; i++) {
		if (insn->prefixes[i] == 0x64)
			seg = X86_EA_SEG_FS;
		else if (insn->prefixes[i] == 0x65)
			seg = X86_EA_SEG_GS;
		else if (insn->prefixes[i] == 0x66 || insn->prefixes[i] == 0x67 ||
			 insn->prefixes[i] == 0xf0)
			return -ENOENT;
	}
	if (op->type == DIS_OP_REG) {
		reg = arch_x86_gpr64(op->reg);
		if (reg < 0)
			return -ENOENT;
		claim(plan, call ? X86_EMU_CALL_REG : X86_EMU_JMP_REG, reg, 0, 0);
		return 0;
	}
	if (op->type != DIS_OP_MEM)
		return -ENOENT;
	disp = op->mem.disp;
	if (op->mem.base == X86_REG_RIP) {
		/* relative to the next instruction: fold into an absolute */
		disp += (int64_t)(insn->addr + insn->len);
	} else if (op->mem.base) {
		base = arch_x86_gpr64(op->mem.base);
		if (base < 0)
			return -ENOENT;
	}
	if (op->mem.index) {
		index = arch_x86_gpr64(op->mem.index);
		if (index < 0)
			return -ENOENT;
	}
	if (op->mem.scale != 1 && op->mem.scale != 2 && op->mem.scale != 4 &&
	    op->mem.scale != 8)
		return -ENOENT;
	claim(plan, call ? X86_EMU_CALL_MEM : X86_EMU_JMP_MEM,
	      X86_EA_PACK(base, index, op->mem.scale, seg), disp, 0);
	return 0;
}

/* The emulators, most frequent at probe sites first; each says -ENOENT
 * ("not mine") until one claims the instruction. */
static int (*const emulators[])(const struct dis_insn *,
				struct arch_step_plan *) = {
	claim_nop, claim_push_pop, claim_mov, claim_add_sub,
	claim_relative, claim_ret, claim_indirect,
};

int arch_x86_emulate_claim(const struct dis_insn *insn,
			   struct arch_step_plan *plan)
{
	size_t i;

	/* lock makes most of these #UD; the CPU must raise it, not us */
	if (arch_x86_has_prefix(insn, 0xf0))
		return -ENOENT;
	for (i = 0; i < sizeof(emulators) / sizeof(emulators[0]); i++)
		if (emulators[i](insn, plan) == 0)
			return 0;
	claim(plan, X86_EMU_NONE, 0, 0, 0);
	return -ENOENT;
}

bool arch_x86_condition(unsigned cc, uint64_t eflags)
{
	bool cf = eflags & ARCH_FLAG_CF, zf = eflags & ARCH_FLAG_ZF;
	bool sf = eflags & ARCH_FLAG_SF, of = eflags & ARCH_FLAG_OF;
	bool pf = eflags & ARCH_FLAG_PF;
	bool holds;

	/* Even conditions test a flag combination, odd ones its negation. */
	switch (cc >> 1) {
	case 0: holds = of; break;		/* o / no */
	case 1: holds = cf; break;		/* b / ae */
	case 2: holds = zf; break;		/* e / ne */
	case 3: holds = cf || zf; break;	/* be / a */
	case 4: holds = sf; break;		/* s / ns */
	case 5: holds = pf; break;		/* p / np */
	case 6: holds = sf != of; break;	/* l / ge */
	default: holds = zf || sf != of; break; /* le / g */
	}
	return (cc & 1) ? !holds : holds;
}

static uint64_t common_flags(uint64_t eflags, uint64_t a, uint64_t b,
			     uint64_t r)
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

uint64_t arch_x86_flags_add(uint64_t eflags, uint64_t a, uint64_t b,
			    uint64_t r)
{
	eflags = common_flags(eflags, a, b, r);
	if (r < a)
		eflags |= ARCH_FLAG_CF;
	if ((~(a ^ b) & (a ^ r)) >> 63)
		eflags |= ARCH_FLAG_OF;
	return eflags;
}

uint64_t arch_x86_flags_sub(uint64_t eflags, uint64_t a, uint64_t b,
			    uint64_t r)
{
	eflags = common_flags(eflags, a, b, r);
	if (a < b)
		eflags |= ARCH_FLAG_CF;
	if (((a ^ b) & (a ^ r)) >> 63)
		eflags |= ARCH_FLAG_OF;
	return eflags;
}

static uint64_t effective_address(const struct arch_step_plan *plan,
				  const struct arch_regs *regs)
{
	unsigned packed = (unsigned)plan->emu_reg;
	uint64_t ea = (uint64_t)plan->emu_imm;

	if (X86_EA_BASE(packed) != X86_EA_NONE)
		ea += arch_reg_value(regs, X86_EA_BASE(packed));
	if (X86_EA_INDEX(packed) != X86_EA_NONE)
		ea += arch_reg_value(regs, X86_EA_INDEX(packed)) *
		      X86_EA_SCALE(packed);
	if (X86_EA_SEG(packed) == X86_EA_SEG_FS)
		ea += regs->user.fs_base;
	else if (X86_EA_SEG(packed) == X86_EA_SEG_GS)
		ea += regs->user.gs_base;
	return ea;
}

static int push(struct arch_regs *regs, const struct arch_mem *mem,
		uint64_t value)
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
		next.user.eflags = arch_x86_flags_add(
			regs->user.eflags, a, (uint64_t)plan->emu_imm, value);
		break;
	case X86_EMU_SUB_IMM:
		a = arch_reg_value(regs, plan->emu_reg);
		value = a - (uint64_t)plan->emu_imm;
		arch_x86_reg_set(&next, plan->emu_reg, value);
		next.user.eflags = arch_x86_flags_sub(
			regs->user.eflags, a, (uint64_t)plan->emu_imm, value);
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
	if (!err && (plan->emu_op == X86_EMU_CALL_REG ||
		     plan->emu_op == X86_EMU_CALL_MEM))
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
