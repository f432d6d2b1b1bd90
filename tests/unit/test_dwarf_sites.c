/* test_dwarf_sites.c: addresses of a source line's statements and of inlined copies. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dwarf/dwarf.h"
#include "sym/sym.h"
#include "tests/tap.h"

#define INLINE_BIN "build/targets/inline-O2"
#define CALLS_BIN "build/targets/calls"

/* The number of the first line of source file PATH containing TEXT, or 0. */
static int find_line(const char *path, const char *text)
{
	char buf[512];
	int lineno = 0;
	FILE *f = fopen(path, "r");

	if (!f) {
		printf("# %s: %s\n", path, strerror(errno));
		return 0;
	}
	while (fgets(buf, sizeof(buf), f)) {
		lineno++;
		if (strstr(buf, text)) {
			fclose(f);
			return lineno;
		}
	}
	fclose(f);
	printf("# %s: no line contains '%s'\n", path, text);
	return 0;
}

/* Whether ADDR lies in function symbol NAME of MOD. */
static bool in_func(const struct sym_module *mod, const char *name, uint64_t addr)
{
	struct sym_symbol s;

	return sym_lookup_name(mod, name, &s) == 0 && addr >= s.vaddr && addr < s.vaddr + s.size;
}

static bool sorted_unique(const uint64_t *addrs, size_t n)
{
	size_t i;

	for (i = 1; i < n; i++)
		if (addrs[i - 1] >= addrs[i])
			return false;
	return true;
}

static bool open_both(const char *path, struct dwarf_module **dm, struct sym_module **mod)
{
	char err[256];
	int ret;

	if (access(path, R_OK) != 0) {
		printf("ok %d # SKIP %s not built (make targets)\n", ++tap_count, path);
		return false;
	}
	ret = dwarf_module_open(path, dm);
	is_int(ret, 0, "%s: dwarf_module_open", path);
	if (ret < 0)
		return false;
	ret = sym_module_open(path, path, mod, err, sizeof(err));
	is_int(ret, 0, "%s: sym_module_open (%s)", path, ret < 0 ? err : "ok");
	if (ret < 0) {
		dwarf_module_close(*dm);
		return false;
	}
	return true;
}

/* -O2: sq() inlined into f1 and f2; the marked line of main's loop. */
static void test_inline(void)
{
	struct dwarf_module *dm;
	struct sym_module *mod;
	struct dwarf_line *lines;
	uint64_t *addrs;
	size_t n, nlines, i;
	bool inside, f1 = false, f2 = false;
	int ret, line, comment;

	if (!open_both(INLINE_BIN, &dm, &mod))
		return;

	ret = dwarf_inline_sites(dm, "sq", &addrs, &n);
	is_int(ret, 0, "inline sites of sq");
	ok(ret == 0 && n >= 2, "sq is inlined in at least two places (%zu)", ret == 0 ? n : 0);
	inside = ret == 0;
	for (i = 0; ret == 0 && i < n; i++) {
		printf("# sq inlined at %#lx\n", (unsigned long)addrs[i]);
		f1 |= in_func(mod, "f1", addrs[i]);
		f2 |= in_func(mod, "f2", addrs[i]);
		inside &= in_func(mod, "f1", addrs[i]) || in_func(mod, "f2", addrs[i]);
	}
	ok(inside, "every inlined copy of sq is inside f1 or f2");
	ok(f1 && f2, "sq has a copy in f1 and one in f2");
	ok(ret == 0 && sorted_unique(addrs, n), "sites sorted, no duplicates");
	if (ret == 0)
		free(addrs);

	ret = dwarf_inline_sites(dm, "f1", &addrs, &n);
	ok(ret == 0 && n == 0, "f1 (noinline) has no inlined copies");
	if (ret == 0)
		free(addrs);
	ret = dwarf_inline_sites(dm, "no_such_function", &addrs, &n);
	ok(ret == 0 && n == 0, "unknown function: no inlined copies");
	if (ret == 0)
		free(addrs);

	line = find_line("targets/inline.c", "/* LINE-PROBE */");
	ok(line > 0, "LINE-PROBE marker found in targets/inline.c (line %d)", line);
	ret = dwarf_line_addrs(dm, "inline.c", line, &addrs, &n);
	is_int(ret, 0, "line addresses of inline.c:%d", line);
	ok(ret == 0 && n >= 1, "the marked line has code (%zu addresses)", ret == 0 ? n : 0);
	inside = ret == 0;
	for (i = 0; ret == 0 && i < n; i++) {
		printf("# inline.c:%d at %#lx\n", line, (unsigned long)addrs[i]);
		inside &= in_func(mod, "main", addrs[i]);
	}
	ok(inside, "every address of the marked line is inside main");
	ok(ret == 0 && sorted_unique(addrs, n), "line addresses sorted, no duplicates");
	/* The listing's address for the line is the lowest of them. */
	if (ret == 0 && dwarf_lines_find(dm, "targets/inline.c", &lines, &nlines) == 0) {
		for (i = 0; i < nlines && lines[i].line != line; i++)
			;
		ok(i < nlines && n && lines[i].addr == addrs[0],
		   "dwarf_lines_find lists the line at its lowest address");
		dwarf_lines_free(lines, nlines);
	}
	if (ret == 0)
		free(addrs);

	comment = find_line("targets/inline.c", "How many times sq's body ran");
	ok(comment > 0, "comment line found (line %d)", comment);
	ret = dwarf_line_addrs(dm, "targets/inline.c", comment, &addrs, &n);
	ok(ret == 0 && n == 0, "a comment line has no code (ret %d, n %zu)", ret, ret == 0 ? n : 0);
	if (ret == 0)
		free(addrs);

	ret = dwarf_line_addrs(dm, "nosuch.c", line, &addrs, &n);
	is_int(ret, -ENOENT, "unknown file: -ENOENT");
	ret = dwarf_line_addrs(dm, "line.c", line, &addrs, &n);
	is_int(ret, -ENOENT, "a partial file name component does not match: -ENOENT");

	sym_module_close(mod);
	dwarf_module_close(dm);
}

/* -O0: the loop header gives one address per block it is compiled into. */
static void test_calls(void)
{
	struct dwarf_module *dm;
	struct sym_module *mod;
	uint64_t *addrs;
	size_t n, i;
	bool inside;
	int ret, line;

	if (!open_both(CALLS_BIN, &dm, &mod))
		return;

	line = find_line("targets/calls.c", "for (i = 0; i < n; i++) {");
	ok(line > 0, "loop header found in targets/calls.c (line %d)", line);
	ret = dwarf_line_addrs(dm, "calls.c", line, &addrs, &n);
	is_int(ret, 0, "line addresses of calls.c:%d", line);
	ok(ret == 0 && n >= 2, "the loop header begins statements in two blocks at least (%zu)",
	   ret == 0 ? n : 0);
	inside = ret == 0;
	for (i = 0; ret == 0 && i < n; i++) {
		printf("# calls.c:%d at %#lx\n", line, (unsigned long)addrs[i]);
		inside &= in_func(mod, "main", addrs[i]);
	}
	ok(inside, "every address of the loop header is inside main");
	ok(ret == 0 && sorted_unique(addrs, n), "sorted, no duplicates");
	if (ret == 0)
		free(addrs);

	line = find_line("targets/calls.c", "return i + p->a * p->b;");
	ret = dwarf_line_addrs(dm, "targets/calls.c", line, &addrs, &n);
	ok(ret == 0 && n == 1 && in_func(mod, "work", addrs[0]),
	   "the one statement of work() has one address, inside work");
	if (ret == 0)
		free(addrs);

	ret = dwarf_inline_sites(dm, "work", &addrs, &n);
	ok(ret == 0 && n == 0, "nothing inlined at -O0");
	if (ret == 0)
		free(addrs);
	ret = dwarf_line_addrs(dm, "inline.c", 1, &addrs, &n);
	is_int(ret, -ENOENT, "a file of another binary: -ENOENT");

	sym_module_close(mod);
	dwarf_module_close(dm);
}

int main(void)
{
	test_inline();
	test_calls();
	return tap_done();
}
