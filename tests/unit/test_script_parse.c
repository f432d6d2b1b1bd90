/* test_script_parse.c: script lexer, preprocessor, parser: dumps, round trips, errors. */
#define _GNU_SOURCE /* open_memstream, strverscmp */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "script/ast.h"
#include "script/lexer.h"
#include "tests/tap.h"

/* ---- helpers ---- */

static char *dump_text(const struct script *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	script_dump(s, f);
	fclose(f);
	return buf;
}

static char *error_text(const struct script_error *err, const char *source)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	script_error_print(f, err, source);
	fclose(f);
	return buf;
}

/* SRC on one line, for a test's name: newlines shown as \n, cut at 72 bytes. */
static const char *label(const char *src)
{
	static char buf[80];
	size_t n = 0;

	for (; *src && n < 72; src++) {
		if (*src == '\n' || *src == '\t') {
			buf[n++] = '\\';
			buf[n++] = *src == '\n' ? 'n' : 't';
		} else {
			buf[n++] = *src;
		}
	}
	snprintf(buf + n, sizeof(buf) - n, "%s", *src ? "..." : "");
	return buf;
}

static bool same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static bool expr_equal(const struct script_expr *a, const struct script_expr *b);

static bool accessors_equal(const struct script_expr *a, const struct script_expr *b)
{
	int i;

	if (a->naccess != b->naccess)
		return false;
	for (i = 0; i < a->naccess; i++) {
		if (a->access[i].kind != b->access[i].kind ||
		    !same_str(a->access[i].member, b->access[i].member))
			return false;
		if (a->access[i].kind == SA_INDEX &&
		    !expr_equal(a->access[i].index, b->access[i].index))
			return false;
	}
	return true;
}

/* The same tree, positions aside. */
static bool expr_equal(const struct script_expr *a, const struct script_expr *b)
{
	int i;

	if (!a || !b)
		return a == b;
	if (a->kind != b->kind || a->op != b->op || a->stat != b->stat ||
	    a->postfix != b->postfix || a->num != b->num || !same_str(a->str, b->str) ||
	    !same_str(a->module, b->module) || !same_str(a->name, b->name) ||
	    a->nargs != b->nargs || a->pretty != b->pretty || !accessors_equal(a, b))
		return false;
	for (i = 0; i < a->nargs; i++)
		if (!expr_equal(a->args[i], b->args[i]))
			return false;
	return true;
}

static bool stmt_equal(const struct script_stmt *a, const struct script_stmt *b)
{
	int i;

	if (!a || !b)
		return a == b;
	if (a->kind != b->kind || !expr_equal(a->expr, b->expr) || !expr_equal(a->init, b->init) ||
	    !expr_equal(a->step, b->step) || !stmt_equal(a->then, b->then) ||
	    !stmt_equal(a->otherwise, b->otherwise) || a->nbody != b->nbody ||
	    !same_str(a->catch_var, b->catch_var) || !same_str(a->value_var, b->value_var) ||
	    a->nkeys != b->nkeys || !same_str(a->array, b->array) || a->sort_by != b->sort_by ||
	    a->sort_dir != b->sort_dir || a->sort_stat != b->sort_stat ||
	    !expr_equal(a->limit, b->limit))
		return false;
	for (i = 0; i < a->nbody; i++)
		if (!stmt_equal(a->body[i], b->body[i]))
			return false;
	for (i = 0; i < a->nkeys; i++)
		if (!same_str(a->keys[i], b->keys[i]))
			return false;
	return true;
}

static bool script_equal(const struct script *a, const struct script *b)
{
	int i, j;

	if (a->nglobals != b->nglobals || a->nprobes != b->nprobes ||
	    a->nfunctions != b->nfunctions)
		return false;
	for (i = 0; i < a->nglobals; i++) {
		const struct script_global *x = &a->globals[i], *y = &b->globals[i];

		if (!same_str(x->name, y->name) || x->array_declared != y->array_declared ||
		    x->size != y->size || x->wrap != y->wrap || !expr_equal(x->init, y->init))
			return false;
	}
	for (i = 0; i < a->nfunctions; i++) {
		const struct script_function *x = &a->functions[i], *y = &b->functions[i];

		if (!same_str(x->name, y->name) || x->type != y->type || x->nparams != y->nparams ||
		    !stmt_equal(x->body, y->body))
			return false;
		for (j = 0; j < x->nparams; j++)
			if (!same_str(x->params[j].name, y->params[j].name) ||
			    x->params[j].type != y->params[j].type)
				return false;
	}
	for (i = 0; i < a->nprobes; i++) {
		const struct script_probe *x = &a->probes[i], *y = &b->probes[i];

		if (x->npoints != y->npoints || !stmt_equal(x->body, y->body))
			return false;
		for (j = 0; j < x->npoints; j++) {
			const struct script_point *p = &x->points[j], *q = &y->points[j];
			int k;

			if (p->ncomps != q->ncomps || p->optional != q->optional ||
			    p->sufficient != q->sufficient)
				return false;
			for (k = 0; k < p->ncomps; k++)
				if (!same_str(p->comps[k].name, q->comps[k].name) ||
				    !expr_equal(p->comps[k].arg, q->comps[k].arg))
					return false;
		}
	}
	return true;
}

/* Parse, dump, parse the dump: the dump must not change and the trees
 * must be equal. The first dump, or NULL (and a TAP comment) on failure. */
static char *parse_round_trip(const char *name, const char *src, char *const *args, int nargs)
{
	struct script *s = NULL, *again = NULL;
	struct script_error err;
	char *first = NULL, *second = NULL;
	int ret;

	ret = script_parse(name, src, args, nargs, &s, &err);
	if (ret) {
		char *text = error_text(&err, src);

		printf("# %s: parse failed (%d):\n# %s", name, ret, text ? text : "");
		free(text);
		return NULL;
	}
	first = dump_text(s);
	ret = script_parse("dump", first, NULL, 0, &again, &err);
	if (ret) {
		char *text = error_text(&err, first);

		printf("# %s: its dump does not parse:\n%s\n# %s", name, first, text ? text : "");
		free(text);
		free(first);
		first = NULL;
		goto out;
	}
	second = dump_text(again);
	if (strcmp(first, second) != 0 || !script_equal(s, again)) {
		printf("# %s: round trip changed it:\n%s\n# became:\n%s", name, first, second);
		free(first);
		first = NULL;
	}
out:
	free(second);
	script_free(s);
	script_free(again);
	return first;
}

/* ---- accepted scripts: source, arguments, the dump ---- */

struct ok_case {
	const char *src;
	const char *args[3];
	const char *dump;
};

/* clang-format off */
static const struct ok_case ok_cases[] = {
	/* the top level */
	{"", {0}, ""},
	{"# only a comment\n// and another\n/* and a block */", {0}, ""},
	{"global a, b = 5, c[100], d%[50], e%, s = \"x\" \"y\", n = -3;",
	 {0}, "global a\nglobal b = 5\nglobal c[100]\nglobal d%[50]\nglobal e%\nglobal s = \"xy\"\nglobal n = -3\n"},
	{"global a global b", {0}, "global a\nglobal b\n"},
	{"private global p private q", {0}, "global p\nglobal q\n"},
	{"function f:string (x:long, y) { return y } private function g() { next }", {0},
	 "function f:string (x:long, y) {\n\treturn y;\n}\n\nfunction g () {\n\tnext;\n}\n"},
	{"function f() { return; }", {0}, "function f () {\n\treturn;\n}\n"},
	{"function f() { if (x) return\n}", {0}, "function f () {\n\tif (x)\n\t\treturn;\n}\n"},
	{"probe begin {}", {0}, "probe begin {\n}\n"},
	{"probe begin, end, error, never, begin(-10), end(5) {}", {0},
	 "probe begin, end, error, never, begin(-10), end(5) {\n}\n"},
	{"probe process(\"./p\").function(\"main\").call, process(\"x\").function(\"*\").return? {}", {0},
	 "probe process(\"./p\").function(\"main\").call, process(\"x\").function(\"*\").return? {\n}\n"},
	{"probe process(123).begin, process.end!, timer.ms(100).randomize(10) {}", {0},
	 "probe process(123).begin, process.end!, timer.ms(100).randomize(10) {\n}\n"},
	{"probe process(\"a\").{function(\"x\"), function(\"y\").return}! {}", {0},
	 "probe process(\"a\").function(\"x\")!, process(\"a\").function(\"y\").return! {\n}\n"},
	{"probe {a, b}.{c, d?} {}", {0}, "probe a.c, a.d?, b.c, b.d? {\n}\n"},
	{"probe process(\"p\").function(\"sys_*\").return, foo.ba*r.* {}", {0},
	 "probe process(\"p\").function(\"sys_*\").return, foo.ba*r.* {\n}\n"},
	{"probe process(\"a\" \"b\").mark(\"m\") {}", {0}, "probe process(\"ab\").mark(\"m\") {\n}\n"},
	/* statements and SystemTap's optional semicolons */
	{"probe begin { x = 1 y = 2 }", {0}, "probe begin {\n\tx = 1;\n\ty = 2;\n}\n"},
	{"probe begin { x = 1;; y = 2; ; }", {0}, "probe begin {\n\tx = 1;\n\t;\n\ty = 2;\n\t;\n}\n"},
	{"probe begin { f (x) }", {0}, "probe begin {\n\tf(x);\n}\n"},
	{"probe begin { if (a) if (b) x = 1; else y = 2 }", {0},
	 "probe begin {\n\tif (a)\n\t\tif (b)\n\t\t\tx = 1;\n\t\telse\n\t\t\ty = 2;\n}\n"},
	{"probe begin { if (a) { if (b) x = 1 } else y = 2 }", {0},
	 "probe begin {\n\tif (a) {\n\t\tif (b)\n\t\t\tx = 1;\n\t} else\n\t\ty = 2;\n}\n"},
	{"probe begin { if (a) x = 1 else if (b) x = 2 else { x = 3 } }", {0},
	 "probe begin {\n\tif (a)\n\t\tx = 1;\n\telse if (b)\n\t\tx = 2;\n\telse {\n\t\tx = 3;\n\t}\n}\n"},
	{"probe begin { if (x) ; }", {0}, "probe begin {\n\tif (x)\n\t\t;\n}\n"},
	{"probe begin { while (i < 3) i++ }", {0}, "probe begin {\n\twhile (i < 3)\n\t\ti++;\n}\n"},
	{"probe begin { for (;;) break }", {0}, "probe begin {\n\tfor (;;)\n\t\tbreak;\n}\n"},
	{"probe begin { for (i = 0; i < n; i++) { continue } }", {0},
	 "probe begin {\n\tfor (i = 0; i < n; i++) {\n\t\tcontinue;\n\t}\n}\n"},
	{"probe begin { for (i = 0; ; ) next }", {0}, "probe begin {\n\tfor (i = 0;;)\n\t\tnext;\n}\n"},
	{"probe begin { delete a delete a[1, \"x\"] delete s }", {0},
	 "probe begin {\n\tdelete a;\n\tdelete a[1, \"x\"];\n\tdelete s;\n}\n"},
	{"probe begin { try { error(\"x\") } catch (msg) { println(msg) } try {} catch {} }", {0},
	 "probe begin {\n\ttry {\n\t\terror(\"x\");\n\t} catch (msg) {\n\t\tprintln(msg);\n\t}\n"
	 "\ttry {\n\t} catch {\n\t}\n}\n"},
	/* foreach */
	{"probe end { foreach (x in a) f(x) }", {0}, "probe end {\n\tforeach (x in a)\n\t\tf(x);\n}\n"},
	{"probe end { foreach ([x] in a) {} }", {0}, "probe end {\n\tforeach (x in a) {\n\t}\n}\n"},
	{"probe end { foreach ([a, b] in m) {} }", {0}, "probe end {\n\tforeach ([a, b] in m) {\n\t}\n}\n"},
	{"probe end { foreach (v = [a, b] in m) {} }", {0},
	 "probe end {\n\tforeach (v = [a, b] in m) {\n\t}\n}\n"},
	{"probe end { foreach (v = k in m) {} }", {0}, "probe end {\n\tforeach (v = [k] in m) {\n\t}\n}\n"},
	{"probe end { foreach (x+ in a) {} }", {0}, "probe end {\n\tforeach (x+ in a) {\n\t}\n}\n"},
	{"probe end { foreach ([a, b-] in m) {} }", {0}, "probe end {\n\tforeach ([a, b-] in m) {\n\t}\n}\n"},
	{"probe end { foreach (x in a-) {} }", {0}, "probe end {\n\tforeach (x in a-) {\n\t}\n}\n"},
	{"probe end { foreach (v+ = [k] in m) {} }", {0}, "probe end {\n\tforeach (v = [k] in m+) {\n\t}\n}\n"},
	{"probe end { foreach (k in s @max+) {} }", {0}, "probe end {\n\tforeach (k in s @max+) {\n\t}\n}\n"},
	{"probe end { foreach ([a, b] in s @count- limit 10) {} }", {0},
	 "probe end {\n\tforeach ([a, b] in s @count- limit 10) {\n\t}\n}\n"},
	{"probe end { foreach (x in a limit n + 1) {} }", {0},
	 "probe end {\n\tforeach (x in a limit n + 1) {\n\t}\n}\n"},
	/* precedence and associativity: every operand that is an operator is parenthesized */
	{"probe begin { x = 1 + 2 * 3 - 4 }", {0}, "probe begin {\n\tx = ((1 + (2 * 3)) - 4);\n}\n"},
	{"probe begin { x = a - b - c }", {0}, "probe begin {\n\tx = ((a - b) - c);\n}\n"},
	{"probe begin { x = a = b = 1 }", {0}, "probe begin {\n\tx = (a = (b = 1));\n}\n"},
	{"probe begin { x = a ? b : c ? d : e }", {0}, "probe begin {\n\tx = (a ? b : (c ? d : e));\n}\n"},
	{"probe begin { x = a ? b = 1 : c }", {0}, "probe begin {\n\tx = (a ? (b = 1) : c);\n}\n"},
	{"probe begin { x = a || b && c | d ^ e & f == g }", {0},
	 "probe begin {\n\tx = (a || (b && (c | (d ^ (e & (f == g))))));\n}\n"},
	{"probe begin { x = a < b << c . d + e * f }", {0},
	 "probe begin {\n\tx = (a < (b << (c . (d + (e * f)))));\n}\n"},
	{"probe begin { x = a . b . c; y = a + b . c }", {0},
	 "probe begin {\n\tx = ((a . b) . c);\n\ty = ((a + b) . c);\n}\n"},
	{"probe begin { x = (a < b) < c; y = a == b != c }", {0},
	 "probe begin {\n\tx = ((a < b) < c);\n\ty = ((a == b) != c);\n}\n"},
	{"probe begin { x = -a * !b + ~c - +d }", {0}, "probe begin {\n\tx = (((-a * !b) + ~c) - +d);\n}\n"},
	{"probe begin { x = - -5; y = -(5); z = - x; w = !-x; v = ~ ~x; u = -(--x) }", {0},
	 "probe begin {\n\tx = -(-5);\n\ty = -(5);\n\tz = -x;\n\tw = !(-x);\n\tv = ~(~x);\n\tu = -(--x);\n}\n"},
	{"probe begin { x = a - -1; y = -1 * a; z = a--; w = --a; v = a++ + ++b }", {0},
	 "probe begin {\n\tx = (a - -1);\n\ty = (-1 * a);\n\tz = a--;\n\tw = --a;\n\tv = (a++ + ++b);\n}\n"},
	{"probe begin { x = -9223372036854775808; y = 18446744073709551615; z = 0x7fffffffffffffff; w = 0777; v = 0 }",
	 {0}, "probe begin {\n\tx = -9223372036854775808;\n\ty = -1;\n\tz = 9223372036854775807;\n\tw = 511;\n\tv = 0;\n}\n"},
	{"probe begin { a += 1; a -= 1; a *= 2; a /= 2; a %= 2; a <<= 1; a >>= 1; a &= 1; a |= 1; a ^= 1; s .= \"x\"; s <<< 1 }",
	 {0}, "probe begin {\n\ta += 1;\n\ta -= 1;\n\ta *= 2;\n\ta /= 2;\n\ta %= 2;\n\ta <<= 1;\n\ta >>= 1;\n"
	 "\ta &= 1;\n\ta |= 1;\n\ta ^= 1;\n\ts .= \"x\";\n\ts <<< 1;\n}\n"},
	{"probe begin { x = k in a; y = [k, j] in a; z = a + 1 in b; w = !(k in a); v = [k] in a }", {0},
	 "probe begin {\n\tx = (k in a);\n\ty = ([k, j] in a);\n\tz = ((a + 1) in b);\n\tw = !(k in a);\n\tv = (k in a);\n}\n"},
	{"probe begin { if (k in a && 1) {} }", {0}, "probe begin {\n\tif ((k in a) && 1) {\n\t}\n}\n"},
	{"probe begin { a[1] = 2; a[1, \"x\"]++; a[k] <<< 3; x = f(); y = g(1, h(2)) }", {0},
	 "probe begin {\n\ta[1] = 2;\n\ta[1, \"x\"]++;\n\ta[k] <<< 3;\n\tx = f();\n\ty = g(1, h(2));\n}\n"},
	{"probe begin { x = a % (b + c) }", {0}, "probe begin {\n\tx = (a % (b + c));\n}\n"},
	/* strings */
	{"probe begin { s = \"a\\n\\t\\\"\\\\\\x41\\101\\'\\?\\r\\a\\b\\f\\v\" }", {0},
	 "probe begin {\n\ts = \"a\\n\\t\\\"\\\\AA'?\\r\\007\\010\\014\\013\";\n}\n"},
	{"probe begin { s = \"abc\\0def\"; t = \"a\" \"b\"\n \"c\" }", {0},
	 "probe begin {\n\ts = \"abc\";\n\tt = \"abc\";\n}\n"},
	{"probe begin { s = \"caf\xc3\xa9\" }", {0}, "probe begin {\n\ts = \"caf\xc3\xa9\";\n}\n"},
	/* statistics */
	{"probe end { print(@count(s), @sum(s), @min(s), @max(s), @avg(s), @variance(s), @variance(s, 2)) }", {0},
	 "probe end {\n\tprint(@count(s), @sum(s), @min(s), @max(s), @avg(s), @variance(s), @variance(s, 2));\n}\n"},
	{"probe end { print(@hist_log(s[1])); print(@hist_linear(s, -10, 10, 2)) }", {0},
	 "probe end {\n\tprint(@hist_log(s[1]));\n\tprint(@hist_linear(s, -10, 10, 2));\n}\n"},
	/* context variables, @cast, @var, @entry, @defined */
	{"probe p { r = $return; v = $$vars; l = $$locals$; a = $$parms$$; s = $s->a$; t = $t->b$$ }", {0},
	 "probe p {\n\tr = $return;\n\tv = $$vars;\n\tl = $$locals$;\n\ta = $$parms$$;\n\ts = $s->a$;\n\tt = $t->b$$;\n}\n"},
	{"probe p { u = $u[1]$; q = $q->$; e = $e -> next -> prev; i = $a[i + 1][2]->b }", {0},
	 "probe p {\n\tu = $u[1]$;\n\tq = $q$;\n\te = $e->next->prev;\n\ti = $a[i + 1][2]->b;\n}\n"},
	{"probe p { x = $a.b; y = $a . b; z = $a.$b }", {0},
	 "probe p {\n\tx = $a->b;\n\ty = ($a . b);\n\tz = ($a . $b);\n}\n"},
	{"probe p { x = @cast(p, \"struct s\")->a[i]->b; y = @cast(p, \"t\", \"m\")$; z = @cast(p, \"t\") $$ }", {0},
	 "probe p {\n\tx = @cast(p, \"struct s\")->a[i]->b;\n\ty = @cast(p, \"t\", \"m\")$;\n\tz = @cast(p, \"t\")$$;\n}\n"},
	{"probe p { z = @var(\"g\")[2]; w = @var(\"g@f.c\", \"/bin/x\")->m$$ }", {0},
	 "probe p {\n\tz = @var(\"g\")[2];\n\tw = @var(\"g@f.c\", \"/bin/x\")->m$$;\n}\n"},
	{"probe p { x = @entry($a->b) + 1; if (@defined($x)) y = @defined(@var(\"v\")) }", {0},
	 "probe p {\n\tx = (@entry($a->b) + 1);\n\tif (@defined($x))\n\t\ty = @defined(@var(\"v\"));\n}\n"},
	{"probe p { $x = 1; $y->z++; ++$w[0] }", {0}, "probe p {\n\t$x = 1;\n\t$y->z++;\n\t++$w[0];\n}\n"},
	/* script arguments */
	{"probe $1.call { }", {"process(\"./prog\").function(\"*\")"},
	 "probe process(\"./prog\").function(\"*\").call {\n}\n"},
	{"probe begin { x = $1 * 2; s = @1 \"-\" @2 }", {"5+5", "str"},
	 "probe begin {\n\tx = (5 + (5 * 2));\n\ts = \"5+5-str\";\n}\n"},
	{"probe begin { n = $#; s = @# }", {"a", "b", "c"}, "probe begin {\n\tn = 3;\n\ts = \"3\";\n}\n"},
	{"probe begin { s = @1 }", {"quote\" back\\slash\nline"},
	 "probe begin {\n\ts = \"quote\\\" back\\\\slash\\nline\";\n}\n"},
	{"probe timer.s($1) { }", {"10"}, "probe timer.s(10) {\n}\n"},
	{"probe begin { x = 1 $1 }", {""}, "probe begin {\n\tx = 1;\n}\n"},
	/* the preprocessor */
	{"%( $# == 0 %? probe begin {} %: probe end {} %)", {0}, "probe begin {\n}\n"},
	{"%( $# == 0 %? probe begin {} %: probe end {} %)", {"x"}, "probe end {\n}\n"},
	{"%( $# >= 2 %? global g = $2 %: global g = 0 %)", {"x"}, "global g = 0\n"},
	{"%( @# == \"1\" %? global one %)", {"x"}, "global one\n"},
	{"%( arch == \"x86_64\" %? global a %: global b %)", {0}, "global a\n"},
	{"%( arch != \"i?86\" && arch == \"x86*\" %? global a %: global b %)", {0}, "global a\n"},
	{"%( runtime == \"kernel\" %? probe kernel.function(\"f\") {} %: global r %)", {0}, "global r\n"},
	{"%( runtime == \"dyninst\" %? global d %) %( runtime == \"utap\" %? global u %) %( runtime != \"bpf\" %? global nb %)",
	 {0}, "global d\nglobal u\nglobal nb\n"},
	{"%( CONFIG_SMP == \"y\" %? global y %: global n %)", {0}, "global n\n"},
	{"%( CONFIG_HZ > 100 || CONFIG_A == CONFIG_B %? global y %: global n %)", {0}, "global y\n"},
	{"%( kernel_v >= \"2.6.9\" && kernel_vr > \"2.6\" %? global new %: global old %)", {0}, "global new\n"},
	{"%( kernel_v < \"2.6\" %? global old %: global new %)", {0}, "global new\n"},
	{"%( systemtap_v >= \"4.0\" && systemtap_v < \"99\" %? global v %)", {0}, "global v\n"},
	{"%( systemtap_privilege == \"stapusr\" && guru_mode == 0 %? global u %)", {0}, "global u\n"},
	{"%( 1 < 2 && \"a\" != \"b\" %? global t %)", {0}, "global t\n"},
	{"%( 1 > 2 && 1 < 2 || 3 == 3 %? global t %: global f %)", {0}, "global t\n"},
	{"%( 1 > 2 || 1 < 2 && 3 != 3 %? global t %: global f %)", {0}, "global f\n"},
	{"%( 1 == 1 %? %( 2 == 3 %? global a %: global b %) %: %( 1 == 1 %? global c %) %)", {0}, "global b\n"},
	{"%( 1 == 0 %? %( 2 == 3 %? global a %: global b %) %: global c %)", {0}, "global c\n"},
	{"probe begin { x = %( 1 == 1 %? 1 %: 2 %) + 3 }", {0}, "probe begin {\n\tx = (1 + 3);\n}\n"},
	{"probe process(%( 1 == 2 %? \"a\" %: \"b\" %)).function(\"f\") {}", {0},
	 "probe process(\"b\").function(\"f\") {\n}\n"},
	/* skipped branches may hold what would be errors */
	{"%( $# >= 2 %? global g = $2 %: global g = 1 %)", {0}, "global g = 1\n"},
	{"%( runtime == \"kernel\" %? function f() %{ return 0; %} %) global x", {0}, "global x\n"},
	{"%( 0 == 1 %? probe begin { s = \"\\q\" } %) global x", {0}, "global x\n"},
};
/* clang-format on */

static void test_ok_cases(void)
{
	size_t i;

	for (i = 0; i < sizeof(ok_cases) / sizeof(ok_cases[0]); i++) {
		const struct ok_case *c = &ok_cases[i];
		char *const *args = (char *const *)c->args;
		int nargs = 0;
		char *dump;

		while (nargs < 3 && c->args[nargs])
			nargs++;
		dump = parse_round_trip("case", c->src, args, nargs);
		ok(dump != NULL, "parses and round-trips: %s", label(c->src));
		if (dump)
			is_str(dump, c->dump, "dump of: %s", label(c->src));
		free(dump);
	}
}

/* ---- rejected scripts: source, arguments, where, what ---- */

struct err_case {
	const char *src;
	const char *args[2];
	int line, col;
	const char *msg;  /* a part of the message */
	const char *hint; /* a part of the hint, or NULL */
};

/* clang-format off */
static const struct err_case err_cases[] = {
	/* the lexer */
	{"probe begin { s = \"a\\qb\" }", {0}, 1, 21, "unknown escape '\\q' in a string", "\\n \\t"},
	{"probe begin { s = \"\\x\" }", {0}, 1, 20, "'\\x' without hex digits", NULL},
	{"probe begin { s = \"\\777\" }", {0}, 1, 20, "octal escape out of range", NULL},
	{"probe begin {\n  s = \"abc\n}", {0}, 2, 7, "unterminated string", "\"a\" \"b\""},
	{"probe begin { s = \"abc\\", {0}, 1, 19, "unterminated string", NULL},
	{"probe begin { }\n\n  /* a comment\n that never ends", {0}, 3, 3, "unterminated comment", "*/"},
	{"probe begin { x = 08 }", {0}, 1, 19, "invalid digit '8' in the octal number '08'", "octal"},
	{"probe begin { x = 12abc }", {0}, 1, 19, "invalid number '12abc'", NULL},
	{"probe begin { x = 0x }", {0}, 1, 19, "invalid number '0x'", NULL},
	{"probe begin { x = 18446744073709551616 }", {0}, 1, 19, "out of range", NULL},
	{"probe begin { x = `y` }", {0}, 1, 19, "unexpected character '`'", NULL},
	{"probe begin { x = \\y }", {0}, 1, 19, "unexpected '\\'", NULL},
	{"probe begin { x = \xc3\xa9 }", {0}, 1, 19, "unexpected byte 0xc3", "ASCII"},
	{"probe begin { x = @ }", {0}, 1, 19, "'@' must be followed by a name", NULL},
	{"probe begin { %{ foo %} }", {0}, 1, 15,
	 "embedded C (%{ %}) is not supported: utap runs scripts in its own interpreter, it never compiles C", NULL},
	{"%{\n#include <linux/sched.h>\n%}\nprobe begin {}", {0}, 1, 1, "embedded C (%{ %}) is not supported", NULL},
	{"function f:long () %{ STAP_RETURN(1); %}", {0}, 1, 20, "embedded C", NULL},
	{"probe begin { x = %{ 1 ", {0}, 1, 19, "embedded C", NULL},
	/* script arguments */
	{"probe begin { print($2) }", {"a"}, 1, 21, "command line argument $2 given, but only 1 argument(s)", "$# >= 2"},
	{"probe begin {\n\tprint(@3) }", {0}, 2, 8, "command line argument @3 given, but only 0 argument(s)", NULL},
	{"probe begin { print($0) }", {"a"}, 1, 21, "count from $1", NULL},
	{"probe begin { x = $1 }", {"$2"}, 1, 19, "in command line argument $1: it refers to another argument ($2)", NULL},
	{"probe begin { x = $1 }", {"\"abc"}, 1, 19, "in command line argument $1: unterminated string", NULL},
	{"probe begin { x = $1 }", {"1 +"}, 1, 22, "expected an expression, found '}'", NULL},
	/* the preprocessor */
	{"%( foo == 1 %? global x %)", {0}, 1, 4, "unknown preprocessor condition 'foo'", "kernel_v"},
	{"%( arch = \"x\" %? global x %)", {0}, 1, 9, "expected a comparison (== != < <= > >=), found '='", NULL},
	{"%( arch < \"x\" %? global x %)", {0}, 1, 4, "'arch' can only be compared with == or !=", NULL},
	{"%( arch == 1 %? global x %)", {0}, 1, 12, "expected a string after 'arch', found number 1", NULL},
	{"%( kernel_v > \"2.*\" %? global x %)", {0}, 1, 15, "a wildcard cannot be ordered", NULL},
	{"%( 1 == \"a\" %? global x %)", {0}, 1, 9, "expected a number to compare with, found string \"a\"", NULL},
	{"%( 1 == 1 global x %)", {0}, 1, 11, "expected '%?' after the condition, found keyword 'global'", NULL},
	{"%( 1 == %? global x %)", {0}, 1, 9, "incomplete condition after '%(', found '%?'", NULL},
	{"%( $2 == 1 %? global x %)", {0}, 1, 4, "command line argument $2 given", NULL},
	{"\n%( 1 == 1 %? global x", {0}, 2, 1, "this '%(' has no '%)'", "%( CONDITION %? TOKENS %: TOKENS %)"},
	{"global x %)", {0}, 1, 10, "'%)' without a '%('", NULL},
	{"global x %: global y", {0}, 1, 10, "'%:' without a '%('", NULL},
	{"%( 1 == 1 %? global x %: global y %: global z %)", {0}, 1, 35, "a second '%:' in one conditional", NULL},
	{"global x %? global y", {0}, 1, 10, "'%?' outside a %( condition", NULL},
	{"%( 1 == 0 %? /* unterminated %)", {0}, 1, 14, "unterminated comment", NULL},
	{"%( guru_mode == 1 < 3 %? global x %)", {0}, 1, 19, "expected '%?' after the condition, found '<'", NULL},
	{"%( guru_mode == 2 %? global x %)", {0}, 1, 17, "guru_mode is compared with 0 or 1", NULL},
	/* the top level */
	{"probe begin {} ;", {0}, 1, 16, "expected 'probe', 'global' or 'function', found ';'", "probe POINT"},
	{"begin { }", {0}, 1, 1, "expected 'probe', 'global' or 'function', found 'begin'", "a probe starts with 'probe'"},
	{"global", {0}, 1, 7, "expected a variable name after 'global', found the end of the file", NULL},
	{"global limit", {0}, 1, 8, "found keyword 'limit'", NULL},
	{"global a, a", {0}, 1, 11, "global 'a' declared twice (first at line 1, column 8)", NULL},
	{"global a[0]", {0}, 1, 10, "array size 0 out of range", NULL},
	{"global a[]", {0}, 1, 10, "expected the array's size (a number), found ']'", NULL},
	{"global a[10] = 1", {0}, 1, 14, "only a scalar global can be initialized", NULL},
	{"global a = b", {0}, 1, 12, "expected a number or a string, found 'b'", NULL},
	{"private probe", {0}, 1, 9, "expected 'global', 'function' or a name after 'private'", NULL},
	{"function (x) {}", {0}, 1, 10, "expected a function name after 'function', found '('", NULL},
	{"function f:int () {}", {0}, 1, 12, "expected 'long' or 'string' after ':', found 'int'", NULL},
	{"function f(x, x) {}", {0}, 1, 15, "parameter 'x' named twice", NULL},
	{"function f(x y) {}", {0}, 1, 14, "expected ',' between parameters, found 'y'", NULL},
	{"function f(x,) {}", {0}, 1, 14, "expected a parameter name or ')' to close the '(' at line 1, column 11", NULL},
	{"function f() :3 {}", {0}, 1, 14, "function priorities", NULL},
	{"function f() return 1", {0}, 1, 14, "expected '{' to open the function's body, found keyword 'return'", NULL},
	/* probe points */
	{"probe begin() {", {0}, 1, 12, "'begin' takes no parentheses", "write begin, or begin(N)"},
	{"probe process(\"x\").return() {}", {0}, 1, 26, "'return' takes no parentheses", NULL},
	{"probe process(\"x\").function() {}", {0}, 1, 28, "'function' needs an argument in its parentheses",
	 "write function(\"NAME\")"},
	{"probe timer.ms() {}", {0}, 1, 15, "'ms' needs an argument in its parentheses", "write timer.ms(N)"},
	{"probe foo() {}", {0}, 1, 10, "'foo' takes no parentheses", "drop the '()'"},
	{"probe process(\"x\").function(f) {}", {0}, 1, 29, "expected a number or a string, found 'f'", NULL},
	{"probe process(\"x\").function(\"f\" {}", {0}, 1, 33, "expected ')' after the probe point's argument", NULL},
	{"probe kernel.function(\"vfs_read\") {}", {0}, 1, 7,
	 "utap probes user space: 'kernel.function' is a kernel probe point", "process(\"PATH\").function(\"NAME\")"},
	{"probe begin, kprobe.function(\"f\").return {}", {0}, 1, 14, "'kprobe.function' is a kernel probe point", NULL},
	{"probe module(\"ext4\").function(\"*\") {}", {0}, 1, 7, "'module(...).function' is a kernel probe point", NULL},
	{"probe syscall.open {}", {0}, 1, 7, "'syscall.open' is a kernel probe point", "libc.so.6"},
	{"probe syscall.* {}", {0}, 1, 7, "'syscall.*' is a kernel probe point", NULL},
	{"probe netfilter.ipv4.pre_routing {}", {0}, 1, 7, "'netfilter.ipv4' is a kernel probe point", NULL},
	{"probe timer.profile {}", {0}, 1, 7, "'timer.profile' is a kernel probe point", NULL},
	{"probe {begin, kernel.trace(\"x\")} {}", {0}, 1, 15, "'kernel.trace' is a kernel probe point", NULL},
	{"probe x = process(\"a\").function(\"b\") {}", {0}, 1, 9, "probe aliases are not supported yet", NULL},
	{"probe x += y {}", {0}, 1, 9, "probe aliases are not supported yet", NULL},
	{"probe begin if (x) {}", {0}, 1, 13, "probe point conditions ('if (...)') are not supported yet", "next"},
	{"probe begin end {}", {0}, 1, 13, "expected ',' or '{' after the probe point, found 'end'", NULL},
	{"probe {}", {0}, 1, 8, "expected a probe point, found '}'", NULL},
	{"probe a?.b {}", {0}, 1, 9, "expected ',' or '{' after the probe point, found '.'", NULL},
	{"probe {a?, b}.c {}", {0}, 1, 15, "'?' and '!' go after a probe point's last component", NULL},
	{"probe {a?}? {}", {0}, 1, 11, "'?' or '!' given twice", NULL},
	{"probe begin", {0}, 1, 12, "expected ',' or '{' after the probe point, found the end of the file", NULL},
	{"probe {a,b}.{a,b}.{a,b}.{a,b}.{a,b}.{a,b}.{a,b}.{a,b}.{a,b}.{a,b}.{a,b}.{a,b}.{a,b} {}", {0},
	 1, 80, "more than 4096 probe points", NULL},
	/* blocks and statements */
	{"probe begin {", {0}, 1, 13, "this '{' is never closed: the file ends at line 1 first", "close it with '}'"},
	{"probe begin {\n  if (x) {\n    y = 1\n}\n", {0}, 1, 13, "this '{' is never closed: the file ends at line 5 first", NULL},
	{"probe begin { x = 1\nprobe end {}", {0}, 2, 1,
	 "missing '}': the block opened at line 1, column 13 is still open at 'probe'", NULL},
	{"probe begin { x = 1 }}", {0}, 1, 22, "expected 'probe', 'global' or 'function', found '}'", NULL},
	{"probe begin { if (x {} }", {0}, 1, 21, "expected ')' to close the '(' at line 1, column 18, found '{'", NULL},
	{"probe begin { if x {} }", {0}, 1, 18, "expected '(' after 'if', found 'x'", NULL},
	{"probe begin { else x = 1 }", {0}, 1, 15, "'else' without an 'if'", NULL},
	{"probe begin { catch {} }", {0}, 1, 15, "'catch' without a 'try'", NULL},
	{"probe begin { try {} }", {0}, 1, 22, "expected 'catch' after the try block, found '}'", NULL},
	{"probe begin { try x = 1 catch {} }", {0}, 1, 19, "expected '{' after 'try', found 'x'", NULL},
	{"probe begin { try {} catch (1) {} }", {0}, 1, 29, "expected a variable for the error message, found number 1", NULL},
	{"probe begin { return 1 }", {0}, 1, 15, "'return' outside a function", "'next'"},
	{"probe begin { for (i = 0; i < 3) {} }", {0}, 1, 32, "expected ';' after the for loop's condition, found ')'", NULL},
	{"probe begin { while () {} }", {0}, 1, 22, "expected an expression, found ')'", NULL},
	{"probe begin { delete f() }", {0}, 1, 22, "delete takes a variable, an array or an array element", NULL},
	{"probe begin { delete $x }", {0}, 1, 22, "delete takes a variable", NULL},
	{"probe begin { in }", {0}, 1, 15, "expected a statement, found keyword 'in'", NULL},
	{"probe begin { x = 1 ) }", {0}, 1, 21, "expected an expression, found ')'", NULL},
	/* foreach */
	{"probe begin { foreach (x in ) {} }", {0}, 1, 29, "expected an array name after 'in', found ')'", "foreach (KEY in ARRAY)"},
	{"probe begin { foreach (x a) {} }", {0}, 1, 26, "expected 'in' after the foreach's keys, found 'a'", NULL},
	{"probe begin { foreach (1 in a) {} }", {0}, 1, 24, "expected a key variable, found number 1", NULL},
	{"probe begin { foreach ([a, b in m) {} }", {0}, 1, 30, "expected ',' or ']' to close the '[' at line 1, column 24", NULL},
	{"probe begin { foreach ([a+, b-] in m) {} }", {0}, 1, 30, "a second sort marker", NULL},
	{"probe begin { foreach (x+ in a-) {} }", {0}, 1, 31, "a second sort marker", NULL},
	{"probe begin { foreach ([a, a] in m) {} }", {0}, 1, 28, "key 'a' named twice", NULL},
	{"probe begin { foreach (v = [v] in m) {} }", {0}, 1, 29, "'v' names the value and a key", NULL},
	{"probe begin { foreach (x in a @max) {} }", {0}, 1, 35, "expected '+' or '-' after '@max', found ')'", NULL},
	{"probe begin { foreach (x in a @hist_log+) {} }", {0}, 1, 31, "'@hist_log' cannot sort a foreach", NULL},
	{"probe begin { foreach (x in @hist_log(a)) {} }", {0}, 1, 29, "foreach over a histogram's buckets", NULL},
	{"probe begin { foreach ([a, b] in m[*, 1]) {} }", {0}, 1, 35, "array slices", NULL},
	{"probe begin { foreach (x in a limit) {} }", {0}, 1, 36, "expected an expression, found ')'", NULL},
	{"probe begin { foreach (x in a {} }", {0}, 1, 31, "expected ')' to close the '(' at line 1, column 23, found '{'", NULL},
	/* expressions */
	{"probe begin { 1 = 2 }", {0}, 1, 15, "the left side of '=' is a number, not a variable", "assignments"},
	{"probe begin { f() += 2 }", {0}, 1, 15, "the left side of '+=' is a function call, not a variable", NULL},
	{"probe begin { a + b = 2 }", {0}, 1, 17, "the left side of '=' is an operator's result, not a variable", NULL},
	{"probe begin { 5++ }", {0}, 1, 15, "'++' changes a variable, not a number", NULL},
	{"probe begin { --f() }", {0}, 1, 17, "'--' changes a variable, not a function call", NULL},
	{"probe begin { x = (1 + 2 }", {0}, 1, 26, "expected ')' to close the '(' at line 1, column 19, found '}'", NULL},
	{"probe begin { x = f(1 2) }", {0}, 1, 23, "expected ',' or ')' to close the '(' at line 1, column 20, found number 2", NULL},
	{"probe begin { x = a[1 }", {0}, 1, 23, "expected ',' or ']' to close the '[' at line 1, column 20", NULL},
	{"probe begin { x = a[*] }", {0}, 1, 21, "array slices ('*' as a key) are not supported yet", NULL},
	{"probe begin { x = a[1][2] }", {0}, 1, 23, "an array element cannot be indexed", "a[k1, k2]"},
	{"probe begin { x = f()[2] }", {0}, 1, 22, "a function's result cannot be indexed", NULL},
	{"probe begin { x = [a, b] }", {0}, 1, 26, "expected 'in' after the keys, found '}'", NULL},
	{"probe begin { x = [a, b] in }", {0}, 1, 29, "expected an array name after 'in', found '}'", NULL},
	{"probe begin { x = a ? b }", {0}, 1, 25, "expected ':' in the '?:', found '}'", NULL},
	{"probe begin { x = k in a == 1 }", {0}, 1, 26, "'==' cannot follow an 'in' test", "(k in a) == 1"},
	{"probe begin { x = a =~ \"b\" }", {0}, 1, 21, "regular expression matching (=~, !~) is not supported yet", NULL},
	{"probe begin { x = a >>> 2 }", {0}, 1, 21, "the unsigned shift '>>>' is not supported yet", NULL},
	{"probe begin { x = &$y }", {0}, 1, 19, "taking an address ('&') is not supported yet", NULL},
	{"probe begin { x = f()->a }", {0}, 1, 22, "'->' follows a context variable ($name), @cast or @var, not a function call", "@cast"},
	{"probe begin { x = string }", {0}, 1, 19, "expected an expression, found keyword 'string'", "types"},
	{"probe begin { x = $ }", {0}, 1, 19, "expected a name after '$'", "$$vars"},
	{"probe begin { x = $p->1 }", {0}, 1, 23, "expected a member name, found number 1", NULL},
	{"probe begin { x = $p$->a }", {0}, 1, 22, "nothing may follow a pretty-printing '$'", NULL},
	{"probe begin { x = $p$$$ }", {0}, 1, 19, "too many '$' signs: 3", NULL},
	{"probe begin { x = $p[*] }", {0}, 1, 22, "'*' is not an index", NULL},
	{"probe begin { x = @foo(1) }", {0}, 1, 19, "unknown operator '@foo'", "@count"},
	{"probe begin { x = @count x }", {0}, 1, 26, "expected '(' after '@count', found 'x'", NULL},
	{"probe begin { x = @hist_linear(s, 1, 2) }", {0}, 1, 39, "expected ',' in @hist_linear(...), found ')'", NULL},
	{"probe begin { x = @hist_linear(s, a, 2, 3) }", {0}, 1, 35, "expected a number or a string, found 'a'", NULL},
	{"probe begin { x = @hist_linear(s, \"a\", 2, 3) }", {0}, 1, 35, "@hist_linear's parameters are numbers", NULL},
	{"probe begin { x = @hist_log(s)[2] }", {0}, 1, 31, "indexing a histogram", NULL},
	{"probe begin { x = @cast(p) }", {0}, 1, 26, "expected ',' after @cast's pointer, found ')'", NULL},
	{"probe begin { x = @cast(p, t) }", {0}, 1, 28, "expected the type's name as a string", NULL},
	{"probe begin { x = @cast(p, \"\") }", {0}, 1, 19, "@cast's type is empty", NULL},
	{"probe begin { x = @var(v) }", {0}, 1, 24, "expected the variable's name as a string", NULL},
	{"probe begin { x = @entry($a }", {0}, 1, 29, "expected ')' to end @entry(...), found '}'", NULL},
	{"@define foo %( 1 %)", {0}, 1, 1, "@define macros are not supported yet", NULL},
	{"probe begin { x = @define }", {0}, 1, 19, "@define macros are not supported yet", NULL},
	{"probe begin { x = @perf(\"c\") }", {0}, 1, 19, "'@perf' reads kernel state", NULL},
	{"probe begin { x = @uderef(4, p) }", {0}, 1, 19, "'@uderef' is not supported yet", NULL},
};
/* clang-format on */

static void test_err_cases(void)
{
	size_t i;

	for (i = 0; i < sizeof(err_cases) / sizeof(err_cases[0]); i++) {
		const struct err_case *c = &err_cases[i];
		struct script *s = (struct script *)1;
		struct script_error err;
		int nargs = c->args[0] ? (c->args[1] ? 2 : 1) : 0;
		int ret = script_parse("t.stp", c->src, (char *const *)c->args, nargs, &s, &err);
		bool msg_ok = ret == -EINVAL && strstr(err.msg, c->msg) != NULL;
		bool hint_ok = !c->hint || strstr(err.hint, c->hint) != NULL;

		ok(ret == -EINVAL && s == NULL && err.line == c->line && err.col == c->col &&
		       msg_ok && hint_ok,
		   "%d:%d %s", c->line, c->col, c->msg);
		if (ret != -EINVAL || err.line != c->line || err.col != c->col || !msg_ok ||
		    !hint_ok)
			printf("#   source: %s\n#   got %d, %d:%d '%s' hint '%s'\n", label(c->src),
			       ret, err.line, err.col, err.msg, err.hint);
		if (ret == 0)
			script_free(s);
	}
}

/* ---- the lexer on its own ---- */

static void test_lexer(void)
{
	static const char src[] = "probe p{ $x$->a $$parms $ @count(s) <<< \"a\\tb\" 0x10 # c\n"
				  "\t.= %( %? %: %) >>> && -> x$ /* c */ limit }";
	static const struct {
		enum script_token_kind kind;
		const char *text;
		int line, col;
		bool space;
	} want[] = {
	    {TK_KEYWORD, "probe", 1, 1, true},	 {TK_IDENT, "p", 1, 7, true},
	    {TK_OP, "{", 1, 8, false},		 {TK_TARGET, "$x$", 1, 10, true},
	    {TK_OP, "->", 1, 13, false},	 {TK_IDENT, "a", 1, 15, false},
	    {TK_TARGET, "$$parms", 1, 17, true}, {TK_TARGET, "$", 1, 25, true},
	    {TK_AT, "@count", 1, 27, true},	 {TK_OP, "(", 1, 33, false},
	    {TK_IDENT, "s", 1, 34, false},	 {TK_OP, ")", 1, 35, false},
	    {TK_OP, "<<<", 1, 37, true},	 {TK_STRING, "a\tb", 1, 41, true},
	    {TK_NUMBER, "0x10", 1, 48, true},	 {TK_OP, ".=", 2, 2, true},
	    {TK_OP, "%(", 2, 5, true},		 {TK_OP, "%?", 2, 8, true},
	    {TK_OP, "%:", 2, 11, true},		 {TK_OP, "%)", 2, 14, true},
	    {TK_OP, ">>>", 2, 17, true},	 {TK_OP, "&&", 2, 21, true},
	    {TK_OP, "->", 2, 24, true},		 {TK_IDENT, "x$", 2, 27, true},
	    {TK_KEYWORD, "limit", 2, 38, true},	 {TK_OP, "}", 2, 44, true},
	    {TK_EOF, NULL, 2, 45, true},
	};
	struct script_tokens toks;
	size_t i, n = sizeof(want) / sizeof(want[0]);
	bool same;

	is_int(script_lex(src, NULL, 0, &toks), 0, "lex a line of every token kind");
	is_int(toks.n, (int)n, "token count");
	for (i = 0; i < n && (int)i < toks.n; i++) {
		const struct script_token *t = &toks.tok[i];

		same = t->kind == want[i].kind && same_str(t->text, want[i].text) &&
		       t->pos.line == want[i].line && t->pos.col == want[i].col &&
		       t->space_before == want[i].space;
		ok(same, "token %zu: %s at %d:%d", i, want[i].text ? want[i].text : "EOF",
		   want[i].line, want[i].col);
		if (!same)
			printf("#   got kind %d '%s' at %d:%d space %d\n", t->kind,
			       t->text ? t->text : "", t->pos.line, t->pos.col, t->space_before);
	}
	is_int(toks.tok[14].num, 16, "0x10 is 16");
	script_tokens_free(&toks);
}

/* Argument tokens take the $N's position; the preprocessor keeps only the
 * chosen branch and the tokens around it. */
static void test_lexer_arguments(void)
{
	char *args[] = {"a  +\n\"s\"", "@x"};
	struct script_tokens toks;
	struct script_error err;

	is_int(script_lex("f($1, @2 $#)", args, 2, &toks), 0, "lex with arguments");
	is_int(toks.n, 10, "f ( a + \"s\" , \"@x\" 2 ) EOF");
	if (toks.n == 10) {
		ok(toks.tok[2].kind == TK_IDENT && strcmp(toks.tok[2].text, "a") == 0 &&
		       toks.tok[2].pos.col == 3 && !toks.tok[2].space_before,
		   "$1's first token at the $1, glued as the $1 is");
		ok(toks.tok[3].kind == TK_OP && toks.tok[3].pos.col == 3 &&
		       toks.tok[3].space_before,
		   "$1's second token at the $1 too");
		ok(toks.tok[4].kind == TK_STRING && strcmp(toks.tok[4].text, "s") == 0,
		   "$1's string token");
		ok(toks.tok[6].kind == TK_STRING && strcmp(toks.tok[6].text, "@x") == 0 &&
		       toks.tok[6].pos.col == 7,
		   "@2 is a string token, its text as given");
		ok(toks.tok[7].kind == TK_NUMBER && toks.tok[7].num == 2, "$# is a number");
	}
	script_tokens_free(&toks);

	memset(&err, 0, sizeof(err));
	is_int(script_lex("a %( 1 == 2 %? b %: c %( 2 == 2 %? d %) %) e", NULL, 0, &toks), 0,
	       "lex a conditional");
	is_int(script_preprocess(&toks, &err), 0, "preprocess it");
	if (toks.n == 5) {
		ok(strcmp(toks.tok[0].text, "a") == 0 && strcmp(toks.tok[1].text, "c") == 0 &&
		       strcmp(toks.tok[2].text, "d") == 0 && strcmp(toks.tok[3].text, "e") == 0 &&
		       toks.tok[4].kind == TK_EOF && toks.tok[3].pos.col == 44,
		   "a c d e EOF, e keeps its column");
	} else {
		ok(0, "a c d e EOF: got %d tokens", toks.n);
	}
	script_tokens_free(&toks);
}

/* kernel_vr compared with this machine's own release. */
static void test_kernel_version(void)
{
	struct utsname u;
	char src[512], base[sizeof(u.release)];
	struct script *s;
	struct script_error err;

	if (uname(&u) < 0) {
		ok(1, "# SKIP uname failed");
		return;
	}
	snprintf(base, sizeof(base), "%s", u.release);
	base[strcspn(base, "-")] = '\0';
	snprintf(
	    src, sizeof(src),
	    "%%( kernel_vr == \"%s\" && kernel_v == \"%s\" && kernel_v <= \"%s\" && "
	    "kernel_vr != \"%s.x\" && kernel_v == \"%.1s*\" %%? global same %%: global differ %%)",
	    u.release, base, base, u.release, base);
	is_int(script_parse("k", src, NULL, 0, &s, &err), 0, "kernel_v conditions parse");
	if (s) {
		ok(s->nglobals == 1 && strcmp(s->globals[0].name, "same") == 0,
		   "kernel_vr == uname -r (%s), kernel_v == %s", u.release, base);
		script_free(s);
	}
}

/* The tree's fields as ast.h defines them, checked directly. */
static void test_fields(void)
{
	static const char src[] =
	    "global a%[16], b = -2, c\n"
	    "probe process(\"p\").function(\"f\").return?, x!, begin(3) {\n"
	    "  foreach (v- = [k1, k2] in m limit 5) ;\n"
	    "  foreach ([k1, k2+] in m) ;\n"
	    "  foreach (k in s @avg-) ;\n"
	    "  y = @cast(p, \"struct t\", \"lib\")->f[2]$$ + $q$ + @var(\"g@a.c\")\n"
	    "  z = @hist_linear(s, -1, 9, 2) . @variance(s, 3); ++y; y--; s <<< 1; t .= \"u\"\n"
	    "}\n";
	struct script *s;
	struct script_error err;
	struct script_stmt **body;
	struct script_expr *e;

	if (script_parse("fields", src, NULL, 0, &s, &err) != 0) {
		ok(0, "fields script parses: %d:%d %s", err.line, err.col, err.msg);
		return;
	}
	ok(s->nglobals == 3 && s->globals[0].wrap && s->globals[0].array_declared &&
	       s->globals[0].size == 16 && !s->globals[0].init,
	   "global a%%[16]: wrap, array, size 16");
	ok(s->globals[1].init && s->globals[1].init->kind == SE_NUMBER &&
	       s->globals[1].init->num == -2 && !s->globals[1].array_declared,
	   "global b = -2");
	ok(s->probes[0].npoints == 3 && s->probes[0].points[0].optional &&
	       !s->probes[0].points[0].sufficient && s->probes[0].points[1].optional &&
	       s->probes[0].points[1].sufficient && !s->probes[0].points[2].optional,
	   "'?' optional, '!' sufficient (and optional)");
	ok(s->probes[0].points[0].ncomps == 3 && s->probes[0].points[0].comps[0].arg &&
	       strcmp(s->probes[0].points[0].comps[0].arg->str, "p") == 0 &&
	       !s->probes[0].points[0].comps[2].arg &&
	       s->probes[0].points[2].comps[0].arg->num == 3,
	   "components and their literal arguments");
	body = s->probes[0].body->body;
	ok(body[0]->kind == SS_FOREACH && strcmp(body[0]->value_var, "v") == 0 &&
	       body[0]->nkeys == 2 && strcmp(body[0]->keys[1], "k2") == 0 &&
	       strcmp(body[0]->array, "m") == 0 && body[0]->sort_by == -1 &&
	       body[0]->sort_dir == -1 && body[0]->limit && body[0]->limit->num == 5 &&
	       body[0]->then->kind == SS_NULL,
	   "foreach (v- = [k1, k2] in m limit 5): by value, descending");
	ok(body[1]->sort_by == 2 && body[1]->sort_dir == 1 && !body[1]->value_var,
	   "foreach ([k1, k2+] in m): by key 2, ascending");
	ok(body[2]->sort_by == -1 && body[2]->sort_dir == -1 && body[2]->sort_stat == STAT_AVG,
	   "foreach (k in s @avg-): by @avg, descending");
	e = body[3]->expr->args[1]->args[0]->args[0];
	ok(e->kind == SE_CAST && strcmp(e->str, "struct t") == 0 && strcmp(e->module, "lib") == 0 &&
	       e->nargs == 1 && e->naccess == 2 && e->access[0].kind == SA_MEMBER &&
	       strcmp(e->access[0].member, "f") == 0 && e->access[1].kind == SA_INDEX &&
	       e->access[1].index->num == 2 && e->pretty == 2,
	   "@cast(p, \"struct t\", \"lib\")->f[2]$$");
	e = body[3]->expr->args[1]->args[0]->args[1];
	ok(e->kind == SE_TARGET && strcmp(e->name, "$q") == 0 && e->pretty == 1, "$q$");
	e = body[3]->expr->args[1]->args[1];
	ok(e->kind == SE_VAR && strcmp(e->str, "g@a.c") == 0 && !e->module && !e->nargs,
	   "@var(\"g@a.c\")");
	e = body[4]->expr->args[1];
	ok(e->kind == SE_BINARY && e->op == SO_CONCAT && e->args[0]->kind == SE_STAT &&
	       e->args[0]->stat == STAT_HIST_LINEAR && e->args[0]->nargs == 4 &&
	       e->args[0]->args[1]->num == -1 && e->args[1]->stat == STAT_VARIANCE &&
	       e->args[1]->nargs == 2 && e->args[1]->args[1]->num == 3,
	   "@hist_linear(s, -1, 9, 2) . @variance(s, 3)");
	ok(body[5]->expr->kind == SE_INCDEC && body[5]->expr->op == SO_INC &&
	       !body[5]->expr->postfix && body[6]->expr->op == SO_DEC && body[6]->expr->postfix,
	   "++y prefix, y-- postfix");
	ok(body[7]->expr->kind == SE_ASSIGN && body[7]->expr->op == SO_AGG &&
	       body[8]->expr->op == SO_CONCAT,
	   "<<< is SO_AGG, .= is SO_CONCAT");
	script_free(s);
}

/* Positions in the tree: statements, expressions (an operator's is its
 * own), probe points, declarations. */
static void test_positions(void)
{
	static const char src[] = "global g\nfunction f(a) {\n  return a }\n"
				  "probe begin,\n  end {\n\tx = 1 + $y->z\n}\n";
	struct script *s;
	struct script_error err;
	struct script_stmt *st;

	if (script_parse("pos", src, NULL, 0, &s, &err) != 0) {
		ok(0, "positions script parses: %s", err.msg);
		return;
	}
	ok(s->globals[0].pos.line == 1 && s->globals[0].pos.col == 8, "global at 1:8");
	ok(s->functions[0].pos.line == 2 && s->functions[0].pos.col == 10, "function name at 2:10");
	ok(s->functions[0].params[0].pos.line == 2 && s->functions[0].params[0].pos.col == 12,
	   "parameter at 2:12");
	st = s->functions[0].body->body[0];
	ok(st->kind == SS_RETURN && st->pos.line == 3 && st->pos.col == 3, "return at 3:3");
	ok(s->probes[0].pos.line == 4 && s->probes[0].pos.col == 1, "probe at 4:1");
	ok(s->probes[0].points[1].pos.line == 5 && s->probes[0].points[1].pos.col == 3,
	   "second point at 5:3");
	st = s->probes[0].body->body[0];
	ok(st->pos.line == 6 && st->pos.col == 2, "statement at 6:2");
	ok(st->expr->kind == SE_ASSIGN && st->expr->pos.col == 4, "'=' at 6:4");
	ok(st->expr->args[1]->pos.col == 8, "'+' at 6:8");
	ok(st->expr->args[1]->args[1]->kind == SE_TARGET &&
	       st->expr->args[1]->args[1]->pos.col == 10 &&
	       st->expr->args[1]->args[1]->access[0].pos.col == 12,
	   "$y at 6:10, its ->z at 6:12");
	script_free(s);
}

/* The printed error: where, what, the line, a caret lined up under tabs. */
static void test_error_print(void)
{
	static const char src[] = "probe begin {\n\tx = \"a\\qb\"\n}\n";
	struct script *s;
	struct script_error err;
	char *text;

	is_int(script_parse("demo.stp", src, NULL, 0, &s, &err), -EINVAL, "bad escape refused");
	text = error_text(&err, src);
	is_str(
	    text,
	    "utap: demo.stp:2:8: error: unknown escape '\\q' in a string\n"
	    "      \tx = \"a\\qb\"\n"
	    "      \t      ^\n"
	    "      hint: escapes are \\n \\t \\r \\a \\b \\f \\v \\\\ \\\" \\' \\?, \\ooo (octal) "
	    "and \\xHH (hex)\n",
	    "error print: location, source line, caret, hint");
	free(text);

	memset(&err, 0, sizeof(err));
	snprintf(err.file, sizeof(err.file), "-e");
	snprintf(err.msg, sizeof(err.msg), "no probes");
	text = error_text(&err, src);
	is_str(text, "utap: -e: error: no probes\n", "an error tied to no place");
	free(text);
}

static char *append(char *p, const char *s)
{
	size_t n = strlen(s);

	memcpy(p, s, n + 1);
	return p + n;
}

/* PREFIX, UNIT N times, MIDDLE, TAIL N times, END. */
static char *repeat(const char *prefix, const char *unit, int n, const char *middle,
		    const char *tail, const char *end)
{
	size_t len = strlen(prefix) + (strlen(unit) + strlen(tail)) * (size_t)n + strlen(middle) +
		     strlen(end) + 1;
	char *s = malloc(len), *p;
	int i;

	if (!s)
		return NULL;
	p = append(s, prefix);
	for (i = 0; i < n; i++)
		p = append(p, unit);
	p = append(p, middle);
	for (i = 0; i < n; i++)
		p = append(p, tail);
	append(p, end);
	return s;
}

/* Inputs built to be deep or long: bounded errors, never a blown stack;
 * long but shallow ones are fine. */
static void test_limits(void)
{
	static const struct {
		const char *prefix, *unit, *middle, *tail, *end;
		int n;
		const char *msg; /* NULL: accepted */
	} cases[] = {
	    {"probe begin { x = ", "(", "1", ")", " }", 150, NULL},
	    {"probe begin { x = ", "(", "1", ")", " }", 495, NULL},
	    {"probe begin { x = ", "(", "1", ")", " }", 5000,
	     "nested too deeply (more than 500 levels)"},
	    {"probe begin { x = ", "f(", "1", ")", " }", 5000, "nested too deeply"},
	    {"probe begin { x = ", "a[", "1", "]", " }", 5000, "nested too deeply"},
	    {"probe begin { x = ", "- ", "y", "", " }", 150, NULL},
	    {"probe begin { x = ", "- ", "y", "", " }", 5000, "nested too deeply"},
	    {"probe begin { x = ", "a = ", "1", "", " }", 5000, "nested too deeply"},
	    {"probe begin { x = ", "a ? b : ", "1", "", " }", 5000, "nested too deeply"},
	    {"probe begin { x = ", "a ? ", "1", " : 2", " }", 5000, "nested too deeply"},
	    {"probe begin ", "{", "", "}", "", 150, NULL},
	    {"probe begin ", "{", "", "}", "", 5000, "nested too deeply (more than 200 levels)"},
	    {"probe begin { ", "if (x) ", "y = 1", "", " }", 5000, "nested too deeply"},
	    {"probe begin { ", "while (x) ", "y = 1", "", " }", 150, NULL},
	    {"probe ", "{", "a", "}", " {}", 5000, "nested too deeply"},
	    {"probe begin { x = 1", " + 1", "", "", " }", 248, NULL},
	    {"probe begin { x = 1", " + 1", "", "", " }", 5000,
	     "expression too deep (more than 250 levels)"},
	    {"probe begin { x = ", "- ", "y", "", " }", 248, NULL},
	    {"probe begin { x = ", "a ? b : ", "1", "", " }", 248, NULL},
	    {"probe begin { x = ", "a = ", "1", "", " }", 248, NULL},
	    {"probe begin { x = ", "f(", "1", ")", " }", 248, NULL},
	    {"probe begin { x = 1", " . \"a\" < 2 && 3", "", "", " }", 2000, "expression too deep"},
	    {"probe begin { x = ", "$p->a[", "1", "]", " }", 5000, "nested too deeply"},
	    {"probe begin { x = ", "@entry(", "1", ")", " }", 5000, "nested too deeply"},
	    {"probe begin {", " x = 1;", "", "", " }", 20000, NULL},
	    {"probe begin { if (a) x = 1", " else if (a) x = 1", "", "", " }", 150, NULL},
	    {"probe begin", ", a.b", "", "", " {}", 4000, NULL},
	    {"", "%( 1 == 1 %? ", "global x", " %)", "", 20000, NULL},
	    {"", "%( 1 == 0 %? ", "global x", " %)", "", 20000, NULL},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *src = repeat(cases[i].prefix, cases[i].unit, cases[i].n, cases[i].middle,
				   cases[i].tail, cases[i].end);
		struct script *s = NULL;
		struct script_error err;
		int ret;

		if (!src) {
			ok(0, "out of memory");
			continue;
		}
		ret = script_parse("deep", src, NULL, 0, &s, &err);
		if (cases[i].msg)
			ok(ret == -EINVAL && strstr(err.msg, cases[i].msg), "%d x '%s': %s",
			   cases[i].n, cases[i].unit, cases[i].msg);
		else
			ok(ret == 0, "%d x '%s': accepted", cases[i].n, cases[i].unit);
		if (ret != (cases[i].msg ? -EINVAL : 0))
			printf("#   got %d: %d:%d %s\n", ret, err.line, err.col, err.msg);
		if (ret == 0) {
			char *dump = dump_text(s);

			script_free(s);
			s = NULL;
			ret = dump ? script_parse("again", dump, NULL, 0, &s, &err) : -ENOMEM;
			ok(ret == 0, "its dump parses again");
			if (ret)
				printf("#   got %d: %d:%d %s\n", ret, err.line, err.col, err.msg);
			script_free(s);
			free(dump);
		}
		free(src);
	}
}

/* Every sample in tests/scripts/parse/ parses and round-trips. */
static void test_samples(void)
{
	static const char dir[] = "tests/scripts/parse";
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d) {
		ok(1, "# SKIP %s not found (run from the top directory)", dir);
		return;
	}
	while ((e = readdir(d))) {
		char path[512], *src = NULL, *dump, *arg = "an argument";
		size_t len = 0;
		FILE *f;

		if (!strstr(e->d_name, ".stp"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		f = fopen(path, "r");
		if (!f || getdelim(&src, &len, '\0', f) < 0) {
			ok(0, "read %s", path);
			if (f)
				fclose(f);
			free(src);
			continue;
		}
		fclose(f);
		dump = parse_round_trip(path, src, &arg, 1);
		ok(dump != NULL, "%s parses and round-trips", path);
		free(dump);
		free(src);
		n++;
	}
	closedir(d);
	ok(n >= 5, "%d sample scripts", n);
}

int main(void)
{
	test_lexer();
	test_lexer_arguments();
	test_ok_cases();
	test_err_cases();
	test_kernel_version();
	test_fields();
	test_positions();
	test_limits();
	test_error_print();
	test_samples();
	return tap_done();
}
