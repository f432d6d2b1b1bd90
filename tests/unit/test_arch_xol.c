/* test_arch_xol.c: out-of-line slot code, decoded again with capstone and run for real. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include <capstone/capstone.h>

#include "arch/arch.h"
#include "tests/tap.h"
#include "tests/unit/helpers.h"

static csh cs;

/* Decode the slot instruction at OFF, as it will sit at SLOT + OFF. */
static cs_insn *slot_insn(const struct arch_step_plan *plan, uint64_t slot, unsigned off)
{
	cs_insn *insn;

	if (off >= plan->slot_len ||
	    cs_disasm(cs, plan->slot_code + off, plan->slot_len - off, slot + off, 1, &insn) != 1)
		return NULL;
	return insn;
}

/* Effective address of a rip-relative memory operand, or 0. */
static uint64_t rip_ea(const cs_insn *insn)
{
	const cs_x86 *x = &insn->detail->x86;
	int i;

	for (i = 0; i < x->op_count; i++)
		if (x->operands[i].type == X86_OP_MEM && x->operands[i].mem.base == X86_REG_RIP)
			return insn->address + insn->size + (uint64_t)x->operands[i].mem.disp;
	return 0;
}

static uint64_t slot_u64(const struct arch_step_plan *plan, uint64_t slot, uint64_t addr)
{
	uint64_t v = 0;

	if (addr >= slot && addr + 8 <= slot + plan->slot_len)
		memcpy(&v, plan->slot_code + (addr - slot), 8);
	return v;
}

/* Where the `jmp *disp(%rip)` at OFF goes, reading its target from the
 * slot; 0 when OFF holds anything else. */
static uint64_t slot_jump(const struct arch_step_plan *plan, uint64_t slot, unsigned off)
{
	cs_insn *insn = slot_insn(plan, slot, off);
	uint64_t dest = 0;

	if (insn && insn->id == X86_INS_JMP && rip_ea(insn))
		dest = slot_u64(plan, slot, rip_ea(insn));
	if (insn)
		cs_free(insn, 1);
	return dest;
}

static int plan_xol(const char *hex, uint64_t addr, struct arch_step_plan *plan)
{
	uint8_t bytes[16];
	char why[200];

	memset(bytes, 0xcc, sizeof(bytes));
	parse_hex(hex, bytes, sizeof(bytes));
	if (arch_step_plan(bytes, sizeof(bytes), addr, ARCH_STEP_XOL, plan, why, sizeof(why)) ||
	    plan->mode != ARCH_STEP_XOL) {
		printf("# %s: not xol (%s)\n", hex, why);
		return -1;
	}
	return 0;
}

#define ADDR 0x555555556000ULL
#define NEAR_SLOT (ADDR + 0x10000000ULL)
#define BELOW_SLOT (ADDR - 0x7ff00000ULL)
#define FAR_SLOT (ADDR + 0x100000000ULL)

/* Plain instructions: copied, rip-relative operand pointing at the same
 * place, then the jump back. */
static void test_plain(void)
{
	static const char *const riprel[] = {
	    "48 8b 05 10 00 00 00",	     /* mov 0x10(%rip),%rax */
	    "48 8d 3d f0 ff ff ff",	     /* lea -0x10(%rip),%rdi */
	    "48 3b 05 00 10 00 00",	     /* cmp 0x1000(%rip),%rax */
	    "81 3d 10 00 00 00 78 56 34 12", /* cmpl $imm,0x10(%rip) */
	    "c5 fe 6f 05 10 00 00 00",	     /* vmovdqu 0x10(%rip),%ymm0 */
	    "c6 05 f0 ff ff ff 01",	     /* movb $1,-0x10(%rip) */
	};
	static const uint64_t slots[] = {NEAR_SLOT, BELOW_SLOT};
	size_t i, s;

	for (i = 0; i < sizeof(riprel) / sizeof(riprel[0]); i++) {
		for (s = 0; s < 2; s++) {
			struct arch_step_plan plan;
			uint64_t slot = slots[s];
			cs_insn *orig = NULL, *moved;

			if (plan_xol(riprel[i], ADDR, &plan)) {
				ok(0, "%s planned for xol", riprel[i]);
				continue;
			}
			cs_disasm(cs, plan.insn, plan.len, ADDR, 1, &orig);
			is_int(arch_xol_relocate(&plan, slot), 0, "%s relocates to %#llx",
			       riprel[i], (unsigned long long)slot);
			moved = slot_insn(&plan, slot, 0);
			ok(moved && orig && moved->size == orig->size && moved->id == orig->id,
			   "%s: same instruction in the slot", riprel[i]);
			ok(moved && orig && rip_ea(moved) == rip_ea(orig) && rip_ea(orig) != 0,
			   "%s: operand address kept (%#llx)", riprel[i],
			   orig ? (unsigned long long)rip_ea(orig) : 0ULL);
			is_int(slot_jump(&plan, slot, plan.len), ADDR + plan.len,
			       "%s: jumps back to addr+len", riprel[i]);
			ok(plan.slot_len <= ARCH_XOL_SLOT_SIZE, "fits the slot");
			if (moved)
				cs_free(moved, 1);
			if (orig)
				cs_free(orig, 1);
		}
		{
			struct arch_step_plan plan;

			plan_xol(riprel[i], ADDR, &plan);
			is_int(arch_xol_relocate(&plan, FAR_SLOT), -ERANGE,
			       "%s: slot 4 GiB away is out of range", riprel[i]);
			is_int(plan.slot_len, 0, "and no code is left");
		}
	}

	{
		/* the edge of reach: disp32 = INT32_MIN fits, one byte more not */
		struct arch_step_plan plan;

		plan_xol("48 8b 05 00 00 00 00", ADDR, &plan);
		is_int(arch_xol_relocate(&plan, ADDR + 0x80000000ULL), 0,
		       "slot exactly 2 GiB above the operand reaches it");
		is_int(arch_xol_relocate(&plan, ADDR + 0x80000001ULL), -ERANGE,
		       "one byte further does not");
		is_int(arch_xol_relocate(&plan, ADDR - 0x7fffffffULL), 0,
		       "slot 2 GiB - 1 below reaches it");
		is_int(arch_xol_relocate(&plan, ADDR - 0x80000000ULL), -ERANGE,
		       "2 GiB below does not");
	}
	{
		/* no rip-relative operand: any slot will do */
		struct arch_step_plan plan;

		plan_xol("48 8b 07", ADDR, &plan); /* mov (%rdi),%rax */
		is_int(arch_xol_relocate(&plan, FAR_SLOT), 0,
		       "mov (%%rdi),%%rax relocates anywhere");
		ok(memcmp(plan.slot_code, "\x48\x8b\x07", 3) == 0, "copied as is");
		is_int(slot_jump(&plan, FAR_SLOT, 3), ADDR + 3, "then jumps back");
		is_int(plan.slot_len, 3 + 14, "slot length");
	}
	{
		struct arch_step_plan plan;
		uint8_t push[16] = {0x55};

		arch_step_plan(push, 16, ADDR, ARCH_STEP_EMULATE, &plan, NULL, 0);
		is_int(arch_xol_relocate(&plan, NEAR_SLOT), -EINVAL,
		       "relocating a non-xol plan is refused");
	}
}

/* Calls become push of the real return address + jump. */
static void test_calls(void)
{
	struct arch_step_plan plan;
	cs_insn *push, *jmp;
	uint64_t slot = NEAR_SLOT;

	/* call rel32 */
	plan_xol("e8 00 01 00 00", ADDR, &plan);
	is_int(arch_xol_relocate(&plan, slot), 0, "call rel32 relocates");
	push = slot_insn(&plan, slot, 0);
	ok(push && push->id == X86_INS_PUSH && rip_ea(push), "call: starts with push disp(%%rip)");
	if (push) {
		is_int(slot_u64(&plan, slot, rip_ea(push)), ADDR + 5,
		       "call: pushes the real return address");
		is_int(slot_jump(&plan, slot, push->size), ADDR + 5 + 0x100,
		       "call: then jumps to the target");
		cs_free(push, 1);
	}
	ok(plan.slot_len <= ARCH_XOL_SLOT_SIZE, "call fits the slot");
	is_int(arch_xol_relocate(&plan, FAR_SLOT), 0,
	       "call rel32 needs no reach: absolute addresses in the slot");

	/* call *disp(%rip): same operand, now through jmp */
	plan_xol("ff 15 00 20 00 00", ADDR, &plan);
	is_int(arch_xol_relocate(&plan, slot), 0, "call *disp(%%rip) relocates");
	push = slot_insn(&plan, slot, 0);
	jmp = push ? slot_insn(&plan, slot, push->size) : NULL;
	ok(push && push->id == X86_INS_PUSH && slot_u64(&plan, slot, rip_ea(push)) == ADDR + 6,
	   "call *disp(%%rip): pushes the real return address");
	ok(jmp && jmp->id == X86_INS_JMP && rip_ea(jmp) == ADDR + 6 + 0x2000,
	   "call *disp(%%rip): jmp through the same memory (%#llx)",
	   jmp ? (unsigned long long)rip_ea(jmp) : 0ULL);
	if (push)
		cs_free(push, 1);
	if (jmp)
		cs_free(jmp, 1);
	is_int(arch_xol_relocate(&plan, FAR_SLOT), -ERANGE,
	       "call *disp(%%rip) from 4 GiB away: -ERANGE");

	/* bnd call *%rax / call *%r11 */
	plan_xol("41 ff d3", ADDR, &plan);
	arch_xol_relocate(&plan, slot);
	jmp = slot_insn(&plan, slot, 6);
	ok(jmp && jmp->id == X86_INS_JMP && jmp->detail->x86.operands[0].type == X86_OP_REG &&
	       jmp->detail->x86.operands[0].reg == X86_REG_R11,
	   "call *%%r11 becomes jmp *%%r11");
	if (jmp)
		cs_free(jmp, 1);
}

/* Conditional branches: condition to a stub, fall-through to the jump back. */
static void test_branches(void)
{
	static const struct {
		const char *hex;
		unsigned len;
		int64_t rel;
	} conds[] = {
	    {"74 05", 2, 5},			  /* je rel8 */
	    {"7f f0", 2, -0x10},		  /* jg rel8 */
	    {"0f 84 00 01 00 00", 6, 0x100},	  /* je rel32 */
	    {"f2 0f 85 00 f0 ff ff", 7, -0x1000}, /* bnd jne rel32 */
	    {"e2 fe", 2, -2},			  /* loop */
	    {"e3 10", 2, 0x10},			  /* jrcxz */
	    {"67 e3 10", 3, 0x10},		  /* jecxz */
	};
	size_t i;

	for (i = 0; i < sizeof(conds) / sizeof(conds[0]); i++) {
		struct arch_step_plan plan;
		cs_insn *cond, *orig = NULL;
		uint64_t taken;

		plan_xol(conds[i].hex, ADDR, &plan);
		is_int(arch_xol_relocate(&plan, FAR_SLOT), 0, "%s relocates anywhere",
		       conds[i].hex);
		cond = slot_insn(&plan, FAR_SLOT, 0);
		cs_disasm(cs, plan.insn, plan.len, ADDR, 1, &orig);
		ok(cond && orig && cond->id == orig->id, "%s: same condition in the slot (%s)",
		   conds[i].hex, cond ? cond->mnemonic : "?");
		if (cond) {
			taken = (uint64_t)cond->detail->x86.operands[0].imm;
			is_int(slot_jump(&plan, FAR_SLOT, (unsigned)(taken - FAR_SLOT)),
			       ADDR + conds[i].len + conds[i].rel,
			       "%s: taken goes to the real target", conds[i].hex);
			is_int(slot_jump(&plan, FAR_SLOT, cond->size), ADDR + conds[i].len,
			       "%s: fall-through goes back to addr+len", conds[i].hex);
			cs_free(cond, 1);
		}
		if (orig)
			cs_free(orig, 1);
	}

	{
		struct arch_step_plan plan;

		plan_xol("e9 00 01 00 00", ADDR, &plan);
		arch_xol_relocate(&plan, FAR_SLOT);
		is_int(slot_jump(&plan, FAR_SLOT, 0), ADDR + 5 + 0x100,
		       "jmp rel32 becomes an absolute jump");
		plan_xol("f2 ff 25 00 10 00 00", ADDR, &plan);
		is_int(arch_xol_relocate(&plan, NEAR_SLOT), 0, "PLT jmp relocates");
		{
			cs_insn *j = slot_insn(&plan, NEAR_SLOT, 0);

			ok(j && rip_ea(j) == ADDR + 7 + 0x1000, "PLT jmp reads the same GOT slot");
			if (j)
				cs_free(j, 1);
		}
	}
}

/*
 * Run slots for real: the probed instruction sits in an "original" page,
 * followed by code that returns to us; the slot is another page within
 * reach. A test calls an entry stub that sets flags/rcx from its argument
 * and jumps into the slot.
 */
struct live {
	uint8_t *orig;
	uint8_t *slot;
};

static int live_map(struct live *l)
{
	l->orig = mmap(NULL, 1 << 16, PROT_READ | PROT_WRITE | PROT_EXEC,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (l->orig == MAP_FAILED)
		return -1;
	l->slot = l->orig + 0x8000;
	return 0;
}

/* Put INSN at orig+0x100; "mov $2,%eax; ret" after it; "mov $1,%eax;
 * ret" at orig+0x200; the entry stub at orig: mov %rdi,%rcx;
 * cmp $0,%rdi; movabs $slot,%r11; jmp *%r11. Returns the entry. */
static uint64_t (*live_setup(struct live *l, const uint8_t *insn, unsigned len,
			     struct arch_step_plan *plan))(uint64_t)
{
	static const uint8_t ret2[] = {0xb8, 2, 0, 0, 0, 0xc3};
	static const uint8_t ret1[] = {0xb8, 1, 0, 0, 0, 0xc3};
	uint8_t stub[] = {0x48, 0x89, 0xf9, 0x48, 0x83, 0xff, 0x00, 0x49, 0xbb, 0,
			  0,	0,    0,    0,	  0,	0,    0,    0x41, 0xff, 0xe3};
	uint64_t slot = (uint64_t)(uintptr_t)l->slot;
	uint64_t (*entry)(uint64_t);
	uint8_t bytes[16];

	memset(l->orig, 0xcc, 0x8000);
	memcpy(l->orig + 0x100, insn, len);
	memcpy(l->orig + 0x100 + len, ret2, sizeof(ret2));
	memcpy(l->orig + 0x200, ret1, sizeof(ret1));
	memcpy(stub + 9, &slot, 8);
	memcpy(l->orig, stub, sizeof(stub));
	memcpy(bytes, l->orig + 0x100, 16);
	if (arch_step_plan(bytes, 16, (uint64_t)(uintptr_t)(l->orig + 0x100), ARCH_STEP_XOL, plan,
			   NULL, 0) ||
	    plan->mode != ARCH_STEP_XOL || arch_xol_relocate(plan, slot))
		return NULL;
	memcpy(l->slot, plan->slot_code, plan->slot_len);
	__builtin___clear_cache((char *)l->orig, (char *)l->orig + 0x10000);
	memcpy(&entry, &(void *){l->orig}, sizeof(entry));
	return entry;
}

static void test_live(void)
{
	struct live l;
	struct arch_step_plan plan;
	uint64_t (*entry)(uint64_t);
	uint8_t insn[16];
	int32_t rel;

	if (live_map(&l)) {
		ok(1, "# SKIP live slots: cannot map an executable page");
		return;
	}

	/* je +rel32 to orig+0x200 */
	insn[0] = 0x0f;
	insn[1] = 0x84;
	rel = 0x200 - (0x100 + 6);
	memcpy(insn + 2, &rel, 4);
	entry = live_setup(&l, insn, 6, &plan);
	ok(entry != NULL, "live je: slot built");
	if (entry) {
		is_int(entry(0), 1, "live je, equal: taken");
		is_int(entry(7), 2, "live je, not equal: falls through");
	}

	/* loop rel8: rcx = argument, decremented */
	insn[0] = 0xe2;
	/* rel8 cannot reach +0xfe: hop through a jmp at orig+0x180 */
	insn[1] = 0x180 - (0x100 + 2);
	entry = live_setup(&l, insn, 2, &plan);
	if (entry) {
		l.orig[0x180] = 0xe9; /* jmp rel32 to orig+0x200 */
		rel = 0x200 - (0x180 + 5);
		memcpy(l.orig + 0x181, &rel, 4);
		is_int(entry(5), 1, "live loop, rcx 5 -> 4: taken");
		is_int(entry(1), 2, "live loop, rcx 1 -> 0: falls through");
	} else {
		ok(0, "live loop: slot built");
	}

	/* lea disp(%rip),%rax then ret: returns the operand address */
	{
		uint8_t lea[7] = {0x48, 0x8d, 0x05};
		uint8_t just_ret = 0xc3;

		rel = 0x4000;
		memcpy(lea + 3, &rel, 4);
		entry = live_setup(&l, lea, 7, &plan);
		if (entry) {
			l.orig[0x107] = just_ret;
			is_int(entry(0), (uint64_t)(uintptr_t)l.orig + 0x107 + 0x4000,
			       "live lea: the original operand address");
		} else {
			ok(0, "live lea: slot built");
		}
	}

	/* mov disp(%rip),%rax reads the original data */
	{
		uint8_t mov[7] = {0x48, 0x8b, 0x05};
		uint64_t value = 0x1122334455667788ULL;

		rel = 0x3000 - (0x100 + 7);
		memcpy(mov + 3, &rel, 4);
		entry = live_setup(&l, mov, 7, &plan);
		if (entry) {
			memcpy(l.orig + 0x3000, &value, 8);
			l.orig[0x107] = 0xc3;
			is_int(entry(0), value, "live mov: reads the original data");
		} else {
			ok(0, "live mov: slot built");
		}
	}

	/* call rel32 to "mov (%rsp),%rax; ret": sees the real return address,
	 * then returns to addr+len, which returns to us */
	{
		static const uint8_t callee[] = {0x48, 0x8b, 0x04, 0x24, 0xc3};
		uint8_t call[5] = {0xe8};

		rel = 0x300 - (0x100 + 5);
		memcpy(call + 1, &rel, 4);
		entry = live_setup(&l, call, 5, &plan);
		if (entry) {
			memcpy(l.orig + 0x300, callee, sizeof(callee));
			l.orig[0x105] = 0xc3;
			is_int(entry(0), (uint64_t)(uintptr_t)l.orig + 0x105,
			       "live call: the callee sees the real return address");
		} else {
			ok(0, "live call: slot built");
		}
	}

	/* call *disp(%rip) through a "GOT" slot */
	{
		static const uint8_t callee[] = {0x48, 0x8b, 0x04, 0x24, 0xc3};
		uint8_t call[6] = {0xff, 0x15};
		uint64_t target;

		rel = 0x3800 - (0x100 + 6);
		memcpy(call + 2, &rel, 4);
		entry = live_setup(&l, call, 6, &plan);
		if (entry) {
			target = (uint64_t)(uintptr_t)l.orig + 0x300;
			memcpy(l.orig + 0x300, callee, sizeof(callee));
			memcpy(l.orig + 0x3800, &target, 8);
			l.orig[0x106] = 0xc3;
			is_int(entry(0), (uint64_t)(uintptr_t)l.orig + 0x106,
			       "live call *disp(%%rip): real return address");
		} else {
			ok(0, "live call *disp(%%rip): slot built");
		}
	}
	munmap(l.orig, 1 << 16);
}

int main(void)
{
	if (cs_open(CS_ARCH_X86, CS_MODE_64, &cs) != CS_ERR_OK) {
		ok(0, "capstone opens");
		return tap_done();
	}
	cs_option(cs, CS_OPT_DETAIL, CS_OPT_ON);
	test_plain();
	test_calls();
	test_branches();
	test_live();
	cs_close(&cs);
	return tap_done();
}
