/* prefetch.c: the addresses a probe's fetches read first, known from the
 * registers alone, so the engine can read them all in one syscall. */
#include "probe/format_priv.h"
#include "probe/parse_priv.h"
#include "probe/probe.h"

/* The address F's value starts from, when it is known without reading
 * memory: a register plus offset, a constant, the return value. */
static bool known_base(const struct fetch *f, const struct arch_regs *regs, uint64_t *out)
{
	switch (f->op) {
	case FETCH_REG:
		*out = arch_reg_value(regs, f->reg) + (uint64_t)f->offset;
		return true;
	case FETCH_CONST:
		*out = (uint64_t)f->offset;
		return true;
	case FETCH_RETVAL:
		*out = arch_retval(regs);
		return true;
	default:
		return false; /* FPREG holds no address; NONE has no value */
	}
}

/* The address of the first memory read of F, or 0 if it reads none. */
static uint64_t first_read(const struct fetch *f, bool string, const struct arch_regs *regs)
{
	uint64_t base;

	if (!f) /* a C-level fetch not compiled yet */
		return 0;
	if (f->op == FETCH_STACK)
		return arch_sp(regs) + (uint64_t)f->offset;
	if (f->op != FETCH_DEREF)
		/* Only a :string reads memory: the char * the value is. */
		return string && known_base(f, regs, &base) ? base : 0;
	while (f->inner && f->inner->op == FETCH_DEREF) /* +8(+0(%si)): the inner one first */
		f = f->inner;
	if (!f->inner)
		return 0;
	if (f->inner->op == FETCH_STACK)
		return arch_sp(regs) + (uint64_t)f->inner->offset;
	return known_base(f->inner, regs, &base) ? base + (uint64_t)f->offset : 0;
}

size_t probe_prefetch_args(const struct probe_arg *args, size_t nargs, const struct arch_regs *regs,
			   uint64_t *out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < nargs && n < max; i++) {
		uint64_t a = first_read(args[i].fetch, args[i].type == PROBE_STRING, regs);

		if (a)
			out[n++] = a;
	}
	return n;
}

/* Add [ADDR, ADDR+LEN) to OUT, cut at page boundaries (a range that runs
 * into an unmapped page then fails alone, as a page-wise read would).
 * Returns false when OUT is full. */
static bool add_range(struct probe_range *out, size_t max, size_t *n, uint64_t addr, size_t len)
{
	while (len) {
		size_t in_page = PRINT_PAGE - (addr % PRINT_PAGE), take = len < in_page ? len : in_page;

		if (*n >= max || addr + take < addr)
			return false;
		out[*n].addr = addr;
		out[*n].len = (uint32_t)take;
		(*n)++;
		addr += take;
		len -= take;
	}
	return true;
}

/* The one range ARG reads at a hit, when its address is known from REGS
 * alone; false for deeper plans (a pointer read from memory, then read). */
static bool arg_range(const struct probe_arg *arg, const struct arch_regs *regs, uint64_t *addr,
		      size_t *len, bool *none)
{
	const struct fetch *f = arg->fetch;
	bool string = arg->type == PROBE_STRING;
	size_t strmax = arg->strmax && arg->strmax <= PRINT_STRING_MAX ? arg->strmax
								      : PRINT_STRING_MAX;
	uint64_t base;

	*none = false;
	if (arg->absent) {
		*none = true;
		return true;
	}
	if (!f || arg->list != LIST_NONE || arg->pretty || arg->nparts)
		return false;
	switch (f->op) {
	case FETCH_REG:
	case FETCH_CONST:
	case FETCH_RETVAL:
	case FETCH_FPREG:
	case FETCH_NONE:
		if (!string) {
			*none = true;
			return true;
		}
		if (f->op == FETCH_FPREG || f->op == FETCH_NONE || !known_base(f, regs, addr))
			return false;
		*len = strmax;
		return true;
	case FETCH_STACK:
		if (string)
			return false; /* the string a stack word points to: two reads */
		*addr = arch_sp(regs) + (uint64_t)f->offset;
		*len = sizeof(uint64_t);
		return true;
	case FETCH_DEREF:
		if (!f->inner || !known_base(f->inner, regs, &base))
			return false;
		*addr = base + (uint64_t)f->offset;
		*len = string ? strmax : probe_type_size(arg->type);
		return true;
	default:
		return false; /* an index or an input: computed at print time */
	}
}

int probe_copy_ranges(const struct probe_arg *args, size_t nargs, const struct arch_regs *regs,
		      struct probe_range *out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < nargs; i++) {
		uint64_t addr = 0;
		size_t len = 0;
		bool none;

		if (!arg_range(&args[i], regs, &addr, &len, &none))
			return -1;
		if (!none && !add_range(out, max, &n, addr, len))
			return -1;
	}
	return (int)n;
}
