/* check.c: name resolution and type inference over a parsed script; check_expr.c does
 * the expressions, this file the scopes, statements and the passes. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "script/check_priv.h"

const char *script_type_name(enum script_type t)
{
	switch (t) {
	case ST_LONG:
		return "long";
	case ST_STRING:
		return "string";
	case ST_STATS:
		return "statistics";
	case ST_VOID:
		return "nothing";
	default:
		return "unknown";
	}
}

int check_fail(struct checker *c, const struct script_pos *pos, const char *hint, const char *fmt,
	       ...)
{
	va_list ap;

	if (c->failed)
		return -EINVAL; /* the first error is the one reported */
	c->failed = true;
	c->err->line = pos ? pos->line : 0;
	c->err->col = pos ? pos->col : 0;
	va_start(ap, fmt);
	vsnprintf(c->err->msg, sizeof(c->err->msg), fmt, ap);
	va_end(ap);
	snprintf(c->err->hint, sizeof(c->err->hint), "%s", hint ? hint : "");
	return -EINVAL;
}

int check_unify(struct checker *c, enum script_type *have, enum script_type t,
		const struct script_pos *pos, const char *what)
{
	if (t == ST_UNKNOWN || *have == t)
		return 0;
	if (*have == ST_UNKNOWN) {
		*have = t;
		c->changed = true;
		return 0;
	}
	return check_fail(c, pos, NULL, "type mismatch: %s is a %s, used as a %s", what,
			  script_type_name(*have), script_type_name(t));
}

struct script_global *check_global(struct checker *c, const char *name)
{
	for (int i = 0; i < c->s->nglobals; i++) {
		if (strcmp(c->s->globals[i].name, name) == 0) {
			c->s->globals[i].used = true;
			return &c->s->globals[i];
		}
	}
	return NULL;
}

/* The local NAME of the current probe or function, made on first sight
 * (SystemTap's locals need no declaration). */
int check_local(struct checker *c, const char *name)
{
	struct scope *sc = &c->scope;
	char **names;
	enum script_type *types;

	for (int i = 0; i < sc->n; i++)
		if (strcmp(sc->names[i], name) == 0)
			return i;
	names = realloc(sc->names, (size_t)(sc->n + 1) * sizeof(*names));
	if (!names)
		return -ENOMEM;
	sc->names = names;
	types = realloc(sc->types, (size_t)(sc->n + 1) * sizeof(*types));
	if (!types)
		return -ENOMEM;
	sc->types = types;
	sc->names[sc->n] = strdup(name);
	if (!sc->names[sc->n])
		return -ENOMEM;
	sc->types[sc->n] = ST_UNKNOWN;
	return sc->n++;
}

static int check_block(struct checker *c, struct script_stmt *st);

/* foreach ([keys] in array ...): the keys and value are locals typed by
 * the array's keys and elements. */
static int check_foreach(struct checker *c, struct script_stmt *st)
{
	struct script_global *g = check_global(c, st->array);
	int slot;

	if (!g)
		return check_fail(c, &st->pos, "declare it: global NAME",
				  "foreach over '%s', which is not a global array", st->array);
	if (check_array(c, g, st->nkeys, &st->pos) < 0)
		return -EINVAL;
	if (!st->key_slots) {
		st->key_slots = calloc((size_t)st->nkeys, sizeof(int));
		if (!st->key_slots)
			return -ENOMEM;
	}
	for (int i = 0; i < st->nkeys; i++) {
		slot = check_local(c, st->keys[i]);
		if (slot < 0)
			return slot;
		st->key_slots[i] = slot;
		if (check_unify(c, &c->scope.types[slot], g->key_types[i], &st->pos, st->keys[i]) ||
		    check_unify(c, &g->key_types[i], c->scope.types[slot], &st->pos, st->keys[i]))
			return -EINVAL;
	}
	st->value_slot = -1;
	if (st->value_var) {
		slot = check_local(c, st->value_var);
		if (slot < 0)
			return slot;
		st->value_slot = slot;
		if (check_unify(c, &c->scope.types[slot], g->type, &st->pos, st->value_var) ||
		    check_unify(c, &g->type, c->scope.types[slot], &st->pos, st->value_var))
			return -EINVAL;
	}
	if (st->sort_by > st->nkeys)
		return check_fail(c, &st->pos, NULL, "sorting by key %d of %d", st->sort_by,
				  st->nkeys);
	if (st->sort_stat != STAT_NONE && c->final && g->type != ST_STATS)
		return check_fail(c, &st->pos, "sort by value: foreach (k in a+)",
				  "'%s' holds %ss, not statistics, to sort by @%s", st->array,
				  script_type_name(g->type), "aggregate");
	if (st->limit && check_expr(c, st->limit, ST_LONG) < 0)
		return -EINVAL;
	c->loop_depth++;
	if (c->niterated < (int)(sizeof(c->iterated) / sizeof(c->iterated[0])))
		c->iterated[c->niterated] = st->array;
	c->niterated++;
	slot = check_stmt(c, st->then);
	c->niterated--;
	c->loop_depth--;
	return slot < 0 ? slot : 0;
}

int check_stmt(struct checker *c, struct script_stmt *st)
{
	int ret = 0;

	if (!st)
		return 0;
	switch (st->kind) {
	case SS_BLOCK:
		return check_block(c, st);
	case SS_EXPR:
		return check_expr(c, st->expr, ST_UNKNOWN);
	case SS_IF:
		if (check_expr(c, st->expr, ST_LONG) < 0)
			return -EINVAL;
		if (!check_never(st->expr)) {
			/* if (@defined($x)) ...$x...: $x may be absent elsewhere */
			c->guarded += check_guards(st->expr);
			ret = check_stmt(c, st->then);
			c->guarded -= check_guards(st->expr);
			if (ret < 0)
				return -EINVAL;
		}
		return check_stmt(c, st->otherwise);
	case SS_WHILE:
	case SS_FOR:
		if ((st->init && check_expr(c, st->init, ST_UNKNOWN) < 0) ||
		    (st->expr && check_expr(c, st->expr, ST_LONG) < 0) ||
		    (st->step && check_expr(c, st->step, ST_UNKNOWN) < 0))
			return -EINVAL;
		c->loop_depth++;
		ret = check_stmt(c, st->then);
		c->loop_depth--;
		return ret;
	case SS_FOREACH:
		return check_foreach(c, st);
	case SS_BREAK:
	case SS_CONTINUE:
		if (!c->loop_depth)
			return check_fail(c, &st->pos, "it ends a while, for or foreach loop",
					  "'%s' outside a loop",
					  st->kind == SS_BREAK ? "break" : "continue");
		return 0;
	case SS_NEXT:
		if (c->func)
			return check_fail(c, &st->pos, "use return in a function",
					  "'next' leaves a probe handler, and this is a function");
		return 0;
	case SS_RETURN:
		if (!c->func)
			return check_fail(c, &st->pos, "use next to leave a probe handler",
					  "'return' outside a function");
		if (!st->expr)
			return check_unify(c, &c->func->type, ST_VOID, &st->pos, c->func->name);
		if (check_expr(c, st->expr, c->func->type) < 0)
			return -EINVAL;
		return check_unify(c, &c->func->type, st->expr->type, &st->pos, c->func->name);
	case SS_DELETE:
		return check_delete(c, st->expr);
	case SS_TRY:
		if (check_stmt(c, st->then) < 0)
			return -EINVAL;
		st->catch_slot = -1;
		if (st->catch_var) {
			st->catch_slot = check_local(c, st->catch_var);
			if (st->catch_slot < 0)
				return st->catch_slot;
			if (check_unify(c, &c->scope.types[st->catch_slot], ST_STRING, &st->pos,
					st->catch_var))
				return -EINVAL;
		}
		return check_stmt(c, st->otherwise);
	case SS_NULL:
		return 0;
	}
	return 0;
}

static int check_block(struct checker *c, struct script_stmt *st)
{
	for (int i = 0; i < st->nbody; i++)
		if (check_stmt(c, st->body[i]) < 0)
			return -EINVAL;
	return 0;
}

/* Every local of the scope has a type by the last pass. */
static int scope_final(struct checker *c, const struct script_pos *pos)
{
	for (int i = 0; i < c->scope.n; i++) {
		if (c->scope.types[i] == ST_UNKNOWN)
			return check_fail(c, pos, "assign it a number or a string first",
					  "cannot tell the type of '%s'", c->scope.names[i]);
	}
	return 0;
}

static void scope_clear(struct scope *sc)
{
	for (int i = 0; i < sc->n; i++)
		free(sc->names[i]);
	free(sc->names);
	free(sc->types);
	memset(sc, 0, sizeof(*sc));
}

/* Check one probe's or function's body in scope SC (kept across passes). */
static int check_body(struct checker *c, struct scope *sc, struct script_probe *p,
		      struct script_function *f)
{
	int ret;

	c->scope = *sc;
	c->probe = p;
	c->func = f;
	c->loop_depth = 0;
	/* Parameters: what the callers pass and what the body does agree. */
	for (int k = 0; f && k < f->nparams; k++)
		if (check_unify(c, &c->scope.types[k], f->params[k].type, &f->params[k].pos,
				f->params[k].name))
			return -EINVAL;
	ret = check_stmt(c, p ? p->body : f->body);
	for (int k = 0; ret == 0 && f && k < f->nparams; k++)
		ret = check_unify(c, &f->params[k].type, c->scope.types[k], &f->params[k].pos,
				  f->params[k].name);
	/* A function that returns no value returns nothing. */
	if (ret == 0 && f && c->final && f->type == ST_UNKNOWN)
		f->type = ST_VOID;
	if (ret == 0 && c->final)
		ret = scope_final(c, p ? &p->pos : &f->pos);
	*sc = c->scope;
	return ret;
}

static int check_globals(struct checker *c)
{
	for (int i = 0; i < c->s->nglobals; i++) {
		struct script_global *g = &c->s->globals[i];

		for (int j = 0; j < i; j++)
			if (strcmp(c->s->globals[j].name, g->name) == 0)
				return check_fail(c, &g->pos, NULL,
						  "global '%s' is declared twice (first at line %d)",
						  g->name, c->s->globals[j].pos.line);
		if (g->init && check_unify(c, &g->type, g->init->kind == SE_STRING ? ST_STRING
										   : ST_LONG,
					   &g->pos, g->name))
			return -EINVAL;
		if (g->array_declared)
			g->is_array = true;
		if (c->final && g->type == ST_UNKNOWN && !g->used) {
			/* as SystemTap does: left out, with a warning (the
			 * session prints it) */
			g->elided = true;
			g->type = ST_LONG;
			if (g->is_array && !g->nkeys) {
				g->nkeys = 1;
				g->key_types[0] = ST_LONG;
			}
			continue;
		}
		if (c->final && g->type == ST_UNKNOWN)
			return check_fail(c, &g->pos, "assign it, or remove it",
					  "cannot tell the type of global '%s': it is never used",
					  g->name);
		if (c->final && g->is_array && g->nkeys == 0)
			return check_fail(c, &g->pos, "use it as NAME[KEY]",
					  "global array '%s' is never indexed", g->name);
	}
	return 0;
}

static int check_functions_unique(struct checker *c)
{
	for (int i = 0; i < c->s->nfunctions; i++) {
		struct script_function *f = &c->s->functions[i];

		if (script_builtin_find(f->name))
			return check_fail(c, &f->pos, "give it another name",
					  "function '%s' has the name of a builtin", f->name);
		for (int j = 0; j < i; j++)
			if (strcmp(c->s->functions[j].name, f->name) == 0)
				return check_fail(c, &f->pos, NULL,
						  "function '%s' is defined twice (first at line %d)",
						  f->name, c->s->functions[j].pos.line);
	}
	return 0;
}

/* Hand the scopes over to the probes and functions. */
static void keep_scope(struct scope *sc, int *nlocals, enum script_type **types, char ***names)
{
	*nlocals = sc->n;
	*types = sc->types;
	*names = sc->names;
	memset(sc, 0, sizeof(*sc));
}

int script_check(struct script *s, struct script_error *err)
{
	struct checker c = {.s = s, .err = err};
	int nscopes = s->nprobes + s->nfunctions, pass, ret = 0;
	struct scope *scopes = calloc((size_t)nscopes + 1, sizeof(*scopes));

	if (!scopes)
		return -ENOMEM;
	memset(err, 0, sizeof(*err));
	snprintf(err->file, sizeof(err->file), "%s", s->file ? s->file : "-");
	if (check_functions_unique(&c) < 0) {
		ret = -EINVAL;
		goto out;
	}
	/* Parameters are the first locals of a function. */
	for (int i = 0; i < s->nfunctions; i++) {
		struct script_function *f = &s->functions[i];

		c.scope = scopes[s->nprobes + i];
		for (int k = 0; k < f->nparams; k++) {
			int slot = check_local(&c, f->params[k].name);

			if (slot < 0) {
				ret = slot;
				goto out;
			}
			c.scope.types[slot] = f->params[k].type;
		}
		scopes[s->nprobes + i] = c.scope;
	}
	/* Types flow until a pass changes nothing; then one last pass in
	 * which what is still unknown is an error. */
	for (pass = 0; ret == 0; pass++) {
		c.changed = false;
		c.final = pass > 0 && !c.changed_last;
		for (int i = 0; i < s->nprobes && ret == 0; i++)
			ret = check_body(&c, &scopes[i], &s->probes[i], NULL);
		for (int i = 0; i < s->nfunctions && ret == 0; i++)
			ret = check_body(&c, &scopes[s->nprobes + i], NULL, &s->functions[i]);
		if (ret == 0)
			ret = check_globals(&c);
		if (c.final || ret)
			break;
		c.changed_last = c.changed;
		if (pass > 1000) {
			ret = check_fail(&c, NULL, NULL, "types do not settle");
			break;
		}
	}
	if (ret == 0) {
		for (int i = 0; i < s->nprobes; i++)
			keep_scope(&scopes[i], &s->probes[i].nlocals, &s->probes[i].local_types,
				   &s->probes[i].locals);
		for (int i = 0; i < s->nfunctions; i++) {
			struct script_function *f = &s->functions[i];

			keep_scope(&scopes[s->nprobes + i], &f->nlocals, &f->local_types, &f->locals);
			for (int k = 0; k < f->nparams; k++)
				f->params[k].type = f->local_types[k];
		}
	}
out:
	for (int i = 0; i < nscopes; i++)
		scope_clear(&scopes[i]);
	free(scopes);
	if (ret == -EINVAL && !c.failed)
		check_fail(&c, NULL, NULL, "invalid script");
	return ret;
}

static void free_names(char **names, int n)
{
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

static void release_stmt(struct script_stmt *st)
{
	if (!st)
		return;
	free(st->key_slots);
	st->key_slots = NULL;
	release_stmt(st->then);
	release_stmt(st->otherwise);
	for (int i = 0; i < st->nbody; i++)
		release_stmt(st->body[i]);
}

void script_check_release(struct script *s)
{
	for (int i = 0; i < s->nprobes; i++) {
		struct script_probe *p = &s->probes[i];

		free_names(p->locals, p->nlocals);
		free(p->local_types);
		free_names(p->targets, p->ntargets);
		free_names(p->entry_targets, p->nentry_targets);
		free(p->target_pos);
		free(p->entry_target_pos);
		p->target_pos = p->entry_target_pos = NULL;
		free(p->target_exprs);
		free(p->entry_target_exprs);
		p->target_exprs = p->entry_target_exprs = NULL;
		free(p->target_optional);
		free(p->entry_target_optional);
		p->target_optional = p->entry_target_optional = NULL;
		free(p->entry_exprs);
		p->entry_exprs = NULL;
		p->entry_targets = NULL;
		p->nentry = p->nentry_targets = 0;
		p->locals = p->targets = NULL;
		p->local_types = NULL;
		p->nlocals = p->ntargets = 0;
		release_stmt(p->body);
	}
	free(s->casts);
	free(s->cast_optional);
	s->casts = NULL;
	s->cast_optional = NULL;
	s->ncasts = 0;
	for (int i = 0; i < s->nfunctions; i++) {
		struct script_function *f = &s->functions[i];

		free_names(f->locals, f->nlocals);
		free(f->local_types);
		f->locals = NULL;
		f->local_types = NULL;
		f->nlocals = 0;
		release_stmt(f->body);
	}
}
