/* test_probe_parse.c: one-liner syntax, table of accepted probes and errors. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "probe/probe.h"
#include "tests/tap.h"

struct parse_case {
	const char *text;
	/* accepted: name, kind ('p'/'r'), bin, sym (NULL: file offset),
	 * offset (sym_offset or file_offset), args as plan_str prints them */
	const char *name;
	char kind;
	const char *bin;
	const char *sym;
	uint64_t offset;
	const char *args;
	/* rejected: column and a piece of the message (msg != NULL) */
	int column;
	const char *msg;
};

/* clang-format off */
#define OK(t, n, k, b, s, o, a) { t, n, k, b, s, o, a, 0, NULL }
#define ERR(t, c, m) { t, NULL, 0, NULL, NULL, 0, NULL, c, m }

static const struct parse_case cases[] = {
	/* locations */
	OK("p /bin/ls:main", "p0", 'p', "/bin/ls", "main", 0, ""),
	OK("r /bin/ls:main", "r0", 'r', "/bin/ls", "main", 0, ""),
	OK("P ./a.out:work", "p0", 'p', "./a.out", "work", 0, ""),
	OK("R libc.so.6:malloc", "r0", 'r', "libc.so.6", "malloc", 0, ""),
	OK("  p\t/x/y.z:f  ", "p0", 'p', "/x/y.z", "f", 0, ""),
	OK("p /opt/a:b/prog:main", "p0", 'p', "/opt/a:b/prog", "main", 0, ""),
	OK("p prog:ns::klass::method", "p0", 'p', "prog", "ns::klass::method", 0, ""),
	OK("p a:b:main", "p0", 'p', "a:b", "main", 0, ""),
	OK("p lib:ns::f+4", "p0", 'p', "lib", "ns::f", 4, ""),
	OK("p prog:work+16", "p0", 'p', "prog", "work", 16, ""),
	OK("p prog:work+0x1f", "p0", 'p', "prog", "work", 0x1f, ""),
	OK("p /usr/lib/libz.so.1:0x1139", "p0", 'p', "/usr/lib/libz.so.1", NULL, 0x1139, ""),
	OK("p prog:4096", "p0", 'p', "prog", NULL, 4096, ""),
	OK("p prog:0x1139%return", "r0", 'r', "prog", NULL, 0x1139, ""),
	OK("p:myev prog:f", "myev", 'p', "prog", "f", 0, ""),
	OK("r:grp/ev prog:f", "ev", 'r', "prog", "f", 0, ""),
	/* surftrace arguments and X/S/U prefixes */
	OK("p prog:f v=%0", "p0", 'p', "prog", "f", 0, "v=di:u64"),
	OK("p prog:f a=%0 b=%1 c=%2 d=%3 e=%4 f=%5", "p0", 'p', "prog", "f", 0,
	   "a=di:u64 b=si:u64 c=dx:u64 d=cx:u64 e=r8:u64 f=r9:u64"),
	OK("p prog:f g=%6 h=%7", "p0", 'p', "prog", "f", 0,
	   "g=stack(8):u64 h=stack(16):u64"),
	OK("p prog:f v=X%0", "p0", 'p', "prog", "f", 0, "v=di:x64"),
	OK("p prog:f v=S%1", "p0", 'p', "prog", "f", 0, "v=si:s64"),
	OK("p prog:f v=U%1", "p0", 'p', "prog", "f", 0, "v=si:u64"),
	OK("p prog:f v=X%0:u32", "p0", 'p', "prog", "f", 0, "v=di:x32"),
	OK("p prog:f v=S+4(%di):u16", "p0", 'p', "prog", "f", 0, "v=+4(di):s16"),
	/* uprobe_events fetch args */
	OK("p prog:f v=%di w=%si x=%dx y=%cx z=%r8 q=%r9", "p0", 'p', "prog", "f", 0,
	   "v=di:u64 w=si:u64 x=dx:u64 y=cx:u64 z=r8:u64 q=r9:u64"),
	OK("p prog:f a=%ax b=%bx c=%sp d=%bp e=%ip f=%r15 g=%rdi", "p0", 'p',
	   "prog", "f", 0,
	   "a=ax:u64 b=bx:u64 c=sp:u64 d=bp:u64 e=ip:u64 f=r15:u64 g=di:u64"),
	OK("r prog:f ret=$retval", "r0", 'r', "prog", "f", 0, "ret=[retval]:u64"),
	OK("r prog:f ret=X$retval:s32", "r0", 'r', "prog", "f", 0, "ret=[retval]:x32"),
	OK("r prog:f n=+8($retval):s32", "r0", 'r', "prog", "f", 0, "n=+8(retval):s32"),
	OK("p prog:f v=+8(%di)", "p0", 'p', "prog", "f", 0, "v=+8(di):u64"),
	OK("p prog:f v=-0x10(%bp):x8", "p0", 'p', "prog", "f", 0, "v=-16(bp):x8"),
	OK("p prog:f v=+8(+0(%di))", "p0", 'p', "prog", "f", 0, "v=+8(+0(di)):u64"),
	OK("p prog:f v=+0x10(+8(+0(%0))):s8", "p0", 'p', "prog", "f", 0,
	   "v=+16(+8(+0(di))):s8"),
	OK("p prog:f v=+u8(%di):u32", "p0", 'p', "prog", "f", 0, "v=+8(di):u32"),
	OK("p prog:f s=%0:string t=+8(%si):string u=%1:ustring", "p0", 'p', "prog",
	   "f", 0, "s=di:string t=+8(si):string u=si:string"),
	OK("p prog:f a=%0:u8 b=%0:u16 c=%0:u32 d=%0:u64", "p0", 'p', "prog", "f", 0,
	   "a=di:u8 b=di:u16 c=di:u32 d=di:u64"),
	OK("p prog:f a=%0:s8 b=%0:s16 c=%0:s32 d=%0:s64", "p0", 'p', "prog", "f", 0,
	   "a=di:s8 b=di:s16 c=di:s32 d=di:s64"),
	OK("p prog:f a=%0:x8 b=%0:x16 c=%0:x32 d=%0:x64", "p0", 'p', "prog", "f", 0,
	   "a=di:x8 b=di:x16 c=di:x32 d=di:x64"),
	OK("p prog:f s=$stack a=$stack0 b=$stack2 c=$arg1 d=$arg7", "p0", 'p',
	   "prog", "f", 0,
	   "s=sp:u64 a=stack(0):u64 b=stack(16):u64 c=di:u64 d=stack(8):u64"),
	OK("p prog:f _x1=%0", "p0", 'p', "prog", "f", 0, "_x1=di:u64"),
	/* C-level fetches: kept as expressions, compiled per site */
	OK("p prog:f v=$v", "p0", 'p', "prog", "f", 0, "v=[var v]:u64"),
	OK("p prog:f a=%1->a", "p0", 'p', "prog", "f", 0, "a=[arg 1 ->a]:u64"),
	OK("p prog:f u=%0->mm->mm_users", "p0", 'p', "prog", "f", 0,
	   "u=[arg 0 ->mm ->mm_users]:u64"),
	OK("p prog:f l=%0->se.run_node.rb_left", "p0", 'p', "prog", "f", 0,
	   "l=[arg 0 ->se .run_node .rb_left]:u64"),
	OK("p prog:f c=%1->name[3] x=%1->arr[2].x", "p0", 'p', "prog", "f", 0,
	   "c=[arg 1 ->name [3]]:u64 x=[arg 1 ->arr [2] .x]:u64"),
	OK("p prog:f a=$ud->a b=$arg2->b", "p0", 'p', "prog", "f", 0,
	   "a=[var ud ->a]:u64 b=[arg 1 ->b]:u64"),
	OK("r prog:f p=$retval->f_pos", "r0", 'r', "prog", "f", 0, "p=[retval ->f_pos]:u64"),
	OK("r prog:f s=!(char *)$retval", "r0", 'r', "prog", "f", 0,
	   "s=[(char *) retval]:u64"),
	OK("p prog:f p=!(struct file *)%ax->f_pos q=!(u64)%ax", "p0", 'p', "prog", "f", 0,
	   "p=[(struct file *) reg ->f_pos]:u64 q=[(u64) reg]:u64"),
	OK("p prog:f p=X!(  struct  file   * )+8(%di)->f", "p0", 'p', "prog", "f", 0,
	   "p=[(struct file *) reg ->f]:x64"),
	OK("p prog:f c=@counter n=!(struct cfg *)@g_cfg->name", "p0", 'p', "prog", "f", 0,
	   "c=[global counter]:u64 n=[(struct cfg *) global g_cfg ->name]:u64"),
	OK("p prog:f a=@0x4010 b=S@4096:s32", "p0", 'p', "prog", "f", 0,
	   "a=[addr 0x4010]:u64 b=[addr 0x1000]:s32"),
	OK("p prog:f ip_src=+12(%di) B16_port=+2(%di) b32_n=$v", "p0", 'p', "prog", "f", 0,
	   "ip_src=+12(di):u32 B16_port=+2(di):x16 b32_n=[var v]:u32"),

	/* errors: kind, location */
	ERR("", 1, "empty probe"),
	ERR("   \t ", 1, "empty probe"),
	ERR("x prog:f", 1, "unknown probe kind 'x'"),
	ERR("probe prog:f", 1, "unknown probe kind 'probe'"),
	ERR("p", 2, "missing probe location"),
	ERR("p:1bad prog:f", 3, "invalid event name"),
	ERR("p:waytoolongeventname prog:f", 3, "invalid event name"),
	ERR("p main", 3, "missing ':' between binary and symbol"),
	ERR("p /a:b/main", 3, "missing ':' between binary and symbol"),
	ERR("p :main", 3, "missing binary"),
	ERR("p prog:", 8, "missing symbol"),
	ERR("p prog:+8", 8, "missing symbol before '+'"),
	ERR("p prog:f+", 10, "invalid offset"),
	ERR("p prog:f+0xzz", 10, "invalid offset '0xzz'"),
	ERR("p prog:f+99999999999999999999", 10, "invalid offset"),
	ERR("p prog:0x", 8, "invalid file offset"),
	ERR("p prog:12ab", 8, "invalid file offset"),
	/* errors: arguments */
	ERR("p prog:f v", 10, "expected NAME=FETCH"),
	ERR("p prog:f =%0", 10, "expected NAME=FETCH"),
	ERR("p prog:f 1v=%0", 10, "invalid argument name '1v'"),
	ERR("p prog:f a-b=%0", 10, "invalid argument name"),
	ERR("p prog:f v=%0 w=%1 v=%2", 20, "duplicate argument name 'v'"),
	ERR("p prog:f v=", 12, "missing fetch"),
	ERR("p prog:f v=%dq", 12, "unknown register '%dq'"),
	ERR("p prog:f v=%", 12, "missing register name"),
	ERR("p prog:f v=%999", 12, "too large"),
	ERR("p prog:f v=$retval", 12, "$retval is only available in return probes (r ...)"),
	ERR("p prog:f v=+8($retval)", 15, "$retval is only available in return probes"),
	ERR("p prog:f v=+8($ret)", 15, "'$ret' by name cannot be inside +OFF(...)"),
	ERR("p prog:calls.c:0", 16, "invalid line number"),
	ERR("r prog:calls.c:12", 8, "a return probe needs a function, not a source line"),
	ERR("p prog:work*+4", 13, "a pattern cannot take +OFF"),
	ERR("p prog:f v=$arg0", 12, "invalid argument"),
	ERR("p prog:f v=$stackx", 12, "invalid stack slot"),
	ERR("p prog:f v=%0:u7", 14, "unknown type ':u7'"),
	ERR("p prog:f v=%0:", 14, "unknown type ':'"),
	ERR("p prog:f v=+8(%di", 14, "unbalanced parenthesis"),
	ERR("p prog:f v=+8(+0(%di)", 14, "unbalanced parenthesis"),
	ERR("p prog:f v=%di)", 15, "unbalanced parenthesis"),
	ERR("p prog:f v=+8(%di))", 19, "unbalanced parenthesis"),
	ERR("p prog:f v=)", 12, "unbalanced parenthesis"),
	ERR("p prog:f v=+8(%di:u32)", 18, "unexpected ':' inside parentheses"),
	ERR("p prog:f v=+8", 13, "expected '(' after the offset"),
	ERR("p prog:f v=+zz(%di)", 13, "invalid offset"),
	ERR("p prog:f v=+(%di)", 13, "invalid offset"),
	ERR("p prog:f v=+8()", 15, "missing fetch inside"),
	ERR("p prog:f v=di", 12, "expected a fetch"),
	ERR("p prog:f v=%0->", 16, "expected a member name after '->'"),
	ERR("p prog:f v=$v.1x", 15, "expected a member name after '.'"),
	ERR("p prog:f v=$v[x]", 15, "invalid index 'x'"),
	ERR("p prog:f v=$v[3", 14, "unbalanced bracket"),
	ERR("p prog:f v=!(u64", 13, "unbalanced parenthesis"),
	ERR("p prog:f v=!()%ax", 13, "missing type inside '!()'"),
	ERR("p prog:f v=!u64", 12, "expected '(' after '!'"),
	ERR("p prog:f v=+8(!(u64)%ax)", 15, "'!' cannot be inside +OFF(...)"),
	ERR("p prog:f v=@(struct iphdr *)%0", 12, "'@(type)' casts are not supported yet"),
	ERR("p prog:f v=@", 12, "expected a name or an address after '@'"),
	ERR("p prog:f v=@0x10zz", 13, "invalid address"),
	ERR("p prog:f v=$v->a:u7", 17, "unknown type"),
	ERR("p prog:f v=$v-a", 14, "unexpected '-a' after the fetch"),
	ERR("p prog:f v=%0xyz", 14, "unexpected 'xyz' after the fetch"),
	ERR("p prog:f v=%0 junk", 15, "expected NAME=FETCH"),
	ERR("p prog:f v=X%0:string", 12, "X prefix does not apply to :string"),
	ERR("p prog:f v=%0:u32x", 14, "unknown type"),
	/* f:EXPR filters: the rest of the probe, compiled and type-checked */
	OK("p prog:f v=%0 f:v>3", "p0", 'p', "prog", "f", 0, "v=di:u64"),
	OK("p prog:f v=%0 f:v==true || v!=false", "p0", 'p', "prog", "f", 0, "v=di:u64"),
	OK("p prog:f v=%0 s=+0(%si):string f:v!=0 && (s==\"a b\" || comm=='x') && !(pid<1)",
	   "p0", 'p', "prog", "f", 0, "v=di:u64 s=+0(si):string"),
	OK("p prog:f v=S%0 f:v>=-2", "p0", 'p', "prog", "f", 0, "v=di:s64"),
	ERR("p prog:f f:comm==1", 12, "the filter compares a string with a number"),
	ERR("p prog:f v=%0 f:x>1", 17, "unknown field 'x' in the filter"),
	ERR("p prog:f v=%0 f:v>", 19, "the filter ends too early"),
	ERR("p prog:f v=%0 f:(v>1", 17, "unbalanced parenthesis in the filter"),
	ERR("p prog:f v=%0 f:v>1 &", 21, "unexpected '&' in the filter"),
	ERR("p prog:f v=%0 f:v 1", 19, "expected a comparison"),
	ERR("p prog:f v=%0 f:", 17, "empty filter"),
	ERR("p prog:f v=%0 f:v==0x", 20, "invalid number"),
	ERR("p prog:f v=%0 f:comm==\"x", 23, "unterminated string in the filter"),
	ERR("p prog:f v=+0(+0(+0(+0(+0(+0(+0(+0(+0(+0(+0(+0(+0(+0(+0(+0(+0(%di)))))))))))))))))",
	    62, "nested deeper"),
};
/* clang-format on */

/* The plan as one compact string: "v=+8(di):u32 w=stack(16):s64". */
static void fetch_str(const struct fetch *f, char *buf, size_t len)
{
	char inner[512];

	if (!f) {
		snprintf(buf, len, "NULL");
		return;
	}
	switch (f->op) {
	case FETCH_REG:
		snprintf(buf, len, "%s", arch_reg_name(f->reg));
		break;
	case FETCH_STACK:
		snprintf(buf, len, "stack(%" PRId64 ")", f->offset);
		break;
	case FETCH_RETVAL:
		snprintf(buf, len, "retval");
		break;
	case FETCH_DEREF:
		fetch_str(f->inner, inner, sizeof(inner));
		snprintf(buf, len, "%+" PRId64 "(%s)", f->offset, inner);
		break;
	default:
		snprintf(buf, len, "op%d", (int)f->op);
		break;
	}
}

/* A C-level fetch as one compact string: "[(struct x *) arg 1 ->a [3]]". */
static void expr_str(const struct probe_expr *e, char *buf, size_t len)
{
	static const char *const base[] = {
	    [PEXPR_ARG] = "arg",       [PEXPR_REG] = "reg",   [PEXPR_VAR] = "var",
	    [PEXPR_RETVAL] = "retval", [PEXPR_GLOBAL] = "global", [PEXPR_ADDR] = "addr",
	};
	size_t n = 0;

	n += snprintf(buf + n, len - n, "[");
	if (e->cast)
		n += snprintf(buf + n, len - n, "(%s) ", e->cast);
	n += snprintf(buf + n, len - n, "%s", base[e->base]);
	if (e->base == PEXPR_ARG)
		n += snprintf(buf + n, len - n, " %u", e->argn);
	if (e->name)
		n += snprintf(buf + n, len - n, " %s", e->name);
	if (e->base == PEXPR_ADDR)
		n += snprintf(buf + n, len - n, " %#" PRIx64, e->addr);
	for (size_t i = 0; i < e->naccess && n < len; i++) {
		const struct probe_access *a = &e->access[i];

		if (a->kind == ACCESS_INDEX)
			n += snprintf(buf + n, len - n, " [%" PRId64 "]", a->index);
		else
			n += snprintf(buf + n, len - n, " %s%s", a->kind == ACCESS_ARROW ? "->" : ".",
				      a->member);
	}
	snprintf(buf + n, len - n, "]");
}

static const char *const type_str[] = {
    "u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64", "x8", "x16", "x32", "x64", "string",
};

static void plan_str(const struct probe *p, char *buf, size_t len)
{
	char one[600];
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < p->nargs && n < len; i++) {
		if (p->args[i].expr)
			expr_str(p->args[i].expr, one, sizeof(one));
		else
			fetch_str(p->args[i].fetch, one, sizeof(one));
		n += snprintf(buf + n, len - n, "%s%s=%s:%s", i ? " " : "", p->args[i].name, one,
			      type_str[p->args[i].type]);
	}
}

static void check(const struct parse_case *c)
{
	struct probe p;
	struct probe_error err;
	char plan[2048];
	int ret = probe_parse(c->text, 0, &p, &err);

	if (c->msg) {
		is_int(ret, -EINVAL, "'%s' is rejected", c->text);
		is_int(err.column, c->column, "'%s': column", c->text);
		ok(strstr(err.msg, c->msg) != NULL, "'%s': message '%s'", c->text, err.msg);
		probe_free(&p);
		return;
	}
	is_int(ret, 0, "'%s' parses", c->text);
	if (ret) {
		printf("#   error at %d: %s\n", err.column, err.msg);
		return;
	}
	is_str(p.name, c->name, "'%s': name", c->text);
	is_int(p.kind, c->kind == 'r' ? PROBE_RETURN : PROBE_ENTRY, "'%s': kind", c->text);
	is_str(p.bin, c->bin, "'%s': bin", c->text);
	if (c->sym) {
		is_str(p.sym, c->sym, "'%s': sym", c->text);
		ok(!p.by_file_offset, "'%s': by symbol", c->text);
		is_int(p.sym_offset, c->offset, "'%s': sym offset", c->text);
	} else {
		ok(p.sym == NULL && p.by_file_offset, "'%s': by file offset", c->text);
		is_int(p.file_offset, c->offset, "'%s': file offset", c->text);
	}
	plan_str(&p, plan, sizeof(plan));
	is_str(plan, c->args, "'%s': args", c->text);
	is_str(p.text, c->text, "'%s': text kept", c->text);
	probe_free(&p);
}

int main(void)
{
	struct probe p;
	struct probe_error err;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check(&cases[i]);

	/* The index names the probe. */
	is_int(probe_parse("r prog:f", 7, &p, &err), 0, "index 7");
	is_str(p.name, "r7", "named r7");
	is_int(p.index, 7, "index kept");
	probe_free(&p);

	/* Hints say what would have worked. */
	probe_parse("p prog:f v=%dq", 0, &p, &err);
	ok(strstr(err.hint, "%di") && strstr(err.hint, "%r9"), "register hint: %s", err.hint);
	probe_parse("p prog:f v=%0:u7", 0, &p, &err);
	ok(strstr(err.hint, ":u32") && strstr(err.hint, ":string"), "type hint: %s", err.hint);
	probe_parse("x prog:f", 0, &p, &err);
	ok(strstr(err.hint, "p") && strstr(err.hint, "r"), "kind hint: %s", err.hint);

	/* FUNC@FILE[:LINE]: functions by their declaring file (and line);
	 * a versioned symbol's '@' is no file. */
	static const struct {
		const char *text, *bin, *sym, *file;
		int line;
		bool glob;
	} in_file[] = {
		{"p prog:work@calls.c", "prog", "work", "calls.c", 0, false},
		{"r ./a/prog:work@targets/calls.c:12", "./a/prog", "work", "targets/calls.c", 12, false},
		{"p prog:*@calls.c:14", "prog", "*", "calls.c", 14, true},
		{"p prog:m*@*.cc", "prog", "m*", "*.cc", 0, true},
		{"p libc.so.6:malloc@@GLIBC_2.2.5", "libc.so.6", "malloc@@GLIBC_2.2.5", NULL, 0, false},
	};
	for (i = 0; i < sizeof(in_file) / sizeof(in_file[0]); i++) {
		if (probe_parse(in_file[i].text, 0, &p, &err) < 0) {
			ok(0, "'%s': %s", in_file[i].text, err.msg);
			continue;
		}
		is_str(p.bin, in_file[i].bin, "'%s': bin", in_file[i].text);
		is_str(p.sym, in_file[i].sym, "'%s': function", in_file[i].text);
		if (in_file[i].file)
			is_str(p.sym_file, in_file[i].file, "'%s': file", in_file[i].text);
		else
			ok(!p.sym_file, "'%s': no file", in_file[i].text);
		is_int(p.sym_line, in_file[i].line, "'%s': line", in_file[i].text);
		is_int(p.sym_glob, in_file[i].glob, "'%s': pattern", in_file[i].text);
		ok(!p.src_file, "'%s': not a source line probe", in_file[i].text);
		probe_free(&p);
	}
	is_int(probe_parse("p prog:@calls.c", 0, &p, &err), -EINVAL, "no function before '@'");
	is_int(err.column, 8, "... at the '@'");
	is_int(probe_parse("p prog:f@calls.c:0", 0, &p, &err), -EINVAL, "line 0");
	is_int(err.column, 18, "... at the line");

	/* NULL text and NULL error are survivable; probe_free twice is too. */
	is_int(probe_parse(NULL, 0, &p, NULL), -EINVAL, "NULL text");
	probe_free(&p);
	probe_free(&p);
	probe_free(NULL);
	return tap_done();
}
