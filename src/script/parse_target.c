/* parse_target.c: $vars, @cast and @var with their ->member and [index] steps; the @ operators. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "script/parse_priv.h"

static const char at_hint[] = "the @ operators are @count @sum @min @max @avg @variance "
			      "@hist_log @hist_linear @entry @defined @cast @var";

static const struct {
	const char *name;
	enum script_stat stat;
} stats[] = {
    {"@count", STAT_COUNT},
    {"@sum", STAT_SUM},
    {"@min", STAT_MIN},
    {"@max", STAT_MAX},
    {"@avg", STAT_AVG},
    {"@variance", STAT_VARIANCE},
    {"@hist_log", STAT_HIST_LOG},
    {"@hist_linear", STAT_HIST_LINEAR},
    {NULL, STAT_NONE},
};

static struct script_expr *parse_accessors(struct parser *p, struct script_expr *e, int d);

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

/* "(" EXPR, the start of an @ operator's parentheses: EXPR, now E's next
 * operand, or NULL. */
static struct script_expr *at_operand(struct parser *p, struct script_expr *e, const char *what)
{
	struct script_expr *a;

	if (!parse_expect_op(p, "(", NULL, what))
		return NULL;
	a = parse_expr(p);
	if (!a || !parse_add_arg(p, e, a))
		return NULL;
	return a;
}

static char *at_string(struct parser *p, const char *what)
{
	struct script_expr *s;
	char *str;

	if (parse_peek(p)->kind != TK_STRING)
		return parse_expected(p, NULL, "%s", what);
	s = parse_string_literal(p);
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
		if (!n || !parse_add_arg(p, e, n))
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
		e->str =
		    at_string(p, "the variable's name as a string (\"name\" or \"name@file.c\")");
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
struct script_expr *parse_at(struct parser *p)
{
	const struct script_token *t = parse_next(p);
	const char *name = t->text;
	struct script_expr *e;
	int i, d;

	for (i = 0; stats[i].name; i++)
		if (strcmp(name, stats[i].name) == 0)
			break;
	if (stats[i].name) {
		e = parse_new_expr(p, SE_STAT, t->pos);
		if (e)
			e->stat = stats[i].stat;
	} else if (strcmp(name, "@entry") == 0) {
		e = parse_new_expr(p, SE_ENTRY, t->pos);
	} else if (strcmp(name, "@defined") == 0) {
		e = parse_new_expr(p, SE_DEFINED, t->pos);
	} else if (strcmp(name, "@cast") == 0) {
		e = parse_new_expr(p, SE_CAST, t->pos);
	} else if (strcmp(name, "@var") == 0) {
		e = parse_new_expr(p, SE_VAR, t->pos);
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
	if (e->kind == SE_CAST || e->kind == SE_VAR)
		return parse_accessors(p, e, d);
	return parse_done(p, e, d);
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
		if (parse_is_op(t, "->") || (parse_is_op(t, ".") && !t->space_before &&
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
			d = parse_max(d, p->depth);
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
	return parse_done(p, e, d);
fail:
	script_expr_free(e);
	return NULL;
}

struct script_expr *parse_target(struct parser *p)
{
	const struct script_token *t = parse_peek(p);
	struct script_expr *e;

	if (all_dollars(t->text))
		return parse_fail(p, t->pos,
				  "context variables are $name, $$vars, $$parms, $$locals, $return",
				  "expected a name after '%s'", t->text);
	e = parse_new_expr(p, SE_TARGET, t->pos);
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
