/* parse_util.c: the parser's token cursor, error reporting, allocation and nesting bound. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "script/parse_priv.h"

const struct script_token *parse_peek(struct parser *p)
{
	return &p->tok[p->i];
}

const struct script_token *parse_peek_at(struct parser *p, int k)
{
	int i = p->i;

	while (k-- > 0 && p->tok[i].kind != TK_EOF)
		i++;
	return &p->tok[i];
}

const struct script_token *parse_next(struct parser *p)
{
	const struct script_token *t = &p->tok[p->i];

	if (t->kind != TK_EOF)
		p->i++;
	return t;
}

bool parse_is_op(const struct script_token *t, const char *op)
{
	return t->kind == TK_OP && strcmp(t->text, op) == 0;
}

bool parse_is_kw(const struct script_token *t, const char *kw)
{
	return t->kind == TK_KEYWORD && strcmp(t->text, kw) == 0;
}

bool parse_accept_op(struct parser *p, const char *op)
{
	if (!parse_is_op(parse_peek(p), op))
		return false;
	parse_next(p);
	return true;
}

bool parse_accept_kw(struct parser *p, const char *kw)
{
	if (!parse_is_kw(parse_peek(p), kw))
		return false;
	parse_next(p);
	return true;
}

static void vfail(struct parser *p, struct script_pos pos, const char *hint, const char *fmt,
		  va_list ap)
{
	char msg[sizeof(p->err->msg)];

	if (p->failed || p->oom)
		return;
	p->failed = true;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	script_fail(p->err, pos, hint, "%s", msg);
}

void *parse_fail(struct parser *p, struct script_pos pos, const char *hint, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(p, pos, hint, fmt, ap);
	va_end(ap);
	return NULL;
}

void *parse_expected(struct parser *p, const char *hint, const char *fmt, ...)
{
	const struct script_token *t = parse_peek(p);
	char what[200], found[80];
	va_list ap;

	if (t->kind == TK_ERROR)
		return parse_fail(p, t->pos, t->hint, "%s", t->text);
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return parse_fail(p, t->pos, hint, "expected %s, found %s", what,
			  script_token_describe(t, found, sizeof(found)));
}

bool parse_expect_op(struct parser *p, const char *op, const char *hint, const char *where)
{
	if (parse_accept_op(p, op))
		return true;
	parse_expected(p, hint, "'%s'%s%s", op, where && where[0] ? " " : "", where ? where : "");
	return false;
}

void *parse_alloc(struct parser *p, size_t size)
{
	void *m = calloc(1, size);

	if (!m)
		p->oom = true;
	return m;
}

char *parse_strdup(struct parser *p, const char *s)
{
	char *copy = strdup(s ? s : "");

	if (!copy)
		p->oom = true;
	return copy;
}

void *parse_push(struct parser *p, void *arrayp, int *n, size_t size)
{
	char *array;

	memcpy(&array, arrayp, sizeof(array));
	/* The capacity is the next power of two (at least 4): no field for it. */
	if (*n == 0 || (*n >= 4 && (*n & (*n - 1)) == 0)) {
		size_t cap = *n ? 2 * (size_t)*n : 4;
		char *more = realloc(array, cap * size);

		if (!more) {
			p->oom = true;
			return NULL;
		}
		array = more;
		memcpy(arrayp, &array, sizeof(array));
	}
	memset(array + (size_t)*n * size, 0, size);
	return array + (size_t)(*n)++ * size;
}

bool parse_enter(struct parser *p, struct script_pos pos, bool stmt)
{
	int *level = stmt ? &p->stmt_nesting : &p->nesting;
	int max = stmt ? PARSE_MAX_STMT_NESTING : PARSE_MAX_NESTING;

	if (*level >= max) {
		parse_fail(p, pos, "split it up with local variables or functions",
			   "nested too deeply (more than %d levels)", max);
		return false;
	}
	(*level)++;
	return true;
}

void parse_leave(struct parser *p, bool stmt)
{
	if (stmt)
		p->stmt_nesting--;
	else
		p->nesting--;
}

struct script_expr *parse_new_expr(struct parser *p, enum script_expr_kind kind,
				   struct script_pos pos)
{
	struct script_expr *e = parse_alloc(p, sizeof(*e));

	if (e) {
		e->kind = kind;
		e->pos = pos;
	}
	return e;
}

struct script_expr *parse_done(struct parser *p, struct script_expr *e, int d)
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

bool parse_add_arg(struct parser *p, struct script_expr *e, struct script_expr *a)
{
	struct script_expr **slot = parse_push(p, &e->args, &e->nargs, sizeof(*slot));

	if (!slot) {
		script_expr_free(a);
		return false;
	}
	*slot = a;
	return true;
}

struct script_expr *parse_copy_literal(struct parser *p, const struct script_expr *e)
{
	struct script_expr *copy = parse_alloc(p, sizeof(*copy));

	if (!copy)
		return NULL;
	copy->kind = e->kind;
	copy->pos = e->pos;
	copy->num = e->num;
	if (e->str) {
		copy->str = parse_strdup(p, e->str);
		if (!copy->str) {
			free(copy);
			return NULL;
		}
	}
	return copy;
}
