/* fetch.c: evaluate a fetch plan against a stopped thread's registers and
 * memory, and turn what it read into the value an argument shows. */
#include <errno.h>
#include <string.h>

#include "probe/format_priv.h"
#include "probe/probe.h"

static int read_mem(const struct arch_mem *mem, uint64_t addr, void *buf, size_t n)
{
	if (!mem || !mem->read)
		return -EFAULT;
	return mem->read(mem->ctx, addr, buf, n) ? -EFAULT : 0;
}

/* The value of FETCH as a 64-bit word: what a register (plus offset) or a
 * constant is, or the pointer-sized word in memory; inner derefs are
 * always pointers. */
static int fetch_word(const struct fetch *fetch, const struct arch_regs *regs,
		      const struct arch_mem *mem, uint64_t input, uint64_t *out)
{
	uint64_t base;
	int ret;

	switch (fetch->op) {
	case FETCH_REG:
		*out = arch_reg_value(regs, fetch->reg) + (uint64_t)fetch->offset;
		return 0;
	case FETCH_RETVAL:
		*out = arch_retval(regs);
		return 0;
	case FETCH_CONST:
		*out = (uint64_t)fetch->offset;
		return 0;
	case FETCH_FPREG:
		*out = arch_fpreg_value(regs, fetch->reg);
		return 0;
	case FETCH_NONE:
		return -ENODATA; /* told apart from a fault: "(optimized out)" */
	case FETCH_INPUT:
		*out = input;
		return 0;
	case FETCH_INDEX:
		if (!fetch->inner)
			return -EINVAL;
		ret = fetch_word(fetch->inner, regs, mem, input, &base);
		if (ret)
			return ret;
		*out = base + input * (uint64_t)fetch->offset;
		return 0;
	case FETCH_STACK:
		return read_mem(mem, arch_sp(regs) + (uint64_t)fetch->offset, out, sizeof(*out));
	case FETCH_DEREF:
		if (!fetch->inner)
			return -EINVAL;
		ret = fetch_word(fetch->inner, regs, mem, input, &base);
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

static bool type_is_signed(enum probe_type type)
{
	return type >= PROBE_S8 && type <= PROBE_S64;
}

/* Keep the low BITS bits of V, sign-extended when SIGNED. */
static uint64_t keep_bits(uint64_t v, unsigned bits, bool is_signed)
{
	if (bits >= 64)
		return v;
	v &= (UINT64_C(1) << bits) - 1;
	if (is_signed && (v >> (bits - 1)) & 1)
		v |= ~UINT64_C(0) << bits;
	return v;
}

/* Keep the low SIZE bytes of V, sign-extended for the s* types. */
static uint64_t narrow(uint64_t v, enum probe_type type)
{
	return keep_bits(v, probe_type_size(type) * 8, type_is_signed(type));
}

int probe_fetch(const struct fetch *fetch, enum probe_type type, const struct arch_regs *regs,
		const struct arch_mem *mem, uint64_t *out)
{
	if (!regs)
		return -EINVAL;
	return probe_fetch_input(fetch, type, regs, mem, 0, out);
}

int probe_fetch_input(const struct fetch *fetch, enum probe_type type,
		      const struct arch_regs *regs, const struct arch_mem *mem, uint64_t input,
		      uint64_t *out)
{
	static const struct arch_regs no_regs;
	uint64_t base, value = 0;
	size_t size = probe_type_size(type);
	int ret;

	if (!fetch || !out)
		return -EINVAL;
	if (!regs)
		regs = &no_regs; /* a plan from INPUT alone reads none */
	if (fetch->op != FETCH_DEREF) {
		/* A register, constant or stack word holds the value, or for
		 * :string the address of the string (a char *). */
		ret = fetch_word(fetch, regs, mem, input, &value);
		if (ret)
			return ret;
		*out = type == PROBE_STRING ? value : narrow(value, type);
		return 0;
	}
	if (!fetch->inner)
		return -EINVAL;
	ret = fetch_word(fetch->inner, regs, mem, input, &base);
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

/* Reverse the low N bytes of V (network order to host order). */
static uint64_t swap_bytes(uint64_t v, unsigned n)
{
	if (n < 2 || n > 8)
		return v;
	return __builtin_bswap64(v) >> (64 - 8 * n);
}

uint64_t probe_arg_adjust(const struct probe_arg *arg, uint64_t v)
{
	bool is_signed = type_is_signed(arg->type);

	if (arg->type == PROBE_STRING)
		return v;
	/* Narrowed again after the swap: an s* value's sign byte moved. */
	if (arg->swap)
		v = narrow(swap_bytes(v, arg->swap), arg->type);
	if (arg->bit_size) {
		/* The read covers the bit-field's storage; its sign bit is
		 * its own top bit, not the type's. */
		v = arg->bit_offset < 64 ? v >> arg->bit_offset : 0;
		v = keep_bits(v, arg->bit_size, is_signed);
	}
	return v;
}

int probe_arg_value(const struct probe_arg *arg, const struct arch_regs *regs,
		    const struct arch_mem *mem, uint64_t *out)
{
	int ret = probe_fetch(arg->fetch, arg->type, regs, mem, out);

	if (!ret)
		*out = probe_arg_adjust(arg, *out);
	return ret;
}

int probe_hit_value(const struct probe_hit *hit, const struct probe_arg *arg,
		    const struct probe_value *pre, uint64_t *out)
{
	if (arg->absent)
		return -ENOENT;
	if (!pre)
		return probe_arg_value(arg, hit->regs, hit->mem, out);
	if (pre->err)
		return pre->err;
	/* A string has no number here: its bytes came with it. */
	*out = arg->type == PROBE_STRING ? 0 : probe_arg_adjust(arg, pre->raw);
	return 0;
}

int probe_arg_value_input(const struct probe_arg *arg, const struct arch_regs *regs,
			  const struct arch_mem *mem, uint64_t input, uint64_t *out)
{
	int ret;

	if (arg->absent)
		return -ENOENT;
	ret = probe_fetch_input(arg->fetch, arg->type, regs, mem, input, out);
	if (!ret)
		*out = probe_arg_adjust(arg, *out);
	return ret;
}

const char *probe_arg_enum_name(const struct probe_arg *arg, uint64_t v)
{
	for (size_t i = 0; i < arg->nenums; i++) {
		/* V is narrowed to the type; an enumerator of an unsigned
		 * 4-byte enum may be stored as a negative int64 or not. */
		if ((uint64_t)arg->enums[i].value == v ||
		    narrow((uint64_t)arg->enums[i].value, arg->type) == v)
			return arg->enums[i].name;
	}
	return NULL;
}

bool probe_arg_float(const struct probe_arg *arg, uint64_t v, double *d)
{
	size_t size = probe_type_size(arg->type);
	uint32_t bits32;
	float f;

	if (arg->show != SHOW_FLOAT || arg->type == PROBE_STRING || (size != 4 && size != 8))
		return false;
	if (size == 8) {
		memcpy(d, &v, sizeof(*d));
		return true;
	}
	bits32 = (uint32_t)v;
	memcpy(&f, &bits32, sizeof(f));
	*d = f;
	return true;
}
