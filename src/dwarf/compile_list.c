/* compile_list.c: a script's $$parms, $$locals and $$vars: every variable in scope at a
 * site, each compiled like a fetch by name. */
#include <dwarf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dwarf/internal.h"
#include "probe/probe.h"

static int add_part(struct dwarf_module *dm, uint64_t pc, bool is_return, uint64_t bias,
		    struct probe_arg *arg, const char *name)
{
	struct probe_arg *grown, *part;
	char why[512];

	for (size_t i = 0; i < arg->nparts; i++)
		if (strcmp(arg->parts[i].name, name) == 0)
			return 0; /* shadowed: the innermost was listed */
	grown = realloc(arg->parts, (arg->nparts + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	arg->parts = grown;
	part = &grown[arg->nparts];
	memset(part, 0, sizeof(*part));
	part->name = strdup(name);
	part->expr = calloc(1, sizeof(*part->expr));
	if (!part->name || !part->expr) {
		free(part->name);
		free(part->expr);
		return -ENOMEM;
	}
	arg->nparts++;
	part->expr->base = PEXPR_VAR;
	part->expr->name = strdup(name);
	part->expr->arrow_is_member = true;
	if (!part->expr->name)
		return -ENOMEM;
	/* Optimized out, or of a type with no single value (a struct): "?". */
	if (dwarf_compile_arg(dm, pc, is_return, bias, part, why, sizeof(why)) != 0)
		probe_arg_release_compiled(part);
	return 0;
}

/* The parameters (TAG formal_parameter) or variables of SCOPE, in order. */
static int add_children(struct dwarf_module *dm, uint64_t pc, bool is_return, uint64_t bias,
			struct probe_arg *arg, Dwarf_Die *scope, int tag)
{
	Dwarf_Die child;
	const char *name;
	int ret = 0;

	if (dwarf_child(scope, &child) != 0)
		return 0;
	do {
		if (dwarf_tag(&child) == tag && (name = dwarf_name_of(&child)))
			ret = add_part(dm, pc, is_return, bias, arg, name);
	} while (ret == 0 && dwarf_siblingof(&child, &child) == 0);
	return ret;
}

int dwarf_compile_list(struct dwarf_module *dm, uint64_t pc, bool is_return, uint64_t bias,
		       struct probe_arg *arg, char *err, size_t errlen)
{
	Dwarf_Die cu, *scopes = NULL;
	int nscopes = 0, func, ret = 0;

	/* Code no DWARF describes (a glob's _init) has nothing in scope. */
	if (!dm || dwarf_scopes_at(dm, pc, &cu, &scopes, &nscopes) < 0 ||
	    (func = dwarf_scope_func(scopes, nscopes)) < 0) {
		free(scopes);
		return 0;
	}
	if (arg->list != LIST_LOCALS)
		ret = add_children(dm, pc, is_return, bias, arg, &scopes[func],
				   DW_TAG_formal_parameter);
	/* locals: the function's own, then those of the blocks inside it */
	for (int i = func; ret == 0 && arg->list != LIST_PARAMS && i >= 0; i--)
		ret = add_children(dm, pc, is_return, bias, arg, &scopes[i], DW_TAG_variable);
	free(scopes);
	return ret;
}
