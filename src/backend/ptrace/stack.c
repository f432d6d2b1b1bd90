/* stack.c: the call stack at a hit: unwound by src/unwind over this thread's memory,
 * its frames named from the modules' symbols and line tables, both cached per space. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "backend/ptrace/tracee.h"
#include "dwarf/dwarf.h"
#include "proc/mem.h"
#include "unwind/unwind.h"

/* Named frames, by address: a warm stack is named without a lookup. */
#define FRAME_CACHE_BITS 12
#define FRAME_CACHE_SIZE (1u << FRAME_CACHE_BITS)

struct named_frame {
	uint64_t key; /* pc * 2 + is_return; 0: empty */
	unsigned long stamp; /* the stack_take call that last handed it out */
	struct probe_frame frame; /* its text is owned here */
};

struct space_stacks {
	struct unwinder *unwinder;
	unsigned modules_gen; /* of the space, when the caches were filled */
	unsigned long calls;
	struct named_frame names[FRAME_CACHE_SIZE];
	/* Frames whose cache slot an earlier frame of the same stack holds:
	 * handed out from here, so no frame of a stack frees another's text. */
	struct named_frame spare[OPTIONS_STACK_DEPTH_MAX];
};

/* What the unwinder's callbacks need. */
struct stack_walk {
	struct tracer *t;
	struct thread *th;
	struct space *s;
	struct module *last; /* module of the last lookup, tried first */
};

static void forget(struct named_frame *nf, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free((char *)nf[i].frame.text);
		nf[i].frame.text = NULL;
		nf[i].key = 0;
	}
}

static void forget_names(struct space_stacks *ss)
{
	forget(ss->names, FRAME_CACHE_SIZE);
	forget(ss->spare, OPTIONS_STACK_DEPTH_MAX);
}

void stack_space_free(struct space_stacks *ss)
{
	if (!ss)
		return;
	forget_names(ss);
	unwind_free(ss->unwinder);
	free(ss);
}

/* The module mapping ADDR; consecutive lookups mostly ask about one. */
static struct module *mapped_module(struct stack_walk *w, uint64_t addr,
				    const struct module_map **map)
{
	struct module *m = w->last;

	for (size_t k = 0; m && k < m->nmaps; k++) {
		if (addr >= m->maps[k].start && addr < m->maps[k].end) {
			*map = &m->maps[k];
			return m;
		}
	}
	m = space_module_at(w->s, addr, map);
	if (m)
		w->last = m;
	return m;
}

/* The symbols of the module mapping ADDR (*M, in mapping *MAP), or NULL. */
static struct sym_module *module_sym(struct stack_walk *w, uint64_t addr, struct module **m,
				     const struct module_map **map)
{
	*m = mapped_module(w, addr, map);
	return *m ? tracer_sym(w->t, w->s, *m) : NULL;
}

static ssize_t walk_read(void *ctx, uint64_t addr, void *buf, size_t n)
{
	return mem_read_some(((struct stack_walk *)ctx)->th->tid, addr, buf, n);
}

/* Code and unwind tables, from the file: they lie in mappings the program
 * cannot write, so the file holds what memory holds. */
static int walk_read_image(void *ctx, uint64_t addr, void *buf, size_t n)
{
	const struct module_map *map;
	struct module *m;
	struct sym_module *sm = module_sym(ctx, addr, &m, &map);
	const uint8_t *image;
	size_t size;
	uint64_t off;

	if (!sm || map->writable || addr + n > map->end)
		return -ENOENT;
	off = addr - map->start + map->pgoff;
	if (sym_module_image(sm, &image, &size) < 0 || off + n > size)
		return -ENOENT;
	memcpy(buf, image + off, n);
	return 0;
}

static int walk_table(void *ctx, uint64_t addr, struct unwind_table *out)
{
	const struct module_map *map;
	struct module *m;
	struct sym_module *sm = module_sym(ctx, addr, &m, &map);
	uint64_t vaddr, size, off;

	if (!sm || sym_eh_frame_hdr(sm, &vaddr, &size) < 0 ||
	    sym_vaddr_to_offset(sm, vaddr, &off) < 0 || module_offset_to_addr(m, off, &out->hdr) < 0)
		return -ENOENT;
	out->lo = m->lo;
	out->hi = m->hi;
	return 0;
}

/* The shadow stack of return probes: slots hold our trampoline, the
 * unwinder must see the real return address.  Slots decrease with depth. */
static bool walk_real_slot(void *ctx, uint64_t addr, uint64_t *value)
{
	const struct thread *th = ((struct stack_walk *)ctx)->th;
	size_t lo = 0, hi = th->nshadow;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		uint64_t slot = th->shadow[mid].slot;

		if (slot == addr) {
			*value = th->shadow[mid].ret;
			return true;
		}
		if (slot > addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* Rules from the module's .debug_frame (its own or separate debuginfo's). */
static int walk_debug_frame(void *ctx, uint64_t pc, struct dwarf_cfi_rules *out)
{
	struct stack_walk *w = ctx;
	const struct module_map *map;
	struct module *m;
	struct sym_module *sm = module_sym(w, pc, &m, &map);
	struct dwarf_module *dm = sm ? tracer_dwarf(w->t, w->s, m) : NULL;
	uint64_t vaddr;

	if (!dm || sym_offset_to_vaddr(sm, pc - map->start + map->pgoff, &vaddr) < 0)
		return -ENOENT;
	return dwarf_debug_frame_rules(dm, vaddr, out);
}

static const struct unwind_ops walk_ops = {
	.read = walk_read,
	.read_image = walk_read_image,
	.table = walk_table,
	.real_slot = walk_real_slot,
	.debug_frame = walk_debug_frame,
};

/* Name PC: function and offset, module, source line (of the call, for a
 * return address: the byte before it belongs to the call instruction). */
static void name_frame(struct stack_walk *w, uint64_t pc, bool is_return, struct probe_frame *f)
{
	const struct module_map *map;
	struct module *m;
	struct sym_module *sm = module_sym(w, pc, &m, &map);
	uint64_t at = is_return ? pc - 1 : pc, foff, delta, vaddr;
	struct sym_symbol sym;
	struct sym_plt stub;
	struct dwarf_module *dm;

	memset(f, 0, sizeof(*f));
	f->addr = pc;
	if (!m)
		return;
	f->module = m->path;
	f->module_off = pc - map->start + map->pgoff;
	foff = at - map->start + map->pgoff;
	if (!sm)
		return;
	if (sym_lookup_offset(sm, foff, &sym, &delta) == 0) {
		f->sym = sym.name;
		f->off = delta + (pc - at);
		f->size = sym.size;
	}
	/* A PLT stub has no symbol: an unsized label before it (_init)
	 * would claim it. */
	if ((!f->sym || !f->size) && sym_plt_stub_at(sm, foff, &stub) == 0) {
		f->sym = stub.label;
		f->off = foff - stub.file_offset + (pc - at);
		f->size = stub.size;
	}
	dm = tracer_dwarf(w->t, w->s, m);
	if (dm && sym_offset_to_vaddr(sm, foff, &vaddr) == 0 &&
	    dwarf_addr_line(dm, vaddr, &f->file, &f->line) < 0)
		f->file = NULL;
}

static struct space_stacks *space_stacks(struct space *s)
{
	struct space_stacks *ss = s->stacks;

	if (!ss) {
		ss = calloc(1, sizeof(*ss));
		if (!ss || unwind_new(&ss->unwinder) < 0) {
			free(ss);
			return NULL;
		}
		ss->modules_gen = s->modules_gen;
		s->stacks = ss;
	}
	if (ss->modules_gen != s->modules_gen) {
		/* Code was mapped or unmapped: addresses may mean other things. */
		unwind_flush(ss->unwinder);
		forget_names(ss);
		ss->modules_gen = s->modules_gen;
	}
	return ss;
}

void stack_name_addr(struct tracer *t, struct thread *th, uint64_t addr, struct probe_frame *out)
{
	struct stack_walk w = {t, th, th->proc->space, NULL};

	name_frame(&w, addr, false, out);
}

int stack_take(struct tracer *t, struct thread *th, const struct arch_regs *regs, bool at_entry,
	       bool at_return, struct probe_frame *frames, int max)
{
	struct stack_walk w = {t, th, th->proc->space, NULL};
	struct space_stacks *ss = space_stacks(w.s);
	struct unwind_frame pcs[OPTIONS_STACK_DEPTH_MAX];
	int n;

	if (!ss)
		return 0;
	if (max > OPTIONS_STACK_DEPTH_MAX)
		max = OPTIONS_STACK_DEPTH_MAX;
	n = unwind_stack(ss->unwinder, th->tid, regs, at_entry, &walk_ops, &w, pcs, max);
	/* At a return, frame 0 is the caller just after its call. */
	if (n > 0 && at_return)
		pcs[0].is_return = true;
	ss->calls++;
	for (int i = 0; i < n; i++) {
		uint64_t key = pcs[i].pc * 2 + pcs[i].is_return;
		struct named_frame *nf =
			&ss->names[(key * 0x9e3779b97f4a7c15ull) >> (64 - FRAME_CACHE_BITS)];
		const struct module_map *map;

		/* A return address points into some file's code; anything else
		 * is where a walk by frame pointers ran past the last frame. */
		if (i && pcs[i].is_return && !mapped_module(&w, pcs[i].pc, &map)) {
			n = i;
			break;
		}
		if (nf->key != key && nf->stamp == ss->calls)
			nf = &ss->spare[i]; /* the slot holds a frame of this stack */
		nf->stamp = ss->calls;
		if (nf->key != key) {
			char text[512];

			free((char *)nf->frame.text);
			name_frame(&w, pcs[i].pc, pcs[i].is_return, &nf->frame);
			probe_frame_format(&nf->frame, text, sizeof(text));
			nf->frame.text = strdup(text);
			nf->key = key;
		}
		frames[i] = nf->frame;
	}
	return n;
}
