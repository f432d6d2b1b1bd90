/* parse_top.c: the top level (globals, functions, probes, probe points) and script_parse. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "script/parse_priv.h"

static const char top_hint[] = "a script holds probe POINT { ... }, function NAME (ARGS) { ... } "
			       "and global NAME declarations";
static const char point_hint[] = "probe points look like process(\"PATH\").function(\"NAME\"), "
				 "process(\"PATH\").function(\"NAME\").return, begin, end, "
				 "timer.ms(100)";

/* Probe points whose first component belongs to the kernel (SystemTap's
 * own families and its best-known tapset aliases). */
static const char *const kernel_families[] = {
    "kernel",	  "module",	 "kprobe",	   "syscall",
    "nd_syscall", "syscall_any", "nd_syscall_any", "netfilter",
    "perf",	  "procfs",	 "tracepoint",	   "vfs",
    "nfs",	  "nfsd",	 "ioblock",	   "ioscheduler",
    "scheduler",  "signal",	 "socket",	   "tcp",
    "udp",	  "netdev",	 "irq_handler",	   "softirq",
    "workqueue",  "vm",		 "kprocess",	   "scsi",
    "sunrpc",	  NULL,
};

/* What goes inside a component's parentheses, for "begin()" and the like. */
static const struct {
	const char *name;
	const char *usage;
	bool required;
} comp_args[] = {
    {"function", "function(\"NAME\"), function(\"NAME@FILE:LINE\")", true},
    {"statement", "statement(\"NAME@FILE:LINE\") or statement(ADDRESS)", true},
    {"mark", "mark(\"NAME\")", true},
    {"provider", "provider(\"NAME\").mark(\"NAME\")", true},
    {"library", "library(\"PATH\")", true},
    {"label", "label(\"NAME\")", true},
    {"plt", "plt, or plt(\"NAME\")", false},
    {"process", "process, process(\"PATH\") or process(PID)", false},
    {"begin", "begin, or begin(N) to order it among the begin probes", false},
    {"end", "end, or end(N) to order it among the end probes", false},
    {"error", "error, or error(N) to order it among the error probes", false},
    {"ms", "timer.ms(N)", true},
    {"s", "timer.s(N)", true},
    {"sec", "timer.sec(N)", true},
    {"us", "timer.us(N)", true},
    {"usec", "timer.usec(N)", true},
    {"ns", "timer.ns(N)", true},
    {"nsec", "timer.nsec(N)", true},
    {"hz", "timer.hz(N)", true},
    {"jiffies", "timer.jiffies(N)", true},
    {"randomize", "timer.ms(N).randomize(M)", true},
    {"maxactive", "return.maxactive(N)", true},
    {NULL, NULL, false},
};

/* Points being built: a component multiplies them, braces fan them out. */
struct point_list {
	struct script_point *v;
	int n;
};

static void free_list(struct point_list *l)
{
	int i, j;

	for (i = 0; i < l->n; i++) {
		for (j = 0; j < l->v[i].ncomps; j++) {
			free(l->v[i].comps[j].name);
			script_expr_free(l->v[i].comps[j].arg);
		}
		free(l->v[i].comps);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* Append copies of SRC's components to DST. */
static bool copy_comps(struct parser *p, struct script_point *dst, const struct script_point *src)
{
	int i;

	for (i = 0; i < src->ncomps; i++) {
		struct script_component *c = parse_push(p, &dst->comps, &dst->ncomps, sizeof(*c));

		if (!c)
			return false;
		c->pos = src->comps[i].pos;
		c->name = parse_strdup(p, src->comps[i].name);
		if (!c->name)
			return false;
		if (src->comps[i].arg && !(c->arg = parse_copy_literal(p, src->comps[i].arg)))
			return false;
	}
	return true;
}

/* LIST becomes every point of LIST followed by every point of SUFFIX. */
static bool product(struct parser *p, struct point_list *list, const struct point_list *suffix)
{
	struct point_list out = {NULL, 0};
	int i, j;

	if ((long)list->n * suffix->n > PARSE_MAX_POINTS) {
		parse_fail(p, suffix->v[0].pos, "list the points, or split the probe",
			   "the braces expand to more than %d probe points", PARSE_MAX_POINTS);
		return false;
	}
	for (i = 0; i < list->n; i++) {
		if (list->v[i].optional && suffix->n) {
			parse_fail(p, suffix->v[0].pos, point_hint,
				   "'?' and '!' go after a probe point's last component");
			goto fail;
		}
		for (j = 0; j < suffix->n; j++) {
			struct script_point *pt = parse_push(p, &out.v, &out.n, sizeof(*pt));

			if (!pt || !copy_comps(p, pt, &list->v[i]) ||
			    !copy_comps(p, pt, &suffix->v[j]))
				goto fail;
			pt->pos = list->v[i].ncomps ? list->v[i].pos : suffix->v[j].pos;
			pt->optional = suffix->v[j].optional;
			pt->sufficient = suffix->v[j].sufficient;
		}
	}
	free_list(list);
	*list = out;
	return true;
fail:
	free_list(&out);
	return false;
}

static bool parse_alternatives(struct parser *p, struct point_list *out);

/* NAME or NAME(LITERAL); NAME glues adjacent words and '*': "sys_*". */
static bool parse_component(struct parser *p, struct point_list *piece)
{
	const struct script_token *t = parse_next(p), *open;
	char usage[128];
	struct script_point *pt = parse_push(p, &piece->v, &piece->n, sizeof(*pt));
	struct script_component *c = pt ? parse_push(p, &pt->comps, &pt->ncomps, sizeof(*c)) : NULL;
	size_t len;
	int i;

	if (!c)
		return false;
	pt->pos = c->pos = t->pos;
	c->name = parse_strdup(p, t->text);
	if (!c->name)
		return false;
	for (;;) {
		const struct script_token *u = parse_peek(p);
		char *name;

		if (u->space_before ||
		    (u->kind != TK_IDENT && u->kind != TK_KEYWORD && !parse_is_op(u, "*")))
			break;
		len = strlen(c->name);
		name = realloc(c->name, len + strlen(u->text) + 1);
		if (!name) {
			p->oom = true;
			return false;
		}
		strcpy(name + len, u->text);
		c->name = name;
		parse_next(p);
	}
	open = parse_peek(p);
	if (!parse_accept_op(p, "("))
		return true;
	if (parse_is_op(parse_peek(p), ")")) {
		for (i = 0; comp_args[i].name; i++)
			if (strcmp(comp_args[i].name, c->name) == 0)
				break;
		snprintf(usage, sizeof(usage), "write %s", comp_args[i].usage);
		if (comp_args[i].name && comp_args[i].required)
			parse_fail(p, open->pos, usage, "'%s' needs an argument in its parentheses",
				   c->name);
		else if (comp_args[i].name)
			parse_fail(p, open->pos, usage, "'%s' takes no parentheses", c->name);
		else
			parse_fail(p, open->pos,
				   "give it an argument, NAME(\"...\") or NAME(N), or "
				   "drop the '()'",
				   "'%s' takes no parentheses", c->name);
		return false;
	}
	c->arg = parse_literal(p);
	return c->arg && parse_expect_op(p, ")", point_hint, "after the probe point's argument");
}

/* COMPONENT(.COMPONENT)* [?|!], where a component may be {ALTERNATIVES}. */
static bool parse_sequence(struct parser *p, struct point_list *out)
{
	struct point_list list = {NULL, 0};
	struct script_point *start = parse_push(p, &list.v, &list.n, sizeof(*start));
	int i;

	if (!start)
		return false;
	start->pos = parse_peek(p)->pos;
	for (;;) {
		const struct script_token *t = parse_peek(p);
		struct point_list piece = {NULL, 0};
		bool ok;

		if (parse_is_op(t, "{")) {
			if (!parse_enter(p, t->pos, false))
				goto fail;
			parse_next(p);
			ok = parse_alternatives(p, &piece) &&
			     parse_expect_op(p, "}", point_hint, "to close the probe point's '{'");
			parse_leave(p, false);
		} else if (t->kind == TK_IDENT || t->kind == TK_KEYWORD || parse_is_op(t, "*")) {
			ok = parse_component(p, &piece);
		} else {
			parse_expected(p, point_hint, "a probe point");
			ok = false;
		}
		ok = ok && product(p, &list, &piece);
		free_list(&piece);
		if (!ok)
			goto fail;
		if (!parse_accept_op(p, "."))
			break;
	}
	if (parse_is_op(parse_peek(p), "?") || parse_is_op(parse_peek(p), "!")) {
		bool sufficient = parse_is_op(parse_next(p), "!");

		for (i = 0; i < list.n; i++) {
			if (list.v[i].optional) {
				parse_fail(p, p->tok[p->i - 1].pos, point_hint,
					   "'?' or '!' given twice");
				goto fail;
			}
			/* '!' implies '?', as in SystemTap. */
			list.v[i].optional = true;
			list.v[i].sufficient = sufficient;
		}
	}
	*out = list;
	return true;
fail:
	free_list(&list);
	return false;
}

/* SEQUENCE (, SEQUENCE)*: appended to OUT. */
static bool parse_alternatives(struct parser *p, struct point_list *out)
{
	do {
		struct point_list seq = {NULL, 0};
		int i;

		if (!parse_sequence(p, &seq))
			return false;
		if (out->n + seq.n > PARSE_MAX_POINTS) {
			parse_fail(p, seq.v[0].pos, "split the probe",
				   "more than %d probe points in one probe", PARSE_MAX_POINTS);
			free_list(&seq);
			return false;
		}
		for (i = 0; i < seq.n; i++) {
			struct script_point *pt = parse_push(p, &out->v, &out->n, sizeof(*pt));

			if (!pt) {
				free_list(&seq);
				return false;
			}
			*pt = seq.v[i];
			seq.v[i].comps = NULL;
			seq.v[i].ncomps = 0;
		}
		free_list(&seq);
	} while (parse_accept_op(p, ","));
	return true;
}

static bool is_kernel_point(const struct script_point *pt)
{
	int i;

	if (pt->ncomps >= 2 && strcmp(pt->comps[0].name, "timer") == 0 &&
	    strcmp(pt->comps[1].name, "profile") == 0)
		return true;
	for (i = 0; kernel_families[i]; i++)
		if (strcmp(pt->comps[0].name, kernel_families[i]) == 0)
			return true;
	return false;
}

static bool check_user_space(struct parser *p, const struct script_point *pt)
{
	const char *first = pt->comps[0].name;
	bool syscalls = strstr(first, "syscall") != NULL;

	if (!is_kernel_point(pt))
		return true;
	parse_fail(p, pt->pos,
		   syscalls ? "probe the C library's wrapper instead: "
			      "process(\"/lib/x86_64-linux-gnu/libc.so.6\").function(\"open\")"
			    : "probe a program or a library: process(\"PATH\").function(\"NAME\")",
		   "utap probes user space: '%s%s%s%s' is a kernel probe point", first,
		   pt->comps[0].arg ? "(...)" : "", pt->ncomps > 1 ? "." : "",
		   pt->ncomps > 1 ? pt->comps[1].name : "");
	return false;
}

static bool parse_probe(struct parser *p)
{
	struct script_probe *probe =
	    parse_push(p, &p->script->probes, &p->script->nprobes, sizeof(*probe));
	struct point_list points = {NULL, 0};
	const struct script_token *t;
	int i;

	if (!probe)
		return false;
	probe->pos = parse_next(p)->pos;
	if (!parse_alternatives(p, &points)) {
		free_list(&points);
		return false;
	}
	probe->points = points.v;
	probe->npoints = points.n;
	for (i = 0; i < probe->npoints; i++)
		if (!check_user_space(p, &probe->points[i]))
			return false;
	t = parse_peek(p);
	if (parse_is_op(t, "=") || parse_is_op(t, "+="))
		return parse_fail(p, t->pos, "probe the point itself: probe POINT { ... }",
				  "probe aliases are not supported yet");
	if (parse_is_kw(t, "if"))
		return parse_fail(p, t->pos,
				  "test it in the handler: probe POINT { if (!(COND)) next; ... }",
				  "probe point conditions ('if (...)') are not supported yet");
	if (!parse_is_op(t, "{"))
		return parse_expected(p, point_hint, "',' or '{' after the probe point");
	probe->body = parse_block(p, "");
	return probe->body != NULL;
}

static bool parse_global_names(struct parser *p)
{
	static const char hint[] = "global x, y = 5, s = \"text\", a[100], wrapped%[100]";

	for (;;) {
		const struct script_token *t = parse_peek(p);
		struct script_global *g;
		int i;

		if (t->kind != TK_IDENT)
			return parse_expected(p, hint, "a variable name after 'global'");
		for (i = 0; i < p->script->nglobals; i++)
			if (strcmp(p->script->globals[i].name, t->text) == 0)
				return parse_fail(p, t->pos, "declare each global once",
						  "global '%s' declared twice (first at line %d, "
						  "column %d)",
						  t->text, p->script->globals[i].pos.line,
						  p->script->globals[i].pos.col);
		g = parse_push(p, &p->script->globals, &p->script->nglobals, sizeof(*g));
		if (!g)
			return false;
		g->pos = t->pos;
		g->name = parse_strdup(p, parse_next(p)->text);
		if (!g->name)
			return false;
		if (parse_accept_op(p, "%"))
			g->wrap = g->array_declared = true;
		if (parse_accept_op(p, "[")) {
			t = parse_peek(p);
			if (t->kind != TK_NUMBER)
				return parse_expected(p, hint, "the array's size (a number)");
			if (t->num <= 0 || t->num > INT_MAX)
				return parse_fail(p, t->pos,
						  "an array holds 1 to 2147483647 entries",
						  "array size %s out of range", t->text);
			g->array_declared = true;
			g->size = (long)parse_next(p)->num;
			if (!parse_expect_op(p, "]", hint, "after the array's size"))
				return false;
		}
		t = parse_peek(p);
		if (parse_accept_op(p, "=")) {
			if (g->array_declared)
				return parse_fail(p, t->pos, hint,
						  "only a scalar global can be initialized");
			g->init = parse_literal(p);
			if (!g->init)
				return false;
		}
		if (parse_accept_op(p, ";") || !parse_accept_op(p, ","))
			return true;
	}
}

static bool parse_type(struct parser *p, enum script_type *type)
{
	if (parse_accept_kw(p, "long"))
		*type = ST_LONG;
	else if (parse_accept_kw(p, "string"))
		*type = ST_STRING;
	else
		return parse_expected(p, "types are long and string: function f:string (n:long)",
				      "'long' or 'string' after ':'");
	return true;
}

static bool parse_function(struct parser *p)
{
	static const char hint[] =
	    "function NAME (A, B:long) { ... }, function NAME:string () { ... }";
	struct script_function *f;
	const struct script_token *t, *open;
	bool ok;

	parse_next(p);
	t = parse_peek(p);
	if (t->kind != TK_IDENT)
		return parse_expected(p, hint, "a function name after 'function'");
	f = parse_push(p, &p->script->functions, &p->script->nfunctions, sizeof(*f));
	if (!f)
		return false;
	f->pos = t->pos;
	f->name = parse_strdup(p, parse_next(p)->text);
	if (!f->name)
		return false;
	if (parse_accept_op(p, ":") && !parse_type(p, &f->type))
		return false;
	open = parse_peek(p);
	if (!parse_expect_op(p, "(", hint, "after the function's name"))
		return false;
	while (!parse_accept_op(p, ")")) {
		struct script_param *param;
		int i;

		if (f->nparams && !parse_expect_op(p, ",", hint, "between parameters"))
			return false;
		t = parse_peek(p);
		if (t->kind != TK_IDENT)
			return parse_expected(p, hint,
					      "a parameter name or ')' to close the '(' at "
					      "line %d, column %d",
					      open->pos.line, open->pos.col);
		for (i = 0; i < f->nparams; i++)
			if (strcmp(f->params[i].name, t->text) == 0)
				return parse_fail(p, t->pos, hint, "parameter '%s' named twice",
						  t->text);
		param = parse_push(p, &f->params, &f->nparams, sizeof(*param));
		if (!param)
			return false;
		param->pos = t->pos;
		param->name = parse_strdup(p, parse_next(p)->text);
		if (!param->name)
			return false;
		if (parse_accept_op(p, ":") && !parse_type(p, &param->type))
			return false;
	}
	t = parse_peek(p);
	if (parse_is_op(t, ":"))
		return parse_fail(p, t->pos, "give each overload its own name",
				  "function priorities (function f() :N) are not supported");
	p->in_function = true;
	f->body = parse_block(p, "to open the function's body");
	p->in_function = false;
	ok = f->body != NULL;
	return ok;
}

int parse_script(struct parser *p)
{
	while (!p->failed && !p->oom) {
		const struct script_token *t = parse_peek(p);
		bool ok;

		if (t->kind == TK_EOF)
			break;
		if (parse_accept_kw(p, "private")) {
			/* One file, so private changes nothing: "private x" is "private global x".
			 */
			t = parse_peek(p);
			if (t->kind == TK_IDENT) {
				parse_global_names(p);
				continue;
			}
			if (!parse_is_kw(t, "global") && !parse_is_kw(t, "function")) {
				parse_expected(p, top_hint,
					       "'global', 'function' or a name after 'private'");
				break;
			}
		}
		if (parse_is_kw(t, "probe")) {
			ok = parse_probe(p);
		} else if (parse_is_kw(t, "global")) {
			parse_next(p);
			ok = parse_global_names(p);
		} else if (parse_is_kw(t, "function")) {
			ok = parse_function(p);
		} else {
			const struct script_token *n = parse_peek_at(p, 1);
			bool point =
			    t->kind == TK_IDENT &&
			    (parse_is_op(n, ".") || parse_is_op(n, "{") || parse_is_op(n, "("));

			parse_expected(p,
				       point ? "a probe starts with 'probe': probe POINT { ... }"
					     : top_hint,
				       "'probe', 'global' or 'function'");
			ok = false;
		}
		if (!ok)
			break;
	}
	return p->oom ? -ENOMEM : p->failed ? -EINVAL : 0;
}

int script_parse(const char *file, const char *source, char *const *args, int nargs,
		 struct script **out, struct script_error *err)
{
	struct script_error local;
	struct script_tokens toks;
	struct parser p;
	struct script *s;
	int ret;

	if (!err)
		err = &local;
	memset(err, 0, sizeof(*err));
	snprintf(err->file, sizeof(err->file), "%s", file ? file : "");
	*out = NULL;
	ret = script_lex(source, args, nargs, &toks);
	if (ret < 0)
		return ret;
	ret = script_preprocess(&toks, err);
	if (ret < 0)
		goto out;
	s = calloc(1, sizeof(*s));
	if (!s || !(s->file = strdup(file ? file : "")) ||
	    !(s->source = strdup(source ? source : ""))) {
		script_free(s);
		ret = -ENOMEM;
		goto out;
	}
	memset(&p, 0, sizeof(p));
	p.tok = toks.tok;
	p.err = err;
	p.script = s;
	ret = parse_script(&p);
	if (ret < 0)
		script_free(s);
	else
		*out = s;
out:
	script_tokens_free(&toks);
	return ret;
}
