/* members.c: the layout of structs, unions, arrays and enums. */
#include <dwarf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dwarf/internal.h"
#include "probe/probe.h"

#define NEST_MAX 16 /* anonymous members inside anonymous members */

static bool attr_udata(Dwarf_Die *die, unsigned name, Dwarf_Word *v)
{
	Dwarf_Attribute attr;

	return dwarf_attr(die, name, &attr) && dwarf_formudata(&attr, v) == 0;
}

/* DW_AT_data_member_location: a constant, or (DWARF 2) an expression
 * DW_OP_plus_uconst N; absent in unions: 0. */
static int member_location(Dwarf_Die *member, int64_t *off)
{
	Dwarf_Attribute attr;
	Dwarf_Word v;
	Dwarf_Op *ops;
	size_t nops;

	*off = 0;
	if (!dwarf_attr(member, DW_AT_data_member_location, &attr))
		return 0;
	if (dwarf_formudata(&attr, &v) == 0) {
		*off = (int64_t)v;
		return 0;
	}
	if (dwarf_getlocation(&attr, &ops, &nops) == 0 && nops == 1 &&
	    ops[0].atom == DW_OP_plus_uconst) {
		*off = (int64_t)ops[0].number;
		return 0;
	}
	return -EINVAL;
}

/* A bit-field's first bit counted from the start of its struct, as
 * DWARF 4+ says it (DW_AT_data_bit_offset) or DWARF 2/3 (DW_AT_bit_offset:
 * from the most significant bit of a storage unit, here little-endian). */
static int bit_position(Dwarf_Die *member, int64_t byte_loc, unsigned bits, int64_t *pos)
{
	Dwarf_Word dbo, bo, unit;
	struct dwarf_ctype t;
	struct dwarf_shape s;

	if (attr_udata(member, DW_AT_data_bit_offset, &dbo)) {
		*pos = (int64_t)dbo;
		return 0;
	}
	*pos = byte_loc * 8;
	if (!attr_udata(member, DW_AT_bit_offset, &bo))
		return 0;
	if (!attr_udata(member, DW_AT_byte_size, &unit)) {
		dwarf_ctype_of(member, &t);
		dwarf_ctype_shape(&t, &s);
		unit = s.size;
	}
	if (!unit || bo + bits > unit * 8)
		return -EINVAL;
	*pos += (int64_t)(unit * 8 - bo - bits);
	return 0;
}

static int fill_member(Dwarf_Die *member, struct dwarf_member *out)
{
	int64_t loc, pos;
	int bits;

	memset(out, 0, sizeof(*out));
	out->die = *member;
	if (member_location(member, &loc))
		return -EINVAL;
	out->offset = loc;
	bits = dwarf_bitsize(member);
	if (bits <= 0)
		return 0;
	if (bit_position(member, loc, (unsigned)bits, &pos) || pos < 0)
		return -EINVAL;
	out->offset = pos / 8;
	out->bit_offset = (unsigned)(pos % 8);
	out->bit_size = (unsigned)bits;
	return 0;
}

/* A member without a name whose type is a struct or union: C11's
 * anonymous members, whose own members read as the outer's. */
static bool anonymous_aggregate(Dwarf_Die *member, Dwarf_Die *agg)
{
	struct dwarf_ctype t;
	struct dwarf_shape s;

	if (dwarf_diename(member))
		return false;
	dwarf_ctype_of(member, &t);
	dwarf_ctype_shape(&t, &s);
	if ((s.kind != KIND_STRUCT && s.kind != KIND_UNION) || !s.has_die)
		return false;
	*agg = s.die;
	return true;
}

static int find(Dwarf_Die *agg, const char *name, struct dwarf_member *out, int depth)
{
	Dwarf_Die child, inner;
	const char *n;
	int64_t base;
	int ret;

	if (depth > NEST_MAX || dwarf_child(agg, &child) != 0)
		return -ENOENT;
	do {
		if (dwarf_tag(&child) != DW_TAG_member)
			continue;
		if (anonymous_aggregate(&child, &inner)) {
			ret = find(&inner, name, out, depth + 1);
			if (ret == -ENOENT)
				continue;
			if (ret == 0 && member_location(&child, &base) == 0) {
				out->offset += base;
				return 0;
			}
			return -EINVAL;
		}
		if ((n = dwarf_diename(&child)) && strcmp(n, name) == 0)
			return fill_member(&child, out);
	} while (dwarf_siblingof(&child, &child) == 0);
	return -ENOENT;
}

int dwarf_member_find(Dwarf_Die *agg, const char *name, struct dwarf_member *out)
{
	return find(agg, name, out, 0);
}

static void names(Dwarf_Die *agg, char *buf, size_t len, int depth)
{
	Dwarf_Die child, inner;
	const char *n;
	size_t used;

	if (depth > NEST_MAX || dwarf_child(agg, &child) != 0)
		return;
	do {
		if (dwarf_tag(&child) != DW_TAG_member)
			continue;
		if (anonymous_aggregate(&child, &inner)) {
			names(&inner, buf, len, depth + 1);
			continue;
		}
		if (!(n = dwarf_diename(&child)))
			continue;
		used = strlen(buf);
		if (used >= 5 && strcmp(buf + used - 5, ", ...") == 0)
			return;
		/* Room for ", NAME" and a final ", ..." */
		if (used + strlen(n) + 8 >= len) {
			snprintf(buf + used, len - used, ", ...");
			return;
		}
		snprintf(buf + used, len - used, "%s%s", used ? ", " : "", n);
	} while (dwarf_siblingof(&child, &child) == 0);
}

void dwarf_member_names(Dwarf_Die *agg, char *buf, size_t len)
{
	if (!len)
		return;
	buf[0] = '\0';
	names(agg, buf, len, 0);
}

size_t dwarf_array_count(Dwarf_Die *array, bool *multi)
{
	Dwarf_Word v;
	Dwarf_Die child;
	size_t count = 0;
	int dims = 0;

	*multi = false;
	if (dwarf_child(array, &child) != 0)
		return 0;
	do {
		if (dwarf_tag(&child) != DW_TAG_subrange_type)
			continue;
		if (dims++ == 0) {
			if (attr_udata(&child, DW_AT_count, &v))
				count = v;
			else if (attr_udata(&child, DW_AT_upper_bound, &v))
				count = v + 1;
		}
	} while (dwarf_siblingof(&child, &child) == 0);
	*multi = dims > 1;
	return count;
}

/* SHOW_ENUM's table: every enumerator of enum DIE, owned by the caller. */
int dwarf_enumerators(Dwarf_Die *die, bool is_signed, struct probe_enumerator **out, size_t *n)
{
	struct probe_enumerator *e = NULL, *grown;
	Dwarf_Attribute attr;
	Dwarf_Die child;
	Dwarf_Sword s;
	Dwarf_Word u;
	const char *name;
	size_t count = 0;

	*out = NULL;
	*n = 0;
	if (dwarf_child(die, &child) != 0)
		return 0;
	do {
		if (dwarf_tag(&child) != DW_TAG_enumerator || !(name = dwarf_diename(&child)) ||
		    !dwarf_attr(&child, DW_AT_const_value, &attr))
			continue;
		if (is_signed ? dwarf_formsdata(&attr, &s) : dwarf_formudata(&attr, &u))
			continue;
		grown = realloc(e, (count + 1) * sizeof(*e));
		if (!grown)
			goto nomem;
		e = grown;
		e[count].value = is_signed ? (int64_t)s : (int64_t)u;
		e[count].name = strdup(name);
		if (!e[count].name)
			goto nomem;
		count++;
	} while (dwarf_siblingof(&child, &child) == 0);
	*out = e;
	*n = count;
	return 0;

nomem:
	while (count)
		free(e[--count].name);
	free(e);
	return -ENOMEM;
}
