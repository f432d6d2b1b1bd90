/* location.c: say where a variable lives at an address, in uprobe_events' register names. */
#include <dwarf.h>
#include <inttypes.h>
#include <stdio.h>

#include "arch/arch.h"
#include "dwarf/internal.h"

/* "%di" for DWARF register REGNO, or "dwarf register 17" for one utap has no name for. */
static void reg_name(unsigned regno, char *buf, size_t len)
{
	int index = arch_dwarf_reg(regno);

	if (index >= 0)
		snprintf(buf, len, "%%%s", arch_reg_name(index));
	else
		snprintf(buf, len, "dwarf register %u", regno);
}

/* The frame base of FUNC at PC as a register plus offset, when it is one
 * (DW_OP_bregN, DW_OP_regN), or as the CFA (gcc: DW_OP_call_frame_cfa). */
static void fbreg(Dwarf_Die *func, Dwarf_Addr pc, int64_t off, char *buf, size_t len)
{
	Dwarf_Attribute attr;
	char reg[32];
	Dwarf_Op *ops;
	size_t nops;

	if (!func || !dwarf_attr(func, DW_AT_frame_base, &attr) ||
	    dwarf_getlocation_addr(&attr, pc, &ops, &nops, 1) != 1 || nops != 1) {
		snprintf(buf, len, "frame base%+" PRId64, off);
		return;
	}
	if (ops[0].atom == DW_OP_call_frame_cfa) {
		snprintf(buf, len, "CFA%+" PRId64, off);
	} else if (ops[0].atom >= DW_OP_breg0 && ops[0].atom <= DW_OP_breg31) {
		reg_name(ops[0].atom - DW_OP_breg0, reg, sizeof(reg));
		snprintf(buf, len, "%" PRId64 "(%s)", (int64_t)ops[0].number + off, reg);
	} else if (ops[0].atom >= DW_OP_reg0 && ops[0].atom <= DW_OP_reg31) {
		reg_name(ops[0].atom - DW_OP_reg0, reg, sizeof(reg));
		snprintf(buf, len, "%" PRId64 "(%s)", off, reg);
	} else {
		snprintf(buf, len, "frame base%+" PRId64, off);
	}
}

/* A location of one operation into BUF, in words; false if it is some
 * other expression. */
static bool describe_op(const Dwarf_Op *op, Dwarf_Die *func, Dwarf_Addr pc, char *buf, size_t len)
{
	char reg[32];

	if (op->atom >= DW_OP_reg0 && op->atom <= DW_OP_reg31) {
		reg_name(op->atom - DW_OP_reg0, buf, len);
	} else if (op->atom == DW_OP_regx) {
		reg_name((unsigned)op->number, buf, len);
	} else if (op->atom >= DW_OP_breg0 && op->atom <= DW_OP_breg31) {
		reg_name(op->atom - DW_OP_breg0, reg, sizeof(reg));
		snprintf(buf, len, "%" PRId64 "(%s)", (int64_t)op->number, reg);
	} else if (op->atom == DW_OP_fbreg) {
		fbreg(func, pc, (int64_t)op->number, buf, len);
	} else if (op->atom == DW_OP_addr) {
		snprintf(buf, len, "static 0x%" PRIx64, (uint64_t)op->number);
	} else {
		return false;
	}
	return true;
}

void dwarf_location_at(Dwarf_Die *var, Dwarf_Die *func, Dwarf_Addr pc, char *buf, size_t len)
{
	Dwarf_Attribute attr;
	Dwarf_Op *ops;
	size_t nops;
	bool list;
	int form, n;

	if (!dwarf_attr(var, DW_AT_location, &attr)) {
		snprintf(buf, len,
			 dwarf_hasattr_integrate(var, DW_AT_const_value) ? "constant"
									 : "optimized out");
		return;
	}
	form = dwarf_whatform(&attr);
	list = form != DW_FORM_exprloc && form != DW_FORM_block && form != DW_FORM_block1 &&
	       form != DW_FORM_block2 && form != DW_FORM_block4;
	n = dwarf_getlocation_addr(&attr, pc, &ops, &nops, 1);
	if (n < 0) {
		snprintf(buf, len, "unreadable location");
		return;
	}
	if (n == 0) {
		/* Not live at entry: it gets a place later in the body. */
		snprintf(buf, len, list ? "location list" : "optimized out");
		return;
	}
	if (nops == 0) {
		snprintf(buf, len, "optimized out");
		return;
	}
	if (nops == 1 && describe_op(&ops[0], func, pc, buf, len))
		return;
	if (nops == 2 && ops[1].atom == DW_OP_stack_value) {
		snprintf(buf, len, "computed value");
		return;
	}
	snprintf(buf, len, list ? "location list" : "DWARF expression");
}
