/* expr.c: one probe argument's FETCH: a raw fetch ("X+8(%di):u32") or a
 * C-level one ("!(struct file *)%ax->f_pos", "$ud->a", "@g_cfg->name[2]"),
 * which DWARF compiles later, at each site. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "probe/parse_priv.h"

/* Deeper member chains than this are surely a mistake (or an attack). */
#define EXPR_MAX_ACCESS 32

static bool is_name_start(char c)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_name_char(char c)
{
	return is_name_start(c) || (c >= '0' && c <= '9');
}

static size_t name_len(const char *s, const char *end)
{
	size_t n = 0;

	while (s + n < end && is_name_char(s[n]))
		n++;
	return n;
}

static int column(const struct probe_parser *ps, const char *at)
{
	return (int)(at - ps->text) + 1;
}

void probe_expr_free(struct probe_expr *e)
{
	if (!e)
		return;
	probe_fetch_free(e->raw);
	free(e->name);
	free(e->cast);
	free(e->module);
	free(e->file);
	for (size_t i = 0; i < e->naccess; i++)
		free(e->access[i].member);
	free(e->access);
	free(e);
}

void probe_arg_release_compiled(struct probe_arg *arg)
{
	probe_fetch_free(arg->fetch);
	arg->fetch = NULL;
	for (size_t i = 0; i < arg->nenums; i++)
		free(arg->enums[i].name);
	free(arg->enums);
	arg->enums = NULL;
	arg->nenums = 0;
	free(arg->ctype);
	arg->ctype = NULL;
	for (size_t i = 0; i < arg->nparts; i++) {
		free(arg->parts[i].name);
		probe_expr_free(arg->parts[i].expr);
		probe_arg_release_compiled(&arg->parts[i]);
	}
	free(arg->parts);
	arg->parts = NULL;
	arg->nparts = 0;
}

/* "!(TYPE)" at *P: the type's text, spaces squeezed, into E->cast. */
static int parse_cast(struct probe_parser *ps, const char **p, const char *end,
		      struct probe_expr *e)
{
	const char *open = *p + 1, *s, *close;
	int depth = 0;
	char *out;
	size_t n = 0;

	if (open >= end || *open != '(')
		return probe_fail(ps, *p, "a cast is !(TYPE), e.g. !(struct file *)%ax->f_pos",
				  "expected '(' after '!'");
	for (close = open; close < end; close++) {
		depth += *close == '(' ? 1 : *close == ')' ? -1 : 0;
		if (depth == 0)
			break;
	}
	if (close >= end)
		return probe_fail(ps, open, "every '(' needs its ')'", "unbalanced parenthesis");
	out = malloc(close - open);
	if (!out)
		return -ENOMEM;
	for (s = open + 1; s < close; s++) {
		bool space = *s == ' ' || *s == '\t';

		if (space && (n == 0 || out[n - 1] == ' '))
			continue;
		out[n++] = space ? ' ' : *s;
	}
	while (n && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
	if (n == 0) {
		free(out);
		return probe_fail(ps, open, "e.g. !(u64)%ax or !(struct file *)%di",
				  "missing type inside '!()'");
	}
	e->cast = out;
	e->cast_column = column(ps, open + 1);
	*p = close + 1;
	return 0;
}

/* "@NAME" or "@0xADDR". */
static int parse_at(struct probe_parser *ps, const char **p, const char *end,
		    struct probe_expr *e)
{
	const char *s = *p + 1;
	size_t n = name_len(s, end);

	if (s < end && *s >= '0' && *s <= '9') {
		if (!probe_parse_u64(s, n, &e->addr))
			return probe_fail(ps, s, "an address is decimal or 0x-hex: @0x4010",
					  "invalid address '%.*s'", (int)(n > 24 ? 24 : n), s);
		e->base = PEXPR_ADDR;
	} else if (n) {
		e->name = strndup(s, n);
		if (!e->name)
			return -ENOMEM;
		e->base = PEXPR_GLOBAL;
	} else {
		return probe_fail(ps, *p, "write @NAME (a global) or @0xADDR (a link-time address)",
				  "expected a name or an address after '@'");
	}
	*p = s + n;
	return 0;
}

/* $stack, $stackN, $argN and $retval are raw fetches; any other $NAME is a
 * variable by name. */
static bool is_raw_variable(const char *s, size_t n)
{
	if (n == 6 && memcmp(s, "retval", 6) == 0)
		return true;
	if (n >= 5 && memcmp(s, "stack", 5) == 0)
		return true;
	return n > 3 && memcmp(s, "arg", 3) == 0 && s[3] >= '0' && s[3] <= '9';
}

/* Which C-level base a raw fetch is: %N and $argN are arguments. */
static void classify_raw(const char *at, const char *end, struct probe_expr *e)
{
	e->base = PEXPR_REG;
	if (at[0] == '%' && at + 1 < end && at[1] >= '0' && at[1] <= '9') {
		e->base = PEXPR_ARG;
		e->argn = (unsigned)strtoul(at + 1, NULL, 10);
	} else if (at[0] == '$' && at + 4 < end && memcmp(at + 1, "arg", 3) == 0) {
		e->base = PEXPR_ARG;
		e->argn = (unsigned)strtoul(at + 4, NULL, 10) - 1;
	} else if (e->raw->op == FETCH_RETVAL) {
		e->base = PEXPR_RETVAL;
	}
}

static int parse_base(struct probe_parser *ps, const char **p, const char *end,
		      struct probe_expr *e)
{
	const char *at = *p;
	size_t n;

	e->column = column(ps, at);
	if (at < end && *at == '@') {
		if (at + 1 < end && at[1] == '(')
			return probe_fail(ps, at, "write the cast as !(TYPE)",
					  "surftrace's '@(type)' casts are not supported yet");
		return parse_at(ps, p, end, e);
	}
	if (at < end && *at == '$') {
		n = name_len(at + 1, end);
		if (n && is_name_start(at[1]) && !is_raw_variable(at + 1, n)) {
			e->name = strndup(at + 1, n);
			if (!e->name)
				return -ENOMEM;
			e->base = PEXPR_VAR;
			*p = at + 1 + n;
			return 0;
		}
	}
	int ret = probe_parse_raw_fetch(ps, p, end, &e->raw);

	if (ret)
		return ret;
	classify_raw(at, end, e);
	return 0;
}

static int add_access(struct probe_expr *e, enum probe_access_kind kind, int col)
{
	struct probe_access *grown = realloc(e->access, (e->naccess + 1) * sizeof(*grown));

	if (!grown)
		return -ENOMEM;
	e->access = grown;
	memset(&grown[e->naccess], 0, sizeof(*grown));
	grown[e->naccess].kind = kind;
	grown[e->naccess].column = col;
	e->naccess++;
	return 0;
}

/* "->name", ".name" or "[N]", repeated. */
static int parse_accessors(struct probe_parser *ps, const char **p, const char *end,
			   struct probe_expr *e)
{
	while (*p < end && (**p == '.' || **p == '[' || (**p == '-' && *p + 1 < end && (*p)[1] == '>'))) {
		const char *at = *p, *s = at + (*at == '-' ? 2 : 1), *close;
		struct probe_access *a;
		size_t n;
		int ret;

		if (e->naccess >= EXPR_MAX_ACCESS)
			return probe_fail(ps, at, "", "more than %d members and indexes in a row",
					  EXPR_MAX_ACCESS);
		ret = add_access(e, *at == '-' ? ACCESS_ARROW : *at == '.' ? ACCESS_DOT : ACCESS_INDEX,
				 column(ps, at));
		if (ret)
			return ret;
		a = &e->access[e->naccess - 1];
		if (a->kind == ACCESS_INDEX) {
			uint64_t index;

			close = memchr(s, ']', end - s);
			if (!close)
				return probe_fail(ps, at, "every '[' needs its ']'",
						  "unbalanced bracket");
			if (!probe_parse_u64(s, close - s, &index) || index > INT32_MAX)
				return probe_fail(ps, s, "an index is a number: name[3]",
						  "invalid index '%.*s'",
						  (int)(close - s > 24 ? 24 : close - s), s);
			a->index = (int64_t)index;
			*p = close + 1;
			continue;
		}
		n = name_len(s, end);
		if (!n || !is_name_start(*s))
			return probe_fail(ps, s, "a member is a C name: %1->name, $v.inner.x",
					  "expected a member name after '%.*s'",
					  (int)(s - at), at);
		a->member = strndup(s, n);
		if (!a->member)
			return -ENOMEM;
		*p = s + n;
	}
	return 0;
}

/* The width of TYPE with the format of PREFIX ('X', 'S' or 'U'). */
static enum probe_type with_format(enum probe_type type, char prefix)
{
	int width = (type - PROBE_U8) % 4; /* u8..u64, s8.., x8.. are in rows of 4 */

	if (prefix == 'S')
		return PROBE_S8 + width;
	if (prefix == 'X')
		return PROBE_X8 + width;
	return PROBE_U8 + width;
}

/* surftrace's naming conventions: ip_* print a dotted quad, B16_/B32_/B64_
 * a byte-swapped hex number, b16_/b32_/b64_ a byte-swapped decimal one. */
static void apply_name_format(struct probe_arg *arg)
{
	const char *n = arg->name;
	static const struct {
		const char *prefix;
		unsigned swap;
		enum probe_type type;
	} swaps[] = {
		{"B16_", 2, PROBE_X16}, {"B32_", 4, PROBE_X32}, {"B64_", 8, PROBE_X64},
		{"b16_", 2, PROBE_U16}, {"b32_", 4, PROBE_U32}, {"b64_", 8, PROBE_U64},
	};

	if (strncmp(n, "ip_", 3) == 0) {
		arg->show = SHOW_IPV4;
		if (!arg->typed)
			arg->type = PROBE_U32;
		return;
	}
	for (size_t i = 0; i < sizeof(swaps) / sizeof(swaps[0]); i++) {
		if (strncmp(n, swaps[i].prefix, 4) != 0)
			continue;
		arg->swap = swaps[i].swap;
		if (!arg->typed)
			arg->type = swaps[i].type;
		arg->prefix = swaps[i].type >= PROBE_X8 ? 'X' : 'U';
		return;
	}
}

/* [X|S|U][!(TYPE)]BASE[ACCESSORS][:TYPE]: surftrace writes the format as a
 * prefix (default U), uprobe_events as the type; both may be given, the
 * prefix then sets the format and the type the width. */
int probe_parse_arg(struct probe_parser *ps, const char *s, const char *end, struct probe_arg *arg)
{
	struct probe_expr *e;
	const char *p = s;
	int ret;

	arg->type = PROBE_U64;
	if (end - p >= 2 && (*p == 'X' || *p == 'S' || *p == 'U') && strchr("%$+-!@", p[1])) {
		arg->prefix = *p;
		p++;
	}
	e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	arg->expr = e;
	ret = p < end && *p == '!' ? parse_cast(ps, &p, end, e) : 0;
	if (!ret)
		ret = parse_base(ps, &p, end, e);
	if (!ret)
		ret = parse_accessors(ps, &p, end, e);
	if (ret)
		return ret;
	if (p < end && *p == ':') {
		ret = probe_parse_type(ps, p, end, &arg->type);
		if (ret)
			return ret;
		arg->typed = true;
		p = end;
	}
	if (p < end) {
		if (*p == ')')
			return probe_fail(ps, p, "every ')' needs its '('",
					  "unbalanced parenthesis");
		return probe_fail(ps, p, "a type follows ':', e.g. %di:u32",
				  "unexpected '%.*s' after the fetch",
				  (int)(end - p > 24 ? 24 : end - p), p);
	}
	if (arg->prefix && arg->type == PROBE_STRING)
		return probe_fail(ps, s, "drop the prefix: s=+0(%di):string",
				  "the %c prefix does not apply to :string", arg->prefix);
	if (arg->prefix)
		arg->type = with_format(arg->type, arg->prefix);
	apply_name_format(arg);
	/* A raw fetch is final now: nothing to look up in DWARF. A bare
	 * $retval stays an expression, typed by the function's return type
	 * where DWARF knows it (a double from %xmm0, a char * as a string);
	 * %N stays surftrace's raw register. */
	if (!e->cast && !e->naccess && (e->base == PEXPR_ARG || e->base == PEXPR_REG)) {
		arg->fetch = e->raw;
		e->raw = NULL;
		probe_expr_free(e);
		arg->expr = NULL;
	}
	return 0;
}
