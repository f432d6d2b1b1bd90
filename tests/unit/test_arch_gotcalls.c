/* test_arch_gotcalls.c: which instructions are branches through a GOT slot (PLT stubs,
 * -fno-plt calls), where a stub's landing pad is, and which relocations name slots. */
#include <elf.h>
#include <stdio.h>
#include <string.h>

#include "arch/arch.h"
#include "tests/tap.h"
#include "tests/unit/helpers.h"

#define BASE 0x1000u

struct found {
	struct arch_got_branch b[8];
	int n;
};

static int collect(void *ctx, const struct arch_got_branch *b)
{
	struct found *f = ctx;

	if (f->n < 8)
		f->b[f->n] = *b;
	f->n++;
	return 0;
}

/* The branches in HEX, decoded at BASE; the first into *FIRST. */
static int scan(const char *hex, struct arch_got_branch *first)
{
	uint8_t code[64];
	unsigned n = parse_hex(hex, code, sizeof(code));
	struct found f = {.n = 0};

	memset(first, 0, sizeof(*first));
	if (arch_got_branches(code, n, BASE, collect, &f) != 0)
		return -1;
	if (f.n)
		*first = f.b[0];
	return f.n;
}

static const struct {
	const char *hex, *what;
	int count;	       /* branches found */
	uint64_t addr, slot, pad;
	bool call;
} cases[] = {
    /* lazy .plt entry: jmp *slot(%rip); push $0; jmp PLT0 */
    {"ff 25 fa 2f 00 00 68 00 00 00 00 e9 e0 ff ff ff", "a lazy .plt entry", 1, BASE,
     BASE + 6 + 0x2ffa, 0, false},
    /* .plt.sec (IBT): endbr64; bnd jmp *slot(%rip); nopl */
    {"f3 0f 1e fa f2 ff 25 76 2f 00 00 0f 1f 44 00 00", "an IBT stub, bnd jmp after endbr64", 1,
     BASE + 4, BASE + 11 + 0x2f76, BASE, false},
    /* .plt.got: endbr64; jmp *slot(%rip); nopw */
    {"f3 0f 1e fa ff 25 76 2f 00 00 66 0f 1f 44 00 00", "a .plt.got stub", 1, BASE + 4,
     BASE + 10 + 0x2f76, BASE, false},
    /* -fno-plt: mov $2,%esi; call *f@GOTPCREL(%rip) */
    {"be 02 00 00 00 ff 15 7e 2e 00 00", "a -fno-plt call", 1, BASE + 5, BASE + 11 + 0x2e7e, 0,
     true},
    {"3e ff 25 10 00 00 00", "a notrack jmp", 1, BASE, BASE + 7 + 0x10, 0, false},
    /* a landing pad that does not end right before the jump is not its pad */
    {"f3 0f 1e fa 90 ff 25 00 01 00 00", "endbr64, nop, jmp: no pad", 1, BASE + 5,
     BASE + 11 + 0x100, 0, false},
    {"64 ff 25 10 00 00 00", "fs: jmp *x(%rip) reads another word", 0, 0, 0, 0, false},
    {"ff 24 25 00 40 00 00", "jmp *0x4000 (absolute)", 0, 0, 0, 0, false},
    {"ff e0", "jmp *%rax", 0, 0, 0, 0, false},
    {"ff 50 08", "call *8(%rax)", 0, 0, 0, 0, false},
    {"e8 00 01 00 00", "call rel32", 0, 0, 0, 0, false},
    {"48 8b 05 f9 2f 00 00", "mov slot(%rip),%rax: a load, not a branch", 0, 0, 0, 0, false},
    {"66 ff 25 10 00 00 00", "jmp with 16-bit operand size", 0, 0, 0, 0, false},
};

int main(void)
{
	struct arch_got_branch b;
	int n;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		n = scan(cases[i].hex, &b);
		is_int(n, cases[i].count, "%s: %d branch(es) through the GOT", cases[i].what,
		       cases[i].count);
		if (!cases[i].count || n != cases[i].count)
			continue;
		ok(b.addr == cases[i].addr && b.slot == cases[i].slot && b.pad == cases[i].pad &&
		       b.call == cases[i].call,
		   "%s: at %#llx slot %#llx pad %#llx %s", cases[i].what,
		   (unsigned long long)cases[i].addr, (unsigned long long)cases[i].slot,
		   (unsigned long long)cases[i].pad, cases[i].call ? "call" : "jump");
	}
	/* bytes that do not decode are skipped and the walk finds its feet */
	n = scan("0f 0b 0f ff ff 15 10 00 00 00", &b);
	ok(n >= 1 && b.call && b.slot == b.addr + 6 + 0x10, "resynchronises after bad bytes");
	is_int(scan("", &b), 0, "no code, no branch");

	ok(arch_reloc_got_slot(R_X86_64_JUMP_SLOT), "JUMP_SLOT names a GOT slot");
	ok(arch_reloc_got_slot(R_X86_64_GLOB_DAT), "GLOB_DAT names a GOT slot");
	ok(!arch_reloc_got_slot(R_X86_64_RELATIVE), "RELATIVE does not");
	ok(!arch_reloc_got_slot(R_X86_64_64), "R_X86_64_64 does not");
	is_int((int)arch_elf_machine, EM_X86_64, "the CPU's files are EM_X86_64");
	return tap_done();
}
