/* emulators.c: the classifiers that claim instructions the tracer can execute itself. */
#include <errno.h>

#include <capstone/capstone.h>

#include "arch/x86_64/x86.h"

int arch_x86_gpr64(unsigned capstone_reg)
{
	switch (capstone_reg) {
	case X86_REG_RAX:
		return ARCH_REG_AX;
	case X86_REG_RBX:
		return ARCH_REG_BX;
	case X86_REG_RCX:
		return ARCH_REG_CX;
	case X86_REG_RDX:
		return ARCH_REG_DX;
	case X86_REG_RSI:
		return ARCH_REG_SI;
	case X86_REG_RDI:
		return ARCH_REG_DI;
	case X86_REG_RBP:
		return ARCH_REG_BP;
	case X86_REG_RSP:
		return ARCH_REG_SP;
	case X86_REG_R8:
		return ARCH_REG_R8;
	case X86_REG_R9:
		return ARCH_REG_R9;
	case X86_REG_R10:
		return ARCH_REG_R10;
	case X86_REG_R11:
		return ARCH_REG_R11;
	case X86_REG_R12:
		return ARCH_REG_R12;
	case X86_REG_R13:
		return ARCH_REG_R13;
	case X86_REG_R14:
		return ARCH_REG_R14;
	case X86_REG_R15:
		return ARCH_REG_R15;
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
		case 0xf2:
		case 0xf3:
		case 0x26:
		case 0x2e:
		case 0x36:
		case 0x3e:
			break;
		default:
			return false;
		}
	}
	return true;
}

static void claim(struct arch_step_plan *plan, int op, int reg, int64_t imm, uint64_t target)
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
	if (insn->id != X86_INS_NOP && insn->id != X86_INS_ENDBR64 && insn->id != X86_INS_ENDBR32)
		return -ENOENT;
	claim(plan, X86_EMU_NOP, 0, 0, 0);
	return 0;
}

/* One 64-bit general register operand, no prefix but REX. */
static int single_gpr(const struct dis_insn *insn)
{
	if (insn->nprefixes || insn->op_count != 1 || insn->op[0].type != DIS_OP_REG ||
	    insn->op[0].size != 8)
		return -1;
	return arch_x86_gpr64(insn->op[0].reg);
}

static int claim_push_pop(const struct dis_insn *insn, struct arch_step_plan *plan)
{
	int reg;

	if (insn->id != X86_INS_PUSH && insn->id != X86_INS_POP)
		return -ENOENT;
	reg = single_gpr(insn);
	if (reg < 0)
		return -ENOENT;
	claim(plan, insn->id == X86_INS_PUSH ? X86_EMU_PUSH : X86_EMU_POP, reg, 0, 0);
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
static int claim_add_sub(const struct dis_insn *insn, struct arch_step_plan *plan)
{
	int reg;

	if ((insn->id != X86_INS_ADD && insn->id != X86_INS_SUB) || insn->nprefixes ||
	    insn->op_count != 2 || insn->op[0].type != DIS_OP_REG || insn->op[0].size != 8 ||
	    insn->op[1].type != DIS_OP_IMM)
		return -ENOENT;
	reg = arch_x86_gpr64(insn->op[0].reg);
	if (reg < 0)
		return -ENOENT;
	claim(plan, insn->id == X86_INS_ADD ? X86_EMU_ADD_IMM : X86_EMU_SUB_IMM, reg,
	      insn->op[1].imm, 0);
	return 0;
}

int arch_x86_jcc_condition(const struct dis_insn *insn)
{
	const uint8_t *op = insn->bytes + insn->opcode_offset;

	if (insn->opcode_offset >= insn->len)
		return -1;
	if (op[0] >= 0x70 && op[0] <= 0x7f)
		return op[0] & 0xf;
	if (op[0] == 0x0f && insn->opcode_offset + 1 < insn->len && op[1] >= 0x80 && op[1] <= 0x8f)
		return op[1] & 0xf;
	return -1;
}

/* jmp, jcc and call with a relative target; loop and jrcxz go out of line. */
static int claim_relative(const struct dis_insn *insn, struct arch_step_plan *plan)
{
	int cc;

	if (!(insn->kind & DIS_RELATIVE) || !insn->has_target || !only_neutral_prefixes(insn))
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
	if (opcode == 0xc2 && insn->op_count == 1 && insn->op[0].type == DIS_OP_IMM) {
		claim(plan, X86_EMU_RET, 0, insn->op[0].imm & 0xffff, 0);
		return 0;
	}
	return -ENOENT;
}

/* jmp/call through a register or a 64-bit memory operand: PLT stubs
 * (`bnd jmp *disp(%rip)`), switch tables, function pointers. */
static int claim_indirect(const struct dis_insn *insn, struct arch_step_plan *plan)
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
	if (op->mem.scale != 1 && op->mem.scale != 2 && op->mem.scale != 4 && op->mem.scale != 8)
		return -ENOENT;
	claim(plan, call ? X86_EMU_CALL_MEM : X86_EMU_JMP_MEM,
	      X86_EA_PACK(base, index, op->mem.scale, seg), disp, 0);
	return 0;
}

/* The emulators, most frequent at probe sites first; each says -ENOENT
 * ("not mine") until one claims the instruction. */
static int (*const emulators[])(const struct dis_insn *, struct arch_step_plan *) = {
    claim_nop, claim_push_pop, claim_mov, claim_add_sub, claim_relative, claim_ret, claim_indirect,
};

int arch_x86_emulate_claim(const struct dis_insn *insn, struct arch_step_plan *plan)
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
