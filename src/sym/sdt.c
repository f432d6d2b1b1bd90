/* sdt.c: the SDT markers of a file (<sys/sdt.h>'s .note.stapsdt notes), for .mark probes. */
#include <errno.h>
#include <gelf.h>
#include <stdlib.h>
#include <string.h>

#include "sym/internal.h"

#define NT_STAPSDT 3

/* The address of section NAME, or 0. */
static uint64_t section_addr(Elf *elf, const char *name)
{
	size_t shstrndx;
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	if (elf_getshdrstrndx(elf, &shstrndx) != 0)
		return 0;
	while ((scn = elf_nextscn(elf, scn))) {
		const char *n;

		if (gelf_getshdr(scn, &sh) && (n = elf_strptr(elf, shstrndx, sh.sh_name)) &&
		    strcmp(n, name) == 0)
			return sh.sh_addr;
	}
	return 0;
}

static char *copy_str(const char **p, const char *end)
{
	size_t n = strnlen(*p, (size_t)(end - *p));
	char *s;

	if (*p + n >= end)
		return NULL;
	s = strndup(*p, n);
	*p += n + 1;
	return s;
}

/* One note's descriptor: pc, base, semaphore (8 bytes each on a 64-bit
 * file), then provider, name and arguments as C strings. */
static int add_marker(struct sym_module *mod, const char *desc, size_t len, uint64_t base_now)
{
	const char *p = desc + 24, *end = desc + len;
	struct sym_sdt *grown, *m;
	uint64_t pc, base, sem;

	if (len < 27)
		return 0;
	memcpy(&pc, desc, 8);
	memcpy(&base, desc + 8, 8);
	memcpy(&sem, desc + 16, 8);
	grown = realloc(mod->sdt, (mod->nsdt + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	mod->sdt = grown;
	m = &grown[mod->nsdt];
	memset(m, 0, sizeof(*m));
	/* A prelinked file moved its sections: .stapsdt.base says by how much. */
	m->vaddr = base_now && base ? pc + (base_now - base) : pc;
	m->semaphore = sem && base_now && base ? sem + (base_now - base) : sem;
	m->provider = copy_str(&p, end);
	m->name = m->provider ? copy_str(&p, end) : NULL;
	m->args = m->name ? copy_str(&p, end) : NULL;
	if (!m->provider || !m->name || !m->args) {
		free(m->provider);
		free(m->name);
		free(m->args);
		return 0; /* a malformed note: not a marker */
	}
	mod->nsdt++;
	return 0;
}

int sym_sdt_load(struct sym_module *mod, Elf *elf)
{
	uint64_t base_now = section_addr(elf, ".stapsdt.base");
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	int ret = 0;

	while (ret == 0 && (scn = elf_nextscn(elf, scn))) {
		Elf_Data *data;
		GElf_Nhdr nh;
		size_t off = 0, name_off, desc_off;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE || !(data = elf_getdata(scn, NULL)))
			continue;
		while (ret == 0 && (off = gelf_getnote(data, off, &nh, &name_off, &desc_off)) > 0) {
			if (nh.n_type == NT_STAPSDT && nh.n_namesz == 8 &&
			    memcmp((char *)data->d_buf + name_off, "stapsdt", 8) == 0)
				ret = add_marker(mod, (char *)data->d_buf + desc_off, nh.n_descsz,
						 base_now);
		}
	}
	return ret;
}

void sym_sdt_free(struct sym_module *mod)
{
	for (size_t i = 0; i < mod->nsdt; i++) {
		free(mod->sdt[i].provider);
		free(mod->sdt[i].name);
		free(mod->sdt[i].args);
	}
	free(mod->sdt);
}

int sym_sdt_at(const struct sym_module *mod, size_t i, struct sym_sdt *out)
{
	if (i >= mod->nsdt)
		return -ENOENT;
	*out = mod->sdt[i];
	return 0;
}
