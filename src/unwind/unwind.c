/* unwind.c: remote unwinding with libunwind, its memory served by utap (pages of stack,
 * the modules' files for code and unwind tables) instead of one ptrace call per word. */
#define _GNU_SOURCE
#include <errno.h>
#include <libunwind.h>
#include <stdlib.h>
#include <string.h>

#include "unwind/internal.h"

/* Exported by libunwind (its ptrace accessors use it) but not declared in
 * its public headers: the binary search of an .eh_frame_hdr table. */
extern int UNW_OBJ(dwarf_search_unwind_table)(unw_addr_space_t as, unw_word_t ip,
					      unw_dyn_info_t *di, unw_proc_info_t *pi,
					      int need_unwind_info, void *arg);

#define UNWIND_PAGE 4096u
#define COVER_CACHE 256 /* code addresses: covered by .eh_frame, or .debug_frame rules */
#define UNWIND_PAGES 8 /* stack pages kept during one unwind */

/* .eh_frame_hdr encodings (DWARF's DW_EH_PE_*) of the only layout linkers write. */
#define EH_PE_UDATA4 0x03
#define EH_PE_SDATA4 0x0b
#define EH_PE_DATAREL 0x30

struct stack_page {
	uint64_t base;
	uint32_t len; /* bytes valid from BASE */
	uint8_t data[UNWIND_PAGE];
};

struct cover {
	uint64_t pc; /* 0: empty */
	bool in_tables; /* libunwind finds an FDE for it */
	bool has_rules; /* else: RULES from .debug_frame */
	struct dwarf_cfi_rules rules;
};

struct unwinder {
	unw_addr_space_t as;
	struct cover cover[COVER_CACHE];
	bool upt; /* UTAP_UNWIND=ptrace: libunwind's ptrace accessors instead */
	struct stack_page page[UNWIND_PAGES];
	int npages, victim;
};

/* One unwind_stack call: what the accessors get as their argument. */
struct unwind_call {
	struct unwinder *u;
	const struct arch_regs *regs;
	const struct unwind_ops *ops;
	void *ctx;
	bool has_virtual; /* a stack word only the unwinder sees (an entry frame) */
	uint64_t virtual_slot, virtual_value;
};

static const struct stack_page *page_find(const struct unwinder *u, uint64_t base)
{
	for (int i = 0; i < u->npages; i++)
		if (u->page[i].base == base)
			return &u->page[i];
	return NULL;
}

/* Read the stack page at BASE and, in the same syscall, the next one
 * (callers' frames lie above): the walk of a typical stack costs one read. */
static const struct stack_page *page_load(struct unwind_call *c, uint64_t base)
{
	struct unwinder *u = c->u;
	uint8_t buf[2 * UNWIND_PAGE];
	struct stack_page *p = NULL;
	ssize_t got;

	got = c->ops->read(c->ctx, base, buf, sizeof(buf));
	if (got <= 0)
		return NULL;
	for (uint64_t off = 0; off < (uint64_t)got; off += UNWIND_PAGE) {
		struct stack_page *slot;

		if (page_find(u, base + off))
			continue;
		if (u->npages < UNWIND_PAGES) {
			slot = &u->page[u->npages++];
		} else {
			slot = &u->page[u->victim];
			u->victim = (u->victim + 1) % UNWIND_PAGES;
		}
		slot->base = base + off;
		slot->len = (uint64_t)got - off < UNWIND_PAGE ? (uint32_t)((uint64_t)got - off)
							    : UNWIND_PAGE;
		memcpy(slot->data, buf + off, slot->len);
		if (!off)
			p = slot;
	}
	return p ? p : (struct stack_page *)page_find(u, base);
}

/* N bytes of the thread's memory at ADDR as the program would see them. */
static int read_bytes(struct unwind_call *c, uint64_t addr, void *buf, size_t n)
{
	uint8_t *out = buf;

	if (c->ops->read_image && c->ops->read_image(c->ctx, addr, buf, n) == 0)
		return 0;
	while (n) {
		uint64_t base = addr & ~(uint64_t)(UNWIND_PAGE - 1), off = addr - base;
		const struct stack_page *p = page_find(c->u, base);
		size_t chunk = UNWIND_PAGE - off < n ? UNWIND_PAGE - off : n;

		if (!p)
			p = page_load(c, base);
		if (!p || off + chunk > p->len)
			return -EFAULT;
		memcpy(out, p->data + off, chunk);
		out += chunk;
		addr += chunk;
		n -= chunk;
	}
	return 0;
}

static int access_mem(unw_addr_space_t as, unw_word_t addr, unw_word_t *val, int write, void *arg)
{
	struct unwind_call *c = arg;
	uint64_t v;

	if (write)
		return -UNW_EREADONLYREG;
	if (c->has_virtual && addr == c->virtual_slot) {
		*val = c->virtual_value;
		return 0;
	}
	/* A return address we replaced by our trampoline reads as the real one. */
	if (c->ops->real_slot && c->ops->real_slot(c->ctx, addr, &v)) {
		*val = v;
		return 0;
	}
	if (read_bytes(c, addr, &v, sizeof(v)) < 0)
		return -UNW_EINVAL;
	*val = v;
	return 0;
}

static int access_reg(unw_addr_space_t as, unw_regnum_t reg, unw_word_t *val, int write, void *arg)
{
	return unwind_reg(((struct unwind_call *)arg)->regs, reg, val, write);
}

static int access_fpreg(unw_addr_space_t as, unw_regnum_t reg, unw_fpreg_t *val, int write,
			void *arg)
{
	return -UNW_EBADREG;
}

static int resume(unw_addr_space_t as, unw_cursor_t *cursor, void *arg)
{
	return -UNW_EINVAL; /* we only look at stacks */
}

static int get_proc_name(unw_addr_space_t as, unw_word_t addr, char *buf, size_t len,
			 unw_word_t *off, void *arg)
{
	return -UNW_ENOINFO; /* utap names frames itself, from its symbol tables */
}

static int get_dyn_info_list_addr(unw_addr_space_t as, unw_word_t *addr, void *arg)
{
	return -UNW_ENOINFO;
}

static void put_unwind_info(unw_addr_space_t as, unw_proc_info_t *pi, void *arg)
{
	/* libunwind frees the info it built from a table itself. */
}

/* The FDE for IP, by libunwind's binary search of the module's .eh_frame_hdr,
 * read from the module's file. */
static int find_proc_info(unw_addr_space_t as, unw_word_t ip, unw_proc_info_t *pi,
			  int need_unwind_info, void *arg)
{
	struct unwind_call *c = arg;
	struct unwind_table t;
	uint8_t hdr[12];
	uint32_t fde_count;
	unw_dyn_info_t di;

	if (c->ops->table(c->ctx, ip, &t) < 0 || read_bytes(c, t.hdr, hdr, sizeof(hdr)) < 0)
		return -UNW_ENOINFO;
	/* version 1; eh_frame_ptr as a 4-byte value; fde_count as udata4;
	 * the table as pairs of 4-byte offsets from the header */
	if (hdr[0] != 1 || (hdr[1] & 0x0f) != EH_PE_SDATA4 || hdr[2] != EH_PE_UDATA4 ||
	    hdr[3] != (EH_PE_DATAREL | EH_PE_SDATA4))
		return -UNW_ENOINFO;
	memcpy(&fde_count, hdr + 8, sizeof(fde_count));
	memset(&di, 0, sizeof(di));
	di.format = UNW_INFO_FORMAT_REMOTE_TABLE;
	di.start_ip = t.lo;
	di.end_ip = t.hi;
	di.u.rti.segbase = t.hdr;
	di.u.rti.table_data = t.hdr + sizeof(hdr);
	di.u.rti.table_len = (uint64_t)fde_count * 2 * sizeof(uint32_t) / sizeof(unw_word_t);
	return UNW_OBJ(dwarf_search_unwind_table)(as, ip, &di, pi, need_unwind_info, arg);
}

static unw_accessors_t accessors = {
	.find_proc_info = find_proc_info,
	.put_unwind_info = put_unwind_info,
	.get_dyn_info_list_addr = get_dyn_info_list_addr,
	.access_mem = access_mem,
	.access_reg = access_reg,
	.access_fpreg = access_fpreg,
	.resume = resume,
	.get_proc_name = get_proc_name,
};

int unwind_new(struct unwinder **out)
{
	struct unwinder *u = calloc(1, sizeof(*u));

	if (!u)
		return -ENOMEM;
	u->as = unw_create_addr_space(&accessors, 0);
	if (!u->as) {
		free(u);
		return -ENOMEM;
	}
	/* Unwind rules are cached by address across unwinds: a warm stack
	 * costs no table lookups, only the stack reads. */
	unw_set_caching_policy(u->as, UNW_CACHE_GLOBAL);
	u->upt = getenv("UTAP_UNWIND") && strcmp(getenv("UTAP_UNWIND"), "ptrace") == 0;
	*out = u;
	return 0;
}

void unwind_free(struct unwinder *u)
{
	if (!u)
		return;
	unw_destroy_addr_space(u->as);
	if (u->upt)
		unwind_upt_free();
	free(u);
}

void unwind_flush(struct unwinder *u)
{
	unw_flush_cache(u->as, 0, 0);
	memset(u->cover, 0, sizeof(u->cover));
}

/* One step of libunwind's cursor to the caller, described in *F.  false
 * at the end of the stack. */
static bool libunwind_step(unw_cursor_t *cursor, struct unwind_frame *f)
{
	unw_word_t pc, prev_sp = 0, sp = 0;
	bool signal_frame = unw_is_signal_frame(cursor) > 0;

	unw_get_reg(cursor, UNW_REG_SP, &prev_sp);
	if (unw_step(cursor) <= 0 || unw_get_reg(cursor, UNW_REG_IP, &pc) < 0 || pc == 0)
		return false;
	unw_get_reg(cursor, UNW_REG_SP, &sp);
	/* A stack only grows one way: a frame that does not move up is a
	 * loop of bad unwind info, not a caller. */
	if (sp <= prev_sp && !signal_frame)
		return false;
	f->pc = pc;
	f->is_return = !signal_frame; /* after a signal frame: where it was interrupted */
	return true;
}

int unwind_reg(const struct arch_regs *regs, unw_regnum_t reg, unw_word_t *val, int write)
{
	int index = arch_unwind_reg(reg);

	if (write)
		return -UNW_EREADONLYREG;
	if (index < 0)
		return -UNW_EBADREG;
	*val = arch_reg_value(regs, index);
	return 0;
}

int unwind_walk(unw_addr_space_t as, void *arg, const struct arch_regs *regs,
		struct unwind_frame *frames, int max)
{
	unw_cursor_t cursor;
	int n = 0;

	if (max < 1)
		return 0;
	frames[n].pc = arch_ip(regs);
	frames[n++].is_return = false;
	if (unw_init_remote(&cursor, as, arg) < 0)
		return n;
	while (n < max && libunwind_step(&cursor, &frames[n]))
		n++;
	return n;
}

/* What unwinds the frame at PC (the call's address, for a caller): an FDE
 * libunwind finds, or .debug_frame rules, or neither; cached by address. */
static const struct cover *coverage(struct unwind_call *c, uint64_t pc)
{
	struct cover *cv = &c->u->cover[(pc * 0x9e3779b97f4a7c15ull) >> 56];
	unw_proc_info_t pi;

	if (cv->pc == pc && pc)
		return cv;
	cv->pc = pc;
	cv->in_tables = find_proc_info(c->u->as, pc, &pi, 0, c) >= 0;
	cv->has_rules = !cv->in_tables && c->ops->debug_frame &&
			c->ops->debug_frame(c->ctx, pc, &cv->rules) == 0;
	return cv;
}

static uint64_t dwarf_reg_value(const struct arch_regs *regs, unsigned regno, bool *ok)
{
	int index = arch_dwarf_reg(regno);

	*ok = index >= 0;
	return *ok ? arch_reg_value(regs, index) : 0;
}

/* The caller of the frame with registers NOW, by R: its registers in
 * *CALLER.  0, or -1 when a rule cannot be followed (the walk ends). */
static int step_by_rules(struct unwind_call *c, const struct dwarf_cfi_rules *r,
			 const struct arch_regs *now, struct arch_regs *caller)
{
	bool ok;
	uint64_t cfa = dwarf_reg_value(now, r->cfa_reg, &ok) + (uint64_t)r->cfa_off, v, ra = 0;
	bool have_ra = false;

	if (!ok)
		return -1;
	*caller = *now;
	for (unsigned i = 0; i < DWARF_CFI_REGS; i++) {
		int index = arch_dwarf_reg(i);

		switch (r->reg[i].rule) {
		case DWARF_CFI_SAME:
		case DWARF_CFI_UNDEFINED:
			continue;
		case DWARF_CFI_AT_CFA:
			if (access_mem(c->u->as, cfa + (uint64_t)r->reg[i].off, &v, 0, c) < 0)
				return -1;
			break;
		case DWARF_CFI_VAL_CFA:
			v = cfa + (uint64_t)r->reg[i].off;
			break;
		}
		if (i == r->ra_reg) {
			ra = v;
			have_ra = true;
		} else if (index >= 0) {
			arch_set_reg(caller, index, v);
		}
	}
	if (!have_ra)
		return -1; /* an undefined return address: the outermost frame */
	/* The CFA is the stack pointer of the caller before its call. */
	arch_set_sp(caller, cfa);
	arch_set_ip(caller, ra);
	return 0;
}

/* The registers libunwind's cursor holds for its current frame. */
static void cursor_regs(unw_cursor_t *cursor, struct arch_regs *out)
{
	for (int r = 0; r < 64; r++) {
		int index = arch_unwind_reg(r);
		unw_word_t v;

		if (index >= 0 && unw_get_reg(cursor, r, &v) == 0)
			arch_set_reg(out, index, v);
	}
}

/* libunwind's walk, but where its tables do not cover a frame and the
 * module's .debug_frame does, that frame is stepped by .debug_frame's
 * rules and libunwind set up again at the caller. */
static int walk_with_debug_frame(struct unwind_call *c, struct unwind_frame *frames, int max)
{
	struct arch_regs now = *c->regs, caller;
	unw_cursor_t cursor;
	int n = 0;

	frames[n].pc = arch_ip(&now);
	frames[n++].is_return = false;
	c->regs = &now;
	if (unw_init_remote(&cursor, c->u->as, c) < 0)
		return n;
	while (n < max) {
		uint64_t pc = frames[n - 1].pc;
		const struct cover *cv = coverage(c, frames[n - 1].is_return ? pc - 1 : pc);

		if (!cv->in_tables && cv->has_rules) {
			cursor_regs(&cursor, &now);
			if (step_by_rules(c, &cv->rules, &now, &caller) < 0 ||
			    arch_sp(&caller) <= arch_sp(&now) || arch_ip(&caller) == 0)
				break;
			now = caller;
			frames[n].pc = arch_ip(&now);
			frames[n++].is_return = true;
			c->has_virtual = false;
			if (unw_init_remote(&cursor, c->u->as, c) < 0)
				break;
			continue;
		}
		if (!libunwind_step(&cursor, &frames[n]))
			break;
		n++;
	}
	return n;
}

int unwind_stack(struct unwinder *u, pid_t tid, const struct arch_regs *regs, bool at_entry,
		 const struct unwind_ops *ops, void *ctx, struct unwind_frame *frames, int max)
{
	struct unwind_call c = {u, regs, ops, ctx, false, 0, 0};
	const struct cover *cv;
	struct arch_regs entry;
	int n;

	if (u->upt) {
		n = unwind_upt_stack(tid, regs, frames, max);
		return n < 0 ? 0 : n;
	}
	u->npages = 0; /* the thread ran since the last unwind */
	u->victim = 0;
	/* Without unwind tables libunwind follows the frame-pointer chain,
	 * which at a function's entry does not hold the function yet: its
	 * caller would be skipped.  Walk as if the frame were set up. */
	cv = coverage(&c, arch_ip(regs));
	if (at_entry && !cv->in_tables && !cv->has_rules) {
		entry = *regs;
		arch_unwind_entry_frame(&entry, &c.virtual_slot, &c.virtual_value);
		c.has_virtual = true;
		c.regs = &entry;
	}
	if (!ops->debug_frame)
		return unwind_walk(u->as, &c, c.regs, frames, max);
	return walk_with_debug_frame(&c, frames, max);
}
