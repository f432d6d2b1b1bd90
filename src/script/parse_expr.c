/* parse_expr.c: expressions, with SystemTap's operators, precedence and associativity. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "script/parse_priv.h"

static const char lvalue_hint[] =
	"assignments, ++, -- and <<< change a variable, an array element or a $context variable";
static const char slice_hint[] = "name every key: m[k1, k2]";
static const char at_hint[] = "the @ operators are @count @sum @min @max @avg @variance "
			      "@hist_log @hist_linear @entry @defined @cast @var";

struct op_name {
	const char *text;
	enum script_op op;
};

static const struct op_name assign_ops[] = {
	{"=", SO_ASSIGN},  {"<<<", SO_AGG},  {"+=", SO_ADD},  {"-=", SO_SUB},  {"*=", SO_MUL},
	{"/=", SO_DIV},	   {"%=", SO_MOD},   {"<<=", SO_SHL}, {">>=", SO_SHR}, {"&=", SO_BAND},
	{"^=", SO_BXOR},   {"|=", SO_BOR},   {".=", SO_CONCAT}, {NULL, SO_NONE},
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

static const struct {
	const char *name;
	enum script_stat stat;
} stats[] = {
	{"@count", STAT_COUNT}, {"@sum", STAT_SUM},	      {"@min", STAT_MIN},
	{"@max", STAT_MAX},	{"@avg", STAT_AVG},	      {"@variance", STAT_VARIANCE},
	{"@hist_log", STAT_HIST_LOG}, {"@hist_linear", STAT_HIST_LINEAR}, {NULL, STAT_NONE},
};

static struct script_expr *parse_ternary(struct parser *p);
static struct script_expr *parse_binary(struct parser *p, int level);
static struct script_expr *parse_unary(struct parser *p);

static struct script_expr *new_expr(struct parser *p, enum script_expr_kind kind,
				    struct script_pos pos)
{
	struct script_expr *e = parse_alloc(p, sizeof(*e));

	if (e) {
		e->kind = kind;
		e->pos = pos;
	}
	return e;
}

/* E is complete and its tallest part is D high: bound the tree's height. */
static struct script_expr *done(struct parser *p, struct script_expr *e, int d)
{
	if (d + 1 > PARSE_MAX_DEPTH) {
		parse_fail(p, e->pos, "split it up with local variables",
			   "expression too deep (more than %d levels)", PARSE_MAX_DEPTH);
		script_expr_free(e);
		return NULL;
	}
	p->depth = d + 1;
	return e;
}

static int max(int a, int b)
{
	return a > b ? a : b;
}

/* E takes A as its next operand; false when out of memory (A is freed). */
static bool add_arg(struct parser *p, struct script_expr *e, struct script_expr *a)
{
	struct script_expr **slot = parse_push(p, &e->args, &e->nargs, sizeof(*slot));

	if (!slot) {
		script_expr_free(a);
		return false;
	}
	*slot = a;
	return true;
}

/* A node of KIND over L (LD high) and R (RD high); frees both on failure. */
static struct script_expr *binary(struct parser *p, enum script_expr_kind kind, enum script_op op,
				  struct script_pos pos, struct script_expr *l, int ld,
				  struct script_expr *r, int rd)
{
	struct script_expr *e = new_expr(p, kind, pos);

	if (!e) {
		script_expr_free(l);
		script_expr_free(r);
		return NULL;
	}
	e->op = op;
	if (!add_arg(p, e, l)) {
		script_expr_free(r);
		script_expr_free(e);
		return NULL;
	}
	if (!add_arg(p, e, r)) {
		script_expr_free(e);
		return NULL;
	}
	return done(p, e, max(ld, rd));
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

static bool all_dollars(const char *s)
{
	return s[0] && s[strspn(s, "$")] == '\0';
}

/* NAME ends in PRETTY '$' signs ("$p$", "->name$$"): cut them off. */
static int cut_pretty(char *name)
{
	size_t len = strlen(name), keep = len;

	while (keep > 1 && name[keep - 1] == '$')
		keep--;
	name[keep] = '\0';
	return (int)(len - keep);
}

static struct script_expr *parse_string(struct parser *p)
{
	const struct script_token *t = parse_next(p);
	struct script_expr *e = new_expr(p, SE_STRING, t->pos);
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
	return done(p, e, 0);
}

struct script_expr *parse_literal(struct parser *p)
{
	const struct script_token *t = parse_peek(p);
	struct script_expr *e;
	bool neg = false;

	if (t->kind == TK_STRING)
		return parse_string(p);
	if (parse_is_op(t, "-") && parse_peek_at(p, 1)->kind == TK_NUMBER) {
		neg = true;
		parse_next(p);
	}
	if (parse_peek(p)->kind != TK_NUMBER)
		return parse_expected(p, NULL, "a number or a string");
	e = new_expr(p, SE_NUMBER, t->pos);
	if (!e)
		return NULL;
	e->num = parse_next(p)->num;
	if (neg)
		e->num = (int64_t)(0 - (uint64_t)e->num);
	return done(p, e, 0);
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
		return done(p, e, 0);
	for (;;) {
		struct script_expr *a;

		if (*close == ']' && parse_is_op(parse_peek(p), "*")) {
			parse_fail(p, parse_peek(p)->pos, slice_hint,
				   "array slices ('*' as a key) are not supported yet");
			goto fail;
		}
		a = parse_expr(p);
		if (!a || !add_arg(p, e, a))
			goto fail;
		d = max(d, p->depth);
		if (parse_accept_op(p, ","))
			continue;
		if (parse_accept_op(p, close))
			return done(p, e, d);
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
	struct script_expr *e = new_expr(p, kind, t->pos);

	if (!e)
		return NULL;
	e->name = parse_strdup(p, t->text);
	if (!e->name) {
		free(e);
		return NULL;
	}
	if (kind == SE_IDENT)
		return done(p, e, 0);
	e = parse_list(p, e, kind == SE_CALL ? ")" : "]");
	/* SystemTap would take "a[1][2]" for "a[1]" then a statement "[2]". */
	n = parse_peek(p);
	if (e && parse_is_op(n, "[") && !n->space_before) {
		parse_fail(p, n->pos,
			   kind == SE_CALL ? "keep the result in a variable first"
					   : "an array takes all its keys in one pair of brackets: "
					     "a[k1, k2]",
			   "%s cannot be indexed", kind == SE_CALL ? "a function's result"
								   : "an array element");
		script_expr_free(e);
		return NULL;
	}
	return e;
}

/* "(" EXPR ")" for an @ operator; the '(' is current. */
static struct script_expr *at_operand(struct parser *p, struct script_expr *e, const char *what)
{
	struct script_expr *a;

	if (!parse_expect_op(p, "(", NULL, what))
		return NULL;
	a = parse_expr(p);
	if (!a || !add_arg(p, e, a))
		return NULL;
	return a;
}

static char *at_string(struct parser *p, const char *what)
{
	struct script_expr *s;
	char *str;

	if (parse_peek(p)->kind != TK_STRING)
		return parse_expected(p, NULL, "%s", what);
	s = parse_string(p);
	if (!s)
		return NULL;
	str = s->str;
	s->str = NULL;
	script_expr_free(s);
	return str;
}

/* @count(x) ... @hist_linear(x, lo, hi, step); the height of the
 * tallest operand, or -1. */
static int parse_stat(struct parser *p, struct script_expr *e, const char *name)
{
	int extra = e->stat == STAT_HIST_LINEAR ? 3 : 0, d, i;
	char where[64];

	snprintf(where, sizeof(where), "after '%s'", name);
	if (!at_operand(p, e, where))
		return -1;
	d = p->depth;
	if (e->stat == STAT_VARIANCE && parse_is_op(parse_peek(p), ","))
		extra = 1; /* @variance(x, bit_shift) */
	for (i = 0; i < extra; i++) {
		struct script_expr *n;

		snprintf(where, sizeof(where), "in %s(...)", name);
		if (!parse_expect_op(p, ",", "@hist_linear(x, LOW, HIGH, WIDTH)", where))
			return -1;
		n = parse_literal(p);
		if (!n || !add_arg(p, e, n))
			return -1;
		if (n->kind != SE_NUMBER) {
			parse_fail(p, n->pos, NULL, "%s's parameters are numbers", name);
			return -1;
		}
	}
	snprintf(where, sizeof(where), "to end %s(...)", name);
	if (!parse_expect_op(p, ")", NULL, where))
		return -1;
	if (parse_is_op(parse_peek(p), "[")) {
		parse_fail(p, parse_peek(p)->pos, "print the whole histogram: print(%s(x))",
			   "indexing a histogram (%s(x)[N]) is not supported yet", name);
		return -1;
	}
	return d;
}

/* The rest of @NAME(...) into E: the height of its tallest operand, or -1. */
static int parse_at_kind(struct parser *p, struct script_expr *e, const char *name)
{
	char where[64];
	int d = 0;

	snprintf(where, sizeof(where), "after '%s'", name);
	if (e->kind == SE_STAT)
		return parse_stat(p, e, name);
	if (e->kind == SE_ENTRY || e->kind == SE_DEFINED) {
		if (!at_operand(p, e, where))
			return -1;
		d = p->depth;
		snprintf(where, sizeof(where), "to end %s(...)", name);
		return parse_expect_op(p, ")", NULL, where) ? d : -1;
	}
	if (e->kind == SE_CAST) {
		if (!at_operand(p, e, where))
			return -1;
		d = p->depth;
		if (!parse_expect_op(p, ",", "@cast(POINTER, \"struct TYPE\"[, \"MODULE\"])",
				     "after @cast's pointer"))
			return -1;
		e->str = at_string(p, "the type's name as a string (\"struct foo\")");
		if (!e->str)
			return -1;
		if (!e->str[0]) {
			parse_fail(p, e->pos, "@cast(POINTER, \"struct TYPE\")",
				   "@cast's type is empty");
			return -1;
		}
	} else {
		if (!parse_expect_op(p, "(", NULL, where))
			return -1;
		e->str = at_string(p, "the variable's name as a string (\"name\" or \"name@file.c\")");
		if (!e->str)
			return -1;
	}
	if (parse_accept_op(p, ",")) {
		e->module = at_string(p, "the module (program or library) as a string");
		if (!e->module)
			return -1;
	}
	snprintf(where, sizeof(where), "to end %s(...)", name);
	return parse_expect_op(p, ")", NULL, where) ? d : -1;
}

/* @name(...): the TK_AT token is current. */
static struct script_expr *parse_at(struct parser *p)
{
	const struct script_token *t = parse_next(p);
	const char *name = t->text;
	struct script_expr *e;
	int i, d;

	for (i = 0; stats[i].name; i++)
		if (strcmp(name, stats[i].name) == 0)
			break;
	if (stats[i].name) {
		e = new_expr(p, SE_STAT, t->pos);
		if (e)
			e->stat = stats[i].stat;
	} else if (strcmp(name, "@entry") == 0) {
		e = new_expr(p, SE_ENTRY, t->pos);
	} else if (strcmp(name, "@defined") == 0) {
		e = new_expr(p, SE_DEFINED, t->pos);
	} else if (strcmp(name, "@cast") == 0) {
		e = new_expr(p, SE_CAST, t->pos);
	} else if (strcmp(name, "@var") == 0) {
		e = new_expr(p, SE_VAR, t->pos);
	} else if (strcmp(name, "@define") == 0) {
		return parse_fail(p, t->pos, "write the text out, or use a function",
				  "@define macros are not supported yet");
	} else if (strcmp(name, "@perf") == 0 || strcmp(name, "@kregister") == 0 ||
		   strcmp(name, "@kderef") == 0) {
		return parse_fail(p, t->pos, "utap reads user-space state only",
				  "'%s' reads kernel state: not available in user space", name);
	} else if (strcmp(name, "@uregister") == 0 || strcmp(name, "@uderef") == 0 ||
		   strcmp(name, "@probewrite") == 0 || strcmp(name, "@const") == 0) {
		return parse_fail(p, t->pos, at_hint, "'%s' is not supported yet", name);
	} else {
		return parse_fail(p, t->pos, at_hint, "unknown operator '%s'", name);
	}
	if (!e)
		return NULL;
	d = parse_at_kind(p, e, name);
	if (d < 0) {
		script_expr_free(e);
		return NULL;
	}
	return done(p, e, d);
}

static struct script_expr *parse_primary(struct parser *p)
{
	const struct script_token *t = parse_peek(p);
	struct script_expr *e;
	char where[80];

	switch (t->kind) {
	case TK_NUMBER:
		e = new_expr(p, SE_NUMBER, t->pos);
		if (!e)
			return NULL;
		e->num = parse_next(p)->num;
		return done(p, e, 0);
	case TK_STRING:
		return parse_string(p);
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

/* The member after "->" (or a glued '.') at POS: the operator is behind us. */
static bool parse_member(struct parser *p, struct script_expr *e, struct script_pos pos)
{
	const struct script_token *t = parse_peek(p);
	struct script_access *a;

	if (t->kind == TK_TARGET && all_dollars(t->text)) {
		e->pretty = (int)strlen(parse_next(p)->text); /* "$p->$" */
		return true;
	}
	if (t->kind != TK_IDENT && t->kind != TK_KEYWORD) {
		parse_expected(p, "members are named: $p->next->name", "a member name");
		return false;
	}
	a = parse_push(p, &e->access, &e->naccess, sizeof(*a));
	if (!a)
		return false;
	a->kind = SA_MEMBER;
	a->pos = pos;
	a->member = parse_strdup(p, parse_next(p)->text);
	if (!a->member)
		return false;
	e->pretty = cut_pretty(a->member);
	return true;
}

/* ->member, [index], .member (glued), then a pretty-printing "$"/"$$",
 * after a $var, @cast or @var that is D high. */
static struct script_expr *parse_accessors(struct parser *p, struct script_expr *e, int d)
{
	const struct script_token *t;

	while (!e->pretty) {
		t = parse_peek(p);
		if (parse_is_op(t, "->") ||
		    (parse_is_op(t, ".") && !t->space_before &&
		     (parse_peek_at(p, 1)->kind == TK_IDENT ||
		      parse_peek_at(p, 1)->kind == TK_KEYWORD) &&
		     !parse_peek_at(p, 1)->space_before)) {
			parse_next(p);
			if (!parse_member(p, e, t->pos))
				goto fail;
		} else if (parse_is_op(t, "[")) {
			struct script_access *a;
			struct script_expr *index;
			char where[80];

			parse_next(p);
			if (parse_is_op(parse_peek(p), "*")) {
				parse_fail(p, parse_peek(p)->pos, "index with a number: $p[3]",
					   "'*' is not an index");
				goto fail;
			}
			index = parse_expr(p);
			if (!index)
				goto fail;
			a = parse_push(p, &e->access, &e->naccess, sizeof(*a));
			if (!a) {
				script_expr_free(index);
				goto fail;
			}
			a->kind = SA_INDEX;
			a->pos = t->pos;
			a->index = index;
			d = max(d, p->depth);
			snprintf(where, sizeof(where), "to close the '[' at line %d, column %d",
				 t->pos.line, t->pos.col);
			if (!parse_expect_op(p, "]", NULL, where))
				goto fail;
		} else {
			break;
		}
	}
	t = parse_peek(p);
	if (!e->pretty && t->kind == TK_TARGET && all_dollars(t->text))
		e->pretty = (int)strlen(parse_next(p)->text); /* "$p[1]$", "@cast(...)$" */
	if (e->pretty > 2) {
		parse_fail(p, e->pos, "'$' prints a struct's fields, '$$' nested structs too",
			   "too many '$' signs: %d", e->pretty);
		goto fail;
	}
	t = parse_peek(p);
	if (e->pretty && (parse_is_op(t, "->") || parse_is_op(t, "["))) {
		parse_fail(p, t->pos, "pretty-print last: $p->member$",
			   "nothing may follow a pretty-printing '$'");
		goto fail;
	}
	return done(p, e, d);
fail:
	script_expr_free(e);
	return NULL;
}

/* $var, @cast, @var with their accessors, or any other primary. */
static struct script_expr *parse_postfix(struct parser *p)
{
	const struct script_token *t = parse_peek(p);
	struct script_expr *e;

	if (t->kind == TK_TARGET) {
		if (all_dollars(t->text))
			return parse_fail(p, t->pos,
					  "context variables are $name, $$vars, $$parms, $$locals, "
					  "$return",
					  "expected a name after '%s'", t->text);
		e = new_expr(p, SE_TARGET, t->pos);
		if (!e)
			return NULL;
		e->name = parse_strdup(p, parse_next(p)->text);
		if (!e->name) {
			free(e);
			return NULL;
		}
		e->pretty = cut_pretty(e->name);
		return parse_accessors(p, e, 0);
	}
	if (t->kind == TK_AT && (strcmp(t->text, "@cast") == 0 || strcmp(t->text, "@var") == 0)) {
		e = parse_at(p);
		return e ? parse_accessors(p, e, p->depth - 1) : NULL;
	}
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
	e = new_expr(p, SE_INCDEC, t->pos);
	if (!e || !add_arg(p, e, o)) {
		if (!e)
			script_expr_free(o);
		script_expr_free(e);
		return NULL;
	}
	e->op = t->text[0] == '+' ? SO_INC : SO_DEC;
	e->postfix = !prefix;
	return done(p, e, p->depth);
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
	e = new_expr(p, SE_UNARY, t->pos);
	if (!e || !add_arg(p, e, o)) {
		if (!e)
			script_expr_free(o);
		script_expr_free(e);
		return NULL;
	}
	e->op = unary[i].op;
	return done(p, e, p->depth);
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
		parse_fail(p, parse_peek(p)->pos, slice_hint,
			   "array slices (ARRAY[...] after 'in') are not supported yet");
		goto fail;
	}
	return done(p, e, d);
fail:
	script_expr_free(e);
	return NULL;
}

/* "[K1, K2] in ARRAY": the '[' is current. */
static struct script_expr *parse_bracket_in(struct parser *p)
{
	const struct script_token *open = parse_next(p);
	struct script_expr *e = new_expr(p, SE_IN, open->pos), *k;
	int d = 0;

	if (!e)
		return NULL;
	for (;;) {
		if (parse_is_op(parse_peek(p), "*")) {
			parse_fail(p, parse_peek(p)->pos, slice_hint,
				   "array slices ('*' as a key) are not supported yet");
			goto fail;
		}
		k = parse_binary(p, LEVEL_IN + 1);
		if (!k || !add_arg(p, e, k))
			goto fail;
		d = max(d, p->depth);
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
			struct script_expr *e = new_expr(p, SE_IN, t->pos);

			if (!e || !add_arg(p, e, l)) {
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
	e = new_expr(p, SE_TERNARY, q->pos);
	if (!e || !add_arg(p, e, c)) {
		if (!e)
			script_expr_free(c);
		goto fail;
	}
	d = p->depth;
	a = parse_expr(p);
	if (!a || !add_arg(p, e, a))
		goto fail;
	d = max(d, p->depth);
	if (!parse_expect_op(p, ":", "COND ? THEN : ELSE", "in the '?:'"))
		goto fail;
	if (!parse_enter(p, q->pos, false))
		goto fail;
	b = parse_ternary(p);
	parse_leave(p, false);
	if (!b || !add_arg(p, e, b))
		goto fail;
	return done(p, e, max(d, p->depth));
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
