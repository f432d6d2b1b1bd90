/* track.c: allocator calls into live blocks.  Entry probes note each
 * call's arguments, return probes its result; only the outermost call of
 * a thread counts (realloc calling malloc, a wrapper calling the real
 * allocator, reallocarray entering realloc). */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "tools/leaks/internal.h"
#include "util/log.h"

int leaks_init(struct leaks *lk, const struct leak_opts *opts, FILE *out)
{
	memset(lk, 0, sizeof(*lk));
	lk->opts = opts;
	lk->out = out;
	addrmap_init(&lk->blocks, sizeof(struct leak_block));
	addrmap_init(&lk->freed, sizeof(struct leak_freed));
	addrmap_init(&lk->threads, sizeof(struct leak_thread));
	leak_stacks_init(&lk->stacks);
	lk->freed_ring = calloc(LEAK_FREED_MAX, sizeof(uint64_t));
	lk->frames = calloc((size_t)opts->stack_depth, sizeof(*lk->frames));
	return lk->freed_ring && lk->frames ? 0 : -ENOMEM;
}

void leaks_free(struct leaks *lk)
{
	addrmap_free(&lk->blocks);
	addrmap_free(&lk->freed);
	addrmap_free(&lk->threads);
	leak_stacks_free(&lk->stacks);
	free(lk->freed_ring);
	free(lk->frames);
	for (size_t i = 0; i < lk->nalloc_modules; i++)
		free(lk->alloc_modules[i]);
	free(lk->alloc_modules);
	free(lk->dead_tls);
}

static void out_of_memory(struct leaks *lk)
{
	if (!lk->out_of_memory)
		log_error("leaks: out of memory: some blocks are not tracked, the report is incomplete");
	lk->out_of_memory = true;
}

static uint64_t arg(const struct probe_hit *hit, unsigned n)
{
	int64_t stack_offset;
	int reg = arch_arg_location(n, &stack_offset);

	return reg >= 0 ? arch_reg_value(hit->regs, reg) : 0;
}

static uint32_t take_stack(struct leaks *lk, const struct probe_hit *hit)
{
	int n;

	if (!hit->take_stack)
		return LEAK_NO_STACK;
	n = hit->take_stack(hit, lk->frames, lk->opts->stack_depth);
	return leak_stacks_intern(&lk->stacks, lk->frames, n);
}

bool leaks_is_allocator(const struct leaks *lk, const char *path)
{
	for (size_t i = 0; i < lk->nalloc_modules; i++)
		if (strcmp(lk->alloc_modules[i], path) == 0)
			return true;
	return false;
}

/* The file of the allocator function just entered, kept once: its own
 * data is not scanned for interior pointers (scan.c). */
static void note_allocator_module(struct leaks *lk, const struct probe_hit *hit)
{
	struct probe_frame f = {0};
	char **grown;

	if (!hit->name_addr)
		return;
	hit->name_addr(hit, arch_ip(hit->regs), &f);
	if (!f.module || leaks_is_allocator(lk, f.module))
		return;
	grown = realloc(lk->alloc_modules, (lk->nalloc_modules + 1) * sizeof(*grown));
	if (!grown)
		return;
	lk->alloc_modules = grown;
	lk->alloc_modules[lk->nalloc_modules] = strdup(f.module);
	if (lk->alloc_modules[lk->nalloc_modules])
		lk->nalloc_modules++;
	log_verbose("leaks: the program's allocator is in %s", f.module);
}

static struct leak_thread *thread_of(struct leaks *lk, const struct probe_hit *hit)
{
	bool fresh;
	struct leak_thread *th = addrmap_put(&lk->threads, (uint64_t)hit->tid, &fresh);

	if (th && hit->regs)
		th->tls = arch_tls_base(hit->regs);
	return th;
}

/* Drop calls that can never return to us: their frame is below the
 * current one's (a longjmp, an exception went past them). */
static void drop_abandoned(struct leak_thread *th, uint64_t frame)
{
	while (th->depth && th->call[th->depth - 1].frame < frame)
		th->depth--;
}

static bool inside_allocator(const struct leak_thread *th)
{
	return th->depth > 0;
}

static void add_block(struct leaks *lk, uint64_t addr, uint64_t size, enum leak_fn fn,
		      const struct probe_hit *hit, uint32_t stack)
{
	struct leak_block *b;
	bool fresh;

	if (!addr)
		return;
	/* The address is in use again: its earlier free is history. */
	addrmap_del(&lk->freed, addr, NULL);
	b = addrmap_put(&lk->blocks, addr, &fresh);
	if (!b) {
		out_of_memory(lk);
		return;
	}
	b->size = size;
	b->time_ns = hit->time_ns;
	b->stack = stack;
	b->tid = hit->tid;
	b->fn = (uint8_t)fn;
	lk->counts.allocs++;
}

static void remember_freed(struct leaks *lk, uint64_t addr, const struct leak_block *b,
			   enum leak_fn fn, const struct probe_hit *hit, uint32_t free_stack)
{
	struct leak_freed *f, *old;
	uint64_t slot = lk->freed_seq % LEAK_FREED_MAX, evict = lk->freed_ring[slot];
	bool fresh;

	/* Forget the oldest when the ring is full, unless it was freed again
	 * since (its record then belongs to a later place in the ring). */
	if (evict && (old = addrmap_get(&lk->freed, evict)) && old->seq == lk->freed_seq - LEAK_FREED_MAX)
		addrmap_del(&lk->freed, evict, NULL);
	f = addrmap_put(&lk->freed, addr, &fresh);
	if (!f) {
		out_of_memory(lk);
		return;
	}
	f->size = b ? b->size : 0;
	f->alloc_stack = b ? b->stack : LEAK_NO_STACK;
	f->free_stack = free_stack;
	f->tid = hit->tid;
	f->fn = (uint8_t)fn;
	f->alloc_fn = b ? b->fn : FN_MALLOC;
	f->seq = lk->freed_seq;
	lk->freed_ring[slot] = addr;
	lk->freed_seq++;
}

static void error_stop(struct leaks *lk, const struct probe_hit *hit)
{
	/* --abort-on-error: the program gets SIGABRT before the bad call runs */
	if (lk->opts->abort_on_error)
		syscall(SYS_tgkill, hit->pid, hit->tid, SIGABRT);
}

/* Was the call whose stack is STACK (frame 0 the allocator function)
 * made by the allocator's own module? */
static bool called_by_allocator(const struct leaks *lk, uint32_t stack)
{
	const struct leak_frame *caller = leak_stacks_frame(&lk->stacks, stack, 1);

	return caller && caller->module && leaks_is_allocator(lk, caller->module);
}

/* FN releases ADDR (free, realloc): true if it was a live block (moved to
 * the freed ones), false after reporting what it was instead. */
static bool release(struct leaks *lk, uint64_t addr, enum leak_fn fn, const struct probe_hit *hit,
		    uint32_t stack, bool remember)
{
	struct leak_block b;
	struct leak_freed *f;

	if (addrmap_del(&lk->blocks, addr, &b)) {
		lk->counts.frees++;
		if (remember)
			remember_freed(lk, addr, &b, fn, hit, stack);
		return true;
	}
	f = addrmap_get(&lk->freed, addr);
	if (f) {
		if (fn == FN_FREE)
			lk->counts.double_frees++;
		else
			lk->counts.freed_reallocs++;
		leak_report_error(lk, fn == FN_FREE ? ERR_DOUBLE_FREE : ERR_FREED_REALLOC, fn, addr,
				  hit, stack, f);
		error_stop(lk, hit);
		return false;
	}
	if (called_by_allocator(lk, stack)) {
		/* The allocator frees what it allocated for itself, without
		 * its public functions (glibc's per-thread cache at a
		 * thread's end): not the program's business. */
		return false;
	}
	if (lk->attached && !lk->opts->strict) {
		/* Most likely allocated before we attached: unknown origin.
		 * Remembered as freed, so freeing it again is caught. */
		lk->counts.unknown_frees++;
		if (remember)
			remember_freed(lk, addr, NULL, fn, hit, stack);
		return false;
	}
	lk->counts.invalid_frees++;
	leak_report_error(lk, lk->attached ? ERR_UNKNOWN_FREE : ERR_INVALID_FREE, fn, addr, hit, stack,
			  NULL);
	error_stop(lk, hit);
	return false;
}

static void on_entry(struct leaks *lk, enum leak_fn fn, const struct probe_hit *hit)
{
	struct leak_thread *th = thread_of(lk, hit);
	struct leak_call *c;
	bool outer;

	if (!th) {
		out_of_memory(lk);
		return;
	}
	drop_abandoned(th, hit->frame);
	outer = !inside_allocator(th);
	if (outer && !lk->nalloc_modules)
		note_allocator_module(lk, hit);
	if (fn == FN_FREE) {
		uint64_t ptr = arg(hit, 0);

		if (outer && ptr)
			release(lk, ptr, fn, hit, take_stack(lk, hit), true);
		return;
	}
	if (outer && (fn == FN_REALLOC || fn == FN_REALLOCARRAY) && arg(hit, 0) &&
	    !addrmap_get(&lk->blocks, arg(hit, 0))) {
		/* realloc of a block that is not live: say so now, before it
		 * runs (it may well crash the program). */
		release(lk, arg(hit, 0), fn, hit, take_stack(lk, hit), false);
	}
	if (th->depth && th->call[th->depth - 1].frame == hit->frame &&
	    th->call[th->depth - 1].ip == arch_ip(hit->regs))
		return; /* the same call under another name (aligned_alloc is memalign) */
	if (th->depth == LEAK_NEST_MAX)
		return; /* absurdly deep: its return is ignored */
	c = &th->call[th->depth++];
	c->frame = hit->frame;
	c->ip = arch_ip(hit->regs);
	c->fn = (uint8_t)fn;
	c->outer = outer;
	for (unsigned i = 0; i < 3; i++)
		c->arg[i] = arg(hit, i);
}

/* Bytes asked for, or 0 when the product overflows (the call fails). */
static uint64_t times(uint64_t a, uint64_t b)
{
	uint64_t r;

	return __builtin_mul_overflow(a, b, &r) ? 0 : r;
}

static void on_return(struct leaks *lk, enum leak_fn fn, const struct probe_hit *hit)
{
	struct leak_thread *th = addrmap_get(&lk->threads, (uint64_t)hit->tid);
	uint64_t ret = arch_retval(hit->regs), ptr, size, memptr = 0;
	struct leak_call c;

	if (!th)
		return;
	drop_abandoned(th, hit->frame);
	/* A function's aliases return through one call; a tail call
	 * (realloc(NULL, n) jumping to malloc) returns both, innermost first. */
	if (!th->depth || th->call[th->depth - 1].frame != hit->frame)
		return; /* its entry was not seen (we attached inside it) */
	c = th->call[--th->depth];
	if (!c.outer)
		return;
	fn = c.fn;
	switch (fn) {
	case FN_MALLOC:
	case FN_VALLOC:
	case FN_PVALLOC:
		add_block(lk, ret, c.arg[0], fn, hit, ret ? take_stack(lk, hit) : LEAK_NO_STACK);
		break;
	case FN_CALLOC:
		add_block(lk, ret, times(c.arg[0], c.arg[1]), fn, hit,
			  ret ? take_stack(lk, hit) : LEAK_NO_STACK);
		break;
	case FN_ALIGNED_ALLOC:
	case FN_MEMALIGN:
		add_block(lk, ret, c.arg[1], fn, hit, ret ? take_stack(lk, hit) : LEAK_NO_STACK);
		break;
	case FN_POSIX_MEMALIGN:
		if ((int)ret != 0 || !hit->mem ||
		    hit->mem->read(hit->mem->ctx, c.arg[0], &memptr, sizeof(memptr)) < 0)
			break;
		add_block(lk, memptr, c.arg[2], fn, hit, take_stack(lk, hit));
		break;
	case FN_REALLOC:
	case FN_REALLOCARRAY:
		ptr = c.arg[0];
		size = fn == FN_REALLOC ? c.arg[1] : times(c.arg[1], c.arg[2]);
		if (!ret && ptr && size) /* failed: the old block stays */
			break;
		if (ptr && addrmap_get(&lk->blocks, ptr)) {
			/* moved, resized or (size 0) freed: the old block is gone */
			uint32_t stack = take_stack(lk, hit);

			release(lk, ptr, fn, hit, stack, true);
			add_block(lk, ret, size, fn, hit, stack);
		} else {
			add_block(lk, ret, size, fn, hit, ret ? take_stack(lk, hit) : LEAK_NO_STACK);
		}
		break;
	default:
		break;
	}
}

void leaks_hit(void *data, const struct probe_hit *hit)
{
	struct leaks *lk = data;
	enum leak_fn fn;
	bool at_return;

	if (hit->pid != lk->pid || !hit->regs)
		return;
	leak_fns_of_probe(hit->probe->index, &fn, &at_return);
	if (fn == FN_COUNT)
		return;
	if (at_return)
		on_return(lk, fn, hit);
	else
		on_entry(lk, fn, hit);
}

static void note_dead_thread(struct leaks *lk, pid_t tid)
{
	struct leak_thread th;

	if (!addrmap_del(&lk->threads, (uint64_t)tid, &th) || !th.tls)
		return;
	if (lk->ndead_tls == lk->dead_tls_cap) {
		size_t cap = lk->dead_tls_cap ? lk->dead_tls_cap * 2 : 16;
		uint64_t *grown = realloc(lk->dead_tls, cap * sizeof(*grown));

		if (!grown)
			return;
		lk->dead_tls = grown;
		lk->dead_tls_cap = cap;
	}
	lk->dead_tls[lk->ndead_tls++] = th.tls;
}

void leaks_exec(void *data, const struct probe_hit *hit)
{
	struct leaks *lk = data;

	if (hit->pid != lk->pid)
		return;
	/* The old image's blocks are gone with it; its counts stay. */
	addrmap_free(&lk->blocks);
	addrmap_free(&lk->freed);
	addrmap_free(&lk->threads);
	memset(lk->freed_ring, 0, LEAK_FREED_MAX * sizeof(uint64_t));
	lk->ndead_tls = 0;
	while (lk->nalloc_modules)
		free(lk->alloc_modules[--lk->nalloc_modules]);
}

void leaks_life(void *data, enum backend_life what, const struct probe_hit *hit)
{
	struct leaks *lk = data;

	if (hit->pid != lk->pid)
		return;
	switch (what) {
	case LIFE_THREAD_BEGIN:
		thread_of(lk, hit);
		break;
	case LIFE_THREAD_END:
		if (hit->tid != hit->pid)
			note_dead_thread(lk, hit->tid);
		break;
	default:
		break;
	}
}
