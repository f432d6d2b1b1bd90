/* test_probe_print.c: hit lines (text and JSON) from synthetic registers and memory. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probe/probe.h"
#include "tests/tap.h"

#define BASE 0x10000u
#define PAGE 4096u

/* Fake tracee memory: [BASE, end) is readable, everything else faults. */
struct fake_mem {
	uint8_t bytes[2 * PAGE];
	uint64_t end;
};

static int fake_read(void *ctx, uint64_t addr, void *buf, size_t n)
{
	struct fake_mem *m = ctx;

	if (addr < BASE || addr > m->end || n > m->end - addr)
		return -EFAULT;
	memcpy(buf, m->bytes + (addr - BASE), n);
	return 0;
}

static struct fake_mem fake;
static struct arch_mem mem = {.read = fake_read, .ctx = &fake};
static struct arch_regs regs;

static void poke(uint64_t addr, const void *data, size_t n)
{
	memcpy(fake.bytes + (addr - BASE), data, n);
}

static void poke64(uint64_t addr, uint64_t v)
{
	poke(addr, &v, sizeof(v));
}

/* Parse TEXT, print one hit with the current registers, return the line
 * (static buffer). */
static const char *hit_line(const char *text, bool json, int cpu, const char *caller)
{
	static char line[4096];
	struct probe_error err;
	struct probe probe;
	struct probe_hit hit = {
	    .probe = &probe,
	    .pid = 41,
	    .tid = 42,
	    .comm = "x",
	    .time_ns = 1234567890123ull,
	    .cpu = cpu,
	    .sym = "work",
	    .sym_off = 0,
	    .sym_size = 0x20,
	    .caller = caller,
	    .caller_off = 0x4f,
	    .caller_addr = 0x401234,
	    .regs = &regs,
	    .mem = &mem,
	};
	char *buf = NULL;
	size_t len = 0;
	FILE *out;

	if (probe_parse(text, 0, &probe, &err)) {
		snprintf(line, sizeof(line), "parse error %d: %s", err.column, err.msg);
		return line;
	}
	out = open_memstream(&buf, &len);
	probe_print_hit(out, &hit, json);
	fclose(out);
	snprintf(line, sizeof(line), "%s", buf ? buf : "");
	free(buf);
	probe_free(&probe);
	return line;
}

static void test_text(void)
{
	memset(&regs, 0, sizeof(regs));
	regs.user.rdi = 1;
	regs.user.rsi = 2;
	is_str(hit_line("p prog:work v=%0 a=%1", false, 3, NULL),
	       "x-42 [003] 1234.567890: p0: (work+0x0/0x20) v=1 a=2\n", "entry");
	is_str(hit_line("p prog:work v=%0", false, -1, NULL),
	       "x-42 1234.567890: p0: (work+0x0/0x20) v=1\n", "no cpu column");
	is_str(hit_line("p prog:work", false, 0, NULL),
	       "x-42 [000] 1234.567890: p0: (work+0x0/0x20)\n", "no args, no space");
	regs.user.rax = 1;
	is_str(hit_line("r prog:work v=X%ax", false, 1, "main"),
	       "x-42 [001] 1234.567890: r0: (main+0x4f <- work) v=0x1\n", "return");
	is_str(hit_line("r prog:work v=%ax", false, -1, NULL),
	       "x-42 1234.567890: r0: (0x401234 <- work) v=1\n", "return, unknown caller");

	regs.user.rdi = 0xffffffff;
	regs.user.rsi = 0x1ff;
	regs.user.rdx = 0x80;
	is_str(hit_line("p prog:work a=S%0:s32 b=%0:s32 c=%1:u8 d=X%1:u16 e=%2:s8 f=S%0 g=X%2",
			false, -1, NULL),
	       "x-42 1234.567890: p0: (work+0x0/0x20) a=-1 b=-1 c=255 d=0x1ff e=-128 f=4294967295 "
	       "g=0x80\n",
	       "types: widths, signs, hex");

	/* Pointer chains and stack arguments. */
	poke64(BASE, BASE + 16);
	poke64(BASE + 24, 42);
	poke64(BASE + 40, 7);
	poke64(BASE + 48, (uint64_t)-3);
	regs.user.rdi = BASE;
	regs.user.rsp = BASE + 32;
	is_str(hit_line("p prog:work a=+8(+0(%di)) b=%6 c=S%7 d=+24(%di):u8 e=-8(%sp):x64", false,
			-1, NULL),
	       "x-42 1234.567890: p0: (work+0x0/0x20) a=42 b=7 c=-3 d=42 e=0x2a\n",
	       "derefs and stack arguments");
	regs.user.rdi = 5;
	regs.user.rsp = 0;
	is_str(hit_line("p prog:work a=+0(%di) b=%6 c=%0 d=+8(+0(%di)):string", false, -1, NULL),
	       "x-42 1234.567890: p0: (work+0x0/0x20) a=(fault) b=(fault) c=5 d=(fault)\n",
	       "faults");
}

static void test_strings(void)
{
	static const char esc[] = "a\"b\\c\n\t\001\377z";
	char want[1024], *p;
	int i;

	memset(&regs, 0, sizeof(regs));
	poke(BASE + 100, "hello", 6);
	poke(BASE + 208, esc, sizeof(esc));
	regs.user.rdi = BASE + 100;
	regs.user.rsi = BASE + 200;
	is_str(hit_line("p prog:work s=%0:string t=+8(%si):string", false, -1, NULL),
	       "x-42 1234.567890: p0: (work+0x0/0x20) s=\"hello\" "
	       "t=\"a\\\"b\\\\c\\n\\t\\001\\377z\"\n",
	       "strings: register pointer, deref address, C escapes");

	/* 300 bytes without a NUL: cut at 256 with a "..." mark. */
	memset(fake.bytes + 1000, 'A', 300);
	fake.bytes[1300] = 0;
	regs.user.rdi = BASE + 1000;
	p = want + sprintf(want, "x-42 1234.567890: p0: (work+0x0/0x20) s=\"");
	for (i = 0; i < 256; i++)
		*p++ = 'A';
	strcpy(p, "\"...\n");
	is_str(hit_line("p prog:work s=%0:string", false, -1, NULL), want,
	       "long string cut at 256");

	/* A string running into the unreadable page after the end. */
	poke(fake.end - 3, "abc", 3);
	regs.user.rdi = fake.end - 3;
	is_str(hit_line("p prog:work s=%0:string", false, -1, NULL),
	       "x-42 1234.567890: p0: (work+0x0/0x20) s=\"abc\"\n",
	       "string straddling into unmapped memory: readable part");
	/* The same when the reader's limit is not on a page boundary. */
	fake.end = BASE + 103;
	regs.user.rdi = BASE + 100 - 2;
	poke(BASE + 98, "xy", 2);
	is_str(hit_line("p prog:work s=%0:string", false, -1, NULL),
	       "x-42 1234.567890: p0: (work+0x0/0x20) s=\"xyhel\"\n",
	       "string cut by a reader limit inside a page");
	fake.end = BASE + sizeof(fake.bytes);
	regs.user.rdi = 0;
	regs.user.rsi = fake.end;
	is_str(hit_line("p prog:work s=%0:string t=%1:string", false, -1, NULL),
	       "x-42 1234.567890: p0: (work+0x0/0x20) s=(fault) t=(fault)\n",
	       "unreadable string start");
	poke(BASE + 300, "", 1);
	regs.user.rdi = BASE + 300;
	is_str(hit_line("p prog:work s=%0:string", false, -1, NULL),
	       "x-42 1234.567890: p0: (work+0x0/0x20) s=\"\"\n", "empty string");
}

static void test_json(void)
{
	struct probe probe;
	struct probe_error err;
	struct probe_hit hit = {
	    .probe = &probe,
	    .pid = 1,
	    .tid = 2,
	    .comm = "a\"b\n",
	    .time_ns = 5,
	    .cpu = 0,
	    .sym = "work",
	    .regs = &regs,
	    .mem = &mem,
	};
	char *buf = NULL;
	size_t len = 0;
	FILE *out;

	memset(&regs, 0, sizeof(regs));
	poke(BASE + 400, "q\"\\\n\001\377", 7);
	regs.user.rdi = 1;
	regs.user.rsi = BASE + 400;
	regs.user.rdx = 0x1f;
	regs.user.rcx = (uint64_t)-1;
	is_str(hit_line("p prog:work v=%0 s=%1:string h=X%2 n=S%3 f=+0(%0)", true, 3, NULL),
	       "{\"probe\":\"p0\",\"tid\":42,\"pid\":41,\"comm\":\"x\",\"time_ns\":1234567890123,"
	       "\"sym\":\"work\",\"args\":{\"v\":1,\"s\":\"q\\\"\\\\\\n\\u0001\\u00ff\","
	       "\"h\":\"0x1f\",\"n\":-1,\"f\":null}}\n",
	       "json entry");
	regs.user.rax = 7;
	is_str(hit_line("r prog:work r=%ax", true, -1, "main"),
	       "{\"probe\":\"r0\",\"tid\":42,\"pid\":41,\"comm\":\"x\",\"time_ns\":1234567890123,"
	       "\"sym\":\"work\",\"caller\":\"main+0x4f\",\"args\":{\"r\":7}}\n",
	       "json return");
	is_str(hit_line("r prog:work", true, -1, NULL),
	       "{\"probe\":\"r0\",\"tid\":42,\"pid\":41,\"comm\":\"x\",\"time_ns\":1234567890123,"
	       "\"sym\":\"work\",\"caller\":\"0x401234\",\"args\":{}}\n",
	       "json return, unknown caller");

	/* comm is escaped too; a NULL sym prints "?". */
	is_int(probe_parse("p prog:work", 0, &probe, &err), 0, "parse");
	hit.sym = NULL;
	out = open_memstream(&buf, &len);
	probe_print_hit(out, &hit, true);
	probe_print_hit(out, &hit, false);
	fclose(out);
	is_str(buf,
	       "{\"probe\":\"p0\",\"tid\":2,\"pid\":1,\"comm\":\"a\\\"b\\n\",\"time_ns\":5,"
	       "\"sym\":\"?\",\"args\":{}}\n"
	       "a\"b\n-2 [000] 0.000000: p0: (?+0x0/0x0)\n",
	       "json comm escaped, unknown sym");
	free(buf);
	probe_free(&probe);
}

static void test_fetch(void)
{
	struct probe probe;
	struct probe_error err;
	uint64_t v = 0;

	memset(&regs, 0, sizeof(regs));
	poke64(BASE + 500, 0x8899aabbccddeeffull);
	regs.user.rdi = BASE + 500;
	is_int(probe_parse("p prog:f a=+0(%di):s16 b=+0(%di):u32 c=+1(%di):x8", 0, &probe, &err), 0,
	       "parse fetches");
	is_int(probe_fetch(probe.args[0].fetch, probe.args[0].type, &regs, &mem, &v), 0,
	       "fetch s16");
	is_int(v, (uint64_t)(int64_t)(int16_t)0xeeff, "s16 sign-extended");
	probe_fetch(probe.args[1].fetch, probe.args[1].type, &regs, &mem, &v);
	is_int(v, 0xccddeeff, "u32 reads 4 bytes");
	probe_fetch(probe.args[2].fetch, probe.args[2].type, &regs, &mem, &v);
	is_int(v, 0xee, "x8 at +1");
	regs.user.rdi = 0;
	is_int(probe_fetch(probe.args[0].fetch, probe.args[0].type, &regs, &mem, &v), -EFAULT,
	       "unreadable: -EFAULT");
	is_int(probe_fetch(probe.args[0].fetch, probe.args[0].type, &regs, NULL, &v), -EFAULT,
	       "no reader: -EFAULT");
	probe_free(&probe);
	is_int(probe_type_size(PROBE_S16), 2, "s16 is 2 bytes");
	is_int(probe_type_size(PROBE_STRING), 8, "string is a pointer");
}

/* f:EXPR: a rejected hit prints nothing at all. */
static void test_filters(void)
{
	static const struct {
		const char *filter;
		bool printed;
	} cases[] = {
		{"f:v>3", true},	{"f:v>5", false},	  {"f:v==5&&a==2", true},
		{"f:v==5&&a==3", false}, {"f:v==6||a==2", true},  {"f:!(v==5)", false},
		{"f:comm==\"x\"", true},	{"f:comm!='x'", false},  {"f:pid==41&&tid==42", true},
		{"f:s==\"hello\"", true}, {"f:s<\"hellp\"", true},	  {"f:s==\"hell\"", false},
		{"f:n>=-2", true},	{"f:n<-2", false},	  {"f:bad==0", false},
		{"f:bad!=0", false},	{"f:v>1 && (a<1 || a>1)", true},
	};
	char text[256];

	memset(&regs, 0, sizeof(regs));
	regs.user.rdi = 5;
	regs.user.rsi = 2;
	regs.user.rdx = (uint64_t)-1; /* n, signed: -1 */
	regs.user.rcx = BASE;	      /* s -> "hello" */
	regs.user.r8 = 0x10;	      /* bad: unreadable */
	poke(BASE, "hello", 6);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(text, sizeof(text),
			 "p prog:work v=%%0 a=%%1 n=S%%2 s=+0(%%cx):string bad=+0(%%r8) %s",
			 cases[i].filter);
		is_int(hit_line(text, false, -1, NULL)[0] != '\0', cases[i].printed, "%s: %s",
		       cases[i].filter, cases[i].printed ? "printed" : "filtered out");
	}
}

int main(void)
{
	fake.end = BASE + sizeof(fake.bytes);
	test_text();
	test_filters();
	test_strings();
	test_json();
	test_fetch();
	return tap_done();
}
