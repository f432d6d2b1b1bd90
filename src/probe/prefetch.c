/* prefetch.c: the addresses a probe's fetches read first, known from the
 * registers alone, so the engine can read them all in one syscall. */
#include "probe/format_priv.h"
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
