/* internal.h: what the files of src/dwarf/ share; nothing outside src/dwarf/ includes it. */
#ifndef UTAP_DWARF_INTERNAL_H
#define UTAP_DWARF_INTERNAL_H

#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>

#include "dwarf/dwarf.h"

struct dwarf_module {
	Dwfl *dwfl; /* owns the ELF handles and the Dwarf */
	Dwarf *dw;
	char *file; /* where the DWARF came from */
};

/* type.c: the C spelling of type DIE TYPE (NULL: void) into BUF.
 * 0, or -ENAMETOOLONG (BUF holds a truncated spelling). */
int dwarf_type_name(Dwarf_Die *type, char *buf, size_t len);

/* location.c: where variable VAR of function FUNC lives at address PC, in
 * words (see struct dwarf_var's WHERE), into BUF. */
void dwarf_location_at(Dwarf_Die *var, Dwarf_Die *func, Dwarf_Addr pc, char *buf, size_t len);

/* The base name of PATH (a pointer into it). */
const char *dwarf_basename(const char *path);

/* lines.c: whether line-table path PATH names FILE (the whole path, or its
 * trailing components). */
bool dwarf_file_matches(const char *path, const char *file);

/* inlined.c: a growing set of addresses.  dwarf_addrs_add: 0 or -ENOMEM.
 * dwarf_addrs_finish sorts it, drops duplicates and hands the array over. */
struct dwarf_addrs {
	uint64_t *addrs;
	size_t n, cap;
};

int dwarf_addrs_add(struct dwarf_addrs *set, uint64_t addr);
void dwarf_addrs_finish(struct dwarf_addrs *set, uint64_t **addrs, size_t *n);

#endif
