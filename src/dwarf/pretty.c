/* pretty.c: a script's pretty-printed $x$, $x$$, $$parms$ ...: the value's type walked
 * through DWARF into pieces of text and leaf fetches, shaped as SystemTap prints them
 * ("{.id=100, .in={...}, .name="outer-0", .next=0x5581...}"). */
#include <dwarf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dwarf/internal.h"
#include "probe/probe.h"

#define MAX_VALUES 32 /* values in one variable's text, as SystemTap bounds them */
#define MAX_PATH 16   /* accessors below the variable */
#define NEST_MAX 8    /* levels of nested structs followed with $$ */

struct pretty {
	struct dwarf_module *dm;
	uint64_t pc, bias;
	bool is_return;
	bool full;	       /* $$: every level; $: the first */
	struct probe_arg *arg; /* its parts grow */
	char text[1024];       /* literal text waiting for the next value */
	int values;	       /* of the variable being walked */
	const struct probe_expr *base;
	struct probe_access path[MAX_PATH];
	size_t npath;
};

static void add_text(struct pretty *p, const char *s)
{
	size_t used = strlen(p->text);

	snprintf(p->text + used, sizeof(p->text) - used, "%s", s);
}

/* BASE with P's path after its own accessors: the fetch of one piece. */
static struct probe_expr *piece_expr(const struct pretty *p)
{
	const struct probe_expr *b = p->base;
	struct probe_expr *x = calloc(1, sizeof(*x));
	size_t n = b->naccess + p->npath;

	if (!x)
		return NULL;
	*x = *b;
	x->raw = b->raw ? dwarf_fetch_copy(b->raw) : NULL;
	x->name = b->name ? strdup(b->name) : NULL;
	x->cast = b->cast ? strdup(b->cast) : NULL;
	x->module = b->module ? strdup(b->module) : NULL;
	x->file = b->file ? strdup(b->file) : NULL;
	x->access = calloc(n + 1, sizeof(*x->access));
	x->naccess = 0;
	if (!x->access || (b->raw && !x->raw) || (b->name && !x->name) || (b->cast && !x->cast) ||
	    (b->module && !x->module) || (b->file && !x->file)) {
		probe_expr_free(x);
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		const struct probe_access *a =
		    i < b->naccess ? &b->access[i] : &p->path[i - b->naccess];

		x->access[i] = *a;
		x->access[i].member = a->member ? strdup(a->member) : NULL;
		x->naccess++;
		if (a->member && !x->access[i].member) {
			probe_expr_free(x);
			return NULL;
		}
	}
	x->arrow_is_member = true;
	return x;
}

/* A piece: the text so far, then the value at P's path shown as FMT (0:
 * the text alone). */
static int add_piece(struct pretty *p, char fmt)
{
	struct probe_arg *grown, *part;
	char why[512];

	grown = realloc(p->arg->parts, (p->arg->nparts + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	p->arg->parts = grown;
	part = &grown[p->arg->nparts];
	memset(part, 0, sizeof(*part));
	part->name = strdup(p->text);
	if (!part->name)
		return -ENOMEM;
	p->arg->nparts++;
	p->text[0] = '\0';
	part->pretty_fmt = fmt;
	if (!fmt)
		return 0;
	part->type = PROBE_U64;
	part->expr = piece_expr(p);
	if (!part->expr)
		return -ENOMEM;
	/* what cannot be read here shows as "?" */
	if (dwarf_compile_arg(p->dm, p->pc, p->is_return, p->bias, part, why, sizeof(why)) != 0)
		probe_arg_release_compiled(part);
	p->values++;
	return 0;
}

static int push(struct pretty *p, enum probe_access_kind kind, const char *member)
{
	if (p->npath >= MAX_PATH)
		return -E2BIG;
	memset(&p->path[p->npath], 0, sizeof(p->path[0]));
	p->path[p->npath].kind = kind;
	p->path[p->npath].member = (char *)member; /* copied into each piece */
	p->npath++;
	return 0;
}

static int walk(struct pretty *p, const struct dwarf_ctype *type, bool top, int depth);

/* A member that is a bit-field: a number, even for a char. */
static bool is_bitfield(Dwarf_Die *member)
{
	return dwarf_hasattr_integrate(member, DW_AT_bit_size);
}

static int members(struct pretty *p, Dwarf_Die *agg, int depth)
{
	Dwarf_Die child;
	int count = 0, ret = 0;

	if (dwarf_child(agg, &child) != 0)
		return 0;
	do {
		struct dwarf_ctype mtype;
		struct dwarf_shape ms;
		const char *name = dwarf_diename(&child);

		if (dwarf_tag(&child) != DW_TAG_member ||
		    dwarf_hasattr(&child, DW_AT_declaration) ||
		    (name && strncmp(name, "_vptr.", 6) == 0))
			continue;
		if (count++)
			add_text(p, ", ");
		if (p->values >= MAX_VALUES) {
			add_text(p, "...");
			break;
		}
		dwarf_ctype_of(&child, &mtype);
		dwarf_ctype_shape(&mtype, &ms);
		if (name) {
			add_text(p, ".");
			add_text(p, name);
		} else {
			/* anonymous: its members read as the outer's */
			add_text(p, ms.kind == KIND_UNION ? "<union>" : "<class>");
		}
		add_text(p, "=");
		if (name && (ret = push(p, ACCESS_ARROW, name)) < 0)
			return ret == -E2BIG ? (add_text(p, "?"), 0) : ret;
		if (is_bitfield(&child))
			ret = add_piece(p, ms.is_signed ? 'd' : 'u');
		else
			ret = walk(p, &mtype, false, depth + 1);
		if (name)
			p->npath--;
	} while (ret == 0 && dwarf_siblingof(&child, &child) == 0);
	return ret;
}

static int walk(struct pretty *p, const struct dwarf_ctype *type, bool top, int depth)
{
	struct dwarf_ctype inner;
	struct dwarf_shape s, is;
	int ret;

	dwarf_ctype_shape(type, &s);
	switch (s.kind) {
	case KIND_INT:
	case KIND_ENUM:
	case KIND_BOOL:
		return add_piece(p, s.char_like && s.kind == KIND_INT ? 'c'
				    : s.is_signed		      ? 'd'
								      : 'u');
	case KIND_POINTER:
		if (dwarf_ctype_pointee(type, &inner) < 0)
			return add_piece(p, 'x');
		dwarf_ctype_shape(&inner, &is);
		if (is.char_like && is.kind == KIND_INT)
			return add_piece(p, 's'); /* a char *: the string */
		if (!top || is.kind == KIND_VOID || is.kind == KIND_OTHER)
			return add_piece(p, 'x');
		/* the variable itself points to it: what it points to */
		if (is.kind == KIND_STRUCT || is.kind == KIND_UNION)
			return walk(p, &inner, top, depth);
		if ((ret = push(p, ACCESS_INDEX, NULL)) < 0)
			return ret == -E2BIG ? add_piece(p, 'x') : ret;
		ret = walk(p, &inner, top, depth);
		p->npath--;
		return ret;
	case KIND_ARRAY:
		if (!s.has_die)
			return add_piece(p, 'x');
		dwarf_ctype_of(&s.die, &inner);
		dwarf_ctype_shape(&inner, &is);
		if (is.char_like && is.kind == KIND_INT)
			return add_piece(p, 's'); /* a char array: its string */
		if (!top && !p->full) {
			add_text(p, "[...]");
			return 0;
		}
		/* the first element, as SystemTap shows arrays */
		add_text(p, "[");
		if ((ret = push(p, ACCESS_INDEX, NULL)) < 0)
			return ret == -E2BIG ? (add_text(p, "?, ...]"), 0) : ret;
		ret = walk(p, &inner, false, depth + 1);
		p->npath--;
		add_text(p, ", ...]");
		return ret;
	case KIND_STRUCT:
	case KIND_UNION:
		if ((!top && !p->full) || depth > NEST_MAX || !s.has_die ||
		    dwarf_hasattr(&s.die, DW_AT_declaration)) {
			add_text(p, "{...}");
			return 0;
		}
		add_text(p, "{");
		ret = members(p, &s.die, depth);
		add_text(p, "}");
		return ret;
	default:
		add_text(p, "?"); /* floats, functions, ... as SystemTap has them */
		return 0;
	}
}

/* One variable (or expression) BASE pretty-printed into P's pieces. */
static int one(struct pretty *p, const struct probe_expr *base, char *err, size_t errlen)
{
	struct dwarf_ctype type;
	int ret;

	ret = dwarf_compile_type(p->dm, p->pc, p->is_return, p->bias, base, &type, err, errlen);
	if (ret < 0)
		return ret;
	p->base = base;
	p->npath = 0;
	p->values = 0;
	return walk(p, &type, true, 0);
}

int dwarf_compile_pretty(struct dwarf_module *dm, uint64_t pc, bool is_return, uint64_t bias,
			 struct probe_arg *arg, char *err, size_t errlen)
{
	struct pretty *p = calloc(1, sizeof(*p));
	struct probe_arg names = {0};
	int ret = 0;

	if (!p)
		return -ENOMEM;
	*p = (struct pretty){dm, pc, bias, is_return, arg->pretty > 1, arg};
	arg->parts = NULL;
	arg->nparts = 0;
	if (arg->list == LIST_NONE) {
		ret = one(p, arg->expr, err, errlen);
	} else {
		/* the variables in scope, each "name=" and its text */
		names.list = arg->list;
		ret = dwarf_compile_list(dm, pc, is_return, bias, &names, err, errlen);
		for (size_t i = 0; ret == 0 && i < names.nparts; i++) {
			char why[256];

			if (i)
				add_text(p, " ");
			add_text(p, names.parts[i].name);
			add_text(p, "=");
			ret = one(p, names.parts[i].expr, why, sizeof(why));
			if (ret < 0 && ret != -ENOMEM) {
				add_text(p, "?");
				ret = 0;
			}
		}
		probe_arg_release_compiled(&names);
	}
	if (ret == 0 && p->text[0])
		ret = add_piece(p, 0);
	if (ret == -ENOMEM)
		dwarf_fail(err, errlen, ret, NULL, "out of memory");
	if (ret < 0) {
		struct probe_arg keep = *arg;

		probe_arg_release_compiled(arg); /* the pieces made so far */
		arg->name = keep.name;
	}
	free(p);
	return ret;
}
