/* hit.c: what happens at a probe hit: handlers, return-address hijack, trampoline. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend/ptrace/tracee.h"
#include "proc/mem.h"
#include "proc/memcache.h"
#include "proc/status.h"
#include "util/log.h"
#include "util/clock.h"

/* Deeper than this, return probes are skipped (as the kernel's uretprobes
 * cap their depth) so a runaway recursion cannot eat our memory. */
#define SHADOW_MAX 4096

static int thread_mem_read(void *ctx, uint64_t addr, void *buf, size_t n)
{
	return mem_read(((struct thread *)ctx)->tid, addr, buf, n);
}

static int thread_mem_write(void *ctx, uint64_t addr, const void *buf, size_t n)
{
	return mem_write(((struct thread *)ctx)->tid, addr, buf, n);
}

void thread_mem(struct thread *th, struct arch_mem *mem)
{
	mem->read = thread_mem_read;
	mem->write = thread_mem_write;
	mem->ctx = th;
}

/* CALLER and offset for an address, from the module's symbols. */
static const char *symbolize(struct tracer *t, struct space *s, uint64_t addr, uint64_t *off)
{
	struct module *m = space_module_at(s, addr, NULL);
	struct sym_symbol sym;
	struct sym_module *sm;
	uint64_t foff;

	if (!m) {
		space_scan_modules(s);
		m = space_module_at(s, addr, NULL);
	}
	if (!m || module_addr_to_offset(m, addr, &foff) < 0)
		return NULL;
	sm = tracer_sym(t, s, m);
	if (!sm || sym_lookup_offset(sm, foff, &sym, off) < 0)
		return NULL;
	return sym.name;
}

static const struct probe_arg *site_args(const struct probe_arg **args, int i)
{
	return args ? args[i] : NULL;
}

/* What a hit of probe P at SITE shows of them. */
static void fill_site(struct probe_hit *h, const struct probe *p, const struct probe_arg *args,
		      const struct site *site, const struct arch_regs *regs,
		      const struct arch_mem *mem)
{
	memset(h, 0, sizeof(*h));
	h->probe = p;
	h->args = args;
	h->sym = site->sym ? site->sym : "?";
	h->sym_off = site->sym_off;
	h->sym_size = site->sym_size;
	if (p->plt && site->plt) {
		/* named for the function called, whoever planted the site */
		h->sym = site->plt_label;
		h->sym_off = h->sym_size = 0;
		h->plt = site->plt;
	}
	h->where = p && p->want_where ? site->where : NULL;
	h->regs = regs;
	h->mem = mem;
}

static void fill_hit(struct tracer *t, struct thread *th, struct probe_hit *h,
		     const struct probe *p, const struct probe_arg *args, const struct site *site,
		     const struct arch_regs *regs, const struct arch_mem *mem)
{
	fill_site(h, p, args, site, regs, mem);
	h->pid = th->proc->pid;
	h->tid = th->tid;
	h->comm = thread_comm(th);
	h->time_ns = clock_mono_ns();
	h->cpu = t->opts->show_cpu ? proc_thread_cpu(th->tid) : -1;
}

void hit_print_taken(struct tracer *t, const struct taken_hit *r, const struct arch_mem *mem)
{
	const struct options *o = t->opts;
	const struct site *site = r->site;
	struct probe_hit h;

	for (int i = 0; i < site->nentry; i++) {
		fill_site(&h, &o->probes[site->entry_probes[i]], site_args(site->entry_args, i),
			  site, &r->regs, mem);
		h.pid = r->pid;
		h.tid = r->tid;
		h.comm = r->comm;
		h.time_ns = r->time_ns;
		h.cpu = r->cpu;
		h.frame = arch_return_address_slot(&r->regs);
		probe_print_hit(t->out, &h, o->json);
	}
}

static void hijack_return(struct tracer *t, struct thread *th, const struct arch_regs *regs,
			  struct site *site)
{
	struct space *s = th->proc->space;
	uint64_t slot = arch_return_address_slot(regs), ret;
	struct shadow_entry *e;

	if (!s->trampoline || mem_read(th->tid, slot, &ret, sizeof(ret)) < 0)
		return;
	if (ret != s->trampoline) {
		/* Frames at or above this one that never returned through the
		 * trampoline were left by longjmp or an exception: forget them. */
		while (th->nshadow && th->shadow[th->nshadow - 1].slot <= slot)
			th->nshadow--;
	} else {
		/* A tail call from a function we already hijacked: chain, the
		 * real return address is the one saved for that frame. */
		if (!th->nshadow || th->shadow[th->nshadow - 1].slot != slot)
			return;
		ret = th->shadow[th->nshadow - 1].ret;
	}
	if (th->nshadow >= SHADOW_MAX)
		return;
	if (th->nshadow == th->shadow_cap) {
		size_t cap = th->shadow_cap ? th->shadow_cap * 2 : 16;
		struct shadow_entry *grown = realloc(th->shadow, cap * sizeof(*grown));

		if (!grown)
			return;
		th->shadow = grown;
		th->shadow_cap = cap;
	}
	if (ret != s->trampoline && mem_write(th->tid, slot, &s->trampoline, sizeof(ret)) < 0)
		return;
	e = &th->shadow[th->nshadow++];
	e->slot = slot;
	e->ret = ret;
	e->site = site;
}

/* Read, in one syscall, the memory the probes' fetches start from; MEM
 * then serves their reads from it (falling back to direct reads). ARGS[i]
 * are probe PROBES[i]'s arguments as compiled for the site, or NULL. */
static void cache_hit_memory(struct thread *th, struct mem_cache *cache,
			     const struct arch_regs *regs, const int *probes,
			     const struct probe_arg *const *args, int n, const struct options *o,
			     struct arch_mem *mem)
{
	uint64_t addrs[MEM_CACHE_BLOCKS];
	size_t k = 0;

	mem_cache_init(cache, th->tid);
	for (int i = 0; i < n && k < MEM_CACHE_BLOCKS; i++) {
		const struct probe *p = &o->probes[probes[i]];

		k += probe_prefetch_args(args && args[i] ? args[i] : p->args, p->nargs, regs,
					 addrs + k, MEM_CACHE_BLOCKS - k);
	}
	mem_cache_prefetch(cache, addrs, k);
	mem->read = mem_cache_read;
	mem->write = NULL; /* printing only reads */
	mem->ctx = cache;
}

/* The FP registers, for the sites whose fetches read them (a double
 * parameter or return value): one more syscall, only there. */
static void read_fp(struct thread *th, const struct site *site, struct arch_regs *regs)
{
	regs->fp_valid = false; /* REGS may hold an earlier stop's */
	if (site->needs_fp && arch_fpregs_get(th->tid, regs) < 0)
		regs->fp_valid = false;
}

/* Print the hit, or with --folded count its stack.  The stack (-s,
 * --folded) is taken once per stop, for the first hit its filter lets
 * through, from REGS with IP as the ip (the probed address, or the real
 * return address); *NSTACK < 0 until then. */
/* What a handler's stack request needs (probe_hit.backend). */
struct hit_stack {
	struct tracer *t;
	struct thread *th;
	struct arch_regs at; /* the stop's registers, ip the probed address */
	bool at_entry, at_return;
};

static int hit_take_stack(const struct probe_hit *h, struct probe_frame *frames, int max)
{
	struct hit_stack *hs = h->backend;

	return stack_take(hs->t, hs->th, &hs->at, hs->at_entry, hs->at_return, frames, max);
}

static void hit_name_addr(const struct probe_hit *h, uint64_t addr, struct probe_frame *out)
{
	struct hit_stack *hs = h->backend;

	stack_name_addr(hs->t, hs->th, addr, out);
}

static void report_hit(struct tracer *t, struct thread *th, struct probe_hit *h, int probe,
		       const struct arch_regs *regs, uint64_t ip, bool at_entry, bool at_return,
		       int *nstack)
{
	const struct options *o = t->opts;
	struct arch_regs at;

	if (t->hooks) {
		struct hit_stack hs = {t, th, *regs, at_entry, at_return};

		arch_set_ip(&hs.at, ip);
		h->take_stack = hit_take_stack;
		h->name_addr = hit_name_addr;
		h->backend = &hs;
		if (t->hooks->hit)
			t->hooks->hit(t->hooks->data, h);
		h->take_stack = NULL; /* HS ends here */
		h->name_addr = NULL;
		h->backend = NULL;
		return;
	}
	if (o->stack || o->folded) {
		if (!probe_filter_match(h->probe->filter, h))
			return;
		if (*nstack < 0) {
			at = *regs;
			arch_set_ip(&at, ip);
			*nstack = stack_take(t, th, &at, at_entry, at_return, t->frames,
					     o->stack_depth);
		}
		h->stack = t->frames;
		h->nstack = *nstack;
	}
	if (o->folded)
		probe_folded_add(t->folded, probe, h->stack, h->nstack);
	else
		probe_print_hit(t->out, h, o->json);
}

/* Report SITE's entry probes to a thread stopped with REGS, IP the
 * address their stacks start at: all of them (WHICH < 0), or only the
 * PLT probes (1) or the others (0). */
static void report_entries(struct tracer *t, struct thread *th, struct arch_regs *regs,
			   struct site *site, uint64_t ip, bool at_entry, int which)
{
	const struct options *o = t->opts;
	struct mem_cache cache;
	struct probe_hit h;
	struct arch_mem mem;
	int nstack = -1, i;

	for (i = 0; i < site->nentry && which >= 0; i++)
		if (o->probes[site->entry_probes[i]].plt == (which == 1))
			break;
	if (i == site->nentry)
		return; /* none of that kind */
	read_fp(th, site, regs);
	/* the tracee copies the memory, the hit prints once it has */
	if (which < 0 && fetch_stub_take(t, th, site, regs))
		return;
	fetch_stub_flush(t, true); /* hits before this one print first */
	cache_hit_memory(th, &cache, regs, site->entry_probes, site->entry_args, site->nentry, o,
			 &mem);
	for (i = 0; i < site->nentry; i++) {
		const struct probe *p = &o->probes[site->entry_probes[i]];

		if (which >= 0 && p->plt != (which == 1))
			continue;
		fill_hit(t, th, &h, p, site_args(site->entry_args, i), site, regs, &mem);
		h.frame = arch_return_address_slot(regs);
		report_hit(t, th, &h, site->entry_probes[i], regs, ip, at_entry, false, &nstack);
	}
}

static bool has_plt_probe(const struct tracer *t, const int *probes, int n)
{
	for (int i = 0; i < n; i++)
		if (t->opts->probes[probes[i]].plt)
			return true;
	return false;
}

/*
 * A call or jump through the GOT (-fno-plt) under PLT probes: run it here
 * first, so that they see what the called function sees at its first
 * instruction (the return address pushed, stack arguments where they
 * belong) and a .return probe hijacks that return address, as at a stub.
 * The branch reads only its GOT slot and pushes at most the return address:
 * nothing else to undo, and the thread resumes in the called function.
 */
static int hit_got_call(struct tracer *t, struct thread *th, struct arch_regs *regs,
			struct site *site)
{
	struct arch_regs after = *regs;
	struct arch_mem mem;
	int rc;

	thread_mem(th, &mem);
	if (arch_emulate(&site->plan, &after, &mem) < 0) {
		/* the stack could not take the return address yet: the
		 * hit from the call's side, stepped as usual (no .return) */
		report_entries(t, th, regs, site, site->addr, false, 1);
		return step_over(t, th, regs, site);
	}
	report_entries(t, th, &after, site, arch_ip(&after), true, 1);
	if (has_plt_probe(t, site->return_probes, site->nreturn))
		hijack_return(t, th, &after, site);
	*regs = after;
	rc = arch_regs_set(th->tid, regs);
	if (rc < 0)
		return rc;
	th->resume_ip = arch_ip(regs);
	return thread_resume(t, th, 0);
}

int hit_site(struct tracer *t, struct thread *th, struct arch_regs *regs, struct site *site)
{
	/* at a GOT call, the PLT probes wait until it has run */
	bool later = site->got_call && th->proc->report &&
		     (has_plt_probe(t, site->entry_probes, site->nentry) ||
		      has_plt_probe(t, site->return_probes, site->nreturn));

	if (site->kind == SITE_RENDEZVOUS) {
		/* The dynamic linker mapped or unmapped something. */
		if (th->proc->main)
			t->rendezvous_hits++;
		space_scan_modules(th->proc->space);
		plant_probes(t, th);
		if (t->fatal)
			return 0; /* a bad probe: the thread stays stopped, the run ends */
	}
	if (th->proc->report) {
		if (site->nentry)
			report_entries(t, th, regs, site, site->addr, site->sym && site->sym_off == 0,
				       later ? 0 : -1);
		/* (a GOT call's return probes are all PLT ones or none: plant.c) */
		if (site->nreturn && !(later && has_plt_probe(t, site->return_probes, site->nreturn)))
			hijack_return(t, th, regs, site);
	}
	if (th->proc->trap_handler)
		sigtrap_repair(t, th);
	if (later)
		return hit_got_call(t, th, regs, site);
	return step_over(t, th, regs, site);
}

static void print_returns(struct tracer *t, struct thread *th, struct arch_regs *regs,
			  const struct shadow_entry *e)
{
	const struct options *o = t->opts;
	struct mem_cache cache;
	struct probe_hit h;
	struct arch_mem mem;
	uint64_t caller_off = 0;
	const char *caller;
	int nstack = -1;

	if (!th->proc->report)
		return;
	fetch_stub_flush(t, true); /* hits before this one print first */
	read_fp(th, e->site, regs);
	cache_hit_memory(th, &cache, regs, e->site->return_probes, e->site->return_args,
			 e->site->nreturn, o, &mem);
	caller = symbolize(t, th->proc->space, e->ret, &caller_off);
	for (int i = 0; i < e->site->nreturn; i++) {
		fill_hit(t, th, &h, &o->probes[e->site->return_probes[i]],
			 site_args(e->site->return_args, i), e->site, regs, &mem);
		h.caller = caller;
		h.caller_off = caller_off;
		h.caller_addr = e->ret;
		h.frame = e->slot;
		/* The stack from where the function returns to, as if it had
		 * returned there directly and not through our trampoline. */
		report_hit(t, th, &h, e->site->return_probes[i], regs, e->ret, false, true,
			   &nstack);
	}
}

/* Pop the frames returning at the trampoline; set REGS' ip to the real
 * return address. Returns 0, or -EFAULT if no saved frame matches. */
int uret_return(struct tracer *t, struct thread *th, struct arch_regs *regs, bool print)
{
	/* After "ret" popped the hijacked slot, sp is just above it. */
	uint64_t slot = arch_sp(regs) - sizeof(uint64_t), ret;

	while (th->nshadow && th->shadow[th->nshadow - 1].slot < slot)
		th->nshadow--;
	if (!th->nshadow || th->shadow[th->nshadow - 1].slot != slot)
		return -EFAULT;
	ret = th->shadow[th->nshadow - 1].ret;
	while (th->nshadow && th->shadow[th->nshadow - 1].slot == slot) {
		struct shadow_entry e = th->shadow[--th->nshadow];

		if (print)
			print_returns(t, th, regs, &e);
	}
	arch_set_ip(regs, ret);
	return 0;
}

int hit_trampoline(struct tracer *t, struct thread *th, struct arch_regs *regs)
{
	int rc;

	rc = uret_return(t, th, regs, true);
	if (rc < 0) {
		log_error("thread %d returned through utap's trampoline but no return address "
			  "was saved for its stack pointer %#llx; stopping",
			  th->tid, (unsigned long long)arch_sp(regs));
		t->fatal = true;
		t->fatal_status = 1;
		return rc;
	}
	if (th->proc->trap_handler)
		sigtrap_repair(t, th);
	rc = arch_regs_set(th->tid, regs);
	if (rc < 0)
		return rc;
	th->resume_ip = arch_ip(regs);
	return thread_resume(t, th, 0);
}

/* What a process or thread event (no probe) tells the hooks of itself. */
static void fill_event_hit(struct thread *th, struct probe_hit *h)
{
	memset(h, 0, sizeof(*h));
	h->pid = th->proc->pid;
	h->tid = th->tid;
	h->comm = thread_comm(th);
	h->time_ns = clock_mono_ns();
	h->cpu = -1;
}

void hit_life(struct tracer *t, struct thread *th, enum backend_life what)
{
	struct probe_hit h;
	struct arch_mem mem;
	struct arch_regs regs;
	bool begin = what == LIFE_PROCESS_BEGIN || what == LIFE_THREAD_BEGIN;

	if (!t->hooks || !t->hooks->life || !th->proc->report)
		return;
	if (what == LIFE_PROCESS_BEGIN) {
		if (th->proc->began)
			return;
		th->proc->began = true;
	}
	fill_event_hit(th, &h);
	thread_mem(th, &mem);
	h.mem = begin ? &mem : NULL; /* a thread that ended has no memory to read */
	/* A thread that begins is stopped at its first stop: its registers
	 * (its stack, its thread pointer) are there to read. */
	if (begin && th->state == THREAD_STOPPED && arch_regs_get(th->tid, &regs) == 0)
		h.regs = &regs;
	t->hooks->life(t->hooks->data, what, &h);
}

void hit_exec(struct tracer *t, struct thread *th)
{
	struct probe_hit h;

	if (!t->hooks || !t->hooks->exec || !th->proc->report)
		return;
	fill_event_hit(th, &h);
	t->hooks->exec(t->hooks->data, &h);
}

void shadow_restore_all(struct thread *th, pid_t in_pid)
{
	/* Innermost first, so a chained (tail-call) slot ends with the
	 * outermost frame's real address, which is the right one. */
	for (size_t i = th->nshadow; i-- > 0;)
		mem_write(in_pid, th->shadow[i].slot, &th->shadow[i].ret, sizeof(uint64_t));
}
