/* call.c: the builtins: output, the hit's context, the tracee's memory, stacks,
 * strings, with SystemTap's tapset semantics. */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend/backend.h"
#include "proc/status.h"
#include "runtime/format.h"
#include "script/interp_priv.h"

#define MAX_ARGS 32
#define STACK_MAX 64

static int64_t clock_of(clockid_t id, int64_t per_s)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * per_s + (int64_t)ts.tv_nsec / (1000000000 / per_s);
}

/* A field of /proc/PID/status ("PPid", "Uid"), its first number. */
static int64_t status_number(pid_t pid, const char *field)
{
	char text[128];

	return proc_status_field(pid, field, text, sizeof(text)) == 0 ? strtoll(text, NULL, 10) : 0;
}

/* target_set_pid(): PID is the target or one of its descendants (the
 * processes utap follows), by the chain of parents in /proc. */
static bool in_target_set(const struct interp *in, pid_t pid)
{
	for (int depth = 0; pid > 1 && in->session.target && depth < 64; depth++) {
		if (pid == in->session.target)
			return true;
		pid = (pid_t)status_number(pid, "PPid");
	}
	return false;
}

static struct rt_str *cmdline(struct interp *in, pid_t pid)
{
	char path[64], buf[4096];
	size_t n;
	FILE *fp;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	fp = fopen(path, "re");
	if (!fp)
		return rt_str_empty();
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	while (n && buf[n - 1] == '\0')
		n--;
	for (size_t i = 0; i < n; i++)
		if (buf[i] == '\0')
			buf[i] = ' ';
	return rt_str_new(buf, n, interp_maxlen(in));
}

/* A NUL-terminated string of the tracee at ADDR, at most MAX bytes: read
 * in pieces that stop at page ends, so a string that ends just before an
 * unmapped page reads fine.  -EFAULT if not even one byte reads. */
static int read_string(struct interp *in, uint64_t addr, size_t max, char *buf, size_t *len)
{
	size_t got = 0;

	while (got < max) {
		size_t chunk = 4096 - ((addr + got) & 4095), end;

		if (chunk > max - got)
			chunk = max - got;
		if (interp_read(in, addr + got, buf + got, chunk) < 0) {
			/* the page holds the rest: byte by byte up to the fault */
			while (chunk && interp_read(in, addr + got, buf + got, 1) == 0) {
				if (buf[got] == '\0')
					break;
				got++;
				chunk--;
			}
			if (!got && chunk)
				return -EFAULT;
			break;
		}
		end = strnlen(buf + got, chunk);
		got += end;
		if (end < chunk)
			break;
	}
	*len = got;
	return 0;
}

static enum flow user_string(struct interp *in, const struct script_expr *e, uint64_t addr,
			     int64_t max, const struct rt_value *fallback, bool quoted,
			     struct rt_value *v)
{
	size_t lim = interp_maxlen(in) - 1, len;
	char buf[RT_MAXSTRINGLEN * 16];
	struct rt_str *s;

	if (lim > sizeof(buf))
		lim = sizeof(buf);
	if (max >= 0 && (size_t)max < lim)
		lim = (size_t)max;
	if (read_string(in, addr, lim, buf, &len) < 0) {
		if (fallback) {
			rt_value_copy(v, fallback);
			return FLOW_NORMAL;
		}
		if (quoted) {
			*v = rt_value_string(rt_str_cstr(addr ? "<unknown>" : "NULL", 0));
			return FLOW_NORMAL;
		}
		return interp_error(in, &e->pos, "user string copy fault -14 at 0x%" PRIx64, addr);
	}
	s = rt_str_new(buf, len, interp_maxlen(in));
	if (quoted) {
		struct rt_str *q = rt_text_strn(s, 0, true, interp_maxlen(in));
		char next = 0;

		rt_str_unref(s);
		s = q;
		/* user_string_n_quoted: a string that goes on past N says so */
		if (max >= 0 && len == (size_t)max && interp_read(in, addr + len, &next, 1) == 0 &&
		    next && s) {
			struct rt_str *dots = rt_str_cstr("...", 0);

			q = rt_str_concat(s, dots, interp_maxlen(in));
			rt_str_unref(dots);
			rt_str_unref(s);
			s = q;
		}
	}
	*v = rt_value_string(s);
	return FLOW_NORMAL;
}

/* user_char(addr) ...: SIZE bytes, sign-extended if SIGNED. */
static enum flow user_int(struct interp *in, const struct script_expr *e, uint64_t addr,
			  size_t size, bool is_signed, struct rt_value *v)
{
	uint64_t raw = 0;

	if (interp_read(in, addr, &raw, size) < 0)
		return interp_error(in, &e->pos, "user memory fault reading %zu bytes at 0x%" PRIx64,
				    size, addr);
	if (is_signed && size < 8 && (raw >> (size * 8 - 1)) & 1)
		raw |= ~0ull << (size * 8);
	*v = rt_value_long((int64_t)raw);
	return FLOW_NORMAL;
}

/* int_arg(N) ...: the Nth integer argument (1-based) by the calling
 * convention, as SystemTap's dwarfless tapsets read it. */
static enum flow arg_n(struct interp *in, const struct script_expr *e, int64_t n, size_t size,
		       bool is_signed, struct rt_value *v)
{
	int64_t off;
	int reg;
	uint64_t raw;

	if (!in->hit || !in->hit->regs)
		return interp_error(in, &e->pos, "%s() outside a probe hit", e->name);
	if (n < 1 || n > 32)
		return interp_error(in, &e->pos, "%s(%" PRId64 "): arguments count from 1", e->name, n);
	reg = arch_arg_location((unsigned)(n - 1), &off);
	if (reg >= 0) {
		raw = arch_reg_value(in->hit->regs, reg);
	} else if (interp_read(in, arch_sp(in->hit->regs) + (uint64_t)off, &raw, 8) < 0) {
		return interp_error(in, &e->pos, "user memory fault reading argument %" PRId64, n);
	}
	if (size == 4)
		raw = is_signed ? (uint64_t)(int64_t)(int32_t)raw : (uint32_t)raw;
	*v = rt_value_long((int64_t)raw);
	return FLOW_NORMAL;
}

/* " 0x%016lx : func+0xoff/0xsize [module]": SystemTap's full form of a frame. */
static void frame_line(struct rt_buf *b, const struct probe_frame *fr, bool full)
{
	const char *mod = fr->module ? strrchr(fr->module, '/') : NULL;

	mod = mod ? mod + 1 : fr->module;
	if (full)
		rt_buf_printf(b, " 0x%016" PRIx64 " : ", fr->addr);
	if (fr->sym && full)
		rt_buf_printf(b, "%s+0x%" PRIx64 "/0x%" PRIx64 " [%s]\n", fr->sym, fr->off, fr->size,
			      mod ? mod : "?");
	else if (fr->sym)
		rt_buf_printf(b, "%s+0x%" PRIx64 " [%s]\n", fr->sym, fr->off, mod ? mod : "?");
	else if (mod)
		rt_buf_printf(b, "0x%" PRIx64 " [%s+0x%" PRIx64 "]\n", fr->addr, mod, fr->module_off);
	else
		rt_buf_printf(b, "0x%" PRIx64 "\n", fr->addr);
}

static int take_stack(struct interp *in, struct probe_frame *frames)
{
	if (!in->hit || !in->hit->take_stack)
		return 0;
	return in->hit->take_stack(in->hit, frames, STACK_MAX);
}

/* print_ustack("0x1 0x2"), sprint_ustack: frames named from hex addresses. */
static void frames_of_hex(struct interp *in, const struct rt_str *hex, struct rt_buf *b, bool full)
{
	const char *p = hex->data;
	struct probe_frame fr;

	while (*p) {
		char *end;
		uint64_t a = strtoull(p, &end, 16);

		if (end == p)
			break;
		memset(&fr, 0, sizeof(fr));
		fr.addr = a;
		if (in->hit && in->hit->name_addr)
			in->hit->name_addr(in->hit, a, &fr);
		frame_line(b, &fr, full);
		p = end;
		while (*p == ' ')
			p++;
	}
}

static void name_addr(struct interp *in, uint64_t addr, struct probe_frame *fr)
{
	memset(fr, 0, sizeof(*fr));
	fr->addr = addr;
	if (in->hit && in->hit->name_addr)
		in->hit->name_addr(in->hit, addr, fr);
}

static enum flow stack_builtin(struct interp *in, const struct script_builtin *b,
			       const struct rt_value *args, struct rt_value *v)
{
	struct probe_frame frames[STACK_MAX], fr;
	struct rt_buf buf;
	int n;

	rt_buf_init(&buf, 0);
	switch (b->id) {
	case B_PRINT_UBACKTRACE:
		n = take_stack(in, frames);
		for (int i = 0; i < n; i++)
			frame_line(&in->out, &frames[i], true);
		break;
	case B_SPRINT_UBACKTRACE:
		n = take_stack(in, frames);
		for (int i = 0; i < n; i++)
			frame_line(&buf, &frames[i], false);
		*v = rt_value_string(rt_buf_str(&buf, 0, interp_maxlen(in)));
		break;
	case B_UBACKTRACE:
		n = take_stack(in, frames);
		for (int i = 0; i < n; i++)
			rt_buf_printf(&buf, "%s0x%" PRIx64, i ? " " : "", frames[i].addr);
		*v = rt_value_string(rt_buf_str(&buf, 0, interp_maxlen(in)));
		break;
	case B_PRINT_UBACKTRACE_BRIEF:
		n = take_stack(in, frames);
		for (int i = 0; i < n; i++)
			frame_line(&in->out, &frames[i], false);
		break;
	case B_USTACK:
		/* the address at depth N of the stack, 0 past its end */
		n = take_stack(in, frames);
		*v = rt_value_long(args[0].num >= 0 && args[0].num < n
					   ? (int64_t)frames[args[0].num].addr
					   : 0);
		break;
	case B_PRINT_USTACK:
		frames_of_hex(in, args[0].str, &in->out, true);
		break;
	case B_SPRINT_USTACK:
		frames_of_hex(in, args[0].str, &buf, false);
		*v = rt_value_string(rt_buf_str(&buf, 0, interp_maxlen(in)));
		break;
	case B_USYMNAME:
		name_addr(in, (uint64_t)args[0].num, &fr);
		if (fr.sym)
			*v = rt_value_string(rt_str_cstr(fr.sym, interp_maxlen(in)));
		else
			*v = rt_value_string(rt_buf_printf(&buf, "0x%" PRIx64, fr.addr) < 0
						     ? rt_str_empty()
						     : rt_buf_str(&buf, 0, interp_maxlen(in)));
		break;
	case B_USYMDATA:
		name_addr(in, (uint64_t)args[0].num, &fr);
		frame_line(&buf, &fr, false);
		if (buf.len && buf.data[buf.len - 1] == '\n')
			rt_buf_truncate(&buf, buf.len - 1);
		*v = rt_value_string(rt_buf_str(&buf, 0, interp_maxlen(in)));
		break;
	case B_UMODNAME:
		name_addr(in, (uint64_t)args[0].num, &fr);
		*v = rt_value_string(rt_str_cstr(fr.module ? fr.module : "<unknown>", interp_maxlen(in)));
		break;
	default:
		break;
	}
	rt_buf_free(&buf);
	return FLOW_NORMAL;
}

/* thread_indent(delta): "%6d %s(%d):%-*s", microseconds since the thread's
 * first call, the thread, the indentation (SystemTap's indent.stp). */
static struct rt_str *thread_indent(struct interp *in, int64_t delta)
{
	pid_t tid = in->hit ? in->hit->tid : 0;
	int slot = 0, depth;
	int64_t now = clock_of(CLOCK_REALTIME, 1000000);
	struct rt_buf b;
	struct rt_str *s;

	for (int i = 0; i < 64; i++) {
		if (in->indent[i].tid == tid) {
			slot = i;
			break;
		}
		if (!in->indent[i].tid) {
			in->indent[i].tid = tid;
			slot = i;
			break;
		}
	}
	if (!in->indent[slot].depth)
		in->indent_start[slot] = now;
	depth = in->indent[slot].depth + (delta > 0 ? (int)delta : 0);
	in->indent[slot].depth += (int)delta;
	if (in->indent[slot].depth < 0)
		in->indent[slot].depth = 0;
	rt_buf_init(&b, 0);
	rt_buf_printf(&b, "%6" PRId64 " %s(%d):%*s", now - in->indent_start[slot],
		      in->hit && in->hit->comm ? in->hit->comm : "", (int)tid, depth < 0 ? 0 : depth,
		      "");
	s = rt_buf_str(&b, 0, interp_maxlen(in));
	rt_buf_free(&b);
	return s;
}

static const struct rt_format *format_of(struct interp *in, const struct script_expr *e)
{
	struct script_expr *call = (struct script_expr *)e;

	if (!call->cache && rt_format_compile(e->args[0]->str, (struct rt_format **)&call->cache,
					       NULL, 0, NULL) == 0)
		interp_remember_format(in, call);
	return call->cache;
}

static enum flow output(struct interp *in, const struct script_expr *e,
			const struct script_builtin *b, struct rt_value *args, int n,
			struct rt_value *v)
{
	const char *delim = NULL;
	bool nl = b->id == B_PRINTLN || b->id == B_SPRINTLN || b->id == B_PRINTDLN ||
		  b->id == B_SPRINTDLN;
	struct rt_format_mem mem = {NULL, NULL};
	char err[200] = "";
	struct rt_str *s = NULL;
	int rc = 0;

	if (b->id == B_PRINTD || b->id == B_PRINTDLN || b->id == B_SPRINTD || b->id == B_SPRINTDLN) {
		delim = args[0].str->data;
		args++;
		n--;
	}
	switch (b->id) {
	case B_PRINTF:
		rc = rt_format_print(format_of(in, e), args + 1, n - 1, &mem, &in->out, err,
				     sizeof(err));
		break;
	case B_SPRINTF:
		rc = rt_format_sprint(format_of(in, e), args + 1, n - 1, &mem, interp_maxlen(in), &s,
				      err, sizeof(err));
		*v = rt_value_string(s ? s : rt_str_empty());
		break;
	case B_PRINT:
	case B_PRINTLN:
	case B_PRINTD:
	case B_PRINTDLN:
		rc = rt_print_values(&in->out, args, n, delim, nl);
		break;
	default:
		rc = rt_print_values_str(args, n, delim, nl, interp_maxlen(in), &s);
		*v = rt_value_string(s ? s : rt_str_empty());
		break;
	}
	if (rc < 0 && rc != -EINVAL)
		return interp_error(in, &e->pos, "%s", err[0] ? err : rt_strerror(rc));
	return FLOW_NORMAL;
}

/* print(@hist_log(x)), sprint(@hist_linear(...)). */
static enum flow histogram(struct interp *in, struct frame *f, const struct script_expr *e,
			   const struct script_builtin *b, struct rt_value *v)
{
	enum flow fl;
	const struct rt_stats *s = interp_hist_stats(in, f, e->args[0], &fl);
	struct rt_buf buf;
	int rc;

	if (fl != FLOW_NORMAL)
		return fl;
	rt_buf_init(&buf, b->id == B_SPRINT ? interp_maxlen(in) - 1 : 0);
	rc = rt_stats_hist_print(s, &buf);
	if (rc < 0) {
		rt_buf_free(&buf);
		return interp_error(in, &e->pos, "%s", rt_strerror(rc));
	}
	if (b->id == B_SPRINT)
		*v = rt_value_string(rt_buf_str(&buf, 0, interp_maxlen(in)));
	else
		rt_buf_put(&in->out, buf.data, buf.len);
	if (b->id == B_PRINTLN)
		rt_buf_putc(&in->out, '\n');
	rt_buf_free(&buf);
	return FLOW_NORMAL;
}

static enum flow strings(struct interp *in, const struct script_expr *e,
			 const struct script_builtin *b, struct rt_value *a, struct rt_value *v)
{
	size_t max = interp_maxlen(in);
	struct rt_str *s = NULL;
	int64_t n;

	switch (b->id) {
	case B_STRLEN:
		*v = rt_value_long(rt_strlen(a[0].str));
		return FLOW_NORMAL;
	case B_SUBSTR:
		s = rt_substr(a[0].str, a[1].num, a[2].num, max);
		break;
	case B_ISINSTR:
		*v = rt_value_long(rt_isinstr(a[0].str, a[1].str));
		return FLOW_NORMAL;
	case B_STRTOL:
		*v = rt_value_long(rt_strtol(a[0].str, a[1].num));
		return FLOW_NORMAL;
	case B_STR_REPLACE:
		s = rt_str_replace(a[0].str, a[1].str, a[2].str, max);
		break;
	case B_TOKENIZE:
		if (rt_tokenize(&in->tok, a[0].str, a[1].str, max, &s) < 0)
			s = NULL;
		break;
	case B_TEXT_STR:
		s = rt_text_str(a[0].str, max);
		break;
	case B_STRING_QUOTED:
		s = rt_text_strn(a[0].str, 0, true, max);
		break;
	case B_STRINGAT:
		if (rt_stringat(a[0].str, a[1].num, &n) < 0)
			return interp_error(in, &e->pos, "stringat(): index %" PRId64
					    " is outside the string", a[1].num);
		*v = rt_value_long(n);
		return FLOW_NORMAL;
	default:
		return FLOW_NORMAL;
	}
	if (!s)
		return interp_error(in, &e->pos, "out of memory");
	*v = rt_value_string(s);
	return FLOW_NORMAL;
}

static enum flow context(struct interp *in, const struct script_expr *e,
			 const struct script_builtin *b, struct rt_value *a, struct rt_value *v)
{
	const struct probe_hit *h = in->hit;
	pid_t pid = h ? h->pid : 0;
	char text[1024];

	switch (b->id) {
	case B_PID:
		*v = rt_value_long(pid);
		break;
	case B_TID:
		*v = rt_value_long(h ? h->tid : 0);
		break;
	case B_PPID:
		*v = rt_value_long(status_number(pid, "PPid"));
		break;
	case B_UID:
	case B_EUID:
		*v = rt_value_long(status_number(pid, "Uid"));
		break;
	case B_GID:
		*v = rt_value_long(status_number(pid, "Gid"));
		break;
	case B_EXECNAME:
		*v = rt_value_string(rt_str_cstr(h && h->comm ? h->comm : "", interp_maxlen(in)));
		break;
	case B_CMDLINE_STR:
		*v = rt_value_string(cmdline(in, pid));
		break;
	case B_CPU: {
		int cpu = h ? proc_thread_cpu(h->tid) : -1;

		*v = rt_value_long(cpu < 0 ? 0 : cpu);
		break;
	}
	case B_PROBEFUNC:
	case B_PPFUNC:
		/* a PLT probe's: the function called, not its stub */
		*v = rt_value_string(rt_str_cstr(h && h->plt	     ? h->plt
						 : in->func	     ? in->func
						 : h && h->sym ? h->sym
							       : "",
						 interp_maxlen(in)));
		break;
	case B_UADDR:
		*v = rt_value_long(h && h->regs ? (int64_t)arch_ip(h->regs) : 0);
		break;
	case B_RETURNVAL:
		if (!h || !h->regs || !h->probe || h->probe->kind != PROBE_RETURN)
			return interp_error(in, &e->pos, "returnval() outside a .return probe");
		*v = rt_value_long((int64_t)arch_retval(h->regs));
		break;
	case B_RETURNSTR:
		if (!h || !h->regs || !h->probe || h->probe->kind != PROBE_RETURN)
			return interp_error(in, &e->pos, "returnstr() outside a .return probe");
		snprintf(text, sizeof(text), a[0].num == 2 ? "0x%" PRIx64 : "%" PRId64,
			 arch_retval(h->regs));
		*v = rt_value_string(rt_str_cstr(text, interp_maxlen(in)));
		break;
	case B_REGISTER:
	case B_U_REGISTER: {
		int reg = arch_reg_index(a[0].str->data);

		if (!h || !h->regs)
			return interp_error(in, &e->pos, "%s() outside a probe hit", b->name);
		if (reg < 0)
			return interp_error(in, &e->pos, "unknown register '%s'", a[0].str->data);
		*v = rt_value_long((int64_t)arch_reg_value(h->regs, reg));
		break;
	}
	case B_PRINT_REGS:
		if (h && h->regs) {
			arch_regs_text(h->regs, text, sizeof(text));
			rt_buf_put(&in->out, text, strlen(text));
		}
		break;
	default:
		break;
	}
	return FLOW_NORMAL;
}

static enum flow memory(struct interp *in, const struct script_expr *e,
			const struct script_builtin *b, struct rt_value *a, int n, struct rt_value *v)
{
	uint64_t addr = (uint64_t)a[0].num;

	switch (b->id) {
	case B_USER_STRING:
		return user_string(in, e, addr, -1, n > 1 ? &a[1] : NULL, false, v);
	case B_USER_STRING_N:
		return user_string(in, e, addr, a[1].num, n > 2 ? &a[2] : NULL, false, v);
	case B_USER_STRING_QUOTED:
		return user_string(in, e, addr, -1, NULL, true, v);
	case B_USER_STRING_N_QUOTED:
		return user_string(in, e, addr, a[1].num, NULL, true, v);
	case B_USER_CHAR:
	case B_USER_INT8:
		return user_int(in, e, addr, 1, true, v);
	case B_USER_UINT8:
		return user_int(in, e, addr, 1, false, v);
	case B_USER_SHORT:
	case B_USER_INT16:
		return user_int(in, e, addr, 2, true, v);
	case B_USER_USHORT:
	case B_USER_UINT16:
		return user_int(in, e, addr, 2, false, v);
	case B_USER_INT:
	case B_USER_INT32:
		return user_int(in, e, addr, 4, true, v);
	case B_USER_UINT:
	case B_USER_UINT32:
		return user_int(in, e, addr, 4, false, v);
	case B_USER_LONG:
	case B_USER_INT64:
		return user_int(in, e, addr, 8, true, v);
	default: /* ulong, uint64 */
		return user_int(in, e, addr, 8, false, v);
	}
}

enum flow interp_call_builtin(struct interp *in, struct frame *f, const struct script_expr *e,
			      struct rt_value *v)
{
	const struct script_builtin *b = e->resolved;
	struct rt_value args[MAX_ARGS];
	int n = e->nargs < MAX_ARGS ? e->nargs : MAX_ARGS;
	enum flow fl = FLOW_NORMAL;

	v->type = RT_NONE;
	if (n == 1 && e->args[0]->kind == SE_STAT &&
	    (e->args[0]->stat == STAT_HIST_LOG || e->args[0]->stat == STAT_HIST_LINEAR))
		return histogram(in, f, e, b, v);
	for (int i = 0; i < n; i++) {
		fl = interp_eval(in, f, e->args[i], &args[i]);
		if (fl != FLOW_NORMAL) {
			interp_keys_release(args, i + 1);
			return fl;
		}
	}
	switch (b->id) {
	case B_PRINT ... B_SPRINTF:
		fl = output(in, e, b, args, n, v);
		break;
	case B_EXIT:
		in->exiting = true;
		backend_request_stop();
		break;
	case B_ERROR:
		fl = interp_error(in, &e->pos, "%s", args[0].str->data);
		break;
	case B_WARN:
		fprintf(stderr, "WARNING: %s\n", args[0].str->data);
		break;
	case B_TARGET:
		*v = rt_value_long(in->session.target);
		break;
	case B_TARGET_SET_PID:
		*v = rt_value_long(in_target_set(in, (pid_t)args[0].num));
		break;
	case B_PP:
		*v = rt_value_string(rt_str_cstr(in->pp ? in->pp : "", interp_maxlen(in)));
		break;
	case B_IS_RETURN:
		*v = rt_value_long(in->hit && in->hit->probe && in->hit->probe->kind == PROBE_RETURN);
		break;
	case B_GETTIMEOFDAY_S:
		*v = rt_value_long(clock_of(CLOCK_REALTIME, 1));
		break;
	case B_GETTIMEOFDAY_MS:
		*v = rt_value_long(clock_of(CLOCK_REALTIME, 1000));
		break;
	case B_GETTIMEOFDAY_US:
		*v = rt_value_long(clock_of(CLOCK_REALTIME, 1000000));
		break;
	case B_GETTIMEOFDAY_NS:
		*v = rt_value_long(clock_of(CLOCK_REALTIME, 1000000000));
		break;
	case B_LOCAL_CLOCK_NS:
		*v = rt_value_long(clock_of(CLOCK_MONOTONIC, 1000000000));
		break;
	case B_LOCAL_CLOCK_US:
		*v = rt_value_long(clock_of(CLOCK_MONOTONIC, 1000000));
		break;
	case B_LOCAL_CLOCK_MS:
		*v = rt_value_long(clock_of(CLOCK_MONOTONIC, 1000));
		break;
	case B_LOCAL_CLOCK_S:
		*v = rt_value_long(clock_of(CLOCK_MONOTONIC, 1));
		break;
	case B_THREAD_INDENT:
		*v = rt_value_string(thread_indent(in, args[0].num));
		break;
	case B_USER_STRING ... B_USER_UINT64:
		fl = memory(in, e, b, args, n, v);
		break;
	case B_INT_ARG:
	case B_S32_ARG:
		fl = arg_n(in, e, args[0].num, 4, true, v);
		break;
	case B_UINT_ARG:
	case B_U32_ARG:
		fl = arg_n(in, e, args[0].num, 4, false, v);
		break;
	case B_LONG_ARG:
	case B_ULONG_ARG:
	case B_POINTER_ARG:
	case B_S64_ARG:
	case B_U64_ARG:
		fl = arg_n(in, e, args[0].num, 8, true, v);
		break;
	case B_PRINT_UBACKTRACE ... B_UMODNAME:
		fl = stack_builtin(in, b, args, v);
		break;
	case B_STRLEN ... B_STRING_QUOTED:
		fl = strings(in, e, b, args, v);
		break;
	default:
		fl = context(in, e, b, args, v);
		break;
	}
	interp_keys_release(args, n);
	if (fl == FLOW_NORMAL && v->type == RT_NONE && b->ret != ST_VOID)
		*v = rt_value_zero(b->ret == ST_STRING ? RT_STRING : RT_LONG);
	return fl;
}
