/* varplace.c: where a variable is at an address: its location, its constant, or the ABI's. */
#include <dwarf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/arch.h"
#include "dwarf/internal.h"
#include "probe/probe.h"

#define PARAMS_MAX 64		 /* C allows 127; nobody probes such a function */
#define AGGREGATE_IN_REGS_MAX 16 /* arch.h: larger aggregates go in memory */

int dwarf_param_class(const struct dwarf_ctype *t, size_t *size)
{
	struct dwarf_shape s;

	dwarf_ctype_shape(t, &s);
	*size = s.size;
	switch (s.kind) {
	case KIND_INT:
	case KIND_BOOL:
	case KIND_ENUM:
	case KIND_POINTER:
		return s.size <= 8 ? ARCH_PARAM_INT : ARCH_PARAM_OTHER;
	case KIND_FLOAT:
		return s.size == 4 || s.size == 8 ? ARCH_PARAM_FLOAT : ARCH_PARAM_MEMORY;
	case KIND_STRUCT:
	case KIND_UNION:
	case KIND_ARRAY:
		return s.size > AGGREGATE_IN_REGS_MAX ? ARCH_PARAM_MEMORY : ARCH_PARAM_OTHER;
	default:
		return ARCH_PARAM_OTHER;
	}
}

static bool is_entry(Dwarf_Die *func, uint64_t pc)
{
	Dwarf_Addr entry;

	return dwarf_entrypc(func, &entry) == 0 && entry == pc;
}

/* A location that is one expression for the whole function (-O0), not a
 * list of ranges, and that is a slot in memory: at the entry the prologue
 * has not written it yet. (A register there is right from the start.) */
static bool unwritten_slot(Dwarf_Attribute *attr)
{
	int form = dwarf_whatform(attr);
	Dwarf_Op *ops;
	size_t nops;

	if (form != DW_FORM_exprloc && form != DW_FORM_block && form != DW_FORM_block1 &&
	    form != DW_FORM_block2 && form != DW_FORM_block4)
		return false;
	if (dwarf_getlocation(attr, &ops, &nops) != 0 || nops == 0)
		return false;
	return !(nops == 1 && ((ops[0].atom >= DW_OP_reg0 && ops[0].atom <= DW_OP_reg31) ||
			       ops[0].atom == DW_OP_regx));
}

/* At FUNC's first instruction: where the calling convention puts
 * parameter PARAM, from the classes of all of FUNC's parameters. */
static int entry_param(Dwarf_Die *func, Dwarf_Die *param, struct dwarf_place *out, char *why,
		       size_t whylen)
{
	enum arch_param_class cls[PARAMS_MAX];
	struct arch_param_loc locs[PARAMS_MAX];
	size_t sizes[PARAMS_MAX], n = 0, size, mine = PARAMS_MAX;
	struct dwarf_ctype t;
	Dwarf_Die child;
	int hidden;

	if (dwarf_child(func, &child) != 0)
		return -ENOENT;
	do {
		if (dwarf_tag(&child) != DW_TAG_formal_parameter)
			continue;
		if (n == PARAMS_MAX)
			return -ENOENT;
		if (dwarf_dieoffset(&child) == dwarf_dieoffset(param))
			mine = n;
		dwarf_ctype_of(&child, &t);
		cls[n] = (enum arch_param_class)dwarf_param_class(&t, &sizes[n]);
		n++;
	} while (dwarf_siblingof(&child, &child) == 0);
	if (mine == PARAMS_MAX)
		return -ENOENT;
	dwarf_ctype_of(func, &t);
	hidden = dwarf_param_class(&t, &size) == ARCH_PARAM_MEMORY;
	arch_param_locations(cls, sizes, n, hidden, locs);
	switch (locs[mine].kind) {
	case ARCH_LOC_REG:
	case ARCH_LOC_FPREG:
		out->kind = PLACE_VALUE;
		out->base =
		    dwarf_fetch_new(locs[mine].kind == ARCH_LOC_REG ? FETCH_REG : FETCH_FPREG,
				    locs[mine].reg, 0, NULL);
		return out->base ? 0 : -ENOMEM;
	case ARCH_LOC_STACK:
		out->base = dwarf_fetch_new(FETCH_REG, arch_reg_index("sp"), 0, NULL);
		if (!out->base)
			return -ENOMEM;
		dwarf_place_memory(out, out->base, locs[mine].stack_offset);
		return 0;
	default:
		snprintf(why, whylen, "%s",
			 cls[mine] == ARCH_PARAM_OTHER
			     ? "a small struct passed in registers: not supported yet"
			     : "at the entry its register depends on how the structs passed "
			       "by value before it are split: not supported yet");
		return 1;
	}
}

/* DW_AT_const_value: the number itself (a block of up to 8 bytes too). */
static int const_value(Dwarf_Die *var, struct dwarf_place *out, char *why, size_t whylen)
{
	Dwarf_Attribute attr;
	Dwarf_Block block;
	Dwarf_Sword s;
	Dwarf_Word u;
	uint64_t v = 0;

	if (!dwarf_attr_integrate(var, DW_AT_const_value, &attr)) {
		snprintf(why, whylen, "it has no location there");
		return 1;
	}
	if (dwarf_formblock(&attr, &block) == 0 && block.length <= sizeof(v))
		memcpy(&v, block.data, block.length); /* little-endian, as the targets */
	else if (dwarf_whatform(&attr) == DW_FORM_sdata && dwarf_formsdata(&attr, &s) == 0)
		v = (uint64_t)s;
	else if (dwarf_formudata(&attr, &u) == 0)
		v = u;
	else {
		snprintf(why, whylen, "it is a constant utap cannot read");
		return 1;
	}
	out->kind = PLACE_VALUE;
	out->base = dwarf_fetch_new(FETCH_CONST, 0, (int64_t)v, NULL);
	return out->base ? 0 : -ENOMEM;
}

/* A location list entry for the empty range [PC, PC): gcc's location
 * views say where a value is at one point between two instructions, such
 * as the entry of an inlined copy that shares its first instruction with
 * the code around it. libdw does not read the views; the first such entry
 * is the one at the copy's entry. */
static bool point_location(Dwarf_Attribute *attr, uint64_t pc, Dwarf_Op **ops, size_t *nops)
{
	Dwarf_Addr base, start, end;
	ptrdiff_t off = 0;

	while ((off = dwarf_getlocations(attr, off, &base, &start, &end, ops, nops)) > 0)
		if (start == pc && end == pc)
			return true;
	return false;
}

int dwarf_var_place(struct dwarf_module *dm, Dwarf_Die *cu, Dwarf_Die *scopes, int scope,
		    Dwarf_Die *var, uint64_t pc, uint64_t bias, struct dwarf_place *out, char *why,
		    size_t whylen)
{
	Dwarf_Attribute attr;
	Dwarf_Op *ops;
	size_t nops;
	int n, ret;

	memset(out, 0, sizeof(*out));
	out->kind = PLACE_NONE;
	/* The location is on the concrete DIE (an inlined copy's own), never
	 * on the abstract origin: no _integrate here. */
	if (!dwarf_attr(var, DW_AT_location, &attr))
		return const_value(var, out, why, whylen);
	if (scope >= 0 && dwarf_tag(var) == DW_TAG_formal_parameter &&
	    dwarf_tag(&scopes[scope]) == DW_TAG_subprogram && is_entry(&scopes[scope], pc) &&
	    unwritten_slot(&attr)) {
		ret = entry_param(&scopes[scope], var, out, why, whylen);
		if (ret != -ENOENT)
			return ret;
	}
	n = dwarf_getlocation_addr(&attr, pc, &ops, &nops, 1);
	if (n < 0) {
		snprintf(why, whylen, "its location is unreadable: %s", dwarf_errmsg(-1));
		return 1;
	}
	if (n == 0 && !point_location(&attr, pc, &ops, &nops)) {
		snprintf(why, whylen, "it has no location there");
		return 1;
	}
	return dwarf_eval_location(dm, cu, &attr, ops, nops, pc, bias, out, why, whylen);
}
