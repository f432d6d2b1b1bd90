/* test_fetch_ops.c: the fetch ops C-level fetches compile to (register plus
 * offset, constant, FP register, optimized out), byte swaps and bit-fields,
 * prefetch addresses, and how -S describes plans and formats. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "probe/format_priv.h"
#include "probe/probe.h"
#include "tests/tap.h"

#include "tests/unit/fake_mem.h"

static void poke64(uint64_t addr, uint64_t v)
{
	memcpy(bytes + (addr - BASE), &v, sizeof(v));
}

/* Fetch F as TYPE; the value, or the error (negative) as a value. */
static int64_t fetch(const struct fetch *f, enum probe_type type)
{
	uint64_t v = 0xdead;
	int ret = probe_fetch(f, type, &regs, &mem, &v);

	return ret ? ret : (int64_t)v;
}

static void test_new_ops(void)
{
	struct fetch bp16 = {.op = FETCH_REG, .reg = ARCH_REG_BP, .offset = 16};
	struct fetch bp_minus = {.op = FETCH_REG, .reg = ARCH_REG_BP, .offset = -8};
	struct fetch konst = {.op = FETCH_CONST, .offset = BASE + 8};
	struct fetch neg = {.op = FETCH_CONST, .offset = -5};
	struct fetch xmm1 = {.op = FETCH_FPREG, .reg = 1};
	struct fetch none = {.op = FETCH_NONE};
	struct fetch at_bp16 = {.op = FETCH_DEREF, .offset = 0, .inner = &bp16};
	struct fetch at_bp_minus = {.op = FETCH_DEREF, .offset = 4, .inner = &bp_minus};
	struct fetch at_const = {.op = FETCH_DEREF, .offset = 8, .inner = &konst};
	struct fetch at_none = {.op = FETCH_DEREF, .offset = 0, .inner = &none};
	struct fetch at_xmm = {.op = FETCH_DEREF, .offset = 0, .inner = &xmm1};

	memset(&regs, 0, sizeof(regs));
	regs.user.rbp = BASE + 100;
	poke64(BASE + 116, 0x1122334455667788ull);
	poke64(BASE + 96, 0xa1a2a3a4a5a6a7a8ull);
	poke64(BASE + 16, 0x42);

	is_int(fetch(&bp16, PROBE_U64), BASE + 116, "REG+offset: the register plus 16");
	is_int(fetch(&bp_minus, PROBE_X64), BASE + 92, "REG-offset");
	is_int(fetch(&bp16, PROBE_STRING), BASE + 116, "REG+offset as a string: the address");
	is_int(fetch(&at_bp16, PROBE_U32), 0x55667788, "DEREF over REG+offset");
	is_int(fetch(&at_bp_minus, PROBE_U32), 0xa5a6a7a8, "DEREF+4 over REG-8");
	is_int(fetch(&at_bp16, PROBE_STRING), BASE + 116, "+0(REG+16):string is REG+16");

	is_int(fetch(&konst, PROBE_U64), BASE + 8, "CONST: its number");
	is_int(fetch(&neg, PROBE_S32), -5, "negative CONST as s32");
	is_int(fetch(&neg, PROBE_U8), 0xfb, "negative CONST narrowed to u8");
	is_int(fetch(&at_const, PROBE_U8), 0x42, "DEREF over CONST: a static variable");
	is_int(fetch(&konst, PROBE_STRING), BASE + 8, "CONST as a string: the address");

	is_int(fetch(&xmm1, PROBE_U64), 0, "FPREG without FP state: 0");
	regs.fp_valid = true;
	regs.xmm[1] = 0x400921fb54442d18ull; /* pi */
	regs.xmm[0] = 0x11111111ull;
	is_int(fetch(&xmm1, PROBE_X64), 0x400921fb54442d18ll, "FPREG xmm1: its low 64 bits");
	is_int(fetch(&xmm1, PROBE_U32), 0x54442d18, "FPREG as u32: the low 32 bits (a float)");
	regs.xmm[1] = BASE + 16;
	is_int(fetch(&at_xmm, PROBE_U8), 0x42, "DEREF over FPREG");

	is_int(fetch(&none, PROBE_U64), -ENODATA, "NONE: -ENODATA");
	is_int(fetch(&none, PROBE_STRING), -ENODATA, "NONE as a string: -ENODATA");
	is_int(fetch(&at_none, PROBE_U32), -ENODATA, "DEREF over NONE: -ENODATA, not a fault");
	is_int(fetch(NULL, PROBE_U32), -EINVAL, "no plan (not compiled): -EINVAL");
}

/* probe_arg_value: the raw read, then the swap, then the bit-field. */
static int64_t arg_value(const struct probe_arg *arg)
{
	uint64_t v = 0xdead;
	int ret = probe_arg_value(arg, &regs, &mem, &v);

	return ret ? ret : (int64_t)v;
}

static void test_adjust(void)
{
	struct fetch di = {.op = FETCH_REG, .reg = ARCH_REG_DI};
	struct fetch none = {.op = FETCH_NONE};
	struct probe_arg a = {.name = "a", .fetch = &di};

	memset(&regs, 0, sizeof(regs));
	regs.user.rdi = 0x123456789abcdef0ull;

	a.type = PROBE_X16, a.swap = 2;
	is_int(arg_value(&a), 0xf0de, "swap 2: x16");
	a.type = PROBE_U32, a.swap = 4;
	is_int(arg_value(&a), 0xf0debc9a, "swap 4: u32");
	a.type = PROBE_X64, a.swap = 8;
	is_int(arg_value(&a), 0xf0debc9a78563412ull, "swap 8: x64");
	regs.user.rdi = 0x80ff;
	a.type = PROBE_S16, a.swap = 2;
	is_int(arg_value(&a), (int16_t)0xff80, "swap 2 of an s16: the sign of the swapped value");
	a.swap = 0;

	/* 0b1011'0110'1000: bits 3..7 are 01101 = 13; bits 4..6 = 110 */
	regs.user.rdi = 0xb68;
	a.type = PROBE_U32, a.bit_offset = 3, a.bit_size = 5;
	is_int(arg_value(&a), 13, "u32 bits 3..7");
	a.type = PROBE_S32, a.bit_offset = 4, a.bit_size = 3;
	is_int(arg_value(&a), -2, "s32 bits 4..6 = 110: sign-extended from the field's top bit");
	a.type = PROBE_S32, a.bit_offset = 3, a.bit_size = 5;
	is_int(arg_value(&a), 13, "s32 bits 3..7 = 01101: positive");
	a.type = PROBE_U8, a.bit_offset = 0, a.bit_size = 1;
	regs.user.rdi = 0xff;
	is_int(arg_value(&a), 1, "u8 bit 0");
	a.type = PROBE_S8, a.bit_offset = 7, a.bit_size = 1;
	is_int(arg_value(&a), -1, "s8 bit 7 (a signed 1-bit field is -1)");
	regs.user.rdi = 0xffffffff00000000ull;
	a.type = PROBE_U64, a.bit_offset = 30, a.bit_size = 4;
	is_int(arg_value(&a), 0xc, "u64 bits 30..33 across the 32-bit line");
	a.bit_offset = a.bit_size = 0;

	a.fetch = &none;
	is_int(arg_value(&a), -ENODATA, "optimized out through probe_arg_value");
	a.fetch = NULL;
	is_int(arg_value(&a), -EINVAL, "uncompiled arg: -EINVAL");
}

static void test_prefetch(void)
{
	struct fetch bp = {.op = FETCH_REG, .reg = ARCH_REG_BP, .offset = -24};
	struct fetch konst = {.op = FETCH_CONST, .offset = 0x4010};
	struct fetch xmm = {.op = FETCH_FPREG, .reg = 0};
	struct fetch none = {.op = FETCH_NONE};
	struct fetch at_bp = {.op = FETCH_DEREF, .offset = 8, .inner = &bp};
	struct fetch at_const = {.op = FETCH_DEREF, .offset = 4, .inner = &konst};
	struct fetch at_at_const = {.op = FETCH_DEREF, .offset = 16, .inner = &at_const};
	struct fetch at_none = {.op = FETCH_DEREF, .offset = 4, .inner = &none};
	struct probe_arg args[] = {
	    {.name = "a", .fetch = &at_bp, .type = PROBE_U32},
	    {.name = "b", .fetch = &at_const, .type = PROBE_S32},
	    {.name = "c", .fetch = &konst, .type = PROBE_U64},	  /* reads nothing */
	    {.name = "d", .fetch = &xmm, .type = PROBE_U64},	  /* reads nothing */
	    {.name = "e", .fetch = &none, .type = PROBE_U64},	  /* reads nothing */
	    {.name = "f", .fetch = NULL, .type = PROBE_U64},	  /* not compiled */
	    {.name = "g", .fetch = &at_at_const, .type = PROBE_U8}, /* the inner read first */
	    {.name = "h", .fetch = &bp, .type = PROBE_STRING},	  /* char[] on the stack */
	    {.name = "i", .fetch = &konst, .type = PROBE_STRING},  /* a static char[] */
	    {.name = "j", .fetch = &at_none, .type = PROBE_U32},   /* reads nothing */
	};
	uint64_t out[16];
	size_t n;

	memset(&regs, 0, sizeof(regs));
	regs.user.rbp = 0x7000;
	n = probe_prefetch_args(args, sizeof(args) / sizeof(args[0]), &regs, out, 16);
	is_int(n, 5, "five first reads");
	is_int(out[0], 0x7000 - 24 + 8, "DEREF over REG+offset");
	is_int(out[1], 0x4014, "DEREF over CONST");
	is_int(out[2], 0x4014, "nested DEREF over CONST: the inner read");
	is_int(out[3], 0x7000 - 24, "REG+offset string: its address");
	is_int(out[4], 0x4010, "CONST string: its address");
	is_int(probe_prefetch_args(args, 2, &regs, out, 1), 1, "MAX respected");
}

static const char *describe(const struct fetch *f)
{
	static char buf[128];

	probe_describe_fetch(f, buf, sizeof(buf));
	return buf;
}

static const char *format(const struct probe_arg *arg)
{
	static char buf[128];

	probe_describe_format(arg, buf, sizeof(buf));
	return buf;
}

static void test_describe(void)
{
	struct fetch di = {.op = FETCH_REG, .reg = ARCH_REG_DI};
	struct fetch bp16 = {.op = FETCH_REG, .reg = ARCH_REG_BP, .offset = 16};
	struct fetch bpm = {.op = FETCH_REG, .reg = ARCH_REG_BP, .offset = -40};
	struct fetch konst = {.op = FETCH_CONST, .offset = 0x4010};
	struct fetch neg = {.op = FETCH_CONST, .offset = -3};
	struct fetch xmm = {.op = FETCH_FPREG, .reg = 2};
	struct fetch none = {.op = FETCH_NONE};
	struct fetch stack = {.op = FETCH_STACK, .offset = 8};
	struct fetch ret = {.op = FETCH_RETVAL};
	struct fetch at_di = {.op = FETCH_DEREF, .offset = 8, .inner = &di};
	struct fetch at_at = {.op = FETCH_DEREF, .offset = -4, .inner = &at_di};
	struct fetch at_const = {.op = FETCH_DEREF, .offset = 0, .inner = &konst};
	struct fetch at_bp = {.op = FETCH_DEREF, .offset = 4, .inner = &bpm};
	struct probe_enumerator colors[] = {{0, "red"}};
	struct probe_arg a = {.type = PROBE_S32};

	/* The old ops as before (tests/e2e/dryrun.t greps these). */
	is_str(describe(&di), "%di", "REG");
	is_str(describe(&stack), "+8(%sp)", "STACK");
	is_str(describe(&ret), "$retval", "RETVAL");
	is_str(describe(&at_di), "+8(%di)", "DEREF");
	is_str(describe(&at_at), "-4(+8(%di))", "nested DEREF");
	/* The new ones. */
	is_str(describe(&bp16), "%bp+16", "REG+offset");
	is_str(describe(&bpm), "%bp-40", "REG-offset");
	is_str(describe(&konst), "0x4010", "CONST");
	is_str(describe(&neg), "-3", "negative CONST");
	is_str(describe(&xmm), "%xmm2", "FPREG");
	is_str(describe(&none), "(optimized out)", "NONE");
	is_str(describe(&at_const), "+0(0x4010)", "DEREF over CONST");
	is_str(describe(&at_bp), "+4(%bp-40)", "DEREF over REG-offset");
	is_str(describe(NULL), "?", "not compiled");

	is_str(format(&a), "s32", "plain s32");
	a.type = PROBE_STRING;
	is_str(format(&a), "string", "string");
	a.strmax = 16;
	is_str(format(&a), "string max 16", "char[16]");
	a.strmax = 0;
	a.type = PROBE_U8, a.show = SHOW_BOOL;
	is_str(format(&a), "bool", "bool");
	a.type = PROBE_U32, a.show = SHOW_ENUM, a.enums = colors, a.nenums = 1;
	is_str(format(&a), "enum", "enum without a C type");
	a.ctype = "enum color";
	is_str(format(&a), "enum color", "enum color");
	a.ctype = "color_t";
	is_str(format(&a), "enum color_t", "a typedef'd enum");
	a.ctype = NULL;
	a.type = PROBE_U64, a.show = SHOW_FLOAT;
	is_str(format(&a), "double", "double");
	a.type = PROBE_U32;
	is_str(format(&a), "float", "float");
	a.type = PROBE_U16;
	is_str(format(&a), "u16", "a 2-byte float: the integer");
	a.type = PROBE_U32, a.show = SHOW_IPV4;
	is_str(format(&a), "ipv4", "ipv4");
	a.type = PROBE_S8, a.show = SHOW_CHAR;
	is_str(format(&a), "char", "char");
	a.show = SHOW_PLAIN, a.type = PROBE_X16, a.swap = 2;
	is_str(format(&a), "x16 byte-swapped", "swap");
	a.swap = 0, a.type = PROBE_U32, a.bit_offset = 3, a.bit_size = 5;
	is_str(format(&a), "u32 bits 3..7", "bit-field");
	a.show = SHOW_BOOL, a.bit_offset = 0, a.bit_size = 1;
	is_str(format(&a), "bool bits 0..0", "bool bit-field");
	{
		char tiny[6];

		probe_describe_format(&a, tiny, sizeof(tiny));
		is_str(tiny, "bool ", "cut to the buffer, NUL-terminated");
	}
}

int main(void)
{
	mem.ctx = NULL;
	test_new_ops();
	test_adjust();
	test_prefetch();
	test_describe();
	return tap_done();
}
