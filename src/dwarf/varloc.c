/* varloc.c: a DWARF location expression at an address, as a plan over registers and memory. */
#include <dwarf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/arch.h"
#include "dwarf/internal.h"
#include "probe/probe.h"

#define STACK_MAX 8 /* gcc's locations need two or three entries */

struct fetch *dwarf_fetch_new(int op, int reg, int64_t offset, struct fetch *inner)
{
	struct fetch *f = calloc(1, sizeof(*f));

	if (!f) {
		probe_fetch_free(inner);
		return NULL;
	}
	f->op = (enum fetch_op)op;
	f->reg = reg;
	f->offset = offset;
	f->inner = inner;
	return f;
}

struct fetch *dwarf_fetch_copy(const struct fetch *f)
{
	struct fetch *inner = NULL;

	if (!f)
		return NULL;
	if (f->inner && !(inner = dwarf_fetch_copy(f->inner)))
		return NULL;
	return dwarf_fetch_new(f->op, f->reg, f->offset, inner);
}

void dwarf_place_clear(struct dwarf_place *p)
{
	probe_fetch_free(p->base);
	memset(p, 0, sizeof(*p));
}

void dwarf_place_memory(struct dwarf_place *p, struct fetch *base, int64_t offset)
{
	if (base->op == FETCH_REG) {
		offset += base->offset;
		base->offset = 0;
	}
	p->kind = PLACE_MEMORY;
	p->base = base;
	p->offset = offset;
}

/* One entry of the DWARF expression stack: value(F) + ADD. ADD stays
 * apart for a loaded value, which a plan cannot add to, only deref at. */
struct entry {
	struct fetch *f;
	int64_t add;
};

struct eval {
	struct dwarf_module *dm;
	Dwarf_Die *cu;
	Dwarf_Attribute *attr; /* the location, for operands stored elsewhere */
	uint64_t pc, bias;
	struct entry stack[STACK_MAX];
	int depth;
	char *why;
	size_t whylen;
};

/* 1 (the value cannot be had), with WHY. */
static __attribute__((format(printf, 2, 3))) int lost(struct eval *ev, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ev->why, ev->whylen, fmt, ap);
	va_end(ap);
	return 1;
}

static int push(struct eval *ev, int op, int reg, int64_t offset)
{
	struct fetch *f;

	if (ev->depth == STACK_MAX)
		return lost(ev, "its DWARF expression is too deep");
	f = dwarf_fetch_new(op, reg, offset, NULL);
	if (!f)
		return -ENOMEM;
	ev->stack[ev->depth++] = (struct entry){f, 0};
	return 0;
}

static int push_reg(struct eval *ev, unsigned regno, int64_t offset)
{
	int reg = arch_dwarf_reg(regno);

	if (reg < 0)
		return lost(ev, "it is relative to DWARF register %u, which utap cannot read",
			    regno);
	return push(ev, FETCH_REG, reg, offset);
}

int dwarf_cfa_rule(Dwarf_CFI *cfi, Dwarf_Addr addr, unsigned *regno, int64_t *off)
{
	Dwarf_Frame *frame;
	Dwarf_Op *ops;
	size_t nops;
	int ret = -1;

	if (!cfi || dwarf_cfi_addrframe(cfi, addr, &frame) != 0)
		return -1;
	/* libdw spells a "register + offset" rule as one DW_OP_bregx. */
	if (dwarf_frame_cfa(frame, &ops, &nops) == 0 && nops == 1) {
		if (ops[0].atom == DW_OP_bregx) {
			*regno = (unsigned)ops[0].number;
			*off = (int64_t)ops[0].number2;
			ret = 0;
		} else if (ops[0].atom >= DW_OP_breg0 && ops[0].atom <= DW_OP_breg31) {
			*regno = ops[0].atom - DW_OP_breg0;
			*off = (int64_t)ops[0].number;
			ret = 0;
		}
	}
	free(frame);
	return ret;
}

/* The canonical frame address at PC from the call frame information:
 * "%sp+8" at a function's entry, "%bp+16" once the frame is set up.
 * .debug_frame when there is one, else .eh_frame (always loaded). */
static int push_cfa(struct eval *ev)
{
	Dwarf_Addr bias, addr;
	Dwarf_CFI *cfi;
	unsigned regno;
	int64_t off;

	if (ev->dm->mod) {
		addr = ev->pc + ev->dm->bias;
		cfi = dwfl_module_dwarf_cfi(ev->dm->mod, &bias);
		if (cfi && dwarf_cfa_rule(cfi, addr - bias, &regno, &off) == 0)
			return push_reg(ev, regno, off);
		cfi = dwfl_module_eh_cfi(ev->dm->mod, &bias);
		if (cfi && dwarf_cfa_rule(cfi, addr - bias, &regno, &off) == 0)
			return push_reg(ev, regno, off);
	}
	return lost(ev, "no call frame information gives its frame's address");
}

/* DW_OP_fbreg's base: the frame base of the function whose code holds PC
 * (an inlined copy uses the frame of the function it was inlined into). */
static int push_frame_base(struct eval *ev, int64_t off)
{
	Dwarf_Attribute attr;
	Dwarf_Die func;
	Dwarf_Op *ops;
	size_t nops;
	int ret;

	if (!ev->cu || dwarf_outer_func(ev->cu, ev->pc, &func) != 0 ||
	    !dwarf_attr(&func, DW_AT_frame_base, &attr) ||
	    dwarf_getlocation_addr(&attr, ev->pc, &ops, &nops, 1) != 1 || nops != 1)
		return lost(ev, "its function's frame base is unknown there");
	if (ops[0].atom == DW_OP_call_frame_cfa)
		ret = push_cfa(ev);
	else if (ops[0].atom >= DW_OP_breg0 && ops[0].atom <= DW_OP_breg31)
		ret = push_reg(ev, ops[0].atom - DW_OP_breg0, (int64_t)ops[0].number);
	else if (ops[0].atom >= DW_OP_reg0 && ops[0].atom <= DW_OP_reg31)
		ret = push_reg(ev, ops[0].atom - DW_OP_reg0, 0);
	else
		return lost(ev,
			    "its function's frame base is a DWARF expression utap cannot follow");
	if (ret == 0)
		ev->stack[ev->depth - 1].f->offset += off;
	return ret;
}

/* DW_OP_entry_value(REG): the register's value when the function was
 * entered, known only while PC is still that entry. */
static int push_entry_value(struct eval *ev, const Dwarf_Op *op)
{
	Dwarf_Attribute sub;
	Dwarf_Addr entry;
	Dwarf_Die func;
	Dwarf_Op *ops;
	size_t nops;

	if (dwarf_getlocation_attr(ev->attr, op, &sub) != 0 ||
	    dwarf_getlocation(&sub, &ops, &nops) != 0 || nops != 1)
		return lost(ev, "its value at the function's entry is not a register");
	if (!ev->cu || dwarf_outer_func(ev->cu, ev->pc, &func) != 0 ||
	    dwarf_entrypc(&func, &entry) != 0 || entry != ev->pc)
		return lost(ev, "only its value at the function's entry is known, and that "
				"register changed since");
	if (ops[0].atom >= DW_OP_reg0 && ops[0].atom <= DW_OP_reg31)
		return push_reg(ev, ops[0].atom - DW_OP_reg0, 0);
	if (ops[0].atom == DW_OP_regx)
		return push_reg(ev, (unsigned)ops[0].number, 0);
	return lost(ev, "its value at the function's entry is not a register");
}

static int push_addrx(struct eval *ev, const Dwarf_Op *op)
{
	Dwarf_Attribute res;
	Dwarf_Addr addr;

	if (dwarf_getlocation_attr(ev->attr, op, &res) != 0 || dwarf_formaddr(&res, &addr) != 0)
		return lost(ev, "its address is unreadable");
	return push(ev, FETCH_CONST, 0, (int64_t)(addr + ev->bias));
}

static int deref(struct eval *ev)
{
	struct entry *top = &ev->stack[ev->depth - 1];
	struct fetch *f = dwarf_fetch_new(FETCH_DEREF, 0, top->add, top->f);

	top->f = f;
	top->add = 0;
	return f ? 0 : -ENOMEM;
}

/* A + B or A - B where one side is a constant. */
static int arith(struct eval *ev, bool minus)
{
	struct entry a = ev->stack[ev->depth - 2], b = ev->stack[ev->depth - 1];

	if (b.f->op == FETCH_CONST) {
		a.add += minus ? -(b.f->offset + b.add) : b.f->offset + b.add;
		probe_fetch_free(b.f);
	} else if (a.f->op == FETCH_CONST && !minus) {
		b.add += a.f->offset + a.add;
		probe_fetch_free(a.f);
		a = b;
	} else {
		return lost(ev, "it is computed from two registers");
	}
	ev->depth -= 2;
	ev->stack[ev->depth++] = a;
	return 0;
}

static int step(struct eval *ev, const Dwarf_Op *op)
{
	uint8_t a = op->atom;

	if (a >= DW_OP_lit0 && a <= DW_OP_lit31)
		return push(ev, FETCH_CONST, 0, a - DW_OP_lit0);
	if (a >= DW_OP_breg0 && a <= DW_OP_breg31)
		return push_reg(ev, a - DW_OP_breg0, (int64_t)op->number);
	switch (a) {
	case DW_OP_const1u:
	case DW_OP_const2u:
	case DW_OP_const4u:
	case DW_OP_const8u:
	case DW_OP_constu:
	case DW_OP_const1s:
	case DW_OP_const2s:
	case DW_OP_const4s:
	case DW_OP_const8s:
	case DW_OP_consts:
		return push(ev, FETCH_CONST, 0, (int64_t)op->number);
	case DW_OP_addr:
		return push(ev, FETCH_CONST, 0, (int64_t)(op->number + ev->bias));
	case DW_OP_addrx:
	case DW_OP_GNU_addr_index:
		return push_addrx(ev, op);
	case DW_OP_bregx:
		return push_reg(ev, (unsigned)op->number, (int64_t)op->number2);
	case DW_OP_fbreg:
		return push_frame_base(ev, (int64_t)op->number);
	case DW_OP_call_frame_cfa:
		return push_cfa(ev);
	case DW_OP_entry_value:
	case DW_OP_GNU_entry_value:
		return push_entry_value(ev, op);
	case DW_OP_implicit_pointer:
	case DW_OP_GNU_implicit_pointer:
		return lost(ev, "it points to a value that is itself optimized out");
	case DW_OP_GNU_push_tls_address:
	case DW_OP_form_tls_address:
		return lost(ev, "it is thread-local: not supported yet");
	}
	if (ev->depth == 0)
		return lost(ev, "its DWARF expression is malformed");
	switch (a) {
	case DW_OP_deref:
		return deref(ev);
	case DW_OP_deref_size:
		if (op->number != sizeof(uint64_t))
			return lost(ev, "it is a part of a word in memory");
		return deref(ev);
	case DW_OP_plus_uconst:
		ev->stack[ev->depth - 1].add += (int64_t)op->number;
		return 0;
	case DW_OP_plus:
	case DW_OP_minus:
		if (ev->depth < 2)
			return lost(ev, "its DWARF expression is malformed");
		return arith(ev, a == DW_OP_minus);
	}
	return lost(
	    ev, "it is computed by a DWARF expression (operation 0x%x) utap cannot evaluate", a);
}

/* The stack's top after the last operation, as a place: an address, or
 * with DW_OP_stack_value the value itself. */
static int finish(struct eval *ev, bool value, struct dwarf_place *out)
{
	struct entry *top = &ev->stack[ev->depth - 1];

	if (!value) {
		dwarf_place_memory(out, top->f, top->add);
	} else if (top->f->op == FETCH_REG || top->f->op == FETCH_CONST) {
		top->f->offset += top->add;
		out->kind = PLACE_VALUE;
		out->base = top->f;
	} else if (top->add == 0) {
		out->kind = PLACE_VALUE;
		out->base = top->f;
	} else {
		return lost(ev, "it is a loaded value plus a constant");
	}
	ev->depth--;
	return 0;
}

/* A lone DW_OP_regN: the value is in that register, general or FP. */
static int in_register(struct eval *ev, unsigned regno, struct dwarf_place *out)
{
	int reg = arch_dwarf_reg(regno);
	int op = FETCH_REG;

	if (reg < 0) {
		reg = arch_dwarf_fpreg(regno);
		op = FETCH_FPREG;
	}
	if (reg < 0)
		return lost(ev, "it is in DWARF register %u, which utap cannot read", regno);
	out->kind = PLACE_VALUE;
	out->base = dwarf_fetch_new(op, reg, 0, NULL);
	return out->base ? 0 : -ENOMEM;
}

static int implicit_value(struct eval *ev, const Dwarf_Op *op, struct dwarf_place *out)
{
	Dwarf_Block block;
	uint64_t v = 0;

	if (dwarf_getlocation_implicit_value(ev->attr, op, &block) != 0 || block.length > sizeof(v))
		return lost(ev, "it is a constant of more than 8 bytes");
	memcpy(&v, block.data, block.length); /* little-endian, as the targets */
	out->kind = PLACE_VALUE;
	out->base = dwarf_fetch_new(FETCH_CONST, 0, (int64_t)v, NULL);
	return out->base ? 0 : -ENOMEM;
}

int dwarf_eval_location(struct dwarf_module *dm, Dwarf_Die *cu, Dwarf_Attribute *attr,
			const Dwarf_Op *ops, size_t nops, uint64_t pc, uint64_t bias,
			struct dwarf_place *out, char *why, size_t whylen)
{
	struct eval ev = {
	    .dm = dm, .cu = cu, .attr = attr, .pc = pc, .bias = bias, .why = why, .whylen = whylen};
	int ret = 0;
	size_t i;

	memset(out, 0, sizeof(*out));
	out->kind = PLACE_NONE;
	if (nops == 0)
		return lost(&ev, "it has no location there");
	if (nops == 1 && ops[0].atom >= DW_OP_reg0 && ops[0].atom <= DW_OP_reg31)
		return in_register(&ev, ops[0].atom - DW_OP_reg0, out);
	if (nops == 1 && ops[0].atom == DW_OP_regx)
		return in_register(&ev, (unsigned)ops[0].number, out);
	if (nops == 1 && ops[0].atom == DW_OP_implicit_value)
		return implicit_value(&ev, &ops[0], out);
	for (i = 0; i < nops; i++)
		if (ops[i].atom == DW_OP_piece || ops[i].atom == DW_OP_bit_piece)
			return lost(&ev,
				    "it is split into pieces (DW_OP_piece): not supported yet");
	for (i = 0; i < nops && ret == 0; i++) {
		if (ops[i].atom == DW_OP_stack_value && i + 1 == nops && ev.depth)
			break;
		ret = step(&ev, &ops[i]);
	}
	if (ret == 0 && ev.depth == 0)
		ret = lost(&ev, "its DWARF expression is malformed");
	if (ret == 0)
		ret = finish(&ev, i < nops, out);
	while (ev.depth)
		probe_fetch_free(ev.stack[--ev.depth].f);
	if (ret)
		out->kind = PLACE_NONE;
	return ret;
}
