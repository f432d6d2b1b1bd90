/* test_arch_emulate.c: arch_emulate on synthetic registers and a fake memory, flags checked against
 * the CPU. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "arch/arch.h"
#include "tests/tap.h"

#define CODE 0x401000ULL
#define STACK_BASE 0x7ffd0000ULL /* fake stack: [STACK_BASE, +4096) */
#define DATA_BASE 0x404000ULL	 /* fake .got/.data: [DATA_BASE, +4096) */
#define ARITH_FLAGS 0x8d5ULL	 /* CF PF AF ZF SF OF */

struct fake_mem {
	uint8_t stack[4096];
	uint8_t data[4096];
	int writes;
};

static uint8_t *locate(struct fake_mem *m, uint64_t addr, size_t n)
{
	if (addr >= STACK_BASE && addr + n <= STACK_BASE + sizeof(m->stack))
		return m->stack + (addr - STACK_BASE);
	if (addr >= DATA_BASE && addr + n <= DATA_BASE + sizeof(m->data))
		return m->data + (addr - DATA_BASE);
	return NULL;
}

static int fake_read(void *ctx, uint64_t addr, void *buf, size_t n)
{
	uint8_t *p = locate(ctx, addr, n);

	if (!p)
		return -EFAULT;
	memcpy(buf, p, n);
	return 0;
}

static int fake_write(void *ctx, uint64_t addr, const void *buf, size_t n)
{
	struct fake_mem *m = ctx;
	uint8_t *p = locate(m, addr, n);

	if (!p)
		return -EFAULT;
	memcpy(p, buf, n);
	m->writes++;
	return 0;
}

static struct fake_mem mem_store;
static const struct arch_mem fake = {fake_read, fake_write, &mem_store};

static uint64_t peek(uint64_t addr)
{
	uint64_t v = 0;

	fake_read(&mem_store, addr, &v, sizeof(v));
	return v;
}

static void poke(uint64_t addr, uint64_t v)
{
	fake_write(&mem_store, addr, &v, sizeof(v));
}

static void init_regs(struct arch_regs *regs)
{
	memset(regs, 0, sizeof(*regs));
	regs->user.rip = CODE + 1; /* as after the int3 */
	regs->user.rsp = STACK_BASE + 2048;
	regs->user.rbp = 0x1111;
	regs->user.rax = 0xaaaa;
	regs->user.rbx = 0xbbbb;
	regs->user.rcx = 3;
	regs->user.r12 = 0x1212;
	regs->user.r15 = 0x1515;
	regs->user.eflags = 0x202;
	memset(&mem_store, 0, sizeof(mem_store));
}

/* Plan BYTES at ADDR in emulate mode; returns the plan's length or -1. */
static int plan_at(const uint8_t *bytes, size_t n, uint64_t addr, struct arch_step_plan *plan)
{
	uint8_t buf[16];
	char why[200];

	memset(buf, 0x90, sizeof(buf));
	memcpy(buf, bytes, n);
	if (arch_step_plan(buf, sizeof(buf), addr, ARCH_STEP_AUTO, plan, why, sizeof(why)) != 0 ||
	    plan->mode != ARCH_STEP_EMULATE) {
		printf("# not emulated: %s (%s)\n", plan->text, why);
		return -1;
	}
	return (int)plan->len;
}

#define PLAN(plan, ...)                                                                            \
	plan_at((const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__}), CODE, plan)

static void test_stack_ops(void)
{
	struct arch_step_plan plan;
	struct arch_regs regs, before;
	uint64_t sp = STACK_BASE + 2048;

	init_regs(&regs);
	is_int(PLAN(&plan, 0x55), 1, "push %%rbp planned");
	is_int(arch_emulate(&plan, &regs, &fake), 0, "push %%rbp");
	is_int(regs.user.rsp, sp - 8, "push: sp -= 8");
	is_int(peek(sp - 8), 0x1111, "push: rbp stored");
	is_int(regs.user.rip, CODE + 1, "push: ip after it");

	init_regs(&regs);
	PLAN(&plan, 0x41, 0x54);
	arch_emulate(&plan, &regs, &fake);
	is_int(peek(sp - 8), 0x1212, "push %%r12 stores r12");
	is_int(regs.user.rip, CODE + 2, "push %%r12: ip after 2 bytes");

	init_regs(&regs);
	PLAN(&plan, 0x41, 0x57);
	arch_emulate(&plan, &regs, &fake);
	is_int(peek(sp - 8), 0x1515, "push %%r15 stores r15");

	init_regs(&regs);
	PLAN(&plan, 0x54);
	arch_emulate(&plan, &regs, &fake);
	is_int(peek(sp - 8), sp, "push %%rsp stores the old rsp");

	init_regs(&regs);
	poke(sp, 0xfeed);
	PLAN(&plan, 0x5d);
	is_int(arch_emulate(&plan, &regs, &fake), 0, "pop %%rbp");
	is_int(regs.user.rbp, 0xfeed, "pop: rbp loaded");
	is_int(regs.user.rsp, sp + 8, "pop: sp += 8");

	init_regs(&regs);
	poke(sp, 0xbeef);
	PLAN(&plan, 0x41, 0x5f);
	arch_emulate(&plan, &regs, &fake);
	is_int(regs.user.r15, 0xbeef, "pop %%r15");

	init_regs(&regs);
	poke(sp, 0x12340000);
	PLAN(&plan, 0x5c);
	arch_emulate(&plan, &regs, &fake);
	is_int(regs.user.rsp, 0x12340000, "pop %%rsp: the loaded value wins");

	/* a push the stack cannot take leaves everything as it was */
	init_regs(&regs);
	regs.user.rsp = STACK_BASE; /* rsp - 8 is outside the fake stack */
	before = regs;
	PLAN(&plan, 0x55);
	is_int(arch_emulate(&plan, &regs, &fake), -EFAULT, "push off the stack");
	ok(memcmp(&regs, &before, sizeof(regs)) == 0, "registers untouched");

	init_regs(&regs);
	PLAN(&plan, 0x48, 0x89, 0xe5);
	arch_emulate(&plan, &regs, &fake);
	is_int(regs.user.rbp, sp, "mov %%rsp,%%rbp (48 89 e5)");
	is_int(regs.user.rip, CODE + 3, "mov: ip");
	is_int(regs.user.eflags, 0x202, "mov: flags untouched");
	init_regs(&regs);
	PLAN(&plan, 0x48, 0x8b, 0xec);
	arch_emulate(&plan, &regs, &fake);
	is_int(regs.user.rbp, sp, "mov %%rsp,%%rbp (48 8b ec)");
}

static void test_nops(void)
{
	static const struct {
		const char *name;
		uint8_t bytes[11];
		unsigned len;
	} nops[] = {
	    {"nop", {0x90}, 1},
	    {"xchg %ax,%ax", {0x66, 0x90}, 2},
	    {"nopl (%rax)", {0x0f, 0x1f, 0x00}, 3},
	    {"nopl 0(%rax)", {0x0f, 0x1f, 0x40, 0}, 4},
	    {"nopl 0(%rax,%rax)", {0x0f, 0x1f, 0x44, 0, 0}, 5},
	    {"nopw 0(%rax,%rax)", {0x66, 0x0f, 0x1f, 0x44, 0, 0}, 6},
	    {"nopl 0L(%rax)", {0x0f, 0x1f, 0x80, 0, 0, 0, 0}, 7},
	    {"nopl 0L(%rax,%rax)", {0x0f, 0x1f, 0x84, 0, 0, 0, 0, 0}, 8},
	    {"nopw 0L(%rax,%rax)", {0x66, 0x0f, 0x1f, 0x84, 0, 0, 0, 0, 0}, 9},
	    {"nopw %cs:0L(%rax,%rax)", {0x66, 0x2e, 0x0f, 0x1f, 0x84, 0, 0, 0, 0, 0}, 10},
	    {"data16 nopw %cs:", {0x66, 0x66, 0x2e, 0x0f, 0x1f, 0x84, 0, 0, 0, 0, 0}, 11},
	    {"endbr64", {0xf3, 0x0f, 0x1e, 0xfa}, 4},
	};
	size_t i;

	for (i = 0; i < sizeof(nops) / sizeof(nops[0]); i++) {
		struct arch_step_plan plan;
		struct arch_regs regs, before;

		init_regs(&regs);
		before = regs;
		is_int(plan_at(nops[i].bytes, nops[i].len, CODE, &plan), nops[i].len, "%s planned",
		       nops[i].name);
		is_int(arch_emulate(&plan, &regs, &fake), 0, "%s emulated", nops[i].name);
		before.user.rip = CODE + nops[i].len;
		ok(memcmp(&regs, &before, sizeof(regs)) == 0 && mem_store.writes == 0,
		   "%s: only ip moves", nops[i].name);
	}
}

/* The CPU's own answer: run the same sub/add on a scratch register. The
 * red zone is stepped over because pushf writes below %rsp. */
static uint64_t cpu_arith(bool sub, uint64_t a, int64_t imm, uint64_t *flags)
{
	uint64_t f;

	if (sub)
		__asm__ volatile("lea -128(%%rsp), %%rsp\n\t"
				 "sub %2, %0\n\t"
				 "pushfq\n\t"
				 "pop %1\n\t"
				 "lea 128(%%rsp), %%rsp"
				 : "+r"(a), "=r"(f)
				 : "r"(imm)
				 : "cc", "memory");
	else
		__asm__ volatile("lea -128(%%rsp), %%rsp\n\t"
				 "add %2, %0\n\t"
				 "pushfq\n\t"
				 "pop %1\n\t"
				 "lea 128(%%rsp), %%rsp"
				 : "+r"(a), "=r"(f)
				 : "r"(imm)
				 : "cc", "memory");
	*flags = f;
	return a;
}

static void test_arith_flags(void)
{
	static const uint64_t values[] = {
	    0x7ffd0800,
	    0,
	    1,
	    0xf,
	    0x10,
	    0x80,
	    0xff,
	    0x7fffffff,
	    0x80000000,
	    0x7fffffffffffffffULL,
	    0x8000000000000000ULL,
	    0xffffffffffffffffULL,
	    0x8000000000000010ULL,
	    0x100,
	};
	static const int64_t imms[] = {
	    0x10, 0x8, 0x1, 0x7f, -0x80, -1, 0x100, 0x7fffffff, -0x80000000LL, 0x12345, 0xff,
	};
	static const uint64_t start_flags[] = {0x202, 0x202 | ARITH_FLAGS};
	size_t v, i, f;
	int op, reg;
	int mismatches = 0, runs = 0;

	for (op = 0; op < 2; op++) {
		for (reg = 0; reg < 2; reg++) {
			for (i = 0; i < sizeof(imms) / sizeof(imms[0]); i++) {
				int64_t imm = imms[i];
				bool small = imm >= -128 && imm <= 127;
				/* 48 83 /5 ib or 48 81 /5 id; /0 for add; rsp or rbx */
				uint8_t modrm = (uint8_t)(0xc0 | (op ? 5 << 3 : 0) | (reg ? 3 : 4));
				uint8_t bytes[7] = {0x48, small ? 0x83 : 0x81, modrm};
				struct arch_step_plan plan;
				int32_t imm32 = (int32_t)imm;

				if (small)
					bytes[3] = (uint8_t)imm;
				else
					memcpy(bytes + 3, &imm32, 4);
				if (plan_at(bytes, small ? 4 : 7, CODE, &plan) < 0) {
					ok(0, "sub/add planned");
					continue;
				}
				for (v = 0; v < sizeof(values) / sizeof(values[0]); v++) {
					for (f = 0; f < 2; f++) {
						struct arch_regs regs;
						uint64_t cpu_flags, want, got_value;
						uint64_t result =
						    cpu_arith(op, values[v], imm, &cpu_flags);

						init_regs(&regs);
						regs.user.eflags = start_flags[f];
						if (reg)
							regs.user.rbx = values[v];
						else
							regs.user.rsp = values[v];
						arch_emulate(&plan, &regs, &fake);
						got_value = reg ? regs.user.rbx : regs.user.rsp;
						want = (start_flags[f] & ~ARITH_FLAGS) |
						       (cpu_flags & ARITH_FLAGS);
						runs++;
						if (got_value != result ||
						    regs.user.eflags != want ||
						    regs.user.rip != CODE + plan.len) {
							mismatches++;
							printf(
							    "# %s $%lld,%s on %#llx: got %#llx "
							    "flags %#llx, cpu %#llx flags %#llx\n",
							    op ? "sub" : "add", (long long)imm,
							    reg ? "%rbx" : "%rsp",
							    (unsigned long long)values[v],
							    (unsigned long long)got_value,
							    (unsigned long long)regs.user.eflags,
							    (unsigned long long)result,
							    (unsigned long long)want);
						}
					}
				}
			}
		}
	}
	is_int(mismatches, 0, "sub/add imm: value and CF PF AF ZF SF OF as the CPU (%d runs)",
	       runs);
}

/* The CPU's verdict on condition CC for FLAGS, through setcc. */
static int cpu_condition(unsigned cc, uint64_t flags)
{
	uint8_t r = 0;

#define SETCC(n, name)                                                                             \
	case n:                                                                                    \
		__asm__ volatile("lea -128(%%rsp), %%rsp\n\t"                                      \
				 "push %1\n\t"                                                     \
				 "popfq\n\t"                                                       \
				 "set" name " %0\n\t"                                              \
				 "lea 128(%%rsp), %%rsp"                                           \
				 : "=q"(r)                                                         \
				 : "r"(flags)                                                      \
				 : "cc", "memory");                                                \
		break
	switch (cc) {
		SETCC(0, "o");
		SETCC(1, "no");
		SETCC(2, "b");
		SETCC(3, "ae");
		SETCC(4, "e");
		SETCC(5, "ne");
		SETCC(6, "be");
		SETCC(7, "a");
		SETCC(8, "s");
		SETCC(9, "ns");
		SETCC(10, "p");
		SETCC(11, "np");
		SETCC(12, "l");
		SETCC(13, "ge");
		SETCC(14, "le");
		SETCC(15, "g");
	}
#undef SETCC
	return r;
}

static void test_jcc(void)
{
	static const uint64_t flag_bits[] = {0x1, 0x4, 0x40, 0x80, 0x800};
	unsigned cc, combo, b;
	int wrong8 = 0, wrong32 = 0;

	for (cc = 0; cc < 16; cc++) {
		struct arch_step_plan short_plan, near_plan;
		/* jcc rel8 -0x10 and jcc rel32 +0x1234 */
		uint8_t short_jcc[2] = {(uint8_t)(0x70 | cc), 0xf0};
		uint8_t near_jcc[6] = {0x0f, (uint8_t)(0x80 | cc), 0x34, 0x12, 0, 0};

		if (plan_at(short_jcc, 2, CODE, &short_plan) < 0 ||
		    plan_at(near_jcc, 6, CODE, &near_plan) < 0) {
			ok(0, "jcc %u planned", cc);
			continue;
		}
		for (combo = 0; combo < 32; combo++) {
			uint64_t flags = 0x202;
			struct arch_regs regs;
			int taken;

			for (b = 0; b < 5; b++)
				if (combo & (1u << b))
					flags |= flag_bits[b];
			taken = cpu_condition(cc, flags);

			init_regs(&regs);
			regs.user.eflags = flags;
			arch_emulate(&short_plan, &regs, &fake);
			if (regs.user.rip != (taken ? CODE + 2 - 0x10 : CODE + 2))
				wrong8++;
			init_regs(&regs);
			regs.user.eflags = flags;
			arch_emulate(&near_plan, &regs, &fake);
			if (regs.user.rip != (taken ? CODE + 6 + 0x1234 : CODE + 6))
				wrong32++;
			if (regs.user.eflags != flags)
				wrong32++;
		}
	}
	is_int(wrong8, 0, "jcc rel8: 16 conditions x 32 flag sets as the CPU decides");
	is_int(wrong32, 0, "jcc rel32: 16 conditions x 32 flag sets as the CPU decides");
}

static void test_branches(void)
{
	struct arch_step_plan plan;
	struct arch_regs regs;
	uint64_t sp = STACK_BASE + 2048;
	uint64_t got;

	init_regs(&regs);
	PLAN(&plan, 0xeb, 0x10);
	arch_emulate(&plan, &regs, &fake);
	is_int(regs.user.rip, CODE + 2 + 0x10, "jmp rel8");
	init_regs(&regs);
	PLAN(&plan, 0xe9, 0x00, 0xff, 0xff, 0xff);
	arch_emulate(&plan, &regs, &fake);
	is_int(regs.user.rip, CODE + 5 - 0x100, "jmp rel32 backwards");

	init_regs(&regs);
	PLAN(&plan, 0xe8, 0x00, 0x01, 0x00, 0x00);
	is_int(arch_emulate(&plan, &regs, &fake), 0, "call rel32");
	is_int(regs.user.rip, CODE + 5 + 0x100, "call: ip at the target");
	is_int(regs.user.rsp, sp - 8, "call: sp -= 8");
	is_int(peek(sp - 8), CODE + 5, "call: return address pushed");

	init_regs(&regs);
	poke(sp, 0x401234);
	PLAN(&plan, 0xc3);
	arch_emulate(&plan, &regs, &fake);
	is_int(regs.user.rip, 0x401234, "ret: ip from the stack");
	is_int(regs.user.rsp, sp + 8, "ret: sp += 8");
	init_regs(&regs);
	poke(sp, 0x401234);
	PLAN(&plan, 0xc2, 0x10, 0x00);
	arch_emulate(&plan, &regs, &fake);
	is_int(regs.user.rsp, sp + 8 + 0x10, "ret $0x10: sp += 24");
	init_regs(&regs);
	poke(sp, 0x405678);
	PLAN(&plan, 0xf3, 0xc3);
	arch_emulate(&plan, &regs, &fake);
	is_int(regs.user.rip, 0x405678, "repz ret");
	init_regs(&regs);
	poke(sp, 0x405678);
	PLAN(&plan, 0xf2, 0xc3);
	arch_emulate(&plan, &regs, &fake);
	is_int(regs.user.rip, 0x405678, "bnd ret");

	/* PLT stub: bnd jmp *disp(%rip) reads the GOT slot */
	init_regs(&regs);
	got = DATA_BASE + 0x18;
	poke(got, 0x7f0000001000ULL);
	plan_at((const uint8_t[]){0xf2, 0xff, 0x25, 0, 0, 0, 0}, 7, got - 7,
		&plan); /* disp 0: the slot right after the insn */
	regs.user.rip = got - 7 + 1;
	is_int(arch_emulate(&plan, &regs, &fake), 0, "bnd jmp *0(%%rip)");
	is_int(regs.user.rip, 0x7f0000001000ULL, "PLT jump lands on the GOT value");
	is_int(regs.user.rsp, sp, "PLT jump leaves sp");

	init_regs(&regs);
	poke(DATA_BASE + 0x100, 0x402000);
	{
		/* call *disp(%rip) at CODE: disp = DATA_BASE+0x100 - (CODE+6) */
		int32_t disp = (int32_t)(DATA_BASE + 0x100 - (CODE + 6));
		uint8_t call[6] = {0xff, 0x15};

		memcpy(call + 2, &disp, 4);
		plan_at(call, 6, CODE, &plan);
	}
	is_int(arch_emulate(&plan, &regs, &fake), 0, "call *disp(%%rip)");
	is_int(regs.user.rip, 0x402000, "call *disp(%%rip): target from memory");
	is_int(peek(sp - 8), CODE + 6, "call *disp(%%rip): return address");

	init_regs(&regs);
	regs.user.rax = 0x403000;
	PLAN(&plan, 0xff, 0xe0);
	arch_emulate(&plan, &regs, &fake);
	is_int(regs.user.rip, 0x403000, "jmp *%%rax");
	init_regs(&regs);
	regs.user.rax = 0x403000;
	PLAN(&plan, 0x3e, 0xff, 0xe0);
	arch_emulate(&plan, &regs, &fake);
	is_int(regs.user.rip, 0x403000, "notrack jmp *%%rax");

	init_regs(&regs);
	regs.user.r11 = 0x403300;
	PLAN(&plan, 0x41, 0xff, 0xd3);
	arch_emulate(&plan, &regs, &fake);
	is_int(regs.user.rip, 0x403300, "call *%%r11");
	is_int(peek(sp - 8), CODE + 3, "call *%%r11: return address");

	/* jmp *0x10(%rbx,%rcx,8): switch table in memory */
	init_regs(&regs);
	regs.user.rbx = DATA_BASE;
	regs.user.rcx = 3;
	poke(DATA_BASE + 0x10 + 3 * 8, 0x404444);
	PLAN(&plan, 0xff, 0x64, 0xcb, 0x10);
	arch_emulate(&plan, &regs, &fake);
	is_int(regs.user.rip, 0x404444, "jmp *0x10(%%rbx,%%rcx,8)");

	/* call *8(%rsp): the operand is read before the push */
	init_regs(&regs);
	poke(sp + 8, 0x405555);
	PLAN(&plan, 0xff, 0x54, 0x24, 0x08);
	arch_emulate(&plan, &regs, &fake);
	is_int(regs.user.rip, 0x405555, "call *8(%%rsp) uses the old rsp");
	is_int(peek(sp - 8), CODE + 4, "call *8(%%rsp): return address");

	/* jmp *%fs:0x10 */
	init_regs(&regs);
	regs.user.fs_base = DATA_BASE + 0x200;
	poke(DATA_BASE + 0x210, 0x406666);
	PLAN(&plan, 0x64, 0xff, 0x24, 0x25, 0x10, 0, 0, 0);
	arch_emulate(&plan, &regs, &fake);
	is_int(regs.user.rip, 0x406666, "jmp *%%fs:0x10");

	/* unreadable pointer or a non-canonical target: the CPU must fault */
	init_regs(&regs);
	regs.user.rax = 0x10;
	PLAN(&plan, 0xff, 0x20);
	is_int(arch_emulate(&plan, &regs, &fake), -EFAULT, "jmp *(%%rax) unreadable");
	is_int(regs.user.rip, CODE + 1, "ip untouched");
	init_regs(&regs);
	regs.user.rax = 0x800000000000ULL;
	PLAN(&plan, 0xff, 0xd0);
	is_int(arch_emulate(&plan, &regs, &fake), -EFAULT,
	       "call *%%rax to a non-canonical address");
	is_int(regs.user.rsp, sp, "sp untouched");
}

int main(void)
{
	test_stack_ops();
	test_nops();
	test_arith_flags();
	test_jcc();
	test_branches();
	return tap_done();
}
