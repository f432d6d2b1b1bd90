/* points.c: a script's probe points, as session events or one-liner probes. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "script/points.h"

/* Probe points of SystemTap's that exist only in the kernel. */
static const char *const kernel_points[] = {
	"kernel",  "kprobe",  "kretprobe", "module",  "syscall", "nd_syscall", "netfilter",
	"perf",	   "procfs",  "kprocess",  "vfs",     "ioblock", "scheduler",  "signal",
	"socket",  "tcp",     "udp",	   "nfs",     "nfsd",	 "sunrpc",     "irq_handler",
	"softirq", "workqueue", "tty",	   "memory",  "vm",	 "hrtimer",    "tracepoint",
	"generic", "netdev",  "scsi",	   "kernel_trace", NULL,
};

static int fail(struct script_error *err, const struct script_pos *pos, const char *hint,
		const char *fmt, ...)
{
	va_list ap;

	err->line = pos->line;
	err->col = pos->col;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	snprintf(err->hint, sizeof(err->hint), "%s", hint ? hint : "");
	return -EINVAL;
}

static bool is(const struct script_component *c, const char *name)
{
	return strcmp(c->name, name) == 0;
}

static const char *str_arg(const struct script_component *c)
{
	return c->arg && c->arg->kind == SE_STRING ? c->arg->str : NULL;
}

static bool num_arg(const struct script_component *c, int64_t *v)
{
	if (!c->arg || c->arg->kind != SE_NUMBER)
		return false;
	*v = c->arg->num;
	return true;
}

void script_point_text(const struct script_point *point, char *buf, size_t n)
{
	size_t len = 0;

	buf[0] = '\0';
	for (int i = 0; i < point->ncomps && len < n; i++) {
		const struct script_component *c = &point->comps[i];

		if (!c->arg)
			len += (size_t)snprintf(buf + len, n - len, "%s%s", i ? "." : "", c->name);
		else if (c->arg->kind == SE_STRING)
			len += (size_t)snprintf(buf + len, n - len, "%s%s(\"%s\")", i ? "." : "",
						c->name, c->arg->str);
		else
			len += (size_t)snprintf(buf + len, n - len, "%s%s(%lld)", i ? "." : "",
						c->name, (long long)c->arg->num);
	}
}

/* begin, end, error, optionally with a priority: begin(-1). */
static int session_event(const struct script_point *pt, enum script_point_kind kind,
			 struct script_where *out, struct script_error *err)
{
	const struct script_component *c = &pt->comps[0];

	if (pt->ncomps > 1)
		return fail(err, &pt->comps[1].pos, NULL, "'%s' has no '.%s'", c->name,
			    pt->comps[1].name);
	if (c->arg && !num_arg(c, &out->priority))
		return fail(err, &c->arg->pos, "e.g. probe begin(-1) runs before probe begin",
			    "'%s' takes a number (its priority), not a string", c->name);
	out->kind = kind;
	return 0;
}

static int timer(const struct script_point *pt, struct script_where *out,
		 struct script_error *err)
{
	static const struct {
		const char *unit;
		uint64_t ns; /* per unit; 0: hz */
	} units[] = {{"ns", 1},		{"us", 1000},	      {"ms", 1000000},
		     {"s", 1000000000}, {"sec", 1000000000}, {"hz", 0}};
	const struct script_component *c;
	int64_t v;

	if (pt->ncomps < 2)
		return fail(err, &pt->comps[0].pos, "e.g. timer.ms(100), timer.s(1), timer.hz(10)",
			    "'timer' needs a unit");
	c = &pt->comps[1];
	if (pt->ncomps > 2)
		return fail(err, &pt->comps[2].pos, NULL, "timer.%s.%s is not supported yet",
			    c->name, pt->comps[2].name);
	if (is(c, "jiffies") || is(c, "profile"))
		return fail(err, &c->pos, "use timer.ms(N), timer.s(N) or timer.hz(N)",
			    "timer.%s counts kernel ticks: utap probes user space", c->name);
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (!is(c, units[i].unit))
			continue;
		if (!num_arg(c, &v) || v <= 0)
			return fail(err, c->arg ? &c->arg->pos : &c->pos, NULL,
				    "timer.%s takes a positive number, e.g. timer.%s(10)", c->name,
				    c->name);
		out->kind = POINT_TIMER;
		out->period_ns = units[i].ns ? (uint64_t)v * units[i].ns : 1000000000u / (uint64_t)v;
		if (!out->period_ns)
			out->period_ns = 1;
		return 0;
	}
	return fail(err, &c->pos, "units are ns, us, ms, s, hz", "unknown timer unit '%s'",
		    c->name);
}

/* process[("PATH")].begin/.end, process[("PATH")].thread.begin/.end:
 * the traced program's processes and threads.  OUT->oneliner keeps PATH
 * (the session checks it names the program traced). */
static int life(const struct script_point *pt, const struct script_component *what, int i,
		const char *bin, struct script_where *out, struct script_error *err)
{
	const struct script_component *c = what;

	if (is(what, "thread")) {
		if (i >= pt->ncomps || (!is(&pt->comps[i], "begin") && !is(&pt->comps[i], "end")))
			return fail(err, &what->pos, "thread.begin or thread.end",
				    "'thread' is followed by .begin or .end");
		c = &pt->comps[i++];
		out->kind = is(c, "begin") ? POINT_THREAD_BEGIN : POINT_THREAD_END;
	} else {
		out->kind = is(c, "begin") ? POINT_PROCESS_BEGIN : POINT_PROCESS_END;
	}
	if (c->arg)
		return fail(err, &c->arg->pos, NULL, "'%s' takes no argument", c->name);
	if (i < pt->ncomps)
		return fail(err, &pt->comps[i].pos, NULL, "nothing follows .%s", c->name);
	out->oneliner = bin ? strdup(bin) : NULL;
	if (bin && !out->oneliner)
		return -ENOMEM;
	return 0;
}

/* process("PATH").plt[("NAME")][.return]: PATH's calls to NAME (a pattern;
 * all of them without it) through its PLT and GOT: the one-liner BIN:NAME@plt. */
static int plt_point(const struct script_point *pt, const struct script_component *what, int i,
		     const char *bin, struct script_where *out, struct script_error *err)
{
	const char *pat = what->arg ? str_arg(what) : "*";

	if (!pat)
		return fail(err, &what->arg->pos, "e.g. .plt(\"malloc\") or .plt(\"str*\")",
			    "'plt' takes the called function's name or a pattern, in quotes");
	out->is_return = i < pt->ncomps && is(&pt->comps[i], "return");
	if (out->is_return)
		i++;
	if (i < pt->ncomps)
		return fail(err, &pt->comps[i].pos, "only .return may follow .plt(...)",
			    "plt(...).%s is not a probe point", pt->comps[i].name);
	if (asprintf(&out->oneliner, "%c %s:%s@plt", out->is_return ? 'r' : 'p', bin, pat) < 0)
		return -ENOMEM;
	out->kind = POINT_CODE;
	return 0;
}

/* Does NAME (N bytes) look like a source file or a pattern of them, as
 * the one-liners' FUNC@FILE needs? */
static bool source_like(const char *name, size_t n)
{
	static const char *const exts[] = {".c", ".h", ".cc", ".cpp", ".cxx", ".hpp", ".hh", ".C"};

	if (memchr(name, '*', n) || memchr(name, '?', n) || memchr(name, '[', n))
		return true;
	for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
		size_t k = strlen(exts[i]);

		if (n > k && memcmp(name + n - k, exts[i], k) == 0)
			return true;
	}
	return false;
}

/* "FUNC@FILE[:LINE]" of function(...) or statement(...): the parts, FILE
 * checked; *LINE is -1 when there is none.  0, or -EINVAL (ERR filled). */
static int split_spec(const struct script_component *c, const char *spec, char **func,
		      char **file, long *line, struct script_error *err)
{
	const char *at = strchr(spec, '@'), *colon;
	char *end;

	*func = *file = NULL;
	*line = -1;
	if (!at) {
		*func = strdup(spec);
		return *func ? 0 : -ENOMEM;
	}
	colon = strchr(at, ':');
	if (colon) {
		if (strcmp(colon + 1, "*") == 0 || strchr(colon + 1, '-') || strchr(colon + 1, ','))
			return fail(err, &c->arg->pos, "name one line: \"func@file.c:42\"",
				    "%s(\"%s\"): lines given as '*', ranges or lists are not "
				    "supported yet", c->name, spec);
		*line = strtol(colon + 1, &end, 10);
		if (colon[1] < '0' || colon[1] > '9' || *end || *line <= 0 || *line > 0x7fffffff)
			return fail(err, &c->arg->pos, "e.g. \"main@prog.c:42\"",
				    "%s(\"%s\"): '%s' is not a line number", c->name, spec, colon + 1);
	}
	if (at == spec)
		return fail(err, &c->arg->pos, "every function of a file is \"*@file.c\"",
			    "%s(\"%s\"): no function before '@'", c->name, spec);
	if (!source_like(at + 1, (size_t)((colon ? colon : at + strlen(at)) - at - 1)))
		return fail(err, &c->arg->pos,
			    "the file ends in .c, .h, .cc, .cpp, .cxx or .hpp, or is a pattern",
			    "%s(\"%s\"): no source file after '@'", c->name, spec);
	*func = strndup(spec, (size_t)(at - spec));
	*file = strndup(at + 1, (size_t)((colon ? colon : at + strlen(at)) - at - 1));
	return *func && *file ? 0 : -ENOMEM;
}

/* function("FUNC[@FILE[:LINE]]")[.call|.return|.inline] of program BIN. */
static int function_point(const struct script_point *pt, const struct script_component *what,
			  int i, const char *bin, struct script_where *out,
			  struct script_error *err)
{
	const char *pat = str_arg(what);
	char *func, *file;
	long line;
	int rc;

	if (!pat || !*pat)
		return fail(err, &what->pos, "e.g. .function(\"main\") or .function(\"str*\")",
			    "'function' takes the function's name or a pattern, in quotes");
	out->copies = COPIES_ALL;
	out->suffix = "";
	if (i < pt->ncomps) {
		const struct script_component *how = &pt->comps[i++];

		if (is(how, "return")) {
			out->is_return = true;
			out->copies = COPIES_OUT_OF_LINE;
			out->suffix = ".return";
		} else if (is(how, "call")) {
			out->copies = COPIES_OUT_OF_LINE;
			out->suffix = ".call";
		} else if (is(how, "inline")) {
			out->copies = COPIES_INLINED;
			out->suffix = ".inline";
		} else {
			return fail(err, &how->pos, ".call, .return and .inline are",
				    "function(...).%s is not supported yet", how->name);
		}
		if (how->arg)
			return fail(err, &how->arg->pos, NULL, "'%s' takes no argument", how->name);
	}
	if (i < pt->ncomps)
		return fail(err, &pt->comps[i].pos, NULL, "nothing follows .%s",
			    pt->comps[i - 1].name);
	rc = split_spec(what, pat, &func, &file, &line, err);
	if (rc == 0) {
		if (!file)
			rc = asprintf(&out->oneliner, "%c %s:%s", out->is_return ? 'r' : 'p', bin,
				      func);
		else if (line < 0)
			rc = asprintf(&out->oneliner, "%c %s:%s@%s", out->is_return ? 'r' : 'p',
				      bin, func, file);
		else
			rc = asprintf(&out->oneliner, "%c %s:%s@%s:%ld", out->is_return ? 'r' : 'p',
				      bin, func, file, line);
		rc = rc < 0 ? -ENOMEM : 0;
	}
	free(func);
	free(file);
	out->kind = POINT_CODE;
	out->pp_kind = 'f';
	return rc;
}

/* statement("FUNC@FILE:LINE") of program BIN: the statements of that line
 * inside FUNC (a pattern). */
static int statement_point(const struct script_point *pt, const struct script_component *what,
			   int i, const char *bin, struct script_where *out,
			   struct script_error *err)
{
	const char *pat = str_arg(what);
	char *func, *file;
	long line;
	int rc;

	if (!pat || !strchr(pat, '@') || i < pt->ncomps)
		return fail(err, &what->pos, "e.g. .statement(\"*@prog.c:42\")",
			    "'statement' takes \"FUNC@FILE:LINE\"");
	rc = split_spec(what, pat, &func, &file, &line, err);
	if (rc == 0 && line < 0)
		rc = fail(err, &what->arg->pos, "e.g. .statement(\"main@prog.c:42\")",
			  "statement(\"%s\") needs a line: \"FUNC@FILE:LINE\"", pat);
	if (rc == 0 && asprintf(&out->oneliner, "p %s:%s:%ld", bin, file, line) < 0)
		rc = -ENOMEM;
	if (rc == 0 && strcmp(func, "*") != 0) {
		out->line_func = func;
		func = NULL;
	}
	free(func);
	free(file);
	out->kind = POINT_CODE;
	out->pp_kind = 's';
	out->suffix = "";
	return rc;
}

/* process("PATH").function("PAT")[.call|.return|.inline],
 * process("PATH").library("LIB").function(...),
 * process("PATH").statement("FUNC@FILE:LINE"), process(PID)...,
 * process("PATH").mark("NAME"), begin/end. */
static int process_point(const struct script_point *pt, const struct script_target *target,
			 struct script_where *out, struct script_error *err)
{
	const struct script_component *c = &pt->comps[0], *what;
	const char *bin = str_arg(c), *pat;
	int64_t pid;
	int i = 1, rc;

	if (!c->arg) {
		bin = target->bin;
		if (!bin)
			return fail(err, &c->pos, "give the program: process(\"./prog\"), or -c CMD / -x PID",
				    "a bare 'process' names the target, and there is none");
	} else if (num_arg(c, &pid)) {
		/* the process -x attaches to, by its number */
		if (!target->pid || pid != target->pid || !target->bin)
			return fail(err, &c->arg->pos, "attach to it: -x PID, or name the program: process(\"PATH\")",
				    "process(%lld): utap probes the process it attaches to (%s)",
				    (long long)pid, target->pid ? "another one" : "none, without -x");
		bin = target->bin;
	}
	out->program = strdup(bin);
	if (!out->program)
		return -ENOMEM;
	if (i < pt->ncomps && is(&pt->comps[i], "library")) {
		bin = str_arg(&pt->comps[i]);
		if (!bin)
			return fail(err, &pt->comps[i].pos, "e.g. .library(\"libc.so.6\")",
				    "'library' takes the library's name or path");
		out->library = true;
		i++;
	}
	if (i >= pt->ncomps)
		return fail(err, &c->pos, "e.g. process(\"./prog\").function(\"main\")",
			    "process(...) needs .function, .statement, .mark, .begin, .end or .thread");
	what = &pt->comps[i++];
	if (is(what, "begin") || is(what, "end") || is(what, "thread")) {
		rc = life(pt, what, i, bin, out, err);
		free(out->program);
		out->program = NULL;
		return rc;
	}
	if (is(what, "function"))
		return function_point(pt, what, i, bin, out, err);
	if (is(what, "statement"))
		return statement_point(pt, what, i, bin, out, err);
	if (is(what, "mark")) {
		pat = str_arg(what);
		if (!pat || i < pt->ncomps)
			return fail(err, &what->pos, "e.g. .mark(\"order\")",
				    "'mark' takes the marker's name, in quotes");
		out->kind = POINT_MARK;
		out->oneliner = strdup(bin);
		out->mark = strdup(pat);
		return out->oneliner && out->mark ? 0 : -ENOMEM;
	}
	if (is(what, "plt"))
		return plt_point(pt, what, i, bin, out, err);
	if (is(what, "syscall"))
		return fail(err, &what->pos, NULL, "process(...).%s probes are not supported yet",
			    what->name);
	return fail(err, &what->pos, "process(...) is followed by .function or .statement",
		    "unknown probe point 'process(...).%s'", what->name);
}

static int point_where(const struct script_point *point, const struct script_target *target,
		       struct script_where *out, struct script_error *err);

int script_point_where(const struct script_point *point, const struct script_target *target,
		       struct script_where *out, struct script_error *err)
{
	int rc = point_where(point, target, out, err);

	if (rc < 0)
		script_where_free(out); /* what was made before the mistake */
	return rc;
}

static int point_where(const struct script_point *point, const struct script_target *target,
		       struct script_where *out, struct script_error *err)
{
	const struct script_component *c = &point->comps[0];

	memset(out, 0, sizeof(*out));
	if (point->ncomps < 1)
		return fail(err, &point->pos, NULL, "an empty probe point");
	for (int i = 0; kernel_points[i]; i++) {
		if (is(c, kernel_points[i]))
			return fail(err, &c->pos,
				    "probe process(\"PATH\").function(\"NAME\") instead",
				    "utap probes user space: '%s' is a kernel probe point", c->name);
	}
	if (is(c, "begin"))
		return session_event(point, POINT_BEGIN, out, err);
	if (is(c, "end"))
		return session_event(point, POINT_END, out, err);
	if (is(c, "error"))
		return session_event(point, POINT_ERROR, out, err);
	if (is(c, "timer"))
		return timer(point, out, err);
	if (is(c, "never")) {
		out->kind = POINT_NEVER;
		return point->ncomps > 1 || c->arg
			       ? fail(err, &c->pos, NULL, "'never' takes nothing: probe never { }")
			       : 0;
	}
	if (is(c, "process"))
		return process_point(point, target, out, err);
	if (is(c, "thread"))
		return life(point, c, 1, target->bin, out, err);
	return fail(err, &c->pos,
		    "user-space probe points are begin, end, error, never, timer.*, process(...).*",
		    "unknown probe point '%s'", c->name);
}

void script_where_free(struct script_where *w)
{
	free(w->oneliner);
	free(w->mark);
	free(w->line_func);
	free(w->program);
	w->oneliner = NULL;
	w->mark = NULL;
	w->line_func = NULL;
	w->program = NULL;
}
