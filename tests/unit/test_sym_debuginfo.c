/* test_sym_debuginfo.c: stripped binaries fall back to .dynsym, or find their debuginfo by build-id
 * or .gnu_debuglink. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <elfutils/libdwelf.h>
#include <gelf.h>

#include "sym/sym.h"
#include "tests/tap.h"
#include "tests/unit/helpers.h"

/* The program the test builds, strips and looks into. */
static const char prog_src[] =
    "#include <stdio.h>\n"
    "static __attribute__((noinline)) int helper_static(int x)\n"
    "{ __asm__ volatile(\"\" : \"+r\"(x)); return x * 3 + VARIANT; }\n"
    "__attribute__((noinline)) int helper_global(int x) { return helper_static(x) + 2; }\n"
    "int main(int argc, char **argv) { (void)argv; printf(\"%d\\n\", helper_global(argc)); return "
    "0; }\n";

static char tmp[256]; /* short, so paths built from it fit PATH_MAX */

/* Offset of NAME in the file at PATH, or 0 (with *HAS_SYMTAB set) if not found. */
static uint64_t offset_of(const char *path, const char *name, bool *has_symtab)
{
	struct sym_module *mod;
	struct sym_symbol s;
	uint64_t off = 0;
	char err[256];

	*has_symtab = false;
	if (sym_module_open(path, path, &mod, err, sizeof(err)) < 0) {
		printf("# open %s: %s\n", path, err);
		return 0;
	}
	*has_symtab = sym_module_has_symtab(mod);
	if (sym_lookup_name(mod, name, &s) == 0)
		off = s.file_offset;
	sym_module_close(mod);
	return off;
}

/* "ab/cdef..." from the build-id note of PATH; false if it has none. */
static bool build_id_path(const char *path, char *out, size_t size)
{
	const unsigned char *id;
	size_t len = 0;
	ssize_t n, i;
	Elf *elf;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		return false;
	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ, NULL);
	n = elf ? dwelf_elf_gnu_build_id(elf, (const void **)&id) : -1;
	for (i = 0; i < n && len + 4 < size; i++)
		len += (size_t)snprintf(out + len, size - len, i == 1 ? "/%02x" : "%02x", id[i]);
	if (elf)
		elf_end(elf);
	close(fd);
	return n > 1;
}

static bool compile(const char *out, const char *flags)
{
	char src[PATH_MAX];
	FILE *f;

	snprintf(src, sizeof(src), "%s/prog.c", tmp);
	f = fopen(src, "w");
	if (!f)
		return false;
	fputs(prog_src, f);
	fclose(f);
	return run("gcc -O1 -g -rdynamic %s -o '%s' '%s'", flags, out, src);
}

static void test_strip_and_build_id(void)
{
	char prog[PATH_MAX], stripped[PATH_MAX], other[PATH_MAX], id[128], root[PATH_MAX];
	uint64_t off_static, off_global, off;
	bool has_symtab;

	snprintf(prog, sizeof(prog), "%s/prog", tmp);
	snprintf(stripped, sizeof(stripped), "%s/prog.stripped", tmp);
	snprintf(other, sizeof(other), "%s/prog.other", tmp);
	snprintf(root, sizeof(root), "%s/root", tmp);
	if (!compile(prog, "-DVARIANT=1 -Wl,--build-id") ||
	    !compile(other, "-DVARIANT=5 -Wl,--build-id") ||
	    !run("objcopy --strip-all '%s' '%s'", prog, stripped) ||
	    !build_id_path(prog, id, sizeof(id))) {
		ok(0, "build and strip a test program");
		return;
	}
	sym_set_debug_root(root);

	off_static = offset_of(prog, "helper_static", &has_symtab);
	off_global = offset_of(prog, "helper_global", &has_symtab);
	ok(has_symtab && off_static && off_global, "unstripped: both functions from .symtab");

	off = offset_of(stripped, "helper_static", &has_symtab);
	ok(!has_symtab, "stripped, no debuginfo: no .symtab");
	is_int(off, 0, "stripped: the static function is gone");
	is_int(offset_of(stripped, "helper_global", &has_symtab), off_global,
	       "stripped: the exported function is found in .dynsym, same offset");

	/* A debuginfo file of another build at our build-id's place is refused. */
	run("mkdir -p '%s/.build-id/%.2s'", root, id);
	run("objcopy --only-keep-debug '%s' '%s/.build-id/%s.debug'", other, root, id);
	offset_of(stripped, "helper_static", &has_symtab);
	ok(!has_symtab, "build-id: debuginfo of another build is refused");

	run("objcopy --only-keep-debug '%s' '%s/.build-id/%s.debug'", prog, root, id);
	off = offset_of(stripped, "helper_static", &has_symtab);
	ok(has_symtab, "build-id: debuginfo found under the debug root");
	is_int(off, off_static, "build-id: static function at the unstripped file's offset");
	sym_set_debug_root(NULL);
}

/* Without a build-id the debuglink CRC is all that ties the two files. */
static void test_debuglink(void)
{
	char dir[512], prog[PATH_MAX], stripped[PATH_MAX], root[PATH_MAX];
	uint64_t off_static, off;
	bool has_symtab;

	snprintf(dir, sizeof(dir), "%s/nb", tmp);
	snprintf(prog, sizeof(prog), "%s/prog2", dir);
	snprintf(stripped, sizeof(stripped), "%s/prog2.s", dir);
	snprintf(root, sizeof(root), "%s/root2", tmp);
	if (!run("mkdir -p '%s/.debug' '%s%s'", dir, root, dir) ||
	    !compile(prog, "-DVARIANT=2 -Wl,--build-id=none") ||
	    !run("cd '%s' && objcopy --only-keep-debug prog2 prog2.debug && "
		 "objcopy --strip-all --add-gnu-debuglink=prog2.debug prog2 prog2.s",
		 dir)) {
		ok(0, "build a program without build-id, with a debuglink");
		return;
	}
	sym_set_debug_root(root);
	off_static = offset_of(prog, "helper_static", &has_symtab);
	ok(off_static != 0, "unstripped: static function found");

	off = offset_of(stripped, "helper_static", &has_symtab);
	ok(has_symtab && off == off_static, "debuglink: found next to the file");

	run("mv '%s/prog2.debug' '%s/.debug/'", dir, dir);
	off = offset_of(stripped, "helper_static", &has_symtab);
	ok(has_symtab && off == off_static, "debuglink: found in .debug/ next to the file");

	run("mv '%s/.debug/prog2.debug' '%s%s/'", dir, root, dir);
	off = offset_of(stripped, "helper_static", &has_symtab);
	ok(has_symtab && off == off_static, "debuglink: found under <debug root>/<dir>/");

	run("printf x >> '%s%s/prog2.debug'", root, dir);
	offset_of(stripped, "helper_static", &has_symtab);
	ok(!has_symtab, "debuglink: a file whose CRC differs is refused");
	sym_set_debug_root(NULL);
}

int main(void)
{
	snprintf(tmp, sizeof(tmp), "%s/utap-sym-XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (system("gcc --version >/dev/null 2>&1") != 0 ||
	    system("objcopy --version >/dev/null 2>&1") != 0) {
		printf("1..0 # SKIP gcc or objcopy not installed\n");
		return 0;
	}
	if (!mkdtemp(tmp)) {
		ok(0, "mkdtemp: %s", strerror(errno));
		return tap_done();
	}
	test_strip_and_build_id();
	test_debuglink();
	run("rm -rf '%s'", tmp);
	return tap_done();
}
