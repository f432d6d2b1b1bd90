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

/* The functions DWARF selects for P: FUNC@FILE[:LINE], or the inlined
 * copies of SYM; OUT_OF_LINE and INLINED say which copies. */
static int dwarf_sites(const struct sym_module *mod, const char *open_path, const struct probe *p,
		       bool out_of_line, bool inlined, struct site_list *l, char *err,
		       size_t errlen)
{
	struct dwarf_func_spec spec = {p->sym, p->sym_file, p->sym_line, out_of_line, inlined};
	struct dwarf_module *dm;
	uint64_t *addrs = NULL;
	size_t n = 0;
	int rc;

	if (dwarf_module_open(open_path, &dm) < 0) {
		if (!p->sym_file && p->copies != COPIES_INLINED)
			return 0; /* no inlined copy known: the symbol alone */
		snprintf(err, errlen, "%s has no DWARF debug info, so %s %s cannot be found\n"
			 "      hint: build it with -g, or name the function alone",
			 sym_module_path(mod), p->sym_file ? "the functions of" : "the inlined copies of",
			 p->sym_file ? p->sym_file : p->sym);
		return -ENOENT;
	}
	rc = dwarf_funcs_select(dm, &spec, &addrs, &n);
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = add_vaddr(l, mod, addrs[i]);
	free(addrs);
	dwarf_module_close(dm);
	return rc;
}

/* Names P's functions for "found nothing": "work@calls.c:12", "sq". */
static void what_func(const struct probe *p, char *buf, size_t n)
{
	if (p->sym_file && p->sym_line)
		snprintf(buf, n, "%s@%s:%d", p->sym, p->sym_file, p->sym_line);
	else if (p->sym_file)
		snprintf(buf, n, "%s@%s", p->sym, p->sym_file);
	else
		snprintf(buf, n, "%s", p->sym);
}

/* A script's statement("FUNC@FILE:LINE"): only the statements inside FUNC. */
static int keep_in_func(struct site_list *l, const struct sym_module *mod, const char *open_path,
			const struct probe *p, char *err, size_t errlen)
{
	struct dwarf_module *dm;
	size_t k = 0;

	if (!p->line_func || strcmp(p->line_func, "*") == 0 ||
	    dwarf_module_open(open_path, &dm) < 0)
		return 0;
	for (size_t i = 0; i < l->n; i++) {
		uint64_t vaddr = 0;

		sym_offset_to_vaddr(mod, l->r[i].file_offset, &vaddr);
		if (dwarf_addr_in_func(dm, vaddr, p->line_func))
			l->r[k++] = l->r[i];
	}
	dwarf_module_close(dm);
	l->n = k;
	if (k)
		return 0;
	snprintf(err, errlen, "%s:%d has no code inside a function '%s'\n"
		 "      hint: utap -L '%s:%s:*' lists the lines of the file", p->src_file, p->src_line,
		 p->line_func, sym_module_path(mod), p->src_file);
	return -ENOENT;
}

int resolve_sites(const struct sym_module *mod, const char *open_path, const struct probe *probe,
		  struct resolved **out, size_t *n, char *err, size_t errlen)
{
	struct site_list l = {0};
	struct resolved one;
	bool single = probe->sym && !probe->sym_glob && !probe->sym_offset;
	bool entry = probe->kind == PROBE_ENTRY;
	char what[256];
	int rc;

	err[0] = '\0';
	if (probe->plt)
		return resolve_plt_sites(mod, probe, out, n, err, errlen);
	if (probe->src_file) {
		rc = line_sites(mod, open_path, probe, &l, err, errlen);
		if (rc == 0)
			rc = keep_in_func(&l, mod, open_path, probe, err, errlen);
	} else if (probe->sym && (probe->sym_file || probe->copies == COPIES_INLINED)) {
		if (probe->copies == COPIES_INLINED && !entry) {
			snprintf(err, errlen, "an inlined copy never returns to a caller\n"
				 "      hint: probe its entry, or the out-of-line function's return");
			rc = -EINVAL;
		} else {
			rc = dwarf_sites(mod, open_path, probe, probe->copies != COPIES_INLINED,
					 probe->copies != COPIES_OUT_OF_LINE && entry, &l, err, errlen);
		}
		what_func(probe, what, sizeof(what));
		if (rc == 0 && l.n == 0) {
			snprintf(err, errlen, "no %sfunction in %s is %s\n"
				 "      hint: utap -L '%s:*' lists the functions and their files",
				 probe->copies == COPIES_INLINED ? "inlined copy of a " : "",
				 sym_module_path(mod), what, sym_module_path(mod));
			rc = -ENOENT;
		}
	} else if (probe->sym && probe->sym_glob) {
		rc = glob_sites(mod, probe, &l, err, errlen);
		/* a script's function("PAT") takes the inlined copies too */
		if (rc == 0 && probe->copies == COPIES_ALL && entry)
			rc = dwarf_sites(mod, open_path, probe, false, true, &l, err, errlen);
	} else {
		rc = resolve_probe(mod, probe, &one, err, errlen);
		bool found = rc == 0;

		if (rc == 0)
			rc = add(&l, &one);
		/* A function the compiler also inlined is probed in every copy
		 * (entry probes; a return probe needs a real call). A function
		 * that only exists inlined has no symbol: DWARF alone finds it. */
		if ((rc == 0 || rc == -ENOENT) && single && entry &&
		    probe->copies != COPIES_OUT_OF_LINE) {
			int irc = dwarf_sites(mod, open_path, probe, false, true, &l, err, errlen);

			if (irc < 0)
				rc = irc;
			else if (!found && l.n)
				rc = 0;
		}
	}
	if (rc == -ENOENT && single && probe->copies == COPIES_OUT_OF_LINE &&
	    dwarf_sites(mod, open_path, probe, false, true, &l, err, errlen) == 0 && l.n)
		snprintf(err, errlen, "%s has no out-of-line copy in %s, only %zu inlined one%s\n"
			 "      hint: function(\"%s\").inline probes them; a .return needs a real call",
			 probe->sym, sym_module_path(mod), l.n, l.n == 1 ? "" : "s", probe->sym);
	if (rc < 0) {
		free(l.r);
		return rc;
	}
	*out = l.r;
	*n = l.n;
	return 0;
}
