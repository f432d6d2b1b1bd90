/* prefetch.c: the addresses a probe's fetches read first, known from the
 * registers alone, so the engine can read them all in one syscall. */
#include "probe/probe.h"

/* The address of the first memory read of F, or 0 if it reads none. */
static uint64_t first_read(const struct fetch *f, bool string, const struct arch_regs *regs)
{
	if (string && f->op == FETCH_REG)
		return arch_reg_value(regs, f->reg); /* it holds the char * */
	if (f->op == FETCH_STACK)
		return arch_sp(regs) + (uint64_t)f->offset;
	if (f->op != FETCH_DEREF)
		return 0;
	while (f->inner->op == FETCH_DEREF) /* +8(+0(%si)): the inner one first */
		f = f->inner;
	switch (f->inner->op) {
	case FETCH_REG:
		return arch_reg_value(regs, f->inner->reg) + (uint64_t)f->offset;
	case FETCH_RETVAL:
		return arch_retval(regs) + (uint64_t)f->offset;
	case FETCH_STACK:
		return arch_sp(regs) + (uint64_t)f->inner->offset;
	default:
		return 0;
	}
}

size_t probe_prefetch_addrs(const struct probe *p, const struct arch_regs *regs, uint64_t *out,
			    size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < p->nargs && n < max; i++) {
		uint64_t a = first_read(p->args[i].fetch, p->args[i].type == PROBE_STRING, regs);

		if (a)
			out[n++] = a;
	}
	return n;
}
