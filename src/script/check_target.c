/* check_target.c: what a script reads of the traced program: $x, @var(...), @cast(...),
 * @entry(...) and @defined(...), each a fetch of its probe compiled per site. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "script/check_priv.h"

/* E's value is taken at the function's entry: its index among the
 * probe's entry values (the same on every pass). */
static int entry_value(struct checker *c, struct script_expr *e)
{
	struct script_probe *p = c->probe;
	struct script_expr **grown;

	for (int i = 0; i < p->nentry; i++)
		if (p->entry_exprs[i] == e)
			return e->entry_slot = i;
	grown = realloc(p->entry_exprs, (size_t)(p->nentry + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	p->entry_exprs = grown;
	grown[p->nentry] = e;
	return e->entry_slot = p->nentry++;
}

/* A probe's list of fetches: its own, or those taken at the entry. */
struct fetches {
	char ***texts;
	struct script_pos **where;
	struct script_expr ***exprs;
	bool **optional;
	int *n;
};

static struct fetches fetches_of(struct script_probe *p, bool at_entry)
{
	if (at_entry)
		return (struct fetches){&p->entry_targets, &p->entry_target_pos,
					&p->entry_target_exprs, &p->entry_target_optional,
					&p->nentry_targets};
	return (struct fetches){&p->targets, &p->target_pos, &p->target_exprs, &p->target_optional,
				&p->ntargets};
}

static void *grow(void *v, int n, size_t size)
{
	return realloc(v, (size_t)(n + 1) * size);
}

/* Index of fetch TEXT in L (added if new, first written as E). */
static int fetch_index(struct fetches l, const char *text, struct script_expr *e)
{
	void *g;

	for (int i = 0; i < *l.n; i++)
		if (strcmp((*l.texts)[i], text) == 0)
			return i;
	if (!(g = grow(*l.texts, *l.n, sizeof(**l.texts))))
		return -ENOMEM;
	*l.texts = g;
	if (!(g = grow(*l.where, *l.n, sizeof(**l.where))))
		return -ENOMEM;
	*l.where = g;
	if (!(g = grow(*l.exprs, *l.n, sizeof(**l.exprs))))
		return -ENOMEM;
	*l.exprs = g;
	if (!(g = grow(*l.optional, *l.n, sizeof(**l.optional))))
		return -ENOMEM;
	*l.optional = g;
	(*l.where)[*l.n] = e->pos;
	(*l.exprs)[*l.n] = e;
	(*l.optional)[*l.n] = false;
	(*l.texts)[*l.n] = strdup(text);
	if (!(*l.texts)[*l.n])
		return -ENOMEM;
	return (*l.n)++;
}

/* The accessors of E ("->a[2]->b") appended to TEXT (LEN used of N):
 * the new length, or -1 (reported) for an index computed at run time. */
static int accessors(struct checker *c, const struct script_expr *e, char *text, size_t len,
		     size_t n)
{
	int computed = 0;

	for (int i = 0; i < e->naccess && len < n; i++) {
		const struct script_access *a = &e->access[i];

		if (a->kind == SA_MEMBER) {
			len += (size_t)snprintf(text + len, n - len, "->%s", a->member);
		} else if (a->index->kind == SE_NUMBER) {
			len += (size_t)snprintf(text + len, n - len, "[%lld]",
						(long long)a->index->num);
		} else {
			/* $a[i]: one index the handler computes, the plan
			 * compiled once for any i */
			if (e->kind == SE_CAST || computed++) {
				check_fail(c, &a->pos, "index with a number: $a[2]",
					   "%s index computed at run time is not supported yet",
					   computed > 1 ? "more than one" : "in a @cast, an");
				return -1;
			}
			if (check_expr(c, a->index, ST_LONG) < 0)
				return -1;
			len += (size_t)snprintf(text + len, n - len, "[i]");
		}
	}
	if (len >= n) {
		check_fail(c, &e->pos, NULL, "context expression too long");
		return -1;
	}
	return (int)len;
}

static bool is_list(const char *name)
{
	return strcmp(name, "$$parms") == 0 || strcmp(name, "$$locals") == 0 ||
	       strcmp(name, "$$vars") == 0;
}

/* The fetch's text: the one-liner's for $x and @var("x") ("$p->a[2]",
 * "@x->b"), a name for what has no one-liner form ("@cast(struct foo,
 * /bin/prog)->a", "@var(x@f.c)").  0, or -1 (reported). */
static int fetch_text(struct checker *c, struct script_expr *e, char *text, size_t n)
{
	size_t len;

	if (e->kind == SE_CAST)
		len = (size_t)snprintf(text, n, "@cast(%s%s%s)", e->str, e->module ? ", " : "",
				       e->module ? e->module : "");
	else if (e->kind == SE_VAR && (strchr(e->str, '@') || e->module))
		len = (size_t)snprintf(text, n, "@var(%s%s%s)", e->str, e->module ? ", " : "",
				       e->module ? e->module : "");
	else if (e->kind == SE_VAR)
		len = (size_t)snprintf(text, n, "@%s", e->str);
	else
		len = (size_t)snprintf(text, n, "%s",
				       strcmp(e->name, "$return") == 0 ? "$retval" : e->name);
	return accessors(c, e, text, len, n) < 0 ? -1 : 0;
}

/* A @cast in a function or in a probe not on code: compiled once, from
 * its module's DWARF (or the program's), into the script's casts. */
static int session_cast(struct checker *c, struct script_expr *e)
{
	struct script *s = c->s;
	void *g;
	int i;

	for (i = 0; i < s->ncasts && s->casts[i] != e; i++)
		;
	if (i == s->ncasts) {
		if (!(g = grow(s->casts, s->ncasts, sizeof(*s->casts))))
			return -ENOMEM;
		s->casts = g;
		if (!(g = grow(s->cast_optional, s->ncasts, sizeof(*s->cast_optional))))
			return -ENOMEM;
		s->cast_optional = g;
		s->casts[i] = e;
		s->cast_optional[i] = false;
		s->ncasts++;
	}
	e->global = true;
	e->slot = i;
	if (c->guarded)
		s->cast_optional[i] = true;
	return check_unify(c, &e->type, ST_LONG, &e->pos, "@cast");
}

int check_target(struct checker *c, struct script_expr *e)
{
	bool is_return_value = e->kind == SE_TARGET && strcmp(e->name, "$return") == 0;
	bool list = e->kind == SE_TARGET && is_list(e->name);
	char text[1024];
	int slot;

	if (e->kind == SE_VAR && (!e->str || !*e->str))
		return check_fail(c, &e->pos, "e.g. @var(\"counter\")", "@var needs a name");
	if (e->kind == SE_VAR && e->str[0] == '@')
		return check_fail(c, &e->pos, "e.g. @var(\"counter@main.c\")",
				  "@var(\"%s\"): no name before '@'", e->str);
	if (e->kind == SE_CAST && check_expr(c, e->args[0], ST_LONG) < 0)
		return -EINVAL;
	if (e->pretty && e->kind != SE_TARGET)
		return check_fail(c, &e->pos, "name the members: @cast(p, \"struct s\")->a",
				  "a whole struct ('%s') of %s is not supported yet",
				  e->pretty == 2 ? "$$" : "$", e->kind == SE_CAST ? "@cast" : "@var");
	if (e->kind == SE_CAST && (!c->probe || !c->probe->on_code))
		return session_cast(c, e);
	if (e->kind == SE_CAST && e->module && strchr(e->module, '<'))
		return check_fail(
		    c, &e->pos, "name a program or library with DWARF: \"/path/prog\"",
		    "@cast's types from headers (\"%s\") are not supported yet", e->module);
	if (!c->probe)
		return check_fail(c, &e->pos, "pass it to the function as an argument",
				  "%s in a function reads a probe's context",
				  e->kind == SE_VAR ? "@var" : e->name);
	if (e->kind == SE_TARGET &&
	    (strcmp(e->name, "$$name") == 0 || strcmp(e->name, "$$provider") == 0)) {
		/* an SDT marker's, from the session */
		e->slot = -2;
		e->at_entry = false;
		return check_unify(c, &e->type, ST_STRING, &e->pos, e->name);
	}
	if (e->kind == SE_TARGET && strcmp(e->name, "$$return") == 0) {
		/* "return=0x2a" from the return value, or "" where the
		 * function returns nothing: $retval, absent there */
		e->slot = -1;
		e->at_entry = false;
		if (c->probe->returns && !c->in_entry) {
			slot = fetch_index(fetches_of(c->probe, false), "$retval", e);
			if (slot < 0)
				return slot;
			c->probe->target_optional[slot] = true;
			e->slot = slot;
		}
		return check_unify(c, &e->type, ST_STRING, &e->pos, e->name);
	}
	if (e->kind == SE_TARGET && strncmp(e->name, "$$", 2) == 0 && !list)
		return check_fail(c, &e->pos,
				  "$$parms, $$locals, $$vars, $$return, $$name, $$provider are",
				  "unknown context variable '%s'", e->name);
	if (list && e->naccess)
		return check_fail(c, &e->access[0].pos, NULL, "'%s' is a string, not a struct",
				  e->name);
	if (fetch_text(c, e, text, sizeof(text)) < 0)
		return -EINVAL;
	if (e->pretty && strlen(text) + 3 < sizeof(text)) /* "$o$", "$$parms$$": a string */
		strcat(text, e->pretty == 2 ? "$$" : "$");
	if (is_return_value && c->in_entry)
		return check_fail(c, &e->pos, NULL,
				  "$return inside @entry: nothing has returned yet");
	/* In a .return probe, a parameter is its value at the call
	 * (SystemTap's implicit @entry): fetched at the entry, kept. */
	e->at_entry =
	    c->in_entry || (c->probe->returns && !is_return_value && e->kind == SE_TARGET);
	if (e->pretty && strstr(text, "[i]"))
		return check_fail(c, &e->pos, "index with a number: $a[2]$",
				  "an index computed at run time in a pretty-printed value is not "
				  "supported yet");
	if (e->at_entry && strstr(text, "[i]"))
		return check_fail(
		    c, &e->pos, "copy the element at the call: probe the function's entry",
		    "an index computed at run time, read at the call, is not supported yet");
	slot = fetch_index(fetches_of(c->probe, e->at_entry), text, e);
	if (slot < 0)
		return slot;
	e->slot = slot;
	e->global = false;
	if (c->guarded)
		(*fetches_of(c->probe, e->at_entry).optional)[slot] = true;
	if (e->at_entry && !c->in_entry && entry_value(c, e) < 0)
		return -ENOMEM;
	return check_unify(c, &e->type, list || e->pretty ? ST_STRING : ST_LONG, &e->pos,
			   e->kind == SE_TARGET ? e->name
			   : e->kind == SE_CAST ? "@cast"
						: "@var");
}

int check_at_entry(struct checker *c, struct script_expr *e, enum script_type want)
{
	int ret;

	if (!c->probe || !c->probe->returns)
		return check_fail(
		    c, &e->pos, "use it in a .return probe",
		    "@entry(...) reads a value at the call: only .return probes have one");
	if (c->in_entry)
		return check_fail(c, &e->pos, NULL, "@entry inside @entry");
	c->in_entry++;
	ret = check_expr(c, e->args[0], want);
	c->in_entry--;
	if (ret < 0 || entry_value(c, e) < 0)
		return -EINVAL;
	return check_unify(c, &e->type, e->args[0]->type, &e->pos, "@entry");
}

bool check_guards(const struct script_expr *e)
{
	if (!e)
		return false;
	if (e->kind == SE_DEFINED)
		return true;
	return e->kind == SE_BINARY && e->op == SO_LAND &&
	       (check_guards(e->args[0]) || check_guards(e->args[1]));
}

bool check_never(const struct script_expr *e)
{
	return e && e->kind == SE_DEFINED && e->slot == -1;
}

int check_defined(struct checker *c, struct script_expr *e)
{
	struct script_expr *x = e->args[0];

	if (x->kind != SE_TARGET && x->kind != SE_CAST && x->kind != SE_VAR)
		return check_fail(c, &x->pos,
				  "e.g. @defined($var), @defined($p->member), "
				  "@defined(@cast(p, \"struct s\")->m)",
				  "@defined asks about a context variable, @var or @cast");
	if (x->kind != SE_CAST && (!c->probe || !c->probe->on_code)) {
		/* no context here: 0, whatever follows */
		e->slot = -1;
		return check_unify(c, &e->type, ST_LONG, &e->pos, "@defined");
	}
	e->slot = 0;
	if (check_expr(c, x, ST_UNKNOWN) < 0)
		return -EINVAL;
	/* whatever cannot be compiled at a site is absent there, not an error */
	if (x->kind == SE_CAST && x->global)
		c->s->cast_optional[x->slot] = true;
	else if (x->slot >= 0)
		(*fetches_of(c->probe, x->at_entry).optional)[x->slot] = true;
	/* a parameter in a .return probe is read at the call: whether it is
	 * there too */
	e->at_entry = x->at_entry && !c->in_entry;
	if (e->at_entry && entry_value(c, e) < 0)
		return -ENOMEM;
	return check_unify(c, &e->type, ST_LONG, &e->pos, "@defined");
}
