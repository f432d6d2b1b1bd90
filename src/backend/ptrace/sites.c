/* sites.c: the places one probe lands in a module: the named function and
 * its inlined copies, every function a pattern matches, or every statement
 * address of a source line (DWARF). */
#define _GNU_SOURCE
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/ptrace/resolve.h"
#include "dwarf/dwarf.h"

struct site_list {
	struct resolved *r;
	size_t n, cap;
};

static int add(struct site_list *l, const struct resolved *r)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->r[i].file_offset == r->file_offset)
			return 0;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		struct resolved *grown = realloc(l->r, cap * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		l->r = grown;
		l->cap = cap;
	}
	l->r[l->n++] = *r;
	return 0;
}

/* A link-time address from DWARF as a site, named by the symbol table. */
static int add_vaddr(struct site_list *l, const struct sym_module *mod, uint64_t vaddr)
{
	struct resolved r = {0};
	struct sym_symbol fn;
	uint64_t delta;

	if (sym_vaddr_to_offset(mod, vaddr, &r.file_offset) < 0)
		return 0; /* not in a loaded segment: nothing to probe */
	if (sym_lookup_offset(mod, r.file_offset, &fn, &delta) == 0) {
		r.sym = fn.name;
		r.sym_off = delta;
		r.sym_size = fn.size;
	}
	return add(l, &r);
}

static int glob_sites(const struct sym_module *mod, const struct probe *p, struct site_list *l,
		      char *err, size_t errlen)
{
	struct sym_symbol s;
	int rc = 0;

	for (size_t i = 0; rc == 0 && sym_symbol_at(mod, i, &s) == 0; i++) {
		struct resolved r = {.file_offset = s.file_offset, .sym = s.name, .sym_size = s.size};

		if (fnmatch(p->sym, s.name, 0) == 0)
			rc = add(l, &r);
	}
	if (rc == 0 && l->n == 0) {
		snprintf(err, errlen, "no function in %s matches '%s'\n"
			 "      hint: utap -l '%s:*' lists them", sym_module_path(mod), p->sym,
			 sym_module_path(mod));
		return -ENOENT;
	}
	return rc;
}

static int line_sites(const struct sym_module *mod, const char *open_path, const struct probe *p,
		      struct site_list *l, char *err, size_t errlen)
{
	struct dwarf_module *dm;
	uint64_t *addrs = NULL;
	size_t n = 0;
	int rc;

	rc = dwarf_module_open(open_path, &dm);
	if (rc < 0) {
		snprintf(err, errlen, "%s has no DWARF line table, so %s:%d cannot be found\n"
			 "      hint: build it with -g, or probe a function: BIN:SYM+OFF",
			 sym_module_path(mod), p->src_file, p->src_line);
		return -ENOENT;
	}
	rc = dwarf_line_addrs(dm, p->src_file, p->src_line, &addrs, &n);
	if (rc == -ENOENT)
		snprintf(err, errlen, "no source file '%s' in %s's line table\n"
			 "      hint: utap -L '%s:*' lists the functions and their files",
			 p->src_file, sym_module_path(mod), sym_module_path(mod));
	else if (rc == 0 && n == 0)
		snprintf(err, errlen, "%s:%d has no code\n"
			 "      hint: utap -L '%s:%s:*' lists the lines that have",
			 p->src_file, p->src_line, sym_module_path(mod), p->src_file);
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = add_vaddr(l, mod, addrs[i]);
	free(addrs);
	dwarf_module_close(dm);
	if (rc == 0 && l->n == 0) {
		if (!err[0])
			snprintf(err, errlen, "%s:%d has no code in a loaded segment", p->src_file,
				 p->src_line);
		return -ENOENT;
	}
	return rc;
}

/* The inlined copies of the probed function, when DWARF knows them. */
static int inline_sites(const struct sym_module *mod, const char *open_path, const char *name,
			struct site_list *l)
{
	struct dwarf_module *dm;
	uint64_t *addrs = NULL;
	size_t n = 0;
	int rc = 0;

	if (dwarf_module_open(open_path, &dm) < 0)
		return 0;
	if (dwarf_inline_sites(dm, name, &addrs, &n) == 0)
		for (size_t i = 0; rc == 0 && i < n; i++)
			rc = add_vaddr(l, mod, addrs[i]);
	free(addrs);
	dwarf_module_close(dm);
	return rc;
}

int resolve_sites(const struct sym_module *mod, const char *open_path, const struct probe *probe,
		  struct resolved **out, size_t *n, char *err, size_t errlen)
{
	struct site_list l = {0};
	struct resolved one;
	int rc;

	err[0] = '\0';
	if (probe->plt)
		return resolve_plt_sites(mod, probe, out, n, err, errlen);
	if (probe->src_file) {
		rc = line_sites(mod, open_path, probe, &l, err, errlen);
	} else if (probe->sym && probe->sym_glob) {
		rc = glob_sites(mod, probe, &l, err, errlen);
	} else {
		rc = resolve_probe(mod, probe, &one, err, errlen);
		bool found = rc == 0;

		if (rc == 0)
			rc = add(&l, &one);
		/* A function the compiler also inlined is probed in every copy
		 * (entry probes; a return probe needs a real call). A function
		 * that only exists inlined has no symbol: DWARF alone finds it. */
		if ((rc == 0 || rc == -ENOENT) && probe->sym && !probe->sym_offset &&
		    probe->kind == PROBE_ENTRY && !probe->any_module) {
			int irc = inline_sites(mod, open_path, probe->sym, &l);

			if (irc < 0)
				rc = irc;
			else if (!found && l.n)
				rc = 0;
		}
	}
	if (rc < 0) {
		free(l.r);
		return rc;
	}
	*out = l.r;
	*n = l.n;
	return 0;
}
