/* lookup.c: find a module's function symbol by name or by file offset. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sym/internal.h"

/* How far back sym_lookup_offset looks for a sized symbol enclosing OFF
 * when the nearest one below ends before it (nested labels typed FUNC). */
#define ENCLOSING_LOOKBACK 16

static int bind_class(unsigned char bind)
{
	return bind == STB_LOCAL ? 2 : bind == STB_WEAK ? 1 : 0;
}

static size_t leading_underscores(const char *s)
{
	size_t n = 0;

	while (s[n] == '_')
		n++;
	return n;
}

/* Which of several symbols at one address names it in backtraces and
 * "func+0x12": a default-versioned global without internal underscores
 * ("malloc", not "__libc_malloc") as perf chooses. */
static int alias_better(const struct sym_entry *a, const struct sym_entry *b)
{
	size_t la, lb;

	if (a->hidden_version != b->hidden_version)
		return a->hidden_version ? 1 : -1;
	if (bind_class(a->bind) != bind_class(b->bind))
		return bind_class(a->bind) - bind_class(b->bind);
	if (!a->size != !b->size)
		return a->size ? -1 : 1;
	la = leading_underscores(a->name);
	lb = leading_underscores(b->name);
	if (la != lb)
		return la < lb ? -1 : 1;
	la = strlen(a->name);
	lb = strlen(b->name);
	if (la != lb)
		return la < lb ? -1 : 1;
	return strcmp(a->name, b->name);
}

static int cmp_offset(const void *pa, const void *pb)
{
	const struct sym_entry *a = pa, *b = pb;

	if (a->file_offset != b->file_offset)
		return a->file_offset < b->file_offset ? -1 : 1;
	return alias_better(a, b);
}

/* Which of several symbols with one name a probe on that name means:
 * global or weak before a static function, the default version before a
 * compat one, a sized symbol before a bare label. */
static int cmp_name(const void *pa, const void *pb)
{
	const struct sym_entry *a = *(const struct sym_entry *const *)pa;
	const struct sym_entry *b = *(const struct sym_entry *const *)pb;
	int r = strcmp(a->name, b->name);

	if (r)
		return r;
	if ((a->bind == STB_LOCAL) != (b->bind == STB_LOCAL))
		return a->bind == STB_LOCAL ? 1 : -1;
	if (a->hidden_version != b->hidden_version)
		return a->hidden_version ? 1 : -1;
	if (!a->size != !b->size)
		return a->size ? -1 : 1;
	if (a->file_offset != b->file_offset)
		return a->file_offset < b->file_offset ? -1 : 1;
	return 0;
}

int sym_symtab_index(struct sym_module *mod)
{
	size_t i;

	qsort(mod->syms, mod->nsyms, sizeof(*mod->syms), cmp_offset);
	mod->by_name = malloc((mod->nsyms ? mod->nsyms : 1) * sizeof(*mod->by_name));
	if (!mod->by_name)
		return -ENOMEM;
	for (i = 0; i < mod->nsyms; i++)
		mod->by_name[i] = &mod->syms[i];
	qsort(mod->by_name, mod->nsyms, sizeof(*mod->by_name), cmp_name);
	return sym_demangle_index(mod);
}

/* What a lookup hands out: the demangled name of a C++ symbol. */
static void fill(const struct sym_entry *e, uint64_t size, struct sym_symbol *out)
{
	out->name = e->demangled ? e->demangled : e->name;
	out->vaddr = e->vaddr;
	out->size = size;
	out->file_offset = e->file_offset;
}

/* strcmp(S, the first QLEN bytes of Q as a string). */
static int cmp_prefix(const char *s, const char *q, size_t qlen)
{
	int r = strncmp(s, q, qlen);

	if (r)
		return r;
	return s[qlen] ? 1 : 0;
}

/* The first entry of by_name whose name is the first LEN bytes of NAME. */
static size_t name_lower_bound(const struct sym_module *mod, const char *name, size_t len)
{
	size_t lo = 0, hi = mod->nsyms, i;

	while (lo < hi) {
		i = lo + (hi - lo) / 2;
		if (cmp_prefix(mod->by_name[i]->name, name, len) < 0)
			lo = i + 1;
		else
			hi = i;
	}
	return lo;
}

int sym_lookup_name(const struct sym_module *mod, const char *name, struct sym_symbol *out)
{
	const char *at = strchr(name, '@'), *version = NULL;
	size_t len = at ? (size_t)(at - name) : strlen(name);
	size_t lo = name_lower_bound(mod, name, len), i, n;
	struct sym_entry *const *group;
	bool want_default = false;
	const struct sym_entry *e;

	if (at) {
		want_default = at[1] == '@';
		version = at + (want_default ? 2 : 1);
	}
	/* Entries of one name are sorted best first; a version narrows them. */
	for (i = lo; i < mod->nsyms; i++) {
		e = mod->by_name[i];
		if (cmp_prefix(e->name, name, len) != 0)
			break;
		if (version && (!e->version || strcmp(e->version, version) != 0 ||
				(want_default && e->hidden_version)))
			continue;
		fill(e, e->size, out);
		return 0;
	}
	/* .symtab spells a default version as the bare name: "malloc", never
	 * "malloc@@GLIBC_2.2.5".  An unversioned entry is the next best. */
	for (i = lo; want_default && i < mod->nsyms; i++) {
		e = mod->by_name[i];
		if (cmp_prefix(e->name, name, len) != 0)
			break;
		if (!e->version) {
			fill(e, e->size, out);
			return 0;
		}
	}
	/* A C++ name as the demangler spells it, with or without parameters. */
	if (!at && sym_demangle_find(mod, name, &group, &n) == 0) {
		fill(group[0], group[0]->size, out);
		return 0;
	}
	return -ENOENT;
}

/* Append GROUP's N entries to OUT (COUNT there, at most MAX), one per file
 * offset: aliases such as the C1/C2 constructors are one function. */
static int add_distinct(struct sym_entry *const *group, size_t n, struct sym_symbol *out, int count,
			int max)
{
	size_t i;
	int k;

	for (i = 0; i < n && count < max; i++) {
		for (k = 0; k < count; k++) {
			if (out[k].file_offset == group[i]->file_offset)
				break;
		}
		if (k == count)
			fill(group[i], group[i]->size, &out[count++]);
	}
	return count;
}

int sym_lookup_all(const struct sym_module *mod, const char *name, struct sym_symbol *out, int max)
{
	size_t len = strlen(name), lo, i;
	struct sym_entry *const *group;
	int n = 0;

	if (max <= 0)
		return -EINVAL;
	/* A version picks one symbol: the one sym_lookup_name finds. */
	if (strchr(name, '@'))
		return sym_lookup_name(mod, name, out) == 0 ? 1 : -ENOENT;
	lo = name_lower_bound(mod, name, len);
	for (i = lo; i < mod->nsyms && cmp_prefix(mod->by_name[i]->name, name, len) == 0; i++)
		;
	n = add_distinct(mod->by_name + lo, i - lo, out, 0, max);
	if (n == 0 && sym_demangle_find(mod, name, &group, &i) == 0)
		n = add_distinct(group, i, out, 0, max);
	return n ? n : -ENOENT;
}

/* End of the file-backed part of the segment holding OFF. */
static uint64_t segment_end(const struct sym_module *mod, uint64_t off)
{
	size_t i;

	for (i = 0; i < mod->nsegs; i++) {
		if (off >= mod->segs[i].offset && off - mod->segs[i].offset < mod->segs[i].filesz)
			return mod->segs[i].offset + mod->segs[i].filesz;
	}
	return off;
}

/* Largest size among the aliases at syms[first] (the best of its group). */
static uint64_t group_size(const struct sym_module *mod, size_t first)
{
	uint64_t size = 0;
	size_t i;

	for (i = first; i < mod->nsyms && mod->syms[i].file_offset == mod->syms[first].file_offset;
	     i++) {
		if (mod->syms[i].size > size)
			size = mod->syms[i].size;
	}
	return size;
}

static size_t group_start(const struct sym_module *mod, size_t i)
{
	while (i > 0 && mod->syms[i - 1].file_offset == mod->syms[i].file_offset)
		i--;
	return i;
}

int sym_lookup_offset(const struct sym_module *mod, uint64_t off, struct sym_symbol *out,
		      uint64_t *delta)
{
	size_t lo = 0, hi = mod->nsyms, i, g, next;
	const struct sym_entry *e;
	uint64_t size, end;

	while (lo < hi) { /* the first entry starting after OFF */
		i = lo + (hi - lo) / 2;
		if (mod->syms[i].file_offset <= off)
			lo = i + 1;
		else
			hi = i;
	}
	if (lo == 0)
		return -ENOENT;
	next = lo;
	g = group_start(mod, lo - 1);
	e = &mod->syms[g];
	size = group_size(mod, g);
	if (size) {
		end = e->file_offset + size;
	} else {
		/* An assembler label without .size: it runs to the next symbol. */
		end = segment_end(mod, e->file_offset);
		if (next < mod->nsyms && mod->syms[next].file_offset < end)
			end = mod->syms[next].file_offset;
	}
	if (off < end)
		goto found;

	for (i = g; i > 0 && g - i < ENCLOSING_LOOKBACK; i--) {
		e = &mod->syms[i - 1];
		if (e->size && off - e->file_offset < e->size) {
			g = group_start(mod, i - 1);
			e = &mod->syms[g];
			size = group_size(mod, g);
			goto found;
		}
	}
	return -ENOENT;

found:
	fill(e, size, out);
	if (delta)
		*delta = off - e->file_offset;
	return 0;
}

int sym_symbol_at(const struct sym_module *mod, size_t i, struct sym_symbol *out)
{
	if (i >= mod->nsyms)
		return -ENOENT;
	fill(&mod->syms[i], mod->syms[i].size, out);
	return 0;
}

bool sym_defines(const struct sym_module *mod, const char *name)
{
	size_t len = strlen(name);

	/* Entries of one name are sorted best first: global, weak, local. */
	for (size_t i = name_lower_bound(mod, name, len); i < mod->nsyms; i++) {
		const struct sym_entry *e = mod->by_name[i];

		if (cmp_prefix(e->name, name, len) != 0)
			break;
		if (e->bind != STB_LOCAL)
			return true;
	}
	return false;
}
