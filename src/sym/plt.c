/* plt.c: a module's calls to imported functions through their GOT slots: the PLT
 * stubs (.plt, .plt.sec, .plt.got) and the -fno-plt calls and tail calls that
 * read a slot themselves, each named by the relocation that fills the slot. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "arch/arch.h"
#include "sym/internal.h"

/* A GOT slot and the function whose address the dynamic linker puts there. */
struct slot {
	uint64_t addr;
	const char *name, *label;
};

struct scan {
	struct sym_plt_table *tab;
	const struct slot *slots;
	size_t nslots;
	const char *section;
	uint64_t sh_addr, sh_offset;
	bool stubs; /* a PLT section: its jumps are stubs */
};

static const char *keep(struct sym_plt_table *tab, char *s)
{
	char **grown;

	if (!s)
		return NULL;
	grown = realloc(tab->strings, (tab->nstrings + 1) * sizeof(*grown));
	if (!grown) {
		free(s);
		return NULL;
	}
	tab->strings = grown;
	tab->strings[tab->nstrings++] = s;
	return s;
}

static int by_addr(const void *a, const void *b)
{
	const struct slot *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static int add_slot(struct sym_plt_table *tab, struct slot **slots, size_t *n, uint64_t addr,
		    const char *name)
{
	struct slot *grown = realloc(*slots, (*n + 1) * sizeof(*grown));
	char *label;
	size_t len = strlen(name);

	if (!grown)
		return -ENOMEM;
	*slots = grown;
	label = malloc(len + sizeof("@plt"));
	if (label) {
		memcpy(label, name, len);
		memcpy(label + len, "@plt", sizeof("@plt"));
	}
	grown[*n].addr = addr;
	grown[*n].name = keep(tab, strdup(name));
	grown[*n].label = keep(tab, label);
	if (!grown[*n].name || !grown[*n].label)
		return -ENOMEM;
	(*n)++;
	return 0;
}

/* Every relocation that fills a GOT slot with a symbol's address. */
static int read_slots(Elf *elf, struct sym_plt_table *tab, struct slot **slots, size_t *n)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh, symsh;
	int rc = 0;

	while (rc == 0 && (scn = elf_nextscn(elf, scn))) {
		Elf_Scn *symscn;
		Elf_Data *data, *symdata;

		if (!gelf_getshdr(scn, &sh) || (sh.sh_type != SHT_RELA && sh.sh_type != SHT_REL) ||
		    !sh.sh_entsize || !(symscn = elf_getscn(elf, sh.sh_link)) ||
		    !gelf_getshdr(symscn, &symsh) || !(data = elf_getdata(scn, NULL)) ||
		    !(symdata = elf_getdata(symscn, NULL)))
			continue;
		for (size_t k = 0; rc == 0 && k < sh.sh_size / sh.sh_entsize; k++) {
			uint64_t offset, info;
			const char *name;
			GElf_Rela rela;
			GElf_Rel rel;
			GElf_Sym sym;

			if (sh.sh_type == SHT_RELA) {
				if (!gelf_getrela(data, (int)k, &rela))
					continue;
				offset = rela.r_offset;
				info = rela.r_info;
			} else {
				if (!gelf_getrel(data, (int)k, &rel))
					continue;
				offset = rel.r_offset;
				info = rel.r_info;
			}
			if (!arch_reloc_got_slot((unsigned)GELF_R_TYPE(info)) || !GELF_R_SYM(info) ||
			    !gelf_getsym(symdata, (int)GELF_R_SYM(info), &sym))
				continue;
			name = elf_strptr(elf, symsh.sh_link, sym.st_name);
			if (name && *name)
				rc = add_slot(tab, slots, n, offset, name);
		}
	}
	if (rc == 0 && *n > 1)
		qsort(*slots, *n, sizeof(**slots), by_addr);
	return rc;
}

static int on_branch(void *ctx, const struct arch_got_branch *b)
{
	struct scan *sc = ctx;
	struct slot key = {.addr = b->slot};
	const struct slot *s = bsearch(&key, sc->slots, sc->nslots, sizeof(key), by_addr);
	struct sym_plt *grown, *e;

	if (!s)
		return 0; /* not a named slot: the lazy resolver's, a data pointer's */
	grown = realloc(sc->tab->v, (sc->tab->n + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	sc->tab->v = grown;
	e = &grown[sc->tab->n++];
	memset(e, 0, sizeof(*e));
	e->name = s->name;
	e->label = s->label;
	e->section = sc->section;
	e->slot = b->slot;
	if (b->call) {
		e->kind = SYM_PLT_CALL;
		e->vaddr = b->addr;
		e->next = b->addr + b->len;
	} else if (sc->stubs) {
		/* a call to the stub lands on its pad, not on the jump */
		e->kind = SYM_PLT_STUB;
		e->vaddr = b->pad ? b->pad : b->addr;
	} else {
		e->kind = SYM_PLT_JUMP;
		e->vaddr = b->addr;
	}
	e->size = b->addr + b->len - e->vaddr;
	e->file_offset = e->vaddr - sc->sh_addr + sc->sh_offset;
	return 0;
}

/* The stubs (STUBS) or the calls and tail calls elsewhere (!STUBS): the
 * stubs are a few bytes to decode, the rest is the whole code. */
static int build(const struct sym_module *mod, struct sym_plt_table *tab, bool stubs)
{
	struct slot *slots = NULL;
	size_t nslots = 0, shstrndx;
	Elf_Scn *scn = NULL;
	GElf_Ehdr eh;
	GElf_Shdr sh;
	Elf *elf;
	int rc;

	elf = elf_begin(mod->fd, ELF_C_READ_MMAP, NULL);
	if (!elf)
		return -EIO;
	/* Another CPU's file: its relocations and code mean other things. */
	if (!gelf_getehdr(elf, &eh) || eh.e_machine != arch_elf_machine ||
	    elf_getshdrstrndx(elf, &shstrndx) != 0) {
		elf_end(elf);
		return 0;
	}
	rc = read_slots(elf, tab, &slots, &nslots);
	while (rc == 0 && nslots && (scn = elf_nextscn(elf, scn))) {
		struct scan sc = {.tab = tab, .slots = slots, .nslots = nslots};
		const char *name;
		Elf_Data *data;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_PROGBITS ||
		    !(sh.sh_flags & SHF_EXECINSTR) ||
		    !(name = elf_strptr(elf, shstrndx, sh.sh_name)) ||
		    (strncmp(name, ".plt", 4) == 0) != stubs || !(data = elf_getdata(scn, NULL)) ||
		    !data->d_buf)
			continue;
		sc.section = keep(tab, strdup(name));
		if (!sc.section) {
			rc = -ENOMEM;
			break;
		}
		sc.stubs = stubs;
		sc.sh_addr = sh.sh_addr;
		sc.sh_offset = sh.sh_offset;
		rc = arch_got_branches(data->d_buf, data->d_size, sh.sh_addr, on_branch, &sc);
	}
	free(slots);
	elf_end(elf);
	return rc;
}

/* Build the stubs' part of the table, and with ALL the rest, once. */
static int load(const struct sym_module *mod, bool all)
{
	struct sym_plt_table *tab = mod->plt;

	if (!tab->stubs_loaded) {
		tab->stubs_loaded = true;
		tab->error = build(mod, tab, true);
	}
	if (all && !tab->calls_loaded && !tab->error) {
		tab->calls_loaded = true;
		tab->error = build(mod, tab, false);
	}
	return tab->error;
}

int sym_plt_at(const struct sym_module *mod, size_t i, struct sym_plt *out)
{
	int rc = load(mod, true);

	if (rc)
		return rc;
	if (i >= mod->plt->n)
		return -ENOENT;
	*out = mod->plt->v[i];
	return 0;
}

int sym_plt_stub_at(const struct sym_module *mod, uint64_t off, struct sym_plt *out)
{
	const struct sym_plt_table *tab = mod->plt;

	if (load(mod, false))
		return -ENOENT;
	for (size_t i = 0; i < tab->n; i++) {
		const struct sym_plt *e = &tab->v[i];

		if (e->kind == SYM_PLT_STUB && off >= e->file_offset && off - e->file_offset < e->size) {
			*out = *e;
			return 0;
		}
	}
	return -ENOENT;
}

void sym_plt_free(struct sym_plt_table *tab)
{
	if (!tab)
		return;
	for (size_t i = 0; i < tab->nstrings; i++)
		free(tab->strings[i]);
	free(tab->strings);
	free(tab->v);
	free(tab);
}
