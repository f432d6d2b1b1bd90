/* format_priv.h: how fetch, print, filter and describe agree on what an
 * argument's value is and how it shows; not for other modules. */
#ifndef UTAP_PROBE_FORMAT_PRIV_H
#define UTAP_PROBE_FORMAT_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "probe/probe.h"

/* The arguments a hit evaluates: those compiled for its site, else the
 * probe's own (final when nothing needed compiling). */
static inline const struct probe_arg *probe_hit_args(const struct probe_hit *hit)
{
	return hit->args ? hit->args : hit->probe->args;
}

/* The value ARG shows at a stop: its fetch read as ARG->type, then the low
 * ARG->swap bytes reversed, then its bit-field taken (sign-extended for
 * s* types). For PROBE_STRING the string's address (probe_fetch's rule).
 * Print and filter both go through here so a filter compares exactly what
 * the line shows. Returns 0, -EFAULT (unreadable memory), -ENODATA (the
 * value is optimized out) or -EINVAL (no plan: not compiled). */
int probe_arg_value(const struct probe_arg *arg, const struct arch_regs *regs,
		    const struct arch_mem *mem, uint64_t *out);

/* The value of ARG at HIT whose pre-fetched value (hit->values[i]) is PRE,
 * or, when PRE is NULL, probe_arg_value from the hit's registers and
 * memory.  Same returns. */
int probe_hit_value(const struct probe_hit *hit, const struct probe_arg *arg,
		    const struct probe_value *pre, uint64_t *out);

/* Argument I's pre-fetched value at HIT, or NULL when the hit has none. */
static inline const struct probe_value *probe_hit_pre(const struct probe_hit *hit, size_t i)
{
	return hit->values ? &hit->values[i] : NULL;
}

/* The string of ARG at HIT: PRE's bytes when it was pre-fetched (cut as
 * probe_arg_string cuts), else read at ADDR.  Same returns. */
int probe_hit_string(const struct probe_hit *hit, const struct probe_arg *arg,
		     const struct probe_value *pre, uint64_t addr, char *buf, size_t *len,
		     bool *cut);

/* pretty.c: the text of pretty-printed ARG (ARG->pretty) at HIT, into BUF. */
int probe_pretty_text(const struct probe_hit *hit, const struct probe_arg *a, char *buf,
		      size_t n);

/* The byte swap and bit-field step of probe_arg_value, on RAW (a value as
 * probe_fetch returns it for ARG->type). */
uint64_t probe_arg_adjust(const struct probe_arg *arg, uint64_t raw);

/* The name of the enumerator of ARG (SHOW_ENUM) whose value is V, or NULL. */
const char *probe_arg_enum_name(const struct probe_arg *arg, uint64_t v);

/* Whether ARG shows as a float (4-byte type) or a double (8-byte type);
 * *D gets V's bits read as one. */
bool probe_arg_float(const struct probe_arg *arg, uint64_t v, double *d);

/* Read the string of ARG at ADDR into BUF (PRINT_STRING_MAX bytes): up to
 * its NUL, and for char[N] (ARG->strmax) at most N bytes. *CUT is true only
 * when PRINT_STRING_MAX cut it, not when a char[N] was full. Returns 0, or
 * -EFAULT when not even the first byte can be read. */
int probe_arg_string(const struct probe_arg *arg, const struct arch_mem *mem, uint64_t addr,
		     char *buf, size_t *len, bool *cut);

/* The text a filter compares with a "quoted string" for a non-string
 * value V of ARG, written to BUF: an enumerator's name (else the number),
 * a dotted quad, true/false, the character. Returns false when ARG's format
 * has no text (plain numbers). */
bool probe_arg_text(const struct probe_arg *arg, uint64_t v, char *buf, size_t n);

#endif
