/* tracer.c: tables of the ptrace backend: processes, threads, address spaces, sites. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "backend/ptrace/tracee.h"
#include "dwarf/dwarf.h"
#include "proc/mem.h"
#include "util/log.h"

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n, size);

	if (!p) {
		log_error("out of memory");
		abort();
	}
	return p;
}

struct thread *tracer_thread(struct tracer *t, pid_t tid)
{
	struct thread *th = t->threads[(unsigned)tid % THREAD_HASH_SIZE];

	while (th && th->tid != tid)
		th = th->hash_next;
	return th;
}

struct thread *tracer_add_thread(struct tracer *t, struct process *proc, pid_t tid)
{
	struct thread *th = xcalloc(1, sizeof(*th));
	unsigned h = (unsigned)tid % THREAD_HASH_SIZE;

	th->tid = tid;
	th->proc = proc;
	th->state = THREAD_STOPPED;
	th->fetch_slot = -1;
	th->hash_next = t->threads[h];
	t->threads[h] = th;
	th->next_in_proc = proc->threads;
	proc->threads = th;
	return th;
}

void tracer_remove_thread(struct tracer *t, struct thread *th)
{
	struct thread **pp = &t->threads[(unsigned)th->tid % THREAD_HASH_SIZE];

	fetch_stub_forget(t, th);
	while (*pp && *pp != th)
		pp = &(*pp)->hash_next;
	if (*pp)
		*pp = th->hash_next;
	for (pp = &th->proc->threads; *pp; pp = &(*pp)->next_in_proc) {
		if (*pp == th) {
			*pp = th->next_in_proc;
			break;
		}
	}
	free(th->shadow);
	free(th);
}

struct process *tracer_add_process(struct tracer *t, pid_t pid, struct space *space)
{
	struct process *p = xcalloc(1, sizeof(*p));

	p->pid = pid;
	p->space = space;
	p->report = true;
	p->next = t->procs;
	t->procs = p;
	return p;
}

void tracer_remove_process(struct tracer *t, struct process *proc)
{
	struct process **pp;

	while (proc->threads)
		tracer_remove_thread(t, proc->threads);
	for (pp = &t->procs; *pp; pp = &(*pp)->next) {
		if (*pp == proc) {
			*pp = proc->next;
			break;
		}
	}
	if (proc->space)
		space_put(proc->space);
	free(proc);
}

struct space *space_new(pid_t pid)
{
	struct space *s = xcalloc(1, sizeof(*s));

	s->refs = 1;
	s->pid = pid;
	s->memfd = mem_open(pid);
	if (s->memfd < 0)
		log_debug("cannot open /proc/%d/mem: %s", pid, strerror(-s->memfd));
	return s;
}

struct space *space_get(struct space *s)
{
	s->refs++;
	return s;
}

static void site_free(struct site *site)
{
	free(site->entry_probes);
	free(site->return_probes);
	free(site->entry_args);
	free(site->return_args);
	free(site);
}

void space_put(struct space *s)
{
	if (--s->refs > 0)
		return;
	for (size_t i = 0; i < s->nsites; i++)
		site_free(s->site_list[i]);
	free(s->site_list);
	while (s->xol) {
		struct xol_page *next = s->xol->next;

		free(s->xol);
		s->xol = next;
	}
	for (size_t i = 0; i < s->nmodules; i++) {
		free(s->modules[i].path);
		free(s->modules[i].maps);
	}
	free(s->modules);
	free(s->resolved);
	stack_space_free(s->stacks);
	sema_free(s);
	fetch_area_free(&s->fetch);
	if (s->memfd >= 0)
		close(s->memfd);
	free(s);
}

/* Fibonacci hashing: code addresses are aligned, their low bits alike. */
static unsigned site_hash(uint64_t addr)
{
	return (unsigned)((addr * 0x9e3779b97f4a7c15ull) >> 54) % SITE_HASH_SIZE;
}

struct site *space_site(const struct space *s, uint64_t addr)
{
	struct site *site = s->sites[site_hash(addr)];

	while (site && site->addr != addr)
		site = site->hash_next;
	return site;
}

struct site *space_add_site(struct space *s, uint64_t addr)
{
	struct site *site = xcalloc(1, sizeof(*site));
	unsigned h = site_hash(addr);
	struct site **list;

	list = realloc(s->site_list, (s->nsites + 1) * sizeof(*list));
	if (!list) {
		free(site);
		return NULL;
	}
	s->site_list = list;
	s->site_list[s->nsites++] = site;
	site->addr = addr;
	site->hash_next = s->sites[h];
	s->sites[h] = site;
	return site;
}

static int *dup_ints(const int *v, int n)
{
	int *c;

	if (n == 0)
		return NULL;
	c = xcalloc((size_t)n, sizeof(int));
	memcpy(c, v, (size_t)n * sizeof(int));
	return c;
}

/* The compiled arguments are the tracer's: a forked space shares them. */
static const struct probe_arg **dup_ptrs(const struct probe_arg **v, int n)
{
	const struct probe_arg **c;

	if (!v || n == 0)
		return NULL;
	c = xcalloc((size_t)n, sizeof(*c));
	memcpy(c, v, (size_t)n * sizeof(*c));
	return c;
}

struct space *space_fork(struct space *parent, pid_t child)
{
	struct space *s = space_new(child);
	struct xol_page **tail = &s->xol;

	for (size_t i = 0; i < parent->nsites; i++) {
		struct site *from = parent->site_list[i];
		struct site *to = space_add_site(s, from->addr);
		struct site *keep_next;

		if (!to)
			break;
		keep_next = to->hash_next;
		*to = *from;
		to->hash_next = keep_next;
		to->entry_probes = dup_ints(from->entry_probes, from->nentry);
		to->return_probes = dup_ints(from->return_probes, from->nreturn);
		to->entry_args = dup_ptrs(from->entry_args, from->nentry);
		to->return_args = dup_ptrs(from->return_args, from->nreturn);
	}
	for (struct xol_page *p = parent->xol; p; p = p->next) {
		*tail = xcalloc(1, sizeof(**tail));
		**tail = *p;
		(*tail)->next = NULL;
		tail = &(*tail)->next;
	}
	s->trampoline = parent->trampoline;
	s->gadget = parent->gadget;
	/* The child has the stub's pages too (the slots shared with the
	 * parent's): to unmap at its detach, never to use. */
	s->fetch.code = parent->fetch.code;
	s->fetch.data = parent->fetch.data;
	s->fetch.failed = true;
	s->modules = xcalloc(parent->nmodules + 1, sizeof(*s->modules));
	for (size_t i = 0; i < parent->nmodules; i++) {
		s->modules[i] = parent->modules[i];
		s->modules[i].path = strdup(parent->modules[i].path);
		s->modules[i].maps = xcalloc(parent->modules[i].nmaps + 1, sizeof(struct module_map));
		memcpy(s->modules[i].maps, parent->modules[i].maps,
		       parent->modules[i].nmaps * sizeof(struct module_map));
	}
	s->nmodules = parent->nmodules;
	if (parent->nresolved) {
		s->resolved = xcalloc(parent->nresolved, sizeof(*s->resolved));
		memcpy(s->resolved, parent->resolved, parent->nresolved * sizeof(*s->resolved));
	}
	s->nresolved = parent->nresolved;
	s->rendezvous = parent->rendezvous;
	s->libs_loaded = parent->libs_loaded;
	s->r_debug_state = parent->r_debug_state;
	sema_fork(parent, s);
	return s;
}

struct sym_module *tracer_sym(struct tracer *t, struct space *s, struct module *m)
{
	char open_path[4096], err[256];
	struct sym_module *sym;

	if (m->sym || m->sym_failed)
		return m->sym;
	for (size_t i = 0; i < t->nsymcache; i++) {
		if (t->symcache[i].dev == m->dev && t->symcache[i].ino == m->ino)
			return m->sym = t->symcache[i].sym;
	}
	module_file(s->pid, m->path, m->dev, m->ino, open_path, sizeof(open_path));
	if (sym_module_open(open_path, m->path, &sym, err, sizeof(err)) < 0) {
		log_debug("%s: %s", m->path, err);
		m->sym_failed = true;
		return NULL;
	}
	t->symcache = realloc(t->symcache, (t->nsymcache + 1) * sizeof(*t->symcache));
	if (!t->symcache)
		abort();
	t->symcache[t->nsymcache].dev = m->dev;
	t->symcache[t->nsymcache].ino = m->ino;
	t->symcache[t->nsymcache].sym = sym;
	t->symcache[t->nsymcache].dwarf = NULL;
	t->symcache[t->nsymcache].dwarf_tried = false;
	t->nsymcache++;
	return m->sym = sym;
}

struct dwarf_module *tracer_dwarf(struct tracer *t, struct space *s, struct module *m)
{
	char open_path[4096];

	if (!tracer_sym(t, s, m))
		return NULL;
	for (size_t i = 0; i < t->nsymcache; i++) {
		if (t->symcache[i].dev != m->dev || t->symcache[i].ino != m->ino)
			continue;
		if (!t->symcache[i].dwarf_tried) {
			t->symcache[i].dwarf_tried = true;
			module_file(s->pid, m->path, m->dev, m->ino, open_path, sizeof(open_path));
			if (dwarf_module_open(open_path, &t->symcache[i].dwarf) < 0)
				t->symcache[i].dwarf = NULL;
		}
		return t->symcache[i].dwarf;
	}
	return NULL;
}

void thread_hold_signal(struct thread *th, int sig)
{
	if (th->npending < (int)(sizeof(th->pending_sig) / sizeof(th->pending_sig[0])))
		th->pending_sig[th->npending++] = sig;
}

int thread_resume(struct tracer *t, struct thread *th, int sig)
{
	long rc;

	if (!sig && th->npending) {
		/* Deliver a signal we held back while stepping; any others
		 * go back to the thread's queue (standard signals merge anyway). */
		sig = th->pending_sig[0];
		for (int i = 1; i < th->npending; i++)
			syscall(SYS_tgkill, th->proc->pid, th->tid, th->pending_sig[i]);
		th->npending = 0;
	}
	if (sig && th->event_stop) {
		/* The kernel ignores a signal given when resuming from an
		 * interrupt stop: queue it instead; it comes back to us as a
		 * signal-delivery stop and is passed on then. */
		syscall(SYS_tgkill, th->proc->pid, th->tid, sig);
		sig = 0;
	}
	th->event_stop = false;
	rc = ptrace(PTRACE_CONT, th->tid, 0L, (long)sig);
	if (rc < 0)
		return -errno;
	th->state = THREAD_RUNNING;
	return 0;
}

const char *thread_comm(struct thread *th)
{
	char path[64];
	ssize_t n;
	int fd;

	if (th->comm_valid)
		return th->comm;
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)th->tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	n = fd >= 0 ? read(fd, th->comm, sizeof(th->comm) - 1) : -1;
	if (fd >= 0)
		close(fd);
	if (n <= 0) {
		strcpy(th->comm, "?");
		return th->comm;
	}
	th->comm[n] = '\0';
	th->comm[strcspn(th->comm, "\n")] = '\0';
	th->comm_valid = true;
	return th->comm;
}
