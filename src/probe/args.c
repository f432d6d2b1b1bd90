/* args.c: raw fetches as uprobe_events writes them ("+8(%di)", "%ax", "$stack2") into a fetch plan, and :TYPE names. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe/parse_priv.h"

/* Deep enough for any real pointer chain, shallow enough that hostile input
 * cannot exhaust the stack of the recursive descent. */
#define FETCH_MAX_DEPTH 16
/* Beyond this an argument index is surely a typo. */
#define FETCH_MAX_ARG 255

static const char fetch_hint[] =
	"a fetch is %N (argument), %REG, $NAME, @NAME, $retval, $stackN, $argN or +OFF(FETCH)";

/* clang-format off */
static const struct {
	const char *name;
	enum probe_type type;
} type_names[] = {
	{ "u8", PROBE_U8 },   { "u16", PROBE_U16 }, { "u32", PROBE_U32 }, { "u64", PROBE_U64 },
	{ "s8", PROBE_S8 },   { "s16", PROBE_S16 }, { "s32", PROBE_S32 }, { "s64", PROBE_S64 },
	{ "x8", PROBE_X8 },   { "x16", PROBE_X16 }, { "x32", PROBE_X32 }, { "x64", PROBE_X64 },
	{ "string", PROBE_STRING }, { "ustring", PROBE_STRING },
};
/* clang-format on */

static bool is_name_char(char c)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static struct fetch *new_fetch(enum fetch_op op)
{
	struct fetch *f = calloc(1, sizeof(*f));

	if (f)
		f->op = op;
	return f;
}

/* Argument N in System V order: a register, or a stack slot past the 6th. */
static struct fetch *arg_fetch(unsigned n)
{
	int64_t offset = 0;
	int reg = arch_arg_location(n, &offset);
	struct fetch *f = new_fetch(reg >= 0 ? FETCH_REG : FETCH_STACK);

	if (!f)
		return NULL;
	f->reg = reg;
	f->offset = offset;
	return f;
}

static int parse_number_run(const char **p, const char *end, uint64_t *v)
{
	const char *s = *p;

	while (*p < end && is_digit(**p))
		(*p)++;
	return *p > s && probe_parse_u64(s, *p - s, v) ? 0 : -1;
}

/* \IMM: a constant, as uprobe_events writes one (an SDT marker's "$42"). */
static int parse_immediate(struct probe_parser *ps, const char **p, const char *end,
			   struct fetch **out)
{
	const char *at = *p;
	bool neg = false;
	uint64_t n;

	(*p)++;
	if (*p < end && **p == '-') {
		neg = true;
		(*p)++;
	}
	if (*p >= end || !is_digit(**p) || parse_number_run(p, end, &n))
		return probe_fail(ps, at, "e.g. \\42 or \\-1", "expected a number after '\\'");
	*out = new_fetch(FETCH_CONST);
	if (!*out)
		return -ENOMEM;
	(*out)->offset = neg ? (int64_t)(0 - n) : (int64_t)n;
	return 0;
}

static int parse_register(struct probe_parser *ps, const char **p, const char *end,
			  struct fetch **out)
{
	const char *at = *p, *s = *p + 1;
	char name[16], hint[256];
	uint64_t n;
	size_t len = 0, i;
	int reg;

	if (s < end && is_digit(*s)) {
		*p = s;
		if (parse_number_run(p, end, &n) || n > FETCH_MAX_ARG)
			return probe_fail(ps, at, "arguments are %0, %1, ... in call order",
					  "argument index '%.*s' too large",
					  (int)(*p - at > 24 ? 24 : *p - at), at);
		*out = arg_fetch((unsigned)n);
		return *out ? 0 : -ENOMEM;
	}
	while (s + len < end && is_name_char(s[len]))
		len++;
	*p = s + len;
	reg = len < sizeof(name) ? 0 : -1;
	if (reg == 0) {
		memcpy(name, s, len);
		name[len] = '\0';
		reg = arch_reg_index(name);
	}
	if (len > 0 && reg >= 0) {
		*out = new_fetch(FETCH_REG);
		if (!*out)
			return -ENOMEM;
		(*out)->reg = reg;
		return 0;
	}
	/* Tell the user every name that would have worked. */
	len = snprintf(hint, sizeof(hint), "registers are");
	for (i = 0; arch_reg_names[i] && len + 1 < sizeof(hint); i++)
		len += snprintf(hint + len, sizeof(hint) - len, " %%%s", arch_reg_names[i]);
	if (*p == s)
		return probe_fail(ps, at, hint, "missing register name after '%%'");
	return probe_fail(ps, at, hint, "unknown register '%.*s'",
			  (int)(*p - at > 24 ? 24 : *p - at), at);
}

static int parse_variable(struct probe_parser *ps, const char **p, const char *end,
			  struct fetch **out)
{
	static const char hint[] = "variables are $retval, $stack, $stackN and $argN";
	const char *at = *p, *s = *p + 1, *q;
	size_t len = 0;
	uint64_t n;

	while (s + len < end && is_name_char(s[len]))
		len++;
	*p = s + len;
	if (len == 6 && memcmp(s, "retval", 6) == 0) {
		if (ps->kind != PROBE_RETURN)
			return probe_fail(ps, at, "use r BIN:SYM to probe the return",
					  "$retval is only available in return probes (r ...)");
		*out = new_fetch(FETCH_RETVAL);
		return *out ? 0 : -ENOMEM;
	}
	if (len == 5 && memcmp(s, "stack", 5) == 0) {
		*out = new_fetch(FETCH_REG);
		if (*out)
			(*out)->reg = arch_reg_index("sp");
		return *out ? 0 : -ENOMEM;
	}
	/* uprobe_events: $stackN is the Nth word on the stack, $argN (from 1)
	 * the Nth argument. */
	if (len > 5 && memcmp(s, "stack", 5) == 0) {
		q = s + 5;
		if (parse_number_run(&q, s + len, &n) || q != s + len || n > FETCH_MAX_ARG)
			return probe_fail(ps, at, hint, "invalid stack slot '%.*s'",
					  (int)(len + 1 > 24 ? 24 : len + 1), at);
		*out = new_fetch(FETCH_STACK);
		if (*out)
			(*out)->offset = (int64_t)n * 8;
		return *out ? 0 : -ENOMEM;
	}
	if (len > 3 && memcmp(s, "arg", 3) == 0) {
		q = s + 3;
		if (parse_number_run(&q, s + len, &n) || q != s + len || n == 0 ||
		    n > FETCH_MAX_ARG + 1)
			return probe_fail(ps, at, "$arg1 is the first argument",
					  "invalid argument '%.*s'",
					  (int)(len + 1 > 24 ? 24 : len + 1), at);
		*out = arg_fetch((unsigned)n - 1);
		return *out ? 0 : -ENOMEM;
	}
	/* A C name (SystemTap's $var) is an expression of its own, never
	 * inside +OFF(...). */
	return probe_fail(ps, at, "write the name outside: $v->member, or +OFF(%REG)",
			  "'%.*s' by name cannot be inside +OFF(...)",
			  (int)(len + 1 > 24 ? 24 : len + 1), at);
}

static int parse_fetch(struct probe_parser *ps, const char **p, const char *end, int depth,
		       struct fetch **out);

int probe_parse_raw_fetch(struct probe_parser *ps, const char **p, const char *end,
			  struct fetch **out)
{
	return parse_fetch(ps, p, end, 0, out);
}

/* "+OFF(FETCH)" or "-OFF(FETCH)"; kprobes' user-space marker "+uOFF" too. */
static int parse_deref(struct probe_parser *ps, const char **p, const char *end, int depth,
		       struct fetch **out)
{
	const char *at = *p, *s = *p + 1, *open;
	bool negative = **p == '-';
	uint64_t off;
	int ret;

	if (s < end && *s == 'u')
		s++;
	open = s;
	while (open < end && *open != '(')
		open++;
	if (open == s || open == end || !probe_parse_u64(s, open - s, &off) ||
	    off > (negative ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX)) {
		*p = open;
		return probe_fail(ps, s, "an offset is decimal or 0x-hex: +8(%di), -0x10(%bp)",
				  open == end ? "expected '(' after the offset '%.*s'"
					      : "invalid offset '%.*s'",
				  (int)(open - at > 24 ? 24 : open - at), at);
	}
	if (depth >= FETCH_MAX_DEPTH)
		return probe_fail(ps, open, "", "dereferences nested deeper than %d",
				  FETCH_MAX_DEPTH);
	*out = new_fetch(FETCH_DEREF);
	if (!*out)
		return -ENOMEM;
	(*out)->offset = negative ? (int64_t)(0 - off) : (int64_t)off;
	*p = open + 1;
	ret = parse_fetch(ps, p, end, depth + 1, &(*out)->inner);
	if (ret)
		return ret;
	if (*p >= end)
		return probe_fail(ps, open, "every '(' needs its ')'", "unbalanced parenthesis");
	if (**p != ')')
		return probe_fail(ps, *p, "write +OFF(FETCH)", "unexpected '%c' inside parentheses",
				  **p);
	(*p)++;
	return 0;
}

static int parse_fetch(struct probe_parser *ps, const char **p, const char *end, int depth,
		       struct fetch **out)
{
	if (*p >= end)
		return probe_fail(ps, *p, fetch_hint, "missing fetch");
	switch (**p) {
	case '\\':
		return parse_immediate(ps, p, end, out);
	case '%':
		return parse_register(ps, p, end, out);
	case '$':
		return parse_variable(ps, p, end, out);
	case '+':
	case '-':
		return parse_deref(ps, p, end, depth, out);
	case ')':
		if (depth > 0)
			return probe_fail(ps, *p, fetch_hint, "missing fetch inside '()'");
		return probe_fail(ps, *p, "every ')' needs its '('", "unbalanced parenthesis");
	case '@':
	case '!':
		return probe_fail(ps, *p, "write the cast or @NAME outside: !(T *)%di->x",
				  "'%c' cannot be inside +OFF(...)", **p);
	default:
		return probe_fail(ps, *p, fetch_hint, "expected a fetch, not '%c'", **p);
	}
}

int probe_parse_type(struct probe_parser *ps, const char *s, const char *end,
		     enum probe_type *type)
{
	size_t i, n = end - s - 1;

	for (i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++)
		if (strlen(type_names[i].name) == n && memcmp(type_names[i].name, s + 1, n) == 0) {
			*type = type_names[i].type;
			return 0;
		}
	return probe_fail(
	    ps, s, "types are :u8 :u16 :u32 :u64 :s8 :s16 :s32 :s64 :x8 :x16 :x32 :x64 :string",
	    "unknown type '%.*s'", (int)(n + 1 > 24 ? 24 : n + 1), s);
}

