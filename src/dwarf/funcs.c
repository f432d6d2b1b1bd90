/* funcs.c: the functions a binary's DWARF defines or inlines, with their parameters and locals. */
#include <dwarf.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "dwarf/internal.h"

#define NEST_MAX 64 /* DIE nesting we follow; real programs stay far below */

struct collect {
	const char *pattern;
	bool with_vars;
	struct dwarf_func *funcs;
	size_t n, cap;
	/* abstract origins of inlined copies seen (DIE offsets), to list once */
	Dwarf_Off *inlined;
	size_t ninlined, inlined_cap;
	int err;
};

static struct dwarf_func *new_func(struct collect *c)
{
	struct dwarf_func *f;

	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 64;

		f = realloc(c->funcs, cap * sizeof(*f));
		if (!f)
			return NULL;
		c->funcs = f;
		c->cap = cap;
	}
	f = &c->funcs[c->n++];
	memset(f, 0, sizeof(*f));
	return f;
}

static int add_var(struct dwarf_func *f, Dwarf_Die *var, Dwarf_Die *func, Dwarf_Addr pc)
{
	char type[512], where[128];
	Dwarf_Attribute attr;
	struct dwarf_var *v;
	Dwarf_Die mem, *t = NULL;
	const char *name = dwarf_diename(var);

	if (!name)
		return 0; /* unnamed parameters of prototypes have nothing to show */
	v = realloc(f->vars, (f->nvars + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	f->vars = v;
	v = &f->vars[f->nvars];
	if (dwarf_attr_integrate(var, DW_AT_type, &attr))
		t = dwarf_formref_die(&attr, &mem);
	dwarf_type_name(t, type, sizeof(type));
	if (f->inlined)
		snprintf(where, sizeof(where), "per inlined copy");
	else
		dwarf_location_at(var, func, pc, where, sizeof(where));
	v->param = dwarf_tag(var) == DW_TAG_formal_parameter;
	v->name = strdup(name);
	v->type = strdup(type);
	v->where = strdup(where);
	f->nvars++;
	return v->name && v->type && v->where ? 0 : -ENOMEM;
}

/* Parameters and locals of FUNC (locals of nested blocks too, not those
 * of functions inlined into it). */
static int add_vars(struct dwarf_func *f, Dwarf_Die *scope, Dwarf_Die *func, Dwarf_Addr pc,
		    bool params, int depth)
{
	Dwarf_Die child;
	int tag, ret;

	if (depth > NEST_MAX || dwarf_child(scope, &child) != 0)
		return 0;
	do {
		tag = dwarf_tag(&child);
		if ((params && tag == DW_TAG_formal_parameter) ||
		    (!params && tag == DW_TAG_variable)) {
			ret = add_var(f, &child, func, pc);
			if (ret < 0)
				return ret;
		} else if (!params && tag == DW_TAG_lexical_block) {
			ret = add_vars(f, &child, func, pc, false, depth + 1);
			if (ret < 0)
				return ret;
		}
	} while (dwarf_siblingof(&child, &child) == 0);
	return 0;
}

static int fill_func(struct collect *c, Dwarf_Die *die, const char *name, Dwarf_Addr pc,
		     bool inlined)
{
	struct dwarf_func *f = new_func(c);
	const char *file;
	int line = 0, ret;

	if (!f)
		return -ENOMEM;
	f->addr = pc;
	f->inlined = inlined;
	f->name = strdup(name);
	if (!f->name)
		return -ENOMEM;
	file = dwarf_decl_file(die);
	if (file) {
		f->file = strdup(dwarf_basename(file));
		if (!f->file)
			return -ENOMEM;
	}
	if (dwarf_decl_line(die, &line) == 0)
		f->line = line;
	if (!c->with_vars)
		return 0;
	ret = add_vars(f, die, die, pc, true, 0);
	return ret < 0 ? ret : add_vars(f, die, die, pc, false, 0);
}

/* An inlined copy of ORIGIN: remember its abstract DIE once. */
static int note_inlined(struct collect *c, Dwarf_Die *inl)
{
	Dwarf_Attribute attr;
	Dwarf_Die origin;
	Dwarf_Off off;
	size_t i;

	if (!dwarf_attr(inl, DW_AT_abstract_origin, &attr) || !dwarf_formref_die(&attr, &origin))
		return 0;
	/* A concrete out-of-line DIE may stand between: follow to the abstract one. */
	while (dwarf_attr(&origin, DW_AT_abstract_origin, &attr) &&
	       dwarf_formref_die(&attr, &origin))
		;
	off = dwarf_dieoffset(&origin);
	for (i = 0; i < c->ninlined; i++)
		if (c->inlined[i] == off)
			return 0;
	if (c->ninlined == c->inlined_cap) {
		size_t cap = c->inlined_cap ? 2 * c->inlined_cap : 32;
		Dwarf_Off *p = realloc(c->inlined, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		c->inlined = p;
		c->inlined_cap = cap;
	}
	c->inlined[c->ninlined++] = off;
	return 0;
}

static int walk(struct collect *c, Dwarf_Die *parent, int depth)
{
	Dwarf_Die child;
	Dwarf_Addr pc;
	const char *name;
	int tag, ret = 0;

	if (depth > NEST_MAX || dwarf_child(parent, &child) != 0)
		return 0;
	do {
		tag = dwarf_tag(&child);
		if (tag == DW_TAG_subprogram) {
			name = dwarf_diename(&child);
			/* Declarations and abstract inline DIEs have no code of their own. */
			if (name && !dwarf_hasattr(&child, DW_AT_declaration) &&
			    dwarf_lowpc(&child, &pc) == 0 && fnmatch(c->pattern, name, 0) == 0)
				ret = fill_func(c, &child, name, pc, false);
		} else if (tag == DW_TAG_inlined_subroutine) {
			name = dwarf_diename(&child);
			if (name && fnmatch(c->pattern, name, 0) == 0)
				ret = note_inlined(c, &child);
		}
		if (ret < 0)
			return ret;
		/* Inlined copies and nested functions live anywhere below. */
		if (dwarf_haschildren(&child) && tag != DW_TAG_formal_parameter &&
		    tag != DW_TAG_variable && tag != DW_TAG_structure_type &&
		    tag != DW_TAG_union_type && tag != DW_TAG_enumeration_type) {
			ret = walk(c, &child, depth + 1);
			if (ret < 0)
				return ret;
		}
	} while (dwarf_siblingof(&child, &child) == 0);
	return 0;
}

/* Inlined functions that also have an out-of-line copy are listed by it. */
static int add_inlined_only(struct collect *c, Dwarf *dw)
{
	size_t i, j, concrete = c->n;
	Dwarf_Die die;
	const char *name;
	bool seen;
	int ret;

	for (i = 0; i < c->ninlined; i++) {
		if (!dwarf_offdie(dw, c->inlined[i], &die) || !(name = dwarf_diename(&die)))
			continue;
		seen = false;
		for (j = 0; j < concrete && !seen; j++)
			seen = strcmp(c->funcs[j].name, name) == 0;
		if (seen)
			continue;
		ret = fill_func(c, &die, name, 0, true);
		if (ret < 0)
			return ret;
	}
	return 0;
}

static int cmp_func(const void *pa, const void *pb)
{
	const struct dwarf_func *a = pa, *b = pb;
	int r = strcmp(a->name, b->name);

	if (r)
		return r;
	return a->addr < b->addr ? -1 : a->addr > b->addr;
}

int dwarf_funcs_find(struct dwarf_module *dm, const char *pattern, bool with_vars,
		     struct dwarf_func **out, size_t *n)
{
	struct collect c = {.pattern = pattern, .with_vars = with_vars};
	Dwarf_Off off = 0;
	Dwarf_Die cu;
	int ret = 0;

	while (dwarf_units_next(dm, &off, &cu) > 0) {
		ret = walk(&c, &cu, 0);
		if (ret < 0)
			goto fail;
	}
	ret = add_inlined_only(&c, dm->dw);
	if (ret < 0)
		goto fail;
	if (c.n)
		qsort(c.funcs, c.n, sizeof(*c.funcs), cmp_func);
	free(c.inlined);
	*out = c.funcs;
	*n = c.n;
	return 0;

fail:
	free(c.inlined);
	dwarf_funcs_free(c.funcs, c.n);
	return ret;
}

void dwarf_funcs_free(struct dwarf_func *funcs, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < funcs[i].nvars; j++) {
			free(funcs[i].vars[j].name);
			free(funcs[i].vars[j].type);
			free(funcs[i].vars[j].where);
		}
		free(funcs[i].vars);
		free(funcs[i].name);
		free(funcs[i].file);
	}
	free(funcs);
}
