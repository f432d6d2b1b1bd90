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

/* process("PATH").function("PAT")[.call|.return],
 * process("PATH").library("LIB").function(...),
 * process("PATH").statement("FUNC@FILE:LINE"). */
static int process_point(const struct script_point *pt, const char *target_bin,
			 struct script_where *out, struct script_error *err)
{
	const struct script_component *c = &pt->comps[0], *what;
	const char *bin = str_arg(c), *pat, *at;
	int64_t pid;
	int i = 1;

	if (!c->arg) {
		bin = target_bin;
		if (!bin)
			return fail(err, &c->pos, "give the program: process(\"./prog\"), or -c CMD / -x PID",
				    "a bare 'process' names the target, and there is none");
	} else if (num_arg(c, &pid)) {
		return fail(err, &c->arg->pos, "name the program: process(\"/path/to/prog\") with -x PID",
			    "process(PID) is not supported yet");
	}
	if (i < pt->ncomps && is(&pt->comps[i], "library")) {
		bin = str_arg(&pt->comps[i]);
		if (!bin)
			return fail(err, &pt->comps[i].pos, "e.g. .library(\"libc.so.6\")",
				    "'library' takes the library's name or path");
		i++;
	}
	if (i >= pt->ncomps)
		return fail(err, &c->pos, "e.g. process(\"./prog\").function(\"main\")",
			    "process(...) needs .function, .statement, .begin, .end or .thread");
	what = &pt->comps[i++];
	if (is(what, "begin") || is(what, "end") || is(what, "thread"))
		return life(pt, what, i, bin, out, err);
	if (is(what, "function")) {
		pat = str_arg(what);
		if (!pat)
			return fail(err, &what->pos, "e.g. .function(\"main\") or .function(\"str*\")",
				    "'function' takes the function's name or a pattern, in quotes");
		at = strchr(pat, '@');
		if (at)
			return fail(err, &what->arg->pos, "name the function alone: .function(\"f\")",
				    "function(\"%s\"): a function by file is not supported yet", pat);
		out->is_return = false;
		if (i < pt->ncomps) {
			const struct script_component *how = &pt->comps[i++];

			if (is(how, "return"))
				out->is_return = true;
			else if (!is(how, "call"))
				return fail(err, &how->pos, ".call and .return are",
					    "function(...).%s is not supported yet", how->name);
		}
		if (i < pt->ncomps)
			return fail(err, &pt->comps[i].pos, NULL, "nothing follows .%s",
				    pt->comps[i - 1].name);
		if (asprintf(&out->oneliner, "%c %s:%s", out->is_return ? 'r' : 'p', bin, pat) < 0)
			return -ENOMEM;
		out->kind = POINT_CODE;
		return 0;
	}
	if (is(what, "statement")) {
		pat = str_arg(what);
		at = pat ? strchr(pat, '@') : NULL;
		if (!at || !strchr(at, ':') || i < pt->ncomps)
			return fail(err, &what->pos, "e.g. .statement(\"*@prog.c:42\")",
				    "'statement' takes \"FUNC@FILE:LINE\"");
		if (asprintf(&out->oneliner, "p %s:%s", bin, at + 1) < 0)
			return -ENOMEM;
		out->kind = POINT_CODE;
		return 0;
	}
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

int script_point_where(const struct script_point *point, const char *target_bin,
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
	if (is(c, "process"))
		return process_point(point, target_bin, out, err);
	if (is(c, "thread"))
		return life(point, c, 1, target_bin, out, err);
	return fail(err, &c->pos,
		    "user-space probe points are begin, end, error, timer.*, process(...).*",
		    "unknown probe point '%s'", c->name);
}

void script_where_free(struct script_where *w)
{
	free(w->oneliner);
	free(w->mark);
	w->oneliner = NULL;
	w->mark = NULL;
}
