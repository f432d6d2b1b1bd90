/* plt.c: the one-liners' PLT probes, "p BIN:NAME@plt" and "r BIN:NAME@plt": the
 * suffix, and the fetches such a probe can make without the callee's DWARF. */
#include <errno.h>
#include <string.h>

#include "probe/parse_priv.h"

int probe_parse_plt_suffix(const char *sym, const char **end, struct probe *out)
{
	static const char suffix[] = "@plt";
	const size_t len = sizeof(suffix) - 1;
	const char *at = NULL;

	for (const char *p = sym; p + len <= *end; p++)
		if (memcmp(p, suffix, len) == 0)
			at = p;
	if (!at)
		return 0;
	if (at + len != *end || at == sym || (sym[0] >= '0' && sym[0] <= '9') ||
	    memchr(sym, '+', (size_t)(at - sym)))
		return -1; /* NAME@plt+OFF, 0xOFF@plt, @plt */
	*end = at;
	out->plt = true;
	return 1;
}

int probe_check_plt_args(struct probe_parser *ps, const struct probe *out)
{
	static const char hint[] = "use %0..%5 (or $arg1..), registers, or a cast to a base "
				   "type: !(u32)%1, !(char *)%0";

	for (size_t i = 0; i < out->nargs; i++) {
		const struct probe_expr *e = out->args[i].expr;
		const char *at;
		int len;

		if (!e)
			continue; /* a raw fetch: registers and memory need no DWARF */
		at = ps->text + (e->column > 0 ? e->column - 1 : 0);
		len = (int)strcspn(at, " \t");
		if (e->base == PEXPR_VAR || e->base == PEXPR_GLOBAL)
			return probe_fail(ps, at, hint,
					  "%.*s: a PLT probe sees the called function's registers, "
					  "not variables by name (its DWARF is in the library)",
					  len, at);
		if ((e->base == PEXPR_ARG || e->base == PEXPR_REG) && e->naccess && !e->cast)
			return probe_fail(ps, at, hint,
					  "%.*s: a PLT probe does not know the called function's "
					  "parameter types; cast the value",
					  len, at);
	}
	return 0;
}
