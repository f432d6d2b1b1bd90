/* pipe.c: the instance's trace_pipe read and parsed back into hits: the
 * kernel wrote each event as
 *   COMM-TID (TGID) [CPU] SECS.USECS: NAME: (0xIP) f1=V f2="S"
 *   COMM-TID (TGID) [CPU] SECS.USECS: NAME: (0xRET <- 0xFUNC) f1=V
 * with its fields in the order the event defines them, which the parser
 * knows: a string runs to the quote before the next field's name (the
 * kernel does not escape it, so it may hold spaces, quotes, newlines). */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend/uprobe/uprobe.h"
#include "proc/maps.h"
#include "proc/status.h"

#define PIPE_MAX (1u << 20) /* an event never needs more: a line that does is dropped */

struct event_values {
	struct probe_value *values;  /* one per argument */
	struct probe_value **parts;  /* per argument: its parts' values, or NULL */
};

struct upipe {
	int fd;
	const struct uplan *plan;
	pid_t main_pid;
	void (*deliver)(void *ctx, const struct probe_hit *hit);
	void *ctx;
	char *buf;
	size_t len, cap;
	struct event_values *vals; /* per event */
	/* the last process whose map named a caller outside the probed file */
	pid_t maps_pid;
	struct proc_maps maps;
	bool have_maps;
	struct sym_module **callers; /* files callers were found in */
	char **caller_paths;
	size_t ncallers;
};

static int alloc_values(struct upipe *p)
{
	const struct options *o = p->plan->opts;

	p->vals = calloc(p->plan->nevents ? p->plan->nevents : 1, sizeof(*p->vals));
	if (!p->vals)
		return -ENOMEM;
	for (size_t e = 0; e < p->plan->nevents; e++) {
		const struct uevent *ev = &p->plan->events[e];
		const struct probe *pr = &o->probes[ev->probe];
		const struct probe_arg *args = ev->args ? ev->args : pr->args;
		struct event_values * v = &p->vals[e];

		v->values = calloc(pr->nargs ? pr->nargs : 1, sizeof(*v->values));
		v->parts = calloc(pr->nargs ? pr->nargs : 1, sizeof(*v->parts));
		if (!v->values || !v->parts)
			return -ENOMEM;
		for (size_t k = 0; k < pr->nargs; k++) {
			if (args[k].list == LIST_NONE || !args[k].nparts)
				continue;
			v->parts[k] = calloc(args[k].nparts, sizeof(*v->parts[k]));
			if (!v->parts[k])
				return -ENOMEM;
			v->values[k].parts = v->parts[k];
		}
	}
	return 0;
}

int upipe_new(const struct uplan *plan, pid_t main_pid,
	      void (*deliver)(void *ctx, const struct probe_hit *hit), void *ctx, int fd,
	      struct upipe **out)
{
	struct upipe *p = calloc(1, sizeof(*p));

	*out = NULL;
	if (!p)
		return -ENOMEM;
	p->fd = fd;
	p->plan = plan;
	p->main_pid = main_pid;
	p->deliver = deliver;
	p->ctx = ctx;
	p->cap = 65536;
	p->buf = malloc(p->cap);
	if (!p->buf || alloc_values(p) < 0) {
		upipe_close(p);
		return -ENOMEM;
	}
	*out = p;
	return 0;
}

int upipe_open(const struct tracefs *fs, const struct uplan *plan, pid_t main_pid,
	       void (*deliver)(void *ctx, const struct probe_hit *hit), void *ctx,
	       struct upipe **out)
{
	char path[320];
	int fd, rc;

	snprintf(path, sizeof(path), "%s/trace_pipe", fs->instance);
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	rc = upipe_new(plan, main_pid, deliver, ctx, fd, out);
	if (rc < 0)
		close(fd);
	return rc;
}

int upipe_fd(const struct upipe *p)
{
	return p->fd;
}

void upipe_close(struct upipe *p)
{
	if (!p)
		return;
	if (p->fd >= 0)
		close(p->fd);
	for (size_t e = 0; p->vals && e < p->plan->nevents; e++) {
		const struct probe *pr = &p->plan->opts->probes[p->plan->events[e].probe];

		for (size_t k = 0; p->vals[e].parts && k < pr->nargs; k++)
			free(p->vals[e].parts[k]);
		free(p->vals[e].parts);
		free(p->vals[e].values);
	}
	free(p->vals);
	if (p->have_maps)
		proc_maps_free(&p->maps);
	for (size_t i = 0; i < p->ncallers; i++) {
		sym_module_close(p->callers[i]);
		free(p->caller_paths[i]);
	}
	free(p->callers);
	free(p->caller_paths);
	free(p->buf);
	free(p);
}

/* ---- the header: COMM-TID (TGID) [CPU] SECS.USECS: NAME: ---- */

struct header {
	char comm[64];
	pid_t tid, tgid; /* tgid 0: not recorded */
	int cpu;
	uint64_t time_ns;
	const struct uevent *ev;
	size_t ev_index;
};

static const char *skip_spaces(const char *s, const char *end)
{
	while (s < end && *s == ' ')
		s++;
	return s;
}

/* "[DDD] " at S: the CPU. */
static bool cpu_at(const char *s, const char *eol, int *cpu)
{
	const char *q = s + 1;

	if (*s != '[')
		return false;
	*cpu = 0;
	while (q < eol && isdigit((unsigned char)*q))
		*cpu = *cpu * 10 + (*q++ - '0');
	return q > s + 1 && q + 1 < eol && q[0] == ']' && q[1] == ' ';
}

static bool parse_time(const char **sp, const char *eol, uint64_t *ns)
{
	const char *s = *sp;
	uint64_t secs = 0, frac = 0, scale = 1000000000u;

	if (s >= eol || !isdigit((unsigned char)*s))
		return false;
	while (s < eol && isdigit((unsigned char)*s))
		secs = secs * 10 + (uint64_t)(*s++ - '0');
	if (s < eol && *s == '.')
		for (s++; s < eol && isdigit((unsigned char)*s); s++)
			if (scale > 1) {
				scale /= 10;
				frac += (uint64_t)(*s - '0') * scale;
			}
	if (s + 1 >= eol || s[0] != ':' || s[1] != ' ')
		return false;
	*ns = secs * 1000000000u + frac;
	*sp = s + 2;
	return true;
}

/* The comm and tid before the "(TGID)" or "[CPU]" column at COL. */
static bool comm_tid(const char *line, const char *col, struct header *h)
{
	const char *start = skip_spaces(line, col), *end = col, *dash;

	while (end > start && end[-1] == ' ')
		end--;
	dash = end;
	while (dash > start && isdigit((unsigned char)dash[-1]))
		dash--;
	if (dash == end || dash == start || dash[-1] != '-')
		return false;
	h->tid = (pid_t)strtol(dash, NULL, 10);
	snprintf(h->comm, sizeof(h->comm), "%.*s", (int)(dash - 1 - start), start);
	return true;
}

static const struct uevent *find_event(const struct uplan *plan, const char *name, size_t n,
				       size_t *index)
{
	for (size_t i = 0; i < plan->nevents; i++) {
		if (strlen(plan->events[i].name) == n && memcmp(plan->events[i].name, name, n) == 0) {
			*index = i;
			return &plan->events[i];
		}
	}
	return NULL;
}

/* Parse the header of the line at LINE (ending at EOL); returns where the
 * event's own text starts, or NULL for a line that is not one of ours. */
static const char *parse_header(const struct upipe *p, const char *line, const char *eol,
				struct header *h)
{
	const char *s, *name;

	memset(h, 0, sizeof(*h));
	/* The CPU column is the first "[digits] " of the line. */
	for (s = line; s < eol; s++)
		if (*s == '[' && cpu_at(s, eol, &h->cpu))
			break;
	if (s == eol)
		return NULL;
	{
		const char *col = s;
		const char *back = s;

		while (back > line && back[-1] == ' ')
			back--;
		if (back > line && back[-1] == ')') {
			/* "(  TGID)" or "(-------)" from record-tgid */
			const char *open = memrchr(line, '(', (size_t)(back - line));

			if (open) {
				h->tgid = (pid_t)strtol(skip_spaces(open + 1, back), NULL, 10);
				col = open;
			}
		}
		if (!comm_tid(line, col, h))
			return NULL;
	}
	s = strchr(s, ']') + 2;
	/* irq flags when the kernel keeps irq-info on ("d..1. ") */
	if (!parse_time(&s, eol, &h->time_ns)) {
		while (s < eol && *s != ' ')
			s++;
		s = skip_spaces(s, eol);
		if (!parse_time(&s, eol, &h->time_ns))
			return NULL;
	}
	name = s;
	while (s < eol && *s != ':')
		s++;
	if (s + 1 >= eol || s[1] != ' ')
		return NULL;
	h->ev = find_event(p->plan, name, (size_t)(s - name), &h->ev_index);
	return h->ev ? s + 2 : NULL;
}

/* ---- the event's text: (ADDRESSES) fields ---- */

static bool parse_hex(const char **sp, const char *end, uint64_t *v)
{
	char *q;

	if (*sp + 2 > end || (*sp)[0] != '0' || (*sp)[1] != 'x')
		return false;
	*v = strtoull(*sp, &q, 16);
	*sp = q;
	return q <= end;
}

/* "(0xIP)" or "(0xRET <- 0xFUNC)": RET and FUNC for a return probe. */
static bool parse_where(const char **sp, const char *eol, uint64_t *ret, uint64_t *func)
{
	const char *s = *sp;
	uint64_t ip;

	if (s >= eol || *s++ != '(' || !parse_hex(&s, eol, &ip))
		return false;
	*ret = 0;
	*func = ip;
	if (s + 4 < eol && memcmp(s, " <- ", 4) == 0) {
		s += 4;
		*ret = ip;
		if (!parse_hex(&s, eol, func))
			return false;
	}
	if (s >= eol || *s++ != ')')
		return false;
	*sp = s;
	return true;
}

/* The value of field F at S (after "NAME="), up to NEXT (" NAME2=" or "\n").
 * Returns the end of the value, NULL when more text is needed, or END+1
 * when the text is not an event of ours. */
static const char *parse_value(const char *s, const char *end, const struct ufield *f,
			       const char *next, struct probe_value *v)
{
	const char *stop;
	char *q;

	memset(v, 0, sizeof(*v));
	if (f->string) {
		size_t nl = strlen(next);

		if ((size_t)(end - s) >= 7 + nl && memcmp(s, "(fault)", 7) == 0 &&
		    memcmp(s + 7, next, nl) == 0) {
			v->err = -EFAULT;
			return s + 7;
		}
		if (s >= end)
			return NULL;
		if (*s != '"')
			return end + 1;
		/* the closing quote is the one before NEXT */
		for (stop = s + 1; stop < end; stop++) {
			stop = memchr(stop, '"', (size_t)(end - stop));
			if (!stop)
				return NULL;
			if ((size_t)(end - stop - 1) < nl)
				return NULL;
			if (memcmp(stop + 1, next, nl) == 0)
				break;
		}
		if (stop >= end)
			return NULL;
		v->str = s + 1;
		v->len = (size_t)(stop - s - 1);
		return stop + 1;
	}
	stop = memchr(s, next[0], (size_t)(end - s));
	if (!stop)
		return NULL;
	if (s + 1 < stop && s[0] == '0' && s[1] == 'x')
		v->raw = strtoull(s, &q, 16);
	else if (*s == '-')
		v->raw = (uint64_t)strtoll(s, &q, 10);
	else
		v->raw = strtoull(s, &q, 10);
	return q == stop ? stop : end + 1;
}

/* The fields of EV at S into VALS.  Returns the end of the event (after its
 * newline), NULL when more text is needed, END+1 for text not ours. */
static const char *parse_fields(const struct uevent *ev, const char *s, const char *end,
				struct event_values *vals, const struct probe_arg *args,
				size_t nargs, char *comm, size_t commlen)
{
	char next[64];

	for (size_t k = 0; k < nargs; k++) {
		/* nothing fetched for it: optimized out at this site */
		vals->values[k].err = -ENODATA;
		for (size_t j = 0; args[k].list != LIST_NONE && j < args[k].nparts; j++)
			vals->parts[k][j].err = -ENODATA;
		if (args[k].list != LIST_NONE)
			vals->values[k].err = 0;
	}
	for (size_t i = 0; i < ev->nfields; i++) {
		const struct ufield *f = &ev->fields[i];
		size_t nl = strlen(f->name);
		struct probe_value *v = f->comm	       ? NULL
					: f->part < 0 ? &vals->values[f->arg]
						      : &vals->parts[f->arg][f->part];
		const char *after;

		if ((size_t)(end - s) < nl + 2)
			return NULL;
		if (s[0] != ' ' || memcmp(s + 1, f->name, nl) != 0 || s[nl + 1] != '=')
			return end + 1;
		s += nl + 2;
		if (i + 1 < ev->nfields)
			snprintf(next, sizeof(next), " %s=", ev->fields[i + 1].name);
		else
			snprintf(next, sizeof(next), "\n");
		if (f->fault_check || f->comm) {
			struct probe_value other;

			after = parse_value(s, end, f, next, &other);
			if (after && after <= end && f->fault_check && other.err)
				v->err = other.err; /* the number before it was not read */
			else if (after && after <= end && f->comm && !other.err)
				snprintf(comm, commlen, "%.*s", (int)other.len, other.str);
		} else {
			after = parse_value(s, end, f, next, v);
		}
		if (!after || after > end)
			return after;
		if (f->part >= 0)
			v->parts = NULL;
		s = after;
	}
	if (s >= end)
		return NULL;
	return *s == '\n' ? s + 1 : end + 1;
}

/* ---- naming the caller of a return ---- */

static struct sym_module *caller_module(struct upipe *p, const char *path)
{
	struct sym_module *m = NULL, **grown;
	char err[256], **paths;

	for (size_t i = 0; i < p->ncallers; i++)
		if (strcmp(p->caller_paths[i], path) == 0)
			return p->callers[i];
	if (sym_module_open(path, path, &m, err, sizeof(err)) < 0)
		m = NULL;
	grown = realloc(p->callers, (p->ncallers + 1) * sizeof(*grown));
	if (grown)
		p->callers = grown;
	paths = realloc(p->caller_paths, (p->ncallers + 1) * sizeof(*paths));
	if (paths)
		p->caller_paths = paths;
	if (!grown || !paths || !(p->caller_paths[p->ncallers] = strdup(path))) {
		sym_module_close(m);
		return NULL;
	}
	p->callers[p->ncallers++] = m;
	return m;
}

/* RET, an address of process PID, as function + offset; NULL if unknown.
 * The probed file is tried first, by the bias the event's own address
 * gives (the process may be gone by now); then the process's map. */
static const char *name_caller(struct upipe *p, const struct uevent *ev, pid_t pid,
			       uint64_t ret, uint64_t func, uint64_t *off)
{
	uint64_t bias = func - ev->vaddr, foff;
	const struct proc_map *m;
	struct sym_module *sm;
	struct sym_symbol sym;

	if (ev->mod && sym_vaddr_to_offset(ev->mod->sym, ret - bias, &foff) == 0 &&
	    sym_lookup_offset(ev->mod->sym, foff, &sym, off) == 0)
		return sym.name;
	if (!p->have_maps || p->maps_pid != pid || !proc_maps_find_addr(&p->maps, ret)) {
		if (p->have_maps)
			proc_maps_free(&p->maps);
		p->have_maps = proc_maps_read(pid, &p->maps) == 0;
		p->maps_pid = pid;
	}
	m = p->have_maps ? proc_maps_find_addr(&p->maps, ret) : NULL;
	if (!m || m->path[0] != '/')
		return NULL;
	sm = caller_module(p, m->path);
	if (!sm || sym_lookup_offset(sm, ret - m->start + m->pgoff, &sym, off) < 0)
		return NULL;
	return sym.name;
}

/* ---- one event ---- */

static const char *comm_of(struct header *h)
{
	char path[64];
	FILE *f;

	if (strcmp(h->comm, "<...>") != 0)
		return h->comm;
	/* the kernel's comm cache missed it: ask the thread, if it lives */
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)h->tid);
	f = fopen(path, "re");
	if (f) {
		if (fgets(h->comm, sizeof(h->comm), f))
			h->comm[strcspn(h->comm, "\n")] = '\0';
		fclose(f);
	}
	return h->comm;
}

static pid_t tgid_of(const struct upipe *p, const struct header *h)
{
	char value[32];

	if (h->tgid > 0)
		return h->tgid;
	if (proc_status_field(h->tid, "Tgid", value, sizeof(value)) == 0)
		return (pid_t)atoi(value);
	return p->main_pid; /* gone: it was ours, set_event_pid said so */
}

/* Parse the event at S; returns its end, NULL when incomplete, or the end
 * of the line for a line not ours (skipped). */
static const char *one_event(struct upipe *p, const char *s, const char *end)
{
	const struct options *o = p->plan->opts;
	const char *eol = memchr(s, '\n', (size_t)(end - s)), *body, *after;
	const struct probe *pr;
	struct event_values *vals;
	struct probe_hit hit;
	struct header h;
	uint64_t ret, func, caller_off = 0;

	if (!eol)
		return NULL;
	body = parse_header(p, s, eol, &h);
	if (!body || !parse_where(&body, eol, &ret, &func))
		return eol + 1;
	pr = &o->probes[h.ev->probe];
	vals = &p->vals[h.ev_index];
	after = parse_fields(h.ev, body, end, vals, h.ev->args ? h.ev->args : pr->args, pr->nargs,
			     h.comm, sizeof(h.comm));
	if (!after)
		return NULL;
	if (after > end)
		return eol + 1;
	memset(&hit, 0, sizeof(hit));
	hit.probe = pr;
	hit.args = h.ev->args;
	hit.values = vals->values;
	hit.tid = h.tid;
	hit.pid = tgid_of(p, &h);
	if (!o->follow_forks && hit.pid != p->main_pid)
		return after; /* a child the kernel followed (event-fork); utap does not */
	hit.comm = comm_of(&h);
	hit.time_ns = h.time_ns;
	hit.cpu = o->show_cpu ? h.cpu : -1;
	hit.sym = h.ev->site.sym ? h.ev->site.sym : "?";
	hit.sym_off = h.ev->site.sym_off;
	hit.sym_size = h.ev->site.sym_size;
	if (pr->kind == PROBE_RETURN) {
		hit.caller = name_caller(p, h.ev, hit.pid, ret, func, &caller_off);
		hit.caller_off = caller_off;
		hit.caller_addr = ret;
	}
	p->deliver(p->ctx, &hit);
	return after;
}

/* Make room for at least 4 KiB more; a buffer past PIPE_MAX holds no
 * event of ours (none is that long): what cannot parse is dropped. */
static void make_room(struct upipe *p)
{
	char *grown;

	if (p->cap - p->len >= 4096)
		return;
	grown = p->len >= PIPE_MAX ? NULL : realloc(p->buf, p->cap * 2);
	if (!grown) {
		p->len = 0;
		return;
	}
	p->buf = grown;
	p->cap *= 2;
}

/* Deliver every complete event in the buffer; keep the rest. */
static void parse_buffer(struct upipe *p)
{
	const char *s = p->buf, *end = p->buf + p->len, *next;

	while (s < end && (next = one_event(p, s, end)))
		s = next;
	p->len = (size_t)(end - s);
	memmove(p->buf, s, p->len);
}

int upipe_feed(struct upipe *p, const char *text, size_t n)
{
	while (n) {
		size_t chunk;

		make_room(p);
		chunk = p->cap - p->len < n ? p->cap - p->len : n;
		memcpy(p->buf + p->len, text, chunk);
		p->len += chunk;
		text += chunk;
		n -= chunk;
		parse_buffer(p);
	}
	return 0;
}

int upipe_read(struct upipe *p)
{
	for (;;) {
		ssize_t n;

		make_room(p);
		n = read(p->fd, p->buf + p->len, p->cap - p->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN ? 0 : -errno;
		if (n == 0)
			return 0;
		p->len += (size_t)n;
		parse_buffer(p);
	}
}
