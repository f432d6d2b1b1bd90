/* ctype.c: types while compiling a fetch: DWARF's or built in, classified, followed, spelled. */
#include <dwarf.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "dwarf/internal.h"

const struct dwarf_builtin dwarf_builtin_void = {"void", BUILTIN_VOID, 0};

void dwarf_ctype_void(struct dwarf_ctype *t)
{
	memset(t, 0, sizeof(*t));
	t->builtin = &dwarf_builtin_void;
}

void dwarf_ctype_of(Dwarf_Die *die, struct dwarf_ctype *t)
{
	Dwarf_Attribute attr;

	dwarf_ctype_void(t);
	if (dwarf_attr_integrate(die, DW_AT_type, &attr) && dwarf_formref_die(&attr, &t->die))
		t->has_die = true;
}

static void builtin_shape(const struct dwarf_builtin *b, struct dwarf_shape *out)
{
	static const enum dwarf_kind kinds[] = {
	    [BUILTIN_VOID] = KIND_VOID, [BUILTIN_SIGNED] = KIND_INT,  [BUILTIN_UNSIGNED] = KIND_INT,
	    [BUILTIN_CHAR] = KIND_INT,	[BUILTIN_SCHAR] = KIND_INT,   [BUILTIN_UCHAR] = KIND_INT,
	    [BUILTIN_BOOL] = KIND_BOOL, [BUILTIN_FLOAT] = KIND_FLOAT,
	};

	out->kind = kinds[b->kind];
	out->size = b->size;
	out->is_signed = b->kind == BUILTIN_SIGNED || b->kind == BUILTIN_SCHAR ||
			 (b->kind == BUILTIN_CHAR && CHAR_MIN < 0);
	out->plain_char = b->kind == BUILTIN_CHAR;
	out->char_like =
	    b->kind == BUILTIN_CHAR || b->kind == BUILTIN_SCHAR || b->kind == BUILTIN_UCHAR;
}

static Dwarf_Word attr_udata(Dwarf_Die *die, unsigned name)
{
	Dwarf_Attribute attr;
	Dwarf_Word v = 0;

	if (dwarf_attr_integrate(die, name, &attr))
		dwarf_formudata(&attr, &v);
	return v;
}

static void base_shape(Dwarf_Die *die, struct dwarf_shape *out)
{
	Dwarf_Word enc = attr_udata(die, DW_AT_encoding);
	const char *name = dwarf_diename(die);

	out->kind = KIND_INT;
	if (enc == DW_ATE_boolean)
		out->kind = KIND_BOOL;
	else if (enc == DW_ATE_float)
		out->kind = KIND_FLOAT;
	else if (enc != DW_ATE_signed && enc != DW_ATE_unsigned && enc != DW_ATE_signed_char &&
		 enc != DW_ATE_unsigned_char && enc != DW_ATE_UTF)
		out->kind = KIND_OTHER; /* complex, decimal float, fixed point */
	out->is_signed = enc == DW_ATE_signed || enc == DW_ATE_signed_char;
	out->char_like =
	    out->size == 1 && (enc == DW_ATE_signed_char || enc == DW_ATE_unsigned_char);
	out->plain_char = out->char_like && name && strcmp(name, "char") == 0;
}

/* An enum is signed when its underlying type is, or (older DWARF without
 * one) when an enumerator is negative. */
static bool enum_signed(Dwarf_Die *die)
{
	struct dwarf_ctype under;
	Dwarf_Attribute attr;
	Dwarf_Sword v;
	Dwarf_Die child, base;
	Dwarf_Word enc;

	/* Only a base type: a malformed enum naming itself must not loop. */
	dwarf_ctype_of(die, &under);
	if (under.has_die && dwarf_peel_type(&under.die, &base) == 0 &&
	    dwarf_tag(&base) == DW_TAG_base_type) {
		enc = attr_udata(&base, DW_AT_encoding);
		return enc == DW_ATE_signed || enc == DW_ATE_signed_char;
	}
	if (dwarf_child(die, &child) != 0)
		return false;
	do {
		if (dwarf_tag(&child) == DW_TAG_enumerator &&
		    dwarf_attr(&child, DW_AT_const_value, &attr) &&
		    dwarf_whatform(&attr) == DW_FORM_sdata && dwarf_formsdata(&attr, &v) == 0 &&
		    v < 0)
			return true;
	} while (dwarf_siblingof(&child, &child) == 0);
	return false;
}

void dwarf_ctype_shape(const struct dwarf_ctype *t, struct dwarf_shape *out)
{
	Dwarf_Word size;
	int tag;

	memset(out, 0, sizeof(*out));
	if (t->ptrs) {
		out->kind = KIND_POINTER;
		out->size = sizeof(void *);
		return;
	}
	if (!t->has_die) {
		builtin_shape(t->builtin, out);
		return;
	}
	out->has_die = true;
	if (dwarf_peel_type((Dwarf_Die *)&t->die, &out->die) != 0)
		out->die = t->die;
	tag = dwarf_tag(&out->die);
	if (dwarf_aggregate_size(&out->die, &size) == 0)
		out->size = size;
	switch (tag) {
	case DW_TAG_base_type:
		base_shape(&out->die, out);
		return;
	case DW_TAG_enumeration_type:
		out->kind = KIND_ENUM;
		out->is_signed = enum_signed(&out->die);
		return;
	case DW_TAG_pointer_type:
	case DW_TAG_reference_type:
	case DW_TAG_rvalue_reference_type:
		out->kind = KIND_POINTER;
		if (!out->size)
			out->size = sizeof(void *);
		return;
	case DW_TAG_structure_type:
	case DW_TAG_class_type:
		out->kind = KIND_STRUCT;
		return;
	case DW_TAG_union_type:
		out->kind = KIND_UNION;
		return;
	case DW_TAG_array_type:
		out->kind = KIND_ARRAY;
		return;
	default:
		out->kind = KIND_OTHER;
		return;
	}
}

int dwarf_ctype_pointee(const struct dwarf_ctype *t, struct dwarf_ctype *out)
{
	struct dwarf_shape s;

	if (t->ptrs) {
		*out = *t;
		out->ptrs--;
		return 0;
	}
	dwarf_ctype_shape(t, &s);
	if (s.kind != KIND_POINTER || !s.has_die)
		return -EINVAL;
	dwarf_ctype_of(&s.die, out);
	return 0;
}

void dwarf_ctype_name(const struct dwarf_ctype *t, char *buf, size_t len)
{
	size_t used;

	if (t->has_die)
		dwarf_type_name((Dwarf_Die *)&t->die, buf, len);
	else
		snprintf(buf, len, "%s", t->builtin->name);
	for (unsigned i = 0; i < t->ptrs; i++) {
		used = strlen(buf);
		snprintf(buf + used, len - used, "%s", used && buf[used - 1] == '*' ? "*" : " *");
	}
}
