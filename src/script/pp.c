/* pp.c: a hit's probe point as SystemTap resolves it, e.g.
 * process("/abs/prog").function("work@targets/calls.c:12").return: made from the site's
 * where (module, line, function scopes) once per planted probe and site, then cached. */
#define _GNU_SOURCE
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "script/session_priv.h"

/* The points of one planted probe at one site: a function pattern may
 * name several functions beginning there (f1, and sq inlined at f1's
 * first instruction), each its own probe point, as SystemTap has it. */
struct pp_entry {
	int idx;
	const struct probe_where *where;
	int n;
	char *pp[PROBE_WHERE_SCOPES];
	const char *func[PROBE_WHERE_SCOPES]; /* into WHERE's strings, or NULL */
};

int session_pp_form(struct session *ss, int idx, const struct script_where *w)
{
	struct pp_form *grown = realloc(ss->forms, (size_t)(idx + 1) * sizeof(*grown));
	char abs[PATH_MAX];

	if (!grown)
		return -ENOMEM;
	ss->forms = grown;
	for (int i = ss->nforms; i <= idx; i++)
		memset(&grown[i], 0, sizeof(grown[i]));
	ss->nforms = idx + 1;
	grown[idx].kind = w->pp_kind;
	grown[idx].suffix = w->suffix ? w->suffix : "";
	grown[idx].library = w->library;
	if (w->program)
		grown[idx].program = strdup(realpath(w->program, abs) ? abs : w->program);
	return !w->program || grown[idx].program ? 0 : -ENOMEM;
}

/* Whether scope S of a site is one that probe P names. */
static bool names(const struct probe_scope *s, const struct probe *p)
{
	return !(p->copies == COPIES_INLINED && !s->inlined) &&
	       !(p->copies == COPIES_OUT_OF_LINE && s->inlined) &&
	       !(p->sym && fnmatch(p->sym, s->name, 0) != 0);
}

/* The function scopes of W a hit of probe P is about, into OUT: for a
 * statement the innermost; for a function each one beginning at the
 * site that the probe names, outermost first (an inlined copy for
 * .inline, none for .call), else the outermost it names. */
static int scopes_of(const struct probe_where *w, const struct probe *p, char kind,
		     const struct probe_scope **out)
{
	int n = 0;

	if (kind == 's') {
		out[0] = w->nscopes ? &w->scopes[0] : NULL;
		return 1;
	}
	for (int i = w->nscopes - 1; i >= 0; i--)
		if (w->scopes[i].entered && names(&w->scopes[i], p))
			out[n++] = &w->scopes[i];
	for (int i = w->nscopes - 1; i >= 0 && !n; i--)
		if (names(&w->scopes[i], p))
			out[n++] = &w->scopes[i];
	if (!n)
		out[n++] = NULL;
	return n;
}

static char *make_pp(const struct pp_form *form, const struct probe_where *w,
		     const struct probe_scope *s, const char *sym)
{
	char *text = NULL, *prefix = NULL;
	int rc;

	if (form->library && form->program)
		rc = asprintf(&prefix, "process(\"%s\").library(\"%s\")", form->program, w->module);
	else
		rc = asprintf(&prefix, "process(\"%s\")", w->module);
	if (rc < 0)
		return NULL;
	if (form->kind == 's')
		rc = asprintf(&text, "%s.statement(\"%s@%s:%d\")", prefix, s ? s->name : sym,
			      w->file ? w->file : "?", w->line);
	else if (s && s->decl_file)
		rc = asprintf(&text, "%s.function(\"%s@%s:%d\")%s", prefix, s->name, s->decl_file,
			      s->decl_line, form->suffix);
	else
		rc = asprintf(&text, "%s.function(\"%s\")%s", prefix, s ? s->name : sym,
			      form->suffix);
	free(prefix);
	return rc < 0 ? NULL : text;
}

int session_hit_pp(struct session *ss, int idx, const struct probe_hit *hit, const char ***pp,
		   const char ***func)
{
	const struct probe_where *w = hit->where;
	const struct probe_scope *s[PROBE_WHERE_SCOPES];
	struct pp_entry *e;
	size_t h, mask;

	if (!w || idx >= ss->nforms || !ss->forms[idx].kind)
		return 0;
	if (ss->npp * 2 >= ss->pp_cap) {
		/* grow the open-addressing table, rehash */
		size_t cap = ss->pp_cap ? ss->pp_cap * 2 : 64;
		struct pp_entry *t = calloc(cap, sizeof(*t));

		if (!t)
			return 0;
		for (size_t i = 0; i < ss->pp_cap; i++) {
			if (!ss->pps[i].where)
				continue;
			h = ((uintptr_t)ss->pps[i].where >> 4 ^ (size_t)ss->pps[i].idx * 31) &
			    (cap - 1);
			while (t[h].where)
				h = (h + 1) & (cap - 1);
			t[h] = ss->pps[i];
		}
		free(ss->pps);
		ss->pps = t;
		ss->pp_cap = cap;
	}
	mask = ss->pp_cap - 1;
	h = ((uintptr_t)w >> 4 ^ (size_t)idx * 31) & mask;
	for (; ss->pps[h].where; h = (h + 1) & mask)
		if (ss->pps[h].where == w && ss->pps[h].idx == idx)
			break;
	e = &ss->pps[h];
	if (!e->where) {
		int n = scopes_of(w, hit->probe, ss->forms[idx].kind, s);

		for (int i = 0; i < n; i++) {
			e->pp[e->n] = make_pp(&ss->forms[idx], w, s[i], hit->sym);
			e->func[e->n] = s[i] ? s[i]->name : NULL;
			if (e->pp[e->n])
				e->n++;
		}
		if (!e->n)
			return 0;
		e->idx = idx;
		e->where = w;
		ss->npp++;
	}
	*pp = (const char **)e->pp;
	*func = e->func;
	return e->n;
}

void session_pp_free(struct session *ss)
{
	for (size_t i = 0; i < ss->pp_cap; i++)
		for (int k = 0; k < ss->pps[i].n; k++)
			free(ss->pps[i].pp[k]);
	free(ss->pps);
	for (int i = 0; i < ss->nforms; i++)
		free(ss->forms[i].program);
	free(ss->forms);
}
