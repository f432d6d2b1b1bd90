/* fetch.c: evaluate a fetch plan against a stopped thread's registers and memory. */
#include <errno.h>
#include <string.h>

#include "probe/probe.h"

static int read_mem(const struct arch_mem *mem, uint64_t addr, void *buf, size_t n)
{
	if (!mem || !mem->read)
		return -EFAULT;
	return mem->read(mem->ctx, addr, buf, n) ? -EFAULT : 0;
}

/* The value of FETCH as a 64-bit word: what a register holds, or the
 * pointer-sized word in memory; inner derefs are always pointers. */
static int fetch_word(const struct fetch *fetch, const struct arch_regs *regs,
		      const struct arch_mem *mem, uint64_t *out)
{
	uint64_t base;
	int ret;

	switch (fetch->op) {
	case FETCH_REG:
		*out = arch_reg_value(regs, fetch->reg);
		return 0;
	case FETCH_RETVAL:
		*out = arch_retval(regs);
		return 0;
	case FETCH_STACK:
		return read_mem(mem, arch_sp(regs) + (uint64_t)fetch->offset, out, sizeof(*out));
	case FETCH_DEREF:
		if (!fetch->inner)
			return -EINVAL;
		ret = fetch_word(fetch->inner, regs, mem, &base);
		if (ret)
			return ret;
		return read_mem(mem, base + (uint64_t)fetch->offset, out, sizeof(*out));
	}
	return -EINVAL;
}

size_t probe_type_size(enum probe_type type)
{
	switch (type) {
	case PROBE_U8:
	case PROBE_S8:
	case PROBE_X8:
		return 1;
	case PROBE_U16:
	case PROBE_S16:
	case PROBE_X16:
		return 2;
	case PROBE_U32:
	case PROBE_S32:
	case PROBE_X32:
		return 4;
	default:
		return 8;
	}
}

/* Keep the low SIZE bytes of V, sign-extended for the s* types. */
static uint64_t narrow(uint64_t v, enum probe_type type)
{
	size_t size = probe_type_size(type);
	unsigned bits = size * 8;

	if (size >= 8)
		return v;
	v &= (UINT64_C(1) << bits) - 1;
	if (type >= PROBE_S8 && type <= PROBE_S64 && (v >> (bits - 1)) & 1)
		v |= ~UINT64_C(0) << bits;
	return v;
}

int probe_fetch(const struct fetch *fetch, enum probe_type type, const struct arch_regs *regs,
		const struct arch_mem *mem, uint64_t *out)
{
	uint64_t base, value = 0;
	size_t size = probe_type_size(type);
	int ret;

	if (!fetch || !regs || !out)
		return -EINVAL;
	if (fetch->op != FETCH_DEREF) {
		/* A register or stack word holds the value, or for :string the
		 * address of the string (a char *). */
		ret = fetch_word(fetch, regs, mem, &value);
		if (ret)
			return ret;
		*out = type == PROBE_STRING ? value : narrow(value, type);
		return 0;
	}
	if (!fetch->inner)
		return -EINVAL;
	ret = fetch_word(fetch->inner, regs, mem, &base);
	if (ret)
		return ret;
	base += (uint64_t)fetch->offset;
	/* uprobe_events: +OFF(X):string is the string stored at X+OFF. */
	if (type == PROBE_STRING) {
		*out = base;
		return 0;
	}
	/* Little-endian: the low SIZE bytes of the word land first. */
	ret = read_mem(mem, base, &value, size);
	if (ret)
		return ret;
	*out = narrow(value, type);
	return 0;
}
