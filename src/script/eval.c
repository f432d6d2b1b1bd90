/* eval.c: the interpreter's expressions: variables in slots, arrays, operators with
 * SystemTap's (kernel C's) wrapping arithmetic, aggregates, context variables. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "script/interp_priv.h"

static int64_t wrap(uint64_t v)
{
	return (int64_t)v;
}

enum flow interp_eval_long(struct interp *in, struct frame *f, const struct script_expr *e,
			   int64_t *n)
{
	struct rt_value v = {0};
	enum flow fl = interp_eval(in, f, e, &v);

	*n = v.type == RT_LONG ? v.num : 0;
	rt_value_release(&v);
	return fl;
}

enum flow interp_eval_str(struct interp *in, struct frame *f, const struct script_expr *e,
			  struct rt_str **s)
{
	struct rt_value v = {0};
	enum flow fl = interp_eval(in, f, e, &v);

	if (fl != FLOW_NORMAL || v.type != RT_STRING) {
		rt_value_release(&v);
		*s = rt_str_empty();
		return fl;
	}
	*s = v.str; /* the reference passes to the caller */
	return FLOW_NORMAL;
}

void interp_keys_release(struct rt_value *keys, int n)
{
	for (int i = 0; i < n; i++)
		rt_value_release(&keys[i]);
}

enum flow interp_keys(struct interp *in, struct frame *f, const struct script_expr *e,
		      struct rt_value *keys)
{
	for (int i = 0; i < e->nargs; i++) {
		enum flow fl = interp_eval(in, f, e->args[i], &keys[i]);

		if (fl != FLOW_NORMAL) {
			interp_keys_release(keys, i + 1);
			return fl;
		}
	}
	return FLOW_NORMAL;
}

/* A map operation's error, as SystemTap words it. */
static enum flow map_error(struct interp *in, const struct script_expr *e, int err)
{
	const struct script_global *g = &in->s->globals[e->slot];

	if (err == -E2BIG && g->size)
		return interp_error(in, &e->pos, "Array overflow, check size limit (%ld) of '%s'",
				    g->size, g->name);
	return interp_error(in, &e->pos, "%s (array '%s')", rt_strerror(err), g->name);
}

/* Store V (taken over) where lvalue E names. */
static enum flow store(struct interp *in, struct frame *f, const struct script_expr *e,
		       const struct rt_value *keys, struct rt_value *v)
{
	int err;

	if (e->kind == SE_INDEX) {
		err = rt_map_set(in->maps[e->slot], keys, v);
		rt_value_release(v);
		return err < 0 ? map_error(in, e, err) : FLOW_NORMAL;
	}
	if (e->global) {
		rt_value_release(&in->scalars[e->slot]);
		in->scalars[e->slot] = *v;
	} else {
		rt_value_release(&f->locals[e->slot]);
		f->locals[e->slot] = *v;
	}
	v->type = RT_NONE;
	return FLOW_NORMAL;
}

/* The current value of lvalue E (a copy). */
static void load(struct interp *in, struct frame *f, const struct script_expr *e,
		 const struct rt_value *keys, struct rt_value *v)
{
	if (e->kind == SE_INDEX)
		rt_map_get(in->maps[e->slot], keys, v);
	else
		rt_value_copy(v, e->global ? &in->scalars[e->slot] : &f->locals[e->slot]);
}

static enum flow arith(struct interp *in, const struct script_expr *e, enum script_op op, int64_t a,
		       int64_t b, int64_t *r)
{
	switch (op) {
	case SO_ADD:
		*r = wrap((uint64_t)a + (uint64_t)b);
		break;
	case SO_SUB:
		*r = wrap((uint64_t)a - (uint64_t)b);
		break;
	case SO_MUL:
		*r = wrap((uint64_t)a * (uint64_t)b);
		break;
	case SO_DIV:
	case SO_MOD:
		if (b == 0)
			return interp_error(in, &e->pos, "division by 0");
		if (a == INT64_MIN && b == -1)
			*r = op == SO_DIV ? a : 0;
		else
			*r = op == SO_DIV ? a / b : a % b;
		break;
	case SO_SHL:
		*r = wrap((uint64_t)a << (b & 63));
		break;
	case SO_SHR:
		*r = b & 63 ? (a >> (b & 63)) : a; /* arithmetic, as kernel C's */
		break;
	case SO_BAND:
		*r = a & b;
		break;
	case SO_BXOR:
		*r = a ^ b;
		break;
	case SO_BOR:
		*r = a | b;
		break;
	default:
		*r = 0;
	}
	return FLOW_NORMAL;
}

static enum flow assign(struct interp *in, struct frame *f, const struct script_expr *e,
			struct rt_value *v)
{
	const struct script_expr *lhs = e->args[0];
	struct rt_value keys[RT_MAP_MAX_KEYS], rhs = {0}, old = {0};
	int nkeys = lhs->kind == SE_INDEX ? lhs->nargs : 0;
	enum flow fl;

	if (nkeys && (fl = interp_keys(in, f, lhs, keys)) != FLOW_NORMAL)
		return fl;
	fl = interp_eval(in, f, e->args[1], &rhs);
	if (fl != FLOW_NORMAL)
		goto out;
	if (e->op == SO_AGG) {
		if (lhs->kind == SE_INDEX) {
			int err = rt_map_add_stat(in->maps[lhs->slot], keys, rhs.num);

			if (err < 0)
				fl = map_error(in, lhs, err);
		} else {
			rt_stats_add(in->stats[lhs->slot], rhs.num);
		}
		*v = rt_value_long(rhs.num);
		goto out;
	}
	if (e->op != SO_ASSIGN) {
		load(in, f, lhs, keys, &old);
		if (e->op == SO_CONCAT) {
			struct rt_str *s = rt_str_concat(old.str, rhs.str, interp_maxlen(in));

			rt_value_release(&rhs);
			rhs = rt_value_string(s);
		} else {
			int64_t r;

			fl = arith(in, e, e->op, old.num, rhs.num, &r);
			if (fl != FLOW_NORMAL)
				goto out;
			rhs = rt_value_long(r);
		}
	}
	rt_value_copy(v, &rhs);
	fl = store(in, f, lhs, keys, &rhs);
out:
	rt_value_release(&rhs);
	rt_value_release(&old);
	interp_keys_release(keys, nkeys);
	return fl;
}

static enum flow incdec(struct interp *in, struct frame *f, const struct script_expr *e,
			struct rt_value *v)
{
	const struct script_expr *lhs = e->args[0];
	struct rt_value keys[RT_MAP_MAX_KEYS], old = {0}, now;
	int nkeys = lhs->kind == SE_INDEX ? lhs->nargs : 0;
	enum flow fl;

	if (nkeys && (fl = interp_keys(in, f, lhs, keys)) != FLOW_NORMAL)
		return fl;
	load(in, f, lhs, keys, &old);
	now = rt_value_long(wrap((uint64_t)old.num + (e->op == SO_INC ? 1u : (uint64_t)-1)));
	*v = e->postfix ? old : now;
	fl = store(in, f, lhs, keys, &now);
	interp_keys_release(keys, nkeys);
	return fl;
}

static enum flow binary(struct interp *in, struct frame *f, const struct script_expr *e,
			struct rt_value *v)
{
	struct rt_value a = {0}, b = {0};
	enum flow fl;
	int64_t r = 0;

	if (e->op == SO_LAND || e->op == SO_LOR) {
		fl = interp_eval_long(in, f, e->args[0], &r);
		if (fl != FLOW_NORMAL)
			return fl;
		if ((e->op == SO_LAND) == (r != 0)) {
			fl = interp_eval_long(in, f, e->args[1], &r);
			if (fl != FLOW_NORMAL)
				return fl;
		}
		*v = rt_value_long(r != 0);
		return FLOW_NORMAL;
	}
	fl = interp_eval(in, f, e->args[0], &a);
	if (fl == FLOW_NORMAL)
		fl = interp_eval(in, f, e->args[1], &b);
	if (fl != FLOW_NORMAL)
		goto out;
	if (e->op == SO_CONCAT) {
		*v = rt_value_string(rt_str_concat(a.str, b.str, interp_maxlen(in)));
		goto out;
	}
	if (e->op >= SO_LT && e->op <= SO_NE) {
		int64_t c = a.type == RT_STRING ? rt_str_cmp(a.str, b.str)
						: (a.num > b.num) - (a.num < b.num);

		switch (e->op) {
		case SO_LT:
			r = c < 0;
			break;
		case SO_LE:
			r = c <= 0;
			break;
		case SO_GT:
			r = c > 0;
			break;
		case SO_GE:
			r = c >= 0;
			break;
		case SO_EQ:
			r = c == 0;
			break;
		default:
			r = c != 0;
		}
		*v = rt_value_long(r);
		goto out;
	}
	fl = arith(in, e, e->op, a.num, b.num, &r);
	*v = rt_value_long(r);
out:
	rt_value_release(&a);
	rt_value_release(&b);
	return fl;
}

/* @count(x) ... of an aggregate global or element. */
static enum flow stat_read(struct interp *in, struct frame *f, const struct script_expr *e,
			   struct rt_value *v)
{
	const struct script_expr *x = e->args[0];
	struct rt_value keys[RT_MAP_MAX_KEYS];
	const struct rt_stats *s;
	enum flow fl;
	int64_t n = 0;
	int err;

	if (x->kind == SE_INDEX) {
		fl = interp_keys(in, f, x, keys);
		if (fl != FLOW_NORMAL)
			return fl;
		s = rt_map_get_stats(in->maps[x->slot], keys);
		interp_keys_release(keys, x->nargs);
	} else {
		s = in->stats[x->slot];
	}
	err = rt_stats_get(s, (enum rt_stat_op)(e->stat - STAT_COUNT), &n);
	if (err < 0)
		return interp_error(in, &e->pos, "%s (@%s of '%s')", rt_strerror(err),
				    e->stat == STAT_COUNT	 ? "count"
				    : e->stat == STAT_SUM	 ? "sum"
				    : e->stat == STAT_MIN	 ? "min"
				    : e->stat == STAT_MAX	 ? "max"
				    : e->stat == STAT_AVG	 ? "avg"
								 : "variance",
				    x->name);
	*v = rt_value_long(n);
	return FLOW_NORMAL;
}

/* The aggregate a histogram expression names (for print). */
const struct rt_stats *interp_hist_stats(struct interp *in, struct frame *f,
					 const struct script_expr *e, enum flow *fl)
{
	const struct script_expr *x = e->args[0];
	struct rt_value keys[RT_MAP_MAX_KEYS];
	const struct rt_stats *s;

	*fl = FLOW_NORMAL;
	if (x->kind != SE_INDEX)
		return in->stats[x->slot];
	*fl = interp_keys(in, f, x, keys);
	if (*fl != FLOW_NORMAL)
		return NULL;
	s = rt_map_get_stats(in->maps[x->slot], keys);
	interp_keys_release(keys, x->nargs);
	return s;
}

/* A value saved at the call (@entry, a parameter in a .return probe). */
static enum flow saved(struct interp *in, const struct script_expr *e, struct rt_value *v)
{
	if (!in->entry_values)
		return interp_error(in, &e->pos, "no value was taken at this call's entry");
	rt_value_copy(v, &in->entry_values[e->entry_slot]);
	return FLOW_NORMAL;
}

/* The text of fetch E of the probe being run, accessors and all
 * ("$o->next->id"), for messages. */
static const char *fetch_name(const struct interp *in, const struct script_expr *e)
{
	const struct script_probe *p = &in->s->probes[in->probe];

	if (e->kind == SE_CAST && e->global)
		return in->casts[e->slot].name;
	return e->at_entry ? p->entry_targets[e->slot] : p->targets[e->slot];
}

static enum flow fetch_error(struct interp *in, const struct script_expr *e, int err)
{
	if (err == -ENOENT)
		return interp_error(in, &e->pos, "'%s' does not exist here (@defined() says so)",
				    fetch_name(in, e));
	if (err == -ENODATA)
		return interp_error(in, &e->pos, "'%s' is optimized out here", fetch_name(in, e));
	return interp_error(in, &e->pos, "user memory fault reading '%s'", fetch_name(in, e));
}

/* $$return, $$parms, $$locals, $$vars, $$name, $$provider: strings */
static enum flow target_text(struct interp *in, const struct script_expr *e, struct rt_value *v)
{
	char text[RT_MAXSTRINGLEN * 4];

	uint64_t n;

	if (e->slot == -2) {
		/* $$name: a marker's, or the function a PLT probe's call is to */
		const char *s = strcmp(e->name, "$$name") != 0 ? in->mark_provider
				: in->mark_name ? in->mark_name : in->hit->plt;

		snprintf(text, sizeof(text), "%s", s ? s : "");
	} else if (strcmp(e->name, "$$return") == 0) {
		/* nothing where the function returns nothing, as SystemTap */
		text[0] = '\0';
		if (e->slot >= 0 && probe_hit_arg_value(in->hit, (size_t)e->slot, &n) == 0)
			snprintf(text, sizeof(text), "return=0x%llx", (unsigned long long)n);
	} else if (probe_hit_arg_text(in->hit, (size_t)e->slot, text, sizeof(text)) < 0) {
		text[0] = '\0';
	}
	*v = rt_value_string(rt_str_cstr(text, interp_maxlen(in)));
	return FLOW_NORMAL;
}

/* @cast(BASE, "type")->m: the plan compiled for the site (or once, for a
 * @cast off code), run from BASE's value. */
static enum flow cast(struct interp *in, struct frame *f, const struct script_expr *e,
		      struct rt_value *v)
{
	const struct probe_hit *h = in->hit;
	enum flow fl;
	int64_t base;
	uint64_t n = 0;
	int err;

	fl = interp_eval_long(in, f, e->args[0], &base);
	if (fl != FLOW_NORMAL)
		return fl;
	if (e->global)
		err = probe_arg_value_input(&in->casts[e->slot], h ? h->regs : NULL,
					    h ? h->mem : NULL, (uint64_t)base, &n);
	else if (!h)
		return interp_error(in, &e->pos, "@cast outside a probe hit");
	else
		err = probe_hit_arg_value_input(h, (size_t)e->slot, (uint64_t)base, &n);
	if (err < 0)
		return fetch_error(in, e, err);
	*v = rt_value_long((int64_t)n);
	return FLOW_NORMAL;
}

/* @defined(X): whether X could be compiled where the probe hit. */
static enum flow defined(struct interp *in, const struct script_expr *e, struct rt_value *v)
{
	const struct script_expr *x = e->args[0];

	if (e->at_entry && !in->entry_mode)
		return saved(in, e, v);
	if (e->slot == -1)
		*v = rt_value_long(0);
	else if (x->kind == SE_CAST && x->global)
		*v = rt_value_long(!in->casts[x->slot].absent);
	else if (x->slot < 0)
		*v = rt_value_long(in->hit != NULL); /* $$vars and kin */
	else
		*v = rt_value_long(in->hit && probe_hit_arg_defined(in->hit, (size_t)x->slot));
	return FLOW_NORMAL;
}

/* The index of $a[i] the handler computes, or NULL. */
static const struct script_expr *computed_index(const struct script_expr *e)
{
	for (int i = 0; i < e->naccess; i++)
		if (e->access[i].kind == SA_INDEX && e->access[i].index->kind != SE_NUMBER)
			return e->access[i].index;
	return NULL;
}

static enum flow target(struct interp *in, struct frame *f, const struct script_expr *e,
			struct rt_value *v)
{
	const struct script_expr *index = computed_index(e);
	uint64_t n = 0;
	int64_t i;
	enum flow fl;
	int err;

	if (e->at_entry && !in->entry_mode)
		return saved(in, e, v);
	if (!in->hit)
		return interp_error(in, &e->pos, "context variable '%s' outside a probe hit",
				    e->kind == SE_VAR ? "@var" : e->name);
	if (e->kind == SE_TARGET && (e->name[1] == '$' || e->pretty))
		return target_text(in, e, v);
	if (index) {
		fl = interp_eval_long(in, f, index, &i);
		if (fl != FLOW_NORMAL)
			return fl;
		err = probe_hit_arg_value_input(in->hit, (size_t)e->slot, (uint64_t)i, &n);
	} else {
		err = probe_hit_arg_value(in->hit, (size_t)e->slot, &n);
	}
	if (err == -ENOENT && in->entry_mode) {
		/* taken at the call for a .return probe that asks
		 * @defined() before it reads it */
		*v = rt_value_long(0);
		return FLOW_NORMAL;
	}
	if (err < 0)
		return fetch_error(in, e, err);
	*v = rt_value_long((int64_t)n);
	return FLOW_NORMAL;
}

enum flow interp_eval(struct interp *in, struct frame *f, const struct script_expr *e,
		      struct rt_value *v)
{
	struct rt_value keys[RT_MAP_MAX_KEYS];
	enum flow fl = FLOW_NORMAL;
	int64_t n;

	v->type = RT_NONE;
	switch (e->kind) {
	case SE_NUMBER:
		*v = rt_value_long(e->num);
		return FLOW_NORMAL;
	case SE_STRING:
		*v = rt_value_string(rt_str_cstr(e->str, interp_maxlen(in)));
		return FLOW_NORMAL;
	case SE_IDENT:
		rt_value_copy(v, e->global ? &in->scalars[e->slot] : &f->locals[e->slot]);
		return FLOW_NORMAL;
	case SE_INDEX:
		fl = interp_keys(in, f, e, keys);
		if (fl != FLOW_NORMAL)
			return fl;
		rt_map_get(in->maps[e->slot], keys, v);
		interp_keys_release(keys, e->nargs);
		return FLOW_NORMAL;
	case SE_IN:
		fl = interp_keys(in, f, e, keys);
		if (fl != FLOW_NORMAL)
			return fl;
		*v = rt_value_long(rt_map_exists(in->maps[e->slot], keys));
		interp_keys_release(keys, e->nargs);
		return FLOW_NORMAL;
	case SE_TARGET:
	case SE_VAR:
		return target(in, f, e, v);
	case SE_CAST:
		return cast(in, f, e, v);
	case SE_DEFINED:
		return defined(in, e, v);
	case SE_CALL:
		if (e->builtin)
			return interp_call_builtin(in, f, e, v);
		return interp_call_function(in, f, e, v);
	case SE_UNARY:
		fl = interp_eval_long(in, f, e->args[0], &n);
		if (fl != FLOW_NORMAL)
			return fl;
		*v = rt_value_long(e->op == SO_NEG   ? wrap(0u - (uint64_t)n)
				   : e->op == SO_NOT ? !n
				   : e->op == SO_BNOT ? ~n
						      : n);
		return FLOW_NORMAL;
	case SE_INCDEC:
		return incdec(in, f, e, v);
	case SE_BINARY:
		return binary(in, f, e, v);
	case SE_TERNARY:
		fl = interp_eval_long(in, f, e->args[0], &n);
		if (fl != FLOW_NORMAL)
			return fl;
		return interp_eval(in, f, e->args[n ? 1 : 2], v);
	case SE_ASSIGN:
		return assign(in, f, e, v);
	case SE_STAT:
		return stat_read(in, f, e, v);
	case SE_ENTRY:
		if (in->entry_mode)
			return interp_eval(in, f, e->args[0], v);
		return saved(in, e, v);
	default:
		return interp_error(in, &e->pos, "this expression is not supported yet");
	}
}
