/* demangle.c: C++ names of a module's symbols (libbfd's demangler), indexed for lookups. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Older bfd.h refuse to be included without these (normally from config.h). */
#ifndef PACKAGE
#define PACKAGE "utap"
#endif
#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "0"
#endif
#include <bfd.h>

#include "sym/internal.h"

/* libiberty's demangle.h, which Debian does not install, defines these. */
#ifndef DMGL_PARAMS
#define DMGL_PARAMS (1 << 0) /* the parameter list (and a template's return type) */
#endif
#ifndef DMGL_ANSI
#define DMGL_ANSI (1 << 1) /* const, volatile, __restrict */
#endif

static int bind_rank(unsigned char bind)
{
	return bind == STB_LOCAL ? 2 : bind == STB_WEAK ? 1 : 0;
}

/* Among entries of one name, the one a probe means comes first: global
 * before weak before local, default version first, sized before bare
 * labels; then by address so overloads keep the order of the code. */
static int cmp_rank(const struct sym_entry *a, const struct sym_entry *b)
{
	if (bind_rank(a->bind) != bind_rank(b->bind))
		return bind_rank(a->bind) - bind_rank(b->bind);
	if (a->hidden_version != b->hidden_version)
		return a->hidden_version ? 1 : -1;
	if (!a->size != !b->size)
		return a->size ? -1 : 1;
	if (a->file_offset != b->file_offset)
		return a->file_offset < b->file_offset ? -1 : 1;
	return 0;
}

static int cmp_demangled(const void *pa, const void *pb)
{
	const struct sym_entry *a = *(const struct sym_entry *const *)pa;
	const struct sym_entry *b = *(const struct sym_entry *const *)pb;
	int r = strcmp(a->demangled, b->demangled);

	return r ? r : cmp_rank(a, b);
}

static int cmp_base(const void *pa, const void *pb)
{
	const struct sym_entry *a = *(const struct sym_entry *const *)pa;
	const struct sym_entry *b = *(const struct sym_entry *const *)pb;
	int r = strcmp(a->base, b->base);

	return r ? r : cmp_rank(a, b);
}

/* Demangle E's name: the full name for display and exact lookups, and the
 * name without parameters (nor a template's return type) that every
 * overload shares.  The demangler says which part is which, so no parsing
 * of "long ns::maxof<long>(long, long)" is needed here.  A compiler's
 * clone ("ns::f() [clone .constprop.0]") gets no base name: "ns::f"
 * means the function itself.  0, or -ENOMEM. */
static int demangle_entry(struct sym_entry *e)
{
	/* Only Itanium C++ names: skip the C names quickly. */
	if (e->name[0] != '_' || e->name[1] != 'Z')
		return 0;
	e->demangled = bfd_demangle(NULL, e->name, DMGL_PARAMS | DMGL_ANSI);
	if (!e->demangled)
		return 0; /* not a valid mangled name: keep it as it is */
	if (strstr(e->demangled, " [clone "))
		return 0;
	e->base = bfd_demangle(NULL, e->name, DMGL_ANSI);
	return e->base ? 0 : -ENOMEM;
}

int sym_demangle_index(struct sym_module *mod)
{
	size_t i;
	int ret;

	for (i = 0; i < mod->nsyms; i++) {
		ret = demangle_entry(&mod->syms[i]);
		if (ret < 0)
			return ret;
		mod->ndemangled += mod->syms[i].demangled != NULL;
		mod->nbase += mod->syms[i].base != NULL;
	}
	if (!mod->ndemangled)
		return 0;
	mod->by_demangled = malloc(mod->ndemangled * sizeof(*mod->by_demangled));
	mod->by_base = malloc((mod->nbase ? mod->nbase : 1) * sizeof(*mod->by_base));
	if (!mod->by_demangled || !mod->by_base)
		return -ENOMEM;
	mod->ndemangled = mod->nbase = 0;
	for (i = 0; i < mod->nsyms; i++) {
		if (mod->syms[i].demangled)
			mod->by_demangled[mod->ndemangled++] = &mod->syms[i];
		if (mod->syms[i].base)
			mod->by_base[mod->nbase++] = &mod->syms[i];
	}
	qsort(mod->by_demangled, mod->ndemangled, sizeof(*mod->by_demangled), cmp_demangled);
	qsort(mod->by_base, mod->nbase, sizeof(*mod->by_base), cmp_base);
	return 0;
}

void sym_demangle_free(struct sym_module *mod)
{
	size_t i;

	for (i = 0; mod->syms && i < mod->nsyms; i++) {
		free(mod->syms[i].demangled);
		free(mod->syms[i].base);
	}
	free(mod->by_demangled);
	free(mod->by_base);
}

static const char *demangled_of(const struct sym_entry *e)
{
	return e->demangled;
}

static const char *base_of(const struct sym_entry *e)
{
	return e->base;
}

/* The entries of INDEX (N long, sorted by KEY) whose KEY is NAME: binary
 * search for the first, then the run.  How many; *FIRST points at them. */
static size_t find_run(struct sym_entry *const *index, size_t n,
		       const char *(*key)(const struct sym_entry *), const char *name,
		       struct sym_entry *const **first)
{
	size_t lo = 0, hi = n, i;

	while (lo < hi) {
		i = lo + (hi - lo) / 2;
		if (strcmp(key(index[i]), name) < 0)
			lo = i + 1;
		else
			hi = i;
	}
	for (i = lo; i < n && strcmp(key(index[i]), name) == 0; i++)
		;
	*first = index + lo;
	return i - lo;
}

int sym_demangle_find(const struct sym_module *mod, const char *name,
		      struct sym_entry *const **group, size_t *n)
{
	*n = find_run(mod->by_demangled, mod->ndemangled, demangled_of, name, group);
	if (!*n)
		*n = find_run(mod->by_base, mod->nbase, base_of, name, group);
	return *n ? 0 : -ENOENT;
}
