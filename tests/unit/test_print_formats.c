/* test_print_formats.c: how compiled arguments print, text and JSON: bool,
 * enum, float, ipv4, char, byte swaps, bit-fields, char[N], optimized out,
 * and a hit's own compiled args taking the place of the probe's. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probe/probe.h"
#include "tests/tap.h"

#include "tests/unit/fake_mem.h"

/* A fetch of register %di, and one of the memory at %si + OFF. */
static struct fetch di = {.op = FETCH_REG, .reg = ARCH_REG_DI};
static struct fetch si = {.op = FETCH_REG, .reg = ARCH_REG_SI};
static struct fetch none = {.op = FETCH_NONE};
static struct fetch bad = {.op = FETCH_DEREF, .offset = 0, .inner = &di}; /* %di = 0 */

/* The argument part of the line one hit with ARGS (the probe's args, or
 * the hit's when SITE_ARGS) prints: " a=1 b=2" or {"a":1,"b":2}. */
static const char *print_args(struct probe_arg *args, size_t nargs, bool json, bool site_args)
{
	static char out[2048];
	struct probe_arg probe_args[8];
	struct probe probe = {.name = "p0", .kind = PROBE_ENTRY, .args = args, .nargs = nargs};
	struct probe_hit hit = {.probe = &probe, .tid = 1, .comm = "x", .cpu = -1, .sym = "f",
				.regs = &regs, .mem = &mem};
	const char *from;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	if (site_args) {
		/* The probe's args are the uncompiled ones (no plan): only
		 * the hit's may be evaluated. */
		for (size_t i = 0; i < nargs && i < 8; i++)
			probe_args[i] = (struct probe_arg){.name = args[i].name};
		probe.args = probe_args;
		hit.args = args;
	}
	f = open_memstream(&buf, &len);
	probe_print_hit(f, &hit, json);
	fclose(f);
	from = json ? strstr(buf, "\"args\":") : strstr(buf, "0x0)");
	snprintf(out, sizeof(out), "%s", from ? from + (json ? 7 : 4) : buf);
	if (!json && len && out[strlen(out) - 1] == '\n')
		out[strlen(out) - 1] = '\0';
	if (json && strlen(out) >= 2)
		out[strlen(out) - 2] = '\0'; /* the closing } and newline */
	free(buf);
	return out;
}

/* One argument of TYPE and SHOW over the fetch of %di = V. */
static struct probe_arg one(enum probe_type type, enum probe_show show)
{
	struct probe_arg a = {.name = "v", .fetch = &di, .type = type, .show = show};

	return a;
}

static void check(struct probe_arg a, uint64_t v, const char *text, const char *json)
{
	char want[256];

	regs.user.rdi = v;
	snprintf(want, sizeof(want), " v=%s", text);
	is_str(print_args(&a, 1, false, false), want, "text %s", text);
	snprintf(want, sizeof(want), "{\"v\":%s}", json);
	is_str(print_args(&a, 1, true, false), want, "json %s", json);
}

static uint64_t bits_of_double(double d)
{
	uint64_t v;

	memcpy(&v, &d, sizeof(v));
	return v;
}

static uint64_t bits_of_float(float f)
{
	uint32_t v;

	memcpy(&v, &f, sizeof(v));
	return v;
}

static void test_bool_enum(void)
{
	struct probe_enumerator colors[] = {{0, "RED"}, {1, "GREEN"}, {-1, "NONE"}, {7, "A\"Q"}};
	struct probe_arg a = one(PROBE_U8, SHOW_BOOL);

	check(a, 1, "true", "true");
	check(a, 0, "false", "false");
	check(a, 0x100, "false", "false"); /* a u8 bool: only its byte counts */
	check(a, 2, "true", "true");

	a = one(PROBE_S32, SHOW_ENUM);
	a.enums = colors;
	a.nenums = 4;
	check(a, 1, "GREEN", "\"GREEN\"");
	check(a, 0, "RED", "\"RED\"");
	check(a, 0xffffffff, "NONE", "\"NONE\"");
	check(a, 5, "5", "5");
	check(a, 0xfffffffe, "-2", "-2");
	check(a, 7, "A\"Q", "\"A\\\"Q\"");
	a.type = PROBE_U32;
	check(a, 0xffffffff, "NONE", "\"NONE\""); /* -1 stored, unsigned 4-byte enum */
	a.type = PROBE_X32;
	check(a, 9, "0x9", "\"0x9\"");
}

static void test_float(void)
{
	struct probe_arg a = one(PROBE_U64, SHOW_FLOAT);

	check(a, bits_of_double(3.141592653589793), "3.1415926535897931", "3.1415926535897931");
	check(a, bits_of_double(-0.5), "-0.5", "-0.5");
	check(a, bits_of_double(1e300), "1.0000000000000001e+300", "1.0000000000000001e+300");
	check(a, bits_of_double(NAN), "nan", "null");
	check(a, bits_of_double(-INFINITY), "-inf", "null");
	a.type = PROBE_S64;
	check(a, bits_of_double(2.0), "2", "2");
	a.type = PROBE_U32;
	check(a, bits_of_float(1.5f), "1.5", "1.5");
	check(a, bits_of_float(0.1f), "0.100000001", "0.100000001");
	/* A float in a register whose upper half is not zero (xmm). */
	check(a, 0xdeadbeef00000000ull | bits_of_float(-2.25f), "-2.25", "-2.25");
	check(a, bits_of_float(INFINITY), "inf", "null");
	a.type = PROBE_X32;
	check(a, bits_of_float(4.0f), "4", "4");
	a.type = PROBE_U16; /* no float of 2 bytes: the integer */
	check(a, 0x3c00, "15360", "15360");
}

static void test_ipv4_char(void)
{
	struct probe_arg a = one(PROBE_U32, SHOW_IPV4);

	/* 10.0.0.1 as memory holds it: 0a 00 00 01, loaded little-endian. */
	check(a, 0x0100000a, "10.0.0.1", "\"10.0.0.1\"");
	check(a, 0xfffefdfcull, "252.253.254.255", "\"252.253.254.255\"");

	a = one(PROBE_S8, SHOW_CHAR);
	check(a, 'A', "'A'", "65");
	check(a, '\n', "'\\n'", "10");
	check(a, 1, "'\\001'", "1");
	check(a, 0, "'\\000'", "0");
	check(a, '\'', "'\\''", "39");
	check(a, '"', "'\"'", "34");
	check(a, '\\', "'\\\\'", "92");
	check(a, 0xff, "'\\377'", "-1");
	a.type = PROBE_U8;
	check(a, 0xe9, "'\\351'", "233");
	a.type = PROBE_X8;
	check(a, 'z', "'z'", "\"0x7a\"");
	a.type = PROBE_U32; /* a wide character: the char when it is one, else the number */
	check(a, 'b', "'b'", "98");
	check(a, 0x263a, "9786", "9786");
}

static void test_swap_bits(void)
{
	struct probe_arg a = one(PROBE_X16, SHOW_PLAIN);

	a.swap = 2;
	check(a, 0x3412, "0x1234", "\"0x1234\"");
	a.type = PROBE_U16;
	check(a, 0x5000, "80", "80"); /* a port: b16_port */
	a.type = PROBE_U32, a.swap = 4;
	check(a, 0x01000000, "1", "1");
	a.type = PROBE_X64, a.swap = 8;
	check(a, 0x0102030405060708ull, "0x807060504030201", "\"0x807060504030201\"");
	/* An address in network order, swapped: the dotted quad reverses. */
	a.type = PROBE_U32, a.swap = 4, a.show = SHOW_IPV4;
	check(a, 0x0100000a, "1.0.0.10", "\"1.0.0.10\"");

	a = one(PROBE_U32, SHOW_PLAIN);
	a.bit_offset = 4, a.bit_size = 4;
	check(a, 0xabcd, "12", "12");
	a.type = PROBE_S32;
	check(a, 0xabcd, "-4", "-4");
	a.bit_offset = 0, a.bit_size = 3;
	check(a, 0x3, "3", "3");
	a.type = PROBE_X32;
	check(a, 0xff, "0x7", "\"0x7\"");
	a.show = SHOW_BOOL, a.type = PROBE_U8, a.bit_offset = 2, a.bit_size = 1;
	check(a, 0x4, "true", "true");
	check(a, 0xfb, "false", "false");
}

static void test_strings(void)
{
	struct probe_arg a = {.name = "v", .fetch = &di, .type = PROBE_STRING};
	char want[512], *p;

	memcpy(bytes + 100, "hello\0", 6);
	memcpy(bytes + 200, "abcdefgh", 8); /* no NUL within 8 */
	bytes[208] = 'Z';
	bytes[209] = 0;
	a.strmax = 16;
	check(a, BASE + 100, "\"hello\"", "\"hello\"");
	a.strmax = 8;
	check(a, BASE + 200, "\"abcdefgh\"", "\"abcdefgh\""); /* full char[8]: not cut */
	a.strmax = 4;
	check(a, BASE + 200, "\"abcd\"", "\"abcd\"");
	a.strmax = 0;
	check(a, BASE + 200, "\"abcdefghZ\"", "\"abcdefghZ\"");
	/* char[300]: our own limit cuts it and says so. */
	memset(bytes + 1000, 'B', 400);
	a.strmax = 300;
	regs.user.rdi = BASE + 1000;
	p = want + sprintf(want, " v=\"");
	memset(p, 'B', 256);
	strcpy(p + 256, "\"...");
	is_str(print_args(&a, 1, false, false), want, "char[300] cut at 256 is marked");
	a.strmax = 256;
	strcpy(p + 256, "\"");
	is_str(print_args(&a, 1, false, false), want, "char[256] full: not marked");
	/* char[N] at the end of readable memory. */
	memcpy(bytes + sizeof(bytes) - 3, "xyz", 3);
	a.strmax = 8;
	check(a, BASE + sizeof(bytes) - 3, "\"xyz\"", "\"xyz\"");
	check(a, BASE + sizeof(bytes), "(fault)", "null");
	/* A char[] local: the address is the register plus its offset. */
	{
		struct fetch bp = {.op = FETCH_REG, .reg = ARCH_REG_BP, .offset = -16};

		a.fetch = &bp;
		a.strmax = 6;
		regs.user.rbp = BASE + 116;
		is_str(print_args(&a, 1, false, false), " v=\"hello\"", "char[6] at %%bp-16");
	}
}

static void test_missing(void)
{
	struct probe_arg args[] = {
	    {.name = "o", .fetch = &none, .type = PROBE_U32},
	    {.name = "s", .fetch = &none, .type = PROBE_STRING},
	    {.name = "f", .fetch = &bad, .type = PROBE_U32},
	    {.name = "g", .fetch = &bad, .type = PROBE_U32, .show = SHOW_FLOAT},
	    {.name = "u", .fetch = NULL, .type = PROBE_U32},
	};

	regs.user.rdi = 0;
	is_str(print_args(args, 5, false, false),
	       " o=(optimized out) s=(optimized out) f=(fault) g=(fault) u=(fault)",
	       "optimized out and faults, text");
	is_str(print_args(args, 5, true, false),
	       "{\"o\":null,\"s\":null,\"f\":null,\"g\":null,\"u\":null}",
	       "optimized out and faults, JSON");
}

/* A hit's compiled args replace the probe's. */
static void test_site_args(void)
{
	struct probe_enumerator e[] = {{2, "TWO"}};
	struct probe_arg args[] = {
	    {.name = "a", .fetch = &di, .type = PROBE_S32},
	    {.name = "b", .fetch = &si, .type = PROBE_U32, .show = SHOW_ENUM, .enums = e,
	     .nenums = 1},
	    {.name = "c", .fetch = &none, .type = PROBE_U64},
	};

	regs.user.rdi = (uint64_t)-7;
	regs.user.rsi = 2;
	is_str(print_args(args, 3, false, true), " a=-7 b=TWO c=(optimized out)",
	       "the hit's args are printed");
	is_str(print_args(args, 3, true, true), "{\"a\":-7,\"b\":\"TWO\",\"c\":null}",
	       "the hit's args are printed, JSON");
}

int main(void)
{
	mem.ctx = NULL;
	test_bool_enum();
	test_float();
	test_ipv4_char();
	test_swap_bits();
	test_strings();
	test_missing();
	test_site_args();
	return tap_done();
}
