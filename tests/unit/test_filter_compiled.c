/* test_filter_compiled.c: f:EXPR over C-level fields, whose type is known
 * only once compiled for a site: the parse accepts them with strings or
 * numbers, a hit compares what its own compiled args show (enum names,
 * bools as 0/1, floats as doubles, dotted quads, swapped and bit-field
 * values, char[N]), and an unreadable or optimized-out field fails. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probe/parse_priv.h"
#include "probe/probe.h"
#include "tests/tap.h"

#include "tests/unit/fake_mem.h"

static struct fetch reg_fetch[] = {
    {.op = FETCH_REG, .reg = ARCH_REG_AX}, {.op = FETCH_REG, .reg = ARCH_REG_BX},
    {.op = FETCH_REG, .reg = ARCH_REG_CX}, {.op = FETCH_REG, .reg = ARCH_REG_DX},
    {.op = FETCH_REG, .reg = ARCH_REG_SI}, {.op = FETCH_REG, .reg = ARCH_REG_DI},
    {.op = FETCH_REG, .reg = ARCH_REG_R8}, {.op = FETCH_REG, .reg = ARCH_REG_R9},
    {.op = FETCH_REG, .reg = ARCH_REG_R10},
};
static struct fetch xmm0 = {.op = FETCH_FPREG, .reg = 0};
static struct fetch none = {.op = FETCH_NONE};
static struct probe_enumerator colors[] = {{0, "RED"}, {1, "GREEN"}};

/* The fields as compiled for the site. */
static struct probe_arg compiled[] = {
    {.name = "s", .fetch = &reg_fetch[0], .type = PROBE_STRING},
    {.name = "c", .fetch = &reg_fetch[1], .type = PROBE_U32, .show = SHOW_ENUM,
     .enums = colors, .nenums = 2},
    {.name = "n", .fetch = &reg_fetch[2], .type = PROBE_S32},
    {.name = "b", .fetch = &reg_fetch[3], .type = PROBE_U8, .show = SHOW_BOOL},
    {.name = "d", .fetch = &xmm0, .type = PROBE_U64, .show = SHOW_FLOAT},
    {.name = "ip", .fetch = &reg_fetch[4], .type = PROBE_U32, .show = SHOW_IPV4},
    {.name = "port", .fetch = &reg_fetch[5], .type = PROBE_U16, .swap = 2},
    {.name = "bits", .fetch = &reg_fetch[6], .type = PROBE_S32, .bit_offset = 4,
     .bit_size = 4},
    {.name = "name", .fetch = &reg_fetch[7], .type = PROBE_STRING, .strmax = 4},
    {.name = "ch", .fetch = &reg_fetch[8], .type = PROBE_S8, .show = SHOW_CHAR},
    {.name = "o", .fetch = &none, .type = PROBE_U32},
};
#define NFIELDS (sizeof(compiled) / sizeof(compiled[0]))

static struct probe_expr some_expr = {.base = PEXPR_VAR, .name = "x"};

/* A probe whose fields are all C-level (uncompiled: no plan, no type). */
static void make_probe(struct probe *probe, struct probe_arg *args)
{
	memset(probe, 0, sizeof(*probe));
	snprintf(probe->name, sizeof(probe->name), "p0");
	for (size_t i = 0; i < NFIELDS; i++)
		args[i] = (struct probe_arg){.name = compiled[i].name, .expr = &some_expr};
	probe->args = args;
	probe->nargs = NFIELDS;
}

static int parse_filter(struct probe *probe, const char *text, struct probe_error *err)
{
	struct probe_parser ps = {.text = text, .err = err};
	int ret;

	probe->filter = NULL;
	ret = probe_parse_filter(&ps, text, text + strlen(text), probe);
	if (ret) { /* what was built before the error (probe_free's job) */
		probe_filter_free(probe->filter);
		probe->filter = NULL;
	}
	return ret;
}

/* Does a hit at the site with the compiled args pass FILTER? -1: it did
 * not parse. */
static int passes(const char *filter)
{
	struct probe_arg args[NFIELDS];
	struct probe_error err;
	struct probe probe;
	struct probe_hit hit = {.probe = &probe, .comm = "x", .regs = &regs, .mem = &mem,
				.args = compiled};
	int ret;

	make_probe(&probe, args);
	if (parse_filter(&probe, filter, &err)) {
		printf("# %s: %s\n", filter, err.msg);
		return -1;
	}
	ret = probe_filter_match(probe.filter, &hit);
	probe_filter_free(probe.filter);
	return ret;
}

static void test_match(void)
{
	static const struct {
		const char *filter;
		int pass;
	} cases[] = {
	    {"s==\"hello\"", 1},     {"s!='hello'", 0},	   {"s>\"hell\"", 1},
	    {"c==\"GREEN\"", 1},     {"c=='RED'", 0},	   {"c!=\"RED\"", 1},
	    {"c==1", 1},	     {"c<\"H\"", 1},	   /* names order as text */
	    {"n==-3", 1},	     {"n<0", 1},	   {"n==\"-3\"", 0}, /* a number is no text */
	    {"n!=\"x\"", 0},	     {"b==1", 1},	   {"b==2", 0}, /* true is 1 */
	    {"b==\"true\"", 1},	     {"b==true", 1},	   {"b!=false", 1},
	    {"b==false", 0},	     {"d>3", 1},	   {"d<4", 1},
	    {"d==3", 0},	     {"d>=-1", 1},	   {"ip==\"10.0.0.1\"", 1},
	    {"ip==0x0100000a", 1},   {"ip!=\"10.0.0.2\"", 1}, {"port==80", 1},
	    {"port==0x5000", 0},     {"bits==-4", 1},	   {"bits<0", 1},
	    {"name==\"abcd\"", 1},   {"name==\"abcdef\"", 0}, {"ch==\"A\"", 1},
	    {"ch==65", 1},	     {"o==0", 0},	   {"o!=0", 0},
	    {"!(o==0)", 1},	     {"c==\"GREEN\"&&port==80&&ip==\"10.0.0.1\"", 1},
	    {"comm==\"x\"&&d>3", 1}, {"s==c", 0}, /* "hello" vs "GREEN" */
	    {"c==n", 0},	     {"c<b", 0}, /* 1 < 1 */
	};

	memset(&regs, 0, sizeof(regs));
	memcpy(bytes, "hello", 6);
	memcpy(bytes + 16, "abcdefgh", 9);
	regs.user.rax = BASE;		  /* s */
	regs.user.rbx = 1;		  /* c: GREEN */
	regs.user.rcx = (uint32_t)-3;	  /* n */
	regs.user.rdx = 0x42;		  /* b: true */
	regs.user.rsi = 0x0100000a;	  /* ip: 10.0.0.1 */
	regs.user.rdi = 0x5000;		  /* port: 80 in network order */
	regs.user.r8 = 0xc0;		  /* bits 4..7: 1100, -4 */
	regs.user.r9 = BASE + 16;	  /* name: char[4] "abcd" */
	regs.user.r10 = 'A';		  /* ch */
	regs.fp_valid = true;
	{
		double pi = 3.14159;

		memcpy(&regs.xmm[0], &pi, sizeof(pi));
	}
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		is_int(passes(cases[i].filter), cases[i].pass, "%s", cases[i].filter);
}

static void test_nan(void)
{
	double nan = NAN;

	memcpy(&regs.xmm[0], &nan, sizeof(nan));
	is_int(passes("d==0"), 0, "NaN == 0 fails");
	is_int(passes("d<0"), 0, "NaN < 0 fails");
	is_int(passes("d>0"), 0, "NaN > 0 fails");
	is_int(passes("d!=0"), 1, "NaN != 0 holds, as in C");
	is_int(passes("d==\"nan\""), 0, "a float is no text");
}

/* Without compiled args the probe's own args count: a raw field keeps its
 * parse-time check, a C-level one not compiled fails every comparison. */
static void test_parse_checks(void)
{
	struct probe_arg args[2] = {
	    {.name = "v", .fetch = &reg_fetch[0], .type = PROBE_U32},
	    {.name = "ip", .fetch = &reg_fetch[1], .type = PROBE_U32, .show = SHOW_IPV4},
	};
	struct probe probe = {.name = "p0", .args = args, .nargs = 2};
	struct probe_hit hit = {.probe = &probe, .regs = &regs, .mem = &mem};
	struct probe_error err;
	struct probe_arg cargs[NFIELDS];
	struct probe cprobe;

	is_int(parse_filter(&probe, "v==\"x\"", &err), -EINVAL, "raw u32 field vs a string: error");
	is_int(err.column, 1, "at the comparison");
	is_int(parse_filter(&probe, "ip==\"10.1.2.3\"", &err), 0, "ipv4 field vs a string: fine");
	regs.user.rbx = 0x0302010a;
	is_int(probe_filter_match(probe.filter, &hit), 1, "ipv4 from the probe's args");
	probe_filter_free(probe.filter);
	is_int(parse_filter(&probe, "ip==0x0302010a&&v>=0", &err), 0, "ipv4 field vs a number");
	is_int(probe_filter_match(probe.filter, &hit), 1, "ipv4 compared as a number");
	probe_filter_free(probe.filter);

	make_probe(&cprobe, cargs);
	is_int(parse_filter(&cprobe, "s==\"a\"||n>1||s==c", &err), 0,
	       "C-level fields with strings, numbers, each other: parsed");
	hit.probe = &cprobe;
	hit.args = NULL;
	is_int(probe_filter_match(cprobe.filter, &hit), 0, "not compiled: no match");
	probe_filter_free(cprobe.filter);
	is_int(parse_filter(&cprobe, "comm==3", &err), -EINVAL, "comm vs a number: still an error");
}

int main(void)
{
	mem.ctx = NULL;
	test_match();
	test_nan();
	test_parse_checks();
	return tap_done();
}
