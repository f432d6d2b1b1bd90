/* inlined.c: where a function's inlined copies begin, and the address sets the lookups return. */
#include <dwarf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dwarf/internal.h"

#define NEST_MAX 64 /* DIE nesting we follow; real programs stay far below */

int dwarf_addrs_add(struct dwarf_addrs *set, uint64_t addr)
{
	uint64_t *p;

	if (set->n == set->cap) {
		size_t cap = set->cap ? 2 * set->cap : 16;

		p = realloc(set->addrs, cap * sizeof(*p));
		if (!p)
			return -ENOMEM;
		set->addrs = p;
		set->cap = cap;
	}
	set->addrs[set->n++] = addr;
	return 0;
}

static int cmp_addr(const void *pa, const void *pb)
{
	uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;

	return a < b ? -1 : a > b;
}

void dwarf_addrs_finish(struct dwarf_addrs *set, uint64_t **addrs, size_t *n)
{
	size_t i, k = 0;

	if (set->n)
		qsort(set->addrs, set->n, sizeof(*set->addrs), cmp_addr);
	for (i = 0; i < set->n; i++)
		if (!k || set->addrs[k - 1] != set->addrs[i])
			set->addrs[k++] = set->addrs[i];
	*addrs = set->addrs;
	*n = k;
}

/* The address of INL's first range: low_pc, or the first DW_AT_ranges entry. */
static int first_addr(Dwarf_Die *inl, Dwarf_Addr *pc)
{
	Dwarf_Addr base, end;

	if (dwarf_lowpc(inl, pc) == 0)
		return 0;
	return dwarf_ranges(inl, 0, &base, pc, &end) > 0 ? 0 : -ENOENT;
}

/* Where inlined copy INL starts running: DW_AT_entry_pc (an address, or in
 * DWARF 5 an offset from the first address), else its first address.  Not
 * dwarf_entrypc(): older libdw reads only the address form. */
int dwarf_inline_entry(Dwarf_Die *inl, Dwarf_Addr *pc)
{
	Dwarf_Attribute attr;
	Dwarf_Word off;

	if (dwarf_attr(inl, DW_AT_entry_pc, &attr)) {
		if (dwarf_formaddr(&attr, pc) == 0)
			return 0;
		if (dwarf_formudata(&attr, &off) == 0 && first_addr(inl, pc) == 0) {
			*pc += off;
			return 0;
		}
	}
	return first_addr(inl, pc);
}

/* Collect the entry of every inlined copy of NAME below PARENT; copies may
 * be nested in lexical blocks and in other inlined copies. */
static int walk(Dwarf_Die *parent, const char *name, struct dwarf_addrs *set, int depth)
{
	Dwarf_Die child;
	Dwarf_Addr pc;
	const char *dname;
	int tag, ret;

	if (depth > NEST_MAX || dwarf_child(parent, &child) != 0)
		return 0;
	do {
		tag = dwarf_tag(&child);
		if (tag == DW_TAG_inlined_subroutine) {
			/* The name comes from the abstract origin. */
			dname = dwarf_diename(&child);
			if (dname && strcmp(dname, name) == 0 && dwarf_inline_entry(&child, &pc) == 0) {
				ret = dwarf_addrs_add(set, pc);
				if (ret < 0)
					return ret;
			}
		}
		if (dwarf_haschildren(&child) && dwarf_tag_holds_code(tag)) {
			ret = walk(&child, name, set, depth + 1);
			if (ret < 0)
				return ret;
		}
	} while (dwarf_siblingof(&child, &child) == 0);
	return 0;
}

int dwarf_inline_sites(struct dwarf_module *dm, const char *name, uint64_t **addrs, size_t *n)
{
	struct dwarf_addrs set = {0};
	Dwarf_Off off = 0;
	Dwarf_Die cu;
	int r, ret;

	*addrs = NULL;
	*n = 0;
	while ((r = dwarf_units_next(dm, &off, &cu)) > 0) {
		ret = walk(&cu, name, &set, 0);
		if (ret < 0)
			goto fail;
	}
	if (r < 0) {
		ret = -EIO;
		goto fail;
	}
	dwarf_addrs_finish(&set, addrs, n);
	return 0;

fail:
	free(set.addrs);
	return ret;
}
