/* test_arch_step.c: which step-over mode x86-64 instructions get, for every request. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "arch/arch.h"
#include "disasm/disasm.h"
#include "tests/tap.h"
#include "tests/unit/helpers.h"

#define E ARCH_STEP_EMULATE
#define X ARCH_STEP_XOL
#define S ARCH_STEP_SINGLESTEP
#define R ARCH_STEP_REFUSE

/* Real encodings, as gcc, glibc and ld emit them. For each: the mode
 * chosen for AUTO, and for a forced emulate, xol and singlestep. */
static const struct step_case {
	const char *name;
	const char *hex;
	unsigned len;
	enum arch_step_mode want[4]; /* auto, emulate, xol, singlestep */
} cases[] = {
    {"endbr64", "f3 0f 1e fa", 4, {E, E, X, S}},
    {"endbr32", "f3 0f 1e fb", 4, {E, E, X, S}},
    {"nop", "90", 1, {E, E, X, S}},
    {"xchg %ax,%ax", "66 90", 2, {E, E, X, S}},
    {"rex.w nop", "48 90", 2, {E, E, X, S}},
    {"nopl (%rax)", "0f 1f 00", 3, {E, E, X, S}},
    {"nopl 0(%rax)", "0f 1f 40 00", 4, {E, E, X, S}},
    {"nopl 0(%rax,%rax)", "0f 1f 44 00 00", 5, {E, E, X, S}},
    {"nopw 0(%rax,%rax)", "66 0f 1f 44 00 00", 6, {E, E, X, S}},
    {"nopl 0L(%rax)", "0f 1f 80 00 00 00 00", 7, {E, E, X, S}},
    {"nopl 0L(%rax,%rax)", "0f 1f 84 00 00 00 00 00", 8, {E, E, X, S}},
    {"nopw 0L(%rax,%rax)", "66 0f 1f 84 00 00 00 00 00", 9, {E, E, X, S}},
    {"nopw %cs:0L(%rax,%rax)", "66 2e 0f 1f 84 00 00 00 00 00", 10, {E, E, E, E}},
    {"data16 nopw %cs:", "66 66 2e 0f 1f 84 00 00 00 00 00", 11, {E, E, E, E}},
    {"nop %eax (register form)", "0f 1f c0", 3, {E, E, X, S}},
    {"push %rbp", "55", 1, {E, E, X, S}},
    {"push %rbx", "53", 1, {E, E, X, S}},
    {"push %r12", "41 54", 2, {E, E, X, S}},
    {"push %r15", "41 57", 2, {E, E, X, S}},
    {"pop %rbp", "5d", 1, {E, E, X, S}},
    {"pop %r12", "41 5c", 2, {E, E, X, S}},
    {"pop %r15", "41 5f", 2, {E, E, X, S}},
    {"push %ax (16-bit)", "66 50", 2, {X, X, X, S}},
    {"mov %rsp,%rbp (89)", "48 89 e5", 3, {E, E, X, S}},
    {"mov %rsp,%rbp (8b)", "48 8b ec", 3, {E, E, X, S}},
    {"mov %rax,%rbx", "48 89 c3", 3, {E, E, X, S}},
    {"mov %eax,%ebx (32-bit)", "89 c3", 2, {X, X, X, S}},
    {"sub $0x10,%rsp", "48 83 ec 10", 4, {E, E, X, S}},
    {"sub $0x100,%rsp", "48 81 ec 00 01 00 00", 7, {E, E, X, S}},
    {"add $0x8,%rsp", "48 83 c4 08", 4, {E, E, X, S}},
    {"add $0x1000,%rsp", "48 81 c4 00 10 00 00", 7, {E, E, X, S}},
    {"jmp rel8", "eb 10", 2, {E, E, X, S}},
    {"jmp rel32", "e9 00 01 00 00", 5, {E, E, X, S}},
    {"bnd jmp rel32", "f2 e9 00 01 00 00", 6, {E, E, X, S}},
    {"je rel8", "74 05", 2, {E, E, X, S}},
    {"jg rel8", "7f f0", 2, {E, E, X, S}},
    {"je rel32", "0f 84 00 01 00 00", 6, {E, E, X, S}},
    {"jno rel32", "0f 81 00 f0 ff ff", 6, {E, E, X, S}},
    {"je rel8, hinted (ds)", "3e 74 05", 3, {E, E, E, E}},
    {"jecxz", "67 e3 10", 3, {X, X, X, S}},
    {"loop", "e2 fe", 2, {X, X, X, S}},
    {"call rel32", "e8 00 01 00 00", 5, {E, E, X, S}},
    {"bnd call rel32", "f2 e8 00 01 00 00", 6, {E, E, X, S}},
    {"callw rel16", "66 e8 00 01", 4, {R, R, R, R}},
    {"ret", "c3", 1, {E, E, X, S}},
    {"ret $8", "c2 08 00", 3, {E, E, X, S}},
    {"repz ret", "f3 c3", 2, {E, E, X, S}},
    {"bnd ret", "f2 c3", 2, {E, E, X, S}},
    {"retw", "66 c3", 2, {S, S, S, S}},
    {"lret", "cb", 1, {X, X, X, S}},
    {"jmp *disp(%rip)", "ff 25 12 34 00 00", 6, {E, E, X, S}},
    {"bnd jmp *disp(%rip) (PLT)", "f2 ff 25 12 34 00 00", 7, {E, E, X, S}},
    {"call *disp(%rip)", "ff 15 12 34 00 00", 6, {E, E, X, S}},
    {"jmp *%rax", "ff e0", 2, {E, E, X, S}},
    {"notrack jmp *%rax", "3e ff e0", 3, {E, E, E, E}},
    {"jmp *(%r12)", "41 ff 24 24", 4, {E, E, X, S}},
    {"jmp *0x1000(,%rax,8)", "ff 24 c5 00 10 00 00", 7, {E, E, X, S}},
    {"call *%rax", "ff d0", 2, {E, E, X, S}},
    {"call *%r11", "41 ff d3", 3, {E, E, X, S}},
    {"call *8(%rsp)", "ff 54 24 08", 4, {E, E, S, S}},
    {"call *0x18(%rbx)", "ff 53 18", 3, {E, E, X, S}},
    {"mov disp(%rip),%rax", "48 8b 05 10 00 00 00", 7, {X, X, X, S}},
    {"mov %eax,disp(%rip)", "89 05 10 00 00 00", 6, {X, X, X, S}},
    {"lea disp(%rip),%rdi", "48 8d 3d 10 00 00 00", 7, {X, X, X, S}},
    {"cmp disp(%rip),%rax", "48 3b 05 10 00 00 00", 7, {X, X, X, S}},
    {"cmpl $imm,disp(%rip)", "81 3d 10 00 00 00 78 56 34 12", 10, {X, X, X, S}},
    {"mov disp(%eip),%rax (addr32)", "67 48 8b 05 10 00 00 00", 8, {S, S, S, S}},
    {"movq %fs:0x28,%rax", "64 48 8b 04 25 28 00 00 00", 9, {X, X, X, S}},
    {"mov (%rdi),%rax", "48 8b 07", 3, {X, X, X, S}},
    {"xchg %eax,%r8d (not a nop)", "41 90", 2, {X, X, X, S}},
    {"pause", "f3 90", 2, {X, X, X, S}},
    {"vmovdqu disp(%rip),%ymm0", "c5 fe 6f 05 10 00 00 00", 8, {X, X, X, S}},
    {"xbegin", "c7 f8 00 00 00 00", 6, {S, S, S, S}},
    {"syscall", "0f 05", 2, {S, S, S, S}},
    {"sysenter", "0f 34", 2, {S, S, S, S}},
    {"int3", "cc", 1, {R, R, R, R}},
    {"int $0x80", "cd 80", 2, {R, R, R, R}},
    {"int1", "f1", 1, {R, R, R, R}},
    {"hlt", "f4", 1, {R, R, R, R}},
    {"iretq", "48 cf", 2, {R, R, R, R}},
    {"in (%dx),%al", "ec", 1, {R, R, R, R}},
    {"out %al,$0x80", "e6 80", 2, {R, R, R, R}},
    {"insb", "6c", 1, {R, R, R, R}},
    {"cli", "fa", 1, {R, R, R, R}},
    {"ud2", "0f 0b", 2, {R, R, R, R}},
    {"ud1 (capstone 4 decodes no modrm)", "0f b9", 2, {R, R, R, R}},
    {"lfence", "0f ae e8", 3, {R, R, R, R}},
    {"rdpmc", "0f 33", 2, {R, R, R, R}},
    {"cpuid", "0f a2", 2, {X, X, X, S}},
    {"pushfq", "9c", 1, {X, X, X, S}},
    {"leave", "c9", 1, {X, X, X, S}},
    {"rep stos", "f3 48 ab", 3, {X, X, X, S}},
    {"vmovups disp(%rip),%zmm0 (EVEX)", "62 f1 7c 48 10 05 10 00 00 00", 10, {X, X, X, S}},
    {"wrmsr", "0f 30", 2, {R, R, R, R}},
    {"xgetbv", "0f 01 d0", 3, {R, R, R, R}},
    {"mov %eax,%ss", "8e d0", 2, {R, R, R, R}},
    {"lock cmpxchg", "f0 48 0f b1 0f", 5, {R, R, R, R}},
    {"cs mov disp(%rip),%rax", "2e 48 8b 05 10 00 00 00", 8, {R, R, R, R}},
};

static void test_table(void)
{
	static const enum arch_step_mode requests[4] = {
	    ARCH_STEP_AUTO,
	    ARCH_STEP_EMULATE,
	    ARCH_STEP_XOL,
	    ARCH_STEP_SINGLESTEP,
	};
	size_t i;
	unsigned r;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct step_case *c = &cases[i];
		uint8_t bytes[16];
		unsigned n;

		/* what follows the instruction must not matter: fill with int3 */
		memset(bytes, 0xcc, sizeof(bytes));
		n = parse_hex(c->hex, bytes, sizeof(bytes));
		is_int(arch_insn_length(bytes, sizeof(bytes), 0x401000), c->len, "%s: length",
		       c->name);
		(void)n;
		for (r = 0; r < 4; r++) {
			struct arch_step_plan plan;
			char why[256];
			int err;

			err = arch_step_plan(bytes, sizeof(bytes), 0x401000, requests[r], &plan,
					     why, sizeof(why));
			is_int(err, 0, "%s: plans", c->name);
			is_str(arch_step_mode_name(plan.mode), arch_step_mode_name(c->want[r]),
			       "%s: %s -> %s", c->name, arch_step_mode_name(requests[r]),
			       arch_step_mode_name(c->want[r]));
			if (plan.mode != c->want[r])
				printf("#   why: %s\n", why);
			/* why says something exactly when the request was not met */
			if (plan.mode == ARCH_STEP_REFUSE)
				ok(strncmp(why, "refused: ", 9) == 0, "%s: refusal explained (%s)",
				   c->name, why);
			else if (r == 0 || plan.mode == requests[r])
				is_str(why, "", "%s: no fallback to explain", c->name);
			else
				ok(strstr(why, arch_step_mode_name(requests[r])) == why,
				   "%s: fallback explained (%s)", c->name, why);
			if (r == 0) {
				is_int(plan.len, c->len, "%s: plan length", c->name);
				ok(memcmp(plan.insn, bytes, c->len) == 0 && plan.addr == 0x401000,
				   "%s: plan keeps the original bytes", c->name);
				ok(plan.text[0] != '\0' && strchr(plan.text, '\n') == NULL,
				   "%s: text '%s'", c->name, plan.text);
			}
		}
	}
}

static void test_messages(void)
{
	const uint8_t syscall_insn[16] = {0x0f, 0x05};
	const uint8_t push_rbp[16] = {0x55};
	const uint8_t junk[16] = {0x06};
	struct arch_step_plan plan;
	char why[256];

	arch_step_plan(syscall_insn, 16, 0x1000, ARCH_STEP_XOL, &plan, why, sizeof(why));
	is_str(why,
	       "xol: syscall never runs from a slot (a restart rewinds into it); "
	       "single-stepping",
	       "syscall forced to xol says why it single-steps");
	arch_step_plan(push_rbp, 16, 0x1000, ARCH_STEP_AUTO, &plan, why, sizeof(why));
	is_str(plan.text, "pushq %rbp", "AT&T text");
	is_int(arch_step_plan(junk, 16, 0x1000, ARCH_STEP_AUTO, &plan, why, sizeof(why)), -EINVAL,
	       "undecodable bytes: -EINVAL");
	is_int(plan.mode, ARCH_STEP_REFUSE, "undecodable bytes are refused");
	ok(strstr(why, "do not decode") != NULL, "and why says so: %s", why);
	is_int(arch_insn_length(junk, 16, 0x1000), -1, "no length for junk");
	/* a truncated instruction does not decode either */
	is_int(arch_insn_length((const uint8_t *)"\xe8\x00\x01", 3, 0x1000), -1,
	       "truncated call has no length");
	/* a small why buffer is truncated, never overrun */
	{
		char tiny[8];

		memset(tiny, 'x', sizeof(tiny));
		arch_step_plan(syscall_insn, 16, 0x1000, ARCH_STEP_EMULATE, &plan, tiny,
			       sizeof(tiny));
		is_int(strlen(tiny), sizeof(tiny) - 1, "why truncated to its buffer");
	}
	is_str(arch_step_mode_name(ARCH_STEP_AUTO), "auto", "mode name auto");
	is_str(arch_step_mode_name(ARCH_STEP_REFUSE), "refuse", "mode name refuse");
}

/* The decoder record itself: offsets, rip-relative flag, targets. */
static void test_disasm(void)
{
	const uint8_t cmp[] = {0x81, 0x3d, 0x10, 0, 0, 0, 0x78, 0x56, 0x34, 0x12};
	const uint8_t plt[] = {0xf2, 0xff, 0x25, 0x10, 0, 0, 0};
	const uint8_t jcc[] = {0x0f, 0x84, 0x00, 0x01, 0, 0};
	struct dis_insn insn;
	char text[64];

	is_int(dis_decode_once(cmp, sizeof(cmp), 0x1000, &insn), 0, "decode cmp");
	ok(insn.kind & DIS_RIP_RELATIVE, "cmp is rip-relative");
	is_int(insn.disp_offset, 2, "disp offset");
	is_int(insn.disp_size, 4, "disp size");
	is_int(insn.imm_offset, 6, "imm offset");
	is_int(insn.imm_size, 4, "imm size");
	is_int(insn.disp, 0x10, "disp value");
	ok(!(insn.kind & (DIS_JUMP | DIS_CALL | DIS_RET)), "cmp is no branch");

	is_int(dis_decode_once(plt, sizeof(plt), 0x1000, &insn), 0, "decode plt");
	ok((insn.kind & DIS_JUMP) && !(insn.kind & DIS_RELATIVE), "bnd jmp is an indirect jump");
	is_int(insn.nprefixes, 1, "one prefix");
	is_int(insn.prefixes[0], 0xf2, "the bnd prefix");
	is_int(insn.opcode_offset, 1, "opcode after it");
	is_int(insn.modrm_offset, 2, "modrm offset");
	is_int(insn.op[0].type, DIS_OP_MEM, "memory operand");
	dis_format(&insn, text, sizeof(text));
	is_str(text, "bnd jmpq *0x10(%rip)", "AT&T text of the PLT jump");

	is_int(dis_decode_once(jcc, sizeof(jcc), 0x1000, &insn), 0, "decode je");
	ok(insn.has_target && insn.target == 0x1106, "je target %#llx",
	   (unsigned long long)insn.target);
	ok((insn.kind & DIS_RELATIVE) && (insn.kind & DIS_JUMP), "je kind");
	is_int(insn.imm_offset, 2, "rel32 offset");
}

/* Random bytes: every plan is sane and every XOL plan relocates or is out
 * of reach, within its slot. A fixed seed keeps failures reproducible. */
static void test_fuzz(void)
{
	uint64_t seed = 0x9e3779b97f4a7c15ULL;
	int bad = 0, counts[5] = {0};
	unsigned i, j;

	for (i = 0; i < 20000; i++) {
		struct arch_step_plan plan;
		uint8_t bytes[16];
		char why[256];
		int err, len;

		for (j = 0; j < sizeof(bytes); j++) {
			seed ^= seed << 13;
			seed ^= seed >> 7;
			seed ^= seed << 17;
			bytes[j] = (uint8_t)seed;
		}
		err = arch_step_plan(bytes, sizeof(bytes), 0x555555556000ULL,
				     (enum arch_step_mode)(i % 4), &plan, why, sizeof(why));
		len = arch_insn_length(bytes, sizeof(bytes), 0x555555556000ULL);
		if (plan.mode > ARCH_STEP_REFUSE || (err && plan.mode != ARCH_STEP_REFUSE) ||
		    (err == 0) != (len > 0) || (err == 0 && (unsigned)len != plan.len) ||
		    strlen(why) >= sizeof(why))
			bad++;
		if ((unsigned)plan.mode < 5)
			counts[(unsigned)plan.mode]++;
		if (plan.mode == ARCH_STEP_XOL) {
			err = arch_xol_relocate(&plan, 0x555565556000ULL);
			if ((err && err != -ERANGE) ||
			    (!err && (plan.slot_len == 0 || plan.slot_len > ARCH_XOL_SLOT_SIZE)))
				bad++;
		}
	}
	is_int(bad, 0, "20000 random encodings: sane plans, slots that fit");
	printf("# emulate %d, xol %d, singlestep %d, refuse %d\n", counts[ARCH_STEP_EMULATE],
	       counts[ARCH_STEP_XOL], counts[ARCH_STEP_SINGLESTEP], counts[ARCH_STEP_REFUSE]);
}

int main(void)
{
	test_table();
	test_messages();
	test_disasm();
	test_fuzz();
	return tap_done();
}
