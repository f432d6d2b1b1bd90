/* where.c: where a site is in the source (its module, line and function scopes), once per
 * site, for the probes that ask (a script's pp()). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "backend/ptrace/tracee.h"
#include "dwarf/dwarf.h"

/* One site's record, with the strings it owns; the tracer keeps them all
 * (sites are copied into forked children's spaces) until it ends. */
struct where_record {
	struct probe_where where;
	char *strings[2 + 2 * PROBE_WHERE_SCOPES];
	int nstrings;
	struct where_record *next;
};

static const char *keep(struct where_record *w, char *s)
{
	if (s)
		w->strings[w->nstrings++] = s;
	return s;
}

void where_fill(struct tracer *t, struct space *s, struct module *m, struct site *site,
		uint64_t vaddr)
{
	struct dwarf_scope_info scopes[PROBE_WHERE_SCOPES];
	struct dwarf_module *dm;
	struct where_record *w;
	const char *file;
	int n = 0, line;

	if (site->where)
		return;
	w = calloc(1, sizeof(*w));
	if (!w)
		return; /* pp() then names the probe point as written */
	w->where.module = keep(w, strdup(m->path));
	dm = tracer_dwarf(t, s, m);
	if (dm && dwarf_addr_line(dm, vaddr, &file, &line) == 0) {
		w->where.file = keep(w, strdup(file));
		w->where.line = line;
	}
	if (dm)
		n = dwarf_func_scopes(dm, vaddr, scopes, PROBE_WHERE_SCOPES);
	for (int i = 0; i < n; i++) {
		struct probe_scope *ps = &w->where.scopes[i];

		ps->name = keep(w, scopes[i].name);
		ps->decl_file = keep(w, scopes[i].decl_file);
		ps->decl_line = scopes[i].decl_line;
		ps->inlined = scopes[i].inlined;
		ps->entered = scopes[i].entered;
	}
	w->where.nscopes = n > 0 ? n : 0;
	w->next = t->wheres;
	t->wheres = w;
	site->where = &w->where;
}

void where_free_all(struct tracer *t)
{
	while (t->wheres) {
		struct where_record *w = t->wheres;

		t->wheres = w->next;
		for (int i = 0; i < w->nstrings; i++)
			free(w->strings[i]);
		free(w);
	}
}
