/* lexer.h: a script's tokens, with script arguments pasted in and %( %) conditionals resolved. */
#ifndef UTAP_SCRIPT_LEXER_H
#define UTAP_SCRIPT_LEXER_H

#include <stdbool.h>
#include <stdint.h>

#include "script/ast.h"

enum script_token_kind {
	TK_EOF,
	TK_IDENT,   /* text: "count", "sys_*" pieces are separate tokens */
	TK_KEYWORD, /* text: "probe", "if", "limit", "string", ... */
	TK_NUMBER,  /* num (a value past INT64_MAX wraps, as in SystemTap) */
	TK_STRING,  /* text: the value, escapes decoded */
	TK_OP,	    /* text: "+", "<<<", ".=", "%(", "->", ... */
	TK_TARGET,  /* text: "$x", "$$vars", "$x$", or a lone "$"/"$$" (pretty-print suffix) */
	TK_AT,	    /* text: "@count", "@cast", "@entry", ... */
	/* A lexical mistake, kept as a token so that a %( %) branch that is
	 * skipped may hold it ("%( $# > 1 %? $2 %)"): text is the message,
	 * hint the hint; the parser reports it when it reaches it. */
	TK_ERROR,
};

struct script_token {
	enum script_token_kind kind;
	struct script_pos pos; /* of the token, or of the $N/@N it came from */
	bool space_before;     /* whitespace or a comment (or the file's start) precedes it */
	bool fatal;	       /* TK_ERROR that swallowed the rest of the file (an open comment) */
	char *text;
	int64_t num;
	const char *hint; /* TK_ERROR: a static string, or NULL */
};

struct script_tokens {
	struct script_token *tok; /* the last one is TK_EOF */
	int n;
};

/* Split SOURCE into tokens, ending with TK_EOF. $1..$N are replaced by the
 * tokens of ARGS[N-1], @1..@N by string tokens holding ARGS[N-1], $# and @#
 * by NARGS (a number, a string); those tokens take the position of the $N
 * they replace. Lexical errors (a bad escape, an unterminated string, an
 * argument past NARGS, embedded C) become TK_ERROR tokens. 0, or -ENOMEM
 * (OUT is then empty). */
int script_lex(const char *source, char *const *args, int nargs, struct script_tokens *out);

/* Resolve the %( COND %? THEN %: ELSE %) conditionals of TOKS in place:
 * only the chosen branches' tokens remain. 0, -EINVAL with ERR filled (a
 * malformed or unknown condition, a missing %), an error token inside a
 * condition), or -ENOMEM. */
int script_preprocess(struct script_tokens *toks, struct script_error *err);

/* Free every token's text and the array; TOKS is left empty. */
void script_tokens_free(struct script_tokens *toks);

/* "'x'", "number 5", "string \"abc\"", "keyword 'probe'", "'+'", "the end
 * of the file": a token for messages. Writes at most SIZE bytes to BUF and
 * returns BUF. */
const char *script_token_describe(const struct script_token *tok, char *buf, int size);

/* Fill ERR (its file is left alone) with POS, HINT (or none) and the
 * printf-style message; returns -EINVAL. ERR may be NULL. */
int script_fail(struct script_error *err, struct script_pos pos, const char *hint, const char *fmt,
		...) __attribute__((format(printf, 4, 5)));

#endif
