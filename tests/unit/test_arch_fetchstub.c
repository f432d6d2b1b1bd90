/* test_arch_fetchstub.c: the fetch stub, decoded again with capstone and run for real. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include <capstone/capstone.h>

#include "arch/arch.h"
#include "tests/tap.h"

static csh cs;

/* Effective address of a rip-relative memory operand, or 0. */
static uint64_t rip_ea(const cs_insn *insn)
{
	const cs_x86 *x = &insn->detail->x86;

	for (int i = 0; i < x->op_count; i++)
		if (x->operands[i].type == X86_OP_MEM && x->operands[i].mem.base == X86_REG_RIP)
			return insn->address + insn->size + (uint64_t)x->operands[i].mem.disp;
	return 0;
}

static void test_decoded(void)
{
	const uint64_t code = 0x7f0000001000ull + 3 * ARCH_FETCH_STUB_STRIDE;
	const uint64_t slot = 0x7f0000010000ull + 3 * 4096;
	uint8_t buf[ARCH_FETCH_STUB_STRIDE];
	cs_insn *insn;
	size_t n;
	bool lea = false, jmp = false, copy = false, red_zone = false;

	is_int(arch_fetch_stub_emit(buf, code, slot), 0, "emitted");
	n = cs_disasm(cs, buf, sizeof(buf), code, 0, &insn);
	ok(n > 20, "decodes (%zu instructions)", n);
	for (size_t i = 0; i < n; i++) {
		const cs_insn *in = &insn[i];

		if (i == 0)
			red_zone = in->id == X86_INS_LEA && in->detail->x86.operands[1].mem.disp == -128;
		if (in->id == X86_INS_LEA && rip_ea(in) == slot)
			lea = true;
		if (in->id == X86_INS_JMP && rip_ea(in) == slot + ARCH_FETCH_SLOT_RESUME) {
			jmp = true;
			ok(arch_fetch_stub_contains(code, in->address) &&
				   !arch_fetch_stub_contains(code, in->address + in->size),
			   "the stub ends with the jump to the resume address");
		}
		if (in->id == X86_INS_MOVSB && in->address == code + ARCH_FETCH_STUB_COPY) {
			copy = arch_fetch_stub_at_copy(code, in->address);
		}
	}
	ok(red_zone, "first steps below the red zone");
	ok(lea, "the slot's address is taken rip-relative");
	ok(jmp, "jumps through the slot's resume word");
	ok(copy, "rep movsb at ARCH_FETCH_STUB_COPY");
	ok(!arch_fetch_stub_contains(code, code - 1), "nothing before the stub is in it");
	ok(buf[ARCH_FETCH_STUB_STRIDE - 1] == arch_trap_insn[0], "the rest of its stride traps");
	if (n)
		cs_free(insn, n);
	ok(arch_fetch_stub_emit(buf, 0x1000, 0x1000 + (3ull << 30)) < 0,
	   "a slot 3 GiB away is refused");
}

/*
 * Run it: enter with known values in every register the stub touches and
 * the direction and carry flags set; it must copy, mark the slot done and
 * come back at the resume address with all of them, the stack pointer and
 * the red zone unchanged.
 */
uint64_t stub_in[6], stub_out[6]; /* rax rcx rdx rsi rdi rflags */
uint64_t stub_sp_in, stub_sp_out, stub_code;
void stub_enter(void);
void stub_back(void);
__asm__(".text\n"
	".globl stub_enter\n"
	"stub_enter:\n"
	"	push %rbx\n"
	"	push %rbp\n"
	"	mov stub_in(%rip), %rax\n"
	"	mov stub_in+8(%rip), %rcx\n"
	"	mov stub_in+16(%rip), %rdx\n"
	"	mov stub_in+24(%rip), %rsi\n"
	"	mov stub_in+32(%rip), %rdi\n"
	"	mov %rsp, stub_sp_in(%rip)\n"
	"	mov stub_code(%rip), %r11\n"
	"	std\n"
	"	stc\n"
	"	jmp *%r11\n"
	".globl stub_back\n"
	"stub_back:\n"
	"	pushfq\n"
	"	pop stub_out+40(%rip)\n"
	"	cld\n"
	"	mov %rsp, stub_sp_out(%rip)\n"
	"	mov %rax, stub_out(%rip)\n"
	"	mov %rcx, stub_out+8(%rip)\n"
	"	mov %rdx, stub_out+16(%rip)\n"
	"	mov %rsi, stub_out+24(%rip)\n"
	"	mov %rdi, stub_out+32(%rip)\n"
	"	pop %rbp\n"
	"	pop %rbx\n"
	"	ret\n");

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static void test_run(void)
{
	uint8_t *code = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint8_t *slot = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	static const char text[] = "a string the stub copies";
	uint64_t src[4] = {0x1111222233334444ull, 42, 43, 44}, resume = (uint64_t)(uintptr_t)stub_back;
	uint64_t flags_in;
	uint32_t done;

	if (code == MAP_FAILED || slot == MAP_FAILED) {
		ok(0, "maps pages to run the stub");
		return;
	}
	if (arch_fetch_stub_emit(code, (uint64_t)(uintptr_t)code, (uint64_t)(uintptr_t)slot) < 0) {
		ok(0, "emits the stub");
		return;
	}
	memcpy(slot + ARCH_FETCH_SLOT_RESUME, &resume, 8);
	put32(slot + ARCH_FETCH_SLOT_SEQ, 7);
	put32(slot + ARCH_FETCH_SLOT_COUNT, 3);
	{
		uint64_t a0 = (uint64_t)(uintptr_t)&src[0], a1 = (uint64_t)(uintptr_t)text,
			 a2 = (uint64_t)(uintptr_t)&src[2];
		uint8_t *r = slot + ARCH_FETCH_SLOT_RANGES;

		memcpy(r, &a0, 8), put32(r + 8, 8), put32(r + 12, 0x200);
		memcpy(r + 16, &a1, 8), put32(r + 24, sizeof(text)), put32(r + 28, 0x300);
		memcpy(r + 32, &a2, 8), put32(r + 40, 16), put32(r + 44, 0x208);
	}
	for (int i = 0; i < 5; i++)
		stub_in[i] = 0x0101010101010101ull * (uint64_t)(i + 1);
	stub_code = (uint64_t)(uintptr_t)code;
	stub_enter();
	memcpy(&done, slot + ARCH_FETCH_SLOT_DONE, 4);
	is_int(done, 7, "done says the seq it ran for");
	ok(memcmp(slot + 0x200, &src[0], 8) == 0, "first range copied");
	ok(memcmp(slot + 0x300, text, sizeof(text)) == 0, "the string copied");
	ok(memcmp(slot + 0x208, &src[2], 16) == 0, "third range copied after the first");
	for (int i = 0; i < 5; i++)
		is_int(stub_out[i], stub_in[i], "register %d as it was", i);
	flags_in = stub_out[5];
	ok((flags_in & 0x400) && (flags_in & 1), "direction and carry flags as they were");
	is_int(stub_sp_out, stub_sp_in, "stack pointer as it was");
	munmap(code, 4096);
	munmap(slot, 4096);
}

int main(void)
{
	if (cs_open(CS_ARCH_X86, CS_MODE_64, &cs) != CS_ERR_OK) {
		ok(0, "capstone opens");
		return tap_done();
	}
	cs_option(cs, CS_OPT_DETAIL, CS_OPT_ON);
	test_decoded();
	test_run();
	cs_close(&cs);
	return tap_done();
}
