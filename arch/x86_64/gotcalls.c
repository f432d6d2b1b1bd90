/* gotcalls.c: x86-64 branches that take their target from a GOT word (PLT stubs'
 * `jmp *slot(%rip)`, -fno-plt's `call *f@GOTPCREL(%rip)`), and the relocations
 * that fill such words, for PLT probes. */
#include <elf.h>
#include <errno.h>
#include <string.h>

#include <capstone/capstone.h>

#include "arch/x86_64/x86.h"

const unsigned arch_elf_machine = EM_X86_64;

bool arch_reloc_got_slot(unsigned type)
{
	/* JUMP_SLOT: a .got.plt entry (lazy or bound at load); GLOB_DAT: a
	 * .got entry (-fno-plt calls, .plt.got stubs, -z now layouts). */
	return type == R_X86_64_JUMP_SLOT || type == R_X86_64_GLOB_DAT;
}

/* `call/jmp *disp(%rip)`, with only the prefixes a compiler or linker puts
 * there: bnd (f2, MPX), notrack (3e, CET). A segment, operand or address
 * size prefix changes which word is read: not a GOT branch. */
static bool got_branch(const struct dis_insn *insn, uint64_t *slot)
{
	const struct dis_operand *op = &insn->op[0];

	if ((insn->id != X86_INS_JMP && insn->id != X86_INS_CALL) ||
	    (insn->kind & DIS_RELATIVE) || insn->op_count != 1 || op->type != DIS_OP_MEM ||
	    op->size != 8 || op->mem.base != X86_REG_RIP || op->mem.index)
		return false;
	for (unsigned i = 0; i < insn->nprefixes; i++)
		if (insn->prefixes[i] != 0xf2 && insn->prefixes[i] != 0x3e)
			return false;
	*slot = insn->addr + insn->len + (uint64_t)op->mem.disp;
	return true;
}

int arch_got_branches(const uint8_t *code, size_t n, uint64_t vaddr,
		      int (*fn)(void *ctx, const struct arch_got_branch *b), void *ctx)
{
	struct dis dis;
	struct dis_insn insn;
	uint64_t pad = 0; /* an endbr64 that ends right here */
	size_t at = 0;
	int rc = 0;

	if (dis_open(&dis) < 0)
		return -ENOMEM;
	/* A linear walk: compilers keep data out of executable sections on
	 * x86-64, and after bytes that do not decode the walk resynchronises
	 * within a few instructions. */
	while (rc == 0 && at < n) {
		struct arch_got_branch b;

		if (dis_decode_record(&dis, code + at, n - at, vaddr + at, &insn) < 0) {
			at++;
			pad = 0;
			continue;
		}
		if (got_branch(&insn, &b.slot)) {
			b.addr = insn.addr;
			b.len = insn.len;
			b.pad = pad;
			b.call = insn.id == X86_INS_CALL;
			rc = fn(ctx, &b);
		}
		pad = insn.id == X86_INS_ENDBR64 ? insn.addr : 0;
		at += insn.len;
	}
	dis_close(&dis);
	return rc;
}
