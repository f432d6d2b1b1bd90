/* classify.c: decide once, when a probe is planted, how to step over its instruction. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <capstone/capstone.h>

#include "arch/x86_64/x86.h"

/*
 * As in the kernel's uprobes: a chain of classifiers looks at the decoded
 * instruction, each one saying "not mine" until one claims it. Here the
 * chain is: hard refusals (nothing may run it), emulators (arch_emulate
 * can do it in the tracer), soft refusals (prefixes the kernel rejects,
 * harmless to an emulator), out-of-line checks, single-step. The result is
 * a plan the hit path executes without looking at the bytes again.
 */

struct verdict {
	const char *refused;	/* nobody may run it, or NULL */
	const char *no_emulate; /* NULL when an emulator claimed it */
	const char *no_xol;	/* NULL when it can run from a slot */
	char buf[96];		/* room for a reason with the mnemonic in it */
};

/* One-byte opcodes refused in 64-bit mode, with the kernel's reasons. */
static const struct {
	uint8_t opcode;
	const char *why;
} bad_opcodes[] = {
    {0x06, "push %es is invalid in 64-bit mode"},
    {0x07, "pop %es is invalid in 64-bit mode"},
    {0x0e, "push %cs is invalid in 64-bit mode"},
    {0x16, "push %ss is invalid in 64-bit mode"},
    {0x17, "pop %ss is invalid in 64-bit mode"},
    {0x1e, "push %ds is invalid in 64-bit mode"},
    {0x1f, "pop %ds is invalid in 64-bit mode"},
    {0x27, "daa is invalid in 64-bit mode"},
    {0x2f, "das is invalid in 64-bit mode"},
    {0x37, "aaa is invalid in 64-bit mode"},
    {0x3f, "aas is invalid in 64-bit mode"},
    {0x60, "pusha is invalid in 64-bit mode"},
    {0x61, "popa is invalid in 64-bit mode"},
    {0x6c, "ins/outs fault in user space"},
    {0x6d, "ins/outs fault in user space"},
    {0x6e, "ins/outs fault in user space"},
    {0x6f, "ins/outs fault in user space"},
    {0x82, "opcode 82 is invalid in 64-bit mode"},
    {0x9a, "far call is invalid in 64-bit mode"},
    {0xcc, "int3 is a breakpoint already"},
    {0xcd, "int N is a software interrupt"},
    {0xce, "into is invalid in 64-bit mode"},
    {0xcf, "iret is not probed"},
    {0xd4, "aam is invalid in 64-bit mode"},
    {0xd5, "aad is invalid in 64-bit mode"},
    {0xd6, "salc is invalid in 64-bit mode"},
    {0xe4, "in/out fault in user space"},
    {0xe5, "in/out fault in user space"},
    {0xe6, "in/out fault in user space"},
    {0xe7, "in/out fault in user space"},
    {0xea, "far jmp is invalid in 64-bit mode"},
    {0xec, "in/out fault in user space"},
    {0xed, "in/out fault in user space"},
    {0xee, "in/out fault in user space"},
    {0xef, "in/out fault in user space"},
    {0xf1, "int1 (icebp) is a debug trap"},
    {0xf4, "hlt faults in user space"},
    {0xfa, "cli faults in user space"},
    {0xfb, "sti faults in user space"},
};

/* Two-byte opcodes (0f xx) the kernel's uprobes refuse. syscall (0f 05)
 * and sysenter (0f 34) are not here: utap single-steps them. */
static const struct {
	uint8_t opcode;
	const char *why;
} bad_0f_opcodes[] = {
    {0x00, "system instruction (sldt/ltr/verr group)"},
    {0x01, "system instruction (sgdt/lgdt/xgetbv group)"},
    {0x06, "clts is privileged"},
    {0x07, "sysret is privileged"},
    {0x08, "invd is privileged"},
    {0x09, "wbinvd is privileged"},
    {0x0b, "ud2 is meant to fault"},
    {0x30, "wrmsr is privileged"},
    {0x35, "sysexit is privileged"},
    {0x37, "getsec is privileged"},
    {0x78, "vmread is privileged"},
    {0x79, "vmwrite is privileged"},
    {0xae, "group 15 (fences, xsave, fs/gs base) is refused, as by the kernel"},
    /* not in the kernel's list: like ud2 they exist only to fault */
    {0xb9, "ud1 is meant to fault"},
    {0xff, "ud0 is meant to fault"},
};

static const char *opcode_refusal(const struct dis_insn *insn)
{
	const uint8_t *op = insn->bytes + insn->opcode_offset;
	unsigned left = insn->len - insn->opcode_offset;
	size_t i;

	if (left == 0)
		return "no opcode";
	if (op[0] == 0x0f && left > 1) {
		for (i = 0; i < sizeof(bad_0f_opcodes) / sizeof(bad_0f_opcodes[0]); i++)
			if (op[1] == bad_0f_opcodes[i].opcode)
				return bad_0f_opcodes[i].why;
		return NULL;
	}
	for (i = 0; i < sizeof(bad_opcodes) / sizeof(bad_opcodes[0]); i++)
		if (op[0] == bad_opcodes[i].opcode)
			return bad_opcodes[i].why;
	/* mov to %ss holds off interrupts and traps for one instruction */
	if (op[0] == 0x8e && left > 1 && ((op[1] >> 3) & 7) == 2)
		return "mov to %ss masks the next instruction's traps";
	return NULL;
}

/* What nothing may run: the kernel's refusals, minus syscall/sysenter. */
static const char *hard_refusal(const struct dis_insn *insn)
{
	const char *why = opcode_refusal(insn);

	if (why)
		return why;
	if (insn->kind & DIS_NOT_64BIT)
		return "invalid in 64-bit mode";
	if (insn->kind & DIS_PRIVILEGED)
		return "privileged instruction";
	if (insn->kind & DIS_IRET)
		return "iret is not probed";
	if ((insn->kind & DIS_INT) && insn->id != X86_INS_SYSCALL && insn->id != X86_INS_SYSENTER)
		return "software interrupt";
	if (arch_x86_has_prefix(insn, 0xf0))
		return "lock prefix is refused, as by the kernel's uprobes";
	/* Intel ignores 66 on a near branch, AMD truncates ip to 16 bits */
	if ((insn->kind & DIS_RELATIVE) && arch_x86_has_prefix(insn, 0x66))
		return "relative branch with a 16-bit operand-size prefix";
	return NULL;
}

/* es/cs/ss/ds overrides: the kernel refuses them; they do nothing in 64-bit
 * mode, so the emulator may still take a nop, a hinted jcc or a notrack
 * jmp that carries one. */
static const char *soft_refusal(const struct dis_insn *insn)
{
	unsigned i;

	for (i = 0; i < insn->nprefixes; i++) {
		switch (insn->prefixes[i]) {
		case 0x26:
		case 0x2e:
		case 0x36:
		case 0x3e:
			return "es/cs/ss/ds segment prefix is refused, as by the kernel's uprobes";
		}
	}
	return NULL;
}

static void classify(const struct dis_insn *insn, struct arch_step_plan *plan, struct verdict *v)
{
	memset(v, 0, sizeof(*v));
	v->refused = hard_refusal(insn);
	if (v->refused) {
		v->no_emulate = v->no_xol = v->refused;
		return;
	}
	if (arch_x86_emulate_claim(insn, plan) != 0) {
		snprintf(v->buf, sizeof(v->buf), "%s is not emulated", insn->mnemonic);
		v->no_emulate = v->buf;
	}
	v->refused = soft_refusal(insn);
	if (v->refused) {
		v->no_xol = v->refused;
		return;
	}
	v->no_xol = arch_x86_xol_refusal(insn);
}

const char *arch_step_mode_name(enum arch_step_mode mode)
{
	switch (mode) {
	case ARCH_STEP_AUTO:
		return "auto";
	case ARCH_STEP_EMULATE:
		return "emulate";
	case ARCH_STEP_XOL:
		return "xol";
	case ARCH_STEP_SINGLESTEP:
		return "singlestep";
	case ARCH_STEP_REFUSE:
		return "refuse";
	}
	return "?";
}

static const char *mode_action(enum arch_step_mode mode)
{
	switch (mode) {
	case ARCH_STEP_EMULATE:
		return "emulating";
	case ARCH_STEP_XOL:
		return "running out of line";
	default:
		return "single-stepping";
	}
}

/* Why MODE cannot take the instruction, or NULL if it can. */
static const char *mode_refusal(const struct verdict *v, enum arch_step_mode mode)
{
	switch (mode) {
	case ARCH_STEP_EMULATE:
		return v->no_emulate;
	case ARCH_STEP_XOL:
		return v->no_xol;
	default:
		return v->refused;
	}
}

static void append(char *why, size_t whylen, const char *text)
{
	size_t used;

	if (!why || !whylen)
		return;
	used = strlen(why);
	if (used < whylen)
		snprintf(why + used, whylen - used, "%s", text);
}

/*
 * Try the requested mode, then the ones after it in the order
 * emulate > xol > singlestep, then (wrapping) the ones before it: a
 * forced mode is a preference, never a reason to refuse a probe.
 */
static enum arch_step_mode choose(const struct verdict *v, enum arch_step_mode request, char *why,
				  size_t whylen)
{
	static const enum arch_step_mode order[3] = {
	    ARCH_STEP_EMULATE,
	    ARCH_STEP_XOL,
	    ARCH_STEP_SINGLESTEP,
	};
	bool forced = request != ARCH_STEP_AUTO;
	unsigned start = 0, i;
	char line[160];

	for (i = 0; i < 3; i++)
		if (order[i] == request)
			start = i;
	for (i = 0; i < 3; i++) {
		enum arch_step_mode mode = order[(start + i) % 3];
		const char *no = mode_refusal(v, mode);

		if (!no) {
			if (forced && i > 0)
				append(why, whylen, mode_action(mode));
			return mode;
		}
		if (forced) {
			snprintf(line, sizeof(line), "%s: %s; ", arch_step_mode_name(mode), no);
			append(why, whylen, line);
		}
	}
	if (why && whylen) {
		snprintf(line, sizeof(line), "refused: %s", v->refused);
		snprintf(why, whylen, "%s", line);
	}
	return ARCH_STEP_REFUSE;
}

int arch_step_plan(const uint8_t *bytes, size_t n, uint64_t addr, enum arch_step_mode request,
		   struct arch_step_plan *plan, char *why, size_t whylen)
{
	struct dis_insn insn;
	struct verdict v;
	int err;

	memset(plan, 0, sizeof(*plan));
	plan->addr = addr;
	plan->mode = ARCH_STEP_REFUSE;
	if (why && whylen)
		why[0] = '\0';
	if (request > ARCH_STEP_SINGLESTEP)
		request = ARCH_STEP_AUTO;

	err = dis_decode_once(bytes, n, addr, &insn);
	if (err) {
		snprintf(plan->text, sizeof(plan->text), "(bad)");
		if (why && whylen)
			snprintf(why, whylen, "refused: the bytes at %#llx do not decode",
				 (unsigned long long)addr);
		return -EINVAL;
	}
	plan->len = insn.len;
	memcpy(plan->insn, insn.bytes, insn.len);
	dis_format(&insn, plan->text, sizeof(plan->text));

	classify(&insn, plan, &v);
	plan->mode = choose(&v, request, why, whylen);
	return 0;
}

int arch_insn_length(const uint8_t *bytes, size_t n, uint64_t addr)
{
	struct dis_insn insn;

	if (dis_decode_once(bytes, n, addr, &insn))
		return -1;
	return (int)insn.len;
}
