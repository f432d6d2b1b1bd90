/* parse_expr.c: expressions, with SystemTap's operators, precedence and associativity. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "script/parse_priv.h"

static const char lvalue_hint[] =
    "assignments, ++, -- and <<< change a variable, an array element or a $context variable";

struct op_name {
	const char *text;
	enum script_op op;
};

static const struct op_name assign_ops[] = {
    {"=", SO_ASSIGN}, {"<<<", SO_AGG}, {"+=", SO_ADD},	  {"-=", SO_SUB},  {"*=", SO_MUL},
    {"/=", SO_DIV},   {"%=", SO_MOD},  {"<<=", SO_SHL},	  {">>=", SO_SHR}, {"&=", SO_BAND},
    {"^=", SO_BXOR},  {"|=", SO_BOR},  {".=", SO_CONCAT}, {NULL, SO_NONE},
};

/* Binary operators from the loosest to the tightest. "in" sits between '&'
 * and the comparisons, as in SystemTap. */
static const struct op_name levels[][7] = {
    {{"||", SO_LOR}},
    {{"&&", SO_LAND}},
    {{"|", SO_BOR}},
    {{"^", SO_BXOR}},
    {{"&", SO_BAND}},
    {{NULL, SO_NONE}}, /* [KEYS] in ARRAY */
    {{"==", SO_EQ}, {"!=", SO_NE}, {"<", SO_LT}, {"<=", SO_LE}, {">", SO_GT}, {">=", SO_GE}},
    {{"<<", SO_SHL}, {">>", SO_SHR}},
    {{".", SO_CONCAT}},
    {{"+", SO_ADD}, {"-", SO_SUB}},
    {{"*", SO_MUL}, {"/", SO_DIV}, {"%", SO_MOD}},
};
#define LEVEL_IN 5
#define NLEVELS ((int)(sizeof(levels) / sizeof(levels[0])))

static struct script_expr *parse_ternary(struct parser *p);
static struct script_expr *parse_binary(struct parser *p, int level);
static struct script_expr *parse_unary(struct parser *p);

/* A node of KIND over L (LD high) and R (RD high); frees both on failure. */
static struct script_expr *binary(struct parser *p, enum script_expr_kind kind, enum script_op op,
				  struct script_pos pos, struct script_expr *l, int ld,
				  struct script_expr *r, int rd)
{
	struct script_expr *e = parse_new_expr(p, kind, pos);

	if (!e) {
		script_expr_free(l);
		script_expr_free(r);
		return NULL;
	}
	e->op = op;
	if (!parse_add_arg(p, e, l)) {
		script_expr_free(r);
		script_expr_free(e);
		return NULL;
	}
	if (!parse_add_arg(p, e, r)) {
		script_expr_free(e);
		return NULL;
	}
	return parse_done(p, e, parse_max(ld, rd));
}

static bool is_lvalue(const struct script_expr *e)
{
	return e->kind == SE_IDENT || e->kind == SE_INDEX || e->kind == SE_TARGET;
}

static const char *describe(const struct script_expr *e)
{
	switch (e->kind) {
	case SE_NUMBER:
		return "a number";
	case SE_STRING:
		return "a string";
	case SE_CALL:
		return "a function call";
	case SE_STAT:
	case SE_ENTRY:
	case SE_DEFINED:
	case SE_CAST:
	case SE_VAR:
		return "an @ operator's value";
	case SE_IN:
		return "an 'in' test";
	default:
		return "an operator's result";
	}
}

struct script_expr *parse_string_literal(struct parser *p)
{
	const struct script_token *t = parse_next(p);
	struct script_expr *e = parse_new_expr(p, SE_STRING, t->pos);
	size_t len;

	if (!e)
		return NULL;
	e->str = parse_strdup(p, t->text);
	if (!e->str) {
		free(e);
		return NULL;
	}
	/* Adjacent literals are one: "a" "b", "prefix " @1. */
	len = strlen(e->str);
	while (parse_peek(p)->kind == TK_STRING) {
		const char *more = parse_next(p)->text;
		size_t n = strlen(more);
		char *s = realloc(e->str, len + n + 1);

		if (!s) {
			p->oom = true;
			script_expr_free(e);
			return NULL;
		}
		memcpy(s + len, more, n + 1);
		e->str = s;
		len += n;
	}
	return parse_done(p, e, 0);
}

struct script_expr *parse_literal(struct parser *p)
{
	const struct script_token *t = parse_peek(p);
	struct script_expr *e;
	bool neg = false;

	if (t->kind == TK_STRING)
		return parse_string_literal(p);
	if (parse_is_op(t, "-") && parse_peek_at(p, 1)->kind == TK_NUMBER) {
		neg = true;
		parse_next(p);
	}
	if (parse_peek(p)->kind != TK_NUMBER)
		return parse_expected(p, NULL, "a number or a string");
	e = parse_new_expr(p, SE_NUMBER, t->pos);
	if (!e)
		return NULL;
	e->num = parse_next(p)->num;
	if (neg)
		e->num = (int64_t)(0 - (uint64_t)e->num);
	return parse_done(p, e, 0);
}

/* NAME( ARGS ) or NAME[ KEYS ]: the '(' or '[' is current. */
static struct script_expr *parse_list(struct parser *p, struct script_expr *e, const char *close)
{
	const struct script_token *open = parse_next(p);
	char where[96];
	int d = 0;

	snprintf(where, sizeof(where), "to close the '%s' at line %d, column %d", open->text,
		 open->pos.line, open->pos.col);
	if (*close == ')' && parse_accept_op(p, ")"))
		return parse_done(p, e, 0);
	for (;;) {
		struct script_expr *a;

		if (*close == ']' && parse_is_op(parse_peek(p), "*")) {
			parse_fail(p, parse_peek(p)->pos, PARSE_SLICE_HINT,
				   "array slices ('*' as a key) are not supported yet");
			goto fail;
		}
		a = parse_expr(p);
		if (!a || !parse_add_arg(p, e, a))
			goto fail;
		d = parse_max(d, p->depth);
		if (parse_accept_op(p, ","))
			continue;
		if (parse_accept_op(p, close))
			return parse_done(p, e, d);
		parse_expected(p, NULL, "',' or '%s' %s", close, where);
		goto fail;
	}
fail:
	script_expr_free(e);
	return NULL;
}

static struct script_expr *parse_name(struct parser *p)
{
	const struct script_token *t = parse_next(p);
	const struct script_token *n = parse_peek(p);
	enum script_expr_kind kind = parse_is_op(n, "(")   ? SE_CALL
				     : parse_is_op(n, "[") ? SE_INDEX
							   : SE_IDENT;
	struct script_expr *e = parse_new_expr(p, kind, t->pos);

	if (!e)
		return NULL;
	e->name = parse_strdup(p, t->text);
	if (!e->name) {
		free(e);
		return NULL;
	}
	if (kind == SE_IDENT)
		return parse_done(p, e, 0);
	e = parse_list(p, e, kind == SE_CALL ? ")" : "]");
	/* SystemTap would take "a[1][2]" for "a[1]" then a statement "[2]". */
	n = parse_peek(p);
	if (e && parse_is_op(n, "[") && !n->space_before) {
		parse_fail(p, n->pos,
			   kind == SE_CALL ? "keep the result in a variable first"
					   : "an array takes all its keys in one pair of brackets: "
					     "a[k1, k2]",
			   "%s cannot be indexed",
			   kind == SE_CALL ? "a function's result" : "an array element");
		script_expr_free(e);
		return NULL;
	}
	return e;
}

static struct script_expr *parse_primary(struct parser *p)
{
	const struct script_token *t = parse_peek(p);
	struct script_expr *e;
	char where[80];

	switch (t->kind) {
	case TK_NUMBER:
		e = parse_new_expr(p, SE_NUMBER, t->pos);
		if (!e)
			return NULL;
		e->num = parse_next(p)->num;
		return parse_done(p, e, 0);
	case TK_STRING:
		return parse_string_literal(p);
	case TK_IDENT:
		return parse_name(p);
	case TK_AT:
		return parse_at(p);
	case TK_KEYWORD:
		return parse_fail(p, t->pos,
				  parse_is_kw(t, "string") || parse_is_kw(t, "long")
				      ? "'string' and 'long' are types: function f:string (x:long)"
				      : "keywords cannot name variables",
				  "expected an expression, found keyword '%s'", t->text);
	default:
		break;
	}
	if (!parse_is_op(t, "("))
		return parse_expected(p, NULL, "an expression");
	parse_next(p);
	e = parse_expr(p); /* counts the nesting */
	snprintf(where, sizeof(where), "to close the '(' at line %d, column %d", t->pos.line,
		 t->pos.col);
	if (e && !parse_expect_op(p, ")", NULL, where)) {
		script_expr_free(e);
		e = NULL;
	}
	return e;
}

/* $var, @cast, @var with their accessors, or any other primary. */
static struct script_expr *parse_postfix(struct parser *p)
{
	const struct script_token *t = parse_peek(p);
	struct script_expr *e;

	if (t->kind == TK_TARGET)
		return parse_target(p);
	e = parse_primary(p);
	if (e && parse_is_op(parse_peek(p), "->")) {
		parse_fail(p, parse_peek(p)->pos,
			   "@cast(VALUE, \"struct TYPE\")->member reads through a pointer kept "
			   "in a script variable",
			   "'->' follows a context variable ($name), @cast or @var, not %s",
			   describe(e));
		script_expr_free(e);
		return NULL;
	}
	return e;
}

/* ++x, --x, x++, x--. */
static struct script_expr *parse_crement(struct parser *p)
{
	const struct script_token *t = parse_peek(p);
	bool prefix = parse_is_op(t, "++") || parse_is_op(t, "--");
	struct script_expr *o, *e;

	if (prefix)
		parse_next(p);
	o = parse_postfix(p);
	if (!o)
		return NULL;
	if (!prefix) {
		t = parse_peek(p);
		if (!parse_is_op(t, "++") && !parse_is_op(t, "--"))
			return o;
		parse_next(p);
	}
	if (!is_lvalue(o)) {
		parse_fail(p, o->pos, lvalue_hint, "'%s' changes a variable, not %s", t->text,
			   describe(o));
		script_expr_free(o);
		return NULL;
	}
	e = parse_new_expr(p, SE_INCDEC, t->pos);
	if (!e || !parse_add_arg(p, e, o)) {
		if (!e)
			script_expr_free(o);
		script_expr_free(e);
		return NULL;
	}
	e->op = t->text[0] == '+' ? SO_INC : SO_DEC;
	e->postfix = !prefix;
	return parse_done(p, e, p->depth);
}

static struct script_expr *parse_unary(struct parser *p)
{
	static const struct op_name unary[] = {
	    {"+", SO_PLUS}, {"-", SO_NEG}, {"!", SO_NOT}, {"~", SO_BNOT}, {NULL, SO_NONE},
	};
	const struct script_token *t = parse_peek(p);
	struct script_expr *o, *e;
	bool literal;
	int i;

	if (parse_is_op(t, "&"))
		return parse_fail(p, t->pos, "read the value itself: $var, $p->member",
				  "taking an address ('&') is not supported yet");
	for (i = 0; unary[i].text; i++)
		if (parse_is_op(t, unary[i].text))
			break;
	if (!unary[i].text)
		return parse_crement(p);
	if (!parse_enter(p, t->pos, false))
		return NULL;
	parse_next(p);
	literal = parse_peek(p)->kind == TK_NUMBER;
	o = parse_unary(p);
	parse_leave(p, false);
	if (!o)
		return NULL;
	/* "-5" is the number -5 (and -9223372036854775808 fits). */
	if (unary[i].op == SO_NEG && literal && o->kind == SE_NUMBER) {
		o->num = (int64_t)(0 - (uint64_t)o->num);
		o->pos = t->pos;
		return o;
	}
	e = parse_new_expr(p, SE_UNARY, t->pos);
	if (!e || !parse_add_arg(p, e, o)) {
		if (!e)
			script_expr_free(o);
		script_expr_free(e);
		return NULL;
	}
	e->op = unary[i].op;
	return parse_done(p, e, p->depth);
}

static const char *refused_binary(const struct script_token *t, const char **hint)
{
	if (parse_is_op(t, "=~") || parse_is_op(t, "!~")) {
		*hint = "compare with ==, or test substrings with isinstr() or strpos()";
		return "regular expression matching (=~, !~) is not supported yet";
	}
	if (parse_is_op(t, ">>>")) {
		*hint = "shift with '>>' and mask: (x >> n) & ((1 << (64 - n)) - 1)";
		return "the unsigned shift '>>>' is not supported yet";
	}
	return NULL;
}

/* The level of binary operator T (0 is the loosest) and its OP, LEVEL_IN
 * for 'in', or -1. */
static int level_of(const struct script_token *t, enum script_op *op)
{
	int level, i;

	if (parse_is_kw(t, "in"))
		return LEVEL_IN;
	if (t->kind != TK_OP)
		return -1;
	for (level = 0; level < NLEVELS; level++)
		for (i = 0; i < 7 && levels[level][i].text; i++)
			if (strcmp(t->text, levels[level][i].text) == 0) {
				*op = levels[level][i].op;
				return level;
			}
	return -1;
}

/* "in ARRAY" (the 'in' is current) after the keys E holds, D high; E is
 * freed on failure. */
static struct script_expr *finish_in(struct parser *p, struct script_expr *e, int d)
{
	const struct script_token *t;

	e->pos = parse_next(p)->pos;
	t = parse_peek(p);
	if (t->kind != TK_IDENT) {
		parse_expected(p, "KEY in ARRAY tests whether a global array has an element",
			       "an array name after 'in'");
		goto fail;
	}
	e->name = parse_strdup(p, parse_next(p)->text);
	if (!e->name)
		goto fail;
	if (parse_is_op(parse_peek(p), "[")) {
		parse_fail(p, parse_peek(p)->pos, PARSE_SLICE_HINT,
			   "array slices (ARRAY[...] after 'in') are not supported yet");
		goto fail;
	}
	return parse_done(p, e, d);
fail:
	script_expr_free(e);
	return NULL;
}

/* "[K1, K2] in ARRAY": the '[' is current. */
static struct script_expr *parse_bracket_in(struct parser *p)
{
	const struct script_token *open = parse_next(p);
	struct script_expr *e = parse_new_expr(p, SE_IN, open->pos), *k;
	int d = 0;

	if (!e)
		return NULL;
	for (;;) {
		if (parse_is_op(parse_peek(p), "*")) {
			parse_fail(p, parse_peek(p)->pos, PARSE_SLICE_HINT,
				   "array slices ('*' as a key) are not supported yet");
			goto fail;
		}
		k = parse_binary(p, LEVEL_IN + 1);
		if (!k || !parse_add_arg(p, e, k))
			goto fail;
		d = parse_max(d, p->depth);
		if (parse_accept_op(p, ","))
			continue;
		if (parse_accept_op(p, "]"))
			break;
		parse_expected(p, NULL, "',' or ']' to close the '[' at line %d, column %d",
			       open->pos.line, open->pos.col);
		goto fail;
	}
	if (!parse_is_kw(parse_peek(p), "in")) {
		parse_expected(p, "[KEY1, KEY2] in ARRAY tests whether an array has an element",
			       "'in' after the keys");
		goto fail;
	}
	return finish_in(p, e, d);
fail:
	script_expr_free(e);
	return NULL;
}

/* The binary operators of level MIN and tighter, by precedence climbing;
 * all are left associative. After an 'in' only the looser '&', '^', '|',
 * '&&' and '||' may follow, as in SystemTap's grammar. */
static struct script_expr *parse_binary(struct parser *p, int min)
{
	struct script_expr *l, *r;
	int ld, cap = NLEVELS;

	if (min <= LEVEL_IN && parse_is_op(parse_peek(p), "[")) {
		l = parse_bracket_in(p);
		cap = LEVEL_IN;
	} else {
		l = parse_unary(p);
	}
	if (!l)
		return NULL;
	ld = p->depth;
	for (;;) {
		const struct script_token *t = parse_peek(p);
		const char *refused, *hint;
		enum script_op op = SO_NONE;
		int level;

		refused = t->kind == TK_OP ? refused_binary(t, &hint) : NULL;
		if (refused) {
			parse_fail(p, t->pos, hint, "%s", refused);
			script_expr_free(l);
			return NULL;
		}
		level = level_of(t, &op);
		if (level >= cap) {
			parse_fail(p, t->pos, "parenthesize the test: (k in a) == 1",
				   "'%s' cannot follow an 'in' test", t->text);
			script_expr_free(l);
			return NULL;
		}
		if (level < min) {
			p->depth = ld;
			return l;
		}
		if (level == LEVEL_IN) {
			struct script_expr *e = parse_new_expr(p, SE_IN, t->pos);

			if (!e || !parse_add_arg(p, e, l)) {
				if (!e)
					script_expr_free(l);
				script_expr_free(e);
				return NULL;
			}
			l = finish_in(p, e, ld);
			if (!l)
				return NULL;
			ld = p->depth;
			cap = LEVEL_IN;
			continue;
		}
		parse_next(p);
		r = parse_binary(p, level + 1);
		if (!r) {
			script_expr_free(l);
			return NULL;
		}
		l = binary(p, SE_BINARY, op, t->pos, l, ld, r, p->depth);
		if (!l)
			return NULL;
		ld = p->depth;
	}
}

/* COND ? A : B; right associative (a ? b : c ? d : e). */
static struct script_expr *parse_ternary(struct parser *p)
{
	struct script_expr *c, *a, *b, *e;
	const struct script_token *q;
	int d;

	c = parse_binary(p, 0);
	if (!c || !parse_is_op(parse_peek(p), "?"))
		return c;
	q = parse_next(p);
	e = parse_new_expr(p, SE_TERNARY, q->pos);
	if (!e || !parse_add_arg(p, e, c)) {
		if (!e)
			script_expr_free(c);
		goto fail;
	}
	d = p->depth;
	a = parse_expr(p);
	if (!a || !parse_add_arg(p, e, a))
		goto fail;
	d = parse_max(d, p->depth);
	if (!parse_expect_op(p, ":", "COND ? THEN : ELSE", "in the '?:'"))
		goto fail;
	if (!parse_enter(p, q->pos, false))
		goto fail;
	b = parse_ternary(p);
	parse_leave(p, false);
	if (!b || !parse_add_arg(p, e, b))
		goto fail;
	return parse_done(p, e, parse_max(d, p->depth));
fail:
	script_expr_free(e);
	return NULL;
}

/* Assignments, right associative: a = b = c. */
static struct script_expr *parse_assign(struct parser *p)
{
	const struct script_token *t;
	struct script_expr *l, *r;
	int ld, i;

	l = parse_ternary(p);
	if (!l)
		return NULL;
	ld = p->depth;
	t = parse_peek(p);
	for (i = 0; assign_ops[i].text; i++)
		if (parse_is_op(t, assign_ops[i].text))
			break;
	if (!assign_ops[i].text)
		return l;
	if (!is_lvalue(l)) {
		parse_fail(p, l->pos, lvalue_hint, "the left side of '%s' is %s, not a variable",
			   t->text, describe(l));
		script_expr_free(l);
		return NULL;
	}
	parse_next(p);
	r = parse_expr(p);
	if (!r) {
		script_expr_free(l);
		return NULL;
	}
	return binary(p, SE_ASSIGN, assign_ops[i].op, t->pos, l, ld, r, p->depth);
}

struct script_expr *parse_expr(struct parser *p)
{
	struct script_expr *e;

	if (!parse_enter(p, parse_peek(p)->pos, false))
		return NULL;
	e = parse_assign(p);
	parse_leave(p, false);
	return e;
}
