/* symtab.c: a module's function symbols, indexed by file offset and by name. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sym/internal.h"

/* .gnu.version bit of a non-default ("name@V") version; glibc's <elf.h>
 * does not name it. */
#define VERSION_HIDDEN 0x8000

/* Symbol version names by version index, from .gnu.version_d.  Only
 * .dynsym carries versions this way; .symtab spells them in the name. */
struct version_names {
	const char **name;
	size_t n;
};

static void load_versions(Elf *elf, GElf_Word strtab, const char *strings, size_t strsize,
			  struct version_names *v)
{
	Elf_Scn *scn = sym_find_section(elf, SHT_GNU_verdef);
	GElf_Shdr shdr;
	Elf_Data *data;
	GElf_Verdef vd;
	GElf_Verdaux vda;
	size_t off = 0, i;

	if (!scn || !gelf_getshdr(scn, &shdr) || shdr.sh_link != strtab)
		return;
	data = elf_getdata(scn, NULL);
	if (!data)
		return;
	v->n = shdr.sh_info + 2;
	v->name = calloc(v->n, sizeof(*v->name));
	if (!v->name) {
		v->n = 0;
		return;
	}
	for (i = 0; i < shdr.sh_info; i++) {
		if (!gelf_getverdef(data, off, &vd))
			break;
		if (vd.vd_ndx < v->n && !(vd.vd_flags & VER_FLG_BASE) &&
		    gelf_getverdaux(data, off + vd.vd_aux, &vda) && vda.vda_name < strsize)
			v->name[vd.vd_ndx] = strings + vda.vda_name;
		if (!vd.vd_next)
			break;
		off += vd.vd_next;
	}
}

static bool wanted(const GElf_Sym *sym)
{
	int type = GELF_ST_TYPE(sym->st_info);

	return (type == STT_FUNC || type == STT_GNU_IFUNC) && sym->st_shndx != SHN_UNDEF;
}

int sym_symtab_load(struct sym_module *mod, Elf *elf, Elf_Scn *scn)
{
	struct version_names versions = {NULL, 0};
	Elf_Data *data, *strdata, *versym = NULL;
	struct sym_entry *e;
	GElf_Shdr shdr;
	GElf_Versym vs;
	GElf_Sym sym;
	size_t count, i;
	Elf_Scn *vscn;
	char *at;

	if (!scn || !gelf_getshdr(scn, &shdr) || !shdr.sh_entsize)
		return 0;
	data = elf_getdata(scn, NULL);
	strdata = elf_getdata(elf_getscn(elf, shdr.sh_link), NULL);
	if (!data || !strdata || !strdata->d_buf || !strdata->d_size)
		return 0;
	count = data->d_size / gelf_fsize(elf, ELF_T_SYM, 1, EV_CURRENT);

	mod->strings = malloc(strdata->d_size + 1);
	mod->syms = calloc(count ? count : 1, sizeof(*mod->syms));
	if (!mod->strings || !mod->syms)
		return -ENOMEM;
	memcpy(mod->strings, strdata->d_buf, strdata->d_size);
	mod->strings[strdata->d_size] = '\0';

	if (shdr.sh_type == SHT_DYNSYM) {
		vscn = sym_find_section(elf, SHT_GNU_versym);
		versym = vscn ? elf_getdata(vscn, NULL) : NULL;
		if (versym)
			load_versions(elf, shdr.sh_link, mod->strings, strdata->d_size, &versions);
	}

	for (i = 1; i < count; i++) {
		if (!gelf_getsym(data, (int)i, &sym) || !wanted(&sym))
			continue;
		if (sym.st_name >= strdata->d_size || !mod->strings[sym.st_name])
			continue;
		e = &mod->syms[mod->nsyms];
		if (sym_vaddr_to_offset(mod, sym.st_value, &e->file_offset) < 0)
			continue;
		e->name = mod->strings + sym.st_name;
		e->vaddr = sym.st_value;
		e->size = sym.st_size;
		e->bind = GELF_ST_BIND(sym.st_info);
		at = strchr(e->name, '@');
		if (at == e->name)
			continue;
		if (at) {
			e->hidden_version = at[1] != '@';
			e->version = at + (e->hidden_version ? 1 : 2);
			e->version_in_name = true;
		} else if (versym && gelf_getversym(versym, (int)i, &vs)) {
			e->hidden_version = vs & VERSION_HIDDEN;
			vs &= ~VERSION_HIDDEN;
			e->version = vs < versions.n ? versions.name[vs] : NULL;
		}
		mod->nsyms++;
	}
	free(versions.name);

	/* Cut "name@V" / "name@@V" to "name" only now: string tables share
	 * tails, so an earlier cut would hide the version of a later symbol
	 * whose name is a suffix of this one. */
	for (i = 0; i < mod->nsyms; i++) {
		e = &mod->syms[i];
		if (!e->version_in_name)
			continue;
		at = mod->strings + (e->version - mod->strings); /* writable */
		at[e->hidden_version ? -1 : -2] = '\0';
	}
	return sym_symtab_index(mod);
}
