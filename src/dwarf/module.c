/* module.c: open a binary's DWARF through libdwfl, which also finds separate debuginfo. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dwarf/internal.h"

/* libdwfl's default search: next to the file, .debug/, /usr/lib/debug,
 * by build-id and by .gnu_debuglink, checking the build-id or CRC. */
static char *debuginfo_path;

static const Dwfl_Callbacks offline_callbacks = {
    .find_elf = dwfl_build_id_find_elf,
    .find_debuginfo = dwfl_standard_find_debuginfo,
    .section_address = dwfl_offline_section_address,
    .debuginfo_path = &debuginfo_path,
};

int dwarf_units_next(struct dwarf_module *dm, Dwarf_Off *off, Dwarf_Die *cu)
{
	Dwarf_Off next;
	size_t header;
	int r;

	while ((r = dwarf_nextcu(dm->dw, *off, &next, &header, NULL, NULL, NULL)) == 0) {
		Dwarf_Off at = *off + header;

		*off = next;
		if (dwarf_offdie(dm->dw, at, cu))
			return 1;
	}
	return r < 0 ? -1 : 0;
}

const char *dwarf_basename(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

int dwarf_module_open(const char *path, struct dwarf_module **out)
{
	const char *mainfile = NULL, *debugfile = NULL;
	struct dwarf_module *dm;
	Dwfl_Module *mod;
	Dwarf_Addr bias;
	int ret;

	*out = NULL;
	dm = calloc(1, sizeof(*dm));
	if (!dm)
		return -ENOMEM;
	dm->dwfl = dwfl_begin(&offline_callbacks);
	if (!dm->dwfl) {
		ret = -ENOMEM;
		goto fail;
	}
	dwfl_report_begin(dm->dwfl);
	mod = dwfl_report_offline(dm->dwfl, dwarf_basename(path), path, -1);
	dwfl_report_end(dm->dwfl, NULL, NULL);
	if (!mod) {
		ret = -ENOEXEC;
		goto fail;
	}
	dm->mod = mod;
	dm->dw = dwfl_module_getdwarf(mod, &bias);
	dm->bias = bias;
	if (!dm->dw) {
		ret = -ENODATA;
		goto fail;
	}
	dwfl_module_info(mod, NULL, NULL, NULL, NULL, NULL, &mainfile, &debugfile);
	dm->file = strdup(debugfile ? debugfile : mainfile ? mainfile : path);
	if (!dm->file) {
		ret = -ENOMEM;
		goto fail;
	}
	*out = dm;
	return 0;

fail:
	dwarf_module_close(dm);
	return ret;
}

void dwarf_module_close(struct dwarf_module *dm)
{
	if (!dm)
		return;
	if (dm->dwfl)
		dwfl_end(dm->dwfl);
	free(dm->file);
	free(dm);
}

const char *dwarf_module_file(const struct dwarf_module *dm)
{
	return dm->file;
}
