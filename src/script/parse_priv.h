/* parse_priv.h: what the parser's files share: the token cursor, errors, allocation, limits. */
#ifndef UTAP_SCRIPT_PARSE_PRIV_H
#define UTAP_SCRIPT_PARSE_PRIV_H

#include <stdbool.h>
#include <stddef.h>

#include "script/ast.h"
#include "script/lexer.h"

/* Bounds that keep every recursive walk of the tree (the parser's own,
 * dump, free, the checker, the interpreter) far from the stack's end,
 * whatever the input. Real scripts stay well below them. */
#define PARSE_MAX_NESTING 500	   /* parentheses, unary chains, a = b = ..., probe point braces */
#define PARSE_MAX_STMT_NESTING 200 /* blocks and statements inside statements */
/* Height of one expression's tree. The dump parenthesizes every operand
 * that is an operator, which costs at most two levels of nesting per
 * level of height: below PARSE_MAX_NESTING / 2, every dump parses again. */
#define PARSE_MAX_DEPTH 250
#define PARSE_MAX_POINTS 4096 /* probe points one probe's braces may expand to */
#define PARSE_SLICE_HINT "name every key: m[k1, k2]"

struct parser {
	struct script_token *tok; /* after preprocessing; the last is TK_EOF */
	int i;			  /* the current token */
	struct script_error *err;
	bool failed; /* ERR holds the (first) error */
	bool oom;
	bool in_function; /* 'return' is allowed */
	int nesting, stmt_nesting;
	int depth; /* height of the expression parse_* last returned */
	struct script *script;
};

/* The current token; the one K ahead (never past TK_EOF). */
const struct script_token *parse_peek(struct parser *p);
const struct script_token *parse_peek_at(struct parser *p, int k);
/* The current token, and move past it (never past TK_EOF). */
const struct script_token *parse_next(struct parser *p);
bool parse_is_op(const struct script_token *t, const char *op);
bool parse_is_kw(const struct script_token *t, const char *kw);
/* Move past the current token if it is operator OP (keyword KW). */
bool parse_accept_op(struct parser *p, const char *op);
bool parse_accept_kw(struct parser *p, const char *kw);

/* Record the first error at POS; NULL, so callers can return it. */
void *parse_fail(struct parser *p, struct script_pos pos, const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* "expected WHAT, found TOKEN" at the current token; a lexical error
 * token reports its own message instead. NULL. */
void *parse_expected(struct parser *p, const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Move past operator OP or fail: "expected 'OP' WHERE, found ...". */
bool parse_expect_op(struct parser *p, const char *op, const char *hint, const char *where);

/* Zeroed memory, a copy of S; NULL with p->oom set when out of memory. */
void *parse_alloc(struct parser *p, size_t size);
char *parse_strdup(struct parser *p, const char *s);
/* Append a zeroed element of SIZE bytes to the array *ARRAYP holds (a
 * pointer to the array's pointer) of *N elements: the new element, or
 * NULL when out of memory. */
void *parse_push(struct parser *p, void *arrayp, int *n, size_t size);
/* One more level of recursion (of statements when STMT); false (and an
 * error at POS) past the bound. */
bool parse_enter(struct parser *p, struct script_pos pos, bool stmt);
void parse_leave(struct parser *p, bool stmt);

/* A zeroed expression of KIND at POS (NULL when out of memory). */
struct script_expr *parse_new_expr(struct parser *p, enum script_expr_kind kind,
				   struct script_pos pos);
/* E is complete and its tallest operand is D high: E, or NULL (E freed)
 * when that makes it taller than PARSE_MAX_DEPTH. Sets p->depth. */
struct script_expr *parse_done(struct parser *p, struct script_expr *e, int d);
/* E takes A as its next operand; false when out of memory (A is freed). */
bool parse_add_arg(struct parser *p, struct script_expr *e, struct script_expr *a);
static inline int parse_max(int a, int b)
{
	return a > b ? a : b;
}

/* The grammar: expressions (parse_expr.c), $var, @cast, @var and the @
 * operators (parse_target.c), statements (parse_stmt.c), the top level
 * (parse_top.c). */
struct script_expr *parse_expr(struct parser *p);
/* Adjacent string literals as one SE_STRING: "a" "b", "x" @1. */
struct script_expr *parse_string_literal(struct parser *p);
/* $name, $$vars, ... with ->member, [index] and a trailing '$'/'$$'. */
struct script_expr *parse_target(struct parser *p);
/* @count(x) ... @cast(p, "type")->member: the TK_AT token is current. */
struct script_expr *parse_at(struct parser *p);
/* A probe point argument or global initializer: a number (with its sign)
 * or adjacent strings. */
struct script_expr *parse_literal(struct parser *p);
/* A { ... } block; WHERE completes "expected '{' WHERE" when it is missing. */
struct script_stmt *parse_block(struct parser *p, const char *where);
struct script_stmt *parse_stmt(struct parser *p);
/* The whole token stream into p->script. */
int parse_script(struct parser *p);

/* Free a subtree (NULL is fine). */
void script_expr_free(struct script_expr *e);
void script_stmt_free(struct script_stmt *s);
/* A copy of a literal (SE_NUMBER, SE_STRING); NULL when out of memory. */
struct script_expr *parse_copy_literal(struct parser *p, const struct script_expr *e);

#endif
