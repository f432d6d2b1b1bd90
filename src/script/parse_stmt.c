/* parse_stmt.c: statements and blocks, with SystemTap's optional semicolons. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "script/parse_priv.h"

static const char foreach_hint[] =
    "foreach (KEY in ARRAY), foreach ([K1, K2] in ARRAY), foreach (VALUE = [K1, K2] in ARRAY "
    "limit N); '+' or '-' after one key (or after ARRAY, for the values) sorts";

static struct script_stmt *new_stmt(struct parser *p, enum script_stmt_kind kind,
				    struct script_pos pos)
{
	struct script_stmt *s = parse_alloc(p, sizeof(*s));

	if (s) {
		s->kind = kind;
		s->pos = pos;
	}
	return s;
}

static bool is_top_keyword(const struct script_token *t)
{
	return parse_is_kw(t, "probe") || parse_is_kw(t, "global") || parse_is_kw(t, "function") ||
	       parse_is_kw(t, "private");
}

struct script_stmt *parse_block(struct parser *p, const char *where)
{
	const struct script_token *open = parse_peek(p);
	struct script_stmt *s;

	if (!parse_is_op(open, "{"))
		return parse_expected(p, NULL, "'{'%s%s", where[0] ? " " : "", where);
	s = new_stmt(p, SS_BLOCK, parse_next(p)->pos);
	while (s) {
		const struct script_token *t = parse_peek(p);
		struct script_stmt *sub, **slot;

		if (parse_accept_op(p, "}"))
			break;
		if (t->kind == TK_EOF) {
			parse_fail(p, open->pos, "close it with '}'",
				   "this '{' is never closed: the file ends at line %d first",
				   t->pos.line);
			goto fail;
		}
		if (is_top_keyword(t)) {
			parse_fail(
			    p, t->pos, "close the block with '}' before the next definition",
			    "missing '}': the block opened at line %d, column %d is still open "
			    "at '%s'",
			    open->pos.line, open->pos.col, t->text);
			goto fail;
		}
		sub = parse_stmt(p);
		if (!sub)
			goto fail;
		slot = parse_push(p, &s->body, &s->nbody, sizeof(*slot));
		if (!slot) {
			script_stmt_free(sub);
			goto fail;
		}
		*slot = sub;
	}
	return s;
fail:
	script_stmt_free(s);
	return NULL;
}

/* "KEYWORD ( EXPR )": the keyword is behind us. */
static struct script_expr *parse_condition(struct parser *p, const char *keyword)
{
	const struct script_token *open = parse_peek(p);
	struct script_expr *e;
	char where[96];

	snprintf(where, sizeof(where), "after '%s'", keyword);
	if (!parse_expect_op(p, "(", NULL, where))
		return NULL;
	e = parse_expr(p);
	snprintf(where, sizeof(where), "to close the '(' at line %d, column %d", open->pos.line,
		 open->pos.col);
	if (e && !parse_expect_op(p, ")", NULL, where)) {
		script_expr_free(e);
		return NULL;
	}
	return e;
}

static struct script_stmt *parse_if(struct parser *p, struct script_stmt *s)
{
	s->expr = parse_condition(p, "if");
	if (!s->expr)
		return NULL;
	s->then = parse_stmt(p);
	if (!s->then)
		return NULL;
	if (parse_accept_kw(p, "else")) {
		s->otherwise = parse_stmt(p);
		if (!s->otherwise)
			return NULL;
	}
	return s;
}

static struct script_stmt *parse_while(struct parser *p, struct script_stmt *s)
{
	s->expr = parse_condition(p, "while");
	if (!s->expr)
		return NULL;
	s->then = parse_stmt(p);
	return s->then ? s : NULL;
}

/* for (INIT; COND; STEP) BODY: each part may be empty. */
static struct script_stmt *parse_for(struct parser *p, struct script_stmt *s)
{
	static const char hint[] = "for (INIT; CONDITION; STEP) STATEMENT";
	const struct script_token *open = parse_peek(p);
	char where[96];

	if (!parse_expect_op(p, "(", hint, "after 'for'"))
		return NULL;
	if (!parse_is_op(parse_peek(p), ";") && !(s->init = parse_expr(p)))
		return NULL;
	if (!parse_expect_op(p, ";", hint, "after the for loop's initialization"))
		return NULL;
	if (!parse_is_op(parse_peek(p), ";") && !(s->expr = parse_expr(p)))
		return NULL;
	if (!parse_expect_op(p, ";", hint, "after the for loop's condition"))
		return NULL;
	if (!parse_is_op(parse_peek(p), ")") && !(s->step = parse_expr(p)))
		return NULL;
	snprintf(where, sizeof(where), "to close the '(' at line %d, column %d", open->pos.line,
		 open->pos.col);
	if (!parse_expect_op(p, ")", hint, where))
		return NULL;
	s->then = parse_stmt(p);
	return s->then ? s : NULL;
}

/* A '+' or '-' sort marker, if one is current: +1, -1 or 0. */
static int sort_marker(struct parser *p)
{
	if (parse_accept_op(p, "+"))
		return 1;
	if (parse_accept_op(p, "-"))
		return -1;
	return 0;
}

/* Record a sort by BY (-1: values, K: key K) in direction DIR, once. */
static bool set_sort(struct parser *p, struct script_stmt *s, int by, int dir,
		     struct script_pos pos)
{
	if (!dir)
		return true;
	if (s->sort_dir) {
		parse_fail(p, pos, foreach_hint, "a second sort marker: foreach sorts one way");
		return false;
	}
	s->sort_by = by;
	s->sort_dir = dir;
	return true;
}

static char *loop_variable(struct parser *p, const char *what)
{
	const struct script_token *t = parse_peek(p);

	if (t->kind != TK_IDENT)
		return parse_expected(p, foreach_hint, "%s", what);
	return parse_strdup(p, parse_next(p)->text);
}

static bool parse_foreach_keys(struct parser *p, struct script_stmt *s)
{
	const struct script_token *open = parse_peek(p);
	bool bracket = parse_accept_op(p, "[");

	for (;;) {
		const struct script_token *t = parse_peek(p);
		char **slot = parse_push(p, &s->keys, &s->nkeys, sizeof(*slot));
		int i;

		if (!slot || !(*slot = loop_variable(p, "a key variable")))
			return false;
		for (i = 0; i < s->nkeys - 1; i++)
			if (strcmp(s->keys[i], *slot) == 0) {
				parse_fail(p, t->pos, foreach_hint, "key '%s' named twice", *slot);
				return false;
			}
		if (s->value_var && strcmp(s->value_var, *slot) == 0) {
			parse_fail(p, t->pos, foreach_hint, "'%s' names the value and a key",
				   *slot);
			return false;
		}
		t = parse_peek(p);
		if (!set_sort(p, s, s->nkeys, sort_marker(p), t->pos))
			return false;
		if (!bracket)
			return true;
		if (parse_accept_op(p, ","))
			continue;
		if (parse_accept_op(p, "]"))
			return true;
		parse_expected(p, foreach_hint, "',' or ']' to close the '[' at line %d, column %d",
			       open->pos.line, open->pos.col);
		return false;
	}
}

static struct script_stmt *parse_foreach(struct parser *p, struct script_stmt *s)
{
	static const struct {
		const char *name;
		enum script_stat stat;
	} sorts[] = {
	    {"@count", STAT_COUNT}, {"@sum", STAT_SUM}, {"@min", STAT_MIN},
	    {"@max", STAT_MAX},	    {"@avg", STAT_AVG}, {"@variance", STAT_VARIANCE},
	    {NULL, STAT_NONE},
	};
	const struct script_token *open = parse_peek(p), *t;
	char where[96];
	int i;

	if (!parse_expect_op(p, "(", foreach_hint, "after 'foreach'"))
		return NULL;
	/* "VALUE = [...]" or "VALUE+ = [...]": a name, maybe a marker, then '='. */
	t = parse_peek(p);
	if (t->kind == TK_IDENT &&
	    (parse_is_op(parse_peek_at(p, 1), "=") ||
	     ((parse_is_op(parse_peek_at(p, 1), "+") || parse_is_op(parse_peek_at(p, 1), "-")) &&
	      parse_is_op(parse_peek_at(p, 2), "=")))) {
		s->value_var = parse_strdup(p, parse_next(p)->text);
		if (!s->value_var)
			return NULL;
		if (!set_sort(p, s, -1, sort_marker(p), t->pos))
			return NULL;
		parse_next(p); /* '=' */
	}
	if (!parse_foreach_keys(p, s))
		return NULL;
	if (!parse_accept_kw(p, "in"))
		return parse_expected(p, foreach_hint, "'in' after the foreach's keys");
	t = parse_peek(p);
	if (t->kind == TK_AT && strncmp(t->text, "@hist_", 6) == 0)
		return parse_fail(p, t->pos, "print(@hist_log(x)) prints every bucket",
				  "foreach over a histogram's buckets is not supported yet");
	if (t->kind != TK_IDENT)
		return parse_expected(p, foreach_hint, "an array name after 'in'");
	s->array = parse_strdup(p, parse_next(p)->text);
	if (!s->array)
		return NULL;
	t = parse_peek(p);
	if (parse_is_op(t, "["))
		return parse_fail(p, t->pos, "test the keys inside the loop: if (k2 != 3) continue",
				  "array slices (foreach over ARRAY[...]) are not supported yet");
	if (t->kind == TK_AT) {
		for (i = 0; sorts[i].name; i++)
			if (strcmp(t->text, sorts[i].name) == 0)
				break;
		if (!sorts[i].name)
			return parse_fail(p, t->pos, foreach_hint,
					  "'%s' cannot sort a foreach: @count @sum @min @max @avg "
					  "@variance can",
					  t->text);
		parse_next(p);
		s->sort_stat = sorts[i].stat;
		if (!parse_is_op(parse_peek(p), "+") && !parse_is_op(parse_peek(p), "-"))
			return parse_expected(p, "foreach (k in stats @max-) sorts by each @max",
					      "'+' or '-' after '%s'", t->text);
	}
	t = parse_peek(p);
	if (!set_sort(p, s, -1, sort_marker(p), t->pos))
		return NULL;
	if (parse_accept_kw(p, "limit") && !(s->limit = parse_expr(p)))
		return NULL;
	snprintf(where, sizeof(where), "to close the '(' at line %d, column %d", open->pos.line,
		 open->pos.col);
	if (!parse_expect_op(p, ")", foreach_hint, where))
		return NULL;
	s->then = parse_stmt(p);
	return s->then ? s : NULL;
}

static struct script_stmt *parse_try(struct parser *p, struct script_stmt *s)
{
	static const char hint[] = "try { ... } catch { ... }, or catch (msg) { ... }";

	s->then = parse_block(p, "after 'try'");
	if (!s->then)
		return NULL;
	if (!parse_accept_kw(p, "catch"))
		return parse_expected(p, hint, "'catch' after the try block");
	if (parse_accept_op(p, "(")) {
		s->catch_var = loop_variable(p, "a variable for the error message");
		if (!s->catch_var || !parse_expect_op(p, ")", hint, "after catch's variable"))
			return NULL;
	}
	s->otherwise = parse_block(p, "after 'catch'");
	return s->otherwise ? s : NULL;
}

static struct script_stmt *parse_delete(struct parser *p, struct script_stmt *s)
{
	s->expr = parse_expr(p);
	if (!s->expr)
		return NULL;
	if (s->expr->kind != SE_IDENT && s->expr->kind != SE_INDEX)
		return parse_fail(p, s->expr->pos, "delete a, delete a[k1, k2], delete x",
				  "delete takes a variable, an array or an array element");
	return s;
}

static struct script_stmt *parse_return(struct parser *p, struct script_stmt *s)
{
	const struct script_token *t = parse_peek(p);

	if (!p->in_function)
		return parse_fail(p, s->pos, "'next' leaves a probe handler early",
				  "'return' outside a function");
	if (parse_is_op(t, ";") || parse_is_op(t, "}"))
		return s;
	s->expr = parse_expr(p);
	return s->expr ? s : NULL;
}

/* Keyword-led statements, then an expression; ';' after a simple statement
 * is swallowed (SystemTap's optional semicolons), a lone ';' is a null one. */
static struct script_stmt *parse_stmt_kind(struct parser *p)
{
	static const struct {
		const char *kw;
		enum script_stmt_kind kind;
		struct script_stmt *(*parse)(struct parser *p, struct script_stmt *s);
		bool simple; /* takes a trailing ';' */
	} kws[] = {
	    {"if", SS_IF, parse_if, false},
	    {"while", SS_WHILE, parse_while, false},
	    {"for", SS_FOR, parse_for, false},
	    {"foreach", SS_FOREACH, parse_foreach, false},
	    {"try", SS_TRY, parse_try, false},
	    {"delete", SS_DELETE, parse_delete, true},
	    {"return", SS_RETURN, parse_return, true},
	    {"break", SS_BREAK, NULL, true},
	    {"continue", SS_CONTINUE, NULL, true},
	    {"next", SS_NEXT, NULL, true},
	    {NULL, SS_NULL, NULL, false},
	};
	const struct script_token *t = parse_peek(p);
	struct script_stmt *s, *ret;
	int i;

	if (parse_is_op(t, "{"))
		return parse_block(p, "");
	if (parse_is_op(t, ";"))
		return new_stmt(p, SS_NULL, parse_next(p)->pos);
	for (i = 0; kws[i].kw; i++)
		if (parse_is_kw(t, kws[i].kw))
			break;
	if (kws[i].kw) {
		s = new_stmt(p, kws[i].kind, parse_next(p)->pos);
		if (!s)
			return NULL;
		ret = kws[i].parse ? kws[i].parse(p, s) : s;
		if (!ret) {
			script_stmt_free(s);
			return NULL;
		}
		if (kws[i].simple)
			parse_accept_op(p, ";");
		return s;
	}
	if (parse_is_kw(t, "else"))
		return parse_fail(p, t->pos, "an 'if' takes one statement; group several in { }",
				  "'else' without an 'if'");
	if (parse_is_kw(t, "catch"))
		return parse_fail(p, t->pos, "try { ... } catch { ... }",
				  "'catch' without a 'try'");
	if (t->kind == TK_KEYWORD || parse_is_op(t, "}") || t->kind == TK_EOF)
		return parse_expected(p, NULL, "a statement");
	s = new_stmt(p, SS_EXPR, t->pos);
	if (!s)
		return NULL;
	s->expr = parse_expr(p);
	if (!s->expr) {
		free(s);
		return NULL;
	}
	parse_accept_op(p, ";");
	return s;
}

struct script_stmt *parse_stmt(struct parser *p)
{
	struct script_stmt *s;

	if (!parse_enter(p, parse_peek(p)->pos, true))
		return NULL;
	s = parse_stmt_kind(p);
	parse_leave(p, true);
	return s;
}
