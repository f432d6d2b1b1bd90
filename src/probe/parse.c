/* parse.c: surftrace one-liners ("p BIN:SYM v=%0 s=+8(%di):string") into probes. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe/parse_priv.h"

/* A piece of the probe text; spans keep their place so errors get columns. */
struct span {
	const char *s;
	size_t n;
};

int probe_fail(struct probe_parser *ps, const char *at, const char *hint, const char *fmt, ...)
{
	va_list ap;
	size_t len = strlen(ps->text);
	size_t col;

	if (!ps->err)
		return -EINVAL;
	/* Clamp so a column always names a place in (or just after) the text. */
	col = at && at >= ps->text ? (size_t)(at - ps->text) : 0;
	if (col > len)
		col = len;
	ps->err->column = (int)col + 1;
	va_start(ap, fmt);
	vsnprintf(ps->err->msg, sizeof(ps->err->msg), fmt, ap);
	va_end(ap);
	snprintf(ps->err->hint, sizeof(ps->err->hint), "%s", hint ? hint : "");
	return -EINVAL;
}

bool probe_parse_u64(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;
	unsigned base = 10;
	size_t i = 0;

	if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
	}
	if (i >= n)
		return false;
	for (; i < n; i++) {
		unsigned d;
		char c = s[i];

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (base == 16 && c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (base == 16 && c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return false;
		if (v > (UINT64_MAX - d) / base)
			return false;
		v = v * base + d;
	}
	*out = v;
	return true;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* The next whitespace-separated token at or after *P (spaces inside
 * parentheses do not separate); false at the end. */
static bool next_token(const char **p, struct span *tok)
{
	const char *s = *p;

	while (is_space(*s))
		s++;
	if (!*s)
		return false;
	tok->s = s;
	/* A cast keeps its spaces: !(struct file *)%ax->f_pos is one token. */
	for (int depth = 0; *s && (depth > 0 || !is_space(*s)); s++)
		depth += *s == '(' ? 1 : *s == ')' && depth > 0 ? -1 : 0;
	tok->n = s - tok->s;
	*p = s;
	return true;
}

static bool is_ident(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || (s[0] >= '0' && s[0] <= '9'))
		return false;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (!(c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9')))
			return false;
	}
	return true;
}

/* "p", "r", "P", "R", or uprobe_events' "p:EVENT" / "p:GROUP/EVENT", whose
 * EVENT then names the probe instead of "p0". */
static int parse_kind(struct probe_parser *ps, struct span tok, struct probe *out)
{
	static const char hint[] = "a probe starts with p (function entry) or r (function return)";
	const char *event, *slash;
	size_t n;
	char c = tok.s[0];

	if ((c != 'p' && c != 'r' && c != 'P' && c != 'R') || (tok.n > 1 && tok.s[1] != ':'))
		return probe_fail(ps, tok.s, hint, "unknown probe kind '%.*s'",
				  (int)(tok.n > 32 ? 32 : tok.n), tok.s);
	out->kind = (c == 'p' || c == 'P') ? PROBE_ENTRY : PROBE_RETURN;
	snprintf(out->name, sizeof(out->name), "%c%d", out->kind == PROBE_ENTRY ? 'p' : 'r',
		 out->index);
	if (tok.n == 1)
		return 0;
	event = tok.s + 2;
	n = tok.n - 2;
	slash = memchr(event, '/', n);
	if (slash) {
		n -= slash + 1 - event;
		event = slash + 1;
	}
	if (!is_ident(event, n) || n >= sizeof(out->name))
		return probe_fail(ps, event, "an event name is 1 to 15 letters, digits or '_'",
				  "invalid event name '%.*s'", (int)(n > 32 ? 32 : n), event);
	memcpy(out->name, event, n);
	out->name[n] = '\0';
	ps->named = true;
	return 0;
}

/* The ':' that separates BIN from SYM: the last single ':' after the last
 * '/', so directories may hold ':' and C++ symbols may hold "::". */
static const char *find_colon(struct span tok)
{
	const char *base = tok.s, *end = tok.s + tok.n, *p, *colon = NULL;

	for (p = tok.s; p < end; p++)
		if (*p == '/')
			base = p + 1;
	for (p = base; p < end; p++) {
		if (*p != ':')
			continue;
		if (p + 1 < end && p[1] == ':') {
			p++; /* skip the "::" of a C++ scope */
			continue;
		}
		colon = p;
	}
	return colon;
}

/* Does the name ending just before COLON look like a C/C++ source file
 * ("calls.c" in "prog:calls.c:12")? */
static bool is_source_file(const char *start, const char *colon)
{
	static const char *const exts[] = {".c", ".h", ".cc", ".cpp", ".cxx", ".hpp"};
	const char *name = colon;

	while (name > start && name[-1] != ':' && name[-1] != '/' && name[-1] != ' ')
		name--;
	if (name == start || name[-1] != ':')
		return false; /* no BIN before it */
	for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
		size_t len = strlen(exts[i]);

		if ((size_t)(colon - name) > len && memcmp(colon - len, exts[i], len) == 0)
			return true;
	}
	return false;
}

/* "BIN:FILE:LINE": SYM points at LINE, the ':' before it ends FILE. */
static int parse_source_line(struct probe_parser *ps, struct span tok, const char *sym,
			     const char *end, struct probe *out)
{
	const char *file = sym - 1;
	uint64_t line;

	while (file > tok.s && file[-1] != ':')
		file--;
	if (!probe_parse_u64(sym, end - sym, &line) || line == 0 || line > INT32_MAX)
		return probe_fail(ps, sym, "a line number, e.g. prog:main.c:42",
				  "invalid line number '%.*s'",
				  (int)(end - sym > 16 ? 16 : end - sym), sym);
	if (file - 1 == tok.s)
		return probe_fail(ps, tok.s, "write BIN:FILE:LINE, e.g. ./prog:main.c:42",
				  "missing binary before the source file");
	if (out->kind == PROBE_RETURN)
		return probe_fail(ps, file, "probe the function: r BIN:SYM",
				  "a return probe needs a function, not a source line");
	free(out->bin);
	out->bin = strndup(tok.s, file - 1 - tok.s);
	out->src_file = strndup(file, sym - 1 - file);
	out->src_line = (int)line;
	return out->bin && out->src_file ? 0 : -ENOMEM;
}

static bool ends_with(const char *s, size_t n, const char *suffix)
{
	size_t k = strlen(suffix);

	return n > k && memcmp(s + n - k, suffix, k) == 0;
}

/* Does [S, S+N) name a source file, or a pattern of them? */
static bool is_source_name(const char *s, size_t n)
{
	static const char *const exts[] = {".c", ".h", ".cc", ".cpp", ".cxx", ".hpp", ".hh", ".C"};

	if (memchr(s, '*', n) || memchr(s, '?', n) || memchr(s, '[', n))
		return true;
	for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]); i++)
		if (ends_with(s, n, exts[i]))
			return true;
	return false;
}

/* The ':' that starts a trailing ":LINE" (digits only) in [S, END), or END. */
static const char *line_colon(const char *s, const char *end)
{
	const char *p = end;

	while (p > s && p[-1] >= '0' && p[-1] <= '9')
		p--;
	return p < end && p > s && p[-1] == ':' ? p - 1 : end;
}

/* The '@' of "SYM@FILE" or "SYM@FILE:LINE" in TOK, or NULL.  The '@' of a
 * versioned symbol ("malloc@@GLIBC_2.2.5") is followed by no source file. */
static const char *find_file_at(struct span tok)
{
	const char *end = tok.s + tok.n;

	for (const char *a = tok.s; (a = memchr(a, '@', end - a)); a++) {
		const char *fend = line_colon(a + 1, end);

		if (fend > a + 1 && is_source_name(a + 1, fend - a - 1))
			return a;
	}
	return NULL;
}

/* "BIN:SYM@FILE[:LINE]": the functions SYM names that are declared in FILE
 * (and at or around LINE), found through DWARF when the module is known. */
static int parse_func_in_file(struct probe_parser *ps, struct span tok, const char *at,
			      struct probe *out)
{
	struct span head = {tok.s, (size_t)(at - tok.s)};
	const char *colon = find_colon(head), *end = tok.s + tok.n, *fend = line_colon(at + 1, end);
	uint64_t line = 0;

	if (!colon || colon == tok.s)
		return probe_fail(ps, tok.s, "write BIN:FUNC@FILE, e.g. ./prog:main@main.c",
				  "missing binary before the function");
	if (colon + 1 == at)
		return probe_fail(ps, at, "every function of a file is *@FILE",
				  "missing function before '@'");
	if (fend < end && (!probe_parse_u64(fend + 1, end - fend - 1, &line) || line == 0 ||
			   line > INT32_MAX))
		return probe_fail(ps, fend + 1, "a line number, e.g. prog:main@main.c:42",
				  "invalid line number '%.*s'",
				  (int)(end - fend - 1 > 16 ? 16 : end - fend - 1), fend + 1);
	out->bin = strndup(tok.s, colon - tok.s);
	out->sym = strndup(colon + 1, at - colon - 1);
	out->sym_file = strndup(at + 1, fend - at - 1);
	out->sym_line = (int)line;
	if (!out->bin || !out->sym || !out->sym_file)
		return -ENOMEM;
	out->sym_glob = strpbrk(out->sym, "*?[") != NULL;
	return 0;
}

static int parse_location(struct probe_parser *ps, struct span tok, struct probe *out)
{
	static const char ret_suffix[] = "%return";
	const size_t ret_len = sizeof(ret_suffix) - 1;
	const char *colon = find_colon(tok), *end = tok.s + tok.n;
	const char *sym, *plus = NULL, *p;
	size_t n;

	if (find_file_at(tok))
		return parse_func_in_file(ps, tok, find_file_at(tok), out);
	if (!colon)
		return probe_fail(ps, tok.s, "write BIN:SYM, e.g. /bin/ls:main or libc.so.6:malloc",
				  "missing ':' between binary and symbol");
	if (colon == tok.s)
		return probe_fail(ps, tok.s, "write BIN:SYM, e.g. /bin/ls:main",
				  "missing binary before ':'");
	out->bin = strndup(tok.s, colon - tok.s);
	if (!out->bin)
		return -ENOMEM;
	sym = colon + 1;
	/* uprobe_events' "PATH:OFFSET%return" makes a return probe. */
	if ((size_t)(end - sym) >= ret_len && memcmp(end - ret_len, ret_suffix, ret_len) == 0) {
		out->kind = PROBE_RETURN;
		if (!ps->named) /* "p0" becomes "r0"; an EVENT name stays */
			out->name[0] = 'r';
		end -= ret_len;
	}
	if (probe_parse_plt_suffix(sym, &end, out) < 0)
		return probe_fail(ps, sym, "name the function called: BIN:NAME@plt",
				  "@plt takes a function's name, without an offset");
	n = end - sym;
	if (n == 0)
		return probe_fail(ps, sym, "write BIN:SYM, e.g. /bin/ls:main",
				  "missing symbol after ':'");
	if (sym[0] >= '0' && sym[0] <= '9' && sym - 1 > ps->text &&
	    is_source_file(ps->text, sym - 1))
		return parse_source_line(ps, tok, sym, end, out);
	if (sym[0] >= '0' && sym[0] <= '9') {
		/* A symbol never starts with a digit: a file offset. */
		if (!probe_parse_u64(sym, n, &out->file_offset))
			return probe_fail(
			    ps, sym, "a file offset is decimal or 0x-hex, e.g. bin:0x1139",
			    "invalid file offset '%.*s'", (int)(n > 32 ? 32 : n), sym);
		out->by_file_offset = true;
		return 0;
	}
	for (p = sym; p < end; p++)
		if (*p == '+')
			plus = p;
	if (plus) {
		if (plus == sym)
			return probe_fail(ps, sym, "write BIN:SYM+OFF",
					  "missing symbol before '+'");
		if (!probe_parse_u64(plus + 1, end - plus - 1, &out->sym_offset))
			return probe_fail(
			    ps, plus + 1, "an offset is decimal or 0x-hex, e.g. main+0x10",
			    "invalid offset '%.*s'",
			    (int)(end - plus - 1 > 32 ? 32 : end - plus - 1), plus + 1);
		n = plus - sym;
	}
	out->sym = strndup(sym, n);
	if (!out->sym)
		return -ENOMEM;
	out->sym_glob = strpbrk(out->sym, "*?[") != NULL;
	if (out->sym_glob && plus)
		return probe_fail(ps, plus, "a pattern probes each match's entry: drop +OFF",
				  "a pattern cannot take +OFF");
	return 0;
}

static int add_arg(struct probe_parser *ps, struct span tok, struct probe *out)
{
	const char *eq = memchr(tok.s, '=', tok.n);
	struct probe_arg *args, *arg;
	size_t i, name_len;

	if (!eq || eq == tok.s)
		return probe_fail(ps, tok.s, "e.g. v=%0, p=X%di or s=+0(%si):string",
				  "expected NAME=FETCH");
	name_len = eq - tok.s;
	if (!is_ident(tok.s, name_len))
		return probe_fail(
		    ps, tok.s, "a name is letters, digits and '_', not starting with a digit",
		    "invalid argument name '%.*s'", (int)(name_len > 32 ? 32 : name_len), tok.s);
	for (i = 0; i < out->nargs; i++)
		if (strlen(out->args[i].name) == name_len &&
		    memcmp(out->args[i].name, tok.s, name_len) == 0)
			return probe_fail(ps, tok.s, "give each argument its own name",
					  "duplicate argument name '%.*s'",
					  (int)(name_len > 32 ? 32 : name_len), tok.s);
	args = realloc(out->args, (out->nargs + 1) * sizeof(*args));
	if (!args)
		return -ENOMEM;
	out->args = args;
	arg = &args[out->nargs];
	memset(arg, 0, sizeof(*arg));
	arg->name = strndup(tok.s, name_len);
	if (!arg->name)
		return -ENOMEM;
	/* Counted before the fetch is parsed so probe_free releases it. */
	out->nargs++;
	return probe_parse_arg(ps, eq + 1, tok.s + tok.n, arg);
}

int probe_parse(const char *text, int index, struct probe *out, struct probe_error *err)
{
	struct probe_parser ps = {.text = text ? text : "", .err = err};
	struct span tok;
	const char *p = ps.text;
	int ret;

	memset(out, 0, sizeof(*out));
	if (err)
		memset(err, 0, sizeof(*err));
	out->index = index;
	if (!next_token(&p, &tok))
		return probe_fail(&ps, ps.text, "e.g. p /bin/ls:main or r libc.so.6:malloc",
				  "empty probe");
	ret = parse_kind(&ps, tok, out);
	if (ret)
		goto fail;
	if (!next_token(&p, &tok)) {
		ret = probe_fail(&ps, p, "write BIN:SYM after the kind, e.g. p /bin/ls:main",
				 "missing probe location");
		goto fail;
	}
	ret = parse_location(&ps, tok, out);
	if (ret)
		goto fail;
	ps.kind = out->kind;
	while (next_token(&p, &tok)) {
		if (tok.n >= 2 && tok.s[0] == 'f' && tok.s[1] == ':') {
			/* The filter is the rest of the probe, spaces included. */
			ret = probe_parse_filter(&ps, tok.s + 2, tok.s + strlen(tok.s), out);
			if (ret)
				goto fail;
			break;
		}
		ret = add_arg(&ps, tok, out);
		if (ret)
			goto fail;
	}
	ret = out->plt ? probe_check_plt_args(&ps, out) : 0;
	if (ret)
		goto fail;
	out->text = strdup(ps.text);
	if (!out->text) {
		ret = -ENOMEM;
		goto fail;
	}
	return 0;
fail:
	if (ret == -ENOMEM)
		probe_fail(&ps, ps.text, "", "out of memory");
	probe_free(out);
	return ret;
}

void probe_fetch_free(struct fetch *fetch)
{
	while (fetch) {
		struct fetch *inner = fetch->inner;

		free(fetch);
		fetch = inner;
	}
}

void probe_free(struct probe *probe)
{
	size_t i;

	if (!probe)
		return;
	for (i = 0; i < probe->nargs; i++) {
		free(probe->args[i].name);
		free(probe->args[i].origin);
		probe_expr_free(probe->args[i].expr);
		probe_arg_release_compiled(&probe->args[i]);
	}
	free(probe->args);
	probe_filter_free(probe->filter);
	free(probe->bin);
	free(probe->sym);
	free(probe->src_file);
	free(probe->sym_file);
	free(probe->line_func);
	free(probe->text);
	memset(probe, 0, sizeof(*probe));
}
