/* cfirules.c: unwind rules from .debug_frame, which libunwind cannot read in another process. */
#include <dwarf.h>
#include <errno.h>
#include <stdlib.h>

#include "dwarf/internal.h"

/* One register's rule as libdw spells it: nothing (same value or
 * undefined), or "CFA [+ off]" as a location or, ending in
 * DW_OP_stack_value, as a value. */
static int reg_rule(const Dwarf_Op *ops, size_t nops, const Dwarf_Op *ops_mem,
		    enum dwarf_cfi_rule *rule, int64_t *off)
{
	bool value = nops && ops[nops - 1].atom == DW_OP_stack_value;

	if (nops == 0) {
		*rule = ops == ops_mem ? DWARF_CFI_UNDEFINED : DWARF_CFI_SAME;
		return 0;
	}
	if (value)
		nops--;
	if (ops[0].atom != DW_OP_call_frame_cfa)
		return -ENOTSUP;
	*off = 0;
	if (nops == 2 && ops[1].atom == DW_OP_plus_uconst)
		*off = (int64_t)ops[1].number;
	else if (nops == 3 && ops[1].atom == DW_OP_consts && ops[2].atom == DW_OP_plus)
		*off = (int64_t)ops[1].number;
	else if (nops != 1)
		return -ENOTSUP;
	*rule = value ? DWARF_CFI_VAL_CFA : DWARF_CFI_AT_CFA;
	return 0;
}

int dwarf_debug_frame_rules(struct dwarf_module *dm, uint64_t addr, struct dwarf_cfi_rules *out)
{
	Dwarf_Op ops_mem[3], *ops;
	Dwarf_Addr bias, start, end;
	Dwarf_Frame *frame = NULL;
	Dwarf_CFI *cfi;
	bool signal;
	size_t nops;
	int ra, ret = 0;

	cfi = dm->mod ? dwfl_module_dwarf_cfi(dm->mod, &bias) : NULL;
	if (!cfi)
		return -ENOENT;
	addr = addr + dm->bias - bias;
	if (dwarf_cfi_addrframe(cfi, addr, &frame) != 0)
		return -ENOENT;
	ra = dwarf_frame_info(frame, &start, &end, &signal);
	if (ra < 0 || ra >= DWARF_CFI_REGS ||
	    dwarf_cfa_rule(cfi, addr, &out->cfa_reg, &out->cfa_off) != 0) {
		ret = -ENOTSUP;
		goto out;
	}
	out->ra_reg = (unsigned)ra;
	for (int i = 0; i < DWARF_CFI_REGS && ret == 0; i++) {
		if (dwarf_frame_register(frame, i, ops_mem, &ops, &nops) != 0)
			ret = -ENOTSUP;
		else
			ret = reg_rule(ops, nops, ops_mem, &out->reg[i].rule, &out->reg[i].off);
	}
out:
	free(frame);
	return ret;
}
