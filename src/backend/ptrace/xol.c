/* xol.c: out-of-line pages mapped into the tracee: trampoline, gadget, slots. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "backend/ptrace/tracee.h"
#include "proc/mem.h"
#include "util/log.h"

#define XOL_PAGE 4096u
#define XOL_SLOTS (XOL_PAGE / ARCH_XOL_SLOT_SIZE)
#define XOL_REACH ((1ull << 31) - 2 * XOL_PAGE)
#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

/* Slot 0 of the first page holds the trampoline (at +0) and the syscall
 * gadget (at +16); everything unused is int3, so a stray jump traps. */
enum { GADGET_OFFSET = 16 };

static int map_page(struct tracer *t, struct thread *th, uint64_t lo, uint64_t hi,
		    bool bootstrap, uint64_t *addr)
{
	struct space *s = th->proc->space;
	struct proc_maps maps;
	uint64_t hint, args[6];
	uint8_t fill[XOL_PAGE];
	int64_t got;
	int rc;

	rc = proc_maps_read(th->proc->pid, &maps);
	if (rc < 0)
		return rc;
	hint = proc_maps_find_gap_near(&maps, lo, hi, XOL_PAGE);
	proc_maps_free(&maps);
	args[0] = hint;
	args[1] = XOL_PAGE;
	args[2] = PROT_READ | PROT_EXEC;
	args[3] = MAP_PRIVATE | MAP_ANONYMOUS | (hint ? MAP_FIXED_NOREPLACE : 0);
	args[4] = (uint64_t)-1;
	args[5] = 0;
	if (bootstrap)
		rc = inject_syscall_bootstrap(t, th, SYS_mmap, args, &got);
	else
		rc = inject_syscall(t, th, s->gadget, SYS_mmap, args, &got);
	log_debug("mmap(%#llx) in %d: rc %d, got %lld", (unsigned long long)hint, th->tid, rc,
		  (long long)got);
	if (rc < 0)
		return rc;
	if (got < 0 && got > -4096)
		return (int)got;
	memset(fill, arch_trap_insn[0], sizeof(fill));
	rc = mem_poke(s->memfd, (uint64_t)got, fill, sizeof(fill));
	if (rc < 0)
		return rc;
	*addr = (uint64_t)got;
	log_debug("pid %d: XOL page at %#llx", th->proc->pid, (unsigned long long)got);
	return 0;
}

static struct xol_page *add_page(struct space *s, uint64_t addr)
{
	struct xol_page *p = calloc(1, sizeof(*p)), **tail = &s->xol;

	if (!p)
		return NULL;
	p->addr = addr;
	while (*tail)
		tail = &(*tail)->next;
	*tail = p;
	return p;
}

int xol_setup(struct tracer *t, struct thread *th)
{
	struct space *s = th->proc->space;
	struct module *exe = s->nmodules ? &s->modules[0] : NULL;
	struct xol_page *page;
	uint64_t addr;
	int rc;

	if (s->xol)
		return 0;
	rc = map_page(t, th, exe ? exe->lo : 0, exe ? exe->hi : 0, true, &addr);
	if (rc < 0)
		return rc;
	page = add_page(s, addr);
	if (!page)
		return -ENOMEM;
	page->used = 1;
	s->trampoline = addr;
	s->gadget = addr + GADGET_OFFSET;
	rc = mem_poke(s->memfd, s->trampoline, arch_trampoline_code, arch_trampoline_len);
	if (rc == 0)
		rc = mem_poke(s->memfd, s->gadget, arch_syscall_gadget, arch_syscall_gadget_len);
	return rc;
}

int xol_code_page(struct tracer *t, struct thread *th, uint64_t *addr)
{
	struct space *s = th->proc->space;
	struct module *exe = s->nmodules ? &s->modules[0] : NULL;

	return map_page(t, th, exe ? exe->lo : 0, exe ? exe->hi : 0, false, addr);
}

static bool reaches(uint64_t page, uint64_t near)
{
	uint64_t d = page > near ? page - near : near - page;

	return d < XOL_REACH;
}

int xol_slot(struct tracer *t, struct thread *th, uint64_t near, uint64_t *slot)
{
	struct space *s = th->proc->space;
	struct xol_page *p;
	uint64_t addr;
	int rc;

	rc = xol_setup(t, th);
	if (rc < 0)
		return rc;
	for (p = s->xol; p; p = p->next) {
		if (p->used < XOL_SLOTS && reaches(p->addr, near))
			break;
	}
	if (!p) {
		rc = map_page(t, th, near, near + 1, false, &addr);
		if (rc < 0)
			return rc;
		p = add_page(s, addr);
		if (!p)
			return -ENOMEM;
	}
	*slot = p->addr + (uint64_t)p->used++ * ARCH_XOL_SLOT_SIZE;
	return 0;
}

bool xol_contains(const struct space *s, uint64_t addr)
{
	for (const struct xol_page *p = s->xol; p; p = p->next) {
		if (addr >= p->addr && addr < p->addr + XOL_PAGE)
			return true;
	}
	return false;
}

int xol_unmap_all(struct tracer *t, struct thread *th)
{
	struct space *s = th->proc->space;
	int rc = 0;

	while (s->xol) {
		struct xol_page *p = s->xol;
		uint64_t args[6] = {p->addr, XOL_PAGE, 0, 0, 0, 0};
		int64_t got;

		/* The gadget lives in these pages: borrow the entry point. */
		rc = inject_syscall_bootstrap(t, th, SYS_munmap, args, &got);
		if (rc < 0)
			break;
		s->xol = p->next;
		free(p);
	}
	s->trampoline = s->gadget = 0;
	return rc;
}
