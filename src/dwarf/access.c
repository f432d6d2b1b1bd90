/* access.c: a cast applied to a fetch's base, then ->member, .member and [index] walked. */
#include <dwarf.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dwarf/internal.h"
#include "probe/probe.h"

#define TYPE_LEN 256

static bool is_aggregate(enum dwarf_kind kind)
{
	return kind == KIND_STRUCT || kind == KIND_UNION || kind == KIND_ARRAY;
}

/* A raw fetch that read memory (+8(%di)) is the object at that address:
 * a cast to a struct views that memory, as for a variable in memory. */
static int value_to_object(struct dwarf_compile *c, const char *tname)
{
	struct fetch *d = c->place.base;

	if (c->place.kind == PLACE_VALUE && d->op == FETCH_DEREF && d->inner) {
		c->place.base = d->inner;
		d->inner = NULL;
		dwarf_place_memory(&c->place, c->place.base, d->offset);
		probe_fetch_free(d);
		return 0;
	}
	return dwarf_fail(c->err, c->errlen, -EINVAL, "cast to a pointer: !(T *)",
			  "!(%s) on %s: a value in a register cannot be a %s", tname, c->path,
			  tname);
}

int dwarf_apply_cast(struct dwarf_compile *c, const struct dwarf_ctype *cast)
{
	char tname[TYPE_LEN], oname[TYPE_LEN];
	struct dwarf_shape cs, os;
	int ret;

	dwarf_ctype_shape(cast, &cs);
	dwarf_ctype_name(cast, tname, sizeof(tname));
	if (c->place.kind == PLACE_VALUE && is_aggregate(cs.kind)) {
		ret = value_to_object(c, tname);
		if (ret)
			return ret;
	} else if (c->place.kind == PLACE_MEMORY && c->has_type && !is_aggregate(cs.kind)) {
		/* A variable in memory is reinterpreted where it is: reading
		 * more than it holds would show its neighbours. */
		dwarf_ctype_shape(&c->type, &os);
		dwarf_ctype_name(&c->type, oname, sizeof(oname));
		if (os.size && cs.size > os.size) {
			char hint[64];

			snprintf(hint, sizeof(hint), "cast to a type of %zu bytes or fewer",
				 os.size);
			return dwarf_fail(c->err, c->errlen, -EINVAL, hint,
					  "!(%s) reads %zu bytes, but %s (%s) has %zu", tname,
					  cs.size, c->path, oname, os.size);
		}
	}
	c->type = *cast;
	c->has_type = true;
	return 0;
}

/* The pointer the place holds, followed: the place becomes the memory it
 * points to. Inner derefs read whole pointers. */
static int follow(struct dwarf_compile *c)
{
	struct fetch *f = c->place.base;

	c->place.base = NULL;
	if (c->place.kind == PLACE_MEMORY) {
		f = dwarf_fetch_new(FETCH_DEREF, 0, c->place.offset, f);
		if (!f)
			return -ENOMEM;
	} else if (c->place.kind != PLACE_VALUE) {
		c->place.base = f;
		return 0; /* optimized out stays so */
	}
	dwarf_place_memory(&c->place, f, 0);
	return 0;
}

static int member(struct dwarf_compile *c, struct dwarf_shape *agg, const char *name)
{
	char tname[TYPE_LEN], list[200], hint[240];
	struct dwarf_member m;
	int ret;

	dwarf_type_name(&agg->die, tname, sizeof(tname));
	ret = dwarf_member_find(&agg->die, name, &m);
	if (ret == -ENOENT) {
		dwarf_member_names(&agg->die, list, sizeof(list));
		if (!list[0])
			return dwarf_fail(c->err, c->errlen, -ENOENT,
					  "the DWARF only declares it; cast to a type it defines",
					  "%s has no members in the DWARF", tname);
		snprintf(hint, sizeof(hint), "its members are %s", list);
		return dwarf_fail(c->err, c->errlen, -ENOENT, hint, "%s has no member '%s'", tname,
				  name);
	}
	if (ret)
		return dwarf_fail(c->err, c->errlen, -EINVAL, "",
				  "the layout of %s.%s is not one utap can read", tname, name);
	c->place.offset += m.offset;
	dwarf_ctype_of(&m.die, &c->type);
	c->bit_offset = m.bit_offset;
	c->bit_size = m.bit_size;
	return 0;
}

static int arrow(struct dwarf_compile *c, const char *name)
{
	char tname[TYPE_LEN], hint[DWARF_PATH_LEN + 64];
	struct dwarf_ctype pointee;
	struct dwarf_shape s, ps;
	int ret;

	dwarf_ctype_shape(&c->type, &s);
	dwarf_ctype_name(&c->type, tname, sizeof(tname));
	if (s.kind != KIND_POINTER && c->e->arrow_is_member &&
	    (s.kind == KIND_STRUCT || s.kind == KIND_UNION))
		return member(c, &s, name);
	if (s.kind != KIND_POINTER) {
		if (s.kind != KIND_STRUCT && s.kind != KIND_UNION)
			return dwarf_fail(
			    c->err, c->errlen, -EINVAL, "",
			    "'->%s' needs a pointer to a struct or union: %s has type %s", name,
			    c->path, tname);
		snprintf(hint, sizeof(hint), "use '.': %s.%s", c->path, name);
		return dwarf_fail(c->err, c->errlen, -EINVAL, hint,
				  "%s is a %s, not a pointer: '->%s' needs one", c->path, tname,
				  name);
	}
	dwarf_ctype_pointee(&c->type, &pointee);
	dwarf_ctype_shape(&pointee, &ps);
	if (ps.kind == KIND_VOID) {
		snprintf(hint, sizeof(hint), "cast it: !(struct foo *)%s->%s", c->path, name);
		return dwarf_fail(c->err, c->errlen, -EINVAL, hint,
				  "%s has type %s: what it points to is unknown", c->path, tname);
	}
	if (ps.kind != KIND_STRUCT && ps.kind != KIND_UNION)
		return dwarf_fail(c->err, c->errlen, -EINVAL, "",
				  "'->%s' needs a pointer to a struct or union: %s has type %s",
				  name, c->path, tname);
	ret = follow(c);
	if (ret)
		return ret;
	c->type = pointee;
	return member(c, &ps, name);
}

static int dot(struct dwarf_compile *c, const char *name)
{
	char tname[TYPE_LEN], hint[DWARF_PATH_LEN + 64];
	struct dwarf_ctype pointee;
	struct dwarf_shape s, ps;

	dwarf_ctype_shape(&c->type, &s);
	dwarf_ctype_name(&c->type, tname, sizeof(tname));
	if (s.kind == KIND_POINTER && dwarf_ctype_pointee(&c->type, &pointee) == 0) {
		dwarf_ctype_shape(&pointee, &ps);
		if (ps.kind == KIND_STRUCT || ps.kind == KIND_UNION) {
			snprintf(hint, sizeof(hint), "use '->': %s->%s", c->path, name);
			return dwarf_fail(c->err, c->errlen, -EINVAL, hint,
					  "%s is a pointer (%s): '.%s' needs a struct", c->path,
					  tname, name);
		}
	}
	if (s.kind != KIND_STRUCT && s.kind != KIND_UNION)
		return dwarf_fail(c->err, c->errlen, -EINVAL, "",
				  "'.%s' needs a struct or union: %s has type %s", name, c->path,
				  tname);
	if (c->place.kind == PLACE_VALUE)
		return dwarf_fail(c->err, c->errlen, -EINVAL, "",
				  "%s is a %s held in registers: reading its members is not "
				  "supported yet",
				  c->path, tname);
	return member(c, &s, name);
}

/* The element type and checks of [INDEX] on an array. */
static int array_element(struct dwarf_compile *c, struct dwarf_shape *s, int64_t index,
			 const char *tname, struct dwarf_ctype *elem)
{
	char hint[64];
	bool multi;
	size_t count = dwarf_array_count(&s->die, &multi);

	if (multi)
		return dwarf_fail(
		    c->err, c->errlen, -EINVAL, "",
		    "%s has type %s: arrays of more than one dimension are not supported "
		    "yet",
		    c->path, tname);
	if (count && (uint64_t)index >= count) {
		snprintf(hint, sizeof(hint), "its indexes are 0..%zu", count - 1);
		return dwarf_fail(c->err, c->errlen, -EINVAL, hint,
				  "index %" PRId64 " is out of range: %s has type %s", index,
				  c->path, tname);
	}
	if (c->place.kind == PLACE_VALUE)
		return dwarf_fail(c->err, c->errlen, -EINVAL, "",
				  "%s is held in registers: indexing it is not supported yet",
				  c->path);
	dwarf_ctype_of(&s->die, elem);
	return 0;
}

static int index_into(struct dwarf_compile *c, int64_t index, bool by_input)
{
	char tname[TYPE_LEN], ename[TYPE_LEN];
	struct dwarf_ctype elem;
	struct dwarf_shape s, es;
	int ret;

	dwarf_ctype_shape(&c->type, &s);
	dwarf_ctype_name(&c->type, tname, sizeof(tname));
	if (s.kind == KIND_ARRAY)
		ret = array_element(c, &s, index, tname, &elem);
	else if (s.kind == KIND_POINTER)
		ret = dwarf_ctype_pointee(&c->type, &elem);
	else
		return dwarf_fail(c->err, c->errlen, -EINVAL, "",
				  "'[%" PRId64 "]' needs an array or a pointer: %s has type %s",
				  index, c->path, tname);
	if (ret)
		return ret;
	dwarf_ctype_shape(&elem, &es);
	if (!es.size) {
		dwarf_ctype_name(&elem, ename, sizeof(ename));
		return dwarf_fail(c->err, c->errlen, -EINVAL, "cast it to a pointer to what it is",
				  "%s: the size of %s is unknown, so it cannot be indexed", c->path,
				  ename);
	}
	if (s.kind == KIND_POINTER && (ret = follow(c)))
		return ret;
	if (by_input) {
		/* the element at value(base) + offset + i * size: the base
		 * moves by the index given when the plan runs */
		if (c->place.kind != PLACE_MEMORY)
			return dwarf_fail(c->err, c->errlen, -EINVAL, "",
					  "%s is not in memory: it cannot be indexed", c->path);
		c->place.base = dwarf_fetch_new(FETCH_INDEX, 0, (int64_t)es.size, c->place.base);
		if (!c->place.base)
			return -ENOMEM;
	} else {
		c->place.offset += index * (int64_t)es.size;
	}
	c->type = elem;
	return 0;
}

int dwarf_compile_accessors(struct dwarf_compile *c)
{
	int ret = 0;

	for (size_t i = 0; i < c->e->naccess; i++) {
		const struct probe_access *a = &c->e->access[i];

		if (!c->has_type)
			return dwarf_fail(c->err, c->errlen, -EINVAL, "", "%s has no type",
					  c->path);
		if (a->kind != ACCESS_INDEX && !a->member)
			return dwarf_fail(c->err, c->errlen, -EINVAL, "",
					  "a member without a name");
		c->bit_offset = c->bit_size = 0;
		if (a->kind == ACCESS_ARROW)
			ret = arrow(c, a->member);
		else if (a->kind == ACCESS_DOT)
			ret = dot(c, a->member);
		else
			ret = index_into(c, a->by_input ? 0 : a->index, a->by_input);
		if (ret)
			return ret;
		if (a->kind == ACCESS_INDEX && a->by_input)
			dwarf_path_add(c, "[i]");
		else if (a->kind == ACCESS_INDEX)
			dwarf_path_add(c, "[%" PRId64 "]", a->index);
		else
			dwarf_path_add(c, "%s%s", a->kind == ACCESS_ARROW ? "->" : ".", a->member);
	}
	return 0;
}
