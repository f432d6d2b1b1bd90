/* x86.h: what the x86-64 files share with each other, never seen by src/. */
#ifndef UTAP_ARCH_X86_64_X86_H
#define UTAP_ARCH_X86_64_X86_H

#include "arch/arch.h"
#include "disasm/disasm.h"

/* Write register INDEX (enum arch_x86_reg); unknown indices are ignored. */
void arch_x86_reg_set(struct arch_regs *regs, int index, uint64_t value);

/* The arch register index of a 64-bit general register given capstone's
 * id (X86_REG_RAX...), or -1 for anything else. */
int arch_x86_gpr64(unsigned capstone_reg);

/*
 * Emulation recipes, stored in plan->emu_op. The other emu_* fields:
 *   PUSH, POP           emu_reg = register
 *   MOV                 emu_reg = X86_MOV_PACK(destination, source)
 *   ADD_IMM, SUB_IMM    emu_reg = register, emu_imm = sign-extended imm
 *   JMP, CALL           emu_target = absolute target
 *   JCC                 emu_reg = condition (low nibble of the opcode)
 *   RET                 emu_imm = bytes popped after the return address
 *   JMP_REG, CALL_REG   emu_reg = register holding the target
 *   JMP_MEM, CALL_MEM   emu_reg = X86_EA_PACK(...), emu_imm = displacement
 *                       (rip-relative ones are folded into an absolute one)
 */
enum arch_x86_emu_op {
	X86_EMU_NONE = 0,
	X86_EMU_NOP,
	X86_EMU_PUSH,
	X86_EMU_POP,
	X86_EMU_MOV,
	X86_EMU_ADD_IMM,
	X86_EMU_SUB_IMM,
	X86_EMU_JMP,
	X86_EMU_JCC,
	X86_EMU_CALL,
	X86_EMU_RET,
	X86_EMU_JMP_REG,
	X86_EMU_CALL_REG,
	X86_EMU_JMP_MEM,
	X86_EMU_CALL_MEM,
};

#define X86_MOV_PACK(dst, src) ((dst) | ((src) << 8))
#define X86_MOV_DST(packed) ((packed)&0xff)
#define X86_MOV_SRC(packed) (((packed) >> 8) & 0xff)

/* A memory operand: base and index register (0xff: none), scale, segment
 * base (0: none, 1: fs, 2: gs). */
#define X86_EA_NONE 0xff
#define X86_EA_SEG_FS 1
#define X86_EA_SEG_GS 2
#define X86_EA_PACK(base, index, scale, seg)                                                       \
	((base) | ((index) << 8) | ((scale) << 16) | ((seg) << 24))
#define X86_EA_BASE(packed) ((packed)&0xff)
#define X86_EA_INDEX(packed) (((packed) >> 8) & 0xff)
#define X86_EA_SCALE(packed) (((packed) >> 16) & 0xff)
#define X86_EA_SEG(packed) (((packed) >> 24) & 0xff)

/* Emulation classifiers: fill PLAN's emu_* fields and return 0 if an
 * emulator claims INSN, -ENOENT if none does. */
int arch_x86_emulate_claim(const struct dis_insn *insn, struct arch_step_plan *plan);

/* The condition nibble of a jcc (7x rel8 or 0f 8x rel32), or -1 when INSN
 * is not one. */
int arch_x86_jcc_condition(const struct dis_insn *insn);

/* Whether condition CC (0..15, as in jcc's opcode) holds for EFLAGS. */
bool arch_x86_condition(unsigned cc, uint64_t eflags);

/* EFLAGS after `add B, A` / `sub B, A` on 64-bit operands giving R:
 * only CF PF AF ZF SF OF change, as on the CPU. */
uint64_t arch_x86_flags_add(uint64_t eflags, uint64_t a, uint64_t b, uint64_t r);
uint64_t arch_x86_flags_sub(uint64_t eflags, uint64_t a, uint64_t b, uint64_t r);

/* NULL if INSN can run from an out-of-line slot, else why not. */
const char *arch_x86_xol_refusal(const struct dis_insn *insn);

/* Whether INSN carries legacy prefix BYTE. */
bool arch_x86_has_prefix(const struct dis_insn *insn, uint8_t byte);

#endif
