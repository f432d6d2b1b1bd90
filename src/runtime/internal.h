/* internal.h: 64-bit arithmetic that wraps as SystemTap's kernel C does. */
#ifndef UTAP_RUNTIME_INTERNAL_H
#define UTAP_RUNTIME_INTERNAL_H

#include <stdint.h>

/*
 * SystemTap's runtime is kernel C built with -fno-strict-overflow: signed
 * overflow wraps, >> of a negative number shifts in ones.  Doing the same in
 * ISO C (without undefined behaviour) takes a detour through uint64_t.
 */
static inline int64_t rt_wrap_add(int64_t a, int64_t b)
{
	return (int64_t)((uint64_t)a + (uint64_t)b);
}

static inline int64_t rt_wrap_sub(int64_t a, int64_t b)
{
	return (int64_t)((uint64_t)a - (uint64_t)b);
}

static inline int64_t rt_wrap_mul(int64_t a, int64_t b)
{
	return (int64_t)((uint64_t)a * (uint64_t)b);
}

static inline int64_t rt_wrap_shl(int64_t a, int n)
{
	return (int64_t)((uint64_t)a << (n & 63));
}

/* Arithmetic shift right. */
static inline int64_t rt_sar(int64_t a, int n)
{
	n &= 63;
	return a < 0 ? ~(int64_t)(~(uint64_t)a >> n) : (int64_t)((uint64_t)a >> n);
}

/* SystemTap's _stp_div64(): truncating division, 0 for a zero divisor,
 * and x / -1 wraps instead of trapping. */
static inline int64_t rt_div64(int64_t x, int64_t y)
{
	if (y == 0)
		return 0;
	if (y == -1)
		return (int64_t)(0 - (uint64_t)x);
	return x / y;
}

/* |v| as an unsigned number (INT64_MIN included). */
static inline uint64_t rt_magnitude(int64_t v)
{
	return v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
}

#endif
