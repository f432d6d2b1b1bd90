/* relocate.c: build the out-of-line copy of a probed instruction for its slot. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <capstone/capstone.h>

#include "arch/x86_64/x86.h"

/*
 * Slot code never depends on the thread running it: every absolute address
 * it needs (where to come back, where a branch goes, the return address a
 * call pushes) is stored in the slot itself and reached through
 * `jmp *disp(%rip)` / `push disp(%rip)`. Slots are per site and shared.
 */

#define JMP_ABS_LEN 14 /* ff 25 00 00 00 00 + 8-byte address */
#define PUSH_RIP_LEN 6 /* ff 35 disp32 */

static bool is_loop_or_jrcxz(const struct dis_insn *insn)
{
	return insn->id == X86_INS_LOOP || insn->id == X86_INS_LOOPE ||
	       insn->id == X86_INS_LOOPNE || insn->id == X86_INS_JRCXZ || insn->id == X86_INS_JECXZ;
}

static bool operand_uses_rsp(const struct dis_operand *op)
{
	if (op->type == DIS_OP_REG)
		return op->reg == X86_REG_RSP;
	if (op->type == DIS_OP_MEM)
		return op->mem.base == X86_REG_RSP || op->mem.index == X86_REG_RSP;
	return false;
}

const char *arch_x86_xol_refusal(const struct dis_insn *insn)
{
	if (insn->id == X86_INS_SYSCALL || insn->id == X86_INS_SYSENTER)
		return "syscall never runs from a slot (a restart rewinds into it)";
	if (insn->kind & (DIS_JUMP | DIS_CALL | DIS_RET) && arch_x86_has_prefix(insn, 0x66))
		return "a 16-bit branch behaves differently on Intel and AMD";
	if (insn->id == X86_INS_CALL && !(insn->kind & DIS_RELATIVE) && insn->op_count == 1 &&
	    operand_uses_rsp(&insn->op[0]))
		return "an indirect call through %rsp cannot be split into push + jmp";
	if (insn->id == X86_INS_CALL && !(insn->kind & DIS_RELATIVE) && insn->modrm_offset == 0)
		return "call form not relocatable";
	if (insn->id == X86_INS_XBEGIN)
		return "xbegin's abort target cannot be relocated";
	if ((insn->kind & DIS_RELATIVE) &&
	    (!insn->has_target || insn->imm_offset == 0 ||
	     (insn->id != X86_INS_JMP && insn->id != X86_INS_CALL && !is_loop_or_jrcxz(insn) &&
	      arch_x86_jcc_condition(insn) < 0)))
		return "its relative target cannot be relocated";
	if ((insn->kind & DIS_RIP_RELATIVE) && insn->addr_size != 8)
		return "rip-relative with a 32-bit address size";
	if ((insn->kind & DIS_RIP_RELATIVE) && insn->disp_size != 4)
		return "rip-relative operand without a 32-bit displacement";
	return NULL;
}

struct emitter {
	uint8_t *code;
	unsigned len;
	uint64_t slot;
	bool overflow; /* the longest layout takes 43 bytes; never trust that */
};

static void emit(struct emitter *e, const void *bytes, unsigned n)
{
	if (e->overflow || e->len + n > ARCH_XOL_SLOT_SIZE) {
		e->overflow = true;
		return;
	}
	memcpy(e->code + e->len, bytes, n);
	e->len += n;
}

static void emit_u32(struct emitter *e, uint32_t value)
{
	emit(e, &value, sizeof(value));
}

static void emit_u64(struct emitter *e, uint64_t value)
{
	emit(e, &value, sizeof(value));
}

/* jmp *0(%rip) followed by the 8-byte absolute destination. */
static void emit_jmp_abs(struct emitter *e, uint64_t destination)
{
	static const uint8_t jmp_rip[6] = {0xff, 0x25, 0, 0, 0, 0};

	emit(e, jmp_rip, sizeof(jmp_rip));
	emit_u64(e, destination);
}

/*
 * Copy INSN at the current position, its rip-relative displacement
 * recomputed so that the operand's address stays the original one.
 * Returns -ERANGE when the slot is beyond ±2 GiB of that address.
 */
static int emit_insn(struct emitter *e, const struct dis_insn *insn, const uint8_t *bytes)
{
	uint64_t operand, next_in_slot;
	int64_t disp;
	int32_t disp32;
	unsigned at = e->len;

	emit(e, bytes, insn->len);
	if (e->overflow)
		return -ENOSPC;
	if (!(insn->kind & DIS_RIP_RELATIVE))
		return 0;
	operand = insn->addr + insn->len + (uint64_t)insn->disp;
	next_in_slot = e->slot + at + insn->len;
	disp = (int64_t)(operand - next_in_slot);
	if (disp < INT32_MIN || disp > INT32_MAX)
		return -ERANGE;
	disp32 = (int32_t)disp;
	memcpy(e->code + at + insn->disp_offset, &disp32, sizeof(disp32));
	return 0;
}

/* jcc/loop/jrcxz: the same condition jumps over the fall-through stub to
 * a stub that reaches the real target. */
static void relocate_conditional(struct emitter *e, const struct dis_insn *insn)
{
	uint8_t short_jcc[2];

	if (is_loop_or_jrcxz(insn)) {
		/* keep the prefixes: 67 selects %ecx instead of %rcx */
		emit(e, insn->bytes, insn->imm_offset);
	} else {
		short_jcc[0] = (uint8_t)(0x70 | arch_x86_jcc_condition(insn));
		emit(e, short_jcc, 1);
	}
	short_jcc[1] = JMP_ABS_LEN; /* rel8 over the fall-through stub */
	emit(e, &short_jcc[1], 1);
	emit_jmp_abs(e, insn->addr + insn->len);
	emit_jmp_abs(e, insn->target);
}

/*
 * call: push the real return address from the slot's data, then jump.
 * The CPU reads an indirect call's operand before it pushes; here the
 * push comes first, which is why operands through %rsp are refused. An
 * operand that reaches the stack slot below %rsp through another register
 * would read the pushed value instead: code never does that, because the
 * call itself clobbers that slot.
 */
static int relocate_call(struct emitter *e, const struct dis_insn *insn)
{
	static const uint8_t push_rip[2] = {0xff, 0x35};
	uint8_t jmp[16];
	unsigned push_at = e->len, data_at;
	int32_t disp;
	int err;

	emit(e, push_rip, sizeof(push_rip));
	emit_u32(e, 0); /* patched below, once the data offset is known */
	if (insn->kind & DIS_RELATIVE) {
		emit_jmp_abs(e, insn->target);
	} else {
		/* ff /2 (call) becomes ff /4 (jmp) with the same operand */
		memcpy(jmp, insn->bytes, insn->len);
		jmp[insn->modrm_offset] = (uint8_t)((jmp[insn->modrm_offset] & 0xc7) | (4 << 3));
		err = emit_insn(e, insn, jmp);
		if (err)
			return err;
	}
	emit_jmp_abs(e, insn->addr + insn->len); /* not reached */
	data_at = e->len;
	emit_u64(e, insn->addr + insn->len);
	disp = (int32_t)(data_at - (push_at + PUSH_RIP_LEN));
	memcpy(e->code + push_at + 2, &disp, sizeof(disp));
	return 0;
}

int arch_xol_relocate(struct arch_step_plan *plan, uint64_t slot_addr)
{
	struct emitter e = {.code = plan->slot_code, .slot = slot_addr};
	struct dis_insn insn;
	int err;

	if (plan->mode != ARCH_STEP_XOL)
		return -EINVAL;
	err = dis_decode_once(plan->insn, plan->len, plan->addr, &insn);
	if (err)
		return err;
	if (insn.len != plan->len || arch_x86_xol_refusal(&insn))
		return -EINVAL;
	memset(plan->slot_code, 0, sizeof(plan->slot_code));

	if (insn.id == X86_INS_CALL) {
		err = relocate_call(&e, &insn);
	} else if (insn.id == X86_INS_JMP && (insn.kind & DIS_RELATIVE)) {
		emit_jmp_abs(&e, insn.target);
		emit_jmp_abs(&e, insn.addr + insn.len); /* not reached */
	} else if (insn.kind & DIS_RELATIVE) {
		relocate_conditional(&e, &insn);
	} else {
		err = emit_insn(&e, &insn, insn.bytes);
		if (!err)
			emit_jmp_abs(&e, insn.addr + insn.len);
	}
	if (!err && e.overflow)
		err = -ENOSPC;
	if (err) {
		memset(plan->slot_code, 0, sizeof(plan->slot_code));
		plan->slot_len = 0;
		return err;
	}
	plan->slot_len = e.len;
	return 0;
}
