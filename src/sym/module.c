/* module.c: open an ELF module, pick its symbol source, map addresses to file offsets. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sym/internal.h"

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

Elf_Scn *sym_find_section(Elf *elf, GElf_Word type)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr shdr;

	while ((scn = elf_nextscn(elf, scn))) {
		if (gelf_getshdr(scn, &shdr) && shdr.sh_type == type)
			return scn;
	}
	return NULL;
}

/* Keep the PT_LOAD segments: after loading, no ELF handle stays open, and
 * symbols from a debuginfo file must be placed with the main file's
 * program headers (the debuginfo's own say where NOBITS sections would be). */
static int load_segments(struct sym_module *mod, Elf *elf)
{
	size_t phnum, i;
	GElf_Phdr phdr;

	if (elf_getphdrnum(elf, &phnum) < 0)
		return -ENOEXEC;
	mod->segs = calloc(phnum ? phnum : 1, sizeof(*mod->segs));
	if (!mod->segs)
		return -ENOMEM;
	for (i = 0; i < phnum; i++) {
		if (!gelf_getphdr(elf, i, &phdr))
			continue;
		if (phdr.p_type == PT_GNU_EH_FRAME) {
			mod->eh_frame_hdr = phdr.p_vaddr;
			mod->eh_frame_hdr_size = phdr.p_memsz;
		}
		if (phdr.p_type != PT_LOAD)
			continue;
		mod->segs[mod->nsegs].vaddr = phdr.p_vaddr;
		mod->segs[mod->nsegs].offset = phdr.p_offset;
		mod->segs[mod->nsegs].filesz = phdr.p_filesz;
		mod->nsegs++;
	}
	return mod->nsegs ? 0 : -ENOEXEC;
}

/* Where the function symbols come from, best first: the file's own
 * .symtab, the .symtab of its separate debuginfo, its .dynsym. */
static int load_symbols(struct sym_module *mod, Elf *elf, const char *open_path,
			const char *display_path)
{
	Elf_Scn *scn;
	Elf *debug;
	int debug_fd, ret;

	scn = sym_find_section(elf, SHT_SYMTAB);
	if (scn) {
		mod->has_symtab = true;
		return sym_symtab_load(mod, elf, scn);
	}
	debug = sym_debuginfo_open(elf, mod->fd, open_path, display_path, &debug_fd);
	if (debug) {
		mod->has_symtab = true;
		ret = sym_symtab_load(mod, debug, sym_find_section(debug, SHT_SYMTAB));
		elf_end(debug);
		close(debug_fd);
		return ret;
	}
	scn = sym_find_section(elf, SHT_DYNSYM);
	if (scn)
		return sym_symtab_load(mod, elf, scn);
	return 0; /* no symbols at all: lookups will say -ENOENT */
}

int sym_module_open(const char *open_path, const char *display_path, struct sym_module **out,
		    char *err, size_t errlen)
{
	struct sym_module *mod;
	Elf *elf = NULL;
	GElf_Ehdr ehdr;
	struct stat st;
	int ret;

	*out = NULL;
	if (!display_path)
		display_path = open_path;
	elf_version(EV_CURRENT);
	mod = calloc(1, sizeof(*mod));
	if (!mod) {
		ret = -ENOMEM;
		goto fail_errno;
	}
	mod->fd = open(open_path, O_RDONLY | O_CLOEXEC);
	if (mod->fd < 0) {
		ret = -errno;
		goto fail_errno;
	}
	if (fstat(mod->fd, &st) < 0) {
		ret = -errno;
		goto fail_errno;
	}
	if (S_ISDIR(st.st_mode)) {
		ret = -EISDIR;
		goto fail_errno;
	}
	mod->display_path = strdup(display_path);
	mod->plt = calloc(1, sizeof(*mod->plt));
	if (!mod->display_path || !mod->plt) {
		ret = -ENOMEM;
		goto fail_errno;
	}

	elf = elf_begin(mod->fd, ELF_C_READ_MMAP, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &ehdr)) {
		ret = -ENOEXEC;
		set_err(err, errlen, "not an ELF file");
		goto fail;
	}
	/* uprobes need file-backed code: relocatable objects and cores have none. */
	if (ehdr.e_type != ET_EXEC && ehdr.e_type != ET_DYN) {
		ret = -ENOEXEC;
		set_err(err, errlen, "not an executable or shared library (ELF type %u)",
			(unsigned)ehdr.e_type);
		goto fail;
	}
	mod->pie = ehdr.e_type == ET_DYN;
	mod->entry = ehdr.e_entry;
	ret = load_segments(mod, elf);
	if (ret == -ENOEXEC) {
		set_err(err, errlen, "no loadable segments");
		goto fail;
	}
	if (ret < 0)
		goto fail_errno;
	ret = load_symbols(mod, elf, open_path, display_path);
	if (ret == 0)
		ret = sym_sdt_load(mod, elf);
	if (ret < 0)
		goto fail_errno;
	elf_end(elf);
	*out = mod;
	return 0;

fail_errno:
	set_err(err, errlen, "%s", strerror(-ret));
fail:
	if (elf)
		elf_end(elf);
	sym_module_close(mod);
	return ret;
}

void sym_module_close(struct sym_module *mod)
{
	if (!mod)
		return;
	if (mod->fd >= 0)
		close(mod->fd);
	if (mod->image)
		munmap((void *)mod->image, mod->image_size);
	free(mod->display_path);
	free(mod->segs);
	free(mod->strings);
	sym_demangle_free(mod);
	sym_sdt_free(mod);
	sym_plt_free(mod->plt);
	free(mod->syms);
	free(mod->by_name);
	free(mod);
}

const char *sym_module_path(const struct sym_module *mod)
{
	return mod->display_path;
}

bool sym_module_is_pie(const struct sym_module *mod)
{
	return mod->pie;
}

bool sym_module_has_symtab(const struct sym_module *mod)
{
	return mod->has_symtab;
}

bool sym_is_entry_point(const struct sym_module *mod, uint64_t file_offset)
{
	uint64_t off;

	return mod->entry && sym_vaddr_to_offset(mod, mod->entry, &off) == 0 && off == file_offset;
}

int sym_eh_frame_hdr(const struct sym_module *mod, uint64_t *vaddr, uint64_t *size)
{
	if (!mod->eh_frame_hdr)
		return -ENOENT;
	*vaddr = mod->eh_frame_hdr;
	*size = mod->eh_frame_hdr_size;
	return 0;
}

int sym_module_image(struct sym_module *mod, const uint8_t **data, size_t *size)
{
	struct stat st;
	void *p;

	if (!mod->image) {
		if (fstat(mod->fd, &st) < 0)
			return -errno;
		if (st.st_size <= 0)
			return -ENODATA;
		p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, mod->fd, 0);
		if (p == MAP_FAILED)
			return -errno;
		mod->image = p;
		mod->image_size = (size_t)st.st_size;
	}
	*data = mod->image;
	*size = mod->image_size;
	return 0;
}

int sym_vaddr_to_offset(const struct sym_module *mod, uint64_t vaddr, uint64_t *off)
{
	const struct sym_segment *s;
	size_t i;

	for (i = 0; i < mod->nsegs; i++) {
		s = &mod->segs[i];
		if (vaddr >= s->vaddr && vaddr - s->vaddr < s->filesz) {
			*off = vaddr - s->vaddr + s->offset;
			return 0;
		}
	}
	return -ENOENT;
}

int sym_offset_to_vaddr(const struct sym_module *mod, uint64_t off, uint64_t *vaddr)
{
	const struct sym_segment *s;
	size_t i;

	for (i = 0; i < mod->nsegs; i++) {
		s = &mod->segs[i];
		if (off >= s->offset && off - s->offset < s->filesz) {
			*vaddr = off - s->offset + s->vaddr;
			return 0;
		}
	}
	return -ENOENT;
}

ssize_t sym_read(const struct sym_module *mod, uint64_t off, void *buf, size_t n)
{
	size_t done = 0;
	ssize_t r;

	while (done < n) {
		r = pread(mod->fd, (char *)buf + done, n - done, (off_t)(off + done));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return done ? (ssize_t)done : -errno;
		if (r == 0)
			break;
		done += (size_t)r;
	}
	return (ssize_t)done;
}
