/* format.c: how a compiled value prints (its C type, :TYPE or X/S/U) and the plan reading it. */
#include <dwarf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dwarf/internal.h"
#include "probe/probe.h"

#define NAME_MAX_LEN 256

/* How the value is read. */
enum read_kind {
	READ_VALUE,	 /* the value: loaded from memory, or the register, the constant */
	READ_STRING_PTR, /* the value is the address of a string (a char *) */
	READ_STRING_AT,	 /* the string is the object itself (a char[N]) */
};

struct format {
	enum read_kind read;
	enum probe_type type;
	enum probe_show show;
	size_t width; /* bytes read, for the X/S/U prefixes */
	size_t strmax;
};

static int width_index(size_t bytes)
{
	return bytes == 1 ? 0 : bytes == 2 ? 1 : bytes == 4 ? 2 : bytes == 8 ? 3 : -1;
}

static bool int_type(size_t bytes, bool is_signed, enum probe_type *out)
{
	int i = width_index(bytes);

	if (i < 0)
		return false;
	*out = (enum probe_type)((is_signed ? PROBE_S8 : PROBE_U8) + i);
	return true;
}

/* The fewest bytes (1, 2, 4, 8) that hold bits OFF..OFF+SIZE-1; 0 if none. */
static size_t bitfield_width(unsigned off, unsigned size)
{
	for (size_t w = 1; w <= 8; w *= 2)
		if (off + size <= w * 8)
			return w;
	return 0;
}

static int bitfield_format(const struct dwarf_final *f, const struct dwarf_shape *s,
			   struct format *fmt, char *err, size_t errlen)
{
	fmt->width = bitfield_width(f->bit_offset, f->bit_size);
	if (!fmt->width || (s->kind != KIND_INT && s->kind != KIND_ENUM && s->kind != KIND_BOOL))
		return dwarf_fail(err, errlen, -EINVAL, "",
				  "%s is a bit-field utap cannot read yet", f->path);
	int_type(fmt->width, s->is_signed, &fmt->type);
	fmt->show = s->kind == KIND_ENUM   ? SHOW_ENUM
		    : s->kind == KIND_BOOL ? SHOW_BOOL
		    : s->plain_char	   ? SHOW_CHAR
					   : SHOW_PLAIN;
	return 0;
}

static int aggregate_error(const struct dwarf_final *f, const struct dwarf_shape *s,
			   const char *tname, char *err, size_t errlen)
{
	char list[200], hint[NAME_MAX_LEN + 32];

	if (s->kind == KIND_ARRAY) {
		snprintf(hint, sizeof(hint), "e.g. %s[0]", f->path);
		return dwarf_fail(err, errlen, -EINVAL, hint, "%s is an array (%s): index it",
				  f->path, tname);
	}
	dwarf_member_names((Dwarf_Die *)&s->die, list, sizeof(list));
	if (!list[0])
		return dwarf_fail(err, errlen, -EINVAL, "the DWARF only declares it",
				  "%s is a %s, whose members are unknown", f->path, tname);
	snprintf(hint, sizeof(hint), "its members are %s", list);
	return dwarf_fail(err, errlen, -EINVAL, hint, "%s is a %s: name a member", f->path, tname);
}

/* What the C type of the value says: the format when nothing overrides it. */
static int natural_format(const struct dwarf_final *f, const struct dwarf_shape *s,
			  struct format *fmt, char *err, size_t errlen)
{
	char tname[NAME_MAX_LEN];
	struct dwarf_ctype inner;
	struct dwarf_shape is;
	bool multi;

	memset(fmt, 0, sizeof(*fmt));
	if (f->bit_size)
		return bitfield_format(f, s, fmt, err, errlen);
	dwarf_ctype_name(f->type, tname, sizeof(tname));
	fmt->width = s->size;
	switch (s->kind) {
	case KIND_INT:
	case KIND_BOOL:
	case KIND_ENUM:
		if (!int_type(s->size, s->is_signed && s->kind != KIND_BOOL, &fmt->type))
			break;
		fmt->show = s->kind == KIND_ENUM   ? SHOW_ENUM
			    : s->kind == KIND_BOOL ? SHOW_BOOL
			    : s->plain_char	   ? SHOW_CHAR
						   : SHOW_PLAIN;
		return 0;
	case KIND_FLOAT:
		if (s->size != 4 && s->size != 8)
			break;
		fmt->type = s->size == 4 ? PROBE_U32 : PROBE_U64;
		fmt->show = SHOW_FLOAT;
		return 0;
	case KIND_POINTER:
		fmt->type = PROBE_X64;
		if (dwarf_ctype_pointee(f->type, &inner) == 0) {
			dwarf_ctype_shape(&inner, &is);
			if (is.kind == KIND_INT && is.char_like) {
				fmt->read = READ_STRING_PTR;
				fmt->type = PROBE_STRING;
			}
		}
		return 0;
	case KIND_ARRAY:
		dwarf_ctype_of((Dwarf_Die *)&s->die, &inner);
		dwarf_ctype_shape(&inner, &is);
		if (is.kind == KIND_INT && is.char_like) {
			fmt->read = READ_STRING_AT;
			fmt->type = PROBE_STRING;
			fmt->strmax = dwarf_array_count((Dwarf_Die *)&s->die, &multi);
			return 0;
		}
		return aggregate_error(f, s, tname, err, errlen);
	case KIND_STRUCT:
	case KIND_UNION:
		return aggregate_error(f, s, tname, err, errlen);
	case KIND_VOID:
		return dwarf_fail(err, errlen, -EINVAL, "cast it to what it is: !(u64), !(char *)",
				  "%s is void: nothing to read", f->path);
	default:
		return dwarf_fail(err, errlen, -EINVAL, "", "%s has type %s: utap cannot print it",
				  f->path, tname);
	}
	return dwarf_fail(err, errlen, -EINVAL, "",
			  "%s has type %s of %zu bytes: not supported yet", f->path, tname,
			  s->size);
}

/* An explicit :TYPE (or a name such as ip_* or b32_* that implies one):
 * the width and format are the user's; the DWARF type only says where. */
static int typed_format(const struct dwarf_final *f, const struct dwarf_shape *s,
			const struct format *natural, bool natural_ok, const struct probe_arg *arg,
			struct format *fmt, char *err, size_t errlen)
{
	memset(fmt, 0, sizeof(*fmt));
	fmt->type = arg->type;
	fmt->show = arg->show == SHOW_IPV4 ? SHOW_IPV4 : SHOW_PLAIN;
	if (arg->type == PROBE_STRING) {
		if (natural_ok && natural->read != READ_VALUE)
			fmt->read = natural->read;
		else if (s->kind == KIND_STRUCT || s->kind == KIND_UNION || s->kind == KIND_ARRAY)
			fmt->read = READ_STRING_AT; /* the string is the object's bytes */
		else
			fmt->read = READ_STRING_PTR; /* the number is the string's address */
		fmt->strmax = natural_ok ? natural->strmax : 0;
		return 0;
	}
	if (f->bit_size && probe_type_size(arg->type) * 8 < f->bit_offset + f->bit_size)
		return dwarf_fail(
		    err, errlen, -EINVAL, "drop the :TYPE: a bit-field reads its bits",
		    "%s is a bit-field of bits %u..%u: :%s is too narrow for them", f->path,
		    f->bit_offset, f->bit_offset + f->bit_size - 1, probe_type_name(arg->type));
	return 0;
}

/* X, S or U: that format at the width the DWARF type has. */
static int prefixed_format(const struct dwarf_final *f, const struct format *natural, char prefix,
			   struct format *fmt, char *err, size_t errlen)
{
	int i = width_index(natural->width);

	*fmt = *natural;
	if (natural->read == READ_STRING_AT || i < 0)
		return dwarf_fail(err, errlen, -EINVAL, "drop the prefix, or read a part of it",
				  "%c formats a number: %s is not one", prefix, f->path);
	fmt->read = READ_VALUE;
	fmt->type = (enum probe_type)((prefix == 'X'   ? PROBE_X8
				       : prefix == 'S' ? PROBE_S8
						       : PROBE_U8) +
				      i);
	fmt->show = SHOW_PLAIN;
	return 0;
}

/* The plan for READ from PLACE (consumed). NULL: no memory. */
static struct fetch *plan(struct dwarf_place *place, enum read_kind read)
{
	struct fetch *base = place->base, *f;

	place->base = NULL;
	switch (place->kind) {
	case PLACE_NONE:
		probe_fetch_free(base);
		return dwarf_fetch_new(FETCH_NONE, 0, 0, NULL);
	case PLACE_MEMORY:
		/* Inner derefs read pointers, the outermost the value; for a
		 * string it yields the address, here the object's. */
		f = dwarf_fetch_new(FETCH_DEREF, 0, place->offset, base);
		break;
	default:
		f = base;
		break;
	}
	/* A char * loaded from memory: one more deref so the outermost yields
	 * the pointer's value, the string's address. */
	if (f && read == READ_STRING_PTR && f->op == FETCH_DEREF)
		f = dwarf_fetch_new(FETCH_DEREF, 0, 0, f);
	return f;
}

static void release(struct probe_arg *arg)
{
	probe_arg_release_compiled(arg);
}

int dwarf_finish_arg(struct dwarf_final *f, struct probe_arg *arg, char *err, size_t errlen)
{
	char nerr[512], tname[NAME_MAX_LEN];
	struct format natural, fmt;
	struct dwarf_shape s;
	bool keep = arg->typed || arg->swap || arg->show == SHOW_IPV4;
	int ret;

	dwarf_ctype_shape(f->type, &s);
	ret = natural_format(f, &s, &natural, nerr, sizeof(nerr));
	if (keep)
		ret = typed_format(f, &s, &natural, ret == 0, arg, &fmt, nerr, sizeof(nerr));
	else if (ret == 0 && arg->prefix)
		ret = prefixed_format(f, &natural, arg->prefix, &fmt, nerr, sizeof(nerr));
	else
		fmt = natural;
	if (ret)
		return dwarf_fail(err, errlen, ret, NULL, "%s", nerr);
	if (fmt.read == READ_STRING_AT && f->place->kind == PLACE_VALUE)
		return dwarf_fail(err, errlen, -EINVAL, "",
				  "%s is held in registers: not supported yet", f->path);
	arg->enums = NULL;
	arg->nenums = 0;
	if (fmt.show == SHOW_ENUM && s.has_die &&
	    dwarf_enumerators(&s.die, s.is_signed, &arg->enums, &arg->nenums))
		return -ENOMEM;
	dwarf_ctype_name(f->type, tname, sizeof(tname));
	if (f->bit_size) {
		size_t used = strlen(tname);

		snprintf(tname + used, sizeof(tname) - used, ":%u", f->bit_size);
	}
	arg->ctype = strdup(tname);
	arg->fetch = plan(f->place, fmt.read);
	if (!arg->ctype || !arg->fetch) {
		release(arg);
		return -ENOMEM;
	}
	arg->type = fmt.type;
	arg->show = fmt.show;
	arg->strmax = fmt.read == READ_STRING_AT ? fmt.strmax : 0;
	arg->bit_offset = f->bit_size ? f->bit_offset : 0;
	arg->bit_size = f->bit_size;
	return 0;
}
