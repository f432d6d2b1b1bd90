/* select.c: the functions a script's "FUNC@FILE:LINE" names (out-of-line and inlined
 * copies, by DWARF), and the function scopes a code address is in, for pp(). */
#include <dwarf.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "dwarf/internal.h"

#define NEST_MAX 64 /* DIE nesting we follow; real programs stay far below */

bool dwarf_path_glob(const char *pattern, const char *path)
{
	if (!pattern)
		return true;
	if (!path)
		return false;
	/* the whole path, or its trailing components: "calls.c",
	 * "targets/calls.c" and "*.c" all name "/src/targets/calls.c" */
	if (fnmatch(pattern, path, 0) == 0)
		return true;
	for (const char *p = path; (p = strchr(p, '/')); p++)
		if (fnmatch(pattern, p + 1, 0) == 0)
			return true;
	return false;
}

/* Where a function DIE (out of line) begins: its entry pc, low pc, or the
 * start of its first range. */
static int func_entry(Dwarf_Die *die, Dwarf_Addr *pc)
{
	Dwarf_Addr base, end;

	if (dwarf_entrypc(die, pc) == 0)
		return 0;
	return dwarf_ranges(die, 0, &base, pc, &end) > 0 ? 0 : -ENOENT;
}

/* Does DIE (a function or an inlined copy of one) hold a statement of
 * line LINE of the file it is declared in? */
static bool holds_line(Dwarf_Die *cu, Dwarf_Die *die, int line)
{
	const char *decl = dwarf_decl_file(die), *src;
	Dwarf_Lines *lines;
	size_t nlines;
	Dwarf_Addr addr;
	bool stmt;
	int l;

	if (!decl || dwarf_getsrclines(cu, &lines, &nlines) != 0)
		return false;
	for (size_t i = 0; i < nlines; i++) {
		Dwarf_Line *row = dwarf_onesrcline(lines, i);

		if (!row || dwarf_lineno(row, &l) != 0 || l != line ||
		    dwarf_linebeginstatement(row, &stmt) != 0 || !stmt ||
		    dwarf_lineaddr(row, &addr) != 0)
			continue;
		src = dwarf_linesrc(row, NULL, NULL);
		if (src && strcmp(src, decl) == 0 && dwarf_haspc(die, addr) == 1)
			return true;
	}
	return false;
}

static bool selected(const struct dwarf_func_spec *spec, Dwarf_Die *cu, Dwarf_Die *die)
{
	const char *name = dwarf_diename(die);
	int line = 0;

	if (!name || fnmatch(spec->name, name, 0) != 0)
		return false;
	if (spec->file && !dwarf_path_glob(spec->file, dwarf_decl_file(die)))
		return false;
	if (!spec->line)
		return true;
	if (dwarf_decl_line(die, &line) == 0 && line == spec->line)
		return true;
	return holds_line(cu, die, spec->line);
}

static int walk(const struct dwarf_func_spec *spec, Dwarf_Die *cu, Dwarf_Die *parent,
		struct dwarf_addrs *set, int depth)
{
	Dwarf_Die child;
	Dwarf_Addr pc;
	int tag, ret = 0;

	if (depth > NEST_MAX || dwarf_child(parent, &child) != 0)
		return 0;
	do {
		tag = dwarf_tag(&child);
		if (tag == DW_TAG_subprogram && spec->out_of_line &&
		    !dwarf_hasattr(&child, DW_AT_declaration) && func_entry(&child, &pc) == 0 &&
		    selected(spec, cu, &child))
			ret = dwarf_addrs_add(set, pc);
		else if (tag == DW_TAG_inlined_subroutine && spec->inlined &&
			 dwarf_inline_entry(&child, &pc) == 0 && selected(spec, cu, &child))
			ret = dwarf_addrs_add(set, pc);
		if (ret < 0)
			return ret;
		if (dwarf_haschildren(&child) && dwarf_tag_holds_code(tag)) {
			ret = walk(spec, cu, &child, set, depth + 1);
			if (ret < 0)
				return ret;
		}
	} while (dwarf_siblingof(&child, &child) == 0);
	return 0;
}

int dwarf_funcs_select(struct dwarf_module *dm, const struct dwarf_func_spec *spec,
		       uint64_t **addrs, size_t *n)
{
	struct dwarf_addrs set = {0};
	Dwarf_Off off = 0;
	Dwarf_Die cu;
	int r, ret;

	*addrs = NULL;
	*n = 0;
	while ((r = dwarf_units_next(dm, &off, &cu)) > 0) {
		ret = walk(spec, &cu, &cu, &set, 0);
		if (ret < 0) {
			free(set.addrs);
			return ret;
		}
	}
	if (r < 0) {
		free(set.addrs);
		return -EIO;
	}
	dwarf_addrs_finish(&set, addrs, n);
	return 0;
}

/* The path as the compiler was given it: relative to the compilation
 * directory when under it ("targets/calls.c"), as SystemTap shows it. */
static const char *as_given(Dwarf_Die *cu, const char *path)
{
	Dwarf_Attribute attr;
	const char *dir = dwarf_formstring(dwarf_attr(cu, DW_AT_comp_dir, &attr));
	size_t n = dir ? strlen(dir) : 0;

	if (path && n && strncmp(path, dir, n) == 0 && path[n] == '/')
		return path + n + 1;
	return path;
}

/* Whether scope DIE begins at PC. */
static bool begins_at(Dwarf_Die *die, uint64_t pc)
{
	Dwarf_Addr entry;

	if (dwarf_tag(die) == DW_TAG_inlined_subroutine)
		return dwarf_inline_entry(die, &entry) == 0 && entry == pc;
	return func_entry(die, &entry) == 0 && entry == pc;
}

static int add_scope(Dwarf_Die *cu, Dwarf_Die *die, uint64_t pc, struct dwarf_scope_info *out)
{
	const char *name = dwarf_diename(die), *decl = dwarf_decl_file(die);
	int line = 0;

	if (!name)
		return 0;
	dwarf_decl_line(die, &line);
	out->name = strdup(name);
	out->decl_file = decl ? strdup(as_given(cu, decl)) : NULL;
	out->decl_line = line;
	out->inlined = dwarf_tag(die) == DW_TAG_inlined_subroutine;
	out->entered = begins_at(die, pc);
	if (!out->name || (decl && !out->decl_file)) {
		free(out->name);
		free(out->decl_file);
		return -ENOMEM;
	}
	return 1;
}

int dwarf_func_scopes(struct dwarf_module *dm, uint64_t pc, struct dwarf_scope_info *out, int max)
{
	Dwarf_Die cu, *scopes = NULL, outer;
	int nscopes = 0, n = 0, ret;

	ret = dwarf_scopes_at(dm, pc, &cu, &scopes, &nscopes);
	if (ret < 0)
		return ret == -ENOMEM ? ret : 0;
	/* The inlined copies holding PC, innermost first: dwarf_getscopes
	 * follows the innermost to its abstract definition, not to its
	 * caller, so the function whose code it is comes by address. */
	for (int i = 0; i < nscopes && n < max - 1; i++) {
		int tag = dwarf_tag(&scopes[i]);

		if (tag == DW_TAG_subprogram)
			break;
		if (tag != DW_TAG_inlined_subroutine)
			continue;
		ret = add_scope(&cu, &scopes[i], pc, &out[n]);
		if (ret < 0)
			goto fail;
		n += ret;
	}
	if (n < max && dwarf_outer_func(&cu, pc, &outer) == 0) {
		ret = add_scope(&cu, &outer, pc, &out[n]);
		if (ret < 0)
			goto fail;
		n += ret;
	}
	free(scopes);
	return n;
fail:
	dwarf_scope_info_free(out, n);
	free(scopes);
	return -ENOMEM;
}

void dwarf_scope_info_free(struct dwarf_scope_info *s, int n)
{
	for (int i = 0; i < n; i++) {
		free(s[i].name);
		free(s[i].decl_file);
		s[i].name = s[i].decl_file = NULL;
	}
}

bool dwarf_addr_in_func(struct dwarf_module *dm, uint64_t pc, const char *pattern)
{
	struct dwarf_scope_info s[16];
	int n = dwarf_func_scopes(dm, pc, s, 16);
	bool found = false;

	for (int i = 0; i < n && !found; i++)
		found = fnmatch(pattern, s[i].name, 0) == 0;
	dwarf_scope_info_free(s, n > 0 ? n : 0);
	return found;
}
