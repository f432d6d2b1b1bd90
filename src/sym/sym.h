/* sym.h: ELF modules (executables, libraries): symbols, file offsets, debuginfo. */
#ifndef UTAP_SYM_H
#define UTAP_SYM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct sym_module; /* one opened ELF file plus its separate debuginfo, if any */

struct sym_symbol {
	const char *name;     /* owned by the module */
	uint64_t vaddr;       /* st_value: link-time virtual address */
	uint64_t size;        /* st_size (0 if unknown) */
	uint64_t file_offset; /* where its first byte lies in the file */
};

/* Open the ELF file at OPEN_PATH (a path utap can open, e.g. under
 * /proc/PID/root); DISPLAY_PATH is the name shown to users. Loads .symtab
 * (from the file or from separate debuginfo found by build-id under
 * /usr/lib/debug/.build-id/ or by .gnu_debuglink), falling back to .dynsym
 * for stripped files; function symbols are kept sorted for binary search.
 * Returns 0, or -errno with a one-line reason in ERR ("not an ELF file",
 * "No such file or directory", ...). */
int sym_module_open(const char *open_path, const char *display_path,
		    struct sym_module **out, char *err, size_t errlen);
void sym_module_close(struct sym_module *mod);

/* Where separate debuginfo is looked for (<dir>/.build-id/xx/rest.debug and
 * <dir>/<directory of the file>/<debuglink>); NULL restores /usr/lib/debug.
 * Applies to modules opened afterwards. */
void sym_set_debug_root(const char *dir);

const char *sym_module_path(const struct sym_module *mod); /* DISPLAY_PATH */
bool sym_module_is_pie(const struct sym_module *mod);      /* ET_DYN */
/* Whether the symbols came from .symtab (own or debuginfo) or only .dynsym. */
bool sym_module_has_symtab(const struct sym_module *mod);

/* Whether FILE_OFFSET is the file's entry point (e_entry, _start): the
 * kernel jumps there with argc, not a return address, on the stack, and it
 * never returns. */
bool sym_is_entry_point(const struct sym_module *mod, uint64_t file_offset);

/* An SDT marker (<sys/sdt.h>'s STAP_PROBE): strings owned by the module. */
struct sym_sdt {
	char *provider, *name;
	char *args;	    /* "-4@%edi 8@-8(%rbp) -4@$42": SIZE@OPERAND each */
	uint64_t vaddr;	    /* link-time address of its nop */
	uint64_t semaphore; /* link-time address of its enable counter, 0 if none */
};

/* The I-th SDT marker of the file.  0, or -ENOENT past the last. */
int sym_sdt_at(const struct sym_module *mod, size_t i, struct sym_sdt *out);

/* A call to an imported function through its GOT slot: a PLT stub that
 * jumps through the slot, or (code built with -fno-plt) a call or tail call
 * that reads the slot itself. */
enum sym_plt_kind {
	SYM_PLT_STUB, /* .plt, .plt.sec, .plt.got: entered by a call */
	SYM_PLT_CALL, /* call *slot(%rip): the call itself */
	SYM_PLT_JUMP, /* jmp *slot(%rip) outside the PLT: a tail call */
};

struct sym_plt {
	const char *name;    /* the function called ("printf"); owned by the module */
	const char *label;   /* "printf@plt", as hits name it */
	const char *section; /* where the stub or the call is (".plt.sec", ".text") */
	enum sym_plt_kind kind;
	uint64_t vaddr;	     /* link-time address to probe: the stub's first
			      * instruction (its landing pad), or the call */
	uint64_t file_offset;
	uint64_t size;	     /* from VADDR to the end of the branch */
	uint64_t next;	     /* SYM_PLT_CALL: the address the call returns to */
	uint64_t slot;	     /* link-time address of the GOT slot */
};

/* The I-th call through the GOT in the file, in section then address order.
 * The file's relocations name the slots (JUMP_SLOT, GLOB_DAT) and every
 * executable section is decoded once, on the first call, to find what
 * branches through them.  0, -ENOENT past the last, or -errno when the
 * file cannot be read. */
int sym_plt_at(const struct sym_module *mod, size_t i, struct sym_plt *out);

/* The PLT stub holding file offset OFF (it has no symbol of its own), for
 * naming addresses; only the PLT sections are decoded.  0 or -ENOENT. */
int sym_plt_stub_at(const struct sym_module *mod, uint64_t off, struct sym_plt *out);

/* Link-time address and size of the file's .eh_frame_hdr (PT_GNU_EH_FRAME),
 * the index of its unwind tables.  0 or -ENOENT if it has none. */
int sym_eh_frame_hdr(const struct sym_module *mod, uint64_t *vaddr, uint64_t *size);

/* The whole file, mapped read-only in utap (once, kept until close): the
 * bytes of code and unwind tables, which never change while mapped, read
 * without a syscall.  0 or -errno. */
int sym_module_image(struct sym_module *mod, const uint8_t **data, size_t *size);

/* Function symbol by exact name (the first defined one; versioned names
 * such as "malloc@@GLIBC_2.2.5" match "malloc").  A C++ function may be
 * named mangled ("_ZNK2ns5Shape4areaEv"), demangled ("ns::Shape::area()
 * const") or demangled without parameters ("ns::Shape::area", which names
 * every overload: the first is returned).  OUT->name is the demangled name
 * of a C++ function.  0 or -ENOENT. */
int sym_lookup_name(const struct sym_module *mod, const char *name,
		    struct sym_symbol *out);

/* Does the module define a global or weak function NAME (one the dynamic
 * linker could bind a call to)?  Local functions of that name do not count. */
bool sym_defines(const struct sym_module *mod, const char *name);

/* Does the ELF file at PATH define function NAME for others to call (its
 * .dynsym; a static program's .symtab)?  No module is opened, no
 * debuginfo read: for quick checks before a run.  False if unreadable. */
bool sym_file_exports(const char *path, const char *name);

/* Every function symbol NAME names, as sym_lookup_name understands it (all
 * overloads of "ns::mix"), best first (the one sym_lookup_name returns),
 * one per address, at most MAX.  How many were stored, -ENOENT if none,
 * -EINVAL if MAX < 1. */
int sym_lookup_all(const struct sym_module *mod, const char *name,
		   struct sym_symbol *out, int max);

/* The function symbol containing file offset OFF; *delta = OFF - its start.
 * OUT->name is demangled for C++.  0 or -ENOENT. */
int sym_lookup_offset(const struct sym_module *mod, uint64_t off,
		      struct sym_symbol *out, uint64_t *delta);

/* The I-th function symbol in file-offset order (aliases included), for
 * listing every function. 0, or -ENOENT past the last one. */
int sym_symbol_at(const struct sym_module *mod, size_t i, struct sym_symbol *out);

/* Link-time virtual address <-> file offset, through the PT_LOAD segments.
 * 0 or -ENOENT if no segment holds it. */
int sym_vaddr_to_offset(const struct sym_module *mod, uint64_t vaddr, uint64_t *off);
int sym_offset_to_vaddr(const struct sym_module *mod, uint64_t off, uint64_t *vaddr);

/* Read N bytes of the file at file offset OFF (instruction bytes to decode,
 * never altered by breakpoints). Returns bytes read (may be short) or -errno. */
ssize_t sym_read(const struct sym_module *mod, uint64_t off, void *buf, size_t n);

/* Up to MAX function names closest to NAME (edit distance, then prefix),
 * best first, for "unknown symbol" hints. C++ functions are compared and
 * offered demangled without parameters ("ns::Shape::area"), or mangled
 * when NAME is mangled ("_Z..."). Returns how many were stored. */
int sym_suggest(const struct sym_module *mod, const char *name,
		const char **names, int max);

/* ---- modules in a process ------------------------------------------------- */

/* Does the file a mapping names match the BIN a user wrote?  BIN matches
 * when it is the same path, the basename of the path, or a library name
 * prefix: "libc" matches "libc.so.6" and "libc-2.36.so" but not
 * "libcap.so.2"; "libc.so.6" matches itself. */
bool sym_bin_matches(const char *bin, const char *mapped_path);

/* The libraries program EXE will load, found as the dynamic linker would
 * before it runs: DT_NEEDED entries breadth first (through the libraries
 * too), each looked up along DT_RUNPATH/DT_RPATH ($ORIGIN expanded),
 * LD_LIBRARY_PATH and the default directories.  FN gets each one's name
 * and path until it returns true: then 0, else -ENOENT. */
int sym_needed_each(const char *exe, bool (*fn)(const char *name, const char *path, void *data),
		    void *data);
/* The library EXE will load whose name BIN matches (a prefix such as
 * "libc"): 0 with its path in OUT, or -ENOENT. */
int sym_needed_library(const char *exe, const char *bin, char *out, size_t n);

#endif
