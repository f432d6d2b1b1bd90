/* test_sym.c: symbol lookup by name and offset, against this process and against stripped copies.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "proc/maps.h"
#include "sym/sym.h"
#include "tests/tap.h"

int main(void);

/* A function as hand-written assembly often leaves it: no .size. */
__asm__(".text\n"
	".globl test_sym_unsized\n"
	".type test_sym_unsized, @function\n"
	"test_sym_unsized:\n"
	".fill 16, 1, 0x90\n"
	"ret\n");

static __attribute__((noinline, used)) int test_sym_static_fn(int x)
{
	__asm__ volatile("" : "+r"(x));
	return x * 7 + 3;
}

/* The address at which the mapping of MODULE_ANY's file holds OFF. */
static uint64_t runtime_addr(const struct proc_maps *maps, const struct proc_map *module_any,
			     uint64_t off)
{
	const struct proc_map *m = proc_maps_find_offset(maps, module_any, off);

	return m ? m->start + (off - m->pgoff) : 0;
}

static const struct proc_map *find_by_path(const struct proc_maps *maps, const char *path)
{
	size_t i;

	for (i = 0; i < maps->n; i++) {
		if (strcmp(maps->map[i].path, path) == 0)
			return &maps->map[i];
	}
	return NULL;
}

static bool same_inode(const struct proc_map *a, const struct proc_map *b)
{
	return a->dev == b->dev && a->ino == b->ino;
}

/* The way utap opens a tracee's files, whatever its mount namespace. */
static void test_via_proc_root(const char *exe, const struct sym_module *self)
{
	struct sym_symbol a, b;
	struct sym_module *mod;
	char path[PATH_MAX + 32], err[256];
	int ret;

	snprintf(path, sizeof(path), "/proc/%d/root%s", (int)getpid(), exe);
	ret = sym_module_open(path, exe, &mod, err, sizeof(err));
	is_int(ret, 0, "open through /proc/PID/root (%s)", ret ? err : "ok");
	if (ret)
		return;
	ok(sym_lookup_name(mod, "test_sym_static_fn", &a) == 0 &&
	       sym_lookup_name(self, "test_sym_static_fn", &b) == 0 &&
	       a.file_offset == b.file_offset,
	   "same offsets as through /proc/self/exe");
	is_str(sym_module_path(mod), exe, "shown under the tracee's own path");
	sym_module_close(mod);
}

static void test_self(const struct proc_maps *maps)
{
	char err[256], exe[PATH_MAX];
	struct sym_module *mod = NULL;
	const struct proc_map *any;
	struct sym_symbol s, back;
	uint64_t delta;
	int ret;

	ret = sym_module_open("/proc/self/exe", "self", &mod, err, sizeof(err));
	is_int(ret, 0, "open /proc/self/exe (%s)", ret ? err : "ok");
	if (ret)
		return;
	is_str(sym_module_path(mod), "self", "display path kept");
	ok(sym_module_has_symtab(mod), "the test binary has a .symtab");
	any = realpath("/proc/self/exe", exe) ? find_by_path(maps, exe) : NULL;
	ok(any != NULL, "the executable is in /proc/self/maps");
	if (!any)
		goto out;

	ret = sym_lookup_name(mod, "main", &s);
	is_int(ret, 0, "main found");
	if (!ret)
		is_int(runtime_addr(maps, any, s.file_offset), (uintptr_t)main,
		       "main: file offset maps to its runtime address");
	if (!ret) {
		unsigned char bytes[16];

		ok(sym_read(mod, s.file_offset, bytes, sizeof(bytes)) == sizeof(bytes) &&
		       memcmp(bytes, (const void *)(uintptr_t)main, sizeof(bytes)) == 0,
		   "sym_read at main's offset gives the code that runs");
		ok(sym_offset_to_vaddr(mod, s.file_offset, &delta) == 0 && delta == s.vaddr,
		   "offset -> vaddr -> offset round trip");
	}
	ret = sym_lookup_name(mod, "test_sym_static_fn", &s);
	is_int(ret, 0, "static function found");
	if (!ret) {
		is_int(runtime_addr(maps, any, s.file_offset), (uintptr_t)test_sym_static_fn,
		       "static function: file offset maps to its runtime address");
		ok(s.size > 0, "static function is sized");
		ret = sym_lookup_offset(mod, s.file_offset + 1, &back, &delta);
		ok(ret == 0 && strcmp(back.name, "test_sym_static_fn") == 0 && delta == 1,
		   "offset + 1 resolves back to it with delta 1");
	}
	is_int(sym_lookup_name(mod, "no_such_function_xyz", &s), -ENOENT, "unknown name: ENOENT");
	test_via_proc_root(exe, mod);

	ret = sym_lookup_name(mod, "test_sym_unsized", &s);
	ok(ret == 0 && s.size == 0, "a function without .size is found, size 0");
	if (!ret) {
		ret = sym_lookup_offset(mod, s.file_offset + 9, &back, &delta);
		ok(ret == 0 && strcmp(back.name, "test_sym_unsized") == 0 && delta == 9,
		   "it extends to the next symbol: offset + 9 is inside it");
	}
	if (sym_lookup_name(mod, "main", &s) == 0)
		ok(sym_module_is_pie(mod) == (s.vaddr != (uintptr_t)main),
		   "PIE exactly when main does not run at its link-time address");
out:
	sym_module_close(mod);
}

/* LABEL says where the symbols are expected to come from: .dynsym, or
 * debuginfo (when libc6-dbg is installed). */
static void test_libc(const struct proc_maps *maps, const char *label)
{
	const struct proc_map *any = NULL, *where;
	struct sym_module *mod = NULL;
	const char *names[5];
	struct sym_symbol s, back;
	char err[256];
	uint64_t delta;
	int ret, n, i, found = 0, dups = 0;
	size_t k;

	for (k = 0; k < maps->n && !any; k++) {
		if (sym_bin_matches("libc", maps->map[k].path))
			any = &maps->map[k];
	}
	ok(any != NULL, "libc is mapped");
	if (!any)
		return;
	ret = sym_module_open(any->path, any->path, &mod, err, sizeof(err));
	is_int(ret, 0, "%s: open %s (%s)", label, any->path, ret ? err : "ok");
	if (ret)
		return;
	printf("# %s: libc symbols from %s\n", label,
	       sym_module_has_symtab(mod) ? ".symtab" : ".dynsym");

	ret = sym_lookup_name(mod, "malloc", &s);
	is_int(ret, 0, "malloc found in libc");
	if (ret)
		goto out;
	where = proc_maps_find_addr(maps, (uintptr_t)malloc);
	if (where && same_inode(where, any))
		is_int(runtime_addr(maps, any, s.file_offset), (uintptr_t)malloc,
		       "malloc: file offset maps to its runtime address");
	else
		printf("ok %d - # SKIP malloc is interposed by %s\n", ++tap_count,
		       where ? where->path : "?");
	ret = sym_lookup_offset(mod, s.file_offset, &back, &delta);
	ok(ret == 0 && delta == 0 && back.file_offset == s.file_offset,
	   "malloc's offset resolves back to a symbol at that offset");
	if (!ret)
		is_str(back.name, "malloc", "the alias chosen is malloc, not __libc_malloc");
	ok(sym_lookup_name(mod, "malloc@@GLIBC_2.2.5", &back) == 0 &&
	       back.file_offset == s.file_offset,
	   "malloc@@GLIBC_2.2.5 names malloc");
	ret = sym_lookup_name(mod, "memcpy", &s);
	is_int(ret, 0, "memcpy (an IFUNC) found");
	ret = sym_lookup_name(mod, "memcpy@GLIBC_2.2.5", &back);
	ok(ret == 0 && back.file_offset != s.file_offset,
	   "memcpy@GLIBC_2.2.5 is the compat version, not the default one");

	n = sym_suggest(mod, "mallok", names, 5);
	ok(n > 0, "suggestions for mallok");
	for (i = 0; i < n; i++) {
		found |= strcmp(names[i], "malloc") == 0;
		for (k = 0; k < (size_t)i; k++)
			dups |= strcmp(names[i], names[k]) == 0;
	}
	ok(found, "mallok suggests malloc");
	ok(n > 0 && strcmp(names[0], "malloc") == 0, "malloc is the best suggestion");
	ok(!dups, "no duplicate suggestions");
	is_int(sym_suggest(mod, "zzqqxxjj_not_a_name", names, 5), 0, "nothing like garbage");
	/* two swapped letters are one typo, even in a short name */
	n = sym_suggest(mod, "fere", names, 5);
	ok(n > 0 && strcmp(names[0], "free") == 0, "fere suggests free first");
	n = sym_suggest(mod, "mlaloc", names, 5);
	ok(n > 0 && strcmp(names[0], "malloc") == 0, "mlaloc suggests malloc first");
out:
	sym_module_close(mod);
}

static void test_errors(void)
{
	struct sym_module *mod = NULL;
	char err[256];
	int ret;

	ret = sym_module_open("/etc/passwd", "/etc/passwd", &mod, err, sizeof(err));
	is_int(ret, -ENOEXEC, "/etc/passwd is refused");
	is_str(err, "not an ELF file", "with 'not an ELF file'");
	ok(mod == NULL, "and no module");
	ret = sym_module_open("/nonexistent/utap", "/nonexistent/utap", &mod, err, sizeof(err));
	is_int(ret, -ENOENT, "a missing file gives ENOENT");
	is_str(err, strerror(ENOENT), "with strerror's text");
}

static void test_bin_matches(void)
{
	static const struct {
		const char *bin, *path;
		bool match;
	} cases[] = {
	    {"libc", "/usr/lib/x86_64-linux-gnu/libc.so.6", true},
	    {"libc", "/lib/libc-2.36.so", true},
	    {"libc", "/usr/lib/x86_64-linux-gnu/libcap.so.2", false},
	    {"libc.so.6", "/usr/lib/x86_64-linux-gnu/libc.so.6", true},
	    {"libc.so", "/usr/lib/x86_64-linux-gnu/libc.so.6", true},
	    {"libpthread", "/lib/x86_64-linux-gnu/libpthread.so.0", true},
	    {"prog", "/home/u/prog", true},
	    {"prog", "/home/u/program", false},
	    {"prog", "/home/u/prog-2", true},
	    {"/home/u/prog", "/home/u/prog", true},
	    {"/home//u/./prog", "/home/u/prog", true},
	    {"./prog", "prog", true},
	    {"./prog", "/home/u/prog", false},
	    {"u/prog", "/home/u/prog", false},
	    {"/other/prog", "/home/u/prog", false},
	    {"", "/home/u/prog", false},
	    {"libc", "", false},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		is_int(sym_bin_matches(cases[i].bin, cases[i].path), cases[i].match,
		       "bin '%s' %s '%s'", cases[i].bin,
		       cases[i].match ? "matches" : "does not match", cases[i].path);
}

int main(void)
{
	struct proc_maps maps;
	int ret;

	ret = proc_maps_read(getpid(), &maps);
	is_int(ret, 0, "read /proc/self/maps");
	if (ret)
		return tap_done();
	test_self(&maps);
	test_libc(&maps, "default debug root");
	/* No debuginfo there: libc's .dynsym and its symbol versions. */
	sym_set_debug_root("/nonexistent");
	test_libc(&maps, "no debuginfo");
	sym_set_debug_root(NULL);
	test_errors();
	test_bin_matches();
	proc_maps_free(&maps);
	return tap_done();
}
