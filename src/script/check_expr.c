/* check_expr.c: expressions: what each name is, which type flows where. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/format.h"
#include "script/check_priv.h"

int check_array(struct checker *c, struct script_global *g, int nkeys,
		const struct script_pos *pos)
{
	if (!g->is_array) {
		if (g->type != ST_UNKNOWN && g->nkeys == 0 && c->final)
			return check_fail(c, pos, NULL, "'%s' is a scalar, used as an array",
					  g->name);
		g->is_array = true;
		c->changed = true;
	}
	if (nkeys > 9)
		return check_fail(c, pos, NULL, "at most 9 keys, '%s' has %d", g->name, nkeys);
	if (g->nkeys == 0) {
		g->nkeys = nkeys;
		c->changed = true;
	} else if (g->nkeys != nkeys) {
		return check_fail(c, pos, NULL, "'%s' has %d key%s, used here with %d", g->name,
				  g->nkeys, g->nkeys == 1 ? "" : "s", nkeys);
	}
	return 0;
}

/* The type a variable reference reads or writes: the global's, or the
 * local's (made on first sight). */
static int variable(struct checker *c, struct script_expr *e, enum script_type **type)
{
	struct script_global *g = check_global(c, e->name);
	int slot;

	/* A function's parameter hides a global of its name. */
	for (int i = 0; g && c->func && i < c->func->nparams; i++)
		if (strcmp(c->func->params[i].name, e->name) == 0)
			g = NULL;
	if (g) {
		if (g->is_array && c->final)
			return check_fail(c, &e->pos, "give its keys: NAME[KEY]",
					  "'%s' is an array, used without keys", e->name);
		e->global = true;
		e->slot = (int)(g - c->s->globals);
		*type = &g->type;
		return 0;
	}
	slot = check_local(c, e->name);
	if (slot < 0)
		return slot;
	e->global = false;
	e->slot = slot;
	*type = &c->scope.types[slot];
	return 0;
}

/* An element a[k1, k2]: the array is a global, the keys typed alike
 * everywhere. */
static int element(struct checker *c, struct script_expr *e, enum script_type **type)
{
	struct script_global *g = check_global(c, e->name);

	if (!g)
		return check_fail(c, &e->pos, "declare it: global NAME",
				  "array '%s' is not a global (arrays must be)", e->name);
	if (check_array(c, g, e->nargs, &e->pos) < 0)
		return -EINVAL;
	for (int i = 0; i < e->nargs; i++) {
		if (check_expr(c, e->args[i], g->key_types[i]) < 0 ||
		    check_unify(c, &g->key_types[i], e->args[i]->type, &e->args[i]->pos, "this key"))
			return -EINVAL;
	}
	e->global = true;
	e->slot = (int)(g - c->s->globals);
	*type = &g->type;
	return 0;
}

/* A change to array NAME inside a foreach over it, which SystemTap
 * refuses: the loop would visit a moving set. */
static int check_not_iterated(struct checker *c, const char *name, const struct script_pos *pos)
{
	int n = c->niterated < 16 ? c->niterated : 16;

	for (int i = 0; i < n; i++)
		if (strcmp(c->iterated[i], name) == 0)
			return check_fail(c, pos, "collect the changes, apply them after the loop",
					  "array '%s' is changed inside a foreach over it", name);
	return 0;
}

/* A variable or element as the operand of an assignment, ++, <<< or
 * @count(...): its type, which must flow into and out of E. */
static int lvalue(struct checker *c, struct script_expr *e, enum script_type **type)
{
	if (e->kind == SE_INDEX && check_not_iterated(c, e->name, &e->pos) < 0)
		return -EINVAL;
	if (e->kind == SE_IDENT)
		return variable(c, e, type);
	if (e->kind == SE_INDEX)
		return element(c, e, type);
	if (e->kind == SE_TARGET)
		return check_fail(c, &e->pos, "copy it into a variable first",
				  "writing to context variable '%s' is not supported", e->name);
	return check_fail(c, &e->pos, "assign to a variable or an array element",
			  "this cannot be assigned to");
}

/* A reference that reads a value: the variable's type is the
 * expression's; an aggregate is read only through @count(x) and kin. */
static int read_ref(struct checker *c, struct script_expr *e, enum script_type want)
{
	enum script_type *t;

	if ((e->kind == SE_IDENT ? variable(c, e, &t) : element(c, e, &t)) < 0 ||
	    check_unify(c, t, want == ST_STATS ? ST_UNKNOWN : want, &e->pos, e->name) ||
	    check_unify(c, &e->type, *t, &e->pos, e->name))
		return -EINVAL;
	if (*t == ST_STATS && want != ST_STATS)
		return check_fail(c, &e->pos, "read it with @count(x), @sum(x), @avg(x) ...",
				  "'%s' is an aggregate, not a value", e->name);
	if (*t == ST_STATS && !e->global)
		return check_fail(c, &e->pos, "declare it: global NAME",
				  "aggregate '%s' must be a global", e->name);
	return 0;
}

static int check_format(struct checker *c, struct script_expr *e)
{
	struct rt_format *fmt;
	char why[200];
	int n, col = 0;

	if (e->nargs < 1 || e->args[0]->kind != SE_STRING)
		return check_fail(c, e->nargs ? &e->args[0]->pos : &e->pos,
				  "e.g. printf(\"%%d calls\\n\", n)",
				  "%s's format must be a literal string", e->name);
	if (rt_format_compile(e->args[0]->str, &fmt, why, sizeof(why), &col) < 0) {
		/* the column inside the literal: past its opening quote */
		struct script_pos at = {e->args[0]->pos.line, e->args[0]->pos.col + 1 + col};

		return check_fail(c, &at,
				  "conversions are %%d %%i %%u %%x %%X %%o %%c %%s %%p %%b %%m %%M %%%%",
				  "%s: %s", e->name, why);
	}
	n = rt_format_nargs(fmt);
	if (n != e->nargs - 1) {
		rt_format_free(fmt);
		return check_fail(c, &e->pos, NULL, "the format asks for %d value%s, %d given", n,
				  n == 1 ? "" : "s", e->nargs - 1);
	}
	for (int i = 1; i < e->nargs; i++) {
		enum script_type want =
			rt_format_arg_type(fmt, i - 1) == RT_STRING ? ST_STRING : ST_LONG;

		if (check_expr(c, e->args[i], want) < 0) {
			rt_format_free(fmt);
			return -EINVAL;
		}
	}
	rt_format_free(fmt);
	return 0;
}

/* Edit distance, for "did you mean". */
static int distance(const char *a, const char *b)
{
	int la = (int)strlen(a), lb = (int)strlen(b), d[64];

	if (la > 62 || lb > 62)
		return 99;
	for (int j = 0; j <= lb; j++)
		d[j] = j;
	for (int i = 1; i <= la; i++) {
		int prev = d[0];

		d[0] = i;
		for (int j = 1; j <= lb; j++) {
			int cur = d[j], best = prev + (a[i - 1] != b[j - 1]);

			if (d[j] + 1 < best)
				best = d[j] + 1;
			if (d[j - 1] + 1 < best)
				best = d[j - 1] + 1;
			d[j] = best;
			prev = cur;
		}
	}
	return d[lb];
}

static int unknown_function(struct checker *c, struct script_expr *e)
{
	char hint[256] = "";
	size_t len = 0;
	int best = 3;

	/* the closest names, within two edits */
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0;; i++) {
			const char *name;

			if (i < c->s->nfunctions)
				name = c->s->functions[i].name;
			else if (script_builtin_at(i - c->s->nfunctions))
				name = script_builtin_at(i - c->s->nfunctions)->name;
			else
				break;
			if (pass == 0 && distance(e->name, name) < best)
				best = distance(e->name, name);
			else if (pass == 1 && distance(e->name, name) == best && len < 200)
				len += (size_t)snprintf(hint + len, sizeof(hint) - len, "%s%s",
							len ? ", " : "did you mean ", name);
		}
	}
	return check_fail(c, &e->pos, hint[0] ? hint : NULL, "unknown function '%s'", e->name);
}

static int call_function(struct checker *c, struct script_expr *e, struct script_function *f,
			 enum script_type want)
{
	if (e->nargs != f->nparams)
		return check_fail(c, &e->pos, NULL, "function '%s' takes %d argument%s, %d given",
				  f->name, f->nparams, f->nparams == 1 ? "" : "s", e->nargs);
	for (int i = 0; i < e->nargs; i++) {
		if (check_expr(c, e->args[i], f->params[i].type) < 0 ||
		    check_unify(c, &f->params[i].type, e->args[i]->type, &e->args[i]->pos,
				f->params[i].name))
			return -EINVAL;
	}
	e->resolved = f;
	if (f->type == ST_VOID && want != ST_UNKNOWN && want != ST_VOID)
		return check_fail(c, &e->pos, NULL, "function '%s' returns nothing", f->name);
	if (want != ST_VOID && check_unify(c, &f->type, want, &e->pos, f->name))
		return -EINVAL;
	return check_unify(c, &e->type, f->type, &e->pos, f->name);
}

static int call_builtin(struct checker *c, struct script_expr *e, const struct script_builtin *b,
			enum script_type want)
{
	e->resolved = (void *)b;
	e->builtin = true;
	if (e->nargs < b->min || e->nargs > b->max)
		return check_fail(c, &e->pos, NULL, "%s() takes %d%s%d argument%s, %d given",
				  b->name, b->min, b->min == b->max ? "" : " to ",
				  b->min == b->max ? -1 : b->max, b->max == 1 ? "" : "s", e->nargs);
	if (b->how == BA_FORMAT) {
		if (check_format(c, e) < 0)
			return -EINVAL;
	} else {
		for (int i = 0; i < e->nargs; i++) {
			enum script_type t = b->how == BA_FIXED || (b->how == BA_DELIM && i == 0)
						     ? b->args[i < 4 ? i : 3]
						     : ST_UNKNOWN;
			struct script_expr *a = e->args[i];

			/* print(@hist_log(x)) prints the histogram */
			if (a->kind == SE_STAT &&
			    (a->stat == STAT_HIST_LOG || a->stat == STAT_HIST_LINEAR) &&
			    (b->id == B_PRINT || b->id == B_PRINTLN || b->id == B_SPRINT) && e->nargs == 1) {
				if (check_expr(c, a, ST_STATS) < 0)
					return -EINVAL;
				continue;
			}
			if (check_expr(c, a, t) < 0)
				return -EINVAL;
			if (c->final && (a->type == ST_UNKNOWN || a->type == ST_VOID ||
					 a->type == ST_STATS))
				return check_fail(c, &a->pos, NULL, "%s() needs a number or a string here",
						  b->name);
		}
	}
	if (b->ret == ST_VOID && want != ST_UNKNOWN && want != ST_VOID)
		return check_fail(c, &e->pos, NULL, "%s() returns nothing", b->name);
	return check_unify(c, &e->type, b->ret, &e->pos, b->name);
}

static int call(struct checker *c, struct script_expr *e, enum script_type want)
{
	const struct script_builtin *b;

	for (int i = 0; i < c->s->nfunctions; i++)
		if (strcmp(c->s->functions[i].name, e->name) == 0)
			return call_function(c, e, &c->s->functions[i], want);
	b = script_builtin_find(e->name);
	if (!b)
		return unknown_function(c, e);
	if (b->in_code_probe && !c->probe && !c->func)
		return check_fail(c, &e->pos, NULL, "%s() needs a probe hit", b->name);
	return call_builtin(c, e, b, want);
}

/* @count(x), @hist_linear(x, 0, 100, 10): X must be an aggregate. */
static int stat(struct checker *c, struct script_expr *e)
{
	struct script_expr *x = e->args[0];
	struct script_global *g;
	int hist = e->stat == STAT_HIST_LOG ? 1 : e->stat == STAT_HIST_LINEAR ? 2 : 0;

	if (x->kind != SE_IDENT && x->kind != SE_INDEX)
		return check_fail(c, &x->pos, "e.g. @count(x), @avg(a[k])",
				  "@-functions read an aggregate variable or array element");
	if (read_ref(c, x, ST_STATS) < 0)
		return -EINVAL;
	g = check_global(c, x->name);
	for (int i = 1; i < e->nargs; i++)
		if (e->args[i]->kind != SE_NUMBER)
			return check_fail(c, &e->args[i]->pos, NULL, "a number is expected here");
	if (hist == 2 && e->nargs != 4)
		return check_fail(c, &e->pos, NULL,
				  "@hist_linear(x, START, STOP, INTERVAL) takes four arguments");
	if (hist && g) {
		if (g->hist && (g->hist != hist ||
				(hist == 2 && (g->hist_start != e->args[1]->num ||
					       g->hist_stop != e->args[2]->num ||
					       g->hist_interval != e->args[3]->num))))
			return check_fail(c, &e->pos, NULL,
					  "'%s' is read as another histogram elsewhere", g->name);
		if (!g->hist) {
			g->hist = hist;
			if (hist == 2) {
				g->hist_start = e->args[1]->num;
				g->hist_stop = e->args[2]->num;
				g->hist_interval = e->args[3]->num;
			}
			c->changed = true;
		}
		return check_unify(c, &e->type, ST_STATS, &e->pos, "a histogram");
	}
	return check_unify(c, &e->type, ST_LONG, &e->pos, "an aggregate's value");
}

static int assign(struct checker *c, struct script_expr *e, enum script_type want)
{
	enum script_type *t, expect;

	if (lvalue(c, e->args[0], &t) < 0)
		return -EINVAL;
	if (e->op == SO_AGG) {
		if (check_unify(c, t, ST_STATS, &e->pos, e->args[0]->name) ||
		    check_expr(c, e->args[1], ST_LONG) < 0)
			return -EINVAL;
		if (!e->args[0]->global)
			return check_fail(c, &e->args[0]->pos, "declare it: global NAME",
					  "aggregate '%s' must be a global", e->args[0]->name);
		return check_unify(c, &e->type, ST_LONG, &e->pos, "<<<");
	}
	if (*t == ST_STATS)
		return check_fail(c, &e->pos, "add a value with <<<",
				  "'%s' is an aggregate: it cannot be assigned", e->args[0]->name);
	expect = e->op == SO_ASSIGN ? *t : e->op == SO_CONCAT ? ST_STRING : ST_LONG;
	if (check_unify(c, t, expect, &e->pos, e->args[0]->name) ||
	    check_expr(c, e->args[1], *t) < 0)
		return -EINVAL;
	/* the right side may have made locals ("a = b = 1"), moving the
	 * scope's types: the left side's again */
	if (lvalue(c, e->args[0], &t) < 0 ||
	    check_unify(c, t, e->args[1]->type, &e->pos, e->args[0]->name) ||
	    check_unify(c, &e->args[0]->type, *t, &e->pos, e->args[0]->name))
		return -EINVAL;
	if (want != ST_UNKNOWN && check_unify(c, t, want, &e->pos, e->args[0]->name))
		return -EINVAL;
	return check_unify(c, &e->type, *t, &e->pos, e->args[0]->name);
}

static int binary(struct checker *c, struct script_expr *e)
{
	struct script_expr *a = e->args[0], *b = e->args[1];

	switch (e->op) {
	case SO_CONCAT:
		if (check_expr(c, a, ST_STRING) < 0 || check_expr(c, b, ST_STRING) < 0)
			return -EINVAL;
		return check_unify(c, &e->type, ST_STRING, &e->pos, "'.'");
	case SO_LT:
	case SO_LE:
	case SO_GT:
	case SO_GE:
	case SO_EQ:
	case SO_NE:
		/* two longs or two strings */
		if (check_expr(c, a, b->type) < 0 || check_expr(c, b, a->type) < 0 ||
		    check_unify(c, &a->type, b->type, &e->pos, "the left side"))
			return -EINVAL;
		return check_unify(c, &e->type, ST_LONG, &e->pos, "a comparison");
	default:
		if (check_expr(c, a, ST_LONG) < 0 || check_expr(c, b, ST_LONG) < 0)
			return -EINVAL;
		return check_unify(c, &e->type, ST_LONG, &e->pos, "an arithmetic result");
	}
}

int check_expr(struct checker *c, struct script_expr *e, enum script_type want)
{
	enum script_type *t;
	int ret = 0;

	if (c->failed)
		return -EINVAL;
	switch (e->kind) {
	case SE_NUMBER:
		ret = check_unify(c, &e->type, ST_LONG, &e->pos, "a number");
		break;
	case SE_STRING:
		ret = check_unify(c, &e->type, ST_STRING, &e->pos, "a string");
		break;
	case SE_IDENT:
	case SE_INDEX:
		return read_ref(c, e, want);
	case SE_TARGET:
	case SE_VAR:
	case SE_CAST:
		ret = check_target(c, e);
		break;
	case SE_CALL:
		return call(c, e, want);
	case SE_UNARY:
		if (check_expr(c, e->args[0], ST_LONG) < 0)
			return -EINVAL;
		ret = check_unify(c, &e->type, ST_LONG, &e->pos, "an arithmetic result");
		break;
	case SE_INCDEC:
		if (lvalue(c, e->args[0], &t) < 0 || check_unify(c, t, ST_LONG, &e->pos, e->args[0]->name))
			return -EINVAL;
		ret = check_unify(c, &e->type, ST_LONG, &e->pos, "++/--");
		break;
	case SE_BINARY:
		if (e->op == SO_LAND || e->op == SO_LOR) {
			if (check_expr(c, e->args[0], ST_LONG) < 0 ||
			    check_expr(c, e->args[1], ST_LONG) < 0)
				return -EINVAL;
			ret = check_unify(c, &e->type, ST_LONG, &e->pos, "a condition");
			break;
		}
		ret = binary(c, e);
		break;
	case SE_TERNARY:
		/* @defined($x) ? $x : 0 where nothing can define $x: the
		 * branch is never taken, and not checked (SystemTap drops it) */
		if (check_expr(c, e->args[0], ST_LONG) < 0)
			return -EINVAL;
		if (check_never(e->args[0])) {
			if (check_expr(c, e->args[2], want) < 0)
				return -EINVAL;
			ret = check_unify(c, &e->type, e->args[2]->type, &e->pos, "'?:'");
			break;
		}
		c->guarded += check_guards(e->args[0]);
		ret = check_expr(c, e->args[1], want != ST_UNKNOWN ? want : e->args[2]->type);
		c->guarded -= check_guards(e->args[0]);
		if (ret < 0 || check_expr(c, e->args[2], e->args[1]->type) < 0 ||
		    check_unify(c, &e->args[1]->type, e->args[2]->type, &e->pos, "the first branch"))
			return -EINVAL;
		ret = check_unify(c, &e->type, e->args[1]->type, &e->pos, "'?:'");
		break;
	case SE_ASSIGN:
		return assign(c, e, want);
	case SE_IN: {
		struct script_global *g = check_global(c, e->name);

		if (!g)
			return check_fail(c, &e->pos, "declare it: global NAME",
					  "'%s' is not a global array", e->name);
		if (check_array(c, g, e->nargs, &e->pos) < 0)
			return -EINVAL;
		e->global = true;
		e->slot = (int)(g - c->s->globals);
		for (int i = 0; i < e->nargs; i++)
			if (check_expr(c, e->args[i], g->key_types[i]) < 0 ||
			    check_unify(c, &g->key_types[i], e->args[i]->type, &e->args[i]->pos,
					"this key"))
				return -EINVAL;
		ret = check_unify(c, &e->type, ST_LONG, &e->pos, "'in'");
		break;
	}
	case SE_STAT:
		return stat(c, e);
	case SE_ENTRY:
		ret = check_at_entry(c, e, want);
		break;
	case SE_DEFINED:
		ret = check_defined(c, e);
		break;
	}
	if (ret == 0 && want != ST_UNKNOWN && want != ST_VOID && e->type != ST_UNKNOWN &&
	    e->type != want)
		return check_fail(c, &e->pos, NULL, "a %s is expected here, this is a %s",
				  script_type_name(want), script_type_name(e->type));
	if (ret == 0 && want != ST_UNKNOWN && want != ST_VOID)
		ret = check_unify(c, &e->type, want, &e->pos, "this");
	return ret;
}

int check_delete(struct checker *c, struct script_expr *e)
{
	struct script_global *g;
	enum script_type *t;

	if ((e->kind == SE_INDEX || e->kind == SE_IDENT) &&
	    check_not_iterated(c, e->name, &e->pos) < 0)
		return -EINVAL;
	if (e->kind == SE_INDEX)
		return element(c, e, &t);
	if (e->kind != SE_IDENT)
		return check_fail(c, &e->pos, "delete a variable, an array or an element",
				  "this cannot be deleted");
	g = check_global(c, e->name);
	for (int i = 0; g && c->func && i < c->func->nparams; i++)
		if (strcmp(c->func->params[i].name, e->name) == 0)
			g = NULL; /* the parameter, which hides the global */
	if (g) {
		e->global = true;
		e->slot = (int)(g - c->s->globals);
		return 0; /* a whole array, or a scalar back to 0 / "" / empty */
	}
	return variable(c, e, &t);
}
