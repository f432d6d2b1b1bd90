/* test_uprobe.c: the uprobe backend's two translations, without a kernel:
 * fetch plans into uprobe_events fetchargs (a table), and trace_pipe text
 * back into the hit lines the ptrace backend prints (comms with spaces and
 * dashes, strings with quotes, " name=" and newlines, (fault), events split
 * across reads, lines not ours). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "backend/uprobe/uprobe.h"
#include "tests/tap.h"

/* ---- fetchargs ---- */

static void check_fetcharg(const char *probe_text, const char *want, const char *what)
{
	struct fetch_addrs fa = {NULL, 0x1000, 0x1000};
	struct probe_error perr;
	struct probe p;
	char buf[512], why[256] = "";
	int rc;

	if (probe_parse(probe_text, 0, &p, &perr) < 0) {
		ok(0, "%s: parses (%s)", what, perr.msg);
		return;
	}
	rc = uprobe_fetcharg(&p.args[0], &fa, buf, sizeof(buf), why, sizeof(why));
	if (want) {
		is_int(rc, 0, "%s: accepted", what);
		is_str(rc == 0 ? buf : why, want, "%s: %s", what, want);
	} else {
		ok(rc == -ENOTSUP && why[0], "%s: refused with a reason (%s)", what, why);
	}
	probe_free(&p);
}

static void test_fetchargs(void)
{
	static const struct {
		const char *probe, *want, *what;
	} cases[] = {
		{"p /bin/true:main v=%0:s32", "%di:s32", "a register"},
		{"p /bin/true:main v=%si", "%si:u64", "a named register, default u64"},
		{"p /bin/true:main v=+8(%1):x16", "+8(%si):x16", "a member"},
		{"p /bin/true:main v=+4(+24(%di)):s32", "+4(+24(%di)):s32", "a chain"},
		{"p /bin/true:main v=-8(%bp):s64", "-8(%bp):s64", "a negative offset"},
		{"p /bin/true:main v=%0:string", "+0(%di):string", "a char * in a register"},
		{"p /bin/true:main v=+0(+16(%0)):string", "+0(+16(%di)):string",
		 "a string through a pointer"},
		{"p /bin/true:main v=%6:s32", "+8(%sp):s32", "the 7th argument, on the stack"},
	};

	struct fetch ret = {FETCH_RETVAL, 0, 0, NULL};
	struct probe_arg arg = {.name = "r", .fetch = &ret, .type = PROBE_S64};
	struct fetch_addrs fa = {NULL, 0x1000, 0x1000};
	char buf[128], why[128];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_fetcharg(cases[i].probe, cases[i].want, cases[i].what);
	/* $retval as DWARF types it (compiled: no raw form to parse) */
	uprobe_fetcharg(&arg, &fa, buf, sizeof(buf), why, sizeof(why));
	is_str(buf, "$retval:s64", "$retval");
	arg.type = PROBE_STRING;
	uprobe_fetcharg(&arg, &fa, buf, sizeof(buf), why, sizeof(why));
	is_str(buf, "+0($retval):string", "a returned string: from memory, as the kernel wants");
}

/* A static variable: its address moves with the load bias (the plan
 * compiled with another bias says which constants do), and becomes
 * file-relative: link-time 0x4010 in a file whose site at 0x1159 is at file
 * offset 0x1159 is "@+0x4010". */
static void test_static_address(void)
{
	struct fetch c = {FETCH_CONST, 0, 0x4010, NULL}, d = {FETCH_DEREF, 0, 4, &c};
	struct fetch bc = {FETCH_CONST, 0, 0x4010 + 0x100000, NULL}, bd = {FETCH_DEREF, 0, 4, &bc};
	struct fetch_addrs fa = {&bd, 0x1159, 0x1159};
	struct probe_arg arg = {.name = "g", .fetch = &d, .type = PROBE_S32};
	char buf[256], why[256];

	is_int(uprobe_fetcharg(&arg, &fa, buf, sizeof(buf), why, sizeof(why)), 0,
	       "a global's member: accepted");
	is_str(buf, "@+0x4014:s32", "a global's member: file-relative");
	fa.site_vaddr = 0x401159; /* a fixed-address program: vaddr - offset = 0x400000 */
	c.offset = 0x404010;
	bc.offset = 0x404010 + 0x100000;
	uprobe_fetcharg(&arg, &fa, buf, sizeof(buf), why, sizeof(why));
	is_str(buf, "@+0x4014:s32", "a fixed-address program's global: file-relative");
	d.inner = NULL;
	arg.fetch = &c;
	bd.inner = NULL;
	fa.biased = &bc;
	ok(uprobe_fetcharg(&arg, &fa, buf, sizeof(buf), why, sizeof(why)) == -ENOTSUP,
	   "a global's address as a number: refused (%s)", why);
	c.op = FETCH_FPREG;
	ok(uprobe_fetcharg(&arg, &fa, buf, sizeof(buf), why, sizeof(why)) == -ENOTSUP &&
		   strstr(why, "floating-point"),
	   "an xmm register: refused (%s)", why);
	c.op = FETCH_NONE;
	is_int(uprobe_fetcharg(&arg, &fa, buf, sizeof(buf), why, sizeof(why)), -ENODATA,
	       "optimized out: no field");
}

/* ---- f: filters for the kernel ---- */

/* The kernel must never drop a hit utap's filter passes: only exact parts
 * are negated, faulting fields only widen, the rest stays in utap. */
static void test_kernel_filters(void)
{
	static const struct {
		const char *filter, *want;
		int all;
	} cases[] = {
		{"i>3", "i > 3", 1},
		{"3<i", "i > 3", 1},
		{"a<50", "a < 50", 0},
		{"!(i==1)", "!(i == 1)", 1},
		{"!(a==1)", "", -1},
		{"i>3&&pid==5", "i > 3", 0},
		{"i>3||pid==5", "", -1},
		{"i>3||a==2", "(i > 3) || (a == 2)", 0},
		{"comm==\"x y\"", "comm == \"x y\"", 1},
		{"tid==7", "common_pid == 7", 1},
		{"u==-1", "", -1},
		{"i==-1", "i == -1", 1},
		{"s==\"ab\"", "s == \"ab\"", 0},
		{"s>\"ab\"", "", -1},
		{"i==u", "", -1},
	};
	const char *names[] = {"i", "a", "u", "s"};
	char text[256], buf[512];

	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct probe_error perr;
		struct probe p;
		int all;

		snprintf(text, sizeof(text),
			 "p /bin/true:f i=%%0:s32 a=+0(%%1):s64 u=%%2:u32 s=%%3:string f:%s",
			 cases[k].filter);
		if (probe_parse(text, 0, &p, &perr) < 0) {
			ok(0, "f:%s parses: %s", cases[k].filter, perr.msg);
			continue;
		}
		all = probe_filter_kernel(p.filter, p.args, names, buf, sizeof(buf));
		is_int(all, cases[k].all, "f:%s: %s", cases[k].filter,
		       cases[k].all == 1 ? "all in the kernel" :
		       cases[k].all == 0 ? "a wider part in the kernel" : "none in the kernel");
		is_str(buf, cases[k].want, "f:%s: kernel text '%s'", cases[k].filter, cases[k].want);
		probe_free(&p);
	}
}

/* ---- trace_pipe text ---- */

static char *printed;
static size_t printed_len;
static FILE *out;

static void deliver(void *ctx, const struct probe_hit *hit)
{
	(void)ctx;
	probe_print_hit(out, hit, false);
}

static struct ufield field(size_t arg, bool string, const char *name)
{
	struct ufield f = {.arg = arg, .part = -1, .string = string};

	snprintf(f.name, sizeof(f.name), "%s", name);
	return f;
}

static void test_pipe(void)
{
	struct probe probes[2];
	struct probe_error perr;
	struct options o = {0};
	struct ufield f0[4], f1[2];
	struct uevent ev[2] = {{0}};
	struct uplan plan = {0};
	struct upipe *p;
	static const char *const text =
		/* a comm with a dash and a space, a string with quotes and " n=" */
		"     my-prog x-77    (     77) [001] 12.000001: p0: (0x5555) __comm=\"my-prog x\" "
		"n=-5 s=\"a \"q\" n=1\" ok=\"\"\n"
		/* a comm the kernel's cache missed; a string with a newline */
		"           <...>-78    (     77) [000] 12.000002: p0: (0x5555) __comm=\"worker\" "
		"n=7 s=\"two\nlines\" ok=\"x\"\n"
		/* an unreadable string and an unreadable number; irq flags */
		"          prog-77    (     77) [000] d..1. 12.000003: p0: (0x5555) __comm=\"prog\" "
		"n=0 s=(fault) ok=(fault)\n"
		/* not ours: another event, a stack line */
		"          prog-77    (     77) [000] 12.000004: p9: (0x5555) x=1\n"
		" => <000055555555>\n"
		/* a child not followed (-f not given) */
		"          prog-90    (     90) [000] 12.000005: p0: (0x5555) __comm=\"prog\" "
		"n=1 s=\"c\" ok=\"\"\n"
		/* a return, unknown caller */
		"          prog-77    (     77) [001] 12.000006: r1: (0x7777 <- 0x5555) "
		"__comm=\"prog\" ret=0xff\n";
	static const char *const want =
		"my-prog x-77 12.000001: p0: (f+0x0/0x10) n=-5 s=\"a \\\"q\\\" n=1\"\n"
		"worker-78 12.000002: p0: (f+0x0/0x10) n=7 s=\"two\\nlines\"\n"
		"prog-77 12.000003: p0: (f+0x0/0x10) n=(fault) s=(fault)\n"
		"prog-77 12.000006: r1: (0x7777 <- f) ret=0xff\n";
	size_t n = strlen(text), half;

	if (probe_parse("p /bin/true:f n=+0(%di):s32 s=%si:string", 0, &probes[0], &perr) < 0 ||
	    probe_parse("r /bin/true:f ret=$retval:x64", 1, &probes[1], &perr) < 0) {
		ok(0, "probes parse: %s", perr.msg);
		return;
	}
	o.probes = probes;
	o.nprobes = 2;
	f0[0] = field(0, true, "__comm");
	f0[0].comm = true;
	f0[1] = field(0, false, "n");
	f0[2] = field(1, true, "s");
	f0[3] = field(0, true, "ok");
	f0[3].fault_check = true;
	f1[0] = f0[0];
	f1[1] = field(0, false, "ret");
	for (int i = 0; i < 2; i++) {
		ev[i].probe = i;
		snprintf(ev[i].name, sizeof(ev[i].name), "%s", probes[i].name);
		ev[i].site.sym = "f";
		ev[i].site.sym_size = 0x10;
		ev[i].vaddr = 0x1555;
	}
	ev[0].fields = f0;
	ev[0].nfields = 4;
	ev[1].fields = f1;
	ev[1].nfields = 2;
	plan.opts = &o;
	plan.events = ev;
	plan.nevents = 2;
	out = open_memstream(&printed, &printed_len);
	if (upipe_new(&plan, 77, deliver, NULL, -1, &p) < 0) {
		ok(0, "upipe_new");
		return;
	}
	/* in two reads, the second starting inside the first event's string */
	half = (size_t)(strstr(text, "q\" n=1") - text);
	upipe_feed(p, text, half);
	fflush(out);
	is_int(printed_len, 0, "half an event: nothing delivered yet");
	upipe_feed(p, text + half, n - half);
	fflush(out);
	is_str(printed, want, "events parsed into the ptrace backend's lines");
	upipe_close(p);
	fclose(out);
	free(printed);
	probe_free(&probes[0]);
	probe_free(&probes[1]);
}

int main(void)
{
	test_fetchargs();
	test_static_address();
	test_kernel_filters();
	test_pipe();
	return tap_done();
}
