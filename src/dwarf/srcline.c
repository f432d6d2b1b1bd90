/* srcline.c: the source line of a code address, for naming stack frames. */
#include <dwarf.h>
#include <errno.h>
#include <string.h>

#include "dwarf/internal.h"

/* The path as the compiler was given it: relative to the compilation
 * directory when it lies under it ("targets/demo.c"), else whole. */
static const char *relative_to_comp_dir(Dwarf_Die *cu, const char *src)
{
	Dwarf_Attribute attr;
	const char *dir = dwarf_formstring(dwarf_attr(cu, DW_AT_comp_dir, &attr));
	size_t n = dir ? strlen(dir) : 0;

	if (n && strncmp(src, dir, n) == 0 && src[n] == '/')
		return src + n + 1;
	return src;
}

int dwarf_addr_line(struct dwarf_module *dm, uint64_t addr, const char **file, int *line)
{
	Dwarf_Die cu;
	Dwarf_Line *row;
	const char *src;

	/* libdw finds the unit by its address ranges and the row by binary
	 * search, both from tables it builds once per unit. */
	if (!dwarf_addrdie(dm->dw, addr, &cu))
		return -ENOENT;
	row = dwarf_getsrc_die(&cu, addr);
	if (!row || dwarf_lineno(row, line) != 0 || *line <= 0)
		return -ENOENT;
	src = dwarf_linesrc(row, NULL, NULL);
	if (!src)
		return -ENOENT;
	*file = relative_to_comp_dir(&cu, src);
	return 0;
}
