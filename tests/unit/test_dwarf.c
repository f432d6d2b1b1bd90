/* test_dwarf.c: functions, C type spellings, entry locations and lines from DWARF, at -O0 and -O2.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dwarf/dwarf.h"
#include "tests/tap.h"
#include "tests/unit/helpers.h"

/* The program the test compiles: one parameter or local per type spelling. */
static const char prog_src[] =
    "enum color { RED, GREEN };\n"
    "struct pair { long a; long b; };\n"
    "union u { int i; float f; };\n"
    "typedef unsigned long ulong_t;\n"
    "static inline __attribute__((always_inline)) int twice(int x) { return 2 * x; }\n"
    "__attribute__((noinline, noipa)) long kinds(int i, struct pair *p, const char *s,\n"
    "	enum color c, unsigned long ul, union u *up, void (*fn)(int), char *const cp,\n"
    "	ulong_t t, int (*ap)[4], const struct pair *cpp)\n"
    "{\n"
    "	int arr[4] = { 1, 2, 3, 4 };\n"
    "	return i + p->a + s[0] + c + ul + up->i + arr[i & 3] + (fn ? 1 : 0) + cp[0] + t\n"
    "		+ (*ap)[0] + cpp->b + twice(i);\n"
    "}\n"
    "int main(int argc, char **argv)\n"
    "{\n"
    "	struct pair p = { 1, 2 };\n"
    "	union u v = { 3 };\n"
    "	int a4[4] = { 0 };\n"
    "	return (int)kinds(argc, &p, argv[0], GREEN, 5, &v, 0, argv[0], 6, &a4, &p);\n"
    "}\n";

/* Line of the body of kinds() that declares arr: the listing must have it. */
#define ARR_LINE 10
#define KINDS_LINE 6

static char tmp[256];

static const struct dwarf_var *var(const struct dwarf_func *f, const char *name)
{
	size_t i;

	for (i = 0; f && i < f->nvars; i++)
		if (strcmp(f->vars[i].name, name) == 0)
			return &f->vars[i];
	return NULL;
}

static const struct dwarf_func *func(const struct dwarf_func *funcs, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(funcs[i].name, name) == 0)
			return &funcs[i];
	return NULL;
}

/* Expected C spelling of each variable of kinds(). */
static const struct {
	const char *name, *type;
	bool param;
} kinds_vars[] = {
    {"i", "int", true},
    {"p", "struct pair *", true},
    {"s", "const char *", true},
    {"c", "enum color", true},
    {"ul", "unsigned long", true},
    {"up", "union u *", true},
    {"fn", "void (*)(int)", true},
    {"cp", "char *const", true},
    {"t", "ulong_t", true},
    {"ap", "int (*)[4]", true},
    {"cpp", "const struct pair *", true},
    {"arr", "int[4]", false},
};

static void check_types(const char *path, const char *opt)
{
	struct dwarf_module *dm;
	struct dwarf_func *funcs;
	const struct dwarf_func *f, *g;
	const struct dwarf_var *v;
	size_t n, i;

	if (dwarf_module_open(path, &dm) != 0) {
		ok(0, "%s: DWARF opens", opt);
		return;
	}
	is_int(dwarf_funcs_find(dm, "*", true, &funcs, &n), 0, "%s: functions listed", opt);
	f = func(funcs, n, "kinds");
	ok(f && !f->inlined && f->addr, "%s: kinds() has an out-of-line copy", opt);
	is_str(f ? f->file : NULL, "prog.c", "%s: kinds() file", opt);
	is_int(f ? f->line : 0, KINDS_LINE, "%s: kinds() line", opt);
	for (i = 0; i < sizeof(kinds_vars) / sizeof(kinds_vars[0]); i++) {
		v = var(f, kinds_vars[i].name);
		is_str(v ? v->type : NULL, kinds_vars[i].type, "%s: %s is %s", opt,
		       kinds_vars[i].name, kinds_vars[i].type);
		ok(v && v->param == kinds_vars[i].param, "%s: %s is a %s", opt, kinds_vars[i].name,
		   kinds_vars[i].param ? "parameter" : "local");
	}
	ok(f && f->nvars && f->vars[0].param && strcmp(f->vars[0].name, "i") == 0,
	   "%s: parameters come first, in order", opt);
	if (strcmp(opt, "-O0") == 0) {
		/* gcc's frame base at -O0 is the CFA; every variable lives off it
		 * (below it, or above it for the 7th parameter on). */
		for (i = 0; f && i < f->nvars; i++)
			ok(strncmp(f->vars[i].where, "CFA", 3) == 0, "-O0: %s at %s (frame base)",
			   f->vars[i].name, f->vars[i].where);
	} else {
		v = var(f, "i");
		is_str(v ? v->where : NULL, "%di", "-O2: i in %%di at entry");
		v = var(f, "p");
		is_str(v ? v->where : NULL, "%si", "-O2: p in %%si at entry");
		v = var(f, "c");
		is_str(v ? v->where : NULL, "%cx", "-O2: c in %%cx at entry");
	}
	g = func(funcs, n, "twice");
	ok(g && g->inlined && !g->addr, "%s: twice() listed as inlined only", opt);
	is_int(g ? g->line : 0, 5, "%s: twice() line", opt);
	for (i = 1; i < n; i++)
		if (strcmp(funcs[i - 1].name, funcs[i].name) > 0)
			break;
	ok(i >= n, "%s: sorted by name", opt);
	dwarf_funcs_free(funcs, n);

	is_int(dwarf_funcs_find(dm, "kin?s", false, &funcs, &n), 0, "%s: glob", opt);
	ok(n == 1 && funcs[0].nvars == 0, "%s: glob kin?s finds kinds, no variables asked", opt);
	dwarf_funcs_free(funcs, n);
	is_int(dwarf_funcs_find(dm, "nothing*", false, &funcs, &n), 0, "%s: no match", opt);
	is_int(n, 0, "%s: no match is an empty list", opt);
	dwarf_funcs_free(funcs, n);
	dwarf_module_close(dm);
}

static void check_lines(const char *path)
{
	struct dwarf_module *dm;
	struct dwarf_line *lines;
	size_t n, i;
	bool sorted = true, has_arr = false;

	if (dwarf_module_open(path, &dm) != 0) {
		ok(0, "lines: DWARF opens");
		return;
	}
	is_int(dwarf_lines_find(dm, "prog.c", &lines, &n), 0, "lines of prog.c");
	ok(n > 5, "prog.c has probe-able lines (%zu)", n);
	for (i = 0; i < n; i++) {
		if (i && lines[i - 1].line >= lines[i].line)
			sorted = false;
		if (lines[i].line == ARR_LINE)
			has_arr = lines[i].addr != 0;
	}
	ok(sorted, "one row per line, sorted");
	ok(has_arr, "line %d (int arr[4] = ...) is probe-able", ARR_LINE);
	dwarf_lines_free(lines, n);
	is_int(dwarf_lines_find(dm, "rog.c", &lines, &n), 0, "partial name");
	is_int(n, 0, "rog.c does not match prog.c");
	dwarf_lines_free(lines, n);
	dwarf_module_close(dm);
}

/* Stripped: no DWARF; with a .gnu_debuglink next to it: found there. */
static void check_separate(void)
{
	struct dwarf_module *dm;
	struct dwarf_func *funcs;
	char path[PATH_MAX];
	size_t n;

	if (!run("cd %s && objcopy --only-keep-debug prog-O2 prog.debug && "
		 "objcopy --strip-all prog-O2 bare && "
		 "objcopy --strip-all --add-gnu-debuglink=prog.debug prog-O2 linked",
		 tmp)) {
		ok(0, "stripped copies made");
		return;
	}
	snprintf(path, sizeof(path), "%s/bare", tmp);
	is_int(dwarf_module_open(path, &dm), -ENODATA, "stripped: no DWARF (-ENODATA)");
	snprintf(path, sizeof(path), "%s/linked", tmp);
	is_int(dwarf_module_open(path, &dm), 0, "debuglink: DWARF found");
	if (!dm)
		return;
	ok(strstr(dwarf_module_file(dm), "prog.debug") != NULL, "read from %s",
	   dwarf_module_file(dm));
	is_int(dwarf_funcs_find(dm, "kinds", true, &funcs, &n), 0, "debuglink: kinds listed");
	ok(n == 1 && var(&funcs[0], "p") && strcmp(var(&funcs[0], "p")->where, "%si") == 0,
	   "debuglink: p in %%si");
	dwarf_funcs_free(funcs, n);
	dwarf_module_close(dm);
}

/* The calls target the e2e tests trace: work(int i, struct pair *p). */
static void check_calls_target(void)
{
	const char *dir = getenv("UTAP_TARGETS") ? getenv("UTAP_TARGETS") : "build/targets";
	struct dwarf_module *dm;
	struct dwarf_func *funcs;
	char path[PATH_MAX];
	size_t n;

	snprintf(path, sizeof(path), "%s/calls-O2", dir);
	if (access(path, R_OK) != 0) {
		printf("ok %d # SKIP %s not built (make targets)\n", ++tap_count, path);
		return;
	}
	is_int(dwarf_module_open(path, &dm), 0, "calls-O2: DWARF opens");
	if (!dm)
		return;
	is_int(dwarf_funcs_find(dm, "work", true, &funcs, &n), 0, "calls-O2: work listed");
	ok(n == 1 && funcs[0].nvars == 2, "calls-O2: one work() with two parameters");
	if (n == 1 && funcs[0].nvars == 2) {
		is_str(funcs[0].vars[0].name, "i", "calls-O2: first parameter i");
		is_str(funcs[0].vars[0].where, "%di", "calls-O2: i in %%di");
		is_str(funcs[0].vars[1].type, "struct pair *", "calls-O2: p is struct pair *");
		is_str(funcs[0].vars[1].where, "%si", "calls-O2: p in %%si");
	}
	dwarf_funcs_free(funcs, n);
	dwarf_module_close(dm);
}

int main(void)
{
	char path[PATH_MAX];

	snprintf(tmp, sizeof(tmp), "/tmp/utap-test-dwarf.XXXXXX");
	if (!mkdtemp(tmp)) {
		printf("1..0 # SKIP mkdtemp: %s\n", strerror(errno));
		return 0;
	}
	if (!run("cd %s && cat > prog.c <<'EOF'\n%sEOF\n", tmp, prog_src) ||
	    !run("cd %s && cc -g -O0 -fcf-protection=none -o prog-O0 prog.c && "
		 "cc -g -O2 -fcf-protection=none -o prog-O2 prog.c",
		 tmp)) {
		printf("1..0 # SKIP cannot compile the test program\n");
		run("rm -rf %s", tmp);
		return 0;
	}
	snprintf(path, sizeof(path), "%s/prog-O0", tmp);
	check_types(path, "-O0");
	check_lines(path);
	snprintf(path, sizeof(path), "%s/prog-O2", tmp);
	check_types(path, "-O2");
	check_separate();
	check_calls_target();
	run("rm -rf %s", tmp);
	return tap_done();
}
