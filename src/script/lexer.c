/* lexer.c: a script's text into tokens, with script arguments ($1, @1, $#, @#) pasted in. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "script/lexer.h"

struct lexer {
	const char *s; /* the next byte */
	int line, col;
	struct script_tokens *out;
	char *const *args;
	int nargs;
	/* Lexing ARGS[arg_no - 1] in place of "$arg_no": every token takes
	 * the position of the $N, the first one its space_before too. */
	int arg_no;
	struct script_pos at;
	bool at_space;
};

static const char *const keywords[] = {
    "probe",	"global", "private", "function", "if",	   "else",  "for",
    "foreach",	"in",	  "limit",   "return",	 "delete", "while", "break",
    "continue", "next",	  "string",  "long",	 "try",	   "catch", NULL,
};

/* Longest first: the lexer takes the longest operator that matches. */
static const char *const ops3[] = {"<<<", ">>>", "<<=", ">>=", NULL};
static const char *const ops2[] = {
    "==", "!=", "<=", ">=", "=~", "!~", "+=", "-=", "*=", "/=", "%=", "&=", "^=", "|=",
    ".=", "&&", "||", "++", "--", "->", "<<", ">>", "%(", "%?", "%:", "%)", NULL,
};
static const char ops1[] = "+-*/%<>=!~&|^.,;:?()[]{}";

static const char escape_hint[] =
    "escapes are \\n \\t \\r \\a \\b \\f \\v \\\\ \\\" \\' \\?, \\ooo (octal) and \\xHH (hex)";

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_ident_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

/* SystemTap lets '$' continue a name: "$var$" is $var pretty-printed. */
static bool is_ident(char c)
{
	return is_ident_start(c) || is_digit(c) || c == '$';
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static void advance(struct lexer *lx)
{
	if (!*lx->s)
		return;
	if (*lx->s == '\n') {
		lx->line++;
		lx->col = 1;
	} else {
		lx->col++;
	}
	lx->s++;
}

static void advance_n(struct lexer *lx, int n)
{
	while (n-- > 0)
		advance(lx);
}

static struct script_pos here(const struct lexer *lx)
{
	struct script_pos pos = {lx->line, lx->col};

	return lx->arg_no ? lx->at : pos;
}

/* Append a token of KIND; its text is TEXT[0..LEN) (LEN < 0: none). */
static struct script_token *emit(struct lexer *lx, enum script_token_kind kind,
				 struct script_pos pos, bool space, const char *text, int len)
{
	struct script_tokens *out = lx->out;
	struct script_token *t;

	/* Capacity is the next power of two: no separate field to keep. */
	if (out->n >= 8 && (out->n & (out->n - 1)) == 0) {
		t = realloc(out->tok, 2 * (size_t)out->n * sizeof(*t));
		if (!t)
			return NULL;
		out->tok = t;
	} else if (!out->tok) {
		out->tok = malloc(8 * sizeof(*t));
		if (!out->tok)
			return NULL;
	}
	t = &out->tok[out->n];
	memset(t, 0, sizeof(*t));
	if (len >= 0) {
		t->text = malloc((size_t)len + 1);
		if (!t->text)
			return NULL;
		memcpy(t->text, text, (size_t)len);
		t->text[len] = '\0';
	}
	t->kind = kind;
	t->pos = pos;
	t->space_before = space;
	out->n++;
	return t;
}

static int lex_error(struct lexer *lx, struct script_pos pos, bool space, bool fatal,
		     const char *hint, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static int lex_error(struct lexer *lx, struct script_pos pos, bool space, bool fatal,
		     const char *hint, const char *fmt, ...)
{
	struct script_token *t;
	char msg[256];
	int len = 0;
	va_list ap;

	if (lx->arg_no)
		len = snprintf(msg, sizeof(msg), "in command line argument $%d: ", lx->arg_no);
	va_start(ap, fmt);
	vsnprintf(msg + len, sizeof(msg) - (size_t)len, fmt, ap);
	va_end(ap);
	t = emit(lx, TK_ERROR, pos, space, msg, (int)strlen(msg));
	if (!t)
		return -ENOMEM;
	t->hint = hint;
	t->fatal = fatal && !lx->arg_no;
	return 0;
}

/* Skip blanks and comments. 1: something was skipped, 0: nothing, -ENOMEM;
 * an unterminated comment leaves a fatal error token and the end of the text. */
static int skip_space(struct lexer *lx)
{
	int skipped = 0;

	for (;;) {
		if (is_space(*lx->s)) {
			advance(lx);
		} else if (*lx->s == '#' || (lx->s[0] == '/' && lx->s[1] == '/')) {
			while (*lx->s && *lx->s != '\n')
				advance(lx);
		} else if (lx->s[0] == '/' && lx->s[1] == '*') {
			struct script_pos pos = here(lx);

			advance_n(lx, 2);
			while (*lx->s && !(lx->s[0] == '*' && lx->s[1] == '/'))
				advance(lx);
			if (!*lx->s) {
				int ret = lex_error(lx, pos, true, true,
						    "a C-style comment ends with '*/'",
						    "unterminated comment: this '/*' has no '*/'");

				return ret < 0 ? ret : 1;
			}
			advance_n(lx, 2);
		} else {
			return skipped;
		}
		skipped = 1;
	}
}

/* Digits and letters from a digit on: decimal, 0x hex or 0 octal. */
static int lex_number(struct lexer *lx, struct script_pos pos, bool space)
{
	const char *start = lx->s, *p;
	unsigned base = 10;
	uint64_t v = 0;
	int len;
	struct script_token *t;

	while (is_digit(*lx->s) || is_ident_start(*lx->s))
		advance(lx);
	len = (int)(lx->s - start);
	p = start;
	if (len > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	} else if (len > 1 && p[0] == '0') {
		base = 8;
		p++;
	}
	for (; p < lx->s; p++) {
		unsigned d;

		if (is_digit(*p))
			d = (unsigned)(*p - '0');
		else if (base == 16 && *p >= 'a' && *p <= 'f')
			d = (unsigned)(*p - 'a' + 10);
		else if (base == 16 && *p >= 'A' && *p <= 'F')
			d = (unsigned)(*p - 'A' + 10);
		else
			return lex_error(
			    lx, pos, space, false,
			    "a name cannot start with a digit; numbers are 42, 0x2a or 052",
			    "invalid number '%.*s'", len, start);
		if (d >= base)
			return lex_error(
			    lx, pos, space, false,
			    "a number starting with 0 is octal; drop the 0 for decimal",
			    "invalid digit '%c' in the octal number '%.*s'", *p, len, start);
		if (v > (UINT64_MAX - d) / base)
			return lex_error(lx, pos, space, false,
					 "numbers are 64 bits: at most 18446744073709551615",
					 "number '%.*s' out of range", len, start);
		v = v * base + d;
	}
	t = emit(lx, TK_NUMBER, pos, space, start, len);
	if (!t)
		return -ENOMEM;
	t->num = (int64_t)v;
	return 0;
}

static int hex_value(char c)
{
	if (is_digit(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* A "..." literal. The value is the bytes up to the first NUL an escape
 * may put in it (as C would see them). */
static int lex_string(struct lexer *lx, struct script_pos pos, bool space)
{
	size_t len = 0, cap = 32;
	char *buf = malloc(cap), bad[96] = "";
	struct script_pos bad_pos = pos;
	const char *bad_hint = escape_hint;
	int ret = 0;

	if (!buf)
		return -ENOMEM;
	advance(lx);
	for (;;) {
		char c = *lx->s;
		int value = -1;

		if (c == '\0' || c == '\n') {
			free(buf);
			return lex_error(
			    lx, pos, space, false,
			    "a string ends on its line; write \"a\" \"b\" to continue one "
			    "on the next line",
			    "unterminated string: this '\"' has no closing '\"'");
		}
		if (c == '"') {
			advance(lx);
			break;
		}
		if (c == '\\') {
			struct script_pos at = here(lx);
			const char *esc = "\\\"'?abfnrtv", *dec = "\\\"'?\a\b\f\n\r\t\v";
			char e = lx->s[1];
			int n;
			const char *hit = e ? strchr(esc, e) : NULL;

			if (e == '\0' || e == '\n') {
				advance(lx);
				continue; /* reported as unterminated next round */
			}
			advance(lx);
			if (hit) {
				value = (unsigned char)dec[hit - esc];
				advance(lx);
			} else if (e >= '0' && e <= '7') {
				for (value = 0, n = 0; n < 3 && *lx->s >= '0' && *lx->s <= '7';
				     n++) {
					value = value * 8 + (*lx->s - '0');
					advance(lx);
				}
				if (value > 0377 && !bad[0]) {
					bad_pos = at;
					bad_hint = "an octal escape is at most \\377";
					snprintf(bad, sizeof(bad), "octal escape out of range");
				}
			} else if (e == 'x') {
				advance(lx);
				if (hex_value(*lx->s) < 0 && !bad[0]) {
					bad_pos = at;
					bad_hint = "write \\x with one or two hex digits: \\x1b";
					snprintf(bad, sizeof(bad), "'\\x' without hex digits");
				}
				for (value = 0, n = 0; n < 2 && hex_value(*lx->s) >= 0; n++) {
					value = value * 16 + hex_value(*lx->s);
					advance(lx);
				}
			} else {
				if (!bad[0]) {
					bad_pos = at;
					if ((unsigned char)e > ' ' && (unsigned char)e < 0x7f)
						snprintf(bad, sizeof(bad),
							 "unknown escape '\\%c' in a string", e);
					else
						snprintf(bad, sizeof(bad),
							 "unknown escape: '\\' then byte 0x%02x",
							 (unsigned char)e);
				}
				advance(lx);
				continue;
			}
		} else {
			value = (unsigned char)c;
			advance(lx);
		}
		if (len + 2 > cap) {
			char *more = realloc(buf, cap * 2);

			if (!more) {
				free(buf);
				return -ENOMEM;
			}
			buf = more;
			cap *= 2;
		}
		buf[len++] = (char)value;
	}
	buf[len] = '\0';
	if (bad[0])
		ret = lex_error(lx, bad_pos, space, false, bad_hint, "%s", bad);
	else if (!emit(lx, TK_STRING, pos, space, buf, (int)strlen(buf)))
		ret = -ENOMEM;
	free(buf);
	return ret;
}

static int lex_text(struct lexer *lx);

/* $N, @N, $#, @#: C is '$' or '@' and the next byte a digit or '#'. */
static int lex_argument(struct lexer *lx, struct script_pos pos, bool space)
{
	static const char range_hint[] =
	    "give the arguments after the script (utap SCRIPT ARG1 ARG2 ...), or test "
	    "for them: %( $# >= 2 %? $2 %: 0 %)";
	char c = *lx->s, num[24];
	bool count = lx->s[1] == '#';
	long n = 0;
	struct script_token *t;

	advance(lx);
	if (count) {
		advance(lx);
	} else {
		while (is_digit(*lx->s)) {
			if (n < 1000000)
				n = n * 10 + (*lx->s - '0');
			advance(lx);
		}
	}
	if (lx->arg_no)
		return lex_error(lx, pos, space, false,
				 "an argument's text is pasted as it is, without substitutions",
				 "it refers to another argument (%c%s)", c,
				 count ? "#" : (snprintf(num, sizeof(num), "%ld", n), num));
	if (count) {
		snprintf(num, sizeof(num), "%d", lx->nargs);
		if (c == '@')
			return emit(lx, TK_STRING, pos, space, num, (int)strlen(num)) ? 0 : -ENOMEM;
		t = emit(lx, TK_NUMBER, pos, space, num, (int)strlen(num));
		if (!t)
			return -ENOMEM;
		t->num = lx->nargs;
		return 0;
	}
	if (n == 0)
		return lex_error(lx, pos, space, false, range_hint,
				 "command line arguments count from %c1, there is no %c0", c, c);
	if (n > lx->nargs)
		return lex_error(lx, pos, space, false, range_hint,
				 "command line argument %c%ld given, but only %d argument(s)", c, n,
				 lx->nargs);
	if (c == '@') {
		const char *arg = lx->args[n - 1] ? lx->args[n - 1] : "";

		return emit(lx, TK_STRING, pos, space, arg, (int)strlen(arg)) ? 0 : -ENOMEM;
	} else {
		struct lexer sub = {
		    .s = lx->args[n - 1] ? lx->args[n - 1] : "",
		    .line = 1,
		    .col = 1,
		    .out = lx->out,
		    .args = lx->args,
		    .nargs = lx->nargs,
		    .arg_no = (int)n,
		    .at = pos,
		    .at_space = space,
		};

		return lex_text(&sub);
	}
}

/* '%{' ... '%}': refused whole, so the parser says it once. */
static int lex_embedded(struct lexer *lx, struct script_pos pos, bool space)
{
	bool closed;

	advance_n(lx, 2);
	while (*lx->s && !(lx->s[0] == '%' && lx->s[1] == '}'))
		advance(lx);
	closed = *lx->s != '\0';
	advance_n(lx, 2);
	return lex_error(lx, pos, space, !closed, "write it in the script language instead",
			 "embedded C (%%{ %%}) is not supported: utap runs scripts in its own "
			 "interpreter, it never compiles C");
}

static int lex_operator(struct lexer *lx, struct script_pos pos, bool space)
{
	const char *const *op;
	unsigned char c = (unsigned char)*lx->s;

	for (op = ops3; *op; op++)
		if (strncmp(lx->s, *op, 3) == 0)
			break;
	if (*op) {
		advance_n(lx, 3);
		return emit(lx, TK_OP, pos, space, *op, 3) ? 0 : -ENOMEM;
	}
	for (op = ops2; *op; op++)
		if (strncmp(lx->s, *op, 2) == 0)
			break;
	if (*op) {
		advance_n(lx, 2);
		return emit(lx, TK_OP, pos, space, *op, 2) ? 0 : -ENOMEM;
	}
	if (c && strchr(ops1, c)) {
		advance(lx);
		return emit(lx, TK_OP, pos, space, lx->s - 1, 1) ? 0 : -ENOMEM;
	}
	advance(lx);
	if (c == '\\')
		return lex_error(lx, pos, space, false,
				 "a backslash escapes characters inside a string only",
				 "unexpected '\\'");
	if (c > ' ' && c < 0x7f)
		return lex_error(lx, pos, space, false, NULL, "unexpected character '%c'", c);
	/* One error for a whole UTF-8 sequence is enough. */
	while (((unsigned char)*lx->s & 0xc0) == 0x80)
		advance(lx);
	return lex_error(lx, pos, space, false,
			 "only strings and comments may hold bytes outside printable ASCII",
			 "unexpected byte 0x%02x", c);
}

static int lex_one(struct lexer *lx, bool space)
{
	struct script_pos pos = here(lx);
	const char *start = lx->s;
	char c = *lx->s;
	int i;

	if ((c == '$' || c == '@') && (is_digit(lx->s[1]) || lx->s[1] == '#'))
		return lex_argument(lx, pos, space);
	if (c == '$') {
		while (is_ident(*lx->s))
			advance(lx);
		return emit(lx, TK_TARGET, pos, space, start, (int)(lx->s - start)) ? 0 : -ENOMEM;
	}
	if (c == '@') {
		advance(lx);
		if (!is_ident_start(*lx->s))
			return lex_error(lx, pos, space, false,
					 "as in @count(x), @cast(p, \"type\"), @1",
					 "'@' must be followed by a name or an argument number");
		while (is_ident_start(*lx->s) || is_digit(*lx->s))
			advance(lx);
		return emit(lx, TK_AT, pos, space, start, (int)(lx->s - start)) ? 0 : -ENOMEM;
	}
	if (is_ident_start(c)) {
		struct script_token *t;

		while (is_ident(*lx->s))
			advance(lx);
		t = emit(lx, TK_IDENT, pos, space, start, (int)(lx->s - start));
		if (!t)
			return -ENOMEM;
		for (i = 0; keywords[i]; i++)
			if (strcmp(t->text, keywords[i]) == 0)
				t->kind = TK_KEYWORD;
		return 0;
	}
	if (is_digit(c))
		return lex_number(lx, pos, space);
	if (c == '"')
		return lex_string(lx, pos, space);
	if (c == '%' && lx->s[1] == '{')
		return lex_embedded(lx, pos, space);
	return lex_operator(lx, pos, space);
}

static int lex_text(struct lexer *lx)
{
	bool first = true;

	for (;;) {
		int skipped = skip_space(lx);
		bool space;

		if (skipped < 0)
			return skipped;
		if (!*lx->s)
			return 0;
		space = first ? (lx->arg_no ? lx->at_space : true) : skipped > 0;
		first = false;
		if (lex_one(lx, space) < 0)
			return -ENOMEM;
	}
}

int script_lex(const char *source, char *const *args, int nargs, struct script_tokens *out)
{
	struct lexer lx = {
	    .s = source ? source : "",
	    .line = 1,
	    .col = 1,
	    .out = out,
	    .args = args,
	    .nargs = args ? nargs : 0,
	};

	out->tok = NULL;
	out->n = 0;
	if (lex_text(&lx) < 0 || !emit(&lx, TK_EOF, here(&lx), true, NULL, -1)) {
		script_tokens_free(out);
		return -ENOMEM;
	}
	return 0;
}

void script_tokens_free(struct script_tokens *toks)
{
	int i;

	for (i = 0; i < toks->n; i++)
		free(toks->tok[i].text);
	free(toks->tok);
	toks->tok = NULL;
	toks->n = 0;
}

const char *script_token_describe(const struct script_token *tok, char *buf, int size)
{
	switch (tok->kind) {
	case TK_EOF:
		snprintf(buf, (size_t)size, "the end of the file");
		break;
	case TK_IDENT:
		snprintf(buf, (size_t)size, "'%s'", tok->text);
		break;
	case TK_KEYWORD:
		snprintf(buf, (size_t)size, "keyword '%s'", tok->text);
		break;
	case TK_NUMBER:
		snprintf(buf, (size_t)size, "number %s", tok->text);
		break;
	case TK_STRING:
		snprintf(buf, (size_t)size, "string \"%.40s%s\"", tok->text,
			 strlen(tok->text) > 40 ? "..." : "");
		break;
	case TK_OP:
	case TK_TARGET:
	case TK_AT:
		snprintf(buf, (size_t)size, "'%s'", tok->text);
		break;
	case TK_ERROR:
		snprintf(buf, (size_t)size, "a lexical error");
		break;
	}
	return buf;
}
