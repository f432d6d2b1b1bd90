/* scope.c: find a name where a probe fires: the scopes at its address, then the globals. */
#include <dwarf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dwarf/internal.h"

#define NEST_MAX 64 /* DIE nesting we follow; real programs stay far below */

const char *dwarf_name_of(Dwarf_Die *die)
{
	Dwarf_Attribute attr;

	/* An inlined copy's parameters and an out-of-line copy's name live
	 * on the abstract DIE: _integrate follows abstract_origin. */
	if (!dwarf_attr_integrate(die, DW_AT_name, &attr))
		return NULL;
	return dwarf_formstring(&attr);
}

/* The deepest inlined copy below PARENT that is entered at PC though its
 * ranges do not hold PC: gcc often gives a copy the entry_pc of the first
 * instruction of its caller's code it shares, and probes on inlined copies
 * land on entry_pc. */
static bool entered_at(Dwarf_Die *parent, uint64_t pc, Dwarf_Die *out, int depth)
{
	Dwarf_Die child;
	Dwarf_Addr entry;
	bool found = false;
	int tag;

	if (depth > NEST_MAX || dwarf_child(parent, &child) != 0)
		return false;
	do {
		tag = dwarf_tag(&child);
		if (tag != DW_TAG_inlined_subroutine && tag != DW_TAG_lexical_block)
			continue;
		if (entered_at(&child, pc, out, depth + 1))
			return true;
		if (tag == DW_TAG_inlined_subroutine && dwarf_entrypc(&child, &entry) == 0 &&
		    entry == pc && dwarf_haspc(&child, pc) != 1) {
			*out = child;
			found = true;
		}
	} while (!found && dwarf_siblingof(&child, &child) == 0);
	return found;
}

static bool is_func_entry(Dwarf_Die *cu, uint64_t pc)
{
	Dwarf_Addr entry;
	Dwarf_Die func;

	return dwarf_outer_func(cu, pc, &func) == 0 && dwarf_entrypc(&func, &entry) == 0 &&
	       entry == pc;
}

/* SCOPES with the scopes of an inlined copy entered at PC added: first
 * when PC is only that copy's entry, after them when PC is also its
 * caller's entry (a probe on the function means the function's names). */
static int add_entered(Dwarf_Die *cu, uint64_t pc, Dwarf_Die **scopes, int *n)
{
	Dwarf_Die copy, *extra = NULL, *all;
	int nextra;
	bool first;

	if (!entered_at(&(*scopes)[0], pc, &copy, 0))
		return 0;
	nextra = dwarf_getscopes_die(&copy, &extra);
	if (nextra <= 0) {
		free(extra);
		return 0;
	}
	all = malloc((size_t)(*n + nextra) * sizeof(*all));
	if (!all) {
		free(extra);
		return -ENOMEM;
	}
	first = !is_func_entry(cu, pc);
	memcpy(all + (first ? 0 : *n), extra, (size_t)nextra * sizeof(*all));
	memcpy(all + (first ? nextra : 0), *scopes, (size_t)*n * sizeof(*all));
	free(extra);
	free(*scopes);
	*scopes = all;
	*n += nextra;
	return 0;
}

int dwarf_scopes_at(struct dwarf_module *dm, uint64_t pc, Dwarf_Die *cu, Dwarf_Die **scopes,
		    int *nscopes)
{
	int n;

	*scopes = NULL;
	*nscopes = 0;
	if (!dm || !dwarf_addrdie(dm->dw, pc, cu))
		return -ENOENT;
	n = dwarf_getscopes(cu, pc, scopes);
	if (n <= 0) {
		free(*scopes);
		*scopes = NULL;
		return 0; /* the unit is known, no function in it holds PC */
	}
	*nscopes = n;
	return add_entered(cu, pc, scopes, nscopes);
}

static bool is_var(Dwarf_Die *die)
{
	int tag = dwarf_tag(die);

	return tag == DW_TAG_variable || tag == DW_TAG_formal_parameter;
}

/* A child of SCOPE named NAME that is a parameter or variable. */
static bool child_var(Dwarf_Die *scope, const char *name, Dwarf_Die *var)
{
	Dwarf_Die child;
	const char *n;

	if (dwarf_child(scope, &child) != 0)
		return false;
	do {
		if (is_var(&child) && (n = dwarf_name_of(&child)) && strcmp(n, name) == 0) {
			*var = child;
			return true;
		}
	} while (dwarf_siblingof(&child, &child) == 0);
	return false;
}

int dwarf_scope_var(Dwarf_Die *scopes, int n, const char *name, Dwarf_Die *var)
{
	/* Our own walk rather than dwarf_getscopevar: it must see the names of
	 * an inlined copy's variables, which only their abstract origin has. */
	for (int i = 0; i < n; i++) {
		if (dwarf_tag(&scopes[i]) == DW_TAG_compile_unit)
			continue; /* globals: dwarf_global_var, which skips declarations */
		if (child_var(&scopes[i], name, var))
			return i;
	}
	return -1;
}

/* A definition: declarations ("extern int x;") have no storage to read. */
static bool is_definition(Dwarf_Die *var)
{
	return !dwarf_hasattr(var, DW_AT_declaration) &&
	       (dwarf_hasattr(var, DW_AT_location) || dwarf_hasattr(var, DW_AT_const_value));
}

static bool global_in(Dwarf_Die *cu, const char *name, Dwarf_Die *var)
{
	Dwarf_Die child;
	const char *n;

	if (dwarf_child(cu, &child) != 0)
		return false;
	do {
		if (dwarf_tag(&child) == DW_TAG_variable && is_definition(&child) &&
		    (n = dwarf_name_of(&child)) && strcmp(n, name) == 0) {
			*var = child;
			return true;
		}
	} while (dwarf_siblingof(&child, &child) == 0);
	return false;
}

int dwarf_global_var(struct dwarf_module *dm, Dwarf_Die *cu, const char *name, Dwarf_Die *var)
{
	Dwarf_Off off = 0;
	Dwarf_Die unit;

	if (cu && global_in(cu, name, var))
		return 0;
	while (dwarf_units_next(dm, &off, &unit) > 0)
		if (global_in(&unit, name, var))
			return 0;
	return -ENOENT;
}

int dwarf_scope_func(Dwarf_Die *scopes, int n)
{
	for (int i = 0; i < n; i++) {
		int tag = dwarf_tag(&scopes[i]);

		if (tag == DW_TAG_subprogram || tag == DW_TAG_inlined_subroutine)
			return i;
	}
	return -1;
}

static bool outer_in(Dwarf_Die *parent, uint64_t pc, Dwarf_Die *func, int depth)
{
	Dwarf_Die child;
	int tag;

	if (depth > NEST_MAX || dwarf_child(parent, &child) != 0)
		return false;
	do {
		tag = dwarf_tag(&child);
		if (tag == DW_TAG_subprogram && dwarf_haspc(&child, pc) == 1) {
			*func = child;
			return true;
		}
		/* C++ puts functions in namespaces and classes. */
		if ((tag == DW_TAG_namespace || tag == DW_TAG_structure_type ||
		     tag == DW_TAG_class_type) &&
		    outer_in(&child, pc, func, depth + 1))
			return true;
	} while (dwarf_siblingof(&child, &child) == 0);
	return false;
}

int dwarf_outer_func(Dwarf_Die *cu, uint64_t pc, Dwarf_Die *func)
{
	/* dwarf_getscopes follows an inlined copy to its abstract definition,
	 * so the function whose frame holds PC is looked up by address. */
	return outer_in(cu, pc, func, 0) ? 0 : -ENOENT;
}

static int nth_param(Dwarf_Die *func, unsigned n, Dwarf_Die *param)
{
	Dwarf_Die child;
	unsigned i = 0;

	if (dwarf_child(func, &child) != 0)
		return -ENOENT;
	do {
		if (dwarf_tag(&child) == DW_TAG_formal_parameter && i++ == n) {
			*param = child;
			return 0;
		}
	} while (dwarf_siblingof(&child, &child) == 0);
	return -ENOENT;
}

/* The child of concrete FUNC that stands for abstract DIE ORIGIN. */
static bool concrete_of(Dwarf_Die *func, Dwarf_Off origin, Dwarf_Die *out)
{
	Dwarf_Attribute attr;
	Dwarf_Die child, o;

	if (dwarf_child(func, &child) != 0)
		return false;
	do {
		if (dwarf_attr(&child, DW_AT_abstract_origin, &attr) &&
		    dwarf_formref_die(&attr, &o) && dwarf_dieoffset(&o) == origin) {
			*out = child;
			return true;
		}
	} while (dwarf_siblingof(&child, &child) == 0);
	return false;
}

int dwarf_func_param(Dwarf_Die *func, unsigned n, Dwarf_Die *param)
{
	Dwarf_Attribute attr;
	Dwarf_Die origin;

	/* A concrete copy (inlined, or out of line of an inline function)
	 * lists its parameters in any order: count them on the abstract
	 * function, then take the copy's own DIE for its location (none:
	 * the abstract one, which says optimized out). */
	if (!dwarf_attr(func, DW_AT_abstract_origin, &attr) || !dwarf_formref_die(&attr, &origin))
		return nth_param(func, n, param);
	if (nth_param(&origin, n, param) != 0)
		return -ENOENT;
	concrete_of(func, dwarf_dieoffset(param), param);
	return 0;
}

/* Whether the comma-separated list LIST has NAME. */
static bool listed(const char *list, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = list; (p = strstr(p, name)); p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ',' || p[n] == '\0'))
			return true;
	return false;
}

/* NAME onto the list in BUF, once (an inlined copy and its abstract
 * origin both name their variables); ", ..." when BUF is full. */
static void append(char *buf, size_t len, const char *name)
{
	size_t used = strlen(buf);

	if (listed(buf, name))
		return;
	if (used + strlen(name) + 7 >= len) {
		if (used + 6 < len && !strstr(buf, ", ..."))
			snprintf(buf + used, len - used, ", ...");
		return;
	}
	snprintf(buf + used, len - used, "%s%s", used ? ", " : "", name);
}

void dwarf_scope_names(Dwarf_Die *scopes, int n, char *buf, size_t len)
{
	Dwarf_Die child;
	const char *name;

	buf[0] = '\0';
	for (int i = 0; i < n; i++) {
		if (dwarf_tag(&scopes[i]) == DW_TAG_compile_unit || dwarf_child(&scopes[i], &child))
			continue;
		do {
			if (is_var(&child) && (name = dwarf_name_of(&child)))
				append(buf, len, name);
		} while (dwarf_siblingof(&child, &child) == 0);
	}
}

int dwarf_unit_var(struct dwarf_module *dm, const char *file, const char *name, Dwarf_Die *var)
{
	Dwarf_Off off = 0;
	Dwarf_Die unit;
	bool seen = false;

	while (dwarf_units_next(dm, &off, &unit) > 0) {
		if (!dwarf_path_glob(file, dwarf_diename(&unit)))
			continue;
		seen = true;
		if (global_in(&unit, name, var))
			return 0;
	}
	return seen ? -ENOENT : -ENODEV;
}
