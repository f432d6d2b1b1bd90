/* fetchstub.c: hits whose memory the tracee copies itself.
 *
 * Reading another process's memory costs a syscall that pins its pages:
 * about 2 us a hit here, as much as the rest of a hit's work. For one-liners
 * whose fetches read memory at addresses the registers give (members of a
 * struct a register points to, a string, stack arguments), utap writes those
 * ranges into the thread's slot of a memory area it shares with the tracee
 * and resumes the thread through a few instructions (arch fetchstub.c) that
 * copy them there, restore every register and go on where the thread was
 * going. The hit is printed once its copy is done: at the next event, or by
 * a timer when the program goes quiet, always in the order of the hits.
 *
 * The stub only copies and restores: a thread stopped inside it (a signal, a
 * fault on a bad pointer, a detach) is put back exactly as it was resumed,
 * and utap reads the memory itself, as without the stub.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backend/ptrace/tracee.h"
#include "proc/mem.h"
#include "proc/memcache.h"
#include "proc/status.h"
#include "util/clock.h"
#include "util/log.h"

#define SLOT_SIZE 4096u
#define AREA_SIZE (FETCH_SLOTS * SLOT_SIZE)
#define SLOT_DATA 0x200u /* after the range table */
#define QUIET_NS 10000000u /* a waiting hit is printed within 10 ms */
#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#ifndef MFD_CLOEXEC
#define MFD_CLOEXEC 1u
#endif

_Static_assert(ARCH_FETCH_SLOT_RANGES + FETCH_RANGES * 16 <= SLOT_DATA, "range table");

static uint8_t *slot_of(const struct fetch_area *a, int slot)
{
	return a->local + (size_t)slot * SLOT_SIZE;
}

static uint64_t code_of(const struct fetch_area *a, int slot)
{
	return a->code + (uint64_t)slot * ARCH_FETCH_STUB_STRIDE;
}

static uint32_t slot_done(const struct fetch_area *a, int slot)
{
	return __atomic_load_n((uint32_t *)(slot_of(a, slot) + ARCH_FETCH_SLOT_DONE),
			       __ATOMIC_ACQUIRE);
}

/* ---- setting up: a code page and a memfd mapped on both sides ---- */

static int inject(struct tracer *t, struct thread *th, long nr, uint64_t a0, uint64_t a1,
		  uint64_t a2, uint64_t a3, uint64_t a4, int64_t *got)
{
	uint64_t args[6] = {a0, a1, a2, a3, a4, 0};
	int rc = inject_syscall(t, th, th->proc->space->gadget, nr, args, got);

	if (rc == 0 && *got < 0 && *got > -4096)
		rc = (int)*got;
	return rc;
}

/* The shared slots near CODE (the stubs reach them rip-relative): a memfd
 * the tracee creates, maps and closes; utap maps it through /proc. The
 * descriptor exists in the tracee only while every thread is stopped. */
static int map_slots(struct tracer *t, struct thread *th, struct fetch_area *a)
{
	static const char name[] = "utap-fetch";
	struct space *s = th->proc->space;
	struct proc_maps maps;
	char path[64];
	int64_t fd = -1, got;
	uint64_t hint;
	int rc, lfd;
	void *local;

	/* the name goes where the stubs will be, overwritten after */
	rc = mem_poke(s->memfd, a->code, name, sizeof(name));
	if (rc == 0)
		rc = inject(t, th, SYS_memfd_create, a->code, MFD_CLOEXEC, 0, 0, 0, &fd);
	if (rc < 0)
		return rc;
	rc = inject(t, th, SYS_ftruncate, (uint64_t)fd, AREA_SIZE, 0, 0, 0, &got);
	if (rc == 0)
		rc = proc_maps_read(th->proc->pid, &maps);
	if (rc == 0) {
		hint = proc_maps_find_gap_near(&maps, a->code, a->code + 1, AREA_SIZE);
		proc_maps_free(&maps);
		rc = hint ? inject(t, th, SYS_mmap, hint, AREA_SIZE, PROT_READ | PROT_WRITE,
				   MAP_SHARED | MAP_FIXED_NOREPLACE, (uint64_t)fd, &got)
			  : -ENOMEM;
		if (rc == 0)
			a->data = (uint64_t)got;
	}
	if (rc == 0) {
		snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)th->proc->pid, (int)fd);
		lfd = open(path, O_RDWR | O_CLOEXEC);
		if (lfd < 0) {
			rc = -errno;
		} else {
			local = mmap(NULL, AREA_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, lfd, 0);
			close(lfd);
			if (local == MAP_FAILED)
				rc = -errno;
			else
				a->local = local;
		}
	}
	if (inject(t, th, SYS_close, (uint64_t)fd, 0, 0, 0, 0, &got) < 0 && rc == 0)
		rc = -EIO;
	return rc;
}

static int write_stubs(struct space *s, struct fetch_area *a)
{
	uint8_t code[FETCH_SLOTS * ARCH_FETCH_STUB_STRIDE];

	for (int i = 0; i < FETCH_SLOTS; i++)
		if (arch_fetch_stub_emit(code + i * ARCH_FETCH_STUB_STRIDE, code_of(a, i),
					 a->data + (uint64_t)i * SLOT_SIZE) < 0)
			return -ERANGE;
	return mem_poke(s->memfd, a->code, code, sizeof(code));
}

/* A seccomp filter may kill the program for a system call it did not
 * expect (memfd_create, ftruncate): never inject those there. */
static bool filtered(pid_t pid)
{
	char mode[16];

	return proc_status_field(pid, "Seccomp", mode, sizeof(mode)) < 0 || strcmp(mode, "0");
}

static int setup(struct tracer *t, struct thread *th)
{
	struct space *s = th->proc->space;
	struct fetch_area *a = &s->fetch;
	int rc;

	if (filtered(th->tid))
		return -EPERM;
	rc = xol_setup(t, th);
	if (rc == 0)
		rc = xol_code_page(t, th, &a->code);
	if (rc < 0)
		return rc;
	stop_world(t, th);
	rc = map_slots(t, th, a);
	resume_world(t);
	if (rc == 0)
		rc = write_stubs(s, a);
	if (rc < 0)
		return rc;
	log_verbose("pid %d: fetch stub: code %#llx, data %#llx (%d slots)", (int)th->proc->pid,
		    (unsigned long long)a->code, (unsigned long long)a->data, FETCH_SLOTS);
	return 0;
}

/* TH's slot, set up the area first if needed; -1 when there is none. */
static int thread_slot(struct tracer *t, struct thread *th)
{
	struct fetch_area *a = &th->proc->space->fetch;
	int rc;

	if (th->fetch_hit)
		return th->fetch_slot;
	if (a->failed)
		return -1;
	if (!a->local) {
		rc = setup(t, th);
		if (rc < 0) {
			/* it stays off here; what was mapped goes at detach */
			log_verbose("pid %d: no fetch stub (%s): memory is read per hit",
				    (int)th->proc->pid,
				    rc == -EPERM ? "a seccomp filter" : strerror(-rc));
			a->failed = true;
			return -1;
		}
	}
	for (int i = 0; i < FETCH_SLOTS; i++) {
		if (a->used & (1u << i))
			continue;
		th->fetch_hit = calloc(1, sizeof(*th->fetch_hit));
		if (!th->fetch_hit)
			return -1;
		a->used |= 1u << i;
		th->fetch_slot = i;
		return i;
	}
	return -1; /* more threads than slots: the rest read per hit */
}

/* ---- taking a hit ---- */

static bool site_fits(const struct tracer *t, const struct site *site)
{
	const struct options *o = t->opts;

	return !t->fetch_off && !t->hooks && !o->stack && !o->folded && site->kind == SITE_PROBE &&
	       !site->nreturn && !site->got_call &&
	       (site->plan.mode == ARCH_STEP_EMULATE || site->plan.mode == ARCH_STEP_XOL);
}

/* The ranges of every entry probe of SITE, placed in the slot's data;
 * false when one cannot be copied this way. */
static bool list_ranges(const struct tracer *t, const struct site *site,
			const struct arch_regs *regs, struct fetch_copy *c)
{
	uint64_t sp = arch_sp(regs);
	uint32_t at = SLOT_DATA;
	int n = 0;

	for (int i = 0; i < site->nentry; i++) {
		const struct probe *p = &t->opts->probes[site->entry_probes[i]];
		const struct probe_arg *args = site->entry_args && site->entry_args[i]
						       ? site->entry_args[i]
						       : p->args;
		int k = probe_copy_ranges(args, p->nargs, regs, c->ranges + n, FETCH_RANGES - n);

		if (k < 0)
			return false;
		n += k;
	}
	for (int i = 0; i < n; i++) {
		/* an emulated push or call writes just below the stack
		 * pointer before the stub copies: keep clear of it */
		if (c->ranges[i].addr < sp && c->ranges[i].addr + c->ranges[i].len > sp - 64)
			return false;
		if (at + c->ranges[i].len > SLOT_SIZE)
			return false;
		c->dst[i] = at;
		at += c->ranges[i].len;
	}
	c->n = n;
	return n > 0; /* nothing to read: printing now costs no syscall */
}

bool fetch_stub_take(struct tracer *t, struct thread *th, struct site *site,
		     const struct arch_regs *regs)
{
	struct fetch_copy copy;
	struct taken_hit *r;
	uint8_t *slot;
	int k;

	if (!site_fits(t, site) || !list_ranges(t, site, regs, &copy))
		return false;
	k = thread_slot(t, th);
	if (k < 0)
		return false;
	r = th->fetch_hit;
	r->copy = copy;
	r->site = site;
	r->regs = *regs;
	r->time_ns = clock_mono_ns();
	r->cpu = t->opts->show_cpu ? proc_thread_cpu(th->tid) : -1;
	r->pid = th->proc->pid;
	r->tid = th->tid;
	snprintf(r->comm, sizeof(r->comm), "%s", thread_comm(th));
	slot = slot_of(&th->proc->space->fetch, k);
	for (int i = 0; i < copy.n; i++) {
		uint8_t *e = slot + ARCH_FETCH_SLOT_RANGES + 16 * i;

		memcpy(e, &copy.ranges[i].addr, 8);
		memcpy(e + 8, &copy.ranges[i].len, 4);
		memcpy(e + 12, &copy.dst[i], 4);
	}
	memcpy(slot + ARCH_FETCH_SLOT_COUNT, &(uint32_t){(uint32_t)copy.n}, 4);
	th->fetch_state = FETCH_TAKEN;
	return true;
}

static void push_fifo(struct tracer *t, struct thread *th)
{
	if (t->nfetch == (int)(sizeof(t->fetch_fifo) / sizeof(t->fetch_fifo[0])))
		fetch_stub_flush(t, true);
	if (!t->nfetch)
		t->fetch_due = clock_mono_ns() + QUIET_NS;
	t->fetch_fifo[t->nfetch++] = th;
}

void fetch_stub_redirect(struct tracer *t, struct thread *th, struct arch_regs *regs)
{
	struct fetch_area *a = &th->proc->space->fetch;
	struct taken_hit *r = th->fetch_hit;
	uint8_t *slot;
	uint64_t resume;

	if (th->fetch_state != FETCH_TAKEN)
		return;
	slot = slot_of(a, th->fetch_slot);
	resume = arch_ip(regs);
	r->seq++;
	if (!r->seq)
		r->seq = 1; /* 0 is what a fresh slot says is done */
	memcpy(slot + ARCH_FETCH_SLOT_RESUME, &resume, 8);
	__atomic_store_n((uint32_t *)(slot + ARCH_FETCH_SLOT_SEQ), r->seq, __ATOMIC_RELEASE);
	r->after = *regs;
	arch_set_ip(regs, code_of(a, th->fetch_slot));
	th->fetch_state = FETCH_ARMED;
	push_fifo(t, th);
}

/* ---- printing a taken hit ---- */

/* Reads served from the slot's copy. */
struct slot_mem {
	const struct taken_hit *r;
	const uint8_t *slot;
	pid_t tid;
};

static int slot_read(void *ctx, uint64_t addr, void *buf, size_t n)
{
	const struct slot_mem *m = ctx;
	const struct taken_hit *r = m->r;

	for (int i = 0; i < r->copy.n; i++) {
		uint64_t lo = r->copy.ranges[i].addr;

		if (addr >= lo && addr + n <= lo + r->copy.ranges[i].len) {
			memcpy(buf, m->slot + r->copy.dst[i] + (addr - lo), n);
			return 0;
		}
	}
	/* not listed (cannot happen for the plans taken): read it now */
	log_debug("fetch stub: %#llx+%zu was not copied", (unsigned long long)addr, n);
	return m->tid > 0 ? mem_read(m->tid, addr, buf, n) : -EFAULT;
}

static int no_read(void *ctx, uint64_t addr, void *buf, size_t n)
{
	(void)ctx, (void)addr, (void)buf, (void)n;
	return -EFAULT;
}

static void print_from_slot(struct tracer *t, const struct taken_hit *r, const uint8_t *slot)
{
	struct slot_mem m = {r, slot, r->tid};
	struct arch_mem mem = {.read = slot_read, .ctx = &m};

	hit_print_taken(t, r, &mem);
}

/* Read R's ranges ourselves, in one process_vm_readv, for MEM (the cache
 * keeps 8 blocks: a probe reading more places reads the rest as it
 * prints). */
static void read_ranges(const struct taken_hit *r, struct mem_cache *cache, struct arch_mem *mem)
{
	uint64_t addrs[FETCH_RANGES];

	mem_cache_init(cache, r->tid);
	for (int i = 0; i < r->copy.n; i++)
		addrs[i] = r->copy.ranges[i].addr;
	mem_cache_prefetch(cache, addrs, (size_t)r->copy.n);
	mem->read = mem_cache_read;
	mem->write = NULL;
	mem->ctx = cache;
}

/* Print TH's hit, the copy done or not. A copy not done means the thread
 * has not run past the stub: its memory is as at the hit (unless GONE),
 * and we read it; if the copy completes meanwhile, that one is used. */
static void print_hit(struct tracer *t, struct thread *th, bool gone)
{
	struct fetch_area *a = &th->proc->space->fetch;
	const struct taken_hit *r = th->fetch_hit;
	const uint8_t *slot = slot_of(a, th->fetch_slot);
	struct mem_cache cache;
	struct arch_mem mem = {.read = no_read};

	if (slot_done(a, th->fetch_slot) == r->seq) {
		print_from_slot(t, r, slot);
		return;
	}
	if (!gone) {
		read_ranges(r, &cache, &mem);
		if (slot_done(a, th->fetch_slot) == r->seq) {
			print_from_slot(t, r, slot);
			return;
		}
	}
	hit_print_taken(t, r, &mem);
}

static void pop_fifo(struct tracer *t)
{
	memmove(t->fetch_fifo, t->fetch_fifo + 1, (size_t)--t->nfetch * sizeof(t->fetch_fifo[0]));
}

static bool waiting(const struct thread *th)
{
	return th->fetch_state == FETCH_ARMED && th->fetch_hit && th->fetch_hit->site;
}

/* Print, oldest first, up to and including UNTIL's hit (NULL: all); the
 * printed hits are marked so (site NULL). */
static void print_until(struct tracer *t, const struct thread *until, bool force, bool gone)
{
	while (t->nfetch) {
		struct thread *th = t->fetch_fifo[0];
		struct fetch_area *a = &th->proc->space->fetch;

		if (waiting(th)) {
			if (!force && slot_done(a, th->fetch_slot) != th->fetch_hit->seq)
				break;
			print_hit(t, th, gone && th == until);
			th->fetch_hit->site = NULL;
		}
		pop_fifo(t);
		if (th == until)
			break;
	}
}

void fetch_stub_flush(struct tracer *t, bool force)
{
	print_until(t, NULL, force, false);
}

void fetch_stub_cancel(struct tracer *t, struct thread *th)
{
	struct arch_mem mem;
	struct mem_cache cache;

	if (th->fetch_state != FETCH_TAKEN)
		return;
	th->fetch_state = FETCH_IDLE;
	fetch_stub_flush(t, true); /* older hits first */
	read_ranges(th->fetch_hit, &cache, &mem);
	hit_print_taken(t, th->fetch_hit, &mem);
}

/* ---- stops while the stub may run ---- */

static bool own_fault(pid_t tid)
{
	siginfo_t si;

	if (ptrace(PTRACE_GETSIGINFO, tid, 0L, &si) < 0)
		return false;
	return (si.si_signo == SIGSEGV || si.si_signo == SIGBUS) && si.si_code > 0 &&
	       si.si_code != SI_KERNEL;
}

bool fetch_stub_settle(struct tracer *t, struct thread *th, struct arch_regs *regs)
{
	struct fetch_area *a = &th->proc->space->fetch;
	struct arch_regs now;
	bool fault = false;
	uint64_t code;

	if (th->fetch_state != FETCH_ARMED)
		return false;
	if (!regs) {
		if (arch_regs_get(th->tid, &now) < 0)
			return false; /* gone: its exit prints the hit */
		regs = &now;
	}
	code = code_of(a, th->fetch_slot);
	if (arch_fetch_stub_contains(code, arch_ip(regs))) {
		fault = arch_fetch_stub_at_copy(code, arch_ip(regs)) && own_fault(th->tid);
		/* Back as it was resumed: the stub wrote only below the red
		 * zone and into the slot. Its hit is then read by us. */
		*regs = th->fetch_hit->after;
		if (arch_regs_set(th->tid, regs) < 0)
			log_debug("thread %d: cannot leave the fetch stub", th->tid);
	}
	if (waiting(th))
		print_until(t, th, true, false); /* and every older one first */
	th->fetch_state = FETCH_IDLE;
	return fault;
}

/* The quiet timer: a 10 ms interval signal, blocked except while the loop
 * sleeps in waitpid with hits waiting, so it interrupts nothing else (a
 * write to a full pipe would lose output on EINTR). */
static volatile sig_atomic_t quiet_fired;

static void on_quiet_timer(int sig)
{
	(void)sig;
	quiet_fired = 1;
}

static bool quiet_timer(struct tracer *t)
{
	struct itimerspec its = {{0, QUIET_NS}, {0, QUIET_NS}};
	sigset_t set;

	if (t->fetch_timer_made)
		return true;
	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN + 2);
	sigprocmask(SIG_BLOCK, &set, NULL);
	if (loop_timer_create(SIGRTMIN + 2, on_quiet_timer, &t->fetch_timer) < 0)
		return false;
	if (timer_settime(t->fetch_timer, 0, &its, NULL) < 0) {
		timer_delete(t->fetch_timer);
		return false;
	}
	t->fetch_timer_made = true;
	return true;
}

pid_t fetch_stub_wait(struct tracer *t, int *status)
{
	sigset_t set;
	pid_t got;

	if (!quiet_timer(t)) {
		fetch_stub_flush(t, true); /* nothing may wait without a timer */
		return waitpid(-1, status, __WALL);
	}
	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN + 2);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	/* A tick between the unblock and waitpid is seen at the next one,
	 * 10 ms later. */
	got = quiet_fired ? (errno = EINTR, -1) : waitpid(-1, status, __WALL);
	sigprocmask(SIG_BLOCK, &set, NULL);
	return got;
}

void fetch_stub_tick(struct tracer *t)
{
	if (!t->nfetch)
		return;
	fetch_stub_flush(t, false);
	if (t->nfetch && (quiet_fired || clock_mono_ns() >= t->fetch_due)) {
		quiet_fired = 0;
		fetch_stub_flush(t, true);
	}
}

void fetch_stub_end(struct tracer *t)
{
	fetch_stub_flush(t, true);
	if (t->fetch_timer_made)
		timer_delete(t->fetch_timer);
	t->fetch_timer_made = false;
}

/* ---- threads, spaces, detach ---- */

void fetch_stub_forget(struct tracer *t, struct thread *th)
{
	struct fetch_area *a = &th->proc->space->fetch;

	if (!th->fetch_hit)
		return;
	if (waiting(th))
		print_until(t, th, true, false);
	for (int i = 0; i < t->nfetch; i++) {
		if (t->fetch_fifo[i] == th) {
			memmove(t->fetch_fifo + i, t->fetch_fifo + i + 1,
				(size_t)(t->nfetch - i - 1) * sizeof(t->fetch_fifo[0]));
			t->nfetch--;
			i--;
		}
	}
	a->used &= ~(1u << th->fetch_slot);
	free(th->fetch_hit);
	th->fetch_hit = NULL;
	th->fetch_slot = -1;
	th->fetch_state = FETCH_IDLE;
}

void fetch_stub_memory_gone(struct tracer *t, struct process *proc)
{
	for (int i = 0; i < t->nfetch; i++) {
		struct thread *th = t->fetch_fifo[i];

		if (th->proc == proc && waiting(th)) {
			print_until(t, th, true, true);
			i = -1; /* the queue moved */
		}
	}
}

int fetch_stub_unmap(struct tracer *t, struct thread *th)
{
	struct fetch_area *a = &th->proc->space->fetch;
	int64_t got;
	int rc = 0;

	if (a->data && th->proc->space->gadget &&
	    inject(t, th, SYS_munmap, a->data, AREA_SIZE, 0, 0, 0, &got) < 0)
		rc = -EIO;
	if (a->code && th->proc->space->gadget &&
	    inject(t, th, SYS_munmap, a->code, 4096, 0, 0, 0, &got) < 0)
		rc = -EIO;
	if (rc == 0)
		a->data = a->code = 0;
	return rc;
}

void fetch_area_free(struct fetch_area *a)
{
	if (a->local)
		munmap(a->local, AREA_SIZE);
	a->local = NULL;
}
