/* exports.c: does a file define a function others can call by name?  Read
 * from its own dynamic (or, for a static program, full) symbol table, with
 * no debuginfo loaded: a quick question asked before anything starts. */
#include <fcntl.h>
#include <gelf.h>
#include <string.h>
#include <unistd.h>

#include "sym/internal.h"
#include "sym/sym.h"

static bool table_defines(Elf *elf, Elf_Scn *scn, const char *name)
{
	size_t len = strlen(name);
	GElf_Shdr shdr;
	Elf_Data *data;

	if (!scn || !gelf_getshdr(scn, &shdr) || !shdr.sh_entsize)
		return false;
	data = elf_getdata(scn, NULL);
	for (size_t i = 0; data && i < shdr.sh_size / shdr.sh_entsize; i++) {
		const char *s;
		GElf_Sym sym;

		if (!gelf_getsym(data, (int)i, &sym) || sym.st_shndx == SHN_UNDEF ||
		    GELF_ST_BIND(sym.st_info) == STB_LOCAL ||
		    (GELF_ST_TYPE(sym.st_info) != STT_FUNC && GELF_ST_TYPE(sym.st_info) != STT_GNU_IFUNC))
			continue;
		s = elf_strptr(elf, shdr.sh_link, sym.st_name);
		/* "malloc", or a versioned "malloc@@GLIBC_2.2.5" in .symtab */
		if (s && strncmp(s, name, len) == 0 && (s[len] == '\0' || s[len] == '@'))
			return true;
	}
	return false;
}

bool sym_file_exports(const char *path, const char *name)
{
	bool yes = false;
	Elf *elf;
	int fd;

	elf_version(EV_CURRENT);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (elf && elf_kind(elf) == ELF_K_ELF) {
		Elf_Scn *dyn = sym_find_section(elf, SHT_DYNSYM);

		yes = dyn ? table_defines(elf, dyn, name)
			  : table_defines(elf, sym_find_section(elf, SHT_SYMTAB), name);
	}
	if (elf)
		elf_end(elf);
	close(fd);
	return yes;
}
