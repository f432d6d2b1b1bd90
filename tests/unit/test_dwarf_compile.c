/* test_dwarf_compile.c: C-level fetches compiled against the typed target at -O0 and -O2. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dwarf/dwarf.h"
#include "probe/probe.h"
#include "tests/tap.h"
#include "tests/unit/expr_helpers.h"
#include "tests/unit/helpers.h"

/* ---- compiling one, and what came out ------------------------------------- */

struct result {
	int rc;
	char plan[256];
	enum probe_type type;
	enum probe_show show;
	unsigned bit_offset, bit_size;
	size_t strmax;
	struct probe_enumerator enums[8];
	size_t nenums;
	char ctype[128];
	char err[512];
};

struct opts {
	bool is_return;
	uint64_t bias;
	char prefix;
	bool typed;
	enum probe_type type;
};

/* ERR on one line, for a test's name. */
static const char *oneline(const char *err)
{
	static char buf[4][512];
	static int next;
	char *b = buf[next++ % 4], *nl;

	snprintf(b, sizeof(buf[0]), "%s", err);
	while ((nl = strchr(b, '\n')))
		*nl = '|';
	return b;
}

static struct result compile_with(struct dwarf_module *dm, uint64_t pc, const char *text,
				  struct opts o)
{
	struct probe_arg arg = {.name = "v", .type = PROBE_U64};
	struct result r;

	memset(&r, 0, sizeof(r));
	arg.expr = expr_build(text);
	arg.prefix = o.prefix;
	arg.typed = o.typed;
	if (o.typed)
		arg.type = o.type;
	r.rc = dwarf_compile_arg(dm, pc, o.is_return, o.bias, &arg, r.err, sizeof(r.err));
	plan_spell(arg.fetch, r.plan, sizeof(r.plan));
	r.type = arg.type;
	r.show = arg.show;
	r.bit_offset = arg.bit_offset;
	r.bit_size = arg.bit_size;
	r.strmax = arg.strmax;
	r.nenums = arg.nenums;
	for (size_t i = 0; i < arg.nenums && i < 8; i++) {
		r.enums[i].value = arg.enums[i].value;
		r.enums[i].name = NULL;
		if (arg.enums[i].name && strlen(arg.enums[i].name) < 16)
			r.enums[i].name = strdup(arg.enums[i].name);
	}
	snprintf(r.ctype, sizeof(r.ctype), "%s", arg.ctype ? arg.ctype : "");
	if (r.rc < 0 && (arg.fetch || arg.ctype || arg.enums))
		printf("# %s: error left compiled fields behind\n", text);
	arg_release(&arg);
	probe_expr_free(arg.expr);
	if (getenv("TEST_VERBOSE"))
		printf("# %-28s rc=%d plan=%s type=%s show=%d ctype=%s bits=%u/%u strmax=%zu "
		       "err=%s\n",
		       text, r.rc, r.plan, probe_type_name(r.type), r.show, r.ctype, r.bit_offset,
		       r.bit_size, r.strmax, r.err);
	return r;
}

static struct result compile(struct dwarf_module *dm, uint64_t pc, const char *text)
{
	return compile_with(dm, pc, text, (struct opts){0});
}

static void result_free(struct result *r)
{
	for (size_t i = 0; i < r->nenums && i < 8; i++)
		free(r->enums[i].name);
}

/* Compile TEXT at PC and check plan, type and show (NULL/-1: unchecked). */
static void check(struct dwarf_module *dm, uint64_t pc, const char *opt, const char *text,
		  const char *plan, int type, int show, const char *ctype)
{
	struct result r = compile(dm, pc, text);

	is_int(r.rc, 0, "%s: %s compiles%s%s", opt, text, r.err[0] ? ": " : "", oneline(r.err));
	if (plan)
		is_str(r.plan, plan, "%s: %s plan", opt, text);
	if (type >= 0)
		is_str(probe_type_name(r.type), probe_type_name((enum probe_type)type),
		       "%s: %s type", opt, text);
	if (show >= 0)
		is_int(r.show, show, "%s: %s show", opt, text);
	if (ctype)
		is_str(r.ctype, ctype, "%s: %s C type", opt, text);
	result_free(&r);
}

/* Compile TEXT and expect RC with an error message that has each of the
 * NULL-terminated fragments. */
static void check_err(struct dwarf_module *dm, uint64_t pc, struct opts o, const char *label,
		      const char *text, int rc, ...)
{
	struct result r = compile_with(dm, pc, text, o);
	const char *frag;
	va_list ap;

	is_int(r.rc, rc, "%s: %s fails (%d)", label, text, rc);
	va_start(ap, rc);
	while ((frag = va_arg(ap, const char *))) {
		ok(strstr(r.err, frag) != NULL, "%s: %s: error says '%s'", label, text, frag);
		if (!strstr(r.err, frag))
			printf("#   error was: %s\n", r.err);
	}
	va_end(ap);
	result_free(&r);
}

/* ---- the target ------------------------------------------------------------ */

static const char *targets_dir(void)
{
	return getenv("UTAP_TARGETS") ? getenv("UTAP_TARGETS") : "build/targets";
}

/* The member offsets the tables below assume, as typed --layout prints them. */
#define LAYOUT                                                                                     \
	"in=4 in.y=4 in.tag=6 arr=12 inner=8 vals=36 name=52 label=72 num=80 color=84 bits=88 "    \
	"ok=92 ratio=96 scale=104 any=112 next=120 outer=128 cfg.level=8\n"

static bool layout_is_assumed(const char *path)
{
	char cmd[PATH_MAX + 16], line[1024] = "";
	FILE *p;

	snprintf(cmd, sizeof(cmd), "%s --layout", path);
	p = popen(cmd, "r");
	if (!p)
		return false;
	if (!fgets(line, sizeof(line), p))
		line[0] = '\0';
	pclose(p);
	is_str(line, LAYOUT, "typed --layout is the layout the cases assume");
	return strcmp(line, LAYOUT) == 0;
}

/* The link-time address of symbol NAME, from nm. */
static uint64_t symbol(const char *path, const char *name)
{
	char cmd[PATH_MAX + 64], line[256], sym[128];
	unsigned long long addr, found = 0;
	char kind;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "nm %s", path);
	p = popen(cmd, "r");
	if (!p)
		return 0;
	while (fgets(line, sizeof(line), p))
		if (sscanf(line, "%llx %c %127s", &addr, &kind, sym) == 3 && !strcmp(sym, name))
			found = addr;
	pclose(p);
	return found;
}

static uint64_t func_addr(struct dwarf_module *dm, const char *name)
{
	struct dwarf_func *funcs;
	uint64_t addr = 0;
	size_t n;

	if (dwarf_funcs_find(dm, name, false, &funcs, &n) == 0 && n >= 1)
		addr = funcs[0].addr;
	if (n)
		dwarf_funcs_free(funcs, n);
	if (!addr)
		printf("# no address for %s\n", name);
	return addr;
}

/* The line of targets/typed.c holding MARKER. */
static int marker_line(const char *marker)
{
	FILE *f = fopen("targets/typed.c", "r");
	char line[512];
	int n = 0, found = 0;

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f)) {
		n++;
		if (strstr(line, marker))
			found = n;
	}
	fclose(f);
	return found;
}

static char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));

/* A string built like printf, valid until the 8th next call. */
static char *fmt(const char *f, ...)
{
	static char bufs[8][256];
	static int next;
	char *b = bufs[next++ % 8];
	va_list ap;

	va_start(ap, f);
	vsnprintf(b, sizeof(bufs[0]), f, ap);
	va_end(ap);
	return b;
}

/* ---- cases ------------------------------------------------------------------ */

#define S PROBE_STRING
enum { ANY = -1 };

/* Fetches that compile alike at -O0 and -O2 at a function's entry (or,
 * with IS_RETURN, at its return). */
static const struct ok_case {
	const char *func;
	bool is_return;
	const char *text, *plan;
	int type, show;
	const char *ctype;
} ok_cases[] = {
    {"use_outer", 0, "$o", "%di", PROBE_X64, SHOW_PLAIN, "struct outer *"},
    {"use_outer", 0, "%0->id", "+0(%di)", PROBE_S32, SHOW_PLAIN, "int"},
    {"use_outer", 0, "$o->id", "+0(%di)", PROBE_S32, SHOW_PLAIN, "int"},
    {"use_outer", 0, "$o->in.x", "+4(%di)", PROBE_S32, SHOW_PLAIN, "int"},
    {"use_outer", 0, "$o->in.y", "+8(%di)", PROBE_S16, SHOW_PLAIN, "short"},
    {"use_outer", 0, "$o->in.tag", "+10(%di)", PROBE_S8, SHOW_CHAR, "char"},
    {"use_outer", 0, "$o->arr[2].x", "+28(%di)", PROBE_S32, SHOW_PLAIN, "int"},
    {"use_outer", 0, "$o->arr[1].tag", "+26(%di)", PROBE_S8, SHOW_CHAR, "char"},
    {"use_outer", 0, "$o->vals[3]", "+48(%di)", PROBE_S32, SHOW_PLAIN, "int"},
    {"use_outer", 0, "$o->name", "+52(%di)", S, SHOW_PLAIN, "char[16]"},
    {"use_outer", 0, "$o->name[3]", "+55(%di)", PROBE_S8, SHOW_CHAR, "char"},
    {"use_outer", 0, "$o->label", "+0(+72(%di))", S, SHOW_PLAIN, "const char *"},
    {"use_outer", 0, "$o->label[1]", "+1(+72(%di))", PROBE_S8, SHOW_CHAR, "const char"},
    {"use_outer", 0, "$o->num.i", "+80(%di)", PROBE_S32, SHOW_PLAIN, "int"},
    {"use_outer", 0, "$o->num.f", "+80(%di)", PROBE_U32, SHOW_FLOAT, "float"},
    {"use_outer", 0, "$o->num.bytes[2]", "+82(%di)", PROBE_U8, SHOW_PLAIN, "unsigned char"},
    {"use_outer", 0, "$o->color", "+84(%di)", PROBE_S32, SHOW_ENUM, "enum color"},
    {"use_outer", 0, "$o->bits.lo", "+88(%di)", PROBE_U8, SHOW_PLAIN, "unsigned int:3"},
    {"use_outer", 0, "$o->bits.delta", "+88(%di)", PROBE_S8, SHOW_PLAIN, "int:5"},
    {"use_outer", 0, "$o->bits.wide", "+89(%di)", PROBE_U16, SHOW_PLAIN, "unsigned int:13"},
    {"use_outer", 0, "$o->bits.flag", "+90(%di)", PROBE_U8, SHOW_BOOL, "_Bool:1"},
    {"use_outer", 0, "$o->ok", "+92(%di)", PROBE_U8, SHOW_BOOL, "_Bool"},
    {"use_outer", 0, "$o->ratio", "+96(%di)", PROBE_U64, SHOW_FLOAT, "double"},
    {"use_outer", 0, "$o->scale", "+104(%di)", PROBE_U32, SHOW_FLOAT, "float"},
    {"use_outer", 0, "$o->any", "+112(%di)", PROBE_S64, SHOW_PLAIN, "long"},
    {"use_outer", 0, "$o->ptr", "+112(%di)", PROBE_X64, SHOW_PLAIN, "void *"},
    {"use_outer", 0, "$o->next", "+120(%di)", PROBE_X64, SHOW_PLAIN, "struct outer *"},
    {"use_outer", 0, "$o->next->next->id", "+0(+120(+120(%di)))", PROBE_S32, SHOW_PLAIN, "int"},
    {"use_outer", 0, "$o->next->name", "+52(+120(%di))", S, SHOW_PLAIN, "char[16]"},
    {"use_outer", 0, "$o->next->label", "+0(+72(+120(%di)))", S, SHOW_PLAIN, "const char *"},
    {"use_outer", 0, "$o->next->arr[2].y", "+32(+120(%di))", PROBE_S16, SHOW_PLAIN, "short"},
    /* Casts: a register's content, a variable's value reinterpreted. */
    {"use_outer", 0, "!(struct inner *)%di->y", "+4(%di)", PROBE_S16, SHOW_PLAIN, "short"},
    {"use_outer", 0, "!(struct inner *)$o->y", "+4(%di)", PROBE_S16, SHOW_PLAIN, "short"},
    {"use_outer", 0, "!(struct outer *)%0->next->id", "+0(+120(%di))", PROBE_S32, SHOW_PLAIN,
     "int"},
    {"use_outer", 0, "!(u8)%0", "%di", PROBE_U8, SHOW_PLAIN, "u8"},
    {"use_outer", 0, "!(unsigned long)%di", "%di", PROBE_U64, SHOW_PLAIN, "unsigned long"},
    {"use_outer", 0, "!(char *)$o", "%di", S, SHOW_PLAIN, "char *"},
    {"use_outer", 0, "!(struct inner)+8(%di).y", "+12(%di)", PROBE_S16, SHOW_PLAIN, "short"},
    {"use_outer", 0, "!(struct outer **)%di[0]->id", "+0(+0(%di))", PROBE_S32, SHOW_PLAIN, "int"},
    {"use_outer", 0, "!(u32 *)%di[2]", "+8(%di)", PROBE_U32, SHOW_PLAIN, "u32"},
    {"use_outer", 0, "!(enum color)%si", "%si", PROBE_S32, SHOW_ENUM, "enum color"},
    {"use_outer", 0, "!(union num *)%si->f", "+0(%si)", PROBE_U32, SHOW_FLOAT, "float"},
    {"use_outer", 0, "!(cfg_t *)%si->level", "+8(%si)", PROBE_S32, SHOW_PLAIN, "int"},
    {"use_outer", 0, "!(cfg_t *)%si", "%si", PROBE_X64, SHOW_PLAIN, "cfg_t *"},
    {"use_outer", 0, "!(size_t)%si", "%si", PROBE_U64, SHOW_PLAIN, "size_t"},
    /* The calling convention: FP registers, the stack, structs by value. */
    {"use_floats", 0, "$f", "%xmm0", PROBE_U32, SHOW_FLOAT, "float"},
    {"use_floats", 0, "$d", "%xmm1", PROBE_U64, SHOW_FLOAT, "double"},
    {"use_floats", 0, "$i", "%di", PROBE_S32, SHOW_PLAIN, "int"},
    {"many", 0, "$a", "%di", PROBE_S64, SHOW_PLAIN, "long"},
    {"many", 0, "$f", "%r9", PROBE_S64, SHOW_PLAIN, "long"},
    {"many", 0, "$g", "+8(%sp)", PROBE_S64, SHOW_PLAIN, "long"},
    {"many", 0, "$h", "+16(%sp)", PROBE_S64, SHOW_PLAIN, "long"},
    {"many", 0, "%7", "+16(%sp)", PROBE_S64, SHOW_PLAIN, "long"},
    {"by_value", 0, "$k", "%di", PROBE_S32, SHOW_PLAIN, "int"},
    {"by_value", 0, "$b.c", "+24(%sp)", PROBE_S64, SHOW_PLAIN, "long"},
    {"by_value", 0, "$c", "%si", PROBE_S8, SHOW_CHAR, "char"},
    {"label_len", 0, "$s", "%di", S, SHOW_PLAIN, "const char *"},
    /* Return values. */
    {"find", 1, "$retval", "$retval", PROBE_X64, SHOW_PLAIN, "struct outer *"},
    {"find", 1, "$retval->id", "+0($retval)", PROBE_S32, SHOW_PLAIN, "int"},
    {"find", 1, "$retval->name", "+52($retval)", S, SHOW_PLAIN, "char[16]"},
    {"find", 1, "!(char *)$retval", "$retval", S, SHOW_PLAIN, "char *"},
    {"average", 1, "$retval", "%xmm0", PROBE_U64, SHOW_FLOAT, "double"},
    {"average", 1, "!(u64)$retval", "%xmm0", PROBE_U64, SHOW_PLAIN, "u64"},
    {"use_cfg", 1, "$retval", "$retval", PROBE_S32, SHOW_PLAIN, "int"},
    {"use_cfg", 1, "@counter", NULL, PROBE_S32, SHOW_PLAIN, "int"},
    {"use_cfg", 1, "$counter", NULL, PROBE_S32, SHOW_PLAIN, "int"},
};

/* Fetches that fail the same at -O0 and -O2, with fragments of the message. */
static const struct err_case {
	const char *func;
	bool is_return;
	const char *text;
	int rc;
	const char *frag1, *frag2;
} err_cases[] = {
    {"use_outer", 0, "$o->in->x", -EINVAL, "$o->in is a struct inner, not a pointer",
     "hint: use '.': $o->in.x"},
    {"use_outer", 0, "$o.id", -EINVAL, "$o is a pointer (struct outer *)",
     "hint: use '->': $o->id"},
    {"use_outer", 0, "$o->nosuch", -ENOENT, "struct outer has no member 'nosuch'",
     "hint: its members are id, in, arr, vals, name, label, num, color, bits, ok, ratio, "
     "scale, any, ptr, next"},
    {"use_outer", 0, "$o->in.c", -ENOENT, "struct inner has no member 'c'",
     "hint: its members are x, y, tag"},
    {"use_outer", 0, "$o->in", -EINVAL, "$o->in is a struct inner: name a member",
     "its members are x, y, tag"},
    {"use_outer", 0, "$o->num", -EINVAL, "$o->num is a union num: name a member",
     "its members are i, f, bytes"},
    {"use_outer", 0, "$o->vals", -EINVAL, "$o->vals is an array (int[4]): index it",
     "e.g. $o->vals[0]"},
    {"use_outer", 0, "$o->vals[4]", -EINVAL, "index 4 is out of range: $o->vals has type int[4]",
     "0..3"},
    {"use_outer", 0, "$o->id->x", -EINVAL,
     "'->x' needs a pointer to a struct or union: $o->id has type int", NULL},
    {"use_outer", 0, "$o->id[1]", -EINVAL, "needs an array or a pointer", NULL},
    {"use_outer", 0, "$o->ptr->x", -EINVAL, "$o->ptr has type void *: what it points to is unknown",
     "!(struct foo *)$o->ptr->x"},
    {"use_outer", 0, "$o->ptr[1]", -EINVAL, "the size of void is unknown", NULL},
    {"use_outer", 0, "!(struct nosuch *)$o", -ENOENT, "unknown type 'struct nosuch' (column 3)",
     "hint:"},
    {"use_outer", 0, "!(frobnicate_t)%di", -ENOENT, "unknown type 'frobnicate_t' (column 3)", NULL},
    {"use_outer", 0, "!(unsigned float)%di", -EINVAL, "is not a C type", NULL},
    {"use_cfg", 0, "!(long)@counter", -EINVAL, "!(long) reads 8 bytes, but @counter (int) has 4",
     "of 4 bytes or fewer"},
    {"use_outer", 0, "!(u8)$o->id", -EINVAL, "'->id' needs a pointer to a struct or union", NULL},
    {"use_outer", 0, "!(struct inner)$o", -EINVAL, "a value in a register cannot be", NULL},
    {"use_outer", 0, "%di->x", -EINVAL, "'%di->x' needs a type", "!(struct foo *)%di->x"},
    {"use_outer", 0, "$retval", -EINVAL, "$retval is only known at a return probe", NULL},
    {"use_outer", 1, "$o->id", -EINVAL, "parameters are gone by the return; not supported yet",
     "entry probe"},
    {"use_outer", 1, "%0->id", -EINVAL, "parameters are gone by the return", NULL},
    {"use_outer", 0, "$nosuch", -ENOENT, "no variable 'nosuch' at 0x", "hint: visible there: o"},
    {"use_outer", 0, "@nosuch", -ENOENT, "no global or static variable 'nosuch'", NULL},
    {"use_outer", 0, "%7->x", -ENOENT, "use_outer has no parameter 7", NULL},
    {"use_cfg", 1, "$retval->x", -EINVAL, "$retval has type int", NULL},
    {"between", 1, "$retval", -EINVAL, "between returns void", NULL},
    {"use_outer", 0, "%1", -ENOENT, "use_outer has no parameter 1", "!(struct foo *)%N"},
    {"use_outer", 0, "!(void)%di", -EINVAL, "is void", NULL},
};

/* An explicit :TYPE or an X/S/U prefix over what DWARF says. */
static const struct override_case {
	const char *text;
	char prefix;
	bool typed;
	enum probe_type given;
	int rc;
	const char *plan;
	int type, show;
} override_cases[] = {
    {"$o->id", 0, true, PROBE_U32, 0, "+0(%di)", PROBE_U32, SHOW_PLAIN},
    {"$o->in.y", 'X', false, PROBE_U64, 0, "+8(%di)", PROBE_X16, SHOW_PLAIN},
    {"$o->color", 'X', false, PROBE_U64, 0, "+84(%di)", PROBE_X32, SHOW_PLAIN},
    {"$o->in.tag", 'U', false, PROBE_U64, 0, "+10(%di)", PROBE_U8, SHOW_PLAIN},
    {"$o->ok", 'S', false, PROBE_U64, 0, "+92(%di)", PROBE_S8, SHOW_PLAIN},
    {"$o->label", 'X', false, PROBE_U64, 0, "+72(%di)", PROBE_X64, SHOW_PLAIN},
    {"$o->label", 0, true, S, 0, "+0(+72(%di))", S, SHOW_PLAIN},
    {"$o->name", 0, true, S, 0, "+52(%di)", S, SHOW_PLAIN},
    {"$o->name", 0, true, PROBE_U64, 0, "+52(%di)", PROBE_U64, SHOW_PLAIN},
    {"$o->any", 0, true, S, 0, "+0(+112(%di))", S, SHOW_PLAIN},
    {"$o->in", 0, true, PROBE_X64, 0, "+4(%di)", PROBE_X64, SHOW_PLAIN},
    {"$o->ratio", 0, true, PROBE_S64, 0, "+96(%di)", PROBE_S64, SHOW_PLAIN},
    {"$o->bits.wide", 'X', false, PROBE_U64, 0, "+89(%di)", PROBE_X16, SHOW_PLAIN},
    {"$o->bits.wide", 0, true, PROBE_U8, -EINVAL, NULL, ANY, ANY},
    {"$o->name", 'S', false, PROBE_U64, -EINVAL, NULL, ANY, ANY},
    {"$o->in", 'X', false, PROBE_U64, -EINVAL, NULL, ANY, ANY},
};

static void run_ok_cases(struct dwarf_module *dm, const char *opt)
{
	for (size_t i = 0; i < sizeof(ok_cases) / sizeof(ok_cases[0]); i++) {
		const struct ok_case *k = &ok_cases[i];
		uint64_t pc = func_addr(dm, k->func);
		struct result r = compile_with(dm, pc, k->text, (struct opts){k->is_return});
		const char *what =
		    fmt("%s: %s%s %s", opt, k->func, k->is_return ? "%return" : "", k->text);

		is_int(r.rc, 0, "%s compiles%s%s", what, r.err[0] ? ": " : "", oneline(r.err));
		if (k->plan)
			is_str(r.plan, k->plan, "%s: plan", what);
		is_str(probe_type_name(r.type), probe_type_name((enum probe_type)k->type),
		       "%s: type", what);
		is_int(r.show, k->show, "%s: show", what);
		is_str(r.ctype, k->ctype, "%s: C type", what);
		result_free(&r);
	}
}

static void run_err_cases(struct dwarf_module *dm, const char *opt)
{
	for (size_t i = 0; i < sizeof(err_cases) / sizeof(err_cases[0]); i++) {
		const struct err_case *k = &err_cases[i];
		uint64_t pc = func_addr(dm, k->func);

		check_err(dm, pc, (struct opts){k->is_return},
			  fmt("%s: %s%s", opt, k->func, k->is_return ? "%return" : ""), k->text,
			  k->rc, k->frag1, k->frag2, NULL);
	}
}

static void run_override_cases(struct dwarf_module *dm, const char *opt)
{
	uint64_t pc = func_addr(dm, "use_outer");

	for (size_t i = 0; i < sizeof(override_cases) / sizeof(override_cases[0]); i++) {
		const struct override_case *k = &override_cases[i];
		struct opts o = {.prefix = k->prefix, .typed = k->typed, .type = k->given};
		struct result r = compile_with(dm, pc, k->text, o);
		const char *what =
		    fmt("%s: %s%s%c:%s", opt, k->prefix ? "" : "", k->text,
			k->prefix ? k->prefix : ' ', k->typed ? probe_type_name(k->given) : "-");

		is_int(r.rc, k->rc, "%s: rc%s%s", what, r.err[0] ? ": " : "", oneline(r.err));
		if (k->plan)
			is_str(r.plan, k->plan, "%s: plan", what);
		if (k->type != ANY)
			is_str(probe_type_name(r.type), probe_type_name((enum probe_type)k->type),
			       "%s: type", what);
		if (k->show != ANY)
			is_int(r.show, k->show, "%s: show", what);
		if (k->rc == 0)
			is_int(r.nenums, 0, "%s: no enumerators", what);
		result_free(&r);
	}
}

/* Details a table row does not hold: bits, lengths, enumerators. */
static void run_detail_cases(struct dwarf_module *dm, const char *opt)
{
	uint64_t pc = func_addr(dm, "use_outer");
	struct result r;

	r = compile(dm, pc, "$o->name");
	is_int(r.strmax, 16, "%s: char[16] reads at most 16 bytes", opt);
	result_free(&r);
	r = compile(dm, pc, "$o->label");
	is_int(r.strmax, 0, "%s: a char * reads up to the default", opt);
	result_free(&r);
	r = compile(dm, pc, "$o->bits.delta");
	ok(r.bit_offset == 3 && r.bit_size == 5, "%s: delta is bits 3..7 (%u/%u)", opt,
	   r.bit_offset, r.bit_size);
	result_free(&r);
	r = compile(dm, pc, "$o->bits.wide");
	ok(r.bit_offset == 0 && r.bit_size == 13, "%s: wide is 13 bits of the next byte (%u/%u)",
	   opt, r.bit_offset, r.bit_size);
	result_free(&r);
	r = compile(dm, pc, "$o->bits.flag");
	ok(r.bit_offset == 5 && r.bit_size == 1, "%s: flag is bit 5 of the third byte (%u/%u)", opt,
	   r.bit_offset, r.bit_size);
	result_free(&r);
	r = compile(dm, pc, "$o->id");
	ok(r.bit_offset == 0 && r.bit_size == 0, "%s: not a bit-field", opt);
	result_free(&r);
	r = compile(dm, pc, "$o->color");
	is_int(r.nenums, 3, "%s: enum color has 3 enumerators", opt);
	ok(r.nenums == 3 && r.enums[0].name && !strcmp(r.enums[0].name, "RED") &&
	       r.enums[0].value == 0 && r.enums[1].value == 5 && r.enums[2].name &&
	       !strcmp(r.enums[2].name, "BLUE") && r.enums[2].value == -2,
	   "%s: RED=0 GREEN=5 BLUE=-2", opt);
	result_free(&r);
}

/* Globals: static addresses with the load bias added. */
static void run_global_cases(struct dwarf_module *dm, const char *path, const char *opt)
{
	uint64_t pc = func_addr(dm, "use_cfg"), bias = 0x7f0000000000;
	uint64_t g_cfg = symbol(path, "g_cfg"), counter = symbol(path, "counter");
	struct opts o = {.bias = bias};

	ok(g_cfg && counter, "%s: nm finds g_cfg and counter", opt);
	is_str(compile_with(dm, pc, "@g_cfg", o).plan, fmt("+0(0x%" PRIx64 ")", g_cfg + bias),
	       "%s: @g_cfg is at its address plus the bias", opt);
	is_str(compile_with(dm, pc, "@g_cfg->name", o).plan,
	       fmt("+0(+0(+0(0x%" PRIx64 ")))", g_cfg + bias),
	       "%s: @g_cfg->name: a char * behind "
	       "a pointer",
	       opt);
	is_str(compile_with(dm, pc, "@g_cfg->level", o).plan,
	       fmt("+8(+0(0x%" PRIx64 "))", g_cfg + bias), "%s: @g_cfg->level", opt);
	is_str(compile_with(dm, pc, "!(struct cfg *)@g_cfg->name", o).plan,
	       fmt("+0(+0(+0(0x%" PRIx64 ")))", g_cfg + bias), "%s: cast of a pointer variable",
	       opt);
	is_str(compile_with(dm, pc, "$counter", o).plan, fmt("+0(0x%" PRIx64 ")", counter + bias),
	       "%s: $counter finds the global too", opt);
	check(dm, pc, opt, "@counter", NULL, PROBE_S32, SHOW_PLAIN, "int");
	is_str(compile_with(dm, pc, "@0x4010", o).plan, fmt("+0(0x%" PRIx64 ")", 0x4010 + bias),
	       "%s: @0x4010", opt);
	check(dm, pc, opt, "@0x4010", "+0(0x4010)", PROBE_U64, SHOW_PLAIN, "u64");
	check(dm, pc, opt, "!(struct cfg *)@0x4010->level", "+8(+0(0x4010))", PROBE_S32, SHOW_PLAIN,
	      "int");
	check(dm, pc, opt, "!(struct cfg)@0x4010.level", "+8(0x4010)", PROBE_S32, SHOW_PLAIN,
	      "int");
	/* a script's @var("name@file.c"): the unit of that file */
	is_str(compile_with(dm, pc, "@g_cfg@typed.c->level", o).plan,
	       fmt("+8(+0(0x%" PRIx64 "))", g_cfg + bias), "%s: @g_cfg@typed.c->level", opt);
	is_str(compile_with(dm, 0, "@counter@targets/typed.c", o).plan,
	       fmt("+0(0x%" PRIx64 ")", counter + bias),
	       "%s: @counter@targets/typed.c, at no site", opt);
	check_err(dm, pc, o, opt, "@counter@nosuch.c", -ENOENT, "no compilation unit of nosuch.c",
		  NULL);
	check_err(dm, pc, o, opt, "@nosuch@typed.c", -ENOENT, "no global or static variable",
		  "typed.c", NULL);
	/* a script's @cast(VALUE, "struct cfg"): the plan starts from the
	 * value the handler gives, at no site (pc 0) as well */
	check(dm, 0, opt, "!(struct cfg *)(input)->level", "+8(input)", PROBE_S32, SHOW_PLAIN,
	      "int");
	check(dm, pc, opt, "!(struct outer *)(input)->arr[2].x", NULL, PROBE_S32, SHOW_PLAIN, "int");
	check(dm, 0, opt, "!(struct cfg *)(input)->name", "+0(+0(input))", PROBE_STRING, -1, NULL);
	check_err(dm, 0, o, opt, "!(struct nosuch *)(input)->x", -ENOENT, "struct nosuch", NULL);
	/* a script's $a[i]: the base moves by i times the element's size */
	check(dm, 0, opt, "!(struct outer *)(input)->vals[1]", "+40(input)", PROBE_S32, SHOW_PLAIN,
	      "int");
	check(dm, 0, opt, "!(struct cfg *)@0x4010->name[i]", "+0(+0(+0(0x4010))+input*1)", -1, -1,
	      "char");
	check(dm, 0, opt, "!(struct outer *)@0x4010->arr[i].y", "+16(+0(0x4010)+input*8)", PROBE_S16,
	      SHOW_PLAIN, "short");
}

static void run_cases(struct dwarf_module *dm, const char *path, const char *opt)
{
	run_ok_cases(dm, opt);
	run_err_cases(dm, opt);
	run_override_cases(dm, opt);
	run_detail_cases(dm, opt);
	run_global_cases(dm, path, opt);
}

/* -O0: after the prologue everything lives in the frame, off %bp. */
static void run_o0_cases(struct dwarf_module *dm)
{
	int line = marker_line("LINE-STEP2");
	uint64_t *addrs = NULL;
	struct result r;
	size_t n = 0;

	/* At the entry the frame is not set up: the CFA is %sp+8. */
	r = compile(dm, func_addr(dm, "steps"), "$acc");
	ok(r.rc == 0 && strstr(r.plan, "(%sp)"), "-O0: at the entry, $acc is off %%sp (%s)",
	   r.plan);
	check(dm, func_addr(dm, "steps"), "-O0 entry", "$n", "%di", PROBE_S32, SHOW_PLAIN, "int");
	ok(line > 0, "-O0: LINE-STEP2 found in targets/typed.c");
	is_int(dwarf_line_addrs(dm, "typed.c", line, &addrs, &n), 0, "-O0: line %d", line);
	ok(n >= 1, "-O0: line %d has code", line);
	if (n >= 1) {
		r = compile(dm, addrs[0], "$acc");
		is_int(r.rc, 0, "-O0: $acc at line %d", line);
		ok(strstr(r.plan, "(%bp)") && r.plan[0] == '-', "-O0: $acc in the frame (%s)",
		   r.plan);
		is_str(probe_type_name(r.type), "s32", "-O0: $acc is an int");
		r = compile(dm, addrs[0], "$n");
		ok(r.rc == 0 && strstr(r.plan, "(%bp)"),
		   "-O0: $n in the frame after the prologue (%s)", r.plan);
	}
	free(addrs);
}

/* -O2: an inlined function's copies, location lists, values optimized out. */
static void run_o2_cases(struct dwarf_module *dm)
{
	uint64_t *addrs = NULL, entry = func_addr(dm, "label_len");
	struct result r;
	size_t n = 0;
	bool lost = false;
	int line;

	is_int(dwarf_inline_sites(dm, "scaled", &addrs, &n), 0, "-O2: inlined copies of scaled");
	is_int(n, 2, "-O2: scaled is inlined twice");
	for (size_t i = 0; i < n; i++) {
		const char *k = i ? "0x5" : "0x3"; /* scaled(a, 3), then scaled(b, 5) */

		check(dm, addrs[i], fmt("-O2 copy %zu", i), "$k", k, PROBE_S32, SHOW_PLAIN, "int");
		if (i == 1) /* copy 0 enters at twice_scaled's entry: %1 is its b */
			check(dm, addrs[i], "-O2 copy 1", "%1", k, PROBE_S32, SHOW_PLAIN, "int");
		r = compile(dm, addrs[i], "$in->y");
		is_int(r.rc, 0, "-O2 copy %zu: $in->y compiles %s", i, oneline(r.err));
		ok(!strncmp(r.plan, "+4(%", 4), "-O2 copy %zu: $in->y at +4 from a register (%s)",
		   i, r.plan);
		is_str(r.ctype, "short", "-O2 copy %zu: $in->y is a short", i);
		check_err(dm, addrs[i], (struct opts){0}, fmt("-O2 copy %zu", i), "$in->z", -ENOENT,
			  "struct inner has no member 'z'", NULL);
	}
	free(addrs);
	/* At the function's entry, its own parameters come first. */
	check(dm, func_addr(dm, "twice_scaled"), "-O2", "$a", "%di", PROBE_X64, SHOW_PLAIN,
	      "struct inner *");
	check(dm, func_addr(dm, "twice_scaled"), "-O2", "%1", "%si", PROBE_X64, SHOW_PLAIN,
	      "struct inner *");

	/* After strlen(s), s is only DW_OP_entry_value(%di): gone. */
	for (uint64_t pc = entry; pc < entry + 0x20 && !lost; pc++) {
		r = compile(dm, pc, "$s");
		lost = r.rc == 1;
		if (lost) {
			is_str(r.plan, "none", "-O2: optimized out: the plan reads nothing");
			ok(strstr(r.err, fmt("$s is optimized out at 0x%" PRIx64, pc)) &&
			       strstr(r.err, "entry"),
			   "-O2: says where and why: %s", oneline(r.err));
			is_str(r.ctype, "const char *", "-O2: optimized out, still typed");
			is_str(probe_type_name(r.type), "string",
			       "-O2: optimized out, still a string");
		}
	}
	ok(lost, "-O2: $s is optimized out somewhere in label_len");

	line = marker_line("LINE-STEP2");
	addrs = NULL;
	n = 0;
	dwarf_line_addrs(dm, "typed.c", line, &addrs, &n);
	ok(n >= 1, "-O2: line %d has code", line);
	for (size_t i = 0; i < n; i++) {
		r = compile(dm, addrs[i], "$sq");
		ok(r.rc >= 0, "-O2: $sq at line %d (0x%" PRIx64 "): %s %s", line, addrs[i], r.plan,
		   oneline(r.err));
	}
	free(addrs);
}

/* Without DWARF (DM NULL): casts of raw fetches to built-in types. */
static void run_no_dwarf_cases(void)
{
	static const struct {
		const char *text;
		bool is_return;
		const char *plan;
		int type, show;
		const char *ctype;
	} cases[] = {
	    {"!(u64)%ax", 0, "%ax", PROBE_U64, SHOW_PLAIN, "u64"},
	    {"!(s16)%ax", 0, "%ax", PROBE_S16, SHOW_PLAIN, "s16"},
	    {"!(char *)%ax", 0, "%ax", S, SHOW_PLAIN, "char *"},
	    {"!(const char *)%ax", 0, "%ax", S, SHOW_PLAIN, "char *"},
	    {"!(unsigned char *)%si", 0, "%si", S, SHOW_PLAIN, "unsigned char *"},
	    {"!(u8 *)%si", 0, "%si", PROBE_X64, SHOW_PLAIN, "u8 *"},
	    {"!(void *)%si", 0, "%si", PROBE_X64, SHOW_PLAIN, "void *"},
	    {"!(long unsigned int)%di", 0, "%di", PROBE_U64, SHOW_PLAIN, "unsigned long"},
	    {"!(int)%di", 0, "%di", PROBE_S32, SHOW_PLAIN, "int"},
	    {"!(unsigned short)%di", 0, "%di", PROBE_U16, SHOW_PLAIN, "unsigned short"},
	    {"!(bool)%di", 0, "%di", PROBE_U8, SHOW_BOOL, "_Bool"},
	    {"!(char)%di", 0, "%di", PROBE_S8, SHOW_CHAR, "char"},
	    {"!(double)%ax", 0, "%ax", PROBE_U64, SHOW_FLOAT, "double"},
	    {"!(uint32_t)%ax", 0, "%ax", PROBE_U32, SHOW_PLAIN, "uint32_t"},
	    {"!(u32 *)%di[2]", 0, "+8(%di)", PROBE_U32, SHOW_PLAIN, "u32"},
	    {"!(char **)%di[1]", 0, "+0(+8(%di))", S, SHOW_PLAIN, "char *"},
	    {"!(char *)$retval", 1, "$retval", S, SHOW_PLAIN, "char *"},
	    {"!(double)$retval", 1, "%xmm0", PROBE_U64, SHOW_FLOAT, "double"},
	    {"!(long)%1", 0, "%si", PROBE_S64, SHOW_PLAIN, "long"},
	};
	struct result r;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		r = compile_with(NULL, 0x1000, cases[i].text, (struct opts){cases[i].is_return});
		is_int(r.rc, 0, "no DWARF: %s compiles%s%s", cases[i].text, r.err[0] ? ": " : "",
		       r.err);
		is_str(r.plan, cases[i].plan, "no DWARF: %s plan", cases[i].text);
		is_str(probe_type_name(r.type), probe_type_name((enum probe_type)cases[i].type),
		       "no DWARF: %s type", cases[i].text);
		is_int(r.show, cases[i].show, "no DWARF: %s show", cases[i].text);
		is_str(r.ctype, cases[i].ctype, "no DWARF: %s C type", cases[i].text);
		result_free(&r);
	}
	check_err(NULL, 0x1000, (struct opts){0}, "no DWARF", "$v", -ENOENT,
		  "no DWARF debug info: $v cannot be found",
		  "hint: use the %N / +OFF(%REG):TYPE form, e.g. +8(%di):u32", NULL);
	check_err(NULL, 0x1000, (struct opts){0}, "no DWARF", "@g_cfg->name", -ENOENT,
		  "no DWARF debug info: @g_cfg cannot be found", NULL);
	check_err(NULL, 0x1000, (struct opts){0}, "no DWARF", "!(struct foo *)%di->x", -ENOENT,
		  "no DWARF debug info: struct foo cannot be found (column 3)", NULL);
	check_err(NULL, 0x1000, (struct opts){0}, "no DWARF", "%0->x", -ENOENT,
		  "no DWARF debug info", NULL);
	check_err(NULL, 0x1000, (struct opts){1}, "no DWARF", "$retval", -ENOENT,
		  "no DWARF debug info", NULL);
	check_err(NULL, 0x1000, (struct opts){0}, "no DWARF", "!(void *)%di[1]", -EINVAL,
		  "the size of void is unknown", NULL);
	check_err(NULL, 0x1000, (struct opts){0}, "no DWARF", "!(long double)%ax", -EINVAL,
		  "long double is not supported yet", NULL);
	check_err(NULL, 0x1000, (struct opts){0}, "no DWARF", "!(my_t)%ax", -ENOENT,
		  "unknown type 'my_t'", NULL);
	check_err(NULL, 0x1000, (struct opts){0}, "no DWARF", "!(int *[4])%ax", -EINVAL,
		  "arrays in casts are not supported yet", NULL);
}

/* Every parameter and local of every function of PATH, at its entry, plain
 * and with accessors, at entry and return: nothing crashes, every answer
 * is one of the promised ones. */
static void run_smoke(const char *path, const char *what)
{
	static const char *const forms[6] = {"$%s",    "$%s->a",    "$%s.a",
					     "$%s[1]", "!(u32)$%s", "!(char *)$%s"};
	struct dwarf_module *dm;
	struct dwarf_func *funcs;
	size_t n, tried = 0, bad = 0;
	struct result r;

	if (dwarf_module_open(path, &dm) != 0) {
		printf("ok %d # SKIP %s: no DWARF\n", ++tap_count, what);
		return;
	}
	if (dwarf_funcs_find(dm, "*", true, &funcs, &n) != 0)
		n = 0;
	for (size_t i = 0; i < n; i++) {
		for (size_t v = 0; v < funcs[i].nvars; v++) {
			for (size_t f = 0; f < sizeof(forms) / sizeof(forms[0]) * 3; f++) {
				/* At the entry, and inside: after the prologue. */
				uint64_t pc = funcs[i].addr + (f / 6) * 6;

				r = compile(dm, pc, fmt(forms[f % 6], funcs[i].vars[v].name));
				tried++;
				if (r.rc != 0 && r.rc != 1 && r.rc != -ENOENT && r.rc != -EINVAL) {
					bad++;
					printf("# %s %s: rc %d\n", funcs[i].name,
					       funcs[i].vars[v].name, r.rc);
				}
				if (r.rc < 0 && !r.err[0])
					bad++;
				result_free(&r);
			}
		}
		r = compile_with(dm, funcs[i].addr, "$retval", (struct opts){.is_return = true});
		bad += r.rc != 0 && r.rc != -EINVAL && r.rc != -ENOENT;
		result_free(&r);
	}
	ok(tried > 100 && bad == 0, "%s: %zu fetches over %zu functions, %zu bad answers", what,
	   tried, n, bad);
	dwarf_funcs_free(funcs, n);
	dwarf_module_close(dm);
}

int main(void)
{
	char o0[PATH_MAX], o2[PATH_MAX];
	struct dwarf_module *dm0 = NULL, *dm2 = NULL;

	snprintf(o0, sizeof(o0), "%s/typed", targets_dir());
	snprintf(o2, sizeof(o2), "%s/typed-O2", targets_dir());
	if (access(o0, R_OK) != 0 || access(o2, R_OK) != 0) {
		printf("1..0 # SKIP %s or %s not built (make targets)\n", o0, o2);
		return 0;
	}
	if (!layout_is_assumed(o0))
		return tap_done();
	is_int(dwarf_module_open(o0, &dm0), 0, "typed (-O0): DWARF opens");
	is_int(dwarf_module_open(o2, &dm2), 0, "typed-O2: DWARF opens");
	if (dm0 && dm2) {
		run_cases(dm0, o0, "-O0");
		run_cases(dm2, o2, "-O2");
		run_o0_cases(dm0);
		run_o2_cases(dm2);
	}
	run_no_dwarf_cases();
	run_smoke("/proc/self/exe", "this test (libutap, -O2)");
	snprintf(o0, sizeof(o0), "%s/cxx-O2", targets_dir());
	run_smoke(o0, "cxx-O2 (C++)");
	dwarf_module_close(dm0);
	dwarf_module_close(dm2);
	return tap_done();
}
