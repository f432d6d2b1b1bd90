/* internal.h: what the files of src/sym/ share; nothing outside src/sym/ includes it. */
#ifndef UTAP_SYM_INTERNAL_H
#define UTAP_SYM_INTERNAL_H

#include <gelf.h>
#include <libelf.h>

#include "sym/sym.h"

/* A PT_LOAD segment of the main file: the only truth about where a link-time
 * address lies in the file (debuginfo files have NOBITS text). */
struct sym_segment {
	uint64_t vaddr, offset, filesz;
};

struct sym_entry {
	const char *name;    /* base name, without "@VERSION" */
	const char *version; /* "GLIBC_2.2.5" or NULL */
	uint64_t vaddr, size, file_offset;
	unsigned char bind;   /* STB_* */
	bool hidden_version;  /* "name@V" (compat), not "name@@V" (default) */
	bool version_in_name; /* .symtab spelling: VERSION points into the name */
	char *demangled;      /* C++: "ns::Shape::area() const"; NULL for C names */
	char *base;	      /* C++: "ns::Shape::area" (no parameters); NULL for C */
};

struct sym_module {
	char *display_path;
	int fd; /* the main file, for sym_read */
	bool pie, has_symtab;

	struct sym_segment *segs;
	size_t nsegs;
	uint64_t eh_frame_hdr, eh_frame_hdr_size; /* PT_GNU_EH_FRAME, 0 if none */
	uint64_t entry; /* e_entry: where the kernel starts a process (0: none) */
	struct sym_sdt *sdt; /* SDT markers (sdt.c) */
	size_t nsdt;
	const uint8_t *image; /* the whole file, mapped read-only on demand */
	/* calls through the GOT (plt.c): allocated at open, filled on first
	 * use, so lookups on a const module can fill it */
	struct sym_plt_table *plt;
	size_t image_size;

	/* Private copy of the symbol string table: names point into it.  The
	 * ELF handles are closed once the symbols are loaded. */
	char *strings;

	struct sym_entry *syms; /* sorted by file offset, best alias first */
	size_t nsyms;
	struct sym_entry **by_name; /* into syms, sorted by name, best first */

	/* C++ symbols only (demangle.c): by full demangled name and by that
	 * name without its parameter list, which all overloads share. */
	struct sym_entry **by_demangled, **by_base;
	size_t ndemangled, nbase;
};

/* symtab.c: load the function symbols of section SCN (SHT_SYMTAB or
 * SHT_DYNSYM) of ELF, which is the main file or its debuginfo, into MOD
 * (whose segments are already known) and build both indexes.  0 or -errno. */
int sym_symtab_load(struct sym_module *mod, Elf *elf, Elf_Scn *scn);

/* lookup.c: sort MOD's symbols by file offset and build the name index.
 * 0 or -ENOMEM. */
int sym_symtab_index(struct sym_module *mod);

/* demangle.c: demangle MOD's C++ symbols once (MOD->syms is final) and
 * sort them by demangled name and by base name.  0 or -ENOMEM. */
int sym_demangle_index(struct sym_module *mod);
void sym_demangle_free(struct sym_module *mod);

/* demangle.c: the C++ symbols whose demangled name is NAME or, failing
 * that, whose base name is NAME: *GROUP points at the first of *N entries,
 * best first (aliases included).  0 or -ENOENT. */
int sym_demangle_find(const struct sym_module *mod, const char *name,
		      struct sym_entry *const **group, size_t *n);

/* sdt.c: the SDT markers of ELF into MOD.  0 or -ENOMEM. */
int sym_sdt_load(struct sym_module *mod, Elf *elf);
void sym_sdt_free(struct sym_module *mod);

/* plt.c: the module's calls through the GOT, built by the first lookup. */
struct sym_plt_table {
	bool stubs_loaded, calls_loaded; /* the two parts, built on demand */
	int error; /* -errno from building it, or 0 */
	struct sym_plt *v;
	size_t n;
	char **strings; /* names, labels, section names the entries point to */
	size_t nstrings;
};
void sym_plt_free(struct sym_plt_table *tab);

/* The first section of type TYPE in ELF, or NULL. */
Elf_Scn *sym_find_section(Elf *elf, GElf_Word type);

/* debuginfo.c: find and open the separate debuginfo of MAIN (open as
 * MAIN_FD from OPEN_PATH, shown to users as DISPLAY_PATH): by build-id,
 * then by .gnu_debuglink.  Returns an ELF handle holding a .symtab and its
 * file descriptor in *FD, or NULL if there is none. */
Elf *sym_debuginfo_open(Elf *main, int main_fd, const char *open_path, const char *display_path,
			int *fd);

#endif
